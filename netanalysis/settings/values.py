"""Checked text values of the settings: sizes, paths, country codes, CSS colours and lengths.

Each type is a ``str`` subclass with a ``check`` class method that returns the value (normalised)
or raises ``ValueError``; :mod:`netanalysis.settings` turns that into an
:class:`~netanalysis.errors.InputError` naming the key and where it was set.
"""

from __future__ import annotations

import re

__all__ = ["Size", "PathText", "CountryCode", "CssColor", "CssLength", "CHECKED_TYPES"]

_SIZE_RE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
_PATH_BAD = re.compile(r"['\"`\x00-\x1f\x7f]")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


class Size(str):
    """A memory size such as ``2GB`` or ``512 MiB`` (checked, so it is safe to hand to DuckDB).

    Examples
    --------
    >>> Size.check("2GB")
    '2GB'
    >>> Size.check("1GB'; COPY x TO 'f'")
    Traceback (most recent call last):
    ...
    ValueError: not a size: use a number and a unit, e.g. 2GB or 512MiB

    See Also
    --------
    PathText : the check for folder names.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`Size`, or raise ValueError."""
        if not isinstance(value, str) or not _SIZE_RE.match(value):
            raise ValueError("not a size: use a number and a unit, e.g. 2GB or 512MiB")
        return cls(value)


class PathText(str):
    """A file system path: text without quotes, backquotes or control characters (newlines).

    Examples
    --------
    >>> PathText.check("/tmp/spill")
    '/tmp/spill'
    >>> PathText.check("/tmp'\\n")
    Traceback (most recent call last):
    ...
    ValueError: not a usable path: no quotes, backquotes, newlines or control characters

    See Also
    --------
    Size : the check for memory sizes.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`PathText`, or raise ValueError."""
        if not isinstance(value, str) or not value or _PATH_BAD.search(value) or len(value) > 4096:
            raise ValueError("not a usable path: no quotes, backquotes, newlines or control "
                             "characters")
        return cls(value)


class CountryCode(str):
    """An ISO 3166-1 alpha-2 country code, upper case (YAML 1.1 reads ``NO`` as false: kept).

    Examples
    --------
    >>> CountryCode.check("co"), CountryCode.check(False)
    ('CO', 'NO')

    See Also
    --------
    Size, PathText : the other checked text types.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as an upper-case :class:`CountryCode`, or raise ValueError."""
        if value is False:  # the unquoted YAML 1.1 scalar NO (Norway)
            return cls("NO")
        if not isinstance(value, str) or not _COUNTRY_RE.match(value.upper()):
            raise ValueError("not a country code: use two letters (ISO 3166-1 alpha-2), e.g. CO")
        return cls(value.upper())


class CssColor(str):
    """A CSS colour: ``#rgb``/``#rrggbb(aa)``, a colour name, or ``rgb()``/``rgba()`` of numbers.

    Colours reach the HTML of maps and the report; anything else (``red; background:
    url(...)``) could fetch from the network or break the page, so it is refused.

    Examples
    --------
    >>> CssColor.check("#d62728"), CssColor.check("steelblue")
    ('#d62728', 'steelblue')

    See Also
    --------
    CssLength : the check for the map height.
    """

    _RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|rgba?\(\s*[0-9.,%\s]{1,60}\))$")

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`CssColor`, or raise ValueError."""
        if not isinstance(value, str) or not cls._RE.match(value):
            raise ValueError("not a CSS colour: use #rrggbb, a colour name or rgb(r, g, b)")
        return cls(value)


class CssLength(str):
    """A CSS length such as ``820px``, ``90vh`` or ``100%``.

    Examples
    --------
    >>> CssLength.check("820px")
    '820px'

    See Also
    --------
    CssColor : the check for colours.
    """

    _RE = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|vw|em|rem)$")

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`CssLength`, or raise ValueError."""
        if not isinstance(value, str) or not cls._RE.match(value):
            raise ValueError("not a CSS length: use a number and px, %, vh, vw, em or rem")
        return cls(value)


#: The checked types, for ``isinstance`` and ``issubclass`` tests.
CHECKED_TYPES = (Size, PathText, CountryCode, CssColor, CssLength)
