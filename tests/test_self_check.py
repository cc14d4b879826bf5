"""The students' self-check: it runs from its bundle with Python and PyYAML
alone, reads every answer with the grader's own parsers, and neither holds
nor says any answer."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder import build
from autograder.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "student_template"
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"

#: Runs a script the way a student's machine would: only the standard
#: library, PyYAML and the bundle's own `autograder` modules can be imported,
#: so a parser that needed SymPy, numpy or the repository would fail here.
STUDENT_PYTHON = '''
import runpy, sys
from importlib.abc import MetaPathFinder
ALLOWED = (set(sys.stdlib_module_names) | {"yaml", "_yaml", "autograder"}) - set(sys.argv[1].split(","))
class OnlyWhatStudentsHave(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] not in ALLOWED:
            raise ModuleNotFoundError(f"No module named {name!r} on a student's machine", name=name)
sys.meta_path.insert(0, OnlyWhatStudentsHave())
sys.argv = sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''

#: Words that would tell a student whether an answer is right.
VERDICT_WORDS = re.compile(r"\b(correct|incorrect|wrong|right|score|points?|credit|mistakes?|reference)\b",
                           re.IGNORECASE)


@pytest.fixture(scope="module")
def bundle_zip(tmp_path_factory) -> Path:
    return build.build_student_bundle(out=tmp_path_factory.mktemp("bundle") / "student_template.zip")


@pytest.fixture(scope="module")
def bundle(bundle_zip, tmp_path_factory) -> Path:
    """The bundle unzipped into a fresh folder outside the repository."""
    folder = tmp_path_factory.mktemp("student")
    build.extract_with_modes(bundle_zip, folder)
    return folder


def run_check(folder: Path, *args: str, blocked: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """`python check.py ARGS` in `folder`, isolated (-I: no PYTHONPATH, no user site) and
    limited to what students have; `blocked` also hides those modules (e.g. yaml)."""
    guard = folder.parent / "student_python.py"
    guard.write_text(STUDENT_PYTHON, encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(guard), ",".join(blocked), "check.py", *args],
                          cwd=folder, capture_output=True, text=True, encoding="utf-8")


def write_sheet(folder: Path, answers: dict) -> Path:
    path = folder / "mine" / "answers.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(answers, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


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


def items() -> list[dict]:
    return build.item_manifest(load_spec())["items"]


# ---------------------------------------------------------------------------
# What the bundle holds


def test_the_bundle_holds_the_template_the_check_its_instructions_and_the_parsers_only(bundle_zip):
    with zipfile.ZipFile(bundle_zip) as archive:
        names = set(archive.namelist())
        assert archive.read("answers.yaml") == (TEMPLATE / "answers.yaml").read_bytes()
        assert archive.read("check.py") == (TEMPLATE / "check.py").read_bytes()
    modules = {path.relative_to(ROOT).as_posix() for path in build.checker_modules()}
    assert names == {"answers.yaml", "check.py", "README.txt", "items.json"} | modules
    assert {"autograder/sheet.py", "autograder/kinds/errors.py", "autograder/kinds/number.py",
            "autograder/kinds/shape.py", "autograder/kinds/big_o.py", "autograder/kinds/ratio.py"} <= modules
    for forbidden in ("solutions/", "specs/", "autograder/spec.py", "autograder/prepared.py",
                      "autograder/references.py", "autograder/verify.py", "autograder/simulation.py",
                      "autograder/grading.py", "autograder/answer_key.py", "autograder/build.py"):
        assert not any(name.startswith(forbidden) for name in names), forbidden


def test_items_json_holds_keys_numbers_names_and_kinds_and_nothing_else(bundle):
    """Plus, for shape items that read one number as something, what (the
    wording the grader uses: entries, or the side of a square); no value."""
    manifest = json.loads((bundle / "items.json").read_text(encoding="utf-8"))
    assert set(manifest) == {"items"}
    assert all(set(item) - {"one_number_means"} == {"key", "number", "name", "kind"}
               for item in manifest["items"])
    assert {item.get("one_number_means") for item in manifest["items"]} == {None, "entries", "square side"}
    assert [item["key"] for item in manifest["items"]] == [item.key for item in load_spec().items]


def test_two_bundle_builds_give_the_same_bytes(bundle_zip, tmp_path):
    assert build.build_student_bundle(out=tmp_path / "again.zip").read_bytes() == bundle_zip.read_bytes()


def test_the_readme_tells_students_how_to_fill_check_and_submit(bundle):
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    for needed in ("answers.yaml", "python check.py answers.yaml", "python -m pip install pyyaml",
                   "Python 3.10", "does NOT know the answers", "Gradescope"):
        assert needed in readme


# ---------------------------------------------------------------------------
# Running it where students do


def test_the_blank_template_is_all_empty_and_nothing_to_fix(bundle):
    completed = run_check(bundle, "answers.yaml")
    assert completed.returncode == 0, completed.stderr
    empty = section(completed.stdout, "Left empty")
    assert len(empty) == len([item for item in items() if item["kind"] != "feedback"])  # optional
    assert section(completed.stdout, "Read") == []
    assert "0 read" in completed.stdout


def test_the_solved_sample_is_read_item_by_item_without_a_word_on_right_or_wrong(bundle):
    completed = run_check(bundle, str(SOLVED))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    read = section(completed.stdout, "Read")
    shown = {"written": "written answer", "feedback": "written answer",
             "variable": "your Big-O letter means the image side"}
    for item in items():
        line = next(line for line in read if f"{item['key']}:" in line.split())
        assert shown.get(item["kind"], "read as") in line, line
    assert "q2.f.standard: read as the shape 784 × 9" in completed.stdout
    assert "q2.g.multiplications_big_o.standard: read as O(N^2), with N = the image side" in completed.stdout
    assert section(completed.stdout, "Left empty") == []
    assert section(completed.stdout, "Could not be read") == []
    assert not VERDICT_WORDS.search(completed.stdout), VERDICT_WORDS.search(completed.stdout)


def test_a_typo_key_and_an_unreadable_answer_are_reported_with_a_hint(bundle):
    answers = yaml.safe_load(SOLVED.read_text(encoding="utf-8"))
    answers["q2"]["e"]["standrd"] = answers["q2"]["e"].pop("standard")
    answers["q2"]["b"] = "(3*3"
    answers["q2"]["g"]["variable"] = "the letter I used"
    sheet = write_sheet(bundle, answers)
    completed = run_check(bundle, str(sheet))
    assert completed.returncode == 1
    unreadable = section(completed.stdout, "Could not be read")
    at = next(i for i, line in enumerate(unreadable) if line.startswith("2.b "))
    assert "q2.b: could not read '(3*3'" in unreadable[at]
    assert unreadable[at + 1].startswith("hint: ")
    at = next(i for i, line in enumerate(unreadable) if line.startswith("q2.g.variable:"))
    assert unreadable[at + 1] == 'hint: say what your Big-O letter means: "image side" or "number of pixels"'
    assert section(completed.stdout, "Not in the template") == ["q2.e.standrd"]
    assert any(line.startswith("2.e.1") for line in section(completed.stdout, "Left empty"))


def test_a_sheet_that_is_not_yaml_is_explained(bundle):
    sheet = bundle / "broken" / "answers.yaml"
    sheet.parent.mkdir()
    sheet.write_text("q2:\n  b: 9\n\tc: 10\n", encoding="utf-8")
    completed = run_check(bundle, str(sheet))
    assert completed.returncode == 1
    assert "could not be read" in completed.stdout and "tab" in completed.stdout


def test_a_sheet_that_is_not_there_is_a_usage_error(bundle):
    completed = run_check(bundle, "answer.yaml")
    assert completed.returncode == 2
    assert "answer.yaml does not exist" in completed.stderr


def test_without_pyyaml_it_says_how_to_install_it(bundle):
    completed = run_check(bundle, "answers.yaml", blocked=("yaml", "_yaml"))
    assert completed.returncode == 2
    assert "python -m pip install pyyaml" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_help_names_what_it_needs_and_what_it_does_not_do(bundle):
    completed = run_check(bundle, "--help")
    assert completed.returncode == 0
    help_text = " ".join(completed.stdout.split())
    assert "Python 3.10+" in help_text and "python -m pip install pyyaml" in help_text
    assert "never says whether one is right" in help_text
    top = (TEMPLATE / "check.py").read_text(encoding="utf-8").split('"""')[1]
    assert "Python 3.10" in top and "python -m pip install pyyaml" in top


