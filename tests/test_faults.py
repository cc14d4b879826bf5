"""Fault injection: when something other than the student's sheet breaks,
`run_autograder` says so clearly, exits with the code its docstring promises
(0 graded, 1 autograder failed, 2 usage, 3 results unwritable, 4 spec
missing or broken) and, whenever it can write at all, leaves a results.json
that Gradescope can read and that never passes an autograder failure off as
a grade.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from autograder.gradescope import run as cli
from autograder.grading import pipeline as grading
from autograder.assignment import prepared
from autograder.gradescope import results
from autograder.gradescope.run import EXIT_FAILED, EXIT_GRADED, EXIT_USAGE
from autograder.answers import big_o, shape, written
from autograder.assignment.spec import DEFAULT_SPEC, load_spec
from conftest import ROOT, SOLVED
from results_schema import validate_results_file

FAILED_WORDS = "The autograder failed while grading this submission"


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """`run_autograder` in process: (exit code, stdout, stderr)."""
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def read_results(path: Path) -> dict:
    validate_results_file(path)
    return json.loads(path.read_text(encoding="utf-8"))


def assert_honest_failure(data: dict) -> None:
    """A failure is never a silent 0: the output says the autograder failed
    and that the 0 is not a grade."""
    assert FAILED_WORDS in data["output"]
    assert "not a grade" in data["output"]
    assert data["score"] == 0
    assert "autograder_error" in data["extra_data"]
    assert [t["name"] for t in data["tests"]] == ["Autograder error"]


def solved_args(tmp_path: Path, *extra: str) -> tuple[list[str], Path]:
    out = tmp_path / "out" / "results.json"
    return ["--submission", str(SOLVED.parent), "--results", str(out), *extra], out


def write_spec(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def spec_data() -> dict:
    return yaml.safe_load(DEFAULT_SPEC.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------
# The spec: missing or broken -> exit 4, results.json says so


def _unknown_kind() -> str:
    data = spec_data()
    data["items"][1]["kind"] = "essay"
    return yaml.safe_dump(data, allow_unicode=True)


def _unknown_mistake() -> str:
    data = spec_data()
    graded = next(item for item in data["items"] if item.get("mistakes"))
    graded["mistakes"] = list(graded["mistakes"]) + ["forgot_to_breathe"]
    return yaml.safe_dump(data, allow_unicode=True)


BROKEN_SPECS = {
    "invalid yaml": ("configurations: [\n  base: {side: 28\n", ["not valid YAML"]),
    "not a mapping": ("- just\n- a list\n", ["must be a mapping"]),
    "unknown kind": (_unknown_kind, ["kind 'essay'"]),
    "unknown mistake": (_unknown_mistake, ["mistake 'forgot_to_breathe'", "not in the catalogue"]),
    "binary bytes": (b"\x89PNG\r\n\x1a\n\x00\xff", ["spec"]),
}


def test_a_missing_spec_exits_4_and_says_so(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "hw3.yaml"
    argv, out = solved_args(tmp_path, "--spec", str(missing))
    code, stdout, stderr = run(argv, capsys)
    assert code == EXIT_FAILED
    assert "cannot read the assignment spec" in stderr and str(missing) in stderr
    data = read_results(out)
    assert_honest_failure(data)
    assert "spec is missing or broken" in data["output"]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", list(BROKEN_SPECS))
def test_a_broken_spec_exits_4_with_the_reason(tmp_path, capsys, name):
    content, words = BROKEN_SPECS[name]
    content = content() if callable(content) else content
    spec = tmp_path / "spec.yaml"
    if isinstance(content, bytes):
        spec.write_bytes(content)
    else:
        spec.write_text(content, encoding="utf-8")
    argv, out = solved_args(tmp_path, "--spec", str(spec))
    code, _, stderr = run(argv, capsys)
    assert code == EXIT_FAILED, stderr
    for word in words:
        assert word in stderr
    data = read_results(out)
    assert_honest_failure(data)
    assert "spec is missing or broken" in data["output"]
    assert "Traceback" not in stderr


def test_the_spec_can_come_from_the_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_SPEC", str(write_spec(tmp_path, "- not a spec\n")))
    argv, out = solved_args(tmp_path)
    code, _, stderr = run(argv, capsys)
    assert code == EXIT_FAILED and "must be a mapping" in stderr
    assert_honest_failure(read_results(out))


# ----------------------------------------------------------------------------
# results.json cannot be written -> exit 3, a message naming the path


def test_results_under_a_file_exit_3(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("I am a file\n")
    target = blocker / "results.json"
    code, _, stderr = run(["--submission", str(SOLVED.parent), "--results", str(target)], capsys)
    assert code == EXIT_FAILED
    assert "cannot write results" in stderr and str(target) in stderr
    assert blocker.read_text() == "I am a file\n"  # untouched
    assert "Traceback" not in stderr


def test_results_path_that_is_a_folder_exits_3(tmp_path, capsys):
    target = tmp_path / "results.json"
    target.mkdir()
    (target / "keep").write_text("x")
    code, _, stderr = run(["--submission", str(SOLVED.parent), "--results", str(target)], capsys)
    assert code == EXIT_FAILED
    assert "cannot write results" in stderr
    assert (target / "keep").read_text() == "x"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".results-")]


def test_unwritable_results_win_over_a_broken_spec(tmp_path, capsys):
    """Nothing can be reported in results.json, so the exit code says why."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, stderr = run(["--submission", str(SOLVED.parent), "--results",
                           str(blocker / "results.json"), "--spec", str(tmp_path / "none.yaml")],
                          capsys)
    assert code == EXIT_FAILED
    assert "cannot read the assignment spec" in stderr and "cannot write results" in stderr


