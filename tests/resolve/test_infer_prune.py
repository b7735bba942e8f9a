"""The cap of the pruned co-travel pairs: pairs sharing one journey whose p-value floor is above
``q N / m`` never leave DuckDB (``_pruned_journey_pairs``), because Benjamini-Hochberg over N
values never rejects through a value above that."""

import contextlib

import numpy as np
import pandas as pd

from netanalysis.model.case import Case
from netanalysis.resolve import infer
from netanalysis.resolve.significance import bh_rejections


def test_values_above_q_n_over_m_never_change_the_rejections():
    # R = max{i : p_(i) <= q i / m} <= N: dropping every value above q N / m leaves R as it
    # is, for m below, at and above N (the bound the DuckDB step relies on)
    rng = np.random.default_rng(0)
    q = 0.05
    changed = 0
    for _trial in range(300):
        n = int(rng.integers(1, 400))
        m = int(max(1, n * rng.choice([0.5, 1, 3, 1000])))
        # a mixture: tiny p-values (signal), uniform ones, and values near the cap
        p = np.concatenate([rng.uniform(0, 1e-4, n // 4), rng.uniform(0, 1, n - n // 4)])
        p = np.concatenate([p, q * n / m * rng.uniform(0.9, 1.1, 5)])
        counts = rng.integers(1, 4, len(p))
        big_n = int(counts.sum())
        cap = q * big_n / m
        full = bh_rejections(p, m, q, counts)
        kept = p <= cap
        cut = bh_rejections(p[kept], m, q, counts[kept]) if kept.any() else 0
        assert cut == full
        changed += int(kept.sum() < len(p))
    assert changed > 100        # the cap did leave values out in most trials


def _legs(flight, day, who):
    return [{"person_id": p, "depart": day, "carrier": "AV", "flight": flight} for p in who]


def test_chance_pairs_are_capped_inside_duckdb_and_the_ties_stay():
    # 60,000 legs on journeys of lognormal size (median 20), 12,000 persons flying 5 times at
    # random (about a million pairs, most sharing one journey: in the family, their floors
    # above q N / m), A-B on three two-seat flights: the candidate pairs that DuckDB writes
    # out are a small share of the pairs (before the cap: about 70 %) and A-B is a tie
    rng = np.random.default_rng(7)
    pax = np.clip(rng.lognormal(np.log(20), 1.0, 3000), 1, 400).astype(np.int64)
    pax = pax[np.cumsum(pax) <= 60_000]
    jid = np.repeat(np.arange(len(pax)), pax)
    who = rng.integers(0, 12_000, len(jid))
    tr = pd.DataFrame({"person_id": [f"X{w}" for w in who], "depart": "2024-05-01",
                       "carrier": "AV", "flight": [str(100 + j) for j in jid]})
    tr = pd.concat([tr, pd.DataFrame(_legs("1", "2024-03-05", "AB") + _legs("2", "2024-03-06", "AB")
                                     + _legs("3", "2024-03-07", "AB"))], ignore_index=True)
    seen = {}
    real = infer._connect

    @contextlib.contextmanager
    def spy(*a):
        with real(*a) as con:
            yield con
            seen["prf"] = con.execute("SELECT count(*) FROM prf").fetchall()[0][0]
            seen["pairs"] = con.execute(
                "SELECT sum(n * (n - 1) / 2) FROM evs WHERE kind = 'J'").fetchall()[0][0]

    infer._connect = spy
    try:
        t = infer.co_travel_links(Case(tables={"travel": tr}))
    finally:
        infer._connect = real
    assert ("A", "B") in set(zip(t["from_id"], t["to_id"]))
    assert seen["pairs"] > 500_000
    assert seen["prf"] * 10 < seen["pairs"]
