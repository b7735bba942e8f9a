"""Fixtures of the Neo4j backend tests: a clean database, small cases, a server of our own.

The server itself (``neo4j_server``, ``neo4j_uri``) is a session fixture of ``tests/conftest.py``,
shared with the analysis tests that run on both backends (the ``backend`` fixture of
``tests/analyze/conftest.py``).

The tests that need a server configured otherwise (loaded by the bulk importer, with
authentication on, with a Neo4j setting, or one to kill) share one more server,
``own_server``: started once, on first use, with all of that at once (a start costs 15-30 s
on two cores; they used to start four).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from netanalysis.ingest import case_from_records
from netanalysis.model.graph import build_graph


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
    return make_small_case()


def make_small_case():
    """The case of the ``small_case`` fixture (a new one at each call)."""
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


#: Text that a CSV writer must quote (the bulk importer's files) and read back unchanged.
HOSTILE_TEXT = (
    'Ana, "La\nFlaca"\r\nend', '=HYPERLINK("http://x","y")', "+cmd", "-2", "@SUM(A1)",
    " padded ", "C:\\path\\", 'trailing quote"', '"', ",", "Cúcuta ☃", "tab\there", "''",
)
#: The password of ``own_server`` (authentication is on there).
OWN_PASSWORD = "s3cret-Pa55word"
#: The Neo4j setting ``own_server`` is started with (``--config``), and its value.
OWN_SETTING = ("db.relationship_grouping_threshold", "77")


@pytest.fixture(scope="session")
def hostile_text():
    """:data:`HOSTILE_TEXT`."""
    return HOSTILE_TEXT


def hostile_graph(case):
    """The property graph of `case`, with hostile text and values of several types."""
    G = build_graph(case, include_inferred=True)
    persons = sorted(n for n, a in G.nodes(data=True) if a.get("kind") == "Person")
    for i, text in enumerate(HOSTILE_TEXT):
        G.nodes[persons[i % len(persons)]][f"note{i}"] = text
    a, b, c = persons[:3]
    G.nodes[a]["aliases"] = ["x;y", "p|q", 'q"uote', "=1+1", "new\nline"]
    # one property, three types: the rows split, every value keeps its type
    G.nodes[a]["score"], G.nodes[b]["score"], G.nodes[c]["score"] = 3, 2.5, "high"
    G.nodes[a]["flags"], G.nodes[b]["ints"] = [True, False], [1, 2 ** 62]
    G.nodes[c]["floats"] = [0.1, 1e-300, -0.0]
    G.nodes[a]["big"], G.nodes[b]["inf"], G.nodes[c]["negzero"] = 2 ** 62, float("inf"), -0.0
    u, v, k = next(iter(G.edges(keys=True)))
    G.edges[u, v, k]["evidence"] = HOSTILE_TEXT[0]
    G.edges[u, v, k]["ratio"] = 1 / 3
    return G


class OwnServer:
    """A local server of its own configuration, started on first :meth:`start`.

    It is loaded by the bulk importer with :func:`hostile_graph` of the ``small_case``
    (:attr:`graph`), has authentication on (user ``neo4j``, :data:`OWN_PASSWORD`) and the
    setting :data:`OWN_SETTING`. A test that changes it for good (kills it, or loads other
    data) calls :meth:`discard` when done, and the next user gets a new one.
    """

    def __init__(self, root, graph):
        self.root, self.graph = root, graph
        self._cm = self.uri = self.home = None
        self.starts = 0
        #: Whether the server holds what the importer loaded, untouched (see :meth:`start`).
        self.imported = False

    def start(self, imported=False):
        """Start the server if it is not running; return ``dict(uri=, user=, password=)``.

        With `imported`, a server whose data a test has changed (:attr:`imported` false) is
        replaced by a new one first: the caller gets the importer's load itself.
        """
        from netanalysis.backends.neo4j.server import can_run, local_server

        if imported and self._cm is not None and not self.imported:
            self.discard()
        if self._cm is None:
            ok, reason = can_run()
            if not ok:
                if os.environ.get("NETANALYSIS_REQUIRE_NEO4J") == "1":
                    pytest.fail(f"NETANALYSIS_REQUIRE_NEO4J=1 but the local server cannot run: "
                                f"{reason}")
                pytest.skip(reason)
            self.starts += 1
            self.home = self.root / f"home{self.starts}"
            cm = local_server(self.home, timeout=600, case=self.graph,
                              auth_password=OWN_PASSWORD, config=dict([OWN_SETTING]))
            self.uri = cm.__enter__()
            self._cm = cm
            self.imported = True
        return {"uri": self.uri, "user": "neo4j", "password": OWN_PASSWORD}

    def discard(self):
        """Stop the server (or tidy up after it was killed); the next start makes a new one."""
        cm, self._cm = self._cm, None
        self.imported = False
        if cm is not None:
            cm.__exit__(None, None, None)


@pytest.fixture(scope="session")
def own_server(tmp_path_factory):
    """The :class:`OwnServer` of the session (call ``start()`` for its connection keywords)."""
    server = OwnServer(tmp_path_factory.mktemp("own-neo4j"), hostile_graph(make_small_case()))
    try:
        yield server
    finally:
        server.discard()
