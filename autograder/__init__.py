"""The HW3 (CNNs) autograder; `autograder --help` lists what it does."""

__version__ = "0.2.0"
