"""Build what leaves the repository: Gradescope's upload and the students' self-check bundle.

    autograder build autograder-zip [--spec SPEC] [--out ZIP] [--dry-run [--venv DIR]]
    autograder build dry-run [ZIP] [--spec SPEC] [--venv DIR] [--sample SHEET] [--keep]
    autograder build student-bundle [--spec SPEC] [--out dist/student_template.zip]

Both zips are deterministic (the same sources give the same bytes: sorted
entries, fixed timestamps, normalised modes), so a rebuilt zip can be
compared with the one uploaded by its checksum.

The dry run is the last step before uploading: it unpacks the zip into a
temporary copy of Gradescope's /autograder layout, installs it with the
zip's own setup.sh, grades the solved sample with the zip's own
run_autograder, and checks results.json. PASS means full marks for the
spec's solved sample; anything else exits 1. `autograder-zip --dry-run`
without --out builds into a temporary folder, so trying a variant never
replaces dist/autograder.zip. The solved sample is the spec's own:
examples/<spec name>/answers.yaml (examples/solved/ for the default spec),
or else the solved sheet written from the spec's proved references.

The student bundle holds the answer template, `check.py` and the parsing
modules it imports, copied from this repository so students' self-check
reads answers with exactly the grader's code. It never holds a reference:
the import closure is computed and refused if it reaches the spec, the
solutions or anything that computes answers. Students install nothing: the
pure-Python part of PyYAML (its `yaml` package without the C extension,
with its license) is copied into the bundle from the build environment,
whose PyYAML must be the version requirements.txt pins. The bundle runs on
Python 3.9+ (tests/test_student_bundle.py runs it under 3.9 and 3.13).
"""
from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path


from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.sheet_templates import numbers_words, template
from autograder.assignment.spec import DEFAULT_SPEC, Spec, every_variant, load_spec, variant_spec

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
EXAMPLES = ROOT / "examples"
SOLVED_SAMPLE = EXAMPLES / "solved" / "answers.yaml"
STUDENT_TEMPLATE = ROOT / "student_template"
CHECKER = STUDENT_TEMPLATE / "check.py"

#: The two scripts Gradescope runs; they must sit at the zip's root and be executable.
SCRIPTS = ("setup.sh", "run_autograder")
#: Packages shipped to Gradescope: the grader and the formulas it grades with.
PACKAGES = ("autograder", "solutions")
#: Tools that run on a TA's or instructor's machine, never on Gradescope: the
#: upload carries only what grading a submission needs.
NOT_FOR_GRADESCOPE = ("autograder/build/", "autograder/course/regrade.py",
                      "autograder/course/grading_pool.py", "autograder/course/gradebook.py",
                      "autograder/gradescope/export.py",
                      "autograder/course/report.py", "autograder/course/report_model.py",
                      "autograder/course/report_family.py", "autograder/course/report_output.py",
                      "autograder/course/plots.py",
                      "autograder/course/synthetic.py")

#: Zip timestamps are this fixed date (the earliest a zip can hold), so the
#: bytes depend on the content only.
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_UNIX = 3  # ZipInfo.create_system: makes unzip honour the modes below
_FILE_MODE, _EXECUTABLE_MODE = 0o100644, 0o100755

#: How long the dry run lets setup.sh install (a cold pip cache downloads
#: SymPy and numpy) and run_autograder grade (Gradescope's default limit).
INSTALL_TIMEOUT_SECONDS = 1800
GRADING_TIMEOUT_SECONDS = 600

#: The third-party packages the self-check may import (import name ->
#: distribution). Students install nothing: the build copies each one's
#: pure-Python modules and license into the bundle (see `vendored_files`).
VENDORED_FOR_STUDENTS = {"yaml": "PyYAML"}
#: Where the vendored packages' versions are pinned.
REQUIREMENTS = ROOT / "requirements.txt"
#: Modules that hold, compute or grade against references; the student bundle
#: must not import them, even indirectly.
NOT_FOR_STUDENTS = {
    "solutions": "holds the answer formulas",
    "autograder.assignment": "holds the spec, its references and their proof",
    "autograder.grading": "grades against the references",
    "autograder.gradescope": "grades against the references",
    "autograder.course": "holds the TA's tools and the answer key",
    "autograder.build": "reads the assignment spec",
}

