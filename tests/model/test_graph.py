import networkx as nx
import pandas as pd
import pytest

from netanalysis.ingest import case_from_records
from netanalysis.model import (
    build_graph,
    co_travellers,
    filter_edges,
    itinerary,
    party_edges,
    party_graph,
    party_nodes,
    support_graph,
)
from netanalysis.model.graph import journey_key


def _case():
    """Every file kind, as the reader makes them (:func:`netanalysis.ingest.case_from_records`)."""
    persons = pd.DataFrame({
        "id": ["F1", "F2", "X1", "X2", "B1"],
        "name": ["Ana Pérez", "Luis Gómez", "Marta Ruiz", "Pedro Díaz", "Bea Soto"],
        "role": ["fugitive", "fugitive", "facilitator", "associate", "unknown"],
        "notice": ["red", "blue", None, None, None]})
    orgs = pd.DataFrame({"id": ["G1"], "name": ["Clan"], "kind": ["criminal_group"],
                         "country": ["CO"]})
    links = pd.DataFrame({
        "from_id": ["X1", "X1", "F1", "X2", "X2", "F1"],
        "to_id": ["F1", "F2", "X2", "F1", "G1", "X2"],
        "type": ["documents", "lodging", "family", "communication", "member_of", "associate"],
        "start": [None, "2023-01", "2010", "2024-02-01", None, None],
        "end": [None, "2023-06", None, None, None, None],
        "weight": [1.0, 2.0, 1.0, 5.0, 1.0, 1.0],
        "grading": ["B2", "A1", "F6", "C3", "B2", "B2"],
        "provenance": ["DIJIN", "Europol", None, "wiretap", "DIJIN", "DIJIN"],
        "note": [None] * 6})
    docs = pd.DataFrame({"id": ["D1"], "holder_id": ["F1"], "kind": ["passport"],
                         "number": ["CO123"], "issuing_country": ["CO"], "status": ["fraudulent"],
                         "provenance": ["DIJIN"]})
    phones = pd.DataFrame({"number": ["+571", "+572"], "person_id": ["F1", "X1"]})
    calls = pd.DataFrame({"caller": ["+571", "+571", "+579"], "callee": ["+572", "+572", "+571"],
                          "start": ["2024-01-01T10:00", "2024-01-02T10:00", "2024-01-03"],
                          "duration_s": [60.0, 30.0, None]})
    travel = pd.DataFrame({
        "person_id": ["F1", "X2", "F1", "B1"],
        "depart": ["2024-03-05T10:00", "2024-03-05T10:00", "2024-02-01", "2024-03-05"],
        "origin": ["BOG", "BOG", "MAD", "Cúcuta, CO"], "destination": ["MAD", "MAD", "BOG", "San Antonio, VE"],
        "arrive": [None] * 4, "carrier": ["IB", "IB", "AV", None], "flight": ["6500", "IB 6500", "10", None],
        "document_id": ["D1", None, None, None], "booking_ref": [None] * 4, "mode": ["air", "air", "air", "land"],
        "provenance": ["API"] * 4})
    tables = {"persons": persons, "organizations": orgs, "links": links,
              "documents": docs, "phones": phones, "calls": calls, "travel": travel}
    return case_from_records(**tables)


def test_build_graph_kinds_and_provenance():
    G = build_graph(_case())
    kinds = nx.get_node_attributes(G, "kind")
    assert kinds["F1"] == "Person" and kinds["G1"] == "Organization"
    assert kinds["doc:D1"] == "Document" and kinds["phone:+579"] == "Phone"
    assert kinds["place:BOG"] == "Place" and kinds["journey:IB6500|2024-03-05"] == "Journey"
    assert G.nodes["G1"]["org_kind"] == "criminal_group"
    assert G.nodes["doc:D1"]["doc_kind"] == "passport"
    e = G["X1"]["F1"][0]
    assert (e["type"], e["grading"], e["confidence"], e["provenance"]) == ("documents", "B2", 0.64, "DIJIN")
    assert e["directed"] is True or e["directed"] == True  # noqa: E712 (numpy bool)
    # a number no person uses is still a party of the call graph
    assert G.has_edge("phone:+579", "phone:+571")
    called = G["phone:+571"]["phone:+572"][0]
    assert called["count"] == 2 and called["duration_s"] == 90.0
    # both travellers of IB6500 on 2024-03-05 share one journey node
    assert G.has_edge("F1", "journey:IB6500|2024-03-05") and G.has_edge("X2", "journey:IB6500|2024-03-05")
    assert G.nodes["F1"]["source"] == "persons.csv:2"


