"""How an answer's reading is described to the student, in one place for the
grader's feedback and the students' self-check (check.py), so both say the
same words for every item.

A kind's own `describe(reading)` knows the reading but not the question; an
item can give one number a meaning of its own: the entry count of a Jacobian
(`one_number_means: entries`) or the side of a square patch ("square side").
This module ships to students: it holds no reference value and imports
nothing that does.
"""
from __future__ import annotations

#: An item's `one_number_means` values (autograder.spec.Item).
ENTRIES, SQUARE_SIDE = "entries", "square side"


def describe(kind_module, reading, one_number_means: str = "") -> str:
    """'read as the shape 20 × 5', or, for a one-number shape answer to an
    item that gives one number a meaning, what that number was read as."""
    return one_number_reading(reading, one_number_means) or kind_module.describe(reading)


def one_number_reading(reading, one_number_means: str) -> str:
    """What a shape of one dimension was read as, for an item that gives one
    number a meaning; "" otherwise (the kind's own description applies)."""
    dims = [dim for dim in getattr(reading, "dims", ()) if dim != 1]
    if len(dims) != 1 or one_number_means not in (ENTRIES, SQUARE_SIDE):
        return ""
    value = dims[0]
    if one_number_means == ENTRIES:
        return f"read as the number of entries {value:,} (a count, not a shape)"
    return f"read as the side of a square, {value:,} × {value:,}"
