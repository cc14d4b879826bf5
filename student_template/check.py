"""Self-check for your HW3 answer sheet: shows how the autograder READS each answer.

    python3 check.py answers.yaml      (macOS and Linux)
    py check.py answers.yaml           (Windows)
    python3 check.py --email you@school.edu [answers.yaml]

When every student has their own numbers (the homework's family of
variants), --email prints yours and writes your own answer sheet, or checks
the one you have against your numbers; the draw is the autograder's own
(autograder/submission/submitter.py), so it gives the numbers you are graded on.

Needs Python 3.9 or newer and nothing to install: the autograder's own
reading code and the YAML reader it uses come with this file (the
autograder/ and yaml/ folders next to it), so what it prints is what the
autograder will understand.

It prints, for every answer, how it was read ("read as the shape 20 × 20"),
the blanks left empty, the answers it could not read with a hint on how to
write them, and keys that are not in the template (usually typos). It knows
no answers: it never says whether an answer is right.

Every failure is one line that says what to do, and the exit status says
which kind of failure it was (EXIT_STATUSES below; --help shows them).
"""
import sys

#: What each exit status means. --help shows this table, and the bundle's
#: README.txt is written from it (autograder/build/artifacts.py reads it from here).
EXIT_STATUSES = (
    (0, "nothing to fix (blanks left empty are listed, not counted)"),
    (1, "something in your sheet to fix: an answer that cannot be read, a key that is "
        "not in the template, or YAML that cannot be read"),
    (2, "no answer sheet where you said, or wrong arguments"),
    (3, "the sheet is there but could not be opened (no permission to read it, a folder, "
        "or another program holding it)"),
    (4, "this check cannot run: Python older than 3.9, or its own files are missing or damaged"),
    (5, "out of memory while reading the sheet"),
    (6, "this check failed unexpectedly: a bug to tell course staff about"),
)
EXIT_CLEAN, EXIT_FIX, EXIT_USAGE, EXIT_UNREADABLE, EXIT_BROKEN, EXIT_MEMORY, EXIT_BUG = (
    code for code, _ in EXIT_STATUSES)
#: Ctrl-C, as shells report a program stopped by it.
EXIT_INTERRUPTED = 130

if sys.version_info < (3, 9):  # before anything newer is used, so that old Pythons can say it
    sys.stderr.write("check.py needs Python 3.9 or newer; this is Python %s. Install a newer "
                     "Python from python.org, then run check.py again.\n" % sys.version.split()[0])
    sys.exit(EXIT_BROKEN)

import os  # noqa: E402  (loaded by Python's start-up already: never a file beside this one)

#: Run as a script, Python puts this file's folder first on sys.path, ahead of
#: the standard library, so a student's json.py, random.py or argparse.py
#: saved beside check.py would be imported (and run) in place of Python's own,
#: and the check would fail on it. The folder is taken off the path before
#: anything else is imported; the check's own packages are found by
#: `_OwnPackages` below, and nothing else from this folder is.
OWN_FOLDER = os.path.dirname(os.path.realpath(__file__))
if __name__ == "__main__" and sys.path and os.path.realpath(sys.path[0] or os.curdir) == OWN_FOLDER:
    del sys.path[0]

import argparse  # noqa: E402  (after the version check, which must run on any Python)
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import stat  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(OWN_FOLDER)
#: In the students' bundle the grader's parsing modules and the pure-Python
#: PyYAML sit next to this file; in the repository the modules are in the
#: folder above student_template/ and PyYAML is installed.
IN_BUNDLE = (HERE / "autograder").is_dir()
CODE_ROOT = HERE if IN_BUNDLE else HERE.parent


class _OwnPackages:
    """Finds the check's own top-level packages in CODE_ROOT (ahead of any
    installed copy: the bundle's PyYAML is the grader's version) and nothing
    else there."""

    NAMES = ("autograder", "yaml")

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name not in cls.NAMES:
            return None
        return importlib.machinery.PathFinder.find_spec(name, [str(CODE_ROOT)])


