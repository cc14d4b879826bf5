"""Self-check for your HW3 answer sheet: shows how the autograder READS each answer.

    python check.py answers.yaml

Needs only Python 3.10 or newer and PyYAML (install it with:
python -m pip install pyyaml). It reads answers with the autograder's own
code, so what it prints is what the autograder will understand.

It prints, for every answer, how it was read ("read as the shape 20 × 20"),
the blanks left empty, the answers it could not read with a hint on how to
write them, and keys that are not in the template (usually typos). It knows
no answers: it never says whether an answer is right.

Exit status: 0 nothing to fix; 1 something in the sheet to fix (an answer
that cannot be read, an unknown key, a sheet that cannot be read); 2 this
check could not run.
"""
import sys

EXIT_CLEAN, EXIT_FIX, EXIT_CANNOT_RUN = 0, 1, 2

if sys.version_info < (3, 10):
    print("check.py needs Python 3.10 or newer; this is Python "
          f"{sys.version.split()[0]}. Install a newer Python from python.org.", file=sys.stderr)
    sys.exit(EXIT_CANNOT_RUN)

import argparse  # noqa: E402  (after the version check, which must run on any Python)
import json  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
#: In the students' bundle the grader's parsing modules sit next to this
#: file; in the repository they are in the folder above student_template/.
CODE_ROOT = HERE if (HERE / "autograder").is_dir() else HERE.parent
sys.path.insert(0, str(CODE_ROOT))
#: The sheet's items (keys, numbers, names, kinds), written by the bundle's build.
ITEMS_FILE = HERE / "items.json"

try:
    from autograder import wording
    from autograder.kinds import big_o, number, ratio, shape
    from autograder.kinds.errors import ParseError
    from autograder.sheet import SubmissionError, read_submission
except ModuleNotFoundError as missing:
    if missing.name != "yaml":
        raise
    print("check.py shows how the autograder reads your answers.yaml. It needs PyYAML:\n"
          "    python -m pip install pyyaml\n"
          "(python3 instead of python on macOS and Linux), then run it again.", file=sys.stderr)
    sys.exit(EXIT_CANNOT_RUN)

#: The reader of each graded kind; written answers are graded by hand.
READERS = {"number": number, "shape": shape, "big_o": big_o, "ratio": ratio}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="check.py",
        description="Show how the autograder reads each answer of your answer sheet. "
                    "Needs Python 3.10+ and PyYAML (python -m pip install pyyaml). "
                    "It knows no answers and never says whether one is right.")
    parser.add_argument("sheet", nargs="?", default="answers.yaml", type=Path,
                        help="your answer sheet, or the folder holding it (default: %(default)s)")
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a console that cannot show × shows ? instead of failing
        sys.stdout.reconfigure(errors="replace")

    if not args.sheet.exists():
        print(f"{args.sheet} does not exist: run check.py in the folder that holds your "
              "answers.yaml, or give the sheet's path.", file=sys.stderr)
        return EXIT_CANNOT_RUN
    manifest = load_manifest()
    try:
        sheet = read_submission(args.sheet)
    except SubmissionError as error:
        print(f"Your answer sheet could not be read:\n{error.message}")
        return EXIT_FIX
    report = check(sheet, manifest)
    print("\n".join(report.lines))
    return EXIT_FIX if report.to_fix else EXIT_CLEAN


def load_manifest() -> dict:
    """The items of the sheet: items.json in the bundle, the assignment spec in the repository."""
    if ITEMS_FILE.is_file():
        return json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    from autograder.build import item_manifest
    from autograder.spec import load_spec

    return item_manifest(load_spec())


class Report:
    """The lines to print and whether any of them asks the student to fix something."""

    def __init__(self):
        self.lines = []
        self.to_fix = False

    def section(self, title, entries, *, to_fix=False):
        if entries:
            self.lines += ["", f"{title} ({len(entries)}):"] + [f"  {entry}" for entry in entries]
            self.to_fix = self.to_fix or to_fix


def check(sheet, manifest: dict) -> Report:
    """How every item of `manifest` is read in `sheet`, and what is empty or unknown."""
    report = Report()
    report.lines += [f"How the autograder reads {sheet.path}",
                     "(this check knows no answers: it only shows how each one is read)"]
    read, empty, unreadable = [], [], []
    variable = size_variable(sheet, manifest)
    for item in manifest["items"]:
        label = f"{item['number']:<7} {item['key']}"
        answer = sheet.get(item["key"])
        if answer is None or not answer.strip():
            if item["kind"] != "feedback":  # optional
                empty.append(f"{label}  ({VARIABLE_PROMPT if item['kind'] == 'variable' else item['name']})")
        elif item["kind"] in ("written", "feedback"):
            words = len(answer.split())
            how = "graded by hand" if item["kind"] == "written" else "optional, never graded"
            read.append(f"{label}: a written answer of {words} word{'s' * (words != 1)} ({how})")
        elif item["kind"] == "variable":
            if variable is None:
                unreadable.append(f"{label}: could not tell whether your letter means the image side "
                                  f"or the number of pixels\n{'':<10}hint: {VARIABLE_PROMPT}")
            else:
                read.append(f"{label}: your Big-O letter means {big_o.SIZE_WORDS[variable]}")
        else:
            outcome, text = read_answer(item["kind"], answer, variable, item.get("one_number_means", ""))
            (read if outcome == "read" else unreadable).append(f"{label}: {text}")
    report.section("Read", read)
    report.section("Left empty", empty)
    report.section("Could not be read -- rewrite these", unreadable, to_fix=True)
    report.section("Not in the template, so the autograder ignores them -- a typo?",
                   sheet.unexpected_keys(item["key"] for item in manifest["items"]), to_fix=True)
    report.section("Notes about the sheet", list(sheet.problems), to_fix=True)
    report.lines += ["", f"{len(read)} read, {len(empty)} empty, {len(unreadable)} unreadable."]
    return report


VARIABLE_PROMPT = 'say what your Big-O letter means: "image side" or "number of pixels"'


def size_variable(sheet, manifest: dict):
    """'side' or 'pixels' as declared in the sheet's variable item, read as
    the autograder reads it; None when it is empty or unclear."""
    key = next(item["key"] for item in manifest["items"] if item["kind"] == "variable")
    return big_o.parse_variable(sheet.get(key))


def read_answer(kind: str, answer: str, variable, one_number_means: str = ""):
    """('read', how it was read) or ('unreadable', why, with a hint). A growth
    (a Big-O answer, or a ratio given as one) says what its letter stands for
    when the sheet declares it, as the autograder's feedback does."""
    reader = READERS.get(kind)
    if reader is None:
        return "unreadable", f"this check has no reader for answers of the kind {kind!r}"
    try:
        reading = reader.parse(answer)
        growth = reading if kind == "big_o" else getattr(reading, "growth", None)
        if growth is not None and variable is not None:
            return "read", big_o.read_in(growth, variable)
        return "read", wording.describe(reader, reading, one_number_means)
    except ParseError as error:
        hint = f"\n{'':<10}hint: {error.hint}" if error.hint else ""
        return "unreadable", f"{error.message}{hint}"
    except Exception as error:  # a bug in the reader must not hide the other answers
        return "unreadable", (f"this check failed on this answer ({type(error).__name__}); "
                              "please tell course staff what you wrote")


if __name__ == "__main__":
    raise SystemExit(main())