#: The bundle's README.txt, written for students; {assignment} is the spec's
#: title, {exit_statuses} check.py's table of them, {yaml_version} PyYAML's,
#: {own_numbers} OWN_NUMBERS_README for a spec with a family, else nothing.
STUDENT_README = """\
{assignment} -- answer sheet and self-check
{own_numbers}
1. Fill in answers.yaml
   Open answers.yaml in any text editor (VS Code, Notepad, TextEdit in plain-text
   mode) and write each answer after its colon. The comments at the top of the
   file show the ways numbers, shapes, Big-O and written answers can be typed.
   Leave a blank empty if you do not know it, but never delete or rename a key.

2. Check how your answers are read
   Open a terminal in this folder and run (Python 3.9 or newer, nothing to install):

       macOS:    python3 check.py answers.yaml
       Windows:  py check.py answers.yaml
       Linux:    python3 check.py answers.yaml

   A terminal in this folder: on Windows, type cmd in File Explorer's address
   bar; on macOS, open Terminal, type cd and a space, drag this folder onto it,
   and press Return. No Python yet? On macOS, python3 offers to install it;
   elsewhere, get it from python.org.

   For every answer it prints how the autograder reads it, for example
   "read as the shape 20 × 20". It also lists the blanks you left empty, the
   answers it could not read (with a hint on how to write them), and keys it
   does not know (usually a typo). Fix anything that is not read the way you
   meant, then run it again.

   check.py does NOT know the answers: it cannot tell you whether an answer
   is right, only whether the autograder understands what you wrote.

   Keep the folders autograder/ and yaml/ next to check.py: they are the
   autograder's own reading code and PyYAML {yaml_version} (MIT license, in
   yaml/LICENSE), which reads the sheet. When check.py cannot go on it says
   why in one line; its exit status says which kind of failure it was:
{exit_statuses}

3. Submit answers.yaml on Gradescope
   Upload the file itself (answers.yaml), not this folder or the zip.
   Do not write your name in it.
"""

#: README.txt's first step when every student has their own numbers: the
#: bundle holds no answers.yaml, check.py writes each student's own.
OWN_NUMBERS_README = """
0. Get your own answer sheet
   Every student has their own numbers in this homework (the layer's sizes),
   drawn from their email. In a terminal in this folder (see step 2), run
   check.py with your school email, the one Gradescope knows you by:

       macOS:    python3 check.py --email you@school.edu
       Windows:  py check.py --email you@school.edu
       Linux:    python3 check.py --email you@school.edu

   It prints your numbers and writes answers.yaml, your own answer sheet,
   with your numbers at its top and the line `variant: N`, which you must
   keep as it is. Answer for YOUR numbers: a sheet filled for someone
   else's numbers earns no credit. Already filled a sheet without your
   numbers? The same command, run where it is, writes your own sheet beside
   it (answers-variant-N.yaml) for you to copy your answers into.
"""


class BuildError(Exception):
    """A zip cannot be built as asked; the message says what to fix."""


# ---------------------------------------------------------------------------
# Deterministic zips


def write_zip(path: Path, files: dict[str, bytes], executables: frozenset[str] = frozenset()) -> None:
    """Write `files` (zip name -> content) to `path`, byte-for-byte reproducibly.

    Entries are sorted, dated FIXED_DATE_TIME and marked as Unix files
    (0644, or 0755 for `executables`), and the zip replaces `path` only when
    complete, so an interrupted build never leaves a truncated upload behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = (_EXECUTABLE_MODE if name in executables else _FILE_MODE) << 16
            archive.writestr(info, files[name], compresslevel=9)
    os.replace(partial, path)


def describe_zip(path: Path) -> str:
    """'dist/x.zip: 123,456 bytes, 42 files', for the build's and dry run's report."""
    with zipfile.ZipFile(path) as archive:
        count = sum(not info.is_dir() for info in archive.infolist())
    return f"{_shown(path)}: {path.stat().st_size:,} bytes, {count} files"


def _shown(path: Path) -> str:
    """`path` relative to the repository when it is inside it, for short messages."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# The Gradescope upload


