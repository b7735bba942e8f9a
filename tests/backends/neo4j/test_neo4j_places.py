"""Places, ``located_at`` ties and travel legs through a real Neo4j (needs a server: see conftest).

A case pushed to Neo4j and pulled back must keep what movement anticipation reads: the Place
nodes with their country and coordinates, the ``located_at`` ties with their dates, grading
and provenance, and the travel legs (who travelled on which journey, from where to where).
Rebuilt into case tables from the pulled graph, the case gives the same anticipation.
"""

from __future__ import annotations

import pandas as pd
import pytest

from netanalysis.analyze.movements import anticipate
from netanalysis.backends.neo4j import case_from_graph, connect, pull_graph, push_case
from netanalysis.ingest import case_from_records
from netanalysis.model.graph import build_graph

PERSONS = [
    {"id": "F1", "name": "Ana Ruiz", "role": "fugitive", "nationality": ["CO"]},
    {"id": "S1", "name": "Luis Mora", "role": "facilitator", "nationality": ["PA"]},
    {"id": "S2", "name": "Eva Lara", "role": "facilitator", "nationality": ["ES"]},
    {"id": "R1", "name": "Rosa Ruiz", "role": "associate", "nationality": ["CO"]},
]
LEGS = [("F1", "2024-01-02T10:00", "BOG", "PTY", "CM", "101", "D1"),
        ("F1", "2024-01-20T10:00", "PTY", "BOG", "CM", "102", "D1"),
        ("F1", "2024-02-10T10:00", "BOG", "MAD", "AV", "10", "D1"),
        ("F1", "2024-02-25T10:00", "MAD", "BOG", "AV", "11", "D1"),
        ("F1", "2024-03-10T10:00", "BOG", "PTY", "CM", "101", "D2"),
        ("F1", "2024-03-30T10:00", "PTY", "Cúcuta, CO", None, None, None),
        ("R1", "2024-01-02T10:00", "BOG", "PTY", "CM", "101", None)]
TRAVEL = [{"person_id": p, "depart": d, "origin": o, "destination": t, "carrier": c,
           "flight": f, "document_id": doc, "mode": "air" if f else "land"}
          for p, d, o, t, c, f, doc in LEGS]
