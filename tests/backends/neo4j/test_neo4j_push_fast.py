"""The CREATE fast path of the push, parallel sessions and the clearing in transactions.

A push into a database that holds no node of a previous push writes with CREATE; into one
that does, with MERGE. Both, and any number of writing sessions, must leave exactly the same
database (needs a server: see conftest, except the graph_rows test).
"""

from __future__ import annotations

import tempfile

import networkx as nx
import pytest

from netanalysis.backends.neo4j import connect, push_case, push_graph
from netanalysis.backends.neo4j.push import clear_database, graph_rows
from netanalysis.errors import BackendError
from netanalysis.model.graph import build_graph


def _snapshot(conn):
    with connect(**conn) as c, c.session() as s:
        nodes = sorted(repr((sorted(r["labels"]), sorted(r["p"].items()))) for r in s.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS p"))
        rels = sorted(repr((r["a"], r["t"], r["b"], sorted(r["p"].items()))) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"))
    return nodes, rels


def _wipe(conn):
    with connect(**conn) as c, c.session() as s:
        s.run("MATCH (n) DETACH DELETE n").consume()


@pytest.mark.neo4j
def test_create_into_an_empty_database_equals_merge(neo4j_conn, small_case):
    merged = push_case(small_case, strategy="merge", workers=1, **neo4j_conn)
    assert merged["strategy"] == "merge"
    want = _snapshot(neo4j_conn)
    assert len(want[0]) == sum(merged["nodes"].values()) > 0
    assert len(want[1]) == sum(merged["relationships"].values()) > 0
    _wipe(neo4j_conn)
    created = push_case(small_case, batch_size=2, **neo4j_conn)
    assert created["strategy"] == "create"
    assert _snapshot(neo4j_conn) == want
    # Over the loaded graph the push MERGEs, and changes nothing.
    again = push_case(small_case, batch_size=3, workers=3, **neo4j_conn)
    assert again["strategy"] == "merge"
    assert _snapshot(neo4j_conn) == want


@pytest.mark.neo4j
def test_replace_clears_in_transactions_then_creates(neo4j_conn, small_case):
    first = push_case(small_case, **neo4j_conn)
    want = _snapshot(neo4j_conn)
    with connect(**neo4j_conn) as c:
        assert clear_database(c, batch=4) == sum(first["nodes"].values())
        with c.session() as s:
            assert s.run("MATCH (n:Node) RETURN count(n)").single()[0] == 0
    push_case(small_case, **neo4j_conn)
    res = push_case(small_case, replace=True, **neo4j_conn)
    assert res["strategy"] == "create"
    assert _snapshot(neo4j_conn) == want


@pytest.mark.neo4j
def test_parallel_sessions_write_the_same_graph(neo4j_conn):
    from netanalysis.ingest import load_case
    from netanalysis.synth import synth_case

    with tempfile.TemporaryDirectory() as tmp:
        synth_case(tmp, persons=300, seed=3)
        G = build_graph(load_case(tmp))
    one = push_graph(G, batch_size=500, workers=1, **neo4j_conn)
    want = _snapshot(neo4j_conn)
    assert len(want[1]) == sum(one["relationships"].values()) == G.number_of_edges()
    _wipe(neo4j_conn)
    many = push_graph(G, batch_size=97, workers=4, **neo4j_conn)
    assert many["strategy"] == "create"
    assert many["batches"] > one["batches"]
    assert _snapshot(neo4j_conn) == want


def test_bad_strategy_or_workers_is_refused(small_case):
    with pytest.raises(BackendError, match="strategy must be"):
        push_case(small_case, uri="bolt://127.0.0.1:1", strategy="create")
    with pytest.raises(BackendError, match="workers must be at least 1"):
        push_case(small_case, uri="bolt://127.0.0.1:1", workers=-1)


def test_a_repeated_relationship_is_one_row_with_its_last_properties():
    """CREATE must write what MERGE would: one relationship per ends and key."""
    G = nx.MultiDiGraph()
    G.add_node("phone:+1", kind="Phone", number="+1")
    G.add_node("phone:+2", kind="Phone", number="+2")
    G.add_edge("phone:+1", "phone:+2", type="called", count=1)
    G.add_edge("phone:+1", "phone:+2", type="called", count=2)
    G.add_edge("phone:+2", "phone:+1", type="called", count=5)
    _, rels, _ = graph_rows(G)
    assert [(r["source"], r["key"], r["props"]["count"]) for r in rels["called"]] == [
        ("phone:+1", "called:phone:+1|phone:+2", 2), ("phone:+2", "called:phone:+2|phone:+1", 5)]


def _hub_graph(persons=2000, links=6000, hubs=10, seed=0):
    """Persons tied at random and located at a few dense hubs (about 200 persons each)."""
    import random

    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    for i in range(persons):
        G.add_node(f"P{i}", kind="Person", name=f"p{i}")
    for h in range(hubs):
        G.add_node(f"place:{h}", kind="Place", name=f"h{h}")
    for k in range(links):
        a, b = rng.sample(range(persons), 2)
        G.add_edge(f"P{a}", f"P{b}", type="associate", line=k + 2)
    for i in range(persons):
        G.add_edge(f"P{i}", f"place:{rng.randrange(hubs)}", type="located_at", line=i + 2)
    return G


@pytest.mark.neo4j
def test_parallel_push_with_dense_hubs_meets_no_deadlock(neo4j_conn, caplog):
    """Sessions writing node-disjoint cells still deadlocked on RELATIONSHIP locks: adding a
    relationship to a node locks the first relationship of its chain, whose record also
    belongs to the chain of its other end, in another cell. The schedule must avoid that:
    no transaction retried, no driver warning."""
    import logging

    G = _hub_graph()
    with caplog.at_level(logging.WARNING, logger="neo4j"):
        res = push_graph(G, batch_size=100, workers=4, **neo4j_conn)
    retried = [r.getMessage() for r in caplog.records if r.name.startswith("neo4j")]
    assert retried == []
    assert res["retries"] == 0
    assert res["strategy"] == "create"
    with connect(**neo4j_conn) as c, c.session() as s:
        assert s.run("MATCH ()-[r]->() RETURN count(r)").single()[0] == G.number_of_edges()


def test_batches_built_ahead_keep_their_order_and_raise_the_builders_error():
    from netanalysis.backends.neo4j import push

    built = []

    def rows(i):
        def make():
            built.append(i)
            return [i] * (i + 1)
        return make

    items = [("a", rows(0)), ("b", [9, 9]), ("c", rows(2))]
    assert list(push._prefetched(iter(items))) == [("a", [0]), ("b", [9, 9]), ("c", [2, 2, 2])]
    assert built == [0, 2]

    def broken():
        raise BackendError("cannot build")

    got = []
    with pytest.raises(BackendError, match="cannot build"):
        for name, _r in push._prefetched(iter([("a", [1]), ("b", broken), ("c", [3])])):
            got.append(name)
    assert got == ["a"]


def test_a_consumer_that_stops_stops_the_builder_thread():
    import threading

    from netanalysis.backends.neo4j import push

    calls = []
    items = (("x", (lambda i=i: calls.append(i) or [i])) for i in range(1000))
    gen = push._prefetched(items, depth=2)
    assert next(gen) == ("x", [0])
    gen.close()  # what an exception in the writing loop does
    assert not any(t.name == "neo4j-batches" for t in threading.enumerate())
    assert len(calls) < 10  # at most `depth` batches (and the one in hand) ahead


def test_a_relationship_type_outside_the_vocabulary_is_refused_before_writing():
    G = nx.MultiDiGraph()
    G.add_node("P1", kind="Person")
    G.add_node("P2", kind="Person")
    G.add_edge("P1", "P2", type="no_such_type")
    # no server at this address: the error comes before any connection is made
    with pytest.raises(BackendError, match="not in the vocabulary"):
        push_graph(G, uri="bolt://127.0.0.1:1")


@pytest.mark.neo4j
@pytest.mark.parametrize("strategy", ["auto", "merge"])
def test_relationship_rows_are_built_while_the_nodes_are_written(neo4j_conn, small_case,
                                                                 monkeypatch, strategy):
    """The client builds the relationship rows as the server writes the nodes: the builder
    waits here for a node batch to be committed, which a push that built every row before
    writing (the earlier one) never reaches, so the wait would run out."""
    import threading

    from netanalysis.backends.neo4j import push

    _wipe(neo4j_conn)
    written = threading.Event()
    seen = {}
    real_write, real_rel_rows = push._write, push._rel_rows

    def write(session, name, params, single=None, retried=None):
        out = real_write(session, name, params, single=single, retried=retried)
        if name.startswith(("create_", "load_")) and params.get("rows"):
            written.set()
        return out

    def rel_rows(G, kinds):
        seen["nodes_written_first"] = written.wait(timeout=60)
        return real_rel_rows(G, kinds)

    monkeypatch.setattr(push, "_write", write)
    monkeypatch.setattr(push, "_rel_rows", rel_rows)
    res = push_case(small_case, batch_size=2, workers=1, strategy=strategy, **neo4j_conn)
    assert seen["nodes_written_first"]
    assert res["strategy"] == ("create" if strategy == "auto" else "merge")
    assert set(res["phases"]) == {"node_rows", "rel_rows", "schema_nodes", "wait_rel_rows",
                                  "relationships"} | ({"schema_after"} if strategy == "auto"
                                                      else set())
    monkeypatch.undo()
    got = _snapshot(neo4j_conn)
    _wipe(neo4j_conn)
    push_case(small_case, strategy="merge", workers=1, **neo4j_conn)
    assert got == _snapshot(neo4j_conn)


def _schema(conn):
    """``{name: state}`` of netanalysis' indexes (constraints are backed by one each)."""
    with connect(**conn) as c, c.session() as s:
        return {r["name"]: r["state"] for r in s.run(
            "SHOW INDEXES YIELD name, state WHERE name STARTS WITH 'netanalysis_' "
            "AND NOT name STARTS WITH 'netanalysis_baseline' RETURN name, state")}


@pytest.mark.neo4j
def test_create_path_builds_the_schema_after_the_load(neo4j_conn, small_case, monkeypatch):
    """The CREATE path writes its nodes with no netanalysis index or constraint in place and
    returns with all of them online; a MERGE push keeps them."""
    from netanalysis.backends.neo4j import push

    _wipe(neo4j_conn)
    push_case(small_case, strategy="merge", workers=1, **neo4j_conn)
    want = _schema(neo4j_conn)
    assert len(want) == 12 and set(want.values()) == {"ONLINE"}
    _wipe(neo4j_conn)
    during = []
    real_write = push._write

    def write(session, name, params, single=None, retried=None):
        if name.startswith(("create_", "link_")):
            during.append(_schema(neo4j_conn))
        return real_write(session, name, params, single=single, retried=retried)

    monkeypatch.setattr(push, "_write", write)
    res = push_case(small_case, batch_size=50, workers=1, **neo4j_conn)
    monkeypatch.undo()
    assert res["strategy"] == "create" and res["phases"]["schema_after"] >= 0
    assert len(during) > 2 and all(d == {} for d in during)
    assert _schema(neo4j_conn) == want
    again = push_case(small_case, workers=1, **neo4j_conn)
    assert again["strategy"] == "merge" and "schema_after" not in again["phases"]
    assert _schema(neo4j_conn) == want
