"""A new term's variant is a new spec, not new code: the template, the solved
sample, the answer key and the grading all follow the spec."""
from __future__ import annotations

import pytest
import yaml

from autograder.course import answer_key
from autograder.assignment import sheet_templates as sheets
from autograder.assignment.prepared import load_or_prepare
from autograder.assignment.spec import DEFAULT_SPEC, SpecError, load_spec
from conftest import ROOT, set_answer

VARIANT = ROOT / "specs" / "variant-32x32.yaml"
VARIANT_SOLVED = ROOT / "examples" / "variant-32x32" / "answers.yaml"


@pytest.fixture(scope="module")
def variant():
    return load_spec(VARIANT)


def test_the_committed_template_is_the_one_the_spec_writes():
    committed = (ROOT / "student_template" / "answers.yaml").read_text(encoding="utf-8")
    assert committed == sheets.template(load_spec(DEFAULT_SPEC)), (
        "regenerate it: python -m autograder.assignment.sheet_templates template --output student_template/answers.yaml")


def test_the_variant_renames_keys_and_words_by_its_sizes(variant):
    keys = variant.answer_keys
    assert "q2.g.multiplications_64.standard" in keys
    assert "q2.g.jacobian_128.fully_connected" in keys
    assert not any("_56" in key or "_112" in key for key in keys)
    item = variant.item("q2.g.multiplications_64.standard")
    assert "64x64" in item.name
    text = sheets.template(variant)
    assert "64 x 64" in text and "56" not in text
    assert variant.configurations["base"].kernel_h == 5


def test_the_variant_answer_key_follows_its_configuration(variant):
    key = answer_key.render(variant)
    assert "32×32×3" in key and "16×16×4" in key
    assert "padding top/bottom 1/2" in key  # stride 2, kernel 5: TF puts the odd pixel after


def test_the_committed_variant_sample_is_the_one_the_spec_writes(variant):
    assert VARIANT_SOLVED.read_text(encoding="utf-8") == sheets.solved(variant, load_or_prepare(variant))


def test_the_variant_sample_grades_with_full_marks(grade, variant):
    graded = grade(VARIANT_SOLVED.read_text(encoding="utf-8"), spec=VARIANT)
    assert graded.score == graded.max_score > 30, graded.lost()
    references = graded.data["extra_data"]["references"]
    assert references["contradicted"] == []
    assert references["values_verified"] == references["values_checked"]


def test_a_mistake_on_the_variant_is_recognised(grade, variant):
    sheet = yaml.safe_load(VARIANT_SOLVED.read_text(encoding="utf-8"))
    set_answer(sheet, "q2.a.output_size", "14 x 14")  # VALID: floor((32-5)/2)+1
    graded = grade(sheet, spec=VARIANT)
    assert set(graded.lost()) == {"2.a.1"}
    assert graded.outcome("q2.a.output_size") == "valid_padding"


def test_a_spec_can_only_extend_what_exists(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("extends: missing.yaml\n")
    with pytest.raises(SpecError, match="cannot read"):
        load_spec(broken)
    looping = tmp_path / "loop.yaml"
    looping.write_text("extends: loop.yaml\n")
    with pytest.raises(SpecError, match="too many levels"):
        load_spec(looping)


def test_the_answer_key_states_the_homework_speed_ups():
    key = answer_key.render(load_spec(DEFAULT_SPEC))
    assert "784/9 ≈ 87.1×" in key
    assert "614656/9 ≈ 68,295.1×" in key
    assert "O(N^4/k^2)" in key
