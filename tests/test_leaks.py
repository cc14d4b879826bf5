"""Nothing students can read gives an answer away.

The search list is derived from the grader itself: every value a spec's
prepared references accept for full or partial credit as the answer (the
reference and every accepted variant of every item, extras included), the
forms the shape grader accepts for it (transposed, grouped as a tensor,
the entry count, the side of a square) and the growth of every Big-O and
ratio item. Each is searched in every file of the student bundle built for
that spec (autograder.build.artifacts.student_bundle_files(), whatever it holds, a
copy of PyYAML included) and in student_template/, in every notation the
grader reads:

- numbers: plain, with thousands separators (`,` space, thin spaces, `_`,
  `{,}`, `\\,`), scientific (`7.056e3`, `7.056 × 10^3`, `7.056 \\times
  10^{3}`), as a product of factors (`28*28*9`), ratios as the fraction
  and rounded to 0-3 decimals;
- shapes: any run of whole numbers joined by x, ×, by, *, ·, `\\times`,
  `\\cdot` or commas (in brackets or not, so `(784, 9)`, `[784, 9]`,
  `torch.Size([784, 9])`, `R^{784 x 9}`, `\\mathbb{R}^{784 \\times 9}`)
  whose dimensions group into an accepted shape the way the shape grader
  groups them (1s ignored, consecutive dimensions multiplied: the tensor
  form, output dims followed by weight dims), transposed where accepted;
- growths: O(...) or Θ(...) (also `\\mathcal{O}`, `\\Theta`, `**`, `^{}`,
  superscripts, `*`/`·`/`\\cdot` between factors) with any letter for the
  size, in the side or the pixel count (`H W` for one pixel power), with
  the kernel factor or without it (the grader accepts both), either order.

A spec with a family (every student their own numbers) ships every
variant's items and personal template in items.json: each variant's are
searched for the values that variant accepts, and the rest of the bundle for
the base's. A variant's sheet opens with the student's numbers (the layer's
givens, which the homework states: an input of 24 x 24 is some variant's
output size) and its `variant: N` record; those lines are checked to be
exactly that and nothing more, and left out of the search.

False positives in code (ours and the bundled PyYAML): a number is searched
only when it is above 10 (`TRIVIAL`: smaller ones, and 10, the base of every
scientific notation, are everywhere), and only as a whole token: no letter,
digit or decimal point may touch it, nor a hyphen after a letter (`0x784`,
`1784`, `utf-16` and `x86-64` are names, not numbers), except a trailing `x`
read as "times" (`87.1x`). In Python files, a bare number that is a power of
two or a multiple of 100 (`1024`, `256`, `300`: the limits programmers pick)
is not a leak; the same value in any other notation (separators, scientific,
a shape, a product) still is, and every value counts in the sheet, README
and items.json. Growth O(1) is not searched (every complexity remark in any
code has it). Numbers written in words (`nine`) and growth words
(`quadratic`) are not searched: they are the parsers' vocabulary, not
answers to a question.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import pytest

from autograder.answers.shape import groups_into  # the shape grader's own reading of a tensor
from autograder.build import artifacts as build
from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.prepared import load_or_prepare
from autograder.assignment.sheet_templates import numbers_line
from autograder.assignment.spec import DEFAULT_SPEC, load_spec
from solutions.order import Growth

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "student_template"
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
FAMILY_SPECS = [path for path in SPECS if load_spec(path).family is not None]

#: Values up to this appear everywhere (CIFAR-10, Python 3.10, 2 cores, the
#: 10 of 10^3): finding them says nothing.
TRIVIAL = 10


def searched(value) -> bool:
    return value > TRIVIAL


def programmers_round(value: Fraction) -> bool:
    """A power of two or a multiple of 100: a limit a programmer picks."""
    whole = value.numerator if value.denominator == 1 else 0
    return whole > 0 and (whole & (whole - 1) == 0 or whole % 100 == 0)


# ---------------------------------------------------------------------------
# What the grader accepts, from the grader's own prepared references


class Accepted:
    """Every accepted value of one spec, sorted by how it is searched."""

    def __init__(self):
        self.numbers: dict[Fraction, str] = {}        # value -> which item
        self.products: dict[Fraction, str] = {}       # values a product of factors may hit
        self.shapes: dict[tuple[int, ...], str] = {}  # dims without 1s (and transposes)
        self.growths: dict[Growth, str] = {}
        self.items: set[str] = set()  # every item that contributed a value

    def add_number(self, value: Fraction, where: str, *, as_product: bool) -> None:
        self.numbers.setdefault(Fraction(value), where)
        if as_product:
            self.products.setdefault(Fraction(value), where)


@lru_cache(maxsize=None)
def accepted(spec_path: Path, variant: int | None = None) -> Accepted:
    """The reference and accepted variants of every item that has one
    (extras included), as the prepared references hold them; of one variant
    of the spec's family when `variant` is given."""
    spec = load_spec(spec_path, variant)
    prepared = load_or_prepare(spec)
    found = Accepted()
    for item in spec.items:
        entry = prepared.item(item.key)
        if entry is None:
            continue
        where = item.key
        found.items.add(where)
        for candidate in entry.candidates:
            if not (candidate.is_reference or candidate.name.startswith("variant")):
                continue
            value = candidate.value
            if isinstance(value, tuple):
                dims = tuple(int(d) for d in value if d != 1)
                found.shapes.setdefault(dims, where)
                if item.transpose_ok:
                    found.shapes.setdefault(dims[::-1], where)
                if item.entries_ok:
                    found.add_number(Fraction(math.prod(dims)), f"{where} (entries)", as_product=True)
                if item.square_side_ok and len(dims) == 2 and dims[0] == dims[1]:
                    found.add_number(Fraction(dims[0]), f"{where} (side)", as_product=False)
            else:
                found.add_number(value, where, as_product=item.kind == "number")
        if entry.growth is not None:
            found.growths.setdefault(entry.growth, where)
    return found


