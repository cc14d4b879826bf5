"""How a Big-O answer is read, and refused, as a careful TA would: every part
of the text is read with its meaning or the answer is refused with a message
naming the part not understood (issue 9).

Tables: accepted forms (text -> growth read, letter and meaning used),
refused forms (text -> words of the message), and graded sheets end to end
through `autograder.grading.pipeline.grade_sheet`, where a meaning declared inside an
answer overrides the sheet's declared variable.
"""
from __future__ import annotations

import dataclasses
import string
from fractions import Fraction

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.grading import pipeline as grading
from autograder.answers import big_o, big_o_terms, big_o_words
from autograder.answers.errors import ParseError
from autograder.answers.verdict import Letters
from autograder.assignment.prepared import load_or_prepare
from autograder.submission.sheet import load_sheet
from autograder.assignment.spec import BigOPolicy, SpecError, load_spec
from conftest import set_answer, solved_answers

# ----------------------------------------------------------------------------
# Accepted forms: (text, size exponent, log exponent, beyond polynomial,
# size letter, meaning declared in the answer)

ACCEPTED = [
    # math after the closing bracket belongs to the growth rate
    ("O(N)^2", 2, 0, None, "N", None),
    ("O(N)**2", 2, 0, None, "N", None),
    ("O(N^2)/k", 2, 0, None, "N", None),           # kernel power -1: see the grading table
    ("O(N^2) * k^2", 2, 0, None, "N", None),
    ("O(N^2) + N", 2, 0, None, "N", None),
    ("O(N^2) time", 2, 0, None, "N", None),         # a harmless remark
    ("O(N^2) (tight bound)", 2, 0, None, "N", None),
    ("O(N^2).", 2, 0, None, "N", None),
    ("O(N^2) as N -> ∞", 2, 0, None, "N", None),    # the limit Big-O is about
    ("n as n -> ∞", 1, 0, None, "n", None),
    ("O(N^2), for fixed k", 2, 0, None, "N", None),
    # work before '=' that agrees, a label before '='
    ("9N^2 + 3N = O(N^2)", 2, 0, None, "N", None),
    ("O(N^2 + N) = O(N^2)", 2, 0, None, "N", None),
    ("Answer = O(N^2)", 2, 0, None, "N", None),
    ("~O(N^2)", 2, 0, None, "N", None),
    ("about O(N^2)", 2, 0, None, "N", None),
    ("Big O: N^2", 2, 0, None, "N", None),
    ("O(N^2) - quadratic", 2, 0, None, "N", None),  # a dash before words is no minus
    ("O(N^2) - N", 2, 0, None, "N", None),          # ... before math it is
    ("O(N^3) - N^2", 3, 0, None, "N", None),
    # square and curly brackets
    ("O[N^2]", 2, 0, None, "N", None),
    ("Θ{N^2}", 2, 0, None, "N", None),
    ("O(N^2) (ignoring channels)", 2, 0, None, "N", None),
    ("O(N^2) (ignoring lower order terms)", 2, 0, None, "N", None),   # 'lower' alone is no bound
    ("O(N^2) (lower-order terms dropped)", 2, 0, None, "N", None),
    ("upper bounded by N^2", 2, 0, None, "N", None),
    ("O(N^2) in the worst case", 2, 0, None, "N", None),
    ("O(N^2) assuming k is constant", 2, 0, None, "N", None),
    ("O(N^2), quadratic", 2, 0, None, "N", None),   # a restatement that agrees
    ("n^2 (quadratic)", 2, 0, None, "n", None),
    # powers in words are the powers they name
    ("n to the power of 6", 6, 0, None, "n", None),
    ("N to the 6th", 6, 0, None, "N", None),
    ("N to the sixth power", 6, 0, None, "N", None),
    ("N raised to the 6th power", 6, 0, None, "N", None),
    ("O(N to the 4th)", 4, 0, None, "N", None),
    ("the square of N", 2, 0, None, "N", None),
    ("grows with the square of N", 2, 0, None, "N", None),
    ("proportional to the cube of N", 3, 0, None, "N", None),
    # a letter before the growth rate that names it or holds k fixed
    ("size N: N^2", 2, 0, None, "N", None),
    ("N: O(N^2)", 2, 0, None, "N", None),
    ("k fixed: O(N^2)", 2, 0, None, "N", None),
    ("for a fixed k we get O(N^2)", 2, 0, None, "N", None),
    ("fixed k we get O(N^2)", 2, 0, None, "N", None),
    ("k held constant, O(N^2)", 2, 0, None, "N", None),
    ("half of N^2", 2, 0, None, "N", None),          # a constant factor changes nothing
    ("O(N^2), k = 3", 2, 0, None, "N", None),        # the kernel side's value: k is fixed
    ("for kernel size k, O(N^2)", 2, 0, None, "N", None),   # words that say k is the kernel
    ("Standard conv (k x k kernel): O(N^2)", 2, 0, None, "N", None),
    ("With a k x k kernel, O(N^2 k^2)", 2, 0, None, "N", None),
    ("for one channel, O(N^2)", 2, 0, None, "N", None),      # a number word counting a thing
    ("for one output channel, O(N^2)", 2, 0, None, "N", None),
    ("for one input channel, O(N^2)", 2, 0, None, "N", None),
    ("O(N^2) (one output channel)", 2, 0, None, "N", None),
    # what else is held fixed, and why
    ("O(N^2) since k is fixed", 2, 0, None, "N", None),
    ("O(N^2) because the kernel size is fixed", 2, 0, None, "N", None),
    ("O(N^2), assuming k and the channels are constant", 2, 0, None, "N", None),
    ("O(N^2) (k, C constant)", 2, 0, None, "N", None),
    ("O(N^2), C_in and C_out fixed", 2, 0, None, "N", None),
    # a restatement as a label, or after an arrow or a double dash
    ("Quadratic: O(N^2)", 2, 0, None, "N", None),
    ("O(N^2) -- quadratic", 2, 0, None, "N", None),
    ("O(N^2) → quadratic", 2, 0, None, "N", None),
    ("O(N^2) -> quadratic", 2, 0, None, "N", None),
    ("O(N^2) => quadratic", 2, 0, None, "N", None),
    ("O(N^2) -- N", 2, 0, None, "N", None),          # ... a double minus before math
    ("O(N) -- N^3", 3, 0, None, "N", None),
    ("\\(O(N^2 k^2)\\)", 2, 0, None, "N", None),     # LaTeX's inline math
    # an x between two operands is a cross, unless the answer uses the letter x
    ("O(N x N)", 2, 0, None, "N", None),
    ("O(NxN)", 2, 0, None, "N", None),
    ("O(kxk x NxN)", 2, 0, None, "N", None),
    ("O(N x log N)", 1, 1, None, "N", None),
    ("O(HxW)", 2, 0, None, "H and W", "side"),
    ("O(hxw)", 2, 0, None, "h and w", "side"),
    ("O(N X N)", 2, 0, None, "N", None),
    ("O(x x)", 2, 0, None, "x", None),
    # two letters equal with powers a factor of two apart: the side and the pixel count
    ("O(N^2) = O(n)", 1, 0, None, "n", "pixels"),
    ("O(N^4) = O(n^2)", 2, 0, None, "n", "pixels"),
    ("O(N^2 log N) = O(n log n)", 1, 1, None, "n", "pixels"),
    ("9N^2 + N = O(N^2) = O(n)", 1, 0, None, "n", "pixels"),
    ("O(n^2) = O(N)", 1, 0, None, "N", "pixels"),    # whatever the case of the letters
    ("O(n) = O(N^2)", 2, 0, None, "N", "side"),
    ("O(N) = O(sqrt(n))", Fraction(1, 2), 0, None, "n", "pixels"),
    ("O(sqrt(n)) = O(N)", 1, 0, None, "N", "side"),
    ("O(N^2) where N is the side length = O(n)", 1, 0, None, "n", "pixels"),
    ("O(n) where n is the number of pixels = O(N^2)", 2, 0, None, "N", "side"),
    ("O(xx)", 2, 0, None, "x", None),
    ("O(N^2) with k=3", 2, 0, None, "N", None),
    ("O(N^2) where N = 28", 2, 0, None, "N", None),    # a value of the size: no meaning said
    ("O(N^2) for both", 2, 0, None, "N", None),        # which layers it is about
    ("O(N^2) (same as non-weight-sharing)", 2, 0, None, "N", None),
    ("O(N^2) for standard conv", 2, 0, None, "N", None),
    # what doubling the size does, which must agree
    ("O(N^2), quadruples when N doubles", 2, 0, None, "N", None),
    ("O(N^4): 16x when N doubles", 4, 0, None, "N", None),
    ("O(N^2) (4x per doubling)", 2, 0, None, "N", None),
    ("O(N^2), it grows by a factor of 4 when N is doubled", 2, 0, None, "N", None),
    ("O(N^2 k^2), x4 per doubling of N", 2, 0, None, "N", None),
    ("O(n), 2x when the image size doubles", 1, 0, None, "n", None),
    ("cubic, 8x per doubling", 3, 0, None, None, None),
    # the channel counts in the math are constant factors
    ("O(C_in C_out k^2 N^2)", 2, 0, None, "N", None),
    ("O(N^2 * k^2 * c_in * c_out)", 2, 0, None, "N", None),
    ("O(N^2 k^2 Cin Cout)", 2, 0, None, "N", None),
    ("O(N^2 k^2 C_{in} C_{out})", 2, 0, None, "N", None),
    ("O(N^2/C_out)", 2, 0, None, "N", None),
    ("O(C_in)", 0, 0, None, None, None),
    ("N^2 Cin", 2, 0, None, "N", None),              # math before it
    ("Cin N^2", 2, 0, None, "N", None),              # math after it
    ("Cin*N^2", 2, 0, None, "N", None),              # ... never '1**N^2'
    ("Cin^2 N^2", 2, 0, None, "N", None),
    ("Cin channels: O(N^2)", 2, 0, None, "N", None),  # words: a label, not a factor
    # brackets around the growth rate itself
    ("quadratic (O(N^2))", 2, 0, None, "N", None),
    ("quadratic [O(N^2)]", 2, 0, None, "N", None),
    ("(O(N^2))", 2, 0, None, "N", None),
    # a reason in words: each, every and per explain there
    ("O(N^4), since every output connects to every input", 4, 0, None, "N", None),
    ("O(N^2) since each output needs one product per weight", 2, 0, None, "N", None),
    ("O(N^2) because it is quadratic", 2, 0, None, "N", None),    # a reason that agrees
    # exponentials and factorials: faster than every power
    ("n!", None, None, "a factorial", "n", None),
    ("O(n!)", None, None, "a factorial", "n", None),
    ("O((n+1)!)", None, None, "a factorial", "n", None),
    ("n factorial", None, None, "a factorial", "n", None),
    ("O(2^n)", None, None, "an exponential", "n", None),
    ("O(n^n)", None, None, "an exponential", "n", None),
    ("e^n", None, None, "an exponential", "n", None),
    ("O(exp(n))", None, None, "an exponential", "n", None),
    ("O(2^(n^2))", None, None, "an exponential", "n", None),
    ("O(2^n n^3 + n^5)", None, None, "an exponential", "n", None),
    ("O(2^n - n)", None, None, "an exponential", "n", None),
    ("exponential", None, None, "an exponential", None, None),
    # e is Euler's number wherever it is raised to a power, however deep
    ("O(e^n + n^2)", None, None, "an exponential", "n", None),
    ("O((e^n)^2)", None, None, "an exponential", "n", None),
    ("O(2^(e^n))", None, None, "an exponential", "n", None),
    ("O(sqrt(e^n))", None, None, "an exponential", "n", None),
    ("O(e^2)", 2, 0, None, "e", None),          # ... and alone, e is the size letter
    # a power or factorial of a fraction of the size still grows
    ("O(2^(n/2))", None, None, "an exponential", "n", None),
    ("O((n/2)!)", None, None, "a factorial", "n", None),
    ("O((2^n)^(1/2))", None, None, "an exponential", "n", None),  # any positive power of one
    ("O(exp(n^2))", None, None, "an exponential", "n", None),
    ("O(2^n n/2)", None, None, "an exponential", "n", None),      # times a positive fraction
    ("2^n = O(2^n)", None, None, "an exponential", "n", None),    # work that agrees
    # growth in words
    ("quadratic", 2, 0, None, None, None),
    ("Quadratic.", 2, 0, None, None, None),
    ("quadratic in N", 2, 0, None, "N", None),
    ("it grows quadratically", 2, 0, None, None, None),
    ("grows quadratically with N", 2, 0, None, "N", None),
    ("n squared", 2, 0, None, "n", None),
    ("N cubed", 3, 0, None, "N", None),
    ("linear", 1, 0, None, None, None),
    ("linear in the number of pixels", 1, 0, None, None, "pixels"),
    ("linear time", 1, 0, None, None, None),
    ("cubic", 3, 0, None, None, None),
    ("quartic", 4, 0, None, None, None),
    ("quintic", 5, 0, None, None, None),
    ("sextic", 6, 0, None, None, None),
    ("constant", 0, 0, None, None, None),
    ("it is constant", 0, 0, None, None, None),
    ("grows linearly with n", 1, 0, None, "n", None),
    ("grows exponentially", None, None, "an exponential", None, None),
    # 'constant' of a factor, or of k, is no growth
    ("O(N^2) ignoring constant factors", 2, 0, None, "N", None),
    ("k constant: O(N^2)", 2, 0, None, "N", None),
    ("logarithmic", 0, 1, None, None, None),
    ("O(n squared)", 2, 0, None, "n", None),
    ("big O of n squared", 2, 0, None, "n", None),
    ("grows like N^2", 2, 0, None, "N", None),
    # a variable declared inside the answer
    ("O(n) in the number of pixels", 1, 0, None, "n", "pixels"),
    ("O(n) in terms of the number of pixels", 1, 0, None, "n", "pixels"),
    ("O(N^2) where N is the side length", 2, 0, None, "N", "side"),
    ("O(N^2) where N is the image width", 2, 0, None, "N", "side"),
    ("O(n^2), n = number of pixels", 2, 0, None, "n", "pixels"),
    ("O(n^2) (n = H*W)", 2, 0, None, "n", "pixels"),
    ("O(N^2) for an N x N image", 2, 0, None, "N", "side"),
    ("O(N^2) for an NxN image", 2, 0, None, "N", "side"),
    ("O(N^2), where N is the input width/height", 2, 0, None, "N", "side"),
    ("O(N^2) where N is the height or width", 2, 0, None, "N", "side"),
    ("O(n) where n = N^2 is the number of pixels", 1, 0, None, "n", "pixels"),
    ("O(N^2) (N = image side)", 2, 0, None, "N", "side"),
    ("If n is the number of pixels, O(n)", 1, 0, None, "n", "pixels"),
    ("with n = number of pixels, O(n)", 1, 0, None, "n", "pixels"),
    ("O(N^2) with N the side length and k fixed", 2, 0, None, "N", "side"),
    ("O(N^2) in the input size", 2, 0, None, "N", None),      # says no more than the letter
    ("O(n) in total", 1, 0, None, "n", None),                 # 'total' is a remark here
    ("O(HW)", 2, 0, None, "H and W", "side"),
    ("O(hw)", 2, 0, None, "h and w", "side"),
    ("O(h W)", 2, 0, None, "h and W", "side"),      # height first, whatever the case
    ("O(H^2 W^2)", 4, 0, None, "H and W", "side"),
    ("O(H*W*k^2)", 2, 0, None, "H and W", "side"),
    ("O(H*W*k^2) with k the kernel size", 2, 0, None, "H and W", "side"),
    ("O(H W) where H, W are the height and width", 2, 0, None, "H and W", "side"),
    ("O(H W) = H*W", 2, 0, None, "H and W", "side"),  # a restatement with the same two letters
    ("O(HW) (H*W)", 2, 0, None, "H and W", "side"),
    ("quadratic in the number of pixels n", 2, 0, None, "n", "pixels"),
    ("linear in pixels n", 1, 0, None, "n", "pixels"),
    ("O(N^2) in the input data", 2, 0, None, "N", None),       # neutral words: no meaning
    ("O(X^2) where X is the side length", 2, 0, None, "X", "side"),  # X: a letter, no bracket
    # marks and words around the growth rate
    (": O(N^2)", 2, 0, None, "N", None),
    ("~ =: O(N^2)", 2, 0, None, "N", None),                     # every leading mark at once
    ("O(N^2) time: tight", 2, 0, None, "N", None),
    ("O(N^2) for large N", 2, 0, None, "N", None),               # the growth rate's own letter
    ("O(N^2) (N*(N+1))", 2, 0, None, "N", None),                 # brackets inside a restatement
    ("quadratic ( O(N^2) ) time", 2, 0, None, "N", None),        # spaces inside the brackets
    # a reason that holds no size letter fixed
    ("O(N^2) since the weights are fixed", 2, 0, None, "N", None),
    ("O(HW) since the weights are fixed and shared", 2, 0, None, "H and W", "side"),
]


