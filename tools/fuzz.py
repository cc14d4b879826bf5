#!/usr/bin/env python3
"""Fuzz the answer kinds and the whole grader (not run in CI: minutes, not seconds).

    .venv/bin/python tools/fuzz.py --answers 100000 --sheets 300 --seed 1

Answers. Every generated answer goes through every kind's `parse` (number,
shape, big_o, ratio) and, when it reads, through that kind's `grade` with
inputs built the way `autograder.grading.pipeline` builds them: the prepared entry of
an item of that kind (from `load_or_prepare(load_spec())`) and a context from
`big_o.size_variable` (both size variables, with and without "the other
variable fits better"). The verdict is then turned into a Gradescope test and
strict JSON, as `build_results` would. The written kind, `parse_variable` and
`escape_markdown` see every answer too. Answers are random Unicode, near-miss
expressions built from the grammar (digits, operators, brackets,
superscripts, letters, O(), Θ, ×, ·, commas, spaces, e-notation), huge
numbers, deep nesting, long repetitions at the length bound, and mutated real
answers from examples/.

An *unexpected exception* is anything but `ParseError` from `parse`, and
anything at all from `grade`, `describe`, the written kind, `parse_variable`,
`escape_markdown` or building the test; a verdict whose credit is outside
[0, 1] counts too.

Sheets. Whole answer sheets, mutated at the YAML level (tags,
anchors/aliases, bombs, indentation damage, tabs, binary bytes, encodings,
truncation, huge values, duplicate keys, lists and mappings where text goes,
generated answers in random blanks), go through the real entry point
(`autograder.gradescope.run.main` in process; every `--subprocess-every`-th through the
`run_autograder` script). Every results.json is validated against
`autograder/gradescope/results.schema.json`; a sheet whose exit code is not 0, whose
results carry an "internal error" outcome, or whose output shows a
traceback is a finding.

YAML loaders. Every mutated sheet (and --loader-sheets more) is composed by
the pure-Python sheet loader, by the libyaml one and by `compose_text_only`:
`compose_text_only` must give the pure-Python loader's graph, refusal or error
message every time, and any text libyaml composes otherwise must be caught
by one of its guards.

Prints answers tried, unexpected exceptions with examples, the slowest answer
(time and text), peak memory, sheets tried and invalid results.json count.
Exit status 0 when the targets hold (no unexpected exception, no answer over
--answer-limit seconds, every results.json valid), 1 otherwise.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import yaml  # noqa: E402

from autograder.gradescope import run as cli  # noqa: E402
from autograder.grading import pipeline as grading
from autograder.answers import KINDS, ParseError, big_o, written  # noqa: E402
from autograder.answers.verdict import Reference  # noqa: E402
from autograder.assignment.prepared import load_or_prepare  # noqa: E402
from autograder.gradescope.results import escape_markdown, to_json_dict, Results  # noqa: E402
from autograder.submission.sheet import load_sheet  # noqa: E402
from autograder.assignment.spec import load_spec  # noqa: E402
from results_schema import results_validator  # noqa: E402

PARSED_KINDS = ("number", "shape", "big_o", "ratio")
EXAMPLE_SHEETS = sorted((ROOT / "examples").glob("*/answers.yaml"))
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"


# ----------------------------------------------------------------------------
# Generated answers

_DIGITS = "0123456789"
_PIECES = [
    *_DIGITS, "00", "000", "28", "784", "9", "56", "112", "3136", "7056", "614656",
    ".", ",", ", ", " ", "  ", "_", "e", "E", "e5", "e-3", "e+2", "E10",
    "+", "-", "*", "/", "^", "**", "(", ")", "[", "]", "{", "}", "=", "~", ":", ";", "!", "?",
    "x", "X", "xx", "×", "✕", "·", "⋅", "∙", "÷", "−", "–", "√", "≈", "∼", "'", '"', "%",
    "n", "N", "k", "K", "m", "h", "w", "O", "o", "Ο", "О", "Θ", "θ", "Ω", "ω", "Omega", "Theta",
    "log", "lg", "ln", "sqrt", "frac", "_2", "log_2", "log2",
    "²", "³", "⁴", "⁶", "⁻¹", "⁽", "⁾", "ⁿ", "ᵏ", "₂", "½", "¼", "⅓",
    "squared", "cubed", "times", "by", "of", "about", "approximately", "~", "same", "equal",
    "faster", "slower", "weights", "pixels", "matrix", "big", "Answer:", "N =", "n=",
    "\\times", "\\cdot", "\\frac", "\\mathcal{O}", "\\left(", "\\right)", "$", "`",
    "７", "８", "٣", "\u2009", "\u00a0", "\u200b", "\ufeff", "\t", "\n",
]
_UNICODE_RANGES = [
    (0x20, 0x7E, 40),        # ASCII printable
    (0x00, 0x1F, 2),         # controls
    (0xA0, 0x24F, 8),        # Latin-1 and extended
    (0x370, 0x3FF, 5),       # Greek
    (0x400, 0x4FF, 3),       # Cyrillic
    (0x2000, 0x206F, 4),     # punctuation, invisible format characters
    (0x2070, 0x209F, 6),     # superscripts and subscripts
    (0x2150, 0x218F, 3),     # number forms, vulgar fractions
    (0x2190, 0x22FF, 6),     # arrows, mathematical operators
    (0x0300, 0x036F, 3),     # combining marks
    (0xFF00, 0xFFEF, 4),     # full-width forms
    (0x1D400, 0x1D7FF, 3),   # mathematical alphanumerics
    (0x0660, 0x06FF, 2),     # Arabic digits and letters
    (0x1F300, 0x1FAFF, 2),   # emoji
    (0x4E00, 0x9FFF, 2),     # CJK
    (0xE000, 0xF8FF, 1),     # private use
    (0xD800, 0xDFFF, 1),     # lone surrogates (unreachable from a UTF-8 sheet)
]
_RANGE_WEIGHTS = [weight for _, _, weight in _UNICODE_RANGES]


def random_unicode(rng: random.Random) -> str:
    length = min(int(rng.expovariate(1 / 25)), 400)
    out = []
    for _ in range(length):
        low, high, _ = rng.choices(_UNICODE_RANGES, _RANGE_WEIGHTS)[0]
        out.append(chr(rng.randint(low, high)))
    return "".join(out)


def grammar_soup(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))


_SUPERSCRIPTS = str.maketrans("0123456789-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾ⁿ")


def _number_text(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.45:
        return str(rng.choice([0, 1, 2, 3, 9, 28, 56, 112, 784, 3136, 7056, 614656, 12544,
                               rng.randint(0, 10 ** rng.randint(1, 12))]))
    if choice < 0.6:
        return f"{rng.randint(0, 10 ** 7):,}"
    if choice < 0.75:
        return f"{rng.uniform(0, 1000):.{rng.randint(1, 4)}f}"
    if choice < 0.85:
        return f"{rng.randint(1, 99) / 10}{rng.choice('eE')}{rng.randint(-12, 12)}"
    return f"{rng.randint(1, 9)}.{rng.randint(0, 99)} {rng.choice(['×', 'x', '*'])} 10^{rng.randint(1, 9)}"


def _expression(rng: random.Random, depth: int) -> str:
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice([_number_text(rng), rng.choice("nNkKmx"), "N", "n", "k"])
    form = rng.randrange(10)
    a, b = _expression(rng, depth - 1), _expression(rng, depth - 1)
    if form == 0:
        return f"{a} {rng.choice(['+', '-'])} {b}"
    if form == 1:
        return f"{a}{rng.choice(['*', ' * ', '·', ' × ', ' x ', ' ', '/', ' / ', ' times '])}{b}"
    if form == 2:
        exponent = rng.choice(["2", "3", "4", "6", "(1/2)", "(3/2)", "-1", "0", "10", "k",
                               str(rng.randint(0, 200))])
        if rng.random() < 0.3 and all(c in "0123456789-" for c in exponent):
            return f"{a}{exponent.translate(_SUPERSCRIPTS)}"
        return f"{a}{rng.choice(['^', '**', ' ^ '])}{exponent}"
    if form == 3:
        opening, closing = rng.choice(["()", "[]", "{}"])
        return f"{opening}{a}{closing}"
    if form == 4:
        return f"{rng.choice(['log', 'lg', 'ln', 'log_2', 'log2', 'sqrt', '√'])}{rng.choice(['', ' ', '('])}{a}" + (
            ")" if rng.random() < 0.5 else "")
    if form == 5:
        return f"{a} squared" if rng.random() < 0.5 else f"{a} cubed"
    if form == 6:
        return f"\\frac{{{a}}}{{{b}}}"
    if form == 7:
        return f"{a} = {b}"
    if form == 8:
        return f"{a}, {b}"
    return f"{a}{b}"


def grammar_expression(rng: random.Random) -> str:
    body = _expression(rng, rng.randint(1, 5))
    wrap = rng.randrange(12)
    if wrap == 0:
        body = f"{rng.choice(['O', 'Θ', 'Ω', 'o', 'ω', 'Theta', 'Omega', 'big O of'])}({body})"
    elif wrap == 1:
        body = f"O({body})"
    elif wrap == 2:
        body = f"{rng.choice(['about', '~', '≈', 'There are', 'Answer:', 'n =', 'roughly'])} {body}"
    elif wrap == 3:
        body = f"{body} {rng.choice(['times faster', 'x', 'weights', 'matrix', 'pixels', '(approx)'])}"
    elif wrap == 4:
        body = f"{body} : {_expression(rng, 2)}"
    elif wrap == 5:
        body = f"{body} {rng.choice(['×', 'x', 'by', ','])} {_expression(rng, 2)}"
    if rng.random() < 0.3:
        body = mutate_text(rng, body, rng.randint(1, 3))
    return body


def huge_number(rng: random.Random) -> str:
    near = rng.choice([299, 300, 301, 999, 1000, 1001, 1999, 2000, 2001, 2100, 5000])
    form = rng.randrange(12)
    if form == 0:
        return rng.choice("123456789") * near
    if form == 1:
        return f"1e{rng.choice([999, 1000, 1001, 99999, 10 ** 9, 10 ** 30])}"
    if form == 2:
        return f"10^{rng.choice([999, 1000, 1001, 3000, 10 ** 6, 10 ** 20])}"
    if form == 3:
        return f"{rng.randint(2, 99)}^{rng.randint(2, 99)}^{rng.randint(2, 99)}"
    if form == 4:
        return f"({rng.randint(2, 10 ** 6)}^{rng.randint(100, 400)})^{rng.randint(2, 9)}"
    if form == 5:
        return f"1/{rng.randint(2, 9)}^{rng.randint(900, 1200)}"
    if form == 6:
        return f"{rng.randint(2, 9)}^(1/{rng.randint(2, 40)})"
    if form == 7:
        return f"0.{'0' * near}1"
    if form == 8:
        return f"{'9' * 150}.{'9' * 149}e{rng.randint(-1000, 1000)}"
    if form == 9:
        return f"O(n^{rng.choice([99, 100, 101, 10 ** 6, '(1/13)', '(1/12)', '(7/12)'])})"
    if form == 10:
        return "*".join([str(rng.randint(10 ** 8, 10 ** 9))] * rng.randint(50, 140))
    return f"(n+{rng.randint(1, 9)})^{rng.randint(5, 300)}"


def deep_nesting(rng: random.Random) -> str:
    depth = rng.choice([10, 38, 39, 40, 41, 60, 200, 1000, 3000])
    core = rng.choice(["n", "1", "N^2", "784", "k", ""])
    form = rng.randrange(9)
    if form == 0:
        return "(" * depth + core + ")" * depth
    if form == 1:
        return "-" * depth + core
    if form == 2:
        return "sqrt(" * depth + core + ")" * depth
    if form == 3:
        return "2^" * depth + "2"
    if form == 4:
        return "log(" * depth + core + ")" * depth
    if form == 5:
        return "O(" * depth + core + ")" * depth
    if form == 6:
        return "(" * depth + core  # never closed
    if form == 7:
        return "".join(rng.choice("([{") for _ in range(depth)) + core + "".join(
            rng.choice(")]}") for _ in range(depth))
    return "-(" * depth + core + ")" * depth


def long_repetition(rng: random.Random) -> str:
    piece = rng.choice(["1+", "n*", "(n)", "n log n ", "9,", "7,056 ", "x", "O(n)", "²", "e",
                        "1.", "--", "n^", grammar_soup(rng)[:10] or "1"])
    limit = rng.choice([1999, 2000, 2001, 4000])
    return (piece * (limit // max(len(piece), 1) + 1))[:limit]


def _real_answers() -> list[str]:
    answers: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            answers.append(", ".join(map(str, node)))
        elif node is not None:
            answers.append(str(node))

    for path in EXAMPLE_SHEETS:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    answers += ["7056", "784 x 9", "O(N^2 k^2)", "Θ(n log n)", "~87 times faster", "784^2/9",
                "1:87", "O(n^(3/2))", "big O of n squared", "5²", "\\frac{784^2}{9}",
                "6.1 × 10^5", "(30, 30)", "28x28x3x3", "same", "N = number of pixels"]
    return [a for a in answers if len(a) < 300]


REAL_ANSWERS = _real_answers()


def mutate_text(rng: random.Random, text: str, times: int) -> str:
    for _ in range(times):
        position = rng.randint(0, len(text))
        action = rng.randrange(9)
        if action == 0:
            text = text[:position] + rng.choice(_PIECES) + text[position:]
        elif action == 1:
            text = text[:position] + text[position + 1:]
        elif action == 2:
            text = text[:position] + rng.choice(_PIECES) + text[position + 1:]
        elif action == 3:
            chunk = text[position:position + rng.randint(1, 6)]
            text = text[:position] + chunk * rng.randint(2, 60) + text[position:]
        elif action == 4:
            text = text[:position] + random_unicode(rng)[:3] + text[position:]
        elif action == 5:
            text = text.swapcase() if rng.random() < 0.5 else text.upper()
        elif action == 6 and len(text) > 1:
            other = rng.randint(0, len(text) - 1)
            chars = list(text)
            chars[min(position, len(chars) - 1)], chars[other] = chars[other], chars[min(position, len(chars) - 1)]
            text = "".join(chars)
        elif action == 7:
            text = text[:position]
        else:
            text = text[:position] + rng.choice(["(", ")", "^", "**", "O(", "Θ(", "×", "·", ",",
                                                 " ", "e", "²", "⁻¹", "=", "~", ":"]) + text[position:]
    return text


def mutated_real(rng: random.Random) -> str:
    return mutate_text(rng, rng.choice(REAL_ANSWERS), rng.randint(1, 5))


GENERATORS = {
    "random unicode": (random_unicode, 0.17),
    "grammar soup": (grammar_soup, 0.18),
    "grammar expression": (grammar_expression, 0.25),
    "huge number": (huge_number, 0.07),
    "deep nesting": (deep_nesting, 0.05),
    "long repetition": (long_repetition, 0.03),
    "mutated real answer": (mutated_real, 0.25),
}


def generate(rng: random.Random) -> tuple[str, str]:
    names = list(GENERATORS)
    name = rng.choices(names, [GENERATORS[n][1] for n in names])[0]
    return name, GENERATORS[name][0](rng)


# ----------------------------------------------------------------------------
# Findings


def _shorten(text: str, limit: int = 120) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else f"{shown[:limit]}… ({len(text):,} chars)"


@dataclass
class Findings:
    unexpected: dict = field(default_factory=lambda: defaultdict(list))  # signature -> examples
    counts: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, where: str, error: BaseException | str, example: str) -> None:
        if isinstance(error, BaseException):
            frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
            at = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
            signature = f"{where}: {type(error).__name__}{at}: {str(error)[:100]}"
        else:
            signature = f"{where}: {error}"
        self.counts[signature] += 1
        if len(self.unexpected[signature]) < 3:
            self.unexpected[signature].append(example)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# ----------------------------------------------------------------------------
# Answers through the kinds


class AnswerFuzzer:
    def __init__(self, spec, prepared, findings: Findings):
        from autograder.submission.sheet import Sheet

        self.findings = findings
        self.items = {kind: [i for i in spec.items if i.kind == kind and prepared.item(i.key)
                             and prepared.item(i.key).verified] for kind in PARSED_KINDS}
        self.written = [i for i in spec.items if i.kind == "written"]
        self.entries = {i.key: prepared.item(i.key) for kinds in self.items.values() for i in kinds}
        solved = load_sheet(SOLVED, root=SOLVED.parent)
        base = big_o.size_variable(spec, prepared, solved)
        empty = big_o.size_variable(spec, prepared, Sheet(Path("answers.yaml"), {}))
        self.policy = spec.big_o_policy
        self.letters = [replace(letters, variable=variable, other_fits_better=other)
                        for letters in (base, empty) for variable in ("side", "pixels")
                        for other in (False, True)]
        self.tried = 0
        self.read = defaultdict(int)
        self.slowest = (0.0, "", "")
        self.times: list[float] = []

    def run(self, text: str, rng: random.Random) -> None:
        self.tried += 1
        answer_started = time.perf_counter()
        for kind_name in PARSED_KINDS:
            started = time.perf_counter()
            self._one_kind(kind_name, text, rng)
            elapsed = time.perf_counter() - started
            if elapsed > self.slowest[0]:
                self.slowest = (elapsed, kind_name, text)
        self._extras(text, rng)
        self.times.append(time.perf_counter() - answer_started)

    def _one_kind(self, kind_name: str, text: str, rng: random.Random) -> None:
        kind = KINDS[kind_name]
        try:
            reading = kind.parse(text)
        except ParseError as error:
            if not (isinstance(error.message, str) and error.message):
                self.findings.add(f"{kind_name}.parse", "ParseError without a message", text)
            return
        except Exception as error:  # noqa: BLE001 - the point of fuzzing
            self.findings.add(f"{kind_name}.parse", error, text)
            return
        self.read[kind_name] += 1
        item = rng.choice(self.items[kind_name])
        reference = Reference.of(item, self.entries[item.key], rng.choice(self.letters), self.policy)
        try:
            kind.describe(reading)
            verdict = kind.grade(reading, reference)
            if not (isinstance(verdict.credit, (int, float)) and math.isfinite(verdict.credit)
                    and 0 <= verdict.credit <= 1):
                self.findings.add(f"{kind_name}.grade", f"credit {verdict.credit!r} outside [0, 1]", text)
            test = grading._test(grading.ItemGrade(item, text, verdict))
            json.dumps(to_json_dict(Results([test], "", 0.0)), allow_nan=False)
        except Exception as error:  # noqa: BLE001
            self.findings.add(f"{kind_name}.grade", error, text)

    def _extras(self, text: str, rng: random.Random) -> None:
        for where, call in (("written.grade", lambda: written.grade(written.parse(text),
                                                                     Reference.of(rng.choice(self.written)))),
                            ("big_o.parse_variable", lambda: big_o.parse_variable(text)),
                            ("escape_markdown", lambda: escape_markdown(text))):
            try:
                call()
            except Exception as error:  # noqa: BLE001
                self.findings.add(where, error, text)


# ----------------------------------------------------------------------------
# Whole sheets through run_autograder


def _leaf_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines)
            if ":" in line and line.split(":", 1)[1].strip() not in ("", "|", ">")
            and not line.lstrip().startswith("#")]


def _yaml_quote(text: str, rng: random.Random) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's); with
    ensure_ascii, astral characters become surrogate-pair escapes."""
    return json.dumps(text, ensure_ascii=rng.random() < 0.5)


