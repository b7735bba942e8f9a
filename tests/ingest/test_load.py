"""load_case: every reject kind with its exact location, whole-file errors, counts."""

from __future__ import annotations

import math

import pytest

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest import load_case, load_mapped
from netanalysis.ingest.load import IngestCountError  # noqa: F401  (public internal error)


def rej(case):
    return [(r.file, int(r.line), r.column, r.value, r.problem) for r in case.rejects.itertuples()]


def reconciles(case):
    for kind, c in case.counts.items():
        assert c["read"] == c["taken"] + c["rejected"], kind
        assert c["taken"] == len(case.tables[kind]), kind


def test_valid_case_is_normalised(write_case):
    d = write_case({
        "organizations.csv": "id,name,kind,country\nO1,Clan del Golfo,Criminal_Group,co\n",
        "links.csv": "from_id,to_id,type,start,end,weight,grading,provenance,note\n"
                     "P2,P1,documents,2023-01,,,b2,DIJIN,passport\n"
                     "P1,O1,member_of,2019,,2.5,,,\n",
        "travel.csv": "person_id,depart,origin,destination,mode\n"
                      "P1,2024-03-05T10:30,bog,\"Cúcuta , co\",AIR\n",
        "documents.csv": "id,holder_id,kind,number,issuing_country,status\n"
                         "D1,P1,passport,AB123,COL,fraudulent\n",
        "phones.csv": "number,person_id\n+57 300 123 4567,P1\n",
        "calls.csv": "caller,callee,start,duration_s\n+573001234567,0034-600-111-222,2024-03-01,60\n",
    })
    case = load_case(d)
    assert len(case.rejects) == 0
    reconciles(case)
    p1 = case.persons.iloc[0]
    assert p1["aliases"] == ["La Flaca", "Anita"]
    assert p1["wanted_by"] == ["ES", "CO"]
    assert p1["birth_date"] == "1980-07"
    assert case.persons["role"].tolist() == ["fugitive", "facilitator", "associate"]
    assert case.persons["notice"].tolist()[1] is None
    assert case.persons["_line"].tolist() == [2, 3, 4]
    assert set(case.persons["_file"]) == {"persons.csv"}
    assert case.organizations.iloc[0]["kind"] == "criminal_group"
    assert case.organizations.iloc[0]["country"] == "CO"
    links = case.links
    assert links["weight"].tolist() == [1.0, 2.5]
    assert links["grading"].tolist() == ["B2", "F6"]
    assert links["end"].tolist() == [None, None]
    t = case.travel.iloc[0]
    assert (t["origin"], t["destination"], t["mode"]) == ("BOG", "Cúcuta, CO", "air")
    assert t["depart"] == "2024-03-05T10:30"
    assert case.documents.iloc[0]["issuing_country"] == "CO"
    assert case.phones.iloc[0]["number"] == "+573001234567"
    assert case.calls.iloc[0]["callee"] == "+34600111222"
    assert case.calls["duration_s"].tolist() == [60.0]
    assert case.counts["links"] == {"file": "links.csv", "read": 2, "taken": 2, "rejected": 0,
                                    "encoding": "utf-8", "delimiter": ","}
    assert case.counts["organizations"]["taken"] == 1


def test_absent_files_have_empty_tables_and_zero_counts(write_case):
    case = load_case(write_case({}))
    assert len(case.links) == 0 and "from_id" in case.links
    assert case.counts["calls"] == {"file": None, "read": 0, "taken": 0, "rejected": 0,
                                    "encoding": None, "delimiter": None}


def test_missing_required_value(write_case):
    case = load_case(write_case({"persons.csv": "id,name\nP1,Ana\nP2,\n,Luis\n"}))
    assert rej(case) == [
        ("persons.csv", 3, "name", "", "missing required value"),
        ("persons.csv", 4, "id", "", "missing required value"),
    ]
    assert case.counts["persons"]["rejected"] == 2
    reconciles(case)


