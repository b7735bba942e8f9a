"""Connections to a Neo4j server: settings, one clear error, no secrets in messages.

Connection values come, in increasing precedence, from the ``neo4j`` section of the settings
(:func:`netanalysis.settings.load_settings`: defaults, a settings file, ``NETANALYSIS_NEO4J__*``
and ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``), then explicit
arguments. The password is never printed, logged or put into an exception message, and an
address is only ever shown through :func:`netanalysis.redact.redact_uri`.

An address may carry credentials (``bolt://user:password@host:7687``): the driver refuses
them in the address, so they are taken out of it (:func:`netanalysis.redact.split_uri_credentials`);
the user in the address is used, and its password unless one is given explicitly or by
``NEO4J_PASSWORD``.

Errors are specific :class:`~netanalysis.errors.BackendError` subclasses:
:class:`~netanalysis.errors.ServerUnreachableError` (nothing answers at the address),
:class:`~netanalysis.errors.AuthenticationError` (credentials refused); a missing Graph Data
Science plugin, when required, is :class:`~netanalysis.errors.GDSMissingError`.
"""

from __future__ import annotations

from netanalysis.errors import AuthenticationError, BackendError, ServerUnreachableError
from netanalysis.redact import redact_text, redact_uri, split_uri_credentials
from netanalysis.settings import load_settings

__all__ = ["Connection", "connect", "connection_settings"]

_KEYS = ("uri", "user", "password", "database")
_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


def connection_settings(uri=None, user=None, password=None, database=None, settings=None):
    """Return the effective ``uri``, ``user``, ``password``, ``database`` and ``batch_size``.

    Explicit arguments override `settings` (default :func:`load_settings`).

    Parameters
    ----------
    uri, user, password, database : str, optional
        Override the settings' ``neo4j`` section.
    settings : Settings, optional
        Default :func:`netanalysis.settings.load_settings`.

    Returns
    -------
    dict
        ``uri``, ``user``, ``password``, ``database`` and ``batch_size``.

    See Also
    --------
    connect : connects with these.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> s = load_settings(env={})
    >>> c = connection_settings(uri="bolt://db:7687", settings=s)
    >>> c["uri"], c["database"]
    ('bolt://db:7687', 'neo4j')
    """
    settings = settings if settings is not None else load_settings()
    conf = dict(settings.section("neo4j"))
    given = {"uri": uri, "user": user, "password": password, "database": database}
    conf.update({k: v for k, v in given.items() if v is not None})
    return conf


class Connection:
    """An open driver bound to one database; use as a context manager.

    Parameters
    ----------
    driver : neo4j.Driver
        The open driver.
    uri : str
        The server's address, without credentials.
    user : str or None
        The user name.
    database : str
        The database sessions open on.

    Attributes
    ----------
    uri, user, database : str
        Where it is connected (the address without credentials; the password is not kept
        on the object).
    driver : neo4j.Driver

    See Also
    --------
    connect : opens one, checked.

    Examples
    --------
    >>> Connection(None, "bolt://db:7687", "neo4j", "neo4j")
    <Connection bolt://db:7687 user='neo4j' database='neo4j'>
    """

    def __init__(self, driver, uri, user, database):
        self.driver = driver
        self.uri = uri
        self.user = user
        self.database = database

    def session(self, **kw):
        """Return a session on the connection's database."""
        return self.driver.session(database=self.database, **kw)

    def close(self):
        """Close the driver."""
        self.driver.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        return f"<Connection {self.uri} user={self.user!r} database={self.database!r}>"


def connect(uri=None, user=None, password=None, database=None, *, settings=None, timeout=15):
    """Open a :class:`Connection` and check that the server answers and accepts us.

    Parameters
    ----------
    uri : str, optional
        ``bolt://``, ``neo4j://`` (or ``+s`` / ``+ssc`` variants) address of the server.
    user, password : str, optional
        Credentials. Without a password the driver connects without authentication (as for
        the test server, which has authentication off).
    database : str, optional
        Database name (default from the settings: ``neo4j``).
    settings : Settings, optional
    timeout : float
        Seconds to wait for a connection.

    Returns
    -------
    Connection

    Raises
    ------
    ServerUnreachableError
        Nothing answers at the address.
    AuthenticationError
        The server refuses the credentials.
    BackendError
        The address is invalid, or the server has no such database.
        No message contains the password, whether given apart or inside the address.

    See Also
    --------
    connection_settings : the address and credentials used by default.
    Connection : what is returned.

    Examples
    --------
    >>> try:
    ...     connect("bolt://127.0.0.1:9", timeout=2)   # nothing listens there
    ... except ServerUnreachableError as exc:
    ...     print(type(exc).__name__)
    ServerUnreachableError
    """
    import neo4j
    from neo4j import exceptions as nx_exc

    conf = connection_settings(uri, user, password, database, settings)
    uri, user, password, database = (conf.get(k) for k in _KEYS)
    if not uri:
        raise BackendError("no Neo4j address: set NEO4J_URI or pass --uri")
    uri, uri_user, uri_password = split_uri_credentials(uri)
    secrets = [password, uri_password]
    if uri_user:
        user = uri_user
    if uri_password and not password:
        password = uri_password
    shown = redact_uri(uri)
    scheme = str(uri).split("://", 1)[0].lower() if "://" in str(uri) else ""
    if scheme not in _SCHEMES:
        raise BackendError(f"invalid Neo4j address {redact_text(shown, secrets)!r}: use "
                           "bolt://HOST:PORT or neo4j://HOST:PORT (or the +s / +ssc variants)")
    auth = (user or "neo4j", password) if password else None
    refused = (f"Neo4j at {shown} refused the credentials of user {user!r}: wrong user or "
               "password (set NEO4J_USER / NEO4J_PASSWORD)")
    try:
        driver = neo4j.GraphDatabase.driver(
            uri, auth=auth, connection_timeout=timeout, connection_acquisition_timeout=timeout,
            max_transaction_retry_time=timeout, notifications_min_severity="OFF",
            user_agent="netanalysis")
    except (nx_exc.ConfigurationError, ValueError) as exc:
        raise BackendError(f"invalid Neo4j address {shown!r}: "
                           f"{_short(redact_text(exc, secrets))}") from None
    try:
        driver.verify_connectivity()
        with driver.session(database=database) as s:
            s.run("RETURN 1").consume()
    except nx_exc.AuthError:
        driver.close()
        raise AuthenticationError(refused) from None
    except nx_exc.ClientError as exc:
        driver.close()
        code = getattr(exc, "code", "") or ""
        if "DatabaseNotFound" in code:
            raise BackendError(f"Neo4j at {shown} has no database {database!r} "
                               "(set NEO4J_DATABASE or pass --database)") from None
        if "Unauthorized" in code or "Security" in code:
            raise AuthenticationError(refused) from None
        raise BackendError(f"Neo4j at {shown}: "
                           f"{_short(redact_text(exc.message or exc, secrets))}") from None
    except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError) as exc:
        driver.close()
        raise ServerUnreachableError(f"cannot reach Neo4j at {shown}: "
                                     f"{_short(redact_text(exc, secrets))} "
                                     "(is the server running? check NEO4J_URI or --uri)") from None
    except nx_exc.DriverError as exc:
        driver.close()
        raise BackendError(f"cannot use Neo4j at {shown}: "
                           f"{_short(redact_text(exc, secrets))}") from None
    return Connection(driver, shown, user, database)


def _short(text):
    line = text.strip().splitlines()[0] if text.strip() else text
    return line[:300]
