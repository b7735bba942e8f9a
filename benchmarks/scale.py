"""Scale: the ranking kernels side by side (networkx, igraph, networkit) and the full pipeline
at 100k and 1M persons, against the goal (1M persons / 10M legs / 10M ties under 5 minutes and
8 GB).

``kernels``: a bulk-generated graph of N nodes and M edges (planted blocks of 50 nodes, 70 % of
the edges inside a block, weights 1-4; seeded: the same seed builds the same graph), built once
as a :class:`~netanalysis.analyze._kernels.Kernel` from an edge table, then every measure on
every library, each in its own child process (so its time and peak memory are its own and a
run past ``--cap`` seconds is stopped and printed as such). Printed per measure: seconds per
library, the ratio to igraph (today's engine, measured in the same run), and the agreement
with igraph (max absolute difference; top-10 overlap; modularity for Leiden). Exact
betweenness and closeness cost one traversal per node (O(nm)): they run on ``--exact-size``
(default 3k nodes / 30k edges); the others on each ``--graphs`` size. networkit uses every
core it is given (``--threads``, default all); its Leiden runs on one thread, the only
reproducible way.

``betweenness``: sampled against exact betweenness (igraph) on the party graph the pipeline
ranks (``synth_case`` at each ``--persons`` size and each ``--settings`` SEED:DIRTY, read,
resolved and inferred as ``analyze_case`` does; ``--blocks`` adds the planted-block graph):
for each ``--ks`` sample size (``rule``: the pipeline's own, :func:`~netanalysis.analyze.
measures.sample_size` on the graph's ties) and ``--repeats`` sample seeds, the share of the
exact top 1 % found in the sampled top 1 %, the Spearman correlation on the exact top 5 % and
on the exact top 100, the share of the exact top 20 in the sampled top 20, and CPU seconds
against exact (the figures behind :func:`netanalysis.analyze.measures.sample_size`). Exact
betweenness costs one traversal per node (about 20 CPU minutes at 100k persons): with
``--exact-procs P`` its sources are split into 64 chunks counted by P forked processes (the
counts of disjoint source sets add up to the exact count), each chunk saved under ``--cache``
as it ends, so a run cut at the heavy lock's time limit resumes; the result is cached too.

``pipeline``: :func:`netanalysis.synth.synth_case` at each ``--persons`` size (cached under
``--cache``, default ``/tmp/netanalysis-scale``), then :func:`netanalysis.pipeline.analyze_case`
in a child process: seconds per stage (prepare = read + resolve + infer; analysis; movements;
outputs, with ``--full`` the map and the report too) and inside the analysis (graph,
betweenness, other measures, communities, ...), peak RSS (``VmHWM``) and, per stage of
:data:`CPU_STAGES`, the RSS going in and out, the peak after it and whether it raised the
peak; rows in, against the goal, and CPU seconds (the child's user + system time, and around each function of
:data:`CPU_STAGES`: read, resolve, merges, infer, analysis and its kernels, movements,
tables; ``analysis`` counts the forked kernels' CPU too, ``analysis_parent`` this process's
own share), which move far less than wall seconds with the load of a shared machine. The child's
stage lines go to ``OUT.stderr.log`` as it runs (``OUT`` its output folder under ``--cache``),
so a run stopped by a time or memory cap still says which stages it finished. Under
``memcap.sh`` (a memory cgroup) the cgroup is sampled too: its resident (anonymous) peak,
children's copied pages included, apart from the page cache its usage also counts.
``--baseline REV`` runs the same case with the code of git revision REV first (extracted
with ``git archive`` into a temporary folder, so it is measured in the same run, under the same
load), prints each stage's ratio baseline / now (wall and CPU), and compares every output file by sha256
(``summary.json`` without its timings, ``manifest.json`` without its run id, times and the
hashes of those two, ``report.html`` without its "written" time). The stages the sig (DuckDB co-travel on 10M legs) and
spark2 (``benchmarks/spark_jobs.py``) engineers build are called through
:data:`EXTERNAL_STAGES` once they are merged; none is reimplemented here.

Memory at 1M persons (session 18). The 1M run of main 6cb36c1 was killed at the 8 GiB cap
after the analysis; the 8904163 run that finished peaked at 7,906 MB resident in the movements
(5,450 MB going in: the case, about 4 GB, and the ranking's tables), and its cgroup at the cap.
At 300k persons (main, load 1.6-2.2) the cgroup's resident peak was 2,405 MiB near the end of
the movements, the analysis with its forked kernels 2.07-2.14 GB, resolution about 2.0 GB. The
movement index was built for every person of the case (network ties, locations, co-travellers,
documents held as a dict of lists of tuples), and pandas' ``str`` columns gave a new Python
object per cell each time they were read as objects. Now (movements.py) each person's lists are
made when read (a model reads those of the fugitives, the training legs' travellers and their
network), texts are one object per distinct value, call times are coded by distinct ids, and
the pipeline anticipates the movements before the ranking (its tables not held meanwhile) and
empties resolution's name caches (up to 1.6 million entries) once the case is resolved. At 100k
persons, the movement model alone on the same case (tracemalloc): index held 230 -> 93 MB,
build peak 311 -> 155 MB; resident +449 -> +303 MB; movements.csv identical (sha256).
Whole pipeline at 100k, main vs c60a7b1 in one run (load 1.1-1.8): the 10 outputs identical,
process peak 1,054 -> 926 MB, wall 0.99x, CPU 44.5 -> 44.9 s.

1M persons at c60a7b1 (2026-12-04 22:41 UTC, memcap 8 GiB, load 1.5-2.3; 1,047,158 legs,
984,164 nodes / 2,818,936 ties): finished, 497 s wall, 519.8 CPU s (read 36.6, resolve 99.5,
merges 22.3, infer 61.3, movements 100.6, analysis own 42.6, forked kernels 119.5: betweenness
35.2, partition 58.0, eigenvector+core 26.3; tables 23.3). Process peak 5,993 MB, in the
resolution (the movements no longer raise it: 3,011 -> 4,476 MB); the cgroup's resident peak
6,723 MiB during the forked kernels (parent about 5.0 GB and three children's pages), usage
peak 7,372 MiB with 420 MiB of page cache. Left: the kernels' children (run two at a time on
two cores?), resolution's 2.3 GB transient, the case itself (3.7 GB once read). The goal's
300 s is not met (497 s).

The "super-linear analysis CPU" (13 CPU s at 300k, 161-179 at 1M) compared two different
things: ``analysis`` in the CPU table counts the forked kernels' CPU too (the child process's
``analysis`` timer plus ``kernel_cpu_s``), and 13 s was this process's own share. Own share
12.4 s at 300k, 48.2 s at 1M (3.9x for 3.3x the persons; sorts are n log n); forked kernels
38.9 -> 130.8 s (3.4x); the CPU table now prints ``analysis_parent`` apart.

Usage::

    python benchmarks/scale.py kernels --graphs 100000:1000000 --cap 240
    python benchmarks/scale.py kernels --graphs 1000000:10000000 --cap 300   # 1M / 10M
    python benchmarks/scale.py betweenness --persons 10000,30000 --ks 64,128,256,512,1024
    flock /work/coord/heavy.lock python benchmarks/scale.py betweenness --persons 100000 \
        --settings 0:0 --ks 64,rule,512 --exact-procs 2
    python benchmarks/scale.py pipeline --persons 100000 --baseline /work/main
    python benchmarks/scale.py pipeline --persons 20000 --full --baseline main
    nohup python benchmarks/scale.py pipeline --persons 1000000 > /tmp/scale_1m.log 2>&1 &
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import cpu_seconds  # noqa: E402

__all__ = ["CHILD_ENV", "CPU_STAGES", "EXTERNAL_STAGES", "MEASURES", "main"]

#: Goal of issue 11 for the full pipeline at 1M persons.
GOAL_SECONDS, GOAL_BYTES = 300, 8 * 1024 ** 3

#: Kernel measures timed: name -> libraries that run it. networkx runs only where a pure
#: Python run fits the cap at 100k nodes (PageRank, components, sampled betweenness).
MEASURES = {
    "pagerank": ("igraph", "networkit", "networkx"),
    "betweenness_sampled": ("igraph", "networkit", "networkx"),
    "leiden": ("igraph", "networkit"),
    "components": ("igraph", "networkit", "networkx"),
    "eigenvector": ("igraph", "networkit"),
    "core_number": ("igraph", "networkit"),
    "betweenness": ("igraph", "networkit"),
    "closeness": ("igraph", "networkit"),
}
_EXACT = ("betweenness", "closeness")

#: Stages other branches provide, called by their public functions when importable:
#: name -> (module, function). Each is timed like the pipeline stages, on the same case.
#: To fill in when merged (do not reimplement them here):
#: - "cotravel_duckdb_10m": the sig branch's seeded DuckDB co-travel on 10M legs
#:   (netanalysis.resolve.infer / benchmarks/cotravel.py),
#: - "spark_jobs": the spark2 branch's benchmarks/spark_jobs.py (throughput per core).
EXTERNAL_STAGES = {}

_KERNEL_CHILD = r"""
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
import scale
n, m, seed, measure, lib, threads = (int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                                     sys.argv[5], sys.argv[6], int(sys.argv[7]))
K = scale._kernel(n, m, seed)
if threads > 0:
    import networkit as nk
    nk.setNumberOfThreads(threads)
