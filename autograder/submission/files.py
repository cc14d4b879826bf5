"""A student's submission folder, without trusting it: finding the answer
sheet in it and reading the sheet's bytes as text.

The submission folder is student-controlled: the sheet may be missing, nested
in a folder, a symbolic link to a file outside the submission, a renamed
image, a multi-megabyte file, a FIFO, or text saved as UTF-16. Everything
here turns those cases into a :class:`SubmissionError` whose message is
written for the student (plain text; the results writer escapes it), never
into a traceback, a hang or a silent zero. Parsing the text is `sheet`'s job.
"""

from __future__ import annotations

import heapq
import itertools
import os
import stat
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple, Union

ANSWER_FILE_NAMES = ("answers.yaml", "answers.yml")
"""Accepted sheet names, matched case-insensitively; ``.yaml`` wins a tie."""

MAX_SEARCH_DEPTH = 4
"""How many folder levels below the submission root are searched (a zip of a
folder of a folder is common; deeper than this is not a sheet we want)."""

MAX_ENTRIES_SCANNED = 2_000
"""Directory entries examined (listed, followed into, checked for links)
before the search gives up, first by name in each folder, so a submission
holding a dataset or a virtualenv cannot stall the grader."""

MAX_ENTRIES_LISTED = 200_000
"""Directory entries whose names are compared with the sheet's names, in
all: an answers.yaml among 20,000 other files is found whatever order the
file system lists them in. Past this, the sheet's exact names are still
looked up directly in every folder searched."""

MAX_SHEET_BYTES = 1024 * 1024
"""A genuine sheet is a few kilobytes; anything past 1 MiB is refused unread."""

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar")
"""Endings of archive names: a student may upload one instead of the sheet it holds."""

MAX_FILES_LISTED = 20
"""File names quoted back in a 'no sheet found' message before '... and N more'."""

