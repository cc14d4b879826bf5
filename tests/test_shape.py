"""The shape kind end to end: every refusal's exact message and hint, the
brackets and separators that decide what a dimension is, and the verdicts
`shape.grade` gives against the hw3 spec's proved Jacobian and output
sizes (a shape, its entry count, the side of a square, a transpose)."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from autograder.answers import shape
from autograder.answers.errors import HedgedAnswer, ParseError
from autograder.answers.verdict import Outcome, Reference
from autograder.assignment.prepared import Candidate, PreparedItem, load_or_prepare
from autograder.assignment.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
HINT = "write the dimensions separated by x, for example 20 x 5"
ONE_SHAPE = "give one shape, such as 20 x 5; explanations go in the written parts"
ONE_VALUE = "give the one shape you mean; a remark such as '(with padding)' may follow it"
UNKNOWN_WORD = "write just the shape; a unit such as 'weights' or 'pixels' may follow it"
CHANGES = "write just the shape, for example 20 x 5"


# -- refusals, word for word ----------------------------------------------------

@pytest.mark.parametrize("text, message, hint", [
    ("pixels", "there is no shape in it", HINT),
    ("20 x 5 = 20 x 6", "the two sides of '=' are different sizes (20 × 5 and 20 × 6)", HINT),
    ("20 x , 5", "two separators in a row after '20'", HINT),
    ("20 x", "expected a dimension after '20 x' but the answer ends there", HINT),
    ("20 x )", "expected a dimension after '20 x' but found ')'", HINT),
    ("7/2 x 5", "the dimension 7/2 is 3.5, not a whole number", HINT),
    ("0 x 5", "the dimension 0 is 0; dimensions must be positive", HINT),
    ("20 x 5 9", "there is another number after the shape ('9')", ONE_SHAPE),
    ("20 x 5, 6", "there is another number after the shape ('6')", ONE_SHAPE),
    ("at least 20 x 5", "the word 'least' before the shape changes its meaning, so it was not "
                        "read", CHANGES),
    ("not in R^{20 x 5}", "the word 'not' before the shape changes its meaning, so it was not "
                          "read", CHANGES),
    ("20 x 5 by hand", "'by' in 'by hand' after the shape was not understood, and it could "
                       "change the answer", UNKNOWN_WORD),
    ("20 x 5 lorem (4 x 25)", "'lorem' in 'lorem' after the shape was not understood, and it "
                              "could change the answer", UNKNOWN_WORD),
    ("20 rows, 5 rows", "there is another number after the shape ('rows, 5 rows')", ONE_SHAPE),
    ("20 x 20, 4 channels, 3 channels", "there is another number after the shape ('4 channels, "
                                        "3 channels')", ONE_SHAPE),
    ("20 x 5 9999999999 9999999999 9999999999 9999999999", "there is another number after the "
     "shape ('9999999999 9999999999 9999999999 9999999')", ONE_SHAPE),   # quoted up to 40 characters
    ("20 x 5 = 0 x 5", "the dimension 0 is 0; dimensions must be positive", HINT),
    ("at most: 20 x 5", "the word 'most' before the shape changes its meaning, so it was not read",
     CHANGES),
    ("(30 x 30", "the '(' is never closed", "add the missing ')'"),
    ("(30, 30", "the '(' is never closed", "add the missing ')'"),
])
def test_a_refusal_names_what_was_not_read(text, message, hint):
    with pytest.raises(ParseError) as caught:
        shape.parse(text)
    assert not isinstance(caught.value, HedgedAnswer)
    assert (caught.value.message, caught.value.hint) == \
        (f"could not read '{text}' as a shape: {message}", hint)


@pytest.mark.parametrize("text", [
    "20 x 5 (4 x 26)",          # bracketed work with other entries
    "20 x 5 (6)",
    "20 x 5 (20 x 5 (100))",    # work's own work is a second value
    "20 x 5 or 20 x 6",
    "20 x 5 (20 x 6 instead)",  # bracketed work that disagrees
    "20 x 5 and 4 x 25",        # a remark that offers another value
    "20 x 5 (6 with bias)",
])
def test_a_second_shape_is_hedged(text):
    with pytest.raises(HedgedAnswer) as caught:
        shape.parse(text)
    assert (caught.value.message, caught.value.hint) == (
        f"'{text}' offers more than one value; an answer with two values is graded as neither",
        ONE_VALUE)


def test_entries_up_to_the_digit_bound_are_read_and_past_it_refused():
    assert shape.parse("2^3321").dims == (2 ** 3321,)   # 3,322 bits: the bound itself
    with pytest.raises(ParseError, match="more than 1,000 digits of entries"):
        shape.parse("2^3320 x 3")


# -- what a dimension is ----------------------------------------------------------

@pytest.mark.parametrize("text, dims, remark", [
    ("(2*(3+4), 5)", (14, 5), ""),          # a bracket inside a dimension
    ("(400^2)/8 x 5", (20000, 5), ""),       # a bracket that is part of the math
    ("[20,]", (20,), ""),
    ("{20,}", (20,), ""),
    ("(20,)", (20,), ""),
    ("20 x 5, with padding", (20, 5), "with padding"),
    ("5 columns, 20 rows", (20, 5), ""),
    ("20 rows by 5 columns", (20, 5), ""),
    ("20 x 5 = 100", (20, 5), ""),            # work after '=' with the same entries
    ("20 x 5 ~ 4 x 25", (20, 5), ""),
    ("20 x 5 (4 x 25)", (20, 5), "(4 x 25)"),
    ("20 x 5 weights (4 x 25)", (20, 5), "weights (4 x 25)"),
    ("20 x 5 grid (4 x 25)", (20, 5), "grid (4 x 25)"),   # a word of shapes before the work
    ("784X784", (784, 784), ""),                          # a capital X separates, never groups
    ("(784X784, 9)", (784, 784, 9), ""),
    ("20, with padding", (20,), "with padding"),          # a comma before words ends the shape
])
def test_brackets_separators_and_work_decide_the_dimensions(text, dims, remark):
    reading = shape.parse(text)
    assert (reading.dims, reading.remark) == (dims, remark)


@pytest.mark.parametrize("text, shown", [
    ("20 x 5", "20 × 5"),
    ("4*5 x 5", "4*5 × 5 = 20 × 5"),
])
def test_the_reading_shows_the_dimensions_as_written_and_worked_out(text, shown):
    assert shape.parse(text).shown == shown


# -- grade against the proved references --------------------------------------------

@pytest.fixture(scope="module")
def reference_of():
    spec = load_spec()
    prepared = load_or_prepare(spec)
    items = {item.key: item for item in spec.items}
    return lambda key: Reference.of(items[key], prepared.item(key))


@pytest.mark.parametrize("key, text, credit, outcome, mistake, note", [
    ("q2.f.standard", "784 x 9", 1.0, Outcome.CORRECT, "", ""),
    ("q2.f.standard", "9 x 784", 1.0, Outcome.CORRECT, "", ""),                 # transpose_ok
    ("q2.f.standard", "28 x 28 x 3 x 3", 1.0, Outcome.CORRECT, "", ""),         # grouped
    ("q2.f.standard", "7056", 1.0, Outcome.CORRECT, "",
     "Read as the number of entries; writing the shape says more."),            # entries_ok
    ("q2.f.standard", "7056 x 1", 1.0, Outcome.CORRECT, "",
     "Read as the number of entries; writing the shape says more."),
    ("q2.f.standard", "7840", 1.0, Outcome.ACCEPTED_VARIANT, "", ""),          # with biases
    ("q2.f.standard", "7841", 0.0, Outcome.WRONG, "", ""),
    ("q2.f.standard", "9", 0.0, Outcome.MISTAKE, "jacobian_weights_only", ""),
    ("q2.f.standard", "784 x 784", 0.0, Outcome.MISTAKE, "jacobian_outputs_by_outputs", ""),
    ("q2.f.standard", "2 x 3", 0.0, Outcome.WRONG, "", ""),                    # too few entries
    ("q2.f.standard", "784", 0.0, Outcome.WRONG, "", ""),                      # no square side
    ("q2.a.output_size", "28", 1.0, Outcome.CORRECT, "", "Read as the side of a square."),
    ("q2.a.output_size", "28 x 1", 1.0, Outcome.CORRECT, "", "Read as the side of a square."),
    ("q2.a.output_size", "26", 0.0, Outcome.MISTAKE, "valid_padding", ""),
    ("q2.a.output_size", "28 x 28", 1.0, Outcome.CORRECT, "", ""),     # x 1 channel left out
    ("q2.a.output_size", "1 x 28 x 28", 1.0, Outcome.CORRECT, "", ""),
    ("q2.a.output_size", "28 x 26", 0.0, Outcome.WRONG, "", ""),
])
def test_a_shape_is_graded_against_every_candidate(reference_of, key, text, credit, outcome,
                                                   mistake, note):
    reference = reference_of(key)
    verdict = shape.grade(shape.parse(text), reference)
    assert (verdict.credit, verdict.outcome, verdict.mistake) == (credit, outcome, mistake)
    assert verdict.read == shape.describe(shape.parse(text))
    if outcome is Outcome.WRONG:
        assert verdict.feedback == f"Not correct. {reference.item.hint}"
    elif outcome is Outcome.CORRECT:
        assert verdict.feedback == " ".join(("Correct.", note)).strip()


def _item(**options):
    fields = {"hint": "a hint", "transpose_ok": False, "entries_ok": False, "square_side_ok": False}
    return type("Item", (), {**fields, **options})()


def _reference(item, value) -> Reference:
    return Reference.of(item, PreparedItem((Candidate("reference", value, 1.0, ""),), None, True, ""))


@pytest.mark.parametrize("transpose_ok, credit", [(False, 0.0), (True, 1.0)])
def test_a_transpose_is_right_only_where_the_item_allows_it(transpose_ok, credit):
    reference = _reference(_item(transpose_ok=transpose_ok), (Fraction(20), Fraction(5)))
    assert shape.grade(shape.parse("5 x 20"), reference).credit == credit
    assert shape.grade(shape.parse("20 x 5"), reference).credit == 1.0


@pytest.mark.parametrize("text, credit", [("20", 0.0), ("5", 0.0), ("20 x 5", 1.0)])
def test_one_number_is_a_square_side_only_for_a_square(text, credit):
    reference = _reference(_item(square_side_ok=True), (Fraction(20), Fraction(5)))
    assert shape.grade(shape.parse(text), reference).credit == credit


@pytest.mark.parametrize("text, credit", [("100", 1.0), ("20 x 5", 1.0), ("99", 0.0)])
def test_a_candidate_that_is_a_count_matches_any_shape_with_as_many_entries(text, credit):
    assert shape.grade(shape.parse(text), _reference(_item(), Fraction(100))).credit == credit


def _reference_with(item, *candidates) -> Reference:
    """A reference whose candidates are (name, dims, credit): the reference
    first, then variants and mistakes, as a prepared item lists them."""
    values = tuple(Candidate(name, tuple(Fraction(d) for d in dims), credit, f"{name} feedback")
                   for name, dims, credit in candidates)
    return Reference.of(item, PreparedItem(values, None, True, ""))


_OUTPUT = _reference_with(_item(square_side_ok=True), ("reference", (20, 20, 4), 1.0),
                          ("variant 1", (20, 20), 1.0), ("count_as_shape", (1600,), 0.5),
                          ("weights_only", (10,), 0.0))


@pytest.mark.parametrize("text, credit, outcome", [
    ("1600", 0.5, Outcome.MISTAKE),            # one number: the count the mistake stands for
    ("40 x 40", 0.0, Outcome.WRONG),           # a shape whose entries are that count is not it
    ("4 x 400", 0.0, Outcome.WRONG),
    ("(4, 20, 20)", 0.0, Outcome.WRONG),       # channels first is not loosened either
    ("2 x 5", 0.0, Outcome.MISTAKE),           # a candidate worth nothing still names its mistake
])
def test_a_shape_never_earns_the_credit_of_a_count_by_its_entries(text, credit, outcome):
    verdict = shape.grade(shape.parse(text), _OUTPUT)
    assert (verdict.credit, verdict.outcome) == (credit, outcome)


@pytest.mark.parametrize("text, credit", [
    ("20 x 20 x 4", 1.0),
    ("20 x 20", 1.0),                   # the spatial size, accepted as a variant
    ("1 x 20 x 20 x 4", 1.0),           # a batch of one
    ("(None, 20, 20, 4)", 1.0),
    ("20 x 20 x 4 x 1", 1.0),
    ("20 x 20 x 1", 0.0),               # one channel, not four
    ("20 x 20, 1 channel", 0.0),
    ("20 x 20 x 1 x 1", 0.0),
    ("1 x 20 x 20", 0.0),               # one channel first, or a batch of a map without its channels
    ("20 x 1", 0.0),                    # not the side of a square
])
def test_a_one_written_where_the_question_has_a_larger_size_is_read_as_written(text, credit):
    assert shape.grade(shape.parse(text), _OUTPUT).credit == credit


@pytest.mark.parametrize("text, credit", [
    ("20 x 20 x 1", 1.0), ("1 x 20 x 20", 1.0), ("20 x 20, 1 channel", 1.0), ("20 x 1", 1.0),
    ("20 x 20 x 4", 0.0),
])
def test_a_one_channel_output_takes_its_one_anywhere(text, credit):
    reference = _reference_with(_item(square_side_ok=True), ("reference", (20, 20, 1), 1.0))
    assert shape.grade(shape.parse(text), reference).credit == credit


@pytest.mark.parametrize("text", ["500 x 1", "1 x 500", "100 x 5 x 1", "1 x 5 x 100"])
def test_a_count_written_as_a_vector_stays_a_count_where_the_item_takes_counts(text):
    reference = _reference_with(_item(entries_ok=True, transpose_ok=True),
                                ("reference", (100, 5), 1.0))
    assert shape.grade(shape.parse(text), reference).credit == 1.0


@pytest.fixture(scope="module")
def variant_reference_of():
    """References of the spec variants with several output channels."""
    cache = {}

    def reference(spec_name, key):
        if spec_name not in cache:
            spec = load_spec(ROOT / "specs" / f"{spec_name}.yaml")
            cache[spec_name] = (spec, load_or_prepare(spec))
        spec, prepared = cache[spec_name]
        item = next(i for i in spec.items if i.key == key)
        return Reference.of(item, prepared.item(key))
    return reference


@pytest.mark.parametrize("spec_name, key, text, credit", [
    ("variant-32x32", "q2.a.output_size", "16 x 16 x 4", 1.0),
    ("variant-32x32", "q2.a.output_size", "16 x 16", 1.0),
    ("variant-32x32", "q2.a.output_size", "32 x 32", 0.0),          # the input's size, not 1,024 values
    ("variant-32x32", "q2.a.output_size", "1024", 0.5),             # the count, as the spec grants
    ("variant-32x32", "q2.a.output_size", "16 x 16 x 1", 0.0),
    ("variant-32x32", "q2.a.output_size", "16 x 16, 1 channel", 0.0),
    ("variant-even-kernel", "q2.a.output_size", "28 x 28 x 1", 0.0),
    ("variant-even-kernel", "q2.a.output_size", "1 x 28 x 28 x 2", 1.0),
    ("hw3", "q2.a.output_size", "16 x 49", 0.0),
    ("hw3", "q2.a.output_size", "28 x 28 x 1", 1.0),
    ("hw3", "q2.f.non_weight_sharing", "784 x 7 056", 1.0),
    ("hw3", "q2.f.fully_connected", "784 × 614 656", 1.0),
])
def test_the_specs_output_sizes_and_spaced_thousands(variant_reference_of, spec_name, key, text,
                                                     credit):
    verdict = shape.grade(shape.parse(text), variant_reference_of(spec_name, key))
    assert verdict.credit == credit
