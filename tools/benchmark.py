#!/usr/bin/env python3
"""How fast and how lean the grader is, measured now, on this machine (not a test).

    .venv/bin/python tools/benchmark.py [--runs 7] [--count 1000]
                                        [--only cold,big_o,regrade,regrade_family,memory,prepare]

1. Cold grading: one full sheet (examples/solved) through `./run_autograder`
   as a subprocess, the references cache already built, against the bare
   start `python -c "import sympy, numpy, yaml"` of the same interpreter;
   medians of --runs runs each, interleaved. Target: ratio <= 1.15.
2. Warm Big-O: parse + grade of each of 60+ Big-O answers in process after
   warm-up (tight, loose, constant factors, lower-order terms, wrong,
   superscripts, Θ/Ω, logs, kernel powers, pixels); median and 99th
   percentile over every timed call. Target: median < 0.2 ms. The same
   answers through a SymPy-limit grader written here for comparison:
   `sympify` of the trusted canonical rendering of our reading, then
   `limit(student / reference, N, oo)`; its verdicts are checked against ours.
3. Regrading --count synthetic submissions with the TA command
   (`autograder synthetic --count N --seed 1 EXPORT`, then
   `autograder regrade EXPORT --out DIR`), wall time including
   start-up, against the bare `python -c "import sympy, numpy, yaml"`
   measured in the same run (interleaved, so both see the same machine):
   target ratio <= 6 for 1,000 submissions; the CPU time of both too.
   regrade_family: the same with specs/hw3-per-student.yaml, a family of 24
   variants (every student graded against their own numbers; the parent
   loads every variant's references before the workers start), reported
   beside the plain figures, with no target of its own.
4. Peak memory (ru_maxrss from wait4) of one grading run. Target: <= 150 MB.
5. Preparing a spec's references from nothing (`autograder verify --spec S`,
   each in a fresh subprocess with its own empty AUTOGRADER_CACHE): hw3,
   variant-32x32, a ResNet stem (224 x 224 x 3 -> 64, 7 x 7, stride 2, SAME;
   sizes 448 and 896) and the worst layer a course would use (1024 x 1024,
   11 x 11, 512 -> 512 channels, stride 1, SAME and VALID; sizes 2048 and
   4096 for the growth questions); wall time, CPU time (user + system: what
   other jobs on the machine disturb less) and peak memory, and how many
   configurations were simulated in full and how many proved on proxies.
   Target: <= 10 s and <= 300 MB each.

Every figure is printed with the machine (CPU model, cores, Python).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOLVED = ROOT / "examples" / "solved"
PYTHON = sys.executable

TARGET_COLD_RATIO = 1.15
TARGET_BIG_O_MEDIAN_MS = 0.2
TARGET_REGRADE_RATIO = 6.0  # x the bare import, for 1,000 submissions
TARGET_MEMORY_MB = 150
TARGET_PREPARE_SECONDS = 10.0
TARGET_PREPARE_MB = 300
#: Preparing every variant of a family (specs/hw3-per-student.yaml, 24 variants), at most.
TARGET_FAMILY_SECONDS = 60.0
FAMILY_ROW = "hw3-per-student, all 24 variants"


# ----------------------------------------------------------------------------
# Running a child and measuring it


#: CPU seconds (user + system) of the last child `run_child` reaped, with its
#: own reaped children (a regrade's workers): a figure other jobs on the
#: machine disturb less than wall time.
last_cpu_seconds = 0.0


def run_child(argv: list[str], stdout=subprocess.DEVNULL,
              env: dict | None = None) -> tuple[float, int, float, str]:
    """(wall seconds, exit code, peak resident MB of that child alone, stderr tail)."""
    global last_cpu_seconds
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(argv, stdout=stdout, stderr=errors, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        last_cpu_seconds = usage.ru_utime + usage.ru_stime
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        tail = errors.read()[-600:].decode("utf-8", "replace")
    return elapsed, process.returncode, usage.ru_maxrss * 1024 / 1e6, tail


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return (f"{model}, {os.cpu_count()} cores ({usable} usable), {platform.machine()}, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()} "
            f"({PYTHON})")


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


# ----------------------------------------------------------------------------
# 1 + 4. Cold grading and its memory


def cold_grading(runs: int, workdir: Path) -> dict:
    results = workdir / "cold-results.json"
    grade = [str(ROOT / "run_autograder"), "--submission", str(SOLVED), "--results",
             str(results), "--quiet"]
    bare = [PYTHON, "-I", "-c", "import sympy, numpy, yaml"]
    for argv in (grade, bare):  # warm the OS file cache and __pycache__
        _, code, _, tail = run_child(argv)
        if code != 0:
            raise SystemExit(f"benchmark: {argv[0]} exited {code}: {tail}")
    grade_times, bare_times, grade_memory, bare_memory = [], [], [], []
    for _ in range(runs):
        seconds, code, memory, tail = run_child(grade)
        if code != 0:
            raise SystemExit(f"benchmark: run_autograder exited {code}: {tail}")
        grade_times.append(seconds)
        grade_memory.append(memory)
        seconds, _, memory, _ = run_child(bare)
        bare_times.append(seconds)
        bare_memory.append(memory)
    data = json.loads(results.read_text(encoding="utf-8"))
    return {"grade": grade_times, "bare": bare_times, "grade_memory": grade_memory,
            "bare_memory": bare_memory, "score": data["score"],
            "max_score": sum(t["max_score"] for t in data["tests"])}


def import_breakdown(workdir: Path) -> str:
    """What a grading run imports, heaviest first (python -X importtime)."""
    completed = subprocess.run(
        [PYTHON, "-I", "-X", "importtime", "-m", "autograder.gradescope.run", "--submission", str(SOLVED),
         "--results", str(workdir / "imports-results.json"), "--quiet"],
        capture_output=True, text=True, cwd=ROOT)
    rows = []
    for line in completed.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|")
        try:
            rows.append((int(cumulative), name.rstrip()))
        except ValueError:
            continue
    top = [(us, name) for us, name in rows if name.startswith(" ") and not name.startswith("  ")]
    top.sort(reverse=True)
    heavy = ", ".join(f"{name.strip()} {us / 1000:.0f} ms" for us, name in top[:6])
    loaded = {name.strip().split(".")[0] for _, name in rows}
    heavy_libraries = sorted(loaded & {"sympy", "numpy", "mpmath", "scipy"})
    return (f"top-level imports: {heavy}; heavy libraries loaded: "
            f"{', '.join(heavy_libraries) or 'none'}")


# ----------------------------------------------------------------------------
# 2. Warm Big-O


#: (item key, answer, what it exercises)
BIG_O_ANSWERS = [
    ("q2.g.multiplications_big_o.standard", "O(N^2)", "tight"),
    ("q2.g.multiplications_big_o.standard", "O(N**2)", "tight"),
    ("q2.g.multiplications_big_o.standard", "O(N²)", "superscript"),
    ("q2.g.multiplications_big_o.standard", "O(N²k²)", "superscript, kernel"),
    ("q2.g.multiplications_big_o.standard", "Θ(N^2)", "theta"),
    ("q2.g.multiplications_big_o.standard", "Theta(N^2 k^2)", "theta word"),
    ("q2.g.multiplications_big_o.standard", "O(9N^2)", "constant factor"),
    ("q2.g.multiplications_big_o.standard", "O(784 N^2)", "constant factor"),
    ("q2.g.multiplications_big_o.standard", "O(N^2 + N)", "lower-order term"),
    ("q2.g.multiplications_big_o.standard", "O(9N^2 + 3N + 1)", "lower-order terms"),
    ("q2.g.multiplications_big_o.standard", "N^2", "bare"),
    ("q2.g.multiplications_big_o.standard", "n^2", "bare, lower case"),
    ("q2.g.multiplications_big_o.standard", "O(N^3)", "loose"),
    ("q2.g.multiplications_big_o.standard", "O(N^4)", "loose"),
    ("q2.g.multiplications_big_o.standard", "Θ(N^3)", "loose theta"),
    ("q2.g.multiplications_big_o.standard", "O(N)", "too low"),
    ("q2.g.multiplications_big_o.standard", "O(1)", "too low"),
    ("q2.g.multiplications_big_o.standard", "Ω(N^2)", "omega"),
    ("q2.g.multiplications_big_o.standard", "Omega(N^2)", "omega word"),
    ("q2.g.multiplications_big_o.standard", "O(N^2 log N)", "log, loose"),
    ("q2.g.multiplications_big_o.standard", "O(N^2 k^3)", "kernel mismatch"),
    ("q2.g.multiplications_big_o.standard", "big O of N squared", "words"),
    ("q2.g.multiplications_big_o.standard", "O(N*N)", "product"),
    ("q2.g.multiplications_big_o.standard", "O((N^2)^1)", "nested power"),
    ("q2.g.multiplications_big_o.standard", "o(N^2)", "little o"),
    ("q2.g.multiplications_big_o.standard", "\\mathcal{O}(N^2)", "LaTeX"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "O(N^2 k^2)", "tight, kernel"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "O(N²)", "superscript"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "O(N^2 * 3^2)", "constant"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "O(N^4)", "loose"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "O(n)", "too low"),
    ("q2.g.multiplications_big_o.non_weight_sharing", "Θ(n^2 k^2)", "theta"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^4)", "tight"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N⁴)", "superscript"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^2 * N^2)", "product"),
    ("q2.g.multiplications_big_o.fully_connected", "O((N^2)^2)", "nested power"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^4 + N^2)", "lower-order term"),
    ("q2.g.multiplications_big_o.fully_connected", "O(784 N^4)", "constant factor"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^2)", "too low"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^6)", "loose"),
    ("q2.g.multiplications_big_o.fully_connected", "Ω(N^4)", "omega"),
    ("q2.g.multiplications_big_o.fully_connected", "Θ(N^4)", "theta"),
    ("q2.g.jacobian_big_o.standard", "O(N^2)", "tight"),
    ("q2.g.jacobian_big_o.standard", "O(N^2 k^2)", "kernel"),
    ("q2.g.jacobian_big_o.standard", "O(N^2 log N)", "log, loose"),
    ("q2.g.jacobian_big_o.standard", "O(N log N)", "log, too low"),
    ("q2.g.jacobian_big_o.standard", "O(N^(3/2))", "fractional, too low"),
    ("q2.g.jacobian_big_o.standard", "O(N^(5/2))", "fractional, loose"),
    ("q2.g.jacobian_big_o.non_weight_sharing", "O(N^4)", "tight"),
    ("q2.g.jacobian_big_o.non_weight_sharing", "O(N⁴k²)", "superscript, kernel"),
    ("q2.g.jacobian_big_o.non_weight_sharing", "O(N^4 + N^2 + 1)", "lower-order terms"),
    ("q2.g.jacobian_big_o.non_weight_sharing", "O(N^3)", "too low"),
    ("q2.g.jacobian_big_o.non_weight_sharing", "Θ(N^5)", "loose theta"),
    ("q2.g.jacobian_big_o.fully_connected", "O(N^6)", "tight"),
    ("q2.g.jacobian_big_o.fully_connected", "Θ(N⁶)", "theta, superscript"),
    ("q2.g.jacobian_big_o.fully_connected", "O(784 N^6)", "constant factor"),
    ("q2.g.jacobian_big_o.fully_connected", "O(N^2 * N^4)", "product"),
    ("q2.g.jacobian_big_o.fully_connected", "O(N^6 + 9 N^4)", "lower-order term"),
    ("q2.g.jacobian_big_o.fully_connected", "O(N^5)", "too low"),
    ("q2.g.jacobian_big_o.fully_connected", "O(N^8)", "loose"),
    ("q2.g.jacobian_big_o.fully_connected", "Ω(N^6)", "omega"),
    ("q2.g.jacobian_big_o.fully_connected", "O(n^3)", "pixels-like exponent"),
]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def warm_big_o(rounds: int, sympy_rounds: int) -> dict:
    from autograder.answers import big_o
    from autograder.answers.verdict import Reference
    from autograder.assignment.prepared import load_or_prepare
    from autograder.submission.sheet import load_sheet
    from autograder.assignment.spec import load_spec

    spec = load_spec()
    prepared = load_or_prepare(spec)
    sheet = load_sheet(SOLVED / "answers.yaml", root=SOLVED)
    letters = big_o.size_variable(spec, prepared, sheet)
    cases = [(spec.item(key), prepared.item(key), text, what) for key, text, what in BIG_O_ANSWERS]

    def ours(item, entry, text):
        return big_o.grade(big_o.parse(text), Reference.of(item, entry, letters, spec.big_o_policy))

    outcomes = {}
    for _ in range(20):  # warm-up
        for item, entry, text, _ in cases:
            outcomes[text, item.key] = ours(item, entry, text).label
    timer = time.perf_counter
    samples: list[float] = []
    per_answer: dict[str, list[float]] = {}
    for _ in range(rounds):
        for item, entry, text, _ in cases:
            started = timer()
            ours(item, entry, text)
            elapsed = timer() - started
            samples.append(elapsed)
            per_answer.setdefault(text, []).append(elapsed)

    # The SymPy-limit grader, on the same answers: sympify our trusted
    # canonical rendering (never the student's text) and take a limit.
    import sympy
    from sympy.core.cache import clear_cache

    N, k = sympy.symbols("N k", positive=True)
    sympy_samples: list[float] = []
    disagreements = []
    for item, entry, text, _ in cases:
        reading = big_o.parse(text)
        reference_exp = entry.growth.size_exp_in(letters.variable)
        canonical = _sympy_rendering(reading)
        for round_index in range(sympy_rounds):
            clear_cache()  # each answer as if first seen, like ours (no memo)
            started = timer()
            student = sympy.sympify(canonical, locals={"N": N, "k": k, "log": sympy.log})
            reference = N ** sympy.Rational(reference_exp.numerator, reference_exp.denominator)
            ratio = sympy.limit(student / reference, N, sympy.oo)
            sympy_samples.append(timer() - started)
        fit = "too_low" if ratio == 0 else "loose" if ratio in (sympy.oo, -sympy.oo) else "tight"
        if fit != big_o.compare(reading, reference_exp):
            disagreements.append(f"{text}: sympy {fit}, ours {big_o.compare(reading, reference_exp)}")
    slowest = sorted(((statistics.median(v), t) for t, v in per_answer.items()), reverse=True)[:3]
    return {"answers": len(cases), "samples": samples, "sympy": sympy_samples,
            "disagreements": disagreements, "slowest": slowest,
            "outcomes": sorted({o for o in outcomes.values()})}


def _sympy_rendering(reading) -> str:
    """`3*N**2*k**2 + N*log(N)`: the reading's terms as SymPy text, in N and k."""
    terms = []
    for term in reading.terms:
        factors = [f"({term.coefficient})"]
        if term.size_exp:
            factors.append(f"N**({term.size_exp})")
        if term.kernel_exp:
            factors.append(f"k**({term.kernel_exp})")
        if term.log_exp:
            factors.append(f"log(N)**{term.log_exp}")
        terms.append("*".join(factors))
    return " + ".join(terms)


