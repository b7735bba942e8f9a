r"""High-value targets: one explainable score for every party, and the sentence behind it.

The score
---------
Every person and organization gets

.. math::

    \mathrm{score}(i) = W_d\, v(i)\,[i \text{ fugitive}]
                      + W_s \log_2\big(1 + \mathrm{support}(i)\big)
                      + W_b\, \mathrm{brokerage}(i) + W_c\, \mathrm{centrality}(i)

with the weights :math:`W` and every parameter below read from ``rank`` in the settings
(``netanalysis/schema/settings/rank.yaml``; defaults :math:`W_d=4, W_s=3, W_b=1, W_c=1`).

- **Danger** (fugitives): :math:`\mathrm{notice}(f) + a \cdot \max \mathrm{severity}(\text{offences})
  + b \cdot \min(|\text{requesting countries}|, c)/c` (red notice 1.0, diffusion 0.6, blue 0.4,
  yellow 0.2; severities per offence category; :math:`a=1, b=0.5, c=3`). A fugitive's
  **value** is :math:`v(f) = 1 + \mathrm{danger}(f)`, so that a fugitive of whom nothing
  else is known still counts; the first term of the score is :math:`W_d\, v(f)`.
- **Support**: :math:`\mathrm{support}(i) = \sum_f v(f)\, \delta^{h(i,f)-1}` over the fugitives
  :math:`f \ne i` that `i` reaches in :math:`h(i,f) \le H` steps of the support graph
  (documents, transport, lodging, money; supplier -> receiver): direct suppliers count a
  fugitive in full, a supplier of the supplier counts it halved (:math:`\delta = 0.5`,
  :math:`H = 3`).
- **Brokerage**: :math:`0.5 \min(g(i), 3)/3 + 0.5\, \mathrm{pct}(\mathrm{GF}(i))`, where
  :math:`g(i)` is the number of other groups (communities) `i`'s ties reach and GF the
  Gould-Fernandez brokerage count on support (+ communication) ties; pct is the percentile
  rank in [0, 1] (0 for a zero count).
- **Centrality**: the mean percentile rank of betweenness and PageRank (embeddedness).

Because the support term rises by :math:`W_s = 3` for the first fugitive served, while
brokerage plus centrality can add at most 2, anyone who supplies a fugitive ranks above the
most popular member of the background population; fugitives are ranked by danger and
embeddedness on the same scale.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netanalysis.model.values import as_list, present
from netanalysis.model.vocab import SERVICE_NAMES, SUPPORT_TYPES
from netanalysis.settings import section_settings

__all__ = [
    "fugitive_danger",
    "support_reach",
    "percentile",
    "top_fraction",
    "score_targets",
    "explain_targets",
]


def fugitive_danger(persons, settings):
    """Return the danger of every person: positive for fugitives, 0 for everyone else.

    Parameters
    ----------
    persons : DataFrame
        ``id``, ``role``, ``notice``, ``wanted_by`` (list or ``|``-text), ``offences``.
    settings : RankSettings, Settings or dict
        The ``rank`` settings (``danger`` used); a dict holds some of its keys.

    Returns
    -------
    ndarray of float
        Aligned with the rows of `persons`.

    See Also
    --------
    score_targets : the target score the danger enters.
    support_reach : what a person does for fugitives.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.settings import load_settings
    >>> p = pd.DataFrame({"id": ["F1", "A1"], "role": ["fugitive", "associate"],
    ...     "notice": ["red", None], "wanted_by": [["CO", "US"], []],
    ...     "offences": [["drug_trafficking"], []]})
    >>> fugitive_danger(p, load_settings().rank).round(3).tolist()
    [2.133, 0.0]
    """
    d = section_settings(settings, "rank").danger
    notice_w = d.notice
    sev = d.offence_severity
    sev_default = d.offence_default
    a = d.offences_weight
    b = d.countries_weight
    cap = d.countries_cap
    role = _col(persons, "role").fillna("unknown").astype(str).str.lower().to_numpy()
    fug = role == "fugitive"
    out = np.zeros(len(persons))
    if not fug.any():
        return out
    notice = _col(persons, "notice").to_numpy(dtype=object)
    offences = _col(persons, "offences").to_numpy(dtype=object)
    wanted = _col(persons, "wanted_by").to_numpy(dtype=object)
    for i in np.flatnonzero(fug):
        nt = notice[i]
        x = float(notice_w.get(str(nt).lower(), 0.0)) if present(nt) else 0.0
        offs = as_list(offences[i])
        if offs:
            x += a * max(float(sev.get(o.lower(), sev_default)) for o in offs)
        x += b * min(len(as_list(wanted[i])), cap) / cap
        out[i] = x
    return out


def support_reach(support_edges, ids, value, *, hops=3, decay=0.5):
    """Return what each party does for fugitives through the support graph.

    Parameters
    ----------
    support_edges : DataFrame
        Party-edge rows of support types (``source`` supplies ``target``).
    ids : array of str
        Every party id; the result is aligned with it.
    value : array of float
        Value of each party as a fugitive (0 for non-fugitives), aligned with `ids`.
    hops : int
        Furthest a supplier reaches: ``hops - 1`` intermediaries.
    decay : float
        Factor per extra hop.

    Returns
    -------
    DataFrame
        Aligned with `ids`: ``fugitives_direct`` (fugitives supplied directly),
        ``fugitives_within`` (reached within `hops`), ``support_value``
        (:math:`\\sum_f v(f)\\,\\delta^{h-1}`), ``services`` (types supplied directly to
        fugitives, a tuple), ``top_fugitive`` (most valuable fugitive supplied directly, or
        None), ``supported_by`` (distinct direct suppliers of a party),
        ``services_received``.

    See Also
    --------
    fugitive_danger : value of the fugitives supported.
    score_targets

    Notes
    -----
    Breadth-first search from all fugitives at once with sparse boolean matrices
    (parties x fugitives): O(hops x reachable pairs); no Python loop over parties.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> e = pd.DataFrame({"source": ["forger", "courier"], "target": ["courier", "F1"],
    ...                   "type": ["documents", "transport"]})
    >>> r = support_reach(e, np.array(["F1", "forger", "courier"]), np.array([2.0, 0, 0]))
    >>> r["support_value"].tolist(), r["fugitives_direct"].tolist()
    ([0.0, 1.0, 2.0], [0, 0, 1])
    """
    ids = np.asarray(ids, dtype=object)
    n = len(ids)
    value = np.asarray(value, dtype=float)
    out = pd.DataFrame({"fugitives_direct": np.zeros(n, dtype=np.int64),
                        "fugitives_within": np.zeros(n, dtype=np.int64),
                        "support_value": np.zeros(n),
                        "supported_by": np.zeros(n, dtype=np.int64)})
    empty = np.empty(n, dtype=object)
    empty[:] = [()] * n
    out["services"] = empty
    out["services_received"] = empty.copy()
    out["top_fugitive"] = np.full(n, None, dtype=object)
    s = support_edges[support_edges["type"].isin(SUPPORT_TYPES)]
    s = s[s["source"] != s["target"]]
    index = pd.Index(ids)
    si = index.get_indexer(s["source"].astype(str))
    ti = index.get_indexer(s["target"].astype(str))
    ok = (si >= 0) & (ti >= 0)
    si, ti = si[ok], ti[ok]
    types = s["type"].to_numpy(dtype=object)[ok]
    if not len(si):
        return out
    # who supplies whom (and with what), once per pair
    pairs = pd.DataFrame({"s": si, "t": ti, "type": types})
    recv = pairs.drop_duplicates(["t", "s"]).groupby("t").size()
    out.loc[recv.index.to_numpy(), "supported_by"] = recv.to_numpy()
    rs = pairs.groupby("t")["type"].agg(lambda x: tuple(sorted(set(x))))
    out.loc[rs.index.to_numpy(), "services_received"] = pd.Series(rs.to_numpy(), index=rs.index.to_numpy())
    fug = np.flatnonzero(value > 0)
    if not len(fug):
        return out
    col_of = np.full(n, -1, dtype=np.int64)
    col_of[fug] = np.arange(len(fug))
    S = _binary(sp.csr_matrix((np.ones(len(si), dtype=np.int32), (si, ti)), shape=(n, n)))
    F = sp.csr_matrix((np.ones(len(fug), dtype=np.int32), (fug, np.arange(len(fug)))),
                      shape=(n, len(fug)))
    # F also marks each fugitive's own column: a fugitive does not support himself
    frontier = _minus(_binary(S @ F), F)
    reached = frontier
    direct = frontier
    support_value = np.asarray(frontier @ value[fug]).ravel()
    for h in range(2, int(hops) + 1):
        nxt = _minus(_minus(_binary(S @ frontier), reached), F)
        if nxt.nnz == 0:
            break
        support_value += (decay ** (h - 1)) * np.asarray(nxt @ value[fug]).ravel()
        reached = _binary(reached + nxt)
        frontier = nxt
    out["fugitives_direct"] = np.asarray(direct.sum(axis=1)).ravel().astype(np.int64)
    out["fugitives_within"] = np.asarray(reached.sum(axis=1)).ravel().astype(np.int64)
    out["support_value"] = support_value
    # services and most valuable fugitive among direct receivers
    dp = pairs[(col_of[pairs["t"].to_numpy()] >= 0) & (pairs["s"] != pairs["t"])]
    if len(dp):
        sv = dp.groupby("s")["type"].agg(lambda x: tuple(sorted(set(x))))
        out.loc[sv.index.to_numpy(), "services"] = pd.Series(sv.to_numpy(), index=sv.index.to_numpy())
        dp = dp.assign(v=value[dp["t"].to_numpy()], tid=ids[dp["t"].to_numpy()].astype(str))
        best = dp.sort_values(["s", "v", "tid"], ascending=[True, False, True]).drop_duplicates("s")
        out.loc[best["s"].to_numpy(), "top_fugitive"] = best["tid"].to_numpy()
    return out


def percentile(x):
    """Return the percentile rank of each value in [0, 1]: 0 for the smallest (and for 0).

    ``(rank - 1) / (n - 1)`` with ties at their lowest rank; values <= 0 get 0.

    Parameters
    ----------
    x : array_like of float
        Values; NaN counts as 0.

    Returns
    -------
    numpy.ndarray of float

    See Also
    --------
    top_fraction : the share of values at least as large.
    score_targets : combines percentiles into the target score.

    Examples
    --------
    >>> percentile([0.0, 0.5, 0.5, 2.0]).tolist()
    [0.0, 0.3333333333333333, 0.3333333333333333, 1.0]
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 2:
        return np.zeros(n)
    r = pd.Series(np.nan_to_num(x, nan=0.0)).rank(method="min").to_numpy()
    p = (r - 1) / (n - 1)
    p[~(np.nan_to_num(x, nan=0.0) > 0)] = 0.0
    return p


