"""Progress: a bar on a terminal, plain lines elsewhere, nothing when quiet."""

from __future__ import annotations

import io
import re

from netanalysis.progress import Progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_when_not_a_terminal():
    buf = io.StringIO()
    p = Progress(stream=buf, every=0.0)
    assert not p.is_terminal()
    with p.bar("resolving", total=1000, unit="rows") as b:
        b.update(250)
        b.update(250)
    lines = buf.getvalue().splitlines()
    assert re.fullmatch(r"resolving: 250/1,000 rows \(25%\), [\d,.]+ rows/s, about \S+ (s|min|h) left",
                        lines[0]), lines[0]
    assert lines[-1].startswith("resolving: 500/1,000 rows (50%), ")
    assert "\r" not in buf.getvalue()  # no bar drawing in a log file


def test_plain_lines_are_rate_limited():
    buf = io.StringIO()
    with Progress(stream=buf, every=3600).bar("reading", total=10) as b:
        for _ in range(10):
            b.update(1)
    assert buf.getvalue().splitlines() == [buf.getvalue().splitlines()[0]]  # only the last
    assert buf.getvalue().startswith("reading: 10/10 rows (100%)")


def test_bar_on_a_terminal():
    buf = _Tty()
    p = Progress(stream=buf)
    assert p.is_terminal()
    with p.bar("inferring ties", total=200, unit="pairs") as b:
        for _ in range(4):
            b.update(50)
    text = buf.getvalue()
    assert "\r" in text and "inferring ties" in text
    assert "200/200" in text and "pairs/s" in text  # counts and rate
    assert re.search(r"\d+:\d\d<\d+:\d\d", text)    # elapsed < time left


def test_count_moves_one_bar_on_a_terminal():
    buf = _Tty()
    p = Progress(stream=buf)
    for done in (100, 200, 300):
        p.count("pushed rows", done, 300)
    text = buf.getvalue()
    assert text.count("\n") == 1 and "300/300" in text


def test_quiet_prints_nothing():
    for stream in (io.StringIO(), _Tty()):
        p = Progress(quiet=True, stream=stream)
        with p.step("x"), p.bar("y", total=5) as b:
            b.update(5)
        p.count("z", 1, 2)
        p.say("w")
        assert stream.getvalue() == ""


def test_robustness_reports_its_analyses():
    import pandas as pd

    from netanalysis.analyze.robustness import robustness
    from netanalysis.model import Case

    persons = pd.DataFrame({"id": ["F1", "S1"], "name": ["F", "S"],
                            "role": ["fugitive", "facilitator"], "_file": "persons.csv",
                            "_line": [2, 3]})
    links = pd.DataFrame({"from_id": ["S1"], "to_id": ["F1"], "type": ["lodging"],
                          "grading": ["B2"], "weight": [1.0], "start": [None], "end": [None],
                          "provenance": ["DIJIN"], "note": [None], "_file": "links.csv",
                          "_line": [2]})
    buf = io.StringIO()
    robustness(Case(tables={"persons": persons, "links": links}),
               progress=Progress(stream=buf, every=0.0))
    assert buf.getvalue().splitlines()[-1].startswith("robustness tests: 3/3 analyses (100%)")


def test_resolution_shows_a_counted_bar_for_pair_scoring():
    import io

    from netanalysis.ingest import case_from_records
    from netanalysis.progress import Progress
    from netanalysis.resolve import resolve_entities

    case = case_from_records(persons=[
        {"id": "P1", "name": "Ana María Pérez Gómez", "birth_date": "1980-05-02"},
        {"id": "P2", "name": "Ana Maria Perez", "birth_date": "1980-05-02"},
        {"id": "P3", "name": "Luis Ruiz", "birth_date": "1975-01-01"}])
    buf = io.StringIO()
    resolve_entities(case, progress=Progress(stream=buf, bar=False, every=0))
    lines = [x for x in buf.getvalue().splitlines() if x.startswith("resolution: comparing pairs")]
    assert lines, buf.getvalue()
    done, _, total = lines[-1].split(": ")[2].split()[0].partition("/")
    assert done == total  # the last line counts every pair compared
