"""What the class report is built from and made of: each submission's grades
(`SubmissionGrades`), how its grade changed (`GradeChange`), what a family's
variants set (`VariantFacts`), the points per question, how numbers and
answers are shown, and the blocks a report is made of (text, headings,
tables, plots), independent of the format it is written in.

The regrade's gradebook counts questions and shows numbers the same way.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence, Union

from autograder.assignment.spec import Spec
from autograder.grading.pipeline import ItemGrade

#: What became of a submission, as the gradebook and the report show it.
GRADED, NO_SHEET, FAILED = "graded", "no readable sheet", "autograder error"
#: The outcome of an answer that gives several alternatives (never credited).
HEDGED = "hedged"


@dataclass(frozen=True)
class SubmissionGrades:
    """One submission as the report sees it.

    `grades` is empty when no sheet could be read; `scores` maps each test
    number of its results.json to the points earned there, so the report
    counts exactly the points Gradescope would show.
    """

    submission_id: str
    status: str
    grades: tuple[ItemGrade, ...]
    scores: Mapping[str, float]
    total: float
    #: Test number -> max_score, as in its results.json (0 for extras).
    max_scores: Mapping[str, float] = field(default_factory=dict)
    #: Who sent it (names, or emails), for the sections that list students.
    students: str = ""
    #: The variant of the spec's family it was graded against; None without
    #: a family, or when no submitter had a usable email (the base configuration).
    variant: int | None = None
    #: The variant its sheet says it was written for, when not that one.
    written_for: str | None = None


@dataclass(frozen=True)
class VariantFacts:
    """What the report knows of a family's variants: each one's settings
    (`side 24, kernel 3, ...`) by number, and each graded item's reference
    in each variant (variant -> item number -> a value that compares equal
    exactly when the references are equal; see `reference_of`)."""

    settings: Mapping[int, str]
    references: Mapping[int, Mapping[str, object]] = field(default_factory=dict)


def reference_of(prepared_item) -> object:
    """A prepared item's reference as `VariantFacts` compares it: its value,
    or its growth for a Big-O item; None when none was prepared."""
    if prepared_item is None:
        return None
    for candidate in prepared_item.candidates:
        if candidate.is_reference:
            return candidate.value
    growth = prepared_item.growth
    return None if growth is None else ("growth", growth.size_exp, growth.kernel_exp)


@dataclass(frozen=True)
class GradeChange:
    """How one submission's grade compares with the grades it had before:
    Gradescope's score (from the export) and the previous regrade written
    to the same folder, if any, item by item."""

    submission_id: str
    students: str
    gradescope_total: float | None
    previous_total: float | None  # the previous regrade's, None without one
    total: float
    changed_items: tuple[tuple[str, float, float], ...] = ()  # (test number, before, after)


def item_max_scores(spec: Spec, submissions: Sequence[SubmissionGrades]) -> dict[str, float]:
    """Test number -> points it is out of: as the results files say (extras
    that earn nothing are 0 there), or the spec's points for items no
    results file lists."""
    maxima: dict[str, float] = {}
    for submission in submissions:
        for number, points in submission.max_scores.items():
            maxima.setdefault(number, points)
    return {item.number: maxima.get(item.number, item.max_score) for item in spec.items}


@lru_cache(maxsize=4096)
def question_of(number: str) -> str:
    """The Gradescope question an item number belongs to: its first two
    parts ("2.g.07" -> "2.g", "E2.c.3" -> "E2.c", "2.b" -> "2.b"); once per
    number, as a class report asks it for every score of every submission."""
    return ".".join(number.split(".")[:2])


def question_points(spec: Spec, max_scores: Mapping[str, float] | None = None) -> dict[str, float]:
    """Points of every question that carries autograder points, in spec order;
    `max_scores` (test number -> points, see `item_max_scores`) overrides the
    spec's points, so 0-point extras never enter totals or distributions."""
    points: dict[str, float] = {}
    for item in spec.items:
        item_points = item.max_score if max_scores is None else max_scores.get(item.number, item.max_score)
        if item_points > 0:
            question = question_of(item.number)
            points[question] = points.get(question, 0.0) + item_points
    return points


def question_scores(scores: Mapping[str, float], questions: Sequence[str]) -> dict[str, float]:
    """Points per question, summed from a submission's test scores by test number."""
    sums = dict.fromkeys(questions, 0.0)
    for number, score in scores.items():
        question = question_of(number)
        if question in sums:
            sums[question] += score
    return {question: round(value, 4) for question, value in sums.items()}


def format_number(value: float, places: int = 4) -> str:
    """A score as people write it: 3, 2.5, 0.3333 (never 2.5000 or 1e-05)."""
    text = f"{round(value, places):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def normalise_answer(answer: str | None) -> str:
    """The text unread answers are grouped by: case and spacing do not split a group."""
    return spelling(answer).casefold()


def spelling(answer: str | None) -> str:
    """An answer as shown in the report: as written, on one line."""
    if answer is None or not answer.strip():
        return "(blank)"
    return " ".join(unicodedata.normalize("NFC", answer).split())


def was_read(outcome: str) -> bool:
    return not (outcome in ("unreadable", "missing", "time budget", HEDGED)
                or outcome.startswith("internal error"))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else ""


# --------------------------------------------------------------------------
# The blocks of a report, independent of the output format


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False
    student_text: bool = False  # shown in a code font, and cut to ANSWER_CELL_CHARS


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Plot:
    name: str  # file name stem in plots/
    title: str
    svg: str


@dataclass(frozen=True)
class Heading:
    text: str


Block = Union[str, Heading, Table, Plot]


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Report:
    title: str
    sections: tuple[Section, ...]

    @property
    def plots(self) -> list[Plot]:
        return [block for section in self.sections for block in section.blocks
                if isinstance(block, Plot)]
