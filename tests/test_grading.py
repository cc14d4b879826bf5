"""End to end: sheets in, results.json out, through `run_autograder`'s entry point."""
from __future__ import annotations

import copy
import json
import re
import subprocess
import time

import pytest
import yaml

from conftest import ROOT, SOLVED, set_answer, solved_answers


def test_the_solved_sample_gets_full_marks(grade):
    graded = grade(SOLVED.read_text(encoding="utf-8"))
    assert graded.code == 0
    assert graded.max_score > 30
    assert graded.score == graded.max_score, graded.lost()
    written = [t for t in graded.data["tests"] if "written" in t.get("tags", [])]
    assert written and all(t["max_score"] == 0 for t in written)
    assert graded.data["extra_data"]["answer_file"] == "answers.yaml"
    assert "answers\\.yaml" in graded.data["output"]  # escaped Markdown
    assert "Total:" in graded.stdout


def test_numbers_begin_with_the_homework_labels(grade):
    numbers = [t["number"] for t in grade(SOLVED.read_text()).data["tests"]]
    for label in ["2.a", "2.b", "2.c", "2.d", "2.e", "2.f", "2.g", "2.h", "E2.a", "E2.b", "E2.c"]:
        assert any(n.startswith(label) for n in numbers), label


RIGHT_IN_OTHER_NOTATIONS = [
    ("q2.a.output_size", ["28x28", "(28, 28)", "[28, 28]", "28 by 28", "28 × 28 × 1", "28"]),
    ("q2.a.padding", ["1", "1 on each side", "1 pixel per side"]),
    ("q2.a.flattened_length", ["784", "28^2", "28²", "28 x 28", "784 elements"]),
    ("q2.b", ["9", "3*3", "3²", "9 weights", "10 (with the bias)"]),
    ("q2.c", ["7056", "7,056", "7 056", "784*9", "28^2 * 3^2", "7.056e3", "7840"]),
    ("q2.d", ["614656", "784**2", "784^2", "614,656", "6.14656 x 10^5", "615440"]),
    ("q2.e.standard", ["7056", "6724", "28*28*9 = 7056"]),
    ("q2.e.fully_connected", ["784 · 784", "784×784", "６１４６５６"]),
    ("q2.f.standard", ["784x9", "9 x 784", "28x28x3x3", "(784, 9)", "7056", "784 x 10"]),
    ("q2.f.non_weight_sharing", ["784 x 7056", "28x28x28x28x3x3", "7056x784"]),
    ("q2.f.fully_connected", ["784 x 614656", "784 x 784^2", "28 x 28 x 784 x 784"]),
    ("q2.g.multiplications_56.fully_connected", ["9834496", "56^4", "3136^2"]),
    ("q2.g.jacobian_112.standard", ["12544 x 9", "112x112x3x3", "112896"]),
    ("q2.g.multiplications_big_o.standard", ["O(N^2)", "O(N**2)", "O(N²)", "Θ(N^2)",
                                             "O(N^2 k^2)", "O(9N^2)", "O(N^2 + N)", "N^2"]),
    ("q2.g.multiplications_big_o.fully_connected", ["O(N^4)", "O(n^4)", "O(N^2 * N^2)"]),
    ("q2.g.jacobian_big_o.fully_connected", ["O(N^6)", "Θ(N⁶)", "O(784 N^6)"]),
    ("q2.h.forward_vs_non_weight_sharing", ["1", "same", "equal", "1x", "the same speed"]),
    ("q2.h.forward_vs_fully_connected", ["87.1", "87x faster", "~87 times", "784/9",
                                         "87.11", "O(N^2)"]),
    ("q2.h.backward_vs_non_weight_sharing", ["784", "784x", "O(N^2)", "28^2"]),
    ("q2.h.backward_vs_fully_connected", ["68295", "68,295x", "784^2/9", "6.83 × 10^4",
                                          "O(N^4)"]),
    ("extra.q2.a", ["39", "36 + 3"]),
    ("extra.q2.b", ["5146011", "5,146,011", "2352*2187 + 2187"]),
    ("extra.q2.c.iii.cifar10", ["16x16", "16 × 16 pixels", "16"]),
]


@pytest.mark.parametrize("key,answers", RIGHT_IN_OTHER_NOTATIONS, ids=[k for k, _ in RIGHT_IN_OTHER_NOTATIONS])
def test_right_answers_in_many_notations_get_full_marks(grade, key, answers):
    for answer in answers:
        graded = grade(set_answer(solved_answers(), key, answer))
        assert graded.score == graded.max_score, (answer, graded.lost())


