"""The words of a growth rate: growth said in words (`quadratic`,
`linear in m`, `exponential`), the notations (`O(`, `Θ(`, `Omega of`), and
the words around the math.

Nothing written is dropped: what follows the growth rate is read as math
(a restatement, which must agree), as a declaration of what the letter
means (`O(m^5) in the number of pixels`, `where m is the side length`), as
a remark from a short list of harmless words (`time`, `tight bound`), or
the answer is refused naming the part that was not understood. Infinity
(`oo`, `∞`) names no growth and is refused, never read as the letter o.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Callable

from .big_o_terms import (AS_WHAT, HINT, NO_TERM, ONLY_THE_GROWTH, GrowthReading, Term, cut,
                          render_terms, same_growth, side_pair)
from .errors import ParseError
from .expression import GROWTH_NOTATIONS, KERNEL_LETTERS, Parser
from .expression_tokens import Source, Token, is_letter, tokenize

#: Reads a piece of an answer (a restatement in brackets) as a growth rate.
ReadPiece = Callable[[Source], GrowthReading]


# -- growth in words ----------------------------------------------------------

#: Growth in words: the power of the size each names.
GROWTH_WORDS = {"constant": 0, "linear": 1, "quadratic": 2, "cubic": 3, "quartic": 4,
                "quintic": 5, "sextic": 6, "septic": 7, "octic": 8}
_LOG_WORDS = {"logarithmic": 0, "linearithmic": 1}   # size^power · log size
_BEYOND_WORDS = {"exponential": "an exponential", "factorial": "a factorial"}
_VAGUE_WORDS = frozenset({"polynomial", "polynomially", "superlinear", "sublinear"})
#: 'constant' that is not a growth: 'constant factors', 'k constant'.
_NOT_GROWTH_AFTER = frozenset({"factor", "factors", "term", "terms", "multiple", "multiples",
                               "coefficient", "coefficients", "kernel", "k"})


def growth_word(tokens: list[Token], index: int) -> str | None:
    """The growth word at `index` ('quadratic' for 'Quadratically'), or None.
    `tokens` end with the end token, as `tokenize` gives them."""
    token = tokens[index]
    if token.kind != "word":
        return None
    word = token.text.lower()
    for suffix in ("ally", "ly"):
        if word.endswith(suffix) and word[: -len(suffix)] in _ALL_GROWTH_WORDS:
            word = word[: -len(suffix)]
            break
    if word not in _ALL_GROWTH_WORDS:
        return None
    previous = tokens[index - 1] if index else None
    if word == "constant" and (
            tokens[index + 1].text.lower() in _NOT_GROWTH_AFTER
            or (previous is not None and previous.text in KERNEL_LETTERS)):
        return None
    return word


_ALL_GROWTH_WORDS = frozenset(GROWTH_WORDS) | frozenset(_LOG_WORDS) | frozenset(_BEYOND_WORDS) \
    | _VAGUE_WORDS


def growth_word_before_math(parser: Parser, tokens: list[Token]) -> int | None:
    """Index of a growth word that comes before any math ('quadratic in m'),
    or None: the answer is then read as math. `tokens` are the parser's."""
    found = next((i for i in range(len(tokens) - 1) if growth_word(tokens, i)), None)
    if found is None:
        return None
    parser.skip_prose()
    first_math = next(i for i, token in enumerate(tokens) if token.start >= parser.peek().start)
    parser.skip_to(0)
    return found if found < first_math else None


def read_growth_word(parser: Parser, tokens: list[Token], at: int, nested: bool,
                     reread: ReadPiece) -> GrowthReading:
    """The growth the word at `at` names (`quadratic in m`, `exponential`),
    with the words around it; a vague word (`polynomial`) is refused."""
    source = parser.source
    token = tokens[at]
    word = growth_word(tokens, at)
    if word in _VAGUE_WORDS:
        raise source.fail(f"'{token.text}' does not say which power of the input size",
                          "give the growth rate, like O(n^5 k^3)")
    leading, trailing = source.text[:token.start], source.text[token.end:]
    if word in _BEYOND_WORDS:
        reading = GrowthReading(None, None, (), NO_TERM, False, False, f"{word} growth", "",
                                beyond_polynomial=_BEYOND_WORDS[word])
    else:
        size_exp, log_exp = (GROWTH_WORDS[word], 0) if word in GROWTH_WORDS else (_LOG_WORDS[word], 1)
        term = Term(Fraction(1), Fraction(size_exp), Fraction(0), log_exp)
        reading = GrowthReading(None, None, (term,), term, False, False, word, "")
    reading = with_context(reading, source, leading, trailing, nested, reread)
    if reading.beyond_polynomial is None:
        letter = reading.size_letter or "size"
        reading = replace(reading, shown=f"{word} growth ({render_terms(reading.terms, letter, 'k')})")
    return reading