# ---------------------------------------------------------------------------
# Numbers in every notation

_LEFT = r"(?<![\w.])(?<![A-Za-z]-)"
_RIGHT = r"(?![^\W_x]|x\w|[.,]\d)"
_THOUSANDS = (",", " ", "\u2009", "\u202f", "\u00a0", "_", "{,}", "\\,", "'")
_TIMES = r"\s*(?:×|x|X|\*|·|\\times|\\cdot)\s*"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def number_renderings(value: Fraction) -> list[str]:
    """Regexes for `value` written the ways the number grader reads it."""
    if value.denominator != 1:
        shown = [rf"{value.numerator}\s*/\s*{value.denominator}"]
        shown += [re.escape(f"{float(value):.{places}f}") for places in (1, 2, 3)]
        if searched(round(value)):
            shown.append(str(round(value)))
        return [_LEFT + s + _RIGHT for s in shown]
    digits = str(value.numerator)
    groups = [digits[: len(digits) % 3 or 3]] + [
        digits[i:i + 3] for i in range(len(digits) % 3 or 3, len(digits), 3)]
    shown = [digits]
    if len(groups) > 1:
        shown += [re.escape(sep).join(groups) for sep in _THOUSANDS]
    mantissa = digits.rstrip("0")
    exponent = len(digits) - 1
    if exponent >= 1:
        point = f"{mantissa[0]}\\.{mantissa[1:]}" if len(mantissa) > 1 else mantissa[0]
        shown.append(rf"{point}0*[eE]\+?0*{exponent}")
        shown.append(rf"{point}0*(?:{_TIMES}10\s*(?:\^|\*\*)\s*\{{?\+?0*{exponent}\}}?"
                     rf"|{_TIMES}10{str(exponent).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))})")
    return [_LEFT + s + _RIGHT for s in shown]


# ---------------------------------------------------------------------------
# Shapes and products: runs of whole numbers, matched as the shape grader does

