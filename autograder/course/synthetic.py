"""Synthetic Gradescope exports, for the regrade's tests and benchmarks.

    python -m autograder.course.synthetic --count 200 --seed 1 OUT      # OUT.zip or a folder

A class of made-up students, each sheet built from `examples/solved` by
changing answers by key: right answers written in the notations students
use, recognised mistakes (the value of a mistake in the spec's catalogue,
taken from the prepared references), unrecognised wrong values (some shared
by many students, as real wrong answers are, so the report has clusters to
find), unreadable text and blanks; and submissions that are broken in the
ways uploads break: YAML syntax errors, a binary file, an empty folder, a
misnamed sheet, hostile YAML tags and an alias bomb. The metadata is written
the way Gradescope writes it (Ruby symbol keys, Ruby timestamps, BigDecimal
tags). The same count and seed give the same bytes.

For a spec with a family, every student's sheet is filled for their own
variant (drawn from the email the metadata lists, as the grader draws it):
right answers from that variant's references, with its keys, and the same
single plausible mistakes; most sheets carry the `variant:` line of a
personal template. Besides: a few students submit a neighbour's sheet (right
for the neighbour's variant, with its `variant:` line), a pair in different
variants submit the same answers, copied from a third variant's key into
their own templates, and one submission lists no usable email (its sheet is
right for the base configuration).
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.prepared import Prepared, load_or_prepare
from autograder.submission.sheet import load_sheet
from autograder.assignment.spec import DEFAULT_SPEC, Item, Spec, every_variant, load_spec

SOLVED = Path(__file__).resolve().parents[2] / "examples" / "solved" / "answers.yaml"

RIGHT, MIXED = "right", "mixed"
#: A family's profiles: a neighbour's sheet (another variant's, with its
#: `variant:` line), one of a pair who copied the same answers (another
#: variant's key) into their own templates, a submission with no usable
#: email (its sheet right for the base configuration).
NEIGHBOURS_SHEET, SHARED, NO_EMAIL = "neighbour's sheet", "shared answers", "no email"
#: Share of a family's class who submit a neighbour's sheet (at least 2).
NEIGHBOURS_SHARE = 0.02
#: Share of a family's own-variant sheets carrying the personal template's
#: `variant:` line (the others were typed into the generic template).
VARIANT_LINE_SHARE = 0.8
#: Broken uploads, one of each before any repeats, so a small export has them all.
MALFORMED = ("yaml syntax error", "binary file", "empty folder", "wrong file name",
             "hostile yaml tag", "alias bomb")
#: Shares of the class: students with every answer right; the rest are mixed.
RIGHT_SHARE = 0.3
MALFORMED_SHARE = 0.06
#: What a mixed student does with an item they do not get right.
WRONG_CHOICES = (("mistake", 0.45), ("unrecognised", 0.30), ("unreadable", 0.10),
                 ("missing", 0.15))
#: Unrecognised wrong answers that are the item's shared wrong value, so
#: clusters of identical unrecognised answers appear as in a real class.
SHARED_WRONG_SHARE = 0.6
UNREADABLE = ("no idea", "lots of them", "?? not sure", "see my notes")
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
FIRST_NAMES = ("Ada", "Alan", "Grace", "Zoë", "Sean", "Nguyễn Thị", "Amara", "José", "Li", "Émile",
               "Siobhán", "Kwame", "Yuki", "Olga", "Ravi", "Fatima")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "O'Brien", "Mai", "Okafor", "García", "Wei",
              "Durand", "Smith, Jr.", "Mensah", "Tanaka", "Petrova", "Iyer", "Haddad")


@dataclass(frozen=True)
class SyntheticExport:
    """An export's files (relative path -> bytes; a path ending in "/" is an
    empty folder) and what each submission was made to be, for tests; for a
    spec with a family, also each submission's own variant (None: no email),
    the variant its sheet was filled for, and the variant a shared key
    came from."""

    files: dict[str, bytes]
    profiles: dict[str, str]
    variants: dict[str, int | None] = field(default_factory=dict)
    filled_for: dict[str, int | None] = field(default_factory=dict)


def generate(count: int, seed: int, spec: Spec | None = None) -> SyntheticExport:
    """`count` submissions, the same for the same seed."""
    spec = spec or load_spec(DEFAULT_SPEC)
    prepared = load_or_prepare(spec)
    solved = load_sheet(SOLVED, root=SOLVED.parent).answers
    rng = random.Random(seed)
    ids = sorted(rng.sample(range(100_000_000, 1_000_000_000), count))
    malformed_slots = rng.sample(range(count), min(count // 5, max(len(MALFORMED),
                                                                    round(count * MALFORMED_SHARE))))
    malformed = {slot: MALFORMED[n % len(MALFORMED)] for n, slot in enumerate(sorted(malformed_slots))}
    possible = sum(item.max_score for item in spec.items)
    class_ = _Class(spec, count, set(malformed), rng) if spec.family is not None else None
    files: dict[str, bytes] = {}
    profiles: dict[str, str] = {}
    metadata = ["---"]
    for slot, submission_id in enumerate(ids):
        folder = f"submission_{submission_id}"
        if slot in malformed:
            profile = malformed[slot]
            files.update({f"{folder}/{name}": data for name, data in
                          _broken_upload(profile, solved, rng).items()})
            previous = 0.0
        else:
            profile = class_.roles.get(slot) if class_ is not None else None
            if profile is None:
                profile = RIGHT if rng.random() < RIGHT_SHARE else MIXED
            skill = 1.0 if profile in (RIGHT, NO_EMAIL, NEIGHBOURS_SHEET) else rng.uniform(0.3, 0.95)
            if class_ is None:
                answers = _student_sheet(spec, prepared, solved, skill, rng)
            else:
                answers = class_.sheet(slot, profile, skill, solved, rng)
            name = rng.choice(("answers.yaml", "answers.yaml", "answers.yaml", "answers.yml",
                               "HW3/answers.yaml"))
            files[f"{folder}/{name}"] = render_sheet(answers).encode("utf-8")
            previous = (possible if profile in (RIGHT, NO_EMAIL)
                        else rng.randrange(int(2 * possible) + 1) / 2)
        profiles[str(submission_id)] = profile
        metadata += _metadata_entry(folder, slot, previous, spec, rng,
                                    with_email=profile != NO_EMAIL)
    files["submission_metadata.yml"] = ("\n".join(metadata) + "\n").encode("utf-8")
    if class_ is None:
        return SyntheticExport(files, profiles)
    return SyntheticExport(files, profiles,
                           {str(ids[slot]): None if class_.roles.get(slot) == NO_EMAIL
                            else class_.own(slot) for slot in range(count)
                            if slot not in malformed},
                           {str(ids[slot]): class_.filled_for.get(slot, class_.own(slot))
                            for slot in range(count) if slot not in malformed})


def student_email(slot: int, person: int = 0) -> str:
    """The email of a synthetic student; the first person's draws a
    group's variant (it is the alphabetically first)."""
    return f"student{slot}.{person}@example.edu"


