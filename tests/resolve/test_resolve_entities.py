"""Tests of netanalysis.resolve.entities: each rule, near misses, clusters, apply_merges."""

import pandas as pd
import pytest

from netanalysis.errors import InputError, UnknownEntityError
from netanalysis.resolve import apply_merges, resolve_entities
from netanalysis.resolve.entities import MERGE_COLUMNS, birth_agreement


def pairs(m):
    return sorted(zip(m["kept_id"], m["merged_id"]))


# --- evidence that merges ----------------------------------------------------------------
def test_shared_passport_with_compatible_name_merges_without_birth_date(make_case):
    c = make_case(
        persons=[{"id": "P1", "name": "José Luis Pérez Gómez"},
                 {"id": "P2", "name": "JOSE L. PEREZ"}],
        documents=[{"id": "D1", "holder_id": "P1", "kind": "passport", "number": "CO12345678",
                    "issuing_country": "CO"},
                   {"id": "D2", "holder_id": "P2", "kind": "passport", "number": "co 1234 5678",
                    "issuing_country": "CO"}])
    m = resolve_entities(c)
    assert list(m.columns[:4]) == ["kept_id", "merged_id", "score", "reason"]
    assert pairs(m) == [("P1", "P2")]
    assert m["reason"][0].startswith("same passport CO12345678")
    assert m["evidence"][0] == "document"


def test_shared_passport_with_unrelated_name_does_not_merge(make_case):
    # a passport used by someone else (fraud) is a shared_document tie, not a merge
    c = make_case(
        persons=[{"id": "P1", "name": "José Luis Pérez Gómez"},
                 {"id": "P2", "name": "Wilmer Andrés Ochoa"}],
        documents=[{"id": "D1", "holder_id": "P1", "kind": "passport", "number": "CO123",
                    "issuing_country": "CO"},
                   {"id": "D2", "holder_id": "P2", "kind": "passport", "number": "CO123",
                    "issuing_country": "CO"}])
    assert resolve_entities(c).empty


def test_same_name_and_full_birth_date_merge_with_reason(make_case):
    c = make_case(persons=[
        {"id": "A1", "name": "María Fernanda Núñez", "birth_date": "1980-07-12", "nationality": ["CO"]},
        {"id": "A2", "name": "MARIA FERNANDA NUNEZ", "birth_date": "1980-07-12", "nationality": ["CO"]}])
    m = resolve_entities(c)
    assert pairs(m) == [("A1", "A2")]
    why = m["reason"][0]
    assert "names match after removing accents" in why
    assert "birth dates agree (1980-07-12)" in why
    assert "same nationality (CO)" in why


def test_initials_reordered_surnames_and_dropped_surname_with_birth_date(make_case):
    c = make_case(persons=[
        {"id": "B1", "name": "José Luis Muñoz Peña", "birth_date": "1975-03-02"},
        {"id": "B2", "name": "J. L. Muñoz Peña", "birth_date": "1975-03-02"},
        {"id": "B3", "name": "MUÑOZ, José Luis", "birth_date": "1975-03-02"},
        {"id": "B4", "name": "Jose Luis Pena Munoz", "birth_date": "1975-03-02"}])
    m = resolve_entities(c)
    assert set(m["merged_id"]) == {"B2", "B3", "B4"}
    assert set(m["kept_id"]) == {"B1"}


def test_transliteration_variant_with_birth_date(make_case):
    c = make_case(persons=[
        {"id": "T1", "name": "Yesica Muñoz Ibáñez", "birth_date": "1990-01-20"},
        {"id": "T2", "name": "Jessica Munyoz Ibanyez", "birth_date": "1990-01-20"}])
    assert pairs(resolve_entities(c)) == [("T1", "T2")]


def test_day_and_month_swapped_counts_with_other_evidence(make_case):
    c = make_case(
        persons=[{"id": "S1", "name": "Iván Cárdenas Ríos", "birth_date": "1983-04-11"},
                 {"id": "S2", "name": "Ivan Cardenas Rios", "birth_date": "1983-11-04"}],
        phones=[{"number": "+573001234567", "person_id": "S1"},
                {"number": "+573001234567", "person_id": "S2"}])
    m = resolve_entities(c)
    assert pairs(m) == [("S1", "S2")]
    assert "day and month swapped" in m["reason"][0]
    assert birth_agreement("1983-04-11", "1983-11-04") == "swap"


