"""How a student learns their own numbers when the spec has a family: their
personal template (`autograder sheet template --student`), the students'
bundle that carries every variant, and `check.py --email`, run as students
run it (unzipped outside the repository, by a bare Python 3.9 and this
test run's own). The draw is the grader's: check.py's variant is
`Family.variant_for`'s for every email tried."""
from __future__ import annotations

import functools
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder.assignment import sheet_templates as sheets
from autograder.assignment.family import VARIANT_KEY
from autograder.assignment.spec import load_spec, spec_for_student, variant_spec
from autograder.build import artifacts as build
from autograder.grading.pipeline import written_for_other_variant
from autograder.student import check as autograder_check
from autograder.submission.sheet import load_sheet
from autograder.submission.variant_record import recorded_variant
from student_bundle import ROOT, TEMPLATE, one_line, run_check, section, student_python, this_python
from test_student_bundle import load_check_module

FAMILY_SPEC = ROOT / "specs" / "hw3-per-student.yaml"
PLAIN_SPEC = ROOT / "specs" / "hw3.yaml"
EXIT = {name: code for code, name in enumerate(("clean", "fix", "usage", "unreadable", "broken", "memory", "bug"))}


@functools.lru_cache(maxsize=None)
def family_spec():
    return load_spec(FAMILY_SPEC)


def email_of_variant(number: int, avoid: tuple[str, ...] = ()) -> str:
    """An email whose draw is variant `number`."""
    family = family_spec().family
    for n in range(100_000):
        email = f"student{n}@school.edu"
        if email not in avoid and family.variant_for(email).number == number:
            return email
    raise AssertionError(f"no email draws variant {number}")


