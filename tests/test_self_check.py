"""The students' self-check: its bundle holds the grader's own parsers and
PyYAML's pure-Python modules and nothing else; it reads every answer with
those parsers, and neither holds nor says any answer. (Every Python students
have, and every way the check can fail: tests/test_student_bundle.py.)"""
from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder.build import artifacts as build
from autograder.assignment.spec import load_spec
from student_bundle import ROOT, SOLVED, TEMPLATE, build_and_unpack, run_check, section, this_python

#: Words that would tell a student whether an answer is right.
VERDICT_WORDS = re.compile(r"\b(correct|incorrect|wrong|right|score|points?|credit|mistakes?|reference)\b",
                           re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    return build_and_unpack(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def bundle_zip(built) -> Path:
    return built[0]


@pytest.fixture(scope="module")
def bundle(built) -> Path:
    """The bundle unzipped into a fresh folder outside the repository."""
    return built[1]


def check(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """check.py run by this test run's Python made bare (-I -S: no PyYAML, no site-packages)."""
    return run_check(this_python(), folder, *args)


def write_sheet(folder: Path, answers: dict) -> Path:
    path = folder / "mine" / "answers.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(answers, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def items() -> list[dict]:
    return build.item_manifest(load_spec())["items"]


# ---------------------------------------------------------------------------
# What the bundle holds


def installed_yaml() -> dict[str, bytes]:
    """The installed PyYAML's pure-Python modules by their name in the bundle."""
    package = Path(importlib.util.find_spec("yaml").origin).parent
    return {f"yaml/{path.name}": path.read_bytes() for path in package.glob("*.py")}


def test_the_bundle_holds_the_template_the_check_its_instructions_the_parsers_and_pure_python_yaml(bundle_zip):
    with zipfile.ZipFile(bundle_zip) as archive:
        names = set(archive.namelist())
        assert archive.read("answers.yaml") == (TEMPLATE / "answers.yaml").read_bytes()
        assert archive.read("check.py") == (TEMPLATE / "check.py").read_bytes()
        vendored = {name: archive.read(name) for name in names if name.startswith("yaml/")}
    modules = {path.relative_to(ROOT).as_posix() for path in build.checker_modules()}
    assert names == {"answers.yaml", "check.py", "README.txt", "items.json"} | modules | set(vendored)
    license_text = vendored.pop("yaml/LICENSE").decode("utf-8")
    assert "Permission is hereby granted" in license_text and "Kirill Simonov" in license_text
    assert vendored == installed_yaml() and "yaml/reader.py" in vendored
    assert not any(name.endswith((".so", ".pyd", ".pyc", ".dylib")) or "_yaml" in name for name in names)
    assert {"autograder/submission/sheet.py", "autograder/answers/errors.py", "autograder/answers/number.py",
            "autograder/answers/shape.py", "autograder/answers/big_o.py", "autograder/answers/ratio.py"} <= modules
    for forbidden in ("solutions/", "specs/", "autograder/assignment/spec.py", "autograder/assignment/prepared.py",
                      "autograder/assignment/references.py", "autograder/assignment/verify.py", "autograder/assignment/simulation.py",
                      "autograder/grading/pipeline.py", "autograder/course/answer_key.py", "autograder/build/artifacts.py"):
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


#: Issue 12's limit: a download students do not think twice about.
MAX_BUNDLE_BYTES = 500_000


def test_the_bundle_stays_small(bundle_zip):
    assert bundle_zip.stat().st_size < MAX_BUNDLE_BYTES


def test_the_readme_says_how_to_run_it_on_each_system_and_what_its_exit_statuses_mean(bundle):
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    for system, command in (("macOS", "python3"), ("Windows", "py"), ("Linux", "python3")):
        assert re.search(rf"^ +{system}: +{command} check\.py answers\.yaml$", readme, re.MULTILINE), system
    for needed in ("Python 3.9 or newer, nothing to install", "does NOT know the answers", "Gradescope",
                   f"PyYAML {importlib.metadata.version('PyYAML')} (MIT license, in\n   yaml/LICENSE)"):
        assert needed in readme
    assert "pip install" not in readme
    statuses = build.exit_statuses()
    assert [code for code, _ in statuses] == list(range(7))
    for code, meaning in statuses:
        shown = re.search(rf"^ {{5}}{code}  (.+(?:\n {{8}}.+)*)", readme, re.MULTILINE)
        assert shown and " ".join(shown.group(1).split()) == meaning


# ---------------------------------------------------------------------------
# Running it where students do


def test_the_blank_template_is_all_empty_and_nothing_to_fix(bundle):
    completed = check(bundle, "answers.yaml")
    assert completed.returncode == 0, completed.stderr
    empty = section(completed.stdout, "Left empty")
    assert len(empty) == len([item for item in items() if item["kind"] != "feedback"])  # optional
    assert section(completed.stdout, "Read") == []
    assert "0 read" in completed.stdout


def test_the_solved_sample_is_read_item_by_item_without_a_word_on_right_or_wrong(bundle):
    completed = check(bundle, str(SOLVED))
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
    completed = check(bundle, str(sheet))
    assert completed.returncode == 1
    unreadable = section(completed.stdout, "Could not be read")
    at = next(i for i, line in enumerate(unreadable) if line.startswith("2.b "))
    assert "q2.b: could not read '(3*3'" in unreadable[at]
    assert unreadable[at + 1].startswith("hint: ")
    at = next(i for i, line in enumerate(unreadable) if line.startswith("q2.g.variable:"))
    assert unreadable[at + 1] == 'hint: say what your Big-O letter means: "image side" or "number of pixels"'
    assert section(completed.stdout, "Not in the template") == ["q2.e.standrd"]
    assert any(line.startswith("2.e.1") for line in section(completed.stdout, "Left empty"))


def test_a_key_in_capitals_or_one_dotted_key_is_shown_as_the_grader_reads_it(bundle):
    answers = yaml.safe_load(SOLVED.read_text(encoding="utf-8"))
    answers["Q2"] = {"b": answers["q2"].pop("b")}
    answers["q2.c"] = answers["q2"].pop("c")
    completed = check(bundle, str(write_sheet(bundle, answers)))
    assert section(completed.stdout, "Not in the template") == ["Q2.b  (did you mean q2.b?)"]
    assert any(line.startswith("2.c ") and "read as the number" in line
               for line in section(completed.stdout, "Read"))


def test_help_names_what_it_needs_what_it_does_not_do_and_every_exit_status(bundle):
    completed = check(bundle, "--help")
    assert completed.returncode == 0
    help_text = " ".join(completed.stdout.split())
    assert "Needs Python 3.9+ and nothing else" in help_text
    assert "never says whether one is right" in help_text
    for code, meaning in build.exit_statuses():
        assert f"{code} {meaning}" in help_text
    top = (TEMPLATE / "check.py").read_text(encoding="utf-8").split('"""')[1]
    assert "Python 3.9 or newer and nothing to install" in " ".join(top.split())
    assert "py check.py answers.yaml" in top and "python3 check.py answers.yaml" in top


def test_in_the_repository_it_reads_the_spec_and_agrees_with_the_bundle(bundle):
    in_repository = subprocess.run([sys.executable, "-I", str(TEMPLATE / "check.py"), str(SOLVED)],
                                   capture_output=True, text=True, encoding="utf-8")
    in_bundle = check(bundle, str(SOLVED))
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
    write_module(tmp_path, "autograder.answers.number", "from . import errors\nfrom .errors import E\n"
                 "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from autograder.assignment.prepared import C\n"
                 "def grade():\n    from autograder.assignment.prepared import C\n")
    write_module(tmp_path, "autograder.answers.errors", "import re\nclass E(Exception): pass\n")
    entry = tmp_path / "check.py"
    entry.write_text("import yaml\nfrom autograder.answers import number\n"
                     "def repository_only():\n    from autograder.assignment.spec import load_spec\n", encoding="utf-8")
    closure = build.checker_closure(entry, tmp_path)
    found = {path.relative_to(tmp_path).as_posix() for path in closure.modules}
    assert found == {"autograder/__init__.py", "autograder/answers/__init__.py",
                     "autograder/answers/number.py", "autograder/answers/errors.py"}
    assert closure.vendored == {"yaml"}
    entry.write_text("from autograder.answers import number\n", encoding="utf-8")
    assert build.checker_closure(entry, tmp_path).vendored == frozenset()


def test_the_real_self_check_needs_pyyaml_vendored_and_nothing_else():
    assert build.checker_closure().vendored == {"yaml"}


@pytest.mark.parametrize("imported, refused", [
    ("from autograder.assignment.prepared import Candidate", "autograder.assignment, which holds the spec, its references and their proof"),
    ("from solutions.order import Growth", "solutions, which holds the answer formulas"),
    ("import numpy", "numpy (check.py -> autograder.answers.number -> numpy), which is neither in the "
                     "standard library nor vendored"),
    ("import yaml\nfrom autograder.grading.pipeline import grade_sheet",
     "autograder.grading, which grades against the references"),
    ("from .missing import x", "autograder.answers.missing"),
])
def test_the_bundle_refuses_modules_students_must_not_or_cannot_have(tmp_path, imported, refused):
    write_module(tmp_path, "autograder.answers.number", imported + "\n")
    entry = tmp_path / "check.py"
    entry.write_text("from autograder.answers import number\n", encoding="utf-8")
    with pytest.raises(build.BuildError) as error:
        build.checker_modules(entry, tmp_path)
    assert refused in str(error.value)


# ---------------------------------------------------------------------------
# What the build copies from PyYAML


def test_vendoring_needs_the_version_requirements_txt_pins(tmp_path):
    installed = importlib.metadata.version("PyYAML")
    assert build.pinned_version("PyYAML") == installed  # requirements.txt and the environment agree
    requirements = tmp_path / "requirements.txt"
    for text, message in ((f"pyyaml == 0.1  # old\n", f"PyYAML {installed} is installed here but"),
                          ("sympy==1.14.0\n", "must pin exactly one version of PyYAML (found none)"),
                          ("PyYAML==6.0.2; python_version < '3.11'\nPyYAML==6.0.3\n",
                           "must pin exactly one version of PyYAML (found ['6.0.2', '6.0.3'])")):
        requirements.write_text(text, encoding="utf-8")
        with pytest.raises(build.BuildError, match=re.escape(message)):
            build.vendored_files("yaml", "PyYAML", requirements)


def write_distribution(site: Path, imports: str, license_name: str | None = "LICENSE") -> None:
    """An installed distribution 'fakeyaml' 1.0 of the package fakeyaml, whose reader imports `imports`."""
    package, info = site / "fakeyaml", site / "fakeyaml-1.0.dist-info"
    package.mkdir(parents=True)
    info.mkdir()
    (package / "__init__.py").write_text("from .reader import *\n", encoding="utf-8")
    (package / "reader.py").write_text(imports + "\n", encoding="utf-8")
    (package / "_speedups.so").write_bytes(b"\x7fELF compiled")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeyaml\nVersion: 1.0\n", encoding="utf-8")
    records = ["fakeyaml/__init__.py,,", "fakeyaml/reader.py,,", "fakeyaml/_speedups.so,,"]
    if license_name:
        (info / license_name).write_text("MIT License, fake\n", encoding="utf-8")
        records.append(f"fakeyaml-1.0.dist-info/{license_name},,")
    (info / "RECORD").write_text("\n".join(records) + "\n", encoding="utf-8")


@pytest.mark.parametrize("imports, license_name, refused", [
    ("import re\nfrom . import _speedups\nfrom fakeyaml.nodes import Node", "LICENSE", None),
    ("import numpy", "LICENSE", "fakeyaml's fakeyaml.reader imports numpy, which students do not have"),
    ("import re", None, "fakeyaml's license file was not found"),
])
def test_vendoring_copies_pure_python_modules_and_the_license_and_refuses_other_dependencies(
        tmp_path, monkeypatch, imports, license_name, refused):
    write_distribution(tmp_path / "site", imports, license_name)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("fakeyaml==1.0\n", encoding="utf-8")
    if refused:
        with pytest.raises(build.BuildError, match=re.escape(refused)):
            build.vendored_files("fakeyaml", "fakeyaml", requirements)
        return
    files = build.vendored_files("fakeyaml", "fakeyaml", requirements)
    assert set(files) == {"fakeyaml/__init__.py", "fakeyaml/reader.py", "fakeyaml/LICENSE"}
    assert files["fakeyaml/LICENSE"] == b"MIT License, fake\n"
