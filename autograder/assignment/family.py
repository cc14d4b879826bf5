"""A family of variants: every student gets their own numbers.

A spec's `family` names the layer parameters that vary and their allowed
values; each combination is one variant, numbered from 1 in the order the
spec lists them. A student's variant is drawn from their email and the
course's salt (`autograder.submission.submitter`), so one posted answer
sheet no longer serves the class: every reference is a formula of the
configuration, instantiated and proved for each variant.

    family:
      salt: cs1470-fall-2026        # change it every term
      vary:                         # fields of the `base` configuration
        side: [24, 28, 32]
        kernel: [3, 5]
        padding: [SAME, VALID]
      group: first_email            # whose email draws a group's variant
      other_variant_sheets: no_credit   # or graded (see OTHER_VARIANT_POLICIES)

Configurations built `from: base` follow the variant (write `scale: 2` for
an input twice as large, not a fixed `side`); other configurations stay as
they are.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

from autograder.submission.submitter import GROUP_RULES, variant_index

#: The configuration fields a family may vary, and the more specific fields
#: each one stands for (a varied `side` replaces `height` and `width`).
VARIABLE_FIELDS = {
    "side": ("height", "width"), "height": (), "width": (),
    "kernel": ("kernel_h", "kernel_w"), "kernel_h": (), "kernel_w": (),
    "stride": ("stride_h", "stride_w"), "stride_h": (), "stride_w": (),
    "in_channels": (), "out_channels": (), "padding": (),
}
FAMILY_FIELDS = frozenset({"salt", "configuration", "vary", "group", "other_variant_sheets"})
#: What a sheet that records another student's variant earns: "no_credit"
#: (the default: it was written for someone else's numbers, so none of it
#: counts, and the TA's report lists it) or "graded" (graded on its merits
#: against the submitter's own numbers).
OTHER_VARIANT_POLICIES = ("no_credit", "graded")
#: The sheet's top-level key recording the variant a personal template was
#: written for, so that a sheet filled for another student's numbers is noticed.
VARIANT_KEY = "variant"
#: More variants than this is a typo (a list of 1..1000), not a family.
MAX_VARIANTS = 512


class FamilyError(ValueError):
    """The spec's family is not one the grader can use (spec.py turns it into a SpecError)."""


@dataclass(frozen=True)
class Variant:
    """One combination of the varied values, numbered from 1."""

    number: int
    values: tuple[tuple[str, object], ...]

    @property
    def label(self) -> str:
        return f"variant {self.number}"

    def settings(self) -> str:
        """`side 24, kernel 5, padding VALID`: what this variant sets."""
        return ", ".join(f"{name} {value}" for name, value in self.values)


@dataclass(frozen=True)
class Family:
    salt: str
    configuration: str
    vary: tuple[tuple[str, tuple], ...]
    group: str
    variants: tuple[Variant, ...]
    #: the configurations built (directly or not) from the varied one
    followers: frozenset[str] = frozenset()
    other_variant_sheets: str = OTHER_VARIANT_POLICIES[0]

    def variant(self, number: int) -> Variant:
        if not 1 <= number <= len(self.variants):
            raise FamilyError(f"there is no variant {number}: the family has variants 1 to "
                              f"{len(self.variants)}")
        return self.variants[number - 1]

    def variant_for(self, email: str) -> Variant:
        """The variant of the student with this email (see submitter.variant_index)."""
        return self.variants[variant_index(self.salt, email, len(self.variants))]

    def applied(self, raw: dict, variant: Variant) -> dict:
        """A copy of the spec's raw mapping with the variant's values set in
        its configuration (the more specific fields a value stands for removed)."""
        changed = copy.deepcopy(raw)
        entry = changed["configurations"][self.configuration]
        for name, value in variant.values:
            for specific in VARIABLE_FIELDS[name]:
                entry.pop(specific, None)
            entry[name] = value
        return changed


