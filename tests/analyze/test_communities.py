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


def test_split_significance_by_hand():
    from netanalysis.analyze.communities import split_significance
    # path of three split 2 | 1: two ties on three pairs, one of the three pairs is inside,
    # so P(at most one tie between) = 1 - P(both ties between) = 1 - 1/3
    assert split_significance(2, 1, 1, 0, 1) == pytest.approx(2 / 3)
    # two triangles and one tie between: 7 ties on C(6, 2) = 15 pairs, 9 of them between;
    # at least one tie must fall between (only 6 pairs inside): P(X = 1) = 9 / C(15, 7)
    assert split_significance(3, 3, 3, 3, 1) == pytest.approx(9 / 6435)
    # no tie between two dense groups of four: C(12, 12) / C(28, 12)
    from math import comb
    assert split_significance(4, 4, 6, 6, 0) == pytest.approx(1 / comb(28, 12))
    with pytest.raises(ValueError, match="impossible"):
        split_significance(2, 1, 2, 0, 0)


def test_split_significance_matches_scipy():
    from scipy.stats import hypergeom

    from netanalysis.analyze.communities import split_significance
    for a, b, ia, ib, x in [(5, 7, 6, 10, 3), (40, 30, 60, 45, 20), (3, 200, 3, 400, 150),
                            (50, 50, 100, 100, 0), (10, 1, 20, 0, 9)]:
        pairs = (a + b) * (a + b - 1) // 2
        want = hypergeom.cdf(x, pairs, a * b, ia + ib + x)
        assert split_significance(a, b, ia, ib, x) == pytest.approx(want, rel=1e-9, abs=1e-300)


def test_a_small_connected_circle_is_not_split_without_evidence():
    """Regression (issue 10 item 5): surprise splits any connected handful (a path of three, a
    star, a chain of four) since any split raises it above the one-group partition's zero; the
    split test keeps them whole, and still separates two triangles joined by one tie."""
    from netanalysis.analyze._kernels import to_kernel
    from netanalysis.analyze.communities import circle_membership

    def groups(G, alpha):
        K = to_kernel(G)
        m = circle_membership(K, list(range(len(K.names))), np.ones(len(K.names)),
                              objective="surprise", n_iterations=-1, split_alpha=alpha)
        return len(set(m.tolist()))

    for G in (nx.path_graph(3), nx.path_graph(4), nx.star_graph(5)):
        assert groups(G, None) > 1          # what surprise alone does
        assert groups(G, 0.05) == 1
    assert groups(nx.barbell_graph(3, 0), 0.05) == 2
    assert groups(nx.barbell_graph(5, 0), 0.05) == 2


def test_merge_insignificant_splits_merges_only_tied_groups():
    from netanalysis.analyze.communities import merge_insignificant_splits
    G = nx.Graph([("a", "b"), ("c", "d")])      # two components: never one group
    assert merge_insignificant_splits(G, [1, 1, 2, 2]).tolist() == [1, 1, 2, 2]
    # a singleton hanging off a triangle joins it; the triangles stay apart
    G = nx.barbell_graph(3, 0)
    G.add_edge(5, 6)
    got = merge_insignificant_splits(G, [1, 1, 1, 2, 2, 2, 3]).tolist()
    assert got[6] == got[5] and got[0] != got[5]
    # alpha 1 keeps every split; the numbering is renumber's
    assert merge_insignificant_splits(G, [7, 7, 7, 5, 5, 5, 9], alpha=1.0).tolist() == \
        [1, 1, 1, 2, 2, 2, 3]



def test_merge_splits_computes_each_distinct_test_once(monkeypatch):
    """Speed (issue 11 item 4): a circle of many small alike groups repeats the same split
    test (sizes and tie counts) thousands of times; each distinct one is computed once, and
    the merged partition is the one a star of triangles must give (the old code computed
    every repeat: more calls than distinct tests)."""
    from netanalysis.analyze import communities as cm

    calls = []
    tail = cm._hypergeom_cdf

    def spy(*args):
        calls.append(args)
        return tail(*args)

    monkeypatch.setattr(cm, "_hypergeom_cdf", spy)
    # 30 triangles, each tied once to a hub; 40 pairs hanging off the same hub
    G = nx.Graph()
    labels = {"hub": 0}
    for i in range(30):
        a, b, c = f"t{i}a", f"t{i}b", f"t{i}c"
        G.add_edges_from([(a, b), (b, c), (a, c), (a, "hub")])
        labels.update({a: 1 + i, b: 1 + i, c: 1 + i})
    for i in range(40):
        G.add_edges_from([(f"p{i}a", f"p{i}b"), (f"p{i}a", "hub")])
        labels.update({f"p{i}a": 100 + i, f"p{i}b": 100 + i})
    memb = cm.merge_insignificant_splits(G, [labels[v] for v in G])
    assert len(calls) == len(set(calls)) < 100
    # the hub alone is no group of its own; a triangle hanging by one tie stays apart
    got = dict(zip(G, memb.tolist()))
    assert got["t0a"] == got["t0b"] == got["t0c"] != got["t1a"]
    assert len(set(got.values())) < len(set(labels.values()))

def test_the_ranking_keeps_a_three_person_circle_whole():
    """Regression (issue 10 item 5): on the path fugitive - lodging supplier - relative the
    surprise partition put the supplier in a group of his own side, so he "bridged" two
    groups and outranked the fugitive; the split is not significant, the circle stays one
    group and the fugitive ranks first again."""
    from netanalysis.analyze.run import run_analysis
    from netanalysis.ingest import case_from_records
    c = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"},
                                   {"id": "S1", "name": "Luis"}, {"id": "X1", "name": "Eva"}],
                          links=[{"from_id": "S1", "to_id": "F1", "type": "lodging"},
                                 {"from_id": "X1", "to_id": "S1", "type": "family"}])
    r = run_analysis(c)
    assert r.groups["group"].nunique() == 1
    assert r.targets["id"].tolist()[0] == "F1"
