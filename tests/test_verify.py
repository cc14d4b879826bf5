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
    # Sides of at least 10 kernels: 64 and 128 for this kernel of 4.
    one_channel = replace(base, in_channels=1, out_channels=1)
    assert counts.measured == [
        replace(one_channel, height=64, width=64, kernel_h=4, kernel_w=4),
        replace(one_channel, height=128, width=128, kernel_h=4, kernel_w=4),
        replace(one_channel, height=128, width=128, kernel_h=6, kernel_w=6),
        replace(one_channel, height=128, width=128, kernel_h=3, kernel_w=3),
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
