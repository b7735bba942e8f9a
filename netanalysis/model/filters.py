"""The shared analysis filters, checked once: link types, confidence, inferred, time window.

Every command and both backends take the same filters (the keyword arguments of
:func:`netanalysis.model.filter_edges`). :func:`check_filters` validates them before any
work, so a misspelt link type or an impossible date is a clear message naming the option
and the nearest valid spelling, never a traceback or a silent empty ranking.
"""

from __future__ import annotations

import difflib
import math

from netanalysis.errors import InputError
from netanalysis.model.dates import normalize_date
from netanalysis.model.vocab import INFERRED_LINK_TYPES, LINK_TYPES

__all__ = ["FILTER_KEYS", "OPTION_NAMES", "check_filters", "known_link_types"]

#: The filters every measure honours (keyword arguments of ``filter_edges``).
FILTER_KEYS = ("link_types", "min_confidence", "include_inferred", "since", "until",
               "keep_undated")
#: How each filter is spelt on the command line, for messages.
OPTION_NAMES = {"link_types": "--link-types", "min_confidence": "--min-confidence",
                "include_inferred": "--no-inferred", "since": "--since", "until": "--until",
                "keep_undated": "--keep-undated"}


def known_link_types():
    """Return the link types a filter may name: reported types, then inferred ones.

    Returns
    -------
    tuple of str
        The link types of case format v1, then the inferred types not among them.

    See Also
    --------
    check_filters : rejects a filter naming another type.

    Examples
    --------
    >>> "family" in known_link_types() and "co_travel" in known_link_types()
    True
    """
    return tuple(LINK_TYPES) + tuple(t for t in INFERRED_LINK_TYPES if t not in LINK_TYPES)


def check_filters(filters):
    """Return `filters` validated and normalised, or raise :class:`InputError`.

    Parameters
    ----------
    filters : dict or None
        Keyword arguments of :func:`netanalysis.model.filter_edges`. ``None`` values are
        kept (they mean "no filter").

    Returns
    -------
    dict
        The same filters: ``link_types`` a list of known types, ``min_confidence`` a float
        in [0, 1], ``since``/``until`` normalised partial ISO dates with ``since`` not after
        ``until``.

    Raises
    ------
    InputError
        Naming the option (``--link-types``, ``--since``...), the value and, for a
        misspelt link type, the nearest valid spelling.

    See Also
    --------
    netanalysis.model.filter_edges : applies them.

    Examples
    --------
    >>> check_filters({"link_types": ["family"], "since": "2024-03-01"})
    {'link_types': ['family'], 'since': '2024-03-01'}
    >>> check_filters({"link_types": ["famly"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netanalysis.errors.InputError: --link-types: unknown link type 'famly' (did you mean 'family'?); ...
    >>> check_filters({"since": "2024-13"})
    Traceback (most recent call last):
    ...
    netanalysis.errors.InputError: --since: not a valid date: '2024-13'
    """
    f = dict(filters or {})
    unknown = [k for k in f if k not in FILTER_KEYS]
    if unknown:
        k = unknown[0]
        raise InputError(f"unknown filter {k!r}{_hint(k, FILTER_KEYS)}; filters are "
                         + ", ".join(FILTER_KEYS))
    types = f.get("link_types")
    if types is not None:
        if isinstance(types, str):
            types = [t.strip() for t in types.split(",") if t.strip()]
        known = known_link_types()
        cleaned = []
        for t in types:
            t = str(t).strip()
            if t not in known:
                raise InputError(f"--link-types: unknown link type {t!r}{_hint(t, known)}; "
                                 "known types: " + ", ".join(known))
            cleaned.append(t)
        f["link_types"] = cleaned
    mc = f.get("min_confidence")
    if mc is not None:
        try:
            mc = float(mc)
        except (TypeError, ValueError):
            raise InputError(f"--min-confidence: not a number: {mc!r}") from None
        if math.isnan(mc) or not 0.0 <= mc <= 1.0:
            raise InputError(f"--min-confidence: {mc} is not between 0 and 1")
        f["min_confidence"] = mc
    for key in ("since", "until"):
        v = f.get(key)
        if v is None:
            continue
        try:
            f[key] = normalize_date(v)
        except ValueError as exc:
            raise InputError(f"{OPTION_NAMES[key]}: {exc}") from None
    if f.get("since") and f.get("until"):
        from netanalysis.model.dates import date_interval

        if date_interval(f["since"])[0] > date_interval(f["until"])[1]:
            raise InputError(f"--since {f['since']} is after --until {f['until']}: the time "
                             "window is empty")
    return f


def _hint(word, choices):
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
