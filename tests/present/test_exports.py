"""Exports and imports: GraphML, GEXF, node-link JSON, CSV tables round trips."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from present_cases import HOSTILE

from netanalysis.errors import InputError
from netanalysis.ingest.graphml import import_graph
from netanalysis.present.exports import case_graph, export_case, export_graph


def _same(a, b):
    """Compare attribute values after a round trip (tuples come back as lists)."""
    norm = lambda v: list(v) if isinstance(v, (tuple, set)) else v  # noqa: E731
    return norm(a) == norm(b)


@pytest.mark.parametrize("fmt,name", [("graphml", "g.graphml"), ("gexf", "g.gexf"),
                                      ("json", "g.json"), ("csv", "tables")])
def test_round_trip_keeps_graph_and_attributes(tmp_path, case, analysis, fmt, name):
    G = case_graph(case, analysis)
    assert G.nodes["F1"]["score"] == 0.91 and G.nodes["F1"]["group"] == 1
    files = export_graph(G, tmp_path / name)  # format from the suffix (csv: a folder)
    assert all(f.exists() for f in files)
    H = import_graph(tmp_path / name, fmt)
    assert set(H.nodes) == set(G.nodes)
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))
    assert H.is_directed() and H.is_multigraph()
    for n, d in G.nodes(data=True):
        assert set(H.nodes[n]) == set(d), n
        for k, v in d.items():
            assert _same(H.nodes[n][k], v), (n, k, v, H.nodes[n][k])
    for u, v, k, d in G.edges(keys=True, data=True):
        for key, val in d.items():
            assert _same(H[u][v][k][key], val), (u, v, k, key, val)
    # the key attributes, spelled out
    assert H.nodes["F1"]["kind"] == "Person" and H.nodes["F1"]["nationality"] == ["CO"]
    assert H.nodes["X2"]["name"] == HOSTILE
    assert H.nodes["doc:D1"]["id"] == "D1"  # an attribute named like the format's own keys
    lodging = [d for *_, d in H.edges("X1", data=True) if d["type"] == "lodging"][0]
    assert lodging["grading"] == "A1" and lodging["confidence"] == 1.0
    assert lodging["provenance"] == "Europol" and lodging["start"] == "2023-01"
    inferred = [d for *_, d in H.edges("F1", data=True) if d["type"] == "co_travel"][0]
    assert inferred["inferred"] is True


def test_gexf_is_gephi_friendly(tmp_path, case):
    G = case_graph(case)
    export_graph(G, tmp_path / "g.gexf")
    text = (tmp_path / "g.gexf").read_text("utf-8")
    assert 'label="Ana Pérez"' in text  # Gephi shows names
    assert "attr_type" in text and 'mode="static"' in text  # link types not taken as GEXF's own


def test_csv_headers_carry_types(tmp_path, case):
    export_graph(case_graph(case), tmp_path / "t", "csv")
    head = (tmp_path / "t" / "edges.csv").read_text("utf-8").splitlines()[0].split(",")
    assert {"source:str", "target:str", "key:int", "confidence:float", "inferred:bool",
            "type:str"} <= set(head)
    nhead = (tmp_path / "t" / "nodes.csv").read_text("utf-8").splitlines()[0].split(",")
    assert {"id:str", "nationality:json", "attr_id:str"} <= set(nhead)


def test_simple_graphs_round_trip(tmp_path):
    G = nx.karate_club_graph()
    G = nx.relabel_nodes(G, str)
    nx.set_node_attributes(G, {n: [n, "x"] for n in G}, "tags")
    for fmt in ("graphml", "json", "csv", "gexf"):
        p = tmp_path / f"k.{fmt}"
        export_graph(G, p, fmt)
        H = import_graph(p, fmt)
        assert H.number_of_nodes() == 34 and H.number_of_edges() == 78
        assert H.nodes["0"]["tags"] == ["0", "x"] and H.nodes["0"]["club"] == "Mr. Hi"


def test_export_case_formats_and_errors(tmp_path, case, analysis):
    info = export_case(case, tmp_path / "c.json", analysis=analysis)
    assert info["format"] == "json" and info["nodes"] == 22  # with the organization's country
    data = json.loads((tmp_path / "c.json").read_text("utf-8"))
    assert len(data["nodes"]) == 22 and len(data["edges"]) == info["edges"]
    with pytest.raises(InputError, match="unknown export format"):
        export_case(case, tmp_path / "c.xyz")
    with pytest.raises(InputError, match="no such file"):
        import_graph(tmp_path / "missing.graphml")
    (tmp_path / "bad.json").write_text("{nope", "utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        import_graph(tmp_path / "bad.json")
