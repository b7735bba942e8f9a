"""``netanalysis validate``: counts on stdout, rejects on stderr, exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import netanalysis.cli.ingest  # noqa: F401  (registers the command)
from netanalysis.cli._common import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mapping_es"


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_validate_clean_case(write_case):
    d = write_case({"links.csv": "from_id,to_id,type\nP1,P2,family\n"})
    r = run("validate", str(d), "-q")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == [
        "kind     file         read  taken  rejected  encoding  delimiter",
        "persons  persons.csv     3      3         0  utf-8     ,",
        "links    links.csv       1      1         0  utf-8     ,",
        "total: 4 rows read, 4 taken, 0 rejected",
    ]
    assert r.stderr == ""


def test_validate_with_rejects_exits_1(write_case, tmp_path):
    d = write_case({"links.csv": "from_id,to_id,type\nP1,P9,family\n"})
    out = tmp_path / "rej.csv"
    r = run("validate", str(d), "--rejects", str(out), "-q")
    assert r.exit_code == 1
    assert "total: 4 rows read, 3 taken, 1 rejected" in r.stdout
    assert "links.csv:2:to_id: bad reference: refers to unknown person or organization 'P9'" in r.stderr
    assert out.read_text().splitlines() == [
        "file,line,column,value,problem",
        "links.csv,2,to_id,P9,bad reference: refers to unknown person or organization 'P9'"]


def test_validate_mapping_example():
    r = run("validate", str(EXAMPLE), "--mapping", "mapping.yaml", "-q")
    assert r.exit_code == 1
    assert "persons  personas.csv     5      3         2  cp1252    ;" in r.stdout
    assert "personas.csv: 2 of 5 rows rejected (bad date: 1, bad enumeration value: 1)" in r.stderr


def test_validate_whole_file_error_exit_2(write_case):
    d = write_case({"persons.csv": "id,nombre\nP1,Ana\n"})
    r = run("validate", str(d))
    assert r.exit_code == 2
    assert r.stderr == (f"error: {d / 'persons.csv'}:1: missing required column name (found: id, "
                        "nombre); rename the header or load the file through a mapping\n")
    assert "Traceback" not in r.output


def test_validate_help_has_examples():
    r = run("validate", "--help")
    assert r.exit_code == 0
    assert "Examples:" in r.stdout and "netanalysis validate examples/case" in r.stdout
