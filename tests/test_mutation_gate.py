"""tools/mutation_gate.py stays usable: its hand-made breakages still apply
to the current sources, its list of equivalent mutants still names real
code, and the scratch copy gets the gate's mutmut configuration. (Running
the gate itself takes minutes; CI does that.)"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys

import pytest

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # mutmut's own dependency on 3.10
    tomllib = pytest.importorskip("toml")

_spec = importlib.util.spec_from_file_location("mutation_gate", ROOT / "tools" / "mutation_gate.py")
gate = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("mutation_gate", gate)  # its dataclasses look their module up
_spec.loader.exec_module(gate)


@pytest.mark.parametrize("breakage", gate.BREAKAGES, ids=lambda b: b.name)
def test_each_breakage_applies_once_and_names_existing_tests(breakage):
    source = (ROOT / breakage.path).read_text(encoding="utf-8")
    assert source.count(breakage.old) == 1
    for test in breakage.tests:
        path, _, name = test.partition("::")
        assert f"def {name}(" in (ROOT / path).read_text(encoding="utf-8"), test


def test_every_listed_equivalent_names_code_that_exists():
    entries = gate._load_equivalents()
    assert entries
    for entry in entries:
        source = (ROOT / entry["file"]).read_text(encoding="utf-8")
        assert f"def {entry['function'].rsplit('.', 1)[-1]}(" in source, entry
        for line in entry["removed"]:
            assert line in source, entry
        assert entry["removed"] != entry["added"] and len(entry["why"]) > 40, entry


def test_the_scratch_copy_gets_the_gates_configuration(tmp_path):
    args = argparse.Namespace(mutate="autograder/assignment/references.py",
                              tests=["tests/test_references.py"], isolation="forkserver")
    workspace = gate._populate(tmp_path / "scratch", args)
    config = tomllib.loads((workspace / "pyproject.toml").read_text(encoding="utf-8"))
    mutmut = config["tool"]["mutmut"]
    assert mutmut["only_mutate"] == ["autograder/assignment/references.py"]
    assert mutmut["pytest_add_cli_args_test_selection"] == ["tests/test_references.py"]
    assert mutmut["process_isolation"] == "forkserver"
    assert config["tool"]["pytest"]["ini_options"]["testpaths"] == ["tests"]
    assert (workspace / "autograder" / "assignment" / "verify.py").is_file()
    assert not list(workspace.rglob("__pycache__"))
    with pytest.raises(gate.GateError, match="does not exist"):
        gate._populate(tmp_path / "other", argparse.Namespace(
            mutate="autograder/nothing.py", tests=[], isolation="fork"))


def test_an_entry_without_a_reason_is_refused(tmp_path, monkeypatch):
    listed = tmp_path / "equivalents.json"
    listed.write_text(json.dumps([{"file": "a.py", "function": "f", "removed": ["x"],
                                   "added": ["y"], "why": ""}]), encoding="utf-8")
    monkeypatch.setattr(gate, "EQUIVALENTS", listed)
    with pytest.raises(gate.GateError, match="needs file, function, removed, added and why"):
        gate._load_equivalents()


def test_the_mutants_tests_are_found_by_their_unescaped_ids(tmp_path):
    """An id such as `q2.d=6.14656 × 10^5` is escaped by default, and then not
    found when mutmut passes it back to pytest: every such mutant became a
    runner error that mutmut files as a timeout."""
    args = argparse.Namespace(mutate="autograder/answers/number.py",
                              tests=["tests/test_trust_gates.py"], isolation="forkserver")
    workspace = gate._populate(tmp_path / "scratch", args)
    mutmut = tomllib.loads((workspace / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]
    assert "disable_test_id_escaping_and_forfeit_all_rights_to_community_support=true" in \
        mutmut["pytest_add_cli_args"]


@pytest.mark.parametrize("only, judged", [([], 3), (["pkg.mod.x_f__mutmut_*"], 2)])
def test_a_mutant_whose_tests_could_not_run_is_not_a_kill(tmp_path, monkeypatch, capsys, only, judged):
    meta = tmp_path / "mutants" / "pkg" / "mod.py.meta"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"exit_code_by_key": {
        "pkg.mod.x_f__mutmut_1": 255, "pkg.mod.x_f__mutmut_2": 1, "pkg.mod.x_g__mutmut_1": 1}}),
        encoding="utf-8")
    monkeypatch.setattr(gate, "_mutation", lambda workspace, name: ("f", ["a"], ["b"]))
    args = argparse.Namespace(mutate="pkg/mod.py", tests=["t"], reuse=True, only=only,
                              max_children=1)
    problems = gate._check_mutants(tmp_path, args)
    assert len(problems) == 1 and "x_f__mutmut_1 harness error" in problems[0]
    assert f"{judged - 1}/{judged} mutants killed" in capsys.readouterr().out
