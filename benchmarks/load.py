"""``load_case`` against another checkout of netanalysis, on the same case folders, same run.

Each case folder is loaded in a fresh process per checkout (``PYTHONPATH`` set to the
checkout), so that peak memory (``VmHWM``) and caches are measured apart. The baseline is the
checkout given with ``--before`` (e.g. a ``git worktree`` of ``main``), measured in the same
run as the current tree. Printed per case and checkout: rows read, rows rejected, seconds
(wall and CPU of the child process), peak resident memory, and the ratio of the current
tree's time to the baseline's; then whether the two loads are **identical**: every table
(column names, dtypes and every value, in order), the rejects ledger and the counts, compared
by SHA-256 digests computed in each child after the timed load.

Write the cases with ``netanalysis synth`` (not timed here), e.g.::

    netanalysis synth --out /tmp/c100k --persons 100000 --seed 0 --quiet
    netanalysis synth --out /tmp/d50k --persons 50000 --seed 3 --dirty 0.02 --quiet

Usage::

    git worktree add /tmp/main-before main
    python benchmarks/load.py /tmp/c100k /tmp/d50k --before /tmp/main-before
    python benchmarks/load.py /tmp/c100k --repeat 3          # current tree only

The exit status is 1 when some load differs from the baseline's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchlib import peak_rss_kb


def _digest_frame(df):
    """SHA-256 of a DataFrame's column names, dtypes and values (``repr`` of each cell)."""
    h = hashlib.sha256()
    h.update(repr(list(df.columns)).encode())
    for c in df.columns:
        col = df[c]
        h.update(f"\x1e{c}\x1f{col.dtype}\x1f{len(col)}".encode())
        h.update("\x1f".join(map(repr, col.tolist())).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _child(folder):
    import netanalysis
    from netanalysis.ingest import load_case

    t0, c0 = time.perf_counter(), time.process_time()
    case = load_case(folder)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = peak_rss_kb()
    digests = {k: _digest_frame(t) for k, t in sorted(case.tables.items())}
    digests["rejects"] = _digest_frame(case.rejects)
    counts = json.dumps(case.counts, sort_keys=True, default=str)
    digests["counts"] = hashlib.sha256(counts.encode()).hexdigest()
    print(json.dumps({
        "seconds": secs, "cpu": cpu, "peak_kb": peak,
        "read": sum(c["read"] for c in case.counts.values()),
        "rejected": sum(c["rejected"] for c in case.counts.values()),
        "digests": digests, "module": str(Path(netanalysis.__file__).parent.parent),
    }))


def _measure(tree, folder):
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, __file__, "--child", str(folder)], env=env,
                         cwd=str(tree), capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"load_case failed in {tree} on {folder}:\n{out.stderr[-3000:]}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if Path(res["module"]).resolve() != Path(tree).resolve():
        sys.exit(f"the child imported netanalysis from {res['module']}, not {tree}")
    return res


def _loadavg():
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", type=Path, help="case folders (netanalysis synth --out)")
    ap.add_argument("--before", type=Path, default=None,
                    help="a checkout of netanalysis measured as the baseline in the same run")
    ap.add_argument("--repeat", type=int, default=1,
                    help="loads per case and checkout; the fastest is printed (default 1)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child)
        return 0
    if not args.cases:
        ap.error("name at least one case folder")
    here = Path(__file__).resolve().parent.parent
    trees = ([("before", args.before.resolve())] if args.before else []) + [("now", here)]
    print(f"{'case':<28} {'tree':<6} {'rows read':>10} {'rejected':>9} {'wall s':>7} "
          f"{'cpu s':>7} {'peak MB':>8} {'ratio':>6} {'load':>5}")
    differ = False
    for folder in args.cases:
        res = {}
        for name, tree in trees:
            runs = []
            for _ in range(max(args.repeat, 1)):
                la = _loadavg()
                runs.append((_measure(tree, folder), la))
            res[name], la = min(runs, key=lambda r: r[0]["seconds"])
            r = res[name]
            ratio = (f"{r['seconds'] / res['before']['seconds']:.2f}" if "before" in res
                     and name != "before" else "")
            print(f"{str(folder)[-28:]:<28} {name:<6} {r['read']:>10,} {r['rejected']:>9,} "
                  f"{r['seconds']:>7.2f} {r['cpu']:>7.2f} {r['peak_kb'] / 1024:>8.0f} "
                  f"{ratio:>6} {la:>5}", flush=True)
        if "before" in res:
            a, b = res["before"]["digests"], res["now"]["digests"]
            bad = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            differ |= bool(bad)
            print(f"#   identical tables, rejects and counts: "
                  f"{'yes' if not bad else 'NO, differ: ' + ', '.join(bad)}", flush=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
