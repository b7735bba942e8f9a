"""Tests of netanalysis.resolve.significance: the pure significance step shared by engines."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import special

from netanalysis.errors import InputError
from netanalysis.resolve.significance import (
    collision_rate,
    cooccurrence_tests,
    count_testable,
    identifier_tests,
    poisson_tail,
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