def top_fraction(x):
    """Return, for each value, the fraction of values at least as large (1/n for the top).

    Parameters
    ----------
    x : array_like of float
        Values; NaN counts as the smallest.

    Returns
    -------
    numpy.ndarray of float
        ``rank / n`` with ties at their highest rank (1 is the largest value).

    See Also
    --------
    percentile : the rank from the bottom.

    Examples
    --------
    >>> top_fraction([0.0, 0.5, 3.0, 2.0]).tolist()
    [1.0, 0.75, 0.25, 0.5]
    """
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=-np.inf)
    n = len(x)
    if n == 0:
        return np.zeros(0)
    r = pd.Series(x).rank(method="max", ascending=False).to_numpy()
    return r / n


def score_targets(table, settings):
    """Return the score and its four parts for every row of a measures table.

    Parameters
    ----------
    table : DataFrame
        Needs ``role``, ``danger``, ``support_value``, ``other_groups``, ``gf_total`` and the
        columns named in ``settings["centrality"]["measures"]``.
    settings : RankSettings, Settings or dict
        The ``rank`` settings; a dict holds some of its keys (defaults for the rest).

    Returns
    -------
    DataFrame
        ``score``, ``danger_part``, ``support_part``, ``brokerage``, ``centrality``
        aligned with `table` (brokerage and centrality in [0, 1], before weighting).

    See Also
    --------
    explain_targets : the why sentences.
    fugitive_danger, support_reach : the terms of the score.

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.settings import load_settings
    >>> t = pd.DataFrame({"role": ["facilitator", "unknown"], "danger": [0.0, 0.0],
    ...     "support_value": [2.0, 0.0], "other_groups": [0, 5], "gf_total": [0, 9],
    ...     "betweenness": [0.0, 0.9], "pagerank": [0.1, 0.9]})
    >>> s = score_targets(t, load_settings().rank)
    >>> bool(s["score"][0] > s["score"][1])
    True
    """
    rs = section_settings(settings, "rank")
    w = rs.weights
    wd, ws = w.danger, w.support
    wb, wc = w.brokerage, w.centrality
    cap = rs.brokerage.groups_cap
    fug = table["role"].astype(str).to_numpy() == "fugitive"
    base = rs.support.base_value
    danger = np.where(fug, base + table["danger"].to_numpy(float), 0.0)
    support = np.log2(1.0 + table["support_value"].to_numpy(float))
    broker = 0.5 * np.minimum(table["other_groups"].to_numpy(float), cap) / cap \
        + 0.5 * percentile(table["gf_total"].to_numpy(float))
    names = rs.centrality.measures
    cols = [percentile(table[c].to_numpy(float)) for c in names if c in table]
    central = np.mean(cols, axis=0) if cols else np.zeros(len(table))
    score = wd * danger + ws * support + wb * broker + wc * central
    return pd.DataFrame({"score": score, "danger_part": wd * danger, "support_part": ws * support,
                         "brokerage": broker, "centrality": central}, index=table.index)