class SubmissionError(Exception):
    """The submission cannot be graded as sent; ``message`` says why to the student."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message



def find_answer_file(submission: Path) -> Path:
    """The answer sheet inside ``submission`` (or ``submission`` itself if it is a file).

    Raises :class:`SubmissionError` listing what was seen when no usable
    sheet exists. See :func:`locate_sheet` for the remarks (other
    candidates, ignored links) that go with the choice.
    """
    return locate_sheet(submission)[0]


def read_sheet_text(path: Path, root: Path) -> Tuple[Path, str]:
    """The sheet at ``path`` as text, with its path as shown to the student
    (relative to ``root``).

    ``root`` is the submission folder: a sheet whose real location (after
    following links) is outside it is refused, so a link to ``/etc/passwd``
    or to the grader's own solutions is never read.
    """
    display = _display_path(path, root)
    return display, _decode(_read_bounded(path, root, display), display)


# --------------------------------------------------------------------------
# Finding the sheet


def locate_sheet(submission: Path) -> Tuple[Path, Tuple[str, ...]]:
    """The chosen sheet and the remarks the search produced.

    Folders are searched breadth first. In each, the sheet is found by name
    before anything else: every entry the folder lists (up to
    :data:`MAX_ENTRIES_LISTED` in all) is compared with the sheet's names,
    and where a folder lists more, ``answers.yaml``/``answers.yml`` are
    looked up directly; only the first :data:`MAX_ENTRIES_SCANNED` entries
    by name are examined further. Which sheet is found never depends on the
    order the file system lists a folder in.
    """
    if submission.is_file():
        return submission, ()
    if not submission.is_dir():
        if os.path.lexists(submission):  # given by name: a named pipe, a device, a broken link
            raise SubmissionError(
                f"{submission.name} is neither a file nor a folder (a named pipe, a socket, a "
                "device or a link to nothing), so it was not read. Give the answer sheet itself."
            )
        raise SubmissionError(
            "The submission folder was not found; nothing was uploaded to grade."
        )
    root_real = submission.resolve()
    candidates: List[Tuple[int, str, Path]] = []
    seen: List[str] = []
    near_misses: List[str] = []
    archives: List[str] = []
    problems: List[str] = []
    entries_scanned = entries_listed = 0
    queue = deque([(submission, 0)])
    while queue:
        folder, depth = queue.popleft()
        budget = MAX_ENTRIES_SCANNED - entries_scanned
        listing = _list_folder(folder, budget, MAX_ENTRIES_LISTED - entries_listed)
        if listing.unreadable:
            shown = Path(folder).relative_to(submission).as_posix()
            problems.append(f"The folder {'of your submission' if shown == '.' else shown + '/'} "
                            f"could not be opened ({listing.unreadable}), so it was not searched.")
        entries_listed += listing.listed
        entries_scanned += len(listing.first)
        examined = {entry.name for entry in listing.first}
        sheets_elsewhere = [entry for entry in listing.sheets if entry.name not in examined]
        for entry in [*listing.first, *sheets_elsewhere]:
            if entry.name.startswith(".") or entry.name == "__MACOSX":
                continue
            relative = Path(entry.path).relative_to(submission).as_posix()
            is_sheet_name = entry.name.lower() in ANSWER_FILE_NAMES
            if entry.is_symlink():
                if is_sheet_name and _link_stays_inside(entry.path, root_real):
                    seen.append(relative)
                    candidates.append((depth, relative, Path(entry.path)))
                    continue
                if is_sheet_name:
                    problems.append(_outside_link_message(relative))
                seen.append(f"{relative} (a link, not followed)")
            elif entry.is_dir(follow_symlinks=False):
                seen.append(f"{relative}/")
                if is_sheet_name:
                    near_misses.append(f"{relative}/")
                if depth < MAX_SEARCH_DEPTH:
                    queue.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                seen.append(relative)
                if is_sheet_name:
                    candidates.append((depth, relative, Path(entry.path)))
                elif _looks_like_a_sheet(entry.name):
                    near_misses.append(relative)
                elif entry.name.lower().endswith(ARCHIVE_SUFFIXES):
                    archives.append(relative)
            else:  # a named pipe, a socket or a device: never opened
                seen.append(f"{relative} (not a regular file)")
                if is_sheet_name:
                    problems.append(f"{relative} is not a regular file (a named pipe, a socket or "
                                    "a device), so it was not read. Upload the file itself.")
        if listing.truncated:
            problems.append(
                f"Your submission has more than {MAX_ENTRIES_SCANNED} files and folders; "
                "answers.yaml was looked for by name, but only the first ones were searched."
            )
            break
    problems = _at_most_listed(problems)
    if not candidates:
        raise SubmissionError(_nothing_found_message(seen, near_misses, archives, problems))
    candidates.sort(key=lambda candidate: (candidate[0], candidate[1].lower(), candidate[1]))
    chosen = candidates[0]
    if len(candidates) > 1:
        others = ", ".join(relative for _, relative, _ in candidates[1:MAX_FILES_LISTED + 1])
        more = len(candidates) - 1 - MAX_FILES_LISTED
        others += f" and {more} more" if more > 0 else ""
        problems.insert(
            0,
            f"Several answer sheets were found; {chosen[1]} was graded "
            f"(the one nearest the top of your submission) and these were ignored: {others}.",
        )
    return chosen[2], tuple(problems)


@dataclass
class _Listing:
    """One folder as the search sees it: ``first``, its first entries by
    name (at most the examination budget); ``sheets``, every listed entry
    named like a sheet, plus the exact names found by direct lookup when
    the folder lists more than was read; ``listed``, how many entries were
    read; ``truncated``, whether the folder holds more than ``first``;
    ``unreadable``, why the folder could not be listed ("" when it was)."""

    first: List["os.DirEntry[str] | _LookedUp"]
    sheets: List["os.DirEntry[str] | _LookedUp"]
    listed: int
    truncated: bool
    unreadable: str = ""


class _LookedUp:
    """A sheet name looked up directly (``lstat``), with a DirEntry's questions."""

    def __init__(self, folder: Path, name: str, info: os.stat_result):
        self.name, self.path, self._mode = name, str(folder / name), info.st_mode

    def is_symlink(self) -> bool:
        return stat.S_ISLNK(self._mode)

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        return stat.S_ISDIR(self._mode)

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        return stat.S_ISREG(self._mode)


def _list_folder(folder: Path, examine: int, list_at_most: int) -> _Listing:
    """What the search needs of ``folder`` in one pass over its listing,
    holding at most ``examine`` entries (plus sheet-named ones) in memory
    whatever the folder holds; an unreadable folder is empty, and says why."""
    sheets: list = []
    listed = 0

    def names_checked(iterator):
        nonlocal listed
        for entry in itertools.islice(iterator, max(list_at_most, 0)):
            listed += 1
            if entry.name.lower() in ANSWER_FILE_NAMES:
                sheets.append(entry)
            yield entry

    try:
        with os.scandir(folder) as iterator:
            entries = names_checked(iterator)
            if examine > 0:
                first = heapq.nsmallest(examine, entries, key=lambda entry: entry.name)
            else:  # nothing more is examined, but every name is still compared
                first = []
                deque(entries, maxlen=0)
            read_all = listed < list_at_most or next(iterator, None) is None
    except OSError as error:
        return _Listing([], [], listed, False, error.strerror or type(error).__name__)
    if not read_all:
        found = {entry.name for entry in sheets}
        for name in ANSWER_FILE_NAMES:
            if name not in found:
                try:
                    sheets.append(_LookedUp(folder, name, os.lstat(folder / name)))
                except OSError:
                    pass
    sheets.sort(key=lambda entry: entry.name)
    return _Listing(first, sheets, listed, truncated=not read_all or listed > len(first))


