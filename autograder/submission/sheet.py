"""Reading a student's answer sheet (``answers.yaml``) without trusting it.

The submission folder is student-controlled: the sheet may be missing, nested
in a folder, a symbolic link to a file outside the submission, a renamed
image, a multi-megabyte file, or YAML crafted to run code or exhaust memory.
Everything here turns those cases into a :class:`SubmissionError` whose
message is written for the student (plain text; the results writer escapes
it), never into a traceback or a silent zero.

Parsing keeps every scalar as the exact text the student typed: YAML 1.1's
implicit typing would turn ``12:30`` into the integer 750, ``no`` into
``False`` and ``1_000`` into 1000 before any grader could see what was
written. Only an empty value or ``~``/``null`` means "no answer" (``None``).
"""

from __future__ import annotations

import heapq
import itertools
import os
import re
import stat
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple, Union

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver

try:  # libyaml's scanner and parser, when PyYAML was built with it (PyPI's wheels are)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - a pure-Python PyYAML
    _CParser = None

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

MAX_YAML_NODES = 10_000
"""Nodes after alias expansion. Caps 'billion laughs' documents, whose
aliases multiply a few lines into billions of values."""

MAX_NESTING_DEPTH = 20
"""Deepest nesting accepted; keeps recursion far from Python's limit."""

MAX_SHEET_TEXT_CHARS = 2 * 1024 * 1024
"""Characters of text (keys and values) a sheet may expand to, every alias
counted with all the text it repeats. The node cap alone lets 9,000 aliases
of one 110 KB string through, which joined into one answer is a gigabyte;
without aliases a sheet's text never exceeds its size (1 MiB), so this
refuses only alias-expanded text."""

MAX_ANSWER_TEXT_CHARS = 100_000
"""Characters of one answer :meth:`Sheet.get` builds before it stops: a list
or mapping is rendered as text only this far. Every kind that parses refuses
far shorter answers as too long, and a written answer this long is a
15,000-word essay, so the cut never decides a grade."""

MAX_KEY_CHARS = 100
"""A key longer than this is no question's key; it is ignored with a note,
so that dotted paths (nesting x key length) and notes stay short."""

MAX_PROBLEMS_LISTED = 20
"""Notes about one sheet kept before '... and N more' (4,900 duplicated keys
must not become 4,900 lines of feedback)."""

MAX_FILES_LISTED = 20
"""File names quoted back in a 'no sheet found' message before '... and N more'."""

_UNANSWERED_RE = re.compile(r"^(?:~|null|Null|NULL|)$")


