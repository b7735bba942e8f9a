"""Throughput of ``push_graph`` into a real Neo4j, against a plain CREATE baseline in the same run.

For each size, a synthetic case (``netanalysis.synth.synth_case``) is ingested and its
property graph pushed into an empty database, in the same run and on the same server:

- ``baseline``: the same rows with plain ``UNWIND $rows ... CREATE`` in one session, under a
  separate label (no constraint, relationships found through an index on ``id``), batches of
  the last ``--batch-sizes``; the reference of every ratio;
- ``merge``: MERGE on ids and keys, one session (``push_graph(strategy="merge", workers=1)``;
  skipped with ``--quick``);
- ``push``: the CREATE push of an empty database (``push_graph``: node batches to any free
  session, each returning its nodes' element ids; relationships by type, ends found by
  element id, cell by cell in the levels of the bisection schedule) at each ``--workers`` and
  ``--batch-sizes``;
- ``re-push``: the push again over the loaded graph, at each ``--workers`` (MERGE: what a
  resumed push costs; skipped with ``--quick``);
- ``--again``: after the CREATE push, the same graph pushed again (``re-push``: the analyst's
  idempotent reload; the nodes and relationships counted before and after, and the run stopped
  when they differ), then the incremental push (``incremental``): the graph less about a
  tenth (:func:`_less_a_tenth`: every 13th person by a hash of its id, with the documents,
  phones and journeys only removed persons are tied to, and all their relationships) pushed
  into an empty database (CREATE, not timed), then the whole graph pushed over it (timed;
  counts checked against the whole graph's rows); the line says how many rows were new;
  ``--before CHECKOUT`` times the re-push once more, first, with the ``load_*`` blocks of
  another checkout (``/work/main``: the blocks before a change), over the same database;
- ``import`` (``--import``, local server only): the first load of a new database by Neo4j's
  bulk importer (:func:`netanalysis.backends.neo4j.bulk.import_graph`: the push's rows written
  as the importer's CSV, then ``neo4j-admin database import full``), timed as CSV + import
  (rows/s on that wall time; CPU of this process and of the importer), then a server started
  on the imported folder, the constraints and indexes of a push built, and the nodes and
  relationships counted against the rows (``import+start+schema``: the wall time until the
  database answers, for comparison with a push into a running server). It runs after the
  transactional server of that size has stopped, so the two JVMs never hold memory together.

With ``--brokerage`` it times instead the Gould-Fernandez roles of the ranking on a prepared
synthetic case (resolved, ties inferred) pushed by ``push_case``: in process (``run.py``'s step:
the networkx graph of the support ties and their communication ties, ``brokerage_roles``)
against the two Cypher blocks in the server (``gf_two_path_cost``, ``gf_roles``), for the
same partition (igraph's Leiden on the party graph, seeded), checking that the counts are equal.

Pushes of a smaller case (3,000 persons, CREATE then MERGE, twice) first warm the server up:
Java compiles the write paths during the first pushes (at 10k persons, the server's CPU per
push fell from 16 s to 5 s over the first four pushes of the same rows, so a cold measurement
says more about the JIT than the push). Each line prints rows per second of wall time, the
CPU seconds of the client (this process) and of the server (when it is the local test server,
a child of this process), rows per CPU second (client + server: what the machine's load does
not change), and the ratio to the baseline. The server is the local test server (``tools/neo4j``) unless
NETANALYSIS_NEO4J_URI names one.

    python benchmarks/neo4j_push.py                      # 10k and 100k persons
    python benchmarks/neo4j_push.py --persons 10000 --workers 1 2 4   # one push per value
    python benchmarks/neo4j_push.py --persons 100000 --quick --batch-sizes 20000
    python benchmarks/neo4j_push.py --persons 100000 --quick --again --workers 1  # + re-push
    python benchmarks/neo4j_push.py --persons 100000 --quick --again --before ../main
    python benchmarks/neo4j_push.py --persons 30000 100000 --quick --import   # + the importer
    python benchmarks/neo4j_push.py --persons 30000 --brokerage     # GF roles: server vs process
    python benchmarks/neo4j_push.py --persons 30000 --quick \
        --server-config server.memory.pagecache.size=256m   # a server setting (local server
                                                            # only; the page cache is 1g)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import time
import zlib
from pathlib import Path

from netanalysis.backends.neo4j import connect, push_graph, queries
from netanalysis.backends.neo4j.push import clear_database, graph_rows
from netanalysis.backends.neo4j.server import PAGECACHE, local_server
from netanalysis.ingest import load_case
from netanalysis.model.graph import build_graph
from netanalysis.synth import synth_case


def _server_cpu():
    """CPU seconds of the local test server (a java child of this process), or None."""
    try:
        import psutil
    except ImportError:
        return None
    total = None
    for p in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "java" in p.name():
                t = p.cpu_times()
                total = (total or 0.0) + t.user + t.system
    return total


class _Clock:
    """Wall time, client CPU and server CPU of one step."""

    def __enter__(self):
        self.t, self.c, self.s = time.perf_counter(), time.process_time(), _server_cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t
        self.client = time.process_time() - self.c
        s = _server_cpu()
        self.server = None if s is None or self.s is None else s - self.s


def _baseline(conn, nodes, rels, batch):
    def write(s, name, rows):
        for i in range(0, len(rows), batch):
            s.execute_write(lambda tx, r=rows[i:i + batch]: queries.run(tx, name, rows=r).consume())

    with conn.session() as s:
        s.execute_write(lambda tx: queries.run(tx, "baseline_index").consume())
        s.execute_write(lambda tx: queries.run(tx, "await_indexes").consume())
        with _Clock() as clock:
            write(s, "baseline_create_nodes", [r for rows in nodes.values() for r in rows])
            write(s, "baseline_create_rels", [r for rows in rels.values() for r in rows])
        while True:
            n = s.execute_write(lambda tx: queries.run(tx, "baseline_delete_batch",
                                                       limit=20000).single()["deleted"])
            if n < 20000:
                break
    return clock


def _case(persons, seed):
    with tempfile.TemporaryDirectory() as tmp:
        synth_case(tmp, persons=persons, seed=seed)
        return build_graph(load_case(tmp))


def _counts(conn):
    """``(nodes, relationships)`` of netanalysis' graph in the database."""
    with conn.session() as s:
        return (queries.run(s, "count_nodes").single()["n"],
                queries.run(s, "count_relationships").single()["n"])


