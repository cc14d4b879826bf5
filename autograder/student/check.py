"""`autograder check`: the students' self-check, run from the repository.

    autograder check [SHEET] [--email EMAIL ...] [--spec SPEC] [--debug]

Students run `check.py` from their bundle; TAs and instructors reach the same
code through this subcommand, so both read a sheet exactly alike. Every
option of check.py passes through as it is: `--email` prints a student's
numbers, writes their own answer sheet where there is none and checks the
sheet against their numbers (a spec with a family: every student their own
numbers); `--debug` shows the traceback of a failure. `--spec` (here only)
checks against another spec than the default one, as a bundle built for
it would. check.py's own exit statuses tell a student which kind of problem
they have; here they are folded into the statuses every `autograder`
subcommand shares.
"""
from __future__ import annotations

import argparse
import importlib.util
from pathlib import Path

CHECKER = Path(__file__).resolve().parents[2] / "student_template" / "check.py"


def _spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", type=Path,
                        help="check against this spec's items, as a student bundle built for it "
                             "would (default: the bundle's own items)")


def main(argv: list[str] | None = None, prog: str = "autograder check") -> int:
    spec_option = argparse.ArgumentParser(prog=prog, add_help=False)
    _spec_option(spec_option)
    known, passed_on = spec_option.parse_known_args(argv)
    manifest = None
    if known.spec is not None:
        from autograder.assignment.spec import load_spec
        from autograder.build.artifacts import item_manifest

        manifest = item_manifest(load_spec(known.spec))
    spec = importlib.util.spec_from_file_location("autograder_student_check", CHECKER)
    checker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(checker)
    status = checker.main(passed_on, manifest, prog, _spec_option)
    if status == checker.EXIT_INTERRUPTED:
        return status
    if status in (checker.EXIT_CLEAN, checker.EXIT_FIX):
        return 0  # the check ran; its report says what to fix
    if status in (checker.EXIT_USAGE, checker.EXIT_UNREADABLE):
        return 2  # no sheet at that path, or one that cannot be opened: a usage error
    return 1  # the check itself could not run
