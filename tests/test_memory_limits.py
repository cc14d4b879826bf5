"""Every hostile sheet is graded within Gradescope's 768 MB.

Each sheet goes through the real `./run_autograder` in a shell whose
address space is limited (`ulimit -v 786432`, Gradescope's default memory),
and must exit 0 with a valid results.json. Before the text budget, the alias
bombs below built a ~1 GB answer from a 146 KB sheet: "the autograder
failed" for the student, no grade at all.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.assignment.prepared import load_or_prepare
from autograder.submission.sheet import MAX_SHEET_TEXT_CHARS, load_sheet
from autograder.assignment.spec import load_spec
from results_schema import validate_results_file
from test_grading import HOSTILE
from test_parsers import HOSTILE as HOSTILE_ANSWERS

ROOT = Path(__file__).resolve().parent.parent
GRADESCOPE_MEMORY_KB = 786_432  # 768 MB, as `ulimit -v` counts
BIG = "A" * 110_000  # one 110 KB string, repeated by aliases


def aliased_list(count: int) -> str:
    """9,000 aliases of one 110 KB string in a list: 146 KB of YAML, ~1 GB joined."""
    return f"x: &x {BIG}\nq2:\n  b: [" + ", ".join(["*x"] * count) + "]\n"


def aliased_mapping(count: int) -> str:
    """The same through a mapping, which is rendered as {key: value} text."""
    return f"x: &x {BIG}\nq2:\n  b: {{" + ", ".join(f"k{n}: *x" for n in range(count)) + "}\n"


def aliased_twice(outer: int, inner: int) -> str:
    """An anchored list of aliases, aliased again: few aliases, much text."""
    return (f"x: &x {BIG}\nl: &l [" + ", ".join(["*x"] * inner) + "]\n"
            "q2:\n  b: [" + ", ".join(["*l"] * outer) + "]\n")


def aliased_keys(count: int) -> str:
    """The big string as keys (`? *x`), nested under every item."""
    return f"x: &x {BIG}\nq2:\n  b:\n" + "".join(f"    ? *x\n    : {n}\n" for n in range(count))


ALIAS_TEXT_BOMBS = {
    "aliases of a long text in a list": aliased_list(9_000),
    "aliases of a long text in a mapping": aliased_mapping(4_900),
    "aliases of an aliased list": aliased_twice(90, 100),
    "aliases of a long text as keys": aliased_keys(3_000),
    "aliases of a long text, pure-Python loader (a tab)": aliased_list(9_000).replace("q2:", "q2:  # a tab:\t", 1),
    "long text aliased into every item": f"x: &x {BIG}\n" + "".join(
        f"q{q}:\n" + "".join(f"  {letter}: [*x, *x, *x, *x, *x, *x, *x, *x]\n" for letter in "abcdefghi")
        for q in (1, 2, 3)),
}

def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def hostile_answers_in_every_item() -> str:
    """The parsers' hostile answers (tests/test_parsers.py), spread over every item."""
    answers = [text for text in HOSTILE_ANSWERS if len(text) < 100_000]
    sheet: dict = {}
    for index, item in enumerate(load_spec().items):
        *parents, last = item.key.split(".")
        node = sheet
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = answers[index % len(answers)]
    return yaml.safe_dump(sheet, width=1_000_000)


SHEETS = {**HOSTILE, **ALIAS_TEXT_BOMBS,
          "billion laughs": billion_laughs(),
          "3,000 aliases of a small anchor": "base: &x [a, b, c, d]\nuses: [" + ", ".join(["*x"] * 3000) + "]\n",
          "hostile answers in every item": hostile_answers_in_every_item(),
          "4,900 duplicated keys": "q2:\n" + "  b: 9\n" * 4_900,
          "a 900 KB key above 9,000 keys": "? " + "k" * 900_000 + "\n:\n" + "".join(
              f"  k{n}: 1\n" for n in range(9_000)),
          "100 KB answers in many items": "q2:\n" + "".join(
              f"  {letter}: {'7' * 100_000}\n" for letter in "abcdefghi")}


@pytest.fixture(scope="module", autouse=True)
def references_prepared():
    """Prove the references beforehand: proving imports numpy and SymPy,
    which is setup.sh's work, not a graded run's."""
    load_or_prepare(load_spec())


def grade_with_memory_limit(sheet: str | bytes, folder: Path) -> subprocess.CompletedProcess:
    folder.mkdir()
    data = sheet.encode("utf-8") if isinstance(sheet, str) else sheet
    (folder / "answers.yaml").write_bytes(data)
    command = " ".join(shlex.quote(part) for part in (
        str(ROOT / "run_autograder"), "--submission", str(folder),
        "--results", str(folder / "results.json"), "--quiet"))
    return subprocess.run(["bash", "-c", f"ulimit -v {GRADESCOPE_MEMORY_KB}; exec {command}"],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "AUTOGRADER_VENV": sys.prefix})


def test_the_bombs_are_real_the_old_grader_would_have_built_a_gigabyte():
    """What the sheets expand to, counted without building it."""
    assert len(aliased_list(9_000)) < 150_000
    assert 9_000 * len(BIG) > 900_000_000 > 100 * MAX_SHEET_TEXT_CHARS


def test_the_memory_limit_is_real(tmp_path):
    """A child that allocates a gigabyte fails under the same limit."""
    completed = subprocess.run(["bash", "-c", f"ulimit -v {GRADESCOPE_MEMORY_KB}; exec "
                                f"{shlex.quote(sys.executable)} -I -c 'bytearray(1 << 30)'"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode != 0 and "MemoryError" in completed.stderr


@pytest.mark.parametrize("name", list(SHEETS))
def test_every_hostile_sheet_is_graded_within_768_mb(tmp_path, name):
    completed = grade_with_memory_limit(SHEETS[name], tmp_path / "submission")
    assert completed.returncode == 0, completed.stderr[-2000:]
    results = tmp_path / "submission" / "results.json"
    validate_results_file(results)
    assert "Traceback" not in completed.stderr


@pytest.mark.parametrize("name", list(ALIAS_TEXT_BOMBS))
def test_an_alias_text_bomb_is_refused_with_a_message(tmp_path, name):
    completed = grade_with_memory_limit(ALIAS_TEXT_BOMBS[name], tmp_path / "submission")
    assert completed.returncode == 0, completed.stderr[-2000:]
    document = json.loads((tmp_path / "submission" / "results.json").read_text(encoding="utf-8"))
    assert "No readable answer sheet" in document["output"]
    assert "repeat text" in document["output"] and "write each answer out" in document["output"]
    assert all(test["score"] == 0 for test in document["tests"])


def test_text_repeated_by_aliases_within_the_budget_is_still_read(tmp_path):
    """The budget refuses expansion, not aliases: a few aliases of a short
    answer read as before."""
    sheet = tmp_path / "answers.yaml"
    sheet.write_text("shared: &side 28\nq2:\n  a: [*side, *side, 3]\n", encoding="utf-8")
    assert load_sheet(sheet, root=tmp_path).get("q2.a") == "28, 28, 3"
