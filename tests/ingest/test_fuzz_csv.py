"""Property-based fuzzing of the CSV reader and :func:`load_case` (issue 14).

Random tables are written in random encodings, with quotes, delimiters, line ends, byte
order marks, control characters, long fields and many columns, then mangled at random (bytes
inserted, deleted, the file cut short), or replaced by random bytes outright. Whatever the
input:

- no traceback: the only exceptions are :mod:`netanalysis.errors` ones, with a printable
  message (no NUL, escape or other control character from the file);
- bounded memory: the peak that :mod:`tracemalloc` sees stays under a bound proportional to
  the input (plus a constant);
- nothing lost: for every file ``read == taken + rejected``, and the reader's records are
  exactly its aligned rows plus its bad records.

The default run is quick (a few dozen examples). ``pytest -m fuzz tests/ingest/test_fuzz_csv.py``
runs the long campaign (``NETANALYSIS_FUZZ_EXAMPLES`` examples, default 2000).
"""

from __future__ import annotations

import os
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netanalysis.errors import NetanalysisError
from netanalysis.ingest import load_case
from netanalysis.ingest.read import MAX_COLUMNS, MAX_FIELD_CHARS, read_csv_table

ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-32", "cp1251"]
COLUMNS = {"persons.csv": ["id", "name", "role", "birth_date", "nationality", "aliases"],
           "links.csv": ["from_id", "to_id", "type", "weight", "start", "grading"]}
CELLS = ["P1", "P2", "Ana", "José Muñoz", "Jose\u0301", "fugitive", "associate", "1980-07",
         "\u0661\u0669\u0668\u0660", "CO", "-1", "1e308", "B2", "", " ", '"', '""', "a,b",
         "a;b", "x\ny", "x\r\ny", "x\rz", "\ufeffP1", "P\u200b1", "\x00", "\x1b[31m", "\x07",
         "=HYPERLINK(1)", "\u202e", "\t", "|", "Иван", "名前"]

LONG = [1, 100, MAX_FIELD_CHARS - 1, MAX_FIELD_CHARS + 2]


def cell_text(big):
    lengths = LONG if big else LONG[:2]
    return st.one_of(st.sampled_from(CELLS), st.text(max_size=12),
                     st.builds(lambda c, n: c * n, st.sampled_from("xé\"\n,"),
                               st.sampled_from(lengths)))


@st.composite
def tables(draw, big=False):
    """Bytes of one CSV file, built as text, encoded, then maybe mangled.

    `big` adds headers at and over :data:`MAX_COLUMNS` and records of 60,000 cells (the
    quick run leaves those to :func:`test_hostile_files_stay_within_memory`).
    """
    cell = cell_text(big)
    name = draw(st.sampled_from(sorted(COLUMNS)))
    if draw(st.integers(0, 9)) == 0:
        return name, draw(st.binary(max_size=400))
    cols = list(COLUMNS[name])
    if draw(st.booleans()):
        cols = draw(st.permutations(cols))[:draw(st.integers(1, len(cols)))]
    extra = draw(st.sampled_from([0, 0, 1, 3] + ([MAX_COLUMNS - len(cols), MAX_COLUMNS + 1]
                                                 if big else [])))
    cols = cols + [f"c{i}" for i in range(extra)] + draw(st.lists(cell, max_size=2))
    delim = draw(st.sampled_from([",", ";", "\t"]))
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    nrows = draw(st.integers(0, 8))
    lines = [delim.join(cols)]
    for _ in range(nrows):
        n = draw(st.sampled_from([len(cols), len(cols), len(cols) - 1, len(cols) + 1, 1]))
        cells = draw(st.lists(cell, min_size=max(n, 0), max_size=max(n, 0)))
        quoted = [f'"{c.replace(chr(34), chr(34) * 2)}"' if draw(st.booleans()) else c
                  for c in cells]
        lines.append(delim.join(quoted))
    if draw(st.booleans()):  # one field just over the limit, quoted or not
        long = "é" * (MAX_FIELD_CHARS + 1)
        lines.append(delim.join(["P9", f'"{long}"' if draw(st.booleans()) else long]
                                + ["x"] * (len(cols) - 2)))
    if draw(st.booleans()):
        lines.append(delim.join(["x"] * draw(st.sampled_from([2, 5000] + ([60_000] if big else [])))))
    text = eol.join(lines) + draw(st.sampled_from([eol, "", eol * 3]))
    enc = draw(st.sampled_from(ENCODINGS))
    data = text.encode(enc, errors="replace")
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["insert", "delete", "cut"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 4)):]
        else:
            data = data[:at]
    return name, data