ONE_MISTAKE = [
    ("q2.a.output_size", "26x26", "2.a.1", "valid_padding"),
    ("q2.a.output_size", "30 x 30", "2.a.1", "padded_input_as_output"),
    ("q2.a.output_size", "784", "2.a.1", "pixel_count_as_shape"),
    ("q2.a.padding", "2", "2.a.2", "padding_total"),
    ("q2.a.padding", "0", "2.a.2", "valid_padding"),
    ("q2.a.flattened_length", "676", "2.a.3", "valid_padding"),
    ("q2.a.flattened_length", "28", "2.a.3", "side_as_count"),
    ("q2.b", "7056", "2.b", "shared_kernel_per_position"),
    ("q2.c", "9", "2.c", "single_kernel_for_all"),
    ("q2.c", "6084", "2.c", "valid_padding"),
    ("q2.d", "784", "2.d", "fully_connected_as_outputs"),
    ("q2.e.standard", "14112", "2.e.1", "additions_counted"),
    ("q2.f.standard", "784 x 784", "2.f.1", "jacobian_outputs_by_outputs"),
    ("q2.f.standard", "3x3", "2.f.1", "jacobian_weights_only"),
    ("q2.g.multiplications_56.fully_connected", "1229312", "2.g.03", "doubled_with_side"),
    ("q2.g.multiplications_56.fully_connected", "2458624", "2.g.03", "grew_like_pixels"),
    ("q2.g.jacobian_56.fully_connected", "1927561216", "2.g.09", "jacobian_grew_like_pixels"),
    ("q2.h.forward_vs_fully_connected", "9/784", "2.h.2", "inverted_ratio"),
    ("q2.h.backward_vs_fully_connected", "87.1", "2.h.4", "forward_ratio_for_backward"),
    ("extra.q2.a", "36", "E2.a", "bias_missing"),
    ("extra.q2.b", "5534256", "E2.b", "same_padding_extra"),
    ("extra.q2.c.iii.cifar10", "8x8", "E2.c.3", "swapped_datasets"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^6)", "2.g.15", "loose"),
    ("q2.g.multiplications_big_o.fully_connected", "O(N^2)", "2.g.15", "too low"),
    ("q2.g.multiplications_big_o.standard", "Ω(N^2)", "2.g.13", "omega"),
]


@pytest.mark.parametrize("key,answer,number,outcome", ONE_MISTAKE,
                         ids=[f"{k}={a}" for k, a, _, _ in ONE_MISTAKE])
def test_one_mistake_loses_points_only_on_its_test(grade, key, answer, number, outcome):
    graded = grade(set_answer(solved_answers(), key, answer))
    failed = {n for n, t in graded.tests.items() if t["score"] < t["max_score"] or t["status"] == "failed"}
    assert failed == {number}
    if number.startswith("E"):  # not for credit: the status says it, the total does not
        assert graded.lost() == {} and graded.tests[number]["max_score"] == 0
    else:
        assert set(graded.lost()) == {number}
    assert graded.outcome(key) == outcome
    test = graded.tests[number]
    assert "Read as" in test["output"]


def test_feedback_names_what_was_read_and_the_mistake(grade):
    graded = grade(set_answer(solved_answers(), "q2.a.output_size", "26 x 26"))
    output = graded.tests["2.a.1"]["output"]
    assert "26" in output and "VALID" in output
    assert "28" not in output.replace("26", "")  # the reference is not given away


def test_a_loose_bound_gets_partial_credit(grade):
    graded = grade(set_answer(solved_answers(), "q2.g.multiplications_big_o.standard", "O(N^3)"))
    test = graded.tests["2.g.13"]
    assert 0 < test["score"] < test["max_score"]
    assert "not tight" in test["output"]


def test_the_size_variable_pixels_halves_the_exponents(grade):
    sheet = solved_answers()
    sheet["q2"]["g"]["variable"] = "n = number of pixels"
    for layer, answer in (("standard", "O(n)"), ("non_weight_sharing", "O(n)"),
                          ("fully_connected", "O(n^2)")):
        sheet["q2"]["g"]["multiplications_big_o"][layer] = answer
    for layer, answer in (("standard", "O(n)"), ("non_weight_sharing", "O(n^2)"),
                          ("fully_connected", "O(n^3)")):
        sheet["q2"]["g"]["jacobian_big_o"][layer] = answer
    graded = grade(sheet)
    assert graded.score == graded.max_score, graded.lost()


def test_side_exponents_under_a_pixel_declaration_are_recognised(grade):
    sheet = set_answer(solved_answers(), "q2.g.variable", "number of pixels")
    graded = grade(sheet)
    lost = graded.lost()
    assert set(lost) == {f"2.g.{n}" for n in range(13, 19)}
    assert graded.outcome("q2.g.multiplications_big_o.standard") == "variable mismatch"
    assert "pixels" in lost["2.g.13"]["output"]


