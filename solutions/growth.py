"""Big-O growth of each count as the input side N grows, derived from the
formulas in `layers` (never typed in).

Asymptotically ceil(x), floor(x) and max(x, 0) all behave like x, so they are
dropped; what remains is a polynomial in N whose leading term gives the order.
The kernel side k is kept where it multiplies that leading term; channels and
stride are constants. In pixels n = N*N every exponent of N halves.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import sympy as sp

from solutions.layers import Layer, symbolic_quantities

SIDE, KERNEL = sp.symbols("N k", positive=True)
VARIABLES = ("side", "pixels")


@dataclass(frozen=True)
class Growth:
    """A monomial order: size**size_exp * k**kernel_exp, size being N or n."""

    size_exp: Fraction
    kernel_exp: Fraction = Fraction(0)

    def in_variable(self, variable: str) -> "Growth":
        """The same growth with the size measured as `variable`."""
        if variable not in VARIABLES:
            raise ValueError(f"variable must be one of {VARIABLES}, not {variable!r}")
        scale = 1 if variable == "side" else Fraction(1, 2)
        return Growth(self.size_exp * scale, self.kernel_exp)

    def __mul__(self, other: "Growth") -> "Growth":
        return Growth(self.size_exp + other.size_exp, self.kernel_exp + other.kernel_exp)

    def __truediv__(self, other: "Growth") -> "Growth":
        return Growth(self.size_exp - other.size_exp, self.kernel_exp - other.kernel_exp)

    def render(self, variable: str = "side") -> str:
        """Big-O text such as O(N^2 k^2) (side) or O(n k^2) (pixels)."""
        letter = "N" if variable == "side" else "n"
        powers = ((letter, self.size_exp), ("k", self.kernel_exp))
        above = " ".join(_power(v, e) for v, e in powers if e > 0) or "1"
        below = " ".join(_power(v, -e) for v, e in powers if e < 0)
        return f"O({above}/{below})" if below else f"O({above})"


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


def _power(letter: str, exponent: Fraction) -> str:
    if exponent == 1:
        return letter
    shown = str(exponent) if exponent.denominator == 1 else f"({exponent})"
    return f"{letter}^{shown}"
