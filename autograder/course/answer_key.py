"""The answer key for an assignment spec, as Markdown for TAs.

    python -m autograder.course.answer_key [--spec specs/hw3.yaml] [--output FILE]
                                           [--variant N | --student EMAIL | --variants]

Every number is instantiated from the formulas in `solutions/`; the formulas
themselves are printed beside them so the key can be checked by hand.

When the spec gives every student their own numbers (a `family`), the key
is one variant's: `--variant N`, or `--student EMAIL` for the variant that
student draws. `--variants` prints one table of every variant: its settings
and each item's reference. Without either, the key is the base
configuration's (what a submission without a usable email is graded
against), and says so.
"""
from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

import sympy as sp

from autograder.assignment.references import expectations, growth_reference
from autograder.assignment.spec import DEFAULT_SPEC, Spec, SpecError, load_spec, variant_spec
from autograder.assignment.family import insert_in_order
from autograder.submission.submitter import NotAnEmail, normalized_email
from autograder.text_output import write_or_print
from solutions.facts import CUTOUT
from solutions.growth import growth_in_side
from solutions.layers import LAYER_NAMES, Config, quantities, symbolic_quantities
from solutions.pooling import pooling_facts

LAYER_TITLES = {"standard": "standard conv", "non_weight_sharing": "non-weight-sharing",
                "fully_connected": "fully-connected"}


def render(spec: Spec) -> str:
    lines = [f"# Answer key: {spec.assignment}", "",
             f"Spec `{spec.path.name}` (sha256 {spec.digest[:12]}). Every value below is "
             "a formula of `solutions/` instantiated for the configuration.", ""]
    lines += _which_variant(spec)
    lines += _configurations(spec)
    for name, config in spec.configurations.items():
        lines += _layer_table(name, config)
    lines += _growth(spec)
    lines += _speed_ups(spec)
    lines += _items(spec)
    lines += _facts(spec)
    return "\n".join(lines) + "\n"


def _which_variant(spec: Spec) -> list[str]:
    """For a spec with a family: whose numbers this key holds, and how to
    get the others'."""
    family = spec.family
    if family is None:
        return []
    others = ("`autograder key --student EMAIL` (or `--variant N`) prints one student's key; "
              "`autograder key --variants` tables every variant's references.")
    if spec.variant is None:
        return [f"**The base configuration's key, not a student's.** This spec gives every "
                f"student their own numbers ({len(family.variants)} variants, drawn from their "
                "email): these are the numbers of the spec as written, which grade only a "
                f"submission without a usable email. {others}", ""]
    return [f"**{spec.variant.label.capitalize()} of {len(family.variants)}:** "
            f"{spec.variant.settings()}, the numbers of every student whose email draws it. "
            f"{others}", ""]


def variants_table(spec: Spec) -> str:
    """Every variant of the spec's family on one row: its settings and each
    graded item's reference (items whose reference is the same in every
    variant are listed once, above the table)."""
    family = spec.family
    specs = [variant_spec(spec, variant.number) for variant in family.variants]
    references: list[dict[str, str]] = []
    names: dict[str, str] = {}
    order: list[str] = []
    for variant in specs:
        row = {}
        previous = None
        for item in variant.items:
            if not item.graded:
                continue
            row[item.number] = _reference_text(variant, item)
            names.setdefault(item.number, item.name)
            if item.number not in order:
                insert_in_order(order, item.number, previous)
            previous = item.number
        references.append(row)
    fixed = [number for number in order
             if len({row.get(number) for row in references}) == 1]
    varying = [number for number in order if number not in fixed]
    fields = [name for name, _ in family.vary]
    lines = [f"# Answer keys of every variant: {spec.assignment}", "",
             f"Spec `{spec.path.name}` (sha256 {spec.digest[:12]}): {len(specs)} variants, "
             f"each student's drawn from their email and the salt. One row per variant; "
             "`autograder key --variant N` gives a variant's whole key (accepted variants, "
             "recognised mistakes, formulas).", ""]
    if fixed:
        lines += ["The same in every variant: " + "; ".join(
            f"{number} {references[0][number]}" for number in fixed) + ".", ""]
    lines += ["| variant | " + " | ".join(fields) + " | " + " | ".join(varying) + " |",
              "|---:|" + "---|" * len(fields) + "---:|" * len(varying)]
    for variant, row in zip(family.variants, references):
        values = dict(variant.values)
        lines.append(f"| {variant.number} | " + " | ".join(str(values[f]) for f in fields) + " | "
                     + " | ".join(row.get(number, "—") for number in varying) + " |")
    lines += ["", "Items: " + "; ".join(f"{number} {names[number]}" for number in order)
              + " (sizes in a name are the first variant's).", ""]
    return "\n".join(lines)


