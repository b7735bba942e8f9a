"""Fixtures of the Neo4j backend tests: a clean database, small cases.

The server itself (``neo4j_server``, ``neo4j_uri``) is a session fixture of ``tests/conftest.py``,
shared with the analysis tests that run on both backends (the ``backend`` fixture of
``tests/analyze/conftest.py``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from netanalysis.ingest import case_from_records


@pytest.fixture
def neo4j_conn(neo4j_server):
    """Connection keywords (uri, user, password) to an empty database."""
    from netanalysis.backends.neo4j.connection import connect

    with connect(neo4j_server["uri"], neo4j_server["user"], neo4j_server["password"]) as conn:
        with conn.session() as s:
            s.run("MATCH (n) DETACH DELETE n").consume()
            s.run("CALL gds.graph.list() YIELD graphName "
                  "CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped "
                  "RETURN count(*)").consume()
    return dict(neo4j_server)


@pytest.fixture
def small_case():
    """A hand-made case using every file kind, inferred ties and list-valued properties."""
    persons = [
        {"id": "P1", "name": "Ana Ruiz", "aliases": ["La Flaca"], "nationality": ["CO", "VE"],
         "role": "fugitive", "notice": "red", "wanted_by": ["CO"], "birth_date": "1980-02"},
        {"id": "P2", "name": "Luis Gomez", "aliases": None, "nationality": ["CO"],
         "role": "facilitator", "notice": None, "wanted_by": None, "birth_date": None},
        {"id": "P3", "name": "Marta Diaz", "aliases": None, "nationality": None,
         "role": "associate", "notice": None, "wanted_by": None, "birth_date": "1975"},
        {"id": "P4", "name": "Jorge Pena", "aliases": ["JP", "El Gordo"], "nationality": ["PA"],
         "role": "facilitator", "notice": None, "wanted_by": None, "birth_date": None},
        {"id": "P5", "name": "Rosa Vega", "aliases": None, "nationality": None,
         "role": "unknown", "notice": None, "wanted_by": None, "birth_date": None},
    ]
    orgs = pd.DataFrame({"id": ["O1"], "name": ["Clan del Golfo"], "kind": ["criminal_group"],
                         "country": ["CO"]})
    links = pd.DataFrame({
        "from_id": ["P2", "P3", "P2", "P4", "P1", "P2", "P4"],
        "to_id": ["P1", "P1", "O1", "P1", "P3", "P1", "P2"],
        "type": ["documents", "family", "member_of", "transport", "communication", "financial",
                 "associate"],
        "grading": ["B2", "A1", None, "C3", "F6", "B2", "D4"],
        "weight": [1.0, 1.0, 1.0, 2.0, 5.0, 1.0, 1.0],
        "start": ["2023-01", None, "2019", "2024-03-05", None, None, None],
        "end": [None, None, None, "2024-03-09", None, None, None],
        "provenance": ["DIJIN", "Interpol", None, "UIAF", None, "UIAF", None],
        "note": [None, "sister", None, None, None, None, None]})
    documents = pd.DataFrame({
        "id": ["D1"], "holder_id": ["P1"], "kind": ["passport"], "number": ["AB123"],
        "issuing_country": ["VE"], "status": ["fraudulent"], "provenance": ["SAIME"]})
    phones = pd.DataFrame({"number": ["+573001", "+573002"], "person_id": ["P1", "P2"]})
    calls = pd.DataFrame({"caller": ["+573001", "+573001", "+573002"],
                          "callee": ["+573002", "+573002", "+5799"],
                          "start": ["2024-01-01T10:00", "2024-01-02", "2024-02-01"],
                          "duration_s": [60.0, 30.0, 10.0]})
    travel = pd.DataFrame({
        "person_id": ["P1", "P4", "P1"], "depart": ["2024-03-05T10:00", "2024-03-05T10:00",
                                                   "2024-04-01"],
        "origin": ["BOG", "BOG", "PTY"], "destination": ["PTY", "PTY", "Cúcuta, CO"],
        "arrive": [None, None, None], "carrier": ["AV", "AV", None], "flight": ["85", "85", None],
        "document_id": ["D1", None, None], "booking_ref": ["XK9", "XK9", None],
        "mode": ["air", "air", "land"], "provenance": ["API", "API", None]})
    inferred = pd.DataFrame({"from_id": ["P1"], "to_id": ["P4"], "type": ["co_travel"],
                             "evidence": ["AV85 2024-03-05"], "score": [0.8],
                             "confidence": [0.15]})
    case = case_from_records(persons=persons, organizations=orgs, links=links,
                             documents=documents, phones=phones, calls=calls, travel=travel)
    case.inferred = inferred
    return case
