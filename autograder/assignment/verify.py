"""Trust references only when proved: every value a spec's grading will use is
checked against the numpy simulation, and every growth against counts
measured at increasing sizes (the log-log slope).

    python -m autograder.assignment.verify [--spec specs/hw3.yaml]

prints what was checked and exits 1 if the simulation contradicts a formula.

How a value is proved depends on what simulating its configuration would cost
(simulation.full_simulation_cost, against FULL_SIMULATION_BUDGET):

- an affordable configuration is simulated in full at its own size, and every
  formula it uses must equal what the simulation measured;
- a larger one (a 224 x 224 ResNet stem, 512 channels) is proved in two
  independent ways. On two proxies, configurations small enough to simulate
  that share the structure that decides every count (the same kernel, stride
  and padding mode, sides with the same remainder modulo the stride and on
  the same side of 2 kernels + 2 strides, channels cut to at most 2 and 3),
  each formula must equal the full simulation, and so must the separable
  measurement (simulation.measure_separable, which counts from the windows
  enumerated along each axis). At full size, the formula instantiated for the
  configuration must equal the separable measurement of it.

Growths are measured on 1-channel configurations (channels are constant
factors) of sides growth_sides() and kernels GROWTH_KERNELS, each count
taken as a value's is: simulated in full, or proved on proxies.
"""
from __future__ import annotations

import argparse
import itertools
import math
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from autograder.assignment.simulation import full_simulation_cost, measure, measure_separable
from autograder.assignment.spec import DEFAULT_SPEC, FACTS, load_spec
from solutions.growth import growth_in_side
from solutions.layers import Config, quantities

#: Sides at which growth is measured (doubled for large kernels, see
#: growth_sides); slopes between consecutive doublings.
GROWTH_SIDES = (32, 64)
#: Kernel sides at which the kernel's exponent is measured (on the largest side).
GROWTH_KERNELS = (3, 6)
#: How far a measured slope may sit from the derived exponent: boundary
#: effects (VALID's shrinking border, ceil) fade as the size grows, and what
#: is tested is the order, whose exponents are at least 1/2 apart.
SLOPE_TOLERANCE = 0.3
#: Configurations whose full simulation is estimated to take longer than this
#: (nanoseconds of one core, simulation.full_simulation_cost) are proved on
#: proxies: the homework's 28 x 28 and 56 x 56 are simulated in full (0.1 s
#: and 0.5 s), its 112 x 112 (about 4 s) is not.
FULL_SIMULATION_BUDGET = 600_000_000
#: The quantities that are givens of a configuration, never measured.
INPUTS = frozenset({"height", "width", "in_channels", "out_channels", "kernel_h", "kernel_w",
                    "stride_h", "stride_w"})

#: progress(done, total, what): `done` of `total` steps finished, `what` the
#: step starting now ("" once all are done).
Progress = Callable[[int, int, str], None]


@dataclass
class Verification:
    """What was proved: `values` maps "configuration-label quantity" to
    True/False, `growths` maps a quantity's growth to True/False;
    `simulated` lists the configurations simulated in full, `proxies` maps
    each configuration proved on proxies to the proxies' labels."""

    values: dict[str, bool] = field(default_factory=dict)
    growths: dict[str, bool] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    unverifiable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    simulated: list[str] = field(default_factory=list)
    proxies: dict[str, list[str]] = field(default_factory=dict)

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


def verify_values(uses, step: Callable[[str], None] | None = None) -> Verification:
    """Check each (configuration, quantity) pair: against one full simulation
    of an affordable configuration, or on its proxies and by the separable
    measurement at full size (see the module docstring). `step(label)` is
    called before each configuration is proved."""
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
        if step:
            step(label(config))
        measured = sorted(names - INPUTS)
        result.values.update({value_key(config, name): True for name in names & INPUTS})
        problems: dict[str, list[str]] = {name: [] for name in measured}
        if affordable(config):
            result.simulated.append(label(config))
        else:
            result.proxies[label(config)] = [label(p) for p in proxy_configurations(config)]
        witness, witness_name = _witness(config, measured, problems)
        formulas = quantities(config)
        for name in measured:
            key = value_key(config, name)
            if name not in witness or witness[name] != formulas[name]:
                problems[name].insert(0, f"formula {formulas[name]}, {witness_name} "
                                         f"{witness.get(name, 'not measured')}")
            result.values[key] = not problems[name]
            result.failures += [f"{key}: {problem}" for problem in problems[name]]
    return result


