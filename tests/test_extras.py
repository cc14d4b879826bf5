"""The Extra Questions are "not worth any extra credit" (homework text): they
are graded and their feedback shown, at 0 points, with Gradescope's status
saying whether each was right. A spec field, `for_credit`, says so, and an
instructor who wants credit sets it true (and hides the total while they
are hidden)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml

from autograder.course import answer_key
from autograder.grading.pipeline import build_results, grade_sheet
from autograder.assignment.prepared import load_or_prepare
from autograder.gradescope.results import to_json_dict, write_results
from autograder.submission.sheet import read_submission
from autograder.assignment.spec import DEFAULT_SPEC, SpecError, load_spec
from conftest import ROOT, SOLVED, set_answer, solved_answers
from results_schema import validate_results_file

EXTRAS = {"extra.q2.a": "E2.a", "extra.q2.b": "E2.b", "extra.q2.c.iii.cifar10": "E2.c.3",
          "extra.q2.c.iii.cifar100": "E2.c.4"}


@pytest.fixture(scope="module")
def spec():
    return load_spec(DEFAULT_SPEC)


def test_the_extras_are_marked_not_for_credit_in_the_spec(spec):
    for key in EXTRAS:
        item = spec.item(key)
        assert not item.for_credit and item.points == 1 and item.max_score == 0
    credited = [i for i in spec.items if i.tested and not i.key.startswith("extra.")]
    assert all(i.for_credit and i.max_score == i.points for i in credited)
    assert spec.max_score == sum(i.points for i in credited) == 34


def test_right_extras_pass_at_zero_points_outside_the_total(grade):
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    for number in EXTRAS.values():
        test = graded.tests[number]
        assert (test["score"], test["max_score"], test["status"]) == (0, 0, "passed")
        assert "Not for credit" in test["output"] and "Correct" in test["output"]
        assert test["tags"][2:] == ["not for credit"]
    assert graded.score == graded.max_score == 34
    assert "Total: 34/34" in graded.stdout
    assert "correct (not for credit)" in graded.stdout
    assert "add nothing to the total" in graded.data["output"]


@pytest.mark.parametrize("key, answer, outcome", [
    ("extra.q2.a", "36", "bias_missing"),       # partial credit were it for credit: still failed
    ("extra.q2.b", "5534256", "same_padding_extra"),
    ("extra.q2.c.iii.cifar10", "8x8", "swapped_datasets"),
    ("extra.q2.c.iii.cifar100", "", "missing"),
])
def test_wrong_or_blank_extras_fail_and_cost_nothing(grade, key, answer, outcome):
    graded = grade(set_answer(solved_answers(), key, answer))
    test = graded.tests[EXTRAS[key]]
    assert (test["score"], test["max_score"], test["status"]) == (0, 0, "failed")
    assert graded.outcome(key) == outcome
    assert graded.score == graded.max_score == 34


def test_an_unreadable_sheet_still_totals_without_the_extras(grade):
    graded = grade(b"\xff\xfe\x00bad", name="answers.yaml")
    assert graded.max_score == 34
    assert all(graded.tests[n]["max_score"] == 0 for n in EXTRAS.values())


def test_the_answer_key_marks_the_extras_not_for_credit(spec):
    key = answer_key.render(spec)
    assert "Total 34 points; not for credit (graded and shown, 0 points): E2.a, E2.b, E2.c.3, E2.c.4." in key
    for number in EXTRAS.values():
        row = next(line for line in key.splitlines() if line.startswith(f"| {number} |"))
        assert "0 (not for credit; 1 if it were)" in row


# ---------------------------------------------------------------------------
# An instructor who wants the extras for credit


def for_credit_spec(tmp_path: Path, extra_text: str = "") -> Path:
    text = (ROOT / "specs" / "hw3.yaml").read_text(encoding="utf-8")
    marked = "\n    for_credit: false"
    assert text.count(marked) == 3  # E2.a, E2.b and the cutout anchor E2.c.3/E2.c.4
    path = tmp_path / "hw3-extras-for-credit.yaml"
    path.write_text(text.replace(marked, "\n    for_credit: true") + extra_text, encoding="utf-8")
    return path


def test_extras_for_credit_while_hidden_under_a_visible_total_are_refused(tmp_path):
    with pytest.raises(SpecError) as error:
        load_spec(for_credit_spec(tmp_path))
    message = str(error.value)
    for key in EXTRAS:
        assert f"{key} (after_published)" in message
    assert "total_visibility: after_published" in message


def test_extras_for_credit_with_the_total_hidden_count_and_hide_the_total(tmp_path, spec):
    text = for_credit_spec(tmp_path).read_text(encoding="utf-8").replace(
        "total_visibility: visible", "total_visibility: after_published")
    path = tmp_path / "hidden-total.yaml"
    path.write_text(text, encoding="utf-8")
    credited = load_spec(path)
    assert credited.max_score == 38 and credited.total_visibility == "after_published"
    # Same items and references as hw3.yaml: grade with its proved references.
    prepared = load_or_prepare(spec)
    sheet = read_submission(SOLVED)
    grades, context = grade_sheet(credited, prepared, sheet)
    results = build_results(credited, prepared, sheet, grades, context, execution_time=0.1)
    document = to_json_dict(results)
    assert document["visibility"] == "after_published"
    assert document["stdout_visibility"] == "hidden"
    assert document["score"] == 38
    extras = [t for t in document["tests"] if t["number"] in EXTRAS.values()]
    assert [(t["score"], t["max_score"], t["status"], t["visibility"]) for t in extras] == [
        (1, 1, "passed", "after_published")] * 4
    written = tmp_path / "results.json"
    write_results(results, written)
    validate_results_file(written)


def test_a_not_for_credit_item_keeps_its_points_for_when_it_is(spec):
    item = spec.item("extra.q2.a")
    assert dataclasses.replace(item, for_credit=True).max_score == item.points == 1
