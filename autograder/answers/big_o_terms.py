"""What the math of a growth rate says: the reading a Big-O answer becomes
(`GrowthReading`, its `Term`s), the expression expanded into terms
(coefficient · size^a · k^b · log^c size), exponentials and factorials
recognised as faster than every power, and the terms written back.

So `O(N*N*N*N*N)`, `O((N^5)^3)` and `O(m^5 + m)` are compared by what they
say, not how they are written. One letter names the input size (any letter,
case kept), or the pair H and W (height and width, each a side); k or K
names the kernel side. An exponential or factorial (`2^n`, `n!`, `e^n`) is
read as growing faster than every power, never as a power; what cannot be
ranked (`n^2 - 2^n`, `log(n!)`) is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from .errors import ParseError
from .expression import KERNEL_LETTERS
from .expression_tree import (Call, Factorial, Letter, Negate, Node, Number, Power, Product, Sum,
                              format_plain, render, symbols)
from .expression_tokens import Source
from .expression_values import evaluate, log_factor, to_polynomial

AS_WHAT = "a growth rate"
HINT = ("write it like O(N^5) or O(n^5 k^3), with one letter for the input size and k for "
        "the kernel side")  # examples are no answer
ONLY_THE_GROWTH = "write only the growth rate here; explanations go in the written parts"


class Term(NamedTuple):
    coefficient: Fraction
    size_exp: Fraction     # power of the size letter
    kernel_exp: Fraction   # power of k
    log_exp: int           # power of log(size)


NO_TERM = Term(Fraction(1), Fraction(0), Fraction(0), 0)


@dataclass(frozen=True)
class GrowthReading:
    notation: str | None        # 'O', 'Θ', 'Ω', 'o', 'ω', or None for a bare expression
    size_letter: str | None     # the letter for the input size ('H and W' for the pair), if any
    terms: tuple[Term, ...]     # fastest-growing first; () when beyond_polynomial
    dominant: Term              # terms[0]: highest size_exp, then log_exp, then kernel_exp
    has_constant_factor: bool   # the dominant coefficient is not 1: O(2n), O(400 n)
    has_lower_order_terms: bool  # more than one term: O(m^5 + m)
    shown: str                  # canonical rendering, e.g. "O(N^5 k^3)"
    remark: str                 # harmless words after the growth rate
    #: 'an exponential' or 'a factorial' when the answer grows faster than every
    #: power of the size (then `terms` is empty and `dominant` a placeholder:
    #: rank it with `compare`, never by `dominant`).
    beyond_polynomial: str | None = None
    #: 'side' or 'pixels' when the answer itself says what its letter means
    #: (`where N is the side length`, or the letters H and W); it overrides
    #: the sheet's declared variable for this answer.
    declared: str | None = None
    declared_by: str = ""       # the student's words that declared it, for feedback


_QUOTE_LIMIT = 40  # characters of the student's words quoted in a message


def cut(text: str) -> str:
    """The student's words, cut short for a message."""
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT - 1] + "…"


# -- what the math says -----------------------------------------------------------

def reading_of(node: Node, notation: str | None, source: Source) -> GrowthReading:
    """What the math `node` of an answer says, as a growth rate in the size."""
    letters = symbols(node)
    size_letters = letters - KERNEL_LETTERS
    if "e" in size_letters and len(size_letters) > 1 and _has_e_power(node):
        size_letters -= {"e"}  # Euler's number in e^n
    pair = side_pair(size_letters)
    if len(size_letters) > 1 and not pair:
        ordered = sorted(size_letters)
        hint = "to multiply, write * or ×, not the letter x" if "x" in ordered else HINT
        raise source.fail(f"it uses {', '.join(ordered[:-1])} and {ordered[-1]} as letters; "
                          f"use one letter for the input size and k for the kernel side", hint)
    size_letter = pair or (next(iter(size_letters)) if size_letters else None)
    kernel_letter = "k" if "k" in letters or "K" not in letters else "K"
    declared = ("side", f"{pair} are the height and width") if pair else (None, "")
    beyond, polynomial = _beyond_or_polynomial(node, size_letters, source)
    if beyond is not None:
        shown = render(node)
        return GrowthReading(notation, size_letter, (), NO_TERM, False, False,
                             f"{notation}({shown})" if notation else shown, "",
                             beyond_polynomial=beyond, declared=declared[0], declared_by=declared[1])
    terms = _terms(polynomial, size_letters, source)
    if not terms:
        raise source.fail("it works out to zero", HINT)
    if pair:
        shown = render(node)
    else:
        shown = render_terms(terms, size_letter, kernel_letter)
    if terms[0].coefficient < 0:
        raise source.fail(f"it is negative as the input size grows ({shown}): a count is never "
                          "negative, and neither is how it grows", HINT)
    return GrowthReading(notation, size_letter, terms, terms[0],
                         has_constant_factor=terms[0].coefficient != 1,
                         has_lower_order_terms=len(terms) > 1,
                         shown=f"{notation}({shown})" if notation else shown,
                         remark="", declared=declared[0], declared_by=declared[1])


