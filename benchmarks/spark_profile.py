"""Where a Spark job of the engine spends its time: every action, its jobs, stages and tasks.

The Spark UI is off in the engine's sessions (and not reachable here), so this script wraps
the DataFrame actions (``collect``, ``toPandas``, ``count``, ``isEmpty``, ``localCheckpoint``)
while one engine step runs, gives each call its own job group, and reads the jobs, stages and
task counts of the group from ``SparkContext.statusTracker()``. It prints one line per action:
seconds, jobs, stages, tasks, and the line of the engine that called it; then the totals.

Steps (generator of ``benchmarks/spark_jobs.py``: lognormal journeys, median 20 passengers,
persons = legs / 5; the hostile case's shapes are not used):

- ``cotravel``: :func:`netanalysis.engines.spark.infer.infer_links_spark`, ``types: [co_travel]``
  on a Parquet travel table of ``--legs`` legs; with ``--seeded K``, seeded on ``K`` travellers
  drawn at random and the first person of each of ``--companions`` planted pairs (the persons
  of interest of ``benchmarks/spark_jobs.py --seeded K``).

Usage::

    python benchmarks/spark_profile.py --legs 50000 --cores 2
    python benchmarks/spark_profile.py --legs 2000000 --cores 2 --seeded 300
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import traceback
from pathlib import Path

import importlib.util

from benchlib import tree_cpu_seconds

__all__ = ["main", "profiled"]

_ACTIONS = ("collect", "toPandas", "count", "isEmpty", "localCheckpoint", "first", "take")


class profiled:
    """Context that records each DataFrame action run inside it (classic sessions only)."""

    def __init__(self, spark):
        self.spark, self.rows, self._saved, self._depth = spark, [], {}, 0

    def __enter__(self):
        DataFrame = type(self.spark.range(1))  # the classic DataFrame class, not its base
        sc, tracker = self.spark.sparkContext, self.spark.sparkContext.statusTracker()
        prof = self

        def wrap(name, fn):
            def inner(df, *a, **kw):
                if prof._depth:  # an action inside an action (toPandas -> collect)
                    return fn(df, *a, **kw)
                where = next((f"{Path(f.filename).name}:{f.lineno} {f.name}"
                              for f in reversed(traceback.extract_stack()[:-1])
                              if "netanalysis" in f.filename and "benchmarks" not in f.filename), "?")
                group = f"prof-{len(prof.rows)}"
                sc.setJobGroup(group, where)
                prof._depth += 1
                t = time.perf_counter()
                try:
                    return fn(df, *a, **kw)
                finally:
                    dt = time.perf_counter() - t
                    prof._depth -= 1
                    jobs = tracker.getJobIdsForGroup(group)
                    infos = [tracker.getJobInfo(j) for j in jobs]
                    stages = [s for info in infos if info for s in info.stageIds]
                    tasks = sum(tracker.getStageInfo(s).numTasks for s in stages if tracker.getStageInfo(s))
                    prof.rows.append((name, where, dt, len(jobs), len(stages), tasks))
                    sc.setLocalProperty("spark.jobGroup.id", None)
            return inner

        for name in _ACTIONS:
            self._saved[name] = getattr(DataFrame, name)
            setattr(DataFrame, name, wrap(name, self._saved[name]))
        return self

    def __exit__(self, *exc):
        DataFrame = type(self.spark.range(1))
        for name, fn in self._saved.items():
            setattr(DataFrame, name, fn)
        return False

    def report(self):
        print(f"{'action':<16} {'s':>7} {'jobs':>5} {'stages':>6} {'tasks':>6}  called from")
        for name, where, dt, nj, ns, nt in self.rows:
            print(f"{name:<16} {dt:7.2f} {nj:5d} {ns:6d} {nt:6d}  {where}")
        tot = [sum(r[i] for r in self.rows) for i in (2, 3, 4, 5)]
        print(f"{'total':<16} {tot[0]:7.2f} {tot[1]:5d} {tot[2]:6d} {tot[3]:6d}  "
              f"({len(self.rows)} actions)")


def _time_steps(module, names):
    """Wrap functions of `module` to record ``(name, seconds, rows of the first result)``."""
    out = []
    for name in names:
        fn = getattr(module, name)

        def inner(*a, _fn=fn, _name=name, **kw):
            t = time.perf_counter()
            res = _fn(*a, **kw)
            first = res[0] if isinstance(res, tuple) else res
            out.append((_name, time.perf_counter() - t, f"{len(first):,} rows" if hasattr(first, "__len__") else ""))
            return res
        setattr(module, name, inner)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--legs", type=int, default=50_000)
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--driver-memory", default="3g")
    ap.add_argument("--explain", action="store_true", help="print the plan of the pair step")
    ap.add_argument("--seeded", type=int, metavar="K",
                    help="seeded on K random travellers and the planted C<i>a")
    ap.add_argument("--companions", type=int, default=200, help="planted pairs (default 200)")
    ap.add_argument("--row-group", type=int, default=131_072, metavar="LEGS",
                    help="rows per Parquet row group (default 131072; 0: pyarrow's 1,048,576): "
                         "Spark reads one row group per task")
    args = ap.parse_args(argv)
    import warnings
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    from netanalysis.engines.spark.infer import infer_links_spark
    from netanalysis.engines.spark.session import spark_session
    spark = spark_session(f"local[{args.cores}]", conf={"spark.driver.memory": args.driver_memory})
    print(f"netanalysis Spark profile: co-travel, {args.legs:,} legs, local[{args.cores}], "
          f"shuffle partitions {spark.conf.get('spark.sql.shuffle.partitions')}, load "
          f"{os.getloadavg()[0]:.1f}; generator: benchmarks/resolve.py _travel_table, seed {args.seed}")
    with tempfile.TemporaryDirectory(prefix="netanalysis-spark-prof-") as tmp:
        path = os.path.join(tmp, "travel.parquet")
        jobs = _spark_jobs()
        tr = jobs._travel_table(args.legs, args.seed, args.companions)
        tr.to_parquet(path, index=False, row_group_size=args.row_group or None)
        seeds = None if args.seeded is None else jobs._seeds(tr, args.seed, args.companions, args.seeded)
        del tr
        import netanalysis.engines.spark.infer as infer_mod
        steps = _time_steps(infer_mod, ["co_travel_tables", "significant_pairs", "_items",
                                        "cooccurrence_family", "_driver_margins"])
        with profiled(spark) as prof:
            t, c = time.perf_counter(), tree_cpu_seconds(reaped=True)
            ties = infer_links_spark(spark, {"travel": spark.read.parquet(path)},
                                     settings={"types": ["co_travel"]}, seeds=seeds)
            dt, cpu = time.perf_counter() - t, tree_cpu_seconds(reaped=True) - c
        prof.report()
        for name, secs, size in steps:
            print(f"step {name:<18} {secs:7.2f} s  {size}")
        print(f"co-travel {dt:.2f} s wall, {cpu:.1f} CPU s ({cpu / dt:.2f} cores used), "
              f"{len(ties):,} ties{'' if seeds is None else ', %d persons of interest' % len(seeds)}, "
              f"load {os.getloadavg()[0]:.1f}")
    spark.stop()
    return 0


def _spark_jobs():
    """``benchmarks/spark_jobs.py`` as a module (its generator and persons of interest)."""
    spec = importlib.util.spec_from_file_location("bench_spark_jobs", Path(__file__).with_name("spark_jobs.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


if __name__ == "__main__":
    raise SystemExit(main())
