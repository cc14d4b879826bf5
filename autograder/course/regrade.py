"""Regrade a whole class from Gradescope's "Export Submissions" download.

    autograder regrade EXPORT --out DIR [--spec SPEC] [--jobs N]

EXPORT is the export as downloaded (a .zip) or unpacked (a folder): a
`submission_metadata.yml` and one `submission_<id>/` folder per submission,
possibly inside one top folder such as `assignment_123_export/`. DIR gets

    results/<id>.json   each submission's results.json, as `run_autograder` writes it
    gradebook.csv       one row per submission: students, submission time, each
                        question, total, Gradescope's previous score and the difference
    report.html/.md     the class report (see `autograder.course.report`), plots in plots/

Each submission is graded by `autograder.grading.pipeline.grade_submission`, the
function `run_autograder` calls, in a pool of worker processes that load the
spec and the prepared references once. When the spec gives every student
their own numbers (a `family`), each submission is graded against its
submitters' variant, drawn from the emails the export's metadata lists (by
the family's group rule), exactly as `autograder grade --student EMAIL`
grades it; every variant is prepared in the parent before the workers
start. A submission whose submitters have no usable email is graded against
the spec's base configuration, and the gradebook and the report flag it.
The export is read by `autograder.gradescope.export`, graded by the pool of
`autograder.course.grading_pool` and tallied in `autograder.course.gradebook`.

One bad upload costs only itself: an unsafe file name or a file that unpacks
too large is judged per submission (that file is not unpacked, or that
submission is refused, and the gradebook says why); a grader exception or a
hang is that submission's; a worker killed by the system (memory, `kill -9`)
loses only the submission it was grading, which is retried once alone and
then marked "autograder error".

Outputs are written into a staging folder inside DIR and moved into place
(one sync, then atomic renames, the gradebook last) only when the run is
complete; a run in which the autograder failed on some submission never
replaces an earlier gradebook that had no such failure: it is left in
DIR/incomplete-regrade/ instead. Apart from results.json's execution_time, a
second run writes the same bytes.

Exit codes (as every `autograder` subcommand): 0 every submission graded
(one without a readable sheet is graded too, and the gradebook says so); 1
the autograder failed on some submission (their results.json say so), the
spec is missing or broken, or an output could not be written; 2 a usage
error: wrong arguments, or an export that cannot be used.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import TextIO

from autograder.answers.verdict import Verdict
from autograder.assignment.spec import DEFAULT_SPEC, Item, SpecError, load_spec
from autograder.course.gradebook import GRADEBOOK_FILE, gradebook
from autograder.course.grading_pool import Grading, Job, Outcome, Progress, grade_all, load_grading
from autograder.course.report_model import (FAILED, GRADED, NO_SHEET, GradeChange,
                                            SubmissionGrades, VariantFacts, reference_of)
from autograder.course.report_output import write_report, write_text_atomically
from autograder.gradescope.export import (MAX_SUBMISSION_BYTES, METADATA_FILE, ExportedSubmission,
                                          ExportError, find_export_root, folder_submissions,
                                          index_zip_export, list_submissions, read_metadata,
                                          read_metadata_file)
from autograder.gradescope.results import fsync_folder
from autograder.gradescope.run import EXIT_FAILED, EXIT_GRADED, EXIT_USAGE
from autograder.grading.pipeline import ItemGrade

#: Where a run that must not replace the earlier outputs leaves its own.
HELD_BACK_FOLDER = "incomplete-regrade"


# --------------------------------------------------------------------------
# Outputs


def _report_view(submission: ExportedSubmission, outcome: Outcome,
                 items_by_key: dict[str, Item]) -> SubmissionGrades:
    """A submission as the report sees it, its answers matched with the items
    of the variant it was graded against."""
    grades = tuple(ItemGrade(items_by_key[key], answer, _verdict(credit, read, result))
                   for key, answer, credit, read, result in outcome.answers)
    return SubmissionGrades(outcome.submission_id, outcome.status, grades, outcome.scores,
                            outcome.total, outcome.max_scores,
                            students=_students(submission), variant=outcome.variant,
                            written_for=outcome.written_for)


@lru_cache(maxsize=65_536)
def _verdict(credit: float, read: str, label: str) -> Verdict:
    """`Verdict.from_label`, once per distinct verdict of a class (verdicts
    are immutable; most students' are one of a few per item)."""
    return Verdict.from_label(credit, read, label)


def _students(submission: ExportedSubmission) -> str:
    """Who sent a submission, for the report: names, else emails."""
    return "; ".join(person.name or person.email for person in submission.submitters)


def variant_facts(grading: Grading) -> VariantFacts | None:
    """What the class report needs of the family's variants: each one's
    settings, and each graded item's reference in each variant (by item
    number), so that identical wrong answers are compared across variants
    whose references really differ."""
    if grading.spec.family is None:
        return None
    references = {number: {item.number: reference_of(prepared.item(item.key))
                           for item in spec.items if item.graded}
                  for number, (spec, prepared) in grading.variants.items()}
    return VariantFacts({v.number: v.settings() for v in grading.spec.family.variants},
                        references)


def _change(submission: ExportedSubmission, outcome: Outcome) -> GradeChange:
    return GradeChange(submission.submission_id,
                       "; ".join(person.name for person in submission.submitters),
                       submission.gradescope_score, outcome.previous_total, outcome.total,
                       outcome.changed_items)


def _gradebook_is_complete(path: Path) -> bool:
    """Whether an earlier gradebook exists and graded every submission (no
    row where the autograder failed)."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return all(row.get("status") != FAILED for row in csv.DictReader(handle))
    except OSError:
        return False


def _publish(staging: Path, out: Path) -> None:
    """Move a complete run's outputs from `staging` into `out`: one sync of
    everything written, then a rename per file (each atomic), the gradebook
    last, so a crash leaves every file old or new and the gradebook old
    until all else is in place."""
    os.sync()
    (out / "results").mkdir(exist_ok=True)
    for path in sorted((staging / "results").iterdir()):
        os.replace(path, out / "results" / path.name)
    if (staging / "plots").is_dir():
        (out / "plots").mkdir(exist_ok=True)
        for path in sorted((staging / "plots").iterdir()):
            os.replace(path, out / "plots" / path.name)
    for name in ("report.html", "report.md", GRADEBOOK_FILE):
        os.replace(staging / name, out / name)
    for folder in (out / "results", out):
        fsync_folder(folder)
    shutil.rmtree(staging, ignore_errors=True)


def _hold_back(staging: Path, out: Path) -> Path:
    """Keep a run's outputs apart from the earlier ones, in out/incomplete-regrade/."""
    held = out / HELD_BACK_FOLDER
    shutil.rmtree(held, ignore_errors=True)
    os.sync()
    os.replace(staging, held)
    return held


# --------------------------------------------------------------------------
# The whole run


#: A folder held in memory, where the machine has one (Linux).
RAM_FOLDER = Path("/dev/shm")


def unpacking_folder(jobs: int) -> str | None:
    """Where the workers unpack submissions: a folder held in memory when the
    machine has one with room for each worker's largest allowed submission,
    else the system's temporary folder (None). Creating and removing a
    submission's folders on this project's journaled disk took 6-10 ms a
    submission (1.5 ms to create, the rest to remove), more than grading it;
    in memory, 0.2 ms."""
    try:
        room = shutil.disk_usage(RAM_FOLDER).free
    except OSError:
        return None
    if RAM_FOLDER.is_dir() and os.access(RAM_FOLDER, os.W_OK | os.X_OK) and \
            room > (jobs + 1) * MAX_SUBMISSION_BYTES:
        return str(RAM_FOLDER)
    return None


def regrade(export: Path, out: Path, spec_path: Path, jobs: int,
            progress_stream: TextIO = sys.stderr) -> int:
    """Grade the export into `out`; returns the exit code."""
    try:
        spec = load_spec(spec_path)
        grading = load_grading(spec, sys.stderr)  # every variant proved or read here, once
    except SpecError as error:
        print(f"regrade: {error}", file=sys.stderr)
        return EXIT_FAILED
    with tempfile.TemporaryDirectory(prefix="regrade-", dir=unpacking_folder(jobs)) as scratch:
        try:
            job, found, metadata, warnings, missing = _open(export, Path(scratch), spec_path)
        except ExportError as error:
            print(f"regrade: {error}", file=sys.stderr)
            return EXIT_USAGE
        submissions, listing_warnings = list_submissions(found, metadata, missing)
        anonymous = (sum(1 for s in submissions if grading.variant_of(s.submitters) is None)
                     if spec.family is not None else 0)
        if anonymous:
            listing_warnings.append(
                f"{anonymous} of {len(submissions)} submissions have no submitter with a usable "
                f"email, so they are graded against the base configuration of {spec.path.name}, "
                "not their students' own numbers (variant 'base' in the gradebook)")
        for warning in warnings + listing_warnings:
            print(f"regrade: warning: {warning}", file=sys.stderr)
        try:
            out.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".regrade-", dir=out))
            (staging / "results").mkdir()
        except OSError as error:
            print(f"regrade: cannot write to {out}: {error.strerror}", file=sys.stderr)
            return EXIT_FAILED
        try:
            return _grade_and_write(grading, job, submissions, staging, out, jobs,
                                    progress_stream)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _grade_and_write(grading: Grading, job: Job, submissions: list[ExportedSubmission],
                     staging: Path, out: Path, jobs: int, progress_stream: TextIO) -> int:
    job = Job(job.spec_path, str(staging / "results"), str(out / "results"), job.archive,
               job.prefix_length)
    _warn_about_stale_results(out / "results", submissions)
    started = time.perf_counter()
    workers = max(1, min(jobs, len(submissions)))
    outcomes = grade_all(submissions, job, grading, workers,
                         Progress(len(submissions), progress_stream))
    elapsed = time.perf_counter() - started
    return _write(grading, submissions, outcomes, staging, out, elapsed, workers)


