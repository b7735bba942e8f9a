"""Tests of the synthetic case generator (netanalysis.synth) and the ``synth`` command."""

from __future__ import annotations

import csv
import filecmp
import json
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.errors import NetanalysisError
from netanalysis.model.dates import normalize_date
from netanalysis.model.vocab import FILE_KINDS, file_columns
from netanalysis.synth import TRUTH_FILES, synth_case
from netanalysis.synth.dirty import CORRUPTIONS
from netanalysis.synth.names import VARIANT_KINDS, name_variant
from netanalysis.synth.places import AIRPORTS

#: Columns the generator adds beyond the schema (kept as properties by the reader).
EXTRA_COLUMNS = {"persons": {"sex", "provenance"}, "documents": {"name_on_document"}}


def _read(folder, kind):
    return pd.read_csv(folder / f"{kind}.csv", dtype=str, keep_default_na=False)


def _truth(folder, name):
    return pd.read_csv(folder / "truth" / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def case2k(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth2k")
    summary = synth_case(out, persons=2000, seed=11)
    return out, summary


@pytest.fixture(scope="module")
def tables(case2k):
    out, _ = case2k
    return {k: _read(out, k) for k in FILE_KINDS}


# ---------------------------------------------------------------- determinism
def test_same_seed_writes_byte_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synth_case(a, persons=300, seed=5)
    synth_case(b, persons=300, seed=5)
    synth_case(c, persons=300, seed=6)
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(names) == len(FILE_KINDS) + len(TRUTH_FILES)
    for rel in names:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), f"{rel} differs for the same seed"
    assert not filecmp.cmp(a / "persons.csv", c / "persons.csv", shallow=False)


def test_example_case_is_the_generator_output(example_case, tmp_path):
    synth_case(tmp_path, persons=400, seed=7)
    generated = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in generated:
        assert (example_case / rel).is_file(), f"examples/case/{rel} is missing"
        assert filecmp.cmp(example_case / rel, tmp_path / rel, shallow=False), (
            f"examples/case/{rel} differs from synth_case(persons=400, seed=7): regenerate it with "
            "`netanalysis synth --out examples/case --persons 400 --seed 7`")
    assert (example_case / "README.md").read_text("utf-8").count("fictional") >= 1


# ---------------------------------------------------------------- sizes, columns
@pytest.mark.parametrize("n", [100, 137, 1000])
def test_persons_rows_equal_the_requested_size(tmp_path, n):
    s = synth_case(tmp_path, persons=n, seed=1)
    assert s["rows"]["persons"] == n
    assert len(_read(tmp_path, "persons")) == n
    assert s["fugitives"] >= 4 and s["cells"] >= 2 and s["multi_fugitive_facilitators"] >= 1


def test_sizes_and_ratios(case2k, tables):
    _, s = case2k
    p = tables["persons"]
    fug = (p["role"] == "fugitive") & ~p["id"].str.startswith("ES-")
    assert 0.01 * 2000 <= fug.sum() <= 0.02 * 2000
    assert s["fugitives"] == fug.sum()
    assert p["id"].str.startswith("ES-").sum() == s["duplicates"] + round(0.005 * 2000)
    assert s["duplicates"] == 60
    assert 0.6 < (p["role"].isin(["unknown", "associate"])).mean() < 0.99
    assert s["rows"]["links"] > 2 * 2000 and s["rows"]["travel"] > 0.3 * 2000
    assert s["rows"]["calls"] > 1000 and s["rows"]["documents"] > 2000 * 0.8
    for kind in FILE_KINDS:
        assert s["rows"][kind] == len(tables[kind]), kind
    summary = json.loads((case2k[0] / "truth" / "summary.json").read_text("utf-8"))
    assert summary["rows"] == s["rows"]


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_columns_match_the_schema(case2k, kind):
    out, _ = case2k
    with open(out / f"{kind}.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    declared = list(file_columns(kind))
    assert header[:len(declared)] == declared
    assert set(header[len(declared):]) == EXTRA_COLUMNS.get(kind, set())


def test_values_are_valid_for_their_types(tables):
    for kind in FILE_KINDS:
        t = tables[kind]
        for col, spec in file_columns(kind).items():
            v = t[col]
            if spec.get("required"):
                assert (v != "").all(), f"{kind}.{col} has empty required values"
            if spec["type"] == "enum":
                allowed = set(spec["values"]) | {""}
                assert set(v) <= allowed, f"{kind}.{col}: {set(v) - allowed}"
            if spec["type"] == "date":
                for x in v[v != ""].unique():
                    assert normalize_date(x) == x, f"{kind}.{col}: {x!r}"
            if spec["type"] == "grading":
                assert v.str.fullmatch(r"([A-F][1-6])?").all()
            if spec["type"] in ("country", "countries"):
                assert v.str.fullmatch(r"([A-Z]{2}(\|[A-Z]{2})*)?").all(), f"{kind}.{col}"
            if spec["type"] == "number":
                assert pd.to_numeric(v[v != ""]).notna().all()
            if spec["type"] == "place":
                ok = v.isin(list(AIRPORTS)) | v.str.fullmatch(r"[^,]+, [A-Z]{2}")
                assert ok.all(), f"{kind}.{col}: {set(v[~ok])}"


def test_phone_numbers_are_valid_e164(tables):
    phonenumbers = pytest.importorskip("phonenumbers")
    nums = pd.concat([tables["phones"]["number"], tables["calls"]["caller"],
                      tables["calls"]["callee"]]).unique()
    assert all(n.startswith("+") for n in nums)
    bad = [n for n in nums[:3000] if not phonenumbers.is_valid_number(phonenumbers.parse(n))]
    assert bad == []


def test_names_carry_accents_and_two_surnames(tables):
    names = tables["persons"]["name"]
    assert names.str.contains("[áéíóúñÁÉÍÓÚÑçã]").mean() > 0.3
    co = tables["persons"][tables["persons"]["nationality"].str.startswith("CO")]
    assert (co["name"].str.split().str.len() >= 3).mean() > 0.9


# ---------------------------------------------------------------- integrity
def test_every_reference_exists(tables):
    persons = set(tables["persons"]["id"])
    parties = persons | set(tables["organizations"]["id"])
    assert tables["persons"]["id"].is_unique and tables["documents"]["id"].is_unique
    assert tables["organizations"]["id"].is_unique
    links = tables["links"]
    assert set(links["from_id"]) <= parties and set(links["to_id"]) <= parties
    assert (links["from_id"] != links["to_id"]).all()
    assert set(tables["travel"]["person_id"]) <= persons
    assert set(tables["travel"]["document_id"]) - {""} <= set(tables["documents"]["id"])
    assert set(tables["documents"]["holder_id"]) <= persons
    assert set(tables["phones"]["person_id"]) <= persons


def test_documents_used_for_travel_belong_to_the_traveller(tables):
    tr = tables["travel"].merge(tables["documents"], left_on="document_id", right_on="id")
    assert len(tr) == len(tables["travel"])
    assert (tr["person_id"] == tr["holder_id"]).all()


def test_no_duplicate_links_and_one_row_per_person_and_journey(tables):
    links = tables["links"]
    assert not links.duplicated(["from_id", "to_id", "type"]).any()
    tr = tables["travel"]
    air = tr[tr["flight"] != ""]
    assert not air.duplicated(["person_id", "carrier", "flight", tr["depart"].str[:10].name]).any()


def test_journeys_are_consistent(tables):
    """One flight number on one day is one journey: same route, same times."""
    tr = tables["travel"]
    air = tr[tr["mode"] == "air"].assign(day=lambda d: d["depart"].str[:10])
    per = air.groupby(["carrier", "flight", "day"])[["origin", "destination", "depart", "arrive"]].nunique()
    assert (per == 1).all().all()
    assert (air["arrive"] > air["depart"]).all()
    assert air.groupby(["carrier", "flight", "day"]).size().max() <= 300
    assert tr["booking_ref"][tr["mode"] == "air"].str.fullmatch(r"[A-Z2-9]{6}").all()
    assert set(tr["mode"]) >= {"air"} and (tr["mode"] == "air").mean() > 0.7


# ---------------------------------------------------------------- planted truth
def test_planted_duplicates_are_present(case2k, tables):
    out, _ = case2k
    dup = _truth(out, "duplicates.csv")
    persons = tables["persons"].set_index("id")
    assert len(dup) == 60 and (dup["kind"] == "planted_duplicate").all()
    assert dup["id_b"].str.startswith("ES-").all() and dup["id_a"].str.startswith("P").all()
    assert (persons.loc[dup["id_b"], "provenance"] == "Guardia Civil").all()
    assert (persons.loc[dup["id_a"], "name"].to_numpy() != persons.loc[dup["id_b"], "name"].to_numpy()).all()
    assert set(dup["variant"]) <= set(VARIANT_KINDS) and dup["variant"].nunique() >= 5
    docs = tables["documents"]
    for _, r in dup[dup["shared_passport"] == "True"].iterrows():
        a = set(docs.loc[docs["holder_id"] == r["id_a"], "number"])
        b = set(docs.loc[docs["holder_id"] == r["id_b"], "number"])
        assert a & b, r.to_dict()
    ph = tables["phones"]
    for _, r in dup[dup["shared_phone"] == "True"].iterrows():
        assert set(ph.loc[ph["person_id"] == r["id_a"], "number"]) & set(
            ph.loc[ph["person_id"] == r["id_b"], "number"])
    # fugitives are among the repeated people
    assert (persons.loc[dup["id_a"], "role"] == "fugitive").sum() >= 5
    # numbers are unique except where a duplicate shares them on purpose
    n_shared = (dup["shared_passport"] == "True").sum()
    assert docs.duplicated(["number", "issuing_country"]).sum() == n_shared


def test_near_misses_are_different_people_with_the_same_name(case2k, tables):
    out, _ = case2k
    nm = _truth(out, "near_misses.csv")
    persons = tables["persons"].set_index("id")
    assert len(nm) >= 4 and set(nm["kind"]) >= {"same_common_name", "fugitive_namesake"}
    assert (persons.loc[nm["id_a"], "name"].to_numpy() == persons.loc[nm["id_b"], "name"].to_numpy()).all()
    assert (nm["birth_a"].str[:4] != nm["birth_b"].str[:4]).all()
    dup = _truth(out, "duplicates.csv")
    pairs = set(zip(dup["id_a"], dup["id_b"]))
    assert not any((a, b) in pairs or (b, a) in pairs for a, b in zip(nm["id_a"], nm["id_b"]))


def test_hidden_companions_share_journeys_but_no_stated_tie(case2k, tables):
    out, _ = case2k
    co = _truth(out, "co_travel.csv")
    hidden = co[co["kind"] == "hidden_companion"]
    assert len(hidden) >= 3
    tr = tables["travel"].assign(j=lambda d: d["carrier"] + d["flight"] + "|" + d["depart"].str[:10])
    tr = tr[tr["flight"] != ""]
    links = tables["links"]
    stated = set(zip(links["from_id"], links["to_id"])) | set(zip(links["to_id"], links["from_id"]))
    ph = tables["phones"]
    calls = tables["calls"]
    persons = tables["persons"].set_index("id")
    for _, r in co.iterrows():
        a, b = r["id_a"], r["id_b"]
        assert persons.loc[a, "role"] == "fugitive"
        ja = set(tr.loc[tr["person_id"] == a, "j"])
        jb = set(tr.loc[tr["person_id"] == b, "j"])
        ba = set(tr.loc[tr["person_id"] == a, "booking_ref"]) - {""}
        bb = set(tr.loc[tr["person_id"] == b, "booking_ref"]) - {""}
        assert len(ja & jb) >= 2 or ba & bb, r.to_dict()
        assert len(ja & jb) == int(r["shared_legs"])
        if r["kind"] == "hidden_companion":
            assert (a, b) not in stated
            na = set(ph.loc[ph["person_id"] == a, "number"])
            nb = set(ph.loc[ph["person_id"] == b, "number"])
            between = (calls["caller"].isin(na) & calls["callee"].isin(nb)) | (
                calls["caller"].isin(nb) & calls["callee"].isin(na))
            assert not between.any()
        else:
            assert (a, b) in stated


def test_facilitators_serve_fugitives_through_support_links(case2k, tables):
    out, s = case2k
    fac = _truth(out, "facilitators.csv")
    links = tables["links"]
    support = links[links["type"].isin(["documents", "transport", "lodging", "financial"])]
    supplied = set(zip(support["from_id"], support["to_id"]))
    for _, r in fac.iterrows():
        for g in filter(None, r["fugitives_direct"].split("|")):
            assert (r["id"], g) in supplied
        for g in filter(None, r["fugitives_indirect"].split("|")):
            mids = {t for f, t in supplied if f == r["id"]}
            assert any((m, g) in supplied for m in mids), (r["id"], g)
    multi = fac[fac["multi_fugitive"] == "True"]
    assert len(multi) == s["multi_fugitive_facilitators"] >= 3
    assert (multi["n_fugitives"].astype(int) >= 2).all()
    assert (fac["broker"] == "True").sum() == s["brokers"] >= 1
    assert (fac["fugitives_indirect"] != "").any()
    persons = tables["persons"].set_index("id")
    assert (persons.loc[fac["id"], "role"] == "facilitator").mean() > 0.5
    groups = _truth(out, "groups.csv")
    assert set(fac["id"]) <= set(groups["id"]) and groups["cell"].nunique() == s["cells"]


def test_popular_hubs_support_nobody_and_outnumber_facilitators_in_ties(case2k, tables):
    out, _ = case2k
    hubs = _truth(out, "hubs.csv")
    fac = _truth(out, "facilitators.csv")
    links = tables["links"]
    support = links[links["type"].isin(["documents", "transport", "lodging", "financial"])]
    assert not set(hubs["id"]) & set(support["from_id"])
    deg = pd.concat([links["from_id"], links["to_id"]]).value_counts()
    assert deg[hubs["id"].iloc[0]] > fac["degree"].astype(int).max()


def test_fraudulent_documents_come_from_document_suppliers(case2k, tables):
    out, _ = case2k
    fd = _truth(out, "fraudulent_documents.csv")
    docs = tables["documents"].set_index("id")
    links = tables["links"]
    dl = set(zip(links.loc[links["type"] == "documents", "from_id"],
                 links.loc[links["type"] == "documents", "to_id"]))
    assert len(fd) >= 3
    assert (docs.loc[fd["document_id"], "status"] == "fraudulent").all()
    assert (docs.loc[fd["document_id"], "holder_id"].to_numpy() == fd["holder_id"].to_numpy()).all()
    assert all((s, h) in dl for s, h in zip(fd["supplier_id"], fd["holder_id"]))
    assert (docs["status"] == "fraudulent").sum() == len(fd)


# ---------------------------------------------------------------- names
def test_name_variants():
    g, s1, s2 = "José Luis", "Muñoz", "Peña"
    out = {k: name_variant(g, s1, s2, k) for k in VARIANT_KINDS}
    assert out["accents_dropped"] == "Jose Luis Munoz Pena"
    assert out["second_surname_dropped"] == "José Luis Muñoz"
    assert out["upper_case"] == "JOSÉ LUIS MUÑOZ PEÑA"
    assert out["transliteration"] == "José Luis Munyoz Penya"
    assert len(set(out.values())) == len(VARIANT_KINDS)
    with pytest.raises(ValueError):
        name_variant(g, s1, s2, "nope")


# ---------------------------------------------------------------- dirty
def test_dirty_rows_are_listed_with_their_lines(tmp_path):
    s = synth_case(tmp_path, persons=500, seed=2, dirty=0.02)
    pe = _truth(tmp_path, "planted_errors.csv")
    assert s["planted_errors"] == len(pe) > 0
    assert set(pe["file"]) == {f"{k}.csv" for k in FILE_KINDS}
    known = {(k + ".csv", c, v) for k, lst in CORRUPTIONS.items() for c, v, _ in lst}
    for _, r in pe.iterrows():
        with open(tmp_path / r["file"], encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, row = rows[0], rows[int(r["line"]) - 1]
        assert row[header.index(r["column"])] == r["value"]
        assert (r["file"], r["column"], r["value"]) in known or r["problem"] in (
            "duplicate id", "self-link")


def test_clean_case_has_no_planted_errors(case2k):
    out, s = case2k
    assert s["planted_errors"] == 0 and len(_truth(out, "planted_errors.csv")) == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"persons": 99}, "persons must be a whole number from 100"),
    ({"persons": 1_000_001}, "persons must be a whole number from 100"),
    ({"persons": 500.0}, "persons must be a whole number"),
    ({"persons": 500, "dirty": 0.9}, "dirty must be a fraction"),
])
def test_bad_arguments_are_refused(tmp_path, kwargs, message):
    with pytest.raises(NetanalysisError, match=message):
        synth_case(tmp_path, **kwargs)