def test_bad_enum_date_number_grading_country(write_case):
    d = write_case({
        "persons.csv": "id,name,role,birth_date,nationality\n"
                       "P1,Ana,jefe,1980,CO\nP2,Luis,,05/03/1980,CO\nP3,Juan,,1980-02-30,CO|XX\n",
        "links.csv": "from_id,to_id,type,weight,grading\nP1,P2,family,heavy,\nP1,P2,family,,G7\n"
                     "P1,P2,friend,,\n",
    })
    case = load_case(d)
    assert rej(case) == [
        ("persons.csv", 2, "role", "jefe",
         "bad enumeration value: expected one of fugitive, associate, facilitator, unknown"),
        ("persons.csv", 3, "birth_date", "05/03/1980",
         "bad date: not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm)"),
        ("persons.csv", 4, "birth_date", "1980-02-30", "bad date: not a valid date"),
        ("persons.csv", 4, "nationality", "CO|XX",
         "bad country code: 'XX' is not an ISO 3166-1 alpha-2 code"),
        ("links.csv", 2, "from_id", "P1",
         "bad reference: refers to person P1, which was rejected (persons.csv line 2)"),
        ("links.csv", 2, "to_id", "P2",
         "bad reference: refers to person P2, which was rejected (persons.csv line 3)"),
        ("links.csv", 2, "weight", "heavy", "bad number: not a number"),
        ("links.csv", 3, "from_id", "P1",
         "bad reference: refers to person P1, which was rejected (persons.csv line 2)"),
        ("links.csv", 3, "to_id", "P2",
         "bad reference: refers to person P2, which was rejected (persons.csv line 3)"),
        ("links.csv", 3, "grading", "G7",
         "bad grading: expected reliability A-F then credibility 1-6, e.g. B2"),
        ("links.csv", 4, "from_id", "P1",
         "bad reference: refers to person P1, which was rejected (persons.csv line 2)"),
        ("links.csv", 4, "to_id", "P2",
         "bad reference: refers to person P2, which was rejected (persons.csv line 3)"),
        ("links.csv", 4, "type", "friend",
         "bad enumeration value: expected one of family, associate, co_offender, member_of, "
         "communication, financial, documents, transport, lodging, employment, unknown"),
    ]
    assert case.counts["persons"] == {"file": "persons.csv", "read": 3, "taken": 0,
                                      "rejected": 3, "encoding": "utf-8", "delimiter": ","}
    reconciles(case)


def test_partial_dates_and_datetimes(write_case):
    case = load_case(write_case({"persons.csv": "id,name,birth_date\nP1,A,1980\nP2,B,1980-07\n"
                                                "P3,C,1980-07-05\nP4,D,1980-07-05 14:30\n"}))
    assert case.persons["birth_date"].tolist() == ["1980", "1980-07", "1980-07-05",
                                                   "1980-07-05T14:30"]


def test_duplicate_ids_and_shared_namespace(write_case):
    d = write_case({
        "persons.csv": "id,name\nP1,Ana\nP2,Luis\nP1,Ana bis\n",
        "organizations.csv": "id,name\nO1,Clan\nP2,Empresa\nO1,Clan bis\n",
        "documents.csv": "id,holder_id,number\nD1,P1,X1\nD1,P2,X2\n",
        "links.csv": "from_id,to_id,type\nP1,O1,member_of\n",
    })
    case = load_case(d)
    assert rej(case) == [
        ("persons.csv", 4, "id", "P1", "duplicate id: 'P1' is already used on line 2"),
        ("organizations.csv", 3, "id", "P2",
         "duplicate id: 'P2' is already a person id (persons.csv line 3); organizations and "
         "persons share one id namespace"),
        ("organizations.csv", 4, "id", "O1", "duplicate id: 'O1' is already used on line 2"),
        ("documents.csv", 3, "id", "D1", "duplicate id: 'D1' is already used on line 2"),
    ]
    assert case.persons["id"].tolist() == ["P1", "P2"]
    assert case.organizations["id"].tolist() == ["O1"]
    assert len(case.links) == 1
    reconciles(case)