@pytest.mark.parametrize("text, size_exp, log_exp, beyond, letter, declared", ACCEPTED)
def test_accepted_forms(text, size_exp, log_exp, beyond, letter, declared):
    reading = big_o.parse(text)
    assert reading.beyond_polynomial == beyond
    if beyond is None:
        assert (reading.dominant.size_exp, reading.dominant.log_exp) == (size_exp, log_exp)
        assert reading.dominant.coefficient > 0
    else:
        assert reading.terms == ()
        assert big_o.compare(reading, Fraction(100)) == "loose"  # above every power
    assert reading.size_letter == letter
    assert reading.declared == declared


@pytest.mark.parametrize("text, coefficient", [
    ("Cin 256 N^2", 256), ("N^2 Cin 256", 256), ("O(256 C_in C_out N^2)", 256)])
def test_a_channel_count_is_a_factor_of_one_never_a_digit(text, coefficient):
    """`Cin 256` is 1 * 256, never the number 1 256."""
    assert big_o.parse(text).dominant.coefficient == coefficient


@pytest.mark.parametrize("text, kernel_exp", [
    ("O(N^2)/k", -1), ("O(N^2) * k^2", 2), ("O(N)^2 k", 1), ("O(N^2) k", 1), ("O(H*W*k^2)", 2),
    ("O(N^2 k K)", 2)])  # k and K both name the kernel side
def test_math_after_the_bracket_reaches_the_kernel_power(text, kernel_exp):
    assert big_o.parse(text).dominant.kernel_exp == kernel_exp


# ----------------------------------------------------------------------------
# Refused forms: (text, words of the message)

