"""The words around a number: read with their meaning, passed over when
harmless, refused otherwise.

Students answer in sentences: `There are 12 weights`, `twelve`, `1.5 million`,
`20 rows, 5 columns`, `12 per output x 20 outputs = 240`, `12 (with the
bias)`. A word the grader drops could change the answer (`per channel`,
`or 15`, `not`, `half of`), so every word is one of three things:

* read for what it says: number words (`twenty-eight`, `seven thousand and
  five`), scale words and suffixes (`1.5 million`, `68k`), a label before the
  answer (`the output is`, `dz/dW =`, `Answer:`), unit words inside the math
  (`20 kernels x 5`), which are dropped because they only name what is counted;
* harmless, from a small closed vocabulary: the units the questions imply
  (`pixels`, `weights`, `multiplications`, `entries`, ...), `(with padding)`,
  `on each side`, and for a ratio the comparison words (`times faster`);
* anything else refuses the answer with a message naming the words.

An answer that offers more than one value (`12 or 15`, `12/15 with bias`,
`12 (or 15)`) raises `HedgedAnswer`: it is graded as neither.

Examples here are neutral numbers, never a homework's reference values.
"""
from __future__ import annotations

import re

from .errors import HedgedAnswer

#: Two letters in a row, or a symbol outside ASCII (`∂z/∂W`): every word this
#: module reads has one (a scale suffix such as `68k` is read by
#: `apply_scales` on its own).
_WORDY = re.compile(r"[^\W\d_]{2}|[^\x00-\x7f×]")


def has_words(text: str) -> bool:
    """Whether `text` has a word for this module to read; most answers
    (`12345`, `20x5`, `6*7 = 42`) have none and skip the rest."""
    return _WORDY.search(text) is not None


# ----------------------------------------------------------------------------
# Number words

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
         "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
         "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"thousand": 10 ** 3, "million": 10 ** 6, "billion": 10 ** 9}
_NUMBER_WORD = "|".join(sorted([*_ONES, *_TENS, "hundred", *_SCALES], key=len, reverse=True))
#: A run of number words that starts with a digit word (`million` alone is a
#: scale, read after a written number by `_SCALED`), joined by spaces, hyphens
#: or `and`.
_NUMBER_WORDS = re.compile(
    rf"\b(?:{'|'.join([*_ONES, *_TENS])})\b(?:(?:\s+and\s+|\s*-\s*|\s+)(?:{_NUMBER_WORD})\b)*",
    re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")
_ZERO_PADDING = re.compile(r"zero[\s-]*(?:padding|padded)\b", re.IGNORECASE)


def _number_words_value(words: list[str]) -> int | None:
    """The value of `seven thousand and fifty six` as its words, or None when
    they are not one well-formed number (`one two`, `five twenty`)."""
    total, group = 0, 0
    last = None          # 'unit' (1-9), 'teen' (0, 10-19), 'tens', 'hundred' or 'scale'
    last_scale = None
    for word in words:
        if word == "and":
            if last not in ("hundred", "scale"):
                return None
            continue
        if word in _ONES:
            kind = "unit" if 1 <= _ONES[word] <= 9 else "teen"
            if last not in (None, "hundred", "scale") and not (last == "tens" and kind == "unit"):
                return None
            group += _ONES[word]
        elif word in _TENS:
            if last not in (None, "hundred", "scale"):
                return None
            kind, group = "tens", group + _TENS[word]
        elif word == "hundred":
            if last not in ("unit", "teen") or group >= 100:
                return None
            kind, group = "hundred", group * 100
        else:
            scale = _SCALES[word]
            if last in (None, "scale") or (last_scale is not None and scale >= last_scale):
                return None
            kind, total, group, last_scale = "scale", total + group * scale, 0, scale
        last = kind
    return total + group


def spell_numbers(text: str) -> str:
    """Number words as digits: `twenty-one` -> `21`, `seven thousand and
    five` -> `7005`. A run of words that is not one number is left as it is
    (and later refused as words the grader does not understand)."""
    if not any(word in text.lower() for word in (*_ONES, *_TENS)):
        return text

    def digits(match: re.Match) -> str:
        if _ZERO_PADDING.match(text, match.start()):
            return match.group()  # 'zero padding' names the kind of padding
        value = _number_words_value(_WORD.findall(match.group().lower()))
        return match.group() if value is None else str(value)

    return _NUMBER_WORDS.sub(digits, text)


# ----------------------------------------------------------------------------
# Powers in words: m to the power of 5, m to the fifth, the cube of m

_ORDINAL_POWERS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                   "eighth": 8, "ninth": 9, "tenth": 10}
_EXPONENT = rf"(?:(?P<digits>[0-9]+)(?:st|nd|rd|th)?|(?P<ordinal>{'|'.join(_ORDINAL_POWERS)}))"
#: 'to the power of 6', 'to the 6th (power)', 'to the sixth', 'raised to (the) 6(th) (power)',
#: '^' in words right after the one letter, number or bracket it raises (a bare
#: 'to 6' matches too, and `_exponent` leaves it as written).
_SPOKEN_EXPONENT = re.compile(
    rf"(?:(?<=\b[A-Za-z])|(?<=[0-9)\]}}]))\s*\b(?:raised\s+)?to\s+(?:the\s+)?"
    rf"(?:power\s+(?:of\s+)?)?{_EXPONENT}(?:\s+power)?\b", re.IGNORECASE)
