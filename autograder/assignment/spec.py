"""The assignment spec: the homework described as data (specs/*.yaml).

Loading validates everything the grader will rely on, so a typo in a spec is
a clear `SpecError` at load time, never a crash while grading a student.
"""
from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import SimpleNamespace

from autograder.answers import KINDS as ANSWER_KINDS
from autograder.assignment.family import (VARIANT_KEY, Family, FamilyError, Variant, numbers_text,
                                          read_family)
from autograder.yaml_loading import YAMLReadError, load_typed
from solutions.config import Config

#: Blanks of the sheet that are read but never become a Gradescope test: the
#: meaning of the Big-O letter, and optional feedback on the homework.
UNTESTED_KINDS = ("variable", "feedback")
#: Every kind an item may have: the answer kinds, then the untested blanks.
KINDS = (*ANSWER_KINDS, *UNTESTED_KINDS)
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
#: How long each visibility keeps a result from students, least first: a
#: total may be shown only as late as the latest-shown item that counts in it.
HIDDEN_LONGER = {"visible": 0, "after_due_date": 1, "after_published": 2, "hidden": 3}
FACTS = "facts"
SPECS = Path(__file__).resolve().parents[2] / "specs"
#: An upload built for another spec names it in specs/DEFAULT (see
#: autograder.build.artifacts); a checkout grades the homework's own spec.
DEFAULT_SPEC = SPECS / ((SPECS / "DEFAULT").read_text(encoding="utf-8").strip()
                        if (SPECS / "DEFAULT").is_file() else "hw3.yaml")


class SpecError(ValueError):
    """The spec is missing, unreadable or inconsistent. Its message is one
    line, so every `autograder` subcommand prints it as it is (see `autograder.__main__`)."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


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
    #: a ratio's floor of significant digits: a number answer is judged to the
    #: digits it was written with, but to no fewer than these (0 for other kinds)
    significant_digits: int = 0
    sentences: tuple[int, int] | None = None
    hint: str = ""
    prompt: str = ""  # the template's comment for this blank
    #: False for an item graded and shown but worth nothing (the homework's
    #: Extra Questions); `points` is what it would be worth for credit.
    for_credit: bool = True
    #: What one number means when the answer is a shape: "entries" (a
    #: Jacobian given as its entry count), "square side" (16 for 16 × 16),
    #: or "" (a single dimension). The grader and the self-check describe
    #: readings with it (autograder/answers/descriptions.py).
    one_number_means: str = ""

    @property
    def max_score(self) -> float:
        """The points this item adds to the total: its points when it is for
        credit, else 0. Every results.json, gradebook and report uses this,
        never `points`."""
        return self.points if self.for_credit else 0.0

    @property
    def graded(self) -> bool:
        """Compared with a reference (written answers are graded by hand)."""
        return self.kind in ANSWER_KINDS and ANSWER_KINDS[self.kind].BY_REFERENCE

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
    #: When students may see their total (results.json's top-level
    #: `visibility`): "visible", or as late as the latest-shown item that
    #: carries points, so hidden items cannot be probed through the total.
    total_visibility: str
    digest: str
    path: Path
    files: tuple[Path, ...]  # this spec, then each spec it extends
    raw: dict = field(repr=False, compare=False, default_factory=dict)
    #: The spec's family of variants (None: every student has the same numbers)
    family: Family | None = None
    #: The variant this spec is instantiated for (None: the configurations as written)
    variant: Variant | None = None

    def item(self, key: str) -> Item:
        for candidate in self.items:
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    @property
    def answer_keys(self) -> tuple[str, ...]:
        """Every key a student sheet may fill in (graded or not)."""
        return tuple(i.key for i in self.items)

    @property
    def numbers(self) -> str:
        """The student's numbers in words when the spec has a family, else ""."""
        if self.family is None:
            return ""
        return numbers_text(self.configurations, self.family, self.variant)

    @property
    def reserved_keys(self) -> tuple[str, ...]:
        """Top-level keys a sheet may hold besides the answers: the variant a
        personal template was written for, when the spec has a family."""
        return (VARIANT_KEY,) if self.family is not None else ()

    @property
    def max_score(self) -> float:
        """The total a sheet can earn: the sum of the items' `max_score`."""
        return round(sum(i.max_score for i in self.items if i.tested), 4)