def test_unknown_and_rejected_references_and_self_link(write_case):
    d = write_case({
        "persons.csv": "id,name,birth_date\nP1,Ana,\nP2,Luis,\nP7,Pedro,not-a-date\n",
        "documents.csv": "id,holder_id,number\nD1,P9,X1\nD2,P1,X2\n",
        "links.csv": "from_id,to_id,type\nP1,P9,family\nP7,P1,family\nP2,P2,family\n",
        "travel.csv": "person_id,depart,origin,destination,document_id\n"
                      "P8,2024-01-01,BOG,MAD,\nP1,2024-01-01,BOG,MAD,D1\nP1,2024-01-02,MAD,BOG,D2\n",
        "phones.csv": "number,person_id\n+573001112233,P7\n+573001112234,P1\n",
        "calls.csv": "caller,callee,start\n+573001112234,+34911222333,2024-01-01\n",
    })
    case = load_case(d)
    assert rej(case) == [
        ("persons.csv", 4, "birth_date", "not-a-date",
         "bad date: not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm)"),
        ("documents.csv", 2, "holder_id", "P9", "bad reference: refers to unknown person 'P9'"),
        ("links.csv", 2, "to_id", "P9",
         "bad reference: refers to unknown person or organization 'P9'"),
        ("links.csv", 3, "from_id", "P7",
         "bad reference: refers to person P7, which was rejected (persons.csv line 4)"),
        ("links.csv", 4, "to_id", "P2", "self-link: from_id and to_id are the same"),
        ("travel.csv", 2, "person_id", "P8", "bad reference: refers to unknown person 'P8'"),
        ("travel.csv", 3, "document_id", "D1",
         "bad reference: refers to document D1, which was rejected (documents.csv line 2)"),
        ("phones.csv", 2, "person_id", "P7",
         "bad reference: refers to person P7, which was rejected (persons.csv line 4)"),
    ]
    # A call with a number that no phone row names is still taken.
    assert case.calls["callee"].tolist() == ["+34911222333"]
    assert case.travel["_line"].tolist() == [4]
    reconciles(case)


def test_optional_reference_to_absent_file_is_kept(write_case):
    case = load_case(write_case({"travel.csv": "person_id,depart,origin,destination,document_id\n"
                                               "P1,2024-01-01,BOG,MAD,D55\n"}))
    assert len(case.rejects) == 0
    assert case.travel["document_id"].tolist() == ["D55"]


def test_wrong_number_of_fields(write_case):
    d = write_case({"persons.csv": "id,name,role\nP1,Ana,fugitive\nP2,Luis\nP3,Juan,associate,x\n"
                                   "P4,Eva,associate,,\n",
                    "links.csv": "from_id,to_id,type\nP2,P1,family\n"})
    case = load_case(d)
    assert rej(case) == [
        ("persons.csv", 3, "", "P2,Luis", "wrong number of fields: 2 fields, the header has 3"),
        ("persons.csv", 4, "", "P3,Juan,associate,x",
         "wrong number of fields: 4 fields, the header has 3"),
        ("links.csv", 2, "from_id", "P2",
         "bad reference: refers to person P2, which was rejected (persons.csv line 3)"),
    ]
    # trailing empty cells (a trailing delimiter) are not extra fields
    assert case.persons["id"].tolist() == ["P1", "P4"]
    reconciles(case)


def test_places(write_case):
    d = write_case({"travel.csv": "person_id,depart,origin,destination\n"
                                  "P1,2024-01-01,BOGO,MAD\nP1,2024-01-01,Cúcuta,MAD\n"
                                  "P1,2024-01-01,\"Cúcuta, ZZ\",MAD\nP1,2024-01-01,\"Cúcuta, Co\",mad\n"})
    case = load_case(d)
    assert [(r[1], r[2], r[4]) for r in rej(case)] == [
        (2, "origin", "bad place: expected an IATA airport code (3 letters) or 'Place, CC' "
                      "(e.g. 'Cúcuta, CO')"),
        (3, "origin", "bad place: expected an IATA airport code (3 letters) or 'Place, CC' "
                      "(e.g. 'Cúcuta, CO')"),
        (4, "origin", "bad place: 'ZZ' is not an ISO 3166-1 alpha-2 country code"),
    ]
    assert case.travel[["origin", "destination"]].values.tolist() == [["Cúcuta, CO", "MAD"]]


