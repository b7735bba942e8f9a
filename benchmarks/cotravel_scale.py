"""Seeded co-travel at national scale: :func:`netanalysis.resolve.infer.match_seeds` on 1M-10M
travel legs read from Parquet, its recall of planted companions, and how its time grows.

For each size the travel table of ``benchmarks/spark_jobs.py`` (``_travel_table``: the
lognormal journeys of ``benchmarks/resolve.py``, median 20 passengers, clipped to 1..400,
persons = legs / 5, plus ``--companions`` planted pairs ``C<i>a``/``C<i>b`` who board
``--shared`` random journeys together and fly nowhere else) is generated in its own process
and written to Parquet. The persons of interest are the first person of every planted pair
(``C<i>a``) and ``--others`` travellers drawn at random, so ``planted`` (pairs found / pairs
planted) is the recall of the seeded path, and ``other`` counts the ties that are not planted
(chance ties, or real ones of the generator's random travel: the FDR level bounds their
expected share of the ties kept).

Each timed step runs in a fresh process (``spawn``) that reads the Parquet file itself:

- ``baseline``: the least a seeded co-travel must do, in DuckDB on the same file: one journey
  key per leg, the legs of the persons of interest joined to every leg of their journeys,
  grouped by pair (no activities, no model, no evidence); the ratio ``x baseline`` compares
  the two in the same run;
- ``match_seeds``: the whole seeded inference (``infer`` defaults: ``max_passengers`` 500,
  FDR 0.05, ``memory_limit`` 2GB), journeys and bookings of every traveller counted for the
  activities, pairs only with a person of interest.

Wall seconds, CPU seconds (all threads of the process), peak RSS and the load average are
printed; the machine may be shared, so compare ratios and CPU seconds. At the end ``t = t0 +
legs / r`` is fitted by least squares over the sizes (``r`` legs per second; residuals
printed): a flat ``r`` with small residuals means the seeded path is linear in the legs.

Run (10M legs is a heavy run: about 4 GB RSS while the table is generated)::

    python benchmarks/cotravel_scale.py --sizes 1000000 3000000 10000000
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import cpu_seconds, load_average, peak_rss_kb, run_spawned  # noqa: E402

__all__ = ["main"]


def _spark_jobs():
    spec = importlib.util.spec_from_file_location("bench_spark_jobs",
                                                  Path(__file__).with_name("spark_jobs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _generate(n, seed, companions, shared, others, path, seeds_path, q):
    """Write the travel table of about `n` legs to `path` and the persons of interest to
    `seeds_path` (CSV, ``person_id``); queue the number of legs."""
    import numpy as np
    import pandas as pd
    tr = _spark_jobs()._travel_table(n, seed, companions, shared)
    tr.to_parquet(path, index=False)
    rng = np.random.default_rng(seed + 2)
    pool = tr["person_id"].drop_duplicates()
    pool = pool[~pool.str.startswith("C")].to_numpy()
    ids = [f"C{i:06d}a" for i in range(companions)] + \
        sorted(rng.choice(pool, min(others, len(pool)), replace=False).tolist())
    pd.DataFrame({"person_id": ids}).to_csv(seeds_path, index=False)
    q.put(len(tr))


def _baseline(path, seeds_path, q):
    import duckdb
    con = duckdb.connect(config={"memory_limit": "2GB", "preserve_insertion_order": False})
    t0, c0 = time.perf_counter(), cpu_seconds()
    con.read_parquet(path).create_view("tr")
    con.read_csv(seeds_path, header=True, all_varchar=True).create_view("seeds")
    n = con.execute("""
        WITH j AS (SELECT DISTINCT person_id AS p, carrier || flight || '|' || depart AS j FROM tr),
             e AS (SELECT j FROM j GROUP BY j HAVING count(*) BETWEEN 2 AND 500),
             u AS (SELECT j.* FROM j JOIN e USING (j)),
             s AS (SELECT u.* FROM u JOIN seeds ON seeds.person_id = u.p)
        SELECT count(*) FROM (SELECT s.p, u.p FROM s JOIN u ON s.j = u.j AND s.p <> u.p
                              GROUP BY s.p, u.p)""").fetchall()[0][0]
    q.put({"seconds": time.perf_counter() - t0, "cpu": cpu_seconds() - c0, "pairs": n,
           "rss_mb": peak_rss_kb() / 1024})


def _match(path, seeds_path, q):
    from netanalysis.resolve.infer import match_seeds
    t0, c0 = time.perf_counter(), cpu_seconds()
    ties = match_seeds(path, seeds_path)
    dt, dc = time.perf_counter() - t0, cpu_seconds() - c0
    a, b = ties["from_id"].astype(str), ties["to_id"].astype(str)
    hit = a.str.startswith("C") & b.str.startswith("C") & (a.str[:-1] == b.str[:-1])
    q.put({"seconds": dt, "cpu": dc, "ties": len(ties), "planted": int(hit.sum()),
           "other": int((~hit).sum()), "rss_mb": peak_rss_kb() / 1024})


def _fit(xs, ts):
    """Least squares ``t = t0 + x / r``: ``(t0, r)``, or None."""
    if len(set(xs)) < 2:
        return None
    mx, mt = sum(xs) / len(xs), sum(ts) / len(ts)
    slope = sum((x - mx) * (t - mt) for x, t in zip(xs, ts)) / sum((x - mx) ** 2 for x in xs)
    return (mt - slope * mx, 1.0 / slope) if slope > 0 else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000_000, 3_000_000, 10_000_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--companions", type=int, default=200, help="planted pairs (default 200)")
    ap.add_argument("--shared", type=int, default=3,
                    help="journeys each planted pair takes together (default 3)")
    ap.add_argument("--others", type=int, default=300,
                    help="persons of interest drawn at random besides the planted (default 300)")
    args = ap.parse_args(argv)
    print(f"seeded co-travel (match_seeds, infer defaults) on {os.cpu_count()} CPUs, "
          f"{load_average()}; generator benchmarks/spark_jobs.py _travel_table seed {args.seed}, "
          f"{args.companions} planted pairs sharing {args.shared} journeys; persons of interest: "
          f"the {args.companions} C<i>a and {args.others} random travellers", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="na-cotravel-scale-") as tmp:
        for n in args.sizes:
            path = os.path.join(tmp, f"legs{n}.parquet")
            seeds = os.path.join(tmp, f"seeds{n}.csv")
            legs = run_spawned(_generate, n, args.seed, args.companions, args.shared,
                               args.others, path, seeds)
            base = run_spawned(_baseline, path, seeds)
            m = run_spawned(_match, path, seeds)
            os.remove(path)
            rows.append((legs, m["seconds"], m["cpu"]))
            print(f"{legs:>11,} legs  baseline    {base['seconds']:6.1f} s  cpu {base['cpu']:6.1f} s  "
                  f"RSS {base['rss_mb']:6,.0f} MB  ({base['pairs']:,} seeded pairs)", flush=True)
            print(f"{legs:>11,} legs  match_seeds {m['seconds']:6.1f} s  cpu {m['cpu']:6.1f} s  "
                  f"RSS {m['rss_mb']:6,.0f} MB  x{m['seconds'] / base['seconds']:.2f} baseline wall, "
                  f"x{m['cpu'] / base['cpu']:.2f} cpu  {legs / m['seconds']:,.0f} legs/s  "
                  f"{m['ties']} ties: planted {m['planted']}/{args.companions}, other {m['other']}  "
                  f"{load_average()}", flush=True)
    for label, k in (("wall", 1), ("cpu", 2)):
        fit = _fit([r[0] for r in rows], [r[k] for r in rows])
        if fit is None:
            continue
        t0, r = fit
        res = [r_[k] - (t0 + r_[0] / r) for r_ in rows]
        rms = math.sqrt(sum(e * e for e in res) / len(res))
        print(f"fit {label} t = t0 + legs / r: t0 = {t0:.1f} s, r = {r:,.0f} legs/s (rms residual "
              f"{rms:.1f} s; " + ", ".join(f"{r_[0]:,}: {e:+.1f} s" for r_, e in zip(rows, res))
              + f"); model at 10,000,000 legs: {t0 + 1e7 / r:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