def explain_targets(table, settings, *, limit=None):
    """Return the analyst's sentence (``why``) for every row of a scored measures table.

    Parameters
    ----------
    table : DataFrame
        Scored measures (as built by :func:`netanalysis.analyze.run_analysis`): ``id``,
        ``role``, ``notice``, ``wanted_by``, ``offences``, ``fugitives_direct``,
        ``fugitives_within``, ``services``, ``top_fugitive``, ``group``, ``bridged``,
        ``gf_*`` roles, ``betweenness``/``pagerank`` top fractions...
    settings : RankSettings, Settings or dict
        The ``rank`` settings (``why.top_percent``); a dict holds some of its keys.
    limit : int, optional
        Explain only the first `limit` rows (in table order); the rest get "".

    Returns
    -------
    list of str

    See Also
    --------
    score_targets : the score explained.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["X"], "role": ["facilitator"], "notice": [None],
    ...     "wanted_by": [[]], "offences": [[]], "fugitives_direct": [2],
    ...     "fugitives_within": [3], "services": [("documents", "lodging")],
    ...     "top_fugitive": ["F1"], "top_fugitive_notice": ["red"], "group": [3],
    ...     "bridged": [(7,)], "gf_total": [0], "supported_by": [0], "services_received": [()],
    ...     "betweenness_top": [0.01], "pagerank_top": [0.5], "degree": [4]})
    >>> explain_targets(t, {})[0]
    'supplies documents and lodging to 2 fugitives incl. F1 (red notice); supports 1 more fugitive through others; broker between groups 3 and 7; betweenness top 1%'
    """  # noqa: E501
    top_pct = section_settings(settings, "rank").why.top_percent
    sub = table if limit is None else table.head(limit)
    out = _why_many(sub, top_pct)
    if limit is not None and len(table) > limit:
        out += [""] * (len(table) - limit)
    return out


