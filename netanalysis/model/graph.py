"""The typed property graph of a case, and the projections analyses run on.

Two forms serve two needs:

- :func:`build_graph` returns the full property graph as a ``networkx.MultiDiGraph``: nodes of
  kinds Person, Organization, Phone, Document, Place and Journey, and every reported link,
  inferred tie and structural relationship (a person *holds* a document, *uses* a phone,
  *travelled* on a journey that *departs_from* and *arrives_at* a place, and is *located_at*
  a place of ``locations.csv``; places carry ``country``, ``lat`` and ``lon``). Every node has a
  ``kind``; every relationship has a ``type`` and, where it states something about people, its
  ``provenance``, ``grading`` and ``confidence``. This is the graph users explore.
- :func:`party_edges` returns the ties between parties (persons and organizations) as one
  columnar table, and :func:`party_graph` / :func:`support_graph` turn a (filtered) table into
  the simple graphs that measures run on. Fast kernels (igraph) read the table directly.

Node ids: persons and organizations keep their case ids; the other kinds are prefixed
(``phone:+5730012345``, ``doc:D1``, ``place:BOG``, ``journey:AV85|2024-03-05``).
The node attribute ``kind`` is always the node kind; the case columns named ``kind`` become
``org_kind`` (organizations) and ``doc_kind`` (documents).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.model.dates import date_day, overlaps
from netanalysis.model.grading import grading_confidence
from netanalysis.model.vocab import DIRECTED_LINK_TYPES, SUPPORT_TYPES

__all__ = [
    "EDGE_COLUMNS",
    "build_graph",
    "party_edges",
    "party_nodes",
    "filter_edges",
    "party_graph",
    "support_graph",
    "journey_key",
    "itinerary",
    "co_travellers",
]

#: Columns of the party-edge table returned by :func:`party_edges`.
EDGE_COLUMNS = [
    "source", "target", "type", "directed", "weight", "grading", "confidence",
    "start", "end", "provenance", "inferred", "evidence", "line",
]


def journey_key(row):
    """Return the id of the journey a travel row belongs to.

    Rows with the same carrier + flight (or voyage) number departing on the same day are the
    same journey; a row without a flight number is a journey of its own.

    Examples
    --------
    >>> journey_key({"carrier": "AV", "flight": "85", "depart": "2024-03-05T10:00", "_line": 2})
    'journey:AV85|2024-03-05'
    >>> journey_key({"carrier": None, "flight": None, "depart": "2024-03-05", "_line": 7})
    'journey:row7'
    """
    flight = _clean(row.get("flight"))
    day = date_day(row.get("depart")) or row.get("depart")
    if flight:
        carrier = _clean(row.get("carrier")) or ""
        code = flight.upper().replace(" ", "")
        if carrier and not code.startswith(carrier.upper().replace(" ", "")):
            code = carrier.upper().replace(" ", "") + code
        return f"journey:{code}|{day}"
    return f"journey:row{row.get('_line')}"


def party_nodes(case):
    """Return a DataFrame of persons and organizations: ``id``, ``kind``, ``name``, ``role``...

    Organizations get ``role="organization"`` and their case column ``kind`` as ``org_kind``.
    """
    p = case.tables["persons"].copy()
    p.insert(1, "kind", "Person")
    o = case.tables["organizations"].copy().rename(columns={"kind": "org_kind"})
    o.insert(1, "kind", "Organization")
    if len(o):
        o["role"] = "organization"
    frames = [f for f in (p, o) if len(f)]
    if not frames:
        return p
    return pd.concat(frames, ignore_index=True, sort=False)


def party_edges(case, *, include_inferred=True):
    """Return the ties between parties as one table (columns :data:`EDGE_COLUMNS`).

    Reported links come from ``links.csv`` with their grading turned into a confidence
    (:func:`netanalysis.model.grading.grading_confidence`). Inferred ties come from
    ``case.inferred`` when it is set and `include_inferred` is true; they carry
    ``inferred=True``, ``grading=None`` and the confidence inference gave them.
    """
    links = case.tables["links"]
    n = len(links)
    if n:
        gradings = links["grading"].fillna("F6").astype(str)
        conf_map = {g: grading_confidence(g) for g in gradings.unique()}
        df = pd.DataFrame({
            "source": links["from_id"].astype(str).to_numpy(),
            "target": links["to_id"].astype(str).to_numpy(),
            "type": links["type"].to_numpy(),
            "directed": links["type"].isin(DIRECTED_LINK_TYPES).to_numpy(),
            "weight": pd.to_numeric(links["weight"], errors="coerce").fillna(1.0).to_numpy(float),
            "grading": gradings.to_numpy(),
            "confidence": gradings.map(conf_map).to_numpy(float),
            "start": links["start"].to_numpy(),
            "end": links["end"].to_numpy(),
            "provenance": links["provenance"].to_numpy(),
            "inferred": np.zeros(n, dtype=bool),
            "evidence": links["note"].to_numpy() if "note" in links else None,
            "line": links["_line"].to_numpy(),
        })
    else:
        df = pd.DataFrame({c: pd.Series(dtype="object") for c in EDGE_COLUMNS})
    inf = case.inferred
    if include_inferred and inf is not None and len(inf):
        m = len(inf)
        conf = inf["confidence"] if "confidence" in inf else inf["score"]
        idf = pd.DataFrame({
            "source": inf["from_id"].astype(str).to_numpy(),
            "target": inf["to_id"].astype(str).to_numpy(),
            "type": inf["type"].to_numpy(),
            "directed": np.zeros(m, dtype=bool),
            "weight": pd.to_numeric(inf.get("weight", inf["score"]), errors="coerce").fillna(1.0).to_numpy(float),
            "grading": None,
            "confidence": pd.to_numeric(conf, errors="coerce").fillna(0.0).to_numpy(float),
            "start": inf["start"].to_numpy() if "start" in inf else None,
            "end": inf["end"].to_numpy() if "end" in inf else None,
            "provenance": "inferred by netanalysis",
            "inferred": np.ones(m, dtype=bool),
            "evidence": inf["evidence"].to_numpy(),
            "line": None,
        })
        df = pd.concat([df, idf], ignore_index=True) if len(df) else idf
    return df[EDGE_COLUMNS]


def filter_edges(edges, *, link_types=None, min_confidence=None, include_inferred=True,
                 since=None, until=None, keep_undated=True):
    """Return the rows of a party-edge table that pass the shared analysis filters.

    Parameters
    ----------
    edges : DataFrame
        As returned by :func:`party_edges`.
    link_types : iterable of str, optional
        Keep only these types (reported or inferred type names). None keeps all.
    min_confidence : float, optional
        Keep ties whose confidence is at least this.
    include_inferred : bool
        Keep inferred ties.
    since, until : str, optional
        Partial ISO dates; keep ties whose [start, end] interval meets the window.
    keep_undated : bool
        With a time window, keep ties that have no dates at all (their time is unknown).
    """
    mask = np.ones(len(edges), dtype=bool)
    if link_types is not None:
        mask &= edges["type"].isin(list(link_types)).to_numpy()
    if min_confidence is not None:
        mask &= (edges["confidence"].astype(float) >= float(min_confidence)).to_numpy()
    if not include_inferred:
        mask &= ~edges["inferred"].astype(bool).to_numpy()
    if since or until:
        within = [overlaps(s, e, since, until) for s, e in zip(edges["start"], edges["end"])]
        mask &= np.array([keep_undated if w is None else w for w in within], dtype=bool)
    return edges[mask]


def party_graph(edges, nodes=None, *, weight="strength"):
    """Return a simple undirected ``nx.Graph`` of parties from a party-edge table.

    Parallel ties between two parties (and both directions of directed ones) are combined:
    ``weight`` is the sum of tie weights, ``strength`` the sum of weight x confidence,
    ``confidence`` the highest confidence, ``types`` the sorted tuple of types, ``inferred``
    True only when every tie is inferred, and ``distance`` = 1 / strength for path lengths.
    Self-loops are dropped. `nodes` (a DataFrame from :func:`party_nodes`) adds every party,
    isolated ones included, with its attributes.
    """
    G = nx.Graph()
    if nodes is not None and len(nodes):
        cols = [c for c in nodes.columns if not c.startswith("_")]
        for rec in nodes[cols].to_dict("records"):
            nid = rec.pop("id")
            G.add_node(nid, **{k: v for k, v in rec.items() if _present(v)})
    if len(edges):
        e = edges[edges["source"] != edges["target"]]
        a = e["source"].to_numpy(str)
        b = e["target"].to_numpy(str)
        lo = np.where(a < b, a, b)
        hi = np.where(a < b, b, a)
        w = e["weight"].to_numpy(float)
        c = e["confidence"].to_numpy(float)
        agg = pd.DataFrame({"u": lo, "v": hi, "weight": w, "strength": w * c, "confidence": c,
                            "type": e["type"].to_numpy(), "inferred": e["inferred"].to_numpy(bool)})
        g = agg.groupby(["u", "v"], sort=False).agg(
            weight=("weight", "sum"), strength=("strength", "sum"), confidence=("confidence", "max"),
            types=("type", lambda s: tuple(sorted(set(s)))), inferred=("inferred", "all"))
        for (u, v), r in zip(g.index, g.itertuples(index=False)):
            s = float(r.strength)
            G.add_edge(u, v, weight=float(r.weight), strength=s, confidence=float(r.confidence),
                       types=r.types, inferred=bool(r.inferred),
                       distance=1.0 / s if s > 0 else float("inf"))
    return G


def support_graph(edges, nodes=None):
    """Return a ``nx.DiGraph`` of support ties, from supplier to receiver.

    Only the support types (documents, transport, lodging, financial) are kept; each edge has
    ``services`` (a sorted tuple of types), ``confidence`` (highest), ``grading`` (best) and
    ``provenance`` (sorted tuple of sources).
    """
    D = nx.DiGraph()
    if nodes is not None and len(nodes):
        for rec in nodes[["id", "kind", "name", "role"]].to_dict("records"):
            D.add_node(rec["id"], kind=rec["kind"], name=rec["name"], role=rec.get("role"))
    s = edges[edges["type"].isin(SUPPORT_TYPES) & (edges["source"] != edges["target"])]
    for r in s.itertuples(index=False):
        if D.has_edge(r.source, r.target):
            d = D[r.source][r.target]
            d["services"] = tuple(sorted(set(d["services"]) | {r.type}))
            if r.confidence > d["confidence"]:
                d["confidence"], d["grading"] = float(r.confidence), r.grading
            if _present(r.provenance):
                d["provenance"] = tuple(sorted(set(d["provenance"]) | {r.provenance}))
        else:
            D.add_edge(r.source, r.target, services=(r.type,), confidence=float(r.confidence),
                       grading=r.grading,
                       provenance=(r.provenance,) if _present(r.provenance) else ())
    return D


def build_graph(case, *, include_inferred=True):
    """Return the full typed property graph of `case` as a ``networkx.MultiDiGraph``.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> import pandas as pd
    >>> c = Case(tables={"persons": pd.DataFrame({"id": ["P1", "P2"], "name": ["Ana", "Luis"],
    ...     "role": ["fugitive", "facilitator"], "_file": "persons.csv", "_line": [2, 3]}),
    ...     "links": pd.DataFrame({"from_id": ["P2"], "to_id": ["P1"], "type": ["documents"],
    ...     "grading": ["B2"], "weight": [1.0], "start": [None], "end": [None],
    ...     "provenance": ["DIJIN"], "note": [None], "_file": "links.csv", "_line": [2]})})
    >>> G = build_graph(c)
    >>> G.nodes["P1"]["kind"], G["P2"]["P1"][0]["type"], G["P2"]["P1"][0]["confidence"]
    ('Person', 'documents', 0.64)
    """
    G = nx.MultiDiGraph()
    t = case.tables
    for rec in party_nodes(case).to_dict("records"):
        nid = rec.pop("id")
        rec["source"] = f"{rec.pop('_file', '')}:{rec.pop('_line', '')}"
        G.add_node(nid, **{k: v for k, v in rec.items() if _present(v)})

    for r in party_edges(case, include_inferred=include_inferred).to_dict("records"):
        u, v = r.pop("source"), r.pop("target")
        G.add_edge(u, v, **{k: val for k, val in r.items() if _present(val)})

    for rec in t["documents"].to_dict("records"):
        did = f"doc:{rec['id']}"
        rec["doc_kind"] = rec.pop("kind", None)
        G.add_node(did, kind="Document", **{k: v for k, v in rec.items()
                                             if _present(v) and not k.startswith("_")})
        G.add_edge(rec["holder_id"], did, type="holds", provenance=rec.get("provenance"),
                   line=rec["_line"])

    for rec in t["phones"].to_dict("records"):
        pid = f"phone:{rec['number']}"
        if pid not in G:
            G.add_node(pid, kind="Phone", number=rec["number"])
        G.add_edge(rec["person_id"], pid, type="uses", line=rec["_line"])

    calls = t["calls"]
    if len(calls):
        dur = pd.to_numeric(calls["duration_s"], errors="coerce").fillna(0.0)
        agg = pd.DataFrame({"caller": calls["caller"], "callee": calls["callee"],
                            "start": calls["start"], "d": dur}).groupby(["caller", "callee"]).agg(
            count=("d", "size"), duration_s=("d", "sum"), first=("start", "min"), last=("start", "max"))
        for (a, b), r in zip(agg.index, agg.itertuples(index=False)):
            for num in (a, b):
                if f"phone:{num}" not in G:
                    G.add_node(f"phone:{num}", kind="Phone", number=num)
            G.add_edge(f"phone:{a}", f"phone:{b}", type="called", count=int(r.count),
                       duration_s=float(r.duration_s), start=r.first, end=r.last)

    for rec in t["travel"].to_dict("records"):
        jid = journey_key(rec)
        if jid not in G:
            G.add_node(jid, kind="Journey", origin=rec["origin"], destination=rec["destination"],
                       depart=rec["depart"], **{k: rec[k] for k in ("carrier", "flight", "mode")
                                                if _present(rec.get(k))})
            for place, rel in ((rec["origin"], "departs_from"), (rec["destination"], "arrives_at")):
                pid = _place_node(G, place)
                G.add_edge(jid, pid, type=rel)
        attrs = {k: rec[k] for k in ("depart", "arrive", "document_id", "booking_ref", "provenance")
                 if _present(rec.get(k))}
        G.add_edge(rec["person_id"], jid, type="travelled", line=rec["_line"], **attrs)

    for rec in t["locations"].to_dict("records"):
        pid = _place_node(G, rec["place"])
        grading = rec.get("grading") or "F6"
        attrs = {k: rec.get(k) for k in ("start", "end", "provenance", "note")
                 if _present(rec.get(k))}
        G.add_edge(rec["person_id"], pid, type="located_at", location_kind=rec.get("kind"),
                   grading=grading, confidence=grading_confidence(grading), line=rec["_line"],
                   **attrs)
    return G


def itinerary(case, person_id):
    """Return one person's travel legs in time order (a DataFrame of travel rows)."""
    tr = case.tables["travel"]
    legs = tr[tr["person_id"] == person_id].copy()
    return legs.sort_values(["depart", "_line"], kind="stable").reset_index(drop=True)


