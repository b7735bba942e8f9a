"""The functions the Spark engine's inference runs on the executors, in a module of light imports.

A Python worker unpickles a function shipped by reference by importing its module: the pandas
UDFs and the batch tests of :mod:`netanalysis.engines.spark.infer` live here so that a worker
imports numpy, pandas, :mod:`netanalysis.resolve.blocking`, :mod:`netanalysis.model.values`
and (through the p-value functions) :mod:`netanalysis.resolve.significance`, not the driver's
side of the engine (DuckDB, the embedded inference, the graph builders, ``scipy.stats``).
``tests/engines/spark/test_overhead.py`` checks that list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.model.values import present
from netanalysis.resolve.blocking import normalize_document, phone_key

__all__ = ["phone_keys", "document_keys", "batch_tests"]


def phone_keys(s: pd.Series) -> pd.Series:
    """Return the phone key of each number (:func:`~netanalysis.resolve.blocking.phone_key`).

    Parameters
    ----------
    s : pandas.Series
        Numbers as text.

    Returns
    -------
    pandas.Series
        The keys (``""`` where a number has none).

    See Also
    --------
    netanalysis.resolve.blocking.phone_key : the key of one number.

    Examples
    --------
    >>> phone_keys(pd.Series(["+34 911 222 333", "---"])).tolist() == [phone_key("+34 911 222 333"), ""]
    True
    """
    return s.map(phone_key)


def document_keys(kind: pd.Series, country: pd.Series, number: pd.Series) -> pd.DataFrame:
    """Return the key and label of each document, as ``shared_document_links`` makes them.

    Parameters
    ----------
    kind, country, number : pandas.Series
        The documents' columns (missing values allowed).

    Returns
    -------
    pandas.DataFrame
        ``key`` (``COUNTRY|NUMBER``, ``""`` without a number) and ``label``.

    See Also
    --------
    netanalysis.resolve.blocking.normalize_document : the number's normal form.

    Examples
    --------
    >>> document_keys(pd.Series(["passport"]), pd.Series(["co"]), pd.Series(["x 1"]))["label"].tolist()[0][:9]
    'passport '
    """
    k = [str(v).replace("_", " ") if present(v) else "document" for v in kind]
    c = [str(v).upper() if present(v) else "" for v in country]
    n = [normalize_document(v) for v in number]
    return pd.DataFrame({"key": [f"{ci}|{ni}" if ni else "" for ci, ni in zip(c, n)],
                         "label": [f"{ki} {ni}" + (f" ({ci})" if ci else "")
                                   for ki, ni, ci in zip(k, n, c)]})


def batch_tests(pvalues, margins, keep_cols, summary, q):
    """Return the function :func:`~netanalysis.engines.spark.infer.significant_pairs` maps over
    the batches of pairs (``mapInPandas``).

    Parameters
    ----------
    pvalues : callable
        ``pvalues(pairs, persons)`` -> ``lam``, ``p`` and optionally ``testable``.
    margins : list of str
        The person columns; a batch holds them as ``a_<m>`` and ``b_<m>``.
    keep_cols : list of str
        The pair columns passed to `pvalues` and returned.
    summary : dict
        The cells of the row that carries a batch's number of tests (``_m >= 0``).
    q : float
        Level: only the testable pairs with ``p <= q`` come back.

    Returns
    -------
    callable
        ``run(batches)``, a generator over the batches (pandas tables).

    Yields
    ------
    pandas.DataFrame
        (From ``run``) per batch, its kept pairs (``_m = -1``) and one summary row with the
        batch's number of tests.

    See Also
    --------
    netanalysis.engines.spark.infer.significant_pairs : maps it over the pair table.

    Examples
    --------
    >>> def pv(pairs, persons):
    ...     return pairs.assign(lam=0.1, p=[0.01, 0.5])
    >>> df = pd.DataFrame({"a": ["A", "A"], "b": ["B", "C"], "k": [2, 1], "a_d": [1, 1], "b_d": [1, 1]})
    >>> out = next(batch_tests(pv, ["d"], ["a", "b", "k"], {"a": None, "b": None, "k": 0}, 0.05)([df]))
    >>> out[["b", "_m"]].values.tolist()
    [['B', -1], [None, 2]]
    """
    def run(batches):
        for df in batches:
            per = pd.concat([df[[f"{x}"] + [f"{x}_{m}" for m in margins]].set_axis(
                ["pid"] + list(margins), axis=1) for x in "ab"], ignore_index=True)
            per = per.drop_duplicates("pid")
            res = pvalues(df[keep_cols], per)
            t = res["testable"].to_numpy(bool) if "testable" in res else np.ones(len(res), bool)
            ok = t & (res["p"].to_numpy(float) <= q)
            kept = res.loc[ok, keep_cols + ["lam", "p"]].assign(_m=np.int64(-1))
            # one row per batch carries its number of tests (``_m >= 0``; other cells empty)
            yield pd.concat([kept, pd.DataFrame({**{c: [v] for c, v in summary.items()},
                                                 "lam": [0.0], "p": [1.0],
                                                 "_m": [np.int64(t.sum())]})],
                            ignore_index=True)
    return run
