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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--travel-rows", type=int, default=10_000_000)
    ap.add_argument("--cache", default=os.environ.get("NETANALYSIS_BENCH_CACHE", "/tmp/netanalysis-bench"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--verbose", "-v", action="store_true", help="Progress on stderr.")
    args = ap.parse_args(argv)
    Path(args.cache).mkdir(parents=True, exist_ok=True)
    print(f"netanalysis resolution benchmark ({os.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB)")
    for n in args.sizes:
        bench_case(n, args.cache, args.seed, quiet=not args.verbose)
    if args.travel_rows:
        bench_co_travel(args.travel_rows, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
