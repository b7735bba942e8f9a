"""FollowTheMoney out and in, checked by the followthemoney library itself."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from present_cases import HOSTILE

pytest.importorskip("followthemoney")

from followthemoney import model  # noqa: E402

from netanalysis.errors import InputError  # noqa: E402
from netanalysis.ingest.ftm import ftm_to_tables, import_ftm, read_ftm  # noqa: E402
from netanalysis.present.ftm import case_to_ftm, write_ftm  # noqa: E402


def test_entities_are_valid_followthemoney(tmp_path, case):
    info = write_ftm(case, tmp_path / "c.ftm.jsonl")
    assert info["problems"] == []
    assert info["schemata"] == {"Person": 6, "Organization": 1, "UnknownLink": 3, "Family": 1,
                                "Associate": 2, "Membership": 1, "Passport": 1, "Call": 3,
                                "Address": 6, "Trip": 5}
    lines = (tmp_path / "c.ftm.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == info["entities"] == 29
    all_ids = {json.loads(x)["id"] for x in lines}
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)  # FollowTheMoney cleans every value
        assert proxy.to_dict()["properties"] == data["properties"], data  # nothing was invalid
        # every entity reference points at an entity of the file
        for prop in proxy.iterprops():
            if prop.type.name == "entity":
                assert set(proxy.get(prop)) <= all_ids, (proxy.id, prop.name)
    ana = [json.loads(x) for x in lines if json.loads(x)["id"] == "F1"][0]
    assert ana["schema"] == "Person" and "wanted" in ana["properties"]["topics"]
    assert "+573001112233" in ana["properties"]["phone"]
    lodging = [json.loads(x) for x in lines if "lodging" in x and "UnknownLink" in x][0]
    assert lodging["properties"]["publisher"] == ["Europol"]
    assert lodging["properties"]["summary"] == ["grading:A1 weight:2 type:lodging"]


def test_invalid_values_are_reported_not_dropped(case):
    case.tables["phones"].loc[0, "number"] = "not a phone"
    entities, problems = case_to_ftm(case)
    assert [p["property"] for p in problems] == ["phone"]
    assert problems[0]["value"] == "not a phone" and problems[0]["where"] == "persons.csv:2"


def test_round_trip_to_a_case(tmp_path, case):
    write_ftm(case, tmp_path / "c.jsonl")
    tables, skipped = ftm_to_tables(read_ftm(tmp_path / "c.jsonl"))
    assert skipped == {}
    for kind in ("persons", "organizations", "links", "documents", "phones", "calls", "travel"):
        assert len(tables[kind]) == len(case.tables[kind]), kind
    p = tables["persons"].set_index("id")
    assert p.loc["X2", "name"] == HOSTILE and p.loc["F1", "role"] == "fugitive"
    assert p.loc["F1", "notice"] == "red" and p.loc["F1", "wanted_by"] == "CO|ES"
    assert p.loc["F2", "nationality"] == "CO|VE" and p.loc["F1", "aliases"] == "La Flaca"
    cols = ["from_id", "to_id", "type", "grading", "provenance", "start", "end", "note"]

    def rows(df):
        return sorted(tuple(None if pd.isna(v) else str(v) for v in r)
                      for r in df[cols].itertuples(index=False))
    assert rows(tables["links"]) == rows(case.tables["links"])
    t = tables["travel"].sort_values("depart").reset_index(drop=True)
    assert sorted(t["origin"]) == sorted(case.tables["travel"]["origin"])
    assert sorted(t["flight"].dropna()) == sorted(case.tables["travel"]["flight"].dropna())
    d = tables["documents"].iloc[0]
    assert (d["id"], d["holder_id"], d["kind"], d["status"]) == ("D1", "F1", "passport", "fraudulent")


def test_import_ftm_writes_a_case_folder_that_loads(tmp_path, case):
    write_ftm(case, tmp_path / "c.jsonl")
    info = import_ftm(tmp_path / "c.jsonl", tmp_path / "case")
    assert info["files"]["persons.csv"] == 6 and info["files"]["links.csv"] == 7
    loaded = pytest.importorskip("netanalysis.ingest").load_case(tmp_path / "case")
    assert len(loaded.tables["persons"]) == 6 and len(loaded.tables["links"]) == 7
    assert len(loaded.rejects) == 0, loaded.rejects.to_dict("records")
    assert len(loaded.tables["travel"]) == 5 and len(loaded.tables["calls"]) == 3


def test_foreign_entities_and_errors(tmp_path):
    a = model.make_entity("Company"); a.id = "c1"; a.add("name", "Acme"); a.add("jurisdiction", "pa")  # noqa: E702
    p = model.make_entity("Person"); p.id = "p1"; p.add("name", "Jo")  # noqa: E702
    d = model.make_entity("Directorship"); d.id = "d1"; d.add("director", "p1"); d.add("organization", "c1")  # noqa: E702
    s = model.make_entity("Sanction"); s.id = "s1"; s.add("entity", "p1")  # noqa: E702
    f = tmp_path / "x.jsonl"
    f.write_text("\n".join(json.dumps(e.to_dict()) for e in (a, p, d, s)) + "\n", "utf-8")
    tables, skipped = ftm_to_tables(read_ftm(f))
    assert skipped == {"Sanction": 1}
    assert tables["organizations"].iloc[0].to_dict()["kind"] == "company"
    assert tables["organizations"].iloc[0]["country"] == "PA"
    assert tables["links"].iloc[0][["from_id", "to_id", "type"]].tolist() == ["p1", "c1", "associate"]
    assert tables["persons"].iloc[0]["role"] == "unknown"
    f.write_text('{"id": "x", "schema": "Person"}\nnot json\n', "utf-8")
    with pytest.raises(InputError, match=r"x.jsonl:2: not JSON"):
        read_ftm(f)
    f.write_text('{"id": "x", "schema": "NoSuchSchema", "properties": {}}\n', "utf-8")
    with pytest.raises(InputError, match="not a FollowTheMoney entity"):
        read_ftm(f)
    assert isinstance(tables["links"], pd.DataFrame)
