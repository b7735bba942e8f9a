"""Partial ISO 8601 dates: ``2024``, ``2024-03``, ``2024-03-05``, ``2024-03-05T14:30``.

Dates are kept as normalised ISO strings, which sort in time order as text, and turned into
intervals only where an analysis needs one (a partial date covers its whole year or month).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

__all__ = ["normalize_date", "date_interval", "overlaps", "date_day"]

_RE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$",
    re.ASCII,  # \d is 0-9 only: Arabic-Indic or fullwidth digits are not a date
)


def normalize_date(text):
    """Return `text` as a normalised ISO date string, or None when empty.

    Parameters
    ----------
    text : str or None
        A date as written in a case file; surrounding spaces are ignored.

    Returns
    -------
    str or None
        The date in ISO form at the precision given (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``,
        ``YYYY-MM-DDThh:mm[:ss][zone]``), or None for an empty text.

    Raises
    ------
    ValueError
        If `text` is not an ISO 8601 date, partial date or date-time, or names a day that
        does not exist.

    See Also
    --------
    date_interval : the time span a normalised date covers.

    Examples
    --------
    >>> normalize_date("1980")
    '1980'
    >>> normalize_date("1980-07")
    '1980-07'
    >>> normalize_date("2024-03-05 14:30")
    '2024-03-05T14:30'
    >>> normalize_date("2024-02-30")
    Traceback (most recent call last):
    ...
    ValueError: not a valid date: '2024-02-30'
    >>> normalize_date("\u0661\u0669\u0668\u0660")  # Arabic-Indic digits: only 0-9 count
    Traceback (most recent call last):
    ...
    ValueError: not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm): '١٩٨٠'
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    m = _RE.match(s)
    if not m:
        raise ValueError(f"not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm): {s!r}")
    y, mo, d, hh, mm, ss, tz = m.groups()
    try:
        if mo is None:
            return y
        if d is None:
            date(int(y), int(mo), 1)
            return f"{y}-{mo}"
        date(int(y), int(mo), int(d))
        if hh is None:
            return f"{y}-{mo}-{d}"
        datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
    except ValueError:
        raise ValueError(f"not a valid date: {s!r}") from None
    out = f"{y}-{mo}-{d}T{hh}:{mm}" + (f":{ss}" if ss else "")
    return out + (tz or "")


def date_interval(text):
    """Return the ``(first, last)`` datetimes a normalised date covers, or ``(None, None)``.

    Parameters
    ----------
    text : str or None
        A date normalised by :func:`normalize_date`; None, ``""`` and NaN mean no date.

    Returns
    -------
    tuple of (datetime or None, datetime or None)
        The first and last moments the date covers: a year spans all of it, a month its
        first to its last day, a day 00:00:00 to 23:59:59, a date-time is an instant.

    See Also
    --------
    normalize_date : makes the text this reads.
    overlaps : compares two such intervals.

    Examples
    --------
    >>> date_interval("2024-02")
    (datetime.datetime(2024, 2, 1, 0, 0), datetime.datetime(2024, 2, 29, 23, 59, 59))
    """
    if text is None or text == "" or (isinstance(text, float) and text != text):
        return (None, None)
    s = str(text)
    y = int(s[:4])
    if len(s) == 4:
        return datetime(y, 1, 1), datetime(y, 12, 31, 23, 59, 59)
    mo = int(s[5:7])
    if len(s) == 7:
        nxt = date(y + (mo == 12), mo % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        return datetime(y, mo, 1), datetime(last.year, last.month, last.day, 23, 59, 59)
    d = int(s[8:10])
    if len(s) == 10:
        return datetime(y, mo, d), datetime(y, mo, d, 23, 59, 59)
    t = datetime.fromisoformat(s[:19] if len(s) >= 19 else s[:16])
    return t, t


def date_day(text):
    """Return the ``YYYY-MM-DD`` day of a normalised date, or None when it is coarser.

    Parameters
    ----------
    text : str or None
        A date normalised by :func:`normalize_date`.

    Returns
    -------
    str or None
        The first ten characters (the day) of a date at day precision or finer, else None.

    See Also
    --------
    date_interval : the span of a coarser date.

    Examples
    --------
    >>> date_day("2024-03-05T14:30"), date_day("2024-03"), date_day(None)
    ('2024-03-05', None, None)
    """
    if text is None or not isinstance(text, str) or len(text) < 10:
        return None
    return text[:10]


def overlaps(start, end, since=None, until=None):
    """Return True when the interval of dates [`start`, `end`] meets [`since`, `until`].

    A missing end means the relationship still holds (unbounded); a missing start means it
    held since an unknown time. An interval with neither start nor end returns None
    (unknown), so callers decide what undated facts mean for them.

    Parameters
    ----------
    start, end : str or None
        Normalised dates bounding the fact; a partial date counts by its whole span.
    since, until : str or None, optional
        Normalised dates bounding the window; None leaves that side open.

    Returns
    -------
    bool or None
        True when the intervals meet, False when they do not, None when the fact has
        neither a start nor an end.

    See Also
    --------
    date_interval : how each date becomes a span.

    Examples
    --------
    >>> overlaps("2020", "2021-06", since="2021-01", until=None)
    True
    >>> overlaps("2019-01-01", "2019-12", since="2020")
    False
    >>> overlaps("2019-01-01", None, since="2020")
    True
    """
    s0, _ = date_interval(start)
    _, e1 = date_interval(end)
    if s0 is None and e1 is None:
        return None
    lo = date_interval(since)[0] if since else None
    hi = date_interval(until)[1] if until else None
    if lo is not None and e1 is not None and e1 < lo:
        return False
    if hi is not None and s0 is not None and s0 > hi:
        return False
    return True
