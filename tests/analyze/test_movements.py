"""Movement anticipation (netanalysis.analyze.movements) on small hand-made cases."""

import math
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.analyze.movements import FEATURES, MOVEMENT_COLUMNS, MovementModel, anticipate
from netanalysis.cli import main
from netanalysis.errors import NetanalysisError, UnknownEntityError
from netanalysis.ingest.load import load_case
from netanalysis.model.grading import grading_confidence

PERSONS = """id,name,role,nationality
F1,Ana Ruiz,fugitive,CO
S1,Luis Mora,facilitator,PA
S2,Eva Lara,facilitator,ES
R1,Rosa Ruiz,associate,CO
"""
# F1 went to PTY twice and to MAD once, and is now back in BOG
TRAVEL = """person_id,depart,origin,destination,carrier,flight,document_id
F1,2024-01-02T10:00,BOG,PTY,CM,101,D1
F1,2024-01-20T10:00,PTY,BOG,CM,102,D1
F1,2024-02-10T10:00,BOG,MAD,AV,10,D1
F1,2024-02-25T10:00,MAD,BOG,AV,11,D1
F1,2024-03-10T10:00,BOG,PTY,CM,101,D2
F1,2024-03-30T10:00,PTY,BOG,CM,102,D2
R1,2024-01-02T10:00,BOG,PTY,CM,101,
"""
LINKS = """from_id,to_id,type,grading,start
S1,F1,lodging,B2,
S2,F1,documents,C3,
R1,F1,family,A1,
"""
LOCATIONS = """person_id,place,kind,start,grading
S1,PTY,residence,2020-01-01,B2
S2,MAD,residence,2020-01-01,C3
F1,BOG,residence,2019-01-01,B2
"""
DOCUMENTS = """id,holder_id,kind,number,issuing_country,status
D1,F1,passport,A1234567,CO,valid
D2,F1,passport,X9999999,VE,fraudulent
"""


def _case(folder, **extra):
    files = {"persons.csv": PERSONS, "travel.csv": TRAVEL, "links.csv": LINKS,
             "locations.csv": LOCATIONS, "documents.csv": DOCUMENTS}
    files.update(extra)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_lodging_supporter_place_visited_twice_is_predicted_first_and_why_says_so(tmp_path):
    case = load_case(_case(tmp_path))
    assert case.rejects.empty
    df = anticipate(case)
    assert list(df.columns[:6]) == MOVEMENT_COLUMNS
    first = df.iloc[0]
    assert (first["id"], first["rank"], first["place"], first["country"]) == ("F1", 1, "PTY", "PA")
    assert "lodging" in first["why"] and "S1 Luis Mora" in first["why"]
    assert "went there 2 times" in first["why"]
    assert first["current_place"] == "BOG"
    assert first["probability"] > df["probability"].iloc[1]
    assert 0 < df["probability"].sum() <= 1.0
    # the supporter whose place is predicted comes first among the facilitators
    assert first["facilitators"].startswith("S1 Luis Mora (lodging, B2, at PTY)")
    assert "D2" in first["document"] and "fraudulent" in first["document"]
    assert "R1 Rosa Ruiz (1 shared leg)" in first["companions"]


def test_without_the_lodging_supporter_pty_loses_its_lead(tmp_path):
    links = "from_id,to_id,type,grading,start\nS2,F1,documents,A1,\n"
    df = anticipate(load_case(_case(tmp_path, **{"links.csv": links})))
    with_support = anticipate(load_case(_case(tmp_path)))
    p_without = df.set_index("place")["probability"]["PTY"]
    p_with = with_support.set_index("place")["probability"]["PTY"]
    assert p_with > p_without
    assert "lodging" not in df.set_index("place")["why"]["PTY"]


