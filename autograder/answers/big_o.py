"""Reading an answer that is a growth rate: `O(N^5)`, `Θ(m log m)`,
`Omega(m)`, `O(m^5 k^3)`, `O(n^(3/2))`, `big O of n squared`, a bare
`n^2` (no notation: a statement of how the count grows), or growth in words
(`quintic`, `linear in m`).

The expression is expanded into terms (coefficient · size^a · k^b · log^c
size), so `O(N*N*N*N*N)`, `O((N^5)^3)` and `O(m^5 + m)` are compared by what they
say, not how they are written. One letter names the input size (any letter,
case kept), or the pair H and W (height and width, each a side); k or K
names the kernel side. An exponential or factorial (`2^n`, `n!`, `e^n`) is
read as growing faster than every power, never as a power.

Nothing written is dropped: what follows the growth rate is read as math
(`O(m^5)^2`, `O(m^5)/k`), as a declaration of what the letter means (`O(m^5) in
the number of pixels`, `where m is the side length`), as a remark from a
short list of harmless words (`time`, `tight bound`), or the answer is
refused naming the part that was not understood. Grading policy (whether
constant factors or lower-order terms cost credit, what the kernel exponent
should be) belongs to the grader; this module reports them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Callable, NamedTuple

from . import expression
from .expression import GROWTH_NOTATIONS, KERNEL_LETTERS, log_factor
from .errors import ParseError
from .verdict import Letters, Outcome, Reference, Verdict

AS_WHAT = "a growth rate"
_HINT = ("write it like O(N^5) or O(n^5 k^3), with one letter for the input size and k for "
         "the kernel side")  # examples are no answer
_ONLY_THE_GROWTH = "write only the growth rate here; explanations go in the written parts"


class Term(NamedTuple):
    coefficient: Fraction
    size_exp: Fraction     # power of the size letter
    kernel_exp: Fraction   # power of k
    log_exp: int           # power of log(size)


_NO_TERM = Term(Fraction(1), Fraction(0), Fraction(0), 0)


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


#: Graded against the proved reference values (see `verdict`).
BY_REFERENCE = True


def parse(text: str) -> GrowthReading:
    """Read `text` as a growth rate, or raise ParseError."""
    return _read(expression.prepare(text, AS_WHAT), nested=False)


class _NoGrowth(ParseError):
    """Text with no math and no growth word in it: a label in `Answer = O(m^5)`."""


def _read(source: expression.Source, nested: bool) -> GrowthReading:
    """`nested` is True for a piece of a larger answer (work before `=`, a
    restatement in brackets): its own remarks may not hold more math."""
    may_name_infinity = _may_name_infinity(source.text)
    source, limit = _without_limit_phrase(source) if may_name_infinity else (source, "")
    tokens = expression.tokenize(source)
    notations = _notation_indices(tokens, source if may_name_infinity else None)
    chain = [at for at in notations if at > 0 and _chain_mark_start(tokens, at)]  # not at 0: '~O(m^5)'
    if chain:
        return _read_chain(source, tokens, chain, nested)
    if len(notations) > 1:
        raise source.fail("it has more than one growth rate; give the one answer you mean",
                          _ONLY_THE_GROWTH)
    parser = expression.Parser(source, tokens, expression.GROWTH_MODE)
    if notations:
        reading = _read_notation(parser, notations[0], nested)
    else:
        word_at = _growth_word_before_math(parser, tokens)
        reading = (_read_growth_word(parser, tokens, word_at, nested) if word_at is not None
                   else _read_bare(parser, nested))
    if limit:
        reading = replace(reading, remark=" ".join(filter(None, (reading.remark, limit))))
    return reading


# -- the forms of an answer ---------------------------------------------------

def _read_notation(parser: expression.Parser, at: int, nested: bool) -> GrowthReading:
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
            reading = _reading_of(node, notation, source)
            return _with_context(reading, source, leading, "", nested) if leading else reading
        dash_then_words = parser.at("-") and after.spaced and not parser.starts_operand(1)
        if not dash_then_words:  # 'O(m^5) - tight' is a remark
            parser.skip_to(at + 1)  # the bracket again, as the first factor of an expression
            node = parser.expression()
    else:
        parser.advance()  # 'of', as in 'big O of n squared'
        node = parser.expression()
    reading = _reading_of(node, notation, source)
    return _with_context(reading, source, leading, _rest(parser), nested)


def _rest(parser: expression.Parser) -> str:
    """The text after the math, as written."""
    return parser.source.text[parser.peek().start:]


def _read_bare(parser: expression.Parser, nested: bool) -> GrowthReading:
    source = parser.source
    parser.skip_prose()
    if parser.at_end():
        raise source.fail("there is no growth rate in it", _HINT, error_type=_NoGrowth)
    leading = source.text[:parser.peek().start]
    parser.begin()
    node = parser.expression()
    return _with_context(_reading_of(node, None, source), source, leading, _rest(parser), nested)


#: Growth in words: the power of the size each names.
GROWTH_WORDS = {"constant": 0, "linear": 1, "quadratic": 2, "cubic": 3, "quartic": 4,
                "quintic": 5, "sextic": 6, "septic": 7, "octic": 8}
_LOG_WORDS = {"logarithmic": 0, "linearithmic": 1}   # size^power · log size
_BEYOND_WORDS = {"exponential": "an exponential", "factorial": "a factorial"}
_VAGUE_WORDS = frozenset({"polynomial", "polynomially", "superlinear", "sublinear"})
#: 'constant' that is not a growth: 'constant factors', 'k constant'.
_NOT_GROWTH_AFTER = frozenset({"factor", "factors", "term", "terms", "multiple", "multiples",
                               "coefficient", "coefficients", "kernel", "k"})


def _growth_word(tokens: list[expression.Token], index: int) -> str | None:
    """The growth word at `index` ('quadratic' for 'Quadratically'), or None."""
    token = tokens[index]
    if token.kind != "word" or len(token.text) < 5:
        return None
    word = token.text.lower()
    for suffix in ("ally", "ly"):
        if word.endswith(suffix) and word[: -len(suffix)] in _ALL_GROWTH_WORDS:
            word = word[: -len(suffix)]
            break
    if word not in _ALL_GROWTH_WORDS:
        return None
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    previous = tokens[index - 1] if index else None
    if word == "constant" and (
            (following is not None and following.text.lower() in _NOT_GROWTH_AFTER)
            or (previous is not None and previous.text in KERNEL_LETTERS)):
        return None
    return word


_ALL_GROWTH_WORDS = frozenset(GROWTH_WORDS) | frozenset(_LOG_WORDS) | frozenset(_BEYOND_WORDS) \
    | _VAGUE_WORDS


def _growth_word_before_math(parser: expression.Parser, tokens: list[expression.Token]) -> int | None:
    """Index of a growth word that comes before any math ('quadratic in m'),
    or None: the answer is then read as math. `tokens` are the parser's."""
    found = next((i for i in range(len(tokens) - 1) if _growth_word(tokens, i)), None)
    if found is None:
        return None
    parser.skip_prose()
    first_math = next((i for i, token in enumerate(tokens) if token.start >= parser.peek().start),
                      len(tokens) - 1)
    parser.skip_to(0)
    return found if found < first_math else None


