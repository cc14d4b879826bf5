"""Reading an answer that is a growth rate: `O(N^5)`, `Θ(m log m)`,
`Omega(m)`, `O(m^5 k^3)`, `O(n^(3/2))`, `big O of n squared`, or a bare
`n^2` (no notation: a statement of how the count grows).

The expression is expanded into terms (coefficient · size^a · k^b · log^c
size), so `O(N*N*N*N*N)`, `O((N^5)^3)` and `O(m^5 + m)` are compared by what they
say, not how they are written. One letter names the input size (any letter,
case kept); k or K names the kernel side. Grading policy (whether constant
factors or lower-order terms cost credit, what the kernel exponent should be)
belongs to the grader; this module reports them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from . import expression
from .expression import GROWTH_NOTATIONS, KERNEL_LETTERS, log_factor
from .errors import ParseError
from .verdict import Verdict

AS_WHAT = "a growth rate"
_HINT = ("write it like O(N^5) or O(n^5 k^3), with one letter for the input size and k for "
         "the kernel side")  # examples are no answer


class Term(NamedTuple):
    coefficient: Fraction
    size_exp: Fraction     # power of the size letter
    kernel_exp: Fraction   # power of k
    log_exp: int           # power of log(size)


@dataclass(frozen=True)
class GrowthReading:
    notation: str | None        # 'O', 'Θ', 'Ω', 'o', 'ω', or None for a bare expression
    size_letter: str | None     # the letter for the input size, if any
    terms: tuple[Term, ...]     # fastest-growing first
    dominant: Term              # terms[0]: highest size_exp, then log_exp, then kernel_exp
    has_constant_factor: bool   # the dominant coefficient is not 1: O(2n), O(400 n)
    has_lower_order_terms: bool  # more than one term: O(m^5 + m)
    shown: str                  # canonical rendering, e.g. "O(N^5 k^3)"
    remark: str                 # words after the growth rate


def parse(text: str) -> GrowthReading:
    """Read `text` as a growth rate, or raise ParseError."""
    parser = expression.Parser.read(text, AS_WHAT, expression.GROWTH_MODE)
    source = parser.source
    notation_at = parser.find_notation()
    if notation_at is not None:
        parser.skip_to(notation_at)
        notation = GROWTH_NOTATIONS[parser.advance().text]
        parser.begin()
        if parser.at("(", "[", "{"):
            node = parser.bracketed()
        else:
            parser.advance()  # 'of', as in 'big O of n squared'
            node = parser.expression()
    else:
        notation = None
        parser.skip_prose()
        if parser.at_end():
            raise source.fail("there is no growth rate in it", _HINT)
        parser.begin()
        node = parser.expression()
    remark = parser.remark()

    letters = expression.symbols(node)
    size_letters = sorted(letters - KERNEL_LETTERS)
    if len(size_letters) > 1:
        hint = "to multiply, write * or ×, not the letter x" if "x" in size_letters else _HINT
        raise source.fail(f"it uses {', '.join(size_letters[:-1])} and {size_letters[-1]} as letters; "
                          f"use one letter for the input size and k for the kernel side", hint)
    size_letter = size_letters[0] if size_letters else None
    kernel_letter = "k" if "k" in letters or "K" not in letters else "K"
    polynomial = expression.to_polynomial(node, source)
    if not polynomial:
        raise source.fail("it works out to zero", _HINT)
    combined: dict[tuple[Fraction, Fraction, int], Fraction] = {}
    for monomial, coefficient in polynomial.items():
        exponents = _exponents(monomial, size_letter, source)
        combined[exponents] = combined.get(exponents, Fraction(0)) + coefficient
    terms = tuple(sorted((Term(c, size, kernel, log) for (size, kernel, log), c in combined.items() if c),
                         key=_rank, reverse=True))
    if not terms:
        raise source.fail("it works out to zero", _HINT)
    shown = _render_terms(terms, size_letter, kernel_letter)
    return GrowthReading(notation, size_letter, terms, terms[0],
                         has_constant_factor=terms[0].coefficient != 1,
                         has_lower_order_terms=len(terms) > 1,
                         shown=f"{notation}({shown})" if notation else shown,
                         remark=remark)


def _exponents(monomial, size_letter: str | None, source) -> tuple[Fraction, Fraction, int]:
    size = kernel = Fraction(0)
    log = 0
    for factor, exponent in monomial:
        if factor == size_letter:
            size += exponent
        elif factor in KERNEL_LETTERS:
            kernel += exponent
        elif size_letter is not None and factor == log_factor(size_letter) and exponent.denominator == 1:
            log += exponent.numerator
        else:
            raise source.fail(f"it has {factor} to the power {expression.format_plain(exponent)}, "
                              f"which is not a power of the input size, k, or log of the input size",
                              _HINT)
    return size, kernel, log


def _rank(term: Term) -> tuple[Fraction, int, Fraction]:
    return term.size_exp, term.log_exp, term.kernel_exp


def _render_terms(terms: tuple[Term, ...], size_letter: str | None, kernel_letter: str) -> str:
    """`N^5 k^3`, `m^5 + m`, `N^5/7`, `400 m`, `m log m`, `1`."""
    rendered = ""
    for index, term in enumerate(terms):
        body = _render_term(term, size_letter or "n", kernel_letter)
        if index == 0:
            rendered = body if term.coefficient > 0 else f"-{body}"
        else:
            rendered += f" {'+' if term.coefficient > 0 else '-'} {body}"
    return rendered


def _render_term(term: Term, size_letter: str, kernel_letter: str) -> str:
    """One term without its sign."""
    factors = [_power(size_letter, term.size_exp), _power(kernel_letter, term.kernel_exp)]
    if term.log_exp == 1:
        factors.append(f"log {size_letter}")
    elif term.log_exp:
        factors.append(f"(log {size_letter})^{term.log_exp}")
    letters = " ".join(factor for factor in factors if factor)
    numerator, denominator = abs(term.coefficient.numerator), term.coefficient.denominator
    if not letters:
        return expression.format_plain(abs(term.coefficient))
    scale = "" if numerator == 1 else f"{numerator} "
    return scale + letters + ("" if denominator == 1 else f"/{denominator}")


def _power(letter: str, exponent: Fraction) -> str:
    if exponent == 0:
        return ""
    if exponent == 1:
        return letter
    if exponent.denominator == 1:
        return f"{letter}^{exponent.numerator}"
    return f"{letter}^({exponent.numerator}/{exponent.denominator})"


def describe(reading: GrowthReading) -> str:
    """How the answer was read: 'read as O(N^5 k^3), N = the size letter'."""
    if reading.size_letter is None:
        return f"read as {reading.shown}, with no letter for the input size"
    return f"read as {reading.shown}, {reading.size_letter} = the size letter"


def compare(reading: GrowthReading, size_exp: Fraction, log_exp: int = 0) -> str:
    """'tight' when the dominant term grows like size^size_exp · log^log_exp,
    'loose' when faster (a true upper bound, not tight), 'too_low' when slower.
    The kernel exponent is not compared: see `dominant.kernel_exp`."""
    student = (reading.dominant.size_exp, reading.dominant.log_exp)
    expected = (Fraction(size_exp), log_exp)
    if student == expected:
        return "tight"
    return "loose" if student > expected else "too_low"


# -- the size variable ---------------------------------------------------------

SIZE_WORDS = {"side": "the image side (N for an N x N image)",
              "pixels": "the number of pixels (n = N x N)"}
_PIXELS_OF_A_SIDE = re.compile(
    r"in\s+pixels|pixels?\s+(?:per|along|on|of|across)\s+(?:a|an|one|each|the)?\s*"
    r"(?:side|edge|row|column|dimension)|pixels?\s+(?:wide|long|high|tall)", re.IGNORECASE)
_PIXEL_WORDS = re.compile(
    r"pixel|\barea\b|total|number\s+of\s+inputs|input\s+values|[a-z]\s*=\s*[a-z]\s*(?:\^|\*\*)\s*2"
    r"|[a-z]²|\b[hw]\s*[*x×·]\s*[wh]\b", re.IGNORECASE)
_SIDE_WORDS = re.compile(r"side|width|height|length|edge|dimension|\brows?\b|\bcolumns?\b",
                         re.IGNORECASE)


def parse_variable(text: str | None) -> str | None:
    """'side', 'pixels' or None (blank or ambiguous) from words such as
    "N = side length", "number of pixels", "n = N^2", "pixels per side"."""
    if not text or len(text) > 500:
        return None
    cleaned = _PIXELS_OF_A_SIDE.sub(" side ", text)
    pixels, side = bool(_PIXEL_WORDS.search(cleaned)), bool(_SIDE_WORDS.search(cleaned))
    if pixels == side:
        return None
    return "pixels" if pixels else "side"


def size_variable(spec, prepared, sheet) -> dict:
    """The meaning of the student's size letter for every Big-O answer: as
    declared, or else the one meaning that fits their answers best. Also
    records whether the other meaning fits their answers better than the
    declared one, which is when "exponents of the other variable" is the
    likely mistake rather than a single wrong answer."""
    fits = {variable: 0 for variable in SIZE_WORDS}
    for item in spec.items:
        entry = prepared.item(item.key)
        if item.kind != "big_o" or entry is None or entry.growth is None:
            continue
        try:
            reading = parse(sheet.get(item.key) or "")
        except ParseError:
            continue
        for variable in fits:
            if compare(reading, entry.growth.size_exp_in(variable)) == "tight":
                fits[variable] += 1
    declared_text = sheet.get(spec.variable_key)
    declared = parse_variable(declared_text)
    context = {"policy": spec.big_o_policy, "declared": declared is not None}
    if declared:
        other = "pixels" if declared == "side" else "side"
        return {**context, "variable": declared, "other_fits_better": fits[other] > fits[declared],
                "note": f"Big-O answers were read with your letter meaning {SIZE_WORDS[declared]}, "
                        f"as declared in {spec.variable_key}."}
    chosen = "pixels" if fits["pixels"] > fits["side"] else "side"
    why = ("could not be understood" if declared_text and declared_text.strip()
           else "was left empty")
    return {**context, "variable": chosen, "other_fits_better": False,
            "note": f"{spec.variable_key} {why}, so Big-O answers were read with the letter "
                    f"meaning {SIZE_WORDS[chosen]}: the meaning that fits your answers best."}


# -- grade ------------------------------------------------------------------

def read_in(reading: GrowthReading, variable: str) -> str:
    """How the answer was read, with the meaning its size letter was given."""
    letter = reading.size_letter or "the size"
    return f"read as {reading.shown}, with {letter} = {SIZE_WORDS[variable]}"


def grade(reading: GrowthReading, entry, item, context) -> Verdict:
    """Tight bound: full credit; a true but loose upper bound: partial;
    Ω, or a bound that is too low: none, each with the reason."""
    policy, variable = context["policy"], context["variable"]
    reference = entry.growth
    read = read_in(reading, variable)
    if reading.notation in ("Ω", "ω"):
        return Verdict(0.0, read, "Ω is a lower bound: it says the cost grows at least this "
                       "fast. The question asks for an upper bound, O (or a tight Θ).", "omega")
    fit = compare(reading, reference.size_exp_in(variable))
    if fit == "tight" and reading.notation in ("o",):
        return Verdict(0.0, read, "Little-o claims the cost grows strictly slower than this, "
                       "which is not true here; use O or Θ.", "too low")
    if fit == "tight":
        kernel = reading.dominant.kernel_exp
        if kernel not in (0, reference.kernel_exp):
            return Verdict(policy.kernel_mismatch_credit, read,
                           "Partly right. The growth in the input size is right, but the power "
                           "of the kernel side k does not match how the count depends on k.",
                           "kernel mismatch")
        notes = ["Correct."]
        if reading.has_constant_factor or reading.has_lower_order_terms:
            notes.append("Constant factors and lower-order terms do not change a Big-O; "
                         "the usual form leaves them out.")
        return Verdict(1.0, read, " ".join(notes), "correct")
    other = "pixels" if variable == "side" else "side"
    if context["other_fits_better"] and compare(reading, reference.size_exp_in(other)) == "tight":
        return Verdict(policy.variable_mismatch_credit, read,
                       f"Partly right. These exponents fit {SIZE_WORDS[other]}, but you declared "
                       f"your letter to mean {SIZE_WORDS[variable]}. With n = N² pixels, every "
                       "exponent of N halves.", "variable mismatch")
    if fit == "loose" and reading.notation in ("Θ", "ω"):
        return Verdict(0.0, read, "Θ claims the bound is tight, but the cost grows more slowly "
                       "than this.", "loose theta")
    if fit == "loose":
        return Verdict(policy.loose_credit, read, "True, but not tight: the cost grows more "
                       "slowly than this bound. Give the smallest bound that holds.", "loose")
    return Verdict(0.0, read, f"Too low: the cost grows faster than this. {item.hint}".strip(),
                   "too low")
