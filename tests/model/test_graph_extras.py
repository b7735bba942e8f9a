"""Extra columns in the graph model (issue 14): reserved names never collide, links keep theirs.

A persons.csv with an extra ``kind`` column, or an organizations.csv with ``org_kind``, used to
crash :func:`party_nodes`; extra columns of links.csv were dropped from the graph. Extra
columns now become ``extra_<name>`` properties, which survive GraphML and GEXF round trips.
"""

from __future__ import annotations

import pytest

from netanalysis.ingest import load_case
from netanalysis.model.graph import EXTRA_PREFIX, build_graph, party_edges, party_nodes

FILES = {
    "persons.csv": "id,name,role,kind,source,extra_kind\nP1,Ana,fugitive,boss,tip,a\n"
                   "P2,Luis,associate,,,\n",
    "organizations.csv": "id,name,kind,org_kind,role\nO1,Clan,criminal_group,cartel,front\n",
    "documents.csv": "id,holder_id,kind,number,doc_kind\nD1,P1,passport,AB1,forged\n",
    "links.csv": "from_id,to_id,type,channel,source,confidence\n"
                 "P1,P2,associate,whatsapp,DIJIN,0.99\nO1,P1,financial,,,\n",
    "travel.csv": "person_id,depart,origin,destination,seat\nP1,2024-03-01,BOG,MAD,12A\n",
}


@pytest.fixture
def case(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return load_case(tmp_path)


def test_reserved_names_in_persons_and_organizations_do_not_crash(case):
    nodes = party_nodes(case).set_index("id")
    assert nodes.loc["P1", "kind"] == "Person" and nodes.loc["O1", "kind"] == "Organization"
    assert nodes.loc["P1", "extra_kind"] == "boss"
    assert nodes.loc["P1", "extra_extra_kind"] == "a"
    assert nodes.loc["O1", "org_kind"] == "criminal_group"
    assert nodes.loc["O1", "extra_org_kind"] == "cartel"
    assert nodes.loc["O1", "role"] == "organization" and nodes.loc["O1", "extra_role"] == "front"


def test_build_graph_keeps_model_attributes_and_extras(case):
    G = build_graph(case)
    p1 = G.nodes["P1"]
    assert (p1["kind"], p1["source"], p1["extra_kind"], p1["extra_source"]) == (
        "Person", "persons.csv:2", "boss", "tip")
    assert G.nodes["O1"]["kind"] == "Organization"
    assert G.nodes["doc:D1"]["kind"] == "Document"
    assert (G.nodes["doc:D1"]["doc_kind"], G.nodes["doc:D1"]["extra_doc_kind"]) == ("passport",
                                                                                    "forged")
    [tie] = [d for d in G["P1"]["P2"].values()]
    assert tie["extra_channel"] == "whatsapp" and tie["extra_source"] == "DIJIN"
    assert tie["confidence"] == 0.25  # the model's own, not the extra column's 0.99
    assert tie["extra_confidence"] == "0.99"
    [leg] = [d for *_, d in G.out_edges("P1", data=True) if d["type"] == "travelled"]
    assert leg["extra_seat"] == "12A"
    assert not any(k.startswith(EXTRA_PREFIX) for k in G["O1"]["P1"][0])  # empty extras dropped


def test_party_edges_carry_link_extras_after_the_contract_columns(case):
    from netanalysis.model.graph import EDGE_COLUMNS

    e = party_edges(case)
    assert e.columns.tolist() == EDGE_COLUMNS + ["extra_channel", "extra_source",
                                                 "extra_confidence"]
    assert e["confidence"].tolist() == [0.25, 0.25]


@pytest.mark.parametrize("name", ["g.graphml", "g.gexf"])
def test_extras_round_trip_through_exports(tmp_path, case, name):
    from netanalysis.ingest.graphml import import_graph
    from netanalysis.present.exports import export_graph

    G = build_graph(case)
    export_graph(G, tmp_path / name)
    H = import_graph(tmp_path / name)
    assert H.nodes["P1"]["extra_kind"] == "boss" and H.nodes["P1"]["kind"] == "Person"
    assert H.nodes["O1"]["extra_org_kind"] == "cartel"
    tie = H["P1"]["P2"]
    if H.is_multigraph():  # GEXF comes back as a simple graph when no edges are parallel
        [tie] = tie.values()
    assert tie["extra_channel"] == "whatsapp" and tie["type"] == "associate"
