"""Measure a convolution layer's countable facts by running it.

The answer key states its facts (output sizes, padding, weight counts,
multiplications, Jacobian sizes) as SymPy formulas. This module is the
independent witness those formulas are checked against, so it must not contain
the formulas itself: every number it reports is read off something it did.

- Output sizes are the shapes of the arrays the layers produce; the windows are
  enumerated, never counted with floor/ceil arithmetic.
- SAME padding is found by searching for the least padding that yields SAME's
  promised ceil(N / s) windows, not by TensorFlow's closed formula.
- Multiplications are counted by executing them, per output position, with a
  mask of the padded input telling products against real pixels apart from
  products against padding zeros.
- Jacobians dz/dW are built column by column from the layer itself (it is
  linear in its weights), or, when too costly to build, their non-zero
  pattern is taken from the (output unit, weight) pairs the counting pass
  multiplied with real pixels. Where both run, measure() insists they agree.

A configuration too large to run (a 1024 x 1024 input with 512 channels) is
measured by measure_separable() instead, which never materialises a 2-D
layer. The three layers are separable: a window is a row window times a
column window, the SAME padding of each axis is found along that axis alone,
and a tap of window (i, j) lands on a real pixel exactly when its row tap and
its column tap both do. So the windows and their real taps are enumerated
along each axis (the same 1-D enumeration the full simulation uses), and the
counts are products of those per-axis enumerations and the channel counts.
Nothing there is a closed formula in the configuration's sizes: it counts
what it enumerated. That the separable counts equal the full simulation's is
itself checked, on every configuration the verification simulates for a
large one and in tests/test_simulation.py over many small ones.

Arrays are channels-last and batch-free: inputs (H, W, C_in), outputs
(out_h, out_w, C_out). The three layers map the same input to the same output
shape:

- "standard": one shared kernel, weights (kh, kw, C_in, C_out), bias (C_out,);
- "non_weight_sharing": a kernel per output position (Keras'
  LocallyConnected2D), weights (out_h, out_w, kh, kw, C_in, C_out), bias
  (out_h, out_w, C_out);
- "fully_connected": weights (outputs, inputs) = (out_h*out_w*C_out, H*W*C_in),
  bias (outputs,).
"""
from __future__ import annotations

import functools
import math
from typing import Callable, NamedTuple, Tuple, Union

import numpy as np

LAYER_NAMES = ("standard", "non_weight_sharing", "fully_connected")

Stride = Union[int, Tuple[int, int]]

# Jacobians whose explicit build would materialise more floats than this (see
# explicit_jacobian_is_feasible) are described structurally instead.
DEFAULT_EXPLICIT_JACOBIAN_LIMIT = 2_000_000
# Float64 elements of one-hot weight tensors evaluated per batch while building
# a Jacobian; bounds the temporary memory at 32 MB.
_BASIS_BATCH_ELEMENTS = 1 << 22
# Products the dense layer's counting pass computes per block (128 KB of
# floats, as much again of keys: small enough to stay in the cache).
_DENSE_BLOCK_ELEMENTS = 1 << 14


class CountedForward(NamedTuple):
    """A layer's output together with what computing it took.

    real_weight_pairs counts distinct (output unit, weight) pairs multiplied
    with a real input pixel: exactly the entries of dz/dW that are not zero for
    every input. bias_pairs counts distinct (output unit, bias) pairs added:
    the non-zero entries of dz/db.
    """

    z: np.ndarray
    multiplications: int
    real_multiplications: int
    real_weight_pairs: int
    bias_pairs: int


# --------------------------------------------------------------------------
# Windows and padding
# --------------------------------------------------------------------------

def _pair(value: Stride) -> tuple[int, int]:
    """Accept a single stride/size for both dimensions, as Keras does."""
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    first, second = value
    return int(first), int(second)


def _window_starts(padded_length: int, kernel: int, stride: int) -> np.ndarray:
    """First index of every `kernel`-long window that fits, `stride` apart."""
    return np.arange(0, padded_length - kernel + 1, stride)


