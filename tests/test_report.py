"""The class report: its numbers, its escaping of student text, its
determinism, and that a real browser renders it (tables and inline plots)."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograder.grading.pipeline import ItemGrade
from autograder.answers.verdict import Verdict
from autograder.course.report import build_report
from autograder.course.report_model import (FAILED, GRADED, NO_SHEET, GradeChange, Heading,
                                            SubmissionGrades, Table, format_number,
                                            normalise_answer, question_of, question_points)
from autograder.course.report_output import render_html, render_markdown, write_report
from autograder.assignment.spec import load_spec

SPEC = load_spec()
HOSTILE = '<script>alert("x")</script> | ![img](http://example.com/x.png) **bold**'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def verdict_for_answer(item, answer):
    """A stand-in grader with every outcome the real one produces."""
    if not item.graded:
        return Verdict.from_label(0.0, "1 sentence", "answered" if answer else "missing")
    if answer is None:
        return Verdict.from_label(0.0, "no answer", "missing")
    if answer.strip().lower() == "right":
        return Verdict.from_label(1.0, "right", "correct")
    if answer == "mistake":
        return Verdict.from_label(0.5, "26 x 26", "valid_padding")
    if answer == "??":
        return Verdict.from_label(0.0, "unreadable", "unreadable")
    if answer == "hedge":
        return Verdict.from_label(0.0, "27 or 28", "hedged")
    return Verdict.from_label(0.0, re.sub(r"\D", "", answer) or answer.upper(), "unrecognised")


def submission(number: int, answers_by_key: dict, status: str = GRADED,
               extras_points: float | None = None) -> SubmissionGrades:
    """A submission as the regrade reports it; `extras_points` is what the
    results files give extra items (E...) as their max_score, when not the spec's."""
    def points(item):
        return extras_points if extras_points is not None and item.number.startswith("E") \
            else item.points

    grades = tuple(ItemGrade(item, answers_by_key.get(item.key, "right"),
                             verdict_for_answer(item, answers_by_key.get(item.key, "right")))
                   for item in SPEC.items) if status == GRADED else ()
    scores = {g.item.number: round(g.verdict.credit * points(g.item), 4) for g in grades}
    if status == NO_SHEET:
        scores = {item.number: 0.0 for item in SPEC.items}
    return SubmissionGrades(f"{number:03d}", status, grades, scores, round(sum(scores.values()), 4),
                            {item.number: points(item) for item in SPEC.items})


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
    # 7 of 10 right, 2 unrecognised, none hedged, 1 blank
    assert row[3:8] == ("70%", "0%", "20%", "0%", "10%")
    assert "unrecognised (2)" in row[8]
    written = next(r for r in items.rows if r[0] == "1.a")
    assert written[2] == "by hand" and written[7] == "10%"


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


def rows_of(report, title: str, number: str) -> tuple:
    section = next(s for s in report.sections if s.title == title)
    table = next(b for b in section.blocks if isinstance(b, Table))
    return next(r for r in table.rows if r[0] == number)


def test_hedged_answers_are_flagged_in_the_pass_rates_and_the_overview():
    hedging = [submission(0, {}), submission(1, {"q2.b": "hedge"}), submission(2, {"q2.b": "hedge"}),
               submission(3, {"q2.b": "27"})]
    report = build_report(SPEC, hedging)
    assert rows_of(report, "Pass rate per item", "2.b")[3:8] == ("25%", "0%", "25%", "50%", "0%")
    overview = " ".join(b for b in report.sections[0].blocks if isinstance(b, str))
    assert "2 answers in 2 sheets were hedged" in overview
    wrong = next(s for s in report.sections if s.title == "Most common wrong answers")
    table = wrong.blocks[wrong.blocks.index(Heading(f"2.b {SPEC.item('q2.b').name}")) + 1]
    assert table.rows[0][3] == "hedged: several alternatives" and table.rows[0][5] == "2"


def test_extras_worth_0_points_show_a_pass_rate_but_count_in_no_total():
    extras = [e for e in SPEC.items if e.number.startswith("E") and e.graded]
    assert extras
    students = [submission(0, {}, extras_points=0.0),
                submission(1, {extras[0].key: "27"}, extras_points=0.0)]
    report = build_report(SPEC, students)
    row = rows_of(report, "Pass rate per item", extras[0].number)
    assert row[2] == "0 (extra)" and row[3] == "50%"
    distribution = next(s for s in report.sections if s.title == "Distribution of scores")
    questions = [r[0] for b in distribution.blocks if isinstance(b, Table) for r in b.rows]
    assert questions and not any(q.startswith("E") for q in questions)
    possible = sum(i.points for i in SPEC.items if not i.number.startswith("E"))
    assert f"Totals out of {format_number(possible)}:" in render_markdown(report)
    assert question_points(SPEC, students[0].max_scores) == {
        q: p for q, p in question_points(SPEC).items() if not q.startswith("E")}


