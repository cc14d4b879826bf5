"""The spec check: a spec that cannot be graded fairly is refused when it is
loaded, with one line that says why, by every command that reads a spec."""
from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.__main__ import EXIT_FAILED
from autograder.__main__ import main as autograder_command
from autograder.assignment.spec import (DEFAULT_SPEC, SpecError, load_spec, padding_sides,
                             uneven_sides)
from solutions.config import Config

ROOT = Path(__file__).resolve().parent.parent
HW3 = ROOT / "specs" / "hw3.yaml"
SOLVED = ROOT / "examples" / "solved" / "answers.yaml"


def variant(tmp_path: Path, text: str, name: str = "variant.yaml") -> Path:
    """A spec that extends hw3.yaml with `text`."""
    path = tmp_path / name
    path.write_text(f"extends: {HW3}\n{text}", encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(SpecError) as error:
        load_spec(path)
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    return message


#: (what is wrong, the spec's text after `extends: hw3.yaml`, words the one-line refusal must hold)
BROKEN = [
    ("a kernel larger than a VALID input",
     "configurations:\n  base: {side: 4, in_channels: 1, out_channels: 1, kernel: 7, stride: 1, padding: VALID}\n",
     ["configuration base cannot exist", "kernel 7", "input 4", "VALID"]),
    ("a kernel larger than the input in one dimension only",
     "configurations:\n  extra_q2: {side: 28, in_channels: 3, out_channels: 3, kernel_h: 2, kernel_w: 30, stride: 1, padding: VALID}\n",
     ["configuration extra_q2 cannot exist", "kernel 30", "width"]),
    ("stride 0",
     "configurations:\n  base: {side: 28, in_channels: 1, out_channels: 1, kernel: 3, stride: 0, padding: SAME}\n",
     ["configuration base", "stride_h must be a positive integer, not 0"]),
    ("a negative size",
     "configurations:\n  base: {side: -28, in_channels: 1, out_channels: 1, kernel: 3, stride: 1, padding: SAME}\n",
     ["configuration base", "height must be a positive integer, not -28"]),
    ("no channels",
     "configurations:\n  base: {side: 28, in_channels: 0, out_channels: 1, kernel: 3, stride: 1, padding: SAME}\n",
     ["in_channels must be a positive integer, not 0"]),
    ("a padding that does not exist",
     "configurations:\n  base: {side: 28, in_channels: 1, out_channels: 1, kernel: 3, stride: 1, padding: FULL}\n",
     ["padding must be SAME or VALID"]),
    ("a mistake that assumes an impossible configuration",
     "configurations:\n  base: {side: 4, in_channels: 1, out_channels: 1, kernel: 7, stride: 1, padding: SAME}\n"
     "  doubled: {from: base, side: 8}\n  doubled_twice: {from: base, side: 16}\n",
     ["mistake valid_padding assumes a configuration that cannot exist", "kernel 7"]),
    ("an unknown top-level field", "total_visiblity: hidden\n",
     ["top level", "unknown fields ['total_visiblity']", "total_visibility"]),
    ("an unknown default", "defaults: {points: 1, pionts: 2}\n", ["defaults", "['pionts']"]),
    ("an unknown growth field", "growth: {configuration: base, sides: 3}\n", ["growth", "['sides']"]),
    ("an unknown Big-O policy", "big_o: {loose: 0.5}\n", ["big_o", "['loose']"]),
    ("an unknown field in a mistake", "mistakes:\n  bias_missing: {expect: standard.weights, credt: 0.5}\n",
     ["mistake bias_missing", "['credt']"]),
    ("an unknown field in an item",
     "items:\n  - {key: q, kind: variable}\n  - {key: a, number: '1', kind: number, expect: height, pints: 2}\n",
     ["item a", "['pints']"]),
    ("an unknown field in a variant",
     "items:\n  - {key: q, kind: variable}\n  - {key: a, number: '1', kind: number, expect: height, variants: [{expect: width, feedbak: x}]}\n",
     ["item a", "variant", "['feedbak']"]),
    ("for_credit that is not true or false",
     "items:\n  - {key: q, kind: variable}\n  - {key: a, number: '1', kind: number, expect: height, for_credit: 'no'}\n",
     ["item a", "for_credit must be true or false"]),
    ("a total visibility that does not exist", "total_visibility: later\n",
     ["total_visibility 'later'"]),
    ("a hidden item that carries points under a visible total",
     "items:\n  - {key: q, kind: variable}\n"
     "  - {key: a, number: '1', kind: number, expect: height, visibility: after_published}\n"
     "  - {key: b, number: '2', kind: number, expect: width, visibility: hidden, points: 2}\n"
     "  - {key: c, number: '3', kind: number, expect: width, visibility: hidden, for_credit: false}\n",
     ["a (after_published)", "b (hidden)", "give them no points until grades are published",
      "for_credit: false", "total_visibility: hidden"]),
    ("a total shown at the due date over items hidden until published",
     "total_visibility: after_due_date\nitems:\n  - {key: q, kind: variable}\n"
     "  - {key: a, number: '1', kind: number, expect: height, visibility: after_published}\n",
     ["a (after_published)", "total_visibility: after_published"]),
    ("per_side_when_uneven on a kind that is not a number",
     "items:\n  - {key: q, kind: variable}\n"
     "  - {key: a, number: '1', kind: shape, expect: [height], per_side_when_uneven: {}}\n",
     ["item a", "per_side_when_uneven needs kind number"]),
    ("an unknown field in per_side_when_uneven",
     "items:\n  - {key: q, kind: variable}\n"
     "  - {key: a, number: '1', kind: number, expect: pad_top, per_side_when_uneven: {names: x}}\n",
     ["item a", "per_side_when_uneven", "['names']"]),
]


@pytest.mark.parametrize("text, expected", [(t, e) for _, t, e in BROKEN], ids=[w for w, _, _ in BROKEN])
def test_a_broken_spec_is_refused_in_one_line_that_says_why(tmp_path, text, expected):
    message = refusal(variant(tmp_path, text))
    for words in expected:
        assert words in message, message


def test_a_spec_that_is_not_yaml_is_one_line_with_the_place(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("assignment: x\nitems: [1,\n", encoding="utf-8")
    message = refusal(path)
    assert "is not valid YAML" in message and "line 3" in message


def test_hiding_the_total_as_long_as_the_items_is_accepted(tmp_path):
    spec = load_spec(variant(tmp_path, (
        "total_visibility: after_published\nitems:\n  - {key: q, kind: variable}\n"
        "  - {key: a, number: '1', kind: number, expect: height, visibility: after_published}\n"
        "  - {key: b, number: '2', kind: number, expect: width, visibility: after_due_date}\n")))
    assert spec.total_visibility == "after_published"
    assert spec.max_score == 2


def test_every_spec_of_the_repository_passes_the_check():
    for path in sorted((ROOT / "specs").glob("*.yaml")):
        spec = load_spec(path)
        assert spec.total_visibility == "visible", path
        hidden = [i.key for i in spec.items if i.visibility != "visible" and i.max_score > 0]
        assert hidden == [], path


# ---------------------------------------------------------------------------
# Every command says it in one line


def _bundle(spec: Path) -> list[str]:
    return ["student-bundle", "--spec", str(spec), "--out", str(spec.parent / "out.zip")]


COMMANDS = [
    ("verify", lambda spec: ["verify", "--spec", str(spec)]),
    ("key", lambda spec: ["key", "--spec", str(spec)]),
    ("sheet", lambda spec: ["sheet", "template", "--spec", str(spec)]),
    ("build student-bundle", lambda spec: ["build", *_bundle(spec)]),
    ("build autograder-zip", lambda spec: ["build", "autograder-zip", "--spec", str(spec),
                                           "--out", str(spec.parent / "a.zip")]),
    ("grade", lambda spec: ["grade", "--spec", str(spec), "--submission", str(SOLVED),
                            "--results", str(spec.parent / "results.json"), "--quiet"]),
]

SPEC_PROBLEMS = {
    "impossible": "configurations:\n  base: {side: 4, in_channels: 1, out_channels: 1, kernel: 7, stride: 1, padding: VALID}\n",
    "unknown field": "bogus: 1\n",
    "not yaml": "items: [1,\n",
}


@pytest.mark.parametrize("command, problem", list(itertools.product(range(len(COMMANDS)), SPEC_PROBLEMS)),
                         ids=[f"{COMMANDS[c][0]}-{p}" for c, p in itertools.product(range(len(COMMANDS)), SPEC_PROBLEMS)])
def test_every_command_refuses_a_broken_spec_in_one_line(tmp_path, capsys, command, problem):
    name, arguments = COMMANDS[command]
    spec = variant(tmp_path, SPEC_PROBLEMS[problem])
    assert autograder_command(arguments(spec)) == EXIT_FAILED
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    assert lines[0].startswith(f"autograder {name.split()[0]}: ")
    assert "spec" in lines[0] or "configuration" in lines[0], lines[0]


def test_the_installed_command_says_a_broken_spec_in_one_line_and_exits_1(tmp_path):
    spec = variant(tmp_path, SPEC_PROBLEMS["impossible"])
    run = subprocess.run([sys.executable, "-I", "-m", "autograder", "key", "--spec", str(spec)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == EXIT_FAILED
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("autograder key: configuration base cannot exist")


# ---------------------------------------------------------------------------
# Padding per side


def test_padding_sides_agrees_with_the_formulas():
    """spec.padding_sides is plain arithmetic (loading a spec needs no SymPy);
    it must say what solutions/layers.py, which the simulation proves, says."""
    from solutions.layers import quantities

    for side, kernel, stride, padding in itertools.product((5, 7, 8, 28), (1, 2, 3, 4, 5), (1, 2, 3),
                                                           ("SAME", "VALID")):
        if padding == "VALID" and kernel > side:
            continue
        config = Config(side, side + 1, 1, 1, kernel, kernel + 1, stride, stride, padding)
        values = quantities(config)
        assert padding_sides(config) == tuple(values[f"pad_{s}"] for s in ("top", "bottom", "left", "right")), config


@pytest.mark.parametrize("kernel_h, kernel_w, stride, expected", [
    (3, 3, 1, ()),
    (4, 4, 1, ("before", "after")),
    (2, 2, 1, ("before", "after")),
    (3, 3, 2, ("before", "after")),        # 28 / 2: 13 * 2 + 3 - 28 = 1 pixel in all
    (3, 5, 1, ("top_and_bottom", "left_and_right")),
    (3, 4, 1, ("top", "bottom", "left", "right")),
])
def test_a_padding_question_asks_for_each_side_that_differs(kernel_h, kernel_w, stride, expected):
    config = Config(28, 28, 1, 1, kernel_h, kernel_w, stride, stride, "SAME")
    assert tuple(side[0] for side in uneven_sides(config)) == expected


def test_an_uneven_padding_becomes_one_number_item_per_side_sharing_the_point(tmp_path):
    spec = load_spec(variant(tmp_path, (
        "configurations:\n  base: {side: 28, in_channels: 1, out_channels: 1, kernel_h: 3, kernel_w: 4, "
        "stride: 1, padding: SAME}\n")))
    sides = [i for i in spec.items if i.key.startswith("q2.a.padding")]
    assert [i.key for i in sides] == [f"q2.a.padding.{s}" for s in ("top", "bottom", "left", "right")]
    assert [i.number for i in sides] == [f"2.a.2.{n}" for n in range(1, 5)]
    assert sum(i.max_score for i in sides) == 1
    assert sides[0].name == "Padding added at the top" and sides[3].expect == "pad_right"
    assert "padding_other_side" in [m.name for m in sides[0].mistakes]
    assert spec.sections["q2.a.padding"]


def test_an_even_padding_keeps_one_question():
    item = load_spec(DEFAULT_SPEC).item("q2.a.padding")
    assert item.expect == "pad_top" and item.max_score == 1
    assert "EACH side" in item.prompt


@pytest.mark.parametrize("text, expected", [
    ("assignment: x\nconfigurations: {}\ngrowth: {configuration: base}\n", "top-level fields ['items']"),
    ("assignment: x\nconfigurations: {}\ngrowth: {configuration: base}\nitems: [1, 2]\n", "items must be a list of mappings"),
    ("assignment: x\nconfigurations: [1]\ngrowth: {configuration: base}\nitems: []\n", "configurations must be a mapping"),
    ("assignment: x\nconfigurations: {base: 28}\ngrowth: {configuration: base}\nitems: []\n", "configuration base must be a mapping"),
    ("- just\n- a list\n", "must be a mapping"),
])
def test_a_spec_of_the_wrong_shape_is_one_line_too(tmp_path, text, expected):
    path = tmp_path / "shape.yaml"
    path.write_text(text, encoding="utf-8")
    assert expected in refusal(path)