def _read_growth_word(parser: expression.Parser, tokens: list[expression.Token], at: int,
                      nested: bool) -> GrowthReading:
    source = parser.source
    token = tokens[at]
    word = _growth_word(tokens, at)
    if word in _VAGUE_WORDS:
        raise source.fail(f"'{token.text}' does not say which power of the input size",
                          "give the growth rate, like O(n^5 k^3)")
    leading, trailing = source.text[:token.start], source.text[token.end:]
    if word in _BEYOND_WORDS:
        reading = GrowthReading(None, None, (), _NO_TERM, False, False, f"{word} growth", "",
                                beyond_polynomial=_BEYOND_WORDS[word])
    else:
        size_exp, log_exp = (GROWTH_WORDS[word], 0) if word in GROWTH_WORDS else (_LOG_WORDS[word], 1)
        term = Term(Fraction(1), Fraction(size_exp), Fraction(0), log_exp)
        reading = GrowthReading(None, None, (term,), term, False, False, word, "")
    reading = _with_context(reading, source, leading, trailing, nested)
    if reading.beyond_polynomial is None:
        letter = reading.size_letter or "size"
        reading = replace(reading, shown=f"{word} growth ({_render_terms(reading.terms, letter, 'k')})")
    return reading


def _read_chain(source, tokens, chain: list[int], nested: bool) -> GrowthReading:
    """`9m^5 + m = O(m^5)`, `O(m^5 + m) = O(m^5)`: work, then the answer; every
    step must say the same growth, and the last one is graded."""
    cuts = [_chain_mark_start(tokens, at) for at in chain] + [len(source.text)]
    pieces, start = [], 0
    for cut, at in zip(cuts, chain + [None]):
        pieces.append(source.text[start:cut].strip())
        start = tokens[at].start if at is not None else start
    answer = _read(expression.Source(pieces[-1], source.as_what), nested)
    for piece in pieces[:-1]:
        if not piece:
            raise source.fail("it has an '=' with nothing before it")
        try:
            step = _read(expression.Source(piece, source.as_what), nested=True)
        except _NoGrowth:
            continue  # a label: 'Answer = O(m^5)'
        if not _same_growth(step, answer):
            raise source.fail(f"it says two different growth rates, '{_cut(piece)}' and "
                              f"'{_cut(pieces[-1])}'", "give the one answer you mean")
    return answer


def _chain_mark_start(tokens: list[expression.Token], at: int) -> int | None:
    """Where the `=`, `~`, `->` or `→` right before the notation at `at` starts."""
    mark = tokens[at - 1]
    if mark.kind != "mark":
        return None
    if mark.text in ("=", "~", "→", "⇒", "≡"):
        return mark.start
    if mark.text == ">" and at >= 2 and tokens[at - 2].text in ("-", "=") and not mark.spaced:
        return tokens[at - 2].start
    return None


def _notation_indices(tokens: list[expression.Token],
                      source: expression.Source | None = None) -> list[int]:
    """Every growth notation (`O(`, `Θ(`, `Omega(`, `O of`); with `source`,
    also refuses infinity (one pass over the tokens)."""
    found = []
    for index, token in enumerate(tokens[:-1]):
        if source is not None and (token.text == "∞" or token.text.lower() in _INFINITY_WORDS):
            _refuse_infinity(source, token)
        if token.kind != "word" or token.text not in GROWTH_NOTATIONS:
            continue
        following = tokens[index + 1]
        if (following.kind == "mark" and following.text in "([{") or (
                following.kind == "word" and following.text.lower() == "of"):
            found.append(index)
    return found


_QUOTE_LIMIT = 40  # characters of the student's words quoted in a message


def _cut(text: str) -> str:
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT - 1] + "…"