def _reference_text(spec: Spec, item) -> str:
    """An item's reference, compact: 24 × 24, 5,184, 784/9 ≈ 87.1, O(N^2)."""
    if item.kind == "big_o":
        return growth_reference(spec, item)[0].render("side")
    return _show(expectations(spec, item)[0].value)


def _configurations(spec: Spec) -> list[str]:
    rows = ["## Configurations", "",
            "| name | input | kernel | stride | padding | output channels |",
            "|---|---|---|---|---|---|"]
    for name, c in spec.configurations.items():
        rows.append(f"| {name} | {c.height}×{c.width}×{c.in_channels} | {c.kernel_h}×{c.kernel_w} "
                    f"| {c.stride_h}×{c.stride_w} | {c.padding} | {c.out_channels} |")
    return rows + [""]


def _layer_table(name: str, config: Config) -> list[str]:
    values = quantities(config)
    formulas = symbolic_quantities(config.padding)
    rows = [f"## {name}: {config.height}×{config.width}×{config.in_channels} input, "
            f"{config.kernel_h}×{config.kernel_w} kernel, {config.padding}", "",
            f"Output {values['output_height']}×{values['output_width']}×{values['output_channels']}"
            f" (flattened {values['flattened_length']:,}); padding top/bottom "
            f"{values['pad_top']}/{values['pad_bottom']}, left/right "
            f"{values['pad_left']}/{values['pad_right']}.", "",
            "| quantity | " + " | ".join(LAYER_TITLES.values()) + " | formula (standard / fully-connected) |",
            "|---|---|---|---|---|"]
    for quantity, title in (("weights", "weights"), ("biases", "biases"),
                            ("multiplications", "multiplications"),
                            ("real_multiplications", "… against real pixels"),
                            ("jacobian_entries", "dz/dW entries"),
                            ("jacobian_nonzero", "dz/dW structurally non-zero")):
        cells = [f"{values[f'{layer}.{quantity}']:,}" for layer in LAYER_NAMES]
        if quantity == "weights":
            cells = [f"{c} ({values[f'{layer}.weights'] + values[f'{layer}.biases']:,} with biases)"
                     for c, layer in zip(cells, LAYER_NAMES)]
        shown = [_formula(formulas[f"{layer}.{quantity}"]) for layer in ("standard", "fully_connected")]
        rows.append(f"| {title} | " + " | ".join(cells) + f" | {shown[0]} / {shown[1]} |")
    matrix = [f"{values[f'{layer}.jacobian_rows']:,} × {values[f'{layer}.jacobian_cols']:,}"
              for layer in LAYER_NAMES]
    tensor = ["×".join(map(str, values[f"{layer}.jacobian_tensor_shape"])) for layer in LAYER_NAMES]
    with_bias = [f"{values[f'{layer}.jacobian_rows']:,} × {values[f'{layer}.jacobian_cols_with_bias']:,}"
                 for layer in LAYER_NAMES]
    rows.append("| dz/dW matrix (outputs × weights) | " + " | ".join(matrix) + " | |")
    rows.append("| dz/dW with biases | " + " | ".join(with_bias) + " | |")
    rows.append("| dz/dW tensor (output dims + weight dims) | " + " | ".join(tensor) + " | |")
    return rows + [""]


