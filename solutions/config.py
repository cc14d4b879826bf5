"""A concrete layer configuration: plain integers, no SymPy, so that code
which only reads a spec (the grader at grading time) stays light."""
from __future__ import annotations

from dataclasses import dataclass, fields

PADDINGS = ("SAME", "VALID")


@dataclass(frozen=True)
class Config:
    """One concrete configuration, as an assignment spec states it."""

    height: int
    width: int
    in_channels: int
    out_channels: int
    kernel_h: int
    kernel_w: int
    stride_h: int
    stride_w: int
    padding: str

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "padding":
                object.__setattr__(self, "padding", checked_padding(value))
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{f.name} must be a positive integer, not {value!r}")

    def sizes(self) -> tuple[int, ...]:
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "padding")


def checked_padding(padding: str) -> str:
    normalized = str(padding).upper()
    if normalized not in PADDINGS:
        raise ValueError(f"padding must be SAME or VALID, not {padding!r}")
    return normalized
