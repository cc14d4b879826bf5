"""The references a spec's grading needs, computed from the formulas, proved
by the simulation, and cached as JSON keyed by the spec's and the code's
content.

Computing and proving references takes SymPy and several seconds of numpy;
grading one sheet must not. `prepare(spec)` does that work once (setup.sh
runs it on Gradescope) and every later grading run only reads the cache.
Changing the spec, a formula or the simulation changes the key, so a stale
cache is never used.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from autograder.spec import Spec, exit_on_spec_error
from solutions.order import Growth

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("AUTOGRADER_CACHE", ROOT / ".cache"))
#: Sources whose content decides every reference: a change in any of them
#: makes a new cache key.
_SOURCES = ("solutions", "autograder/references.py", "autograder/spec.py",
            "autograder/simulation.py", "autograder/verify.py", "autograder/prepared.py")


@dataclass(frozen=True)
class Candidate:
    """A value an answer may match: the reference, a variant or a mistake."""

    name: str
    value: Fraction | tuple[Fraction, ...]
    credit: float
    feedback: str

    @property
    def is_reference(self) -> bool:
        return self.name == "reference"


@dataclass(frozen=True)
class PreparedItem:
    candidates: tuple[Candidate, ...]
    growth: Growth | None
    verified: bool
    problem: str  # why the reference is not trusted, when it is not


@dataclass(frozen=True)
class Prepared:
    items: dict[str, PreparedItem]
    verification: dict  # summary for results.json's extra_data

    def item(self, key: str) -> PreparedItem | None:
        return self.items.get(key)


def load_or_prepare(spec: Spec) -> Prepared:
    """The cached preparation of `spec`, building and caching it if needed."""
    path = cache_path(spec)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if _belongs_to(data, spec):
            return _from_json(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
        pass  # unreadable or corrupt: rebuilt below
    data = prepare(spec)
    _write_quietly(path, data)
    return _from_json(data)


def _belongs_to(data, spec: Spec) -> bool:
    """Whether a cache file is this spec's and covers every graded item; a
    corrupt or foreign file is rebuilt rather than trusted."""
    return (isinstance(data, dict) and data.get("spec_digest") == spec.digest
            and isinstance(data.get("items"), dict)
            and all(item.key in data["items"] for item in spec.items if item.graded))


def cache_path(spec: Spec) -> Path:
    digest = hashlib.sha256(spec.digest.encode())
    for source in _SOURCES:
        base = ROOT / source
        for file in sorted(base.rglob("*.py")) if base.is_dir() else [base]:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return CACHE_DIR / f"prepared-{digest.hexdigest()[:24]}.json"


def prepare(spec: Spec) -> dict:
    """Every item's candidates and growth, with what the simulation proved."""
    from autograder.references import expectations, growth_reference
    from autograder.verify import value_key, verify_spec

    proof = verify_spec(spec)
    items = {}
    for item in spec.items:
        if not item.graded:
            continue
        candidates, problems = [], []
        for expected in (expectations(spec, item) if item.expect is not None else ()):
            unproved = [value_key(*use) for use in expected.uses
                        if proof.values.get(value_key(*use)) is False]
            if unproved and (expected.is_reference or expected.credit == 1):
                problems.append(f"{expected.name} contradicted by the simulation: {unproved}")
            if not unproved:
                candidates.append({"name": expected.name, "value": _encode(expected.value),
                                   "credit": expected.credit, "feedback": expected.feedback})
        growth = None
        if item.growth is not None:
            derived, names = growth_reference(spec, item)
            failed = [n for n in names if not proof.growths.get(n, False)]
            if failed:
                problems.append(f"growth contradicted by measured counts: {failed}")
            growth = {"size_exp": str(derived.size_exp), "kernel_exp": str(derived.kernel_exp)}
        items[item.key] = {"candidates": candidates, "growth": growth,
                           "verified": not problems, "problem": "; ".join(problems)}
    summary = {
        "values_verified": sum(proof.values.values()),
        "values_checked": len(proof.values),
        "growths_verified": sum(proof.growths.values()),
        "growths_checked": len(proof.growths),
        "contradicted": proof.failures,
        "not_simulated": proof.unverifiable,
        "seconds": round(proof.seconds, 3),
    }
    return {"spec_digest": spec.digest, "items": items, "verification": summary}


def _encode(value) -> str | list[str]:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return str(value)


def _decode(value) -> Fraction | tuple[Fraction, ...]:
    if isinstance(value, list):
        return tuple(Fraction(v) for v in value)
    return Fraction(value)


def _from_json(data: dict) -> Prepared:
    items = {}
    for key, entry in data["items"].items():
        growth = entry["growth"]
        items[key] = PreparedItem(
            candidates=tuple(Candidate(c["name"], _decode(c["value"]), float(c["credit"]),
                                       c["feedback"]) for c in entry["candidates"]),
            growth=Growth(Fraction(growth["size_exp"]), Fraction(growth["kernel_exp"]))
            if growth else None,
            verified=bool(entry["verified"]),
            problem=entry["problem"],
        )
    return Prepared(items=items, verification=data["verification"])


def _write_quietly(path: Path, data: dict) -> None:
    """Cache if we can; a read-only checkout still grades, only slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                         suffix=".tmp", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
        os.replace(handle.name, path)
    except OSError:
        pass


@exit_on_spec_error
def main(argv: list[str] | None = None) -> int:
    """`python -m autograder.prepared [--spec SPEC]`: build the cache now
    (setup.sh does, so that the first student is graded as fast as the rest)."""
    import argparse

    from autograder.spec import DEFAULT_SPEC, load_spec

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="assignment spec (YAML)")
    args = parser.parse_args(argv)
    spec = load_spec(args.spec)
    summary = load_or_prepare(spec).verification
    print(f"references for {spec.path.name}: {summary['values_verified']}/{summary['values_checked']}"
          f" values and {summary['growths_verified']}/{summary['growths_checked']} growths proved"
          f" by the simulation; cache {cache_path(spec)}")
    for failure in summary["contradicted"]:
        print(f"  CONTRADICTED (those items will not be graded): {failure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