def test_the_report_says_what_the_regrade_changes():
    students = [submission(0, {}), submission(1, {"q2.b": "27"}), submission(2, {})]
    possible = students[0].total
    changes = [GradeChange("000", "Ada", possible, None, possible),
               GradeChange("001", "<b>Bob</b>", possible, possible, students[1].total,
                           (("2.b", 3.0, 0.0),)),
               GradeChange("002", "Cy", None, None, possible)]
    report = build_report(SPEC, students, changes)
    section = next(s for s in report.sections if s.title == "What this regrade changes")
    text = " ".join(b for b in section.blocks if isinstance(b, str))
    assert "1 of the 2 submissions with a Gradescope score get a different total (0 higher, 1 lower)" in text
    assert "1 have no Gradescope score" in text
    assert "1 totals change and 1 submissions have items whose score changes" in text
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert [r[0] for r in table.rows] == ["001"]
    assert table.rows[0][5] == format_number(students[1].total - possible)
    assert table.rows[0][6] == "2.b: 3 → 0"
    assert "&lt;b&gt;Bob" in render_html(report) and "<b>Bob" not in render_html(report)
    first_run = build_report(SPEC, students, [GradeChange("000", "Ada", 1.0, None, possible)])
    section = next(s for s in first_run.sections if s.title == "What this regrade changes")
    assert any("No previous regrade" in b for b in section.blocks if isinstance(b, str))


def test_markdown_escapes_only_what_markdown_would_act_on(report):
    markdown = render_markdown(report)
    assert not re.search(r"\\[.()!#+-]", markdown)  # periods, parentheses, ... read plainly
    assert "12 submissions: 10 graded, 1 without a readable answer sheet (0 points)" in markdown
    assert "Totals out of " in markdown
    # a student's answer is a code span: shown as typed, '|' escaped for the table
    assert "`<script>alert(\"x\")</script> \\| ![img](http://example.com/x.png) **bold**`" in markdown


@pytest.mark.parametrize("title, expected", [
    ("- a list?", "\\- a list?"), ("# heading", "\\# heading"), ("3. item", "3\\. item"),
    ("---", "\\---"), ("2.5 points (out of 3).", "2.5 points (out of 3)."),
    ("a*b_c [x](y) <i> & ~z~ |", "a\\*b\\_c \\[x\\](y) \\<i\\> \\& \\~z\\~ \\|"),
    ("#hashtag", "#hashtag")])
def test_markdown_text_escaping_in_context(title, expected):
    from autograder.course.report_model import Report, Section
    assert f"## {expected}\n" in render_markdown(Report("t", (Section(title),)))


# --------------------------------------------------------------------------
# Safety and determinism


HOSTILE_NAMES = ['<script>alert(1)</script>', '" onmouseover="alert(1)', "javascript:alert(1)",
                 "<a href=\"javascript:alert(1)\">x</a>", "<img src=x onerror=alert(1)>"]


def test_html_stays_inert_whatever_students_write(tmp_path):
    students = [submission(n, {"q2.c": name}) for n, name in enumerate(HOSTILE_NAMES)]
    changes = [GradeChange(s.submission_id, name, 0.0, None, s.total)
               for s, name in zip(students, HOSTILE_NAMES)]
    write_report(SPEC, students, tmp_path, changes)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|a|img)\b", page, re.I)
    assert not re.search(r"""\s(href|src|on\w+)\s*=\s*["']""", page)  # no attribute made
    assert html.escape('" onmouseover="alert(1)') in page
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"(`+).*?\1", "", markdown)
    assert "<" in markdown and not re.search(r"(?<!\\)[<&]", outside_code)


def test_any_string_a_sheet_carries_is_written(tmp_path):
    students = [submission(0, {"q2.c": "\udcff lone \ud800 surrogates"}), submission(1, {})]
    changes = [GradeChange("000", "na\udcffme", 1.0, None, 2.0)]
    write_report(SPEC, students, tmp_path, changes)
    for name in ("report.html", "report.md"):
        text = (tmp_path / name).read_bytes().decode("utf-8")  # valid UTF-8
        assert "\\udcff" in text and "na\\udcffme" in text
    assert not list(tmp_path.glob(".*tmp"))  # no temporary file left behind


def test_the_page_inlines_both_plots_and_the_markdown_links_their_files(report_folder):
    page = (report_folder / "report.html").read_text(encoding="utf-8")
    inline = re.findall(r'<figure id="plot-(\w+)"><figcaption>[^<]*</figcaption>(<svg .*?</svg>\n)'
                        r"</figure>", page, re.DOTALL)
    assert [name for name, _ in inline] == ["totals", "questions"]
    markdown = (report_folder / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\((plots/\w+\.svg)\)", markdown)
    assert links == ["plots/totals.svg", "plots/questions.svg"]
    for link, (_, svg) in zip(links, inline):
        assert (report_folder / link).read_text(encoding="utf-8") == svg
        ET.fromstring(svg)  # well-formed
    grid = ET.fromstring(inline[1][1])
    titles = [t.text for t in grid.iter("{http://www.w3.org/2000/svg}text")
              if t.get("class") == "panel-title"]
    questions = question_points(SPEC, a_class()[0].max_scores)
    assert titles == [f"{q} (out of {format_number(p)})" for q, p in questions.items()]


def test_the_plots_need_no_plotting_library(tmp_path):
    code = ("import sys\n"
            "sys.modules['matplotlib'] = None\n"
            "from pathlib import Path\n"
            "from autograder.course.report_output import write_report\n"
            "from autograder.assignment.spec import load_spec\n"
            f"write_report(load_spec(), [], Path({str(tmp_path)!r}))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8").count("<svg") == 2
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["questions.svg", "totals.svg"]



def test_student_text_is_escaped_in_html_and_markdown(report_folder):
    page = (report_folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert html.escape(" ".join(HOSTILE.split())) in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    markdown = (report_folder / "report.md").read_text(encoding="utf-8")
    outside_code = re.sub(r"(`+).*?\1", "", markdown)  # answers are code spans: shown as typed
    assert "<script" not in outside_code and "![img]" not in outside_code
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