# -- infinity and limits --------------------------------------------------------

_INFINITY_WORDS = frozenset({"oo", "inf", "infinity", "infinite", "infty"})
_LIMIT_PHRASE = re.compile(
    r"[,;]?\s*\(?\s*(?:as|when|for)\s+[A-Za-z]\s*(?:->|→|⟶|goes\s+to|tends\s+to|approaches)\s*"
    r"(?:∞|\+∞|oo|inf|infinity|infty)\s*\)?\s*[.]?\s*$", re.IGNORECASE)


def _may_name_infinity(text: str) -> bool:
    """A quick look before the token-by-token one."""
    lowered = text.lower()
    return "∞" in text or "oo" in lowered or "inf" in lowered


def _without_limit_phrase(source: expression.Source) -> tuple[expression.Source, str]:
    """`O(m^5) as m -> ∞`: the limit is what Big-O means, a harmless remark."""
    match = _LIMIT_PHRASE.search(source.text)
    if match is None or match.start() == 0:
        return source, ""
    return expression.Source(source.text[:match.start()].rstrip(), source.as_what), \
        match.group().strip(" ,;()")


def _refuse_infinity(source: expression.Source, token: expression.Token) -> None:
    """`oo` (SymPy's infinity), `∞`, `infinity` name no growth: refused, never
    read as the letter o squared."""
    raise source.fail(f"'{token.text}' means infinity, which is not a growth rate: a Big-O "
                      "says how fast a count grows as the input size grows", _HINT)


# -- what the math says -----------------------------------------------------------

def _reading_of(node: expression.Node, notation: str | None,
                source: expression.Source) -> GrowthReading:
    letters = expression.symbols(node)
    size_letters = letters - KERNEL_LETTERS
    if "e" in size_letters and len(size_letters) > 1 and _has_e_power(node):
        size_letters -= {"e"}  # Euler's number in e^n
    pair = _side_pair(size_letters)
    if len(size_letters) > 1 and not pair:
        ordered = sorted(size_letters)
        hint = "to multiply, write * or ×, not the letter x" if "x" in ordered else _HINT
        raise source.fail(f"it uses {', '.join(ordered[:-1])} and {ordered[-1]} as letters; "
                          f"use one letter for the input size and k for the kernel side", hint)
    size_letter = pair or (next(iter(size_letters)) if size_letters else None)
    kernel_letter = "k" if "k" in letters or "K" not in letters else "K"
    declared = ("side", f"{pair} are the height and width") if pair else (None, "")
    beyond, polynomial = _beyond_or_polynomial(node, size_letters, source)
    if beyond is not None:
        shown = expression.render(node)
        return GrowthReading(notation, size_letter, (), _NO_TERM, False, False,
                             f"{notation}({shown})" if notation else shown, "",
                             beyond_polynomial=beyond, declared=declared[0], declared_by=declared[1])
    terms = _terms(polynomial, size_letters, source)
    if not terms:
        raise source.fail("it works out to zero", _HINT)
    if pair:
        shown = expression.render(node)
    else:
        shown = _render_terms(terms, size_letter, kernel_letter)
    if terms[0].coefficient < 0:
        raise source.fail(f"it is negative as the input size grows ({shown}): a count is never "
                          "negative, and neither is how it grows", _HINT)
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
            return None, expression.to_polynomial(node, source)
        except ParseError:
            beyond = _beyond_polynomial(node, size_letters, source)
            if beyond is None:
                raise
            return beyond, None
    beyond = _beyond_polynomial(node, size_letters, source)
    return (beyond, None) if beyond is not None else (None, expression.to_polynomial(node, source))


def _side_pair(size_letters: frozenset[str]) -> str | None:
    """'H and W' when the letters are H and W (either case): the height and
    width, each a side of the image."""
    if len(size_letters) == 2 and {letter.lower() for letter in size_letters} == {"h", "w"}:
        height, width = sorted(size_letters, key=str.lower)
        return f"{height} and {width}"
    return None


def _has_e_power(node) -> bool:
    if isinstance(node, expression.Power) and node.base == expression.Letter("e"):
        return True
    if isinstance(node, expression.Call):
        return node.function == "exp" or _has_e_power(node.argument)
    if isinstance(node, (expression.Negate, expression.Factorial)):
        return _has_e_power(node.operand)
    if isinstance(node, expression.Power):
        return _has_e_power(node.base) or _has_e_power(node.exponent)
    if isinstance(node, (expression.Sum, expression.Product)):
        parts = node.parts if isinstance(node, expression.Sum) else node.factors
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
            raise source.fail(f"it has {factor} to the power {expression.format_plain(exponent)}, "
                              f"which is not a power of the input size, k, or log of the input size",
                              _HINT)
    return size, kernel, log


