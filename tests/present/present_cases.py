"""Hand-made cases and analyses for the presentation tests (hostile names included)."""

from __future__ import annotations

import pandas as pd
from netanalysis.analyze.result import Analysis
from netanalysis.model import Case

#: Names that would run script if a page ever treated data as HTML.
HOSTILE = '<img src=x onerror=alert(1)>'
HOSTILE2 = '"><script>alert(2)</script>'
HOSTILE3 = "</script><svg onload=alert(3)>"


def make_case(path=None):
    """Return a small case with every file kind, inferred ties, merges and rejects."""
    persons = pd.DataFrame({
        "id": ["F1", "F2", "X1", "X2", "B1", "H1"],
        "name": ["Ana Pérez", "Luis Gómez", "Marta Ruiz", HOSTILE, "Bea Soto", HOSTILE2],
        "aliases": [["La Flaca"], [], [], [HOSTILE3], [], []],
        "birth_date": ["1980-05", None, "1975", None, None, None],
        "nationality": [["CO"], ["CO", "VE"], ["CO"], [], [], []],
        "role": ["fugitive", "fugitive", "facilitator", "associate", "unknown", "facilitator"],
        "notice": ["red", "blue", None, None, None, None],
        "wanted_by": [["CO", "ES"], ["CO"], [], [], [], []],
        "offences": [["drug_trafficking"], ["money_laundering"], [], [], [], []],
        "_file": "persons.csv", "_line": [2, 3, 4, 5, 6, 7]})
    orgs = pd.DataFrame({"id": ["G1"], "name": ["Clan del Golfo"], "kind": ["criminal_group"],
                         "country": ["CO"], "_file": "organizations.csv", "_line": [2]})
    links = pd.DataFrame({
        "from_id": ["X1", "X1", "F1", "X2", "X2", "F1", "H1"],
        "to_id": ["F1", "F2", "X2", "F1", "G1", "X2", "F2"],
        "type": ["documents", "lodging", "family", "communication", "member_of", "associate",
                 "transport"],
        "start": [None, "2023-01", "2010", "2024-02-01", None, None, "2024-03"],
        "end": [None, "2023-06", None, None, None, None, None],
        "weight": [1.0, 2.0, 1.0, 5.0, 1.0, 1.0, 1.0],
        "grading": ["B2", "A1", "F6", "C3", "B2", "E5", "B2"],
        "provenance": ["DIJIN", "Europol", None, "wiretap", "DIJIN", "DIJIN", HOSTILE],
        "note": [None, None, None, None, None, None, HOSTILE3],
        "_file": "links.csv", "_line": [2, 3, 4, 5, 6, 7, 8]})
    docs = pd.DataFrame({"id": ["D1"], "holder_id": ["F1"], "kind": ["passport"],
                         "number": ["CO123"], "issuing_country": ["CO"], "status": ["fraudulent"],
                         "provenance": ["DIJIN"], "_file": "documents.csv", "_line": [2]})
    phones = pd.DataFrame({"number": ["+573001112233", "+573004445566"], "person_id": ["F1", "X1"],
                           "_file": "phones.csv", "_line": [2, 3]})
    calls = pd.DataFrame({"caller": ["+573001112233", "+573001112233", "+584121234567"], "callee": ["+573004445566", "+573004445566", "+573001112233"],  # noqa: E501
                          "start": ["2024-01-01T10:00", "2024-01-02T10:00", "2024-01-03"],
                          "duration_s": [60.0, 30.0, None], "_file": "calls.csv",
                          "_line": [2, 3, 4]})
    travel = pd.DataFrame({
        "person_id": ["F1", "X2", "F1", "B1", "F2"],
        "depart": ["2024-03-05T10:00", "2024-03-05T10:00", "2024-02-01", "2024-03-05",
                   "2024-04-10"],
        "origin": ["BOG", "BOG", "MAD", "Cúcuta, CO", "CCS"],
        "destination": ["MAD", "MAD", "BOG", "San Antonio, VE", "PTY"],
        "arrive": [None] * 5, "carrier": ["IB", "IB", "AV", None, "CM"],
        "flight": ["6500", "IB 6500", "10", None, "221"],
        "document_id": ["D1", None, None, None, None], "booking_ref": [None] * 5,
        "mode": ["air", "air", "air", "land", "air"], "provenance": ["API"] * 5,
        "_file": "travel.csv", "_line": [2, 3, 4, 5, 6]})
    inferred = pd.DataFrame({"from_id": ["F1"], "to_id": ["X2"], "type": ["co_travel"],
                             "evidence": ["same flight IB6500 on 2024-03-05 " + HOSTILE],
                             "score": [0.8], "confidence": [0.8]})
    merges = pd.DataFrame({"kept_id": ["F1"], "merged_id": ["F1b"], "score": [0.97],
                           "reason": ["same name and birth date " + HOSTILE]})
    rejects = pd.DataFrame({"file": ["links.csv"], "line": [9], "column": ["to_id"],
                            "value": [HOSTILE], "problem": ["no person or organization with this id"]})
    counts = {"persons": {"file": "persons.csv", "read": 7, "taken": 6, "rejected": 1,
                          "encoding": "utf-8", "delimiter": ","},
              "links": {"file": "links.csv", "read": 8, "taken": 7, "rejected": 1,
                        "encoding": "utf-8", "delimiter": ","}}
    return Case(tables={"persons": persons, "organizations": orgs, "links": links,
                        "documents": docs, "phones": phones, "calls": calls, "travel": travel},
                rejects=rejects, counts=counts, path=path, merges=merges, inferred=inferred)


