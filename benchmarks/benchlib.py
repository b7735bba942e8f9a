"""Measuring helpers shared by the benchmark scripts (run as ``python benchmarks/NAME.py``).

A script imports this module by name (``from benchlib import cpu_seconds``): Python puts the
script's own folder first on ``sys.path``, and processes started with multiprocessing's
``spawn`` inherit that path.

- :func:`peak_rss_kb`: peak resident memory of this process (``VmHWM``, which starts afresh at
  exec, unlike ``ru_maxrss``, which keeps the parent's peak in a forked child).
- :func:`cpu_seconds`: user + system CPU seconds of this process.
- :func:`tree_cpu_seconds`: the same for this process and its live descendants (a JVM, its
  Python workers).
- :func:`load_average`: the 1, 5 and 15 minute load averages as text, to print beside figures.
- :func:`run_spawned`: run a function in a fresh process (``spawn``) and return what it put on
  its queue, so each measurement starts with a cold interpreter and its own peak memory.
- :func:`travel_generator`: the travel-table generator of ``benchmarks/resolve.py``.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
import resource
from pathlib import Path

__all__ = ["cpu_seconds", "load_average", "peak_rss_kb", "run_spawned", "travel_generator",
           "tree_cpu_seconds"]


def peak_rss_kb():
    """Peak resident memory of this process in kB (``VmHWM``; ``ru_maxrss`` where /proc is absent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds():
    """User plus system CPU seconds used by this process so far."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def tree_cpu_seconds():
    """CPU seconds (user + system) of this process and its live descendants (the JVM, the
    Python daemon and its workers); descendants that ended before the call are not counted."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me] + me.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def load_average():
    """``"load average 1.2 0.9 0.7"``: the machine's 1, 5 and 15 minute load averages."""
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_spawned(target, *args):
    """Run ``target(*args, queue)`` in a fresh spawned process; return the first item it queues."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=target, args=args + (q,))
    p.start()
    out = q.get()
    p.join()
    return out


def travel_generator():
    """``benchmarks/resolve.py``'s ``_travel_table(rows, seed)``: the lognormal-journey travel table."""
    spec = importlib.util.spec_from_file_location("bench_resolve",
                                                  Path(__file__).with_name("resolve.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod._travel_table
