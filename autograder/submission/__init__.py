"""The submission: finding the answer sheet and loading it safely as text."""