vals, wall, cpu = scale._measure(K, measure, lib, seed)
q = None
if measure == "leiden":
    from netanalysis.analyze.communities import partition_modularity
    q = partition_modularity(K, vals, "weight")
np.save(sys.argv[8], np.asarray(vals, dtype=float))
from benchlib import peak_rss_kb
print(json.dumps({"wall": wall, "cpu": cpu, "hwm_kb": peak_rss_kb(), "q": q}))
"""

#: CPU seconds are measured around these functions in the pipeline child (label -> module,
#: name; the pipeline reads each by its module attribute at call time, so wrapping that
#: attribute times every call). On a shared, loaded machine wall seconds move with the load;
#: CPU seconds of one single-threaded process move far less, so the stage table and the
#: ratios are given in both. A label whose function a tree lacks is left out for that tree.
CPU_STAGES = {
    "read": ("netanalysis.ingest", "load_case"),
    "resolve": ("netanalysis.resolve", "resolve_entities"),
    "merges": ("netanalysis.resolve", "apply_merges"),
    "infer": ("netanalysis.resolve", "infer_links"),
    "analysis": ("netanalysis.analyze", "run_analysis"),
    "betweenness": ("netanalysis.analyze.centrality", "betweenness_array"),
    "leiden": ("netanalysis.analyze.measures", "membership_array"),
    "circle": ("netanalysis.analyze.measures", "circle_membership"),
    "pagerank": ("netanalysis.analyze.centrality", "pagerank_array"),
    "eigenvector": ("netanalysis.analyze.centrality", "eigenvector_array"),
    "support_reach": ("netanalysis.analyze.measures", "support_reach"),
    "bridging": ("netanalysis.analyze.measures", "group_bridging"),
    "movements": ("netanalysis.analyze.movements", "anticipate"),
    "tables": ("netanalysis.pipeline", "_write_csv"),
}

#: Environment of the pipeline child unless the caller's sets them: allocators that reserve
#: less address space than they map. Under the heavy lock's cap (``prlimit --as``, which
#: bounds address space, not resident memory) pyarrow's default pool (a 1 GiB reservation
#: at first use) and glibc's arena per thread (64 MiB each) took about 2.2 GB of the 8 GiB
#: at 2k persons with 0.29 GB resident (0.84 GB with these two); the 1M run of 12:22 UTC
#: stopped with MemoryError at 4.9 GB resident. Resident memory is what the goal counts.
#: With them (1M, 2026-12-03 12:41 UTC, load 4-5) prepare_case and every kernel ran (about
#: 320 CPU s: read 33, resolve 72, merges 18, infer 62, analysis 135), resident peak
#: 6.0 GB, but the address space still grew to the 8 GiB cap in the analysis (7.3 GB at the
#: kernel build, MemoryError in the scores at 8.19 GB): movements and tables not reached.
CHILD_ENV = {"ARROW_DEFAULT_MEMORY_POOL": "system", "MALLOC_ARENA_MAX": "2"}

_PIPE_CHILD = r"""
import functools, importlib, json, resource, sys, time
sys.path.insert(0, sys.argv[6])
from benchlib import peak_rss_kb
from netanalysis.pipeline import analyze_case
full = sys.argv[4] == "full"
cpu, mem = {}, {}
def rss_kb(field="VmRSS:"):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
    return 0