#: 'the square of m', 'cube of 7': one letter or number squared or cubed
#: (not 'square root of', which has no 'of' right after 'square').
_SQUARE_OF = re.compile(
    r"\b(?:the\s+)?(?P<power>square|cube)\s+of\s+(?P<base>[A-Za-z]|[0-9]+)\b(?!\s*[\^(*/])",
    re.IGNORECASE)


def spell_powers(text: str) -> str:
    """Powers said in words, as `^`: `m to the power of 5`, `m to the fifth`,
    `m raised to the 5th power` -> `m^5`; `the cube of m` -> `m^3`. Other
    words stay (and are judged as words by the reader)."""
    text = _SPOKEN_EXPONENT.sub(_exponent, text)
    lowered = text.lower()
    if "square" in lowered or "cube" in lowered:
        text = _SQUARE_OF.sub(lambda match: f"{match.group('base')}^"
                              f"{2 if match.group('power').lower() == 'square' else 3}", text)
    return text


#: What makes 'to 6' a power: 'raised', 'the', 'power', or an ordinal (6th,
#: sixth). A bare 'to' between two numbers is a range or a ratio (`12 to 15`,
#: `57 to 1`), never read as a power.
_POWER_MARKER = re.compile(r"\b(?:raised|the|power)\b|[0-9](?:st|nd|rd|th)\b", re.IGNORECASE)


def _exponent(match: re.Match) -> str:
    if match.group("ordinal") is None and not _POWER_MARKER.search(match.group()):
        return match.group()
    if match.group("digits") is not None:
        return f"^{match.group('digits')}"
    return f"^{_ORDINAL_POWERS[match.group('ordinal').lower()]}"


# ----------------------------------------------------------------------------
# Scale words and suffixes: 1.5 million, 68k

_SCALE_POWERS = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12,
                 "k": 3, "K": 3, "M": 6, "mn": 6, "B": 9, "bn": 9}
_LITERAL = r"[0-9]+(?:[, ][0-9]{3})*(?:\.[0-9]+)?"
#: A written number followed by a scale word, or glued to a scale suffix; not
#: a letter of math (`9k^2`, `2k*3`, `5kg` are left alone).
_SCALED = re.compile(
    rf"(?<![\w.^])(?P<number>{_LITERAL})(?:\s*(?P<word>thousand|million|billion|trillion)s?\b"
    rf"|(?P<suffix>bn|mn|[kKMB])(?![\w^*(]))")