# ----------------------------------------------------------------------------
# 3. Regrading a class


FAMILY_SPEC = ROOT / "specs" / "hw3-per-student.yaml"


def regrade(count: int, workdir: Path, runs: int, spec: Path | None = None) -> dict:
    """Regrade timings of a synthetic export of `spec` (the default spec when None)."""
    chosen = ["--spec", str(spec)] if spec is not None else []
    export = workdir / ("export.zip" if spec is None else f"export-{spec.stem}.zip")
    generate = [PYTHON, "-I", "-m", "autograder", "synthetic", "--count", str(count), "--seed", "1",
                *chosen, str(export)]
    generate_seconds, code, _, tail = run_child(generate)
    if code != 0:
        return {"pending": f"synthetic export failed (exit {code}): {tail.strip()[-300:]}"}
    out = workdir / "regrade"
    command = [PYTHON, "-I", "-m", "autograder", "regrade", str(export), "--out", str(out), *chosen]
    bare = [PYTHON, "-c", "import sympy, numpy, yaml"]
    run_child(bare)  # warm the file cache
    seconds, codes, memory, summary, tail, cpu = [], [], 0.0, "", "", []
    bare_seconds, bare_cpu = [], []
    for _ in range(max(runs, 1)):
        shutil.rmtree(out, ignore_errors=True)
        with tempfile.TemporaryFile() as stdout:
            elapsed, code, peak, tail = run_child(command, stdout=stdout)
            stdout.seek(0)
            lines = stdout.read().decode("utf-8", "replace").splitlines()
        seconds.append(elapsed)
        cpu.append(last_cpu_seconds)
        codes.append(code)
        memory = max(memory, peak)
        summary = next((line for line in lines if line.startswith("Graded")), summary)
        bare_seconds.append(run_child(bare)[0])
        bare_cpu.append(last_cpu_seconds)
    graded = len(list((out / "results").glob("*.json"))) if (out / "results").is_dir() else 0
    return {"generate": generate_seconds, "seconds": seconds, "code": max(codes), "memory": memory,
            "graded": graded, "tail": tail, "summary": summary, "cpu": cpu,
            "bare": bare_seconds, "bare_cpu": bare_cpu, "export_mb": export.stat().st_size / 1e6}