def mutate_sheet(rng: random.Random, text: str, answers: AnswerFuzzerSource) -> tuple[bytes, list[str]]:
    """A sheet's bytes after 1-4 YAML-level mutations, and their names."""
    applied = []
    for _ in range(rng.randint(1, 4)):
        lines = text.split("\n")
        leaves = _leaf_lines(lines)
        at = rng.choice(leaves) if leaves else 0
        key_part = lines[at].split(":", 1)[0] if leaves else "q2"
        name = rng.choice(SHEET_MUTATIONS)
        applied.append(name)
        if name == "generated answer (quoted)":
            lines[at] = f"{key_part}: {_yaml_quote(answers.one(rng), rng)}"
        elif name == "generated answer (raw)":
            lines[at] = f"{key_part}: {answers.one(rng).replace(chr(10), ' ')}"
        elif name == "block scalar answer":
            indent = " " * (len(key_part) - len(key_part.lstrip()) + 2)
            body = answers.one(rng).replace("\n", " ")
            lines[at] = f"{key_part}: |\n{indent}{body}"
        elif name == "tag":
            tag = rng.choice(["!!python/object/apply:os.system ['touch /tmp/fuzz-pwned']",
                              "!!binary aGVsbG8=", "!!int 9", "!!str 9", "!custom 7",
                              "!!python/name:os.system", "!!map {a: 1}", "!<tag:yaml.org,2002:str> x",
                              "!!float .nan", "!!timestamp 2001-12-14"])
            lines[at] = f"{key_part}: {tag}"
        elif name == "anchor and alias":
            lines[at] = f"{key_part}: &a{at} {lines[at].split(':', 1)[1].strip()}"
            if leaves:
                other = rng.choice(leaves)
                if other > at:
                    lines[other] = f"{lines[other].split(':', 1)[0]}: *a{at}"
        elif name == "alias bomb":
            bomb = ["bomb0: &b0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
            for level in range(1, rng.randint(3, 9)):
                bomb.append(f"bomb{level}: &b{level} [" + ", ".join([f"*b{level - 1}"] * 9) + "]")
            lines = bomb + lines
        elif name == "undefined alias":
            lines[at] = f"{key_part}: *nowhere"
        elif name == "recursive alias":
            lines.append("loop: &loop [*loop]")
        elif name == "indentation damage":
            for i in rng.sample(range(len(lines)), min(len(lines), rng.randint(1, 5))):
                lines[i] = " " * rng.randint(0, 9) + lines[i].lstrip()
        elif name == "tabs":
            i = rng.randrange(len(lines))
            lines[i] = lines[i].replace("  ", "\t", 1)
        elif name == "duplicate keys":
            lines.insert(at, lines[at])
        elif name == "list where text goes":
            lines[at] = f"{key_part}: [{answers.one(rng)[:20]!r}, 28, [3, [4]]]"
        elif name == "mapping where text goes":
            lines[at] = f"{key_part}: {{value: 7056, unit: weights}}"
        elif name == "huge value":
            size = rng.choice([10_000, 200_000, 1_100_000])
            lines[at] = f"{key_part}: {rng.choice('9n(x ') * size}"
        elif name == "many keys":
            lines += [f"extra{i}: {i}" for i in range(rng.choice([100, 5_000, 12_000]))]
        elif name == "deep nesting":
            depth = rng.choice([15, 19, 20, 21, 50, 500])
            lines.append("deep: " + "[" * depth + "1" + "]" * depth)
        elif name == "delete lines":
            start = rng.randrange(len(lines))
            del lines[start:start + rng.randint(1, 30)]
        elif name == "shuffle lines":
            start = rng.randrange(len(lines))
            chunk = lines[start:start + 10]
            rng.shuffle(chunk)
            lines[start:start + 10] = chunk
        elif name == "documents and directives":
            lines = rng.choice([["%YAML 1.1", "---"], ["---"], []]) + lines + rng.choice(
                [["---", "q2: {b: 9}"], ["..."], []])
        elif name == "flow style":
            data = _loads(text) or {"q2": {"b": "9"}}
            lines = yaml.safe_dump(data, default_flow_style=True, allow_unicode=True,
                                   width=rng.choice([40, 10 ** 6])).split("\n")
        elif name == "control characters":
            i = rng.randrange(len(lines))
            lines[i] += rng.choice(["\x07", "\x1b[31m", "\x7f", "\x0c", "\u0085", "\u2028"])
        elif name == "comments":
            lines[at] += rng.choice([" # a comment", " #no space", "# x: 1"])
        text = "\n".join(lines)
    data = text.encode("utf-8", errors="surrogatepass")
    finishing = rng.random()
    if finishing < 0.08:
        data = data[:rng.randint(0, len(data))]
        applied.append("truncated")
    elif finishing < 0.14:
        position = rng.randint(0, len(data))
        data = data[:position] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16))) + data[position:]
        applied.append("binary bytes")
    elif finishing < 0.17:
        encoding = rng.choice(["utf-16", "utf-16-le", "utf-32", "utf-8-sig", "latin-1"])
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode(encoding, errors="replace")
        applied.append(f"encoded {encoding}")
    elif finishing < 0.19:
        data = rng.choice([b"", b"\n", b"# only a comment\n", b"~\n", b"- a list\n", b"just text\n",
                           b"\x89PNG\r\n\x1a\n" + bytes(range(256)), b"PK\x03\x04zip"])
        applied.append("replaced whole file")
    return data, applied