def apply_scales(text: str) -> str:
    """`1.5 million` -> `1.5e6`, `68k` -> `68e3`: the value it names, written
    with the digits the student gave (so their precision is kept)."""
    def scientific(match: re.Match) -> str:
        number = match.group("number").replace(",", "").replace(" ", "")
        return f"{number}e{_SCALE_POWERS[match.group('word') or match.group('suffix')]}"

    return _SCALED.sub(scientific, text)


# ----------------------------------------------------------------------------
# Hedged answers

#: In a remark holding a number: words that make the number another value
#: of the answer (`and 15`, `or 15`), and qualifiers that do when the remark
#: starts with the number (`15 with bias`, `(15 if biases count)`).
_REMARK_ALTERNATIVE = re.compile(r"\b(?:or|otherwise|alternatively|else|nor|and|vs|versus|"
                                 r"respectively)\b", re.IGNORECASE)
_QUALIFIER = re.compile(r"\b(?:with|without|w/o?|if|incl\w*|excl\w*|unless|counting)\b",
                        re.IGNORECASE)
_STARTS_WITH_NUMBER = re.compile(r"^[\s(\[,;:]*[0-9]")
_ALTERNATIVE_WORD = re.compile(r"\b(?:or|otherwise|alternatively|nor|and/or|vs|versus)\b",
                               re.IGNORECASE)
#: `12 / 15 with bias`: a slash between two whole numbers that a qualifier
#: follows offers two counts, not a fraction.
_SLASH_ALTERNATIVES = re.compile(
    rf"^\s*{_LITERAL}\s*/\s*{_LITERAL}\s*[(,;]?\s*(?:with|without|w/o?|incl\w*|excl\w*|if|"
    rf"counting|plus|\+)", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]")


def hedged(answer: str, what: str) -> HedgedAnswer:
    """The error for an answer that offers more than one value."""
    return HedgedAnswer(f"'{snippet(answer)}' offers more than one value; an answer with two "
                        f"values is graded as neither",
                        f"give the one {what} you mean; a remark such as '(with padding)' may "
                        f"follow it")


def refuse_hedges(text: str, what: str, answer: str) -> None:
    """Raise HedgedAnswer (quoting `answer`) for `12 or 15`, `either 20x20 or
    18x18`, `12 / 15 with bias`: an alternative word with a number on each
    side, or a slash between two whole numbers followed by a qualifier."""
    for match in _ALTERNATIVE_WORD.finditer(text):
        if _DIGIT.search(text, 0, match.start()) and _DIGIT.search(text, match.end()):
            raise hedged(answer, what)
    if _SLASH_ALTERNATIVES.match(text):
        raise hedged(answer, what)


#: A remark that ends in a bracket holding numbers, after harmless words:
#: `(6*7)`, `weights (6*7)`. The bracket is work to check, or a second value.
BRACKETED_WORK = re.compile(r"^(?P<words>[^()\[\]0-9]*?)\s*[(\[](?P<inner>.*)[)\]][\s.,;!]*$",
                            re.DOTALL)


def offers_another_value(remark: str) -> bool:
    """Whether a remark holding a number says it is another value of the
    answer (`and 15`, `15 with bias`, `(15 if ...)`) rather than, say, work."""
    return bool(_REMARK_ALTERNATIVE.search(remark)
                or (_STARTS_WITH_NUMBER.match(remark) and _QUALIFIER.search(remark)))


# ----------------------------------------------------------------------------
# A label before the answer

#: `dz/dW is`, `the output is`, `Answer:`, `W ∈`: words (and marks such as
#: `/`) without digits, up to the first is/are/equals/=/:/∈.
_LABEL = re.compile(
    r"^(?P<label>[^0-9=:∈]*?)\s*"
    r"(?P<end>:|=|∈|(?<!\S)(?:is|are|was|were|equals|would be|will be|should be|becomes)(?!\S))"
    r"\s*(?P<rest>\S.*)$", re.IGNORECASE | re.DOTALL)