# ----------------------------------------------------------------------------- helpers

def _why(r, top_pct):
    parts = []
    role = r.get("role")
    if role == "fugitive":
        bits = ["fugitive"]
        nt = r.get("notice")
        if present(nt) and str(nt) != "none":
            bits.append(f"{nt} notice")
        wb = as_list(r.get("wanted_by"))
        if wb:
            bits.append("wanted by " + ", ".join(wb))
        offs = as_list(r.get("offences"))
        if offs:
            bits.append(", ".join(o.replace("_", " ") for o in offs))
        parts.append(", ".join(bits))
        nsup = int(r.get("supported_by") or 0)
        if nsup:
            svc = _services(r.get("services_received"))
            parts.append(f"supported by {nsup} (" + svc + ")" if svc else f"supported by {nsup}")
    nd = int(r.get("fugitives_direct") or 0)
    nw = int(r.get("fugitives_within") or 0)
    if nd:
        svc = _services(r.get("services")) or "support"
        top = r.get("top_fugitive")
        tn = r.get("top_fugitive_notice")
        label = f"{top} ({tn} notice)" if present(tn) and tn != "none" else f"{top}"
        if nd == 1:
            parts.append(f"supplies {svc} to fugitive {label}")
        else:
            parts.append(f"supplies {svc} to {nd} fugitives incl. {label}")
    if nw > nd:
        more = nw - nd
        word = "fugitive" if more == 1 else "fugitives"
        parts.append(f"supports {more} more {word} through others")
    bridged = r.get("bridged") or ()
    grp = r.get("group")
    gf = int(r.get("gf_total") or 0)
    if len(bridged) >= 1 and (gf > 0 or len(bridged) >= 2 or nd):
        groups = [grp] + list(bridged[:2])
        gs = [str(int(g)) for g in groups if present(g)]
        txt = gs[0] if len(gs) == 1 else ", ".join(gs[:-1]) + " and " + gs[-1]
        role_name = _gf_role(r)
        parts.append(f"broker between groups {txt}" + (f" ({role_name})" if role_name else ""))
    for m, label in (("betweenness", "betweenness"), ("pagerank", "PageRank")):
        tf = r.get(f"{m}_top")
        if present(tf) and tf * 100 <= top_pct and float(r.get(m, 1) or 0) > 0:
            parts.append(f"{label} top {max(1, int(np.ceil(tf * 100)))}%")
    if not parts:
        deg = r.get("degree")
        parts.append(f"{int(deg)} ties" if present(deg) else "no ties")
    return "; ".join(parts)