def read_family(raw: dict) -> Family | None:
    """The family a spec's raw mapping declares, checked; None without one."""
    entry = raw.get("family")
    if entry is None:
        return None
    if not isinstance(entry, dict):
        raise FamilyError("family must be a mapping with salt and vary")
    unknown = set(entry) - FAMILY_FIELDS
    if unknown:
        raise FamilyError(f"family: unknown fields {sorted(map(str, unknown))} "
                          f"(known: {', '.join(sorted(FAMILY_FIELDS))})")
    salt = entry.get("salt")
    if not isinstance(salt, str) or not salt.strip():
        raise FamilyError("family needs a salt: a text of the course's own (change it every "
                          "term), so that another course's draw does not predict this one's")
    configuration = str(entry.get("configuration", "base"))
    configurations = raw.get("configurations")
    if not isinstance(configurations, dict) or not isinstance(configurations.get(configuration), dict):
        raise FamilyError(f"family varies configuration {configuration!r}, which is not defined")
    group = entry.get("group", GROUP_RULES[0])
    if group not in GROUP_RULES:
        raise FamilyError(f"family: group {group!r} is not one of {GROUP_RULES}")
    policy = entry.get("other_variant_sheets", OTHER_VARIANT_POLICIES[0])
    if policy not in OTHER_VARIANT_POLICIES:
        raise FamilyError(f"family: other_variant_sheets {policy!r} is not one of "
                          f"{OTHER_VARIANT_POLICIES}")
    vary = _vary(entry.get("vary"))
    followers = _refuse_fixed_followers(configurations, configuration, vary)
    combinations = list(itertools.product(*(values for _, values in vary)))
    if len(combinations) > MAX_VARIANTS:
        raise FamilyError(f"family has {len(combinations)} variants; at most {MAX_VARIANTS}")
    names = [name for name, _ in vary]
    variants = tuple(Variant(number, tuple(zip(names, values)))
                     for number, values in enumerate(combinations, start=1))
    return Family(salt=salt, configuration=configuration, vary=vary, group=group,
                  variants=variants, followers=frozenset(followers - {configuration}),
                  other_variant_sheets=policy)


def _vary(entry) -> tuple[tuple[str, tuple], ...]:
    if not isinstance(entry, dict) or not entry:
        raise FamilyError("family needs vary: a mapping from a configuration field to its "
                          "allowed values, e.g. side: [24, 28, 32]")
    vary = []
    for name, values in entry.items():
        if name not in VARIABLE_FIELDS:
            raise FamilyError(f"family cannot vary {name!r}; it may vary "
                              f"{', '.join(VARIABLE_FIELDS)}")
        if not isinstance(values, list) or not values:
            raise FamilyError(f"family: vary.{name} must be a list of allowed values")
        if len(set(map(str, values))) != len(values):
            raise FamilyError(f"family: vary.{name} lists a value twice")
        vary.append((name, tuple(values)))
    covered = {specific for name, _ in vary for specific in VARIABLE_FIELDS[name]}
    both = covered & {name for name, _ in vary}
    if both:
        raise FamilyError(f"family varies {sorted(both)} and a field that stands for it")
    return tuple(vary)


def _refuse_fixed_followers(configurations: dict, varied: str, vary) -> set[str]:
    """The configurations built `from` the varied one (directly or not). One
    that fixes a varied field would silently keep the base's old numbers (a
    `doubled` input fixed at 56 while the side varies): refuse it, naming
    the fix."""
    varied_fields = {name for name, _ in vary}
    varied_fields |= {specific for name in list(varied_fields) for specific in VARIABLE_FIELDS[name]}
    followers = {varied}
    for name, entry in configurations.items():
        if not isinstance(entry, dict) or entry.get("from") not in followers:
            continue
        followers.add(name)
        fixed = sorted(set(entry) & varied_fields)
        if fixed:
            hint = (" (write scale: N for an input N times as large)"
                    if set(fixed) & {"side", "height", "width"} else "")
            raise FamilyError(f"configuration {name} is built from {varied} but fixes "
                              f"{', '.join(fixed)}, which the family varies{hint}")
    return followers


def numbers_text(configurations: dict, family: Family, variant: Variant | None) -> str:
    """The numbers a student's questions use, in words, for the top of their
    results and their self-check: the varied configuration, and the input
    sizes of the configurations that follow it."""
    config = configurations[family.configuration]
    channels = "channel" if config.out_channels == 1 else "channels"
    stride = (str(config.stride_h) if config.stride_h == config.stride_w
              else f"{config.stride_h} x {config.stride_w}")
    words = (f"input {config.height} x {config.width} x {config.in_channels}, "
             f"kernel {config.kernel_h} x {config.kernel_w}, stride {stride}, "
             f"{config.padding} padding, {config.out_channels} output {channels}")
    larger = [f"{c.height} x {c.width}" for name, c in configurations.items()
              if name in family.followers
              and (c.height, c.width) != (config.height, config.width)]
    if larger:
        words += f"; the larger inputs are {' and '.join(larger)}"
    which = (f"{variant.label} of {len(family.variants)}" if variant is not None
             else "the spec's base configuration, no student's own variant")
    return f"{words} ({which})"


def insert_in_order(order: list[str], number: str, previous: str | None) -> None:
    """Put an item number that only some variants ask into the order of the
    item numbers: after `previous`, the number before it in its own
    variant, and after its parent's number (2.a.2.1 after 2.a.2) when
    another variant asks that one."""
    at = order.index(previous) + 1 if previous in order else 0
    parent = number.rpartition(".")[0]
    if parent in order:
        at = max(at, order.index(parent) + 1)
    order.insert(at, number)