def test_phones(write_case):
    d = write_case({"phones.csv": "number,person_id\n+57 (300) 123-4567,P1\n300.123.4567,P2\n"
                                  "n/a,P3\n",
                    "calls.csv": "caller,callee,start,duration_s\n3001234567,+5730012345678,2024,\n"})
    case = load_case(d)
    assert case.phones["number"].tolist() == ["+573001234567", "3001234567"]
    assert rej(case) == [("phones.csv", 4, "number", "n/a", "bad phone number: no digits")]
    assert case.calls["caller"].tolist() == ["3001234567"]
    assert math.isnan(case.calls["duration_s"].iloc[0])
    case = load_case(d, phone_region="CO")
    assert case.phones["number"].tolist() == ["+573001234567", "+573001234567"]


def test_decimal_comma_only_with_semicolons(write_case):
    d = write_case({"links.csv": "from_id;to_id;type;weight\nP1;P2;family;1,5\n"})
    assert load_case(d).links["weight"].tolist() == [1.5]
    d = write_case({"links.csv": 'from_id,to_id,type,weight\nP1,P2,family,"1,5"\n'}, folder="c2")
    assert rej(load_case(d)) == [("links.csv", 2, "weight", "1,5", "bad number: not a number")]


def test_extra_columns_kept_lowercased(write_case):
    case = load_case(write_case({"persons.csv": "id,name, Alias Source ,EMPTY\nP1,Ana, DAS ,\n"}))
    assert case.persons["alias source"].tolist() == ["DAS"]
    assert case.persons["empty"].tolist() == [None]


# ---------------------------------------------------------------- whole-file errors

def test_not_a_folder(tmp_path):
    f = tmp_path / "persons.csv"
    f.write_text("id,name\n")
    with pytest.raises(InputError) as e:
        load_case(f)
    assert str(e.value) == (f"{f}: not a folder: a case is a folder of CSV files "
                            "(persons.csv, links.csv...)")
    with pytest.raises(InputError) as e:
        load_case(tmp_path / "nope")
    assert str(e.value) == f"{tmp_path / 'nope'}: case folder not found"


def test_missing_persons(write_case):
    d = write_case({"links.csv": "from_id,to_id,type\n"}, persons=False)
    with pytest.raises(InputError) as e:
        load_case(d)
    assert str(e.value) == (f"{d}: no persons.csv in the case folder (found: links.csv); a case "
                            "needs at least persons.csv with columns id, name")


def test_missing_required_columns(write_case):
    d = write_case({"persons.csv": "ID,Nombre,Rol\nP1,Ana,fugitive\n"})
    with pytest.raises(SchemaError) as e:
        load_case(d)
    assert str(e.value) == (f"{d / 'persons.csv'}:1: missing required column name (found: id, "
                            "nombre, rol); rename the header or load the file through a mapping")
    d = write_case({"links.csv": "a,b\n1,2\n"}, folder="c2")
    with pytest.raises(SchemaError) as e:
        load_case(d)
    assert str(e.value) == (f"{d / 'links.csv'}:1: missing required columns from_id, to_id, type "
                            "(found: a, b); rename the header or load the file through a mapping")


def test_xlsx_renamed_csv(write_case):
    d = write_case({"persons.csv": b"PK\x03\x04\x14\x00\x06\x00binarystuff"})
    with pytest.raises(InputError) as e:
        load_case(d)
    assert str(e.value) == (f"{d / 'persons.csv'}: not a CSV file: it looks like an Excel workbook "
                            "or other zip archive (.xlsx); save it as CSV (UTF-8), or load it "
                            "through a mapping file (source: the .xlsx file, sheet: the sheet name)")


def test_binary_file(write_case):
    d = write_case({"persons.csv": bytes(range(256)) * 4})
    with pytest.raises(InputError) as e:
        load_case(d)
    assert "not a CSV file: it contains NUL bytes" in str(e.value)


