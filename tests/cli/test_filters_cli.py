"""Filter options are checked when the command line is parsed: a clear message, no traceback."""

import csv

import pytest
from click.testing import CliRunner

from netanalysis.cli import main


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("case")
    with open(d / "persons.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["id", "name", "role"], ["P1", "Ana", "fugitive"],
                                 ["P2", "Luis", "facilitator"]])
    (d / "links.csv").write_text("from_id,to_id,type\nP2,P1,lodging\n", "utf-8")
    return str(d)


@pytest.mark.parametrize("command", [["rank"], ["analyze", "--out", "OUT"], ["map"],
                                     ["groups"], ["export", "--out", "OUT.graphml"]])
@pytest.mark.parametrize("option,value,message", [
    ("--since", "2024-13", "Invalid value for '--since': not a valid date: '2024-13'"),
    ("--until", "2024-02-30", "Invalid value for '--until': not a valid date"),
    ("--link-types", "famly", "unknown link type 'famly' (did you mean 'family'?)"),
    ("--min-confidence", "2", "is not between 0 and 1"),
])
def test_bad_filter_options(case_dir, tmp_path, command, option, value, message):
    args = [a.replace("OUT", str(tmp_path / "o")) for a in command]
    r = CliRunner().invoke(main, [args[0], case_dir, *args[1:], option, value, "-q"])
    assert r.exit_code == 2, r.output
    assert message in r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception,
                                                                            SystemExit)
    assert not (tmp_path / "o").exists()  # refused before anything was written


def test_bad_diff_window(case_dir):
    r = CliRunner().invoke(main, ["diff", case_dir, "2023-13..2024", "2024..2025", "-q"])
    assert r.exit_code == 2 and "window '2023-13..2024': not a valid date: '2023-13'" in r.output
