"""Unicode and LaTeX clean-up of an answer that keeps its meaning.

Students type answers on phones, paste them from notebooks and write LaTeX
because the homework does. This module maps all of that onto the small ASCII
vocabulary the parser in `expression` reads, without changing what the answer
says:

* superscripts become exponents *before* NFKC, which would otherwise turn
  `n²` into `n2` (read as 2n: the PrairieLearn bug) and `10⁵` into `105`;
  subscripts become `_` (`log₂ n` -> `log_2 n`), vulgar fractions become
  `(1/2)`;
* NFKC folds full-width digits and letters, ligatures and font variants;
* minus signs and dashes become `-`; crosses (`×`, `✕`) become `×`, which a
  kind reads as "times" or as a shape separator; dots (`·`, `⋅`, `∙`) become
  `*`; `÷` and `∕` become `/`; `≈`, `∼`, `≃` become `~` (approximately);
* Greek and Cyrillic look-alikes of O become O, and θ becomes Θ, for Big-O;
* every kind of space becomes one space; invisible format characters go;
  digits of other scripts become ASCII digits;
* LaTeX thousands separators `12{,}345` and `12\\,345` become `12,345` and
  `12 345`; the math delimiters `$`, `\\(`, `\\)`, `\\[`, `\\]` go; Markdown
  emphasis around the whole answer (`**12345**`) goes.
"""
from __future__ import annotations

import re
import unicodedata

# LaTeX: \mathcal{O}, \text{...} keep their content; known commands map to the
# parser's vocabulary; an unknown command keeps its name without the backslash.
_LATEX_WRAPPER = re.compile(r"\\(?:math[a-z]*|text[a-z]*|operatorname|boldsymbol)\s*\{([^{}]*)\}")
_LATEX_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_LATEX_WORDS = {
    "times": "×", "cdot": "*", "ast": "*", "div": "/",
    "approx": "~", "sim": "~", "simeq": "~",
    "Theta": "Θ", "theta": "Θ", "Omega": "Ω", "omega": "ω",
    "log": " log ", "ln": " ln ", "lg": " lg ", "sqrt": " sqrt ",
    "frac": " frac ", "dfrac": " frac ", "tfrac": " frac ",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "",
    "quad": " ", "qquad": " ", "cdots": "...", "ldots": "...", "dots": "...",
}

_CHAR_MAP = {
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2796", "-"),
    **dict.fromkeys("\u00d7\u2715\u2716\u2a2f\u2a09\u2573", "×"),
    **dict.fromkeys("\u00b7\u22c5\u2219\u2022\u2217\u2731\u204e\u30fb", "*"),
    **dict.fromkeys("\u00f7\u2215\u2044\u2797", "/"),
    **dict.fromkeys("\u2248\u2243\u2245\u223c\u301c", "~"),
    **dict.fromkeys("\u039f\u041e", "O"),  # Greek and Cyrillic capital O
    **dict.fromkeys("\u03bf\u043e", "o"),
    **dict.fromkeys("\u03b8\u03d1", "Θ"),
    **dict.fromkeys("\u2018\u2019\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d", '"'),
    **dict.fromkeys("$`\\", ""),  # LaTeX and Markdown delimiters
}
_SPACES = re.compile(r" {2,}")
#: LaTeX commands that are space: `\,` `\;` `\:` `\!` `\ `, a line break, and
#: the math delimiters `\(` `\)` `\[` `\]`.
_LATEX_SPACES = frozenset(",;:! \\\n()[]")


#: LaTeX's thousands separator `12{,}345`: braces that keep a comma from
#: becoming punctuation in math mode.
_LATEX_GROUPED_COMMA = re.compile(r"(?<=[0-9])\{,\}(?=[0-9]{3})")


#: Markdown bold or italics around the whole answer: `**12345**`, `_20 x 5_`.
_MARKDOWN_EMPHASIS = re.compile(r"^\s*(\*\*|__|\*|_)(?=[^\s*_])(?P<inner>.*[^\s*_])\1\s*$", re.DOTALL)


def normalize(text: str) -> str:
    """`text` rewritten in the parser's vocabulary; idempotent."""
    text = _rewrite_latex(text)
    if "{,}" in text:
        text = _LATEX_GROUPED_COMMA.sub(",", text)
    if text.isascii():  # most answers: nothing for the script rewrite or NFKC to do
        text = text.translate(_ASCII_MAP)
    else:
        text = _rewrite_scripts(text)
        text = "".join(_map_char(char) for char in unicodedata.normalize("NFKC", text))
        # Mapping can bring a letter next to a combining mark it composes with
        # (Cyrillic о + ◌́ -> o + ◌́); composing again keeps normalize idempotent.
        text = unicodedata.normalize("NFKC", text)
    # After the mapping, which can make emphasis marks (`·` becomes `*`).
    emphasis = _MARKDOWN_EMPHASIS.match(text)
    if emphasis:
        text = emphasis.group("inner")
    return _SPACES.sub(" ", text).strip()


def _rewrite_latex(text: str) -> str:
    if "\\" not in text:
        return text
    text = _LATEX_WRAPPER.sub(r"\1", text)

    def command(match: re.Match) -> str:
        name = match.group(1)
        if name in _LATEX_WORDS:
            return _LATEX_WORDS[name]
        return " " if name in _LATEX_SPACES else name

    return _LATEX_COMMAND.sub(command, text)


def _script_kind(char: str) -> str | None:
    """'^' for a superscript, '_' for a subscript, '/' for a vulgar fraction."""
    if char.isascii():
        return None
    decomposition = unicodedata.decomposition(char)
    if decomposition.startswith("<super>"):
        return "^"
    if decomposition.startswith("<sub>"):
        return "_"
    if decomposition.startswith("<fraction>"):
        return "/"
    return None


def _rewrite_scripts(text: str) -> str:
    """`n²³` -> `n^23`, `n⁻¹` -> `n^(-1)`, `log₂` -> `log_2`, `2½` -> `2+(1/2)`."""
    pieces: list[str] = []
    index = 0
    while index < len(text):
        kind = _script_kind(text[index])
        if kind is None:
            pieces.append(text[index])
            index += 1
            continue
        end = index
        while end < len(text) and _script_kind(text[end]) == kind:
            end += 1
        run = text[index:end]
        index = end
        if kind == "/":
            for fraction in run:
                after_digit = bool(pieces) and pieces[-1][-1:].isdigit()
                pieces.append(("+" if after_digit else "") + f"({_plain(fraction)})")
            continue
        body = _plain(run)
        marker = "" if pieces and pieces[-1].endswith(kind) else kind
        simple = body.isdigit() or (len(body) == 1 and body.isalpha())
        pieces.append(marker + (body if simple else f"({body})"))
    return "".join(pieces)


def _plain(run: str) -> str:
    return "".join(_map_char(char) for char in unicodedata.normalize("NFKC", run))


def _map_char(char: str) -> str:
    if char in _CHAR_MAP:
        return _CHAR_MAP[char]
    if char.isascii():
        return char if char.isprintable() else " "
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width spaces, soft hyphens, byte-order marks
        return ""
    if category.startswith("C"):
        return " "
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return char


_ASCII_MAP = {code: _map_char(chr(code)) for code in range(128) if _map_char(chr(code)) != chr(code)}
