"""Property-based fuzz of the mapping readers: Excel, JSON, JSON lines and mapping files.

Random and mutated inputs must never end in a traceback: either the case loads, with
``read == taken + rejected`` for every file (and, where the test can count the records
itself, ``read`` equal to that count), or a :class:`netanalysis.errors.NetanalysisError`
says why. Memory stays bounded (tracemalloc peak). The quick variants run in the default
suite (a few seconds each); the long ones are marked ``fuzz`` and run with ``-m fuzz``
(``NETANALYSIS_FUZZ_EXAMPLES`` examples each, default 600).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netanalysis.errors import NetanalysisError
from netanalysis.ingest import load_case
from netanalysis.ingest.mapping import read_mapping
from netanalysis.model.vocab import FILE_KINDS

QUICK = settings(max_examples=12, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LONG = settings(max_examples=int(os.environ.get("NETANALYSIS_FUZZ_EXAMPLES", "600")), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
PEAK_BYTES = 64 << 20

_CHARS = ["\u2028", "\u2029", "\x0c", "\x0b", "\x1c", "\x85", "\r", "\n", "\r\n", "{", "}", "[",
          "]", '"', "\\", ",", ":", "\x00", "NaN", "-Infinity", "1e999", "9" * 50, "\ufeff", "é"]


def _long_only(request):
    # the long runs: with -m fuzz, or when NETANALYSIS_FUZZ_EXAMPLES is set (.ci/run sets it)
    if "fuzz" not in (request.config.getoption("markexpr") or "") and \
            not os.environ.get("NETANALYSIS_FUZZ_EXAMPLES"):
        pytest.skip("long fuzz run: select it with -m fuzz (or set NETANALYSIS_FUZZ_EXAMPLES)")


# ---------------------------------------------------------------- strategies

values = st.one_of(
    st.text(max_size=12), st.integers(), st.integers(min_value=10 ** 20, max_value=10 ** 40),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.none(),
    st.lists(st.one_of(st.text(max_size=5), st.integers(), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["fugitive", "associate", "1980-07", "CO", "La Flaca|Anita", " P1 ", ""]))

records = st.lists(
    st.fixed_dictionaries({"id": st.one_of(st.sampled_from(["P1", "P2", "P3", "P1 "]), values),
                           "name": st.one_of(st.sampled_from(["Ana", "Luis"]), values)},
                          optional={"role": values, "aliases": values, "birth_date": values,
                                    "extra": values, "ID": values}),
    max_size=8)

mutations = st.lists(st.tuples(st.sampled_from(["insert", "delete", "truncate", "duplicate"]),
                               st.floats(0, 1), st.sampled_from(_CHARS)), max_size=4)


def mutate(text, ops):
    for op, where, char in ops:
        i = int(where * len(text))
        if op == "insert":
            text = text[:i] + char + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 + len(char):]
        elif op == "truncate":
            text = text[:i]
        else:
            text = text[:i] + text[i:i + 20] + text[i:]
    return text


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, allow_nan=True)


# ---------------------------------------------------------------- the check

def check(folder, mapping, expected_read=None):
    """Load through `mapping`; assert no traceback, bounded memory and reconciled counts."""
    tracemalloc.start()
    try:
        try:
            case = load_case(folder, mapping=mapping)
        except NetanalysisError as exc:
            assert str(exc)  # a message, never an empty one
            return None
        finally:
            peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES
    for kind, c in case.counts.items():
        assert c["read"] == c["taken"] + c["rejected"], kind
    if expected_read is not None:
        assert case.counts["persons"]["read"] == expected_read
    return case


def _folder():
    return tempfile.TemporaryDirectory(prefix="fuzz-mapping-")


def _mapping(d, source, extra=""):
    p = Path(d) / "m.yaml"
    p.write_text(f"files:\n  persons:\n    source: {source}\n{extra}", encoding="utf-8")
    return p


# ---------------------------------------------------------------- JSON lines

def _jsonl(recs, ops, raw_lines):
    lines = [_dumps(r) for r in recs] + list(raw_lines)
    text = mutate("\n".join(lines) + "\n", ops)
    with _folder() as d:
        (Path(d) / "p.jsonl").write_text(text, encoding="utf-8", newline="")
        expected = sum(1 for ln in text.split("\n") if ln.removesuffix("\r").strip())
        case = check(d, _mapping(d, "p.jsonl"))
        if case is not None and "\x00" not in text:
            assert case.counts["persons"]["read"] == expected


raw_lines = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(
    ["[1, 2]", '"text"', "{", '{"id": "P9", "name": "X", "id": "P8"}', "[" * 3000 + "]" * 3000,
     '{"id": ' + "7" * 5000 + ', "name": "Big"}', '{"id": NaN, "name": "N"}'])), max_size=3)


@QUICK
@given(records, mutations, raw_lines)
def test_fuzz_jsonl(recs, ops, raw):
    _jsonl(recs, ops, raw)


@pytest.mark.fuzz
@LONG
@given(records, mutations, raw_lines)
def test_fuzz_jsonl_long(request, recs, ops, raw):
    _long_only(request)
    _jsonl(recs, ops, raw)


# ---------------------------------------------------------------- JSON

def _json(recs, ops, wrap):
    doc = {"data": {"items": recs}} if wrap else recs
    text = mutate(_dumps(doc), ops)
    extra = "    records: data.items\n" if wrap else ""
    with _folder() as d:
        (Path(d) / "p.json").write_text(text, encoding="utf-8")
        check(d, _mapping(d, "p.json", extra), None if ops else len(recs))


@QUICK
@given(records, mutations, st.booleans())
def test_fuzz_json(recs, ops, wrap):
    _json(recs, ops, wrap)


@pytest.mark.fuzz
@LONG
@given(records, mutations, st.booleans())
def test_fuzz_json_long(request, recs, ops, wrap):
    _long_only(request)
    _json(recs, ops, wrap)


# ---------------------------------------------------------------- Excel

cell_values = st.one_of(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]),
                                max_size=12),
                        st.integers(-10 ** 12, 10 ** 12), st.floats(allow_nan=False,
                                                                    allow_infinity=False),
                        st.booleans(), st.none(), st.sampled_from(["P1", "P2", "Ana", ""]))
sheets = st.lists(st.lists(cell_values, max_size=5), max_size=8)


def _workbook(rows):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["id", "name", "role"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _mutate_member(data, member_pick, ops):
    """Rewrite the archive with one member's text mutated."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    target = names[int(member_pick * len(names)) % len(names)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in names:
            body = src.read(n)
            if n == target:
                body = mutate(body.decode("utf-8", "replace"), ops).encode("utf-8")
            z.writestr(n, body)
    return out.getvalue()


