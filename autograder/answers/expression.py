"""Tokenizer, parser and exact arithmetic shared by every answer kind.

Student text is hostile, so nothing here hands it to eval, SymPy, ast or
compile: answers are read with a small grammar of our own, and every bound
below is checked *before* the work it protects against (lengths before
`int()`, the digits of b**e before computing it, the nesting depth before
recursing). Values are exact (`int` / `Fraction`); no float ever holds a
student's value.

Grammar, loosest first::

    expression := term (('+' | '-') term)*
    term       := signed (('*' | '/' | cross) signed | implicit-factor)*
    signed     := ('-' | '+') signed | power
    power      := postfix (('^' | '**') signed)?          right-associative
    postfix    := primary ('squared' | 'cubed')?  ('!' | 'factorial')?   (growth mode: n!)
    primary    := number | letter | bracket | function
    bracket    := '(' expression ')'  (or [ ] or { })
    function   := ('log' | 'lg' | 'ln') ('_' primary)? ('^' primary)? argument
                | ('sqrt' | '√' | 'exp') argument | 'frac' bracket bracket

An implicit factor is `2m`, `m log m`, `m^5 k^3`, `2(m+1)`. A *cross* (`x`,
`×`, `times`, `by`) multiplies or separates the dimensions of a shape,
depending on the kind's `Mode`. Each kind reads the text around the
expression itself (leading prose, `=` chains, separators, trailing remarks)
with the parser's token-level methods.
"""
from __future__ import annotations

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from fractions import Fraction
from typing import Iterator, NamedTuple, Union

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

FUNCTIONS = frozenset({"log", "lg", "ln", "sqrt", "frac", "exp"})
KERNEL_LETTERS = frozenset("kK")
#: Words that name a growth notation when a bracket or "of" follows them.
GROWTH_NOTATIONS = {
    "O": "O", "o": "o", "Θ": "Θ", "Ω": "Ω", "ω": "ω",
    "Theta": "Θ", "theta": "Θ", "THETA": "Θ",
    "Omega": "Ω", "omega": "Ω", "OMEGA": "Ω",
}

_BRACKET_PAIRS = {"(": ")", "[": "]", "{": "}"}
#: Words after a letter that keep it math in a growth rate: `n squared`, `n factorial`.
_GROWTH_POSTFIX_WORDS = frozenset({"squared", "cubed", "factorial"})
_PROSE_MARKS = frozenset(":,;.\"'!?=~")
_MATH_AFTER_LETTER = frozenset({"^", "**", "*", "/", "+", "-", "×"})


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
        return error_type(f"could not read '{_snippet(self.text)}' as {self.as_what}: {reason}", hint)


def _snippet(text: str, limit: int = 60) -> str:
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
        raise source.fail(f"the power of ten in '{_snippet(written, 30)}' is too large",
                          f"numbers may have at most {MAX_RESULT_DIGITS:,} digits")
    if len(whole) + len(fraction) > MAX_LITERAL_DIGITS:
        raise source.fail(f"it has a number with more than {MAX_LITERAL_DIGITS} digits")
    digits = written.replace(",", "").replace(" ", "").replace("_", "")
    return Token("number", written, match.start(), match.end(), spaced, digits, whole + fraction,
                 int(exponent_text) - len(fraction))


# ----------------------------------------------------------------------------
# The syntax tree


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


@dataclass(frozen=True)
class Mode:
    """How one kind reads the ambiguous parts of math."""

    cross_words: frozenset[str]   # what counts as a cross: 'x', '×', 'times', 'by'
    cross_multiplies: bool        # True: 12 x 12 is 144; False: it separates two dimensions
    letters_are_math: bool        # True (growth): 'nlogn', 'nk' are products of letters


NUMBER_MODE = Mode(frozenset({"x", "X", "×", "times"}), cross_multiplies=True, letters_are_math=False)
SHAPE_MODE = Mode(frozenset({"x", "X", "×", "by"}), cross_multiplies=False, letters_are_math=False)
GROWTH_MODE = Mode(frozenset({"×", "times"}), cross_multiplies=True, letters_are_math=True)


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isascii() and word.isalpha()


def _word_pieces(word: str) -> list[str] | None:
    """'nlogn' -> ['n', 'log', 'n']: function names and single letters, or
    None when the word has a letter outside ASCII."""
    pieces, index = [], 0
    while index < len(word):
        name = next((name for name in ("sqrt", "log", "lg", "ln") if word.startswith(name, index)), None)
        if name is None:
            if not _is_letter(word[index]):
                return None
            name = word[index]
        pieces.append(name)
        index += len(name)
    return pieces


