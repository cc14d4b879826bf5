"""The ratio kind end to end: what `ratio.parse` keeps of an answer, and the
verdict `ratio.grade` gives against the hw3 spec's proved speed-up
references, word for word (a number, a:b, and a growth rate)."""
from __future__ import annotations

from fractions import Fraction

import pytest

from autograder.answers import ratio
from autograder.answers.errors import HedgedAnswer, ParseError
from autograder.answers.verdict import Letters, Outcome, Reference
from autograder.assignment.prepared import load_or_prepare
from autograder.assignment.spec import load_spec

FORWARD_FC = "q2.h.forward_vs_fully_connected"      # 784/9, growing like N^2 / k^2
FORWARD_NWS = "q2.h.forward_vs_non_weight_sharing"  # 1, not growing
SIDE = Letters(variable="side", declared=True, other_fits_better=False, note="")


@pytest.fixture(scope="module")
def reference_of():
    spec = load_spec()
    prepared = load_or_prepare(spec)
    items = {item.key: item for item in spec.items}

    def reference(key: str, letters: Letters = SIDE) -> Reference:
        return Reference.of(items[key], prepared.item(key), letters, spec.big_o_policy)

    return reference


def _graded(reference_of, key: str, text: str):
    reference = reference_of(key)
    return ratio.grade(ratio.parse(text), reference), reference


# -- parse: what a reading keeps ----------------------------------------------

@pytest.mark.parametrize("text, value, shown, approximate, remark, digits, colon", [
    ("same", 1, "1 (the same)", False, "same", None, False),
    ("same, 1x faster", 1, "1 (the same)", False, "same, 1x faster", None, False),
    ("400:7", Fraction(400, 7), "400 : 7", False, "", None, True),
    ("57.1 : 1", Fraction("57.1"), "57.1 : 1", True, "", 3, True),   # the 57.1's precision
    ("57.1 : 2", Fraction("28.55"), "57.1 : 2", True, "", None, True),  # any other a:b is exact
    ("~57 : 1", 57, "57 : 1", True, "", 2, True),
    ("400 : 7.5", Fraction(160, 3), "400 : 7.5", True, "", None, True),
    ("400 : 7 (rounded)", Fraction(400, 7), "400 : 7", False, "(rounded)", None, True),
    ("(28*28):(3*3)", Fraction(784, 9), "28*28 = 784 : 3*3 = 9", False, "", None, True),
    ("[784]:[9]", Fraction(784, 9), "784 : 9", False, "", None, True),
    ("784:(3*3)", Fraction(784, 9), "784 : 3*3 = 9", False, "", None, True),
    ("784:[9]", Fraction(784, 9), "784 : 9", False, "", None, True),
    ("57x", 57, "57", False, "x", 2, False),
    ("x57", 57, "57", False, "", 2, False),
    ("57x (400/7)", 57, "57", False, "(400/7)", 2, False),
])
def test_a_reading_keeps_the_value_its_form_and_its_precision(text, value, shown, approximate,
                                                              remark, digits, colon):
    reading = ratio.parse(text)
    number = reading.number
    assert (number.value, number.shown, number.approximate, number.remark,
            number.significant_digits, reading.written_as_colon, reading.growth) == \
        (value, shown, approximate, remark, digits, colon, None)


def test_working_that_does_not_add_up_before_a_colon_is_kept():
    reading = ratio.parse("6*7 = 43 : 1")
    assert reading.written_as_colon and reading.number.value == 43
    assert "'6*7 = 43' does not hold" in reading.number.work_disagrees


def test_a_growth_rate_is_read_as_one():
    reading = ratio.parse("O(N^2)")
    assert (reading.number, reading.written_as_colon, reading.growth.shown) == (None, False, "O(N^2)")