def test_partial_birth_date_compatible_plus_phone_merges(make_case):
    c = make_case(
        persons=[{"id": "Q1", "name": "Rubén Darío Ospina", "birth_date": "1979"},
                 {"id": "Q2", "name": "Ruben Dario Ospina", "birth_date": "1979-05-30"}],
        phones=[{"number": "+573109998877", "person_id": "Q1"},
                {"number": "+57 310 999 8877", "person_id": "Q2"}])
    m = resolve_entities(c)
    # the kept record is the one with more information (the full birth date)
    assert pairs(m) == [("Q2", "Q1")]
    assert "same phone +573109998877" in m["reason"][0]
    assert "agree to the year (1979)" in m["reason"][0]
    # a conflicting partial date blocks the merge despite the shared phone
    c.tables["persons"].loc[0, "birth_date"] = "1978"
    assert resolve_entities(c).empty


def test_near_identical_names_with_same_contacts_merge(make_case):
    # the hijackers_911 pattern: one man spelled two ways, same associates, nothing else
    people = [{"id": "X1", "name": "Tarek Maaroufi"}, {"id": "X2", "name": "Takek Maaroufi"}]
    people += [{"id": f"C{k}", "name": f"Contact {k}"} for k in range(4)]
    links = [{"from_id": x, "to_id": f"C{k}", "type": "associate"} for x in ("X1", "X2")
             for k in range(4)]
    m = resolve_entities(make_case(persons=people, links=links))
    assert pairs(m) == [("X1", "X2")]
    assert "4 reported contacts in common" in m["reason"][0]


# --- near misses that must not merge ----------------------------------------------------
def test_name_only_match_never_merges(make_case):
    c = make_case(persons=[{"id": "N1", "name": "Juan Carlos García", "nationality": ["CO"]},
                           {"id": "N2", "name": "Juan Carlos García", "nationality": ["CO"]},
                           {"id": "N3", "name": "JUAN CARLOS GARCIA", "birth_date": "1980"}])
    assert resolve_entities(c).empty
    # even with corroboration switched off, name + nationality stays below the threshold
    assert resolve_entities(c, settings={"require_corroboration": False}).empty


def test_same_common_name_different_birth_dates_do_not_merge(make_case):
    c = make_case(
        persons=[{"id": "F1", "name": "José García López", "birth_date": "1950-02-01"},
                 {"id": "F2", "name": "José García López", "birth_date": "1978-09-15"}],
        phones=[{"number": "+573001111111", "person_id": "F1"},
                {"number": "+573001111111", "person_id": "F2"}])  # father and son share a phone
    assert resolve_entities(c).empty


def test_same_name_different_passports_same_country_do_not_merge(make_case):
    c = make_case(
        persons=[{"id": "G1", "name": "Luis Miguel Rojas", "birth_date": "1985-06-06"},
                 {"id": "G2", "name": "Luis Miguel Rojas", "birth_date": "1985-06-06"}],
        documents=[{"id": "D1", "holder_id": "G1", "kind": "passport", "number": "AR1111",
                    "issuing_country": "AR"},
                   {"id": "D2", "holder_id": "G2", "kind": "passport", "number": "AR2222",
                    "issuing_country": "AR"}])
    assert resolve_entities(c).empty
    # different issuing countries are no conflict (dual nationals): same name and day merge
    c.tables["documents"].loc[1, "issuing_country"] = "ES"
    assert pairs(resolve_entities(c)) == [("G1", "G2")]


def test_shared_phone_with_different_names_does_not_merge(make_case):
    c = make_case(
        persons=[{"id": "H1", "name": "Ana Torres"}, {"id": "H2", "name": "Luis Torres"}],
        phones=[{"number": "+5491100000", "person_id": "H1"},
                {"number": "+5491100000", "person_id": "H2"}])
    assert resolve_entities(c).empty


def test_oversized_blocks_are_skipped(make_case):
    people = [{"id": f"P{k:02d}", "name": "Ana Torres"} for k in range(6)]
    phones = [{"number": "+1555", "person_id": p["id"]} for p in people]
    c = make_case(persons=people, phones=phones)
    rare = {"common_name_min": 100}   # six records with one name would make it a common name
    assert len(resolve_entities(c, settings=rare)) == 5
    assert resolve_entities(c, settings={**rare, "max_block": 5}).empty
    assert resolve_entities(c).empty


