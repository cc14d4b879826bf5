"""The class regrade's pool of worker processes, and what a worker does with
one submission: unpack it (from a zip export), grade it with
`autograder.grading.pipeline.grade_submission` (the function `run_autograder`
calls) against its submitters' variant, write its results.json, and send
back an `Outcome` for the gradebook and the report.

The workers share the `Grading` loaded once in the parent (every variant's
references proved or read from the cache before any worker starts). A
submission that raises or hangs past SUBMISSION_TIMEOUT_SECONDS costs only
itself; a worker killed by the system (memory, `kill -9`) loses only the
submission it was grading, which is retried once alone and then recorded as
an autograder error.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
import traceback
import zipfile
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import Sequence, TextIO

from autograder.assignment.prepared import Prepared, cache_path, load_or_prepare
from autograder.assignment.spec import Spec, every_variant, load_spec
from autograder.course.report_model import FAILED, GRADED, NO_SHEET
from autograder.gradescope.export import ExportedSubmission, Submitter, unpack_members
from autograder.gradescope.results import (Results, WrittenScores, failure_results, to_json_text,
                                           written_scores)
from autograder.grading.pipeline import (SHEET_BUDGET_SECONDS, GradedSubmission, grade_submission,
                                         unreadable_results)
from autograder.submission.submitter import group_email

#: A worker gives up on one submission after this long (the grader's own
#: per-sheet budget, with room for unpacking, reading and writing), so a
#: hang in one answer cannot hold the batch.
SUBMISSION_TIMEOUT_SECONDS = 3 * SHEET_BUDGET_SECONDS
#: The parent kills a worker that has not answered this long after the
#: timeout (stuck where the alarm cannot interrupt it, e.g. inside C code).
WORKER_GRACE_SECONDS = 10.0
#: Characters of each answer sent back to the parent for the report; written
#: answers can be long and only their outcome is reported.
REPORTED_ANSWER_CHARS = 300
#: Test hook (tests only): comma-separated `<id>` or `<id>@<attempt>`; a
#: worker grading that submission (on that attempt) kills itself with
#: SIGKILL, as the system's out-of-memory killer would.
TEST_KILL_VARIABLE = "AUTOGRADER_REGRADE_TEST_KILL"


@dataclass(frozen=True)
class Outcome:
    """What a worker reports about one submission (its results.json is
    already written): the numbers of that file, each item's answer and
    verdict for the class report, and how it compares with the previous
    regrade's results file in the output folder."""

    submission_id: str
    status: str
    problem: str
    total: float
    scores: dict[str, float]
    #: (item key, answer, verdict's credit, read, outcome): what the report
    #: uses, without the feedback text (most of a verdict's bytes to send).
    answers: tuple[tuple[str, str | None, float, str, str], ...]
    max_scores: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    previous_total: float | None = None
    changed_items: tuple[tuple[str, float, float], ...] = ()
    #: The variant of the spec's family it was graded against (None: the
    #: spec has no family, or no submitter had a usable email: the base).
    variant: int | None = None
    #: The variant the sheet says it was written for, when not that one.
    written_for: str | None = None


# --------------------------------------------------------------------------
# Grading one submission, in a worker process


class _TimedOut(BaseException):
    """Raised in a worker by SIGALRM; a BaseException so that the grader's
    per-item `except Exception` cannot swallow it and grade on."""


@dataclass(frozen=True)
class Job:
    """What every task of one regrade shares: the spec, where results go,
    where the previous regrade's results are, and the zip to unpack from."""

    spec_path: str
    results_folder: str
    previous_folder: str
    archive: str | None = None
    prefix_length: int = 0


@dataclass(frozen=True)
class Task:
    submission: ExportedSubmission
    attempt: int


@dataclass(frozen=True)
class Grading:
    """Everything grading any submission of the export needs: the spec and
    its prepared references and, when the spec has a family, every
    variant's spec and references (variant number -> both). Built once, in
    the parent, before any worker starts: a forked worker inherits it, so
    no worker proves a reference or loads a variant itself."""

    spec: Spec
    prepared: Prepared
    variants: dict[int, tuple[Spec, Prepared]] = field(default_factory=dict)

    def against(self, variant: int | None) -> tuple[Spec, Prepared]:
        """The spec and references of that variant (None: the spec as written)."""
        return (self.spec, self.prepared) if variant is None else self.variants[variant]

    def variant_of(self, submitters: Sequence[Submitter]) -> int | None:
        """The variant a submission is graded against: its submitters'
        emails by the family's group rule (what `autograder grade` does with
        Gradescope's metadata); None without a family or a usable email."""
        family = self.spec.family
        if family is None:
            return None
        email = group_email((person.email for person in submitters), family.group)
        return None if email is None else family.variant_for(email).number


