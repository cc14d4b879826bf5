"""Reading Gradescope's "Export Submissions" download: a `submission_metadata.yml`
and one `submission_<id>/` folder per submission, as a .zip or unpacked,
possibly inside one top folder such as `assignment_123_export/`.

A zip is indexed without unpacking it (`index_zip_export`): the export as a
whole can only be refused for its size or its number of entries; an unsafe
or oversized file is judged per submission (not unpacked, and noted), and
each submission's files are unpacked by the worker that grades it
(`unpack_members`). The metadata gives each submission's submitters, time
and previous score; grades never depend on it, so a missing or unreadable
metadata file is a warning.
"""
from __future__ import annotations

import math
import re
import stat
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Sequence

from autograder.text_output import encodable
from autograder.yaml_loading import YAMLReadError, load_gradescope_metadata

METADATA_FILE = "submission_metadata.yml"

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

#: Gradescope names folders `submission_<numeric id>`; anything else (a
#: metadata key like `../x`) is never used as a path or a file name.
_SUBMISSION_FOLDER = re.compile(r"submission_([A-Za-z0-9][A-Za-z0-9_-]{0,63})\Z")


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
                if _unsafe_name(name):
                    unsafe_outside.append(name)
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
    (Gradescope wraps everything in `assignment_<id>_export/`; `__MACOSX`,
    hidden entries and unsafe names such as `/tmp/x` or `C:/x`, which are
    never unpacked, do not count)."""
    tops: set[str] = set()
    direct = False
    for name in names:
        if _unsafe_name(name):
            continue
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
    a member whose header lies is cut off and removed, never completed.

    A name the zip holds twice is unpacked once, from its last entry (what
    `ZipFile.getinfo` and unzip tools give); a member that collides with a
    file or folder already unpacked is not unpacked, and the one already
    there is kept."""
    notes = []
    destination.mkdir(parents=True, exist_ok=True)
    for name in dict.fromkeys(names):
        target = destination.joinpath(*(part for part in name[prefix_length:].split("/")
                                        if part not in ("", ".")))
        created = False
        try:
            if name.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            member = archive.getinfo(name)
            produced = 0
            with archive.open(member) as source, open(target, "xb") as sink:
                created = True
                while chunk := source.read(1024 * 1024):
                    produced += len(chunk)
                    if produced > member.file_size:
                        raise _LyingHeader()
                    sink.write(chunk)
        except (_LyingHeader, zipfile.BadZipFile, RuntimeError, EOFError, OSError,
                zipfile.LargeZipFile) as error:
            reason = ("it unpacks to more than its header says" if isinstance(error, _LyingHeader)
                      else "a file or folder of that name is already there"
                      if isinstance(error, (FileExistsError, NotADirectoryError))
                      else f"{type(error).__name__}")
            within = name[prefix_length:].partition("/")[2]  # as _member_problem names it
            notes.append(f"not unpacked, {reason}: {_shown_name(within)}")
            if created:
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
    """`read_metadata` of an unpacked export's metadata file; a link is not
    followed (out of the export, to any file the TA can read), as a zip
    export's links are never unpacked."""
    if path.is_symlink():
        return {}, [f"{METADATA_FILE} is a link, which is not followed; "
                    "student names and Gradescope scores are left blank"]
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
    """The submissions of an unpacked export, before their metadata. A
    `submission_<id>` that is a link is listed, refused: it is never
    followed out of the export (to /etc, or to another course's folder), and
    the gradebook says so where it once left the student out in silence."""
    submissions = [ExportedSubmission(submission_id, folder, (), None)
                   for submission_id, folder in _submission_folders(root).items()]
    for entry in root.iterdir():
        match = _SUBMISSION_FOLDER.match(entry.name)
        if match and entry.is_symlink():
            submissions.append(ExportedSubmission(
                match.group(1), entry, (), None,
                refused="This submission is a link in the export, not a folder, so the class "
                        "regrade did not follow it."))
    return submissions


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
