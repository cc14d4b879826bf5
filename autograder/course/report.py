"""The class report of a regrade: how the whole class did, item by item.

Built from every submission's `ItemGrade`s (see `autograder.course.regrade`), it
answers the questions TAs ask after a deadline: how are the totals and each
question distributed, which items most students miss, which wrong answers
are common and which recognised mistake each one is, and which identical
wrong answers the spec does not recognise yet (candidates for a new entry in
the spec's mistake catalogue).

The same content is written twice: `report.html`, one self-contained file
(plots inline as SVG, no external URL, so it opens offline and can be mailed),
and `report.md` with the plots beside it in `plots/`. Student answers and
names are untrusted text: in HTML every text is `html.escape`d (no student
text ever lands in an attribute or a URL); in Markdown an answer is a code
span and other text escapes only the characters Markdown would act on in
its place, so the file reads cleanly in a terminal and on GitHub. Any
string a sheet or a file name can carry (lone surrogates included) is
written, as `\\udcff` where it cannot be encoded, and every file is
replaced atomically. Nothing depends on the time or the machine, so a
regrade of the same export gives the same bytes.

When the spec gives every student their own numbers (a `family`), items are
counted across variants by their number (a variant's keys follow its sizes,
`q2.g.multiplications_48...`, but its numbers do not), and three sections
are added: each variant's totals with the items whose pass rate in one
variant differs notably from the rest of the class's, the sheets written for
another variant than their submitter's, and possible sharing: students of
different variants who gave the same wrong value on an item whose
references differ between their variants.

The plots are SVG written by `autograder.course.plots`.
"""
from __future__ import annotations

import html
import itertools
import math
import os
import re
import statistics
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Sequence, Union

from autograder.grading.pipeline import ItemGrade
from autograder.assignment.spec import Item, Spec
from autograder.course.plots import Histogram, grid_svg, totals_svg

#: What became of a submission, as the gradebook and the report show it.
GRADED, NO_SHEET, FAILED = "graded", "no readable sheet", "autograder error"
#: The outcome of an answer that gives several alternatives (never credited).
HEDGED = "hedged"
#: Rows of the table of changed grades; the rest are in gradebook.csv.
MAX_CHANGE_ROWS = 500

#: Wrong answers listed per item; the long tail is in the results files.
WRONG_ANSWERS_PER_ITEM = 5
#: Rows of the unrecognised-answer clusters table, the most common first.
MAX_CLUSTERS = 40
#: Characters of a student's answer shown in a table cell.
ANSWER_CELL_CHARS = 120
#: An item's pass rate in one variant differs notably from the rest of the
#: class's when the variant has at least this many sheets, the rates are at
#: least this far apart, and a two-proportion z-test finds the difference
#: significant at this level after a Bonferroni correction for every
#: (item, variant) compared: a class with no real difference between
#: variants shows one in fewer than 1 report in 20 (24 variants and 35 items
#: are about 840 comparisons, at 3 standard errors about 2 would show).
MIN_VARIANT_SHEETS = 5
NOTABLE_RATE_GAP = 0.2
NOTABLE_SIGNIFICANCE = 0.05
#: Rows of the table of items whose pass rate differs between variants.
MAX_VARIANT_ITEM_ROWS = 40
#: Rows of the table of sheets written for another variant.
MAX_WRONG_VARIANT_ROWS = 200
#: Rows of the table of pairs who may have shared answers, and the items
#: quoted in each row.
MAX_SHARING_ROWS = 40
SHARING_EXAMPLES = 3
#: An identical wrong value given by more students than this is a common
#: wrong answer (or a widely posted key): listed once, not pair by pair.
MAX_SHARING_GROUP = 12
#: Rows of the table of wrong values given by many students.
MAX_WIDE_VALUE_ROWS = 20

PLOTS_FOLDER = "plots"


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


def question_of(number: str) -> str:
    """The Gradescope question an item number belongs to: its first two
    parts ("2.g.07" -> "2.g", "E2.c.3" -> "E2.c", "2.b" -> "2.b")."""
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
    return _spelling(answer).casefold()


