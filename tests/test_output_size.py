"""A results.json stays under 256 KB whatever the sheet.

Gradescope shows results.json to the student and stores it for every
submission; before the caps, 4,900 duplicated keys made a 3.2 MB file (a
line each). Every list of notes is cut with "… and N more", and every piece
of student text quoted back is cut, so the worst sheets below stay small.
Characters are chosen to grow the most when written: '&' becomes `&amp;`
in Markdown and an emoji becomes 12 bytes of JSON escapes.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.gradescope import run as cli
from autograder.grading import pipeline as grading
from autograder.submission.sheet import MAX_PROBLEMS_LISTED
from results_schema import validate_results_file
from autograder.assignment.spec import load_spec

MAX_RESULTS_BYTES = 256 * 1024
SPEC = load_spec()
KEYS = [item.key for item in SPEC.items]
#: Characters that cost the most once escaped for Markdown and JSON.
COSTLY = ("&", "<", "\U0001F600", "*", "\u202e", "\n")


def as_yaml(tree: dict, depth: int = 0) -> str:
    """Nested mappings whose leaves are YAML text already (quoted scalars, flow lists)."""
    return "".join(f"{'  ' * depth}{key}:\n" + as_yaml(value, depth + 1) if isinstance(value, dict)
                   else f"{'  ' * depth}{key}: {value}\n" for key, value in tree.items())


def long_key(char: str, length: int = 100) -> str:
    """A double-quoted key of about `length` characters (a newline written as \\n)."""
    return '"' + ("k" + char).replace("\n", "\\n") * (length // 2) + '"'


def every_item(answer: str) -> str:
    """`answer` (YAML text) at every item's key."""
    tree: dict = {}
    for key in KEYS:
        *parents, last = key.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = answer
    return as_yaml(tree)


def quoted(char: str, length: int) -> str:
    text = (char * length).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def deep_unknown_keys(char: str, count: int) -> str:
    """`count` unknown keys 18 levels deep under 100-character keys."""
    head = "".join(f"{'  ' * depth}{long_key(char)}:\n" for depth in range(17))
    return head + "".join(f"{'  ' * 17}{long_key(char, 90)[:-1]}{n}\": 1\n" for n in range(count))


def fitting(char: str, share: int, most: int) -> int:
    """How many `char`s each of `share` answers may hold in a 1 MiB sheet."""
    return min(most, 1_000_000 // (share * len(char.encode("utf-8")) + share))


WORST_SHEETS = {
    "4,900 duplicated keys": "q2:\n" + "  b: 9\n" * 4_900,
    "4,900 duplicated long keys, deep": "".join(
        f"{'  ' * depth}{long_key('&')}:\n" for depth in range(17)) + f"{'  ' * 17}{long_key('&')}: 1\n" * 4_900,
    **{f"4,000 unknown long keys ({char!r})": "q9:\n" + "".join(
        f"  {long_key(char, 90)[:-1]}{n}\": 1\n" for n in range(4_000)) for char in COSTLY},
    **{f"unknown keys 18 deep ({char!r})": deep_unknown_keys(char, 3_000) for char in COSTLY},
    **{f"a 2,000-character answer in every item ({char!r})": every_item(quoted(char, 2_000))
       for char in COSTLY},
    **{f"the longest answers that fit, in every item ({char!r})": every_item(
        quoted(char, fitting(char, len(KEYS), 20_000))) for char in COSTLY},
    "unknown words in every item": every_item(quoted("zq" * 10 + " ", 1_900 // 21)),
    "long lists in every item": every_item("[" + ", ".join([quoted("&", 30)] * 60) + "]"),
    "keys without names": "q2:\n" + "  ? [a]\n  : 1\n" * 3_000,
    "keys over 100 characters": "q2:\n" + "".join(
        f"  {long_key(chr(0x1F600 + n % 50), 400)[:-1]}{n}\": 1\n" for n in range(500)),
}


def results_file(sheet: str, folder: Path) -> Path:
    folder.mkdir()
    (folder / "answers.yaml").write_text(sheet, encoding="utf-8")
    results = folder / "results.json"
    assert cli.main(["--submission", str(folder), "--results", str(results), "--quiet"]) == 0
    validate_results_file(results)
    return results


@pytest.mark.parametrize("name", list(WORST_SHEETS))
def test_results_json_stays_under_256_kb(tmp_path, name):
    results = results_file(WORST_SHEETS[name], tmp_path / "submission")
    size = results.stat().st_size
    print(f"{name}: {size:,} bytes")
    assert size < MAX_RESULTS_BYTES, f"{name}: {size:,} bytes"
    document = json.loads(results.read_text(encoding="utf-8"))
    assert "No readable answer sheet" not in document["output"], "the sheet must be read to be a worst case"
    # Each test's share is bounded too, so a spec with more items stays in proportion.
    largest = max(len(json.dumps(test["output"])) for test in document["tests"])
    assert largest <= grading.QUOTED_ANSWER_BYTES + grading.FEEDBACK_BYTES + 600, largest


def test_duplicated_keys_are_listed_then_counted(grade):
    graded = grade("q2:\n" + "  b: 9\n" * 4_900)
    output = graded.data["output"]
    assert output.count("appears more than once") == MAX_PROBLEMS_LISTED
    assert f"and {4_899 - MAX_PROBLEMS_LISTED} more" in output


def test_unknown_keys_are_listed_then_counted(grade):
    graded = grade("q9:\n" + "".join(f"  k{n}: 1\n" for n in range(500)))
    output = graded.data["output"]
    assert "q9\\.k19 and 480 more." in output and "q9\\.k20" not in output


def test_a_key_too_long_to_be_a_question_is_ignored_and_said(grade):
    graded = grade("q2:\n  " + "b" * 101 + ": 9\n")
    assert "a key of 101 characters" in graded.data["output"]
