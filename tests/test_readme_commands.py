"""Every command the README shows is run here, so a documented command
cannot break silently.

The README shows commands in ```bash blocks only; they run in order, in a
copy of the repository (so what they write lands there), with the
project's environment first on PATH, as a reader who ran `./setup.sh` and
activated `.venv` would. Not run here are the commands `.ci/run` runs
exactly as written: the test suite itself (which would recurse) and the
mutation gate.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
#: The README's test command: CI runs it; running it here would recurse.
SUITE = re.compile(r"\bpytest\b")
CI_SCRIPT = ROOT / ".ci" / "run"
#: Generous: one command installs the upload zip into a fresh environment.
COMMAND_TIMEOUT_SECONDS = 900


def run_by_ci(command: str) -> bool:
    """Whether `.ci/run` runs this command exactly as written."""
    return command in {line.strip() for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines()}


def readme_commands(text: str) -> list[str]:
    """The command lines of the README's bash blocks, comments removed and
    backslash-continued lines joined."""
    commands = []
    for block in re.findall(r"^```(?:bash|sh|console)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        joined = re.sub(r"\s*\\\n\s*", " ", block)
        for line in joined.splitlines():
            command = re.sub(r"(^|\s)#.*$", "", line).strip()
            if command:
                commands.append(command)
    return commands


def inline_commands_outside_blocks(text: str) -> list[str]:
    """Inline code spans that look like commands but sit outside a bash
    block (and so would not be run): each must also appear in a block."""
    outside = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", outside)
    starts = ("autograder ", "./run_autograder ", "./setup.sh ", "python check.py", ".venv/bin/")
    return [span for span in spans if span.startswith(starts)]


def test_the_readme_shows_commands_and_its_two_first_ones_are_setup_and_tests():
    commands = readme_commands(README.read_text(encoding="utf-8"))
    assert commands[0].startswith("./setup.sh") and "--submission examples/solved" in commands[0]
    assert commands[1].startswith("./setup.sh --dev") and SUITE.search(commands[1])
    assert [c for c in commands if SUITE.search(c)] == [commands[1]]
    assert run_by_ci(commands[1]), ".ci/run must run the README's test command as written"


def test_every_inline_command_is_also_in_a_block():
    text = README.read_text(encoding="utf-8")
    shown = " ".join(readme_commands(text))
    missing = [span for span in inline_commands_outside_blocks(text) if span not in shown]
    assert not missing, f"commands shown inline but never run: {missing}"


def test_the_command_extraction_sees_comments_and_continuations():
    text = "intro\n```bash\n# a comment\nautograder key  # the key\nautograder sheet \\\n  template\n```\n"
    assert readme_commands(text) == ["autograder key", "autograder sheet template"]


def _copy_of_the_repository(destination: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode().split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / ".venv").symlink_to(ROOT / ".venv")
    if (ROOT / ".cache").is_dir():  # proved references: the copy need not prove them again
        shutil.copytree(ROOT / ".cache", destination / ".cache")
    return destination


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(),
                    reason="needs the project's environment (./setup.sh --dev)")
def test_every_readme_command_runs(tmp_path):
    copy = _copy_of_the_repository(tmp_path / "repo")
    environment = {**os.environ, "PATH": f"{copy / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    environment.pop("AUTOGRADER_SPEC", None)
    failures = []
    try:
        for command in readme_commands(README.read_text(encoding="utf-8")):
            if run_by_ci(command):
                continue
            ran = subprocess.run(["bash", "-c", f"set -e; {command}"], cwd=copy, env=environment,
                                 capture_output=True, text=True, timeout=COMMAND_TIMEOUT_SECONDS)
            if ran.returncode != 0:
                failures.append(f"$ {command}\nexit {ran.returncode}\n{ran.stdout[-1500:]}"
                                f"{ran.stderr[-1500:]}")
    finally:
        # The copy's setup.sh installed the package from the copy into the shared
        # environment: point it back at this checkout, as ./setup.sh --dev left it.
        subprocess.run([str(ROOT / "setup.sh"), "--dev"], cwd=ROOT, capture_output=True,
                       timeout=COMMAND_TIMEOUT_SECONDS, check=True)
    assert not failures, "\n\n".join(failures)