_RUN_SEPARATOR = r"\s*(?:×|x|X|\*|·|\\times|\\cdot|by|,)\s*"
_RUN = re.compile(rf"{_LEFT}\d+(?:{_RUN_SEPARATOR}\d+)+(?!\d)")
_MULTIPLY = re.compile(r"\s*(?:×|x|X|\*|·|\\times|\\cdot)\s*")




def run_readings(run: str) -> list[tuple[list[int], bool]]:
    """The dimensions a run of numbers may be read as, and whether it is a
    pure product (only multiplication signs): commas as separators, and as
    thousands separators where they group digits by three."""
    readings = []
    separators = re.findall(_RUN_SEPARATOR, run)
    numbers = [int(n) for n in re.split(_RUN_SEPARATOR, run)]
    readings.append((numbers, all(_MULTIPLY.fullmatch(s) for s in separators)))
    if re.search(r"\d,\d{3}(?!\d)", run):
        grouped = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", run)
        parts = re.split(_RUN_SEPARATOR, grouped)
        if len(parts) > 1:
            numbers = [int(n) for n in parts]
            readings.append((numbers, all(_MULTIPLY.fullmatch(s) for s in re.findall(_RUN_SEPARATOR, grouped))))
    return readings


def run_leaks(run: str, found: Accepted) -> list[str]:
    hits = []
    for numbers, product_only in run_readings(run):
        dims = [n for n in numbers if n != 1]
        if 0 in numbers or not dims:
            continue
        for shape, where in found.shapes.items():
            if searched(math.prod(shape)) and groups_into(dims, list(shape)):
                hits.append(f"the shape {' × '.join(map(str, shape))} of {where}")
        if product_only:
            value = Fraction(math.prod(numbers))
            if searched(value) and value in found.products:
                hits.append(f"the number {value} of {found.products[value]} as a product")
    return hits


# ---------------------------------------------------------------------------
# Growths

_SIZE_LETTER = "[A-JL-Za-jl-z]"


def compact_growths(line: str) -> str:
    """Growth notation written one way: no spaces or multiplication signs,
    ^ for powers (superscripts and ** too), O for Θ and LaTeX's forms."""
    text = unicodedata.normalize("NFC", line)
    for old, new in (("\\mathcal{O}", "O"), ("\\Theta", "O"), ("\\operatorname{O}", "O"),
                     ("\\left", ""), ("\\right", ""), ("\\cdot", ""), ("\\times", ""),
                     ("**", "^"), ("Θ", "O"), ("𝒪", "O")):
        text = text.replace(old, new)
    text = re.sub(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: "^" + m.group(1).translate(_SUPERSCRIPTS), text)
    text = re.sub(r"\^\{([^{}]*)\}", r"^\1", text)
    return re.sub(r"[\s*·×]+", "", text)


def _powers(letter: str, exponent: Fraction) -> list[str]:
    """Regexes for letter^exponent: `N^2`, `N^(2)`, `N2`-free; for the size
    letter also the letter repeated (`NN` from `N*N`, one capture group)."""
    if exponent == 1:
        forms = [f"{letter}(?:\\^1)?"]
    elif exponent.denominator == 1:
        forms = [rf"{letter}\^\(?{exponent}\)?"]
    else:
        forms = [rf"{letter}\^\(?{exponent.numerator}/{exponent.denominator}\)?"]
    if letter == _SIZE_LETTER and exponent.denominator == 1 and 1 < exponent <= 6:
        forms.append(rf"({_SIZE_LETTER})\1{{{int(exponent) - 1}}}")
    return forms


def growth_renderings(growth: Growth) -> list[str]:
    """Regexes for O(size^a k^b) in the side and in the pixel count, with
    any size letter, k optional (the grader accepts it left out), in either
    order; O(H W) for one power of the pixel count."""
    patterns = []
    for variable in ("side", "pixels"):
        exponent = growth.size_exp_in(variable)
        if exponent <= 0:
            continue  # O(1) and growths that shrink with the size are not searched
        sizes = _powers(_SIZE_LETTER, exponent)
        if variable == "pixels":
            h, w = _powers("H", exponent)[0], _powers("W", exponent)[0]
            sizes += [h + w, w + h]
        bodies = list(sizes)
        for kernel in (_powers("[kK]", abs(growth.kernel_exp)) if growth.kernel_exp else []):
            for size in sizes:
                if growth.kernel_exp > 0:
                    bodies += [size + kernel, kernel + size]
                else:
                    bodies += [f"{size}/{kernel}"]
        patterns += [r"(?<![A-Za-z])O\(" + body + r"\)" for body in bodies]
    return patterns