def _loads(text: str) -> dict | None:
    """The sheet as data for re-emitting, if PyYAML's safe_load reads it as
    a mapping (deep nesting exhausts its recursion, a huge plain integer its
    int() limit: then None)."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return None
    return data if isinstance(data, dict) else None


SHEET_MUTATIONS = [
    "generated answer (quoted)", "generated answer (quoted)", "generated answer (quoted)",
    "generated answer (raw)", "generated answer (raw)", "block scalar answer",
    "tag", "anchor and alias", "alias bomb", "undefined alias", "recursive alias",
    "indentation damage", "tabs", "duplicate keys", "list where text goes",
    "mapping where text goes", "huge value", "many keys", "deep nesting", "delete lines",
    "shuffle lines", "documents and directives", "flow style", "control characters", "comments",
]


class AnswerFuzzerSource:
    """Answers for sheets: from the same generators as the answer fuzz."""

    def one(self, rng: random.Random) -> str:
        text = generate(rng)[1]
        return "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)


class SheetFuzzer:
    def __init__(self, findings: Findings, workdir: Path, subprocess_every: int):
        self.findings = findings
        self.workdir = workdir
        self.subprocess_every = subprocess_every
        self.validator = results_validator()
        self.tried = 0
        self.invalid = 0
        self.by_subprocess = 0
        self.codes = defaultdict(int)
        self.slowest = (0.0, "")
        self.bases = [path.read_text(encoding="utf-8") for path in EXAMPLE_SHEETS
                      if path.parent.name == "solved"]
        self.answers = AnswerFuzzerSource()
        self.loaders = LoaderComparison(findings)

    def run(self, rng: random.Random) -> None:
        index = self.tried
        self.tried += 1
        data, applied = mutate_sheet(rng, rng.choice(self.bases), self.answers)
        folder = self.workdir / f"submission{index}"
        layout = rng.random()
        if layout < 0.1:
            sheet_path = folder / "nested" / "answers.yml"
        elif layout < 0.15:
            sheet_path = folder / "Answers.YAML"
        else:
            sheet_path = folder / "answers.yaml"
        sheet_path.parent.mkdir(parents=True)
        sheet_path.write_bytes(data)
        self.loaders.check(data, f"sheet {index}")
        out = self.workdir / f"results{index}.json"
        argv = ["--submission", str(folder), "--results", str(out), "--quiet"]
        label = f"sheet {index} ({', '.join(applied)})"
        started = time.perf_counter()
        if self.subprocess_every and index % self.subprocess_every == 0:
            self.by_subprocess += 1
            completed = subprocess.run([str(ROOT / "run_autograder"), *argv], capture_output=True,
                                       text=True, timeout=120)
            code, errors = completed.returncode, completed.stderr + completed.stdout
        else:
            stderr = io.StringIO()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
                try:
                    code = cli.main(argv)
                except SystemExit as exited:
                    code = exited.code
                except Exception as error:  # noqa: BLE001
                    self.findings.add("run_autograder (in process)", error, label)
                    code = None
            errors = stderr.getvalue()
        elapsed = time.perf_counter() - started
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, label)
        self.codes[code] += 1
        if code != cli.EXIT_GRADED:
            self.findings.add("run_autograder", f"exit code {code}", f"{label}: {errors[-300:]}")
        if "Traceback" in errors:
            self.findings.add("run_autograder", "traceback on stderr", f"{label}: {errors[-300:]}")
        self._check(out, label)
        if os.path.exists("/tmp/fuzz-pwned"):
            self.findings.add("run_autograder", "a YAML tag ran code", label)

    def _check(self, out: Path, label: str) -> None:
        def refuse(name):
            raise ValueError(f"{name} is not JSON")

        try:
            document = json.loads(out.read_text(encoding="utf-8"), parse_constant=refuse)
            self.validator.validate(document)
        except Exception as error:  # noqa: BLE001
            self.invalid += 1
            self.findings.add("results.json invalid", error, label)
            return
        outcomes = document.get("extra_data", {}).get("outcomes", {})
        for key, outcome in outcomes.items():
            if outcome.startswith("internal error"):
                self.findings.add("item internal error", outcome, f"{label}: {key}")
        if "Traceback" in json.dumps(document):
            self.findings.add("results.json", "traceback shown to the student", label)


# ----------------------------------------------------------------------------
# The sheet loader with and without libyaml


def _tree(node):
    """A node graph as plain data (tags and values; not styles or marks)."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, tuple(_tree(item) for item in node.value))
    return ("mapping", node.tag, tuple((_tree(k), _tree(v)) for k, v in node.value))


