"""The first load of a new server by Neo4j's bulk importer (``backends/neo4j/bulk.py``).

The import must give the graph a push gives: the same nodes with their labels, the same
relationships, every property with its value and its type, and the same constraints and
indexes, whatever the text holds (commas, quotes, line breaks, a leading ``=``, list items
with the array delimiter). The server test compares both on one real server: imported, then
wiped and pushed.
"""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from netanalysis.backends.neo4j import connect, push_graph
from netanalysis.backends.neo4j.bulk import csv_field, import_graph, write_import_files
from netanalysis.backends.neo4j.push import clear_database, graph_rows
from netanalysis.errors import BackendError


def _snapshot(conn):
    """Every node (labels, properties with their types) and relationship, sorted."""
    with connect(**conn) as c, c.session() as s:
        nodes = sorted(repr((sorted(r["labels"]), sorted(r["p"].items()))) for r in s.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS p"))
        rels = sorted(repr((r["a"], r["t"], r["b"], sorted(r["p"].items()))) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"))
        counts = {r["k"]: r["n"] for r in s.run(
            "MATCH (n) UNWIND labels(n) AS k RETURN k, count(*) AS n")}
        counts.update({r["k"]: r["n"] for r in s.run(
            "MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n")})
        schema = sorted((r["name"], r["type"], r["state"]) for r in s.run(
            "SHOW INDEXES YIELD name, type, state WHERE name STARTS WITH 'netanalysis'"))
    return nodes, rels, counts, schema


@pytest.mark.neo4j
def test_import_gives_the_graph_of_a_push(own_server, hostile_text):
    """``own_server`` was loaded by the importer with the hostile graph (``local_server(case=)``);
    wiped and pushed, it must hold the same."""
    conn = own_server.start(imported=True)
    G = own_server.graph
    nodes, rels, _ = graph_rows(G)
    imported = _snapshot(conn)
    own_server.imported = False  # from here on it holds what the push wrote
    with connect(**conn) as c:
        assert clear_database(c) == sum(map(len, nodes.values()))
    try:
        res = push_graph(G, workers=2, batch_size=7, **conn)
        assert res["strategy"] == "create"
        pushed = _snapshot(conn)
    except BaseException:
        own_server.discard()  # not the imported graph any more
        raise
    for kind, rows in nodes.items():
        assert imported[2][kind] == len(rows) > 0
    for t, rows in rels.items():
        assert imported[2][t.upper()] == len(rows) > 0
    assert imported[2]["Node"] == sum(map(len, nodes.values()))
    assert imported[3] and all(state == "ONLINE" for _, _, state in imported[3])
    assert imported == pushed
    texts = " ".join(imported[0] + imported[1])
    assert repr(hostile_text[0])[1:-1] in texts and "'score', 2.5" in texts
    assert "'score', 3)" in texts


def test_quoted_cells_read_back_as_the_text(hostile_text):
    for text in hostile_text:
        row = next(csv.reader(io.StringIO(csv_field(text) + "," + csv_field(7) + "\n")))
        assert row == [text, "7"]
    assert csv_field(["a", "b"], "|") == '"a|b"' and csv_field([1.5, 2.0]) == "1.5;2.0"
    assert csv_field(float("-inf")) == "-Infinity" and csv_field(False) == "false"


def _rows(*props):
    return {"Person": [{"id": f"P{i}", "props": {"id": f"P{i}", **p}} for i, p in enumerate(props)]}


def test_array_delimiter_avoids_every_character_of_the_list_items(tmp_path):
    assert write_import_files(_rows({"a": ["x", "y"]}), {}, tmp_path / "0")["array_delimiter"] == ";"
    assert write_import_files(_rows({"a": ["x;y"]}), {}, tmp_path / "1")["array_delimiter"] == "|"
    m = write_import_files(_rows({"a": ["x;y"]}, {"a": ["p|q"]}), {}, tmp_path / "2")
    assert m["array_delimiter"] == "\x1f"
    assert (tmp_path / "2" / "nodes_person_0.csv").read_text("utf-8").splitlines()[0] == (
        '"P0","Node\x1fPerson","x;y"')
    with pytest.raises(BackendError, match="every array delimiter"):
        write_import_files(_rows({"a": [";|\x1f\x1e\x1d\x1c"]}), {}, tmp_path / "3")


def test_a_property_of_several_types_splits_the_rows(tmp_path):
    m = write_import_files(_rows({"s": 1, "n": "a"}, {"s": 1.5}, {"s": "x", "n": "b"}, {"n": "c"}),
                           {}, tmp_path)
    headers = [(tmp_path / f).read_text("utf-8").strip() for f in m["files"] if "header" in f]
    assert headers == ["id:ID,:LABEL,s:long,n", "id:ID,:LABEL,s:double,n", "id:ID,:LABEL,s,n",
                       "id:ID,:LABEL,n"]
    assert m["rows"] == 4 and len(m["args"]) == 4 and not m["multiline"]
    assert write_import_files(_rows({"n": "a\nb"}), {}, tmp_path / "ml")["multiline"]


def test_import_refuses_a_database_that_exists(tmp_path):
    (tmp_path / "databases" / "neo4j").mkdir(parents=True)
    G = nx.MultiDiGraph()
    G.add_node("P1", kind="Person")
    with pytest.raises(BackendError, match="exists: the importer only writes a new database"):
        import_graph(G, tmp_path)
