"""Tests of netanalysis.resolve.probabilistic (Fellegi-Sunter resolution)."""

import csv
import math

import numpy as np
import pandas as pd
import pytest

from netanalysis.ingest import case_from_records
from netanalysis.resolve import resolve_entities
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.features import person_features
from netanalysis.resolve.probabilistic import (COMPARISONS, PRIORS, REVIEW_COLUMNS,
                                               comparison_vectors, estimate_parameters,
                                               match_weights, score_pairs)
from netanalysis.settings import load_settings


def fs_settings(**resolve):
    return load_settings(env={}, resolve={"model": "fellegi_sunter", **resolve})


def level(col, name):
    return COMPARISONS[col].index(name)


def test_match_weight_and_probability_by_hand():
    params = {"lambda": 0.2,
              "m": {"name": np.array([0.1, 0.9]), "birth": np.array([0.05, 0.15, 0.1, 0.1, 0.6])},
              "u": {"name": np.array([0.95, 0.05]), "birth": np.array([0.8, 0.1, 0.04, 0.01, 0.05])}}
    lv = pd.DataFrame({"name": [1, 1, 0], "birth": [4, -1, 0]})
    w, p = match_weights(lv, params)
    # pair 0: odds 0.2/0.8 x (0.9/0.05) x (0.6/0.05) = 0.25 x 18 x 12 = 54
    assert w[0] == pytest.approx(math.log2(54))
    assert p[0] == pytest.approx(54 / 55)
    # pair 1: the birth date is missing and weighs nothing: 0.25 x 18 = 4.5
    assert p[1] == pytest.approx(4.5 / 5.5)
    # pair 2: 0.25 x (0.1/0.95) x (0.05/0.8)
    odds = 0.25 * (0.1 / 0.95) * (0.05 / 0.8)
    assert p[2] == pytest.approx(odds / (1 + odds))