def timed(label, fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        t, r0, h0 = time.process_time(), rss_kb(), peak_rss_kb()
        try:
            return fn(*a, **k)
        finally:
            cpu[label] = cpu.get(label, 0.0) + time.process_time() - t
            h1 = peak_rss_kb()
            m = mem.setdefault(label, {"rss_in_mb": round(r0 / 1024), "peak_mb": 0,
                                       "new_peak": False})
            m["peak_mb"] = max(m["peak_mb"], round(h1 / 1024))
            m["rss_out_mb"] = round(rss_kb() / 1024)
            m["new_peak"] = m["new_peak"] or h1 > h0
            print(f"stage {label}: {cpu[label]:.1f} CPU s, RSS {m['rss_out_mb']:,} MB, peak "
                  f"{m['peak_mb']:,} MB, address space peak {rss_kb('VmPeak:') // 1024:,} MB",
                  file=sys.stderr, flush=True)  # shown if the run fails
    return wrapper
for label, (mod, name) in json.loads(sys.argv[5]).items():
    try:
        m = importlib.import_module(mod)
        setattr(m, name, timed(label, getattr(m, name)))
    except (ImportError, AttributeError):
        pass
t = time.perf_counter()
run = analyze_case(sys.argv[2], sys.argv[3], write_map=full, write_report=full, seed=0)
wall = time.perf_counter() - t
hwm = peak_rss_kb()
ru = resource.getrusage(resource.RUSAGE_SELF)
ruc = resource.getrusage(resource.RUSAGE_CHILDREN)  # forked stages (movements, kernels)
tm = run.summary.get("timings") or {}
if tm.get("movements_alongside"):  # run inside run_analysis, beside the forked kernels
    cpu["analysis"] = cpu.get("analysis", 0.0) - cpu.get("movements", 0.0)
at = run.analysis.meta.get("timings") or {}
if "analysis" in cpu:  # this process's own share, before the forked kernels are added
    cpu["analysis_parent"] = cpu["analysis"]
for k in at.get("kernels_forked") or []:
    c_ = (at.get("kernel_cpu_s") or {}).get(k, 0.0)
    cpu[k] = cpu.get(k, 0.0) + c_
    cpu["analysis"] = cpu.get("analysis", 0.0) + c_
print(json.dumps({"wall": wall, "hwm_kb": hwm, "vm_peak_kb": rss_kb("VmPeak:"), "timings": run.summary.get("timings"),
                  "analysis": run.analysis.meta.get("timings"), "rows": run.summary.get("rows"),
                  "nodes": run.analysis.meta.get("nodes"), "ties": run.analysis.meta.get("ties"),
                  "cpu_s": ru.ru_utime + ru.ru_stime + ruc.ru_utime + ruc.ru_stime,
                  "cpu_children_s": ruc.ru_utime + ruc.ru_stime, "child_hwm_kb": ruc.ru_maxrss,
                  "cpu": {k: round(v, 2) for k, v in cpu.items()}, "mem": mem},
                 default=str))
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    k = sub.add_parser("kernels")
    k.add_argument("--graphs", default="100000:1000000",
                   help="comma-separated NODES:EDGES sizes")
    k.add_argument("--exact-size", default="3000:30000")
    k.add_argument("--measures", default=",".join(MEASURES))
    k.add_argument("--cap", type=float, default=240.0, help="seconds per measure run")
    k.add_argument("--threads", type=int, default=0, help="networkit threads (0: all)")
    k.add_argument("--seed", type=int, default=0)
    b = sub.add_parser("betweenness")
    b.add_argument("--persons", default="10000,30000")
    b.add_argument("--settings", default="0:0,1:0.05",
                   help="comma-separated SEED:DIRTY generator settings of synth_case")
    b.add_argument("--ks", default="64,128,256,512",
                   help="comma-separated sample sizes; 'rule' is the pipeline's own "
                        "(measures.sample_size on the graph's ties)")
    b.add_argument("--repeats", type=int, default=3, help="sample seeds per k")
    b.add_argument("--exact-procs", type=int, default=1,
                   help="processes sharing the exact run (its sources split between them; "
                        "the exact values are cached under --cache)")
    b.add_argument("--blocks", default="", help="also the planted-block graph: NODES:EDGES,...")
    b.add_argument("--cache", default="/tmp/netanalysis-scale")
    p = sub.add_parser("pipeline")
    p.add_argument("--persons", default="100000")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default="/tmp/netanalysis-scale")
    p.add_argument("--full", action="store_true", help="write the map and the report too")
    p.add_argument("--baseline", default=None,
                   help="git revision (or a folder holding that code) measured first on the "
                        "same case: ratios, output check")
    args = ap.parse_args(argv)
    if args.cmd == "kernels":
        _kernels_cmd(args)
    elif args.cmd == "betweenness":
        _betweenness_cmd(args)
    else:
        _pipeline_cmd(args)