REFUSED = [
    # a negative growth
    ("-n^2", ["negative"]),
    ("O(-n^2)", ["negative"]),
    ("O(N^2), -N^2", ["negative"]),       # a restatement keeps its minus; a spaced dash is none
    ("O(n - n^3)", ["negative"]),
    ("O(-2^n)", ["negative"]),
    ("O(n - 2^n)", ["subtracts an exponential"]),
    # infinity is no growth, never o²
    ("0(N^2)", ["the digit 0, not the letter O"]),   # a typo, with a hint that names it
    ("0 (N^2)", ["the digit 0, not the letter O"]),
    ("oo", ["'oo' means infinity"]),
    ("O(oo)", ["'oo' means infinity"]),
    ("∞", ["'∞' means infinity"]),
    ("O(∞)", ["infinity"]),
    ("O(infinity)", ["infinity"]),
    # exponentials and factorials that cannot be ranked or do not grow
    ("O(n / 2^n)", ["divides by an exponential"]),
    ("O(log(n!))", ["log of a factorial"]),
    ("O(2^(log n))", ["does not grow like a positive power"]),
    ("O((1/2)^n)", ["does not grow", "not more than 1"]),
    ("O(1^n)", ["not more than 1"]),
    ("O(k^n)", ["base k is more than 1"]),
    ("O(n)!", ["'!' right after the brackets"]),
    ("N^2!", ["factorial of something that is not the input size"]),
    ("O(3! n)", ["factorial of something that is not the input size"]),
    ("polynomial", ["does not say which power"]),
    # anything after O(...) that is not a harmless remark
    ("O(N^2) foo", ["goes on after the growth rate", "'foo'"]),
    ("O(N^2) per channel", ["per channel"]),
    ("O(N^2) maybe", ["maybe"]),
    ("O(N^2)?", ["'?'"]),
    ("O(N^2) since each output pixel needs k^2", ["the reason", "holds math"]),
    ("O(N^2) + O(N)", ["more than one growth rate"]),
    ("O(N^2) or O(N^4)", ["more than one growth rate"]),
    ("O(N) = O(N^2)", ["two different growth rates"]),
    ("N^4 = O(N^2)", ["two different growth rates"]),
    ("O(1) = O(2^n)", ["two different growth rates", "'O(1)' and 'O(2^n)'"]),
    ("n! = O(2^n)", ["two different growth rates", "'n!' and 'O(2^n)'"]),
    ("N^2 = O(N^3) = O(N^2)", ["two different growth rates", "'O(N^3)' and 'O(N^2)'"]),
    ("Answer = O(N^4) = O(N^2)", ["two different growth rates"]),  # a label, then work
    ("O(N^2), linear", ["two different growth rates"]),
    ("O(N^2) 9", ["the part '9' is a number, not a growth rate"]),
    ("O(n) in the number of pixels in the kernel", ["could not tell what"]),
    ("O(n) in the number of pixels or", ["could not tell what"]),
    ("O(N^2) *", ["expected a number"]),
    # a restatement, or a step of work, is one growth rate: it says nothing more itself
    ("O(N^2), N^2 quadratic", ["the part 'N^2 quadratic' was not understood"]),
    ("O(N^2), quadratic N^2", ["the part 'quadratic N^2' was not understood"]),
    ("O(N^2 + N) quadratic = O(N^2)", ["'O(N^2 + N) quadratic'", "the part 'quadratic'"]),
    ("quadratic O(N^2 + N) = O(N^2)", ["'quadratic O(N^2 + N)'", "the part 'quadratic'"]),
    ("maybe O(N^2)", ["hedge", "maybe"]),
    # words before the math that would change it are never passed over
    ("square root of N", ["could change it", "'square'"]),
    ("the root of N", ["could change it", "'root'"]),
    ("one over N^2", ["could change it", "'one'"]),
    ("two to the N", ["could change it", "'two'"]),
    ("ten N^2", ["could change it", "'ten'"]),
    ("for one output, O(N^2)", ["could change it", "'one'"]),   # a cost per output
    ("O(N^2) (one output)", ["goes on after the growth rate", "'one'"]),
    ("at least O(N^2)", ["hedge", "'least'"]),            # a lower bound
    ("above O(N^2)", ["hedge", "'above'"]),
    ("below O(N^2)", ["hedge", "'below'"]),
    ("lower bound O(N^2)", ["'lower bound' makes it a lower bound"]),
    ("O(N^2) lower bound", ["'lower bound' makes it a lower bound"]),
    ("O(N^2), lower-bounded", ["'lower-bounded' makes it a lower bound"]),
    ("bounded below by N^2", ["'bounded below by' makes it a lower bound"]),
    ("k x k: O(N^2)", ["two different growth rates"]),   # no word says k is the kernel
    ("for a k x N kernel, O(N^2)", ["'for a k × N kernel' was not understood"]),
    ("Cubic: O(N^2)", ["two different growth rates"]),
    ("O(N^2) → cubic", ["two different growth rates"]),
    ("O(N^2) -> N^3", ["two different growth rates"]),
    ("O(c^2), c constant", ["'c constant' holds the size letter fixed"]),
    ("O(N^2) since N is fixed", ["'since N is fixed' holds the size letter fixed"]),
    ("O(N^2) since I am not sure", ["goes on after the growth rate", "'not'"]),
    ("O(N^2) since it is smaller", ["goes on after the growth rate", "'smaller'"]),
    ("O(N^2) since M grows", ["goes on after the growth rate", "'M'"]),
    ("O(N^2) because it is cubic", ["two different growth rates"]),
    ("O(N^2) since every output needs k^2 products", ["the reason", "holds math"]),
    ("O(N x N) where x is", ["uses N and x as letters"]),     # x is a letter here
    ("O(N x x)", ["uses N and x as letters"]),
    ("O(NxM)", ["uses M, N and x as letters"]),
    ("O(2 x 3)", ["expected ')'"]),    # no other letter: x stays a letter, never a cross
    ("O(N^2) = O(n^3)", ["two different growth rates"]),
    ("O(1) = O(n)", ["two different growth rates"]),
    ("O(n) = O(1)", ["two different growth rates"]),
    ("O(HW) = O(n)", ["two different growth rates"]),            # the pair is the side already
    ("O(N) = O(2^n)", ["two different growth rates"]),
    ("O(2^N) = O(n)", ["two different growth rates"]),
    ("O(N^2), doubles when N doubles", ["two different growth rates", "'doubles when N doubles'"]),
    ("O(N^2), 8x when N doubles", ["two different growth rates"]),
    ("O(N^(3/2)), 3x when N doubles", ["two different growth rates"]),
    ("O(N^2), 4x when M doubles", ["'4x when M doubles' doubles M, but the growth rate uses N"]),
    ("O(2^N), 4x when N doubles", ["the part '4x when N doubles' was not understood"]),
    ("O(HW), 4x when the side doubles", ["the part '4x when the side doubles' was not understood"]),
    ("cubic (O(N^2))", ["two different growth rates"]),
    ("O(N^2) for Cin channels", ["goes on after the growth rate", "'Cin'"]),  # in words
    ("O(N^2 k^2 C)", ["uses C and N as letters"]),     # a lone C may be a size letter
    ("((O(N^2)))", ["never closed"]),
    ("O(N^2) = O(n k^2)", ["two different growth rates"]),      # the kernel power differs
    ("O(N^2) = O(n log n)", ["two different growth rates"]),
    ("O(N^2) = O(n) where n is the side length", ["two different growth rates"]),
    ("O(N^2) where N is the number of pixels = O(n)", ["two different growth rates"]),
    ("O(N) = O(n^2) = O(N^4)", ["two different growth rates"]),   # n cannot be both
    ("O(N^4) = O(m) = O(n^2)", ["two different growth rates"]),   # n is the pixels, then the side
    ("inverse of N^2", ["could change it", "'inverse'"]),
    ("N times N", ["could change it", "'N'"]),
    ("k times N^2", ["could change it", "'k'"]),
    ("N over k", ["could change it", "'N'"]),
    ("e to the N", ["could change it", "'e'"]),
    ("for N pixels, O(N)", ["could change it", "'N'"]),
    ("size N, O(N^2)", ["could change it", "'N'"]),      # a letter that ends the words
    ("for fixed N, O(k^2)", ["could change it", "'N'"]),  # only the kernel side is held fixed
    ("either O(N^2)", ["hedge", "either"]),
    # declarations that do not fit
    ("O(N^2) where n is the number of pixels", ["says what n means", "uses N"]),
    ("O(N^2) where N is the number of channels", ["could not tell", "number of channels"]),
    ("O(N^2 k^2) where k is the number of pixels", ["k is read as the kernel side"]),
    ("O(N^2), k = 0", ["k is read as the kernel side"]),
    ("O(N^2) where M = 28", ["says what M means", "uses N"]),
    ("O(N^2) where N = 0", ["could not tell what '0' means"]),
    ("O(N^2), k = n", ["k is read as the kernel side"]),
    ("O(N^2) where N is the side length and the number of pixels",
     ["could not tell"]),
    ("O(N^2), N = side length, N = number of pixels", ["both"]),
    ("O(H W) where H and W are the number of pixels", ["could not tell what H and W mean"]),
    ("O(H W N)", ["uses H, N and W as letters"]),
]


@pytest.mark.parametrize("text, words", REFUSED)
def test_refused_forms(text, words):
    with pytest.raises(ParseError) as caught:
        big_o.parse(text)
    for word in words:
        assert word in caught.value.message, caught.value.message


_TWO_RATES = ("it says two different growth rates, 'N^4' and 'O(N^2)'",
              "give the one answer you mean")
_GOES_ON = "write only the growth rate here; explanations go in the written parts"


