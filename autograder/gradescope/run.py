"""`autograder grade` (what `run_autograder` runs): grade one submission and
write Gradescope's results.json.

    autograder grade                       # on Gradescope: /autograder/submission -> /autograder/results/results.json
    autograder grade --submission PATH [--results FILE] [--spec SPEC]
                     [--student EMAIL | --metadata submission_metadata.json]

PATH is a submission folder or an answer sheet. Off Gradescope, results.json
is written where --results says, or else as results.json in the current
folder (and the summary says where); nothing is written under /autograder.

When the spec gives every student their own numbers (a `family`), the
submission is graded against its submitter's variant: on Gradescope from
/autograder/submission_metadata.json, locally from --student or --metadata.
Without either, the spec's base configuration is used and the results say so.

Exit codes: 0 graded (a bad submission is graded too, with messages);
1 the autograder could not grade (internal error, a broken spec, results.json
not writable; results.json says so where it can be written); 2 a usage error
(a submission path that does not exist, no submission off Gradescope).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from autograder.gradescope.results import (GRADESCOPE_METADATA, GRADESCOPE_RESULTS, GRADESCOPE_SUBMISSION,
                                Results, ResultsWriteError, failure_results, write_results)
from autograder.assignment.spec import DEFAULT_SPEC, SpecError, load_spec, spec_for_student
from autograder.submission.submitter import NotAnEmail, group_email, normalized_email

EXIT_GRADED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None, prog: str = "autograder grade") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submission", type=Path,
                        help="submission folder or answers.yaml (default on Gradescope: %s)"
                        % GRADESCOPE_SUBMISSION)
    parser.add_argument("--results", type=Path,
                        help="where to write results.json (default: %s on Gradescope, "
                             "else ./results.json)" % GRADESCOPE_RESULTS)
    parser.add_argument("--spec", type=Path, default=Path(os.environ.get("AUTOGRADER_SPEC", DEFAULT_SPEC)),
                        help="assignment spec (default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="print no summary table")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--student", metavar="EMAIL",
                     help="grade against this student's variant (a spec with a family)")
    who.add_argument("--metadata", type=Path, metavar="FILE",
                     help="Gradescope's submission_metadata.json, whose users decide the variant "
                          "(default on Gradescope: %s)" % GRADESCOPE_METADATA)
    args = parser.parse_args(argv)
    if args.student is not None:
        try:
            normalized_email(args.student)
        except NotAnEmail as error:
            parser.error(f"--student: {error}")
    if args.metadata is not None and not args.metadata.is_file():
        parser.error(f"--metadata {args.metadata}: no such file")
    on_gradescope = (args.submission is None and args.results is None
                     and GRADESCOPE_SUBMISSION.parent.is_dir())  # /autograder exists
    if args.submission is None and not on_gradescope:
        parser.error(f"give --submission PATH (this is not Gradescope: {GRADESCOPE_SUBMISSION.parent} "
                     "does not exist)")
    if args.submission is not None and not os.path.lexists(args.submission):
        parser.error(f"--submission {args.submission}: no such file or folder")
    submission = (args.submission or GRADESCOPE_SUBMISSION).absolute()
    default_results = GRADESCOPE_RESULTS if on_gradescope else Path("results.json")
    results_path = (args.results or default_results).absolute()
    started = time.perf_counter()
    try:
        metadata_path = args.metadata or (GRADESCOPE_METADATA if on_gradescope else None)
        results, code = grade_submission(submission, args.spec, on_gradescope=on_gradescope,
                                         started=started, student=args.student,
                                         metadata_path=metadata_path)
    except Exception:  # the autograder's own failure: say so, never a silent 0
        traceback.print_exc()
        print("autograder grade: the autograder failed on this submission (traceback above); "
              "results.json says so and gives no grade", file=sys.stderr)
        results, code = failure_results(
            "The autograder hit an internal error while grading this submission.",
            execution_time=time.perf_counter() - started), EXIT_FAILED
    try:
        write_results(results, results_path)
    except ResultsWriteError as error:
        print(f"autograder grade: cannot write results: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(summary(results, results_path))
    return code


def grade_submission(submission: Path, spec_path: Path, *, on_gradescope: bool,
                     started: float, student: str | None = None,
                     metadata_path: Path | None = None) -> tuple[Results, int]:
    """Results for one submission and the exit code they deserve: graded
    against the submitter's variant when the spec has a family (the
    student's email, else the metadata's users by the family's group rule)."""
    from autograder.grading.pipeline import grade_submission as grade_one
    from autograder.assignment.prepared import load_or_prepare

    try:
        spec = load_spec(spec_path)
    except SpecError as error:
        print(f"autograder grade: {error}", file=sys.stderr)
        return failure_results("The autograder's assignment spec is missing or broken: "
                               f"{error}", execution_time=time.perf_counter() - started), EXIT_FAILED
    metadata, metadata_status = (_read_metadata(metadata_path) if metadata_path is not None
                                 else (None, None))
    if spec.family is not None:
        email = student or (group_email(_user_emails(metadata), spec.family.group)
                            if metadata is not None else None)
        if email is not None:
            spec = spec_for_student(spec, email)
    elif student is not None:
        print(f"autograder grade: note: {spec.path.name} gives every student the same numbers; "
              "--student changes nothing", file=sys.stderr)
    results = grade_one(spec, load_or_prepare(spec), submission, started=started).results
    if metadata_path is not None:
        results.extra_data["submission_metadata"] = (
            {"status": "read", "id": _plain(metadata.get("id")),
             "created_at": _plain(metadata.get("created_at"))}
            if metadata is not None else {"status": metadata_status})
    return results, EXIT_GRADED


#: Characters of a metadata value copied into results.json.
METADATA_VALUE_CHARS = 100


def _plain(value: object) -> str | int | None:
    """A metadata value as results.json may hold it: text (cut short) or an
    integer; anything else (NaN, which no JSON may hold, a nested object)
    is None, so a strange metadata file can never stop results.json being written."""
    if isinstance(value, str):
        return value[:METADATA_VALUE_CHARS]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**18:
        return value
    return None


def _read_metadata(path: Path) -> tuple[dict | None, str]:
    """Gradescope's submission_metadata.json and "read", or None and why
    ("missing", "unreadable"; with a note): the submission is still graded."""
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"autograder grade: note: {path} is missing; grading without it", file=sys.stderr)
        return None, "missing"
    except (OSError, ValueError, RecursionError) as error:  # RecursionError: nested too deeply
        print(f"autograder grade: note: {path} is unreadable ({error}); grading without it",
              file=sys.stderr)
        return None, "unreadable"
    if not isinstance(metadata, dict):
        print(f"autograder grade: note: {path} is not a JSON object; grading without it",
              file=sys.stderr)
        return None, "unreadable"
    return metadata, "read"


def _user_emails(metadata: dict) -> list:
    """The emails of the submission's users (a group has several)."""
    users = metadata.get("users")
    if not isinstance(users, list):
        return []
    return [user.get("email") for user in users if isinstance(user, dict)]


def summary(results: Results, path: Path) -> str:
    """A plain table of the tests, for a terminal."""
    rows = [("#", "item", "score", "outcome")]
    for test in results.tests:
        outcome = test.tags[1] if len(test.tags) > 1 else test.resolved_status
        if "not for credit" in test.tags[2:]:
            outcome += " (not for credit)"
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
