"""Reading an answer that is one number: `12345`, `12,345`, `6*7*5`,
`6.5 × 10^3`, `5²`, `6*7 = 42`, `~57 times faster`, `There are 5 weights`,
`twelve`, `1.5 million`, `12 per output x 20 outputs = 240`.

The words around the number are read by `prose`: a label before it is
skipped unless it changes the meaning (`not`, `at least`), words after it
must be harmless units (`weights`, `(with padding)`), and an answer offering
two values (`12 or 15`) is refused as hedged. Shown work (`6*7 = 42`) is
checked: the value after the last `=` is the one graded, and sides that
differ are reported in `work_disagrees` rather than silently trusted.

Counts are graded exactly (`6.5e3` is 6,500, never a rounded 6,512); the
digits a student wrote (`significant_digits`) are kept for kinds, such as a
ratio, that judge a value to the precision it was written with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import prose
from .errors import NotANumber, ParseError
from .expression import NUMBER_MODE, Parser
from .expression_tokens import Source
from .expression_tree import Negate, Number, Power, Product, Sum, format_plain, render, symbols
from .expression_values import evaluate
from .verdict import Reference, Verdict, first_match, verdict_for

AS_WHAT = "a number"
_HINT = "write a number, for example 12345 or 6*7*5"  # examples are no answer
_APPROXIMATE_WORDS = frozenset({"about", "approximately", "approx", "roughly", "around",
                                "nearly", "almost", "circa", "ca"})
#: describe() writes integers with up to this many digits in full.
_FULL_DIGITS = 30


@dataclass(frozen=True)
class NumberReading:
    value: Fraction              # the graded value: the last side of shown work
    shown: str                   # how it was read, e.g. "6*7*5 = 210"
    approximate: bool            # written with ~, ≈, 'about', decimals, or rounded work
    work_disagrees: str | None   # why shown work such as '6*7 = 43' does not hold
    remark: str                  # harmless words after the number (units, '(with padding)')
    #: significant digits of the graded value as written (`57.1` -> 3, `6.5e3`
    #: -> 2, `1200` -> 2); None for an exact form such as `400/7` or `6*7`.
    significant_digits: int | None = None


#: Graded against the proved reference values (see `verdict`).
BY_REFERENCE = True


def parse(text: str) -> NumberReading:
    """Read `text` as one count, or raise ParseError (NotANumber when it is
    math with letters or growth notation, HedgedAnswer when it offers two).
    A count written `12.345` is refused: its point may be a thousands
    separator (12,345 in much of Europe) or a decimal point."""
    return read(text, count=True)


#: `12.345`: digits grouped by a point, as a thousands separator would be.
_POINT_GROUPED = re.compile(r"^[1-9][0-9]{0,2}\.[0-9]{3}$")


def read(text: str, *, extra_words: frozenset[str] = frozenset(), count: bool = False,
         _nested: bool = False) -> NumberReading:
    """`text` read as one number, with `extra_words` harmless after it too (a
    ratio's `faster`, `than`); `count` for a whole number (see `parse`)."""
    parser = Parser.read(text, AS_WHAT, NUMBER_MODE)
    if parser.find_notation() is not None:
        raise parser.source.fail("it is written as a growth rate like O(N^3), not as a number",
                                 _HINT, error_type=NotANumber)
    reworded = reword(parser.source, "number")
    if reworded.text != parser.source.text:
        parser = Parser.of(reworded, NUMBER_MODE)
    skipped = parser.skip_prose()
    if parser.at_end():
        raise parser.source.fail("there is no number in it", _HINT)
    prose.refuse_meaning_words(skipped, parser.source.fail, "number")
    parser.begin()
    sides, relations = [parser.expression()], []
    while parser.at("=", "~") and parser.starts_operand(1):
        relations.append(parser.advance().text)
        sides.append(parser.expression())
    _refuse_run_on_number(parser)
    remark = parser.remark()
    letters = sorted(set().union(*map(symbols, sides)))
    if letters:
        raise parser.source.fail(f"it contains the letter {letters[0]}", _HINT, error_type=NotANumber)
    values = [evaluate(side, parser.source) for side in sides]
    final = sides[-1]
    if count and len(sides) == 1 and isinstance(final, Number) and _POINT_GROUPED.match(final.text):
        raise parser.source.fail(f"the point in '{final.text}' could be a thousands separator "
                                 f"or a decimal point", "a count is a whole number: write 12345 "
                                 "or 12,345")
    _check_remark(remark, values[-1], sides[-1], parser.source, extra_words, _nested)
    _refuse_ranges(sides, values, parser.source)
    rounded, disagreements = _check_work(sides, relations, values)
    # A decimal that is not whole (57.1) is a rounded value as written;
    # 6.5 × 10^3 is exactly 6,500.
    approximate = (rounded or "~" in relations or _marked_approximate(skipped, remark)
                   or ("." in render(sides[-1]) and values[-1].denominator != 1))
    work_disagrees = None
    if disagreements:
        work_disagrees = (f"the work shown does not add up: {'; '.join(disagreements)}. "
                          f"The final value {format_value(values[-1])} was graded.")
    return NumberReading(values[-1], _shown(sides, relations, values[-1]), approximate,
                         work_disagrees, remark, written_digits(sides[-1]))


#: `57x (same)`: a cross before a bracketed word is a suffix, not a product
#: (`2 x (n+1)` stays a product).
_CROSS_BEFORE_REMARK = re.compile(r"(?<=[0-9.])\s*([x×X])\s*(?=\(\s*[^\W\d_]{2})")


def reword(source: Source, what: str) -> Source:
    """The answer with its words read (number words, powers in words, scale
    words, a label, unit words inside the math), after refusing a hedged answer."""
    if not prose.has_words(source.text):
        return Source(prose.apply_scales(source.text), source.as_what)
    text = prose.apply_scales(prose.spell_powers(prose.spell_numbers(source.text)))
    prose.refuse_hedges(text, what, source.text)
    label, text = prose.strip_label(text)
    prose.refuse_meaning_words([label], source.fail, what)
    text = _CROSS_BEFORE_REMARK.sub(r"\1, ", prose.strip_inline_units(text))
    return Source(text, source.as_what)


_HAS_DIGIT = re.compile(r"[0-9]")


def _refuse_ranges(sides, values, source: Source) -> None:
    """`12~15`, `12 = 15`, `15-16`: two written numbers that differ, joined by
    a relation or a dash, give a range rather than one value."""
    def literal(node) -> bool:
        return isinstance(node, Number)

    for (left, right), (left_value, right_value) in zip(zip(sides, sides[1:]),
                                                         zip(values, values[1:])):
        if literal(left) and literal(right) and not _agree(right_value, right, left_value) \
                and not _agree(left_value, left, right_value):
            raise prose.hedged(source.text, "number")
    final = sides[-1]
    if (isinstance(final, Sum) and len(final.parts) == 2 and final.parts[1][0] == "-"
            and all(literal(part) for _, part in final.parts) and values[-1] < 0):
        raise prose.hedged(source.text, "number")


def _check_remark(remark: str, value: Fraction, node, source: Source,
                  extra_words: frozenset[str], nested: bool) -> None:
    """Words after the number must be harmless; a number among them is
    either work that agrees with the answer (`240 (12*20)`) or a second value."""
    if not _HAS_DIGIT.search(prose.without_harmless_phrases(remark)):
        prose.refuse_unknown_remark(remark, source.fail, "number", extra_words)
        return
    parenthetical = prose.BRACKETED_WORK.match(remark)
    if parenthetical and not nested and not prose.offers_another_value(remark):
        prose.refuse_unknown_remark(parenthetical.group("words"), source.fail, "number", extra_words)
        try:
            work = read(parenthetical.group("inner"), extra_words=extra_words, _nested=True)
        except ParseError:
            work = None
        if work is not None and _agree(value, node, work.value):
            return
        raise prose.hedged(source.text, "number")
    if nested or parenthetical or prose.offers_another_value(remark):
        raise prose.hedged(source.text, "number")
    raise source.fail(f"there is another number after the answer ('{remark[:40]}')",
                      "give one number; to show work, write it before the answer with '=', "
                      "as in 6*7 = 42")


def _agree(value: Fraction, node, other: Fraction) -> bool:
    """Whether work `other` agrees with the answer `value`: equal, or the
    answer is `other` rounded to the digits written."""
    digits = written_digits(node)
    return value == other or (digits is not None and value in rounded_to(other, digits))


def written_digits(node) -> int | None:
    """Significant digits of a value written as a decimal literal (`57.1`,
    `0.0120`, `1200`, `6.5e3`, `6.5 × 10^3`); None for an exact form
    (`400/7`, `6*7`). Trailing zeros of a whole number are not significant."""
    if isinstance(node, Negate):
        return written_digits(node.operand)
    if isinstance(node, Product) and len(node.factors) == 2 and node.factors[1][0] == "*" \
            and _is_power_of_ten(node.factors[1][1]):
        return written_digits(node.factors[0][1])  # `-6.5 × 10^3`: the sign is on the 6.5
    if not isinstance(node, Number):
        return None
    mantissa = node.text.lower().partition("e")[0]  # a literal has no sign: that is a Negate
    if "." in mantissa:
        digits = mantissa.replace(".", "").lstrip("0")
    else:
        digits = mantissa.lstrip("0").rstrip("0")
    return max(1, len(digits))


def _is_power_of_ten(node) -> bool:
    return (isinstance(node, Power) and isinstance(node.base, Number) and node.base.value == 10
            and isinstance(node.exponent, (Number, Negate)))


def rounded_to(value: Fraction, digits: int) -> frozenset[Fraction]:
    """`value` rounded to `digits` significant digits; both neighbours when it
    lies exactly half-way (half-up and half-even are both correct rounding)."""
    if value == 0:
        return frozenset({Fraction(0)})
    sign = 1 if value > 0 else -1
    magnitude = abs(value)
    unit = Fraction(10) ** (_decimal_exponent(magnitude) - digits + 1)
    scaled = magnitude / unit
    low = scaled.numerator // scaled.denominator
    if scaled - low == Fraction(1, 2):
        return frozenset({sign * low * unit, sign * (low + 1) * unit})
    return frozenset({sign * _round_half_up(scaled) * unit})


def _decimal_exponent(magnitude: Fraction) -> int:
    """floor(log10(magnitude)) for a positive value, exactly."""
    exponent = len(str(magnitude.numerator)) - len(str(magnitude.denominator))
    return exponent - 1 if magnitude < Fraction(10) ** exponent else exponent


def _refuse_run_on_number(parser: Parser) -> None:
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
    when it is the left side rounded to its significant digits (`≈ 57`,
    `≈ 60`), never by a blanket percentage. Returns (some side was rounded,
    messages for sides that differ)."""
    rounded, disagreements = False, []
    for index, relation in enumerate(relations):
        left, right = values[index], values[index + 1]
        if left == right:
            continue
        right_node = sides[index + 1]
        tolerance = right_node.unit / 2 if isinstance(right_node, Number) else Fraction(0)
        digits = written_digits(right_node)
        if abs(left - right) <= tolerance or (
                relation == "~" and digits is not None and right in rounded_to(left, digits)):
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
    if whole_digits > _FULL_DIGITS:
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
    """A non-negative value rounded half up: every caller rounds a magnitude."""
    return int(value + Fraction(1, 2))


def matches(reading: NumberReading, reference: Fraction | int) -> bool:
    """Whether the value is exactly `reference`: counts have no tolerance."""
    return reading.value == Fraction(reference)


def matches_to_precision(reading: NumberReading, reference: Fraction | int, floor_digits: int) -> bool:
    """Whether the value is `reference` rounded to the significant digits
    written, at least `floor_digits` of them (`57` and `57.1` are 400/7 with a
    floor of 2, `60` is not); an exact form (`400/7`) must be exact."""
    reference = Fraction(reference)
    if reading.value == reference:
        return True
    if reading.significant_digits is None:
        return False
    return reading.value in rounded_to(reference, max(reading.significant_digits, floor_digits))


def precision_note(reading: NumberReading, floor_digits: int) -> str:
    """The rule a precision-judged value was graded by, for the feedback."""
    digits = reading.significant_digits
    if digits is None:
        return "Compared exactly, as written."
    if digits >= floor_digits:
        return f"Judged to the {digits} significant digit{'s' * (digits != 1)} you wrote."
    return (f"Judged to {floor_digits} significant digits, the fewest accepted here "
            f"(you wrote {digits}).")


# -- grade ------------------------------------------------------------------

#: Feedback for a count written as a rounded value that matched nothing.
COUNTS_ARE_EXACT = ("A count is a whole number and is graded exactly: a rounded value (a "
                    "decimal, scientific notation, 'about', 'k' or 'million') is not accepted; "
                    "write the count in full.")


def grade(reading: NumberReading, reference: Reference) -> Verdict:
    """Match the value exactly against the reference, accepted variants and
    the recognised mistakes, in that order: the number kind holds counts."""
    scalars = [c for c in reference.candidates if not isinstance(c.value, tuple)]
    candidate = first_match(scalars, lambda c: matches(reading, c.value))
    notes = []
    if reading.work_disagrees:
        notes.append(f"Check your working: {reading.work_disagrees}")
    if candidate is None and (reading.approximate or "e" in reading.shown.lower()):
        notes.append(COUNTS_ARE_EXACT)
    return verdict_for(candidate, describe(reading), hint=reference.item.hint, note=" ".join(notes))
