"""The answer key of a spec with a family: one variant's key (by number or
by a student's email), a table of every variant, and a base key that says
it is not a student's."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.assignment.spec import load_spec, variant_spec
from autograder.course import answer_key

ROOT = Path(__file__).resolve().parent.parent
FAMILY_SPEC_PATH = ROOT / "specs" / "hw3-per-student.yaml"
FAMILY_SPEC = load_spec(FAMILY_SPEC_PATH)


def key(capsys, *argv: str) -> tuple[int, str, str]:
    code = answer_key.main(["--spec", str(FAMILY_SPEC_PATH), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def table() -> str:
    return answer_key.variants_table(FAMILY_SPEC)


def table_rows(table: str) -> tuple[list[str], dict[int, list[str]]]:
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = {int(cells[0]): cells for cells in
            ([cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:])}
    return header, rows


@pytest.mark.parametrize("number", [1, 7, 24])
def test_one_variant_s_key_is_that_variant_s(capsys, number):
    code, out, _ = key(capsys, "--variant", str(number))
    variant = FAMILY_SPEC.family.variant(number)
    assert code == 0
    assert out == answer_key.render(variant_spec(FAMILY_SPEC, number))
    assert f"**Variant {number} of 24:** {variant.settings()}" in out
    side = dict(variant.values)["side"]
    assert f"| base | {side}×{side}×" in out
    assert "base configuration's key" not in out


def test_a_student_s_key_is_the_variant_their_email_draws(capsys):
    code, out, err = key(capsys, "--student", " Ada@School.edu ")
    drawn = FAMILY_SPEC.family.variant_for("ada@school.edu")
    assert code == 0 and f"ada@school.edu draws {drawn.label}" in err
    assert out == key(capsys, "--variant", str(drawn.number))[1]


def test_the_base_key_says_whose_it_is_and_how_to_get_a_student_s(capsys):
    code, out, _ = key(capsys)
    assert code == 0
    assert "**The base configuration's key, not a student's.**" in out
    assert "24 variants" in out and "--student EMAIL" in out and "--variants" in out


def test_the_table_has_one_row_per_variant_with_its_settings(table):
    header, rows = table_rows(table)
    assert header[:5] == ["variant", "side", "kernel", "in_channels", "stride"]
    assert sorted(rows) == list(range(1, 25))
    for number, cells in rows.items():
        values = dict(FAMILY_SPEC.family.variant(number).values)
        assert cells[1:5] == [str(values[name]) for name in header[1:5]]


def test_the_table_s_references_are_each_variant_s_key(table):
    header, rows = table_rows(table)
    for number in (1, 2, 13, 24):
        variant = variant_spec(FAMILY_SPEC, number)
        single = answer_key.render(variant)
        for item in variant.items:
            if item.graded and item.number in header:
                cell = rows[number][header.index(item.number)]
                assert re.search(rf"\| {re.escape(item.number)} \| `{re.escape(item.key)}` \| "
                                 rf"[^|]+ \| {re.escape(cell)}[ |(]", single), (number, item.key)


def test_items_only_some_variants_ask_are_blank_in_the_others(table):
    header, rows = table_rows(table)
    assert header.index("2.a.2") < header.index("2.a.2.1") < header.index("2.a.2.2")
    for number, cells in rows.items():
        stride = dict(FAMILY_SPEC.family.variant(number).values)["stride"]
        per_side = cells[header.index("2.a.2.1")]
        assert (per_side == "—") == (stride == 1), number
        assert (cells[header.index("2.a.2")] == "—") == (stride == 2), number


def test_references_every_variant_shares_are_listed_once(table):
    header, _ = table_rows(table)
    shared = next(line for line in table.splitlines() if line.startswith("The same in every"))
    assert "2.g.13 O(N^2 k^2)" in shared and "2.g.13" not in header
    assert "2.a.1" not in shared  # the output size follows the side and the stride


@pytest.mark.parametrize("argv, message", [
    (["--variant", "25"], "there is no variant 25"),
    (["--student", "ada at school"], "is not an email address"),
    (["--variant", "2", "--variants"], "not allowed with"),
])
def test_asking_for_what_the_family_does_not_have_is_a_usage_error(capsys, argv, message):
    with pytest.raises(SystemExit) as stopped:
        key(capsys, *argv)
    assert stopped.value.code == 2 and message in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--variant", "1"], ["--variants"]])
def test_a_spec_without_a_family_has_no_variants(capsys, argv):
    with pytest.raises(SystemExit) as stopped:
        answer_key.main(argv)
    assert stopped.value.code == 2 and "has no family" in capsys.readouterr().err
