import networkx as nx
import pytest

from netanalysis.analyze.disrupt import DISRUPT_COLUMNS, simulate_disruption
from netanalysis.errors import UnknownEntityError
from netanalysis.model import party_edges, party_graph, party_nodes, support_graph


def test_sequential_vs_block_on_a_chain_of_stars():
    # three stars chained through their centres; after removing the middle, block mode
    # keeps following the stale ranking
    G = nx.Graph()
    for c in ("A", "B", "C"):
        G.add_edges_from((c, f"{c}{i}") for i in range(4))
    G.add_edges_from([("A", "B"), ("B", "C")])
    seq = simulate_disruption(G, "betweenness", mode="sequential", steps=2)
    blk = simulate_disruption(G, "betweenness", mode="block", steps=2)
    assert list(seq.columns) == DISRUPT_COLUMNS
    assert seq["removed_id"].tolist()[1:] == ["B", "A"] and blk["removed_id"].tolist()[1:] == ["B", "A"]
    assert seq.loc[0, "lcc_fraction"] == 1.0 and seq.loc[0, "lcc_size"] == 15
    assert seq.loc[1, "lcc_size"] == 5


def test_list_of_ids_and_unknown_id():
    G = nx.path_graph(5)
    df = simulate_disruption(G, [2])
    assert df["removed_id"].tolist() == [None, 2] and df.loc[1, "lcc_size"] == 2
    with pytest.raises(UnknownEntityError):
        simulate_disruption(G, [99])
    with pytest.raises(ValueError):
        simulate_disruption(G, "closeness")


def test_lost_support_is_reported(hub_case):
    e = party_edges(hub_case)
    n = party_nodes(hub_case)
    df = simulate_disruption(party_graph(e, n), ["FAC", "COURIER"], support=support_graph(e, n))
    assert df.loc[1, "lost_support"] == "F1 (documents); F2 (lodging)"
    assert df.loc[1, "fugitives_affected"] == 2
    assert df.loc[1, "fugitives_unsupported"] == 1  # F1 has no other supplier
    assert df.loc[2, "fugitives_unsupported"] == 2


def test_degree_and_pagerank_strategies_run():
    G = nx.karate_club_graph()
    assert simulate_disruption(G, "degree", steps=1).loc[1, "removed_id"] == 33
    assert simulate_disruption(G, "pagerank", steps=1).loc[1, "removed_id"] == 33
