"""Big-O growth of each count as the input side N grows, derived from the
formulas in `layers` (never typed in).

Asymptotically ceil(x), floor(x) and max(x, 0) all behave like x, so they are
dropped; what remains is a polynomial in N whose leading term gives the order.
The kernel side k is kept where it multiplies that leading term; channels and
stride are constants. In pixels n = N*N every exponent of N halves.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import sympy as sp

from solutions.layers import Layer, symbolic_quantities
from solutions.order import Growth

SIDE, KERNEL = sp.symbols("N k", positive=True)


def growth_in_side(quantity: str, padding: str = "SAME") -> Growth:
    """Order of a layer quantity on an N x N input with a k x k kernel."""
    return _growth(quantity, padding)


@lru_cache(maxsize=None)
def _growth(quantity: str, padding: str) -> Growth:
    layer = Layer.symbolic(padding)
    expr = symbolic_quantities(padding)[quantity]
    if isinstance(expr, tuple) or expr.has(sp.Sum):
        raise ValueError(f"{quantity} has no polynomial growth to derive")
    square = {layer.height: SIDE, layer.width: SIDE,
              layer.kernel_h: KERNEL, layer.kernel_w: KERNEL,
              layer.stride_w: layer.stride_h}
    expr = expr.subs(square)
    expr = expr.replace(sp.ceiling, lambda arg: arg).replace(sp.floor, lambda arg: arg)
    expr = expr.replace(sp.Max, lambda *args: _dominant_arg(args))
    poly = sp.Poly(sp.expand(expr), SIDE)
    leading = poly.LC()
    kernel_exp = sp.Poly(leading, KERNEL).degree() if leading.has(KERNEL) else 0
    return Growth(Fraction(poly.degree()), Fraction(kernel_exp))


def _dominant_arg(args):
    """max(x, 0)-style guards: the argument that grows with N wins."""
    growing = [a for a in args if a.has(SIDE)]
    if len(growing) != 1:
        raise ValueError(f"cannot tell which of {args} dominates")
    return growing[0]