def autograder_files(spec_path: Path = DEFAULT_SPEC) -> dict[str, bytes]:
    """Every file of the Gradescope zip, by its name in the zip.

    The spec is validated first (a broken spec is a build error, not a
    failure on the first student's submission) and shipped in specs/ with
    every spec it extends; when it is not the code's default, the zip names
    it in specs/DEFAULT, which the grader reads for its default.
    """
    spec_path = Path(spec_path)
    spec = load_spec(spec_path)
    files = {"requirements.txt": pinned_requirements(ROOT / "requirements.txt"),
             # setup.sh installs the package from it (see pyproject.toml)
             "pyproject.toml": (ROOT / "pyproject.toml").read_bytes()}
    files.update(spec_files(spec))
    files.update(_scripts())
    if spec.path.resolve() != DEFAULT_SPEC.resolve():
        files["specs/DEFAULT"] = f"{spec.path.name}\n".encode()
    for package in PACKAGES:
        files.update({name: data for name, data in package_files(package).items()
                      if not name.startswith(NOT_FOR_GRADESCOPE)})
    return files


def spec_files(spec: Spec) -> dict[str, bytes]:
    """The spec and the specs it `extends`, by their names in the zip: specs/
    holds them where they were relative to the chosen spec, so each finds
    its parent as it did here. A parent outside the spec's folder is refused."""
    folder = spec.path.resolve().parent
    files = {}
    for path in (p.resolve() for p in spec.files):
        if not path.is_relative_to(folder):
            raise BuildError(f"{spec.path} extends {path}, outside its folder; move them together.")
        files[f"specs/{path.relative_to(folder).as_posix()}"] = path.read_bytes()
    return files


def build_autograder_zip(spec_path: Path = DEFAULT_SPEC, out: Path = DIST / "autograder.zip",
                         log=print) -> Path:
    files = autograder_files(spec_path)
    prove_every_variant(load_spec(spec_path), log)
    write_zip(out, files, executables=frozenset(SCRIPTS))
    return out


def prove_every_variant(spec: Spec, log=print) -> None:
    """A spec with a family ships only when every variant's references are
    proved (and cached here, for a dry run to reuse): a variant the
    simulation contradicts would leave its students' items ungraded, so the
    build is refused, naming it."""
    if spec.family is None:
        return
    from autograder.assignment.prepared import load_or_prepare

    started = time.perf_counter()
    for variant in every_variant(spec)[1:]:
        contradicted = load_or_prepare(variant).verification["contradicted"]
        if contradicted:
            raise BuildError(f"{variant.variant.label} ({variant.variant.settings()}) of "
                             f"{spec.path.name} cannot be graded: the simulation contradicts "
                             f"{contradicted[0]}")
    log(f"proved the references of all {len(spec.family.variants)} variants of {spec.path.name} "
        f"in {time.perf_counter() - started:.1f} s")


def package_files(package: str) -> dict[str, bytes]:
    """The shipped files of a package folder: sources and data, without tests or caches."""
    files = {}
    for folder, subfolders, names in os.walk(ROOT / package):
        subfolders[:] = sorted(name for name in subfolders if _is_shipped(name))
        for name in sorted(names):
            if _is_shipped(name):
                path = Path(folder) / name
                files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    return files


def _is_shipped(name: str) -> bool:
    """False for hidden files, caches, compiled files, editor leftovers and tests."""
    return not (name.startswith((".", "test_")) or name in ("__pycache__", "tests", "conftest.py")
                or name.endswith(("~", ".pyc", ".pyo", ".swp", ".orig", ".rej", ".partial")))


def pinned_requirements(path: Path) -> bytes:
    """The requirements file at `path`, refused unless every requirement is pinned with ==.

    Gradescope builds its image once per upload; an unpinned requirement
    would make two uploads of the same zip grade with different libraries.
    A -r or -c line would name a file the zip does not carry.
    """
    data = path.read_bytes()
    for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
        requirement = line.split("#", 1)[0].strip()
        if requirement.startswith(("-r", "-c", "--requirement", "--constraint")):
            raise BuildError(f"requirements.txt line {number} includes another file, which the "
                             f"zip does not carry: {line.strip()}")
        if requirement and not requirement.startswith("-") and "==" not in requirement:
            raise BuildError(f"requirements.txt line {number} is not pinned with ==: {line.strip()}")
    return data


def _scripts() -> dict[str, bytes]:
    """setup.sh and run_autograder as they are; CRLF line endings, which bash
    on Gradescope cannot run, are a build error."""
    scripts = {}
    for name in SCRIPTS:
        data = (ROOT / name).read_bytes()
        if b"\r\n" in data:
            raise BuildError(f"{name} has Windows (CRLF) line endings, which bash on Gradescope "
                             "cannot run; convert it to LF.")
        scripts[name] = data
    return scripts


# ---------------------------------------------------------------------------
# The dry run