def test_every_link_row_becomes_one_edge():
    c = _case()
    G = build_graph(c)
    link_edges = [d for _, _, d in G.edges(data=True) if d["type"] in set(c.links["type"])]
    assert len(link_edges) == len(c.links)


def test_party_graph_combines_parallel_ties():
    c = _case()
    P = party_graph(party_edges(c), party_nodes(c))
    assert set(P.nodes) == {"F1", "F2", "X1", "X2", "B1", "G1"}
    d = P["F1"]["X2"]  # family F6 (1 x .25) + communication C3 (5 x .36) + associate B2 (.64)
    assert d["weight"] == pytest.approx(7.0)
    assert d["strength"] == pytest.approx(0.25 + 1.8 + 0.64)
    assert d["types"] == ("associate", "communication", "family")
    assert d["confidence"] == pytest.approx(0.64)
    assert P.degree("B1") == 0


def test_filters():
    e = party_edges(_case())
    assert set(filter_edges(e, link_types=["family"])["type"]) == {"family"}
    assert (filter_edges(e, min_confidence=0.5)["confidence"] >= 0.5).all()
    w = filter_edges(e, since="2023-07")
    assert "lodging" not in set(w["type"])          # ended 2023-06
    assert "documents" in set(w["type"])            # undated: kept by default
    assert "documents" not in set(filter_edges(e, since="2023-07", keep_undated=False)["type"])


def test_inferred_ties_can_be_excluded():
    c = _case()
    c.inferred = pd.DataFrame({"from_id": ["F1"], "to_id": ["B1"], "type": ["co_travel"],
                               "evidence": ["2 shared flights"], "score": [0.8], "confidence": [0.16]})
    e = party_edges(c)
    assert e["inferred"].sum() == 1
    assert not filter_edges(e, include_inferred=False)["inferred"].any()
    assert len(party_edges(c, include_inferred=False)) == len(c.links)
    G = build_graph(c)
    assert G["F1"]["B1"][0]["inferred"] == True  # noqa: E712


def test_support_graph_directed_services():
    c = _case()
    S = support_graph(party_edges(c), party_nodes(c))
    assert S.has_edge("X1", "F1") and not S.has_edge("F1", "X1")
    assert S["X1"]["F2"]["services"] == ("lodging",)
    assert S.number_of_edges() == 2


def test_itinerary_and_co_travellers():
    c = _case()
    legs = itinerary(c, "F1")
    assert list(legs["depart"]) == ["2024-02-01", "2024-03-05T10:00"]
    co = co_travellers(c, "F1")
    assert list(co["person_id"]) == ["X2"]
    assert journey_key({"flight": "IB 6500", "carrier": "IB", "depart": "2024-03-05"}) == "journey:IB6500|2024-03-05"


def test_co_travellers_matches_every_row_keyed_on_its_own():
    # co_travellers computes journey keys only for rows departing on one of the person's
    # days; the answer must equal keying every row (as it did before), on awkward rows too
    legs = [("F1", "2024-03-01T08:00", "CM", "CM100"), ("A", "2024-03-01", "CM", "100"),
            ("B", "2024-03-01", None, "CM 100"), ("C", "2024-03-02", "CM", "CM100"),
            ("F1", "2024-03", "AV", "85"), ("D", "2024-03", "AV", "AV85"),
            ("E", "2024-03-15", "AV", "85"), ("F1", "2024", "IB", "6"), ("G", "2024", "IB", "IB6"),
            ("F1", "2024-04-01", None, None), ("H", "2024-04-01", None, None),
            ("F1", "2024-05-01", "X|Y", "1"), ("I", "2024-05-01", "X|Y", "X|Y1"),
            ("J", "2024-05-01", "X", "|Y1|2024-05-01")]
    travel = [{"person_id": p, "depart": d, "origin": "BOG", "destination": "PTY",
               "carrier": c, "flight": f} for p, d, c, f in legs]
    c = case_from_records(persons=[{"id": p, "name": p} for p in sorted({x[0] for x in legs})],
                          travel=travel)
    tr = c.tables["travel"]
    keys = pd.Series([journey_key(r) for r in tr.to_dict("records")], index=tr.index)
    mine = set(keys[(tr["person_id"] == "F1") & ~keys.str.startswith("journey:row")])
    sel = keys.isin(mine) & (tr["person_id"] != "F1")
    want = sorted(zip(tr.loc[sel, "person_id"], keys[sel]))
    got = co_travellers(c, "F1")
    assert sorted(zip(got["person_id"], got["journey"])) == want
    assert {"A", "B", "I"} <= set(got["person_id"]) and "H" not in set(got["person_id"])
