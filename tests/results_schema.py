"""Test helper: check a results.json against Gradescope's documented format.

Import it from any test (``from results_schema import validate_results_file``)
to prove that what the grader wrote is a file Gradescope can read.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "autograder" / "gradescope" / "results.schema.json"


def results_validator() -> Draft202012Validator:
    """A validator for results.json, after checking the schema itself is well formed."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_results_file(path: Path) -> None:
    """Raise if ``path`` is not strict JSON matching the results schema.

    NaN and Infinity are rejected although Python's json module accepts them,
    because they are not JSON and Gradescope would fail to read the file.
    """

    def refuse_constant(name: str) -> None:
        raise ValueError(f"{path}: {name} is not valid JSON")

    document = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=refuse_constant)
    results_validator().validate(document)