def _write(grading: Grading, submissions: list[ExportedSubmission], outcomes: dict[str, Outcome],
           staging: Path, out: Path, elapsed: float, workers: int) -> int:
    """Write the gradebook and the report, and move them into place."""
    spec = grading.spec
    items_by_key = {variant: {item.key: item for item in grading.against(variant)[0].items}
                    for variant in (None, *grading.variants)}
    failed = sum(1 for outcome in outcomes.values() if outcome.status == FAILED)
    try:
        write_text_atomically(staging / GRADEBOOK_FILE, gradebook(spec, submissions, outcomes),
                              sync=False)
        write_report(spec, [_report_view(s, outcomes[s.submission_id],
                                         items_by_key[outcomes[s.submission_id].variant])
                            for s in submissions], staging,
                     [_change(s, outcomes[s.submission_id]) for s in submissions],
                     sync=False, variants=variant_facts(grading))
        earlier_complete = _gradebook_is_complete(out / GRADEBOOK_FILE)
        if failed and earlier_complete:
            held = _hold_back(staging, out)
            where = held
        else:
            _publish(staging, out)
            where = out
    except OSError as error:
        print(f"regrade: cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    print(_summary(submissions, outcomes, where, elapsed, workers))
    if where != out:
        print(f"The autograder failed on {failed} submission(s), so the earlier gradebook in "
              f"{out}, which graded every submission, was kept; this run's outputs are in {where}.")
    return EXIT_FAILED if failed else EXIT_GRADED


def _open(export: Path, scratch: Path, spec_path: Path):
    """(the job without its output folders, the submissions found, the
    metadata, warnings, the folder for submissions listed only in the
    metadata) of a folder or a zip export."""
    missing = scratch / "missing"
    if export.is_dir():
        root = find_export_root(export)
        metadata, warnings = read_metadata_file(root / METADATA_FILE)
        return Job(str(spec_path), "", ""), folder_submissions(root), metadata, warnings, missing
    if not export.is_file():
        raise ExportError(f"{export} does not exist.")
    prefix, found, metadata_bytes, warnings = index_zip_export(export, scratch)
    metadata, metadata_warnings = (read_metadata(metadata_bytes) if metadata_bytes is not None
                                   or not warnings else ({}, []))
    return (Job(str(spec_path), "", "", str(export.resolve()), len(prefix)), found, metadata,
            warnings + metadata_warnings, missing)


def _warn_about_stale_results(results_folder: Path, submissions) -> None:
    if not results_folder.is_dir():
        return
    expected = {f"{s.submission_id}.json" for s in submissions}
    stale = sorted(p.name for p in results_folder.glob("*.json") if p.name not in expected)
    if stale:
        print(f"regrade: warning: {results_folder} also holds {len(stale)} results files "
              f"from another export (first: {stale[0]}); they are not in this gradebook",
              file=sys.stderr)


def _summary(submissions, outcomes: dict[str, Outcome], out: Path, elapsed: float,
             workers: int) -> str:
    counts = {status: sum(1 for o in outcomes.values() if o.status == status)
              for status in (GRADED, NO_SHEET, FAILED)}
    changed = sum(1 for s in submissions if s.gradescope_score is not None
                  and abs(outcomes[s.submission_id].total - s.gradescope_score) > 1e-9)
    noted = sum(1 for o in outcomes.values() if o.notes)
    other_variant = sum(1 for o in outcomes.values() if o.written_for is not None)
    return (f"Graded {len(submissions)} submissions in {elapsed:.1f} s with {workers} "
            f"worker(s): {counts[GRADED]} graded, {counts[NO_SHEET]} without a readable sheet, "
            f"{counts[FAILED]} autograder errors; {changed} totals differ from Gradescope's"
            + (f"; {noted} uploads had files that were not unpacked (see the gradebook's notes)"
               if noted else "")
            + (f"; {other_variant} sheets were written for another variant than their "
               "students' (see the report)" if other_variant else "") + ".\n"
            f"Wrote {out / GRADEBOOK_FILE}, {out / 'report.html'}, {out / 'report.md'} "
            f"and {out / 'results'}/<id>.json.")


def main(argv: list[str] | None = None, prog: str = "autograder regrade") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Regrade every submission of a Gradescope export and write a gradebook "
                    "and a class report.")
    parser.add_argument("export", type=Path, help="the export: a .zip or its unpacked folder")
    parser.add_argument("--out", type=Path, required=True, help="folder for the outputs")
    parser.add_argument("--spec", type=Path,
                        default=Path(os.environ.get("AUTOGRADER_SPEC", DEFAULT_SPEC)),
                        help="assignment spec (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: the number of cores, %(default)s)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    return regrade(args.export, args.out, args.spec, args.jobs)


if __name__ == "__main__":
    raise SystemExit(main())