def test_common_names_need_more_than_name_and_birth_date(make_case):
    people = [{"id": f"P{k}", "name": "Juan Pérez", "birth_date": f"19{50 + k}-01-01"}
              for k in range(5)]
    people[1]["birth_date"] = people[0]["birth_date"]
    c = make_case(persons=people)
    m = resolve_entities(c, settings={"common_name_weight": 0.2})
    assert m.empty
    m = resolve_entities(c, settings={"common_name_min": 6})
    assert pairs(m) == [("P0", "P1")]


def test_different_sexes_never_merge(make_case):
    c = make_case(persons=[
        {"id": "A", "name": "Giuseppe Rossi", "birth_date": "1960-04-09", "sex": "M"},
        {"id": "B", "name": "Giuseppe Rossi", "birth_date": "1960-04-09", "sex": "F"}])
    assert resolve_entities(c).empty
    c.tables["persons"]["sex"] = ["M", None]
    assert len(resolve_entities(c)) == 1


def test_threshold_is_a_setting(make_case):
    c = make_case(persons=[{"id": "A1", "name": "Ana Ríos", "birth_date": "1980-07-12"},
                           {"id": "A2", "name": "Ana Rios", "birth_date": "1980-07-12"}])
    assert len(resolve_entities(c)) == 1
    assert resolve_entities(c, settings={"resolve": {"threshold": 1.5}}).empty


# --- clusters and decisions -------------------------------------------------------------
def _chain(make_case):
    return make_case(
        persons=[{"id": "R3", "name": "Camilo Ortiz Vega"},
                 {"id": "R1", "name": "Camilo Ortiz Vega", "birth_date": "1991-12-01",
                  "nationality": ["CO"], "aliases": ["El Flaco"]},
                 {"id": "R2", "name": "C. Ortiz Vega", "birth_date": "1991-12-01"}],
        documents=[{"id": "D1", "holder_id": "R3", "kind": "passport", "number": "PA77",
                    "issuing_country": "CO"},
                   {"id": "D2", "holder_id": "R2", "kind": "passport", "number": "PA77",
                    "issuing_country": "CO"}])


def test_transitive_cluster_keeps_most_informative_record(make_case):
    m = resolve_entities(_chain(make_case))
    assert pairs(m) == [("R1", "R2"), ("R1", "R3")]
    r3 = m[m["merged_id"] == "R3"].iloc[0]
    assert r3["via_id"] == "R2"  # R3 matched R2 (passport), R2 matched R1 (birth date)
    assert "same passport PA77" in r3["reason"]
    assert set(m["decision"]) == {"auto"}


def test_veto_prevents_merge_even_through_a_third_record(make_case):
    dec = pd.DataFrame({"id_a": ["R1"], "id_b": ["R3"], "decision": ["veto"], "note": [None],
                        "_file": "decisions.csv", "_line": [2]})
    m = resolve_entities(_chain(make_case), decisions=dec)
    assert len(m) == 1
    merged = set(zip(m["kept_id"], m["merged_id"]))
    assert ("R1", "R3") not in merged and ("R3", "R1") not in merged


def test_veto_of_strong_pair_and_force_of_weak_pair(make_case, tmp_path):
    c = make_case(persons=[{"id": "A1", "name": "Ana Ríos", "birth_date": "1980-07-12"},
                           {"id": "A2", "name": "Ana Rios", "birth_date": "1980-07-12"},
                           {"id": "Z1", "name": "Pedro Pablo León"},
                           {"id": "Z2", "name": "El Gordo"}])
    f = tmp_path / "decisions.csv"
    f.write_text("id_a,id_b,decision,note\nA2,A1,veto,twins\nZ2,Z1,merge,alias confirmed\n")
    m = resolve_entities(c, decisions=f)
    assert pairs(m) == [("Z1", "Z2")]
    assert m["decision"][0] == "forced"
    assert m["reason"][0].startswith("forced by analyst decision (decisions.csv:3: alias confirmed)")


