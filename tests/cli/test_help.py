"""Every command documents itself: --help works and shows examples."""

import click
import pytest
from click.testing import CliRunner

from netanalysis.cli import main


def _commands(group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


COMMANDS = list(_commands(main))


def test_there_are_commands():
    names = {p[0] for p, _ in COMMANDS}
    assert {"analyze"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_help_has_examples(path):
    res = CliRunner().invoke(main, [*path, "--help"])
    assert res.exit_code == 0, res.output
    assert "Examples:" in res.output, f"netanalysis {' '.join(path)} --help shows no examples"
    assert "netanalysis" in res.output.split("Examples:", 1)[1]


def test_root_help_and_version():
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0 and "analyze" in res.output
    res = CliRunner().invoke(main, ["--version"])
    assert res.exit_code == 0 and "0.1.0" in res.output


def test_unknown_case_folder_is_a_usage_error(tmp_path):
    res = CliRunner().invoke(main, ["analyze", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert "does not exist" in res.output