@pytest.mark.parametrize("text, message, hint", [
    ("weights", "could not read 'weights' as a growth rate: there is no growth rate in it",
     "write it like O(N^5) or O(n^5 k^3), with one letter for the input size and k for the "
     "kernel side"),
    ("O(N^2)!", "could not read 'O(N^2)!' as a growth rate: it has a '!' right after the brackets "
     "of the growth rate",
     "write a factorial inside the brackets, like O(m!), or leave the '!' out"),
    ("N^2 = O(N^3) = O(N^2)", "could not read 'N^2 = O(N^3) = O(N^2)' as a growth rate: it says "
     "two different growth rates, 'O(N^3)' and 'O(N^2)'", "give the one answer you mean"),
    # work before the answer, after any of the marks that lead to it
    *[(f"N^4 {mark} O(N^2)",
       f"could not read 'N^4 {mark} O(N^2)' as a growth rate: {_TWO_RATES[0]}", _TWO_RATES[1])
      for mark in ("=", "~", "→", "⇒", "≡", "->", "=>")],
    # a number beside a growth rate restates no growth, even where a constant agrees
    ("5000 = O(1)", "could not read '5000 = O(1)' as a growth rate: the part '5000' is a number, "
     "not a growth rate", "give the one answer you mean"),
    ("O(1), 5000", "could not read 'O(1), 5000' as a growth rate: the part '5000' is a number, "
     "not a growth rate", "give the one answer you mean"),
    # a zero typed for the O
    ("0(N^2)", "could not read '0(N^2)' as a growth rate: it starts with the digit 0, not the "
     "letter O", "write the growth rate with the letter O, like O(N^5)"),
    # a mark that leads to no answer
    ("N^2 =: O(N^2)", "could not read 'N^2 =: O(N^2)' as a growth rate: the part 'N^2 =:' was "
     "not understood (the part '=:' was not understood)", _GOES_ON),
    ("N^4 > O(N^2)", "could not read 'N^4 > O(N^2)' as a growth rate: the part 'N^4 >' was not "
     "understood (the part '>' was not understood)", _GOES_ON),
    # what a restatement does not say right is told without its quote, which may hold a ': '
    ("O(N^2), note: N^3 foo", "could not read 'O(N^2), note: N^3 foo' as a growth rate: the part "
     "'note: N^3 foo' was not understood (it goes on after the growth rate with 'foo', which was "
     "not understood ('foo'))", _GOES_ON),
    ("O(N^2), 2 - N^3", "could not read 'O(N^2), 2 - N^3' as a growth rate: the part '2 - N^3' "
     "was not understood (it is negative as the input size grows (-N^3 + 2): a count is never "
     "negative, and neither is how it grows)", _GOES_ON),
    # a bound named in words must be the growth rate's own, and only one
    ("Omega: O(N^2)", "could not read 'Omega: O(N^2)' as a growth rate: the words before it name "
     "Ω, but the growth rate is O(N^2)", "give the one answer you mean"),
    ("Theta Omega N^2", "could not read 'Theta Omega N^2' as a growth rate: the words before the "
     "growth rate ('Theta Omega') name two bounds, Θ and Ω", "give the one answer you mean"),
    ("at least N^2", "could not read 'at least N^2' as a growth rate: the words before the growth "
     "rate ('at least') hedge or change it ('least')", "give the one answer you mean"),
    # a piece of the answer is quoted as a growth rate too
    ("N^2 foo = O(N^2)", "could not read 'N^2 foo' as a growth rate: it goes on after the growth "
     "rate with 'foo', which was not understood ('foo')", _GOES_ON),
    ("N^2 = O(N^2) foo", "could not read 'O(N^2) foo' as a growth rate: it goes on after the "
     "growth rate with 'foo', which was not understood ('foo')", _GOES_ON),
    ("O(N^2) foo as N -> ∞", "could not read 'O(N^2) foo' as a growth rate: it goes on after the "
     "growth rate with 'foo', which was not understood ('foo')", _GOES_ON),
    ("O(N^2) foo , as N -> ∞", "could not read 'O(N^2) foo' as a growth rate: it goes on after "
     "the growth rate with 'foo', which was not understood ('foo')", _GOES_ON),
    ("O(N^2) + O(N)", "could not read 'O(N^2) + O(N)' as a growth rate: it has more than one "
     "growth rate; give the one answer you mean", _GOES_ON),
    # the words quoted are cut after 40 characters (40 and 41 here)
    ("O(N^2) unless each output pixel is two products", "could not read 'O(N^2) unless each "
     "output pixel is two products' as a growth rate: it goes on after the growth rate with "
     "'unless each output pixel is two products', which was not understood ('unless')", _GOES_ON),
    ("O(N^2) unless every output pixel is a dot product", "could not read 'O(N^2) unless every "
     "output pixel is a dot product' as a growth rate: it goes on after the growth rate with "
     "'unless every output pixel is a dot prod…', which was not understood ('unless')", _GOES_ON),
])
def test_refused_with_exactly_this_message(text, message, hint):
    with pytest.raises(ParseError) as caught:
        big_o.parse(text)
    assert (caught.value.message, caught.value.hint) == (message, hint)


def _growth_refusal(text: str, why: str) -> tuple[str, str, str]:
    return text, f"could not read '{text}' as a growth rate: {why}", big_o_terms.HINT


@pytest.mark.parametrize("text, reading", [
    ("2^n", big_o_terms.GrowthReading(None, "n", (), big_o_terms.NO_TERM, False, False, "2^n", "",
                                      beyond_polynomial="an exponential")),
    ("O(2^(H W))", big_o_terms.GrowthReading(
        "O", "H and W", (), big_o_terms.NO_TERM, False, False, "O(2^(H*W))", "",
        beyond_polynomial="an exponential", declared="side",
        declared_by="H and W are the height and width")),
    ("exponential", big_o_terms.GrowthReading(None, None, (), big_o_terms.NO_TERM, False, False,
                                              "exponential growth", "",
                                              beyond_polynomial="an exponential")),
])
def test_an_exponential_is_read_whole(text, reading):
    assert big_o.parse(text) == reading


_SQUARE = big_o_terms.Term(Fraction(1), Fraction(2), Fraction(0), 0)


@pytest.mark.parametrize("text, reading", [
    ("N^2", big_o_terms.GrowthReading(None, "N", (_SQUARE,), _SQUARE, False, False, "N^2", "")),
    ("O(HW)", big_o_terms.GrowthReading("O", "H and W", (_SQUARE,), _SQUARE, False, False,
                                        "O(H*W)", "", declared="side",
                                        declared_by="H and W are the height and width")),
    ("O(HW) time", big_o_terms.GrowthReading("O", "H and W", (_SQUARE,), _SQUARE, False, False,
                                             "O(H*W)", "time", declared="side",
                                             declared_by="H and W are the height and width")),
    ("quadratic", big_o_terms.GrowthReading(None, None, (_SQUARE,), _SQUARE, False, False,
                                            "quadratic growth (size^2)", "")),
    # what the letter means, and the words that said it
    ("O(N^2) for an N × N image", big_o_terms.GrowthReading(
        "O", "N", (_SQUARE,), _SQUARE, False, False, "O(N^2)", "", declared="side",
        declared_by="for an N × N image")),
    ("O(N^2) (N^2 where N is the side length)", big_o_terms.GrowthReading(
        "O", "N", (_SQUARE,), _SQUARE, False, False, "O(N^2)", "", declared="side",
        declared_by="where N is the side length")),             # said by a restatement
])
def test_a_power_is_read_whole(text, reading):
    assert big_o.parse(text) == reading


_NOT_UNDERSTOOD = "write only the growth rate here; explanations go in the written parts"
_SAY_ONCE = "say what your letter means once"
_IN_A_FEW_WORDS = ("say what your letter means in a few words: the image side, or the number of "
                   "pixels")