def load_spec(path: Path | str = DEFAULT_SPEC, variant: int | None = None) -> Spec:
    """Load and check a spec. A spec may `extends: other.yaml` (a path
    relative to it): its own top-level entries replace the other's, except
    `configurations` and `mistakes`, which are merged by name, so a new
    term's variant states only what changes. With `variant`, the spec of
    that variant of the spec's family (see `variant_spec`)."""
    path = Path(path)
    digest = hashlib.sha256()
    files: list[Path] = []
    raw = _read_with_parents(path, digest, files, depth=0)
    spec = _checked_build(raw, path, digest.hexdigest(), tuple(files))
    return spec if variant is None else variant_spec(spec, variant)


def variant_spec(spec: Spec, number: int) -> Spec:
    """The spec of one variant of `spec`'s family: the family's configuration
    with the variant's values, every item, key and text following them, and
    a digest of its own (so its references are proved and cached apart)."""
    if spec.family is None:
        raise SpecError(f"the assignment spec {spec.path} has no family of variants")
    try:
        variant = spec.family.variant(number)
    except FamilyError as error:
        raise SpecError(str(error)) from None
    digest = hashlib.sha256(f"{spec.digest}\n{variant.settings()}".encode()).hexdigest()
    built = _checked_build(spec.family.applied(spec.raw, variant), spec.path, digest, spec.files,
                           variant=variant)
    return built


def every_variant(spec: Spec) -> tuple[Spec, ...]:
    """The specs a grader of `spec` may grade against: the spec itself, then,
    when it has a family, the spec of each variant. All of them are proved
    before grading (`autograder verify`, the build)."""
    if spec.family is None:
        return (spec,)
    return (spec, *(variant_spec(spec, v.number) for v in spec.family.variants))


def spec_for_student(spec: Spec, email: str) -> Spec:
    """The spec a student with this email is graded against: their variant's
    when the spec has a family, else the spec itself."""
    if spec.family is None:
        return spec
    return variant_spec(spec, spec.family.variant_for(email).number)


def _checked_build(raw: dict, path: Path, digest: str, files: tuple[Path, ...],
                   variant: Variant | None = None) -> Spec:
    try:
        return _build(raw, path, digest, files, variant)
    except FamilyError as error:
        raise SpecError(f"the assignment spec {path}: {error}") from None
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
        raw = load_typed(text)
    except YAMLReadError as error:
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


#: Every field a spec may have at its top level, and inside `defaults`,
#: `growth` and the catalogue's entries; anything else is a typo.
TOP_LEVEL_FIELDS = frozenset({"assignment", "configurations", "pooling", "growth", "big_o",
                              "defaults", "sections", "mistakes", "items", "total_visibility",
                              "family"})
REQUIRED_FIELDS = ("assignment", "configurations", "growth", "items")
DEFAULT_FIELDS = frozenset({"points", "visibility", "ratio_significant_digits", "for_credit"})
GROWTH_FIELDS = frozenset({"configuration"})
ALTERNATIVE_FIELDS = frozenset({"assume", "expect", "credit", "feedback"})


def _refuse_unknown(where: str, entry, known: frozenset) -> None:
    if not isinstance(entry, dict):
        raise SpecError(f"{where} must be a mapping, not {type(entry).__name__}")
    unknown = set(entry) - known
    if unknown:
        raise SpecError(f"{where}: unknown fields {sorted(map(str, unknown))} "
                        f"(known: {', '.join(sorted(known))})")