# ---------------------------------------------------------------- reader
def test_example_case_loads_with_zero_rejects(example_case):
    load_case = pytest.importorskip("netanalysis.ingest").load_case
    case = load_case(example_case)
    assert len(case.rejects) == 0
    assert case.counts["persons"]["taken"] == 400


def test_2000_person_case_loads_with_zero_rejects(case2k, tables):
    load_case = pytest.importorskip("netanalysis.ingest").load_case
    out, s = case2k
    case = load_case(out)
    assert len(case.rejects) == 0
    for kind in FILE_KINDS:
        assert case.counts[kind]["taken"] == s["rows"][kind], kind
    # accents survive the round trip
    assert set(case.persons["name"]) == set(tables["persons"]["name"])


def test_every_planted_error_is_rejected(tmp_path):
    load_case = pytest.importorskip("netanalysis.ingest").load_case
    synth_case(tmp_path, persons=1000, seed=4, dirty=0.01)
    pe = _truth(tmp_path, "planted_errors.csv")
    case = load_case(tmp_path)
    rejected = set(zip(case.rejects["file"], case.rejects["line"].astype(int)))
    missed = [(f, int(x)) for f, x in zip(pe["file"], pe["line"]) if (f, int(x)) not in rejected]
    assert missed == []
    for _kind, c in case.counts.items():
        assert c["read"] == c["taken"] + c["rejected"]