def test_empty_file_and_duplicate_header(write_case):
    d = write_case({"persons.csv": "\n\n"})
    with pytest.raises(SchemaError) as e:
        load_case(d)
    assert str(e.value) == (f"{d / 'persons.csv'}: empty file: no header row (add the header, "
                            "or delete the file if it is optional)")
    d = write_case({"persons.csv": "id,Name,NAME \n"}, folder="c2")
    with pytest.raises(SchemaError) as e:
        load_case(d)
    assert str(e.value) == (f"{d / 'persons.csv'}:1: column 'name' appears twice in the header "
                            "(columns 2 and 3): rename one of them")


def test_unreadable_file(write_case):
    import os

    d = write_case({})
    (d / "persons.csv").chmod(0)
    try:
        if os.access(d / "persons.csv", os.R_OK):
            pytest.skip("running as a user who can read any file")
        with pytest.raises(InputError) as e:
            load_case(d)
        assert str(e.value) == f"{d / 'persons.csv'}: cannot read file: Permission denied"
    finally:
        (d / "persons.csv").chmod(0o644)


def test_file_names_are_case_insensitive(write_case):
    d = write_case({"Persons.CSV": "id,name\nP1,Ana\n"}, persons=False)
    assert load_case(d).persons["id"].tolist() == ["P1"]


def test_progress_reports_each_file(write_case):
    import io

    from netanalysis.progress import Progress

    buf = io.StringIO()
    load_case(write_case({"persons.csv": "id,name\nP1,Ana\nP2,\n"}), progress=Progress(stream=buf))
    out = buf.getvalue()
    assert "reading persons.csv ..." in out
    assert "persons.csv: 1 of 2 rows rejected" in out


def test_whole_file_errors_come_before_any_row(write_case, monkeypatch):
    from netanalysis.ingest import load as load_mod

    called = []
    monkeypatch.setattr(load_mod, "validate_table", lambda *a, **k: called.append(a))
    d = write_case({"calls.csv": "caller,start\n+573001112233,2024\n"})
    with pytest.raises(SchemaError, match="missing required column callee"):
        load_case(d)
    assert called == []


def test_canonical_dates_fast_path_agrees_with_normalize_date(write_case):
    from netanalysis.model.dates import normalize_date

    values = ["2022-01-01T00:03:46", "2022-01-01T00:03:60", "2022-01-01T00:03:61",
              "0000-01-01", "2024-02-29", "2023-02-29", "2022-01-01T24:00", "2022-01-01T23:59",
              "2022-13-01T00:00:00", "1500-06-30", "2024-3-05", "2024-03-05 10:00"]
    text = "caller,callee,start\n" + "".join(f"+573001112233,+573001112234,{v}\n" for v in values)
    case = load_case(write_case({"calls.csv": text}))
    taken = dict(zip(case.calls["_line"], case.calls["start"]))
    rejected = set(case.rejects["line"])
    for line, v in enumerate(values, start=2):
        try:
            expected = normalize_date(v)
        except ValueError:
            assert line in rejected, v
        else:
            assert taken[line] == expected, v


def test_references_to_ids_arrow_cannot_hold(tmp_path):
    """An id with a lone surrogate (possible in JSON) is still found by references."""
    (tmp_path / "p.jsonl").write_text('{"id": "P1", "name": "Ana"}\n'
                                      '{"id": "P\\ud800", "name": "Eva"}\n')
    (tmp_path / "l.jsonl").write_text('{"from_id": "P1", "to_id": "P\\ud800", "type": "family"}\n'
                                      '{"from_id": "P\\ud800", "to_id": "X", "type": "family"}\n')
    (tmp_path / "m.yaml").write_text("files:\n  persons:\n    source: p.jsonl\n"
                                     "  links:\n    source: l.jsonl\n")
    case = load_mapped(tmp_path / "m.yaml")
    assert case.tables["links"][["from_id", "to_id"]].values.tolist() == [["P1", "P\ud800"]]
    assert case.rejects[["line", "column", "problem"]].values.tolist() == [
        [2, "to_id", "bad reference: refers to unknown person or organization 'X'"]]
