"""With ``--backend neo4j`` every measure the ranking needs runs in the server.

Degree, strength, support reach and group bridges run in plain Cypher, PageRank, betweenness
(exact or sampled), Leiden and components in GDS, and the significance test of the support
circle's splits on tie counts the server aggregates. These tests check, on a real server,
that only result rows come back (never the ties of the graph) and that each measure equals
the embedded backend's: exactly for the deterministic ones, within a stated tolerance for
sampled betweenness, with the same partition quality for Leiden. The cases are the example
case and two ``synth`` cases of other sizes and seeds than the parity test's.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netanalysis.analyze._kernels import kernel_from_edges
from netanalysis.analyze.communities import (
    merge_insignificant_splits,
    partition_modularity,
    support_circle,
)
from netanalysis.analyze.measures import case_measures
from netanalysis.backends.neo4j import analytics, connect, neo4j_measures, push_case, queries
from netanalysis.ingest import load_case
from netanalysis.model.graph import party_edges, party_nodes
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.pipeline import prepare_case
from netanalysis.settings import load_settings
from netanalysis.synth import synth_case

pytestmark = pytest.mark.neo4j

#: Blocks that return ties or whole nodes (a pull of the graph): never run for the measures.
PULL_BLOCKS = {"party_projection", "all_nodes", "all_relationships"}


@pytest.fixture(scope="module", params=[(700, 3), (2500, 7)], ids=["synth700", "synth2500"])
def synth(request, tmp_path_factory):
    persons, seed = request.param
    out = tmp_path_factory.mktemp(f"synth{persons}")
    synth_case(out, persons=persons, seed=seed)
    return prepare_case(load_case(out))


@pytest.fixture(scope="module")
def example(example_case):
    return prepare_case(load_case(example_case))


@pytest.fixture
def pushed(neo4j_conn, synth):
    push_case(synth, replace=True, **neo4j_conn)
    return synth


def _kernel(case):
    edges = party_edges(case)
    return kernel_from_edges(edges, party_nodes(case)), edges


class _Counted:
    """A query result that counts the rows read from it."""

    def __init__(self, result, rows, name):
        self._result, self._rows, self._name = result, rows, name

    def __iter__(self):
        for r in self._result:
            self._rows[self._name] += 1
            yield r

    def single(self):
        self._rows[self._name] += 1
        return self._result.single()

    def consume(self):
        return self._result.consume()


def test_only_result_rows_come_back(neo4j_conn, pushed, monkeypatch):
    rows = Counter()
    run = queries.run

    def counted(session, name, **params):
        call = (name, len(rows))  # rows of each call apart
        rows[call] += 0
        return _Counted(run(session, name, **params), rows, call)

    monkeypatch.setattr(analytics.queries, "run", counted)
    df = neo4j_measures(**neo4j_conn, seed=0)
    assert df.attrs["method"].startswith("cypher + gds")
    parties = len(df)
    fugitives = int((pushed.tables["persons"]["role"] == "fugitive").sum())
    with connect(**neo4j_conn) as c, c.session() as s:
        ties = s.run("MATCH (:Node)-[r]->(:Node) RETURN count(r) AS n").single()["n"]
    assert ties > 2 * parties  # a pull of the ties would show
    names = {name for name, _ in rows}
    assert not PULL_BLOCKS & names, names
    for (name, _), n in rows.items():
        # one row per party, per pair of groups, or per (party, fugitive) of the support search
        limit = parties * max(fugitives, 1) if name == "support_step" else parties
        assert n <= limit, (name, n, limit)
    by_name = Counter()
    for (name, _), n in rows.items():
        by_name[name] += n
    assert by_name["gds_pagerank_stream"] == by_name["gds_wcc_stream"] == parties
    assert "circle_group_ties" in names  # the circle's splits were tested in the server
    assert sum(rows.values()) < 12 * parties


def test_deterministic_measures_equal_the_embedded_ones(neo4j_conn, pushed):
    emb = case_measures(pushed, seed=0).set_index("id")
    neo = neo4j_measures(**neo4j_conn, seed=0).set_index("id").reindex(emb.index)
    for col in ("degree", "strength", "support_value"):
        np.testing.assert_allclose(neo[col], emb[col], rtol=1e-9, atol=1e-12, err_msg=col)
    for col in ("fugitives_direct", "fugitives_within", "supported_by", "services",
                "services_received", "top_fugitive"):
        assert neo[col].tolist() == emb[col].tolist(), col


def test_group_bridges_equal_the_embedded_ones_for_the_same_partition(neo4j_conn, pushed):
    emb = case_measures(pushed, seed=0).set_index("id")
    groups = {str(i): int(g) for i, g in emb["community"].items()}
    fp = analytics.gds_params(None)
    with connect(**neo4j_conn) as c, c.session() as s:
        got = analytics._bridges(s, fp, groups).set_index("id")
    got = got.reindex(emb.index)
    assert (emb["other_groups"] > 0).sum() > 10  # the case has bridges to compare
    assert got["other_groups"].fillna(0).astype(int).tolist() == emb["other_groups"].tolist()
    assert got["outside_ties"].fillna(0).astype(int).tolist() == emb["outside_ties"].tolist()
    bridged = [b if isinstance(b, tuple) else () for b in got["bridged"]]
    assert bridged == emb["bridged"].tolist()


def test_split_test_on_server_counts_equals_the_embedded_test(neo4j_conn, pushed):
    K, edges = _kernel(pushed)
    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    ix = pd.Index(K.names)
    core = np.concatenate([ix.get_indexer(sup["source"].astype(str)),
                           ix.get_indexer(sup["target"].astype(str))])
    circle = support_circle(K, core[core >= 0])
    sub = K.graph.induced_subgraph(circle.tolist())
    # a fine partition (very high resolution: pairs and singletons), so that many splits fail
    # the test and merge
    labels = np.asarray(sub.community_leiden(objective_function="modularity", resolution=50.0,
                                             n_iterations=2).membership)
    names = [K.names[i] for i in circle]
    G = nx.Graph()
    G.add_nodes_from(range(len(names)))
    G.add_edges_from(sub.get_edgelist())
    want = merge_insignificant_splits(G, labels, alpha=0.05)
    with connect(**neo4j_conn) as c, c.session() as s:
        got = analytics._tested_splits(s, analytics.gds_params(None),
                                       pd.Series(labels, index=names), 0.05)
    assert len(set(want.tolist())) < len(set(labels.tolist()))  # merges happened

    def blocks(memb):
        return sorted(sorted(np.flatnonzero(np.asarray(memb) == g).tolist()) for g in set(memb))

    assert blocks(got.reindex(names).tolist()) == blocks(want.tolist())


def test_sampled_betweenness_within_tolerance(neo4j_conn, pushed):
    """Both backends sample 200 sources (different ones); each estimate is compared with the
    exact values: Spearman >= 0.9 over the parties with betweenness, at least 8 of the exact
    top 10 in each estimate's top 30, and the sum within 25 % of the exact sum."""
    sampled = load_settings(rank={"betweenness": {"exact_max_nodes": 100, "sample": 200}})
    exact = case_measures(pushed, seed=0).set_index("id")["betweenness"]
    emb = case_measures(pushed, seed=1, settings=sampled).set_index("id")
    neo = neo4j_measures(**neo4j_conn, seed=1, settings=sampled).set_index("id")
    assert emb.attrs["betweenness_k"] == neo.attrs["betweenness_k"] == 200
    top = exact.sort_values(ascending=False).index[:10]
    some = exact[exact > 0].index
    for est in (emb["betweenness"], neo["betweenness"].reindex(exact.index)):
        assert est[some].corr(exact[some], method="spearman") >= 0.9
        assert len(set(top) & set(est.sort_values(ascending=False).index[:30])) >= 8
        assert abs(est.sum() - exact.sum()) <= 0.25 * exact.sum()


