"""Regrade a whole class from Gradescope's "Export Submissions" download.

    python -m autograder.course.regrade EXPORT --out DIR [--spec SPEC] [--jobs N]

EXPORT is the export as downloaded (a .zip) or unpacked (a folder): a
`submission_metadata.yml` and one `submission_<id>/` folder per submission,
possibly inside one top folder such as `assignment_123_export/`. DIR gets

    results/<id>.json   each submission's results.json, as `run_autograder` writes it
    gradebook.csv       one row per submission: students, submission time, each
                        question, total, Gradescope's previous score and the difference
    report.html/.md     the class report (see `autograder.course.report`), plots in plots/

Each submission is graded by `autograder.grading.pipeline.grade_submission`, the
function `run_autograder` calls, in a pool of worker processes that load the
spec and the prepared references once. When the spec gives every student
their own numbers (a `family`), each submission is graded against its
submitters' variant, drawn from the emails the export's metadata lists (by
the family's group rule), exactly as `autograder grade --student EMAIL`
grades it; every variant is prepared in the parent before the workers
start. A submission whose submitters have no usable email is graded against
the spec's base configuration, and the gradebook and the report flag it.

One bad upload costs only itself: an unsafe file name or a file that unpacks
too large is judged per submission (that file is not unpacked, or that
submission is refused, and the gradebook says why); a grader exception or a hang is that submission's; a worker killed
by the system (memory, `kill -9`) loses only the submission it was grading,
which is retried once alone and then marked "autograder error".

Outputs are written into a staging folder inside DIR and moved into place
(one sync, then atomic renames, the gradebook last) only when the run is
complete; a run in which the autograder failed on some submission never
replaces an earlier gradebook that had no such failure: it is left in
DIR/incomplete-regrade/ instead. Apart from results.json's execution_time, a
second run writes the same bytes.

Exit codes (as `run_autograder`): 0 every submission graded; 1 the
autograder failed on some (their results.json say so); 2 wrong arguments or
an export that cannot be used; 3 an output could not be written; 4 the spec
is missing or broken.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import time
import traceback
import zipfile
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from multiprocessing.connection import wait
from pathlib import Path
from typing import Sequence, TextIO

from autograder.gradescope.run import EXIT_FAILED, EXIT_GRADED, EXIT_USAGE
from autograder.grading.pipeline import (SHEET_BUDGET_SECONDS, GradedSubmission, ItemGrade,
                                grade_submission, unreadable_results)
from autograder.answers.verdict import Verdict
from autograder.assignment.prepared import Prepared, cache_path, load_or_prepare
from autograder.course.report import (FAILED, GRADED, NO_SHEET, GradeChange, SubmissionGrades,
                               VariantFacts, encodable, format_number, item_max_scores,
                               question_points, question_scores, reference_of, write_report,
                               write_text_atomically)
from autograder.gradescope.results import (Results, WrittenScores, failure_results, fsync_folder,
                                           to_json_text, written_scores)
from autograder.assignment.spec import DEFAULT_SPEC, Item, Spec, SpecError, every_variant, load_spec
from autograder.submission.submitter import group_email
from autograder.yaml_loading import YAMLReadError, load_gradescope_metadata

METADATA_FILE = "submission_metadata.yml"
#: Where a run that must not replace the earlier outputs leaves its own.
HELD_BACK_FOLDER = "incomplete-regrade"

#: Uncompressed bytes a whole export may unpack to (the sum of its headers;
#: no member can produce more than its header says).
MAX_EXPORT_BYTES = 2 * 1024**3
#: Entries an export may hold (a few per submission is normal).
MAX_EXPORT_ENTRIES = 200_000
#: A file of a submission larger than this once unpacked is not unpacked
#: (the sheet itself is refused past 1 MiB; logs and data sets of a few
#: megabytes are ordinary, however well they compress).
MAX_MEMBER_BYTES = 64 * 1024**2
#: A submission whose files add up to more than this is a likely zip bomb:
#: it is not unpacked and the gradebook says so.
MAX_SUBMISSION_BYTES = 256 * 1024**2
#: The metadata repeats every submission's previous results; past this it is
#: not an export of one assignment.
MAX_METADATA_BYTES = 512 * 1024**2
#: A worker gives up on one submission after this long (the grader's own
#: per-sheet budget, with room for unpacking, reading and writing), so a
#: hang in one answer cannot hold the batch.
SUBMISSION_TIMEOUT_SECONDS = 3 * SHEET_BUDGET_SECONDS
#: The parent kills a worker that has not answered this long after the
#: timeout (stuck where the alarm cannot interrupt it, e.g. inside C code).
WORKER_GRACE_SECONDS = 10.0
#: Characters of each answer sent back to the parent for the report; written
#: answers can be long and only their outcome is reported.
REPORTED_ANSWER_CHARS = 300
#: File names quoted in a gradebook note before "and N more".
NOTED_FILES = 3
#: Test hook (tests only): comma-separated `<id>` or `<id>@<attempt>`; a
#: worker grading that submission (on that attempt) kills itself with
#: SIGKILL, as the system's out-of-memory killer would.
TEST_KILL_VARIABLE = "AUTOGRADER_REGRADE_TEST_KILL"

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
    """One submission of the export: where its files are (or are to be
    unpacked from the zip's `members`), who sent it and when, and what of
    its upload was not unpacked or why it was refused."""

    submission_id: str
    folder: Path
    submitters: tuple[Submitter, ...]
    gradescope_score: float | None
    submitted_at: str = ""
    members: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    refused: str = ""


@dataclass(frozen=True)
class Outcome:
    """What a worker reports about one submission (its results.json is
    already written): the numbers of that file, each item's answer and
    verdict for the class report, and how it compares with the previous
    regrade's results file in the output folder."""

    submission_id: str
    status: str
    problem: str
    total: float
    scores: dict[str, float]
    #: (item key, answer, verdict's credit, read, outcome): what the report
    #: uses, without the feedback text (most of a verdict's bytes to send).
    answers: tuple[tuple[str, str | None, float, str, str], ...]
    max_scores: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    previous_total: float | None = None
    changed_items: tuple[tuple[str, float, float], ...] = ()
    #: The variant of the spec's family it was graded against (None: the
    #: spec has no family, or no submitter had a usable email: the base).
    variant: int | None = None
    #: The variant the sheet says it was written for, when not that one.
    written_for: str | None = None


# --------------------------------------------------------------------------
# Opening the export


@dataclass
class _Upload:
    """A zip export's entries for one submission, gathered before unpacking."""

    members: list[str] = field(default_factory=list)
    declared_bytes: int = 0
    notes: list[str] = field(default_factory=list)


def index_zip_export(archive: Path, scratch: Path) -> tuple[str, list[ExportedSubmission],
                                                            bytes | None, list[str]]:
    """Read a zip export's directory without unpacking it: (the prefix of
    its entries, e.g. `assignment_1_export/`, each submission with its
    members, to be unpacked under `scratch`, the metadata's bytes, warnings
    for the TA).

    Only the export as a whole can be refused (ExportError): unreadable, too
    many entries, more than MAX_EXPORT_BYTES in total. Everything else is
    judged per submission: a file name that could escape or is not portable
    (absolute, `..`, a drive letter, a backslash, a NUL), a link or special
    file, or a file over MAX_MEMBER_BYTES is not unpacked and noted; a
    submission over MAX_SUBMISSION_BYTES is refused whole as a likely zip
    bomb. Entries outside every submission folder are ignored (with a
    warning when unsafe). The workers unpack each submission's members.
    """
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ExportError(f"{archive} is not a readable zip file ({error}).") from None
    warnings: list[str] = []
    with bundle:
        members = bundle.infolist()
        if len(members) > MAX_EXPORT_ENTRIES:
            raise ExportError(f"{archive} has {len(members)} entries; the limit is "
                              f"{MAX_EXPORT_ENTRIES}.")
        declared = sum(member.file_size for member in members)
        if declared > MAX_EXPORT_BYTES:
            raise ExportError(f"{archive} would unpack to {declared:,} bytes; the limit is "
                              f"{MAX_EXPORT_BYTES:,}.")
        prefix = _zip_root(member.filename for member in members)
        uploads: dict[str, _Upload] = {}
        metadata: bytes | None = None
        unsafe_outside = []
        for member in members:
            name = member.filename
            if not name.startswith(prefix):
                continue
            relative = name[len(prefix):]
            top, _, rest = relative.partition("/")
            match = _SUBMISSION_FOLDER.match(top)
            if not match:
                if relative == METADATA_FILE:
                    metadata = _read_metadata_member(bundle, member, warnings)
                elif _unsafe_name(name):
                    unsafe_outside.append(name)
                continue
            upload = uploads.setdefault(match.group(1), _Upload())
            problem = _member_problem(member, rest)
            if problem:
                upload.notes.append(problem)
                continue
            upload.members.append(name)
            upload.declared_bytes += member.file_size
    if not uploads and metadata is None:
        raise ExportError(f"this is not a Gradescope export: {archive} holds neither "
                          f"{METADATA_FILE} nor submission_<id> folders.")
    if unsafe_outside:
        warnings.append(f"{len(unsafe_outside)} entries outside the submission folders have unsafe "
                        f"names and were ignored (first: {unsafe_outside[0]!r})")
    root = scratch / "export"
    submissions = []
    for submission_id, upload in uploads.items():
        refused = ""
        if upload.declared_bytes > MAX_SUBMISSION_BYTES:
            refused = (f"This upload unpacks to {upload.declared_bytes:,} bytes, more than the "
                       f"{MAX_SUBMISSION_BYTES:,} a submission may (a likely zip bomb), so the "
                       "class regrade did not unpack it.")
        submissions.append(ExportedSubmission(
            submission_id, root / f"submission_{submission_id}", (), None,
            members=() if refused else tuple(upload.members),
            notes=tuple(upload.notes), refused=refused))
    return prefix, submissions, metadata, warnings


def _zip_root(names) -> str:
    """The prefix the export's files are under: "" or its one top folder
    (Gradescope wraps everything in `assignment_<id>_export/`; `__MACOSX`
    and hidden entries do not count)."""
    tops: set[str] = set()
    direct = False
    for name in names:
        top, slash, rest = name.partition("/")
        if name == METADATA_FILE or (slash and _SUBMISSION_FOLDER.match(top)):
            direct = True
        elif slash and not top.startswith(".") and top != "__MACOSX":
            tops.add(top)
    if direct or len(tops) != 1:
        if not direct:
            raise ExportError("this is not a Gradescope export: neither its top nor its only "
                              f"folder holds {METADATA_FILE} or submission_<id> folders.")
        return ""
    return next(iter(tops)) + "/"


def _unsafe_name(name: str) -> bool:
    """A zip entry name that could land outside the folder it is unpacked in,
    or that means different paths on different systems."""
    parts = name.split("/")
    return ("\\" in name or "\x00" in name or name.startswith("/")
            or re.match(r"[A-Za-z]:", name) is not None or ".." in parts)


def _member_problem(member: zipfile.ZipInfo, relative: str) -> str:
    """Why one file of a submission is not unpacked, or "" to unpack it."""
    shown = _shown_name(relative or member.filename)
    if _unsafe_name(member.filename):
        return f"not unpacked, its name is unsafe: {shown}"
    kind = stat.S_IFMT(member.external_attr >> 16)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return f"not unpacked, a link or special file: {shown}"
    if member.file_size > MAX_MEMBER_BYTES:
        return f"not unpacked, {member.file_size:,} bytes (over {MAX_MEMBER_BYTES:,}): {shown}"
    return ""


def _shown_name(name: str) -> str:
    return repr(encodable(name[:120]))


def _read_metadata_member(bundle: zipfile.ZipFile, member: zipfile.ZipInfo,
                          warnings: list[str]) -> bytes | None:
    if member.file_size > MAX_METADATA_BYTES:
        warnings.append(f"{METADATA_FILE} is larger than {MAX_METADATA_BYTES:,} bytes; ignored")
        return None
    try:
        with bundle.open(member) as source:
            data = source.read(MAX_METADATA_BYTES + 1)
    except (zipfile.BadZipFile, RuntimeError, EOFError, OSError, zipfile.LargeZipFile) as error:
        warnings.append(f"{METADATA_FILE} cannot be extracted ({error}); ignored")
        return None
    if len(data) > member.file_size:
        warnings.append(f"{METADATA_FILE} unpacks to more than its header says; ignored")
        return None
    return data


def unpack_members(archive: zipfile.ZipFile, names: Sequence[str], prefix_length: int,
                   destination: Path) -> list[str]:
    """Unpack one submission's members (names already judged safe) under
    `destination` (the folder holding submission_<id>/); returns notes on
    members that could not be unpacked. Bytes are counted while writing, so
    a member whose header lies is cut off and removed, never completed."""
    notes = []
    destination.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = destination.joinpath(*(part for part in name[prefix_length:].split("/")
                                        if part not in ("", ".")))
        try:
            if name.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            member = archive.getinfo(name)
            produced = 0
            with archive.open(member) as source, open(target, "xb") as sink:
                while chunk := source.read(1024 * 1024):
                    produced += len(chunk)
                    if produced > member.file_size:
                        raise _LyingHeader()
                    sink.write(chunk)
        except (_LyingHeader, zipfile.BadZipFile, RuntimeError, EOFError, OSError,
                zipfile.LargeZipFile) as error:
            reason = ("it unpacks to more than its header says" if isinstance(error, _LyingHeader)
                      else f"{type(error).__name__}")
            notes.append(f"not unpacked, {reason}: {_shown_name(name[prefix_length:])}")
            if not name.endswith("/") and target.is_file():
                target.unlink()
    return notes


class _LyingHeader(Exception):
    pass


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


#: The fields of a submission's metadata the gradebook uses. The others (its
#: previous results and every earlier attempt's) are most of the file and are
#: dropped unbuilt: a class's metadata loads in a fraction of the time.
_USED_FIELDS = frozenset({"submitters", "score", "created_at", "status"})


def read_metadata(data: bytes | None) -> tuple[dict, list[str]]:
    """Folder name -> that submission's metadata, and warnings for the TA,
    from the metadata file's bytes (None when there is none).

    Grades do not depend on the metadata, so a missing or unreadable file
    is a warning (names and previous scores stay blank), never a stop.
    """
    if data is None:
        return {}, [f"no {METADATA_FILE}: student names and Gradescope scores are left blank"]
    if len(data) > MAX_METADATA_BYTES:
        return {}, [f"{METADATA_FILE} is larger than {MAX_METADATA_BYTES:,} bytes; ignored"]
    try:
        document = load_gradescope_metadata(data, _USED_FIELDS)
    except YAMLReadError as error:
        return {}, [f"{METADATA_FILE} could not be read ({error}); "
                    "student names and Gradescope scores are left blank"]
    if not isinstance(document, dict):
        return {}, [f"{METADATA_FILE} is not a mapping of submissions; ignored"]
    return {str(key): value for key, value in document.items() if isinstance(value, dict)}, []


def read_metadata_file(path: Path) -> tuple[dict, list[str]]:
    """`read_metadata` of an unpacked export's metadata file."""
    if not path.is_file():
        return read_metadata(None)
    if path.stat().st_size > MAX_METADATA_BYTES:
        return {}, [f"{METADATA_FILE} is larger than {MAX_METADATA_BYTES:,} bytes; ignored"]
    return read_metadata(path.read_bytes())


def list_submissions(found: Sequence[ExportedSubmission], metadata: dict,
                     missing_folder: Path) -> tuple[list[ExportedSubmission], list[str]]:
    """Every submission of the export, by id, with its metadata: each one
    found (a submission_<id> folder, or its entries in a zip) and each
    metadata entry whose folder is missing (graded as empty, in
    `missing_folder`, so the gradebook shows the student)."""
    by_id = {submission.submission_id: submission for submission in found}
    warnings = []
    for key in metadata:
        match = _SUBMISSION_FOLDER.match(key)
        if match:
            by_id.setdefault(match.group(1), ExportedSubmission(
                match.group(1), missing_folder / key, (), None))
        else:
            warnings.append(f"metadata entry {encodable(key[:80])!r} is not a submission folder "
                            "name; ignored")
    submissions = []
    for submission_id in sorted(by_id, key=_id_order):
        entry = metadata.get(f"submission_{submission_id}", {})
        submission = by_id[submission_id]
        submissions.append(ExportedSubmission(
            submission_id, submission.folder, _submitters(entry.get("submitters")),
            _number_or_none(entry.get("score")), _timestamp(entry.get("created_at")),
            submission.members, submission.notes, submission.refused))
    return submissions, warnings


def folder_submissions(root: Path) -> list[ExportedSubmission]:
    """The submissions of an unpacked export, before their metadata."""
    return [ExportedSubmission(submission_id, folder, (), None)
            for submission_id, folder in _submission_folders(root).items()]


_RUBY_TIME = re.compile(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?\Z")


def _timestamp(value) -> str:
    """A submission time as ISO 8601 (`2025-10-01T10:04:24Z`), from Ruby's
    `2025-10-01 10:04:24.043103000 Z`; other text as written, on one line."""
    text = _text(value)
    match = _RUBY_TIME.match(text)
    if not match:
        return text[:64]
    day, clock, zone = match.groups()
    if zone and zone != "Z" and ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    return f"{day}T{clock}{'' if zone is None else zone}"


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
# Grading one submission, in a worker process


class _TimedOut(BaseException):
    """Raised in a worker by SIGALRM; a BaseException so that the grader's
    per-item `except Exception` cannot swallow it and grade on."""


@dataclass(frozen=True)
class _Job:
    """What every task of one regrade shares: the spec, where results go,
    where the previous regrade's results are, and the zip to unpack from."""

    spec_path: str
    results_folder: str
    previous_folder: str
    archive: str | None = None
    prefix_length: int = 0


@dataclass(frozen=True)
class _Task:
    submission: ExportedSubmission
    attempt: int


@dataclass(frozen=True)
class Grading:
    """Everything grading any submission of the export needs: the spec and
    its prepared references and, when the spec has a family, every
    variant's spec and references (variant number -> both). Built once, in
    the parent, before any worker starts: a forked worker inherits it, so
    no worker proves a reference or loads a variant itself."""

    spec: Spec
    prepared: Prepared
    variants: dict[int, tuple[Spec, Prepared]] = field(default_factory=dict)

    def against(self, variant: int | None) -> tuple[Spec, Prepared]:
        """The spec and references of that variant (None: the spec as written)."""
        return (self.spec, self.prepared) if variant is None else self.variants[variant]

    def variant_of(self, submitters: Sequence[Submitter]) -> int | None:
        """The variant a submission is graded against: its submitters'
        emails by the family's group rule (what `autograder grade` does with
        Gradescope's metadata); None without a family or a usable email."""
        family = self.spec.family
        if family is None:
            return None
        email = group_email((person.email for person in submitters), family.group)
        return None if email is None else family.variant_for(email).number


def load_grading(spec: Spec, notes: TextIO | None = None) -> Grading:
    """The spec's `Grading`: every variant's references proved (or read
    from the cache) here, once; when some must be proved (minutes for a
    large family), a line to `notes` says so first."""
    specs = every_variant(spec)
    if notes is not None and len(specs) > 1 and not all(cache_path(s).is_file() for s in specs):
        print(f"regrade: proving the references of the {len(specs) - 1} variants of "
              f"{spec.path.name} before grading (once: they are cached)", file=notes)
    variants = {variant.variant.number: (variant, load_or_prepare(variant))
                for variant in specs[1:]}
    return Grading(spec, load_or_prepare(spec), variants)


class _WorkerState:
    """A worker's loaded grading (the spec, every variant, their prepared
    references), and its own handle on the zip export (a file position is
    never shared between processes)."""

    def __init__(self, job: _Job, loaded: Grading | None = None):
        self.job = job
        self.grading = loaded if loaded is not None else load_grading(load_spec(job.spec_path))
        self.spec, self.prepared = self.grading.spec, self.grading.prepared
        self.archive = zipfile.ZipFile(job.archive) if job.archive else None


def grade_exported(state: _WorkerState, task: _Task) -> Outcome:
    """Grade one submission (unpacking it first from a zip export) with the
    pipeline `run_autograder` uses, and write its results.json."""
    submission = task.submission
    _test_kill_hook(submission.submission_id, task.attempt)
    started = time.perf_counter()
    notes = list(submission.notes)
    status = GRADED
    variant = state.grading.variant_of(submission.submitters)
    spec, prepared = state.grading.against(variant)
    _set_alarm(SUBMISSION_TIMEOUT_SECONDS)
    try:
        if submission.refused:
            graded = GradedSubmission(unreadable_results(spec, submission.refused, 0.0), (),
                                      submission.refused)
        else:
            if state.archive is not None:
                notes += unpack_members(state.archive, submission.members,
                                        state.job.prefix_length, submission.folder.parent)
            graded = grade_submission(spec, prepared, submission.folder, started=started)
        results, problem = graded.results, graded.problem or ""
        if graded.problem is not None:
            status = NO_SHEET
    except (Exception, _TimedOut) as error:
        if isinstance(error, _TimedOut):
            problem = (f"Grading this submission took longer than {SUBMISSION_TIMEOUT_SECONDS:g} "
                       "seconds, so the autograder stopped.")
        else:
            print(f"regrade: submission {submission.submission_id}:", file=sys.stderr)
            traceback.print_exc()
            problem = f"The autograder hit an internal error ({type(error).__name__})."
        status, graded = FAILED, None
        results = failure_results(problem, execution_time=time.perf_counter() - started)
    finally:
        _set_alarm(0)
        if state.archive is not None:  # unpacked here from the zip: no longer needed
            shutil.rmtree(submission.folder, ignore_errors=True)
    _write_results_document(results, Path(state.job.results_folder) / f"{submission.submission_id}.json")
    answers = () if graded is None else tuple(
        (g.item.key, _cut(g.answer), g.verdict.credit, g.verdict.read, g.verdict.label)
        for g in graded.grades)
    previous = _previous_scores(Path(state.job.previous_folder) / f"{submission.submission_id}.json")
    return _outcome(submission.submission_id, status, problem, written_scores(results), answers,
                    tuple(notes),
                    previous, variant, None if graded is None else graded.written_for)


def _test_kill_hook(submission_id: str, attempt: int) -> None:
    """Tests only: die as the out-of-memory killer would make a worker die."""
    targets = os.environ.get(TEST_KILL_VARIABLE)
    if targets and (submission_id in targets.split(",")
                    or f"{submission_id}@{attempt}" in targets.split(",")):
        os.kill(os.getpid(), signal.SIGKILL)


def _write_results_document(results: Results, path: Path) -> None:
    """A results.json in the staging folder: compact JSON, each distinct test
    encoded once per worker, and not synced one by one; the regrade syncs
    its outputs once before moving them into place, which is what makes
    each of them atomic."""
    path.write_text(to_json_text(results) + "\n", encoding="ascii")


def _previous_scores(path: Path) -> tuple[float, dict[str, float]] | None:
    """(total, test number -> score) of the previous regrade's results file
    for this submission, or None when there is none that can be read."""
    try:
        document = json.loads(path.read_bytes())
        return (float(document["score"]),
                {str(test["number"]): float(test["score"]) for test in document["tests"]})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _set_alarm(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _time_is_up(signum, frame):
    raise _TimedOut()


def _cut(answer: str | None) -> str | None:
    return answer[:REPORTED_ANSWER_CHARS] if answer is not None else None


def _outcome(submission_id: str, status: str, problem: str, written: WrittenScores, answers,
             notes: tuple[str, ...] = (), previous=None, variant: int | None = None,
             written_for: str | None = None) -> Outcome:
    """The numbers exactly as written to results.json (rounded the same way)."""
    changed: tuple = ()
    previous_total = None
    if previous is not None:
        previous_total, previous_scores = previous
        changed = tuple((number, previous_scores.get(number, 0.0), score)
                        for number, score in written.scores.items()
                        if abs(previous_scores.get(number, 0.0) - score) > 1e-9)
    return Outcome(submission_id, status, problem, written.total, written.scores, answers,
                   written.max_scores, notes, previous_total, changed, variant, written_for)


# --------------------------------------------------------------------------
# The pool of workers


def _worker_main(connection, job: _Job, grading: Grading) -> None:
    """A worker: grade each task the parent sends until it sends None, with
    the parent's grading (inherited by a forked worker, copied to a spawned
    one: either way no worker proves or loads a reference itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _time_is_up)
    state = _WorkerState(job, grading)
    while (task := connection.recv()) is not None:
        connection.send(grade_exported(state, task))


#: Tasks sent to a worker ahead of its answers: the next one waits in its
#: pipe, so a worker never idles while the parent is not scheduled; only the
#: first is being graded (a worker grades in order), so a death still loses
#: only that one and the others go back to the queue.
TASKS_IN_FLIGHT = 2


class _Worker:
    def __init__(self, context, job: _Job, grading: Grading):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, job, grading),
                                       daemon=True)
        self.process.start()
        child.close()
        self.tasks: deque[_Task] = deque()  # sent, not answered; the first is being graded
        self.deadline = 0.0

    def send(self, task: _Task) -> None:
        self.connection.send(task)
        if not self.tasks:
            self.restart_clock()
        self.tasks.append(task)

    def restart_clock(self) -> None:
        """The task now being graded has this long before the parent kills its worker."""
        self.deadline = time.monotonic() + SUBMISSION_TIMEOUT_SECONDS + WORKER_GRACE_SECONDS

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _context():
    """Fork where it is safe and the default (Linux): workers start in
    milliseconds with the spec and references already loaded. Elsewhere
    (macOS, Windows) each spawned worker gets a pickled copy of them."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def grade_all(submissions: Sequence[ExportedSubmission], job: _Job, grading: Grading,
              jobs: int, progress: "Progress") -> dict[str, Outcome]:
    """Every submission's outcome, graded across `jobs` worker processes, each
    grading one submission at a time, so a worker that dies loses only the
    one it was grading: that one is retried once, alone (no other worker
    running) after the others, and then recorded as an autograder error."""
    context = _context()
    outcomes: dict[str, Outcome] = {}
    died: list[_Task] = []

    def record(task: _Task, outcome: Outcome | None) -> None:
        if outcome is not None:
            outcomes[task.submission.submission_id] = outcome
            progress.advance()
        elif task.attempt == 1:
            died.append(_Task(task.submission, 2))
        else:
            outcomes[task.submission.submission_id] = _failed_in_parent(
                task.submission, job, grading.variant_of(task.submission.submitters))
            progress.advance()

    _run_pool(context, job, grading, deque(_Task(s, 1) for s in submissions), jobs, record)
    _run_pool(context, job, grading, deque(died), 1, record)
    progress.finish()
    return outcomes


def _run_pool(context, job: _Job, grading: Grading, tasks: deque, jobs: int, record) -> None:
    """Run `tasks` on up to `jobs` workers; `record(task, outcome)` gets each
    outcome, or None when the worker grading it died (or stopped answering
    and was killed). A dead worker is replaced while tasks remain."""
    workers: list[_Worker] = []
    try:
        while tasks or any(worker.tasks for worker in workers):
            pending = len(tasks) + sum(len(w.tasks) for w in workers)
            while tasks and len(workers) < min(jobs, pending):
                workers.append(_Worker(context, job, grading))
            for worker in list(workers):
                while tasks and len(worker.tasks) < TASKS_IN_FLIGHT:
                    task = tasks.popleft()
                    try:
                        worker.send(task)
                    except OSError:  # it died: this task never reached it
                        tasks.appendleft(task)
                        _drop(worker, workers, tasks, record)
                        break
            busy = [worker for worker in workers if worker.tasks]
            if not busy:
                continue
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                         timeout=timeout)
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    try:
                        while worker.tasks and worker.connection.poll():
                            outcome = worker.connection.recv()  # EOFError if it died
                            record(worker.tasks.popleft(), outcome)
                            worker.restart_clock()
                        if worker.process.sentinel not in ready:
                            continue
                    except (EOFError, OSError):
                        pass
                elif time.monotonic() < worker.deadline:
                    continue
                _drop(worker, workers, tasks, record)
    finally:
        for worker in workers:
            worker.stop(kill=bool(worker.tasks))


def _drop(worker: _Worker, workers: list[_Worker], tasks: deque, record) -> None:
    """A worker died (or is killed for not answering): the task it was
    grading is recorded as lost; those waiting in its pipe go back to the queue."""
    lost = worker.tasks.popleft() if worker.tasks else None
    if lost is not None:
        print(f"regrade: the worker grading submission {lost.submission.submission_id} died "
              f"({_death(worker)})" + ("; it will be retried alone" if lost.attempt == 1 else ""),
              file=sys.stderr)
    tasks.extendleft(reversed(worker.tasks))
    worker.tasks.clear()
    worker.stop(kill=True)
    workers.remove(worker)
    if lost is not None:
        record(lost, None)


def _death(worker: _Worker) -> str:
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    if code is None:
        return "no answer in time; killed"
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def _failed_in_parent(submission: ExportedSubmission, job: _Job,
                      variant: int | None = None) -> Outcome:
    problem = ("The autograder's worker process died twice while grading this submission "
               "(killed by the system, for example for lack of memory), so it was not graded.")
    results = failure_results(problem, execution_time=0.0)
    _write_results_document(results, Path(job.results_folder) / f"{submission.submission_id}.json")
    return _outcome(submission.submission_id, FAILED, problem, written_scores(results), (),
                    submission.notes,
                    variant=variant)


class Progress:
    """A progress bar on a terminal (`[#####-----] 120/200`, redrawn in
    place); silent when stderr is not a terminal (a log, a pipe, CI)."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.interactive = stream.isatty()

    def advance(self) -> None:
        self.done += 1
        if self.interactive:
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self.total:
            self.stream.write("\n")


# --------------------------------------------------------------------------
# Outputs


GRADEBOOK_FILE = "gradebook.csv"


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


def _report_view(submission: ExportedSubmission, outcome: Outcome,
                 items_by_key: dict[str, Item]) -> SubmissionGrades:
    """A submission as the report sees it, its answers matched with the items
    of the variant it was graded against."""
    grades = tuple(ItemGrade(items_by_key[key], answer, _verdict(credit, read, result))
                   for key, answer, credit, read, result in outcome.answers)
    return SubmissionGrades(outcome.submission_id, outcome.status, grades, outcome.scores,
                            outcome.total, outcome.max_scores,
                            students=_students(submission), variant=outcome.variant,
                            written_for=outcome.written_for)


@lru_cache(maxsize=65_536)
def _verdict(credit: float, read: str, label: str) -> Verdict:
    """`Verdict.from_label`, once per distinct verdict of a class (verdicts
    are immutable; most students' are one of a few per item)."""
    return Verdict.from_label(credit, read, label)


def _students(submission: ExportedSubmission) -> str:
    """Who sent a submission, for the report: names, else emails."""
    return "; ".join(person.name or person.email for person in submission.submitters)


def variant_facts(grading: Grading) -> VariantFacts | None:
    """What the class report needs of the family's variants: each one's
    settings, and each graded item's reference in each variant (by item
    number), so that identical wrong answers are compared across variants
    whose references really differ."""
    if grading.spec.family is None:
        return None
    references = {number: {item.number: reference_of(prepared.item(item.key))
                           for item in spec.items if item.graded}
                  for number, (spec, prepared) in grading.variants.items()}
    return VariantFacts({v.number: v.settings() for v in grading.spec.family.variants},
                        references)


def _change(submission: ExportedSubmission, outcome: Outcome) -> GradeChange:
    return GradeChange(submission.submission_id,
                       "; ".join(person.name for person in submission.submitters),
                       submission.gradescope_score, outcome.previous_total, outcome.total,
                       outcome.changed_items)


def _gradebook_is_complete(path: Path) -> bool:
    """Whether an earlier gradebook exists and graded every submission (no
    row where the autograder failed)."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return all(row.get("status") != FAILED for row in csv.DictReader(handle))
    except OSError:
        return False


def _publish(staging: Path, out: Path) -> None:
    """Move a complete run's outputs from `staging` into `out`: one sync of
    everything written, then a rename per file (each atomic), the gradebook
    last, so a crash leaves every file old or new and the gradebook old
    until all else is in place."""
    os.sync()
    (out / "results").mkdir(exist_ok=True)
    for path in sorted((staging / "results").iterdir()):
        os.replace(path, out / "results" / path.name)
    if (staging / "plots").is_dir():
        (out / "plots").mkdir(exist_ok=True)
        for path in sorted((staging / "plots").iterdir()):
            os.replace(path, out / "plots" / path.name)
    for name in ("report.html", "report.md", GRADEBOOK_FILE):
        os.replace(staging / name, out / name)
    for folder in (out / "results", out):
        fsync_folder(folder)
    shutil.rmtree(staging, ignore_errors=True)


def _hold_back(staging: Path, out: Path) -> Path:
    """Keep a run's outputs apart from the earlier ones, in out/incomplete-regrade/."""
    held = out / HELD_BACK_FOLDER
    shutil.rmtree(held, ignore_errors=True)
    os.sync()
    os.replace(staging, held)
    return held


# --------------------------------------------------------------------------
# The whole run


#: A folder held in memory, where the machine has one (Linux).
RAM_FOLDER = Path("/dev/shm")


def unpacking_folder(jobs: int) -> str | None:
    """Where the workers unpack submissions: a folder held in memory when the
    machine has one with room for each worker's largest allowed submission,
    else the system's temporary folder (None). Creating and removing a
    submission's folders on this project's journaled disk took 6-10 ms a
    submission (1.5 ms to create, the rest to remove), more than grading it;
    in memory, 0.2 ms."""
    try:
        room = shutil.disk_usage(RAM_FOLDER).free
    except OSError:
        return None
    if RAM_FOLDER.is_dir() and os.access(RAM_FOLDER, os.W_OK | os.X_OK) and \
            room > (jobs + 1) * MAX_SUBMISSION_BYTES:
        return str(RAM_FOLDER)
    return None


def regrade(export: Path, out: Path, spec_path: Path, jobs: int,
            progress_stream: TextIO = sys.stderr) -> int:
    """Grade the export into `out`; returns the exit code."""
    try:
        spec = load_spec(spec_path)
        grading = load_grading(spec, sys.stderr)  # every variant proved or read here, once
    except SpecError as error:
        print(f"regrade: {error}", file=sys.stderr)
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="regrade-", dir=unpacking_folder(jobs)) as scratch:
        try:
            job, found, metadata, warnings, missing = _open(export, Path(scratch), spec_path)
        except ExportError as error:
            print(f"regrade: {error}", file=sys.stderr)
            return EXIT_USAGE
        submissions, listing_warnings = list_submissions(found, metadata, missing)
        anonymous = (sum(1 for s in submissions if grading.variant_of(s.submitters) is None)
                     if spec.family is not None else 0)
        if anonymous:
            listing_warnings.append(
                f"{anonymous} of {len(submissions)} submissions have no submitter with a usable "
                f"email, so they are graded against the base configuration of {spec.path.name}, "
                "not their students' own numbers (variant 'base' in the gradebook)")
        for warning in warnings + listing_warnings:
            print(f"regrade: warning: {warning}", file=sys.stderr)
        try:
            out.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".regrade-", dir=out))
            (staging / "results").mkdir()
        except OSError as error:
            print(f"regrade: cannot write to {out}: {error.strerror}", file=sys.stderr)
            return EXIT_FAILED
        try:
            return _grade_and_write(grading, job, submissions, staging, out, jobs,
                                    progress_stream)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _grade_and_write(grading: Grading, job: _Job, submissions: list[ExportedSubmission],
                     staging: Path, out: Path, jobs: int, progress_stream: TextIO) -> int:
    job = _Job(job.spec_path, str(staging / "results"), str(out / "results"), job.archive,
               job.prefix_length)
    _warn_about_stale_results(out / "results", submissions)
    started = time.perf_counter()
    workers = max(1, min(jobs, len(submissions)))
    outcomes = grade_all(submissions, job, grading, workers,
                         Progress(len(submissions), progress_stream))
    elapsed = time.perf_counter() - started
    return _write(grading, submissions, outcomes, staging, out, elapsed, workers)


