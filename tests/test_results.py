"""The Gradescope edge: results.json shape, atomic writing, and Markdown escaping."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.gradescope.results import (
    GRADESCOPE_METADATA,
    GRADESCOPE_RESULTS,
    GRADESCOPE_SUBMISSION,
    MAX_ESCAPED_CHARS,
    Results,
    ResultsWriteError,
    TestResult,
    escape_markdown,
    failure_results,
    to_json_dict,
    to_json_text,
    written_scores,
    write_results,
)
from results_schema import results_validator, validate_results_file


def a_test(number: str = "1.1", score: float = 1.0, max_score: float = 1.0, **fields) -> TestResult:
    return TestResult(number=number, name=f"Question {number}", score=score,
                      max_score=max_score, output="ok", **fields)


def some_results(**fields) -> Results:
    tests = fields.pop("tests", [a_test("1.1", 1.0, 1.0), a_test("1.2", 0.5, 2.0)])
    return Results(tests=tests, output="Graded.", execution_time=1.234, **fields)


# --------------------------------------------------------------------------
# Shape


def test_gradescope_paths_are_the_documented_ones():
    assert GRADESCOPE_SUBMISSION == Path("/autograder/submission")
    assert GRADESCOPE_RESULTS == Path("/autograder/results/results.json")
    assert GRADESCOPE_METADATA == Path("/autograder/submission_metadata.json")


def test_json_dict_has_gradescope_keys_with_numbers_as_numbers():
    document = to_json_dict(some_results(extra_data={"sheet": "answers.yaml"}))
    assert document["score"] == 1.5
    assert document["execution_time"] == 1.23
    assert document["output_format"] == "md"
    assert document["test_output_format"] == "md"
    assert document["stdout_visibility"] == "hidden"
    assert document["extra_data"] == {"sheet": "answers.yaml"}
    first, second = document["tests"]
    assert first == {
        "score": 1.0, "max_score": 1.0, "status": "passed", "name": "Question 1.1",
        "name_format": "text", "number": "1.1", "output": "ok", "output_format": "md",
        "visibility": "visible",
    }
    assert second["status"] == "failed"
    assert all(isinstance(test["score"], float) for test in document["tests"])
    results_validator().validate(document)


def test_scores_are_rounded_so_float_noise_never_shows():
    tests = [a_test(str(index), 0.1, 0.1) for index in range(3)]
    document = to_json_dict(some_results(tests=tests))
    assert document["score"] == 0.3
    assert to_json_dict(some_results(tests=[a_test(score=1 / 3)]))["tests"][0]["score"] == 0.3333


def test_explicit_score_overrides_the_sum():
    assert to_json_dict(some_results(score=0.0))["score"] == 0.0


def test_explicit_status_wins_over_the_score():
    document = to_json_dict(some_results(tests=[a_test(score=0.0, max_score=0.0, status="failed")]))
    assert document["tests"][0]["status"] == "failed"


def test_status_is_derived_from_score_when_absent():
    assert a_test(score=2.0, max_score=2.0).resolved_status == "passed"
    assert a_test(score=0.1 + 0.2, max_score=0.3).resolved_status == "passed"
    assert a_test(score=1.9, max_score=2.0).resolved_status == "failed"
    assert a_test(score=0.0, max_score=0.0).resolved_status == "passed"


def test_tags_and_extra_data_appear_only_when_given():
    plain, tagged = to_json_dict(some_results(tests=[
        a_test("1"), a_test("2", tags=("conv", "shapes"), extra_data={"parsed": "28"}),
    ]))["tests"]
    assert "tags" not in plain and "extra_data" not in plain
    assert tagged["tags"] == ["conv", "shapes"]
    assert tagged["extra_data"] == {"parsed": "28"}


@pytest.mark.parametrize(
    "build",
    [
        lambda: a_test(visibility="public"),
        lambda: a_test(status="ok"),
        lambda: a_test(score=float("nan")),
        lambda: a_test(max_score=float("inf")),
        lambda: a_test(max_score=-1.0),
        lambda: some_results(visibility="students"),
        lambda: some_results(stdout_visibility="always"),
        lambda: Results(tests=[], output="", execution_time=float("nan")),
        lambda: some_results(score=float("inf")),
    ],
)
def test_values_gradescope_cannot_read_are_refused_up_front(build):
    with pytest.raises(ValueError):
        build()


def test_testresult_is_not_collected_by_pytest():
    assert TestResult.__test__ is False


# --------------------------------------------------------------------------
# Schema


def test_written_results_validate_against_the_schema(tmp_path):
    path = tmp_path / "results.json"
    write_results(some_results(), path)
    validate_results_file(path)


def test_the_documented_example_validates():
    example = {
        "score": 44.0,
        "execution_time": 136,
        "output": "Text relevant to the entire submission",
        "output_format": "simple_format",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "after_due_date",
        "stdout_visibility": "visible",
        "extra_data": {},
        "tests": [{
            "score": 2.0, "max_score": 2.0, "status": "passed", "name": "Your name here",
            "name_format": "text", "number": "1.1", "output": "Giant multiline string",
            "output_format": "text", "tags": ["tag1", "tag2", "tag3"], "visibility": "visible",
            "extra_data": {},
        }],
        "leaderboard": [
            {"name": "Accuracy", "value": 0.926},
            {"name": "Time", "value": 15.1, "order": "asc"},
            {"name": "Stars", "value": "*****"},
        ],
    }
    results_validator().validate(example)


def test_scores_only_on_tests_are_enough():
    results_validator().validate({"tests": [{"score": 1, "max_score": 1}]})


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"tests": [{"max_score": 1}]},
        {"score": "10"},
        {"score": 1, "execution_time": "0.12"},
        {"score": 1, "visibility": "public"},
        {"score": 1, "stdout_visibility": "students"},
        {"score": 1, "output_format": "markdown"},
        {"score": 1, "tests": [{"score": 1, "status": "ok"}]},
        {"score": 1, "tests": [{"score": 1, "number": 1.1}]},
        {"score": 1, "tests": [{"score": 1, "tags": "conv"}]},
        {"score": 1, "tests": [{"score": 1, "weight": 2}]},
        {"score": 1, "scores": 2},
        {"score": 1, "leaderboard": [{"name": "Time", "value": 1, "order": "up"}]},
    ],
)
def test_schema_rejects_what_gradescope_does_not_document(document):
    with pytest.raises(jsonschema.ValidationError):
        results_validator().validate(document)


def test_validator_rejects_nan_in_the_file(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"score": NaN}', encoding="utf-8")
    with pytest.raises(ValueError):
        validate_results_file(path)


# --------------------------------------------------------------------------
# Writing


def test_write_creates_the_folder_and_a_readable_file(tmp_path):
    path = tmp_path / "autograder" / "results" / "results.json"
    write_results(some_results(), path)
    assert json.loads(path.read_text(encoding="utf-8"))["score"] == 1.5
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_write_replaces_an_existing_file_and_leaves_no_temporaries(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("stale and much longer than the new content " * 100, encoding="utf-8")
    write_results(some_results(score=7.0), path)
    assert json.loads(path.read_text(encoding="utf-8"))["score"] == 7.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failed_write_keeps_the_previous_file_intact(tmp_path, monkeypatch, failing):
    path = tmp_path / "results.json"
    write_results(some_results(score=1.0), path)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(ResultsWriteError) as caught:
        write_results(some_results(score=2.0), path)
    assert "No space left on device" in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_unwritable_location_raises_a_clear_error(tmp_path):
    blocker = tmp_path / "results"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    path = blocker / "results.json"
    with pytest.raises(ResultsWriteError) as caught:
        write_results(some_results(), path)
    assert str(path) in str(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_raises_a_clear_error(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ResultsWriteError):
            write_results(some_results(), folder / "results.json")
    finally:
        folder.chmod(0o700)


def test_unicode_and_hostile_text_round_trips_as_ascii_json(tmp_path):
    path = tmp_path / "results.json"
    hostile = escape_markdown("naïve ü — <script>alert(1)</script> \u202e")
    write_results(some_results(tests=[a_test(), TestResult("2", "x", 0, 1, hostile)]), path)
    raw = path.read_bytes()
    assert raw.isascii()
    assert json.loads(raw)["tests"][1]["output"] == hostile
    validate_results_file(path)


# --------------------------------------------------------------------------
# Failure results


def test_failure_results_say_plainly_that_the_score_is_not_a_grade(tmp_path):
    results = failure_results("KeyError: 'q2' <b>boom</b>", execution_time=3.5)
    document = to_json_dict(results)
    assert document["score"] == 0.0
    output = document["output"]
    assert "autograder failed" in output.lower()
    assert "not a grade" in output
    assert "contact the course staff" in output
    assert "&lt;b&gt;boom&lt;/b&gt;" in output and "<b>" not in output
    [test] = document["tests"]
    assert test["name"] == "Autograder error"
    assert test["status"] == "failed"
    assert test["score"] == 0.0
    assert "not a grade" in test["output"]
    assert document["extra_data"] == {"autograder_error": "KeyError: 'q2' <b>boom</b>"}
    path = tmp_path / "results.json"
    write_results(results, path)
    validate_results_file(path)


# --------------------------------------------------------------------------
# Markdown escaping


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<script>alert(1)</script>", "<"),
        ("![x](http://evil/track.png)", "]("),
        ("[click](javascript:alert(1))", "]("),
        ("<img src=x onerror=alert(1)>", "<"),
        ("`code` and ```fence```", "`"),
        ("| a | b |\n|---|---|", "|"),
        ("# Heading", "#"),
        ("**bold** _it_", "*"),
        ("&lt;script&gt;", "&lt;"),
    ],
)
def test_hostile_strings_cannot_render_as_markup(hostile, forbidden):
    escaped = escape_markdown(hostile)
    unescaped = re.sub(r"\\.", "", escaped)  # drop every backslash-escaped character
    unescaped = re.sub(r"&(?:amp|lt|gt);", "", unescaped)
    assert forbidden not in unescaped


def test_entities_are_encoded_once():
    assert escape_markdown("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d"


def test_leading_markers_are_escaped():
    assert escape_markdown("# not a heading") == "\\# not a heading"
    assert escape_markdown("1. not a list") == "1\\. not a list"
    assert escape_markdown("- item") == "\\- item"


def test_newlines_become_hard_line_breaks():
    assert escape_markdown("one\ntwo\r\nthree\rfour") == "one  \ntwo  \nthree  \nfour"


def test_indentation_cannot_start_a_code_block():
    assert escape_markdown("    indented\n\tTabbed") == "indented  \nTabbed"


def test_control_and_bidi_characters_are_removed():
    assert escape_markdown("a\x00b\x07c\x1b[31md\u202ee\u200bf") == "abc\\[31mdef"


def test_long_text_is_truncated_with_a_note():
    escaped = escape_markdown("x" * (MAX_ESCAPED_CHARS + 50))
    assert escaped.startswith("x" * MAX_ESCAPED_CHARS)
    assert escaped.endswith("(50 more characters not shown)")
    assert escape_markdown("abcdef", limit=3) == "abc … (3 more characters not shown)"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaped_text_never_contains_html_or_an_unescaped_link(text):
    escaped = escape_markdown(text)
    assert "<" not in escaped
    assert re.search(r"(?<!\\)\]\(", escaped) is None
    assert not any(ord(ch) < 32 and ch != "\n" for ch in escaped)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_escaping_hides_nothing_the_student_typed(text):
    escaped = escape_markdown(text, limit=len(text) + 1)
    shown = re.sub(r"\\(.)", r"\1", escaped)
    shown = shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    shown = shown.replace("  \n", "\n")
    expected = "\n".join(line.lstrip() for line in text.split("\n")).replace("\t", " ")
    assert shown == expected


def test_the_compact_text_is_the_document_and_remembered_entries_stay_the_callers_own():
    tests = [a_test(score=1 / 3), a_test(score=0.0, max_score=0.0, status="failed"),
             TestResult(number="9", name="9 tagged", score=1.0, max_score=1.0, output="ok",
                        tags=("number", "exact")),
             TestResult(number="10", name="10 with data", score=0.5, max_score=1.0, output="half",
                        extra_data={"kept": [1, 2]})]
    results = some_results(tests=tests, extra_data={"sheet": "answers.yaml"})
    document = to_json_dict(results)
    assert json.loads(to_json_text(results)) == document
    assert json.loads(to_json_text(results)) == to_json_dict(results)  # remembered: the same again
    document["tests"][0]["score"] = 99
    tagged = to_json_dict(some_results(tests=[tests[2]]))["tests"][0]
    tagged["tags"].append("changed")
    assert to_json_dict(results)["tests"][0]["score"] == 0.3333
    assert to_json_dict(some_results(tests=[tests[2]]))["tests"][0]["tags"] == ["number", "exact"]
    assert json.loads(to_json_text(results))["score"] == document["score"] == 1.8333
    written = written_scores(results)
    assert written.total == 1.8333
    assert written.scores == {t["number"]: t["score"] for t in to_json_dict(results)["tests"]}
    assert written.max_scores == {t["number"]: t["max_score"] for t in to_json_dict(results)["tests"]}


def test_only_tests_of_ordinary_length_are_remembered_with_their_json():
    from autograder.gradescope import results as module

    def test_with(number: str, output: str) -> TestResult:
        return TestResult(number=number, name=number, score=1.0, max_score=1.0, output=output)

    module._remembered_test_entry.cache_clear()
    long_output = "x" * (module.REMEMBERED_OUTPUT_CHARS + 1)
    for number in range(3):
        to_json_text(some_results(tests=[test_with(f"9.{number}", long_output)]))
    assert module._remembered_test_entry.cache_info().currsize == 0
    to_json_text(some_results(tests=[test_with("9.9", "x" * module.REMEMBERED_OUTPUT_CHARS)]))
    assert module._remembered_test_entry.cache_info().currsize == 1
    document = json.loads(to_json_text(some_results(tests=[test_with("9.8", long_output)])))
    assert document["tests"][0]["output"] == long_output
