"""Clustering refuses unions that would put two passports (national ids) of one country with no
number in common in one person (netanalysis.resolve.cluster, issue 10)."""

import pandas as pd
import pytest

from netanalysis.resolve import resolve_entities
from netanalysis.resolve.cluster import cluster_pairs
from netanalysis.resolve.features import person_features
from netanalysis.resolve.probabilistic import REVIEW_COLUMNS, attach_review
from netanalysis.settings import load_settings

NAME = "Ana María Gómez Ruiz"


def chain(make_case, c_doc=("passport", "PA2", "CO"), a_doc=("passport", "PA1", "CO"),
          extra_docs=()):
    """A-B share a phone and a birth date, B-C a birth date; A and C hold documents `a_doc`
    and `c_doc` (kind, number, country); B holds none. A-C never merges directly: under the
    rules their documents conflict (-0.7) and nothing but name and birth date agrees."""
    docs = [{"id": "D1", "holder_id": "A", "kind": a_doc[0], "number": a_doc[1],
             "issuing_country": a_doc[2]}]
    if c_doc is not None:
        docs.append({"id": "D2", "holder_id": "C", "kind": c_doc[0], "number": c_doc[1],
                     "issuing_country": c_doc[2]})
    docs += [{"id": f"D{k + 3}", "holder_id": h, "kind": kd, "number": num,
              "issuing_country": cc} for k, (h, kd, num, cc) in enumerate(extra_docs)]
    return make_case(
        persons=[{"id": "A", "name": NAME, "birth_date": "1980-03-05"},
                 {"id": "B", "name": "Ana Maria Gomez Ruiz", "birth_date": "1980-03-05"},
                 {"id": "C", "name": NAME, "birth_date": "1980-03-05"}],
        documents=docs,
        phones=[{"id": "T1", "person_id": "A", "number": "+573001112233"},
                {"id": "T2", "person_id": "B", "number": "+573001112233"}])


def persons_of(merges, ids=("A", "B", "C")):
    root = dict(zip(merges["merged_id"], merges["kept_id"]))
    groups = {}
    for x in ids:
        groups.setdefault(root.get(x, x), set()).add(x)
    return sorted(sorted(g) for g in groups.values())


def test_chain_with_two_passports_of_one_country_is_cut_and_reviewed(make_case):
    m = resolve_entities(chain(make_case))
    # A-B (phone, birth date, name: 1.5) joins first; B-C (1.1) would bring PA2 next to PA1
    assert persons_of(m) == [["A", "B"], ["C"]]
    review = m.attrs["review"]
    assert [(r["id_a"], r["id_b"]) for r in review] == [("B", "C")]
    r = review[0]
    assert set(r) == set(REVIEW_COLUMNS)
    assert r["probability"] is None          # a rule score is not a probability
    assert "PA1 (A) and PA2 (C) of CO" in r["why_not_merged"]
    assert "(through A)" in r["why_not_merged"]
    assert "rule score 1.1" in r["why_not_merged"]
    assert r["what_would_decide"].startswith("whether A and C are one person")
    assert "birth=day" in r["levels"] and "document=missing" in r["levels"]


def test_without_the_setting_the_chain_joins_all_three(make_case):
    settings = load_settings(env={}, resolve={"document_conflict_blocks": False})
    m = resolve_entities(chain(make_case), settings=settings)
    assert persons_of(m) == [["A", "B", "C"]]
    assert "review" not in m.attrs


def test_the_same_passport_number_still_merges(make_case):
    # written differently: the normalised numbers are the same
    m = resolve_entities(chain(make_case, c_doc=("passport", "pa-1", "CO")))
    assert persons_of(m) == [["A", "B", "C"]]
    assert "review" not in m.attrs


def test_one_number_in_common_is_no_conflict(make_case):
    # C holds PA1 and PA2 of Colombia (renewed): it shares PA1 with A's cluster
    m = resolve_entities(chain(make_case, extra_docs=[("C", "passport", "PA1", "CO")]))
    assert persons_of(m) == [["A", "B", "C"]]


@pytest.mark.parametrize("c_doc", [("passport", "PA2", "VE"),      # another country
                                   ("national_id", "PA2", "CO"),   # another kind
                                   ("passport", "PA2", None),      # country unknown
                                   ("driving_licence", "PA2", "CO"),
                                   None])
def test_no_conflict_without_the_same_kind_and_country(make_case, c_doc):
    m = resolve_entities(chain(make_case, c_doc=c_doc))
    assert persons_of(m) == [["A", "B", "C"]]


def test_national_ids_of_one_country_conflict_too(make_case):
    m = resolve_entities(chain(make_case, a_doc=("national_id", "1020304", "CO"),
                               c_doc=("national_id", "9080706", "CO")))
    assert persons_of(m) == [["A", "B"], ["C"]]
    assert "national ids 1020304 (A) and 9080706 (C) of CO" in m.attrs["review"][0]["why_not_merged"]