def test_decision_with_unknown_id_names_file_and_line(make_case, tmp_path):
    c = make_case(persons=[{"id": "A1", "name": "Ana"}, {"id": "A2", "name": "Ana"}])
    f = tmp_path / "decisions.csv"
    f.write_text("id_a,id_b,decision\nA1,A2,veto\nA1,NOPE,merge\n")
    with pytest.raises(UnknownEntityError, match=r"decisions.csv:3: .*'NOPE'"):
        resolve_entities(c, decisions=f)


def test_no_persons_gives_empty_table_with_contract_columns(make_case):
    m = resolve_entities(make_case(persons=[]))
    assert list(m.columns) == MERGE_COLUMNS and m.empty


# --- apply_merges -------------------------------------------------------------------------
def test_apply_merges_folds_records_and_remaps_references(make_case):
    c = make_case(
        persons=[{"id": "P1", "name": "Ana Ríos", "birth_date": "1980", "nationality": ["CO"],
                  "role": "associate"},
                 {"id": "P2", "name": "ANA RIOS", "birth_date": "1980-07-12",
                  "nationality": ["VE"], "aliases": ["La Flaca"], "role": "fugitive",
                  "notice": "red"},
                 {"id": "P3", "name": "Luis"}],
        links=[{"from_id": "P1", "to_id": "P2", "type": "family", "_line": 2},
               {"from_id": "P3", "to_id": "P2", "type": "lodging", "_line": 3}],
        travel=[{"person_id": "P2", "depart": "2024-01-01", "origin": "BOG", "destination": "MAD"}],
        documents=[{"id": "D1", "holder_id": "P2", "number": "X1"}],
        phones=[{"number": "+1", "person_id": "P2"}])
    c.counts = {"links": {"file": "links.csv", "read": 2, "taken": 2, "rejected": 0}}
    before = c.persons.copy()
    m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P2"], "score": [1.2], "reason": ["x"]})
    c2 = apply_merges(c, m)
    # the original is untouched
    pd.testing.assert_frame_equal(c.persons, before)
    assert len(c.links) == 2
    p = c2.persons.set_index("id")
    assert list(p.index) == ["P1", "P3"]
    assert p.loc["P1", "aliases"] == ["ANA RIOS", "La Flaca"]
    assert p.loc["P1", "nationality"] == ["CO", "VE"]
    assert p.loc["P1", "birth_date"] == "1980-07-12"
    assert p.loc["P1", "role"] == "fugitive" and p.loc["P1", "notice"] == "red"
    assert p.loc["P1", "merged_ids"] == ["P2"] and p.loc["P3", "merged_ids"] == []
    assert p.loc["P1", "sources"] == ["persons.csv:2", "persons.csv:3"]
    # references remapped
    assert c2.links[["from_id", "to_id"]].values.tolist() == [["P3", "P1"]]
    assert c2.travel["person_id"].tolist() == ["P1"]
    assert c2.documents["holder_id"].tolist() == ["P1"]
    assert c2.phones["person_id"].tolist() == ["P1"]
    # the family link became a self-link: dropped, but rejected and counted
    rej = c2.rejects
    assert rej[["file", "line"]].values.tolist() == [["links.csv", 2]]
    assert rej["problem"][0] == "self-link after merging person P2 into P1"
    assert c2.counts["links"]["taken"] == 1 and c2.counts["links"]["rejected"] == 1
    assert c2.counts["links"]["dropped_by_merge"] == 1
    assert c.counts["links"]["taken"] == 2
    assert c2.merges is m


def test_apply_merges_without_merges_adds_provenance_columns(make_case):
    c = make_case(persons=[{"id": "P1", "name": "Ana"}])
    c2 = apply_merges(c, resolve_entities(c))
    assert c2.persons["merged_ids"].tolist() == [[]]
    assert c2.persons["sources"].tolist() == [["persons.csv:2"]]
    assert c2 is not c


def test_resolution_can_be_turned_off_in_settings(make_case):
    c = make_case(persons=[{"id": "A1", "name": "Ana Ríos", "birth_date": "1980-07-12"},
                           {"id": "A2", "name": "Ana Rios", "birth_date": "1980-07-12"}])
    assert resolve_entities(c, settings={"resolve": {"enabled": False}}).empty


