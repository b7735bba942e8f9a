"""The present commands: map, report, export, import-ftm (CliRunner)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from present_cases import HOSTILE, make_case, write_case_folder

from netanalysis.cli import main


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    return write_case_folder(make_case(), tmp_path_factory.mktemp("cli") / "case")


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.slow
def test_map_command(case_dir, tmp_path):
    out = tmp_path / "m.html"
    r = _run("map", case_dir, "--out", out, "--whole", "-q")
    assert r.exit_code == 0, r.output
    assert f"wrote {out}: 21 nodes" in r.output
    assert HOSTILE not in out.read_text("utf-8")
    r = _run("map", case_dir, "--out", out, "--focus", "F2", "--hops", "1", "-q")
    assert r.exit_code == 0 and "4 nodes" in r.output, r.output
    r = _run("map", case_dir, "--out", out, "--top", "2", "--color-by", "group", "-q")
    assert r.exit_code == 0, r.output
    r = _run("map", case_dir, "--out", out, "--kinds", "Person,Organization",
             "--max-physics-nodes", "3", "-q")
    assert r.exit_code == 0 and "7 nodes" in r.output
    assert "map reduced: 7 nodes > 3: positions computed in Python" in r.output


def test_map_command_errors(case_dir, tmp_path):
    r = _run("map", case_dir, "--focus", "NOPE", "--out", tmp_path / "m.html", "-q")
    assert r.exit_code == 1 and "error: no node 'NOPE' in the case to focus on" in r.output
    r = _run("map", case_dir, "--focus", "F1", "--top", "3", "--out", tmp_path / "m.html")
    assert r.exit_code == 2 and "at most one of --focus, --top and --group" in r.output
    r = _run("map", case_dir, "--group", "nope", "--out", tmp_path / "m.html", "-q")
    assert r.exit_code == 1 and "no group 'nope'" in r.output
    r = _run("map", tmp_path / "missing")
    assert r.exit_code == 2 and "does not exist" in r.output


def test_report_command(case_dir, tmp_path):
    out = tmp_path / "r.html"
    r = _run("report", case_dir, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    assert f"wrote {out}:" in r.output and "fugitives" in r.output
    html = out.read_text("utf-8")
    assert "High-value fugitives" in html and HOSTILE not in html


@pytest.mark.parametrize("fmt,name", [("graphml", "c.graphml"), ("gexf", "c.gexf"),
                                      ("json", "c.json"), ("csv", "tables"),
                                      ("ftm", "c.ftm.jsonl"), ("anx", "c.anx")])
def test_export_command(case_dir, tmp_path, fmt, name):
    pytest.importorskip({"ftm": "followthemoney", "anx": "anxwritter"}.get(fmt, "networkx"))
    out = tmp_path / name
    r = _run("export", case_dir, "--format", fmt, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"wrote {fmt}: ")
    assert out.exists()
    if fmt == "json":
        data = json.loads(out.read_text("utf-8"))
        assert any(n.get("rank") == 1 for n in data["nodes"])  # the analysis travels along


def test_export_format_from_suffix_and_errors(case_dir, tmp_path):
    r = _run("export", case_dir, "--out", tmp_path / "c.graphml", "-q", "--no-analysis")
    assert r.exit_code == 0 and r.output.startswith("wrote graphml"), r.output
    r = _run("export", case_dir, "--out", tmp_path / "c.xyz", "-q")
    assert r.exit_code == 2 and "unknown export format '.xyz'" in r.output
    r = _run("export", case_dir, "--format", "pdf", "--out", tmp_path / "c.pdf")
    assert r.exit_code == 2 and "Invalid value for '--format'" in r.output


def test_import_ftm_command(case_dir, tmp_path):
    pytest.importorskip("followthemoney")
    r = _run("export", case_dir, "--format", "ftm", "--out", tmp_path / "c.jsonl", "--no-infer", "-q")
    assert r.exit_code == 0, r.output
    r = _run("import-ftm", tmp_path / "c.jsonl", "--out", tmp_path / "back")
    assert r.exit_code == 0, r.output
    assert "persons.csv (6)" in r.output and "links.csv (7)" in r.output
    r = _run("map", tmp_path / "back", "--out", tmp_path / "m.html", "-q")
    assert r.exit_code == 0 and "nodes" in r.output
    (tmp_path / "bad.jsonl").write_text("nope\n", "utf-8")
    r = _run("import-ftm", tmp_path / "bad.jsonl", "--out", tmp_path / "x")
    assert r.exit_code == 2 and "bad.jsonl:1: not JSON" in r.output


def test_map_command_investigation_view_and_whole(case_dir, tmp_path):
    out = tmp_path / "inv.html"
    r = _run("map", case_dir, "--out", out, "-q")
    assert r.exit_code == 0, r.output
    html = out.read_text("utf-8")
    assert "investigation view" in html and 'id="panel-groups"' in html
    r = _run("map", case_dir, "--out", tmp_path / "whole.html", "--whole", "-q")
    assert r.exit_code == 0, r.output
    whole = (tmp_path / "whole.html").read_text("utf-8")
    assert "investigation view" not in whole and 'id="panel-groups"' not in whole
    assert '"kind": "Phone"' in whole and '"kind": "Phone"' not in html