def _build(raw: dict, path: Path, digest: str, files: tuple[Path, ...],
           variant: Variant | None = None) -> Spec:
    _refuse_unknown("the spec's top level", raw, TOP_LEVEL_FIELDS)
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise SpecError(f"the spec needs the top-level fields {missing}")
    if not isinstance(raw["items"], list) or not all(isinstance(i, dict) for i in raw["items"]):
        raise SpecError("items must be a list of mappings, one per answer blank")
    _refuse_unknown("configurations", raw["configurations"], frozenset(raw["configurations"])
                    if isinstance(raw["configurations"], dict) else frozenset())
    for name, entry in raw["configurations"].items():
        if not isinstance(entry, dict):
            raise SpecError(f"configuration {name} must be a mapping of sizes, not {entry!r:.40}")
    _refuse_unknown("defaults", raw.get("defaults", {}), DEFAULT_FIELDS)
    _refuse_unknown("growth", raw["growth"], GROWTH_FIELDS)
    _refuse_unknown("big_o", raw.get("big_o", {}), frozenset(BigOPolicy.__dataclass_fields__))
    for name, entry in raw.get("mistakes", {}).items():
        _refuse_unknown(f"mistake {name}", entry, ALTERNATIVE_FIELDS)
    configurations = _configurations(raw["configurations"])
    family = read_family(raw)
    if family is not None and variant is None:
        _refuse_impossible_variants(raw, family)
    pooling = {k: int(v) for k, v in raw.get("pooling", {}).items()}
    text = _TextFiller(configurations, pooling)
    defaults = raw.get("defaults", {})
    catalogue = {name: {**entry, "feedback": text(entry.get("feedback", ""))}
                 for name, entry in raw.get("mistakes", {}).items()}
    sections = {text(k): text(v) for k, v in raw.get("sections", {}).items()}
    items = tuple(item for entry in raw["items"]
                  for item in _items_of(entry, defaults, catalogue, configurations, text, sections))
    keys = [i.key for i in items]
    duplicated = {k for k in keys if keys.count(k) > 1}
    if duplicated:
        raise SpecError(f"items listed twice: {sorted(duplicated)}")
    if family is not None and any(k == VARIANT_KEY or k.startswith(VARIANT_KEY + ".") for k in keys):
        raise SpecError(f"with a family, the sheet's key {VARIANT_KEY!r} records the student's "
                        "variant; rename the item that uses it")
    variables = [i.key for i in items if i.kind == "variable"]
    if len(variables) != 1:
        raise SpecError("the spec needs exactly one item of kind 'variable' (what the "
                        f"Big-O letter means); found {len(variables)}")
    growth = raw["growth"]
    if growth["configuration"] not in configurations:
        raise SpecError(f"growth configuration {growth['configuration']!r} is not defined")
    _refuse_impossible_mistakes(items, configurations)
    total_visibility = raw.get("total_visibility", "visible")
    if total_visibility not in VISIBILITIES:
        raise SpecError(f"total_visibility {total_visibility!r} is not one of {VISIBILITIES}")
    _refuse_total_that_reveals_hidden_items(items, total_visibility)
    from solutions.facts import CUTOUT

    facts = {f"cutout_{name}": side for name, side in CUTOUT["patch_side"].items()}
    return Spec(
        assignment=text(raw["assignment"]),
        configurations=configurations,
        facts=facts,
        pooling=pooling,
        growth_configuration=growth["configuration"],
        variable_key=variables[0],
        big_o_policy=BigOPolicy(**{k: float(v) for k, v in raw.get("big_o", {}).items()}),
        items=items,
        sections=sections,
        total_visibility=total_visibility,
        digest=digest,
        path=path,
        files=files,
        raw=raw,
        family=family,
        variant=variant,
    )


def _refuse_impossible_variants(raw: dict, family: Family) -> None:
    """Every variant's configurations must be ones a layer can have: a family
    whose 7x7 VALID kernel meets a 4x4 input is refused at load, naming the
    variant, rather than when that student is graded."""
    for variant in family.variants:
        try:
            _configurations(family.applied(raw, variant)["configurations"])
        except SpecError as error:
            raise SpecError(f"family {variant.label} ({variant.settings()}): {error}") from None


