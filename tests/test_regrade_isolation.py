"""One bad upload or one dying worker costs a class regrade only that
submission; the regrade needs nothing beyond the grader's own dependencies;
and it gives each submission exactly the results `run_autograder` gives it
alone."""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.course import regrade
from autograder.course.grading_pool import TEST_KILL_VARIABLE
from autograder.course.report_model import FAILED, GRADED, NO_SHEET, format_number, question_points
from autograder.assignment.spec import load_spec
from autograder.course.synthetic import RIGHT, generate, write_export

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec()
POSSIBLE = sum(question_points(SPEC).values())
SOLVED_SHEET = (ROOT / "examples/solved/answers.yaml").read_bytes()
SURROGATE_SHEET = SOLVED_SHEET.replace(b"\n  b: 3 * 3 = 9\n", b'\n  b: "27 \\udcff \\ud800"\n', 1)


def rows_by_id(out: Path) -> dict[str, dict]:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        return {row["submission_id"]: row for row in csv.DictReader(handle)}


def run_regrade(export: Path, out: Path, *, jobs: int = 2, env: dict | None = None,
                block_matplotlib: bool = False) -> subprocess.CompletedProcess:
    code = "import sys\n"
    if block_matplotlib:  # as in an environment without it
        code += "sys.modules['matplotlib'] = None\n"
    code += ("from autograder.course.regrade import main\n"
             f"sys.exit(main([{str(export)!r}, '--out', {str(out)!r}, '--jobs', '{jobs}']))\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def hostile_zip(tmp_path_factory):
    """A class export (zip) with every hostile upload beside correct sheets."""
    base = tmp_path_factory.mktemp("hostile")
    synthetic = generate(14, seed=11, spec=SPEC)
    files = {name: data for name, data in synthetic.files.items()}
    hostile = {
        "901": {"answers.yaml": SOLVED_SHEET, "notes\\draft.txt": b"legal on Linux and macOS"},
        "902": {"answers.yaml": SOLVED_SHEET,
                "train.log": b"2025-01-01 epoch 1 loss 0.25 accuracy 0.91\n" * 50_000},
        "903": {"answers.yaml": SOLVED_SHEET, "..\\..\\escape.txt": b"x"},
        "904": {"answers.yaml": SURROGATE_SHEET},
        "905": {"answers.yaml": SOLVED_SHEET},  # its worker is killed on every attempt
    }
    for submission_id, uploads in hostile.items():
        for name, data in uploads.items():
            files[f"submission_{submission_id}/{name}"] = data
    archive = base / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name in sorted(files):
            bundle.writestr("assignment_9_export/" + name, files[name])
        link = zipfile.ZipInfo("assignment_9_export/submission_906/answers.yaml")
        link.external_attr = 0o120777 << 16
        bundle.writestr(link, b"/etc/passwd")
        bundle.writestr("assignment_9_export/submission_906/HW3/answers.yaml", SOLVED_SHEET)
    right = [i for i, p in synthetic.profiles.items() if p == RIGHT]
    return {"zip": archive, "base": base, "right": right, "profiles": synthetic.profiles}


@pytest.fixture(scope="module")
def hostile_run(hostile_zip):
    out = hostile_zip["base"] / "out"
    result = run_regrade(hostile_zip["zip"], out, env={TEST_KILL_VARIABLE: "905"})
    return {"out": out, "result": result}


def test_a_class_with_every_hostile_upload_is_graded(hostile_zip, hostile_run):
    result, out = hostile_run["result"], hostile_run["out"]
    assert result.returncode == regrade.EXIT_FAILED, result.stderr  # 905's worker died twice
    rows = rows_by_id(out)
    assert len(rows) == 14 + 6
    full = format_number(POSSIBLE)
    for submission_id in hostile_zip["right"] + ["901", "902", "903", "906"]:
        assert rows[submission_id]["status"] == GRADED, rows[submission_id]
        assert rows[submission_id]["total"] == full, submission_id
    assert "its name is unsafe: 'notes\\\\draft.txt'" in rows["901"]["note"]
    assert rows["902"]["note"] == ""  # a 2 MB log that compresses 1000:1 is ordinary
    assert "its name is unsafe" in rows["903"]["note"]
    assert "a link or special file" in rows["906"]["note"]
    assert rows["904"]["status"] == GRADED and float(rows["904"]["total"]) < POSSIBLE
    assert rows["905"]["status"] == FAILED and "died twice" in rows["905"]["note"]
    assert not list(hostile_zip["base"].rglob("escape.txt"))
    for profile in set(hostile_zip["profiles"].values()) - {RIGHT, "mixed"}:  # broken uploads
        ids = [i for i, p in hostile_zip["profiles"].items() if p == profile]
        assert all(rows[i]["status"] == NO_SHEET for i in ids), profile
    assert "it will be retried alone" in result.stderr and "SIGKILL" in result.stderr


def test_every_output_of_the_hostile_class_is_written_and_readable(hostile_run):
    out = hostile_run["out"]
    for name in ("gradebook.csv", "report.html", "report.md"):
        assert (out / name).stat().st_size > 1000, name
        (out / name).read_bytes().decode("utf-8")
    assert "\\udcff" in (out / "report.html").read_text(encoding="utf-8")
    assert len(list((out / "results").glob("*.json"))) == 20
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_a_file_name_that_is_not_utf8_still_gives_a_gradebook(tmp_path):
    export = tmp_path / "export"
    for submission_id, files in {"1": {"answers.yaml": SOLVED_SHEET},
                                 "2": {os.fsdecode(b"\xffanswers.txt"): b"x"},
                                 "3": {os.fsdecode(b"HW\xfe") + "/answers.yaml": SURROGATE_SHEET}
                                 }.items():
        for name, data in files.items():
            path = export / f"submission_{submission_id}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    out = tmp_path / "out"
    result = run_regrade(export, out)
    assert result.returncode == 0, result.stderr
    rows = rows_by_id(out)
    assert rows["1"]["total"] == format_number(POSSIBLE)
    assert rows["2"]["status"] == NO_SHEET and "\\udcff" in rows["2"]["note"]
    assert rows["3"]["status"] == GRADED
    for name in ("report.html", "report.md"):
        assert (out / name).read_bytes().decode("utf-8")


# --------------------------------------------------------------------------
# Workers that die


@pytest.fixture(scope="module")
def small_export(tmp_path_factory):
    base = tmp_path_factory.mktemp("small")
    synthetic = generate(24, seed=5, spec=SPEC)
    write_export(synthetic, base / "export")
    return {"folder": base / "export", "base": base, "profiles": synthetic.profiles}


def test_a_worker_killed_once_costs_nothing(small_export, tmp_path):
    victim = sorted(small_export["profiles"])[3]
    result = run_regrade(small_export["folder"], tmp_path / "out",
                         env={TEST_KILL_VARIABLE: f"{victim}@1"})
    assert result.returncode == 0, result.stderr
    assert f"the worker grading submission {victim} died (killed by signal SIGKILL); it will be " \
           "retried alone" in result.stderr
    rows = rows_by_id(tmp_path / "out")
    assert len(rows) == 24 and all(r["status"] != FAILED for r in rows.values())
    alone = run_regrade(small_export["folder"], tmp_path / "alone")
    assert alone.returncode == 0
    assert (tmp_path / "out" / "gradebook.csv").read_bytes() == \
        (tmp_path / "alone" / "gradebook.csv").read_bytes()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_kill_9_of_a_worker_loses_no_submission(small_export, tmp_path):
    out = tmp_path / "out"
    code = ("import sys\nfrom autograder.course.regrade import main\n"
            f"sys.exit(main([{str(small_export['folder'])!r}, '--out', {str(out)!r}, "
            "'--jobs', '2']))\n")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and process.poll() is None and time.monotonic() < deadline:
        results = out.glob(".regrade-*/results/*.json")
        workers = sorted(_children(process.pid))
        if workers and next(results, None) is not None:  # grading has started
            killed = workers[0]
            os.kill(killed, signal.SIGKILL)
        time.sleep(0.005)
    stdout, stderr = process.communicate(timeout=300)
    assert killed is not None, "the regrade finished before a worker could be killed"
    assert process.returncode == 0, stderr
    assert "died (killed by signal SIGKILL); it will be retried alone" in stderr
    rows = rows_by_id(out)
    assert len(rows) == 24 and all(r["status"] != FAILED for r in rows.values())
    right = [i for i, p in small_export["profiles"].items() if p == RIGHT]
    assert all(rows[i]["total"] == format_number(POSSIBLE) for i in right)


def test_a_broken_run_never_replaces_a_complete_gradebook(small_export, tmp_path):
    out = tmp_path / "out"
    assert run_regrade(small_export["folder"], out).returncode == 0
    good = (out / "gradebook.csv").read_bytes()
    victim = sorted(small_export["profiles"])[0]
    good_results = (out / "results" / f"{victim}.json").read_bytes()
    broken = run_regrade(small_export["folder"], out, env={TEST_KILL_VARIABLE: victim})
    assert broken.returncode == regrade.EXIT_FAILED
    assert "the earlier gradebook" in broken.stdout and "was kept" in broken.stdout
    assert (out / "gradebook.csv").read_bytes() == good
    assert (out / "results" / f"{victim}.json").read_bytes() == good_results
    held = rows_by_id(out / regrade.HELD_BACK_FOLDER)
    assert held[victim]["status"] == FAILED
    assert sum(r["status"] == FAILED for r in held.values()) == 1


# --------------------------------------------------------------------------
# One pipeline; no plotting library


def without_timing(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("execution_time")
    return data


def test_the_regrade_writes_what_run_autograder_writes(small_export, tmp_path):
    out = tmp_path / "out"
    assert run_regrade(small_export["folder"], out).returncode == 0
    profiles = small_export["profiles"]
    chosen = sorted({profile: i for i, profile in sorted(profiles.items())}.values())
    assert len(chosen) >= 3
    for submission_id in chosen:
        alone = tmp_path / f"{submission_id}.json"
        subprocess.run([str(ROOT / "run_autograder"), "--submission",
                        str(small_export["folder"] / f"submission_{submission_id}"),
                        "--results", str(alone), "--quiet"], cwd=tmp_path, check=True,
                       capture_output=True, timeout=300)
        assert without_timing(out / "results" / f"{submission_id}.json") == \
            without_timing(alone), (submission_id, profiles[submission_id])


def test_without_matplotlib_the_regrade_writes_everything_plots_included(small_export, tmp_path):
    out = tmp_path / "out"
    result = run_regrade(small_export["folder"], out, block_matplotlib=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(rows_by_id(out)) == 24
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "Pass rate per item" in page
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["questions.svg", "totals.svg"]
