"""Tests of netanalysis.resolve.significance: the pure significance step shared by engines."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from netanalysis.errors import InputError
from netanalysis.resolve.significance import (
    benjamini_hochberg,
    collision_rate,
    cooccurrence_level,
    cooccurrence_pvalues,
    cooccurrence_tests,
    count_testable,
    identifier_pvalues,
    identifier_tests,
    poisson_tail,
    shared_size_pvalue,
    tarone_level,
)


def test_count_testable_matches_brute_force():
    rng = np.random.default_rng(3)
    s = rng.integers(1, 30, 60).astype(float)
    d = rng.integers(1, 6, 60)
    seeds = rng.random(60) < 0.2
    cut = lambda m: 40.0 * m            # noqa: E731
    brute = sum(s[a] * s[b] <= cut(min(d[a], d[b])) for a, b in itertools.combinations(range(60), 2))
    assert count_testable(s, d, cut) == brute
    # seeded: pairs with a person of interest, pairs of two of them counted twice
    brute_s = sum((int(seeds[a]) + int(seeds[b])) * (s[a] * s[b] <= cut(min(d[a], d[b])))
                  for a, b in itertools.combinations(range(60), 2))
    assert count_testable(s, d, cut, seeds) == brute_s


def test_tarone_level_is_the_smallest_k_with_few_enough_tests():
    mins = np.array([1e-5] * 3 + [1e-3] * 20 + [0.2] * 1000)
    count = lambda tau: int((mins <= tau).sum())   # noqa: E731
    tau, m = tarone_level(count, 0.05, len(mins))
    # K = 23 gives tau = 0.0022: 23 tests qualify (<= 23); K = 22 gives 23 > 22; the search
    # stops within 2 % of the smallest K
    assert m == 23 and 0.05 / 23 / 1.02 <= tau <= 0.05 / 23


def test_poisson_tail_and_collision_rate_by_hand():
    lam = 0.3
    assert poisson_tail([2], [lam])[0] == pytest.approx(1 - math.exp(-lam) * (1 + lam))
    assert collision_rate([2, 5], 1e-6, 1002).tolist() == pytest.approx(
        [1 / (1e6 + 1000), 4 / (1e6 + 1000)])


def test_cooccurrence_tests_extra_rows_and_row_order_change_nothing():
    persons = pd.DataFrame({"pid": range(402), "s": [3.0, 3.0] + [3.0] * 400,
                            "d": [3, 3] + [1] * 400})
    pairs = pd.DataFrame({"a": [0], "b": [1], "k": [3]})
    one = cooccurrence_tests(pairs, persons, fdr=0.05)
    more = pd.concat([pd.DataFrame({"a": [2, 3], "b": [5, 7], "k": [1, 1]}), pairs])
    two = cooccurrence_tests(more, persons, fdr=0.05)
    assert bool(one["keep"][0]) and two["keep"].tolist() == [False, False, True]
    assert two["p"].iloc[-1] == one["p"][0]
    lam = 9 / 406
    assert one["p"][0] == pytest.approx(poisson_tail([3], [lam])[0])
    with pytest.raises(InputError, match="missing from `persons`"):
        cooccurrence_tests(pd.DataFrame({"a": [0], "b": [999], "k": [2]}), persons, fdr=0.05)


def test_seeded_family_is_seeds_times_others():
    # 1,000 holders of one value each; pair (0, 1) shares one; seeded on person 0:
    # family 999, p = 1 - exp(-r), r = 1 / (1 / c + 998)
    persons = pd.DataFrame({"pid": range(1000), "d": 1})
    pairs = pd.DataFrame({"a": [0], "b": [1], "k": [1], "u": [2]})
    c = 0.05 / 999 / 1.5       # passes 0.05 / 999 but not 0.05 / 499,500
    r = identifier_tests(pairs, persons, fdr=0.05, rate=1 / (1 / c - 998), seeds=[0])
    assert bool(r["keep"][0])
    assert r["p"][0] == pytest.approx(-math.expm1(-c))
    r = identifier_tests(pairs, persons, fdr=0.05, rate=1 / (1 / c - 998))
    assert not bool(r["keep"][0])


def test_bookings_pass_through_the_weighted_bonferroni():
    persons = pd.DataFrame({"pid": range(4), "s": [1.0, 1.0, 99.0, 99.0], "d": [1, 1, 1, 1],
                            "nb": [1, 1, 0, 0]})
    pairs = pd.DataFrame({"a": [0], "b": [1], "k": [0], "kb": [1], "ub": [2]})
    r = cooccurrence_tests(pairs, persons, fdr=0.05, booking_rate=1e-6)
    assert r["p"][0] == pytest.approx(-math.expm1(-1e-6) / 0.1)
    assert bool(r["keep"][0])
    assert special.gammainc(1, 1e-6) == pytest.approx(-math.expm1(-1e-6))


def test_the_size_aware_p_value_is_valid_under_its_null():
    # a's 12 events: sizes 3 to 200; under the null b is on event e with chance
    # (s_e - 1) d_b / L, independently; P(p <= alpha) must not exceed alpha
    rng = np.random.default_rng(11)
    sizes = np.array([3, 3, 4, 6, 10, 20, 40, 80, 120, 150, 200, 200], dtype=float)
    d_a, d_b, n_inc = len(sizes), 6.0, 4000.0
    pi = (sizes - 1) * d_b / n_inc                     # 0.003 .. 0.30
    x = rng.random((200_000, d_a)) < pi
    k = x.sum(axis=1)
    ls = (x * np.log(sizes - 1)).sum(axis=1)
    s_a = float((sizes - 1).sum())
    # b's own side: 6 events of 50 (its direction only makes p larger)
    p = shared_size_pvalue(k, ls, s_a, 6 * 49.0, d_a, d_b, n_inc, f_a=2.0, f_b=49.0)
    for alpha in (0.001, 0.01, 0.05, 0.2):
        assert (p <= alpha).mean() <= alpha * 1.05 + 1e-4, alpha
    # and it separates: sharing the two 3-seat events is far rarer than the count says
    small = shared_size_pvalue([2], [2 * math.log(2)], s_a, 6 * 49.0, d_a, d_b, n_inc, 2.0, 49.0)
    lam = max(s_a * d_b, 6 * 49.0 * d_a) / n_inc
    assert small[0] < poisson_tail(2, lam) / 10


def test_small_shared_journeys_pass_where_the_count_does_not():
    # A and B each on 2 journeys of 200 and 2 of 3 (one other each); they share the two small
    # ones. 2,000 others on 2 journeys of 200 each (s = 2 x 199): L = 8 + 4,000
    n_bg = 2000
    s_ab = 2 * 199 + 2 * 2.0
    persons = pd.DataFrame({"pid": range(n_bg + 2), "s": [s_ab, s_ab] + [2 * 199.0] * n_bg,
                            "d": [4, 4] + [2] * n_bg, "f": [2, 2] + [199] * n_bg})
    pairs = pd.DataFrame({"a": [0], "b": [1], "k": [2], "ls": [2 * math.log(2)]})
    sized = cooccurrence_tests(pairs, persons, fdr=0.05)
    count = cooccurrence_tests(pairs, persons, fdr=0.05, sizes=False)
    assert bool(sized["keep"][0]) and not bool(count["keep"][0])
    # by hand (both directions alike): c = 4 / L, x = (2 c)^2; no single journey reaches x
    # (2 c > x); the bound is the best over k* of sum_{j < k*} min(C(4, j) x, P(K >= j))
    # + P(K >= k*), with P(K >= 5) = 0
    n_inc = 8 + 2 * n_bg
    c = 4 / n_inc
    lam = s_ab * c
    xs = (2 * c) ** 2
    tail = lambda j: float(special.gammainc(j, lam)) if j <= 4 else 0.0    # noqa: E731
    t = {1: 0.0, **{j: min(math.comb(4, j) * xs, tail(j)) for j in range(2, 5)}}
    hand = min(sum(t[j] for j in range(1, ks)) + tail(ks) for ks in range(1, 6))
    assert sized["p"][0] == pytest.approx(hand, rel=1e-9)
    assert count["p"][0] == pytest.approx(tail(2), rel=1e-9)
    assert hand < 0.05 < tail(2)


def test_a_pairs_size_aware_p_value_does_not_depend_on_the_pairs_beside_it():
    # a frequent traveller pair (200 journeys each, lambda = 70) sharing 20 journeys: its own
    # bounds stop at k* = max_terms + 1; a pair sharing 100 journeys in the same batch used to
    # lend it bounds up to k* = 101 (0.74 alone, 2e-4 beside it)
    n_inc, d = 1e6, 200.0
    s = 70 * n_inc / d
    alone = shared_size_pvalue([20], [0.0], [s], [s], [d], [d], n_inc, [1], [1])
    beside = shared_size_pvalue([20, 100], [0.0, 100 * math.log(3)], [s, s], [s, s], [d, d],
                                [d, d], n_inc, [1, 1], [1, 1])
    assert beside[0] == alone[0]
    assert alone[0] > 0.5


def _random_family(seed):
    rng = np.random.default_rng(seed)
    n = 300
    d = rng.integers(1, 12, n)
    persons = pd.DataFrame({"pid": [f"P{i:03d}" for i in range(n)], "d": d,
                            "s": (d * rng.integers(1, 6, n)).astype(float),
                            "nb": rng.integers(0, 3, n), "f": rng.integers(1, 4, n)})
    a = rng.integers(0, n, 4000)
    b = rng.integers(0, n, 4000)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pr = pd.DataFrame({"a": lo, "b": hi}).drop_duplicates()
    pr = pr[pr["a"] < pr["b"]]
    kmax = np.minimum(d[pr["a"]], d[pr["b"]])
    k = np.minimum(rng.geometric(0.5, len(pr)), kmax)
    ids = persons["pid"].to_numpy(dtype=object)
    pairs = pd.DataFrame({"a": ids[pr["a"]], "b": ids[pr["b"]], "k": k,
                          "kb": rng.integers(0, 2, len(pr)) * (rng.random(len(pr)) < 0.1),
                          "ub": 2, "ls": k * np.log(rng.integers(1, 4, len(pr)))})
    return persons, pairs.reset_index(drop=True)


@pytest.mark.parametrize("seeded", [False, True])
def test_pairs_tested_in_batches_give_the_ties_of_one_call(seeded):
    """The split a distributed engine uses: the level from every person's margins, each batch
    of pairs tested with only its own persons, only the testable pairs with p <= q kept, then
    Benjamini-Hochberg over them with m = max(level.m, testable pairs): the same ties."""
    persons, pairs = _random_family(5)
    seeds = ["P001", "P007", "P100"] if seeded else None
    if seeded:
        pairs = pairs[pairs["a"].isin(seeds) | pairs["b"].isin(seeds)].reset_index(drop=True)
    q = 0.2
    want = cooccurrence_tests(pairs, persons, fdr=q, seeds=seeds, booking_rate=1e-3)
    assert 0 < want["keep"].sum() < len(want)
    level = cooccurrence_level(persons, fdr=q, seeds=seeds, booking_rate=1e-3)
    parts, testable = [], 0
    for lo in range(0, len(pairs), 97):
        batch = pairs.iloc[lo:lo + 97]
        mine = persons[persons["pid"].isin(set(batch["a"]) | set(batch["b"]))]
        r = cooccurrence_pvalues(batch, mine, level)
        testable += int(r["testable"].sum())
        parts.append(r[r["testable"] & (r["p"] <= q)])
    got = pd.concat(parts)
    keep = benjamini_hochberg(got["p"], max(level.m, testable), q)
    assert sorted(zip(got["a"][keep], got["b"][keep])) == \
        sorted(zip(want["a"][want["keep"]], want["b"][want["keep"]]))
    merged = got.merge(want, on=["a", "b"], suffixes=("", "_one"))
    assert len(merged) == len(got)
    assert (merged["p"] == merged["p_one"]).all() and (merged["lam"] == merged["lam_one"]).all()


def test_identifier_pairs_tested_in_batches_give_their_p_values():
    persons, pairs = _random_family(6)
    pairs = pairs.assign(u=2 + pairs["kb"])
    want = identifier_tests(pairs, persons, fdr=0.05, rate=1e-4)
    records = float(persons["d"].sum())
    got = pd.concat([identifier_pvalues(pairs.iloc[lo:lo + 50],
                                        persons[persons["pid"].isin(set(pairs["a"][lo:lo + 50])
                                                                    | set(pairs["b"][lo:lo + 50]))],
                                        rate=1e-4, records=records)
                     for lo in range(0, len(pairs), 50)])
    assert got["p"].tolist() == want["p"].tolist()
    assert got["lam"].tolist() == want["lam"].tolist()
