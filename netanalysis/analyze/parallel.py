"""Run independent kernels side by side in forked processes.

igraph and leidenalg hold the GIL while they compute, so threads do not overlap them. A
forked child shares the parent's memory copy-on-write: it reads the kernel graph (C memory,
untouched by reference counts) without copying it, computes one array and sends it back
through a pipe. The result is the one the same call gives in the parent: every kernel sent
to a child seeds its own random numbers.

Children are used only where it pays and is safe: on graphs of at least
:data:`PARALLEL_MIN_NODES` nodes, where ``os.fork`` exists, on more than one core. The
environment variable ``NETANALYSIS_FORK`` overrides that: ``0`` never forks, ``always`` forks
whatever the size and runs the movements beside the kernels (tests, benchmarks;
:func:`alongside_enabled`). Fork a child before the parent has used networkit
(OpenMP) and keep OpenMP kernels in the parent.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import time
import warnings

__all__ = ["PARALLEL_MIN_NODES", "ForkedCall", "fork_call", "parallel_enabled", "alongside_enabled",
           "release_memory"]

#: Graphs with fewer nodes than this run every kernel in the calling process: below it a
#: kernel takes well under a second and a child would cost more than it saves.
PARALLEL_MIN_NODES = 100_000


def parallel_enabled(n_nodes):
    """Return True when kernels on a graph of `n_nodes` nodes should run in forked children.

    Parameters
    ----------
    n_nodes : int
        Nodes of the graph.

    Returns
    -------
    bool
        True when `n_nodes` >= :data:`PARALLEL_MIN_NODES`, ``os.fork`` exists and the
        machine has more than one core; ``NETANALYSIS_FORK=0`` makes it False and
        ``NETANALYSIS_FORK=always`` True (where ``os.fork`` exists).

    See Also
    --------
    fork_call : runs a function in a child.

    Examples
    --------
    >>> parallel_enabled(10)
    False
    """
    how = os.environ.get("NETANALYSIS_FORK", "").strip().lower()
    if not hasattr(os, "fork") or how in ("0", "false", "no", "off"):
        return False
    if how == "always":
        return True
    return n_nodes >= PARALLEL_MIN_NODES and (os.cpu_count() or 1) > 1


def alongside_enabled(n_nodes):
    """Return True when this process should do other work (movements) while forked kernels run.

    The parent's work then touches the shared case while the children still map it, so
    each page it writes is copied: at 300k persons the process tree's resident peak
    (``memcap.sh``) was 3.9 GB with the movements beside the kernels against 2.4 GB with the
    kernels forked alone (98 s against 109 s wall). Scaled to 1M persons the first would not
    fit 8 GB, so it is off unless ``NETANALYSIS_FORK=always``.

    Parameters
    ----------
    n_nodes : int

    Returns
    -------
    bool

    See Also
    --------
    parallel_enabled : whether kernels are forked at all.

    Examples
    --------
    >>> alongside_enabled(10)
    False
    """
    return os.environ.get("NETANALYSIS_FORK", "").strip().lower() == "always" \
        and parallel_enabled(n_nodes)


def release_memory():
    """Collect garbage and hand freed heap memory back to the system (glibc ``malloc_trim``).

    After a stage that allocated and freed a lot (the kernel graph, the movement index),
    glibc keeps the freed pages mapped; trimming returns them, so the resident memory is
    what the run still holds.

    Returns
    -------
    bool
        Whether ``malloc_trim`` was called (glibc only).

    See Also
    --------
    fork_call : the children's memory, for which this counts too.

    Examples
    --------
    >>> isinstance(release_memory(), bool)
    True
    """
    gc.collect()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        return False
    return True


class ForkedCall:
    """A function call running in a forked child; :meth:`result` waits for its value.

    Parameters
    ----------
    fn : callable
        Called as ``fn(*args, **kwargs)`` in the child; its value must pickle.
    args, kwargs
        Its arguments (inherited by the child, not pickled).
    fork : bool
        False runs the call in this process when :meth:`result` is first asked for (same
        interface and order of work as a plain call there, no child).

    Attributes
    ----------
    cpu_s : float or None
        CPU seconds (user + system) of the child, or of the call when run in process; set by
        :meth:`result`.
    wall_s : float or None
        Seconds from the start to the value received.
    forked : bool
        Whether a child ran it.

    See Also
    --------
    fork_call : builds one.

    Examples
    --------
    >>> call = ForkedCall(sum, [1, 2, 3], fork=False)
    >>> call.result(), call.forked
    (6, False)
    """

    def __init__(self, fn, *args, fork=True, **kwargs):
        self.cpu_s = None
        self.wall_s = None
        self._t0 = time.perf_counter()
        self._value = None
        self._done = False
        self.forked = bool(fork)
        self._call = None
        if not fork:
            self._call = (fn, args, kwargs)
            return
        r, w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        frozen = gc.isenabled()
        if frozen:
            gc.freeze()  # neither process's collector then writes to the shared objects
        with warnings.catch_warnings():
            # Python 3.12+ warns on fork in a process with threads (pyarrow's, DuckDB's):
            # the child runs only the kernel given here, in this thread
            warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running the parent's exit code
            os.close(r)
            code = 0
            try:
                try:
                    data = pickle.dumps(("ok", fn(*args, **kwargs)), protocol=5)
                except BaseException as e:  # noqa: BLE001 - sent to the parent, raised there
                    code = 1
                    try:
                        data = pickle.dumps(("error", e), protocol=5)
                    except Exception:  # noqa: BLE001 - an exception that does not pickle
                        data = pickle.dumps(("error", RuntimeError(repr(e))), protocol=5)
                view = memoryview(data)
                while view:
                    view = view[os.write(w, view) :]
                os.close(w)
            finally:
                os._exit(code)
        os.close(w)
        self._pid, self._fd, self._frozen = pid, r, frozen

    def result(self):
        """Return the call's value (waiting for the child), or raise the exception it raised.

        Returns
        -------
        object

        Raises
        ------
        RuntimeError
            The child ended without sending a value (killed, out of memory).
        """
        if self._done:
            return self._value
        if self._call is not None:
            fn, args, kwargs = self._call
            c, t = time.process_time(), time.perf_counter()
            self._value = fn(*args, **kwargs)
            self.cpu_s = time.process_time() - c
            self.wall_s = time.perf_counter() - t
            self._done, self._call = True, None
            return self._value
        chunks = []
        with os.fdopen(self._fd, "rb") as f:
            while True:
                b = f.read(1 << 20)
                if not b:
                    break
                chunks.append(b)
        _, status, ru = os.wait4(self._pid, 0)
        if self._frozen:
            gc.unfreeze()
        self.cpu_s = ru.ru_utime + ru.ru_stime
        self.wall_s = time.perf_counter() - self._t0
        self._done = True
        if not chunks:
            raise RuntimeError(f"a forked kernel process ended without a result (wait status {status})")
        kind, value = pickle.loads(b"".join(chunks))
        if kind == "error":
            raise value
        self._value = value
        return value


def fork_call(fn, *args, fork=True, **kwargs):
    """Start ``fn(*args, **kwargs)`` in a forked child and return its :class:`ForkedCall`.

    Parameters
    ----------
    fn : callable
    args, kwargs
        Passed to `fn` in the child.
    fork : bool
        False (or a platform without ``os.fork``) runs it in this process when its value is
        asked for.

    Returns
    -------
    ForkedCall
        ``.result()`` gives the value.

    See Also
    --------
    parallel_enabled : whether to fork for a graph of a given size.

    Examples
    --------
    >>> fork_call(max, 3, 7).result()
    7
    """
    return ForkedCall(fn, *args, fork=fork and hasattr(os, "fork"), **kwargs)