class _Class:
    """A class of a spec with a family: each slot's own variant (from its
    email), every variant's spec and references, and who plays which of
    the family's roles (a neighbour's sheet, the sharing pair, no email)."""

    def __init__(self, spec: Spec, count: int, malformed: set[int], rng: random.Random):
        self.spec = spec
        self.variants = {variant.variant.number: (variant, load_or_prepare(variant))
                         for variant in every_variant(spec)[1:]}
        self.count = len(self.variants)
        self.roles: dict[int, str] = {}
        self.filled_for: dict[int, int | None] = {}
        #: The sharing pair's source variant, and its key as they copied it
        #: (item number -> text), filled when the first of them is written.
        self.source: int | None = None
        self.shared_key: dict[str, str | None] = {}
        slots = [slot for slot in range(count) if slot not in malformed]
        rng.shuffle(slots)
        if len(slots) >= 10:
            no_email = slots.pop()
            self.roles[no_email] = NO_EMAIL
            self.filled_for[no_email] = None
        for slot in slots[:max(2, round(count * NEIGHBOURS_SHARE))]:
            self.roles[slot] = NEIGHBOURS_SHEET
            self.filled_for[slot] = self._neighbour(slot)
        rest = slots[max(2, round(count * NEIGHBOURS_SHARE)):]
        first = rest[0] if rest else None
        second = next((slot for slot in rest[1:] if self.own(slot) != self.own(first)), None)
        if second is not None and self.count >= 3:
            self.source = next(n for n in range(1, self.count + 1)
                               if n not in (self.own(first), self.own(second)))
            for slot in (first, second):
                self.roles[slot] = SHARED
                self.filled_for[slot] = self.source

    def own(self, slot: int) -> int:
        return self.spec.family.variant_for(student_email(slot)).number

    def _neighbour(self, slot: int) -> int:
        """The variant of the next student whose variant differs from this one's."""
        own = self.own(slot)
        for other in range(slot + 1, slot + 1 + 4 * self.count):
            if self.own(other) != own:
                return self.own(other)
        return own % self.count + 1

    def sheet(self, slot: int, profile: str, skill: float, solved: dict,
              rng: random.Random) -> dict:
        if profile == NO_EMAIL:
            return _student_sheet(self.spec, load_or_prepare(self.spec), solved, 1.0, rng)
        own = self.own(slot)
        spec, prepared = self.variants[own]
        if profile == SHARED:
            answers = _skeleton(spec, solved)
            source_spec, source_prepared = self.variants[self.source]
            copied = {item.number: item for item in source_spec.items if item.graded}
            for item in spec.items:
                if item.graded:
                    original = copied.get(item.number)
                    if original is not None and item.number not in self.shared_key:
                        self.shared_key[item.number] = _answer(original, source_prepared,
                                                               "right", rng)
                    _set(answers, item.key, self.shared_key.get(item.number))
            return {VARIANT_KEY: str(own), **answers}
        written_for = self.filled_for.get(slot, own)
        spec, prepared = self.variants[written_for]
        answers = _student_sheet(spec, prepared, _skeleton(spec, solved), skill, rng)
        if profile == NEIGHBOURS_SHEET or rng.random() < VARIANT_LINE_SHARE:
            return {VARIANT_KEY: str(written_for), **answers}
        return answers


