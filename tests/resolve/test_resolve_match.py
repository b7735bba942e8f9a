"""Tests of seeded matching: netanalysis.resolve.infer.match_seeds and ``netanalysis match``."""

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.cli import main
from netanalysis.errors import InputError
from netanalysis.model.case import Case
from netanalysis.resolve.infer import co_travel_links, match_seeds
from netanalysis.synth.cotravel import cotravel_case


@pytest.fixture(scope="module")
def legs():
    tr, persons, truth = cotravel_case(600, n_companions=15, seed=2, journey_size=(3, 10),
                                       legs_per_person=(3, 8), shared_journeys=(3, 5))
    return tr, persons, truth


def _wanted(persons):
    return sorted(persons.loc[persons["wanted_by"].map(len) > 0, "id"])


def test_match_gives_the_ties_of_co_travel_links_seeded(legs, tmp_path):
    tr, persons, truth = legs
    ref = co_travel_links(Case(tables={"travel": tr, "persons": persons}),
                          settings={"seed": "wanted"})
    assert len(ref) >= 5
    got = match_seeds(tr, _wanted(persons))
    pd.testing.assert_frame_equal(got, ref)
    # from files, read by DuckDB: the same ties
    tr.to_csv(tmp_path / "legs.csv", index=False)
    tr.to_parquet(tmp_path / "legs.parquet", index=False)
    (tmp_path / "seeds.txt").write_text("\n".join(_wanted(persons)) + "\n")
    pd.DataFrame({"person_id": _wanted(persons)}).to_csv(tmp_path / "seeds.csv", index=False)
    for travel, seeds in [("legs.csv", "seeds.txt"), ("legs.parquet", "seeds.csv")]:
        got = match_seeds(tmp_path / travel, tmp_path / seeds)
        pd.testing.assert_frame_equal(got, ref)


def test_full_journeys_are_pruned_but_a_shared_booking_still_counts():
    rows = []
    for k in range(3):      # A and B share three journeys of 30; max_passengers 20 prunes them
        rows += [{"person_id": p, "flight": str(k), "depart": "2024-03-01", "carrier": "XX",
                  "booking_ref": "BK1" if p in "AB" else None}
                 for p in ["A", "B"] + [f"F{k}_{i}" for i in range(28)]]
    rows += [{"person_id": f"Z{i}", "flight": str(100 + i // 4), "depart": "2024-05-01",
              "carrier": "XX", "booking_ref": None} for i in range(400)]
    tr = pd.DataFrame(rows)
    small = {"co_travel": {"max_passengers": 20}}
    t = match_seeds(tr, ["A"], settings=small)
    assert t[["from_id", "to_id"]].values.tolist() == [["A", "B"]]
    assert t["evidence"][0].startswith("shared booking BK1;")
    assert match_seeds(tr.assign(booking_ref=None), ["A"], settings=small).empty


def test_match_errors_name_the_file(tmp_path):
    with pytest.raises(InputError, match="travel table not found"):
        match_seeds(tmp_path / "nope.csv", ["A"])
    (tmp_path / "legs.txt").write_text("x")
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        match_seeds(tmp_path / "legs.txt", ["A"])
    (tmp_path / "legs.csv").write_text("person_id,depart\nA,2024-01-01\n")
    with pytest.raises(InputError, match="lacks the column.*flight"):
        match_seeds(tmp_path / "legs.csv", ["A"])
    (tmp_path / "seeds.txt").write_text("\n")
    with pytest.raises(InputError, match="no person id"):
        match_seeds(pd.DataFrame({"person_id": ["A"], "flight": ["1"], "depart": ["2024-01-01"]}),
                    tmp_path / "seeds.txt")


def test_cli_match_writes_the_co_travellers(legs, tmp_path):
    tr, persons, _ = legs
    tr.to_parquet(tmp_path / "legs.parquet", index=False)
    (tmp_path / "seeds.txt").write_text("\n".join(_wanted(persons)))
    out = tmp_path / "co.csv"
    r = CliRunner().invoke(main, ["match", str(tmp_path / "legs.parquet"), "--seeds",
                                  str(tmp_path / "seeds.txt"), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out, dtype=str)
    ref = match_seeds(tr, _wanted(persons))
    assert got[["from_id", "to_id"]].values.tolist() == ref[["from_id", "to_id"]].values.tolist()
    assert f"{len(ref):,} co-travellers" in r.output
    bad = tmp_path / "legs.txt"
    bad.write_text("x")
    r = CliRunner().invoke(main, ["match", str(bad), "--seeds", str(tmp_path / "seeds.txt")])
    assert r.exit_code != 0 and "Traceback" not in r.output
