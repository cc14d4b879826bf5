"""Reading a student's answer sheet (``answers.yaml``) without trusting it.

`files` finds the sheet in the submission folder and reads it as text;
this module parses that text with the hardened text-only reader of
`autograder.yaml_loading` and turns every problem into a
:class:`SubmissionError` whose message is written for the student: what is
wrong, on which line, and the line itself.

Parsing keeps every scalar as the exact text the student typed: YAML 1.1's
implicit typing would turn ``12:30`` into the integer 750, ``no`` into
``False`` and ``1_000`` into 1000 before any grader could see what was
written. Only an empty value or ``~``/``null`` means "no answer" (``None``).
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from autograder.submission.files import SubmissionError, locate_sheet, read_sheet_text
from autograder.yaml_loading import NULL_TAG, Budget, YAMLReadError, compose_text_only

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
"""Notes about one sheet kept before '... and N more' (5,000 duplicated keys
must not become 5,000 lines of feedback)."""

#: The text-only reader's budget for one sheet.
SHEET_BUDGET = Budget(nodes=MAX_YAML_NODES, text_chars=MAX_SHEET_TEXT_CHARS, depth=MAX_NESTING_DEPTH)

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


def read_submission(submission: Path) -> Sheet:
    """Find and load the sheet in ``submission``; the grader's one entry point.

    Remarks from the search (a second sheet that was ignored, a link that
    pointed outside the submission) are prepended to the sheet's problems.
    """
    path, search_problems = locate_sheet(submission)
    root = submission.parent if submission.is_file() else submission
    sheet = load_sheet(path, root=root)
    return replace(sheet, problems=search_problems + sheet.problems) if search_problems else sheet


def load_sheet(path: Path, *, root: Path) -> Sheet:
    """Read and parse the sheet at ``path``, which must lie inside ``root``
    (see `files.read_sheet_text`)."""
    display, text = read_sheet_text(path, root)
    try:
        document = compose_text_only(text, SHEET_BUDGET)
    except YAMLReadError as error:
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
    except YAMLReadError as error:
        raise SubmissionError(_describe_yaml_error(error, text, display)) from None
    return Sheet(path=display, answers=answers, problems=problems.listed())


# --------------------------------------------------------------------------
# From the composed document to answers


def _is_unanswered(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG


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
        raise SHEET_BUDGET.too_deep(node.start_mark)
    if isinstance(node, ScalarNode):
        return None if _is_unanswered(node) else node.value
    if isinstance(node, SequenceNode):
        return [_convert(item, path, depth + 1, problems) for item in node.value]
    return _convert_mapping(node, path, depth, problems)


def _convert_mapping(node: MappingNode, path: str, depth: int, problems: _Notes) -> dict:
    """A mapping's answers. A key written as a dotted path (`q2.b: ...`, or
    `e.standard:` under `q2:`) is the question it names: the template nests
    its keys, and a student who wrote the path in one key answered the same
    question, which `Sheet.get` must find (it was once ignored without a
    word, as no unexpected key either). Plain keys are placed first and the
    paths then fill in their mappings, whatever order the sheet has."""
    entries = []
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
        entries.append((line, key, _path_parts(key, depth), value_node))
    result: dict = {}
    for line, key, parts, value_node in sorted(entries, key=lambda entry: len(entry[2]) > 1):
        dotted = f"{path}.{key}" if path else key
        container = result
        for index, part in enumerate(parts[:-1]):
            if container.get(part) is None:
                container[part] = {}
            elif not isinstance(container[part], dict):
                taken = ".".join([path, *parts[:index + 1]] if path else parts[:index + 1])
                problems.append(f"Line {line}: '{dotted}' was ignored: '{taken}' is answered "
                                "on its own already.")
                break
            container = container[part]
        else:
            if parts[-1] in container:
                problems.append(
                    f"Line {line}: '{dotted}' appears more than once; the last one is used."
                    if len(parts) == 1 else
                    f"Line {line}: '{dotted}' is answered twice (also as a nested key); "
                    "the answer on this line is used.")
            container[parts[-1]] = _convert(value_node, dotted, depth + len(parts), problems)
    return result


def _path_parts(key: str, depth: int) -> List[str]:
    """The keys a dotted key names (`q2.b` -> q2, b), or the key itself when
    it is no path (an empty part, `q2..b`) or would nest past the limit."""
    parts = key.split(".")
    if len(parts) == 1 or not all(parts) or depth + len(parts) > MAX_NESTING_DEPTH:
        return [key]
    return parts


# --------------------------------------------------------------------------
# Keys not in the template: what they look like, and what was meant


def visible_key(path: str) -> str:
    """`path` with each character that cannot be seen (a zero-width space, a
    byte order mark, a bidirectional control, a no-break space) written as
    `<U+XXXX>`: such a key looks exactly like the template's and is not it,
    and the feedback's own escaping would drop the character from view."""
    return "".join(f"<U+{ord(ch):04X}>" if ch != " " and unicodedata.category(ch) in _UNSEEN
                   else ch for ch in path)


#: Unicode categories of characters that show as nothing or as a plain space.
_UNSEEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def likely_keys(paths: Sequence[str], expected: Iterable[str]) -> List[Optional[str]]:
    """For each unknown dotted path, the one template key it most likely
    means, or None: the same key but for case, spacing, punctuation, unseen
    characters or a missing `q` (`Q2.b`, `2b`, `q2 .b`), possibly nested
    under a folder-like key of the student's own (`hw3.q2.b`) or with a key
    of its own under it (`q2.b.answer`). A path that could mean several keys
    gets no suggestion."""
    meant: Dict[str, List[str]] = {}
    for key in expected:
        meant.setdefault(_skeleton(key), []).append(key)
    suggestions: List[Optional[str]] = []
    for path in paths:
        parts = path.split(".")
        found = None
        # the whole path, then without its first keys, then without its last ones
        for piece in [parts[start:] for start in range(len(parts))] + \
                [parts[:end] for end in range(len(parts) - 1, 0, -1)]:
            candidates = meant.get(_skeleton(".".join(piece)), [])
            if candidates:
                found = candidates[0] if len(candidates) == 1 else None
                break
        suggestions.append(found if found != path else None)
    return suggestions


def _skeleton(key: str) -> str:
    """A key's letters and digits, case-folded, without a leading `q`."""
    text = "".join(ch for ch in unicodedata.normalize("NFKC", key).casefold() if ch.isalnum())
    return text[1:] if text.startswith("q") else text


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


def _describe_yaml_error(error: YAMLReadError, text: str, display: Path) -> str:
    """A student-facing account of why the sheet could not be read: what,
    where, and the line itself."""
    if error.refused:
        where = f" (line {error.line})" if error.line is not None else ""
        return f"{display} was not accepted: {error.problem}{where}."
    if error.character is not None:
        return (
            f"{display} contains a control character (U+{error.character:04X}) on line {error.line} "
            "that YAML does not allow. Delete it and save again."
        )
    message = f"{display} is not valid YAML: {error.problem}"
    lines = text.splitlines()
    if error.line is None:
        message += "."
    else:
        message += f" at line {error.line}, column {error.column}."
        message += _quote_line(lines, error.line - 1)
        if error.began_line is not None:
            message += "\nThe problem may begin earlier, on this line:"
            message += _quote_line(lines, error.began_line - 1)
    for needle, hint in _YAML_HINTS:
        if needle in error.problem:
            message += "\n" + hint
    return message
