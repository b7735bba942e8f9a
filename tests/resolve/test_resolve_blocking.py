"""Tests of netanalysis.resolve.blocking."""

from itertools import combinations

import numpy as np

from netanalysis.resolve.blocking import block_pairs


def _by_hand(index, keys, max_block):
    """Pairs sharing a key, counted by brute force (records per key, blocks <= max_block)."""
    blocks = {}
    for i, k in zip(index, keys):
        if k is None or (isinstance(k, float) and k != k) or k == "":
            continue
        blocks.setdefault(k, set()).add(int(i))
    counts, skipped = {}, 0
    for mem in blocks.values():
        if len(mem) > max_block:
            skipped += 1
            continue
        for a, b in combinations(sorted(mem), 2):
            counts[(a, b)] = counts.get((a, b), 0) + 1
    return sorted([a, b, c] for (a, b), c in counts.items()), skipped


def test_block_pairs_counts_shared_keys_like_brute_force_sorted_by_record():
    rng = np.random.default_rng(5)
    pool = np.array(["a", "b", "", None, float("nan"), 7, "c", "d"] + [f"k{x}" for x in range(30)],
                    dtype=object)
    for _ in range(50):
        n = int(rng.integers(1, 200))
        index = rng.integers(0, int(rng.integers(1, 60)), n)
        keys = pool[rng.integers(0, len(pool), n)]
        max_block = int(rng.integers(1, 10))
        got, skipped = block_pairs(index, keys, max_block)
        want, want_skipped = _by_hand(index.tolist(), keys.tolist(), max_block)
        assert got.values.tolist() == want
        assert skipped == want_skipped
        assert list(got.dtypes.astype(str)) == ["int64", "int64", "int64"]


def test_block_pairs_of_no_usable_key_is_empty():
    got, skipped = block_pairs([0, 1], ["", None], 5)
    assert got.empty and list(got.columns) == ["i", "j", "n"] and skipped == 0
