"""Calibration and speed of co-travel inference on cases made with several generator settings.

For each setting of :func:`netanalysis.synth.cotravel.cotravel_case` (journey sizes, shared
journeys, travel frequency, and a null case with no planted tie) it prints the recall of the
planted companions (all planted, and those that really share >= 2 journeys) and the share of
chance ties among the ties kept (the false-discovery proportion, to compare with ``infer.fdr``),
averaged over seeds. ``--legs`` adds one timed run at that many travel legs, with a same-run
baseline: the plain pair count (DuckDB self-join grouped by pair, no model).

Each setting runs twice: ``infer.seed: all`` (every pair tested) and ``wanted`` (only pairs of
persons of interest: the first person of each planted pair and as many others).

Run: ``python benchmarks/cotravel.py --persons 2000 --seeds 3``;
``python benchmarks/cotravel.py --only-legs --legs 1000000 --no-all``
"""

from __future__ import annotations

import argparse
import time

import duckdb
import numpy as np

from netanalysis.model.case import Case
from netanalysis.resolve.infer import co_travel_links
from netanalysis.synth.cotravel import cotravel_case

__all__ = ["SETTINGS", "main"]

SETTINGS = {
    "null (no planted tie)": dict(n_companions=0),
    "defaults 3-300 pax, 1-5 shared, 1-50 legs": dict(),
    "small 3-10 pax": dict(journey_size=(3, 10)),
    "big 100-300 pax": dict(journey_size=(100, 300)),
    "5-15 pax, 2-4 shared, 1-20 legs": dict(journey_size=(5, 15), shared_journeys=(2, 4),
                                            legs_per_person=(1, 20)),
    "rare travellers 1-5 legs, 2-5 shared": dict(legs_per_person=(1, 5), shared_journeys=(2, 5)),
    "frequent 20-50 legs": dict(legs_per_person=(20, 50)),
}


def _one(n, seed, kw, mode):
    tr, persons, truth = cotravel_case(n, seed=seed, **kw)
    t = co_travel_links(Case(tables={"travel": tr, "persons": persons}),
                        settings={"seed": mode})
    found = set(zip(t["from_id"], t["to_id"]))
    planted = set(zip(truth["id_a"], truth["id_b"]))
    two = set(zip(truth.loc[truth["shared"] >= 2, "id_a"], truth.loc[truth["shared"] >= 2, "id_b"]))
    return len(found), len(found - planted), len(found & planted), len(planted), \
        len(found & two), len(two)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--legs", type=int, default=0)
    ap.add_argument("--no-all", action="store_true", help="at --legs, time only infer.seed wanted")
    ap.add_argument("--only-legs", action="store_true", help="skip the calibration table")
    a = ap.parse_args(argv)
    print(f"{'setting':44s} {'ties':>6s} {'chance':>6s} {'FDP':>6s} {'recall':>6s} {'rec>=2':>6s}"
          "  (sums over seeds; FDR level 0.05)")
    for name, kw, mode in [(n, k, m) for m in ("all", "wanted") for n, k in SETTINGS.items()
                           if not a.only_legs]:
        if name.startswith("null"):
            print(f"-- infer.seed: {mode}")
        tot = np.zeros(6)
        runs_with_chance = 0
        for s in range(a.seeds):
            r = np.array(_one(a.persons, s, kw, mode), dtype=float)
            tot += r
            runs_with_chance += r[1] > 0
        ties, chance, tp, planted, tp2, two = tot
        fdp = chance / ties if ties else 0.0
        rec = tp / planted if planted else float("nan")
        rec2 = tp2 / two if two else float("nan")
        extra = f"  runs with >= 1 chance tie: {runs_with_chance}/{a.seeds}" if not planted else ""
        print(f"{name:44s} {int(ties):6d} {int(chance):6d} {fdp:6.3f} {rec:6.3f} {rec2:6.3f}{extra}")
    if a.legs:
        per = 25  # mean legs per person of the default setting is ~13; scale persons to legs
        n = max(1000, a.legs // per)
        tr, persons, _ = cotravel_case(n, seed=0, legs_per_person=(1, 50), n_wanted=1000)
        while len(tr) < a.legs * 0.9:
            n = int(n * a.legs / len(tr))
            tr, persons, _ = cotravel_case(n, seed=0, legs_per_person=(1, 50), n_wanted=1000)
        seeds = persons.loc[persons["wanted_by"].map(len) > 0, ["id"]]
        print(f"\n{len(tr):,} legs, {n:,} persons, {len(seeds):,} persons of interest")
        for mode in ("wanted", "all") if not a.no_all else ("wanted",):
            t0 = time.perf_counter()
            con = duckdb.connect()
            con.register("tr", tr)
            con.register("seeds", seeds)
            only = "WHERE a.p IN (SELECT id FROM seeds)" if mode == "wanted" else \
                "WHERE a.p < b.p"
            base = con.execute(f"""
                WITH j AS (SELECT DISTINCT person_id AS p, flight || depart AS j FROM tr)
                SELECT count(*) FROM (SELECT a.p, b.p FROM j a JOIN j b ON a.j = b.j
                                      AND a.p <> b.p {only} GROUP BY a.p, b.p)""").fetchone()[0]
            con.close()
            tb = time.perf_counter() - t0
            t0 = time.perf_counter()
            t = co_travel_links(Case(tables={"travel": tr, "persons": persons}),
                                settings={"seed": mode})
            ti = time.perf_counter() - t0
            print(f"infer.seed {mode}: baseline plain pair count {tb:.1f} s ({base:,} pairs); "
                  f"co_travel_links {ti:.1f} s ({ti / tb:.2f}x the baseline), {len(t):,} ties")


if __name__ == "__main__":
    main()
