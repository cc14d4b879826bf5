"""Every student their own numbers: a spec's family, the draw from the
student's email, and grading against the submitter's variant."""
from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml

from autograder.assignment import sheet_templates
from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.prepared import load_or_prepare
from autograder.assignment.spec import (SpecError, every_variant, load_spec, spec_for_student,
                                        variant_spec)
from autograder.submission.submitter import (NotAnEmail, group_email, normalized_email,
                                             variant_index)
from conftest import ROOT

FAMILY = ROOT / "specs" / "hw3-per-student.yaml"


@pytest.fixture(scope="module")
def family_spec():
    return load_spec(FAMILY)


# ------------------------------------------------------------------ the draw

@pytest.mark.parametrize("text, email", [
    ("ada@school.edu", "ada@school.edu"),
    ("  Ada@School.EDU \n", "ada@school.edu"),
    ("a.b+c@x.y.z", "a.b+c@x.y.z"),
])
def test_emails_are_normalised_before_the_draw(text, email):
    assert normalized_email(text) == email


@pytest.mark.parametrize("text", ["", "   ", "ada", "@school.edu", "ada@", "a@b@c", "ada @school.edu",
                                  None, "x" * 250 + "@s.ed"])
def test_text_that_is_no_email_is_refused(text):
    with pytest.raises(NotAnEmail):
        normalized_email(text)


def test_the_draw_is_deterministic_case_blind_and_in_range():
    for count in (1, 2, 12, 24, 512):
        for n in range(50):
            email = f"student{n}@school.edu"
            index = variant_index("salt", email, count)
            assert 0 <= index < count
            assert variant_index("salt", email.upper(), count) == index


def test_the_salt_changes_the_draw():
    emails = [f"student{n}@school.edu" for n in range(200)]
    same = sum(variant_index("fall", e, 24) == variant_index("spring", e, 24) for e in emails)
    assert same < 30  # about 1 in 24 agree by chance


def test_the_draw_spreads_a_class_over_the_family():
    counts = Counter(variant_index("course", f"s{n}@school.edu", 24) for n in range(2400))
    assert len(counts) == 24
    assert 60 <= min(counts.values()) and max(counts.values()) <= 140  # mean 100


@pytest.mark.parametrize("emails, chosen", [
    (["bob@x.edu", "Ada@x.edu"], "ada@x.edu"),
    (["not an email", "carol@x.edu"], "carol@x.edu"),
    ([None, ""], None),
    ([], None),
])
def test_a_group_is_drawn_with_its_first_email(emails, chosen):
    assert group_email(emails) == chosen


def test_the_family_draws_what_the_shared_draw_says(family_spec):
    family = family_spec.family
    for n in range(100):
        email = f"student{n}@school.edu"
        assert family.variant_for(email).number == variant_index(family.salt, email, 24) + 1
        assert spec_for_student(family_spec, email).variant.number == family.variant_for(email).number


# ------------------------------------------------------------------ the spec

def test_the_example_family_has_24_variants_that_follow_their_numbers(family_spec):
    family = family_spec.family
    assert len(family.variants) == 24
    seven = variant_spec(family_spec, 7)
    assert seven.variant.settings() == "side 24, kernel 5, in_channels 3, stride 1"
    base = seven.configurations["base"]
    assert (base.height, base.kernel_h, base.in_channels, base.stride_h) == (24, 5, 3, 1)
    assert seven.configurations["doubled"].height == 48  # scale: 2 follows the side
    assert seven.configurations["extra_q2"] == family_spec.configurations["extra_q2"]
    assert "q2.g.multiplications_48.standard" in seven.answer_keys
    assert seven.digest != family_spec.digest != variant_spec(family_spec, 8).digest
    assert "variant 7 of 24" in seven.numbers and "input 24 x 24 x 3" in seven.numbers
    assert len(every_variant(family_spec)) == 25


def test_a_stride_two_variant_asks_the_uneven_padding_per_side(family_spec):
    six = variant_spec(family_spec, 6)  # side 24, kernel 5, stride 2: pads 1 before, 2 after
    assert "q2.a.padding.before" in six.answer_keys and "q2.a.padding" not in six.answer_keys


def test_a_variant_that_does_not_exist_is_a_spec_error(family_spec):
    with pytest.raises(SpecError, match="variants 1 to 24"):
        variant_spec(family_spec, 25)
    with pytest.raises(SpecError, match="no family"):
        variant_spec(load_spec(ROOT / "specs" / "hw3.yaml"), 1)


