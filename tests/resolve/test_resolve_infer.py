"""Tests of netanalysis.resolve.infer: each inference rule and threshold."""

import math

import numpy as np
import pandas as pd
import pytest

from netanalysis.errors import InputError

from netanalysis.model.graph import party_edges
from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.resolve import infer_links
from netanalysis.resolve.infer import (
    INFERRED_COLUMNS,
    call_links,
    co_travel_links,
    shared_document_links,
    shared_phone_links,
)
from tests.resolve.conftest import NULL_POOLS, null_identifiers


def legs(flight, day, pax, carrier="AV", prefix="X", pair=("A", "B"), booking=None):
    """Travel rows of one journey: the pair plus fillers up to `pax` passengers."""
    who = list(pair) + [f"{prefix}{flight}_{k}" for k in range(pax - len(pair))]
    return [{"person_id": p, "depart": f"{day}T08:00", "origin": "BOG", "destination": "MAD",
             "carrier": carrier, "flight": flight, "booking_ref": booking} for p in who]


TWO = legs("85", "2024-03-05", 2) + legs("6500", "2024-04-01", 2, carrier="IB")
THREE = (legs("85", "2024-03-05", 2) + legs("6500", "2024-04-01", 2, carrier="IB")
         + legs("6501", "2024-04-09", 2, carrier="IB"))


def ties(t):
    return sorted(zip(t["from_id"], t["to_id"]))


def background(n_flights=100, pax=4, day="2024-05-01"):
    """Travel rows of `n_flights` journeys of `pax` persons who fly once each."""
    return [{"person_id": f"Z{j}_{k}", "depart": day, "origin": "BOG", "destination": "MAD",
             "carrier": "CM", "flight": str(1000 + j)} for j in range(n_flights) for k in range(pax)]


def poisson_sf(k, lam):
    """P(K >= k), K ~ Poisson(lam), by hand (the terms from k on: no cancellation)."""
    return sum(math.exp(-lam) * lam ** i / math.factorial(i) for i in range(k, k + 40))


def expected_p(k, s_a, s_b, d_a, d_b, n_inc):
    """lambda = max(S_a d_b, S_b d_a) / L and p = P(K >= k) (significance module notes)."""
    lam = max(s_a * d_b, s_b * d_a) / n_inc
    return lam, poisson_sf(k, lam)


def test_one_shared_big_flight_is_never_a_tie(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 100) + background())
    assert co_travel_links(c).empty
    # S_A = 99, d_A = 1; L = 100 + 400: lambda = 99 / 500, p = 0.18 > any BH threshold
    assert expected_p(1, 99, 99, 1, 1, 500)[1] > 0.05


def test_a_lone_pair_on_the_only_two_seat_flight_is_a_tie(make_case):
    # one shared journey counts now (unconditional p): A and B are the only two persons on a
    # two-seat flight; 400 others fly once, four a flight. lambda = 1 x 1 / 402, p = 0.0025;
    # the others' pairs can never reach p < 3 / 402 (one journey each), so the Tarone-Gilbert
    # family holds A-B alone and BH keeps it
    c = make_case(travel=legs("85", "2024-03-05", 2) + background())
    t = co_travel_links(c)
    assert ties(t) == [("A", "B")]
    lam, p = expected_p(1, 1, 1, 1, 1, 402)
    assert t["score"][0] == pytest.approx(-math.log10(p), abs=1e-3)
    assert p > 3 / 402 * 0.05          # it passes through the smaller family only


def test_three_rare_shared_flights_score_is_the_hand_computed_surprise(make_case):
    c = make_case(travel=THREE + background())
    t = co_travel_links(c)
    assert ties(t) == [("A", "B")]
    # S_A = S_B = 3 (one fellow passenger on each of three journeys), d = 3; L = 6 + 400;
    # the size-aware tail: B is on each of A's three two-seat journeys with chance 3 / 406,
    # on all three with (3 / 406)^3 (below the count's P(K >= 3) = 1.8e-06)
    lam, p_count = expected_p(3, 3, 3, 3, 3, 406)
    p = (3 / 406) ** 3
    assert p < p_count
    r = t.iloc[0]
    assert r["score"] == pytest.approx(-math.log10(p), abs=1e-3)
    assert r["evidence"] == ("3 shared journeys: AV85 2024-03-05 (2 passengers), "
                             "IB6500 2024-04-01 (2 passengers), IB6501 2024-04-09 (2 passengers); "
                             f"{lam:.2g} expected by chance (p = {p:.1e})")
    assert (r["start"], r["end"]) == ("2024-03-05", "2024-04-09")
    assert 0 < r["confidence"] < 0.2
    assert r["weight"] == r["score"]


