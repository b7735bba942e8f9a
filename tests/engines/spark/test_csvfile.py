"""Spark's CSV parse gives what the embedded reader gives, at any split of the file into blocks."""

from __future__ import annotations

import random

import pytest

from netanalysis.errors import InputError
from netanalysis.ingest.read import MAX_FIELD_CHARS, read_csv_table, read_header

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:.*PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:.*copy.*keyword is deprecated:DeprecationWarning")]

#: Multi-line quoted fields (LF, CRLF and lone CR inside them, one running over many small
#: blocks), lone CR line ends, blank and all-empty records, a trailing delimiter, records
#: with the wrong number of fields, stray quotes as the csv module reads them, a byte order
#: mark inside the text, and an unclosed quote that runs to the end of the file.
TRICKY = (
    "\n  \nid,name,note\r\n"
    'P1,Ana,"two\nlines"\n'
    'P2,Luis,"crlf\r\ninside and a ""quote"""\r\n'
    "P3,Eva,plain\rP4,Rosa,after a lone CR\r\n"
    "\n,,\n"
    "P5,Juan,trailing,\n"
    "P6,too,many,fields\n"
    'P7,a "b,stray quote\n'
    '"P8","x"y,closed then text\n'
    "P9,\ufeffbom,inside\n"
    'P10,"' + "long field " * 12 + '\n' + "more\n" * 5 + '",end\n'
    "P11,short\n"
    'P12,"never closed\nP13,x,y\nP14,z,w\n'
)


def _compare(spark, path, split):
    from netanalysis.engines.spark.csvfile import read_csv_spark

    want = read_csv_table(path)
    got = read_csv_spark(spark, path, read_header(path), split_bytes=split)
    names = want.header
    rows = sorted((int(r["__line"]), *[r[n] for n in names]) for r in got.data.collect())
    exp = [(int(ln), *row) for ln, row in zip(want.lines, want.data[names].itertuples(index=False))]
    assert rows == exp, split
    assert [b[:3] for b in got.bad] == [b[:3] for b in want.bad], split
    assert [b[3][:len(names)] for b in got.bad] == [b[3][:len(names)] for b in want.bad], split
    assert (got.read, got.encoding, got.delimiter, got.file) == \
        (want.read, want.encoding, want.delimiter, want.file), split
    return got


@pytest.mark.parametrize("split", [48, None])
def test_tricky_file_reads_as_embedded_at_any_split(spark, tmp_path, split):
    p = tmp_path / "persons.csv"
    p.write_bytes(TRICKY.encode("utf-8"))
    got = _compare(spark, p, split)
    if split == 48:
        assert got.blocks > 5  # the long field is cut by many block boundaries
    assert any("line 25 to line 27" in b[1] for b in got.bad)  # the unclosed quote, named


def test_random_files_read_as_embedded(spark, tmp_path):
    """Random texts of quotes, delimiters and line ends (the csv module's corner cases)."""
    tokens = ["a", "b1", "é", '"', '""', ",", ",", ";", "\n", "\n", "\r\n", "\r", " ", "x y"]
    for seed in range(3):
        rng = random.Random(seed)
        body = "".join(rng.choice(tokens) for _ in range(150))
        p = tmp_path / f"r{seed}.csv"
        p.write_bytes(("id,name,x\n" + body).encode("utf-8"))
        _compare(spark, p, rng.choice([61, 83]))


def test_encodings_as_embedded(spark, tmp_path):
    # mostly UTF-8 with one Windows-1252 line: that record is a bad record
    p = tmp_path / "mostly.csv"
    p.write_bytes("id,name\nP1,José\nP2,Núñez\n".encode() + "P3,Muñoz\n".encode("cp1252")
                  + "P4,Peña\n".encode())
    got = _compare(spark, p, 16)
    assert got.encoding == "utf-8" and got.bad[0][0] == 4 and got.bad[0][1].startswith("bad encoding")
    # a Windows-1252 file: decoded again as cp1252
    p = tmp_path / "legacy.csv"
    p.write_bytes("id,name\nP1,José Muñoz\nP2,\"Peña\nCastro\"\n".encode("cp1252"))
    assert _compare(spark, p, 16).encoding == "cp1252"
    # UTF-8 with a byte order mark
    p = tmp_path / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "id,name\nP1,Ana\n".encode())
    assert _compare(spark, p, None).encoding == "utf-8-sig"


def test_field_too_long_is_a_bad_record(spark, tmp_path):
    p = tmp_path / "long.csv"
    p.write_text("id,name\nP1,Ana\nP2," + "x" * (MAX_FIELD_CHARS + 1) + "\nP3,Eva\n", encoding="utf-8")
    got = _compare(spark, p, 50_000)
    assert got.bad[0][0] == 3 and got.bad[0][1].startswith("field too long")


def test_whole_file_errors_as_embedded(spark, tmp_path):
    from netanalysis.engines.spark.csvfile import read_csv_spark

    p = tmp_path / "nul.csv"
    p.write_bytes(b"id,name\n" + b"P1,Ana\n" * 20_000 + b"P2,A\x00na\n")  # NUL after the header's sample
    with pytest.raises(InputError, match="NUL characters") as e:
        read_csv_table(p)
    with pytest.raises(InputError, match="NUL characters"):
        read_csv_spark(spark, p, read_header(p), split_bytes=1 << 16)
    assert str(e.value.file) == str(p)
    p = tmp_path / "badbom.csv"
    p.write_bytes(b"\xef\xbb\xbfid,name\nP1,Ana\nP2,Mu\xf1oz\n")
    with pytest.raises(InputError, match="byte order mark but is not valid UTF-8") as e:
        read_csv_table(p)
    with pytest.raises(InputError, match="byte order mark but is not valid UTF-8") as g:
        read_csv_spark(spark, p, read_header(p), split_bytes=9)
    assert g.value.line == e.value.line == 3


def test_utf16_is_read_on_the_driver(spark, tmp_path):
    p = tmp_path / "u16.csv"
    p.write_bytes("id,name\nP1,\"Ana\nMaria\"\n".encode("utf-16"))
    assert _compare(spark, p, None).encoding == "utf-16"
