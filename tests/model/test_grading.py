import pytest

from netanalysis.model.grading import grading_confidence, is_valid_grading, parse_grading


@pytest.mark.parametrize("text,expected", [("A1", 1.0), ("b2", 0.64), ("F6", 0.25), ("", 0.25),
                                           (None, 0.25), ("E5", 0.04), ("C3", 0.36)])
def test_grading_confidence(text, expected):
    assert grading_confidence(text) == pytest.approx(expected)


def test_confidence_orders_gradings():
    assert grading_confidence("A1") > grading_confidence("B2") > grading_confidence("F6") > \
        grading_confidence("E5")


@pytest.mark.parametrize("bad", ["G1", "A7", "AA", "1A", "B 2 3", "x"])
def test_parse_grading_rejects(bad):
    assert not is_valid_grading(bad)
    with pytest.raises(ValueError, match="Admiralty"):
        parse_grading(bad)
