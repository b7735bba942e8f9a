"""Pushing a case into a real Neo4j and pulling it back (needs a server: see conftest)."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from netanalysis.backends.neo4j import connect, pull_graph, push_case, push_graph
from netanalysis.backends.neo4j.push import edge_key, graph_rows, neo4j_value
from netanalysis.errors import UnknownEntityError
from netanalysis.model.graph import build_graph
from netanalysis.progress import Progress

pytestmark = pytest.mark.neo4j


def _counts(conn):
    with connect(**conn) as c, c.session() as s:
        labels = {r["label"]: r["n"] for r in s.run(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n")}
        types = {r["type"]: r["n"] for r in s.run(
            "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")}
        props = s.run("MATCH (n) RETURN collect(properties(n)) AS p").single()["p"]
        rprops = s.run("MATCH ()-[r]->() RETURN collect(properties(r)) AS p").single()["p"]
    return labels, types, sorted(map(repr, props)), sorted(map(repr, rprops))


def _edge_multiset(G):
    return sorted(repr((u, v, sorted(d.items()))) for u, v, d in G.edges(data=True))


def _norm(attrs):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in attrs.items()}


def test_push_writes_the_property_graph(neo4j_conn, small_case):
    summary = push_case(small_case, batch_size=2, **neo4j_conn)
    G = build_graph(small_case)
    assert summary["rows"] == G.number_of_nodes() + G.number_of_edges()
    assert summary["dangling"] == 0
    assert summary["nodes"] == {"Person": 5, "Organization": 1, "Phone": 3, "Document": 1,
                                "Place": 4, "Journey": 2}  # 3 airports, CO (the organization)
    labels, types, _, _ = _counts(neo4j_conn)
    assert labels["Node"] == G.number_of_nodes()
    assert labels["Person"] == 5 and labels["Journey"] == 2
    assert types["DOCUMENTS"] == 1 and types["CO_TRAVEL"] == 1 and types["CALLED"] == 2
    assert sum(types.values()) == G.number_of_edges()
    with connect(**neo4j_conn) as c, c.session() as s:
        r = s.run("MATCH (:Person {id:'P2'})-[r:DOCUMENTS]->(:Person {id:'P1'}) "
                  "RETURN r.provenance AS p, r.grading AS g, r.confidence AS c, r.line AS line, "
                  "r.inferred AS inf, r.key AS key").single()
        assert (r["p"], r["g"], r["line"], r["inf"], r["key"]) == ("DIJIN", "B2", 2, False,
                                                                  "links.csv:2")
        assert math.isclose(r["c"], 0.64)
        r = s.run("MATCH (:Person {id:'P1'})-[r:CO_TRAVEL]->(:Person {id:'P4'}) "
                  "RETURN r.inferred AS inf, r.confidence AS c").single()
        assert r["inf"] is True and math.isclose(r["c"], 0.15)
        p1 = s.run("MATCH (n:Person {id:'P1'}) RETURN n").single()["n"]
        assert p1["aliases"] == ["La Flaca"] and p1["nationality"] == ["CO", "VE"]
        assert "notice" in p1 and "wanted_by" in p1
        p2 = s.run("MATCH (n:Person {id:'P2'}) RETURN n").single()["n"]
        assert "notice" not in p2 and "aliases" not in p2  # missing values are not stored
        d = s.run("MATCH (n:Document) RETURN n").single()["n"]
        assert d["id"] == "doc:D1" and d["case_id"] == "D1" and d["doc_kind"] == "passport"


def test_push_twice_changes_nothing(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    first = _counts(neo4j_conn)
    again = push_case(small_case, batch_size=3, **neo4j_conn)
    assert again["rows"] > 0
    assert _counts(neo4j_conn) == first


def _state(conn):
    """Every node (labels, properties) and relationship (ends, type, properties), sorted; each
    property map as sorted ``(key, repr(value))`` pairs, so 1 and 1.0 differ."""
    def items(p):
        return sorted((k, repr(v)) for k, v in p.items())

    with connect(**conn) as c, c.session() as s:
        nodes = sorted(repr((sorted(r["labels"]), items(r["p"]))) for r in s.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS p"))
        rels = sorted(repr((r["a"], r["t"], r["b"], items(r["p"]))) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"))
    return nodes, rels


@pytest.mark.parametrize("workers", [1, 2])
def test_repush_writes_only_what_changed(neo4j_conn, small_case, workers):
    """A re-push finds every row as it is and writes none; after a change (a property changed
    or removed on a node and on a relationship, a new node and a new relationship) it writes
    exactly the changed rows, and the database equals a clean push of the new graph."""
    G = build_graph(small_case)
    first = push_graph(G, workers=1, **neo4j_conn)
    assert first["strategy"] == "create" and first["unchanged"] == 0
    want = _state(neo4j_conn)
    again = push_graph(G, batch_size=3, workers=workers, **neo4j_conn)
    assert again["strategy"] == "merge"
    assert again["unchanged"] == again["rows"] == first["rows"]
    assert _state(neo4j_conn) == want
    H = G.copy()
    H.nodes["P2"]["name"] = "Luis Gómez"
    del H.nodes["P1"]["notice"]
    (u, v, k), = [(u, v, k) for u, v, k, t in H.edges(keys=True, data="type")
                  if t == "documents"]
    H.edges[u, v, k]["grading"] = "A1"
    k2 = next(k for _, v2, k, t in H.out_edges("P4", keys=True, data="type")
              if t == "associate" and v2 == "P2")
    del H.edges["P4", "P2", k2]["weight"]
    H.add_node("P9", kind="Person", name="Nuevo Vecino", role="associate")
    H.add_edge("P9", "P1", type="associate", line=99, grading="C3", confidence=0.36)
    res = push_graph(H, batch_size=3, workers=workers, **neo4j_conn)
    assert res["strategy"] == "merge" and res["rows"] == first["rows"] + 2
    assert res["unchanged"] == res["rows"] - 6
    got = _state(neo4j_conn)
    assert got != want
    with connect(**neo4j_conn) as c, c.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    # into an empty database every row is written, but a relationship whose only property is
    # its key (a journey's DEPARTS_FROM / ARRIVES_AT) is complete once MERGE creates it: no SET
    nodes, rels, _ = graph_rows(H)
    bare = sum(r["props"] == {"key": r["key"]} for rows in rels.values() for r in rows)
    assert push_graph(H, strategy="merge", workers=1, **neo4j_conn)["unchanged"] == bare
    assert _state(neo4j_conn) == got


class _Interrupt(Progress):
    """Progress that stops the push after `after` batches, as a kill would."""

    def __init__(self, after):
        super().__init__(quiet=True)
        self.after = after

    def count(self, label, done, total=None):
        self.after -= 1
        if self.after <= 0:
            raise KeyboardInterrupt


def test_interrupted_push_completes_without_duplicates(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    complete = _counts(neo4j_conn)
    with connect(**neo4j_conn) as c, c.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()
    # Push a prefix of the batches (nodes and some relationships), then the whole case.
    with pytest.raises(KeyboardInterrupt):
        push_case(small_case, batch_size=2, progress=_Interrupt(12), **neo4j_conn)
    partial = _counts(neo4j_conn)
    assert 0 < sum(partial[1].values()) < sum(complete[1].values())
    push_case(small_case, batch_size=2, **neo4j_conn)
    assert _counts(neo4j_conn) == complete


def test_replace_removes_a_previous_push(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    small_case.tables["persons"] = small_case.tables["persons"].iloc[:3]
    small_case.tables["links"] = small_case.tables["links"].iloc[:2]
    small_case.tables["travel"] = small_case.tables["travel"].iloc[:0]
    small_case.inferred = None
    push_case(small_case, replace=True, **neo4j_conn)
    labels, _, _, _ = _counts(neo4j_conn)
    assert labels["Person"] == 3 and "Journey" not in labels


def test_round_trip_equals_build_graph(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    H = pull_graph(**neo4j_conn)
    G = build_graph(small_case)
    assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(), G.number_of_edges())
    for n, attrs in G.nodes(data=True):
        assert _norm(H.nodes[n]) == _norm(attrs), n
    assert _edge_multiset(H) == _edge_multiset(nx.MultiDiGraph(
        [(u, v, _norm(d)) for u, v, d in G.edges(data=True)]))


def test_pull_a_fugitive_neighbourhood(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    G = build_graph(small_case)
    for hops in (0, 1, 2):
        H = pull_graph(fugitive="P1", hops=hops, **neo4j_conn)
        want = set(nx.ego_graph(G.to_undirected(as_view=True), "P1", radius=hops))
        assert set(H) == want
        assert H.number_of_edges() == G.subgraph(want).number_of_edges()
    with pytest.raises(UnknownEntityError, match="no node with id 'P9'"):
        pull_graph(fugitive="P9", **neo4j_conn)


def test_pull_a_block(neo4j_conn, small_case):
    push_case(small_case, **neo4j_conn)
    H = pull_graph(block="support_network", params={"id": "P1"}, **neo4j_conn)
    assert set(H) == {"P1", "P2", "P4"}
    assert sorted(d["type"] for _, _, d in H.edges(data=True)) == [
        "associate", "documents", "financial", "transport"] or sorted(
        d["type"] for _, _, d in H.edges(data=True)) == ["documents", "financial", "transport"]
    assert H.nodes["P2"]["kind"] == "Person" and H.nodes["P2"]["role"] == "facilitator"
    T = pull_graph(block="co_travel_graph", params={"id": "P1"}, **neo4j_conn)
    assert set(T) == {"P1", "P4", "journey:AV85|2024-03-05"}
    assert T.nodes["journey:AV85|2024-03-05"]["kind"] == "Journey"


def test_graph_rows_and_keys_are_deterministic(small_case):
    a = graph_rows(build_graph(small_case))
    b = graph_rows(build_graph(small_case))
    assert a == b
    nodes, rels, dangling = a
    keys = [r["key"] for rows in rels.values() for r in rows]
    assert len(keys) == len(set(zip(keys, [r["source"] for rows in rels.values() for r in rows])))
    assert edge_key("P1", "P4", {"type": "co_travel", "inferred": True}) == "co_travel:P1|P4#0"
    assert neo4j_value({"b": 1}) == '{"b": 1}'
    assert neo4j_value([1, 2.5]) == [1.0, 2.5]
    assert neo4j_value([]) is None
