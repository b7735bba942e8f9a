"""One value layer: what counts as missing, text of a cell, and multi-valued cells.

Tables of a case hold what pandas and the readers give: ``None``, ``float('nan')``,
``pandas.NA``, ``pandas.NaT``, NumPy scalars, blank strings, Python lists (multi-valued cells
read by ingest) and ``|``-separated strings (cells not yet split). Every module asks the same
questions of such values through these functions, so "unknown" means the same thing
everywhere: the case format's rule that *an empty cell means unknown*.

Examples
--------
>>> [is_missing(v) for v in (None, float("nan"), "", "  ", [], "x", 0, [""])]
[True, True, True, True, True, False, False, False]
>>> as_list("CO| VE |")
['CO', 'VE']
>>> text(None), text(" Ana "), text(3)
('', 'Ana', '3')
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["is_missing", "present", "as_list", "text"]


def is_missing(v):
    """Return True when `v` means "unknown": None, NaN, NA, NaT, a blank string or empty list.

    Parameters
    ----------
    v : object
        A cell value.

    Returns
    -------
    bool

    See Also
    --------
    present : the negation.
    as_list : the values of a multi-valued cell.

    Examples
    --------
    >>> is_missing(pd.NA), is_missing(np.float64("nan")), is_missing(np.array([])), is_missing(0.0)
    (True, True, True, False)
    """
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, (float, np.floating)):
        return math.isnan(v)
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return len(v) == 0
    return False


def present(v):
    """Return True when `v` holds a value (the negation of :func:`is_missing`).

    Parameters
    ----------
    v : object

    Returns
    -------
    bool

    See Also
    --------
    is_missing

    Examples
    --------
    >>> present("B2"), present("")
    (True, False)
    """
    return not is_missing(v)


def as_list(v, sep="|", strings=True):
    """Return the values of a multi-valued cell as a list of stripped strings.

    Parameters
    ----------
    v : object
        A list, tuple, set or array (each item kept unless missing), a `sep`-separated
        string, a scalar, or a missing value (gives ``[]``).
    sep : str
        Separator of values inside a string (the case format's ``|``).
    strings : bool
        When False, the items of a list, tuple, set or array are kept as they are (missing
        ones dropped) instead of turned into stripped text: for merging list cells whose
        items need not be strings.

    Returns
    -------
    list of str

    See Also
    --------
    is_missing, text

    Examples
    --------
    >>> as_list(["A", None, " B "]), as_list(float("nan")), as_list(7)
    (['A', 'B'], [], ['7'])
    >>> as_list([3, None, {"k": 1}], strings=False)
    [3, {'k': 1}]
    """
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return [text(x) if strings else x for x in v if present(x)]
    if is_missing(v):
        return []
    return [x.strip() for x in str(v).split(sep) if x.strip()]


def text(v):
    """Return `v` as stripped text, ``""`` when missing; a list is joined with ``|``.

    Parameters
    ----------
    v : object

    Returns
    -------
    str

    See Also
    --------
    as_list, is_missing

    Examples
    --------
    >>> text(["CO", "VE"]), text(np.int64(4)), text(pd.NaT)
    ('CO|VE', '4', '')
    """
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return "|".join(as_list(v))
    if is_missing(v):
        return ""
    return str(v).strip()
