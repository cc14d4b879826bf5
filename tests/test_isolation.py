"""Student code never runs on a TA's machine: every entry point, started from
inside a downloaded submission that plants modules named like the ones the
grader imports, grades the submission and imports none of them.

The attack: `cd submission_123 && ../../run_autograder --submission .`. A
plain `python -m` puts the current folder first on sys.path, so the
student's json.py, yaml.py or autograder/ package would run with the TA's
rights. Every planted module writes a marker file when imported; no marker
may appear, and grading must still work (a shadowed module would break it).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.build import artifacts as build
from results_schema import validate_results_file

ROOT = Path(__file__).resolve().parent.parent
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"
VENV = Path(sys.prefix)

#: Single-file modules the grader, its tools or Python's start-up import
#: (sitecustomize/usercustomize are imported by `site` itself if found).
PLANTED_MODULES = ("json", "yaml", "argparse", "fractions", "decimal", "csv", "zipfile",
                   "tempfile", "hashlib", "hmac", "dataclasses", "typing", "signal",
                   "sitecustomize", "usercustomize")
#: Packages: the grader's own names, and those the regrade's workers use.
PLANTED_PACKAGES = ("autograder", "solutions", "numpy", "sympy", "concurrent", "multiprocessing")


def plant(folder: Path, markers: Path) -> None:
    """Modules and packages in `folder` that leave a marker in `markers` when imported."""
    code = ("__import__('pathlib').Path({markers!r}, {name!r}).write_text('imported')\n"
            "raise SystemExit('student code ran: ' + {name!r})\n")
    for name in PLANTED_MODULES:
        (folder / f"{name}.py").write_text(code.format(markers=str(markers), name=name))
    for name in PLANTED_PACKAGES:
        (folder / name).mkdir(exist_ok=True)
        (folder / name / "__init__.py").write_text(code.format(markers=str(markers), name=name))
        (folder / name / "cli.py").write_text(code.format(markers=str(markers), name=name + ".cli"))


@pytest.fixture
def planted(tmp_path):
    """A downloaded submission: a correct sheet beside the planted modules."""
    submission, markers = tmp_path / "submission_123", tmp_path / "markers"
    submission.mkdir()
    markers.mkdir()
    (submission / "answers.yaml").write_bytes(SOLVED.read_bytes())
    plant(submission, markers)
    return submission, markers


def installed_here() -> None:
    """Fail (not skip) when this venv's `autograder` package is not this
    checkout: the isolated entry points would then test other code."""
    shown = subprocess.run([sys.executable, "-I", "-c",
                            "import autograder, pathlib; "
                            "print(pathlib.Path(autograder.__file__).resolve().parent.parent)"],
                           cwd="/", capture_output=True, text=True)
    assert shown.stdout.strip() == str(ROOT.resolve()), (
        f"{VENV} does not have this checkout installed ({shown.stdout.strip() or shown.stderr.strip()}); "
        "run ./setup.sh --dev (it installs the package editable)")


def attacker_environment(submission: Path) -> dict[str, str]:
    """What a careless TA's shell might hold: the submission on PYTHONPATH too."""
    return {**os.environ, "PYTHONPATH": str(submission), "AUTOGRADER_VENV": str(VENV)}


def assert_nothing_ran(markers: Path) -> None:
    assert sorted(path.name for path in markers.iterdir()) == []


def assert_full_marks(results: Path) -> None:
    validate_results_file(results)
    document = json.loads(results.read_text(encoding="utf-8"))
    assert sum(t["score"] for t in document["tests"]) == sum(t["max_score"] for t in document["tests"]) > 0


def run_from(submission: Path, command: list[str], environment: dict[str, str] | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, cwd=submission, capture_output=True, text=True,
                               env=environment or attacker_environment(submission), timeout=timeout)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def test_the_planted_modules_would_run_under_a_plain_python(planted):
    """The attack is real: without isolation the student's json.py runs."""
    submission, markers = planted
    subprocess.run([sys.executable, "-m", "autograder.gradescope.run", "--submission", "."], cwd=submission,
                   capture_output=True, text=True, timeout=120)
    assert (markers / "json").exists() or (markers / "autograder").exists()


@pytest.mark.parametrize("entry_point", ["run_autograder", "console script", "python -I -m autograder"])
def test_grading_from_inside_a_submission_runs_none_of_its_code(planted, entry_point):
    submission, markers = planted
    if entry_point != "run_autograder":
        installed_here()
    command = {"run_autograder": [str(ROOT / "run_autograder")],
               "console script": [str(VENV / "bin" / "autograder"), "grade"],
               "python -I -m autograder": [sys.executable, "-I", "-m", "autograder", "grade"]}[entry_point]
    environment = attacker_environment(submission)
    if entry_point == "console script":  # a console script honours PYTHONPATH, as Python does
        del environment["PYTHONPATH"]
    results = submission.parent / "results.json"
    completed = run_from(submission, [*command, "--submission", ".", "--results", str(results)],
                         environment)
    assert "Total:" in completed.stdout
    assert_full_marks(results)
    assert_nothing_ran(markers)


