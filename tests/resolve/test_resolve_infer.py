"""Tests of netanalysis.resolve.infer: each inference rule and threshold."""

import math

import pandas as pd
import pytest

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


def legs(flight, day, pax, carrier="AV", prefix="X", pair=("A", "B"), booking=None):
    """Travel rows of one journey: the pair plus fillers up to `pax` passengers."""
    who = list(pair) + [f"{prefix}{flight}_{k}" for k in range(pax - len(pair))]
    return [{"person_id": p, "depart": f"{day}T08:00", "origin": "BOG", "destination": "MAD",
             "carrier": carrier, "flight": flight, "booking_ref": booking} for p in who]


def ties(t):
    return sorted(zip(t["from_id"], t["to_id"]))


def test_one_busy_shared_flight_is_no_tie(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 300))
    assert co_travel_links(c).empty


def test_one_rare_shared_flight_alone_is_no_tie(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 2))
    assert co_travel_links(c).empty
    # unless small journeys are switched on (a private plane)
    t = co_travel_links(c, settings={"co_travel": {"small_journey_passengers": 2}})
    assert ties(t) == [("A", "B")]


def test_two_rare_shared_flights_are_a_tie_weighted_by_rarity(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 8) + legs("6500", "2024-04-01", 8, carrier="IB"))
    t = co_travel_links(c)
    assert ties(t) == [("A", "B")]
    r = t.iloc[0]
    assert r["type"] == "co_travel"
    assert r["score"] == pytest.approx(2 / math.log2(9), abs=1e-3)
    assert r["evidence"] == ("2 shared journeys: AV85 2024-03-05 (8 passengers), "
                             "IB6500 2024-04-01 (8 passengers)")
    assert (r["start"], r["end"]) == ("2024-03-05", "2024-04-01")
    assert 0 < r["confidence"] < 0.2
    assert r["weight"] == r["score"]


def test_two_busy_shared_flights_stay_below_min_score(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 300) + legs("86", "2024-03-09", 300))
    assert co_travel_links(c).empty
    # repeated often enough, even busier flights make a tie: 5 x 1/log2(41) = 0.93
    rows = []
    for k in range(5):
        rows += legs(str(100 + k), f"2024-03-0{k + 1}", 40)
    t = co_travel_links(make_case(travel=rows))
    assert ties(t) == [("A", "B")]
    assert t["evidence"][0].endswith("AV104 2024-03-05 (40 passengers)")
    t = co_travel_links(make_case(travel=rows), settings={"co_travel": {"max_evidence_items": 2}})
    assert t["evidence"][0].endswith("AV101 2024-03-02 (40 passengers), and 3 more")


def test_shared_booking_alone_is_a_tie(make_case):
    c = make_case(travel=[
        {"person_id": "A", "depart": "2024-03-05", "origin": "BOG", "destination": "PTY",
         "booking_ref": "qx7y2"},
        {"person_id": "B", "depart": "2024-03-05", "origin": "BOG", "destination": "PTY",
         "booking_ref": "QX7Y2 "}])
    t = co_travel_links(c)
    assert ties(t) == [("A", "B")]
    assert t["evidence"][0] == "shared booking QX7Y2"
    assert t["score"][0] == pytest.approx(1.0)


def test_booking_and_flights_combine_in_one_evidence(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 8, booking="QX7Y2")[:2]
                  + legs("85", "2024-03-05", 8)[2:] + legs("6500", "2024-04-01", 8, carrier="IB"))
    t = co_travel_links(c)
    assert t["evidence"][0] == ("2 shared journeys: AV85 2024-03-05 (8 passengers), "
                                "IB6500 2024-04-01 (8 passengers); shared booking QX7Y2")


def test_max_passengers_excludes_journeys(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 8) + legs("6500", "2024-04-01", 8, carrier="IB"))
    assert co_travel_links(c, settings={"co_travel": {"max_passengers": 7}}).empty
    assert len(co_travel_links(c, settings={"co_travel": {"max_passengers": 8}})) == 1


def test_min_shared_journeys_and_min_score_are_settings(make_case):
    c = make_case(travel=legs("85", "2024-03-05", 8) + legs("6500", "2024-04-01", 8, carrier="IB"))
    assert co_travel_links(c, settings={"co_travel": {"min_shared_journeys": 3}}).empty
    assert co_travel_links(c, settings={"co_travel": {"min_score": 0.7}}).empty
    # two journeys of 12 passengers weigh 2 / log2(13) = 0.54: below the default 0.6
    c = make_case(travel=legs("85", "2024-03-05", 12) + legs("6500", "2024-04-01", 12, carrier="IB"))
    assert co_travel_links(c).empty


