"""CLI output from data: control characters shown escaped, formula-safe CSV, atomic files."""

import csv
import json

import pytest
from click.testing import CliRunner

from netanalysis.cli import main

ESC_NAME = "Evil\x1b[2J\x1b]0;pwned\x07\x9b31m"


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("case")
    with open(d / "persons.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([
            ["id", "name", "role"], ["P1", ESC_NAME, "fugitive"],
            ["P2", "=HYPERLINK(\"http://evil\")", "facilitator"],
            ["P3", "Luis", "boss\x1b[31m"]])  # rejected: the value reaches the summary
    (d / "links.csv").write_text("from_id,to_id,type\nP2,P1,lodging\n", "utf-8")
    return str(d)


def _run(*args):
    return CliRunner().invoke(main, list(args))


def _raw_controls(text):
    return [c for c in text if (ord(c) < 32 and c not in "\n") or 0x7f <= ord(c) <= 0x9f]


def test_rank_table_escapes_control_characters(case_dir):
    r = _run("rank", case_dir, "-q")
    assert r.exit_code == 0, r.output
    assert _raw_controls(r.output) == []
    assert "Evil\\x1b[2J\\x1b]0;pwned\\x07\\x9b31m" in r.output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_rank_csv_and_json_reach_the_terminal_escaped(case_dir, fmt):
    r = _run("rank", case_dir, "-q", "--format", fmt)
    assert r.exit_code == 0, r.output
    assert _raw_controls(r.output) == []
    if fmt == "csv":
        names = [row["name"] for row in csv.DictReader(r.output.splitlines())]
        assert "'=HYPERLINK(\"http://evil\")" in names
    else:
        assert "=HYPERLINK" in {x["name"][:10] for x in json.loads(r.output)}


def test_analyze_summary_and_rejects_are_escaped(case_dir, tmp_path):
    r = _run("analyze", case_dir, "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.output
    assert _raw_controls(r.output) == []
    assert "rejected" in r.output


def test_errors_are_escaped(case_dir):
    r = _run("support", case_dir, "NOPE\x1b[2J", "-q")
    assert r.exit_code != 0
    assert "\x1b" not in r.output


def test_single_file_commands_replace_a_symlink(case_dir, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", "utf-8")
    for name, args in (("m.html", ["map"]), ("r.html", ["report"]),
                       ("g.graphml", ["export"]), ("g.gexf", ["export"])):
        link = tmp_path / name
        link.symlink_to(victim)
        r = _run(*args, case_dir, "--out", str(link), "-q")
        assert r.exit_code == 0, (name, r.output)
        assert victim.read_text("utf-8") == "precious", name
        assert not link.is_symlink() and link.stat().st_size > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".netanalysis-tmp")]