def _xlsx(rows, ops, member_pick, byte_ops):
    data = _workbook(rows)
    if ops:
        data = _mutate_member(data, member_pick, ops)
    for where, byte in byte_ops:
        i = int(where * len(data))
        data = data[:i] + bytes([byte]) + data[i + 1:]
    with _folder() as d:
        (Path(d) / "p.xlsx").write_bytes(data)
        expected = None
        if not ops and not byte_ops:
            expected = sum(1 for r in rows if any(v not in (None, "") for v in r))
        case = check(d, _mapping(d, "p.xlsx"), expected)
        if expected is not None:
            assert case is not None


byte_ops = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=2)


@QUICK
@given(sheets, mutations, st.floats(0, 1), byte_ops)
def test_fuzz_xlsx(rows, ops, member_pick, bops):
    _xlsx(rows, ops, member_pick, bops)


@pytest.mark.fuzz
@LONG
@given(sheets, mutations, st.floats(0, 1), byte_ops)
def test_fuzz_xlsx_long(request, rows, ops, member_pick, bops):
    _long_only(request)
    _xlsx(rows, ops, member_pick, bops)


# ---------------------------------------------------------------- mapping files

_KEYS = ["source", "format", "encoding", "delimiter", "sheet", "records", "columns", "values",
         "dates", "defaults", "bogus"]
scalars = st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none(), st.sampled_from(
    ["p.csv", "p.jsonl", "../p.csv", "/etc/hostname", "csv", "json", "utf-8", "rot13", "cp1252",
     ";", "tab", "%d/%m/%Y", "%q", "id", "name", "nombre", "codigo", "fugitive"]))
nested = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.one_of(st.sampled_from(
        ["codigo", "nombre", "id", "name", "role", "rol"]), st.text(max_size=5)), inner,
        max_size=3)), max_leaves=12)
file_specs = st.dictionaries(st.sampled_from(_KEYS), nested, max_size=6)
mappings = st.fixed_dictionaries(
    {"files": st.dictionaries(st.sampled_from([*FILE_KINDS, "person"]), file_specs, max_size=3)},
    optional={"version": scalars, "phone_region": scalars, "extra": nested})


def _mapping_file(doc, ops, persons_spec):
    if persons_spec is not None and isinstance(doc.get("files"), dict):
        doc["files"]["persons"] = persons_spec
    text = mutate(yaml.safe_dump(doc, allow_unicode=True), ops)
    with _folder() as d:
        (Path(d) / "p.csv").write_text("codigo;nombre;rol\nP1;Ana;fugitivo\nP2;Luis;x\n")
        (Path(d) / "p.jsonl").write_text('{"id": "P1", "name": "Ana"}\n{"id": "P2"}\n')
        m = Path(d) / "m.yaml"
        m.write_text(text, encoding="utf-8")
        try:
            read_mapping(m, case_folder=d)
        except NetanalysisError as exc:
            assert str(exc)
        check(d, m)


persons_specs = st.one_of(st.none(), st.just({"source": "p.csv", "columns": {
    "codigo": "id", "nombre": "name", "rol": "role"}, "values": {"rol": {"fugitivo": "fugitive"}}}),
    st.just({"source": "p.jsonl"}))


@QUICK
@given(mappings, mutations, persons_specs)
def test_fuzz_mapping_file(doc, ops, persons):
    _mapping_file(doc, ops, persons)


@pytest.mark.fuzz
@LONG
@given(mappings, mutations, persons_specs)
def test_fuzz_mapping_file_long(request, doc, ops, persons):
    _long_only(request)
    _mapping_file(doc, ops, persons)