def test_two_shared_full_flights_are_chance(make_case):
    rows = legs("85", "2024-03-05", 50) + legs("86", "2024-03-19", 50)
    c = make_case(travel=rows + background())
    assert co_travel_links(c).empty
    # S = 98, d = 2; L = 100 + 400: lambda = 0.392, P(K >= 2) = 0.059 > 0.05
    assert expected_p(2, 98, 98, 2, 2, 500)[1] > 0.05


def test_frequent_travellers_on_busy_flights_need_more_shared_journeys(make_case):
    rows = []
    for k in range(3):  # A and B share three full flights of 100
        rows += legs(str(100 + k), f"2024-03-0{k + 1}", 100)
    c = make_case(travel=rows + background())
    assert co_travel_links(c).empty
    # the same three journeys shared by two persons travelling alone together stand out
    rows = []
    for k in range(3):
        rows += legs(str(100 + k), f"2024-03-0{k + 1}", 2)
    assert ties(co_travel_links(make_case(travel=rows + background()))) == [("A", "B")]


def test_a_shared_booking_is_a_joint_act(make_case):
    trip = legs("85", "2024-03-05", 50) + legs("86", "2024-03-19", 50)
    assert co_travel_links(make_case(travel=trip + background())).empty   # chance, see above
    trip = legs("85", "2024-03-05", 50, booking="qx7y2") + legs("86", "2024-03-19", 50,
                                                                booking="QX7Y2 ")
    for r in trip[2:]:
        r["booking_ref"] = None
    t = co_travel_links(make_case(travel=trip + background()))
    assert ties(t) == [("A", "B")]
    # joint-act null: two holders of one booking among U = 2 booking records, collision rate
    # 1e-8: r = 1 / (1e8 + 0), p_b = 1 - exp(-r); weighted Bonferroni: p = p_b / 0.1
    lam, _ = expected_p(2, 98, 98, 2, 2, 500)
    p = -math.expm1(-1e-8) / 0.1
    assert t["score"][0] == pytest.approx(-math.log10(p), abs=1e-3)
    assert t["evidence"][0] == ("2 shared journeys: AV85 2024-03-05 (50 passengers), "
                                "AV86 2024-03-19 (50 passengers); shared booking QX7Y2; "
                                f"{lam:.2g} expected by chance (p = {p:.1e})")
    # the booking's weight falls with its holders: a booking of 40 on one flight shared once
    group = legs("85", "2024-03-05", 40, booking="GRP1")
    t = co_travel_links(make_case(travel=group + background()),
                        settings={"co_travel": {"booking_collision_rate": 1e-4}})
    # r = 39 / (1e4 + 38) = 3.9e-3 per pair: 780 pairs, p = 0.039 / 1 > 0.05 x 780 / 80,000
    assert t.empty
    assert ties(co_travel_links(make_case(travel=trip + background()),
                                settings={"co_travel": {"booking_collision_rate": 1e-4}})) \
        == [("A", "B")]    # two holders: r = 1e-4, p = 1e-3 < 0.05 / 1


def test_max_passengers_bounds_the_events_computed(make_case):
    c = make_case(travel=THREE + background())
    assert len(co_travel_links(c)) == 1
    assert co_travel_links(c, settings={"co_travel": {"max_passengers": 1}}).empty


def test_fdr_is_a_setting(make_case):
    c = make_case(travel=THREE + background())
    lam, p = expected_p(3, 3, 3, 3, 3, 406)
    # the family: A-B's smallest attainable p-value is p itself (3 journeys each); every other
    # pair's is >= P(K >= 1) at lambda = 3 / 406, so at a level below that A-B is alone
    assert co_travel_links(c, settings={"fdr": p * 0.99}).empty
    assert len(co_travel_links(c, settings={"fdr": p * 1.01})) == 1
    from netanalysis.errors import InputError
    with pytest.raises(InputError, match="infer.fdr"):
        co_travel_links(c, settings={"fdr": 5})


