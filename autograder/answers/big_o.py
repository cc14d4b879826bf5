"""The Big-O kind: an answer that is a growth rate, read by `big_o_reading`
(`parse`), graded against the proved growth of the count it names
(`grade`): a tight bound earns full credit, a true but loose one partial
credit, a bound too low or a lower bound none, each with the reason.

What the student's size letter means (the image side, or the number of
pixels) is worked out once per sheet (`size_variable`) from the sheet's
declaration or, failing that, from the meaning that fits the answers best;
an answer that declares its own meaning is read with it.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable

from .big_o_reading import parse
from .big_o_terms import GrowthReading, cut
from .big_o_words import SIZE_WORDS, letter_meanings, parse_variable
from .verdict import Letters, Outcome, Reference, Verdict

__all__ = ["BY_REFERENCE", "parse", "grade", "describe", "compare", "size_variable",
           "variable_for", "read_in"]

#: Graded against the proved reference values (see `verdict`).
BY_REFERENCE = True


def describe(reading: GrowthReading) -> str:
    """How the answer was read: 'read as O(N^5 k^3), N = the size letter'."""
    if reading.declared is not None:
        return read_in(reading, reading.declared)
    if reading.size_letter is None:
        return f"read as {reading.shown}, with no letter for the input size"
    return f"read as {reading.shown}, {reading.size_letter} = the size letter"


def compare(reading: GrowthReading, size_exp: Fraction, log_exp: int = 0) -> str:
    """'tight' when the dominant term grows like size^size_exp · log^log_exp,
    'loose' when faster (a true upper bound, not tight: every exponential and
    factorial), 'too_low' when slower. The kernel exponent is not compared:
    see `dominant.kernel_exp`."""
    if reading.beyond_polynomial is not None:
        return "loose"
    student = (reading.dominant.size_exp, reading.dominant.log_exp)
    expected = (Fraction(size_exp), log_exp)
    if student == expected:
        return "tight"
    return "loose" if student > expected else "too_low"


def size_variable(spec, prepared, sheet, read: Callable[[str], GrowthReading] = parse) -> Letters:
    """How the sheet's Big-O letters are read: the meaning of the student's
    size letter as declared, or else the one meaning that fits their
    answers best. Also records whether the other meaning fits their answers
    better than the declared one, which is when "exponents of the other
    variable" is the likely mistake rather than a single wrong answer.

    `read` is the grader's (cached) Big-O parser, so that every answer is read
    once per sheet. A failure here never sinks the sheet: the result then
    says so (`variable` None, `failed` the error) and each Big-O item reports
    an internal error (see `variable_for`)."""
    try:
        return _size_variable(spec, prepared, sheet, read)
    except Exception as error:  # one part's bug must not sink the sheet
        return Letters(variable=None, declared=False, other_fits_better=False,
                       failed=f"{type(error).__name__}: {error}",
                       note="The autograder could not work out what your Big-O letter means (an "
                            "internal error); Big-O answers were not graded. This is not a judgement "
                            "of your answers; please tell course staff.")


def size_variable_inputs(spec, sheet) -> tuple:
    """Every answer `size_variable` reads from a sheet, in a fixed order: its
    result depends on these alone (with the spec and its references), so a
    class regrade works the letters out once per distinct tuple."""
    return (*(sheet.get(item.key) for item in spec.items if item.kind == "big_o"),
            sheet.get(spec.variable_key))


def _size_variable(spec, prepared, sheet, read) -> Letters:
    fits = {variable: 0 for variable in SIZE_WORDS}
    for item in spec.items:
        entry = prepared.item(item.key)
        if item.kind != "big_o" or entry is None or entry.growth is None:
            continue
        try:
            reading = read(sheet.get(item.key) or "")
        except Exception:  # unreadable here; its own item reports why
            continue
        if reading.declared is not None:
            continue  # says what its letter means: no vote on the sheet's letter
        for variable in fits:
            if compare(reading, entry.growth.size_exp_in(variable)) == "tight":
                fits[variable] += 1
    best_fit = "pixels" if fits["pixels"] > fits["side"] else "side"
    declared_text = sheet.get(spec.variable_key)
    declared = parse_variable(declared_text)
    if declared:
        other = "pixels" if declared == "side" else "side"
        return Letters(variable=declared, declared=True, other_fits_better=fits[other] > fits[declared],
                       note=f"Big-O answers were read with your letter meaning {SIZE_WORDS[declared]}, "
                            f"as declared in {spec.variable_key}.")
    by_letter = letter_meanings(declared_text)
    if len(set(by_letter.values())) == 2:
        said = " and ".join(f"{letter} meaning {SIZE_WORDS[meaning]}"
                            for letter, meaning in sorted(by_letter.items()))
        return Letters(variable=best_fit, declared=True, other_fits_better=False,
                       by_letter=tuple(sorted(by_letter.items())),
                       note=f"Big-O answers were read with {said}, as declared in "
                            f"{spec.variable_key}; another letter with the meaning that fits your "
                            "answers best.")
    why = ("could not be understood" if declared_text and declared_text.strip()
           else "was left empty")
    return Letters(variable=best_fit, declared=False, other_fits_better=False,
                   note=f"{spec.variable_key} {why}, so Big-O answers were read with the letter "
                        f"meaning {SIZE_WORDS[best_fit]}: the meaning that fits your answers best.")


def variable_for(reading: GrowthReading, letters: Letters) -> str:
    """What this answer's size letter means: what the answer itself says
    (`O(m^5) in the number of pixels`, H and W), else what the sheet says of
    its letter, else the sheet's variable. Raises when none is known (the
    sheet's could not be worked out)."""
    if reading.declared is not None:
        return reading.declared
    for letter, meaning in letters.by_letter:
        if letter == reading.size_letter:
            return meaning
    if letters.variable is None:
        raise RuntimeError("the sheet's size variable could not be worked out")
    return letters.variable