@contextlib.contextmanager
def _blocks_of(checkout):
    """Run the ``load_*`` blocks of another checkout's ``netanalysis/cypher/load.cypher``
    (the MERGE path as it was there), each made to return ``written`` (every row) as the
    current push expects."""
    old = queries.load_blocks(Path(checkout) / "netanalysis" / "cypher")
    known = queries.blocks()
    saved = {k: v for k, v in known.items() if k.startswith("load_")}
    for k in saved:
        b = old[k]
        text = b.text if "AS written" in b.text else b.text.rstrip() + "\nRETURN count(*) AS written"
        known[k] = queries.Block(name=k, text=text, params=b.params, file=b.file, line=b.line)
    try:
        yield
    finally:
        known.update(saved)


def _less_a_tenth(G):
    """A view of `G` without about a tenth of its rows, as a case before a new file came in.

    Every person whose id hashes to 0 modulo 13 (crc32) is removed, with each document, phone
    and journey whose persons are all removed, and every relationship of the removed nodes.
    The keys of the relationships that stay are those of `G` (:func:`edge_key` counts
    occurrences per pair), so pushing `G` over it adds exactly the rows removed.
    """
    gone = {n for n, k in G.nodes(data="kind")
            if k == "Person" and zlib.crc32(str(n).encode()) % 13 == 0}
    tied = {}
    for n in gone:
        for m in set(G.successors(n)) | set(G.predecessors(n)):
            if G.nodes[m].get("kind") in ("Document", "Phone", "Journey"):
                tied.setdefault(m, None)
    for m in tied:
        persons = {x for x in set(G.successors(m)) | set(G.predecessors(m))
                   if G.nodes[x].get("kind") == "Person"}
        if persons <= gone:
            gone.add(m)
    return G.subgraph([n for n in G if n not in gone])


