"""A spec small enough to prove in a few seconds, for tests of the
verification gate (verify.py, prepared.py) and of the references.

Two configurations (one square SAME, one non-square VALID with a 3x1 kernel
and a 1x2 stride, so that a mix-up of height and width, or of a field with
its neighbour, changes a value), a recognised mistake that assumes another
padding, and two Big-O items whose growths are measured on the simulation.
"""
from __future__ import annotations

from pathlib import Path

from autograder.assignment.spec import Spec, load_spec

TINY_SPEC = """\
assignment: "Tiny spec for the verification tests"
configurations:
  base: {side: 6, in_channels: 1, out_channels: 1, kernel: 3, stride: 1, padding: SAME}
  wide: {height: 5, width: 7, in_channels: 2, out_channels: 3, kernel_h: 3, kernel_w: 1,
         stride_h: 1, stride_w: 2, padding: VALID}
growth: {configuration: base}
mistakes:
  valid_padding: {assume: {padding: VALID}, feedback: "This is VALID padding."}
items:
  - {key: letter, kind: variable}
  - {key: outputs, number: "1", name: outputs, kind: number, expect: flattened_length,
     mistakes: [valid_padding]}
  - {key: weights, number: "2", name: weights, kind: number, expect: standard.weights, at: wide}
  - {key: growth, number: "3", name: growth, kind: big_o, growth: standard.multiplications}
  - {key: dense_growth, number: "4", name: dense growth, kind: big_o,
     growth: fully_connected.multiplications}
"""

#: What the tiny spec's references are, worked out by hand: 6x6 SAME keeps
#: 36 outputs (VALID: 4x4 = 16); the wide layer has 3x1x2 weights per output
#: channel, times 3 channels; multiplications grow like N^2 k^2 (standard)
#: and N^4 (fully connected).
TINY_OUTPUTS, TINY_OUTPUTS_VALID, TINY_WIDE_WEIGHTS = 36, 16, 18
#: The value keys verify_spec must check for the tiny spec.
TINY_VALUE_KEYS = {
    "6x6x1->1 k3x3 s1x1 SAME flattened_length",
    "6x6x1->1 k3x3 s1x1 VALID flattened_length",
    "5x7x2->3 k3x1 s1x2 VALID standard.weights",
}


def write_tiny_spec(folder: Path) -> Path:
    path = folder / "tiny.yaml"
    path.write_text(TINY_SPEC, encoding="utf-8")
    return path


def tiny_spec(folder: Path) -> Spec:
    return load_spec(write_tiny_spec(folder))