# --------------------------------------------------------------------------
# Sheets


def _student_sheet(spec: Spec, prepared: Prepared, solved: dict, skill: float,
                   rng: random.Random) -> dict:
    answers = copy.deepcopy(solved)
    for item in spec.items:
        if not item.graded:  # written answers are sometimes left blank
            if item.kind == "written" and rng.random() > skill and rng.random() < 0.5:
                _set(answers, item.key, None)
            continue
        if rng.random() < skill:
            choice = "right"
        else:
            roll, choice = rng.random(), WRONG_CHOICES[-1][0]
            for name, share in WRONG_CHOICES:
                if roll < share:
                    choice = name
                    break
                roll -= share
        _set(answers, item.key, _answer(item, prepared, choice, rng))
    return answers


def _skeleton(variant: Spec, solved: dict) -> dict:
    """A variant's sheet in its template's order (its keys follow its own
    sizes): the solved sheet's written answers, graded answers left to set."""
    answers: dict = {}
    for item in variant.items:
        _set(answers, item.key, None if item.graded else _get(solved, item.key))
    return answers


def _get(answers: dict, dotted_key: str):
    node = answers
    for part in dotted_key.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _answer(item: Item, prepared: Prepared, choice: str, rng: random.Random) -> str | None:
    if choice == "missing":
        return None
    if choice == "unreadable":
        return rng.choice(UNREADABLE)
    entry = prepared.item(item.key)
    if item.kind == "big_o":
        return _big_o_answer(entry.growth, choice, rng)
    values = [c.value for c in entry.candidates]
    reference = entry.candidates[0].value
    if choice == "mistake":
        mistakes = [c.value for c in entry.candidates if not c.is_reference
                    and not c.name.startswith("variant")]
        if mistakes:
            return _notation(item.kind, rng.choice(mistakes), rng)
        choice = "unrecognised"
    if choice == "unrecognised":
        wrong = _wrong_values(item.kind, reference, values)
        value = wrong[0] if rng.random() < SHARED_WRONG_SHARE else rng.choice(wrong)
        return _notation(item.kind, value, rng)
    return _notation(item.kind, reference, rng)


