"""The syntax tree of an expression, as the grammar (`expression`) builds
it, and what can be seen of a tree without evaluating it: its letters and
its plain rendering (`6*7*5`, `400^2/7`, `log_2(n)`) for messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union

@dataclass(frozen=True)
class Number:
    value: Fraction
    text: str        # as written, without digit-group separators: "12345", "57.1", "1.2345e4"
    unit: Fraction   # place value of its last digit: 1 for 12345, 1/10 for 57.1


@dataclass(frozen=True)
class Letter:
    name: str


@dataclass(frozen=True)
class Negate:
    operand: Node


@dataclass(frozen=True)
class Sum:
    parts: tuple[tuple[str, Node], ...]      # ('+' or '-', term); the first is '+'


@dataclass(frozen=True)
class Product:
    factors: tuple[tuple[str, Node], ...]    # ('*' or '/', factor); the first is '*'


@dataclass(frozen=True)
class Power:
    base: Node
    exponent: Node


@dataclass(frozen=True)
class Call:
    function: str            # 'log', 'lg', 'ln', 'sqrt' or 'exp'
    argument: Node
    base: Node | None = None  # log_2 n


@dataclass(frozen=True)
class Factorial:
    """`n!` (growth mode only): read so that a growth rate keeps its `!`."""

    operand: Node


Node = Union[Number, Letter, Negate, Sum, Product, Power, Call, Factorial]


# ----------------------------------------------------------------------------
# Looking at a tree


_SUM, _PRODUCT, _NEGATE, _POWER, _ATOM = range(5)


def _precedence(node: Node) -> int:
    if isinstance(node, Sum):
        return _SUM
    if isinstance(node, Product):
        return _PRODUCT
    if isinstance(node, Negate):
        return _NEGATE
    if isinstance(node, (Power, Factorial)):
        return _POWER
    return _ATOM


def render(node: Node) -> str:
    """The expression in plain ASCII math, bracketed only where needed:
    `6*7*5`, `400^2/7`, `6.5*10^3`, `log_2(n)`."""
    if isinstance(node, Number):
        return node.text
    if isinstance(node, Letter):
        return node.name
    if isinstance(node, Call):
        base = f"_{_wrap(node.base, _ATOM)}" if node.base is not None else ""
        return f"{node.function}{base}({render(node.argument)})"
    if isinstance(node, Negate):
        return "-" + _wrap(node.operand, _PRODUCT)
    if isinstance(node, Power):
        return f"{_wrap(node.base, _ATOM)}^{_wrap(node.exponent, _ATOM)}"
    if isinstance(node, Factorial):
        return f"{_wrap(node.operand, _ATOM)}!"
    if isinstance(node, Product):
        first = _wrap(node.factors[0][1], _PRODUCT)
        rest = "".join(op + _wrap(factor, _POWER if op == "/" else _NEGATE + 1)
                       for op, factor in node.factors[1:])
        return first + rest
    first = render(node.parts[0][1])
    return first + "".join(f" {sign} {_wrap(part, _PRODUCT)}" for sign, part in node.parts[1:])


def _wrap(node: Node, at_least: int) -> str:
    text = render(node)
    return text if _precedence(node) >= at_least else f"({text})"


def symbols(node: Node) -> frozenset[str]:
    """The letters in the expression."""
    if isinstance(node, Letter):
        return frozenset({node.name})
    if isinstance(node, Number):
        return frozenset()
    if isinstance(node, (Negate, Factorial)):
        return symbols(node.operand)
    if isinstance(node, Power):
        return symbols(node.base) | symbols(node.exponent)
    if isinstance(node, Call):
        return symbols(node.argument) | (symbols(node.base) if node.base is not None else frozenset())
    parts = node.parts if isinstance(node, Sum) else node.factors
    return frozenset().union(*(symbols(part) for _, part in parts))


def format_plain(value: Fraction) -> str:
    """`12345`, `57.1`, `400/7`: exact, without digit-group separators."""
    if value.denominator == 1:
        return str(value.numerator)
    denominator = value.denominator
    twos = (denominator & -denominator).bit_length() - 1
    rest, fives = denominator >> twos, 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    places = max(twos, fives)
    if rest != 1 or places > 12:
        return f"{value.numerator}/{value.denominator}"
    scaled = str(abs(value.numerator) * 10 ** places // denominator).rjust(places + 1, "0")
    return ("-" if value < 0 else "") + f"{scaled[:-places]}.{scaled[-places:]}"
