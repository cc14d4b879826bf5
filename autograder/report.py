"""The class report of a regrade: how the whole class did, item by item.

Built from every submission's `ItemGrade`s (see `autograder.regrade`), it
answers the questions TAs ask after a deadline: how are the totals and each
question distributed, which items most students miss, which wrong answers
are common and which recognised mistake each one is, and which identical
wrong answers the spec does not recognise yet (candidates for a new entry in
the spec's mistake catalogue).

The same content is written twice: `report.html`, one self-contained file
(plots inline as SVG, no external URL, so it opens offline and can be mailed),
and `report.md` with the plots beside it in `plots/`. Student answers are
untrusted text: every cell is escaped (`html.escape` in HTML,
`escape_markdown` in Markdown), whatever it holds. Nothing in either file
depends on the time or the machine, so a regrade of the same export gives
the same bytes.
"""
from __future__ import annotations

import html
import io
import statistics
import unicodedata
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence, Union

try:
    import matplotlib
    import matplotlib.style
    from matplotlib.figure import Figure
except ImportError as error:  # matplotlib is a TA-side dependency, not the grader's
    raise ImportError("the class report needs matplotlib: "
                      "pip install -r requirements-ta.txt") from error

from autograder.grading import ItemGrade
from autograder.results import escape_markdown
from autograder.spec import Item, Spec

#: What became of a submission, as the gradebook and the report show it.
GRADED, NO_SHEET, FAILED = "graded", "no readable sheet", "autograder error"

#: Wrong answers listed per item; the long tail is in the results files.
WRONG_ANSWERS_PER_ITEM = 5
#: Rows of the unrecognised-answer clusters table, the most common first.
MAX_CLUSTERS = 40
#: Characters of a student's answer shown in a table cell.
ANSWER_CELL_CHARS = 120
#: Histogram bins are this wide up to this many points, 1 point beyond.
HALF_POINT_BINS_UP_TO = 10

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


def question_of(number: str) -> str:
    """The Gradescope question an item number belongs to: its first two
    parts ("2.g.07" -> "2.g", "E2.c.3" -> "E2.c", "2.b" -> "2.b")."""
    return ".".join(number.split(".")[:2])


def question_points(spec: Spec) -> dict[str, float]:
    """Points of every question that carries autograder points, in spec order."""
    points: dict[str, float] = {}
    for item in spec.items:
        if item.max_score > 0:
            question = question_of(item.number)
            points[question] = points.get(question, 0.0) + item.max_score
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


def build_report(spec: Spec, submissions: Sequence[SubmissionGrades]) -> Report:
    """Everything the report says, from the submissions' grades."""
    submissions = sorted(submissions, key=lambda s: s.submission_id)
    questions = question_points(spec)
    scored = [s for s in submissions if s.status != FAILED]
    read = [s for s in submissions if s.status == GRADED]
    by_item: dict[str, list[ItemGrade]] = {item.key: [] for item in spec.items}
    for submission in read:
        for grade in submission.grades:
            by_item[grade.item.key].append(grade)
    sections = (
        _overview(spec, submissions, scored, read),
        _distributions(questions, scored),
        _items_section(spec, by_item),
        _wrong_answers_section(spec, by_item, len(read)),
        _clusters_section(spec, by_item),
    )
    return Report(title=f"Class report: {spec.assignment}", sections=sections)


def _reported(spec: Spec, by_item: Mapping[str, list[ItemGrade]]) -> list[Item]:
    """The items some sheet has a grade for, in spec order (blanks that are
    read but not graded, such as the Big-O variable, have none)."""
    return [item for item in spec.items if by_item[item.key]]


def _overview(spec: Spec, submissions, scored, read) -> Section:
    counts = Counter(s.status for s in submissions)
    possible = sum(item.max_score for item in spec.items)
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
    return Section("Overview", tuple(lines))


def _distributions(questions: dict[str, float], scored) -> Section:
    possible = sum(questions.values())
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
        f"Over the {len(scored)} submissions with a grade (a sheet that could not be read scores 0).",
        _totals_plot([s.total for s in scored], possible),
        _questions_plot(per_question, questions),
        table,
    ]
    return Section("Distribution of scores", tuple(blocks))


