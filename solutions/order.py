"""An order of growth, N**a * k**b, as plain data: the grader compares
students' Big-O answers with it without importing SymPy."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

VARIABLES = ("side", "pixels")


@dataclass(frozen=True)
class Growth:
    """A monomial order N**size_exp * k**kernel_exp in the image side N and
    the kernel side k."""

    size_exp: Fraction
    kernel_exp: Fraction = Fraction(0)

    def size_exp_in(self, variable: str) -> Fraction:
        """The size's exponent when the size is measured as `variable`:
        the side N as stored, or the pixel count n = N**2 (exponent halved)."""
        if variable not in VARIABLES:
            raise ValueError(f"variable must be one of {VARIABLES}, not {variable!r}")
        return self.size_exp if variable == "side" else self.size_exp / 2

    def __mul__(self, other: "Growth") -> "Growth":
        return Growth(self.size_exp + other.size_exp, self.kernel_exp + other.kernel_exp)

    def __truediv__(self, other: "Growth") -> "Growth":
        return Growth(self.size_exp - other.size_exp, self.kernel_exp - other.kernel_exp)

    def render(self, variable: str = "side") -> str:
        """Big-O text such as O(N^2 k^2) (side) or O(n k^2) (pixels)."""
        letter = "N" if variable == "side" else "n"
        powers = ((letter, self.size_exp_in(variable)), ("k", self.kernel_exp))
        above = " ".join(_power(v, e) for v, e in powers if e > 0) or "1"
        below = " ".join(_power(v, -e) for v, e in powers if e < 0)
        return f"O({above}/{below})" if below else f"O({above})"


def _power(letter: str, exponent: Fraction) -> str:
    if exponent == 1:
        return letter
    shown = str(exponent) if exponent.denominator == 1 else f"({exponent})"
    return f"{letter}^{shown}"