@lru_cache(maxsize=256)
def _is_growth_word(word: str) -> bool:
    """A word that reads as math in a growth rate: 'n', 'nk', 'nlogn', 'log'
    (at most one letter for the input size besides the kernel's k)."""
    pieces = _word_pieces(word)
    if pieces is None:
        return False
    return len({piece for piece in pieces if len(piece) == 1} - KERNEL_LETTERS) <= 1


# ----------------------------------------------------------------------------
# The parser


class Parser:
    """Recursive descent over the tokens of one answer, bounded in tokens and
    nesting. Kinds call `skip_prose`, `begin`, `expression` and the token
    helpers; every error is a `ParseError` naming the answer."""

    def __init__(self, source: Source, tokens: list[Token], mode: Mode):
        self.source = source
        self.mode = mode
        self._tokens = tokens
        self._position = 0
        self._begun_at = 0       # index of the first token of the math
        self._depth = 0          # nesting of brackets, signs, powers and functions
        self._brackets = 0       # nesting of brackets alone

    @classmethod
    def read(cls, text: str, as_what: str, mode: Mode, digit_groups: str = ", ") -> Parser:
        return cls.of(prepare(text, as_what), mode, digit_groups)

    @classmethod
    def of(cls, source: Source, mode: Mode, digit_groups: str = ", ") -> Parser:
        return cls(source, tokenize(source, digit_groups), mode)

    # -- looking at tokens -----------------------------------------------

    def peek(self, ahead: int = 0) -> Token:
        return self._tokens[min(self._position + ahead, len(self._tokens) - 1)]

    def previous(self) -> Token | None:
        return self._tokens[self._position - 1] if self._position else None

    def advance(self) -> Token:
        token = self.peek()
        if self._position - self._begun_at >= MAX_TOKENS:
            raise self.source.fail(f"the math in it is longer than {MAX_TOKENS} numbers and signs")
        if token.kind != "end":
            self._position += 1
        return token

    def at(self, *texts: str) -> bool:
        """Whether the next token is one of the marks `texts`."""
        token = self.peek()
        return token.kind == "mark" and token.text in texts

    def at_end(self) -> bool:
        return self.peek().kind == "end"

    def begin(self) -> None:
        """Mark the start of the math: messages quote from here, and the token
        bound counts from here (leading prose is free)."""
        self._begun_at = self._position

    def remark(self) -> str:
        """The rest of the answer, unread: words after the math."""
        return self.source.text[self.peek().start:].lstrip(",;: ").rstrip()

    def context(self, token: Token | None = None) -> str:
        """The math read before `token` (default: the next token)."""
        start = self._tokens[self._begun_at].start
        return self.source.text[start:(token or self.peek()).start].strip()

    def find_notation(self) -> int | None:
        """Index of the first growth notation (`O(`, `Θ(`, `Omega(`, `O of`)."""
        for index, token in enumerate(self._tokens[:-1]):
            following = self._tokens[index + 1]
            if token.kind == "word" and token.text in GROWTH_NOTATIONS and (
                    (following.kind == "mark" and following.text in _BRACKET_PAIRS)
                    or (following.kind == "word" and following.text.lower() == "of")):
                return index
        return None

    def skip_to(self, index: int) -> None:
        self._position = index

    def cross_count(self, token: Token) -> int:
        """How many crosses the token is: 1 for `x` or `×`, 2 for `xx`, else 0."""
        if token.kind not in ("word", "mark"):
            return 0
        if token.text in self.mode.cross_words:
            return 1
        if "x" in self.mode.cross_words and token.kind == "word" and set(token.text) <= {"x", "X"}:
            return len(token.text)
        return 0

    def _is_function(self, token: Token) -> bool:
        return (token.kind == "word" and token.text in FUNCTIONS) or (
            token.kind == "mark" and token.text == "√")

    def _could_be_math(self, token: Token) -> bool:
        if token.kind != "word" or self.cross_count(token):
            return False
        if self.mode.letters_are_math:
            return _is_growth_word(token.text)
        return _is_letter(token.text)

    def _is_prose(self, ahead: int) -> bool:
        """Whether the word `ahead` is prose rather than math: 'a' in 'a factor
        of n' is prose, 'N' in 'N^2/7' and 'n' in 'n log n' are math."""
        token = self.peek(ahead)
        if token.kind != "word" or self._is_function(token):
            return False
        if not self._could_be_math(token):
            return True
        following = self.peek(ahead + 1)
        if self.mode.letters_are_math:
            return (following.kind == "word" and not self._is_function(following)
                    and not self._could_be_math(following)
                    and following.text.lower() not in _GROWTH_POSTFIX_WORDS)
        math_follows = (following.kind == "end" or self._is_function(following)
                        or self.cross_count(following) > 0
                        or (following.kind == "mark" and (following.text in _MATH_AFTER_LETTER or (
                            following.text in _BRACKET_PAIRS and not following.spaced)))
                        or (following.kind == "number" and not following.spaced))
        return not math_follows

    def _is_label(self, ahead: int) -> bool:
        """`n = 12345`, `N: 400`: a letter naming the answer that follows."""
        following = self.peek(ahead + 1)
        return (self._could_be_math(self.peek(ahead)) and following.kind == "mark"
                and following.text in ("=", ":") and self.starts_operand(ahead + 2))

    def starts_operand(self, ahead: int = 0) -> bool:
        """Whether the token `ahead` can begin a number or term."""
        token = self.peek(ahead)
        if token.kind == "number":
            return True
        if token.kind == "mark":
            return token.text in _BRACKET_PAIRS or token.text in ("-", "+", "√")
        if token.kind != "word" or self.cross_count(token):
            return False
        return self._is_function(token) or (self._could_be_math(token) and not self._is_prose(ahead))

    def skip_prose(self) -> list[str]:
        """Skip the words before the math ('There are', 'padding of', 'n =',
        '~', 'about'); returns the skipped words and marks."""
        skipped = []
        while True:
            token = self.peek()
            is_prose_mark = token.kind == "mark" and token.text in _PROSE_MARKS
            if not (is_prose_mark or self._is_label(0) or self._is_prose(0)):
                return skipped
            skipped.append(token.text)
            self._position += 1  # prose is not math: the token bound starts at begin()

    # -- grammar ----------------------------------------------------------

    def expression(self) -> Node:
        parts = [("+", self._term())]
        while self.at("+", "-"):
            parts.append((self.advance().text, self._term()))
        return parts[0][1] if len(parts) == 1 else Sum(tuple(parts))

    def _term(self) -> Node:
        factors = [("*", self._signed())]
        while True:
            token = self.peek()
            crosses = self.cross_count(token)
            if self.at("*", "/"):
                self.advance()
                factors.append((token.text, self._signed()))
            elif crosses:
                if not self.mode.cross_multiplies:
                    break
                if crosses > 1 or self.cross_count(self.peek(1)):
                    raise self.source.fail(f"two multiplication signs in a row{self._after(token)}")
                if not self.starts_operand(1):
                    break  # '57x faster', '57 times': a suffix, not a product
                self.advance()
                factors.append(("*", self._signed()))
            elif self._continues_implicitly():
                factors.append(("*", self._power()))
            else:
                break
        return factors[0][1] if len(factors) == 1 else Product(tuple(factors))

    def _continues_implicitly(self) -> bool:
        """Whether the next token multiplies the term without a sign: `2n`,
        `n log n`, `2(n+1)`; but not `5 weights` or `432 (12*12*3)`."""
        token = self.peek()
        if token.kind == "mark":
            if token.text in _BRACKET_PAIRS:
                return not token.spaced or self._brackets > 0
            return token.text == "√"
        if token.kind != "word" or self.cross_count(token):
            return False
        if self._is_function(token):
            return True
        if self._brackets > 0:
            return self.mode.letters_are_math or _is_letter(token.text)
        if not self._could_be_math(token):
            return False
        return not token.spaced or (self.mode.letters_are_math and not self._is_prose(0))

    def _signed(self) -> Node:
        if self.at("-", "+"):
            sign = self.advance()
            with self._nested():
                operand = self._signed()
            return Negate(operand) if sign.text == "-" else operand
        return self._power()

    def _power(self) -> Node:
        base = self._postfix()
        if self.at("^", "**"):
            self.advance()
            with self._nested():
                exponent = self._signed()
            return Power(base, exponent)
        return base

    def _postfix(self) -> Node:
        node = self._primary()
        token = self.peek()
        if token.kind == "word" and token.text.lower() in ("squared", "cubed"):
            self.advance()
            node = Power(node, _small_number(2 if token.text.lower() == "squared" else 3))
            token = self.peek()
        # `n!`, `(n+1)!`, `n factorial` in a growth rate: the `!` is read, never
        # left behind as punctuation. A `!` after a space is not taken
        # (`O(m^5) !`): the growth kind decides what that is.
        if self.mode.letters_are_math and (
                (token.text == "!" and token.kind == "mark" and not token.spaced)
                or (token.kind == "word" and token.text.lower() == "factorial")):
            self.advance()
            node = Factorial(node)
        return node

    def _primary(self) -> Node:
        token = self.peek()
        if token.kind == "number":
            self.advance()
            unit = Fraction(10 ** token.scale) if token.scale >= 0 else Fraction(1, 10 ** -token.scale)
            value = int(token.mantissa or "0") * unit
            _check_size(value, self.source)
            return Number(value, token.digits, unit)
        if self.at(*_BRACKET_PAIRS):
            return self.bracketed()
        if self._is_function(token):
            return self._function()
        if token.kind == "word" and not self.cross_count(token):
            if _is_letter(token.text):
                self.advance()
                return Letter(token.text)
            pieces = _word_pieces(token.text) if self.mode.letters_are_math else None
            if pieces and (_is_growth_word(token.text) or len(pieces) <= 3):
                self._split_word(pieces)
                return self._primary()
        raise self._expected(token)

    def _split_word(self, pieces: list[str]) -> None:
        """Replace the word 'nlogn' by the tokens n, log, n."""
        word = self.peek()
        split, start = [], word.start
        for piece in pieces:
            split.append(Token("word", piece, start, start + len(piece), word.spaced and not split))
            start += len(piece)
        self._tokens[self._position: self._position + 1] = split

    def _function(self) -> Node:
        token = self.advance()
        name = "sqrt" if token.text == "√" else token.text
        with self._nested():
            if name == "frac":  # LaTeX \frac{a}{b}
                numerator = self.bracketed()
                return Product((("*", numerator), ("/", self.bracketed())))
            base = None
            if name == "log" and self.at("_"):
                self.advance()
                base = self._primary()
            elif name == "log" and self.peek().kind == "number" and not self.peek().spaced:
                base = self._primary()  # log2 n
            power = None
            if self.at("^", "**"):
                self.advance()
                power = self._primary()  # log^2 n
            argument = self.bracketed() if self.at(*_BRACKET_PAIRS) else self._power()
        call = Call(name, argument, base)
        return call if power is None else Power(call, power)

    def bracketed(self) -> Node:
        """`( expression )`, with [ ] and { } too; the closing one must match."""
        opening = self.peek()
        if not self.at(*_BRACKET_PAIRS):
            raise self._expected(opening)
        self.advance()
        self._brackets += 1
        try:
            with self._nested():
                inner = self.expression()
        finally:
            self._brackets -= 1
        self.expect_close(opening)
        return inner

    def expect_close(self, opening: Token) -> None:
        closing = self.peek()
        wanted = _BRACKET_PAIRS[opening.text]
        if closing.kind == "mark" and closing.text == wanted:
            self.advance()
        elif closing.kind == "end":
            raise self.source.fail(f"the '{opening.text}'{self._after(opening)} is never closed",
                                   f"add the missing '{wanted}'")
        else:
            found = f"the word '{closing.text}'" if closing.kind == "word" else f"'{closing.text}'"
            raise self.source.fail(f"expected '{wanted}'{self._after(closing)} but found {found}")

    @contextmanager
    def _nested(self) -> Iterator[None]:
        if self._depth >= MAX_NESTING:
            raise self.source.fail(f"brackets, signs or powers are nested more than {MAX_NESTING} deep")
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1

    def _after(self, token: Token) -> str:
        context = self.context(token)
        return f" after '{_snippet(context[-40:], 40)}'" if context else ""

    def _expected(self, token: Token) -> ParseError:
        if token.kind == "end":
            found = "the answer ends there"
        elif token.kind == "word":
            found = f"found the word '{token.text}'"
        else:
            found = f"found '{token.text}'"
        return self.source.fail(f"expected a number{self._after(token)} but {found}")


