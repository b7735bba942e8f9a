"""Benchmark of the ranking step (all measures, communities, scores) against igraph.

For a synthetic case it times :func:`netanalysis.analyze.run_analysis` and, in the same run
and on the very same graph, igraph computing the same measures directly (degree, strength,
sampled betweenness from the same sources, PageRank, eigenvector, coreness, Burt's
constraint, Leiden communities, and closeness/harmonic when the ranking computes them). It
prints the times, the ratio of our measure time to igraph's, and the peak memory.

Goals (issue 4): ranking < 30 s at 100k persons and measures <= 1.5x igraph; 1M persons and
10M ties < 5 min with peak memory < 8 GB.

Usage::

    python benchmarks/rank.py                         # 100k persons (netanalysis.synth)
    python benchmarks/rank.py --persons 20000
    python benchmarks/rank.py --fast 1000000 --ties 10000000   # 1M persons, 10M ties
    python benchmarks/rank.py --fast 1000000 --ties 10000000 --no-baseline  # ours only

``--fast N`` builds the case in memory with a vectorised generator (communities of about
250 people, 90 % of ties inside them, 1.5 % fugitives served by facilitator cells) instead of
writing and reading a ``netanalysis synth`` case, which takes long at a million persons.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from netanalysis.analyze import run_analysis  # noqa: E402
from netanalysis.analyze._kernels import kernel_from_edges  # noqa: E402
from netanalysis.analyze.run import rank_settings  # noqa: E402
from netanalysis.model import party_edges, party_nodes  # noqa: E402
from netanalysis.model.case import Case  # noqa: E402
from netanalysis.settings import load_settings  # noqa: E402


def synth(persons, seed, folder):
    from netanalysis.ingest import load_case
    from netanalysis.synth import synth_case

    folder = Path(folder)
    if not (folder / "persons.csv").is_file():
        t = time.perf_counter()
        synth_case(folder, persons=persons, seed=seed)
        print(f"wrote synthetic case {folder} in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    case = load_case(folder)
    print(f"loaded case in {time.perf_counter() - t:.1f} s")
    return case


def fast_case(persons, ties, seed):
    """A Case built in memory: community-structured ties, fugitives and facilitator cells."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("P", np.arange(persons).astype(str)).astype(object)
    role = np.full(persons, "unknown", dtype=object)
    nf = max(4, int(persons * 0.015))
    fug = rng.choice(persons, nf, replace=False)
    role[fug] = "fugitive"
    notice = np.full(persons, None, dtype=object)
    notice[fug] = rng.choice(["red", "blue", "diffusion", "none"], nf)
    comm = np.arange(persons) // 250
    m_in = int(ties * 0.9)
    a = rng.integers(0, persons, ties)
    b = np.empty(ties, dtype=np.int64)
    # inside the community: a partner drawn in the same block of 250
    b[:m_in] = np.minimum(comm[a[:m_in]] * 250 + rng.integers(0, 250, m_in), persons - 1)
    b[m_in:] = rng.integers(0, persons, ties - m_in)
    types = rng.choice(["family", "associate", "communication", "employment"], ties,
                       p=[0.3, 0.3, 0.3, 0.1])
    # facilitator cells: 4 facilitators per 4 fugitives, each serving 1-3 of them
    ncell = nf // 4
    facs = rng.choice(np.setdiff1d(np.arange(persons), fug), ncell * 4, replace=False)
    role[facs] = "facilitator"
    sa, sb, st = [], [], []
    for c in range(ncell):
        fs = fug[c * 4:(c + 1) * 4]
        for f in facs[c * 4:(c + 1) * 4]:
            for g in rng.choice(fs, rng.integers(1, 4), replace=False):
                sa.append(f)
                sb.append(g)
                st.append(rng.choice(["documents", "transport", "lodging", "financial"]))
    a = np.concatenate([a, np.asarray(sa, dtype=np.int64)])
    b = np.concatenate([b, np.asarray(sb, dtype=np.int64)])
    types = np.concatenate([types, np.asarray(st, dtype=object)])
    n = len(a)
    persons_df = pd.DataFrame({"id": ids, "name": ids, "role": role, "notice": notice,
                               "wanted_by": None, "offences": None, "_file": "persons.csv",
                               "_line": np.arange(2, persons + 2)})
    links = pd.DataFrame({"from_id": ids[a], "to_id": ids[b], "type": types, "start": None,
                          "end": None, "weight": np.ones(n), "grading": "B2",
                          "provenance": "bench", "note": None, "_file": "links.csv",
                          "_line": np.arange(2, n + 2)})
    return Case(tables={"persons": persons_df, "links": links})


