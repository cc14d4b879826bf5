"""The one YAML loading path (autograder/yaml_loading.py): each way of
reading gives what its caller needs, and every failure is a YAMLReadError
that says where."""
from __future__ import annotations

import datetime
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from autograder import yaml_loading
from autograder.yaml_loading import (Budget, YAMLReadError, compose_text_only,
                                     load_gradescope_metadata, load_typed)

ROOT = Path(__file__).resolve().parent.parent
BUDGET = Budget(nodes=50, text_chars=200, depth=5)

#: Texts the spec reader must read exactly as yaml.safe_load does, whether
#: libyaml reads them or (a tab, a BOM, '?' in brackets) the pure-Python parser.
TYPED_TEXTS = [
    "a: 1\nb: 2.5\nc: true\nd: no\ne: ~\nf: 1_000\ng: 12:30\n",
    "when: 2025-10-01\nlist: [1, 2, {x: y}]\n",
    "base: &b {side: 28}\nvariant: *b\n",
    "a: 'quoted # not a comment'\nb: |\n  two\n  lines\n",
    "a: x\tweights\n",
    "\ufeffa: 1\n",
    "q: [x?]\n",
    "q: [x?, y]\n",
    "",
    b"a: 1\nb: [2, 3]\n",
]


def _outcome(read, text, error_type):
    try:
        return "read", read(text)
    except error_type:
        return "refused", None


@pytest.mark.parametrize("text", TYPED_TEXTS)
def test_typed_values_are_what_safe_load_reads(text):
    """The same values, or an error exactly where safe_load has one."""
    assert _outcome(load_typed, text, YAMLReadError) == _outcome(yaml.safe_load, text, yaml.YAMLError)


def test_typed_values_keep_their_types():
    loaded = load_typed("n: 12\nx: 1.5\nflag: yes\nday: 2025-10-01\n")
    assert loaded == {"n": 12, "x": 1.5, "flag": True, "day": datetime.date(2025, 10, 1)}


@pytest.mark.parametrize("text, line, column", [
    ("assignment: x\nitems: [1,\n", 3, 1),
    ("a: 1\n  b: 2\n", 2, 4),
    ("a: [1, 2\nb: 3\n", 2, 2),
])
def test_a_syntax_error_says_its_line_and_column(text, line, column):
    with pytest.raises(YAMLReadError) as caught:
        load_typed(text)
    error = caught.value
    assert (error.line, error.column, error.refused) == (line, column, False)
    assert str(error).endswith(f" at line {line}, column {column}")
    assert "\n" not in str(error)


def test_a_control_character_is_named_with_its_line():
    with pytest.raises(YAMLReadError) as caught:
        load_typed("a: 1\nb: x\x07y\n")
    assert (caught.value.character, caught.value.line) == (0x07, 2)


@pytest.mark.parametrize("text, expected", [
    ("q: 12:30\nr: no\ns: 1_000\nt: 0x1F\n",
     {"q": "12:30", "r": "no", "s": "1_000", "t": "0x1F"}),
    ("q: ~\nr:\ns: null\nt: 'null'\n", {"q": None, "r": None, "s": None, "t": "null"}),
])
def test_text_only_keeps_every_scalar_as_typed(text, expected):
    node = compose_text_only(text, BUDGET)
    values = {key.value: (None if value.tag == yaml_loading.NULL_TAG else value.value)
              for key, value in node.value}
    assert values == expected


@pytest.mark.parametrize("text, reason", [
    ("q: !!python/object:os.system x\n", "the YAML tag '!!python/object:os.system' is not allowed"),
    ("a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a, *a]\n", "more than 50 values"),
    ("a: &a " + "x" * 150 + "\nb: *a\n", "more than 200 characters"),
    ("a: [[[[[[1]]]]]]\n", "nested more than 5 levels deep"),
])
def test_text_only_refuses_what_the_budget_or_policy_does_not_allow(text, reason):
    with pytest.raises(YAMLReadError) as caught:
        compose_text_only(text, BUDGET)
    assert caught.value.refused and reason in caught.value.problem
    assert caught.value.line is not None


METADATA = b"""\
submission_7:
  :submitters:
  - :name: Ada
    :sid: '1'
  :created_at: 2020-11-15 17:04:24.043103000 Z
  :score: !ruby/object:BigDecimal 18:0.2467E3
  :status: processed
  :history:
  - :score: 1
  :results: !ruby/hash-with-ivars:ActiveSupport::HashWithIndifferentAccess
    elements:
      tests: []
"""


def test_metadata_keeps_timestamps_as_text_and_big_decimals_exact():
    loaded = load_gradescope_metadata(METADATA, frozenset({"submitters", "created_at", "score"}))
    entry = loaded["submission_7"]
    assert entry == {"submitters": [{"name": "Ada", "sid": "1"}],
                     "created_at": "2020-11-15 17:04:24.043103000 Z", "score": Decimal("246.7")}


