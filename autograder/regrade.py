"""Regrade a whole class from Gradescope's "Export Submissions" download.

    python -m autograder.regrade EXPORT --out DIR [--spec SPEC] [--jobs N]

EXPORT is the export as downloaded (a .zip) or unpacked (a folder): a
`submission_metadata.yml` and one `submission_<id>/` folder per submission,
possibly inside one top folder such as `assignment_123_export/`. DIR gets

    results/<id>.json   each submission's results.json, exactly as Gradescope would get it
    gradebook.csv       one row per submission: students, each question, total,
                        Gradescope's previous score and the difference
    report.html/.md     the class report (see `autograder.report`), plots in plots/

Submissions are graded in a pool of processes, each loading the spec and the
prepared references once. One bad submission (no sheet, hostile YAML, a
grader exception, a hang) gets its own results.json saying what happened and
never stops the batch. The outputs depend only on the export and the spec:
apart from results.json's execution_time, a second run writes the same bytes.

Exit codes (as `run_autograder`): 0 every submission graded; 1 the
autograder failed on some (their results.json say so); 2 wrong arguments or
an export that cannot be used; 3 an output could not be written; 4 the spec
is missing or broken.
"""
from __future__ import annotations

import argparse
import csv
import io
import math
import os
import re
import signal
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Sequence, TextIO

import yaml

from autograder.cli import (EXIT_FAILED, EXIT_GRADED, EXIT_USAGE,
                            unreadable_results)
from autograder.grading import SHEET_BUDGET_SECONDS, ItemGrade, build_results, grade_sheet
from autograder.kinds.verdict import Verdict
from autograder.prepared import Prepared, load_or_prepare
from autograder.report import (FAILED, GRADED, NO_SHEET, SubmissionGrades, format_number,
                               question_points, question_scores, write_report)
from autograder.results import (ResultsWriteError, failure_results, to_json_dict,
                                write_results)
from autograder.sheet import SubmissionError, read_submission
from autograder.spec import DEFAULT_SPEC, Item, Spec, SpecError, load_spec

METADATA_FILE = "submission_metadata.yml"

#: Uncompressed bytes an export may unpack to. A class's YAML sheets are a
#: few megabytes; this leaves room for stray uploads and refuses zip bombs.
MAX_EXPORT_BYTES = 2 * 1024**3
#: Entries an export may hold (a few per submission is normal).
MAX_EXPORT_ENTRIES = 200_000
#: Members larger than this must not compress better than MAX_COMPRESSION_RATIO:
#: text compresses about 10:1, a bomb thousands to one.
RATIO_CHECK_BYTES = 1024 * 1024
MAX_COMPRESSION_RATIO = 200
#: The metadata repeats every submission's previous results; past this it is
#: not an export of one assignment.
MAX_METADATA_BYTES = 512 * 1024**2
#: A worker gives up on one submission after this long (the grader's own
#: per-sheet budget, with room for reading and writing), so a hang in one
#: answer cannot hold the batch.
SUBMISSION_TIMEOUT_SECONDS = 3 * SHEET_BUDGET_SECONDS
#: Characters of each answer sent back to the parent for the report; written
#: answers can be long and only their outcome is reported.
REPORTED_ANSWER_CHARS = 300

#: Gradescope names folders `submission_<numeric id>`; anything else (a
#: metadata key like `../x`) is never used as a path or a file name.
_SUBMISSION_FOLDER = re.compile(r"submission_([A-Za-z0-9][A-Za-z0-9_-]{0,63})\Z")
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """The export cannot be used at all; the message says why, for the TA."""


@dataclass(frozen=True)
class Submitter:
    name: str
    sid: str
    email: str


@dataclass(frozen=True)
class ExportedSubmission:
    """One submission of the export: where its files are and who sent it."""

    submission_id: str
    folder: Path
    submitters: tuple[Submitter, ...]
    gradescope_score: float | None


@dataclass(frozen=True)
class Outcome:
    """What a worker reports about one submission (its results.json is
    already written): the numbers of that file, and each item's answer and
    verdict for the class report."""

    submission_id: str
    status: str
    problem: str
    total: float
    scores: dict[str, float]
    answers: tuple[tuple[str, str | None, Verdict], ...]  # (item key, answer, verdict)


