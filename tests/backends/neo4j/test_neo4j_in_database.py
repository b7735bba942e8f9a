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
from netanalysis.analyze.run import _gf_roles, rank_settings, run_analysis
from netanalysis.backends.base import Neo4jBackend
from netanalysis.backends.neo4j import analytics, connect, neo4j_measures, push_case, queries
from netanalysis.backends.neo4j import brokerage as gf_server
from netanalysis.ingest import case_from_records, load_case
from netanalysis.model.graph import filter_edges, party_edges, party_nodes
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.pipeline import prepare_case
from netanalysis.settings import load_settings
from netanalysis.synth import synth_case

pytestmark = pytest.mark.neo4j

#: Blocks that return ties or whole nodes (a pull of the graph): never run for the measures.
PULL_BLOCKS = {"party_projection", "all_nodes", "all_relationships", "party_graph",
               "party_nodes", "party_edges", "relationships_among", "nodes_by_id"}
#: Blocks of the push (their rows go to the server; each returns at most one row).
PUSH_PREFIXES = ("create_", "link_", "load_", "constraint_", "index_")


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


@pytest.fixture
def counted_rows(monkeypatch):
    """Count the rows read from every query the code under test runs.

    :func:`queries.run` is replaced (the module is the one ``analytics``, ``brokerage`` and the
    ranking import) by a wrapper that returns a :class:`_Counted` result; the fixture's value is
    a Counter of rows read keyed by ``(block name, call number)``, so each call's rows stay
    apart and the calls of a block are counted by its keys.
    """
    rows = Counter()
    run = queries.run

    def counted(session, name, **params):
        call = (name, len(rows))  # rows of each call apart
        rows[call] += 0
        return _Counted(run(session, name, **params), rows, call)

    monkeypatch.setattr(queries, "run", counted)
    return rows


def _by_name(rows):
    """Rows read per block name, from the ``counted_rows`` Counter."""
    out = Counter()
    for (name, _), n in rows.items():
        out[name] += n
    return out


def test_counted_rows_counts_calls_and_rows(neo4j_conn, counted_rows):
    """The fixture sees calls made through every module's ``queries`` and counts the rows
    read from each call apart (a test that relies on it would pass vacuously otherwise)."""
    assert analytics.queries.run is gf_server.queries.run is queries.run
    with connect(**neo4j_conn) as c, c.session() as s:
        assert analytics.queries.run(s, "count_nodes").single()["n"] == 0
        assert list(gf_server.queries.run(s, "count_nodes")) != []
    assert counted_rows == Counter({("count_nodes", 0): 1, ("count_nodes", 1): 1})


def test_only_result_rows_come_back(neo4j_conn, pushed, counted_rows):
    rows = counted_rows
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
    by_name = _by_name(rows)
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


# --- Gould-Fernandez brokerage counted in the server ------------------------------------------

GF_COLUMNS = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total"]


@pytest.fixture
def gf_case():
    """Support ties A->B (twice), D->B, B->C, B->E, B->H, A->C; communication C-F (C is in
    the support network) and F-G (neither is: not an arc); family B-F (not an arc).

    Groups: A, B, H in 1; C, D, F in 2; E, G in 3. By hand, arcs A->B, D->B, B->C, B->E,
    B->H, A->C, C->F, F->C:

    - B: ins {A, D}, outs {C, E, H}. (A, C) is closed by A->C. (A, E) 1-1-3 representative;
      (A, H) 1-1-1 coordinator; (D, C) 2-1-2 itinerant; (D, E) 2-1-3 liaison; (D, H)
      2-1-1 gatekeeper: one of each role, total 5.
    - C: ins {A, B, F}, outs {F}. (A, F) 1-2-2 and (B, F) 1-2-2 gatekeeper; (F, F) is no
      pair: gatekeeper 2, total 2.
    - F: ins {C}, outs {C}: no pair. Everyone else lacks ins or outs.

    Two-paths counted per tie (in x out): B 3 x 3 = 9 on the support ties; with the
    communication C (2 + 1) x (0 + 1) = 3 and F 1 x 1 = 1: 13. So a budget of 13 keeps the
    communication, 12 counts support alone (B's five roles, C none), 8 skips the roles.
    """
    people = list("ABCDEFGH")
    links = [("A", "B", "documents"), ("A", "B", "documents"), ("D", "B", "transport"),
             ("B", "C", "lodging"), ("B", "E", "financial"), ("B", "H", "lodging"),
             ("A", "C", "documents"), ("C", "F", "communication"), ("F", "G", "communication"),
             ("B", "F", "family")]
    case = case_from_records(
        persons=[{"id": p, "name": p} for p in people],
        links=[{"from_id": a, "to_id": b, "type": t, "grading": "B2"} for a, b, t in links])
    groups = {"A": 1, "B": 1, "H": 1, "C": 2, "D": 2, "F": 2, "E": 3, "G": 3}
    return case, groups