def _kernels_cmd(args):
    import tempfile

    import numpy as np

    sizes = [tuple(int(x) for x in s.split(":")) for s in args.graphs.split(",")]
    exact = tuple(int(x) for x in args.exact_size.split(":"))
    measures = args.measures.split(",")
    here = str(Path(__file__).resolve().parent)
    print(f"kernels: planted blocks of 50, 70 % of edges inside, seed {args.seed}; "
          f"cap {args.cap:.0f} s per run; networkit threads {args.threads or os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="scale_k") as tmp:
        for measure in measures:
            for n, m in ([exact] if measure in _EXACT else sizes):
                res = {}
                for lib in MEASURES[measure]:
                    if lib == "networkx" and n > 100_000:
                        continue  # pure Python: past the cap at 1M nodes
                    out = Path(tmp) / f"{measure}_{lib}_{n}.npy"
                    cmd = [sys.executable, "-c", _KERNEL_CHILD, here, str(n), str(m),
                           str(args.seed), measure, lib,
                           str(args.threads if lib == "networkit" else 0), str(out)]
                    t0 = time.perf_counter()
                    try:
                        r = subprocess.run(cmd, capture_output=True, text=True, check=True,
                                           timeout=args.cap + 120)
                        info = json.loads(r.stdout.strip().splitlines()[-1])
                        info["vals"] = np.load(out)
                    except subprocess.TimeoutExpired:
                        info = {"wall": None, "note": f"over {args.cap + 120:.0f} s with build"}
                    except subprocess.CalledProcessError as e:
                        info = {"wall": None, "note": e.stderr.strip().splitlines()[-1][:80]}
                    info["child_s"] = time.perf_counter() - t0
                    res[lib] = info
                _print_measure(measure, n, m, res)


def _print_measure(measure, n, m, res):
    import numpy as np

    base = res.get("igraph", {})
    bw, bv = base.get("wall"), base.get("vals")
    for lib, r in res.items():
        w = r.get("wall")
        if w is None:
            print(f"  {measure:<20} {n:>9,}/{m:<10,} {lib:<10} {'-':>8}  {r.get('note', '')}",
                  flush=True)
            continue
        ratio = f"{bw / w:6.2f}x" if bw else "   -  "
        agree = ""
        v = r.get("vals")
        if bv is not None and v is not None and len(v) == len(bv) and lib != "igraph":
            if measure == "leiden":
                agree = f"modularity {r.get('q', float('nan')):.4f} vs {base.get('q', 0):.4f}"
            elif measure in ("components", "core_number"):
                agree = "identical" if np.array_equal(v, bv) else "DIFFERENT"
            else:
                top = len(set(np.argsort(-v)[:10]) & set(np.argsort(-bv)[:10]))
                agree = f"max |diff| {np.abs(v - bv).max():.2e}, top-10 shared {top}/10"
        cpu = f" ({r['cpu']:.2f} CPU s)" if r.get("cpu") is not None else ""
        print(f"  {measure:<20} {n:>9,}/{m:<10,} {lib:<10} {w:8.2f} s{cpu}  speed vs igraph {ratio}"
              f"  peak {r['hwm_kb'] / 1024:,.0f} MB  {agree}", flush=True)


def _kernel(n, m, seed):
    """Kernel of the bulk-generated benchmark graph (cached under /tmp as .npz)."""
    import numpy as np
    import pandas as pd

    from netanalysis.analyze._kernels import kernel_from_edges

    path = Path(f"/tmp/netanalysis-scale/graph_{n}_{m}_{seed}.npz")
    if path.exists():
        d = np.load(path)
        a, b, w = d["a"], d["b"], d["w"]
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, n, m)
        inside = rng.random(m) < 0.7
        b = np.where(inside, (a // 50) * 50 + rng.integers(0, 50, m), rng.integers(0, n, m))
        b = np.minimum(b, n - 1)
        w = rng.integers(1, 5, m).astype(float)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, a=a, b=b, w=w)
    ids = np.array([f"p{i}" for i in range(n)], dtype=object)
    e = pd.DataFrame({"source": ids[a], "target": ids[b], "weight": w, "confidence": 1.0})
    return kernel_from_edges(e, ids)


def _measure(K, measure, lib, seed):
    """Run `measure` on `lib`: (values aligned with K's vertices, seconds of the measure alone)."""
    import numpy as np

    from netanalysis.analyze import centrality as C
    from netanalysis.analyze.communities import component_array, membership_array, renumber

    if lib == "networkx":
        import networkx as nx

        from netanalysis.analyze._kernels import nx_from_kernel

        G = nx_from_kernel(K)  # the conversion is not timed
        t, c = time.perf_counter(), time.process_time()
        if measure == "pagerank":
            d = nx.pagerank(G, weight="weight")
        elif measure == "betweenness_sampled":
            d = nx.betweenness_centrality(G, k=64, seed=seed)
        elif measure == "components":
            d = {v: i for i, c in enumerate(nx.connected_components(G)) for v in c}
        else:
            raise ValueError(measure)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        x = np.array([d[v] for v in K.names.tolist()])
        return (renumber(K.names, x) if measure == "components" else x), wall, cpu
    if lib == "networkit":
        K.networkit_graph("weight" if measure in ("pagerank", "leiden", "eigenvector")
                          else None)  # not timed
    t, c = time.perf_counter(), time.process_time()
    if measure == "pagerank":
        v = C.pagerank_array(K, weight="weight", engine=lib)
    elif measure == "betweenness_sampled":
        v = C.betweenness_array(K, k=64, seed=seed, engine=lib)[0]
    elif measure == "betweenness":
        v = C.betweenness_array(K, engine=lib)[0]
    elif measure == "closeness":
        v = C.closeness_array(K, engine=lib)
    elif measure == "components":
        v = component_array(K, engine=lib)
    elif measure == "eigenvector":
        v = C.eigenvector_array(K, weight="weight", engine=lib)
    elif measure == "core_number":
        v = C.core_number_array(K, engine=lib)
    elif measure == "leiden":
        v = membership_array(K, weight="weight", seed=seed, n_iterations=2, engine=lib)
    else:
        raise ValueError(measure)
    return v, time.perf_counter() - t, time.process_time() - c


def _betweenness_cmd(args):
    """Sampled against exact betweenness on the party graph the pipeline ranks."""
    import numpy as np

    from netanalysis.analyze.centrality import betweenness_array

    from netanalysis.analyze.measures import sample_size

    print(f"betweenness: exact (igraph) against k sampled sources, {args.repeats} sample seeds "
          f"per k; recall = share of the exact top 1 % found in the sampled top 1 %; Spearman "
          f"on the exact top 5 % and on the exact top 100; top-20 overlap = share of the exact "
          f"top 20 in the sampled top 20; CPU s of this process (of all processes for exact); "
          f"{_load()}", flush=True)
    graphs = []
    for n in [int(x) for x in args.persons.split(",") if x]:
        for st in args.settings.split(","):
            seed, dirty = int(st.split(":")[0]), float(st.split(":")[1])
            graphs.append((f"synth {n:,} persons seed {seed} dirty {dirty:g}",
                           lambda n=n, seed=seed, dirty=dirty: _party_kernel(n, seed, dirty,
                                                                             args.cache)))
    for spec in filter(None, args.blocks.split(",")):
        nn, mm = (int(x) for x in spec.split(":"))
        graphs.append((f"planted blocks {nn:,}/{mm:,}", lambda nn=nn, mm=mm: _kernel(nn, mm, 0)))
    for label, build in graphs:
        K = build()
        n, m = K.graph.vcount(), K.graph.ecount()
        cached = Path(args.cache) / ("exact_betweenness_" + "".join(
            ch if ch.isalnum() else "_" for ch in label) + f"_{n}_{m}.npy")
        exact, c_exact, how = _exact_betweenness(K, args.exact_procs, cached)
        order = np.argsort(-exact, kind="stable")
        top1, top5 = max(1, n // 100), max(2, n // 20)
        t1, t5 = set(order[:top1].tolist()), order[:top5]
        t100, t20 = order[:100], set(order[:20].tolist())
        print(f"  {label}: party graph {n:,} nodes / {m:,} ties; exact {c_exact:.1f} CPU s "
              f"({how}); {_load()}", flush=True)
        ks = [sample_size(n, ties=m) if x == "rule" else int(x) for x in args.ks.split(",")]
        for k in ks:
            rec, rho, rho100, ov20, cpu = [], [], [], [], []
            for r in range(args.repeats):
                c = cpu_seconds()
                v, _ = betweenness_array(K, k=k, seed=r, engine="igraph")
                cpu.append(cpu_seconds() - c)
                got = np.argsort(-v, kind="stable")
                rec.append(len(t1 & set(got[:top1].tolist())) / top1)
                rho.append(_spearman(exact[t5], v[t5]))
                rho100.append(_spearman(exact[t100], v[t100]))
                ov20.append(len(t20 & set(got[:20].tolist())) / 20)
            print(f"    k {k:>4} ({k / n:6.2%} of nodes): top-1 % recall {np.mean(rec):.1%} "
                  f"(min {min(rec):.1%}, max {max(rec):.1%}); Spearman top 5 % {np.mean(rho):.3f} "
                  f"(min {min(rho):.3f}); Spearman top 100 {np.mean(rho100):.3f} (min "
                  f"{min(rho100):.3f}); top-20 overlap {np.mean(ov20):.0%} (min {min(ov20):.0%});"
                  f" {np.mean(cpu):.2f} CPU s ({c_exact / np.mean(cpu):.0f}x less than exact)",
                  flush=True)


_EXACT_K = None  # the kernel the exact-betweenness workers read (inherited through fork)


def _exact_part(job):
    """Raw igraph betweenness counted from the sources of `job` alone, and its CPU seconds.

    `job` is (sources, file): the result is saved in that file (raw counts, then the CPU
    seconds) and read from it when it is there already, so an interrupted exact run resumes.
    """
    import numpy as np

    sources, part = job
    if part.exists():
        d = np.load(part, allow_pickle=False)
        return d[:-1], float(d[-1])
    t = time.process_time()
    raw = np.asarray(_EXACT_K.graph.betweenness(directed=False, sources=sources), dtype=float)
    c = time.process_time() - t
    np.save(part, np.append(raw, c))
    return raw, c


def _exact_betweenness(K, procs, cached):
    """Exact normalised betweenness of `K` (undirected), its CPU seconds and how it was got.

    With `procs` > 1 the sources are split into chunks counted in forked processes: the
    counts from disjoint source sets add up to the count from all sources, which is
    igraph's exact count. Each chunk is saved as it ends (an interrupted run resumes from
    the chunks done); the values are saved in `cached` and read from there next time.
    """
    import multiprocessing as mp

    import numpy as np

    from netanalysis.analyze.centrality import betweenness_array

    global _EXACT_K
    if cached.exists():
        d = np.load(cached, allow_pickle=False)
        return d[:-1], float(d[-1]), f"cached in {cached}"
    n = K.graph.vcount()
    if procs <= 1 or K.graph.is_directed() or n < 3:
        c = cpu_seconds()
        exact, _ = betweenness_array(K, engine="igraph")
        c_exact, how = cpu_seconds() - c, "one process"
    else:
        _EXACT_K = K
        cached.parent.mkdir(parents=True, exist_ok=True)
        chunks = np.array_split(np.arange(n), 64)
        jobs = [(c.tolist(), cached.with_name(f"{cached.stem}.part{i}of64.npy"))
                for i, c in enumerate(chunks)]
        pool = mp.get_context("fork").Pool(procs)
        try:
            parts = pool.map(_exact_part, jobs, chunksize=1)
        finally:
            pool.close()
            pool.join()
            _EXACT_K = None
        raw = np.sum([p[0] for p in parts], axis=0)
        exact = raw * 2.0 / ((n - 1) * (n - 2))  # as betweenness_array(normalized=True)
        c_exact, how = float(sum(p[1] for p in parts)), f"{procs} processes"
    cached.parent.mkdir(parents=True, exist_ok=True)
    np.save(cached, np.append(exact, c_exact))
    for part in cached.parent.glob(f"{cached.stem}.part*of64.npy"):
        part.unlink()
    return exact, c_exact, how


def _party_kernel(n, seed, dirty, cache):
    """Kernel of the party graph analyze_case ranks for synth_case(n, seed, dirty)."""
    from netanalysis.analyze._kernels import kernel_from_edges
    from netanalysis.model.graph import party_edges, party_nodes
    from netanalysis.pipeline import prepare_case

    case_dir = Path(cache) / (f"synth_{n}_s{seed}" + (f"_d{dirty:g}" if dirty else ""))
    if not (case_dir / "persons.csv").exists():
        from netanalysis.synth import synth_case

        synth_case(case_dir, persons=n, seed=seed, dirty=dirty)
    case = prepare_case(case_dir)
    return kernel_from_edges(party_edges(case, include_inferred=True), party_nodes(case))


def _spearman(a, b):
    from scipy.stats import spearmanr

    return float(spearmanr(a, b).statistic)


def _pipeline_cmd(args):
    import tempfile

    sizes = [int(x) for x in args.persons.split(",")]
    print(f"pipeline: synth_case(persons=N, seed={args.seed}), analyze_case(seed=0, "
          f"{'map and report' if args.full else 'no map, no report'}); goal at 1M persons: "
          f"{GOAL_SECONDS} s, {GOAL_BYTES / 1024 ** 3:.0f} GB; child environment "
          + " ".join(f"{k}={os.environ.get(k, v)}" for k, v in CHILD_ENV.items())
          + f"; load average {_load()}", flush=True)
    repo = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="scale_base") as tmp:
        trees = [("now", repo)]
        if args.baseline and Path(args.baseline).is_dir():
            trees.insert(0, (f"baseline {args.baseline}", Path(args.baseline)))
        elif args.baseline:
            rev = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", args.baseline],
                                 capture_output=True, text=True, check=True).stdout.strip()
            arc = subprocess.run(["git", "-C", str(repo), "archive", rev], capture_output=True,
                                 check=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=arc, check=True)
            trees.insert(0, (f"baseline {rev}", Path(tmp)))
        base = None
        for n in sizes:
            case = Path(args.cache) / f"synth_{n}_s{args.seed}"
            if not (case / "persons.csv").exists():
                from netanalysis.synth import synth_case

                t = time.perf_counter()
                synth_case(case, persons=n, seed=args.seed)
                print(f"  generated {case} in {time.perf_counter() - t:.0f} s", flush=True)
            legs = _rows(case / "travel.csv") if (case / "travel.csv").exists() else None
            runs = {}
            for label, tree in trees:
                out = Path(args.cache) / f"out_{n}_s{args.seed}_{label.split()[0]}"
                info = _pipe_run(tree, case, out, args.full)
                if info is None:
                    print(f"  {n:,} persons, {label}: failed")
                    continue
                runs[label] = (info, out)
                per = info["wall"] / n * 1e6
                base = base or per
                print(f"  {n:>9,} persons ({label}), {legs or 0:,} travel rows, graph "
                      f"{info['nodes']:,} nodes / {info['ties']:,} ties: {info['wall']:.0f} s, peak "
                      f"{info['hwm_kb'] / 1024:,.0f} MB (address space "
                      f"{info.get('vm_peak_kb', 0) / 1024:,.0f} MB); s per 1M persons {per:.0f} (ratio to "
                      f"first size {per / base:.2f}); load average {_load()}", flush=True)
                print("    stages: " + ", ".join(f"{k} {v}" for k, v in
                                                 (info["timings"] or {}).items()))
                print("    analysis: " + ", ".join(f"{k} {v}" for k, v in
                                                   (info["analysis"] or {}).items()))
                if info.get("child_hwm_kb"):
                    print(f"    forked children: {info.get('cpu_children_s', 0):.1f} CPU s, largest "
                          f"child peak RSS {info['child_hwm_kb'] / 1024:,.0f} MB (counts pages "
                          "shared with the parent; the process tree's resident peak is "
                          "memcap.sh's figure)")
                if info.get("cpu_s") is not None:
                    ratio = info["wall"] / max(info["cpu_s"], 1e-9)
                    print(f"    CPU {info['cpu_s']:.1f} s, children included (wall / CPU {ratio:.2f}); "
                          "CPU s by stage: " + ", ".join(f"{k} {v} ({100 * v / info['cpu_s']:.0f} %)"
                                                        for k, v in info["cpu"].items()))
                if info.get("mem"):
                    print("    memory by stage (RSS in -> out, process peak after; * the stage "
                          "raised the peak): " + ", ".join(
                              f"{k} {v['rss_in_mb']:,}->{v['rss_out_mb']:,} MB (peak "
                              f"{v['peak_mb']:,}{'*' if v['new_peak'] else ''})"
                              for k, v in info["mem"].items()), flush=True)
                if n >= 1_000_000:
                    ok = info["wall"] <= GOAL_SECONDS and info["hwm_kb"] * 1024 <= GOAL_BYTES
                    print(f"    goal {'met' if ok else 'NOT met'}: {info['wall']:.0f} s of "
                          f"{GOAL_SECONDS}, {info['hwm_kb'] / 1024 ** 2:.1f} GB of 8")
            if len(runs) == 2:
                (b, bout), (a, aout) = runs.values()
                _print_ratios(b, a)
                same, differ = _compare_outputs(bout, aout)
                print(f"    outputs: {len(same)} identical" + (
                    f", DIFFERENT: {', '.join(differ)}" if differ else " (all)"), flush=True)
    for name, (mod, fn) in EXTERNAL_STAGES.items():
        print(f"  external stage {name}: {mod}.{fn} (not merged in this branch)")