BASE = "extends: {parent}\n"


@pytest.mark.parametrize("addition, message", [
    ("family: {vary: {side: [24]}}", "needs a salt"),
    ("family: {salt: s, vary: {side: [24]}, seed: 3}", "unknown fields"),
    ("family: {salt: s, vary: {colour: [1, 2]}}", "cannot vary 'colour'"),
    ("family: {salt: s, vary: {side: []}}", "list of allowed values"),
    ("family: {salt: s, vary: {side: [24, 24]}}", "a value twice"),
    ("family: {salt: s, vary: {side: [24], height: [20]}}", "stands for it"),
    ("family: {salt: s, vary: {side: [24]}, group: random}", "group"),
    ("family: {salt: s, vary: {side: [24]}, configuration: nowhere}", "not defined"),
    ("family: {salt: s, vary: {side: [24, 28]}}\n"
     "configurations: {doubled: {from: base, side: 56}}", "fixes side.*scale"),
    ("family: {salt: s, vary: {side: [2, 28], padding: [VALID]}}", "variant 1 .*side 2.*does not fit"),
    ("family: {salt: s, vary: {side: [%s]}}" % ", ".join(str(n) for n in range(8, 600)), "at most"),
    ("configurations: {doubled: {from: base, scale: 0}}", "scale must be"),
    ("configurations: {doubled: {from: base, scale: 2, side: 50}}", "not both"),
    ("configurations: {lone: {scale: 2, side: 5, in_channels: 1, out_channels: 1, kernel: 3, "
     "stride: 1, padding: SAME}}", "scale needs from"),
])
def test_a_family_the_grader_cannot_use_is_refused_with_the_reason(tmp_path, addition, message):
    path = tmp_path / "course.yaml"
    path.write_text(BASE.format(parent=ROOT / "specs" / "hw3.yaml") + addition + "\n", encoding="utf-8")
    with pytest.raises(SpecError, match=message):
        load_spec(path)


def test_scale_follows_the_configuration_it_is_built_from(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text(BASE.format(parent=ROOT / "specs" / "hw3.yaml") +
                    "configurations:\n  base: {height: 20, width: 30, in_channels: 1, out_channels: 1,"
                    " kernel: 3, stride: 1, padding: SAME}\n", encoding="utf-8")
    doubled = load_spec(path).configurations["doubled_twice"]
    assert (doubled.height, doubled.width) == (80, 120)


# ------------------------------------------------------------------ grading

def _email_of_variant(spec, number: int) -> str:
    return next(e for e in (f"student{n}@school.edu" for n in range(10_000))
                if spec.family.variant_for(e).number == number)


def _solved(spec) -> str:
    return sheet_templates.solved(spec, load_or_prepare(spec))


@pytest.fixture(scope="module")
def two_students(family_spec):
    """Two students whose variants differ in kernel only (same keys)."""
    first, second = variant_spec(family_spec, 9), variant_spec(family_spec, 13)  # 28, kernel 3 / 5
    return [(spec, _email_of_variant(family_spec, spec.variant.number), _solved(spec))
            for spec in (first, second)]


def test_each_student_gets_full_marks_on_their_own_numbers_only(grade, two_students):
    (_, ada, ada_sheet), (_, bob, bob_sheet) = two_students
    own = grade(ada_sheet, spec=FAMILY, options=("--student", ada))
    assert own.score == own.max_score > 30, own.lost()
    assert own.data["extra_data"]["variant"] == 9
    neighbours = grade({**yaml.safe_load(bob_sheet), VARIANT_KEY: "13"}, spec=FAMILY,
                       options=("--student", ada))
    output = neighbours.data["output"]
    assert "This sheet was written for variant 13, not for your numbers" in output
    assert neighbours.score == 0
    assert set(neighbours.data["extra_data"]["outcomes"].values()) <= {"other variant", "answered"}
    assert all("another student's numbers" in t["output"] for t in neighbours.data["tests"]
               if t["max_score"] > 0)


def test_a_family_may_grade_other_variant_sheets_on_their_merits(grade, tmp_path, two_students):
    (_, ada, _), (_, _, bob_sheet) = two_students
    course = tmp_path / "course.yaml"
    course.write_text(FAMILY.read_text(encoding="utf-8").replace("extends: hw3.yaml", f"extends: {ROOT / 'specs' / 'hw3.yaml'}")
                      .replace("  vary:", "  other_variant_sheets: graded\n  vary:"), encoding="utf-8")
    graded = grade({**yaml.safe_load(bob_sheet), VARIANT_KEY: "13"}, spec=course,
                   options=("--student", ada))
    assert "graded against your own numbers" in graded.data["output"]
    lost = {t["number"] for t in graded.data["tests"] if t["score"] < t["max_score"]}
    assert {"2.a.2", "2.c", "2.e.1"} <= lost  # counts that depend on the kernel
    assert graded.tests["2.a.1"]["score"] == 1  # 28 x 28 with SAME, whatever the kernel


def test_metadata_decides_the_variant_and_a_group_uses_its_first_email(grade, tmp_path, two_students):
    (_, ada, ada_sheet), (_, bob, _) = two_students
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"id": 1, "created_at": "2026-12-01T10:00:00",
                                    "users": [{"email": "zzz" + bob, "id": 2},
                                              {"email": ada.upper(), "id": 3}]}))
    graded = grade(ada_sheet, spec=FAMILY, options=("--metadata", str(metadata)))
    assert graded.data["extra_data"]["variant"] == 9
    assert graded.score == graded.max_score


