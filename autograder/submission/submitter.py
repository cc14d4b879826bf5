"""Who submitted, and which variant of a family of numbers that gives them.

A spec with a `family` gives every student their own layer configuration,
drawn from their email and the course's salt. The grader (from Gradescope's
metadata or an export's), the TA's tools and the students' self-check all
draw with this one function, so a student's check.py, their Gradescope
results and the class regrade always agree on their numbers.

Email is the identity because it is the one every party has: Gradescope's
submission metadata lists it, a Gradescope export lists it (an export has no
Gradescope user id), and a student knows it without looking anything up.

Standard library only: this module ships in the students' bundle.
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Optional

#: The rules a spec may state for a group submission: whose email draws the
#: group's variant. "first_email": the alphabetically first member's
#: (normalised) email, which the Gradescope metadata and an export both list.
GROUP_RULES = ("first_email",)
#: Longest email accepted (RFC 5321's path limit); longer text is not an email.
MAX_EMAIL_CHARS = 254


class NotAnEmail(ValueError):
    """The text given as a student's email cannot be one."""


def normalized_email(text: object) -> str:
    """The email as the draw uses it: trimmed and lower-cased, so that
    `Ada@School.edu ` and `ada@school.edu` are the same student."""
    email = str(text if text is not None else "").strip().lower()
    if (not email or len(email) > MAX_EMAIL_CHARS or email.count("@") != 1
            or email.startswith("@") or email.endswith("@")
            or any(character.isspace() for character in email)):
        raise NotAnEmail(f"{_shown(text)} is not an email address (expected name@school.edu)")
    return email


def variant_index(salt: str, email: str, count: int) -> int:
    """The 0-based variant of a family of `count` variants for `email`:
    SHA-256 of the salt and the normalised email, reduced modulo `count`.
    Deterministic (the same student always gets the same numbers), spread
    evenly (SHA-256's output is uniform), and different in every course that
    picks its own salt."""
    if count < 1:
        raise ValueError("a family has at least one variant")
    digest = hashlib.sha256(f"{salt}\n{normalized_email(email)}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def group_email(emails: Iterable[object], rule: str = GROUP_RULES[0]) -> Optional[str]:
    """The email whose variant a group submission is graded against, by the
    spec's rule; None when no member has a usable email."""
    if rule not in GROUP_RULES:
        raise ValueError(f"group rule {rule!r} is not one of {GROUP_RULES}")
    usable = []
    for email in emails:
        try:
            usable.append(normalized_email(email))
        except NotAnEmail:
            continue
    return min(usable) if usable else None


def _shown(text: object) -> str:
    shown = " ".join(str(text).split())
    return repr(shown[:60] + ("..." if len(shown) > 60 else ""))
