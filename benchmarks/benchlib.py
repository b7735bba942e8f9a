"""Measuring helpers shared by the benchmark scripts (run as ``python benchmarks/NAME.py``).

A script imports this module by name (``from benchlib import cpu_seconds``): Python puts the
script's own folder first on ``sys.path``, and processes started with multiprocessing's
``spawn`` inherit that path.

- :func:`peak_rss_kb`: peak resident memory of this process (``VmHWM``, which starts afresh at
  exec, unlike ``ru_maxrss``, which keeps the parent's peak in a forked child).
- :func:`cpu_seconds`: user + system CPU seconds of this process.
- :func:`tree_cpu_seconds`: the same for this process and its live descendants (a JVM, its
  Python workers); with ``reaped=True`` also the descendants that ended and were waited for.
- :func:`machine_cpu_seconds`: busy CPU seconds of the whole machine (``/proc/stat``), to tell
  how much of the cores other jobs took during a measurement.
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

__all__ = ["cpu_seconds", "load_average", "machine_cpu_seconds", "peak_rss_kb", "run_spawned",
           "travel_generator", "tree_cpu_seconds"]


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


def tree_cpu_seconds(reaped=False):
    """CPU seconds (user + system) of this process and its live descendants (the JVM, the
    Python daemon and its workers).

    With `reaped`, also those of the descendants that ended and were waited for by a process
    of the tree (``children_user`` and ``children_system`` of each live process, as
    ``getrusage(RUSAGE_CHILDREN)`` gives them): a Python worker that Spark stopped between two
    calls is then counted; each ended process once, in the parent that waited for it. Without
    it, descendants that ended before the call are not counted."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me] + me.children(recursive=True):
        try:
            t = p.cpu_times()
            total += t.user + t.system
            if reaped:
                total += t.children_user + t.children_system
        except psutil.Error:
            pass
    return total


def machine_cpu_seconds():
    """Busy CPU seconds of the whole machine since boot (``/proc/stat``: every state but idle
    and iowait, summed over the cores), or None where /proc is absent; the difference of two
    calls less a process tree's own CPU seconds is what other jobs used meanwhile."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    v = [int(x) for x in fields[1:]]
    busy = sum(v[:8]) - v[3] - v[4]     # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


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