def _check(files):
    """Load a case of `files` ({name: bytes}); assert the three properties."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for name, data in files.items():
            (d / name).write_bytes(data)
        if "persons.csv" not in files:
            (d / "persons.csv").write_text("id,name,role\nP1,Ana,fugitive\nP2,Luis,associate\n")
        size = sum(len(b) for b in files.values())
        tracemalloc.start()
        try:
            for name in files:
                try:
                    raw = read_csv_table(d / name)
                except NetanalysisError as exc:
                    assert str(exc).isprintable(), repr(str(exc))
                else:
                    assert raw.read == len(raw.data) + len(raw.bad) == len(raw.lines) + len(raw.bad)
                    assert len(raw.header) <= MAX_COLUMNS
                    assert all(len(b[3]) <= MAX_COLUMNS + 1 and len(b[2]) <= 200 for b in raw.bad)
            try:
                case = load_case(d, phone_region="CO")
            except NetanalysisError as exc:
                assert str(exc).isprintable(), repr(str(exc))
            else:
                for kind, c in case.counts.items():
                    assert c["read"] == c["taken"] + c["rejected"], (kind, c)
                    assert c["taken"] == len(case.tables[kind]), (kind, c)
                    if c["file"]:
                        rej = case.rejects[case.rejects["file"] == c["file"]]
                        assert rej["line"].nunique() == c["rejected"], (kind, c)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 64 * 2**20 + 60 * size, (peak, size)


_QUICK = settings(max_examples=20, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@_QUICK
@given(st.lists(tables(), min_size=1, max_size=2, unique_by=lambda t: t[0]))
def test_reader_and_load_case_never_trace_back_or_lose_rows(files):
    _check(dict(files))


@pytest.mark.fuzz
@pytest.mark.slow
def test_fuzz_campaign(request):
    # the long campaign: with -m fuzz, or when NETANALYSIS_FUZZ_EXAMPLES is set (.ci/run)
    if "fuzz" not in (request.config.getoption("-m") or "") and \
            not os.environ.get("NETANALYSIS_FUZZ_EXAMPLES"):
        pytest.skip("the long campaign runs with -m fuzz (or set NETANALYSIS_FUZZ_EXAMPLES)")

    @settings(max_examples=int(os.environ.get("NETANALYSIS_FUZZ_EXAMPLES", "2000")),
              deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(tables(big=True), min_size=1, max_size=2, unique_by=lambda t: t[0]))
    def campaign(files):
        _check(dict(files))

    campaign()


@pytest.mark.parametrize("make", [
    lambda: b"id,name,role\nP1,Ana,fugitive\n" + b",".join([b"x"] * 600_000) + b"\n",
    lambda: b"id,name,role," + b",".join(b"c%d" % i for i in range(100_000)) + b"\nP1,A,fugitive\n",
    lambda: b"id,name,role\nP1," + b"x" * (4 * MAX_FIELD_CHARS) + b",fugitive\n" * 3,
    lambda: b'id,name,role\nP1,"' + b"a\n" * 200_000,
    lambda: "id,name,role\n".encode("utf-32") + ("P1,José,fugitive\n" * 20_000).encode("utf-32")[4:],
], ids=["600k cells", "100k columns", "long fields", "unclosed quote", "utf-32"])
def test_hostile_files_stay_within_memory(make):
    _check({"persons.csv": make()})