# ---------------------------------------------------------------- CLI
def test_cli_writes_a_case(tmp_path):
    from netanalysis.cli import main
    import netanalysis.cli.synth  # noqa: F401  (registers the command until cli/__init__ does)

    res = CliRunner().invoke(main, ["synth", "--out", str(tmp_path / "c"), "--persons", "200",
                                    "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert f"wrote a synthetic case to {tmp_path / 'c'}: persons 200," in res.output
    assert "synth: writing travel: done in" in res.stderr
    assert (tmp_path / "c" / "truth" / "duplicates.csv").is_file()
    res = CliRunner().invoke(main, ["synth", "--out", str(tmp_path / "q"), "--persons", "150", "-q"])
    assert res.exit_code == 0 and res.stderr == ""
    assert re.search(r"planted: \d+ fugitives", res.output)


def test_cli_dirty_and_bad_options(tmp_path):
    from netanalysis.cli import main
    import netanalysis.cli.synth  # noqa: F401

    res = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--persons", "300",
                                    "--dirty", "0.01", "-q"])
    assert res.exit_code == 0 and "corrupted rows" in res.output
    res = CliRunner().invoke(main, ["synth", "--out", str(tmp_path), "--persons", "50"])
    assert res.exit_code == 2
    assert "50 is not in the range 100<=x<=1000000" in res.output
    res = CliRunner().invoke(main, ["synth", "--persons", "500"])
    assert res.exit_code == 2 and "Missing option '--out'" in res.output
    res = CliRunner().invoke(main, ["synth", "--help"])
    assert res.exit_code == 0 and "Examples:" in res.output