def load_grading(spec: Spec, notes: TextIO | None = None) -> Grading:
    """The spec's `Grading`: every variant's references proved (or read
    from the cache) here, once; when some must be proved (minutes for a
    large family), a line to `notes` says so first."""
    specs = every_variant(spec)
    if notes is not None and len(specs) > 1 and not all(cache_path(s).is_file() for s in specs):
        print(f"regrade: proving the references of the {len(specs) - 1} variants of "
              f"{spec.path.name} before grading (once: they are cached)", file=notes)
    variants = {variant.variant.number: (variant, load_or_prepare(variant))
                for variant in specs[1:]}
    return Grading(spec, load_or_prepare(spec), variants)


class WorkerState:
    """A worker's loaded grading (the spec, every variant, their prepared
    references), and its own handle on the zip export (a file position is
    never shared between processes)."""

    def __init__(self, job: Job, loaded: Grading | None = None):
        self.job = job
        self.grading = loaded if loaded is not None else load_grading(load_spec(job.spec_path))
        self.spec, self.prepared = self.grading.spec, self.grading.prepared
        self.archive = zipfile.ZipFile(job.archive) if job.archive else None


def grade_exported(state: WorkerState, task: Task) -> Outcome:
    """Grade one submission (unpacking it first from a zip export) with the
    pipeline `run_autograder` uses, and write its results.json."""
    submission = task.submission
    _test_kill_hook(submission.submission_id, task.attempt)
    started = time.perf_counter()
    notes = list(submission.notes)
    status = GRADED
    variant = state.grading.variant_of(submission.submitters)
    spec, prepared = state.grading.against(variant)
    _set_alarm(SUBMISSION_TIMEOUT_SECONDS)
    try:
        if submission.refused:
            graded = GradedSubmission(unreadable_results(spec, submission.refused, 0.0), (),
                                      submission.refused)
        else:
            if state.archive is not None:
                notes += unpack_members(state.archive, submission.members,
                                        state.job.prefix_length, submission.folder.parent)
                if (submission.members or submission.notes) and not os.path.lexists(submission.folder):
                    submission.folder.mkdir(parents=True)  # uploaded, if nothing was unpacked
            graded = _with_unpack_notes(
                grade_submission(spec, prepared, submission.folder, started=started), spec, notes)
        results, problem = graded.results, graded.problem or ""
        if graded.problem is not None:
            status = NO_SHEET
    except (Exception, _TimedOut) as error:
        if isinstance(error, _TimedOut):
            problem = (f"Grading this submission took longer than {SUBMISSION_TIMEOUT_SECONDS:g} "
                       "seconds, so the autograder stopped.")
        else:
            print(f"regrade: submission {submission.submission_id}:", file=sys.stderr)
            traceback.print_exc()
            problem = f"The autograder hit an internal error ({type(error).__name__})."
        status, graded = FAILED, None
        results = failure_results(problem, execution_time=time.perf_counter() - started)
    finally:
        _set_alarm(0)
        if state.archive is not None:  # unpacked here from the zip: no longer needed
            shutil.rmtree(submission.folder, ignore_errors=True)
    _write_results_document(results, Path(state.job.results_folder) / f"{submission.submission_id}.json")
    answers = () if graded is None else tuple(
        (g.item.key, _cut(g.answer), g.verdict.credit, g.verdict.read, g.verdict.label)
        for g in graded.grades)
    previous = _previous_scores(Path(state.job.previous_folder) / f"{submission.submission_id}.json")
    return _outcome(submission.submission_id, status, problem, written_scores(results), answers,
                    tuple(notes),
                    previous, variant, None if graded is None else graded.written_for)


