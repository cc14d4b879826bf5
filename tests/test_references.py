"""The references (autograder/assignment/references.py): every value an answer is
compared with comes from the formulas through the spec's expressions. A
wrong reference is a wrong grade for every student, so each rule is pinned:
order (reference, variants, mistakes), duplicates dropped, assumptions
carried into `base:` references, the spec expression grammar and its errors.

Values here are worked out by hand from the configurations (a 6x6 SAME
layer, its 12x12 twin, a 5x7 VALID layer with a 3x1 kernel and 1x2 stride).
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from autograder.assignment import references
from autograder.assignment.references import _Evaluator, expectations, growth_reference
from autograder.assignment.spec import FACTS, SpecError, load_spec
from solutions.growth import growth_in_side
from solutions.order import Growth

SPEC = """\
assignment: "References test spec"
configurations:
  base: {side: 6, in_channels: 1, out_channels: 1, kernel: 3, stride: 1, padding: SAME}
  big: {from: base, side: 12}
  wide: {height: 5, width: 7, in_channels: 2, out_channels: 3, kernel_h: 3, kernel_w: 1,
         stride_h: 1, stride_w: 2, padding: VALID}
growth: {configuration: wide}
mistakes:
  valid_padding: {assume: {padding: VALID}, feedback: "VALID padding."}
  same_padding: {assume: {padding: SAME}, feedback: "SAME padding."}
  doubled_base: {expect: "2 * base:flattened_length", credit: 0.25, feedback: "Doubled."}
  doubled_base_valid: {assume: {padding: VALID}, expect: "2 * base:flattened_length",
                       feedback: "Doubled, VALID."}
  same_as_reference: {expect: "flattened_length", feedback: "Never shown."}
  padded_input: {expect: [height + pad_top + pad_bottom, width + pad_left + pad_right],
                 feedback: "Padded input."}
items:
  - {key: letter, kind: variable}
  - key: outputs
    number: "1"
    kind: number
    at: big
    expect: flattened_length
    variants:
      - {expect: "flattened_length + base:output_channels", credit: 0.5, feedback: "Plus one."}
    mistakes: [same_as_reference, valid_padding, doubled_base, doubled_base_valid]
  - key: shape
    number: "2"
    kind: shape
    at: wide
    expect: [output_height, output_width]
    mistakes: [padded_input, same_padding, valid_padding]
  - {key: cutout, number: "3", kind: number, at: facts,
     expect: "cutout_cifar10 * 2 - base:output_channels"}
  - key: ratio
    number: "4"
    kind: ratio
    layer: fully_connected
    expect: "{layer}.multiplications / (standard.multiplications)"
    growth: "3 * {layer}.multiplications / standard.multiplications"
  - {key: growth, number: "5", kind: big_o, layer: standard, growth: "{layer}.jacobian_entries"}
