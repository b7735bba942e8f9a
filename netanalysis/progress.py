"""Progress reporting for long operations, on stderr, silenced with ``quiet``.

Three forms, chosen by where the output goes:

- on a terminal, a counted operation shows a bar (tqdm) with counts, rate and time left;
- anywhere else (a log file, CI, a pipe), plain lines, at most one every ``every`` seconds
  and at the end: ``resolving: 120,000/1,000,000 rows (12%), 50,000 rows/s, about 18 s left``;
- with ``quiet``, nothing.

Steps (:meth:`Progress.step`) print a line when they start and when they end, with the time
they took.
"""

from __future__ import annotations

import sys
import time

from netanalysis.outputs import terminal_text

__all__ = ["Progress", "Bar"]


class Progress:
    """Report steps and counts of a long operation on stderr.

    Parameters
    ----------
    quiet : bool
        Print nothing.
    stream : file, optional
        Where to write (default ``sys.stderr``).
    bar : bool, optional
        Draw bars (True) or plain lines (False); by default bars when `stream` is a
        terminal.
    every : float
        Seconds between two plain progress lines of one counted operation.

    See Also
    --------
    Bar : the counted operation :meth:`Progress.bar` returns.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> p = Progress(stream=buf)
    >>> with p.step("reading persons.csv"):
    ...     pass
    >>> buf.getvalue().startswith("reading persons.csv ...")
    True
    >>> with p.bar("scoring", total=3, unit="parties") as b:
    ...     b.update(3)
    >>> buf.getvalue().splitlines()[-1].startswith("scoring: 3/3 parties (100%)")
    True
    """

    def __init__(self, quiet=False, stream=None, bar=None, every=5.0):
        self.quiet = quiet
        self.stream = stream
        self._bar = bar
        self.every = float(every)
        self._counts = {}

    def _out(self):
        return self.stream if self.stream is not None else sys.stderr

    def is_terminal(self):
        """Return True when bars are drawn (`bar`, else whether the stream is a terminal)."""
        if self._bar is not None:
            return bool(self._bar)
        isatty = getattr(self._out(), "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    def say(self, message):
        """Print one line."""
        if not self.quiet:
            print(terminal_text(message), file=self._out(), flush=True)

    def step(self, label):
        """Return a context manager that prints `label` and, at the end, the time it took."""
        return _Step(self, label)

    def bar(self, label, total=None, unit="rows"):
        """Return a :class:`Bar` for a counted operation (a context manager).

        Parameters
        ----------
        label : str
            What is being done.
        total : int, optional
            How many units there are (unknown: no percentage or time left).
        unit : str
            What is counted.
        """
        return Bar(self, label, total=total, unit=unit)

    def count(self, label, done, total=None):
        """Report how far a counted operation has come (``label: 120000/1000000 rows``).

        Repeated calls with the same `label` move one bar on a terminal; elsewhere each call
        prints a line (the caller chooses how often).
        """
        if self.quiet:
            return
        if self.is_terminal():
            b = self._counts.get(label)
            if b is None or b.closed:
                b = self._counts[label] = Bar(self, label, total=total, unit="rows")
                b.__enter__()
            b.update(done - b.done)
            if total and done >= total:
                b.close()
            return
        msg = f"{label}: {done:,}" + (f"/{total:,}" if total else "")
        print(msg, file=self._out(), flush=True)


class Bar:
    """A counted operation: a tqdm bar on a terminal, plain lines elsewhere, or nothing.

    Use :meth:`Progress.bar`; call :meth:`update` with the number of units just done.

    Parameters
    ----------
    progress : Progress
        Where the operation reports.
    label : str
        What is being done.
    total : int, optional
        Units expected; None when unknown.
    unit : str, default "rows"
        Name of the units counted.

    See Also
    --------
    Progress : makes bars with :meth:`Progress.bar`.

    Examples
    --------
    >>> import io
    >>> buf = io.StringIO()
    >>> with Bar(Progress(stream=buf, bar=False), "scoring", total=2, unit="parties") as b:
    ...     b.update(2)
    >>> buf.getvalue().startswith("scoring: 2/2 parties (100%)")
    True
    """

    def __init__(self, progress, label, total=None, unit="rows"):
        self.p, self.label, self.total, self.unit = progress, label, total, unit
        self.done = 0
        self.closed = False
        self._tqdm = None
        self._t0 = self._last = None

    def __enter__(self):
        self._t0 = self._last = time.perf_counter()
        if not self.p.quiet and self.p.is_terminal():
            from tqdm import tqdm

            self._tqdm = tqdm(total=self.total, desc=self.label, unit=f" {self.unit}",
                              unit_scale=True, file=self.p._out(), leave=True,
                              dynamic_ncols=True, mininterval=0.2)
        return self

    def update(self, n=1):
        """Count `n` more units done."""
        if self.closed:
            return
        self.done += int(n)
        if self.p.quiet:
            return
        if self._tqdm is not None:
            self._tqdm.update(int(n))
            return
        now = time.perf_counter()
        if now - self._last >= self.p.every:
            self._last = now
            self._line(now)

    def close(self):
        """End the operation (a last line when lines are printed)."""
        if self.closed:
            return
        self.closed = True
        if self.p.quiet:
            return
        if self._tqdm is not None:
            self._tqdm.close()
        else:
            self._line(time.perf_counter())

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False

    def _line(self, now):
        elapsed = max(now - (self._t0 or now), 1e-9)
        rate = self.done / elapsed
        msg = f"{self.label}: {self.done:,}"
        if self.total:
            msg += f"/{self.total:,} {self.unit} ({100.0 * self.done / self.total:.0f}%)"
        else:
            msg += f" {self.unit}"
        msg += f", {_rate(rate)} {self.unit}/s"
        if self.total and self.done < self.total and rate > 0:
            msg += f", about {_duration((self.total - self.done) / rate)} left"
        print(msg, file=self.p._out(), flush=True)


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


def _rate(r):
    return f"{r:,.0f}" if r >= 10 else f"{r:.2g}"


def _duration(s):
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"