#: Words before an answer that change what it says (`not 12`, `at least
#: 12`, `half of 12`, `either`): a label holding one is refused, not skipped.
MEANING_WORDS = frozenset({
    "not", "no", "never", "either", "neither", "nor", "or", "least", "most", "more", "less",
    "fewer", "over", "under", "than", "minus", "plus", "negative", "half", "twice", "double",
    "triple", "thrice", "quarter", "third", "except", "excluding", "without", "between",
    "up", "max", "maximum", "min", "minimum", "per", "if", "unless", "maybe", "perhaps",
    "possibly", "probably", "guess",
})


def strip_label(text: str) -> tuple[str, str]:
    """(label, answer) for `dz/dW is 20 x 5` -> ('dz/dW is', '20 x 5'); the
    label is ('', text) when there is none. The label must hold no digits."""
    match = _LABEL.match(text)
    if match is None or not any(char.isalpha() for char in match.group("label")):
        return "", text
    return text[:match.start("rest")].strip(), match.group("rest")


#: An example of each kind of value, for hints (no answer of any spec).
_EXAMPLES = {"number": "12345", "shape": "20 x 5"}


def refuse_meaning_words(words, source_fail, what: str) -> None:
    """Refuse an answer whose words before the value change its meaning."""
    for word in words:
        for piece in _WORD.findall(str(word).lower()):
            if piece in MEANING_WORDS:
                raise source_fail(
                    f"the word '{piece}' before the {what} changes its meaning, so it was not "
                    f"read", f"write just the {what}, for example {_EXAMPLES[what]}")


# ----------------------------------------------------------------------------
# Unit words inside the math: `20 kernels x 5`, `5 per output x 20 outputs`

_UNIT_NOUNS = (r"(?:pixels?|weights?|parameters?|params?|multiplications?|mults?|entries|entry|"
               r"elements?|values?|outputs?|inputs?|kernels?|filters?|rows?|columns?|cols?|"
               r"channels?|positions?|locations?|operations?|ops|neurons?|units?|bias(?:es)?|"
               r"numbers?|terms?|products?|windows?|patches|patch)")
_INLINE_UNITS = re.compile(
    rf"(?<=[0-9)\]}}])\s*(?:(?:\b{_UNIT_NOUNS}\b)(?:\s+per\s+{_UNIT_NOUNS}\b)?"
    rf"|\bper\s+{_UNIT_NOUNS}\b)(?=\s*(?:[x×X*/=~+\-]|times\b|by\b))", re.IGNORECASE)


#: `20-element`, `1-pixel`, `20-dimensional`: a number joined to a unit by a
#: hyphen describes it; it is not a subtraction.
_COMPOUND_UNIT = re.compile(r"(?<=[0-9])-(?=(?:elements?|dimensional|dim|d|pixels?|px|entries|"
                            r"entry|long|wide|channels?|vectors?|values?)\b)", re.IGNORECASE)


def strip_inline_units(text: str) -> str:
    """Unit words between a number and the next operator only name what is
    counted: `20 kernels x 5 = 100` is `20 x 5 = 100`, `5 per output x 20
    outputs` is `5 x 20`; `20-element` is `20 element`. Units at the end are
    the remark's business."""
    return _INLINE_UNITS.sub("", _COMPOUND_UNIT.sub(" ", text))


# ----------------------------------------------------------------------------
# The remark after the answer: a closed vocabulary

