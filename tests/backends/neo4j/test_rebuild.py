"""A case rebuilt from its graph (netanalysis.backends.neo4j.rebuild): no server needed here;
``test_neo4j_places.py`` rebuilds one pulled from a real Neo4j."""

from __future__ import annotations

import pandas as pd

from netanalysis.backends.neo4j import case_from_graph
from netanalysis.ingest import case_from_records
from netanalysis.model.graph import build_graph

PERSONS = [
    {"id": "S1", "name": "Luis Mora", "role": "facilitator", "nationality": ["PA"],
     "aliases": ["El Flaco"], "clan": "north"},
    {"id": "F1", "name": "Ana Ruiz", "role": "fugitive", "nationality": ["CO", "VE"],
     "notice": "red", "wanted_by": ["CO"], "clan": "south"},
]
ORGS = [{"id": "O1", "name": "Naviera Sur", "kind": "company", "country": "PA"}]
LINKS = [{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
          "start": "2023-01-01", "provenance": "Informant", "note": "flat"},
         {"from_id": "F1", "to_id": "O1", "type": "member_of", "grading": "C3"}]
TRAVEL = [{"person_id": "F1", "depart": "2024-03-10T10:00", "origin": "BOG",
           "destination": "PTY", "carrier": "CM", "flight": "101", "document_id": "D1",
           "mode": "air"},
          {"person_id": "F1", "depart": "2024-01-02T10:00", "origin": "PTY",
           "destination": "Cúcuta, CO", "mode": "land"}]
LOCATIONS = [{"person_id": "S1", "place": "PTY", "kind": "residence", "start": "2020-01-01",
              "grading": "B2", "provenance": "Register"},
             {"person_id": "F1", "place": "Cúcuta, CO", "kind": "sighting",
              "start": "2024-01-05", "grading": "B2", "note": "market"}]
DOCUMENTS = [{"id": "D1", "holder_id": "F1", "kind": "passport", "number": "A1",
              "issuing_country": "CO", "status": "valid"}]
PHONES = [{"number": "+573001111111", "person_id": "F1"},
          {"number": "+50760333333", "person_id": "S1"}]


def test_the_rebuilt_case_has_the_same_tables_in_file_order():
    case = case_from_records(persons=PERSONS, organizations=ORGS, links=LINKS, travel=TRAVEL,
                             locations=LOCATIONS, documents=DOCUMENTS, phones=PHONES)
    back = case_from_graph(build_graph(case))
    assert back.rejects.empty
    for kind in ("persons", "organizations", "links", "travel", "locations", "documents",
                 "phones"):
        want, got = case.tables[kind], back.tables[kind]
        assert len(want), kind
        # a link's note is not on the graph (build_graph keeps the edge columns only)
        cols = [c for c in want.columns if not c.startswith("_")
                and (kind, c) != ("links", "note")]
        pd.testing.assert_frame_equal(got[cols].reset_index(drop=True),
                                      want[cols].reset_index(drop=True), obj=kind)
    assert back.tables["persons"]["clan"].tolist() == ["north", "south"]  # extra column kept


def test_inferred_ties_are_left_out():
    case = case_from_records(persons=PERSONS, links=LINKS[:1])
    G = build_graph(case)
    G.add_edge("F1", "S1", type="associate", inferred=True, grading="F6")
    back = case_from_graph(G)
    assert back.tables["links"][["from_id", "to_id", "type"]].values.tolist() == [
        ["S1", "F1", "lodging"]]


def test_the_node_kind_is_not_taken_for_the_files_kind_column():
    # in a pulled graph the attributes come in any order: doc_kind before kind
    case = case_from_records(persons=PERSONS, documents=DOCUMENTS, organizations=ORGS)
    G = build_graph(case)
    for n in ("doc:D1", "O1"):
        attrs = dict(G.nodes[n])
        G.nodes[n].clear()
        G.nodes[n].update(dict(sorted(attrs.items(), key=lambda kv: kv[0] == "kind")))
    back = case_from_graph(G)
    assert back.tables["documents"]["kind"].tolist() == ["passport"]
    assert back.tables["organizations"]["kind"].tolist() == ["company"]