def make_analysis():
    """Return a hand-made Analysis for :func:`make_case`."""
    targets = pd.DataFrame({
        "rank": [1, 2, 3, 4, 5, 6, 7],
        "id": ["F1", "X1", "F2", "X2", "H1", "G1", "B1"],
        "name": ["Ana Pérez", "Marta Ruiz", "Luis Gómez", HOSTILE, HOSTILE2, "Clan del Golfo",
                 "Bea Soto"],
        "role": ["fugitive", "facilitator", "fugitive", "associate", "facilitator",
                 "organization", "unknown"],
        "score": [0.91, 0.74, 0.66, 0.41, 0.33, 0.2, 0.05],
        "why": ["red notice; supported by 2 facilitators " + HOSTILE3, "supplies documents and lodging",
                "blue notice", "bridges family and group", "transport", "group", "peripheral"],
        "degree": [4, 2, 2, 3, 1, 1, 0]})
    groups = pd.DataFrame({"group": [1, 1, 1, 2, 2, 2, 3],
                           "id": ["F1", "X2", "G1", "X1", "F2", "H1", "B1"],
                           "name": ["Ana Pérez", HOSTILE, "Clan del Golfo", "Marta Ruiz",
                                    "Luis Gómez", HOSTILE2, "Bea Soto"],
                           "role": ["fugitive", "associate", "organization", "facilitator",
                                    "fugitive", "facilitator", "unknown"]})
    logistics = pd.DataFrame({"group": [2], "rank": [1], "score": [0.8],
                              "facilitators": ["X1|H1"], "fugitives_supported": ["F1|F2"],
                              "why": ["documents, lodging and transport for 2 fugitives"]})
    measures = targets.set_index("id")[["degree"]]
    return Analysis(targets=targets, groups=groups, logistics=logistics, measures=measures,
                    modularity=0.31, meta={"seed": 0})


def write_case_folder(case, folder):
    """Write the tables of `case` as a case folder (case format v1 CSV files)."""
    from netanalysis.model.vocab import case_schema, file_columns

    folder.mkdir(parents=True, exist_ok=True)
    for kind, df in case.tables.items():
        if not len(df):
            continue
        cols = [c for c in file_columns(kind) if c in df.columns]
        out = df[cols].copy()
        for c in cols:
            out[c] = [("|".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for v in out[c]]
        out.to_csv(folder / case_schema()["files"][kind]["file"], index=False)
    return folder
