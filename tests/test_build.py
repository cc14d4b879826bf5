"""The Gradescope upload: exactly the files Gradescope needs, reproducible to
the byte, and proved by a dry run that installs and grades it as Gradescope
would before anyone uploads it."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder.assignment.spec import SpecError
from autograder.build import artifacts as build

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_TOP_LEVEL = {"setup.sh", "run_autograder", "requirements.txt", "pyproject.toml",
                      "autograder", "solutions", "specs"}
#: Path parts that must never reach Gradescope: tests, environments, caches, local output.
FORBIDDEN_PARTS = {"tests", ".git", "__pycache__", ".cache", "dist", "examples", "student_template",
                   ".pytest_cache", ".hypothesis", ".benchmarks", ".ci"}


@pytest.fixture(scope="module")
def upload(tmp_path_factory) -> Path:
    return build.build_autograder_zip(out=tmp_path_factory.mktemp("upload") / "autograder.zip")


def entries(zip_path: Path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(zip_path) as archive:
        return {info.filename: info for info in archive.infolist()}


def mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0o777


def only_when_slow_tests_are_asked_for(request, why: str) -> None:
    """Slow tests run on demand (`-m slow`, as pyproject.toml says), not in every run."""
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip(f"{why}: run with -m slow")


def current_venv() -> Path:
    """The environment running the tests, reused by dry runs so they install nothing."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests are not running in a virtual environment to reuse")
    return Path(sys.prefix)


def test_the_zip_holds_exactly_the_expected_top_level_entries(upload):
    assert {name.split("/")[0] for name in entries(upload)} == EXPECTED_TOP_LEVEL


def test_only_the_two_scripts_are_executable_and_they_sit_at_the_root(upload):
    found = entries(upload)
    assert mode(found["setup.sh"]) == mode(found["run_autograder"]) == 0o755
    assert {name for name, info in found.items() if mode(info) & 0o111} == {"setup.sh", "run_autograder"}
    assert all(mode(info) == 0o644 for name, info in found.items()
               if name not in ("setup.sh", "run_autograder"))


def test_nothing_but_sources_and_data_is_shipped(upload):
    for name in entries(upload):
        parts = name.split("/")
        assert not FORBIDDEN_PARTS & set(parts), name
        assert not any(part.startswith((".", "test_")) for part in parts), name
        assert not name.endswith((".pyc", ".pyo")), name


def test_every_module_of_the_grader_and_its_formulas_is_shipped_and_no_ta_tool(upload):
    shipped = set(entries(upload))
    for package in ("autograder", "solutions"):
        for path in (ROOT / package).rglob("*.py"):
            name = path.relative_to(ROOT).as_posix()
            if "__pycache__" not in path.parts:
                assert (name in shipped) == (not name.startswith(build.NOT_FOR_GRADESCOPE)), name
    assert "autograder/gradescope/results.schema.json" in shipped
    assert "autograder/course/regrade.py" not in shipped


def test_the_chosen_spec_alone_is_shipped_and_the_scripts_are_unchanged_for_it(upload):
    with zipfile.ZipFile(upload) as archive:
        assert [n for n in archive.namelist() if n.startswith("specs/")] == ["specs/hw3.yaml"]
        for name in ("setup.sh", "run_autograder", "requirements.txt", "specs/hw3.yaml"):
            assert archive.read(name) == (ROOT / name).read_bytes()


def test_two_builds_give_the_same_bytes_with_fixed_timestamps(upload, tmp_path):
    again = build.build_autograder_zip(out=tmp_path / "again.zip")
    assert again.read_bytes() == upload.read_bytes()
    assert {info.date_time for info in entries(upload).values()} == {build.FIXED_DATE_TIME}
    assert list(entries(upload)) == sorted(entries(upload))


def fall_spec(folder: Path) -> Path:
    """A new term's spec that extends hw3.yaml and renames the assignment."""
    (folder / "hw3.yaml").write_bytes((ROOT / "specs" / "hw3.yaml").read_bytes())
    fall = folder / "hw3_fall.yaml"
    fall.write_text('extends: hw3.yaml\nassignment: "HW3 Fall Rerun"\n', encoding="utf-8")
    return fall