def _pipe_run(tree, case, out, full):
    """One pipeline run in a child process importing netanalysis from `tree`."""
    env = {**CHILD_ENV, **os.environ, "PYTHONPATH": str(tree)}
    log = Path(f"{out}.stderr.log")  # the child's stage lines as they come: kept if it is killed
    log.parent.mkdir(parents=True, exist_ok=True)
    sampler = _CgroupSampler(log)
    sampler.start()
    try:
        with open(log, "w") as err:
            r = subprocess.run([sys.executable, "-c", _PIPE_CHILD, str(tree), str(case), str(out),
                                "full" if full else "fast", json.dumps(CPU_STAGES),
                                str(Path(__file__).resolve().parent)], stdout=subprocess.PIPE,
                               stderr=err, text=True, env=env, cwd=str(tree))
    finally:
        sampler.finish()
    if sampler.peak_anon:
        print(f"    memory cgroup: resident (anonymous) peak {sampler.peak_anon / 2 ** 20:,.0f} MiB "
              f"after stage {sampler.stage or '-'} (page cache then {sampler.cache_then / 2 ** 20:,.0f}"
              f" MiB); usage peak {sampler.peak_usage / 2 ** 20:,.0f} MiB, page cache included",
              flush=True)
    if r.returncode:
        lines = log.read_text(errors="replace").strip().splitlines() or ["?"]
        stages = [x for x in lines if x.startswith("stage ")]
        print(f"    exit status {r.returncode}; stages done: " + "; ".join(
            x[len("stage "):] for x in stages))
        print("    " + "\n    ".join(x[:200] for x in lines[-6:]))
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


