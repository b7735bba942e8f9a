"""Mapping files: the Spanish example, Excel, JSON, JSON-lines, and errors with their line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netanalysis.errors import MappingError
from netanalysis.ingest import load_case, load_mapped, read_mapping

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "mapping_es"


def rej(case):
    return [(r.file, int(r.line), r.column, r.value, r.problem) for r in case.rejects.itertuples()]


def test_spanish_example():
    raw = (EXAMPLE / "personas.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the example really is Windows-1252
    case = load_mapped(EXAMPLE / "mapping.yaml")
    p = case.persons
    assert p["id"].tolist() == ["CO-001", "CO-002", "CO-003"]
    assert p["name"].tolist()[0] == "José Muñoz Peña"
    assert p["birth_date"].tolist() == ["1980-03-05", "1975", "1969-11-12"]
    assert p["role"].tolist() == ["fugitive", "facilitator", "facilitator"]
    assert p["notice"].tolist() == ["red", None, None]
    assert p["aliases"].tolist()[0] == ["El Toro", "Pepe"]
    assert p["nationality"].tolist()[1] == ["CO", "VE"]
    assert p["provenance"].tolist() == ["DIJIN Colombia"] * 3
    assert p["_file"].tolist() == ["personas.csv"] * 3
    links = case.links
    assert links["type"].tolist() == ["documents", "transport", "family"]
    assert links["start"].tolist() == ["2023-01", "2023-02-15", None]
    assert links["grading"].tolist() == ["B2", "C3", "F6"]
    assert links["provenance"].tolist() == ["DIJIN Colombia"] * 3
    assert rej(case) == [
        ("personas.csv", 5, "fecha_nacimiento", "31/02/1985",
         "bad date: not in the format %d/%m/%Y nor an ISO 8601 date"),
        ("personas.csv", 6, "rol", "prófugo",
         "bad enumeration value: expected one of fugitive, associate, facilitator, unknown"),
        ("vinculos.csv", 5, "origen", "CO-004",
         "bad reference: refers to person CO-004, which was rejected (personas.csv line 5)"),
    ]
    assert case.counts["persons"] == {"file": "personas.csv", "read": 5, "taken": 3,
                                      "rejected": 2, "encoding": "cp1252", "delimiter": ";"}


def test_load_case_with_relative_mapping():
    case = load_case(EXAMPLE, mapping="mapping.yaml")
    assert len(case.persons) == 3


def test_unmapped_kinds_read_natively(tmp_path):
    (tmp_path / "gente.csv").write_text("codigo,nombre\nX1,Ana\nX2,Luis\n")
    (tmp_path / "links.csv").write_text("from_id,to_id,type\nX1,X2,family\n")
    (tmp_path / "m.yaml").write_text("files:\n  persons:\n    source: gente.csv\n"
                                     "    columns: {codigo: id, nombre: name}\n")
    case = load_mapped(tmp_path / "m.yaml")
    assert case.links[["from_id", "to_id"]].values.tolist() == [["X1", "X2"]]


def test_xlsx_source(tmp_path):
    import datetime

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Resumen"
    ws.append(["nothing here"])
    ws2 = wb.create_sheet("Personas")
    ws2.append([None])
    ws2.append(["Codigo", "Nombre", "Nacimiento", "Rol"])
    ws2.append([101, "Ana", datetime.datetime(1980, 3, 5), "fugitivo"])
    ws2.append([None, None, None, None])
    ws2.append([102, "Luis", "1975", "jefe"])
    ws2.append([103, "Eva", "05/03/1981", "facilitador", "extra!"])
    wb.save(tmp_path / "export.xlsx")
    (tmp_path / "m.yaml").write_text(
        "files:\n  persons:\n    source: export.xlsx\n    sheet: Personas\n"
        "    columns: {codigo: id, nombre: name, nacimiento: birth_date, rol: role}\n"
        "    values: {rol: {fugitivo: fugitive, facilitador: facilitator}}\n"
        "    dates: {nacimiento: '%d/%m/%Y'}\n")
    case = load_mapped(tmp_path / "m.yaml")
    assert case.persons[["id", "name", "birth_date", "role"]].values.tolist() == [
        ["101", "Ana", "1980-03-05", "fugitive"]]
    assert case.persons["_line"].tolist() == [3]
    assert rej(case) == [
        ("export.xlsx[Personas]", 5, "rol", "jefe",
         "bad enumeration value: expected one of fugitive, associate, facilitator, unknown"),
        ("export.xlsx[Personas]", 6, "", "103\tEva\t05/03/1981\tfacilitador\textra!",
         "wrong number of fields: a value beyond the 4 header columns"),
    ]
    assert case.counts["persons"]["file"] == "export.xlsx[Personas]"
    assert case.counts["persons"]["read"] == 3


def test_json_array_with_record_path(tmp_path):
    doc = {"meta": {}, "data": {"personas": [
        {"id": "A1", "nombre": "Ana", "alias": ["La Flaca", "Anita"], "rol": "fugitivo"},
        {"id": "A2", "nombre": None, "rol": "facilitador"},
        "not an object",
        {"id": "A3", "nombre": "Eva", "nacionalidad": "co"},
    ]}}
    (tmp_path / "p.json").write_text(json.dumps(doc, indent=2))
    (tmp_path / "m.yaml").write_text(
        "files:\n  persons:\n    source: p.json\n    records: data.personas\n"
        "    columns: {nombre: name, alias: aliases, rol: role, nacionalidad: nationality}\n"
        "    values: {role: {fugitivo: fugitive, facilitador: facilitator}}\n")
    case = load_mapped(tmp_path / "m.yaml")
    assert case.persons[["id", "aliases", "role", "nationality", "_line"]].values.tolist() == [
        ["A1", ["La Flaca", "Anita"], "fugitive", [], 1], ["A3", [], "unknown", ["CO"], 4]]
    assert rej(case) == [
        ("p.json", 2, "nombre", "", "missing required value"),
        ("p.json", 3, "", '"not an object"',
         'not a JSON object (a record must be {"column": value, ...})'),
    ]
    assert case.counts["persons"]["read"] == 4


def test_jsonl_source(tmp_path):
    (tmp_path / "p.jsonl").write_text(
        '{"id": "A1", "name": "Ana"}\n\n{"id": "A2", "name": "Luis", "birth_date": "1980-13"}\n'
        '{"id": "A3", "name": \n{"id": "A4", "name": "Eva", "score": 3.0}\n')
    (tmp_path / "m.yaml").write_text("files:\n  persons:\n    source: p.jsonl\n")
    case = load_mapped(tmp_path / "m.yaml")
    assert case.persons[["id", "_line", "score"]].values.tolist() == [["A1", 1, None], ["A4", 5, "3"]]
    assert [(r[1], r[2], r[4]) for r in rej(case)] == [
        (3, "birth_date", "bad date: not a valid date"),
        (4, "", "not valid JSON: Expecting value (column 22)"),
    ]


def write_mapping(tmp_path, text, source="gente.csv", header="codigo;nombre;rol;fecha\n"):
    (tmp_path / source).write_text(header + "X1;Ana;fugitivo;05/03/1980\n")
    p = tmp_path / "m.yaml"
    p.write_text(text)
    return p


BAD = [
    ("files:\n  person:\n    source: gente.csv\n",
     2, 3, "unknown file kind 'person' (did you mean 'persons'?); expected one of persons, "
           "organizations, links, travel, documents, phones, calls, locations"),
    ("files:\n  persons:\n    source: gente.csv\n    columns: {codigo: id, nombre: nmae}\n",
     4, 35, "'nmae' is not a column of persons (did you mean 'name'?); columns: id, name, aliases, "
            "birth_date, nationality, role, notice, wanted_by, offences, provenance"),
    ("files:\n  persons:\n    source: gente.csv\n    columns:\n      codigo: id\n      nombre: name\n"
     "    dates:\n      fecha: '%d/%q/%Y'\n",
     8, 7, "'fecha' in dates is neither a source column named under `columns` nor a column of "
            "persons"),
    ("files:\n  persons:\n    source: gente.csv\n    columns:\n      codigo: id\n      nombre: name\n"
     "      fecha: birth_date\n    dates:\n      fecha: '%d/%q/%Y'\n",
     9, 14, "bad date format '%d/%q/%Y': 'q' is a bad directive in format '%d/%q/%Y'"),
    ("files:\n  persons:\n    source: gente.csv\n    columns:\n      codigo: id\n      nombre: name\n"
     "      rol: role\n    values:\n      rol: {fugitivo: fugitve}\n",
     9, 23, "'fugitve' is not a value of persons.role (did you mean 'fugitive'?); expected one of "
            "fugitive, associate, facilitator, unknown"),
    ("files:\n  persons:\n    source: gentes.csv\n",
     3, 13, "source file not found: {dir}/gentes.csv"),
    ("files:\n  persons:\n    source: gente.csv\n    columns: {cod: id, nombre: name}\n",
     4, 15, "column 'cod' is not in gente.csv (found: codigo, nombre, rol, fecha)"),
    ("files:\n  persons:\n    source: gente.csv\n    columns: {nombre: name}\n",
     2, 3, "persons needs column 'id': name the source column that holds it under `columns` "
           "(e.g. `codigo: id`); gente.csv has: codigo, nombre, rol, fecha"),
    ("files:\n  persons:\n    source: gente.csv\n    encoding: klingon\n",
     4, 15, "unknown encoding 'klingon' (e.g. utf-8, cp1252, latin-1)"),
    ("files:\n  persons:\n    source: gente.csv\n    sheet: Hoja1\n",
     4, 5, "`sheet` applies to xlsx sources, not csv"),
    ("files:\n  persons:\n    source: gente.csv\n    colums: {}\n",
     4, 5, "unknown key 'colums' for persons (did you mean 'columns'?); expected one of source, "
           "format, encoding, delimiter, sheet, records, columns, values, dates, defaults"),
    ("files:\n  persons:\n    source: gente.csv\n    columns: {codigo: id, nombre: name}\n"
     "    defaults: {role: jefe}\n",
     5, 22, "bad default for 'role': bad enumeration value: expected one of fugitive, associate, "
            "facilitator, unknown"),
    ("files:\n  persons:\n    source: gente.csv\n    columns: {codigo: id, nombre: id}\n",
     4, 35, "two source columns map to 'id': 'codigo' and 'nombre'"),
    ("files:\n  persons: [\n", 3, 1, "not valid YAML: expected the node content, but found '<stream end>'"),
    ("phone_region: XX\nfiles:\n  persons:\n    source: gente.csv\n",
     1, 15, "phone_region 'XX' is not a region phone numbers know (an ISO 3166-1 alpha-2 code "
            "such as CO)"),
]


@pytest.mark.parametrize("text,line,col,message", BAD)
def test_bad_mapping_errors_name_line_and_column(tmp_path, text, line, col, message):
    p = write_mapping(tmp_path, text)
    with pytest.raises(MappingError) as e:
        read_mapping(p)
    assert (e.value.line, e.value.column) == (line, col)
    assert e.value.message == message.format(dir=tmp_path)
    assert str(e.value).startswith(f"{p}:{line}:{col}: ")


def test_mapping_error_before_any_row(tmp_path, monkeypatch):
    """A bad mapping stops before any data row is validated."""
    from netanalysis.ingest import load as load_mod

    called = []
    monkeypatch.setattr(load_mod, "validate_table", lambda *a, **k: called.append(a))
    p = write_mapping(tmp_path, "files:\n  persons:\n    source: gente.csv\n"
                                "    columns: {codigo: id, nombre: name}\n"
                                "  links:\n    source: vinculos.csv\n")
    with pytest.raises(MappingError, match="source file not found"):
        load_mapped(p)
    assert called == []


def test_mapping_file_missing(tmp_path):
    with pytest.raises(MappingError) as e:
        read_mapping(tmp_path / "nope.yaml")
    assert str(e.value) == f"{tmp_path / 'nope.yaml'}: mapping file not found"
