"""The verification gate itself (autograder/assignment/verify.py): a reference the
simulation contradicts, or a growth the measured counts contradict, must be
reported, never waved through.

These tests are fast (a 6x6 simulation, synthetic counts for the slopes) so
that `tools/mutation_gate.py` can run them against every mutant of verify.py
in CI. Where the simulation is replaced, it is by counts whose slopes are
known exactly, or by the real simulation with one value falsified.
"""
from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import pytest

from autograder.assignment import verify
from autograder.assignment.spec import DEFAULT_SPEC, FACTS
from autograder.assignment.verify import Verification
from solutions.config import Config
from solutions.order import Growth
from tiny_spec import TINY_VALUE_KEYS, tiny_spec

SQUARE = Config(6, 6, 1, 1, 3, 3, 1, 1, "SAME")
#: Every field different, so a field read in place of another shows.
ODD = Config(5, 7, 2, 3, 3, 1, 1, 2, "VALID")


# -- labels --------------------------------------------------------------------

@pytest.mark.parametrize("config,expected", [
    (SQUARE, "6x6x1->1 k3x3 s1x1 SAME"),
    (ODD, "5x7x2->3 k3x1 s1x2 VALID"),
    (FACTS, FACTS),
])
def test_label_names_every_field_in_order(config, expected):
    assert verify.label(config) == expected


def test_value_key_is_the_label_then_the_quantity():
    assert verify.value_key(ODD, "standard.weights") == "5x7x2->3 k3x1 s1x2 VALID standard.weights"
    assert verify.value_key(FACTS, "cutout_cifar10") == "facts cutout_cifar10"


# -- values ----------------------------------------------------------------------

INPUTS = ("height", "width", "in_channels", "out_channels", "kernel_h", "kernel_w",
          "stride_h", "stride_w")


def test_true_formulas_are_proved_and_inputs_are_given():
    uses = {(SQUARE, "flattened_length"), (SQUARE, "pad_bottom"), (SQUARE, "height"),
            (ODD, "standard.weights"), (ODD, "fully_connected.jacobian_tensor_shape")}
    uses |= {(ODD, name) for name in INPUTS}
    result = verify.verify_values(uses)
    assert result.values == {verify.value_key(c, q): True for c, q in uses}
    assert result.failures == [] and result.unverifiable == []
    assert result.ok


def _falsified(monkeypatch, changes: dict[str, object]):
    """The real simulation with some measured values replaced (None: not
    measured at all), as a broken witness would report them."""
    real = verify._measure

    def lying(config):
        measured = dict(real(config))
        for name, value in changes.items():
            if value is None:
                measured.pop(name)
            else:
                measured[name] = value
        return measured

    monkeypatch.setattr(verify, "_measure", lying)


def test_a_contradicted_formula_fails_the_gate_and_says_both_values(monkeypatch):
    _falsified(monkeypatch, {"standard.weights": 19, "flattened_length": None, "height": 99})
    uses = {(ODD, "standard.weights"), (ODD, "flattened_length"), (ODD, "output_width"),
            (SQUARE, "standard.weights"), (SQUARE, "height")}
    result = verify.verify_values(uses)
    assert not result.ok
    assert result.values == {
        "5x7x2->3 k3x1 s1x2 VALID standard.weights": False,
        "5x7x2->3 k3x1 s1x2 VALID flattened_length": False,
        "5x7x2->3 k3x1 s1x2 VALID output_width": True,
        "6x6x1->1 k3x3 s1x1 SAME standard.weights": False,
        "6x6x1->1 k3x3 s1x1 SAME height": True,  # a given, never measured
    }
    # Configurations in label order, quantities sorted within each.
    assert result.failures == [
        "5x7x2->3 k3x1 s1x2 VALID flattened_length: formula 36, simulation not measured",
        "5x7x2->3 k3x1 s1x2 VALID standard.weights: formula 18, simulation 19",
        "6x6x1->1 k3x3 s1x1 SAME standard.weights: formula 9, simulation 19",
    ]


