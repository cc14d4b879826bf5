"""The parse step of every answer kind: right answers in many notations,
errors that say what was read, hostile input refused fast, and property
tests that any text gives a reading or a ParseError, never anything else."""
from __future__ import annotations

import math
import os
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autograder.answers import big_o, expression_tokens, number, ratio, shape
from autograder.answers.big_o_terms import Term
from autograder.answers.errors import NotANumber, ParseError
from autograder.answers.normalize import normalize

PARSERS = {"number": number, "shape": shape, "big_o": big_o, "ratio": ratio}
#: A hang guard, not a speed target (tools/benchmark.py measures speed): the
#: parsers take milliseconds, but a loaded 2-core machine was seen at 0.7 s.
#: TEST_TIME_SCALE stretches it where the tests run at the lowest priority on
#: a busy machine (a mutation run under `nice -n 19`), so a slow clean run is
#: not mistaken for a failure; mutmut's own timeout still catches a hang.
TIME_LIMIT_SECONDS = 2.0 * float(os.environ.get("TEST_TIME_SCALE", "1"))


def parse_error(kind, text) -> ParseError:
    with pytest.raises(ParseError) as caught:
        kind.parse(text)
    return caught.value


# ----------------------------------------------------------------------------
# normalize


@pytest.mark.parametrize("text, expected", [
    ("n²", "n^2"),
    ("10⁵", "10^5"),
    ("n²³", "n^23"),
    ("n⁻¹", "n^(-1)"),
    ("nⁿ", "n^n"),
    ("log₂ n", "log_2 n"),
    ("７０５６", "7056"),
    ("2½", "2+(1/2)"),
    ("28 − 1", "28 - 1"),
    ("28 – 1", "28 - 1"),
    ("28 × 28", "28 × 28"),
    ("28 ✕ 28", "28 × 28"),
    ("784 · 9", "784 * 9"),
    ("784 ⋅ 9", "784 * 9"),
    ("784 ∙ 9", "784 * 9"),
    ("784 ÷ 9", "784 / 9"),
    ("7\u00a0056", "7 056"),
    ("7\u2009056", "7 056"),
    ("7\u202f056", "7 056"),
    ("≈ 87.1", "~ 87.1"),
    ("∼87", "~87"),
    ("θ(n)", "Θ(n)"),
    ("Ο(n)", "O(n)"),   # Greek capital omicron
    ("О(n)", "O(n)"),   # Cyrillic capital O
    ("7\u200b056", "7056"),
    ("٧٠٥٦", "7056"),   # Arabic-Indic digits
    ("  9 \n weights ", "9 weights"),
    ("$28 \\times 28$", "28 × 28"),
    ("$\\mathcal{O}(n^{2})$", "O(n^{2})"),
    ("\\Theta(n \\log n)", "Θ(n log n)"),
    ("`7056`", "7056"),
    # LaTeX's math delimiters \( \) \[ \] go; \left[ and \{ keep their brackets
    ("\\(O(n^2 k^2)\\)", "O(n^2 k^2)"),
    ("\\[ 784 \\times 9 \\]", "784 × 9"),
    ("\\left[ 784, 9 \\right]", "[ 784, 9 ]"),
    ("\\{784\\}", "{784}"),
])
def test_normalize_keeps_meaning(text, expected):
    assert normalize(text) == expected


def test_superscripts_are_exponents_not_digits():
    """NFKC alone turns n² into n2, read as 2n (the PrairieLearn bug)."""
    assert number.parse("5²").value == 25
    assert number.parse("10⁵").value == 100_000
    assert big_o.parse("O(n²)").dominant.size_exp == 2
    assert big_o.parse("O(n²³)").dominant.size_exp == 23


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
@example("*0\u00b7")  # the middle dot maps to '*', which makes Markdown emphasis
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


# ----------------------------------------------------------------------------
# number: right answers in many notations


@pytest.mark.parametrize("text, value", [
    ("7056", 7056),
    ("7,056", 7056),
    ("7 056", 7056),
    ("7\u2009056", 7056),
    ("1,000,000", 1_000_000),
    ("1_000", 1000),
    ("7.056e3", 7056),
    ("7.056E3", 7056),
    ("6.1×10^5", 610_000),
    ("6.1 x 10^5", 610_000),
    ("6.1 X 10^5", 610_000),
    ("6.1*10**5", 610_000),
    ("6.1 · 10⁵", 610_000),
    ("28*28*9", 7056),
    ("28 x 28 x 9", 7056),
    ("28x28x9", 7056),
    ("28 times 28", 784),
    ("28^2 * 3^2", 7056),
    ("784**2", 614_656),
    ("5²", 25),
    ("(784^2)/9", Fraction(614_656, 9)),
    ("784^2/9", Fraction(614_656, 9)),
    ("[784^2]/9", Fraction(614_656, 9)),
    ("784 · 9", 7056),
    ("784 ÷ 9", Fraction(784, 9)),
    ("2^3^2", 512),
    ("-2^2", -4),
    ("2^-1", Fraction(1, 2)),
    ("sqrt(784)", 28),
    ("√9", 3),
    ("4^(1/2)", 2),
    ("(-8)^(1/3)", -2),
    ("28 squared", 784),
    ("12*12 = 144", 144),
    ("28*28*9 = 7056", 7056),
    ("9 weights", 9),
    ("1 pixel on each side", 1),
    ("87x", 87),
    ("87 times", 87),
    ("~87 times", 87),
    ("about 87.1", Fraction("87.1")),
    ("≈ 87.1x", Fraction("87.1")),
    ("There are 9 weights", 9),
    ("padding of 1", 1),
    ("Output size: 7056", 7056),
    ("n = 7056", 7056),
    ("７０５６", 7056),
    ("0.5", Fraction(1, 2)),
    (".5", Fraction(1, 2)),
    ("-3", -3),
    ("1e-3", Fraction(1, 1000)),
    ("7056 (28*28*9)", 7056),
    ("\\frac{784^2}{9}", Fraction(614_656, 9)),
    ("$28 \\times 28 \\times 9$", 7056),
    ("2½", Fraction(5, 2)),
])
def test_number_reads(text, value):
    assert number.parse(text).value == value


