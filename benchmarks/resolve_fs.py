"""Entity resolution on Hispanic/Lusophone person records: rules, Fellegi-Sunter and splink.

Generates person records with planted duplicates (``netanalysis.synth.records.person_records``:
accents stripped, second surname dropped, surnames swapped or hyphenated, typos, day/month
swapped, birth date missing; every record carries its person's phone and passport with
probability 0.5 each) and resolves them, in the same run, with

(a) today's rules (``resolve.model: rules``),
(b) the Fellegi-Sunter model (``resolve.model: fellegi_sunter``),
(c) splink 5 on DuckDB set up as its documentation recommends (``run_splink``: name,
    surname and birth-date comparisons with term-frequency adjustments, blocking rules for
    every variant, u by random sampling, m by EM on two passes), clusters at match
    probability >= ``--splink-threshold``,

and prints for each: time, peak memory (RSS above the start of the step, sampled), pairwise
precision and recall over the clusters, recall per variant, and the speed ratio against
splink; the row "merged + review.csv" counts a pair as found when (b) merged it or listed it
for review. splink is an optional dependency (``pip install netanalysis[bench]``); without it
(c) is skipped and says so.

Usage::

    python benchmarks/resolve_fs.py                      # 10k and 100k records
    python benchmarks/resolve_fs.py --sizes 1000000      # national scale (long)
    python benchmarks/resolve_fs.py --sizes 100000 --before /path/to/main   # same merges?
    python benchmarks/resolve_fs.py --sizes 300000 --no-rules --no-splink --before A B
    python benchmarks/resolve_fs.py --sizes 10000 30000 --engine spark --no-rules --no-splink
    python benchmarks/resolve_fs.py --sizes 30000 --no-splink --why   # why pairs are missed
                                                  # (and the calibration per probability band)

The row ``ceiling (rule)`` is the oracle ceiling of the auto-merge rule (merge only with
evidence beyond the name, :func:`rule_ceiling`): the share of the planted pairs whose records
are joined by a shared phone, passport or full (or swapped) birth date, directly or through
third records of the same person; ``within ceiling`` is a method's recall over those pairs
alone. ``birth_date_missing`` duplicates without a shared phone or passport are name-only
and go to review by that rule, so their raw recall stays near their ceiling (about 0.49).
``--false-merges`` (and ``--why``) print the false automatic merges by comparison vector and
the calibration per probability band.

The rows ``(b) if p >= 0.95`` and ``(b) if name alone`` are not settings: they add to (b)'s
merges the review.csv pairs that such a rule would merge (from probability 0.95 with
evidence beyond the name; from the auto-merge probability on the name alone), to show what
each would buy and cost.

``--calibration`` prints, over every candidate pair (not only the merges and the capped
review list), the mean match probability against the planted share per band of
probability, for the model as it was before session 18 and with each of its three
changes added in turn (:func:`calibration_check`).

Figures (session 18, 2 CPUs shared with other runs; load in brackets)
--------------------------------------------------------------------
1,000,000 records, seed 7, duplicate share 0.3, phone and document rates 0.5, code of
main 6cb36c1, Fellegi-Sunter alone in its process (``--no-rules --no-splink``, under an
8 GiB memory cgroup): 148.1 s wall, 147.8 CPU s, peak 5,409 MiB above the start of the
step (cgroup peak 6,763 MiB) [1.6]; precision 0.9949, recall 0.837 (ceiling of the
evidence rule 0.861, within it 0.973); per variant accents 0.955, second surname dropped
0.924, surnames swapped 0.972, hyphenated 0.971, typo 0.933, day/month swapped 0.972,
birth date missing 0.487 (its ceiling 0.489); 770 false automatic merges. Merged pairs at
0.95-0.97 were planted 0.896 of the time, at 0.97-0.99 0.930, at 0.99-0.999 0.982:
over-confident at this size. Why: the model's share of matches among all pairs, lambda
2.455e-6, counts ``2.455e-6 x n (n - 1) / 2`` = 1.23 million matching pairs where 364,172
are planted (``person_records`` at 1M, seed 7: 700,000 persons, at most 8 records each),
3.4 times too many, so every prior odds is 1.75 bits too high; dividing the odds of each
band by 3.4 gives 0.880, 0.943 and 0.987 against the planted 0.896, 0.930 and 0.982 (and
0.808 against 0.750 at 0.90-0.95). At 30,000, 100,000 and 200,000 records the count is
right (10,707 / 10,796 planted pairs among the candidates, 35,071 / 35,550 (36,294 planted
in all), 69,676 / 70,902), so the excess appears
between 200k and 1M: either EM's share of matches among the evidence pairs (whose
non-matches sharing a birth date and a name token grow with the square of the records)
or the count of matches among the name-block pairs (a fixed point that feeds on lambda).
The note of (b) now prints the two counts beside the planted pairs; the 1M run that
would say which did not get the machine in time. A check of lambda that EM cannot
inflate: the pairs sharing a passport, counted over all pairs, divided by m of a shared
passport (the share of matches that do), since strangers almost never share one: at
100,000 records it gives 36,011 matching pairs (phone 35,932) for 36,294 planted at seed 7,
74,697 (75,100) for 74,886 at seed 11, where the model counts 35,071 and 71,166. It is now
a bound on lambda (:func:`netanalysis.resolve.probabilistic.scoring_parameters`; the
larger of the two): at 100,000 records it does not bind and the merges and review list
are identical to those without it (seeds 7 and 11, same run). Whether it holds at 1M,
and whether EM's m of a shared passport stays near 1 there, is not measured (if EM's
match class took in non-matches, that m drops and the bound with it).

splink alone on the same records in a process of its own
(``--no-fs --no-rules --splink-memory-limit 5GB``, 8 GiB cgroup, ``timeout 1320``) did
not finish in 22 minutes [4-6: three other helpers' runs on the two cores]; the cgroup
stood at its 8 GiB cap, DuckDB had spilled 47 GB to its temporary directory (``.tmp`` in
the working directory, removed afterwards: mind the disk) and nothing was printed past
the records, so there is no 1M speed ratio: FS's 148 CPU s (load 1.6) and splink's
more than 22 minutes of wall time at load 4-6 were not measured alike, and no ratio is
claimed from them.

100,000 records, FS now against main's code in the same run (``--before``), precision /
recall: seed 7, 0.3, 0.5: 0.9995 / 0.857 (main 0.9993 / 0.859) [4.3]; seed 11, 0.5, 0.2:
0.9982 / 0.730 (0.9979 / 0.730; the ceiling is 0.730) [4.5]; seed 13, 0.2, 0.35:
0.9980 / 0.789 (0.9976 / 0.790) [5.5]. Calibration over every candidate pair (mean p /
planted share), before -> now: seed 11 [0.8, 0.9) 0.852/0.949 -> 0.854/0.888, [0.9, 0.95)
0.920/0.935 -> 0.939/0.964, [0.5, 0.8) 0.656/0.751 -> 0.665/0.746; seed 7 [0.8, 0.9)
0.856/0.920 -> 0.875/0.938, [0.9, 0.95) 0.928/0.971 -> 0.930/0.927, [0.95, 0.97)
0.959/0.975 -> 0.961/0.957; seed 13 [0.5, 0.8) 0.683/0.829 -> 0.653/0.791, [0.8, 0.9)
0.855/0.947 -> 0.843/0.928, [0.95, 0.97) 0.963/0.987 -> 0.954/0.983 (still
under-confident). The pairs with evidence beyond the name (those that may merge) were
close to calibrated before and stay so; the changes move the name-only pairs of the
review list, whose exact rare names were under-stated by up to 3.6 bits.

With ``--engine spark``, (b) also runs on the Spark engine
(:func:`netanalysis.engines.spark.resolve.resolve_spark`, ``local[--spark-cores]``, driver
memory ``--driver-memory``) on the same records: its time (session start and table transfer
apart), the ratio against (b) embedded measured in the same run, the peak memory of the
driver and of the JVM with its Python workers, and whether merges, review list and model
are identical.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

import numpy as np
import pandas as pd
import psutil

__all__ = ["main"]


class _Peak:
    """Peak RSS (MiB) above the level at entry, sampled every 50 ms in a thread."""

    def __enter__(self):
        self.proc = psutil.Process(os.getpid())
        self.base = self.proc.memory_info().rss
        self.peak = self.base
        self.stop = threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()
        self.t0 = time.perf_counter()
        self.c0 = sum(self.proc.cpu_times()[:2])
        return self

    def _run(self):
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, self.proc.memory_info().rss)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.cpu = sum(self.proc.cpu_times()[:2]) - self.c0     # user + system, all threads
        self.stop.set()
        self.t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)
        self.mib = (self.peak - self.base) / 2**20


#: The timing of a row that is not a run (a ceiling, a recall within it).
_NO_TIME = type("NoTime", (), {"seconds": float("nan"), "mib": float("nan"),
                               "cpu": float("nan")})()


def _pairs_of_clusters(labels):
    """All record pairs within each cluster: ``{(a, b)}`` with ``a < b``."""
    out = set()
    groups = {}
    for rid, c in labels.items():
        groups.setdefault(c, []).append(rid)
    for mem in groups.values():
        if len(mem) > 1:
            mem = sorted(mem)
            for i in range(len(mem)):
                for j in range(i + 1, len(mem)):
                    out.add((mem[i], mem[j]))
    return out


def _score(pred, truth):
    ids = truth["id"].tolist()
    person = dict(zip(ids, truth["person"].tolist()))
    tpairs = _pairs_of_clusters(person)
    tp = len(pred & tpairs)
    res = {"precision": tp / max(1, len(pred)), "recall": tp / max(1, len(tpairs)),
           "pairs": len(pred)}
    # recall per variant: pairs (original, duplicate) of each kind
    orig = truth[truth["variant"] == "original"].set_index("person")["id"]
    dup = truth[truth["variant"] != "original"]
    for kind, g in dup.groupby("variant"):
        want = [tuple(sorted((orig[p], d))) for p, d in zip(g["person"], g["id"])]
        res[kind] = sum(w in pred for w in want) / max(1, len(want))
    return res


def rule_ceiling(records):
    """The planted pairs a rule that merges only with evidence beyond the name can reach.

    Two records of one person are joined directly when they share a phone number or a
    passport number, or both carry a full birth date that is the same or the same with day
    and month swapped (a birth month with a rare full name, which the rule also takes, is
    left out: the ceiling is a little low); through third records of the same person when
    a chain of such joins links them.

    Returns
    -------
    set of (id, id)
        The truth pairs (``a < b``) within the joined components of each person: the most
        such a rule can merge, the oracle ceiling of the recall.
    """
    truth = records["truth"]
    ids = truth["id"].tolist()
    person = dict(zip(ids, truth["person"].tolist()))
    birth = dict(zip(records["persons"]["id"], records["persons"]["birth_date"]))
    keys = {}
    for table, col, who in ((records["phones"], "number", "person_id"),
                            (records["documents"], "number", "holder_id")):
        for rid, num in zip(table[who].tolist(), table[col].tolist()):
            keys.setdefault(rid, set()).add((col, who, num))
    groups = {}
    for rid in ids:
        groups.setdefault(person[rid], []).append(rid)

    def joined(a, b):
        if keys.get(a, set()) & keys.get(b, set()):
            return True
        x, y = birth.get(a), birth.get(b)
        if not (isinstance(x, str) and isinstance(y, str) and len(x) == 10 and len(y) == 10):
            return False
        return x == y or (x[:4] == y[:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7])

    out = set()
    for mem in groups.values():
        if len(mem) < 2:
            continue
        parent = {r: r for r in mem}
        for x in range(len(mem)):
            for y in range(x + 1, len(mem)):
                if joined(mem[x], mem[y]):
                    parent[_root(parent, mem[x])] = _root(parent, mem[y])
        comp = {}
        for r in mem:
            comp.setdefault(_root(parent, r), []).append(r)
        for c in comp.values():
            c = sorted(c)
            out.update((c[a], c[b]) for a in range(len(c)) for b in range(a + 1, len(c)))
    return out


def _root(parent, r):
    while parent[r] != r:
        r = parent[r]
    return r


def _ceiling_rows(pred, truth, ceiling):
    """``(ceiling, recall within it)``: the ceiling's share of the truth pairs overall and
    per variant, and the share of the ceiling's pairs found (overall and per variant)."""
    ids = truth["id"].tolist()
    tpairs = _pairs_of_clusters(dict(zip(ids, truth["person"].tolist())))
    cap = {"precision": float("nan"), "recall": len(ceiling) / max(1, len(tpairs))}
    within = {"precision": float("nan"), "recall": len(pred & ceiling) / max(1, len(ceiling))}
    orig = truth[truth["variant"] == "original"].set_index("person")["id"]
    dup = truth[truth["variant"] != "original"]
    for kind, g in dup.groupby("variant"):
        want = [tuple(sorted((orig[p], d))) for p, d in zip(g["person"], g["id"])]
        reach = [w for w in want if w in ceiling]
        cap[kind] = len(reach) / max(1, len(want))
        within[kind] = sum(w in pred for w in reach) / max(1, len(reach))
    return cap, within


