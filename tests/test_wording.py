"""One wording for every item: the students' self-check describes how each
answer is read in the very words the grader's feedback uses (both take it
from autograder/answers/descriptions.py and the item's `one_number_means`), and the sheet
asks what the configuration has (one padding number, or one per side)."""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
import yaml

from autograder.build import artifacts as build
from autograder.assignment import sheet_templates as sheets
from autograder.grading.pipeline import grade_sheet
from autograder.answers import big_o
from autograder.assignment.prepared import load_or_prepare
from autograder.submission.sheet import read_submission
from autograder.assignment.spec import DEFAULT_SPEC, load_spec
from conftest import ROOT, set_answer

EVEN_KERNEL = ROOT / "specs" / "variant-even-kernel.yaml"
EVEN_KERNEL_SOLVED = ROOT / "examples" / "variant-even-kernel" / "answers.yaml"
SPECS = {"hw3": (DEFAULT_SPEC, ROOT / "examples" / "solved" / "answers.yaml"),
         "even kernel": (EVEN_KERNEL, EVEN_KERNEL_SOLVED)}


def self_check():
    """student_template/check.py as a module (in the repository it reads the spec)."""
    loader = importlib.util.spec_from_file_location("check", ROOT / "student_template" / "check.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module


def one_number_answers(spec, prepared, answers: dict) -> dict:
    """The solved sheet with every shape item that reads one number answered
    by one number: the entry count, or the side of the square."""
    for item in spec.items:
        entry = prepared.item(item.key)
        if item.kind != "shape" or entry is None or not item.one_number_means:
            continue
        dims = [int(d) for d in next(c for c in entry.candidates if c.is_reference).value]
        value = math.prod(dims) if item.one_number_means == "entries" else dims[0]
        set_answer(answers, item.key, str(value))
    return answers


@pytest.mark.parametrize("name", list(SPECS))
@pytest.mark.parametrize("one_number", [False, True], ids=["as solved", "one number"])
def test_the_self_check_reads_every_answer_in_the_graders_words(tmp_path, name, one_number):
    spec_path, solved = SPECS[name]
    spec = load_spec(spec_path)
    prepared = load_or_prepare(spec)
    answers = yaml.safe_load(solved.read_text(encoding="utf-8"))
    if one_number:
        answers = one_number_answers(spec, prepared, answers)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    sheet = read_submission(path)
    grades, _ = grade_sheet(spec, prepared, sheet)
    check = self_check()
    manifest = {item["key"]: item for item in build.item_manifest(spec)["items"]}
    variable = big_o.parse_variable(sheet.get(spec.variable_key))
    compared = 0
    for graded in grades:
        item = graded.item
        if item.kind not in check.READERS:
            continue
        outcome, text = check.read_answer(item.kind, graded.answer, variable,
                                          manifest[item.key].get("one_number_means", ""))
        assert outcome == "read", (item.key, text)
        assert text == graded.verdict.read, item.key
        compared += 1
    assert compared > 30
    if one_number:
        jacobian = next(g for g in grades if g.item.key == "q2.f.standard")
        assert jacobian.verdict.read.startswith("read as the number of entries")
        assert "one dimension" not in jacobian.verdict.read


# ---------------------------------------------------------------------------
# A configuration that pads unevenly asks for each side


@pytest.fixture(scope="module")
def even_kernel():
    return load_spec(EVEN_KERNEL)


def test_the_even_kernel_template_asks_before_and_after(even_kernel):
    text = sheets.template(even_kernel)
    lines = text.splitlines()
    block = lines[next(i for i, line in enumerate(lines) if line.strip().startswith("padding:")):][:3]
    assert "give each side" in block[0]
    assert block[1].strip().startswith("before:") and "before the image (top and left)" in block[1]
    assert block[2].strip().startswith("after:") and "after the image (bottom and right)" in block[2]
    assert "EACH side" not in text
    assert "padding on each side" not in text.lower()


def test_the_even_kernel_sample_is_the_one_the_spec_writes(even_kernel):
    assert EVEN_KERNEL_SOLVED.read_text(encoding="utf-8") == sheets.solved(
        even_kernel, load_or_prepare(even_kernel))


def test_the_even_kernel_sample_gets_full_marks(grade):
    graded = grade(EVEN_KERNEL_SOLVED.read_text(encoding="utf-8"), spec=EVEN_KERNEL)
    assert graded.score == graded.max_score == 34, graded.lost()
    assert (graded.tests["2.a.2.1"]["max_score"], graded.tests["2.a.2.2"]["max_score"]) == (0.5, 0.5)
    references = graded.data["extra_data"]["references"]
    assert references["contradicted"] == [] and references["values_verified"] == references["values_checked"]


@pytest.mark.parametrize("before, after, outcomes", [
    ("2", "1", ("padding_other_side", "padding_other_side")),
    ("3", "3", ("padding_total", "padding_total")),
    ("0", "0", ("valid_padding", "valid_padding")),
    ("1", "1", ("correct", "padding_other_side")),
])
def test_a_wrong_side_is_recognised(grade, before, after, outcomes):
    answers = yaml.safe_load(EVEN_KERNEL_SOLVED.read_text(encoding="utf-8"))
    answers["q2"]["a"]["padding"] = {"before": before, "after": after}
    graded = grade(answers, spec=EVEN_KERNEL)
    assert (graded.outcome("q2.a.padding.before"), graded.outcome("q2.a.padding.after")) == outcomes
    assert graded.score == 34 - 0.5 * sum(o != "correct" for o in outcomes)


def test_one_padding_number_on_an_uneven_layer_is_not_taken_for_either_side(grade):
    answers = yaml.safe_load(EVEN_KERNEL_SOLVED.read_text(encoding="utf-8"))
    answers["q2"]["a"]["padding"] = "1"
    graded = grade(answers, spec=EVEN_KERNEL)
    assert graded.outcome("q2.a.padding.before") == graded.outcome("q2.a.padding.after") == "missing"
    assert graded.score == 33


def test_the_even_kernel_answer_key_shows_both_sides(even_kernel):
    from autograder.course import answer_key

    key = answer_key.render(even_kernel)
    assert "padding top/bottom 1/2" in key
    assert "`q2.a.padding.before`" in key and "`q2.a.padding.after`" in key
