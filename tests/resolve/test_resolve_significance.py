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
    bh_rejections,
    collision_rate,
    cooccurrence_family,
    cooccurrence_pvalues,
    cooccurrence_tests,
    count_testable,
    expected_cooccurrence,
    identifier_pvalues,
    identifier_tests,
    one_shared_floor,
    poisson_tail,
    shared_size_pvalue,
    tarone_level,
)
from tests.resolve.conftest import NULL_POOLS, null_identifiers


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


def _random_persons(rng, n):
    d = rng.integers(1, 12, n)
    f = rng.integers(1, 60, n)
    s = d * f + rng.integers(0, 200, n)                    # S >= d f
    return pd.DataFrame({"pid": range(n), "s": s.astype(float), "d": d, "f": f})


def test_one_shared_floor_is_below_both_tests():
    # pairs sharing one journey of n persons (ls = ln(n - 1)), margins that can hold it
    # (n - 1 >= both f, S >= n - 1 + (d - 1) f): the floor, with the 1e-9 margin the SQL
    # takes, must not exceed the count test's p nor the size-aware one, or pruning could
    # drop a tie
    rng = np.random.default_rng(5)
    persons = _random_persons(rng, 300)
    s, d, f = (persons[c].to_numpy() for c in ("s", "d", "f"))
    a = rng.integers(0, 150, 20_000)
    b = rng.integers(150, 300, 20_000)
    lo = np.maximum(f[a], f[b])
    hi = np.minimum(s[a] - (d[a] - 1) * f[a], s[b] - (d[b] - 1) * f[b])
    ok = hi >= lo
    a, b, lo, hi = a[ok], b[ok], lo[ok], hi[ok]
    n = 1 + lo + np.floor(rng.random(len(a)) * (hi - lo + 1))
    pairs = pd.DataFrame({"a": a, "b": b, "k": 1, "ls": np.log(n - 1.0)})
    n_inc = float(d.sum())
    lam = expected_cooccurrence(s[a], s[b], d[a], d[b], n_inc)
    floor = one_shared_floor(lam, d[a], d[b], n, n_inc) * (1 - 1e-9)
    count = cooccurrence_tests(pairs, persons, fdr=0.05, sizes=False)["p"].to_numpy()
    sized = shared_size_pvalue(np.ones(len(a)), pairs["ls"], s[a], s[b], d[a], d[b], n_inc,
                               f[a], f[b])
    assert len(a) > 1000
    assert (floor <= count).all() and (floor <= sized).all()
    # and not a vacuous floor: the floor is min(lambda / (1 + lambda), max(d_a, d_b) x) since
    # the histograms (session 18), which can take a p-value down to about x = (n - 1) d / L
    assert (floor > 0.25 * np.minimum(count, sized)).mean() > 0.5


def test_bh_rejections_counts_benjamini_hochberg_and_bounds_it_from_floors():
    rng = np.random.default_rng(8)
    p = np.concatenate([rng.random(500) * 1e-4, rng.random(5000)])
    for m in (5500, 20_000, 10**6):
        assert bh_rejections(p, m, 0.05) == int(benjamini_hochberg(p, m, 0.05).sum())
        floors = p * rng.random(len(p))                 # below every p-value
        r_up = bh_rejections(floors, m, 0.05)
        assert r_up >= bh_rejections(p, m, 0.05)
        # the tests whose floor exceeds q R / m are never rejected; dropping them changes
        # nothing (the rest keeps its outcome with the family size m)
        keep = benjamini_hochberg(p, m, 0.05)
        drop = floors > 0.05 * r_up / m
        assert not keep[drop].any()
        assert (benjamini_hochberg(p[~drop], m, 0.05) == keep[~drop]).all()
    hist = bh_rejections([1e-6, 2e-6], 1000, 0.05, counts=[3, 40])
    assert hist == bh_rejections([1e-6] * 3 + [2e-6] * 40, 1000, 0.05) == 43


def test_cooccurrence_family_cuts_select_the_testable_pairs_and_bound_m():
    rng = np.random.default_rng(2)
    persons = _random_persons(rng, 120)
    for seeds in (None, [0, 5, 9, 40]):
        fam = cooccurrence_family(persons, fdr=0.05, seeds=seeds)
        cut = dict(zip(fam.journeys["d"], fam.journeys["cut"]))
        x = (persons["s"] * persons["d"]).to_numpy()
        d = persons["d"].to_numpy()
        sel = [(a, b) for a, b in itertools.combinations(range(120), 2)
               if (seeds is None or a in seeds or b in seeds)
               and x[a] * x[b] <= cut[min(d[a], d[b])]]
        assert 0 < len(sel) <= fam.m                    # m never under-counts
        assert 0 < fam.tau <= 0.05


