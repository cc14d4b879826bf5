"""Regrading a whole Gradescope export: the gradebook agrees with every
results.json, broken submissions and hostile exports cannot stop or escape
the batch, and the outputs are the same bytes run after run."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.course import regrade
from autograder.course import grading_pool
from autograder.gradescope.export import (MAX_SUBMISSION_BYTES, METADATA_FILE, ExportedSubmission,
                                          ExportError, Submitter, index_zip_export,
                                          list_submissions, read_metadata_file, unpack_members)
from autograder.course.report_model import (FAILED, GRADED, NO_SHEET, format_number, question_of,
                                            question_points)
from autograder.gradescope.results import failure_results
from autograder.assignment.spec import load_spec
from autograder.course.synthetic import MALFORMED, RIGHT, generate, render_sheet, write_export
from results_schema import validate_results_file

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_spec()
POSSIBLE = sum(question_points(SPEC).values())
COUNT = 40
EXTRA_ID = "999999999"  # a folder that the metadata does not list
HOSTILE_NAME = "=HYPERLINK(\"http://example.com\",\"x\")"


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A synthetic export as a folder and as a zip (wrapped in a top folder,
    with macOS's __MACOSX beside it), with the oddities of real exports added:
    a metadata entry whose folder is missing, a folder with no metadata
    entry, a metadata key that is not a folder name, a formula as a name."""
    base = tmp_path_factory.mktemp("export")
    synthetic = generate(COUNT, seed=7, spec=SPEC)
    folder = base / "folder"
    write_export(synthetic, folder)
    ids = sorted(synthetic.profiles)
    deleted = ids[1]
    shutil.rmtree(folder / f"submission_{deleted}")
    extra = folder / f"submission_{EXTRA_ID}"
    extra.mkdir()
    (extra / "answers.yaml").write_text((ROOT / "examples/solved/answers.yaml").read_text())
    with open(folder / METADATA_FILE, "a", encoding="utf-8") as metadata:
        metadata.write("../../escape:\n  :score: 1\n")
    text = (folder / METADATA_FILE).read_text(encoding="utf-8")
    first_name_line = next(line for line in text.splitlines() if ":name:" in line)
    (folder / METADATA_FILE).write_text(
        text.replace(first_name_line, f"  - :name: '{HOSTILE_NAME}'", 1), encoding="utf-8")
    archive = base / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("__MACOSX/assignment_1_export/._submission_metadata.yml", b"\0\5\x16\7")
        for path in sorted(folder.rglob("*")):
            name = "assignment_1_export/" + path.relative_to(folder).as_posix()
            if path.is_dir():
                bundle.writestr(name + "/", b"")
            else:
                bundle.write(path, name)
    return {"folder": folder, "zip": archive, "profiles": synthetic.profiles,
            "deleted": deleted, "base": base}


@pytest.fixture(scope="module")
def from_folder(export):
    out = export["base"] / "out-folder"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "autograder.course.regrade", str(export["folder"]),
                             "--out", str(out), "--jobs", "2"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return {"out": out, "stdout": result.stdout, "stderr": result.stderr,
            "seconds": time.perf_counter() - started}


@pytest.fixture(scope="module")
def from_zip(export):
    out = export["base"] / "out-zip"
    assert regrade.main([str(export["zip"]), "--out", str(out), "--jobs", "2"]) == 0
    return {"out": out}


def gradebook_rows(out: Path) -> list[dict]:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------
# The gradebook and the results files


def test_every_submission_has_a_valid_results_file(export, from_folder):
    results = sorted((from_folder["out"] / "results").glob("*.json"))
    expected = set(export["profiles"]) | {EXTRA_ID}
    assert {p.stem for p in results} == expected
    for path in results:
        validate_results_file(path)


def test_gradebook_columns_and_totals_match_the_results_files(export, from_folder):
    out = from_folder["out"]
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    questions = list(question_points(SPEC))
    assert header == ["submission_id", "sids", "names", "emails", "submitted_at", "status",
                      *questions, "total", "gradescope_score", "difference", "note"]
    assert questions[:3] == ["2.a", "2.b", "2.c"] and "1.a" not in questions
    assert not any(q.startswith("E") for q in questions)  # the extras are not for credit
    rows = gradebook_rows(out)
    assert [r["submission_id"] for r in rows] == sorted(
        (r["submission_id"] for r in rows), key=int)
    for row in rows:
        data = json.loads((out / "results" / f"{row['submission_id']}.json").read_text())
        assert float(row["total"]) == pytest.approx(data["score"], abs=1e-9)
        per_question = {q: 0.0 for q in questions}
        for test in data["tests"]:
            if question_of(test["number"]) in per_question:
                per_question[question_of(test["number"])] += test["score"]
        for question in questions:
            assert float(row[question] or 0) == pytest.approx(per_question[question], abs=1e-9)
        if row["gradescope_score"]:
            assert float(row["difference"]) == pytest.approx(
                float(row["total"]) - float(row["gradescope_score"]), abs=1e-9)


