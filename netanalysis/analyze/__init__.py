"""Targeting analytics: centrality, brokerage, communities, targets, logistics, paths,
disruption and time.

Measures are plain functions grouped by family, the graph first, networkx's keywords;
:func:`run_analysis` is the ranking step of the main job.
"""

from netanalysis.analyze.brokerage import (
    bridge_edges,
    brokerage_roles,
    constraint,
    effective_size,
    group_bridging,
)
from netanalysis.analyze.centrality import (
    betweenness_centrality,
    closeness_centrality,
    core_number,
    degree_centrality,
    eigenvector_centrality,
    harmonic_centrality,
    pagerank,
    weighted_degree,
)
from netanalysis.analyze.communities import (
    group_membership,
    leiden_communities,
    louvain_communities,
    modularity,
)
from netanalysis.analyze.datasets import load_published
from netanalysis.analyze.disrupt import simulate_disruption
from netanalysis.analyze.keyplayer import fragmentation, key_players, key_players_exact
from netanalysis.analyze.logistics import group_profiles, group_table, logistics_groups
from netanalysis.analyze.paths import connecting_network, path_table, shortest_paths
from netanalysis.analyze.result import Analysis
from netanalysis.analyze.run import run_analysis
from netanalysis.analyze.support import support_network
from netanalysis.analyze.run import rank_targets
from netanalysis.analyze.targets import fugitive_danger, support_reach
from netanalysis.analyze.temporal import diff_windows, snapshot, snapshots, time_windows

__all__ = [
    "Analysis",
    "run_analysis",
    "rank_targets",
    "fugitive_danger",
    "support_reach",
    "degree_centrality",
    "weighted_degree",
    "betweenness_centrality",
    "closeness_centrality",
    "harmonic_centrality",
    "eigenvector_centrality",
    "pagerank",
    "core_number",
    "constraint",
    "effective_size",
    "brokerage_roles",
    "group_bridging",
    "bridge_edges",
    "leiden_communities",
    "louvain_communities",
    "group_membership",
    "modularity",
    "group_table",
    "group_profiles",
    "logistics_groups",
    "support_network",
    "shortest_paths",
    "path_table",
    "connecting_network",
    "simulate_disruption",
    "fragmentation",
    "key_players",
    "key_players_exact",
    "snapshot",
    "snapshots",
    "time_windows",
    "diff_windows",
    "load_published",
]
