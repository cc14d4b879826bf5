"""The class regrade's gradebook: one CSV row per submission (its students,
submission time, status, each question's points, the total, Gradescope's
previous score and the difference, and a note on anything worth a look),
safe to open in a spreadsheet: no cell is run as a formula."""
from __future__ import annotations

import csv
import io
from typing import Sequence

from autograder.assignment.spec import Spec
from autograder.course.grading_pool import Outcome
from autograder.course.report_model import (FAILED, SubmissionGrades, format_number,
                                            item_max_scores, question_points, question_scores)
from autograder.text_output import encodable
from autograder.gradescope.export import ExportedSubmission

GRADEBOOK_FILE = "gradebook.csv"
#: File names quoted in a gradebook note before "and N more".
NOTED_FILES = 3
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def gradebook(spec: Spec, submissions: Sequence[ExportedSubmission],
              outcomes: dict[str, Outcome]) -> str:
    """The gradebook as CSV text: one row per submission, in id order. A
    spec with a family adds a `variant` column after the status: the
    variant each submission was graded against, or `base` when no
    submitter had a usable email (the note says so)."""
    questions = list(question_points(spec, _max_scores(spec, outcomes)))
    family = spec.family is not None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission_id", "sids", "names", "emails", "submitted_at", "status",
                     *(["variant"] if family else []),
                     *questions, "total", "gradescope_score", "difference", "note"])
    for submission in submissions:
        outcome = outcomes[submission.submission_id]
        people = submission.submitters
        scores = question_scores(outcome.scores, questions)
        previous = submission.gradescope_score
        writer.writerow([
            submission.submission_id,
            *(_csv_text("; ".join(getattr(p, field) for p in people))
              for field in ("sid", "name", "email")),
            _csv_text(submission.submitted_at),
            outcome.status,
            *([BASE if outcome.variant is None else str(outcome.variant)] if family else []),
            *(format_number(scores[q]) for q in questions),
            format_number(outcome.total),
            "" if previous is None else format_number(previous),
            "" if previous is None else format_number(outcome.total - previous),
            _csv_text(_note(outcome, family)),
        ])
    return encodable(buffer.getvalue())


#: The gradebook's variant of a submission graded against the base configuration.
BASE = "base"


def _note(outcome: Outcome, family: bool = False) -> str:
    """Why a submission has no grade from its sheet, whose numbers it was
    graded with when that is worth a look (no usable email; a sheet
    written for another variant), and the files of its upload that were
    not unpacked, on one line."""
    parts = [" ".join(outcome.problem.split())[:200]] if outcome.problem else []
    if family and outcome.variant is None and outcome.status != FAILED:
        parts.append("no submitter has a usable email: graded against the base configuration")
    if outcome.written_for is not None:
        against = ("the base configuration" if outcome.variant is None
                   else f"variant {outcome.variant}")
        parts.append(f"sheet written for {' '.join(outcome.written_for.split())[:60]}, "
                     f"graded against {against}")
    if outcome.notes:
        shown = "; ".join(outcome.notes[:NOTED_FILES])
        more = len(outcome.notes) - NOTED_FILES
        parts.append(f"files {shown}" + (f"; and {more} more" if more > 0 else ""))
    return " | ".join(parts)


def _csv_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP's CSV injection rule)."""
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def _max_scores(spec: Spec, outcomes: dict[str, Outcome]) -> dict[str, float]:
    views = [SubmissionGrades(o.submission_id, o.status, (), {}, 0.0, o.max_scores)
             for o in outcomes.values() if o.status != FAILED]
    return item_max_scores(spec, views)
