"""Mutation gate: the tests of the trust-critical code must fail when that
code is broken.

    python tools/mutation_gate.py                      # CI: verify.py against tests/test_verify.py
    python tools/mutation_gate.py --mutate solutions/growth.py --tests tests/test_references.py \
        --isolation forkserver                         # any other file, same rules

Two checks, in a scratch copy of the repository (so neither the checkout nor
a developer's own `mutants/` folder is touched):

1. The named breakages of issue 9 that mutmut cannot make, because mutmut
   leaves decorated functions (`Verification.ok` is a property) and
   module constants alone: each is applied by hand and the gate tests must
   then fail (pytest exit 1; an error collecting them does not count).
2. mutmut (pinned in requirements-dev.txt) mutates the file and runs the
   tests that reach each mutated function. Every mutant must be killed
   (a failing test, a timeout or a crash) or be listed, with why it is
   equivalent, in tools/mutation_equivalents.json. Equivalents are matched by
   file, function and the changed lines, not by mutmut's numbering, so an
   unrelated edit does not make the list stale.

Exit 0 when both hold, 1 otherwise (each problem printed), 2 when the tools
themselves cannot run. The mutation score (killed / all mutants) is printed.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tools" / "mutation_equivalents.json"
#: What the scratch copy needs: the code, its specs and its tests.
COPIED = ("autograder", "solutions", "specs", "examples", "tests", "pyproject.toml")
#: mutmut's outcomes that mean the tests noticed the mutant.
DETECTED = {"killed", "timeout", "segfault", "caught by type check"}
PYTEST_FAILED = 1  # pytest's exit code when tests ran and some failed
#: mutmut's runner exits 255 when pytest could not even start the selected
#: tests (e.g. a test id it cannot find), and mutmut files that as a timeout;
#: the gate counts it as a failure to test the mutant, never as a kill.
HARNESS_ERROR = 255
#: Test ids stay unescaped so that an id with a non-ASCII parameter
#: (`q2.d=6.14656 × 10^5`), recorded by mutmut's stats run, is found again
#: when mutmut passes it back to pytest for a mutant (escaped, it is not).
PYTEST_ARGS = ("-p", "no:cacheprovider",
               "-o", "disable_test_id_escaping_and_forfeit_all_rights_to_community_support=true")


@dataclass(frozen=True)
class Breakage:
    """A hand-made mutant: `old` (exactly once in `path`) becomes `new`."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


VERIFY_TESTS = ("tests/test_verify.py",)
#: Each breakage runs only the tests meant to catch it, to keep CI short.
_COMMAND_FAILS = ("tests/test_verify.py::test_the_command_exits_1_and_names_each_contradiction",)
_GROWTH_FAILS = ("tests/test_verify.py::test_a_growth_the_counts_contradict_fails_the_gate",)
_GRADED_VALUE = (
    "tests/test_trust_gates.py::test_a_reference_the_simulation_contradicts_is_never_graded",)
_GRADED_GROWTH = (
    "tests/test_trust_gates.py::test_a_growth_the_measured_counts_contradict_is_never_graded",)
BREAKAGES = (
    Breakage("the gate always succeeds (Verification.ok always true)", "autograder/assignment/verify.py",
             "        return not self.failures", "        return True", _COMMAND_FAILS),
    Breakage("no slope is ever too far off (SLOPE_TOLERANCE huge)", "autograder/assignment/verify.py",
             "SLOPE_TOLERANCE = 0.3", "SLOPE_TOLERANCE = 100.0", _GROWTH_FAILS),
    Breakage("growth-slope check disabled", "autograder/assignment/verify.py",
             'ok = all(abs(s - float(derived.size_exp)) <= SLOPE_TOLERANCE for s in slopes["side"]) and',
             "ok = True and", _GROWTH_FAILS),
    Breakage("kernel-power check disabled (kernel slope)", "autograder/assignment/verify.py",
             'abs(slopes["kernel"] - float(derived.kernel_exp)) <= SLOPE_TOLERANCE', "True",
             _GROWTH_FAILS),
    Breakage("the gate always succeeds (prepared marks every item verified)",
             "autograder/assignment/prepared.py", '"verified": not problems', '"verified": True',
             _GRADED_VALUE),
    Breakage("the gate always succeeds (prepared ignores contradicted values)",
             "autograder/assignment/prepared.py",
             "if unproved and (expected.is_reference or expected.credit == 1):", "if False:",
             _GRADED_VALUE),
    Breakage("the gate always succeeds (prepared ignores contradicted growths)",
             "autograder/assignment/prepared.py",
             "failed = [n for n in names if not proof.growths.get(n, False)]", "failed = []",
             _GRADED_GROWTH),
)


