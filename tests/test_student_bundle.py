"""The students' bundle, tried as students would: built, unzipped outside the
repository and run with nothing installed, under the oldest Python it
supports (3.9), the newest tried (3.13) and this test run's own; every way
it can fail is one line and an exit status of its own. The parsers and the
YAML loader it ships read under 3.9 exactly as the grader reads, which is
what fails CI when the shipped code drifts past 3.9.

A missing interpreter skips (REQUIRE_STUDENT_PYTHONS=1 turns that into a failure, for CI).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import test_parsers
from autograder.answers import big_o, number, ratio, shape
from autograder.answers.errors import ParseError
from autograder.submission.files import SubmissionError
from autograder.submission.sheet import read_submission
from student_bundle import (ROOT, SOLVED, STUDENT_PYTHONS, SUMMARY, TEMPLATE, build_and_unpack, find_python,
                            one_line, run_check, section, student_python, this_python)

EXIT = {name: code for code, name in enumerate(
    ("clean", "fix", "usage", "unreadable", "broken", "memory", "bug"))}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    return build_and_unpack(tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def bundle(built) -> Path:
    return built[1]


@pytest.fixture
def own_bundle(bundle, tmp_path) -> Path:
    """A copy of the unpacked bundle this test may damage."""
    copy = tmp_path / "student_template"
    shutil.copytree(bundle, copy)
    return copy


@pytest.fixture(params=STUDENT_PYTHONS)
def python(request):
    return student_python(request.param)


def write(folder: Path, relative: str, content: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_check_module():
    """student_template/check.py imported (not run) in this process, as the repository runs it."""
    location = importlib.util.spec_from_file_location("student_check", TEMPLATE / "check.py")
    module = importlib.util.module_from_spec(location)
    saved_path = list(sys.path)
    try:
        location.loader.exec_module(module)
    finally:
        sys.path[:] = saved_path
    return module


@functools.lru_cache(maxsize=None)
def in_repository(*args: str) -> tuple[int, str, str]:
    """(status, stdout, stderr) of check.py run in this process on the repository's modules,
    with the grader's environment (PyYAML with libyaml, the spec for the items)."""
    check = load_check_module()
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = check.main(list(args))
    return status, stdout.getvalue(), stderr.getvalue()


# ---------------------------------------------------------------------------
# A filled sheet, a sheet with problems, no sheet: on every Python


def test_a_filled_sheet_is_read_as_the_grader_reads_it(python, bundle):
    completed = run_check(python, bundle, str(SOLVED))
    assert (completed.returncode, completed.stderr) == (EXIT["clean"], "")
    assert completed.stdout == in_repository(str(SOLVED))[1]
    read, empty, unreadable = map(int, SUMMARY.search(completed.stdout).groups())
    assert read > 40 and empty == unreadable == 0