# ----------------------------------------------------------------------------
# Wrong arguments -> exit 2


@pytest.mark.parametrize("argv", [["--bogus"], ["--submission"], ["extra-positional"]])
def test_wrong_arguments_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == EXIT_USAGE
    assert "usage: autograder grade" in capsys.readouterr().err


def test_the_script_passes_exit_codes_through(tmp_path):
    """The shell wrapper `run_autograder` returns the module's code, not its own."""
    script = str(ROOT / "run_autograder")
    usage = subprocess.run([script, "--bogus"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == EXIT_USAGE and "usage:" in usage.stderr
    out = tmp_path / "r.json"
    bad_spec = subprocess.run([script, "--submission", str(SOLVED.parent), "--results", str(out),
                               "--spec", str(tmp_path / "missing.yaml")],
                              capture_output=True, text=True, timeout=120)
    assert bad_spec.returncode == EXIT_FAILED, bad_spec.stderr
    assert_honest_failure(read_results(out))


def test_the_script_without_an_environment_exits_2(tmp_path):
    completed = subprocess.run([str(ROOT / "run_autograder"), "--help"], capture_output=True,
                               text=True, timeout=60,
                               env={"PATH": "/usr/bin:/bin", "AUTOGRADER_VENV": str(tmp_path / "none")})
    assert completed.returncode == EXIT_USAGE
    assert "no environment" in completed.stderr and "setup.sh" in completed.stderr


# ----------------------------------------------------------------------------
# Gradescope mode: no arguments, /autograder paths


@pytest.fixture
def gradescope(tmp_path, monkeypatch):
    """The /autograder layout under tmp_path, patched where `cli` and
    `results` read it; returns (submission, results, metadata) paths."""
    base = tmp_path / "autograder"
    submission, out, metadata = (base / "submission", base / "results" / "results.json",
                                 base / "submission_metadata.json")
    submission.mkdir(parents=True)
    shutil.copy(SOLVED, submission / "answers.yaml")
    for module in (cli, results):
        monkeypatch.setattr(module, "GRADESCOPE_SUBMISSION", submission)
        monkeypatch.setattr(module, "GRADESCOPE_RESULTS", out)
        monkeypatch.setattr(module, "GRADESCOPE_METADATA", metadata)
    return submission, out, metadata


def test_gradescope_mode_without_metadata_grades_and_notes_it(gradescope, capsys):
    _, out, metadata = gradescope
    code, _, stderr = run([], capsys)
    assert code == EXIT_GRADED
    assert f"{metadata} is missing" in stderr
    data = read_results(out)
    assert data["extra_data"]["submission_metadata"] == {"status": "missing"}
    assert data["score"] == sum(t["max_score"] for t in data["tests"]) > 0


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b"",
                                     b"[" * 100_000 + b"]" * 100_000],
                         ids=["not JSON", "not text", "empty", "nested too deeply"])
def test_gradescope_mode_with_unreadable_metadata_grades_and_notes_it(gradescope, capsys, content):
    _, out, metadata = gradescope
    metadata.write_bytes(content)
    code, _, stderr = run([], capsys)
    assert code == EXIT_GRADED
    assert "unreadable" in stderr
    data = read_results(out)
    assert data["extra_data"]["submission_metadata"] == {"status": "unreadable"}
    assert data["score"] > 0


