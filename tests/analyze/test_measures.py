"""netanalysis.analyze.measures: the sampled-betweenness rule as the ranking applies it."""

import networkx as nx
import numpy as np
import pytest

from netanalysis.analyze._kernels import kernel_from_edges
from netanalysis.analyze.measures import kernel_measures, sample_size
from netanalysis.settings import load_settings


def _ring_edges(n):
    import pandas as pd

    g = nx.circulant_graph(n, [1, 2])
    e = pd.DataFrame([(f"p{a}", f"p{b}") for a, b in g.edges()], columns=["source", "target"])
    return e.assign(type="family", weight=1.0, confidence=1.0)


@pytest.mark.parametrize("work, k", [(100, 4), (2_000, 5), (4_000, 10), (10**9, 30)])
def test_kernel_measures_spends_the_work_budget(work, k):
    e = _ring_edges(200)                        # 200 parties, 400 ties
    s = load_settings(env={}, rank={"betweenness": {"exact_max_nodes": 10, "sample": 30,
                                                    "sample_min": 4, "sample_work": work}})
    K = kernel_from_edges(e)
    df = kernel_measures(K, e, np.zeros(K.graph.vcount()), settings=s)
    assert df.attrs["betweenness_k"] == k == sample_size(200, settings=s, ties=400)
    assert (df["betweenness"] > 0).any()


def test_sample_size_is_exact_when_the_sample_covers_the_graph():
    s = load_settings(env={}, rank={"betweenness": {"exact_max_nodes": 10, "sample": 500}})
    assert sample_size(300, settings=s, ties=600) is None   # the rule asks 500 >= n: exact
    assert sample_size(300, k=8, settings=s) == 8
