"""The assignment spec: the homework described as data (specs/*.yaml).

Loading validates everything the grader will rely on, so a typo in a spec is
a clear `SpecError` at load time, never a crash while grading a student.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from solutions.config import Config

KINDS = ("number", "shape", "big_o", "ratio", "written", "variable", "feedback")
#: Blanks of the sheet that are read but never become a Gradescope test: the
#: meaning of the Big-O letter, and optional feedback on the homework.
UNTESTED_KINDS = ("variable", "feedback")
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
FACTS = "facts"
SPECS = Path(__file__).resolve().parent.parent / "specs"
#: An upload built for another spec names it in specs/DEFAULT (see
#: autograder.build); a checkout grades the homework's own spec.
DEFAULT_SPEC = SPECS / ((SPECS / "DEFAULT").read_text(encoding="utf-8").strip()
                        if (SPECS / "DEFAULT").is_file() else "hw3.yaml")


class SpecError(ValueError):
    """The spec is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Alternative:
    """A value other than the primary reference that an answer may match:
    an accepted variant (credit 1 by default) or a recognised mistake."""

    name: str
    expect: str | tuple[str, ...]
    assume: tuple[tuple[str, object], ...] = ()
    credit: float = 0.0
    feedback: str = ""


@dataclass(frozen=True)
class Item:
    """One answer blank of the sheet and how to grade it."""

    key: str
    number: str
    name: str
    kind: str
    points: float
    visibility: str
    configuration: str
    placeholders: tuple[tuple[str, str], ...] = ()
    expect: str | tuple[str, ...] | None = None
    growth: str | None = None
    variants: tuple[Alternative, ...] = ()
    mistakes: tuple[Alternative, ...] = ()
    square_side_ok: bool = False
    transpose_ok: bool = False
    entries_ok: bool = False
    tolerance: float = 0.0
    sentences: tuple[int, int] | None = None
    hint: str = ""
    prompt: str = ""  # the template's comment for this blank

    @property
    def graded(self) -> bool:
        """Compared with a reference (written answers are graded by hand)."""
        return self.kind not in ("written",) + UNTESTED_KINDS

    @property
    def tested(self) -> bool:
        """Listed as a Gradescope test (graded, or written at 0 points)."""
        return self.kind not in UNTESTED_KINDS

    def fill(self, template):
        """Replace {layer}, {dataset}, {expect}, ... by this item's fields."""
        if isinstance(template, tuple):
            return tuple(self.fill(t) for t in template)
        values = dict(self.placeholders)
        if isinstance(self.expect, str):
            values.setdefault("expect", self.fill_once(self.expect, values))
        return self.fill_once(template, values)

    def fill_once(self, template: str, values: dict) -> str:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        missing = names - values.keys()
        if missing:
            raise SpecError(f"item {self.key}: no value for {sorted(missing)} in {template!r}")
        return template.format(**values)


@dataclass(frozen=True)
class BigOPolicy:
    """Credit for Big-O answers that are not simply right or wrong."""

    loose_credit: float = 0.5  # a true upper bound that is not tight
    variable_mismatch_credit: float = 0.5  # exponents fit the other size variable
    kernel_mismatch_credit: float = 0.5  # right in N, wrong power of the kernel side
    #: An exponential or factorial bound (2^N, N!): true, but so far from tight
    #: that by default it earns nothing.
    super_polynomial_credit: float = 0.0

    def __post_init__(self):
        for name, credit in vars(self).items():
            if not 0.0 <= credit <= 1.0:
                raise SpecError(f"big_o.{name} must be between 0 and 1, not {credit}")


@dataclass(frozen=True)
class Spec:
    assignment: str
    configurations: dict[str, Config]
    facts: dict[str, int]
    pooling: dict[str, int]
    growth_configuration: str
    variable_key: str
    big_o_policy: BigOPolicy
    items: tuple[Item, ...]
    sections: dict[str, str]
    digest: str
    path: Path
    files: tuple[Path, ...]  # this spec, then each spec it extends
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    def item(self, key: str) -> Item:
        for candidate in self.items:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """Every key a student sheet may fill in (graded or not)."""
        return tuple(i.key for i in self.items)


def load_spec(path: Path | str = DEFAULT_SPEC) -> Spec:
    """Load and check a spec. A spec may `extends: other.yaml` (a path
    relative to it): its own top-level entries replace the other's, except
    `configurations` and `mistakes`, which are merged by name, so a new
    term's variant states only what changes."""
    path = Path(path)
    digest = hashlib.sha256()
    files: list[Path] = []
    raw = _read_with_parents(path, digest, files, depth=0)
    try:
        return _build(raw, path, digest.hexdigest(), tuple(files))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        if isinstance(error, SpecError):
            raise
        raise SpecError(f"the assignment spec {path} is inconsistent: {error!r}") from None


