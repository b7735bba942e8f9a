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

    Parameters
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

    See Also
    --------
    netanalysis.analyze.run_analysis : makes one.
    netanalysis.analyze.robustness.robustness : tests its ranking.

    Examples
    --------
    >>> a = Analysis(targets=pd.DataFrame(columns=TARGET_COLUMNS),
    ...              groups=pd.DataFrame(columns=GROUP_COLUMNS),
    ...              logistics=pd.DataFrame(columns=LOGISTICS_COLUMNS), measures=pd.DataFrame(),
    ...              modularity=0.4)
    >>> a.modularity, a.meta, a.movements is None
    (0.4, {}, True)
    """

    targets: pd.DataFrame
    groups: pd.DataFrame
    logistics: pd.DataFrame
    measures: pd.DataFrame
    modularity: float | None = None
    meta: dict = field(default_factory=dict)
    movements: pd.DataFrame | None = None

    def summary(self, top=10):
        """Return the headline tables: the `top` targets and the logistics groups.

        Returns
        -------
        dict
            ``targets`` and ``logistics``: DataFrames of their contract columns (first
            `top` rows).

        Examples
        --------
        >>> a = Analysis(targets=pd.DataFrame({"rank": [1], "id": ["P1"], "name": ["Ana"],
        ...     "role": ["fugitive"], "score": [1.0], "why": ["red notice"]}),
        ...     groups=pd.DataFrame(columns=GROUP_COLUMNS), logistics=pd.DataFrame(),
        ...     measures=pd.DataFrame())
        >>> a.summary()["targets"]["id"].tolist()
        ['P1']
        """
        def part(df, cols):
            if df is None or not len(df):
                return pd.DataFrame(columns=cols)
            return df[[c for c in cols if c in df.columns]].head(top).reset_index(drop=True)

        return {"targets": part(self.targets, TARGET_COLUMNS),
                "logistics": part(self.logistics, LOGISTICS_COLUMNS)}

    def _repr_html_(self):
        """A notebook shows an analysis as its headline tables (text escaped by pandas)."""
        s = self.summary()
        n_groups = int(self.groups["group"].nunique()) if self.groups is not None and len(
            self.groups) else 0
        mod = "n/a" if self.modularity is None else f"{self.modularity:.3f}"
        head = (f"<p><b>Analysis</b>: {len(self.targets):,} parties ranked, {n_groups:,} groups "
                f"(modularity {mod}), {len(self.logistics):,} logistics groups</p>")
        return (head + "<p>Top targets</p>" + s["targets"].to_html(index=False, escape=True)
                + "<p>Logistics groups</p>" + s["logistics"].to_html(index=False, escape=True))
