"""Hostile and broken CSV input (issue 14): each case is a regression test of one defect.

Mixed encodings, over-long fields, unclosed quotes in large files, byte order marks inside
the data, identifiers that look alike, non-ASCII digits, UTF-16/32, too many columns, and
out-of-range weights. Every case checks both what is taken and what is rejected.
"""

from __future__ import annotations

import pytest

from netanalysis.errors import InputError, SchemaError
from netanalysis.ingest import load_case
from netanalysis.ingest.read import (MAX_COLUMNS, MAX_FIELD_CHARS, decode_bytes, parse_csv_text,
                                     printable, read_csv_table)

from .conftest import rejects_of

NAMES = ["José Muñoz", "Ana Peña", "Iñaki Núñez", "Zoë Çelik", "Renée Dubois"]


def _utf8_with_one_cp1252_row(n=300, at=150):
    rows = [f"P{i},{NAMES[i % len(NAMES)]} {i},fugitive\n".encode("utf-8") for i in range(n)]
    rows[at] = f"P{at},Gómez Núñez,fugitive\n".encode("cp1252")
    return b"id,name,role\n" + b"".join(rows)


# ---------------------------------------------------------------- encodings

def test_mostly_utf8_with_one_cp1252_row_stays_utf8(write_case):
    d = write_case({"persons.csv": _utf8_with_one_cp1252_row()})
    case = load_case(d)
    c = case.counts["persons"]
    assert c["encoding"] == "utf-8"
    assert (c["read"], c["taken"], c["rejected"]) == (300, 299, 1)
    names = case.persons["name"].tolist()
    assert names[0] == "José Muñoz 0" and names[-1] == "Renée Dubois 299"
    assert all(n.startswith(tuple(NAMES)) for n in names)  # no name garbled
    [(f, line, col, problem)] = rejects_of(case)
    assert (f, line, col) == ("persons.csv", 152, "")
    assert problem.startswith("bad encoding: line 152 is not valid UTF-8")
    assert case.rejects["value"].tolist() == ["P150,Gómez Núñez,fugitive"]


def test_mostly_utf8_bad_line_inside_a_quoted_record(write_case):
    data = ("id,name,role,aliases\nP1,José,fugitive,\nP2,Ana,fugitive,\"a\n".encode("utf-8")
            + "Peña\"\n".encode("cp1252") + "P3,Zoë,fugitive,\n".encode("utf-8"))
    case = load_case(write_case({"persons.csv": data}))
    assert case.persons["id"].tolist() == ["P1", "P3"]
    assert [(r[1], r[3][:28]) for r in rejects_of(case)] == [(3, "bad encoding: line 4 is not ")]


def test_mostly_utf8_bad_lines_on_the_large_path(tmp_path):
    """A file over the fast-path size with one cp1252 line is read record by record."""
    body = b"".join(f"P{i},José {i},fugitive\n".encode("utf-8") for i in range(60_000))
    data = b"id,name,role\n" + body + "P60000,Peña,fugitive\n".encode("cp1252")
    p = tmp_path / "persons.csv"
    p.write_bytes(data)
    raw = read_csv_table(p)
    assert raw.encoding == "utf-8" and len(raw.data) == 60_000
    assert [b[0] for b in raw.bad] == [60_002]


def test_wholly_cp1252_file_is_still_cp1252():
    data = "".join(f"P{i},{n},fugitive\n" for i, n in enumerate(NAMES * 20)).encode("cp1252")
    text, enc = decode_bytes(b"id,name,role\n" + data, "p.csv")
    assert enc == "cp1252" and "Iñaki Núñez" in text
    assert not getattr(text, "bad_lines", None)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_by_byte_order_mark(write_case, codec):
    text = "id,name,role\nP1,José,fugitive\n"
    data = text.encode(codec)
    if codec != "utf-32":
        data = ("\ufeff" + text).encode(codec)
    case = load_case(write_case({"persons.csv": data}))
    assert case.counts["persons"]["encoding"] == "utf-32"
    assert case.persons["name"].tolist() == ["José"]


