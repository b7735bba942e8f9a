"""The investigation graph: persons of interest, their suppliers and their k-hop circle."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.spark

CASE = {
    "persons.csv": "id,name,role,wanted_by\nF,Fu,fugitive,\nW,Wa,unknown,CO\nA,Al,associate,\n"
                   "B,Bo,associate,\nS1,Su,facilitator,\nS2,Sv,facilitator,\nS3,Sw,facilitator,\n"
                   "Z,Zo,unknown,\nM,Mo,unknown,\nM2,Mo bis,unknown,\n",
    # F - A - B (circle); S3 -> S2 -> S1 -> F (supply chain, 3 steps); M is merged with M2,
    # which is tied to B only: not within 1 hop
    "links.csv": "from_id,to_id,type\nF,A,family\nA,B,associate\nS1,F,documents\nS2,S1,transport\n"
                 "S3,S2,lodging\nM2,B,family\nW,M,family\n",
    "phones.csv": "number,person_id\n+573001112233,Z\n+573001112234,W\n",
    "calls.csv": "caller,callee,start\n+573001112233,+573001112234,2024-01-01\n",
    "travel.csv": "person_id,depart,origin,destination\nF,2024-01-01,BOG,MAD\nB,2024-01-01,BOG,MAD\n",
}


@pytest.fixture(scope="module")
def read(spark, tmp_path_factory):
    from netanalysis.engines.spark.read import read_case_spark

    d = tmp_path_factory.mktemp("reduce")
    for name, text in CASE.items():
        (d / name).write_text(text)
    return read_case_spark(spark, d)


def test_circle_support_chain_calls_and_merged_identities(read):
    from netanalysis.engines.spark.reduce import reduce_case

    merges = pd.DataFrame({"kept_id": ["M"], "merged_id": ["M2"], "score": [0.9], "reason": ["x"]})
    case, info = reduce_case(read, hops=1, support_hops=3, merges=merges)
    # 1 hop: A (F), M and Z (W: a link and a call); M brings M2 (one identity);
    # suppliers S1-S3 within 3 supply steps of F
    assert sorted(case.persons["id"]) == ["A", "F", "M", "M2", "S1", "S2", "S3", "W", "Z"]
    assert sorted(map(tuple, case.links[["from_id", "to_id"]].values.tolist())) == [
        ("F", "A"), ("S1", "F"), ("S2", "S1"), ("S3", "S2"), ("W", "M")]
    assert case.travel["person_id"].tolist() == ["F"]
    assert len(case.calls) == 1
    assert case.merges[["kept_id", "merged_id"]].values.tolist() == [["M", "M2"]]
    assert info["persons_of_interest"] == 2 and info["persons_read"] == 10
    assert case.counts["persons"]["read"] == 10  # the ledger of the whole read


def test_two_hops_and_seeds(read):
    from netanalysis.engines.spark.reduce import reduce_case

    case, _ = reduce_case(read, hops=2, support_hops=1, seeds=["M2"])
    ids = set(case.persons["id"])
    assert {"B", "S1", "S2", "M2"} <= ids and "S3" not in ids  # S2: 2 ties from F