if __name__ == "__main__":
    sys.meta_path.insert(0, _OwnPackages)
else:  # loaded by `autograder check`, whose own code is already importable
    sys.path.insert(0, str(CODE_ROOT))
#: The sheet's items (keys, numbers, names, kinds), written by the bundle's build.
ITEMS_FILE = HERE / "items.json"
SHEET_NAME = "answers.yaml"
HOW_TO_REINSTALL = ("download student_template.zip again, unzip all of it, and run check.py "
                    "inside the unzipped folder")


def _one_line(text) -> str:
    """`text` with its line breaks and runs of spaces as single spaces: a failure is one line."""
    return " ".join(str(text).split())


try:
    from autograder.answers import descriptions
    from autograder.answers import big_o, number, ratio, shape
    from autograder.answers.errors import ParseError
    from autograder.submission.files import SubmissionError, find_answer_file
    from autograder.submission.sheet import likely_keys, read_submission, visible_key
    from autograder.submission.submitter import NotAnEmail, group_email, normalized_email, variant_index
    from autograder.submission.variant_record import recorded_variant
except Exception as error:  # a missing or damaged file of the check itself, not of the sheet
    if __name__ != "__main__":
        raise
    where = (HOW_TO_REINSTALL if IN_BUNDLE else
             "in the repository, run it with the project's environment (.venv/bin/python)")
    sys.stderr.write(f"check.py could not load its own code ({type(error).__name__}: "
                     f"{_one_line(error)}): {where}.\n")
    sys.exit(EXIT_BROKEN)

#: The reader of each graded kind; written answers are graded by hand.
READERS = {"number": number, "shape": shape, "big_o": big_o, "ratio": ratio}


class CheckFailure(Exception):
    """The check cannot go on; `line` tells the student what to do, `status` which kind of failure it is."""

    def __init__(self, status: int, line: str):
        super().__init__(line)
        self.status = status
        self.line = _one_line(line)


