"""The Gradescope edge: its paths, results.json, submission metadata."""
