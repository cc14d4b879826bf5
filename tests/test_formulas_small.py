"""The formulas (solutions/layers.py) and the growth derived from them
(solutions/growth.py), checked fast enough to run against every mutant of
those files: a few small configurations chosen so that each parameter shows
(non-square input and kernel, unequal strides, channels, SAME and VALID,
odd total padding, a kernel larger than the input), and the growth of every
quantity with a polynomial growth, in both paddings.

tests/test_solutions.py is the full proof (576 configurations); this file
is its fast subset plus what that proof does not pin (errors, growth of
every quantity). The simulation runs once, at import (mutmut's fork server
imports this module before forking, so each mutant reuses it); the
formulas are derived afresh by every test (see `formulas_derived_afresh`).
"""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from autograder.assignment.simulation import measure
from solutions import growth as growth_module
from solutions import layers
from solutions.config import Config
from solutions.growth import KERNEL, SIDE, growth_in_side
from solutions.layers import LAYER_NAMES, Layer, _as_int, _by_layer, quantities

CONFIGS = [
    Config(5, 7, 2, 3, 3, 1, 1, 2, "VALID"),
    Config(5, 7, 2, 3, 3, 1, 1, 2, "SAME"),
    Config(6, 9, 1, 2, 2, 4, 2, 3, "SAME"),    # even kernel: the odd padding pixel goes after
    Config(6, 9, 3, 1, 2, 4, 2, 3, "VALID"),
    Config(8, 8, 1, 1, 3, 3, 3, 3, "SAME"),
    Config(4, 3, 1, 1, 5, 4, 1, 1, "VALID"),   # kernel larger than the input: no output
    Config(4, 3, 2, 2, 5, 4, 1, 1, "SAME"),
    Config(7, 5, 1, 1, 1, 1, 2, 1, "SAME"),
    Config(8, 6, 1, 1, 1, 1, 2, 3, "SAME"),    # stride beyond the kernel: SAME pads nothing
    Config(7, 9, 1, 1, 5, 5, 2, 2, "SAME"),    # stride 2 with 2 padding pixels before
    Config(3, 4, 1, 1, 5, 1, 1, 1, "VALID"),   # kernel 2 rows taller than the input
]
SIMULATED = {config: measure(config.height, config.width, config.in_channels,
                             config.out_channels, config.kernel_h, config.kernel_w,
                             config.stride_h, config.stride_w, config.padding)
             for config in CONFIGS}


@pytest.fixture(autouse=True)
def formulas_derived_afresh():
    """Each test derives the formulas itself instead of reusing those another
    test cached, so each test runs all the formula code it depends on (and
    mutmut, which records which test runs which function, sees it)."""
    for cached in (layers._compiled_quantities, layers.symbolic_quantities, growth_module._growth):
        cached.cache_clear()


def test_every_formula_equals_the_simulation():
    disagreements = {}
    for config in CONFIGS:
        formulas, measured = quantities(config), SIMULATED[config]
        wrong = {name: (value, measured.get(name)) for name, value in formulas.items()
                 if measured.get(name) != value}
        if wrong:
            disagreements[str(config)] = wrong
    assert disagreements == {}


def test_counts_are_plain_integers_and_shapes_tuples_of_them():
    values = quantities(CONFIGS[2])
    for layer in LAYER_NAMES:
        assert {f"{layer}.weights", f"{layer}.jacobian_entries"} <= set(values)
    for name, value in values.items():
        if name.endswith("tensor_shape"):
            assert type(value) is tuple and all(type(v) is int for v in value), name
        else:
            assert type(value) is int, name


def test_a_non_integer_count_is_refused():
    assert _as_int(Fraction(6, 2)) == 3 and _as_int((Fraction(4), 5)) == (4, 5)
    with pytest.raises(ValueError, match="a count evaluated to a non-integer: 7/2"):
        _as_int(Fraction(7, 2))


def test_an_unknown_layer_is_refused():
    assert _by_layer("non_weight_sharing", 1, 2, 3) == 2
    with pytest.raises(ValueError, match="unknown layer 'dense'; expected one of"):
        _by_layer("dense", 1, 2, 3)
    with pytest.raises(ValueError):
        Layer.symbolic("SAME").weights("dense")


def test_the_symbolic_layer_has_a_positive_integer_symbol_per_size():
    layer = Layer.symbolic("valid")
    assert layer.padding == "VALID" and Layer.symbolic().padding == "SAME"
    sizes = [layer.height, layer.width, layer.in_channels, layer.out_channels,
             layer.kernel_h, layer.kernel_w, layer.stride_h, layer.stride_w]
    assert [str(s) for s in sizes] == ["H", "W", "C_in", "C_out", "k_h", "k_w", "s_h", "s_w"]
    assert all(s.is_integer and s.is_positive for s in sizes)
    with pytest.raises(ValueError):
        Layer.symbolic("FULL")


# -- growth --------------------------------------------------------------------------

#: (quantity, power of N, power of k), the same in SAME and VALID.
GROWTHS = [
    ("output_height", 1, 0), ("output_channels", 0, 0), ("flattened_length", 2, 0),
    ("standard.weights", 0, 2), ("standard.biases", 0, 0), ("standard.multiplications", 2, 2),
    ("standard.jacobian_rows", 2, 0), ("standard.jacobian_cols", 0, 2),
    ("standard.jacobian_entries", 2, 2), ("standard.jacobian_cols_with_bias", 0, 2),
    ("non_weight_sharing.weights", 2, 2), ("non_weight_sharing.biases", 2, 0),
    ("non_weight_sharing.multiplications", 2, 2), ("non_weight_sharing.jacobian_entries", 4, 2),
    ("fully_connected.weights", 4, 0), ("fully_connected.multiplications", 4, 0),
    ("fully_connected.real_multiplications", 4, 0), ("fully_connected.jacobian_entries", 6, 0),
    ("fully_connected.jacobian_nonzero_with_bias", 4, 0),
]


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_growth_of_every_quantity(padding):
    derived = {quantity: growth_in_side(quantity, padding) for quantity, _, _ in GROWTHS}
    assert {q: (g.size_exp, g.kernel_exp) for q, g in derived.items()} == {
        quantity: (size_exp, kernel_exp) for quantity, size_exp, kernel_exp in GROWTHS}


def test_growth_defaults_to_same_padding_and_grows_with_the_kernel_there():
    assert growth_in_side("pad_top") == growth_in_side("pad_top", "SAME")
    assert (growth_in_side("pad_top").size_exp, growth_in_side("pad_top").kernel_exp) == (0, 1)


@pytest.mark.parametrize("quantity", ["standard.jacobian_tensor_shape",
                                      "standard.real_multiplications",
                                      "standard.jacobian_nonzero"])
def test_shapes_and_sums_have_no_growth_to_derive(quantity):
    with pytest.raises(ValueError, match=f"{quantity} has no polynomial growth to derive"):
        growth_in_side(quantity, "SAME")


def test_the_argument_that_grows_with_the_side_dominates_a_max():
    assert growth_module._dominant_arg((sp.Integer(0), SIDE - KERNEL)) == SIDE - KERNEL
    assert growth_module._dominant_arg((SIDE * 2, KERNEL)) == SIDE * 2
    for args in [(sp.Integer(0), KERNEL), (SIDE, SIDE + 1)]:
        with pytest.raises(ValueError, match="cannot tell which of .* dominates"):
            growth_module._dominant_arg(args)