def test_utf16_without_bom_is_refused_with_a_clean_message(write_case):
    d = write_case({"persons.csv": "id,name,role\nP1,Ana,fugitive\n".encode("utf-16-le")})
    with pytest.raises(InputError) as e:
        load_case(d)
    msg = str(e.value)
    assert "UTF-16 or UTF-32 text without a byte order mark" in msg
    assert "\x00" not in msg


def test_messages_never_carry_control_characters(write_case):
    d = write_case({"persons.csv": "i\x1b[31md,n\x07ame\nP1,Ana\n"})
    with pytest.raises(SchemaError) as e:
        load_case(d)
    msg = str(e.value)
    assert "missing required columns id, name" in msg
    assert msg.isprintable() and "\\x1b[31md" in msg


def test_printable_escapes_nul_and_format_characters():
    assert printable("a\x00b\u202ec") == "a\\x00b\\u202ec"
    assert printable("José") == "José"


# ---------------------------------------------------------------- byte order marks, ids

def test_bom_at_the_start_of_a_data_row_is_not_part_of_the_id(write_case):
    d = write_case({"persons.csv": "id,name,role\nP1,Ana,fugitive\n\ufeffP2,Luis,fugitive\n",
                    "links.csv": "from_id,to_id,type\nP1,P2,associate\n"})
    case = load_case(d)
    assert case.persons["id"].tolist() == ["P1", "P2"]
    assert case.counts["links"]["taken"] == 1


def test_ids_are_nfc_and_without_format_characters(write_case):
    nfd, nfc = "Jose\u0301", "Jos\u00e9"
    d = write_case({"persons.csv": f"id,name,role\n{nfd},A,fugitive\n{nfc},B,fugitive\n"
                                   "P\u200b1,C,fugitive\n\u200b,D,fugitive\n",
                    "links.csv": f"from_id,to_id,type\n{nfc},P1,associate\n"})
    case = load_case(d)
    assert case.persons["id"].tolist() == [nfc, "P1"]
    assert [(r[1], r[2], r[3].split(":")[0]) for r in rejects_of(case)] == [
        (3, "id", "duplicate id"), (5, "id", "missing required value")]
    assert case.links[["from_id", "to_id"]].values.tolist() == [[nfc, "P1"]]


# ---------------------------------------------------------------- digits

@pytest.mark.parametrize("value", ["\u0661\u0669\u0668\u0660-\u0660\u0661",  # Arabic-Indic
                                   "\uff11\uff19\uff18\uff10",  # fullwidth
                                   "198\u0660"])
def test_non_ascii_digits_are_not_dates(write_case, value):
    d = write_case({"persons.csv": f"id,name,role,birth_date\nP1,Ana,fugitive,{value}\n"
                                   "P2,Luis,fugitive,1980\n"})
    case = load_case(d)
    assert case.persons["id"].tolist() == ["P2"]
    [(_, line, col, problem)] = rejects_of(case)
    assert (line, col) == (2, "birth_date") and problem.startswith("bad date")


def test_non_ascii_digits_with_a_mapping_date_format():
    from netanalysis.ingest.validate import parse_date

    with pytest.raises(ValueError, match="digits other than 0-9"):
        parse_date("\u0660\u0665/\u0660\u0663/\u0661\u0669\u0668\u0660", ("%d/%m/%Y",))


def test_non_ascii_digits_are_not_numbers(write_case):
    d = write_case({"links.csv": "from_id,to_id,type,weight\nP1,P2,associate,\uff12\n"
                                 "P1,P3,associate,\u0663\n"
                                 "P2,P3,associate,2\n"})
    case = load_case(d)
    assert case.links["weight"].tolist() == [2.0]
    assert [(r[1], r[2]) for r in rejects_of(case)] == [(2, "weight"), (3, "weight")]


# ---------------------------------------------------------------- weights

