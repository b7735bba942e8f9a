"""A fugitive's support network: who supplies which service, directly or through whom."""

from __future__ import annotations

from collections import deque

import pandas as pd

from netanalysis.errors import UnknownEntityError
from netanalysis.model.case import Case
from netanalysis.model.graph import filter_edges, party_edges
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.settings import section_settings

__all__ = ["support_network", "SUPPORT_COLUMNS"]

#: Columns of :func:`support_network`.
SUPPORT_COLUMNS = ["supplier", "service", "receiver", "via", "hops", "grading", "confidence",
                   "provenance", "start", "end"]


def support_network(case_or_edges, fugitive_id, hops=None, *, filters=None, settings=None):
    """Return who supports `fugitive_id`, with which service, directly or through whom.

    Parameters
    ----------
    case_or_edges : Case or DataFrame
        A case, or a party-edge table (:func:`netanalysis.model.party_edges`).
    fugitive_id : str
        The person whose support network is wanted.
    hops : int, optional
        Furthest supplier: at most ``hops - 1`` intermediaries between supplier and fugitive
        (default ``rank.support.hops`` of `settings`, 3).
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`.
    settings : Settings or dict, optional
        Settings (or some ``rank`` keys) giving the default of `hops`.

    Returns
    -------
    DataFrame
        :data:`SUPPORT_COLUMNS`, one row per support tie (a tie reported by two sources
        appears twice, each with its grading): ``supplier`` supplies ``service`` to
        ``receiver``; ``via`` is the chain from the receiver to the fugitive
        (``"R > X > F"``), ``hops`` the supplier's distance to the fugitive. Sorted by hops,
        then supplier.

    Raises
    ------
    UnknownEntityError
        If `fugitive_id` is not a party of the case.

    See Also
    --------
    netanalysis.analyze.logistics.logistics_groups : the groups behind many fugitives.
    netanalysis.analyze.paths.shortest_paths : how two people connect.

    Notes
    -----
    Breadth-first search backwards along support ties (receiver -> supplier), O(m).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"source": ["forger", "courier"], "target": ["courier", "F1"],
    ...     "type": ["documents", "transport"], "grading": ["B2", "A1"],
    ...     "confidence": [0.64, 1.0], "provenance": ["DIJIN", "DEA"], "start": [None, None],
    ...     "end": [None, None]})
    >>> support_network(e, "F1")[["supplier", "service", "receiver", "via", "hops"]].to_dict("records")
    [{'supplier': 'courier', 'service': 'transport', 'receiver': 'F1', 'via': 'F1', 'hops': 1}, {'supplier': 'forger', 'service': 'documents', 'receiver': 'courier', 'via': 'courier > F1', 'hops': 2}]
    """  # noqa: E501
    if isinstance(case_or_edges, Case):
        known = case_or_edges.party_ids
        edges = party_edges(case_or_edges)
    else:
        edges = case_or_edges
        known = set(edges["source"].astype(str).unique()) | set(edges["target"].astype(str).unique())
    if hops is None:
        hops = section_settings(settings, "rank").support.hops
    fugitive_id = str(fugitive_id)
    if fugitive_id not in known:
        raise UnknownEntityError(f"no party with id {fugitive_id!r} in the case")
    if filters:
        edges = filter_edges(edges, **{k: v for k, v in filters.items() if v is not None})
    s = edges[edges["type"].isin(SUPPORT_TYPES)]
    s = s[s["source"].astype(str) != s["target"].astype(str)]
    suppliers_of = {}
    for a, b in zip(s["source"].astype(str), s["target"].astype(str)):
        suppliers_of.setdefault(b, set()).add(a)
    dist = {fugitive_id: 0}
    nxt = {}
    q = deque([fugitive_id])
    while q:
        v = q.popleft()
        if dist[v] >= hops:
            continue
        for u in sorted(suppliers_of.get(v, ())):
            if u not in dist:
                dist[u] = dist[v] + 1
                nxt[u] = v
                q.append(u)
    rows = []
    near = s[s["target"].astype(str).isin(set(dist)).to_numpy()]  # only ties into the network
    for r in near.to_dict("records"):
        a, b = str(r["source"]), str(r["target"])
        if b not in dist or a == fugitive_id or dist[b] + 1 > hops:
            continue
        chain = [b]
        while chain[-1] != fugitive_id:
            chain.append(nxt[chain[-1]])
        rows.append({"supplier": a, "service": r["type"], "receiver": b,
                     "via": " > ".join(chain), "hops": dist[b] + 1,
                     "grading": r.get("grading"), "confidence": r.get("confidence"),
                     "provenance": r.get("provenance"), "start": r.get("start"),
                     "end": r.get("end")})
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SUPPORT_COLUMNS})
    out = pd.DataFrame(rows, columns=SUPPORT_COLUMNS)
    return out.sort_values(["hops", "supplier", "receiver", "service"], kind="stable") \
        .reset_index(drop=True)
