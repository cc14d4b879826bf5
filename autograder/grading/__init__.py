"""Grading: the one pipeline from a sheet's text to its tests, used by every role."""
