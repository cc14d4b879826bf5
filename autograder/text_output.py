"""Text on its way out: the end of every subcommand that produces one text
(`autograder sheet`, `autograder key`), written to `--output` or printed, and
any text made writable as UTF-8 (`encodable`).

One helper, so every such subcommand behaves alike: the folder of `--output`
is created when missing, and a path that cannot be written is one line on
stderr with exit 1 ("the grader could not do the job": output that could not
be written, as `autograder/__main__.py` defines the exit codes), never a
traceback.
"""
from __future__ import annotations

import sys
from pathlib import Path

EXIT_DONE, EXIT_FAILED = 0, 1


def write_or_print(text: str, output: Path | None, prog: str) -> int:
    """Write `text` to `output` (creating its folder), or to stdout when
    `output` is None; the exit code for the subcommand `prog`."""
    if output is None:
        sys.stdout.write(text)
        return EXIT_DONE
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        print(f"{prog}: cannot write {output}: {reason}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_DONE


def encodable(text: str) -> str:
    """`text` as UTF-8 can carry it: a lone surrogate (from a YAML escape or a
    file name that is not UTF-8) becomes its `\\udcff` escape."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text