def _import(G, n_rows, heap, config, scratch):
    """Bulk-import `G` into a new folder, start a server on it, build the schema, count."""
    import resource

    from netanalysis.backends.neo4j.bulk import import_graph
    from netanalysis.backends.neo4j.push import create_schema

    data = Path(tempfile.mkdtemp(prefix="import-", dir=scratch))
    try:
        cpu0 = time.process_time()
        res = import_graph(G, data / "graph", heap="1g", off_heap="1g")
        client = time.process_time() - cpu0
        t0 = time.perf_counter()
        cfg = {**config, "server.directories.data": str(data / "graph")}
        with local_server(home=data / "home", heap=heap, timeout=300, config=cfg) as uri:
            started = time.perf_counter() - t0
            with _Clock() as schema, connect(uri) as conn:
                create_schema(conn)
            with connect(uri) as conn, conn.session() as s:
                nodes = queries.run(s, "count_nodes").single()["n"]
                rels = queries.run(s, "count_relationships").single()["n"]
        if nodes + rels != n_rows:
            raise SystemExit(f"import gave {nodes:,} nodes + {rels:,} relationships, "
                             f"not the {n_rows:,} rows of the push")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return res, client, started, schema, peak_mb
    finally:
        shutil.rmtree(data, ignore_errors=True)


