"""The table functions behind disrupt, keyplayers, path and connect (moved out of the CLI)."""

from __future__ import annotations

import pandas as pd
import pytest

from netanalysis.analyze.disrupt import DISRUPT_COLUMNS, disruption_table, simulate_disruption
from netanalysis.analyze.keyplayer import KEY_PLAYER_COLUMNS, key_player_table, key_players
from netanalysis.analyze.paths import (
    CONNECTION_COLUMNS,
    connection_table,
    paths_between,
)
from netanalysis.errors import InputError
from netanalysis.model import filter_edges, party_edges, party_graph, party_nodes, support_graph
from netanalysis.model.vocab import SUPPORT_TYPES


def test_disruption_table_is_the_simulation_on_the_filtered_graph(hub_case):
    f = {"link_types": ["documents", "lodging", "transport", "communication"]}
    t = disruption_table(hub_case, "degree", steps=3, filters=f)
    e = party_edges(hub_case)
    G = party_graph(filter_edges(e, **f), party_nodes(hub_case))
    S = support_graph(e, party_nodes(hub_case))
    want = simulate_disruption(G, "degree", steps=3, support=S)
    assert list(t.columns) == DISRUPT_COLUMNS
    pd.testing.assert_frame_equal(t, want)
    # the filter matters: without it the background ties keep HUB's cluster together
    assert t["lcc_size"].tolist() != disruption_table(hub_case, "degree", steps=3)[
        "lcc_size"].tolist()


def test_disruption_table_ids_as_text_or_list(hub_case):
    a = disruption_table(hub_case, ids="FAC, HUB")
    b = disruption_table(hub_case, ids=["FAC", "HUB"])
    assert a["removed_id"].tolist() == b["removed_id"].tolist() == [None, "FAC", "HUB"]


def test_key_player_table_defaults_to_the_support_ties(hub_case):
    t = key_player_table(hub_case, 1)
    e = filter_edges(party_edges(hub_case), link_types=SUPPORT_TYPES)
    ids, F = key_players(party_graph(e), 1, seed=0, restarts=5)
    assert list(t.columns) == KEY_PLAYER_COLUMNS
    assert t["id"].tolist() == ids == ["FAC"]
    assert t.attrs["fragmentation_after"] == F
    assert t.attrs["nodes"] == len(set(e["source"]) | set(e["target"]))
    other = key_player_table(hub_case, 1, filters={"link_types": ["associate", "family"]})
    assert other["id"].tolist() == ["HUB"]


def test_paths_and_connections_honour_the_filters(hub_case):
    assert paths_between(hub_case, "F1", "FORGER")["nodes"].tolist() == ["F1 > FAC > FORGER"]
    assert paths_between(hub_case, "F1", "FORGER",
                         filters={"link_types": ["lodging", "transport"]}).empty
    t = connection_table(hub_case, ["F1", "FORGER", "COURIER"])
    assert list(t.columns) == CONNECTION_COLUMNS
    assert t.attrs["through"] == ["F2", "FAC"] and t.attrs["nodes"] == 5
    with pytest.raises(InputError, match="famly"):
        connection_table(hub_case, ["F1", "F2"], filters={"link_types": ["famly"]})


def test_connection_table_is_the_same_on_every_run(hub_case):
    """Before: the rows came in the order of a set, different from one process to the next."""
    t = connection_table(hub_case, ["F1", "FORGER", "COURIER"])
    pairs = list(zip(t["source"], t["target"]))
    assert pairs == sorted(pairs) and all(a < b for a, b in pairs)
