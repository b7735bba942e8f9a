"""Throughput of entity resolution and link inference on synthetic cases.

Prints, for synthetic cases of 100k and 1M persons (``netanalysis.synth.synth_case``):
reading time, resolution time and records per second, inference time and travel rows per
second, peak memory, and precision/recall against the planted truth. Then co-travel inference
alone on a travel table of 10M rows (generated here: journeys with a lognormal number of
passengers), with DuckDB's memory limit, against a pandas self-merge baseline on a 1M-row
slice measured in the same run. Resolution is compared with the all-pairs baseline it
replaces: the cost of one name comparison, measured here, times n(n-1)/2.

Usage::

    python benchmarks/resolve.py                          # 100k and 1M persons, 10M travel rows
    python benchmarks/resolve.py --sizes 100000 --travel-rows 2000000
    python benchmarks/resolve.py --cache /tmp/na-bench    # keep generated cases between runs
    python benchmarks/resolve.py --stages --before /work/main --sizes 100000

With ``--stages``, the rules path stage by stage (features, blocking, compare, cluster,
apply_merges; CPU and wall seconds) on two cases of each size: the pipeline's own
``synth_case(persons=N)`` and ``synth.records.person_records(N)`` (the resolution fixture;
``--duplicate-share``, ``--phone-rate``, ``--document-rate``), each run in a subprocess with
this checkout and, with ``--before``, another one, alternating on the same pickled case;
prints the ratios and whether the merges and the merged case tables are identical (sha256
of each table's CSV and dtypes). ``--fs`` times the Fellegi-Sunter model too.

Generating the 1M-person case takes a while (tens of minutes on two cores); it is cached.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

__all__ = ["main"]


def _rss_mb():
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def _truth_scores(out, m, inferred):
    dup = pd.read_csv(out / "truth" / "duplicates.csv", dtype=str)
    near = pd.read_csv(out / "truth" / "near_misses.csv", dtype=str)
    co = pd.read_csv(out / "truth" / "co_travel.csv", dtype=str)
    root = dict(zip(m["merged_id"], m["kept_id"]))
    r = lambda x: root.get(x, x)  # noqa: E731
    truth = {tuple(sorted(p)) for p in zip(dup["id_a"], dup["id_b"])}
    pred = {tuple(sorted(p)) for p in zip(m["kept_id"], m["merged_id"])}
    ev = dup[(dup["shared_passport"] == "True") | (dup["shared_phone"] == "True")
             | (dup["birth_date"] == "same")]
    found = sum(r(a) == r(b) for a, b in zip(dup["id_a"], dup["id_b"]))
    fev = sum(r(a) == r(b) for a, b in zip(ev["id_a"], ev["id_b"]))
    nm = sum(r(a) == r(b) for a, b in zip(near["id_a"], near["id_b"]))
    ct = inferred[inferred["type"] == "co_travel"]
    cpred = {tuple(sorted(p)) for p in zip(ct["from_id"], ct["to_id"])}
    ctruth = {tuple(sorted((r(a), r(b)))) for a, b in zip(co["id_a"], co["id_b"])}
    fug = {r(a) for a in co["id_a"]}
    cfug = {p for p in cpred if p[0] in fug or p[1] in fug}
    return {
        "merge precision": len(pred & truth) / max(1, len(pred)),
        "duplicate recall (all planted)": found / max(1, len(dup)),
        "duplicate recall (with evidence beyond the name)": fev / max(1, len(ev)),
        "near misses merged": f"{nm}/{len(near)}",
        "co-travel recall": len(cpred & ctruth) / max(1, len(ctruth)),
        "co-travel precision (ties of planted fugitives)": len(cfug & ctruth) / max(1, len(cfug)),
    }


def bench_case(n, cache, seed, quiet=True):
    from netanalysis.ingest import load_case
    from netanalysis.progress import Progress
    from netanalysis.resolve import apply_merges, infer_links, resolve_entities
    from netanalysis.resolve.names import name_similarity
    from netanalysis.synth import synth_case

    out = Path(cache) / f"synth_{n}_seed{seed}"
    if not (out / "truth" / "duplicates.csv").exists():
        t = time.perf_counter()
        synth_case(out, persons=n, seed=seed)
        print(f"  generated in {time.perf_counter() - t:.0f} s: {out}")
    progress = Progress(quiet=quiet)
    t = time.perf_counter()
    case = load_case(out)
    t_load = time.perf_counter() - t
    n_rec = len(case.tables["persons"])
    progress.say(f"  read {n_rec:,} persons in {t_load:.0f} s")
    t = time.perf_counter()
    m = resolve_entities(case, progress=progress)
    t_res = time.perf_counter() - t
    merged = apply_merges(case, m)
    t = time.perf_counter()
    inf = infer_links(merged, progress=progress)
    t_inf = time.perf_counter() - t
    n_travel = len(merged.tables["travel"])
    # all-pairs baseline: cost of one name comparison x n(n-1)/2
    names = case.tables["persons"]["name"].astype(str).tolist()
    rng = np.random.default_rng(seed)
    k = 20_000
    a, b = rng.integers(0, n_rec, k), rng.integers(0, n_rec, k)
    t = time.perf_counter()
    for i, j in zip(a, b):
        name_similarity(names[i], names[j])
    per_pair = (time.perf_counter() - t) / k
    all_pairs = per_pair * n_rec * (n_rec - 1) / 2
    print(f"{n_rec:,} person records (synth_case persons={n:,}, seed={seed})")
    print(f"  read case                {t_load:8.1f} s")
    print(f"  resolve_entities         {t_res:8.1f} s  {n_rec / t_res:10,.0f} records/s  "
          f"{len(m):,} merges")
    print(f"  all-pairs baseline       {all_pairs:8.0f} s  (est., {per_pair * 1e6:.1f} us/pair)  "
          f"blocking is {all_pairs / t_res:,.0f}x faster")
    print(f"  infer_links              {t_inf:8.1f} s  {n_travel / t_inf:10,.0f} travel rows/s  "
          f"{len(inf):,} ties " + str(inf["type"].value_counts().to_dict()))
    print(f"  peak RSS so far          {_rss_mb():8.0f} MiB")
    for key, v in _truth_scores(out, m, inf).items():
        print(f"  {key:50s} {v:.3f}" if isinstance(v, float) else f"  {key:50s} {v}")


def _travel_table(rows, seed):
    """A travel table of about `rows` rows: journeys with lognormal passenger counts."""
    rng = np.random.default_rng(seed)
    pax = np.clip(rng.lognormal(np.log(20), 1.0, rows // 20), 1, 400).astype(np.int64)
    pax = pax[np.cumsum(pax) <= rows]
    J = len(pax)
    jid = np.repeat(np.arange(J), pax)
    persons = max(rows // 5, 1000)
    who = rng.integers(0, persons, len(jid))
    flight = (jid % 9000).astype(str)
    day = pd.to_datetime("2022-01-01") + pd.to_timedelta(jid // 9000, unit="D")
    return pd.DataFrame({
        "person_id": pd.Series(who).map(lambda x: f"P{x:08d}").astype(object),
        "depart": day.strftime("%Y-%m-%d").astype(object),
        "carrier": "XX", "flight": flight.astype(object), "booking_ref": None,
        "origin": "BOG", "destination": "MAD",
    })


def _pandas_baseline(tr, max_pax=500):
    """Co-travel pairs with a pandas self-merge (the approach DuckDB replaces)."""
    t = tr[["person_id", "carrier", "flight", "depart"]].astype(object).copy()
    t["j"] = t["carrier"] + t["flight"] + "|" + t["depart"].str[:10]
    t = t.drop_duplicates(["person_id", "j"])
    size = t.groupby("j")["person_id"].transform("size")
    t = t[(size >= 2) & (size <= max_pax)].assign(w=1.0 / np.log2(1 + size[(size >= 2) & (size <= max_pax)]))
    m = t.merge(t, on="j")
    m = m[m["person_id_x"] < m["person_id_y"]]
    return m.groupby(["person_id_x", "person_id_y"]).agg(n=("j", "size"), s=("w_x", "sum"))


def bench_co_travel(rows, seed):
    from netanalysis.model.case import Case
    from netanalysis.resolve.infer import co_travel_links

    tr = _travel_table(rows, seed)
    base_rows = min(len(tr), 1_000_000)
    sl = tr.iloc[:base_rows]
    t = time.perf_counter()
    _pandas_baseline(sl)
    t_base = time.perf_counter() - t
    t = time.perf_counter()
    co_travel_links(Case(tables={"travel": sl}))
    t_duck_small = time.perf_counter() - t
    rss0 = _rss_mb()
    t = time.perf_counter()
    ties = co_travel_links(Case(tables={"travel": tr}))
    t_duck = time.perf_counter() - t
    print(f"co-travel on {len(tr):,} travel rows ({tr['person_id'].nunique():,} persons, "
          f"median {int(np.median(tr.groupby(['flight', 'depart']).size()))} passengers/journey)")
    print(f"  DuckDB co_travel_links   {t_duck:8.1f} s  {len(tr) / t_duck:10,.0f} rows/s  "
          f"{len(ties):,} ties; RSS {rss0:.0f} -> {_rss_mb():.0f} MiB")
    print(f"  on {base_rows:,} rows: DuckDB {t_duck_small:.1f} s, pandas self-merge baseline "
          f"{t_base:.1f} s (x{t_base / t_duck_small:.1f})")


_STAGES = r"""
import hashlib, json, os, pickle, sys, time
from netanalysis.resolve import resolve_entities
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.cluster import cluster_pairs, decision_pairs
from netanalysis.resolve.compare import compare_pairs
from netanalysis.resolve.features import person_features
from netanalysis.resolve.merge import apply_merges
from netanalysis.settings import load_settings, section_settings

