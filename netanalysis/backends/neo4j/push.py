"""Push a case into Neo4j as the typed property graph of :func:`netanalysis.model.build_graph`.

Every node gets the label ``Node`` and the label of its kind (Person, Organization, Phone,
Document, Place, Journey) and keeps its graph id in the property ``id``; every relationship
gets the upper-cased type of the vocabulary (``CO_OFFENDER``, ``TRAVELLED``...) and its
attributes (provenance, grading, confidence, line; ``inferred: true`` on inferred ties).
Loads are batched ``UNWIND $rows ... MERGE`` blocks of ``cypher/load.cypher``: nodes merge on
``id`` and relationships on their ends plus a deterministic ``key`` (see :func:`edge_key`), so
pushing twice changes nothing and a push interrupted half-way completes, without duplicates,
when it is run again; a row found as it is in the database is not written again. Into a
database that holds no node of a previous push (a first push, or after ``replace``) the same
rows go through ``UNWIND $rows ... CREATE`` blocks, several times faster; every batch commits
whole, so a push killed half-way leaves nodes that make the next push MERGE. Constraints and
indexes are created before a MERGE load; the CREATE path builds them after its load (see
:func:`push_graph`, Notes). On the CREATE path node batches go to whichever session is free and
return the element ids of the nodes they created; relationships are then written by type, each
end found by its element id (a direct lookup of the node record instead of an index seek), cell
by cell of node partitions in the levels of a bisection schedule (:func:`bisection_levels`), so
parallel sessions never wait on each other's locks (see :func:`push_graph`, Notes).
"""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import queue
import threading
import time
import zlib
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

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
           "clear_database", "bisection_levels", "create_schema"]

#: Schema blocks run before every push, in order.
SCHEMA_BLOCKS = (
    "constraint_node_id", "constraint_person_id", "constraint_organization_id",
    "constraint_phone_id", "constraint_document_id", "constraint_place_id",
    "constraint_journey_id", "index_person_name", "index_person_role",
    "index_organization_name", "index_phone_number", "index_document_number", "await_indexes",
)
# What the CREATE path drops before it writes into an empty database (built again after).
_DROP_BLOCKS = tuple(f"drop_{b}" for b in SCHEMA_BLOCKS if b != "await_indexes")

# The file each family of relationships comes from: part of the relationship key.
_SOURCE_FILE = {**{t: "links.csv" for t in LINK_TYPES}, "holds": "documents.csv",
                "uses": "phones.csv", "travelled": "travel.csv", "located_at": "locations.csv"}
