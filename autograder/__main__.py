"""`autograder` (the console script) and `python -I -m autograder`: grade one
submission as `run_autograder` does.

A placeholder for the subcommand front end; the console script is the
isolated way in: its `sys.path` starts at the virtualenv's `bin/`, never at
the current folder, so a downloaded submission's `json.py` is not imported.
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from autograder.cli import main as grade
    return grade(argv)


if __name__ == "__main__":
    raise SystemExit(main())