@pytest.mark.slow
def test_busy_flights_and_quiet_ones_at_20k_persons(tmp_path):
    """At 20,000 persons some journeys carry 50+ people, most only a few (speed: benchmarks/synth.py)."""
    s = synth_case(tmp_path, persons=20_000, seed=9)
    assert s["rows"]["persons"] == 20_000
    assert all(v > 0 for v in s["rows"].values())
    tr = _read(tmp_path, "travel")
    load = tr[tr["flight"] != ""].groupby(["carrier", "flight", tr["depart"].str[:10]]).size()
    assert load.max() >= 50  # busy flights exist
    assert np.median(load) < 10


def test_files_are_written_as_the_csv_module_writes_them(case2k, tmp_path):
    """The fast writer quotes exactly like csv.writer (names with commas, places 'Cúcuta, CO')."""
    import io

    out, _ = case2k
    for kind in FILE_KINDS:
        raw = (out / f"{kind}.csv").read_text("utf-8")
        rows = list(csv.reader(io.StringIO(raw, newline="")))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        assert buf.getvalue() == raw, kind
    assert '"' in (out / "travel.csv").read_text("utf-8")  # quoted places were written


@pytest.mark.parametrize("seed, n", [(0, 100), (1, 150), (2, 250), (3, 400), (4, 120), (5, 333)])
def test_invariants_hold_for_any_seed(tmp_path, seed, n):
    s = synth_case(tmp_path, persons=n, seed=seed)
    t = {k: _read(tmp_path, k) for k in FILE_KINDS}
    persons = set(t["persons"]["id"])
    assert len(t["persons"]) == n and t["persons"]["id"].is_unique
    assert set(t["links"]["from_id"]) | set(t["links"]["to_id"]) <= persons | set(t["organizations"]["id"])
    assert set(t["travel"]["person_id"]) <= persons and set(t["phones"]["person_id"]) <= persons
    assert set(t["travel"]["document_id"]) <= set(t["documents"]["id"])
    assert s["multi_fugitive_facilitators"] >= 1 and s["brokers"] >= 1 and s["hidden_companions"] >= 3
    nm = _truth(tmp_path, "near_misses.csv")
    assert set(nm["kind"]) == {"same_common_name", "fugitive_namesake", "same_name_second_source"}
    co = _truth(tmp_path, "co_travel.csv")
    assert ((co["shared_legs"].astype(int) >= 2) | (co["shared_bookings"].astype(int) >= 1)).all()
    assert len(_truth(tmp_path, "duplicates.csv")) == s["duplicates"] >= 3


