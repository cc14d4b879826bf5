"""The student's self-check, shipped in the bundle and run by `autograder check`."""
