"""`autograder key` and `autograder sheet` end alike (autograder/text_output.py):
--output's folder is created, an unwritable path is one line and exit 1."""
from __future__ import annotations

import pytest

from autograder.__main__ import EXIT_DONE, EXIT_FAILED
from autograder.__main__ import main as autograder_command

#: Each subcommand that writes one text, and a line its text begins with.
COMMANDS = {
    "key": (["key"], "# Answer key:"),
    "sheet template": (["sheet", "template"], "# HW3"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_output_in_a_missing_folder_is_written_there(tmp_path, capsys, name):
    arguments, first_line = COMMANDS[name]
    output = tmp_path / "missing" / "folder" / "out.md"
    assert autograder_command([*arguments, "--output", str(output)]) == EXIT_DONE
    assert output.read_text(encoding="utf-8").startswith(first_line)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("name", COMMANDS)
def test_without_output_the_text_is_printed(capsys, name):
    arguments, first_line = COMMANDS[name]
    assert autograder_command(arguments) == EXIT_DONE
    assert capsys.readouterr().out.startswith(first_line)


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("where", ["below a file", "a folder"])
def test_an_unwritable_output_is_one_line_and_exit_1(tmp_path, capsys, name, where):
    arguments, _ = COMMANDS[name]
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    output = tmp_path / "a-file" / "out.md" if where == "below a file" else tmp_path
    assert autograder_command([*arguments, "--output", str(output)]) == EXIT_FAILED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"autograder {arguments[0]}: cannot write {output}: ")
    assert "Traceback" not in captured.err
