"""Robustness of the rankings: does an answer survive when the weak or one source's reports go?

An analyst who acts on a ranking needs to know whether it rests on weak reports or on one
agency. :func:`robustness` re-runs :func:`netanalysis.analyze.run_analysis` under the
perturbations that matter:

- ``below:C3``: every reported tie graded below a threshold (confidence under that of the
  threshold grading, e.g. ``C3`` = 0.36) is dropped;
- ``without:<provenance>``: the reports of one source are left out, for each of the sources
  with most reports;
- ``no_inferred``: the ties inferred by netanalysis (co-travel, calls, shared identifiers)
  are dropped.

For every target and logistics group it gives the rank in each scenario, the worst rank, the
scenario that causes it, and ``stability`` = rank / worst rank (1 = never falls; 0.1 = falls
to ten times its rank). Logistics groups are matched across runs by their members (community
detection runs again in each scenario): a group is found again when the Jaccard similarity of
its facilitators and fugitives with a group of the scenario is at least 0.5.

:meth:`Robustness.sentences` says it in words: "P0166 stays first without any report graded
below C3, without the reports of any one source and without inferred ties"; "P0085 falls from
2 to 14 without the reports of CICPC Venezuela".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netanalysis.analyze.run import run_analysis
from netanalysis.model.case import Case
from netanalysis.model.grading import grading_confidence, parse_grading

__all__ = ["robustness", "Robustness", "with_stability", "STABILITY_COLUMNS"]

#: Columns :func:`with_stability` adds to ``targets`` and ``logistics``.
STABILITY_COLUMNS = ["stability", "worst_rank", "worst_without"]

_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth"]


@dataclass
class Robustness:
    """Ranks of targets and logistics groups under perturbations (see :func:`robustness`).

    Parameters
    ----------
    targets : DataFrame
        ``id``, ``rank``, one ``rank:<scenario>`` column per scenario, then
        :data:`STABILITY_COLUMNS`; the ranked parties, best first.
    logistics : DataFrame
        ``group``, ``rank``, one ``rank:<scenario>`` column per scenario (NaN: the group is
        not found again), then :data:`STABILITY_COLUMNS`.
    scenarios : list of dict
        ``key``, ``label`` (e.g. "without the reports of Europol"), ``dropped`` (ties
        removed).

    See Also
    --------
    robustness : makes one.
    with_stability : copies its columns into a table.

    Examples
    --------
    >>> r = Robustness(targets=pd.DataFrame({"id": ["A"], "rank": [1]}),
    ...                logistics=pd.DataFrame())
    >>> r.scenarios, r.targets["id"].tolist()
    ([], ['A'])
    """

    targets: pd.DataFrame
    logistics: pd.DataFrame
    scenarios: list = field(default_factory=list)

    def sentences(self, top=5, kinds=("targets", "logistics")):
        """Return one sentence per target among the `top`, then per logistics group.

        `kinds` chooses the tables spoken of (``"targets"``, ``"logistics"``).

        Examples
        --------
        >>> r = Robustness(targets=pd.DataFrame({"id": ["A", "B"], "rank": [1, 2],
        ...     "rank:no_inferred": [1, 5], "stability": [1.0, 0.4], "worst_rank": [1, 5],
        ...     "worst_without": [None, "no_inferred"]}), logistics=pd.DataFrame(),
        ...     scenarios=[{"key": "no_inferred", "label": "without inferred ties",
        ...                 "dropped": 3}])
        >>> r.sentences()
        ['A stays first without inferred ties.', 'B falls from 2 to 5 without inferred ties.']
        """
        out = []
        for kind, df, key in (("target", self.targets, "id"), ("group", self.logistics, "group")):
            if f"{'targets' if kind == 'target' else 'logistics'}" not in kinds:
                continue
            if df is None or not len(df):
                continue
            for rec in df.head(top).to_dict("records"):
                name = str(rec[key]) if kind == "target" else f"Logistics group {rec[key]}"
                out.append(self._sentence(name, rec))
        return out

    def _sentence(self, name, rec):
        rank = int(rec["rank"])
        falls, stays, rises = [], [], False
        for s in self.scenarios:
            r = rec.get(f"rank:{s['key']}")
            if r is None or (isinstance(r, float) and np.isnan(r)):
                falls.append((float("inf"), s))
            elif int(r) > rank:
                falls.append((int(r), s))
            else:
                rises = rises or int(r) < rank
                stays.append(s)
        if not falls:
            how = " or better" if rises else ""
            return f"{name} stays {_ordinal(rank)}{how} {_join(_stay_labels(stays))}."
        falls.sort(key=lambda x: -x[0])
        worst, s = falls[0]
        if worst == float("inf"):
            text = f"{name} (rank {rank}) is no longer found {s['label']}"
        else:
            text = f"{name} falls from {rank} to {worst} {s['label']}"
        more = len(falls) - 1
        if more:
            text += f" (and falls in {more} other test{'s' if more != 1 else ''})"
        return text + "."


def robustness(case, *, analysis=None, threshold="C3", provenances=None, max_provenances=8,
               inferred=True, settings=None, filters=None, seed=0, progress=None):
    """Rank targets and logistics groups of `case` again under perturbations.

    Parameters
    ----------
    case : Case
        The prepared case (resolved, with inferred ties), as analysed.
    analysis : Analysis, optional
        The ranking to test (computed when absent, with the same `settings`, `filters` and
        `seed`).
    threshold : str or None
        A grading (any accepted system): reported ties with a lower confidence are dropped in
        one scenario. None skips it.
    provenances : list of str or "all", optional
        Sources to leave out one at a time; by default the `max_provenances` with most
        reports.
    max_provenances : int
        How many sources are left out (one at a time) by default.
    inferred : bool
        Add the scenario without inferred ties.
    settings, filters, seed, progress
        As for :func:`netanalysis.analyze.run_analysis`.

    Returns
    -------
    Robustness

    See Also
    --------
    Robustness : what this returns.
    with_stability : adds its columns to a targets table.

    Notes
    -----
    One analysis per scenario: the cost is (1 + number of sources + 2) times that of
    :func:`run_analysis`.

    Examples
    --------
    >>> persons = pd.DataFrame({"id": ["F1", "S1", "S2", "X"], "name": list("FSTX"),
    ...     "role": ["fugitive", "facilitator", "facilitator", "unknown"],
    ...     "notice": ["red", None, None, None], "_file": "persons.csv", "_line": [2, 3, 4, 5]})
    >>> links = pd.DataFrame({"from_id": ["S1", "S2", "X"], "to_id": ["F1", "F1", "S2"],
    ...     "type": ["lodging", "documents", "family"], "grading": ["B2", "E5", "B2"],
    ...     "weight": [1.0] * 3, "start": [None] * 3, "end": [None] * 3,
    ...     "provenance": ["DIJIN", "Europol", "DIJIN"], "note": [None] * 3,
    ...     "_file": "links.csv", "_line": [2, 3, 4]})
    >>> r = robustness(Case(tables={"persons": persons, "links": links}))
    >>> [s["key"] for s in r.scenarios]
    ['below:C3', 'without:DIJIN', 'without:Europol', 'no_inferred']
    >>> r.targets.set_index("id").loc["S2", "worst_without"]
    'below:C3'
    """
    if analysis is None:
        analysis = run_analysis(case, settings=settings, filters=filters, seed=seed)
    links = case.tables["links"]
    scenarios = []
    if threshold is not None and len(links):
        g = parse_grading(threshold)
        floor = grading_confidence(g)
        conf = links["grading"].fillna("F6").astype(str).map(grading_confidence)
        keep = (conf >= floor - 1e-12).to_numpy()
        scenarios.append({"key": f"below:{g}",
                          "label": f"without any report graded below {g}",
                          "dropped": int((~keep).sum()), "links": keep, "inferred": True})
    if len(links):
        prov = links["provenance"]
        counts = prov.dropna().astype(str).value_counts()
        names = (list(counts.index) if provenances == "all"
                 else [str(p) for p in provenances] if provenances is not None
                 else list(counts.index[: int(max_provenances)]))
        for p in names:
            keep = (prov.astype(str) != p).to_numpy() | prov.isna().to_numpy()
            scenarios.append({"key": f"without:{p}", "label": f"without the reports of {p}",
                              "dropped": int((~keep).sum()), "links": keep, "inferred": True})
    if inferred:
        n_inf = 0 if case.inferred is None else len(case.inferred)
        scenarios.append({"key": "no_inferred", "label": "without inferred ties",
                          "dropped": n_inf, "links": None, "inferred": False})

    base_t = analysis.targets[["id", "rank"]].assign(id=lambda d: d["id"].astype(str))
    t = base_t.copy()
    lg = analysis.logistics
    base_l = (lg[["group", "rank"]].copy() if lg is not None and len(lg)
              else pd.DataFrame({"group": pd.Series(dtype=object), "rank": pd.Series(dtype=int)}))
    lg_sets = _group_sets(lg)
    bar = progress.bar("robustness tests", total=len(scenarios), unit="analyses") \
        if progress is not None else None
    for s in scenarios:
        if bar is not None and bar.done == 0:
            bar.__enter__()
        sub = _perturbed(case, s["links"], s["inferred"])
        a = run_analysis(sub, settings=settings, filters=filters, seed=seed)
        ranks = dict(zip(a.targets["id"].astype(str), a.targets["rank"].astype(int)))
        t[f"rank:{s['key']}"] = t["id"].map(ranks).astype(float)
        base_l[f"rank:{s['key']}"] = _match_groups(lg_sets, a.logistics)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    targets = _finish(t, scenarios)
    logistics = _finish(base_l, scenarios)
    for s in scenarios:
        s.pop("links")
        s.pop("inferred")
    return Robustness(targets=targets, logistics=logistics, scenarios=scenarios)


def with_stability(table, rob, key="id"):
    """Return `table` (targets or logistics) with :data:`STABILITY_COLUMNS` from `rob`.

    Parameters
    ----------
    table : pandas.DataFrame
        ``targets`` (keyed by ``id``) or ``logistics`` (keyed by ``group``) of an analysis.
    rob : Robustness
        The result of :func:`robustness` for the same analysis.
    key : {"id", "group"}, default "id"
        Which of the two `table` is; keys are compared as text.

    Returns
    -------
    pandas.DataFrame
        `table` with its index, earlier stability columns replaced; NaN where `rob` does not
        know a row.

    See Also
    --------
    robustness : computes the stability.

    Examples
    --------
    >>> rob = Robustness(targets=pd.DataFrame({"id": ["A"], "rank": [1], "stability": [1.0],
    ...     "worst_rank": [1], "worst_without": [None]}), logistics=pd.DataFrame())
    >>> with_stability(pd.DataFrame({"id": ["A"], "score": [2.0]}), rob).columns.tolist()
    ['id', 'score', 'stability', 'worst_rank', 'worst_without']
    """
    src = rob.targets if key == "id" else rob.logistics
    extra = src[[key] + STABILITY_COLUMNS].astype({key: str})
    out = table.drop(columns=[c for c in STABILITY_COLUMNS if c in table.columns])
    merged = out.assign(_k=out[key].astype(str)).merge(
        extra.rename(columns={key: "_k"}), on="_k", how="left").drop(columns="_k")
    merged.index = table.index
    return merged


# --- private helpers ---------------------------------------------------------------------

def _perturbed(case, keep_links, keep_inferred):
    tables = dict(case.tables)
    if keep_links is not None:
        tables["links"] = case.tables["links"][keep_links]
    return Case(tables=tables, rejects=case.rejects, counts=case.counts, path=case.path,
                merges=case.merges, inferred=case.inferred if keep_inferred else None)


def _finish(df, scenarios):
    cols = [f"rank:{s['key']}" for s in scenarios]
    if not cols or not len(df):
        for c in STABILITY_COLUMNS:
            df[c] = pd.Series(dtype=float if c != "worst_without" else object)
        if not cols and len(df):
            df["stability"] = 1.0
            df["worst_rank"] = df["rank"]
        return df.reset_index(drop=True)
    ranks = df[cols].to_numpy(dtype=float)
    big = np.where(np.isnan(ranks), np.inf, ranks)
    worst = np.maximum(big.max(axis=1), df["rank"].to_numpy(dtype=float))
    which = big.argmax(axis=1)
    fell = worst > df["rank"].to_numpy(dtype=float)
    df["stability"] = np.round(np.where(np.isinf(worst), 0.0,
                                        df["rank"].to_numpy(dtype=float) / worst), 4)
    df["worst_rank"] = np.where(np.isinf(worst), np.nan, worst)
    df["worst_without"] = [scenarios[w]["key"] if f else None for w, f in zip(which, fell)]
    return df.reset_index(drop=True)


def _group_sets(lg):
    if lg is None or not len(lg):
        return []
    out = []
    for rec in lg.to_dict("records"):
        members = set(_ids(rec.get("facilitator_ids"))) | set(_ids(rec.get("fugitive_ids")))
        out.append(members)
    return out


def _match_groups(base_sets, lg):
    """Rank in `lg` of the group most like each base group (Jaccard >= 0.5), else NaN."""
    cand = []
    if lg is not None and len(lg):
        for rec in lg.to_dict("records"):
            cand.append((int(rec["rank"]), set(_ids(rec.get("facilitator_ids")))
                         | set(_ids(rec.get("fugitive_ids")))))
    out = []
    for s in base_sets:
        best, best_j = np.nan, 0.0
        for rank, c in cand:
            j = len(s & c) / len(s | c) if s | c else 0.0
            if j > best_j or (j == best_j and j > 0 and rank < best):
                best, best_j = rank, j
        out.append(float(best) if best_j >= 0.5 else np.nan)
    return out


def _ids(v):
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return [str(x) for x in v]
    if isinstance(v, str):
        return [x for x in v.split("|") if x]
    return []


def _ordinal(n):
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"{n}th" if 10 <= n % 100 <= 20 \
        else f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _stay_labels(stays):
    out, provs = [], [s for s in stays if s["key"].startswith("without:")]
    for s in stays:
        if not s["key"].startswith("without:"):
            out.append(s["label"])
    if len(provs) > 1:
        out.insert(1 if out and out[0].startswith("without any") else 0,
                   f"without the reports of any one of {len(provs)} sources")
    elif provs:
        out.insert(1 if out and out[0].startswith("without any") else 0, provs[0]["label"])
    return out


def _join(parts):
    if not parts:
        return "(no test run)"
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