def _beyond_polynomial(node, size_letters, source) -> str | None:
    """'an exponential' or 'a factorial' when `node` grows faster than every
    power of the size (`2^n`, `n^n`, `e^n`, `exp(n)`, `n!`, `2^n n^3`), None
    when it has no such part; refuses what it cannot rank (`n^2 - 2^n`,
    `n/2^n`, `log(n!)`)."""
    E = expression
    if isinstance(node, (E.Number, E.Letter)):
        return None
    if isinstance(node, E.Factorial):
        if not expression.symbols(node.operand) & size_letters:  # `N^2!`: which '!' is meant?
            raise source.fail(f"it has the factorial of something that is not the input size "
                              f"({_quoted(node)})", "write its value, or brackets around what "
                              "the '!' applies to, like (m^5)!")
        if _beyond_polynomial(node.operand, size_letters, source) is None:
            _require_growth(node.operand, size_letters, source, node)
        return "a factorial"
    if isinstance(node, E.Power):
        if expression.symbols(node.exponent) & size_letters:
            if _beyond_polynomial(node.exponent, size_letters, source) is None:
                _require_growth(node.exponent, size_letters, source, node)
            _require_base_above_one(node.base, size_letters, source, node)
            return "an exponential"
        _beyond_polynomial(node.exponent, size_letters, source)  # refuses `N^2!`
        inner = _beyond_polynomial(node.base, size_letters, source)
        if inner is not None and _constant(node.exponent, source) <= 0:
            raise source.fail(f"it divides by {inner} ({_quoted(node)}), so it does not grow", _HINT)
        return inner
    if isinstance(node, E.Call):
        if node.function == "exp":
            if _beyond_polynomial(node.argument, size_letters, source) is None:
                _require_growth(node.argument, size_letters, source, node)
            return "an exponential"
        inner = _beyond_polynomial(node.argument, size_letters, source)
        if inner is not None and node.function != "sqrt":
            raise source.fail(f"it takes the log of {inner} ({_quoted(node)})",
                              "write what that log grows like")
        return inner
    if isinstance(node, E.Negate):
        inner = _beyond_polynomial(node.operand, size_letters, source)
        if inner is not None:
            raise source.fail(f"it is negative ({_quoted(node)}): a count is never negative, "
                              "and neither is how it grows", _HINT)
        return None
    if isinstance(node, E.Sum):
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
                              "how it grows", _HINT)
        if inner is None:
            rest.append(("*" if not rest else op, factor))
        found = found or inner
    if found is not None and rest:
        _require_positive(E.Product(tuple(rest)) if len(rest) > 1 else rest[0][1],
                          size_letters, source, node)
    return found


def _quoted(node) -> str:
    return _cut(expression.render(node))


def _constant(node, source) -> Fraction:
    if expression.symbols(node):
        raise source.fail(f"the power {_quoted(node)} contains a letter; only numbers can be "
                          "exponents of an exponential or factorial", _HINT)
    return expression.evaluate(node, source)


def _require_growth(node, size_letters, source, whole) -> None:
    """The exponent of `2^(...)` (or what `!` applies to) must grow like a
    positive power of the size: `2^(log n)` is a power, `2^(1/n)` shrinks."""
    terms = _terms(expression.to_polynomial(node, source), size_letters, source)
    if not terms or terms[0].size_exp <= 0 or terms[0].coefficient < 0:
        raise source.fail(f"in {_quoted(whole)}, {_quoted(node)} does not grow like a positive "
                          "power of the input size", _HINT)


def _require_base_above_one(base, size_letters, source, whole) -> None:
    if expression.symbols(base) & size_letters:
        _require_growth(base, size_letters, source, whole)
        return
    if base == expression.Letter("e"):
        return
    if expression.symbols(base):
        raise source.fail(f"in {_quoted(whole)}, it is not clear that the base {_quoted(base)} "
                          "is more than 1", _HINT)
    if expression.evaluate(base, source) <= 1:
        raise source.fail(f"{_quoted(whole)} does not grow: its base is not more than 1", _HINT)


def _require_positive(node, size_letters, source, whole) -> None:
    terms = _terms(expression.to_polynomial(node, source), size_letters, source)
    if not terms:
        raise source.fail(f"{_quoted(whole)} works out to zero", _HINT)
    if terms[0].coefficient < 0:
        raise source.fail(f"it is negative ({_quoted(whole)}): a count is never negative, and "
                          "neither is how it grows", _HINT)


def _same_growth(first: GrowthReading, second: GrowthReading) -> bool:
    """Whether two readings say the same growth in the size (kernel powers and
    constant factors aside)."""
    if first.beyond_polynomial or second.beyond_polynomial:
        return first.beyond_polynomial == second.beyond_polynomial
    return (first.dominant.size_exp, first.dominant.log_exp) == \
        (second.dominant.size_exp, second.dominant.log_exp)


# -- words around the growth rate ---------------------------------------------------

#: Words a remark may hold without changing the growth rate it follows: what
#: is counted, how tight, how it grows. Anything else (`per`, `each`, `or`,
#: `not`, `slower`, an unknown word) refuses the answer rather than be dropped.
REMARK_WORDS = frozenset("""
    time times runtime run running cost costs work space memory complexity growth grows grow
    scales scale scaling rate order operations operation ops multiplications multiplication
    mults multiplies flops macs computations computation steps entries entry elements values
    weights parameters params size
    tight tightly bound bounds upper asymptotic asymptotically roughly approximately approx
    about around overall total in all the a an is it its it's this that which so of as and
    with for large big when increases increase grows growing exactly only just
    ignoring ignore dropping drop without constant constants factor factors lower order
    terms term treating treated fixed held kept
    faster speedup speed larger bigger greater more doubles doubling
    kernel kernels filter filters channel channels bias biases pixel pixels output outputs
    worst best average case general practice input inputs image images
""".split())
#: Words that hedge, negate or re-scope an answer: never harmless.
_HEDGE_WORDS = frozenset("""
    or either maybe perhaps probably possibly not no never unless except between than per each
    every plus minus but however otherwise depends depending unsure guess if slower smaller
    fewer less
""".split())
_PROSE_MARKS = frozenset(".,;:'\"-")
_LEADING_MARKS = frozenset("~=: ")  # '~O(m^5)', '= O(m^5)'
_MATH_MARKS = frozenset("^*/+×√!=<>()[]{}_~∞") | {"**"}

