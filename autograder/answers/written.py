"""Written answers: graded by hand on Gradescope. The autograder only says
whether an answer is there and how its length compares with the sentence
count the homework asks for, so students can fix an empty or truncated blank."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .verdict import Outcome, Reference, Verdict

#: Graded by hand: no reference value (see `verdict`).
BY_REFERENCE = False

# A sentence ends at . ! or ? followed by whitespace or the end, but not
# inside numbers ("3.5") or common abbreviations ("e.g.", "i.e.").
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|approx|fig|eq)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def count_sentences(text: str) -> int:
    """Sentences in `text`; a last fragment without a full stop counts too."""
    body = _ABBREVIATIONS.sub("abbr", text.strip())
    if not body:
        return 0
    pieces = [p for p in _SENTENCE_END.split(body) if p.strip()]
    return len(pieces)


@dataclass(frozen=True)
class WrittenReading:
    sentences: int
    words: int


def parse(text: str) -> WrittenReading:
    """A written answer is read for its length only; its content is graded by hand."""
    return WrittenReading(count_sentences(text), len(text.split()))


def describe(reading: WrittenReading) -> str:
    sentences, words = reading.sentences, reading.words
    return f"{sentences} sentence{'s' * (sentences != 1)}, {words} word{'s' * (words != 1)}"


def grade(reading: WrittenReading, reference: Reference) -> Verdict:
    """No points either way: a note for the student and for the grader."""
    read = describe(reading)
    if reference.item.sentences:
        low, high = reference.item.sentences
        if reading.sentences < low:
            note = f"The question asks for {low}-{high} sentences; this looks short."
        elif reading.sentences > high:
            note = f"The question asks for {low}-{high} sentences; this is longer than asked."
        else:
            note = f"Within the {low}-{high} sentences asked."
        return Verdict(0.0, read, f"Answered. {note} Graded by hand.", Outcome.ANSWERED)
    return Verdict(0.0, read, "Answered. Graded by hand.", Outcome.ANSWERED)