case = pickle.load(open(sys.argv[1], "rb"))
model = sys.argv[2]
cfg = section_settings(load_settings(env={}, resolve={"model": model}), "resolve")
cpu, wall = {}, {}
clock = [time.process_time(), time.perf_counter()]


def tick(name):
    c, w = time.process_time(), time.perf_counter()
    cpu[name], wall[name] = c - clock[0], w - clock[1]
    clock[:] = [c, w]


if model == "rules":   # resolve_entities' stages, one at a time (no decisions)
    feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
    forced, vetoes = decision_pairs(feat, None)
    tick("features")
    pairs, _ = candidate_pairs(feat, max_block=int(cfg["max_block"]),
                               max_contact_degree=int(cfg["max_contact_degree"]),
                               min_shared_contacts=int(cfg["min_shared_contacts"]))
    tick("blocking")
    scored = compare_pairs(feat, pairs, settings=cfg)
    tick("compare")
    merges = cluster_pairs(case, feat, scored, forced=forced, vetoes=vetoes)
    tick("cluster")
else:
    merges = resolve_entities(case, settings=load_settings(env={}, resolve={"model": model}))
    tick("resolve_entities")
merged = apply_merges(case, merges)
tick("apply_merges")


def digest(df):
    return hashlib.sha256((df.to_csv() + str(df.dtypes.to_dict())).encode()).hexdigest()