def test_journey_semantics_same_flight_same_day(make_case):
    rows = [  # carrier + number written two ways, same day: one journey
        {"person_id": "A", "depart": "2024-03-05T10:00", "carrier": "AV", "flight": "85"},
        {"person_id": "B", "depart": "2024-03-05T10:00", "carrier": "av", "flight": "AV 85"},
        {"person_id": "A", "depart": "2024-04-01", "carrier": "IB", "flight": "6500"},
        {"person_id": "B", "depart": "2024-04-01", "carrier": "IB", "flight": "6500"},
        {"person_id": "A", "depart": "2024-04-09", "carrier": "IB", "flight": "6501"},
        {"person_id": "B", "depart": "2024-04-09T23:00", "carrier": "IB", "flight": "6501"},
        # same flight number, different day: no shared journey
        {"person_id": "A", "depart": "2024-05-01", "carrier": "CM", "flight": "1"},
        {"person_id": "C", "depart": "2024-05-02", "carrier": "CM", "flight": "1"},
        {"person_id": "C", "depart": "2024-06-01", "carrier": "CM", "flight": "2"},
        {"person_id": "A", "depart": "2024-06-01", "carrier": "CM", "flight": "2"},
        # a month only is no day: no journey
        {"person_id": "A", "depart": "2024-07", "carrier": "CM", "flight": "3"},
        {"person_id": "C", "depart": "2024-07", "carrier": "CM", "flight": "3"},
    ]
    for r in rows:
        r.update(origin="BOG", destination="MAD")
    t = co_travel_links(make_case(travel=rows + background()))
    assert ties(t) == [("A", "B")]
    assert t["evidence"][0].startswith("3 shared journeys: AV85 2024-03-05")


def phone_background(n=400):
    """`n` persons holding a number each."""
    return [{"number": f"+9{i}", "person_id": f"Z{i}"} for i in range(n)]


def test_shared_phones_hand_computed(make_case):
    three = [{"number": n, "person_id": p} for n in ("+573001", "+2", "+3") for p in "AB"]
    c = make_case(phones=three + phone_background())
    t = shared_phone_links(c)
    assert ties(t) == [("A", "B")]
    # joint-act null: d_A = d_B = 3 numbers, U = 406 records, collision rate 1e-8:
    # r = (2 - 1) / (1e8 + 404), lambda = 3 x 3 x r, p = P(K >= 3)
    lam = 9 / (1e8 + 404)
    p = poisson_sf(3, lam)
    assert t["score"][0] == pytest.approx(-math.log10(p), abs=1e-3)
    assert t["evidence"][0] == f"both use phone +2, +3, +573001; {lam:.2g} expected by chance (p = {p:.1e})"
    # numbers used by more than max_users persons are not computed
    assert shared_phone_links(make_case(phones=three + phone_background()),
                              settings={"shared_phone": {"max_users": 1}}).empty


def test_one_shared_number_links_with_a_score_falling_with_its_users(make_case):
    rows = [{"number": "+1", "person_id": p} for p in "AB"]          # 2 users
    rows += [{"number": "+2", "person_id": p} for p in "CDE"]        # 3 users
    rows += [{"number": "+3", "person_id": p} for p in "FGHIJ"]      # 5 users
    t = shared_phone_links(make_case(phones=rows + phone_background()))
    assert len(t) == 1 + 3 + 10
    u_of = {**{p: 2 for p in "AB"}, **{p: 3 for p in "CDE"}, **{p: 5 for p in "FGHIJ"}}
    for r in t.itertuples():
        u = u_of[r.from_id]
        p = -math.expm1(-(u - 1) / (1e8 + 410 - 2))        # lambda = 1 x 1 x r_v
        assert r.score == pytest.approx(-math.log10(p), abs=1e-3)
    scores = t.groupby(t["from_id"].map(u_of))["score"].first()
    assert scores[2] > scores[3] > scores[5]
    # where chance collisions are common (rate 1e-3: one in a thousand record pairs) one
    # shared number is not enough: p = 1 - exp(-1 / (1000 + 408)) = 7e-4 > 0.05 / 83,845
    t = shared_phone_links(make_case(phones=rows + phone_background()),
                           settings={"shared_phone": {"collision_rate": 1e-3}})
    assert t.empty


