"""Writing Gradescope's ``results.json``: the only thing Gradescope reads back.

Format: https://gradescope-autograders.readthedocs.io/en/latest/specs/
(mirrored in ``gradescope/autograder_samples`` ``docs/specs.md``), described
as a JSON Schema in ``results.schema.json`` next to this module. If the file
is missing or is not valid JSON, Gradescope shows the student a bare
"autograder failed to produce output", so the writer is atomic and refuses
values (NaN, unknown visibilities) that would make the file unreadable.

All ``output`` strings are Markdown (``"md"``); anything that came from a
student must pass through :func:`escape_markdown` before it is put in one.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence, Tuple

GRADESCOPE_SUBMISSION = Path("/autograder/submission")
"""Where Gradescope unpacks the student's upload."""

GRADESCOPE_RESULTS = Path("/autograder/results/results.json")
"""Where Gradescope expects the results after ``run_autograder`` exits."""

GRADESCOPE_METADATA = Path("/autograder/submission_metadata.json")
"""Gradescope's description of the submission (due dates, previous scores)."""

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
"""Gradescope's visibility settings, for tests, the whole result and stdout."""

STATUSES = ("passed", "failed")
"""Gradescope's explicit test statuses; they let a 0-point test show as failed."""

SCORE_DECIMALS = 4
"""Scores are rounded so sums like 0.1 + 0.2 show as 0.3, not 0.30000000000000004."""

MAX_ESCAPED_CHARS = 2_000
"""Student text shown per answer before it is cut short, so a pasted essay
cannot bury the feedback (Gradescope also caps the size of results.json)."""

MARKDOWN = "md"
PLAIN_TEXT = "text"


class ResultsWriteError(Exception):
    """results.json could not be written; the message names the path and the cause."""


@dataclass(frozen=True)
class TestResult:
    """One graded item as Gradescope shows it.

    ``output`` is Markdown. ``status`` is derived from the score when
    ``None`` (full marks pass, anything less fails), the same rule as
    gradescope-utils' JSONTestRunner.
    """

    __test__ = False  # a class named Test* is not a pytest test case

    number: str
    name: str
    score: float
    max_score: float
    output: str
    visibility: str = "visible"
    status: Optional[str] = None
    tags: Tuple[str, ...] = ()
    extra_data: Optional[dict] = None

    def __post_init__(self) -> None:
        _check_finite(f"score of test {self.number}", self.score)
        _check_finite(f"max_score of test {self.number}", self.max_score)
        if self.max_score < 0:
            raise ValueError(f"max_score of test {self.number} is negative: {self.max_score}")
        _check_choice("visibility", self.visibility, VISIBILITIES)
        if self.status is not None:
            _check_choice("status", self.status, STATUSES)

    @property
    def resolved_status(self) -> str:
        """The explicit status, or "passed" exactly when full marks were earned."""
        if self.status is not None:
            return self.status
        return "passed" if _rounded(self.score) >= _rounded(self.max_score) else "failed"


@dataclass(frozen=True)
class Results:
    """A whole submission's results.

    ``output`` is the Markdown message shown above the tests; ``score`` of
    ``None`` means the sum of the tests' scores (Gradescope uses a top-level
    score in place of the sum when present). ``stdout_visibility`` defaults
    to hidden because stdout carries tracebacks meant for staff.
    """

    tests: Sequence[TestResult]
    output: str
    execution_time: float
    extra_data: dict = field(default_factory=dict)
    score: Optional[float] = None
    visibility: str = "visible"
    stdout_visibility: str = "hidden"

    def __post_init__(self) -> None:
        _check_finite("execution_time", self.execution_time)
        if self.score is not None:
            _check_finite("score", self.score)
        _check_choice("visibility", self.visibility, VISIBILITIES)
        _check_choice("stdout_visibility", self.stdout_visibility, VISIBILITIES)


def to_json_dict(results: Results) -> dict:
    """``results`` in Gradescope's results.json shape (numbers as JSON numbers)."""
    return {**_head_json(results), "tests": [_copy(_test_entry(test)[0]) for test in results.tests]}