def false_merges(case, truth, merges, settings, top=12):
    """The automatic merges that join records of different persons, by comparison vector.

    Each ``auto`` row of `merges` is its own pair (``merged_id``, ``via_id``). Prints how
    many there are, how many false cluster pairs they make (one false merge joins two
    clusters: every pair across them is false), and the commonest vectors among them
    (name, birth, document, phone, nationality levels, the name's term frequency in bits
    and the mean probability), with how often the same vector is right among all merges.
    """
    from netanalysis.resolve.features import person_features
    from netanalysis.resolve.probabilistic import COMPARISONS, comparison_vectors

    cfg = settings.resolve
    person = dict(zip(truth["id"].tolist(), truth["person"].tolist()))
    auto = merges[merges["decision"] == "auto"]
    feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
    pos = {x: k for k, x in enumerate(feat["ids"])}
    a = np.array([pos[x] for x in auto["merged_id"]], dtype=np.int64)
    b = np.array([pos[x] for x in auto["via_id"]], dtype=np.int64)
    i, j = np.minimum(a, b), np.maximum(a, b)
    doc, ph = {}, {}
    for table, out in ((feat["docs"], doc), (feat["phones"], ph)):
        t = table[table["key"].astype(str) != ""]
        keys = t.groupby("i")["key"].apply(set).to_dict()
        out["v"] = np.array([len(keys.get(x, set()) & keys.get(y, set())) for x, y in zip(i, j)])
    lv = comparison_vectors(feat, pd.DataFrame({"i": i, "j": j, "doc": doc["v"],
                                                "phone": ph["v"], "contacts": 0}))
    wrong = np.array([person[x] != person[y] for x, y in zip(auto["merged_id"], auto["via_id"])])

    def name(c, x):
        return COMPARISONS[c][x] if x >= 0 else "-"

    tf_bits = np.where(np.isfinite(lv["tf"]), np.floor(np.log2(lv["tf"].clip(lower=1e-300))), 99)
    key = [f"name={name('name', q)} birth={name('birth', r)} doc={name('document', s)} "
           f"phone={name('phone', t)} nat={name('nationality', v)} tf<2^{int(w) + 1 if w != 99 else 'na'}"
           for q, r, s, t, v, w in zip(lv["name"], lv["birth"], lv["document"], lv["phone"],
                                      lv["nationality"], tf_bits)]
    df = pd.DataFrame({"key": key, "wrong": wrong, "p": auto["score"].to_numpy(float)})
    print(f"  false automatic merges (Fellegi-Sunter): {int(wrong.sum()):,} of {len(df):,} "
          "merge rows; commonest vectors (false / all merges with it, mean p of the false):")
    g = df.groupby("key").agg(false=("wrong", "sum"), all=("wrong", "size"))
    g["p"] = df[df["wrong"]].groupby("key")["p"].mean()
    for k, r in g.sort_values("false", ascending=False).head(top).iterrows():
        if r["false"]:
            print(f"    {int(r['false']):6,d} / {int(r['all']):8,d}  p {r['p']:.4f}  {k}")
    return df