def _write(grading: Grading, submissions: list[ExportedSubmission], outcomes: dict[str, Outcome],
           staging: Path, out: Path, elapsed: float, workers: int) -> int:
    """Write the gradebook and the report, and move them into place."""
    spec = grading.spec
    items_by_key = {variant: {item.key: item for item in grading.against(variant)[0].items}
                    for variant in (None, *grading.variants)}
    failed = sum(1 for outcome in outcomes.values() if outcome.status == FAILED)
    try:
        write_text_atomically(staging / GRADEBOOK_FILE, gradebook(spec, submissions, outcomes),
                              sync=False)
        write_report(spec, [_report_view(s, outcomes[s.submission_id],
                                         items_by_key[outcomes[s.submission_id].variant])
                            for s in submissions], staging,
                     [_change(s, outcomes[s.submission_id]) for s in submissions],
                     sync=False, variants=variant_facts(grading))
        earlier_complete = _gradebook_is_complete(out / GRADEBOOK_FILE)
        if failed and earlier_complete:
            held = _hold_back(staging, out)
            where = held
        else:
            _publish(staging, out)
            where = out
    except OSError as error:
        print(f"regrade: cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(_summary(submissions, outcomes, where, elapsed, workers))
    if where != out:
        print(f"The autograder failed on {failed} submission(s), so the earlier gradebook in "
              f"{out}, which graded every submission, was kept; this run's outputs are in {where}.")
    return EXIT_FAILED if failed else EXIT_GRADED


def _open(export: Path, scratch: Path, spec_path: Path):
    """(the job without its output folders, the submissions found, the
    metadata, warnings, the folder for submissions listed only in the
    metadata) of a folder or a zip export."""
    missing = scratch / "missing"
    if export.is_dir():
        root = find_export_root(export)
        metadata, warnings = read_metadata_file(root / METADATA_FILE)
        return _Job(str(spec_path), "", ""), folder_submissions(root), metadata, warnings, missing
    if not export.is_file():
        raise ExportError(f"{export} does not exist.")
    prefix, found, metadata_bytes, warnings = index_zip_export(export, scratch)
    metadata, metadata_warnings = (read_metadata(metadata_bytes) if metadata_bytes is not None
                                   or not warnings else ({}, []))
    return (_Job(str(spec_path), "", "", str(export.resolve()), len(prefix)), found, metadata,
            warnings + metadata_warnings, missing)


def _warn_about_stale_results(results_folder: Path, submissions) -> None:
    if not results_folder.is_dir():
        return
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
    noted = sum(1 for o in outcomes.values() if o.notes)
    other_variant = sum(1 for o in outcomes.values() if o.written_for is not None)
    return (f"Graded {len(submissions)} submissions in {elapsed:.1f} s with {workers} "
            f"worker(s): {counts[GRADED]} graded, {counts[NO_SHEET]} without a readable sheet, "
            f"{counts[FAILED]} autograder errors; {changed} totals differ from Gradescope's"
            + (f"; {noted} uploads had files that were not unpacked (see the gradebook's notes)"
               if noted else "")
            + (f"; {other_variant} sheets were written for another variant than their "
               "students' (see the report)" if other_variant else "") + ".\n"
            f"Wrote {out / GRADEBOOK_FILE}, {out / 'report.html'}, {out / 'report.md'} "
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