def test_an_undeclared_variable_is_chosen_by_best_fit_and_said(grade):
    sheet = set_answer(solved_answers(), "q2.g.variable", None)
    graded = grade(sheet)
    assert graded.score == graded.max_score
    assert "side" in graded.data["output"]


def test_missing_and_unreadable_answers_are_explained(grade):
    sheet = set_answer(solved_answers(), "q2.b", None)
    set_answer(sheet, "q2.c", "seven thousand and some")
    graded = grade(sheet)
    assert graded.outcome("q2.b") == "missing"
    assert graded.outcome("q2.c") == "unreadable"
    assert "Could not read" in graded.tests["2.c"]["output"]
    assert set(graded.lost()) == {"2.b", "2.c"}


def test_typo_keys_are_reported(grade):
    sheet = solved_answers()
    sheet["q2"]["e"]["standrd"] = sheet["q2"]["e"].pop("standard")
    graded = grade(sheet)
    assert "standrd" in graded.data["output"]
    assert graded.outcome("q2.e.standard") == "missing"


def test_a_key_that_only_looks_right_is_named_with_the_key_meant(grade):
    """A capital letter, or a zero-width space pasted from a PDF, makes a key
    unknown; the student is shown the character and the key meant, in text
    Markdown renders as written (a code span once showed its backslashes)."""
    sheet = solved_answers()
    sheet["Q2"] = {"b": sheet["q2"].pop("b")}
    sheet["q2"]["c\u200b"] = sheet["q2"].pop("c")
    graded = grade(sheet)
    assert graded.outcome("q2.b") == graded.outcome("q2.c") == "missing"
    line = next(part for part in graded.data["output"].split("\n\n") if "Keys not in" in part)
    assert "`" not in line
    assert "Q2\\.b (did you mean q2\\.b?)" in line
    assert "q2\\.c&lt;U\\+200B&gt; (did you mean q2\\.c?)" in line


