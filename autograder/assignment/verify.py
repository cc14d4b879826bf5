"""Trust references only when proved: every value a spec's grading will use is
checked against the numpy simulation of that configuration, and every growth
against counts measured at increasing sizes (the log-log slope).

    python -m autograder.assignment.verify [--spec specs/hw3.yaml]

prints what was checked and exits 1 if the simulation contradicts a formula.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field, replace

from autograder.assignment.simulation import measure
from autograder.assignment.spec import DEFAULT_SPEC, FACTS, load_spec
from solutions.growth import Growth, growth_in_side
from solutions.layers import Config, quantities

#: Sides at which growth is measured; slopes between consecutive doublings.
GROWTH_SIDES = (32, 64)
#: Kernel sides at which the kernel's exponent is measured (on the largest side).
GROWTH_KERNELS = (3, 6)
#: How far a measured slope may sit from the derived exponent: boundary
#: effects (VALID's shrinking border, ceil) fade as the size grows, and what
#: is tested is the order, whose exponents are at least 1/2 apart.
SLOPE_TOLERANCE = 0.3


@dataclass
class Verification:
    """What was proved: `values` maps "configuration-label quantity" to
    True/False, `growths` maps a quantity's growth to True/False."""

    values: dict[str, bool] = field(default_factory=dict)
    growths: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures


def label(config: Config | str) -> str:
    """A readable, stable name for a configuration in reports."""
    if config == FACTS:
        return FACTS
    c = config
    return (f"{c.height}x{c.width}x{c.in_channels}->{c.out_channels} k{c.kernel_h}x{c.kernel_w} "
            f"s{c.stride_h}x{c.stride_w} {c.padding}")


def value_key(config: Config | str, quantity: str) -> str:
    return f"{label(config)} {quantity}"


def verify_values(uses) -> Verification:
    """Check each (configuration, quantity) pair against one simulation run
    per configuration."""
    result = Verification()
    by_config: dict = {}
    for config, quantity in uses:
        by_config.setdefault(config, set()).add(quantity)
    for config, names in sorted(by_config.items(), key=lambda kv: label(kv[0])):
        if config == FACTS:
            for name in sorted(names):
                result.unverifiable.append(
                    f"{name}: a fact from the literature, not a computation")
            continue
        formulas = quantities(config)
        measured = _measure(config)
        inputs = {"height", "width", "in_channels", "out_channels", "kernel_h", "kernel_w",
                  "stride_h", "stride_w"}
        for name in sorted(names):
            key = value_key(config, name)
            if name in inputs:
                result.values[key] = True  # a given of the configuration
                continue
            ok = name in measured and measured[name] == formulas[name]
            result.values[key] = ok
            if not ok:
                result.failures.append(
                    f"{key}: formula {formulas[name]}, simulation {measured.get(name, 'not measured')}")
    return result


def verify_growths(names, base: Config, result: Verification) -> None:
    """Compare each derived growth exponent with the measured log-log slope."""
    for name in sorted(names):
        derived = growth_in_side(name, base.padding)
        slopes = _measured_growth(name, base)
        ok = all(abs(s - float(derived.size_exp)) <= SLOPE_TOLERANCE for s in slopes["side"]) and \
            abs(slopes["kernel"] - float(derived.kernel_exp)) <= SLOPE_TOLERANCE
        result.growths[name] = ok
        if not ok:
            result.failures.append(
                f"growth of {name}: derived {derived.render()}, measured side slopes "
                f"{[round(s, 3) for s in slopes['side']]}, kernel slope {slopes['kernel']:.3f}")


def _measured_growth(name: str, base: Config) -> dict:
    def count(side: int, kernel: int) -> int:
        config = replace(base, height=side, width=side, kernel_h=kernel, kernel_w=kernel)
        return _measure(config)[name]

    counts = [count(side, base.kernel_h) for side in GROWTH_SIDES]
    side_slopes = [math.log(b / a) / math.log(s2 / s1)
                   for (a, b), (s1, s2) in zip(zip(counts, counts[1:]),
                                               zip(GROWTH_SIDES, GROWTH_SIDES[1:]))]
    big = GROWTH_SIDES[-1]
    k1, k2 = GROWTH_KERNELS
    kernel_slope = math.log(count(big, k2) / count(big, k1)) / math.log(k2 / k1)
    return {"side": side_slopes, "kernel": kernel_slope}


_measured: dict[Config, dict] = {}


def _measure(config: Config) -> dict:
    if config not in _measured:
        _measured[config] = measure(config.height, config.width, config.in_channels,
                                    config.out_channels, config.kernel_h, config.kernel_w,
                                    config.stride_h, config.stride_w, config.padding)
    return _measured[config]


def verify_spec(spec) -> Verification:
    """Prove every value and growth the spec's grading uses."""
    from autograder.assignment.references import expectations, growth_reference

    started = time.perf_counter()
    uses, growths = set(), set()
    for item in spec.items:
        if item.expect is not None:
            for expected in expectations(spec, item):
                uses |= expected.uses
        if item.growth is not None:
            growths |= growth_reference(spec, item)[1]
    result = verify_values(uses)
    verify_growths(growths, spec.configurations[spec.growth_configuration], result)
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="assignment spec (YAML)")
    args = parser.parse_args(argv)
    result = verify_spec(load_spec(args.spec))
    print(f"verified {sum(result.values.values())}/{len(result.values)} values and "
          f"{sum(result.growths.values())}/{len(result.growths)} growths in {result.seconds:.1f} s")
    for note in result.unverifiable:
        print(f"  not simulated: {note}")
    for failure in result.failures:
        print(f"  CONTRADICTED: {failure}", file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