def _small_number(value: int) -> Number:
    return Number(Fraction(value), str(value), Fraction(1))


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
    `12*12*3`, `400^2/7`, `6.5*10^3`, `log_2(n)`."""
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


def _quoted(node: Node) -> str:
    """The expression for a message, cut short if long."""
    return _snippet(render(node), 40)


def _short(value: Fraction) -> str:
    text = format_plain(value)
    return text if len(text) <= 24 else f"a {len(str(abs(value.numerator)))}-digit number"


# ----------------------------------------------------------------------------
# Exact values and the polynomial view


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


def _check_size(value: Fraction, source: Source) -> None:
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_RESULT_BITS:
        raise source.fail(f"a value in it has more than {MAX_RESULT_DIGITS:,} digits")


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
    _check_size(result, source)
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
            _check_size(coefficient, self.source)
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
        if any(not _is_letter(factor) for factor in factors):
            raise self.source.fail(f"it takes the log of a log ({_quoted(node)})")
        if not factors:
            raise self.source.fail(f"{_quoted(node)} is not an exact number",
                                   "write its value as a decimal")
        if len(factors) > 1:
            raise self.source.fail(f"it takes the log of more than one letter ({_quoted(node)})")
        (letter,) = factors
        return {((log_factor(letter), Fraction(1)),): Fraction(1)}