# -- grade ------------------------------------------------------------------

def read_in(reading: GrowthReading, variable: str) -> str:
    """How the answer was read, with the meaning its size letter was given;
    a meaning the answer declares itself is the one used, and said so."""
    variable = reading.declared or variable
    if reading.size_letter and " and " in reading.size_letter:
        return (f"read as {reading.shown}, with {reading.size_letter} the height and width: each "
                f"is {SIZE_WORDS['side']}, so their product grows like the side squared")
    letter = reading.size_letter or "the size"
    read = f"read as {reading.shown}, with {letter} = {SIZE_WORDS[variable]}"
    if reading.declared is not None:
        read += f", as your answer says ('{cut(reading.declared_by)}')"
    return read


def grade(reading: GrowthReading, reference: Reference) -> Verdict:
    """Tight bound: full credit; a true but loose upper bound: partial (an
    exponential or factorial: the policy's super-polynomial credit); Ω, or a
    bound that is too low: none, each with the reason."""
    policy, growth = reference.policy, reference.growth
    variable = variable_for(reading, reference.letters)
    read = read_in(reading, variable)
    if reading.notation in ("Ω", "ω"):
        return Verdict(0.0, read, "Ω is a lower bound: it says the cost grows at least this "
                       "fast. The question asks for an upper bound, O (or a tight Θ).", Outcome.LOWER_BOUND)
    fit = compare(reading, growth.size_exp_in(variable))
    if fit == "tight" and reading.notation in ("o",):
        return Verdict(0.0, read, "Little-o claims the cost grows strictly slower than this, "
                       "which is not true here; use O or Θ.", Outcome.TOO_LOW)
    if fit == "tight":
        kernel = reading.dominant.kernel_exp
        if kernel < 0:
            return Verdict(policy.kernel_mismatch_credit, read,
                           "Partly right. The growth in the input size is right, but dividing by "
                           "the kernel side k says the count shrinks as the kernel grows, which "
                           "is not how the count depends on k.", Outcome.KERNEL_MISMATCH)
        if kernel not in (0, growth.kernel_exp):
            return Verdict(policy.kernel_mismatch_credit, read,
                           "Partly right. The growth in the input size is right, but the power "
                           "of the kernel side k does not match how the count depends on k.",
                           Outcome.KERNEL_MISMATCH)
        notes = ["Correct."]
        if reading.has_constant_factor or reading.has_lower_order_terms:
            notes.append("Constant factors and lower-order terms do not change a Big-O; "
                         "the usual form leaves them out.")
        return Verdict(1.0, read, " ".join(notes), Outcome.CORRECT)
    other = "pixels" if variable == "side" else "side"
    if (reading.declared is None and reference.letters.other_fits_better
            and compare(reading, growth.size_exp_in(other)) == "tight"):
        return Verdict(policy.variable_mismatch_credit, read,
                       f"Partly right. These exponents fit {SIZE_WORDS[other]}, but you declared "
                       f"your letter to mean {SIZE_WORDS[variable]}. With n = N² pixels, every "
                       "exponent of N halves.", Outcome.VARIABLE_MISMATCH)
    if fit == "loose" and reading.notation == "Θ":
        return Verdict(0.0, read, "Θ claims the bound is tight, but the cost grows more slowly "
                       "than this.", Outcome.LOOSE_THETA)
    if fit == "loose" and reading.beyond_polynomial is not None:
        return Verdict(policy.super_polynomial_credit, read,
                       f"True, but far from tight: {reading.beyond_polynomial} grows faster than "
                       "every power of the input size, and the count grows like a power of it. "
                       "Give the smallest bound that holds.", Outcome.FAR_FROM_TIGHT)
    if fit == "loose":
        return Verdict(policy.loose_credit, read, "True, but not tight: the cost grows more "
                       "slowly than this bound. Give the smallest bound that holds.", Outcome.LOOSE)
    return Verdict(0.0, read, f"Too low: the cost grows faster than this. {reference.item.hint}".strip(),
                   Outcome.TOO_LOW)