def _spelling(answer: str | None) -> str:
    """An answer as shown in the report: as written, on one line."""
    if answer is None or not answer.strip():
        return "(blank)"
    return " ".join(unicodedata.normalize("NFC", answer).split())


# --------------------------------------------------------------------------
# The report's content, independent of the output format


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
        _variants_section(submissions, scored, read, items, variants, max_scores),
        _written_for_section(submissions),
        _sharing_section(items, read, variants),
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


def insert_in_order(order: list[str], number: str, previous: str | None) -> None:
    """Put an item number that only some variants ask into the order of the
    item numbers: after `previous`, the number before it in its own
    variant, and after its parent's number (2.a.2.1 after 2.a.2) when
    another variant asks that one."""
    at = order.index(previous) + 1 if previous in order else 0
    parent = number.rpartition(".")[0]
    if parent in order:
        at = max(at, order.index(parent) + 1)
    order.insert(at, number)


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
                     _percent(full, len(values))))
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
                         _percent(full, len(verdicts)), _percent(partial, len(verdicts)),
                         _percent(wrong, len(verdicts)), _percent(hedged, len(verdicts)),
                         _percent(blank, len(verdicts)), common))
        else:
            answered = sum(1 for v in verdicts if v.label == "answered")
            rows.append((item.number, item.name, "by hand", "", "", "", "",
                         _percent(len(verdicts) - answered, len(verdicts)), ""))
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
                      str(group.count), _percent(group.count, sheets))
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


# --------------------------------------------------------------------------
# A family of variants: per variant, wrong variants, possible sharing


def _variants_section(submissions: Sequence[SubmissionGrades], scored, read,
                      items: Sequence[Item], variants: VariantFacts,
                      max_scores: Mapping[str, float]) -> Section:
    """Each variant's totals, the submissions graded against the base
    configuration, and the items whose pass rate in one variant differs
    notably from the rest of the class's."""
    settings = variants.settings
    by_variant: dict[int | None, list[SubmissionGrades]] = defaultdict(list)
    for submission in submissions:
        by_variant[submission.variant].append(submission)
    counts = [len(by_variant.get(number, ())) for number in settings]
    blocks: list[Block] = [
        f"Every student is graded against their own variant of the spec's family "
        f"({len(settings)} variants, drawn from their email): "
        f"{min(counts, default=0)} to {max(counts, default=0)} submissions per variant."]
    base = by_variant.get(None, [])
    if base:
        shown = ", ".join(s.submission_id for s in base[:20])
        more = f" and {len(base) - 20} more" if len(base) > 20 else ""
        blocks.append(f"{_count(len(base), 'submission')} without a submitter with a usable "
                      f"email, graded against the spec's base configuration (variant 'base' in "
                      f"the gradebook): {shown}{more}. Check their students' numbers by hand.")
    rows = []
    for number in (*settings, None):
        group = by_variant.get(number, [])
        if number is None and not group:
            continue
        totals = [s.total for s in group if s.status != FAILED]
        rows.append(("base" if number is None else str(number),
                     settings.get(number, "the configurations as the spec writes them"),
                     str(len(group)), str(sum(1 for s in group if s.status == GRADED)),
                     format_number(statistics.fmean(totals), 2) if totals else "",
                     format_number(statistics.median(totals)) if totals else "",
                     format_number(min(totals)) if totals else "",
                     str(sum(1 for s in group if s.written_for is not None))))
    blocks.append(Table((Column("variant"), Column("settings"), Column("submissions", True),
                         Column("sheets read", True), Column("mean total", True),
                         Column("median", True), Column("lowest", True),
                         Column("written for another variant", True)), tuple(rows)))
    blocks += _variant_differences(items, read, settings, max_scores)
    return Section("Variants", tuple(blocks))