def test_size_cut_family_counts_the_pairs_its_cuts_select():
    rng = np.random.default_rng(4)
    persons = _random_persons(rng, 150)
    x = (persons["s"] * persons["d"]).to_numpy()
    y = (persons["f"] * persons["d"]).to_numpy().astype(float)
    d = persons["d"].to_numpy()
    for seeds in (None, [0, 5, 9, 40, 77]):
        fam = cooccurrence_family(persons, fdr=0.05, seeds=seeds, size_cut=True)
        cut = dict(zip(fam.journeys["d"], fam.journeys["cut"]))
        ycut = dict(zip(fam.journeys["d"], fam.journeys["ycut"]))
        n_j = n_y = 0
        for a, b in itertools.combinations(range(150), 2):
            w = 1 if seeds is None else (a in seeds) + (b in seeds)
            n_j += w * (x[a] * x[b] <= cut[min(d[a], d[b])])      # seed pairs count twice
            n_y += (w > 0) * (max(y[a], y[b]) <= ycut[min(d[a], d[b])])
        m_all = 150 * 149 // 2 if seeds is None else len(seeds) * 149
        assert n_y > 0 and fam.m == min(n_j + n_y, m_all)
        assert (cooccurrence_family(persons, fdr=0.05, seeds=seeds).journeys["ycut"] < 0).all()


def test_size_cut_tests_frequent_travellers_who_share_small_journeys():
    # 3,000 others on three 3-seat journeys each (x = s d = 18: their pairs fill the count's
    # family, tau ~ 1e-8); A and B on one 400-seat journey and three 3-seat ones, all shared
    # with each other. x_A x_B = (405 x 4)^2 is far above the count's cut at d = 4, so today
    # A-B is never tested; its size-aware p-value (3.5e-9) passes BH once the family holds it
    n_bg = 3000
    s_ab = 399 + 3 * 2.0
    persons = pd.DataFrame({"pid": range(n_bg + 2), "s": [s_ab, s_ab] + [6.0] * n_bg,
                            "d": [4, 4] + [3] * n_bg, "f": [2, 2] + [2] * n_bg})
    pairs = pd.DataFrame({"a": [0], "b": [1], "k": [3], "ls": [3 * math.log(2)]})
    today = cooccurrence_tests(pairs, persons, fdr=0.05)
    sized = cooccurrence_tests(pairs, persons, fdr=0.05, size_cut=True)
    assert not bool(today["keep"][0]) and bool(sized["keep"][0])
    assert sized["p"][0] < 1e-8 < 1e-4 < today["p"][0]       # today: the count's p (untested)
    fam = cooccurrence_family(persons, fdr=0.05, size_cut=True)
    assert fam.m == (n_bg + 2) * (n_bg + 1) // 2           # the union, capped at all pairs


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


@pytest.mark.parametrize("size_cut", [False, True])
@pytest.mark.parametrize("seeded", [False, True])
def test_pairs_tested_in_batches_give_the_ties_of_one_call(seeded, size_cut):
    """The split a distributed engine uses: the level from every person's margins, each batch
    of pairs tested with only its own persons, only the testable pairs with p <= q kept, then
    Benjamini-Hochberg over them with m = max(level.m, testable pairs): the same ties."""
    persons, pairs = _random_family(5)
    seeds = ["P001", "P007", "P100"] if seeded else None
    if seeded:
        pairs = pairs[pairs["a"].isin(seeds) | pairs["b"].isin(seeds)].reset_index(drop=True)
    q = 0.2
    want = cooccurrence_tests(pairs, persons, fdr=q, seeds=seeds, booking_rate=1e-3,
                              size_cut=size_cut)
    assert 0 < want["keep"].sum() < len(want)
    level = cooccurrence_family(persons, fdr=q, seeds=seeds, booking_rate=1e-3,
                                size_cut=size_cut)
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


def _share_pairs(rows):
    """Every pair of persons sharing a value of `rows` (person, value): ``a, b, k, u``."""
    uses = pd.DataFrame(rows, columns=["pid", "v"])
    uses["u"] = uses.groupby("v")["pid"].transform("size")
    m = uses.merge(uses, on="v")
    m = m[m["pid_x"] < m["pid_y"]]
    pairs = m.groupby(["pid_x", "pid_y"]).agg(k=("v", "size"), u=("u_x", "max")).reset_index()
    persons = uses.groupby("pid").size().rename("d").reset_index()
    return pairs.rename(columns={"pid_x": "a", "pid_y": "b"}), persons