def random_emails(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = ["ada", "Bob", "chen.li", "d_o'neil", "eve+hw3", "Zoë", "x"]
    return [f"{rng.choice(names)}{rng.randrange(10**6)}@{rng.choice(['school.edu', 'Uni.AC.uk', 'b.c'])}"
            + rng.choice(["", " ", "\t"]) for _ in range(count)]


# ---------------------------------------------------------------------------
# The personal template


def sheet_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "sheet", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


@pytest.mark.parametrize("which", ["template", "solved"])
@pytest.mark.parametrize("number", [1, 8, 24])
def test_a_variants_sheet_opens_with_its_numbers_and_records_its_variant(which, number):
    own = variant_spec(family_spec(), number)
    completed = sheet_command(which, "--spec", str(FAMILY_SPEC), "--variant", str(number))
    assert completed.returncode == 0, completed.stderr
    text = completed.stdout
    if which == "template":
        assert text == sheets.template(own)
    else:
        from autograder.assignment.prepared import load_or_prepare

        assert text == sheets.solved(own, load_or_prepare(own))
    lines = text.splitlines()
    first_blank = lines.index("")
    assert all(line.startswith("#") for line in lines[:first_blank])  # the header comes first
    record = lines.index(next(line for line in lines if line.startswith(f"{VARIANT_KEY}:")))
    stated = " ".join(line.removeprefix("# ") for line in lines[first_blank + 1:record])
    assert stated == f"Your numbers (variant {number} of 24): " + own.numbers.removesuffix(f" (variant {number} of 24)")
    assert re.fullmatch(rf"variant: {number} +# the numbers this sheet is for: do not change it", lines[record])
    written = yaml.safe_load(text)
    assert written[VARIANT_KEY] == number
    keys = {key for key in own.answer_keys}
    assert {f"q2.{k}" for k in written["q2"]} <= {".".join(key.split(".")[:2]) for key in keys}


def test_the_sheet_of_a_students_email_is_the_sheet_of_their_drawn_variant():
    for email in ("Ada@School.edu ", "bob@school.edu", email_of_variant(8)):
        completed = sheet_command("template", "--spec", str(FAMILY_SPEC), "--student", email)
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout == sheets.template(spec_for_student(family_spec(), email))
        assert f"variant: {family_spec().family.variant_for(email).number} " in completed.stdout


def test_the_course_wide_template_of_a_family_says_how_to_get_ones_own_and_records_no_variant():
    text = sheets.template(family_spec())
    header = text.split("\n\n")[0]
    assert "Every student has their own numbers in this homework" in header
    assert "python check.py --email you@school.edu" in header
    assert VARIANT_KEY not in yaml.safe_load(text) and "Your numbers" not in text
    plain = sheets.template(load_spec(PLAIN_SPEC))
    assert "--email" not in plain and "Your numbers" not in plain
    assert plain == (TEMPLATE / "answers.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec, args, says", [
    (FAMILY_SPEC, ["--variant", "0"], "--variant: the family of hw3-per-student.yaml has variants 1 to 24"),
    (FAMILY_SPEC, ["--variant", "25"], "--variant: the family of hw3-per-student.yaml has variants 1 to 24"),
    (FAMILY_SPEC, ["--student", "ada.school.edu"], "--student: 'ada.school.edu' is not an email address"),
    (FAMILY_SPEC, ["--student", "a@b.edu", "--variant", "2"], "not allowed with argument"),
    (PLAIN_SPEC, ["--student", "a@b.edu"], "hw3.yaml has no family: every student has the same numbers"),
    (PLAIN_SPEC, ["--variant", "1"], "hw3.yaml has no family"),
])
def test_asking_a_sheet_no_student_can_have_is_a_usage_error(spec, args, says):
    completed = sheet_command("template", "--spec", str(spec), *args)
    assert completed.returncode == 2 and completed.stdout == ""
    assert says in completed.stderr


@pytest.mark.parametrize("text, number", [
    ("7", 7), ("07", 7), ("variant 7", 7), ("Variant 12", 12), (" 3 ", 3), ("variant7", 7),
    ("", None), ("   ", None), (None, None), ("seven", None), ("7, 8", None), ("variant", None), ("-7", None),
    ("12345", None),
])
def test_the_recorded_variant_is_read_as_the_grader_reads_it(tmp_path, text, number):
    assert recorded_variant(text) == number
    path = tmp_path / "answers.yaml"
    path.write_text("q2:\n  b: 9\n" if text is None else f"{VARIANT_KEY}: '{text}'\n", encoding="utf-8")
    sheet = load_sheet(path, root=tmp_path)
    for graded in (3, 7, 12):
        recorded_other = written_for_other_variant(variant_spec(family_spec(), graded), sheet)
        blank = text is None or not text.strip()
        assert (recorded_other is None) == (blank or number == graded), (text, graded, recorded_other)


# ---------------------------------------------------------------------------
# What the bundle holds


@pytest.fixture(scope="module")
def family_bundle(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("family-bundle")
    bundle_zip = build.build_student_bundle(FAMILY_SPEC, folder / "dist" / "student_template.zip")
    unpacked = folder / "student_template"
    unpacked.mkdir()
    build.extract_with_modes(bundle_zip, unpacked)
    return bundle_zip, unpacked


@pytest.fixture
def bundle(family_bundle, tmp_path) -> Path:
    """A fresh copy of the unpacked family bundle (check.py --email writes into it)."""
    import shutil

    copy = tmp_path / "student_template"
    shutil.copytree(family_bundle[1], copy)
    return copy


def test_items_json_carries_the_draw_and_every_variants_numbers_items_and_sheet(family_bundle):
    manifest = json.loads((family_bundle[1] / "items.json").read_text(encoding="utf-8"))
    spec = family_spec()
    assert set(manifest) == {"items", "family"}
    assert [item["key"] for item in manifest["items"]] == list(spec.answer_keys)
    family = manifest["family"]
    assert {key: family[key] for key in ("salt", "count", "group", "variant_key")} == {
        "salt": spec.family.salt, "count": 24, "group": spec.family.group, "variant_key": VARIANT_KEY}
    assert [variant["number"] for variant in family["variants"]] == list(range(1, 25))
    key_sets = set()
    for variant in family["variants"]:
        own = variant_spec(spec, variant["number"])
        assert set(variant) == {"number", "numbers", "items", "template"}
        assert variant["template"] == sheets.template(own)
        assert f"Your numbers (variant {variant['number']} of 24): {variant['numbers']}" == sheets.numbers_line(own)
        assert [item["key"] for item in variant["items"]] == list(own.answer_keys)
        assert all(set(item) - {"one_number_means"} == {"key", "number", "name", "kind"} for item in variant["items"])
        key_sets.add(tuple(item["key"] for item in variant["items"]))
    assert len(key_sets) > 2  # the variants' sheets differ (sizes in keys, per-side padding at stride 2)


def test_the_family_bundle_has_no_course_wide_sheet_and_its_readme_says_how_to_get_ones_own(family_bundle):
    bundle_zip, unpacked = family_bundle
    with zipfile.ZipFile(bundle_zip) as archive:
        names = set(archive.namelist())
    assert "answers.yaml" not in names and {"check.py", "items.json", "README.txt"} <= names
    assert "autograder/submission/submitter.py" in names and "autograder/submission/variant_record.py" in names
    assert {path.relative_to(ROOT).as_posix() for path in build.checker_modules()} <= names
    readme = (unpacked / "README.txt").read_text(encoding="utf-8")
    for system, command in (("macOS", "python3"), ("Windows", "py"), ("Linux", "python3")):
        assert re.search(rf"^ +{system}: +{command} check\.py --email you@school\.edu$", readme, re.MULTILINE)
    assert "answers-variant-N.yaml" in readme
    plain = build.student_bundle_files(PLAIN_SPEC)["README.txt"].decode("utf-8")
    assert "--email" not in plain


#: Issue 12's limit, for a bundle holding 24 variants too.
MAX_BUNDLE_BYTES = 500_000


def test_the_family_bundle_stays_small(family_bundle):
    assert family_bundle[0].stat().st_size < MAX_BUNDLE_BYTES


# ---------------------------------------------------------------------------
# check.py --email, as students run it


@pytest.fixture(params=["oldest", "this"])
def python(request):
    return student_python(request.param)


def test_email_prints_the_numbers_and_writes_the_own_sheet_where_there_is_none(python, bundle):
    email = email_of_variant(8)
    completed = run_check(python, bundle, "--email", email)
    assert (completed.returncode, completed.stderr) == (EXIT["clean"], "")
    own = variant_spec(family_spec(), 8)
    lines = completed.stdout.splitlines()
    assert lines[0] == sheets.numbers_line(own)
    assert f"Wrote your own answer sheet, for your numbers, to {bundle / 'answers.yaml'}." in completed.stdout
    assert (bundle / "answers.yaml").read_text(encoding="utf-8") == sheets.template(own)
    again = run_check(python, bundle, "--email", email)  # now it checks it: all blank, nothing to fix
    assert again.returncode == EXIT["clean"], again.stdout + again.stderr
    assert again.stdout.splitlines()[0] == sheets.numbers_line(own)
    assert len(section(again.stdout, "Left empty")) == len([i for i in own.items if i.kind != "feedback"])
    assert section(again.stdout, "Not in the template") == []


def test_a_sheet_for_the_students_own_numbers_is_read_against_their_variant(python, bundle):
    number = 8  # stride 2: per-side padding blanks the course-wide sheet lacks
    own = variant_spec(family_spec(), number)
    from autograder.assignment.prepared import load_or_prepare

    (bundle / "answers.yaml").write_text(sheets.solved(own, load_or_prepare(own)), encoding="utf-8")
    for args in (["--email", email_of_variant(number)], []):  # without --email: the variant it records
        completed = run_check(python, bundle, *args)
        assert (completed.returncode, completed.stderr) == (EXIT["clean"], ""), completed.stdout
        read = section(completed.stdout, "Read")
        assert len(read) == len(own.items) and section(completed.stdout, "Not in the template") == []
        assert not re.search(r"\b(correct|wrong|right|score|points?)\b", completed.stdout, re.IGNORECASE)
    assert completed.stdout.startswith(f"answers.yaml is written for the numbers of variant {number} of 24: ")


@pytest.mark.parametrize("recorded, says", [
    ("variant: 3\n", "answers.yaml is written for variant 3, not for your numbers"),
    ("", "answers.yaml records no variant: it is not your own sheet"),
    ("variant: mine\n", "answers.yaml records the variant 'mine', which this homework does not have"),
    ("variant: 99\n", "answers.yaml records the variant '99', which this homework does not have"),
], ids=["another", "none", "unreadable", "out of range"])
def test_a_sheet_for_other_numbers_is_said_so_and_the_own_sheet_is_written_beside_it(python, bundle, recorded, says):
    email = email_of_variant(8)
    sheet = bundle / "answers.yaml"
    sheet.write_text(recorded + "q2:\n  b: 3*3\n", encoding="utf-8")
    completed = run_check(python, bundle, "--email", email)
    assert (completed.returncode, completed.stderr) == (EXIT["fix"], "")
    assert says in completed.stdout and "earn no credit" in completed.stdout
    beside = bundle / "answers-variant-8.yaml"
    assert f"Your own answer sheet is now {beside.relative_to(bundle)}, new: copy your answers into it" \
        in completed.stdout
    assert beside.read_text(encoding="utf-8") == sheets.template(variant_spec(family_spec(), 8))
    assert sheet.read_text(encoding="utf-8") == recorded + "q2:\n  b: 3*3\n"  # the sheet is left alone
    assert any(line.startswith("2.b ") and "read as" in line for line in section(completed.stdout, "Read"))
    beside.write_text("my own work\n", encoding="utf-8")
    again = run_check(python, bundle, "--email", email)
    assert again.returncode == EXIT["fix"] and "already there (left as it is)" in again.stdout
    assert beside.read_text(encoding="utf-8") == "my own work\n"  # never overwritten


@pytest.mark.parametrize("content", [None, "q2:\n  b: 9\n", "variant: 30\nq2:\n  b: 9\n"],
                         ids=["no sheet", "no variant", "no such variant"])
def test_without_email_a_sheet_of_nobodys_numbers_is_one_line_saying_to_run_with_email(python, bundle, content):
    if content is not None:
        (bundle / "answers.yaml").write_text(content, encoding="utf-8")
    completed = run_check(python, bundle)
    assert completed.returncode == EXIT["usage"] and completed.stdout == ""
    line = one_line(completed.stderr)
    assert line.endswith("This homework gives every student their own numbers: run python check.py --email "
                         "you@school.edu (with your school email) to see yours, get your own answer sheet "
                         "and check it against your numbers.")
    assert not (bundle / "answers.yaml").exists() or content is not None


@pytest.mark.parametrize("email", ["ada.school.edu", "@school.edu", "ada@", "a b@school.edu", "", "a@b@c"])
def test_a_malformed_email_is_a_one_line_usage_error_and_writes_nothing(python, bundle, email):
    completed = run_check(python, bundle, "--email", email)
    assert completed.returncode == EXIT["usage"] and completed.stdout == ""
    assert one_line(completed.stderr).startswith("--email: ")
    assert "is not an email address" in completed.stderr
    assert not (bundle / "answers.yaml").exists()


def test_the_own_sheet_goes_only_to_a_yaml_path_that_can_be_written(bundle, tmp_path):
    email = email_of_variant(1)
    for target, says in ((tmp_path / "notes.txt", "is written only to a file named like answers.yaml"),
                         (tmp_path / "missing" / "answers.yaml", "could not be written there")):
        completed = run_check(this_python(), bundle, "--email", email, str(target))
        assert completed.returncode == EXIT["usage"] and says in one_line(completed.stderr)
        assert not target.exists()
    mine = tmp_path / "mine.yml"
    assert run_check(this_python(), bundle, "--email", email, str(mine)).returncode == EXIT["clean"]
    assert mine.read_text(encoding="utf-8") == sheets.template(variant_spec(family_spec(), 1))


def test_a_group_answers_the_numbers_the_grader_picks_for_it(bundle):
    first, second = email_of_variant(5), email_of_variant(17)
    members = sorted([first, second])
    completed = run_check(this_python(), bundle, "--email", members[1], "--email", members[0].upper())
    expected = family_spec().family.variant_for(members[0]).number
    assert completed.stdout.startswith(f"Your numbers (variant {expected} of 24): ")


#: Runs in the unpacked bundle under a student's Python: check.py's draw for each email.
DRAW_EVERY_EMAIL = """
import json, sys
sys.path.insert(0, sys.argv[1])
import check
family = check.load_manifest()["family"]
emails = json.loads(open(sys.argv[2], encoding="utf-8").read())
print(json.dumps([check.student_variant(family, [email])["number"] for email in emails]))
"""


@pytest.mark.parametrize("which", ["oldest", "this"])
def test_check_py_draws_the_variant_the_grader_draws_for_every_email(which, family_bundle, tmp_path):
    emails = random_emails(3000, seed=7)
    driver = tmp_path / "draw.py"
    driver.write_text(DRAW_EVERY_EMAIL, encoding="utf-8")
    request = tmp_path / "emails.json"
    request.write_text(json.dumps(emails), encoding="utf-8")
    python = student_python(which)
    completed = subprocess.run(python.command(str(driver), str(family_bundle[1]), str(request)),
                               capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert completed.returncode == 0, completed.stderr
    drawn = json.loads(completed.stdout)
    family = family_spec().family
    assert drawn == [family.variant_for(email).number for email in emails]
    assert set(drawn) == set(range(1, 25))  # every variant is somebody's


# ---------------------------------------------------------------------------
# A damaged family in items.json, and the repository's own check


DAMAGED_FAMILY = {
    "no salt": lambda family: family.pop("salt"),
    "a count that is not the list's": lambda family: family.update(count=23),
    "a variant without its sheet": lambda family: family["variants"][3].pop("template"),
    "variants out of order": lambda family: family["variants"].reverse(),
    "a variant without items": lambda family: family["variants"][0].update(items=[]),
}


@pytest.mark.parametrize("damage", list(DAMAGED_FAMILY))
def test_a_damaged_family_is_one_line_telling_to_download_again(bundle, damage):
    manifest = json.loads((bundle / "items.json").read_text(encoding="utf-8"))
    DAMAGED_FAMILY[damage](manifest["family"])
    (bundle / "items.json").write_text(json.dumps(manifest), encoding="utf-8")
    completed = run_check(this_python(), bundle, "--email", "ada@school.edu")
    assert completed.returncode == EXIT["broken"] and completed.stdout == ""
    assert one_line(completed.stderr).startswith("check.py's items.json is damaged (")


def test_autograder_check_passes_email_on_and_checks_against_another_spec(tmp_path, capsys):
    email = email_of_variant(8)
    sheet = tmp_path / "answers.yaml"
    assert autograder_check.main(["--spec", str(FAMILY_SPEC), "--email", email, str(sheet)]) == 0
    assert sheet.read_text(encoding="utf-8") == sheets.template(variant_spec(family_spec(), 8))
    assert autograder_check.main(["--spec", str(FAMILY_SPEC), str(sheet)]) == 0
    assert autograder_check.main(["--spec", str(FAMILY_SPEC), "--email", "nobody", str(sheet)]) == 2
    assert autograder_check.main(["--email", email, str(sheet)]) == 0  # the default spec: same numbers for all
    output = capsys.readouterr()
    assert "Every student has the same numbers in this homework: --email changes nothing." in output.out
    assert "--email: 'nobody' is not an email address" in output.err


def test_the_repositorys_check_draws_as_the_bundle_does():
    check = load_check_module()
    manifest = build.item_manifest(family_spec())
    for email in random_emails(300, seed=3):
        assert check.student_variant(manifest["family"], [email])["number"] == \
            family_spec().family.variant_for(email).number


# ---------------------------------------------------------------------------
# The sheet check.py writes, as the grader grades it


@pytest.mark.parametrize("graded_for, full_marks", [(8, True), (3, False)], ids=["own", "neighbour's"])
def test_a_variants_solved_sheet_earns_full_marks_only_for_its_own_student_and_is_noticed_elsewhere(
        tmp_path, graded_for, full_marks):
    """The personal sheet's `variant:` record and keys are the grader's: the
    solved sheet of variant 8 earns every point graded for variant 8's
    student, with no note, and graded for a neighbour (variant 3) is said
    to be written for variant 8."""
    import time

    from autograder.assignment.prepared import load_or_prepare
    from autograder.grading.pipeline import grade_submission

    own = variant_spec(family_spec(), 8)
    sheet = tmp_path / "answers.yaml"
    sheet.write_text(sheets.solved(own, load_or_prepare(own)), encoding="utf-8")
    graded = spec_for_student(family_spec(), email_of_variant(graded_for))
    result = grade_submission(graded, load_or_prepare(graded), sheet, started=time.perf_counter())
    earned = sum(test.score for test in result.results.tests)
    assert (earned == graded.max_score) is full_marks
    assert result.written_for == (None if full_marks else "variant 8")
