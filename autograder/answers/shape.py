"""Reading an answer that is a shape: `30x30`, `30 by 30`, `(30, 30)`,
`20*20 x 5`, `400*5`, `20 x 20 x 5`, `400 x 5 matrix`, or one number.

A cross (`x`, `×`, `by`) separates dimensions and `*` multiplies inside one
(`20*20 x 5` is 400 × 5); with no other separator, `*` separates (`400*5`).
Commas separate dimensions inside brackets and when followed by a space;
elsewhere `12,345` is one number, as in a number answer, and so it is in
brackets whose dimensions are separated by a comma and a space (`(20,
5,000)` is 20 × 5000; `(20,5,000)` stays three dimensions). A space groups
thousands everywhere, as in a number answer (`20 x 5 000`, `(20, 5 000)`):
a space never separates dimensions.

Notations of linear algebra and frameworks are read too: `R^{20 x 5}`
(`\\mathbb{R}^{20 \\times 5}`, `ℝ^(20×5)`), `torch.Size([20, 5])`,
`TensorShape([20, 5])`, Keras' `(None, 20, 5)` (None is the batch
dimension, left out), a 1-D shape `(20,)`, `20 rows, 5 columns`, and the
words around a shape as for a number (`dz/dW is 20 x 5`, `20 outputs x 5
weights`, `twenty by five`). An answer offering two shapes is hedged.

Matching is lenient in the ways a tensor and its flattening are the same
thing: dimensions of size 1 are ignored, and consecutive dimensions may be
multiplied together (`4x5x5` is the 20 × 5 matrix).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import prose
from .errors import ParseError
from .expression import SHAPE_MODE, Parser
from .expression_tokens import MAX_RESULT_BITS, MAX_RESULT_DIGITS, MAX_TOKENS, Source, prepare
from .expression_tree import Product, format_plain, render
from .expression_values import evaluate
from .verdict import Reference, Verdict, first_match, verdict_for

AS_WHAT = "a shape"
_HINT = "write the dimensions separated by x, for example 20 x 5"  # examples are no answer
#: The first digit or bracket of the answer is a bracket: commas separate.
_BRACKETED = re.compile(r"[^0-9(\[{]*[(\[{]")
_SPACED_COMMA = re.compile(r",\s")
_GROUPED_THOUSANDS = re.compile(r"[0-9],[0-9]{3}(?![0-9])")


def _groups_thousands(text: str) -> bool:
    """`(20, 5,000)`: dimensions separated by a comma and a space, and a
    comma with none before three digits, which can then only group thousands."""
    return bool(_SPACED_COMMA.search(text)) and bool(_GROUPED_THOUSANDS.search(text))


@dataclass(frozen=True)
class ShapeReading:
    dims: tuple[int, ...]   # positive whole numbers, as written (1s kept)
    shown: str              # how it was read, e.g. "20*20 × 5 = 400 × 5"
    remark: str             # harmless words after the shape ('matrix', '(with padding)')


#: Graded against the proved reference values (see `verdict`).
BY_REFERENCE = True


def parse(text: str) -> ShapeReading:
    """Read `text` as a shape, or raise ParseError (HedgedAnswer when it
    offers two)."""
    return _read(text, nested=False)


def _read(text: str, *, nested: bool) -> ShapeReading:
    source = _reword(prepare(text, AS_WHAT))
    commas_separate = _BRACKETED.match(source.text) and not _groups_thousands(source.text)
    digit_groups = " " if commas_separate else ", "
    parser = Parser.of(source, SHAPE_MODE, digit_groups)
    skipped = parser.skip_prose()
    if parser.at_end():
        raise source.fail("there is no shape in it", _HINT)
    prose.refuse_meaning_words(skipped, source.fail, "shape")
    parser.begin()
    nodes = _read_side(parser)
    dims = _dims(nodes, source)
    while parser.at("=", "~") and parser.starts_operand(1):
        parser.advance()
        other = _dims(_read_side(parser), source)
        if math.prod(other) != math.prod(dims):
            raise source.fail(f"the two sides of '=' are different sizes "
                              f"({_times(dims)} and {_times(other)})", _HINT)
    remark, dims = _channels_in_remark(parser.remark(), dims)
    _check_remark(remark, dims, source, nested)
    written = " × ".join(render(node) for node in nodes)
    values = " × ".join(str(dim) for dim in dims)
    return ShapeReading(dims, written if written == values else f"{written} = {values}", remark)


def _read_side(parser: Parser) -> list:
    opening = parser.peek()
    if parser.at("(", "[", "{") and _bracket_holds_separator(parser):
        parser.advance()
        nodes = _read_dimensions(parser, inside_brackets=True)
        parser.expect_close(opening)
        return nodes
    return _read_dimensions(parser, inside_brackets=False)


def _dims(nodes: list, source: Source) -> tuple[int, ...]:
    dims = tuple(_dimension(node, source) for node in nodes)
    if sum(dim.bit_length() for dim in dims) > MAX_RESULT_BITS:
        raise source.fail(f"it has more than {MAX_RESULT_DIGITS:,} digits of entries")
    return dims


def _times(dims: tuple[int, ...]) -> str:
    return " × ".join(f"{dim:,}" for dim in dims)


#: `R^{20 x 5}`, `\\mathbb{R}^{...}` and `ℝ^(...)` (both normalised to `R^`),
#: optionally after a label and `∈` or `in`: the space of 20 x 5 real matrices.
_REAL_SPACE = re.compile(r"^(?P<label>[^0-9]*?(?:∈|(?<!\S)in))?\s*R\s*\^\s*(?=[\[({0-9])")
#: `torch.Size([20, 5])`, `tf.TensorShape([20, 5])`: the list inside.
_FRAMEWORK_SHAPE = re.compile(
    r"^\s*(?:(?:torch\s*\.\s*)?Size|(?:tf\s*\.\s*)?TensorShape)\s*\(\s*"
    r"(?P<inner>[\[(][^\[\]()]*[\])])\s*\)", re.IGNORECASE)
#: Keras' and TensorFlow's unknown batch dimension, first in a bracket.
_BATCH_DIMENSION = re.compile(r"(?<=[(\[])\s*(?:None|\?)\s*,")
_DIMENSION_TEXT = r"[0-9][0-9.,*^() ]*?"
_ROW_OR_COLUMN_WORD = re.compile(r"\b(?:rows?|columns?|cols?)\b", re.IGNORECASE)
_ROWS_COLUMNS = re.compile(
    rf"(?P<first>{_DIMENSION_TEXT})\s*(?P<first_name>rows?|columns?|cols?)\b\s*"
    rf"(?:,|;|\band\b|\bby\b|x\b|×)?\s*(?P<second>{_DIMENSION_TEXT})\s*"
    rf"(?P<second_name>rows?|columns?|cols?)\b", re.IGNORECASE)


def _reword(source: Source) -> Source:
    """The shape with its words and notations read: number and scale words,
    a hedge refused, a label skipped, `R^{...}`, framework shapes, the batch
    dimension, rows and columns, unit words inside the shape."""
    if not prose.has_words(source.text) and "R" not in source.text:
        return Source(_BATCH_DIMENSION.sub("", prose.apply_scales(source.text)),
                                 source.as_what)
    text = _HYPHENATED_BY.sub(" by ", prose.apply_scales(prose.spell_numbers(source.text)))
    prose.refuse_hedges(text, "shape", source.text)
    label, text = prose.strip_label(text)
    prose.refuse_meaning_words([label], source.fail, "shape")
    real_space = _REAL_SPACE.match(text)
    if real_space:
        prose.refuse_meaning_words([real_space.group("label") or ""], source.fail, "shape")
        text = text[real_space.end():]
    framework = _FRAMEWORK_SHAPE.match(text)
    if framework:
        text = framework.group("inner") + text[framework.end():]
    text = _BATCH_DIMENSION.sub("", text)
    if _ROW_OR_COLUMN_WORD.search(text):  # the rewrite's search is slow on long answers
        text = _ROWS_COLUMNS.sub(_rows_by_columns, text)
    return Source(prose.strip_inline_units(text), source.as_what)


#: `20-by-5`: 'by' hyphenated between two dimensions, as in 'an m-by-n matrix'.
_HYPHENATED_BY = re.compile(r"(?<=[0-9])\s*-\s*by\s*-\s*(?=[0-9])", re.IGNORECASE)


#: `20 x 20, 4 channels`, `20 x 20 (1 channel)`, `20x20 with 4 output
#: channels`: a count of channels in the remark.
_CHANNELS = re.compile(r"(?P<count>[0-9]+)\s+(?:output\s+|input\s+)?channels?\b", re.IGNORECASE)


def _channels_in_remark(remark: str, dims: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """A channel count after the shape restates its last dimension (`20 x 20
    x 4 (4 channels)`) or, after a height x width, adds it channels-last
    (`20 x 20, 4 channels` is 20 × 20 × 4, and `20 x 20, 1 channel` is
    20 × 20 × 1: one channel is a claim about the output, which matching
    weighs like a written `x 1`). Returns the remark without the count, and
    the dims; anything else (`20 x 20 x 4 (1 channel)`) is left for the
    remark check to refuse."""
    match = _CHANNELS.search(remark)
    if match is None or len(_CHANNELS.findall(remark)) > 1:
        return remark, dims
    count = int(match.group("count"))
    if count != dims[-1]:
        if len(dims) != 2:
            return remark, dims
        dims = dims + (count,)
    return remark[:match.start()] + "channels" + remark[match.end():], dims


def _rows_by_columns(match: re.Match) -> str:
    """`20 rows, 5 columns` -> `20 × 5`; `5 columns, 20 rows` -> `20 × 5`."""
    first_is_row = match.group("first_name").lower().startswith("row")
    second_is_row = match.group("second_name").lower().startswith("row")
    if first_is_row == second_is_row:
        return match.group()  # 'rows ... rows': left for the parser to refuse
    rows, columns = ((match.group("first"), match.group("second")) if first_is_row
                     else (match.group("second"), match.group("first")))
    return f"{rows.strip()} × {columns.strip()}"


def _check_remark(remark: str, dims: tuple[int, ...], source: Source, nested: bool) -> None:
    """Words after the shape must be harmless; a number among them is either
    the same size again (`20 x 5 (100 entries)`) or a second answer."""
    if not any(char.isdigit() for char in prose.without_harmless_phrases(remark)):
        prose.refuse_unknown_remark(remark, source.fail, "shape", prose.SHAPE_WORDS)
        return
    parenthetical = prose.BRACKETED_WORK.match(remark)
    if parenthetical and not nested and not prose.offers_another_value(remark):
        prose.refuse_unknown_remark(parenthetical.group("words"), source.fail, "shape",
                                      prose.SHAPE_WORDS)
        try:
            work = _read(parenthetical.group("inner"), nested=True)
        except ParseError:
            work = None
        if work is not None and entries(work) == math.prod(dims):
            return
        raise prose.hedged(source.text, "shape")
    if nested or parenthetical or prose.offers_another_value(remark):
        raise prose.hedged(source.text, "shape")
    raise source.fail(f"there is another number after the shape ('{remark[:40]}')",
                      "give one shape, such as 20 x 5; explanations go in the written parts")


def _bracket_holds_separator(parser: Parser) -> bool:
    """Whether the bracket that comes next holds a top-level comma or cross:
    `(30, 30)` is a shape in brackets, `(400^2)/7` an expression."""
    depth = 0
    for ahead in range(MAX_TOKENS):
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


def _read_dimensions(parser: Parser, *, inside_brackets: bool) -> list:
    nodes = [parser.expression()]
    used = None  # the kind of separator the shape uses: 'cross' or ','
    while True:
        separator = parser.peek()
        kind = "cross" if parser.cross_count(separator) else "," if parser.at(",") else None
        if kind is None or (not inside_brackets and used not in (None, kind)):
            break
        if inside_brackets and kind == "," and parser.peek(1).text in (")", "]", "}"):
            parser.advance()  # '(20,)': Python's 1-D shape
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


def _dimension(node, source: Source) -> int:
    value = evaluate(node, source)
    if value.denominator != 1:
        raise source.fail(f"the dimension {render(node)} is {format_plain(value)}, "
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
    return groups_into(dims, reference) or (allow_transpose and groups_into(dims, reference[::-1]))


def writes_one_for_a_larger_size(dims: tuple[int, ...], question: tuple[int, ...]) -> bool:
    """Whether the answer `dims` has a dimension of 1 that can only stand where
    the question's shape has a larger size: more 1s than the question's own
    plus the dimensions the answer has beyond it (a batch of one). `20 x 20 x 1`
    for a 20 x 20 x 4 output says one channel, not four, so ignoring its 1
    would credit a wrong shape; `1 x 20 x 20 x 4` and, for a one-channel
    output, `20 x 20 x 1` are the question's shape."""
    ones = sum(dim == 1 for dim in dims)
    beyond = max(0, len(dims) - len(question))
    return ones > sum(dim == 1 for dim in question) + beyond


