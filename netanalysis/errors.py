"""One exception hierarchy for everything that stops a run.

Row-level problems are never exceptions: they become rejects (see
:mod:`netanalysis.ingest.rejects`), written out and counted. These exceptions are for
problems that make a whole input or request unusable. The CLI turns them into one line on
stderr and a non-zero exit code, without a traceback unless ``--debug`` is given.
"""

from __future__ import annotations

__all__ = [
    "NetanalysisError",
    "InputError",
    "SchemaError",
    "MappingError",
    "CypherError",
    "BackendError",
    "ServerUnreachableError",
    "AuthenticationError",
    "GDSMissingError",
    "UnknownEntityError",
]


class NetanalysisError(Exception):
    """Base class of every error netanalysis raises on purpose.

    Parameters
    ----------
    message : str
        What went wrong and what to do about it.
    file : str, optional
        The file the problem is in.
    line : int, optional
        1-based line number as a text editor shows it (a CSV header is line 1).
    column : str or int, optional
        Column name (CSV) or 1-based column number (text files).
    """

    exit_code = 1

    def __init__(self, message, *, file=None, line=None, column=None):
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.column = column

    def location(self):
        """Return ``file:line:column`` with the parts that are known, or ``""``."""
        parts = [p for p in (self.file, self.line, self.column) if p not in (None, "")]
        return ":".join(str(p) for p in parts)

    def __str__(self):
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class InputError(NetanalysisError):
    """A whole input file or folder cannot be used (missing, unreadable, not a CSV...)."""

    exit_code = 2


class SchemaError(InputError):
    """An input file does not have the columns its kind requires."""


class MappingError(InputError):
    """A mapping file is invalid; raised before the first data row is read."""


class CypherError(NetanalysisError):
    """A Cypher block file is malformed, or a caller passed the wrong parameters."""


class BackendError(NetanalysisError):
    """A backend cannot run (server unreachable, bad credentials, missing plugin)."""

    exit_code = 3


class ServerUnreachableError(BackendError):
    """The database server does not answer at the address given (down, wrong host or port)."""


class AuthenticationError(BackendError):
    """The database server refuses the credentials (wrong user or password)."""


class GDSMissingError(BackendError):
    """Neo4j Graph Data Science was required but is not installed in the server."""


class UnknownEntityError(NetanalysisError):
    """A request names an id that is not in the case."""
