import networkx as nx
import pytest

from netanalysis.analyze.paths import connecting_network, path_table, shortest_paths
from netanalysis.errors import UnknownEntityError
from netanalysis.model import party_edges, party_graph


def test_paths_on_a_case(hub_case):
    G = party_graph(party_edges(hub_case))
    p = shortest_paths(G, "FORGER", "F2")
    assert p == [["FORGER", "FAC", "F2"]]
    alts = shortest_paths(G, "FORGER", "F2", k=3)
    assert alts[0] == p[0] and len(alts) == 3
    assert [len(x) for x in alts] == sorted(len(x) for x in alts)
    t = path_table(G, alts)
    assert t.loc[0, "nodes"] == "FORGER > FAC > F2" and t.loc[0, "types"] == "documents | lodging"


def test_confidence_cost_prefers_well_graded_ties():
    G = nx.Graph()
    G.add_edge("A", "X", confidence=0.1)
    G.add_edge("X", "B", confidence=0.1)
    G.add_edge("A", "Y", confidence=1.0)
    G.add_edge("Y", "Z", confidence=1.0)
    G.add_edge("Z", "B", confidence=1.0)
    assert shortest_paths(G, "A", "B", by_confidence=True) == [["A", "Y", "Z", "B"]]
    assert path_table(G, [["A", "X", "B"]], by_confidence=True).loc[0, "cost"] == pytest.approx(20.0)


def test_unconnected_and_unknown():
    G = nx.Graph([("a", "b"), ("c", "d")])
    assert shortest_paths(G, "a", "c") == []
    with pytest.raises(UnknownEntityError):
        shortest_paths(G, "a", "zz")


@pytest.mark.parametrize("method", ["paths", "steiner"])
def test_connecting_network(method):
    G = nx.path_graph(["a", "b", "c", "d", "e"])
    G.add_edge("x", "y")
    H = connecting_network(G, ["a", "d", "x"], method=method)
    assert set(H.nodes()) == {"a", "b", "c", "d", "x"}
    assert H.number_of_edges() == 3
    assert H.nodes["a"]["terminal"] and not H.nodes["b"]["terminal"]