# ---------------------------------------------------------------------------
# The search


@lru_cache(maxsize=None)
def compiled(spec_path: Path, variant: int | None = None):
    found = accepted(spec_path, variant)
    numbers = [(re.compile(p), f"the number {value} of {where}", index == 0 and programmers_round(value))
               for value, where in sorted(found.numbers.items()) if searched(value)
               for index, p in enumerate(number_renderings(value))]
    growths = []
    for growth, where in found.growths.items():
        for pattern in growth_renderings(growth):
            growths.append((re.compile(pattern), f"the growth {growth.render()} of {where}"))
    return found, numbers, growths


def leaks(spec_path: Path, name: str, text: str, variant: int | None = None) -> list[str]:
    """'name:line: what (as written)' for every accepted value of the spec
    (or of one variant of its family) found in `text`.

    For a variant, the bare numbers of the spec's pooling example (question
    1's images are 23 x 23 in every variant) are givens the wording states
    for everyone: one that happens to be a variant's rounded ratio (24² / 5²
    is 23.04) is no leak."""
    found, numbers, growths = compiled(spec_path, variant)
    givens = ({str(value) for value in load_spec(spec_path).pooling.values()}
              if variant is not None else set())
    python = name.endswith(".py")
    hits = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, what, round_in_code in numbers:
            if round_in_code and python:
                continue
            hits += [f"{name}:{number}: {what} ({m.group(0)!r})" for m in pattern.finditer(line)
                     if m.group(0) not in givens]
        for run in _RUN.finditer(line):
            hits += [f"{name}:{number}: {what} ({run.group(0)!r})" for what in run_leaks(run.group(0), found)]
        compact = compact_growths(line)
        for pattern, what in growths:
            hits += [f"{name}:{number}: {what} ({m.group(0)!r})" for m in pattern.finditer(compact)]
    return sorted(set(hits))


def bundle_texts(spec_path: Path) -> dict[str, str]:
    """Every file of the bundle as text; items.json without its family's
    variants, which `variant_texts` gives one by one."""
    texts = {f"bundle/{name}": content.decode("utf-8", errors="replace")
             for name, content in build.student_bundle_files(spec_path).items()}
    manifest = json.loads(texts["bundle/items.json"])
    if "family" in manifest:
        manifest["family"]["variants"] = []
        texts["bundle/items.json"] = json.dumps(manifest, indent=1, ensure_ascii=False)
    return texts


def variant_texts(spec_path: Path) -> dict[int, dict[str, str]]:
    """Each variant's items and personal template as the bundle's items.json
    holds them, by variant number; the template without its opening givens
    (the student's numbers and the `variant: N` record), which are checked
    here to be exactly those."""
    manifest = json.loads(build.student_bundle_files(spec_path)["items.json"])
    texts = {}
    for entry in manifest["family"]["variants"]:
        number = entry["number"]
        lines = entry["template"].splitlines()
        opening = next(at for at, line in enumerate(lines) if line.startswith("# Your numbers ("))
        record = next(at for at, line in enumerate(lines) if line.startswith(f"{VARIANT_KEY}:"))
        stated = " ".join(line.removeprefix("# ") for line in lines[opening:record])
        assert stated == numbers_line(load_spec(spec_path, number)), stated
        assert re.fullmatch(rf"{VARIANT_KEY}: {number} +# [^0-9]*", lines[record]), lines[record]
        texts[number] = {f"variant {number} items": json.dumps(entry["items"], indent=1, ensure_ascii=False),
                         f"variant {number} template": "\n".join(lines[:opening] + lines[record + 1:])}
    return texts


