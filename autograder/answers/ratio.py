"""Reading an answer that says how many times faster or larger one thing is:
a number (`57x faster`, `~57 times`, `57-fold`, `400^2/7`, `12,345x`), a growth
(`O(N^5)`, `grows as n`, `N^2/7`), a word meaning 1 (`same`, `equally
fast`, `no faster`), or `a:b`, read as a/b and flagged, since students
write the ratio both ways round. Comparison words after the number
(`times faster`, `x more`, `(same)`) are harmless; any other word is
refused as for a number.

A number is judged to the precision it was written with: it must be the
reference rounded to the significant digits given, but to no fewer than the
spec's floor (`item.significant_digits`), so `57`, `57.1` and `57.14` are
400/7 with a floor of 2, and `60` or `57.2` are not. `about` or `~` does not
widen that. An exact form (`400/7`, `400:7`) is compared exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fractions import Fraction

from . import big_o, number, prose
from .big_o_terms import GrowthReading
from .errors import HedgedAnswer, NotANumber, ParseError
from .expression_tokens import Source, Token, prepare, tokenize
from .number import NumberReading
from .verdict import Outcome, Reference, Verdict, first_match, verdict_for

AS_WHAT = "a ratio"
#: `x57`: the cross written before the number.
_LEADING_CROSS = re.compile(r"^\s*[x×X]\s*(?=[0-9.])")
#: `57-fold`: 'fold' joined to the number by a hyphen, read as the word after it.
_HYPHENATED_FOLD = re.compile(r"(?<=[0-9])\s*-\s*(?=fold\b)", re.IGNORECASE)
#: `57x (400/7)`, `57.1 times (400/7)`: a number, the cross or 'times' that
#: says how many times, then bracketed work; not a product (see `parse`).
_TIMES_THEN_WORK = re.compile(r"^\s*(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:[x×X]|times)\s*"
                              r"(?P<work>\((?P<inner>.*)\))\s*$")
#: 'same', 'They are equally fast', 'Answer: no faster (1x)'; but not 'equal to 57'.
_MEANS_ONE = re.compile(r"(?:[a-z ]{1,20}:\s*)?(?:(?:it|it's|its|they|they're|are|is|both|run|runs|at|the)\s+)*"
                        r"(?:same|equal|equally|no faster|not faster|no speed-?up|no difference)\b(?P<rest>.*)")


@dataclass(frozen=True)
class RatioReading:
    number: NumberReading | None    # set when the ratio is a number
    growth: GrowthReading | None    # set when it is a growth rate (with a number: both are said)
    written_as_colon: bool          # written a:b (read as a/b)


#: Where how the ratio grows starts, after the ratio itself: `57 (O(m^5))`,
#: `57, grows as m^5`, `57x and growing as O(m^5)`.
_GROWTH_PART = re.compile(r"(?:\b(?:which|that|it|and)\s+)?\b(?:grows?|growing|scales?|scaling|growth)\b"
                          r"|(?<![A-Za-z])(?:O|Θ|Theta|big\s*O)\s*\(", re.IGNORECASE)


#: Graded against the proved reference values (see `verdict`).
BY_REFERENCE = True


def parse(text: str) -> RatioReading:
    """Read `text` as a ratio, or raise ParseError."""
    source = prepare(text, AS_WHAT)
    source = Source(_HYPHENATED_FOLD.sub(" ", source.text), source.as_what)
    means_one = _MEANS_ONE.match(source.text.lower())
    if means_one and _only_remarks(means_one.group("rest")):
        one = NumberReading(Fraction(1), "1 (the same)", False, None, source.text)
        return RatioReading(one, None, False)
    colon = _ratio_colon(source)
    if colon is not None:
        left = _read_number(source.text[:colon.start])
        right = _read_number(source.text[colon.end:])
        if right.value == 0:
            raise source.fail("the second number of the ratio is 0")
        # '57.1 : 1' keeps the precision of the 57.1; any other a:b is exact.
        digits = left.significant_digits if right.shown == "1" else None
        quotient = NumberReading(left.value / right.value, f"{left.shown} : {right.shown}",
                                 left.approximate or right.approximate,
                                 left.work_disagrees or right.work_disagrees, right.remark, digits)
        return RatioReading(quotient, None, True)
    times_then_work = _TIMES_THEN_WORK.match(source.text)
    if times_then_work is not None and _is_a_number(times_then_work.group("inner")):
        # A speed-up is said '57x'; the bracket after it is the working, which must
        # agree with the 57, never a factor of a product.
        said, work = times_then_work.group("number", "work")
        try:
            reading = _read_number(f"{said} {work}")
        except HedgedAnswer:
            raise HedgedAnswer(
                f"'{prose.snippet(source.text)}' reads two ways: {said} times, with {work} as working "
                f"that does not agree with it, or the product of {said} and {work}; it is graded "
                "as neither", "give the one number you mean") from None
        return RatioReading(reading, None, False)
    both = _number_and_growth(source.text)
    if both is not None:
        return both
    try:
        reading = _read_number(_LEADING_CROSS.sub("", source.text))
    except NotANumber:
        growth = big_o.parse(source.text)
        return RatioReading(None, growth, False)
    return RatioReading(reading, None, False)


def _number_and_growth(text: str) -> RatioReading | None:
    """`400/7 ~ 57.1 (grows as O(m^5))`: the ratio and how it grows, both
    read (and both graded); None when the text does not start with a number
    followed by a growth."""
    growth_at = _GROWTH_PART.search(text)
    if growth_at is None or growth_at.start() == 0:
        return None
    said, growth = text[:growth_at.start()].rstrip(), text[growth_at.start():]
    closing = {"(": ")", "[": "]"}.get(said[-1:])
    if closing is not None:  # the growth in brackets after the number
        if not growth.endswith(closing):
            return None
        said, growth = said[:-1], growth[:-1]
    try:
        number_read = _read_number(_DASH_AT_END.sub("", said))
    except NotANumber:
        return None
    return RatioReading(number_read, big_o.parse(growth), False)


#: `57x - grows as m^5`: a dash between the ratio and how it grows.
_DASH_AT_END = re.compile(r"\s*-\s*$")


def _read_number(text: str) -> NumberReading:
    return number.read(text, extra_words=prose.RATIO_WORDS)


def _is_a_number(text: str) -> bool:
    """Whether `text` reads as a number: working (not a growth such as `n+1`,
    nor text the reader refuses, which the answer's own reading then names)."""
    try:
        _read_number(text)
    except ParseError:
        return False
    return True


def _only_remarks(rest: str) -> bool:
    """Whether what follows 'same' adds no other number: '', ' speed', ' (1x)'."""
    rest = rest.strip()
    return not any(char.isdigit() for char in rest) or rest.startswith(("(", ","))


def _ratio_colon(source: Source) -> Token | None:
    """The ':' of `400:7` or `1 : 57`, between two numbers (not `Answer: 57`)."""
    tokens = tokenize(source)
    for before, colon, after in zip(tokens, tokens[1:], tokens[2:]):
        if (colon.kind == "mark" and colon.text == ":"
                and (before.kind == "number" or before.text in (")", "]"))
                and (after.kind == "number" or after.text in ("(", "["))):
            return colon
    return None


def describe(reading: RatioReading) -> str:
    """How the answer was read: 'read as the number 57', 'read as O(N^3), ...',
    'read as the ratio 1 : 57, that is 0.01754 (exactly 1/57)'."""
    if reading.growth is not None and reading.number is not None:
        return f"{number.describe(reading.number)}, and {big_o.describe(reading.growth)}"
    if reading.growth is not None:
        return big_o.describe(reading.growth)
    if reading.written_as_colon:
        return (f"read as the ratio {reading.number.shown}, that is "
                f"{number.format_value(reading.number.value)}")
    return number.describe(reading.number)


# -- grade ------------------------------------------------------------------

def grade(reading: RatioReading, reference: Reference) -> Verdict:
    """A number is compared at the base case to the precision it was written
    with (see the module's docstring); a growth rate with how the ratio
    grows in the student's size variable."""
    if reading.growth is None:
        result = _grade_number(reading.number, reference, describe(reading))
        if reading.written_as_colon and result.credit > 0:
            result = replace(result, feedback=f"{result.feedback} Read a:b as a divided by b.")
        return result
    if reading.number is not None:
        return _grade_both(reading, reference)
    return _grade_growth(reading.growth, reference)


def _grade_both(reading: RatioReading, reference: Reference) -> Verdict:
    """The ratio and how it grows, both said: each must be right; the answer
    gets the lesser credit, with the feedback on each."""
    read = describe(reading)
    said = _grade_number(reading.number, reference, read)
    grows = replace(_grade_growth(reading.growth, reference), read=read)
    worse = min((said, grows), key=lambda verdict: verdict.credit)
    return replace(worse, feedback=f"The ratio: {said.feedback} How it grows: {grows.feedback}")


def _grade_growth(growth: GrowthReading, reference: Reference) -> Verdict:
    variable = big_o.variable_for(growth, reference.letters)
    read = big_o.read_in(growth, variable)
    if growth.notation in ("Ω", "ω", "o"):
        return Verdict(0.0, read, "Give how the ratio grows (O or Θ), not a lower or strict bound.",
                       Outcome.NOTATION)
    fit = big_o.compare(growth, reference.growth.size_exp_in(variable))
    kernel = growth.dominant.kernel_exp
    if fit == "tight" and kernel in (0, reference.growth.kernel_exp):
        return Verdict(1.0, read, "Correct: this is how the ratio grows.", Outcome.CORRECT)
    if fit == "tight":
        return Verdict(reference.policy.kernel_mismatch_credit, read,
                       "Partly right: the growth in the input size is right, but the power of "
                       "the kernel side k is not.", Outcome.KERNEL_MISMATCH)
    direction = "more slowly" if fit == "loose" else "faster"
    return Verdict(0.0, read, f"Not correct: the ratio grows {direction} than this. "
                   f"{reference.item.hint}", Outcome.WRONG)


def _grade_number(reading: NumberReading, reference: Reference, read: str) -> Verdict:
    """The reference, then variants, then mistakes, each matched to the
    precision written with the item's floor of significant digits; the
    feedback says which rule was applied. `read`: how the answer was read."""
    floor = reference.item.significant_digits
    scalars = [c for c in reference.candidates if not isinstance(c.value, tuple)]
    candidate = first_match(scalars, lambda c: number.matches_to_precision(reading, c.value, floor))
    notes = [number.precision_note(reading, floor)]
    if reading.work_disagrees:
        notes.append(f"Check your working: {reading.work_disagrees}")
    return verdict_for(candidate, read, hint=reference.item.hint, note=" ".join(notes))
