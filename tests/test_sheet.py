"""The submission edge: finding answers.yaml and parsing it without trusting it."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from autograder.submission import files
from autograder.submission.files import (
    MAX_ENTRIES_SCANNED,
    MAX_SHEET_BYTES,
    SubmissionError,
    find_answer_file,
)
from autograder.submission.sheet import (
    MAX_NESTING_DEPTH,
    MAX_YAML_NODES,
    Sheet,
    likely_keys,
    load_sheet,
    read_submission,
    visible_key,
)


def write(path: Path, content: "str | bytes") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> Sheet:
    return load_sheet(write(tmp_path / "answers.yaml", text), root=tmp_path)


def refusal(tmp_path: Path, content: "str | bytes") -> str:
    path = write(tmp_path / "answers.yaml", content)
    with pytest.raises(SubmissionError) as caught:
        load_sheet(path, root=tmp_path)
    return caught.value.message


# --------------------------------------------------------------------------
# Every scalar stays the text the student typed


@pytest.mark.parametrize(
    "typed",
    ["28:28", "no", "yes", "off", "1_000", "0o17", "017", "0x1F", ".inf", "-.inf", ".nan",
     "1e3", "3.0", "2001-12-14", "=", "<<", "+12", "0b101", "1:30:00"],
)
def test_yaml_11_traps_are_kept_as_exact_text(tmp_path, typed):
    sheet = load_text(tmp_path, f"q1: {typed}\n")
    assert sheet.answers == {"q1": typed}
    assert sheet.get("q1") == typed


@pytest.mark.parametrize("blank", ["", "~", "null", "Null", "NULL"])
def test_blank_values_mean_unanswered(tmp_path, blank):
    sheet = load_text(tmp_path, f"q1: {blank}\nq2: x\n")
    assert sheet.get("q1") is None


def test_quoted_text_is_kept_verbatim_even_when_it_looks_blank(tmp_path):
    sheet = load_text(tmp_path, "q1: ''\nq2: '~'\nq3: \"null\"\nq4: '  spaced  '\n")
    assert [sheet.get(key) for key in ("q1", "q2", "q3", "q4")] == ["", "~", "null", "  spaced  "]


def test_nested_answers_and_dotted_lookup(tmp_path):
    sheet = load_text(
        tmp_path,
        "q2:\n  g:\n    multiplications_56:\n      standard: 28*28*3*3*3\n      depthwise: '42'\n",
    )
    assert sheet.get("q2.g.multiplications_56.standard") == "28*28*3*3*3"
    assert sheet.get("q2.g.multiplications_56.depthwise") == "42"
    assert sheet.get("q2.g.missing") is None
    assert sheet.get("q2.g.multiplications_56.standard.deeper") is None
    assert sheet.get("q9") is None


def test_list_and_mapping_leaves_come_back_as_text(tmp_path):
    sheet = load_text(tmp_path, "shape: [28, 28, 3]\nnested: [[1, 2], [3]]\nq: {a: 1, b: ~}\n")
    assert sheet.get("shape") == "28, 28, 3"
    assert sheet.get("nested") == "[1, 2], [3]"
    assert sheet.get("q") == "{a: 1, b: }"


def test_block_scalars_keep_newlines(tmp_path):
    sheet = load_text(tmp_path, "q1: |\n  line one\n  line two\n")
    assert sheet.get("q1") == "line one\nline two\n"


def test_unexpected_keys_reports_typos_in_sheet_order(tmp_path):
    sheet = load_text(
        tmp_path,
        "q1: a\nq2:\n  e:\n    standrd: 5\n    depthwise: 3\n  f: 1\nq9: x\n",
    )
    expected = ["q1", "q2.e.standard", "q2.e.depthwise", "q2.f"]
    assert sheet.unexpected_keys(expected) == ["q2.e.standrd", "q9"]


def test_unexpected_keys_flags_answers_at_the_wrong_level(tmp_path):
    sheet = load_text(tmp_path, "q2:\n  g: 5\n")
    assert sheet.unexpected_keys(["q2.g.standard"]) == ["q2.g"]


def test_a_key_written_as_a_dotted_path_answers_that_question(tmp_path):
    """`q2.b: 9` was neither read nor reported as unexpected: a silent zero."""
    sheet = load_text(tmp_path, "q2.a.output_size: 28 x 28\nq2:\n  b: 9\n  e.standard: 7056\n"
                                "q2.c: 7,056\n")
    assert (sheet.get("q2.a.output_size"), sheet.get("q2.b"), sheet.get("q2.c"),
            sheet.get("q2.e.standard")) == ("28 x 28", "9", "7,056", "7056")
    assert sheet.unexpected_keys(["q2.a.output_size", "q2.b", "q2.c", "q2.e.standard"]) == []
    assert sheet.problems == ()


def test_a_dotted_key_that_collides_is_reported_never_silently_dropped(tmp_path):
    sheet = load_text(tmp_path, "q2:\n  b: 8\nq2.b: 9\nq3: 1\nq3.a: 2\n")
    assert sheet.get("q2.b") == "9" and sheet.get("q3") == "1"
    assert any("Line 3: 'q2.b' is answered twice (also as a nested key); the answer on this "
               "line is used" in note for note in sheet.problems)
    assert any("Line 5: 'q3.a' was ignored: 'q3' is answered on its own" in note
               for note in sheet.problems)


@pytest.mark.parametrize("key", ["q2..b", ".b", "q2.", "a." * 15 + "b"])
def test_a_dotted_key_that_is_no_path_or_too_deep_stays_one_unknown_key(tmp_path, key):
    sheet = load_text(tmp_path, f"'{key}': 9\n")
    assert sheet.unexpected_keys(["q2.b"]) == [key]


@pytest.mark.parametrize("unknown, meant", [
    ("Q2.b", "q2.b"), ("2.b", "q2.b"), ("q2b", "q2.b"), ("Q2.E.Standard", "q2.e.standard"),
    ("q2.e.standard\u200b", "q2.e.standard"), ("\ufeffq2.b", "q2.b"), ("hw3.q2.b", "q2.b"),
    ("q2.b.answer", "q2.b"), ("q2.e", None),
    ("q2.e.standrd", None), ("q9", None), ("e.standard", None)])
def test_an_unknown_key_is_matched_with_the_template_key_it_most_likely_means(unknown, meant):
    expected = ["q2.b", "q2.e.standard", "q2.f.standard", "q1.a"]
    assert likely_keys([unknown], expected) == [meant]


def test_an_unknown_key_that_looks_like_a_template_key_shows_what_cannot_be_seen():
    assert visible_key("q2.\u202eb\u00a0") == "q2.<U+202E>b<U+00A0>"
    assert visible_key("q2 .b😀") == "q2 .b😀"


def test_duplicate_keys_are_reported_and_the_last_wins(tmp_path):
    sheet = load_text(tmp_path, "q1: first\nq2:\n  a: 1\n  a: 2\nq1: second\n")
    assert sheet.get("q1") == "second"
    assert sheet.get("q2.a") == "2"
    assert any("'q2.a'" in problem and "Line 4" in problem for problem in sheet.problems)
    assert any("'q1'" in problem and "Line 5" in problem for problem in sheet.problems)


def test_sheet_path_is_relative_to_the_submission(tmp_path):
    write(tmp_path / "hw" / "answers.yaml", "q1: a\n")
    assert read_submission(tmp_path).path == Path("hw/answers.yaml")


# --------------------------------------------------------------------------
# Hostile YAML


def test_python_object_apply_tag_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    message = refusal(
        tmp_path, f'q1: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    assert not marker.exists()
    assert "!!python/object/apply:os.system" in message
    assert "line 1" in message


@pytest.mark.parametrize(
    "document",
    [
        "q1: !!python/object/new:os.system [echo]\n",
        "q1: !!python/name:os.system\n",
        "q1: !!python/object:builtins.dict {}\n",
        "q1: !<tag:yaml.org,2002:python/object/apply:os.system> [echo]\n",
        "%TAG !p! tag:yaml.org,2002:python/\n---\nq1: !p!object/apply:os.system [echo]\n",
        "q1: !!binary aGVsbG8=\n",
        "q1: !!str 5\n",
        "q1: !!int 5\n",
        "q1: !!set {a, b}\n",
        "q1: !custom value\n",
        "q1: ! non-specific\n",
        "q1: !!map {a: 1}\n",
        "q1: !!seq [a]\n",
        "!!map\nq1: a\n",
        "q1:\n  - !!float 1\n",
    ],
)
def test_every_explicit_tag_is_refused(tmp_path, document):
    message = refusal(tmp_path, document)
    assert "tag" in message and "not allowed" in message


def test_billion_laughs_is_refused_quickly_in_bounded_memory(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refusal(tmp_path, "\n".join(lines) + "\n")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(MAX_YAML_NODES) in message
    assert elapsed < 1.0
    assert peak < 20 * 1024 * 1024


def test_many_aliases_to_a_small_anchor_count_towards_the_cap(tmp_path):
    document = "base: &x [a, b, c, d]\nuses: [" + ", ".join(["*x"] * 3000) + "]\n"
    assert str(MAX_YAML_NODES) in refusal(tmp_path, document)


def test_a_few_aliases_are_fine(tmp_path):
    sheet = load_text(tmp_path, "q1: &shape 28x28\nq2: *shape\n")
    assert sheet.get("q2") == "28x28"


@pytest.mark.parametrize("document", ["a: &a [*a]\n", "a: &a {b: *a}\n", "&top {q: [*top]}\n"])
def test_recursive_alias_is_refused(tmp_path, document):
    assert "recursive alias" in refusal(tmp_path, document)


def test_undefined_alias_is_a_yaml_error_with_a_line(tmp_path):
    message = refusal(tmp_path, "q1: a\nq2: *nowhere\n")
    assert "line 2" in message


def test_merge_keys_have_no_special_meaning(tmp_path):
    sheet = load_text(tmp_path, "base: &b {x: 1}\nq: {<<: *b, y: 2}\n")
    assert sheet.answers["q"] == {"<<": {"x": "1"}, "y": "2"}


@pytest.mark.parametrize(
    "document",
    [
        "q: " + "[" * (MAX_NESTING_DEPTH + 5) + "]" * (MAX_NESTING_DEPTH + 5) + "\n",
        "q: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "".join("  " * level + f"k{level}:\n" for level in range(MAX_NESTING_DEPTH + 5)),
    ],
)
def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path, document):
    assert "nested more than" in refusal(tmp_path, document)


def test_nesting_built_from_aliases_is_refused_too(tmp_path):
    lines = ["a0: &a0 x"]
    for level in range(1, MAX_NESTING_DEPTH + 5):
        lines.append(f"a{level}: &a{level} [*a{level - 1}]")
    assert "nested more than" in refusal(tmp_path, "\n".join(lines) + "\n")


def test_nesting_at_the_limit_is_accepted(tmp_path):
    depth = MAX_NESTING_DEPTH - 2  # the top mapping and the scalar are levels too
    sheet = load_text(tmp_path, "q: " + "[" * depth + "x" + "]" * depth + "\n")
    assert sheet.get("q") is not None


def test_syntax_error_names_line_column_and_the_line(tmp_path):
    message = refusal(tmp_path, "q1: fine\nq2: [unclosed, <b>x</b>\nq3: 3\n")
    assert "not valid YAML" in message
    assert "at line 3, column 3" in message
    assert "Line 3: q3: 3" in message
    assert "may begin earlier" in message and "Line 2: q2: [unclosed, <b>x</b>" in message
    assert "Traceback" not in message


def test_syntax_error_quotes_the_offending_line(tmp_path):
    message = refusal(tmp_path, "q1: ok\nq2: a: b\n")
    assert "line 2" in message
    assert "Line 2: q2: a: b" in message
    assert "quotes" in message


def test_tab_indentation_gets_a_hint(tmp_path):
    message = refusal(tmp_path, "q1:\n\ta: 1\n")
    assert "tab" in message.lower()


def test_several_documents_are_refused(tmp_path):
    assert "single document" in refusal(tmp_path, "q1: a\n---\nq1: b\n")


@pytest.mark.parametrize(
    ("document", "expected"),
    [("", "empty"), ("# only a comment\n", "empty"), ("~\n", "empty"),
     ("- a\n- b\n", "a list"), ("just text\n", "a single piece of text")],
)
def test_top_level_must_be_a_mapping(tmp_path, document, expected):
    assert expected in refusal(tmp_path, document)


def test_keys_without_names_are_reported_not_fatal(tmp_path):
    sheet = load_text(tmp_path, "q1: a\n~: orphan\n? [x, y]\n: complex\n")
    assert sheet.answers == {"q1": "a"}
    assert len(sheet.problems) == 2


# --------------------------------------------------------------------------
# Hostile bytes


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "answers.yaml"
    with open(path, "wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    with pytest.raises(SubmissionError) as caught:
        load_sheet(path, root=tmp_path)
    assert "5.0 MiB" in caught.value.message
    assert str(MAX_SHEET_BYTES // 1024) in caught.value.message


def test_file_at_the_size_limit_is_read(tmp_path):
    padding = "#" * (MAX_SHEET_BYTES - len("q1: a\n") - 1) + "\n"
    sheet = load_text(tmp_path, "q1: a\n" + padding)
    assert sheet.get("q1") == "a"


def test_png_bytes_are_refused_as_an_image(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "PNG image" in refusal(tmp_path, png)


def test_nul_bytes_are_refused_as_binary(tmp_path):
    assert "binary" in refusal(tmp_path, b"q1: a\x00b\n")


def test_utf16_without_bom_is_refused_with_a_hint(tmp_path):
    assert "UTF-16" in refusal(tmp_path, "q1: a\n".encode("utf-16-le"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_accepted(tmp_path, encoding):
    text = "q1: 28:28\nq2: naïve — ü\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    sheet = load_sheet(write(tmp_path / "answers.yaml", data), root=tmp_path)
    assert sheet.answers == {"q1": "28:28", "q2": "naïve — ü"}


def test_invalid_utf8_names_the_line(tmp_path):
    message = refusal(tmp_path, b"q1: a\nq2: caf\xe9\n")
    assert "UTF-8" in message and "line 2" in message


def test_control_characters_are_refused_with_a_line(tmp_path):
    message = refusal(tmp_path, "q1: a\nq2: b\x07c\n")
    assert "U+0007" in message and "line 2" in message


def test_a_fifo_named_answers_does_not_hang(tmp_path):
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with pytest.raises(SubmissionError) as caught:
        load_sheet(fifo, root=tmp_path)
    assert "not a regular file" in caught.value.message


# --------------------------------------------------------------------------
# Finding the sheet


@pytest.mark.parametrize("name", ["answers.yaml", "answers.yml", "Answers.YAML"])
def test_sheet_at_the_top_is_found(tmp_path, name):
    sheet = write(tmp_path / name, "q1: a\n")
    assert find_answer_file(tmp_path) == sheet


def test_yaml_is_preferred_to_yml_in_the_same_folder(tmp_path):
    write(tmp_path / "answers.yml", "q1: yml\n")
    write(tmp_path / "answers.yaml", "q1: yaml\n")
    assert read_submission(tmp_path).get("q1") == "yaml"


def test_sheet_in_a_subfolder_is_found(tmp_path):
    sheet = write(tmp_path / "hw3" / "submission" / "answers.yml", "q1: a\n")
    write(tmp_path / "README.md", "notes\n")
    assert find_answer_file(tmp_path) == sheet


def test_shallowest_sheet_wins_and_the_others_are_reported(tmp_path):
    write(tmp_path / "b" / "answers.yaml", "q1: b\n")
    write(tmp_path / "a" / "answers.yml", "q1: a\n")
    write(tmp_path / "a" / "deeper" / "answers.yaml", "q1: deep\n")
    sheet = read_submission(tmp_path)
    assert sheet.get("q1") == "a"
    assert "b/answers.yaml" in sheet.problems[0]
    assert "a/deeper/answers.yaml" in sheet.problems[0]


def test_submission_that_is_a_file_is_the_sheet(tmp_path):
    path = write(tmp_path / "whatever.txt", "q1: a\n")
    assert find_answer_file(path) == path
    assert read_submission(path).get("q1") == "a"


def test_macos_metadata_and_dotfiles_are_ignored(tmp_path):
    write(tmp_path / "__MACOSX" / "answers.yaml", "q1: resource fork\n")
    write(tmp_path / "._answers.yaml", "junk\n")
    write(tmp_path / ".hidden" / "answers.yaml", "q1: hidden\n")
    real = write(tmp_path / "hw" / "answers.yaml", "q1: real\n")
    assert find_answer_file(tmp_path) == real


def test_nothing_found_lists_what_was_seen_and_suggests_a_rename(tmp_path):
    write(tmp_path / "answers.yaml.txt", "q1: a\n")
    write(tmp_path / "notes" / "scratch.py", "print()\n")
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    message = caught.value.message
    assert "answers.yaml.txt" in message and "notes/scratch.py" in message
    assert "If answers.yaml.txt holds your answers, rename it to answers.yaml" in message


def search_message(submission: Path) -> str:
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(submission)
    return caught.value.message


@pytest.mark.parametrize("make", ["fifo", "socket"])
def test_a_sheet_that_is_not_a_regular_file_is_named_not_called_empty(tmp_path, make):
    """A FIFO or a socket named answers.yaml is never opened, and the
    student is told what it is, not that nothing was uploaded."""
    sheet = tmp_path / "answers.yaml"
    if make == "fifo":
        os.mkfifo(sheet)
    else:
        import socket
        with socket.socket(socket.AF_UNIX) as listener:
            listener.bind(str(sheet))
    message = search_message(tmp_path)
    assert "answers.yaml is not a regular file" in message and "empty" not in message


def test_a_folder_named_like_the_sheet_says_the_answers_go_in_a_file(tmp_path):
    (tmp_path / "answers.yaml").mkdir()
    write(tmp_path / "answers.yaml" / "q2.txt", "9\n")
    message = search_message(tmp_path)
    assert "answers.yaml is a folder: your answers go in a file of that name." in message


def test_remarks_on_many_folders_are_listed_then_counted(tmp_path):
    for number in range(300):
        (tmp_path / f"d{number:03}").mkdir()
        (tmp_path / f"d{number:03}" / "answers.yaml").symlink_to("/etc/passwd")
    message = search_message(tmp_path)
    assert message.count("is a link that does not lead to a file inside") == 20
    assert "… and 280 more like these." in message and len(message) < 5_000


def test_an_archive_instead_of_the_sheet_says_to_upload_the_sheet(tmp_path):
    write(tmp_path / "hw3.zip", b"PK\x03\x04")
    assert "hw3.zip is an archive, which the autograder does not unpack" in search_message(tmp_path)


def test_a_folder_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    """A folder without read permission (simulated: the tests may run as root,
    who reads any folder) is named, not passed over in silence."""
    write(tmp_path / "hw" / "answers.yaml", "q1: a\n")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "hw":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(files.os, "scandir", scandir)
    assert "The folder hw/ could not be opened (Permission denied)" in search_message(tmp_path)


def test_empty_submission_says_so(tmp_path):
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    assert "empty" in caught.value.message


@pytest.mark.parametrize("make", ["fifo", "dangling link"])
def test_a_sheet_given_by_name_that_is_no_file_is_named_not_called_missing(tmp_path, make):
    """`--submission a_fifo` or `check.py a_fifo` once said 'nothing was uploaded'."""
    given = tmp_path / "answers.yaml"
    if make == "fifo":
        os.mkfifo(given)
    else:
        given.symlink_to(tmp_path / "gone.yaml")
    with pytest.raises(SubmissionError) as caught:
        read_submission(given)
    assert caught.value.message.startswith("answers.yaml is neither a file nor a folder")


def test_missing_submission_folder_is_a_submission_error(tmp_path):
    with pytest.raises(SubmissionError):
        find_answer_file(tmp_path / "absent")


def test_search_depth_is_bounded(tmp_path):
    write(tmp_path / "1" / "2" / "3" / "4" / "5" / "answers.yaml", "q1: a\n")
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    assert "4 folders down" in caught.value.message


def test_a_sheet_at_the_maximum_depth_is_found(tmp_path):
    sheet = write(tmp_path / "1" / "2" / "3" / "4" / "answers.yaml", "q1: a\n")
    assert find_answer_file(tmp_path) == sheet


def test_huge_folders_stop_the_search_and_the_listing_is_bounded(tmp_path):
    for index in range(MAX_ENTRIES_SCANNED + 100):
        (tmp_path / f"file{index:05d}.dat").touch()
    started = time.perf_counter()
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    assert time.perf_counter() - started < 2.0
    message = caught.value.message
    assert f"more than {MAX_ENTRIES_SCANNED}" in message
    assert "more." in message
    assert len(message) < 2_000


def test_link_to_etc_passwd_is_not_followed(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "answers.yaml")
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    message = caught.value.message
    assert "not lead to a file inside your submission" in message
    assert "root:" not in message


def test_link_outside_is_skipped_in_favour_of_a_real_sheet(tmp_path):
    os.symlink("/etc/passwd", tmp_path / "answers.yaml")
    write(tmp_path / "hw" / "answers.yaml", "q1: real\n")
    sheet = read_submission(tmp_path)
    assert sheet.get("q1") == "real"
    assert any("not lead to a file inside your submission" in problem for problem in sheet.problems)


def test_load_sheet_refuses_a_link_outside_the_root(tmp_path):
    outside = write(tmp_path / "elsewhere" / "secret.yaml", "key: SECRET\n")
    root = tmp_path / "submission"
    root.mkdir()
    os.symlink(outside, root / "answers.yaml")
    with pytest.raises(SubmissionError) as caught:
        load_sheet(root / "answers.yaml", root=root)
    assert "not lead to a file inside your submission" in caught.value.message
    assert "SECRET" not in caught.value.message


def test_link_inside_the_submission_is_followed(tmp_path):
    write(tmp_path / "work" / "final.yaml", "q1: linked\n")
    os.symlink("work/final.yaml", tmp_path / "answers.yaml")
    assert read_submission(tmp_path).get("q1") == "linked"


def test_symlinked_folders_are_never_walked(tmp_path):
    outside = tmp_path / "outside"
    write(outside / "answers.yaml", "q1: outside\n")
    root = tmp_path / "submission"
    root.mkdir()
    os.symlink(outside, root / "linked_dir")
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(root)
    assert "linked_dir (a link, not followed)" in caught.value.message


def test_symlinked_folder_loop_terminates(tmp_path):
    (tmp_path / "a").mkdir()
    os.symlink("..", tmp_path / "a" / "loop")
    os.symlink("loop2", tmp_path / "loop2")
    sheet = write(tmp_path / "a" / "answers.yaml", "q1: a\n")
    assert find_answer_file(tmp_path) == sheet


def test_self_referencing_link_named_answers_is_reported(tmp_path):
    os.symlink("answers.yaml", tmp_path / "answers.yaml")
    with pytest.raises(SubmissionError) as caught:
        find_answer_file(tmp_path)
    assert "answers.yaml is a link that does not lead to a file" in caught.value.message


# --------------------------------------------------------------------------
# Found by name, whatever the file system's order


@pytest.fixture
def quick_tmp_path(tmp_path):
    """A folder in memory (/dev/shm) where there is one: creating 20,000
    files on a busy disk takes a minute, in memory a second."""
    import shutil
    import tempfile

    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="hw3-sheet-search-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("sheet_name, created, count", [
    ("answers.yaml", "sheet first", 20_000), ("answers.yaml", "sheet last", 20_000),
    ("Answers.YML", "sheet last", 3 * MAX_ENTRIES_SCANNED),
    ("hw3/answers.yaml", "sheet first", 3 * MAX_ENTRIES_SCANNED)])
def test_a_sheet_among_20000_files_is_found_whatever_the_listing_order(quick_tmp_path, sheet_name,
                                                                       created, count):
    """The search used to read the first 2,001 entries in directory order:
    a correct sheet beside 20,000 files (a dataset) was not found."""
    tmp_path = quick_tmp_path
    folder = (tmp_path / sheet_name).parent
    folder.mkdir(exist_ok=True)

    def files():
        for index in range(count):
            (folder / f"img{index:05d}.png").touch()

    def sheet():
        return write(tmp_path / sheet_name, "q1: a\n")

    if created == "sheet first":
        expected = sheet()
        files()
    else:
        files()
        expected = sheet()
    started = time.perf_counter()
    assert find_answer_file(tmp_path) == expected
    assert time.perf_counter() - started < 2.0


def test_a_sheet_past_every_listing_budget_is_still_looked_up_by_name(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "MAX_ENTRIES_LISTED", 50)
    for index in range(500):
        (tmp_path / f"a{index:03d}.dat").touch()
    expected = write(tmp_path / "answers.yaml", "q1: a\n")
    assert find_answer_file(tmp_path) == expected


def test_the_sheet_found_does_not_depend_on_the_listing_order(quick_tmp_path, monkeypatch):
    """os.scandir's order, shuffled, finds the same sheet."""
    import random

    tmp_path = quick_tmp_path

    for index in range(3_000):
        (tmp_path / f"f{index:04d}.txt").touch()
    write(tmp_path / "answers.yml", "q1: a\n")
    write(tmp_path / "answers.yaml", "q1: b\n")
    real_scandir = os.scandir
    chosen = set()
    for seed in range(4):
        class Shuffled:
            def __init__(self, path):
                with real_scandir(path) as listing:
                    self.entries = list(listing)
                random.Random(seed).shuffle(self.entries)

            def __enter__(self):
                return iter(self.entries)

            def __exit__(self, *exc):
                return False

        monkeypatch.setattr(files.os, "scandir", Shuffled)
        chosen.add(find_answer_file(tmp_path).name)
    assert chosen == {"answers.yaml"}
