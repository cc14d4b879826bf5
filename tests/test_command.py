"""The `autograder` command: every subcommand has a complete help of its
own, under its own name, and the top level lists them all."""
from __future__ import annotations

import subprocess
import sys

import pytest

from autograder import __version__
from autograder.__main__ import SUBCOMMANDS, main


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_every_subcommand_has_a_help_under_its_own_name(name):
    completed = subprocess.run([sys.executable, "-m", "autograder", name, "--help"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"usage: autograder {name}"), completed.stdout[:200]
    assert "options:" in completed.stdout and completed.stderr == ""


def test_the_self_checks_help_lists_the_option_only_the_command_has():
    completed = subprocess.run([sys.executable, "-m", "autograder", "check", "--help"],
                               capture_output=True, text=True, timeout=120)
    assert "--spec SPEC" in completed.stdout and "--email EMAIL" in completed.stdout


def test_the_top_level_help_lists_every_subcommand_and_the_version(capsys):
    assert main(["--help"]) == 0
    listing = capsys.readouterr().out
    assert all(f"  {name} " in listing for name in SUBCOMMANDS)
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"autograder {__version__}"
    assert main(["no-such-job"]) == 2
