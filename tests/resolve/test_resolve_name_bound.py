"""The name bound of compare_pairs' prefilter (resolve/compare.py ``_name_prefilter``).

A pair is dropped before the full comparison only when its names cannot reach
``min_name_similarity``; the bound must never be below the real ``name_similarity``, or a
merge would be lost.
"""

import random

import pandas as pd

from netanalysis.ingest import case_from_records
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.compare import _name_prefilter, _names_can_reach, compare_pairs
from netanalysis.resolve.features import person_features
from netanalysis.resolve.names import name_similarity, name_tokens

_TOKENS = ["ana", "luis", "jose", "maria", "perez", "peres", "gomez", "gomes", "gutierrez",
           "gutierres", "zapata", "sapata", "j", "m", "a", "de", "la", "torres", "toress",
           "ramos", "silva", "da", "costa", "maaroufi", "takek", "tarek"]


def _name(rng):
    return " ".join(rng.choice(_TOKENS) for _ in range(rng.randint(1, 5)))


def test_bound_never_drops_a_name_pair_that_reaches_the_floor():
    rng = random.Random(7)
    reached = dropped = 0
    for _ in range(4000):
        a, b = _name(rng), _name(rng)
        for floor in (0.5, 0.75, 0.9):
            real = name_similarity(a, b).score
            ok = _names_can_reach([name_tokens(a)], [name_tokens(b)], floor)
            if real >= floor:
                reached += 1
                assert ok, (a, b, real, floor)
            elif not ok:
                dropped += 1
    assert reached > 100 and dropped > 1000   # both sides of the bound were exercised


def test_bound_takes_the_best_name_and_alias():
    # the primary names do not match, an alias does
    assert _names_can_reach([name_tokens("Luis Ramos"), name_tokens("Ana Perez Gomez")],
                            [name_tokens("ANA PEREZ GOMEZ")], 0.75)
    assert not _names_can_reach([name_tokens("Luis Ramos")], [name_tokens("Ana Perez Gomez")],
                                0.75)
    assert not _names_can_reach([()], [name_tokens("Ana")], 0.1)   # an empty name


def test_prefilter_keeps_every_accepted_pair():
    # same birth date and one shared token: a candidate pair whose names cannot be compatible
    persons = [{"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
               {"id": "P2", "name": "ANA GOMEZ RUIZ", "birth_date": "1980-03-05"},
               {"id": "P3", "name": "Luis Gómez Pardo", "birth_date": "1980-03-05"},
               {"id": "P4", "name": "Ana Gomes Ruis", "birth_date": "1980-03-05"}]
    feat = person_features(case_from_records(persons=persons))
    pairs, _ = candidate_pairs(feat)
    assert len(pairs) == 6
    kept = _name_prefilter(pairs, feat, {"min_name_similarity": 0.75})
    assert {(int(r.i), int(r.j)) for r in kept.itertuples()} == {(0, 1), (0, 3), (1, 3)}
    scored = compare_pairs(feat, pairs)
    assert sorted(zip(scored["i"], scored["j"], scored["accept"])) == [
        (0, 1, True), (0, 3, True), (1, 3, True)]
    # with the floor off every pair goes through
    assert len(_name_prefilter(pairs, feat, {"min_name_similarity": 0})) == 6
    assert len(_name_prefilter(pairs.iloc[:0], feat, {"min_name_similarity": 0.75})) == 0
    assert isinstance(kept, pd.DataFrame)