@dataclass
class DryRun:
    """What the dry run saw: the grader's exit code, the score it gave, how
    results.json fared against the schema, and the time each step took."""

    exit_code: int | None = None
    folder: Path | None = None  # the temporary /autograder, when kept
    score: float | None = None
    max_score: float | None = None
    schema: str = "not checked"
    install_seconds: float = 0.0
    grade_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and bool(self.max_score) and self.score == self.max_score


def dry_run(zip_path: Path, *, venv: Path | None = None, sample: Path = SOLVED_SAMPLE,
            keep: bool = False, log=print) -> DryRun:
    """Install and run `zip_path` as Gradescope would, in a temporary folder, on `sample`.

    `venv` (an environment with the requirements installed) skips setup.sh,
    reusing this checkout's prepared references; otherwise the zip's setup.sh
    installs into a venv in the temporary folder (with pip's usual cache) and
    prepares them. `keep` leaves the folder for inspection. `sample` must
    deserve full marks.
    """
    report = DryRun()
    base = Path(tempfile.mkdtemp(prefix="autograder-dry-run-")) / "autograder"
    try:
        _dry_run_in(base, Path(zip_path), venv, Path(sample), report, log)
    finally:
        if keep:
            report.folder = base
            log(f"dry run: kept {base}")
        else:
            shutil.rmtree(base.parent, ignore_errors=True)
    return report


def _dry_run_in(base: Path, zip_path: Path, venv: Path | None, sample: Path, report: DryRun,
                log) -> None:
    source, submission, results = base / "source", base / "submission", base / "results"
    for folder in (source, submission, results):
        folder.mkdir(parents=True)
    extract_with_modes(zip_path, source)
    shutil.copy2(sample, submission / "answers.yaml")
    environment = _clean_environment()

    started = time.perf_counter()
    if venv is None:
        venv = base / "venv"
        install = _run([str(source / "setup.sh")], source, {**environment, "VENV": str(venv)},
                       INSTALL_TIMEOUT_SECONDS)
        report.install_seconds = time.perf_counter() - started
        if install.returncode != 0:
            report.problems.append(f"setup.sh failed (exit {install.returncode}):\n"
                                   + _tail(install.stdout + install.stderr))
            return
        log(f"dry run: setup.sh installed {venv} in {report.install_seconds:.1f} s")
    else:
        venv = Path(venv).absolute()
        if not (venv / "bin" / "python").exists():
            report.problems.append(f"--venv {venv} has no bin/python")
            return
        reused = _reuse_prepared_references(source / ".cache")
        log(f"dry run: using the existing environment {venv} (no install); reusing {reused} "
            "prepared reference file(s) of this checkout")

    results_file = results / "results.json"
    started = time.perf_counter()
    # From Gradescope's working directory. Gradescope runs a copy of the script
    # at /autograder/run_autograder, which the script recognises by that exact
    # path, so the dry run, elsewhere, runs the original in source/.
    graded = _run([str(source / "run_autograder"), "--submission", str(submission),
                   "--results", str(results_file)],
                  base, {**environment, "AUTOGRADER_VENV": str(venv)}, GRADING_TIMEOUT_SECONDS)
    report.grade_seconds = time.perf_counter() - started
    report.exit_code = graded.returncode
    log(f"dry run: run_autograder exited {graded.returncode} after {report.grade_seconds:.1f} s")
    if graded.returncode != 0:
        report.problems.append(f"run_autograder exited {graded.returncode}:\n"
                               + _tail(graded.stdout + graded.stderr))
    if not results_file.exists():
        report.problems.append("run_autograder wrote no results.json")
        return
    try:
        document = json.loads(results_file.read_text(encoding="utf-8"),
                              parse_constant=_refuse_constant)
    except ValueError as error:
        report.problems.append(f"results.json is not valid JSON: {error}")
        return
    report.schema = _schema_check(document, source / "autograder" / "gradescope" / "results.schema.json")
    if report.schema.startswith("INVALID"):
        report.problems.append(f"results.json does not match the schema: {report.schema}")
    tests = document.get("tests", [])
    report.score = document.get("score", sum(test.get("score", 0) for test in tests))
    report.max_score = sum(test.get("max_score", 0) for test in tests)
    if report.score != report.max_score:
        lost = [f"{test.get('name')}: {test.get('score')}/{test.get('max_score')}"
                for test in tests if test.get("score") != test.get("max_score")]
        report.problems.append("the sample did not get full marks; lost on:\n  " + "\n  ".join(lost))


