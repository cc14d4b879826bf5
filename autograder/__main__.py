"""The `autograder` command: one subcommand per job, as Otter's CLI has.

    autograder grade     grade one submission and write Gradescope's results.json
    autograder regrade   regrade a whole Gradescope export
    ...                  (`autograder --help` lists them all)

Each subcommand is the `main(argv, prog)` of the module that does the job;
it is imported only when chosen, so `grade` (what `run_autograder` calls on
Gradescope for every submission) pays for no other job's imports.

Exit codes mean the same for every subcommand: 0 done; 1 the grader could
not do the job (a broken spec, an internal error, output that could not be
written; the message says which); 2 a usage error (an unknown option, a path
that does not exist). A spec mistake is one line, never a traceback.
"""
from __future__ import annotations

import importlib
import sys
from typing import NamedTuple

from autograder import __version__

EXIT_DONE, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Subcommand(NamedTuple):
    module: str    # the module whose main(argv, prog) does the job
    summary: str   # one line for `autograder --help`


SUBCOMMANDS = {
    "grade": Subcommand("autograder.gradescope.run", "grade one submission and write Gradescope's results.json"),
    "regrade": Subcommand("autograder.course.regrade",
                          "regrade a Gradescope export: results, gradebook, class report"),
    "check": Subcommand("autograder.student.check",
                        "the student's self-check: how each answer of a sheet is read"),
    "build": Subcommand("autograder.build.artifacts",
                        "build the Gradescope upload zip (with a dry run) or the student bundle"),
    "key": Subcommand("autograder.course.answer_key", "print the answer key of a spec, as Markdown"),
    "verify": Subcommand("autograder.assignment.prepared",
                         "prove a spec's references against the simulation and cache them"),
    "sheet": Subcommand("autograder.assignment.sheet_templates", "write the blank template or the solved sheet of a spec"),
    "synthetic": Subcommand("autograder.course.synthetic",
                            "make a realistic synthetic Gradescope export to try regrade on"),
}


def usage() -> str:
    width = max(map(len, SUBCOMMANDS))
    rows = "\n".join(f"  {name.ljust(width)}  {command.summary}"
                     for name, command in SUBCOMMANDS.items())
    return (f"usage: autograder [--version] [--help] <command> [<args>]\n\n"
            f"The HW3 (CNNs) autograder, version {__version__}.\n\n"
            f"commands:\n{rows}\n\n"
            "`autograder <command> --help` describes one command. Exit codes: 0 done; 1 the "
            "grader could\nnot do the job (the message says why); 2 a usage error.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return EXIT_DONE if args else EXIT_USAGE
    if args[0] == "--version":
        print(f"autograder {__version__}")
        return EXIT_DONE
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"autograder: '{name}' is not a command; `autograder --help` lists them",
              file=sys.stderr)
        return EXIT_USAGE
    return run(name, rest)


def run(name: str, argv: list[str]) -> int:
    """Run one subcommand, turning an instructor's spec mistake into one line."""
    from autograder.assignment.spec import SpecError

    prog = f"autograder {name}"
    try:
        job = importlib.import_module(SUBCOMMANDS[name].module)
        return job.main(argv, prog=prog)
    except SpecError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