def _beyond_or_polynomial(node, size_letters, source):
    """(description, None) for an exponential or factorial, else (None, the
    expanded polynomial). The tree is searched for them only when a `!` is
    written or the polynomial expansion refuses it: most answers are plain."""
    if "!" not in source.text and "actorial" not in source.text.lower():
        try:
            return None, to_polynomial(node, source)
        except ParseError:
            beyond = _beyond_polynomial(node, size_letters, source)
            if beyond is None:
                raise
            return beyond, None
    beyond = _beyond_polynomial(node, size_letters, source)
    return (beyond, None) if beyond is not None else (None, to_polynomial(node, source))


def side_pair(size_letters: frozenset[str]) -> str | None:
    """'H and W' when the letters are H and W (either case): the height and
    width, each a side of the image."""
    if len(size_letters) == 2 and {letter.lower() for letter in size_letters} == {"h", "w"}:
        height, width = sorted(size_letters, key=str.lower)
        return f"{height} and {width}"
    return None


def _has_e_power(node) -> bool:
    if isinstance(node, Power) and node.base == Letter("e"):
        return True
    if isinstance(node, Call):
        return node.function == "exp" or _has_e_power(node.argument)
    if isinstance(node, (Negate, Factorial)):
        return _has_e_power(node.operand)
    if isinstance(node, Power):
        return _has_e_power(node.base) or _has_e_power(node.exponent)
    if isinstance(node, (Sum, Product)):
        parts = node.parts if isinstance(node, Sum) else node.factors
        return any(_has_e_power(part) for _, part in parts)
    return False


def _terms(polynomial, size_letters, source) -> tuple[Term, ...]:
    combined: dict[tuple[Fraction, Fraction, int], Fraction] = {}
    logs = {log_factor(letter) for letter in size_letters}
    for monomial, coefficient in polynomial.items():
        exponents = _exponents(monomial, size_letters, logs, source)
        combined[exponents] = combined.get(exponents, Fraction(0)) + coefficient
    return tuple(sorted((Term(c, size, kernel, log) for (size, kernel, log), c in combined.items() if c),
                        key=_rank, reverse=True))


def _exponents(monomial, size_letters, logs, source) -> tuple[Fraction, Fraction, int]:
    size = kernel = Fraction(0)
    log = 0
    for factor, exponent in monomial:
        if factor in size_letters:
            size += exponent
        elif factor in KERNEL_LETTERS:
            kernel += exponent
        elif factor in logs and exponent.denominator == 1:
            log += exponent.numerator
        else:
            raise source.fail(f"it has {factor} to the power {format_plain(exponent)}, "
                              f"which is not a power of the input size, k, or log of the input size",
                              HINT)
    return size, kernel, log


