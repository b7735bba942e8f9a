import pytest

from netanalysis.analyze.support import SUPPORT_COLUMNS, support_network
from netanalysis.errors import UnknownEntityError


def test_support_network_of_a_fugitive(hub_case):
    df = support_network(hub_case, "F1")
    assert list(df.columns) == SUPPORT_COLUMNS
    recs = df[["supplier", "service", "receiver", "via", "hops"]].to_dict("records")
    assert recs == [
        {"supplier": "FAC", "service": "documents", "receiver": "F1", "via": "F1", "hops": 1},
        {"supplier": "FORGER", "service": "documents", "receiver": "FAC", "via": "FAC > F1", "hops": 2},
    ]
    assert df.loc[0, "grading"] == "B2" and df.loc[0, "confidence"] == pytest.approx(0.64)


def test_hops_limit_and_filters(hub_case):
    assert support_network(hub_case, "F1", hops=1)["supplier"].tolist() == ["FAC"]
    assert support_network(hub_case, "F1", filters={"min_confidence": 0.9}).empty
    f2 = support_network(hub_case, "F2")
    assert set(f2["supplier"]) == {"FAC", "COURIER", "FORGER"}


def test_unknown_fugitive(hub_case):
    with pytest.raises(UnknownEntityError, match="NOPE"):
        support_network(hub_case, "NOPE")
