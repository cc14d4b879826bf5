"""Tests of autograder.assignment.simulation, the numpy witness for the answer key.

The simulation must not contain closed-form formulas; these tests may, and use
them (TensorFlow's padding formula, scalar-loop reference layers) as
independent checks of what the simulation measures by running the layers.
"""
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.assignment import simulation as sim

# --------------------------------------------------------------------------
# Independent references: closed formulas and scalar loops
# --------------------------------------------------------------------------


def tf_same_padding(n, k, s):
    """TensorFlow's documented SAME padding (before, after)."""
    total = max((math.ceil(n / s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def reference_geometry(height, width, kh, kw, sh, sw, padding):
    """(out_h, out_w, top, left) from the closed formulas."""
    if padding == "SAME":
        top = tf_same_padding(height, kh, sh)[0]
        left = tf_same_padding(width, kw, sw)[0]
        return math.ceil(height / sh), math.ceil(width / sw), top, left
    out_h = (height - kh) // sh + 1 if height >= kh else 0
    out_w = (width - kw) // sw + 1 if width >= kw else 0
    return out_h, out_w, 0, 0


def reference_conv(x, kernel_at, bias_at, kh, kw, c_out, stride, padding):
    """Scalar-loop convolution. kernel_at(i, j) and bias_at(i, j) give the
    kernel (kh, kw, C_in, C_out) and bias (C_out,) used at output (i, j).
    Also returns (multiplications, products against real pixels)."""
    height, width, c_in = x.shape
    out_h, out_w, top, left = reference_geometry(
        height, width, kh, kw, *stride, padding)
    z = np.zeros((out_h, out_w, c_out))
    multiplications = real = 0
    for i in range(out_h):
        for j in range(out_w):
            kernel, bias = kernel_at(i, j), bias_at(i, j)
            for o in range(c_out):
                total = bias[o]
                for a in range(kh):
                    for b in range(kw):
                        r = i * stride[0] + a - top
                        c = j * stride[1] + b - left
                        inside = 0 <= r < height and 0 <= c < width
                        for ch in range(c_in):
                            multiplications += 1
                            if inside:
                                real += 1
                                total += x[r, c, ch] * kernel[a, b, ch, o]
                z[i, j, o] = total
    return z, multiplications, real


configs = st.tuples(
    st.integers(1, 7), st.integers(1, 7),      # height, width
    st.integers(1, 2), st.integers(1, 3),      # in, out channels
    st.integers(1, 4), st.integers(1, 4),      # kernel h, w
    st.integers(1, 3), st.integers(1, 3),      # stride h, w
    st.sampled_from(["SAME", "VALID"]),
)


def random_layers(config, seed=0):
    """Input in [1, 2] (no real pixel is zero) and parameters of the three
    layers, shaped from the closed-form output size."""
    height, width, c_in, c_out, kh, kw, sh, sw, padding = config
    rng = np.random.default_rng(seed)
    out_h, out_w, _, _ = reference_geometry(height, width, kh, kw, sh, sw,
                                            padding)
    outputs = out_h * out_w * c_out
    x = rng.uniform(1, 2, (height, width, c_in))
    return x, {
        "standard": (rng.normal(size=(kh, kw, c_in, c_out)),
                     rng.normal(size=c_out)),
        "non_weight_sharing": (rng.normal(size=(out_h, out_w, kh, kw, c_in,
                                                c_out)),
                               rng.normal(size=(out_h, out_w, c_out))),
        "fully_connected": (rng.normal(size=(outputs, x.size)),
                            rng.normal(size=outputs)),
    }, (out_h, out_w, c_out)


def layer_functions(config, x, output_shape):
    """name -> (vectorised layer(w, b), counting layer(w, b)) at input x."""
    stride, padding = config[6:8], config[8]
    return {
        "standard": (
            lambda w, b: sim.standard_conv2d(x, w, b, stride, padding),
            lambda w, b: sim.standard_conv2d_counting(x, w, b, stride,
                                                      padding)),
        "non_weight_sharing": (
            lambda w, b: sim.locally_connected2d(x, w, b, stride, padding),
            lambda w, b: sim.locally_connected2d_counting(x, w, b, stride,
                                                          padding)),
        "fully_connected": (
            lambda w, b: sim.fully_connected(x, w, b, output_shape),
            lambda w, b: sim.fully_connected_counting(x, w, b, output_shape)),
    }


# --------------------------------------------------------------------------
# Padding
# --------------------------------------------------------------------------


def test_same_padding_search_matches_tensorflow_formula():
    for n in range(1, 40):
        for k in range(1, 8):
            for s in range(1, 5):
                assert sim.same_padding(n, k, s) == tf_same_padding(n, k, s)


def test_padding_amounts():
    assert sim.padding_amounts(28, 28, 3, 3, 1, 1, "SAME") == (1, 1, 1, 1)
    # Even kernel: the odd pixel goes after (bottom/right).
    assert sim.padding_amounts(6, 6, 2, 4, 1, 1, "SAME") == (0, 1, 1, 2)
    assert sim.padding_amounts(5, 5, 3, 3, 2, 2, "valid") == (0, 0, 0, 0)
    with pytest.raises(ValueError):
        sim.padding_amounts(5, 5, 3, 3, 1, 1, "FULL")


# --------------------------------------------------------------------------
# Forwards: vectorised vs counting vs scalar reference
# --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(configs)
def test_forwards_agree_with_each_other_and_a_scalar_reference(config):
    height, width, c_in, c_out, kh, kw, sh, sw, padding = config
    x, params, output_shape = random_layers(config)
    functions = layer_functions(config, x, output_shape)

    w, b = params["standard"]
    expected, multiplications, real = reference_conv(
        x, lambda i, j: w, lambda i, j: b, kh, kw, c_out, (sh, sw), padding)
    counted = functions["standard"][1](w, b)
    assert np.allclose(functions["standard"][0](w, b), expected)
    assert np.allclose(counted.z, expected)
    assert (counted.multiplications, counted.real_multiplications) == (
        multiplications, real)

    w, b = params["non_weight_sharing"]
    expected, multiplications, real = reference_conv(
        x, lambda i, j: w[i, j], lambda i, j: b[i, j], kh, kw, c_out,
        (sh, sw), padding)
    counted = functions["non_weight_sharing"][1](w, b)
    assert np.allclose(functions["non_weight_sharing"][0](w, b), expected)
    assert np.allclose(counted.z, expected)
    assert (counted.multiplications, counted.real_multiplications) == (
        multiplications, real)

    w, b = params["fully_connected"]
    expected = np.array([sum(w[r, k] * x.reshape(-1)[k]
                             for k in range(x.size)) + b[r]
                         for r in range(w.shape[0])]).reshape(output_shape)
    counted = functions["fully_connected"][1](w, b)
    assert np.allclose(functions["fully_connected"][0](w, b), expected)
    assert np.allclose(counted.z, expected)
    assert counted.multiplications == counted.real_multiplications == w.size


def test_counting_forward_agrees_at_mnist_size_and_is_fast():
    config = (28, 28, 1, 1, 3, 3, 1, 1, "SAME")
    x, params, output_shape = random_layers(config, seed=3)
    for name, (forward, counting) in layer_functions(
            config, x, output_shape).items():
        w, b = params[name]
        start = time.perf_counter()
        counted = counting(w, b)
        elapsed = time.perf_counter() - start
        assert np.allclose(counted.z, forward(w, b)), name
        assert elapsed < 1.0, (name, elapsed)


def test_kernel_larger_than_input_gives_empty_output_and_no_work():
    x = np.ones((2, 3, 1))
    w, b = np.ones((5, 2, 1, 4)), np.zeros(4)
    z = sim.standard_conv2d(x, w, b, 1, "VALID")
    counted = sim.standard_conv2d_counting(x, w, b, 1, "VALID")
    assert z.shape == counted.z.shape == (0, 2, 4)
    assert counted[1:] == (0, 0, 0, 0)

    facts = sim.measure(2, 2, 1, 1, 5, 5, 1, 1, "VALID")
    assert (facts["output_height"], facts["output_width"]) == (0, 0)
    assert facts["flattened_length"] == 0
    assert facts["standard.weights"] == 25
    for name in sim.LAYER_NAMES:
        assert facts[f"{name}.multiplications"] == 0
        assert facts[f"{name}.real_multiplications"] == 0
        assert facts[f"{name}.jacobian_rows"] == 0
        assert facts[f"{name}.jacobian_entries"] == 0
        assert facts[f"{name}.jacobian_nonzero_with_bias"] == 0
    assert facts["non_weight_sharing.weights"] == 0
    assert facts["fully_connected.weights"] == 0


# --------------------------------------------------------------------------
# Jacobians
# --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(configs)
def test_jacobians_reproduce_the_layer_and_match_the_counted_structure(config):
    x, params, output_shape = random_layers(config)
    for name, (forward, counting) in layer_functions(
            config, x, output_shape).items():
        w, b = params[name]
        z = forward(w, b)
        jacobian, tensor_shape = sim.weight_jacobian(forward, w.shape, b.shape)
        assert tensor_shape == z.shape + w.shape
        assert jacobian.shape == (z.size, w.size)
        bias_contribution = forward(np.zeros_like(w), b).reshape(-1)
        assert np.allclose(jacobian @ w.reshape(-1) + bias_contribution,
                           z.reshape(-1)), name

        full = sim.weight_and_bias_jacobian(forward, w.shape, b.shape)
        assert full.shape == (z.size, w.size + b.size)
        assert np.array_equal(full[:, :w.size], jacobian)
        assert np.allclose(full @ np.concatenate([w.reshape(-1),
                                                  b.reshape(-1)]),
                           z.reshape(-1)), name

        counted = counting(w, b)
        assert np.count_nonzero(jacobian) == counted.real_weight_pairs, name
        assert (np.count_nonzero(full[:, w.size:]) == counted.bias_pairs), name


def test_jacobian_entries_are_the_input_pixels():
    """dz[i, j, o] / dw[a, b, c, o] is the (padded) pixel that tap reads."""
    x = np.arange(1.0, 26.0).reshape(5, 5, 1)
    w, b = np.zeros((3, 3, 1, 1)), np.zeros(1)
    jacobian, shape = sim.weight_jacobian(
        lambda w, b: sim.standard_conv2d(x, w, b, 1, "SAME"), w.shape, b.shape)
    tensor = jacobian.reshape(shape)
    padded = np.pad(x[..., 0], 1)
    for i in range(5):
        for j in range(5):
            assert np.array_equal(tensor[i, j, 0, :, :, 0, 0],
                                  padded[i:i + 3, j:j + 3])


@pytest.mark.parametrize("config", [
    (6, 6, 1, 1, 3, 3, 1, 1, "SAME"),
    (7, 5, 2, 3, 2, 3, 2, 1, "SAME"),
    (9, 9, 2, 3, 5, 5, 2, 2, "VALID"),
    (3, 3, 1, 2, 5, 5, 1, 1, "SAME"),   # kernel larger than the input
])
def test_explicit_and_structural_jacobian_facts_agree(config):
    explicit = sim.measure(*config, explicit_jacobian_limit=10 ** 8)
    structural = sim.measure(*config, explicit_jacobian_limit=0)
    for name in sim.LAYER_NAMES:
        assert explicit[f"{name}.jacobian_method"] == "explicit"
        assert structural[f"{name}.jacobian_method"] == "structural"
    differing = {key for key in explicit if explicit[key] != structural[key]}
    assert differing == {f"{name}.jacobian_method" for name in sim.LAYER_NAMES}


def test_feasibility_bounds_the_basis_and_the_matrix():
    assert sim.explicit_jacobian_is_feasible(784, 9)
    assert not sim.explicit_jacobian_is_feasible(784, 7056)
    assert sim.explicit_jacobian_is_feasible(10, 10, limit=200)
    assert not sim.explicit_jacobian_is_feasible(10, 10, limit=199)


# --------------------------------------------------------------------------
# A fully-connected layer replicating the convolution
# --------------------------------------------------------------------------


@pytest.mark.parametrize("height, width, kernel, stride, padding", [
    (6, 5, (3, 2), (1, 2), "SAME"),
    (7, 7, (3, 3), (2, 2), "VALID"),
    (4, 4, (5, 5), (1, 1), "SAME"),
])
def test_fully_connected_replicates_the_convolution(height, width, kernel,
                                                    stride, padding):
    rng = np.random.default_rng(1)
    w = rng.normal(size=kernel + (2, 3))
    b = rng.normal(size=3)
    dense, bias = sim.fully_connected_replicating_conv(w, b, height, width,
                                                       stride, padding)
    for _ in range(3):
        x = rng.normal(size=(height, width, 2))
        conv = sim.standard_conv2d(x, w, b, stride, padding)
        assert dense.shape == (conv.size, x.size)
        assert np.allclose(dense @ x.reshape(-1) + bias, conv.reshape(-1))
        assert np.allclose(sim.fully_connected(x, dense, bias, conv.shape),
                           conv)


def test_extra_question_replicating_layer_size():
    """28x28x3 input, three 2x2x3 filters, VALID: output 27x27x3."""
    w, b = np.ones((2, 2, 3, 3)), np.zeros(3)
    dense, bias = sim.fully_connected_replicating_conv(w, b, 28, 28)
    assert dense.shape == (27 * 27 * 3, 28 * 28 * 3)
    assert dense.size + bias.size == 27 * 27 * 3 * (28 * 28 * 3 + 1)
    assert w.size + b.size == 39
    # Each row keeps only its 12 taps; everything else is a forced zero.
    assert np.count_nonzero(dense) == 27 * 27 * 3 * 12


# --------------------------------------------------------------------------
# Max pooling
# --------------------------------------------------------------------------


def test_max_pool_of_23x23_never_reads_the_last_row_or_column():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(23, 23, 2))
    pooled, read = sim.max_pool2d(x, 2, 2)
    assert pooled.shape == (11, 11, 2)
    assert read.shape == (23, 23)
    assert not read[22, :].any() and not read[:, 22].any()
    assert read[:22, :22].all()
    expected = x[:22, :22].reshape(11, 2, 11, 2, 2).max(axis=(1, 3))
    assert np.array_equal(pooled, expected)
    # So changing the unread pixels changes nothing.
    changed = x.copy()
    changed[22, :] = changed[:, 22] = 100.0
    assert np.array_equal(sim.max_pool2d(changed, 2, 2)[0], pooled)


def test_max_pool_with_rectangular_window_and_stride():
    x = np.arange(35.0).reshape(5, 7)
    pooled, read = sim.max_pool2d(x, (2, 3), (3, 2))
    # Windows start at rows 0, 3 and columns 0, 2, 4; each maximum is the
    # window's bottom-right element.
    assert np.array_equal(pooled, [[9, 11, 13], [30, 32, 34]])
    assert read.all(axis=1).tolist() == [True, True, False, True, True]
    assert read.any(axis=0).all()


# --------------------------------------------------------------------------
# measure()
# --------------------------------------------------------------------------

LAYER_KEYS = ("weights", "biases", "multiplications", "real_multiplications",
              "jacobian_rows", "jacobian_cols", "jacobian_tensor_shape",
              "jacobian_entries", "jacobian_nonzero",
              "jacobian_cols_with_bias", "jacobian_nonzero_with_bias",
              "jacobian_method")


def test_measure_keys_and_types():
    facts = sim.measure(5, 4, 2, 3, 3, 2, 2, 1, "SAME")
    expected_keys = {"output_height", "output_width", "output_channels",
                     "flattened_length", "pad_top", "pad_bottom", "pad_left",
                     "pad_right"}
    expected_keys |= {f"{name}.{key}" for name in sim.LAYER_NAMES
                      for key in LAYER_KEYS}
    assert set(facts) == expected_keys
    for key, value in facts.items():
        if key.endswith("jacobian_method"):
            assert value in ("explicit", "structural")
        elif key.endswith("jacobian_tensor_shape"):
            assert type(value) is tuple
            assert all(type(v) is int for v in value)
        else:
            assert type(value) is int, key


def test_measure_returns_a_fresh_dict_each_time():
    facts = sim.measure(4, 4, 1, 1, 3, 3, 1, 1, "SAME")
    facts["output_height"] = -1
    assert sim.measure(4, 4, 1, 1, 3, 3, 1, 1, "SAME")["output_height"] == 4


@settings(max_examples=40, deadline=None)
@given(configs)
def test_measure_agrees_with_closed_forms(config):
    height, width, c_in, c_out, kh, kw, sh, sw, padding = config
    facts = sim.measure(*config)
    out_h, out_w, _, _ = reference_geometry(height, width, kh, kw, sh, sw,
                                            padding)
    outputs = out_h * out_w * c_out
    taps = kh * kw * c_in
    assert (facts["output_height"], facts["output_width"]) == (out_h, out_w)
    assert facts["flattened_length"] == outputs
    weights = {"standard": taps * c_out,
               "non_weight_sharing": out_h * out_w * taps * c_out,
               "fully_connected": outputs * height * width * c_in}
    for name, count in weights.items():
        assert facts[f"{name}.weights"] == count
        assert facts[f"{name}.jacobian_tensor_shape"] == (
            (out_h, out_w, c_out) + facts[f"{name}.jacobian_tensor_shape"][3:])
        assert facts[f"{name}.jacobian_entries"] == outputs * count
        assert facts[f"{name}.jacobian_nonzero"] == (
            facts[f"{name}.real_multiplications"])
    assert facts["standard.multiplications"] == outputs * taps
    assert facts["non_weight_sharing.multiplications"] == outputs * taps
    assert facts["fully_connected.multiplications"] == (
        outputs * height * width * c_in)


def base_case_expectations(side):
    """The homework's base case (1 channel, 3x3, stride 1, SAME) at a given
    side, by hand: SAME keeps side x side outputs; one pixel of padding all
    round; the 3x3 taps that land on padding are 2 * side * 3 per border
    direction minus the corner overlaps, so real products are (3*side - 2)^2
    (each dimension independently has 3*side - 2 real taps)."""
    outputs = side * side
    return {
        "output_height": side, "output_width": side, "output_channels": 1,
        "flattened_length": outputs,
        "pad_top": 1, "pad_bottom": 1, "pad_left": 1, "pad_right": 1,
        "standard.weights": 9,
        "non_weight_sharing.weights": 9 * outputs,
        "fully_connected.weights": outputs * outputs,
        "standard.biases": 1,
        "non_weight_sharing.biases": outputs,
        "fully_connected.biases": outputs,
        "standard.multiplications": 9 * outputs,
        "non_weight_sharing.multiplications": 9 * outputs,
        "fully_connected.multiplications": outputs * outputs,
        "standard.real_multiplications": (3 * side - 2) ** 2,
        "non_weight_sharing.real_multiplications": (3 * side - 2) ** 2,
        "fully_connected.real_multiplications": outputs * outputs,
        "standard.jacobian_rows": outputs,
        "standard.jacobian_cols": 9,
        "non_weight_sharing.jacobian_cols": 9 * outputs,
        "fully_connected.jacobian_cols": outputs * outputs,
        "standard.jacobian_tensor_shape": (side, side, 1, 3, 3, 1, 1),
        "non_weight_sharing.jacobian_tensor_shape":
            (side, side, 1, side, side, 3, 3, 1, 1),
        "fully_connected.jacobian_tensor_shape":
            (side, side, 1, outputs, outputs),
        "standard.jacobian_nonzero": (3 * side - 2) ** 2,
        "standard.jacobian_nonzero_with_bias": (3 * side - 2) ** 2 + outputs,
        "fully_connected.jacobian_nonzero": outputs * outputs,
        "fully_connected.jacobian_nonzero_with_bias": outputs * (outputs + 1),
    }


def test_base_case_28_matches_the_homework_numbers():
    facts = sim.measure(28, 28, 1, 1, 3, 3, 1, 1, "SAME")
    # The numbers as worked out by hand for the homework.
    literal = {
        "output_height": 28, "output_width": 28, "flattened_length": 784,
        "pad_top": 1, "pad_bottom": 1, "pad_left": 1, "pad_right": 1,
        "standard.weights": 9, "non_weight_sharing.weights": 7056,
        "fully_connected.weights": 614656,
        "standard.biases": 1, "non_weight_sharing.biases": 784,
        "fully_connected.biases": 784,
        "standard.multiplications": 7056,
        "non_weight_sharing.multiplications": 7056,
        "fully_connected.multiplications": 614656,
        "standard.real_multiplications": 6724,
        "non_weight_sharing.real_multiplications": 6724,
        "fully_connected.real_multiplications": 614656,
        "standard.jacobian_rows": 784, "standard.jacobian_cols": 9,
        "non_weight_sharing.jacobian_rows": 784,
        "non_weight_sharing.jacobian_cols": 7056,
        "fully_connected.jacobian_rows": 784,
        "fully_connected.jacobian_cols": 614656,
    }
    assert {key: facts[key] for key in literal} == literal
    expected = base_case_expectations(28)
    assert {key: facts[key] for key in expected} == expected


def test_base_case_56():
    facts = sim.measure(56, 56, 1, 1, 3, 3, 1, 1, "SAME")
    expected = base_case_expectations(56)
    assert {key: facts[key] for key in expected} == expected
    assert facts["fully_connected.jacobian_entries"] == 3136 * 3136 ** 2


# --------------------------------------------------------------------------
# The separable measurement and the cost estimate (proof at any size)
# --------------------------------------------------------------------------

#: Wider than `configs`: sides up to 13 against kernels up to 6 and strides
#: up to 4, so windows on the leading padding, on real pixels only and on the
#: trailing padding all occur, and kernels wider than the input (SAME).
separable_configs = st.tuples(
    st.integers(1, 13), st.integers(1, 13),
    st.integers(1, 3), st.integers(1, 3),
    st.integers(1, 6), st.integers(1, 6),
    st.integers(1, 4), st.integers(1, 4),
    st.sampled_from(["SAME", "VALID"]),
)


def _without_method(facts):
    return {key: value for key, value in facts.items() if not key.endswith("jacobian_method")}


@settings(max_examples=150, deadline=None)
@given(separable_configs)
def test_the_separable_measurement_equals_the_full_simulation(config):
    separable = sim.measure_separable(*config)
    assert _without_method(separable) == _without_method(sim.measure(*config))
    assert {separable[f"{name}.jacobian_method"] for name in sim.LAYER_NAMES} == {"separable"}


@pytest.mark.parametrize("config", [
    (28, 28, 1, 1, 3, 3, 1, 1, "SAME"),       # the homework's layer
    (32, 32, 3, 4, 5, 5, 2, 2, "SAME"),       # variant-32x32: uneven padding
    (28, 28, 3, 3, 2, 2, 1, 1, "VALID"),      # the extra question's layer
    (20, 20, 2, 3, 7, 7, 2, 2, "SAME"),       # a ResNet stem's proxy
    (25, 24, 3, 2, 11, 11, 4, 3, "VALID"),    # the largest kernel and stride
])
def test_the_separable_measurement_equals_the_full_simulation_on_realistic_layers(config):
    assert _without_method(sim.measure_separable(*config)) == _without_method(sim.measure(*config))


@pytest.mark.parametrize("length,kernel,stride,padding,expected", [
    (28, 3, 1, "SAME", sim.AxisWindows(1, 1, 28, 28 * 3 - 2)),
    (28, 3, 1, "VALID", sim.AxisWindows(0, 0, 26, 26 * 3)),
    (32, 5, 2, "SAME", sim.AxisWindows(1, 2, 16, 16 * 5 - 3)),
    # Padded taps: 2 in the first window; 1 and 3 in the last two.
    (224, 7, 2, "SAME", sim.AxisWindows(2, 3, 112, 112 * 7 - 2 - 1 - 3)),
    # A kernel wider than the input: windows see 4, 5, 5, 5, 4 of its pixels.
    (5, 7, 1, "SAME", sim.AxisWindows(3, 3, 5, 23)),
    (5, 7, 1, "VALID", sim.AxisWindows(0, 0, 0, 0)),
    (10, 3, 4, "VALID", sim.AxisWindows(0, 0, 2, 6)),  # the last pixel is never read
])
def test_axis_windows_enumerates_windows_and_their_real_taps(length, kernel, stride, padding,
                                                              expected):
    assert sim.axis_windows(length, kernel, stride, padding) == expected


def test_axis_windows_refuses_an_unknown_padding():
    with pytest.raises(ValueError, match="padding must be"):
        sim.axis_windows(8, 3, 1, "FULL")


def test_the_separable_measurement_of_the_worst_course_layer_is_instant():
    started = time.perf_counter()
    facts = sim.measure_separable(1024, 1024, 512, 512, 11, 11, 1, 1, "SAME")
    assert time.perf_counter() - started < 1.0
    assert facts["fully_connected.weights"] == (1024 * 1024 * 512) ** 2
    assert facts["output_height"] == 1024 and facts["pad_top"] == 5


def _scalar_dense_counts(x, w, b):
    """The dense layer by scalar loops: z, products, distinct (unit, weight)
    pairs (every pair once: the unit's row times the input)."""
    inputs = x.reshape(-1)
    z = np.array([sum(w[u, p] * inputs[p] for p in range(inputs.size)) + b[u]
                  for u in range(w.shape[0])])
    pairs = {(u, u * inputs.size + p) for u in range(w.shape[0]) for p in range(inputs.size)}
    return z, w.shape[0] * inputs.size, len(pairs)


@pytest.mark.parametrize("block", [1, 7, 30, 1 << 14])
def test_the_vectorised_dense_counting_pass_counts_what_scalar_loops_do(monkeypatch, block):
    """Blocks of units that end inside an output position, on a unit, or take
    the whole layer count the same products, pairs and biases."""
    monkeypatch.setattr(sim, "_DENSE_BLOCK_ELEMENTS", block)
    rng = np.random.default_rng(3)
    x = rng.uniform(1, 2, (3, 2, 2))
    output_shape = (2, 3, 2)
    w = rng.normal(size=(12, x.size))
    b = rng.normal(size=12)
    counted = sim.fully_connected_counting(x, w, b, output_shape)
    z, products, pairs = _scalar_dense_counts(x, w, b)
    np.testing.assert_allclose(counted.z.reshape(-1), z)
    assert counted.z.shape == output_shape
    assert (counted.multiplications, counted.real_multiplications) == (products, products)
    assert counted.real_weight_pairs == pairs and counted.bias_pairs == 12


def test_the_cost_estimate_grows_with_positions_windows_and_the_dense_layer():
    homework = sim.full_simulation_cost(28, 28, 1, 1, 3, 3, 1, 1, "SAME")
    # 784 positions x 2 layers x 60 us, 7,056 window products x 2 x 60 ns,
    # 614,656 dense products x 15 ns.
    assert homework == 2 * 784 * 60_000 + 2 * 7056 * 60 + 614656 * 15
    assert sim.full_simulation_cost(56, 56, 1, 1, 3, 3, 1, 1, "SAME") > 4 * homework
    assert sim.full_simulation_cost(28, 28, 1, 8, 3, 3, 1, 1, "SAME") > homework
    assert sim.full_simulation_cost(28, 28, 1, 1, 3, 3, 2, 2, "SAME") < homework