def test_forked_writer_writes_the_same_bytes(tmp_path, monkeypatch):
    import netanalysis.synth.write as W

    synth_case(tmp_path / "plain", persons=300, seed=8)
    monkeypatch.setattr(W, "FORK_MIN_ROWS", 0)
    synth_case(tmp_path / "forked", persons=300, seed=8)
    for kind in FILE_KINDS:
        assert filecmp.cmp(tmp_path / "plain" / f"{kind}.csv", tmp_path / "forked" / f"{kind}.csv",
                           shallow=False), kind


@pytest.mark.parametrize("fork_min_rows", [0, 10**9])
def test_a_file_that_cannot_be_written_is_an_error(tmp_path, monkeypatch, fork_min_rows):
    import netanalysis.synth.write as W

    monkeypatch.setattr(W, "FORK_MIN_ROWS", fork_min_rows)
    (tmp_path / "links.csv").mkdir()
    with pytest.raises(NetanalysisError, match=r"could not write .*links\.csv: Is a directory"):
        synth_case(tmp_path, persons=150, seed=1)


# ---------------------------------------------------------------- itineraries: the network moves first
def test_p_follow_zero_writes_the_default_case(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    synth_case(a, persons=300, seed=4)
    synth_case(b, persons=300, seed=4, itineraries={"p_follow": 0.0, "p_new": 0.15})
    for rel in sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()):
        assert filecmp.cmp(a / rel, b / rel, shallow=False), f"{rel} differs with p_follow=0"
    assert "new address" not in (a / "locations.csv").read_text("utf-8")


