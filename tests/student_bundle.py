"""Running the students' bundle as a student would: built, unpacked into a
folder outside the repository, and run by a bare Python (isolated, no
virtual environment, no PyYAML) of the versions students have.

Shared by tests/test_self_check.py (what the bundle holds and says) and
tests/test_student_bundle.py (every Python students have, and every way the
check can fail).
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.build import artifacts as build

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "student_template"
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"

#: The oldest Python the bundle supports (Apple's Command Line Tools still
#: ship it) and the newest one tried; the grader's own Python runs it too.
OLDEST, NEWEST = (3, 9), (3, 13)
#: Set in CI, so that a missing interpreter fails instead of skipping.
REQUIRE_VARIABLE = "REQUIRE_STUDENT_PYTHONS"


@dataclass(frozen=True)
class StudentPython:
    """An interpreter and the flags that make it bare: -I (no PYTHONPATH, no
    user site-packages, not even the script's folder on sys.path) and, for one
    that has PyYAML installed (this test run's own), -S (no site-packages)."""

    label: str
    executable: str
    flags: tuple[str, ...]

    def command(self, *arguments: str) -> list[str]:
        return [self.executable, *self.flags, *arguments]


def _version(executable: str) -> tuple[int, int] | None:
    try:
        completed = subprocess.run([executable, "-I", "-c", "import sys; print(*sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    found = completed.stdout.split()
    return (int(found[0]), int(found[1])) if completed.returncode == 0 and len(found) == 2 else None


def _pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        completed = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
        if completed.returncode == 0 and completed.stdout.strip():
            return Path(completed.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    return Path.home() / ".pyenv"


@functools.lru_cache(maxsize=None)
def find_python(major: int, minor: int) -> StudentPython | None:
    """A Python major.minor from pyenv or the PATH, made bare; None if there is none."""
    candidates = sorted((_pyenv_root() / "versions").glob(f"{major}.{minor}.*/bin/python{major}.{minor}"),
                        reverse=True)
    candidates += [Path(found) for found in [shutil.which(f"python{major}.{minor}")] if found]
    for candidate in candidates:
        if _version(str(candidate)) == (major, minor):
            return _bare(f"Python {major}.{minor}", str(candidate))
    return None


def this_python() -> StudentPython:
    """The Python running the tests, without its site-packages (so without PyYAML)."""
    version = ".".join(map(str, sys.version_info[:2]))
    return StudentPython(f"this Python ({version}), bare", sys.executable, ("-I", "-S"))


def _bare(label: str, executable: str) -> StudentPython:
    has_yaml = subprocess.run([executable, "-I", "-c", "import yaml"], capture_output=True).returncode == 0
    return StudentPython(label, executable, ("-I", "-S") if has_yaml else ("-I",))


def student_python(which: str) -> StudentPython:
    """'oldest', 'newest' or 'this': the interpreter, or a skip (a failure in CI) saying which is absent."""
    if which == "this":
        return this_python()
    major, minor = OLDEST if which == "oldest" else NEWEST
    found = find_python(major, minor)
    if found is None:
        reason = (f"Python {major}.{minor} is not installed here (looked in pyenv's versions and for "
                  f"python{major}.{minor} on the PATH); the student bundle must run on it")
        if os.environ.get(REQUIRE_VARIABLE):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


STUDENT_PYTHONS = ("oldest", "newest", "this")


def build_and_unpack(folder: Path) -> tuple[Path, Path]:
    """(the built zip, the folder it was unpacked into), both under `folder`."""
    bundle_zip = build.build_student_bundle(out=folder / "dist" / "student_template.zip")
    unpacked = folder / "student_template"
    unpacked.mkdir()
    build.extract_with_modes(bundle_zip, unpacked)
    return bundle_zip, unpacked


#: Runs check.py with one fault injected, as a student's machine might cause
#: it: the sheet cannot be opened, memory runs out, Ctrl-C, or a bug. The
#: fault is raised by os.open for the sheet (the check opens it first, to
#: tell an unreadable sheet from a broken one), so no code of the check is
#: patched. argv: FAULT SHEET_NAME check.py ARGS...
FAULT_WRAPPER = '''
import errno, os, pathlib, runpy, sys  # pathlib first: Python 3.9's keeps the os.open it finds
fault, sheet_name = sys.argv[1], sys.argv[2]
sys.argv = sys.argv[3:]
FAULTS = {
    "permission": lambda path: PermissionError(errno.EACCES, "Permission denied", path),
    "memory": lambda path: MemoryError(),
    "interrupt": lambda path: KeyboardInterrupt(),
    "bug": lambda path: RuntimeError("a fault injected by the test"),
}
real_open = os.open
def faulty_open(path, *args, **kwargs):
    if not isinstance(path, int) and os.path.basename(os.fsdecode(path)) == sheet_name:
        raise FAULTS[fault](os.fsdecode(path))
    return real_open(path, *args, **kwargs)
os.open = faulty_open
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def run_check(python: StudentPython, folder: Path, *args: str, fault: str | None = None,
              sheet_name: str = "answers.yaml", **options) -> subprocess.CompletedProcess:
    """`python check.py ARGS` in `folder` (the unpacked bundle), with an optional fault."""
    if fault is None:
        command = python.command("check.py", *args)
    else:
        wrapper = folder.parent / "inject_fault.py"
        wrapper.write_text(FAULT_WRAPPER, encoding="utf-8")
        command = python.command(str(wrapper), fault, sheet_name, "check.py", *args)
    options.setdefault("capture_output", True)
    return subprocess.run(command, cwd=folder, text=True, encoding="utf-8", timeout=120, **options)


def section(output: str, title: str) -> list[str]:
    """The entry lines under the heading that starts with `title`."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(title)), None)
    if start is None:
        return []
    entries = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        entries.append(line.strip())
    return entries


def one_line(text: str) -> str:
    """The single line `text` holds; fails the test if it holds more or a traceback."""
    assert "Traceback" not in text, text
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


SUMMARY = re.compile(r"^(\d+) read, (\d+) empty, (\d+) unreadable\.$", re.MULTILINE)
