"""Tests of netanalysis.resolve.features and netanalysis.resolve.merge where they were made
faster: per-distinct-value work must give what one record at a time gives."""

import pandas as pd

from netanalysis.model.case import Case
from netanalysis.resolve import apply_merges
from netanalysis.resolve.blocking import normalize_document
from netanalysis.resolve.features import person_features


def _persons(ids, **cols):
    return pd.DataFrame({"id": ids, "name": ["Ana Gómez"] * len(ids), **cols,
                         "_file": "persons.csv", "_line": list(range(2, 2 + len(ids)))})


def test_document_keys_of_equal_values_of_other_types_are_not_shared():
    # 1, 1.0 and True are equal as dict keys; their document keys are not ("1", "10", "TRUE")
    numbers = [1, 1.0, True, "1", 1]
    c = Case(tables={
        "persons": _persons(["P1", "P2"]),
        "documents": pd.DataFrame({"id": [f"D{k}" for k in range(5)], "holder_id": "P1",
                                   "kind": "passport", "number": pd.Series(numbers, dtype=object),
                                   "issuing_country": ["co", "CO", None, "co", "co"],
                                   "_file": "documents.csv", "_line": list(range(2, 7))})})
    f = person_features(c)
    assert f["docs"]["key"].tolist() == [normalize_document(x) for x in numbers] \
        == ["1", "10", "TRUE", "1", "1"]
    assert f["docs"]["country"].tolist() == ["CO", "CO", "", "CO", "CO"]


def test_nationality_lists_and_strings_give_the_same_sets_per_record():
    c = Case(tables={"persons": _persons(
        ["P1", "P2", "P3", "P4"],
        nationality=pd.Series([["CO", "VE"], "CO|VE", ["CO", "VE"], None], dtype=object))})
    f = person_features(c)
    assert f["nat"] == [frozenset({"CO", "VE"})] * 3 + [frozenset()]


def test_repeated_ids_map_documents_phones_and_links_to_the_last_record():
    # ids are unique in a validated case; a hand-built one may repeat them: the documents,
    # phones and links of a repeated id belong to its last record, as with a dict of positions
    c = Case(tables={
        "persons": _persons(["P1", "P2", "P1"]),
        "documents": pd.DataFrame({"id": ["D1", "D2"], "holder_id": ["P1", "P9"],
                                   "kind": "passport", "number": ["A1", "A2"],
                                   "issuing_country": "CO", "_file": "d.csv", "_line": [2, 3]}),
        "phones": pd.DataFrame({"id": ["T1"], "person_id": ["P1"], "number": ["+573001"],
                                "_file": "p.csv", "_line": [2]}),
        "links": pd.DataFrame({"from_id": ["P2", "P1"], "to_id": ["P1", "X"],
                               "type": "associate", "_file": "l.csv", "_line": [2, 3]})})
    f = person_features(c)
    assert f["docs"]["i"].tolist() == [2]            # P9 is no person: not a document here
    assert f["phones"]["i"].tolist() == [2]
    assert f["linked"] == {(1, 2)}
    assert sorted(zip(f["contacts"]["i"], f["contacts"]["node"])) == [(1, "P1"), (2, "P2"),
                                                                      (2, "X")]


def test_apply_merges_touches_only_merged_persons_and_keeps_row_order():
    c = Case(tables={"persons": _persons(
        ["P1", "P2", "P3", "P4"], aliases=[[], ["La Flaca"], [], []],
        birth_date=[None, "1980-03-05", "1970", None],
        nationality=pd.Series([["CO"], ["VE"], ["MX"], ["CO"]], dtype=object),
        role=["associate", "fugitive", "unknown", "unknown"])})
    m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P2"], "score": [1.0], "reason": ["x"]})
    p = apply_merges(c, m).persons
    assert p["id"].tolist() == ["P1", "P3", "P4"]
    kept = p.iloc[0]
    assert kept["aliases"] == ["La Flaca"]            # the same name is not an alias
    assert kept["nationality"] == ["CO", "VE"] and kept["role"] == "fugitive"
    assert kept["birth_date"] == "1980-03-05" and kept["merged_ids"] == ["P2"]
    assert kept["sources"] == ["persons.csv:2", "persons.csv:3"]
    assert p.iloc[1]["sources"] == ["persons.csv:4"] and p.iloc[1]["merged_ids"] == []
    assert p.iloc[2]["nationality"] == ["CO"]
    assert c.tables["persons"]["nationality"][0] == ["CO"]     # the input is not modified
