"""Resolution on published networks and on synthetic cases with planted truth."""

import pandas as pd
import pytest

from netanalysis.model.case import Case
from netanalysis.resolve import apply_merges, infer_links, resolve_entities


def _hijackers_case(folder):
    nodes = pd.read_csv(folder / "nodes.csv", dtype=str, keep_default_na=False)
    edges = pd.read_csv(folder / "edges.csv", dtype=str, keep_default_na=False)
    persons = pd.DataFrame({"id": nodes["id"].astype(object), "name": nodes["name"].astype(object),
                            "aliases": [[] for _ in range(len(nodes))],
                            "role": "associate", "_file": "nodes.csv",
                            "_line": range(2, len(nodes) + 2)})
    links = pd.DataFrame({"from_id": edges["source"].astype(object),
                          "to_id": edges["target"].astype(object), "type": "associate",
                          "weight": 1.0, "grading": "F6", "start": None, "end": None,
                          "provenance": edges["layer"].astype(object), "note": None,
                          "_file": "edges.csv", "_line": range(2, len(edges) + 2)})
    return Case(tables={"persons": persons, "links": links})


@pytest.mark.datasets
def test_hijackers_911_duplicate_is_found_and_only_it(shared_datasets):
    case = _hijackers_case(shared_datasets / "hijackers_911")
    m = resolve_entities(case)
    # ids 40 "Tarek Maaroufi" and 57 "Takek Maaroufi" are one man (README); nothing else merges
    assert m[["kept_id", "merged_id"]].values.tolist() == [["40", "57"]]
    assert "close spelling tarek/takek" in m["reason"][0]
    assert "6 reported contacts in common" in m["reason"][0]
    merged = apply_merges(case, m)
    assert len(merged.persons) == 60
    assoc = merged.links[merged.links["provenance"] == "associates"]
    pairs = {tuple(sorted(p)) for p in zip(assoc["from_id"], assoc["to_id"])}
    assert len(pairs) == 125  # "a merge gives 60 nodes and 125 edges"
    kept = merged.persons.set_index("id").loc["40"]
    assert kept["aliases"] == ["Takek Maaroufi"] and kept["merged_ids"] == ["57"]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    synth = pytest.importorskip("netanalysis.synth")
    from netanalysis.ingest import load_case
    out = tmp_path_factory.mktemp("synth") / "case"
    synth.synth_case(out, persons=3000, seed=11)
    return out, load_case(out)


@pytest.mark.slow
def test_synthetic_resolution_precision_and_recall(synthetic):
    out, case = synthetic
    m = resolve_entities(case)
    root = dict(zip(m["merged_id"], m["kept_id"]))
    dup = pd.read_csv(out / "truth" / "duplicates.csv", dtype=str)
    near = pd.read_csv(out / "truth" / "near_misses.csv", dtype=str)
    truth = {tuple(sorted(p)) for p in zip(dup["id_a"], dup["id_b"])}
    pred = {tuple(sorted(p)) for p in zip(m["kept_id"], m["merged_id"])}
    assert len(pred & truth) / len(pred) >= 0.95            # precision
    # recall over the duplicates with evidence beyond the name (a shared passport or phone,
    # or a full birth date in both records); name-only duplicates must not be merged
    ev = dup[(dup["shared_passport"] == "True") | (dup["shared_phone"] == "True")
             | (dup["birth_date"] == "same")]
    found = [root.get(a, a) == root.get(b, b) for a, b in zip(ev["id_a"], ev["id_b"])]
    assert sum(found) / len(ev) >= 0.8
    assert not any(root.get(a, a) == root.get(b, b) for a, b in zip(near["id_a"], near["id_b"]))


@pytest.mark.slow
def test_synthetic_co_travel_recall(synthetic):
    out, case = synthetic
    m = resolve_entities(case)
    merged = apply_merges(case, m)
    root = dict(zip(m["merged_id"], m["kept_id"]))
    truth = pd.read_csv(out / "truth" / "co_travel.csv", dtype=str)
    want = {tuple(sorted((root.get(a, a), root.get(b, b)))) for a, b in zip(truth["id_a"], truth["id_b"])}
    # every pair tested: the ties kept are planted (FDR 5 %), most companions are found
    t = infer_links(merged)
    co = t[t["type"] == "co_travel"]
    pred = {tuple(sorted(p)) for p in zip(co["from_id"], co["to_id"])}
    assert len(pred & want) / len(want) >= 0.5
    # FDR 5 % is an expectation, not a bound; and the ties not in co_travel.csv are not all
    # chance: measured (session 18) 11 of 48 (8 of 45 before the size histograms), all 11 out
    # and back together on the same flights or ferries, on one booking or on bookings the
    # generator writes side by side -- companions the truth file does not list
    assert len(pred - want) <= 0.25 * len(pred)
    assert (t["confidence"] < 0.2).all()
    # only the pairs of the wanted persons tested (a smaller family): more are found
    # (measured: 21 of 27; 17 of 27 with every pair tested)
    t = infer_links(merged, settings={"infer": {"seed": "wanted"}})
    co = t[t["type"] == "co_travel"]
    pred = {tuple(sorted(p)) for p in zip(co["from_id"], co["to_id"])}
    assert len(pred & want) / len(want) >= 0.75
    # FDR 5 % is an expectation, not a bound; and the ties not in co_travel.csv are not all
    # chance: measured (session 18) 11 of 48 (8 of 45 before the size histograms), all 11 out
    # and back together on the same flights or ferries, on one booking or on bookings the
    # generator writes side by side -- companions the truth file does not list
    assert len(pred - want) <= 0.25 * len(pred)