def notation_indices(tokens: list[Token], source: Source | None = None) -> list[int]:
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


_INFINITY_WORDS = frozenset({"oo", "inf", "infinity", "infinite", "infty"})


def _refuse_infinity(source: Source, token: Token) -> None:
    """`oo` (SymPy's infinity), `∞`, `infinity` name no growth: refused, never
    read as the letter o squared."""
    raise source.fail(f"'{token.text}' means infinity, which is not a growth rate: a Big-O "
                      "says how fast a count grows as the input size grows", HINT)


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
    ignoring ignore ignored dropping drop dropped omitting omitted neglecting neglected without
    constant constants factor factors lower order
    terms term treating treated fixed held kept
    faster speedup speed larger bigger greater more doubles doubling
    kernel kernels filter filters channel channels bias biases pixel pixels output outputs
    worst best average case general practice input inputs image images
    both same standard conv convolution convolutional layer layers non weight sharing shared
    fully connected dense forward backward pass
""".split())
#: Words that open a reason after the growth rate (`O(m^5) since every
#: output reads every input`): read as a remark when it holds no math, no
#: growth, no other letter and no hedge.
_REASON_WORDS = frozenset("since because cause as".split())
_FIXING = re.compile(r"\b(?:fixed|constant|held|kept)\b", re.IGNORECASE)
#: Words that hedge, negate or re-scope an answer: never harmless.
_HEDGE_WORDS = frozenset("""
    or either maybe perhaps probably possibly not no never unless except between than per each
    every plus minus but however otherwise depends depending unsure guess if slower smaller
    fewer less least minimum atleast above beyond under below exceeds exceeding
""".split())
#: Words that make a growth rate a lower bound; `lower` alone is a remark
#: (`ignoring lower order terms`).
_LOWER_BOUND = re.compile(r"\blower[\s-]*bound|\bbounded\s+(?:from\s+)?below|\bfrom\s+below",
                          re.IGNORECASE)
#: In a reason, `each`, `every` and `per` explain (`since every output reads
#: every input`, `one product per weight`); the other hedges still refuse.
_REASON_HEDGES = _HEDGE_WORDS - {"each", "every", "per"}
#: Bounds a word before a bare growth rate names (`Omega: m^5`, `Theta m^5`):
#: the growth rate is read as that bound, never as a bare statement, which a
#: lower bound would pass for. (O and o there are the prose of `Big O:`.)
_WORDED_BOUNDS = frozenset("ΘΩω")
#: Words before a growth rate that would change it if they were passed over:
#: an operation on what follows (`square root of m`, `one over m^5`, `m times
#: m`, `e to the m`). A constant factor (`half of`, `twice`) changes nothing.
_CHANGING_WORDS = frozenset("""
    square squared root roots sqrt cube cubed inverse reciprocal over times divided multiplied
    log logs logarithm logarithmic ln exp exponential exponentially power powers raised
    factorial fraction
""".split())
#: Number words, which change what follows (`two to the m`, `ten m`) unless
#: they count a thing the remarks may name (`for one channel`).
_NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten".split())
#: What a number word may count without changing the growth in the image
#: size. Not pixels or outputs: `for one output, O(m^5)` is a cost per output.
_COUNTED_WORDS = frozenset("""
    channel channels kernel kernels filter filters image images layer layers example examples
    sample samples batch
