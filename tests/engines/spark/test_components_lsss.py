"""Connected components by large-star / small-star against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from netanalysis.engines.spark.components import connected_components

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")]


def _expected(edges):
    g = nx.Graph()
    g.add_edges_from(edges)
    return {n: min(comp) for comp in nx.connected_components(g) for n in comp}


def _run(spark, edges):
    df = spark.createDataFrame(edges, "src string, dst string")
    return {r["node"]: r["component"] for r in connected_components(df).collect()}


def test_the_docstring_example(spark):
    got = _run(spark, [("b", "c"), ("a", "b"), ("x", "y")])
    assert sorted(got.items()) == [("a", "a"), ("b", "a"), ("c", "a"), ("x", "x"), ("y", "x")]


def test_a_long_path_self_loops_repeats_and_random_graphs_match_networkx(spark):
    # a path numbered against its order needs many rounds; self-loops and repeats are no edges
    path = [(f"n{i:03d}", f"n{i + 1:03d}") for i in range(30)][::-1]
    extra = [("z", "z"), ("n010", "n009"), ("n010", "n009"), ("solo", "solo")]
    assert _run(spark, path + extra) == _expected(path + extra)
    rng = np.random.default_rng(5)
    e = [(f"v{a}", f"v{b}") for a, b in rng.integers(0, 300, (220, 2))]
    assert _run(spark, e) == _expected(e)


def test_no_edges(spark):
    assert _run(spark, []) == {}