#: Words after an answer that never change it: units the questions imply,
#: articles, and qualifiers that name what was counted.
HARMLESS_WORDS = frozenset({
    "pixel", "px", "weight", "parameter", "param", "multiplication", "mult", "multiply", "entry",
    "entries", "element", "value", "output", "time", "x", "operation", "op", "number",
    "scalar", "component", "learnable", "trainable", "total", "overall", "matrix", "tensor",
    "vector", "array", "jacobian", "unit", "zero", "the", "a", "an", "of", "in", "all",
    "exactly", "exact", "approx", "approximately", "about", "roughly", "around", "nearly",
    "rounded", "with", "without", "padding", "padded", "bias", "biases", "including",
    "included", "incl", "excluding", "excluded", "excl", "counted", "counting", "not", "no",
    "same", "each", "side", "every", "both", "on", "kernel", "filter", "window", "patch",
    "input", "image", "channel", "position", "location", "neuron", "mac", "only", "real",
    "nonzero", "ignoring", "skipping", "assuming", "valid", "stride", "border", "layer",
    "needed", "required", "used", "conv", "convolution", "as", "row", "column", "feature",
    "flattened", "flat", "long", "length", "dimensional", "sized",
})
#: Extra words a shape may carry: what the shape is of.
SHAPE_WORDS = frozenset({"shape", "size", "dimension", "dim", "image", "feature", "map",
                         "channel", "single", "grid", "output", "matrices", "tensors", "h", "w",
                         "c", "height", "width", "depth", "col", "transposed", "transpose"})
#: Extra words a ratio may carry: the comparison it states.
RATIO_WORDS = frozenset({
    "faster", "slower", "fold", "more", "fewer", "less", "larger", "bigger", "smaller", "greater",
    "higher", "lower", "cheaper", "quicker", "speedup", "speed", "up", "fast", "as", "work",
    "computation", "compute", "cost", "costly", "expensive", "efficient", "than", "conv",
    "convolution", "convolutional", "standard", "layer", "fc", "fully", "connected", "dense",
    "linear", "non", "sharing", "local", "locally", "equal", "equally", "ratio", "speed-up",
    "for", "forward", "backward", "pass", "many", "much", "difference", "improvement",
})
#: Signs a digit-free remark may hold: punctuation, and the signs of a
#: description such as `(outputs × weights)` or `(rows = outputs)`.
_REMARK_MARKS = frozenset(",.;:!()[]-\"'=×*")
_REMARK_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\.\.\.|\S")
#: Phrases whose words are harmless only together (`per side`, not `per channel`).
_HARMLESS_PHRASES = re.compile(
    r"\b(?:per (?:side|edge|border)|(?:on )?(?:each|every|both|all|either|all 4|all four) "
    r"(?:sides?|edges?|borders?)|all (?:around|round)|in total|in all|i\.e\.)|\bw/o?(?!\w)",
    re.IGNORECASE)


def without_harmless_phrases(remark: str) -> str:
    """The remark without phrases that are harmless only as a whole (`per
    side`, `on all 4 sides`), so that their words and digits are not judged
    one by one."""
    return _HARMLESS_PHRASES.sub(" ", remark)


def _known(word: str, vocabulary: frozenset[str]) -> bool:
    word = word.lower()
    return (word in vocabulary or (word.endswith("s") and word[:-1] in vocabulary)
            or (word.endswith("es") and word[:-2] in vocabulary))


def unknown_part(remark: str, extra: frozenset[str] = frozenset()) -> str | None:
    """The first word or sign of a digit-free remark that is not in the
    harmless vocabulary (with `extra`), or None when all of it is."""
    vocabulary = HARMLESS_WORDS | extra
    for token in _REMARK_TOKEN.findall(without_harmless_phrases(remark)):
        if token == "..." or token in _REMARK_MARKS:
            continue
        if not (token[0].isalpha() and _known(token, vocabulary)):
            return token
    return None


def refuse_unknown_remark(remark: str, source_fail, what: str,
                          extra: frozenset[str] = frozenset()) -> None:
    """Refuse a digit-free remark with a word outside the vocabulary."""
    unknown = unknown_part(remark, extra)
    if unknown is not None:
        raise source_fail(
            f"'{unknown}' in '{snippet(remark)}' after the {what} was not understood, and it "
            f"could change the answer",
            f"write just the {what}; a unit such as 'weights' or 'pixels' may follow it")


def snippet(text: str, limit: int = 50) -> str:
    """The student's words, cut short for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
