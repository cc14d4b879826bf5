"""Grade one answer sheet against a spec: every item through its kind's
parse and grade steps, within a time budget, an exception in one item never
stopping the others. Produces Gradescope `Results`; writing them is the
caller's business (see `autograder.gradescope.run`).

`grade_submission` is the one pipeline from a submission folder to its
results: `autograder grade` (autograder.gradescope.run, what run_autograder
runs) and the class regrade's workers (autograder.course.grading_pool) both call
it, so a regrade gives every submission the results it would get graded alone.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from autograder.answers import KINDS, ParseError, big_o, descriptions
from autograder.answers.errors import HedgedAnswer
from autograder.answers.verdict import Letters, Outcome, Reference, Verdict
from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.prepared import Prepared
from autograder.assignment.spec import HIDDEN_LONGER, BigOPolicy, Item, Spec
from autograder.gradescope.results import MAX_ESCAPED_CHARS, Results, TestResult, escape_markdown
from autograder.submission.files import SubmissionError
from autograder.submission.variant_record import recorded_variant
from autograder.submission.sheet import Sheet, likely_keys, read_submission, visible_key

#: Seconds one whole sheet may take; items left when it runs out are reported
#: as not graded rather than letting a submission hold the grader.
SHEET_BUDGET_SECONDS = 20.0
#: The tag of a test graded for feedback only (an item with for_credit: false).
NOT_FOR_CREDIT = "not for credit"

#: Answers up to this many characters have their verdict and test remembered
#: (`_remembered`); a class repeats them (in a synthetic class of 1,000, 2.8% of
#: the (item, answer) pairs are distinct). Longer ones are graded each time,
#: so that no sheet can fill the memory with its text.
REMEMBERED_ANSWER_CHARS = 200
#: Verdicts and tests remembered per set of references, at most.
REMEMBERED_ENTRIES = 50_000

#: Bytes of results.json (JSON-escaped, as written) that one piece of text
#: from the sheet may take: a quoted answer, a feedback, a note about the
#: sheet, an unexpected key. With notes capped at 20 (`autograder.submission.sheet`)
#: and keys listed at 20, a results.json of the 52-item homework stays
#: under 256 KB whatever the sheet holds (an emoji is 12 bytes of JSON).
QUOTED_ANSWER_BYTES = 1_500
FEEDBACK_BYTES = 2_000
NOTE_BYTES = 1_500
KEY_BYTES = 600
UNEXPECTED_KEYS_LISTED = 20


@dataclass(frozen=True)
class ItemGrade:
    item: Item
    answer: str | None
    verdict: Verdict


@dataclass(frozen=True)
class GradedSubmission:
    """One submission's results, and what a class report needs besides them:
    each item's grade (empty when no sheet was read) and, when no sheet was
    read, why (the student-facing message)."""

    results: Results
    grades: tuple[ItemGrade, ...]
    problem: str | None
    #: The variant the sheet says it was written for, when that is not the
    #: variant it was graded against (a neighbour's sheet); else None.
    written_for: str | None = None


def grade_submission(spec: Spec, prepared: Prepared, submission: Path, *,
                     started: float) -> GradedSubmission:
    """Find, read and grade the sheet of the submission folder (or sheet
    file) `submission`; `started` is the perf_counter the execution time
    counts from. A submission without a readable sheet gets every test at 0
    with the reason; the autograder's own exceptions propagate to the caller,
    which decides how to report them."""
    try:
        sheet = read_submission(submission)
    except SubmissionError as error:
        return GradedSubmission(unreadable_results(spec, error.message,
                                                   time.perf_counter() - started), (), error.message)
    grades, letters = grade_sheet(spec, prepared, sheet)
    results = build_results(spec, prepared, sheet, grades, letters,
                            execution_time=time.perf_counter() - started)
    return GradedSubmission(results, tuple(grades), None, written_for_other_variant(spec, sheet))


def written_for_other_variant(spec: Spec, sheet: Sheet) -> str | None:
    """The variant a sheet records (`variant: 7` at its top, written by the
    personal template) when it differs from the one it is graded against:
    a sheet filled for someone else's numbers. None when it matches, or
    when the spec has no family or the sheet records nothing."""
    if spec.family is None:
        return None
    recorded = sheet.get(VARIANT_KEY)
    if recorded is None or not recorded.strip():
        return None
    number = recorded_variant(recorded)
    if spec.variant is not None and number == spec.variant.number:
        return None
    return f"variant {number}" if number is not None else f"{recorded.strip()[:40]!r}"


def unreadable_results(spec: Spec, message: str, elapsed: float) -> Results:
    """A submission with no readable sheet still gets every test, at 0, so
    the total is right and the reason is on each one."""
    tests = [TestResult(number=item.number, name=f"{item.number} {item.name}", score=0.0,
                        max_score=item.max_score, visibility=item.visibility, status="failed",
                        output="Not graded: no readable answer sheet (see the top of the results).")
             for item in spec.items if item.tested]
    output = ("**No readable answer sheet.** " + escape_markdown(message) +
              "\n\nFill in `answers.yaml` from the template and submit it again.")
    if spec.family is not None:
        output += f"\n\n**Your numbers:** {escape_markdown(spec.numbers)}."
    return Results(tests=tests, output=output, execution_time=elapsed,
                   extra_data={"answer_file": None, "problem": message, **_variant_data(spec)},
                   visibility=spec.total_visibility, stdout_visibility=stdout_visibility(spec))


def grade_sheet(spec: Spec, prepared: Prepared, sheet: Sheet) -> tuple[list[ItemGrade], Letters]:
    """Grade every item; also returns how the sheet's Big-O letters were read
    (the size variable, and how it was decided), which every growth answer
    is graded in."""
    started = time.perf_counter()
    letters = _letters(spec, prepared, sheet)
    grades = []
    for item in (i for i in spec.items if i.tested):
        answer = sheet.get(item.key)
        if time.perf_counter() - started > SHEET_BUDGET_SECONDS:
            verdict = Verdict(0.0, "not read", "Not graded: the sheet took longer than the "
                              "autograder allows for one submission. Contact course staff.",
                              Outcome.OUT_OF_TIME)
        else:
            key = ("verdict", spec.digest, spec.big_o_policy, item.key, answer, letters)
            verdict = _remembered(prepared, key, answer, lambda: _grade_item(
                item, answer, prepared, letters, spec.big_o_policy))
        grades.append(ItemGrade(item, answer, verdict))
    other = written_for_other_variant(spec, sheet)
    if other is not None and spec.family.other_variant_sheets == "no_credit":
        grades = [_for_another_student(grade, other) for grade in grades]
    return grades, letters


def _letters(spec: Spec, prepared: Prepared, sheet: Sheet) -> Letters:
    """How the sheet's Big-O letters are read, worked out once per distinct
    set of the answers that decide it (not when it failed: see `_remembered`)."""
    inputs = big_o.size_variable_inputs(spec, sheet)
    key = ("letters", spec.digest, inputs)
    return _remembered(prepared, key, "".join(text or "" for text in inputs),
                       lambda: big_o.size_variable(spec, prepared, sheet,
                                                   read=lambda text: _parse("big_o", text)))


def _for_another_student(grade: ItemGrade, other: str) -> ItemGrade:
    """No credit for an answer of a sheet written for another student's
    numbers (the family's default policy); written answers stay for the TA."""
    if not KINDS[grade.item.kind].BY_REFERENCE:
        return grade
    verdict = Verdict(0.0, grade.verdict.read,
                      f"No credit: this sheet says it was written for {other}, another "
                      "student's numbers, so none of its answers count. Fill in the template "
                      "of your own numbers and submit again.", Outcome.OTHER_VARIANT)
    return replace(grade, verdict=verdict)


def _remembered(prepared: Prepared, key: tuple, answer: str | None, work):
    """`work()`, or what it gave before for the same key. Grading is pure:
    a verdict depends on the spec (its digest, and the Big-O credit policy,
    which a caller may set apart from the file), the item, the answer's
    text and how the sheet's letters were read, and nothing else, so a class
    regrade grades each distinct answer once per worker (and works out each
    distinct set of Big-O answers' letters once). `answer` is the text whose
    length decides whether the value is remembered at all. The memo belongs to
    `prepared`, so it never outlives the references it was computed with."""
    if answer is not None and len(answer) > REMEMBERED_ANSWER_CHARS:
        return work()
    memo = prepared.memo
    if key in memo:
        return memo[key]
    value = work()
    internal_error = (getattr(value, "outcome", None) is Outcome.INTERNAL_ERROR
                      or bool(getattr(value, "failed", "")))  # a verdict's or the letters'
    if len(memo) < REMEMBERED_ENTRIES and not internal_error:  # an error may be passing
        memo[key] = value
    return value


def _grade_item(item: Item, answer: str | None, prepared: Prepared, letters: Letters,
                policy: BigOPolicy) -> Verdict:
    """The item's verdict; a bug in any of its steps (a parser's crash as much
    as a grade's) is this item's internal error, never the whole sheet's."""
    try:
        return _item_steps(item, answer, prepared, letters, policy)
    except Exception as error:  # one item's bug must not sink the sheet
        return Verdict(0.0, "not graded",
                       "Internal error while grading this item; it was not graded. This is "
                       "not a judgement of your answer; please tell course staff.",
                       Outcome.INTERNAL_ERROR, detail=f"{type(error).__name__}: {error}")


def _item_steps(item: Item, answer: str | None, prepared: Prepared, letters: Letters,
                policy: BigOPolicy) -> Verdict:
    """The same steps for every kind: the reference it is graded against
    (proved, or the item is not graded), the answer read by the kind's
    parse step, then judged by its grade step."""
    kind = KINDS[item.kind]
    entry = prepared.item(item.key) if kind.BY_REFERENCE else None
    if kind.BY_REFERENCE:
        if entry is None or not entry.verified:
            return Verdict(0.0, "not graded",
                           "Internal error: the autograder could not prove its reference for this "
                           "item against its simulation, so it did not grade it. This is not a "
                           "judgement of your answer; course staff will grade it by hand.",
                           Outcome.INTERNAL_ERROR,
                           detail=entry.problem if entry else "no reference was prepared")
    if answer is None or not answer.strip():
        return Verdict(0.0, "no answer", f"No answer found at {item.key}.", Outcome.MISSING)
    try:
        reading = _parse(item.kind, answer)
    except HedgedAnswer as error:
        return Verdict(0.0, "not graded: more than one answer",
                       f"Not graded: {error.message.rstrip('.')}. Give one answer.", Outcome.HEDGED)
    except ParseError as error:
        hint = f" Hint: {error.hint[:1].upper()}{error.hint[1:]}." if error.hint else ""
        return Verdict(0.0, "could not be read",
                       f"Could not read this answer: {error.message.rstrip('.')}.{hint}",
                       Outcome.UNREADABLE)
    verdict = kind.grade(reading, Reference.of(item, entry, letters, policy))
    special = descriptions.one_number_reading(reading, item.one_number_means)
    return replace(verdict, read=special) if special else verdict


@lru_cache(maxsize=8192)
def _read(parse, answer: str):
    """A parser's reading of an answer, or what its ParseError said. Parsers
    are pure and readings immutable, so a class regrade, where many students
    write the same answer, reads each distinct answer once per worker.

    An error is kept as its type, message and hint, not as the exception:
    a cached exception would keep the parser's frames (and its tokens)
    alive through its traceback, and grow that traceback each time it is
    raised again."""
    try:
        return parse(answer), None
    except ParseError as error:
        return None, (type(error), error.message, error.hint)


def _parse(kind: str, answer: str):
    reading, error = _read(KINDS[kind].parse, answer)
    if error is not None:
        error_type, message, hint = error
        raise error_type(message, hint)
    return reading


def build_results(spec: Spec, prepared: Prepared, sheet: Sheet, grades: list[ItemGrade],
                  letters: Letters, *, execution_time: float) -> Results:
    """Gradescope results: one test per item, written items at 0 points."""
    tests = [_remembered(prepared, ("test", spec.digest, g.item.key, g.answer, g.verdict),
                         g.answer, lambda g=g: _test(g)) for g in grades]
    known = spec.answer_keys + spec.reserved_keys
    unexpected = sheet.unexpected_keys(known)
    lines = [f"Graded {escape_markdown(str(sheet.path))} against {escape_markdown(spec.assignment)}."]
    if spec.family is not None:
        lines.append(_numbers_note(spec, sheet))
    lines.append(escape_markdown(letters.note))
    lines += [f"- {_shown(p, NOTE_BYTES)}" for p in sheet.problems]
    if unexpected:
        listed = unexpected[:UNEXPECTED_KEYS_LISTED]
        # escaped, not in code spans: Markdown shows a code span's backslashes
        shown = ", ".join(_shown(visible_key(key), KEY_BYTES)
                          + (f" (did you mean {_shown(meant, KEY_BYTES)}?)" if meant else "")
                          for key, meant in zip(listed, likely_keys(listed, known)))
        more = (f" and {len(unexpected) - UNEXPECTED_KEYS_LISTED} more"
                if len(unexpected) > UNEXPECTED_KEYS_LISTED else "")
        lines.append(f"- Keys not in the answer sheet were ignored (typo?): {shown}{more}.")
    internal = [g.item.key for g in grades if g.verdict.outcome is Outcome.INTERNAL_ERROR]
    if internal:
        lines.append(f"- The autograder could not grade {len(internal)} item(s) because of an "
                     "internal error; they are marked in the tests and are not a judgement "
                     "of your answers.")
    lines.append("Written answers are listed with 0 autograder points; course staff grade them by hand.")
    if any(not g.item.for_credit and g.item.points > 0 for g in grades):
        lines.append("Questions not for credit (the extra questions) are graded so you see which "
                     "you got right, and add nothing to the total.")
    extra = {
        "answer_file": str(sheet.path),
        "size_variable": letters.variable,
        "references": prepared.verification,
        "outcomes": {g.item.key: g.verdict.label for g in grades},
        **_variant_data(spec),
    }
    return Results(tests=tests, output="\n\n".join(lines), execution_time=execution_time,
                   extra_data=extra, visibility=spec.total_visibility,
                   stdout_visibility=stdout_visibility(spec))


def _variant_data(spec: Spec) -> dict:
    """For a spec with a family, the variant graded against (None: the base
    configuration), for results.json's extra_data; nothing otherwise."""
    if spec.family is None:
        return {}
    return {"variant": spec.variant.number if spec.variant else None}


def _numbers_note(spec: Spec, sheet: Sheet) -> str:
    """Whose numbers the sheet was graded with, and a warning when the sheet
    says it was written for other numbers."""
    note = f"**Your numbers:** {escape_markdown(spec.numbers)}."
    if spec.variant is None:
        note += (" No student could be identified for this submission, so it was graded "
                 "with the spec's base configuration.")
    other = written_for_other_variant(spec, sheet)
    if other is not None:
        consequence = ("none of its answers earn credit" if spec.family.other_variant_sheets == "no_credit"
                       else "it was graded against your own numbers, and answers for other "
                            "numbers earn no credit")
        note += (f" **This sheet was written for {_shown(other, KEY_BYTES)}, not for your numbers:** "
                 f"{consequence}. Fill in your personal template (`python check.py --email "
                 "you@school.edu` writes it) and submit again.")
    return note


def stdout_visibility(spec: Spec) -> str:
    """stdout (tracebacks, the summary table with every score) is for staff:
    hidden, and never shown before the total is."""
    return max(("hidden", spec.total_visibility), key=HIDDEN_LONGER.get)


@lru_cache(maxsize=16384)
def _escaped(text: str, limit: int = MAX_ESCAPED_CHARS) -> str:
    """`escape_markdown`, once per distinct text per process: a class regrade
    repeats the same feedback, readings and answers thousands of times."""
    return escape_markdown(text, limit=limit)


def _test(grade: ItemGrade) -> TestResult:
    item, verdict = grade.item, grade.verdict
    parts = [_escaped(verdict.read[:1].upper() + verdict.read[1:] + ".")]
    if grade.answer is not None and KINDS[item.kind].BY_REFERENCE:  # not a long written answer
        parts.append(f"**You wrote:** {_shown(grade.answer, QUOTED_ANSWER_BYTES, chars=300)}")
    parts.append(_shown(verdict.feedback, FEEDBACK_BYTES))
    if not item.for_credit and item.points > 0:
        parts.append("Not for credit: this question adds no points to the total.")
    score = round(verdict.credit * item.max_score, 4)
    status = None
    if item.max_score == 0 or verdict.outcome is Outcome.INTERNAL_ERROR:
        # 0 of 0 points (a written answer, a question not for credit) or not
        # graded: the status alone says whether it went right
        succeeded = verdict.outcome is Outcome.ANSWERED or verdict.credit >= 1
        status = "passed" if succeeded else "failed"
    return TestResult(number=item.number, name=f"{item.number} {item.name}", score=score,
                      max_score=item.max_score, output="\n\n".join(parts),
                      visibility=item.visibility, status=status,
                      tags=(item.kind, verdict.mistake or verdict.outcome.value)
                      + (() if item.for_credit else (NOT_FOR_CREDIT,)))


def _shown(text: str, json_bytes: int, *, chars: int = 2_000) -> str:
    """`text` escaped for Markdown, cut to at most `chars` characters and to
    what takes at most about `json_bytes` in results.json: characters cost
    1 to 12 bytes there (`&` is written `&amp;`, an emoji as two \\u
    escapes), so a character limit alone does not bound the file."""
    escaped = _escaped(text, chars)
    size = len(json.dumps(escaped))
    while size > json_bytes and chars > 1:
        chars = max(1, min(chars - 1, chars * json_bytes // size))
        escaped = _escaped(text, chars)
        size = len(json.dumps(escaped))
    return escaped
