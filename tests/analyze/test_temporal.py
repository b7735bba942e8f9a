import pandas as pd
import pytest

from netanalysis.analyze.temporal import diff_windows, parse_window, snapshot, snapshots, time_windows
from netanalysis.errors import InputError
from tests.analyze.conftest import make_case


@pytest.fixture
def timed_case():
    persons = [{"id": x, "name": x} for x in "ABCDEF"]
    links = [
        {"from_id": "A", "to_id": "B", "type": "communication", "start": "2022-01", "end": "2022-05"},
        {"from_id": "A", "to_id": "C", "type": "communication", "start": "2022-02", "end": "2022-06"},
        {"from_id": "A", "to_id": "D", "type": "communication", "start": "2022-03", "end": "2022-04"},
        {"from_id": "E", "to_id": "B", "type": "communication", "start": "2022-08"},
        {"from_id": "E", "to_id": "C", "type": "communication", "start": "2022-09"},
        {"from_id": "E", "to_id": "F", "type": "communication", "start": "2022-10"},
        {"from_id": "A", "to_id": "F", "type": "family"},  # undated
    ]
    c = make_case(persons, links)
    c.tables["travel"] = pd.DataFrame({"person_id": ["F"], "depart": ["2022-11-02"],
                                       "origin": ["BOG"], "destination": ["MAD"], "_line": [2]})
    return c


def test_windows(timed_case):
    assert parse_window("2w") == pd.DateOffset(weeks=2)
    with pytest.raises(InputError):
        parse_window("six months")
    assert time_windows(timed_case, "6M") == [("2022-01-01", "2022-06-30"),
                                               ("2022-07-01", "2022-12-31")]


def test_snapshot_and_undated(timed_case):
    s = snapshot(timed_case, "2022-01-01", "2022-06-30")
    assert s.loc[0, "id"] == "A" and set(s["id"]) == {"A", "B", "C", "D"}
    s2 = snapshot(timed_case, "2022-01-01", "2022-06-30", keep_undated=True)
    assert "F" in set(s2["id"])
    s3 = snapshot(timed_case, "2022-07-01", "2022-12-31")
    assert s3.set_index("id").loc["F", "travels"] == 1


def test_snapshots_table(timed_case):
    t = snapshots(timed_case, "6M")
    assert t["top"].tolist() == ["A|B|C", "E|B|C"]
    assert t["ties"].tolist() == [3, 3] and t["travellers"].tolist() == [0, 1]


def test_diff(timed_case):
    d = diff_windows(timed_case, ("2022-01", "2022-06"), ("2022-07", "2022-12"), top=1)
    ch = dict(zip(d["id"], d["change"]))
    assert ch["E"] == "joined" and ch["A"] == "left" and ch["D"] == "left"
    assert ch["F"] == "joined"
