"""Progress reporting for long operations, on stderr, silenced with ``quiet``."""

from __future__ import annotations

import sys
import time

from netanalysis.outputs import terminal_text

__all__ = ["Progress"]


class Progress:
    """Report steps and counts of a long operation on stderr.

    Parameters
    ----------
    quiet : bool
        Print nothing.
    stream : file, optional
        Where to write (default ``sys.stderr``).

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> p = Progress(stream=buf)
    >>> with p.step("reading persons.csv"):
    ...     pass
    >>> buf.getvalue().startswith("reading persons.csv ...")
    True
    """

    def __init__(self, quiet=False, stream=None):
        self.quiet = quiet
        self.stream = stream

    def _out(self):
        return self.stream if self.stream is not None else sys.stderr

    def say(self, message):
        """Print one line."""
        if not self.quiet:
            print(terminal_text(message), file=self._out(), flush=True)

    def step(self, label):
        """Return a context manager that prints `label` and, at the end, the time it took."""
        return _Step(self, label)

    def count(self, label, done, total=None):
        """Print how far a counted operation has come (``label: 120000/1000000 rows``)."""
        if self.quiet:
            return
        msg = f"{label}: {done:,}" + (f"/{total:,}" if total else "")
        print(msg, file=self._out(), flush=True)


class _Step:
    def __init__(self, progress, label):
        self.p, self.label = progress, label

    def __enter__(self):
        self.t0 = time.perf_counter()
        if not self.p.quiet:
            print(terminal_text(f"{self.label} ..."), file=self.p._out(), flush=True)
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and not self.p.quiet:
            print(terminal_text(self.label) + f": done in {time.perf_counter() - self.t0:.1f} s",
                  file=self.p._out(), flush=True)
        return False