def test_as_of_uses_only_data_before_that_date(tmp_path):
    later = TRAVEL + "F1,2024-05-01T10:00,BOG,MEX,AM,20,D1\n"
    locs = LOCATIONS + "F1,\"Cancún, MX\",sighting,2024-05-20,B2\n"
    links = LINKS + "S2,F1,lodging,A1,2024-06-01\n"
    case = load_case(_case(tmp_path, **{"travel.csv": later, "locations.csv": locs,
                                        "links.csv": links}))
    now = anticipate(case, top=50)
    assert now["current_place"].iloc[0] == "Cancún, MX"
    past = anticipate(case, as_of="2024-04-15", top=50)
    assert past["current_place"].iloc[0] == "BOG"
    assert "MEX" not in set(past["place"]) and "Cancún, MX" not in set(past["place"])
    assert past["as_of"].iloc[0] == "2024-04-15"
    # the lodging link dated 2024-06-01 does not count before it
    mad = past.set_index("place")["why"].get("MAD", "")
    assert "lodging" not in mad
    # and nothing dated from as_of on: the legs of 2024-03-30 are known on 2024-03-31 only
    before = anticipate(case, as_of="2024-03-30", top=50)
    assert before["current_place"].iloc[0] == "PTY"


def test_unknown_fugitive_and_bad_date_are_clear_errors(tmp_path):
    case = load_case(_case(tmp_path))
    with pytest.raises(UnknownEntityError, match="'NOPE'"):
        anticipate(case, fugitive="NOPE")
    with pytest.raises(NetanalysisError, match="as_of must be an ISO date"):
        anticipate(case, as_of="soon")


def test_fitted_model_on_a_synthetic_case(tmp_path):
    from netanalysis.synth import synth_case

    synth_case(tmp_path, persons=400, seed=2)
    case = load_case(tmp_path)
    m = MovementModel(case).fit()
    assert m.method == "conditional_logit" and m.n_train >= 40
    assert set(m.weights) == set(FEATURES) and 0 < m.coverage <= 1
    df = m.predict(top=3)
    fugitives = set(case.persons.loc[case.persons["role"] == "fugitive", "id"])
    assert set(df["id"]) <= fugitives and len(set(df["id"])) >= 3
    sums = df.groupby("id")["probability"].sum()
    assert (sums <= 1.0 + 1e-9).all()
    assert df.groupby("id")["rank"].apply(list).map(lambda r: r == list(range(1, len(r) + 1))).all()
    assert df["why"].str.len().gt(0).all()


def test_cli_anticipate(tmp_path):
    _case(tmp_path)
    res = CliRunner().invoke(main, ["anticipate", str(tmp_path), "--fugitive", "F1", "--top", "2",
                                    "--no-resolve", "--format", "csv", "-q"])
    assert res.exit_code == 0, res.output
    from io import StringIO

    df = pd.read_csv(StringIO(res.output))
    assert df["place"].tolist()[0] == "PTY" and len(df) == 2
    res = CliRunner().invoke(main, ["anticipate", str(tmp_path), "--fugitive", "NOPE", "-q"])
    assert res.exit_code != 0 and "no person with id 'NOPE'" in res.output
    assert "Traceback" not in res.output