def _at_most_listed(problems: List[str]) -> List[str]:
    """The first MAX_FILES_LISTED remarks, then how many more (a thousand
    links named answers.yaml must not become a thousand lines of results);
    the remark that the search stopped, which comes last, is always kept."""
    if len(problems) <= MAX_FILES_LISTED + 1:
        return problems
    more = len(problems) - MAX_FILES_LISTED
    last = [problems[-1]] if problems[-1].startswith("Your submission has more than") else []
    more -= len(last)
    return problems[:MAX_FILES_LISTED] + [f"… and {more} more like these."] + last


def _outside_link_message(relative: Union[str, Path]) -> str:
    return (
        f"{relative} is a link that does not lead to a file inside your submission, "
        "so it was not read. Upload the file itself."
    )


def _link_stays_inside(link: str, root_real: Path) -> bool:
    """Whether the symbolic link ``link`` ends at a regular file inside ``root_real``."""
    target = Path(os.path.realpath(link))
    return _is_within(target, root_real) and target.is_file()


def _is_within(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _nothing_found_message(seen: List[str], near_misses: List[str], archives: List[str],
                           problems: List[str]) -> str:
    names = " or ".join(ANSWER_FILE_NAMES)
    lines = [f"No answer sheet was found: the autograder looks for {names} in your submission "
             f"(at the top or up to {MAX_SEARCH_DEPTH} folders down)."]
    lines.extend(problems)
    if not seen:
        lines.append("Your submission is empty.")
    else:
        listed = ", ".join(seen[:MAX_FILES_LISTED])
        more = len(seen) - MAX_FILES_LISTED
        lines.append("Files seen: " + listed + (f" and {more} more." if more > 0 else "."))
        if near_misses and near_misses[0].endswith("/"):
            lines.append(f"{near_misses[0][:-1]} is a folder: your answers go in a file of that "
                         "name.")
        elif near_misses:
            lines.append(f"If {near_misses[0]} holds your answers, rename it to answers.yaml.")
        elif archives:
            lines.append(f"{archives[0]} is an archive, which the autograder does not unpack: "
                         "upload answers.yaml itself.")
    return "\n".join(lines)


def _looks_like_a_sheet(name: str) -> bool:
    """A misnamed sheet: ``answers.yaml.txt``, ``my_answers.yaml``, ``hw3.yml``."""
    lowered = name.lower()
    return "answer" in lowered or lowered.endswith((".yaml", ".yml"))


# --------------------------------------------------------------------------
# Reading the bytes


def _display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` for messages; its bare name if it is not inside."""
    if _is_within(path, root):
        return path.relative_to(root)
    real, real_root = Path(os.path.realpath(path)), root.resolve()
    if _is_within(real, real_root):
        return real.relative_to(real_root)
    return Path(path.name)


def _read_bounded(path: Path, root: Path, display: Path) -> bytes:
    """The file's bytes, refusing links out of ``root``, non-files, and oversize files."""
    real = Path(os.path.realpath(path))
    if not _is_within(real, root.resolve()):
        raise SubmissionError(_outside_link_message(display))
    try:
        # O_NONBLOCK: opening a FIFO planted in the submission must not hang the grader.
        descriptor = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SubmissionError(f"{display} could not be opened ({error.strerror}).") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SubmissionError(f"{display} is not a regular file.")
        if info.st_size > MAX_SHEET_BYTES:
            raise SubmissionError(_too_big_message(display, info.st_size))
        data = handle.read(MAX_SHEET_BYTES + 1)
    if len(data) > MAX_SHEET_BYTES:
        raise SubmissionError(_too_big_message(display, len(data)))
    return data


def _too_big_message(display: Path, size: int) -> str:
    return (
        f"{display} is {size / 1_048_576:.1f} MiB; an answer sheet is a small text file "
        f"and the limit is {MAX_SHEET_BYTES // 1024} KiB. Check that you uploaded the right file."
    )


_BINARY_SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or a Word/Excel document)"),
)

_TEXT_BOMS = (
    # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode(data: bytes, display: Path) -> str:
    """Text from ``data``: UTF-8 (with or without BOM), or UTF-16/32 with a BOM.

    Editors on Windows save "Unicode" text as UTF-16 with a byte order mark,
    which is unambiguous, so it is accepted rather than bounced.
    """
    for bom, encoding in _TEXT_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise SubmissionError(
                f"{display} is {kind}, not a text file. Submit your answers as plain "
                "text in the YAML answer template."
            )
    if b"\x00" in data:
        raise SubmissionError(
            f"{display} contains binary data (NUL bytes), so it is not a text file. "
            "If your editor saved it as UTF-16, save it again as UTF-8."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SubmissionError(
            f"{display} is not valid UTF-8 text (first bad byte on line {line}). "
            "Save it again with UTF-8 encoding."
        ) from None
