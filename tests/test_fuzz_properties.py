"""Properties found worth keeping while fuzzing (tools/fuzz.py runs them at scale).

tests/test_parsers.py already proves that every kind's `parse` reads or
refuses any text quickly; these cover what sits around it: the two YAML
loaders behind `read_submission` agree, `escape_markdown`'s fast path
writes what the character-by-character rule says, and any answer in any
blank of a real sheet goes through grading without an internal error and
with a results.json Gradescope can read.
"""
from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograder import yaml_loading
from autograder.submission import sheet
from autograder.gradescope.results import escape_markdown
from conftest import SOLVED, set_answer, solved_answers
from test_parsers import ANY_TEXT

SOLVED_TEXT = SOLVED.read_text(encoding="utf-8")

# ----------------------------------------------------------------------------
# The libyaml loader composes exactly what the pure-Python loader composes


def _tree(node):
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value)
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, tuple(_tree(item) for item in node.value))
    return ("mapping", node.tag, tuple((_tree(k), _tree(v)) for k, v in node.value))


def _composed(loader_class, text: str):
    """("ok", the node graph) or ("error", whether it was refused, the words students would see)."""
    try:
        loader = loader_class(text, sheet.SHEET_BUDGET)
        try:
            return "ok", _tree(loader.get_single_node())
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        return _composed_error(yaml_loading._read_error(error, text), text)
    except yaml_loading.YAMLReadError as error:
        return _composed_error(error, text)


def _composed_error(error: yaml_loading.YAMLReadError, text: str):
    return "error", error.refused, sheet._describe_yaml_error(error, text, "answers.yaml")


_YAML_PIECES = st.sampled_from([
    ": ", ":", "- ", "-", "? ", "&a ", "*a", "&b ", "*b", "!!str ", "!x ", "{", "}", "[", "]",
    ",", "|", ">", "|-", '"', "'", "#", " #", "\n", "\n  ", "\n    ", "  ", " ", "%", "@", "`",
    "---", "...", "~", "null", "\\", "é", "²", "×", "\u2028", "\u00a0", "\ufeff", "9", "x",
    "q2:", "\n  b: ", "&anchor [1, 2]", "*anchor", "{a: 1}", "[[[[1]]]]", "!!python/object:x ",
    "\nbomb: &b [*anchor, *anchor, *anchor, *anchor, *anchor, *anchor, *anchor, *anchor]",
    "\nbig: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]", "[" * 25, "&r [*r]", "!?!", "!:",
])


@st.composite
def damaged_sheets(draw):
    """The solved sheet with YAML syntax inserted, deleted or replaced."""
    text = SOLVED_TEXT
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        position = draw(st.integers(min_value=0, max_value=len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "truncate"]))
        piece = draw(_YAML_PIECES)
        if action == "insert":
            text = text[:position] + piece + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 40)):]
        elif action == "replace":
            text = text[:position] + piece + text[position + len(piece):]
        else:
            text = text[:position]
    return text


SHEET_TEXT = st.one_of(damaged_sheets(), st.text(max_size=300),
                       st.lists(_YAML_PIECES, max_size=40).map("".join))
_SHEETS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


_SLOW = yaml_loading._TextOnlyLoader
_FAST = yaml_loading._FastTextOnlyLoader


def _fast_node(text: str):
    loader = _FAST(text, sheet.SHEET_BUDGET)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


@pytest.mark.skipif(_FAST is None, reason="PyYAML without libyaml")
@_SHEETS
@given(SHEET_TEXT)
def test_every_text_libyaml_composes_otherwise_is_caught_by_a_guard(text):
    """Where libyaml accepts a text and composes something else than the
    pure-Python loader, `compose_text_only` never uses its graph."""
    assume(yaml_loading._libyaml_reads_alike(text))
    fast = _composed(_FAST, text)
    if fast[0] == "ok" and fast != _composed(_SLOW, text):
        assert "?" in text and yaml_loading._question_in_flow(_fast_node(text))


@_SHEETS
@given(SHEET_TEXT)
def test_composing_a_sheet_is_the_pure_python_loaders_result(text):
    """With libyaml or without, `compose_text_only` accepts, refuses and
    composes as the pure-Python loader does (its messages are the ones
    students see)."""
    assert _composed(_Compose, text) == _composed(_SLOW, text)


@pytest.mark.parametrize("text", ["q2:\n  b: 9\tweights\n", "\u2028\ufeff", "q2:\n  b: |#\n",
                                  "q2:\n  b: >-#\n", "q2: [x?]\n", "q2: {x?}\n",
                                  "q2: [28, 28?]\n", "q2: [x?, !!str y]\n", "q2: !?! 9\n"])
def test_what_libyaml_reads_otherwise_is_composed_by_the_pure_python_loader(text):
    """Each case fuzzing found where libyaml composes what the pure-Python
    loader refuses or reads otherwise (see `compose_text_only`)."""
    got = _composed(_Compose, text)
    assert got == _composed(_SLOW, text)
    if _FAST is not None:
        assert _composed(_FAST, text) != got  # what the guards avoid