def _reuse_prepared_references(cache: Path) -> int:
    """Copy this checkout's prepared references into the unpacked zip's cache;
    how many were copied.

    setup.sh prepares them on Gradescope, and a dry run that skips setup.sh
    would otherwise prove them again while grading (tens of seconds). They
    are keyed by the content of the spec and of the code that computes them,
    so one that does not match the zip is never used: grading then prepares
    its own, as it would without this.
    """
    from autograder.assignment.prepared import CACHE_DIR

    cache.mkdir(parents=True, exist_ok=True)
    prepared = sorted(CACHE_DIR.glob("prepared-*.json"))
    for path in prepared:
        shutil.copy2(path, cache / path.name)
    return len(prepared)


def _run(command: list[str], cwd: Path, environment: dict[str, str],
         timeout: float) -> subprocess.CompletedProcess:
    """Run `command`; one that outlives `timeout` is stopped and reported as exit 124 (timeout(1)'s code)."""
    try:
        return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        output = "".join(part.decode(errors="replace") if isinstance(part, bytes) else part or ""
                         for part in (expired.stdout, expired.stderr))
        return subprocess.CompletedProcess(command, 124, output + f"\n(stopped after {timeout:g} s)", "")


def extract_with_modes(zip_path: Path, destination: Path) -> None:
    """Unzip like unzip(1) does, keeping each entry's Unix mode (zipfile drops
    them, which would hide a script shipped without its executable bit)."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            target = (destination / info.filename).resolve()
            if not target.is_relative_to(destination.resolve()):
                raise BuildError(f"{zip_path} has an entry outside its root: {info.filename}")
            archive.extract(info, destination)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                target.chmod(mode)


def _clean_environment() -> dict[str, str]:
    """This process's environment without the variables that would make the
    zip grade with files from outside it (a spec, a cache, a Python path)."""
    ignored = {"PYTHONPATH", "PYTHONHOME", "AUTOGRADER_SPEC", "AUTOGRADER_CACHE", "AUTOGRADER_VENV",
               "VIRTUAL_ENV", "VENV"}
    return {name: value for name, value in os.environ.items() if name not in ignored}


def _schema_check(document: dict, schema_path: Path) -> str:
    """'valid', 'INVALID: ...', or why it was skipped (jsonschema is a test dependency)."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return "skipped (jsonschema is not installed here)"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        return "INVALID: " + "; ".join(f"{'/'.join(map(str, e.path)) or '(top)'}: {e.message}"
                                       for e in errors[:5])
    return "valid"


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON (Gradescope cannot read it)")


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def print_dry_run(report: DryRun, log=print) -> None:
    score = "none" if report.score is None else f"{report.score:g}/{report.max_score:g}"
    log(f"dry run: results.json schema: {report.schema}")
    log(f"dry run: score {score}")
    for problem in report.problems:
        log(f"dry run: problem: {problem}")
    log("PASS" if report.passed else "FAIL")


# ---------------------------------------------------------------------------
# The students' self-check bundle


def item_manifest(spec: Spec) -> dict:
    """What the self-check needs to know about the sheet: every blank's key,
    number, name and kind, and what one number means for a shape item (the
    wording the grader uses too). Nothing about values or how they are graded.

    For a spec with a family, also the family (see `family_manifest`)."""
    manifest: dict = {"items": _manifest_items(spec)}
    if spec.family is not None:
        manifest["family"] = family_manifest(spec)
    return manifest


def _manifest_items(spec: Spec) -> list[dict]:
    return [{"key": item.key, "number": item.number, "name": item.name, "kind": item.kind,
             **({"one_number_means": item.one_number_means} if item.one_number_means else {})}
            for item in spec.items]


def family_manifest(spec: Spec) -> dict:
    """What the self-check needs to give a student their own numbers: the
    draw (the salt, how many variants, the group rule: the grader's, through
    the same `variant_index`), the sheet's key that records a variant, and
    for each variant its numbers (the layer's givens, in words), its items
    and its personal template.

    The salt is not a secret: it keeps another course's draw from predicting
    this one's, and anyone may compute anyone's variant with it. What keeps
    a posted sheet from serving the class is that the variants differ, not
    that they are hidden; no variant's answers are here."""
    family = spec.family
    return {
        "salt": family.salt,
        "count": len(family.variants),
        "group": family.group,
        "variant_key": VARIANT_KEY,
        "variants": [{"number": own.variant.number, "numbers": numbers_words(own),
                      "items": _manifest_items(own), "template": template(own)}
                     for own in (variant_spec(spec, variant.number) for variant in family.variants)],
    }