def run(persons, seed, batches, uri, workers, quick=False, importer=False, heap="2g",
        config=None, scratch=None, again=False, before=None):
    t0 = time.perf_counter()
    G = _case(persons, seed)
    prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    nodes, rels, _ = graph_rows(G)
    rows_s = time.perf_counter() - t0
    n_rows = sum(map(len, nodes.values())) + sum(map(len, rels.values()))
    print(f"persons={persons:,} seed={seed} rows={n_rows:,} (nodes "
          f"{sum(map(len, nodes.values())):,}, relationships {sum(map(len, rels.values())):,}), "
          f"workers={','.join(map(str, workers))}, case prepared in {prep:.1f} s, graph_rows "
          f"{rows_s:.1f} s, load average {os.getloadavg()[0]:.1f}", flush=True)
    results = []

    def per_cpu(c):
        return n_rows / (c.client + c.server) if c.server is not None else float("nan")

    def add(label, c):
        # printed at once: a run cut short by its time limit still says what it measured
        results.append((label, c))
        ref = results[0][1]
        server = f"{c.server:7.1f}" if c.server is not None else "      -"
        print(f"  {label:34s} {c.wall:7.1f} s {n_rows / c.wall:8,.0f} rows/s  x{ref.wall / c.wall:5.2f}"
              f" | cpu client {c.client:6.1f} s server {server} s {per_cpu(c):8,.0f} rows/cpu-s"
              f"  x{per_cpu(c) / per_cpu(ref):5.2f}", flush=True)

    home = None if uri else Path(tempfile.mkdtemp(prefix="push-bench-", dir=scratch))
    cm = (contextlib.nullcontext(uri) if uri
          else local_server(home=home, heap=heap, timeout=300, config=config or {}))
    with cm as server, connect(server) as conn:
        if home is not None:
            print(f"  local server: heap {heap}, page cache "
                  f"{(config or {}).get('server.memory.pagecache.size', PAGECACHE)}", flush=True)
        clear_database(conn)
        warm = _case(min(persons, 3000), seed + 1)
        for _ in range(2):  # warm-up: the JIT compiles the write paths of every block
            push_graph(warm, uri=server, workers=max(workers))
            push_graph(warm, uri=server, workers=max(workers))  # the MERGE path too
            clear_database(conn)
        add(f"baseline CREATE, 1 session, {batches[-1]}", _baseline(conn, nodes, rels, batches[-1]))
        if not quick:
            with _Clock() as clock:
                push_graph(G, uri=server, batch_size=batches[-1], strategy="merge", workers=1)
            add(f"merge, 1 session, {batches[-1]}", clock)
            clear_database(conn)
        for w in workers:
            for batch in batches:
                clear_database(conn)
                with _Clock() as clock:
                    res = push_graph(G, uri=server, batch_size=batch, workers=w)
                assert res["strategy"] == "create"
                add(f"push, {w} session{'s' * (w > 1)}, {batch}", clock)
                print("    phases (wall s; client: node rows, then relationship rows in a thread "
                      "while the server writes schema + nodes): "
                      + ", ".join(f"{k} {v:.1f}" for k, v in res["phases"].items()), flush=True)
        if again:
            n_nodes, n_rels = sum(map(len, nodes.values())), sum(map(len, rels.values()))
            if before is not None:
                with _blocks_of(before):
                    with _Clock() as clock:
                        res = push_graph(G, uri=server, batch_size=batches[-1], workers=1)
                assert res["strategy"] == "merge" and _counts(conn) == (n_nodes, n_rels)
                add(f"re-push, load blocks of {Path(before).name}, 1 s.", clock)
                _phases(res)
            for w in workers:
                before = _counts(conn)
                if before != (n_nodes, n_rels):
                    raise SystemExit(f"the push left {before}, not {(n_nodes, n_rels)}")
                with _Clock() as clock:
                    res = push_graph(G, uri=server, batch_size=batches[-1], workers=w)
                assert res["strategy"] == "merge"
                after = _counts(conn)
                if after != before:
                    raise SystemExit(f"the re-push changed the counts: {before} -> {after}")
                add(f"re-push, {w} session{'s' * (w > 1)}, {batches[-1]}", clock)
                _phases(res)
            H = _less_a_tenth(G)
            # counted from G's rows (a second set of rows would not fit the memory cap)
            kept = {str(n) for n in H}
            h_nodes = sum(r["id"] in kept for rows in nodes.values() for r in rows)
            h_rels = sum(r["source"] in kept and r["target"] in kept
                         for rows in rels.values() for r in rows)
            h_rows = h_nodes + h_rels
            for w in workers:
                clear_database(conn)
                assert push_graph(H, uri=server, batch_size=batches[-1])["strategy"] == "create"
                if _counts(conn) != (h_nodes, h_rels):
                    raise SystemExit(f"the push of the graph less a tenth left {_counts(conn)}, "
                                     f"not {(h_nodes, h_rels)}")
                with _Clock() as clock:
                    res = push_graph(G, uri=server, batch_size=batches[-1], workers=w)
                assert res["strategy"] == "merge"
                if _counts(conn) != (n_nodes, n_rels):
                    raise SystemExit(f"the incremental push left {_counts(conn)}, not "
                                     f"{(n_nodes, n_rels)}")
                add(f"incremental +{n_rows - h_rows:,} ({(n_rows - h_rows) / h_rows:.1%}), {w} s.",
                    clock)
                _phases(res)
        if not quick:
            for w in workers:
                with _Clock() as clock:
                    res = push_graph(G, uri=server, batch_size=batches[-1], workers=w)
                assert res["strategy"] == "merge"
                add(f"re-push (MERGE), {w} s., {batches[-1]}", clock)
        clear_database(conn)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)
    load = os.getloadavg()[0]
    imported = _import(G, n_rows, heap, config or {}, scratch) if importer else None
    print(f"  load average {load:.1f} after the pushes, {os.getloadavg()[0]:.1f} now")
    ref = results[0][1]
    if imported is not None:
        res, client, started, schema, peak_mb = imported
        wall, cpu = res["seconds"], client + res["import_cpu_s"]
        ref_cpu = per_cpu(ref)
        print(f"  {'import (CSV + neo4j-admin import)':34s} {wall:7.1f} s {n_rows / wall:8,.0f} rows/s"
              f"  x{ref.wall / wall:5.2f} | cpu client {client:6.1f} s importer "
              f"{res['import_cpu_s']:7.1f} s {n_rows / cpu:8,.0f} rows/cpu-s  x{n_rows / cpu / ref_cpu:5.2f}"
              f" (CSV {res['csv_seconds']:.1f} s, import {res['import_seconds']:.1f} s, "
              f"largest JVM so far {peak_mb:,.0f} MB RSS)")
        total = wall + started + schema.wall
        server = f"{schema.server:.1f}" if schema.server is not None else "-"
        print(f"  {'import+start+schema':34s} {total:7.1f} s {n_rows / total:8,.0f} rows/s"
              f"  x{ref.wall / total:5.2f} | server start {started:.1f} s, constraints and "
              f"indexes {schema.wall:.1f} s (server cpu {server} s); counts equal the rows")


def _phases(res):
    print("    phases (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in res["phases"].items())
          + (f"; skipped {res['unchanged']:,} unchanged rows" if "unchanged" in res else ""),
          flush=True)