def test_a_simulation_that_measures_nothing_proves_nothing(monkeypatch):
    monkeypatch.setattr(verify, "_measure", lambda config: {})
    result = verify.verify_values({(SQUARE, "output_height")})
    assert result.values == {"6x6x1->1 k3x3 s1x1 SAME output_height": False}
    assert result.failures == ["6x6x1->1 k3x3 s1x1 SAME output_height: formula 6, "
                               "simulation not measured"]


def test_facts_are_listed_as_unverifiable_and_never_simulated(monkeypatch):
    def no_simulation(config):
        raise AssertionError(f"simulated {config}")

    monkeypatch.setattr(verify, "_measure", no_simulation)
    result = verify.verify_values({(FACTS, "cutout_cifar100"), (FACTS, "cutout_cifar10")})
    assert result.unverifiable == [
        "cutout_cifar10: a fact from the literature, not a computation",
        "cutout_cifar100: a fact from the literature, not a computation",
    ]
    assert result.values == {} and result.failures == [] and result.ok


def test_one_simulation_per_configuration_and_it_is_remembered(monkeypatch):
    calls = []

    def recording_measure(*args):
        calls.append(args)
        return {"output_height": 3}

    monkeypatch.setattr(verify, "measure", recording_measure)
    monkeypatch.setattr(verify, "_measured", {})
    first = verify._measure(ODD)
    assert verify._measure(ODD) is first
    assert calls == [(5, 7, 2, 3, 3, 1, 1, 2, "VALID")]
    verify.verify_values({(SQUARE, "output_height"), (SQUARE, "output_width")})
    assert calls[1:] == [(6, 6, 1, 1, 3, 3, 1, 1, "SAME")]


# -- growths -------------------------------------------------------------------------

class PowerLaw:
    """Synthetic counts scale * side^a * kernel^b, whose log-log slopes are
    exactly a and b; records which configurations were measured."""

    def __init__(self, size_exp: float, kernel_exp: float, name: str = "standard.multiplications"):
        self.size_exp, self.kernel_exp, self.name = size_exp, kernel_exp, name
        self.measured: list[Config] = []

    def __call__(self, config: Config) -> dict:
        self.measured.append(config)
        count = 7 * config.height ** self.size_exp * config.kernel_h ** self.kernel_exp
        return {self.name: count}


def _simulate_with(monkeypatch, counts) -> None:
    """Synthetic counts as the full simulation of every configuration, however
    large (none is proved on proxies)."""
    monkeypatch.setattr(verify, "_measure", counts)
    monkeypatch.setattr(verify, "affordable", lambda config: True)


def _derived(monkeypatch, growth: Growth):
    """growth_in_side as if the formulas derived `growth`; records paddings asked."""
    asked = []

    def derive(name, padding):
        asked.append((name, padding))
        return growth

    monkeypatch.setattr(verify, "growth_in_side", derive)
    return asked


def _grow(monkeypatch, measured: PowerLaw, derived: Growth, base: Config = SQUARE) -> Verification:
    _simulate_with(monkeypatch, measured)
    _derived(monkeypatch, derived)
    result = Verification()
    verify.verify_growths([measured.name], base, result)
    return result


def test_measured_slopes_on_the_growth_sides_and_kernels(monkeypatch):
    counts = PowerLaw(2.5, 1.5)
    _simulate_with(monkeypatch, counts)
    base = Config(9, 11, 2, 3, 4, 5, 1, 2, "VALID")
    slopes = verify._measured_growth("standard.multiplications", base)
    assert slopes["side"] == [pytest.approx(2.5, abs=1e-12)]
    assert slopes["kernel"] == pytest.approx(1.5, abs=1e-12)
    # The side grows at the base's kernel height; the kernel (3 to 6) on the
    # largest side; one channel in and out (channels are constant factors).
    # Sides of at least 10 kernels x the larger stride: 128 and 256 for this
    # kernel of 4 and strides 1 and 2.
    one_channel = replace(base, in_channels=1, out_channels=1)
    assert counts.measured == [
        replace(one_channel, height=128, width=128, kernel_h=4, kernel_w=4),
        replace(one_channel, height=256, width=256, kernel_h=4, kernel_w=4),
        replace(one_channel, height=256, width=256, kernel_h=6, kernel_w=6),
        replace(one_channel, height=256, width=256, kernel_h=3, kernel_w=3),
    ]


