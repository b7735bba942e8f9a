import networkx as nx
import pytest

from netanalysis.analyze.keyplayer import fragmentation, key_players, key_players_exact


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3])
def test_greedy_reaches_the_brute_force_optimum(seed, k):
    G = nx.gnm_random_graph(11, 15, seed=seed)
    ids, F = key_players(G, k, seed=0)
    _, best = key_players_exact(G, k)
    assert F == pytest.approx(best)
    assert fragmentation(G, ids) == pytest.approx(F)


def test_fragmentation_values():
    assert fragmentation(nx.complete_graph(4)) == 0.0
    assert fragmentation(nx.empty_graph(4)) == 1.0
    assert fragmentation(nx.star_graph(3), [0]) == 1.0


def test_seeded_and_candidates():
    G = nx.les_miserables_graph()
    a = key_players(G, 3, seed=4)
    assert a == key_players(G, 3, seed=4)
    ids, F = key_players(G, 3, seed=4, candidates=10)
    top10 = {v for v, _ in sorted(G.degree(), key=lambda x: (-x[1], x[0]))[:10]}
    assert len(ids) == 3 and set(ids) <= top10
    assert F == pytest.approx(fragmentation(G, ids)) and F > fragmentation(G)
    assert "Valjean" in a[0] and "Valjean" in ids
