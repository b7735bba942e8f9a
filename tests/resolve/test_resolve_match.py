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
    assert (tmp_path / "co_rejects.csv").read_text() == "file,line,column,value,problem\n"
    bad = tmp_path / "legs.txt"
    bad.write_text("x")
    r = CliRunner().invoke(main, ["match", str(bad), "--seeds", str(tmp_path / "seeds.txt")])
    assert r.exit_code != 0 and "Traceback" not in r.output


def test_legs_without_a_person_id_are_written_to_a_rejects_ledger(tmp_path):
    rows = [("A", "AV", "85", "2024-03-05", "two\nlines"), ("", "AV", "85", "2024-03-05", "x"),
            ("B", "AV", "85", "2024-03-05", "y"), ("  ", "AV", "86", "2024-03-06", "z"),
            (None, "AV", "87", "2024-03-07", "w")]
    tr = pd.DataFrame(rows, columns=["person_id", "carrier", "flight", "depart", "note"])
    tr.to_csv(tmp_path / "legs.csv", index=False)
    tr.to_parquet(tmp_path / "legs.parquet", index=False)
    # CSV lines as an editor shows them: header 1, the first row's quoted note spans 2-3
    for travel, lines in [(tr, [2, 4, 5]), (tmp_path / "legs.parquet", [2, 4, 5]),
                          (tmp_path / "legs.csv", [4, 6, 7])]:
        out = tmp_path / "rejects.csv"
        match_seeds(travel, ["A"], rejects=out)
        rej = pd.read_csv(out, dtype=str, keep_default_na=False)
        assert list(rej.columns) == ["file", "line", "column", "value", "problem"]
        assert rej["line"].astype(int).tolist() == lines, travel
        assert set(rej["column"]) == {"person_id"}
        assert set(rej["problem"]) == {"missing person id"}
        # rows in = rows taken + rows rejected (2 taken)
        assert len(tr) == 2 + len(rej)
    assert rej["file"][0] == str(tmp_path / "legs.csv")
    match_seeds(tr.iloc[[0, 2]], ["A"], rejects=out)
    assert out.read_text() == "file,line,column,value,problem\n"