@pytest.mark.parametrize("text, message, hint", [
    # growth in words
    ("polynomial", "could not read 'polynomial' as a growth rate: 'polynomial' does not say which "
     "power of the input size", "give the growth rate, like O(n^5 k^3)"),
    ("cubical", "could not read 'cubical' as a growth rate: there is no growth rate in it",
     big_o_terms.HINT),                                          # no growth word, whatever it ends in
    ("oo", "could not read 'oo' as a growth rate: 'oo' means infinity, which is not a growth rate: "
     "a Big-O says how fast a count grows as the input size grows", big_o_terms.HINT),
    ("quadratic (N^3)", "could not read 'quadratic (N^3)' as a growth rate: it says two different "
     "growth rates: quadratic and 'N^3'", "give the one answer you mean"),
    ("exponential (N^3)", "could not read 'exponential (N^3)' as a growth rate: it says two "
     "different growth rates: exponential growth and 'N^3'", "give the one answer you mean"),
    # what a letter means
    ("quadratic, where N is the side length and M is the image width", "could not read 'quadratic, "
     "where N is the side length and M is the image wi…' as a growth rate: it says what M, N "
     "means, but the growth rate has no letter for the input size",
     "use the same letter in the growth rate and in what it means"),
    ("O(N^2) in pixels n", "could not read 'O(N^2) in pixels n' as a growth rate: it says what n "
     "means, but the growth rate uses N", "use the same letter in the growth rate and in what it "
     "means"),
    ("O(N^2), N = side length, N = number of pixels", "could not read 'O(N^2), N = side length, N = "
     "number of pixels' as a growth rate: it says its letter means both the image side (N for an N "
     "x N image) and the number of pixels (n = N x N)", _SAY_ONCE),
    ("O(N^2) where N is the side length, in the number of pixels", "could not read 'O(N^2) where N "
     "is the side length, in the number of pixels' as a growth rate: it says its letter means both "
     "the image side (N for an N x N image) and the number of pixels (n = N x N)", _SAY_ONCE),
    ("O(N^2) where N is the number of pixels, for an N × N image", "could not read 'O(N^2) where N "
     "is the number of pixels, for an N × N image' as a growth rate: it says its letter means both "
     "the number of pixels (n = N x N) and the image side (N for an N x N image)", _SAY_ONCE),
    ("O(N^2) where N is the side length (N^2 where N is the number of pixels)", "could not read "
     "'O(N^2) where N is the side length (N^2 where N is the numbe…' as a growth rate: it says its "
     "letter means both the image side (N for an N x N image) and the number of pixels (n = N x N)",
     _SAY_ONCE),                                                 # ... a restatement's meaning too
    ("O(N^2) for an N × M image", "could not read 'O(N^2) for an N × M image' as a growth rate: "
     "'for an N × M image' names two letters for one image side", None),
    ("O(N^2), k = n", "could not read 'O(N^2), k = n' as a growth rate: 'k = n': k is read as the "
     "kernel side, not 'n'", "use another letter for the input size"),
    ("O(N^2) where N is the count", "could not read 'O(N^2) where N is the count' as a growth rate: "
     "could not tell whether 'count' means the image side or the number of pixels",
     "say what your letter means: the image side (N for an N x N image) or the number of pixels"),
    ("O(n) in the number of pixels in the kernel", "could not read 'O(n) in the number of pixels in "
     "the kernel' as a growth rate: could not tell what 'the number of pixels in the kernel' means",
     _IN_A_FEW_WORDS),
    # a declaration's words: 'and', 'or' and marks only between two of them
    *[(f"O(N^2), N = {phrase}", f"could not read 'O(N^2), N = {phrase}' as a growth rate: could not "
       f"tell what '{phrase}' means", _IN_A_FEW_WORDS)
      for phrase in ("side and", "or side length", "/side length", "side-/length")],
    # the height and width: only the image's, only the side
    ("O(HW) where H and W are the height and width of the kernel", "could not read 'O(HW) where H "
     "and W are the height and width of the kernel' as a growth rate: could not tell what H and W "
     "mean from 'where H and W are the height and width …'",
     "say what your letter means: the image side or the number of pixels"),
    ("O(HW) where H, W are the number of pixels", "could not read 'O(HW) where H, W are the number "
     "of pixels' as a growth rate: could not tell what H and W mean from 'where H and W are the "
     "number of pixels'", "say what your letter means: the image side or the number of pixels"),
    # brackets around the words
    ("x) O(N^2)", "could not read 'x) O(N^2)' as a growth rate: a ')' in 'x)' closes a bracket that "
     "was never opened", None),
    ("O(N^2), (tight", "could not read 'O(N^2), (tight' as a growth rate: a bracket in ', (tight' "
     "is never closed", None),
    # words and marks after the growth rate
    ("O(N^2)?", "could not read 'O(N^2)?' as a growth rate: it goes on after the growth rate with "
     "'?', which was not understood", _NOT_UNDERSTOOD),
    ("O(N^2) time?", "could not read 'O(N^2) time?' as a growth rate: it goes on after the growth "
     "rate with 'time?', which was not understood ('?')", _NOT_UNDERSTOOD),
    ("O(N^2) time: foo", "could not read 'O(N^2) time: foo' as a growth rate: it goes on after the "
     "growth rate with 'time: foo', which was not understood ('foo')", _NOT_UNDERSTOOD),
    ("O(N^2) tight foo", "could not read 'O(N^2) tight foo' as a growth rate: it goes on after the "
     "growth rate with 'tight foo', which was not understood ('foo')", _NOT_UNDERSTOOD),
    ("O(N^2) 9 = O(N^2)", "could not read 'O(N^2) 9' as a growth rate: the part '9' was not "
     "understood", _NOT_UNDERSTOOD),                             # work holds no more math
    ("quadratic (O(N^2))?", "could not read 'quadratic (O(N^2))?' as a growth rate: it goes on after "
     "the growth rate with '?', which was not understood", _NOT_UNDERSTOOD),
    ("O(N^2) (one output channel foo)", "could not read 'O(N^2) (one output channel foo)' as a "
     "growth rate: it goes on after the growth rate with 'one output channel foo', which was not "
     "understood ('foo')", _NOT_UNDERSTOOD),
    ("O(N^2) lower bound", "could not read 'O(N^2) lower bound' as a growth rate: 'lower bound' makes "
     "it a lower bound", "the question asks how fast the count grows: an upper bound, like O(m^5)"),
    ("O(N^2) since N^2 outputs", "could not read 'O(N^2) since N^2 outputs' as a growth rate: the "
     "reason 'since N^2 outputs' holds math, which is not read here", _NOT_UNDERSTOOD),
    # the size letter is never held fixed
    *[(f"O({letter}^2) {words}", f"could not read 'O({letter}^2) {words}' as a growth rate: '{words}' "
       "holds the size letter fixed", "a Big-O answer says how the count grows as the input size grows")
      for letter, words in (("C", "with C fixed"), ("N", "since N is held fixed"))],
    # what doubling the size does must be the growth rate's
    ("O(N^2), 4x when M doubles", "could not read 'O(N^2), 4x when M doubles' as a growth rate: '4x "
     "when M doubles' doubles M, but the growth rate uses N",
     "use the same letter in the growth rate and in what it says"),
    ("O(N^2), 8x when N doubles", "could not read 'O(N^2), 8x when N doubles' as a growth rate: it "
     "says two different growth rates: O(N^2) and '8x when N doubles'", "give the one answer you mean"),
    ("O(2^N), 4x when N doubles", "could not read 'O(2^N), 4x when N doubles' as a growth rate: the "
     "part '4x when N doubles' was not understood", _NOT_UNDERSTOOD),
    # words before the growth rate
    ("maybe O(N^2)", "could not read 'maybe O(N^2)' as a growth rate: the words before the growth "
     "rate ('maybe') hedge or change it ('maybe')", "give the one answer you mean"),
    ("square root of N", "could not read 'square root of N' as a growth rate: the words before the "
     "growth rate ('square root of') were not understood, and they could change it ('square')",
     "write the growth rate as math, like O(m^5) or O(sqrt(m)); to say what a letter means, add it "
     "after: O(m^5) where m is the number of pixels"),
])
def test_words_around_a_growth_rate_are_refused_with_exactly_this_message(text, message, hint):
    with pytest.raises(ParseError) as caught:
        big_o.parse(text)
    assert (caught.value.message, caught.value.hint) == (message, hint)


@pytest.mark.parametrize("text, message, hint", [
    # e is a letter unless it is raised to a power
    _growth_refusal("O(n e)", "it uses e and n as letters; use one letter for the input size and "
                              "k for the kernel side"),
    _growth_refusal("O(e exp(n))", "it has e to the power 1, which is not a power of the input "
                                   "size, k, or log of the input size"),
    _growth_refusal("O(-e^n)", "it is negative (-e^n): a count is never negative, and neither "
                               "is how it grows"),
    # what an exponential or factorial is of must grow
    _growth_refusal("O(2^(1/n))", "in 2^(1/n), 1/n does not grow like a positive power of the "
                                  "input size"),
    _growth_refusal("O(2^(-n))", "in 2^(-n), -n does not grow like a positive power of the input "
                                 "size"),
    _growth_refusal("O((-n)!)", "in (-n)!, -n does not grow like a positive power of the input "
                                "size"),
    _growth_refusal("O((2 - n)^n)", "in (2 - n)^n, 2 - n does not grow like a positive power of "
                                    "the input size"),
    _growth_refusal("O(n!^(1/n))", "in (n!)^(1/n), 1/n does not grow like a positive power of "
                                   "the input size"),
    _growth_refusal("O(k^n)", "in k^n, it is not clear that the base k is more than 1"),
    _growth_refusal("O(1^n)", "1^n does not grow: its base is not more than 1"),
    _growth_refusal("O((1/2)^n)", "(1/2)^n does not grow: its base is not more than 1"),
    _growth_refusal("O((n!)^k)", "the power k contains a letter; only numbers can be exponents "
                                 "of an exponential or factorial"),
    _growth_refusal("O((n!)^(-1))", "it divides by a factorial ((n!)^(-1)), so it does not grow"),
    _growth_refusal("O((n!)^0)", "it divides by a factorial ((n!)^0), so it does not grow"),
    _growth_refusal("O(exp(-n))", "in exp(-n), -n does not grow like a positive power of the "
                                  "input size"),
    _growth_refusal("O((n (1 - n))!)", "in (n*(1 - n))!, n*(1 - n) does not grow like a positive "
                                       "power of the input size"),
    # the rest of a product with an exponential or factorial must be positive, all of it
    _growth_refusal("O(n! (1 - n))", "it is negative (n!*(1 - n)): a count is never negative, "
                                     "and neither is how it grows"),
    ("O(2^n · 2 · (1 - n))", "could not read 'O(2^n * 2 * (1 - n))' as a growth rate: it is "
     "negative (2^n*2*(1 - n)): a count is never negative, and neither is how it grows",
     big_o_terms.HINT),
    _growth_refusal("O(-n^2)", "it is negative as the input size grows (-n^2): a count is never "
                               "negative, and neither is how it grows"),
    _growth_refusal("O((n/2^n)^2)", "it divides by an exponential (2^n), so it is not clear how "
                                    "it grows"),
    _growth_refusal("O(n/2^n)", "it divides by an exponential (2^n), so it is not clear how it "
                                "grows"),
    _growth_refusal("O(2^n (n - n))", "2^n*(n - n) works out to zero"),
    _growth_refusal("O(2^n (1 - n))", "it is negative (2^n*(1 - n)): a count is never negative, "
                                      "and neither is how it grows"),
    ("N^2!", "could not read 'N^2!' as a growth rate: it has the factorial of something that is "
     "not the input size (2!)", "write its value, or brackets around what the '!' applies to, "
     "like (m^5)!"),
    ("O(log(n!))", "could not read 'O(log(n!))' as a growth rate: it takes the log of a factorial "
     "(log(n!))", "write what that log grows like"),
    *[(text, f"could not read '{text}' as a growth rate: it subtracts an exponential (2^n), so it "
       "is not clear how it grows", "keep only the term that grows fastest")
      # at the top, or inside an exponent, a call or a minus
      for text in ("O(n^2 - 2^n)", "O(2^(n - 2^n))", "O(exp(n - 2^n))", "O(log(n - 2^n))",
                   "O(-(n - 2^n))", "O((n - 2^n)!)", "O(n + 2 (n - 2^n))")],
    # a division by zero in a power, an exponent or a base
    *[(text, f"could not read '{text}' as a growth rate: it divides by zero (0)", None)
      for text in ("O((n!)^(1/0))", "O(2^(n/0))", "O((1/0)^n)")],
    # a factorial word in the answer: the math is still expanded, and refused as it was
    ("O(n/(n+1)), factorial", "could not read 'O(n/(n+1)), factorial' as a growth rate: it "
     "divides by a sum (n + 1), which does not multiply out into terms", None),
    ("O(2^n n/(n+1))", "could not read 'O(2^n n/(n+1))' as a growth rate: it divides by a sum "
     "(n + 1), which does not multiply out into terms", None),  # the rest of the product, whole
    _growth_refusal("O(n log k)", "it has log k to the power 1, which is not a power of the input "
                                  "size, k, or log of the input size"),
    _growth_refusal("O(n^2 - n^2)", "it works out to zero"),
    _growth_refusal("O(2^(n log k))", "it has log k to the power 1, which is not a power of the "
                                      "input size, k, or log of the input size"),
])
def test_an_exponential_or_factorial_it_cannot_rank_is_refused_exactly(text, message, hint):
    with pytest.raises(ParseError) as caught:
        big_o.parse(text)
    assert (caught.value.message, caught.value.hint) == (message, hint)