def test_analyze_writes_movements_csv_for_every_fugitive_with_travel_or_location(tmp_path):
    import csv
    from pathlib import Path

    from netanalysis.pipeline import OUTPUT_FILES, analyze_case

    example = Path(__file__).resolve().parents[2] / "examples" / "case"
    run = analyze_case(example, tmp_path / "out", write_map=False, write_report=False)
    assert "movements.csv" in OUTPUT_FILES and run.files["movements.csv"].is_file()
    with open(run.files["movements.csv"], newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        header = rows and list(rows[0])
    assert header[:6] == MOVEMENT_COLUMNS
    case = run.case
    fug = set(case.persons.loc[case.persons["role"] == "fugitive", "id"])
    known = fug & (set(case.travel["person_id"]) | set(case.locations["person_id"]))
    assert known and {r["id"] for r in rows} == known
    assert all(r["why"] and 0 < float(r["probability"]) <= 1 for r in rows)
    assert all(not r["why"].startswith(("=", "+", "-", "@")) for r in rows)


def test_report_has_where_next_with_the_prediction_and_a_map(tmp_path):
    from html.parser import HTMLParser

    from netanalysis.pipeline import analyze_case

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags, self.text = [], []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    (tmp_path / "case").mkdir()
    run = analyze_case(_case(tmp_path / "case"), tmp_path / "out", write_map=False)
    p = Tags()
    p.feed(run.files["report.html"].read_text("utf-8"))
    text = " ".join(p.text)
    where = text[text.index("Where next"):]
    assert "PTY" in where and "lodging: supporter S1 Luis Mora" in where
    assert any(t == "svg" and a.get("class") == "geo" for t, a in p.tags)


def test_a_place_reached_only_towards_the_current_place_is_a_connected_candidate(tmp_path):
    # F1 is in PTY; the case shows journeys LIM -> PTY only (by someone else): LIM is one
    # journey away, a candidate, and why says how it is connected
    travel = ("person_id,depart,origin,destination,carrier,flight\n"
              "F1,2024-03-10T10:00,BOG,PTY,CM,101\n"
              "R1,2024-02-01T10:00,LIM,PTY,LA,2401\n")
    df = anticipate(load_case(_case(tmp_path, **{"travel.csv": travel})), top=50)
    assert df["current_place"].iloc[0] == "PTY"
    lim = df.set_index("place").loc["LIM"]
    assert "direct: a connection: journeys LIM -> PTY in the case" in lim["why"]


def test_a_supporters_own_travel_is_not_their_place(tmp_path):
    # S1 lives in PTY and once flew to LIM: LIM gets no lodging credit (a place of S1's), PTY
    # does; S1's trip is only where S1 went lately (recent_lodging)
    travel = TRAVEL + "S1,2023-12-01T10:00,PTY,LIM,CM,201,\n"
    m = MovementModel(load_case(_case(tmp_path, **{"travel.csv": travel})))
    df = m.predict(top=50)
    why = df.set_index("place")["why"]
    assert "lodging" in why["PTY"] and "S1 Luis Mora" in why["PTY"]
    assert "LIM" in set(df["place"])
    assert not any(part.startswith("lodging") for part in why["LIM"].split("; "))
    cands, X, _ = m._state("F1", m.leg_t.max() + 1)
    lodging = dict(zip(cands, X[:, FEATURES.index("lodging")]))
    assert lodging["PTY"] > 0 and lodging["LIM"] == 0
    recent = dict(zip(cands, X[:, FEATURES.index("recent_lodging")]))
    assert recent["LIM"] > 0 and recent["PTY"] < 1e-6


def test_each_fit_checks_itself_on_held_out_legs(tmp_path):
    from netanalysis.synth import synth_case

    synth_case(tmp_path, persons=400, seed=2)
    m = MovementModel(load_case(tmp_path)).fit()
    h = m.holdout
    assert m.method == "conditional_logit" and h["mix"] == m.mix
    assert h["n"] == m.n_train - int(0.75 * m.n_train)
    # better than a uniform guess among the candidates, and its log loss is finite
    assert h["top3"] > 0.6 and 0 < h["log_loss"] < 3
    (tmp_path / "small").mkdir()
    assert MovementModel(load_case(_case(tmp_path / "small"))).fit().holdout is None


@pytest.fixture(scope="module")
def synth400(tmp_path_factory):
    from netanalysis.synth import synth_case

    d = tmp_path_factory.mktemp("synth400")
    synth_case(d, persons=400, seed=2)
    return load_case(d)


def _movement_settings(**kw):
    from netanalysis.settings import load_settings

    return load_settings(env={}, movements=kw)


def test_the_held_out_check_chooses_between_the_logit_and_the_boosted_ranker(synth400):
    pytest.importorskip("lightgbm", reason="the boosted ranker needs the extra 'boost'")
    m = MovementModel(synth400, settings=_movement_settings(min_boosted_train=40)).fit()
    checks = m.holdout["checks"]
    assert set(checks) == {"conditional_logit", "boosted_ranker"}
    best = min(checks, key=lambda k: checks[k]["log_loss"])
    assert m.method == m.holdout["method"] == best
    assert m.holdout["log_loss"] == checks[best]["log_loss"]
    assert (m.booster is not None) == (best == "boosted_ranker")
    # a small case (fewer legs than min_boosted_train) gets the plain logit only
    small = MovementModel(synth400, settings=_movement_settings(min_boosted_train=10_000)).fit()
    assert small.method == "conditional_logit" and set(small.holdout["checks"]) == {
        "conditional_logit"} and small.booster is None


def test_boosted_ranker_probabilities_are_calibrated_shares_and_why_names_signals(synth400):
    pytest.importorskip("lightgbm", reason="the boosted ranker needs the extra 'boost'")
    m = MovementModel(synth400, settings=_movement_settings(min_boosted_train=40,
                                                           ranker="boosted")).fit()
    assert m.method == "boosted_ranker" and m.temperature > 0
    df = m.predict(top=100)
    assert (df["method"] == "boosted_ranker").all()
    sums = df.groupby("id")["probability"].sum()
    assert ((sums > 0) & (sums <= m.coverage + 1e-3)).all()
    assert df["why"].str.len().gt(0).all() and (df["why"] != "route network prior").any()
    # the same fit twice gives the same ranking (one thread, fixed seed)
    again = MovementModel(synth400, settings=_movement_settings(min_boosted_train=40,
                                                               ranker="boosted")).fit()
    pd.testing.assert_frame_equal(again.predict(top=100), df)
    # the held-out log loss of the calibrated ranker beats a uniform guess among candidates
    assert m.holdout["checks"]["boosted_ranker"]["log_loss"] < math.log(20)


def test_boosted_ranker_without_lightgbm(synth400, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "lightgbm", None)  # import lightgbm raises ImportError
    m = MovementModel(synth400, settings=_movement_settings(min_boosted_train=40)).fit()
    assert m.method == "conditional_logit"
    with pytest.raises(NetanalysisError, match=r"netanalysis\[boost\]"):
        MovementModel(synth400, settings=_movement_settings(min_boosted_train=40,
                                                           ranker="boosted")).fit()


PHONES = """number,person_id
+573001111111,F1
+34600222222,S2
+50760333333,S1
"""


def _calls(*rows):
    return "caller,callee,start,duration_s\n" + "".join(f"{a},{b},{t},60\n" for a, b, t in rows)


def test_recent_calls_with_a_supporter_point_to_their_place_and_why_says_so(tmp_path):
    # F1 (in BOG since 2024-03-30) calls S2, who supplies documents and lives in MAD, twice in
    # the days before 2024-04-20; a call to S1 a month earlier and one after as_of do not count
    calls = _calls(("+573001111111", "+34600222222", "2024-04-12T09:00"),
                   ("+34600222222", "+573001111111", "2024-04-18T21:00"),
                   ("+573001111111", "+50760333333", "2024-03-15T09:00"),
                   ("+573001111111", "+50760333333", "2024-04-20T09:00"))
    case = load_case(_case(tmp_path, **{"phones.csv": PHONES, "calls.csv": calls}))
    assert case.rejects.empty
    df = anticipate(case, as_of="2024-04-20", top=50).set_index("place")
    assert "calls: 2 calls with S2 Eva Lara (documents) in the 14 days before" in df.loc["MAD",
                                                                                      "why"]
    assert "calls" not in df.loc["PTY", "why"]
    m = MovementModel(case)
    cands, X, _ = m._state("F1", m._as_of_t("2024-04-20"))
    feat = dict(zip(cands, X[:, FEATURES.index("calls")]))
    assert feat["MAD"] > 0 and feat["PTY"] == 0  # S1's calls: a month before, or on as_of
    # without the calls MAD is less likely
    (tmp_path / "plain").mkdir()
    plain = anticipate(load_case(_case(tmp_path / "plain")), as_of="2024-04-20", top=50)
    assert df.loc["MAD", "probability"] > plain.set_index("place").loc["MAD", "probability"]
    # from the call's day on it counts, not before: as_of 2024-04-12 sees none of them
    early = MovementModel(case)
    cands, X, _ = early._state("F1", early._as_of_t("2024-04-12"))
    assert X[:, FEATURES.index("calls")].sum() == 0


def test_a_lodging_supporter_who_moved_lately_points_to_a_new_place_and_why_says_so(tmp_path):
    # F1 never went to LIM; S1, who lodges F1, has a residence in LIM since 2024-04-01
    locs = LOCATIONS + "S1,LIM,residence,2024-04-01,B2\n"
    case = load_case(_case(tmp_path, **{"locations.csv": locs}))
    assert case.rejects.empty
    df = anticipate(case, as_of="2024-04-20", top=3).set_index("place")
    assert "LIM" in df.index
    assert ("recent lodging: lodging supporter S1 Luis Mora (lodging, B2) has a residence there "
            "since 2024-04-01") in df.loc["LIM", "why"]
    m = MovementModel(case)
    cands, X, _ = m._state("F1", m._as_of_t("2024-04-20"))
    rec = dict(zip(cands, X[:, FEATURES.index("recent_lodging")]))
    # tie confidence x record confidence (both B2) x exp(-19 days / 90)
    b2 = grading_confidence("B2")
    assert rec["LIM"] == pytest.approx(b2 * b2 * math.exp(-19 / 90))
    assert rec["PTY"] < 1e-6  # home since 2020: the decay leaves nothing


def test_the_recent_signal_does_not_fire_for_a_stranger_or_a_move_after_as_of(tmp_path):
    # S3 moved to LIM lately but has no tie to F1; S1's move to UIO is dated after as_of
    persons = PERSONS + "S3,Juan Paz,facilitator,PE\n"
    locs = LOCATIONS + "S3,LIM,residence,2024-04-01,A1\nS1,UIO,residence,2024-05-01,A1\n"
    travel = TRAVEL + "S3,2024-04-10T10:00,BOG,LIM,LA,2402,\n"
    case = load_case(_case(tmp_path, **{"persons.csv": persons, "locations.csv": locs,
                                        "travel.csv": travel}))
    assert case.rejects.empty
    m = MovementModel(case)
    cands, X, _ = m._state("F1", m._as_of_t("2024-04-20"))
    recent = [FEATURES.index(f) for f in FEATURES if f.startswith("recent_")]
    assert "UIO" not in cands
    assert X[cands.index("LIM"), recent].sum() == 0
    # the signal itself is on: R1 (family, co-traveller) flew to PTY in January
    assert X[cands.index("PTY"), FEATURES.index("recent_circle")] > 0
    df = anticipate(case, as_of="2024-04-20", top=50).set_index("place")
    assert "recent" not in df.loc["LIM", "why"]
    assert not df["why"].str.contains("S3").any()


def _moved_supporters_case(folder, n=45):
    """Fugitives whose last move goes where their lodging supporter moved a few weeks before.

    Each fugitive F<i> flies BOG -> PTY -> BOG (PTY: the supporter's old home), then to the
    place the supporter moved to; an associate lives in MIA, where much of the case flies.
    F0 is the one to predict: its supporter moved to CUN on 2024-08-10, F0 never went there;
    FN's supporter moves to CUN after the date predicted.
    """
    pool = ["MEX", "LIM", "MAD", "GRU", "SCL", "UIO", "SJO", "GUA", "HAV", "SDQ"]
    persons = ["id,name,role,nationality"]
    travel = ["person_id,depart,origin,destination,carrier,flight"]
    links = ["from_id,to_id,type,grading,start"]
    locs = ["person_id,place,kind,start,grading"]
    day = pd.Timestamp("2024-01-05")
    for i in range(n):
        f, s, a = f"F{i + 1}", f"S{i + 1}", f"A{i + 1}"
        persons += [f"{f},Fugitive {i + 1},fugitive,CO", f"{s},Supporter {i + 1},facilitator,CO",
                    f"{a},Associate {i + 1},associate,CO"]
        links += [f"{s},{f},lodging,B2,", f"{a},{f},associate,B2,"]
        locs += [f"{s},PTY,residence,2020-01-01,B2", f"{a},MIA,residence,2020-01-01,B2"]
        t0 = day + pd.Timedelta(days=i * 3)
        moved = t0 + pd.Timedelta(days=40)
        dest = pool[i % len(pool)]
        locs.append(f"{s},{dest},residence,{moved.date()},B2")
        for k, (o, d, dt) in enumerate((("BOG", "PTY", 0), ("PTY", "BOG", 15),
                                        ("BOG", dest, 40 + 5 + i % 30))):
            when = (t0 + pd.Timedelta(days=dt)).strftime("%Y-%m-%dT10:00")
            travel.append(f"{f},{when},{o},{d},XX,{100 + k}")
        for k in range(3):  # the busy route of the case
            when = (t0 + pd.Timedelta(days=k)).strftime("%Y-%m-%dT08:00")
            travel.append(f"{a},{when},BOG,MIA,AA,9{k}")
    persons += ["F0,Ana Ruiz,fugitive,CO", "S0,Luis Mora,facilitator,PA",
                "FN,Eva Lara,fugitive,CO", "SN,Juan Paz,facilitator,PA"]
    links += ["S0,F0,lodging,B2,", "SN,FN,lodging,B2,"]
    locs += ["S0,PTY,residence,2020-01-01,B2", "S0,CUN,residence,2024-08-10,B2",
             "SN,PTY,residence,2020-01-01,B2", "SN,CUN,residence,2024-09-10,B2"]
    for who in ("F0", "FN"):
        travel += [f"{who},2024-07-01T10:00,BOG,PTY,XX,100", f"{who},2024-07-16T10:00,PTY,BOG,XX,101"]
    for name, rows in (("persons", persons), ("travel", travel), ("links", links),
                       ("locations", locs)):
        (folder / f"{name}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_the_fitted_model_learns_the_recent_signal_from_the_case(tmp_path):
    case = load_case(_moved_supporters_case(tmp_path))
    assert case.rejects.empty
    m = MovementModel(case, settings=_movement_settings(ranker="logit")).fit(as_of="2024-09-01")
    assert m.method == "conditional_logit" and m.train_on == "fugitives"
    assert m.weights["recent_lodging"] > 0
    df = m.predict(fugitive=["F0", "FN"], top=3, as_of="2024-09-01")
    f0 = df[df["id"] == "F0"].set_index("place")
    assert f0.loc["CUN", "rank"] == 1
    assert "recent lodging: lodging supporter S0 Luis Mora (lodging, B2) has a residence there " \
           "since 2024-08-10" in f0.loc["CUN", "why"]
    # the recent signal carries it: without its weights CUN falls back to a tie with PTY
    for f in ("recent_lodging", "recent_support", "recent_circle", "recent_cotravel"):
        m.weights[f] = 0.0
    plain = m.predict(fugitive="F0", top=3, as_of="2024-09-01").set_index("place")
    assert plain.loc["CUN", "probability"] < 0.5 * f0.loc["CUN", "probability"]
    # FN's supporter moves to CUN after the date predicted: nothing points there
    fn = m.predict(fugitive="FN", top=50, as_of="2024-09-01")
    assert "CUN" not in set(fn["place"]) and not fn["why"].str.contains("recent").any()


def test_a_synthetic_case_where_the_network_moves_first_names_the_supporters_new_place(tmp_path):
    """``p_follow``: fugitives go where a supporter set up a new residence weeks before."""
    from netanalysis.synth import synth_case

    synth_case(tmp_path, persons=1000, seed=3, itineraries={"p_follow": 1.0, "p_new": 0.5})
    case = load_case(tmp_path)
    assert case.rejects.empty
    read = {k: pd.read_csv(tmp_path / f"{k}.csv", dtype=str, keep_default_na=False)
            for k in ("locations", "links", "travel")}
    moved = read["locations"][read["locations"]["note"] == "new address"]
    links = read["links"][read["links"]["type"].isin(["lodging", "transport", "documents", "financial"])]
    m = MovementModel(case, settings=_movement_settings(ranker="logit"))
    follows = []  # (fugitive, departure, place) of the moves to a supporter's new place
    for q, place, start in zip(moved["person_id"], moved["place"], pd.to_datetime(moved["start"])):
        mine = links[links["from_id"] == q]
        for f, tie in zip(mine["to_id"], pd.to_datetime(mine["start"], format="ISO8601")):
            legs = read["travel"][read["travel"]["person_id"] == f].sort_values("depart")
            for i, (dst, dep) in enumerate(zip(legs["destination"], legs["depart"])):
                seen = set(legs["origin"].iloc[:i]) | set(legs["destination"].iloc[:i])
                days = (pd.Timestamp(dep).normalize() - start).days
                # a tie dated after the departure is not known then (the generator dates ties
                # at random, whatever the itineraries)
                if dst == place and place not in seen and 14 <= days <= 42 and tie < pd.Timestamp(dep):
                    follows.append((f, dep, place))
    m.fit()
    assert m.weights["recent_lodging"] + m.weights["recent_support"] > 0
    recent = [FEATURES.index("recent_lodging"), FEATURES.index("recent_support")]
    ranks, why = [], []
    # a place where the fugitive is known to be already (a safe house dated before its first
    # leg) is no next destination
    follows = [x for x in follows if m._current(x[0], m._as_of_t(x[1]))[0] != x[2]]
    assert len(follows) >= 5
    for f, dep, place in follows:
        cands, X, _ = m._state(f, m._as_of_t(dep))
        assert place in cands and X[cands.index(place), recent].max() > 0, (f, dep, place)
        df = m.predict(fugitive=f, top=10_000, as_of=dep).set_index("place")
        ranks.append(df.loc[place, "rank"])
        why.append(df.loc[place, "why"])
    assert any(re.search(r"recent (lodging|support): .* has a residence there since", w) for w in why)
    # the recent signal carries them: with its weights zeroed the same places rank lower
    for f in ("recent_lodging", "recent_support", "recent_circle", "recent_cotravel"):
        m.weights[f] = 0.0
    plain = [m.predict(fugitive=f, top=10_000, as_of=dep).set_index("place").loc[place, "rank"]
             for f, dep, place in follows]
    assert sum(ranks) < sum(plain)


def test_a_mapped_export_with_locations_feeds_anticipate_and_rejects_unknown_places(tmp_path,
                                                                                     monkeypatch):
    """locations.csv through the mapping mechanism: Spanish headers, values and dates; the
    lodging supporter's residence (a town, accents folded) and the fugitive's own legs make PTY
    first, and unknown places are counted rejects naming file, line and column."""
    from netanalysis.ingest import load_mapped

    (tmp_path / "personas.csv").write_text(
        "codigo;nombre;rol\nF1;Ana Ruiz;fugitivo\nS1;Luis Mora;facilitador\n", encoding="utf-8")
    (tmp_path / "vinculos.csv").write_text("origen;destino;tipo\nS1;F1;alojamiento\n",
                                           encoding="utf-8")
    (tmp_path / "viajes.csv").write_text(
        "persona;salida;desde;hasta\n"
        "F1;02/01/2024;BOG;PTY\nF1;20/01/2024;PTY;BOG\nF1;10/03/2024;BOG;PTY\n"
        "F1;30/03/2024;PTY;BOG\nF1;01/04/2024;BOG;XQZ\n", encoding="utf-8")
    (tmp_path / "lugares.csv").write_text(
        "persona;lugar;tipo;inicio;calificacion\n"
        "S1;Panama, PA;residencia;05/03/2020;B2\n"
        "F1;Atlantida, CO;avistamiento;06/03/2024;B2\n", encoding="utf-8")
    (tmp_path / "m.yaml").write_text("""version: 1
files:
  persons:
    source: personas.csv
    delimiter: ";"
    columns: {codigo: id, nombre: name, rol: role}
    values: {rol: {fugitivo: fugitive, facilitador: facilitator}}
  links:
    source: vinculos.csv
    delimiter: ";"
    columns: {origen: from_id, destino: to_id, tipo: type}
    values: {tipo: {alojamiento: lodging}}
  travel:
    source: viajes.csv
    delimiter: ";"
    columns: {persona: person_id, salida: depart, desde: origin, hasta: destination}
    dates: {salida: "%d/%m/%Y"}
  locations:
    source: lugares.csv
    delimiter: ";"
    columns: {persona: person_id, lugar: place, tipo: kind, inicio: start, calificacion: grading}
    values: {tipo: {residencia: residence, avistamiento: sighting}}
    dates: {inicio: "%d/%m/%Y"}
""", encoding="utf-8")
    case = load_mapped(tmp_path / "m.yaml")
    loc = case.tables["locations"]
    assert loc[["person_id", "place", "kind", "start"]].values.tolist() == [
        ["S1", "Panama City, PA", "residence", "2020-03-05"]]
    rej = case.rejects
    bad = sorted(zip(rej["file"], rej["line"], rej["column"], rej["value"]))
    assert bad == [("lugares.csv", 3, "lugar", "Atlantida, CO"), ("viajes.csv", 6, "hasta", "XQZ")]
    assert all(p.startswith("bad place") for p in rej["problem"])
    df = anticipate(case, fugitive="F1", top=3)
    assert df["place"].iloc[0] == "PTY" and df["why"].iloc[0]
    # the supporter's town residence counts at the airport that serves it (PTY, ~20 km)
    lodging = FEATURES.index("lodging")

    def pull_at_pty():
        m = MovementModel(case)
        cands, X, _ = m._state("F1", m._last_t + 1)
        return X[cands.index("PTY"), lodging]

    assert pull_at_pty() > 0
    monkeypatch.setattr("netanalysis.analyze.movements.TOWN_TO_TRAVEL_KM", 5.0)
    assert pull_at_pty() == 0.0


def test_a_residence_that_ended_no_longer_places_the_supporter(tmp_path):
    # S1 left PTY on 2024-04-01 (the residence has an end) and lives in LIM since then
    locs = ("person_id,place,kind,start,end,grading\n"
            "S1,PTY,residence,2020-01-01,2024-04-01,B2\nS1,LIM,residence,2024-04-01,,B2\n"
            "S2,MAD,residence,2020-01-01,,C3\nF1,BOG,residence,2019-01-01,,B2\n")
    case = load_case(_case(tmp_path, **{"locations.csv": locs}))
    assert case.rejects.empty
    m = MovementModel(case)
    before, after = m._as_of_t("2024-03-31"), m._as_of_t("2024-04-20")
    assert m._places_of("S1", before, travel=False) == {"PTY": pytest.approx(grading_confidence("B2"))}
    assert set(m._places_of("S1", after, travel=False)) == {"LIM"}
    cands, X, _ = m._state("F1", after)
    lodging = dict(zip(cands, X[:, FEATURES.index("lodging")]))
    assert lodging["LIM"] > 0 and lodging.get("PTY", 0.0) == 0.0
    why = anticipate(case, as_of="2024-04-20", top=10).set_index("place")["why"]
    assert "S1 Luis Mora" not in why["PTY"] and "went there 2 times" in why["PTY"]
    assert "lodging: supporter S1 Luis Mora (lodging, B2) has a place there" in why["LIM"]
    # before the move, PTY is still the lodging supporter's place
    cands, X, _ = m._state("F1", before)
    assert dict(zip(cands, X[:, FEATURES.index("lodging")]))["PTY"] > 0


def test_lazy_index_lists_equal_the_dict_of_lists():
    """The movement index's lists, made when read, are those a dict of lists built row by
    row holds: same items, same order (which the features' float sums depend on)."""
    from collections import defaultdict

    import numpy as np

    from netanalysis.analyze import movements as mv

    rng = np.random.default_rng(3)
    n = 500
    keys = np.array([f"P{k}" for k in rng.integers(0, 60, n)], dtype=object)
    other = np.array([f"Q{k}" for k in rng.integers(0, 90, n)], dtype=object)
    t = rng.normal(size=n)
    seq = rng.permutation(n)
    want = defaultdict(list)
    for i in np.argsort(seq, kind="stable"):
        want[keys[i]].append((other[i], float(t[i])))
    got = mv._Groups(keys, [other, t], seq)
    assert len(got) == len(want)
    for k, items in want.items():
        assert got.get(k) == items
        assert all(type(x) is float for _, x in got[k])
    assert got.get("nobody") is None and got.get(None, ()) == ()
    single = mv._Groups(keys, [list(other)], single=True)
    first = defaultdict(list)
    for k, o in zip(keys, other):
        first[k].append(o)
    assert {k: single.get(k) for k in first} == dict(first)


def test_lazy_cotravel_equals_the_journey_loop():
    """Co-travellers made per person equal the loop over journeys appending to each traveller."""
    from collections import defaultdict

    import numpy as np

    from netanalysis.analyze import movements as mv

    rng = np.random.default_rng(5)
    codes = np.sort(rng.integers(0, 40, 300))
    persons = np.array([f"P{k}" for k in rng.integers(0, 50, 300)], dtype=object)
    days = rng.integers(0, 900, 300).astype(float)
    cap = 9
    want = defaultdict(list)
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True]).tolist()
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if hi - lo < 2 or hi - lo > cap:
            continue
        ps, ts = persons[lo:hi].tolist(), days[lo:hi].tolist()
        for i, a in enumerate(ps):
            for b in ps:
                if a != b:
                    want[a].append((b, ts[i]))
    got = mv._CoTravel(codes, persons, days, cap)
    assert want and all(got.get(p) == items for p, items in want.items())
    assert all(not got.get(p) for p in set(persons.tolist()) - set(want))
