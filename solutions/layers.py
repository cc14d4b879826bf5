"""The answer key's formulas: every countable fact about a 2-D convolution layer,
its non-weight-sharing twin and the fully-connected layer with the same input
and output, as SymPy expressions of the layer's parameters.

Nothing here is a number typed in by hand: `Layer.symbolic()` gives the
formulas with free symbols, `quantities(Config(...))` instantiates them for one
configuration, and `autograder.assignment.simulation` proves them by running the layers.

Conventions (the homework's, which are TensorFlow's):
- inputs are height x width x in_channels, outputs out_height x out_width x
  out_channels;
- SAME padding keeps ceil(N / stride) outputs per dimension, padding
  total = max((ceil(N/s) - 1) * s + k - N, 0) pixels, the smaller half before
  and the odd pixel after; VALID padding adds nothing and keeps the windows
  that fit, floor((N - k) / s) + 1;
- the non-weight-sharing layer has one kernel (and one bias) per output unit;
- the fully-connected layer maps every input value to every output value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from solutions.config import Config, checked_padding

LAYER_NAMES = ("standard", "non_weight_sharing", "fully_connected")


def output_side(n, k, s, padding: str):
    """Outputs along one dimension of length n, kernel k, stride s."""
    if padding == "SAME":
        return sp.ceiling(n / s)
    return sp.Max(sp.floor((n - k) / s) + 1, 0, evaluate=False)


def padding_total(n, k, s, padding: str):
    """Zero pixels added along one dimension (both ends together)."""
    if padding == "SAME":
        return sp.Max((sp.ceiling(n / s) - 1) * s + k - n, 0, evaluate=False)
    return sp.Integer(0)


def padding_before(n, k, s, padding: str):
    """The smaller half of the padding goes before (top/left)."""
    return sp.floor(padding_total(n, k, s, padding) / 2)


@lru_cache(maxsize=None)
def real_taps(n, k, s, padding: str):
    """Kernel taps that land on real (unpadded) input pixels, summed over the
    output positions of one dimension.

    Output i reads padded positions i*s .. i*s+k-1, i.e. input positions
    i*s - before + j; those with 0 <= position < n are real.

    Cached, so that every quantity of a dimension holds the same Sum (the
    same bound variable): the compiled formulas then evaluate it once
    instead of once per quantity, which matters at 1024 outputs.
    """
    i = sp.Dummy("i", integer=True, nonnegative=True)
    before = padding_before(n, k, s, padding)
    # Unevaluated: SymPy's simplification of symbolic Max/Min costs seconds.
    unpadded = sp.Min(k, n + before - i * s, evaluate=False)
    taps = sp.Max(0, unpadded - sp.Max(0, before - i * s, evaluate=False), evaluate=False)
    return sp.Sum(taps, (i, 0, output_side(n, k, s, padding) - 1))


@dataclass(frozen=True)
class Layer:
    """One convolution layer's configuration; every field a SymPy expression
    (a symbol while symbolic, an Integer once instantiated) except padding."""

    height: sp.Expr
    width: sp.Expr
    in_channels: sp.Expr
    out_channels: sp.Expr
    kernel_h: sp.Expr
    kernel_w: sp.Expr
    stride_h: sp.Expr
    stride_w: sp.Expr
    padding: str

    @classmethod
    def symbolic(cls, padding: str = "SAME") -> "Layer":
        """The layer with a positive-integer symbol for every size."""
        names = [f.name for f in fields(cls) if f.name != "padding"]
        symbols = sp.symbols(
            "H W C_in C_out k_h k_w s_h s_w", integer=True, positive=True
        )
        return cls(**dict(zip(names, symbols)), padding=checked_padding(padding))

    # -- geometry ---------------------------------------------------------
    @property
    def out_height(self):
        return output_side(self.height, self.kernel_h, self.stride_h, self.padding)

    @property
    def out_width(self):
        return output_side(self.width, self.kernel_w, self.stride_w, self.padding)

    @property
    def outputs(self):
        """Output values: out_height * out_width * out_channels."""
        return self.out_height * self.out_width * self.out_channels

    @property
    def inputs(self):
        return self.height * self.width * self.in_channels

    @property
    def kernel_volume(self):
        """Weights in one kernel for one output channel."""
        return self.kernel_h * self.kernel_w * self.in_channels

    # -- per-layer counts -------------------------------------------------
    def weights(self, layer: str):
        """Learnable weights, biases excluded."""
        conv = self.kernel_volume * self.out_channels
        return _by_layer(layer, conv, self.out_height * self.out_width * conv,
                         self.inputs * self.outputs)

    def biases(self, layer: str):
        """One bias per output channel when shared, per output unit otherwise."""
        return _by_layer(layer, self.out_channels, self.outputs, self.outputs)

    def multiplications(self, layer: str):
        """Forward-pass multiplications, products with padded zeros included."""
        local = self.outputs * self.kernel_volume
        return _by_layer(layer, local, local, self.inputs * self.outputs)

    def real_multiplications(self, layer: str):
        """Forward-pass multiplications against real input pixels only."""
        rows = real_taps(self.height, self.kernel_h, self.stride_h, self.padding)
        cols = real_taps(self.width, self.kernel_w, self.stride_w, self.padding)
        local = rows * cols * self.in_channels * self.out_channels
        return _by_layer(layer, local, local, self.inputs * self.outputs)

    def jacobian_tensor_shape(self, layer: str) -> tuple:
        """dz/dW as a tensor: the output's dims followed by the weights' dims."""
        out = (self.out_height, self.out_width, self.out_channels)
        kernel = (self.kernel_h, self.kernel_w, self.in_channels, self.out_channels)
        weight_dims = _by_layer(layer, kernel, (self.out_height, self.out_width) + kernel,
                                (self.outputs, self.inputs))
        return out + weight_dims

    def jacobian_nonzero(self, layer: str):
        """Entries of dz/dW that are not zero for every input.

        Each multiplication with a real pixel pairs one output with one weight,
        and no pair is multiplied twice, so this equals the real products.
        """
        return self.real_multiplications(layer)

    def quantities(self) -> dict:
        """Every quantity the answer key and the simulation share, by name."""
        pad_h = padding_total(self.height, self.kernel_h, self.stride_h, self.padding)
        pad_w = padding_total(self.width, self.kernel_w, self.stride_w, self.padding)
        top = padding_before(self.height, self.kernel_h, self.stride_h, self.padding)
        left = padding_before(self.width, self.kernel_w, self.stride_w, self.padding)
        result = {
            "output_height": self.out_height,
            "output_width": self.out_width,
            "output_channels": self.out_channels,
            "flattened_length": self.outputs,
            "pad_top": top,
            "pad_bottom": pad_h - top,
            "pad_left": left,
            "pad_right": pad_w - left,
        }
        for layer in LAYER_NAMES:
            weights, biases = self.weights(layer), self.biases(layer)
            result |= {
                f"{layer}.weights": weights,
                f"{layer}.biases": biases,
                f"{layer}.multiplications": self.multiplications(layer),
                f"{layer}.real_multiplications": self.real_multiplications(layer),
                f"{layer}.jacobian_rows": self.outputs,
                f"{layer}.jacobian_cols": weights,
                f"{layer}.jacobian_tensor_shape": self.jacobian_tensor_shape(layer),
                f"{layer}.jacobian_entries": self.outputs * weights,
                f"{layer}.jacobian_nonzero": self.jacobian_nonzero(layer),
                f"{layer}.jacobian_cols_with_bias": weights + biases,
                f"{layer}.jacobian_nonzero_with_bias":
                    self.jacobian_nonzero(layer) + self.outputs,
            }
        return result


def quantities(config: Config) -> dict:
    """Every quantity of `Layer.quantities()` instantiated for `config`, as ints
    (tuples of ints for tensor shapes), computed exactly from the formulas."""
    names, compiled = _compiled_quantities(config.padding)
    values = compiled(*(Fraction(size) for size in config.sizes()))
    return {name: _as_int(value) for name, value in zip(names, values)}


@lru_cache(maxsize=None)
def symbolic_quantities(padding: str) -> dict:
    """`Layer.symbolic(padding).quantities()`, built once."""
    return Layer.symbolic(padding).quantities()


class _ExactPrinter(PythonCodePrinter):
    """Prints rationals as Fractions so instantiated formulas stay exact."""

    def _print_Rational(self, expr):
        return f"Fraction({expr.p}, {expr.q})"

    _print_Half = _print_Rational


@lru_cache(maxsize=None)
def _compiled_quantities(padding: str):
    """The symbolic quantities compiled once per padding: instantiating the
    SymPy expressions by substitution costs seconds per configuration.

    Each distinct Sum (one per dimension: real_taps is cached, so every
    quantity holds the same one) is compiled apart and evaluated once per
    configuration, then handed to the other formulas as a value: evaluated
    in each of the nine quantities that hold it, it cost 0.4 s at 1,024
    outputs per side.
    """
    layer = Layer.symbolic(padding)
    table = symbolic_quantities(padding)
    symbols = [getattr(layer, f.name) for f in fields(Layer) if f.name != "padding"]
    sums = sorted({total for value in table.values()
                   for expr in (value if isinstance(value, tuple) else (value,))
                   for total in expr.atoms(sp.Sum)}, key=sp.default_sort_key)
    totals = sp.symbols(f"total0:{len(sums)}")
    as_totals = dict(zip(sums, totals))
    with_totals = [tuple(e.xreplace(as_totals) for e in value) if isinstance(value, tuple)
                   else value.xreplace(as_totals) for value in table.values()]
    modules = [{"Fraction": Fraction, "math": math}, "math"]
    # What a Sum's terms share that does not depend on its bound variable (the
    # padding before) is computed once, not once per term.
    bound = tuple(variable for total in sums for variable, *_ in total.limits)
    compiled_sums = sp.lambdify(symbols, sums, modules=modules, printer=_ExactPrinter,
                                cse=lambda exprs: sp.cse(exprs, ignore=bound))
    compiled = sp.lambdify(symbols + list(totals), with_totals, modules=modules,
                           printer=_ExactPrinter)
    return tuple(table), lambda *sizes: compiled(*sizes, *compiled_sums(*sizes))


def _as_int(value):
    if isinstance(value, (tuple, list)):
        return tuple(_as_int(v) for v in value)
    if Fraction(value).denominator != 1:
        raise ValueError(f"a count evaluated to a non-integer: {value}")
    return int(value)


def _by_layer(layer: str, standard, non_weight_sharing, fully_connected):
    try:
        return {"standard": standard, "non_weight_sharing": non_weight_sharing,
                "fully_connected": fully_connected}[layer]
    except KeyError:
        raise ValueError(f"unknown layer {layer!r}; expected one of {LAYER_NAMES}") from None
