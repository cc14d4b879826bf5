"""The assignment: its spec, the references computed from solutions/, their proof by simulation and the prepared cache."""
