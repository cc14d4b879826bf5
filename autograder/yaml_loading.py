"""Every YAML text the grader reads is read here, in one of three ways:

- `compose_text_only`: a student's answer sheet. Hostile, so every scalar
  stays the exact text typed (YAML 1.1's implicit typing would turn `12:30`
  into 750, `no` into False, `1_000` into 1000 before a grader saw what was
  written; only an empty value, `~` or `null` is null), a tag is refused,
  and aliases, values and nesting are counted against a `Budget` while the
  document is composed, before any Python object is built.
- `load_typed`: an instructor's spec. Trusted data, so YAML's own typed
  values (numbers, booleans, lists), exactly as PyYAML's `safe_load`.
- `load_gradescope_metadata`: Gradescope's Ruby-flavoured export metadata.
  Ruby's symbol keys lose their colon, timestamps stay text, BigDecimals
  become `Decimal`, any other tag builds the plain value it is written as,
  and only the fields asked for are built.

libyaml's parser (PyYAML's CParser) reads when PyYAML has it, several times
faster; for sheets and specs it is used only where it reads as the
pure-Python parser does, and any error is the pure-Python parser's, so what
is accepted, every message and every line number are the same with or
without libyaml (the student bundle's PyYAML has no libyaml).

Every failure is a `YAMLReadError`: what went wrong, with its line and column.
Nothing here imports anything but the standard library and PyYAML: it ships
in the students' self-check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import (AliasEvent, CollectionStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)
from yaml.nodes import Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver

try:  # libyaml's scanner and parser, when PyYAML was built with it (PyPI's wheels are)
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - a pure-Python PyYAML
    _CParser = None

NULL_TAG = "tag:yaml.org,2002:null"
_NULL_TEXT = re.compile(r"^(?:~|null|Null|NULL|)$")


class YAMLReadError(Exception):
    """Why a YAML text could not be read, and where.

    `line` and `column` count from 1 (None when PyYAML did not say where);
    `began_line` is where the construct with the problem began, when that is
    earlier. `refused` is True for well-formed YAML that the way of reading
    does not accept (a tag in a sheet, an alias bomb, deep nesting);
    `character` is the code point of a control character YAML does not allow.
    """

    def __init__(self, problem: str, line: int | None = None, column: int | None = None, *,
                 began_line: int | None = None, refused: bool = False,
                 character: int | None = None):
        where = (f" at line {line}" if line is not None else "") + \
            (f", column {column}" if line is not None and column is not None else "")
        super().__init__(f"{problem}{where}")
        self.problem = problem
        self.line, self.column, self.began_line = line, column, began_line
        self.refused = refused
        self.character = character


def _read_error(error: Exception, text: str | bytes) -> YAMLReadError:
    """PyYAML's error (or a RecursionError, ValueError, TypeError of its
    constructors) as a YAMLReadError."""
    if isinstance(error, ReaderError):
        before = text[:error.position]
        line = (before.count(b"\n") if isinstance(before, bytes) else before.count("\n")) + 1
        if error.encoding == "unicode":  # a character the YAML reader does not allow
            return YAMLReadError(f"a control character (U+{error.character:04X}) that YAML does not "
                                 "allow", line, character=error.character)
        return YAMLReadError(f"it is not valid {error.encoding} text ({error.reason})", line)
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        problem = ", ".join(part for part in (error.context, error.problem) if part) or "invalid"
        start = error.context_mark
        began = start.line + 1 if start is not None and mark is not None and start.line < mark.line \
            else None
        if mark is None:
            return YAMLReadError(problem)
        return YAMLReadError(problem, mark.line + 1, mark.column + 1, began_line=began)
    if isinstance(error, RecursionError):
        return YAMLReadError("it is nested too deeply to read")
    return YAMLReadError(" ".join(str(error).split()) or type(error).__name__)


def _refusal(reason: str, mark: Optional[yaml.Mark]) -> YAMLReadError:
    return YAMLReadError(reason, mark.line + 1 if mark is not None else None, refused=True)


# --------------------------------------------------------------------------
# Text only, within a budget: answer sheets


@dataclass(frozen=True)
class Budget:
    """What one text-only document may expand to, every alias counted with
    everything it repeats."""

    nodes: int        # values after alias expansion ('billion laughs')
    text_chars: int   # characters of keys and values after alias expansion
    depth: int        # deepest nesting, far from Python's recursion limit

    def too_deep(self, mark: Optional[yaml.Mark]) -> YAMLReadError:
        """The refusal of a value nested deeper than `depth`."""
        return _refusal(f"values are nested more than {self.depth} levels deep", mark)


def _tag_for_display(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class _TextOnlyPolicy:
    """What makes a SafeLoader a text-only loader: scalars kept as text,
    hostile structure refused. Mixed into a loader before its Composer.

    Only the null resolver remains, so a plain scalar is a string unless it
    is empty, ``~`` or ``null``. Composition is where aliases are resolved,
    so that is where tags, alias expansion and nesting are policed, before
    any Python object is built.
    """

    yaml_implicit_resolvers: dict = {}

    def _start_policy(self, budget: Budget) -> None:
        self._budget = budget
        self._nodes_expanded = 0
        self._text_expanded = 0
        self._depth = 0
        self._open_anchors: set = set()
        self._anchor_sizes: dict = {}  # anchor -> (nodes, characters of text) it expands to

    def compose_node(self, parent: Optional[Node], index: object) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self._open_anchors:
                raise _refusal(f"the alias *{event.anchor} refers to a value that contains it "
                               "(a recursive alias)", event.start_mark)
            nodes, text = self._anchor_sizes.get(event.anchor, (1, 0))
            self._count(nodes, text, event.start_mark)
            return super().compose_node(parent, index)
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag is not None:
            raise _refusal(f"the YAML tag '{_tag_for_display(event.tag)}' is not allowed; "
                           "write every answer as plain text", event.start_mark)
        self._depth += 1
        if self._depth > self._budget.depth:
            raise self._budget.too_deep(event.start_mark)
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
        if self._nodes_expanded > self._budget.nodes:
            raise _refusal(f"it expands to more than {self._budget.nodes} values (too many answers, "
                           "or aliases '*name' that repeat large parts of the file)", mark)
        if self._text_expanded > self._budget.text_chars:
            raise _refusal(f"its aliases ('*name') repeat text until the sheet holds more than "
                           f"{self._budget.text_chars:,} characters; write each answer out instead",
                           mark)


class _TextOnlyLoader(_TextOnlyPolicy, yaml.SafeLoader):
    """The pure-Python text-only loader: its errors are the ones students see."""

    def __init__(self, text: str, budget: Budget):
        super().__init__(text)
        self._start_policy(budget)


_TextOnlyLoader.add_implicit_resolver(NULL_TAG, _NULL_TEXT, ["~", "n", "N", ""])

if _CParser is not None:
    class _FastTextOnlyLoader(_TextOnlyPolicy, Composer, _CParser, SafeConstructor, Resolver):
        """The same policy over libyaml's parser: about nine times faster on a
        sheet. Used only where libyaml reads as the pure-Python loader does,
        and only when it succeeds (see `compose_text_only`)."""

        def __init__(self, text: str, budget: Budget):
            _CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self._start_policy(budget)

    _FastTextOnlyLoader.add_implicit_resolver(NULL_TAG, _NULL_TEXT, ["~", "n", "N", ""])
else:  # pragma: no cover - a pure-Python PyYAML
    _FastTextOnlyLoader = None


if _CParser is not None:
    class _CComposer(_CParser, Resolver):
        """libyaml's parser with PyYAML's composer compiled in C, resolving
        only null implicitly, as the text-only loaders do. Used only on a
        document whose events `_needs_no_policy` has checked: it does none
        of the policy's counting itself."""

        yaml_implicit_resolvers: dict = {}

        def resolve(self, kind, value, implicit):
            """Resolver.resolve with only the null resolver registered below,
            without its general lookup, which cost half the composing."""
            if kind is ScalarNode:
                if implicit[0] and (value == "" or value[0] in "~nN") and _NULL_TEXT.match(value):
                    return NULL_TAG
                return self.DEFAULT_SCALAR_TAG
            return super().resolve(kind, value, implicit)

    _CComposer.add_implicit_resolver(NULL_TAG, _NULL_TEXT, ["~", "n", "N", ""])