def to_json_text(results: Results) -> str:
    """``results`` as compact results.json text, equal as JSON to
    ``to_json_dict``. A class regrade writes a thousand documents whose tests
    repeat: each distinct test is encoded once per process, and a document
    is its head and its tests' texts joined."""
    head = json.dumps(_head_json(results), allow_nan=False, ensure_ascii=True,
                      separators=(",", ":"))
    tests = ",".join(_test_entry(test)[1] for test in results.tests)
    return f'{head[:-1]},"tests":[{tests}]}}'


@dataclass(frozen=True)
class WrittenScores:
    """The scores of a results document exactly as results.json has them
    (rounded the same way), without building the document."""

    total: float
    scores: "dict[str, float]"       # test number -> score
    max_scores: "dict[str, float]"   # test number -> max_score


def written_scores(results: Results) -> WrittenScores:
    """What `to_json_dict(results)` says of the scores, cheaply."""
    return WrittenScores(_total(results),
                         {test.number: _rounded(test.score) for test in results.tests},
                         {test.number: _rounded(test.max_score) for test in results.tests})


def _copy(entry: dict) -> dict:
    """A remembered entry as the caller's own: its tag list too."""
    copied = dict(entry)
    if "tags" in copied:
        copied["tags"] = list(copied["tags"])
    return copied


def _total(results: Results) -> float:
    if results.score is None:
        return _rounded(sum(_rounded(test.score) for test in results.tests))
    return _rounded(results.score)


def _head_json(results: Results) -> dict:
    """Every field of the document but its tests."""
    return {
        "score": _total(results),
        "execution_time": round(max(results.execution_time, 0.0), 2),
        "output": results.output,
        "output_format": MARKDOWN,
        "test_output_format": MARKDOWN,
        "test_name_format": PLAIN_TEXT,
        "visibility": results.visibility,
        "stdout_visibility": results.stdout_visibility,
        "extra_data": results.extra_data,
    }


#: Tests remembered with their JSON per process, at most, and the longest
#: output a remembered test may have: a class's tests are a few hundred
#: characters (longest of 15,000 in a synthetic class: 309), and a full memo of
#: 1,000-character outputs, all escaped in JSON, measured 110 MB: the memory it
#: can hold stays bounded whatever the sheets quote.
REMEMBERED_TESTS = 16384
REMEMBERED_OUTPUT_CHARS = 1_000


def _test_entry(test: TestResult) -> Tuple[dict, str]:
    """A test's results.json entry and its compact JSON text, built once per
    distinct test when the test can be remembered: one without extra data
    (a mutable dict) and with an output of ordinary length."""
    if test.extra_data is None and len(test.output) <= REMEMBERED_OUTPUT_CHARS:
        return _remembered_test_entry(test)
    return _built_test_entry(test)


@lru_cache(maxsize=REMEMBERED_TESTS)
def _remembered_test_entry(test: TestResult) -> Tuple[dict, str]:
    return _built_test_entry(test)


def _built_test_entry(test: TestResult) -> Tuple[dict, str]:
    entry = {
        "score": _rounded(test.score),
        "max_score": _rounded(test.max_score),
        "status": test.resolved_status,
        "name": test.name,
        "name_format": PLAIN_TEXT,
        "number": test.number,
        "output": test.output,
        "output_format": MARKDOWN,
        "visibility": test.visibility,
    }
    if test.tags:
        entry["tags"] = list(test.tags)
    if test.extra_data is not None:
        entry["extra_data"] = test.extra_data
    return entry, json.dumps(entry, allow_nan=False, ensure_ascii=True, separators=(",", ":"))