"""


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "references.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_spec(path)


def _spec_with_item(tmp_path, item: str):
    """The test spec with one more item (YAML flow mapping), for errors."""
    path = tmp_path / "one-more.yaml"
    path.write_text(SPEC + f"  - {item}\n", encoding="utf-8")
    loaded = load_spec(path)
    return loaded, loaded.items[-1]


def _table(spec, key):
    return [(e.name, e.value, e.credit, e.feedback) for e in expectations(spec, spec.item(key))]


def _uses(spec, key):
    return [sorted((((c if c == FACTS else (c.height, c.width, c.padding)), q) for c, q in e.uses),
                   key=repr)
            for e in expectations(spec, spec.item(key))]


def test_reference_then_variants_then_mistakes_each_value_once(spec):
    assert _table(spec, "outputs") == [
        ("reference", 144, 1.0, ""),                     # 12 x 12 SAME
        ("variant 1", 145, 0.5, "Plus one."),
        ("valid_padding", 100, 0.0, "VALID padding."),   # 10 x 10, from the reference
        ("valid_padding", 101, 0.0, "VALID padding."),   # ... and from the variant
        ("doubled_base", 72, 0.25, "Doubled."),          # 2 x (6 x 6)
        ("doubled_base_valid", 32, 0.0, "Doubled, VALID."),  # 2 x (4 x 4): base under VALID
    ]  # same_as_reference equals the reference and is never offered
    assert [e.is_reference for e in expectations(spec, spec.item("outputs"))] == [
        True, False, False, False, False, False]


def test_each_value_records_the_configurations_and_quantities_it_used(spec):
    assert _uses(spec, "outputs") == [
        [((12, 12, "SAME"), "flattened_length")],
        # base: in a variant is base itself; in a mistake, base under its assumption
        [((12, 12, "SAME"), "flattened_length"), ((6, 6, "SAME"), "output_channels")],
        [((12, 12, "VALID"), "flattened_length")],
        [((12, 12, "VALID"), "flattened_length"), ((6, 6, "VALID"), "output_channels")],
        [((6, 6, "SAME"), "flattened_length")],
        [((6, 6, "VALID"), "flattened_length")],
    ]
    assert _uses(spec, "cutout") == [[(FACTS, "cutout_cifar10"), ((6, 6, "SAME"), "output_channels")]]


def test_shapes_are_tuples_in_the_order_written(spec):
    assert _table(spec, "shape") == [
        ("reference", (3, 4), 1.0, ""),                  # VALID: 5-3+1 rows, (7-1)//2+1 columns
        ("padded_input", (5, 7), 0.0, "Padded input."),  # VALID pads nothing
        ("same_padding", (5, 4), 0.0, "SAME padding."),  # ceil(5/1), ceil(7/2)
    ]  # valid_padding assumes what the layer already has: the reference's value
    assert all(isinstance(v, Fraction) for v in expectations(spec, spec.item("shape"))[0].value)


def test_facts_and_arithmetic_on_them(spec):
    assert _table(spec, "cutout") == [("reference", 31, 1.0, "")]  # 16 * 2 - 1 output channel
    assert references.quantity_table(spec, FACTS) == spec.facts


def test_a_ratio_is_an_exact_fraction(spec):
    assert _table(spec, "ratio") == [("reference", 4, 1.0, "")]  # (36*36) / (36*9)
    wide_ratio = _Evaluator("fully_connected.multiplications / standard.multiplications",
                            lambda name: Fraction(references.quantity_table(
                                spec, spec.configurations["wide"])[name])).parse()
    assert wide_ratio == Fraction(5 * 7 * 2 * 3 * 4 * 3, 3 * 4 * 3 * 3 * 1 * 2)


def test_quantity_table_has_the_inputs_and_every_formula(spec):
    table = references.quantity_table(spec, spec.configurations["wide"])
    assert {k: table[k] for k in ("height", "width", "in_channels", "out_channels", "kernel_h",
                                  "kernel_w", "stride_h", "stride_w")} == {
        "height": 5, "width": 7, "in_channels": 2, "out_channels": 3, "kernel_h": 3,
        "kernel_w": 1, "stride_h": 1, "stride_w": 2}
    assert "padding" not in table
    assert table["standard.weights"] == 18 and table["flattened_length"] == 36


# -- growth ------------------------------------------------------------------------------

def test_growth_of_a_ratio_divides_and_ignores_constants(spec):
    growth, names = growth_reference(spec, spec.item("ratio"))
    assert growth == Growth(Fraction(2), Fraction(-2))  # N^4 over N^2 k^2
    assert names == {"fully_connected.multiplications", "standard.multiplications"}
    assert growth_reference(spec, spec.item("growth")) == (
        Growth(Fraction(2), Fraction(2)), frozenset({"standard.jacobian_entries"}))


def test_growth_is_derived_for_the_growth_configuration_padding(spec, monkeypatch):
    asked = []

    def derive(name, padding):
        asked.append((name, padding))
        return growth_in_side(name, padding)

    monkeypatch.setattr(references, "growth_in_side", derive)
    growth_reference(spec, spec.item("growth"))
    assert asked == [("standard.jacobian_entries", "VALID")]


@pytest.mark.parametrize("expression,expected", [
    ("a", Growth(Fraction(2), Fraction(1))),
    ("a * b", Growth(Fraction(5), Fraction(1))),
    ("a / b", Growth(Fraction(-1), Fraction(1))),
    ("2 * a", Growth(Fraction(2), Fraction(1))),
    ("a * 2", Growth(Fraction(2), Fraction(1))),
    ("2 / a", Growth(Fraction(-2), Fraction(-1))),
    ("a / 7", Growth(Fraction(2), Fraction(1))),
    ("(a * b) / (b)", Growth(Fraction(2), Fraction(1))),
    ("3 * 4", None),
])
def test_growth_expressions_multiply_and_divide_orders(expression, expected):
    leaves = {"a": Growth(Fraction(2), Fraction(1)), "b": Growth(Fraction(3))}
    assert _Evaluator(expression, leaves.__getitem__, growth=True).parse() == expected


# -- the expression grammar --------------------------------------------------------------

@pytest.mark.parametrize("expression,value", [
    ("7", 7), ("x", 10), ("x + y", 13), ("x - y", 7), ("x * y", 30), ("x / y", Fraction(10, 3)),
    ("x - y - 2", 5), ("x / y / 2", Fraction(5, 3)), ("2 + x * y", 32), ("(2 + x) * y", 36),
    ("x - (y - 2)", 9), ("((x))", 10), (" x*y ", 30), ("base:x", 99), ("12 - x / 5", 10),
])
def test_spec_expressions_follow_arithmetic(expression, value):
    leaves = {"x": Fraction(10), "y": Fraction(3), "base:x": Fraction(99)}
    assert _Evaluator(expression, leaves.__getitem__).parse() == value


@pytest.mark.parametrize("expression,reason", [
    ("(x + 1", "missing ')'"),
    ("x 1", "unexpected text"),
    ("x )", "unexpected text"),
    ("* x", "unexpected '*'"),
    ("x +", "unexpected None"),
    ("", "unexpected None"),
])
def test_malformed_spec_expressions_say_why(expression, reason):
    with pytest.raises(SpecError) as error:
        _Evaluator(expression, lambda name: Fraction(1)).parse()
    assert str(error.value) == f"cannot read the spec expression {expression!r}: {reason}"


@pytest.mark.parametrize("expression", ["a + a", "a - a"])
def test_growth_expressions_cannot_add(expression):
    with pytest.raises(SpecError) as error:
        _Evaluator(expression, lambda name: Growth(Fraction(1)), growth=True).parse()
    assert str(error.value) == (f"cannot read the spec expression {expression!r}: "
                                "growth expressions cannot add")


@pytest.mark.parametrize("item,message", [
    ('{key: bad, number: "9", kind: number, expect: "nope"}',
     "item bad: unknown quantity 'nope'"),
    ('{key: bad, number: "9", kind: number, expect: "standard.jacobian_tensor_shape"}',
     "item bad: standard.jacobian_tensor_shape is a shape, not a number"),
    ('{key: bad, number: "9", kind: number, expect: "nowhere:height"}',
     "configuration 'nowhere' is not defined"),
    ('{key: bad, number: "9", kind: big_o, growth: "base:standard.weights"}',
     "item bad: growth expressions take no configuration"),
])
def test_spec_errors_name_the_item_and_the_problem(tmp_path, item, message):
    loaded, bad = _spec_with_item(tmp_path, item)
    with pytest.raises(SpecError) as error:
        if bad.growth is not None:
            growth_reference(loaded, bad)
        else:
            expectations(loaded, bad)
    assert str(error.value) == message


def test_facts_cannot_be_assumed_otherwise(spec):
    """A mistake's assumption changes a layer configuration; facts have none
    (the spec loader may refuse such a mistake earlier, with its own message)."""
    assert references._assume(FACTS, {}) == FACTS
    assert references._assume(spec.configurations["base"], {}) is spec.configurations["base"]
    with pytest.raises(SpecError) as error:
        references._assume(FACTS, {"padding": "VALID"})
    assert str(error.value) == "a mistake cannot assume a different configuration for facts"


def test_a_configuration_prefix_keeps_the_mistakes_assumption(spec):
    """`base:` inside a mistake that assumes VALID reads base under VALID too
    (the doubled_base_valid row above); without an assumption it is base as is."""
    rows = {name: value for name, value, _, _ in _table(spec, "outputs")}
    assert rows["doubled_base"] == 72 and rows["doubled_base_valid"] == 32
