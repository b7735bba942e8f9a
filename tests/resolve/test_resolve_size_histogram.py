"""The size-aware p-value with each person's size histogram (session 18): a hand-computed case,
validity under its null and under the generator's, and a check that fails on an
anti-conservative model."""

import numpy as np
import pandas as pd
import pytest

from netanalysis.resolve.significance import (
    HISTOGRAM_COLUMNS,
    cooccurrence_pvalues,
    cooccurrence_family,
    expected_cooccurrence,
    one_shared_floor,
    shared_size_pvalue,
    size_histogram,
)


def _hist(sizes):
    return size_histogram(np.zeros(len(sizes)), sizes, [0])[HISTOGRAM_COLUMNS].to_numpy()


def test_the_histogram_tail_by_hand():
    # L = 1,000. A on 3 events of 2, 2 and 101 persons (1, 1 and 100 fellow passengers: bins
    # 0, 0, 13), B on 2 of 2 and 6 (bins 0, 4); they share one of the 2-seat events.
    n_inc = 1000.0
    ha, hb = _hist([2, 2, 101]), _hist([2, 6])
    p = shared_size_pvalue([1], [0.0], [102.0], [6.0], [3], [2], n_inc, [1], [1],
                           h_a=ha, h_b=hb)
    # A's events fixed: c = 2 / L, x = c, lambda = 102 c
    c, lam = 2 / n_inc, 102 * 2 / n_inc
    x = c
    # 1-sets reaching x (lower edge 2^0 = 1): the two 2-seat events, each at min(x, c 2^0.5) = x
    a1 = 2 * x
    # 2-sets: (0, 0) at c^2 2^1 and two (0, 13) at c^2 2^7.5 (upper edges, both below x)
    a2 = c ** 2 * (2 + 2 * 2 ** 7.5)
    # P(K >= 1) <= lambda; P(K >= 2) <= min(union C(3, 2) (lambda / 3)^2, binomial,
    # the upper edges' e_2 = a2); P(K >= 3) = 0 (B has 2 events)
    r = lam / 3
    binom2 = 3 * r ** 2 * (1 - r) + r ** 3
    p2 = min(3 * r ** 2, binom2, a2)
    assert p2 == pytest.approx(a2)
    bound_a = min(lam, min(a1, lam) + p2, min(a1, lam) + min(a2, p2) + 0.0)
    # B's events fixed: c = 3 / L, x = c, lambda = 6 c; 1-sets: the shared event (x);
    # the 2-set (0, 4) at c^2 2^3 = 7.2e-5, below x; e_2 the same
    cb, lam_b = 3 / n_inc, 6 * 3 / n_inc
    a1b, a2b = cb, cb ** 2 * 2 ** 3
    bound_b = min(lam_b, a1b + min(a2b, (lam_b / 2) ** 2), a1b + a2b)
    hand = max(bound_a, bound_b)
    assert p[0] == pytest.approx(hand, rel=1e-6)
    assert f"{hand:.6f}" == "0.005456"
    # the margins alone count C(3, 1) x and C(3, 2) x for A: more than twice as large
    q = shared_size_pvalue([1], [0.0], [102.0], [6.0], [3], [2], n_inc, [1], [1])
    assert q[0] == pytest.approx(min(3 * x + 3 * x, 3 * x + binom2), rel=1e-6)
    assert q[0] > 2 * p[0]
    # and the pruning floor stays below it
    lam_ab = expected_cooccurrence([102.0], [6.0], [3], [2], n_inc)
    assert one_shared_floor(lam_ab, [3], [2], [2], n_inc)[0] <= p[0]


def _simulated(sizes, d_b, n_inc, n_draws, seed):
    """Draws of the null: b on each of a's events with chance (s - 1) d_b / L, independently."""
    rng = np.random.default_rng(seed)
    pi = (sizes - 1) * d_b / n_inc
    x = rng.random((n_draws, len(sizes))) < pi
    return x.sum(axis=1), (x * np.log(sizes - 1)).sum(axis=1)


def _over_level(p, alphas, slack=1.05):
    """The levels where P(p <= alpha) exceeds alpha (beyond sampling noise)."""
    return [a for a in alphas if (p <= a).mean() > a * slack + 1e-4]