def test_number_value_is_exact():
    reading = number.parse("87.1")
    assert isinstance(reading.value, Fraction) and reading.value == Fraction(871, 10)
    assert number.parse("0.1 + 0.2").value == Fraction(3, 10)


@pytest.mark.parametrize("text, shown", [
    ("28*28*9", "28*28*9 = 7056"),
    ("7,056", "7056"),
    ("12*12 = 144", "12*12 = 144"),
    ("6.1 × 10^5", "6.1*10^5 = 610000"),
    ("(784^2)/9", "784^2/9 = 614656/9"),
    ("784/9 ≈ 87.1", "784/9 ≈ 87.1"),
    ("12*12 = 144 = 2*72", "12*12 = 144 = 2*72 = 144"),       # every side of a chain
    ("10^29", "10^29 = 1" + "0" * 29),                          # 30 digits written out
    ("10^30", "10^30 = 1.000 × 10^30"),                         # 31 are not
])
def test_number_shown(text, shown):
    assert number.parse(text).shown == shown


@pytest.mark.parametrize("text, remark", [
    ("9 weights", "weights"),
    ("1 pixel on each side", "pixel on each side"),
    ("~87 times", "times"),
    ("7056 (28*28*9)", "(28*28*9)"),
    ("7056", ""),
])
def test_number_remark_is_kept(text, remark):
    assert number.parse(text).remark == remark


@pytest.mark.parametrize("text, approximate", [
    ("87", False),
    ("~87", True),
    ("≈ 87.1x", True),
    ("about 87.1", True),
    ("roughly 87", True),
    ("87.11...", True),
    ("784/9 = 87.1", True),    # rounded shown work
    ("784/9 ≈ 87", True),
    ("28*28*9 = 7056", False),
    # an approximate word or '...' after a whole number, read from the remark's first word
    ("7056 approximately", True),
    ("7056 APPROX", True),
    ("7056 (approx.)", True),            # its bracket and point are not part of the word
    ("7056 approx. in total", True),     # the first word, not the last
    ("7056...", True),
    ("7056 weights", False),
])
def test_number_approximate(text, approximate):
    assert number.parse(text).approximate is approximate


def test_shown_work_that_disagrees_grades_the_final_value():
    reading = number.parse("12*12 = 145")
    assert reading.value == 145
    assert "12*12 is 144" in reading.work_disagrees
    assert "145" in reading.work_disagrees
    assert number.parse("12*12 = 144").work_disagrees is None


def test_rounding_in_shown_work_is_not_a_disagreement():
    assert number.parse("784/9 = 87.1").work_disagrees is None
    assert number.parse("784/9 = 87.11").work_disagrees is None
    assert number.parse("784/9 = 87").work_disagrees is None
    assert number.parse("784/9 = 88").work_disagrees is not None   # not rounding
    assert number.parse("784/9 ≈ 87").work_disagrees is None       # rounded to 2 digits
    assert number.parse("784/9 ≈ 90").work_disagrees is None       # rounded to 1 digit
    assert number.parse("784/9 ≈ 87.5").work_disagrees is not None  # no 1% slack
    assert number.parse("784/9 ≈ 95").work_disagrees is not None


@pytest.mark.parametrize("text, value, approximate, disagreement", [
    # a decimal side agrees with the work within half its last digit, the
    # half-way point included (0.125 written 0.13 or 0.12), and no further
    ("5/11 = 0.5", Fraction(1, 2), True, None),
    ("1/8 = 0.13", Fraction(13, 100), True, None),
    ("1/8 = 0.12", Fraction(12, 100), True, None),
    ("1/8 = 0.14", Fraction(14, 100), True, "'1/8 = 0.14' does not hold, since 1/8 is 0.125"),
    # a side written as work has no rounding slack, whichever side it is on
    ("145 = 12*12", 144, False, "'145 = 12*12' does not hold, since 12*12 is 144"),
    ("7057 = 84*84", 7056, False, "'7057 = 84*84' does not hold, since 84*84 is 7,056"),
    # every step of a chain is checked, each against its own neighbour
    ("12*12 = 144 = 2*73", 146, False, "'144 = 2*73' does not hold, since 2*73 is 146"),
    ("12*12 = 145 = 145", 145, False, "'12*12 = 145' does not hold, since 12*12 is 144"),
    ("12*12 = 2*73", 146, False, "'12*12 = 2*73' does not hold, since 12*12 is 144 and 2*73 is 146"),
    ("784/9 = 87.1 = 2*43", 86, True, "'87.1 = 2*43' does not hold, since 2*43 is 86"),
    # a whole number rounded from the work makes the answer approximate
    ("784/9 = 87", 87, True, None),
    # a value after '≈' is the work rounded to its digits, no further, and
    # a step that fails is quoted with the sign the student wrote
    ("784/9 ≈ 95", 95, True, "'784/9 ≈ 95' does not hold, since 784/9 is 87.11 (exactly 784/9)"),
    ("784/9 ~ 87.5", Fraction(175, 2), True,
     "'784/9 ≈ 87.5' does not hold, since 784/9 is 87.11 (exactly 784/9)"),
    # two written numbers, one the other rounded, are one value shown at two
    # precisions, not a range (`9 = 10` is: see test_notations); the
    # rounding is only accepted from the more precise side to the less
    ("87.11 = 87.1", Fraction(871, 10), True, None),
    ("87 = 87.1", Fraction(871, 10), True, "'87 = 87.1' does not hold"),
    # a difference of two numbers is a range only when it is negative
    ("28-28", 0, False, None),
    ("3-2", 1, False, None),
])
def test_each_step_of_shown_work_is_checked(text, value, approximate, disagreement):
    reading = number.parse(text)
    assert (reading.value, reading.approximate) == (value, approximate)
    if disagreement is None:
        assert reading.work_disagrees is None
    else:
        assert reading.work_disagrees == (f"the work shown does not add up: {disagreement}. "
                                          f"The final value {number.format_value(value)} was graded.")