def test_right_sheets_get_full_marks_and_the_class_is_mixed(export, from_folder):
    rows = {r["submission_id"]: r for r in gradebook_rows(from_folder["out"])}
    possible = sum(question_points(SPEC).values())
    right = [i for i, p in export["profiles"].items() if p == RIGHT and i != export["deleted"]]
    assert right
    for submission_id in right:
        assert float(rows[submission_id]["total"]) == possible, submission_id
    assert float(rows[EXTRA_ID]["total"]) == possible  # the solved example
    totals = {float(r["total"]) for r in rows.values() if r["status"] == GRADED}
    assert len(totals) > 5


def test_broken_submissions_are_graded_and_do_not_stop_the_batch(export, from_folder):
    rows = {r["submission_id"]: r for r in gradebook_rows(from_folder["out"])}
    assert len(rows) == COUNT + 1
    broken = {i: p for i, p in export["profiles"].items() if p in MALFORMED}
    assert set(broken.values()) == set(MALFORMED)
    for submission_id in list(broken) + [export["deleted"]]:
        row = rows[submission_id]
        assert row["status"] == NO_SHEET, (broken.get(submission_id), row)
        assert row["total"] == "0" and row["note"]
        data = json.loads((from_folder["out"] / "results" / f"{submission_id}.json").read_text())
        assert "No readable answer sheet" in data["output"]
    assert "not found" in rows[export["deleted"]]["note"]
    assert "graded" not in from_folder["stderr"]  # no progress lines when not on a terminal
    assert "is not a submission folder name" in from_folder["stderr"]


def test_metadata_fills_students_and_previous_scores(export, from_folder):
    rows = {r["submission_id"]: r for r in gradebook_rows(from_folder["out"])}
    listed = [r for i, r in rows.items() if i != EXTRA_ID]
    assert all(r["sids"] and r["emails"].endswith("example.edu") for r in listed)
    assert all(r["gradescope_score"] != "" for r in listed)  # BigDecimal tags included
    assert any("; " in r["sids"] for r in listed)  # a group submission
    assert rows[EXTRA_ID]["sids"] == rows[EXTRA_ID]["gradescope_score"] == ""
    assert rows[EXTRA_ID]["submitted_at"] == ""
    assert all(re.fullmatch(r"2025-10-0\dT\d\d:\d\d:\d\dZ", r["submitted_at"]) for r in listed)
    formula = [r for r in listed if "HYPERLINK" in r["names"]]
    assert len(formula) == 1 and formula[0]["names"].startswith("'=")