def document_conflicts(m, records, ids):
    """Clusters holding two passport numbers of one issuing country, and false merges.

    Returns
    -------
    dict
        ``two passports`` (clusters of `m` whose records hold two different passport
        numbers of one country), ``of them mixed`` (those joining records of different
        persons), ``false auto merges`` (``auto`` rows whose own pair, ``merged_id`` and
        ``via_id``, are different persons) and ``refused`` (review rows of unions refused
        for conflicting documents).
    """
    person = dict(zip(records["truth"]["id"].tolist(), records["truth"]["person"].tolist()))
    root = dict(zip(m["merged_id"], m["kept_id"]))
    d = records["documents"]
    d = d[d["kind"] == "passport"]
    held = {}
    for h, num, cc in zip(d["holder_id"].tolist(), d["number"].tolist(),
                          d["issuing_country"].tolist()):
        held.setdefault((root.get(h, h), cc), set()).add(num)
    members = {}
    for x in ids:
        r = root.get(x)
        if r is not None:
            members.setdefault(r, set()).update((x, r))
    bad = {r for (r, _), nums in held.items() if len(nums) > 1 and r in members}
    mixed = sum(len({person[x] for x in members[r]}) > 1 for r in bad)
    auto = m[m["decision"] == "auto"]
    wrong = sum(person[a] != person[b] for a, b in zip(auto["merged_id"], auto["via_id"]))
    refused = sum("would put" in str(x.get("why_not_merged", "")) for x in m.attrs.get("review", []))
    return {"two passports": len(bad), "of them mixed": mixed, "false auto merges": wrong,
            "refused": refused}