@pytest.mark.parametrize("value, text", [
    (Fraction(7056), "read as the number 7,056"),
    (Fraction(-7056), "read as the number -7,056"),
    (Fraction(871, 10), "read as the number 87.1"),
    (Fraction(784, 9), "read as the number 87.11 (exactly 784/9)"),
    (Fraction(614_656, 9), "read as the number 68,295.1 (exactly 614656/9)"),
    (Fraction(1, 87), "read as the number 0.01149 (exactly 1/87)"),
    (Fraction(10) ** 40, "read as the number 1.000 × 10^40"),
    (Fraction(2) ** 1000, "read as the number about 1.072 × 10^301"),
    # scientific notation for values too long to write out: the exponent of
    # a value just below a power of ten, a mantissa that rounds up to 10,
    # signs, and tiny values
    (Fraction(10) ** 40 / 3, "read as the number about 3.333 × 10^39"),
    (-Fraction(10) ** 40 / 3, "read as the number about -3.333 × 10^39"),
    (Fraction(99_996) * Fraction(10) ** 36, "read as the number about 1.000 × 10^41"),
    (-Fraction(10) ** 41, "read as the number -1.000 × 10^41"),
    (Fraction(123_456_789) * Fraction(10) ** 30, "read as the number about 1.235 × 10^38"),
    (Fraction(10) ** 35 + Fraction(1, 2), "read as the number about 1.000 × 10^35"),
    (Fraction(1, 10 ** 40), "read as the number 1.000 × 10^-40"),
    (Fraction(1, 3 * 10 ** 40), "read as the number about 3.333 × 10^-41"),
    (Fraction(1, 7 * 10 ** 35), "read as the number about 1.429 × 10^-36"),
    (Fraction(5, 10 ** 33), "read as the number 5.000 × 10^-33"),
    # 1.23446e39 + 1/9: the digit count overshoots the exponent by one, and
    # correcting it by more would round twice (1.2345 -> 1.235)
    (Fraction(123_446 * 10 ** 34 * 9 + 1, 9), "read as the number about 1.234 × 10^39"),
    # the edges of writing a value out: 30 digits are written in full (a
    # whole number, a decimal, or the whole part of a repeating decimal),
    # a negative value keeps its sign, a value between 1 and 2 gets four
    # significant digits, 30 decimals are still written out, and a value
    # that rounds to a whole number drops its point
    (Fraction(10) ** 29, "read as the number 100,000,000,000,000,000,000,000,000,000"),
    (Fraction("1234567890123456789012345678.9"),
     "read as the number 1,234,567,890,123,456,789,012,345,678.9"),
    (Fraction(10) ** 29 + Fraction(1, 3),
     "read as the number about 100,000,000,000,000,000,000,000,000,000.3"),
    (Fraction(-871, 10), "read as the number -87.1"),
    (Fraction(-784, 9), "read as the number -87.11 (exactly -784/9)"),
    (Fraction(4, 3), "read as the number 1.333 (exactly 4/3)"),
    (Fraction(1, 3 * 10 ** 26), "read as the number about 0.000000000000000000000000003333"),
    (Fraction(10) ** 5 + Fraction(1, 300), "read as the number 100,000 (exactly 30000001/300)"),
    # the exact fraction is said when it is at most 15 characters long
    (Fraction(1_234_567_890_123, 7), "read as the number 176,366,841,446.1 (exactly 1234567890123/7)"),
    (Fraction(12_345_678_901_235, 7), "read as the number about 1,763,668,414,462.1"),
])
def test_number_describe(value, text):
    assert number.describe(number.NumberReading(value, "", False, None, "")) == text


def test_number_describe_mentions_approximate():
    assert number.describe(number.parse("~87")) == "read as the number 87 (written as approximate)"


def test_number_matches_exactly():
    reading = number.parse("68,295")
    assert number.matches(number.parse("7,056"), 7056)
    assert not number.matches(reading, Fraction(614_656, 9))
    assert not number.matches(number.parse("7.05e3"), 7056)
    assert number.matches(number.parse("784/9"), Fraction(784, 9))


@pytest.mark.parametrize("text, words", [
    ("", ["no answer"]),
    ("   ", ["no answer"]),
    ("6,1", ["'6,1'", "comma", "thousands separator", "decimal point"]),
    ("7,0567", ["comma"]),
    ("1.2.3", ["more than one decimal point"]),
    ("weights", ["no number"]),
    ("28 *", ["after '28 *'", "ends there"]),
    ("28 * weights", ["the word 'weights'"]),
    ("28 xx 28", ["two multiplication signs in a row after '28'"]),
    ("(28 * 28", ["never closed"]),
    ("(28 * 28]", ["expected ')'"]),
    ("1/0", ["divides by zero"]),
    ("0^0", ["0 to the power 0"]),
    ("2^(1/2)", ["not a whole number or fraction"]),
    ("log(2)", ["not an exact number"]),
])
def test_number_errors_say_what_went_wrong(text, words):
    message = parse_error(number, text).message
    for word in words:
        assert word in message


_RUN_ON_COMMA_HINT = ("use a comma only before groups of exactly three digits, as in 12,345, "
                      "and a point for decimals, as in 6.1")
_TWO_POINTS_HINT = "write 12345 or 12,345 for a whole number, 57.1 for a decimal"
_NUMBER_HINT = "write a number, for example 12345 or 6*7*5"
_ANOTHER_NUMBER_HINT = ("give one number; to show work, write it before the answer with '=', "
                        "as in 6*7 = 42")


