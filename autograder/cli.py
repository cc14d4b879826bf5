"""`run_autograder`: grade one submission and write Gradescope's results.json.

    run_autograder                      # on Gradescope: /autograder/submission -> /autograder/results/results.json
    run_autograder --submission PATH --results FILE [--spec SPEC]

PATH is a submission folder or an answer sheet. A summary table is printed.

Exit codes: 0 graded (a bad submission is graded too, with messages);
1 the autograder failed on this submission (results.json says so);
2 wrong arguments; 3 results.json could not be written; 4 the assignment
spec is missing or broken (results.json says so).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from autograder.results import (GRADESCOPE_METADATA, GRADESCOPE_RESULTS, GRADESCOPE_SUBMISSION,
                                Results, ResultsWriteError, failure_results, write_results)
from autograder.spec import DEFAULT_SPEC, SpecError, load_spec

EXIT_GRADED, EXIT_FAILED, EXIT_USAGE, EXIT_UNWRITABLE, EXIT_BAD_SPEC = 0, 1, 2, 3, 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="run_autograder", description="Grade an HW3 answer sheet and write results.json.",
        epilog="With no arguments it behaves as on Gradescope.")
    parser.add_argument("--submission", type=Path, help="submission folder or answers.yaml")
    parser.add_argument("--results", type=Path, help="where to write results.json")
    parser.add_argument("--spec", type=Path, default=Path(os.environ.get("AUTOGRADER_SPEC", DEFAULT_SPEC)),
                        help="assignment spec (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="print no summary table")
    args = parser.parse_args(argv)
    on_gradescope = args.submission is None and args.results is None
    submission = (args.submission or GRADESCOPE_SUBMISSION).absolute()
    results_path = (args.results or GRADESCOPE_RESULTS).absolute()
    started = time.perf_counter()
    try:
        results, code = grade_submission(submission, args.spec, on_gradescope=on_gradescope,
                                         started=started)
    except Exception:  # the autograder's own failure: say so, never a silent 0
        traceback.print_exc()
        print("run_autograder: the autograder failed on this submission (traceback above); "
              "results.json says so and gives no grade", file=sys.stderr)
        results, code = failure_results(
            "The autograder hit an internal error while grading this submission.",
            execution_time=time.perf_counter() - started), EXIT_FAILED
    try:
        write_results(results, results_path)
    except ResultsWriteError as error:
        print(f"run_autograder: cannot write results: {error}", file=sys.stderr)
        return EXIT_UNWRITABLE
    if not args.quiet:
        print(summary(results, results_path))
    return code


def grade_submission(submission: Path, spec_path: Path, *, on_gradescope: bool,
                     started: float) -> tuple[Results, int]:
    """Results for one submission and the exit code they deserve."""
    from autograder.grading import grade_submission as grade_one
    from autograder.prepared import load_or_prepare

    try:
        spec = load_spec(spec_path)
    except SpecError as error:
        print(f"run_autograder: {error}", file=sys.stderr)
        return failure_results("The autograder's assignment spec is missing or broken: "
                               f"{error}", execution_time=time.perf_counter() - started), EXIT_BAD_SPEC
    results = grade_one(spec, load_or_prepare(spec), submission, started=started).results
    if on_gradescope:
        results.extra_data["submission_metadata"] = _metadata_summary()
    return results, EXIT_GRADED


def _metadata_summary() -> dict:
    """What Gradescope says about the submission, if it says anything."""
    try:
        metadata = json.loads(GRADESCOPE_METADATA.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"run_autograder: note: {GRADESCOPE_METADATA} is missing; grading without it",
              file=sys.stderr)
        return {"status": "missing"}
    except (OSError, ValueError) as error:
        print(f"run_autograder: note: {GRADESCOPE_METADATA} is unreadable ({error}); "
              "grading without it", file=sys.stderr)
        return {"status": "unreadable"}
    return {"status": "read", "id": metadata.get("id"),
            "created_at": metadata.get("created_at")}


def summary(results: Results, path: Path) -> str:
    """A plain table of the tests, for a terminal."""
    rows = [("#", "item", "score", "outcome")]
    for test in results.tests:
        outcome = test.tags[1] if len(test.tags) > 1 else test.resolved_status
        rows.append((test.number, test.name.split(" ", 1)[-1][:58],
                     f"{test.score:g}/{test.max_score:g}", outcome))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    total = sum(t.score for t in results.tests) if results.score is None else results.score
    possible = sum(t.max_score for t in results.tests)
    lines.append(f"\nTotal: {total:g}/{possible:g}   results: {path}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
