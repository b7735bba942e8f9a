"""Hand-made cases for the resolution and inference tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netanalysis.model.case import Case, empty_table

_LIST_COLS = {"persons": ("aliases", "nationality", "wanted_by", "offences")}


def build_case(**tables):
    """Return a Case from lists of dicts per kind, with every schema column present."""
    out = {}
    for kind, rows in tables.items():
        base = empty_table(kind)
        df = pd.DataFrame(rows)
        for col in base.columns:
            if col not in df:
                if col in _LIST_COLS.get(kind, ()):
                    df[col] = [[] for _ in range(len(df))]
                elif col == "_file":
                    df[col] = f"{kind}.csv"
                elif col == "_line":
                    df[col] = range(2, len(df) + 2)
                else:
                    df[col] = None
        for col in _LIST_COLS.get(kind, ()):
            df[col] = [v if isinstance(v, list) else ([] if v is None or v != v else str(v).split("|"))
                       for v in df[col]]
        out[kind] = df.astype({c: object for c in df.columns if c not in ("_line",)})
    return Case(tables=out)


@pytest.fixture
def make_case():
    """A function building a Case from ``persons=[{...}], documents=[...]``..."""
    return build_case


def null_identifiers(n, pool_per_record, skew, seed):
    """`n` persons holding 1-3 values each, drawn independently from a pool of values with
    popularity ``pi`` (equal, or lognormal with sigma `skew`): no joint act at all. Returns the
    (person, value) rows and the exact chance that two unrelated records carry the same value,
    ``sum pi^2``: the collision rate the joint-act null is told."""
    rng = np.random.default_rng(seed)
    d = rng.integers(1, 4, n)
    pool = max(2, int(pool_per_record * d.sum()))
    w = rng.lognormal(0.0, skew, pool) if skew else np.ones(pool)
    pi = w / w.sum()
    pid = np.repeat(np.arange(n), d)
    val = rng.choice(pool, len(pid), p=pi)
    rows = sorted(set(zip(pid.tolist(), val.tolist())))
    return rows, float((pi ** 2).sum())


# (values in the pool per record, popularity skew): chance collisions common (0.5: two records
# a value on average) to rare (20: one value in 20 held at all), values equally popular or
# lognormal (sigma 1.5)
NULL_POOLS = [(0.5, 0.0), (2.0, 0.0), (20.0, 0.0), (2.0, 1.5)]
