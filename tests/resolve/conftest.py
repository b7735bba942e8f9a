"""Hand-made cases for the resolution and inference tests."""

from __future__ import annotations

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
