"""Time: the network window by window, and what changed between two windows.

A snapshot holds the ties whose dates meet the window (``start``/``end``, partial dates
covering their whole month or year; :func:`netanalysis.model.dates.overlaps`) and the people
who travelled in it (``travel.csv`` departures). Ties without any date belong to no window:
their time is unknown (pass ``keep_undated=True`` to put them in every window).
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.analyze.centrality import betweenness_centrality
from netanalysis.errors import InputError
from netanalysis.model.dates import date_interval
from netanalysis.model.graph import filter_edges, party_edges, party_graph

__all__ = ["parse_window", "time_windows", "snapshot", "snapshots", "diff_windows"]

_WINDOW = re.compile(r"^\s*(\d+)\s*([DWMY])\s*$", re.IGNORECASE)


def parse_window(text):
    """Return a ``pandas.DateOffset`` for a window such as ``6M``, ``1Y``, ``2W``, ``30D``.

    Parameters
    ----------
    text : str
        A positive whole number and a unit (D, W, M or Y, any case), spaces allowed.

    Returns
    -------
    pandas.DateOffset

    Raises
    ------
    InputError
        If `text` is not a number followed by D, W, M or Y.

    See Also
    --------
    time_windows : cuts a case into windows of this length.

    Examples
    --------
    >>> parse_window("6M")
    <DateOffset: months=6>
    """
    m = _WINDOW.match(str(text))
    if not m or int(m.group(1)) <= 0:
        raise InputError(f"not a time window: {text!r} (use e.g. 30D, 2W, 6M or 1Y)")
    n, unit = int(m.group(1)), m.group(2).upper()
    return pd.DateOffset(**{{"D": "days", "W": "weeks", "M": "months", "Y": "years"}[unit]: n})


def time_windows(case, window="6M", *, start=None, end=None):
    """Return consecutive windows ``(since, until)`` covering the dates of a case.

    Parameters
    ----------
    case : Case
    window : str
        Length of each window (:func:`parse_window`).
    start, end : str, optional
        ISO dates; default the earliest and latest date of ties and travel.

    Returns
    -------
    list of (str, str)
        ISO dates (inclusive), from the first day of `start`'s month.

    See Also
    --------
    snapshot : the measures of one window.
    snapshots : the measures of every window.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> c = Case(tables={"persons": pd.DataFrame({"id": ["a"], "name": ["A"]})})
    >>> time_windows(c, "6M", start="2024-02-10", end="2024-12-01")
    [('2024-02-01', '2024-07-31'), ('2024-08-01', '2025-01-31')]
    """
    off = parse_window(window)
    lo, hi = _date_range(case)
    if start is not None:
        lo = date_interval(str(start))[0]
    if end is not None:
        hi = date_interval(str(end))[1]
    if lo is None or hi is None:
        return []
    t = pd.Timestamp(lo.year, lo.month, 1)
    out = []
    while t <= pd.Timestamp(hi):
        u = t + off
        out.append((t.strftime("%Y-%m-%d"), (u - pd.Timedelta(days=1)).strftime("%Y-%m-%d")))
        t = u
    return out


def snapshot(case, since, until, *, filters=None, keep_undated=False, k=None, seed=0):
    """Return the measures of every party in one time window.

    Parameters
    ----------
    case : Case
    since, until : str
        ISO dates (partial allowed), inclusive.
    filters : dict, optional
        Other shared filters (link types, confidence, inferred); the window replaces any
        ``since``/``until`` in them.
    keep_undated : bool
        Put ties without dates in the window.
    k, seed : betweenness sampling (see :func:`~netanalysis.analyze.betweenness_centrality`).

    Returns
    -------
    DataFrame
        One row per party active in the window (a tie in it, or a journey departing in it):
        ``id``, ``degree``, ``betweenness``, ``travels``, ``rank`` (by betweenness, then
        degree, then id).

    See Also
    --------
    snapshots : every window at once.
    diff_windows : what changed between two windows.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> links = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "c"],
    ...     "type": ["family", "family"], "start": ["2020-01", "2024-01"], "end": [None, None],
    ...     "grading": ["A1", "A1"], "weight": [1.0, 1.0], "provenance": [None, None],
    ...     "note": [None, None], "_line": [2, 3]})
    >>> persons = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"]})
    >>> c = Case(tables={"persons": persons, "links": links})
    >>> snapshot(c, "2020-01-01", "2020-12-31")["id"].tolist()
    ['a', 'b']
    """
    G, trav = _window_graph(case, since, until, filters, keep_undated)
    return _snapshot_table(G, trav, k, seed)


def snapshots(case, window="6M", *, filters=None, keep_undated=False, start=None, end=None,
              top=3):
    """Return one row per time window: its size and who is most central in it.

    Returns
    -------
    DataFrame
        ``since``, ``until``, ``parties``, ``ties``, ``travellers``, ``lcc_size``,
        ``top`` (the `top` most central ids, ``|``-joined).

    Parameters
    ----------
    case : Case
    window : str, default "6M"
        Length of each window (:func:`parse_window`).
    filters : dict, optional
        Other shared filters, as for :func:`snapshot`.
    keep_undated : bool, default False
        Put ties without dates in every window.
    start, end : str, optional
        As for :func:`time_windows`.
    top : int, default 3
        How many of the most central parties each row names.

    See Also
    --------
    time_windows : the windows of the rows.
    snapshot : the measures of one window.
    diff_windows : what changed between two windows.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> links = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "c"],
    ...     "type": ["family", "family"], "start": ["2020-01", "2020-09"], "end": [None, None],
    ...     "grading": ["A1", "A1"], "weight": [1.0, 1.0], "provenance": [None, None],
    ...     "note": [None, None], "_line": [2, 3]})
    >>> persons = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"]})
    >>> snapshots(Case(tables={"persons": persons, "links": links}), "6M")[["since", "parties"]].to_dict("list")
    {'since': ['2020-01-01', '2020-07-01'], 'parties': [2, 3]}
    """
    rows = []
    for since, until in time_windows(case, window, start=start, end=end):
        G, trav = _window_graph(case, since, until, filters, keep_undated)
        s = _snapshot_table(G, trav)
        rows.append({"since": since, "until": until, "parties": len(s),
                     "ties": G.number_of_edges(), "travellers": int((s["travels"] > 0).sum()),
                     "lcc_size": max((len(c) for c in nx.connected_components(G)), default=0),
                     "top": "|".join(str(x) for x in s["id"].head(top))})
    return pd.DataFrame(rows, columns=["since", "until", "parties", "ties", "travellers",
                                       "lcc_size", "top"])


def diff_windows(case, a, b, *, filters=None, keep_undated=False, top=10):
    """Return what changed between two windows: who became central, who lost centrality,
    who joined and who left.

    Parameters
    ----------
    case : Case
    a, b : (str, str)
        The two windows ``(since, until)``, earlier first.
    top : int
        "Central" means ranked in the top `top` of a window (by betweenness, then degree).

    Returns
    -------
    DataFrame
        ``id``, ``change`` (``became central``, ``no longer central``, ``joined``, ``left``),
        ``rank_a``, ``rank_b``, ``degree_a``, ``degree_b``, ``betweenness_a``,
        ``betweenness_b``; sorted by change then best rank.

    See Also
    --------
    snapshots : the windows compared.
    time_windows

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> links = pd.DataFrame({"from_id": ["a", "b"], "to_id": ["b", "c"],
    ...     "type": ["family", "family"], "start": ["2020-01", "2021-01"],
    ...     "end": ["2020-06", None], "grading": ["A1", "A1"], "weight": [1.0, 1.0],
    ...     "provenance": [None, None], "note": [None, None], "_line": [2, 3]})
    >>> persons = pd.DataFrame({"id": ["a", "b", "c"], "name": ["A", "B", "C"]})
    >>> d = diff_windows(Case(tables={"persons": persons, "links": links}),
    ...                  ("2020-01", "2020-12"), ("2021-01", "2021-12"))
    >>> d[["id", "change"]].to_dict("records")
    [{'id': 'c', 'change': 'joined'}, {'id': 'a', 'change': 'left'}]
    """
    sa = snapshot(case, *a, filters=filters, keep_undated=keep_undated).set_index("id")
    sb = snapshot(case, *b, filters=filters, keep_undated=keep_undated).set_index("id")
    ids = sorted(set(sa.index) | set(sb.index), key=str)
    rows = []
    for v in ids:
        ra = int(sa.at[v, "rank"]) if v in sa.index else None
        rb = int(sb.at[v, "rank"]) if v in sb.index else None
        if ra is None:
            change = "joined"
        elif rb is None:
            change = "left"
        elif rb <= top < ra:
            change = "became central"
        elif ra <= top < rb:
            change = "no longer central"
        else:
            continue
        rows.append({"id": v, "change": change, "rank_a": ra, "rank_b": rb,
                     "degree_a": int(sa.at[v, "degree"]) if ra else 0,
                     "degree_b": int(sb.at[v, "degree"]) if rb else 0,
                     "betweenness_a": float(sa.at[v, "betweenness"]) if ra else 0.0,
                     "betweenness_b": float(sb.at[v, "betweenness"]) if rb else 0.0})
    cols = ["id", "change", "rank_a", "rank_b", "degree_a", "degree_b", "betweenness_a",
            "betweenness_b"]
    if not rows:
        return pd.DataFrame(columns=cols)
    order = {"became central": 0, "no longer central": 1, "joined": 2, "left": 3}
    df = pd.DataFrame(rows, columns=cols)
    df["_o"] = df["change"].map(order)
    df["_r"] = df[["rank_a", "rank_b"]].min(axis=1)
    df = df.sort_values(["_o", "_r", "id"], kind="stable").drop(columns=["_o", "_r"])
    for c in ("rank_a", "rank_b"):
        df[c] = df[c].astype("Int64")
    return df.reset_index(drop=True)


def _window_graph(case, since, until, filters, keep_undated):
    """The party graph of one window (ties only; travellers returned apart)."""
    f = {k_: v for k_, v in (filters or {}).items()
         if v is not None and k_ not in ("since", "until")}
    e = filter_edges(party_edges(case), since=since, until=until, keep_undated=keep_undated, **f)
    G = party_graph(e)
    trav = _travels(case, since, until)
    G.add_nodes_from(trav.index)  # people who travelled in the window are active in it
    return G, trav


def _travels(case, since, until):
    tr = case.tables["travel"]
    if not len(tr):
        return pd.Series(dtype=int)
    lo = date_interval(since)[0]
    hi = date_interval(until)[1]
    first = [date_interval(d)[0] if isinstance(d, str) and d else None for d in tr["depart"]]
    ok = np.array([f is not None and (lo is None or f >= lo) and (hi is None or f <= hi)
                   for f in first], dtype=bool)
    return tr.loc[ok, "person_id"].astype(str).value_counts()


def _date_range(case):
    vals = []
    links = case.tables["links"]
    for c in ("start", "end"):
        if c in links:
            vals += [v for v in links[c] if isinstance(v, str) and v]
    inf = case.inferred
    if inf is not None:
        for c in ("start", "end"):
            if c in inf:
                vals += [v for v in inf[c] if isinstance(v, str) and v]
    tr = case.tables["travel"]
    if "depart" in tr:
        vals += [v for v in tr["depart"] if isinstance(v, str) and v]
    if not vals:
        return None, None
    lo = min(date_interval(v)[0] for v in vals)
    hi = max(date_interval(v)[1] for v in vals)
    return lo, hi


def _snapshot_table(G, trav, k=None, seed=0):
    if G.number_of_nodes() == 0:
        return pd.DataFrame({"id": pd.Series(dtype=object), "degree": pd.Series(dtype=int),
                             "betweenness": pd.Series(dtype=float),
                             "travels": pd.Series(dtype=int), "rank": pd.Series(dtype=int)})
    bc = betweenness_centrality(G, k=k, seed=seed)
    df = pd.DataFrame({"id": list(G.nodes()),
                       "degree": [G.degree(v) for v in G],
                       "betweenness": [bc[v] for v in G]})
    df["travels"] = trav.reindex(df["id"]).fillna(0).astype(int).to_numpy()
    df = df.assign(_id=df["id"].astype(str)).sort_values(
        ["betweenness", "degree", "_id"], ascending=[False, False, True]).drop(columns="_id")
    df = df.reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    return df
