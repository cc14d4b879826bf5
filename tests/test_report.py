"""The class report: its numbers, its escaping of student text, its
determinism, and that a real browser renders it (tables and inline plots)."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason="the class report needs requirements-ta.txt")

from autograder.grading import ItemGrade  # noqa: E402
from autograder.kinds.verdict import Verdict  # noqa: E402
from autograder.report import (FAILED, GRADED, NO_SHEET, Heading, SubmissionGrades,  # noqa: E402
                               build_report, format_number, normalise_answer, question_of,
                               question_points, render_markdown, write_report)
from autograder.spec import load_spec  # noqa: E402

SPEC = load_spec()
HOSTILE = '<script>alert("x")</script> | ![img](http://example.com/x.png) **bold**'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def verdict_for_answer(item, answer):
    """A stand-in grader with every outcome the real one produces."""
    if not item.graded:
        return Verdict(0.0, "1 sentence", "Answered.", "answered" if answer else "missing")
    if answer is None:
        return Verdict(0.0, "no answer", "Missing.", "missing")
    if answer.strip().lower() == "right":
        return Verdict(1.0, "right", "Correct.", "correct")
    if answer == "mistake":
        return Verdict(0.5, "26 x 26", "Partly right.", "valid_padding")
    if answer == "??":
        return Verdict(0.0, "unreadable", "Could not read.", "unreadable")
    return Verdict(0.0, re.sub(r"\D", "", answer) or answer.upper(), "Not correct.", "unrecognised")


def submission(number: int, answers_by_key: dict, status: str = GRADED) -> SubmissionGrades:
    grades = tuple(ItemGrade(item, answers_by_key.get(item.key, "right"),
                             verdict_for_answer(item, answers_by_key.get(item.key, "right")))
                   for item in SPEC.items) if status == GRADED else ()
    scores = {g.item.number: round(g.verdict.credit * g.item.points, 4) for g in grades}
    if status == NO_SHEET:
        scores = {item.number: 0.0 for item in SPEC.items}
    return SubmissionGrades(f"{number:03d}", status, grades, scores, round(sum(scores.values()), 4))


def a_class() -> list[SubmissionGrades]:
    """Ten students: five right, two with the same unrecognised 27 on 2.b
    (written differently), one recognised mistake, one hostile answer, one
    blank; plus a missing sheet and an autograder failure."""
    return [
        *(submission(n, {}) for n in range(5)),
        submission(5, {"q2.b": "27"}),
        submission(6, {"q2.b": "  27  Weights"}),
        submission(7, {"q2.a.output_size": "mistake"}),
        submission(8, {"q2.c": HOSTILE, "q2.d": "??"}),
        submission(9, {"q2.b": None, "q1.a": None}),
        submission(10, {}, status=NO_SHEET),
        SubmissionGrades("011", FAILED, (), {"0": 0.0}, 0.0),
    ]


@pytest.fixture(scope="module")
def report():
    return build_report(SPEC, a_class())


@pytest.fixture(scope="module")
def report_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    write_report(SPEC, a_class(), folder)
    return folder


# --------------------------------------------------------------------------
# Numbers


def test_questions_are_the_first_two_parts_of_item_numbers():
    assert question_of("2.g.07") == "2.g"
    assert question_of("E2.c.3") == "E2.c"
    assert question_of("2.b") == "2.b"
    points = question_points(SPEC)
    assert "1.a" not in points  # written: graded by hand, no autograder points
    assert points["2.a"] == 3 and points["2.g"] == 18
    assert sum(points.values()) == sum(item.max_score for item in SPEC.items) == SPEC.max_score


def test_format_and_normalise():
    assert [format_number(v) for v in (3.0, 2.5, 1 / 3, -0.0, 12.00001)] == [
        "3", "2.5", "0.3333", "0", "12"]
    assert normalise_answer("  28 X\n 28 ") == normalise_answer("28 x 28")
    assert normalise_answer(None) == normalise_answer("   ") == "(blank)"


def test_report_counts_outcomes_over_the_sheets_that_were_read(report):
    text = render_markdown(report)
    assert "12 submissions: 10 graded, 1 without a readable answer sheet" in text.replace("\\", "")
    items = next(s for s in report.sections if s.title == "Pass rate per item").blocks[1]
    row = next(r for r in items.rows if r[0] == "2.b")
    # 7 of 10 right, 2 unrecognised, 1 blank
    assert row[3:7] == ("70%", "0%", "20%", "10%")
    assert "unrecognised (2)" in row[7]
    written = next(r for r in items.rows if r[0] == "1.a")
    assert written[2] == "by hand" and written[6] == "10%"


def test_identical_unrecognised_answers_form_a_cluster(report):
    clusters = next(s for s in report.sections if s.title.startswith("Unrecognised"))
    table = clusters.blocks[1]
    assert table.rows[0][1:] == ("27", "2", "27", "2")  # read as, students, spelling, spellings
    assert table.rows[0][0].startswith("2.b ")
    # a single unrecognised answer is not a cluster
    assert all(row[2] != "1" for row in table.rows)


def test_wrong_answers_name_the_recognised_mistake(report):
    wrong = next(s for s in report.sections if s.title == "Most common wrong answers")
    heading = next(i for i, b in enumerate(wrong.blocks)
                   if b == Heading(f"2.a.1 {SPEC.item('q2.a.output_size').name}"))
    table = wrong.blocks[heading + 1]
    assert table.rows[0] == ("mistake", "1", "26 x 26", "mistake: valid_padding", "0.5", "1", "10%")


# --------------------------------------------------------------------------
# Safety and determinism


def test_student_text_is_escaped_in_html_and_markdown(report_folder):
    page = (report_folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert html.escape(" ".join(HOSTILE.split())) in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    markdown = (report_folder / "report.md").read_text(encoding="utf-8")
    assert "<script" not in markdown and "![img]" not in markdown
    columns = None
    for line in markdown.splitlines():  # the answer's '|' never adds a column
        cells = len(re.findall(r"(?<!\\)\|", line)) if line.startswith("|") else None
        columns = columns if cells and columns else cells
        assert cells == columns


def test_report_is_self_contained_and_deterministic(report_folder, tmp_path):
    write_report(SPEC, list(reversed(a_class())), tmp_path)
    for name in ("report.html", "report.md", "plots/totals.svg", "plots/questions.svg"):
        assert (report_folder / name).read_bytes() == (tmp_path / name).read_bytes(), name
    page = (report_folder / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 2
    assert "<dc:date>" not in page
    markdown = (report_folder / "report.md").read_text(encoding="utf-8")
    assert "](plots/totals.svg)" in markdown and "](plots/questions.svg)" in markdown


# --------------------------------------------------------------------------
# A real browser


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_chromium_renders_tables_and_plots(report_folder, tmp_path):
    url = (report_folder / "report.html").as_uri()
    dom = chromium("--dump-dom", url, profile=tmp_path / "profile").stdout
    assert dom.count("<table") == len(re.findall("<table", (report_folder / "report.html")
                                                 .read_text(encoding="utf-8")))
    assert dom.count("<table") >= 5
    assert dom.count("<svg") == 2
    assert "<script" not in dom  # the hostile answer stayed text
    assert "alert(" in dom
    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,2400", url, profile=tmp_path / "profile")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
