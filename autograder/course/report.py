"""The class report of a regrade: how the whole class did, item by item.

Built from every submission's `ItemGrade`s (see `autograder.course.regrade`), it
answers the questions TAs ask after a deadline: how are the totals and each
question distributed, which items most students miss, which wrong answers
are common and which recognised mistake each one is, and which identical
wrong answers the spec does not recognise yet (candidates for a new entry in
the spec's mistake catalogue).

`build_report` says what the report says, as blocks (see
`autograder.course.report_model`); `autograder.course.report_output` writes
it as `report.html` and `report.md`. When the spec gives every student their
own numbers (a `family`), items are counted across variants by their number
and the sections of `autograder.course.report_family` are added.

The plots are SVG written by `autograder.course.plots`.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from autograder.assignment.family import insert_in_order
from autograder.assignment.spec import Item, Spec
from autograder.course.plots import Histogram, grid_svg, totals_svg
from autograder.course.report_family import (sharing_section, variants_section,
                                             written_for_section)
from autograder.course.report_model import (FAILED, GRADED, HEDGED, NO_SHEET, Block, Column,
                                            GradeChange, Heading, Plot, Report, Section,
                                            SubmissionGrades, Table, VariantFacts, format_number,
                                            item_max_scores, normalise_answer, percent,
                                            question_points, question_scores, spelling, was_read)
from autograder.grading.pipeline import ItemGrade

#: Rows of the table of changed grades; the rest are in gradebook.csv.
MAX_CHANGE_ROWS = 500
#: Wrong answers listed per item; the long tail is in the results files.
WRONG_ANSWERS_PER_ITEM = 5
#: Rows of the unrecognised-answer clusters table, the most common first.
MAX_CLUSTERS = 40


def build_report(spec: Spec, submissions: Sequence[SubmissionGrades],
                 changes: Sequence[GradeChange] | None = None, *,
                 variants: VariantFacts | None = None) -> Report:
    """Everything the report says, from the submissions' grades and (when
    given) how each compares with its earlier grades. For a spec with a
    family, `variants` says what each variant sets and its references
    (without it, the settings come from the spec and wrong values are
    compared across any two variants)."""
    submissions = sorted(submissions, key=lambda s: s.submission_id)
    max_scores = item_max_scores(spec, submissions)
    questions = question_points(spec, max_scores)
    scored = [s for s in submissions if s.status != FAILED]
    read = [s for s in submissions if s.status == GRADED]
    items, by_item = _items_by_number(spec, read)
    distributions = _distributions(questions, scored)
    if spec.family is not None and variants is None:
        variants = VariantFacts({v.number: v.settings() for v in spec.family.variants})
    family_sections = () if spec.family is None else (
        variants_section(submissions, scored, read, items, variants, max_scores),
        written_for_section(submissions),
        sharing_section(items, read, variants),
    )
    sections = [
        _overview(spec, submissions, scored, read, questions, by_item),
        *((_changes_section(changes, len(submissions)),) if changes is not None else ()),
        distributions,
        *family_sections,
        _items_section(items, by_item, max_scores),
        _wrong_answers_section(items, by_item, len(read), max_scores),
        _clusters_section(items, by_item),
    ]
    return Report(title=f"Class report: {spec.assignment}", sections=tuple(sections))


def _items_by_number(spec: Spec, read: Sequence[SubmissionGrades]
                     ) -> tuple[list[Item], dict[str, list[ItemGrade]]]:
    """The items some sheet has a grade for, one per item number, and every
    grade of each by number. Blanks read but not graded (the Big-O
    variable) have none.

    The variants of a family share item numbers, not keys, so an item is
    counted across variants by its number. The order is the spec's; an item
    only some variants ask (a padding question asked per side) comes where
    those variants ask it. An item whose wording follows the variant's sizes
    is named with `N` in place of the sizes that differ."""
    first: dict[str, Item] = {item.number: item for item in spec.items if item.tested}
    order = list(first)
    by_item: dict[str, list[ItemGrade]] = {number: [] for number in order}
    seen: dict[int, Item] = {}  # the distinct items graded (one per variant at most)
    for submission in read:
        previous = None
        for grade in submission.grades:
            item = grade.item
            number = item.number
            group = by_item.get(number)
            if group is None:
                insert_in_order(order, number, previous)
                group = by_item[number] = []
                first[number] = item
            group.append(grade)
            seen[id(item)] = item
            previous = number
    names: dict[str, set[str]] = defaultdict(set)
    for item in seen.values():
        names[item.number].add(item.name)
    items = [first[number] if names[number] == {first[number].name}
             else replace(first[number], name=_common_name(names[number]))
             for number in order if by_item[number]]
    return items, by_item



def _common_name(names: set[str]) -> str:
    """One name for an item the variants word differently: the sizes that
    differ become `N` (`Multiplications at 48x48` and `... 64x64` become
    `Multiplications at NxN (N per variant)`), else the first name with a
    note."""
    ordered = sorted(names)
    if len(ordered) == 1:
        return ordered[0]
    split = [re.split(r"(\d+)", name) for name in ordered]
    if len({len(parts) for parts in split}) == 1 and all(
            len({parts[i] for parts in split}) == 1 for i in range(0, len(split[0]), 2)):
        merged = "".join(part if i % 2 == 0 or len({parts[i] for parts in split}) == 1 else "N"
                         for i, part in enumerate(split[0]))
        return f"{merged} (N per variant)"
    return f"{ordered[0]} (worded per variant)"


def _overview(spec: Spec, submissions, scored, read, questions: Mapping[str, float],
              by_item: Mapping[str, list[ItemGrade]]) -> Section:
    counts = Counter(s.status for s in submissions)
    possible = sum(questions.values())
    lines = [f"{len(submissions)} submissions: {counts[GRADED]} graded, "
             f"{counts[NO_SHEET]} without a readable answer sheet (0 points), "
             f"{counts[FAILED]} where the autograder failed (no grade; see their results files)."]
    totals = [s.total for s in scored]
    if totals:
        lines.append(f"Totals out of {format_number(possible)}: mean "
                     f"{format_number(statistics.fmean(totals), 2)}, "
                     f"median {format_number(statistics.median(totals))}, "
                     f"lowest {format_number(min(totals))}, highest {format_number(max(totals))}.")
    lines.append(f"Item statistics below are over the {len(read)} submissions whose sheet was read; "
                 "written answers carry no autograder points and are graded by hand.")
    hedged = sum(1 for grades in by_item.values() for g in grades if g.verdict.label == HEDGED)
    if hedged:
        sheets = len({s.submission_id for s in read for g in s.grades
                      if g.verdict.label == HEDGED})
        lines.append(f"{hedged} answers in {sheets} sheets were hedged (they give several "
                     "alternatives, and earn nothing): see the 'hedged' column below.")
    return Section("Overview", tuple(lines))


def _changes_section(changes: Sequence[GradeChange], submissions: int) -> Section:
    """What this regrade changes: totals against Gradescope's scores, and
    items against the previous regrade written to the same folder."""
    compared = [c for c in changes if c.gradescope_total is not None]
    differ = [c for c in compared if abs(c.total - c.gradescope_total) > 1e-9]
    up = sum(1 for c in differ if c.total > c.gradescope_total)
    lines: list[Block] = [
        f"Against the scores on Gradescope (from the export's metadata): {len(differ)} of the "
        f"{len(compared)} submissions with a Gradescope score get a different total "
        f"({up} higher, {len(differ) - up} lower); {submissions - len(compared)} have no "
        "Gradescope score to compare with."]
    previous = [c for c in changes if c.previous_total is not None]
    if previous:
        totals = sum(1 for c in previous if abs(c.total - c.previous_total) > 1e-9)
        itemwise = sum(1 for c in previous if c.changed_items)
        lines.append(f"Against the previous regrade written to the same folder: {totals} totals "
                     f"change and {itemwise} submissions have items whose score changes.")
    else:
        lines.append("No previous regrade was written to this folder, so the items that "
                     "change are not known; a later regrade into the same folder lists them.")
    differ_ids = {c.submission_id for c in differ}
    rows = [c for c in changes if c.submission_id in differ_ids or c.changed_items
            or (c.previous_total is not None and abs(c.total - c.previous_total) > 1e-9)]
    if not rows:
        lines.append("No grade changes.")
        return Section("What this regrade changes", tuple(lines))
    shown = rows[:MAX_CHANGE_ROWS]
    table_rows = tuple((
        c.submission_id, c.students,
        "" if c.gradescope_total is None else format_number(c.gradescope_total),
        "" if c.previous_total is None else format_number(c.previous_total),
        format_number(c.total),
        "" if c.gradescope_total is None else _signed(c.total - c.gradescope_total),
        "; ".join(f"{number}: {format_number(before)} → {format_number(after)}"
                  for number, before, after in c.changed_items)) for c in shown)
    lines.append(Table((Column("submission"), Column("students", student_text=True),
                        Column("Gradescope", True), Column("previous regrade", True),
                        Column("this regrade", True), Column("difference", True),
                        Column("items that change (previous → this regrade)")), table_rows))
    if len(rows) > len(shown):
        lines.append(f"{len(rows) - len(shown)} more changed grades are in gradebook.csv.")
    return Section("What this regrade changes", tuple(lines))


def _signed(value: float) -> str:
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def _distributions(questions: dict[str, float], scored) -> Section:
    by_submission = [question_scores(s.scores, questions) for s in scored]
    per_question = {q: [scores[q] for scores in by_submission] for q in questions}
    rows = []
    for question, points in questions.items():
        values = per_question[question]
        full = sum(1 for v in values if v >= points)
        rows.append((question, format_number(points),
                     format_number(statistics.fmean(values), 2) if values else "",
                     format_number(statistics.median(values)) if values else "",
                     percent(full, len(values))))
    table = Table((Column("question"), Column("points", True), Column("mean", True),
                   Column("median", True), Column("full marks", True)), tuple(rows))
    blocks: list[Block] = [
        f"Over the {len(scored)} submissions with a grade (a sheet that could not be read scores "
        "0); items worth 0 points (extras) are not counted."]
    blocks += [*draw_plots([s.total for s in scored], per_question, questions), table]
    return Section("Distribution of scores", tuple(blocks))


def _items_section(items: Sequence[Item], by_item: Mapping[str, list[ItemGrade]],
                   max_scores: Mapping[str, float]) -> Section:
    rows = []
    for item in items:
        verdicts = [grade.verdict for grade in by_item[item.number]]
        if item.graded:
            full = sum(1 for v in verdicts if v.credit >= 1)
            partial = sum(1 for v in verdicts if 0 < v.credit < 1)
            blank = sum(1 for v in verdicts if v.label == "missing")
            hedged = sum(1 for v in verdicts if v.label == HEDGED)
            wrong = len(verdicts) - full - partial - blank - hedged
            misses = Counter(v.label for v in verdicts if v.credit < 1)
            common = ", ".join(f"{name} ({count})" for name, count in
                               sorted(misses.items(), key=lambda kv: (-kv[1], kv[0]))[:2])
            points = max_scores.get(item.number, item.max_score)
            rows.append((item.number, item.name,
                         format_number(points) if points > 0 else "0 (extra)",
                         percent(full, len(verdicts)), percent(partial, len(verdicts)),
                         percent(wrong, len(verdicts)), percent(hedged, len(verdicts)),
                         percent(blank, len(verdicts)), common))
        else:
            answered = sum(1 for v in verdicts if v.label == "answered")
            rows.append((item.number, item.name, "by hand", "", "", "", "",
                         percent(len(verdicts) - answered, len(verdicts)), ""))
    table = Table((Column("#"), Column("item"), Column("points", True), Column("full credit", True),
                   Column("partial", True), Column("wrong", True), Column("hedged", True),
                   Column("blank", True), Column("most common outcomes when not full credit")),
                  tuple(rows))
    return Section("Pass rate per item", (
        "Full credit is the pass rate. An outcome is a recognised mistake from the spec's "
        "catalogue, 'unrecognised' (a value the spec does not know), 'unreadable' (the answer "
        "could not be parsed), 'hedged' (several alternatives given, never credited) or "
        "'missing' (left blank). Items worth 0 points (extras) show their pass rate but count "
        "in no total.", table))


def _wrong_answers_section(items: Sequence[Item], by_item: Mapping[str, list[ItemGrade]],
                           sheets: int, max_scores: Mapping[str, float]) -> Section:
    blocks: list[Block] = [
        f"The {WRONG_ANSWERS_PER_ITEM} most common answers without full credit for each item, "
        "with what the autograder recognised in them. Answers the autograder read as the same "
        "value are one answer (its most common spelling is shown); answers it could not read "
        "are grouped by their text, ignoring case and spacing."]
    for item in items:
        if not item.graded:
            continue
        groups = _groups(by_item[item.number], lambda g: g.verdict.credit < 1)
        if not groups:
            continue
        points = max_scores.get(item.number, item.max_score)
        rows = tuple((group.spelling, str(group.spellings), group.read,
                      _describe_outcome(group.outcome), format_number(group.credit * points),
                      str(group.count), percent(group.count, sheets))
                     for group in groups[:WRONG_ANSWERS_PER_ITEM])
        blocks.append(Heading(f"{item.number} {item.name}"))
        blocks.append(Table((Column("answer", student_text=True), Column("spellings", True),
                             Column("read as", student_text=True), Column("recognised as"),
                             Column("points", True), Column("students", True),
                             Column("share", True)), rows))
    return Section("Most common wrong answers", tuple(blocks))


def _clusters_section(items: Sequence[Item], by_item: Mapping[str, list[ItemGrade]]) -> Section:
    clusters = []
    for index, item in enumerate(items):
        if item.graded:
            groups = _groups(by_item[item.number], lambda g: g.verdict.label == "unrecognised")
            clusters += [(-group.count, index, group.read, item, group) for group in groups
                         if group.count >= 2]
    clusters.sort(key=lambda cluster: cluster[:3])
    rows = tuple((f"{item.number} {item.name}", group.read, str(group.count), group.spelling,
                  str(group.spellings)) for _, _, _, item, group in clusters[:MAX_CLUSTERS])
    title = "Unrecognised answers shared by several students"
    intro = ("Unrecognised wrong answers that two or more students gave (read as the same value, "
             "however written), the most common first: each is a candidate for a new entry in "
             "the spec's mistake catalogue.")
    if not rows:
        return Section(title, (intro, "No unrecognised answer was given by more than one student."))
    blocks: list[Block] = [intro, Table((Column("item"), Column("read as", student_text=True),
                                         Column("students", True),
                                         Column("most common spelling", student_text=True),
                                         Column("spellings", True)), rows)]
    more = len(clusters) - len(rows)
    if more > 0:
        blocks.append(f"{more} smaller clusters are not shown.")
    return Section(title, tuple(blocks))


@dataclass(frozen=True)
class _Group:
    """Answers to one item that are the same answer, and how they were graded."""

    outcome: str
    credit: float
    read: str  # how the autograder read them
    count: int
    spelling: str  # the most common way it was written
    spellings: int  # how many different ways


def _groups(grades: Sequence[ItemGrade], keep) -> list[_Group]:
    """The answers `keep` selects, grouped, largest group first.

    Answers are the same when they got the same outcome and credit and were
    read as the same value (so `28x28` and `(28, 28)` are one answer); when
    nothing was read (unreadable, blank, not graded) their normalised text
    decides. Ties are broken by text, never by the order of submissions.
    """
    spellings: dict = defaultdict(Counter)
    for grade in grades:
        if keep(grade):
            verdict = grade.verdict
            same = verdict.read if was_read(verdict.label) else normalise_answer(grade.answer)
            spellings[(verdict.label, verdict.credit, same, verdict.read)][
                spelling(grade.answer)] += 1
    groups = [_Group(outcome, credit, read, sum(texts.values()),
                     min(texts.items(), key=lambda kv: (-kv[1], kv[0]))[0], len(texts))
              for (outcome, credit, _, read), texts in spellings.items()]
    return sorted(groups, key=lambda g: (-g.count, g.read, g.spelling, g.outcome, g.credit))


def _describe_outcome(outcome: str) -> str:
    if outcome == HEDGED:
        return "hedged: several alternatives"
    if outcome in ("unrecognised", "unreadable", "missing") or outcome.startswith(
            ("internal error", "time budget")):
        return outcome
    return f"mistake: {outcome}"


# --------------------------------------------------------------------------
# Plots


def draw_plots(totals: Sequence[float], per_question: Mapping[str, Sequence[float]],
               questions: Mapping[str, float]) -> tuple[Plot, Plot]:
    """The distribution of totals, with its median, and of each question's
    score (`questions` maps each to the points it is out of)."""
    possible = sum(questions.values())
    median = statistics.median(totals) if totals else None
    totals_title = "Distribution of totals"
    totals_plot = totals_svg(
        Histogram(totals, possible), title=totals_title,
        x_label=f"total points (out of {format_number(possible)})", y_label="submissions",
        median=None if median is None else (median, f"median {format_number(median)}"))
    questions_title = "Distribution of each question's score"
    questions_plot = grid_svg(
        [Histogram(per_question[question], points, f"{question} (out of {format_number(points)})")
         for question, points in questions.items()],
        title=questions_title, x_label="points", y_label="submissions")
    return (Plot("totals", totals_title, totals_plot),
            Plot("questions", questions_title, questions_plot))
