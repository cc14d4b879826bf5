"""Issue 9, numbers, shapes and ratios: every notation a right answer comes in
is read, every answer whose text the grader does not fully understand is
refused with a message that names the part, an answer offering two values is
hedged, counts are exact and ratios are judged to the digits written.

Tables first (text -> value read; text -> the message it gets), then grading
with the candidates of a prepared item, then properties."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograder.answers import number, ratio, shape, prose
from autograder.answers.errors import HedgedAnswer, NotANumber, ParseError
from autograder.answers.verdict import Outcome, Reference
from autograder.assignment.prepared import Candidate, PreparedItem
from autograder.assignment.spec import SpecError, load_spec


def refusal(kind, text) -> ParseError:
    with pytest.raises(ParseError) as caught:
        kind.parse(text)
    return caught.value


# ----------------------------------------------------------------------------
# number: accepted forms


NUMBER_READS = [
    ("28 to the power of 2", 784),          # powers in words
    ("784 to the 2nd power", 614656),
    ("784 to 2nd power", 614656),
    ("784 raised to 2", 614656),
    ("the square of 28", 784),
    # number words
    ("one", 1),
    ("nine", 9),
    ("Nine", 9),
    ("twenty-eight", 28),
    ("twenty eight", 28),
    ("seven thousand fifty-six", 7056),
    ("seven thousand and fifty-six", 7056),
    ("one hundred and five", 105),
    ("two million", 2_000_000),
    ("nine weights", 9),
    ("one pixel on each side", 1),
    # scale words and suffixes, read as the value they name
    ("9.83 million", 9_830_000),
    ("9.834496 million", 9_834_496),
    ("68k", 68_000),
    ("68K", 68_000),
    ("1.5M", 1_500_000),
    ("7.056 thousand", 7056),
    # thousands separators
    ("614{,}656", 614_656),
    ("$614{,}656$", 614_656),
    ("614\\,656", 614_656),
    ("614\u2009656", 614_656),
    ("614\u202f656", 614_656),
    ("614\u00a0656", 614_656),
    # exact decimal and scientific forms of a whole number
    ("6.14656e5", 614_656),
    ("7.056e3", 7056),
    ("7.056 × 10^3", 7056),
    ("7056.0", 7056),
    # a label before the answer
    ("Answer: 9", 9),
    ("The answer is 9", 9),
    ("dz/dW is 7056", 7056),
    ("∂z/∂W = 7056", 7056),
    ("the output is 784", 784),
    ("There are 9 weights", 9),
    ("We need 9 learnable weights", 9),
    # words around an = chain
    ("784 kernels x 9 = 7056", 7056),
    ("784 kernels x 9 weights = 7056 weights", 7056),
    ("9 per output x 784 outputs = 7056", 7056),
    ("9 weights per output x 784 outputs", 7056),
    ("9 weights + 1 bias = 10", 10),
    ("28 x 28 pixels x 9 weights", 7056),
    # a trailing remark from the closed vocabulary
    ("10 (with the bias)", 10),
    ("9 (without bias)", 9),
    ("1 (same padding)", 1),
    ("1 pixel per side", 1),
    ("1 on either side", 1),
    ("7056 multiplications in total", 7056),
    ("7056 entries", 7056),
    ("784 elements", 784),
    ("614656 parameters", 614_656),
    ("7056 (28*28*9)", 7056),
    ("10 (9 + 1 bias)", 10),
    ("784 values.", 784),
    ("1 pixel of zero padding on each side", 1),
    ("1 px", 1),
    ("zero", 0),
    ("zero pixels", 0),
    ("9 (3x3 kernel)", 9),
    ("9 learnable weights (3x3x1)", 9),
    ("7056 (784 positions x 9 weights)", 7056),
    ("6724 (only real pixels)", 6724),
    ("1 (p = (3-1)/2)", 1),
    ("7056 MACs", 7056),
    ("3 x 3 x 1 = 9", 9),
    ("784*784 = 614,656 weights", 614_656),
    ("1 pixel on all four sides", 1),
    ("1 (on all 4 sides)", 1),
    ("784-element vector", 784),
    ("a 784-dimensional vector", 784),
    ("784 (flattened)", 784),
    ("1-pixel border", 1),
    ("w/ bias: 10", 10),
    ("7.0560e3", 7056),
    ("**7056**", 7056),
    ("*9*", 9),
    ("784**2", 614_656),
]


@pytest.mark.parametrize("text, value", NUMBER_READS)
def test_number_reads(text, value):
    assert number.parse(text).value == value


# ----------------------------------------------------------------------------
# number: refused forms, with the message each gets

NUMBER_HEDGED = [
    "9 or 7056",
    "1 or 2",
    "9 (or 10)",
    "9 / 10 with bias",
    "9/10 (with bias)",
    "9, 10 with bias",
    "9 (10 with bias)",
    "9 and 10",
    "nine or ten",
    "7056 (28*28*8)",      # work that is another value
    "either 9 or 10",
    "9 weights, or 10 with the bias",
    "1 (2 in total)",      # a second count: which one is the answer?
    "9 (3x3) (10 with bias)",
    "9 weights (10 with bias)",
    "9~10",                # a range
    "9 = 10",
    "87-88",
    "87 - 88 times",
    "9 (n^2)",                 # bracketed work that is not a number
    "7056 (28*28*9 (7056))",   # work inside work: one level of bracketed work is read
]


@pytest.mark.parametrize("text", NUMBER_HEDGED)
def test_number_hedged(text):
    """Refused as hedged, quoting the answer and asking for one number."""
    error = refusal(number, text)
    assert isinstance(error, HedgedAnswer)
    assert error.message == (f"'{text}' offers more than one value; an answer with two values "
                             f"is graded as neither")
    assert error.hint == "give the one number you mean; a remark such as '(with padding)' may follow it"


NUMBER_REFUSED = [
    ("9 weights per channel", "'per' in 'weights per channel' after the number was not understood"),
    ("9 per channel", "'per' in 'per channel'"),
    ("9 + bias", "expected a number after '9 +' but found the word 'bias'"),
    ("9 weights, 3 x 3", "there is another number after the answer ('weights, 3 x 3')"),
    ("7056, with padding 1", "another number after the answer"),
    ("not 9", "the word 'not' before the number changes its meaning"),
    ("at least 9", "the word 'least' before the number"),
    ("The answer is not 7056", "the word 'not' before the number"),
    ("half of 7056", "the word 'half' before the number"),
    ("maybe 9", "the word 'maybe' before the number"),
    ("9 apples", "'apples' in 'apples' after the number was not understood"),
    ("9 for each output", "'for' in 'for each output'"),
    ("87%", "'%' in '%'"),
    ("87x faster", "'faster'"),               # comparison words belong to ratios
    ("one two", "no number"),                 # not one number in words
    ("seven thousand and some", "'and' in 'and some'"),
    ("9 apples (3x3)", "'apples' in 'apples'"),
    ("7.056", "the point in '7.056' could be a thousands separator or a decimal point"),
    ("10-bias", "expected a number after '10-' but found the word 'bias'"),
    # a bare 'to' is a range or a ratio, never a power: '1 to 2' was read as 1^2 = 1
    ("1 to 2", "there is another number after the answer ('to 2')"),
    ("28 to 2", "there is another number after the answer ('to 2')"),
]


@pytest.mark.parametrize("text, message", NUMBER_REFUSED)
def test_number_refused_with_a_message(text, message):
    error = refusal(number, text)
    assert not isinstance(error, HedgedAnswer)
    assert message in error.message


@pytest.mark.parametrize("remark, extra, unknown", [
    ("weights", frozenset(), None),
    ("pixels on each side", frozenset(), None),
    ("(with the bias)", frozenset(), None),
    ("per channel", frozenset(), "per"),
    ("per side", frozenset(), None),
    ("times faster", frozenset(), "faster"),
    ("times faster", prose.RATIO_WORDS, None),
    ("matrix", frozenset(), None),
    ("+", frozenset(), "+"),
    ("%", frozenset(), "%"),
    ("/ kernel", frozenset(), "/"),
])
def test_the_remark_vocabulary_is_closed(remark, extra, unknown):
    assert prose.unknown_part(remark, extra) == unknown


def test_a_scale_suffix_on_a_letter_is_still_math():
    """`9k^2` keeps k the kernel side: no number, so the ratio kind may read it as growth."""
    with pytest.raises(NotANumber):
        number.parse("9k^2")


# ----------------------------------------------------------------------------
# significant digits as written

@pytest.mark.parametrize("text, digits", [
    ("87", 2), ("87.1", 3), ("87.10", 4), ("90", 1), ("68300", 3), ("0.0115", 3),
    ("6.83e4", 3), ("6.83 × 10^4", 3), ("68.3k", 3), ("1", 1), ("100", 1),
    ("784/9", None), ("28*28", None), ("784/9 = 87.1", 3),
    # signs, zeros that are not significant, a power of ten dividing
    ("-57.1", 3), ("-6.5 × 10^3", 2), ("0.0120", 3), ("0120", 2), ("6.5 / 10^3", None),
])
def test_significant_digits_as_written(text, digits):
    assert number.parse(text).significant_digits == digits


@pytest.mark.parametrize("value, digits, rounded", [
    (Fraction(784, 9), 2, {87}),
    (Fraction(784, 9), 3, {Fraction("87.1")}),
    (Fraction(614_656, 9), 3, {68_300}),
    (Fraction("99.96"), 3, {100}),
    (Fraction("0.125"), 2, {Fraction("0.12"), Fraction("0.13")}),   # a tie: both roundings
    (Fraction(-784, 9), 2, {-87}),
    (Fraction(1), 2, {1}),
    (Fraction(0), 3, {0}),
])
def test_rounded_to(value, digits, rounded):
    assert number.rounded_to(value, digits) == rounded


@pytest.mark.parametrize("text, floor, note", [
    ("400/7", 2, "Compared exactly, as written."),
    ("57.1", 2, "Judged to the 3 significant digits you wrote."),
    ("57", 2, "Judged to the 2 significant digits you wrote."),
    ("60", 1, "Judged to the 1 significant digit you wrote."),
    ("60", 2, "Judged to 2 significant digits, the fewest accepted here (you wrote 1)."),
])
def test_the_precision_rule_is_said(text, floor, note):
    assert number.precision_note(number.parse(text), floor) == note


# ----------------------------------------------------------------------------
# shape: accepted forms

SHAPE_READS = [
    ("28-by-28", (28, 28)),                 # m-by-n, as matrices are named
    ("(784, 7,056)", (784, 7056)),          # a spaced comma separates, 7,056 groups thousands
    ("[3136, 9,834,496]", (3136, 9834496)),
    ("(1,024, 9)", (1024, 9)),
    ("(784,7,056)", (784, 7, 56)),           # no spaced comma: every comma separates
    ("(28,28,3)", (28, 28, 3)),
    ("784-by-9 matrix", (784, 9)),
    ("28 -by- 28-by-1", (28, 28, 1)),
    ("R^{784 x 9}", (784, 9)),
    ("R^{784 \\times 9}", (784, 9)),
    ("\\mathbb{R}^{784 \\times 9}", (784, 9)),
    ("$\\mathbb{R}^{784 \\times 9}$", (784, 9)),
    ("ℝ^(784×9)", (784, 9)),
    ("ℝ^{784×9}", (784, 9)),
    ("dz/dW ∈ ℝ^{784×9}", (784, 9)),
    ("dz/dW \\in \\mathbb{R}^{784 \\times 9}", (784, 9)),
    ("torch.Size([784, 9])", (784, 9)),
    ("Size([784, 9])", (784, 9)),
    ("tf.TensorShape([784, 9])", (784, 9)),
    ("(None, 28, 28, 1)", (28, 28, 1)),
    ("[None, 784]", (784,)),
    ("(?, 28, 28, 1)", (28, 28, 1)),
    ("(784,)", (784,)),
    ("(784, )", (784,)),
    ("1x28x28", (1, 28, 28)),
    ("784 rows, 9 columns", (784, 9)),
    ("784 rows and 9 columns", (784, 9)),
    ("784 rows x 9 cols", (784, 9)),
    ("9 columns, 784 rows", (784, 9)),
    ("dz/dW is 784 x 9", (784, 9)),
    ("the output is 28x28", (28, 28)),
    ("Answer: 28 x 28", (28, 28)),
    ("784 outputs x 9 weights", (784, 9)),
    ("twenty-eight by twenty-eight", (28, 28)),
    ("784 x 9 = 7056", (784, 9)),
    ("28*28 x 9 = 784 x 9", (784, 9)),
    ("784 x 9 (7056 entries)", (784, 9)),
    ("28 x 28 (same padding)", (28, 28)),
    ("28 x 28 (with padding)", (28, 28)),
    ("16 × 16 pixels", (16, 16)),
    ("784 x 9 matrix", (784, 9)),
    ("784 × 9 Jacobian", (784, 9)),
    ("28 x 28 x 1 image", (28, 28, 1)),
    ("784x7{,}056", (784, 7056)),
    ("28×28 (same as input)", (28, 28)),
    ("28 x 28 x 1 (H x W x C)", (28, 28, 1)),
    ("784 x 9 (outputs x weights)", (784, 9)),
    ("784 x 9 (rows = outputs, cols = weights)", (784, 9)),
    ("(28*28) x (3*3)", (784, 9)),
    ("Output: 28x28x1 (height x width x channels)", (28, 28, 1)),
    # a channel count restates the last dimension, or adds it channels-last
    ("28 x 28 x 1 (one channel)", (28, 28, 1)),
    ("16 x 16 x 4 (4 channels)", (16, 16, 4)),
    ("16 x 16, 4 channels", (16, 16, 4)),
    ("16x16 with 4 output channels", (16, 16, 4)),
    ("28x28, 1 channel", (28, 28, 1)),                   # one channel is a claim, as 'x 1' is
    ("28x28 (1 channel, same padding)", (28, 28, 1)),
    # a space groups thousands in a shape as in a number, never separates dimensions
    ("784 × 7 056", (784, 7056)),
    ("784\u202f×\u202f7\u202f056", (784, 7056)),
    ("784 x 614 656", (784, 614656)),
    ("(784, 7 056)", (784, 7056)),
    ("[3136, 9 834 496]", (3136, 9834496)),
    ("784 x 7 056 (5 531 904 entries)", (784, 7056)),
]


@pytest.mark.parametrize("text, dims", SHAPE_READS)
def test_shape_reads(text, dims):
    assert shape.parse(text).dims == dims


@pytest.mark.parametrize("text, reference, transpose, expected", [
    ("1x28x28", (28, 28, 1), False, True),           # channels first: a size-1 channel
    ("(None, 28, 28, 1)", (28, 28, 1), False, True),
    ("(784,)", (784,), False, True),
    ("torch.Size([9, 784])", (784, 9), True, True),
    ("torch.Size([9, 784])", (784, 9), False, False),
    ("3x28x28", (28, 28, 3), False, False),          # reordering is not loosened
    ("784 rows, 9 columns", (9, 784), False, False),
])
def test_shape_notations_are_judged_against_the_question(text, reference, transpose, expected):
    assert shape.matches(shape.parse(text), reference, allow_transpose=transpose) is expected


SHAPE_HEDGED = [
    "either 28x28 or 26x26",
    "28x28 or 26x26",
    "784 x 9 (784 x 10 with bias)",
    "784 x 9 (or 9 x 784)",
    "28 x 28 and 26 x 26",
    "16 x 16 x 4 (3 channels)",
    "16 x 16 x 4 (1 channel)",       # one channel is a claim too, never ignored
]


@pytest.mark.parametrize("text", SHAPE_HEDGED)
def test_shape_hedged(text):
    error = refusal(shape, text)
    assert isinstance(error, HedgedAnswer)
    assert "more than one value" in error.message


SHAPE_REFUSED = [
    ("28x28 per channel", "'per' in 'per channel' after the shape was not understood"),
    ("28 x 28, with padding 1", "there is another number after the shape ('with padding 1')"),
    ("784 x 9 = 784 x 10", "the two sides of '=' are different sizes (784 × 9 and 784 × 10)"),
    ("(None, None, 28)", "the word 'None'"),
    ("not 28 x 28", "the word 'not' before the shape"),
    ("28 x 28 apples", "'apples'"),
]


@pytest.mark.parametrize("text, message", SHAPE_REFUSED)
def test_shape_refused_with_a_message(text, message):
    error = refusal(shape, text)
    assert not isinstance(error, HedgedAnswer)
    assert message in error.message


# ----------------------------------------------------------------------------
# ratio: accepted forms

RATIO_READS = [
    ("1x (same)", 1),
    ("1 (same)", 1),
    ("about 87 times faster", 87),
    ("87.1x", Fraction("87.1")),
    ("x87", 87),
    ("×87.1", Fraction("87.1")),
    ("87 times more", 87),
    ("87 times slower", 87),
    ("87x faster than the convolution", 87),
    ("87 times fewer multiplications", 87),
    ("87 (784/9)", 87),
    ("87 times faster (784/9)", 87),    # comparison words before bracketed work
    ("87 (784/9 times faster)", 87),    # and inside it
    ("68.3k", 68_300),
    ("eighty-seven times", 87),
    ("87.1 : 1", Fraction("87.1")),
    ("87.1x faster (forward)", Fraction("87.1")),
    ("87.11 times as many multiplications", Fraction("87.11")),
    ("87x faster for the FC layer", 87),
    ("no speedup (1x)", 1),
    ("1 (no speedup)", 1),
    ("1x, same number of multiplications", 1),
    ("Same: 1x", 1),
    ("The conv layer is 87 times faster", 87),
    ("Conv is ~87x faster than FC", 87),
    ("87x (784/9)", 87),                # the cross says how many times; the bracket is work
    ("87.1x (784/9)", Fraction("87.1")),
    ("87 times (784/9)", 87),
    ("87× (784/9)", 87),
    ("87x (784/9 rounded)", 87),
    ("87-fold", 87),                    # 'fold', hyphenated or not, says how many times
    ("87.1-fold faster", Fraction("87.1")),
    ("a 784 fold speed-up", 784),
]


@pytest.mark.parametrize("text", ["2*(n+1)", "2 × (n+1)", "2·(n+1)", "2 x (n+1)"])
def test_a_cross_before_a_bracketed_growth_stays_a_product(text):
    reading = ratio.parse(text)
    assert reading.number is None and reading.growth.dominant.size_exp == 1


def test_a_letter_x_before_a_bracketed_growth_is_refused_naming_it():
    """`x` beside a letter and no operand before it is the letter x: with n it
    makes two size letters, refused, never guessed."""
    with pytest.raises(ParseError, match="uses x"):
        ratio.parse("x (n+1)")


@pytest.mark.parametrize("text, value", RATIO_READS)
def test_ratio_reads(text, value):
    assert ratio.parse(text).number.value == value


@pytest.mark.parametrize("text, message", [
    ("87 or 88", "more than one value"),
    ("87x faster per layer", "'per'"),
    ("87 (or 88)", "more than one value"),
    ("87%", "'%'"),
    ("87 x (700/9)", "reads two ways"),   # work that disagrees, or a product: neither
    ("87.1 to 1", "another number after the answer ('to 1')"),   # was 87.1^1
    ("9 x (784/81)", "reads two ways"),
])
def test_ratio_refused_with_a_message(text, message):
    assert message in refusal(ratio, text).message


# ----------------------------------------------------------------------------
# grading: counts exact, ratios to the digits written

@dataclass(frozen=True)
class _Item:
    hint: str = "a hint"
    significant_digits: int = 2
    transpose_ok: bool = False
    entries_ok: bool = False
    square_side_ok: bool = False


def _entry(reference, *mistakes) -> PreparedItem:
    candidates = [Candidate("reference", Fraction(reference), 1.0, "")]
    candidates += [Candidate(f"mistake {n}", Fraction(value), 0.0, "A recognised mistake.")
                   for n, value in enumerate(mistakes)]
    return PreparedItem(tuple(candidates), None, True, "")


@pytest.mark.parametrize("text, credit", [
    ("7056", 1), ("7,056", 1), ("7.056e3", 1), ("7056.0", 1), ("7.056 thousand", 1),
    ("seven thousand and fifty-six", 1), ("~7056", 1),
    ("7.05e3", 0), ("7.06e3", 0), ("~7000", 0), ("about 7000", 0), ("7k", 0), ("7057", 0),
    ("7.1 thousand", 0),
])
def test_counts_are_exact(text, credit):
    verdict = number.grade(number.parse(text), Reference.of(_Item(), _entry(7056)))
    assert verdict.credit == credit


def test_a_rounded_count_is_told_counts_are_exact():
    verdict = number.grade(number.parse("7.05e3"), Reference.of(_Item(), _entry(7056)))
    assert verdict.credit == 0 and number.COUNTS_ARE_EXACT in verdict.feedback
    assert "7,056" not in verdict.feedback and "7056" not in verdict.feedback
    plain = number.grade(number.parse("7057"), Reference.of(_Item(), _entry(7056)))
    assert number.COUNTS_ARE_EXACT not in plain.feedback


@pytest.mark.parametrize("text, credit, said, unsaid", [
    ("7056", 1, "Correct.", "a hint"),
    ("7057", 0, "a hint", "Check your working"),                 # wrong: the item's hint
    ("84*83 = 7056", 1, "Check your working: the work shown does not add up", "a hint"),
    ("84*84 = 7057", 0, "Check your working", "Correct."),       # both notes for a wrong sum
    ("84*84 = 7057", 0, "a hint", "Correct."),
    ("84*84 = 7.05e3", 0, "The final value 7,050 was graded. A count is a whole number", "Correct."),
])
def test_a_count_verdict_says_the_hint_and_any_working_that_does_not_add_up(text, credit, said,
                                                                            unsaid):
    verdict = number.grade(number.parse(text), Reference.of(_Item(), _entry(7056)))
    assert verdict.credit == credit and said in verdict.feedback and unsaid not in verdict.feedback


_FORWARD = Fraction(784, 9)
_BACKWARD = Fraction(614_656, 9)


@pytest.mark.parametrize("text, reference, floor, credit", [
    ("87", _FORWARD, 2, 1), ("87.1", _FORWARD, 2, 1), ("87.11", _FORWARD, 2, 1),
    ("87.111", _FORWARD, 2, 1), ("8.7e1", _FORWARD, 2, 1), ("784/9", _FORWARD, 2, 1),
    ("784:9", _FORWARD, 2, 1), ("87.1 : 1", _FORWARD, 2, 1), ("~87", _FORWARD, 2, 1),
    ("about 87 times faster", _FORWARD, 2, 1), ("784/9 = 87.1", _FORWARD, 2, 1),
    ("90", _FORWARD, 2, 0), ("~90", _FORWARD, 2, 0), ("about 90", _FORWARD, 2, 0),
    ("87.2", _FORWARD, 2, 0), ("87.0", _FORWARD, 2, 0), ("87.12", _FORWARD, 2, 0),
    ("88", _FORWARD, 2, 0), ("87.1", _FORWARD, 4, 0), ("87", _FORWARD, 3, 0),
    ("87.11", _FORWARD, 4, 1), ("785/9", _FORWARD, 2, 0),
    ("68295", _BACKWARD, 2, 1), ("68,295x", _BACKWARD, 2, 1), ("6.83 × 10^4", _BACKWARD, 2, 1),
    ("68.3k", _BACKWARD, 2, 1), ("68k", _BACKWARD, 2, 1), ("68296", _BACKWARD, 2, 0),
    ("70000", _BACKWARD, 2, 0), ("6.8e4", _BACKWARD, 3, 0),
    ("1", 1, 2, 1), ("1x (same)", 1, 2, 1), ("same", 1, 2, 1), ("1.1", 1, 2, 0),
])
def test_ratios_are_judged_to_the_digits_written(text, reference, floor, credit):
    verdict = ratio.grade(ratio.parse(text), Reference.of(_Item(significant_digits=floor), _entry(reference)))
    assert verdict.credit == credit


@pytest.mark.parametrize("text, floor, note", [
    ("87.1", 2, "Judged to the 3 significant digits you wrote."),
    ("87", 2, "Judged to the 2 significant digits you wrote."),
    ("90", 2, "Judged to 2 significant digits, the fewest accepted here (you wrote 1)."),
    ("87", 3, "Judged to 3 significant digits, the fewest accepted here (you wrote 2)."),
    ("784/9", 2, "Compared exactly, as written."),
])
def test_ratio_feedback_says_the_rule(text, floor, note):
    verdict = ratio.grade(ratio.parse(text), Reference.of(_Item(significant_digits=floor), _entry(_FORWARD)))
    assert note in verdict.feedback


def test_a_ratio_mistake_is_matched_to_the_digits_written_too():
    entry = _entry(_FORWARD, 1 / _FORWARD)
    verdict = ratio.grade(ratio.parse("0.0115"), Reference.of(_Item(), entry))
    assert (verdict.outcome, verdict.mistake, verdict.credit) == (Outcome.MISTAKE, "mistake 0", 0)


# ----------------------------------------------------------------------------
# the spec: no blanket tolerance

def test_the_spec_sets_a_floor_of_significant_digits():
    spec = load_spec()
    ratios = [item for item in spec.items if item.kind == "ratio"]
    assert ratios and all(item.significant_digits == 2 for item in ratios)
    assert all(item.significant_digits == 0 for item in spec.items if item.kind != "ratio")


@pytest.mark.parametrize("extra, message", [
    ("defaults: {ratio_tolerance: 0.01}", "ratio_tolerance"),
    ("defaults: {ratio_significant_digits: 0}", "from 1 to 20"),
    ("defaults: {ratio_significant_digits: 2.5}", "from 1 to 20"),
])
def test_the_spec_refuses_tolerances_and_bad_floors(tmp_path, extra, message):
    from conftest import ROOT
    variant = tmp_path / "variant.yaml"
    variant.write_text(f"extends: {ROOT / 'specs' / 'hw3.yaml'}\n{extra}\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_spec(variant)
    assert message in str(caught.value)


# ----------------------------------------------------------------------------
# end to end: a hedged answer is labelled, gets nothing, and says why

def test_a_hedged_answer_is_graded_as_neither(grade):
    from conftest import set_answer, solved_answers
    sheet = set_answer(solved_answers(), "q2.b", "9 or 7056")
    set_answer(sheet, "q2.a.output_size", "either 28x28 or 26x26")
    set_answer(sheet, "q2.h.forward_vs_fully_connected", "~90")
    graded = grade(sheet)
    assert graded.outcome("q2.b") == "hedged"
    assert graded.outcome("q2.a.output_size") == "hedged"
    assert set(graded.lost()) == {"2.b", "2.a.1", "2.h.2"}
    assert "Give one answer" in graded.tests["2.b"]["output"]
    assert "Judged to 2 significant digits" in graded.tests["2.h.2"]["output"]


# ----------------------------------------------------------------------------
# properties

#: Right answers of each kind and the value they are read as.
_READ_AS = [
    (number, "7056", 7056), (number, "28*28*9 = 7056", 7056), (number, "9 weights", 9),
    (number, "nine", 9), (number, "Answer: 784", 784), (number, "7.056e3", 7056),
    (shape, "784 x 9", (784, 9)), (shape, "(28, 28, 1)", (28, 28, 1)),
    (shape, "R^{784 x 9}", (784, 9)), (shape, "784 x 9 matrix", (784, 9)),
    (ratio, "87.1x", Fraction("87.1")), (ratio, "~87 times faster", 87), (ratio, "784/9", _FORWARD),
]


def _value(kind, text):
    reading = kind.parse(text)
    if kind is shape:
        return reading.dims
    if kind is ratio:
        return None if reading.number is None else reading.number.value
    return reading.value


_EXTRA_WORDS = {number: frozenset(), shape: prose.SHAPE_WORDS, ratio: prose.RATIO_WORDS}
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCXYZ", min_size=1, max_size=9)
_NUMBERS = st.one_of(st.integers(min_value=0, max_value=10**6).map(str),
                     st.decimals(min_value=0, max_value=1000, places=2).map(str))


def _agreeing_work(kind, text, value, appended: str) -> bool:
    """`9 weights (9)`, `~87 times faster (87.3)`: a bracketed number equal to
    the answer, or that the answer rounds to the digits written, is shown work
    that agrees with it, read as such by design (`240 (12*20)`)."""
    if kind is shape or not appended[0].isdigit():
        return False
    work = Fraction(appended)
    reading = kind.parse(text)
    digits = (reading.number if kind is ratio else reading).significant_digits
    return work == value or (digits is not None and value in number.rounded_to(work, digits))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_READ_AS), st.one_of(_WORDS, _NUMBERS),
       st.sampled_from([" ", ", ", " (", " or ", " per ", " + ", " and "]))
def test_an_appended_word_or_number_is_never_dropped_silently(answer, appended, joiner):
    """Appending a word outside the vocabulary, or a number, to a right answer
    either changes the value read or refuses the answer: never the same value
    with the addition silently ignored."""
    kind, text, value = answer
    assume(not (joiner == " + " and appended[0].isdigit()))  # arithmetic: `12 + 0` is 12
    assume(not (text.endswith("x") and joiner == " " and appended[0].isdigit()
                and Fraction(appended) == 1))                # a product: `87.1x 1.00` is 87.1
    assume(not (joiner == " (" and _agreeing_work(kind, text, value, appended)))
    addition = joiner + appended + (")" if joiner == " (" else "")
    harmless = (not any(char.isdigit() for char in addition)
                and prose.unknown_part(addition, _EXTRA_WORDS[kind]) is None)
    try:
        read = _value(kind, text + addition)
    except ParseError:
        return
    assert read != value or harmless, (text + addition, read)


_ONES_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
               "seventeen", "eighteen", "nineteen"]
_TENS_WORDS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _in_words(value: int, *, with_and: bool) -> str:
    """English words for 0 <= value < 10**9 (a reference writer, independent of the grader's)."""
    if value < 20:
        return _ONES_WORDS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return _TENS_WORDS[tens] + (f"-{_ONES_WORDS[ones]}" if ones else "")
    for size, name in ((10 ** 6, "million"), (1000, "thousand"), (100, "hundred")):
        if value >= size:
            high, rest = divmod(value, size)
            head = f"{_in_words(high, with_and=with_and)} {name}"
            if not rest:
                return head
            joiner = " and " if with_and and rest < 100 else " "
            return head + joiner + _in_words(rest, with_and=with_and)
    raise AssertionError(value)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10 ** 9 - 1), st.booleans())