def _closed(pairs, extra, ids):
    """Cluster pairs of ``pairs | extra`` (connected components over the record ids)."""
    parent = {i: i for i in ids}

    def root(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in list(pairs) + list(extra):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    return _pairs_of_clusters({i: root(i) for i in ids})


def _merges_to_pairs(m, ids):
    root = dict(zip(m["merged_id"], m["kept_id"]))
    return _pairs_of_clusters({i: root.get(i, i) for i in ids})


def _planted(truth, ids):
    """The planted pairs (original, duplicate) as record positions, with their variant."""
    pos = {x: k for k, x in enumerate(ids)}
    orig = truth[truth["variant"] == "original"].set_index("person")["id"]
    dup = truth[truth["variant"] != "original"]
    a = np.array([pos[orig[p]] for p in dup["person"]], dtype=np.int64)
    b = np.array([pos[d] for d in dup["id"]], dtype=np.int64)
    return np.minimum(a, b), np.maximum(a, b), dup["variant"].to_numpy()


def why_missed(case, truth, found, review, settings):
    """Why the planted pairs the model did not merge were missed, per variant (counts).

    A missed pair (original, duplicate) is ``not blocked`` (never compared: no shared
    document, phone or birth date with a name token, and no name block), ``birth conflict``
    or ``names differ`` (the model may not merge it), ``name only`` (probable enough, but
    nothing but the name agrees: review.csv), ``low, review`` (below the auto-merge
    probability, in review.csv; ``, name only`` when nothing but the name agrees) or
    ``below review`` (below the review probability). Pairs found through a third record
    count as found. Also the share of the planted pairs whose two records share a document,
    a phone or a full (or swapped) birth date: the most any rule that merges only with
    evidence beyond the name can find directly.
    """
    from netanalysis.resolve.blocking import block_pairs, candidate_pairs
    from netanalysis.resolve.features import person_features
    from netanalysis.resolve.probabilistic import COMPARISONS, comparison_vectors, name_block_keys

    cfg = settings.resolve
    feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
    ids = feat["ids"]
    i, j, var = _planted(truth, ids)
    n = feat["n"]
    pairs, _ = candidate_pairs(feat, max_block=int(cfg["max_block"]),
                               max_contact_degree=int(cfg["max_contact_degree"]),
                               min_shared_contacts=int(cfg["min_shared_contacts"]))
    have = set((pairs["i"] * n + pairs["j"]).tolist())
    if cfg["fs_name_blocks"]:
        k = name_block_keys(feat)
        nb, _ = block_pairs(k["i"].to_numpy(), k["key"].to_numpy(), int(cfg["max_block"]))
        have |= set((nb["i"] * n + nb["j"]).tolist())
    doc = {}
    for col, table in (("doc", feat["docs"]), ("phone", feat["phones"])):
        t = table[table["key"].astype(str) != ""]
        keys = t.groupby("i")["key"].apply(set).to_dict()
        doc[col] = np.array([len(keys.get(a, set()) & keys.get(b, set())) for a, b in zip(i, j)])
    lv = comparison_vectors(feat, pd.DataFrame({"i": i, "j": j, "doc": doc["doc"],
                                                "phone": doc["phone"], "contacts": 0}))
    evidence = ((lv["document"] == 2) | (lv["phone"] == 1) | lv["birth"].isin(
        [COMPARISONS["birth"].index("swap"), COMPARISONS["birth"].index("day")])).to_numpy()
    rv = {tuple(sorted((x["id_a"], x["id_b"]))): x for x in review}
    out = {}
    for k in range(len(i)):
        key = (ids[i[k]], ids[j[k]])
        if key in found:
            why = "found"
        elif int(i[k]) * n + int(j[k]) not in have:
            why = "not blocked"
        elif lv["birth"][k] == 0:
            why = "birth conflict"
        elif lv["name"][k] == 0:
            why = "names differ"
        elif key in rv:
            why = ("name only" if rv[key]["why_not_merged"].startswith("no ")
                   else "low, review" + ("" if evidence[k] else ", name only"))
        else:
            why = "below review"
        d = out.setdefault(var[k], {})
        d[why] = d.get(why, 0) + 1
    ceiling = pd.Series(evidence).groupby(var).mean().to_dict()
    return out, ceiling


def _print_why(why, ceiling):
    kinds = sorted({w for d in why.values() for w in d if w != "found"})
    print("  missed planted pairs by cause (Fellegi-Sunter), and the share of planted pairs "
          "with a shared document, phone or full birth date:")
    print(f"  {'variant':24s} {'pairs':>6s} {'missed':>6s} " + " ".join(f"{k:>18s}" for k in kinds)
          + f" {'evidence':>9s}")
    for v in sorted(why):
        d = why[v]
        tot = sum(d.values())
        print(f"  {v:24s} {tot:6d} {tot - d.get('found', 0):6d} "
              + " ".join(f"{d.get(k, 0):18d}" for k in kinds) + f" {ceiling.get(v, 0):9.3f}")


def run_ours(case, model):
    from netanalysis.resolve import resolve_entities
    from netanalysis.settings import load_settings

    settings = load_settings(env={}, resolve={"model": model})
    with _Peak() as pk:
        m = resolve_entities(case, settings=settings)
    return m, pk


_BEFORE = """
import pickle, sys, time
from netanalysis.resolve import resolve_entities
from netanalysis.settings import load_settings
case = pickle.load(open(sys.argv[1], "rb"))
t = time.perf_counter()
m = resolve_entities(case, settings=load_settings(env={}, resolve={"model": sys.argv[3]}))
m.attrs["seconds"] = time.perf_counter() - t
m.to_pickle(sys.argv[2])
"""


def run_before(case, model, checkout):
    """Resolve `case` with the code of another checkout (a subprocess), for the same input.

    Returns its merges (``attrs["seconds"]``: its time), or None when it failed (said).
    """
    import pickle
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "case.pkl"), os.path.join(tmp, "merges.pkl")
        with open(src, "wb") as fh:
            pickle.dump(case, fh)
        env = {**os.environ, "PYTHONPATH": os.path.abspath(checkout)}
        # cwd too: with ``-c`` the working directory comes first on sys.path, before
        # PYTHONPATH, and would import this checkout's code instead
        res = subprocess.run([sys.executable, "-c", _BEFORE, src, out, model], env=env,
                             capture_output=True, text=True, cwd=os.path.abspath(checkout))
        if res.returncode:
            print(f"  before ({checkout}) failed: {res.stderr.strip().splitlines()[-1:]}")
            return None
        return pd.read_pickle(out)


def _compare_merges(before, after):
    """``identical`` or the rows only one of two merge tables has, in words."""
    cols = ["kept_id", "merged_id", "score", "reason", "via_id", "evidence", "decision"]
    a = before[cols].astype(str).apply(tuple, axis=1)
    b = after[cols].astype(str).apply(tuple, axis=1)
    if len(a) == len(b) and (a.to_numpy() == b.to_numpy()).all():
        same_review = before.attrs.get("review") == after.attrs.get("review")
        return "identical merges" + (" and review list" if same_review else
                                     " (the review list differs)")
    only_a, only_b = set(a) - set(b), set(b) - set(a)
    return (f"merges differ: {len(only_a):,} rows only before, {len(only_b):,} only now "
            f"({len(a):,} / {len(b):,} merges)")


