"""`autograder check`: the students' self-check, run from the repository.

Students run `check.py` from their bundle; TAs and instructors reach the same
code through this subcommand, so both read a sheet exactly alike.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

CHECKER = Path(__file__).resolve().parent.parent / "student_template" / "check.py"


def main(argv: list[str] | None = None, prog: str = "autograder check") -> int:
    spec = importlib.util.spec_from_file_location("autograder_student_check", CHECKER)
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    return checker.main(argv)
