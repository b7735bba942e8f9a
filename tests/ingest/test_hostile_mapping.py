"""Hostile and broken mapping sources: zip bombs, huge dimensions, truncated XML, odd JSON,
sources outside the case, symbolic links, odd encodings and YAML (issue 14)."""

from __future__ import annotations

import os
import tracemalloc
import zipfile

import pytest

from netanalysis.errors import InputError, MappingError
from netanalysis.ingest import load_case
from netanalysis.ingest.load import load_mapped
from netanalysis.ingest.mapping import read_mapping

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types '
       'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
       'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
       'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
       'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
       'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = (f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="http://schemas.'
       'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
       'sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
           'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
           'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
           'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
           'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           'Target="sharedStrings.xml"/></Relationships>')
HEADER_ROWS = ('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>name</t>'
               '</is></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr">'
               '<is><t>Ana</t></is></c></row>')


def sheet_xml(rows=HEADER_ROWS, dimension=None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{rows}'
            '</sheetData></worksheet>')


def write_xlsx(path, sheet=None, shared=("id", "P1")):
    """Write a minimal workbook by hand (zipfile), so that any part can be made hostile."""
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'
           + "".join(f"<si><t>{s}</t></si>" for s in shared) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml() if sheet is None else sheet)
        z.writestr("xl/sharedStrings.xml", sst)
    return path


def mapping_for(folder, source, extra=""):
    p = folder / "m.yaml"
    p.write_text(f"files:\n  persons:\n    source: {source}\n{extra}")
    return p


def test_hand_built_workbook_reads(tmp_path):
    write_xlsx(tmp_path / "p.xlsx")
    case = load_mapped(mapping_for(tmp_path, "p.xlsx"))
    assert case.persons[["id", "name"]].values.tolist() == [["P1", "Ana"]]


