"""Validation of one table against the case format v1 declarations, column by column.

Everything here is driven by ``netanalysis/schema/case_v1.yaml`` (through
:func:`netanalysis.model.vocab.file_columns`): the column types, the required flags, the
enumerations and the defaults. No column list is written in this module.

Each column is checked as a whole with pandas, and every conversion that costs (dates,
countries, gradings, phones, places, lists) runs once per *distinct* value, then is spread
back over the rows, so a million rows with a few thousand distinct dates cost a few thousand
conversions.

Rules, by column type (after stripping surrounding spaces; an empty cell means unknown):

========== ============================================================================
type       taken as / rejected when
========== ============================================================================
str        the stripped text in Unicode NFC (canonically the same text: ``José`` typed with
           a combining accent reads as the precomposed ``José``)
id, ref    the stripped text in Unicode NFC, without format characters (zero-width space,
           byte order mark, bidirectional marks: category Cf), so ``José`` typed with a
           combining accent and ``José`` precomposed are one id; rejected as missing when
           nothing is left
enum       lower case; rejected unless one of the declared values; empty -> the default
list       a Python list of the ``|``-separated values (empty parts dropped; NFC as str);
           empty -> []
countries  a list of upper-case ISO 3166-1 alpha-2 codes (alpha-3 codes are converted);
           rejected when any part is not a country code
country    one such code
date       :func:`netanalysis.model.dates.normalize_date` (partial dates allowed); with a
           mapping's date formats, values in those formats are converted first; digits
           other than ASCII 0-9 (Arabic-Indic, fullwidth...) are rejected
number     float (``1,5`` is read as 1.5 in files delimited by ``;`` or tab); empty ->
           the default, else NaN; rejected when not a finite number, when written with
           digits other than ASCII 0-9, or when outside the column's declared range
           (``min``/``max`` in the schema: ``weight`` must be > 0 and <= 1,000,000)
integer    as number, and rejected when not whole
grading    canonical grading (``b2`` -> ``B2``, ``b21`` -> ``B/2/1``); empty -> ``F6``
phone      E.164 (``+573001234567``) where the number can be parsed (numbers without
           ``+`` need a default region, e.g. ``phone_region: CO`` in a mapping; ``00``
           counts as ``+``); otherwise the text stripped of spaces, dashes, dots,
           brackets and format characters, with decimal digits of other scripts written
           0-9 (a phone number is an identifier). Rejected only when it has no digit at all.
place      a known IATA airport code (upper case) or ``Town, CC`` found in the GeoNames
           gazetteer (normalised to the gazetteer's name); rejected otherwise
========== ============================================================================

List cells with the same text share one list object (conversions run once per distinct
value): copy a list before changing it in place.

A problem in an *optional* column rejects the row just like one in a required column:
blanking the bad value would silently lose what the source said, and the analyst can fix
the cell and load again. Every problem of a row is reported (one reject per problem); the row
counts once in ``rejected``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime
from functools import lru_cache

import numpy as np
import pandas as pd

from netanalysis.model.dates import normalize_date
from netanalysis.model.grading import parse_grading
from netanalysis.model.vocab import file_columns

__all__ = ["TableOptions", "Problems", "convert_column", "country_code", "normalize_phone",
           "normalize_place", "parse_date", "normalize_id", "LIST_SEPARATOR"]

LIST_SEPARATOR = "|"

# Problem categories: the text before the first colon of a reject's ``problem``.
MISSING = "missing required value"
BAD_ENUM = "bad enumeration value"
BAD_DATE = "bad date"
BAD_NUMBER = "bad number"
BAD_GRADING = "bad grading"
BAD_COUNTRY = "bad country code"
BAD_PHONE = "bad phone number"
BAD_PLACE = "bad place"


class TableOptions:
    """How to read the cells of one table (set by a mapping; defaults for native files).

    Parameters
    ----------
    value_maps : dict of str to dict, optional
        Per target column, source value (compared stripped and lower case) -> target value.
    date_formats : dict of str to list of str, optional
        Per target column, ``strptime`` formats tried before ISO 8601.
    defaults : dict of str to str, optional
        Per target column, the value of an empty cell (applied before validation).
    display : dict of str to str, optional
        Per target column, the column name rejects show (the source column name).
    decimal_comma : bool
        Read ``1,5`` as 1.5 in number columns.
    phone_region : str, optional
        ISO country code used to parse phone numbers written without ``+``.

    See Also
    --------
    convert_column : reads a column with these options.

    Examples
    --------
    >>> opts = TableOptions(display={"role": "Rol"}, decimal_comma=True)
    >>> opts.name("role"), opts.name("name"), opts.decimal_comma
    ('Rol', 'name', True)
    """

    def __init__(self, *, value_maps=None, date_formats=None, defaults=None, display=None,
                 decimal_comma=False, phone_region=None):
        self.value_maps = value_maps or {}
        self.date_formats = date_formats or {}
        self.defaults = defaults or {}
        self.display = display or {}
        self.decimal_comma = decimal_comma
        self.phone_region = phone_region

    def name(self, column):
        """Return the column name a reject shows for target `column`."""
        return self.display.get(column, column)


class Problems:
    """Collects row problems of one table as column-wise arrays (one entry per problem).

    Parameters
    ----------
    n : int
        Number of rows of the table.
    lines : numpy.ndarray of int
        The line number (as an editor shows it) of each row, aligned with the table.
    file : str
        The file name rejects show.

    See Also
    --------
    convert_column : records the problems of one column here.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problems(2, np.array([2, 3]), "persons.csv")
    >>> p.add([False, True], "born", "1980-13", "bad date: not a valid date")
    >>> p.bad.tolist()
    [False, True]
    >>> p.frame()[["file", "line", "column", "value"]].values.tolist()
    [['persons.csv', 3, 'born', '1980-13']]
    """

    def __init__(self, n, lines, file):
        self.n = n
        self.lines = lines
        self.file = file
        self.bad = np.zeros(n, dtype=bool)
        self._parts = []  # (positions, column, values, problems)

    def add(self, mask, column, values, problem):
        """Record a problem for the rows where `mask` is true.

        `values` and `problem` are each a scalar or an array aligned with the table.
        """
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        pos = np.flatnonzero(mask)
        self.bad[pos] = True
        vals = _take(values, pos)
        probs = _take(problem, pos)
        self._parts.append((pos, column, vals, probs))

    def frame(self):
        """Return the problems as a rejects DataFrame sorted by line (stable)."""
        if not self._parts:
            return None
        pos = np.concatenate([p[0] for p in self._parts])
        cols = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in self._parts])
        vals = np.concatenate([np.asarray(p[2], dtype=object) for p in self._parts])
        probs = np.concatenate([np.asarray(p[3], dtype=object) for p in self._parts])
        df = pd.DataFrame({
            "file": pd.Series(np.full(len(pos), self.file, dtype=object), dtype=object),
            "line": self.lines[pos],
            "column": pd.Series(cols, dtype=object),
            "value": pd.Series(vals, dtype=object),
            "problem": pd.Series(probs, dtype=object),
        })
        return df.sort_values("line", kind="stable").reset_index(drop=True)


def convert_column(kind, column, raw, problems, options):
    """Convert and check one column of stripped strings; return the converted values.

    Parameters
    ----------
    kind : str
        The file kind (``"persons"``...).
    column : str
        The target column name.
    raw : Series of str or None
        The stripped cells (``""`` when empty), or None when the column is absent.
    problems : Problems
        Where row problems are recorded.
    options : TableOptions

    Returns
    -------
    Series
        The normalised column (object dtype, float64 for numbers).

    See Also
    --------
    TableOptions : value maps, date formats and defaults applied here.
    Problems : where rejected cells go.

    Examples
    --------
    >>> import numpy as np
    >>> p = Problems(2, np.array([2, 3]), "persons.csv")
    >>> raw = pd.Series(["Fugitive", "boss"], dtype=object)
    >>> convert_column("persons", "role", raw, p, TableOptions()).tolist()
    ['fugitive', None]
    >>> p.frame()["problem"].str.startswith("bad enumeration value").tolist()
    [True]
    """
    decl = file_columns(kind)[column]
    typ = decl["type"]
    n = problems.n
    default = decl.get("default")
    shown = options.name(column)
    if raw is None:
        raw = pd.Series(np.full(n, "", dtype=object), dtype=object)
    vmap = options.value_maps.get(column)
    if vmap:
        low = _lower(raw)
        hit = low.isin(list(vmap))
        if hit.any():
            raw = raw.where(~hit, low.map(vmap))
    if typ in ("id", "ref"):
        raw = _normalize_text(raw, normalize_id)
    elif typ in ("str", "list"):
        raw = _normalize_text(raw, _nfc)
    fill = options.defaults.get(column)
    empty = _is_empty(raw)
    if fill is not None and empty.any():
        raw = raw.where(~empty, str(fill))
        empty = _is_empty(raw)
    if decl.get("required"):
        problems.add(empty, shown, "", MISSING)

    if typ in ("str", "id", "ref"):
        out = raw.to_numpy(dtype=object, copy=True)
        out[empty] = None
        return pd.Series(out, dtype=object)
    if typ == "number" or typ == "integer":
        return _numbers(raw, empty, problems, shown, typ, default, options.decimal_comma,
                        (decl.get("min"), decl.get("max"), bool(decl.get("min_exclusive"))))
    if typ == "enum":
        values = decl["values"]
        low = _lower(raw)
        ok = low.isin(values).to_numpy() | empty
        problems.add(~ok, shown, raw.to_numpy(dtype=object),
                     f"{BAD_ENUM}: expected one of {', '.join(values)}")
        out = low.to_numpy(dtype=object, copy=True)
        out[empty] = default
        out[~ok] = None
        return pd.Series(out, dtype=object)
    if typ == "date":
        fmts = tuple(options.date_formats.get(column) or ())
        return _dates(raw, empty, problems, shown, fmts)
    if typ == "grading":
        return _by_unique(raw, empty, problems, shown, _grading, default or "F6")
    if typ == "list":
        return _by_unique(raw, empty, problems, shown, _split, [])
    if typ == "enum_list":
        values = tuple(decl["values"])
        return _by_unique(raw, empty, problems, shown, lambda v: _enum_list(v, values), [])
    if typ == "countries":
        return _by_unique(raw, empty, problems, shown, _countries, [])
    if typ == "country":
        return _by_unique(raw, empty, problems, shown, _country, None)
    if typ == "phone":
        region = options.phone_region
        return _phones(raw, empty, problems, shown, region)
    if typ == "place":
        return _by_unique(raw, empty, problems, shown, normalize_place, None)
    raise ValueError(f"unknown column type {typ!r} for {kind}.{column} in case_v1.yaml")


# ---------------------------------------------------------------- value converters

def normalize_id(text):
    """Return an identifier in Unicode NFC without format characters (category Cf).

    Parameters
    ----------
    text : str
        An identifier cell.

    Returns
    -------
    str
        The identifier in NFC, without zero-width and other format characters, stripped.

    See Also
    --------
    convert_column : applies this to ``id`` and ``ref`` columns.

    Examples
    --------
    >>> normalize_id("Jose\u0301") == "Jos\u00e9"
    True
    >>> normalize_id("\ufeffP1\u200b")
    'P1'
    """
    s = unicodedata.normalize("NFC", text)
    if not s.isprintable():
        s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    return s.strip()


def parse_date(text, formats=()):
    """Return `text` as a normalised ISO date, trying `formats` (strptime) first.

    The precision of the result follows the format: ``%Y`` gives a year, ``%m/%Y`` a month,
    formats with a day give a day and formats with ``%H`` a date-time.

    Parameters
    ----------
    text : str
        A stripped, non-empty date cell.
    formats : sequence of str, optional
        ``strptime`` formats tried in order before ISO 8601.

    Returns
    -------
    str
        The date normalised as :func:`netanalysis.model.dates.normalize_date` writes it.

    Raises
    ------
    ValueError
        With a ``bad date: ...`` message naming what was expected.

    See Also
    --------
    netanalysis.model.dates.normalize_date : the ISO 8601 reading used last.
    convert_column : applies this to ``date`` columns.

    Examples
    --------
    >>> parse_date("05/03/1980", ("%d/%m/%Y",))
    '1980-03-05'
    >>> parse_date("1980-07", ("%d/%m/%Y",))
    '1980-07'
    >>> parse_date("1980-7-5")
    Traceback (most recent call last):
    ...
    ValueError: bad date: not an ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm)
    """
    if not text.isascii() and any(c.isdigit() and not c.isascii() for c in text):
        raise ValueError(f"{BAD_DATE}: digits other than 0-9 (write the date with ASCII digits)")
    for fmt in formats:
        try:
            dt = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _iso_for_format(dt, fmt)
    try:
        return normalize_date(text)
    except ValueError as exc:
        if formats:
            raise ValueError(f"{BAD_DATE}: not in the format {' or '.join(formats)} "
                             "nor an ISO 8601 date") from None
        msg = str(exc).rsplit(": ", 1)[0]
        raise ValueError(f"{BAD_DATE}: {msg}") from None


def country_code(text):
    """Return the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3 code (any case).

    Parameters
    ----------
    text : str
        An ISO 3166-1 alpha-2 or alpha-3 code, in any case, with spaces around allowed.

    Returns
    -------
    str
        The alpha-2 code in upper case.

    Raises
    ------
    ValueError
        When `text` is not a country code.

    See Also
    --------
    normalize_place : places are keyed with the alpha-2 code.

    Examples
    --------
    >>> country_code("co"), country_code("COL")
    ('CO', 'CO')
    """
    code = text.strip().upper()
    a2, a3 = _country_tables()
    if code in a2:
        return code
    if code in a3:
        return a3[code]
    raise ValueError(f"{BAD_COUNTRY}: {text.strip()!r} is not an ISO 3166-1 alpha-2 code")


def normalize_phone(text, region=None):
    """Return a phone number in E.164 where possible, else stripped of separators.

    Parameters
    ----------
    text : str
        A phone number as written (spaces, dashes, dots, brackets and ``00`` prefixes
        allowed; non-ASCII digits are read as 0-9).
    region : str, optional
        ISO country code used for numbers without an international prefix.

    Returns
    -------
    str
        The number in E.164 when it is possible for its country, else the digits (and
        leading ``+``) without separators.

    Raises
    ------
    ValueError
        When `text` holds no digit.

    See Also
    --------
    convert_column : applies this to ``phone`` columns with the table's region.

    Examples
    --------
    >>> normalize_phone("+57 300 123 4567")
    '+573001234567'
    >>> normalize_phone("0057-300-123-4567")
    '+573001234567'
    >>> normalize_phone("300 123 4567", region="CO")
    '+573001234567'
    >>> normalize_phone("300-123-4567")
    '3001234567'
    """
    import phonenumbers

    s = text.strip()
    cleaned = _PHONE_JUNK.sub("", s)
    if not cleaned.isascii():  # fullwidth forms (NFKC), Arabic-Indic... digits read as 0-9
        cleaned = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c
                          for c in unicodedata.normalize("NFKC", cleaned))
    if not any(c.isdigit() for c in cleaned):
        raise ValueError(f"{BAD_PHONE}: no digits")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    if cleaned.startswith("+") or region:
        try:
            num = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
        except phonenumbers.NumberParseException:
            return cleaned
        if phonenumbers.is_possible_number(num):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return cleaned


def normalize_place(text):
    """Return the canonical key of a known place: an IATA code or ``"Town, CC"``.

    Places are resolved with :func:`netanalysis.model.places.resolve_place` (airports through
    ``airportsdata``, towns through the GeoNames gazetteer).

    Parameters
    ----------
    text : str
        An IATA airport code or a town written ``Town, CC``.

    Returns
    -------
    str
        The canonical key of the place.

    Raises
    ------
    ValueError
        When `text` is not a known airport code or town.

    See Also
    --------
    netanalysis.model.places.resolve_place : the resolution behind this.
    country_code : the country codes accepted.

    Examples
    --------
    >>> normalize_place("bog")
    'BOG'
    >>> normalize_place(" Cúcuta ,co")
    'Cúcuta, CO'
    """
    from netanalysis.model.places import resolve_place

    return resolve_place(text).key


_PHONE_JUNK = re.compile(r"[\s\-./()\u00a0\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]+,[0-9]+$")


@lru_cache(maxsize=1)
def _country_tables():
    import pycountry

    a2 = {c.alpha_2 for c in pycountry.countries}
    a2.add("XK")  # Kosovo: user-assigned, used by Interpol and most agencies
    a3 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    a3["XKX"] = "XK"
    return frozenset(a2), a3


def _iso_for_format(dt, fmt):
    if "%H" in fmt or "%I" in fmt:
        return dt.strftime("%Y-%m-%dT%H:%M:%S" if "%S" in fmt else "%Y-%m-%dT%H:%M")
    if "%d" in fmt or "%j" in fmt:
        return dt.strftime("%Y-%m-%d")
    if "%m" in fmt or "%b" in fmt or "%B" in fmt:
        return dt.strftime("%Y-%m")
    return dt.strftime("%Y")


def _grading(v):
    try:
        return parse_grading(v)
    except ValueError:
        raise ValueError(f"{BAD_GRADING}: expected reliability A-F then credibility 1-6, "
                         "e.g. B2") from None


def _split(v):
    return [p.strip() for p in v.split(LIST_SEPARATOR) if p.strip()]


def _enum_list(v, values):
    parts = [p.lower() for p in _split(v)]
    bad = [p for p in parts if p not in values]
    if bad:
        raise ValueError(f"{BAD_ENUM}: {bad[0]!r} is not one of {', '.join(values)}")
    return parts


def _countries(v):
    return [country_code(p) for p in _split(v)]


def _country(v):
    return country_code(v)


def _take(values, pos):
    if isinstance(values, (np.ndarray, pd.Series, list)):
        return np.asarray(values, dtype=object)[pos]
    return np.full(len(pos), values, dtype=object)


def _by_unique(raw, empty, problems, shown, fn, empty_value):
    """Apply `fn` once per distinct non-empty value; record ValueErrors as problems."""
    n = len(raw)
    codes, uniques = pd.factorize(raw, sort=False)
    k = len(uniques)
    vals = np.empty(k, dtype=object)
    errs = np.empty(k, dtype=object)
    for i, u in enumerate(uniques):
        if u == "":
            vals[i] = empty_value
            continue
        try:
            vals[i] = fn(u)
        except ValueError as exc:
            errs[i] = str(exc)
    out = vals[codes] if n else np.empty(0, dtype=object)
    bad_u = np.fromiter((e is not None for e in errs), dtype=bool, count=k)
    if bad_u.any():
        problems.add(bad_u[codes], shown, raw.to_numpy(dtype=object), errs[codes])
    return pd.Series(out, dtype=object)


def _dates(raw, empty, problems, shown, formats):
    """Dates: cells already in canonical ISO form are checked with pandas in C; the rest
    (partial dates, other forms, mapping formats) once per distinct value."""
    n = len(raw)
    canonical = np.zeros(n, dtype=bool)
    if not formats and n:
        canonical = _per_distinct(raw, _canonical_dates)
    if canonical.all():
        return pd.Series(raw.to_numpy(dtype=object), dtype=object)
    if not canonical.any():
        return _by_unique(raw, empty, problems, shown, lambda v: parse_date(v, formats), None)
    out = raw.to_numpy(dtype=object, copy=True)
    rest = np.flatnonzero(~canonical)
    sub = Problems(len(rest), problems.lines[rest], problems.file)
    conv = _by_unique(raw.iloc[rest].reset_index(drop=True), empty[rest], sub, shown,
                      lambda v: parse_date(v, formats), None)
    out[rest] = conv.to_numpy(dtype=object)
    for pos, col, vals, probs in sub._parts:
        mask = np.zeros(problems.n, dtype=bool)
        mask[rest[pos]] = True
        problems.add(mask, col, _scatter(problems.n, rest[pos], vals),
                     _scatter(problems.n, rest[pos], probs))
    return pd.Series(out, dtype=object)


def _canonical_dates(raw):
    """Boolean array: the cells of `raw` that are valid dates in canonical ISO form."""
    n = len(raw)
    canonical = np.zeros(n, dtype=bool)
    try:
        lens = np.fromiter(map(len, raw.to_numpy(dtype=object)), dtype=np.int64, count=n)
    except TypeError:  # a cell that is not text (None) is no canonical date
        lens = np.fromiter((len(v) if isinstance(v, str) else -1 for v in raw), dtype=np.int64,
                           count=n)
    for width, fmt in ((10, "%Y-%m-%d"), (16, "%Y-%m-%dT%H:%M"), (19, "%Y-%m-%dT%H:%M:%S")):
        cand = np.flatnonzero(lens == width)
        if len(cand):
            sub = raw.iloc[cand]
            parsed = pd.to_datetime(sub, format=fmt, errors="coerce")
            # pandas takes year 0 and rolls seconds 60-61 over; Python's datetime does not
            ok = parsed.notna().to_numpy() & (parsed.dt.year >= 1).to_numpy()
            if width == 19:
                ok &= (sub.str.slice(17, 19) < "60").to_numpy()
            canonical[cand[ok]] = True
    return canonical


def _per_distinct(raw, fn):
    """``fn(raw)`` (an array aligned with `raw`), computed on the distinct values of `raw`
    when they are at most half of its cells (a cell's result depends on its text alone)."""
    codes, uniques = pd.factorize(raw, sort=False)
    if 2 * len(uniques) > len(raw):
        return np.asarray(fn(raw.reset_index(drop=True)))
    res = np.asarray(fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object)))
    return res[codes]


