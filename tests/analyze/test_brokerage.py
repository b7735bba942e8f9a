import networkx as nx
import pytest

from netanalysis.analyze.brokerage import (
    bridge_edges,
    brokerage_roles,
    constraint,
    effective_size,
    group_bridging,
)


@pytest.mark.parametrize("weight", [None, "weight"])
def test_constraint_matches_networkx(weight):
    G = nx.karate_club_graph()
    a = nx.constraint(G, weight=weight)
    b = constraint(G, weight=weight, engine="igraph")
    assert max(abs(a[v] - b[v]) for v in G) < 1e-12


@pytest.mark.parametrize("weight", [None, "weight"])
def test_effective_size_matches_networkx_definition(weight):
    G = nx.karate_club_graph()
    G.add_node("alone")
    # networkx's per-node loop is the definition (its vectorised weighted path differs)
    a = nx.effective_size(G, nodes=list(G), weight=weight)
    b = effective_size(G, weight=weight, engine="igraph")
    assert b["alone"] != b["alone"]  # NaN for an isolated node, as networkx
    assert max(abs(a[v] - b[v]) for v in G if v != "alone") < 1e-9


def test_blocked_computation_equals_one_block():
    from netanalysis.analyze._kernels import to_kernel
    from netanalysis.analyze.brokerage import structural_holes_arrays

    K = to_kernel(nx.les_miserables_graph())
    c1, e1 = structural_holes_arrays(K, weight="weight", block_paths=40)
    c2, e2 = structural_holes_arrays(K, weight="weight")
    assert abs(c1 - c2).max() < 1e-12 and abs(e1 - e2).max() < 1e-12


def test_gould_fernandez_roles_by_hand():
    D = nx.DiGraph([("a", "v"), ("v", "c"),      # a, v in 1, c in 2: representative
                    ("x", "v"), ("v", "y"),      # x in 3, y in 1: gatekeeper
                    ("y", "w"), ("w", "z")])     # y in 1, w in 4, z in 1: itinerant
    groups = {"a": 1, "v": 1, "c": 2, "x": 3, "y": 1, "w": 4, "z": 1}
    r = brokerage_roles(D, groups)
    v = r.loc["v"]
    # two-paths through v: a->c (rep), a->y (coord), x->c (liaison), x->y (gatekeeper)
    assert (v["representative"], v["coordinator"], v["liaison"], v["gatekeeper"]) == (1, 1, 1, 1)
    assert r.loc["w", "itinerant"] == 1 and r.loc["w", "total"] == 1
    assert r.loc["a", "total"] == 0


def test_gould_fernandez_closed_triads_do_not_count():
    D = nx.DiGraph([("a", "v"), ("v", "c"), ("a", "c")])
    assert brokerage_roles(D, {"a": 1, "v": 2, "c": 3}).loc["v", "total"] == 0


def test_gould_fernandez_undirected_counts_both_ways():
    G = nx.path_graph(["a", "v", "c"])
    r = brokerage_roles(G, {"a": 1, "v": 1, "c": 2})
    assert r.loc["v", "representative"] == 1 and r.loc["v", "gatekeeper"] == 1


def test_group_bridging_and_bridge_edges():
    G = nx.barbell_graph(4, 0)
    groups = {v: 1 if v < 4 else 2 for v in G}
    b = group_bridging(G, groups)
    assert b.loc[3, "other_groups"] == 1 and b.loc[3, "bridged"] == (2,)
    assert b.loc[0, "other_groups"] == 0 and b.loc[0, "outside_ties"] == 0
    e = bridge_edges(G, groups)
    assert len(e) == 1 and bool(e.loc[0, "is_bridge"])


def test_gf_roles_from_row_codes_equal_string_lookup():
    import numpy as np
    import pandas as pd

    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.analyze.run import _gf_roles, rank_settings

    rng = np.random.default_rng(3)
    ids = np.array([f"p{i}" for i in range(60)], dtype=object)
    m = 400
    edges = pd.DataFrame({"source": rng.choice(ids, m), "target": rng.choice(ids, m),
                          "type": rng.choice(["documents", "lodging", "communication",
                                              "family"], m),
                          "weight": 1.0, "confidence": 1.0})
    K = kernel_from_edges(edges, ids)
    memb = rng.integers(1, 6, len(K.names))
    rs = rank_settings({})
    by_codes, label = _gf_roles(edges, None, K.names, memb, rs, K.row_codes)
    by_names, label2 = _gf_roles(edges, None, K.names, memb, rs)
    assert label == label2 == "support + communication of the support network"
    assert by_codes["total"].sum() > 0
    pd.testing.assert_frame_equal(by_codes, by_names)