def test_shared_string_bomb_refused_fast(tmp_path):
    # 30 MB of one shared string packed into about 30 KB: refused from the zip directory,
    # before anything is unpacked (before the fix: loaded whole, 4 GB for a 2.9 MB file).
    write_xlsx(tmp_path / "bomb.xlsx", shared=("id", "P" * 30_000_000))
    assert (tmp_path / "bomb.xlsx").stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(MappingError, match="expands .* times its compressed size"):
            read_mapping(mapping_for(tmp_path, "bomb.xlsx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_long_cell_text_refused(tmp_path, monkeypatch):
    # Under the ratio limit, a shared string longer than Excel's cell limit is still refused,
    # while streaming (it is never held whole).
    write_xlsx(tmp_path / "long.xlsx", shared=("id", "".join(chr(65 + i % 26) for i in
                                                             range(40_000))))
    with pytest.raises(MappingError, match="longer than 32,767 characters") as err:
        read_mapping(mapping_for(tmp_path, "long.xlsx"))
    assert "xl/sharedStrings.xml line 1" in err.value.message


def test_declared_dimension_not_trusted(tmp_path):
    # A 2 KB sheet declaring A1:XFD1048576 with a last row at 1048576: before the fix every
    # row was padded to 16,384 columns (about 50 minutes); rows are now read as they come.
    rows = HEADER_ROWS + '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>P9</t></is></c></row>'
    write_xlsx(tmp_path / "dim.xlsx", sheet_xml(rows, "A1:XFD1048576"))
    case = load_mapped(mapping_for(tmp_path, "dim.xlsx"))
    assert case.persons["id"].tolist() == ["P1"]
    assert case.rejects[["line", "column"]].values.tolist() == [[1048576, "name"]]


@pytest.mark.parametrize("rows, message", [
    ('<row r="1"><c r="XFD1"><v>1</v></c></row>', "column 16,384 .XFD1.: a sheet may have at most"),
    ('<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "more than 1,048,576 rows"),
])
def test_sheet_size_bounded(tmp_path, rows, message):
    write_xlsx(tmp_path / "big.xlsx", sheet_xml(HEADER_ROWS + rows))
    with pytest.raises(MappingError, match=message):
        read_mapping(mapping_for(tmp_path, "big.xlsx"))


def test_truncated_sheet_is_an_error(tmp_path):
    write_xlsx(tmp_path / "cut.xlsx", sheet_xml()[:-40])
    with pytest.raises(MappingError) as err:
        read_mapping(mapping_for(tmp_path, "cut.xlsx"))
    assert "xl/worksheets/sheet1.xml is not well-formed XML" in err.value.message
    assert "damaged or truncated" in err.value.message


def test_dtd_in_workbook_refused(tmp_path):
    sheet = sheet_xml().replace("<worksheet", '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1)
    write_xlsx(tmp_path / "dtd.xlsx", sheet)
    with pytest.raises(MappingError, match="document type or entity declaration"):
        read_mapping(mapping_for(tmp_path, "dtd.xlsx"))


def test_not_a_zip(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(MappingError, match="not a readable Excel workbook"):
        read_mapping(mapping_for(tmp_path, "x.xlsx"))


# ---------------------------------------------------------------- JSON

def _json_case(tmp_path, text, name="p.json", extra=""):
    (tmp_path / name).write_text(text)
    return mapping_for(tmp_path, name, extra)


def test_deep_json_is_an_error(tmp_path):
    m = _json_case(tmp_path, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(MappingError) as err:
        read_mapping(m)
    assert "nested too deeply" in err.value.message
    assert ":1:201: " in err.value.message  # where the nesting passes 200 levels
    assert str(err.value).startswith(str(m))


def test_deep_jsonl_line_is_a_reject(tmp_path):
    text = '{"id": "A1", "name": "Ana"}\n' + '{"id": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    case = load_mapped(_json_case(tmp_path, text, "p.jsonl"))
    assert case.persons["id"].tolist() == ["A1"]
    assert case.rejects[["line", "problem"]].values.tolist() == [
        [2, "nested too deeply (more than about a thousand levels)"]]


def test_long_integer_kept_digit_for_digit(tmp_path):
    digits = "9" * 5000
    m = _json_case(tmp_path, f'[{{"id": {digits}, "name": "Ana"}}]')
    case = load_mapped(m)
    assert case.persons["id"].tolist() == [digits]


@pytest.mark.parametrize("record, problem", [
    ('{"id": NaN, "name": "Ana"}', "key 'id': NaN is not a value"),
    ('{"id": Infinity, "name": "Ana"}', "key 'id': Infinity is not a value"),
    ('{"id": -Infinity, "name": "Ana"}', "key 'id': -Infinity is not a value"),
    ('{"id": 1e400, "name": "Ana"}', "key 'id': 1e400 is not a value"),
    ('{"id": "X", "id": "Y", "name": "Ana"}', "key 'id' appears twice in the record"),
    ('{"id": {"a": 1}, "name": "Ana"}', "key 'id': an object is not a value"),
    ('{"id": ["A", "B"], "name": "Ana"}', "key 'id': an array is not a single value"),
    ('{"id": "X", "name": "Ana", "aliases": [["a"]]}',
     "key 'aliases': an array of objects or arrays is not a value"),
])
def test_json_values_that_cannot_be_cells(tmp_path, record, problem):
    for name, text in (("p.json", f'[{{"id": "A0", "name": "Eva"}}, {record}]'),
                       ("p.jsonl", f'{{"id": "A0", "name": "Eva"}}\n{record}\n')):
        case = load_mapped(_json_case(tmp_path, text, name))
        assert case.persons["id"].tolist() == ["A0"], name
        assert [(int(r.line), r.problem[:len(problem)]) for r in case.rejects.itertuples()] == [
            (2, problem)]
        assert case.counts["persons"]["read"] == 2


def test_arrays_of_values_still_lists(tmp_path):
    case = load_mapped(_json_case(tmp_path, '[{"id": "A1", "name": "Ana", "aliases": ["x", "y"]}]'))
    assert case.persons["aliases"].tolist() == [["x", "y"]]


def test_duplicate_key_outside_records(tmp_path):
    m = _json_case(tmp_path, '{"data": [], "data": [{"id": "A1", "name": "Ana"}]}',
                   extra="    records: data\n")
    with pytest.raises(MappingError, match="the key 'data' appears twice"):
        read_mapping(m)


def test_jsonl_splits_on_newline_only(tmp_path):
    text = ('{"id": "A1", "name": "Ana\u2028Bea"}\n{"id": "A2", "name": "Luis\x0cX\x1c"}\n'
            '{"id": "A3", "name": "Eva\u0085X"}\r\n{"id": "A4", "name":\n')
    case = load_mapped(_json_case(tmp_path, text, "p.jsonl"))
    # a raw form feed or \x1c inside a string is invalid JSON: a reject of its own line
    assert case.persons[["id", "_line"]].values.tolist() == [["A1", 1], ["A3", 3]]
    assert case.persons["name"].tolist() == ["Ana\u2028Bea", "Eva\u0085X"]
    assert case.rejects["line"].tolist() == [2, 4]


# ---------------------------------------------------------------- sources and links

@pytest.mark.parametrize("source", ["../../../../../../etc/passwd", "/etc/passwd"])
def test_source_outside_case_refused(tmp_path, source):
    case = tmp_path / "case"
    case.mkdir()
    m = mapping_for(case, source, "    format: csv\n    columns: {root: id}\n")
    with pytest.raises(MappingError) as err:
        load_case(case, mapping=m)
    assert "lies outside the case folder" in err.value.message
    assert "root:" not in str(err.value) and "/bin/" not in str(err.value)


def test_source_outside_allowed_explicitly(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "p.csv").write_text("id,name\nP1,Ana\n")
    case = tmp_path / "case"
    case.mkdir()
    m = mapping_for(case, "../elsewhere/p.csv")
    with pytest.raises(MappingError, match="outside the case folder"):
        load_case(case, mapping=m)
    assert load_case(case, mapping=m, allow_outside=True).persons["id"].tolist() == ["P1"]


def test_source_in_mapping_folder_allowed(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "p.csv").write_text("id,name\nP1,Ana\n")
    (tmp_path / "case").mkdir()
    m = mapping_for(tmp_path / "maps", "p.csv")
    assert load_case(tmp_path / "case", mapping=m).persons["id"].tolist() == ["P1"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links on this system")
def test_symlinked_source_and_case_file_refused(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("id,name\nS1,Secret\n")
    case = tmp_path / "case"
    case.mkdir()
    (case / "persons.csv").symlink_to(secret)
    with pytest.raises(InputError, match="symbolic link to a file outside the case folder"):
        load_case(case)
    assert load_case(case, allow_outside=True).persons["id"].tolist() == ["S1"]
    (case / "persons.csv").unlink()
    (case / "p.csv").symlink_to(secret)
    with pytest.raises(MappingError, match="outside .*through a symbolic link"):
        load_case(case, mapping=mapping_for(case, "p.csv"))


def test_symlink_inside_case_allowed(tmp_path):
    case = tmp_path / "case"
    case.mkdir()
    (case / "real.csv").write_text("id,name\nP1,Ana\n")
    (case / "persons.csv").symlink_to(case / "real.csv")
    assert load_case(case).persons["id"].tolist() == ["P1"]


def test_header_names_cut_short_in_messages(tmp_path):
    (tmp_path / "p.csv").write_text(",".join("c" * 100 + str(i) for i in range(50)) + "\n1\n")
    m = mapping_for(tmp_path, "p.csv", "    columns: {nope: id}\n")
    with pytest.raises(MappingError) as err:
        read_mapping(m)
    assert len(err.value.message) < 1500
    assert "and 30 more" in err.value.message


# ---------------------------------------------------------------- encodings and YAML

@pytest.mark.parametrize("enc", ["rot13", "base64", "zlib", "idna", "unicode_escape"])
def test_non_text_encoding_refused(tmp_path, enc):
    (tmp_path / "p.csv").write_text("id,name\nP1,Ana\n")
    m = mapping_for(tmp_path, "p.csv", f"    encoding: {enc}\n")
    with pytest.raises(MappingError, match="is not a text encoding of files") as err:
        read_mapping(m)
    assert (err.value.line, err.value.column) == (4, 15)


def test_deep_yaml_refused(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("files:\n  persons: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(MappingError, match="nested more than 16 levels") as err:
        read_mapping(p)
    assert err.value.line == 2


def test_yaml_alias_refused(tmp_path):
    (tmp_path / "p.csv").write_text("id,name\nP1,Ana\n")
    p = tmp_path / "m.yaml"
    p.write_text("files:\n  persons:\n    source: &s p.csv\n  links:\n    source: *s\n")
    with pytest.raises(MappingError, match="aliases") as err:
        read_mapping(p)
    assert (err.value.line, err.value.column) == (5, 13)


def test_huge_mapping_refused(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("# " + "x" * (1 << 20) + "\nfiles: {}\n")
    with pytest.raises(MappingError, match="at most 1,048,576"):
        read_mapping(p)



# ---------------------------------------------------------------- CLI

@pytest.mark.parametrize("command", [
    ["validate"], ["resolve", "-q", "--out", "merges.csv"], ["infer", "-q", "--out", "inf.csv"],
    ["map", "-q", "--out", "net.html", "--no-resolve", "--no-infer"],
    ["analyze", "-q", "--out", "out", "--no-map", "--no-report", "--no-resolve", "--no-infer"]])
def test_cli_refuses_outside_sources_unless_allowed(tmp_path, monkeypatch, command):
    from click.testing import CliRunner

    import netanalysis.cli  # noqa: F401  (registers every command)
    from netanalysis.cli._common import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "p.csv").write_text("id,name\nP1,Ana\nP2,Luis\n")
    case = tmp_path / "case"
    case.mkdir()
    m = mapping_for(case, "../elsewhere/p.csv")
    args = [command[0], str(case), "--mapping", str(m), *command[1:]]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert "lies outside the case folder" in r.stderr and "Traceback" not in r.output
    r = CliRunner().invoke(main, [*args, "--allow-outside-sources"])
    assert r.exit_code == 0, r.output


def test_corrupt_deflate_data_is_an_error(tmp_path):
    # Found by the fuzz test: a flipped byte in a member's compressed data was a zlib.error.
    p = write_xlsx(tmp_path / "c.xlsx", sheet_xml(HEADER_ROWS * 50))
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for i in range(start + 5, start + 25):
        data[i] ^= 0x55
    p.write_bytes(bytes(data))
    with pytest.raises(MappingError, match="damaged"):
        read_mapping(mapping_for(tmp_path, "c.xlsx"))


def test_workbook_changed_after_validation_is_checked_again(tmp_path):
    # The read skips the second check only for the very file the header check saw.
    write_xlsx(tmp_path / "p.xlsx")
    m = read_mapping(mapping_for(tmp_path, "p.xlsx"))
    write_xlsx(tmp_path / "p.xlsx", shared=("id", "P" * 30_000_000))
    with pytest.raises(InputError, match="possible zip bomb"):
        m.files["persons"].read()


@pytest.mark.parametrize("command", [["report"], ["export"], ["neo4j", "push"]])
def test_cli_flag_offered_wherever_mapping_is(command):
    from click.testing import CliRunner

    import netanalysis.cli  # noqa: F401  (registers every command)
    from netanalysis.cli._common import main

    r = CliRunner().invoke(main, [*command, "--help"])
    assert r.exit_code == 0, r.output
    assert "--mapping" in r.output and "--allow-outside-sources" in r.output