@pytest.mark.parametrize("text, reason, hint", [
    ("6,1", "the comma in '6,1' could be a thousands separator or a decimal point",
     _RUN_ON_COMMA_HINT),
    ("12345,000", "the comma in '12345,000' could be a thousands separator or a decimal point",
     _RUN_ON_COMMA_HINT),
    # a comma is only ambiguous between two digits: after a space or a
    # bracket it starts a second number
    ("6, 1", "there is another number after the answer ('1')", _ANOTHER_NUMBER_HINT),
    ("(6),1", "there is another number after the answer ('1')", _ANOTHER_NUMBER_HINT),
    ("1.2.3", "'1.2.3' has more than one decimal point", _TWO_POINTS_HINT),
    ("12.345.000", "'12.345.000' has more than one decimal point", _TWO_POINTS_HINT),
    ("7.056", "the point in '7.056' could be a thousands separator or a decimal point",
     "a count is a whole number: write 12345 or 12,345"),
    ("weights", "there is no number in it", _NUMBER_HINT),
    ("O(N^2)", "it is written as a growth rate like O(N^3), not as a number", _NUMBER_HINT),
    ("2n", "it contains the letter n", _NUMBER_HINT),
    ("9 weights, 3 x 3", "there is another number after the answer ('weights, 3 x 3')",
     _ANOTHER_NUMBER_HINT),
    ("9 apples", "'apples' in 'apples' after the number was not understood, and it could change "
     "the answer", "write just the number; a unit such as 'weights' or 'pixels' may follow it"),
    ("not 9", "the word 'not' before the number changes its meaning, so it was not read",
     "write just the number, for example 12345"),
    ("9 apples (3x3)", "'apples' in 'apples' after the number was not understood, and it could "
     "change the answer", "write just the number; a unit such as 'weights' or 'pixels' may "
     "follow it"),
    ("9 weights, 3 x 3 kernel at each of 28 x 28 places",  # the remark quoted to 40 characters
     "there is another number after the answer ('weights, 3 x 3 kernel at each of 28 x 28')",
     _ANOTHER_NUMBER_HINT),
])
def test_number_refusals_say_what_was_not_understood_and_how_to_write_it(text, reason, hint):
    """The whole message a student sees: the answer quoted, why it was not
    read, and how to write it so that it is."""
    error = parse_error(number, text)
    assert (error.message, error.hint) == (f"could not read '{text}' as a number: {reason}", hint)


@pytest.mark.parametrize("text, message", [
    # the answer is quoted as read, number words spelled out
    ("nine apples", "could not read '9 apples' as a number: 'apples' in 'apples' after the number "
                    "was not understood, and it could change the answer"),
    # a label that changes the meaning is refused like a word before the number
    ("at least: 9", "could not read 'at least: 9' as a number: the word 'least' before the number "
                    "changes its meaning, so it was not read"),
    # and a scale suffix read as its power of ten
    ("2k/0", "could not read '2e3/0' as a number: it divides by zero (0)"),
])
def test_a_reworded_answer_is_refused_as_a_number(text, message):
    assert parse_error(number, text).message == message


@pytest.mark.parametrize("text, letter", [("2n", "n"), ("N^2/9", "N"), ("n log n", "n"), ("n", "n")])
def test_number_with_letters_is_not_a_number(text, letter):
    with pytest.raises(NotANumber) as caught:
        number.parse(text)
    assert f"letter {letter}" in caught.value.message


def test_number_refuses_growth_notation():
    with pytest.raises(NotANumber):
        number.parse("O(N^2)")
    with pytest.raises(NotANumber):
        number.parse("Θ(1)")


def test_parse_error_is_a_value_error_with_hint():
    error = parse_error(number, "6,1")
    assert isinstance(error, ValueError)
    assert error.hint and "12,345" in error.hint
    assert error.message in str(error)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15))
def test_number_round_trips_integers_in_every_grouping(value):
    for text in (str(value), f"{value:,}", f"{value:_}", f"{value:,}".replace(",", " ")):
        assert number.parse(text).value == value


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4))
def test_number_round_trips_fractions(value):
    reading = number.parse(f"{value.numerator}/{value.denominator}")
    assert reading.value == value
    assert number.describe(reading).startswith("read as the number ")


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False))
def test_number_round_trips_decimals(value):
    assert number.parse(str(value)).value == Fraction(value)


# ----------------------------------------------------------------------------
# shape


@pytest.mark.parametrize("text, dims", [
    ("30x30", (30, 30)),
    ("30 × 30", (30, 30)),
    ("30 by 30", (30, 30)),
    ("30X30", (30, 30)),
    ("(30, 30)", (30, 30)),
    ("(30,30)", (30, 30)),
    ("[30, 30]", (30, 30)),
    ("30, 30", (30, 30)),
    ("30x30x1", (30, 30, 1)),
    ("(28, 28, 1)", (28, 28, 1)),
    ("10 x 10^2", (10, 100)),
    ("28*28 x 9", (784, 9)),
    ("784*9", (784, 9)),
    ("28^2*9", (784, 9)),
    ("28 x 28 x 3 x 3", (28, 28, 3, 3)),
    ("784 x 9 matrix", (784, 9)),
    ("7056", (7056,)),
    ("7,056", (7056,)),
    ("784 x 7,056", (784, 7056)),
    ("output is 28 x 28", (28, 28)),
    ("$28 \\times 28$", (28, 28)),
    ("２８×２８", (28, 28)),
    ("(784^2)/784", (784,)),
])
def test_shape_reads(text, dims):
    assert shape.parse(text).dims == dims