_IN_CLAUSE = re.compile(r"^(?:(?:measured|expressed|growth)\s+)?"
                        r"(?:in|with|wrt|w\.r\.t\.?|with\s+respect\s+to)"
                        r"\s+(?:terms\s+of\s+)?(?P<phrase>.+)$", re.IGNORECASE)
_KERNEL_FIXED = re.compile(
    r"^(?:(?:with|for|and|where|if|assuming|treating)\s+)?(?:the\s+)?(?:(?:fixed|constant)\s+[kK]|"
    r"(?:kernel\s+(?:size\s+|side\s+)?)?[kK]\s+(?:is\s+|being\s+|held\s+|kept\s+|as\s+)?(?:an?\s+)?"
    r"(?:fixed|constant))$", re.IGNORECASE)
_SIDE_GRID = re.compile(r"^(?:for|with|on|given)\s+(?:an?\s+)?(?P<a>[A-Za-z])\s*(?:x|×|\*|by)\s*"
                        r"(?P<b>[A-Za-z])\s*(?:images?|inputs?|pictures?|grids?|input\s+images?)?$")
_DECLARATION = re.compile(
    r"^(?:(?:where|with|here|and|for|if|let|assuming)\s+)?"
    r"(?P<letters>[A-Za-z](?:\s*(?:,|and|&)\s*[A-Za-z])?)"
    r"\s*(?:=|:|\bis\b|\bare\b|\bdenotes?\b|\bmeans?\b|\bbeing\b|\bstands?\s+for\b|\bas\b|"
    r"\brepresents?\b|(?=\bthe\b))\s*(?:the\s+)?(?P<phrase>\S.*)$", re.IGNORECASE)
_KERNEL_PHRASE = re.compile(r"kernel|filter|window|patch|receptive|fixed|constant", re.IGNORECASE)
_NEUTRAL_WORDS = frozenset("the an a input size image images problem its input's of data".split())
_LETTER_LIST = re.compile(r"\b([A-Za-z])\s*,\s*([A-Za-z])\b")
_AND_CLAUSE = re.compile(r"\s+and\s+(?=[A-Za-z]\s*(?:=|:|is\b|the\b|denotes\b|fixed\b|constant\b))")


@dataclass
class _Said:
    """What the words around a growth rate say."""

    variable: str | None = None     # 'side' or 'pixels'
    by: str = ""                    # the words that said it
    letters: set = field(default_factory=set)         # size letters the words name
    restated: list = field(default_factory=list)      # (words, GrowthReading)
    remarks: list = field(default_factory=list)


def _with_context(reading: GrowthReading, source, leading: str, trailing: str,
                  nested: bool) -> GrowthReading:
    """Read the words before and after the growth rate: declarations of what
    its letter means, restatements (which must agree) and harmless remarks;
    refuse anything else."""
    if not leading.strip() and not trailing.strip():
        return reading
    said = _Said(variable=reading.declared, by=reading.declared_by)
    for clause in _clauses(leading, source):
        _read_clause(clause, said, reading, source, nested, lenient=True)
    for clause in _clauses(trailing, source):
        _read_clause(clause, said, reading, source, nested, lenient=False)
    letters = set(reading.size_letter.split(" and ")) if reading.size_letter else set()
    for words, restated in said.restated:
        if not _same_growth(restated, reading):
            raise source.fail(f"it says two different growth rates: {reading.shown} and "
                              f"'{_cut(words)}'", "give the one answer you mean")
        if restated.size_letter:
            said.letters.add(restated.size_letter)
        if restated.declared:
            _declare(said, restated.declared, restated.declared_by, source)
    if said.letters - letters:
        if letters or len(said.letters) > 1:
            other = ", ".join(sorted(said.letters - letters))
            uses = f"uses {reading.size_letter}" if letters else "has no letter for the input size"
            raise source.fail(f"it says what {other} means, but the growth rate {uses}",
                              "use the same letter in the growth rate and in what it means")
        reading = replace(reading, size_letter=next(iter(said.letters)))
    return replace(reading, declared=said.variable, declared_by=said.by,
                   remark="; ".join(said.remarks))


def _clauses(text: str, source) -> list[str]:
    """`, n = pixels (tight)` -> ['n = pixels', 'tight']: split at commas and
    semicolons outside brackets; a bracketed remark is a clause of its own."""
    text = _LETTER_LIST.sub(r"\1 and \2", text.strip())
    clauses, current, depth = [], [], 0
    for char in text:
        if char in "([{":
            if depth == 0:
                clauses.append("".join(current))
                current = []
            else:
                current.append(char)
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth < 0:
                raise source.fail(f"a '{char}' in '{_cut(text)}' closes a bracket that was never opened")
            if depth == 0:
                clauses.append("".join(current))
                current = []
            else:
                current.append(char)
        elif char in ",;" and depth == 0:
            clauses.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise source.fail(f"a bracket in '{_cut(text)}' is never closed")
    clauses.append("".join(current))
    split = (part.strip() for clause in clauses for part in _AND_CLAUSE.split(clause))
    return [_LEADING_DASH.sub("", _FULL_STOP.sub("", part)) for part in split if part and part != "."]


_FULL_STOP = re.compile(r"(?<=[^.])\.$")  # one '.' ending a clause; '...' stays


_LEADING_DASH = re.compile(r"^[-:]\s*(?=\S)")