def student_bundle_files(spec_path: Path = DEFAULT_SPEC) -> dict[str, bytes]:
    """Every file of the students' zip, by its name in the zip. The answer
    sheet is written from the spec (for the default spec it is
    student_template/answers.yaml, which is kept equal to it). When every
    student has their own numbers (a spec with a family) there is no
    course-wide sheet in it: check.py --email writes each student's own,
    from items.json."""
    spec = load_spec(spec_path)
    closure = checker_closure()
    vendored: dict[str, bytes] = {}
    for import_name in sorted(closure.vendored):
        vendored.update(vendored_files(import_name, VENDORED_FOR_STUDENTS[import_name]))
    readme = STUDENT_README.format(
        assignment=spec.assignment,
        own_numbers=OWN_NUMBERS_README if spec.family is not None else "",
        yaml_version=importlib.metadata.version(VENDORED_FOR_STUDENTS["yaml"]),
        exit_statuses="\n".join(textwrap.fill(meaning, width=80, initial_indent=f"     {code}  ",
                                               subsequent_indent=" " * 8)
                                 for code, meaning in exit_statuses()))
    manifest = json.dumps(item_manifest(spec), indent=1, ensure_ascii=False) + "\n"
    files = {
        **({} if spec.family is not None else {"answers.yaml": template(spec).encode("utf-8")}),
        "check.py": CHECKER.read_bytes(),
        "README.txt": readme.encode("utf-8"),
        "items.json": manifest.encode("utf-8"),
        **vendored,
    }
    for path in closure.modules:
        files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    return files


def exit_statuses(checker: Path = CHECKER) -> tuple[tuple[int, str], ...]:
    """check.py's EXIT_STATUSES table, read from its source (importing it would
    run its start-up), so that README.txt documents the codes check.py uses."""
    for node in ast.parse(checker.read_bytes(), filename=str(checker)).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "EXIT_STATUSES"
                                                for target in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise BuildError(f"{_shown(checker)} has no EXIT_STATUSES table for README.txt")


def vendored_files(import_name: str, distribution: str,
                   requirements: Path = REQUIREMENTS) -> dict[str, bytes]:
    """The pure-Python modules of the installed package `import_name` and its
    license, by their names in the bundle (`yaml/reader.py`, `yaml/LICENSE`).

    The repository does not vendor them: they come from the build environment,
    which must have the version `requirements` pins, so the students' reader is
    the grader's. Compiled extensions are left out (they would fit one Python
    and one platform; the package must run without them, as PyYAML does), and
    a module importing anything but the standard library and the package
    itself is refused: students have nothing else.
    """
    pinned = pinned_version(distribution, requirements)
    try:
        installed = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise BuildError(f"{distribution} is not installed here, so it cannot be copied into the "
                         f"student bundle: pip install -r {_shown(requirements)}") from None
    if installed.version != pinned:
        raise BuildError(f"{distribution} {installed.version} is installed here but "
                         f"{_shown(requirements)} pins {pinned}; the bundle must carry the grader's "
                         f"version: pip install -r {_shown(requirements)}")
    found = importlib.util.find_spec(import_name)
    if found is None or not found.submodule_search_locations:
        raise BuildError(f"{import_name} is not an installed package")
    package = Path(list(found.submodule_search_locations)[0])
    files: dict[str, bytes] = {}
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        relative = path.relative_to(package.parent)
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        own_package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for name, _ in _imports(path, own_package):
            top = name.split(".")[0]
            if not (top in sys.stdlib_module_names or top in ("__future__", import_name)):
                raise BuildError(f"{distribution}'s {module} imports {name}, which students do not "
                                 "have; it cannot be vendored into the student bundle.")
        files[relative.as_posix()] = path.read_bytes()
    licenses = [file for file in installed.files or ()
                if file.name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))]
    if len(licenses) != 1:
        raise BuildError(f"{distribution}'s license file was not found in its installed metadata "
                         f"({len(licenses)} candidates); the bundle must carry it.")
    files[f"{import_name}/LICENSE"] = Path(installed.locate_file(licenses[0])).read_bytes()
    return files


