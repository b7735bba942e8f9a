"""netanalysis.model.filters.check_filters: one check of the shared filters for every caller."""

import pandas as pd
import pytest

from netanalysis.errors import InputError
from netanalysis.model import check_filters, filter_edges
from netanalysis.pipeline import analyze_case


def test_valid_filters_are_normalised():
    f = check_filters({"link_types": ["family", "co_travel"], "min_confidence": "0.5",
                       "since": " 2024-03-05 14:30 ", "until": "2025", "include_inferred": False})
    assert f == {"link_types": ["family", "co_travel"], "min_confidence": 0.5,
                 "since": "2024-03-05T14:30", "until": "2025", "include_inferred": False}
    assert check_filters(None) == {}
    assert check_filters({"link_types": "family, lodging"})["link_types"] == ["family", "lodging"]


@pytest.mark.parametrize("filters,message", [
    ({"since": "2024-13"}, "--since: not a valid date: '2024-13'"),
    ({"until": "2024-02-30"}, "--until: not a valid date: '2024-02-30'"),
    ({"since": "yesterday"}, "--since: not an ISO 8601 date"),
    ({"link_types": ["famly"]}, "--link-types: unknown link type 'famly' (did you mean 'family'?)"),
    ({"link_types": ["lodgin", "family"]}, "did you mean 'lodging'?"),
    ({"link_types": ["bogus"]}, "--link-types: unknown link type 'bogus'; known types: family"),
    ({"min_confidence": 1.5}, "--min-confidence: 1.5 is not between 0 and 1"),
    ({"min_confidence": "high"}, "--min-confidence: not a number"),
    ({"since": "2025", "until": "2024"}, "--since 2025 is after --until 2024"),
    ({"linktypes": ["family"]}, "unknown filter 'linktypes' (did you mean 'link_types'?)"),
])
def test_invalid_filters_name_the_option(filters, message):
    with pytest.raises(InputError) as e:
        check_filters(filters)
    assert message in str(e.value)


def test_filter_edges_checks_its_filters():
    e = pd.DataFrame({"type": ["family"], "confidence": [1.0], "inferred": [False],
                      "start": [None], "end": [None]})
    with pytest.raises(InputError, match="did you mean 'family'"):
        filter_edges(e, link_types=["famly"])  # was: silently no ties at all
    with pytest.raises(InputError, match="--since"):
        filter_edges(e, since="2024-13")  # was: ValueError traceback from datetime
    assert len(filter_edges(e, link_types=["family"], since="2024-01")) == 1


@pytest.mark.parametrize("backend", ["embedded", "neo4j"])
def test_both_backends_check_before_any_work(tmp_path, backend):
    # no case folder and no server are needed: the filters are checked first
    with pytest.raises(InputError, match="unknown link type 'famly'"):
        analyze_case(tmp_path / "no_such_case", tmp_path / "out", backend=backend,
                     filters={"link_types": ["famly"]})
    assert not (tmp_path / "out").exists()
