"""The references a spec's grading needs, computed from the formulas, proved
by the simulation, and cached as JSON keyed by the spec's and the code's
content.

Computing and proving references takes SymPy and several seconds of numpy;
grading one sheet must not. `prepare(spec)` does that work once (setup.sh
runs it on Gradescope) and every later grading run only reads the cache.
Changing the spec, a formula or the simulation changes the key, so a stale
cache is never used. The file also carries a SHA-256 digest of what it
says (the candidates, growths and verification, with the spec's and the
code's digests): a file whose content does not match is proved again, not
believed, so an edited or damaged value (7,057 for 7,056) never grades. The
digest is not a secret: it stops accidental and careless edits, not someone
who can rewrite the grader's files (they could rewrite the formulas too).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from autograder.assignment.spec import Spec
from solutions.order import Growth

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = Path(os.environ.get("AUTOGRADER_CACHE", ROOT / ".cache"))
#: Sources whose content decides every reference: a change in any of them
#: makes a new cache key.
_SOURCES = ("solutions", "autograder/assignment/references.py", "autograder/assignment/spec.py",
            "autograder/assignment/simulation.py", "autograder/assignment/verify.py", "autograder/assignment/prepared.py")


@dataclass(frozen=True)
class Candidate:
    """A value an answer may match, and what matching it means: the
    reference, an accepted variant or a recognised mistake. The one record
    of a reference value, from its computation to grading."""

    name: str  # "reference", "variant N" or a catalogue mistake's name
    value: Fraction | tuple[Fraction, ...]
    credit: float
    feedback: str
    #: The (configuration, quantity) pairs it was computed from, which the
    #: proof checks; not cached, since grading needs only the value.
    uses: frozenset = frozenset()

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
    #: What grading against these references has already worked out in this
    #: process (see autograder.grading.pipeline): it lives and dies with them,
    #: so it can never serve a result of other references.
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def item(self, key: str) -> PreparedItem | None:
        return self.items.get(key)


def load_or_prepare(spec: Spec) -> Prepared:
    """The cached preparation of `spec`, building and caching it if needed."""
    code = _code_digest(spec)
    path = _cache_file(code)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if _belongs_to(data, spec):
            if data.get("digest") == _content_digest(data) and data.get("code_digest") == code:
                return _from_json(data)
            print(f"note: the references cache {path} does not match its digest (edited or "
                  "damaged); proving the references again", file=sys.stderr)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
        pass  # unreadable or corrupt: rebuilt below
    data = _sealed(prepare(spec), code)
    _write_quietly(path, data)
    return _from_json(data)


#: What the digest covers: everything grading believes from the file.
_DIGESTED = ("spec_digest", "code_digest", "items", "verification")


def _content_digest(data: dict) -> str:
    """SHA-256 of the file's content in a canonical JSON form (the form a
    JSON round trip keeps: lists for tuples, floats by their repr)."""
    content = {key: data.get(key) for key in _DIGESTED}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _sealed(data: dict, code: str) -> dict:
    """`data` with the code's digest and the digest of its content."""
    sealed = {**data, "code_digest": code}
    sealed["digest"] = _content_digest(sealed)
    return sealed


def _belongs_to(data, spec: Spec) -> bool:
    """Whether a cache file is this spec's and covers every graded item; a
    corrupt or foreign file is rebuilt rather than trusted."""
    return (isinstance(data, dict) and data.get("spec_digest") == spec.digest
            and isinstance(data.get("items"), dict)
            and all(item.key in data["items"] for item in spec.items if item.graded))


def cache_path(spec: Spec) -> Path:
    return _cache_file(_code_digest(spec))


def _cache_file(code_digest: str) -> Path:
    return CACHE_DIR / f"prepared-{code_digest[:24]}.json"


def _code_digest(spec: Spec) -> str:
    """SHA-256 of the spec's digest and of every source that decides a reference."""
    digest = hashlib.sha256(spec.digest.encode())
    for source in _SOURCES:
        base = ROOT / source
        for file in sorted(base.rglob("*.py")) if base.is_dir() else [base]:
            digest.update(file.relative_to(ROOT).as_posix().encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def prepare(spec: Spec) -> dict:
    """Every item's candidates and growth, with what the simulation proved."""
    from autograder.assignment.references import expectations, growth_reference
    from autograder.assignment.verify import value_key, verify_spec

    proof = verify_spec(spec, progress=terminal_progress(sys.stderr))
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
        # Which configurations were simulated at their own size, and which
        # were proved on smaller proxies and their formulas instantiated.
        "simulated_in_full": proof.simulated,
        "proved_on_proxies": proof.proxies,
        "seconds": round(proof.seconds, 3),
    }
    return {"spec_digest": spec.digest, "items": items, "verification": summary}


class _TerminalProgress:
    """A one-line counter of the proof's steps on a terminal, redrawn in
    place and wiped when the proof is done."""

    WIDTH = 79

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, done: int, total: int, what: str) -> None:
        line = f"proving the references: {done}/{total} {what}" if done < total else ""
        self.stream.write("\r" + line[:self.WIDTH].ljust(self.WIDTH) + "\r" * (not line))
        self.stream.flush()


def terminal_progress(stream):
    """A progress display on `stream` when it is a terminal; None (silence)
    in a log, a pipe or on Gradescope."""
    try:
        return _TerminalProgress(stream) if stream.isatty() else None
    except (AttributeError, ValueError):  # no stream, or a closed one
        return None


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


def main(argv: list[str] | None = None, prog: str = "autograder verify") -> int:
    """`autograder verify [--spec SPEC]`: prove the spec's references against
    the simulation and cache them now (setup.sh does, so that the first
    student is graded as fast as the rest); for a spec with a family, every
    variant's. Exits 1 if the simulation contradicts any reference: those
    items would not be graded."""
    import argparse

    from autograder.assignment.spec import DEFAULT_SPEC, every_variant, load_spec
    from autograder.assignment.verify import how_proved

    parser = argparse.ArgumentParser(prog=prog, description=main.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", default=DEFAULT_SPEC, help="assignment spec (YAML)")
    args = parser.parse_args(argv)
    specs = every_variant(load_spec(args.spec))
    totals = dict.fromkeys(("values_verified", "values_checked", "growths_verified",
                            "growths_checked"), 0)
    contradicted, simulated, proxies = [], {}, {}
    for spec in specs:
        summary = load_or_prepare(spec).verification
        for key in totals:
            totals[key] += summary[key]
        which = f"{spec.variant.label} ({spec.variant.settings()}): " if spec.variant else ""
        contradicted += [f"{which}{failure}" for failure in summary["contradicted"]]
        simulated.update(dict.fromkeys(summary["simulated_in_full"]))
        proxies.update(summary["proved_on_proxies"])
    variants = f" and its {len(specs) - 1} variants" if len(specs) > 1 else ""
    print(f"references for {specs[0].path.name}{variants}: {totals['values_verified']}/"
          f"{totals['values_checked']} values and {totals['growths_verified']}/"
          f"{totals['growths_checked']} growths proved by the simulation; cache "
          f"{cache_path(specs[0]) if len(specs) == 1 else CACHE_DIR}")
    print(f"  {how_proved(list(simulated), proxies)}" if len(specs) == 1 else
          f"  {len(simulated)} configurations simulated in full, {len(proxies)} proved on proxies "
          "and instantiated at full size (each variant's results list them)")
    for failure in contradicted:
        print(f"  CONTRADICTED (those items will not be graded): {failure}")
    return 1 if contradicted else 0


if __name__ == "__main__":
    raise SystemExit(main())