def test_without_a_student_the_base_configuration_is_used_and_said(grade, family_spec):
    graded = grade(_solved(family_spec), spec=FAMILY)
    assert graded.score == graded.max_score
    assert graded.data["extra_data"]["variant"] is None
    assert "graded with the spec's base configuration" in graded.data["output"]


def test_a_blank_template_tells_the_student_their_numbers(grade, family_spec):
    ada = _email_of_variant(family_spec, 7)
    graded = grade(sheet_templates.template(family_spec), spec=FAMILY, options=("--student", ada))
    assert "**Your numbers:** input 24 x 24 x 3, kernel 5 x 5" in graded.data["output"]
    assert graded.score == 0
    unreadable = grade(b"\xff\xfe not yaml", spec=FAMILY, options=("--student", ada))
    assert "Your numbers:" in unreadable.data["output"]


def test_the_recorded_variant_key_is_not_a_typo(grade, two_students):
    (spec, ada, ada_sheet), _ = two_students
    sheet = yaml.safe_load(ada_sheet)
    sheet[VARIANT_KEY] = "9"
    graded = grade(sheet, spec=FAMILY, options=("--student", ada))
    assert graded.score == graded.max_score
    assert "typo" not in graded.data["output"] and "written for" not in graded.data["output"]


def test_a_student_option_that_is_no_email_is_a_usage_error(tmp_path, capsys):
    from autograder.gradescope import run

    with pytest.raises(SystemExit) as exit_:
        run.main(["--submission", str(tmp_path), "--spec", str(FAMILY), "--student", "ada"])
    assert exit_.value.code == 2
    assert "is not an email address" in capsys.readouterr().err


# ------------------------------------------------------------------ build

def test_the_build_refuses_a_family_with_a_contradicted_variant_and_names_it(tmp_path, monkeypatch):
    from autograder.build import artifacts

    contradicted = {"verification": {"contradicted": ["3x3 weights: formula 9, simulation 10"]}}

    def prepared(variant):
        bad = variant.variant is not None and variant.variant.number == 5
        return type("Prepared", (), contradicted if bad else {"verification": {"contradicted": []}})

    monkeypatch.setattr("autograder.assignment.prepared.load_or_prepare", prepared)
    with pytest.raises(artifacts.BuildError, match=r"variant 5 \(side 24, kernel 5, in_channels 1, "
                                                   r"stride 1\).*formula 9, simulation 10"):
        artifacts.build_autograder_zip(FAMILY, tmp_path / "autograder.zip", log=lambda line: None)
    assert not (tmp_path / "autograder.zip").exists()
    lines = []
    monkeypatch.setattr("autograder.assignment.prepared.load_or_prepare",
                        lambda variant: type("Prepared", (), {"verification": {"contradicted": []}}))
    artifacts.build_autograder_zip(FAMILY, tmp_path / "autograder.zip", log=lines.append)
    assert (tmp_path / "autograder.zip").is_file()
    assert lines and "all 24 variants" in lines[0]