class SubmissionError(Exception):
    """The submission cannot be graded as sent; ``message`` says why to the student."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


Answer = Union[str, None, List["Answer"], "dict[str, Answer]"]
"""A parsed value: text, ``None`` (left blank), a list, or a nested mapping."""


@dataclass(frozen=True)
class Sheet:
    """A parsed answer sheet.

    ``path`` is relative to the submission root so it can be shown to the
    student; ``answers`` maps question keys to nested answers (treat it as
    read-only); ``problems`` are non-fatal remarks for the student, such as a
    duplicated key or a second sheet that was ignored.
    """

    path: Path
    answers: "dict[str, Answer]"
    problems: Tuple[str, ...] = ()

    def get(self, dotted_key: str) -> Optional[str]:
        """The text answered at ``dotted_key`` (``"q2.g.multiplications_56.standard"``).

        ``None`` if the key is absent or left blank. A list is returned as
        its items joined by ", " (``[20, 20, 3]`` reads as ``"20, 20, 3"``), so
        a student who used YAML list syntax still gets their answer parsed; a
        mapping where text was expected comes back in ``{key: value}`` form so
        the grader's "could not understand" feedback shows what was written.
        Text past :data:`MAX_ANSWER_TEXT_CHARS` is never built: such an
        answer comes back cut one character past the limit, still too long
        for every kind that parses (which says so), never a shorter answer.
        """
        value: Answer = self.answers
        for part in dotted_key.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        if value is None:
            return None
        if isinstance(value, str):
            return value[:MAX_ANSWER_TEXT_CHARS + 1]
        if isinstance(value, list):
            pieces = _joined((_flow_pieces(item) for item in value), ", ")
        else:
            pieces = _flow_pieces(value)
        return _bounded_text(pieces, MAX_ANSWER_TEXT_CHARS)

    def unexpected_keys(self, expected: Iterable[str]) -> List[str]:
        """Dotted paths answered in the sheet that are not among ``expected``.

        Catches typos (``q2.e.standrd``) and answers nested one level too deep
        or too shallow, in the order they appear in the sheet.
        """
        known = set(expected)
        return [path for path in _leaf_paths(self.answers, "") if path not in known]


def find_answer_file(submission: Path) -> Path:
    """The answer sheet inside ``submission`` (or ``submission`` itself if it is a file).

    Raises :class:`SubmissionError` listing what was seen when no usable
    sheet exists. See :func:`read_submission` for the remarks (other
    candidates, ignored links) that go with the choice.
    """
    return _locate(submission)[0]


def read_submission(submission: Path) -> Sheet:
    """Find and load the sheet in ``submission``; the grader's one entry point.

    Remarks from the search (a second sheet that was ignored, a link that
    pointed outside the submission) are prepended to the sheet's problems.
    """
    path, search_problems = _locate(submission)
    root = submission.parent if submission.is_file() else submission
    sheet = load_sheet(path, root=root)
    return replace(sheet, problems=search_problems + sheet.problems) if search_problems else sheet


def load_sheet(path: Path, *, root: Path) -> Sheet:
    """Read and parse the sheet at ``path``, which must lie inside ``root``.

    ``root`` is the submission folder: a sheet whose real location (after
    following links) is outside it is refused, so a link to ``/etc/passwd``
    or to the grader's own solutions is never read.
    """
    display = _display_path(path, root)
    text = _decode(_read_bounded(path, root, display), display)
    try:
        document = _compose(text)
    except _Refused as refusal:
        raise SubmissionError(f"{display} was not accepted: {refusal.describe()}") from None
    except yaml.YAMLError as error:
        raise SubmissionError(_describe_yaml_error(error, text, display)) from None
    if document is None or _is_unanswered(document):
        raise SubmissionError(f"{display} is empty: it has no answers in it.")
    if not isinstance(document, MappingNode):
        kind = "a list" if isinstance(document, SequenceNode) else "a single piece of text"
        raise SubmissionError(
            f"{display} must be a list of question keys with answers (like 'q1: ...'), "
            f"but it holds {kind}. Start from the provided answer template."
        )
    problems = _Notes()
    try:
        answers = _convert_mapping(document, "", 1, problems)
    except _Refused as refusal:
        raise SubmissionError(f"{display} was not accepted: {refusal.describe()}") from None
    return Sheet(path=display, answers=answers, problems=problems.listed())


# --------------------------------------------------------------------------
# Finding the sheet


def _locate(submission: Path) -> Tuple[Path, Tuple[str, ...]]:
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
        raise SubmissionError(
            "The submission folder was not found; nothing was uploaded to grade."
        )
    root_real = submission.resolve()
    candidates: List[Tuple[int, str, Path]] = []
    seen: List[str] = []
    near_misses: List[str] = []
    problems: List[str] = []
    entries_scanned = entries_listed = 0
    queue = deque([(submission, 0)])
    while queue:
        folder, depth = queue.popleft()
        budget = MAX_ENTRIES_SCANNED - entries_scanned
        listing = _list_folder(folder, budget, MAX_ENTRIES_LISTED - entries_listed)
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
                if depth < MAX_SEARCH_DEPTH:
                    queue.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                seen.append(relative)
                if is_sheet_name:
                    candidates.append((depth, relative, Path(entry.path)))
                elif _looks_like_a_sheet(entry.name):
                    near_misses.append(relative)
        if listing.truncated:
            problems.append(
                f"Your submission has more than {MAX_ENTRIES_SCANNED} files and folders; "
                "answers.yaml was looked for by name, but only the first ones were searched."
            )
            break
    if not candidates:
        raise SubmissionError(_nothing_found_message(seen, near_misses, problems))
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
    read; ``truncated``, whether the folder holds more than ``first``."""

    first: List["os.DirEntry[str] | _LookedUp"]
    sheets: List["os.DirEntry[str] | _LookedUp"]
    listed: int
    truncated: bool


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
    whatever the folder holds; unreadable folders are empty."""
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
    except OSError:
        return _Listing([], [], listed, False)
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


def _nothing_found_message(seen: List[str], near_misses: List[str], problems: List[str]) -> str:
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
        if near_misses:
            lines.append(f"If {near_misses[0]} holds your answers, rename it to answers.yaml.")
    return "\n".join(lines)


def _looks_like_a_sheet(name: str) -> bool:
    """A misnamed sheet: ``answers.yaml.txt``, ``my_answers.yaml``, ``hw3.yml``."""
    lowered = name.lower()
    return "answer" in lowered or lowered.endswith((".yaml", ".yml"))


# --------------------------------------------------------------------------
# Reading the bytes


def _display_path(path: Path, root: Path) -> Path:
    """``path`` relative to ``root`` for messages; its bare name if it is not inside."""
    for candidate, folder in ((path, root), (Path(os.path.realpath(path)), root.resolve())):
        if _is_within(candidate, folder):
            return candidate.relative_to(folder)
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


# --------------------------------------------------------------------------
# Parsing


class _Refused(Exception):
    """YAML that parses but is not accepted in a sheet (a tag, a bomb, deep nesting)."""

    def __init__(self, reason: str, mark: Optional[yaml.Mark]):
        super().__init__(reason)
        self.reason = reason
        self.mark = mark

    def describe(self) -> str:
        where = f" (line {self.mark.line + 1})" if self.mark is not None else ""
        return f"{self.reason}{where}."


def _tag_for_display(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class _SheetPolicy:
    """What makes a SafeLoader a sheet loader: scalars kept as text, hostile
    structure refused. Mixed into a loader before its Composer.

    Only the null resolver remains, so a plain scalar is a string unless it
    is empty, ``~`` or ``null``. Composition is where aliases are resolved,
    so that is where tags, alias expansion and nesting are policed, before
    any Python object is built.
    """

    yaml_implicit_resolvers: dict = {}

    def _start_policy(self) -> None:
        self._nodes_expanded = 0
        self._text_expanded = 0
        self._depth = 0
        self._open_anchors: set = set()
        self._anchor_sizes: dict = {}  # anchor -> (nodes, characters of text) it expands to

    def compose_node(self, parent: Optional[Node], index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self._open_anchors:
                raise _Refused(
                    f"the alias *{event.anchor} refers to a value that contains it "
                    "(a recursive alias)",
                    event.start_mark,
                )
            nodes, text = self._anchor_sizes.get(event.anchor, (1, 0))
            self._count(nodes, text, event.start_mark)
            return super().compose_node(parent, index)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag is not None:
            raise _Refused(
                f"the YAML tag '{_tag_for_display(event.tag)}' is not allowed; "
                "write every answer as plain text",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > MAX_NESTING_DEPTH:
            raise _Refused(_nesting_reason(), event.start_mark)
        nodes_before, text_before = self._nodes_expanded, self._text_expanded
        self._count(1, len(event.value) if isinstance(event, ScalarEvent) else 0, event.start_mark)
        if event.anchor is not None:
            self._open_anchors.add(event.anchor)
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self._open_anchors.discard(event.anchor)
            self._anchor_sizes[event.anchor] = (self._nodes_expanded - nodes_before,
                                                self._text_expanded - text_before)
        self._depth -= 1
        return node

    def _count(self, nodes: int, text: int, mark: yaml.Mark) -> None:
        """Add what one node (or an alias, everything it repeats) expands to."""
        self._nodes_expanded += nodes
        self._text_expanded += text
        if self._nodes_expanded > MAX_YAML_NODES:
            raise _Refused(
                f"it expands to more than {MAX_YAML_NODES} values (too many answers, "
                "or aliases '*name' that repeat large parts of the file)",
                mark,
            )
        if self._text_expanded > MAX_SHEET_TEXT_CHARS:
            raise _Refused(
                f"its aliases ('*name') repeat text until the sheet holds more than "
                f"{MAX_SHEET_TEXT_CHARS:,} characters; write each answer out instead",
                mark,
            )


class _SheetLoader(_SheetPolicy, yaml.SafeLoader):
    """The pure-Python sheet loader: its errors are the ones students see."""

    def __init__(self, text: str):
        super().__init__(text)
        self._start_policy()


_SheetLoader.add_implicit_resolver("tag:yaml.org,2002:null", _UNANSWERED_RE, ["~", "n", "N", ""])

if _CParser is not None:
    class _FastSheetLoader(_SheetPolicy, Composer, _CParser, SafeConstructor, Resolver):
        """The same policy over libyaml's parser: about nine times faster on a
        sheet. Used only where libyaml reads as the pure-Python loader does,
        and only when it succeeds (see `_compose`)."""

        def __init__(self, text: str):
            _CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_policy()

    _FastSheetLoader.add_implicit_resolver("tag:yaml.org,2002:null", _UNANSWERED_RE,
                                           ["~", "n", "N", ""])
else:  # pragma: no cover - a pure-Python PyYAML
    _FastSheetLoader = None


#: What the pure-Python reader refuses, and what libyaml reads otherwise (see `_compose`).
_LIBYAML_READS_OTHERWISE = re.compile(f"{Reader.NON_PRINTABLE.pattern}|[\t\ufeff]|[|>][-+0-9]*#")


def _libyaml_reads_alike(text: str) -> bool:
    """Whether `text` has none of the characters libyaml reads otherwise (see `_compose`)."""
    return not _LIBYAML_READS_OTHERWISE.search(text)


def _question_in_flow(root: Optional[Node]) -> bool:
    """Whether a plain scalar holding '?' sits in a flow collection (`[x?]`,
    `{x?}`): libyaml reads the '?' as text there, the pure-Python scanner
    as a key indicator. Walks the graph once per node, aliases included."""
    stack, seen = [(root, False)], set()
    while stack:
        node, in_flow = stack.pop()
        if node is None or (id(node), in_flow) in seen:
            continue
        seen.add((id(node), in_flow))
        if isinstance(node, ScalarNode):
            if in_flow and not node.style and "?" in node.value:
                return True
            continue
        in_flow = in_flow or bool(node.flow_style)
        if isinstance(node, SequenceNode):
            stack.extend((item, in_flow) for item in node.value)
        else:
            stack.extend((part, in_flow) for pair in node.value for part in pair)
    return False


def _compose(text: str) -> Optional[Node]:
    """The sheet's node graph, composed under the sheet policy.

    libyaml composes it when it can; whenever it cannot (no libyaml, a
    character the pure-Python reader refuses, any YAML error or refusal of
    the sheet policy), the pure-Python loader composes it again and its
    error is the one raised, so what is accepted, and every message and
    line number, is the same with or without libyaml. (A refusal is not
    raised as libyaml's loader met it: libyaml accepts tags such as `!?!`
    that the pure-Python scanner calls a syntax error.)

    Where fuzzing found libyaml reading otherwise, the pure-Python loader
    decides: text with a tab (libyaml reads `9<tab>weights` as one plain
    scalar, which the pure-Python scanner refuses), a U+FEFF (libyaml skips
    it, the pure-Python reader keeps it) or a block scalar header with '#'
    right after it (`|#`, `>-#`: libyaml reads an empty text, the
    pure-Python scanner refuses it) never reaches libyaml; and a graph with
    a '?' in a plain scalar inside brackets (`[x?]`) is composed again (the
    pure-Python scanner reads that '?' as a key indicator). tools/fuzz.py
    and tests/test_fuzz_properties.py compare the two loaders.
    """
    if _CParser is not None and _libyaml_reads_alike(text):
        may_differ = "?" in text and ("[" in text or "{" in text)
        try:
            fast = _FastSheetLoader(text)
            try:
                node = fast.get_single_node()
            finally:
                fast.dispose()
        except Exception:  # noqa: BLE001 - said again below, in the pure-Python loader's words
            pass
        else:
            if not (may_differ and _question_in_flow(node)):
                return node
    loader = _SheetLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _nesting_reason() -> str:
    return f"values are nested more than {MAX_NESTING_DEPTH} levels deep"


def _is_unanswered(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"


class _Notes:
    """Notes about a sheet, collected as :func:`_convert` meets them: the
    first :data:`MAX_PROBLEMS_LISTED` are kept, the rest only counted."""

    def __init__(self) -> None:
        self.kept: List[str] = []
        self.more = 0

    def append(self, note: str) -> None:
        if len(self.kept) < MAX_PROBLEMS_LISTED:
            self.kept.append(note)
        else:
            self.more += 1

    def listed(self) -> Tuple[str, ...]:
        more = (f"… and {self.more} more notes like these.",) if self.more else ()
        return tuple(self.kept) + more


def _convert(node: Node, path: str, depth: int, problems: _Notes) -> Answer:
    """Plain Python data from a composed node; ``depth`` guards alias-expanded nesting."""
    if depth > MAX_NESTING_DEPTH:
        raise _Refused(_nesting_reason(), node.start_mark)
    if isinstance(node, ScalarNode):
        return None if _is_unanswered(node) else node.value
    if isinstance(node, SequenceNode):
        return [_convert(item, path, depth + 1, problems) for item in node.value]
    return _convert_mapping(node, path, depth, problems)


def _convert_mapping(node: MappingNode, path: str, depth: int, problems: _Notes) -> dict:
    result: dict = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode) or _is_unanswered(key_node):
            problems.append(f"Line {line}: a value without a usable key name was ignored.")
            continue
        key = key_node.value
        if len(key) > MAX_KEY_CHARS:
            problems.append(f"Line {line}: a key of {len(key):,} characters "
                            f"('{key[:30]}…') was ignored; no question's key is that long.")
            continue
        dotted = f"{path}.{key}" if path else key
        if key in result:
            problems.append(
                f"Line {line}: '{dotted}' appears more than once; the last one is used."
            )
        result[key] = _convert(value_node, dotted, depth + 1, problems)
    return result


def _flow_pieces(value: Answer) -> Iterator[str]:
    """The pieces of a nested answer's compact one-line text, as YAML flow
    style would show it (``[20, 20, 5]``, ``{a: 1}``), produced lazily so that
    :func:`_bounded_text` stops building once the text is too long."""
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield "["
        yield from _joined((_flow_pieces(item) for item in value), ", ")
        yield "]"
    else:
        yield "{"
        yield from _joined((itertools.chain((key, ": "), _flow_pieces(item))
                            for key, item in value.items()), ", ")
        yield "}"


def _joined(parts: Iterable[Iterable[str]], separator: str) -> Iterator[str]:
    for index, pieces in enumerate(parts):
        if index:
            yield separator
        yield from pieces


def _bounded_text(pieces: Iterable[str], limit: int) -> str:
    """The pieces joined, but never more than ``limit + 1`` characters: past
    the limit the rest is neither built nor joined."""
    kept: List[str] = []
    length = 0
    for piece in pieces:
        kept.append(piece)
        length += len(piece)
        if length > limit:
            break
    text = "".join(kept)
    return text[:limit + 1]


def _leaf_paths(answers: "dict[str, Answer]", prefix: str) -> Iterator[str]:
    for key, value in answers.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            yield from _leaf_paths(value, dotted)
        else:
            yield dotted


def _quote_line(lines: List[str], index: int) -> str:
    if index >= len(lines):
        return ""
    return f"\nLine {index + 1}: {lines[index][:200]}"


_YAML_HINTS = (
    ("'\\t'", "YAML does not allow tab characters for indentation; indent with spaces."),
    ("mapping values are not allowed", "This usually means a value contains ': ' "
     "(put the answer in quotes) or a missing space after a colon."),
)


def _describe_yaml_error(error: yaml.YAMLError, text: str, display: Path) -> str:
    """A student-facing account of a YAML syntax error: what, where, and the line itself."""
    if isinstance(error, ReaderError):
        line = text[: error.position].count("\n") + 1
        return (
            f"{display} contains a control character (U+{error.character:04X}) on line {line} "
            "that YAML does not allow. Delete it and save again."
        )
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = ", ".join(part for part in (error.context, error.problem) if part) or "invalid"
        message = f"{display} is not valid YAML: {problem}"
        lines = text.splitlines()
        if mark is None:
            message += "."
        else:
            message += f" at line {mark.line + 1}, column {mark.column + 1}."
            message += _quote_line(lines, mark.line)
            start = error.context_mark
            if start is not None and start.line < mark.line:
                message += "\nThe problem may begin earlier, on this line:"
                message += _quote_line(lines, start.line)
        for needle, hint in _YAML_HINTS:
            if needle in problem:
                message += "\n" + hint
        return message
    return f"{display} is not valid YAML: {error}"