""".split())
#: One-letter words that are prose, not a letter of the math: 'a', 'I', and
#: the O of 'Big O:'.
_PROSE_LETTERS = frozenset("aAIOo")
_PROSE_MARKS = frozenset(".,;:'\"-")
_LEADING_MARKS = frozenset("~=: ")  # '~O(m^5)', '= O(m^5)'
_MATH_MARKS = frozenset("^*/+×√!=<>()[]{}_~∞") | {"**"}

_IN_CLAUSE = re.compile(r"^(?:(?:measured|expressed|growth)\s+)?"
                        r"(?:in|with|wrt|w\.r\.t\.?|with\s+respect\s+to)"
                        r"\s+(?:terms\s+of\s+)?(?P<phrase>.+)$", re.IGNORECASE)
#: What an answer may hold fixed besides the size: the kernel side and the
#: channels (`k`, `the kernel size`, `C`, `C_in`, `the number of channels`).
_HELD = (r"(?:the\s+)?(?:[kK]|[cC](?:_?(?:in|out))?|(?:kernel|filter)(?:\s+(?:size|side|width))?"
         r"(?:\s+[kK])?|(?:number\s+of\s+)?(?:channels|filters)|depth|channel\s+counts?)")
_HELD_LIST = rf"{_HELD}(?:\s*(?:,|and|&)\s*{_HELD})*"
_HELD_FIXED = re.compile(
    r"^(?:(?:with|for|and|where|if|assuming|treating|since|because|as|given(?:\s+that)?)\s+)?"
    rf"(?:(?:fixed|constant)\s+{_HELD_LIST}|{_HELD_LIST}\s+(?:is\s+|are\s+|being\s+|held\s+|"
    r"kept\s+|as\s+|remains?\s+|stays?\s+)*(?:an?\s+)?(?:fixed|constants?))$", re.IGNORECASE)
#: `a k x k kernel`, `k x k filters`: what k is, in words.
_KERNEL_GRID = re.compile(r"^(?:(?:with|for|using|given)\s+)?(?:an?\s+|the\s+)?[kK]\s*(?:x|×|\*|by)\s*"
                          r"[kK]\s+(?:kernels?|filters?|windows?)(?:\s+size)?$", re.IGNORECASE)
_SIDE_GRID = re.compile(r"^(?:for|with|on|given)\s+(?:an?\s+)?(?P<a>[A-Za-z])\s*(?:x|×|\*|by)\s*"
                        r"(?P<b>[A-Za-z])\s*(?:images?|inputs?|pictures?|grids?|input\s+images?)?$")
_DECLARATION = re.compile(
    r"^(?:(?:where|with|here|and|for|if|let|assuming)\s+)?"
    r"(?P<letters>[A-Za-z](?:\s*(?:,|and|&)\s*[A-Za-z])?)"
    r"\s*(?:=|:|\bis\b|\bare\b|\bdenotes?\b|\bmeans?\b|\bbeing\b|\bstands?\s+for\b|\bas\b|"
    r"\brepresents?\b|(?=\bthe\b))\s*(?:the\s+)?(?P<phrase>\S.*)$", re.IGNORECASE)
_KERNEL_PHRASE = re.compile(r"kernel|filter|window|patch|receptive|fixed|constant", re.IGNORECASE)
#: `k = 7`: the kernel side's value, which holds it fixed; `N = 50`: a value
#: of the size.
_KERNEL_VALUE = re.compile(r"[1-9][0-9]{0,3}")
_NEUTRAL_WORDS = frozenset("the an a input size image images its input's of data".split())
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
    notation: str | None = None     # 'Ω' for 'Omega: m^5', the bound the words name


def with_context(reading: GrowthReading, source, leading: str, trailing: str,
                 nested: bool, reread: ReadPiece) -> GrowthReading:
    """Read the words before and after the growth rate: declarations of what
    its letter means, restatements (which must agree) and harmless remarks;
    refuse anything else."""
    if not leading.strip() and not trailing.strip():
        return reading
    leading, trailing = _unwrapped(leading, trailing)
    said = _Said(variable=reading.declared, by=reading.declared_by)
    for clause in _clauses(leading, source):
        _read_clause(clause, said, reading, source, nested, reread, lenient=True)
    for clause in _clauses(trailing, source):
        _read_clause(clause, said, reading, source, nested, reread, lenient=False)
    letters = _size_letters(reading)
    for words, restated in said.restated:
        refuse_bare_number(restated, words, source)
        if not same_growth(restated, reading):
            raise source.fail(f"it says two different growth rates: {reading.shown} and "
                              f"'{cut(words)}'", "give the one answer you mean")
        said.letters.update(_size_letters(restated))
        if restated.declared:
            _declare(said, restated.declared, restated.declared_by, source)
    if said.letters - letters:
        if letters or len(said.letters) > 1:
            other = ", ".join(sorted(said.letters - letters))
            uses = f"uses {reading.size_letter}" if letters else "has no letter for the input size"
            raise source.fail(f"it says what {other} means, but the growth rate {uses}",
                              "use the same letter in the growth rate and in what it means")
        reading = replace(reading, size_letter=next(iter(said.letters)))
    if said.notation is not None and reading.notation != said.notation:
        if reading.notation is not None:
            raise source.fail(f"the words before it name {said.notation}, but the growth rate is "
                              f"{reading.shown}", "give the one answer you mean")
        reading = replace(reading, notation=said.notation, shown=f"{said.notation}({reading.shown})")
    return replace(reading, declared=said.variable, declared_by=said.by,
                   remark="; ".join(said.remarks))


def _size_letters(reading: GrowthReading) -> set[str]:
    """The growth's letters for the size: {'N'}, {'H', 'W'} or none."""
    return set(reading.size_letter.split(" and ")) if reading.size_letter else set()