def test_a_question_mark_outside_brackets_stays_on_the_fast_path():
    text = SOLVED_TEXT.replace("h:\n", "h:\n    note: ?? not sure\n", 1)
    assert "?" in text and "[" in text
    if _FAST is not None:
        node = _fast_node(text)
        assert not yaml_loading._question_in_flow(node)
        assert _composed(_Compose, text) == _composed(_SLOW, text)


class _Compose:
    """`compose_text_only` with a loader's interface, for `_composed`."""

    def __init__(self, text, budget):
        self.text, self.budget = text, budget

    def get_single_node(self):
        return yaml_loading.compose_text_only(self.text, self.budget)

    def dispose(self):
        pass


def test_the_solved_sheet_is_composed_by_libyaml_in_c_when_it_is_there(monkeypatch):
    """A plain sheet (no anchor, alias or tag, shallow) is composed by
    libyaml's compiled composer, the fastest path; the Python composer over
    libyaml's events is not needed."""
    if yaml_loading._CComposer is None:
        pytest.skip("PyYAML without libyaml")
    used = []
    for loader, name in ((yaml_loading._CComposer, "compiled"), (_FAST, "events")):
        real = loader.get_single_node

        def spy(self, real=real, name=name):
            used.append(name)
            return real(self)

        monkeypatch.setattr(loader, "get_single_node", spy)
    loaded = sheet.load_sheet(SOLVED, root=SOLVED.parent)
    assert used == ["compiled"] and loaded.get("q2.b") == "3 * 3 = 9"


# ----------------------------------------------------------------------------
# escape_markdown: the fast path writes what the per-character rule says

_SPECIALS = "\\`*_{}[]()#+-.!|~=$"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _reference_escape(text: str, limit: int) -> str:
    """escape_markdown's documented rule, one character at a time."""
    for sequence in ("\r\n", "\r", "\u2028", "\u2029"):
        text = text.replace(sequence, "\n")
    text = "".join(ch for ch in text if ch in "\n\t"
                   or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    omitted = len(text) - limit
    text = text[:limit] if omitted > 0 else text

    def one(ch: str) -> str:
        return _ENTITIES.get(ch) or ("\\" + ch if ch in _SPECIALS else " " if ch == "\t" else ch)

    escaped = "  \n".join("".join(one(ch) for ch in line.lstrip()) for line in text.split("\n"))
    return escaped + (f" … ({omitted} more characters not shown)" if omitted > 0 else "")


_MARKUP = st.text(alphabet=st.sampled_from(list(_SPECIALS + "&<>\t\n\r \x00\x07\x1b\x7f\x85"
                                                  "\u200b\u2028\u202e\ufeffaZ9é²")), max_size=80)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_MARKUP, st.text(max_size=120), ANY_TEXT), st.sampled_from([2000, 0, 3, 17]))
def test_escape_markdown_follows_its_rule_character_by_character(text, limit):
    assert escape_markdown(text, limit=limit) == _reference_escape(text, limit)


# ----------------------------------------------------------------------------
# Any answer in any blank: graded, no internal error, valid results.json

_BLANKS = ["q2.a.output_size", "q2.b", "q2.c", "q2.d", "q2.f.standard",
           "q2.g.multiplications_big_o.standard", "q2.g.jacobian_big_o.fully_connected",
           "q2.g.variable", "q2.h.forward_vs_fully_connected", "q2.h.backward_vs_non_weight_sharing",
           "extra.q2.b", "extra.q2.c.iii.cifar10", "q1.a"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.sampled_from(_BLANKS), st.one_of(ANY_TEXT, st.lists(ANY_TEXT, max_size=3)))
def test_any_answer_in_any_blank_is_graded_without_an_internal_error(grade, key, answer):
    graded = grade(set_answer(solved_answers(), key, answer))  # validates results.json
    assert graded.code == 0
    outcomes = graded.data["extra_data"].get("outcomes", {})
    assert not [k for k, o in outcomes.items() if o.startswith("internal error")], outcomes
    others = [t for t in graded.data["tests"] if t["max_score"] > 0]
    assert sum(t["score"] < t["max_score"] for t in others) <= 1 + (key == "q2.g.variable") * 6


# ----------------------------------------------------------------------------
# The per-process cache of readings keeps nothing but readings


def _traceback_length(error: BaseException) -> int:
    length, tb = 0, error.__traceback__
    while tb is not None:
        length, tb = length + 1, tb.tb_next
    return length


def test_a_cached_parse_error_does_not_grow_with_every_student_who_wrote_it():
    """A class regrade meets 'no idea' hundreds of times: each time is a
    fresh error, not the cached one with one more traceback link each."""
    from autograder.grading import pipeline as grading
    from autograder.answers import ParseError

    lengths = []
    for _ in range(50):
        with pytest.raises(ParseError) as caught:
            grading._parse("number", "no idea, sorry (fuzz cache test)")
        lengths.append(_traceback_length(caught.value))
    assert len(set(lengths)) == 1, lengths


def test_the_reading_cache_keeps_no_parser_alive():
    """Cached errors hold no traceback: each would keep the parser's frames
    and up to 2,000 characters of tokens alive for the life of a worker."""
    import gc

    from autograder.grading import pipeline as grading
    from autograder.answers import ParseError, expression

    answer = "(" * 30 + " no idea " * 200  # long and unreadable: many tokens
    with pytest.raises(ParseError):
        grading._parse("shape", answer)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, expression.Parser)]
