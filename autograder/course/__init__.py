"""Course tools for TAs and instructors: the class regrade, its report, the answer key, synthetic exports."""
