"""Reading an answer that is one number: `12345`, `12,345`, `12*12*3`,
`6.5 × 10^3`, `5²`, `12*12 = 144`, `~57 times faster`, `There are 5 weights`.

Words before the number are skipped (`about` and `~` mark it approximate),
words after it are kept as the remark, and shown work (`12*12 = 144`) is
checked: the value after the last `=` is the one graded, and sides that
differ are reported in `work_disagrees` rather than silently trusted.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from . import expression
from .errors import NotANumber
from .expression import Number, format_plain, render
from .verdict import Verdict, first_match, verdict_for

AS_WHAT = "a number"
_HINT = "write a number, for example 12345 or 12*12*3"  # examples are no answer
_APPROXIMATE_WORDS = frozenset({"about", "approximately", "approx", "roughly", "around",
                                "nearly", "almost", "circa", "ca"})
#: Sides of shown work joined by '≈' agree when within 1% of the right side.
_APPROXIMATE_RELATION = Fraction(1, 100)
#: describe() writes integers with up to this many digits in full.
_FULL_DIGITS = 30


@dataclass(frozen=True)
class NumberReading:
    value: Fraction              # the graded value: the last side of shown work
    shown: str                   # how it was read, e.g. "12*12*3 = 432"
    approximate: bool            # written with ~, ≈, 'about', decimals, or rounded work
    work_disagrees: str | None   # why shown work such as '12*12 = 145' does not hold
    remark: str                  # words after the number, ignored for grading


def parse(text: str) -> NumberReading:
    """Read `text` as one number, or raise ParseError (NotANumber when it is
    math with letters or growth notation)."""
    parser = expression.Parser.read(text, AS_WHAT, expression.NUMBER_MODE)
    if parser.find_notation() is not None:
        raise parser.source.fail("it is written as a growth rate like O(N^3), not as a number",
                                 _HINT, error_type=NotANumber)
    skipped = parser.skip_prose()
    if parser.at_end():
        raise parser.source.fail("there is no number in it", _HINT)
    parser.begin()
    sides, relations = [parser.expression()], []
    while parser.at("=", "~") and parser.starts_operand(1):
        relations.append(parser.advance().text)
        sides.append(parser.expression())
    _refuse_run_on_number(parser)
    remark = parser.remark()
    letters = sorted(set().union(*map(expression.symbols, sides)))
    if letters:
        raise parser.source.fail(f"it contains the letter {letters[0]}", _HINT, error_type=NotANumber)
    values = [expression.evaluate(side, parser.source) for side in sides]
    rounded, disagreements = _check_work(sides, relations, values)
    # A decimal mantissa (6.5 × 10^3, 57.1) is a rounded value as written.
    approximate = (rounded or "~" in relations or _marked_approximate(skipped, remark)
                   or "." in render(sides[-1]))
    work_disagrees = None
    if disagreements:
        work_disagrees = (f"the work shown does not add up: {'; '.join(disagreements)}. "
                          f"The final value {format_value(values[-1])} was graded.")
    return NumberReading(values[-1], _shown(sides, relations, values[-1]), approximate,
                         work_disagrees, remark)


def _refuse_run_on_number(parser: expression.Parser) -> None:
    """`6,1`, `12345,000`, `12.345.000`: digits run on in a way with two readings."""
    before, token = parser.previous(), parser.peek()
    if before is None or before.kind != "number" or token.spaced:
        return
    if token.kind == "number":
        raise parser.source.fail(f"'{before.text}{token.text}' has more than one decimal point",
                                 "write 12345 or 12,345 for a whole number, 57.1 for a decimal")
    following = parser.peek(1)
    if token.text == "," and following.kind == "number" and not following.spaced:
        raise parser.source.fail(
            f"the comma in '{before.text},{following.text}' could be a thousands separator "
            f"or a decimal point",
            "use a comma only before groups of exactly three digits, as in 12,345, "
            "and a point for decimals, as in 6.1")


def _check_work(sides, relations, values) -> tuple[bool, list[str]]:
    """Compare neighbouring sides. A side written as a rounded decimal
    (`400/7 = 57.1`) agrees within half its last digit; a side after '≈'
    within 1%. Returns (some side was rounded, messages for sides that differ)."""
    rounded, disagreements = False, []
    for index, relation in enumerate(relations):
        left, right = values[index], values[index + 1]
        if left == right:
            continue
        right_node = sides[index + 1]
        tolerance = right_node.unit / 2 if isinstance(right_node, Number) else Fraction(0)
        if relation == "~":
            tolerance = max(tolerance, abs(right) * _APPROXIMATE_RELATION)
        if abs(left - right) <= tolerance:
            rounded = True
            continue
        sign = "=" if relation == "=" else "≈"
        worked = [f"{render(node)} is {format_value(value)}"
                  for node, value in ((sides[index], left), (right_node, right))
                  if not isinstance(node, Number)]
        disagreements.append(f"'{render(sides[index])} {sign} {render(right_node)}' does not hold"
                             + (f", since {' and '.join(worked)}" if worked else ""))
    return rounded, disagreements


def _marked_approximate(skipped: list[str], remark: str) -> bool:
    if any(word == "~" or word.lower() in _APPROXIMATE_WORDS for word in skipped):
        return True
    first_word = remark.lstrip("(").split(" ", 1)[0].rstrip(".,)").lower()
    return remark.startswith("...") or first_word in _APPROXIMATE_WORDS


def _shown(sides, relations, value: Fraction) -> str:
    shown = render(sides[0]) + "".join(
        f" {'=' if relation == '=' else '≈'} {render(side)}" for relation, side in zip(relations, sides[1:]))
    final = format_plain(value)
    if len(final) > _FULL_DIGITS:
        final = format_value(value)
    return shown if render(sides[-1]) == final else f"{shown} = {final}"


def describe(reading: NumberReading) -> str:
    """How the answer was read, for the student: 'read as the number 12,345'."""
    approximately = " (written as approximate)" if reading.approximate else ""
    return f"read as the number {format_value(reading.value)}{approximately}"


def format_value(value: Fraction) -> str:
    """`12,345`; `57.14 (exactly 400/7)`; `1.235 × 10^40` for huge values."""
    if value.denominator == 1 and len(str(abs(value.numerator))) <= _FULL_DIGITS:
        return f"{value.numerator:,}"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    exact = format_plain(magnitude)
    if "/" not in exact and len(exact) <= _FULL_DIGITS:
        whole, _, decimals = exact.partition(".")
        return f"{sign}{int(whole):,}.{decimals}"
    whole_digits = len(str(magnitude.numerator // magnitude.denominator))
    if magnitude >= 1 and whole_digits > _FULL_DIGITS:
        return _scientific(value)
    if magnitude < 1:
        leading_zeros = len(str(magnitude.denominator // magnitude.numerator)) - 1
        decimals = leading_zeros + 4
    else:
        decimals = max(1, 4 - whole_digits)
    if decimals > _FULL_DIGITS:
        return _scientific(value)
    scaled = _round_half_up(magnitude * 10 ** decimals)
    digits = str(scaled).rjust(decimals + 1, "0")
    rounded = f"{sign}{int(digits[:-decimals]):,}.{digits[-decimals:]}".rstrip("0").rstrip(".")
    fraction = f"{value.numerator}/{value.denominator}"
    return f"{rounded} (exactly {fraction})" if len(fraction) <= 15 else f"about {rounded}"


def _scientific(value: Fraction) -> str:
    """Four significant digits times a power of ten, for values too long to write out."""
    magnitude = abs(value)
    exponent = len(str(magnitude.numerator)) - len(str(magnitude.denominator))
    if magnitude < Fraction(10) ** exponent:
        exponent -= 1
    mantissa = _round_half_up(magnitude / Fraction(10) ** exponent * 1000)
    if mantissa >= 10_000:
        mantissa, exponent = _round_half_up(Fraction(mantissa, 10)), exponent + 1
    digits = str(mantissa)
    sign = "-" if value < 0 else ""
    about = "" if mantissa * Fraction(10) ** (exponent - 3) == magnitude else "about "
    return f"{about}{sign}{digits[0]}.{digits[1:]} × 10^{exponent}"


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))


def matches(reading: NumberReading, reference: Fraction | int, rel_tol: float = 0) -> bool:
    """Whether the value equals `reference`, or is within `rel_tol` of it
    (relative to the reference; exact arithmetic, `rel_tol` read as written)."""
    reference = Fraction(reference)
    if reading.value == reference:
        return True
    return abs(reading.value - reference) <= Fraction(str(rel_tol)) * abs(reference)


# -- grade ------------------------------------------------------------------

#: How far an answer written as approximate (6.5 × 10^3, ~57, 57.1) may sit
#: from a value and still be read as that value.
APPROXIMATE_TOLERANCE = 0.01


def grade(reading: NumberReading, entry, item, context) -> Verdict:
    """Match the value against the reference, accepted variants and the
    recognised mistakes, in that order."""
    tolerance = max(item.tolerance, APPROXIMATE_TOLERANCE if reading.approximate else 0)
    scalars = [c for c in entry.candidates if not isinstance(c.value, tuple)]
    candidate = first_match(scalars, lambda c: matches(reading, c.value, tolerance))
    notes = []
    if reading.work_disagrees:
        notes.append(f"Check your working: {reading.work_disagrees}")
    if candidate is not None and reading.value != candidate.value and candidate.credit > 0:
        notes.append("Accepted as a rounded value.")
    return verdict_for(candidate, describe(reading), hint=item.hint, note=" ".join(notes))