@pytest.mark.parametrize("text, message, hint", [
    ("400:0", "could not read '400:0' as a ratio: the second number of the ratio is 0", None),
    ("", "no answer", "write a ratio here"),
    ("57 x (300/7)", "'57 x (300/7)' reads two ways: 57 times, with (300/7) as working that does "
                     "not agree with it, or the product of 57 and (300/7); it is graded as neither",
     "give the one number you mean"),
    ("57x (400/7 foo)", "could not read '57x (400/7 foo)' as a number: expected ')' after "
                        "'57x (400/7' but found the word 'foo'", None),
])
def test_a_refusal_says_exactly_what_was_not_read(text, message, hint):
    with pytest.raises(ParseError) as caught:
        ratio.parse(text)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert isinstance(caught.value, HedgedAnswer) == ("two ways" in message)


# -- grade: a number, a:b -------------------------------------------------------

def test_a_colon_ratio_that_earns_credit_says_how_it_was_read(reference_of):
    verdict, _ = _graded(reference_of, FORWARD_FC, "784:9")
    assert (verdict.credit, verdict.outcome) == (1.0, Outcome.CORRECT)
    assert verdict.read == "read as the ratio 784 : 9, that is 87.11 (exactly 784/9)"
    assert verdict.feedback == "Correct. Compared exactly, as written. Read a:b as a divided by b."


def test_a_colon_ratio_without_credit_gets_no_note_on_colons(reference_of):
    verdict, reference = _graded(reference_of, FORWARD_FC, "700:9")
    assert (verdict.credit, verdict.outcome) == (0.0, Outcome.WRONG)
    assert verdict.feedback == f"Not correct. Compared exactly, as written. {reference.item.hint}"


def test_working_that_does_not_add_up_is_pointed_out_with_the_precision_rule(reference_of):
    verdict, _ = _graded(reference_of, FORWARD_FC, "784/9 = 88")
    assert verdict.read == "read as the number 88"
    assert verdict.outcome is Outcome.WRONG
    assert "Judged to the 2 significant digits you wrote. Check your working: the work shown " \
           "does not add up" in verdict.feedback


# -- grade: a growth rate -------------------------------------------------------

def _in_the_side(shown: str) -> str:
    """How a growth rate read in the sheet's side variable is described."""
    return f"read as {shown}, with N = the image side (N for an N x N image)"


@pytest.mark.parametrize("text, credit, outcome, read, feedback", [
    ("N^2/k^2", 1.0, Outcome.CORRECT, _in_the_side("N^2 k^-2"),
     "Correct: this is how the ratio grows."),
    ("O(N^2)", 1.0, Outcome.CORRECT, _in_the_side("O(N^2)"),
     "Correct: this is how the ratio grows."),
    ("N^2 k^2", 0.5, Outcome.KERNEL_MISMATCH, _in_the_side("N^2 k^2"),
     "Partly right: the growth in the input size is right, but the power of the kernel side k "
     "is not."),
    ("N^4", 0.0, Outcome.WRONG, _in_the_side("N^4"),
     "Not correct: the ratio grows more slowly than this. {hint}"),
    ("N", 0.0, Outcome.WRONG, _in_the_side("N"),
     "Not correct: the ratio grows faster than this. {hint}"),
    ("Ω(N^2)", 0.0, Outcome.NOTATION, _in_the_side("Ω(N^2)"),
     "Give how the ratio grows (O or Θ), not a lower or strict bound."),
    ("ω(N^2)", 0.0, Outcome.NOTATION, _in_the_side("ω(N^2)"),
     "Give how the ratio grows (O or Θ), not a lower or strict bound."),
    ("o(N^2)", 0.0, Outcome.NOTATION, _in_the_side("o(N^2)"),
     "Give how the ratio grows (O or Θ), not a lower or strict bound."),
    ("Θ(N^2)", 1.0, Outcome.CORRECT, _in_the_side("Θ(N^2)"),
     "Correct: this is how the ratio grows."),
])
def test_a_growth_rate_is_judged_by_how_the_ratio_grows(reference_of, text, credit, outcome, read,
                                                        feedback):
    verdict, reference = _graded(reference_of, FORWARD_FC, text)
    assert (verdict.credit, verdict.outcome, verdict.read, verdict.feedback) == \
        (credit, outcome, read, feedback.format(hint=reference.item.hint))