# ----------------------------------------------------------------------------
# 5. Preparing a spec's references from nothing


def _stem_spec(side: int, channels: tuple[int, int], kernel: int, stride: int,
               padding: str) -> str:
    """A spec that is hw3.yaml with other layer sizes (the base, twice, four times)."""
    inputs, outputs = channels
    return (f"extends: {ROOT / 'specs' / 'hw3.yaml'}\n"
            f"configurations:\n"
            f"  base: {{side: {side}, in_channels: {inputs}, out_channels: {outputs}, "
            f"kernel: {kernel}, stride: {stride}, padding: {padding}}}\n"
            f"  doubled: {{from: base, side: {2 * side}}}\n"
            f"  doubled_twice: {{from: base, side: {4 * side}}}\n")


def prepare_specs(workdir: Path) -> list[tuple[str, Path]]:
    written = {
        "ResNet stem 224x224x3->64 k7 s2 SAME": _stem_spec(224, (3, 64), 7, 2, "SAME"),
        "worst 1024x1024x512->512 k11 s1 SAME": _stem_spec(1024, (512, 512), 11, 1, "SAME"),
        "worst 1024x1024x512->512 k11 s1 VALID": _stem_spec(1024, (512, 512), 11, 1, "VALID"),
    }
    specs = [("hw3", ROOT / "specs" / "hw3.yaml"),
             ("variant-32x32", ROOT / "specs" / "variant-32x32.yaml"),
             (FAMILY_ROW, FAMILY_SPEC)]
    for index, (name, text) in enumerate(written.items()):
        path = workdir / f"prepare-{index}.yaml"
        path.write_text(text, encoding="utf-8")
        specs.append((name, path))
    return specs