def _variant_differences(items: Sequence[Item], read, settings: Mapping[int, str],
                         max_scores: Mapping[str, float]) -> list[Block]:
    """The items whose pass rate in some variant differs notably from the
    rest of the class's (see NOTABLE_Z): a harder variant, or a reference
    worth checking, rather than 24 columns of noise."""
    full: Counter = Counter()
    sheets: Counter = Counter()
    for submission in read:
        if submission.variant is None:
            continue
        for grade in submission.grades:
            key = (grade.item.number, submission.variant)
            sheets[key] += 1
            full[key] += grade.verdict.credit >= 1
    compared = []
    for index, item in enumerate(items):
        if not item.graded:
            continue
        total_full = sum(full[(item.number, v)] for v in settings)
        total_sheets = sum(sheets[(item.number, v)] for v in settings)
        for variant in settings:
            n, passed = sheets[(item.number, variant)], full[(item.number, variant)]
            rest_n, rest_passed = total_sheets - n, total_full - passed
            if n < MIN_VARIANT_SHEETS or rest_n < MIN_VARIANT_SHEETS:
                continue
            rate, rest = passed / n, rest_passed / rest_n
            pooled = total_full / total_sheets
            error = math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / rest_n))
            z = abs(rate - rest) / error if error > 0 else 0.0
            compared.append((index, rate - rest, item, variant, passed, n, rest_passed, rest_n, z))
    threshold = statistics.NormalDist().inv_cdf(
        1 - NOTABLE_SIGNIFICANCE / (2 * max(len(compared), 1)))
    flagged = [row[:-1] for row in compared
               if abs(row[1]) >= NOTABLE_RATE_GAP and row[-1] >= threshold]
    criterion = (f"a variant with at least {MIN_VARIANT_SHEETS} sheets whose full-credit rate is "
                 f"at least {NOTABLE_RATE_GAP:.0%} away from the other variants' together and "
                 f"unlikely by chance ({threshold:.1f} standard errors or more: significant at "
                 f"{NOTABLE_SIGNIFICANCE:g} over the {len(compared)} item-variant comparisons)")
    if not flagged:
        return [Heading("Items whose pass rate differs between variants"),
                f"None: no item has {criterion}. The pass rates below hold for every variant alike."]
    flagged.sort(key=lambda row: row[:2])
    rows = tuple((f"{item.number} {item.name}", f"{variant}: {settings[variant]}",
                  f"{_percent(passed, n)} of {n}", f"{_percent(rest_passed, rest_n)} of {rest_n}")
                 for _, _, item, variant, passed, n, rest_passed, rest_n
                 in flagged[:MAX_VARIANT_ITEM_ROWS])
    blocks: list[Block] = [
        Heading("Items whose pass rate differs between variants"),
        f"Items with {criterion}: a variant that is harder on that item, or a reference worth "
        "checking for it (`autograder key --variant N`).",
        Table((Column("item"), Column("variant"), Column("full credit in the variant", True),
               Column("in the other variants", True)), rows)]
    if len(flagged) > len(rows):
        blocks.append(f"{len(flagged) - len(rows)} more are not shown.")
    return blocks


def _written_for_section(submissions: Sequence[SubmissionGrades]) -> Section:
    """The sheets whose `variant:` line names another variant than the one
    their submitters were graded against: someone else's sheet."""
    title = "Sheets written for another variant"
    wrong = [s for s in submissions if s.written_for is not None]
    intro = ("A personal answer sheet records the variant it was written for (its `variant:` "
             "line). These sheets name another variant than their submitters' own: each was "
             "graded against its submitters' numbers (answers for other numbers earn nothing) "
             "and its results tell the student so. A sheet copied from a classmate lands here "
             "when its `variant:` line was copied too.")
    if not wrong:
        return Section(title, (intro, "None."))
    rows = tuple((s.submission_id, s.students,
                  "base configuration" if s.variant is None else f"variant {s.variant}",
                  s.written_for or "", format_number(s.total))
                 for s in wrong[:MAX_WRONG_VARIANT_ROWS])
    blocks: list[Block] = [intro, f"{_count(len(wrong), 'sheet')}.",
                           Table((Column("submission"), Column("students", student_text=True),
                                  Column("graded against"),
                                  Column("written for", student_text=True),
                                  Column("total", True)), rows)]
    if len(wrong) > len(rows):
        blocks.append(f"{len(wrong) - len(rows)} more are in gradebook.csv (their note says so).")
    return Section(title, tuple(blocks))