def main(argv=None, manifest=None, prog="check.py", more_options=None) -> int:
    """Run the check; every failure becomes one line on stderr and an exit status, never a traceback.
    `manifest`: the items to check against, when not items.json's; `prog` and `more_options` (a
    function adding options to the parser, for its help): how `autograder check` presents itself."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    real_streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ReaderSafeStream(sys.stdout), ReaderSafeStream(sys.stderr)
    try:
        return run(arguments, manifest, prog, more_options)
    except CheckFailure as failure:
        print(failure.line, file=sys.stderr)
        return failure.status
    except MemoryError:
        print("check.py ran out of memory reading your sheet: an answer sheet is a small text file, so "
              "look for a pasted file or aliases '*name' that repeat large parts, or start again from "
              "the template answers.yaml.", file=sys.stderr)
        return EXIT_MEMORY
    except KeyboardInterrupt:
        print("check.py was stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug of the check: one line, the traceback only when asked
        if "--debug" in arguments:
            traceback.print_exc()
        print(f"check.py failed unexpectedly ({type(error).__name__}); please tell course staff, "
              "with your answers.yaml and what you ran (add --debug to see the details).",
              file=sys.stderr)
        return EXIT_BUG
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = real_streams


def run(arguments, manifest=None, prog="check.py", more_options=None) -> int:
    """Read the arguments, the items and the sheet, print the report; the status it earned."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Show how the autograder reads each answer of your answer sheet. Needs Python "
                    "3.9+ and nothing else. It knows no answers and never says whether one is right.",
        epilog="exit status: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_STATUSES)
               + ". If the output is cut short (check.py | head), it stops quietly with the same status.")
    parser.add_argument("sheet", nargs="?", type=Path,
                        help=f"your answer sheet, or the folder holding it (default: {SHEET_NAME} in "
                             "this folder, else the one next to check.py)")
    parser.add_argument("--email", action="append", metavar="EMAIL",
                        help="your school email (the one Gradescope knows you by), when every student "
                             "has their own numbers: prints yours, writes your own answer sheet where "
                             "there is none, and checks the sheet against your numbers. For a group "
                             "submission give every member's email (--email a@school.edu --email "
                             "b@school.edu): a group answers the numbers of one member, as the "
                             "autograder picks them")
    parser.add_argument("--debug", action="store_true",
                        help="on an unexpected failure, show Python's traceback (for course staff)")
    if more_options is not None:
        more_options(parser)
    args = parser.parse_args(arguments)

    manifest = load_manifest() if manifest is None else manifest
    family = manifest.get("family")
    own = student_variant(family, args.email) if args.email else None
    if args.email and family is None:
        print("Every student has the same numbers in this homework: --email changes nothing.\n")
    if own is not None:
        print(numbers_line(family, own))
    given = args.sheet if args.sheet is not None else default_sheet()
    if own is not None and not os.path.lexists(given):
        return write_own_sheet(given, own)
    if family is not None and own is None and not os.path.lexists(given):
        raise CheckFailure(EXIT_USAGE, f"{given} does not exist. {OWN_NUMBERS}")
    locate(given)
    try:
        sheet = read_submission(given)
    except SubmissionError as error:
        print(f"Your answer sheet could not be read:\n{error.message}")
        return EXIT_FIX
    except OSError as error:  # the sheet went away or became unreadable after locate()
        raise unreadable(given, error) from None
    shown = given / sheet.path if given.is_dir() else given
    if family is None:
        report = check(sheet, manifest, shown)
    else:
        report = check_family_sheet(sheet, family, own, shown)
    print("\n".join(report.lines))
    return EXIT_FIX if report.to_fix else EXIT_CLEAN


# ---------------------------------------------------------------------------
# Every student their own numbers: items.json's family


#: What a student without --email on a homework where every student has
#: their own numbers is told to do.
OWN_NUMBERS = ("This homework gives every student their own numbers: run python check.py --email "
               "you@school.edu (with your school email) to see yours, get your own answer sheet "
               "and check it against your numbers.")


def student_variant(family, emails) -> dict:
    """The variant (items.json's entry) of the student, or of the group, with
    these emails, drawn as the autograder draws it; None when the homework
    gives everyone the same numbers. A malformed email is a usage error."""
    for email in emails:
        try:
            normalized_email(email)
        except NotAnEmail as error:
            raise CheckFailure(EXIT_USAGE, f"--email: {error}.") from None
    if family is None:
        return None
    email = emails[0] if len(emails) == 1 else group_email(emails, family["group"])
    return family["variants"][variant_index(family["salt"], email, family["count"])]


def numbers_line(family: dict, variant: dict) -> str:
    """`Your numbers (variant N of M): input ...`, as the student's own sheet opens."""
    return f"Your numbers ({which_variant(family, variant)}): {variant['numbers']}"


def which_variant(family: dict, variant: dict) -> str:
    return f"variant {variant['number']} of {family['count']}"