def test_shape_shown_describe_and_remark():
    reading = shape.parse("28*28 x 9 matrix")
    assert reading.shown == "28*28 × 9 = 784 × 9"
    assert reading.remark == "matrix"
    assert shape.describe(reading) == "read as the shape 784 × 9"
    assert shape.describe(shape.parse("7056")) == "read as the shape 7,056 (one dimension)"
    assert shape.parse("28 x 28 (with padding)").remark == "(with padding)"


def test_shape_entries():
    assert shape.entries(shape.parse("28 x 28 x 3 x 3")) == 7056


@pytest.mark.parametrize("text, reference, transpose, expected", [
    ("784 x 9", (784, 9), False, True),
    ("28x28x3x3", (784, 9), False, True),
    ("28x28x1", (28, 28), False, True),
    ("1 x 28 x 28", (28, 28), False, True),
    ("28 x 28", (1, 28, 28), False, True),
    ("9 x 784", (784, 9), False, False),
    ("9 x 784", (784, 9), True, True),
    ("3x3x28x28", (784, 9), True, True),
    ("7056", (784, 9), True, False),
    ("784 x 9", (7056,), False, True),     # grouping all dims flattens
    ("7056", (7056,), False, True),
    ("28 x 28 x 9", (784, 9), False, True),
    ("28 x 252", (784, 9), False, False),
    ("1", (1,), False, True),
])
def test_shape_matches(text, reference, transpose, expected):
    assert shape.matches(shape.parse(text), reference, allow_transpose=transpose) is expected


@pytest.mark.parametrize("text, words", [
    ("28 xx 28", ["could not read '28 xx 28' as a shape: two separators in a row after '28'"]),
    ("28 x x 28", ["two separators in a row after '28'"]),
    ("28 x", ["expected a dimension after '28 x'", "ends there"]),
    ("28/3 x 2", ["28/3", "not a whole number"]),
    ("0 x 3", ["dimensions must be positive"]),
    ("-3 x 3", ["dimensions must be positive"]),
    ("n x n", ["letter n"]),
    ("matrix", ["no shape"]),
    ("(30, 30", ["never closed"]),
])
def test_shape_errors(text, words):
    message = parse_error(shape, text).message
    for word in words:
        assert word in message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=6),
       st.sampled_from([" x ", "x", " × ", " by ", "X"]))
def test_shape_round_trips(dims, separator):
    assert shape.parse(separator.join(map(str, dims))).dims == tuple(dims)
    assert shape.parse("(" + ", ".join(map(str, dims)) + ")").dims == tuple(dims)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=2, max_value=40), min_size=1, max_size=3),
                min_size=1, max_size=3))
def test_shape_matches_any_grouping_of_the_reference(groups):
    """A tensor shape matches the matrix whose dims are products of its runs."""
    reference = tuple(math.prod(group) for group in groups)
    written = " x ".join(str(dim) for group in groups for dim in group)
    reading = shape.parse(written)
    assert shape.matches(reading, reference, allow_transpose=False)
    assert shape.matches(reading, reference[::-1], allow_transpose=True)


# ----------------------------------------------------------------------------
# big_o


@pytest.mark.parametrize("text, notation, letter, size_exp, kernel_exp, log_exp", [
    ("O(N^2)", "O", "N", 2, 0, 0),
    ("O(N**2)", "O", "N", 2, 0, 0),
    ("O(N²)", "O", "N", 2, 0, 0),
    ("Θ(n)", "Θ", "n", 1, 0, 0),
    ("θ(n)", "Θ", "n", 1, 0, 0),
    ("Theta(n)", "Θ", "n", 1, 0, 0),
    ("theta(n^2)", "Θ", "n", 2, 0, 0),
    ("Ω(n)", "Ω", "n", 1, 0, 0),
    ("Omega(n)", "Ω", "n", 1, 0, 0),
    ("ω(n)", "ω", "n", 1, 0, 0),
    ("o(n)", "o", "n", 1, 0, 0),
    ("big O of n squared", "O", "n", 2, 0, 0),
    # a bound named in words before a bare growth rate is that bound
    ("Omega n^2", "Ω", "n", 2, 0, 0),
    ("Big Omega: n^2", "Ω", "n", 2, 0, 0),
    ("Ω n^2", "Ω", "n", 2, 0, 0),
    ("ω: n^2", "ω", "n", 2, 0, 0),
    ("Theta n^2", "Θ", "n", 2, 0, 0),
    ("theta, quadratic in n", "Θ", "n", 2, 0, 0),
    ("Big O: N^2", None, "N", 2, 0, 0),   # O before a bare growth rate is a label
    ("O(n^2 k^2)", "O", "n", 2, 2, 0),
    ("O(n^2k^2)", "O", "n", 2, 2, 0),
    ("O(N^2 * K^2)", "O", "N", 2, 2, 0),
    ("O(2n)", "O", "n", 1, 0, 0),
    ("O(n log n)", "O", "n", 1, 0, 1),
    ("O(nlogn)", "O", "n", 1, 0, 1),
    ("O(n lg n)", "O", "n", 1, 0, 1),
    ("O(n log_2 n)", "O", "n", 1, 0, 1),
    ("O(n log₂ n)", "O", "n", 1, 0, 1),
    ("O(log^2 n)", "O", "n", 0, 0, 2),
    ("O(n^2 + n)", "O", "n", 2, 0, 0),
    ("O(784 n)", "O", "n", 1, 0, 0),
    ("O(N*N)", "O", "N", 2, 0, 0),
    ("O((N^2)^2)", "O", "N", 4, 0, 0),
    ("O(n^1.5)", "O", "n", Fraction(3, 2), 0, 0),
    ("O(n^(3/2))", "O", "n", Fraction(3, 2), 0, 0),
    ("O(sqrt(n))", "O", "n", Fraction(1, 2), 0, 0),
    ("O(√n)", "O", "n", Fraction(1, 2), 0, 0),
    ("O(1)", "O", None, 0, 0, 0),
    ("O(k^2)", "O", None, 0, 2, 0),
    ("n^2", None, "n", 2, 0, 0),
    ("N^4", None, "N", 4, 0, 0),
    ("x^2", None, "x", 2, 0, 0),
    ("grows as n", None, "n", 1, 0, 0),
    ("a factor of n^2", None, "n", 2, 0, 0),
    ("it's O(n^2)", "O", "n", 2, 0, 0),
    ("$\\mathcal{O}(n^{2})$", "O", "n", 2, 0, 0),
    ("\\Theta(n \\log n)", "Θ", "n", 1, 0, 1),
    ("O(n^2/k)", "O", "n", 2, -1, 0),
    ("O(n (n + 1))", "O", "n", 2, 0, 0),
])
def test_big_o_reads(text, notation, letter, size_exp, kernel_exp, log_exp):
    reading = big_o.parse(text)
    assert reading.notation == notation
    assert reading.size_letter == letter
    assert reading.dominant.size_exp == size_exp
    assert reading.dominant.kernel_exp == kernel_exp
    assert reading.dominant.log_exp == log_exp


