"""Answer kinds: one small module per kind of answer (number, shape, Big-O
growth, ratio, written), each reading student text with the shared, bounded
parser in `expression` and never with eval or a computer-algebra parser.

Every kind module has the interface of `verdict`: `parse(text) -> reading`
(raising `ParseError`), `grade(reading, reference) -> Verdict`, and
`BY_REFERENCE`, whether it is graded against proved reference values (a
written answer is graded by hand). `KINDS` maps a spec's kind name to its
module: the one table of answer kinds.
"""
from autograder.answers import big_o, number, ratio, shape, written
from autograder.answers.errors import ParseError

KINDS = {"number": number, "shape": shape, "big_o": big_o, "ratio": ratio, "written": written}

__all__ = ["KINDS", "ParseError"]
