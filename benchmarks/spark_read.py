"""Spark engine: reading + validation throughput in local mode, against the embedded reader.

For each size, a travel table from :func:`netanalysis.synth.cotravel.cotravel_case` (1-50
journeys a person, 60 planted companion pairs, seed 0; persons = legs / 11.6) is written as
CSV (embedded) and Parquet (Spark), with its persons as CSV; then both engines read and
validate the folder, the Spark one on a session started once (its start-up is printed apart).
Printed per size: rows read, seconds, rows/s, rows/s per core, and the ratio Spark/embedded of
the same run. The rejects of both are checked equal (the run stops otherwise).

Run: ``python benchmarks/spark_read.py --legs 20000,100000,300000 --cores 2``
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--legs", default="20000,100000", help="comma-separated travel sizes")
    ap.add_argument("--cores", type=int, default=2, help="local[N] cores of the Spark session")
    args = ap.parse_args()

    from netanalysis.engines.spark.read import read_case_spark
    from netanalysis.engines.spark.session import spark_session
    from netanalysis.ingest import load_case
    from netanalysis.synth.cotravel import cotravel_case

    t = time.perf_counter()
    spark = spark_session(f"local[{args.cores}]")
    spark.range(10).count()
    print(f"Spark session start (local[{args.cores}]): {time.perf_counter() - t:.1f} s")
    print(f"{'legs':>9} {'rows':>9} {'embedded s':>11} {'spark s':>9} {'spark rows/s':>13} "
          f"{'per core':>9} {'spark/embedded':>15}")
    root = Path(tempfile.mkdtemp(prefix="spark_read_"))
    try:
        for legs in [int(x) for x in args.legs.split(",")]:
            travel, persons, _ = cotravel_case(max(100, int(legs / 11.6)), legs_per_person=(1, 50),
                                               n_companions=60, seed=0)
            travel = travel.iloc[:legs]
            persons = persons.assign(wanted_by=persons["wanted_by"].map("|".join))
            e, s = root / f"e{legs}", root / f"s{legs}"
            for d in (e, s):
                d.mkdir()
                persons.to_csv(d / "persons.csv", index=False)
            travel.to_csv(e / "travel.csv", index=False)
            travel.to_parquet(s / "travel.parquet", index=False)
            rows = len(travel) + len(persons)
            t = time.perf_counter()
            emb = load_case(e)
            te = time.perf_counter() - t
            t = time.perf_counter()
            sc = read_case_spark(spark, s)
            ts = time.perf_counter() - t
            a = emb.rejects.assign(file=emb.rejects["file"].replace({"travel.csv": "travel.parquet"}))
            if not a.equals(sc.rejects):
                raise SystemExit(f"rejects differ at {legs} legs")
            for df in sc.tables.values():
                df.unpersist()
            print(f"{legs:>9,} {rows:>9,} {te:>11.2f} {ts:>9.2f} {rows / ts:>13,.0f} "
                  f"{rows / ts / args.cores:>9,.0f} {ts / te:>15.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