def _compose_with(loader_class, text: str):
    """("ok", node graph) or ("error", whether it was refused, the words a student would see)."""
    from autograder import yaml_loading
    from autograder.submission import sheet

    try:
        loader = loader_class(text, sheet.SHEET_BUDGET)
        try:
            return ("ok", _tree(loader.get_single_node()))
        finally:
            loader.dispose()
    except (yaml.YAMLError, yaml_loading.YAMLReadError) as error:
        if isinstance(error, yaml.YAMLError):
            error = yaml_loading._read_error(error, text)
        return ("error", error.refused, sheet._describe_yaml_error(error, text, "answers.yaml"))
    except Exception as error:  # noqa: BLE001
        return ("error", type(error).__name__, str(error))


class _Composing:
    """`yaml_loading.compose_text_only` (libyaml where it reads alike, else
    the pure-Python loader) with a loader's interface."""

    def __init__(self, text: str, budget):
        self.text, self.budget = text, budget

    def get_single_node(self):
        from autograder import yaml_loading

        return yaml_loading.compose_text_only(self.text, self.budget)

    def dispose(self):
        pass


class LoaderComparison:
    """Every mutated sheet composed by the pure-Python loader, by the libyaml
    one and by `compose_text_only`: when libyaml accepts a text it must compose
    exactly what the pure-Python loader composes, and `compose_text_only` must give
    the pure-Python loader's result, refusal or error message every time."""

    def __init__(self, findings: Findings):
        from autograder import yaml_loading
        from autograder.submission import files, sheet

        self.sheet, self.files, self.yaml_loading = sheet, files, yaml_loading
        self.findings = findings
        self.compared = self.fallbacks = self.skipped = self.recomposed = 0

    def check(self, data: bytes, label: str) -> None:
        sheet, loading = self.sheet, self.yaml_loading
        if loading._FastTextOnlyLoader is None:
            return
        try:
            text = self.files._decode(data, Path("answers.yaml"))
        except self.files.SubmissionError:
            self.skipped += 1
            return
        if not loading._libyaml_reads_alike(text):
            self.skipped += 1
            return
        if len(text) > 100_000:
            self.skipped += 1  # the pure-Python loader alone takes a second or more
            return
        self.compared += 1
        slow = _compose_with(loading._TextOnlyLoader, text)
        composed = _compose_with(_Composing, text)
        if composed != slow:
            self.findings.add("compose_text_only", f"differs from the pure-Python loader ({slow[:2]})",
                              f"{label}: {text[:300]!r}")
        fast = _compose_with(loading._FastTextOnlyLoader, text)
        if fast[0] == "error":
            self.fallbacks += slow[0] == "ok"
        elif fast != slow:
            loader = loading._FastTextOnlyLoader(text, sheet.SHEET_BUDGET)
            try:
                guarded = loading._question_in_flow(loader.get_single_node())
            finally:
                loader.dispose()
            if guarded:
                self.recomposed += 1
            else:
                self.findings.add("libyaml loader", f"composes differently, unguarded ({slow[:2]})",
                                  f"{label}: {text[:300]!r}")