def test_a_growth_rate_is_read_in_the_sheets_own_variable(reference_of):
    pixels = Letters(variable="pixels", declared=True, other_fits_better=False, note="")
    verdict = ratio.grade(ratio.parse("n"), reference_of(FORWARD_FC, pixels))
    assert (verdict.credit, verdict.outcome) == (1.0, Outcome.CORRECT)
    assert verdict.read == "read as n, with n = the number of pixels (n = N x N)"


def test_a_ratio_that_does_not_grow_is_a_constant(reference_of):
    verdict, reference = _graded(reference_of, FORWARD_NWS, "O(1)")
    assert (verdict.credit, verdict.outcome) == (1.0, Outcome.CORRECT)
    verdict, reference = _graded(reference_of, FORWARD_NWS, "N^2")
    assert verdict.feedback == f"Not correct: the ratio grows more slowly than this. {reference.item.hint}"


# -- the ratio and how it grows, both said ---------------------------------------

@pytest.mark.parametrize("key, text, credit, outcome", [
    (FORWARD_FC, "784/9 ≈ 87.1 (grows as O(N^2/k^2))", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "87x faster, growing as N^2/k^2", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "87x - grows as O(N^2/k^2)", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "x87 (O(N^2/k^2))", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "87.1 [O(N^2/k^2)]", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "87.1 ( O(N^2/k^2) )", 1.0, Outcome.CORRECT),
    (FORWARD_FC, "87.1 (O(N^2))", 1.0, Outcome.CORRECT),          # k's power may be left out
    (FORWARD_NWS, "1 (O(1))", 1.0, Outcome.CORRECT),
    (FORWARD_NWS, "1(O(1))", 1.0, Outcome.CORRECT),
    (FORWARD_NWS, "1x, grows as O(1)", 1.0, Outcome.CORRECT),
    # each part must be right: the answer gets the lesser credit
    (FORWARD_FC, "87.1 (O(N^4))", 0.0, Outcome.WRONG),            # the growth is wrong
    (FORWARD_FC, "90 (O(N^2/k^2))", 0.0, Outcome.WRONG),          # the number, too coarse
    (FORWARD_NWS, "784 (O(1))", 0.0, Outcome.MISTAKE),            # the backward ratio
    (FORWARD_FC, "87.1 (O(N^2 k))", 0.5, Outcome.KERNEL_MISMATCH),
])
def test_a_ratio_with_its_growth_is_right_only_when_both_are(reference_of, key, text, credit,
                                                              outcome):
    reading = ratio.parse(text)
    assert reading.number is not None and reading.growth is not None
    assert reading.written_as_colon is False
    verdict, _ = _graded(reference_of, key, text)
    assert (verdict.credit, verdict.outcome) == (credit, outcome), verdict
    assert verdict.read.startswith("read as the number") and ", and read as " in verdict.read
    assert verdict.feedback.startswith("The ratio: ") and " How it grows: " in verdict.feedback


@pytest.mark.parametrize("text, words", [
    ("O(1) and 784", "the part 'and 784' is a number, not a growth rate"),   # growth first, then a number
    ("784 and O(1)", "'and' in 'and' after the number was not understood"),
    ("87.1 (O(N^2)", "the '(' is never closed"),
    ("87.1 [O(N^2))", "a bracket in '87.1 [' is never closed"),   # brackets that do not pair
    ("87.1 (O(N^2)]", "a bracket in '87.1 (' is never closed"),
])
def test_a_ratio_and_growth_that_do_not_read_are_refused(text, words):
    with pytest.raises(ParseError) as caught:
        ratio.parse(text)
    assert words in caught.value.message