def _to_float(text):
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def _numbers(raw, empty, problems, shown, typ, default, decimal_comma, bounds=(None, None, False)):
    text = raw
    if decimal_comma:
        dc = raw.str.match(_DECIMAL_COMMA)
        if dc.any():
            text = raw.where(~dc, raw.str.replace(",", ".", regex=False))
    num = np.array(_per_distinct(text.where(~empty, "0"), _to_float), dtype=float)
    if len(raw):
        # float() reads Arabic-Indic and fullwidth digits; a number column takes ASCII only
        num[~_ascii_mask(raw)] = math.nan
    bad = ~empty & ~np.isfinite(num)
    problems.add(bad, shown, raw.to_numpy(dtype=object), f"{BAD_NUMBER}: not a number")
    if typ == "integer":
        frac = ~empty & ~bad & (np.floor(num) != num)
        problems.add(frac, shown, raw.to_numpy(dtype=object), f"{BAD_NUMBER}: not a whole number")
    lo, hi, lo_exclusive = bounds
    if lo is not None or hi is not None:
        ok = ~empty & ~bad
        out = np.zeros(len(num), dtype=bool)
        if lo is not None:
            out |= ok & ((num <= float(lo)) if lo_exclusive else (num < float(lo)))
        if hi is not None:
            out |= ok & (num > float(hi))
        problems.add(out, shown, raw.to_numpy(dtype=object),
                     f"{BAD_NUMBER}: out of range, {_range_text(lo, hi, lo_exclusive)}")
        bad = bad | out
    fill = float(default) if default is not None else math.nan
    num[empty] = fill
    num[bad] = math.nan
    return pd.Series(num, dtype=float)


