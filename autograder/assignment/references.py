"""Reference values for each item of a spec, computed from the SymPy formulas
in `solutions/` (never typed into the spec), plus every value an answer might
take under a recognised mistake.

Spec expressions are tiny and trusted (instructors write them), but they are
still read with a grammar of their own, not `eval`: quantity names (optionally
`configuration:name`), integers, + - * / and parentheses.
"""
from __future__ import annotations

import re
from dataclasses import fields, replace
from fractions import Fraction
from functools import lru_cache

from autograder.assignment.prepared import Candidate
from autograder.assignment.spec import FACTS, Item, Spec, SpecError
from solutions.growth import growth_in_side
from solutions.order import Growth
from solutions.layers import Config, quantities

#: (configuration, quantity) pairs an answer's reference depends on.
Use = tuple[Config | str, str]


def expectations(spec: Spec, item: Item) -> tuple[Candidate, ...]:
    """The reference first, then accepted variants, then recognised mistakes.

    A mistake whose value equals an accepted one is dropped: a right answer
    is never taken for a mistake just because two formulas agree here.
    """
    base_config = _configuration(spec, item.configuration)
    value, uses = _value(spec, item, item.expect, base_config)
    accepted = [Candidate("reference", value, 1.0, "", uses)]
    for variant in item.variants:
        value, uses = _value(spec, item, variant.expect, base_config)
        accepted.append(Candidate(variant.name, value, variant.credit, variant.feedback, uses))
    wrong = []
    for mistake in item.mistakes:
        config = _assume(base_config, dict(mistake.assume))
        sources = [mistake.expect] if mistake.expect else [item.expect] + [
            v.expect for v in item.variants]
        for source in sources:
            value, uses = _value(spec, item, source, config)
            wrong.append(Candidate(mistake.name, value, mistake.credit, mistake.feedback, uses))
    return _first_per_value(accepted + wrong)


def _first_per_value(candidates: list[Candidate]) -> tuple[Candidate, ...]:
    """Keep the first candidate for each value: the reference beats variants,
    variants beat mistakes, and a mistake listed twice shows once."""
    seen: set = set()
    kept = []
    for candidate in candidates:
        if candidate.value not in seen:
            seen.add(candidate.value)
            kept.append(candidate)
    return tuple(kept)


def growth_reference(spec: Spec, item: Item) -> tuple[Growth, frozenset[str]]:
    """An item's growth in the image side N, and the quantities it comes from."""
    padding = spec.configurations[spec.growth_configuration].padding
    names: set[str] = set()

    def leaf(name: str) -> Growth:
        if ":" in name:
            raise SpecError(f"item {item.key}: growth expressions take no configuration")
        names.add(name)
        return growth_in_side(name, padding)

    expression = item.fill(item.growth)
    value = _Evaluator(expression, leaf, growth=True).parse()
    return value, frozenset(names)


def quantity_table(spec: Spec, configuration: Config | str) -> dict:
    """All quantities of a configuration, with its input sizes, by name."""
    if configuration == FACTS:
        return dict(spec.facts)
    return _table(configuration)


@lru_cache(maxsize=64)
def _table(config: Config) -> dict:
    inputs = {f.name: getattr(config, f.name) for f in fields(Config) if f.name != "padding"}
    return {**inputs, **quantities(config)}


def _configuration(spec: Spec, name: str) -> Config | str:
    if name == FACTS:
        return FACTS
    try:
        return spec.configurations[name]
    except KeyError:
        raise SpecError(f"configuration {name!r} is not defined") from None


def _assume(config: Config | str, assumption: dict) -> Config | str:
    if not assumption:
        return config
    if config == FACTS:
        raise SpecError("a mistake cannot assume a different configuration for facts")
    return replace(config, **assumption)


def _value(spec: Spec, item: Item, expression, config) -> tuple:
    """Evaluate a (scalar or shape) expression; returns (value, uses)."""
    uses: set[Use] = set()

    def leaf(name: str) -> Fraction:
        where, _, quantity = name.rpartition(":")
        target = _assume(_configuration(spec, where), _overrides(config)) if where else config
        table = quantity_table(spec, target)
        if quantity not in table:
            raise SpecError(f"item {item.key}: unknown quantity {quantity!r}")
        value = table[quantity]
        if isinstance(value, tuple):
            raise SpecError(f"item {item.key}: {quantity} is a shape, not a number")
        uses.add((target, quantity))
        return Fraction(value)

    filled = item.fill(expression)
    if isinstance(filled, tuple):
        value = tuple(_Evaluator(part, leaf).parse() for part in filled)
    else:
        value = _Evaluator(filled, leaf).parse()
    return value, frozenset(uses)


def _overrides(config) -> dict:
    """What a mistake changed in the item's configuration (e.g. padding), so
    that `base:...` references inside the mistake keep the same assumption."""
    return {} if config == FACTS else {"padding": config.padding}


_TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][\w.]*(?::[A-Za-z_][\w.]*)?)|(.))")


class _Evaluator:
    """Recursive descent over + - * / ( ) with quantity leaves. With
    growth=True the leaves are Growth values: only * and / apply, and
    integers are constant factors that do not change the order."""

    def __init__(self, text: str, leaf, *, growth: bool = False):
        self.tokens = [m.groups() for m in _TOKEN.finditer(text) if m.group(0).strip()]
        self.position = 0
        self.leaf = leaf
        self.growth = growth
        self.text = text

    def parse(self):
        value = self._sum()
        if self.position != len(self.tokens):
            self._fail("unexpected text")
        return value

    def _peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None, None)

    def _take(self):
        token = self._peek()
        self.position += 1
        return token

    def _sum(self):
        value = self._product()
        while self._peek()[2] in ("+", "-"):
            if self.growth:
                self._fail("growth expressions cannot add")
            sign = self._take()[2]
            other = self._product()
            value = value + other if sign == "+" else value - other
        return value

    def _product(self):
        value = self._atom()
        while self._peek()[2] in ("*", "/"):
            operator = self._take()[2]
            other = self._atom()
            if self.growth:
                value = _combine_growth(value, other, operator)
            else:
                value = value * other if operator == "*" else value / other
        return value

    def _atom(self):
        number, name, symbol = self._take()
        if number is not None:
            return None if self.growth else Fraction(int(number))
        if name is not None:
            return self.leaf(name)
        if symbol == "(":
            value = self._sum()
            if self._take()[2] != ")":
                self._fail("missing ')'")
            return value
        self._fail(f"unexpected {symbol!r}")

    def _fail(self, reason: str):
        raise SpecError(f"cannot read the spec expression {self.text!r}: {reason}")


def _combine_growth(left, right, operator):
    """Constants (None) do not change an order of growth."""
    if right is None:
        return left
    if left is None:
        left = Growth(Fraction(0))
    return left * right if operator == "*" else left / right