# --------------------------------------------------------------------------
# Opening the export


def unpack_export(archive: Path, destination: Path) -> list[str]:
    """Extract the zip `archive` into `destination`; returns what was skipped.

    The archive is refused whole (ExportError) if any entry would land
    outside `destination` (an absolute path, `..`, a drive letter), if it
    has too many entries, or if it unpacks to more than MAX_EXPORT_BYTES or
    compresses suspiciously well: sizes are counted while writing, so a
    lying header does not help. Links and special files are skipped, never
    created, so no later path can be redirected outside.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ExportError(f"{archive} is not a readable zip file ({error}).") from None
    skipped: list[str] = []
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_EXPORT_ENTRIES:
            raise ExportError(f"{archive} has {len(members)} entries; the limit is "
                              f"{MAX_EXPORT_ENTRIES}.")
        parts_of = {member.filename: _safe_member_parts(member.filename) for member in members}
        declared = sum(member.file_size for member in members)
        if declared > MAX_EXPORT_BYTES:
            raise ExportError(f"{archive} would unpack to {declared:,} bytes; the limit is "
                              f"{MAX_EXPORT_BYTES:,}.")
        written = 0
        for member in members:
            mode = member.external_attr >> 16
            kind = stat.S_IFMT(mode)
            if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
                skipped.append(member.filename)
                continue
            target = destination.joinpath(*parts_of[member.filename])
            try:
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if (member.file_size > RATIO_CHECK_BYTES
                        and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1)):
                    raise ExportError(f"{member.filename!r} in {archive} compresses more than "
                                      f"{MAX_COMPRESSION_RATIO}:1; refusing a likely zip bomb.")
                target.parent.mkdir(parents=True, exist_ok=True)
                written = _copy_member(bundle, member, target, written)
            except FileExistsError:
                raise ExportError(f"{archive} holds {member.filename!r} twice, or as both a "
                                  "file and a folder.") from None
            except (zipfile.BadZipFile, RuntimeError, NotADirectoryError, EOFError,
                    zipfile.LargeZipFile) as error:
                raise ExportError(f"{member.filename!r} in {archive} cannot be extracted "
                                  f"({error}).") from None
    return skipped


def _safe_member_parts(name: str) -> tuple[str, ...]:
    """The path components of a zip entry, refusing any that could escape."""
    if "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"[A-Za-z]:", name):
        raise ExportError(f"the export holds an entry with an unsafe path: {name!r}; refusing it.")
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if not parts or ".." in parts:
        raise ExportError(f"the export holds an entry with an unsafe path: {name!r}; refusing it.")
    return parts


def _copy_member(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path,
                 written: int) -> int:
    """Copy one member, counting the bytes actually produced; returns the new total."""
    produced = 0
    with bundle.open(member) as source, open(target, "xb") as sink:
        while chunk := source.read(1024 * 1024):
            produced += len(chunk)
            written += len(chunk)
            if produced > member.file_size or written > MAX_EXPORT_BYTES:
                raise ExportError(f"{member.filename!r} unpacks to more than its header says, "
                                  "or the export to more than the limit; refusing it.")
            sink.write(chunk)
    return written


def find_export_root(folder: Path) -> Path:
    """The folder holding the metadata and the submission folders: `folder`
    itself or its only real subfolder (a zip usually wraps everything in
    `assignment_<id>_export/`; `__MACOSX` and hidden entries do not count)."""
    if (folder / METADATA_FILE).is_file() or _submission_folders(folder):
        return folder
    inner = [entry for entry in sorted(folder.iterdir())
             if entry.is_dir() and not entry.is_symlink()
             and not entry.name.startswith(".") and entry.name != "__MACOSX"]
    if len(inner) == 1 and ((inner[0] / METADATA_FILE).is_file() or _submission_folders(inner[0])):
        return inner[0]
    raise ExportError(f"this is not a Gradescope export: neither its top nor its only folder "
                      f"holds {METADATA_FILE} or submission_<id> folders.")


def _submission_folders(root: Path) -> dict[str, Path]:
    """Submission id -> folder, for the real folders named submission_<id>."""
    found = {}
    for entry in root.iterdir():
        match = _SUBMISSION_FOLDER.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            found[match.group(1)] = entry
    return found


# --------------------------------------------------------------------------
# Reading the metadata


class _MetadataLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader for Gradescope's Ruby-flavoured YAML.

    It has SafeLoader's constructors (libyaml's parser when installed,
    several times faster on a class's metadata), so nothing is imported or
    called. Ruby's symbol keys (`:name:`) lose their colon; timestamps stay
    the text they are; `!ruby/object:BigDecimal 18:0.9E2` becomes a number;
    any other tag (`!ruby/object:...`, `!!python/object/apply:...`) builds
    the plain string, list or dict it is written as. Aliases become shared
    references, so an alias bomb costs no more than its text.
    """

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        return {(key[1:] if isinstance(key, str) and key.startswith(":") else key): value
                for key, value in mapping.items()}


