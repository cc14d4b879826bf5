"""Evaluating an expression tree: its exact value (`evaluate`) or its
polynomial view (`to_polynomial`: coefficient times powers of letters and
of their logs), exactly, with `Fraction`, never a float.

Every bound (`expression_tokens`) is checked before the work it protects
against: the digits of b**e before computing it, the terms and products
of an expansion as it goes.
"""
from __future__ import annotations

import math
from fractions import Fraction

from .expression_tokens import (MAX_EXPANSION_STEPS, MAX_LETTER_EXPONENT, MAX_RESULT_DIGITS,
                                MAX_ROOT_DEGREE, MAX_TERMS, Source, check_size, is_letter, snippet)
from .expression_tree import (Call, Factorial, Letter, Negate, Node, Number, Power, Product, Sum,
                              format_plain, render, symbols)

#: A monomial: sorted (factor, exponent) pairs, where a factor is a letter or
#: `log_factor(letter)`; () is the constant monomial.
Monomial = tuple[tuple[str, Fraction], ...]
Polynomial = dict[Monomial, Fraction]


def log_factor(letter: str) -> str:
    """The monomial factor that stands for log(letter)."""
    return f"log {letter}"


def evaluate(node: Node, source: Source) -> Fraction:
    """The exact value of a letter-free expression."""
    letters = sorted(symbols(node))
    if letters:
        raise source.fail(f"it contains the letter {letters[0]}", "write it with numbers only")
    polynomial = to_polynomial(node, source)
    return polynomial.get((), Fraction(0))


def to_polynomial(node: Node, source: Source) -> Polynomial:
    """The expression expanded into terms: {monomial: coefficient}, without
    zero coefficients. Refuses what is not a sum of products of powers of
    letters (2^n, n/(n+1)) and expansions beyond the bounds."""
    return _Expander(source).expand(node)


def _exact_power(base: Fraction, exponent: Fraction, source: Source) -> Fraction:
    """base ** exponent exactly, refusing results over the size bound
    (estimated from logarithms before computing) and irrational roots."""
    if exponent.denominator > MAX_ROOT_DEGREE:
        raise source.fail(f"the exponent {_short(exponent)} is not a small fraction",
                          f"exponents may be fractions with denominators up to {MAX_ROOT_DEGREE}")
    if base == 0:
        if exponent <= 0:
            raise source.fail(f"it raises 0 to the power {_short(exponent)}")
        return Fraction(0)
    if exponent == 0 or base == 1:
        return Fraction(1)
    if base == -1 and exponent.denominator == 1:
        return Fraction(-1 if exponent.numerator % 2 else 1)
    largest = max(abs(base.numerator), base.denominator)
    if exponent.numerator.bit_length() > 64 or (
            abs(float(exponent)) * math.log10(largest) > MAX_RESULT_DIGITS):
        digits = "" if exponent.numerator.bit_length() > 64 else \
            f" (about {abs(float(exponent)) * math.log10(largest):,.0f} digits)"
        raise source.fail(f"{_short(base)}^{_short(exponent)} is too large to work out{digits}",
                          f"values may have at most {MAX_RESULT_DIGITS:,} digits")
    root = base
    degree = exponent.denominator
    if degree > 1:
        if base < 0 and degree % 2 == 0:
            raise source.fail(f"{_short(base)}^({_short(exponent)}) is not a real number")
        numerator = _exact_root(abs(base.numerator), degree)
        denominator = _exact_root(base.denominator, degree)
        if numerator is None or denominator is None:
            raise source.fail(f"{_short(base)}^({_short(exponent)}) is not a whole number or fraction",
                              "write its value as a decimal")
        root = Fraction(numerator if base > 0 else -numerator, denominator)
    result = root ** exponent.numerator
    check_size(result, source)
    return result