# ----------------------------------------------------------------------------


def peak_memory_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its (waited-for) children, MiB."""
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2 ** 20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale / 2 ** 20
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=100_000, help="generated answers (default %(default)s)")
    parser.add_argument("--sheets", type=int, default=300, help="mutated sheets (default %(default)s)")
    parser.add_argument("--loader-sheets", type=int, default=10_000,
                        help="further mutated sheets only composed by both YAML loaders (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subprocess-every", type=int, default=10,
                        help="grade every Nth sheet through the run_autograder script (0: never)")
    parser.add_argument("--answer-limit", type=float, default=1.0,
                        help="seconds one answer may take through all kinds (default %(default)s)")
    parser.add_argument("--progress", type=int, default=10_000, help="print progress every N answers")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    findings = Findings()
    spec = load_spec()
    prepared = load_or_prepare(spec)
    print(f"fuzz: seed {args.seed}, Python {platform.python_version()}, spec {spec.path.name}, "
          f"{len(REAL_ANSWERS)} real answers to mutate", flush=True)

    answers = AnswerFuzzer(spec, prepared, findings)
    by_generator = defaultdict(int)
    slow: list[tuple[float, str, str]] = []
    started = time.perf_counter()
    for index in range(args.answers):
        name, text = generate(rng)
        by_generator[name] += 1
        answers.run(text, rng)
        if answers.times[-1] > args.answer_limit:
            slow.append((answers.times[-1], name, text))
        if args.progress and (index + 1) % args.progress == 0:
            print(f"  {index + 1:,} answers, {findings.total} unexpected, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
    answer_seconds = time.perf_counter() - started

    sheet_started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hw3-fuzz-") as workdir:
        sheets = SheetFuzzer(findings, Path(workdir), args.subprocess_every)
        for index in range(args.sheets):
            sheets.run(rng)
    sheet_seconds = time.perf_counter() - sheet_started
    loader_started = time.perf_counter()
    for index in range(args.loader_sheets):
        data, applied = mutate_sheet(rng, rng.choice(sheets.bases), sheets.answers)
        sheets.loaders.check(data, f"loader sheet {index} ({', '.join(applied)})")
    loader_seconds = time.perf_counter() - loader_started

    own, children = peak_memory_mib()
    times = sorted(answers.times)
    median = times[len(times) // 2] if times else 0.0
    p99 = times[int(len(times) * 0.99)] if times else 0.0
    seconds, kind, text = answers.slowest
    print()
    print(f"machine: {platform.machine()} {_cpu_model()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"answers tried: {answers.tried:,} ({answer_seconds:.0f} s), each through "
          f"{', '.join(PARSED_KINDS)} parse+grade, written, parse_variable, escape_markdown")
    print("  generated as: " + ", ".join(f"{name} {count:,}" for name, count in by_generator.items()))
    print("  read (not ParseError) by: " + ", ".join(f"{k} {answers.read[k]:,}" for k in PARSED_KINDS))
    print(f"  time per answer (all kinds): median {median * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    print(f"  slowest single kind: {seconds * 1e3:.1f} ms ({kind}) on {_shorten(text)}")
    print(f"  answers over {args.answer_limit:g} s: {len(slow)}")
    for elapsed, name, sample in sorted(slow, reverse=True)[:5]:
        print(f"    {elapsed:.2f} s [{name}] {_shorten(sample)}")
    print(f"sheets tried: {sheets.tried} ({sheet_seconds:.0f} s; {sheets.by_subprocess} via the "
          f"run_autograder script), exit codes {dict(sheets.codes)}")
    print(f"  slowest sheet: {sheets.slowest[0]:.2f} s, {sheets.slowest[1][:150]}")
    print(f"  invalid results.json: {sheets.invalid}")
    loaders = sheets.loaders
    print(f"YAML loaders compared on {loaders.compared:,} decodable sheets ({args.sheets} graded + "
          f"{args.loader_sheets:,} more, {loader_seconds:.0f} s): libyaml refused and the pure-Python "
          f"loader accepted {loaders.fallbacks} (fallback used); libyaml composed otherwise and "
          f"the '?'-in-brackets guard recomposed {loaders.recomposed}; {loaders.skipped:,} not "
          f"decodable, given only to the pure-Python loader (tab, BOM, non-printable, '|#') or over "
          f"100 kB; 0 differences between compose_text_only and the pure-Python loader is the target")
    print(f"peak memory (ru_maxrss): fuzzer {own:.0f} MiB, largest child {children:.0f} MiB")
    print(f"unexpected exceptions and findings: {findings.total}")
    for signature, count in sorted(findings.counts.items(), key=lambda kv: -kv[1]):
        print(f"  {count} x {signature}")
        for example in findings.unexpected[signature]:
            print(f"      e.g. {_shorten(example, 200)}")
    ok = findings.total == 0 and not slow and sheets.invalid == 0
    print("result: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
