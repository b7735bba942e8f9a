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
    assert f"wrote {out}: 22 nodes" in r.output  # 21 + the place of the organization's country
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


def _drawn(output):
    """(nodes, ties) from 'wrote PATH: N nodes, M ties' (or 'edges')."""
    words = output.rsplit(":", 1)[1].replace(",", "").split()
    return int(words[0]), int(words[2])


def test_map_and_export_draw_the_filtered_ties(case_dir, tmp_path):
    """Before: map and export drew every tie whatever --link-types said."""
    from netanalysis.ingest.graphml import import_graph
    from netanalysis.model import filter_edges, party_edges
    from netanalysis.pipeline import prepare_case

    e = filter_edges(party_edges(prepare_case(case_dir)), link_types=["family", "lodging"])
    want = (len(set(e["source"]) | set(e["target"])), len(e))
    assert 0 < want[1]
    r = _run("map", case_dir, "--out", tmp_path / "all.html", "-q", "--whole")
    everything = _drawn(r.output.strip().splitlines()[-1])
    r = _run("map", case_dir, "--out", tmp_path / "f.html", "-q", "--whole",
             "--link-types", "family,lodging")
    assert r.exit_code == 0, r.output
    assert _drawn(r.output.strip().splitlines()[-1]) == want != everything
    for name in ("all.graphml", "f.graphml"):
        extra = ["--link-types", "family,lodging"] if name == "f.graphml" else []
        r = _run("export", case_dir, "--out", tmp_path / name, "-q", *extra)
        assert r.exit_code == 0, r.output
    G, H = import_graph(tmp_path / "all.graphml"), import_graph(tmp_path / "f.graphml")
    assert (G.number_of_nodes(), G.number_of_edges()) == everything
    assert (H.number_of_nodes(), H.number_of_edges()) == want
    assert {d["type"] for *_, d in H.edges(data=True)} == {"family", "lodging"}


def test_filters_other_than_types_keep_the_structural_ties(case_dir, tmp_path):
    from netanalysis.ingest.graphml import import_graph

    r = _run("export", case_dir, "--out", tmp_path / "all.graphml", "-q", "--no-analysis")
    assert r.exit_code == 0, r.output
    r = _run("export", case_dir, "--out", tmp_path / "f.graphml", "-q", "--no-analysis",
             "--min-confidence", "0.5")
    assert r.exit_code == 0, r.output
    G, H = import_graph(tmp_path / "all.graphml"), import_graph(tmp_path / "f.graphml")
    assert G.number_of_nodes() == H.number_of_nodes()
    weak = [d for *_, d in G.edges(data=True) if d.get("confidence", 1.0) < 0.5]
    assert weak and not [d for *_, d in H.edges(data=True) if d.get("confidence", 1.0) < 0.5]
    assert H.number_of_edges() == G.number_of_edges() - len(weak)
    assert {"holds", "uses"} <= {d["type"] for *_, d in H.edges(data=True)}


def test_analyze_draws_and_reports_what_it_analysed(case_dir, tmp_path, monkeypatch):
    """Before: analyze drew network.html and report.html with every tie and default settings."""
    import netanalysis.present
    from netanalysis.settings import load_settings

    seen = {}

    def spy(name):
        def record(*args, **kw):
            seen[name] = kw
        return record

    monkeypatch.setattr(netanalysis.present, "network_map", spy("map"))
    monkeypatch.setattr(netanalysis.present, "write_report", spy("report"))
    s = tmp_path / "s.yaml"
    s.write_text("map:\n  max_physics_nodes: 7\n", "utf-8")
    r = _run("analyze", case_dir, "--out", tmp_path / "out", "-q", "--link-types", "family",
             "--settings", s)
    assert r.exit_code == 0, r.output
    for name in ("map", "report"):
        assert seen[name]["filters"]["link_types"] == ["family"], name
        assert seen[name]["settings"] == load_settings(s), name


def test_investigation_view_of_the_filtered_ties(case_dir, tmp_path):
    r = _run("map", case_dir, "--out", tmp_path / "a.html", "-q")
    assert r.exit_code == 0, r.output
    r2 = _run("map", case_dir, "--out", tmp_path / "f.html", "-q", "--link-types", "family")
    assert r2.exit_code == 0, r2.output
    assert "investigation view" in (tmp_path / "f.html").read_text("utf-8")
    assert _drawn(r2.output.strip().splitlines()[-1])[1] < _drawn(
        r.output.strip().splitlines()[-1])[1]