def run_brokerage(persons, seed, uri, heap="2g", config=None):
    """Time the GF roles in process and in the server on the same case and partition."""
    import numpy as np

    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.analyze.run import _gf_roles, rank_settings
    from netanalysis.backends.neo4j import push_case
    from netanalysis.backends.neo4j.brokerage import brokerage_in_session
    from netanalysis.model.graph import party_edges, party_nodes
    from netanalysis.model.vocab import SUPPORT_TYPES
    from netanalysis.pipeline import prepare_case

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        synth_case(tmp, persons=persons, seed=seed)
        case = prepare_case(load_case(tmp))
    edges = party_edges(case)
    K = kernel_from_edges(edges, party_nodes(case))
    memb = np.asarray(K.graph.community_leiden(objective_function="modularity",
                                               weights="strength", n_iterations=2).membership)
    prep = time.perf_counter() - t0
    rs = rank_settings()
    budget = rs.brokerage.max_two_paths
    sup = edges[edges["type"].isin(SUPPORT_TYPES)]
    with _Clock() as local:
        want, want_label = _gf_roles(edges, sup, K.names, memb, rs, K.row_codes)
    cm = (contextlib.nullcontext(uri) if uri
          else local_server(heap=heap, timeout=300, config=config or {}))
    with cm as server:
        push_case(case, uri=server, replace=True)
        with connect(server) as conn, conn.session() as s:
            brokerage_in_session(s, K.names, memb, max_two_paths=budget)  # warm-up
            with _Clock() as remote:
                got, label = brokerage_in_session(s, K.names, memb, max_two_paths=budget)
    if label != want_label or not got.equals(want.reindex(got.index)):
        raise SystemExit("the server's roles differ from the in-process ones")
    load = os.getloadavg()
    server = f"{remote.server:.2f}" if remote.server is not None else "-"
    print(f"persons={persons:,} seed={seed} parties={len(K.names):,} ties={len(edges):,} "
          f"support ties={len(sup):,} brokers={int((got['total'] > 0).sum()):,} "
          f"two-paths counted: {label}; case prepared in {prep:.1f} s; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"  in process (networkx + brokerage_roles) {local.wall:7.2f} s wall, "
          f"cpu {local.client:6.2f} s (the reference)")
    print(f"  in the server (gf_two_path_cost + gf_roles) {remote.wall:7.2f} s wall "
          f"x{local.wall / remote.wall:5.2f}, cpu client {remote.client:6.2f} s server {server} s; "
          "counts equal (rows back: one per broker, one of costs, the support network's ids)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[20000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 4],
                    help="sessions of the push (each value is one push)")
    ap.add_argument("--quick", action="store_true",
                    help="only the baseline and the push (no MERGE, no re-push)")
    ap.add_argument("--again", action="store_true",
                    help="after the push, a re-push of the same graph and an incremental push "
                         "(+ about 10%% rows), counts checked")
    ap.add_argument("--before", default=None, metavar="CHECKOUT",
                    help="with --again, also time the re-push with the load blocks of this "
                         "checkout (e.g. the main branch's), in the same run")
    ap.add_argument("--import", dest="importer", action="store_true",
                    help="also load a new database by the bulk importer (local server only)")
    ap.add_argument("--scratch", default=None,
                    help="folder of the importer's CSV and store files (default: the system's)")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--server-config", nargs="*", default=[], metavar="NAME=VALUE",
                    help="settings of the local test server (neo4j.conf names)")
    ap.add_argument("--brokerage", action="store_true",
                    help="time the Gould-Fernandez roles in process and in the server instead")
    args = ap.parse_args()
    uri = os.environ.get("NETANALYSIS_NEO4J_URI")
    if uri and args.importer:
        ap.error("--import loads a local server of its own: unset NETANALYSIS_NEO4J_URI")
    config = dict(item.split("=", 1) for item in args.server_config)
    if config:
        print("server settings:", ", ".join(f"{k}={v}" for k, v in config.items()))
    for n in args.persons:
        if args.brokerage:
            run_brokerage(n, args.seed, uri, heap=args.heap, config=config)
            continue
        run(n, args.seed, args.batch_sizes, uri, args.workers, quick=args.quick,
            importer=args.importer, heap=args.heap, config=config, scratch=args.scratch,
            again=args.again, before=args.before)


if __name__ == "__main__":
    main()