def test_in_the_repository_it_reads_the_spec_and_agrees_with_the_bundle(bundle):
    in_repository = subprocess.run([sys.executable, "-I", str(TEMPLATE / "check.py"), str(SOLVED)],
                                   capture_output=True, text=True, encoding="utf-8")
    in_bundle = run_check(bundle, str(SOLVED))
    assert in_repository.returncode == in_bundle.returncode
    assert in_repository.stdout == in_bundle.stdout


# ---------------------------------------------------------------------------
# No answer anywhere students can see: tests/test_leaks.py, which derives its
# search list from the grader's prepared references.


# ---------------------------------------------------------------------------
# What the build lets into the bundle


def write_module(root: Path, name: str, text: str) -> None:
    path = root.joinpath(*name.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for package in list(path.parents)[:len(name.split(".")) - 1]:
        (package / "__init__.py").touch()
    path.write_text(text, encoding="utf-8")


def test_the_bundle_follows_module_level_imports_including_relative_ones(tmp_path):
    write_module(tmp_path, "autograder.kinds.number", "from . import errors\nfrom .errors import E\n"
                 "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from autograder.prepared import C\n"
                 "def grade():\n    from autograder.prepared import C\n")
    write_module(tmp_path, "autograder.kinds.errors", "import re\nclass E(Exception): pass\n")
    entry = tmp_path / "check.py"
    entry.write_text("import yaml\nfrom autograder.kinds import number\n"
                     "def repository_only():\n    from autograder.spec import load_spec\n", encoding="utf-8")
    found = {path.relative_to(tmp_path).as_posix() for path in build.checker_modules(entry, tmp_path)}
    assert found == {"autograder/__init__.py", "autograder/kinds/__init__.py",
                     "autograder/kinds/number.py", "autograder/kinds/errors.py"}


@pytest.mark.parametrize("imported, refused", [
    ("from autograder.prepared import Candidate", "autograder.prepared, which holds the computed references"),
    ("from solutions.order import Growth", "solutions, which holds the answer formulas"),
    ("import numpy", "numpy (check.py -> autograder.kinds.number -> numpy), which is not in the standard"),
    ("from .missing import x", "autograder.kinds.missing"),
])
def test_the_bundle_refuses_modules_students_must_not_or_cannot_have(tmp_path, imported, refused):
    write_module(tmp_path, "autograder.kinds.number", imported + "\n")
    entry = tmp_path / "check.py"
    entry.write_text("from autograder.kinds import number\n", encoding="utf-8")
    with pytest.raises(build.BuildError) as error:
        build.checker_modules(entry, tmp_path)
    assert refused in str(error.value)