def test_shared_document_same_country_only_and_travel_use(make_case):
    docs = [{"id": f"D{n}{p}", "holder_id": p, "kind": "passport", "number": n,
             "issuing_country": "VE"} for n in ("VE123", "X1") for p in "AB"]
    docs[1]["number"] = "ve-123"
    docs += [{"id": "DC", "holder_id": "C", "kind": "passport", "number": "VE123",
              "issuing_country": "CO"}]
    docs += [{"id": f"DZ{i}", "holder_id": f"Z{i}", "kind": "passport", "number": f"N{i}",
              "issuing_country": "PE"} for i in range(400)]
    c = make_case(documents=docs, travel=[
        {"person_id": "B", "depart": "2024-01-01", "origin": "LIM", "destination": "MAD",
         "document_id": "DX1A"}])   # B travels on A's X1 too (the same co-occurrence)
    t = shared_document_links(c)
    assert ties(t) == [("A", "B")]      # C's VE123 is from another country: no tie of C
    # d_A = d_B = 2, U = 405 records, collision rate 1e-9: lambda = 4 / (1e9 + 403)
    lam = 4 / (1e9 + 403)
    p = poisson_sf(2, lam)
    assert t["evidence"][0] == ("both use passport VE123 (VE), passport X1 (VE); "
                                f"{lam:.2g} expected by chance (p = {p:.1e})")


def test_calls_hand_computed_and_shared_numbers(make_case):
    phones = [{"number": "+1", "person_id": "A"}, {"number": "+2", "person_id": "B"},
              {"number": "+2", "person_id": "C"}, {"number": "+3", "person_id": "A"}]
    phones += [{"number": f"+9{i}", "person_id": f"Z{i}"} for i in range(1000)]
    calls = [{"caller": "+1", "callee": "+2", "start": f"2024-01-0{d}T10:00", "duration_s": 600}
             for d in (1, 5, 7)]
    calls += [{"caller": "+1", "callee": "+3", "start": "2024-01-06", "duration_s": 60}]
    calls += [{"caller": f"+9{2 * i}", "callee": f"+9{2 * i + 1}", "start": "2024-02-01",
               "duration_s": 30} for i in range(500)]
    t = call_links(make_case(phones=phones, calls=calls))
    # +2 is used by B and C: attributed to each; A calling his own other phone is no tie
    assert ties(t) == [("A", "B"), ("A", "C")]
    # activities: A 6 (3 with B, 3 with C), B 3, C 3, each Z 1 (a call is one event: d = S);
    # L = 6 + 3 + 3 + 1000, lambda = max(6 x 3, 3 x 6) / 1012
    lam, p = expected_p(3, 6, 3, 6, 3, 1012)
    r = t.iloc[0]
    assert r["score"] == pytest.approx(-math.log10(p), abs=1e-3)
    assert r["evidence"].startswith("3 calls, 30 min in all (A to B 3, B to A 0): +1 / +2")
    assert "used by several persons" in r["evidence"]
    assert (r["start"], r["end"]) == ("2024-01-01T10:00", "2024-01-07T10:00")
    # one call is no tie here: every pair of the 1,000 others could reach p = 1/1004 too
    assert call_links(make_case(phones=phones, calls=calls[:1] + calls[4:])).empty


@pytest.mark.parametrize("size_cut", [False, True])
def test_null_case_keeps_no_more_chance_ties_than_the_fdr_allows(size_cut):
    # with size_cut the family also holds the pairs only the size-aware test could pass: the
    # cut is still on the margins, so the control must hold the same
    from netanalysis.model.case import Case
    from netanalysis.synth.cotravel import cotravel_case
    runs_with_ties = 0
    for seed in range(8):
        tr, persons, truth = cotravel_case(400, n_companions=0, seed=seed, journey_size=(3, 30),
                                           legs_per_person=(1, 20))
        assert truth.empty
        for seed_mode in ("all", "wanted"):
            t = co_travel_links(Case(tables={"travel": tr, "persons": persons}),
                                settings={"seed": seed_mode, "co_travel": {"size_cut": size_cut}})
            runs_with_ties += not t.empty
    # under the complete null, BH keeps a chance tie in at most 5 % of runs: P(>= 4 of 16) < 0.01
    assert runs_with_ties <= 3


def _at_most_runs(runs, q, alpha=0.01):
    """The most runs with a chance tie that a level-`q` control allows: under the complete
    null every tie kept is chance, so FDR = P(a run keeps a tie) <= q, and more than this
    many of `runs` has probability below `alpha`."""
    from scipy import stats
    return int(stats.binom.ppf(1 - alpha, runs, q))