def test_leiden_partition_quality_matches_the_embedded_one(neo4j_conn, pushed):
    """The whole-graph Leiden partitions of GDS and igraph have the same modularity (within
    0.02) on the same weighted party graph."""
    whole = load_settings(rank={"communities": {"graph": "all"}})
    emb = case_measures(pushed, seed=0, settings=whole).set_index("id")
    neo = neo4j_measures(**neo4j_conn, seed=0, settings=whole).set_index("id")
    K, _ = _kernel(pushed)
    q_emb = partition_modularity(K, emb["community"].reindex(K.names).to_numpy(), "strength")
    q_neo = partition_modularity(K, neo["community"].reindex(K.names).to_numpy(), "strength")
    assert q_emb > 0.3
    assert abs(q_neo - q_emb) <= 0.02, (q_neo, q_emb)


def test_example_case_measures_equal_in_the_database(neo4j_conn, example):
    push_case(example, replace=True, **neo4j_conn)
    emb = case_measures(example, seed=0).set_index("id")
    neo = neo4j_measures(**neo4j_conn, seed=0).set_index("id").reindex(emb.index)
    assert emb.attrs["betweenness_k"] == neo.attrs["betweenness_k"] == "exact"
    for col in ("degree", "strength", "betweenness", "support_value"):
        np.testing.assert_allclose(neo[col], emb[col], rtol=1e-6, atol=1e-12, err_msg=col)
    np.testing.assert_allclose(neo["pagerank"], emb["pagerank"], atol=2e-3)