def _embedded_gf(case, groups, budget):
    """The embedded backend's roles (run.py's step, brokerage_roles) for a partition."""
    K, edges = _kernel(case)
    memb = np.asarray([groups[i] for i in K.names], dtype=np.int64)
    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    rs = rank_settings({"brokerage": {"max_two_paths": budget}})
    return _gf_roles(edges, sup, K.names, memb, rs, K.row_codes)


def _server_gf(conn, case, groups, budget):
    K, _ = _kernel(case)
    memb = [groups[i] for i in K.names]
    return gf_server.neo4j_brokerage(list(K.names), memb, max_two_paths=budget, **conn)


def test_gf_roles_in_the_server_hand_made_case(neo4j_conn, gf_case):
    case, groups = gf_case
    push_case(case, replace=True, **neo4j_conn)
    got, label = _server_gf(neo4j_conn, case, groups, 2_000_000)
    assert label == "support + communication of the support network"
    assert got.loc["B", GF_COLUMNS].tolist() == [1, 1, 1, 1, 1, 5]
    assert got.loc["C", GF_COLUMNS].tolist() == [0, 0, 0, 2, 0, 2]
    assert int(got["total"].sum()) == 7
    for budget, want_label in ((13, "support + communication of the support network"),
                               (12, "support"), (8, "skipped: more than 8 two-paths")):
        got, label = _server_gf(neo4j_conn, case, groups, budget)
        emb, emb_label = _embedded_gf(case, groups, budget)
        assert label == emb_label == want_label
        assert got[GF_COLUMNS].equals(emb[GF_COLUMNS].reindex(got.index)), budget
    got, _ = _server_gf(neo4j_conn, case, groups, 12)
    assert got.loc["B", "total"] == 5 and got.loc["C", "total"] == 0


def test_gf_roles_in_the_server_equal_the_embedded_ones(neo4j_conn, pushed):
    emb_m = case_measures(pushed, seed=0).set_index("id")
    groups = {str(i): int(g) for i, g in emb_m["community"].items()}
    got, label = _server_gf(neo4j_conn, pushed, groups, 2_000_000)
    emb, emb_label = _embedded_gf(pushed, groups, 2_000_000)
    assert label == emb_label == "support + communication of the support network"
    emb = emb[GF_COLUMNS].reindex(got.index)
    assert (emb["total"] > 0).sum() > 20  # many brokers to compare
    for role in GF_COLUMNS[:-1]:
        assert emb[role].sum() > 0, role  # every role occurs
    assert got[GF_COLUMNS].equals(emb)


def test_gf_roles_only_result_rows_come_back(neo4j_conn, pushed, counted_rows):
    rows = counted_rows
    emb_m = case_measures(pushed, seed=0).set_index("id")
    got, _ = gf_server.neo4j_brokerage(emb_m.index.tolist(), emb_m["community"].tolist(),
                                       **neo4j_conn)
    parties = len(emb_m)
    names = {name for name, _ in rows}
    assert names == {"support_core", "gf_two_path_cost", "gf_roles"}
    by_name = _by_name(rows)
    assert by_name["gf_two_path_cost"] == 1
    assert by_name["gf_roles"] == int((got["total"] > 0).sum()) <= parties
    assert by_name["support_core"] <= parties