def _construct_plain(loader: _MetadataLoader, tag_suffix: str, node: yaml.Node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _construct_big_decimal(loader: _MetadataLoader, node: yaml.Node):
    """Ruby's BigDecimal dump is `precision:digits`, e.g. `18:0.2467E3`."""
    text = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
    return _number_or_none(text.rpartition(":")[2])


_MetadataLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                lambda loader, node: loader.construct_scalar(node))
_MetadataLoader.add_constructor("!ruby/object:BigDecimal", _construct_big_decimal)
_MetadataLoader.add_multi_constructor(None, _construct_plain)


#: The fields of a submission's metadata the gradebook uses. The others (its
#: previous results and every earlier attempt's) are most of the file and are
#: dropped unbuilt: a class's metadata loads in a fraction of the time.
_USED_FIELDS = frozenset({"submitters", "score", "created_at", "status"})


class _NeedsWholeDocument(Exception):
    """The metadata is not shaped as expected, or a kept field refers (by
    alias) to a dropped part: it is read whole instead."""


def _essential_events(events) -> list[yaml.Event]:
    """The parse events of the metadata without the unused fields of each
    submission (the values at depth two whose key is not in _USED_FIELDS)."""
    kept: list[yaml.Event] = []
    open_collections: list[list] = []  # per open collection: [is_mapping, nodes seen, keep pair]
    anchors: set = set()
    skipping = 0  # nesting depth inside a dropped value
    for event in events:
        if skipping:
            if isinstance(event, yaml.CollectionStartEvent):
                skipping += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                skipping -= 1
            continue
        if isinstance(event, yaml.NodeEvent) and open_collections:
            parent = open_collections[-1]
            is_key = parent[0] and parent[1] % 2 == 0
            parent[1] += 1
            if len(open_collections) == 2 and parent[0]:
                if is_key:
                    if not isinstance(event, yaml.ScalarEvent):
                        raise _NeedsWholeDocument()
                    parent[2] = event.value.lstrip(":") in _USED_FIELDS
                if not parent[2]:
                    skipping = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
                    continue
        if isinstance(event, yaml.AliasEvent) and event.anchor not in anchors:
            raise _NeedsWholeDocument()
        if getattr(event, "anchor", None) is not None:
            anchors.add(event.anchor)
        if isinstance(event, yaml.CollectionStartEvent):
            open_collections.append([isinstance(event, yaml.MappingStartEvent), 0, None])
        elif isinstance(event, yaml.CollectionEndEvent):
            open_collections.pop()
        kept.append(event)
    return kept