def test_the_template_next_to_check_py_is_checked_by_default_from_any_folder(python, bundle, tmp_path):
    completed = subprocess.run(python.command(str(bundle / "check.py")), cwd=tmp_path,
                               capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert (completed.returncode, completed.stderr) == (EXIT["clean"], "")
    assert completed.stdout.startswith(f"How the autograder reads {bundle / 'answers.yaml'}\n")
    assert SUMMARY.search(completed.stdout).group(1) == "0"


def test_answers_it_cannot_read_and_unknown_keys_are_listed_to_fix(python, bundle):
    answers = yaml.safe_load(SOLVED.read_text(encoding="utf-8"))
    answers["q2"]["b"] = "(3*3"
    answers["q2"]["c"] = "about seven thousand apples"
    answers["q2"]["e"]["standrd"] = answers["q2"]["e"].pop("standard")
    sheet = write(bundle.parent, "problems/answers.yaml",
                  yaml.safe_dump(answers, allow_unicode=True, sort_keys=False))
    completed = run_check(python, bundle, str(sheet))
    assert (completed.returncode, completed.stderr) == (EXIT["fix"], "")
    assert completed.stdout == in_repository(str(sheet))[1]
    unreadable = [line for line in section(completed.stdout, "Could not be read") if not line.startswith("hint:")]
    assert [line.split()[1] for line in unreadable] == ["q2.b:", "q2.c:"]
    assert section(completed.stdout, "Not in the template") == ["q2.e.standrd"]


@pytest.mark.parametrize("content, expected", [
    ("q2:\n  b: 9\n\tc: 10\n", ["is not valid YAML", "line 3", "indent with spaces"]),
    ("q2:\n  b: [9\n", ["is not valid YAML", "line 3"]),
    ("q2:\n  b: !!python/object/apply:os.system ['echo hacked']\n", ["not accepted", "tag", "line 2"]),
    ("a: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
     ["not accepted", "expands to more than"]),
    (b"\x89PNG\r\n\x1a\n", ["a PNG image"]),
    ("", ["is empty"]),
], ids=["tab", "unclosed", "tag", "aliases", "image", "empty"])
def test_a_sheet_yaml_cannot_read_is_explained_as_the_grader_explains_it(python, bundle, content, expected):
    sheet = write(bundle.parent, f"parse-{hashlib.sha256(str(content).encode()).hexdigest()[:12]}/answers.yaml",
                  content)
    completed = run_check(python, bundle, str(sheet))
    assert (completed.returncode, completed.stderr) == (EXIT["fix"], "")
    assert completed.stdout.startswith("Your answer sheet could not be read:\n")
    for needed in expected:
        assert needed in completed.stdout
    assert completed.stdout == in_repository(str(sheet))[1]


def test_a_missing_sheet_is_one_line_and_a_usage_error(python, bundle):
    completed = run_check(python, bundle, "answer.yaml")
    assert completed.returncode == EXIT["usage"] and completed.stdout == ""
    assert one_line(completed.stderr) == ("answer.yaml does not exist: run check.py in the folder that holds "
                                          "your answers.yaml, or give the sheet's path.")


def test_it_runs_as_students_type_it_without_isolation(bundle):
    """`python3 check.py answers.yaml`: the script's folder on sys.path, as students run it."""
    python = student_python("oldest")
    completed = subprocess.run([python.executable, "check.py", "answers.yaml"], cwd=bundle,
                               capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert (completed.returncode, completed.stderr) == (EXIT["clean"], "")


#: Standard modules check.py and its parsers import, planted beside check.py
#: as a student's own scripts would be (random.py, json.py...), with the
#: names of the check's own packages as single files too.
PLANTED = ("argparse", "json", "pathlib", "traceback", "re", "typing", "dataclasses", "fractions",
           "decimal", "unicodedata", "hashlib", "functools", "enum", "random", "copy", "string",
           "math", "importlib", "sitecustomize", "usercustomize", "yaml", "autograder")


@pytest.mark.parametrize("which", ["oldest", "newest"])
def test_a_students_own_modules_beside_check_py_are_never_imported(own_bundle, tmp_path, which):
    """`python3 check.py` puts check.py's folder ahead of the standard
    library: a json.py saved there ran and the check failed with a traceback."""
    python = student_python(which)
    markers = tmp_path / "markers"
    markers.mkdir()
    for name in PLANTED:
        write(own_bundle, f"{name}.py", f"open({str(markers / name)!r}, 'w').write('ran')\n"
                                        "raise SystemExit('a student module ran')\n")
    completed = subprocess.run([python.executable, "check.py", "answers.yaml"], cwd=own_bundle,
                               capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert (completed.returncode, completed.stderr) == (EXIT["clean"], "")
    assert sorted(path.name for path in markers.iterdir()) == []


def test_an_older_python_is_told_which_it_needs():
    older = find_python(3, 8)
    if older is None:
        pytest.skip("Python 3.8 is not installed here; nothing older than 3.9 to try")
    completed = subprocess.run(older.command(str(TEMPLATE / "check.py")), capture_output=True, text=True,
                               timeout=120)
    assert completed.returncode == EXIT["broken"]
    assert one_line(completed.stderr).startswith("check.py needs Python 3.9 or newer; this is Python 3.8.")


# ---------------------------------------------------------------------------
# Every failure: one line that says what to do, and its own exit status


@pytest.mark.parametrize("fault, status, says", [
    ("permission", "unreadable", "answers.yaml could not be opened (Permission denied): make sure it is your "
                                 "answer sheet, that you may read it and that no other program holds it"),
    ("memory", "memory", "check.py ran out of memory reading your sheet: an answer sheet is a small text file"),
    ("bug", "bug", "check.py failed unexpectedly (RuntimeError); please tell course staff"),
])
def test_a_fault_reading_the_sheet_is_one_line_with_its_status(python, bundle, fault, status, says):
    completed = run_check(python, bundle, "answers.yaml", fault=fault)
    assert completed.returncode == EXIT[status] and completed.stdout == ""
    assert one_line(completed.stderr).startswith(says)


def test_ctrl_c_stops_quietly_with_the_shells_status(bundle):
    completed = run_check(this_python(), bundle, "answers.yaml", fault="interrupt")
    assert completed.returncode == 130
    assert one_line(completed.stderr) == "check.py was stopped."


def test_debug_shows_the_traceback_of_an_unexpected_failure_for_staff(bundle):
    completed = run_check(this_python(), bundle, "answers.yaml", "--debug", fault="bug")
    assert completed.returncode == EXIT["bug"]
    assert "Traceback" in completed.stderr and "a fault injected by the test" in completed.stderr


@pytest.mark.parametrize("name", ["answers.yaml", "answers.yml", "Answers.YAML"])
def test_a_folder_named_like_the_sheet_is_one_line_and_unreadable(python, bundle, tmp_path, name):
    (tmp_path / name).mkdir()
    completed = run_check(python, bundle, str(tmp_path / name))
    assert completed.returncode == EXIT["unreadable"] and completed.stdout == ""
    assert one_line(completed.stderr) == (f"{tmp_path / name} is a folder, not a file: give the path of "
                                          "your answer sheet itself.")


def test_a_folder_is_searched_like_a_submission_and_one_without_a_sheet_is_a_usage_error(bundle, tmp_path):
    write(tmp_path, "submission/HW3/answers.yaml", SOLVED.read_text(encoding="utf-8"))
    write(tmp_path, "empty/notes.txt", "nothing here")
    found = run_check(this_python(), bundle, str(tmp_path / "submission"))
    assert found.returncode == EXIT["clean"]
    assert found.stdout.startswith(f"How the autograder reads {tmp_path / 'submission' / 'HW3' / 'answers.yaml'}")
    missing = run_check(this_python(), bundle, str(tmp_path / "empty"))
    assert missing.returncode == EXIT["usage"]
    assert one_line(missing.stderr) == (
        f"there is no answer sheet to check in the folder {tmp_path / 'empty'}. No answer sheet was "
        "found: the autograder looks for answers.yaml or answers.yml in your submission (at the top or "
        "up to 4 folders down). Files seen: notes.txt.")


@pytest.mark.parametrize("plant, says", [
    ("my_answers.yaml", "If my_answers.yaml holds your answers, rename it to answers.yaml."),
    ("link", "answers.yaml is a link that does not lead to a file inside your submission"),
    ("fifo", "answers.yaml is not a regular file (a named pipe, a socket or a device)")])
def test_a_folder_without_a_usable_sheet_is_told_why_as_the_grader_tells_it(bundle, tmp_path, plant, says):
    """The check said only 'there is no answers.yaml' where the grader names
    the misnamed sheet, the link or the named pipe."""
    folder = tmp_path / "submission"
    folder.mkdir()
    if plant == "link":
        (folder / "answers.yaml").symlink_to(SOLVED)
    elif plant == "fifo":
        os.mkfifo(folder / "answers.yaml")
    else:
        write(folder, plant, SOLVED.read_text(encoding="utf-8"))
    completed = run_check(this_python(), bundle, str(folder))
    assert completed.returncode == EXIT["usage"]
    assert says in one_line(completed.stderr)


@pytest.mark.parametrize("arguments", [[str(SOLVED)], ["--help"]], ids=["report", "help"])
def test_output_cut_short_stops_quietly_with_the_status_it_earned(python, bundle, arguments):
    """`check.py | head -1`: the reader has gone before check.py writes (its end of
    the pipe is closed here before the check starts), deterministically."""
    process = subprocess.Popen(python.command("check.py", *arguments), cwd=bundle,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=120) == EXIT["clean"]
    assert stderr == ""


def test_a_real_pipe_into_head_shows_the_first_line_and_nothing_else(bundle):
    python = student_python("oldest")
    command = " ".join(python.command("check.py", str(SOLVED)) + ["|", "head", "-1"])
    completed = subprocess.run(["sh", "-c", command], cwd=bundle, capture_output=True, text=True, timeout=120)
    assert completed.stdout == f"How the autograder reads {SOLVED}\n"
    assert completed.stderr == ""


DAMAGED_ITEMS = {
    "truncated": b'{"items": [{"key": "q1.a", ',
    "not UTF-8": b'{"items": \xff\xfe}',
    "no items": b'{"items": []}',
    "an item without its kind": b'{"items": [{"key": "q1.a", "number": "1.a", "name": "a"}]}',
    "a list": b"[1, 2, 3]",
}


@pytest.mark.parametrize("damage", [*DAMAGED_ITEMS, "missing"])
def test_a_damaged_or_missing_items_file_is_one_line_telling_to_download_again(python, own_bundle, damage):
    items = own_bundle / "items.json"
    if damage == "missing":
        items.unlink()
    else:
        items.write_bytes(DAMAGED_ITEMS[damage])
    completed = run_check(python, own_bundle, "answers.yaml")
    assert completed.returncode == EXIT["broken"] and completed.stdout == ""
    line = one_line(completed.stderr)
    assert line.startswith("check.py's items.json is " + ("missing" if damage == "missing" else "damaged ("))
    assert line.endswith("download student_template.zip again, unzip all of it, and run check.py inside "
                         "the unzipped folder.")


@pytest.mark.parametrize("damage", ["yaml", "autograder/answers/number.py", "autograder/submission/sheet.py"])
def test_a_missing_or_damaged_file_of_the_check_is_one_line_telling_to_download_again(python, own_bundle, damage):
    target = own_bundle / damage
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.write_text("def broken(:\n", encoding="utf-8")
    completed = run_check(python, own_bundle, "answers.yaml")
    assert completed.returncode == EXIT["broken"] and completed.stdout == ""
    line = one_line(completed.stderr)
    assert line.startswith("check.py could not load its own code (")
    assert line.endswith("download student_template.zip again, unzip all of it, and run check.py inside "
                         "the unzipped folder.")


def test_an_answer_its_reader_fails_on_is_reported_and_the_others_still_read(monkeypatch, capsys):
    """A bug in one kind's reader costs that answer, not the check (in process: no reader fails today)."""
    check = load_check_module()

    def failing(text):
        raise ZeroDivisionError

    monkeypatch.setattr(check.shape, "parse", failing)
    status = check.main([str(SOLVED)])
    output = capsys.readouterr().out
    assert status == EXIT["fix"]
    failed = section(output, "Could not be read")
    assert failed and all("this check failed on this answer (ZeroDivisionError)" in line for line in failed)
    assert any("read as the number" in line for line in section(output, "Read"))


# ---------------------------------------------------------------------------
# The shipped code reads under Python 3.9 exactly as the grader reads


#: Runs inside the unpacked bundle under a student's Python, and in this
#: process against the repository's modules: every (kind, text) read by
#: that kind's parser, every text as a Big-O letter's meaning, and every
#: sheet loaded; the results as JSON.
READ_EVERYTHING = '''
import json, sys
from pathlib import Path

def read_everything(request, modules):
    parse_error, submission_error, read_submission = (
        modules["ParseError"], modules["SubmissionError"], modules["read_submission"])

    def answer(kind, text):
        reader = modules[kind]
        try:
            return ["read", reader.describe(reader.parse(text))]
        except parse_error as error:
            return ["refused", error.message, error.hint]
        except Exception as error:
            return ["crashed", type(error).__name__, str(error)]

    def sheet(path):
        try:
            loaded = read_submission(Path(path))
        except submission_error as error:
            return ["refused", error.message]
        except Exception as error:
            return ["crashed", type(error).__name__, str(error)]
        return ["read", loaded.answers, list(loaded.problems)]

    return {"answers": [answer(kind, text) for kind, text in request["answers"]],
            "variables": [modules["big_o"].parse_variable(text) for text in request["variables"]],
            "sheets": [sheet(path) for path in request["sheets"]]}

if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])
    from autograder.answers import big_o, number, ratio, shape
    from autograder.answers.errors import ParseError
    from autograder.submission.files import SubmissionError
    from autograder.submission.sheet import read_submission
    request = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    print(json.dumps(read_everything(request, dict(globals()))))
'''

PARSED_KINDS = ("number", "shape", "big_o", "ratio")


def parser_test_texts() -> set[str]:
    """Every answer text in tests/test_parsers.py's tables (each `text` of a parametrize)."""
    texts = set(test_parsers.HOSTILE)
    for test in vars(test_parsers).values():
        for mark in getattr(test, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            names = [name.strip() for name in (mark.args[0].split(",") if isinstance(mark.args[0], str)
                                               else mark.args[0])]
            if "text" not in names:
                continue
            at = names.index("text")
            for row in mark.args[1]:
                value = row[at] if len(names) > 1 else row
                if isinstance(value, str):
                    texts.add(value)
    return texts


def sheet_answers(path: Path) -> set[str]:
    def leaves(value):
        if isinstance(value, dict):
            for child in value.values():
                yield from leaves(child)
        elif isinstance(value, list):
            for child in value:
                yield from leaves(child)
        elif value is not None:
            yield str(value)
    return set(leaves(yaml.safe_load(path.read_text(encoding="utf-8"))))


def random_texts(count: int, seed: int) -> set[str]:
    """Near-miss answers: pieces of the answer grammar in random order (error paths included)."""
    pieces = ["1", "2", "9", "28", "784", "7,056", "1.5", "e3", "x", "×", "*", "**", "^", "/", "+", "-", "(", ")",
              "[", "]", ",", " ", "O(", "Θ(", "n", "N", "k", "²", "³", "log", " by ", "~", "about", "times",
              "faster", ":", "weights", "√", "½", "n²k²", "1e400", "0.0001"]
    rng = random.Random(seed)
    return {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(count)}


def hostile_sheets(folder: Path) -> list[Path]:
    """The example sheets and sheets the grader refuses or reads with remarks, written under `folder`."""
    solved = SOLVED.read_text(encoding="utf-8")
    contents = {
        "solved": solved,
        "variant": (ROOT / "examples" / "variant-32x32" / "answers.yaml").read_text(encoding="utf-8"),
        "template": (TEMPLATE / "answers.yaml").read_text(encoding="utf-8"),
        "duplicate key": solved + "q2:\n  b: 10\n",
        "list and mapping answers": "q2:\n  a:\n    output_size: [28, 28]\n  b: {weights: 9}\n",
        "yaml 1.1 traps": "q2:\n  b: no\n  c: 28:28\n  d: 1_000\n  e: 0x1F\n  f: ~\n",
        "block scalars": "q1:\n  a: |\n    first line\n    second: line\n  b: >-\n    folded\n    text\n",
        "tab": "q2:\n  b: 9\n\tc: 10\n",
        "tab inside a value": "q2:\n  b: 9\tweights\n",
        "tag": "q2:\n  b: !!python/object/apply:os.system ['true']\n",
        "bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
        "recursive alias": "a: &a [*a]\n",
        "question in flow": "q2:\n  b: [x?, 9]\n",
        "byte order mark": "\ufeffq2:\n  b: 9\n",
        "control character": "q2:\n  b: 9\x07\n",
        "several documents": "q2: 1\n---\nq2: 2\n",
        "a list": "- 1\n- 2\n",
        "empty": "",
        "surrogate escape": 'q2:\n  b: "\\udcff"\n',
        "deep": "q: " + "[" * 30 + "]" * 30 + "\n",
    }
    paths = []
    for number, (name, content) in enumerate(contents.items()):
        paths.append(write(folder, f"{number:02d}/answers.yaml", content))
    paths.append(write(folder, "utf16/answers.yaml", solved.encode("utf-16")))
    paths.append(write(folder, "latin1/answers.yaml", "q2:\n  b: caf\xe9\n".encode("latin-1")))
    return paths


@pytest.fixture(scope="module")
def reading_request(tmp_path_factory) -> Path:
    texts = parser_test_texts() | random_texts(400, seed=12) | {text for path in
                                                                (ROOT / "examples").glob("*/answers.yaml")
                                                                for text in sheet_answers(path)}
    texts = sorted(text for text in texts if not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text))
    folder = tmp_path_factory.mktemp("reading")
    request = {"answers": [[kind, text] for text in texts for kind in PARSED_KINDS],
               "variables": texts,
               "sheets": [str(path) for path in hostile_sheets(folder / "sheets")]}
    path = folder / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def grader_reading(reading_request) -> dict:
    """What the repository's modules read in this process (PyYAML with libyaml, as on Gradescope)."""
    namespace: dict = {}
    exec(compile(READ_EVERYTHING, "read_everything", "exec"), namespace)
    modules = {"number": number, "shape": shape, "big_o": big_o, "ratio": ratio, "ParseError": ParseError,
               "SubmissionError": SubmissionError, "read_submission": read_submission}
    request = json.loads(reading_request.read_text(encoding="utf-8"))
    return json.loads(json.dumps(namespace["read_everything"](request, modules)))


@pytest.mark.parametrize("which", STUDENT_PYTHONS)
def test_the_shipped_parsers_and_yaml_loader_read_as_the_grader_under_every_student_python(
        which, bundle, reading_request, grader_reading):
    python = student_python(which)
    driver = bundle.parent / "read_everything.py"
    driver.write_text(READ_EVERYTHING, encoding="utf-8")
    completed = subprocess.run(python.command(str(driver), str(bundle), str(reading_request)),
                               capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    student = json.loads(completed.stdout)
    request = json.loads(reading_request.read_text(encoding="utf-8"))
    assert len(request["answers"]) > 2000 and len(request["sheets"]) > 20
    for part in ("answers", "variables", "sheets"):
        differences = [(request[part][at], grader, theirs) for at, (grader, theirs)
                       in enumerate(zip(grader_reading[part], student[part])) if grader != theirs]
        assert differences == [], f"{python.label} reads {part} otherwise than the grader: {differences[:5]}"
        assert len(student[part]) == len(grader_reading[part])
    assert not any(result[0] == "crashed" for result in student["answers"] + student["sheets"])
    assert {result[0] for result in student["sheets"]} == {"read", "refused"}


def alias_text_bomb(folder: Path) -> Path:
    """Issue 10's sheet: 146 KB whose answer is a list of 9,000 aliases of one
    110 KB text, which joined as one answer is about 1 GB."""
    text = "x" * 110_000
    content = f"text: &t {text}\nq2:\n  b: [{', '.join(['*t'] * 9_000)}]\n"
    return write(folder, "bomb/answers.yaml", content)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory limit is set with Linux's RLIMIT_AS")
@pytest.mark.parametrize("which", ["oldest", "this"])
def test_a_sheet_that_expands_past_memory_is_one_line_or_refused_never_a_traceback(which, bundle, tmp_path):
    import resource

    python = student_python(which)
    sheet = alias_text_bomb(tmp_path)
    limit = 512 * 1024 * 1024

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    completed = subprocess.run(python.command("check.py", str(sheet)), cwd=bundle, capture_output=True,
                               text=True, encoding="utf-8", timeout=300, preexec_fn=limit_memory)
    assert "Traceback" not in completed.stderr
    if completed.returncode == EXIT["memory"]:
        assert one_line(completed.stderr).startswith("check.py ran out of memory reading your sheet")
    else:  # the sheet loader's budget for text repeated by aliases refuses it first
        assert completed.returncode == EXIT["fix"], completed.stdout + completed.stderr
        assert "was not accepted" in completed.stdout
