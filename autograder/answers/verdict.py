"""The interface every answer kind shares, PrairieLearn-style: a kind module
has `parse(text) -> reading` (raising `ParseError` with a message for the
student) and `grade(reading, reference) -> Verdict`.

A reading depends on the text alone, so the pipeline reads each distinct
answer once and reuses it; everything else an answer is judged against
(the item, its candidate values, how the sheet's Big-O letters are read)
arrives in the `Reference`. Candidate matching is STACK-style: each
recognised mistake is a candidate value with its own feedback and credit.

This module ships to students with the kinds: it holds types, not values.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Tuple

if TYPE_CHECKING:  # the kinds stay importable without the grader (student self-check)
    from autograder.assignment.prepared import Candidate
    from autograder.assignment.spec import BigOPolicy, Item
    from solutions.order import Growth


class Outcome(Enum):
    """What a verdict says of an answer; the value is the label reports show."""

    CORRECT = "correct"                      # the reference, in any accepted notation
    ACCEPTED_VARIANT = "accepted variant"    # another right answer the spec accepts
    MISTAKE = "recognised mistake"           # a catalogue mistake (Verdict.mistake names it)
    WRONG = "unrecognised"                   # wrong, and no recognised mistake
    LOOSE = "loose"                          # a true upper bound that is not tight
    FAR_FROM_TIGHT = "far from tight"        # an exponential or factorial bound
    LOOSE_THETA = "loose theta"              # Θ of something that grows faster
    TOO_LOW = "too low"                      # a bound that grows too slowly (too tight)
    LOWER_BOUND = "omega"                    # Ω or ω where an upper bound is asked
    NOTATION = "notation"                    # a bound of a kind the question does not ask
    KERNEL_MISMATCH = "kernel mismatch"      # right in the input size, wrong power of k
    VARIABLE_MISMATCH = "variable mismatch"  # exponents of the other size variable
    UNREADABLE = "unreadable"                # the text could not be read
    HEDGED = "hedged"                        # more than one answer offered
    MISSING = "missing"                      # left blank
    ANSWERED = "answered"                    # a written answer, graded by hand
    INTERNAL_ERROR = "internal error"        # the grader's fault, not the answer's
    OUT_OF_TIME = "time budget"              # the sheet ran out of time before this item
    OTHER_VARIANT = "other variant"          # the sheet was written for another student's numbers


@dataclass(frozen=True)
class Verdict:
    """One answer's grade: `credit` in [0, 1], how the answer was `read`, the
    teaching `feedback`, the `outcome`, the catalogue `mistake` it matched
    (for Outcome.MISTAKE) and, for an internal error, its `detail` (for
    course staff, never shown to the student)."""

    credit: float
    read: str
    feedback: str
    outcome: Outcome
    mistake: str = ""
    detail: str = ""

    @classmethod
    def from_label(cls, credit: float, read: str, label: str) -> "Verdict":
        """A verdict as reports see it again from its `label` (as results.json's
        extra_data and the regrade's workers pass it on), without feedback."""
        outcome, mistake, detail = _label_parts(label)
        return cls(credit, read, "", outcome, mistake=mistake, detail=detail)

    @cached_property
    def label(self) -> str:
        """The outcome as reports and results.json's extra_data name it: a
        recognised mistake by its catalogue name. Worked out once per
        verdict: a class report asks a verdict for it many times."""
        if self.outcome is Outcome.MISTAKE:
            return self.mistake
        if self.detail:
            return f"{self.outcome.value}: {self.detail}"
        return self.outcome.value


@dataclass(frozen=True)
class Letters:
    """How a sheet's Big-O letters are read: the size variable a letter
    names ('side' or 'pixels'; None when it could not be decided), whether
    the student declared it, and whether their answers fit the other
    meaning better (the likely mistake is then the variable, not each answer)."""

    variable: Optional[str]
    declared: bool
    other_fits_better: bool
    note: str
    failed: str = ""  # why deciding it failed (an internal error), if it did
    #: When the sheet declares two letters, one for each meaning (`N = side
    #: length, n = N^2 pixels`): each letter with its meaning.
    by_letter: Tuple[Tuple[str, str], ...] = ()


#: Each outcome by its label, for reading labels back.
_OUTCOMES_BY_LABEL = {outcome.value: outcome for outcome in Outcome}


@lru_cache(maxsize=1024)
def _label_parts(label: str) -> Tuple[Outcome, str, str]:
    """(outcome, mistake, detail) a label stands for. A class report reads
    tens of thousands of labels back, of a few dozen distinct ones."""
    if label in _OUTCOMES_BY_LABEL:
        return _OUTCOMES_BY_LABEL[label], "", ""
    internal = f"{Outcome.INTERNAL_ERROR.value}: "
    if label.startswith(internal):
        return Outcome.INTERNAL_ERROR, "", label[len(internal):]
    return Outcome.MISTAKE, label, ""


@dataclass(frozen=True)
class Reference:
    """What one answer is graded against: the spec item (hint, options,
    floors), its candidate values (reference first, then accepted variants,
    then recognised mistakes), its growth, and, for growth answers, how the
    sheet's letters are read and the credit policy between right and wrong."""

    item: "Item"
    candidates: Tuple["Candidate", ...] = ()
    growth: Optional["Growth"] = None
    letters: Optional[Letters] = None
    policy: Optional["BigOPolicy"] = None

    @classmethod
    def of(cls, item: "Item", entry=None, letters: Optional[Letters] = None,
           policy: Optional["BigOPolicy"] = None) -> "Reference":
        """The reference of `item`, with the candidates and growth of its
        prepared entry (`autograder.assignment.prepared.PreparedItem`), if it has one."""
        if entry is None:
            return cls(item, letters=letters, policy=policy)
        return cls(item, tuple(entry.candidates), entry.growth, letters, policy)


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
        return Verdict(0.0, read, f"Not correct.{extra} {hint}".strip(), Outcome.WRONG)
    if candidate.is_reference:
        return Verdict(1.0, read, f"Correct.{extra}", Outcome.CORRECT)
    if candidate.name.startswith("variant"):
        return Verdict(candidate.credit, read, f"{candidate.feedback}{extra}", Outcome.ACCEPTED_VARIANT)
    lead = "Partly right." if candidate.credit > 0 else "Not correct."
    return Verdict(candidate.credit, read, f"{lead} {candidate.feedback}{extra}", Outcome.MISTAKE,
                   mistake=candidate.name)
