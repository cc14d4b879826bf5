"""What grading one answer produces, and the candidate matching that the
number, shape and ratio kinds share (STACK-style: each recognised mistake is
a candidate value with its own feedback and credit)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:  # the kinds stay importable without the grader (student self-check)
    from autograder.prepared import Candidate


@dataclass(frozen=True)
class Verdict:
    """One answer's grade: `credit` in [0, 1], how the answer was `read`, the
    teaching `feedback`, and a short `outcome` label for reports."""

    credit: float
    read: str
    feedback: str
    outcome: str


def first_match(candidates: Iterable["Candidate"], matches: Callable[["Candidate"], bool]):
    """The first candidate the reading matches: the reference comes first,
    then accepted variants, then recognised mistakes."""
    for candidate in candidates:
        if matches(candidate):
            return candidate
    return None


def verdict_for(candidate: "Candidate | None", read: str, *, hint: str, note: str = "") -> Verdict:
    """Turn the matched candidate into credit and feedback, never quoting a
    reference value."""
    extra = f" {note}" if note else ""
    if candidate is None:
        return Verdict(0.0, read, f"Not correct.{extra} {hint}".strip(), "unrecognised")
    if candidate.is_reference:
        return Verdict(1.0, read, f"Correct.{extra}", "correct")
    if candidate.name.startswith("variant"):
        return Verdict(candidate.credit, read, f"{candidate.feedback}{extra}", "accepted variant")
    lead = "Partly right." if candidate.credit > 0 else "Not correct."
    return Verdict(candidate.credit, read, f"{lead} {candidate.feedback}{extra}", candidate.name)