@pytest.mark.parametrize("sizes, catches", [
    ([3, 3, 4, 6, 10, 20, 40, 80, 120, 150, 200, 200], True),
    ([2, 2, 2, 3, 3, 300, 300, 300, 300, 300, 300, 300, 300, 300], True),
    ([5, 6, 7, 8, 9, 10, 11, 12], True),
], ids=["mixed", "two-seat among full", "alike"])
def test_the_histogram_p_value_is_valid_under_its_null_and_the_check_catches_a_bad_one(sizes,
                                                                                        catches):
    sizes = np.asarray(sizes, dtype=float)
    d_a, d_b, n_inc = len(sizes), 6.0, 4000.0
    k, ls = _simulated(sizes, d_b, n_inc, 200_000, 11)
    s_a = float((sizes - 1).sum())
    h_a = _hist(sizes)
    h_b = _hist([51] * 6)         # b's side: 6 events of 51 (its direction only adds)
    p = shared_size_pvalue(k, ls, s_a, 6 * 50.0, d_a, d_b, n_inc, 1.0, 50.0, h_a=h_a, h_b=h_b)
    alphas = (1e-3, 3e-3, 0.01, 0.05, 0.2)
    assert _over_level(p, alphas) == []
    # the same check fails on a model 10 times anti-conservative (with nine events of 300
    # only at alpha = 0.2: there the bound is far above the exact tail at small alpha, the
    # union over sets of events of chance 0.45 each)
    bad = np.where(k > 0, p / 10, 1.0)
    assert (_over_level(bad, alphas) != []) == catches
    # and the histogram is tighter than the margins where the sizes differ
    q = shared_size_pvalue(k, ls, s_a, 6 * 50.0, d_a, d_b, n_inc, float(sizes.min() - 1), 50.0)
    assert (p <= q * (1 + 1e-9)).all()
    if sizes.max() > 4 * sizes.min():
        small = (k >= 1) & (q < 0.05)
        assert np.median(p[small] / q[small]) < 0.85


@pytest.mark.parametrize("kw, catches", [
    (dict(journey_size=(3, 10)), True),
    (dict(journey_size=(5, 15), shared_journeys=(2, 4), legs_per_person=(1, 20)), True),
    (dict(journey_size=(3, 300), legs_per_person=(1, 20)), False),
    (dict(journey_size=(3, 30), legs_per_person=(5, 30)), True),
    (dict(journey_size=(100, 300), legs_per_person=(1, 50)), False),
], ids=["3-10 pax", "5-15 pax", "3-300 pax", "frequent", "100-300 pax"])
def test_histogram_p_values_are_valid_under_the_generators_null(kw, catches):
    # synth.cotravel's null case: #{p <= t} <= t m over all pairs, for the p-values the
    # engines compute (co_travel_pairs' tables, histograms included); p / 5 must fail the
    # same check where journeys are small (the check sees an anti-conservative model; with
    # big journeys the test is more than 5 times conservative at these t)
    import duckdb
    from netanalysis.resolve.infer import co_travel_pairs, register_legs
    from netanalysis.synth.cotravel import cotravel_case
    t_grid = (1e-3, 3e-3, 1e-2)
    hits, bad, m = np.zeros(len(t_grid)), np.zeros(len(t_grid)), 0
    for seed in range(2):
        tr, _, truth = cotravel_case(500, n_companions=0, seed=seed, **kw)
        assert truth.empty
        codes = pd.factorize(tr["person_id"], sort=True)[0]
        df = pd.DataFrame({"pid": codes.astype(np.int64), "carrier": tr["carrier"],
                           "flight": tr["flight"], "depart": tr["depart"], "booking": None})
        con = duckdb.connect()
        register_legs(con, df)
        pairs, persons = co_travel_pairs(con, 500, fdr=0.05)
        con.close()
        assert (persons[HISTOGRAM_COLUMNS].sum(axis=1) == persons["d"]).all()
        n = len(persons)
        fam = cooccurrence_family(persons, fdr=0.05)
        # every pair with k >= 1 tested (not only the family): the p-values themselves
        fam = fam._replace(tau=1.0)
        r = cooccurrence_pvalues(pairs, persons, fam)
        ok = r["testable"].to_numpy()
        p = r["p"].to_numpy()[ok]
        m += n * (n - 1) // 2
        hits += [(p <= t).sum() for t in t_grid]
        bad += [(p / 5 <= t).sum() for t in t_grid]
    assert (hits <= np.asarray(t_grid) * m).all(), (hits, np.asarray(t_grid) * m)
    assert bool((bad > np.asarray(t_grid) * m).any()) == catches, (bad, np.asarray(t_grid) * m)
