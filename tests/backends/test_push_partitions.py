"""The round-robin schedule of the partitioned push: every cell once, rounds node-disjoint."""

from __future__ import annotations

import pytest

from netanalysis.backends.neo4j.push import round_robin_cells


@pytest.mark.parametrize("p", [2, 4, 7, 8, 16])
def test_every_cell_once_and_no_partition_twice_in_a_round(p):
    rounds = round_robin_cells(p)
    q = p + p % 2
    cells = [c for r in rounds for c in r]
    assert sorted(cells) == [(i, j) for i in range(q) for j in range(i, q)]
    for r in rounds:
        used = [x for c in r for x in set(c)]
        assert len(used) == len(set(used)), r