def _why_many(table, top_pct):
    """:func:`_why` for every row of `table`, the same sentences, vectorised by column.

    Fugitives and direct suppliers of fugitives (few rows) go through :func:`_why` one by
    one; for everyone else the parts that can apply (support through others, broker between
    groups, betweenness / PageRank top) are built column by column, so a million rows take
    seconds instead of minutes.
    """
    n = len(table)
    if n == 0:
        return []
    role = _col(table, "role").to_numpy(dtype=object)
    nd = _ints(table, "fugitives_direct")
    slow = (role == "fugitive") | (nd != 0)
    out = np.empty(n, dtype=object)
    si = np.flatnonzero(slow)
    if len(si):
        recs = table.iloc[si].to_dict("records")
        out[si] = [_why(r, top_pct) for r in recs]
    fi = np.flatnonzero(~slow)
    if not len(fi):
        return out.tolist()
    t = table.iloc[fi]
    k = len(fi)
    parts = []
    # support through others (nd == 0 here)
    nw = _ints(t, "fugitives_within")
    p = np.full(k, None, dtype=object)
    w = np.flatnonzero(nw > 0)
    p[w] = [f"supports {x} more {'fugitive' if x == 1 else 'fugitives'} through others"
            for x in nw[w].tolist()]
    parts.append(p)
    # broker between groups
    bridged = [b or () for b in _col(t, "bridged").tolist()]
    nb = np.fromiter((len(b) for b in bridged), dtype=np.int64, count=k)
    gf = _ints(t, "gf_total")
    w = np.flatnonzero((nb >= 1) & ((gf > 0) | (nb >= 2)))
    p = np.full(k, None, dtype=object)
    if len(w):
        roles = ("liaison", "gatekeeper", "representative", "itinerant")
        R = np.column_stack([_ints(t, f"gf_{r}")[w] for r in roles])
        best = R.argmax(axis=1)  # first of the largest, as _gf_role
        has = R.max(axis=1) > 0
        grp = _col(t, "group").to_numpy(dtype=object)[w].tolist()
        texts = []
        for g, b, hb, bi in zip(grp, [bridged[i] for i in w.tolist()], has.tolist(),
                                best.tolist()):
            # group ids are ints (always present); anything else is checked
            gs = [str(int(x)) for x in [g] + list(b[:2]) if type(x) in _INT_TYPES or present(x)]
            txt = gs[0] if len(gs) == 1 else ", ".join(gs[:-1]) + " and " + gs[-1]
            texts.append(f"broker between groups {txt}" + (f" ({roles[bi]})" if hb else ""))
        p[w] = texts
    parts.append(p)
    # betweenness / PageRank among the top
    for m, label in (("betweenness", "betweenness"), ("pagerank", "PageRank")):
        p = np.full(k, None, dtype=object)
        if f"{m}_top" in t:
            tf = pd.to_numeric(t[f"{m}_top"], errors="coerce").to_numpy(float)
            val = pd.to_numeric(t[m], errors="coerce").fillna(0.0).to_numpy(float) if m in t \
                else np.ones(k)
            with np.errstate(invalid="ignore"):
                w = np.flatnonzero(~np.isnan(tf) & (tf * 100 <= top_pct) & (val > 0))
            pct = np.maximum(1, np.ceil(tf[w] * 100)).astype(np.int64)
            p[w] = [f"{label} top {x}%" for x in pct.tolist()]
        parts.append(p)
    deg = _col(t, "degree").tolist()
    res = []
    for row, d in zip(zip(*parts), deg):
        got = [x for x in row if x is not None]
        res.append("; ".join(got) if got else (f"{int(d)} ties" if present(d) else "no ties"))
    out[fi] = res
    return out.tolist()


#: Types of a group id that :func:`present` always accepts (checked first, as it is cheaper).
_INT_TYPES = (int, np.int64, np.int32)


def _ints(df, name):
    """Column `name` as int64, None/NaN/missing read as 0 (``int(r.get(name) or 0)``)."""
    if name not in df:
        return np.zeros(len(df), dtype=np.int64)
    return pd.to_numeric(df[name], errors="coerce").fillna(0).to_numpy().astype(np.int64)


def _binary(M):
    M = sp.csr_matrix(M)
    M.data = (M.data != 0).astype(np.int32)
    M.eliminate_zeros()
    return M


def _minus(A, B):
    """A and not B, for 0/1 sparse matrices."""
    return _binary(A - A.multiply(B))


def _gf_role(r):
    best, bn = None, 0
    for role in ("liaison", "gatekeeper", "representative", "itinerant"):
        v = int(r.get(f"gf_{role}") or 0)
        if v > bn:
            best, bn = role, v
    return best


def _services(types):
    names = [SERVICE_NAMES.get(t, t) for t in (types or ())]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _col(df, name):
    if name in df:
        return df[name]
    return pd.Series([None] * len(df), index=df.index, dtype=object)
