"""The investigation view: the part of a case an analyst reads first, drawn as one map.

The full property graph of a case (every phone, document, place and journey) is a grey ball
in which no support network can be read. :func:`investigation_graph` keeps what an
investigation is about and folds the rest into the ties it explains:

- the highest-ranked **fugitives** and the persons and organizations that **support** them
  (documents, transport, lodging, money);
- the facilitators and fugitives of the **logistics groups**;
- the **top targets**, and the shortest chains of ties that connect each of them to the
  rest of the view;
- the strongest **inferred ties** of each fugitive (co-travel, calls, shared identifiers);
- between any two parties kept, one tie that says everything known about the pair: the
  reported and inferred types, and the phones, documents and journeys that explain it
  ("3 calls", "shared passport FZ152917", "6 shared journeys").

It also returns the side panel of the map: the logistics groups and the high-value fugitives,
each with the nodes the map focuses on when the analyst clicks the entry.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.model.graph import journey_key, party_edges, party_nodes
from netanalysis.model.vocab import SUPPORT_TYPES

__all__ = ["investigation_graph", "investigation_layout", "INVESTIGATION_DEFAULTS"]

#: Defaults of the ``map.investigation`` settings.
INVESTIGATION_DEFAULTS = {
    "fugitives": 25,         # highest-ranked fugitives kept
    "logistics_groups": 10,  # highest-ranked logistics groups kept
    "top_targets": 15,       # highest-ranked targets kept, with what connects them
    "connect_hops": 3,       # longest chain of ties added to connect a top target
    "inferred_per_fugitive": 3,  # strongest inferred ties kept per fugitive
    "panel_fugitives": 15,   # fugitives listed in the side panel
}

#: Order in which a pair's types choose the colour of its tie (first present wins).
_TYPE_ORDER = (*SUPPORT_TYPES, "co_offender", "family", "member_of", "employment",
               "communication", "associate", "co_travel", "shared_document", "shared_phone",
               "calls")


def investigation_graph(case, analysis, *, settings=None):
    """Return the investigation view of `case`: a graph of parties and its side panel.

    Parameters
    ----------
    case : Case
        The case (resolved, with inferred ties in ``case.inferred`` when inference ran).
    analysis : Analysis
        The ranking: targets, logistics groups.
    settings : dict, optional
        The ``investigation`` part of the ``map`` settings (keys of
        :data:`INVESTIGATION_DEFAULTS`).

    Returns
    -------
    graph : networkx.DiGraph
        Parties only. A tie goes from supplier to receiver when it carries a support type;
        its attributes are ``type`` (the pair's leading type, for the colour), ``ties``
        (every type), ``inferred`` (True when no source stated any of them),
        ``confidence`` (highest), ``grading`` (best), ``provenance``, ``evidence`` (the
        folded phones, documents and journeys, and the inference's own evidence) and
        ``reported`` (number of reported ties).
    panel : dict
        ``groups`` and ``fugitives``: lists of ``{"label": str, "nodes": [ids]}``, the
        nodes a click on the entry focuses on.

    See Also
    --------
    investigation_layout : places its nodes.

    Examples
    --------
    >>> from netanalysis.model import Case
    >>> from netanalysis.analyze import run_analysis
    >>> persons = pd.DataFrame({"id": ["F1", "S1", "X"], "name": ["Fe", "Su", "Xa"],
    ...     "role": ["fugitive", "facilitator", "unknown"], "notice": ["red", None, None],
    ...     "_file": "persons.csv", "_line": [2, 3, 4]})
    >>> links = pd.DataFrame({"from_id": ["S1", "X"], "to_id": ["F1", "S1"],
    ...     "type": ["lodging", "family"], "grading": ["B2", "C3"], "weight": [1.0, 1.0],
    ...     "start": [None] * 2, "end": [None] * 2, "provenance": ["DIJIN", None],
    ...     "note": [None] * 2, "_file": "links.csv", "_line": [2, 3]})
    >>> c = Case(tables={"persons": persons, "links": links})
    >>> G, panel = investigation_graph(c, run_analysis(c))
    >>> sorted(G.nodes), G["S1"]["F1"]["type"]
    (['F1', 'S1', 'X'], 'lodging')
    >>> panel["fugitives"][0]["nodes"]
    ['F1', 'S1']
    """
    cfg = {**INVESTIGATION_DEFAULTS, **(settings or {})}
    nodes_df = party_nodes(case)
    nodes_df = nodes_df.assign(id=nodes_df["id"].astype(str)).drop_duplicates("id")
    edges = party_edges(case)
    edges = edges[edges["source"] != edges["target"]]
    t = analysis.targets
    rank_of = dict(zip(t["id"].astype(str), t["rank"].astype(int)))
    fug_all = t.loc[t["role"] == "fugitive", "id"].astype(str).tolist()
    fugitives = fug_all[: int(cfg["fugitives"])]

    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    supporters = defaultdict(set)
    for a, b in zip(sup["source"], sup["target"]):
        supporters[b].add(a)
    keep = set(fugitives)
    for f in fugitives:
        keep |= supporters.get(f, set())

    groups_panel = []
    lg = analysis.logistics
    if lg is not None and len(lg):
        for rec in lg.head(int(cfg["logistics_groups"])).to_dict("records"):
            members = [str(x) for x in _as_list(rec.get("facilitator_ids", rec.get("facilitators")))]
            served = [str(x) for x in _as_list(rec.get("fugitive_ids",
                                                       rec.get("fugitives_supported")))]
            keep |= set(members) | set(served)
            groups_panel.append({
                "label": (f"group {rec['group']}: {len(members)} facilitator"
                          f"{'s' if len(members) != 1 else ''} for {len(served)} fugitive"
                          f"{'s' if len(served) != 1 else ''}"),
                "nodes": members + [s for s in served if s not in members]})

    inferred = edges[edges["inferred"].astype(bool)]
    if len(inferred):
        k = int(cfg["inferred_per_fugitive"])
        inf = inferred.assign(w=inferred["weight"].astype(float))
        fset = set(fugitives)
        companions = defaultdict(list)
        for a, b, w in zip(inf["source"], inf["target"], inf["w"]):
            if a in fset:
                companions[a].append((-w, b))
            if b in fset:
                companions[b].append((-w, a))
        strong = {f: [x for _, x in sorted(v)[:k]] for f, v in companions.items()}
        for f in fugitives:
            keep |= set(strong.get(f, []))
    else:
        strong = {}

    top_ids = t["id"].astype(str).tolist()[: int(cfg["top_targets"])]
    U = nx.Graph()
    U.add_edges_from(zip(edges["source"], edges["target"]))
    before = set(keep)
    keep |= set(top_ids)
    for tid in top_ids:
        keep |= _connect(U, tid, before | set(top_ids) - {tid}, int(cfg["connect_hops"]))
    known = set(nodes_df["id"])
    keep = {n for n in keep if n in known or n in U}

    G = nx.DiGraph()
    attrs = nodes_df[nodes_df["id"].isin(keep)]
    cols = [c for c in attrs.columns if c != "id"]
    for rec in attrs.to_dict("records"):
        nid = rec.pop("id")
        rec["source"] = f"{rec.pop('_file', '')}:{rec.pop('_line', '')}"
        G.add_node(nid, **{k: v for k, v in rec.items() if _present(v) and k in cols + ["source"]})
    for n in keep - set(G.nodes):
        G.add_node(n, kind="Person", name=n)

    inside = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    folded = _folded(case, keep)
    pairs = defaultdict(list)
    for r in inside.to_dict("records"):
        pairs[_pair(r["source"], r["target"])].append(r)
    for p in folded:
        pairs.setdefault(p, [])
    chosen = {_pair(f, x) for f, xs in strong.items() for x in xs}
    for (a, b), rows in sorted(pairs.items()):
        if not any(not r["inferred"] for r in rows) and (a, b) not in chosen:
            continue  # an inferred tie outside the strongest few of a fugitive: clutter
        _add_tie(G, a, b, rows, folded.get((a, b), []))
    _assign_clusters(G, fugitives, supporters, strong)

    fug_panel = []
    for f in fugitives[: int(cfg["panel_fugitives"])]:
        d = G.nodes[f] if f in G else {}
        notice = d.get("notice")
        label = f"#{rank_of.get(f, '?')} {f} {d.get('name', '')}".strip()
        if _present(notice) and notice != "none":
            label += f" ({notice} notice)"
        world = [f] + sorted(supporters.get(f, set()) & keep) + \
            [x for x in strong.get(f, []) if x in keep and x not in supporters.get(f, set())]
        fug_panel.append({"label": label, "nodes": list(dict.fromkeys(world))})
    return G, {"groups": groups_panel, "fugitives": fug_panel}


def investigation_layout(G, *, seed=7):
    """Return ``{node: (x, y)}`` for an investigation graph, each support network apart.

    Every node carries a ``cluster`` (set by :func:`investigation_graph`): a fugitive with
    the supporters it is the highest-ranked receiver of, and its strongest companions; other
    nodes join the cluster they have most ties to. Clusters are laid out on their own
    (igraph Fruchterman-Reingold in a disc whose area follows their size), their centres by
    Fruchterman-Reingold on the graph of clusters (ties between clusters as weights), then
    pushed apart until no two discs overlap.

    Parameters
    ----------
    G : networkx.Graph or networkx.DiGraph
        An investigation graph (nodes with a ``cluster`` attribute; a node without one is
        its own cluster).
    seed : int, default 7
        Seed of the layouts; the same seed gives the same positions.

    Returns
    -------
    dict
        Node to ``(x, y)``; empty for an empty graph.

    See Also
    --------
    investigation_graph : makes the graph and its clusters.

    Examples
    --------
    >>> G = nx.DiGraph([("S", "F"), ("T", "H")])
    >>> nx.set_node_attributes(G, {"S": 0, "F": 0, "T": 1, "H": 1}, "cluster")
    >>> pos = investigation_layout(G)
    >>> import math
    >>> math.dist(pos["S"], pos["F"]) < math.dist(pos["S"], pos["H"])
    True
    """
    import igraph

    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return {}
    cl = {n: G.nodes[n].get("cluster", n) for n in nodes}
    members = defaultdict(list)
    for n in nodes:
        members[cl[n]].append(n)
    keys = sorted(members, key=lambda k: (-len(members[k]), str(k)))
    kindex = {k: i for i, k in enumerate(keys)}
    rng = random.Random(seed)
    igraph.set_random_number_generator(rng)
    try:
        local, radius = {}, {}
        for k in keys:
            ms = members[k]
            idx = {n: i for i, n in enumerate(ms)}
            pairs = {(min(idx[u], idx[v]), max(idx[u], idx[v])) for u, v in G.subgraph(ms).edges()
                     if u != v}
            if len(ms) == 1:
                xy = np.zeros((1, 2))
            elif len(ms) == 2:
                xy = np.array([[-0.5, 0.0], [0.5, 0.0]])
            else:
                g = igraph.Graph(n=len(ms), edges=sorted(pairs))
                xy = np.asarray(g.layout_fruchterman_reingold().coords, float)
                xy -= xy.mean(axis=0)
                m = np.sqrt((xy ** 2).sum(axis=1)).max()
                xy = xy / m if m > 0 else xy
            r = 0.5 + math.sqrt(len(ms))
            local[k] = xy * (r - 0.5)
            radius[k] = r
        w = defaultdict(int)
        for u, v in G.edges():
            a, b = kindex[cl[u]], kindex[cl[v]]
            if a != b:
                w[(min(a, b), max(a, b))] += 1
        cg = igraph.Graph(n=len(keys), edges=sorted(w))
        if len(keys) > 2:
            centre = np.asarray(cg.layout_fruchterman_reingold(
                weights=[w[e] for e in sorted(w)] or None).coords, float)
        else:
            centre = np.array([[0.0, 0.0], [1.0, 0.0]])[: len(keys)]
    finally:
        igraph.set_random_number_generator(random)
    centre -= centre.mean(axis=0)
    rad = np.array([radius[k] for k in keys])
    spread = np.abs(centre).max()
    if spread > 0:
        centre *= (math.sqrt(float((rad ** 2).sum())) * 1.2) / spread
    _separate(centre, rad + 1.0)
    pos = {}
    for k in keys:
        c = centre[kindex[k]]
        for n, xy in zip(members[k], local[k]):
            pos[n] = (float(c[0] + xy[0]), float(c[1] + xy[1]))
    return pos


# --- private helpers ---------------------------------------------------------------------

def _separate(centre, rad, rounds=200):
    """Push discs (centres `centre`, radii `rad`) apart in place until none overlap."""
    n = len(centre)
    for _ in range(rounds):
        moved = False
        for i in range(n):
            d = centre[i + 1:] - centre[i]
            dist = np.sqrt((d ** 2).sum(axis=1))
            need = rad[i + 1:] + rad[i]
            over = np.flatnonzero(dist < need)
            for j in over:
                jj = i + 1 + j
                gap = need[j] - dist[j]
                u = d[j] / dist[j] if dist[j] > 1e-9 else np.array([1.0, 0.0])
                centre[jj] += u * gap / 2
                centre[i] -= u * gap / 2
                moved = True
        if not moved:
            return


def _assign_clusters(G, fugitives, supporters, strong):
    """Set the node attribute ``cluster``: the fugitive whose support network a node is in."""
    cluster = {}
    for f in fugitives:
        if f in G:
            cluster.setdefault(f, f)
    for f in fugitives:
        for x in sorted(supporters.get(f, set())):
            if x in G:
                cluster.setdefault(x, f)
    for f in fugitives:
        for x in strong.get(f, []):
            if x in G:
                cluster.setdefault(x, f)
    U = G.to_undirected(as_view=True)
    for n in sorted(G.nodes, key=str):
        if n in cluster:
            continue
        votes = defaultdict(int)
        for m in U[n]:
            if m in cluster:
                votes[cluster[m]] += 1
        cluster[n] = max(sorted(votes), key=lambda k: votes[k]) if votes else f"other:{n}"
    nx.set_node_attributes(G, cluster, "cluster")


def _pair(a, b):
    return (a, b) if a <= b else (b, a)


def _connect(U, start, targets, hops):
    """Nodes of a shortest chain (at most `hops` ties) from `start` to any of `targets`."""
    if start not in U or not targets:
        return set()
    parent = {start: None}
    frontier = [start]
    for _ in range(hops):
        nxt = []
        for u in frontier:
            for v in sorted(U[u], key=str):
                if v in parent:
                    continue
                parent[v] = u
                if v in targets:
                    out = set()
                    while v is not None:
                        out.add(v)
                        v = parent[v]
                    return out
                nxt.append(v)
        frontier = nxt
    return set()


def _add_tie(G, a, b, rows, folded):
    types = sorted({r["type"] for r in rows}, key=_type_key)
    reported = [r for r in rows if not r["inferred"]]
    inferred_rows = [r for r in rows if r["inferred"]]
    lead = types[0] if types else _folded_type(folded)
    u, v = a, b
    if lead in SUPPORT_TYPES:
        r0 = next(r for r in rows if r["type"] == lead)
        u, v = r0["source"], r0["target"]
    conf = [float(r["confidence"]) for r in rows if _present(r["confidence"])]
    gradings = sorted({str(r["grading"]) for r in reported if _present(r["grading"])})
    prov = sorted({str(r["provenance"]) for r in reported if _present(r["provenance"])})
    evidence = [str(r["evidence"]) for r in reported if _present(r.get("evidence"))]
    evidence += list(folded)
    for r in inferred_rows:
        if _present(r.get("evidence")) and not folded:
            evidence.append(str(r["evidence"]))
    G.add_edge(u, v, type=lead, ties=", ".join(types) if types else "folded evidence only",
               inferred=not reported, confidence=max(conf) if conf else None,
               grading=", ".join(gradings) or None, provenance=", ".join(prov) or None,
               evidence="; ".join(evidence) or None, reported=len(reported) or None)


def _type_key(t):
    return (_TYPE_ORDER.index(t) if t in _TYPE_ORDER else len(_TYPE_ORDER), t)


def _folded_type(folded):
    text = " ".join(folded)
    if "calls" in text:
        return "calls"
    if "shared" in text and "journey" in text:
        return "co_travel"
    return "shared_document"


def _folded(case, keep):
    """``{(a, b): [sentence, ...]}``: calls, shared documents and journeys of pairs in `keep`."""
    out = defaultdict(list)
    t = case.tables
    phones = t.get("phones")
    calls = t.get("calls")
    if phones is not None and calls is not None and len(phones) and len(calls):
        ph = phones[phones["person_id"].astype(str).isin(keep)]
        owners = defaultdict(set)
        for num, pid in zip(ph["number"].astype(str), ph["person_id"].astype(str)):
            owners[num].add(pid)
        c = calls[calls["caller"].astype(str).isin(owners) & calls["callee"].astype(str).isin(owners)]
        counts = defaultdict(int)
        for x, y in zip(c["caller"].astype(str), c["callee"].astype(str)):
            for a in owners[x]:
                for b in owners[y]:
                    if a != b:
                        counts[_pair(a, b)] += 1
        for p, k in counts.items():
            out[p].append(f"{k} call{'s' if k != 1 else ''}")
    docs = t.get("documents")
    if docs is not None and len(docs):
        d = docs[docs["holder_id"].astype(str).isin(keep) & docs["number"].notna()]
        by_number = defaultdict(set)
        kind_of = {}
        for num, kind, h in zip(d["number"].astype(str), d["kind"], d["holder_id"].astype(str)):
            key = "".join(num.split()).upper()
            by_number[key].add(h)
            kind_of[key] = kind if _present(kind) else "document"
        for num, holders in sorted(by_number.items()):
            hs = sorted(holders)
            for i, a in enumerate(hs):
                for b in hs[i + 1:]:
                    out[(a, b)].append(f"shared {str(kind_of[num]).replace('_', ' ')} {num}")
    travel = t.get("travel")
    if travel is not None and len(travel):
        tr = travel[travel["person_id"].astype(str).isin(keep)]
        by_journey = defaultdict(set)
        for rec in tr.to_dict("records"):
            k = journey_key(rec)
            if not k.startswith("journey:row"):
                by_journey[k].add(str(rec["person_id"]))
        shared = defaultdict(int)
        for people in by_journey.values():
            ps = sorted(people)
            for i, a in enumerate(ps):
                for b in ps[i + 1:]:
                    shared[(a, b)] += 1
        for p, k in shared.items():
            out[p].append(f"{k} shared journe{'ys' if k != 1 else 'y'}")
    return dict(out)


def _as_list(v):
    if isinstance(v, (list, tuple, set, np.ndarray)):
        return list(v)
    if v is None or isinstance(v, (int, float, np.integer, np.floating)):
        return []  # a count, not a list of ids
    return [x for x in str(v).split("|") if x]


def _present(v):
    if v is None:
        return False
    if isinstance(v, float) and v != v:
        return False
    if v is pd.NA:
        return False
    return not (isinstance(v, str) and v.strip() == "")