_REL_TYPES = tuple(LINK_TYPES) + tuple(INFERRED_LINK_TYPES) + tuple(STRUCTURAL_TYPES)
# A node attribute called "id" (a document's case id) cannot share the Neo4j key property.
CASE_ID = "case_id"
# Sessions writing at once (push_graph's default `workers`): half the cores, 1 to 4. On 2
# cores (client and server on one machine) 1 session beat 4 by 1.12x in wall and CPU time at
# 100k persons (benchmarks/neo4j_push.py --workers 1 4).
_WORKERS = max(1, min(4, (os.cpu_count() or 1) // 2))


def push_case(case, uri=None, user=None, password=None, database=None, batch_size=None,
              progress=None, *, replace=False, include_inferred=True, settings=None,
              strategy="auto", workers=None):
    """Load `case` into Neo4j as a typed property graph; return what was written.

    Parameters
    ----------
    case : Case, str or Path
        A loaded case, or a case folder (read with :func:`netanalysis.ingest.load_case`).
    uri, user, password, database : str, optional
        Connection; default from the settings (``NEO4J_URI``... see
        :mod:`netanalysis.backends.neo4j.connection`).
    batch_size : int, optional
        Rows per transaction (default ``neo4j.batch_size`` of the settings, 20000).
    progress : Progress, optional
        Reports every batch.
    replace : bool
        First remove every node a previous push left (label ``Node``) with its relationships.
    include_inferred : bool
        Push the inferred ties of ``case.inferred``.
    settings : Settings, optional
    strategy : {"auto", "merge"}
        ``"auto"`` CREATEs into a database holding no node of a previous push and MERGEs
        otherwise; ``"merge"`` always MERGEs (see :func:`push_graph`).
    workers : int, optional
        Sessions writing at the same time (default half this machine's cores, 1 to 4; see
        :func:`push_graph`).

    Returns
    -------
    dict
        ``nodes`` and ``relationships`` (counts by kind and by type), ``batches``, ``rows``,
        ``seconds`` (from the first row built to the last commit), ``rows_per_s``,
        ``dangling`` (relationships not written because an end is not a node of the case),
        ``strategy`` (``"create"`` or ``"merge"``), ``retries`` (transactions run again after
        a transient error such as a deadlock), ``unchanged`` (rows the MERGE path found in
        the database exactly as it would write them, so it did not write them; all of them
        on a re-push of the same case, 0 on the CREATE path) and ``phases``: wall seconds of ``node_rows``
        (client), ``schema_nodes`` (schema and node writes; the server) and, at the same time
        in a thread, ``rel_rows`` (client), ``wait_rel_rows`` (the rows not ready when the
        nodes were written), ``relationships`` (their writes) and, on the CREATE path,
        ``schema_after`` (the constraints and indexes built over the loaded graph).

    Raises
    ------
    BackendError
        The server cannot be reached or refuses the credentials, or a write fails.

    See Also
    --------
    push_graph : writes a graph already built.
    clear_database : what `replace` runs first.

    Examples
    --------
    With a server running (``tests/backends/neo4j/test_neo4j_push.py`` runs the same)::

        push_case("examples/case", uri="bolt://127.0.0.1:7687")
        # {'nodes': {'Person': 391, ...}, 'relationships': {'family': ..., ...}, ...}
    """
    if not hasattr(case, "tables"):
        from netanalysis.ingest import load_case

        case = load_case(case, progress=progress)
    G = build_graph(case, include_inferred=include_inferred)
    return push_graph(G, uri=uri, user=user, password=password, database=database,
                      batch_size=batch_size, progress=progress, replace=replace,
                      settings=settings, strategy=strategy, workers=workers)


def push_graph(G, uri=None, user=None, password=None, database=None, batch_size=None,
               progress=None, *, replace=False, settings=None, strategy="auto", workers=None):
    """Load a property graph from :func:`netanalysis.model.build_graph` into Neo4j.

    See :func:`push_case` for the common parameters and the result.

    Parameters
    ----------
    strategy : {"auto", "merge"}
        ``"auto"``: when the database holds no node of a previous push (label ``Node``, after
        the clearing of `replace`), write with plain ``CREATE``, else ``MERGE``. A push killed
        half-way leaves whole batches behind, so the next push finds them and MERGEs: the
        result is that of one clean push either way. ``"merge"``: always MERGE. The CREATE
        path drops netanalysis' constraints and indexes before it writes and builds them again
        after the last relationship, so two pushes must not write into one empty database at
        the same time (nothing would refuse the second one's duplicates).
    workers : int, optional
        Sessions writing at the same time (default half this machine's cores, 1 to 4: on 2
        cores, with the server on the same machine, 1 session was the fastest). 1 writes
        everything in one session, in order.

    Returns
    -------
    dict
        As :func:`push_case`, plus ``strategy``: ``"create"`` or ``"merge"``, the one used.

    See Also
    --------
    push_case, clear_database

    Notes
    -----
    The CREATE path shares the work between sessions so that they never wait on each
    other's locks: node batches go to whichever session is free (their ids never conflict)
    and each returns ``[id, elementId]`` of its nodes. Relationships lock more than their two
    ends: adding one to a node links it into the node's relationship chain (or the chain of a
    relationship group, on a dense node), which locks the relationship it is linked beside
    (seen as ``DeadlockDetected`` on ``RELATIONSHIP`` locks); that relationship's record is
    also in the chain of its other end. So two sessions writing node-disjoint sets of
    relationships still collide when a relationship written before ties a node of one set to
    a node of the other. The push therefore puts every node in one of ``p`` partitions
    (``p`` = ``2 x workers`` rounded up to a power of two; a person by a hash of its id, any
    other node with a person for a neighbour, such as a document, phone or journey, with its
    first person), each relationship in the cell of its
    two ends' partitions, and writes the cells by the levels of :func:`bisection_levels`:
    after level ``L`` every relationship written lies inside one block of ``2**L``
    consecutive partitions, and the streams of level ``L + 1`` write inside disjoint blocks
    of ``2**(L + 1)``, one session each, so no lock a stream takes (a node, a relationship of
    its nodes' chains, a group) is ever one another stream takes. The price is parallelism:
    the last level is one stream. A cell's relationships go type by type (``link_<type>`` of
    ``cypher/load.cypher``), their ends found by element id. The MERGE path goes by node
    kind, then relationship type. ``retries`` in the result counts the transactions the
    driver had to run again (0 on the CREATE path).

    The MERGE path writes a node or relationship only where the database differs from the row:
    the ``load_*`` blocks compare the stored properties (and the kind's label) with the row's
    and ``SET`` the rest, so a re-push of the same case, or a push of the case and a new file,
    reads what is there and writes only what changed (``unchanged`` in the result counts the
    rows not written; a relationship whose only property is its key is complete once ``MERGE``
    creates it, so it counts as unchanged even where it is new). The comparison is Cypher's
    ``=``: a stored value equal to the new one in Cypher's terms (``1`` and ``1.0``) is left as
    it is; the case format gives each property one type, so a case pushed again never has that
    difference.

    The CREATE path writes into a database without netanalysis' constraints and indexes
    (:data:`SCHEMA_BLOCKS`, dropped when it finds no node of a previous push) and builds them
    after the load with :func:`create_schema`, waiting until they are online: one index
    population over the loaded nodes instead of up to four index updates (two uniqueness
    checks) per node written. At 100k persons, with the schema in place, the index updates
    were a quarter of the server's samples during a push (Java Flight Recorder) and the
    nodes, 30% of the rows, half of its wall time; built after, the nodes took 8.7 s of a
    44 s push and the schema 1.7 s (``benchmarks/neo4j_push.py``). A push killed half-way leaves the
    database without them; the next push builds them first, then MERGEs.

    Client and server work at the same time: the node rows are built first (a small part of
    the client's work), then a thread builds the relationship rows while the sessions write
    the nodes; on the CREATE path each relationship batch's rows (its ends' element ids) are
    built while the batch before it is written. The driver waits on the socket without the
    GIL, so this needs a free core for the client, as the server works. The order of the
    batches, and so what a killed push leaves, is that of a push without the overlap. A
    relationship type outside the vocabulary is refused before anything is written.

    Examples
    --------
    With a server running::

        push_graph(build_graph(case), uri="bolt://127.0.0.1:7687", workers=1)
    """
    conf = connection_settings(uri, user, password, database, settings)
    batch_size = int(batch_size or conf["batch_size"])
    if batch_size < 1:
        raise BackendError(f"batch_size must be at least 1, not {batch_size}")
    if strategy not in ("auto", "merge"):
        raise BackendError(f"strategy must be 'auto' or 'merge', not {strategy!r}")
    workers = int(workers or _WORKERS)
    if workers < 1:
        raise BackendError(f"workers must be at least 1, not {workers}")
    with _no_gc():
        return _push_graph(G, conf, batch_size, progress, replace, settings, strategy, workers)


def _push_graph(G, conf, batch_size, progress, replace, settings, strategy, workers):
    """The body of :func:`push_graph`, its arguments checked (run with the GC paused)."""
    _check_types(G)
    # Client and server overlap: the relationship rows (most of the client's work) are built
    # in a thread while the session writes the nodes, and the rows of each relationship batch
    # of the CREATE path while the one before it is written (the driver waits on the socket
    # without holding the GIL).
    t0 = time.perf_counter()
    nodes, kinds = _node_rows(G)
    n_nodes = sum(map(len, nodes.values()))
    phases = {"node_rows": time.perf_counter() - t0}
    state = {"batches": 0, "done": 0, "retried": [], "total": n_nodes + G.number_of_edges()}
    builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-rows")
    try:
        building = builder.submit(_timed, phases, "rel_rows", _rel_rows, G, kinds)
        t1 = time.perf_counter()
        with connect(conf.get("uri"), conf.get("user"), conf.get("password"),
                     conf.get("database"), settings=settings) as conn:
            create_schema(conn)
            if replace:
                clear_database(conn, progress=progress)
            used = "merge"
            if strategy == "auto":
                with conn.session() as s:
                    if not _write(s, "pushed_any", {}, single="found"):
                        used = "create"
            if used == "create":
                # no index update per node: the schema is built over the loaded graph below
                with conn.session() as s:
                    for name in _DROP_BLOCKS:
                        _write(s, name, {})
                eids = _create_nodes(conn, nodes, batch_size, workers, progress, state)
            else:
                # Every node before any relationship: a relationship's ends must exist.
                node_plan = [(f"load_{kind.lower()}", rows) for kind, rows in nodes.items()]
                _run_plan(conn, node_plan, batch_size, workers, progress, state)
            phases["schema_nodes"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            rels, dangling = building.result()
            phases["wait_rel_rows"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            state["total"] = n_nodes + sum(map(len, rels.values()))
            if dangling and progress is not None:
                progress.say(f"{dangling} relationship(s) not pushed: an end is not a node of "
                             "the case")
            if used == "create":
                _create_links(conn, nodes, rels, eids, batch_size, workers, progress, state)
            else:
                rel_plan = [(f"load_{t}", rows) for t, rows in rels.items()]
                _run_plan(conn, rel_plan, batch_size, workers, progress, state)
            phases["relationships"] = time.perf_counter() - t1
            if used == "create":
                t1 = time.perf_counter()
                create_schema(conn)
                phases["schema_after"] = time.perf_counter() - t1
    finally:
        builder.shutdown(wait=True, cancel_futures=True)
    total = state["total"]
    secs = time.perf_counter() - t0
    return {
        "nodes": {k: len(v) for k, v in nodes.items()},
        "relationships": {k: len(v) for k, v in rels.items()},
        "batches": state["batches"],
        "rows": total,
        "seconds": round(secs, 3),
        "rows_per_s": round(total / secs, 1) if secs > 0 else None,
        "dangling": dangling,
        "strategy": used,
        "retries": sum(state["retried"]),
        "unchanged": total - state.get("written", total),
        "phases": {k: round(v, 3) for k, v in phases.items()},
    }


_GC_LOCK = threading.Lock()
_GC_PAUSED = [0, False]  # pushes running with the GC paused; whether it was enabled before


@contextlib.contextmanager
def _no_gc():
    """Pause Python's cyclic garbage collector while the rows are built and written.

    The rows are millions of small dicts and lists that hold no reference cycle; every full
    collection the allocations trigger walks them and the whole networkx graph again
    (:func:`graph_rows` took 0.40-0.44 CPU s instead of 0.56-0.70 at 10k persons without it).
    Nested and concurrent uses are counted: the collector is enabled again, if it was, when
    the last one ends.
    """
    with _GC_LOCK:
        if _GC_PAUSED[0] == 0:
            _GC_PAUSED[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSED[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSED[0] -= 1
            if _GC_PAUSED[0] == 0 and _GC_PAUSED[1]:
                gc.enable()


def _timed(phases, name, fn, *args):
    """``fn(*args)``, its wall time put in ``phases[name]``."""
    t0 = time.perf_counter()
    try:
        return fn(*args)
    finally:
        phases[name] = time.perf_counter() - t0


def create_schema(conn):
    """Create the constraints and indexes of :data:`SCHEMA_BLOCKS` and wait until they are online.

    Every block is ``IF NOT EXISTS``: running it on a database that has them changes nothing.
    On a database loaded by the bulk importer (:func:`netanalysis.backends.neo4j.bulk.import_graph`)
    this builds the indexes over the loaded nodes, and the uniqueness constraints check them.

    Parameters
    ----------
    conn : Connection
        An open connection (:func:`netanalysis.backends.neo4j.connect`).

    Returns
    -------
    int
        The number of blocks run.

    Raises
    ------
    BackendError
        The server refused a block (a uniqueness constraint that the data breaks, say).

    See Also
    --------
    push_graph : runs this before every push.

    Examples
    --------
    With a server running::

        with connect("bolt://127.0.0.1:7687") as conn:
            create_schema(conn)
    """
    with conn.session() as s:
        for name in SCHEMA_BLOCKS:
            _write(s, name, {})
    return len(SCHEMA_BLOCKS)


def bisection_levels(partitions):
    """Return the levels of the lock-free relationship schedule of `partitions` node partitions.

    `partitions` is rounded up to a power of two ``p = 2**k``. Level 0 has the ``p`` diagonal
    cells ``(i, i)``, one per stream; level ``L`` (1 to ``k``) joins the blocks of ``2**L``
    consecutive partitions: each block is one stream, holding the cells ``(i, j)`` with ``i``
    in its lower half and ``j`` in its upper half. Every cell ``(i, j)``, ``i <= j``, appears
    exactly once; the streams of one level are written in parallel, the cells of one stream
    one after the other.

    Parameters
    ----------
    partitions : int
        The number of node partitions (at least 1).

    Returns
    -------
    list of list of list of tuple of int
        ``levels[L][s]`` is the list of cells of stream ``s`` of level ``L``.

    See Also
    --------
    push_graph : why no two streams of a level ever wait on each other's locks (Notes).

    Examples
    --------
    >>> bisection_levels(4)
    [[[(0, 0)], [(1, 1)], [(2, 2)], [(3, 3)]], [[(0, 1)], [(2, 3)]], [[(0, 2), (0, 3), (1, 2), (1, 3)]]]
    """
    p = 1
    while p < int(partitions):
        p *= 2
    levels = [[[(i, i)] for i in range(p)]]
    size = 2
    while size <= p:
        half = size // 2
        levels.append([[(i, j) for i in range(b, b + half) for j in range(b + half, b + size)]
                       for b in range(0, p, size)])
        size *= 2
    return levels


def _create_nodes(conn, nodes, batch_size, workers, progress, state):
    """The CREATE path's nodes: batches to any free session, each returning its nodes'
    element ids; return ``{id: elementId}``."""
    eids = {}
    node_jobs = []
    for kind, rows in nodes.items():
        props = [r["props"] for r in rows]
        for i in range(0, len(props), batch_size):
            node_jobs.append((f"create_{kind.lower()}", props[i:i + batch_size]))
    _run_jobs(conn, node_jobs, workers, progress, state, ids=eids)
    return eids


def _create_links(conn, nodes, rels, eids, batch_size, workers, progress, state):
    """The CREATE path's relationships: by type, their ends found by element id, level by
    level of the bisection schedule (see :func:`push_graph`). Each batch's rows are built
    when it is about to be written (see :func:`_run_jobs`)."""
    levels = bisection_levels(2 * workers if workers > 1 else 1)
    part = _partition(nodes, rels, len(levels[0]))
    cells = defaultdict(lambda: defaultdict(list))
    for t, rows in rels.items():
        for r in rows:
            a, b = part[r["source"]], part[r["target"]]
            cells[(a, b) if a <= b else (b, a)][t].append(r)

    def linked(rows):
        return lambda: [{"a": eids[r["source"]], "b": eids[r["target"]], "p": r["props"]}
                        for r in rows]

    for level in levels:
        # one job per stream: its cells' batches in order, in one session
        jobs = [[(f"link_{t}", linked(rows[i:i + batch_size]))
                 for cell in stream for t, rows in cells.get(cell, {}).items()
                 for i in range(0, len(rows), batch_size)] for stream in level]
        _run_jobs(conn, [j for j in jobs if j], workers, progress, state, grouped=True)


def _run_jobs(conn, jobs, workers, progress, state, grouped=False, ids=None):
    """Run `jobs` (``(block, rows)``, or lists of them when `grouped`) on `workers` sessions.

    `rows` is a list, or a function that returns it: one session builds the rows of its next
    batches in a thread (:func:`_prefetched`) while it writes the current one; several sessions
    build each batch in their own thread, as the others write. With `ids` (a dict), each block
    returns ``ids``, pairs ``[id, elementId]`` added to it.
    """
    key = None if ids is None else "ids"
    if not jobs:
        return

    def report(n, got=None):
        state["batches"] += 1
        state["done"] += n
        if got:
            ids.update(got)
        if progress is not None:
            progress.count("pushed rows", state["done"], state["total"])

    if not grouped:
        jobs = [[j] for j in jobs]
    if workers == 1 or len(jobs) == 1:
        with conn.session() as s:
            for name, rows in _prefetched(item for job in jobs for item in job):
                report(len(rows), _write(s, name, {"rows": rows}, single=key,
                                         retried=state["retried"]))
        return
    stop = threading.Event()
    done = queue.Queue()
    todo = queue.Queue()
    for job in jobs:
        todo.put(job)

    def worker():
        with conn.session() as s:
            while not stop.is_set():
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return
                for name, rows in job:
                    if stop.is_set():
                        return
                    rows = rows() if callable(rows) else rows
                    done.put((len(rows), _write(s, name, {"rows": rows}, single=key,
                                                retried=state["retried"])))

    pool = ThreadPoolExecutor(max_workers=min(workers, len(jobs)),
                              thread_name_prefix="neo4j-push")
    try:
        futures = [pool.submit(worker) for _ in range(min(workers, len(jobs)))]
        pending = set(futures)
        while pending:
            try:
                report(*done.get(timeout=0.05))
                continue
            except queue.Empty:
                pass
            for f in [f for f in pending if f.done()]:
                pending.discard(f)
                f.result()  # re-raises a worker's BackendError
        while not done.empty():
            report(*done.get())
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_END = object()


def _prefetched(items, depth=2):
    """Yield the ``(block, rows)`` of `items`, a function for rows called in a thread up to
    `depth` batches ahead of the consumer (the rows of the next batch are built while the
    current one is written). An exception of the thread is raised here; closing the generator
    (an exception of the consumer) stops the thread."""
    out = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                out.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for name, rows in items:
                if not put((name, rows() if callable(rows) else rows)):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)
            return
        put(_END)

    thread = threading.Thread(target=produce, name="neo4j-batches", daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _run_plan(conn, plan, batch_size, workers, progress, state):
    """Write each ``(block, rows)`` of `plan` in batches; `workers` blocks at a time.

    A block's batches go in order through one session; progress is reported from the calling
    thread, and an exception there (an interrupt) stops the batches not yet started. The rows
    each batch wrote (its ``written``; the others were found as they are) are added up in
    ``state["written"]``.
    """
    plan = [(name, rows) for name, rows in plan if rows]
    if not plan:
        return

    def batches(name, rows):
        for i in range(0, len(rows), batch_size):
            yield name, rows[i:i + batch_size]

    def report(n, written):
        state["batches"] += 1
        state["done"] += n
        state["written"] = state.get("written", 0) + written
        if progress is not None:
            progress.count("pushed rows", state["done"], state["total"])

    if workers == 1 or len(plan) == 1 and len(plan[0][1]) <= batch_size:
        with conn.session() as s:
            for name, rows in plan:
                for name_, chunk in batches(name, rows):
                    report(len(chunk), _write(s, name_, {"rows": chunk}, single="written",
                                              retried=state["retried"]))
        return
    stop = threading.Event()
    done = queue.Queue()

    def worker(name, rows):
        with conn.session() as s:
            for name_, chunk in batches(name, rows):
                if stop.is_set():
                    return
                done.put((len(chunk), _write(s, name_, {"rows": chunk}, single="written",
                                             retried=state["retried"])))

    pool = ThreadPoolExecutor(max_workers=min(workers, len(plan)),
                              thread_name_prefix="neo4j-push")
    try:
        futures = [pool.submit(worker, name, rows) for name, rows in plan]
        pending = set(futures)
        while pending:
            try:
                report(*done.get(timeout=0.05))
                continue
            except queue.Empty:
                pass
            for f in [f for f in pending if f.done()]:
                pending.discard(f)
                f.result()  # re-raises a worker's BackendError
        while not done.empty():
            report(*done.get())
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def clear_database(conn, *, progress=None, batch=10000):
    """Remove every node pushed by netanalysis (label ``Node``) and its relationships.

    The nodes go in transactions of `batch` (``CALL ... IN TRANSACTIONS``), so a large graph
    never needs one transaction holding all of it.

    Parameters
    ----------
    conn : Connection
    progress : Progress, optional
        Told how many nodes were removed.
    batch : int
        Nodes per transaction.

    Returns
    -------
    int
        The number of nodes removed.

    See Also
    --------
    push_case : clears first with ``replace=True``.

    Examples
    --------
    With a server running::

        with connect("bolt://127.0.0.1:7687") as conn:
            clear_database(conn)   # the number of nodes removed
    """
    from neo4j import exceptions as nx_exc

    try:
        with conn.session() as s:
            removed = queries.run(s, "clear_all", batch=int(batch)).single()["deleted"]
    except nx_exc.Neo4jError as exc:
        raise BackendError(f"Neo4j refused block 'clear_all' ({queries.block('clear_all').where})"
                           f": {exc.message or exc}") from None
    except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
        raise BackendError(f"lost the connection to Neo4j while clearing it: {exc}") from None
    if progress is not None:
        progress.say(f"removed {removed:,} node(s) of a previous push")
    return removed


def graph_rows(G):
    """Return the rows :func:`push_graph` writes: ``(nodes, relationships, dangling)``.

    ``nodes`` maps a node kind to rows ``{"id", "props"}``; ``relationships`` maps a
    relationship type to rows ``{"source", "target", "key", "props"}``. Kinds and types
    appear in the order of the vocabulary; properties are Neo4j values (:func:`neo4j_value`),
    missing ones dropped. ``dangling`` counts relationships with an end that has no kind.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A property graph from :func:`netanalysis.model.build_graph`.

    Returns
    -------
    nodes : dict of str to list of dict
    relationships : dict of str to list of dict
    dangling : int

    Raises
    ------
    BackendError
        A relationship has a type outside the vocabulary.

    See Also
    --------
    push_graph : writes these rows.
    edge_key : the ``key`` of each relationship row.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> nodes, rels, dangling = graph_rows(build_graph(case))
    >>> {k: len(v) for k, v in nodes.items()}, [r["key"] for r in rels["lodging"]], dangling
    ({'Person': 2}, ['links.csv:2'], 0)
    """
    with _no_gc():
        nodes, kinds = _node_rows(G)
        rels, dangling = _rel_rows(G, kinds)
    return nodes, rels, dangling


def _node_rows(G):
    """The node rows of :func:`graph_rows`, and ``{node: kind}`` of the nodes with a kind."""
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
    order_n = {k: i for i, k in enumerate(NODE_KINDS)}
    return dict(sorted(nodes.items(), key=lambda kv: order_n[kv[0]])), kinds


def _check_types(G):
    """Raise BackendError for the first relationship of `G` whose type is outside the
    vocabulary (checked before a push writes anything)."""
    for u, v, t in G.edges(data="type"):
        if t not in _REL_TYPES:
            raise BackendError(f"relationship {u} -> {v} has type {t!r}, which is not in the "
                               "vocabulary")


def _rel_rows(G, kinds):
    """The relationship rows of :func:`graph_rows` and the dangling count; `kinds` from
    :func:`_node_rows`."""
    rels = defaultdict(dict)
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
        # Keyed by ends and key, as MERGE matches: a repeated relationship is written once,
        # with its last properties, whether the push CREATEs or MERGEs.
        rels[t][(str(u), str(v), key)] = {"source": str(u), "target": str(v), "key": key,
                                          "props": props}
    order_r = {k: i for i, k in enumerate(_REL_TYPES)}
    rels = {t: list(rows.values()) for t, rows in sorted(rels.items(), key=lambda kv: order_r[kv[0]])}
    return rels, dangling


def edge_key(u, v, attrs, seen=None):
    """Return the deterministic key a relationship is merged on.

    A relationship read from a file row is keyed by that file and line
    (``links.csv:12``); aggregated calls by the pair of phones; journey legs by the pair;
    inferred ties (and anything else) by type, pair and occurrence number, counted in `seen`.

    Parameters
    ----------
    u, v : str
        The ends of the relationship.
    attrs : dict
        Its attributes (``type``, ``file``, ``line``...).
    seen : collections.Counter, optional
        Occurrences of each unkeyed ``(type, u, v)`` so far; updated.

    Returns
    -------
    str

    See Also
    --------
    graph_rows : keys every relationship with this.

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

    Parameters
    ----------
    v : object
        A node or relationship attribute.

    Returns
    -------
    object
        A bool, int, float, str or list of one of them, or None.

    See Also
    --------
    graph_rows : converts every property with this.

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


def _partition(nodes, rels, p):
    """Node id -> partition in ``range(p)``: a person by a hash of its id; any other node
    with a person for a neighbour (a document, a phone, a journey) goes with the first such
    person, so that its relationships to that person stay inside one partition (fewer cells
    off the diagonal, which the bisection schedule writes with less parallelism)."""
    part = {}
    for rows in nodes.values():
        for r in rows:
            part[r["id"]] = zlib.crc32(r["id"].encode()) % p
    if p == 1:
        return part
    persons = {r["id"] for r in nodes.get("Person", ())}
    anchored = set()
    for rows in rels.values():
        for r in rows:
            u, v = r["source"], r["target"]
            if u in persons and v not in persons and v not in anchored:
                part[v] = part[u]
                anchored.add(v)
            elif v in persons and u not in persons and u not in anchored:
                part[u] = part[v]
                anchored.add(u)
    return part


def _props(attrs, skip=()):
    """``{name: neo4j_value(v)}`` of `attrs` without `skip` and missing values.

    Plain str, int, bool and float values (nearly all of them) are checked inline: a call of
    :func:`neo4j_value` per value was a third of :func:`graph_rows`'s time.
    """
    out = {}
    for k, v in attrs.items():
        if k in skip:
            continue
        t = type(v)
        if t is str:
            if v:
                out[k if type(k) is str else str(k)] = v
            continue
        if t is int or t is bool:
            out[k if type(k) is str else str(k)] = v
            continue
        if t is float:
            if v == v:  # not NaN
                out[k if type(k) is str else str(k)] = v
            continue
        val = neo4j_value(v)
        if val is not None:
            out[str(k)] = val
    return out


def _write(session, name, params, single=None, retried=None):
    """Run block `name` in a write transaction of `session`; with `retried` (a list), append
    the number of times the driver had to run it again (a transient error: a deadlock, a
    leader switch) when it is not 0."""
    attempts = []

    def work(tx):
        attempts.append(1)
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
    finally:
        if retried is not None and len(attempts) > 1:
            retried.append(len(attempts) - 1)
