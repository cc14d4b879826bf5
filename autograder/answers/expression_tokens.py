"""The text of one answer, before any grammar: the bounds on student
input, the answer normalised (or refused as blank or too long), and its
tokens (numbers, words, marks).

Student text is hostile, so every bound is checked *before* the work it
protects against: the answer's length before anything else, a number's
digits and power of ten before `int()`, a value's size before it is kept
(`check_size`). The grammar (`expression`) and the exact arithmetic
(`expression_values`) take their bounds from here.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from .errors import ParseError
from .normalize import normalize

# Bounds on student input: the only place they are set.
MAX_ANSWER_CHARS = 2_000       # longer answers are refused before anything else
MAX_TOKENS = 400               # numbers, words and signs in the math of one answer
MAX_NESTING = 40               # brackets, signs, powers and functions inside each other
MAX_LITERAL_DIGITS = 300       # digits in one written number
MAX_RESULT_DIGITS = 1_000      # digits of any value (numerator or denominator)
MAX_ROOT_DEGREE = 12           # largest denominator of an exponent: n^(1/12)
MAX_LETTER_EXPONENT = 100      # largest |exponent| of a letter: n^100
MAX_TERMS = 200                # terms left after expanding products of sums
MAX_EXPANSION_STEPS = 1_000    # term-by-term products while expanding

MAX_RESULT_BITS = math.ceil(MAX_RESULT_DIGITS * math.log2(10))
_MAX_EXPONENT_CHARS = len(str(MAX_RESULT_DIGITS))


# ----------------------------------------------------------------------------
# The answer, its tokens, and the errors that name them


@dataclass(frozen=True)
class Source:
    """The normalised answer and what it is being read as, for messages."""

    text: str
    as_what: str  # "a number", "a shape", ...

    def fail(self, reason: str, hint: str | None = None,
             error_type: type[ParseError] = ParseError) -> ParseError:
        """The error to raise: names the answer as read and what went wrong."""
        return error_type(f"could not read '{snippet(self.text)}' as {self.as_what}: {reason}", hint)


def snippet(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def prepare(text: str | None, as_what: str) -> Source:
    """Refuse blank and over-long answers, then normalise. The length check
    comes before anything else touches the text."""
    if text is None:
        raise ParseError("no answer", f"write {as_what} here")
    if len(text) > MAX_ANSWER_CHARS:
        raise _too_long(len(text), as_what)
    normalized = normalize(text)
    if not normalized:
        raise ParseError("no answer", f"write {as_what} here")
    if len(normalized) > MAX_ANSWER_CHARS:
        raise _too_long(len(normalized), as_what)
    return Source(normalized, as_what)


def _too_long(length: int, as_what: str) -> ParseError:
    return ParseError(f"the answer is too long to read as {as_what}: {length:,} characters "
                      f"(the limit is {MAX_ANSWER_CHARS:,})",
                      "write just the answer here; explanations go in the written parts")


class Token(NamedTuple):
    kind: str          # 'number', 'word', 'mark' (any other character) or 'end'
    text: str          # as written
    start: int         # offsets into Source.text
    end: int
    spaced: bool       # whitespace (or the start of the answer) comes right before it
    digits: str = ""    # numbers only: as written, minus group separators
    mantissa: str = ""  # numbers only: all the digits; the value is mantissa * 10**scale
    scale: int = 0


def tokenize(source: Source, digit_groups: str = ", ") -> list[Token]:
    """Split the answer into numbers, words (runs of letters) and marks (any
    other character; `**` is one mark).

    `digit_groups` holds the characters that may separate groups of three
    digits inside one number (`12,345`, `12 345`); `_` always may (`1_000`).
    """
    text = source.text
    tokens: list[Token] = []
    previous_end = -1
    for match in _token_pattern(digit_groups).finditer(text):
        start, end = match.span()
        spaced = start != previous_end
        kind = match.lastgroup
        if kind == "number":
            tokens.append(_number_token(source, match, spaced))
        else:
            tokens.append(Token(kind, match.group(), start, end, spaced))
        previous_end = end
    tokens.append(Token("end", "", len(text), len(text), len(text) != previous_end))
    return tokens


@lru_cache(maxsize=None)
def _token_pattern(digit_groups: str) -> re.Pattern:
    """Numbers: whole digits (grouped as 12,345 when `digit_groups` allows, or
    with `_` as in 1_000), then optional decimals and exponent; ASCII digits
    only. Words: letters, with inner apostrophes (it's). Marks: the rest."""
    plain = r"[0-9]+(?:_[0-9]+)*"
    whole = plain
    if digit_groups:
        group = r"[0-9]{3}(?![0-9_])"
        whole = (rf"[0-9]{{1,3}}(?P<separator>[{re.escape(digit_groups)}]){group}"
                 rf"(?:(?P=separator){group})*|{plain}")
    number = (rf"(?=\.?[0-9])(?P<whole>{whole})?(?P<fraction>\.{plain})?"
              rf"(?:[eE](?P<exponent>[+-]?{plain}))?")
    return re.compile(rf"(?P<number>{number})|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)|(?P<mark>\*\*|\S)")


def _number_token(source: Source, match: re.Match, spaced: bool) -> Token:
    """Checks the literal's digits and power of ten before anything converts them."""
    written = match.group()
    whole = (match.group("whole") or "").replace(",", "").replace(" ", "").replace("_", "")
    fraction = (match.group("fraction") or "").replace(".", "").replace("_", "")
    exponent_text = (match.group("exponent") or "0").replace("_", "")
    exponent_digits = exponent_text.lstrip("+-")
    if len(exponent_digits) > _MAX_EXPONENT_CHARS or int(exponent_digits) > MAX_RESULT_DIGITS:
        raise source.fail(f"the power of ten in '{snippet(written, 30)}' is too large",
                          f"numbers may have at most {MAX_RESULT_DIGITS:,} digits")
    if len(whole) + len(fraction) > MAX_LITERAL_DIGITS:
        raise source.fail(f"it has a number with more than {MAX_LITERAL_DIGITS} digits")
    digits = written.replace(",", "").replace(" ", "").replace("_", "")
    return Token("number", written, match.start(), match.end(), spaced, digits, whole + fraction,
                 int(exponent_text) - len(fraction))



def is_letter(word: str) -> bool:
    """Whether the word is one ASCII letter: a letter of the math (`n`, `k`)."""
    return len(word) == 1 and word.isascii() and word.isalpha()


def check_size(value: Fraction, source: Source) -> None:
    """Refuse a value with more than MAX_RESULT_DIGITS digits."""
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_RESULT_BITS:
        raise source.fail(f"a value in it has more than {MAX_RESULT_DIGITS:,} digits")
