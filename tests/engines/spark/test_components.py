"""Large-star/small-star components agree with networkx on random and adversarial graphs."""

from __future__ import annotations

import random

import networkx as nx
import pytest

pytestmark = pytest.mark.spark


def _expected(edges):
    g = nx.Graph()
    g.add_edges_from(edges)
    return {n: min(comp) for comp in nx.connected_components(g) for n in comp}


def test_random_forest_of_pieces_matches_networkx(spark):
    from netanalysis.engines.spark.components import connected_components

    rng = random.Random(7)
    nodes = [f"n{i:03d}" for i in range(300)]
    edges = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(220)]
    # a long path in decreasing order: the worst case for label propagation, many rounds here
    edges += [(f"p{i:03d}", f"p{i - 1:03d}") for i in range(60, 0, -1)]
    edges += [("solo", "solo")]
    df = spark.createDataFrame(edges, "src string, dst string")
    got = {r.node: r.component for r in connected_components(df).collect()}
    assert got == _expected(edges)
    assert got["solo"] == "solo" and got["p060"] == "p000"


def test_other_column_names_and_integer_ids(spark):
    from netanalysis.engines.spark.components import connected_components

    edges = [(5, 3), (3, 9), (10, 11), (12, 12)]
    df = spark.createDataFrame(edges, "a long, b long")
    got = {r.node: r.component for r in connected_components(df, src="a", dst="b").collect()}
    assert got == {3: 3, 5: 3, 9: 3, 10: 10, 11: 10, 12: 12}