def test_journey_semantics_same_flight_same_day(make_case):
    rows = [  # carrier + number written two ways, same day: one journey
        {"person_id": "A", "depart": "2024-03-05T10:00", "carrier": "AV", "flight": "85"},
        {"person_id": "B", "depart": "2024-03-05T10:00", "carrier": "av", "flight": "AV 85"},
        {"person_id": "A", "depart": "2024-04-01", "carrier": "IB", "flight": "6500"},
        {"person_id": "B", "depart": "2024-04-01", "carrier": "IB", "flight": "6500"},
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
    t = co_travel_links(make_case(travel=rows))
    assert ties(t) == [("A", "B")]
    assert t["evidence"][0].startswith("2 shared journeys: AV85 2024-03-05")


def test_shared_phone_and_max_users(make_case):
    c = make_case(phones=[{"number": "+573001", "person_id": p} for p in ("A", "B")]
                  + [{"number": "+1800", "person_id": p} for p in "CDEFG"])
    t = shared_phone_links(c, settings={"shared_phone": {"max_users": 4}})
    assert ties(t) == [("A", "B")]
    assert t["evidence"][0] == "both use phone +573001"
    assert t["score"][0] == pytest.approx(1 / math.log2(3), abs=1e-3)
    assert len(shared_phone_links(c)) == 1 + 10  # 5 users -> 10 pairs under the default 10


def test_shared_document_same_country_only_and_travel_use(make_case):
    c = make_case(
        documents=[{"id": "D1", "holder_id": "A", "kind": "passport", "number": "VE123",
                    "issuing_country": "VE"},
                   {"id": "D2", "holder_id": "B", "kind": "passport", "number": "ve-123",
                    "issuing_country": "VE"},
                   {"id": "D3", "holder_id": "C", "kind": "passport", "number": "VE123",
                    "issuing_country": "CO"},
                   {"id": "D4", "holder_id": "E", "kind": "national_id", "number": "99",
                    "issuing_country": "PE"}],
        travel=[{"person_id": "F", "depart": "2024-01-01", "origin": "LIM", "destination": "MAD",
                 "document_id": "D4"}])
    t = shared_document_links(c)
    assert ties(t) == [("A", "B"), ("E", "F")]
    assert t.set_index("from_id").loc["E", "evidence"] == "both use national id 99 (PE)"


def test_calls_weighted_by_count_and_duration_and_shared_numbers(make_case):
    c = make_case(
        phones=[{"number": "+1", "person_id": "A"}, {"number": "+2", "person_id": "B"},
                {"number": "+2", "person_id": "C"}, {"number": "+3", "person_id": "A"}],
        calls=[{"caller": "+1", "callee": "+2", "start": "2024-01-01T10:00", "duration_s": 600},
               {"caller": "+2", "callee": "+1", "start": "2024-01-05T10:00", "duration_s": 600},
               {"caller": "+1", "callee": "+3", "start": "2024-01-06", "duration_s": 60}])
    t = call_links(c)
    # +2 is used by B and C: attributed to each; A calling his own other phone is no tie
    assert ties(t) == [("A", "B"), ("A", "C")]
    r = t.iloc[0]
    assert r["score"] == pytest.approx(math.log2(3) + 0.5 * math.log2(21), abs=1e-3)
    assert r["evidence"].startswith("2 calls, 20 min in all (A to B 1, B to A 1): +1 / +2")
    assert "used by several persons" in r["evidence"]
    assert (r["start"], r["end"]) == ("2024-01-01T10:00", "2024-01-05T10:00")
    assert call_links(c, settings={"calls": {"min_calls": 3}}).empty


def test_infer_links_contract_confidence_and_graph(make_case):
    c = make_case(
        persons=[{"id": p, "name": p} for p in "AB"],
        links=[{"from_id": "A", "to_id": "B", "type": "associate", "grading": "E5", "weight": 1.0}],
        travel=legs("85", "2024-03-05", 8) + legs("6500", "2024-04-01", 8, carrier="IB"),
        phones=[{"number": "+1", "person_id": "A"}, {"number": "+1", "person_id": "B"}],
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
    with pytest.raises(InputError, match=r"infer\.types\[0\]: unknown value 'flights' \(text\): use one of co_travel"):
        infer_links(make_case(persons=[]), settings={"types": ["flights"]})


def test_max_confidence_is_a_setting(make_case):
    c = make_case(phones=[{"number": "+1", "person_id": "A"}, {"number": "+1", "person_id": "B"}])
    t = infer_links(c, settings={"max_confidence": 0.1})
    assert float(t["confidence"][0]) == pytest.approx(0.1 * (1 - math.exp(-1 / math.log2(3))),
                                                       abs=1e-4)
    assert isinstance(t, pd.DataFrame)


def test_inference_can_be_turned_off_in_settings(make_case):
    c = make_case(phones=[{"number": "+1", "person_id": "A"}, {"number": "+1", "person_id": "B"}])
    assert infer_links(c, settings={"infer": {"enabled": False}}).empty


def test_temp_directory_setting_is_where_duckdb_spills(make_case, tmp_path, monkeypatch):
    import netanalysis.resolve.infer as infer_mod
    from netanalysis.errors import InputError

    made = []
    real = infer_mod.tempfile.mkdtemp
    monkeypatch.setattr(infer_mod.tempfile, "mkdtemp", lambda **kw: made.append(kw) or real(**kw))
    c = make_case(travel=legs("85", "2024-03-05", 8) + legs("6500", "2024-04-01", 8, carrier="IB"))
    t = co_travel_links(c, settings={"co_travel": {"temp_directory": str(tmp_path)}})
    assert ties(t) == [("A", "B")] and made[-1]["dir"] == str(tmp_path)
    assert list(tmp_path.iterdir()) == []  # removed afterwards
    with pytest.raises(InputError, match="temp_directory: folder not found"):
        co_travel_links(c, settings={"co_travel": {"temp_directory": str(tmp_path / "nope")}})
    with pytest.raises(InputError, match="temp_directory: not a usable path"):
        co_travel_links(c, settings={"co_travel": {"temp_directory": "/tmp/x'; --"}})