def _with_unpack_notes(graded: GradedSubmission, spec: Spec, notes: list[str]) -> GradedSubmission:
    """A submission without a readable sheet whose upload had files that were
    not unpacked (a link named answers.yaml, an unsafe name): its results say
    which, or the student would read only that the upload was empty."""
    if graded.problem is None or not notes:
        return graded
    problem = (f"{graded.problem}\nFiles of your upload that the class regrade did not unpack: "
               + "; ".join(notes) + ".")
    return GradedSubmission(unreadable_results(spec, problem, graded.results.execution_time), (),
                            problem)


def _test_kill_hook(submission_id: str, attempt: int) -> None:
    """Tests only: die as the out-of-memory killer would make a worker die."""
    targets = os.environ.get(TEST_KILL_VARIABLE)
    if targets and (submission_id in targets.split(",")
                    or f"{submission_id}@{attempt}" in targets.split(",")):
        os.kill(os.getpid(), signal.SIGKILL)


def _write_results_document(results: Results, path: Path) -> None:
    """A results.json in the staging folder: compact JSON, each distinct test
    encoded once per worker, and not synced one by one; the regrade syncs
    its outputs once before moving them into place, which is what makes
    each of them atomic."""
    path.write_text(to_json_text(results) + "\n", encoding="ascii")


def _previous_scores(path: Path) -> tuple[float, dict[str, float]] | None:
    """(total, test number -> score) of the previous regrade's results file
    for this submission, or None when there is none that can be read."""
    try:
        document = json.loads(path.read_bytes())
        return (float(document["score"]),
                {str(test["number"]): float(test["score"]) for test in document["tests"]})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _set_alarm(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _time_is_up(signum, frame):
    raise _TimedOut()


def _cut(answer: str | None) -> str | None:
    return answer[:REPORTED_ANSWER_CHARS] if answer is not None else None


def _outcome(submission_id: str, status: str, problem: str, written: WrittenScores, answers,
             notes: tuple[str, ...] = (), previous=None, variant: int | None = None,
             written_for: str | None = None) -> Outcome:
    """The numbers exactly as written to results.json (rounded the same way)."""
    changed: tuple = ()
    previous_total = None
    if previous is not None:
        previous_total, previous_scores = previous
        changed = tuple((number, previous_scores.get(number, 0.0), score)
                        for number, score in written.scores.items()
                        if abs(previous_scores.get(number, 0.0) - score) > 1e-9)
    return Outcome(submission_id, status, problem, written.total, written.scores, answers,
                   written.max_scores, notes, previous_total, changed, variant, written_for)


# --------------------------------------------------------------------------
# The pool of workers


def _worker_main(connection, job: Job, grading: Grading) -> None:
    """A worker: grade each task the parent sends until it sends None, with
    the parent's grading (inherited by a forked worker, copied to a spawned
    one: either way no worker proves or loads a reference itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C stops
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _time_is_up)
    state = WorkerState(job, grading)
    while (task := connection.recv()) is not None:
        connection.send(grade_exported(state, task))


#: Tasks sent to a worker ahead of its answers: the next one waits in its
#: pipe, so a worker never idles while the parent is not scheduled; only the
#: first is being graded (a worker grades in order), so a death still loses
#: only that one and the others go back to the queue.
TASKS_IN_FLIGHT = 2


class _Worker:
    def __init__(self, context, job: Job, grading: Grading):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, job, grading),
                                       daemon=True)
        self.process.start()
        child.close()
        self.tasks: deque[Task] = deque()  # sent, not answered; the first is being graded
        self.deadline = 0.0

    def send(self, task: Task) -> None:
        self.connection.send(task)
        if not self.tasks:
            self.restart_clock()
        self.tasks.append(task)

    def restart_clock(self) -> None:
        """The task now being graded has this long before the parent kills its worker."""
        self.deadline = time.monotonic() + SUBMISSION_TIMEOUT_SECONDS + WORKER_GRACE_SECONDS

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except OSError:
                self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _context():
    """Fork where it is safe and the default (Linux): workers start in
    milliseconds with the spec and references already loaded. Elsewhere
    (macOS, Windows) each spawned worker gets a pickled copy of them."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def grade_all(submissions: Sequence[ExportedSubmission], job: Job, grading: Grading,
              jobs: int, progress: "Progress") -> dict[str, Outcome]:
    """Every submission's outcome, graded across `jobs` worker processes, each
    grading one submission at a time, so a worker that dies loses only the
    one it was grading: that one is retried once, alone (no other worker
    running) after the others, and then recorded as an autograder error."""
    context = _context()
    outcomes: dict[str, Outcome] = {}
    died: list[Task] = []

    def record(task: Task, outcome: Outcome | None) -> None:
        if outcome is not None:
            outcomes[task.submission.submission_id] = outcome
            progress.advance()
        elif task.attempt == 1:
            died.append(Task(task.submission, 2))
        else:
            outcomes[task.submission.submission_id] = _failed_in_parent(
                task.submission, job, grading.variant_of(task.submission.submitters))
            progress.advance()

    _run_pool(context, job, grading, deque(Task(s, 1) for s in submissions), jobs, record)
    _run_pool(context, job, grading, deque(died), 1, record)
    progress.finish()
    return outcomes