def _range_text(lo, hi, lo_exclusive):
    def fmt(v):
        return f"{v:,}" if float(v) != int(v) else f"{int(v):,}"
    parts = []
    if lo is not None:
        parts.append(f"{'greater than' if lo_exclusive else 'at least'} {fmt(lo)}")
    if hi is not None:
        parts.append(f"at most {fmt(hi)}")
    return "expected " + " and ".join(parts)


def _nfc(text):
    return unicodedata.normalize("NFC", text)


def _normalize_text(raw, fn):
    """Apply `fn` once per distinct non-ASCII value (ASCII text is left as it is)."""
    if not len(raw):
        return raw
    asc = _ascii_mask(raw)
    if asc.all():
        return raw
    out = raw.to_numpy(dtype=object, copy=True)
    rest = np.flatnonzero(~asc)
    cache = {}
    for p in rest:
        v = out[p]
        if v not in cache:
            cache[v] = fn(v)
        out[p] = cache[v]
    return pd.Series(out, dtype=object)


def _phones(raw, empty, problems, shown, region):
    # Fast path: numbers already in E.164 are kept as they are; the rest are parsed once per
    # distinct value.
    e164 = _per_distinct(raw, _e164_mask)
    if e164.all() and not empty.any():
        return pd.Series(raw.to_numpy(dtype=object), dtype=object)
    rest = ~e164
    out = raw.to_numpy(dtype=object, copy=True)
    if rest.any():
        sub = raw[rest]
        sub_problems = Problems(len(sub), problems.lines[np.flatnonzero(rest)], problems.file)
        conv = _by_unique(sub.reset_index(drop=True), empty[rest], sub_problems, shown,
                          lambda v: normalize_phone(v, region), None)
        out[rest] = conv.to_numpy(dtype=object)
        if sub_problems._parts:
            pos_all = np.flatnonzero(rest)
            for pos, col, vals, probs in sub_problems._parts:
                mask = np.zeros(problems.n, dtype=bool)
                mask[pos_all[pos]] = True
                problems.add(mask, col, _scatter(problems.n, pos_all[pos], vals),
                             _scatter(problems.n, pos_all[pos], probs))
    out[empty] = None
    return pd.Series(out, dtype=object)