sums = {"merges": digest(merges), "rejects": digest(merged.rejects),
        "counts": hashlib.sha256(json.dumps(merged.counts, sort_keys=True, default=str)
                                 .encode()).hexdigest()}
sums.update({f"table {k}": digest(v) for k, v in merged.tables.items()})
print(json.dumps({"cpu": cpu, "wall": wall, "merges": len(merges), "sha256": sums,
                  "load": os.getloadavg()[0]}))
"""


def _stage_case(kind, n, args):
    """Pickle of the case `kind` (``pipeline`` or ``records``) of `n` persons, made once."""
    import pickle

    from netanalysis.ingest import case_from_records, load_case

    gen = (f"dup{args.duplicate_share:g}_ph{args.phone_rate:g}_doc{args.document_rate:g}"
           if kind == "records" else "")
    pkl = Path(args.cache) / f"stages_{kind}_{n}_seed{args.seed}{'_' + gen if gen else ''}.pkl"
    if pkl.exists():
        return pkl, gen
    t = time.perf_counter()
    if kind == "pipeline":
        from netanalysis.synth import synth_case

        out = Path(args.cache) / f"synth_{n}_seed{args.seed}"
        if not (out / "persons.csv").exists():
            synth_case(out, persons=n, seed=args.seed)
        case = load_case(out)
    else:
        from netanalysis.synth.records import person_records

        r = person_records(n, seed=args.seed, duplicate_share=args.duplicate_share,
                           phone_rate=args.phone_rate, document_rate=args.document_rate)
        case = case_from_records(persons=r["persons"], documents=r["documents"],
                                 phones=r["phones"])
    with open(pkl, "wb") as fh:
        pickle.dump(case, fh)
    print(f"  made {pkl} in {time.perf_counter() - t:.0f} s", flush=True)
    return pkl, gen


def _stage_run(tree, pkl, model):
    import json
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(tree).resolve())}
    res = subprocess.run([sys.executable, "-c", _STAGES, str(pkl), model], env=env,
                         capture_output=True, text=True, cwd=str(Path(tree).resolve()))
    if res.returncode:
        raise SystemExit(f"{tree}: {res.stderr.strip().splitlines()[-1:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_stages(args):
    """The stage table: this checkout against ``--before``, same cases, same run."""
    here = Path(__file__).resolve().parent.parent
    trees = [("now", here)] + ([("before", Path(args.before))] if args.before else [])
    models = ["rules"] + (["fellegi_sunter"] if args.fs else [])
    for n in args.sizes:
        for kind in args.cases:
            pkl, gen = _stage_case(kind, n, args)
            what = (f"synth_case(persons={n:,}, seed={args.seed})" if kind == "pipeline" else
                    f"person_records({n:,}, seed={args.seed}, {gen})")
            for model in models:
                runs = {}
                for _rep in range(args.repeat):
                    for name, tree in reversed(trees):      # before first, then now
                        runs.setdefault(name, []).append(_stage_run(tree, pkl, model))
                loads = ", ".join(f"{r['load']:.1f}" for rs in runs.values() for r in rs)
                print(f"\n{what}, resolve.model {model}; load at the end of each run {loads}")
                stages = list(runs["now"][0]["cpu"])
                best = {k: {s: min(r["cpu"][s] for r in rs) for s in stages}
                        for k, rs in runs.items()}
                bestw = {k: {s: min(r["wall"][s] for r in rs) for s in stages}
                         for k, rs in runs.items()}
                print(f"  {'stage':18s}" + "".join(f" {k + ' cpu s':>13s} {k + ' wall':>11s}"
                                                  for k in runs) + ("   ratio (cpu)" if
                                                                   "before" in runs else ""))
                for s in stages + ["total"]:
                    val = {k: (sum(b.values()) if s == "total" else b[s]) for k, b in best.items()}
                    vw = {k: (sum(b.values()) if s == "total" else b[s]) for k, b in bestw.items()}
                    line = f"  {s:18s}" + "".join(f" {val[k]:13.2f} {vw[k]:11.2f}" for k in runs)
                    if "before" in runs:
                        line += f"   {val['before'] / max(val['now'], 1e-9):.2f}x"
                    print(line)
                if "before" in runs:
                    a, b = runs["before"][0]["sha256"], runs["now"][0]["sha256"]
                    diff = [k for k in a if a[k] != b.get(k)]
                    print(f"  {runs['now'][0]['merges']:,} merges; outputs (merges, rejects, "
                          "counts, every merged case table): " + (
                              "identical (sha256)" if not diff else "DIFFER: " + ", ".join(diff)))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--travel-rows", type=int, default=10_000_000)
    ap.add_argument("--cache", default=os.environ.get("NETANALYSIS_BENCH_CACHE", "/tmp/netanalysis-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--verbose", "-v", action="store_true", help="Progress on stderr.")
    ap.add_argument("--stages", action="store_true",
                    help="stage table of the rules path (see the module notes)")
    ap.add_argument("--before", metavar="CHECKOUT", help="with --stages: the baseline checkout")
    ap.add_argument("--cases", nargs="*", default=["pipeline", "records"],
                    choices=["pipeline", "records"])
    ap.add_argument("--fs", action="store_true", help="with --stages: Fellegi-Sunter too")
    ap.add_argument("--repeat", type=int, default=1, help="with --stages: runs of each (best)")
    ap.add_argument("--duplicate-share", type=float, default=0.3)
    ap.add_argument("--phone-rate", type=float, default=0.5)
    ap.add_argument("--document-rate", type=float, default=0.5)
    args = ap.parse_args(argv)
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    if args.stages:
        bench_stages(args)
        return 0
    print(f"netanalysis resolution benchmark ({os.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB)")
    for n in args.sizes:
        bench_case(n, args.cache, args.seed, quiet=not args.verbose)
    if args.travel_rows:
        bench_co_travel(args.travel_rows, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
