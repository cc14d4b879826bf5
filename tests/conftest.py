"""Shared helpers: grade a sheet through the real command-line entry point."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

#: A mutation run (tools/mutation_gate.py sets HYPOTHESIS_PROFILE=mutation)
#: runs every property on the same examples for every mutant and keeps no
#: database: an example saved while one test failed would otherwise be
#: replayed for every later mutant, and a flaky property would "kill" them all.
settings.register_profile("mutation", derandomize=True, database=None)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])

from autograder.gradescope import run as cli
from results_schema import validate_results_file

ROOT = Path(__file__).resolve().parent.parent
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"


def solved_answers() -> dict:
    return yaml.safe_load(SOLVED.read_text(encoding="utf-8"))


def set_answer(answers: dict, dotted_key: str, value) -> dict:
    """Replace one answer in a nested sheet (in place; returns the sheet)."""
    *parents, last = dotted_key.split(".")
    node = answers
    for part in parents:
        node = node[part]
    node[last] = value
    return answers


class Graded:
    """A graded submission: the results.json content, the exit code and
    each test by its item key (via extra_data's outcomes)."""

    def __init__(self, data: dict, code: int, stdout: str):
        self.data, self.code, self.stdout = data, code, stdout
        self.tests = {t["number"]: t for t in data["tests"]}

    @property
    def score(self) -> float:
        return self.data["score"] if "score" in self.data else sum(
            t["score"] for t in self.data["tests"])

    @property
    def max_score(self) -> float:
        return sum(t["max_score"] for t in self.data["tests"])

    def lost(self) -> dict:
        """Tests that did not get full marks, by number."""
        return {n: t for n, t in self.tests.items() if t["score"] < t["max_score"]}

    def outcome(self, key: str) -> str:
        return self.data["extra_data"]["outcomes"][key]


@pytest.fixture
def grade(tmp_path, capsys):
    """grade(text_or_dict_or_path, name="answers.yaml", spec=None, options=()) -> Graded;
    `options` are more `autograder grade` arguments (--student EMAIL, ...)."""
    counter = iter(range(10_000))

    def run(sheet, name: str = "answers.yaml", *, spec: Path | None = None,
            options: tuple[str, ...] = ()) -> Graded:
        folder = tmp_path / f"submission{next(counter)}"
        folder.mkdir()
        if isinstance(sheet, dict):
            (folder / name).write_text(yaml.safe_dump(sheet, allow_unicode=True), encoding="utf-8")
        elif isinstance(sheet, bytes):
            (folder / name).write_bytes(sheet)
        elif isinstance(sheet, str):
            (folder / name).write_text(sheet, encoding="utf-8")
        results = folder.parent / f"{folder.name}-results.json"
        args = ["--submission", str(folder), "--results", str(results)]
        if spec is not None:
            args += ["--spec", str(spec)]
        code = cli.main(args + list(options))
        out = capsys.readouterr().out
        validate_results_file(results)
        return Graded(json.loads(results.read_text(encoding="utf-8")), code, out)

    return run
