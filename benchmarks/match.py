"""Speed of seeded matching (:func:`netanalysis.resolve.infer.match_seeds`) on large travel
tables, against a plain seeded pair count measured in the same run.

The travel table is the 10M-row generator of ``benchmarks/resolve.py`` (journeys with a
lognormal number of passengers, median 20, capped at 400; persons = rows / 5, drawn at
random), written to Parquet; ``--seeds`` persons of interest are drawn at random among the
travellers. The baseline is the plain pair count a seeded co-travel needs at least: DuckDB
reading the same Parquet, one journey key per leg, the legs of the persons of interest joined
to all legs of their journeys, grouped by pair (no activities, no model, no evidence). Each
timed step runs in a fresh process; its wall time, CPU time (all its threads) and peak RSS
are printed, with the load average, since the machine may be shared: the ratios against the
baseline come from the same run. ``--before DIR`` also times ``match_seeds`` of another
checkout (e.g. the main branch) in the same run.

Run: ``python benchmarks/match.py --rows 1000000 10000000 --seeds 500 [--before /work/main]``
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

import numpy as np
import pandas as pd

from benchlib import cpu_seconds, load_average, run_spawned, travel_generator

__all__ = ["main"]


def _baseline(path, seeds_path, q):
    import duckdb
    con = duckdb.connect()
    con.read_parquet(path).create_view("tr")
    con.read_csv(seeds_path, header=True, all_varchar=True).create_view("seeds")
    t0, c0 = time.perf_counter(), cpu_seconds()
    n = con.execute("""
        WITH j AS (SELECT DISTINCT person_id AS p, carrier || flight || '|' || depart AS j FROM tr),
             s AS (SELECT j.* FROM j JOIN seeds ON seeds.person_id = j.p)
        SELECT count(*) FROM (SELECT s.p, j.p FROM s JOIN j ON s.j = j.j AND s.p <> j.p
                              GROUP BY s.p, j.p)""").fetchall()[0][0]
    q.put((time.perf_counter() - t0, cpu_seconds() - c0, n))


def _match(path, seeds_path, tree, q):
    import sys
    if tree:
        sys.path.insert(0, tree)
    from netanalysis.resolve.infer import match_seeds
    t0, c0 = time.perf_counter(), cpu_seconds()
    t = match_seeds(path, seeds_path)
    q.put((time.perf_counter() - t0, cpu_seconds() - c0, len(t)))


def _run(target, *args):
    out = run_spawned(target, *args)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024   # MiB, max so far
    return out, rss


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--seeds", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--before", default=None,
                    help="another checkout whose match_seeds is timed in the same run")
    a = ap.parse_args(argv)
    gen = travel_generator()
    print(f"{os.cpu_count()} CPUs; match_seeds defaults (max_passengers 500, memory_limit 2GB)")
    with tempfile.TemporaryDirectory(prefix="na-match-") as tmp:
        for rows in a.rows:
            t0 = time.perf_counter()
            tr = gen(rows, a.seed)
            path = os.path.join(tmp, f"legs{rows}.parquet")
            tr.to_parquet(path, index=False)
            rng = np.random.default_rng(a.seed)
            who = rng.choice(tr["person_id"].unique(), a.seeds, replace=False)
            seeds_path = os.path.join(tmp, "seeds.csv")
            pd.DataFrame({"person_id": who}).to_csv(seeds_path, index=False)
            n_legs, n_p = len(tr), tr["person_id"].nunique()
            del tr
            print(f"\n{n_legs:,} legs, {n_p:,} persons, {a.seeds} persons of interest "
                  f"(generated in {time.perf_counter() - t0:.0f} s)")
            print(f"  {load_average()}")
            (tb, cb, nb), rss_b = _run(_baseline, path, seeds_path)
            print(f"  baseline seeded pair count   {tb:6.1f} s  {cb:6.1f} s CPU  {nb:,} pairs; "
                  f"peak RSS {rss_b:,.0f} MiB")
            runs = [("match_seeds", None)] + ([(f"match_seeds of {a.before}", a.before)]
                                              if a.before else [])
            for label, tree in runs:
                (tm, cm, nm), rss_m = _run(_match, path, seeds_path, tree)
                print(f"  {label:28s} {tm:6.1f} s  {cm:6.1f} s CPU  {nm:,} ties ({tm / tb:.2f}x "
                      f"the baseline's time, {cm / cb:.2f}x its CPU); peak RSS of the runs so "
                      f"far {rss_m:,.0f} MiB")
            print(f"  {load_average()}")


if __name__ == "__main__":
    main()