def _e164_mask(raw):
    match = _E164.match
    return np.fromiter((isinstance(v, str) and match(v) is not None
                        for v in raw.to_numpy(dtype=object)), dtype=bool, count=len(raw))


def _is_empty(raw):
    """Boolean array: the cells of a Series of str that are ``""``."""
    return np.asarray(raw.to_numpy(dtype=object) == "", dtype=bool).reshape(len(raw))


def _lower(raw):
    """``raw.str.lower()``, computed once per distinct value (as an object Series)."""
    codes, uniques = pd.factorize(raw, sort=False)
    low = np.array([u.lower() for u in uniques] + [None], dtype=object)
    return pd.Series(low[codes], index=raw.index, dtype=object)


def _ascii_mask(raw):
    """Boolean array: the cells of a Series of str that are ASCII (``str.isascii``)."""
    arr = raw.to_numpy(dtype=object)
    try:
        if "".join(arr).isascii():  # one pass in C over a column that is almost always ASCII
            return np.ones(len(arr), dtype=bool)
    except TypeError:  # a cell that is not text (None) counts as ASCII, as pandas' .str did
        return np.fromiter((not isinstance(v, str) or v.isascii() for v in arr), dtype=bool,
                           count=len(arr))
    return np.fromiter(map(str.isascii, arr), dtype=bool, count=len(arr))


def _scatter(n, pos, values):
    arr = np.empty(n, dtype=object)
    arr[pos] = values
    return arr