def same_padding(length: int, kernel: int, stride: int) -> tuple[int, int]:
    """(before, after) zero padding SAME adds along one dimension.

    SAME is defined by its promise of ceil(length / stride) outputs; the
    padding is the least total that delivers that many windows, found by
    trying totals upwards. The smaller half goes before, the odd pixel after,
    as in TensorFlow.
    """
    promised_windows = -(-length // stride)
    total = 0
    while (_window_starts(length + total, kernel, stride).size
           < promised_windows):
        total += 1
    return total // 2, total - total // 2


def padding_amounts(height: int, width: int, kernel_h: int, kernel_w: int,
                    stride_h: int, stride_w: int,
                    padding: str) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) zero padding for "SAME" or "VALID"."""
    padding = padding.upper()
    if padding == "VALID":
        return 0, 0, 0, 0
    if padding == "SAME":
        return (same_padding(height, kernel_h, stride_h)
                + same_padding(width, kernel_w, stride_w))
    raise ValueError(f"padding must be 'SAME' or 'VALID', not {padding!r}")


def _windows(image: np.ndarray, kernel_h: int, kernel_w: int,
             stride: tuple[int, int], pads: tuple[int, int, int, int],
             fill: float | int | bool) -> np.ndarray:
    """Every kernel window of `image` (H, W, ...) padded with `fill`.

    Returns (out_h, out_w, kernel_h, kernel_w, ...); out_h or out_w is 0 when
    the kernel does not fit, so oversized kernels give empty outputs.
    """
    top, bottom, left, right = pads
    height, width = image.shape[:2]
    padded = np.full((top + height + bottom, left + width + right)
                     + image.shape[2:], fill, dtype=image.dtype)
    padded[top:top + height, left:left + width] = image
    rows = (_window_starts(padded.shape[0], kernel_h, stride[0])[:, None]
            + np.arange(kernel_h))
    cols = (_window_starts(padded.shape[1], kernel_w, stride[1])[:, None]
            + np.arange(kernel_w))
    return padded[rows[:, None, :, None], cols[None, :, None, :]]


def _input_windows(x: np.ndarray, kernel_h: int, kernel_w: int,
                   stride: Stride,
                   padding: str) -> tuple[np.ndarray, np.ndarray]:
    """Windows of x and, aligned with them, whether each element is a real
    pixel (True) or padding (False)."""
    stride = _pair(stride)
    pads = padding_amounts(x.shape[0], x.shape[1], kernel_h, kernel_w,
                           stride[0], stride[1], padding)
    values = _windows(x, kernel_h, kernel_w, stride, pads, 0.0)
    real = _windows(np.ones(x.shape, dtype=bool), kernel_h, kernel_w, stride,
                    pads, False)
    return values, real


# --------------------------------------------------------------------------
# Vectorised forwards
#
# Weights and biases may carry leading batch axes; the output then has the same
# leading axes. That lets a whole batch of one-hot weights be evaluated in one
# call, which is how the Jacobians below are built.
# --------------------------------------------------------------------------

def standard_conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                    stride: Stride = 1, padding: str = "VALID") -> np.ndarray:
    """Weight-sharing 2-D cross-correlation, as tf.nn.conv2d / nn.Conv2d."""
    patches, _ = _input_windows(x, w.shape[-4], w.shape[-3], stride, padding)
    # optimize=True lets einsum contract through BLAS, which matters when a
    # batch of one-hot kernels is evaluated.
    z = np.einsum("ijabc,...abco->...ijo", patches, w, optimize=True)
    return z + np.expand_dims(b, (-3, -2))


def locally_connected2d(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                        stride: Stride = 1,
                        padding: str = "VALID") -> np.ndarray:
    """Non-weight-sharing convolution: output position (i, j) uses its own
    kernel w[..., i, j, :, :, :, :] and its own biases b[..., i, j, :]."""
    out_h, out_w, kernel_h, kernel_w, in_channels, out_channels = w.shape[-6:]
    patches, _ = _input_windows(x, kernel_h, kernel_w, stride, padding)
    # A (1 x taps) @ (taps x out_channels) product per position, batched by
    # matmul (several times faster than einsum for one-hot weight batches).
    taps = kernel_h * kernel_w * in_channels
    rows = patches.reshape(out_h, out_w, 1, taps)
    kernels = w.reshape(w.shape[:-4] + (taps, out_channels))
    return (rows @ kernels)[..., 0, :] + b


def fully_connected(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                    output_shape: tuple[int, ...]) -> np.ndarray:
    """Dense layer from the flattened input to `output_shape` (the conv's
    output shape, so the layers are comparable); w is (outputs, inputs)."""
    z = w @ x.reshape(-1) + b
    return z.reshape(z.shape[:-1] + tuple(output_shape))


# --------------------------------------------------------------------------
# Counting forwards
# --------------------------------------------------------------------------

def _distinct_count(keys: np.ndarray) -> int:
    """Number of distinct values in a 1-D integer array (sort-based: several
    times faster than np.unique's hashing on these arrays)."""
    if keys.size == 0:
        return 0
    ordered = np.sort(keys, kind="stable")
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1


class _CountingPass:
    """Executes a layer one output position at a time and tallies the work.

    A position's out_channels output units are computed together: the
    products `patch[..., None] * kernel` are one per (input element, output
    channel), i.e. per (output unit, weight) pair, and each output unit sums
    its slice. The products hitting real pixels are recorded as integer keys
    output_unit * num_weights + weight, buffered, and deduplicated in batches:
    the batches hold disjoint output units, so their distinct counts add up
    to the distinct (output unit, weight) pairs of the whole pass.
    """

    _FLUSH_KEYS = 1 << 12

    def __init__(self, output_shape: tuple[int, ...], num_weights: int,
                 num_biases: int):
        self.z = np.empty(output_shape)
        self.multiplications = 0
        self._num_biases = num_biases
        # Output units numbered in C order: the rows of z.reshape(-1).
        self.unit_index = np.arange(self.z.size).reshape(output_shape)
        self._unit_weight_key = self.unit_index * num_weights
        # Which bias entry each output unit added.
        self._bias_added = np.empty(output_shape, dtype=np.int64)
        self._real_products = 0
        self._real_pairs = 0
        self._pending_keys: list[np.ndarray] = []
        self._pending_count = 0

    def position(self, i: int, j: int, patch: np.ndarray,
                 products_real: np.ndarray, kernel: np.ndarray,
                 kernel_index: np.ndarray, bias: np.ndarray,
                 bias_index: np.ndarray) -> None:
        """Compute output position (i, j). kernel is (..., out_channels) with
        patch (...) in front; products_real is patch's real-pixel mask
        broadcast to kernel's shape; *_index give each kernel/bias entry's
        flat position in the layer's parameter arrays."""
        products = patch[..., None] * kernel
        per_unit = products.reshape(-1, products.shape[-1])
        self.z[i, j] = np.add.reduce(per_unit, axis=0) + bias
        self.multiplications += products.size
        # Channel-major order makes each output unit's keys one ascending run,
        # which the stable sort in _distinct_count merges instead of sorting.
        keys = np.moveaxis(self._unit_weight_key[i, j] + kernel_index, -1, 0)[
            np.moveaxis(products_real, -1, 0)]
        self._pending_keys.append(keys)
        self._pending_count += keys.size
        if self._pending_count >= self._FLUSH_KEYS:
            self._flush()
        self._bias_added[i, j] = bias_index

    def units(self, first: int, products: np.ndarray, weight_index: np.ndarray,
              bias: np.ndarray, bias_index: np.ndarray) -> None:
        """Compute the consecutive output units first, first + 1, ... (C
        order), one per row of `products`, every product against a real
        pixel (the dense layer); weight_index gives each product's weight's
        flat position, bias and bias_index each unit's bias and its position."""
        stop = first + products.shape[0]
        self.z.reshape(-1)[first:stop] = np.add.reduce(products, axis=1) + bias
        self.multiplications += products.size
        keys = self._unit_weight_key.reshape(-1)[first:stop, None] + weight_index
        self._pending_keys.append(keys.reshape(-1))
        self._pending_count += keys.size
        if self._pending_count >= self._FLUSH_KEYS:
            self._flush()
        self._bias_added.reshape(-1)[first:stop] = bias_index

    def _flush(self) -> None:
        if self._pending_keys:
            keys = np.concatenate(self._pending_keys)
            self._real_products += keys.size
            self._real_pairs += _distinct_count(keys)
        self._pending_keys, self._pending_count = [], 0

    def result(self) -> CountedForward:
        self._flush()
        bias_keys = self.unit_index * self._num_biases + self._bias_added
        return CountedForward(self.z, self.multiplications,
                              self._real_products, self._real_pairs,
                              _distinct_count(bias_keys.reshape(-1)))


def _flat_indices(array: np.ndarray) -> np.ndarray:
    """Each entry's position in array.reshape(-1), shaped like the array, so
    it can be indexed exactly as the array is."""
    return np.arange(array.size).reshape(array.shape)


def _conv_counting(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                   stride: Stride, padding: str,
                   shares_weights: bool) -> CountedForward:
    """The counting pass of the two convolutions; they differ only in whether
    position (i, j) takes the shared kernel or its own w[i, j], b[i, j]."""
    kernel_h, kernel_w = w.shape[-4:-2]
    out_channels = w.shape[-1]
    patches, real = _input_windows(x, kernel_h, kernel_w, stride, padding)
    products_real = np.broadcast_to(real[..., None],
                                    real.shape + (out_channels,))
    weight_index, bias_index = _flat_indices(w), _flat_indices(b)
    counter = _CountingPass(patches.shape[:2] + (out_channels,), w.size,
                            b.size)
    kernel, kernel_at, bias, bias_at = w, weight_index, b, bias_index
    for i in range(patches.shape[0]):
        for j in range(patches.shape[1]):
            if not shares_weights:
                kernel, kernel_at = w[i, j], weight_index[i, j]
                bias, bias_at = b[i, j], bias_index[i, j]
            counter.position(i, j, patches[i, j], products_real[i, j], kernel,
                             kernel_at, bias, bias_at)
    return counter.result()


def standard_conv2d_counting(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                             stride: Stride = 1,
                             padding: str = "VALID") -> CountedForward:
    """standard_conv2d, executed position by position with every
    multiplication counted."""
    return _conv_counting(x, w, b, stride, padding, shares_weights=True)


def locally_connected2d_counting(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                                 stride: Stride = 1,
                                 padding: str = "VALID") -> CountedForward:
    """locally_connected2d, executed position by position with every
    multiplication counted."""
    return _conv_counting(x, w, b, stride, padding, shares_weights=False)


def fully_connected_counting(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                             output_shape: tuple[int, ...]) -> CountedForward:
    """fully_connected, executed a block of output units (rows of w) at a
    time with every multiplication counted: each unit multiplies every input
    by its own row of weights.

    The dense layer sees no padding, so every product is against a real pixel.
    Blocks of about _DENSE_BLOCK_ELEMENTS products keep the memory flat
    while numpy, not Python, loops over the units.
    """
    inputs = x.reshape(-1)
    bias_index = _flat_indices(b)
    counter = _CountingPass(tuple(output_shape), w.size, b.size)
    block = max(1, _DENSE_BLOCK_ELEMENTS // max(inputs.size, 1))
    for first in range(0, counter.z.size, block):
        rows = slice(first, min(first + block, counter.z.size))
        # Flat positions of w[rows] (w is C-ordered); built per block
        # because an index array as large as w would double the memory.
        weight_index = np.arange(rows.start * inputs.size,
                                 rows.stop * inputs.size).reshape(-1, inputs.size)
        counter.units(first, w[rows] * inputs, weight_index, b[rows], bias_index[rows])
    return counter.result()


# --------------------------------------------------------------------------
# Jacobians
# --------------------------------------------------------------------------

LayerOfParameters = Callable[[np.ndarray, np.ndarray], np.ndarray]


def explicit_jacobian_is_feasible(rows: int, cols: int,
                                  limit: int = DEFAULT_EXPLICIT_JACOBIAN_LIMIT
                                  ) -> bool:
    """Whether a rows x cols Jacobian is cheap enough to build by columns.

    Building it materialises the cols one-hot parameter tensors (cols x cols
    floats, each evaluated by a dense forward) and the matrix itself (rows x
    cols); their sum must stay within `limit`. Bounding the matrix alone is not
    enough: the fully-connected layer's cost grows with cols squared.
    """
    return cols * (cols + rows) <= limit


def _basis_columns(layer: LayerOfParameters, shape: tuple[int, ...],
                   place: Callable[[np.ndarray],
                                   tuple[np.ndarray, np.ndarray]],
                   rows: int) -> np.ndarray:
    """Columns layer(place(e_k)) for every unit vector e_k of `shape`,
    evaluated in batches of one-hot tensors."""
    count = int(np.prod(shape))
    columns = np.empty((rows, count))
    batch = max(1, _BASIS_BATCH_ELEMENTS // max(count, 1))
    for start in range(0, count, batch):
        stop = min(start + batch, count)
        one_hot = np.zeros((stop - start, count))
        one_hot[np.arange(stop - start), np.arange(start, stop)] = 1.0
        outputs = layer(*place(one_hot.reshape((stop - start,) + shape)))
        columns[:, start:stop] = outputs.reshape(stop - start, rows).T
    return columns


def weight_jacobian(layer: LayerOfParameters, weights_shape: tuple[int, ...],
                    bias_shape: tuple[int, ...]
                    ) -> tuple[np.ndarray, tuple[int, ...]]:
    """dz/dW as an (outputs x weights) matrix, and its tensor shape
    z.shape + W.shape.

    `layer(w, b)` is the layer at a fixed input. It is linear in w at b = 0,
    so column k is the flattened output for w = e_k: the matrix is built by
    running the layer, not from a formula for its entries.
    """
    z_shape = layer(np.zeros(weights_shape), np.zeros(bias_shape)).shape
    rows = int(np.prod(z_shape))
    zero_bias = np.zeros(bias_shape)
    matrix = _basis_columns(layer, weights_shape,
                            lambda weights: (weights, zero_bias), rows)
    return matrix, z_shape + tuple(weights_shape)


def weight_and_bias_jacobian(layer: LayerOfParameters,
                             weights_shape: tuple[int, ...],
                             bias_shape: tuple[int, ...]) -> np.ndarray:
    """d z / d(W, b) as an (outputs x (weights + biases)) matrix: the weight
    columns, then columns layer(0, e_k) for every bias entry."""
    weight_part, _ = weight_jacobian(layer, weights_shape, bias_shape)
    zero_weights = np.zeros(weights_shape)
    bias_part = _basis_columns(layer, bias_shape,
                               lambda biases: (zero_weights, biases),
                               weight_part.shape[0])
    return np.hstack([weight_part, bias_part])


# --------------------------------------------------------------------------
# A dense layer that is the convolution
# --------------------------------------------------------------------------

def fully_connected_replicating_conv(w: np.ndarray, b: np.ndarray,
                                     height: int, width: int,
                                     stride: Stride = 1,
                                     padding: str = "VALID"
                                     ) -> tuple[np.ndarray, np.ndarray]:
    """The (outputs x inputs) matrix and bias of the fully-connected layer that
    computes exactly standard_conv2d(x, w, b, stride, padding) for any
    (height, width, in_channels) input x, flattened in C order.

    Each output unit's row holds its kernel at the input pixels of its window;
    window positions that fall on padding have no input to connect to.
    """
    kernel_h, kernel_w, in_channels, out_channels = w.shape
    stride = _pair(stride)
    pads = padding_amounts(height, width, kernel_h, kernel_w, *stride, padding)
    input_index = np.arange(height * width * in_channels).reshape(
        height, width, in_channels)
    window_inputs = _windows(input_index, kernel_h, kernel_w, stride, pads, -1)
    out_h, out_w = window_inputs.shape[:2]
    unit_index = np.arange(out_h * out_w * out_channels).reshape(
        out_h, out_w, out_channels)
    full = window_inputs.shape + (out_channels,)
    rows = np.broadcast_to(unit_index[:, :, None, None, None, :], full)
    cols = np.broadcast_to(window_inputs[..., None], full)
    values = np.broadcast_to(w, full)
    connected = cols >= 0
    dense = np.zeros((unit_index.size, input_index.size))
    dense[rows[connected], cols[connected]] = values[connected]
    return dense, np.broadcast_to(b, unit_index.shape).reshape(-1).copy()


# --------------------------------------------------------------------------
# Max pooling
# --------------------------------------------------------------------------

def max_pool2d(x: np.ndarray, pool_size: Stride,
               stride: Stride) -> tuple[np.ndarray, np.ndarray]:
    """VALID max pooling of x (H, W, ...) over its first two axes, and an
    (H, W) boolean mask of the input pixels some window read.

    Pixels the mask leaves False cannot influence the output at all (e.g. the
    last row and column of a 23 x 23 map under 2 x 2, stride-2 pooling).
    """
    pool_h, pool_w = _pair(pool_size)
    stride = _pair(stride)
    pooled = _windows(x, pool_h, pool_w, stride, (0, 0, 0, 0), 0).max(
        axis=(2, 3))
    pixel_index = np.arange(x.shape[0] * x.shape[1]).reshape(x.shape[:2])
    read = np.zeros(pixel_index.size, dtype=bool)
    read[_windows(pixel_index, pool_h, pool_w, stride, (0, 0, 0, 0), 0)] = True
    return pooled, read.reshape(x.shape[:2])


# --------------------------------------------------------------------------
# measure()
# --------------------------------------------------------------------------

def _jacobian_facts(name: str, layer: LayerOfParameters, w: np.ndarray,
                    b: np.ndarray, counted: CountedForward,
                    limit: int) -> dict:
    """A layer's Jacobian facts: built explicitly when affordable (and then
    cross-checked against the counting pass), otherwise read from the
    structure the counting pass exercised."""
    structural_nonzero = counted.real_weight_pairs
    structural_nonzero_with_bias = structural_nonzero + counted.bias_pairs
    if explicit_jacobian_is_feasible(counted.z.size, w.size + b.size, limit):
        method = "explicit"
        full = weight_and_bias_jacobian(layer, w.shape, b.shape)
        weights_part = full[:, :w.size]
        (rows, cols), entries = weights_part.shape, weights_part.size
        nonzero = int(np.count_nonzero(weights_part))
        nonzero_with_bias = int(np.count_nonzero(full))
        if (nonzero, nonzero_with_bias) != (structural_nonzero,
                                            structural_nonzero_with_bias):
            raise AssertionError(
                f"{name}: the explicit Jacobian has {nonzero} non-zeros"
                f" ({nonzero_with_bias} with bias) but the counting pass"
                f" multiplied {structural_nonzero} (output unit, weight)"
                f" pairs with real pixels ({structural_nonzero_with_bias}"
                f" with bias)")
    else:
        method = "structural"
        rows, cols = counted.z.size, w.size
        entries = rows * cols
        nonzero = structural_nonzero
        nonzero_with_bias = structural_nonzero_with_bias
    return {
        f"{name}.jacobian_rows": rows,
        f"{name}.jacobian_cols": cols,
        f"{name}.jacobian_tensor_shape": counted.z.shape + w.shape,
        f"{name}.jacobian_entries": entries,
        f"{name}.jacobian_nonzero": nonzero,
        f"{name}.jacobian_cols_with_bias": w.size + b.size,
        f"{name}.jacobian_nonzero_with_bias": nonzero_with_bias,
        f"{name}.jacobian_method": method,
    }


#: Weight arrays up to this many values are random throughout (32 MB).
_RANDOM_WEIGHTS_LIMIT = 4_000_000


@functools.lru_cache(maxsize=4096)
def _measure_items(height, width, in_channels, out_channels, kernel_h,
                   kernel_w, stride_h, stride_w, padding, seed, limit):
    """measure()'s result as a hashable tuple, cached per configuration."""
    rng = np.random.default_rng(seed)
    stride = (stride_h, stride_w)
    # Real pixels are never zero, so every product with one is non-zero and
    # np.count_nonzero sees exactly the Jacobian's structural non-zeros.
    x = rng.uniform(1.0, 2.0, (height, width, in_channels))

    def parameters(weights_shape, bias_shape):
        if math.prod(weights_shape) <= _RANDOM_WEIGHTS_LIMIT:
            weights = rng.uniform(-1.0, 1.0, weights_shape)
        else:
            # A layer this large (the dense layer at 112 x 112 would take
            # 1.3 GB) gets one random row broadcast to its full shape: the
            # values do not change what is counted, and the memory stays flat.
            weights = np.broadcast_to(rng.uniform(-1.0, 1.0, weights_shape[-1]),
                                      weights_shape)
        return weights, rng.uniform(-1.0, 1.0, bias_shape)

    # The standard convolution's output fixes the shape the other two layers
    # must produce (and with it their parameter shapes).
    params = {"standard": parameters(
        (kernel_h, kernel_w, in_channels, out_channels), out_channels)}
    counted = {"standard": standard_conv2d_counting(
        x, *params["standard"], stride, padding)}
    output_shape = counted["standard"].z.shape
    outputs = counted["standard"].z.size

    params["non_weight_sharing"] = parameters(
        output_shape[:2] + params["standard"][0].shape, output_shape)
    counted["non_weight_sharing"] = locally_connected2d_counting(
        x, *params["non_weight_sharing"], stride, padding)
    params["fully_connected"] = parameters((outputs, x.size), outputs)
    counted["fully_connected"] = fully_connected_counting(
        x, *params["fully_connected"], output_shape)

    layers = {
        "standard": lambda w, b: standard_conv2d(x, w, b, stride, padding),
        "non_weight_sharing":
            lambda w, b: locally_connected2d(x, w, b, stride, padding),
        "fully_connected": lambda w, b: fully_connected(x, w, b, output_shape),
    }

    top, bottom, left, right = padding_amounts(
        height, width, kernel_h, kernel_w, stride_h, stride_w, padding)
    result = {
        "output_height": output_shape[0],
        "output_width": output_shape[1],
        "output_channels": output_shape[2],
        "flattened_length": counted["standard"].z.reshape(-1).size,
        "pad_top": top, "pad_bottom": bottom,
        "pad_left": left, "pad_right": right,
    }
    for name in LAYER_NAMES:
        w, b = params[name]
        result.update({
            f"{name}.weights": w.size,
            f"{name}.biases": b.size,
            f"{name}.multiplications": counted[name].multiplications,
            f"{name}.real_multiplications": counted[name].real_multiplications,
        })
        result.update(_jacobian_facts(name, layers[name], w, b, counted[name],
                                      limit))
    return tuple(result.items())


def measure(height: int, width: int, in_channels: int, out_channels: int,
            kernel_h: int, kernel_w: int, stride_h: int, stride_w: int,
            padding: str, *, seed: int = 0,
            explicit_jacobian_limit: int = DEFAULT_EXPLICIT_JACOBIAN_LIMIT
            ) -> dict:
    """Run the three layers on one configuration and report what was measured.

    Keys: output_height, output_width, output_channels, flattened_length,
    pad_top, pad_bottom, pad_left, pad_right, and for each layer L in
    LAYER_NAMES: L.weights, L.biases, L.multiplications,
    L.real_multiplications (products against real pixels, not padding),
    L.jacobian_rows, L.jacobian_cols, L.jacobian_tensor_shape (z.shape +
    W.shape), L.jacobian_entries, L.jacobian_nonzero (entries of dz/dW not zero
    for every input), L.jacobian_cols_with_bias, L.jacobian_nonzero_with_bias
    (for d z / d(W, b)) and L.jacobian_method ("explicit" or "structural").
    Values are ints, tuples of ints, or the method's name. Results are cached
    per configuration; each call returns a fresh dict.
    """
    items = _measure_items(
        int(height), int(width), int(in_channels), int(out_channels),
        int(kernel_h), int(kernel_w), int(stride_h), int(stride_w),
        padding.upper(), int(seed), int(explicit_jacobian_limit))
    return dict(items)


# --------------------------------------------------------------------------
# The separable measurement, for configurations too large to run
# --------------------------------------------------------------------------

class AxisWindows(NamedTuple):
    """The windows along one axis, enumerated: the padding added before and
    after, how many windows fit, and how many of their taps (summed over the
    windows) land on real pixels rather than padding."""

    pad_before: int
    pad_after: int
    windows: int
    real_taps: int


def axis_windows(length: int, kernel: int, stride: int, padding: str) -> AxisWindows:
    """Enumerate the windows of one axis, as _windows() lays them out along it."""
    padding = padding.upper()
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', not {padding!r}")
    before, after = same_padding(length, kernel, stride) if padding == "SAME" else (0, 0)
    real = np.zeros(before + length + after, dtype=bool)
    real[before:before + length] = True
    starts = _window_starts(real.size, kernel, stride)
    taps = real[starts[:, None] + np.arange(kernel)]
    return AxisWindows(before, after, starts.size, int(np.count_nonzero(taps)))


def _layer_shapes(out_h: int, out_w: int, height: int, width: int, in_channels: int,
                  out_channels: int, kernel_h: int, kernel_w: int) -> dict:
    """Each layer's (weights shape, bias shape), as measure() allocates them."""
    outputs = out_h * out_w * out_channels
    kernel = (kernel_h, kernel_w, in_channels, out_channels)
    return {"standard": (kernel, (out_channels,)),
            "non_weight_sharing": ((out_h, out_w) + kernel, (out_h, out_w, out_channels)),
            "fully_connected": ((outputs, height * width * in_channels), (outputs,))}


@functools.lru_cache(maxsize=4096)
def _separable_items(height, width, in_channels, out_channels, kernel_h, kernel_w,
                     stride_h, stride_w, padding):
    """measure_separable()'s result as a hashable tuple."""
    rows = axis_windows(height, kernel_h, stride_h, padding)
    cols = axis_windows(width, kernel_w, stride_w, padding)
    output_shape = (rows.windows, cols.windows, out_channels)
    outputs = math.prod(output_shape)
    # Each output unit multiplies one window (kernel_h x kernel_w taps, every
    # input channel) by its kernel; a tap is real when its row and its column
    # are, so the real products of all windows are the row windows' real taps
    # times the column windows' real taps, per input and output channel.
    window_products = kernel_h * kernel_w * in_channels
    real_window_products = rows.real_taps * cols.real_taps * in_channels * out_channels
    dense_products = outputs * height * width * in_channels
    products = {"standard": (outputs * window_products, real_window_products),
                "non_weight_sharing": (outputs * window_products, real_window_products),
                # Every input of the dense layer is a real pixel.
                "fully_connected": (dense_products, dense_products)}
    result = {
        "output_height": rows.windows, "output_width": cols.windows,
        "output_channels": out_channels, "flattened_length": outputs,
        "pad_top": rows.pad_before, "pad_bottom": rows.pad_after,
        "pad_left": cols.pad_before, "pad_right": cols.pad_after,
    }
    shapes = _layer_shapes(rows.windows, cols.windows, height, width, in_channels,
                           out_channels, kernel_h, kernel_w)
    for name in LAYER_NAMES:
        weights_shape, bias_shape = shapes[name]
        weights, biases = math.prod(weights_shape), math.prod(bias_shape)
        multiplications, real_multiplications = products[name]
        # Every real product pairs a different (output unit, weight): a unit
        # meets each of its weights at one tap of its window. And every unit
        # adds one bias.
        result.update({
            f"{name}.weights": weights,
            f"{name}.biases": biases,
            f"{name}.multiplications": multiplications,
            f"{name}.real_multiplications": real_multiplications,
            f"{name}.jacobian_rows": outputs,
            f"{name}.jacobian_cols": weights,
            f"{name}.jacobian_tensor_shape": output_shape + weights_shape,
            f"{name}.jacobian_entries": outputs * weights,
            f"{name}.jacobian_nonzero": real_multiplications,
            f"{name}.jacobian_cols_with_bias": weights + biases,
            f"{name}.jacobian_nonzero_with_bias": real_multiplications + outputs,
            f"{name}.jacobian_method": "separable",
        })
    return tuple(result.items())


def measure_separable(height: int, width: int, in_channels: int, out_channels: int,
                      kernel_h: int, kernel_w: int, stride_h: int, stride_w: int,
                      padding: str) -> dict:
    """What measure() reports, counted from the per-axis enumeration of the
    windows (see the module docstring) in time and memory linear in the
    sides, whatever the channels: every key of measure(), with
    L.jacobian_method "separable"."""
    items = _separable_items(
        int(height), int(width), int(in_channels), int(out_channels), int(kernel_h),
        int(kernel_w), int(stride_h), int(stride_w), padding.upper())
    return dict(items)


#: What measure() spends, in nanoseconds of one core of the machine it was
#: measured on (tools/benchmark.py), per output position of each convolution's
#: counting pass (Python), per product of a convolution's counting pass (each
#: one's key is recorded and deduplicated), and per product of the dense
#: layer's (vectorised) counting pass.
_NS_PER_POSITION = 60_000
_NS_PER_WINDOW_PRODUCT = 60
_NS_PER_DENSE_PRODUCT = 15


def full_simulation_cost(height: int, width: int, in_channels: int, out_channels: int,
                         kernel_h: int, kernel_w: int, stride_h: int, stride_w: int,
                         padding: str) -> int:
    """An estimate of measure()'s time, in nanoseconds: the two convolutions'
    counting passes visit every output position in Python and multiply its
    window by every output channel's kernel, and the dense layer multiplies
    every input by every output unit. Counted from the per-axis window
    enumeration, without running anything. The memory measure() holds grows
    with the same products (the windows of the input, the non-weight-sharing
    layer's kernels), so a bound on this bounds it too."""
    rows = axis_windows(height, kernel_h, stride_h, padding)
    cols = axis_windows(width, kernel_w, stride_w, padding)
    positions = rows.windows * cols.windows
    window_products = positions * kernel_h * kernel_w * in_channels * out_channels
    dense_products = positions * out_channels * height * width * in_channels
    return (2 * positions * _NS_PER_POSITION + 2 * window_products * _NS_PER_WINDOW_PRODUCT
            + dense_products * _NS_PER_DENSE_PRODUCT)