def _unwrapped(leading: str, trailing: str) -> tuple[str, str]:
    """`quintic (O(m^5))`: the brackets around the growth rate itself go, so
    the words before it are read as they would be after it."""
    head, tail = leading.rstrip(), trailing.lstrip()
    for opening, closing in ("()", "[]", "{}"):
        if head.endswith(opening) and tail.startswith(closing):
            return head[:-1], tail[1:]
    return leading, trailing


def _labels_or_fixes(tokens: list, index: int) -> bool:
    """Whether the letter at `index` of the words before a growth rate names
    it (`m: O(m^5)`), is the kernel side in words that say so (`for a fixed
    k`, `k held constant`, `kernel size k`), rather than math the reading
    would pass over (`m times m`, `k m^5`). (`a k x k kernel` is read whole,
    by `_KERNEL_GRID`.)"""
    if index + 1 < len(tokens) and tokens[index + 1].text == ":":
        return True
    return tokens[index].text in KERNEL_LETTERS and any(
        token.kind == "word" and _KERNEL_PHRASE.match(token.text) for token in tokens)


def _changes_what_follows(tokens: list, index: int) -> bool:
    """Whether the word at `index` would change the growth rate after it:
    an operation word, or a number word that counts no harmless thing
    (`two to the m` does, `for one channel` does not)."""
    word = tokens[index].text.lower()
    if word in _CHANGING_WORDS:
        return True
    if word not in _NUMBER_WORDS:
        return False
    after = [token.text.lower() for token in tokens[index + 1:]]
    if after[:1] in (["input"], ["output"]):  # 'one output channel'
        after = after[1:]
    return not after or after[0] not in _COUNTED_WORDS


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
                raise source.fail(f"a '{char}' in '{cut(text)}' closes a bracket that was never opened")
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
        raise source.fail(f"a bracket in '{cut(text)}' is never closed")
    clauses.append("".join(current))
    split = (part.strip() for clause in clauses for part in _AND_CLAUSE.split(clause))
    return [_LEADING_DASH.sub("", _FULL_STOP.sub("", part)) for part in split if part and part != "."]


_FULL_STOP = re.compile(r"(?<=[^.])\.$")  # one '.' ending a clause; '...' stays


#: The colon after a word or number that labels the answer: `quintic:`.
_LABEL_COLON = re.compile(r"(?<=\w)\s*:$")
_LEADING_DASH = re.compile(r"^(?:->|=>|--|[:→⇒]|-(?=\s))\s*(?=\S)")  # '-m^5' keeps its minus


