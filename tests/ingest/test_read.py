"""Reading raw tables: encodings, delimiters, headers, quoting and editor line numbers."""

from __future__ import annotations

import numpy as np
import pytest

from netanalysis.errors import InputError
from netanalysis.ingest import load_case, read as rd
from netanalysis.ingest.read import decode_bytes, parse_csv_text, read_csv_table, sniff_delimiter


def test_utf8_bom(write_case):
    d = write_case({"persons.csv": b"\xef\xbb\xbfid,name\nP1,Jos\xc3\xa9\n"})
    case = load_case(d)
    assert case.persons["name"].tolist() == ["José"]
    assert case.counts["persons"]["encoding"] == "utf-8-sig"


def test_cp1252_detected_and_names_survive(write_case):
    d = write_case({"persons.csv": "id;name;role\nP1;José Muñoz;fugitive\nP2;Ana Peña;\n"},
                   encoding="cp1252")
    case = load_case(d)
    assert case.persons["name"].tolist() == ["José Muñoz", "Ana Peña"]
    assert case.counts["persons"]["encoding"] == "cp1252"
    assert case.counts["persons"]["delimiter"] == ";"


def test_cp1252_short_file():
    text, enc = decode_bytes("id,name\nP1,José Muñoz\n".encode("cp1252"), "p.csv")
    assert (text, enc) == ("id,name\nP1,José Muñoz\n", "cp1252")


def test_utf8_preferred_when_it_decodes():
    text, enc = decode_bytes("id,name\nP1,Muñoz – “El Gato”\n".encode("utf-8"), "p.csv")
    assert enc == "utf-8" and "Muñoz – “El Gato”" in text


def test_utf16_with_bom():
    text, enc = decode_bytes("id\tname\nP1\tJosé\n".encode("utf-16"), "p.csv")
    assert enc == "utf-16" and text == "id\tname\nP1\tJosé\n"


def test_cyrillic_is_not_forced_to_cp1252():
    data = ("id,name,city\n" + "".join(f"P{i},Иван Петров {i},Москва\n" for i in range(20))).encode("cp1251")
    text, enc = decode_bytes(data, "p.csv")
    assert enc == "cp1251" and "Иван Петров" in text


def test_explicit_encoding_error_names_line():
    with pytest.raises(InputError) as e:
        decode_bytes(b"id,name\nP1,Jos\xe9\n", "p.csv", "utf-8")
    assert str(e.value) == ("p.csv:2: cannot decode the file as utf-8 (byte 0xe9): fix the "
                            "encoding named in the mapping")


@pytest.mark.parametrize("line,expected", [("id;name;role", ";"), ("id\tname", "\t"),
                                           ("id,name", ","), ("id", ","),
                                           ('"a;b",c,d', ",")])
def test_sniff_delimiter(line, expected):
    assert sniff_delimiter(line) == expected


def test_tab_delimited(write_case):
    case = load_case(write_case({"persons.csv": "id\tname\nP1\tAna, la de Cali\n"}))
    assert case.persons["name"].tolist() == ["Ana, la de Cali"]
    assert case.counts["persons"]["delimiter"] == "\t"


def test_header_case_and_spaces(write_case):
    case = load_case(write_case({"persons.csv": " ID ,  NaMe\t, Role \nP1, Ana ,FUGITIVE\n"}))
    assert case.persons[["id", "name", "role"]].values.tolist() == [["P1", "Ana", "fugitive"]]


def test_quoted_newlines_keep_editor_lines(write_case):
    text = ('id,name,notice\n'
            'P1,"Ana\nGómez\n(la Flaca)",red\n'
            '\n'
            'P2,"Luis ""El Mono""",\r\n'
            'P3,"x\r\ny",bogus\n')
    case = load_case(write_case({"persons.csv": text}))
    assert case.persons["_line"].tolist() == [2, 6]
    assert case.persons["name"].tolist() == ["Ana\nGómez\n(la Flaca)", 'Luis "El Mono"']
    assert case.rejects[["line", "column"]].values.tolist() == [[7, "notice"]]
    assert case.counts["persons"]["read"] == 3


def test_blank_lines_and_empty_rows_not_counted(write_case):
    case = load_case(write_case({"persons.csv": "\n\nid,name\n\nP1,Ana\n,\n   \nP2,Luis\n\n"}))
    assert case.persons["_line"].tolist() == [5, 8]
    assert case.counts["persons"]["read"] == 2


def test_unclosed_quote_is_a_reject_not_a_silent_loss(write_case):
    case = load_case(write_case({"persons.csv": 'id,name,role\nP1,"Ana,fugitive\nP2,Luis,associate\n'}))
    r = case.rejects.iloc[0]
    assert (r["line"], r["problem"]) == (
        2, "wrong number of fields: 2 fields, the header has 3 (the record runs from line 2 to "
           "line 3: an unclosed quote?)")
    assert case.counts["persons"] == {"file": "persons.csv", "read": 1, "taken": 0, "rejected": 1,
                                      "encoding": "utf-8", "delimiter": ","}


