"""Ingest throughput and peak memory on synthetic cases.

For each size, a synthetic case is written with :func:`netanalysis.synth.synth_case` (not
timed), then read in a fresh process twice: once with :func:`netanalysis.ingest.load_case`
(everything: decoding, parsing, validation, references, rejects) and once with a bare
``pandas.read_csv(dtype=str)`` of the same files as the baseline measured in the same run.
Printed per size: rows read, seconds, rows per second, peak resident memory of the process
(``VmHWM``) and the ratio of ingest time to the baseline time.

Usage::

    python benchmarks/ingest.py                       # 10k, 100k and 1M persons
    python benchmarks/ingest.py --sizes 10000,100000 --seed 3
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import peak_rss_kb


def _child(mode, folder):
    import pandas as pd

    from netanalysis.ingest import load_case

    base_rss = peak_rss_kb()
    t0 = time.perf_counter()
    if mode == "ingest":
        case = load_case(folder)
        rows = sum(c["read"] for c in case.counts.values())
        rejected = sum(c["rejected"] for c in case.counts.values())
        files = {c["file"]: c["read"] for c in case.counts.values() if c["file"]}
    else:
        rows, rejected, files = 0, 0, {}
        for p in sorted(Path(folder).glob("*.csv")):
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
            rows += len(df)
            files[p.name] = len(df)
    secs = time.perf_counter() - t0
    peak = peak_rss_kb()
    print(json.dumps({"rows": rows, "rejected": rejected, "seconds": secs, "peak_kb": peak,
                      "base_kb": base_rss, "files": files}))


def _measure(mode, folder):
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(folder)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000",
                    help="comma-separated numbers of persons (default 10000,100000,1000000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None, help="where to write the cases (default: a temp dir)")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(*args.child)
        return
    from netanalysis.synth import synth_case

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="netanalysis-bench-"))
    print(f"{'persons':>9} {'rows':>10} {'ingest s':>9} {'rows/s':>10} {'peak MB':>8} "
          f"{'read_csv s':>10} {'ratio':>6}")
    for n in sizes:
        folder = work / f"case_{n}"
        if not (folder / "persons.csv").exists():
            t0 = time.perf_counter()
            synth_case(folder, persons=n, seed=args.seed)
            print(f"# synth {n:,} persons: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        ing = _measure("ingest", folder)
        base = _measure("baseline", folder)
        rate = ing["rows"] / ing["seconds"] if ing["seconds"] else float("inf")
        print(f"{n:>9,} {ing['rows']:>10,} {ing['seconds']:>9.2f} {rate:>10,.0f} "
              f"{ing['peak_kb'] / 1024:>8.0f} {base['seconds']:>10.2f} "
              f"{ing['seconds'] / base['seconds']:>6.1f}", flush=True)
        print(f"#   files: {ing['files']}; rejected rows: {ing['rejected']:,}; process RSS "
              f"before ingest {ing['base_kb'] / 1024:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