def _beyond_polynomial(node, size_letters, source) -> str | None:
    """'an exponential' or 'a factorial' when `node` grows faster than every
    power of the size (`2^n`, `n^n`, `e^n`, `exp(n)`, `n!`, `2^n n^3`), None
    when it has no such part; refuses what it cannot rank (`n^2 - 2^n`,
    `n/2^n`, `log(n!)`)."""
    if isinstance(node, (Number, Letter)):
        return None
    if isinstance(node, Factorial):
        if not symbols(node.operand) & size_letters:  # `N^2!`: which '!' is meant?
            raise source.fail(f"it has the factorial of something that is not the input size "
                              f"({_quoted(node)})", "write its value, or brackets around what "
                              "the '!' applies to, like (m^5)!")
        if _beyond_polynomial(node.operand, size_letters, source) is None:
            _require_growth(node.operand, size_letters, source, node)
        return "a factorial"
    if isinstance(node, Power):
        if symbols(node.exponent) & size_letters:
            if _beyond_polynomial(node.exponent, size_letters, source) is None:
                _require_growth(node.exponent, size_letters, source, node)
            _require_base_above_one(node.base, size_letters, source, node)
            return "an exponential"
        _beyond_polynomial(node.exponent, size_letters, source)  # refuses `N^2!`
        inner = _beyond_polynomial(node.base, size_letters, source)
        if inner is not None and _constant(node.exponent, source) <= 0:
            raise source.fail(f"it divides by {inner} ({_quoted(node)}), so it does not grow", HINT)
        return inner
    if isinstance(node, Call):
        if node.function == "exp":
            if _beyond_polynomial(node.argument, size_letters, source) is None:
                _require_growth(node.argument, size_letters, source, node)
            return "an exponential"
        inner = _beyond_polynomial(node.argument, size_letters, source)
        if inner is not None and node.function != "sqrt":
            raise source.fail(f"it takes the log of {inner} ({_quoted(node)})",
                              "write what that log grows like")
        return inner
    if isinstance(node, Negate):
        inner = _beyond_polynomial(node.operand, size_letters, source)
        if inner is not None:
            raise source.fail(f"it is negative ({_quoted(node)}): a count is never negative, "
                              "and neither is how it grows", HINT)
        return None
    if isinstance(node, Sum):
        found = None
        for sign, part in node.parts:
            inner = _beyond_polynomial(part, size_letters, source)
            if inner is not None and sign == "-":
                raise source.fail(f"it subtracts {inner} ({_quoted(part)}), so it is not clear "
                                  "how it grows", "keep only the term that grows fastest")
            found = found or inner
        return found
    found, rest = None, []
    for op, factor in node.factors:
        inner = _beyond_polynomial(factor, size_letters, source)
        if inner is not None and op == "/":
            raise source.fail(f"it divides by {inner} ({_quoted(factor)}), so it is not clear "
                              "how it grows", HINT)
        if inner is None:
            rest.append(("*" if not rest else op, factor))
        found = found or inner
    if found is not None and rest:
        _require_positive(Product(tuple(rest)) if len(rest) > 1 else rest[0][1],
                          size_letters, source, node)
    return found


def _quoted(node) -> str:
    return cut(render(node))


def _constant(node, source) -> Fraction:
    if symbols(node):
        raise source.fail(f"the power {_quoted(node)} contains a letter; only numbers can be "
                          "exponents of an exponential or factorial", HINT)
    return evaluate(node, source)


def _require_growth(node, size_letters, source, whole) -> None:
    """The exponent of `2^(...)` (or what `!` applies to) must grow like a
    positive power of the size: `2^(log n)` is a power, `2^(1/n)` shrinks."""
    terms = _terms(to_polynomial(node, source), size_letters, source)
    if not terms or terms[0].size_exp <= 0 or terms[0].coefficient < 0:
        raise source.fail(f"in {_quoted(whole)}, {_quoted(node)} does not grow like a positive "
                          "power of the input size", HINT)


def _require_base_above_one(base, size_letters, source, whole) -> None:
    if symbols(base) & size_letters:
        _require_growth(base, size_letters, source, whole)
        return
    if base == Letter("e"):
        return
    if symbols(base):
        raise source.fail(f"in {_quoted(whole)}, it is not clear that the base {_quoted(base)} "
                          "is more than 1", HINT)
    if evaluate(base, source) <= 1:
        raise source.fail(f"{_quoted(whole)} does not grow: its base is not more than 1", HINT)


def _require_positive(node, size_letters, source, whole) -> None:
    terms = _terms(to_polynomial(node, source), size_letters, source)
    if not terms:
        raise source.fail(f"{_quoted(whole)} works out to zero", HINT)
    if terms[0].coefficient < 0:
        raise source.fail(f"it is negative ({_quoted(whole)}): a count is never negative, and "
                          "neither is how it grows", HINT)


def same_growth(first: GrowthReading, second: GrowthReading) -> bool:
    """Whether two readings say the same growth in the size (kernel powers and
    constant factors aside)."""
    if first.beyond_polynomial or second.beyond_polynomial:
        return first.beyond_polynomial == second.beyond_polynomial
    return (first.dominant.size_exp, first.dominant.log_exp) == \
        (second.dominant.size_exp, second.dominant.log_exp)


def _rank(term: Term) -> tuple[Fraction, int, Fraction]:
    return term.size_exp, term.log_exp, term.kernel_exp


def render_terms(terms: tuple[Term, ...], size_letter: str | None, kernel_letter: str) -> str:
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
        return format_plain(abs(term.coefficient))
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