def test_apply_merges_follows_chains_and_keeps_unmapped_values(make_case):
    c = make_case(persons=[{"id": k, "name": k} for k in ("A", "B", "C", "D")],
                  links=[{"from_id": "C", "to_id": "D", "type": "associate"}])
    m = pd.DataFrame({"kept_id": ["B", "A"], "merged_id": ["C", "B"]})
    c2 = apply_merges(c, m)
    assert c2.persons["id"].tolist() == ["A", "D"]
    assert c2.persons.set_index("id").loc["A", "merged_ids"] == ["B", "C"]
    assert c2.links[["from_id", "to_id"]].values.tolist() == [["A", "D"]]


def test_forced_merge_against_a_veto_through_a_third_record_is_an_error(make_case, tmp_path):
    # issue 14: the merge at line 3 used to be dropped without a word
    c = make_case(persons=[{"id": "K1", "name": "Luis Mora"}, {"id": "K2", "name": "El Zurdo"},
                           {"id": "K3", "name": "Pedro Gil"}])
    f = tmp_path / "decisions.csv"
    f.write_text("id_a,id_b,decision\nK1,K2,merge\nK2,K3,merge\nK1,K3,veto\n")
    with pytest.raises(InputError, match=r"decisions.csv:3:decision: decisions contradict.*"
                                         r"K1 and K3.*veto at decisions.csv:4"):
        resolve_entities(c, decisions=f)


def test_consistent_forced_merges_and_vetoes_still_apply(make_case, tmp_path):
    c = make_case(persons=[{"id": "K1", "name": "Luis Mora"}, {"id": "K2", "name": "El Zurdo"},
                           {"id": "K3", "name": "Pedro Gil"}])
    f = tmp_path / "decisions.csv"
    f.write_text("id_a,id_b,decision\nK1,K2,merge\nK2,K1,merge\nK1,K3,veto\n")
    m = resolve_entities(c, decisions=f)
    assert sorted(zip(m["kept_id"], m["merged_id"])) in ([("K1", "K2")], [("K2", "K1")])


# --- issue 14: bounded input sizes --------------------------------------------------------

def test_aliases_compared_are_bounded_and_the_reason_says_so(make_case, monkeypatch):
    from netanalysis.resolve import compare, entities
    many = [f"Alias Numero{k}" for k in range(400)]
    c = make_case(persons=[{"id": "H1", "name": "Luis Mora", "aliases": many},
                           {"id": "H2", "name": "Pedro Gil", "aliases": [a + "x" for a in many]}],
                  documents=[{"id": "D1", "holder_id": "H1", "kind": "passport", "number": "PZ1",
                              "issuing_country": "CO"},
                             {"id": "D2", "holder_id": "H2", "kind": "passport", "number": "PZ1",
                              "issuing_country": "CO"}])
    calls = []
    real = compare.name_similarity
    monkeypatch.setattr(compare, "name_similarity", lambda a, b: calls.append(1) or real(a, b))
    m = resolve_entities(c, decisions=pd.DataFrame({
        "id_a": ["H1"], "id_b": ["H2"], "decision": ["merge"], "note": [None],
        "_file": "decisions.csv", "_line": [2]}))
    assert len(calls) <= 2 * entities.MAX_COMPARED_NAMES ** 2   # was 401 x 401 per comparison
    assert f"only the first {entities.MAX_COMPARED_NAMES} of the 401 names and aliases of H1" \
        in m["reason"][0]
    # every alias is kept in the merged person
    merged = apply_merges(c, m).persons
    assert len(merged["aliases"][0]) == 400 + 1 + 400   # H1's, H2's name, H2's


def test_many_documents_per_person_still_find_the_shared_one(make_case):
    # the document comparison is now by key lookup, not all documents x all documents
    docs = [{"id": f"A{k}", "holder_id": "H1", "kind": "passport", "number": f"X{k}",
             "issuing_country": "CO"} for k in range(3000)]
    docs += [{"id": f"B{k}", "holder_id": "H2", "kind": "passport", "number": f"Y{k}",
              "issuing_country": "CO"} for k in range(3000)]
    docs.append({"id": "S", "holder_id": "H2", "kind": "passport", "number": "X5",
                 "issuing_country": "CO"})
    c = make_case(persons=[{"id": "H1", "name": "Luis Mora", "birth_date": "1970-01-02"},
                           {"id": "H2", "name": "Luis Mora", "birth_date": "1970-01-02"}],
                  documents=docs)
    m = resolve_entities(c)
    assert len(m) == 1 and "same passport X5 (CO)" in m["reason"][0]
    assert "different passport numbers" not in m["reason"][0]
