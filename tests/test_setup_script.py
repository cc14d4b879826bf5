"""setup.sh's failures are one clear line each, never a shell error or a
traceback, and never a success."""
from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def setup(tmp_path: Path, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "setup.sh")], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "VENV": str(tmp_path / "venv"), **environment},
                          timeout=120)


def test_a_missing_interpreter_is_one_line(tmp_path):
    ran = setup(tmp_path, PYTHON="python9")
    assert ran.returncode == 1
    assert ran.stderr.strip().splitlines() == [
        "setup.sh: no Python interpreter 'python9' on PATH; install Python 3.10+ or name one "
        "with PYTHON=python3.12"]
    assert not (tmp_path / "venv").exists()


@pytest.mark.skipif(not glob.glob(os.path.expanduser("~/.pyenv/versions/3.9.*/bin/python3.9")),
                    reason="needs a Python 3.9 (pyenv) to show it is refused")
def test_an_old_interpreter_is_one_line(tmp_path):
    old = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.9.*/bin/python3.9")))[-1]
    ran = setup(tmp_path, PYTHON=old)
    assert ran.returncode == 1
    [line] = ran.stderr.strip().splitlines()
    assert line.startswith("setup.sh: Python 3.9.") and "Python 3.10 or newer is required" in line


def test_an_unwritable_environment_place_is_a_clear_line(tmp_path):
    ran = setup(tmp_path, VENV="/proc/no-venv-here")
    assert ran.returncode == 1
    assert ran.stderr.strip().splitlines()[-1].startswith(
        "setup.sh: could not create a virtual environment at /proc/no-venv-here")


def test_an_unknown_option_is_a_usage_error(tmp_path):
    ran = subprocess.run([str(ROOT / "setup.sh"), "--bogus"], capture_output=True, text=True)
    assert ran.returncode == 2 and "unknown argument '--bogus'" in ran.stderr
