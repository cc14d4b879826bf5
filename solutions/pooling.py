"""Question 1.b's fact: max pooling without padding drops the trailing
rows/columns that no window reaches, so a shifted digit can pool differently.
"""
from __future__ import annotations

import sympy as sp

side, window, stride = sp.symbols("N p s", integer=True, positive=True)

#: Pooled outputs along one dimension (VALID pooling: whole windows only).
POOLED_SIDE = sp.floor((side - window) / stride) + 1
#: Input rows (or columns) at the end that no pooling window reads.
UNREAD_TRAILING = side - ((POOLED_SIDE - 1) * stride + window)


def pooling_facts(n: int, p: int, s: int) -> dict:
    """The pooled side and the 0-based indices of never-read rows/columns."""
    values = {side: n, window: p, stride: s}
    pooled = int(POOLED_SIDE.subs(values))
    unread = int(UNREAD_TRAILING.subs(values))
    return {"pooled_side": pooled, "unread_indices": tuple(range(n - unread, n))}