LINKS = [{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"},
         {"from_id": "S2", "to_id": "F1", "type": "documents", "grading": "C3",
          "start": "2023-06-01"},
         {"from_id": "R1", "to_id": "F1", "type": "family", "grading": "A1"}]
LOCATIONS = [
    {"person_id": "S1", "place": "PTY", "kind": "residence", "start": "2020-01-01",
     "grading": "B2", "provenance": "Residence register"},
    {"person_id": "S2", "place": "MAD", "kind": "residence", "start": "2020-01-01",
     "grading": "C3", "provenance": "Informant"},
    {"person_id": "F1", "place": "BOG", "kind": "residence", "start": "2019-01-01",
     "end": "2023-12-31", "grading": "B2", "provenance": "Residence register"},
    {"person_id": "F1", "place": "Panama City, PA", "kind": "safe_house", "start": "2024-01-03",
     "grading": "C3", "provenance": "Informant report", "note": "flat rented by S1"},
    {"person_id": "F1", "place": "Cúcuta, CO", "kind": "sighting", "start": "2024-04-02",
     "grading": "B2", "provenance": "Police surveillance report"},
]
DOCUMENTS = [
    {"id": "D1", "holder_id": "F1", "kind": "passport", "number": "A1234567",
     "issuing_country": "CO", "status": "valid"},
    {"id": "D2", "holder_id": "F1", "kind": "passport", "number": "X9999999",
     "issuing_country": "VE", "status": "fraudulent"},
]


@pytest.fixture
def travel_case():
    """A fugitive whose lodging supporter lives in PTY, with a safe house and a sighting."""
    return case_from_records(persons=PERSONS, travel=TRAVEL, links=LINKS, locations=LOCATIONS,
                             documents=DOCUMENTS)


def _edges(G, typ):
    return sorted(repr((u, v, sorted(d.items()))) for u, v, d in G.edges(data=True)
                  if d["type"] == typ)


def test_place_nodes_have_country_and_coordinates_in_neo4j(neo4j_conn, travel_case):
    push_case(travel_case, **neo4j_conn)
    with connect(**neo4j_conn) as c, c.session() as s:
        rows = {r["id"]: r for r in s.run(
            "MATCH (p:Place) RETURN p.id AS id, p.name AS name, p.country AS country, "
            "p.lat AS lat, p.lon AS lon")}
    G = build_graph(travel_case)
    places = {n for n, d in G.nodes(data=True) if d["kind"] == "Place"}
    assert set(rows) == places == {"place:BOG", "place:PTY", "place:MAD", "place:Cúcuta, CO",
                                   "place:Panama City, PA"}
    for pid in places:
        r, d = rows[pid], G.nodes[pid]
        assert (r["name"], r["country"]) == (d["name"], d["country"])
        assert r["lat"] == pytest.approx(d["lat"]) and r["lon"] == pytest.approx(d["lon"])
    assert rows["place:PTY"]["country"] == "PA" and rows["place:Cúcuta, CO"]["country"] == "CO"


def test_located_at_ties_keep_dates_grading_and_provenance(neo4j_conn, travel_case):
    push_case(travel_case, **neo4j_conn)
    with connect(**neo4j_conn) as c, c.session() as s:
        rows = [dict(r) for r in s.run(
            "MATCH (a:Person)-[r:LOCATED_AT]->(p:Place) RETURN a.id AS person, p.name AS place, "
            "r.location_kind AS kind, r.start AS start, r.end AS end, r.grading AS grading, "
            "r.confidence AS confidence, r.provenance AS provenance, r.note AS note "
            "ORDER BY person, place")]
    assert len(rows) == len(LOCATIONS)
    by = {(r["person"], r["place"]): r for r in rows}
    home = by[("F1", "BOG")]
    assert (home["kind"], home["start"], home["end"], home["grading"], home["provenance"]) == (
        "residence", "2019-01-01", "2023-12-31", "B2", "Residence register")
    assert home["confidence"] == pytest.approx(0.64)
    safe = by[("F1", "Panama City, PA")]
    assert (safe["kind"], safe["grading"], safe["note"]) == ("safe_house", "C3",
                                                             "flat rented by S1")
    seen = by[("F1", "Cúcuta, CO")]
    assert (seen["kind"], seen["start"], seen["end"]) == ("sighting", "2024-04-02", None)
    assert by[("S2", "MAD")]["provenance"] == "Informant"


def test_places_located_at_and_legs_round_trip(neo4j_conn, travel_case):
    push_case(travel_case, **neo4j_conn)
    H = pull_graph(**neo4j_conn)
    G = build_graph(travel_case)
    for typ in ("located_at", "travelled", "departs_from", "arrives_at"):
        assert _edges(H, typ) == _edges(G, typ), typ
        assert _edges(G, typ), typ
    for n, d in G.nodes(data=True):
        if d["kind"] in ("Place", "Journey"):
            assert dict(H.nodes[n]) == dict(d), n


def test_anticipate_gives_the_same_answer_from_a_case_pulled_back(neo4j_conn, travel_case):
    push_case(travel_case, **neo4j_conn)
    back = case_from_graph(pull_graph(**neo4j_conn))
    cols = ["id", "rank", "place", "country", "probability", "why", "current_place",
            "companions", "document", "facilitators", "method"]
    for as_of in (None, "2024-03-20"):
        want = anticipate(travel_case, as_of=as_of, top=10)[cols]
        got = anticipate(back, as_of=as_of, top=10)[cols]
        pd.testing.assert_frame_equal(got, want)
    first = anticipate(back, as_of="2024-03-20").iloc[0]
    assert first["place"] == "BOG" and first["current_place"] == "PTY"

