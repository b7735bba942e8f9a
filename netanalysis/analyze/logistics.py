r"""Logistics groups: the communities whose members keep fugitives supplied.

Each community (:mod:`netanalysis.analyze.communities`) is profiled by the roles of its
members and the services they supply (documents, transport, lodging, money). A group is a
**logistics group** when at least one of its members who is not a fugitive supplies a
fugitive directly. Logistics groups are ranked by

.. math:: \mathrm{score}(g) = \sum_{f \in \mathrm{supported}(g)} v(f)

the summed value :math:`v(f) = 1 + \mathrm{danger}(f)` (see :mod:`netanalysis.analyze.targets`)
of the distinct fugitives its members supply directly; ties go to the group with more
facilitators, then the lower group number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.analyze.result import GROUP_COLUMNS, LOGISTICS_COLUMNS
from netanalysis.model.vocab import SERVICE_NAMES, SUPPORT_TYPES

__all__ = ["group_table", "group_profiles", "logistics_groups"]


def group_table(ids, names, roles, membership):
    """Return ``groups.csv``: one row per group member (``group``, ``id``, ``name``, ``role``).

    Rows are sorted by group then id; ``size`` (members of the group) follows.

    Parameters
    ----------
    ids, names, roles : sequence
        Id, name and role of each party, aligned.
    membership : sequence of int
        Group number of each party, aligned with `ids`.

    Returns
    -------
    pandas.DataFrame
        :data:`~netanalysis.analyze.result.GROUP_COLUMNS`, then ``size``.

    See Also
    --------
    group_profiles : one row per group.
    logistics_groups : the groups that support fugitives.

    Examples
    --------
    >>> group_table(["b", "a", "c"], ["B", "A", "C"], ["unknown"] * 3, [1, 1, 2])["id"].tolist()
    ['a', 'b', 'c']
    """
    memb = np.asarray(membership, dtype=np.int64)
    df = pd.DataFrame({"group": memb, "id": np.asarray(ids, dtype=object),
                       "name": np.asarray(names, dtype=object),
                       "role": np.asarray(roles, dtype=object)})
    df["size"] = df.groupby("group")["id"].transform("size").astype(np.int64)
    df = df.sort_values(["group", "id"], kind="stable").reset_index(drop=True)
    return df[GROUP_COLUMNS + ["size"]]


def group_profiles(ids, roles, membership, support_edges):
    """Return one row per group: its size, members by role, and services supplied.

    Parameters
    ----------
    ids, roles, membership : arrays aligned with each other
    support_edges : DataFrame
        Party-edge rows (``source``, ``target``, ``type``); non-support types are ignored.

    Returns
    -------
    DataFrame
        Indexed by group: ``size``, ``fugitives``, ``facilitators``, ``associates``,
        ``unknown``, ``organizations``, ``services`` (tuple of support types its members
        supply to anyone), ``support_ties`` (support ties supplied by members).

    See Also
    --------
    logistics_groups : the groups that supply fugitives, ranked.
    group_table : one row per member.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"source": ["x"], "target": ["f"], "type": ["lodging"]})
    >>> p = group_profiles(["x", "f"], ["facilitator", "fugitive"], [1, 2], e)
    >>> p.loc[1, "services"], int(p.loc[2, "fugitives"])
    (('lodging',), 1)
    """
    memb = np.asarray(membership, dtype=np.int64)
    roles = pd.Series(np.asarray(roles, dtype=object)).fillna("unknown").astype(str)
    df = pd.DataFrame({"group": memb, "role": roles.to_numpy()})
    prof = pd.crosstab(df["group"], df["role"])
    out = pd.DataFrame(index=pd.Index(np.unique(memb), name="group"))
    out["size"] = df.groupby("group").size()
    for role, col in (("fugitive", "fugitives"), ("facilitator", "facilitators"),
                      ("associate", "associates"), ("unknown", "unknown"),
                      ("organization", "organizations")):
        out[col] = prof[role].reindex(out.index).fillna(0).astype(np.int64) \
            if role in prof else np.int64(0)
    s = support_edges[support_edges["type"].isin(SUPPORT_TYPES)]
    g_of = pd.Series(memb, index=pd.Index(np.asarray(ids, dtype=object)))
    sg = g_of.reindex(s["source"].astype(str).to_numpy()).to_numpy()
    ok = ~pd.isna(sg)
    t = pd.DataFrame({"group": sg[ok].astype(np.int64), "type": s["type"].to_numpy()[ok]})
    services = t.groupby("group")["type"].agg(lambda x: tuple(sorted(set(x))))
    out["services"] = pd.Series([()] * len(out), index=out.index, dtype=object)
    out.loc[services.index, "services"] = services
    out["support_ties"] = t.groupby("group").size().reindex(out.index).fillna(0).astype(np.int64)
    return out


def logistics_groups(ids, roles, membership, support_edges, value, *, notices=None):
    """Return ``logistics.csv``: the groups whose members supply fugitives, best first.

    Parameters
    ----------
    ids, roles, membership : arrays aligned with each other
    support_edges : DataFrame
        Party-edge rows; support types are used (supplier -> receiver).
    value : array of float
        Value of each party as a fugitive (0 for non-fugitives), aligned with `ids`.
    notices : array, optional
        Each party's notice, used in ``why``.

    Returns
    -------
    DataFrame
        :data:`~netanalysis.analyze.result.LOGISTICS_COLUMNS` (``facilitators`` and
        ``fugitives_supported`` are counts), then ``services``, ``facilitator_ids``,
        ``fugitive_ids``, ``size``.

    See Also
    --------
    group_profiles : services and members of every group.
    netanalysis.analyze.support.support_network : who supports one fugitive.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"source": ["x", "y"], "target": ["f", "f"],
    ...                   "type": ["documents", "lodging"]})
    >>> L = logistics_groups(["x", "y", "f"], ["unknown", "unknown", "fugitive"], [1, 1, 2],
    ...                      e, [0.0, 0.0, 2.0], notices=[None, None, "red"])
    >>> L.loc[0, "why"]
    'documents (x), lodging (y) for fugitive f (red notice)'
    """
    ids = np.asarray(ids, dtype=object)
    memb = np.asarray(membership, dtype=np.int64)
    value = np.asarray(value, dtype=float)
    roles = np.asarray(roles, dtype=object)
    notices = np.asarray(notices if notices is not None else [None] * len(ids), dtype=object)
    index = pd.Index(ids)
    s = support_edges[support_edges["type"].isin(SUPPORT_TYPES)]
    si = index.get_indexer(s["source"].astype(str))
    ti = index.get_indexer(s["target"].astype(str))
    ok = (si >= 0) & (ti >= 0) & (si != ti)
    si, ti, types = si[ok], ti[ok], s["type"].to_numpy(dtype=object)[ok]
    keep = (value[ti] > 0) & (roles[si] != "fugitive")
    d = pd.DataFrame({"g": memb[si[keep]], "s": si[keep], "t": ti[keep], "type": types[keep]})
    sizes = pd.Series(memb).value_counts()
    rows = []
    # one pass over the ties sorted by group (plain lists: no pandas call per group)
    order = np.argsort(d["g"].to_numpy(), kind="stable")
    g_arr = d["g"].to_numpy()[order]
    s_arr = d["s"].to_numpy()[order]
    t_arr = d["t"].to_numpy()[order]
    ty_arr = d["type"].to_numpy(dtype=object)[order]
    starts = np.flatnonzero(np.r_[True, g_arr[1:] != g_arr[:-1]]) if len(g_arr) else []
    ends = np.r_[starts[1:], len(g_arr)] if len(g_arr) else []
    for lo, hi in zip(list(starts), list(ends)):
        g = g_arr[lo]
        fugs = np.unique(t_arr[lo:hi])
        facs = np.unique(s_arr[lo:hi])
        score = float(value[fugs].sum())
        types = ty_arr[lo:hi].tolist()
        rows.append({
            "group": int(g), "score": score, "facilitators": int(len(facs)),
            "fugitives_supported": int(len(fugs)),
            "why": _why(s_arr[lo:hi].tolist(), types, fugs, ids, value, notices),
            "services": tuple(sorted(set(types))),
            "facilitator_ids": tuple(sorted(str(ids[i]) for i in facs)),
            "fugitive_ids": tuple(sorted(str(ids[i]) for i in fugs)),
            "size": int(sizes.get(g, 0)),
        })
    cols = LOGISTICS_COLUMNS + ["services", "facilitator_ids", "fugitive_ids", "size"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = pd.DataFrame(rows)
    out = out.sort_values(["score", "facilitators", "group"], ascending=[False, False, True],
                          kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[cols]


def _why(suppliers, types, fugitives, ids, value, notices, max_names=3):
    """Sentence of one group: who supplies what (by service), for which fugitives.

    `suppliers` and `types` are aligned per tie; `fugitives` are the distinct receivers.
    """
    parts = []
    by_type = {}
    for i, t in zip(suppliers, types):
        by_type.setdefault(t, set()).add(str(ids[i]))
    for t in sorted(by_type):
        who = sorted(by_type[t])
        txt = ", ".join(who[:max_names]) + (f" +{len(who) - max_names}" if len(who) > max_names else "")
        parts.append(f"{SERVICE_NAMES.get(t, t)} ({txt})")
    fugs = sorted(fugitives, key=lambda i: (-value[i], str(ids[i])))
    named = []
    for i in fugs[:max_names]:
        nt = notices[i]
        if isinstance(nt, str) and nt and nt != "none":
            named.append(f"{ids[i]} ({nt} notice)")
        else:
            named.append(str(ids[i]))
    more = f" and {len(fugs) - max_names} more" if len(fugs) > max_names else ""
    who = f"fugitive {named[0]}" if len(fugs) == 1 else f"{len(fugs)} fugitives: " + ", ".join(named) + more
    return ", ".join(parts) + " for " + who