def preparing(workdir: Path) -> list[dict]:
    rows = []
    for name, spec in prepare_specs(workdir):
        cache = workdir / f"cache-{len(rows)}"
        env = {**os.environ, "AUTOGRADER_CACHE": str(cache)}
        command = [PYTHON, "-I", "-m", "autograder", "verify", "--spec", str(spec)]
        seconds, code, memory, tail = run_child(command, env=env)
        simulated, proxied, verified, checked = set(), set(), 0, 0
        for path in cache.glob("prepared-*.json"):  # a family caches each variant apart
            summary = json.loads(path.read_text(encoding="utf-8"))["verification"]
            simulated.update(summary.get("simulated_in_full", ()))
            proxied.update(summary.get("proved_on_proxies", {}))
            verified += summary.get("values_verified", 0)
            checked += summary.get("values_checked", 0)
        rows.append({"name": name, "seconds": seconds, "cpu": last_cpu_seconds, "code": code,
                     "memory": memory, "tail": tail, "simulated": len(simulated),
                     "proxied": len(proxied), "values": f"{verified}/{checked}"})
    return rows


def report_preparing(workdir: Path, misses: list[str]) -> None:
    print(f"\n5. preparing a spec's references from nothing (`autograder verify`, a fresh "
          f"subprocess and an empty cache each; target <= {TARGET_PREPARE_SECONDS:g} s and "
          f"<= {TARGET_PREPARE_MB} MB; a family, every variant, <= {TARGET_FAMILY_SECONDS:g} s)")
    print(f"   {'spec':40s} {'wall s':>7s} {'CPU s':>6s} {'peak MB':>8s}  configurations")
    for row in preparing(workdir):
        seconds = TARGET_FAMILY_SECONDS if row["name"] == FAMILY_ROW else TARGET_PREPARE_SECONDS
        ok = row["code"] == 0 and row["seconds"] <= seconds and row["memory"] <= TARGET_PREPARE_MB
        print(f"   {row['name']:40s} {row['seconds']:7.1f} {row['cpu']:6.1f} {row['memory']:8.0f}  "
              f"{row['simulated']} simulated in full, {row['proxied']} proved on proxies; "
              f"values {row['values']}, exit {row['code']}: {verdict(ok)}")
        if row["code"] != 0:
            print(f"     stderr: {row['tail'].strip()[-300:]}")
        if not ok:
            misses.append(f"preparing {row['name']}")