_MERGED_BY_NAME = ("configurations", "mistakes", "big_o", "defaults", "sections")


def _read_with_parents(path: Path, digest, files: list[Path], *, depth: int) -> dict:
    if depth > 4:
        raise SpecError(f"the assignment spec {path} extends too many levels (a loop?)")
    try:
        text = path.read_bytes()
    except OSError as error:
        raise SpecError(f"cannot read the assignment spec {path}: {error.strerror}") from None
    digest.update(text)
    files.append(path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SpecError(f"the assignment spec {path} is not valid YAML: {error}") from None
    if not isinstance(raw, dict):
        raise SpecError(f"the assignment spec {path} must be a mapping")
    parent_name = raw.pop("extends", None)
    if parent_name is None:
        return raw
    parent = _read_with_parents(path.parent / str(parent_name), digest, files, depth=depth + 1)
    merged = {**parent, **raw}
    for key in _MERGED_BY_NAME:
        if isinstance(parent.get(key), dict) and isinstance(raw.get(key), dict):
            merged[key] = {**parent[key], **raw[key]}
    return merged


def _build(raw: dict, path: Path, digest: str, files: tuple[Path, ...]) -> Spec:
    from solutions.facts import CUTOUT

    configurations = _configurations(raw["configurations"])
    text = _TextFiller(configurations)
    defaults = raw.get("defaults", {})
    catalogue = {name: {**entry, "feedback": text(entry.get("feedback", ""))}
                 for name, entry in raw.get("mistakes", {}).items()}
    items = tuple(_item(entry, defaults, catalogue, configurations, text)
                  for entry in raw["items"])
    keys = [i.key for i in items]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise SpecError(f"items listed twice: {sorted(duplicated)}")
    variables = [i.key for i in items if i.kind == "variable"]
    if len(variables) != 1:
        raise SpecError("the spec needs exactly one item of kind 'variable' (what the "
                        f"Big-O letter means); found {len(variables)}")
    growth = raw["growth"]
    if growth["configuration"] not in configurations:
        raise SpecError(f"growth configuration {growth['configuration']!r} is not defined")
    facts = {f"cutout_{name}": side for name, side in CUTOUT["patch_side"].items()}
    return Spec(
        assignment=text(raw["assignment"]),
        configurations=configurations,
        facts=facts,
        pooling={k: int(v) for k, v in raw.get("pooling", {}).items()},
        growth_configuration=growth["configuration"],
        variable_key=variables[0],
        big_o_policy=BigOPolicy(**{k: float(v) for k, v in raw.get("big_o", {}).items()}),
        items=items,
        sections={text(k): text(v) for k, v in raw.get("sections", {}).items()},
        digest=digest,
        path=path,
        files=files,
        raw=raw,
    )


class _TextFiller:
    """Fills `{base.height}`-style references to configurations into the
    spec's words (keys, names, prompts, hints, feedback), so that a variant
    with other sizes needs no rewording."""

    def __init__(self, configurations: dict[str, Config]):
        self.configurations = configurations

    def __call__(self, template) -> str:
        words = " ".join(str(template).split())
        try:
            return words.format(**self.configurations)
        except (KeyError, AttributeError, IndexError, ValueError) as error:
            raise SpecError(f"cannot fill {words!r}: unknown reference {error}") from None


def _configurations(raw: dict) -> dict[str, Config]:
    resolved: dict[str, dict] = {}
    for name, entry in raw.items():
        if name == FACTS:
            raise SpecError(f"'{FACTS}' is reserved for literature facts")
        entry = dict(entry)
        parent = entry.pop("from", None)
        if parent is not None:
            if parent not in resolved:
                raise SpecError(f"configuration {name} builds on {parent!r}, defined later or not at all")
            entry = {**resolved[parent], **entry}
        resolved[name] = entry
    return {name: config_from_fields(entry, name) for name, entry in resolved.items()}


def config_from_fields(entry: dict, name: str = "configuration") -> Config:
    """A Config from a spec mapping; `side`, `kernel` and `stride` stand for
    both dimensions when the per-dimension fields are not given."""
    known = {"side", "height", "width", "in_channels", "out_channels", "kernel",
             "kernel_h", "kernel_w", "stride", "stride_h", "stride_w", "padding"}
    unknown = set(entry) - known
    if unknown:
        raise SpecError(f"{name}: unknown fields {sorted(unknown)}")

    def pick(specific: str, shared: str):
        value = entry.get(specific, entry.get(shared))
        if value is None:
            raise SpecError(f"{name}: needs {specific} or {shared}")
        return value

    try:
        return Config(
            height=pick("height", "side"), width=pick("width", "side"),
            in_channels=entry["in_channels"], out_channels=entry["out_channels"],
            kernel_h=pick("kernel_h", "kernel"), kernel_w=pick("kernel_w", "kernel"),
            stride_h=pick("stride_h", "stride"), stride_w=pick("stride_w", "stride"),
            padding=entry["padding"],
        )
    except KeyError as missing:
        raise SpecError(f"{name}: missing {missing}") from None
    except ValueError as error:
        raise SpecError(f"{name}: {error}") from None


_ITEM_FIELDS = {"key", "number", "name", "kind", "points", "visibility", "at", "expect",
                "growth", "variants", "mistakes", "square_side_ok", "transpose_ok",
                "entries_ok", "tolerance", "sentences", "hint", "prompt", "layer", "dataset",
                "other_dataset"}
_PLACEHOLDER_FIELDS = ("layer", "dataset", "other_dataset")


def _item(entry: dict, defaults: dict, catalogue: dict, configurations: dict, text) -> Item:
    key = text(entry.get("key", "?"))
    unknown = set(entry) - _ITEM_FIELDS
    if unknown:
        raise SpecError(f"item {key}: unknown fields {sorted(unknown)}")
    kind = entry["kind"]
    if kind not in KINDS:
        raise SpecError(f"item {key}: kind {kind!r} is not one of {KINDS}")
    visibility = entry.get("visibility", defaults.get("visibility", "visible"))
    if visibility not in VISIBILITIES:
        raise SpecError(f"item {key}: visibility {visibility!r} is not one of {VISIBILITIES}")
    configuration = entry.get("at", "base")
    if configuration != FACTS and configuration not in configurations:
        raise SpecError(f"item {key}: configuration {configuration!r} is not defined")
    mistakes = []
    for name in entry.get("mistakes", ()):
        if name not in catalogue:
            raise SpecError(f"item {key}: mistake {name!r} is not in the catalogue")
        mistakes.append(_alternative(name, catalogue[name], default_credit=0.0))
    variants = tuple(_alternative(f"variant {n + 1}", v, default_credit=1.0)
                     for n, v in enumerate(entry.get("variants", ())))
    sentences = entry.get("sentences")
    is_written = kind in ("written",) + UNTESTED_KINDS
    if not is_written and kind != "big_o" and entry.get("expect") is None:
        raise SpecError(f"item {key}: a {kind} item needs 'expect'")
    if kind in ("big_o", "ratio") and entry.get("growth") is None:
        raise SpecError(f"item {key}: a {kind} item needs 'growth'")
    item = Item(
        key=key,
        number=str(entry.get("number", "")),
        name=text(entry.get("name", "")),
        kind=kind,
        points=0.0 if is_written else float(entry.get("points", defaults.get("points", 1))),
        visibility=visibility,
        configuration=configuration,
        placeholders=tuple((f, str(entry[f])) for f in _PLACEHOLDER_FIELDS if f in entry),
        expect=_expression(entry.get("expect")),
        growth=entry.get("growth"),
        variants=variants,
        mistakes=tuple(mistakes),
        square_side_ok=bool(entry.get("square_side_ok", False)),
        transpose_ok=bool(entry.get("transpose_ok", False)),
        entries_ok=bool(entry.get("entries_ok", False)),
        tolerance=float(entry.get("tolerance", defaults.get("ratio_tolerance", 0.0)
                                   if kind == "ratio" else 0.0)),
        sentences=tuple(sentences) if sentences else None,
        hint=text(entry.get("hint", "")),
        prompt=text(entry.get("prompt", "")),
    )
    for alternative in (item,) + item.variants + item.mistakes:
        if alternative.expect is not None:
            item.fill(alternative.expect)  # every placeholder resolvable now
    return item


def _alternative(name: str, entry: dict, *, default_credit: float) -> Alternative:
    credit = float(entry.get("credit", default_credit))
    if not 0.0 <= credit <= 1.0:
        raise SpecError(f"{name}: credit must be between 0 and 1")
    assume = entry.get("assume", {})
    return Alternative(
        name=name,
        expect=_expression(entry.get("expect")),
        assume=tuple(sorted(assume.items())),
        credit=credit,
        feedback=str(entry.get("feedback", "")),
    )


def _expression(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return tuple(str(v) for v in value)