def _formula(expr) -> str:
    if expr.has(sp.Sum):
        return "Σ over outputs of taps on real pixels"
    return f"`{sp.sstr(expr)}`"


def _growth(spec: Spec) -> list[str]:
    padding = spec.configurations[spec.growth_configuration].padding
    rows = ["## Growth as the input side N grows (n = N² pixels)", "",
            "| count | " + " | ".join(LAYER_TITLES.values()) + " |", "|---|---|---|---|"]
    for quantity, title in (("multiplications", "multiplications"),
                            ("jacobian_entries", "dz/dW entries")):
        cells = []
        for layer in LAYER_NAMES:
            growth = growth_in_side(f"{layer}.{quantity}", padding)
            cells.append(f"{growth.render('side')} = {growth.render('pixels')}")
        rows.append(f"| {title} | " + " | ".join(cells) + " |")
    rows.append("")
    sides = sorted({c.height for c in spec.configurations.values()
                    if c.padding == padding and c.kernel_h == spec.configurations[
                        spec.growth_configuration].kernel_h})
    configs = [c for c in spec.configurations.values() if c.height in sides and c.padding == padding
               and c.in_channels == spec.configurations[spec.growth_configuration].in_channels]
    if len(configs) > 1:
        rows += ["| side | " + " | ".join(f"{LAYER_TITLES[l]} mults" for l in LAYER_NAMES)
                 + " | " + " | ".join(f"{LAYER_TITLES[l]} dz/dW" for l in LAYER_NAMES) + " |",
                 "|---" * 7 + "|"]
        previous = None
        for config in sorted(configs, key=lambda c: c.height):
            values = quantities(config)
            cells = []
            for quantity in ("multiplications", "jacobian_entries"):
                for layer in LAYER_NAMES:
                    value = values[f"{layer}.{quantity}"]
                    factor = (f" (×{Fraction(value, previous[f'{layer}.{quantity}'])})"
                              if previous else "")
                    cells.append(f"{value:,}{factor}")
            rows.append(f"| {config.height} | " + " | ".join(cells) + " |")
            previous = values
        rows.append("")
    return rows


def _speed_ups(spec: Spec) -> list[str]:
    """How many times more work each layer does than the convolution, at the
    base configuration and as the side grows."""
    base = spec.configurations[spec.growth_configuration]
    values = quantities(base)
    rows = [f"## Speed-ups of the convolution ({base.height}×{base.width} input)", "",
            "| pass | compared | non-weight-sharing / standard | fully-connected / standard |",
            "|---|---|---|---|"]
    for title, quantity in (("forward", "multiplications"), ("backward", "jacobian_entries")):
        cells = []
        for layer in ("non_weight_sharing", "fully_connected"):
            ratio = Fraction(values[f"{layer}.{quantity}"], values[f"standard.{quantity}"])
            growth = growth_in_side(f"{layer}.{quantity}", base.padding) / growth_in_side(
                f"standard.{quantity}", base.padding)
            cells.append(f"{_show(ratio)}× (grows as {growth.render('side')})")
        compared = "multiplications" if title == "forward" else "dz/dW sizes"
        rows.append(f"| {title} | {compared} | " + " | ".join(cells) + " |")
    return rows + [""]