@pytest.mark.parametrize("text, shown, constant, lower", [
    ("O(N^2 * K^2)", "O(N^2 K^2)", False, False),
    ("O(2n)", "O(2 n)", True, False),
    ("O(784 n)", "O(784 n)", True, False),
    ("O(n^2 + n)", "O(n^2 + n)", False, True),
    ("O(n + n^2)", "O(n^2 + n)", False, True),
    ("O(n^2 - n)", "O(n^2 - n)", False, True),
    ("O(N*N)", "O(N^2)", False, False),
    ("O(n^(3/2))", "O(n^(3/2))", False, False),
    ("N^2/9", "N^2/9", True, False),
    ("O(n log n)", "O(n log n)", False, False),
    ("O((n+1)^2)", "O(n^2 + 2 n + 1)", False, True),
    ("O(1)", "O(1)", False, False),
    ("O(n/n)", "O(1)", False, False),
    ("9N^2 = O(N^2 + N) = O(N^2)", "O(N^2)", False, False),  # the last step is the answer
    ("O(n^2 + n^2)", "O(2 n^2)", True, False),                # like terms combined
    ("O(n (log n)^2)", "O(n (log n)^2)", False, False),
    ("O(N^2 k K)", "O(N^2 k^2)", False, False),                # written with k when both are
    ("O(H^2 + W^2)", "O(H^2 + W^2)", True, False),             # both a side squared: 2 of them
    ("Omega n^2", "Ω(n^2)", False, False),                     # the bound named in words
])
def test_big_o_shown_and_flags(text, shown, constant, lower):
    reading = big_o.parse(text)
    assert reading.shown == shown
    assert reading.has_constant_factor is constant
    assert reading.has_lower_order_terms is lower


def test_the_logs_of_height_and_width_add_up():
    assert big_o.parse("O(H W log H log W)").dominant == Term(Fraction(1), Fraction(2),
                                                               Fraction(0), 2)


def test_big_o_terms_are_exact_and_ordered():
    reading = big_o.parse("O(n^2 k^2 + 3 n^2 + n log n)")
    assert reading.terms == (
        Term(Fraction(1), Fraction(2), Fraction(2), 0),
        Term(Fraction(3), Fraction(2), Fraction(0), 0),
        Term(Fraction(1), Fraction(1), Fraction(0), 1),
    )
    assert reading.dominant == reading.terms[0]


def test_big_o_describe():
    assert big_o.describe(big_o.parse("O(N^2 * k^2)")) == "read as O(N^2 k^2), N = the size letter"
    assert big_o.describe(big_o.parse("O(1)")) == "read as O(1), with no letter for the input size"
    assert big_o.describe(big_o.parse("O(n) in the number of pixels")) == (
        "read as O(n), with n = the number of pixels (n = N x N), as your answer says "
        "('in the number of pixels')")


@pytest.mark.parametrize("text, variable, read", [
    ("O(N^2)", "pixels", "read as O(N^2), with N = the number of pixels (n = N x N)"),
    # no letter: the meaning is still said, of 'the size'
    ("quadratic", "side",
     "read as quadratic growth (size^2), with the size = the image side (N for an N x N image)"),
    ("O(1)", "pixels", "read as O(1), with the size = the number of pixels (n = N x N)"),
    # two letters: each is a side, whatever the sheet's letter means
    ("O(HW)", "pixels", "read as O(H*W), with H and W the height and width: each is the image "
     "side (N for an N x N image), so their product grows like the side squared"),
    # the answer's own meaning wins over the sheet's
    ("O(N^2) where N is the side length", "pixels",
     "read as O(N^2), with N = the image side (N for an N x N image), as your answer says "
     "('where N is the side length')"),
])
def test_big_o_read_in_says_what_the_letter_means(text, variable, read):
    assert big_o.read_in(big_o.parse(text), variable) == read


@pytest.mark.parametrize("text, variable", [
    ("N = side length", "side"),
    ("n = number of pixels", "pixels"),
    ("n = pixels per side", "side"),
    ("N = side length, n = number of pixels", None),   # both: no one meaning
    (None, None),
    ("", None),
    ("side length".ljust(500), "side"),                # the longest text read
    ("side length".ljust(501), None),                  # longer: no one meaning is read in it
])
def test_a_declared_variable_is_read_as_the_side_or_the_pixels(text, variable):
    assert big_o.parse_variable(text) == variable


