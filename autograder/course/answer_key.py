"""The answer key for an assignment spec, as Markdown for TAs.

    python -m autograder.course.answer_key [--spec specs/hw3.yaml] [--output FILE]

Every number is instantiated from the formulas in `solutions/`; the formulas
themselves are printed beside them so the key can be checked by hand.
"""
from __future__ import annotations

import argparse
from fractions import Fraction
from pathlib import Path

import sympy as sp

from autograder.assignment.references import expectations, growth_reference
from autograder.assignment.spec import DEFAULT_SPEC, Spec, load_spec
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
    lines += _configurations(spec)
    for name, config in spec.configurations.items():
        lines += _layer_table(name, config)
    lines += _growth(spec)
    lines += _speed_ups(spec)
    lines += _items(spec)
    lines += _facts(spec)
    return "\n".join(lines) + "\n"


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
    args = parser.parse_args(argv)
    text = render(load_spec(args.spec))
    return write_or_print(text, args.output, prog)


if __name__ == "__main__":
    raise SystemExit(main())