def test_ranking_with_neo4j_counts_gf_roles_in_the_server(neo4j_conn, pushed, monkeypatch,
                                                          counted_rows):
    """run_analysis with the Neo4j backend builds no graph for the roles (the in-process
    step is never called) and its gf_* columns are the embedded counts on its partition."""
    called = []
    monkeypatch.setattr("netanalysis.analyze.run._gf_roles",
                        lambda *a, **k: called.append(1))
    a = run_analysis(pushed, seed=0, backend=Neo4jBackend(**neo4j_conn))
    blocks = Counter(name for name, _ in counted_rows)  # calls per block
    assert not called and a.meta["brokerage_where"] == "server"
    # the support network is queried once: the roles reuse the measures' one
    assert blocks["support_core"] == 1 and blocks["gf_roles"] == 1
    t = a.targets.set_index("id")
    groups = {str(i): int(g) for i, g in t["group"].items()}
    emb, _ = _embedded_gf(pushed, groups, rank_settings().brokerage.max_two_paths)
    got = t[[f"gf_{c}" for c in GF_COLUMNS]].set_axis(GF_COLUMNS, axis=1)
    assert got.equals(emb[GF_COLUMNS].reindex(got.index).astype(got.dtypes))


def test_ranking_with_neo4j_pulls_no_graph(neo4j_conn, pushed, monkeypatch, counted_rows):
    """run_analysis with the Neo4j backend (push, measures, roles) reads result rows only:
    no block that returns ties or whole nodes runs, pull_graph is never called, and no call
    of a read block returns more rows than there are parties (per fugitive for the support
    search), while the database holds more than twice as many ties (a pull would show)."""
    from netanalysis.backends.neo4j import pull

    rows = counted_rows

    def no_pull(*a, **k):
        raise AssertionError("pull_graph was called during the ranking")

    monkeypatch.setattr(pull, "pull_graph", no_pull)
    a = run_analysis(pushed, seed=0, backend=Neo4jBackend(**neo4j_conn))
    assert len(a.targets) > 0 and a.meta["brokerage_where"] == "server"
    names = {name for name, _ in rows}
    assert not PULL_BLOCKS & names, PULL_BLOCKS & names
    assert {"gds_pagerank_stream", "support_step", "gf_roles"} <= names  # in the server
    parties = len(party_nodes(pushed))
    fugitives = int((pushed.tables["persons"]["role"] == "fugitive").sum())
    read = {call: n for call, n in rows.items() if not call[0].startswith(PUSH_PREFIXES)}
    for (name, _), n in read.items():
        limit = parties * max(fugitives, 1) if name == "support_step" else parties
        assert n <= limit, (name, n, limit)
    with connect(**neo4j_conn) as c, c.session() as s:
        ties = s.run("MATCH (:Node)-[r]->(:Node) RETURN count(r) AS n").single()["n"]
    assert ties > 2 * parties


def test_gf_roles_in_the_server_follow_the_filters(neo4j_conn, pushed):
    """With filters (no inferred ties, confidence at least 0.3) the server counts the roles on
    the ties that pass them, as run.py does on its filtered edges."""
    f = {"min_confidence": 0.3, "include_inferred": False}
    edges = filter_edges(party_edges(pushed, include_inferred=False), **f)
    K = kernel_from_edges(edges, party_nodes(pushed))
    memb = np.asarray(K.graph.community_leiden(objective_function="modularity",
                                               n_iterations=2).membership, dtype=np.int64)
    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    emb, emb_label = _gf_roles(edges, sup, K.names, memb, rank_settings(), K.row_codes)
    got, label = gf_server.neo4j_brokerage(list(K.names), memb.tolist(), filters=f, **neo4j_conn)
    unfiltered, _ = _embedded_gf(pushed, dict(zip(K.names, memb.tolist())), 2_000_000)
    assert label == emb_label
    assert (emb["total"] > 0).sum() >= 5  # brokers to compare
    assert not emb[GF_COLUMNS].equals(unfiltered[GF_COLUMNS].reindex(emb.index))  # filters bite
    assert got[GF_COLUMNS].equals(emb[GF_COLUMNS].reindex(got.index))