class _CgroupSampler:
    """The resident peak of this process's memory cgroup (v1, as ``memcap.sh`` makes) while
    a pipeline child runs: anonymous memory (``total_rss``: the process tree's own pages,
    forked children's copied pages included) apart from the page cache, which the
    cgroup's usage also counts and which is reclaimed before anything is killed.

    Sampled every half second in a thread; the stage is the last one the child's `log`
    reported done when the peak was seen. Nothing is sampled outside a memory cgroup.
    """

    def __init__(self, log, every=0.5):
        import threading

        self.log, self.every = log, every
        self.peak_anon = self.cache_then = self.peak_usage = 0
        self.stage = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._dir = _memory_cgroup()

    def start(self):
        if self._dir is not None:
            self._thread.start()

    def finish(self):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self):
        while True:
            try:
                with open(self._dir / "memory.stat") as f:
                    st = dict(line.split() for line in f)
                self.peak_usage = max(self.peak_usage,
                                      int((self._dir / "memory.usage_in_bytes").read_text()))
            except (OSError, ValueError):
                return
            anon = int(st.get("total_rss", 0))
            if anon > self.peak_anon:
                self.peak_anon, self.cache_then = anon, int(st.get("total_cache", 0))
                done = [x for x in self.log.read_text(errors="replace").splitlines()
                        if x.startswith("stage ")] if self.log.exists() else []
                self.stage = done[-1].split(":")[0][len("stage "):] if done else None
            if self._stop.wait(self.every):
                return


