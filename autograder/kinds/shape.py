"""Reading an answer that is a shape: `30x30`, `30 by 30`, `(30, 30)`,
`20*20 x 5`, `400*5`, `20 x 20 x 5`, `400 x 5 matrix`, or one number.

A cross (`x`, `×`, `by`) separates dimensions and `*` multiplies inside one
(`20*20 x 5` is 400 × 5); with no other separator, `*` separates (`400*5`).
Commas separate dimensions inside brackets and when followed by a space;
elsewhere `12,345` is one number, as in a number answer.

Matching is lenient in the ways a tensor and its flattening are the same
thing: dimensions of size 1 are ignored, and consecutive dimensions may be
multiplied together (`5x5x2x2` matches 25 × 4).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import expression
from .expression import Product, render
from .verdict import Verdict, first_match, verdict_for

AS_WHAT = "a shape"
_HINT = "write the dimensions separated by x, for example 20 x 5"  # examples are no answer
#: The first digit or bracket of the answer is a bracket: commas separate.
_BRACKETED = re.compile(r"[^0-9(\[{]*[(\[{]")


@dataclass(frozen=True)
class ShapeReading:
    dims: tuple[int, ...]   # positive whole numbers, as written (1s kept)
    shown: str              # how it was read, e.g. "20*20 × 5 = 400 × 5"
    remark: str             # words after the shape, ignored for grading


def parse(text: str) -> ShapeReading:
    """Read `text` as a shape, or raise ParseError."""
    source = expression.prepare(text, AS_WHAT)
    digit_groups = "" if _BRACKETED.match(source.text) else ","
    parser = expression.Parser.of(source, expression.SHAPE_MODE, digit_groups)
    parser.skip_prose()
    if parser.at_end():
        raise source.fail("there is no shape in it", _HINT)
    parser.begin()
    opening = parser.peek()
    if parser.at("(", "[", "{") and _bracket_holds_separator(parser):
        parser.advance()
        nodes = _read_dimensions(parser, inside_brackets=True)
        parser.expect_close(opening)
    else:
        nodes = _read_dimensions(parser, inside_brackets=False)
    remark = parser.remark()
    dims = tuple(_dimension(node, source) for node in nodes)
    if sum(dim.bit_length() for dim in dims) > expression.MAX_RESULT_BITS:
        raise source.fail(f"it has more than {expression.MAX_RESULT_DIGITS:,} digits of entries")
    written = " × ".join(render(node) for node in nodes)
    values = " × ".join(str(dim) for dim in dims)
    return ShapeReading(dims, written if written == values else f"{written} = {values}", remark)


def _bracket_holds_separator(parser: expression.Parser) -> bool:
    """Whether the bracket that comes next holds a top-level comma or cross:
    `(30, 30)` is a shape in brackets, `(400^2)/7` an expression."""
    depth = 0
    for ahead in range(expression.MAX_TOKENS):
        token = parser.peek(ahead)
        if token.kind == "end":
            return False
        if token.kind == "mark" and token.text in "([{":
            depth += 1
        elif token.kind == "mark" and token.text in ")]}":
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and (token.text == "," or parser.cross_count(token)):
            return True
    return False


def _read_dimensions(parser: expression.Parser, *, inside_brackets: bool) -> list:
    nodes = [parser.expression()]
    used = None  # the kind of separator the shape uses: 'cross' or ','
    while True:
        separator = parser.peek()
        kind = "cross" if parser.cross_count(separator) else "," if parser.at(",") else None
        if kind is None or (not inside_brackets and used not in (None, kind)):
            break
        if not inside_brackets and not parser.starts_operand(1) and (
                kind == "," or separator.text == "by"):
            break  # '20 x 20, with padding', '30 by hand': the shape has ended
        before = parser.context()
        following = parser.peek(1)
        if parser.cross_count(separator) > 1 or parser.cross_count(following) or (
                following.kind == "mark" and following.text == ","):
            raise parser.source.fail(f"two separators in a row after '{before}'", _HINT)
        parser.advance()
        if not parser.starts_operand():
            found = "the answer ends there" if parser.at_end() else f"found '{parser.peek().text}'"
            raise parser.source.fail(f"expected a dimension after '{before} {separator.text}' "
                                     f"but {found}", _HINT)
        used = kind
        nodes.append(parser.expression())
    if used is None and isinstance(nodes[0], Product) and all(op == "*" for op, _ in nodes[0].factors):
        return [factor for _, factor in nodes[0].factors]  # '400*5': the stars separate
    return nodes


def _dimension(node, source: expression.Source) -> int:
    value = expression.evaluate(node, source)
    if value.denominator != 1:
        raise source.fail(f"the dimension {render(node)} is {expression.format_plain(value)}, "
                          f"not a whole number", _HINT)
    if value <= 0:
        raise source.fail(f"the dimension {render(node)} is {value}; dimensions must be positive",
                          _HINT)
    return value.numerator


def describe(reading: ShapeReading) -> str:
    """How the answer was read, for the student: 'read as the shape 400 × 5'."""
    shape = " × ".join(f"{dim:,}" for dim in reading.dims)
    one = " (one dimension)" if len(reading.dims) == 1 else ""
    return f"read as the shape {shape}{one}"


def entries(reading: ShapeReading) -> int:
    """How many numbers a tensor of this shape holds."""
    return math.prod(reading.dims)


def matches(reading: ShapeReading, reference_dims: tuple[int, ...], *, allow_transpose: bool) -> bool:
    """Whether the shape is `reference_dims`, ignoring dimensions of size 1 and
    allowing consecutive dimensions to be grouped (20x20x5 is 400 × 5); with
    `allow_transpose`, the reference reversed matches too (5 × 400)."""
    dims = [dim for dim in reading.dims if dim != 1]
    reference = [dim for dim in reference_dims if dim != 1]
    return _groups_into(dims, reference) or (allow_transpose and _groups_into(dims, reference[::-1]))


def _groups_into(dims: list[int], targets: list[int]) -> bool:
    """Whether `dims` splits into consecutive runs whose products are `targets`.
    Every dim is at least 2, so products only grow and a greedy walk decides."""
    index = 0
    for target in targets:
        product = 1
        while product < target and index < len(dims):
            product *= dims[index]
            index += 1
        if product != target:
            return False
    return index == len(dims)


# -- grade ------------------------------------------------------------------

def grade(reading: ShapeReading, entry, item, context) -> Verdict:
    """Match the shape against every candidate. A candidate that is a number
    (a count of entries) matches a shape with that many entries."""
    shorthand: list[str] = []

    def match(candidate) -> bool:
        if not isinstance(candidate.value, tuple):
            return entries(reading) == candidate.value
        dims = tuple(int(v) for v in candidate.value)
        if matches(reading, dims, allow_transpose=item.transpose_ok):
            return True
        written = [d for d in reading.dims if d != 1]
        if len(written) != 1:
            return False
        wanted = [d for d in dims if d != 1]
        if item.entries_ok and written[0] == math.prod(wanted):
            shorthand.append("Read as the number of entries; writing the shape says more.")
            return True
        if item.square_side_ok and len(wanted) == 2 and wanted[0] == wanted[1] == written[0]:
            shorthand.append("Read as the side of a square.")
            return True
        return False

    candidate = first_match(entry.candidates, match)
    return verdict_for(candidate, describe(reading), hint=item.hint, note=" ".join(shorthand[-1:]))