def template_texts() -> dict[str, str]:
    return {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(TEMPLATE.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts}


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.name for p in SPECS])
def test_the_student_bundle_holds_no_accepted_value(spec_path):
    found = []
    for name, text in bundle_texts(spec_path).items():
        found += leaks(spec_path, name, text)
    assert found == [], "accepted values students can read:\n" + "\n".join(found)


#: The bundle's files that serve a student's own numbers, searched for every
#: variant's values too. The other files are searched against the base
#: configuration's values above: searching each of them for each of 24
#: variants takes minutes, and (measured once, by hand) finds only two-digit
#: numbers of prose and the sheet's 1 MiB size limit, which some variant's
#: count equals; the parsers' examples (`6*7 = 42`) were chosen to be no
#: variant's value.
OWN_NUMBERS_FILES = ("README.txt", "check.py", "autograder/submission/submitter.py",
                     "autograder/submission/variant_record.py")


@pytest.mark.parametrize("spec_path", FAMILY_SPECS, ids=[p.name for p in FAMILY_SPECS])
def test_every_variants_items_and_sheet_hold_no_value_that_variant_accepts(spec_path):
    texts = variant_texts(spec_path)
    assert sorted(texts) == [v.number for v in load_spec(spec_path).family.variants]
    bundle = bundle_texts(spec_path)
    found = []
    for number, files in texts.items():
        for name, text in [*files.items(), *((f"bundle/{n}", bundle[f"bundle/{n}"]) for n in OWN_NUMBERS_FILES)]:
            found += leaks(spec_path, name, text, variant=number)
    assert found == [], "accepted values students can read:\n" + "\n".join(found)


def output_size(spec_path: Path, variant: int | None) -> tuple[int, ...]:
    return next(shape for shape, where in accepted(spec_path, variant).shapes.items()
                if where == "q2.a.output_size")


@pytest.mark.parametrize("where", ["a blank", "the givens"])
def test_a_variants_own_value_planted_in_its_sheet_is_found(monkeypatch, where):
    """A variant is searched for its own values (its output size, unlike the
    base's); one planted among its blanks is found, and one planted among
    the givens makes them other than the student's numbers."""
    spec_path = FAMILY_SPECS[0]
    number = next(v.number for v in load_spec(spec_path).family.variants
                  if output_size(spec_path, v.number) != output_size(spec_path, None))
    planted = f"# the output is {' x '.join(map(str, output_size(spec_path, number)))}"
    assert leaks(spec_path, "planted", planted, variant=number)
    real = build.student_bundle_files

    def with_planted(path):
        files = real(path)
        manifest = json.loads(files["items.json"])
        entry = manifest["family"]["variants"][number - 1]
        anchor = "\nq2:\n" if where == "a blank" else f"\n{VARIANT_KEY}:"
        entry["template"] = entry["template"].replace(anchor, f"\n{planted}{anchor}", 1)
        return {**files, "items.json": json.dumps(manifest).encode()}

    monkeypatch.setattr(build, "student_bundle_files", with_planted)
    if where == "the givens":
        with pytest.raises(AssertionError, match="the output is"):
            variant_texts(spec_path)
        return
    sheet = variant_texts(spec_path)[number][f"variant {number} template"]
    assert leaks(spec_path, f"variant {number} template", sheet, variant=number)


def test_the_template_folder_holds_no_accepted_value():
    found = []
    for name, text in template_texts().items():
        found += leaks(DEFAULT_SPEC, name, text)
    assert found == [], "accepted values students can read:\n" + "\n".join(found)


# ---------------------------------------------------------------------------
# The search finds what it should and only that