@pytest.mark.parametrize("seed", [3, 8])
def test_p_follow_moves_go_where_a_supporter_moved_weeks_before(tmp_path, seed):
    synth_case(tmp_path, persons=1000, seed=seed, itineraries={"p_follow": 1.0, "p_new": 0.5})
    loc, links, travel = (_read(tmp_path, k) for k in ("locations", "links", "travel"))
    support = links[links["type"].isin(["lodging", "transport", "documents", "financial"])]
    served = support.groupby("from_id")["to_id"].apply(set).to_dict()
    lodging_of = links[links["type"] == "lodging"].groupby("to_id")["from_id"].apply(set).to_dict()
    travel = travel.assign(day=pd.to_datetime(travel["depart"]).dt.normalize())
    legs = {p: g.sort_values("depart") for p, g in travel.groupby("person_id")}
    moved = loc[loc["note"] == "new address"]
    assert len(moved) >= 5, "p_follow=1 with p_new=0.5 should give several follow moves"
    assert (moved["kind"] == "residence").all() and (moved["grading"] == "B2").all()
    assert (moved["provenance"] == "Residence register").all()
    for q, place, start in zip(moved["person_id"], moved["place"], pd.to_datetime(moved["start"])):
        hits = []
        for f in served.get(q, ()):
            g = legs.get(f)
            if g is None:
                continue
            for i, (dst, day) in enumerate(zip(g["destination"], g["day"])):
                before = set(g["origin"].iloc[:i]) | set(g["destination"].iloc[:i])
                if dst == place and place not in before and 14 <= (day - start).days <= 42:
                    hits.append(f)
        assert hits, f"no fugitive served by {q} went to {place} 14-42 days after {start.date()}"
        # lodging first: a fugitive with a lodging supplier follows one of them
        assert any(q in lodging_of.get(f, {q}) for f in hits)
    load_case = pytest.importorskip("netanalysis.ingest").load_case
    assert len(load_case(tmp_path).rejects) == 0