def run_splink(records, threshold, seed, keep_predictions=False, rule_recall=1 - 0.75 ** 2,
               memory_limit=None):
    """splink 5 on DuckDB, set up as its documentation recommends for person records.

    Comparisons: ``ForenameSurnameComparison`` on the first given name and the surnames
    (exact on both, Jaro-Winkler 0.92 / 0.88, forename and surname reversed, exact forename
    or surname alone; term-frequency adjustment on the forename, the surname and their
    concatenation), ``ExactMatch`` on the first surname with TF (what is left of a name with a
    dropped second surname), ``DateOfBirthComparison`` (exact, Damerau-Levenshtein <= 1,
    within a month, a year, ten years) plus the day/month-swapped date as a level of its own,
    ``ExactMatch`` on nationality (TF), phone and passport. Blocking: passport, phone, birth
    date, swapped birth date, forename + first surname, and first surname + birth year (a typo
    in the forename). Training as in splink's tutorials: the share of matches from
    deterministic rules (passport or phone; with each carried by half the records, those rules
    find `rule_recall` ``= 1 - 0.75**2 = 0.44`` of the matches), u by random sampling (5 million pairs), m by EM
    on two blocking passes whose parameters complement each other (forename + first surname
    trains the dates and identifiers, birth date trains the names). Clusters at match
    probability >= `threshold`.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from netanalysis.resolve.names import name_tokens

    p = records["persons"]
    with _Peak() as pk:
        toks = [name_tokens(x) for x in p["name"]]
        ph = records["phones"].drop_duplicates("person_id").set_index("person_id")["number"]
        pa = records["documents"].drop_duplicates("holder_id").set_index("holder_id")["number"]
        bd = p["birth_date"]
        df = pd.DataFrame({
            "unique_id": p["id"],
            "first_name": [t[0] if t else None for t in toks],
            "surname": [" ".join(t[1:]) if len(t) > 1 else None for t in toks],
            "surname1": [t[1] if len(t) > 1 else None for t in toks],
            "surname2": [" ".join(t[2:]) if len(t) > 2 else None for t in toks],
            "birth_date": bd,
            "birth_date_swapped": [f"{b[:4]}-{b[8:10]}-{b[5:7]}" if isinstance(b, str) else None
                                   for b in bd],
            "birth_year": [b[:4] if isinstance(b, str) else None for b in bd],
            "nationality": [x[0] if len(x) else None for x in p["nationality"]],
            "phone": p["id"].map(ph), "passport": p["id"].map(pa)})
        df["first_name_surname"] = (df["first_name"].fillna("") + " "
                                    + df["surname"].fillna("")).str.strip().replace("", None)
        if memory_limit:    # under a hard cap (prlimit --as), DuckDB must spill before it
            import duckdb
            db = DuckDBAPI(connection=duckdb.connect(config={"memory_limit": str(memory_limit)}))
        else:
            db = DuckDBAPI()
        sdf = db.register(df)
        dob = cl.DateOfBirthComparison("birth_date", input_is_string=True).create_comparison_dict(
            "duckdb")
        swap = cll.CustomLevel("birth_date_l = birth_date_swapped_r",
                               label_for_charts="day and month swapped").get_comparison_level(
            "duckdb").as_dict()
        dob["comparison_levels"].insert(2, swap)
        # the two surnames as one comparison (splink's custom comparison): both agree (a
        # hyphenated pair gives the same tokens), swapped, one record lacks the second with
        # the first agreeing, both close, the first alone agrees; TF on the exact levels
        surnames = cl.CustomComparison(output_column_name="surnames", comparison_levels=[
            cll.NullLevel("surname1"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.CustomLevel("surname1_l = surname2_r and surname2_l = surname1_r",
                            label_for_charts="surnames swapped"),
            cll.And(cll.ExactMatchLevel("surname1", term_frequency_adjustments=True),
                    cll.NullLevel("surname2")).configure(
                label_for_charts="first surname, second missing on one side"),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.ExactMatchLevel("surname1"),
            cll.ElseLevel()])
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
                surnames,
                dob,
                cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
                cl.ExactMatch("phone"),
                cl.ExactMatch("passport"),
            ],
            blocking_rules_to_generate_predictions=[
                block_on("passport"), block_on("phone"), block_on("birth_date"),
                "l.birth_date = r.birth_date_swapped",
                block_on("first_name", "surname1"),
                block_on("surname1", "birth_year"),
            ],
            retain_intermediate_calculation_columns=keep_predictions,
        )
        linker = Linker(sdf, settings, log_level=40)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("passport"), block_on("phone")], recall=rule_recall)
        linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=seed)
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname1"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("birth_date"))
        pred = linker.inference.predict(threshold_match_probability=min(threshold, 0.5))
        cl_df = linker.clustering.cluster_pairwise_predictions_at_threshold(
            pred, threshold_match_probability=threshold).as_pandas_dataframe()
        pred_df = pred.as_pandas_dataframe() if keep_predictions else None
    labels = dict(zip(cl_df["unique_id"], cl_df["cluster_id"]))
    if keep_predictions:
        return _pairs_of_clusters(labels), pk, pred_df
    return _pairs_of_clusters(labels), pk


def _print_calibration(m, truth, hi):
    """The share of planted pairs per band of match probability, over the pairs the model
    merged (each automatic merge row is its own pair) and those in review.csv: whether the
    auto-merge probability `hi` sits where the pairs above it are right that often."""
    person = dict(zip(truth["id"].tolist(), truth["person"].tolist()))
    auto = m[m["decision"] == "auto"]
    rows = [(a, b, float(s), "merged") for a, b, s in zip(auto["merged_id"], auto["via_id"],
                                                          auto["score"])]
    rows += [(x["id_a"], x["id_b"], float(x["probability"]),
              "review, name only" if "no evidence" in x["why_not_merged"] else "review")
             for x in m.attrs.get("review", [])]
    print(f"  calibration (auto-merge from {hi:g} with evidence beyond the name): band, pairs "
          "(merged / review with evidence / review name only), mean probability, planted share")
    bands = (0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999, 1.0001)
    for lo, up in zip(bands[:-1], bands[1:]):
        sel = [r for r in rows if lo <= r[2] < up]
        if not sel:
            continue
        kinds = [sum(r[3] == k for r in sel) for k in ("merged", "review", "review, name only")]
        right = np.mean([person.get(a) == person.get(b) for a, b, _, _ in sel])
        print(f"    [{lo:g}, {min(up, 1):g}{')' if up <= 1 else ']'} {len(sel):8,d} "
              f"({kinds[0]:,} / {kinds[1]:,} / {kinds[2]:,}) mean p "
              f"{np.mean([r[2] for r in sel]):.4f}, planted {right:.4f}")
        ev = [r for r in sel if r[3] != "review, name only"]
        if ev and len(ev) != len(sel):
            print(f"      with evidence beyond the name only: {len(ev):,}, planted "
                  f"{np.mean([person.get(a) == person.get(b) for a, b, _, _ in ev]):.4f}")


#: The model's changes of this session, switched on one after the other by
#: :func:`calibration_check` (module switches of ``netanalysis.resolve.probabilistic``).
_STEPS = (("independent (before)", {"_JOINT_NAME_BIRTH": False, "_NAT_GIVEN_NAME": False,
                                    "_THIN_EXACT_TF": False}),
          ("+ joint name x birth", {"_JOINT_NAME_BIRTH": True, "_NAT_GIVEN_NAME": False,
                                    "_THIN_EXACT_TF": False}),
          ("+ nationality | names", {"_JOINT_NAME_BIRTH": True, "_NAT_GIVEN_NAME": True,
                                     "_THIN_EXACT_TF": False}),
          ("+ exact tf (now)", {"_JOINT_NAME_BIRTH": True, "_NAT_GIVEN_NAME": True,
                                "_THIN_EXACT_TF": True}))


def calibration_check(case, truth, settings, bands=(0.5, 0.8, 0.9, 0.95, 0.97, 0.99, 0.999)):
    """Mean match probability against the planted share per band, over every candidate pair.

    Scores all the candidate pairs (evidence and name blocks) as
    :func:`netanalysis.resolve.probabilistic.score_pairs` does, once per step of
    :data:`_STEPS` (the model as it was, then each change of the model added), and prints
    per band of probability the pairs, their mean probability and the share that are
    planted, over all pairs and over those with evidence beyond the name (the pairs that
    may merge). A calibrated model has the two close in every band; the review list of the
    run is capped (``fs_max_review``) and shows only its most probable pairs.

    Returns
    -------
    dict
        ``{step: DataFrame}`` with one row per band (``pairs``, ``mean_p``, ``planted``,
        ``pairs_evidence``, ``mean_p_evidence``, ``planted_evidence``).
    """
    from netanalysis.resolve import probabilistic as fs
    from netanalysis.resolve.blocking import candidate_pairs
    from netanalysis.resolve.features import person_features

    cfg = settings.resolve
    person = truth.set_index("id")["person"]
    saved = {k: getattr(fs, k) for k, _ in _STEPS[0][1].items()}
    edges = list(bands) + [1.0 + 1e-9]
    out = {}
    print("  calibration check (every candidate pair, Fellegi-Sunter): band: pairs, mean p, "
          "planted share; with evidence beyond the name: the same")
    try:
        for label, flags in _STEPS:
            for k, v in flags.items():
                setattr(fs, k, v)
            feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
            pairs, _ = candidate_pairs(feat, max_block=int(cfg["max_block"]),
                                       max_contact_degree=int(cfg["max_contact_degree"]),
                                       min_shared_contacts=int(cfg["min_shared_contacts"]))
            if cfg["fs_name_blocks"]:
                pairs = fs._with_name_blocks(feat, pairs, int(cfg["max_block"]))
            min_sim = float(cfg["min_name_similarity"])
            lv = fs.comparison_vectors(feat, pairs, min_name_similarity=min_sim,
                                       min_shared_contacts=int(cfg["min_shared_contacts"]))
            lv["evidence"] = pairs["_evidence"].to_numpy() if "_evidence" in pairs else True
            u_random = fs.random_u(feat, seed=0, min_name_similarity=min_sim,
                                   min_shared_contacts=int(cfg["min_shared_contacts"]))
            counts = fs.vector_counts(lv)
            ev = counts[counts["evidence"]]
            params = fs.estimate_parameters(ev, counts=ev["pairs"], u_random=u_random,
                                            min_pairs=int(cfg["fs_min_pairs"]))
            sc = fs.scoring_parameters(params, u_random, feat["n"], counts,
                                       tf_weight=float(cfg["fs_tf_weight"]))
            _, p = fs.match_weights(lv, sc, tf=lv["tf"].to_numpy(),
                                    tf_weight=float(cfg["fs_tf_weight"]))
            who = person.reindex(feat["ids"]).to_numpy()
            planted = who[pairs["i"].to_numpy()] == who[pairs["j"].to_numpy()]
            cor = ((lv["document"] == 2) | (lv["phone"] == 1) | lv["birth"].isin([3, 4])
                   ).to_numpy()
            band = np.digitize(p, edges) - 1
            rows = []
            for b in range(len(bands)):
                sel, sel_e = band == b, (band == b) & cor
                rows.append({"band": f"[{edges[b]:g}, {min(edges[b + 1], 1):g})",
                             "pairs": int(sel.sum()), "mean_p": p[sel].mean() if sel.any() else np.nan,
                             "planted": planted[sel].mean() if sel.any() else np.nan,
                             "pairs_evidence": int(sel_e.sum()),
                             "mean_p_evidence": p[sel_e].mean() if sel_e.any() else np.nan,
                             "planted_evidence": planted[sel_e].mean() if sel_e.any() else np.nan})
            out[label] = t = pd.DataFrame(rows)
            print(f"    {label}: " + "; ".join(
                f"{r.band} {r.pairs:,} {r.mean_p:.3f} {r.planted:.3f}" for r in t.itertuples()))
            print(f"    {'':{len(label)}s}  evidence: " + "; ".join(
                f"{r.band} {r.pairs_evidence:,} {r.mean_p_evidence:.3f} {r.planted_evidence:.3f}"
                for r in t.itertuples()), flush=True)
    finally:
        for k, v in saved.items():
            setattr(fs, k, v)
    return out


def _done(name, rows):
    """One line as soon as a method is done (a long run killed later keeps it)."""
    pk, sc, _ = rows[name]
    print(f"  done: {name} {pk.seconds:.1f} s ({pk.cpu:.1f} CPU s), peak {pk.mib:.0f} MiB, precision "
          f"{sc['precision']:.3f}, recall {sc['recall']:.3f}, load {os.getloadavg()[0]:.1f}",
          flush=True)


def _spark_tables(spark, case):
    """The person, document, phone and link tables of `case` as Spark DataFrames (list cells
    as arrays of strings, everything else as strings)."""
    from pyspark.sql import types as T
    out = {}
    for name in ("persons", "documents", "phones", "links"):
        df = case.tables.get(name)
        if df is None:
            continue
        fields, cols = [], []
        for c in df.columns:
            s = df[c]
            if s.map(lambda v: isinstance(v, (list, tuple))).any():
                cols.append([None if not isinstance(v, (list, tuple)) else [str(x) for x in v]
                             for v in s])
                fields.append(T.StructField(c, T.ArrayType(T.StringType()), True))
            elif pd.api.types.is_integer_dtype(s):
                cols.append([int(v) for v in s])
                fields.append(T.StructField(c, T.LongType(), True))
            else:
                cols.append([None if v is None or (isinstance(v, float) and v != v) else str(v)
                             for v in s])
                fields.append(T.StructField(c, T.StringType(), True))
        out[name] = spark.createDataFrame(list(zip(*cols)), T.StructType(fields))
    return out


class _TreePeak(_Peak):
    """Peak RSS (MiB) of this process's children (the JVM and its Python workers)."""

    def _tree(self):
        total = 0
        for c in self.proc.children(recursive=True):
            try:
                total += c.memory_info().rss
            except psutil.Error:
                pass
        return total

    def __enter__(self):
        super().__enter__()
        self.base = self.peak = self._tree()
        return self

    def _run(self):
        while not self.stop.wait(0.2):
            self.peak = max(self.peak, self._tree())

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
        self.stop.set()
        self.t.join()
        self.mib = self.peak / 2**20