TRICKY = [
    'id,name,role\nP1,Ana,fugitive\nP2,"Luis\nPérez",associate\n\nP3,Juan\n,,\n   \nP4,Eva,,\nP5,"x",y,z\n',
    'id,name,role\r\nP1,Ana,fugitive\r\nP2,"Lu\r\nis",associate\r\n\r\nP3,Juan,associate,\r\n',
    'id,name\nP1,Jo"se\nP2,Ana\n',                 # stray quote: the csv module decides
    'id,name\rP1,Ana\rP2,Luis\r',                  # old Mac line ends
    '\n\n id , NAME \nP1, Ana \n',
    'id;name;role\nP1;"a;b";fugitive\nP2;c\n',
    'id,name,role\nP1,"Ana ""la"" Gómez",\nP2,"",\n',
    'id,name,role\nP1,"Ana\nGómez"\nP2,"x",y,\n',   # a short record over two lines
    'id,name\nP1,Ana,\nP2,Luis, \nP3,Eva,,x\n',          # trailing empty cells, one not empty
    'id,name,role\nP1,a "b,c" d,x\nP2,"q"r,y\n',           # quotes inside unquoted fields
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_path_equals_csv_module(text, monkeypatch):
    slow = parse_csv_text(text, "p.csv", display="p.csv", encoding="utf-8")
    monkeypatch.setattr(rd, "_FAST_MIN_CHARS", 0)
    fast = parse_csv_text(text, "p.csv", display="p.csv", encoding="utf-8")
    assert fast.header == slow.header
    assert fast.lines.tolist() == slow.lines.tolist()
    assert [b[:3] for b in fast.bad] == [b[:3] for b in slow.bad]
    for c in slow.header:
        a = [v.strip() for v in fast.data[c]] if not fast.stripped else list(fast.data[c])
        assert a == [v.strip() for v in slow.data[c]]


def test_fast_path_on_a_large_file(tmp_path):
    rows = ["id,name,role,birth_date"]
    for i in range(60000):
        if i % 997 == 0:
            rows.append(f'P{i},"Name\n{i}",associate,1980')
        elif i % 1999 == 0:
            rows.append("")
        elif i % 2503 == 0:
            rows.append(f"P{i},short")
        else:
            rows.append(f"P{i},Name {i},associate,19{i % 100:02d}")
    p = tmp_path / "persons.csv"
    p.write_text("\n".join(rows) + "\n")
    fast = read_csv_table(p)
    slow = rd._parse_slow(p.read_text(), p, "persons.csv", "utf-8", ",")
    assert len(p.read_bytes()) > rd._FAST_MIN_CHARS
    assert fast.lines.tolist() == slow.lines.tolist()
    assert [b[:3] for b in fast.bad] == [b[:3] for b in slow.bad]
    assert fast.data.equals(slow.data)
    assert np.all(np.diff(fast.lines) > 0)


@pytest.mark.parametrize("blank", ["", "   ", "\t,,"])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_pyarrow_reader_equals_csv_module(tmp_path, monkeypatch, eol, blank):
    """Large regular files are parsed by pyarrow (pandas' parser unused), as the csv module."""
    rows = ["id,name,role"]
    for i in range(40000):
        if i % 997 == 0:
            rows.append(f'P{i},"Mu\u00f1oz{eol}{i}",associate')      # a newline inside quotes
        elif i % 1009 == 0:
            rows.append(f'P{i},"Ana ""la"" G\u00f3mez, {i}",')        # doubled quotes, delimiter
        elif i % 1999 == 0:
            rows.append(blank)                                    # blank or all-empty record
        else:
            rows.append(f"P{i}, Name {i} ,fugitive")
    p = tmp_path / "persons.csv"
    p.write_bytes((eol.join(rows) + eol).encode("utf-8"))
    slow = rd._parse_slow(p.read_bytes().decode("utf-8"), p, "persons.csv", "utf-8",
                          ",")
    if blank == "":
        def refuse(*args, **kwargs):
            raise AssertionError("pandas' parser used on a regular file")
        monkeypatch.setattr(rd.pd, "read_csv", refuse)
    fast = read_csv_table(p)
    assert len(p.read_bytes()) > rd._FAST_MIN_CHARS
    assert fast.header == slow.header
    assert fast.lines.tolist() == slow.lines.tolist()
    assert [b[:3] for b in fast.bad] == [b[:3] for b in slow.bad]
    for c in slow.header:
        got = list(fast.data[c]) if fast.stripped else [v.strip() for v in fast.data[c]]
        assert got == [v.strip() for v in slow.data[c]]


def test_excel_and_pdf_signatures(tmp_path):
    for data, what in ((b"\xd0\xcf\x11\xe0rest", r"old Excel workbook \(\.xls\)"), (b"%PDF-1.4", "PDF")):
        p = tmp_path / "x.csv"
        p.write_bytes(data)
        with pytest.raises(InputError, match=f"not a CSV file: it looks like .*{what}"):
            read_csv_table(p)


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_csv_table(tmp_path)


def test_read_records_trims_trailing_empty_fields_then_applies_the_full_record_rules():
    """A record with empty fields past the header's width is trimmed and then read exactly as a
    record of the header's width: kept, or rejected for an over-long field (line named)."""
    import csv
    import io

    from netanalysis.ingest.read import MAX_FIELD_CHARS, read_records

    long = "x" * (MAX_FIELD_CHARS + 1)
    text = "\n".join(["P1,Ana", "P2,Eva,,", f"P3,{long}", f"P4,{long},", ",", " , ", ",,", "P5",
                      "P6,Rui,extra", " ,,", "P7,Lia, "]) + "\n"
    old = csv.field_size_limit(4 * MAX_FIELD_CHARS)
    try:
        rows, lines, bad = read_records(csv.reader(io.StringIO(text, newline="")), ["id", "name"], ",",
                                        offset=1)
    finally:
        csv.field_size_limit(old)
    assert rows == [["P1", "Ana"], ["P2", "Eva"], [" ", " "], ["P7", "Lia"]]
    assert lines == [2, 3, 7, 12]
    assert [(b[0], b[1].split(":")[0]) for b in bad] == [
        (4, "field too long"), (5, "field too long"), (9, "wrong number of fields"),
        (10, "wrong number of fields")]
    assert bad[1][3] == ["P4", long]  # the trimmed record's cells
