"""Answer sheets written from a spec: the blank template students fill in,
and a solved sample for demos and tests.

    python -m autograder.assignment.sheet_templates template [--spec SPEC] [--output FILE]
    python -m autograder.assignment.sheet_templates solved   [--spec SPEC] [--output FILE]
    ... template --spec SPEC --student EMAIL    (or --variant N): one student's own sheet

Both follow the spec, so a new term's variant gets its own sheet with the
right keys, sizes and comments without hand editing. The template carries no
reference value: its notation examples use numbers that are no answer
(tests/test_leaks.py checks this against every value the grader accepts,
in every variant of a family: 12 x 12 is the output of a 24 x 24 input at
stride 2, so the examples avoid it).

When the spec has a family (every student their own numbers), --student
or --variant writes the sheet of that student's variant: it opens with
their numbers and records the variant (`variant: 7`), so that the grader
notices a sheet filled for someone else's numbers. Without either, the
course-wide template says that every student has their own numbers and how
to get their own sheet (`python check.py --email you@school.edu`).

A padding question whose configuration pads unevenly has one blank per side
(see `per_side_when_uneven` in the spec), so the template asks exactly what
the configuration has.
"""
from __future__ import annotations

import argparse
import textwrap
from fractions import Fraction
from pathlib import Path

from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.spec import DEFAULT_SPEC, Item, Spec, load_spec, spec_for_student, variant_spec
from autograder.submission.submitter import NotAnEmail
from autograder.text_output import write_or_print

_HEADER = """\
# {assignment} -- answer sheet
#
# Fill in the blanks after each colon and submit this file as answers.yaml
# (or answers.yml). Do NOT write your name anywhere in it.
#
# How answers are read (the numbers in these examples are NOT answers):
#   numbers     17   43,210   43 210   4.3e4   6.5 x 10^3   17*17   6^2 * 5   6²
#               you may show work: 17*17 = 289 (the value after the last = is graded)
#               and add words after the number: 289 weights, 2 pixels on each side
#   shapes      20x20   20 × 20   20 by 20   (20, 20)   [20, 20]   20x20x5
#               a Jacobian may be written outputs x weights, weights x outputs,
#               or as a tensor (output dims then weight dims): 3x3x5x2 is 9 x 10
#   Big-O       O(N^5)   O(N**5)   O(N⁵)   Θ(n log n)   O(n^5 k^3)
#               use one letter for the input size and k for the kernel side,
#               and say in {variable_key} what your letter means
#   ratios      a number (17.5, 17.5x faster, ~17 times, same) or a growth (O(N^5))
#   written     after `|`, on the following lines, indented by two spaces:
#                 a: |
#                   My first sentence. My second sentence.
#
# Leave a blank empty if you do not know; never delete a key.
# Check how your answers are read before submitting:  python check.py answers.yaml
"""
#: Added to the header of a family's course-wide template: it is nobody's sheet.
_FAMILY_NOTE = """\
#
# Every student has their own numbers in this homework (the layer's sizes),
# drawn from their email. Get your own answer sheet, with your numbers at its
# top, and answer for those numbers:
#     python check.py --email you@school.edu
# A sheet filled for other numbers earns no credit."""
_COMMENT_COLUMN = 26
_WIDTH = 88
_WRITTEN_KINDS = ("written", "feedback")


def template(spec: Spec) -> str:
    """The blank sheet: every item's key in spec order, grouped as nested
    YAML mappings, with the spec's prompts and section notes as comments."""
    lines = _HEADER.format(assignment=spec.assignment, variable_key=spec.variable_key).splitlines()
    if spec.family is not None and spec.variant is None:
        lines += _FAMILY_NOTE.splitlines()
    return _render(spec, lines + _variant_lines(spec), lambda item: None)


def solved(spec: Spec, prepared) -> str:
    """A sheet with every computable answer taken from the proved references
    (Big-O in the image side) and placeholder text for written answers."""
    lines = [f"# {spec.assignment} -- a solved sheet generated from the references",
             "# (for demos and tests; never hand it out before the deadline)."]
    return _render(spec, lines + _variant_lines(spec), lambda item: _answer(item, prepared))


def numbers_line(spec: Spec) -> str:
    """`Your numbers (variant 7 of 24): input 24 x 24 x 3, ...`: what a
    student's sheet and self-check (check.py, from items.json) say first."""
    return f"Your numbers ({_which(spec)}): {numbers_words(spec)}"


def numbers_words(spec: Spec) -> str:
    """`input 24 x 24 x 3, kernel 5 x 5, ...`: a variant's numbers in words.
    Only the layer's givens, which the homework states for every student;
    no answer."""
    return spec.numbers.removesuffix(f" ({_which(spec)})")