#: Each is an answer of specs/hw3.yaml (28x28x1 input, 3x3 kernel, one
#: channel in and out) in a notation the grader reads.
PLANTED = [
    ("7056", "q2.c, q2.e.standard"), ("7,056", "separators"), ("7 056", "space"),
    ("7{,}056", "LaTeX separator"), ("614\u202f656", "narrow space"), ("7.056e3", "scientific"),
    ("7.056E+03", "scientific"), ("7.056 × 10^3", "times ten"), ("7.056 \\times 10^{3}", "LaTeX"),
    ("6.14656 x 10⁵", "superscript"), ("28*28*9", "a product"), ("784 x 9", "the Jacobian"),
    ("9 × 784", "transposed"), ("784 by 9", "by"), ("(784, 9)", "tuple"), ("[784, 9]", "list"),
    ("torch.Size([784, 9])", "PyTorch"), ("R^{784 x 9}", "a matrix space"),
    ("\\mathbb{R}^{784 \\times 9}", "LaTeX matrix space"), ("28x28x3x3", "the tensor form"),
    ("28 x 28 x 1 x 3 x 3 x 1 x 1", "the tensor form with 1s"), ("784 x 3 x 3", "grouped"),
    ("(None, 28, 28, 1)", "Keras output shape"), ("87.1x faster", "rounded ratio"),
    ("87.11", "ratio"), ("784/9", "ratio as a fraction"), ("87", "ratio rounded to a whole"),
    ("O(N^2 k^2)", "Big-O"), ("O(n k^2)", "in pixels"), ("O(n)", "k left out"),
    ("Θ(N²)", "superscript"), ("O(N**4)", "Python power"), ("\\mathcal{O}(n^{3})", "LaTeX"),
    ("O(HW)", "height times width"), ("O(N*N)", "a product of letters"),
    ("O(k^2 m^2)", "kernel first, another letter"), ("O(N^2/k^2)", "ratio growth"),
    ("16 x 16", "extra E2.c.3"), ("the patch is 16", "E2.c.3 as a square's side"),
]

#: Look alike, but no answer of specs/hw3.yaml.
NOT_ANSWERS = ["12 x 12", "12,345", "1.2e4", "20x20x4", "O(N^5)", "O(n^5 k^3)", "utf-16",
               "0x784", "17056", "7056.5", "70560", "x86-64", "Python 3.10", "3x784x9", "28x28x3",
               "O(1)", "10", "784x9x2", "1.7056e4", "O(N^2 log N)", "v7056"]


@pytest.mark.parametrize("text, why", PLANTED)
def test_the_search_finds_an_answer_written_any_way_the_grader_reads(text, why):
    assert leaks(DEFAULT_SPEC, "planted", f"x = {text}  # {why}"), f"{text!r} ({why}) not found"


@pytest.mark.parametrize("text", NOT_ANSWERS)
def test_the_search_leaves_look_alikes_alone(text):
    assert leaks(DEFAULT_SPEC, "planted", f"example: {text}.") == []


def test_a_leak_planted_in_the_bundle_fails_the_search():
    """The docstring shape.py shipped with before: Q2.f's standard-layer
    Jacobian as a tensor. Planted back into the built bundle, it is found."""
    files = bundle_texts(DEFAULT_SPEC)
    assert leaks(DEFAULT_SPEC, "bundle/autograder/answers/shape.py",
                 files["bundle/autograder/answers/shape.py"]) == []
    planted = files["bundle/autograder/answers/shape.py"].replace(
        '"""Reading an answer', '"""(`28x28x3x3` is the 400 × 5 Jacobian)\nReading an answer', 1)
    found = leaks(DEFAULT_SPEC, "bundle/autograder/answers/shape.py", planted)
    assert found and all(":1:" in hit for hit in found), found
    assert any("q2.f.standard" in hit for hit in found), found


def test_the_search_list_covers_every_item_with_a_reference_extras_included():
    """Nothing is hand-listed: every item the prepared references hold
    contributes its values, the not-for-credit extras too."""
    found = accepted(DEFAULT_SPEC)
    assert found.items == {item.key for item in load_spec(DEFAULT_SPEC).items if item.graded}
    assert Fraction(5146011) in found.numbers  # E2.b, not for credit
    assert (16, 16) in found.shapes  # E2.c.3
