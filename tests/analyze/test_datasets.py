"""Validation on published criminal networks (../shared/datasets).

Counts are those of each dataset's README (computed there with networkx); disruption and
centrality findings are checked against the papers the READMEs cite, qualitatively where the
papers give no exact figure for these files. See docs/datasets.md.
"""

import networkx as nx
import pytest

from netanalysis.analyze import betweenness_centrality, leiden_communities, modularity
from netanalysis.analyze.datasets import load_published
from netanalysis.analyze.disrupt import simulate_disruption
from netanalysis.errors import InputError

pytestmark = pytest.mark.datasets


def _top(d, n=1):
    return [v for v, _ in sorted(d.items(), key=lambda x: (-x[1], str(x[0])))[:n]]


def _counts(G):
    comps = [len(c) for c in nx.connected_components(G)]
    return G.number_of_nodes(), G.number_of_edges(), len(comps), max(comps)


@pytest.mark.parametrize("layer,expected", [
    ("meetings", (101, 256, 5, 92)),
    ("phonecalls", (100, 124, 5, 89)),
    (["meetings", "phonecalls"], (154, 342, 5, 145)),
])
def test_montagna_counts(shared_datasets, layer, expected):
    assert _counts(load_published(shared_datasets / "montagna", layer=layer)) == expected


@pytest.mark.parametrize("layer", ["meetings", "phonecalls"])
def test_montagna_sequential_betweenness_collapses_the_lcc(shared_datasets, layer):
    # Cavallaro et al. (2020): removing about 5% of the nodes by betweenness, recomputed
    # after each arrest, breaks the largest component apart; sequential beats block
    G = load_published(shared_datasets / "montagna", layer=layer)
    seq = simulate_disruption(G, "betweenness", mode="sequential", steps=5)
    blk = simulate_disruption(G, "betweenness", mode="block", steps=5)
    assert seq.loc[1, "removed_id"] == "18"  # the same first arrest in both layers
    assert seq.loc[5, "lcc_fraction"] < 0.5
    assert seq.loc[5, "lcc_fraction"] <= blk.loc[5, "lcc_fraction"]
    assert seq["lcc_fraction"].is_monotonic_decreasing
    if layer == "meetings":
        assert seq.loc[5, "lcc_size"] == 39  # 92 -> 39 after 5 of 101 people: -58%
        assert blk.loc[5, "lcc_fraction"] > 0.8  # block removal keeps most of it together


def test_caviar_union_of_phases_and_serero(shared_datasets):
    G = load_published(shared_datasets / "caviar", isolates=False)
    assert (G.number_of_nodes(), G.number_of_edges()) == (107, 214)
    assert sorted(len(c) for c in nx.connected_components(G)) == [2, 105]
    D = load_published(shared_datasets / "caviar", directed=True, isolates=False)
    assert D.number_of_edges() == 303
    # Morselli (2009): n1 (Daniel Serero, the mastermind) is the most central participant
    assert _top(dict(G.degree())) == ["1"] and _top(betweenness_centrality(G)) == ["1"]
    # ...and n12 rises over the investigation: absent from phase 1, top 3 by the end
    p1 = load_published(shared_datasets / "caviar", layer=1)
    p11 = load_published(shared_datasets / "caviar", layer=11)
    assert "12" not in p1 and "12" in _top(betweenness_centrality(p11), 3)


def test_hijackers_counts_and_atta(shared_datasets):
    G = load_published(shared_datasets / "hijackers_911", layer="associates")
    assert (G.number_of_nodes(), G.number_of_edges(), nx.is_connected(G)) == (61, 131, True)
    assert round(nx.density(G), 4) == 0.0716
    # Krebs (2002): Mohamed Atta is the best connected and the main broker
    atta = [v for v in G if G.nodes[v]["name"] == "Mohamed Atta"]
    assert _top(dict(G.degree())) == atta and _top(betweenness_centrality(G)) == atta
    P = load_published(shared_datasets / "hijackers_911", layer="prior_contacts")
    assert (P.number_of_nodes(), P.number_of_edges(), nx.is_connected(P)) == (19, 27, True)


def test_noordin_layers_and_noordin_top(shared_datasets):
    layers = ["classmates", "communication", "kinship", "friendship", "soulmates"]
    G = load_published(shared_datasets / "noordin_top", layer=layers, node_type="person",
                       isolates=True)
    assert _counts(G) == (139, 523, 15, 124)
    C = load_published(shared_datasets / "noordin_top", layer="communication", node_type="person")
    assert C.number_of_edges() == 312 and max(len(c) for c in nx.connected_components(C)) == 120
    assert C.degree("P105") == 53 and _top(betweenness_centrality(C)) == ["P105"]


@pytest.mark.parametrize("layer,expected", [
    ("WR", (182, 247, 3, 176)), ("AW", (146, 189, 2, 142)), ("JU", (89, 113, 3, 71))])
def test_oversize_layers(shared_datasets, layer, expected):
    assert _counts(load_published(shared_datasets / "oversize", layer=layer)) == expected


def test_london_gang(shared_datasets):
    G = load_published(shared_datasets / "london_gang")
    assert (G.number_of_nodes(), G.number_of_edges(), nx.is_connected(G)) == (54, 315, True)
    assert round(nx.density(G), 3) == 0.220
    comms = leiden_communities(G, seed=0)
    assert 2 <= len(comms) <= 8 and modularity(G, comms) > 0.25


@pytest.mark.parametrize("name,n,m,top,deg,bc", [
    ("siren", 44, 103, "1", 33, 0.798), ("togo", 33, 47, "1", 19, 0.783)])
def test_morselli_ringing_operations(shared_datasets, name, n, m, top, deg, bc):
    G = load_published(shared_datasets / name)
    assert (G.number_of_nodes(), G.number_of_edges()) == (n, m)
    b = betweenness_centrality(G)
    assert _top(b) == [top] and G.degree(top) == deg and round(b[top], 3) == bc


def test_cielnet(shared_datasets):
    G = load_published(shared_datasets / "cielnet")
    assert (G.number_of_nodes(), G.number_of_edges()) == (25, 35)
    b = betweenness_centrality(G)
    assert _top(b, 2) == ["N2", "N1"] and round(b["N2"], 3) == 0.641 and round(b["N1"], 3) == 0.591


def test_unknown_layer(shared_datasets):
    with pytest.raises(InputError, match="no rows"):
        load_published(shared_datasets / "montagna", layer="telepathy")