def pinned_version(distribution: str, requirements: Path = REQUIREMENTS) -> str:
    """The version `requirements` pins for `distribution` (`PyYAML==6.0.3`)."""
    wanted = _normalized_name(distribution)
    pins = set()
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;#]+)", line)
        if match and _normalized_name(match.group(1)) == wanted:
            pins.add(match.group(2))
    if len(pins) != 1:
        raise BuildError(f"{_shown(requirements)} must pin exactly one version of {distribution} "
                         f"(found {sorted(pins) or 'none'}); the student bundle carries that version.")
    return pins.pop()


def _normalized_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def build_student_bundle(spec_path: Path = DEFAULT_SPEC,
                         out: Path = DIST / "student_template.zip") -> Path:
    write_zip(out, student_bundle_files(spec_path), executables=frozenset({"check.py"}))
    return out


@dataclass(frozen=True)
class CheckerClosure:
    """What the self-check imports: the repository's modules (paths under the
    root) and the VENDORED_FOR_STUDENTS packages (import names) it reaches."""
    modules: list[Path]
    vendored: frozenset[str]


def checker_modules(entry: Path = CHECKER, root: Path = ROOT) -> list[Path]:
    """The modules under `root` that the self-check `entry` needs (see `checker_closure`)."""
    return checker_closure(entry, root).modules


def checker_closure(entry: Path = CHECKER, root: Path = ROOT) -> CheckerClosure:
    """The modules under `root` and the vendored packages that the self-check
    `entry` needs, found by following imports.

    Imports are followed from `entry` through every module it reaches, as
    Python would run them on import: module-level imports, including those
    under `if`/`try`, but not those inside functions (which run only when
    called: check.py's reading of the spec in the repository is one) nor
    under `if TYPE_CHECKING:`. Parent packages' __init__ files are included.
    A VENDORED_FOR_STUDENTS package is recorded, not followed (it is shipped
    whole). Raises BuildError, naming the chain of imports, when a module
    reaches one of NOT_FOR_STUDENTS or a library students do not have.
    """
    imported_by: dict[str, str] = {}
    files: dict[str, Path] = {}
    vendored: set[str] = set()
    pending = [(entry.name, entry, "")]
    while pending:
        module, path, package = pending.pop()
        for name, required in _imports(path, package):
            for candidate in _with_parents(name):
                if candidate in files or candidate in imported_by:
                    continue
                top = candidate.split(".")[0]
                if top in VENDORED_FOR_STUDENTS:
                    vendored.add(top)
                    continue
                if top in sys.stdlib_module_names or top == "__future__":
                    continue
                imported_by[candidate] = module
                chain = _chain(candidate, imported_by)
                forbidden = next((reason for forbidden_name, reason in NOT_FOR_STUDENTS.items()
                                  if candidate == forbidden_name
                                  or candidate.startswith(forbidden_name + ".")), None)
                if forbidden:
                    raise BuildError(f"the self-check would import {candidate}, which {forbidden} "
                                     f"({chain}); students must not get it.")
                if top != "autograder":
                    raise BuildError(f"the self-check would import {candidate} ({chain}), which is "
                                     "neither in the standard library nor vendored into the bundle "
                                     "(VENDORED_FOR_STUDENTS); students have only those.")
                module_path = _module_path(candidate, root)
                if module_path is None:
                    if required or candidate != name:
                        raise BuildError(f"the self-check imports {candidate} ({chain}), which "
                                         "does not exist in this repository.")
                    continue  # `from package import name` named a function or class
                files[candidate] = module_path
                own_package = candidate if module_path.name == "__init__.py" else candidate.rpartition(".")[0]
                pending.append((candidate, module_path, own_package))
    return CheckerClosure(sorted(files.values()), frozenset(vendored))


