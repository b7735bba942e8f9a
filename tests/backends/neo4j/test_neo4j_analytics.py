"""Measures computed in the database (Cypher and GDS) agree with the embedded backend's."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from netanalysis.analyze.measures import MEASURE_DTYPES, case_measures
from netanalysis.backends.neo4j import neo4j_measures, push_case
from netanalysis.backends.neo4j.analytics import MEASURE_COLUMNS, gds_params
from netanalysis.errors import InputError
from netanalysis.model.case import Case
from netanalysis.progress import Progress

pytestmark = pytest.mark.neo4j


@pytest.fixture
def florentine_case():
    """Padgett's Florentine families (networkx), as a case with varied gradings and weights."""
    import networkx as nx

    F = nx.florentine_families_graph()
    names = sorted(F)
    ids = {n: f"F{i:02d}" for i, n in enumerate(names)}
    persons = pd.DataFrame({"id": [ids[n] for n in names], "name": names,
                            "role": ["associate"] * len(names), "_file": "persons.csv",
                            "_line": range(2, len(names) + 2)})
    edges = sorted(F.edges)
    gradings = ["A1", "B2", "C3", "F6", "B1"]
    links = pd.DataFrame({
        "from_id": [ids[u] for u, _ in edges], "to_id": [ids[v] for _, v in edges],
        "type": ["family" if i % 3 else "financial" for i in range(len(edges))],
        "grading": [gradings[i % 5] for i in range(len(edges))],
        "weight": [1.0 + (i % 4) for i in range(len(edges))],
        "start": [None if i % 2 else "2020" for i in range(len(edges))],
        "end": [None] * len(edges), "provenance": ["archive"] * len(edges),
        "note": [None] * len(edges), "_file": "links.csv", "_line": range(2, len(edges) + 2)})
    # An isolated party, kept by both backends.
    persons = pd.concat([persons, pd.DataFrame({"id": ["F99"], "name": ["Pucci"],
                                                "role": ["associate"], "_file": "persons.csv",
                                                "_line": [99]})], ignore_index=True)
    return Case(tables={"persons": persons, "links": links})


def _in_process(case, **filters):
    return case_measures(case, filters=filters, seed=0).set_index("id")


def _compare(gds, ref):
    assert list(gds.index) == list(ref.index)
    for col in ("degree", "betweenness", "strength"):
        np.testing.assert_allclose(gds[col], ref[col], rtol=1e-6, atol=1e-9, err_msg=col)
    # PageRank: GDS does not spread the rank of dangling nodes; values agree closely and the
    # ranking of the top nodes is the same.
    np.testing.assert_allclose(gds["pagerank"], ref["pagerank"], atol=0.01)
    top = lambda df, c: list(df[c].sort_values(ascending=False, kind="stable").index[:5])  # noqa: E731
    assert top(gds, "pagerank") == top(ref, "pagerank")
    assert top(gds, "betweenness")[:3] == top(ref, "betweenness")[:3]
    assert gds["pagerank"].corr(ref["pagerank"], method="spearman") > 0.95


def test_gds_measures_agree_with_the_embedded_backend(neo4j_conn, florentine_case):
    push_case(florentine_case, **neo4j_conn)
    df = neo4j_measures(**neo4j_conn)
    assert tuple(df.columns) == MEASURE_COLUMNS
    assert {c: df[c].dtype.name for c in df} == MEASURE_DTYPES
    assert df.attrs["method"].startswith("cypher + gds 2.13")
    assert df.attrs["betweenness_k"] == "exact"
    gds = df.set_index("id")
    ref = _in_process(florentine_case)
    _compare(gds, ref)
    # Medici (F08 in sorted order) is the top broker of the Florentine network.
    assert gds["betweenness"].idxmax() == ref["betweenness"].idxmax()
    assert gds.loc["F99", "degree"] == 0 and gds.loc["F99", "component"] != gds.loc["F00", "component"]
    # Communities: a partition of everyone, numbered from the largest group.
    assert gds["community"].value_counts().index[0] == 1
    assert gds["component"].nunique() == 2
    # group bridges computed in Cypher on GDS's partition are those of that partition
    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.analyze.brokerage import group_bridging
    from netanalysis.model.graph import party_edges, party_nodes

    K = kernel_from_edges(party_edges(florentine_case), party_nodes(florentine_case))
    want = group_bridging(K, gds["community"].reindex(K.names).to_numpy())
    got = gds.reindex(K.names)
    assert got["other_groups"].tolist() == want["other_groups"].tolist()
    assert got["outside_ties"].tolist() == want["outside_ties"].tolist()
    assert got["bridged"].tolist() == want["bridged"].tolist()


def test_filters_are_applied_in_the_database(neo4j_conn, florentine_case):
    push_case(florentine_case, **neo4j_conn)
    for filters in ({"link_types": ["family"]}, {"min_confidence": 0.6},
                    {"since": "2021", "keep_undated": False}, {"since": "2019-06"}):
        gds = neo4j_measures(filters=filters, **neo4j_conn).set_index("id")
        ref = _in_process(florentine_case, **filters)
        np.testing.assert_allclose(gds["strength"], ref["strength"], err_msg=str(filters))
        np.testing.assert_allclose(gds["degree"], ref["degree"], err_msg=str(filters))


def test_sampled_betweenness_is_seeded(neo4j_conn, florentine_case):
    push_case(florentine_case, **neo4j_conn)
    a = neo4j_measures(k=6, seed=3, **neo4j_conn)
    b = neo4j_measures(k=6, seed=3, **neo4j_conn)
    assert a["betweenness"].tolist() == b["betweenness"].tolist()
    assert a["betweenness"].sum() > 0 and a.attrs["betweenness_k"] == 6


