"""The answer key's formulas: the homework's published numbers, the derived
growth, and agreement with the numpy simulation on a grid of configurations."""
from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from autograder.assignment.simulation import measure
from solutions.config import Config
from solutions.growth import growth_in_side
from solutions.layers import LAYER_NAMES, quantities
from solutions.order import Growth
from solutions.pooling import pooling_facts

BASE = Config(28, 28, 1, 1, 3, 3, 1, 1, "SAME")


def square(side: int, base: Config = BASE) -> Config:
    return Config(side, side, base.in_channels, base.out_channels, base.kernel_h,
                  base.kernel_w, base.stride_h, base.stride_w, base.padding)


def per_layer(values: dict, quantity: str) -> tuple:
    return tuple(values[f"{layer}.{quantity}"] for layer in LAYER_NAMES)


def test_base_case_geometry():
    q = quantities(BASE)
    assert (q["output_height"], q["output_width"], q["output_channels"]) == (28, 28, 1)
    assert (q["pad_top"], q["pad_bottom"], q["pad_left"], q["pad_right"]) == (1, 1, 1, 1)
    assert q["flattened_length"] == 784


def test_base_case_counts():
    q = quantities(BASE)
    assert per_layer(q, "weights") == (9, 7056, 614656)
    with_bias = tuple(w + b for w, b in zip(per_layer(q, "weights"), per_layer(q, "biases")))
    assert with_bias == (10, 7840, 615440)
    assert per_layer(q, "multiplications") == (7056, 7056, 614656)
    assert per_layer(q, "real_multiplications")[:2] == (6724, 6724)
    assert tuple(zip(per_layer(q, "jacobian_rows"), per_layer(q, "jacobian_cols"))) == (
        (784, 9), (784, 7056), (784, 614656))
    assert q["standard.jacobian_tensor_shape"] == (28, 28, 1, 3, 3, 1, 1)


def test_doubling_factors_at_56_and_112():
    counts = {side: quantities(square(side)) for side in (28, 56, 112)}
    for small, large in ((28, 56), (56, 112)):
        mult = [Fraction(a, b) for a, b in zip(per_layer(counts[large], "multiplications"),
                                                 per_layer(counts[small], "multiplications"))]
        jac = [Fraction(a, b) for a, b in zip(per_layer(counts[large], "jacobian_entries"),
                                                per_layer(counts[small], "jacobian_entries"))]
        assert mult == [4, 4, 16]
        assert jac == [4, 16, 64]


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_growth_is_derived_from_the_formulas(padding):
    side = {name: growth_in_side(name, padding).size_exp for name in (
        "standard.multiplications", "non_weight_sharing.multiplications",
        "fully_connected.multiplications", "standard.jacobian_entries",
        "non_weight_sharing.jacobian_entries", "fully_connected.jacobian_entries")}
    assert list(side.values()) == [2, 2, 4, 2, 4, 6]
    pixels = [growth_in_side(n, padding).size_exp_in("pixels") for n in side]
    assert pixels == [1, 1, 2, 1, 2, 3]
    assert growth_in_side("standard.multiplications", padding).kernel_exp == 2
    assert growth_in_side("fully_connected.multiplications", padding).kernel_exp == 0
    assert growth_in_side("standard.jacobian_entries", padding).render() == "O(N^2 k^2)"
    assert growth_in_side("fully_connected.jacobian_entries", padding).render("pixels") == "O(n^3)"


def test_speed_ups_at_the_base_case_and_asymptotically():
    q = quantities(BASE)
    forward = [Fraction(q[f"{layer}.multiplications"], q["standard.multiplications"])
               for layer in ("non_weight_sharing", "fully_connected")]
    backward = [Fraction(q[f"{layer}.jacobian_entries"], q["standard.jacobian_entries"])
                for layer in ("non_weight_sharing", "fully_connected")]
    assert forward == [1, Fraction(784, 9)]
    assert round(float(forward[1]), 1) == 87.1
    assert backward == [784, Fraction(784 ** 2, 9)]
    assert round(float(backward[1])) == 68295
    ratio = growth_in_side("fully_connected.jacobian_entries") / growth_in_side(
        "standard.jacobian_entries")
    assert ratio == Growth(Fraction(4), Fraction(-2))
    assert ratio.render() == "O(N^4/k^2)"


def test_extra_question_two():
    q = quantities(Config(28, 28, 3, 3, 2, 2, 1, 1, "VALID"))
    assert (q["standard.weights"], q["standard.biases"]) == (36, 3)
    assert (q["fully_connected.weights"], q["fully_connected.biases"]) == (5143824, 2187)


def test_pooling_fact_of_question_one():
    assert pooling_facts(23, 2, 2) == {"pooled_side": 11, "unread_indices": (22,)}
    assert pooling_facts(24, 2, 2) == {"pooled_side": 12, "unread_indices": ()}


# --------------------------------------------------------------------------
# The proof: every formula equals what the simulation measures.

SIDES = list(range(1, 17)) + [23, 28]
KERNELS = (1, 2, 3, 5)
STRIDES = (1, 2)
PADDINGS = ("SAME", "VALID")
CHANNELS = ((1, 1), (2, 3))
GRID = [Config(side, side, cin, cout, k, k, s, s, padding)
        for side, k, s, padding, (cin, cout) in itertools.product(
            SIDES, KERNELS, STRIDES, PADDINGS, CHANNELS)]


def test_the_grid_is_large_enough():
    assert len(GRID) >= 500


def _simulate(config: Config) -> dict:
    return measure(config.height, config.width, config.in_channels, config.out_channels,
                   config.kernel_h, config.kernel_w, config.stride_h, config.stride_w,
                   config.padding)


def _disagreements(config: Config) -> list[str]:
    formulas, measured = quantities(config), _simulate(config)
    return [f"{name}: formula {value}, simulation {measured.get(name)}"
            for name, value in formulas.items() if measured.get(name) != value]


@pytest.mark.parametrize("chunk", range(8))
def test_formulas_equal_the_simulation_on_the_grid(chunk):
    """576 configurations (each with and without biases), in 8 chunks so a
    failure names its neighbourhood."""
    failures = {}
    for config in GRID[chunk::8]:
        problems = _disagreements(config)
        if problems:
            failures[str(config)] = problems[:3]
    assert not failures, failures


@pytest.mark.parametrize("config", [
    BASE, square(56), Config(28, 28, 3, 3, 2, 2, 1, 1, "VALID"),
    Config(17, 11, 2, 4, 3, 2, 2, 3, "SAME"), Config(9, 13, 1, 2, 4, 3, 3, 2, "VALID"),
], ids=str)
def test_full_size_and_non_square_configurations(config):
    assert _disagreements(config) == []
