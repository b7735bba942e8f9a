import pandas as pd
import pytest

from netanalysis.model.grading import (
    admiralty_equivalent,
    grading_confidence,
    grading_system,
    is_valid_grading,
    parse_grading,
)
from netanalysis.model.vocab import case_schema


@pytest.mark.parametrize("text,expected", [("A1", 1.0), ("b2", 0.64), ("F6", 0.25), ("", 0.25),
                                           (None, 0.25), ("E5", 0.04), ("C3", 0.36)])
def test_grading_confidence(text, expected):
    assert grading_confidence(text) == pytest.approx(expected)


def test_confidence_orders_gradings():
    assert grading_confidence("A1") > grading_confidence("B2") > grading_confidence("F6") > \
        grading_confidence("E5")


@pytest.mark.parametrize("bad", ["G1", "A7", "AA", "1A", "B 2 6", "F/2/1", "4/A/P", "1/A/X",
                                 "1/F/P", "x"])
def test_parse_grading_rejects(bad):
    assert not is_valid_grading(bad)
    with pytest.raises(ValueError, match="Admiralty.*5x5x5.*3x5x2"):
        parse_grading(bad)


@pytest.mark.parametrize("text,canonical,system,confidence", [
    ("B/2/1", "B/2/1", "uk_5x5x5", 0.64), ("b21", "B/2/1", "uk_5x5x5", 0.64),
    ("E-4-3", "E/4/3", "uk_5x5x5", 0.25), ("D 5 1", "D/5/1", "uk_5x5x5", 0.06),
    ("1/A/P", "1/A/P", "uk_3x5x2", 0.9), ("3ec", "3/E/C", "uk_3x5x2", 0.06),
    ("2 / D / C", "2/D/C", "uk_3x5x2", 0.25), ("C3", "C3", "admiralty", 0.36),
])
def test_uk_gradings(text, canonical, system, confidence):
    assert parse_grading(text) == canonical
    assert grading_system(text) == system
    assert grading_confidence(text) == pytest.approx(confidence)


def test_handling_code_does_not_change_confidence():
    assert grading_confidence("B/2/1") == grading_confidence("B/2/5")
    assert grading_confidence("1/B/P") == grading_confidence("1/B/C")


def test_declared_mappings_cover_every_code():
    systems = case_schema()["grading"]["systems"]
    assert set(systems["uk_5x5x5"]["source"]) == set("ABCDE")
    assert set(systems["uk_5x5x5"]["intelligence"]) == set("12345")
    assert set(systems["uk_3x5x2"]["source"]) == set("123")
    assert set(systems["uk_3x5x2"]["intelligence"]) == set("ABCDE")
    for s in systems.values():
        for table in (s["source"], s["intelligence"]):
            assert all(0.0 <= v <= 1.0 for v in table.values())
    # the better the source, the higher the confidence, in each system
    assert grading_confidence("A/1/1") > grading_confidence("C/1/1") > grading_confidence("D/1/1")
    assert grading_confidence("1/A/P") > grading_confidence("2/A/P") > grading_confidence("3/A/P")


def test_admiralty_equivalent():
    assert admiralty_equivalent("A/1/1") == "A1"
    assert admiralty_equivalent("1/B/P") == "B2"  # 0.9 ties A and B: the lower, B
    assert admiralty_equivalent("E/4/2") == "F6"  # untested, cannot be judged
    assert admiralty_equivalent("3/E/C") == "E5"  # 0.3 ties D and E: the lower, E


def test_ingest_accepts_uk_gradings(tmp_path):
    from netanalysis.ingest import load_case

    (tmp_path / "persons.csv").write_text("id,name\nP1,Ana\nP2,Luis\nP3,Eva\n", "utf-8")
    (tmp_path / "links.csv").write_text(
        "from_id,to_id,type,grading\nP1,P2,family,b21\nP2,P3,associate,1/A/P\n"
        "P1,P3,associate,9/Z/Q\n", "utf-8")
    case = load_case(tmp_path)
    links = case.tables["links"]
    assert links["grading"].tolist() == ["B/2/1", "1/A/P"]
    assert case.rejects[["file", "line", "column"]].values.tolist() == [["links.csv", 4, "grading"]]
    from netanalysis.model import party_edges

    conf = party_edges(case)["confidence"].tolist()
    assert conf == pytest.approx([0.64, 0.9])
    assert isinstance(links, pd.DataFrame)