@pytest.mark.parametrize("kind", ["shared_phone", "shared_document"])
def test_null_identifiers_keep_no_more_chance_ties_than_the_fdr_allows(kind, make_case):
    # issue 10: the shared phone and document rules calibrated like co-travel. Nobody acts
    # jointly; the collision rate is told exactly (sum pi^2), the rest is the joint-act null's
    # own estimate (the values' holders). Under the complete null FDR = P(a run keeps a tie),
    # and P(> 7 of 16 runs | 0.2) < 0.01. Told a collision rate 20 times too small, the rules
    # keep ties in 10 of these 16 runs (the p-values themselves: test_resolve_significance)
    q, runs, with_ties = 0.2, 0, 0
    for pool, skew in NULL_POOLS:
        for seed in range(4):
            rows, c = null_identifiers(400, pool, skew, seed)
            if kind == "shared_phone":
                case = make_case(phones=[{"number": f"+57300{v:07d}", "person_id": f"P{a}"}
                                          for a, v in rows])
                t = shared_phone_links(case, settings={"fdr": q, kind: {"collision_rate": c}})
            else:
                case = make_case(documents=[
                    {"id": f"D{a}_{v}", "holder_id": f"P{a}", "kind": "passport",
                     "number": f"N{v}", "issuing_country": "VE"} for a, v in rows])
                t = shared_document_links(case, settings={"fdr": q, kind: {"collision_rate": c}})
            runs += 1
            with_ties += not t.empty
    assert runs == 16 and _at_most_runs(runs, q) == 7
    assert with_ties <= 7


def test_null_calls_keep_no_more_chance_ties_than_the_fdr_allows(make_case):
    # calls between persons picked by activity (lognormal, sigma 1), 3 calls a person: the
    # configuration null of calls (lambda = d_a d_b / L) is the generator's own expectation;
    # at q = 0.2, P(> 7 of 16 runs | 0.2) < 0.01 (with lambda 4 times too small: 10 runs)
    q, with_ties = 0.2, 0
    for seed in range(16):
        rng = np.random.default_rng(seed)
        n = 300
        w = rng.lognormal(0.0, 1.0, n)
        phones = [{"number": f"+57300{i:07d}", "person_id": f"P{i}"} for i in range(n)]
        a = rng.choice(n, 3 * n, p=w / w.sum())
        b = rng.choice(n, 3 * n, p=w / w.sum())
        calls = [{"caller": f"+57300{x:07d}", "callee": f"+57300{y:07d}",
                  "start": f"2024-01-{1 + i % 28:02d}T10:00", "duration_s": 60}
                 for i, (x, y) in enumerate(zip(a.tolist(), b.tolist())) if x != y]
        t = call_links(make_case(phones=phones, calls=calls), settings={"fdr": q})
        with_ties += not t.empty
    assert with_ties <= _at_most_runs(16, q) == 7


def test_planted_companions_are_found_when_rare_travellers_share_journeys():
    from netanalysis.model.case import Case
    from netanalysis.synth.cotravel import cotravel_case
    tr, persons, truth = cotravel_case(1000, n_companions=20, seed=0, journey_size=(3, 10),
                                       legs_per_person=(3, 8), shared_journeys=(3, 5))
    c = Case(tables={"travel": tr, "persons": persons})
    planted = set(zip(truth["id_a"], truth["id_b"]))
    t = co_travel_links(c)
    found = set(zip(t["from_id"], t["to_id"]))
    assert len(found & planted) >= 10
    assert len(found - planted) <= max(1, 0.2 * len(found))
    # testing only the pairs of persons of interest: a smaller family, more found
    t = co_travel_links(c, settings={"seed": "wanted"})
    seeded = set(zip(t["from_id"], t["to_id"]))
    assert len(seeded & planted) > len(found & planted)
    assert len(seeded - planted) <= max(1, 0.2 * len(seeded))
    with pytest.raises(InputError, match="infer.seed"):
        co_travel_links(c, settings={"seed": "fugitives"})


def test_infer_links_contract_confidence_and_graph(make_case):
    c = make_case(
        persons=[{"id": p, "name": p} for p in "AB"],
        links=[{"from_id": "A", "to_id": "B", "type": "associate", "grading": "E5", "weight": 1.0}],
        travel=THREE + background(),
        phones=[{"number": n, "person_id": p} for n in ("+1", "+2", "+3") for p in "AB"]
        + phone_background(),
        calls=[{"caller": "+1", "callee": "+9", "start": "2024-01-01"}])
    t = infer_links(c)
    assert list(t.columns) == INFERRED_COLUMNS
    assert list(t["type"]) == ["co_travel", "shared_phone"]
    assert set(t["type"]) <= set(INFERRED_LINK_TYPES)
    assert (t["confidence"] < 0.2).all() and (t["confidence"] > 0).all()
    c.inferred = t
    e = party_edges(c)
    assert e["inferred"].tolist() == [False, True, True]
    only = infer_links(c, settings={"infer": {"types": ["shared_phone"]}})
    assert list(only["type"]) == ["shared_phone"]


