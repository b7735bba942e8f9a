"""``resolve_spark`` gives the merges of ``resolve_entities`` on the same case."""

from __future__ import annotations

import pandas as pd
import pytest

from netanalysis.engines.spark.resolve import PAIR_RESULT_COLUMNS, resolve_spark
from netanalysis.errors import InputError
from netanalysis.ingest import case_from_records
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.entities import resolve_entities
from netanalysis.resolve.features import person_features

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              # pyspark 4.3 calls pandas 3 with a deprecated keyword (its own notice: pandas 3
              # is not fully supported yet); not a warning about this project's code
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

TABLES = ["persons", "documents", "phones", "links"]


def _clusters_of(merges):
    groups = {}
    for k, m in zip(merges["kept_id"], merges["merged_id"]):
        groups.setdefault(k, {k}).add(m)
    return sorted(sorted(g) for g in groups.values())


def test_synth_case_gives_the_same_merges_pairs_and_clusters(spark, to_spark, synth_case):
    from netanalysis.engines.spark.resolve import spark_candidate_pairs
    want = resolve_entities(synth_case)
    assert len(want) > 10
    tables = to_spark(synth_case, TABLES)
    merges, pairs, clusters = resolve_spark(spark, tables)
    pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
    assert list(pairs.columns) == PAIR_RESULT_COLUMNS
    # each merged record matched its via record through an accepted pair
    accepted = {frozenset(p) for p in zip(pairs["id_a"], pairs["id_b"])}
    assert {frozenset(p) for p in zip(want["merged_id"], want["via_id"])} <= accepted
    # without vetoes the components are the merged persons
    comp = clusters.groupby("cluster")["id"].agg(sorted).tolist()
    assert sorted(comp) == _clusters_of(want)
    # blocking in Spark gives the candidate pairs of the embedded blocking
    feat = person_features(synth_case)
    exp, _ = candidate_pairs(feat)
    got = spark_candidate_pairs(spark, feat).toPandas().sort_values(["i", "j"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(exp.reset_index(drop=True), got[list(exp.columns)], check_dtype=False)


def _hostile():
    persons = [
        {"id": "P1", "name": "José Pérez Gómez", "birth_date": "1975-01-02"},
        {"id": "P2", "name": "JOSE PEREZ", "birth_date": "1975-02-01"},     # swapped day/month
        {"id": "P3", "name": "José Pérez Gómez", "birth_date": "1975-01"},  # month only, rare name
        {"id": "P4", "name": "Jose Perez Gomez", "birth_date": "1975-01-02", "sex": "F"},
        {"id": "P10", "name": "Ana María Ruiz", "aliases": ["La Flaca"]},
        {"id": "P9", "name": "ANA MARIA RUIZ"},
        {"id": "Ñ1", "name": "Ana Ruiz"},
        {"id": "Q1", "name": "Luis Silva"}, {"id": "Q2", "name": "Luis Silva"},
        {"id": "C1", "name": "Marta Díaz"}, {"id": "C2", "name": "MARTA DIAZ"},
    ] + [{"id": f"K{k}", "name": f"Contacto {k}"} for k in range(3)]
    documents = [{"id": "D1", "holder_id": "P10", "number": "AB-123", "kind": "passport", "issuing_country": "CO"},
                 {"id": "D2", "holder_id": "P9", "number": "ab123", "kind": "passport", "issuing_country": "CO"},
                 {"id": "D3", "holder_id": "Ñ1", "number": "AB123", "kind": "passport"},
                 {"id": "D4", "holder_id": "Q1", "number": "X1", "kind": "passport", "issuing_country": "VE"},
                 {"id": "D5", "holder_id": "Q2", "number": "X2", "kind": "passport", "issuing_country": "VE"}]
    phones = [{"number": "+57 300 1", "person_id": "P1"}, {"number": "003001", "person_id": "P2"},
              {"number": "+573001", "person_id": "P2"}, {"number": "+99", "person_id": "Q1"},
              {"number": "+99", "person_id": "Q2"}]
    links = [{"from_id": c, "to_id": f"K{k}", "type": "associate"} for c in ("C1", "C2") for k in range(3)]
    links += [{"from_id": "P1", "to_id": "P2", "type": "family"}]
    return case_from_records(persons=persons, documents=documents, phones=phones, links=links)


def test_hostile_case_with_decisions_gives_the_same_merges(spark, to_spark):
    case = _hostile()
    tables = to_spark(case, TABLES)
    want = resolve_entities(case)
    assert len(want)
    merges, pairs, clusters = resolve_spark(spark, tables)
    pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
    # a veto splits a component; a forced merge joins one
    dec = pd.DataFrame({"id_a": ["P10", "Q1"], "id_b": ["Ñ1", "Q2"], "decision": ["veto", "merge"],
                        "note": [None, "same person, says the liaison officer"],
                        "_file": "decisions.csv", "_line": [2, 3]})
    want = resolve_entities(case, decisions=dec)
    merges, pairs, _ = resolve_spark(spark, tables, decisions=dec)
    pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
    assert "forced" in set(pairs["decision"])
    # contradicting decisions are refused the same way
    bad = pd.DataFrame({"id_a": ["P10", "P9", "P10"], "id_b": ["P9", "Ñ1", "Ñ1"],
                        "decision": ["merge", "merge", "veto"], "note": None,
                        "_file": "decisions.csv", "_line": [2, 3, 4]})
    with pytest.raises(InputError) as embedded:
        resolve_entities(case, decisions=bad)
    with pytest.raises(InputError) as engine:
        resolve_spark(spark, tables, decisions=bad)
    assert str(engine.value) == str(embedded.value)