def test_another_spec_is_shipped_with_its_parent_and_named_the_default(tmp_path):
    with zipfile.ZipFile(build.build_autograder_zip(fall_spec(tmp_path), tmp_path / "fall.zip")) as archive:
        assert sorted(n for n in archive.namelist() if n.startswith("specs/")) == [
            "specs/DEFAULT", "specs/hw3.yaml", "specs/hw3_fall.yaml"]
        assert archive.read("specs/DEFAULT").decode().strip() == "hw3_fall.yaml"
        for name in ("setup.sh", "run_autograder"):
            assert archive.read(name) == (ROOT / name).read_bytes(), name
        archive.extractall(tmp_path / "unpacked")
    probe = ("import autograder.assignment.spec as s; print(s.DEFAULT_SPEC.name, s.load_spec().assignment)")
    shown = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path / "unpacked",
                           capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "hw3_fall.yaml HW3 Fall Rerun"


def test_a_spec_extending_one_outside_its_folder_is_refused(tmp_path):
    (tmp_path / "term").mkdir()
    (tmp_path / "hw3.yaml").write_bytes((ROOT / "specs" / "hw3.yaml").read_bytes())
    child = tmp_path / "term" / "fall.yaml"
    child.write_text("extends: ../hw3.yaml\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="outside its folder"):
        build.autograder_files(child)


def test_a_broken_spec_or_an_unpinned_requirement_stops_the_build(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("assignment: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match="not valid YAML"):
        build.autograder_files(broken)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("# pinned, but one is not\nsympy==1.14.0\nnumpy>=2\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="line 3 is not pinned"):
        build.pinned_requirements(requirements)
    requirements.write_text("-r requirements-dev.txt\n", encoding="utf-8")
    with pytest.raises(build.BuildError, match="includes another file"):
        build.pinned_requirements(requirements)


def test_the_dry_run_grades_the_solved_sample_with_full_marks(upload):
    report = build.dry_run(upload, venv=current_venv(), log=lambda line: None)
    assert report.problems == []
    assert report.exit_code == 0
    assert report.schema == "valid"
    assert report.score == report.max_score > 0
    assert report.passed


def test_the_dry_run_fails_a_sample_short_of_full_marks(upload):
    report = build.dry_run(upload, venv=current_venv(), sample=ROOT / "student_template" / "answers.yaml",
                           log=lambda line: None)
    assert report.exit_code == 0 and report.score == 0
    assert not report.passed
    assert any("did not get full marks" in problem for problem in report.problems)


@pytest.mark.slow
def test_the_dry_run_uses_the_spec_the_zip_carries(tmp_path, request):
    only_when_slow_tests_are_asked_for(request, "a new spec's references are proved from scratch")
    upload = build.build_autograder_zip(fall_spec(tmp_path), tmp_path / "fall.zip")
    report = build.dry_run(upload, venv=current_venv(), keep=True, log=lambda line: None)
    try:
        assert report.passed, report.problems
        results = (report.folder / "results" / "results.json").read_text(encoding="utf-8")
        assert "HW3 Fall Rerun" in results
    finally:
        shutil.rmtree(report.folder.parent)


def test_the_command_builds_and_dry_runs_printing_size_score_and_verdict(tmp_path):
    out = tmp_path / "autograder.zip"
    completed = subprocess.run(
        [sys.executable, "-I", "-m", "autograder.build.artifacts", "autograder-zip", "--out", str(out), "--dry-run",
         "--venv", str(current_venv())],
        cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{out.stat().st_size:,} bytes, {len(entries(out))} files" in completed.stdout
    assert "score " in completed.stdout and completed.stdout.rstrip().endswith("PASS")


def test_a_dry_run_of_a_missing_zip_is_a_usage_error(tmp_path):
    assert build.main(["dry-run", str(tmp_path / "nothing.zip")]) == 2


@pytest.mark.slow
def test_the_dry_run_installs_the_zip_from_scratch_with_its_own_setup_script(upload, request):
    only_when_slow_tests_are_asked_for(request, "a full install downloads the requirements")
    report = build.dry_run(upload, log=lambda line: None)
    assert report.install_seconds > 0
    assert report.passed, report.problems