# ----------------------------------------------------------------------------


PARTS = ("cold", "big_o", "regrade", "regrade_family", "memory", "prepare")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold runs of each command (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=200,
                        help="timed passes over the Big-O answers (default %(default)s)")
    parser.add_argument("--sympy-rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000, help="synthetic submissions to regrade")
    parser.add_argument("--regrade-runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run (default: all of {', '.join(PARTS)})")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target is missed (the figures are printed either way)")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {', '.join(PARTS)}")

    installed = subprocess.run([PYTHON, "-I", "-c", "import autograder; print(autograder.__file__)"],
                               capture_output=True, text=True, cwd="/").stdout.strip()
    if not installed or Path(installed).resolve().parent.parent != ROOT.resolve():
        # The children run isolated (-I, as run_autograder does): they import the
        # package installed in this venv, which must be this checkout.
        print(f"benchmark: {PYTHON} does not import this checkout's autograder "
              f"({installed or 'not installed'}); run ./setup.sh --dev", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    flags = [name for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONOPTIMIZE", "AUTOGRADER_CACHE")
             if os.environ.get(name)]
    if flags:
        print("environment: " + ", ".join(f"{name}={os.environ[name]}" for name in flags)
              + (" (no __pycache__ is written: every start compiles the grader's modules)"
                 if "PYTHONDONTWRITEBYTECODE" in flags else ""))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    prepared = subprocess.run([PYTHON, "-I", "-m", "autograder.assignment.prepared"], capture_output=True, text=True, cwd=ROOT)
    print(f"references cache: {prepared.stdout.strip() or prepared.stderr.strip()[-200:]}")
    misses: list[str] = []

    with tempfile.TemporaryDirectory(prefix="hw3-bench-") as scratch:
        workdir = Path(scratch)
        cold = cold_grading(args.runs, workdir) if parts & {"cold", "memory"} else None
        if "cold" in parts:
            report_cold(cold, args, workdir, misses)
        if "big_o" in parts:
            report_big_o(args, misses)
        if "regrade" in parts:
            report_regrade(args, workdir, misses)
        if "regrade_family" in parts:
            report_regrade(args, workdir, misses, FAMILY_SPEC)
        if "prepare" in parts:
            report_preparing(workdir, misses)
        if "memory" in parts:
            memory = max(cold["grade_memory"])
            print(f"\n4. peak memory of one grading run (ru_maxrss via wait4): {memory:.0f} MB "
                  f"(bare import of sympy+numpy+yaml: {max(cold['bare_memory']):.0f} MB) "
                  f"(target <= {TARGET_MEMORY_MB} MB): {verdict(memory <= TARGET_MEMORY_MB)}")
            if memory > TARGET_MEMORY_MB:
                misses.append("memory")

    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    print("targets missed: " + (", ".join(misses) if misses else "none"))
    return 1 if misses and args.strict else 0


def report_cold(cold: dict, args, workdir: Path, misses: list[str]) -> None:
    grade_median, bare_median = statistics.median(cold["grade"]), statistics.median(cold["bare"])
    ratio = grade_median / bare_median
    print(f"\n1. cold grading of examples/solved through ./run_autograder ({args.runs} runs each, "
          f"interleaved; score {cold['score']:g}/{cold['max_score']:g})")
    print(f"   run_autograder: median {grade_median * 1e3:.0f} ms "
          f"(min {min(cold['grade']) * 1e3:.0f}, max {max(cold['grade']) * 1e3:.0f})")
    print(f"   python -c 'import sympy, numpy, yaml': median {bare_median * 1e3:.0f} ms "
          f"(min {min(cold['bare']) * 1e3:.0f}, max {max(cold['bare']) * 1e3:.0f})")
    print(f"   ratio {ratio:.2f} (target <= {TARGET_COLD_RATIO}): {verdict(ratio <= TARGET_COLD_RATIO)}")
    print(f"   {import_breakdown(workdir)}")
    if ratio > TARGET_COLD_RATIO:
        misses.append("cold ratio")


def report_big_o(args, misses: list[str]) -> None:
    big = warm_big_o(args.rounds, args.sympy_rounds)
    median_ms = statistics.median(big["samples"]) * 1e3
    p99_ms = _percentile(big["samples"], 0.99) * 1e3
    sympy_median_ms = statistics.median(big["sympy"]) * 1e3
    print(f"\n2. warm Big-O parse + grade, in process: {big['answers']} answers x {args.rounds} rounds "
          f"after warm-up (outcomes: {', '.join(big['outcomes'])})")
    print(f"   median {median_ms:.3f} ms, p99 {p99_ms:.3f} ms (target median < "
          f"{TARGET_BIG_O_MEDIAN_MS} ms): {verdict(median_ms < TARGET_BIG_O_MEDIAN_MS)}")
    print("   slowest answers (median): " + ", ".join(f"{text!r} {seconds * 1e3:.3f} ms"
                                                   for seconds, text in big["slowest"]))
    ours_mean_ms = statistics.fmean(big["samples"]) * 1e3
    sympy_mean_ms = statistics.fmean(big["sympy"]) * 1e3
    sympy_p99_ms = _percentile(big["sympy"], 0.99) * 1e3
    print(f"   mean {ours_mean_ms:.3f} ms")
    print(f"   SymPy limit grader on the same answers ({args.sympy_rounds} rounds, cache cleared "
          f"before each; sympify of our canonical rendering + limit, import not counted): median "
          f"{sympy_median_ms:.2f} ms ({sympy_median_ms / median_ms:,.1f}x ours), mean "
          f"{sympy_mean_ms:.2f} ms ({sympy_mean_ms / ours_mean_ms:,.1f}x), p99 {sympy_p99_ms:.1f} ms "
          f"({sympy_p99_ms / p99_ms:,.1f}x); verdicts agree on "
          f"{big['answers'] - len(big['disagreements'])}/{big['answers']}")
    for line in big["disagreements"]:
        print(f"     disagreement: {line}")
    if median_ms >= TARGET_BIG_O_MEDIAN_MS:
        misses.append("Big-O median")


def report_regrade(args, workdir: Path, misses: list[str], spec: Path | None = None) -> None:
    """Part 3; with `spec` (a family), its figures beside the plain ones,
    judged against no target."""
    which = "" if spec is None else f" of {spec.name} (a family of variants)"
    print(f"\n3. regrading {args.count:,} synthetic submissions{which} with autograder regrade")
    outcome = regrade(args.count, workdir, args.regrade_runs, spec)
    if "pending" in outcome:
        print(f"   pending: {outcome['pending']}")
        return
    best = min(outcome["seconds"])
    bare = min(outcome["bare"])
    ratio = best / bare
    judged = args.count == 1000 and spec is None  # the target is set for a class of 1,000
    print(f"   export generated in {outcome['generate']:.1f} s ({outcome['export_mb']:.1f} MB zip)")
    print(f"   wall time including start-up, {len(outcome['seconds'])} runs: "
          f"{', '.join(f'{s:.2f} s' for s in outcome['seconds'])}; {outcome['graded']} results "
          f"written, exit {outcome['code']}, peak memory {outcome['memory']:.0f} MB (ru_maxrss from wait4)")
    print(f"   CPU time (user + system, the command and its workers): "
          f"{', '.join(f'{c:.1f} s' for c in outcome['cpu'])}; "
          f"{min(outcome['cpu']) / max(args.count, 1) * 1e3:.1f} ms per submission")
    print(f"   regrade says: {outcome['summary']}")
    print(f"   python -c 'import sympy, numpy, yaml' between the runs: "
          f"{', '.join(f'{s:.2f} s' for s in outcome['bare'])}; CPU "
          f"{', '.join(f'{c:.2f} s' for c in outcome['bare_cpu'])}")
    print(f"   best {best:.2f} s = {ratio:.1f}x the best bare import ({bare:.2f} s) (target <= "
          f"{TARGET_REGRADE_RATIO:g}x for 1,000): "
          f"{verdict(ratio <= TARGET_REGRADE_RATIO) if judged else 'not judged for this count or spec'}; "
          f"{best / max(args.count, 1) * 1e3:.1f} ms wall per submission; CPU "
          f"{min(outcome['cpu']) / min(outcome['bare_cpu']):.1f}x the bare import's")
    if outcome["code"] not in (0, 1):
        print(f"   stderr: {outcome['tail']}")
    if judged and ratio > TARGET_REGRADE_RATIO:
        misses.append("regrade ratio")


if __name__ == "__main__":
    raise SystemExit(main())
