"""Time and peak memory of entity resolution on hostile names (issue 14), against ordinary ones.

Each run builds a case of person pairs that share a passport (so every pair is compared in
full) and resolves it in a fresh subprocess, capped at ``--mem-cap`` GiB of address space
(a run over the cap is reported as ``over cap``, not allowed to take the machine down):

- ``ordinary``: names of 4 tokens, 2 aliases per person (the baseline of the same run);
- ``long names``: names of ``--tokens`` tokens drawn from three words, so that a third of
  the token pairs match (the case that kept every token pair, 13 GB at 5000 tokens);
- ``many aliases``: ``--aliases`` aliases per person (names x aliases comparisons).

It prints seconds, peak RSS and the ratio of each against the ordinary baseline.

Usage::

    python benchmarks/resolve_hostile.py
    python benchmarks/resolve_hostile.py --tokens 3000 --aliases 400 --pairs 4 --mem-cap 4
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

__all__ = ["main"]

_VOCAB = ["jose", "luis", "perez", "gomez", "maria", "ana", "rios", "mora", "gil", "vega",
          "ortiz", "camilo", "pedro", "pablo", "leon", "torres", "ramos", "diaz", "ruiz", "sanz"]


def _case(kind, pairs, tokens, aliases, seed):
    import numpy as np
    import pandas as pd

    from netanalysis.model.case import Case

    rng = np.random.default_rng(seed)
    persons, docs = [], []
    for k in range(pairs):
        # both records of a pair carry the same name: one person, two files
        name = " ".join(rng.choice(_VOCAB[:3], tokens)) if kind == "long names" else \
            " ".join(rng.choice(_VOCAB, 4))
        for side in (0, 1):
            pid = f"P{k:04d}{side}"
            if kind == "many aliases":   # names that differ: every name x alias is compared
                name = " ".join(rng.choice(_VOCAB, 3)) + f" q{side}"
            n_al = aliases if kind == "many aliases" else 2
            al = [" ".join(rng.choice(_VOCAB, 3)) + f" x{k}{side}{a}" for a in range(n_al)]
            persons.append({"id": pid, "name": name, "aliases": al, "birth_date": None,
                            "_file": "persons.csv", "_line": len(persons) + 2})
            docs.append({"id": f"D{pid}", "holder_id": pid, "kind": "passport",
                         "number": f"PA{k:06d}", "issuing_country": "CO",
                         "_file": "documents.csv", "_line": len(docs) + 2})
    return Case(tables={"persons": pd.DataFrame(persons).astype(object),
                        "documents": pd.DataFrame(docs).astype(object)})


def _child(kind, pairs, tokens, aliases, seed):
    from netanalysis.resolve import resolve_entities

    case = _case(kind, pairs, tokens, aliases, seed)
    t = time.perf_counter()
    m = resolve_entities(case)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": dt, "rss_mb": rss, "merges": len(m)}))


def _run(kind, args):
    cap = int(args.mem_cap * 2**30)

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    cmd = [sys.executable, __file__, "--child", kind, "--pairs", str(args.pairs), "--tokens",
           str(args.tokens), "--aliases", str(args.aliases), "--seed", str(args.seed)]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=limit,
                           timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": time.perf_counter() - t, "rss_mb": float("nan"), "merges": None,
                "note": f"timed out after {args.timeout} s"}
    if p.returncode != 0:
        tail = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": time.perf_counter() - t, "rss_mb": float("nan"), "merges": None,
                "note": f"over cap ({args.mem_cap} GiB): {tail[:80]}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=4, help="Person pairs per case.")
    ap.add_argument("--tokens", type=int, default=3000, help="Tokens per long name.")
    ap.add_argument("--aliases", type=int, default=400, help="Aliases per person.")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--mem-cap", type=float, default=4.0, help="GiB of address space per run.")
    ap.add_argument("--timeout", type=int, default=300, help="Seconds per run.")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _child(args.child, args.pairs, args.tokens, args.aliases, args.seed)
        return 0
    print(f"resolution on hostile names: {args.pairs} passport-sharing pairs per case, "
          f"{args.tokens} tokens per long name, {args.aliases} aliases per person "
          f"({os.cpu_count()} CPUs, cap {args.mem_cap} GiB per run)")
    base = _run("ordinary", args)
    print(f"  {'ordinary (baseline)':22s} {base['seconds']:8.2f} s  {base['rss_mb']:8.0f} MiB  "
          f"{base['merges']} merges")
    for kind in ("long names", "many aliases"):
        r = _run(kind, args)
        ratio_t = r["seconds"] / base["seconds"]
        ratio_m = r["rss_mb"] / base["rss_mb"]
        print(f"  {kind:22s} {r['seconds']:8.2f} s  {r['rss_mb']:8.0f} MiB  "
              f"x{ratio_t:.1f} time, x{ratio_m:.1f} memory  "
              + (r.get("note") or f"{r['merges']} merges"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