class _TextFiller:
    """Fills `{base.height}`-style references to configurations (and
    `{pooling.side}` to the pooling example) into the
    spec's words (keys, names, prompts, hints, feedback), so that a variant
    with other sizes needs no rewording."""

    def __init__(self, configurations: dict[str, Config], pooling: dict[str, int]):
        self.names = {**configurations, "pooling": SimpleNamespace(**pooling)}

    def __call__(self, template) -> str:
        words = " ".join(str(template).split())
        try:
            return words.format(**self.names)
        except (KeyError, AttributeError, IndexError, ValueError) as error:
            raise SpecError(f"cannot fill {words!r}: unknown reference {error}") from None


def _configurations(raw: dict) -> dict[str, Config]:
    resolved: dict[str, dict] = {}
    for name, entry in raw.items():
        if name == FACTS:
            raise SpecError(f"'{FACTS}' is reserved for literature facts")
        entry = dict(entry)
        parent = entry.pop("from", None)
        scale = entry.pop("scale", None)
        if scale is not None:
            _check_scale(name, entry, scale, parent)
        if parent is not None:
            if parent not in resolved:
                raise SpecError(f"configuration {name} builds on {parent!r}, defined later or not at all")
            entry = {**resolved[parent], **entry}
        if scale is not None:
            entry = {**entry, **{size: entry[size] * scale for size in ("side", "height", "width")
                                 if isinstance(entry.get(size), int)}}
        resolved[name] = entry
    configurations = {name: config_from_fields(entry, f"configuration {name}")
                      for name, entry in resolved.items()}
    for name, config in configurations.items():
        reason = impossibility(config)
        if reason:
            raise SpecError(f"configuration {name} cannot exist: {reason}")
    return configurations


def _check_scale(name: str, entry: dict, scale, parent) -> None:
    """`scale: N` on a configuration built `from` another makes its input N
    times as large on each side, so it follows the other's size (a family's
    variants change it)."""
    if parent is None:
        raise SpecError(f"configuration {name}: scale needs from (the configuration it scales)")
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise SpecError(f"configuration {name}: scale must be a whole number of at least 1, "
                        f"not {scale!r}")
    if {"side", "height", "width"} & set(entry):
        raise SpecError(f"configuration {name}: give scale or its sizes, not both")


def impossibility(config: Config) -> str:
    """Why no layer can have this configuration ("" when one can): with
    VALID padding a kernel larger than the input leaves no output position,
    and every count of the homework (and every ratio of them) would be 0 or
    a division by 0. Sizes below 1 (stride 0, negative sizes) are refused by
    Config itself."""
    for dimension, side, kernel in (("height", config.height, config.kernel_h),
                                    ("width", config.width, config.kernel_w)):
        if config.padding == "VALID" and kernel > side:
            return (f"a kernel {kernel} wide does not fit an input {side} wide ({dimension}) "
                    "with VALID padding, so the layer has no output")
    return ""