def test_gradescope_mode_reads_metadata(gradescope, capsys):
    _, out, metadata = gradescope
    metadata.write_text(json.dumps({"id": 123, "created_at": "2026-01-01T00:00:00Z"}))
    code, _, _ = run([], capsys)
    assert code == EXIT_GRADED
    summary = read_results(out)["extra_data"]["submission_metadata"]
    assert summary == {"status": "read", "id": 123, "created_at": "2026-01-01T00:00:00Z"}


def test_gradescope_mode_with_strange_metadata_values_still_writes_results(gradescope, capsys):
    """NaN (which json.loads accepts and no JSON may hold) once stopped
    results.json from being written at all: Gradescope's 'no output'."""
    _, out, metadata = gradescope
    metadata.write_text('{"id": NaN, "created_at": {"at": [1e999, "x"]}}')
    code, _, _ = run([], capsys)
    assert code == EXIT_GRADED
    summary = read_results(out)["extra_data"]["submission_metadata"]
    assert summary == {"status": "read", "id": None, "created_at": None}


def test_gradescope_mode_with_nothing_submitted(gradescope, capsys):
    submission, out, _ = gradescope
    shutil.rmtree(submission)
    code, _, _ = run([], capsys)
    assert code == EXIT_GRADED
    data = read_results(out)
    assert "No readable answer sheet" in data["output"]
    assert data["score"] == 0 and len(data["tests"]) > 10


# ----------------------------------------------------------------------------
# A bug in one item's grading: that item says "internal error", the rest graded


def _broken(*args, **kwargs):
    raise RuntimeError("injected fault")


def _big_o_tests(data: dict) -> list[dict]:
    return [t for t in data["tests"] if "big_o" in t.get("tags", [])]


def test_an_exception_in_one_kinds_grade_is_an_internal_error_for_its_items_only(
        grade, monkeypatch):
    monkeypatch.setattr(big_o, "grade", _broken)
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert graded.code == EXIT_GRADED
    broken = _big_o_tests(graded.data)
    assert broken
    for test in broken:
        assert test["score"] == 0 and test["status"] == "failed"
        assert "Internal error" in test["output"] and "not a judgement" in test["output"]
        assert "internal error" in test["tags"]
    assert "RuntimeError: injected fault" in graded.outcome("q2.g.multiplications_big_o.standard")
    others = [t for t in graded.data["tests"] if t not in broken and t["max_score"] > 0]
    assert others and all(t["score"] == t["max_score"] for t in others)
    assert "internal error" in graded.data["output"]


@pytest.mark.parametrize("module, key", [(shape, "q2.f.standard"), (written, "q2.i")],
                         ids=["shape parse", "written grade"])
def test_an_exception_while_reading_one_answer_does_not_sink_the_sheet(
        grade, monkeypatch, module, key):
    """A bug anywhere in one item's steps (a parser's crash, the written
    kind's note) is that item's internal error, as a bug in grade is."""
    monkeypatch.setattr(module, "parse" if module is shape else "grade", _broken)
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert graded.code == EXIT_GRADED
    assert graded.outcome(key).startswith("internal error")
    assert "RuntimeError" in graded.outcome(key)
    unaffected = [t for t in graded.data["tests"]
                  if t["max_score"] > 0 and "internal error" not in t.get("tags", [])]
    assert len(unaffected) > 20
    assert all(t["score"] == t["max_score"] for t in unaffected)