def _exact_root(value: int, degree: int) -> int | None:
    """The integer `degree`-th root of `value`, or None if it is not exact."""
    if value < 2:
        return value
    guess = 1 << -(-value.bit_length() // degree)
    while True:
        better = ((degree - 1) * guess + value // guess ** (degree - 1)) // degree
        if better >= guess:
            break
        guess = better
    return guess if guess ** degree == value else None


def _merge(left: Monomial, right: Monomial) -> Monomial:
    """The product of two monomials."""
    if not left or not right:
        return left or right
    exponents = dict(left)
    for factor, exponent in right:
        exponents[factor] = exponents.get(factor, 0) + exponent
    return tuple(sorted((factor, e) for factor, e in exponents.items() if e))


def _scaled(monomial: Monomial, exponent: Fraction) -> Monomial:
    """The monomial raised to `exponent`."""
    scaled = ((factor, e * exponent) for factor, e in monomial)
    return tuple((factor, e) for factor, e in scaled if e)


class _Expander:
    """Expands a tree into a polynomial within a budget of term products."""

    def __init__(self, source: Source):
        self.source = source
        self.steps_left = MAX_EXPANSION_STEPS

    def expand(self, node: Node) -> Polynomial:
        if isinstance(node, Number):
            return {(): node.value} if node.value else {}
        if isinstance(node, Letter):
            return {((node.name, Fraction(1)),): Fraction(1)}
        if isinstance(node, Negate):
            return {monomial: -c for monomial, c in self.expand(node.operand).items()}
        if isinstance(node, Sum):
            total: Polynomial = {}
            for sign, part in node.parts:
                total = self._add(total, self.expand(part), subtract=sign == "-")
            return total
        if isinstance(node, Product):
            result = self.expand(node.factors[0][1])
            for op, factor in node.factors[1:]:
                value = self.expand(factor)
                result = self._multiply(result, value if op == "*" else self._inverse(value, factor))
            return result
        if isinstance(node, Power):
            return self._power(node.base, self._constant(node.exponent, "the exponent"))
        if isinstance(node, Factorial):  # the growth kind reads these before expanding
            raise self.source.fail(f"{_quoted(node)} is a factorial, not a sum of powers")
        if node.function == "sqrt":
            return self._power(node.argument, Fraction(1, 2))
        if node.function == "exp":
            raise self.source.fail(f"{_quoted(node)} is an exponential, not a sum of powers",
                                   "write its value as a decimal")
        return self._log(node)


    def _constant(self, node: Node, what: str) -> Fraction:
        letters = sorted(symbols(node))
        if letters:
            raise self.source.fail(f"{what} {_quoted(node)} contains the letter {letters[0]}; "
                                   f"only numbers can be exponents")
        return self.expand(node).get((), Fraction(0))

    def _spend(self, steps: int) -> None:
        self.steps_left -= steps
        if self.steps_left < 0:
            raise self.source.fail("it has too many terms to multiply out",
                                   "simplify it, keeping the term that grows fastest")

    def _settle(self, terms: Polynomial) -> Polynomial:
        """Drop zero terms and check the bounds on terms, coefficients and exponents."""
        terms = {monomial: c for monomial, c in terms.items() if c}
        if len(terms) > MAX_TERMS:
            raise self.source.fail(f"it multiplies out to more than {MAX_TERMS} terms",
                                   "simplify it, keeping the term that grows fastest")
        for monomial, coefficient in terms.items():
            check_size(coefficient, self.source)
            for factor, exponent in monomial:
                if abs(exponent) > MAX_LETTER_EXPONENT or exponent.denominator > MAX_ROOT_DEGREE:
                    raise self.source.fail(
                        f"the power {_short(exponent)} of {factor} is too large or not a small "
                        f"fraction", f"powers of letters may be up to {MAX_LETTER_EXPONENT}, with "
                        f"denominators up to {MAX_ROOT_DEGREE}")
        return terms

    def _add(self, left: Polynomial, right: Polynomial, subtract: bool) -> Polynomial:
        self._spend(len(right))
        total = dict(left)
        for monomial, c in right.items():
            total[monomial] = total.get(monomial, Fraction(0)) + (-c if subtract else c)
        return self._settle(total)

    def _multiply(self, left: Polynomial, right: Polynomial) -> Polynomial:
        self._spend(len(left) * len(right))
        product: Polynomial = {}
        for left_monomial, left_c in left.items():
            for right_monomial, right_c in right.items():
                monomial = _merge(left_monomial, right_monomial)
                product[monomial] = product.get(monomial, 0) + left_c * right_c
        return self._settle(product)

    def _inverse(self, divisor: Polynomial, node: Node) -> Polynomial:
        if not divisor:
            raise self.source.fail(f"it divides by zero ({_quoted(node)})")
        if len(divisor) > 1:
            raise self.source.fail(f"it divides by a sum ({_quoted(node)}), which does not "
                                   f"multiply out into terms")
        ((monomial, c),) = divisor.items()
        return {_scaled(monomial, Fraction(-1)): 1 / c}

    def _power(self, base_node: Node, exponent: Fraction) -> Polynomial:
        base = self.expand(base_node)
        if len(base) <= 1:
            ((monomial, c),) = base.items() if base else (((), Fraction(0)),)
            return self._settle({_scaled(monomial, exponent): _exact_power(c, exponent, self.source)})
        if exponent.denominator != 1 or exponent < 0:
            raise self.source.fail(f"it raises the sum {_quoted(base_node)} to the power "
                                   f"{_short(exponent)}, which does not multiply out into terms")
        if exponent > MAX_TERMS:
            raise self.source.fail(f"it raises the sum {_quoted(base_node)} to the power "
                                   f"{_short(exponent)}, too many terms to multiply out")
        result: Polynomial = {(): Fraction(1)}
        for _ in range(exponent.numerator):
            result = self._multiply(result, base)
        return result

    def _log(self, node: Call) -> Polynomial:
        """log of an expression in one letter counts as log of that letter:
        the base and the power inside only change a constant factor."""
        factors = {factor for monomial in self.expand(node.argument) for factor, _ in monomial}
        if any(not is_letter(factor) for factor in factors):
            raise self.source.fail(f"it takes the log of a log ({_quoted(node)})")
        if not factors:
            raise self.source.fail(f"{_quoted(node)} is not an exact number",
                                   "write its value as a decimal")
        if len(factors) > 1:
            raise self.source.fail(f"it takes the log of more than one letter ({_quoted(node)})")
        (letter,) = factors
        return {((log_factor(letter), Fraction(1)),): Fraction(1)}



def _quoted(node: Node) -> str:
    """The expression for a message, cut short if long."""
    return snippet(render(node), 40)


def _short(value: Fraction) -> str:
    text = format_plain(value)
    return text if len(text) <= 24 else f"a {len(str(abs(value.numerator)))}-digit number"