def _read_clause(clause: str, said: _Said, reading: GrowthReading, source, nested: bool,
                 lenient: bool) -> None:
    if _KERNEL_FIXED.match(clause) or (lenient and set(clause) <= _LEADING_MARKS):
        return
    declaration = _DECLARATION.match(clause)
    if declaration and not _growth_words_in(clause):
        _read_declaration(declaration, clause, said, source)
        return
    grid = _SIDE_GRID.match(clause)
    if grid:
        if grid.group("a") != grid.group("b"):
            raise source.fail(f"'{_cut(clause)}' names two letters for one image side")
        said.letters.add(grid.group("a"))
        _declare(said, "side", clause, source)
        return
    within = _IN_CLAUSE.match(clause)
    if within and not set(within.group("phrase").lower().split()) <= REMARK_WORDS:
        phrase = within.group("phrase").strip()
        words = phrase.split()
        if len(words) > 1 and expression._is_letter(words[-1]):  # 'the number of pixels n'
            said.letters.add(words[-1])
            phrase = " ".join(words[:-1])
        if expression._is_letter(phrase):
            said.letters.add(phrase)
            return
        _declare(said, _phrase_variable(phrase, phrase, source), clause, source)
        return
    tokens = expression.tokenize(expression.Source(clause, source.as_what))[:-1]
    if _growth_words_in(clause) or any(
            token.kind == "number" or (token.kind == "mark" and token.text in _MATH_MARKS)
            for token in tokens):
        if nested:
            raise source.fail(f"the part '{_cut(clause)}' was not understood", _ONLY_THE_GROWTH)
        try:
            restated = _read(expression.Source(clause, source.as_what), nested=True)
        except ParseError as error:
            raise source.fail(f"the part '{_cut(clause)}' was not understood "
                              f"({error.message.split(': ', 1)[-1]})", _ONLY_THE_GROWTH) from None
        said.restated.append((clause, restated))
        return
    letters = set(reading.size_letter.split(" and ")) if reading.size_letter else set()
    if not lenient and not any(token.kind == "word" for token in tokens):
        raise source.fail(f"it goes on after the growth rate with '{_cut(clause)}', which was not "
                          "understood", _ONLY_THE_GROWTH)
    for token in tokens:
        word = token.text.lower()
        if token.kind == "mark" and token.text in _PROSE_MARKS:
            continue
        if lenient:
            if word in _HEDGE_WORDS:
                raise source.fail(f"the words before the growth rate ('{_cut(clause)}') hedge or "
                                  f"change it ('{token.text}')", "give the one answer you mean")
            continue
        if token.kind == "word" and (word in REMARK_WORDS or token.text in letters
                                     or token.text in KERNEL_LETTERS):
            continue
        raise source.fail(f"it goes on after the growth rate with '{_cut(clause)}', which was not "
                          f"understood ('{token.text}')", _ONLY_THE_GROWTH)
    if not lenient:
        said.remarks.append(clause)


def _growth_words_in(clause: str) -> bool:
    tokens = expression.tokenize(expression.Source(clause, AS_WHAT))
    return any(_growth_word(tokens, index) for index in range(len(tokens) - 1)) or bool(
        _notation_indices(tokens))


def _read_declaration(match: re.Match, clause: str, said: _Said, source) -> None:
    """`n = number of pixels`, `where N is the side length`, `H and W the
    height and width`, `k the kernel size`."""
    letters = re.findall(r"[A-Za-z]", re.sub(r"\band\b", " ", match.group("letters")))
    phrase = match.group("phrase").strip()
    if all(letter in KERNEL_LETTERS for letter in letters):
        if not _KERNEL_PHRASE.search(phrase):
            raise source.fail(f"'{_cut(clause)}': k is read as the kernel side, not "
                              f"'{_cut(phrase)}'", "use another letter for the input size")
        return
    if len(letters) == 2:
        if (not _side_pair(frozenset(letters)) or not _known_phrase(phrase)
                or parse_variable(phrase) != "side"):
            raise source.fail(f"could not tell what {letters[0]} and {letters[1]} mean from "
                              f"'{_cut(clause)}'", "say what your letter means: the image side "
                              "or the number of pixels")
        said.letters.update(letters)
        _declare(said, "side", clause, source)
        return
    letter = letters[0]
    said.letters.add(letter)
    _declare(said, _phrase_variable(f"{letter} = {phrase}", phrase, source), clause, source)


#: Words a declaration inside an answer may use: more (`the pixels in the
#: kernel`, `the side, roughly`) is refused rather than read by one keyword.
_DECLARATION_WORDS = frozenset("""
    the a an of number numbers count pixel pixels image images input inputs picture grid square
    side sides length lengths width widths height heights edge edges dimension dimensions row rows
    column columns total size values along per on one each across wide long high tall in and its
    image's input's data is are
""".split())
_DECLARATION_MARKS = frozenset("=^*×·'-/") | {"**"}


def _known_phrase(phrase: str) -> bool:
    """Only declaration words, letters, and marks between two of them
    (`N x N`, `H*W`, `N^2`, `side-length`)."""
    tokens = expression.tokenize(expression.Source(phrase, AS_WHAT))[:-1]
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.text.lower() in ("and", "or"):
            known = 0 < index < len(tokens) - 1  # 'height or width', never a dangling 'or'
        elif token.kind == "word":
            known = token.text.lower() in _DECLARATION_WORDS or expression._is_letter(token.text)
        elif token.kind == "number":
            known = token.text == "2"
        else:
            known = (token.text in _DECLARATION_MARKS and 0 < index < len(tokens) - 1
                     and tokens[index + 1].kind != "mark")
        if not known:
            return False
    return True