def _read_clause(clause: str, said: _Said, reading: GrowthReading, source, nested: bool,
                 reread: ReadPiece, lenient: bool) -> None:
    if _KERNEL_GRID.match(clause) or (lenient and set(clause) <= _LEADING_MARKS):
        return
    if _LOWER_BOUND.search(clause):
        raise source.fail(f"'{cut(clause)}' makes it a lower bound",
                          "the question asks how fast the count grows: an upper bound, "
                          "like O(m^5)")
    doubling = _DOUBLING.match(clause)
    if doubling:
        _check_doubling(doubling, clause, reading, source)
        said.remarks.append(clause)
        return
    if _HELD_FIXED.match(clause):
        if _size_letters(reading) & set(re.findall(r"\b[A-Za-z]\b", clause)):
            raise _holds_the_size_fixed(clause, source)
        return
    declaration = _DECLARATION.match(clause)
    if declaration and not _growth_words_in(clause):
        _read_declaration(declaration, clause, said, source)
        return
    grid = _SIDE_GRID.match(clause)
    if grid:
        if grid.group("a") != grid.group("b"):
            raise source.fail(f"'{cut(clause)}' names two letters for one image side")
        said.letters.add(grid.group("a"))
        _declare(said, "side", clause, source)
        return
    within = _IN_CLAUSE.match(clause)
    if within and not set(within.group("phrase").lower().split()) <= REMARK_WORDS:
        phrase = within.group("phrase").strip()
        words = phrase.split()
        if len(words) > 1 and is_letter(words[-1]):  # 'the number of pixels n'
            said.letters.add(words[-1])
            phrase = " ".join(words[:-1])
        if is_letter(phrase):
            said.letters.add(phrase)
            return
        _declare(said, _phrase_variable(phrase, phrase, source), clause, source)
        return
    tokens = tokenize(Source(clause, source.as_what))[:-1]
    letters = _size_letters(reading)
    reason = not lenient and tokens[0].text.lower() in _REASON_WORDS
    has_math = any(token.kind == "number" or (token.kind == "mark" and token.text in _MATH_MARKS)
                   for token in tokens)
    if reason and has_math:
        raise source.fail(f"the reason '{cut(clause)}' holds math, which is not read here",
                          ONLY_THE_GROWTH)
    if reason and _FIXING.search(clause) and any(token.text in letters for token in tokens):
        raise _holds_the_size_fixed(clause, source)
    if has_math or _growth_words_in(clause):
        if nested:
            raise source.fail(f"the part '{cut(clause)}' was not understood", ONLY_THE_GROWTH)
        if lenient:  # 'quintic: O(m^5)', a restatement as a label
            clause = _LABEL_COLON.sub("", clause)
        piece = Source(clause, source.as_what)
        try:
            restated = reread(piece)
        except ParseError as error:
            # what was not understood in the part: its message without the part's own
            # 'could not read ...' (whose quote may hold a ': ' too)
            why = error.message.removeprefix(piece.fail("").message)
            raise source.fail(f"the part '{cut(clause)}' was not understood ({why})",
                              ONLY_THE_GROWTH) from None
        said.restated.append((clause, restated))
        return
    if not lenient and not any(token.kind == "word" for token in tokens):
        raise source.fail(f"it goes on after the growth rate with '{cut(clause)}', which was not "
                          "understood", ONLY_THE_GROWTH)
    for index, token in enumerate(tokens):
        word = token.text.lower()
        if token.kind == "mark" and token.text in _PROSE_MARKS:
            continue
        if lenient:
            named = GROWTH_NOTATIONS.get(token.text)
            if named in _WORDED_BOUNDS:
                if said.notation not in (None, named):
                    raise source.fail(f"the words before the growth rate ('{cut(clause)}') name "
                                      f"two bounds, {said.notation} and {named}",
                                      "give the one answer you mean")
                said.notation = named
                continue
            if word in _HEDGE_WORDS:
                raise source.fail(f"the words before the growth rate ('{cut(clause)}') hedge or "
                                  f"change it ('{token.text}')", "give the one answer you mean")
            if _changes_what_follows(tokens, index) or (
                    is_letter(token.text) and token.text not in _PROSE_LETTERS
                    and not _labels_or_fixes(tokens, index)):
                raise source.fail(f"the words before the growth rate ('{cut(clause)}') were not "
                                  f"understood, and they could change it ('{token.text}')",
                                  "write the growth rate as math, like O(m^5) or O(sqrt(m)); to say "
                                  "what a letter means, add it after: O(m^5) where m is the number "
                                  "of pixels")
            continue
        if token.kind == "word" and (word in REMARK_WORDS or token.text in letters
                                     or token.text in KERNEL_LETTERS):
            continue
        if word in _NUMBER_WORDS and not _changes_what_follows(tokens, index):
            continue  # '(one output channel)'
        if reason and token.kind == "word" and word not in _REASON_HEDGES and (
                not is_letter(token.text) or token.text in _PROSE_LETTERS):
            continue
        raise source.fail(f"it goes on after the growth rate with '{cut(clause)}', which was not "
                          f"understood ('{token.text}')", ONLY_THE_GROWTH)
    if not lenient:
        said.remarks.append(clause)