def write_own_sheet(path: Path, variant: dict) -> int:
    """Write the student's own answer sheet at `path`, where there is none."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise CheckFailure(EXIT_USAGE, f"{path} does not exist, and your own answer sheet is written "
                                       f"only to a file named like {SHEET_NAME}: give such a path, or "
                                       "none for answers.yaml in this folder.")
    problem = write_new(path, variant["template"])
    if problem:
        raise CheckFailure(EXIT_USAGE, f"{path} does not exist, and your own answer sheet could not be "
                                       f"written there ({problem}): run check.py in a folder you can "
                                       "write to, or give another path.")
    print(f"\nWrote your own answer sheet, for your numbers, to {path.resolve()}.\n"
          "Fill it in (keep its line `variant:` as it is), run this check again, then submit it "
          f"as {SHEET_NAME}.")
    return EXIT_CLEAN


def write_new(path: Path, text: str) -> str:
    """Write `text` to a new file at `path`, never replacing one; '' when
    written, else why it was not."""
    try:
        with open(path, "x", encoding="utf-8") as new:
            new.write(text)
    except FileExistsError:
        return "a file of that name is already there"
    except OSError as error:
        return error.strerror or type(error).__name__
    return ""


def check_family_sheet(sheet, family: dict, own, shown: Path) -> "Report":
    """Check `sheet` against the student's own variant (`own`, from --email)
    or, without it, against the variant the sheet records. A sheet recorded
    for other numbers (or for none: the course-wide sheet) is said to be so,
    and the student's own sheet is written beside it to copy the answers into."""
    text = sheet.get(family["variant_key"])
    number = recorded_variant(text)
    recorded = (family["variants"][number - 1]
                if number is not None and 1 <= number <= family["count"] else None)
    if own is None:
        if recorded is None:
            raise CheckFailure(EXIT_USAGE, f"{shown} does not say whose numbers it answers. {OWN_NUMBERS}")
        intro = [f"{shown} is written for the numbers of {which_variant(family, recorded)}: "
                 f"{recorded['numbers']}",
                 "(make sure they are yours: python check.py --email you@school.edu)", ""]
        return check(sheet, recorded, shown, reserved=(family["variant_key"],), intro=intro)
    if recorded is own:
        return check(sheet, own, shown, reserved=(family["variant_key"],), intro=[""])
    if text is None or not text.strip():
        written_for = "records no variant: it is not your own sheet (the course-wide one?)"
    elif recorded is None:
        written_for = f"records the variant {_one_line(text)[:40]!r}, which this homework does not have"
    else:
        written_for = f"is written for variant {recorded['number']}, not for your numbers"
    beside = shown.parent / f"answers-variant-{own['number']}.yaml"
    problem = write_new(beside, own["template"])
    if not problem:
        where = f"Your own answer sheet is now {beside}, new: "
    elif os.path.isfile(beside):
        where = f"Your own answer sheet is {beside}, already there (left as it is): "
    else:
        where = (f"Your own answer sheet could not be written to {beside} ({problem}): run "
                 f"python check.py --email you@school.edu in a folder you can write to, and ")
    notes = [f"{shown} {written_for}; it would be graded against your numbers, so answers for other "
             "numbers earn no credit.",
             where + "copy your answers into it, answering for your numbers, and submit that sheet "
                     f"(named {SHEET_NAME}) instead of this one."]
    report = check(sheet, own, shown, reserved=(family["variant_key"],),
                   intro=["", *notes, "", "Below, this sheet is read against your own numbers.", ""])
    report.to_fix = True
    return report


class ReaderSafeStream:
    """stdout or stderr that goes quiet once its reader has gone (`check.py | head -1`,
    a closed console) instead of raising: the check's exit status stays the one it earned.

    The stream's file descriptor is pointed at the null device then, so that what is
    still buffered is not flushed into the closed pipe when Python exits."""

    def __init__(self, stream):
        self._stream = stream
        self._gone = stream is None  # pythonw on Windows has no console streams
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a console that cannot show × shows ? instead

    def write(self, text: str) -> int:
        self._attempt(lambda: self._stream.write(text))
        return len(text)

    def flush(self) -> None:
        self._attempt(lambda: self._stream.flush())

    def _attempt(self, action) -> None:
        if self._gone:
            return
        try:
            action()
        except (OSError, ValueError):  # a broken pipe (EINVAL on Windows), or a closed stream
            self._gone = True
            try:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, self._stream.fileno())
                os.close(null)
            except (OSError, ValueError):
                pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def default_sheet() -> Path:
    """answers.yaml in the current folder, else the one next to check.py (run from elsewhere)."""
    here = Path(SHEET_NAME)
    beside = HERE / SHEET_NAME
    if not os.path.lexists(here) and os.path.lexists(beside):
        return beside
    return here