def _phrase_variable(text: str, phrase: str, source) -> str | None:
    """'side' or 'pixels' from words such as "the side length", or None when
    they only say "the input size"; refuses words it cannot place."""
    if not _known_phrase(phrase):
        raise source.fail(f"could not tell what '{_cut(phrase)}' means", "say what your letter "
                          "means in a few words: the image side, or the number of pixels")
    variable = parse_variable(text)
    if variable is not None:
        return variable
    if set(phrase.lower().split()) <= _NEUTRAL_WORDS:
        return None
    raise source.fail(f"could not tell whether '{_cut(phrase)}' means the image side or the "
                      "number of pixels", "say what your letter means: the image side (N for an "
                      "N x N image) or the number of pixels")


def _declare(said: _Said, variable: str | None, words: str, source) -> None:
    if variable is None:
        return
    if said.variable is not None and said.variable != variable:
        raise source.fail(f"it says its letter means both {SIZE_WORDS[said.variable]} and "
                          f"{SIZE_WORDS[variable]}", "say what your letter means once")
    if said.variable is None:
        said.variable, said.by = variable, words


def _rank(term: Term) -> tuple[Fraction, int, Fraction]:
    return term.size_exp, term.log_exp, term.kernel_exp


def _render_terms(terms: tuple[Term, ...], size_letter: str | None, kernel_letter: str) -> str:
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
        return expression.format_plain(abs(term.coefficient))
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


def describe(reading: GrowthReading) -> str:
    """How the answer was read: 'read as O(N^5 k^3), N = the size letter'."""
    if reading.declared is not None:
        return read_in(reading, reading.declared)
    if reading.size_letter is None:
        return f"read as {reading.shown}, with no letter for the input size"
    return f"read as {reading.shown}, {reading.size_letter} = the size letter"


def compare(reading: GrowthReading, size_exp: Fraction, log_exp: int = 0) -> str:
    """'tight' when the dominant term grows like size^size_exp · log^log_exp,
    'loose' when faster (a true upper bound, not tight: every exponential and
    factorial), 'too_low' when slower. The kernel exponent is not compared:
    see `dominant.kernel_exp`."""
    if reading.beyond_polynomial is not None:
        return "loose"
    student = (reading.dominant.size_exp, reading.dominant.log_exp)
    expected = (Fraction(size_exp), log_exp)
    if student == expected:
        return "tight"
    return "loose" if student > expected else "too_low"


# -- the size variable ---------------------------------------------------------

SIZE_WORDS = {"side": "the image side (N for an N x N image)",
              "pixels": "the number of pixels (n = N x N)"}
_PIXELS_OF_A_SIDE = re.compile(
    r"in\s+pixels|pixels?\s+(?:per|along|on|of|across)\s+(?:a|an|one|each|the)?\s*"
    r"(?:side|edge|row|column|dimension)|pixels?\s+(?:wide|long|high|tall)", re.IGNORECASE)
_PIXEL_WORDS = re.compile(
    r"pixel|\barea\b|total|number\s+of\s+inputs|input\s+values|[a-z]\s*=\s*[a-z]\s*(?:\^|\*\*)\s*2"
    r"|[a-z]²|\b[hw]\s*[*x×·]\s*[wh]\b", re.IGNORECASE)
_SIDE_WORDS = re.compile(r"side|width|height|length|edge|dimension|\brows?\b|\bcolumns?\b",
                         re.IGNORECASE)


def parse_variable(text: str | None) -> str | None:
    """'side', 'pixels' or None (blank or ambiguous) from words such as
    "N = side length", "number of pixels", "n = N^2", "pixels per side"."""
    if not text or len(text) > 500:
        return None
    cleaned = _PIXELS_OF_A_SIDE.sub(" side ", text)
    pixels, side = bool(_PIXEL_WORDS.search(cleaned)), bool(_SIDE_WORDS.search(cleaned))
    if pixels == side:
        return None
    return "pixels" if pixels else "side"


def size_variable(spec, prepared, sheet, read: Callable[[str], GrowthReading] = parse) -> Letters:
    """How the sheet's Big-O letters are read: the meaning of the student's
    size letter as declared, or else the one meaning that fits their
    answers best. Also records whether the other meaning fits their answers
    better than the declared one, which is when "exponents of the other
    variable" is the likely mistake rather than a single wrong answer.

    `read` is the grader's (cached) Big-O parser, so that every answer is read
    once per sheet. A failure here never sinks the sheet: the result then
    says so (`variable` None, `failed` the error) and each Big-O item reports
    an internal error (see `variable_for`)."""
    try:
        return _size_variable(spec, prepared, sheet, read)
    except Exception as error:  # one part's bug must not sink the sheet
        return Letters(variable=None, declared=False, other_fits_better=False,
                       failed=f"{type(error).__name__}: {error}",
                       note="The autograder could not work out what your Big-O letter means (an "
                            "internal error); Big-O answers were not graded. This is not a judgement "
                            "of your answers; please tell course staff.")