#: `octuples when N doubles`, `32x each time the side doubles`, `x32 per
#: doubling`: what doubling the size does, which must agree with the growth.
_DOUBLING = re.compile(
    r"^(?:(?:it|this|which|that|the\s+count)\s+)?(?:(?:grows|scales|increases|goes\s+up|is\s+"
    r"multiplied)\s+)?(?:by\s+)?(?:a\s+factor\s+of\s+)?"
    r"(?:(?P<factor>[1-9][0-9]{0,5})\s*(?:x|×|times|-?fold)?|(?:x|×)\s*(?P<factor_after>[1-9][0-9]{0,5})|"
    r"(?P<word>doubles|quadruples|octuples))\s+(?:(?:when|if|as|whenever|each\s+time|every\s+time)"
    r"\s+(?P<letter>[A-Za-z]|(?:the\s+)?(?:image\s+|input\s+)?(?:side|size)(?:\s+length)?)\s+"
    r"(?:is\s+)?doubled?s?|per\s+doubling(?:\s+of\s+(?P<letter_after>[A-Za-z]))?)$", re.IGNORECASE)
_FACTOR_WORDS = {"doubles": 2, "quadruples": 4, "octuples": 8}


def _check_doubling(match: re.Match, clause: str, reading: GrowthReading, source) -> None:
    """The factor said must be 2 to the power of the growth in the letter
    doubled: `O(m^5), 32x when m doubles`. A letter other than the
    growth's, or a growth that is no power of one letter, is refused."""
    letter = match["letter"] or match["letter_after"]
    if reading.size_letter and letter and len(letter) == 1 and letter != reading.size_letter:
        raise source.fail(f"'{cut(clause)}' doubles {letter}, but the growth rate uses "
                          f"{reading.size_letter}",
                          "use the same letter in the growth rate and in what it says")
    if reading.beyond_polynomial is not None or " and " in (reading.size_letter or ""):
        raise source.fail(f"the part '{cut(clause)}' was not understood", ONLY_THE_GROWTH)
    factor = int(match["factor"] or match["factor_after"] or _FACTOR_WORDS[match["word"].lower()])
    if Fraction(factor) != Fraction(2) ** reading.dominant.size_exp:
        raise source.fail(f"it says two different growth rates: {reading.shown} and "
                          f"'{cut(clause)}'", "give the one answer you mean")


def refuse_bare_number(reading: GrowthReading, text: str, source) -> None:
    """Refuse a piece beside the answer that is only a number (`O(1), 5000`,
    `5000 = O(1)`): it restates no growth, even where a constant agrees."""
    if (reading.notation is None and reading.size_letter is None
            and reading.beyond_polynomial is None
            and all(term.kernel_exp == 0 for term in reading.terms) and not _growth_words_in(text)):
        raise source.fail(f"the part '{cut(text)}' is a number, not a growth rate",
                          "give the one answer you mean")


def _holds_the_size_fixed(clause: str, source) -> ParseError:
    """The refusal of words that hold the size letter fixed (`N is fixed`)."""
    return source.fail(f"'{cut(clause)}' holds the size letter fixed",
                       "a Big-O answer says how the count grows as the input size grows")


def _growth_words_in(clause: str) -> bool:
    """Whether the clause says a growth in words. (A notation is never asked
    about: a clause holds none, since an answer with two is refused or split at
    the `=` between them before its words are read, and refuse_bare_number asks
    only about a piece read with no notation.)"""
    tokens = tokenize(Source(clause, AS_WHAT))
    return any(growth_word(tokens, index) for index in range(len(tokens) - 1))


