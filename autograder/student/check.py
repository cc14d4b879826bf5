"""`autograder check`: the students' self-check, run from the repository.

Students run `check.py` from their bundle; TAs and instructors reach the same
code through this subcommand, so both read a sheet exactly alike. check.py's
own exit statuses tell a student which kind of problem they have; here they
are folded into the statuses every `autograder` subcommand shares.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

CHECKER = Path(__file__).resolve().parents[2] / "student_template" / "check.py"


def main(argv: list[str] | None = None, prog: str = "autograder check") -> int:
    spec = importlib.util.spec_from_file_location("autograder_student_check", CHECKER)
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    status = checker.main(argv)
    if status == checker.EXIT_INTERRUPTED:
        return status
    if status in (checker.EXIT_CLEAN, checker.EXIT_FIX):
        return 0  # the check ran; its report says what to fix
    if status in (checker.EXIT_USAGE, checker.EXIT_UNREADABLE):
        return 2  # no sheet at that path, or one that cannot be opened: a usage error
    return 1  # the check itself could not run