else:  # pragma: no cover - a pure-Python PyYAML
    _CComposer = None


def _needs_no_policy(text: str, budget: Budget) -> bool:
    """Whether libyaml's events of `text` leave the policy nothing to do: no
    anchor or alias (so nothing repeats), no tag, every value nested within
    the budget's depth (so the compiled composer cannot recurse deeply), and
    the values and their text within the budget. One pass over the events,
    several times cheaper than composing in Python; any error means no."""
    parser = _CComposer(text)
    depth = nodes = characters = 0
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is ScalarEvent:
                if event.anchor is not None or event.tag is not None or depth >= budget.depth:
                    return False
                nodes += 1
                characters += len(event.value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None or event.tag is not None:
                    return False
                depth += 1
                nodes += 1
                if depth > budget.depth:
                    return False
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
            elif kind is AliasEvent:
                return False
            elif kind is StreamEndEvent:
                return nodes <= budget.nodes and characters <= budget.text_chars
            if nodes > budget.nodes or characters > budget.text_chars:
                return False
    except Exception:  # noqa: BLE001 - the slower path reads it again and says why
        return False
    finally:
        parser.dispose()


def _compiled_node(text: str, budget: Budget) -> tuple[Optional[Node], bool]:
    """(libyaml's node graph of `text` composed in C, True) when that is safe
    and reads as the pure-Python loader does, else (None, False)."""
    if _CComposer is None or not _libyaml_reads_alike(text) or not _needs_no_policy(text, budget):
        return None, False
    composer = _CComposer(text)
    try:
        node = composer.get_single_node()
    except Exception:  # noqa: BLE001 - read again by the slower path, in its words
        return None, False
    finally:
        composer.dispose()
    if "?" in text and ("[" in text or "{" in text) and _question_in_flow(node):
        return None, False
    return node, True


#: A character the pure-Python reader refuses (PyYAML's `Reader.NON_PRINTABLE`),
#: a tab or a U+FEFF: the characters libyaml reads otherwise (see
#: `compose_text_only`). One negated class, which is what PyYAML's printable
#: set is with tab and U+FEFF taken out: an alternation of classes searched
#: a sheet four times slower. tests/test_yaml_loading.py checks it against
#: `Reader.NON_PRINTABLE` on every code point.
_LIBYAML_READS_OTHER_CHARACTERS = re.compile(
    "[^\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
#: A block scalar header with '#' right after it (`|#`, `>-#`); each pattern
#: starts with its literal, which the regex engine finds without trying a
#: class at every character.
_COMMENTED_BLOCK_HEADERS = (re.compile(r"\|[-+0-9]*#"), re.compile(r">[-+0-9]*#"))


def _libyaml_reads_alike(text: str) -> bool:
    """Whether `text` has none of the characters libyaml reads otherwise (see `compose_text_only`)."""
    return _LIBYAML_READS_OTHER_CHARACTERS.search(text) is None and \
        not any(pattern.search(text) for pattern in _COMMENTED_BLOCK_HEADERS)


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


def _fast_node(loader_class, text: str, *arguments):
    """(libyaml's node graph of `text`, True) where libyaml reads it as the
    pure-Python parser does, else (None, False): then the pure-Python loader
    reads it again, and its error, if any, is the one raised."""
    if loader_class is None or not _libyaml_reads_alike(text):
        return None, False
    try:
        loader = loader_class(text, *arguments)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - said again by the pure-Python loader, in its words
        return None, False
    if "?" in text and ("[" in text or "{" in text) and _question_in_flow(node):
        return None, False
    return node, True


def compose_text_only(text: str, budget: Budget) -> Optional[Node]:
    """The node graph of a hostile document, every scalar its text, within
    `budget`; None for an empty document. Raises YAMLReadError.

    A plain document (no anchor, alias or tag, nested within the budget,
    its values and text within it: `_needs_no_policy` checks libyaml's
    events) is composed by libyaml's compiled composer, which leaves the
    policy nothing to count. Otherwise libyaml's events are composed with
    the policy in Python when they can be; whenever they cannot (no libyaml, a
    character the pure-Python reader refuses, any YAML error or refusal of
    the policy), the pure-Python loader composes it again and its error is
    the one raised. (A refusal is not raised as libyaml's loader met it:
    libyaml accepts tags such as `!?!` that the pure-Python scanner calls a
    syntax error.)

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
    node, fast = _compiled_node(text, budget)
    if fast:
        return node
    node, fast = _fast_node(_FastTextOnlyLoader, text, budget)
    if fast:
        return node
    try:
        loader = _TextOnlyLoader(text, budget)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _read_error(error, text) from None


# --------------------------------------------------------------------------
# Typed values: the spec


if _CParser is not None:
    class _FastTypedLoader(_CParser, SafeConstructor, Resolver):
        """SafeLoader's typed values over libyaml's parser (yaml.CSafeLoader's bases)."""

        def __init__(self, text: str | bytes):
            _CParser.__init__(self, text)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
else:  # pragma: no cover - a pure-Python PyYAML
    _FastTypedLoader = None


def load_typed(text: str | bytes) -> object:
    """`text` (bytes: UTF-8, or as PyYAML detects) with YAML's typed values,
    exactly as `yaml.safe_load` reads it; libyaml reads it where it reads
    alike, and every error is the pure-Python loader's. Raises YAMLReadError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return _load_typed_pure(text)  # PyYAML says what is wrong with the bytes
    node, fast = _fast_node(_FastTypedLoader, text)
    if not fast:
        return _load_typed_pure(text)
    try:
        return None if node is None else SafeConstructor().construct_document(node)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return _load_typed_pure(text)  # a value libyaml composed but that cannot be built


def _load_typed_pure(text: str | bytes) -> object:
    try:
        loader = yaml.SafeLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        raise _read_error(error, text) from None


# --------------------------------------------------------------------------
# Gradescope's export metadata


if _CParser is not None:
    class _PythonComposedSafeLoader(Composer, yaml.CSafeLoader):  # type: ignore[misc]
        """CSafeLoader with PyYAML's Python composer over libyaml's events."""

        def __init__(self, stream):
            yaml.CSafeLoader.__init__(self, stream)
            Composer.__init__(self)
else:  # pragma: no cover - a pure-Python PyYAML composes in Python already
    _PythonComposedSafeLoader = yaml.SafeLoader


class _MetadataLoader(_PythonComposedSafeLoader):  # type: ignore[misc]
    """A safe loader for Gradescope's Ruby-flavoured YAML.

    It has SafeLoader's constructors (libyaml's parser when installed,
    several times faster on a class's metadata), so nothing is imported or
    called. Ruby's symbol keys (`:name:`) lose their colon; timestamps stay
    the text they are; `!ruby/object:BigDecimal 18:0.9E2` becomes a Decimal;
    any other tag (`!ruby/object:...`, `!!python/object/apply:...`) builds
    the plain string, list or dict it is written as. Aliases become shared
    references, so an alias bomb costs no more than its text.

    The parser's events are composed by PyYAML's Python composer, never
    libyaml's compiled one: that one recurses in C, and a file nested some
    30,000 levels deep overflowed the C stack, a segmentation fault that
    ended the whole regrade. Python's recursion limit makes it an error
    (the metadata is then ignored with a warning), at the same speed: on a
    class of 1,000, building the values is nearly all the time.
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


def _construct_big_decimal(loader: _MetadataLoader, node: yaml.Node) -> Decimal | None:
    """Ruby's BigDecimal dump is `precision:digits`, e.g. `18:0.2467E3`; None
    when the digits are no number."""
    text = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
    try:
        return Decimal(text.rpartition(":")[2].strip())
    except InvalidOperation:
        return None


def _construct_int_or_text(loader: _MetadataLoader, node: yaml.Node) -> int | str:
    """An integer, or its text when it has more digits than Python converts
    (4,300 by default): one such value made the whole file unreadable."""
    try:
        return loader.construct_yaml_int(node)
    except ValueError:
        return loader.construct_scalar(node)


_MetadataLoader.add_constructor("tag:yaml.org,2002:int", _construct_int_or_text)
_MetadataLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                lambda loader, node: loader.construct_scalar(node))
_MetadataLoader.add_constructor("!ruby/object:BigDecimal", _construct_big_decimal)
_MetadataLoader.add_multi_constructor(None, _construct_plain)


class _NeedsWholeDocument(Exception):
    """The metadata is not shaped as expected, or a kept field refers (by
    alias) to a dropped part: it is read whole instead."""


#: Deepest nesting of Gradescope's metadata read (its own is under ten
#: levels). Past it the metadata is refused: libyaml's scanner slows with
#: every level (parsing 100,000 nested brackets took 73 s) and re-emitting
#: them indents each line deeper (10 GB of text), before Python's recursion
#: limit would stop the composer.
MAX_METADATA_DEPTH = 100


def _essential_events(events, fields: frozenset[str]) -> list[yaml.Event]:
    """The parse events of the metadata without the unused fields of each
    submission (the values at depth two whose key is not in `fields`)."""
    kept: list[yaml.Event] = []
    open_collections: list[list] = []  # per open collection: [is_mapping, nodes seen, keep pair]
    anchors: set = set()
    skipping = 0  # nesting depth inside a dropped value
    for event in events:
        if len(open_collections) + skipping > MAX_METADATA_DEPTH:
            raise YAMLReadError(f"it is nested more than {MAX_METADATA_DEPTH} levels deep",
                                event.start_mark.line + 1, refused=True)
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
                    parent[2] = event.value.lstrip(":") in fields
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


def _used_lines(text: str, fields: frozenset[str]) -> str:
    """The metadata's text without the unused fields of each submission: a
    line filter on Gradescope's layout (a submission key at column 0, its
    fields at column 2, their values deeper), so the unused fields (each
    submission's previous results and history, most of the file) are never
    parsed. Anything else (a sequence, a comment) is kept; if what is kept
    does not parse alone (an alias into a dropped field),
    `load_gradescope_metadata` falls back to a filter on the parse events."""
    kept = []
    keep = True
    for line in text.splitlines(keepends=True):
        content = line.lstrip(" ")
        indent = len(line) - len(content)
        if not content.strip():
            if keep:
                kept.append(line)
            continue
        if indent == 0:
            keep = True
        elif indent == 2 and not content.startswith(("-", "#")):
            key = content[1:] if content.startswith(":") else content
            keep = key.partition(":")[0].strip().strip("'\"").lstrip(":") in fields
        if keep:
            kept.append(line)
    return "".join(kept)


def load_gradescope_metadata(data: bytes, fields: frozenset[str]) -> object:
    """Gradescope's submission metadata (a mapping of submission folders to
    their fields), building of each submission only `fields`: the others
    (its previous results and every earlier attempt's) are most of the file
    and are dropped unbuilt. Raises YAMLReadError."""
    try:
        try:
            return yaml.load(_used_lines(data.decode("utf-8"), fields),  # noqa: S506 (a safe loader)
                             Loader=_MetadataLoader)
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError, TypeError):
            try:
                essential = yaml.emit(_essential_events(yaml.parse(data, Loader=_MetadataLoader),
                                                        fields))
            except _NeedsWholeDocument:
                essential = data
            return yaml.load(essential, Loader=_MetadataLoader)  # noqa: S506 (a safe loader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        raise _read_error(error, data) from None