def test_empty_case_gives_empty_contract_table(make_case):
    t = infer_links(make_case(persons=[]))
    assert list(t.columns) == INFERRED_COLUMNS and t.empty


def test_unknown_type_in_settings_is_an_error(make_case):
    from netanalysis.errors import InputError
    with pytest.raises(InputError, match="infer.types.*unknown value 'flights'"):
        infer_links(make_case(persons=[]), settings={"types": ["flights"]})


def test_max_confidence_is_a_setting(make_case):
    c = make_case(phones=[{"number": n, "person_id": p} for n in ("+1", "+2", "+3") for p in "AB"]
                  + phone_background())
    t = infer_links(c, settings={"max_confidence": 0.1})
    s = float(t["score"][0])
    assert float(t["confidence"][0]) == pytest.approx(0.1 * (1 - math.exp(-s)), abs=1e-4)
    assert isinstance(t, pd.DataFrame)


def test_inference_can_be_turned_off_in_settings(make_case):
    c = make_case(phones=[{"number": "+1", "person_id": "A"}, {"number": "+1", "person_id": "B"}])
    assert infer_links(c, settings={"infer": {"enabled": False}}).empty


def test_confidence_stays_below_max_confidence_for_huge_surprise(make_case):
    # 100 shared journeys of two: p ~ 1e-43, confidence still < 0.2
    rows = []
    for k in range(100):
        rows += legs(str(200 + k), f"2024-03-{1 + k % 28:02d}", 2)
    t = co_travel_links(make_case(travel=rows + background()))
    assert len(t) == 1 and t["score"][0] > 40   # 1 - exp(-40) is 1.0 in floating point
    assert 0 < t["confidence"][0] < 0.2


def test_pairs_pruned_in_duckdb_give_the_same_ties_as_the_full_pair_table(make_case):
    # co_travel_links leaves out, inside DuckDB, the pairs that can never be kept (outside
    # the Tarone-Gilbert family, or one shared journey whose p-value floor exceeds q R / m).
    # The ties must be those of the full table: a lone pair on a two-seat flight (one shared
    # journey, kept), a booking pair on one journey, two pairs on two small flights, frequent
    # travellers, and hundreds of chance pairs sharing one journey
    from unittest import mock

    from netanalysis.resolve import infer

    rows = legs("85", "2024-03-05", 2)
    rows += [dict(r, booking_ref=r["person_id"] in "CD" and "QX7" or None)
             for r in legs("90", "2024-03-06", 30, pair=("C", "D"))]
    rows += legs("91", "2024-03-07", 3, pair=("E", "F")) + legs("92", "2024-03-08", 3, pair=("E", "F"))
    rows += legs("93", "2024-03-09", 4, pair=("G", "H"), prefix="Y") \
        + legs("94", "2024-03-10", 4, pair=("G", "H"), prefix="Y")
    rows += [{"person_id": f"F{i % 40}", "depart": f"2024-06-{1 + i // 40:02d}", "origin": "BOG",
              "destination": "MAD", "carrier": "CM", "flight": str(2000 + i % 60)}
             for i in range(1200)]
    rows += background(150, 4)
    ids = sorted({r["person_id"] for r in rows})
    cases = {"all": make_case(travel=rows),
             "wanted": make_case(travel=rows, persons=[
                 {"id": p, "name": p, "wanted_by": "CO" if p in ("A", "E", "F3") else None}
                 for p in ids])}
    seen, got = {}, {}
    real = infer.co_travel_pairs

    def spy(*args, **kw):
        out = real(*args, **kw)
        seen.setdefault(kw.get("prune", False), []).append(len(out[0]))
        return out

    for seed, c in cases.items():
        settings = {"seed": seed}
        with mock.patch.object(infer, "co_travel_pairs", spy):
            pruned = co_travel_links(c, settings=settings)
        full_pairs = lambda *a, **kw: spy(*a, **{**kw, "prune": False})  # noqa: E731
        with mock.patch.object(infer, "co_travel_pairs", full_pairs):
            full = co_travel_links(c, settings=settings)
        pd.testing.assert_frame_equal(pruned, full)
        assert len(full) >= 2
        got[seed] = ties(full)
    assert got["all"] == [("A", "B"), ("C", "D"), ("E", "F"), ("G", "H")]
    assert got["wanted"] == [("A", "B"), ("E", "F")]
    assert seen[True][0] * 3 < seen[False][0]      # fewer pairs reach pandas (seed: all)