def test_an_exception_in_the_whole_pipeline_is_an_honest_failure(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(grading, "grade_sheet", _broken)
    argv, out = solved_args(tmp_path)
    code, stdout, stderr = run(argv, capsys)
    assert code == EXIT_FAILED
    assert "RuntimeError: injected fault" in stderr  # the traceback, for staff
    data = read_results(out)
    assert_honest_failure(data)
    assert "injected fault" not in data["output"]  # no traceback text for the student
    assert data["stdout_visibility"] == "hidden"
    assert "autograder failed" in (stdout + stderr).lower()


def test_an_exception_while_preparing_references_is_an_honest_failure(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(prepared, "load_or_prepare", _broken)
    argv, out = solved_args(tmp_path)
    code, _, stderr = run(argv, capsys)
    assert code == EXIT_FAILED
    assert_honest_failure(read_results(out))
    assert "injected fault" in stderr


def test_a_failure_that_cannot_be_written_exits_3(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(grading, "grade_sheet", _broken)
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, stderr = run(["--submission", str(SOLVED.parent), "--results",
                           str(blocker / "results.json")], capsys)
    assert code == EXIT_FAILED and "cannot write results" in stderr


# ----------------------------------------------------------------------------
# A corrupt prepared-references cache is rebuilt, and grading goes on


@pytest.fixture(scope="module")
def good_preparation() -> dict:
    """The real preparation of the default spec (from the cache other tests use)."""
    spec = load_spec()
    prepared.load_or_prepare(spec)
    return json.loads(prepared.cache_path(spec).read_text(encoding="utf-8"))


CORRUPT_CACHES = {
    "garbage bytes": b"\x00\xff garbage \x89PNG",
    "truncated json": b'{"items": {"q2.b": {"candidates": [',
    "empty file": b"",
    "json null": b"null",
    "json list": b"[1, 2, 3]",
    "items is a list": b'{"items": [], "verification": {}}',
    "item is a string": b'{"items": {"q2.b": "oops"}, "verification": {}}',
    "no items at all": b'{"items": {}, "verification": {}}',
    "another spec's cache": lambda good: {**good, "spec_digest": "0" * 64},
    "an item missing": lambda good: {**good, "items": {k: v for k, v in good["items"].items()
                                                       if k != "q2.b"}},
    "a value that is not a number": lambda good: _with_reference(good, "nine"),
    "a value dividing by zero": lambda good: _with_reference(good, "1/0"),
    "a growth that is not a number": lambda good: _with_growth(good, {"size_exp": "two",
                                                                      "kernel_exp": "0"}),
    "a growth that is a string": lambda good: _with_growth(good, "N^2"),
}


def _with_reference(good: dict, value: str) -> dict:
    data = json.loads(json.dumps(good))
    data["items"]["q2.b"]["candidates"][0]["value"] = value
    return data


def _with_growth(good: dict, growth) -> dict:
    data = json.loads(json.dumps(good))
    key = next(k for k, v in data["items"].items() if v["growth"])
    data["items"][key]["growth"] = growth
    return data


@pytest.mark.parametrize("name", list(CORRUPT_CACHES))
def test_a_corrupt_cache_is_rebuilt_and_the_sheet_graded(grade, tmp_path, monkeypatch,
                                                         good_preparation, name):
    """`prepare` is the real preparation's output (proving references takes
    ~20 s; tests/test_solutions and verify prove it): what is tested is that
    a bad cache file is noticed, rebuilt and replaced."""
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setattr(prepared, "CACHE_DIR", cache)
    spec = load_spec()
    path = prepared.cache_path(spec)
    assert path.parent == cache
    corrupt = CORRUPT_CACHES[name]
    if callable(corrupt):
        corrupt = json.dumps(corrupt(good_preparation)).encode()
    path.write_bytes(corrupt)
    calls = []

    def rebuild(spec):
        calls.append(spec.path)
        return json.loads(json.dumps(good_preparation))

    monkeypatch.setattr(prepared, "prepare", rebuild)
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert calls, "the corrupt cache was used instead of being rebuilt"
    assert graded.code == EXIT_GRADED
    assert graded.score == graded.max_score > 0, graded.lost()
    assert json.loads(path.read_text(encoding="utf-8")) == good_preparation
    calls.clear()
    grade(SOLVED.read_text(encoding="utf-8"))
    assert not calls, "the rebuilt cache was not used"


def test_an_unwritable_cache_folder_still_grades(grade, tmp_path, monkeypatch, good_preparation):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(prepared, "CACHE_DIR", blocker / "cache")
    monkeypatch.setattr(prepared, "prepare", lambda spec: json.loads(json.dumps(good_preparation)))
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert graded.code == EXIT_GRADED
    assert graded.score == graded.max_score


# ----------------------------------------------------------------------------
# The per-sheet time budget


def test_a_sheet_over_the_time_budget_reports_items_not_graded(grade, monkeypatch):
    monkeypatch.setattr(grading, "SHEET_BUDGET_SECONDS", 0)
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert graded.code == EXIT_GRADED
    graded_items = [t for t in graded.data["tests"] if t["max_score"] > 0]
    assert graded_items
    for test in graded_items:
        assert test["score"] == 0 and test["status"] == "failed"
        assert "Not graded" in test["output"] and "time budget" in test["tags"]
    assert set(graded.data["extra_data"]["outcomes"].values()) == {"time budget"}