@dataclass
class _Pair:
    """Two submissions of different variants that gave the same wrong
    values: (item number, how it was written, whether that value is right
    in some variant of the class) per item."""

    first: SubmissionGrades
    second: SubmissionGrades
    items: dict[str, tuple[str, bool]] = field(default_factory=dict)

    @property
    def right_elsewhere(self) -> int:
        return sum(1 for _, right in self.items.values() if right)


def _sharing_section(items: Sequence[Item], read: Sequence[SubmissionGrades],
                     variants: VariantFacts) -> Section:
    """Students of different variants who gave the same wrong value on an
    item whose references differ between their variants: their numbers
    differ, so the same wrong value is unlikely by chance (and one that is
    right in another variant is likely a copied answer). Listed by pair,
    most items in common first; a value given by more than
    MAX_SHARING_GROUP students is listed once, as a widely shared value."""
    graded = {item.number: item for item in items if item.graded}
    wrong: dict[tuple[str, str], list[tuple[SubmissionGrades, ItemGrade]]] = defaultdict(list)
    right_in: dict[tuple[str, str], set[int]] = defaultdict(set)
    for submission in read:
        if submission.variant is None:
            continue
        for grade in submission.grades:
            verdict = grade.verdict
            if grade.item.number not in graded or not _was_read(verdict.label):
                continue
            key = (grade.item.number, verdict.read)
            if verdict.credit >= 1:
                right_in[key].add(submission.variant)
            else:
                wrong[key].append((submission, grade))

    def reference(submission: SubmissionGrades, number: str) -> object:
        if not variants.references:  # unknown: any two variants count as different
            return submission.variant
        return variants.references.get(submission.variant, {}).get(number)

    pairs: dict[tuple[str, str], _Pair] = {}
    wide = []
    for (number, read_as), members in wrong.items():
        if len({submission.variant for submission, _ in members}) < 2 or len(
                {repr(reference(submission, number)) for submission, _ in members}) < 2:
            continue
        right = bool(right_in.get((number, read_as)))
        if len(members) > MAX_SHARING_GROUP:
            wide.append((number, read_as, members, sorted(right_in.get((number, read_as), ()))))
            continue
        for (a, grade_a), (b, _) in itertools.combinations(
                sorted(members, key=lambda member: member[0].submission_id), 2):
            if a.variant == b.variant or reference(a, number) == reference(b, number):
                continue
            pair = pairs.setdefault((a.submission_id, b.submission_id), _Pair(a, b))
            pair.items[number] = (_spelling(grade_a.answer), right)
    title = "Possible sharing"
    intro = ("Students of different variants who gave the same wrong value on the same item, "
             "where their variants' references for that item differ: their numbers differ, so "
             "an identical wrong value is unlikely by chance, and one that is right in another "
             "variant was likely copied from someone else's numbers. Evidence to look at, not "
             "proof: read the sheets before acting.")
    if not pairs and not wide:
        return Section(title, (intro, "No two students of different variants gave the same "
                                      "wrong value on such an item."))
    order = {number: index for index, number in enumerate(graded)}
    ranked = sorted(pairs.values(), key=lambda p: (-len(p.items), -p.right_elsewhere,
                                                   p.first.submission_id, p.second.submission_id))
    blocks: list[Block] = [intro]
    if ranked:
        rows = tuple((_who(p.first), _who(p.second), str(len(p.items)), str(p.right_elsewhere),
                      "; ".join(f"{number}: {spelling}" for number, (spelling, _) in
                                sorted(p.items.items(),
                                       key=lambda kv: (not kv[1][1], order[kv[0]]))[:SHARING_EXAMPLES]))
                     for p in ranked[:MAX_SHARING_ROWS])
        blocks += [f"{_count(len(ranked), 'pair')}, the most items in common first.",
                   Table((Column("student", student_text=True),
                          Column("other student", student_text=True),
                          Column("same wrong values", True),
                          Column("of which right in another variant", True),
                          Column("items and values", student_text=True)), rows)]
        if len(ranked) > len(rows):
            blocks.append(f"{len(ranked) - len(rows)} more pairs, with fewer items in common, "
                          "are not shown.")
    if wide:
        wide.sort(key=lambda row: (-len(row[2]), order[row[0]], row[1]))
        rows = tuple((f"{number} {graded[number].name}",
                      Counter(_spelling(g.answer) for _, g in members).most_common(1)[0][0],
                      str(len(members)), str(len({s.variant for s, _ in members})),
                      ", ".join(map(str, right)) or "none in this class")
                     for number, _, members, right in wide[:MAX_WIDE_VALUE_ROWS])
        blocks += [Heading("Wrong values given by many students of different variants"),
                   f"Given by more than {MAX_SHARING_GROUP} students each: a common wrong answer, "
                   "or a key of one variant passed around (when it is right in another variant).",
                   Table((Column("item"), Column("value", student_text=True),
                          Column("students", True), Column("variants", True),
                          Column("right in variant")), rows)]
        if len(wide) > len(rows):
            blocks.append(f"{len(wide) - len(rows)} more are not shown.")
    return Section(title, tuple(blocks))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _who(submission: SubmissionGrades) -> str:
    names = f" {submission.students}" if submission.students else ""
    return f"{submission.submission_id}{names} (variant {submission.variant})"


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
            same = verdict.read if _was_read(verdict.label) else normalise_answer(grade.answer)
            spellings[(verdict.label, verdict.credit, same, verdict.read)][
                _spelling(grade.answer)] += 1
    groups = [_Group(outcome, credit, read, sum(texts.values()),
                     min(texts.items(), key=lambda kv: (-kv[1], kv[0]))[0], len(texts))
              for (outcome, credit, _, read), texts in spellings.items()]
    return sorted(groups, key=lambda g: (-g.count, g.read, g.spelling, g.outcome, g.credit))