@pytest.mark.parametrize("text, remark", [
    ("O(N^2), as N -> ∞", "as N -> ∞"),          # the limit, without its comma
    ("O(N^2) (as N→∞)", "as N→∞"),               # ... or its brackets
    ("O(N^2) for N -> infinity", "for N -> infinity"),
    ("O(N^2) as N -> inf", "as N -> inf"),
    ("O(N^2), tight", "tight"),
    ("O(N^2) tight as N -> ∞", "tight as N -> ∞"),
    ("Looks like O(N^2)", ""),
    ("O(N^2) time, tight bound", "time; tight bound"),  # each remark, in order
    ("O(N^2) time (tight)", "time; tight"),
    ("O(N^2) (tight bound.)", "tight bound"),
    ("O(N^2)", ""),                   # 'oo' names no infinity here
])
def test_the_limit_is_kept_as_the_remark(text, remark):
    assert big_o.parse(text).remark == remark


def test_a_phrase_of_harmless_words_stays_harmless_with_every_one_of_them():
    """The word lists bound what a remark or a meaning may hold; a phrase
    using all of their words is still a remark, or says no meaning."""
    remark_words = sorted(big_o_words.REMARK_WORDS - {"constant"})
    remark_words.insert(remark_words.index("factor"), "constant")  # 'constant factor': no growth
    remark = "in " + " ".join(remark_words)
    assert big_o.parse(f"O(N^2) {remark}").remark == remark
    neutral = "in the data of its input's image a size an input images"
    assert set(neutral.split()[1:]) == big_o_words._NEUTRAL_WORDS
    assert big_o.parse(f"O(n) {neutral}").declared is None


# ----------------------------------------------------------------------------
# Graded end to end through grade_sheet

MULT_STANDARD = "q2.g.multiplications_big_o.standard"
MULT_NWS = "q2.g.multiplications_big_o.non_weight_sharing"
MULT_FC = "q2.g.multiplications_big_o.fully_connected"
JAC_STANDARD = "q2.g.jacobian_big_o.standard"
SIDE = "N = the side length of the image"
PIXELS = "n = number of pixels"
BOTH = "N = side length, n = N^2 = number of pixels"   # one letter for each meaning


@pytest.fixture(scope="module")
def spec_and_prepared():
    spec = load_spec()
    return spec, load_or_prepare(spec)


def _grade(spec, prepared, tmp_path, sheet_variable: str, changes: dict, policy=None):
    answers = solved_answers()
    set_answer(answers, "q2.g.variable", sheet_variable)
    for key, value in changes.items():
        set_answer(answers, key, value)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    if policy is not None:
        spec = dataclasses.replace(spec, big_o_policy=policy)
    # The references are shared by the module, their memo of verdicts is not: every row
    # runs the grader itself rather than reading back the verdict an earlier row left
    # for the same answer, so a test of the exact feedback tests what grade() says now.
    prepared = dataclasses.replace(prepared, memo={})
    grades, context = grading.grade_sheet(spec, prepared, load_sheet(path, root=tmp_path))
    return {g.item.key: g.verdict for g in grades}, context


GRADED = [
    # (sheet's variable, item, answer, credit, outcome, words of read + feedback)
    (SIDE, MULT_STANDARD, "O(n) in the number of pixels", 1.0, "correct",
     ["number of pixels", "as your answer says"]),
    (SIDE, MULT_STANDARD, "O(n^2), n = number of pixels", 0.5, "loose", ["as your answer says"]),
    (PIXELS, MULT_STANDARD, "O(N^2) where N is the side length", 1.0, "correct",
     ["image side", "as your answer says ('where N is the side length')"]),
    (PIXELS, MULT_STANDARD, "O(n)", 1.0, "correct", ["number of pixels"]),  # today's rule
    (SIDE, MULT_STANDARD, "O(HW)", 1.0, "correct", ["height and width"]),
    (PIXELS, MULT_STANDARD, "O(HW)", 1.0, "correct", ["height and width"]),
    (SIDE, MULT_FC, "O(H^2 W^2)", 1.0, "correct", ["height and width"]),
    (SIDE, MULT_NWS, "O(H*W*k^2) with k the kernel size", 1.0, "correct", []),
    # the sheet declares a letter for each meaning: each answer is read with its letter's
    (BOTH, MULT_STANDARD, "O(n)", 1.0, "correct", ["n = the number of pixels"]),
    (BOTH, MULT_STANDARD, "O(N^2)", 1.0, "correct", ["N = the image side"]),
    (BOTH, MULT_FC, "O(n^2)", 1.0, "correct", ["n = the number of pixels"]),
    (BOTH, MULT_FC, "O(N^4)", 1.0, "correct", ["N = the image side"]),
    (BOTH, MULT_FC, "O(N^2)", 0.0, "too low", []),
    (BOTH, MULT_STANDARD, "O(n^2)", 0.5, "loose", []),
    (BOTH, MULT_STANDARD, "O(m^2)", 1.0, "correct", ["m = the image side"]),  # best fit
    (BOTH, MULT_STANDARD, "O(n) where n is the side length", 0.0, "too low", ["as your answer says"]),
    # work in the side, the answer in the pixels: the equation says what each letter means
    (SIDE, MULT_FC, "O(N^4) = O(n^2)", 1.0, "correct",
     ["number of pixels", "as your answer says ('O(N^4) = O(n^2)')"]),
    (PIXELS, MULT_STANDARD, "O(N^2 k^2) = O(n k^2)", 1.0, "correct", []),
    (SIDE, MULT_FC, "O(N^2) = O(n)", 0.0, "too low", []),
    (SIDE, MULT_STANDARD, "quadratic", 1.0, "correct", ["quadratic"]),
    (SIDE, MULT_STANDARD, "quadratic in N", 1.0, "correct", []),
    (SIDE, MULT_STANDARD, "linear in the number of pixels", 1.0, "correct", ["as your answer says"]),
    (PIXELS, MULT_FC, "quadratic in the number of pixels", 1.0, "correct", []),
    (SIDE, MULT_FC, "quartic", 1.0, "correct", []),
    (SIDE, MULT_STANDARD, "O(N)^2", 1.0, "correct", []),
    (SIDE, MULT_STANDARD, "n squared", 1.0, "correct", []),
    (SIDE, JAC_STANDARD, "O(N^2)/k", 0.5, "kernel mismatch", ["dividing by the kernel side"]),
    (SIDE, MULT_STANDARD, "O(2^N)", 0.0, "far from tight", ["True, but far from tight",
                                                            "an exponential"]),
    (SIDE, MULT_STANDARD, "O(N!)", 0.0, "far from tight", ["a factorial"]),
    (SIDE, MULT_STANDARD, "Θ(2^N)", 0.0, "loose theta", []),
    # the notation's claim: a lower bound, or strictly slower, is no upper bound
    (SIDE, MULT_STANDARD, "Ω(N^2)", 0.0, "omega", ["Ω is a lower bound", "The question asks for an upper bound"]),
    (SIDE, MULT_STANDARD, "Omega(N^2)", 0.0, "omega", ["Ω is a lower bound", "The question asks for an upper bound"]),
    (SIDE, MULT_STANDARD, "ω(N)", 0.0, "omega", ["Ω is a lower bound", "The question asks for an upper bound"]),
    (SIDE, MULT_STANDARD, "o(N^2)", 0.0, "too low", ["Little-o"]),
    (SIDE, MULT_STANDARD, "o(N^3)", 0.5, "loose", ["True, but not tight"]),
    (SIDE, MULT_STANDARD, "Θ(N^2)", 1.0, "correct", ["Correct."]),
    (SIDE, MULT_STANDARD, "Θ(N^3)", 0.0, "loose theta", ["Θ claims the bound is tight"]),
    (SIDE, MULT_STANDARD, "O(N^3)", 0.5, "loose", ["True, but not tight"]),
    (SIDE, MULT_STANDARD, "O(N)", 0.0, "too low", ["Too low"]),
    (SIDE, MULT_STANDARD, "O(N^2 k^2)", 1.0, "correct", []),
    (SIDE, MULT_STANDARD, "O(N^2 k^3)", 0.5, "kernel mismatch", ["power of the kernel side"]),
    (SIDE, MULT_STANDARD, "O(3N^2 + N)", 1.0, "correct", ["Constant factors and lower-order"]),
    (SIDE, MULT_STANDARD, "-N^2", 0.0, "unreadable", ["negative"]),
    (SIDE, MULT_STANDARD, "oo", 0.0, "unreadable", ["infinity"]),
    (SIDE, MULT_STANDARD, "O(N^2) foo", 0.0, "unreadable", ["foo"]),
]


@pytest.mark.parametrize("sheet_variable, key, answer, credit, outcome, words", GRADED)
def test_graded_through_grade_sheet(spec_and_prepared, tmp_path, sheet_variable, key, answer,
                                    credit, outcome, words):
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, sheet_variable, {key: answer})
    verdict = verdicts[key]
    assert (verdict.credit, verdict.label) == (credit, outcome), verdict
    for word in words:
        assert word in verdict.read + " " + verdict.feedback, verdict


