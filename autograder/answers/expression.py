"""The grammar every answer kind reads its math with: a recursive-descent
parser over the tokens of one answer (`expression_tokens`), building a
syntax tree (`expression_tree`) that `expression_values` evaluates.

Student text is hostile, so nothing here hands it to eval, SymPy, ast or
compile: answers are read with a small grammar of our own, bounded in
tokens and nesting (checked before recursing).

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

from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Iterator

from .errors import ParseError
from .expression_tokens import (MAX_NESTING, MAX_TOKENS, Source, Token, check_size, is_letter,
                                prepare, snippet, tokenize)
from .expression_tree import Call, Factorial, Letter, Negate, Node, Number, Power, Product, Sum

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


@dataclass(frozen=True)
class Mode:
    """How one kind reads the ambiguous parts of math."""

    cross_words: frozenset[str]   # what counts as a cross: 'x', '×', 'times', 'by'
    cross_multiplies: bool        # True: 6 x 7 is 42; False: it separates two dimensions
    letters_are_math: bool        # True (growth): 'nlogn', 'nk' are products of letters


NUMBER_MODE = Mode(frozenset({"x", "X", "×", "times"}), cross_multiplies=True, letters_are_math=False)
SHAPE_MODE = Mode(frozenset({"x", "X", "×", "by"}), cross_multiplies=False, letters_are_math=False)
GROWTH_MODE = Mode(frozenset({"×", "times"}), cross_multiplies=True, letters_are_math=True)


def _word_pieces(word: str) -> list[str] | None:
    """'nlogn' -> ['n', 'log', 'n']: function names and single letters, or
    None when the word has a letter outside ASCII."""
    pieces, index = [], 0
    while index < len(word):
        name = next((name for name in ("sqrt", "log", "lg", "ln") if word.startswith(name, index)), None)
        if name is None:
            if not is_letter(word[index]):
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
        return is_letter(token.text)

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
        `n log n`, `2(n+1)`; but not `5 weights` or `432 (6*7*5)`."""
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
            return self.mode.letters_are_math or is_letter(token.text)
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
            check_size(value, self.source)
            return Number(value, token.digits, unit)
        if self.at(*_BRACKET_PAIRS):
            return self.bracketed()
        if self._is_function(token):
            return self._function()
        if token.kind == "word" and not self.cross_count(token):
            if is_letter(token.text):
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
        return f" after '{snippet(context[-40:], 40)}'" if context else ""

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
