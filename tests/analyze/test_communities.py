import networkx as nx
import numpy as np
import pytest

from netanalysis.analyze.communities import (
    group_membership,
    leiden_communities,
    louvain_communities,
    modularity,
)


def _two_cliques():
    G = nx.complete_graph(["a1", "a2", "a3", "a4", "a5"])
    G.add_edges_from(nx.complete_graph(["b1", "b2", "b3", "b4"]).edges())
    G.add_edge("a1", "b1")
    return G


@pytest.mark.parametrize("method", ["leiden", "leidenalg", "louvain"])
def test_finds_the_two_cliques_numbered_by_size(method):
    comms = leiden_communities(_two_cliques(), seed=3, method=method)
    assert [sorted(c) for c in comms] == [["a1", "a2", "a3", "a4", "a5"], ["b1", "b2", "b3", "b4"]]
    m = group_membership(comms)
    assert m["a3"] == 1 and m["b2"] == 2


def test_same_seed_same_partition_and_numbering():
    G = nx.les_miserables_graph()
    a = group_membership(leiden_communities(G, seed=11))
    b = group_membership(leiden_communities(G, seed=11))
    assert a == b


def test_equal_sizes_are_numbered_by_smallest_member():
    G = nx.Graph([("z1", "z2"), ("a1", "a2")])
    comms = leiden_communities(G, seed=0)
    assert [sorted(c) for c in comms] == [["a1", "a2"], ["z1", "z2"]]


def test_modularity_matches_networkx():
    G = nx.karate_club_graph()
    comms = leiden_communities(G, seed=1)
    assert modularity(G, comms) == pytest.approx(nx.community.modularity(G, comms))
    assert modularity(G, comms, weight=None, resolution=0.5) == pytest.approx(
        nx.community.modularity(G, comms, weight=None, resolution=0.5))


def test_resolution_gives_more_groups():
    G = nx.les_miserables_graph()
    assert len(leiden_communities(G, resolution=3.0, seed=1)) > len(leiden_communities(G, resolution=0.3, seed=1))


def test_louvain_alias():
    assert len(louvain_communities(_two_cliques(), seed=1)) == 2


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method"):
        leiden_communities(_two_cliques(), method="spectral")


def _cells_in_a_ring_of_cliques(n_cliques=300):
    """Two triangles (cells) joined by one tie, inside a ring of 300 five-cliques."""
    G = nx.Graph()
    for c in range(n_cliques):
        G.add_edges_from(nx.complete_graph([f"B{c}_{i}" for i in range(5)]).edges())
        G.add_edge(f"B{c}_0", f"B{(c + 1) % n_cliques}_1")
    for cell in (["a1", "a2", "a3"], ["x1", "x2", "x3"]):
        G.add_edges_from(nx.complete_graph(cell).edges())
    G.add_edges_from([("a1", "x1"), ("a2", "B0_2"), ("x2", "B5_2")])
    nx.set_edge_attributes(G, 1.0, "weight")
    return G


def test_circle_membership_resolves_cells_the_whole_graph_merges():
    from netanalysis.analyze._kernels import to_kernel
    from netanalysis.analyze.communities import circle_membership, membership_array
    K = to_kernel(_cells_in_a_ring_of_cliques())
    whole = membership_array(K, n_iterations=-1)
    w = dict(zip(K.names.tolist(), whole.tolist()))
    # the resolution limit: on the whole graph the two cells are one group
    assert w["a1"] == w["x1"]
    core = [K.index[v] for v in ("a1", "a2", "a3", "x1", "x2", "x3")]
    m = dict(zip(K.names.tolist(), circle_membership(K, core, whole, n_iterations=-1).tolist()))
    assert m["a1"] == m["a2"] == m["a3"] and m["x1"] == m["x2"] == m["x3"]
    assert m["a1"] != m["x1"]
    for objective in ("cpm", "surprise"):
        c = dict(zip(K.names.tolist(), circle_membership(K, core, whole, n_iterations=-1,
                                                         objective=objective).tolist()))
        assert c["a1"] == c["a2"] == c["a3"] != c["x1"] == c["x2"] == c["x3"], objective
    # outside the circle the whole-graph groups stay together
    assert m["B100_0"] == m["B100_4"]
    assert sorted(set(m.values())) == list(range(1, len(set(m.values())) + 1))


def _many_cells(n_cells, seed=0):
    """`n_cells` cells of five persons (each tied to three of the others) chained by one tie,
    every member with two background contacts; returns (graph, cells)."""
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    cells = []
    for c in range(n_cells):
        cell = [f"c{c}_{i}" for i in range(5)]
        cells.append(cell)
        for i in range(5):
            G.add_edge(cell[i], cell[(i + 1) % 5])
            if rng.random() < 0.5:
                G.add_edge(cell[i], cell[(i + 2) % 5])
            for j in range(2):
                G.add_edge(cell[i], f"bg{c}_{i}_{j}")
        if c:
            G.add_edge(cell[0], cells[c - 1][3])
    nx.set_edge_attributes(G, 1.0, "weight")
    return G, cells


@pytest.mark.parametrize("n_cells", [10, 400])
def test_circle_surprise_keeps_cells_apart_at_any_size(n_cells):
    """Regression (issue 10 item 5): with modularity, even with the resolution scaled by
    sqrt(circle ties / 600), cells merge on a large circle; surprise keeps each cell whole and
    apart at 10 and at 400 cells (CPM does not here: it pairs each member with its private
    contacts, see the report)."""
    from netanalysis.analyze._kernels import to_kernel
    from netanalysis.analyze.communities import (circle_membership, circle_resolution,
                                                 membership_array)
    G, cells = _many_cells(n_cells)
    K = to_kernel(G)
    whole = membership_array(K)
    core = [K.index[v] for cell in cells for v in cell]

    def recovered(memb):
        m = dict(zip(K.names.tolist(), memb.tolist()))
        groups = [{m[v] for v in cell} for cell in cells]
        sizes = np.bincount([m[v] for cell in cells for v in cell])
        return sum(len(g) == 1 and sizes[next(iter(g))] == 5 for g in groups)

    got = circle_membership(K, core, whole, objective="surprise", n_iterations=-1)
    assert recovered(got) >= 0.95 * n_cells
    if n_cells == 400:
        m_c = K.graph.ecount()
        mod = circle_membership(K, core, whole, n_iterations=-1,
                                resolution=circle_resolution(m_c, reference_ties=600))
        assert recovered(mod) < 0.8 * n_cells


def test_circle_objective_is_checked():
    from netanalysis.analyze._kernels import to_kernel
    from netanalysis.analyze.communities import circle_membership
    K = to_kernel(nx.path_graph(4))
    with pytest.raises(ValueError, match="surprise"):
        circle_membership(K, [0], np.ones(4, dtype=np.int64), objective="infomap")