@pytest.mark.parametrize("value", ["-1", "0", "1e308", "1000001", "inf", "nan"])
def test_weight_out_of_range_is_rejected(write_case, value):
    d = write_case({"links.csv": f"from_id,to_id,type,weight\nP1,P2,associate,{value}\n"
                                 "P1,P3,associate,2.5\nP2,P3,associate,1000000\n"})
    case = load_case(d)
    assert case.links["weight"].tolist() == [2.5, 1_000_000.0]
    [(_, line, col, problem)] = rejects_of(case)
    assert (line, col) == (2, "weight") and problem.startswith("bad number")


def test_weight_range_message(write_case):
    d = write_case({"links.csv": "from_id,to_id,type,weight\nP1,P2,associate,-1\n"})
    [(_, _, _, problem)] = rejects_of(load_case(d))
    assert problem == "bad number: out of range, expected greater than 0 and at most 1,000,000"


def test_weight_range_is_declared_in_the_schema():
    from netanalysis.model.vocab import file_columns

    w = file_columns("links")["weight"]
    assert (w["min"], w.get("min_exclusive"), w["max"]) == (0, True, 1_000_000)


def test_negative_call_duration_is_rejected(write_case):
    d = write_case({"calls.csv": "caller,callee,start,duration_s\n+573001110000,+573001110001,"
                                 "2024-03-01T10:00,-5\n+573001110000,+573001110001,2024-03-01,0\n"})
    case = load_case(d)
    assert case.counts["calls"]["taken"] == 1
    assert [(r[1], r[2]) for r in rejects_of(case)] == [(2, "duration_s")]


# ---------------------------------------------------------------- field size, quotes

def _long_field_case(write_case, filler_rows):
    rows = ["id,name,role", f"P1,{'x' * (MAX_FIELD_CHARS + 1)},fugitive", "P2,Ana,fugitive"]
    rows += [f"Q{i},Name {i},associate" for i in range(filler_rows)]
    return write_case({"persons.csv": "\n".join(rows) + "\n"})


@pytest.mark.parametrize("filler_rows", [0, 50_000])  # under and over the fast-path size
def test_over_long_field_is_a_reject_of_its_row_in_files_of_any_size(write_case, filler_rows):
    case = load_case(_long_field_case(write_case, filler_rows))
    c = case.counts["persons"]
    assert (c["read"], c["taken"], c["rejected"]) == (2 + filler_rows, 1 + filler_rows, 1)
    [(_, line, col, problem)] = rejects_of(case)
    assert line == 2
    assert problem == (f"field too long: column name has {MAX_FIELD_CHARS + 1:,} characters, "
                       f"more than the {MAX_FIELD_CHARS:,} a field may have")
    assert len(case.rejects["value"].iloc[0]) <= 200


def test_field_at_the_limit_is_taken(write_case):
    d = write_case({"persons.csv": f"id,name,role\nP1,{'x' * MAX_FIELD_CHARS},fugitive\n"})
    assert load_case(d).counts["persons"]["taken"] == 1


@pytest.mark.parametrize("n", [50, 40_000])
def test_unclosed_quote_reported_where_it_starts(write_case, n):
    rows = ["id,name,role"] + [f"P{i},Name {i},fugitive" for i in range(n)]
    rows[10] = 'P9,"Name 9,fugitive'
    case = load_case(write_case({"persons.csv": "\n".join(rows) + "\n"}))
    [(_, line, _, problem)] = rejects_of(case)
    assert line == 11
    assert f"runs from line 11 to line {n + 1}: an unclosed quote?" in problem


# ---------------------------------------------------------------- columns and cells

def test_too_many_columns_is_refused_before_reading(write_case):
    n = MAX_COLUMNS + 1
    header = "id,name," + ",".join(f"c{i}" for i in range(n - 2))
    d = write_case({"persons.csv": header + "\nP1,Ana" + "," * (n - 2) + "\n"})
    with pytest.raises(InputError) as e:
        load_case(d)
    assert str(e.value).endswith(f"persons.csv:1: the header has {n:,} columns, more than the "
                                 f"{MAX_COLUMNS:,} a table may have: is this the right file, "
                                 "and the right delimiter?")


