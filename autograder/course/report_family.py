"""The class report's sections for a spec that gives every student their own
numbers (a `family`): each variant's totals with the items whose pass rate
in one variant differs notably from the rest of the class's, the sheets
written for another variant than their submitter's, and possible sharing:
students of different variants who gave the same wrong value on an item
whose references differ between their variants.

Items are counted across variants by their number (a variant's keys follow
its sizes, `q2.g.multiplications_48...`, but its numbers do not).
"""
from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from autograder.assignment.spec import Item
from autograder.course.report_model import (FAILED, GRADED, Block, Column, Heading, Section,
                                            SubmissionGrades, Table, VariantFacts, format_number,
                                            percent, spelling, was_read)
from autograder.grading.pipeline import ItemGrade

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


def variants_section(submissions: Sequence[SubmissionGrades], scored, read,
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
                  f"{percent(passed, n)} of {n}", f"{percent(rest_passed, rest_n)} of {rest_n}")
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


def written_for_section(submissions: Sequence[SubmissionGrades]) -> Section:
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


def sharing_section(items: Sequence[Item], read: Sequence[SubmissionGrades],
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
            if grade.item.number not in graded or not was_read(verdict.label):
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
            pair.items[number] = (spelling(grade_a.answer), right)
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
                      Counter(spelling(g.answer) for _, g in members).most_common(1)[0][0],
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