def test_report_is_written_beside_the_gradebook(from_folder):
    out = from_folder["out"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2 and "Pass rate per item" in page
    assert "Unrecognised answers shared by several students" in page
    assert (out / "report.md").read_text(encoding="utf-8").count("](plots/") == 2
    assert f"Graded {COUNT + 1} submissions" in from_folder["stdout"]


# --------------------------------------------------------------------------
# Determinism


def without_timing(path: Path) -> bytes:
    if path.suffix == ".json" and path.parent.name == "results":
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("execution_time")
        return json.dumps(data, sort_keys=True).encode()
    return path.read_bytes()


def test_zip_and_folder_give_the_same_bytes_apart_from_timing(from_folder, from_zip):
    first, second = from_folder["out"], from_zip["out"]
    names = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(names) == COUNT + 1 + 5  # results, gradebook, 2 reports, 2 plots
    for name in names:
        assert without_timing(first / name) == without_timing(second / name), name
    for path in (first / "gradebook.csv", first / "report.html", first / "report.md"):
        text = path.read_text(encoding="utf-8")
        assert str(first.parent) not in text and "/tmp" not in text


# --------------------------------------------------------------------------
# One submission in a worker


@pytest.fixture
def worker(tmp_path):
    """This process as a worker (its SIGALRM handler restored afterwards)."""
    previous = signal.getsignal(signal.SIGALRM)
    signal.signal(signal.SIGALRM, grading_pool._time_is_up)
    (tmp_path / "results").mkdir()
    job = grading_pool.Job(str(SPEC.path), str(tmp_path / "results"), str(tmp_path / "previous"))
    yield grading_pool.WorkerState(job)
    signal.signal(signal.SIGALRM, previous)


def task(submission_id: str, folder: Path = ROOT / "examples" / "solved") -> grading_pool.Task:
    return grading_pool.Task(ExportedSubmission(submission_id, folder, (), None), 1)


def test_an_exception_while_grading_is_that_submission_s_failure(worker, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(grading_pool, "grade_submission", broken)
    outcome = grading_pool.grade_exported(worker, task("5"))
    results = Path(worker.job.results_folder) / "5.json"
    assert outcome.status == FAILED and outcome.total == 0 and "ZeroDivisionError" in outcome.problem
    validate_results_file(results)
    assert "autograder failed" in json.loads(results.read_text())["output"]
    assert "boom" in capsys.readouterr().err  # the traceback, for staff


def test_a_hanging_submission_is_stopped(worker, monkeypatch):
    monkeypatch.setattr(grading_pool, "SUBMISSION_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(grading_pool, "grade_submission", lambda *args, **kwargs: time.sleep(5))
    started = time.perf_counter()
    outcome = grading_pool.grade_exported(worker, task("6"))
    assert time.perf_counter() - started < 2
    assert outcome.status == FAILED and "longer than" in outcome.problem


def test_a_submission_whose_worker_died_twice_is_an_autograder_error(tmp_path):
    job = grading_pool.Job(str(SPEC.path), str(tmp_path), str(tmp_path / "previous"))
    outcome = grading_pool._failed_in_parent(ExportedSubmission("7", tmp_path, (), None), job)
    assert outcome.status == FAILED and "died twice" in outcome.problem
    validate_results_file(tmp_path / "7.json")
    assert outcome.total == failure_results("x", execution_time=0).score


def test_the_worker_compares_with_the_previous_regrade(worker):
    first = grading_pool.grade_exported(worker, task("8"))
    assert first.previous_total is None and first.changed_items == ()
    previous = Path(worker.job.previous_folder)
    previous.mkdir()
    document = json.loads((Path(worker.job.results_folder) / "8.json").read_text())
    changed = document["tests"][0]
    changed["score"] = changed["score"] - 1
    document["score"] -= 1
    (previous / "8.json").write_text(json.dumps(document))
    second = grading_pool.grade_exported(worker, task("8"))
    assert second.previous_total == first.total - 1
    assert second.changed_items == ((changed["number"], changed["score"], changed["score"] + 1),)


# --------------------------------------------------------------------------
# Hostile exports


def zip_with(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for info, data in entries:
            bundle.writestr(info, data)
    return path


SOLVED_SHEET = (ROOT / "examples/solved/answers.yaml").read_bytes()


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "C:/evil.txt"])
@pytest.mark.parametrize("wrapper", ["", "assignment_9_export/"])
def test_unsafe_entries_outside_submissions_are_ignored(tmp_path, capsys, name, wrapper):
    """Gradescope wraps its export in one folder; an unsafe entry beside it
    is ignored, and never makes the export look like something else."""
    archive = zip_with(tmp_path / "slip.zip", [(wrapper + "submission_1/answers.yaml", SOLVED_SHEET),
                                               (name, b"owned")])
    code = regrade.main([str(archive), "--out", str(tmp_path / "out"), "--jobs", "1"])
    assert code == regrade.EXIT_GRADED
    assert "unsafe names and were ignored" in capsys.readouterr().err
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
    rows = gradebook_rows(tmp_path / "out")
    assert [(r["submission_id"], r["total"]) for r in rows] == [("1", format_number(POSSIBLE))]


@pytest.mark.parametrize("name", ["submission_2/../../evil.txt", "submission_2/notes\\draft.txt",
                                  "submission_2/..\\..\\evil.txt"])
def test_an_unsafe_file_name_costs_only_that_file(tmp_path, name):
    archive = zip_with(tmp_path / "slip.zip", [("submission_1/answers.yaml", SOLVED_SHEET),
                                               ("submission_2/answers.yaml", SOLVED_SHEET),
                                               (name, b"owned")])
    assert regrade.main([str(archive), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "out" / "evil.txt").exists()
    rows = {r["submission_id"]: r for r in gradebook_rows(tmp_path / "out")}
    assert rows["1"]["total"] == rows["2"]["total"] == format_number(POSSIBLE)
    assert rows["1"]["note"] == "" and "its name is unsafe" in rows["2"]["note"]


def test_links_in_a_zip_are_not_created(tmp_path):
    link = zipfile.ZipInfo("submission_1/answers.yaml")
    link.external_attr = 0o120777 << 16  # a symbolic link to...
    archive = zip_with(tmp_path / "links.zip", [(link, b"/etc/passwd"),
                                                ("submission_2/answers.yaml", SOLVED_SHEET)])
    prefix, found, _, _ = index_zip_export(archive, tmp_path / "scratch")
    by_id = {s.submission_id: s for s in found}
    assert prefix == "" and by_id["1"].members == ()
    assert "a link or special file" in by_id["1"].notes[0]
    assert by_id["2"].members == ("submission_2/answers.yaml",)


def test_a_submission_folder_that_is_a_link_is_refused_in_the_gradebook_not_followed(tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "hw").mkdir(parents=True)
    (outside / "hw" / "answers.yaml").write_bytes(SOLVED_SHEET)
    export = tmp_path / "export"
    (export / "submission_1").mkdir(parents=True)
    (export / "submission_1" / "answers.yaml").write_bytes(SOLVED_SHEET)
    (export / "submission_2").symlink_to(outside)
    assert regrade.main([str(export), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    rows = {r["submission_id"]: r for r in gradebook_rows(tmp_path / "out")}
    assert rows["1"]["total"] == format_number(POSSIBLE)
    assert rows["2"]["status"] == NO_SHEET and rows["2"]["total"] == "0"
    assert "a link in the export, not a folder" in rows["2"]["note"]


def test_an_upload_whose_only_sheet_was_not_unpacked_is_told_why(tmp_path):
    """Its results said the folder was not found and nothing was uploaded."""
    link = zipfile.ZipInfo("submission_1/answers.yaml")
    link.external_attr = 0o120777 << 16
    archive = zip_with(tmp_path / "link.zip", [(link, b"/etc/passwd"),
                                               ("submission_2/answers.yaml", SOLVED_SHEET),
                                               ("submission_3", SOLVED_SHEET)])  # a file, no folder
    assert regrade.main([str(archive), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    rows = {r["submission_id"]: r for r in gradebook_rows(tmp_path / "out")}
    assert rows["2"]["total"] == rows["3"]["total"] == format_number(POSSIBLE)
    message = json.loads((tmp_path / "out" / "results" / "1.json").read_text())["output"]
    assert "Your submission is empty" in message and "not found" not in message
    assert ("Files of your upload that the class regrade did not unpack: not unpacked, a link or "
            "special file: 'answers\\.yaml'") in message


def test_a_metadata_file_that_is_a_link_is_not_followed(tmp_path, capsys):
    secret = tmp_path / "elsewhere.yml"
    secret.write_text("submission_1:\n  :submitters:\n  - :name: read through the link\n")
    export = tmp_path / "export"
    (export / "submission_1").mkdir(parents=True)
    (export / "submission_1" / "answers.yaml").write_bytes(SOLVED_SHEET)
    (export / METADATA_FILE).symlink_to(secret)
    assert regrade.main([str(export), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert f"{METADATA_FILE} is a link, which is not followed" in capsys.readouterr().err
    assert gradebook_rows(tmp_path / "out")[0]["names"] == ""


def test_a_name_twice_in_the_zip_or_a_file_where_a_folder_was_costs_no_sheet(tmp_path):
    """Unpacking the second entry of a name once failed on the first, and
    removed it: the student's sheet was gone. The last entry is unpacked
    once; a file that collides with a folder already there is noted."""
    entries = [("submission_1/answers.yaml", b"q2:\n  b: an older draft\n"),
               ("submission_1/answers.yaml", SOLVED_SHEET),
               ("submission_2/answers.yaml", SOLVED_SHEET),
               ("submission_2/notes/", b""), ("submission_2/notes", b"a file where a folder is")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = zip_with(tmp_path / "twice.zip", entries)
    assert regrade.main([str(archive), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    rows = {r["submission_id"]: r for r in gradebook_rows(tmp_path / "out")}
    assert rows["1"]["total"] == rows["2"]["total"] == format_number(POSSIBLE)
    assert rows["1"]["note"] == ""
    assert "not unpacked, a file or folder of that name is already there: 'notes'" in rows["2"]["note"]


def test_zip_bombs_are_judged_per_submission_by_their_bytes(tmp_path, monkeypatch):
    log = b"2025-01-01 epoch 1 loss 0.25 accuracy 0.91\n" * 50_000  # 2 MB, compresses > 200:1
    entries = [("submission_1/answers.yaml", SOLVED_SHEET), ("submission_1/train.log", log),
               ("submission_2/answers.yaml", SOLVED_SHEET),
               ("submission_2/bomb.bin", b"\0" * (8 << 20)),
               ("submission_3/answers.yaml", SOLVED_SHEET),
               ("submission_3/a.bin", b"\0" * (3 << 20)), ("submission_3/b.bin", b"\0" * (3 << 20))]
    archive = zip_with(tmp_path / "bomb.zip", entries)
    monkeypatch.setattr("autograder.gradescope.export.MAX_MEMBER_BYTES", 4 << 20)
    monkeypatch.setattr("autograder.gradescope.export.MAX_SUBMISSION_BYTES", 5 << 20)
    assert regrade.main([str(archive), "--out", str(tmp_path / "out"), "--jobs", "2"]) == 0
    rows = {r["submission_id"]: r for r in gradebook_rows(tmp_path / "out")}
    assert rows["1"]["total"] == format_number(POSSIBLE) and rows["1"]["note"] == ""
    assert rows["2"]["total"] == format_number(POSSIBLE)  # the big file alone is skipped
    assert "not unpacked, 8,388,608 bytes" in rows["2"]["note"]
    assert rows["3"]["status"] == NO_SHEET and "likely zip bomb" in rows["3"]["note"]
    results = json.loads((tmp_path / "out" / "results" / "3.json").read_text())
    assert "likely zip bomb" in results["output"]


def test_oversized_exports_are_refused_whole(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("autograder.gradescope.export.MAX_EXPORT_ENTRIES", 3)
    many = zip_with(tmp_path / "many.zip", [(f"submission_{n}/a", b"x") for n in range(4)])
    with pytest.raises(ExportError, match="entries"):
        index_zip_export(many, tmp_path)
    monkeypatch.setattr("autograder.gradescope.export.MAX_EXPORT_BYTES", 1000)
    big = zip_with(tmp_path / "big.zip", [("submission_1/a", os.urandom(2000))])
    assert regrade.main([str(big), "--out", str(tmp_path / "o")]) == regrade.EXIT_USAGE
    assert "would unpack to 2,000 bytes" in capsys.readouterr().err


def test_a_member_whose_header_lies_is_cut_off(tmp_path):
    archive = zip_with(tmp_path / "liar.zip", [("submission_1/x.txt", b"a" * 5000)])
    with zipfile.ZipFile(archive) as bundle:
        bundle.getinfo("submission_1/x.txt").file_size = 100  # what a forged header says
        notes = unpack_members(bundle, ["submission_1/x.txt"], 0, tmp_path / "out")
    assert len(notes) == 1 and notes[0].startswith("not unpacked")  # zipfile or our count stops it
    assert not (tmp_path / "out" / "submission_1" / "x.txt").exists()


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, capsys):
    (tmp_path / "export.zip").write_bytes(b"not a zip")
    assert regrade.main([str(tmp_path / "export.zip"), "--out", str(tmp_path / "o")]) == 2
    assert "not a readable zip" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Metadata


RUBY_METADATA = """\
---
submission_12:
  :submitters:
  - :name: Ada Lovelace
    :sid: 4242
    :email: ada@example.edu
    section_name: !ruby/object:Section {name: "001"}
  :created_at: 2020-11-15 17:04:24.043103000 Z
  :score: !ruby/object:BigDecimal 18:0.2467E3
  :status: processed
  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess
    score: 246.7
  :history:
  - !ruby/object:Gradescope::Submission
    :score: 1.0
submission_13:
  :submitters: !!python/object/apply:os.system ["touch {marker}"]
  :score: !!python/object/new:float ["nan"]
  :lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
  :b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
  :c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
  :d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
  :e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
  :f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
  :g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
  :h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
"""


def test_ruby_metadata_is_read_safely(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / METADATA_FILE
    path.write_text(RUBY_METADATA.replace("{marker}", str(marker)), encoding="utf-8")
    started = time.perf_counter()
    metadata, warnings = read_metadata_file(path)
    assert time.perf_counter() - started < 1 and warnings == []
    assert not marker.exists()
    first = metadata["submission_12"]
    assert first["created_at"] == "2020-11-15 17:04:24.043103000 Z"
    assert first["submitters"][0]["section_name"] == {"name": "001"}
    assert "history" not in first and "results" not in first  # dropped unbuilt: unused
    submissions, _ = list_submissions([], metadata, tmp_path)
    by_id = {s.submission_id: s for s in submissions}
    assert by_id["12"].submitters == (Submitter("Ada Lovelace", "4242", "ada@example.edu"),)
    assert by_id["12"].gradescope_score == 246.7
    assert by_id["12"].submitted_at == "2020-11-15T17:04:24Z"
    assert by_id["13"].submitters == () and by_id["13"].gradescope_score is None


def test_metadata_aliases_into_unused_fields_are_still_read(tmp_path):
    path = tmp_path / METADATA_FILE
    path.write_text("submission_1:\n  :history:\n  - :submitters: &people\n"
                    "    - :name: Ada\n      :sid: '1'\n  :submitters: *people\n", encoding="utf-8")
    metadata, warnings = read_metadata_file(path)
    assert warnings == [] and metadata["submission_1"]["submitters"] == [{"name": "Ada", "sid": "1"}]


@pytest.mark.parametrize("text", ["- just a list\n", "a: [unclosed\n", "[" * 5000 + "]" * 5000],
                         ids=["a list", "a syntax error", "deep nesting"])
def test_unusable_metadata_is_a_warning_not_a_stop(tmp_path, text):
    path = tmp_path / METADATA_FILE
    path.write_text(text, encoding="utf-8")
    metadata, warnings = read_metadata_file(path)
    assert metadata == {} and len(warnings) == 1


def test_progress_bar_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = grading_pool.Progress(4, stream)
    for _ in range(4):
        progress.advance()
    progress.finish()
    assert stream.getvalue().endswith(f"\r[{'#' * 30}] 4/4\n")
    assert f"\r[{'#' * 7}{'-' * 23}] 1/4" in stream.getvalue()
    log = io.StringIO()  # not a terminal: silent
    quiet = grading_pool.Progress(4, log)
    quiet.advance()
    quiet.finish()
    assert log.getvalue() == ""


def test_synthetic_exports_are_deterministic(tmp_path):
    first, second = generate(12, seed=3, spec=SPEC), generate(12, seed=3, spec=SPEC)
    assert first == second
    assert generate(12, seed=4, spec=SPEC).files != first.files
    write_export(first, tmp_path / "a" / "x.zip")
    write_export(second, tmp_path / "b" / "x.zip")
    assert (tmp_path / "a" / "x.zip").read_bytes() == (tmp_path / "b" / "x.zip").read_bytes()
    assert render_sheet({"q": {"a": "784", "b": "[28, 28]", "c": None, "d": "x: y"}}) == (
        '# HW3 answer sheet\nq:\n  a: 784\n  b: "[28, 28]"\n  c:\n  d: "x: y"\n')


@pytest.mark.parametrize("entries", [[("photos/cat.jpg", b"x")], [("readme.txt", b"x")]],
                         ids=["one folder", "no folder"])
def test_a_zip_that_is_not_an_export_is_refused(tmp_path, capsys, entries):
    archive = zip_with(tmp_path / "other.zip", entries)
    assert regrade.main([str(archive), "--out", str(tmp_path / "o")]) == regrade.EXIT_USAGE
    assert "not a Gradescope export" in capsys.readouterr().err


def test_submissions_are_unpacked_in_memory_only_where_there_is_room(tmp_path, monkeypatch):
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(regrade, "RAM_FOLDER", tmp_path)
    monkeypatch.setattr(regrade.shutil, "disk_usage",
                        lambda path: usage(0, 0, 3 * MAX_SUBMISSION_BYTES + 1))
    assert regrade.unpacking_folder(2) == str(tmp_path)
    assert regrade.unpacking_folder(3) is None  # no room for 3 workers and the margin
    monkeypatch.setattr(regrade, "RAM_FOLDER", tmp_path / "absent")
    monkeypatch.setattr(regrade.shutil, "disk_usage", lambda path: (_ for _ in ()).throw(OSError()))
    assert regrade.unpacking_folder(1) is None