def _witness(config: Config, names: list[str],
             problems: dict[str, list[str]]) -> tuple[dict, str]:
    """What `config`'s counts are taken from, and its name: the full
    simulation of an affordable configuration; else the separable
    measurement, once each proxy's simulation has been compared with it and
    with the formulas (what they contradict is added to problems)."""
    if affordable(config):
        return _measure(config), "simulation"
    for proxy in proxy_configurations(config):
        _prove_on_proxy(proxy, names, problems)
    return _measure_separable(config), "separable count"


def _prove_on_proxy(proxy: Config, names: list[str], problems: dict[str, list[str]]) -> None:
    """Simulate `proxy` in full; each formula and each separable count of
    `names` must equal what it measured. What does not is added to problems."""
    simulated, formulas, separable = _measure(proxy), quantities(proxy), _measure_separable(proxy)
    for name in names:
        for what, value in (("formula", formulas[name]),
                            ("separable count", separable.get(name, "not measured"))):
            if name not in simulated or simulated[name] != value:
                problems[name].append(f"on the proxy {label(proxy)}: {what} {value}, simulation "
                                      f"{simulated.get(name, 'not measured')}")


def affordable(config: Config) -> bool:
    """Whether `config` is simulated in full (its estimated cost within
    FULL_SIMULATION_BUDGET) rather than proved on proxies."""
    return full_simulation_cost(*config.sizes(), config.padding) <= FULL_SIMULATION_BUDGET


def proxy_sides(side: int, kernel: int, stride: int) -> tuple[int, int]:
    """Two sides for proxies of an axis of `side` pixels: the smallest at least
    2 kernels + 2 strides long with the same remainder modulo the stride, and
    the next one (a stride longer); `side` itself where it is not longer.

    That remainder decides SAME's padding and which pixels the last window
    leaves unread, and from 2 kernels + 2 strides on there are windows on the
    leading padding, windows on real pixels only and windows on the trailing
    padding, as at any larger side: every count of the axis has the same
    form, and only the number of windows in the middle differs.
    """
    shortest = 2 * kernel + 2 * stride
    first = shortest + (side - shortest) % stride
    return min(first, side), min(first + stride, side)


def proxy_configurations(config: Config) -> tuple[Config, Config]:
    """The two small configurations a large `config` is proved on: sides from
    proxy_sides (the first pair, then the second), the same kernel, stride
    and padding, channels cut to at most 2 in and 3 out, then 3 in and 2 out
    (so in and out differ wherever the configuration's do not fit)."""
    heights = proxy_sides(config.height, config.kernel_h, config.stride_h)
    widths = proxy_sides(config.width, config.kernel_w, config.stride_w)
    channels = ((min(config.in_channels, 2), min(config.out_channels, 3)),
                (min(config.in_channels, 3), min(config.out_channels, 2)))
    return tuple(replace(config, height=height, width=width, in_channels=inputs,
                         out_channels=outputs)
                 for height, width, (inputs, outputs) in zip(heights, widths, channels))


def verify_growths(names, base: Config, result: Verification,
                   step: Callable[[str], None] | None = None) -> None:
    """Compare each derived growth exponent with the measured log-log slope;
    `step(description)` is called before each growth is measured."""
    for name in sorted(names):
        if step:
            step(f"growth of {name}")
        derived = growth_in_side(name, base.padding)
        slopes = _measured_growth(name, base)
        ok = all(abs(s - float(derived.size_exp)) <= SLOPE_TOLERANCE for s in slopes["side"]) and \
            abs(slopes["kernel"] - float(derived.kernel_exp)) <= SLOPE_TOLERANCE
        result.growths[name] = ok and not slopes["problems"]
        if not ok:
            result.failures.append(
                f"growth of {name}: derived {derived.render()}, measured side slopes "
                f"{[round(s, 3) for s in slopes['side']]}, kernel slope {slopes['kernel']:.3f}")
        result.failures += [f"growth of {name}: {problem}" for problem in slopes["problems"]]


