"""``resolve_spark`` with ``resolve.model: fellegi_sunter`` gives the embedded engine's merges,
review list and model, with the pairs kept in Spark."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.engines.spark import resolve as spark_resolve
from netanalysis.engines.spark.resolve import resolve_spark
from netanalysis.ingest import case_from_records
from netanalysis.resolve import entities, probabilistic
from netanalysis.resolve.blocking import block_pairs, candidate_pairs
from netanalysis.resolve.entities import resolve_entities
from netanalysis.resolve.features import person_features
from netanalysis.settings import load_settings

pytestmark = [pytest.mark.spark,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
              # pyspark 4.3 calls pandas 3 with a deprecated keyword (its own notice: pandas 3
              # is not fully supported yet); not a warning about this project's code
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
              pytest.mark.filterwarnings("ignore::ResourceWarning")]

TABLES = ["persons", "documents", "phones", "links"]
FS = {"model": "fellegi_sunter"}


@pytest.fixture(scope="module")
def records_case():
    """8,000 person records with planted duplicates (synth/records.py, seed 3; phones and
    passports on half the records), plus reported ties so that the ``contacts`` and
    ``linked`` comparisons take part."""
    from netanalysis.synth.records import person_records
    r = person_records(8000, seed=3)
    ids = r["persons"]["id"].tolist()
    rng = np.random.default_rng(3)
    hubs = ids[:30]
    links = [{"from_id": ids[int(a)], "to_id": hubs[int(h)], "type": "associate"}
             for a, h in zip(rng.integers(30, len(ids), 600), rng.integers(0, 30, 600))]
    # a duplicate and its original reporting the same three contacts; a pair linked directly
    truth = r["truth"]
    dup = truth[truth["variant"] != "original"].head(20)
    orig = dict(zip(truth.loc[truth["variant"] == "original", "person"],
                    truth.loc[truth["variant"] == "original", "id"]))
    for pid, person in zip(dup["id"], dup["person"]):
        for h in hubs[:3]:
            links += [{"from_id": pid, "to_id": h, "type": "associate"},
                      {"from_id": orig[person], "to_id": h, "type": "associate"}]
    links += [{"from_id": ids[40], "to_id": ids[41], "type": "family"}]
    links = [x for x in links if x["from_id"] != x["to_id"]]
    return case_from_records(persons=r["persons"], documents=r["documents"], phones=r["phones"],
                             links=links)


@pytest.fixture
def tiny_driver_results(spark):
    """The session with ``spark.driver.maxResultSize`` at 1 MiB for one test: every job whose
    results sent to the driver exceed it fails (as in ``test_infer_spark.py``)."""
    conf = spark.sparkContext._jsc.sc().conf()
    key = "spark.driver.maxResultSize"
    before = conf.get(key) if conf.contains(key) else None
    conf.set(key, "1m")
    try:
        yield spark
    finally:
        if before is None:
            conf.remove(key)
        else:
            conf.set(key, before)


def _spy(monkeypatch, module, name, calls):
    real = getattr(module, name)

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        calls.append(out)
        return out

    monkeypatch.setattr(module, name, spy)


def _boom(*args, **kwargs):
    raise AssertionError("the embedded Fellegi-Sunter scorer ran on the driver")


def _assert_same(want, merges, want_params, got_params):
    pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
    assert merges.attrs["review"] == want.attrs["review"]
    assert merges.attrs["model"] == want.attrs["model"]
    for w, g in zip(want_params, got_params, strict=True):
        assert g["source"] == w["source"]
        assert abs(g["lambda"] - w["lambda"]) <= 1e-9
        for part in ("m", "u"):
            for c in w[part]:
                np.testing.assert_allclose(g[part][c], w[part][c], rtol=0, atol=1e-9)


@pytest.mark.slow
def test_fs_on_spark_gives_the_embedded_merges_review_and_model(tiny_driver_results, to_spark,
                                                                 records_case, monkeypatch):
    """Same merges, review.csv rows and m/u (EM's and the scoring ones) as the embedded
    engine; the embedded scorer is never called and the driver never holds the pairs:
    ``spark.driver.maxResultSize`` is 1 MiB and collecting the candidate pairs fails."""
    spark = tiny_driver_results
    settings = load_settings(env={}, resolve=FS)
    want_em, want_sc = [], []
    _spy(monkeypatch, probabilistic, "estimate_parameters", want_em)
    _spy(monkeypatch, probabilistic, "scoring_parameters", want_sc)
    want = resolve_entities(records_case, settings=settings)
    assert want.attrs["model"]["estimated"] and want.attrs["model"]["source"] == "em"
    assert len(want) > 500 and len(want.attrs["review"]) > 20
    assert want.attrs["model"]["comparisons"]["contacts"]["shared"]["pairs"] > 0
    monkeypatch.undo()
    # the Spark engine: the embedded scorer must not run, nor compare pairs on the driver
    # beyond u's random pairs
    got_em, got_sc, driver_cv = [], [], []
    _spy(monkeypatch, spark_resolve, "estimate_parameters", got_em)
    _spy(monkeypatch, spark_resolve, "scoring_parameters", got_sc)
    real_cv = probabilistic.comparison_vectors

    def cv(feat, pairs, **kw):
        driver_cv.append(len(pairs))
        return real_cv(feat, pairs, **kw)

    monkeypatch.setattr(probabilistic, "comparison_vectors", cv)   # random_u's calls
    monkeypatch.setattr(probabilistic, "score_pairs", _boom)
    monkeypatch.setattr(spark_resolve, "resolve_entities", _boom)
    monkeypatch.setattr(entities, "resolve_entities", _boom)
    merges, pairs, clusters = resolve_spark(spark, to_spark(records_case, TABLES),
                                            settings=settings)
    _assert_same(want, merges, want_em + want_sc, got_em + got_sc)
    assert driver_cv and max(driver_cv) <= 50_000        # random_u's draw, nothing else
    assert set(pairs["decision"]) == {"auto"} and len(pairs) >= len(merges)
    # the limit is in force: the pairs compared, with their levels (what the embedded EM
    # reads), do not fit through it
    feat = person_features(records_case)
    cand, _ = candidate_pairs(feat)
    keys = probabilistic.name_block_keys(feat)
    extra, _ = block_pairs(keys["i"], keys["key"], 50)
    allp = pd.concat([cand[["i", "j"]], extra[["i", "j"]]]).drop_duplicates()
    assert len(allp) == want.attrs["model"]["pairs"]
    lv = probabilistic.comparison_vectors(feat, allp.assign(doc=0, phone=0, contacts=0))
    table = spark.createDataFrame(pd.concat([allp.reset_index(drop=True),
                                             lv[list(probabilistic.COMPARISONS) + ["tf"]]], axis=1))
    with pytest.raises(Exception, match="maxResultSize"):
        table.toPandas()


def _hostile():
    persons = [
        {"id": "P1", "name": "José Pérez Gómez", "birth_date": "1975-01-02", "sex": "M"},
        {"id": "P2", "name": "JOSE PEREZ", "birth_date": "1975-02-01"},     # swapped day/month
        {"id": "P3", "name": "José Pérez Gómez", "birth_date": "1975-01"},  # month only, rare name
        {"id": "P4", "name": "Jose Perez Gomez", "birth_date": "1975-01-02", "sex": "F"},
        {"id": "P10", "name": "Ana María Ruiz", "aliases": ["La Flaca"]},
        {"id": "P9", "name": "ANA MARIA RUIZ"},
        {"id": "Ñ1", "name": "Ana Ruiz"},
        {"id": "Q1", "name": "Luis Silva"}, {"id": "Q2", "name": "Luis Silva"},
    ]
    documents = [{"id": "D1", "holder_id": "P10", "number": "AB-123", "kind": "passport", "issuing_country": "CO"},
                 {"id": "D2", "holder_id": "P9", "number": "ab123", "kind": "passport", "issuing_country": "CO"},
                 {"id": "D3", "holder_id": "Ñ1", "number": "AB123", "kind": "passport"},
                 {"id": "D4", "holder_id": "Q1", "number": "X1", "kind": "passport", "issuing_country": "VE"},
                 {"id": "D5", "holder_id": "Q2", "number": "X2", "kind": "passport", "issuing_country": "VE"}]
    phones = [{"number": "+57 300 1", "person_id": "P1"}, {"number": "003001", "person_id": "P2"}]
    return case_from_records(persons=persons, documents=documents, phones=phones,
                             links=[{"from_id": "P1", "to_id": "P2", "type": "family"}])


def test_fs_small_case_with_decisions_gives_the_same_merges(spark, to_spark):
    """A case on the stated priors (too few pairs for EM), with a forced merge and a veto."""
    case = _hostile()
    tables = to_spark(case, TABLES)
    settings = load_settings(env={}, resolve=FS)
    dec = pd.DataFrame({"id_a": ["P10", "Q1"], "id_b": ["Ñ1", "Q2"], "decision": ["veto", "merge"],
                        "note": None, "_file": "decisions.csv", "_line": [2, 3]})
    for d in (None, dec):
        want = resolve_entities(case, settings=settings, decisions=d)
        merges, pairs, _ = resolve_spark(spark, tables, settings=settings, decisions=d)
        pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
        assert merges.attrs["review"] == want.attrs["review"]
        assert merges.attrs["model"] == want.attrs["model"]
        assert not merges.attrs["model"]["estimated"]
    assert "forced" in set(pairs["decision"])


@pytest.mark.parametrize("model", ["rules", "fellegi_sunter"])
def test_a_union_refused_for_two_passports_is_refused_and_reviewed_alike(spark, to_spark, model):
    """A-B share a phone, B-C a birth date, A and C hold different Colombian passports."""
    case = case_from_records(
        persons=[{"id": "A", "name": "Ana María Gómez Ruiz", "birth_date": "1980-03-05"},
                 {"id": "B", "name": "Ana Maria Gomez Ruiz", "birth_date": "1980-03-05"},
                 {"id": "C", "name": "Ana María Gómez Ruiz", "birth_date": "1980-03-05"}],
        documents=[{"id": "D1", "holder_id": "A", "kind": "passport", "number": "PA1",
                    "issuing_country": "CO"},
                   {"id": "D2", "holder_id": "C", "kind": "passport", "number": "PA2",
                    "issuing_country": "CO"}],
        phones=[{"id": "T1", "person_id": "A", "number": "+573001112233"},
                {"id": "T2", "person_id": "B", "number": "+573001112233"}])
    settings = load_settings(env={}, resolve={"model": model})
    want = resolve_entities(case, settings=settings)
    merges, _, _ = resolve_spark(spark, to_spark(case, TABLES), settings=settings)
    pd.testing.assert_frame_equal(want.reset_index(drop=True), merges.reset_index(drop=True))
    assert sorted(set(merges["kept_id"]) | set(merges["merged_id"])) == ["A", "B"]
    assert merges.attrs["review"] == want.attrs["review"]
    assert ("B", "C") in {(r["id_a"], r["id_b"]) for r in merges.attrs["review"]}
