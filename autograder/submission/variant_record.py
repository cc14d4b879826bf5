"""The variant an answer sheet records: `variant: 7` at the top of a
student's own sheet (autograder/assignment/sheet_templates.py writes it).

The self-check reads it to check a sheet against the numbers it was written
for and to notice a sheet filled for someone else's; the grader reads it to
warn when a submission was. One reading for both, so that they agree.

Standard library only: this module ships in the students' bundle.
"""
from __future__ import annotations

import re
from typing import Optional

#: How a sheet records its variant: `7`, `07` or `variant 7` (any case).
RECORDED_VARIANT = re.compile(r"(?:variant\s*)?0*(\d{1,4})", re.IGNORECASE)


def recorded_variant(text: Optional[str]) -> Optional[int]:
    """The variant number `text` (the sheet's `variant:` value) records, or
    None when it records none a reader can take as a number: blank, or
    anything else (`my variant`, `7, 8`)."""
    if text is None:
        return None
    match = RECORDED_VARIANT.fullmatch(text.strip())
    return int(match.group(1)) if match else None