def test_number_words_read_as_their_value(value, with_and):
    assert number.parse(_in_words(value, with_and=with_and)).value == value


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=Fraction(1, 1000), max_value=10 ** 6, max_denominator=1000),
       st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=3))
def test_a_ratio_is_right_exactly_when_rounded_to_the_digits_written(reference, floor, extra):
    """The reference rounded (half-up) to d >= floor significant digits is
    right; one unit more or less in the last digit written is wrong."""
    from decimal import ROUND_HALF_UP, Decimal, localcontext
    digits = floor + extra
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(reference.numerator) / Decimal(reference.denominator)
        unit = Decimal(1).scaleb(exact.adjusted() - digits + 1)
        rounded = exact.quantize(unit, rounding=ROUND_HALF_UP)
        if rounded.adjusted() != exact.adjusted():  # 9.96 -> 10.0, written 10 to keep d digits
            unit = Decimal(1).scaleb(exact.adjusted() - digits + 2)
            rounded = rounded.quantize(unit)
    item, entry = _Item(significant_digits=floor), _entry(reference)
    written = f"{rounded:f}"
    assert ratio.grade(ratio.parse(written), Reference.of(item, entry)).credit == 1, written
    for neighbour in (rounded + unit, rounded - unit):
        if neighbour > 0 and Fraction(neighbour) not in number.rounded_to(reference, digits):
            text = f"{neighbour:f}"
            if number.read(text).significant_digits >= digits:
                assert ratio.grade(ratio.parse(text), Reference.of(item, entry)).credit == 0, text