def _read_declaration(match: re.Match, clause: str, said: _Said, source) -> None:
    """`n = number of pixels`, `where N is the side length`, `H and W the
    height and width`, `k the kernel size`, `k = 7` (a fixed kernel side),
    `N = 50` (a value of the size, which leaves its meaning to the sheet)."""
    letters = re.findall(r"[A-Za-z]", re.sub(r"\band\b", " ", match.group("letters")))
    phrase = match.group("phrase").strip()
    if all(letter in KERNEL_LETTERS for letter in letters):
        if not _KERNEL_PHRASE.search(phrase) and not _KERNEL_VALUE.fullmatch(phrase):
            raise source.fail(f"'{cut(clause)}': k is read as the kernel side, not "
                              f"'{cut(phrase)}'", "use another letter for the input size")
        return
    if len(letters) == 1 and _KERNEL_VALUE.fullmatch(phrase):
        said.letters.add(letters[0])  # `N = 50`: a value of the size, which says no meaning
        return
    if len(letters) == 2:
        if (not side_pair(frozenset(letters)) or not _known_phrase(phrase)
                or parse_variable(phrase) != "side"):
            raise source.fail(f"could not tell what {letters[0]} and {letters[1]} mean from "
                              f"'{cut(clause)}'", "say what your letter means: the image side "
                              "or the number of pixels")
        # Read only when the growth rate uses both letters (with_context checks),
        # and such a growth rate already means the image side (big_o_terms).
        said.letters.update(letters)
        return
    letter = letters[0]
    said.letters.add(letter)
    _declare(said, _phrase_variable(f"{letter} = {phrase}", phrase, source), clause, source)


#: Words a declaration inside an answer may use: more (`the pixels in the
#: kernel`, `the side, roughly`) is refused rather than read by one keyword.
_DECLARATION_WORDS = frozenset("""
    the a an of number numbers count pixel pixels image images input inputs picture grid square
    side sides length lengths width widths height heights edge edges dimension dimensions row rows
    column columns total size values along per on one each across wide long high tall in its
    image's input's data is are
""".split())
_DECLARATION_MARKS = frozenset("=^*×·'-/") | {"**"}


def _known_phrase(phrase: str) -> bool:
    """Only declaration words, letters, and marks between two of them
    (`N x N`, `H*W`, `N^2`, `side-length`)."""
    tokens = tokenize(Source(phrase, AS_WHAT))[:-1]
    for index, token in enumerate(tokens):
        if token.kind == "word" and token.text.lower() in ("and", "or"):
            known = 0 < index < len(tokens) - 1  # 'height or width', never a dangling 'or'
        elif token.kind == "word":
            known = token.text.lower() in _DECLARATION_WORDS or is_letter(token.text)
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
        raise source.fail(f"could not tell what '{cut(phrase)}' means", "say what your letter "
                          "means in a few words: the image side, or the number of pixels")
    variable = parse_variable(text)
    if variable is not None:
        return variable
    if set(phrase.lower().split()) <= _NEUTRAL_WORDS:
        return None
    raise source.fail(f"could not tell whether '{cut(phrase)}' means the image side or the "
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


# -- the size variable ---------------------------------------------------------

SIZE_WORDS = {"side": "the image side (N for an N x N image)",
              "pixels": "the number of pixels (n = N x N)"}
_PIXELS_OF_A_SIDE = re.compile(
    r"in\s+pixels|pixels?\s+(?:per|along|on|of|across)\s+(?:a|an|one|each|the)?\s*"
    r"(?:side|edge|row|column|dimension)|pixels?\s+(?:wide|long|high|tall)", re.IGNORECASE)
_PIXEL_WORDS = re.compile(
    r"pixel|\barea\b|total|number\s+of\s+inputs|input\s+values|[a-z]\s*=\s*[a-z]\s*(?:\^|\*\*)\s*2"
    r"|[a-z]\s*=\s*([a-z])\s*[*x×·]\s*\1\b|[a-z]²|\b[hw]\s*[*x×·]\s*[wh]\b", re.IGNORECASE)
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


#: `N = side length`, `n is the number of pixels`: one letter and its words.
_LETTER_SAID = re.compile(r"^\s*(?:let\s+|where\s+)?([A-Za-z])\s*(?:=|:|\bis\b|\bmeans\b|\bdenotes\b)")


def letter_meanings(text: str | None) -> dict[str, str]:
    """Each letter a sheet declares with its meaning, when it declares more
    than one (`N = side length, n = N^2 = number of pixels`); empty when a
    part says something else, or one letter is given both meanings."""
    if not text or len(text) > 500:
        return {}
    meanings: dict[str, str] = {}
    for part in re.split(r"[,;\n()]|\band\b", text):
        if not part.strip():
            continue
        said = _LETTER_SAID.match(part)
        meaning = parse_variable(part) if said else None
        if meaning is None or meanings.get(said[1], meaning) != meaning:
            return {}
        meanings[said[1]] = meaning
    return meanings