def _items(spec: Spec) -> list[str]:
    extras = [item.number for item in spec.items if item.graded and not item.for_credit]
    rows = ["## Graded items", "",
            f"Total {spec.max_score:g} points"
            + (f"; not for credit (graded and shown, 0 points): {', '.join(extras)}." if extras else "."),
            f"Students see their total: {spec.total_visibility}.", "",
            "| # | key | points | reference | accepted variants | recognised mistakes |",
            "|---|---|---|---|---|---|"]
    for item in spec.items:
        if not item.graded:
            continue
        points = f"{item.max_score:g}" if item.for_credit else f"0 (not for credit; {item.points:g} if it were)"
        if item.kind == "big_o":
            growth, _ = growth_reference(spec, item)
            rows.append(f"| {item.number} | `{item.key}` | {points} | {growth.render('side')} = "
                        f"{growth.render('pixels')} | | loose bound: partial; "
                        "Ω or too low: none |")
            continue
        found = expectations(spec, item)
        reference = _show(found[0].value)
        if item.kind == "ratio":
            growth, _ = growth_reference(spec, item)
            reference += f" (growth {growth.render('side')})"
        variants = ", ".join(_show(e.value) for e in found[1:] if e.credit == 1 and e.name.startswith("variant"))
        mistakes = ", ".join(f"{_show(e.value)} ({e.name}, {e.credit:g})" for e in found[1:]
                             if not e.name.startswith("variant"))
        rows.append(f"| {item.number} | `{item.key}` | {points} | {reference} | {variants} | {mistakes} |")
    return rows + [""]


def _show(value) -> str:
    if isinstance(value, tuple):
        return " × ".join(f"{int(v):,}" for v in value)
    if value.denominator == 1:
        return f"{int(value):,}"
    approx = f"{float(value):,.1f}" if abs(value) >= 1 else f"{float(value):.4g}"
    return f"{value} ≈ {approx}"


def _facts(spec: Spec) -> list[str]:
    rows = ["## Facts", ""]
    if spec.pooling:
        facts = pooling_facts(spec.pooling["side"], spec.pooling["window"], spec.pooling["stride"])
        rows.append(f"- Q1.b: {spec.pooling['window']}×{spec.pooling['window']} max pooling, stride "
                    f"{spec.pooling['stride']}, of a {spec.pooling['side']}×{spec.pooling['side']} map "
                    f"gives {facts['pooled_side']}×{facts['pooled_side']}; rows/columns "
                    f"{', '.join(map(str, facts['unread_indices']))} (0-based) are never read.")
    sides = CUTOUT["patch_side"]
    rows.append(f"- Extra Q2.c.iii: cutout patches {sides['cifar10']}×{sides['cifar10']} (CIFAR-10) "
                f"and {sides['cifar100']}×{sides['cifar100']} (CIFAR-100), chosen by "
                f"{CUTOUT['chosen_by']}. Source: {CUTOUT['source']}.")
    return rows + [""]


def main(argv: list[str] | None = None, prog: str = "autograder key") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="assignment spec (YAML)")
    parser.add_argument("--output", type=Path, help="write the Markdown here instead of stdout")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--variant", type=int, metavar="N",
                       help="the key of variant N of the spec's family")
    which.add_argument("--student", metavar="EMAIL",
                       help="the key of the variant this student draws (a spec with a family)")
    which.add_argument("--variants", action="store_true",
                       help="one table of every variant: its settings and each item's reference")
    args = parser.parse_args(argv)
    text = _key(parser, args)
    return write_or_print(text, args.output, prog)


def _key(parser: argparse.ArgumentParser, args) -> str:
    """The Markdown the arguments ask for; a variant or a student asked of a
    spec without a family, or a variant it does not have, is a usage error."""
    spec = load_spec(args.spec)
    if args.student is not None:
        try:
            email = normalized_email(args.student)
        except NotAnEmail as error:
            parser.error(f"--student: {error}")
        if spec.family is None:
            print(f"note: {spec.path.name} gives every student the same numbers; --student "
                  "changes nothing", file=sys.stderr)
            return render(spec)
        variant = spec.family.variant_for(email)
        print(f"{email} draws {variant.label}: {variant.settings()}", file=sys.stderr)
        return render(variant_spec(spec, variant.number))
    if (args.variant is not None or args.variants) and spec.family is None:
        parser.error(f"{spec.path.name} has no family of variants: every student has the "
                     "numbers of its one key")
    if args.variants:
        return variants_table(spec)
    if args.variant is not None:
        try:
            return render(variant_spec(spec, args.variant))
        except SpecError as error:
            parser.error(f"--variant: {error}")
    return render(spec)


if __name__ == "__main__":
    raise SystemExit(main())