def _run_pool(context, job: Job, grading: Grading, tasks: deque, jobs: int, record) -> None:
    """Run `tasks` on up to `jobs` workers; `record(task, outcome)` gets each
    outcome, or None when the worker grading it died (or stopped answering
    and was killed). A dead worker is replaced while tasks remain."""
    workers: list[_Worker] = []
    try:
        while tasks or any(worker.tasks for worker in workers):
            pending = len(tasks) + sum(len(w.tasks) for w in workers)
            while tasks and len(workers) < min(jobs, pending):
                workers.append(_Worker(context, job, grading))
            for worker in list(workers):
                while tasks and len(worker.tasks) < TASKS_IN_FLIGHT:
                    task = tasks.popleft()
                    try:
                        worker.send(task)
                    except OSError:  # it died: this task never reached it
                        tasks.appendleft(task)
                        _drop(worker, workers, tasks, record)
                        break
            busy = [worker for worker in workers if worker.tasks]
            if not busy:
                continue
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy],
                         timeout=timeout)
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    try:
                        while worker.tasks and worker.connection.poll():
                            outcome = worker.connection.recv()  # EOFError if it died
                            record(worker.tasks.popleft(), outcome)
                            worker.restart_clock()
                        if worker.process.sentinel not in ready:
                            continue
                    except (EOFError, OSError):
                        pass
                elif time.monotonic() < worker.deadline:
                    continue
                _drop(worker, workers, tasks, record)
    finally:
        for worker in workers:
            worker.stop(kill=bool(worker.tasks))


def _drop(worker: _Worker, workers: list[_Worker], tasks: deque, record) -> None:
    """A worker died (or is killed for not answering): the task it was
    grading is recorded as lost; those waiting in its pipe go back to the queue."""
    lost = worker.tasks.popleft() if worker.tasks else None
    if lost is not None:
        print(f"regrade: the worker grading submission {lost.submission.submission_id} died "
              f"({_death(worker)})" + ("; it will be retried alone" if lost.attempt == 1 else ""),
              file=sys.stderr)
    tasks.extendleft(reversed(worker.tasks))
    worker.tasks.clear()
    worker.stop(kill=True)
    workers.remove(worker)
    if lost is not None:
        record(lost, None)


def _death(worker: _Worker) -> str:
    worker.process.join(timeout=1)
    code = worker.process.exitcode
    if code is None:
        return "no answer in time; killed"
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def _failed_in_parent(submission: ExportedSubmission, job: Job,
                      variant: int | None = None) -> Outcome:
    problem = ("The autograder's worker process died twice while grading this submission "
               "(killed by the system, for example for lack of memory), so it was not graded.")
    results = failure_results(problem, execution_time=0.0)
    _write_results_document(results, Path(job.results_folder) / f"{submission.submission_id}.json")
    return _outcome(submission.submission_id, FAILED, problem, written_scores(results), (),
                    submission.notes,
                    variant=variant)


class Progress:
    """A progress bar on a terminal (`[#####-----] 120/200`, redrawn in
    place); silent when stderr is not a terminal (a log, a pipe, CI)."""

    WIDTH = 30

    def __init__(self, total: int, stream: TextIO = sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.interactive = stream.isatty()

    def advance(self) -> None:
        self.done += 1
        if self.interactive:
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.stream.write(f"\r[{'#' * filled}{'-' * (self.WIDTH - filled)}] "
                              f"{self.done}/{self.total}")
            self.stream.flush()

    def finish(self) -> None:
        if self.interactive and self.total:
            self.stream.write("\n")
