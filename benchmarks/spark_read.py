"""Spark engine: reading + validation of a case in local mode, against the embedded reader.

For each size, a travel table from :func:`netanalysis.synth.cotravel.cotravel_case` (1-50
journeys a person, 60 planted companion pairs, seed 0; persons = legs / 11.6) is written as
CSV, and as Parquet, with its persons as CSV. ``--multiline F`` adds a free-text column
``note`` holding a quoted two-line text on a fraction F of the legs (records with embedded
newlines), ``--dirty F`` breaks a fraction F of the legs (bad dates, unknown airports, a
missing field) so that the rejects ledger has work. Then, each in its own process (so that
its peak memory is its own):

- ``embedded``: :func:`netanalysis.ingest.load_case` on the CSV folder (the baseline);
- ``spark-csv``: :func:`netanalysis.engines.spark.read.read_case_spark` on the same CSV folder
  (the CSV is parsed by Spark tasks);
- ``spark-parquet``: the same on the Parquet folder.

Printed per size and engine: rows read, seconds (Spark: the read alone, session start printed
apart), rows/s, rows/s per core, the ratio to the embedded reader of the same run, the peak
resident memory of the Python driver, and for Spark that of its JVM (in local mode the JVM is
driver and executors at once; the Python workers of the executors are not counted). The rejects
of every engine are checked equal to the embedded ones (the Parquet file's name aside). CPU
seconds are those of the engine's process and its live descendants (JVM, Python workers).
With ``--profile``, each Spark run also prints where its time went, from Spark's event log:
the jobs, stages and tasks it launched, the seconds inside jobs (the rest is spent between
them, on the driver), and the jobs and seconds of each kind of action (localCheckpoint,
collect, count; the stages of adaptive queries show as ``$anonfun...``).

Run: ``python benchmarks/spark_read.py --legs 100000,1000000 --cores 2 --driver-memory 3g``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import tree_cpu_seconds  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--legs", default="20000,100000", help="comma-separated travel sizes")
    ap.add_argument("--cores", type=int, default=2, help="local[N] cores of the Spark session")
    ap.add_argument("--driver-memory", default="3g", help="spark.driver.memory (the JVM heap)")
    ap.add_argument("--multiline", type=float, default=0.0, help="fraction of legs with a two-line note")
    ap.add_argument("--dirty", type=float, default=0.0, help="fraction of legs made invalid")
    ap.add_argument("--engines", default="embedded,spark-csv,spark-parquet")
    ap.add_argument("--before", metavar="CHECKOUT",
                    help="also run each Spark engine with netanalysis imported from this checkout "
                         "(the same-run baseline of a change); its tables and rejects must be identical")
    ap.add_argument("--profile", action="store_true", help="print Spark jobs and their time per call site")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return _worker(args)

    import numpy as np

    from netanalysis.synth.cotravel import cotravel_case

    engines = args.engines.split(",")
    print(f"load average at start: {os.getloadavg()}; generator: cotravel_case seed 0, legs 1-50 a "
          f"person, 60 companions, multiline {args.multiline}, dirty {args.dirty}")
    print(f"{'legs':>9} {'engine':>14} {'rows':>9} {'s':>8} {'rows/s':>9} {'per core':>9} "
          f"{'/embedded':>9} {'cpu s':>7} {'py MiB':>7} {'jvm MiB':>8} {'start s':>8} {'rejects':>7}")
    root = Path(tempfile.mkdtemp(prefix="spark_read_"))
    try:
        for legs in [int(x) for x in args.legs.split(",")]:
            travel, persons, _ = cotravel_case(max(100, int(legs / 11.6)), legs_per_person=(1, 50),
                                               n_companions=60, seed=0)
            travel = travel.iloc[:legs].reset_index(drop=True)
            rng = np.random.default_rng(0)
            if args.multiline:
                hit = rng.random(len(travel)) < args.multiline
                travel["note"] = np.where(hit, "seen at the gate,\nwith \"two\" bags", "")
            if args.dirty:
                travel = travel.astype({"depart": object, "origin": object})
                for col, bad in (("depart", "2024-13-01"), ("origin", "ZZZ")):
                    travel.loc[rng.random(len(travel)) < args.dirty / 2, col] = bad
            persons = persons.assign(wanted_by=persons["wanted_by"].map("|".join))
            c, q = root / f"c{legs}", root / f"q{legs}"
            for d in (c, q):
                d.mkdir()
                persons.to_csv(d / "persons.csv", index=False)
            travel.to_csv(c / "travel.csv", index=False)
            if args.dirty:  # a few records with a missing field (wrong number of fields)
                lines = (c / "travel.csv").read_text().split("\n")
                for k in range(2, len(lines) - 1, max(2, int(1 / args.dirty))):
                    if lines[k].count(",") == lines[0].count(",") and '"' not in lines[k]:
                        lines[k] = lines[k].rsplit(",", 1)[0]
                (c / "travel.csv").write_text("\n".join(lines))
            travel.to_parquet(q / "travel.parquet", index=False)
            base, before = None, {}
            runs = [(e, None) for e in engines]
            if args.before:  # each Spark engine from the other checkout first
                runs = [r for e in engines for r in ([(e, args.before)] if e.startswith("spark") else [])
                        + [(e, None)]]
            for eng, tree in runs:
                folder = q if eng == "spark-parquet" else c
                env = dict(os.environ, PYTHONPATH=str(Path(tree).resolve())) if tree else None
                out = subprocess.run([sys.executable, __file__, "--worker", eng, str(folder),
                                      "--cores", str(args.cores), "--driver-memory", args.driver_memory]
                                     + (["--profile"] if args.profile else []),
                                     capture_output=True, text=True, check=False, env=env,
                                     # Spark's Python workers start in the driver's folder and import from
                                     # it before PYTHONPATH: the other checkout's folder, or they mix trees
                                     cwd=str(Path(tree).resolve()) if tree else None)
                label = eng + (" before" if tree else "")
                if out.returncode:
                    print(f"{legs:>9,} {label:>14} failed:\n{out.stderr[-3000:]}")
                    continue
                r = json.loads(out.stdout.strip().splitlines()[-1])
                if eng == "embedded":
                    base = r
                elif base is not None and r["rejects"] != base["rejects"]:
                    raise SystemExit(f"rejects of {label} differ from the embedded ones at {legs} legs")
                if tree:
                    before[eng] = r
                elif eng in before:
                    same = r["tables"] == before[eng]["tables"] and r["rejects"] == before[eng]["rejects"]
                    print(f"{'':>9} {eng:>14} vs before: {before[eng]['seconds'] / r['seconds']:.2f}x wall, "
                          f"{before[eng]['cpu'] / r['cpu']:.2f}x cpu; "
                          f"tables and rejects identical (SHA-256): {'yes' if same else 'NO'}")
                    if not same:
                        raise SystemExit(f"{eng} gives other tables or rejects than {args.before}")
                ratio = f"{r['seconds'] / base['seconds']:.2f}" if base else "-"
                jvm = f"{r['jvm_mib']:.0f}" if r.get("jvm_mib") else "-"
                start = f"{r['start']:.1f}" if r.get("start") else "-"
                print(f"{legs:>9,} {label:>14} {r['read']:>9,} {r['seconds']:>8.2f} "
                      f"{r['read'] / r['seconds']:>9,.0f} {r['read'] / r['seconds'] / args.cores:>9,.0f} "
                      f"{ratio:>9} {r['cpu']:>7.1f} {r['py_mib']:>7.0f} {jvm:>8} {start:>8} {r['n_rejects']:>7,}",
                      flush=True)
                if r.get("profile"):
                    print(r["profile"], flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"load average at end: {os.getloadavg()}")
    return None


def _worker(args):
    """One engine in this process; prints one JSON line."""
    import resource
    import threading

    import psutil

    eng, folder = args.worker
    res = {}
    if eng == "embedded":
        from netanalysis.ingest import load_case

        t, cpu0 = time.perf_counter(), tree_cpu_seconds()
        c = load_case(folder)
        res["seconds"], res["cpu"] = time.perf_counter() - t, tree_cpu_seconds() - cpu0
        rejects, counts = c.rejects, c.counts
    else:
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # a checkout whose session does not set it
        from netanalysis.engines.spark.read import read_case_spark
        from netanalysis.engines.spark.session import spark_session

        t = time.perf_counter()
        conf = {"spark.driver.memory": args.driver_memory}
        events = Path(tempfile.mkdtemp(prefix="spark_events_")) if args.profile else None
        if events is not None:
            conf.update({"spark.eventLog.enabled": "true", "spark.eventLog.dir": str(events),
                         "spark.eventLog.compress": "false"})
        spark = spark_session(f"local[{args.cores}]", conf=conf)
        spark.range(10).count()
        res["start"] = time.perf_counter() - t
        jvm = [p for p in psutil.Process().children(recursive=True) if "java" in p.name()]
        peak = {"jvm": 0}
        stop = threading.Event()

        def watch():  # the JVM's resident memory, sampled (VmHWM is not exposed by psutil)
            while not stop.wait(0.2):
                for p in jvm:
                    try:
                        peak["jvm"] = max(peak["jvm"], p.memory_info().rss)
                    except psutil.Error:
                        pass
        th = threading.Thread(target=watch, daemon=True)
        th.start()
        cpu0 = tree_cpu_seconds()
        t, wall0 = time.perf_counter(), time.time() * 1000
        sc = read_case_spark(spark, folder)
        for df in sc.tables.values():
            df.count()
        res["seconds"], wall1 = time.perf_counter() - t, time.time() * 1000
        res["cpu"] = tree_cpu_seconds() - cpu0
        stop.set()
        th.join()
        res["jvm_mib"] = peak["jvm"] / 2 ** 20
        res["tables"] = {}
        for kind, df in sc.tables.items():  # every table, rows in file order, as CSV text
            pdf = df.toPandas().sort_values(["_file", "_line"], kind="stable")
            res["tables"][kind] = hashlib.sha256(pdf.to_csv(index=False).encode()).hexdigest()
        if events is not None:
            spark.stop()  # flushes the event log
            res["profile"] = _profile(events, res["seconds"], (wall0, wall1))
            shutil.rmtree(events, ignore_errors=True)
        rejects = sc.rejects.assign(file=sc.rejects["file"].replace({"travel.parquet": "travel.csv"}))
        counts = sc.counts
    res["py_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["read"] = int(sum(c["read"] for c in counts.values()))
    res["n_rejects"] = len(rejects)
    res["rejects"] = hashlib.sha256(rejects.to_csv(index=False).encode()).hexdigest()
    print(json.dumps(res))
    return None



def _profile(folder, seconds, window):
    """Jobs, stages, tasks and time per kind of action, from the event log in `folder`, of the
    jobs submitted in `window` (epoch milliseconds: the timed read)."""
    jobs, stages, tasks = {}, 0, 0
    lo, hi = window
    for f in sorted(Path(folder).rglob("events_*")):
        for line in f.open(encoding="utf-8"):
            e = json.loads(line)
            kind = e["Event"]
            if kind == "SparkListenerJobStart":
                names = [st["Stage Name"] for st in e.get("Stage Infos", [])]
                site = names[-1].split(" at ", 1)[0] if names else ""  # the action (the last stage)
                jobs[e["Job ID"]] = [e["Submission Time"], None, site]
            elif kind == "SparkListenerJobEnd":
                jobs[e["Job ID"]][1] = e["Completion Time"]
            elif kind == "SparkListenerStageCompleted":
                info = e["Stage Info"]
                if lo <= info.get("Submission Time", 0) <= hi:
                    stages += 1
                    tasks += int(info["Number of Tasks"])
    timed = {j: v for j, v in jobs.items() if lo <= v[0] <= hi and v[1] is not None}
    inside = sum(v[1] - v[0] for v in timed.values()) / 1000
    sites = {}  # by action: localCheckpoint, collect, count; $anonfun...: adaptive query stages
    for start, end, site in timed.values():
        n, s = sites.get(site, (0, 0.0))
        sites[site] = (n + 1, s + (end - start) / 1000)
    lines = [f"    jobs {len(timed)}, stages {stages}, tasks {tasks}; {inside:.1f} s in jobs, "
             f"{seconds - inside:.1f} s between them (driver)"]
    for where, (n, s) in sorted(sites.items(), key=lambda kv: -kv[1][1])[:12]:
        lines.append(f"    {s:7.2f} s {n:3d} jobs  {where or '(no call site)'}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