def test_slopes_are_log_ratios_of_the_counts(monkeypatch):
    """Counts that are no power law: each slope is log(ratio)/log(2)."""
    table = {(32, 3): 100, (64, 3): 300, (64, 6): 500}
    _simulate_with(monkeypatch,
                        lambda c: {"q": table[(c.height, c.kernel_h)]})
    slopes = verify._measured_growth("q", SQUARE)
    assert slopes == {"side": [pytest.approx(math.log(3) / math.log(2))],
                      "kernel": pytest.approx(math.log(5 / 3) / math.log(2)), "problems": []}


def test_a_derived_growth_the_counts_confirm_is_proved(monkeypatch):
    result = _grow(monkeypatch, PowerLaw(2, 2), Growth(Fraction(2), Fraction(2)))
    assert result.growths == {"standard.multiplications": True}
    assert result.failures == [] and result.ok


def test_growth_is_derived_for_the_base_padding(monkeypatch):
    _simulate_with(monkeypatch, PowerLaw(2, 0, "q"))
    asked = _derived(monkeypatch, Growth(Fraction(2)))
    verify.verify_growths(["q"], ODD, Verification())
    assert asked == [("q", "VALID")]


WRONG_GROWTHS = [
    # (measured size, measured kernel, derived size, derived kernel)
    (2, 2, 3, 2),      # growth-slope check: N^3 claimed, N^2 measured
    (2, 2, 1, 2),      # ... N claimed
    (2, 2, 2, 0),      # kernel-power check: k^0 claimed, k^2 measured
    (2, 2, 2, 3),      # ... k^3 claimed
    (4, 0, 4, 2),      # ... k^2 claimed where the count ignores k
    (2, 2, 2.35, 2),   # just outside the 0.3 slope tolerance, above
    (2, 2, 1.65, 2),   # ... below
    (2, 2, 2, 2.35),
    (2, 2, 2, 1.65),
]


@pytest.mark.parametrize("size,kernel,derived_size,derived_kernel", WRONG_GROWTHS)
def test_a_growth_the_counts_contradict_fails_the_gate(monkeypatch, size, kernel,
                                                       derived_size, derived_kernel):
    derived = Growth(Fraction(str(derived_size)), Fraction(str(derived_kernel)))
    result = _grow(monkeypatch, PowerLaw(size, kernel), derived)
    assert result.growths == {"standard.multiplications": False}
    assert not result.ok
    assert result.failures == [
        f"growth of standard.multiplications: derived {derived.render()}, measured side slopes "
        f"[{float(size)}], kernel slope {kernel:.3f}"]


@pytest.mark.parametrize("derived_size,derived_kernel", [
    (2.25, 2), (1.75, 2), (2, 2.25), (2, 1.75), (2.25, 1.75)])
def test_slopes_within_the_tolerance_confirm_the_growth(monkeypatch, derived_size, derived_kernel):
    """Boundary effects (VALID's border, ceil) bend measured slopes a little."""
    derived = Growth(Fraction(str(derived_size)), Fraction(str(derived_kernel)))
    result = _grow(monkeypatch, PowerLaw(2, 2), derived)
    assert result.growths == {"standard.multiplications": True} and result.ok


@pytest.mark.parametrize("derived_size,derived_kernel,proved", [
    ("3/10", "0", True), ("0", "3/10", True), ("3/10", "3/10", True),
    ("31/100", "0", False), ("0", "31/100", False)])