def test_the_gradescope_copy_of_run_autograder_runs_none_of_it_either(planted, tmp_path):
    """Gradescope runs a copy at /autograder/run_autograder beside source/;
    a copy beside a source/ link works the same from any folder."""
    submission, markers = planted
    home = tmp_path / "autograder_home"
    home.mkdir()
    (home / "source").symlink_to(ROOT)
    (home / "run_autograder").write_bytes((ROOT / "run_autograder").read_bytes())
    (home / "run_autograder").chmod(0o755)
    results = tmp_path / "gradescope-results.json"
    run_from(submission, [str(home / "run_autograder"), "--submission", str(submission),
                          "--results", str(results)])
    assert_full_marks(results)
    assert_nothing_ran(markers)


def test_setup_sh_from_inside_a_submission_runs_none_of_it(planted):
    """setup.sh proves the references with the venv's Python (isolated); an
    installed environment is reused, so this installs nothing."""
    installed_here()
    submission, markers = planted
    stamps = [path.name for path in VENV.glob(".installed-*")]
    assert stamps, f"{VENV} was not made by setup.sh; run ./setup.sh --dev"
    # The same extras as the venv has, so that nothing is installed or removed.
    extras = ["--dev"] if stamps[0].endswith("-dev") else []
    completed = run_from(submission, [str(ROOT / "setup.sh"), *extras],
                         {**attacker_environment(submission), "VENV": str(VENV)})
    assert "setup.sh: ready" in completed.stdout
    assert_nothing_ran(markers)


@pytest.mark.parametrize("start_method", sorted(set(multiprocessing.get_all_start_methods())))
def test_a_class_regrade_from_inside_a_submission_runs_none_of_it(planted, tmp_path, start_method):
    """The regrade's workers get the parent's isolation whatever the start
    method (fork copies sys.path; spawn and forkserver start `python -I`)."""
    installed_here()
    from autograder.course.synthetic import generate, write_export

    submission, markers = planted
    export = tmp_path / "export"
    write_export(generate(3, seed=1), export)
    for folder in (path for path in export.glob("submission_*") if path.is_dir()):
        plant(folder, markers)
    out = tmp_path / "out"
    launcher = ("import multiprocessing, sys; multiprocessing.set_start_method(sys.argv[1]); "
                "from autograder.course import regrade; raise SystemExit(regrade.main(sys.argv[2:]))")
    run_from(submission, [sys.executable, "-I", "-c", launcher, start_method, str(export),
                          "--out", str(out), "--jobs", "2"])
    assert len(list((out / "results").glob("*.json"))) == 3
    assert_nothing_ran(markers)


def test_a_dry_run_from_inside_a_submission_runs_none_of_it(planted, tmp_path):
    """The dry run starts the zip's own setup.sh and run_autograder."""
    installed_here()
    submission, markers = planted
    upload = build.build_autograder_zip(out=tmp_path / "autograder.zip")
    completed = run_from(submission, [sys.executable, "-I", "-m", "autograder.build.artifacts", "dry-run",
                                      str(upload), "--venv", str(VENV),
                                      "--sample", str(submission / "answers.yaml")])
    assert completed.stdout.rstrip().endswith("PASS")
    assert_nothing_ran(markers)


def test_run_autograder_grades_the_code_beside_it_not_the_installed_copy(tmp_path):
    """run_autograder puts its own folder first, so a venv whose editable
    install points at another checkout (a shared venv) still grades with
    this copy's code."""
    copy = tmp_path / "other_checkout"
    copy.mkdir()
    for name in ("examples", "specs", "solutions", ".cache"):
        (copy / name).symlink_to(ROOT / name)  # .cache: the references already proved here
    (copy / "run_autograder").write_bytes((ROOT / "run_autograder").read_bytes())
    (copy / "run_autograder").chmod(0o755)
    (copy / "autograder").mkdir()
    for path in (ROOT / "autograder").rglob("*.py"):
        target = copy / "autograder" / path.relative_to(ROOT / "autograder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    (copy / "autograder" / "gradescope" / "results.schema.json").write_bytes(
        (ROOT / "autograder" / "gradescope" / "results.schema.json").read_bytes())
    (copy / "autograder" / "__init__.py").write_text(
        "import sys\n__version__ = 'copy'\nprint('this copy ran', file=sys.stderr)\n",
        encoding="utf-8")
    completed = subprocess.run([str(copy / "run_autograder"), "--submission", str(SOLVED),
                                "--results", str(tmp_path / "r.json"), "--quiet"],
                               cwd=tmp_path, capture_output=True, text=True, timeout=120,
                               env={**os.environ, "AUTOGRADER_VENV": str(VENV)})
    assert completed.returncode == 0, completed.stderr
    assert "this copy ran" in completed.stderr