@pytest.mark.parametrize("text, size_exp, log_exp, verdict", [
    ("O(n^2)", 2, 0, "tight"),
    ("Θ(n^2)", 2, 0, "tight"),
    ("O(n^4)", 2, 0, "loose"),
    ("O(n)", 2, 0, "too_low"),
    ("O(n^2 log n)", 2, 0, "loose"),
    ("O(n log n)", 1, 1, "tight"),
    ("O(n)", 1, 1, "too_low"),
    ("O(n^2 k^2)", 2, 0, "tight"),
    ("O(n^(3/2))", Fraction(3, 2), 0, "tight"),
])
def test_big_o_compare(text, size_exp, log_exp, verdict):
    assert big_o.compare(big_o.parse(text), size_exp, log_exp) == verdict


@pytest.mark.parametrize("text, words", [
    ("O(n m)", ["m and n", "one letter for the input size"]),
    ("O(n x)", ["n and x"]),
    ("O(2^k n^2)", ["exponent", "letter k"]),  # O(2^n) is an exponential: test_big_o_reading
    ("O(n/(n+1))", ["divides by a sum"]),
    ("O(weights)", ["the word 'weights'"]),
    ("O(n^2 - n^2)", ["zero"]),
    ("O(n", ["never closed"]),
    ("O(log log n)", ["log of a log"]),
    ("O(log(n k))", ["more than one letter"]),
    ("O((n + 1)^(1/2))", ["does not multiply out"]),
    ("weights", ["no growth rate"]),
])
def test_big_o_errors(text, words):
    message = parse_error(big_o, text).message
    for word in words:
        assert word in message


def test_big_o_x_hint():
    assert parse_error(big_o, "O(n x)").hint == "to multiply, write * or ×, not the letter x"


@settings(max_examples=200, deadline=None)
@given(st.fractions(min_value=-20, max_value=20, max_denominator=6),
       st.integers(min_value=0, max_value=4), st.sampled_from("nNm"),
       st.integers(min_value=1, max_value=1000))
def test_big_o_reads_random_monomials(size_exp, kernel_exp, letter, coefficient):
    text = f"O({coefficient} {letter}^({size_exp}) k^{kernel_exp})"
    reading = big_o.parse(text)
    if size_exp == 0 and kernel_exp == 0:
        assert reading.terms == (Term(Fraction(coefficient), Fraction(0), Fraction(0), 0),)
    else:
        assert reading.dominant == Term(Fraction(coefficient), size_exp, Fraction(kernel_exp), 0)
    assert reading.has_constant_factor is (coefficient != 1)


# ----------------------------------------------------------------------------
# ratio


@pytest.mark.parametrize("text, value", [
    ("87x faster", 87),
    ("~87 times faster", 87),
    ("784^2/9", Fraction(614_656, 9)),
    ("68,295x", 68_295),
    ("6.8 × 10^4 times", 68_000),
    ("1x", 1),
    ("same", 1),
    ("the same", 1),
    ("equal", 1),
    ("no faster", 1),
    ("equally fast", 1),
    ("They are the same speed", 1),
    ("same (1x)", 1),
    ("Answer: same", 1),
    ("equal to 87", 87),
    ("Answer: 87", 87),
    ("784/9 ≈ 87.1x faster", Fraction("87.1")),
    ("784 times smaller", 784),
    ("~68,295x", 68_295),
])
def test_ratio_reads_numbers(text, value):
    reading = ratio.parse(text)
    assert reading.growth is None and not reading.written_as_colon
    assert reading.number.value == value


@pytest.mark.parametrize("text, value", [("1:87", Fraction(1, 87)), ("784 : 9", Fraction(784, 9))])
def test_ratio_colon_is_a_quotient_and_flagged(text, value):
    reading = ratio.parse(text)
    assert reading.written_as_colon
    assert reading.number.value == value
    assert "read as the ratio" in ratio.describe(reading)


@pytest.mark.parametrize("text, size_exp, coefficient", [
    ("O(N^2)", 2, 1),
    ("grows as n", 1, 1),
    ("N^2/9", 2, Fraction(1, 9)),
    ("2n", 1, 2),
    ("Θ(1)", 0, 1),
])
def test_ratio_reads_growth(text, size_exp, coefficient):
    reading = ratio.parse(text)
    assert reading.number is None
    assert reading.growth.dominant.size_exp == size_exp
    assert reading.growth.dominant.coefficient == coefficient


def test_ratio_describe_and_errors():
    assert ratio.describe(ratio.parse("87x")) == "read as the number 87"
    assert ratio.describe(ratio.parse("O(n^2)")) == "read as O(n^2), n = the size letter"
    assert "comma" in parse_error(ratio, "6,1").message
    assert "no number" in parse_error(ratio, "weights").message
    assert "m and n" in parse_error(ratio, "O(n m)").message
    assert parse_error(ratio, "").message == "no answer"
    assert "is 0" in parse_error(ratio, "1:0").message
    assert "no number" in parse_error(ratio, "not the same").message


# ----------------------------------------------------------------------------
# Bounds: hostile answers are refused fast, with a message


HOSTILE = [
    "9**9**9**9",
    "9^9^9^9",
    "9" * 200_000,
    "(" * 40_000 + "1" + ")" * 40_000,
    "1" * 5_000_000,
    "1e999999999",
    "10^10^10",
    "2^-99999",
    "9" * 1_999,
    "(" * 900 + "1" + ")" * 900,
    "-" * 1_999 + "1",
    "1+" * 999 + "1",
    "2^" * 999 + "2",
    "(n+1)^200",
    "(n+k+1)^30",
    "n^(10^9)",
    "(1.0000001)^100000",
    "1" * 300 + "e900",
    "sqrt(" * 300 + "n" + ")" * 300,
    "O(" + "n" * 1_999 + ")",
]


@pytest.mark.parametrize("kind", PARSERS.values(), ids=PARSERS.keys())
@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: f"{text[:24]!r}x{len(text)}")
def test_hostile_answers_are_refused_fast(kind, text):
    started = time.perf_counter()
    with pytest.raises(ParseError) as caught:
        kind.parse(text)
    assert time.perf_counter() - started < TIME_LIMIT_SECONDS
    assert caught.value.message and len(caught.value.message) < 400