def _imports(path: Path, package: str):
    """(module name, whether it must be a module) for each import run when
    `path` is imported; `package` resolves relative imports."""
    statements = list(ast.parse(path.read_bytes(), filename=str(path)).body)
    while statements:
        node = statements.pop()
        if isinstance(node, ast.Import):
            yield from ((alias.name, True) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            yield base, True
            yield from ((f"{base}.{alias.name}", False) for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            statements.extend(node.orelse)
        else:
            statements.extend(child for child in ast.iter_child_nodes(node)
                              if isinstance(child, (ast.stmt, ast.excepthandler)))


def _with_parents(name: str) -> list[str]:
    """'a.b.c' -> ['a', 'a.b', 'a.b.c']: importing a module runs its packages' __init__ first."""
    parts = name.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _module_path(name: str, root: Path) -> Path | None:
    base = root.joinpath(*name.split("."))
    for path in (base / "__init__.py", base.with_suffix(".py")):
        if path.is_file():
            return path
    return None


def _chain(name: str, imported_by: dict[str, str]) -> str:
    """'check.py -> autograder.answers.number -> autograder.assignment.prepared', for messages."""
    links = [name]
    while links[-1] in imported_by:
        links.append(imported_by[links[-1]])
    return " -> ".join(reversed(links))


# ---------------------------------------------------------------------------
# Command line


def main(argv: list[str] | None = None, prog: str = "autograder build") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    upload = commands.add_parser("autograder-zip", help="the zip to upload to Gradescope")
    upload.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="assignment spec (default: %(default)s)")
    upload.add_argument("--out", type=Path,
                        help=f"default: {_shown(DIST / 'autograder.zip')}; with --dry-run, a "
                             "temporary file removed afterwards")
    upload.add_argument("--dry-run", action="store_true", help="then install and test it as Gradescope would")
    _dry_run_options(upload)

    rehearse = commands.add_parser("dry-run", help="install and test a built zip as Gradescope would")
    rehearse.add_argument("zip", type=Path, nargs="?", default=DIST / "autograder.zip",
                          help="default: %(default)s")
    rehearse.add_argument("--spec", type=Path, default=DEFAULT_SPEC,
                          help="the spec the zip was built for, whose solved sample is graded "
                               "(default: %(default)s)")
    _dry_run_options(rehearse)

    bundle = commands.add_parser("student-bundle", help="the answer template with its self-check")
    bundle.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="assignment spec (default: %(default)s)")
    bundle.add_argument("--out", type=Path, default=DIST / "student_template.zip", help="default: %(default)s")

    args = parser.parse_args(argv)
    try:
        if args.command == "student-bundle":
            print(f"wrote {describe_zip(build_student_bundle(args.spec, args.out))}")
            return 0
        with tempfile.TemporaryDirectory(prefix="autograder-build-") as scratch:
            return _build_and_try(args, Path(scratch))
    except BuildError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2


def _build_and_try(args: argparse.Namespace, scratch: Path) -> int:
    """The autograder-zip and dry-run subcommands; `scratch` holds what is
    built only to be tried (a dry run's zip without --out, a written sample)."""
    if args.command == "dry-run":
        zip_path = args.zip
        if not zip_path.is_file():
            raise BuildError(f"{zip_path} does not exist; build it with "
                             "`autograder build autograder-zip`.")
    else:
        zip_path = args.out or (scratch / "autograder.zip" if args.dry_run else DIST / "autograder.zip")
        started = time.perf_counter()
        build_autograder_zip(args.spec, zip_path)
        print(f"wrote {describe_zip(zip_path)} (spec {args.spec.name}) "
              f"in {time.perf_counter() - started:.1f} s")
        if not args.dry_run:
            return 0
    sample = args.sample or solved_sample(args.spec, scratch)
    print(f"dry run of {describe_zip(zip_path)} on {_shown(sample)}")
    report = dry_run(zip_path, venv=args.venv, sample=sample, keep=args.keep)
    print_dry_run(report)
    return 0 if report.passed else 1


def solved_sample(spec_path: Path, scratch: Path) -> Path:
    """The answer sheet that deserves full marks under `spec_path`: the one
    kept in examples/ for it, or else its solved sheet written into `scratch`
    from its proved references."""
    kept = SOLVED_SAMPLE if Path(spec_path).resolve() == Path(DEFAULT_SPEC).resolve() \
        else EXAMPLES / Path(spec_path).stem / "answers.yaml"
    if kept.is_file():
        return kept
    from autograder.assignment.prepared import load_or_prepare
    from autograder.assignment.sheet_templates import solved

    spec = load_spec(spec_path)
    written = scratch / "answers.yaml"
    written.write_text(solved(spec, load_or_prepare(spec)), encoding="utf-8")
    return written


def _dry_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--venv", type=Path,
                        help="an environment with the requirements installed: skips setup.sh "
                             "(install and reference preparation), for speed")
    parser.add_argument("--sample", type=Path,
                        help="an answer sheet that deserves full marks (default: the spec's solved "
                             "sample, examples/<spec name>/answers.yaml, or else its solved sheet "
                             "written from the proved references)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary /autograder folder")


if __name__ == "__main__":
    raise SystemExit(main())