def _items_section(spec: Spec, by_item: Mapping[str, list[ItemGrade]]) -> Section:
    rows = []
    for item in _reported(spec, by_item):
        verdicts = [grade.verdict for grade in by_item[item.key]]
        if item.graded:
            full = sum(1 for v in verdicts if v.credit >= 1)
            partial = sum(1 for v in verdicts if 0 < v.credit < 1)
            blank = sum(1 for v in verdicts if v.outcome == "missing")
            wrong = len(verdicts) - full - partial - blank
            misses = Counter(v.outcome for v in verdicts if v.credit < 1)
            common = ", ".join(f"{name} ({count})" for name, count in
                               sorted(misses.items(), key=lambda kv: (-kv[1], kv[0]))[:2])
            rows.append((item.number, item.name, format_number(item.max_score),
                         _percent(full, len(verdicts)), _percent(partial, len(verdicts)),
                         _percent(wrong, len(verdicts)), _percent(blank, len(verdicts)), common))
        else:
            answered = sum(1 for v in verdicts if v.outcome == "answered")
            rows.append((item.number, item.name, "by hand", "", "", "",
                         _percent(len(verdicts) - answered, len(verdicts)), ""))
    table = Table((Column("#"), Column("item"), Column("points", True), Column("full credit", True),
                   Column("partial", True), Column("wrong", True), Column("blank", True),
                   Column("most common outcomes when not full credit")), tuple(rows))
    return Section("Pass rate per item", (
        "Full credit is the pass rate. An outcome is a recognised mistake from the spec's "
        "catalogue, 'unrecognised' (a value the spec does not know), 'unreadable' (the answer "
        "could not be parsed), 'hedged' (it offered more than one value, so it was graded as "
        "neither) or 'missing' (left blank).", table))


def _wrong_answers_section(spec: Spec, by_item: Mapping[str, list[ItemGrade]],
                           sheets: int) -> Section:
    blocks: list[Block] = [
        f"The {WRONG_ANSWERS_PER_ITEM} most common answers without full credit for each item, "
        "with what the autograder recognised in them. Answers the autograder read as the same "
        "value are one answer (its most common spelling is shown); answers it could not read "
        "are grouped by their text, ignoring case and spacing."]
    for item in _reported(spec, by_item):
        if not item.graded:
            continue
        groups = _groups(by_item[item.key], lambda g: g.verdict.credit < 1)
        if not groups:
            continue
        rows = tuple((group.spelling, str(group.spellings), group.read,
                      _describe_outcome(group.outcome), format_number(group.credit * item.max_score),
                      str(group.count), _percent(group.count, sheets))
                     for group in groups[:WRONG_ANSWERS_PER_ITEM])
        blocks.append(Heading(f"{item.number} {item.name}"))
        blocks.append(Table((Column("answer", student_text=True), Column("spellings", True),
                             Column("read as", student_text=True), Column("recognised as"),
                             Column("points", True), Column("students", True),
                             Column("share", True)), rows))
    return Section("Most common wrong answers", tuple(blocks))


def _clusters_section(spec: Spec, by_item: Mapping[str, list[ItemGrade]]) -> Section:
    clusters = []
    for index, item in enumerate(_reported(spec, by_item)):
        if item.graded:
            groups = _groups(by_item[item.key], lambda g: g.verdict.outcome == "unrecognised")
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
            same = verdict.read if _was_read(verdict.outcome) else normalise_answer(grade.answer)
            spellings[(verdict.outcome, verdict.credit, same, verdict.read)][
                _spelling(grade.answer)] += 1
    groups = [_Group(outcome, credit, read, sum(texts.values()),
                     min(texts.items(), key=lambda kv: (-kv[1], kv[0]))[0], len(texts))
              for (outcome, credit, _, read), texts in spellings.items()]
    return sorted(groups, key=lambda g: (-g.count, g.read, g.spelling, g.outcome, g.credit))


def _was_read(outcome: str) -> bool:
    return not (outcome in ("unreadable", "hedged", "missing", "time budget")
                or outcome.startswith("internal error"))


def _describe_outcome(outcome: str) -> str:
    if outcome in ("unrecognised", "unreadable", "hedged", "missing") or outcome.startswith(
            ("internal error", "time budget")):
        return outcome
    return f"mistake: {outcome}"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else ""


# --------------------------------------------------------------------------
# Plots


#: Fixed style, so a TA's own matplotlibrc cannot change the report's bytes.
_STYLE = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, searchable
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _bin_edges(maximum: float) -> list[float]:
    """Bins centred on the scores a student can earn (whole or half points)."""
    width = 0.5 if maximum <= HALF_POINT_BINS_UP_TO else 1.0
    count = int(maximum / width) + 1
    return [(i - 0.5) * width for i in range(count + 1)]


