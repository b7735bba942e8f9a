"""How well logistics groups and co-travel ties recover what ``synth`` planted, from an
``analyze`` output folder and the case's ``truth/`` folder.

Groups: for each planted cell, the best share of its facilitators that one logistics group
holds (``coverage``); a cell is *recovered* when one logistics group holds at least half of its
facilitators and they are at least half of that group's facilitators (so one group swallowing
several cells recovers none of them). Co-travel: the planted companions found among the
``co_travel`` rows of ``inferred_links.csv``, and the share of those rows that are planted.

Run: ``python benchmarks/groups.py CASE_DIR OUT_DIR [CASE_DIR OUT_DIR ...]``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

__all__ = ["group_recovery", "cotravel_recovery", "main"]


def group_recovery(case_dir, out_dir):
    """Return (cells, recovered, mean coverage) of the planted cells in `out_dir`."""
    cells = pd.read_csv(Path(case_dir) / "truth" / "groups.csv", dtype=str)
    cells = cells[cells["member"] == "facilitator"]
    lg = pd.read_csv(Path(out_dir) / "logistics.csv", dtype=str).fillna("")
    groups = [set(x.split("|")) - {""} for x in lg["facilitator_ids"]]
    rec, cov = 0, []
    for _, c in cells.groupby("cell"):
        facs = set(c["id"])
        best = max(((len(facs & g) / len(facs), len(facs & g) / max(len(g), 1)) for g in groups),
                   default=(0.0, 0.0))
        cov.append(best[0])
        rec += best[0] >= 0.5 and best[1] >= 0.5
    return len(cov), rec, (sum(cov) / len(cov) if cov else float("nan"))


def cotravel_recovery(case_dir, out_dir):
    """Return (planted, found, co_travel rows, rows that are planted)."""
    truth = pd.read_csv(Path(case_dir) / "truth" / "co_travel.csv", dtype=str)
    t = pd.read_csv(Path(out_dir) / "inferred_links.csv", dtype=str)
    t = t[t["type"] == "co_travel"]
    merges = Path(out_dir) / "merges.csv"
    alias = {}
    if merges.exists():
        m = pd.read_csv(merges, dtype=str)
        if {"kept_id", "merged_id"} <= set(m.columns):
            alias = dict(zip(m["merged_id"], m["kept_id"]))
    planted = {frozenset((alias.get(a, a), alias.get(b, b))) for a, b in zip(truth["id_a"], truth["id_b"])}
    rows = {frozenset(x) for x in zip(t["from_id"], t["to_id"])}
    return len(planted), len(planted & rows), len(rows), len(rows & planted)


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    for case_dir, out_dir in zip(args[::2], args[1::2]):
        n, r, cov = group_recovery(case_dir, out_dir)
        p, f, rows, tp = cotravel_recovery(case_dir, out_dir)
        print(f"{out_dir}: cells {n}, recovered {r} ({r / max(n, 1):.2f}), mean coverage {cov:.2f}; "
              f"co-travel planted {p}, found {f}, rows {rows}, planted rows {tp}")


if __name__ == "__main__":
    main()