def co_travellers(case, person_id):
    """Return the people who shared a journey (same flight, same day) with `person_id`.

    A DataFrame with ``person_id``, ``journey`` and ``depart``, one row per shared leg.
    """
    tr = case.tables["travel"]
    if not len(tr):
        return pd.DataFrame(columns=["person_id", "journey", "depart"])
    keys = pd.Series([journey_key(r) for r in tr.to_dict("records")], index=tr.index)
    mine = set(keys[(tr["person_id"] == person_id) & ~keys.str.startswith("journey:row")])
    sel = keys.isin(mine) & (tr["person_id"] != person_id)
    out = pd.DataFrame({"person_id": tr.loc[sel, "person_id"], "journey": keys[sel],
                        "depart": tr.loc[sel, "depart"]})
    return out.sort_values(["depart", "person_id"]).reset_index(drop=True)


def _place_node(G, place):
    """Add the Place node of `place` (with country and coordinates) once; return its id."""
    from netanalysis.model.places import place_info

    pid = f"place:{place}"
    if pid not in G:
        info = place_info(place)
        extra = {} if info is None else {"country": info.country, "lat": info.lat,
                                         "lon": info.lon, "place_kind": info.kind}
        G.add_node(pid, kind="Place", name=place, **extra)
    return pid


def _clean(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None


def _present(v):
    if v is None:
        return False
    if isinstance(v, float) and v != v:
        return False
    if isinstance(v, (list, tuple)) and len(v) == 0:
        return False
    return not (isinstance(v, str) and v == "")