def _totals_plot(totals: Sequence[float], possible: float) -> Plot:
    with _plotting():
        figure = Figure(figsize=(7.5, 2.8))
        axes = figure.subplots()
        axes.hist(totals, bins=_bin_edges(possible), color="#4c72b0", edgecolor="white")
        if totals:
            axes.axvline(statistics.median(totals), color="#c44e52", linestyle="--",
                         label=f"median {format_number(statistics.median(totals))}")
            axes.legend(frameon=False)
        axes.set_xlabel(f"total points (out of {format_number(possible)})")
        axes.set_ylabel("submissions")
        axes.set_xlim(-0.5, possible + 0.5)
        _fixed_margins(figure)
        return Plot("totals", "Distribution of totals", _svg(figure, "totals"))


def _questions_plot(per_question: Mapping[str, Sequence[float]],
                    questions: Mapping[str, float]) -> Plot:
    columns = 4
    rows = max(1, -(-len(questions) // columns))
    with _plotting():
        figure = Figure(figsize=(7.5, 1.9 * rows))
        grid = figure.subplots(rows, columns, squeeze=False)
        for axes, (question, points) in zip(grid.flat, questions.items()):
            axes.hist(per_question[question], bins=_bin_edges(points), color="#55a868",
                      edgecolor="white")
            axes.set_title(f"{question} (out of {format_number(points)})")
            axes.set_xlim(-0.5, points + 0.5)
        for axes in list(grid.flat)[len(questions):]:
            axes.set_visible(False)
        figure.supxlabel("points")
        figure.supylabel("submissions")
        _fixed_margins(figure, hspace=0.8, wspace=0.35)
        return Plot("questions", "Distribution of each question's score",
                    _svg(figure, "questions"))


def _fixed_margins(figure: Figure, **spacing: float) -> None:
    """Margins in inches, for labels and titles: cheaper than tight_layout,
    which measures every tick label (seconds for a grid of histograms)."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(left=0.75 / width, right=1 - 0.15 / width, bottom=0.55 / height,
                           top=1 - 0.3 / height, **spacing)


@contextmanager
def _plotting():
    """Matplotlib's default style plus ours, whatever the user configured."""
    with matplotlib.style.context("default"), matplotlib.rc_context(_STYLE):
        yield


def _svg(figure: Figure, name: str) -> str:
    """The figure as SVG text with no date, and ids salted by the plot's name
    (stable across runs, distinct between the plots inlined in one page)."""
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Output formats


def write_report(spec: Spec, submissions: Sequence[SubmissionGrades], folder: Path) -> None:
    """report.html, report.md and plots/*.svg in `folder`."""
    report = build_report(spec, submissions)
    plots = folder / PLOTS_FOLDER
    plots.mkdir(parents=True, exist_ok=True)
    for plot in report.plots:
        (plots / f"{plot.name}.svg").write_text(plot.svg, encoding="utf-8")
    (folder / "report.html").write_text(render_html(report), encoding="utf-8")
    (folder / "report.md").write_text(render_markdown(report), encoding="utf-8")


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
        svg = block.svg[block.svg.index("<svg"):]  # drop the XML prolog and DOCTYPE
        return (f'<figure id="plot-{html.escape(block.name)}">'
                f"<figcaption>{html.escape(block.title)}</figcaption>{svg}</figure>")
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
    """The same content as Markdown; plots are linked from plots/."""
    lines = [f"# {escape_markdown(report.title)}", ""]
    for section in report.sections:
        lines += [f"## {escape_markdown(section.title)}", ""]
        for block in section.blocks:
            lines += _markdown_block(block) + [""]
    return "\n".join(lines)


def _markdown_block(block: Block) -> list[str]:
    if isinstance(block, str):
        return [escape_markdown(block)]
    if isinstance(block, Heading):
        return [f"### {escape_markdown(block.text)}"]
    if isinstance(block, Plot):
        return [f"![{escape_markdown(block.title)}]({PLOTS_FOLDER}/{block.name}.svg)"]
    lines = ["| " + " | ".join(escape_markdown(c.title) for c in block.columns) + " |",
             "|" + "|".join("---:" if c.numeric else "---" for c in block.columns) + "|"]
    for row in block.rows:
        cells = [escape_markdown(_one_line(text), limit=ANSWER_CELL_CHARS if column.student_text
                                 else len(text) + 1)
                 for column, text in zip(block.columns, row)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _cut(text: str) -> str:
    return text if len(text) <= ANSWER_CELL_CHARS else text[:ANSWER_CELL_CHARS] + "…"


def _one_line(text: str) -> str:
    """A table row ends at a newline, so a cell must not hold one."""
    return " ".join(text.split())
