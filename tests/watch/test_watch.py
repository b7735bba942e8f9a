"""Watch rules: each rule type, and the guarantees users of such systems ask for."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from netanalysis.analyze.result import Analysis
from netanalysis.model import Case
from netanalysis.watch import ALERT_COLUMNS, evaluate_rules, load_rules, watch

RULES = """\
watchlists:
  hawks:
    persons:
      - {name: "Jose Luis Perez", birth_date: "1980"}
    documents: ["ab 123"]
rules:
  - {name: docs, type: flagged_document_journey}
  - {name: around F1, type: support_network_journey, fugitives: [F1], hops: 1}
  - {name: companions, type: new_co_traveller, fugitives: all}
  - {name: last seen, type: supporter_at_last_seen}
  - {name: groups, type: logistics_groups_tie}
  - {name: hawks, type: watchlist, watchlist: hawks}
"""


def _travel(rows):
    df = pd.DataFrame(rows, columns=["person_id", "depart", "origin", "destination", "carrier",
                                     "flight", "document_id"])
    for c in ("arrive", "booking_ref", "mode", "provenance"):
        df[c] = None
    df["_file"] = "travel.csv"
    df["_line"] = range(2, 2 + len(df))
    return df


BASE_TRAVEL = [
    ("F1", "2024-01-05", "BOG", "MAD", "IB", "1", None),
    ("C1", "2024-01-05", "BOG", "MAD", "IB", "1", "D1"),
    ("F1", "2024-02-05", "MAD", "LIS", "TP", "2", None),
    ("C1", "2024-02-05", "MAD", "LIS", "TP", "2", "D1"),
    ("N1", "2024-02-07", "CCS", "PTY", "CM", "3", None),
    ("S1", "2024-02-10", "BOG", "LIS", "TP", "4", None),
]
MORE_TRAVEL = [  # a later load: C1 uses the stolen passport once more, with F1
    ("F1", "2024-03-01", "LIS", "MAD", "TP", "9", None),
    ("C1", "2024-03-01", "LIS", "MAD", "TP", "9", "D1"),
]


def make_case(travel=BASE_TRAVEL, merged=False):
    ids = ["F1", "F2", "S1", "S2", "N1", "C1", "W1" if not merged else "P9"]
    persons = pd.DataFrame({
        "id": ids, "name": ["Fe", "Fi", "Su", "Sa", "Nu", "Co", "José Luis Pérez"],
        "role": ["fugitive", "fugitive", "facilitator", "facilitator", "unknown", "unknown",
                 "unknown"],
        "birth_date": [None] * 6 + ["1980-04-02"], "_file": "persons.csv",
        "_line": range(2, 2 + len(ids))})
    rows = [("S1", "F1", "lodging"), ("S2", "F2", "documents"), ("N1", "S1", "family"),
            ("S1", "S2", "financial")]
    links = pd.DataFrame({"from_id": [r[0] for r in rows], "to_id": [r[1] for r in rows],
                          "type": [r[2] for r in rows], "grading": "B2", "weight": 1.0,
                          "start": None, "end": None, "provenance": "DIJIN", "note": None,
                          "_file": "links.csv", "_line": range(2, 2 + len(rows))})
    holder = "P9" if merged else "W1"
    docs = pd.DataFrame({"id": ["D1", "D2"], "holder_id": ["C1", holder],
                         "kind": ["passport", "passport"], "number": ["XK1", "AB123"],
                         "issuing_country": ["CO", "CO"], "status": ["stolen", "valid"],
                         "provenance": ["INTERPOL", "DIJIN"], "_file": "documents.csv",
                         "_line": [2, 3]})
    merges = (pd.DataFrame({"kept_id": ["P9"], "merged_id": ["W1"], "score": [0.99],
                            "reason": ["same name and birth date"]}) if merged else None)
    return Case(tables={"persons": persons, "links": links, "documents": docs,
                        "travel": _travel(travel)}, merges=merges)


def analysis():
    lg = pd.DataFrame({"group": [1, 2], "rank": [1, 2], "score": [2.0, 1.0],
                       "facilitators": [1, 1], "fugitives_supported": [1, 1], "why": ["a", "b"],
                       "facilitator_ids": [("S1",), ("S2",)], "fugitive_ids": [("F1",), ("F2",)]})
    empty = pd.DataFrame()
    return Analysis(targets=empty, groups=empty, logistics=lg, measures=empty)


@pytest.fixture
def rules(tmp_path):
    p = tmp_path / "watch.yaml"
    p.write_text(RULES, "utf-8")
    return load_rules(p)


def _run(case, rules, state, **kw):
    return watch(case, rules, state, analysis=analysis(), now="2024-04-01T00:00:00Z", **kw)


def _by_rule(df):
    return {r: g for r, g in df.groupby("rule")}


def test_every_rule_type_raises_its_alert(rules, tmp_path):
    df = _run(make_case(), rules, tmp_path / "st")
    assert df.columns.tolist() == ALERT_COLUMNS and set(df["status"]) == {"new"}
    g = _by_rule(df)
    docs = g["docs"].iloc[0]
    # repeated hits are grouped: one alert for the stolen passport, two journeys
    assert len(g["docs"]) == 1 and docs["hits"] == 2
    assert docs["why"] == "stolen passport XK1 (held by C1 (Co)) used on 2 journeys"
    assert docs["evidence"] == ("travel.csv line 3: IB1 BOG\u2192MAD 2024-01-05; "
                                "travel.csv line 5: TP2 MAD\u2192LIS 2024-02-05")
    around = g["around F1"].set_index("persons")
    assert set(around.index) == {"F1", "F1|N1", "F1|S1"}  # F1 itself, its supplier, N1 one tie away
    assert around.loc["F1|N1", "why"] == "N1 (Nu), 1 tie from the support network of F1: 1 journey"
    assert around.loc["F1|S1", "why"].startswith("S1 (Su), who supplies lodging to fugitive F1")
    comp = g["companions"].iloc[0]
    assert comp["persons"] == "C1|F1" and comp["hits"] == 2
    last = g["last seen"].iloc[0]
    assert last["persons"] == "F1|S1" and "travelled to LIS, where F1 was last seen on 2024-02-05" in last["why"]
    grp = g["groups"].iloc[0]
    assert grp["persons"] == "S1|S2" and "logistics group 1" in grp["why"]
    person = g["hawks"][g["hawks"]["why"].str.contains("matches watchlist")]["why"].item()
    assert person.startswith("W1 (José Luis Pérez) matches watchlist 'hawks' entry 'Jose Luis Perez'")
    assert "fuzzy name match" in person and "born 1980-04-02 agrees with 1980" in person
    doc = g["hawks"][g["hawks"]["why"].str.startswith("document")]["why"].item()
    assert doc == "document AB123 (passport) held by W1 (José Luis Pérez) is on watchlist 'hawks' as 'ab 123'"
    assert len(g["hawks"]) == 2  # the person and the document (held by W1 too)
    assert (tmp_path / "st" / "alerts.csv").read_text("utf-8").startswith(",".join(ALERT_COLUMNS))


def test_rerun_on_the_same_data_raises_nothing_new(rules, tmp_path):
    first = _run(make_case(), rules, tmp_path / "st")
    again = _run(make_case(), rules, tmp_path / "st")
    assert (again["status"] == "open").all()
    cols = ["rule", "fingerprint", "persons", "evidence", "hits"]
    assert again[cols].equals(first[cols])


def test_rule_added_later_runs_over_past_data(rules, tmp_path):
    only_docs = {**rules, "rules": [r for r in rules["rules"] if r["name"] == "docs"]}
    _run(make_case(), only_docs, tmp_path / "st")
    df = _run(make_case(), rules, tmp_path / "st")
    assert set(df.loc[df["rule"] == "docs", "status"]) == {"open"}
    later = df[df["rule"] != "docs"]
    assert len(later) and set(later["status"]) == {"new"}
    full = _run(make_case(), rules, tmp_path / "fresh")
    assert sorted(later["fingerprint"]) == sorted(full.loc[full["rule"] != "docs", "fingerprint"])


def test_incremental_equals_full_and_new_rows_raise_only_their_alerts(rules, tmp_path):
    before = _run(make_case(), rules, tmp_path / "st")
    inc = _run(make_case(BASE_TRAVEL + MORE_TRAVEL), rules, tmp_path / "st")
    full = _run(make_case(BASE_TRAVEL + MORE_TRAVEL), rules, tmp_path / "fresh")
    cols = ["rule", "fingerprint", "persons", "time", "evidence", "why", "hits"]
    assert inc[cols].reset_index(drop=True).equals(full[cols].reset_index(drop=True))
    # what the new rows caused: more hits on the passport and companion alerts, nothing else
    changed = inc[inc["changed"] == "yes"]
    assert set(changed["rule"]) == {"docs", "companions", "around F1"}
    assert inc.loc[inc["rule"] == "docs", "hits"].item() == 3
    unchanged = inc[inc["changed"] != "yes"].set_index("fingerprint")
    old = before.set_index("fingerprint")
    assert (unchanged["evidence"] == old.loc[unchanged.index, "evidence"]).all()
    assert "new" not in set(inc["status"])  # no alert that was not there before


def test_dismissed_stays_dismissed_unless_evidence_changes(rules, tmp_path):
    st = tmp_path / "st"
    df = _run(make_case(), rules, st)
    fp_docs = df.loc[df["rule"] == "docs", "fingerprint"].item()
    fp_grp = df.loc[df["rule"] == "groups", "fingerprint"].item()
    # the analyst dismisses the passport alert in alerts.csv, the groups alert with --dismiss
    edited = pd.read_csv(st / "alerts.csv", dtype=str, keep_default_na=False)
    edited.loc[edited["fingerprint"] == fp_docs, "status"] = "dismissed"
    edited.to_csv(st / "alerts.csv", index=False)
    df = _run(make_case(), rules, st, dismiss=[fp_grp])
    status = dict(zip(df["fingerprint"], df["status"]))
    assert status[fp_docs] == "dismissed" and status[fp_grp] == "dismissed"
    df = _run(make_case(), rules, st)  # same data: still dismissed
    status = dict(zip(df["fingerprint"], df["status"]))
    assert status[fp_docs] == "dismissed" and status[fp_grp] == "dismissed"
    df = _run(make_case(BASE_TRAVEL + MORE_TRAVEL), rules, st)  # new use of the passport
    row = df.set_index("fingerprint").loc[fp_docs]
    assert row["status"] == "new" and row["why"].endswith("(evidence changed since it was dismissed)")
    assert df.set_index("fingerprint").loc[fp_grp, "status"] == "dismissed"
    with pytest.raises(Exception, match="no alert with fingerprint"):
        _run(make_case(), rules, st, dismiss=["0000000000000000"])


def test_merges_map_old_alerts_onto_the_kept_person(rules, tmp_path):
    st = tmp_path / "st"
    df = _run(make_case(), rules, st)
    person = (df["rule"] == "hawks") & df["why"].str.contains("matches watchlist")
    fp_old = df.loc[person & (df["persons"] == "W1"), "fingerprint"].item()
    _run(make_case(), rules, st, dismiss=[fp_old])
    # a later load resolves W1 into P9 (merges.csv says so): the dismissal follows
    df = _run(make_case(merged=True), rules, st)
    hawk = df[(df["rule"] == "hawks") & df["why"].str.contains("matches watchlist")]
    assert hawk["persons"].tolist() == ["P9"] and hawk["status"].item() == "dismissed"
    assert hawk["fingerprint"].item() != fp_old
    assert not df["persons"].str.contains("W1").any()
    fresh = _run(make_case(merged=True), rules, tmp_path / "fresh")
    assert sorted(df["fingerprint"]) == sorted(fresh["fingerprint"])


def test_fingerprints_do_not_depend_on_row_order(rules):
    a = evaluate_rules(make_case(), rules, analysis=analysis())
    b = evaluate_rules(make_case(list(reversed(BASE_TRAVEL))), rules, analysis=analysis())
    assert [x["fingerprint"] for x in a] == [x["fingerprint"] for x in b]


@pytest.mark.parametrize("text,line,key,message", [
    ("rules:\n  - {name: a, type: nope}\n", 2, "type", "unknown rule type 'nope'"),
    ("rules:\n  - name: a\n    type: new_co_traveller\n    hops: 2\n", 4, "hops",
     "has no parameter 'hops'"),
    ("rules:\n  - name: a\n    type: support_network_journey\n    hops: two\n", 4, "hops",
     "must be a whole number"),
    ("rules:\n  - {name: a, type: watchlist, watchlist: nobody}\n", 2, "watchlist",
     "no watchlist 'nobody'"),
    ("rules:\n  - {type: watchlist}\n", 2, "name", "a rule needs 'name'"),
    ("rules:\n  - {name: a, type: logistics_groups_tie}\n  - {name: a, type: watchlist}\n", 3,
     "name", "two rules are named 'a'"),
    ("rule:\n  - {name: a}\n", 1, "rule", "unknown key 'rule'"),
    ("watchlists:\n  w:\n    persons:\n      - {nom: x}\nrules:\n  - {name: a, type: watchlist, watchlist: w}\n",
     4, "name", "needs a 'name'"),
    ("rules: [\n", None, None, "not valid YAML"),
])
def test_rule_files_are_validated_with_file_line_key(tmp_path, text, line, key, message):
    from netanalysis.errors import InputError

    p = tmp_path / "bad.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(InputError) as e:
        load_rules(p)
    assert message in e.value.message
    assert e.value.file == str(p)
    if line is not None:
        assert (e.value.line, e.value.column) == (line, key)
        assert str(e.value).startswith(f"{p}:{line}:{key}: ")


def test_cli_watch_writes_alerts_and_the_report_lists_open_ones(tmp_path):
    from netanalysis.cli import main

    case = tmp_path / "case"
    case.mkdir()
    c = make_case()
    from netanalysis.model.vocab import file_columns

    for kind in ("persons", "links", "documents", "travel"):
        df = c.tables[kind]
        df[[x for x in file_columns(kind) if x in df.columns]].to_csv(case / f"{kind}.csv", index=False)
    rules = tmp_path / "watch.yaml"
    rules.write_text(RULES.replace("  - {name: groups, type: logistics_groups_tie}\n", ""), "utf-8")
    r = CliRunner().invoke(main, ["watch", str(case), "--rules", str(rules), "--state",
                                  str(tmp_path / "st"), "--no-resolve", "--no-infer",
                                  "--report", str(tmp_path / "r.html"), "-q"])
    assert r.exit_code == 0, r.output
    assert "alerts (" in r.output and "new" in r.output
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "Open alerts (" in html and "stolen passport XK1" in html
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {name: a, type: nope}\n", "utf-8")
    r = CliRunner().invoke(main, ["watch", str(case), "--rules", str(bad), "--state",
                                  str(tmp_path / "st2")])
    assert r.exit_code == 2 and f"error: {bad}:2:type: unknown rule type" in r.output
    assert "Traceback" not in r.output


def test_the_analysis_a_rule_needs_uses_the_settings_given(tmp_path, monkeypatch):
    """Without an analysis, logistics_groups_tie computes one with the caller's settings."""
    import netanalysis.analyze as analyze_pkg
    from netanalysis.ingest import case_from_records
    from netanalysis.settings import load_settings

    seen = []
    real = analyze_pkg.run_analysis

    def spy(case, **kw):
        seen.append(kw.get("settings"))
        return real(case, **kw)

    monkeypatch.setattr(analyze_pkg, "run_analysis", spy)
    case = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"},
                                      {"id": "S1", "name": "Luis"}],
                             links=[{"from_id": "S1", "to_id": "F1", "type": "lodging"}])
    p = tmp_path / "watch.yaml"
    p.write_text("rules:\n  - {name: groups, type: logistics_groups_tie}\n", "utf-8")
    settings = load_settings(env={"NETANALYSIS_RANK__COMMUNITIES__RESOLUTION": "2.5"})
    evaluate_rules(case, load_rules(p), settings=settings)
    assert seen and seen[0] is settings
    watch(case, load_rules(p), tmp_path / "state", settings=settings)
    assert len(seen) == 2 and seen[1] is settings
