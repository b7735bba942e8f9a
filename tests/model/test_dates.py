from datetime import datetime

import pytest

from netanalysis.model.dates import date_day, date_interval, normalize_date, overlaps


@pytest.mark.parametrize("text,expected", [
    ("1980", "1980"), ("1980-07", "1980-07"), ("1980-07-05", "1980-07-05"),
    (" 2024-03-05T14:30 ", "2024-03-05T14:30"), ("2024-03-05 14:30:10", "2024-03-05T14:30:10"),
    ("", None), (None, None),
])
def test_normalize_date(text, expected):
    assert normalize_date(text) == expected


@pytest.mark.parametrize("bad", ["05/03/1980", "1980-13", "1980-02-30", "80", "2024-3-5", "yesterday"])
def test_normalize_date_rejects(bad):
    with pytest.raises(ValueError):
        normalize_date(bad)


def test_interval_of_partial_dates():
    assert date_interval("1980") == (datetime(1980, 1, 1), datetime(1980, 12, 31, 23, 59, 59))
    assert date_interval("2023-12")[1] == datetime(2023, 12, 31, 23, 59, 59)
    assert date_interval("2024-03-05T14:30") == (datetime(2024, 3, 5, 14, 30),) * 2
    assert date_interval(None) == (None, None)


def test_overlaps_window():
    assert overlaps("2020-01", "2020-06", since="2020-06-30") is True
    assert overlaps("2020-01", "2020-06", since="2020-07") is False
    assert overlaps("2021", None, until="2020") is False
    assert overlaps(None, "2019", since="2020") is False
    assert overlaps(None, None, since="2020") is None
    assert date_day("2024-03-05T10:00") == "2024-03-05" and date_day("2024-03") is None