@pytest.mark.parametrize("text, meanings", [
    ("N = side length, n = N^2 = pixels", {"N": "side", "n": "pixels"}),
    ("N is the image side and n is the number of pixels", {"N": "side", "n": "pixels"}),
    ("N = side; n = N*N", {"N": "side", "n": "pixels"}),
    ("N = side length (n = N^2 pixels)", {"N": "side", "n": "pixels"}),
    ("N = the side length of the image", {"N": "side"}),
    ("N = side length, n = pixels, N = pixels", {}),     # one letter, two meanings
    ("N = side length, width W", {}),                    # a part that declares no letter
    ("N = H = W, n = H*W", {}),                          # a part whose meaning is unclear
    ("N = side length,, n = number of pixels", {"N": "side", "n": "pixels"}),  # an empty part
    ("N = side length, n = number of pixels".ljust(500), {"N": "side", "n": "pixels"}),
    ("N = side length, n = number of pixels".ljust(501), {}),   # longer than is read
    ("", {}),
    (None, {}),
])
def test_the_letters_a_sheet_declares(text, meanings):
    assert big_o_words.letter_meanings(text) == meanings


def test_a_sheet_declaring_a_letter_for_each_meaning_says_so(spec_and_prepared, tmp_path):
    _, letters = _grade(*spec_and_prepared, tmp_path, BOTH, {})
    assert letters.by_letter == (("N", "side"), ("n", "pixels"))
    assert (letters.declared, letters.other_fits_better) == (True, False)
    assert letters.note == ("Big-O answers were read with N meaning the image side (N for an N x N "
                            "image) and n meaning the number of pixels (n = N x N), as declared in "
                            "q2.g.variable; another letter with the meaning that fits your answers "
                            "best.")


def test_an_answer_declaring_its_variable_does_not_move_the_others(spec_and_prepared, tmp_path):
    """The pixel declaration inside one answer holds for that answer only:
    the sheet's side variable still reads every other answer."""
    verdicts, context = _grade(*spec_and_prepared, tmp_path, SIDE,
                               {MULT_STANDARD: "O(n) in the number of pixels"})
    assert context.variable == "side"
    assert all(v.credit == 1.0 for k, v in verdicts.items() if "big_o" in k), verdicts


def test_a_declared_answer_gets_no_variable_mismatch_credit(spec_and_prepared, tmp_path):
    """Under a sheet declaring pixels, side exponents are 'variable mismatch';
    an answer that itself says its letter is the side and is wrong in the
    side is simply wrong."""
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, PIXELS,
                         {MULT_FC: "O(N^2) where N is the side length"})
    assert (verdicts[MULT_FC].credit, verdicts[MULT_FC].label) == (0.0, "too low")


def test_super_polynomial_credit_is_the_specs(spec_and_prepared, tmp_path):
    policy = BigOPolicy(super_polynomial_credit=0.25)
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, SIDE, {MULT_STANDARD: "O(2^N)"}, policy)
    assert verdicts[MULT_STANDARD].credit == 0.25
    assert spec_and_prepared[0].big_o_policy.super_polynomial_credit == 0.0


def test_a_policy_credit_outside_0_and_1_is_a_spec_error():
    with pytest.raises(SpecError, match="super_polynomial_credit"):
        BigOPolicy(super_polynomial_credit=1.5)


# ----------------------------------------------------------------------------
# The sheet's variable: each answer read once, a failure contained


def test_size_variable_reads_through_the_given_reader(spec_and_prepared, tmp_path):
    spec, prepared = spec_and_prepared
    answers = solved_answers()
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    sheet = load_sheet(path, root=tmp_path)
    read = []

    def counting(text):
        read.append(text)
        return big_o.parse(text)

    context = big_o.size_variable(spec, prepared, sheet, read=counting)
    big_o_keys = [item.key for item in spec.items if item.kind == "big_o"]
    assert sorted(read) == sorted(sheet.get(key) for key in big_o_keys)
    assert context.variable == "side"


def test_the_letters_depend_only_on_the_answers_their_memo_key_holds(spec_and_prepared,
                                                                     tmp_path):
    """The pipeline remembers the letters by `size_variable_inputs`: every
    answer `size_variable` reads must be among them."""
    spec, prepared = spec_and_prepared
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(solved_answers(), allow_unicode=True), encoding="utf-8")
    sheet = load_sheet(path, root=tmp_path)
    asked = []

    class Watched:
        def get(self, key):
            asked.append(key)
            return sheet.get(key)

    big_o.size_variable(spec, prepared, Watched(), read=big_o.parse)
    read_keys = set(asked)
    asked.clear()
    big_o.size_variable_inputs(spec, Watched())
    assert read_keys <= set(asked) and spec.variable_key in read_keys


MULT_NWS_PIXELS = "O(n k^2)"  # the non-weight-sharing count's growth in the pixels
#: Every Big-O answer but the standard count's left empty: only the answers a row sets vote.
_OTHER_BIG_O = dict.fromkeys([MULT_NWS, MULT_FC, JAC_STANDARD,
                              "q2.g.jacobian_big_o.non_weight_sharing",
                              "q2.g.jacobian_big_o.fully_connected"], "")


def _letters(spec, prepared, tmp_path, sheet_variable: str, changes: dict):
    answers = solved_answers()
    set_answer(answers, "q2.g.variable", sheet_variable)
    for key, value in changes.items():
        set_answer(answers, key, value)
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    letters = big_o.size_variable(spec, prepared, load_sheet(path, root=tmp_path))
    assert not letters.failed, letters.failed
    return letters


_PIXELS_MEANING = "the number of pixels (n = N x N)"
_SIDE_MEANING = "the image side (N for an N x N image)"


def _chosen(why: str, meaning: str) -> str:
    return (f"q2.g.variable {why}, so Big-O answers were read with the letter meaning {meaning}: "
            "the meaning that fits your answers best.")


def _as_declared(meaning: str) -> str:
    return (f"Big-O answers were read with your letter meaning {meaning}, as declared in "
            "q2.g.variable.")


@pytest.mark.parametrize("sheet_variable, changes, letters", [
    # no declaration: one answer tight in the pixels decides; the empty answers give no vote
    ("", {**_OTHER_BIG_O, MULT_STANDARD: "O(n)"},
     Letters("pixels", False, False, _chosen("was left empty", _PIXELS_MEANING))),
    ("   ", {**_OTHER_BIG_O, MULT_STANDARD: "O(n)"},
     Letters("pixels", False, False, _chosen("was left empty", _PIXELS_MEANING))),
    ("the letter", {**_OTHER_BIG_O, MULT_STANDARD: "O(n)"},
     Letters("pixels", False, False, _chosen("could not be understood", _PIXELS_MEANING))),
    # three answers fit the pixels, one the side: the most fits win; a tie keeps the side
    ("", {**_OTHER_BIG_O, MULT_STANDARD: "O(n)", MULT_NWS: MULT_NWS_PIXELS, MULT_FC: "O(n^2)",
          JAC_STANDARD: "O(N^2)"},
     Letters("pixels", False, False, _chosen("was left empty", _PIXELS_MEANING))),
    ("", {**_OTHER_BIG_O, MULT_STANDARD: "O(N^2)", MULT_NWS: MULT_NWS_PIXELS},
     Letters("side", False, False, _chosen("was left empty", _SIDE_MEANING))),
    # an unreadable answer, or one saying what its letter means, gives no vote; the rest still do
    ("", {**_OTHER_BIG_O, MULT_STANDARD: "O(N^2) foo", MULT_NWS: MULT_NWS_PIXELS},
     Letters("pixels", False, False, _chosen("was left empty", _PIXELS_MEANING))),
    ("", {**_OTHER_BIG_O, MULT_STANDARD: "O(N^2) where N is the side length",
          MULT_NWS: MULT_NWS_PIXELS},
     Letters("pixels", False, False, _chosen("was left empty", _PIXELS_MEANING))),
    # declared: kept, with whether the answers fit the other meaning better (a tie does not)
    (SIDE, {**_OTHER_BIG_O, MULT_STANDARD: "O(n)", MULT_NWS: MULT_NWS_PIXELS},
     Letters("side", True, True, _as_declared(_SIDE_MEANING))),
    (SIDE, {**_OTHER_BIG_O, MULT_STANDARD: "O(N^2)", MULT_NWS: MULT_NWS_PIXELS},
     Letters("side", True, False, _as_declared(_SIDE_MEANING))),
    (PIXELS, {}, Letters("pixels", True, True, _as_declared(_PIXELS_MEANING))),  # side answers
    (PIXELS, {**_OTHER_BIG_O, MULT_STANDARD: "O(n)"},
     Letters("pixels", True, False, _as_declared(_PIXELS_MEANING))),
])
def test_the_sheets_letter_is_the_meaning_its_answers_fit_best(spec_and_prepared, tmp_path,
                                                               sheet_variable, changes, letters):
    assert _letters(*spec_and_prepared, tmp_path, sheet_variable, changes) == letters


@pytest.mark.parametrize("unproved", ["no entry", "no growth"])
def test_a_big_o_item_without_a_proved_growth_gives_no_vote(spec_and_prepared, tmp_path, unproved):
    """Such an item is not graded (its own verdict says why); the sheet's
    letter is still worked out from the others."""
    spec, prepared = spec_and_prepared
    items = dict(prepared.items)
    if unproved == "no entry":
        del items[MULT_FC]
    else:
        items[MULT_FC] = dataclasses.replace(items[MULT_FC], growth=None)
    prepared = dataclasses.replace(prepared, items=items, memo={})
    letters = _letters(spec, prepared, tmp_path, "", {**_OTHER_BIG_O, MULT_STANDARD: "O(n)",
                                                      MULT_FC: "O(n^2)"})
    assert letters.variable == "pixels"