def read_metadata(path: Path) -> tuple[dict, list[str]]:
    """Folder name -> that submission's metadata, and warnings for the TA.

    Grades do not depend on the metadata, so a missing or unreadable file
    is a warning (names and previous scores stay blank), never a stop.
    """
    if not path.is_file():
        return {}, [f"no {METADATA_FILE}: student names and Gradescope scores are left blank"]
    if path.stat().st_size > MAX_METADATA_BYTES:
        return {}, [f"{METADATA_FILE} is larger than {MAX_METADATA_BYTES:,} bytes; ignored"]
    text = path.read_bytes()
    try:
        try:
            essential = yaml.emit(_essential_events(yaml.parse(text, Loader=_MetadataLoader)))
        except _NeedsWholeDocument:
            essential = text
        document = yaml.load(essential, Loader=_MetadataLoader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        return {}, [f"{METADATA_FILE} could not be read ({type(error).__name__}); "
                    "student names and Gradescope scores are left blank"]
    if not isinstance(document, dict):
        return {}, [f"{METADATA_FILE} is not a mapping of submissions; ignored"]
    return {str(key): value for key, value in document.items() if isinstance(value, dict)}, []


def list_submissions(root: Path, metadata: dict) -> tuple[list[ExportedSubmission], list[str]]:
    """Every submission of the export, by id: each submission_<id> folder,
    and each metadata entry whose folder is missing (graded as empty, so
    the gradebook shows the student)."""
    folders = _submission_folders(root)
    warnings = []
    ids = set(folders)
    for key in metadata:
        match = _SUBMISSION_FOLDER.match(key)
        if match:
            ids.add(match.group(1))
        else:
            warnings.append(f"metadata entry {key[:80]!r} is not a submission folder name; ignored")
    submissions = []
    for submission_id in sorted(ids, key=_id_order):
        entry = metadata.get(f"submission_{submission_id}", {})
        submissions.append(ExportedSubmission(
            submission_id=submission_id,
            folder=folders.get(submission_id, root / f"submission_{submission_id}"),
            submitters=_submitters(entry.get("submitters")),
            gradescope_score=_number_or_none(entry.get("score"))))
    return submissions, warnings


def _submitters(value) -> tuple[Submitter, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(Submitter(*(_text(person.get(field)) for field in ("name", "sid", "email")))
                 for person in value if isinstance(person, dict))


def _text(value) -> str:
    """A scalar as one line of text; anything else is blank (a list made of
    aliases can be astronomically large once turned into text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return ""
    return " ".join(str(value).split())


def _number_or_none(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        return None
    try:
        number = float(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError):
        return None
    return number if math.isfinite(number) else None


def _id_order(submission_id: str):
    """Numeric ids in numeric order, then any others by text."""
    return (0, int(submission_id), "") if submission_id.isdigit() else (1, 0, submission_id)


# --------------------------------------------------------------------------
# Grading, in worker processes


class _TimedOut(BaseException):
    """Raised in a worker by SIGALRM; a BaseException so that the grader's
    per-item `except Exception` cannot swallow it and grade on."""


_worker: tuple[Spec, Prepared, Path] | None = None


def _start_worker(spec_path: str, results_folder: str) -> None:
    """Load the spec and prepared references once per worker process."""
    global _worker
    spec = load_spec(spec_path)
    _worker = (spec, load_or_prepare(spec), Path(results_folder))
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _time_is_up)


def _time_is_up(signum, frame):
    raise _TimedOut()


def grade_exported(submission_id: str, folder: str) -> Outcome:
    """Grade one submission in a worker and write its results.json."""
    spec, prepared, results_folder = _worker
    started = time.perf_counter()
    answers: tuple = ()
    problem = ""
    _set_alarm(SUBMISSION_TIMEOUT_SECONDS)
    try:
        try:
            sheet = read_submission(Path(folder))
        except SubmissionError as error:
            status, problem = NO_SHEET, error.message
            results = unreadable_results(spec, error.message, time.perf_counter() - started)
        else:
            grades, context = grade_sheet(spec, prepared, sheet)
            results = build_results(spec, prepared, sheet, grades, context,
                                    execution_time=time.perf_counter() - started)
            status = GRADED
            answers = tuple((g.item.key, _cut(g.answer), g.verdict) for g in grades)
    except (Exception, _TimedOut) as error:
        if isinstance(error, _TimedOut):
            problem = (f"Grading this submission took longer than {SUBMISSION_TIMEOUT_SECONDS:g} "
                       "seconds, so the autograder stopped.")
        else:
            print(f"regrade: submission {submission_id}:", file=sys.stderr)
            traceback.print_exc()
            problem = f"The autograder hit an internal error ({type(error).__name__})."
        status, answers = FAILED, ()
        results = failure_results(problem, execution_time=time.perf_counter() - started)
    finally:
        _set_alarm(0)
    write_results(results, results_folder / f"{submission_id}.json")
    return _outcome(submission_id, status, problem, results, answers)


def _set_alarm(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _cut(answer: str | None) -> str | None:
    return answer[:REPORTED_ANSWER_CHARS] if answer is not None else None


def _outcome(submission_id: str, status: str, problem: str, results, answers) -> Outcome:
    """The numbers exactly as written to results.json (rounded the same way)."""
    document = to_json_dict(results)
    return Outcome(submission_id, status, problem, document["score"],
                   {test["number"]: test["score"] for test in document["tests"]}, answers)


def grade_all(submissions: Sequence[ExportedSubmission], spec_path: Path, results_folder: Path,
              jobs: int, progress: "Progress") -> dict[str, Outcome]:
    """Every submission's outcome, graded across `jobs` processes."""
    outcomes: dict[str, Outcome] = {}
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                             initargs=(str(spec_path), str(results_folder))) as pool:
        futures = {pool.submit(grade_exported, s.submission_id, str(s.folder)): s
                   for s in submissions}
        for future in as_completed(futures):
            submission = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # the worker died or could not write: record it here
                outcome = _failed_in_parent(submission, results_folder, error)
            outcomes[submission.submission_id] = outcome
            progress.advance()
    progress.finish()
    return outcomes


def _failed_in_parent(submission: ExportedSubmission, results_folder: Path,
                      error: Exception) -> Outcome:
    problem = f"The autograder failed on this submission ({type(error).__name__})."
    print(f"regrade: submission {submission.submission_id}: {error!r}", file=sys.stderr)
    results = failure_results(problem, execution_time=0.0)
    try:
        write_results(results, results_folder / f"{submission.submission_id}.json")
    except ResultsWriteError as write_error:
        print(f"regrade: {write_error}", file=sys.stderr)
    return _outcome(submission.submission_id, FAILED, problem, results, ())


class Progress:
    """A progress bar on a terminal (`[#####-----] 120/200`, redrawn in
    place), or a line every tenth of the way when stderr is a log file."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.interactive = stream.isatty()
        self.step = max(1, total // 10)

    def advance(self) -> None:
        self.done += 1
        if self.interactive:
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()
        elif self.done % self.step == 0 or self.done == self.total:
            print(f"regrade: graded {self.done}/{self.total}", file=self.stream, flush=True)

    def finish(self) -> None:
        if self.interactive and self.total:
            self.stream.write("\n")


# --------------------------------------------------------------------------
# Outputs


def gradebook(spec: Spec, submissions: Sequence[ExportedSubmission],
              outcomes: dict[str, Outcome]) -> str:
    """The gradebook as CSV text: one row per submission, in id order."""
    questions = list(question_points(spec))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission_id", "sids", "names", "emails", "status", *questions, "total",
                     "gradescope_score", "difference", "note"])
    for submission in submissions:
        outcome = outcomes[submission.submission_id]
        people = submission.submitters
        scores = question_scores(outcome.scores, questions)
        previous = submission.gradescope_score
        writer.writerow([
            submission.submission_id,
            *(_csv_text("; ".join(getattr(p, field) for p in people))
              for field in ("sid", "name", "email")),
            outcome.status,
            *(format_number(scores[q]) for q in questions),
            format_number(outcome.total),
            "" if previous is None else format_number(previous),
            "" if previous is None else format_number(outcome.total - previous),
            _csv_text(" ".join(outcome.problem.split())[:200]),
        ])
    return buffer.getvalue()


def _csv_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP's CSV injection rule)."""
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def _report_view(outcome: Outcome, items_by_key: dict[str, Item]) -> SubmissionGrades:
    grades = tuple(ItemGrade(items_by_key[key], answer, verdict)
                   for key, answer, verdict in outcome.answers)
    return SubmissionGrades(outcome.submission_id, outcome.status, grades, outcome.scores,
                            outcome.total)


def regrade(export: Path, out: Path, spec_path: Path, jobs: int) -> int:
    """Grade the export into `out`; returns the exit code."""
    try:
        spec = load_spec(spec_path)
    except SpecError as error:
        print(f"regrade: {error}", file=sys.stderr)
        return EXIT_FAILED
    load_or_prepare(spec)  # build the cache once here, so workers only read it
    with tempfile.TemporaryDirectory(prefix="regrade-") as scratch:
        try:
            root, warnings = _open(export, Path(scratch))
        except ExportError as error:
            print(f"regrade: {error}", file=sys.stderr)
            return EXIT_USAGE
        metadata, metadata_warnings = read_metadata(root / METADATA_FILE)
        submissions, listing_warnings = list_submissions(root, metadata)
        for warning in warnings + metadata_warnings + listing_warnings:
            print(f"regrade: warning: {warning}", file=sys.stderr)
        results_folder = out / "results"
        try:
            results_folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"regrade: cannot create {results_folder}: {error.strerror}", file=sys.stderr)
            return EXIT_FAILED
        _warn_about_stale_results(results_folder, submissions)
        started = time.perf_counter()
        workers = max(1, min(jobs, len(submissions)))
        outcomes = grade_all(submissions, spec_path, results_folder, workers,
                             Progress(len(submissions)))
    elapsed = time.perf_counter() - started
    items_by_key = {item.key: item for item in spec.items}
    try:
        (out / "gradebook.csv").write_text(gradebook(spec, submissions, outcomes),
                                           encoding="utf-8", newline="")
        write_report(spec, [_report_view(outcomes[s.submission_id], items_by_key)
                            for s in submissions], out)
    except OSError as error:
        print(f"regrade: cannot write to {out}: {error.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(_summary(submissions, outcomes, out, elapsed, workers))
    failed = any(outcome.status == FAILED for outcome in outcomes.values())
    return EXIT_FAILED if failed else EXIT_GRADED


def _open(export: Path, scratch: Path) -> tuple[Path, list[str]]:
    if export.is_dir():
        return find_export_root(export), []
    if not export.is_file():
        raise ExportError(f"{export} does not exist.")
    skipped = unpack_export(export, scratch)
    warnings = [f"{len(skipped)} links or special files in the zip were not extracted "
                f"(first: {skipped[0]!r})"] if skipped else []
    return find_export_root(scratch), warnings


def _warn_about_stale_results(results_folder: Path, submissions) -> None:
    expected = {f"{s.submission_id}.json" for s in submissions}
    stale = sorted(p.name for p in results_folder.glob("*.json") if p.name not in expected)
    if stale:
        print(f"regrade: warning: {results_folder} also holds {len(stale)} results files "
              f"from another export (first: {stale[0]}); they are not in this gradebook",
              file=sys.stderr)


def _summary(submissions, outcomes: dict[str, Outcome], out: Path, elapsed: float,
             workers: int) -> str:
    counts = {status: sum(1 for o in outcomes.values() if o.status == status)
              for status in (GRADED, NO_SHEET, FAILED)}
    changed = sum(1 for s in submissions if s.gradescope_score is not None
                  and abs(outcomes[s.submission_id].total - s.gradescope_score) > 1e-9)
    return (f"Graded {len(submissions)} submissions in {elapsed:.1f} s with {workers} "
            f"worker(s): {counts[GRADED]} graded, {counts[NO_SHEET]} without a readable sheet, "
            f"{counts[FAILED]} autograder errors; {changed} totals differ from Gradescope's.\n"
            f"Wrote {out / 'gradebook.csv'}, {out / 'report.html'}, {out / 'report.md'} "
            f"and {out / 'results'}/<id>.json.")


def main(argv: list[str] | None = None, prog: str = "autograder regrade") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Regrade every submission of a Gradescope export and write a gradebook "
                    "and a class report.")
    parser.add_argument("export", type=Path, help="the export: a .zip or its unpacked folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the outputs")
    parser.add_argument("--spec", type=Path,
                        default=Path(os.environ.get("AUTOGRADER_SPEC", DEFAULT_SPEC)),
                        help="assignment spec (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: the number of cores, %(default)s)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return regrade(args.export, args.out, args.spec, args.jobs)


if __name__ == "__main__":
    raise SystemExit(main())
