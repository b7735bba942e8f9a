"""Property tests of the decisions reader: never a traceback, bounded memory, nothing lost.

- Any bytes (a mangled decisions file: quotes, commas, CR/LF, NUL, BOM, invalid UTF-8, long
  fields) either load or raise :class:`~netanalysis.errors.InputError` with a file; loading
  never takes more than a few times the file's size in memory.
- A well-formed file written by :mod:`csv` loads back exactly: one row per decision, on the
  line it was written, nothing dropped.

The default runs are quick; ``-m slow`` runs many more examples.
"""

from __future__ import annotations

import csv
import io
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netanalysis.errors import InputError
from netanalysis.resolve import load_decisions
from netanalysis.resolve.decisions import MAX_FIELD_CHARS

_HEADERS = [b"id_a,id_b,decision,note\n", b"ID_A;ID_B;DECISION\n", b"id_a,id_b,decision\n",
            b"\xef\xbb\xbfid_a,id_b,decision,note\r\n", b"id_a,id_b,decision,decision\n", b""]
_PIECES = [b"P1", b"P2", b",", b"\"", b"\"\"", b"\n", b"\r\n", b"\r", b"merge", b"veto", b"MERGE",
           b" ", b"\x00", b"\xff", b"\xc3\xb1", b"x" * 300, b"note with, comma", b"\xef\xbb\xbf",
           b"\t", b";", b"P3,P4,merge\n", b"\"open note\n"]
# Fields over MAX_FIELD_CHARS (10,000): at most two of them in one example, so an example stays
# under ~45 kB (the unbounded draw reached 8 MB, and its printout on a failure flooded the run).
_HUGE = [b"y" * 12_000, b"z" * (MAX_FIELD_CHARS + 1)]
_MAX_HUGE = 2


class _Blob(bytes):
    """Bytes whose repr is bounded, so that Hypothesis's report of an example stays short."""

    def __repr__(self):
        if len(self) <= 200:
            return bytes.__repr__(self)
        return f"<{len(self):,} bytes: {bytes(self[:120])!r}...{bytes(self[-40:])!r}>"


def _load(data):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "decisions.csv"
        p.write_bytes(data)
        tracemalloc.start()
        try:
            out = load_decisions(p)
            err = None
        except InputError as exc:
            out, err = None, exc
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    return out, err, peak


@st.composite
def mangled(draw):
    head = draw(st.sampled_from(_HEADERS))
    body = draw(st.lists(st.one_of(st.sampled_from(_PIECES), st.binary(max_size=8)),
                         max_size=60))
    for big in draw(st.lists(st.sampled_from(_HUGE), max_size=_MAX_HUGE)):
        body.insert(draw(st.integers(0, len(body))), big)
    return _Blob(head + b"".join(body))


def _check_any_bytes(data):
    assert len(data) < 60 * 300 + _MAX_HUGE * len(max(_HUGE, key=len)) + 200, len(data)
    out, err, peak = _load(data)
    assert peak < 2_000_000 + 20 * len(data), peak
    if err is not None:
        assert err.file and err.file.endswith("decisions.csv")
        assert err.line is None or 1 <= err.line <= data.count(b"\n") + data.count(b"\r") + 1
        return
    assert set(out["decision"]) <= {"merge", "veto"}
    assert (out["id_a"] != "").all() and (out["id_b"] != "").all()
    assert (out["id_a"] != out["id_b"]).all()
    assert len(out) <= data.count(b"\n") + data.count(b"\r")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_any_bytes_load_or_raise_input_error(data):
    _check_any_bytes(data)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mangled(), st.binary(max_size=2000).map(_Blob)))
def test_any_bytes_load_or_raise_input_error_long(data):
    _check_any_bytes(data)


_ID = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n,\"",
                            exclude_categories=("Cs", "Zs", "Cc", "Zl", "Zp")),
              min_size=1, max_size=12)
_NOTE = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n",
                              exclude_categories=("Cs", "Zl", "Zp")), max_size=40)


@st.composite
def decisions(draw):
    n = draw(st.integers(0, 12))
    rows, seen = [], set()
    for _ in range(n):
        a, b = draw(_ID), draw(_ID)
        if a == b or tuple(sorted((a, b))) in seen:
            continue
        seen.add(tuple(sorted((a, b))))
        rows.append((a, b, draw(st.sampled_from(["merge", "veto"])), draw(_NOTE)))
    return rows


@settings(max_examples=30, deadline=None)
@given(decisions())
def test_a_well_formed_file_loads_back_exactly(rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id_a", "id_b", "decision", "note"])
    w.writerows(rows)
    out, err, _ = _load(buf.getvalue().encode("utf-8"))
    assert err is None, str(err)
    got = [(a, b, d, n or "") for a, b, d, n in out[["id_a", "id_b", "decision", "note"]]
           .itertuples(index=False)]
    assert got == [(a.strip(), b.strip(), d, n.strip()) for a, b, d, n in rows]
    assert out["_line"].tolist() == list(range(2, 2 + len(rows)))
