"""How the class report is written out.

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
"""
from __future__ import annotations

import html
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Sequence

from autograder.assignment.spec import Spec
from autograder.course.report import build_report
from autograder.course.report_model import (Block, GradeChange, Heading, Plot, Report,
                                            SubmissionGrades, VariantFacts)
from autograder.text_output import encodable

#: Characters of a student's answer shown in a table cell.
ANSWER_CELL_CHARS = 120
PLOTS_FOLDER = "plots"


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