def igraph_baseline(case, settings, seed, meta):
    """Time igraph computing the same measures on the same graph, built the same way."""
    K = kernel_from_edges(party_edges(case), party_nodes(case))
    g = K.graph
    n = g.vcount()
    rs = rank_settings(settings)
    w = rs.centrality.weight
    k = meta["betweenness_k"]
    times = {}
    t = time.perf_counter()
    g.degree()
    g.strength(weights=w)
    if k == "exact":
        g.betweenness()
    else:
        g.betweenness(sources=random.Random(seed).sample(range(n), int(k)))
    times["betweenness"] = time.perf_counter() - t
    t = time.perf_counter()
    g.pagerank(weights=w)
    g.eigenvector_centrality(weights=w)
    g.coreness()
    if meta.get("closeness") == "computed":
        g.closeness()
        g.harmonic_centrality()
    if meta.get("structural_holes") == "computed":
        g.constraint()
    times["other"] = time.perf_counter() - t
    t = time.perf_counter()
    ig.set_random_number_generator(random.Random(seed))
    g.community_leiden(objective_function="modularity", weights=w,
                       n_iterations=rs.communities.n_iterations)
    ig.set_random_number_generator(random)
    times["communities"] = time.perf_counter() - t
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--case", default=None, help="folder of the synthetic case (reused)")
    p.add_argument("--fast", type=int, default=None, metavar="N",
                   help="build an N-person case in memory instead of netanalysis synth")
    p.add_argument("--ties", type=int, default=None, help="ties of the --fast case (default 10 N)")
    p.add_argument("--no-baseline", action="store_true",
                   help="skip the igraph baseline (only the ranking step's own figures)")
    args = p.parse_args(argv)

    import warnings
    warnings.simplefilter("ignore", RuntimeWarning)  # igraph: eigenvector on disconnected graphs

    t = time.perf_counter()
    if args.fast:
        case = fast_case(args.fast, args.ties or 10 * args.fast, args.seed)
        label = f"in-memory case: {args.fast:,} persons"
        print(f"built {label} in {time.perf_counter() - t:.1f} s")
    else:
        folder = args.case or f"/tmp/netanalysis-bench/synth-{args.persons}-{args.seed}"
        case = synth(args.persons, args.seed, folder)
        label = f"synthetic case: {args.persons:,} persons ({folder})"
    settings = load_settings()

    from netanalysis.progress import Progress

    t = time.perf_counter()
    c0 = time.process_time()
    a = run_analysis(case, settings=settings, seed=args.seed, progress=Progress())
    total = time.perf_counter() - t
    cpu = time.process_time() - c0
    m = a.meta
    tm = m["timings"]
    ours = tm["betweenness_s"] + tm["other_measures_s"] + tm["communities_s"]
    base = {} if args.no_baseline else igraph_baseline(case, settings, args.seed, m)
    theirs = sum(base.values())
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2

    print(f"\n{label}")
    print(f"graph: {m['nodes']:,} parties, {m['ties']:,} ties, {m['pairs']:,} distinct pairs; "
          f"betweenness k = {m['betweenness_k']}; closeness {m['closeness']}; "
          f"brokerage roles on {m['brokerage_graph']}; constraint/effective size "
          f"{m['structural_holes']}")
    print(f"ranking step (run_analysis): {total:.2f} s wall, {cpu:.2f} s CPU")
    for key, v in tm.items():
        print(f"  {key:<22} {v:8.2f} s")
    if base:
        print("igraph directly, same graph and measures:")
        for key, v in base.items():
            print(f"  {key:<22} {v:8.2f} s")
        print(f"measures: ours {ours:.2f} s vs igraph {theirs:.2f} s -> ratio "
              f"{ours / theirs:.2f}x (goal <= 1.5x)")
    else:
        print(f"measures: ours {ours:.2f} s (igraph baseline skipped)")
    print(f"peak memory of this process (case generation/loading included): {peak_gb:.2f} GB")
    top = a.targets.head(5)[["rank", "id", "role", "score"]]
    print(top.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