def _which(spec: Spec) -> str:
    return f"{spec.variant.label} of {len(spec.family.variants)}"


def _variant_lines(spec: Spec) -> list[str]:
    """For one variant's sheet: the student's numbers, and the sheet's
    record of its variant (which the grader and the self-check compare with
    the submitter's); nothing for any other sheet."""
    if spec.variant is None:
        return []
    lines = ["", *_comment_above("", numbers_line(spec))]
    lines += _line(f"{VARIANT_KEY}: {spec.variant.number}",
                   "the numbers this sheet is for: do not change it")
    return lines


def _render(spec: Spec, lines: list[str], answer_of) -> str:
    opened: list[str] = []
    for item in spec.items:
        parts = item.key.split(".")
        common = 0
        while common < min(len(opened), len(parts) - 1) and opened[common] == parts[common]:
            common += 1
        opened = opened[:common]
        for depth in range(common, len(parts) - 1):
            prefix = ".".join(parts[:depth + 1])
            if depth == 0 and lines[-1]:
                lines.append("")
            lines += _line("  " * depth + f"{parts[depth]}:", spec.sections.get(prefix, ""))
            opened.append(parts[depth])
        indent = "  " * (len(parts) - 1)
        answer = answer_of(item)
        if item.kind in _WRITTEN_KINDS:
            prompt = item.prompt
            if item.sentences:
                prompt = f"({item.sentences[0]}-{item.sentences[1]} sentences) {prompt}"
            lines += _comment_above(indent, prompt)
            lines.append(f"{indent}{parts[-1]}: |")
            lines.append(f"{indent}  {answer}" if answer else "")
        else:
            key = f"{indent}{parts[-1]}:" + (f" {answer}" if answer else "")
            lines += _line(key, item.prompt)
    return "\n".join(lines) + "\n"


def _line(text: str, comment: str) -> list[str]:
    """`key:  # comment` when it fits on a line, else the comment above."""
    if not comment:
        return [text]
    inline = f"{text.ljust(_COMMENT_COLUMN - 1)} # {comment}"
    if len(inline) <= _WIDTH:
        return [inline]
    indent = text[:len(text) - len(text.lstrip())]
    return _comment_above(indent, comment) + [text]


def _comment_above(indent: str, comment: str) -> list[str]:
    if not comment:
        return []
    return textwrap.wrap(comment, _WIDTH, initial_indent=f"{indent}# ",
                         subsequent_indent=f"{indent}# ")


def _answer(item: Item, prepared) -> str:
    if item.kind == "variable":
        return "N = the side of the image"
    if item.kind in _WRITTEN_KINDS:
        low = item.sentences[0] if item.sentences else 1
        return " ".join(f"Placeholder sentence {n + 1}." for n in range(low))
    entry = prepared.item(item.key)
    if item.kind == "big_o":
        return entry.growth.render("side")
    reference = next(c for c in entry.candidates if c.is_reference)
    if isinstance(reference.value, tuple):
        return " x ".join(str(int(v)) for v in reference.value if v != 1) or "1"
    return _number(reference.value)


def _number(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def main(argv: list[str] | None = None, prog: str = "autograder sheet") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=("template", "solved"))
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="assignment spec (YAML)")
    whose = parser.add_mutually_exclusive_group()
    whose.add_argument("--student", metavar="EMAIL",
                       help="the sheet of this student's variant (a spec with a family)")
    whose.add_argument("--variant", type=int, metavar="N", help="the sheet of variant N (from 1)")
    parser.add_argument("--output", type=Path, help="write here instead of stdout")
    args = parser.parse_args(argv)
    spec = _whose_spec(parser, load_spec(args.spec), args.student, args.variant)
    if args.which == "template":
        text = template(spec)
    else:
        from autograder.assignment.prepared import load_or_prepare

        text = solved(spec, load_or_prepare(spec))
    return write_or_print(text, args.output, prog)


def _whose_spec(parser: argparse.ArgumentParser, spec: Spec, student: str | None,
                variant: int | None) -> Spec:
    """The spec of the student's or numbered variant, or `spec` itself when
    neither is asked; asking either of a spec without a family, a malformed
    email or a variant the family does not have is a usage error."""
    if student is None and variant is None:
        return spec
    if spec.family is None:
        parser.error(f"{spec.path.name} has no family: every student has the same numbers, so "
                     "there is no student's own sheet (leave out --student and --variant)")
    if student is not None:
        try:
            return spec_for_student(spec, student)
        except NotAnEmail as error:
            parser.error(f"--student: {error}")
    if not 1 <= variant <= len(spec.family.variants):
        parser.error(f"--variant: the family of {spec.path.name} has variants 1 to "
                     f"{len(spec.family.variants)}")
    return variant_spec(spec, variant)


if __name__ == "__main__":
    raise SystemExit(main())