HOSTILE = {
    "python tag": "q2:\n  b: !!python/object/apply:os.system ['touch /tmp/hw3-pwned']\n",
    "yaml syntax": "q2:\n  b: [9\n  c: 7056\n",
    "alias bomb": "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                  "q2: {b: *f}\n",
    "recursive alias": "q2: &x\n  b: *x\n",
    "power tower": "q2:\n  b: 9**9**9**9\n  c: 9^9^9^9\n  d: 10^10^10\n",
    "huge number": "q2:\n  b: " + "9" * 200_000 + "\n",
    "deep nesting": "q2:\n  b: " + "(" * 40_000 + "1" + ")" * 40_000 + "\n",
    "code in answers": "q2:\n  b: __import__('os').system('touch /tmp/hw3-pwned')\n"
                       "  c: \"eval('1+1')\"\n  d: lambda: 1\n",
    "markup": "q2:\n  b: '<script>alert(1)</script>'\n  c: '![x](http://evil.example/x.png)'\n"
              "q1:\n  a: '<img src=x onerror=alert(1)>'\n",
    "not a mapping": "- 1\n- 2\n",
    "empty file": "",
    "binary": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "nul bytes": b"q2:\n  b: 9\x00\x00\n",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_sheets_get_a_valid_results_json_quickly(grade, name):
    started = time.perf_counter()
    graded = grade(HOSTILE[name])
    assert time.perf_counter() - started < 5
    assert graded.code == 0
    text = json.dumps(graded.data)
    assert "Traceback" not in text and "Traceback" not in graded.stdout
    assert "<script>" not in text and "<img" not in text
    assert not (ROOT / "hw3-pwned").exists()
    import os
    assert not os.path.exists("/tmp/hw3-pwned")


def test_a_link_pointing_outside_the_submission_is_not_followed(grade, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("q2:\n  b: 9\n")
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "answers.yaml").symlink_to(secret)
    graded = grade(folder / "answers.yaml")  # a path: the fixture writes nothing
    assert graded.score == 0


def test_internal_errors_are_honest_and_do_not_stop_the_sheet(grade, monkeypatch):
    from autograder.answers import number

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(number, "grade", broken)
    graded = grade(SOLVED.read_text())
    assert graded.outcome("q2.b").startswith("internal error")
    assert "Internal error" in graded.tests["2.b"]["output"]
    assert graded.tests["2.f.1"]["score"] == graded.tests["2.f.1"]["max_score"]


def test_an_unproved_reference_is_never_used(grade, monkeypatch):
    from autograder.assignment import prepared as prepared_module

    real = prepared_module.load_or_prepare

    def contradicted(spec):
        loaded = real(spec)
        entry = loaded.items["q2.d"]
        loaded.items["q2.d"] = prepared_module.PreparedItem(
            entry.candidates, entry.growth, False, "reference contradicted by the simulation")
        return loaded

    monkeypatch.setattr(prepared_module, "load_or_prepare", contradicted)
    graded = grade(SOLVED.read_text())
    assert graded.outcome("q2.d").startswith("internal error")
    assert graded.tests["2.d"]["score"] == 0
    assert "could not prove" in graded.tests["2.d"]["output"]


def test_results_record_which_references_were_verified(grade):
    extra = grade(SOLVED.read_text()).data["extra_data"]["references"]
    assert extra["values_verified"] == extra["values_checked"] > 50
    assert extra["growths_verified"] == extra["growths_checked"] >= 6
    assert extra["contradicted"] == []


def test_hidden_reference_values_never_appear_in_visible_feedback(grade):
    """Wrong answers everywhere: nothing shown to students contains a
    reference value of an item that is not visible yet."""
    from autograder.assignment.prepared import load_or_prepare
    from autograder.assignment.spec import load_spec

    spec = load_spec()
    prepared = load_or_prepare(spec)
    hidden_values = set()
    for item in spec.items:
        entry = prepared.item(item.key)
        if item.visibility != "visible" and entry:
            for candidate in entry.candidates:
                if candidate.is_reference:
                    values = candidate.value if isinstance(candidate.value, tuple) else (candidate.value,)
                    hidden_values |= {str(int(v)) for v in values if v.denominator == 1 and v >= 10}
    assert hidden_values
    sheet = copy.deepcopy(solved_answers())
    for key in ("extra.q2.a", "extra.q2.b", "extra.q2.c.iii.cifar10", "extra.q2.c.iii.cifar100"):
        set_answer(sheet, key, "12345")
    graded = grade(sheet)
    visible = [graded.data["output"]] + [t["output"] for t in graded.data["tests"]
                                         if t.get("visibility", "visible") == "visible"]
    for value in hidden_values:
        shown = re.compile(rf"(?<![\d.,]){re.escape(value)}(?![\d]|,\d)|{int(value):,}")
        assert not any(shown.search(text) for text in visible), value


def test_run_autograder_script_from_another_folder(tmp_path):
    results = tmp_path / "out" / "results.json"
    completed = subprocess.run([str(ROOT / "run_autograder"), "--submission", str(SOLVED.parent),
                                "--results", str(results)], cwd=tmp_path, capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    data = json.loads(results.read_text())
    assert data["score"] == sum(t["max_score"] for t in data["tests"])
    assert "2.a.1" in completed.stdout


# ---------------------------------------------------------------- the verdict memo

def _grade_twice(sheet_text: str, tmp_path, prepared=None):
    from autograder.assignment.prepared import load_or_prepare
    from autograder.assignment.spec import load_spec
    from autograder.grading.pipeline import grade_submission

    spec = load_spec()
    prepared = prepared or load_or_prepare(spec)
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    (folder / "answers.yaml").write_text(sheet_text, encoding="utf-8")
    first = grade_submission(spec, prepared, folder, started=0.0)
    second = grade_submission(spec, prepared, folder, started=0.0)
    return spec, prepared, first, second


def test_a_remembered_verdict_is_the_verdict_grading_gives(tmp_path):
    from autograder.grading import pipeline

    answers = solved_answers()
    set_answer(answers, "q2.a.padding", "2")  # a mistake, with its feedback
    spec, prepared, first, second = _grade_twice(yaml.safe_dump(answers), tmp_path)
    assert [g.verdict for g in first.grades] == [g.verdict for g in second.grades]
    assert first.results.tests == second.results.tests
    assert any(key[0] == "verdict" for key in prepared.memo)
    fresh = pipeline.grade_sheet(spec, type(prepared)(prepared.items, prepared.verification),
                                 pipeline.read_submission(tmp_path / "submission"))[0]
    assert [g.verdict for g in fresh] == [g.verdict for g in first.grades]


def test_long_answers_and_internal_errors_are_not_remembered(tmp_path, monkeypatch):
    from autograder.grading import pipeline

    answers = solved_answers()
    long_answer = "7056 " + "weights " * 40
    set_answer(answers, "q2.e.standard", long_answer)
    spec, prepared, first, _ = _grade_twice(yaml.safe_dump(answers), tmp_path)
    assert len(long_answer) > pipeline.REMEMBERED_ANSWER_CHARS
    assert not any(long_answer in key for key in prepared.memo)

    calls = []

    def failing(*args):
        calls.append(args)
        raise RuntimeError("passing trouble")

    monkeypatch.setattr(pipeline, "_item_steps", failing)
    (tmp_path / "2").mkdir()
    _, prepared, first, second = _grade_twice(yaml.safe_dump(solved_answers()), tmp_path / "2")
    assert all(g.verdict.outcome.value == "internal error" for g in second.grades)
    graded_items = len(first.grades)
    assert len(calls) == 2 * graded_items  # graded again, not served from the memo