class GateError(Exception):
    """The gate could not run (exit 2), as opposed to finding a weakness."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutate", default="autograder/assignment/verify.py",
                        help="file to mutate (default: %(default)s)")
    parser.add_argument("--tests", nargs="+", default=list(VERIFY_TESTS),
                        help="pytest selection run against its mutants (default: %(default)s)")
    parser.add_argument("--isolation", choices=("fork", "forkserver"), default="fork",
                        help="fork: fast; forkserver: for files whose results other modules "
                             "cache (solutions/*), so no mutant sees a clean run's cache")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--only", nargs="+", default=[], metavar="GLOB",
                        help="run and judge only the mutants whose names match, e.g. "
                             "'autograder.answers.big_o.x_grade*' (for files too big to run whole)")
    parser.add_argument("--no-breakages", action="store_true",
                        help="skip the hand-made breakages of issue 9")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (mutmut's "
                        "results stay browsable there with `mutmut browse`)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: judge the results of the last run in that folder "
                             "again (after editing the equivalents list) instead of running mutmut")
    args = parser.parse_args(argv)
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep DIR")
    started = time.monotonic()
    try:
        if args.keep:
            problems = _gate(args, _populate(args.keep.resolve(), args))
        else:
            with tempfile.TemporaryDirectory(prefix="mutation-gate-") as scratch:
                problems = _gate(args, _populate(Path(scratch), args))
    except GateError as error:
        print(f"mutation gate: cannot run: {error}", file=sys.stderr)
        return 2
    print(f"mutation gate: {time.monotonic() - started:.0f} s")
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    print("mutation gate: " + ("FAILED" if problems else "passed"))
    return 1 if problems else 0


def _populate(workspace: Path, args) -> Path:
    """A copy of the code and tests with the gate's mutmut configuration."""
    if getattr(args, "reuse", False):
        return workspace
    workspace.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache", "mutants")
    for name in COPIED:
        source, target = ROOT / name, workspace / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=ignore)
        else:
            shutil.copy2(source, target)
    shutil.rmtree(workspace / "mutants", ignore_errors=True)
    if not (workspace / args.mutate).is_file():
        raise GateError(f"{args.mutate} does not exist")
    pyproject = workspace / "pyproject.toml"
    text = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", pyproject.read_text(encoding="utf-8"))
    pyproject.write_text(text.rstrip() + "\n\n" + _mutmut_config(args), encoding="utf-8")
    return workspace


def _mutmut_config(args) -> str:
    def toml_list(values) -> str:
        return "[" + ", ".join(json.dumps(v) for v in values) + "]"

    return (f"[tool.mutmut]\n"
            f"source_paths = {toml_list(['autograder', 'solutions'])}\n"
            f"only_mutate = {toml_list([args.mutate])}\n"
            f"also_copy = {toml_list(['specs', 'examples'])}\n"
            f"pytest_add_cli_args_test_selection = {toml_list(args.tests)}\n"
            f"pytest_add_cli_args = {toml_list(PYTEST_ARGS)}\n"
            f"process_isolation = {json.dumps(args.isolation)}\n"
            f"use_git_change_detection = false\n")


def _gate(args, workspace: Path) -> list[str]:
    problems = []
    if not args.no_breakages and not args.reuse:
        problems += _check_breakages(workspace, list(BREAKAGES))
    problems += _check_mutants(workspace, args)
    return problems


# -- the breakages of issue 9 -----------------------------------------------------------