def padding_sides(config: Config) -> tuple[int, int, int, int]:
    """Zeros added (top, bottom, left, right), TensorFlow's convention: SAME
    pads max((ceil(n/s) - 1)s + k - n, 0) along a dimension, the smaller half
    before and the odd pixel after; VALID pads nothing. Plain integers (the
    same formulas as solutions/layers.py, which the tests compare), so that
    loading a spec needs no SymPy."""
    def split(n: int, k: int, s: int) -> tuple[int, int]:
        if config.padding != "SAME":
            return 0, 0
        total = max((-(-n // s) - 1) * s + k - n, 0)
        return total // 2, total - total // 2

    return (*split(config.height, config.kernel_h, config.stride_h),
            *split(config.width, config.kernel_w, config.stride_w))


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
                "entries_ok", "significant_digits", "sentences", "hint", "prompt", "layer", "dataset",
                "other_dataset", "for_credit", "per_side_when_uneven", "opposite"}
_PLACEHOLDER_FIELDS = ("layer", "dataset", "other_dataset", "opposite")
PER_SIDE_FIELDS = frozenset({"name", "prompt", "mistakes"})

#: How a padding question is asked when the sides differ: (key suffix, words
#: for {side}, the side's quantity, the quantity of the side it is most
#: easily swapped with, for the `{opposite}` placeholder), by which sides agree.
_BEFORE_AFTER = (("before", "before the image (top and left)", "pad_top", "pad_bottom"),
                 ("after", "after the image (bottom and right)", "pad_bottom", "pad_top"))
_BY_DIMENSION = (("top_and_bottom", "at the top and at the bottom (each)", "pad_top", "pad_left"),
                 ("left_and_right", "on the left and on the right (each)", "pad_left", "pad_top"))
_EVERY_SIDE = (("top", "at the top", "pad_top", "pad_bottom"),
               ("bottom", "at the bottom", "pad_bottom", "pad_top"),
               ("left", "on the left", "pad_left", "pad_right"),
               ("right", "on the right", "pad_right", "pad_left"))


def uneven_sides(config: Config) -> tuple[tuple[str, str, str, str], ...]:
    """The sides a padding question must ask for separately, () when one
    number ("on each side") describes the padding."""
    top, bottom, left, right = padding_sides(config)
    if top == bottom == left == right:
        return ()
    if top == left and bottom == right:
        return _BEFORE_AFTER
    if top == bottom and left == right:
        return _BY_DIMENSION
    return _EVERY_SIDE


def _items_of(entry: dict, defaults: dict, catalogue: dict, configurations: dict, text,
              sections: dict) -> tuple[Item, ...]:
    """The items one spec entry stands for: itself, or, for a padding question
    (`per_side_when_uneven`) on a configuration that pads its sides unevenly,
    one number item per side, since "the padding on each side" has no single
    answer there (a 4x4 SAME kernel pads 1 before and 2 after)."""
    per_side = entry.get("per_side_when_uneven")
    configuration = configurations.get(entry.get("at", "base"))
    if per_side is None or configuration is None:
        return (_item(entry, defaults, catalogue, configurations, text),)
    _refuse_unknown(f"item {entry.get('key', '?')}: per_side_when_uneven", per_side, PER_SIDE_FIELDS)
    if entry.get("kind") != "number":
        raise SpecError(f"item {entry.get('key', '?')}: per_side_when_uneven needs kind number")
    sides = uneven_sides(configuration)
    whole = {k: v for k, v in entry.items() if k != "per_side_when_uneven"}
    if not sides:
        return (_item(whole, defaults, catalogue, configurations, text),)
    parent = text(entry["key"])
    points = float(entry.get("points", defaults.get("points", 1)))
    sections.setdefault(parent, "this layer pads its sides unevenly: give each side")
    items = []
    for index, (suffix, words, quantity, opposite) in enumerate(sides, start=1):
        side_entry = {**whole, "key": f"{entry['key']}.{suffix}",
                      "number": f"{entry.get('number', '')}.{index}",
                      "name": str(per_side.get("name", "{side}")).replace("{side}", words),
                      "prompt": str(per_side.get("prompt", "pixels added {side}")).replace("{side}", words),
                      "expect": quantity, "opposite": opposite,
                      "points": round(points / len(sides), 4),
                      "mistakes": per_side.get("mistakes", whole.get("mistakes", ()))}
        items.append(_item(side_entry, defaults, catalogue, configurations, text))
    return tuple(items)


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
    for variant in entry.get("variants", ()):
        _refuse_unknown(f"item {key}: a variant", variant, ALTERNATIVE_FIELDS)
    variants = tuple(_alternative(f"variant {n + 1}", v, default_credit=1.0)
                     for n, v in enumerate(entry.get("variants", ())))
    sentences = entry.get("sentences")
    is_written = kind in UNTESTED_KINDS or not ANSWER_KINDS[kind].BY_REFERENCE
    if not is_written and kind != "big_o" and entry.get("expect") is None:
        raise SpecError(f"item {key}: a {kind} item needs 'expect'")
    if kind in ("big_o", "ratio") and entry.get("growth") is None:
        raise SpecError(f"item {key}: a {kind} item needs 'growth'")
    for_credit = entry.get("for_credit", defaults.get("for_credit", True))
    if not isinstance(for_credit, bool):
        raise SpecError(f"item {key}: for_credit must be true or false, not {for_credit!r}")
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
        significant_digits=_significant_digits(entry, defaults, kind, key),
        sentences=tuple(sentences) if sentences else None,
        hint=text(entry.get("hint", "")),
        prompt=text(entry.get("prompt", "")),
        for_credit=for_credit,
        one_number_means=("entries" if entry.get("entries_ok") else
                          "square side" if entry.get("square_side_ok") else ""),
    )
    for alternative in (item,) + item.variants + item.mistakes:
        if alternative.expect is not None:
            item.fill(alternative.expect)  # every placeholder resolvable now
    return item


#: A ratio's floor of significant digits when the spec does not set one.
DEFAULT_RATIO_SIGNIFICANT_DIGITS = 2


def _significant_digits(entry: dict, defaults: dict, kind: str, key: str) -> int:
    """The floor of significant digits a ratio item judges numbers to. The
    former relative tolerances are refused: a blanket percentage can turn a
    wrong value into a right one."""
    if "tolerance" in entry or "ratio_tolerance" in defaults:
        raise SpecError(f"item {key}: 'tolerance' and 'ratio_tolerance' are no longer supported; "
                        "counts are exact and ratios are judged to their significant digits "
                        "(set 'significant_digits' on the item or 'ratio_significant_digits' "
                        "in defaults)")
    if kind != "ratio":
        if "significant_digits" in entry:
            raise SpecError(f"item {key}: significant_digits applies to ratio items only")
        return 0
    digits = entry.get("significant_digits",
                       defaults.get("ratio_significant_digits", DEFAULT_RATIO_SIGNIFICANT_DIGITS))
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 20:
        raise SpecError(f"item {key}: significant_digits must be a whole number from 1 to 20")
    return digits


def _refuse_impossible_mistakes(items: tuple[Item, ...], configurations: dict) -> None:
    """A recognised mistake that assumes another configuration (VALID in
    place of SAME, ...) must be one a layer can have, or its values would be
    divisions by 0 when the references are computed."""
    known = {f.name for f in fields(Config)}
    for item in items:
        for mistake in item.mistakes:
            if not mistake.assume:
                continue
            unknown = {name for name, _ in mistake.assume} - known
            if unknown:
                raise SpecError(f"mistake {mistake.name}: assumes unknown fields {sorted(unknown)}")
            if item.configuration == FACTS:
                raise SpecError(f"item {item.key}: mistake {mistake.name} assumes a configuration, "
                                "but the item is a fact")
            try:
                assumed = replace(configurations[item.configuration], **dict(mistake.assume))
            except ValueError as error:
                raise SpecError(f"item {item.key}: mistake {mistake.name}: {error}") from None
            reason = impossibility(assumed)
            if reason:
                raise SpecError(f"item {item.key}: mistake {mistake.name} assumes a configuration "
                                f"that cannot exist: {reason}; drop it from this item")


def _refuse_total_that_reveals_hidden_items(items: tuple[Item, ...], total_visibility: str) -> None:
    """Students who see their total can probe an item they cannot see: they
    resubmit with its answer changed and watch the total. So every item that
    carries points must be shown no later than the total."""
    late = [i for i in items if i.tested and i.max_score > 0
            and HIDDEN_LONGER[i.visibility] > HIDDEN_LONGER[total_visibility]]
    if late:
        listed = ", ".join(f"{i.key} ({i.visibility})" for i in late[:10])
        more = f" and {len(late) - 10} more" if len(late) > 10 else ""
        latest = max((i.visibility for i in late), key=HIDDEN_LONGER.get)
        raise SpecError(
            f"the total ({total_visibility}) would reveal items hidden from students that carry "
            f"points: {listed}{more}. Either give them no points until grades are published "
            f"(for_credit: false, or points: 0), or hide the total as long as they are hidden "
            f"(top-level total_visibility: {latest}).")


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
