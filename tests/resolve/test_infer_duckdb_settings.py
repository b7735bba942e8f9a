"""Issue 14 (severe): DuckDB settings of inference reach DuckDB as values, never as SQL."""

import pytest

from netanalysis.errors import InputError
from netanalysis.resolve.infer import co_travel_links

PAYLOAD = "1GB'; COPY (SELECT 1) TO '{}'; --"


def _case(make_case):
    rows = []
    for day in ("2024-03-05", "2024-04-01"):
        for p in ("A", "B"):
            rows.append({"person_id": p, "depart": day, "origin": "BOG", "destination": "MAD",
                         "carrier": "AV", "flight": "85"})
    return make_case(travel=rows)


def test_memory_limit_payload_writes_no_file_and_names_the_key(make_case, tmp_path):
    target = tmp_path / "x"
    # refused by the typed settings (a Size) before DuckDB is reached; infer.py's own check
    # (_duckdb_size) is the second line and says "must be a size"
    with pytest.raises(InputError, match=r"infer\.co_travel\.memory_limit"):
        co_travel_links(_case(make_case),
                        settings={"co_travel": {"memory_limit": PAYLOAD.format(target)}})
    assert not target.exists()


def test_temp_directory_with_quotes_is_a_path_not_sql(make_case, tmp_path):
    target = tmp_path / "y"
    odd = tmp_path / ("tmp'; COPY (SELECT 1) TO '" + str(target) + "'; --")
    odd.mkdir(parents=True)
    with pytest.raises(InputError, match=r"infer\.co_travel\.temp_directory"):
        co_travel_links(_case(make_case), settings={"co_travel": {"temp_directory": str(odd)}})
    assert not target.exists()


@pytest.mark.parametrize("value", ["2GB", "512 MB", "1.5GiB"])
def test_valid_sizes_run(make_case, value):
    co_travel_links(_case(make_case), settings={"co_travel": {"memory_limit": value}})


@pytest.mark.parametrize("value", ["lots", "-1GB", True, [1], 10_000_000])
def test_invalid_sizes_are_clear_errors(make_case, value):
    with pytest.raises(InputError, match="infer.co_travel.memory_limit"):
        co_travel_links(_case(make_case), settings={"co_travel": {"memory_limit": value}})