def test_columns_at_the_limit_are_read(write_case):
    header = "id,name," + ",".join(f"c{i}" for i in range(MAX_COLUMNS - 2))
    d = write_case({"persons.csv": header + "\nP1,Ana" + ",v" * (MAX_COLUMNS - 2) + "\n"})
    case = load_case(d)
    assert case.counts["persons"]["taken"] == 1
    assert case.persons[f"c{MAX_COLUMNS - 3}"].tolist() == ["v"]


@pytest.mark.parametrize("pad", [0, 1 << 20])
def test_a_record_of_600k_cells_is_one_reject(tmp_path, pad):
    cells = ",".join(["x"] * 600_000)
    filler = "".join(f"Q{i},N,associate\n" for i in range(pad // 16))
    p = tmp_path / "persons.csv"
    p.write_text("id,name,role\nP1,Ana,fugitive\n" + cells + "\n" + filler)
    raw = read_csv_table(p)
    assert len(raw.data) == 1 + pad // 16
    [(line, problem, value, kept)] = raw.bad
    assert line == 3 and problem.startswith("wrong number of fields: 600,000 fields")
    assert len(kept) <= MAX_COLUMNS + 1 and len(value) <= 200


def test_parse_csv_text_bad_lines_without_decoding():
    """Text that is not a DecodedText has no bad lines: nothing is rejected for encoding."""
    raw = parse_csv_text("id,name\nP1,Ana\n", "p.csv", display="p.csv", encoding="utf-8")
    assert raw.bad == [] and raw.data["id"].tolist() == ["P1"]


# ---------------------------------------------------------------- the same causes elsewhere

def test_header_names_are_normalised_like_ids(write_case):
    d = write_case({"persons.csv": "\u200bID,Nam\u00e9\u200d,role\nP1,Ana,fugitive\n"})
    raw = read_csv_table(d / "persons.csv")
    assert raw.header == ["id", "nam\u00e9", "role"]


def test_names_are_nfc(write_case):
    d = write_case({"persons.csv": "id,name,role,aliases\nP1,Jose\u0301,fugitive,Pen\u0303a|X\n"})
    case = load_case(d)
    assert case.persons["name"].tolist() == ["Jos\u00e9"]
    assert case.persons["aliases"].tolist() == [["Pe\u00f1a", "X"]]


def test_phone_digits_of_other_scripts_and_format_characters(write_case):
    d = write_case({"phones.csv": "number,person_id\n"
                                  "+\u0665\u0667\u0663\u0660\u0660\u0661\u0661\u0661\u0660\u0660\u0660\u0660,P1\n"
                                  "\uff0b57\u200b3001110001,P2\n"})
    case = load_case(d)
    assert case.tables["phones"]["number"].tolist() == ["+573001110000", "+573001110001"]


@pytest.mark.parametrize("encoding", ["rot13", "base64", "no-such-codec"])
def test_an_unknown_or_non_text_encoding_is_a_clear_error(encoding):
    with pytest.raises(InputError) as e:
        decode_bytes(b"id,name\nP1,Ana\n", "p.csv", encoding)
    assert str(e.value).startswith(f"p.csv: unknown text encoding '{encoding}'")


def test_reference_messages_escape_control_characters(write_case):
    d = write_case({"persons.csv": "id,name,role\nP\x1b[2J,Ana,bogus\nP2,Luis,fugitive\n",
                    "links.csv": "from_id,to_id,type\nP\x1b[2J,P2,associate\n"})
    problems = [r[3] for r in rejects_of(load_case(d)) if r[0] == "links.csv"]
    assert problems == ["bad reference: refers to person P\\x1b[2J, which was rejected "
                        "(persons.csv line 2)"]