def _was_read(outcome: str) -> bool:
    return not (outcome in ("unreadable", "missing", "time budget", HEDGED)
                or outcome.startswith("internal error"))


def _describe_outcome(outcome: str) -> str:
    if outcome == HEDGED:
        return "hedged: several alternatives"
    if outcome in ("unrecognised", "unreadable", "missing") or outcome.startswith(
            ("internal error", "time budget")):
        return outcome
    return f"mistake: {outcome}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else ""


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


# --------------------------------------------------------------------------
# Output formats


def write_report(spec: Spec, submissions: Sequence[SubmissionGrades], folder: Path,
                 changes: Sequence[GradeChange] | None = None, *, sync: bool = True,
                 variants: VariantFacts | None = None) -> None:
    """report.html, report.md and plots/*.svg in `folder`, each replaced
    atomically. `sync=False` leaves flushing to disk to the caller (a
    regrade syncs its whole output once)."""
    report = build_report(spec, submissions, changes, variants=variants)
    plots_folder = folder / PLOTS_FOLDER
    plots_folder.mkdir(parents=True, exist_ok=True)
    for plot in report.plots:
        write_text_atomically(plots_folder / f"{plot.name}.svg", plot.svg, sync=sync)
    write_text_atomically(folder / "report.html", render_html(report), sync=sync)
    write_text_atomically(folder / "report.md", render_markdown(report), sync=sync)


