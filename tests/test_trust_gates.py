"""The four breakages of issue 9 that once left the whole suite green, each
with tests that fail when it comes back:

1. the verification gate always succeeds (verify.py / prepared.py / grading);
2. the growth-slope check is disabled (verify.py);
3. the kernel-power check is disabled (verify.py's kernel slope, and the
   Big-O grade's comparison of the power of k);
4. every number answer is accepted within 1% (the number kind).

Everything goes through the real entry point (`run_autograder`'s main) or
the real preparation, so the tests hold whatever the kinds' insides become.
The proofs use the tiny spec of tests/tiny_spec.py (seconds, not the
homework's 10 s) with a cache folder of their own, so a falsified proof is
never cached for other tests.
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from autograder.assignment import prepared
from autograder.assignment import references
from autograder.assignment import verify
from autograder.assignment.spec import load_spec
from conftest import set_answer, solved_answers
from solutions.growth import growth_in_side
from solutions.order import Growth
from tiny_spec import TINY_OUTPUTS, TINY_WIDE_WEIGHTS, write_tiny_spec

#: A tiny-spec sheet with every answer right.
TINY_RIGHT = {"letter": "N = the side of the image", "outputs": str(TINY_OUTPUTS),
              "weights": str(TINY_WIDE_WEIGHTS), "growth": "O(N^2 k^2)",
              "dense_growth": "O(N^4)"}
TINY_NUMBERS = {"outputs": "1", "weights": "2", "growth": "3", "dense_growth": "4"}


@pytest.fixture
def tiny(tmp_path, monkeypatch):
    """The tiny spec's path, with a fresh references cache for this test."""
    monkeypatch.setattr(prepared, "CACHE_DIR", tmp_path / "cache")
    return write_tiny_spec(tmp_path)


def _scores(graded) -> dict[str, float]:
    return {key: graded.tests[number]["score"] for key, number in TINY_NUMBERS.items()}


def _falsify_simulation(monkeypatch, quantity: str, change: int):
    """The simulation reports `quantity` off by `change`: the formula and
    the witness disagree, as they would if either had a bug."""
    real = verify._measure

    def lying(config):
        return {**real(config), quantity: real(config)[quantity] + change}

    monkeypatch.setattr(verify, "_measure", lying)


def _claim_growth(monkeypatch, quantity: str, claimed: Growth):
    """The derivation claims `claimed` for `quantity` (to the grader and to
    the gate alike), as a bug in solutions/growth.py would."""
    def derive(name, padding="SAME"):
        return claimed if name == quantity else growth_in_side(name, padding)

    monkeypatch.setattr(verify, "growth_in_side", derive)
    monkeypatch.setattr(references, "growth_in_side", derive)


def test_the_tiny_spec_proves_and_grades_right_answers(grade, tiny):
    """The baseline the breakages below are measured against."""
    graded = grade(TINY_RIGHT, spec=tiny)
    assert _scores(graded) == {key: 1.0 for key in TINY_NUMBERS}
    references_note = graded.data["extra_data"]["references"]
    assert references_note["contradicted"] == []
    assert references_note["growths_verified"] == references_note["growths_checked"] == 2


# -- 1. the verification gate ---------------------------------------------------------

def test_a_reference_the_simulation_contradicts_is_never_graded(grade, tiny, monkeypatch):
    _falsify_simulation(monkeypatch, "standard.weights", +1)
    graded = grade(TINY_RIGHT, spec=tiny)
    assert _scores(graded) == {"outputs": 1.0, "weights": 0.0, "growth": 1.0, "dense_growth": 1.0}
    assert "could not prove" in graded.tests["2"]["output"]
    contradicted = graded.data["extra_data"]["references"]["contradicted"]
    assert contradicted == [f"5x7x2->3 k3x1 s1x2 VALID standard.weights: formula "
                            f"{TINY_WIDE_WEIGHTS}, simulation {TINY_WIDE_WEIGHTS + 1}"]


def test_the_verify_command_fails_when_the_simulation_contradicts(tiny, monkeypatch, capsys):
    _falsify_simulation(monkeypatch, "flattened_length", -1)
    assert verify.main(["--spec", str(tiny)]) == 1
    assert "CONTRADICTED: 6x6x1->1 k3x3 s1x1 SAME flattened_length" in capsys.readouterr().err


def test_the_verify_command_passes_the_tiny_spec(tiny, capsys):
    assert verify.main(["--spec", str(tiny)]) == 0
    assert capsys.readouterr().out.startswith("verified 3/3 values and 2/2 growths")


def test_a_contradicted_mistake_is_dropped_but_the_item_still_graded(tiny, monkeypatch):
    """A recognised mistake the simulation contradicts is not offered as a
    diagnosis; the reference is proved, so the item is graded."""
    real = verify._measure

    def lying(config):
        measured = real(config)
        return {**measured, "flattened_length": measured["flattened_length"] + 1} \
            if config.padding == "VALID" else measured

    monkeypatch.setattr(verify, "_measure", lying)
    entry = prepared.prepare(load_spec(tiny))["items"]["outputs"]
    assert entry["verified"] is True
    assert [c["name"] for c in entry["candidates"]] == ["reference"]


# -- 2. the growth-slope check ---------------------------------------------------------------