@pytest.mark.parametrize("text, words", [
    ("9**9**9**9", ["too large", "digits"]),
    ("1" * 5_000_000, ["too long", "5,000,000 characters", "2,000"]),
    ("1e999999999", ["power of ten", "too large"]),
    ("10^10^10", ["10^10000000000 is too large"]),
    ("2^-99999", ["too large"]),
    ("(" * 900 + "1" + ")" * 900, ["nested more than"]),
    ("1+" * 999 + "1", ["longer than"]),
    ("9" * 1_999, ["more than 300 digits"]),
])
def test_hostile_answer_messages(text, words):
    message = parse_error(number, text).message
    for word in words:
        assert word in message


def test_bounds_are_module_constants():
    assert expression_tokens.MAX_ANSWER_CHARS == 2_000
    assert expression_tokens.MAX_TOKENS == 400
    assert expression_tokens.MAX_NESTING == 40
    assert expression_tokens.MAX_LITERAL_DIGITS == 300
    assert expression_tokens.MAX_RESULT_DIGITS == 1_000


def test_within_bounds_still_reads():
    assert number.parse("2^3000").value == 2 ** 3000
    assert number.parse("(" * 30 + "1" + ")" * 30).value == 1
    assert number.parse("1+" * 150 + "1").value == 151
    assert big_o.parse("O((n+1)^10)").dominant.size_exp == 10


# ----------------------------------------------------------------------------
# Properties: any text gives a reading or a ParseError, fast


_GRAMMAR_PIECES = st.sampled_from([
    *"0123456789", "00", "000", "1", "9", "28", "784", ".", ",", " ", "  ", "_", "e", "E",
    "+", "-", "*", "/", "^", "**", "(", ")", "[", "]", "{", "}", "=", "~", ":", "x", "X", "×",
    "·", "÷", "−", "n", "N", "k", "K", "m", "O", "o", "Θ", "Ω", "ω", "log", "lg", "ln", "sqrt",
    "√", "frac", "_2", "²", "³", "⁻¹", "ⁿ", "₂", "½", "squared", "times", "by", "of", "about",
    "weights", "faster", "same", "Theta", "big", "\\times", "\\frac", "$", "７", "\u2009", "\u200b",
])
GRAMMAR_TEXT = st.lists(_GRAMMAR_PIECES, max_size=40).map("".join)

VALID_ANSWERS = [
    "7056", "7,056", "28*28*9 = 7056", "6.1 × 10^5", "784 x 9", "(30, 30)", "28x28x3x3",
    "O(N^2 k^2)", "Θ(n log n)", "~87 times faster", "784^2/9", "1:87", "O(n^(3/2))",
    "There are 9 weights", "n^2", "big O of n squared", "5²", "\\frac{784^2}{9}",
]


@st.composite
def mutated_answers(draw):
    """A valid answer with a few characters inserted, deleted or replaced."""
    text = draw(st.sampled_from(VALID_ANSWERS))
    alphabet = st.one_of(st.sampled_from("0123456789()[]^*/+-x×,. nNkO~=:²"), st.characters())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "repeat"]))
        if action == "insert":
            text = text[:position] + draw(alphabet) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + 1:]
        elif action == "replace":
            text = text[:position] + draw(alphabet) + text[position + 1:]
        else:
            text = text[:position] + text[position:position + 3] * draw(st.integers(1, 50)) + text[position:]
    return text


ANY_TEXT = st.one_of(st.text(max_size=200), GRAMMAR_TEXT, mutated_answers())
_PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reads_or_refuses(kind, text):
    started = time.perf_counter()
    try:
        reading = kind.parse(text)
    except ParseError as error:
        assert isinstance(error.message, str) and error.message
    else:
        assert isinstance(kind.describe(reading), str)
    assert time.perf_counter() - started < TIME_LIMIT_SECONDS


@_PROPERTY
@given(ANY_TEXT)
def test_number_reads_or_refuses_any_text(text):
    _reads_or_refuses(number, text)


@_PROPERTY
@given(ANY_TEXT)
def test_shape_reads_or_refuses_any_text(text):
    _reads_or_refuses(shape, text)


@_PROPERTY
@given(ANY_TEXT)
def test_big_o_reads_or_refuses_any_text(text):
    _reads_or_refuses(big_o, text)


@_PROPERTY
@given(ANY_TEXT)
def test_ratio_reads_or_refuses_any_text(text):
    _reads_or_refuses(ratio, text)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=30), st.integers(min_value=1, max_value=200))
def test_long_repetitions_read_or_refuse_fast(piece, repeat):
    text = (piece * repeat)[: expression_tokens.MAX_ANSWER_CHARS]
    for kind in PARSERS.values():
        _reads_or_refuses(kind, text)


# Survivors of the re-verified mutation run of number.read: whether a value
# is read as written approximately, and how several failed steps are listed.
@pytest.mark.parametrize("text, described", [
    ("6.5 x 10^3", "read as the number 6,500"),                      # a point, but whole: exact
    ("784/9", "read as the number 87.11 (exactly 784/9)"),           # not whole, but no point
    ("2.5", "read as the number 2.5 (written as approximate)"),      # a half is still a decimal
    ("57.1", "read as the number 57.1 (written as approximate)"),
])
def test_a_decimal_is_approximate_only_when_it_is_not_whole(text, described):
    assert number.describe(number.parse(text)) == described


def test_every_failed_step_of_shown_work_is_listed_apart():
    reading = number.parse("3*3 = 10 = 12*2 = 25")
    assert reading.work_disagrees == (
        "the work shown does not add up: '3*3 = 10' does not hold, since 3*3 is 9; "
        "'10 = 12*2' does not hold, since 12*2 is 24; '12*2 = 25' does not hold, since 12*2 "
        "is 24. The final value 25 was graded.")
