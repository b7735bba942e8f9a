"""Push a case into Neo4j as the typed property graph of :func:`netanalysis.model.build_graph`.

Every node gets the label ``Node`` and the label of its kind (Person, Organization, Phone,
Document, Place, Journey) and keeps its graph id in the property ``id``; every relationship
gets the upper-cased type of the vocabulary (``CO_OFFENDER``, ``TRAVELLED``...) and its
attributes (provenance, grading, confidence, line; ``inferred: true`` on inferred ties).
Loads are batched ``UNWIND $rows ... MERGE`` blocks of ``cypher/load.cypher``: nodes merge on
``id`` and relationships on their ends plus a deterministic ``key`` (see :func:`edge_key`), so
pushing twice changes nothing and a push interrupted half-way completes, without duplicates,
when it is run again.
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter, defaultdict

import numpy as np

from netanalysis.backends.neo4j import queries
from netanalysis.backends.neo4j.connection import connect, connection_settings
from netanalysis.errors import BackendError
from netanalysis.model.graph import build_graph
from netanalysis.model.vocab import (
    INFERRED_LINK_TYPES,
    LINK_TYPES,
    NODE_KINDS,
    STRUCTURAL_TYPES,
)

__all__ = ["push_case", "push_graph", "graph_rows", "edge_key", "neo4j_value", "SCHEMA_BLOCKS",
           "clear_database"]

#: Schema blocks run before every push, in order.
SCHEMA_BLOCKS = (
    "constraint_node_id", "constraint_person_id", "constraint_organization_id",
    "constraint_phone_id", "constraint_document_id", "constraint_place_id",
    "constraint_journey_id", "index_person_name", "index_person_role",
    "index_organization_name", "index_phone_number", "index_document_number", "await_indexes",
)

# The file each family of relationships comes from: part of the relationship key.
_SOURCE_FILE = {**{t: "links.csv" for t in LINK_TYPES}, "holds": "documents.csv",
                "uses": "phones.csv", "travelled": "travel.csv", "located_at": "locations.csv"}
_REL_TYPES = tuple(LINK_TYPES) + tuple(INFERRED_LINK_TYPES) + tuple(STRUCTURAL_TYPES)
# A node attribute called "id" (a document's case id) cannot share the Neo4j key property.
CASE_ID = "case_id"


def push_case(case, uri=None, user=None, password=None, database=None, batch_size=None,
              progress=None, *, replace=False, include_inferred=True, settings=None):
    """Load `case` into Neo4j as a typed property graph; return what was written.

    Parameters
    ----------
    case : Case, str or Path
        A loaded case, or a case folder (read with :func:`netanalysis.ingest.load_case`).
    uri, user, password, database : str, optional
        Connection; default from the settings (``NEO4J_URI``... see
        :mod:`netanalysis.backends.neo4j.connection`).
    batch_size : int, optional
        Rows per transaction (default ``neo4j.batch_size`` of the settings, 5000).
    progress : Progress, optional
        Reports every batch.
    replace : bool
        First remove every node a previous push left (label ``Node``) with its relationships.
    include_inferred : bool
        Push the inferred ties of ``case.inferred``.
    settings : Settings, optional

    Returns
    -------
    dict
        ``nodes`` and ``relationships`` (counts by kind and by type), ``batches``, ``rows``,
        ``seconds``, ``rows_per_s`` and ``dangling`` (relationships not written because an
        end is not a node of the case).

    Raises
    ------
    BackendError
        The server cannot be reached or refuses the credentials, or a write fails.

    Examples
    --------
    With a server running (``tests/backends/test_neo4j_push.py`` runs the same)::

        push_case("examples/case", uri="bolt://127.0.0.1:7687")
        # {'nodes': {'Person': 391, ...}, 'relationships': {'family': ..., ...}, ...}
    """
    if not hasattr(case, "tables"):
        from netanalysis.ingest import load_case

        case = load_case(case, progress=progress)
    G = build_graph(case, include_inferred=include_inferred)
    return push_graph(G, uri=uri, user=user, password=password, database=database,
                      batch_size=batch_size, progress=progress, replace=replace,
                      settings=settings)


def push_graph(G, uri=None, user=None, password=None, database=None, batch_size=None,
               progress=None, *, replace=False, settings=None):
    """Load a property graph from :func:`netanalysis.model.build_graph` into Neo4j.

    See :func:`push_case` for the parameters and the result.
    """
    conf = connection_settings(uri, user, password, database, settings)
    batch_size = int(batch_size or conf["batch_size"])
    if batch_size < 1:
        raise BackendError(f"batch_size must be at least 1, not {batch_size}")
    nodes, rels, dangling = graph_rows(G)
    if dangling and progress is not None:
        progress.say(f"{dangling} relationship(s) not pushed: an end is not a node of the case")
    plan = [(f"load_{kind.lower()}", rows) for kind, rows in nodes.items()]
    plan += [(f"load_{t}", rows) for t, rows in rels.items()]
    total = sum(len(r) for _, r in plan)
    t0 = time.perf_counter()
    batches = done = 0
    with connect(conf.get("uri"), conf.get("user"), conf.get("password"),
                 conf.get("database"), settings=settings) as conn:
        with conn.session() as s:
            for name in SCHEMA_BLOCKS:
                _write(s, name, {})
            if replace:
                clear_database(conn, progress=progress)
            for name, rows in plan:
                for i in range(0, len(rows), batch_size):
                    chunk = rows[i:i + batch_size]
                    _write(s, name, {"rows": chunk})
                    batches += 1
                    done += len(chunk)
                    if progress is not None:
                        progress.count("pushed rows", done, total)
    secs = time.perf_counter() - t0
    return {
        "nodes": {k: len(v) for k, v in nodes.items()},
        "relationships": {k: len(v) for k, v in rels.items()},
        "batches": batches,
        "rows": total,
        "seconds": round(secs, 3),
        "rows_per_s": round(total / secs, 1) if secs > 0 else None,
        "dangling": dangling,
    }


def clear_database(conn, *, progress=None, batch=10000):
    """Remove every node pushed by netanalysis (label ``Node``) and its relationships."""
    removed = 0
    with conn.session() as s:
        while True:
            n = _write(s, "delete_batch", {"limit": batch}, single="deleted")
            removed += n
            if n < batch:
                break
    if progress is not None:
        progress.say(f"removed {removed:,} node(s) of a previous push")
    return removed


def graph_rows(G):
    """Return the rows :func:`push_graph` writes: ``(nodes, relationships, dangling)``.

    ``nodes`` maps a node kind to rows ``{"id", "props"}``; ``relationships`` maps a
    relationship type to rows ``{"source", "target", "key", "props"}``. Kinds and types
    appear in the order of the vocabulary; properties are Neo4j values (:func:`neo4j_value`),
    missing ones dropped. ``dangling`` counts relationships with an end that has no kind.
    """
    nodes = defaultdict(list)
    kinds = {}
    for nid, attrs in G.nodes(data=True):
        kind = attrs.get("kind")
        if kind not in NODE_KINDS:
            continue
        kinds[nid] = kind
        props = _props(attrs, skip=("kind",))
        if "id" in props:
            props[CASE_ID] = props.pop("id")
        props["id"] = str(nid)
        nodes[kind].append({"id": str(nid), "props": props})
    rels = defaultdict(list)
    seen = Counter()
    dangling = 0
    for u, v, attrs in G.edges(data=True):
        t = attrs.get("type")
        if t not in _REL_TYPES:
            raise BackendError(f"relationship {u} -> {v} has type {t!r}, which is not in the "
                               "vocabulary")
        if u not in kinds or v not in kinds:
            dangling += 1
            continue
        key = edge_key(u, v, attrs, seen)
        props = _props(attrs, skip=("type",))
        props["key"] = key
        rels[t].append({"source": str(u), "target": str(v), "key": key, "props": props})
    order_n = {k: i for i, k in enumerate(NODE_KINDS)}
    order_r = {k: i for i, k in enumerate(_REL_TYPES)}
    nodes = dict(sorted(nodes.items(), key=lambda kv: order_n[kv[0]]))
    rels = dict(sorted(rels.items(), key=lambda kv: order_r[kv[0]]))
    return nodes, rels, dangling


def edge_key(u, v, attrs, seen=None):
    """Return the deterministic key a relationship is merged on.

    A relationship read from a file row is keyed by that file and line
    (``links.csv:12``); aggregated calls by the pair of phones; journey legs by the pair;
    inferred ties (and anything else) by type, pair and occurrence number, counted in `seen`.

    Examples
    --------
    >>> edge_key("P1", "P2", {"type": "family", "line": 12})
    'links.csv:12'
    >>> edge_key("phone:+1", "phone:+2", {"type": "called"})
    'called:phone:+1|phone:+2'
    """
    t = attrs.get("type")
    line = attrs.get("line")
    if t in _SOURCE_FILE and line is not None and not attrs.get("inferred"):
        return f"{_SOURCE_FILE[t]}:{int(line)}"
    if t in ("called", "departs_from", "arrives_at"):
        return f"{t}:{u}|{v}"
    seen = Counter() if seen is None else seen
    k = (t, u, v)
    n = seen[k]
    seen[k] += 1
    return f"{t}:{u}|{v}#{n}"


def neo4j_value(v):
    """Return `v` as a value Neo4j can store, or None when it is missing.

    Numpy scalars become Python numbers, tuples and sets lists, lists of mixed kinds lists of
    strings, mappings JSON text, NaN and empty lists None.

    Examples
    --------
    >>> neo4j_value((1, 2)), neo4j_value(float("nan")), neo4j_value(["a", 1])
    ([1, 2], None, ['a', '1'])
    """
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, (bool, int, str)):
        return v if v != "" else None
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        items = [neo4j_value(x) for x in (sorted(v, key=str) if isinstance(v, (set, frozenset))
                                          else list(v))]
        items = [x for x in items if x is not None and not isinstance(x, list)]
        if not items:
            return None
        kinds = {type(x) for x in items}
        if kinds <= {int, float} and len(kinds) == 2:
            return [float(x) for x in items]
        if len(kinds) > 1:
            return [str(x) for x in items]
        return items
    if isinstance(v, dict):
        return json.dumps(v, sort_keys=True, default=str)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _props(attrs, skip=()):
    out = {}
    for k, v in attrs.items():
        if k in skip:
            continue
        val = neo4j_value(v)
        if val is not None:
            out[str(k)] = val
    return out


def _write(session, name, params, single=None):
    def work(tx):
        res = queries.run(tx, name, **params)
        if single is None:
            res.consume()
            return None
        return res.single()[single]

    from neo4j import exceptions as nx_exc

    try:
        return session.execute_write(work)
    except nx_exc.Neo4jError as exc:
        b = queries.block(name)
        raise BackendError(f"Neo4j refused block {name!r} ({b.where}): "
                           f"{exc.message or exc}") from None
    except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
        raise BackendError(f"lost the connection to Neo4j while running {name!r}: {exc}; "
                           "run the push again: it resumes without duplicates") from None
