"""Throughput of ``push_case`` into a real Neo4j: the old and the new push in the same run.

For each size, a synthetic case (``netanalysis.synth.synth_case``) is ingested and its
property graph pushed into an empty database, in the same run and on the same server:

- ``merge``: MERGE on ids and keys, one session, batches of 5000
  (``push_graph(strategy="merge", workers=1)``; skipped with ``--quick``);
- ``old``: the CREATE push by type: node kinds, then relationship types, one session each
  (``parallel="types"``), batches of 5000 (the setting's default until now);
- ``new``: the partitioned CREATE push (``parallel="partitions"``: node batches to any free
  session, relationships in rounds of node-disjoint endpoint cells, every type in one
  statement) at each ``--batch-sizes``;
- ``re-push``: the new push again over the loaded graph (MERGE: what a resumed push costs;
  skipped with ``--quick``);
- ``baseline``: the same rows with plain ``UNWIND $rows ... CREATE`` in one session (no
  idempotence; relationships found through an index on ``id``; skipped with ``--quick``).

It prints rows per second and the ratios new / old (and against the others). The server is
the local test server (``tools/neo4j``) unless NETANALYSIS_NEO4J_URI names one.

    python benchmarks/neo4j_push.py                      # 10k and 100k persons
    python benchmarks/neo4j_push.py --persons 100000 --quick --batch-sizes 20000
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


def run(persons, seed, batches, uri, workers, quick=False):
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        synth_case(tmp, persons=persons, seed=seed)
        case = load_case(tmp)
        G = build_graph(case)
        prep = time.perf_counter() - t0
    nodes, rels, _ = graph_rows(G)
    n_rows = sum(map(len, nodes.values())) + sum(map(len, rels.values()))
    results = []
    with connect(uri) as conn:
        clear_database(conn)
        if not quick:
            old = push_graph(G, uri=uri, batch_size=5000, strategy="merge", workers=1)
            results.append(("merge, 1 session, 5000", old["seconds"]))
            clear_database(conn)
        old = push_graph(G, uri=uri, batch_size=5000, workers=workers, parallel="types")
        assert old["strategy"] == "create"
        results.append((f"old: by type, {workers} sessions, 5000", old["seconds"]))
        new = None
        for batch in batches:
            clear_database(conn)
            res = push_graph(G, uri=uri, batch_size=batch, workers=workers)
            assert res["strategy"] == "create" and res["parallel"] == "partitions"
            results.append((f"new: partitions, {workers} sessions, {batch}", res["seconds"]))
            new = res if new is None or res["seconds"] < new["seconds"] else new
        if not quick:
            again = push_graph(G, uri=uri, batch_size=batches[-1], workers=workers)
            assert again["strategy"] == "merge"
            results.append((f"re-push (MERGE), {batches[-1]}", again["seconds"]))
            clear_database(conn)
            results.append((f"baseline CREATE, 1 session, {batches[-1]}",
                            _baseline(conn, nodes, rels, batches[-1])))
        clear_database(conn)
    print(f"persons={persons:,} seed={seed} rows={n_rows:,} (nodes "
          f"{sum(map(len, nodes.values())):,}, relationships {sum(map(len, rels.values())):,}), "
          f"workers={workers}, case prepared in {prep:.1f} s")
    ref = results[1 if not quick else 0][1]
    for label, secs in results:
        print(f"  {label:42s} {secs:8.1f} s  {n_rows / secs:10,.0f} rows/s  "
              f"x{ref / secs:5.2f} vs old")
    print(f"  best new / old throughput: {old['seconds'] / new['seconds']:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--persons", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-sizes", type=int, nargs="+", default=[5000, 20000, 50000])
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--quick", action="store_true",
                    help="only the old and new CREATE pushes (no MERGE, re-push, baseline)")
    ap.add_argument("--heap", default="3g")
    args = ap.parse_args()
    uri = os.environ.get("NETANALYSIS_NEO4J_URI")
    cm = contextlib.nullcontext(uri) if uri else local_server(heap=args.heap, timeout=300)
    with cm as uri:
        for n in args.persons:
            run(n, args.seed, args.batch_sizes, uri, args.workers, quick=args.quick)


if __name__ == "__main__":
    main()
