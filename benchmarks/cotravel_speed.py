"""Speed of unseeded co-travel inference (:func:`netanalysis.resolve.infer.co_travel_links`,
``infer.seed: all``) on large travel tables, against a plain pair aggregation and, with
``--before DIR``, the same function of another checkout, measured in the same run.

The travel table is the generator of ``benchmarks/resolve.py`` (``_travel_table``: journeys
with a lognormal number of passengers, median 20, clipped to 1..400; persons = legs / 5,
drawn at random; carrier ``XX``, 9,000 flights a day), written once to Parquet. Each timed
step runs in a fresh process that reads the Parquet file (reading is not timed); its wall
time, CPU time (all its threads) and peak RSS are printed with the load average, since the
machine may be shared: compare the ratios, which come from the same run. The baseline is the
least an unseeded co-travel must do: DuckDB on the same legs, one journey key per leg,
journeys of 2 to 500 persons, every pair of each journey grouped by pair and counted (no
activities, no model, no evidence). A digest of the ties (ids, scores, evidence) shows
whether both checkouts give the same.

Run: ``python benchmarks/cotravel_speed.py --rows 100000 300000 1000000 [--before /work/main]``
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import tempfile
import time

from benchlib import cpu_seconds, load_average, run_spawned, travel_generator

__all__ = ["main"]


def _rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024      # MiB


def _baseline(path, tree, q):
    import duckdb
    con = duckdb.connect(config={"memory_limit": "2GB", "preserve_insertion_order": False})
    con.read_parquet(path).create_view("tr")
    t0, c0 = time.perf_counter(), cpu_seconds()
    n = con.execute("""
        WITH j AS (SELECT DISTINCT person_id AS p, carrier || flight || '|' || depart AS j FROM tr),
             e AS (SELECT j FROM j GROUP BY j HAVING count(*) BETWEEN 2 AND 500),
             u AS (SELECT j.* FROM j JOIN e USING (j))
        SELECT count(*) FROM (SELECT a.p, b.p FROM u a JOIN u b ON a.j = b.j AND a.p < b.p
                              GROUP BY a.p, b.p)""").fetchall()[0][0]
    q.put((time.perf_counter() - t0, cpu_seconds() - c0, n, "", _rss()))


def _co_travel(path, tree, q):
    import sys
    if tree:
        sys.path.insert(0, tree)
    import pandas as pd
    from netanalysis.model.case import Case
    from netanalysis.resolve.infer import co_travel_links
    tr = pd.read_parquet(path)
    case = Case(tables={"travel": tr})
    t0, c0 = time.perf_counter(), cpu_seconds()
    t = co_travel_links(case)
    dt, dc = time.perf_counter() - t0, cpu_seconds() - c0
    digest = hashlib.sha256(t.to_csv(index=False).encode()).hexdigest()[:12]
    q.put((dt, dc, len(t), digest, _rss()))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[100_000, 300_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--before", default=None,
                    help="another checkout whose co_travel_links is timed in the same run")
    a = ap.parse_args(argv)
    gen = travel_generator()
    print(f"{os.cpu_count()} CPUs; co_travel_links defaults (seed all, max_passengers 500, "
          f"memory_limit 2GB); generator benchmarks/resolve.py _travel_table, seed {a.seed}")
    with tempfile.TemporaryDirectory(prefix="na-cotravel-") as tmp:
        for rows in a.rows:
            tr = gen(rows, a.seed)
            path = os.path.join(tmp, f"legs{rows}.parquet")
            tr.to_parquet(path, index=False)
            n_legs, n_p = len(tr), tr["person_id"].nunique()
            del tr
            print(f"\n{n_legs:,} legs, {n_p:,} persons; {load_average()}")
            tb, cb, nb, _, rss = run_spawned(_baseline, path, None)
            print(f"  {'baseline pair aggregation':34s} {tb:6.1f} s {cb:6.1f} s CPU  "
                  f"{n_legs / tb:8,.0f} legs/s  {nb:,} pairs; peak RSS {rss:,.0f} MiB")
            runs = [("co_travel_links", None)] + (
                [(f"co_travel_links of {a.before}", a.before)] if a.before else [])
            got = {}
            for label, tree in runs:
                tm, cm, nm, dg, rss = run_spawned(_co_travel, path, tree)
                got[label] = (tm, cm, dg)
                print(f"  {label:34s} {tm:6.1f} s {cm:6.1f} s CPU  {n_legs / tm:8,.0f} legs/s  "
                      f"{nm:,} ties (digest {dg}); {tm / tb:.2f}x the baseline's time, "
                      f"{cm / cb:.2f}x its CPU; peak RSS {rss:,.0f} MiB")
            if a.before:
                (t1, c1, d1), (t0, c0, d0) = got.values()
                print(f"  after / before: {t1 / t0:.2f}x time, {c1 / c0:.2f}x CPU; "
                      f"ties {'identical' if d1 == d0 else 'DIFFERENT'}")
            print(f"  {load_average()}")


if __name__ == "__main__":
    main()
