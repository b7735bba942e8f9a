"""The bisection schedule of the partitioned push: every cell once, parallel streams disjoint."""

from __future__ import annotations

import pytest

from netanalysis.backends.neo4j.push import bisection_levels


@pytest.mark.parametrize("p", [1, 2, 4, 7, 8, 16])
def test_every_cell_once_and_streams_of_a_level_share_no_written_block(p):
    levels = bisection_levels(p)
    q = 1
    while q < p:
        q *= 2
    cells = [c for level in levels for stream in level for c in stream]
    assert sorted(cells) == [(i, j) for i in range(q) for j in range(i, q)]
    # After level L, every relationship written lies inside a block of 2**L partitions; the
    # streams of level L + 1 touch disjoint blocks of 2**(L + 1), so no stream ever touches a
    # partition whose written relationships reach one that another stream touches.
    for L, level in enumerate(levels):
        blocks = [{x for c in stream for x in c} for stream in level]
        assert all(len(b) == 2 ** L for b in blocks), (L, blocks)
        seen = [x for b in blocks for x in b]
        assert len(seen) == len(set(seen)) == q
        for b in blocks:
            assert max(b) - min(b) == len(b) - 1 and min(b) % len(b) == 0
