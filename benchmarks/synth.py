"""Speed, memory and output size of the synthetic case generator.

For each size, :func:`netanalysis.synth.synth_case` runs in a fresh process (so peak memory
is its own) and writes into a temporary folder that is deleted afterwards. Printed per size:
wall seconds, CPU seconds (user + system, the forked file writers included: what
the run costs; on a shared machine wall time is larger), peak resident memory (``VmHWM``), total rows and MB written, and
the CPU seconds per 1,000 persons as a ratio to the smallest size of the same run (1.0 means
the generator scales linearly).

Usage::

    python benchmarks/synth.py                         # 10k, 100k and 1M persons
    python benchmarks/synth.py --sizes 10000,100000 --seed 3
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

_CHILD = r"""
import json, os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from benchlib import peak_rss_kb
from netanalysis.synth import synth_case
out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def cpu_now():
    t = os.times()  # this process and its (forked, waited-for) writers
    return t.user + t.system + t.children_user + t.children_system
t0, c0 = time.perf_counter(), cpu_now()
s = synth_case(out, persons=n, seed=seed)
wall, cpu = time.perf_counter() - t0, cpu_now() - c0
hwm = peak_rss_kb()
size = {p.name: p.stat().st_size for p in Path(out).glob("*.csv")}
print(json.dumps({"wall": wall, "cpu": cpu, "hwm_kb": hwm, "rows": s["rows"], "bytes": size}))
"""


def run(n, seed):
    tmp = Path(tempfile.mkdtemp(prefix=f"synth{n}_"))
    try:
        res = subprocess.run([sys.executable, "-c", _CHILD, str(tmp / "case"), str(n), str(seed),
                              str(Path(__file__).resolve().parent)],
                             check=True, capture_output=True, text=True)
        return json.loads(res.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    print(f"{'persons':>10} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'rows':>11} {'MB':>8} "
          f"{'cpu/1k':>8} {'ratio':>6}")
    base = None
    for n in sizes:
        r = run(n, args.seed)
        rows = sum(r["rows"].values())
        mb = sum(r["bytes"].values()) / 1e6
        per = r["cpu"] / n * 1000
        base = base or per
        print(f"{n:>10,} {r['wall']:>8.1f} {r['cpu']:>8.1f} {r['hwm_kb'] / 1024:>8.0f} {rows:>11,} "
              f"{mb:>8.1f} {per:>8.3f} {per / base:>6.2f}", flush=True)
        print("           files (MB): " + ", ".join(
            f"{k[:-4]} {v / 1e6:.1f}" for k, v in sorted(r["bytes"].items())), flush=True)


if __name__ == "__main__":
    main()