def _wrong_values(kind: str, reference, known: list) -> list:
    """Values near the reference that match no candidate; the first is the
    item's shared wrong value."""
    if kind == "shape":
        options = [tuple(v + 2 for v in reference), tuple(v * 3 for v in reference),
                   reference[:1] + tuple(v + 1 for v in reference[1:])]
    elif kind == "ratio":
        options = [reference * 3, reference / 5 + 1, reference * Fraction(7, 2)]
    else:
        options = [reference * 3, reference + 1, reference * 10 + 7]
    return [value for value in options if not any(_close(value, other) for other in known)]


def _close(value, other) -> bool:
    if isinstance(value, tuple) or isinstance(other, tuple):
        return value == other
    return abs(value - other) <= abs(other) / 20


def _big_o_answer(growth, choice: str, rng: random.Random) -> str:
    if choice == "mistake":  # a true bound that is not tight
        growth = type(growth)(growth.size_exp + 1, growth.kernel_exp)
    elif choice == "unrecognised":
        return rng.choice(("O(log N)", "O(N^9)", "O(2^N)"))
    text = growth.render("side")
    style = rng.randrange(3)
    if style == 1:
        text = text.replace("^", "**")
    elif style == 2:
        text = re.sub(r"\^(\d)", lambda m: "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(m.group(1))], text)
    return text.replace("O(", "Θ(") if rng.random() < 0.2 else text


def _notation(kind: str, value, rng: random.Random) -> str:
    """`value` written as some student would write it (a shape item's
    candidate may be a count of entries, written as a number)."""
    if isinstance(value, tuple):
        parts = [str(int(v)) for v in value]
        style = rng.randrange(6)
        if style == 4:
            return "(" + ", ".join(parts) + ")"
        if style == 5:
            return "[" + ", ".join(parts) + "]"
        return (" x ", "x", " × ", " by ")[style].join(parts)
    if kind == "ratio":
        return _ratio_notation(Fraction(value), rng)
    return _number_notation(int(value), rng)


def _number_notation(value: int, rng: random.Random) -> str:
    style = rng.randrange(6)
    if style == 1:
        return f"{value:,}"
    if style == 2 and value >= 1000:
        return f"{value:,}".replace(",", " ")
    if style == 3 and value >= 10:
        digits = str(value).rstrip("0")
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{mantissa} x 10^{len(str(value)) - 1}"
    if style == 4:
        factor = next((f for f in range(2, 100) if value % f == 0 and value // f > 1), None)
        if factor:
            return f"{factor} * {value // factor} = {value}"
    if style == 5:
        return f"{value} in total"
    return str(value)


def _ratio_notation(value: Fraction, rng: random.Random) -> str:
    if value == 1:
        return rng.choice(("1", "same (1x)", "1x", "same"))
    shown = _significant(value, 4)
    return rng.choice((shown, f"{shown}x", f"~{shown} times", f"{shown}x faster",
                       f"{value.numerator}/{value.denominator}"))


def _significant(value: Fraction, digits: int) -> str:
    """Fixed-point text with `digits` significant digits (never 1e+04)."""
    exponent = math.floor(math.log10(abs(float(value))))
    text = f"{float(value):.{max(0, digits - 1 - exponent)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _set(answers: dict, dotted_key: str, value) -> None:
    *parents, last = dotted_key.split(".")
    node = answers
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


_PLAIN_SAFE = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`~][^\n]*")


def render_sheet(answers: dict) -> str:
    """The nested answers as a YAML sheet, plain scalars where YAML allows
    them (as a student types `784`, not `'784'`), multi-line text as `|`."""
    lines = ["# HW3 answer sheet"]
    _emit(answers, 0, lines)
    return "\n".join(lines) + "\n"


def _emit(mapping: dict, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _emit(value, depth + 1, lines)
        elif value is None:
            lines.append(f"{pad}{key}:")
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: [{', '.join(_scalar(str(v)) for v in value)}]")
        elif "\n" in value.rstrip("\n"):
            lines.append(f"{pad}{key}: |")
            lines += [f"{pad}  {line}" if line else "" for line in value.rstrip("\n").split("\n")]
        else:
            lines.append(f"{pad}{key}: {_scalar(value.strip())}")


def _scalar(text: str) -> str:
    plain = (_PLAIN_SAFE.fullmatch(text) and ": " not in text and " #" not in text
             and not text.endswith((":", " ")) and text.lower() != "null")
    return text if plain else json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------
# Broken uploads


def _broken_upload(kind: str, solved: dict, rng: random.Random) -> dict[str, bytes]:
    text = render_sheet(solved)
    if kind == "yaml syntax error":
        broken = text.replace("\n  b: ", "\n\tb: ", 1) if rng.random() < 0.5 else \
            text.replace("q4: ", 'q4: "unclosed quote ', 1)
        return {"answers.yaml": broken.encode("utf-8")}
    if kind == "binary file":
        return {"answers.yaml": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(64))}
    if kind == "empty folder":
        return {"": b""}
    if kind == "wrong file name":
        return {rng.choice(("answers.yaml.txt", "my_answers.yaml", "hw3.yml")): text.encode("utf-8")}
    if kind == "hostile yaml tag":
        hostile = text.replace("q4: ", 'q4: !!python/object/apply:os.system ["echo pwned"]\nq5: ', 1)
        return {"answers.yaml": hostile.encode("utf-8")}
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 9)]
    return {"answers.yaml": (text + "\n".join(levels) + "\n").encode("utf-8")}


# --------------------------------------------------------------------------
# Metadata, as Gradescope writes it


def _metadata_entry(folder: str, slot: int, previous: float, spec: Spec,
                    rng: random.Random, with_email: bool = True) -> list[str]:
    """A submission's metadata; without `with_email` its students' emails
    are blank (a student the instructor added by name only)."""
    people = 2 if rng.random() < 0.1 else 1
    lines = [f"{folder}:", "  :submitters:"]
    for person in range(people):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        sid = f"{10_000_000 + 7 * slot + person}"
        email = student_email(slot, person) if with_email else "''"
        lines += [f"  - :name: {json.dumps(name, ensure_ascii=False)}", f"    :sid: '{sid}'",
                  f"    :email: {email}"]
    minute, second = divmod(slot * 37, 60)
    lines.append(f"  :created_at: 2025-10-0{1 + slot % 7} {10 + minute // 60 % 12}:{minute % 60:02d}:"
                 f"{second:02d}.{slot:06d}000 Z")
    if rng.random() < 0.3:  # how Rails dumps a decimal column
        mantissa = format_big_decimal(previous)
        lines.append(f"  :score: !ruby/object:BigDecimal 18:{mantissa}")
    else:
        lines.append(f"  :score: {previous}")
    lines += ["  :status: processed", "  :results: !ruby/hash:ActiveSupport::HashWithIndifferentAccess",
              f"    score: {previous}", "    tests:"]
    for item in spec.items:
        lines.append(f"    - {{name: {json.dumps(item.number + ' ' + item.name)}, "
                     f"number: '{item.number}', max_score: {item.max_score}}}")
    lines.append("  :history: []")
    return lines


def format_big_decimal(value: float) -> str:
    """Ruby's BigDecimal#_dump digits: 42.5 -> 0.425E2, 0 -> 0.0."""
    if value == 0:
        return "0.0"
    digits, exponent = f"{value:.10e}".split("e")
    digits = digits.replace(".", "").rstrip("0") or "0"
    return f"0.{digits}E{int(exponent) + 1}"


# --------------------------------------------------------------------------
# Writing


def write_export(export: SyntheticExport, out: Path) -> None:
    """A zip (wrapped in one folder, as Gradescope's download is) when `out`
    ends in .zip, otherwise the unpacked folder."""
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        root = f"{out.stem}/"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
            for path in sorted(export.files):
                info = zipfile.ZipInfo(root + path, ZIP_DATE)
                if path.endswith("/"):
                    info.external_attr = (0o40755 << 16) | 0x10
                    bundle.writestr(info, b"")
                else:
                    info.external_attr = 0o100644 << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    bundle.writestr(info, export.files[path])
        return
    for path, data in sorted(export.files.items()):
        target = out / path
        if path.endswith("/"):
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: list[str] | None = None, prog: str = "autograder synthetic") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Write a synthetic Gradescope export.")
    parser.add_argument("out", type=Path, help="OUT.zip, or a folder")
    parser.add_argument("--count", type=int, default=200, help="submissions (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC,
                        help="assignment spec (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    export = generate(args.count, args.seed, load_spec(args.spec))
    write_export(export, args.out)
    print(f"Wrote {args.count} submissions to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