def test_small_case_falls_back_to_stated_priors_and_says_so():
    case = case_from_records(persons=[
        {"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
        {"id": "P2", "name": "ANA GOMEZ RUIZ", "birth_date": "1980-03-05"}])
    f = person_features(case)
    # a threshold above the pair's probability keeps it in the review list, where it is read
    res = score_pairs(f, candidate_pairs(f)[0], fs_settings(fs_auto_merge_probability=0.99).resolve,
                      explain=lambda i, j: {"reason": "x", "evidence": "", "name_score": 1.0})
    assert res["model"]["estimated"] is False
    assert res["model"]["source"].startswith("stated priors")
    # by hand: prior odds 0.05/0.95, exact name 0.55/0.01, same birth day 0.80/0.035
    odds = 0.05 / 0.95 * (PRIORS["name"]["m"][5] / PRIORS["name"]["u"][5]) \
        * (PRIORS["birth"]["m"][4] / PRIORS["birth"]["u"][4])
    assert res["review"]["probability"][0] == pytest.approx(odds / (1 + odds), abs=1e-4)


def test_em_recovers_known_m_and_u():
    rng = np.random.default_rng(3)
    n, lam = 40_000, 0.15
    truth_m = {"name": [0.02, 0.03, 0.1, 0.05, 0.1, 0.7], "birth": [0.05, 0.02, 0.03, 0.1, 0.8],
               "phone": [0.3, 0.7]}
    truth_u = {"name": [0.85, 0.08, 0.04, 0.015, 0.005, 0.01], "birth": [0.9, 0.05, 0.02, 0.01, 0.02],
               "phone": [0.9, 0.1]}
    match = rng.random(n) < lam
    cols = {}
    for c in truth_m:
        lm = rng.choice(len(truth_m[c]), n, p=truth_m[c])
        lu = rng.choice(len(truth_u[c]), n, p=truth_u[c])
        cols[c] = np.where(match, lm, lu)
    cols["phone"] = np.where(rng.random(n) < 0.3, -1, cols["phone"])   # missing on one side
    p = estimate_parameters(pd.DataFrame(cols), min_pairs=0)
    assert p["estimated"] and p["source"] == "em"
    assert p["lambda"] == pytest.approx(lam, abs=0.01)
    for c in truth_m:
        assert np.abs(p["m"][c] - truth_m[c]).max() < 0.03, c
        assert np.abs(p["u"][c] - truth_u[c]).max() < 0.03, c


def test_name_levels_handle_two_surname_names():
    names = [("José Luis Pérez Gómez", "Jose Luis Perez"),     # second surname dropped
             ("José Pérez Gómez", "Jose Gomez Perez"),         # surnames swapped
             ("José Pérez Gómez", "José Pérez-Gómez"),         # hyphenated
             ("João da Silva Santos", "JOAO SILVA SANTOS"),    # Lusophone particle, accents
             ("Josefina Pérez Gómez", "Josefina Peres Gomez"), # spelling variant
             ("Ana Torres", "Luis Ramos")]
    persons = []
    for k, (a, b) in enumerate(names):
        persons += [{"id": f"A{k}", "name": a}, {"id": f"B{k}", "name": b}]
    f = person_features(case_from_records(persons=persons))
    pairs = pd.DataFrame({"i": range(0, 12, 2), "j": range(1, 12, 2)})
    lv = comparison_vectors(f, pairs)
    got = [COMPARISONS["name"][x] for x in lv["name"]]
    assert got == ["surname_dropped", "exact", "exact", "exact", "close", "different"]


@pytest.mark.parametrize("aliases", [False, True])     # one name (vectorised) / several names
def test_a_one_edit_typo_in_a_short_surname_is_close(aliases):
    # fuzz.ratio scores a transposition in a 4-letter token 75 (under its cut of 80) and in a
    # 5-letter token 76 % of a match: these names were 'different' or 'partial' before
    names = [("Maria Ruiz", "Maria Ruzi"),          # transposed, 4 letters
             ("Ana Costa", "Ana Cotsa"),            # transposed, 5 letters
             ("Ana Lima", "Ana Lina"),              # a letter changed, 4 letters
             ("Ana Campos", "Ana Capmos"),          # transposed, 6 letters (0.79 by ratio)
             ("Ana Gil", "Ana Gal"),                # 3 letters: too short to say
             ("Luis Ruiz", "Luis Ramos")]
    persons = []
    for k, (a, b) in enumerate(names):
        extra = {"aliases": [f"{a.split()[0][0]}. {a.split()[-1]}"]} if aliases else {}
        persons += [{"id": f"A{k}", "name": a, **extra}, {"id": f"B{k}", "name": b}]
    f = person_features(case_from_records(persons=persons))
    n = len(names)
    lv = comparison_vectors(f, pd.DataFrame({"i": range(0, 2 * n, 2), "j": range(1, 2 * n, 2)}))
    got = [COMPARISONS["name"][x] for x in lv["name"]]
    assert got[:4] == ["close"] * 4
    assert got[4] != "close" and got[5] != "close"



def test_name_levels_are_the_same_when_compared_in_chunks(monkeypatch):
    # the vectorised comparison runs over chunks of pairs at scale; chunk size 2 here
    import netanalysis.resolve.probabilistic as fs
    names = ["José Luis Pérez Gómez", "Jose Luis Perez", "José Pérez-Gómez", "Ana Torres",
             "Josefina Peres Gomez", "Ana Torres Ruiz", "Luis Ramos"]
    f = person_features(case_from_records(persons=[{"id": f"P{k}", "name": x}
                                                   for k, x in enumerate(names)]))
    pairs = pd.DataFrame([(a, b) for a in range(7) for b in range(a + 1, 7)], columns=["i", "j"])
    whole = comparison_vectors(f, pairs)
    monkeypatch.setattr(fs, "_CHUNK", 2)
    chunked = comparison_vectors(person_features(case_from_records(persons=[
        {"id": f"P{k}", "name": x} for k, x in enumerate(names)])), pairs)
    pd.testing.assert_frame_equal(whole, chunked)
    # one name's tokens inside the other's: P0-P2 (a given name more), P0-P1 and P3-P5 (the
    # longer name is the shorter plus one last token)
    got = pairs[whole["name"] == level("name", "part_missing")].values.tolist()
    assert got == [[0, 2]]
    got = pairs[whole["name"] == level("name", "surname_dropped")].values.tolist()
    assert got == [[0, 1], [3, 5]]

def _tf_case():
    common = [{"id": f"C{k}", "name": f"Pedro García {s}"} for k, s in enumerate(
        ["Ruiz", "Soto", "Mora", "Vega", "Rojas", "Díaz", "Lima", "Ríos", "Paz", "Cruz"])]
    return case_from_records(persons=common + [
        {"id": "P1", "name": "Ana García López"}, {"id": "P2", "name": "Ana García López"},
        {"id": "P3", "name": "Ana Quispe López"}, {"id": "P4", "name": "Ana Quispe López"}])


def test_term_frequency_makes_a_common_surname_weigh_less_than_a_rare_one():
    case = _tf_case()
    f = person_features(case)
    pos = {pid: k for k, pid in enumerate(f["ids"])}
    pairs = pd.DataFrame({"i": [pos["P1"], pos["P3"]], "j": [pos["P2"], pos["P4"]]})
    lv = comparison_vectors(f, pairs)
    assert lv["name"].tolist() == [level("name", "exact")] * 2
    assert lv["tf"][0] > lv["tf"][1]          # garcia is carried by 12 of 14 records
    params = estimate_parameters(lv, min_pairs=10**6)   # stated priors
    w_tf, _ = match_weights(lv, params, tf=lv["tf"].to_numpy())
    w_plain, _ = match_weights(lv, params)
    assert w_plain[0] == w_plain[1]
    assert w_tf[0] < w_tf[1]
    # u of the pair is the chance that a random record carries its tokens (the product of
    # their frequencies among the 14 records), in place of the level's u (prior 0.01):
    # García López: ana 4/14, garcía 12/14, lópez 4/14; Quispe López: quispe 2/14
    tf_garcia, tf_quispe = (4 / 14) * (12 / 14) * (4 / 14), (4 / 14) * (2 / 14) * (4 / 14)
    assert lv["tf"].tolist() == pytest.approx([tf_garcia, tf_quispe])
    assert w_tf[0] - w_plain[0] == pytest.approx(math.log2(0.01 / tf_garcia))   # -2.81 bits
    assert w_tf[1] - w_plain[1] == pytest.approx(math.log2(0.01 / tf_quispe))   # -0.22 bits


def test_no_automatic_merge_on_name_alone_however_probable():
    case = case_from_records(persons=[
        {"id": "P1", "name": "Xochitl Quispe Mamani", "nationality": ["PE"]},
        {"id": "P2", "name": "XOCHITL QUISPE MAMANI", "nationality": ["PE"]}])
    s = fs_settings(fs_auto_merge_probability=0.5, fs_review_probability=0.1)
    m = resolve_entities(case, settings=s)
    assert len(m) == 0
    review = m.attrs["review"]
    assert [(r["id_a"], r["id_b"]) for r in review] == [("P1", "P2")]
    assert review[0]["probability"] >= 0.5
    assert review[0]["why_not_merged"] == "no evidence beyond the name"
    assert "a birth date for P1 and P2" in review[0]["what_would_decide"]
    assert "name=exact" in review[0]["levels"] and "birth=missing" in review[0]["levels"]


def test_review_says_which_record_lacks_the_deciding_fact():
    case = case_from_records(persons=[
        {"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
        {"id": "P2", "name": "Ana Gomez Ruiz"}],
        phones=[{"person_id": "P2", "number": "+573001234567"}])
    m = resolve_entities(case, settings=fs_settings(fs_review_probability=0.1))
    (row,) = m.attrs["review"]
    assert row["what_would_decide"].split("; or ") == [
        "a document number for P1 and P2", "a phone number for P1", "a birth date for P2"]


def _strong_pair_case():
    return case_from_records(
        persons=[{"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
                 {"id": "P2", "name": "ANA GOMEZ RUIZ", "birth_date": "1980-03-05"},
                 {"id": "P3", "name": "Ana Gómez Ruiz"}],
        documents=[{"id": "D1", "holder_id": "P1", "kind": "passport", "number": "AB123",
                    "issuing_country": "CO"},
                   {"id": "D2", "holder_id": "P2", "kind": "passport", "number": "AB123",
                    "issuing_country": "CO"}])


def test_merges_keep_their_reason_and_probability_and_the_model_is_reported():
    m = resolve_entities(_strong_pair_case(), settings=fs_settings())
    assert m[["kept_id", "merged_id"]].values.tolist() == [["P1", "P2"]]
    assert m["score"][0] >= 0.99
    assert m["reason"][0].startswith("match probability ")
    assert "same passport AB123 (CO)" in m["reason"][0]
    model = m.attrs["model"]
    assert model["model"] == "fellegi_sunter"
    assert set(model["comparisons"]) == set(COMPARISONS)
    assert {"m", "u", "weight_bits"} <= set(model["comparisons"]["name"]["exact"])


def test_decisions_still_win(tmp_path):
    case = _strong_pair_case()
    veto = pd.DataFrame({"id_a": ["P1"], "id_b": ["P2"], "decision": ["veto"], "note": [None],
                         "_file": ["d.csv"], "_line": [2]})
    assert len(resolve_entities(case, settings=fs_settings(), decisions=veto)) == 0
    force = pd.DataFrame({"id_a": ["P1"], "id_b": ["P3"], "decision": ["merge"], "note": [None],
                          "_file": ["d.csv"], "_line": [2]})
    m = resolve_entities(case, settings=fs_settings(), decisions=force)
    assert sorted(m["merged_id"]) == ["P2", "P3"]
    assert m.set_index("merged_id")["decision"]["P3"] == "forced"
    # a pair settled by a decision (or by the merges) leaves the review list
    assert m.attrs["review"] == []


def test_rules_model_is_unchanged_and_has_no_review():
    m = resolve_entities(_strong_pair_case())
    assert m[["kept_id", "merged_id"]].values.tolist() == [["P1", "P2"]]
    assert "review" not in m.attrs and not m["reason"][0].startswith("match probability")


@pytest.mark.slow
def test_analyze_writes_review_csv_and_the_report_section(tmp_path):
    from netanalysis.pipeline import analyze_case

    case = case_from_records(persons=[
        {"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05", "role": "fugitive"},
        {"id": "P2", "name": "Ana Gomez Ruiz", "role": "associate"},
        {"id": "P3", "name": "Luis Silva", "role": "associate"}],
        links=[{"from_id": "P1", "to_id": "P3", "type": "associate"}])
    run = analyze_case(case, tmp_path / "out", settings=fs_settings(fs_review_probability=0.1),
                       write_map=False)
    with open(run.out / "review.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == REVIEW_COLUMNS
    assert [(r["id_a"], r["id_b"]) for r in rows] == [("P1", "P2")]
    assert "a birth date for P2" in rows[0]["what_would_decide"]
    html = (run.out / "report.html").read_text(encoding="utf-8")
    assert "To review (1)" in html and "a birth date for P2" in html
    assert run.summary["resolution_model"]["model"] == "fellegi_sunter"


def test_a_dropped_second_surname_is_a_level_of_its_own_with_counted_frequency():
    # u of "Ana García" vs "Ana García López": the records that are "ana garcia" plus one last
    # token (3 of 8 here; "Ana Quispe" is extended by 1), times the short forms (records some
    # record extends: "Ana García" and "Ana Quispe", 2), over the 8 x 7 / 2 = 28 pairs
    names = ["Ana García", "Ana García López", "Ana García Ruiz", "Ana García Soto",
             "Ana Quispe", "Ana Quispe Mamani", "Ana Luisa García", "Luis Ramos"]
    f = person_features(case_from_records(persons=[{"id": f"P{k}", "name": x}
                                                   for k, x in enumerate(names)]))
    pairs = pd.DataFrame({"i": [0, 4, 0], "j": [1, 5, 6]})
    lv = comparison_vectors(f, pairs)
    assert [COMPARISONS["name"][x] for x in lv["name"]] == ["surname_dropped", "surname_dropped",
                                                             "part_missing"]
    assert lv["tf"][:2].tolist() == pytest.approx([3 * 2 / 28, 1 * 2 / 28])
    # (the level's u over random pairs counts every (short form, extension) pair, 4 of 28
    # here, so the adjustment log2(u / tf) is 0 at the average short form, extended twice)
    # part_missing keeps the product of token frequencies: ana 7/8, garcia 5/8
    assert lv["tf"][2] == pytest.approx(7 / 8 * 5 / 8)


def test_the_same_name_weighs_at_least_by_its_counted_frequency():
    # 12 records: "João Silva" x4, "Maria Gómez" x4, "Ana Paz" x2, two others. joão and silva
    # only ever go together, so the product of their frequencies (4/12 x 4/12) under-states
    # how common the name is: the share of the other 10 records carrying it is 2/10. "Ana
    # Paz" is carried by the pair alone: the product (2/12 x 2/12) stays.
    names = (["João Silva"] * 4 + ["Maria Gómez"] * 4 + ["Ana Paz"] * 2
             + ["Luis Rojas", "Pedro Vega"])
    f = person_features(case_from_records(persons=[{"id": f"P{k}", "name": x}
                                                   for k, x in enumerate(names)]))
    lv = comparison_vectors(f, pd.DataFrame({"i": [0, 8], "j": [1, 9]}))
    assert lv["name"].tolist() == [level("name", "exact")] * 2
    assert lv["tf"].tolist() == pytest.approx([2 / 10, (2 / 12) * (2 / 12)])


def test_a_close_spelling_weighs_by_the_frequency_of_the_name_it_spells():
    # 10 records: "Maria Silva" x4, "Mario Silva" x3, "Maria Silvz" (a one-off spelling),
    # "Luis Rojas", "Ana Paz". Tokens carried once: silvz, luis, rojas, ana, paz, so 3 of
    # the 10 records carry a one-off spelling (the rate a name is spelled once).
    names = ["Maria Silva"] * 4 + ["Mario Silva"] * 3 + ["Maria Silvz", "Luis Rojas", "Ana Paz"]
    f = person_features(case_from_records(persons=[{"id": f"P{k}", "name": x}
                                                   for k, x in enumerate(names)]))
    pairs = pd.DataFrame({"i": [0, 0], "j": [4, 7]})
    lv = comparison_vectors(f, pairs)
    assert [COMPARISONS["name"][x] for x in lv["name"]] == ["close", "close"]
    # Maria / Mario, two names both carried by several records: the commoner of the two
    # (maria 5/10) times silva 7/10
    assert lv["tf"][0] == pytest.approx(5 / 10 * 7 / 10)
    # Silva / Silvz, a spelling seen once: silva's frequency (7/10) times the one-off rate
    # (3/10), not silvz's own 1/10; maria 5/10 agrees exactly
    assert lv["tf"][1] == pytest.approx(5 / 10 * 7 / 10 * 3 / 10)
    # and the weight moves by log2(u / tf) as for the other levels
    params = estimate_parameters(lv, min_pairs=10**6)
    w_tf, _ = match_weights(lv, params, tf=lv["tf"].to_numpy())
    w_plain, _ = match_weights(lv, params)
    u_close = PRIORS["name"]["u"][level("name", "close")]
    assert (w_tf - w_plain).tolist() == pytest.approx(
        [math.log2(u_close / (5 / 10 * 7 / 10)), math.log2(u_close / (5 / 10 * 7 / 10 * 3 / 10))])


def test_a_typo_in_a_repeated_surname_is_a_close_spelling_not_a_different_name():
    # "Rodríguez Rodríguez": the typo copy is compared with the other copy, one token to one
    # (name_similarity says 0.948 for these); both the one-name path (vectorised) and the
    # aliases path (P5 has an alias) must agree, in either order of the pair
    names = [("Juan Rordíguez Rodríguez", None), ("Juan Rodríguez Rodríguez", None),
             ("Juan Rodríguez", None), ("Juan Rodríguez Rodríguez", "J. R.")]
    f = person_features(case_from_records(persons=[
        {"id": f"P{k}", "name": x, **({"aliases": al} if al else {})}
        for k, (x, al) in enumerate(names)]))
    pairs = pd.DataFrame({"i": [0, 1, 0, 2, 1], "j": [1, 0, 3, 1, 3]})
    lv = comparison_vectors(f, pairs)
    got = [COMPARISONS["name"][x] for x in lv["name"]]
    assert got == ["close", "close", "close", "surname_dropped", "exact"]
    assert lv["name_score"][:3].tolist() == [0.948, 0.948, 0.948]
    # "Juan Rodríguez" lacks one copy: a dropped surname, not the same name
    assert lv["name_score"][3] == pytest.approx(0.96)


def test_merges_explained_after_clustering_carry_their_own_pairs_reasons():
    # the Fellegi-Sunter merges are explained once per merged record, after clustering: each
    # reason must be the rule's reason of that row's own pair (merged_id, via_id)
    from netanalysis.resolve.compare import pair_comparer
    from netanalysis.synth.records import person_records
    r = person_records(1500, seed=3)
    case = case_from_records(persons=r["persons"], documents=r["documents"], phones=r["phones"])
    s = fs_settings()
    m = resolve_entities(case, settings=s)
    assert len(m) and (m["decision"] == "auto").all()
    f = person_features(case)
    explain = pair_comparer(f, s.resolve)
    pos = {x: k for k, x in enumerate(f["ids"])}
    for r in m.itertuples(index=False):
        a, b = sorted((pos[r.merged_id], pos[r.via_id]))
        want = explain(a, b)
        assert r.reason.startswith("match probability ")
        assert r.reason.endswith("Fellegi-Sunter); " + want["reason"])
        assert (r.name_score, r.evidence) == (want["name_score"], want["evidence"])


def test_scoring_u_leaves_out_the_matches_among_random_pairs():
    from netanalysis.resolve.probabilistic import TF_MAX_BITS, scoring_parameters
    # 1,000 records, 499,500 pairs; EM: 0.5 of 999 candidate pairs are matches -> 499.5
    # matches, lambda = 499.5 / 499,500 = 1e-3 exactly
    # (a phone shared by 1 % of the pairs holding one, m 0.6: the identifiers allow lambda up
    # to 0.0167, so their bound does not bind here)
    params = {"estimated": True, "lambda": 0.5, "pairs": 999, "source": "em",
              "m": {"birth": np.array([0.02 - 2e-6, 1e-6, 1e-6, 0.08, 0.9]),
                    "document": np.array([0.001, 0.009, 0.99]), "phone": np.array([0.4, 0.6])}}
    u_obs = {"birth": np.array([0.997 - 2e-6, 1e-6, 1e-6, 0.0005, 0.0025]),
             "document": np.array([0.2, 0.7995, 0.0005]), "phone": np.array([0.99, 0.01])}
    s = scoring_parameters(params, u_obs, 1000)
    lam = 1e-3
    assert s["lambda"] == pytest.approx(lam)
    assert s["matches"]["identifiers"] == pytest.approx(0.01 / 0.6 * 499_500, abs=0.05)
    assert not s["matches"]["capped"]
    # the same birth day: 0.0025 of random pairs, of which 1e-3 x 0.9 are matches
    assert s["u"]["birth"][4] == pytest.approx((0.0025 - lam * 0.9) / (1 - lam))
    # the swapped date: 0.0005 observed, 1e-3 x 0.08 matches
    assert s["u"]["birth"][3] == pytest.approx((0.0005 - lam * 0.08) / (1 - lam))
    # a shared document seen on 0.0005 of random pairs, all of them explained by matches
    # (1e-3 x 0.99 > 0.0005): u is the bound, 2**-TF_MAX_BITS of what was seen, renormalised
    d = np.maximum(u_obs["document"] - lam * params["m"]["document"],
                   u_obs["document"] * 2.0 ** -TF_MAX_BITS) / (1 - lam)
    assert s["u"]["document"][2] == pytest.approx(d[2] / d.sum())
    assert s["u"]["document"].sum() == pytest.approx(1.0)
    assert s["u_observed"]["document"].tolist() == u_obs["document"].tolist()
    # the evidence weighs more than with the raw u, never less
    assert np.log2(params["m"]["birth"][4] / s["u"]["birth"][4]) > \
        np.log2(params["m"]["birth"][4] / u_obs["birth"][4])


def test_scoring_u_keeps_the_observed_u_where_m_is_a_prior():
    from netanalysis.resolve.probabilistic import scoring_parameters
    # birth "year" and "month" never seen among the candidates: their m is the prior's, and
    # taking lambda x m out of what random pairs show would invent evidence
    params = {"estimated": True, "lambda": 0.5, "pairs": 999, "source": "em",
              "prior_levels": ["birth:year", "birth:month"],
              "m": {"birth": np.array([0.02, 0.05, 0.07, 0.06, 0.8])}}
    u_obs = {"birth": np.array([0.997 - 2e-6, 1e-6, 1e-6, 0.0005, 0.0025])}
    s = scoring_parameters(params, u_obs, 1000)
    lam = 1e-3
    m = params["m"]["birth"]
    raw = (u_obs["birth"] - lam * m) / (1 - lam)
    raw[[1, 2]] = u_obs["birth"][[1, 2]]          # as observed
    raw = raw / raw.sum()
    np.testing.assert_allclose(s["u"]["birth"], raw, rtol=1e-9)
    assert s["u"]["birth"][1] == pytest.approx(1e-6, rel=1e-3)


def test_em_that_moves_slowly_still_converges_and_recovers_the_mixture():
    """Three weak comparisons (Bayes factors 2-3): EM needs hundreds of iterations (each
    costs the 8 distinct vectors), and must get there rather than fall back to priors."""
    import itertools
    lam = 0.2
    m = {"phone": [0.3, 0.7], "nationality": [0.2, 0.8], "contacts": [0.4, 0.6]}
    u = {"phone": [0.7, 0.3], "nationality": [0.6, 0.4], "contacts": [0.7, 0.3]}
    rows = []
    for v in itertools.product([0, 1], repeat=3):     # the expected counts of 1e6 pairs
        pm = lam * np.prod([m[c][x] for c, x in zip(m, v)])
        pu = (1 - lam) * np.prod([u[c][x] for c, x in zip(m, v)])
        rows.append(dict(zip(m, v), pairs=int(round(1e6 * (pm + pu)))))
    lv = pd.DataFrame(rows)
    p = estimate_parameters(lv, counts=lv["pairs"])
    assert p["estimated"] and p["source"] == "em"
    assert p["iterations"] > 200
    assert p["lambda"] == pytest.approx(lam, abs=0.01)
    for c in m:
        np.testing.assert_allclose(p["m"][c], m[c], atol=0.01)
        np.testing.assert_allclose(p["u"][c], u[c], atol=0.01)


def test_auto_merge_rule_probability_and_evidence_beyond_the_name_by_hand():
    """Day/month swapped dates corroborate, a missing date is neutral (neither evidence
    nor disagreement), a conflicting year blocks; probabilities computed by hand."""
    from netanalysis.resolve.probabilistic import classify_pairs
    case = case_from_records(persons=[
        {"id": "P1", "name": "Ana Ruiz Gómez", "birth_date": "1980-03-05"},
        {"id": "P2", "name": "ANA RUIZ GOMEZ", "birth_date": "1980-05-03"},   # swapped
        {"id": "P3", "name": "Ana Ruiz Gómez"},                               # no date
        {"id": "P4", "name": "Ana Ruiz Gómez", "birth_date": "1981-03-05"}])  # conflict
    f = person_features(case)
    pairs = pd.DataFrame({"i": [0, 0, 0], "j": [1, 2, 3], "doc": 0, "phone": 0, "contacts": 0})
    lv = comparison_vectors(f, pairs)
    assert lv["birth"].tolist() == [level("birth", "swap"), -1, level("birth", "conflict")]
    name_m = np.array([0.02, 0.02, 0.02, 0.02, 0.02, 0.9])
    name_u = np.array([0.95, 0.01, 0.01, 0.01, 0.01, 0.01])
    params = {"lambda": 0.01, "m": {"name": name_m, "birth": np.array([0.1, 0.1, 0.1, 0.1, 0.6])},
              "u": {"name": name_u, "birth": np.array([0.99, 0.003, 0.003, 0.001, 0.003])}}
    cfg = {"fs_auto_merge_probability": 0.95, "fs_review_probability": 0.3, "fs_tf_weight": 1.0,
           "birth_conflict_blocks": True}
    got = classify_pairs(f, pairs, lv, params, cfg, use_tf=False)
    # swapped: odds 0.01/0.99 x 90 x 100 = 90.9 -> 0.989 >= 0.95, and the date corroborates
    odds = 0.01 / 0.99 * 90 * 100
    assert got["accepted"][["i", "j"]].values.tolist() == [[0, 1]]
    assert got["accepted"]["score"][0] == pytest.approx(odds / (1 + odds), abs=1e-4)
    # missing date: the name alone, 0.01/0.99 x 90 = 0.909 -> 0.476: review, below the
    # probability and without evidence; the conflicting year is neither merged nor listed
    rv = got["review"]
    assert rv[["id_a", "id_b"]].values.tolist() == [["P1", "P3"]]
    odds = 0.01 / 0.99 * 90
    assert rv["probability"][0] == pytest.approx(odds / (1 + odds), abs=1e-4)
    assert rv["why_not_merged"][0] == \
        f"probability {odds / (1 + odds):.3f} below 0.95; no evidence beyond the name"
    # the same name-only pair at prior odds 1: 0.989 >= 0.95, still not merged
    got = classify_pairs(f, pairs, lv, {**params, "lambda": 0.5}, cfg, use_tf=False)
    assert got["accepted"][["i", "j"]].values.tolist() == [[0, 1]]
    rv = got["review"]
    assert rv[["id_a", "id_b"]].values.tolist() == [["P1", "P3"]]
    assert rv["why_not_merged"][0] == "no evidence beyond the name"
    assert rv["probability"][0] == pytest.approx(90 / 91, abs=1e-4)


def test_lambda_is_the_fixed_point_over_evidence_and_name_block_pairs():
    # 1,000 evidence pairs, EM says half are matches: 500; 2,000 name-block pairs of one
    # vector whose Bayes factor is m/u = 0.5/1e-4 = 5,000; n = 2,000 records (1,999,000 pairs).
    # lambda must satisfy lambda = (500 + 2,000 p(lambda)) / 1,999,000 with
    # p = lambda' x 5,000 / (1 + lambda' x 5,000), lambda' = lambda / (1 - lambda)
    from netanalysis.resolve.probabilistic import scoring_parameters
    params = {"estimated": True, "lambda": 0.5, "pairs": 1000, "prior_levels": [],
              "m": {"name": np.array([0.5, 0.5])}, "u": {"name": np.array([0.5, 0.5])}}
    u_random = {"name": [1 - 1e-4, 1e-4]}
    counts = pd.DataFrame({"name": [1, 1], "evidence": [True, False], "tf_known": False,
                           "tf_bin": 1, "pairs": [1000, 2000]})
    s = scoring_parameters(params, u_random, 2000, counts, tol=1e-9)
    total = 2000 * 1999 / 2
    lam = s["lambda"]
    bf = 0.5 / s["u"]["name"][1]
    p = lam / (1 - lam) * bf / (1 + lam / (1 - lam) * bf)
    assert lam == pytest.approx((500 + 2000 * p) / total, rel=1e-6)
    assert s["matches"]["name_blocks"] == pytest.approx(2000 * p, abs=0.1)
    assert lam > 500 / total * 1.5           # the name-block matches count (p is about 0.6)
    # without the name-block pairs: the evidence pairs' matches alone
    alone = scoring_parameters(params, u_random, 2000)
    assert alone["lambda"] == pytest.approx(500 / total)


@pytest.mark.parametrize("rates", [(0.5, 0.5), (0.2, 0.2)])
def test_lambda_is_near_the_share_of_planted_pairs(rates):
    # evidence pairs alone put lambda at 0.84 of the planted share (matches with a missing
    # birth date and no shared identifier are only in the name blocks)
    from netanalysis.synth.records import person_records
    r = person_records(6000, seed=3, phone_rate=rates[0], document_rate=rates[1])
    case = case_from_records(persons=r["persons"], documents=r["documents"], phones=r["phones"])
    m = resolve_entities(case, settings=fs_settings())
    sizes = r["truth"]["person"].value_counts()
    n = len(r["truth"])
    planted = float((sizes * (sizes - 1) / 2).sum()) / (n * (n - 1) / 2)
    assert m.attrs["model"]["source"] == "em"
    assert m.attrs["model"]["lambda"] / planted == pytest.approx(1.0, abs=0.07)


def _exclusive_vectors():
    """Matches with one deviation each (a close name with the birth date right, or the exact
    name with day and month swapped) and non-matches agreeing on nothing."""
    close, exact = level("name", "close"), level("name", "exact")
    day, swap, conflict = level("birth", "day"), level("birth", "swap"), level("birth", "conflict")
    rows = ([(close, day, 1)] * 300 + [(exact, swap, 1)] * 300 + [(exact, day, 1)] * 400
            + [(level("name", "different"), conflict, 0)] * 5000
            + [(close, conflict, 0)] * 200 + [(exact, conflict, 0)] * 100)
    return pd.DataFrame(rows, columns=["name", "birth", "phone"])


def test_name_and_birth_jointly_among_matches():
    # among these matches a close name never comes with a swapped birth date: independence
    # gives such a pair m_close x m_swap, the joint model the (shrunk) share it has
    lv = _exclusive_vectors()
    joint = estimate_parameters(lv)
    indep = estimate_parameters(lv, joint_name_birth=False)
    assert joint["estimated"] and indep["estimated"]
    mj = joint["m_name_birth"]
    assert mj.shape == (len(COMPARISONS["name"]), len(COMPARISONS["birth"]))
    close = level("name", "close")
    day, swap = level("birth", "day"), level("birth", "swap")
    assert mj[close, swap] < 0.5 * indep["m"]["name"][close] * indep["m"]["birth"][swap]
    assert mj[close, day] > indep["m"]["name"][close] * indep["m"]["birth"][day]
    pairs = pd.DataFrame({"name": [close, close], "birth": [day, swap], "phone": [-1, -1]})
    wj, _ = match_weights(pairs, joint)
    wi, _ = match_weights(pairs, indep)
    assert wj[0] > wi[0] and wj[1] < wi[1]
    assert "m_name_birth" not in indep


def test_nationality_is_weighed_against_namesakes():
    from netanalysis.resolve.probabilistic import random_u
    # each surname goes with one nationality: strangers sharing a surname share it
    rng = np.random.default_rng(3)
    given = ["Ana", "Luis", "Rosa", "Pedro", "Lucia", "Jorge", "Marta", "Diego"]
    sur = {"Silva": "BR", "Souza": "BR", "Garcia": "MX", "Lopez": "MX", "Quispe": "PE",
           "Mamani": "PE", "Rojas": "CO", "Vargas": "CO", "Torres": "ES", "Ruiz": "ES"}
    names = list(sur)
    persons = []
    for k in range(400):
        s = names[int(rng.integers(len(names)))]
        persons.append({"id": f"P{k}", "name": f"{given[int(rng.integers(len(given)))]} {s}",
                        "nationality": sur[s]})
    u = random_u(person_features(case_from_records(persons=persons)), k=20_000,
                 k_birth=2_000)
    shared = level("nationality", "shared")
    assert u["nationality_named"][shared] > 0.9
    assert u["nationality"][shared] < 0.4
    # a pair whose names agree weighs its shared nationality against the namesakes'
    params = {"lambda": 0.01, "m": {"name": np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.5]),
                                    "nationality": np.array([0.05, 0.95])},
              "u": {"name": np.full(6, 1 / 6), "nationality": u["nationality"]},
              "u_nationality_named": u["nationality_named"]}
    lv = pd.DataFrame({"name": [level("name", "exact"), level("name", "different")],
                       "nationality": [shared, shared]})
    w, _ = match_weights(lv, params)
    named = np.log2(0.95 / u["nationality_named"][shared])
    plain = np.log2(0.95 / u["nationality"][shared])
    base = np.log2(0.01 / 0.99)
    assert w[0] == pytest.approx(base + np.log2(0.5 * 6) + named)
    assert w[1] == pytest.approx(base + np.log2(0.1 * 6) + plain)


def test_a_rare_exact_name_counted_on_strangers_only():
    # 40 persons with names rare by their tokens, each written twice (so every record with
    # such a name has one other of its own person), and one rare name carried by 3 records:
    # the third record is more likely a duplicate than a stranger
    persons = []
    for k in range(40):
        for d in range(2):
            persons.append({"id": f"R{k}_{d}", "name": f"Name{k} Surx{k} Sury{k}"})
    persons += [{"id": f"T{d}", "name": "Zeta Quispe Ccori"} for d in range(3)]
    persons += [{"id": f"C{k}", "name": f"Jose Garcia Lopez{k % 3}"} for k in range(30)]
    f = person_features(case_from_records(persons=persons))
    pos = {pid: k for k, pid in enumerate(f["ids"])}
    pairs = pd.DataFrame({"i": [pos["T0"]], "j": [pos["T1"]]})
    import netanalysis.resolve.probabilistic as fs
    thinned = comparison_vectors(f, pairs)["tf"].iloc[0]
    counted = (3 - 2) / (f["n"] - 2)
    # by hand: the 80 records of pairs have one other each, the 3 of Zeta Quispe Ccori two
    assert f["_fs_own_dups"] == pytest.approx((80 * 1 + 3 * 2) / 83)
    assert thinned < 0.5 * counted
    old = fs._THIN_EXACT_TF
    try:
        fs._THIN_EXACT_TF = False
        plain = comparison_vectors(person_features(case_from_records(persons=persons)),
                                   pairs)["tf"].iloc[0]
    finally:
        fs._THIN_EXACT_TF = old
    assert plain >= counted * (1 - 1e-12)      # max(product of tokens, counted), as before
    assert plain > thinned


def test_lambda_is_bounded_by_the_shared_identifiers():
    from netanalysis.resolve.probabilistic import scoring_parameters
    # EM counts 499.5 matches among 499,500 pairs (lambda 1e-3), but only 0.0005 of the
    # pairs holding a document share one and matches share one 0.99 of the time: at most
    # 0.0005 / 0.99 of the pairs are matches, 252.3 of them
    params = {"estimated": True, "lambda": 0.5, "pairs": 999, "source": "em",
              "m": {"birth": np.array([0.02 - 2e-6, 1e-6, 1e-6, 0.08, 0.9]),
                    "document": np.array([0.001, 0.009, 0.99])}}
    u_obs = {"birth": np.array([0.997 - 2e-6, 1e-6, 1e-6, 0.0005, 0.0025]),
             "document": np.array([0.2, 0.7995, 0.0005])}
    s = scoring_parameters(params, u_obs, 1000)
    assert s["lambda"] == pytest.approx(0.0005 / 0.99)
    assert s["matches"]["capped"]
    assert s["matches"]["identifiers"] == pytest.approx(0.0005 / 0.99 * 499_500, abs=0.05)
    # an identifier whose m EM could not estimate (taken from the priors) gives no bound
    s = scoring_parameters({**params, "prior_levels": ["document:shared"]}, u_obs, 1000)
    assert s["lambda"] == pytest.approx(1e-3)
    assert s["matches"]["identifiers"] is None and not s["matches"]["capped"]