def run_spark(case, spark_cores, driver_memory):
    """Fellegi-Sunter on the Spark engine: merges, seconds per step, peaks (driver, JVM)."""
    from netanalysis.engines.spark.resolve import resolve_spark
    from netanalysis.engines.spark.session import spark_session
    from netanalysis.settings import load_settings

    t = time.perf_counter()
    spark = spark_session(f"local[{int(spark_cores)}]", conf={
        "spark.driver.memory": driver_memory, "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": str(2 * int(spark_cores)),
        "spark.default.parallelism": str(2 * int(spark_cores))})
    start = time.perf_counter() - t
    t = time.perf_counter()
    tables = _spark_tables(spark, case)
    for df in tables.values():
        df.cache().count()
    transfer = time.perf_counter() - t
    settings = load_settings(env={}, resolve={"model": "fellegi_sunter"})
    with _Peak() as pk, _TreePeak() as jvm:
        m, _, _ = resolve_spark(spark, tables, settings=settings)
    for df in tables.values():
        df.unpersist()
    return m, pk, jvm, start, transfer


def _same_fs(a, b):
    """``identical ...`` or what differs between two Fellegi-Sunter results."""
    same = a.reset_index(drop=True).equals(b.reset_index(drop=True))
    parts = ["merges " + ("identical" if same else "DIFFER"),
             "review list " + ("identical" if a.attrs.get("review") == b.attrs.get("review")
                               else "DIFFERS"),
             "model " + ("identical" if a.attrs.get("model") == b.attrs.get("model")
                         else "DIFFERS")]
    return ", ".join(parts)


