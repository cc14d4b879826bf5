"""Reading an answer that is a growth rate: `O(N^5)`, `Θ(m log m)`,
`Omega(m)`, `O(m^5 k^3)`, `O(n^(3/2))`, `big O of n squared`, a bare
`n^2` (no notation: a statement of how the count grows), growth in words
(`quintic`, `linear in m`, `m to the fifth`, `the square of m`), or work
before the answer (`9m^5 + m = O(m^5)`).

Math right after the bracket (`O(m^5)^2`, `O(m^5)/k`) belongs to the growth
rate; the words around it are read by `big_o_words`, what the math says by
`big_o_terms`. Grading policy (whether constant factors or lower-order
terms cost credit, what the kernel exponent should be) belongs to the
grader (`big_o`); this module reports them.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .big_o_terms import AS_WHAT, HINT, ONLY_THE_GROWTH, GrowthReading, cut, reading_of, same_growth
from .big_o_words import (growth_word_before_math, notation_indices, read_growth_word,
                          refuse_bare_number, with_context)
from .errors import ParseError
from .expression import GROWTH_MODE, GROWTH_NOTATIONS, Parser
from .expression_tokens import Source, Token, prepare, tokenize
from .prose import spell_powers


#: `0(m^5)`: the digit zero typed for the letter O.
_ZERO_FOR_O = re.compile(r"0\s*[(\[{]")


def parse(text: str) -> GrowthReading:
    """Read `text` as a growth rate, or raise ParseError."""
    source = prepare(text, AS_WHAT)
    if _ZERO_FOR_O.match(source.text):
        raise source.fail("it starts with the digit 0, not the letter O",
                          "write the growth rate with the letter O, like O(N^5)")
    return _read(Source(_crosses(_without_channels(spell_powers(source.text))), source.as_what),
                 nested=False)


#: The channel counts, C_in and C_out (`Cin`, `c_out`, `C_{in}`): constant as
#: the image grows, so each is a constant factor of the growth.
_CHANNEL_COUNT = re.compile(r"\b[Cc]_?(?:in|out|\{(?:in|out)\}|\((?:in|out)\))(?![A-Za-z0-9])")


def _without_channels(text: str) -> str:
    """`O(m^5 C_in C_out)` -> `O(m^5 *1* 1)`: a channel count in the math is
    a constant factor, as a number would be. In words (`for C_in channels`)
    it stays, and is read (or refused) with them."""
    if "in" not in text and "out" not in text:
        return text
    pieces, done = [], 0
    for match in _CHANNEL_COUNT.finditer(text):
        before = "".join(pieces) + text[done:match.start()]
        math_before, math_after = _MATH_BEFORE.search(before), _MATH_AFTER.match(text, match.end())
        if math_before or math_after:  # '*1*' between two operands: never the number '1 256'
            prefix = "*" if math_before and not _OPERATOR_BEFORE.search(before) else ""
            suffix = "*" if math_after and not _OPERATOR_AFTER.match(text, match.end()) else ""
            factor = f"{prefix}1{suffix}"
        else:
            factor = match[0]
        pieces = [before, factor]
        done = match.end()
    return "".join(pieces) + text[done:]


#: Math ends right before: a sign, a bracket, a digit or a letter standing
#: alone (`k`, not the word `for`).
_MATH_BEFORE = re.compile(r"(?:[-*×(\[{/^+)\]}0-9]|(?<![A-Za-z])[A-Za-z])\s*$")
_OPERATOR_BEFORE = re.compile(r"[-*×(\[{/^+]\s*$")
_OPERATOR_AFTER = re.compile(r"\s*[*×/^)\]}]")
#: Math starts right after: the same, a letter standing alone (`k^2`,
#: `C_out`), not the word `channels`.
_MATH_AFTER = re.compile(r"\s*(?:[*×()\[\]{}/^0-9]|[A-Za-z](?![A-Za-z]))")


#: A spaced x between two operands (a letter, a number, brackets): `m x m^4`, `2 x (m + 1)`.
_SPACED_X = re.compile(r"(?:(?<=\b[A-Za-z])|(?<=[0-9)\]}]))\s+[xX]\s+(?=[A-Za-z]\b|(?:sqrt|log|lg|ln)\b|[0-9(\[{√])")
_LETTER_X_LETTER = re.compile(r"\b([A-Za-z])[xX]([A-Za-z])\b")
_LONE_X = re.compile(r"\b[xX]\b")
#: A letter standing alone that could be the size letter: not x, not the
#: kernel's k, not the prose letters 'a', 'I' and the O of a notation.
_SIZE_LETTER = re.compile(r"(?<![A-Za-z])(?![xXkKaAIOo])[A-Za-z](?![A-Za-z])")


def _crosses(text: str) -> str:
    """`O(m^2 x m^3)`, `O(kxk x m^5)`, `O(HxW)`: the x between two operands is
    a cross (×) when another letter is the size letter and the answer uses
    no letter x otherwise. Read as the letter, such an x would make a second
    size letter, which is refused; in `O(x^5)`, `O(x x^4)` or `O(2 x 3)` it
    stays the letter."""
    if "x" not in text and "X" not in text:
        return text
    crossed = _LETTER_X_LETTER.sub(
        lambda match: (f"{match[1]}×{match[2]}"
                       if match[1] == match[2] or {match[1], match[2]} in ({"H", "W"}, {"h", "w"})
                       else match[0]), text)
    crossed = _SPACED_X.sub(" × ", crossed)
    return crossed if _SIZE_LETTER.search(crossed) and not _LONE_X.search(crossed) else text


class _NoGrowth(ParseError):
    """Text with no math and no growth word in it: a label in `Answer = O(m^5)`."""


def _read(source: Source, nested: bool) -> GrowthReading:
    """`nested` is True for a piece of a larger answer (work before `=`, a
    restatement in brackets): its own remarks may not hold more math."""
    may_name_infinity = _may_name_infinity(source.text)
    source, limit = _without_limit_phrase(source) if may_name_infinity else (source, "")
    tokens = tokenize(source)
    notations = notation_indices(tokens, source if may_name_infinity else None)
    chain = [at for at in notations if at > 0 and _chain_mark_start(tokens, at)]  # not at 0: '~O(m^5)'
    if chain:
        return _read_chain(source, tokens, chain, nested)
    if len(notations) > 1:
        raise source.fail("it has more than one growth rate; give the one answer you mean",
                          ONLY_THE_GROWTH)
    parser = Parser(source, tokens, GROWTH_MODE)
    if notations:
        reading = _read_notation(parser, notations[0], nested)
    else:
        word_at = growth_word_before_math(parser, tokens)
        reading = (read_growth_word(parser, tokens, word_at, nested, _read_piece)
                   if word_at is not None else _read_bare(parser, nested))
    if limit:
        reading = replace(reading, remark=" ".join(filter(None, (reading.remark, limit))))
    return reading


def _read_piece(source: Source) -> GrowthReading:
    """A piece of a larger answer (a restatement after the growth rate), read
    as a growth rate whose own remarks may hold no more math."""
    return _read(source, nested=True)


# -- the forms of an answer ---------------------------------------------------

def _read_notation(parser: Parser, at: int, nested: bool) -> GrowthReading:
    """`O(...)`, `Θ[...]`, `big O of ...`; math right after the bracket
    (`O(m^5)^2`, `O(m^5)/k`, `O(m^5) k`) belongs to the growth rate."""
    source = parser.source
    leading = source.text[:parser.peek(at).start]
    parser.skip_to(at)
    notation = GROWTH_NOTATIONS[parser.advance().text]
    parser.begin()
    if parser.at("(", "[", "{"):
        node = parser.bracketed()
        after = parser.peek()
        if after.kind == "mark" and after.text == "!":
            raise source.fail("it has a '!' right after the brackets of the growth rate",
                              "write a factorial inside the brackets, like O(m!), or leave the '!' out")
        if after.kind == "end":
            reading = reading_of(node, notation, source)
            return with_context(reading, source, leading, "", nested, _read_piece) if leading else reading
        if not _dash_then_words(parser):  # 'O(m^5) - tight' is a remark
            parser.skip_to(at + 1)  # the bracket again, as the first factor of an expression
            node = parser.expression()
    else:
        parser.advance()  # 'of', as in 'big O of n squared'
        node = parser.expression()
    reading = reading_of(node, notation, source)
    return with_context(reading, source, leading, _rest(parser), nested, _read_piece)


def _dash_then_words(parser: Parser) -> bool:
    """`O(m^5) - tight`, `O(m^5) -- quintic`: a dash before words, not a minus."""
    dashes = 2 if parser.at("-") and parser.peek(1).text == "-" and not parser.peek(1).spaced else 1
    return parser.at("-") and parser.peek().spaced and not parser.starts_operand(dashes)


def _rest(parser: Parser) -> str:
    """The text after the math, as written."""
    return parser.source.text[parser.peek().start:]


def _read_bare(parser: Parser, nested: bool) -> GrowthReading:
    source = parser.source
    parser.skip_prose()
    if parser.at_end():
        raise source.fail("there is no growth rate in it", HINT, error_type=_NoGrowth)
    leading = source.text[:parser.peek().start]
    parser.begin()
    node = parser.expression()
    return with_context(reading_of(node, None, source), source, leading, _rest(parser), nested,
                        _read_piece)


def _read_chain(source, tokens, chain: list[int], nested: bool) -> GrowthReading:
    """`9m^5 + m = O(m^5)`, `O(m^5 + m) = O(m^5)`: work, then the answer; every
    step must say the same growth, and the last one is graded."""
    cuts = [_chain_mark_start(tokens, at) for at in chain] + [len(source.text)]
    pieces, start = [], 0
    for end, at in zip(cuts, chain + [None]):
        pieces.append(source.text[start:end].strip())
        start = tokens[at].start if at is not None else start
    answer = _read(Source(pieces[-1], source.as_what), nested)
    graded = answer
    for piece in pieces[:-1]:
        try:
            step = _read(Source(piece, source.as_what), nested=True)
        except _NoGrowth:
            continue  # a label: 'Answer = O(m^5)'
        refuse_bare_number(step, piece, source)
        if same_growth(step, answer):
            continue
        in_pixels = _side_then_pixels(step, answer, source.text)
        if in_pixels is None or graded not in (answer, in_pixels):
            raise source.fail(f"it says two different growth rates, '{cut(piece)}' and "
                              f"'{cut(pieces[-1])}'", "give the one answer you mean")
        graded = in_pixels
    return graded


def _side_then_pixels(step: GrowthReading, answer: GrowthReading, text: str) -> GrowthReading | None:
    """`O(N^10 k^3) = O(n^5 k^3)`: two letters whose powers differ by a factor of
    two are the side and the pixel count (n = N^2), the only meaning in which
    the two are equal; the answer is then read in the meaning this says.
    None when the two are not that (different growths, or more said). An
    exponential or factorial has no power: its placeholder term's power of
    the size is 0, which the powers compared must not be."""
    if (not step.size_letter or not answer.size_letter or step.size_letter == answer.size_letter
            or " and " in step.size_letter + answer.size_letter):
        return None
    first, last = step.dominant, answer.dominant
    if (first.kernel_exp, first.log_exp) != (last.kernel_exp, last.log_exp):
        return None
    if last.size_exp * 2 == first.size_exp != 0:
        meaning, step_meaning = "pixels", "side"
    elif first.size_exp * 2 == last.size_exp != 0:
        meaning, step_meaning = "side", "pixels"
    else:
        return None
    if answer.declared not in (None, meaning) or step.declared not in (None, step_meaning):
        return None
    return replace(answer, declared=meaning, declared_by=cut(text))


def _chain_mark_start(tokens: list[Token], at: int) -> int | None:
    """Where the `=`, `~`, `->` or `→` right before the notation at `at` starts."""
    mark = tokens[at - 1]
    if mark.kind != "mark":
        return None
    if mark.text in ("=", "~", "→", "⇒", "≡"):
        return mark.start
    if mark.text == ">" and at >= 2 and tokens[at - 2].text in ("-", "=") and not mark.spaced:
        return tokens[at - 2].start
    return None


# -- limits ---------------------------------------------------------------------

_LIMIT_PHRASE = re.compile(
    r"[,;]?\s*\(?\s*(?:as|when|for)\s+[A-Za-z]\s*(?:->|→|⟶|goes\s+to|tends\s+to|approaches)\s*"
    r"(?:∞|\+∞|oo|inf|infinity|infty)\s*\)?\s*[.]?\s*$", re.IGNORECASE)


def _may_name_infinity(text: str) -> bool:
    """A quick look before the token-by-token one."""
    lowered = text.lower()
    return "∞" in text or "oo" in lowered or "inf" in lowered


def _without_limit_phrase(source: Source) -> tuple[Source, str]:
    """`O(m^5) as m -> ∞`: the limit is what Big-O means, a harmless remark."""
    match = _LIMIT_PHRASE.search(source.text)
    if match is None or match.start() == 0:
        return source, ""
    return Source(source.text[:match.start()].rstrip(), source.as_what), \
        match.group().strip(" ,;()")