def test_metadata_nested_past_the_c_stack_is_a_read_error_not_a_crash():
    """libyaml's compiled composer recurses in C: composing this overflowed
    its stack and killed the process. Run apart, so a crash fails the test."""
    code = ("from autograder.yaml_loading import YAMLReadError, load_gradescope_metadata\n"
            "deep = b'submission_1:\\n  :score: ' + b'[' * 100_000 + b']' * 100_000 + b'\\n'\n"
            "try:\n    load_gradescope_metadata(deep, frozenset({'score'}))\n"
            "except YAMLReadError as error:\n    print('refused:', error)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=20)
    assert done.returncode == 0, (done.returncode, done.stderr[-500:])
    assert done.stdout.startswith("refused: it is nested more than 100 levels deep"), done.stdout


def test_an_integer_past_pythons_digit_limit_costs_only_its_own_value():
    digits = "1" + "0" * 5_000
    loaded = load_gradescope_metadata(f"submission_1:\n  :score: {digits}\n"
                                      "submission_2:\n  :score: 4\n".encode(),
                                      frozenset({"score"}))
    assert loaded == {"submission_1": {"score": digits}, "submission_2": {"score": 4}}


def test_unreadable_metadata_is_a_read_error():
    with pytest.raises(YAMLReadError) as caught:
        load_gradescope_metadata(b"a: [unclosed\n", frozenset({"score"}))
    assert caught.value.line == 2


# ---------------------------------------------------------------- the compiled composer

def _graph(node):
    """A node graph as plain data: kinds, tags, values, styles and places."""
    if node is None:
        return None
    where = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style or None, where)  # libyaml says "" for plain
    if isinstance(node, yaml.SequenceNode):
        return ("sequence", node.tag, node.flow_style, where, [_graph(item) for item in node.value])
    return ("mapping", node.tag, node.flow_style, where,
            [(_graph(key), _graph(value)) for key, value in node.value])


#: Sheets the compiled composer may read: it must give the graph the Python composer gives.
PLAIN_SHEETS = [
    "q1:\n  a: |\n    Two sentences. Here.\n  b: >-\n    folded\n    text\nq2:\n  d: 12*12 = 144\n",
    "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: 'null'\nh: nulls\ni: N\nj: ~x\n",
    "a: [20, 20, 3]\nb: {x: 1, y: [2, {z: 3}]}\nc: -5 x 2\n",
    "a: 28:28\nb: no\nc: 1_000\nd: 0x1F\ne: 1e3\nf: \"quoted: yes\"\n",
    "- 1\n- - 2\n  - 3\n",
    "a: O(N^2)   # a comment\nb: '#not a comment'\n",
    "",
    "just text\n",
]


@pytest.mark.parametrize("text", PLAIN_SHEETS)
def test_the_compiled_composer_reads_as_the_python_composer(text):
    budget = Budget(nodes=1_000, text_chars=10_000, depth=10)
    node, compiled = yaml_loading._compiled_node(text, budget)
    assert compiled
    slow, _ = yaml_loading._fast_node(yaml_loading._FastTextOnlyLoader, text, budget)
    pure = yaml_loading._TextOnlyLoader(text, budget).get_single_node()
    assert _graph(node) == _graph(slow) == _graph(pure)


@pytest.mark.parametrize("text, why", [
    ("a: &x 1\nb: *x\n", "an anchor and an alias"),
    ("a: &x [1, 2]\n", "an anchor alone"),
    ("a: !!str 12\n", "a tag"),
    ("a: !custom {b: 1}\n", "a tag on a collection"),
    ("a: " + "[" * 6 + "1" + "]" * 6 + "\n", "nesting past the budget"),
    ("a: [" + ", ".join("1" for _ in range(60)) + "]\n", "more values than the budget"),
    ("a: " + "x" * 300 + "\n", "more text than the budget"),
    ("a: [1, 2\n", "a syntax error"),
    ("a:\tb\n", "a tab, which libyaml reads otherwise"),
])
def test_what_the_policy_must_judge_is_never_composed_in_c(text, why):
    assert yaml_loading._compiled_node(text, BUDGET) == (None, False), why


def test_nesting_far_past_any_stack_is_refused_not_crashed():
    deep = "a: " + "[" * 200_000 + "]" * 200_000 + "\n"
    with pytest.raises(YAMLReadError, match="nested more than 5 levels"):
        compose_text_only(deep, BUDGET)


def test_the_characters_libyaml_reads_otherwise_are_pyyamls_unprintable_ones_tab_and_bom():
    """The one-class pattern must refuse exactly what PyYAML's reader calls
    unprintable, plus tab and U+FEFF, on every code point."""
    from yaml.reader import Reader
    expected = {code for code in range(0x110000)
                if Reader.NON_PRINTABLE.match(chr(code)) or chr(code) in "\t\ufeff"}
    found = {code for code in range(0x110000)
             if not yaml_loading._libyaml_reads_alike(chr(code))}
    assert found == expected


@pytest.mark.parametrize("text, alike", [
    ("a: |#\n  x\n", False),
    ("a: >-#\n  x\n", False),
    ("a: |+2#\n  x\n", False),
    ("a: |\n  x # not a header\n", True),
    ("a: O(n) > O(1) # a comment\n", True),
    ("a: 1 | 2 # pipes and a comment\n", True),
])
def test_a_block_header_followed_by_a_comment_sign_goes_to_the_pure_python_reader(text, alike):
    assert yaml_loading._libyaml_reads_alike(text) is alike