@pytest.mark.parametrize("claimed,answer", [
    (Growth(Fraction(3), Fraction(2)), "O(N^3 k^2)"),
    (Growth(Fraction(1), Fraction(2)), "O(N k^2)"),
])
def test_a_growth_the_measured_counts_contradict_is_never_graded(grade, tiny, monkeypatch,
                                                                 claimed, answer):
    """Even the answer that agrees with the wrong derivation gets nothing."""
    _claim_growth(monkeypatch, "standard.multiplications", claimed)
    graded = grade({**TINY_RIGHT, "growth": answer}, spec=tiny)
    assert _scores(graded) == {"outputs": 1.0, "weights": 1.0, "growth": 0.0, "dense_growth": 1.0}
    assert "could not prove" in graded.tests["3"]["output"]
    note = graded.data["extra_data"]["references"]
    assert note["growths_verified"] == 1 and note["growths_checked"] == 2
    assert note["contradicted"][0].startswith("growth of standard.multiplications: derived")


# -- 3. the kernel-power check ----------------------------------------------------------------

@pytest.mark.parametrize("quantity,claimed,key,answer", [
    ("standard.multiplications", Growth(Fraction(2), Fraction(3)), "growth", "O(N^2 k^3)"),
    ("standard.multiplications", Growth(Fraction(2), Fraction(0)), "growth", "O(N^2)"),
    ("fully_connected.multiplications", Growth(Fraction(4), Fraction(2)), "dense_growth",
     "O(N^4 k^2)"),
])
def test_a_kernel_power_the_counts_contradict_is_never_graded(grade, tiny, monkeypatch,
                                                              quantity, claimed, key, answer):
    _claim_growth(monkeypatch, quantity, claimed)
    graded = grade({**TINY_RIGHT, key: answer}, spec=tiny)
    assert graded.tests[TINY_NUMBERS[key]]["score"] == 0.0
    assert "kernel slope" in graded.data["extra_data"]["references"]["contradicted"][0]


KERNEL_POWERS = [
    # (item, test number, answer, full marks?)  standard: N^2 k^2; fully connected: N^4
    ("q2.g.multiplications_big_o.standard", "2.g.13", "O(N^2 k^2)", True),
    ("q2.g.multiplications_big_o.standard", "2.g.13", "O(N^2)", True),
    ("q2.g.multiplications_big_o.standard", "2.g.13", "O(N^2 k^3)", False),
    ("q2.g.multiplications_big_o.standard", "2.g.13", "O(N^2 k)", False),
    ("q2.g.multiplications_big_o.standard", "2.g.13", "O(k^4 N^2)", False),
    ("q2.g.jacobian_big_o.standard", "2.g.16", "O(N^2 k^3)", False),
    ("q2.g.multiplications_big_o.fully_connected", "2.g.15", "O(N^4)", True),
    ("q2.g.multiplications_big_o.fully_connected", "2.g.15", "O(N^4 k^2)", False),
    ("q2.g.multiplications_big_o.fully_connected", "2.g.15", "O(N^4 k)", False),
]


@pytest.mark.parametrize("key,number,answer,full", KERNEL_POWERS,
                         ids=[f"{k}={a}" for k, _, a, _ in KERNEL_POWERS])
def test_a_wrong_power_of_the_kernel_never_earns_full_marks(grade, key, number, answer, full):
    """Right in N, wrong in k: the grade compares the power of k too (leaving
    k out is the usual form and is right)."""
    test = grade(set_answer(solved_answers(), key, answer)).tests[number]
    if full:
        assert test["score"] == test["max_score"], test["output"]
    else:
        assert test["score"] < test["max_score"], test["output"]


# -- 4. no blanket tolerance on counts --------------------------------------------------------

NEAR_MISSES = [
    # (item, test number, a count off by less than 1%, written exactly)
    ("q2.a.flattened_length", "2.a.3", "785"),
    ("q2.c", "2.c", "7057"),
    ("q2.c", "2.c", "7,050"),
    ("q2.d", "2.d", "614657"),
    ("q2.e.fully_connected", "2.e.3", "615000"),
    ("q2.g.multiplications_56.fully_connected", "2.g.03", "9834000"),
]


@pytest.mark.parametrize("key,number,answer", NEAR_MISSES,
                         ids=[f"{k}={a}" for k, _, a in NEAR_MISSES])
def test_a_count_off_by_less_than_one_percent_gets_nothing(grade, key, number, answer):
    test = grade(set_answer(solved_answers(), key, answer)).tests[number]
    assert test["score"] == 0, test["output"]


ROUNDED_COUNTS = [
    # decimal or scientific forms that round the count: not the exact integer
    ("q2.c", "2.c", "7.05e3"),
    ("q2.c", "2.c", "7.06e3"),
    ("q2.c", "2.c", "7.06 x 10^3"),
    ("q2.d", "2.d", "6.15 x 10^5"),
    ("q2.d", "2.d", "6.1466e5"),
    ("q2.g.multiplications_56.fully_connected", "2.g.03", "9.83 × 10^6"),
]


@pytest.mark.parametrize("key,number,answer", ROUNDED_COUNTS,
                         ids=[f"{k}={a}" for k, _, a in ROUNDED_COUNTS])
def test_a_rounded_count_gets_nothing(grade, key, number, answer):
    """Counts are exact: a decimal or scientific form earns marks only when it
    denotes the exact integer."""
    test = grade(set_answer(solved_answers(), key, answer)).tests[number]
    assert test["score"] == 0, test["output"]


EXACT_DECIMAL_FORMS = [
    ("q2.c", "2.c", "7.056e3"),
    ("q2.c", "2.c", "7056.0"),
    ("q2.d", "2.d", "6.14656e5"),
    ("q2.d", "2.d", "6.14656 × 10^5"),
]


@pytest.mark.parametrize("key,number,answer", EXACT_DECIMAL_FORMS,
                         ids=[f"{k}={a}" for k, _, a in EXACT_DECIMAL_FORMS])
def test_a_decimal_form_of_the_exact_count_is_right(grade, key, number, answer):
    test = grade(set_answer(solved_answers(), key, answer)).tests[number]
    assert test["score"] == test["max_score"], test["output"]
