"""The references cache is believed only if its digest matches what it says.

An edited cache that says 7,057 where the simulation proved 7,056 used to
be believed: a wrong answer got full marks and the right one none. Now the
file carries a digest of its content, and a file that does not match is
proved again (here `prepare` is replaced by the real preparation's output,
which proving takes ~20 s to compute; what is tested is that the edit is
noticed and not used)."""
from __future__ import annotations

import json

import pytest

from autograder.assignment import prepared
from autograder.assignment.spec import load_spec

SPEC = load_spec()


@pytest.fixture(scope="module")
def good() -> dict:
    prepared.load_or_prepare(SPEC)
    return json.loads(prepared.cache_path(SPEC).read_text(encoding="utf-8"))


def reference_of(data: dict, key: str) -> str:
    return next(c["value"] for c in data["items"][key]["candidates"] if c["name"] == "reference")


def edited(good: dict, key: str, value: str, *, digest: str | None = None) -> dict:
    data = json.loads(json.dumps(good))
    candidate = next(c for c in data["items"][key]["candidates"] if c["name"] == "reference")
    candidate["value"] = value
    if digest is not None:
        data["digest"] = digest
    return data


@pytest.fixture
def cache(tmp_path, monkeypatch, good):
    """A cache folder of its own, and a `prepare` that records each call."""
    monkeypatch.setattr(prepared, "CACHE_DIR", tmp_path)
    calls = []

    def prove(spec):
        calls.append(spec.path)
        return {key: value for key, value in json.loads(json.dumps(good)).items()
                if key not in ("digest", "code_digest")}

    monkeypatch.setattr(prepared, "prepare", prove)
    return prepared.cache_path(SPEC), calls


def test_the_cache_carries_a_digest_of_its_content(good):
    assert good["digest"] == prepared._content_digest(good)
    assert len(good["digest"]) == 64


def test_a_valid_cache_is_read_without_proving(cache, good):
    path, calls = cache
    path.write_text(json.dumps(good), encoding="utf-8")
    prepared.load_or_prepare(SPEC)
    assert calls == []


EDITS = {
    "a reference one too many": lambda good: edited(good, "q2.c", str(int(reference_of(good, "q2.c")) + 1)),
    "a credit raised": lambda good: {**good, "items": {**good["items"], "q2.c": {
        **good["items"]["q2.c"], "candidates": [{**c, "credit": 1.0}
                                               for c in good["items"]["q2.c"]["candidates"]]}}},
    "an item marked unproved": lambda good: {**good, "items": {**good["items"], "q2.c": {
        **good["items"]["q2.c"], "verified": False, "problem": "edited"}}},
    "the verification summary rewritten": lambda good: {**good, "verification": {
        **good["verification"], "values_verified": good["verification"]["values_checked"] + 1}},
    "the digest removed": lambda good: {k: v for k, v in good.items() if k != "digest"},
    "another code version's values": lambda good: {**good, "code_digest": "0" * 64},
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_cache_is_proved_again_not_believed(cache, good, capsys, name):
    path, calls = cache
    tampered = EDITS[name](good)
    assert tampered != good
    path.write_text(json.dumps(tampered), encoding="utf-8")
    result = prepared.load_or_prepare(SPEC)
    assert calls == [SPEC.path], "the edited cache was believed"
    assert "does not match its digest" in capsys.readouterr().err
    assert json.loads(path.read_text(encoding="utf-8")) == good
    assert result.item("q2.c").candidates == prepared._from_json(good).item("q2.c").candidates


def test_an_edited_value_never_grades(cache, good, grade):
    """Through the real entry point: the edited 7,057 gets no credit."""
    path, calls = cache
    right = reference_of(good, "q2.c")
    wrong = str(int(right) + 1)
    path.write_text(json.dumps(edited(good, "q2.c", wrong)), encoding="utf-8")
    graded = grade({"q2": {"c": wrong}})
    assert calls
    assert graded.outcome("q2.c") != "correct"
    test = next(t for t in graded.data["tests"] if t["number"].startswith("2.c") or "q2.c" in t["name"])
    assert test["score"] < test["max_score"]