def bench(n, seed, threshold, skip_splink, skip_rules, gen=None, skip_fs=False, before=None,
          engine="embedded", spark_cores=2, driver_memory="2g", why=False, splink_memory=None,
          false_only=False, calibration=False):
    from netanalysis.ingest import case_from_records
    from netanalysis.synth.records import person_records

    t = time.perf_counter()
    gen = {"duplicate_share": 0.3, "phone_rate": 0.5, "document_rate": 0.5, **(gen or {})}
    r = person_records(n, seed=seed, **gen)
    case = case_from_records(persons=r["persons"], documents=r["documents"], phones=r["phones"])
    ids = r["persons"]["id"].tolist()
    truth = r["truth"]
    print(f"\n{len(ids):,} records (person_records n={n:,}, seed={seed}, "
          f"{', '.join(f'{k}={v:g}' for k, v in gen.items())}; "
          f"{int((truth['variant'] != 'original').sum()):,} duplicates, variants uniform), "
          f"made and read in {time.perf_counter() - t:.0f} s")
    rows = {}
    ceiling = rule_ceiling(r)
    if not skip_rules:
        m, pk = run_ours(case, "rules")
        rule_pairs = _merges_to_pairs(m, ids)
        rows["(a) rules"] = (pk, _score(rule_pairs, truth), "")
        rows["(a) within ceiling"] = (_NO_TIME, _ceiling_rows(rule_pairs, truth, ceiling)[1], "")
        _done("(a) rules", rows)
    if skip_fs:     # rules and/or splink alone (each in a process of its own fits a cap)
        if not skip_splink:
            _splink_row(rows, r, threshold, seed, gen, splink_memory)
        _print_rows(rows)
        return
    m, pk = run_ours(case, "fellegi_sunter")
    model = m.attrs.get("model", {})
    note = (f"review.csv rows {len(m.attrs.get('review', [])):,}; model {model.get('source')}, "
            f"lambda {model.get('lambda')} (matches counted: {model.get('matches')}; planted "
            f"pairs {len(_pairs_of_clusters(dict(zip(truth['id'], truth['person'])))):,}), "
            f"{model.get('pairs', 0):,} candidate pairs")
    fs_pairs = _merges_to_pairs(m, ids)
    rows["(b) fellegi_sunter"] = (pk, _score(fs_pairs, truth), note)
    # what an analyst sees: merged, or listed in review.csv to decide by hand
    review = {tuple(sorted((x["id_a"], x["id_b"]))) for x in m.attrs.get("review", [])}
    rows["(b) merged + review.csv"] = (pk, _score(fs_pairs | review, truth), "")
    # what other auto-merge rules would give, from the review list (not defaults: a view of
    # the trade-off; clusters closed over the merges and the added pairs)
    for label, p_min, name_only in (("(b) if p >= 0.95", 0.95, False),
                                    ("(b) if name alone", float(
                                        model.get("auto_merge_probability", 0.99)), True)):
        extra = [(x["id_a"], x["id_b"]) for x in m.attrs.get("review", [])
                 if x["probability"] >= p_min and (name_only or "no evidence" not in
                                                   x["why_not_merged"])]
        rows[label] = (pk, _score(_closed(fs_pairs, extra, ids), truth), "")
    _done("(b) fellegi_sunter", rows)
    print(f"  (b) fellegi_sunter: {document_conflicts(m, r, ids)}", flush=True)
    # (b)'s recall within the oracle ceiling of a rule that merges only with evidence
    # beyond the name
    cap, within = _ceiling_rows(fs_pairs, truth, ceiling)
    rows["ceiling (rule)"] = (_NO_TIME, cap, "truth pairs joined by a shared phone, passport "
                              "or full (or swapped) birth date, through third records too")
    rows["(b) within ceiling"] = (_NO_TIME, within, "")
    if why:
        from netanalysis.settings import load_settings
        got = why_missed(case, truth, fs_pairs, m.attrs.get("review", []),
                         load_settings(env={}, resolve={"model": "fellegi_sunter"}))
        _print_why(*got)
    # calibration per probability band, always (cheap): mean p against the planted share
    _print_calibration(m, truth, float(model.get("auto_merge_probability", 0.95)))
    if calibration:
        from netanalysis.settings import load_settings
        calibration_check(case, truth, load_settings(env={}, resolve={"model": "fellegi_sunter"}))
    if why or false_only:
        from netanalysis.settings import load_settings
        false_merges(case, truth, m, load_settings(env={}, resolve={"model": "fellegi_sunter"}))
    if engine == "spark":   # the same records on the Spark engine, against (b) just measured
        sm, spk, jvm, start, transfer = run_spark(case, spark_cores, driver_memory)
        print(f"  spark local[{spark_cores}]: fellegi_sunter {spk.seconds:.1f} s "
              f"({spk.seconds / pk.seconds:.2f}x embedded's {pk.seconds:.1f} s; session start "
              f"{start:.1f} s and table transfer {transfer:.1f} s apart), driver peak "
              f"{spk.mib:.0f} MiB, JVM + Python workers peak {jvm.mib:.0f} MiB; "
              f"{_same_fs(m, sm)}; load {os.getloadavg()[0]:.1f}", flush=True)
    for k, checkout in enumerate([before] if isinstance(before, str) else before or []):
        # the same input through another checkout's code: time and equality
        old = run_before(case, "fellegi_sunter", checkout)
        if old is not None:
            import types
            label = "(b) before" + (f" {k + 1}" if k else "")
            rows[label] = (types.SimpleNamespace(seconds=old.attrs["seconds"],
                                                 mib=float("nan"), cpu=float("nan")),
                           _score(_merges_to_pairs(old, ids), truth), f"code of {checkout}")
            print(f"  {label}: {document_conflicts(old, r, ids)}", flush=True)
            print(f"  {label}:", end="")
            _print_calibration(old, truth, float(old.attrs.get("model", {}).get(
                "auto_merge_probability", 0.95)))
            print(f"  before ({checkout}): fellegi_sunter {old.attrs['seconds']:.1f} s "
                  f"({old.attrs['seconds'] / pk.seconds:.2f}x the time now); "
                  f"{_compare_merges(old, m)}", flush=True)
    if not skip_splink:
        _splink_row(rows, r, threshold, seed, gen, splink_memory)
    _print_rows(rows)


