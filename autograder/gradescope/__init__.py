"""The Gradescope edge: its paths, results.json, submission metadata, and its export of a class's submissions."""
