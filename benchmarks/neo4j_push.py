"""Throughput of ``push_case`` into a real Neo4j, against a plain UNWIND CREATE baseline.

For each size, a synthetic case (``netanalysis.synth.synth_case``) is ingested and its
property graph pushed into an empty database three ways, in the same run and on the same
server:

- ``before``: the push as it was before the CREATE fast path: MERGE on ids and keys, one
  session, batches of 5000 (``push_graph(strategy="merge", workers=1)``);
- ``push``: :func:`netanalysis.backends.neo4j.push_graph` into the empty database (CREATE,
  node kinds and relationship types written by parallel sessions);
- ``re-push``: the same push again over the loaded graph (MERGE: what a resumed push costs);
- ``baseline``: the same rows written with plain ``UNWIND $rows ... CREATE`` (no MERGE, no
  idempotence; relationships found through an index on ``id``), then removed.

It prints rows per second and the throughput ratios push / before and push / baseline. The
server is the local test server (``tools/neo4j``) unless NETANALYSIS_NEO4J_URI names one.

    python benchmarks/neo4j_push.py                 # 10k and 100k persons
    python benchmarks/neo4j_push.py --persons 10000 --batch-size 10000 --workers 1
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


def _baseline(conn, nodes, rels, batch):
    def write(s, name, rows):
        for i in range(0, len(rows), batch):
            s.execute_write(lambda tx, r=rows[i:i + batch]: queries.run(tx, name, rows=r).consume())

    with conn.session() as s:
        s.execute_write(lambda tx: queries.run(tx, "baseline_index").consume())
        s.execute_write(lambda tx: queries.run(tx, "await_indexes").consume())
        t0 = time.perf_counter()
        write(s, "baseline_create_nodes", [r for rows in nodes.values() for r in rows])
        write(s, "baseline_create_rels", [r for rows in rels.values() for r in rows])
        secs = time.perf_counter() - t0
        while True:
            n = s.execute_write(lambda tx: queries.run(tx, "baseline_delete_batch",
                                                       limit=20000).single()["deleted"])
            if n < 20000:
                break
    return secs


def run(persons, seed, batch, uri, workers):
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        synth_case(tmp, persons=persons, seed=seed)
        case = load_case(tmp)
        G = build_graph(case)
        prep = time.perf_counter() - t0
    nodes, rels, _ = graph_rows(G)
    n_rows = sum(map(len, nodes.values())) + sum(map(len, rels.values()))
    with connect(uri) as conn:
        clear_database(conn)
        # Before: what push_graph did until now, MERGE in one session, batches of 5000.
        old = push_graph(G, uri=uri, batch_size=5000, strategy="merge", workers=1)
        clear_database(conn)
        res = push_graph(G, uri=uri, batch_size=batch, workers=workers)
        again = push_graph(G, uri=uri, batch_size=batch, workers=workers)
        clear_database(conn)
        base = _baseline(conn, nodes, rels, batch)
    assert res["strategy"] == "create" and again["strategy"] == "merge"
    print(f"persons={persons:,} rows={n_rows:,} (nodes {sum(map(len, nodes.values())):,}, "
          f"relationships {sum(map(len, rels.values())):,}), batch={batch}, "
          f"workers={workers}, case prepared in {prep:.1f} s")
    for label, secs in (("before: MERGE", old["seconds"]),
                        ("push (empty db)", res["seconds"]), ("re-push (MERGE)", again["seconds"]),
                        ("baseline CREATE", base)):
        print(f"  {label:16s} {secs:8.1f} s  {n_rows / secs:10,.0f} rows/s")
    print(f"  ratio push/before throughput: {old['seconds'] / res['seconds']:.2f}; "
          f"re-push/before: {old['seconds'] / again['seconds']:.2f}; "
          f"push/baseline: {base / res['seconds']:.2f}; "
          f"before/baseline: {base / old['seconds']:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--heap", default="3g")
    args = ap.parse_args()
    uri = os.environ.get("NETANALYSIS_NEO4J_URI")
    cm = contextlib.nullcontext(uri) if uri else local_server(heap=args.heap, timeout=300)
    with cm as uri:
        for n in args.persons:
            run(n, args.seed, args.batch_size, uri, args.workers)


if __name__ == "__main__":
    main()