def _memory_cgroup():
    """The folder of this process's memory cgroup (v1), or None."""
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _, ctl, path = line.rstrip("\n").split(":", 2)
                if "memory" in ctl.split(","):
                    d = Path("/sys/fs/cgroup/memory" + path)
                    return d if (d / "memory.stat").exists() and path != "/" else None
    except (OSError, ValueError):
        return None
    return None


def _print_ratios(b, a):
    """Each stage's seconds, baseline / now (above 1: now is faster)."""
    keys = [k for k in (b["timings"] or {}) if k in (a["timings"] or {})]
    parts = [f"{k} {b['timings'][k]:.1f} -> {a['timings'][k]:.1f} s "
             f"({b['timings'][k] / max(a['timings'][k], 1e-9):.2f}x)" for k in keys]
    print("    ratio baseline/now: wall " + f"{b['wall'] / a['wall']:.2f}x; " + ", ".join(parts)
          + f"; peak {b['hwm_kb'] / 1024:,.0f} -> {a['hwm_kb'] / 1024:,.0f} MB")
    bc, ac = b.get("cpu") or {}, a.get("cpu") or {}
    if b.get("cpu_s") and a.get("cpu_s"):
        print("    CPU ratio baseline/now: total " + f"{b['cpu_s']:.1f} -> {a['cpu_s']:.1f} s "
              f"({b['cpu_s'] / a['cpu_s']:.2f}x); " + ", ".join(
                  f"{k} {bc[k]:.1f} -> {ac[k]:.1f} s ({bc[k] / max(ac[k], 1e-9):.2f}x)"
                  for k in bc if k in ac))


def _compare_outputs(before, after):
    """Names of the output files equal in both folders, and of those that differ."""
    import hashlib
    import re

    def digest(p):
        data = p.read_bytes()
        if p.name == "summary.json":
            d = json.loads(data)
            d.pop("timings", None)
            data = json.dumps(d, sort_keys=True).encode()
        elif p.name == "manifest.json":
            files = [f for f in json.loads(data).get("files", [])
                     if f.get("name") not in ("summary.json", "manifest.json", "report.html")]
            data = json.dumps(files, sort_keys=True).encode()
        elif p.name == "report.html":
            data = re.sub(rb"\d{4}-\d\d-\d\d \d\d:\d\d UTC", b"", data)
        return hashlib.sha256(data).hexdigest()

    names = sorted({p.name for p in before.iterdir() if not p.name.startswith(".")}
                   | {p.name for p in after.iterdir() if not p.name.startswith(".")})
    same, differ = [], []
    for name in names:
        pb, pa = before / name, after / name
        ok = pb.exists() and pa.exists() and digest(pb) == digest(pa)
        (same if ok else differ).append(name)
    return same, differ


def _load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _rows(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f) - 1


if __name__ == "__main__":
    main()