def test_the_slope_tolerance_is_inclusive(monkeypatch, derived_size, derived_kernel, proved):
    """Constant counts measure the slope 0.0 exactly, so an exponent of 3/10
    sits exactly SLOPE_TOLERANCE (0.3) away: still confirmed, on the side and
    on the kernel; 31/100 is not."""
    derived = Growth(Fraction(derived_size), Fraction(derived_kernel))
    result = _grow(monkeypatch, PowerLaw(0, 0), derived)
    assert result.growths == {"standard.multiplications": proved}


def test_a_failure_shows_slopes_to_three_decimals(monkeypatch):
    table = {(32, 3): 100, (64, 3): 500, (64, 6): 700}
    _simulate_with(monkeypatch, lambda c: {"q": table[(c.height, c.kernel_h)]})
    _derived(monkeypatch, Growth(Fraction(1)))
    result = Verification()
    verify.verify_growths(["q"], SQUARE, result)
    assert result.failures == ["growth of q: derived O(N), measured side slopes [2.322], "
                               "kernel slope 0.485"]


def test_every_growth_is_checked_and_reported_in_order(monkeypatch):
    _simulate_with(monkeypatch,
                        lambda c: {"a": c.height ** 2, "b": c.height ** 3, "c": c.height ** 2})
    _derived(monkeypatch, Growth(Fraction(2)))
    result = Verification(failures=["earlier failure"])
    verify.verify_growths({"c", "b", "a"}, SQUARE, result)
    assert result.growths == {"a": True, "b": False, "c": True}
    assert list(result.growths) == ["a", "b", "c"]
    assert result.failures == [
        "earlier failure",
        "growth of b: derived O(N^2), measured side slopes [3.0], kernel slope 0.000"]


def test_real_counts_prove_the_growth_of_the_standard_layer():
    """The simulation itself: N^2 k^2 multiplications, N^2 k^2 Jacobian entries."""
    result = Verification()
    verify.verify_growths(["standard.multiplications", "standard.jacobian_entries"], SQUARE, result)
    assert result.growths == {"standard.multiplications": True, "standard.jacobian_entries": True}
    assert result.failures == []


# -- the whole spec ----------------------------------------------------------------------

def test_verify_spec_proves_every_value_and_growth_the_spec_uses(tmp_path, monkeypatch):
    spec = tiny_spec(tmp_path)
    bases = []
    real_growths = verify.verify_growths

    def recording(names, base, result, step):
        bases.append((set(names), base))
        real_growths(names, base, result, step)

    monkeypatch.setattr(verify, "verify_growths", recording)
    result = verify.verify_spec(spec)
    assert result.values == {key: True for key in TINY_VALUE_KEYS}
    assert result.growths == {"standard.multiplications": True,
                              "fully_connected.multiplications": True}
    assert bases == [({"standard.multiplications", "fully_connected.multiplications"},
                      spec.configurations["base"])]
    assert result.ok and result.failures == []
    assert 0 < result.seconds < 60


def test_verify_spec_fails_when_one_value_is_contradicted(tmp_path, monkeypatch):
    _falsified(monkeypatch, {"standard.weights": 17})
    result = verify.verify_spec(tiny_spec(tmp_path))
    assert not result.ok
    assert result.values["5x7x2->3 k3x1 s1x2 VALID standard.weights"] is False
    assert result.failures == ["5x7x2->3 k3x1 s1x2 VALID standard.weights: formula 18, simulation 17"]


# -- the command ------------------------------------------------------------------------------

def _command(monkeypatch, verification: Verification):
    loaded = []
    monkeypatch.setattr(verify, "load_spec", lambda path: loaded.append(path) or "the spec")
    monkeypatch.setattr(verify, "verify_spec",
                        lambda spec: verification if spec == "the spec" else None)
    return loaded