def groups_into(dims: list[int], targets: list[int]) -> bool:
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

def grade(reading: ShapeReading, reference: Reference) -> Verdict:
    """Match the shape against every candidate. A candidate that is a number
    (a count of entries) matches a shape with that many entries.

    Two guards keep the leniency of matching (1s ignored, dimensions grouped)
    from crediting a wrong shape. A shape of several dimensions earns no
    credit from a one-dimension candidate by the product of its dimensions:
    `20 x 20` is not the count of 400 output values a one-number answer
    gives (a candidate worth nothing still names the mistake: `2 x 5` is the
    size of a W of 10 weights). And a 1 written where the question's shape
    has a larger size is read as written (`20 x 20 x 1` for a 20 x 20 x 4
    output), except in a count of entries where the item accepts one (`100 x 1`)."""
    item = reference.item
    shorthand: list[str] = []
    written = [d for d in reading.dims if d != 1]
    question = next((tuple(int(v) for v in c.value) for c in reference.candidates
                     if c.is_reference and isinstance(c.value, tuple)), None)
    stray_one = question is not None and writes_one_for_a_larger_size(reading.dims, question)

    def match(candidate) -> bool:
        if not isinstance(candidate.value, tuple):
            return entries(reading) == candidate.value
        dims = tuple(int(v) for v in candidate.value)
        wanted = [d for d in dims if d != 1]
        if len(wanted) == 1 and len(written) > 1 and candidate.credit > 0:
            return False
        if not stray_one and matches(reading, dims, allow_transpose=item.transpose_ok):
            return True
        if len(written) != 1:
            return False
        if item.entries_ok and written[0] == math.prod(wanted):
            shorthand.append("Read as the number of entries; writing the shape says more.")
            return True
        if (not stray_one and item.square_side_ok and len(wanted) == 2
                and wanted[0] == wanted[1] == written[0]):
            shorthand.append("Read as the side of a square.")
            return True
        return False

    candidate = first_match(reference.candidates, match)
    return verdict_for(candidate, describe(reading), hint=item.hint,
                       note=shorthand[-1] if shorthand else "")
