"""The result of an analysis run: the tables of the output contract and what they rest on."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Analysis", "TARGET_COLUMNS", "GROUP_COLUMNS", "LOGISTICS_COLUMNS"]

#: Contract columns of ``targets.csv`` (measures follow them).
TARGET_COLUMNS = ["rank", "id", "name", "role", "score", "why"]
#: Contract columns of ``groups.csv``.
GROUP_COLUMNS = ["group", "id", "name", "role"]
#: Contract columns of ``logistics.csv``.
LOGISTICS_COLUMNS = ["group", "rank", "score", "facilitators", "fugitives_supported", "why"]


@dataclass
class Analysis:
    """What ranking and community detection produced for one case.

    Attributes
    ----------
    targets : DataFrame
        One row per party, best first: :data:`TARGET_COLUMNS`, then the measures behind the
        score.
    groups : DataFrame
        One row per group member: :data:`GROUP_COLUMNS` (plus extra columns).
    logistics : DataFrame
        One row per logistics group, best first: :data:`LOGISTICS_COLUMNS`.
    measures : DataFrame
        Every measure computed, indexed by party id.
    modularity : float or None
        Modularity of the group partition.
    meta : dict
        How the figures were obtained: filters, seed, betweenness sample size, backend,
        kernels used, timings.
    movements : DataFrame or None
        Where each fugitive is likely to go next
        (:func:`netanalysis.analyze.movements.anticipate`), set by the main job.
    """

    targets: pd.DataFrame
    groups: pd.DataFrame
    logistics: pd.DataFrame
    measures: pd.DataFrame
    modularity: float | None = None
    meta: dict = field(default_factory=dict)
    movements: pd.DataFrame | None = None
