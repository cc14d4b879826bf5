"""The one error every answer kind raises when it cannot read an answer.

Messages are for students: plain English that names what was read and what
went wrong, never a stack trace. A `hint` (optional) says how to write the
answer so that it can be read.
"""
from __future__ import annotations


class ParseError(ValueError):
    """An answer that could not be read; `message` and `hint` are for the student."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


class NotANumber(ParseError):
    """The answer is math with letters or growth notation (`2m`, `O(N^5)`), so
    it is not a number but may still be read as a growth rate."""


class HedgedAnswer(ParseError):
    """The answer offers more than one value (`12 or 15`, `either 20x20 or
    18x18`, `12 (or 15)`): it is graded as neither, and the grader labels the
    outcome "hedged" so course staff see it in the class report."""
