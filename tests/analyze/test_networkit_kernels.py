"""networkit kernels agree with igraph's and networkx's within stated tolerances.

Tolerances: PageRank 1e-10 absolute (power iteration to 1e-12 against a direct solve);
exact betweenness and closeness 1e-12 (same counts, float summation order); components
identical after renumbering; sampled betweenness (another estimator, another sample) shares
most of the exact top 10; Leiden (another implementation) reaches a modularity within 0.01 of
igraph's. Results are reproducible from the seed.
"""

import networkx as nx
import numpy as np
import pytest

from netanalysis.analyze import _kernels
from netanalysis.analyze import centrality as C
from netanalysis.analyze.communities import (component_array, membership_array,
                                             partition_modularity)
from netanalysis.analyze._kernels import kernel_engine, to_kernel

pytest.importorskip("networkit", reason="networkit (the 'fast' extra) is not installed")


def _graph(seed=2, n=300, m=800):
    G = nx.gnm_random_graph(n, m, seed=seed)
    G.add_nodes_from(range(n, n + 5))          # isolated nodes: PageRank's dangling mass
    G.add_edges_from([(n + 10, n + 11), (n + 11, n + 12)])  # a small second component
    rng = np.random.default_rng(seed)
    for u, v in G.edges():
        G[u][v]["weight"] = float(rng.integers(1, 5))
    return G


@pytest.mark.parametrize("seed", [1, 2])
def test_pagerank_matches_igraph_and_networkx(seed):
    G = _graph(seed)
    K = to_kernel(G)
    nk_ = C.pagerank_array(K, engine="networkit")
    assert np.allclose(nk_, C.pagerank_array(K, engine="igraph"), atol=1e-10, rtol=0)
    ref = nx.pagerank(G, weight="weight", tol=1e-12, max_iter=1000)
    got = C.pagerank(G, engine="networkit")
    assert max(abs(got[v] - ref[v]) for v in G) < 1e-9


@pytest.mark.parametrize("normalized", [True, False])
def test_exact_betweenness_matches(normalized):
    G = _graph()
    K = to_kernel(G)
    a, _ = C.betweenness_array(K, normalized=normalized, engine="igraph")
    b, _ = C.betweenness_array(K, normalized=normalized, engine="networkit")
    assert np.allclose(a, b, atol=1e-12 * max(1.0, a.max()), rtol=1e-12)
    ref = nx.betweenness_centrality(G, normalized=normalized)
    got = C.betweenness_centrality(G, normalized=normalized, engine="networkit")
    assert max(abs(got[v] - ref[v]) for v in G) < 1e-9 * max(1.0, max(ref.values()))


def test_weighted_betweenness_matches_networkx():
    # integer lengths: no float ties that one library counts and another does not
    G = _graph(3)
    ref = nx.betweenness_centrality(G, weight="weight")
    got = C.betweenness_centrality(G, weight="weight", engine="networkit")
    assert max(abs(got[v] - ref[v]) for v in G) < 1e-12


def test_sampled_betweenness_reproducible_and_close_to_exact():
    G = _graph(4, n=400, m=1200)
    K = to_kernel(G)
    exact, _ = C.betweenness_array(K, engine="igraph")
    s1, src = C.betweenness_array(K, k=200, seed=5, engine="networkit")
    s2, _ = C.betweenness_array(K, k=200, seed=5, engine="networkit")
    assert src is None and np.array_equal(s1, s2)
    top = set(np.argsort(-exact)[:10])
    assert len(top & set(np.argsort(-s1)[:10])) >= 7
    assert abs(s1.sum() / exact.sum() - 1) < 0.1


def test_closeness_matches():
    G = _graph()
    K = to_kernel(G)
    a = C.closeness_array(K, engine="igraph")
    b = C.closeness_array(K, engine="networkit")
    assert np.allclose(a, b, atol=1e-12, rtol=0)
    ref = nx.closeness_centrality(G)
    got = C.closeness_centrality(G, engine="networkit")
    assert max(abs(got[v] - ref[v]) for v in G) < 1e-12


def test_components_identical():
    K = to_kernel(_graph())
    a = component_array(K, engine="igraph")
    assert a.max() >= 7                       # giant, 5 isolated, the path of three, ...
    assert np.array_equal(a, component_array(K, engine="networkit"))


@pytest.mark.parametrize("seed", [0, 3])
def test_leiden_comparable_modularity_and_reproducible(seed):
    G = nx.planted_partition_graph(8, 30, 0.3, 0.02, seed=seed)
    K = to_kernel(G)
    a = membership_array(K, engine="igraph", seed=seed)
    b = membership_array(K, engine="networkit", seed=seed)
    assert np.array_equal(b, membership_array(K, engine="networkit", seed=seed))
    qa, qb = partition_modularity(K, a), partition_modularity(K, b)
    assert qb > 0.5 and abs(qa - qb) < 0.01
    truth = np.repeat(np.arange(8), 30)
    # nearly all of every planted block lands in one community
    assert all(np.bincount(b[truth == i]).max() >= 27 for i in range(8))


def test_auto_choice_falls_back_without_networkit(monkeypatch):
    K = to_kernel(_graph())
    monkeypatch.setitem(_kernels.FASTEST, "pagerank", "networkit")
    assert kernel_engine(K, "pagerank") == "igraph"          # small graph: igraph
    monkeypatch.setattr(_kernels, "AUTO_NETWORKIT_NODES", 100)
    assert kernel_engine(K, "pagerank") == "networkit"
    monkeypatch.setattr(_kernels, "_HAVE_NK", False)
    assert kernel_engine(K, "pagerank") == "igraph"
    assert np.allclose(C.pagerank_array(K), C.pagerank_array(K, engine="igraph"))
    with pytest.raises(ImportError, match="networkit"):
        kernel_engine(K, "pagerank", "networkit")


def test_directed_graphs_stay_on_igraph():
    K = to_kernel(nx.gnp_random_graph(30, 0.1, seed=1, directed=True))
    assert kernel_engine(K, "pagerank") == "igraph"
    with pytest.raises(ValueError, match="undirected"):
        C.pagerank_array(K, engine="networkit")