def _size_variable(spec, prepared, sheet, read) -> Letters:
    fits = {variable: 0 for variable in SIZE_WORDS}
    for item in spec.items:
        entry = prepared.item(item.key)
        if item.kind != "big_o" or entry is None or entry.growth is None:
            continue
        try:
            reading = read(sheet.get(item.key) or "")
        except Exception:  # unreadable here; its own item reports why
            continue
        if reading.declared is not None:
            continue  # says what its letter means: no vote on the sheet's letter
        for variable in fits:
            if compare(reading, entry.growth.size_exp_in(variable)) == "tight":
                fits[variable] += 1
    declared_text = sheet.get(spec.variable_key)
    declared = parse_variable(declared_text)
    if declared:
        other = "pixels" if declared == "side" else "side"
        return Letters(variable=declared, declared=True, other_fits_better=fits[other] > fits[declared],
                       note=f"Big-O answers were read with your letter meaning {SIZE_WORDS[declared]}, "
                            f"as declared in {spec.variable_key}.")
    chosen = "pixels" if fits["pixels"] > fits["side"] else "side"
    why = ("could not be understood" if declared_text and declared_text.strip()
           else "was left empty")
    return Letters(variable=chosen, declared=False, other_fits_better=False,
                   note=f"{spec.variable_key} {why}, so Big-O answers were read with the letter "
                        f"meaning {SIZE_WORDS[chosen]}: the meaning that fits your answers best.")


def variable_for(reading: GrowthReading, sheet_variable: str | None) -> str:
    """What this answer's size letter means: what the answer itself says
    (`O(m^5) in the number of pixels`, H and W), else the sheet's variable.
    Raises when neither is known (the sheet's could not be worked out)."""
    if reading.declared is not None:
        return reading.declared
    if sheet_variable is None:
        raise RuntimeError("the sheet's size variable could not be worked out")
    return sheet_variable


# -- grade ------------------------------------------------------------------

def read_in(reading: GrowthReading, variable: str) -> str:
    """How the answer was read, with the meaning its size letter was given;
    a meaning the answer declares itself is the one used, and said so."""
    variable = reading.declared or variable
    if reading.size_letter and " and " in reading.size_letter:
        return (f"read as {reading.shown}, with {reading.size_letter} the height and width: each "
                f"is {SIZE_WORDS['side']}, so their product grows like the side squared")
    letter = reading.size_letter or "the size"
    read = f"read as {reading.shown}, with {letter} = {SIZE_WORDS[variable]}"
    if reading.declared is not None:
        read += f", as your answer says ('{_cut(reading.declared_by)}')"
    return read


def grade(reading: GrowthReading, reference: Reference) -> Verdict:
    """Tight bound: full credit; a true but loose upper bound: partial (an
    exponential or factorial: the policy's super-polynomial credit); Ω, or a
    bound that is too low: none, each with the reason."""
    policy, growth = reference.policy, reference.growth
    variable = variable_for(reading, reference.letters.variable)
    read = read_in(reading, variable)
    if reading.notation in ("Ω", "ω"):
        return Verdict(0.0, read, "Ω is a lower bound: it says the cost grows at least this "
                       "fast. The question asks for an upper bound, O (or a tight Θ).", Outcome.LOWER_BOUND)
    fit = compare(reading, growth.size_exp_in(variable))
    if fit == "tight" and reading.notation in ("o",):
        return Verdict(0.0, read, "Little-o claims the cost grows strictly slower than this, "
                       "which is not true here; use O or Θ.", Outcome.TOO_LOW)
    if fit == "tight":
        kernel = reading.dominant.kernel_exp
        if kernel < 0:
            return Verdict(policy.kernel_mismatch_credit, read,
                           "Partly right. The growth in the input size is right, but dividing by "
                           "the kernel side k says the count shrinks as the kernel grows, which "
                           "is not how the count depends on k.", Outcome.KERNEL_MISMATCH)
        if kernel not in (0, growth.kernel_exp):
            return Verdict(policy.kernel_mismatch_credit, read,
                           "Partly right. The growth in the input size is right, but the power "
                           "of the kernel side k does not match how the count depends on k.",
                           Outcome.KERNEL_MISMATCH)
        notes = ["Correct."]
        if reading.has_constant_factor or reading.has_lower_order_terms:
            notes.append("Constant factors and lower-order terms do not change a Big-O; "
                         "the usual form leaves them out.")
        return Verdict(1.0, read, " ".join(notes), Outcome.CORRECT)
    other = "pixels" if variable == "side" else "side"
    if (reading.declared is None and reference.letters.other_fits_better
            and compare(reading, growth.size_exp_in(other)) == "tight"):
        return Verdict(policy.variable_mismatch_credit, read,
                       f"Partly right. These exponents fit {SIZE_WORDS[other]}, but you declared "
                       f"your letter to mean {SIZE_WORDS[variable]}. With n = N² pixels, every "
                       "exponent of N halves.", Outcome.VARIABLE_MISMATCH)
    if fit == "loose" and reading.notation in ("Θ", "ω"):
        return Verdict(0.0, read, "Θ claims the bound is tight, but the cost grows more slowly "
                       "than this.", Outcome.LOOSE_THETA)
    if fit == "loose" and reading.beyond_polynomial is not None:
        return Verdict(policy.super_polynomial_credit, read,
                       f"True, but far from tight: {reading.beyond_polynomial} grows faster than "
                       "every power of the input size, and the count grows like a power of it. "
                       "Give the smallest bound that holds.", Outcome.FAR_FROM_TIGHT)
    if fit == "loose":
        return Verdict(policy.loose_credit, read, "True, but not tight: the cost grows more "
                       "slowly than this bound. Give the smallest bound that holds.", Outcome.LOOSE)
    return Verdict(0.0, read, f"Too low: the cost grows faster than this. {reference.item.hint}".strip(),
                   Outcome.TOO_LOW)