def _pytest(workspace: Path, tests) -> int:
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
    env = {**os.environ, "AUTOGRADER_CACHE": str(workspace / ".cache")}
    return subprocess.run(command, cwd=workspace, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


def _check_breakages(workspace: Path, breakages: list[Breakage]) -> list[str]:
    problems = []
    every_test = sorted({test for breakage in breakages for test in breakage.tests})
    code = _pytest(workspace, every_test)
    if code != 0:
        raise GateError(f"the gate tests fail on the unbroken code (pytest exit {code}): "
                        f"{' '.join(every_test)}")
    for breakage in breakages:
        path = workspace / breakage.path
        original = path.read_text(encoding="utf-8")
        if original.count(breakage.old) != 1:
            problems.append(f"breakage '{breakage.name}' no longer applies: {breakage.old!r} is "
                            f"not in {breakage.path} exactly once; update BREAKAGES in "
                            f"tools/mutation_gate.py")
            continue
        path.write_text(original.replace(breakage.old, breakage.new), encoding="utf-8")
        try:
            code = _pytest(workspace, breakage.tests)
        finally:
            path.write_text(original, encoding="utf-8")
        caught = code == PYTEST_FAILED
        print(f"breakage {'caught' if caught else 'MISSED'}: {breakage.name}")
        if not caught:
            problems.append(f"breakage '{breakage.name}' leaves {' '.join(breakage.tests)} "
                            f"passing (pytest exit {code})")
    return problems


# -- mutmut ------------------------------------------------------------------------------------

def _check_mutants(workspace: Path, args) -> list[str]:
    log = workspace / "mutmut.log"
    meta = workspace / "mutants" / f"{args.mutate}.meta"
    started = time.monotonic()
    if not args.reuse:
        with log.open("w", encoding="utf-8") as output:
            run = subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children",
                                  str(args.max_children), *args.only], cwd=workspace, stdout=output,
                                 stderr=subprocess.STDOUT, env=_mutation_env())
        if run.returncode != 0 or not meta.is_file():
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise GateError(f"mutmut run exited {run.returncode}:\n{tail}")
    elif not meta.is_file():
        raise GateError(f"no results of a previous run in {workspace}")
    seconds = time.monotonic() - started
    from mutmut.stats import status_by_exit_code

    statuses = {name: "harness error" if code == HARNESS_ERROR else status_by_exit_code[code]
                for name, code in
                json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items()
                if not args.only or any(fnmatch.fnmatchcase(name, glob) for glob in args.only)}
    detected = sum(status in DETECTED for status in statuses.values())
    only = f" (only {' '.join(args.only)})" if args.only else ""
    print(f"mutmut on {args.mutate}{only} with {' '.join(args.tests)}: {detected}/{len(statuses)} "
          f"mutants killed ({_score(detected, len(statuses))}) in {seconds:.0f} s")
    listed = [e for e in _load_equivalents() if e["file"] == args.mutate]
    used, problems, equivalent = set(), [], 0
    for name, status in sorted(statuses.items(), key=lambda kv: _natural(kv[0])):
        if status in DETECTED:
            continue
        function, removed, added = _mutation(workspace, name)
        match = next((i for i, e in enumerate(listed) if e["function"] == function
                      and e["removed"] == removed and e["added"] == added), None)
        if match is not None and status == "survived":
            used.add(match)
            equivalent += 1
            continue
        problems.append(f"{name} {status}: in {function}()\n"
                        + "".join(f"      - {line}\n" for line in removed)
                        + "".join(f"      + {line}\n" for line in added)
                        + "    kill it with a test, or list it with why it is equivalent in "
                          "tools/mutation_equivalents.json")
    print(f"  {equivalent} surviving mutants are listed as equivalent; "
          f"score without them {_score(detected, len(statuses) - equivalent)}")
    for index, entry in enumerate(listed):
        if index not in used and not args.only:
            print(f"  note: the listed equivalent in {entry['function']}() no longer survives "
                  f"(or no longer exists); remove it from {EQUIVALENTS.name}")
    return problems


def _mutation_env() -> dict[str, str]:
    """The environment of the tests run against mutants: Hypothesis
    derandomized with no database (tests/conftest.py), so a kill is
    reproducible and an example saved for one mutant is not replayed for the
    next; the parsers' hang guard stretched (tests/test_parsers.py), since
    the gate may run at the lowest priority on a busy machine and mutmut's
    own timeout catches a hang."""
    return {**os.environ, "HYPOTHESIS_PROFILE": "mutation",
            "TEST_TIME_SCALE": os.environ.get("TEST_TIME_SCALE", "20")}


def _score(killed: int, total: int) -> str:
    return f"{100 * killed / total:.1f}%" if total else "no mutants"


def _natural(name: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _mutation(workspace: Path, name: str) -> tuple[str, list[str], list[str]]:
    """The mutated function and the lines the mutant removes and adds."""
    shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=workspace,
                           capture_output=True, text=True).stdout
    removed = [line[1:].strip() for line in shown.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:].strip() for line in shown.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    mangled = re.sub(r"__mutmut_\d+$", "", name.rsplit(".", 1)[-1])  # x_f or xǁClassǁmethod
    return re.sub(r"^x[_ǁ]", "", mangled).replace("ǁ", "."), removed, added


def _load_equivalents() -> list[dict]:
    try:
        entries = json.loads(EQUIVALENTS.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise GateError(f"cannot read {EQUIVALENTS}: {error}") from None
    for entry in entries:
        if not {"file", "function", "removed", "added", "why"} <= entry.keys() or not entry["why"]:
            raise GateError(f"{EQUIVALENTS.name}: every entry needs file, function, removed, "
                            f"added and why: {entry}")
    return entries


if __name__ == "__main__":
    raise SystemExit(main())
