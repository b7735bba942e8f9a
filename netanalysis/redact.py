"""Secrets kept out of messages: passwords inside URIs and known secret values.

A connection address may carry credentials (``bolt://ana:s3cret@db:7687``, as ``NEO4J_URI``
is often set). Every place that shows an address (progress lines, errors, ``summary.json``,
``repr``) shows it through :func:`redact_uri`; every message built from a driver's exception
goes through :func:`redact_text`.
"""

from __future__ import annotations

import re

__all__ = ["redact_uri", "redact_text", "split_uri_credentials"]

# scheme://userinfo@ : userinfo is everything up to the last "@" before the host part
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<info>[^/?#\s]*)@")


def redact_uri(uri):
    """Return `uri` with the password of its user information replaced by ``***``.

    Parameters
    ----------
    uri : str or None
        A connection address.

    Returns
    -------
    str or None
        The address safe to print: ``scheme://user:***@host...``; unchanged when it has no
        user information; None stays None.

    See Also
    --------
    split_uri_credentials : take the credentials out of an address.
    redact_text : redact addresses and secrets anywhere in a message.

    Examples
    --------
    >>> redact_uri("bolt://ana:s3cret@db.example:7687")
    'bolt://ana:***@db.example:7687'
    >>> redact_uri("neo4j+s://token@db")
    'neo4j+s://***@db'
    >>> redact_uri("bolt://db:7687")
    'bolt://db:7687'
    """
    if uri is None:
        return None
    return _USERINFO.sub(_hide, str(uri))


def split_uri_credentials(uri):
    """Return ``(address, user, password)``: `uri` without its user information, and that.

    Parameters
    ----------
    uri : str
        A connection address, with or without ``user:password@``.

    Returns
    -------
    tuple
        The address without user information, then the user and the password it carried
        (None when absent). Percent-escapes in them are decoded.

    See Also
    --------
    redact_uri : the address safe to print.

    Examples
    --------
    >>> split_uri_credentials("bolt://ana:p%40ss@db:7687")
    ('bolt://db:7687', 'ana', 'p@ss')
    >>> split_uri_credentials("bolt://db:7687")
    ('bolt://db:7687', None, None)
    """
    from urllib.parse import unquote

    s = str(uri)
    m = _USERINFO.match(s)
    if not m:
        return s, None, None
    info = m.group("info")
    user, sep, password = info.partition(":")
    clean = m.group("scheme") + s[m.end():]
    return clean, unquote(user) or None, (unquote(password) if sep else None)


def redact_text(text, secrets=()):
    """Return `text` with every URI password and every value of `secrets` replaced by ``***``.

    Parameters
    ----------
    text : object
        A message (an exception is turned into its text).
    secrets : iterable of str
        Values that must not appear (empty values are ignored).

    Returns
    -------
    str

    See Also
    --------
    redact_uri : the same for one address.

    Examples
    --------
    >>> redact_text("cannot reach bolt://ana:pw@db:1 with pw", ["pw"])
    'cannot reach bolt://ana:***@db:1 with ***'
    """
    out = redact_uri(str(text))
    for s in sorted({str(x) for x in secrets if x}, key=len, reverse=True):
        out = out.replace(s, "***")
    return out


def _hide(m):
    user, sep, _password = m.group("info").partition(":")
    shown = f"{user}:***" if sep else "***"
    return f"{m.group('scheme')}{shown}@"