def _splink_row(rows, r, threshold, seed, gen, splink_memory):
    """Run splink on records `r` and add its row (or say why it was skipped)."""
    try:
        pairs, pk = run_splink(r, threshold, seed, rule_recall=1 - (
            1 - gen["phone_rate"] ** 2) * (1 - gen["document_rate"] ** 2),
            memory_limit=splink_memory)
        rows[f"(c) splink >= {threshold:g}"] = (pk, _score(pairs, r["truth"]), "")
        _done(f"(c) splink >= {threshold:g}", rows)
    except ImportError as exc:
        print(f"  splink skipped: {exc} (pip install 'netanalysis[bench]')")


def _print_rows(rows):
    """The table of the methods run: time, ratio to splink, peak, P/R and recall per variant."""
    from netanalysis.synth.records import RECORD_VARIANTS

    base = next((v[0].seconds for k, v in rows.items() if k.startswith("(c)")), None)
    cbase = next((v[0].cpu for k, v in rows.items() if k.startswith("(c)")), None)
    if cbase:
        print("  CPU seconds (user + system, this process and its threads; splink's DuckDB runs "
              "in-process): " + ", ".join(f"{k} {v[0].cpu:.1f} ({cbase / max(v[0].cpu, 1e-9):.2f}x "
                                          f"splink)" for k, v in rows.items()
                                          if v[0].cpu == v[0].cpu and (
                                              not k.startswith("(b) ")
                                              or k == "(b) fellegi_sunter")))
    head = f"  {'method':22s} {'time s':>8s} {'x splink':>9s} {'peak MiB':>9s} {'prec':>7s} {'recall':>6s}"
    print(head + "".join(f" {k[:10]:>10s}" for k in RECORD_VARIANTS))
    def num(x, width, fmt):
        return f"{x:{width}{fmt}}" if x == x else f"{'-':>{width}s}"

    for name, (pk, sc, note) in rows.items():
        ratio = num(base / pk.seconds, 9, ".2f") if base else f"{'-':>9s}"
        line = (f"  {name:22s} {num(pk.seconds, 8, '.1f')} {ratio} {num(pk.mib, 9, '.0f')} "
                f"{num(sc['precision'], 7, '.4f')} {sc['recall']:6.3f}"
                + "".join(f" {sc.get(k, float('nan')):10.3f}" for k in RECORD_VARIANTS))
        print(line)
        if note:
            print(f"  {'':22s} {note}")
    print(f"  load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--splink-threshold", type=float, default=0.9)
    ap.add_argument("--no-splink", action="store_true")
    ap.add_argument("--no-rules", action="store_true")
    ap.add_argument("--no-fs", action="store_true",
                    help="no Fellegi-Sunter: rules and/or splink only (a long run split in "
                         "processes, e.g. splink alone under a memory cap)")
    ap.add_argument("--duplicate-share", type=float, default=0.3)
    ap.add_argument("--phone-rate", type=float, default=0.5)
    ap.add_argument("--document-rate", type=float, default=0.5)
    ap.add_argument("--engine", choices=["embedded", "spark"], default="embedded",
                    help="spark: also run (b) on the Spark engine and compare")
    ap.add_argument("--spark-cores", type=int, default=2, help="local[N] of --engine spark")
    ap.add_argument("--driver-memory", default="2g", help="spark.driver.memory")
    ap.add_argument("--splink-memory-limit", metavar="SIZE",
                    help="DuckDB memory_limit of the splink run (e.g. 4GB; under a hard "
                         "memory cap DuckDB spills instead of failing)")
    ap.add_argument("--why", action="store_true",
                    help="say why each missed planted pair was missed, per variant")
    ap.add_argument("--false-merges", action="store_true",
                    help="the false automatic merges by comparison vector (part of --why, "
                         "without its second blocking pass)")
    ap.add_argument("--calibration", action="store_true",
                    help="mean probability against the planted share per band over every "
                         "candidate pair, for the model before each change of it and after")
    ap.add_argument("--before", metavar="CHECKOUT", nargs="+",
                    help="also run Fellegi-Sunter with the code of this checkout (or these "
                         "checkouts, one after the other) on the same records: its time, "
                         "scores and whether the merges are identical")
    args = ap.parse_args(argv)
    print(f"entity resolution benchmark ({os.cpu_count()} CPUs, "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, load {os.getloadavg()[0]:.1f})")
    for n in args.sizes:
        bench(n, args.seed, args.splink_threshold, args.no_splink, args.no_rules,
              {"duplicate_share": args.duplicate_share, "phone_rate": args.phone_rate,
               "document_rate": args.document_rate}, args.no_fs, args.before, args.engine,
              args.spark_cores, args.driver_memory, args.why, args.splink_memory_limit,
              args.false_merges, args.calibration)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