# ---------------------------------------------------------------- itineraries: coherent companions, dates
@pytest.fixture(scope="module")
def follow_case(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth_follow")
    synth_case(out, persons=3000, seed=3, p_follow=1.0, itineraries={"p_new": 0.5})
    return out, {k: _read(out, k) for k in ("travel", "links", "locations", "persons")}


def test_p_follow_keyword_is_the_itinerary_setting(tmp_path, follow_case):
    synth_case(tmp_path, persons=3000, seed=3, itineraries={"p_new": 0.5, "p_follow": 1.0})
    out, _ = follow_case
    for kind in FILE_KINDS:
        assert filecmp.cmp(out / f"{kind}.csv", tmp_path / f"{kind}.csv", shallow=False), kind
    with pytest.raises(NetanalysisError, match="probabilities within 0..1"):
        synth_case(tmp_path / "bad", persons=200, p_follow=1.5)


def test_synth_command_passes_p_follow(tmp_path):
    from netanalysis.cli import main

    a, b = tmp_path / "cli", tmp_path / "lib"
    r = CliRunner().invoke(main, ["synth", "--out", str(a), "--persons", "400", "--seed", "2",
                                  "--p-follow", "1", "--quiet"])
    assert r.exit_code == 0, r.output
    synth_case(b, persons=400, seed=2, p_follow=1.0)
    assert filecmp.cmp(a / "locations.csv", b / "locations.csv", shallow=False)
    r = CliRunner().invoke(main, ["synth", "--out", str(a), "--p-follow", "2"])
    assert r.exit_code != 0 and "--p-follow" in r.output


def _companion_legs(travel, co):
    """(fugitive, companion, the companion's legs on the fugitive's journeys, its other legs)."""
    tr = travel.assign(jkey=travel["carrier"] + travel["flight"] + travel["origin"]
                       + travel["depart"].str[:10])
    legs = {p: g.sort_values("depart") for p, g in tr.groupby("person_id")}
    for f, c in zip(co["id_a"], co["id_b"]):
        gf, gc = legs.get(f), legs.get(c)
        if gf is None or gc is None:
            continue
        on = gc["jkey"].isin(set(gf["jkey"]))
        yield f, c, gc[on], gc[~on]


@pytest.mark.parametrize("seed", [3, 8])
def test_hidden_companions_legs_chain_with_the_fugitive(tmp_path, seed):
    synth_case(tmp_path, persons=2000, seed=seed)
    travel = _read(tmp_path, "travel")
    co = _truth(tmp_path, "co_travel.csv")
    co = co[co["kind"] == "hidden_companion"]
    checked = gaps = 0
    for _f, c, shared, other in _companion_legs(travel, co):
        if len(shared) < 2:
            continue
        checked += 1
        # every shared leg leaves from where the companion's previous shared leg arrived
        assert (shared["origin"].iloc[1:].to_numpy() == shared["destination"].iloc[:-1].to_numpy()).all(), c
        # and the companion's own trips are not in the middle of the time it travels along
        lo, hi = shared["depart"].iloc[0][:10], shared["depart"].iloc[-1][:10]
        mid = other[(other["depart"].str[:10] > lo) & (other["depart"].str[:10] < hi)]
        assert mid.empty, f"{c} flies {len(mid)} own legs between {lo} and {hi}"
        gaps += len(shared) < len(travel[travel["person_id"] == _f])
    assert checked >= 10 and gaps >= 1  # companions that stayed behind part of the time too


def test_ties_that_explain_travel_start_before_it(follow_case):
    out, t = follow_case
    fug = set(t["persons"].loc[t["persons"]["wanted_by"] != "", "id"])
    assert len(fug) >= 20
    first = t["travel"].groupby("person_id")["depart"].min().str[:10]
    last = t["travel"].groupby("person_id")["depart"].max().str[:10]
    links = t["links"]
    kinds = ["lodging", "transport", "documents", "financial", "family", "associate", "co_offender"]
    lk = links[links["type"].isin(kinds)]
    f = np.where(lk["to_id"].isin(fug), lk["to_id"], lk["from_id"])
    lk = lk.assign(f=f)
    lk = lk[lk["f"].isin(fug) & lk["f"].isin(first.index)]
    assert len(lk) >= 100
    # dates of day, month or year precision: compare at the precision given
    starts = lk["start"].map(normalize_date).fillna("")
    ends = lk["end"].map(normalize_date).fillna("")
    dated, ended = starts != "", ends != ""
    assert dated.mean() > 0.5 and ended.any()
    for s, d in zip(starts[dated], lk.loc[dated, "f"].map(first)):
        assert s <= d[:len(s)], (s, d)
    for e, d in zip(ends[ended], lk.loc[ended, "f"].map(last)):
        assert e >= d[:len(e)], (e, d)
    # other ties keep dates anywhere in 2008-2024 (some start during the travel window)
    rest = links[~links.index.isin(lk.index) & (links["start"] > "2022")]
    assert len(rest) > 0


def test_a_supporter_who_moves_ends_the_old_residence(follow_case):
    out, t = follow_case
    loc = t["locations"]
    res = loc[loc["kind"] == "residence"]
    movers = set(res.loc[res["note"] == "new address", "person_id"])
    assert len(movers) >= 5
    for q, g in res[res["person_id"].isin(movers)].groupby("person_id"):
        g = g.sort_values("start")
        # one residence at a time: each ends the day the next starts, the latest has no end
        assert (g["end"].iloc[:-1].to_numpy() == g["start"].iloc[1:].to_numpy()).all(), q
        assert g["end"].iloc[-1] == "" and (g["start"] < g["end"].replace("", "9999")).all(), q
    assert (res.loc[~res["person_id"].isin(movers), "end"] == "").all()
    load_case = pytest.importorskip("netanalysis.ingest").load_case
    assert len(load_case(out).rejects) == 0


# ---------------------------------------------------------------- truth/itineraries.csv: the rule's chances
def test_itinerary_chances_list_every_fugitive_leg(follow_case):
    out, t = follow_case
    it = _truth(out, "itineraries.csv")
    tr = t["travel"]
    legs = set(zip(tr["person_id"], tr["depart"].str[:10], tr["origin"], tr["destination"]))
    assert len(it) >= 100
    # land crossings may depart after midnight of the day drawn: allow the next day
    nxt = (pd.to_datetime(it["depart"]) + pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d")
    for row in zip(it["person_id"], it["depart"], nxt, it["origin"], it["destination"]):
        p, d, d1, o, x = row
        assert (p, d, o, x) in legs or (p, d1, o, x) in legs, row
    c, top3 = it["chance"].astype(float), it["top3_chance"].astype(float)
    assert ((c > 0) & (c <= 1 + 1e-9)).all() and (top3 <= 1 + 1e-6).all()
    assert (it["places"].astype(int) >= 1).all()
    # a move that followed a supporter's new residence is certain; p_follow=1, p_new=0.5: many
    loc = t["locations"]
    moved = loc[loc["note"] == "new address"]
    assert (c == 1.0).sum() >= len(moved) >= 5


def test_itinerary_chances_are_the_route_shares_when_every_move_is_random(tmp_path):
    from netanalysis.synth import places as PL

    synth_case(tmp_path, persons=1500, seed=2, itineraries={"p_new": 1.0, "p_base": 0.0})
    it = _truth(tmp_path, "itineraries.csv")
    pop = {}
    for o, d, w in ([(o, d, w) for _, o, d, w in PL.ROUTES]
                    + [(o, d, w) for _, _, o, d, _, w in PL.SURFACE_ROUTES]):
        for x, y in ((o, d), (d, o)):
            pop.setdefault(x, {}).setdefault(y, 0.0)
            pop[x][y] += w
    assert len(it) >= 50
    for o, x, c, top3 in zip(it["origin"], it["destination"], it["chance"].astype(float),
                             it["top3_chance"].astype(float)):
        share = {d: w / sum(pop[o].values()) for d, w in pop[o].items()}
        assert c == pytest.approx(share[x], abs=1e-5)
        assert top3 == pytest.approx(sum(sorted(share.values())[-3:]), abs=1e-5)