def growth_sides(kernel: int, stride: int) -> tuple[int, ...]:
    """GROWTH_SIDES, doubled until every slope is measured on sides at least
    10 kernels x the stride wide: the side slopes with `kernel`, the kernel
    slope with the largest of GROWTH_KERNELS on the largest side. VALID's
    lost border (a kernel less a pixel) and the window lost to the stride
    then bend no measured slope by more than the tolerance, even the dense
    Jacobian's (outputs squared)."""
    sides = GROWTH_SIDES
    while sides[0] < 10 * kernel * stride or sides[1] < 10 * max(GROWTH_KERNELS) * stride:
        sides = tuple(2 * side for side in sides)
    return sides


def _measured_growth(name: str, base: Config) -> dict:
    """The log-log slopes of `name`'s counts between the growth sides (at the
    base's kernel) and between the growth kernels (on the largest side), on
    one channel in and out; "problems" lists what the proxies of a count too
    large to simulate contradicted."""
    problems: dict[str, list[str]] = {name: []}

    def count(side: int, kernel: int) -> int:
        config = replace(base, height=side, width=side, kernel_h=kernel, kernel_w=kernel,
                         in_channels=1, out_channels=1)
        return _witness(config, [name], problems)[0][name]

    sides = growth_sides(base.kernel_h, max(base.stride_h, base.stride_w))
    counts = [count(side, base.kernel_h) for side in sides]
    side_slopes = [math.log(b / a) / math.log(s2 / s1)
                   for (a, b), (s1, s2) in zip(zip(counts, counts[1:]), zip(sides, sides[1:]))]
    big = sides[-1]
    k1, k2 = GROWTH_KERNELS
    kernel_slope = math.log(count(big, k2) / count(big, k1)) / math.log(k2 / k1)
    return {"side": side_slopes, "kernel": kernel_slope, "problems": problems[name]}


_measured: dict[Config, dict] = {}


def _measure(config: Config) -> dict:
    """The full simulation of `config`, run once per configuration."""
    if config not in _measured:
        _measured[config] = measure(config.height, config.width, config.in_channels,
                                    config.out_channels, config.kernel_h, config.kernel_w,
                                    config.stride_h, config.stride_w, config.padding)
    return _measured[config]


def _measure_separable(config: Config) -> dict:
    """The separable measurement of `config` (cheap at any size)."""
    return measure_separable(*config.sizes(), config.padding)


def verify_spec(spec, progress: Progress | None = None) -> Verification:
    """Prove every value and growth the spec's grading uses, telling
    `progress` how far it got."""
    from autograder.assignment.references import expectations, growth_reference

    started = time.perf_counter()
    uses, growths = set(), set()
    for item in spec.items:
        if item.expect is not None:
            for expected in expectations(spec, item):
                uses |= expected.uses
        if item.growth is not None:
            growths |= growth_reference(spec, item)[1]
    total = len({config for config, _ in uses} - {FACTS}) + len(growths)
    done = itertools.count()

    def step(what: str) -> None:
        if progress:
            progress(next(done), total, what)

    result = verify_values(uses, step)
    verify_growths(growths, spec.configurations[spec.growth_configuration], result, step)
    if progress:
        progress(total, total, "")
    result.seconds = time.perf_counter() - started
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="assignment spec (YAML)")
    args = parser.parse_args(argv)
    result = verify_spec(load_spec(args.spec))
    print(f"verified {sum(result.values.values())}/{len(result.values)} values and "
          f"{sum(result.growths.values())}/{len(result.growths)} growths in {result.seconds:.1f} s")
    if result.proxies:
        print(f"  {how_proved(result.simulated, result.proxies)}")
    for note in result.unverifiable:
        print(f"  not simulated: {note}")
    for failure in result.failures:
        print(f"  CONTRADICTED: {failure}", file=sys.stderr)
    return 0 if result.ok else 1


def how_proved(simulated: list[str], proxies: dict[str, list[str]]) -> str:
    """One line: which configurations were simulated in full, which proved
    on which proxies and instantiated at full size."""
    on_proxies = "; ".join(f"{config} (on {' and '.join(used)})"
                           for config, used in proxies.items())
    return (f"simulated in full: {', '.join(simulated) or 'none'}; proved on proxies, then "
            f"instantiated at full size: {on_proxies or 'none'}")


if __name__ == "__main__":
    raise SystemExit(main())
