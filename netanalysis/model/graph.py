"""The typed property graph of a case, and the projections analyses run on.

Two forms serve two needs:

- :func:`build_graph` returns the full property graph as a ``networkx.MultiDiGraph``: nodes of
  kinds Person, Organization, Phone, Document, Place and Journey, and every reported link,
  inferred tie and structural relationship (a person *holds* a document, *uses* a phone,
  *travelled* on a journey that *departs_from* and *arrives_at* a place, and is *located_at*
  a place of ``locations.csv``; an organization is *based_in* the place of its country;
  places carry ``country``, ``lat`` and ``lon``). Every node has a
  ``kind``; every relationship has a ``type`` and, where it states something about people, its
  ``provenance``, ``grading`` and ``confidence``. This is the graph users explore.
- :func:`party_edges` returns the ties between parties (persons and organizations) as one
  columnar table, and :func:`party_graph` / :func:`support_graph` turn a (filtered) table into
  the simple graphs that measures run on. Fast kernels (igraph) read the table directly.

Node ids: persons and organizations keep their case ids; the other kinds are prefixed
(``phone:+5730012345``, ``doc:D1``, ``place:BOG``, ``journey:AV85|2024-03-05``).
The node attribute ``kind`` is always the node kind; the case columns named ``kind`` become
``org_kind`` (organizations) and ``doc_kind`` (documents).

Extra columns (those a file has beyond the case format's, which ingest keeps) become
properties named :data:`EXTRA_PREFIX` + the column name: an extra ``kind`` column of
``persons.csv`` is the property ``extra_kind``, an extra ``channel`` column of ``links.csv``
the edge property ``extra_channel``. No property of the model starts with ``extra_``, so an
extra column can never replace or collide with one of the model's own attributes.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from netanalysis.model.dates import date_day, overlaps
from netanalysis.model.filters import check_filters
from netanalysis.model.grading import grading_confidence
from netanalysis.model.values import present
from netanalysis.model.vocab import DIRECTED_LINK_TYPES, SUPPORT_TYPES, file_columns

__all__ = [
    "EDGE_COLUMNS",
    "EXTRA_PREFIX",
    "extra_columns",
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


#: Prefix of the properties that carry a file's extra columns (see the module notes).
EXTRA_PREFIX = "extra_"


def extra_columns(table, kind):
    """Return `table` with its extra columns renamed ``extra_<name>`` (a new DataFrame).

    Columns of the case format for `kind` and internal ones (``_file``, ``_line``) keep
    their names.

    Parameters
    ----------
    table : DataFrame
        A table of the case (``case.tables[kind]``).
    kind : str
        Its file kind of case format v1 (``persons``, ``links``...).

    Returns
    -------
    DataFrame
        A copy with the columns beyond the schema prefixed by :data:`EXTRA_PREFIX`.

    See Also
    --------
    build_graph : puts the extra columns on nodes and ties under these names.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["P1"], "name": ["Ana"], "kind": ["x"], "_line": [2]})
    >>> extra_columns(t, "persons").columns.tolist()
    ['id', 'name', 'extra_kind', '_line']
    """
    known = file_columns(kind)
    ren = {c: f"{EXTRA_PREFIX}{c}" for c in table.columns
           if c not in known and not str(c).startswith("_")}
    return table.rename(columns=ren) if ren else table.copy()


def journey_key(row):
    """Return the id of the journey a travel row belongs to.

    Rows with the same carrier + flight (or voyage) number departing on the same day are the
    same journey; a row without a flight number is a journey of its own.

    Parameters
    ----------
    row : mapping
        A travel row (``carrier``, ``flight``, ``depart``, ``_line``).

    Returns
    -------
    str

    See Also
    --------
    co_travellers : the people on the same journeys.

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

    Extra columns are named ``extra_<column>`` (:func:`extra_columns`).

    Parameters
    ----------
    case : Case

    Returns
    -------
    pandas.DataFrame
        One row per party: ``kind`` is ``Person`` or ``Organization``, then the columns of
        ``persons.csv`` and ``organizations.csv``.

    See Also
    --------
    party_edges : the ties between these parties.
    party_graph : parties and ties as a networkx graph.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     organizations=[{"id": "G1", "name": "Clan", "kind": "criminal_group"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
    ...             "start": "2024-01"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"},
    ...            {"from_id": "S1", "to_id": "G1", "type": "member_of"}])
    >>> party_nodes(case)[["id", "kind", "role"]].values.tolist()
    [['F1', 'Person', 'fugitive'], ['S1', 'Person', 'unknown'], ['S2', 'Person', 'unknown'], ['G1', 'Organization', 'organization']]
    """  # noqa: E501
    p = extra_columns(case.tables["persons"], "persons")
    p.insert(1, "kind", "Person")
    o = extra_columns(case.tables["organizations"], "organizations").rename(columns={"kind": "org_kind"})
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
    ``inferred=True``, ``grading=None`` and the confidence inference gave them. Extra
    columns of ``links.csv`` follow :data:`EDGE_COLUMNS` as ``extra_<column>`` (empty on
    inferred ties).

    Parameters
    ----------
    case : Case
    include_inferred : bool
        Add the inferred ties of ``case.inferred``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EDGE_COLUMNS`; ``source`` and ``target`` as in ``links.csv`` (supplier
        to receiver for the directed support types), ``line`` the line of the report.

    See Also
    --------
    filter_edges : keep the ties an analysis asks for.
    party_graph, support_graph : the ties as networkx graphs.
    party_nodes : the parties.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     organizations=[{"id": "G1", "name": "Clan", "kind": "criminal_group"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
    ...             "start": "2024-01"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"},
    ...            {"from_id": "S1", "to_id": "G1", "type": "member_of"}])
    >>> party_edges(case)[["source", "target", "type", "directed", "confidence"]].values.tolist()
    [['S1', 'F1', 'lodging', True, 0.64], ['S2', 'F1', 'family', False, 0.36], ['S1', 'G1', 'member_of', False, 0.25]]
    """  # noqa: E501
    links = case.tables["links"]
    n = len(links)
    if n:
        gradings = links["grading"].fillna("F6").astype(str)
        conf_map = {g: grading_confidence(g) for g in gradings.unique()}
        df = pd.DataFrame({
            # ids as str arrays as they are (no round trip through Python objects)
            "source": links["from_id"].astype(str).array,
            "target": links["to_id"].astype(str).array,
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
        extras = extra_columns(links, "links")
        for c in extras.columns:
            if c.startswith(EXTRA_PREFIX):
                df[c] = extras[c].to_numpy(dtype=object)
    else:
        df = pd.DataFrame({c: pd.Series(dtype="object") for c in EDGE_COLUMNS})
    inf = case.inferred
    if include_inferred and inf is not None and len(inf):
        m = len(inf)
        conf = inf["confidence"] if "confidence" in inf else inf["score"]
        idf = pd.DataFrame({
            "source": inf["from_id"].astype(str).array,
            "target": inf["to_id"].astype(str).array,
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
    return df[EDGE_COLUMNS + [c for c in df.columns if str(c).startswith(EXTRA_PREFIX)]]


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

    Returns
    -------
    pandas.DataFrame
        The rows of `edges` that pass, in their order, with their index.

    Raises
    ------
    InputError
        If a filter is invalid (unknown link type, impossible date...): see
        :func:`netanalysis.model.filters.check_filters`, which checks them first.

    See Also
    --------
    party_edges : the table filtered.
    party_graph : build a graph from the rows kept.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     organizations=[{"id": "G1", "name": "Clan", "kind": "criminal_group"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
    ...             "start": "2024-01"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"},
    ...            {"from_id": "S1", "to_id": "G1", "type": "member_of"}])
    >>> e = party_edges(case)
    >>> filter_edges(e, min_confidence=0.5)["type"].tolist()
    ['lodging']
    >>> filter_edges(e, link_types=["family", "member_of"])["type"].tolist()
    ['family', 'member_of']
    >>> filter_edges(e, since="2024-06", keep_undated=False)["type"].tolist()
    ['lodging']
    """
    f = check_filters({"link_types": link_types, "min_confidence": min_confidence,
                       "since": since, "until": until})
    link_types, min_confidence, since, until = (f["link_types"], f["min_confidence"],
                                                f["since"], f["until"])
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

    Parameters
    ----------
    edges : pandas.DataFrame
        A party-edge table (:func:`party_edges`, possibly filtered by :func:`filter_edges`).
    nodes : pandas.DataFrame, optional
        Parties to add with their attributes (:func:`party_nodes`).
    weight : str
        Unused; kept for callers that name the strength attribute.

    Returns
    -------
    networkx.Graph

    See Also
    --------
    support_graph : the directed graph of support ties alone.
    build_graph : the full typed property graph.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     organizations=[{"id": "G1", "name": "Clan", "kind": "criminal_group"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
    ...             "start": "2024-01"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"},
    ...            {"from_id": "S1", "to_id": "G1", "type": "member_of"}])
    >>> G = party_graph(party_edges(case), party_nodes(case))
    >>> sorted(G.nodes), G["S1"]["F1"]["types"], round(G["S1"]["F1"]["strength"], 2)
    (['F1', 'G1', 'S1', 'S2'], ('lodging',), 0.64)
    """
    G = nx.Graph()
    if nodes is not None and len(nodes):
        cols = [c for c in nodes.columns if not c.startswith("_")]
        for rec in nodes[cols].to_dict("records"):
            nid = rec.pop("id")
            G.add_node(nid, **{k: v for k, v in rec.items() if present(v)})
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

    Parameters
    ----------
    edges : pandas.DataFrame
        A party-edge table (:func:`party_edges`).
    nodes : pandas.DataFrame, optional
        Parties to add (:func:`party_nodes`).

    Returns
    -------
    networkx.DiGraph

    See Also
    --------
    party_graph : every tie, undirected.
    netanalysis.analyze.support.support_network : who supports one fugitive.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"},
    ...              {"id": "S2", "name": "Eva"}],
    ...     organizations=[{"id": "G1", "name": "Clan", "kind": "criminal_group"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2",
    ...             "start": "2024-01"},
    ...            {"from_id": "S2", "to_id": "F1", "type": "family", "grading": "C3"},
    ...            {"from_id": "S1", "to_id": "G1", "type": "member_of"}])
    >>> D = support_graph(party_edges(case))
    >>> list(D.edges(data="services"))
    [('S1', 'F1', ('lodging',))]
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
            if present(r.provenance):
                d["provenance"] = tuple(sorted(set(d["provenance"]) | {r.provenance}))
        else:
            D.add_edge(r.source, r.target, services=(r.type,), confidence=float(r.confidence),
                       grading=r.grading,
                       provenance=(r.provenance,) if present(r.provenance) else ())
    return D


def build_graph(case, *, include_inferred=True):
    """Return the full typed property graph of `case` as a ``networkx.MultiDiGraph``.

    Nodes are parties (``kind`` Person or Organization), documents (``doc:ID``), phones
    (``phone:NUMBER``), journeys (``journey:...``, see :func:`journey_key`) and places
    (``place:NAME``); ties between parties carry type, grading, confidence and provenance,
    structural ties (``holds``, ``uses``, ``called``, ``travelled``, ``departs_from``,
    ``arrives_at``, ``located_at``, and ``based_in`` from an organization to the place of its
    country, ``place:CC`` with ``place_kind`` ``"country"``) connect the rest.

    Parameters
    ----------
    case : Case
    include_inferred : bool
        Add the inferred ties of ``case.inferred``.

    Returns
    -------
    networkx.MultiDiGraph

    See Also
    --------
    party_graph : the parties alone, one tie per pair, for measures.

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
        G.add_node(nid, **{k: v for k, v in rec.items() if present(v)})

    for r in party_edges(case, include_inferred=include_inferred).to_dict("records"):
        u, v = r.pop("source"), r.pop("target")
        G.add_edge(u, v, **{k: val for k, val in r.items() if present(val)})

    org = t["organizations"]
    if len(org) and "country" in org:
        lines = org["_line"] if "_line" in org else [None] * len(org)
        for oid, cc, line in zip(org["id"].astype(str), org["country"], lines):
            if present(cc) and oid in G:
                G.add_edge(oid, _country_node(G, cc), type="based_in",
                           **({"line": int(line)} if present(line) else {}))

    for rec in extra_columns(t["documents"], "documents").to_dict("records"):
        did = f"doc:{rec['id']}"
        rec["doc_kind"] = rec.pop("kind", None)
        G.add_node(did, kind="Document", **{k: v for k, v in rec.items()
                                             if present(v) and not k.startswith("_")})
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

    for rec in extra_columns(t["travel"], "travel").to_dict("records"):
        jid = journey_key(rec)
        if jid not in G:
            G.add_node(jid, kind="Journey", origin=rec["origin"], destination=rec["destination"],
                       depart=rec["depart"], **{k: rec[k] for k in ("carrier", "flight", "mode")
                                                if present(rec.get(k))})
            for place, rel in ((rec["origin"], "departs_from"), (rec["destination"], "arrives_at")):
                pid = _place_node(G, place)
                G.add_edge(jid, pid, type=rel)
        attrs = {k: rec[k] for k in ("depart", "arrive", "document_id", "booking_ref", "provenance")
                 if present(rec.get(k))}
        attrs.update({k: v for k, v in rec.items() if k.startswith(EXTRA_PREFIX) and present(v)})
        G.add_edge(rec["person_id"], jid, type="travelled", line=rec["_line"], **attrs)

    for rec in t["locations"].to_dict("records"):
        pid = _place_node(G, rec["place"])
        grading = rec.get("grading") or "F6"
        attrs = {k: rec.get(k) for k in ("start", "end", "provenance", "note")
                 if present(rec.get(k))}
        G.add_edge(rec["person_id"], pid, type="located_at", location_kind=rec.get("kind"),
                   grading=grading, confidence=grading_confidence(grading), line=rec["_line"],
                   **attrs)
    return G


def itinerary(case, person_id):
    """Return one person's travel legs in time order (a DataFrame of travel rows).

    Parameters
    ----------
    case : Case
    person_id : str

    Returns
    -------
    pandas.DataFrame
        Rows of ``travel.csv`` for `person_id`, by departure.

    See Also
    --------
    co_travellers : who shared those journeys.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana"}, {"id": "C1", "name": "Luis"}],
    ...     travel=[{"person_id": "F1", "depart": "2024-03-09", "origin": "PTY", "destination": "BOG",
    ...              "carrier": "CM", "flight": "CM101"},
    ...             {"person_id": "F1", "depart": "2024-03-01", "origin": "BOG", "destination": "PTY",
    ...              "carrier": "CM", "flight": "CM100"},
    ...             {"person_id": "C1", "depart": "2024-03-01T08:00", "origin": "BOG",
    ...              "destination": "PTY", "carrier": "CM", "flight": "CM100"}])
    >>> itinerary(case, "F1")[["origin", "destination"]].values.tolist()
    [['BOG', 'PTY'], ['PTY', 'BOG']]
    """
    tr = case.tables["travel"]
    legs = tr[tr["person_id"] == person_id].copy()
    return legs.sort_values(["depart", "_line"], kind="stable").reset_index(drop=True)


def co_travellers(case, person_id):
    """Return the people who shared a journey (same flight, same day) with `person_id`.

    Parameters
    ----------
    case : Case
    person_id : str

    Returns
    -------
    pandas.DataFrame
        ``person_id``, ``journey`` and ``depart``, one row per shared leg, by departure.

    See Also
    --------
    itinerary : the person's own legs.
    netanalysis.resolve.infer_links : co-travel ties judged against chance.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana"}, {"id": "C1", "name": "Luis"}],
    ...     travel=[{"person_id": "F1", "depart": "2024-03-01", "origin": "BOG", "destination": "PTY",
    ...              "carrier": "CM", "flight": "CM100"},
    ...             {"person_id": "C1", "depart": "2024-03-01T08:00", "origin": "BOG",
    ...              "destination": "PTY", "carrier": "CM", "flight": "CM100"}])
    >>> co_travellers(case, "F1")[["person_id", "journey"]].values.tolist()
    [['C1', 'journey:CM100|2024-03-01']]
    """
    tr = case.tables["travel"]
    if not len(tr):
        return pd.DataFrame(columns=["person_id", "journey", "depart"])
    own = tr[tr["person_id"] == person_id]
    mine = {k for k in (journey_key(r) for r in own.to_dict("records"))
            if not k.startswith("journey:row")}
    # a row can share a journey only if its key ends with "|day" of one of `mine`: the
    # journey key is computed for those rows alone, not for the whole table
    days = pd.Series([_key_day(d) for d in tr["depart"]], index=tr.index, dtype=object)
    ok = {d for d in days.unique() if any(k.endswith(f"|{d}") for k in mine)}
    cand = tr[days.isin(ok).to_numpy() & (tr["person_id"] != person_id).to_numpy()]
    keys = pd.Series([journey_key(r) for r in cand.to_dict("records")], index=cand.index,
                     dtype=object)
    sel = keys.isin(mine)
    out = pd.DataFrame({"person_id": cand.loc[sel, "person_id"], "journey": keys[sel],
                        "depart": cand.loc[sel, "depart"]})
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


def _country_node(G, cc):
    """Add the Place node of country `cc` (``place:CC``) once; return its id."""
    from netanalysis.model.places import country_place

    code = str(cc).strip().upper()
    pid = f"place:{code}"
    if pid not in G:
        info = country_place(code)
        extra = {} if info is None else {"lat": info.lat, "lon": info.lon,
                                         "country_name": info.name}
        G.add_node(pid, kind="Place", name=code, country=code, place_kind="country", **extra)
    return pid


def _key_day(depart):
    """The day part of :func:`journey_key` for `depart`, as the key writes it."""
    return f"{date_day(depart) or depart}"


def _clean(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    s = str(v).strip()
    return s or None