@pytest.mark.parametrize("pool,skew", NULL_POOLS)
def test_identifier_p_values_are_valid_when_values_collide_by_chance(pool, skew):
    # calibration of the joint-act null (issue 10): persons hold 1-3 values drawn independently
    # from a pool (no joint act); the rule is told the exact collision rate sum pi^2. Over all
    # m pairs (those sharing nothing have p = 1), a valid p-value has E #{p <= t} <= t m
    t_grid = (1e-3, 1e-2)
    hits, m = np.zeros(len(t_grid)), 0
    for seed in range(4):
        rows, c = null_identifiers(400, pool, skew, seed)
        pairs, persons = _share_pairs(rows)
        p = identifier_pvalues(pairs, persons, rate=c, records=float(persons["d"].sum()))["p"]
        m += len(persons) * (len(persons) - 1) // 2
        hits += [(p <= t).sum() for t in t_grid]
    for t, h in zip(t_grid, hits):
        # t m >= 240 here: Poisson noise is a few per cent of it; measured 0.01-0.5 of t m
        assert h <= t * m, (t, h, t * m)


def _cotravel_tables(tr):
    """Persons (``pid, s, d, f``) and every co-occurring pair (``a, b, k, ls``) of legs."""
    inc = tr.assign(j=tr["flight"] + "|" + tr["depart"])[["person_id", "j"]].drop_duplicates()
    inc["n1"] = inc.groupby("j")["person_id"].transform("size").astype(float) - 1.0
    inc = inc[inc["n1"] >= 1].assign(p=lambda x: pd.factorize(x["person_id"], sort=True)[0])
    inc["ln"] = np.log(inc["n1"])
    persons = inc.groupby("p").agg(s=("n1", "sum"), d=("n1", "size"), f=("n1", "min"))
    m = inc[["j", "p", "ln"]].merge(inc[["j", "p"]], on="j")
    m = m[m["p_x"] < m["p_y"]]
    pairs = m.groupby(["p_x", "p_y"]).agg(k=("j", "size"), ls=("ln", "sum")).reset_index()
    return pairs.rename(columns={"p_x": "a", "p_y": "b"}), persons.reset_index(names="pid")


@pytest.mark.parametrize("kw", [
    dict(journey_size=(3, 10)),
    dict(journey_size=(5, 15), shared_journeys=(2, 4), legs_per_person=(1, 20)),
    dict(journey_size=(3, 300), legs_per_person=(1, 20)),
    dict(journey_size=(3, 30), legs_per_person=(5, 30)),
], ids=["3-10 pax", "5-15 pax", "3-300 pax", "frequent"])
def test_co_travel_p_values_are_valid_under_the_generators_null(kw):
    # calibration of the configuration null (issue 10) on netanalysis.synth.cotravel's null
    # case under several settings: over all m pairs, both the count's Poisson tail and the
    # size-aware p-value must give E #{p <= t} <= t m
    from netanalysis.synth.cotravel import cotravel_case
    t_grid = (1e-3, 1e-2)
    hits, m = np.zeros((2, len(t_grid))), 0
    for seed in range(2):
        tr, _, truth = cotravel_case(400, n_companions=0, seed=seed, **kw)
        assert truth.empty
        pairs, persons = _cotravel_tables(tr)
        idx = pd.Index(persons["pid"])
        ia, ib = idx.get_indexer(pairs["a"]), idx.get_indexer(pairs["b"])
        s, d, f = (persons[c].to_numpy(float) for c in ("s", "d", "f"))
        n_inc, k = d.sum(), pairs["k"].to_numpy(float)
        count = poisson_tail(k, expected_cooccurrence(s[ia], s[ib], d[ia], d[ib], n_inc))
        sized = shared_size_pvalue(k, pairs["ls"].to_numpy(), s[ia], s[ib], d[ia], d[ib], n_inc,
                                   f[ia], f[ib])
        m += len(persons) * (len(persons) - 1) // 2
        for row, p in enumerate((count, sized)):
            hits[row] += [(p <= t).sum() for t in t_grid]
    for row in range(2):
        for t, h in zip(t_grid, hits[row]):
            assert h <= t * m, (["count", "size-aware"][row], t, h, t * m)