def test_grade_sheet_parses_each_big_o_answer_once(spec_and_prepared, tmp_path, monkeypatch):
    calls = []
    original = big_o.parse

    def counting(text):
        calls.append(text)
        return original(text)

    monkeypatch.setattr(big_o, "parse", counting)
    answer = "O(N^2) where N is the side length (each answer read once)"
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, SIDE, {MULT_STANDARD: answer})
    assert calls.count(answer) == 1
    assert verdicts[MULT_STANDARD].credit == 0.0  # 'each', 'once': not harmless words


def test_a_failing_size_variable_fails_only_the_growth_items(spec_and_prepared, tmp_path,
                                                             monkeypatch):
    def broken(*_):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(big_o, "_size_variable", broken)
    verdicts, context = _grade(*spec_and_prepared, tmp_path, SIDE, {})
    assert context == Letters(
        variable=None, declared=False, other_fits_better=False,
        failed="RuntimeError: injected fault",
        note="The autograder could not work out what your Big-O letter means (an internal error); "
             "Big-O answers were not graded. This is not a judgement of your answers; please tell "
             "course staff.")
    for key, verdict in verdicts.items():
        if "big_o" in key:
            assert verdict.label == ("internal error: RuntimeError: the sheet's size variable "
                                     "could not be worked out"), (key, verdict)
        elif key.startswith("q2.a") or key.startswith("q2.e"):
            assert verdict.credit == 1.0, (key, verdict)


def test_a_failed_reading_of_the_letters_is_not_remembered(spec_and_prepared, tmp_path,
                                                            monkeypatch):
    """A fault deciding the letters may be passing: the next sheet with the
    same answers works them out again rather than inheriting the failure."""
    original = big_o._size_variable
    faults = ["injected fault"]

    def failing_once(*arguments):
        if faults:
            raise RuntimeError(faults.pop())
        return original(*arguments)

    monkeypatch.setattr(big_o, "_size_variable", failing_once)
    changes = {MULT_STANDARD: "O(N^2) (a failure is not remembered)"}
    _, first = _grade(*spec_and_prepared, tmp_path, SIDE, changes)
    _, second = _grade(*spec_and_prepared, tmp_path, SIDE, changes)
    assert "injected fault" in first.failed
    assert (second.variable, second.failed) == ("side", "")


def test_a_reader_crash_on_one_answer_is_contained(spec_and_prepared, tmp_path):
    spec, prepared = spec_and_prepared
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(solved_answers(), allow_unicode=True), encoding="utf-8")
    sheet = load_sheet(path, root=tmp_path)

    def crashing(text):
        if text == sheet.get(MULT_FC):
            raise KeyError("bug")
        return big_o.parse(text)

    context = big_o.size_variable(spec, prepared, sheet, read=crashing)
    assert context.variable == "side" and not context.failed


# ----------------------------------------------------------------------------
# Appending an unknown word or operator never silently keeps the reading

_BASES = ["O(N^2)", "O(n^2 k^2)", "Θ(N^4)", "O(n log n)", "big O of n squared", "N^2",
          "O(2^n)", "quadratic in N", "O(n) in the number of pixels", "O(HW)"]
_OPERATORS = ["*", "/", "^", "**", "+", "-", "!", "=", "×", "%", "&", "#", "@", "<", ">", "|",
              "?", "~", "√", "(", ")", "[", "_"]


def _unknown_word(word: str) -> bool:
    lowered = word.lower()
    return (lowered not in big_o_words.REMARK_WORDS and lowered not in {"o", "of"}
            and not any(lowered.startswith(g) for g in big_o_words.GROWTH_WORDS))


_WORDS = st.text(string.ascii_letters, min_size=2, max_size=10).filter(_unknown_word)


def _same(first, second) -> bool:
    return (first.shown, first.remark, first.declared, first.beyond_polynomial) == (
        second.shown, second.remark, second.declared, second.beyond_polynomial)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_BASES), st.one_of(_WORDS, st.sampled_from(_OPERATORS)),
       st.sampled_from([" ", "", ", "]))
def test_appending_an_unknown_word_or_operator_never_keeps_the_reading(base, extra, gap):
    before = big_o.parse(base)
    try:
        after = big_o.parse(f"{base}{gap}{extra}")
    except ParseError:
        return
    assert not _same(before, after), (base, extra, after)


def test_a_failing_size_variable_still_writes_valid_results(grade, monkeypatch):
    """Through run_autograder's entry point: exit 0, a results.json the
    schema accepts, the growth items marked internal error, the rest graded."""
    def broken(*_):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(big_o, "_size_variable", broken)
    graded = grade(solved_answers())
    assert graded.code == 0
    assert graded.outcome(MULT_STANDARD).startswith("internal error")
    assert graded.outcome("q2.b") == "correct"
    assert graded.data["extra_data"]["size_variable"] is None
    assert "could not work out what your Big\\-O letter means" in graded.data["output"]


_NOT_TIGHT = "Give the smallest bound that holds."
_REST_LEFT_OUT = ("Correct. Constant factors and lower-order terms do not change a Big-O; the "
                  "usual form leaves them out.")


@pytest.mark.parametrize("sheet_variable, key, answer, feedback", [
    (SIDE, MULT_STANDARD, "Ω(N^2)", "Ω is a lower bound: it says the cost grows at least this "
     "fast. The question asks for an upper bound, O (or a tight Θ)."),
    (SIDE, MULT_STANDARD, "o(N^2)", "Little-o claims the cost grows strictly slower than this, "
     "which is not true here; use O or Θ."),
    (SIDE, MULT_STANDARD, "Θ(N^2)", "Correct."),
    # a bound named in words is graded as that bound
    (SIDE, MULT_STANDARD, "Big Omega: N^2", "Ω is a lower bound: it says the cost grows at least "
     "this fast. The question asks for an upper bound, O (or a tight Θ)."),
    (SIDE, MULT_STANDARD, "Theta N^3", "Θ claims the bound is tight, but the cost grows more "
     "slowly than this."),
    (SIDE, MULT_STANDARD, "Theta N^2", "Correct."),
    # a constant factor alone, a lower-order term alone, or both: the same remark
    (SIDE, MULT_STANDARD, "O(3N^2)", _REST_LEFT_OUT),
    (SIDE, MULT_STANDARD, "O(N^2 + N)", _REST_LEFT_OUT),
    (SIDE, MULT_STANDARD, "O(3N^2 + N)", _REST_LEFT_OUT),
    (SIDE, JAC_STANDARD, "O(N^2)/k", "Partly right. The growth in the input size is right, but "
     "dividing by the kernel side k says the count shrinks as the kernel grows, which is not "
     "how the count depends on k."),
    (SIDE, MULT_STANDARD, "O(N^2 k^3)", "Partly right. The growth in the input size is right, "
     "but the power of the kernel side k does not match how the count depends on k."),
    (SIDE, MULT_STANDARD, "Θ(N^3)", "Θ claims the bound is tight, but the cost grows more "
     "slowly than this."),
    (SIDE, MULT_STANDARD, "O(2^N)", "True, but far from tight: an exponential grows faster than "
     "every power of the input size, and the count grows like a power of it. " + _NOT_TIGHT),
    (SIDE, MULT_STANDARD, "O(N^3)", "True, but not tight: the cost grows more slowly than this "
     "bound. " + _NOT_TIGHT),
    (SIDE, MULT_STANDARD, "O(N^2 log N)", "True, but not tight: the cost grows more slowly than "
     "this bound. " + _NOT_TIGHT),
])
def test_each_big_o_outcome_is_told_exactly_why(spec_and_prepared, tmp_path, sheet_variable, key,
                                                answer, feedback):
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, sheet_variable, {key: answer})
    assert verdicts[key].feedback == feedback


def test_a_bound_too_low_is_told_so_with_the_items_hint(spec_and_prepared, tmp_path):
    spec, _ = spec_and_prepared
    hint = next(item.hint for item in spec.items if item.key == MULT_STANDARD)
    verdicts, _ = _grade(*spec_and_prepared, tmp_path, SIDE, {MULT_STANDARD: "O(N)"})
    assert hint
    assert verdicts[MULT_STANDARD].feedback == f"Too low: the cost grows faster than this. {hint}"


_ALL_IN_PIXELS = {MULT_STANDARD: "O(n)", MULT_NWS: MULT_NWS_PIXELS, MULT_FC: "O(n^2)",
                  JAC_STANDARD: "O(n)", "q2.g.jacobian_big_o.non_weight_sharing": "O(n^2)",
                  "q2.g.jacobian_big_o.fully_connected": "Θ(n^3)"}


@pytest.mark.parametrize("sheet_variable, changes, read, fit, declared", [
    # the sheet says pixels, but its answers fit the side
    (PIXELS, {}, "read as O(N^2), with N = " + _PIXELS_MEANING, _SIDE_MEANING, _PIXELS_MEANING),
    # the sheet says the side, but its answers fit the pixels
    (SIDE, _ALL_IN_PIXELS, "read as O(n), with n = " + _SIDE_MEANING, _PIXELS_MEANING,
     _SIDE_MEANING),
])
def test_answers_fitting_the_other_meaning_make_the_variable_the_mistake(
        spec_and_prepared, tmp_path, sheet_variable, changes, read, fit, declared):
    verdicts, context = _grade(*spec_and_prepared, tmp_path, sheet_variable, changes)
    assert context.other_fits_better
    verdict = verdicts[MULT_STANDARD]
    assert (verdict.credit, verdict.label, verdict.read, verdict.feedback) == (
        0.5, "variable mismatch", read,
        f"Partly right. These exponents fit {fit}, but you declared your letter to mean "
        f"{declared}. With n = N² pixels, every exponent of N halves.")