def write_results(results: Results, path: Path) -> None:
    """Write ``results`` to ``path`` atomically, creating its folder.

    The JSON goes to a temporary file in the same folder, is flushed to disk,
    and then renamed over ``path``: a crash mid-write leaves the previous
    file (or none), never a truncated one that Gradescope cannot parse.
    """
    text = json.dumps(to_json_dict(results), indent=2, allow_nan=False, ensure_ascii=True)
    folder = path.parent
    temporary: Optional[str] = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from non-root readers
        os.replace(temporary, path)
        temporary = None
        fsync_folder(folder)
    except OSError as error:
        raise ResultsWriteError(
            f"Could not write {path}: {error.strerror or error}"
        ) from error
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def fsync_folder(folder: Path) -> None:
    """Make the rename durable where the OS supports syncing a directory."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def failure_results(message: str, *, execution_time: float) -> Results:
    """Results for when the autograder itself broke on this submission.

    A bare 0 would read as a grade; this says plainly that the autograder
    failed, that the 0 is not a grade, and to contact course staff.
    ``message`` is shown to the student (escaped), so keep tracebacks in
    stdout, which only staff see.
    """
    detail = escape_markdown(message)
    output = (
        "**The autograder failed while grading this submission.**\n\n"
        "The score of 0 shown here is not a grade: the problem is in the autograder, "
        "and your answers were not assessed. Please contact the course staff "
        "and mention this submission.\n\n"
        f"Details: {detail}"
    )
    error_test = TestResult(
        number="0",
        name="Autograder error",
        score=0.0,
        max_score=0.0,
        output="The autograder could not grade this submission; this 0 is not a grade. "
        "See the message above and contact the course staff.",
        status="failed",
    )
    return Results(
        tests=[error_test],
        output=output,
        execution_time=execution_time,
        extra_data={"autograder_error": message},
        score=0.0,
    )


_MARKDOWN_SPECIALS = frozenset("\\`*_{}[]()#+-.!|~=$")
"""ASCII characters with Markdown meaning; each gets a backslash (CommonMark
allows escaping any ASCII punctuation), so none can start a heading, list,
table, emphasis, code span, link or image."""

_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}

_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}


def escape_markdown(text: str, *, limit: int = MAX_ESCAPED_CHARS) -> str:
    """``text`` made inert inside Markdown: shown as typed, never rendered as markup.

    HTML is entity-encoded (``<script>`` shows as text), Markdown punctuation
    is backslash-escaped (no links, images, code, tables or headings),
    control and invisible formatting characters (including bidirectional
    overrides) are dropped, leading indentation is dropped (it would start a
    code block, which shows entities literally), and each newline becomes a
    Markdown hard line break. Text longer than ``limit`` characters is cut
    with a note saying how much was left out.
    """
    for sequence, newline in _LINE_BREAKS.items():
        text = text.replace(sequence, newline)
    if text.isascii():  # most text: its only invisible characters are the controls
        text = _ASCII_INVISIBLE.sub("", text)
    else:
        text = "".join(ch for ch in text if ch == "\n" or not _is_invisible(ch))
    omitted = len(text) - limit
    if omitted > 0:
        text = text[:limit]
    lines = (line.lstrip().translate(_ESCAPES) for line in text.split("\n"))
    escaped = "  \n".join(lines)
    if omitted > 0:
        escaped += f" … ({omitted} more characters not shown)"
    return escaped


#: The ASCII characters `_is_invisible` drops: controls but tab and newline.
_ASCII_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _is_invisible(ch: str) -> bool:
    """Control (Cc), format (Cf) and lone surrogate (Cs) characters, except tab (shown as a space)."""
    return ch != "\t" and unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def _escape_char(ch: str) -> str:
    """One character as `escape_markdown` writes it (`_ESCAPES` is this as a table)."""
    if ch in _HTML_ENTITIES:
        return _HTML_ENTITIES[ch]
    if ch in _MARKDOWN_SPECIALS:
        return "\\" + ch
    if ch == "\t":
        return " "
    return ch


_ESCAPES = {ord(ch): _escape_char(ch) for ch in map(chr, range(128)) if _escape_char(ch) != ch}


def _rounded(value: float) -> float:
    # "+ 0.0" turns -0.0 into 0.0, which would otherwise print as "-0.0".
    return round(float(value), SCORE_DECIMALS) + 0.0


def _check_finite(what: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")


def _check_choice(what: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f"{what} must be one of {', '.join(choices)}; got {value!r}")