def test_fallback_without_gds_pulls_only_the_projection(neo4j_conn, florentine_case):
    push_case(florentine_case, **neo4j_conn)
    buf = io.StringIO()
    df = neo4j_measures(use_gds=False, progress=Progress(stream=buf), **neo4j_conn)
    assert df.attrs["method"] == ("cypher; pagerank, betweenness, community, component in "
                                  "process on the pulled party projection (GDS not used)")
    assert {c: df[c].dtype.name for c in df} == MEASURE_DTYPES
    ref = _in_process(florentine_case)
    got = df.set_index("id")
    for col in ("degree", "strength", "betweenness", "pagerank"):
        np.testing.assert_allclose(got[col], ref[col], rtol=1e-9, atol=1e-12, err_msg=col)
    assert "pulling the party projection (ids and strengths)" in buf.getvalue()


def test_without_gds_the_cypher_measures_still_run_in_the_server(neo4j_conn, monkeypatch):
    from netanalysis.backends.neo4j import analytics
    from tests.analyze.conftest import make_case

    case = make_case([{"id": "F1", "name": "F", "role": "fugitive", "notice": "red"},
                      {"id": "S1", "name": "S"}, {"id": "S2", "name": "T"},
                      {"id": "X", "name": "X"}],
                     [{"from_id": "S1", "to_id": "F1", "type": "lodging"},
                      {"from_id": "S2", "to_id": "S1", "type": "documents"},
                      {"from_id": "X", "to_id": "S2", "type": "family"}])
    push_case(case, **neo4j_conn)
    monkeypatch.setattr(analytics, "gds_available", lambda session: None)
    df = neo4j_measures(**neo4j_conn).set_index("id")
    assert "GDS not installed" in df.attrs["method"]
    assert df.loc["S2", "fugitives_within"] == 1 and df.loc["S2", "support_value"] == 1.0
    assert df.loc["S1", "services"] == ("lodging",) and df.loc["S1", "top_fugitive"] == "F1"
    assert df.loc["F1", "services_received"] == ("lodging",)
    with pytest.raises(analytics.GDSMissingError, match="pagerank, betweenness, community, "
                                                        "component cannot be computed"):
        neo4j_measures(use_gds=True, **neo4j_conn)


def test_filter_validation():
    with pytest.raises(InputError, match="unknown link type"):
        gds_params({"link_types": ["friendship"]})
    with pytest.raises(InputError, match="unknown filter"):
        gds_params({"colour": "red"})
    assert gds_params({"link_types": ["co_offender"]})["types"] == ["CO_OFFENDER"]


def test_gds_missing_is_detected():
    from neo4j.exceptions import ClientError

    from netanalysis.backends.neo4j.analytics import gds_available

    class NoGds:
        def run(self, text, params):
            assert "gds.version()" in text
            raise ClientError("Unknown function 'gds.version'")

    assert gds_available(NoGds()) is None


def test_gds_required_but_missing_is_a_gds_missing_error(monkeypatch):
    from neo4j.exceptions import ClientError

    from netanalysis.backends.neo4j import analytics
    from netanalysis.errors import BackendError, GDSMissingError

    class NoGds:
        def run(self, text, params):
            raise ClientError("Unknown function 'gds.version'")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    class Conn(NoGds):
        uri = "bolt://db:7687"

        def session(self):
            return NoGds()

    monkeypatch.setattr(analytics, "connect", lambda *a, **k: Conn())
    with pytest.raises(GDSMissingError, match="Graph Data Science is not installed in Neo4j at "
                                              "bolt://db:7687") as err:
        neo4j_measures(use_gds=True, uri="bolt://db:7687")
    assert isinstance(err.value, BackendError) and err.value.exit_code == 3


def test_undirected_projection_counts_every_tie_twice(neo4j_conn, florentine_case):
    """The sampled-betweenness sample size divides the projection's relationshipCount by 2
    (``analytics._gds_measures``): GDS's undirected projection must store each pair of parties
    in both directions. The case is made harder than the Florentine graph: a pair tied three
    times (one projected tie), a tie in each direction between another pair, a tie to a phone
    (no party: not projected) and the isolated party."""
    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.backends.neo4j import connect, queries
    from netanalysis.model.graph import party_edges, party_nodes

    links = florentine_case.tables["links"]
    extra = pd.DataFrame({
        "from_id": ["F00", "F00", "F01", "F02"], "to_id": ["F01", "F01", "F00", "F03"],
        "type": ["associate", "communication", "financial", "family"],
        "grading": ["B2"] * 4, "weight": [1.0] * 4, "start": [None] * 4, "end": [None] * 4,
        "provenance": ["x"] * 4, "note": [None] * 4, "_file": "links.csv",
        "_line": range(200, 204)})
    case = Case(tables={**florentine_case.tables, "links": pd.concat([links, extra],
                                                                     ignore_index=True),
                        "phones": pd.DataFrame({"number": ["+5700"], "person_id": ["F05"],
                                                "_file": "phones.csv", "_line": [2]})})
    push_case(case, replace=True, **neo4j_conn)
    edges = party_edges(case)
    K = kernel_from_edges(edges, party_nodes(case))
    pairs = {frozenset(p) for p in zip(edges["source"], edges["target"])}
    assert K.graph.ecount() == len(pairs) < len(edges)  # repeated ties: one per pair
    with connect(**neo4j_conn) as conn, conn.session() as s:
        try:
            proj = queries.run(s, "gds_project_party", graph="nx_count_test",
                               **gds_params(None)).single()
        finally:
            s.run("CALL gds.graph.drop('nx_count_test', false) YIELD graphName "
                  "RETURN graphName").consume()
    assert proj["nodes"] == len(K.names)
    assert proj["relationships"] == 2 * K.graph.ecount()