def encodable(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate (from a YAML escape or a
    file name that is not UTF-8) becomes its `\\udcff` escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def write_text_atomically(path: Path, text: str, *, sync: bool = True) -> None:
    """Write `text` to `path` through a temporary file in the same folder
    renamed over it: a reader (or a crash) sees the old file or the new one,
    never half of one. Unencodable characters are escaped, never fatal."""
    data = encodable(text)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data.encode("utf-8"))
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1em; margin: 1.2em 0 0.2em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.answer { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; }
"""


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, no scripts, no URLs."""
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f"<title>{html.escape(report.title)}</title>", f"<style>{_CSS}</style>",
             "</head>", "<body>", f"<h1>{html.escape(report.title)}</h1>"]
    for section in report.sections:
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        for block in section.blocks:
            parts.append(_html_block(block))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _html_block(block: Block) -> str:
    if isinstance(block, str):
        return f"<p>{html.escape(block)}</p>"
    if isinstance(block, Heading):
        return f"<h3>{html.escape(block.text)}</h3>"
    if isinstance(block, Plot):
        return (f'<figure id="plot-{html.escape(block.name)}">'
                f"<figcaption>{html.escape(block.title)}</figcaption>{block.svg}</figure>")
    head = "".join(f"<th>{html.escape(c.title)}</th>" for c in block.columns)
    rows = []
    for row in block.rows:
        cells = []
        for column, text in zip(block.columns, row):
            css = ' class="number"' if column.numeric else (
                ' class="answer"' if column.student_text else "")
            cells.append(f"<td{css}>{html.escape(_cut(text) if column.student_text else text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def render_markdown(report: Report) -> str:
    """The same content as Markdown; plots are linked from plots/. Only what
    Markdown would act on is escaped, where it would act (see `_md_text`);
    student answers are code spans."""
    lines = [f"# {_md_text(report.title)}", ""]
    for section in report.sections:
        lines += [f"## {_md_text(section.title)}", ""]
        for block in section.blocks:
            lines += _markdown_block(block) + [""]
    return "\n".join(lines)


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, str):
        return [_md_text(block)]
    if isinstance(block, Heading):
        return [f"### {_md_text(block.text)}"]
    if isinstance(block, Plot):
        return [f"![{_md_text(block.title)}]({PLOTS_FOLDER}/{block.name}.svg)"]
    lines = ["| " + " | ".join(_md_inline(c.title) for c in block.columns) + " |",
             "|" + "|".join("---:" if c.numeric else "---" for c in block.columns) + "|"]
    for row in block.rows:
        cells = [_md_code(_cut(_one_line(text))) if column.student_text
                 else _md_inline(_one_line(text)) for column, text in zip(block.columns, row)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


#: Characters Markdown (CommonMark + GitHub's tables, strikethrough and
#: autolinks) acts on inside a line: emphasis, code, links and images, raw
#: HTML and entities, table cells, escapes. Periods, parentheses, '#', '-'
#: and '+' only act at the start of a line, handled there.
_MD_INLINE = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>&|~"})
#: A line start that makes a block: a heading (`# `), a quote, a list item
#: (`- `, `+ `, `3. `, `3) `) or a thematic break (`---`); group 2 is the
#: character to escape.
_MD_LINE_START = re.compile(r"^(\s*\d{0,9})(#{1,6}(?=\s|$)|(?<!\d)[-+](?=\s|$)|>|(?<!\d)-(?=-{2,}\s*$)"
                            r"|(?<=\d)[.)](?=\s|$))")


def _md_inline(text: str) -> str:
    """Text shown as itself inside a line of Markdown (a table cell holds
    only inline content): its inline markup characters get a backslash."""
    return _visible(" ".join(text.split())).translate(_MD_INLINE)


def _md_text(text: str) -> str:
    """A line of text shown as itself in Markdown: `_md_inline`, and a line
    that would start a heading, quote, list or thematic break has its first
    mark escaped."""
    text = _md_inline(text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2)[0] + m.group(2)[1:], text,
                              count=1)


def _md_code(text: str) -> str:
    """A student's answer as an inline code span: shown exactly as typed
    (no markup, no HTML), fenced by more backticks than it contains; '|'
    is escaped, as GitHub's tables require even inside code."""
    text = _visible(text)
    if not text.strip():
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    body = text.replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def _visible(text: str) -> str:
    """Without control and invisible formatting characters (bidirectional
    overrides could reorder what a reader sees)."""
    if text.isascii():
        return re.sub("[\x00-\x1f\x7f]", "", text)
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))


def _cut(text: str) -> str:
    return text if len(text) <= ANSWER_CELL_CHARS else text[:ANSWER_CELL_CHARS] + "…"


def _one_line(text: str) -> str:
    """A table row ends at a newline, so a cell must not hold one."""
    return " ".join(text.split())