def test_a_merge_decision_overrides_the_conflict(make_case):
    # the analyst says A and C are one person (two passports): all three join
    dec = pd.DataFrame({"id_a": ["A"], "id_b": ["C"], "decision": ["merge"], "note": ["renewed"],
                        "_file": "decisions.csv", "_line": [2]})
    m = resolve_entities(chain(make_case), decisions=dec)
    assert persons_of(m) == [["A", "B", "C"]]
    assert set(m[m["decision"] == "forced"]["merged_id"]) | set(
        m[m["decision"] == "forced"]["kept_id"]) == {"A", "C"}
    assert "review" not in m.attrs


def test_a_forced_cluster_is_checked_as_a_whole(make_case):
    # B = C forced: C's PA2 is now B's person's; A (PA1) may not join it on the phone alone
    dec = pd.DataFrame({"id_a": ["B"], "id_b": ["C"], "decision": ["merge"], "note": [None],
                        "_file": "decisions.csv", "_line": [2]})
    m = resolve_entities(chain(make_case), decisions=dec)
    assert persons_of(m) == [["A"], ["B", "C"]]
    assert [(r["id_a"], r["id_b"]) for r in m.attrs["review"]] == [("A", "B")]
    assert "(through C)" in m.attrs["review"][0]["why_not_merged"]


def test_a_veto_of_the_refused_pair_settles_it(make_case):
    dec = pd.DataFrame({"id_a": ["B"], "id_b": ["C"], "decision": ["veto"], "note": [None],
                        "_file": "decisions.csv", "_line": [2]})
    m = resolve_entities(chain(make_case), decisions=dec)
    assert persons_of(m) == [["A", "B"], ["C"]]
    assert "review" not in m.attrs


def test_order_is_by_score_so_the_stronger_link_wins(make_case):
    case = chain(make_case)
    feat = person_features(case)
    # B-C scored above A-B: B joins C, and A's union is the one refused
    scored = [{"i": 0, "j": 1, "score": 0.96, "accept": True, "reason": "match probability "
               "0.9600 (weight 4.6 bits, Fellegi-Sunter); ", "name_score": None, "evidence": None},
              {"i": 1, "j": 2, "score": 0.99, "accept": True, "reason": "match probability "
               "0.9900 (weight 6.6 bits, Fellegi-Sunter); ", "name_score": None, "evidence": None}]
    m = cluster_pairs(case, feat, scored)
    assert persons_of(m) == [["A"], ["B", "C"]]
    assert [(r["i"], r["j"], r["holder_a"], r["holder_b"]) for r in m.attrs["refused"]] == [
        (0, 1, 0, 2)]
    cfg = load_settings(env={}).resolve
    out = attach_review(m, feat, cfg, review=pd.DataFrame(columns=REVIEW_COLUMNS))
    assert "refused" not in out.attrs
    [r] = out.attrs["review"]
    assert (r["id_a"], r["id_b"], r["probability"], r["match_weight"]) == ("A", "B", 0.96, 4.6)
    assert r["why_not_merged"].startswith("match probability 0.9600, but A and B would put")


def test_fellegi_sunter_cuts_the_chain_and_lists_it_with_its_probability(make_case):
    settings = load_settings(env={}, resolve={"model": "fellegi_sunter"})
    m = resolve_entities(chain(make_case), settings=settings)
    assert persons_of(m) == [["A", "B"], ["C"]]
    review = {(r["id_a"], r["id_b"]): r for r in m.attrs["review"]}
    r = review[("B", "C")]
    assert r["probability"] >= 0.95      # it would have merged
    assert r["why_not_merged"].startswith(f"match probability {r['probability']:.4f}, but B and C")
    # A-C itself is below the auto-merge probability (its passports conflict): not refused
    assert "would put" not in review[("A", "C")]["why_not_merged"]
    off = resolve_entities(chain(make_case), settings=load_settings(
        env={}, resolve={"model": "fellegi_sunter", "document_conflict_blocks": False}))
    assert persons_of(off) == [["A", "B", "C"]]


@pytest.mark.slow
def test_analyze_writes_the_refused_merge_to_review_csv_under_the_rules(tmp_path, make_case):
    import csv

    from netanalysis.pipeline import analyze_case

    case = chain(make_case)
    case.tables["persons"]["role"] = ["fugitive", "associate", "associate"]
    run = analyze_case(case, tmp_path / "out", write_map=False)
    with open(run.out / "review.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == REVIEW_COLUMNS
    assert [(r["id_a"], r["id_b"], r["probability"]) for r in rows] == [("B", "C", "")]
    assert "PA1 (A) and PA2 (C) of CO" in rows[0]["why_not_merged"]
    with open(run.out / "merges.csv", newline="", encoding="utf-8") as fh:
        merged = {(r["kept_id"], r["merged_id"]) for r in csv.DictReader(fh)}
    assert len(merged) == 1 and {x for p in merged for x in p} == {"A", "B"}
    html = (run.out / "report.html").read_text(encoding="utf-8")
    assert "To review (1)" in html and "PA1 (A) and PA2 (C) of CO" in html
