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
  element id, cell by cell in the levels of the bisection schedule) at each ``--batch-sizes``;
- ``re-push``: the push again over the loaded graph (MERGE: what a resumed push costs;
  skipped with ``--quick``).

A small push first warms the server up (Java compiles the write path during the first
seconds: on this machine the compiler threads took more CPU than the writes in a cold 50k-row
push). Each line prints rows per second of wall time, the CPU seconds of the client (this
process) and of the server (when it is the local test server, a child of this process), rows
per CPU second (client + server: what the machine's load does not change), and the ratio to
the baseline. The server is the local test server (``tools/neo4j``) unless
NETANALYSIS_NEO4J_URI names one.

    python benchmarks/neo4j_push.py                      # 10k and 100k persons
    python benchmarks/neo4j_push.py --persons 100000 --quick --batch-sizes 20000
    python benchmarks/neo4j_push.py --persons 30000 --quick \
        --server-config server.memory.pagecache.size=1g   # a server setting (local server only)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import time

from netanalysis.backends.neo4j import connect, push_graph, queries
from netanalysis.backends.neo4j.push import clear_database, graph_rows
from netanalysis.backends.neo4j.server import local_server
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


def run(persons, seed, batches, uri, workers, quick=False):
    t0 = time.perf_counter()
    G = _case(persons, seed)
    prep = time.perf_counter() - t0
    t0 = time.perf_counter()
    nodes, rels, _ = graph_rows(G)
    rows_s = time.perf_counter() - t0
    n_rows = sum(map(len, nodes.values())) + sum(map(len, rels.values()))
    results = []
    with connect(uri) as conn:
        clear_database(conn)
        push_graph(_case(300, seed + 1), uri=uri, workers=workers)  # warm-up
        clear_database(conn)
        results.append((f"baseline CREATE, 1 session, {batches[-1]}",
                        _baseline(conn, nodes, rels, batches[-1])))
        if not quick:
            with _Clock() as clock:
                push_graph(G, uri=uri, batch_size=batches[-1], strategy="merge", workers=1)
            results.append((f"merge, 1 session, {batches[-1]}", clock))
            clear_database(conn)
        for batch in batches:
            clear_database(conn)
            with _Clock() as clock:
                res = push_graph(G, uri=uri, batch_size=batch, workers=workers)
            assert res["strategy"] == "create"
            results.append((f"push, {workers} sessions, {batch}", clock))
        if not quick:
            with _Clock() as clock:
                again = push_graph(G, uri=uri, batch_size=batches[-1], workers=workers)
            assert again["strategy"] == "merge"
            results.append((f"re-push (MERGE), {batches[-1]}", clock))
        clear_database(conn)
    print(f"persons={persons:,} seed={seed} rows={n_rows:,} (nodes "
          f"{sum(map(len, nodes.values())):,}, relationships {sum(map(len, rels.values())):,}), "
          f"workers={workers}, case prepared in {prep:.1f} s, graph_rows {rows_s:.1f} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    ref = results[0][1]

    def per_cpu(c):
        return n_rows / (c.client + c.server) if c.server is not None else float("nan")

    for label, c in results:
        server = f"{c.server:7.1f}" if c.server is not None else "      -"
        print(f"  {label:34s} {c.wall:7.1f} s {n_rows / c.wall:8,.0f} rows/s  x{ref.wall / c.wall:5.2f}"
              f" | cpu client {c.client:6.1f} s server {server} s {per_cpu(c):8,.0f} rows/cpu-s"
              f"  x{per_cpu(c) / per_cpu(ref):5.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[20000])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--quick", action="store_true",
                    help="only the baseline and the push (no MERGE, no re-push)")
    ap.add_argument("--heap", default="2g")
    ap.add_argument("--server-config", nargs="*", default=[], metavar="NAME=VALUE",
                    help="settings of the local test server (neo4j.conf names)")
    args = ap.parse_args()
    uri = os.environ.get("NETANALYSIS_NEO4J_URI")
    config = dict(item.split("=", 1) for item in args.server_config)
    if config:
        print("server settings:", ", ".join(f"{k}={v}" for k, v in config.items()))
    cm = (contextlib.nullcontext(uri) if uri
          else local_server(heap=args.heap, timeout=300, config=config))
    with cm as uri:
        for n in args.persons:
            run(n, args.seed, args.batch_sizes, uri, args.workers, quick=args.quick)


if __name__ == "__main__":
    main()
