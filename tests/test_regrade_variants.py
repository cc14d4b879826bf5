"""A class regrade of a spec with a family of variants: every submission is
graded against its submitters' own variant, exactly as `autograder grade
--student EMAIL` grades it alone; the gradebook says which variant; the
report flags sheets written for another variant, submissions without a
usable email, and students of different variants who share wrong values."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.course import regrade
from autograder.course import grading_pool
from autograder.course.gradebook import BASE
from autograder.gradescope.export import (METADATA_FILE, folder_submissions, list_submissions,
                                          read_metadata_file)
from autograder.course.report_model import FAILED, GRADED, question_points
from autograder.course.synthetic import (NEIGHBOURS_SHEET, NO_EMAIL, RIGHT, SHARED,
                                         generate, write_export)
from autograder.assignment.spec import load_spec
from autograder.gradescope import run as grade_command
from autograder.submission.submitter import group_email
from results_schema import validate_results_file

ROOT = Path(__file__).resolve().parent.parent
FAMILY_SPEC_PATH = ROOT / "specs" / "hw3-per-student.yaml"
FAMILY_SPEC = load_spec(FAMILY_SPEC_PATH)
POSSIBLE = sum(question_points(FAMILY_SPEC).values())
COUNT = 60


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    base = tmp_path_factory.mktemp("family")
    synthetic = generate(COUNT, seed=3, spec=FAMILY_SPEC)
    write_export(synthetic, base / "export")
    return {"folder": base / "export", "base": base, "synthetic": synthetic}


@pytest.fixture(scope="module")
def regraded(export):
    out = export["base"] / "out"
    result = subprocess.run([sys.executable, "-m", "autograder", "regrade", str(export["folder"]),
                             "--out", str(out), "--spec", str(FAMILY_SPEC_PATH), "--jobs", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as handle:
        rows = {row["submission_id"]: row for row in csv.DictReader(handle)}
    return {"out": out, "rows": rows, "markdown": (out / "report.md").read_text(encoding="utf-8"),
            "html": (out / "report.html").read_text(encoding="utf-8"), "stderr": result.stderr,
            "stdout": result.stdout}


def ids_with(export, *profiles: str) -> list[str]:
    return sorted(i for i, p in export["synthetic"].profiles.items() if p in profiles)


def section(markdown: str, title: str) -> str:
    """The text of one `## title` section of report.md."""
    return markdown.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_synthetic_class_mixes_variants_and_every_role(export):
    synthetic = export["synthetic"]
    own = {v for i, v in synthetic.variants.items() if v is not None}
    assert len(own) >= 15  # 60 students over 24 variants
    for profile in (NEIGHBOURS_SHEET, SHARED, NO_EMAIL):
        assert ids_with(export, profile), profile
    first, second = ids_with(export, SHARED)
    assert synthetic.variants[first] != synthetic.variants[second]
    assert synthetic.filled_for[first] == synthetic.filled_for[second] not in (
        synthetic.variants[first], synthetic.variants[second])
    for submission_id in ids_with(export, NEIGHBOURS_SHEET):
        assert synthetic.filled_for[submission_id] != synthetic.variants[submission_id]
    # a sheet is filled with its variant's own keys (the sizes of its larger inputs)
    side_24 = next(i for i in ids_with(export, RIGHT) if FAMILY_SPEC.family.variant(
        synthetic.variants[i]).values[0] == ("side", 24))
    text = next((export["folder"] / f"submission_{side_24}").rglob("answers.y*l")).read_text()
    assert "multiplications_48:" in text and "multiplications_56:" not in text


def test_the_gradebook_names_each_submission_s_variant(export, regraded):
    rows, synthetic = regraded["rows"], export["synthetic"]
    header = next(csv.reader(io.StringIO((regraded["out"] / "gradebook.csv").read_text())))
    assert header[5:8] == ["status", "variant", "2.a"]
    for submission_id, variant in synthetic.variants.items():
        expected = BASE if variant is None else str(variant)
        assert rows[submission_id]["variant"] == expected, submission_id
    (no_email,) = ids_with(export, NO_EMAIL)
    assert rows[no_email]["emails"] == ""
    assert "no submitter has a usable email" in rows[no_email]["note"]
    assert f"1 of {COUNT} submissions have no submitter with a usable email" in regraded["stderr"]
    assert f"; {len(ids_with(export, NEIGHBOURS_SHEET))} sheets were written for another variant" \
        in regraded["stdout"]


def test_full_marks_only_on_sheets_filled_for_the_students_own_numbers(export, regraded):
    rows, synthetic = regraded["rows"], export["synthetic"]
    for submission_id in ids_with(export, RIGHT, NO_EMAIL):  # a no-email sheet is the base's
        assert float(rows[submission_id]["total"]) == POSSIBLE, submission_id
    for submission_id in ids_with(export, NEIGHBOURS_SHEET, SHARED):
        assert float(rows[submission_id]["total"]) < POSSIBLE, submission_id
    full = [i for i, row in rows.items() if row["status"] == GRADED
            and float(row["total"]) == POSSIBLE]
    assert all(synthetic.filled_for[i] == synthetic.variants[i] for i in full)


def test_the_report_lists_the_sheets_written_for_another_variant(export, regraded):
    rows, synthetic = regraded["rows"], export["synthetic"]
    listed = section(regraded["markdown"], "Sheets written for another variant")
    neighbours = ids_with(export, NEIGHBOURS_SHEET)
    for submission_id in neighbours:
        line = next(line for line in listed.splitlines() if line.startswith(f"| {submission_id} "))
        assert f"variant {synthetic.variants[submission_id]} |" in line
        assert f"`variant {synthetic.filled_for[submission_id]}`" in line
        assert (f"sheet written for variant {synthetic.filled_for[submission_id]}, graded "
                f"against variant {synthetic.variants[submission_id]}") in rows[submission_id]["note"]
    assert f"{len(neighbours)} sheets." in listed
    results = json.loads((regraded["out"] / "results" / f"{neighbours[0]}.json").read_text())
    assert "This sheet was written for variant" in results["output"]


def test_the_report_lists_the_pair_who_shared_answers_first(export, regraded):
    listed = section(regraded["markdown"], "Possible sharing")
    table = [line for line in listed.splitlines() if line.startswith("| `")]
    first, second = ids_with(export, SHARED)
    top = table[0]
    assert f"`{first} " in top and f"`{second} " in top, top
    same, right_elsewhere = re.findall(r"\| (\d+) \| (\d+) \|", top)[0]
    assert int(same) >= 8 and int(right_elsewhere) >= 1
    assert len(table) <= 40


def test_the_report_gives_each_variant_s_totals(export, regraded):
    variants = section(regraded["markdown"], "Variants")
    synthetic = export["synthetic"]
    for number in set(synthetic.variants.values()) - {None}:
        settings = FAMILY_SPEC.family.variant(number).settings().replace("_", "\\_")
        assert f"| {number} | {settings} |" in variants
    assert "| base | " in variants
    assert "Items whose pass rate differs between variants" in variants
    items = section(regraded["markdown"], "Pass rate per item")
    assert "(N per variant)" in items  # 2.g's sizes follow each variant
    assert items.index("| 2.a.2 |") < items.index("| 2.a.2.1 |") < items.index("| 2.a.3 |")


def test_the_regrade_grades_as_grade_student_does(export, regraded, tmp_path, capsys):
    """`autograder grade --student EMAIL` (the group's email by the family's
    rule) on the submission alone gives the same results.json, for a sheet
    of each kind; without an email, `grade` without --student does."""
    synthetic = export["synthetic"]
    chosen = {profile: ids_with(export, profile)[0]
              for profile in (RIGHT, NEIGHBOURS_SHEET, SHARED, NO_EMAIL, "mixed", "alias bomb")}
    group = next(i for i, row in regraded["rows"].items() if "; " in row["emails"])
    chosen["group"] = group
    for profile, submission_id in chosen.items():
        emails = regraded["rows"][submission_id]["emails"].split("; ")
        email = group_email(emails, FAMILY_SPEC.family.group)
        alone = tmp_path / f"{submission_id}.json"
        argv = ["--submission", str(export["folder"] / f"submission_{submission_id}"),
                "--results", str(alone), "--spec", str(FAMILY_SPEC_PATH), "--quiet"]
        assert grade_command.main(argv + (["--student", email] if email else [])) == 0
        capsys.readouterr()
        regraded_results = json.loads((regraded["out"] / "results" / f"{submission_id}.json")
                                      .read_text())
        graded_alone = json.loads(alone.read_text())
        for document in (regraded_results, graded_alone):
            document.pop("execution_time")
        assert regraded_results == graded_alone, (profile, submission_id)
        variant = regraded_results["extra_data"]["variant"]
        assert (BASE if variant is None else str(variant)) == \
            regraded["rows"][submission_id]["variant"]
        if submission_id in synthetic.variants:
            assert variant == synthetic.variants[submission_id]
        validate_results_file(regraded["out"] / "results" / f"{submission_id}.json")


def test_workers_grade_every_variant_without_preparing_any(export, tmp_path, monkeypatch):
    """The parent prepares every variant; forked workers inherit the
    grading, so a worker that tried to load or prove references would fail
    here, and its submission would be an autograder error."""
    grading = grading_pool.load_grading(FAMILY_SPEC)
    assert sorted(grading.variants) == list(range(1, 25))

    def refuse(*args, **kwargs):
        raise AssertionError("a worker prepared references")

    monkeypatch.setattr(grading_pool, "load_or_prepare", refuse)
    monkeypatch.setattr(grading_pool, "load_grading", refuse)
    metadata, _ = read_metadata_file(export["folder"] / METADATA_FILE)
    submissions, _ = list_submissions(folder_submissions(export["folder"]),
                                      metadata, tmp_path / "missing")
    (tmp_path / "results").mkdir()
    job = grading_pool.Job(str(FAMILY_SPEC_PATH), str(tmp_path / "results"), str(tmp_path / "none"))
    outcomes = grading_pool.grade_all(submissions, job, grading, 2,
                                      grading_pool.Progress(len(submissions), io.StringIO()))
    assert len(outcomes) == COUNT
    assert not [o for o in outcomes.values() if o.status == FAILED]
    assert {i: o.variant for i, o in outcomes.items() if i in export["synthetic"].variants} == \
        export["synthetic"].variants


def test_a_family_export_is_deterministic():
    first = generate(20, seed=9, spec=FAMILY_SPEC)
    assert first == generate(20, seed=9, spec=FAMILY_SPEC)
    assert [p for p in first.profiles.values() if p == SHARED] == [SHARED, SHARED]


# --------------------------------------------------------------------------
# The report of a family, from hand-made grades


from autograder.answers.verdict import Verdict  # noqa: E402
from autograder.assignment.spec import variant_spec  # noqa: E402
from autograder.course.report import build_report  # noqa: E402
from autograder.course.report_model import SubmissionGrades, Table  # noqa: E402
from autograder.course.report_output import render_html, render_markdown  # noqa: E402
from autograder.grading.pipeline import ItemGrade  # noqa: E402

HOSTILE_NAME = '<script>alert("x")</script> | **bold**'


@pytest.fixture(scope="module")
def facts():
    return regrade.variant_facts(grading_pool.load_grading(FAMILY_SPEC))


def student(submission_id: str, variant: int, wrong: dict[str, str] | None = None, *,
            name: str = "", written_for: str | None = None) -> SubmissionGrades:
    """A graded sheet of `variant`: every item right (read as "right"),
    except `wrong` (item number -> the value read, unrecognised; or
    "=value" for a right answer read as that value)."""
    wrong = wrong or {}
    grades = []
    for item in variant_spec(FAMILY_SPEC, variant).items:
        if not item.tested:
            continue
        value = wrong.get(item.number)
        if value is not None and value.startswith("="):
            verdict = Verdict.from_label(1.0, value[1:], "correct")
        elif value is not None:
            verdict = Verdict.from_label(0.0, value, "unrecognised")
        else:
            verdict = Verdict.from_label(1.0, "right", "correct" if item.graded else "answered")
        grades.append(ItemGrade(item, value or "right", verdict))
    scores = {g.item.number: g.verdict.credit * g.item.max_score for g in grades}
    return SubmissionGrades(submission_id, GRADED, tuple(grades), scores, sum(scores.values()),
                            {g.item.number: g.item.max_score for g in grades},
                            students=name or f"Student {submission_id}", variant=variant,
                            written_for=written_for)


def table_of(report, title: str) -> Table:
    found = next(s for s in report.sections if s.title == title)
    return next(b for b in found.blocks if isinstance(b, Table))


def test_sharing_needs_different_variants_whose_references_differ(facts):
    # q2.b (2.b) depends on the kernel and the input channels: variants 1 and 2
    # (stride 1 and 2) share its reference, variant 5 (kernel 5) does not
    assert facts.references[1]["2.b"] == facts.references[2]["2.b"] != facts.references[5]["2.b"]
    students = [student("101", 1, {"2.b": "75"}), student("102", 5, {"2.b": "75"}),
                student("103", 2, {"2.b": "75"}),
                student("104", 7, {"2.c": "11"}), student("105", 7, {"2.c": "11"}),
                student("106", 3, {"2.b": "=75"})]
    report = build_report(FAMILY_SPEC, students, variants=facts)
    pairs = {(row[0].split()[0], row[1].split()[0]): row for row in table_of(report, "Possible sharing").rows}
    assert set(pairs) == {("101", "102"), ("102", "103")}  # not 101-103, not the same variant
    assert pairs[("101", "102")][2:] == ("1", "1", "2.b: 75")  # 75 is right in variant 3
    assert "(variant 5)" in pairs[("101", "102")][1]


def test_many_students_with_one_wrong_value_are_listed_once(facts):
    students = [student(f"2{n:02d}", 1 + n % 24, {"2.a.1": "99 x 99"}) for n in range(20)]
    report = build_report(FAMILY_SPEC, students, variants=facts)
    sharing = next(s for s in report.sections if s.title == "Possible sharing")
    tables = [b for b in sharing.blocks if isinstance(b, Table)]
    assert len(tables) == 1 and len(tables[0].rows) == 1  # no 190 pairs
    row = tables[0].rows[0]
    assert row[0].startswith("2.a.1 ") and row[1:5] == ("99 x 99", "20", "20", "none in this class")


def test_a_variant_much_harder_on_one_item_is_flagged(facts):
    students = [student(f"3{n:02d}", 2, {"2.a.1": "13 x 13"}) for n in range(10)]
    students += [student(f"4{n:02d}", v, {}) for n, v in enumerate(
        [v for v in range(1, 25) if v != 2] * 2)]
    report = build_report(FAMILY_SPEC, students, variants=facts)
    rows = table_of(report, "Variants").rows
    assert rows[1][:4] == ("2", FAMILY_SPEC.family.variant(2).settings(), "10", "10")
    flagged = [b for b in next(s for s in report.sections if s.title == "Variants").blocks
               if isinstance(b, Table)][1].rows
    assert [(row[0].split()[0], row[1].split(":")[0], row[2], row[3]) for row in flagged] == [
        ("2.a.1", "2", "0% of 10", "100% of 46")]


def test_no_notable_difference_in_a_class_without_one(facts):
    students = [student(f"5{n:02d}", v, {"2.b": "75"} if n % 3 == 0 else {})
                for n, v in enumerate(list(range(1, 25)) * 3)]
    report = build_report(FAMILY_SPEC, students, variants=facts)
    variants = render_markdown(report).split("## Variants", 1)[1].split("\n## ", 1)[0]
    assert "None: no item has a variant" in variants


def test_family_sections_keep_student_text_inert(facts, tmp_path):
    students = [student("601", 1, {"2.b": "75"}, name=HOSTILE_NAME, written_for="'<b>9</b>'"),
                student("602", 5, {"2.b": "75"}, name="Bo")]
    report = build_report(FAMILY_SPEC, students, variants=facts)
    page = render_html(report)
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>9" not in page
    markdown = render_markdown(report)
    assert f"`601 {HOSTILE_NAME.replace('|', chr(92) + '|')} (variant 1)`" in markdown
    written = table_of(report, "Sheets written for another variant").rows
    assert written == (("601", HOSTILE_NAME, "variant 1", "'<b>9</b>'", "33"),)


def test_a_report_without_a_family_has_no_family_sections():
    report = build_report(load_spec(), [])
    titles = {s.title for s in report.sections}
    assert not titles & {"Variants", "Sheets written for another variant", "Possible sharing"}