def locate(given: Path) -> None:
    """Raise CheckFailure unless `given` is a sheet that can be opened, or a folder holding one."""
    try:
        info = given.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise CheckFailure(EXIT_USAGE, f"{given} does not exist: run check.py in the folder that holds "
                                       f"your {SHEET_NAME}, or give the sheet's path.") from None
    except OSError as error:
        raise unreadable(given, error) from None
    sheet = given
    if stat.S_ISDIR(info.st_mode):
        try:
            sheet = find_answer_file(given)
        except SubmissionError as error:
            if given.suffix.lower() in (".yaml", ".yml"):
                raise CheckFailure(EXIT_UNREADABLE, f"{given} is a folder, not a file: give the path of "
                                                    "your answer sheet itself.") from None
            # the grader's own account: a sheet under another name, a link, a named pipe...
            raise CheckFailure(EXIT_USAGE, f"there is no answer sheet to check in the folder {given}. "
                                           f"{error.message}") from None
        except OSError as error:
            raise unreadable(given, error) from None
    try:  # non-blocking, as the grader opens it: a named pipe must not hang the check
        os.close(os.open(sheet, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as error:
        raise unreadable(sheet, error) from None


def unreadable(path: Path, error: OSError) -> CheckFailure:
    reason = error.strerror or type(error).__name__
    return CheckFailure(EXIT_UNREADABLE, f"{path} could not be opened ({reason}): make sure it is your "
                                         "answer sheet, that you may read it and that no other program "
                                         "holds it, then run check.py again.")


def load_manifest() -> dict:
    """The items of the sheet: items.json in the bundle, the assignment spec in the repository."""
    if not IN_BUNDLE and not ITEMS_FILE.exists():
        from autograder.build.artifacts import item_manifest
        from autograder.assignment.spec import load_spec

        return item_manifest(load_spec())
    try:
        manifest = json.loads(ITEMS_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckFailure(EXIT_BROKEN, f"check.py's {ITEMS_FILE.name} is missing: "
                                        f"{HOW_TO_REINSTALL}.") from None
    except (OSError, ValueError) as error:  # ValueError: not UTF-8, or not JSON
        raise CheckFailure(EXIT_BROKEN, f"check.py's {ITEMS_FILE.name} is damaged "
                                        f"({type(error).__name__}): {HOW_TO_REINSTALL}.") from None
    problem = manifest_problem(manifest)
    if problem:
        raise CheckFailure(EXIT_BROKEN, f"check.py's {ITEMS_FILE.name} is damaged ({problem}): "
                                        f"{HOW_TO_REINSTALL}.")
    return manifest


#: The fields of each item the check uses (items.json may hold more).
ITEM_FIELDS = ("key", "number", "name", "kind")


#: The fields of the family (every student their own numbers) and of each of its variants.
FAMILY_FIELDS = {"salt": str, "count": int, "group": str, "variant_key": str, "variants": list}
VARIANT_FIELDS = {"number": int, "numbers": str, "template": str}


def manifest_problem(manifest) -> str:
    """What is wrong with a manifest read from items.json, or '' when it can be used."""
    problem = items_problem(manifest)
    if problem or "family" not in manifest:
        return problem
    family = manifest["family"]
    if not isinstance(family, dict) or not all(isinstance(family.get(field), kind)
                                               for field, kind in FAMILY_FIELDS.items()):
        return f"its family lacks one of {', '.join(FAMILY_FIELDS)}"
    if family["count"] != len(family["variants"]) or not family["variants"]:
        return "its family's count of variants is not the number it lists"
    for position, variant in enumerate(family["variants"], start=1):
        if not isinstance(variant, dict) or not all(isinstance(variant.get(field), kind)
                                                    for field, kind in VARIANT_FIELDS.items()):
            return f"variant {position} lacks one of {', '.join(VARIANT_FIELDS)}, items"
        if variant["number"] != position:
            return f"variant {position} is numbered {variant['number']}"
        problem = items_problem(variant)
        if problem:
            return f"variant {position}: {problem}"
    return ""


def items_problem(manifest) -> str:
    """What is wrong with the items of a manifest or of one variant, or ''."""
    items = manifest.get("items") if isinstance(manifest, dict) else None
    if not isinstance(items, list) or not items:
        return "it lists no items"
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not all(isinstance(item.get(field), str) for field in ITEM_FIELDS):
            return f"item {position} lacks one of {', '.join(ITEM_FIELDS)}"
    return ""


class Report:
    """The lines to print and whether any of them asks the student to fix something."""

    def __init__(self):
        self.lines = []
        self.to_fix = False

    def section(self, title, entries, *, to_fix=False):
        if entries:
            self.lines += ["", f"{title} ({len(entries)}):"] + [f"  {entry}" for entry in entries]
            self.to_fix = self.to_fix or to_fix


def check(sheet, manifest: dict, shown=None, reserved=(), intro=()) -> Report:
    """How every item of `manifest` is read in `sheet`, and what is empty or unknown;
    `shown` is the sheet's path as the student gave it (default: the sheet's own),
    `reserved` the keys a sheet may hold besides the items (the variant it
    records), `intro` lines to print first."""
    report = Report()
    report.lines += [*intro, f"How the autograder reads {sheet.path if shown is None else shown}",
                     "(this check knows no answers: it only shows how each one is read)"]
    read, empty, unreadable_answers = [], [], []
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
                unreadable_answers.append(f"{label}: could not tell whether your letter means the image "
                                          f"side or the number of pixels\n{'':<10}hint: {VARIABLE_PROMPT}")
            else:
                read.append(f"{label}: your Big-O letter means {big_o.SIZE_WORDS[variable]}")
        else:
            outcome, text = read_answer(item["kind"], answer, variable, item.get("one_number_means", ""))
            (read if outcome == "read" else unreadable_answers).append(f"{label}: {text}")
    report.section("Read", read)
    report.section("Left empty", empty)
    report.section("Could not be read -- rewrite these", unreadable_answers, to_fix=True)
    known = [*(item["key"] for item in manifest["items"]), *reserved]
    unknown = sheet.unexpected_keys(known)
    report.section("Not in the template, so the autograder ignores them -- a typo?",
                   [visible_key(key) + (f"  (did you mean {meant}?)" if meant else "")
                    for key, meant in zip(unknown, likely_keys(unknown, known))], to_fix=True)
    report.section("Notes about the sheet", list(sheet.problems), to_fix=True)
    report.lines += ["", f"{len(read)} read, {len(empty)} empty, {len(unreadable_answers)} unreadable."]
    return report


VARIABLE_PROMPT = 'say what your Big-O letter means: "image side" or "number of pixels"'


def size_variable(sheet, manifest: dict):
    """'side' or 'pixels' as declared in the sheet's variable item, read as
    the autograder reads it; None when it is empty or unclear, or the sheet has no such item."""
    key = next((item["key"] for item in manifest["items"] if item["kind"] == "variable"), None)
    return None if key is None else big_o.parse_variable(sheet.get(key))


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
        return "read", descriptions.describe(reader, reading, one_number_means)
    except ParseError as error:
        hint = f"\n{'':<10}hint: {error.hint}" if error.hint else ""
        return "unreadable", f"{error.message}{hint}"
    except MemoryError:
        raise
    except Exception as error:  # a bug in the reader must not hide the other answers
        return "unreadable", (f"this check failed on this answer ({type(error).__name__}); "
                              "please tell course staff what you wrote")


if __name__ == "__main__":
    sys.exit(main())