def test_the_command_prints_what_was_proved_and_exits_0(monkeypatch, capsys):
    loaded = _command(monkeypatch, Verification(
        values={"a": True, "b": True, "c": True}, growths={"g": True},
        unverifiable=["cutout: a fact"], seconds=1.26))
    assert verify.main([]) == 0
    out, err = capsys.readouterr()
    assert out == "verified 3/3 values and 1/1 growths in 1.3 s\n  not simulated: cutout: a fact\n"
    assert err == ""
    assert loaded == [DEFAULT_SPEC]


def test_the_command_exits_1_and_names_each_contradiction(monkeypatch, capsys):
    loaded = _command(monkeypatch, Verification(
        values={"a": True, "b": False}, growths={"g": False, "h": True},
        failures=["b: formula 1, simulation 2", "growth of g: derived O(N)"], seconds=0.04))
    assert verify.main(["--spec", "other.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out == "verified 1/2 values and 1/2 growths in 0.0 s\n"
    assert err == ("  CONTRADICTED: b: formula 1, simulation 2\n"
                   "  CONTRADICTED: growth of g: derived O(N)\n")
    assert loaded == ["other.yaml"]


def test_the_command_describes_itself(capsys):
    with pytest.raises(SystemExit) as exit_:
        verify.main(["--help"])
    assert exit_.value.code == 0
    shown = capsys.readouterr().out
    assert "Trust references only when proved" in shown
    assert "--spec SPEC  assignment spec (YAML)" in shown


# -- proof at any size: proxies and the separable count ------------------------------------

#: A configuration of every field different and large enough to need proxies
#: once the budget is lowered; its real proxies are small and fast.
MEDIUM = Config(23, 26, 3, 5, 3, 2, 2, 3, "SAME")


@pytest.mark.parametrize("side,kernel,stride,expected", [
    (224, 7, 2, (18, 20)),     # the ResNet stem: even sides stay even
    (225, 7, 2, (19, 21)),     # odd stay odd
    (896, 7, 2, (18, 20)),     # the same proxies at any larger size
    (1024, 11, 1, (24, 25)),   # 2 kernels + 2 strides, then a stride longer
    (1023, 11, 4, (31, 35)),   # remainder 3 modulo 4 kept
    (1022, 11, 4, (30, 34)),   # remainder 2
    (101, 5, 3, (17, 20)),     # remainder 2 modulo 3
    (20, 3, 2, (10, 12)),
    (12, 3, 2, (10, 12)),      # the second proxy is the side itself
    (11, 3, 2, (11, 11)),      # not longer than 2 kernels + 2 strides + 1: itself
    (10, 3, 2, (10, 10)),
    (5, 7, 1, (5, 5)),         # a kernel wider than the input (SAME) keeps that relation
])
def test_proxy_sides_keep_the_remainder_and_the_relation_to_the_kernel(side, kernel, stride,
                                                                        expected):
    sides = verify.proxy_sides(side, kernel, stride)
    assert sides == expected
    assert all(proxy % stride == side % stride for proxy in sides)
    assert all(proxy >= min(side, 2 * kernel + 2 * stride) for proxy in sides)


@pytest.mark.parametrize("config,expected", [
    (Config(224, 100, 3, 64, 7, 5, 2, 3, "SAME"),
     [Config(18, 16, 2, 3, 7, 5, 2, 3, "SAME"), Config(20, 19, 3, 2, 7, 5, 2, 3, "SAME")]),
    (Config(224, 100, 1, 1, 7, 5, 2, 3, "VALID"),
     [Config(18, 16, 1, 1, 7, 5, 2, 3, "VALID"), Config(20, 19, 1, 1, 7, 5, 2, 3, "VALID")]),
    (Config(1024, 1024, 512, 512, 11, 11, 1, 1, "SAME"),
     [Config(24, 24, 2, 3, 11, 11, 1, 1, "SAME"), Config(25, 25, 3, 2, 11, 11, 1, 1, "SAME")]),
    (Config(1024, 1022, 2, 2, 11, 11, 4, 4, "VALID"),
     [Config(32, 30, 2, 2, 11, 11, 4, 4, "VALID"), Config(36, 34, 2, 2, 11, 11, 4, 4, "VALID")]),
])
def test_proxies_share_kernel_stride_padding_and_remainders_with_fewer_channels(config, expected):
    assert list(verify.proxy_configurations(config)) == expected


@pytest.mark.parametrize("kernel,stride,expected", [
    (1, 1, (32, 64)), (3, 1, (32, 64)),        # the homework: 32 and 64
    (4, 1, (64, 128)), (6, 1, (64, 128)), (7, 1, (128, 256)), (11, 1, (128, 256)),
    (13, 1, (256, 512)),                       # the smallest side: 10 kernels x the stride
    (1, 2, (64, 128)), (3, 2, (64, 128)),      # the largest: 10 x 6 (the kernel slope) x 2
    (1, 3, (128, 256)), (1, 4, (128, 256)), (3, 4, (128, 256)),
    (4, 4, (256, 512)), (5, 2, (128, 256)), (7, 2, (256, 512)), (11, 4, (512, 1024))])
def test_growth_sides_are_at_least_ten_kernels_times_the_stride(kernel, stride, expected):
    assert verify.growth_sides(kernel, stride) == expected


def test_the_budget_decides_what_is_simulated_in_full(monkeypatch):
    cost = verify.full_simulation_cost(*MEDIUM.sizes(), MEDIUM.padding)
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", cost)
    assert verify.affordable(MEDIUM)
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", cost - 1)
    assert not verify.affordable(MEDIUM)


def test_the_homework_sizes_are_simulated_in_full_and_the_large_ones_are_not():
    assert verify.affordable(Config(28, 28, 1, 1, 3, 3, 1, 1, "SAME"))
    assert verify.affordable(Config(56, 56, 1, 1, 3, 3, 1, 1, "VALID"))
    assert not verify.affordable(Config(112, 112, 1, 1, 3, 3, 1, 1, "SAME"))
    assert not verify.affordable(Config(224, 224, 3, 64, 7, 7, 2, 2, "SAME"))


def _recording_simulation(monkeypatch) -> list[Config]:
    simulated = []
    real = verify._measure

    def recording(config):
        simulated.append(config)
        return real(config)

    monkeypatch.setattr(verify, "_measure", recording)
    return simulated


EVERY_QUANTITY = ("output_height", "pad_bottom", "pad_right", "flattened_length",
                  "standard.real_multiplications", "non_weight_sharing.weights",
                  "fully_connected.jacobian_nonzero_with_bias",
                  "non_weight_sharing.jacobian_tensor_shape")


def test_a_large_configuration_is_proved_on_proxies_without_its_own_simulation(monkeypatch):
    stem = Config(224, 224, 3, 64, 7, 7, 2, 2, "SAME")
    simulated = _recording_simulation(monkeypatch)
    uses = {(stem, name) for name in EVERY_QUANTITY} | {(stem, "height"), (MEDIUM, "output_width")}
    result = verify.verify_values(uses)
    assert result.ok and result.failures == []
    assert result.values == {verify.value_key(c, q): True for c, q in uses}
    proxies = [Config(18, 18, 2, 3, 7, 7, 2, 2, "SAME"), Config(20, 20, 3, 2, 7, 7, 2, 2, "SAME")]
    assert simulated == proxies + [MEDIUM]  # in label order; never the stem itself
    assert result.simulated == ["23x26x3->5 k3x2 s2x3 SAME"]
    assert result.proxies == {"224x224x3->64 k7x7 s2x2 SAME": [
        "18x18x2->3 k7x7 s2x2 SAME", "20x20x3->2 k7x7 s2x2 SAME"]}


def _off_by_one(monkeypatch, name: str, where) -> None:
    """The formulas, with `name` one more wherever `where(config)` holds."""
    real = verify.quantities

    def wrong(config):
        formulas = real(config)
        return {**formulas, name: formulas[name] + 1} if where(config) else formulas

    monkeypatch.setattr(verify, "quantities", wrong)


def test_a_formula_wrong_only_at_full_size_is_caught_by_the_separable_count(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    _off_by_one(monkeypatch, "standard.real_multiplications", lambda config: config == MEDIUM)
    result = verify.verify_values({(MEDIUM, "standard.real_multiplications"),
                                   (MEDIUM, "pad_top")})
    assert result.values == {"23x26x3->5 k3x2 s2x3 SAME standard.real_multiplications": False,
                             "23x26x3->5 k3x2 s2x3 SAME pad_top": True}
    assert result.failures == [
        "23x26x3->5 k3x2 s2x3 SAME standard.real_multiplications: formula 9181, "
        "separable count 9180"]


def test_a_formula_wrong_on_a_proxy_is_caught_by_its_simulation(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    _off_by_one(monkeypatch, "pad_bottom", lambda config: config.height == 13)
    result = verify.verify_values({(MEDIUM, "pad_bottom"), (MEDIUM, "output_height")})
    assert verify.proxy_configurations(MEDIUM)[1].height == 13
    assert result.values == {"23x26x3->5 k3x2 s2x3 SAME pad_bottom": False,
                             "23x26x3->5 k3x2 s2x3 SAME output_height": True}
    assert result.failures == [
        "23x26x3->5 k3x2 s2x3 SAME pad_bottom: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "formula 2, simulation 1"]


def test_every_contradiction_is_reported_the_full_size_first(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    _off_by_one(monkeypatch, "output_width", lambda config: True)
    result = verify.verify_values({(MEDIUM, "output_width")})
    assert result.failures == [
        "23x26x3->5 k3x2 s2x3 SAME output_width: formula 10, separable count 9",
        "23x26x3->5 k3x2 s2x3 SAME output_width: on the proxy 11x11x2->3 k3x2 s2x3 SAME: "
        "formula 5, simulation 4",
        "23x26x3->5 k3x2 s2x3 SAME output_width: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "formula 6, simulation 5"]
    assert not result.ok


def test_a_separable_count_the_proxy_simulation_contradicts_proves_nothing(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    real = verify._measure_separable

    def lying(config):
        counted = dict(real(config))
        if config != MEDIUM:
            counted["flattened_length"] += 1
            del counted["pad_left"]
        return counted

    monkeypatch.setattr(verify, "_measure_separable", lying)
    result = verify.verify_values({(MEDIUM, "flattened_length"), (MEDIUM, "pad_left")})
    assert result.values == {"23x26x3->5 k3x2 s2x3 SAME flattened_length": False,
                             "23x26x3->5 k3x2 s2x3 SAME pad_left": False}
    assert result.failures == [
        "23x26x3->5 k3x2 s2x3 SAME flattened_length: on the proxy 11x11x2->3 k3x2 s2x3 SAME: "
        "separable count 73, simulation 72",
        "23x26x3->5 k3x2 s2x3 SAME flattened_length: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "separable count 71, simulation 70",
        "23x26x3->5 k3x2 s2x3 SAME pad_left: on the proxy 11x11x2->3 k3x2 s2x3 SAME: "
        "separable count not measured, simulation 0",
        "23x26x3->5 k3x2 s2x3 SAME pad_left: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "separable count not measured, simulation 0"]


def test_a_quantity_the_proxy_simulation_lacks_proves_nothing(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    _falsified(monkeypatch, {"output_channels": None})
    result = verify.verify_values({(MEDIUM, "output_channels")})
    assert result.values == {"23x26x3->5 k3x2 s2x3 SAME output_channels": False}
    assert result.failures == [
        "23x26x3->5 k3x2 s2x3 SAME output_channels: on the proxy 11x11x2->3 k3x2 s2x3 SAME: "
        "formula 3, simulation not measured",
        "23x26x3->5 k3x2 s2x3 SAME output_channels: on the proxy 11x11x2->3 k3x2 s2x3 SAME: "
        "separable count 3, simulation not measured",
        "23x26x3->5 k3x2 s2x3 SAME output_channels: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "formula 2, simulation not measured",
        "23x26x3->5 k3x2 s2x3 SAME output_channels: on the proxy 13x14x3->2 k3x2 s2x3 SAME: "
        "separable count 2, simulation not measured"]


def test_a_separable_count_that_misses_a_quantity_at_full_size_proves_nothing(monkeypatch):
    monkeypatch.setattr(verify, "FULL_SIMULATION_BUDGET", 0)
    monkeypatch.setattr(verify, "_measure_separable",
                        lambda config: {} if config == MEDIUM else verify.measure_separable(
                            *config.sizes(), config.padding))
    result = verify.verify_values({(MEDIUM, "output_height")})
    assert result.failures == ["23x26x3->5 k3x2 s2x3 SAME output_height: formula 12, "
                               "separable count not measured"]


def test_growth_counts_too_large_to_simulate_are_proved_on_proxies(monkeypatch):
    """Kernel 7: sides 128 and 256, too large to simulate; a separable count
    the proxies contradict fails the growth even when the slopes fit."""
    base = Config(6, 6, 4, 4, 7, 7, 1, 1, "SAME")
    simulated = _recording_simulation(monkeypatch)
    result = Verification()
    verify.verify_growths(["standard.multiplications"], base, result)
    assert result.growths == {"standard.multiplications": True} and result.ok
    assert all(config.height <= 24 and config.in_channels == 1 for config in simulated)
    assert {config.kernel_h for config in simulated} == {3, 6, 7}

    real = verify._measure_separable
    monkeypatch.setattr(verify, "_measure_separable", lambda config: {
        **real(config), "standard.multiplications": real(config)["standard.multiplications"] * 2})
    result = Verification()
    verify.verify_growths(["standard.multiplications"], base, result)
    assert result.growths == {"standard.multiplications": False}
    assert result.failures[0] == (
        "growth of standard.multiplications: on the proxy 16x16x1->1 k7x7 s1x1 SAME: "
        "separable count 25088, simulation 12544")
    assert len(result.failures) == 4 * 2  # two proxies for each of the four counts


def test_verify_spec_reports_its_progress_step_by_step(tmp_path):
    steps = []
    verify.verify_spec(tiny_spec(tmp_path), progress=lambda *step: steps.append(step))
    assert steps == [
        (0, 5, "5x7x2->3 k3x1 s1x2 VALID"),
        (1, 5, "6x6x1->1 k3x3 s1x1 SAME"),
        (2, 5, "6x6x1->1 k3x3 s1x1 VALID"),
        (3, 5, "growth of fully_connected.multiplications"),
        (4, 5, "growth of standard.multiplications"),
        (5, 5, ""),
    ]


def test_how_proved_names_each_configuration_and_its_proxies():
    assert verify.how_proved(["a", "b"], {"c": ["p", "q"], "d": ["r", "s"]}) == (
        "simulated in full: a, b; proved on proxies, then instantiated at full size: "
        "c (on p and q); d (on r and s)")
    assert verify.how_proved([], {}) == (
        "simulated in full: none; proved on proxies, then instantiated at full size: none")


def test_the_command_says_which_configurations_were_proved_on_proxies(monkeypatch, capsys):
    _command(monkeypatch, Verification(values={"a": True}, simulated=["s"],
                                       proxies={"big": ["p1", "p2"]}, seconds=0.5))
    assert verify.main([]) == 0
    assert capsys.readouterr().out == (
        "verified 1/1 values and 0/0 growths in 0.5 s\n"
        "  simulated in full: s; proved on proxies, then instantiated at full size: "
        "big (on p1 and p2)\n")
