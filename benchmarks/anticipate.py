"""Movement anticipation on synthetic cases: accuracy against history-only baselines.

For each case (a size and a set of generator itinerary settings), a synthetic case is written
with :func:`netanalysis.synth.synth_case` and loaded (no entity resolution, so ids stay those
of the truth). Every fugitive with at least two legs has its last leg held out: the model
predicts, with ``as_of`` = that leg's departure, where the fugitive goes next, using only data
dated before it. Weights are fitted with data before the start of the 60-day block the
departure falls in (so at most one fit per block, and never with data after the departure).

Printed per case, for the model (the ranker its held-out check chose per fit, as
``movements.ranker = "auto"`` does), the conditional logit and the gradient-boosted ranker
alone (all three from the same fits) and two history-only baselines measured in the same run
(``frequent``: the fugitive's most frequent destination so far; ``markov``: the fugitive's own
first-order transitions from the current place, then the most frequent destination):
top-1, top-3, mean reciprocal rank (0 when the place is not ranked), mean search cost (rank /
number of candidates; 1 when not ranked), separately for returns to known places and moves to
places the fugitive never visited, and for the new places where the true place came from
among the candidates (``_source``); the ratio of each model's top-3 to the better baseline's;
a calibration table of each model (predicted probability of every candidate against how often it
was the destination); the held-out checks of the fits; CPU seconds per fugitive (fits and
predictions, process time so that a loaded machine does not inflate it; indexing the case is
shown apart).

A fourth ranking, ``generator``, is not a method but a reference: the synthetic generator's own
move rule with its hidden settings and route map, fed with the case's residences and links
(see ``_generator_rule``). The generator-rule ceiling printed per case (and per variant in
the pooled table) is exact: the mean, over the held-out legs, of the sum of the three largest
chances the generator itself gave the next place (``truth/itineraries.csv``), the top-3
accuracy to expect of any model that knew the rule and the hidden homes and pull. Where the
ceiling is below 1.2x the better baseline, the goal is out of reach by construction on that
setting, and MRR, search cost and the new-place split say more.

Usage::

    python benchmarks/anticipate.py                       # 1k and 10k persons
    python benchmarks/anticipate.py --sizes 1000 --seed 5
    python benchmarks/anticipate.py --sizes 1000,10000 --seed 1,2,3   # a summary line per case
    python benchmarks/anticipate.py --variants followed,ahead --recent both  # recent_* on vs off
    python benchmarks/anticipate.py --sizes 100000 --variants default --max-fugitives 200
    python benchmarks/anticipate.py --case /tmp/synth100k --out /tmp/movements.csv   # cost

With ``--case`` the script measures cost instead of accuracy, on a case folder written once
(for example by ``synth_case``): CPU seconds of indexing the case (``MovementModel(case)``),
of the fit and of the prediction of every fugitive, per fugitive, and the sha256 of the
predictions (the CSV written to ``--out``), which a speed change must leave equal.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from collections import Counter

import numpy as np

from netanalysis.analyze.movements import MovementModel
from netanalysis.ingest.load import load_case
from netanalysis.synth import synth_case

#: Generator settings of the cases: the defaults and four others (``networked``: few random
#: moves, so that new places come mostly from the network; ``aloof``: harder for the network
#: signal, lodging suppliers mostly live away from the fugitive's routes, so their homes are
#: rarely visited, and a quarter of the moves are popular-route draws) and two where the network
#: moves first (``p_follow``: a popular-route draw goes instead, with that chance, where a
#: supporter, lodging first, set up a new residence a few weeks before; ``followed``: half of
#: the p_new moves; ``ahead``: most of them, with more new places and fewer returns to base).
VARIANTS = {
    "default": {},
    "wanderer": {"p_new": 0.35, "p_base": 0.15, "support_pull": 0.5, "moves": (3, 12)},
    "homebound": {"p_new": 0.05, "p_base": 0.6, "support_pull": 1.0, "moves": (4, 8)},
    "networked": {"p_new": 0.05, "p_base": 0.2, "support_pull": 1.0, "moves": (4, 10)},
    "aloof": {"p_new": 0.25, "p_base": 0.3, "support_pull": 0.1, "moves": (4, 10)},
    "followed": {"p_new": 0.35, "p_follow": 0.5},
    "ahead": {"p_new": 0.5, "p_follow": 0.8, "p_base": 0.25, "support_pull": 0.5},
}
BLOCK_DAYS = 60
#: The model (the ranker its held-out check chose), the conditional logit and the boosted
#: ranker alone, the two history-only baselines and the generator's own rule (a ceiling).
METHODS = ("model", "logit", "boosted", "frequent", "markov", "generator")
MODELS = ("model", "logit", "boosted")
#: Where a new place (one the fugitive never visited) is among the candidates, by the first
#: signal that puts it there (see ``_source``).
SOURCES = ("network place", "co-traveller place", "own location record", "network travel",
           "one journey away", "gravity prior", "not a candidate")


def _ranks(order, target):
    return order.index(target) + 1 if target in order else None


def _baselines(model, p, t):
    """Rankings of the two history-only baselines for person `p` at time `t`."""
    a, k = model._known_legs(p, t)
    dests = model.leg_d[a:k].tolist()
    times = model.leg_t[a:k].tolist()
    cur, _ = model._current(p, t)
    cnt = Counter(dests)
    last = {d: tt for d, tt in zip(dests, times)}
    freq = sorted((d for d in cnt if d != cur), key=lambda d: (-cnt[d], -last[d], d))
    trans = Counter(d for o, d in zip(model.leg_o[a:k].tolist(), dests) if o == cur and d != cur)
    markov = sorted(trans, key=lambda d: (-trans[d], -last[d], d))
    markov += [d for d in freq if d not in trans]
    return freq, markov, cur


def _generator_rule(case, variant):
    """A reference ceiling: the generator's own move rule, fed with the case's data.

    Returns ``rank(person, t, cur)`` -> ranking of places by the chance that
    ``netanalysis.synth`` gives them for the next move (see ``_itinerary`` there): back to base
    with ``p_base`` when away and a route leads there; otherwise a popular route with ``p_new``,
    else a place weighted by the fugitive's arrivals plus the pull of its network (3 per
    lodging supplier, 1 per other supplier or relative, 0.5 per associate, at their
    residences), among the places one route away. With ``p_follow``, that share of the popular
    route draws goes to the places, not visited yet, where a supporter of the fugitive (the
    lodging suppliers when it has any) set up a new residence (the generator's "new address"
    rows) 13 to 43 days before. It knows the hidden settings, the route map and which
    residences are the generator's follow records, which a model does not: no model can
    expect to beat it on average.

    ``rank`` returns the places and their chances by this reconstruction. The ceiling printed
    per case is not taken from it but from the generator itself: the sum of the three largest
    chances the rule gave each held-out leg (``truth/itineraries.csv``), the top-3 accuracy to
    expect of a model that knew the rule and every hidden state.
    """
    from collections import defaultdict

    from netanalysis.synth import places as PL
    from netanalysis.synth.core import ITINERARY_DEFAULTS

    it = dict(ITINERARY_DEFAULTS, **VARIANTS[variant])
    out = defaultdict(list)
    for o, d, pop in ([(o, d, p) for _, o, d, p in PL.ROUTES]
                      + [(o, d, p) for _, _, o, d, _, p in PL.SURFACE_ROUTES]):
        out[o].append((d, pop))
        out[d].append((o, pop))
    loc = case.tables["locations"]
    home, moved = {}, defaultdict(list)  # the first residence; the follow records (p_follow)
    for p, pl, k, note, start in zip(loc["person_id"], loc["place"], loc["kind"], loc["note"],
                                     _days_of(loc["start"])):
        if k == "residence":
            if note == "new address":
                moved[p].append((pl, start))
            else:
                home.setdefault(p, pl)
    pull_of = defaultdict(Counter)
    followed = defaultdict(lambda: ([], []))  # fugitive -> (lodging suppliers, other suppliers)
    links = case.tables["links"]
    for a, b, t in zip(links["from_id"], links["to_id"], links["type"]):
        w = {"lodging": 3.0, "transport": 1.0, "documents": 1.0, "financial": 1.0,
             "family": 1.0, "associate": 0.5, "co_offender": 0.5}.get(t)
        if w is None:
            continue
        pull_of[b][home.get(a)] += w
        if t in ("family", "associate", "co_offender"):
            pull_of[a][home.get(b)] += w
        else:
            followed[b][t != "lodging"].append(a)
    pf = float(it.get("p_follow", 0.0))

    def rank(model, p, t, cur):
        a, k = model._known_legs(p, t)
        base = home.get(p, model.leg_o[a] if k > a else None)
        visits = Counter({base: 1.0})
        visits.update(model.leg_d[a:k].tolist())
        pull = Counter(pull_of[p])
        pull.pop(base, None)
        dst = [d for d, _ in out.get(cur, [])]
        pop = np.array([x for _, x in out.get(cur, [])], float)
        prob = Counter()
        pb = it["p_base"] if (cur != base and base in dst) else 0.0
        prob[base] += pb
        w = np.array([pull.get(d, 0.0) + visits.get(d, 0.0) for d in dst])
        pn = it["p_new"] if w.sum() > 0 else 1.0
        lodgers, others = followed[p] if p in followed else ([], [])
        ahead = sorted({pl for q in (lodgers or others) for pl, t0 in moved.get(q, ())
                        if t - 43 <= t0 < t - 13 and pl in dst and pl not in visits})
        pfol = pf if ahead else 0.0
        for d in ahead:
            prob[d] += (1 - pb) * pn * pfol / len(ahead)
        for d, x, y in zip(dst, pop, w):
            prob[d] += (1 - pb) * (pn * (1 - pfol) * x / pop.sum()
                                   + ((1 - pn) * y / w.sum() if w.sum() else 0))
        ranked = [(d, x) for d, x in sorted(prob.items(), key=lambda x: (-x[1], str(x[0])))
                  if d != cur and d is not None]
        return [d for d, _ in ranked], [x for _, x in ranked]

    return rank


def _days_of(values):
    """Days since 1970 of ISO dates (NaN where empty)."""
    import pandas as pd

    t = pd.to_datetime(pd.Series(values, dtype=object).replace("", None), errors="coerce")
    return ((t - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400.0).to_numpy(float)


def _without_recent(model):
    """Switch the ``recent_*`` features off (benchmark only): their columns are zero in every
    fit and prediction, as if the model did not have them; the candidates stay the same."""
    from netanalysis.analyze.movements import FEATURES

    cols = [j for j, f in enumerate(FEATURES) if f.startswith("recent_")]
    state = model._state

    def _state(p, t, explain=False):
        cands, X, ev = state(p, t, explain=explain)
        X[:, cols] = 0.0
        return cands, X, ev

    model._state, model._state_on = _state, state
    return model


def _load(n, seed, variant, cache):
    """The case and the generator's chances of its fugitives' legs (``truth/itineraries.csv``):
    ``{(person, day since 1970): (destination, top-3 chance)}``."""
    import pandas as pd

    key = (n, seed, variant)
    if key not in cache:
        cache.clear()  # one case in memory at a time
        with tempfile.TemporaryDirectory() as d:
            synth_case(d, persons=n, seed=seed, itineraries=VARIANTS[variant])
            it = pd.read_csv(os.path.join(d, "truth", "itineraries.csv"), dtype={"person_id": str})
            days = (pd.to_datetime(it["depart"]) - pd.Timestamp("1970-01-01")).dt.days
            chances = {(p, int(t)): (dst, c) for p, t, dst, c in zip(
                it["person_id"], days, it["destination"], it["top3_chance"])}
            cache[key] = load_case(d), chances
    return cache[key]


def _ceiling(chances, p, t, target):
    """The generator's top-3 chance of the leg of `p` departing at `t` (days) to `target`."""
    for day in (int(math.floor(t)), int(math.floor(t)) - 1):  # a land crossing may pass midnight
        hit = chances.get((p, day))
        if hit is not None and hit[0] == target:
            return hit[1]
    return None


def run_case(n, seed, variant, train_on="fugitives", max_fugitives=None, recent=True, cache=None):
    case, chances = _load(n, seed, variant, {} if cache is None else cache)
    rule = _generator_rule(case, variant)
    t0 = time.process_time()
    from netanalysis.settings import load_settings

    model = MovementModel(case, settings=load_settings(
        env={}, movements={"train_on": train_on, "ranker": "boosted"}))
    if not recent:
        _without_recent(model)
    fugs = [p for p, r in model.roles.items() if r == "fugitive"]
    held = []
    for p in fugs:
        a, b = model.slices.get(p, (0, 0))
        if b - a >= 2:
            held.append((p, b - 1))
    if max_fugitives and len(held) > max_fugitives:  # a fixed sample, for the largest cases
        pick = np.random.default_rng(seed).choice(len(held), max_fugitives, replace=False)
        held = [held[i] for i in sorted(pick)]
    by_block = {}
    for p, i in held:
        by_block.setdefault(int(model.leg_t[i] // BLOCK_DAYS), []).append((p, i))
    stats = {k: {"all": [], "return": [], "new": []} for k in METHODS}
    # source -> Counter of (method, top-3 hit); "recent": new places a recent_* feature names
    sources = {k: Counter() for k in (*SOURCES, "recent")}
    calib = {k: [] for k in MODELS}
    # the generator's top-3 chance of each held-out leg (truth/itineraries.csv)
    expected = {"all": [], "return": [], "new": []}
    fits = 0
    checks = []
    chosen = Counter()
    secs = rule_secs = 0.0
    for blk in sorted(by_block):
        t1 = time.process_time()
        model.fit(as_of=_date(blk * BLOCK_DAYS))
        secs += time.process_time() - t1
        fits += 1
        # the choice of ranker="auto": the lower held-out log loss, the logit on a tie
        auto = "logit"
        if model.holdout:
            checks.append(model.holdout)
            c = model.holdout["checks"]
            if "boosted_ranker" in c and (c["boosted_ranker"]["log_loss"]
                                          < c["conditional_logit"]["log_loss"]):
                auto = "boosted"
        chosen[auto if model.booster is not None else "logit (too few legs to boost)"
               if model.holdout else "fallback"] += 1
        booster = model.booster
        for p, i in by_block[blk]:
            t = model.leg_t[i]
            target = model.leg_d[i]
            a, _ = model._known_legs(p, t)
            seen = set(model.leg_d[a:i].tolist()) | set(model.leg_o[a:i].tolist())
            kind = "return" if target in seen else "new"
            orders = {}
            for name, bst in (("logit", None), ("boosted", booster)):
                model.booster = bst
                t1 = time.process_time()
                df = model.predict(fugitive=p, top=10_000, as_of=_date(t))
                secs += time.process_time() - t1
                orders[name] = df["place"].tolist(), df["probability"].tolist()
            model.booster = booster
            if booster is None:  # no ranker fitted: the logit stands for it
                orders["boosted"] = orders["logit"]
            orders["model"] = orders[auto if booster is not None else "logit"]
            for name in MODELS:
                calib[name].extend((prob, place == target) for place, prob in zip(*orders[name]))
            freq, markov, cur = _baselines(model, p, t)
            t1 = time.process_time()
            gen, _ = rule(model, p, t, cur)
            rule_secs += time.process_time() - t1
            ceil = _ceiling(chances, p, t, target)
            if ceil is not None:
                expected[kind].append(ceil)
                expected["all"].append(ceil)
            ranks = {}
            for name, ranking in ([(k, orders[k][0]) for k in MODELS]
                                  + [("frequent", freq), ("markov", markov), ("generator", gen)]):
                r = ranks[name] = _ranks(ranking, target)
                rec = (r, max(len(ranking), 1))
                stats[name]["all"].append(rec)
                stats[name][kind].append(rec)
            if kind == "new":
                src = _source(model, p, t, target)
                sources[src]["n"] += 1
                for name in ("model", "generator"):
                    sources[src][name] += ranks[name] is not None and ranks[name] <= 3
                if _recent_fires(model, p, t, target):
                    sources["recent"]["n"] += 1
                    sources["recent"]["model"] += ranks["model"] is not None and ranks["model"] <= 3
                    sources["recent"]["generator"] += (ranks["generator"] is not None
                                                       and ranks["generator"] <= 3)
    index_secs = time.process_time() - t0 - secs - rule_secs
    stats["ceiling"] = expected
    return stats, calib, len(held), fits, (secs, index_secs), model, checks, sources, chosen


def _source(model, p, t, target):
    """Where the true new place came from among the candidates (the first signal that holds)."""
    from netanalysis.analyze.movements import FEATURES

    cands, X, _ = model._state(p, t)
    if target not in cands:
        return "not a candidate"
    x = dict(zip(FEATURES, X[cands.index(target)]))
    if x["lodging"] + x["support"] + x["family"] + x["associates"] > 0:
        return "network place"
    if x["cotravel"] > 0:
        return "co-traveller place"
    if x["own_places"] > 0:
        return "own location record"
    if x["network_travel"] > 0:
        return "network travel"
    if x["direct"] > 0:
        return "one journey away"
    return "gravity prior"


def _recent_fires(model, p, t, target):
    """Whether a ``recent_*`` feature (the network's recent places) is on for the true place
    (with ``--recent off`` too: the same moves, told by the features the model does not see)."""
    from netanalysis.analyze.movements import FEATURES

    cands, X, _ = getattr(model, "_state_on", model._state)(p, t)
    if target not in cands:
        return False
    x = X[cands.index(target)]
    return any(x[j] > 0.01 for j, f in enumerate(FEATURES) if f.startswith("recent_"))


def _date(days):
    import pandas as pd

    return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=float(days))).strftime(
        "%Y-%m-%dT%H:%M")


def _summ(recs):
    if not recs:
        return dict(n=0, top1=math.nan, top3=math.nan, mrr=math.nan, cost=math.nan)
    r = [x[0] for x in recs]
    return dict(n=len(recs),
                top1=np.mean([x == 1 for x in r]),
                top3=np.mean([x is not None and x <= 3 for x in r]),
                mrr=np.mean([1.0 / x if x else 0.0 for x in r]),
                cost=np.mean([x[0] / x[1] if x[0] else 1.0 for x in recs]))


def report(n, seed, variant, train_on, max_fugitives=None, recent=True, cache=None):
    w0, c0 = time.perf_counter(), time.process_time()
    (stats, calib, nheld, fits, (secs, index_secs), model, checks, sources,
     chosen) = run_case(n, seed, variant, train_on, max_fugitives, recent, cache)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(f"\n== {n:,} persons, seed {seed}, itineraries {variant} "
          f"{VARIANTS[variant] or '(defaults)'}, trained on {train_on}"
          f"{'' if recent else ', recent_* features off'}")
    print(f"held-out legs (one per fugitive): {nheld}; fits: {fits}; last fit: "
          f"{model.train_on}, {model.n_train} training legs, coverage {model.coverage:.2f}; "
          f"index {index_secs:.1f} s, fits and predictions (both rankers) {secs:.1f} s: "
          f"{secs / max(nheld, 1):.3f} CPU s per fugitive")
    print(f"whole case (synth and load when not cached, index, fits, predictions, baselines, "
          f"rule): {wall:.1f} s wall, {cpu:.1f} s CPU of this process")
    print(f"ranker chosen by the held-out check, per fit: {dict(chosen)}")
    if checks:
        for key, name in (("conditional_logit", "logit"), ("boosted_ranker", "boosted")):
            cs = [c["checks"][key] for c in checks if key in c["checks"]]
            if cs:
                print(f"held-out checks of the fits ({name}, latest quarter of each fit's "
                      f"legs, {len(cs)} fits): top-3 {np.mean([c['top3'] for c in cs]):.3f}, "
                      f"log loss {np.mean([c['log_loss'] for c in cs]):.3f}")
        print(f"mix chosen {dict(Counter(c['mix'] for c in checks))}")
        print(f"pull chosen {dict(Counter((c.get('pull'), c.get('ties')) for c in checks))}")
    print(f"{'method':10} {'split':7} {'n':>4} {'top1':>6} {'top3':>6} {'mrr':>6} {'cost':>6}")
    top3 = {}
    summ = {}
    for name in METHODS:
        for split in ("all", "return", "new"):
            s = summ[name, split] = _summ(stats[name][split])
            if split == "all":
                top3[name] = s["top3"]
            print(f"{name:10} {split:7} {s['n']:4d} {s['top1']:6.3f} {s['top3']:6.3f} "
                  f"{s['mrr']:6.3f} {s['cost']:6.3f}")
    best = max(top3["frequent"], top3["markov"])
    for name in MODELS:
        print(f"top-3 ratio {name} / better baseline: "
              f"{top3[name] / best if best else math.inf:.2f} (1.2x needs top-3 {1.2 * best:.3f});"
              f" {name} / generator rule: "
              f"{top3[name] / top3['generator'] if top3['generator'] else math.inf:.2f}")
    bm = max(("frequent", "markov"), key=lambda k: top3[k])
    for key in ("mrr", "cost"):
        print(f"{key} model {summ['model', 'all'][key]:.3f} vs {bm} {summ[bm, 'all'][key]:.3f}"
              f" vs generator rule {summ['generator', 'all'][key]:.3f}")
    nn = summ["model", "new"]["n"]
    if nn:
        print(f"new places: top-3 model {summ['model', 'new']['top3']:.3f} vs generator rule "
              f"{summ['generator', 'new']['top3']:.3f} ({nn} moves); by where the true place "
              "came from (n, model top-3 hits, generator top-3 hits):")
        for src in SOURCES:
            c = sources[src]
            if c["n"]:
                print(f"  {src:20} {c['n']:4d} {c['model']:4d} {c['generator']:4d}")
        c = sources["recent"]
        print(f"  of which the network's recent places name the true place (a recent_* feature "
              f"> 0.01): {c['n']} moves, model top-3 hits {c['model']}, generator {c['generator']}")
    # the ceiling: the share of returns, and what a perfect top-3 would give against the baseline
    n_all, n_ret = summ["model", "all"]["n"], summ["model", "return"]["n"]
    ret3 = max(summ["frequent", "return"]["top3"], summ["markov", "return"]["top3"])
    print(f"ceiling: {n_ret}/{n_all} held-out legs are returns ({n_ret / max(n_all, 1):.0%}), "
          f"where the better baseline's top-3 is {ret3:.3f}; a perfect top-3 everywhere would be "
          f"{1 / best if best else math.inf:.2f}x the better baseline, the generator's own rule "
          f"is {top3['generator'] / best if best else math.inf:.2f}x")
    ce = summ["ceiling"] = {k: float(np.mean(v)) if v else math.nan
                            for k, v in stats["ceiling"].items()}
    print(f"generator-rule ceiling ({variant}): the best top-3 to expect of any model that knew "
          f"the generator's rule (mean over the {len(stats['ceiling']['all'])} held-out legs of "
          f"the three largest chances the generator gave, truth/itineraries.csv) "
          f"{ce['all']:.3f} (returns {ce['return']:.3f}, new places {ce['new']:.3f}); that is "
          f"{ce['all'] / best if best else math.inf:.2f}x the better baseline "
          f"({'1.2x reachable' if ce['all'] >= 1.2 * best else '1.2x out of reach by construction'}"
          f"); the model reaches {top3['model'] / ce['all'] if ce['all'] else math.nan:.0%} of it")
    print("calibration (every candidate): predicted range, then n, mean predicted, observed "
          "for " + ", ".join(MODELS))
    edges = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0001]
    arrs = {k: (np.array([c[0] for c in calib[k]]), np.array([c[1] for c in calib[k]], float))
            for k in MODELS}
    for lo, hi in zip(edges[:-1], edges[1:]):
        cells = []
        for k in MODELS:
            p, y = arrs[k]
            m = (p >= lo) & (p < hi)
            cells.append(f"{m.sum():6d} {p[m].mean():.3f} {y[m].mean():.3f}" if m.any()
                         else f"{0:6d}     -     -")
        print(f"  [{lo:.2f}, {min(hi, 1):.2f})  " + "  |  ".join(cells))
    print("logit weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in model.weights.items()))
    summ["secs_per_fugitive"] = secs / max(nheld, 1)
    return top3, summ, sources["recent"]


def cost(folder, out=None):
    """Time the build, fit and predict of every fugitive of the case in `folder`."""
    import hashlib

    from netanalysis.outputs import write_csv

    t0 = time.perf_counter()
    case = load_case(folder)
    print(f"case {folder}: {len(case.tables['persons']):,} persons, "
          f"{len(case.tables['travel']):,} travel rows, loaded in "
          f"{time.perf_counter() - t0:.1f} s wall")
    c0 = time.process_time()
    model = MovementModel(case)
    c1 = time.process_time()
    model.fit()
    c2 = time.process_time()
    df = model.predict()
    c3 = time.process_time()
    nf = df["id"].nunique()
    print(f"CPU s: build {c1 - c0:.2f}, fit {c2 - c1:.2f} ({model.method}, {model.n_train} "
          f"legs), predict {c3 - c2:.2f} ({nf} fugitives, {(c3 - c2) / max(nf, 1) * 1000:.2f} "
          f"ms each); total {c3 - c0:.2f} s, {(c3 - c0) / max(nf, 1) * 1000:.2f} ms per fugitive")
    if out:
        write_csv(df, out)
        with open(out, "rb") as fh:
            print(f"sha256 of {out}: {hashlib.sha256(fh.read()).hexdigest()}")
    return df


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--seed", default="1", help="A seed, or several: 1,2,3.")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--train-on", default="fugitives", choices=["fugitives", "everyone"])
    ap.add_argument("--recent", default="on", choices=["on", "off", "both"],
                    help="The recent_* features on (as the library), off (their columns zero in "
                         "every fit and prediction), or both, on the same case in the same run.")
    ap.add_argument("--max-fugitives", type=int, default=None,
                    help="Evaluate a fixed random sample of this many fugitives (large cases).")
    ap.add_argument("--case", default=None,
                    help="Measure cost (build / fit / predict CPU s) on this case folder.")
    ap.add_argument("--out", default=None, help="With --case: write the predictions here.")
    args = ap.parse_args(argv)
    if args.case:
        cost(args.case, args.out)
        return
    rows = []
    arms = {"on": (True,), "off": (False,), "both": (True, False)}[args.recent]
    cache = {}
    for n in [int(x) for x in args.sizes.split(",")]:
        for seed in [int(x) for x in str(args.seed).split(",")]:
            for v in args.variants.split(","):
                for on in arms:
                    top3, summ, recent = report(n, seed, v, args.train_on, args.max_fugitives,
                                                on, cache)
                    rows.append((n, seed, v if on else f"{v}-off", top3, summ, recent))
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _summary(rows)


def _summary(rows):
    """One line per case: the model against the better baseline and the generator's rule."""
    print("\n== summary: top-3 (top-1, MRR) of the model, the better baseline and the generator's "
          "rule; new-place top-3 of the model and of the better baseline; share of returns; "
          "ratios model / better baseline and perfect / better baseline; the generator-rule "
          "ceiling (expected top-3 of a model that knew the rule) and ceiling / better baseline")
    print(f"{'persons':>7} {'seed':>4} {'variant':12} {'n':>4} {'model':>17} {'baseline':>17} "
          f"{'generator':>17} {'new m/b':>11} {'ret':>4} {'ratio':>5} {'max':>5} {'recent':>7} "
          f"{'ceiling':>7} {'c/b':>5}")
    for n, seed, v, top3, summ, recent in rows:
        bm = max(("frequent", "markov"), key=lambda k: top3[k])
        cell = {k: f"{summ[k, 'all']['top3']:.3f} ({summ[k, 'all']['top1']:.2f} "
                   f"{summ[k, 'all']['mrr']:.2f})" for k in ("model", bm, "generator")}
        na, nr = summ["model", "all"]["n"], summ["model", "return"]["n"]
        best = top3[bm]
        print(f"{n:7d} {seed:4d} {v:12} {na:4d} {cell['model']:>17} {cell[bm]:>17} "
              f"{cell['generator']:>17} {summ['model', 'new']['top3']:5.2f}/"
              f"{summ[bm, 'new']['top3']:<5.2f} {nr / max(na, 1):4.0%} "
              f"{top3['model'] / best if best else math.inf:5.2f} "
              f"{1 / best if best else math.inf:5.2f} {recent['model']:3d}/{recent['n']:<3d} "
              f"{summ['ceiling']['all']:7.3f} "
              f"{summ['ceiling']['all'] / best if best else math.inf:5.2f}")
    # per variant and size, pooled over the seeds (weighted by held-out legs)
    print("\n== per variant, pooled over seeds: top-3 of the model, the better baseline (per "
          "case) and the generator-rule ceiling; ratios to the baseline; CPU s per fugitive")
    groups = {}
    for n, _seed, v, top3, summ, _recent in rows:
        bm = max(("frequent", "markov"), key=lambda k: top3[k])
        na = summ["model", "all"]["n"]
        g = groups.setdefault((n, v), [0, 0.0, 0.0, 0.0, 0.0])
        g[0] += na
        g[1] += na * top3["model"]
        g[2] += na * top3[bm]
        g[3] += na * summ["ceiling"]["all"]
        g[4] += na * summ["secs_per_fugitive"]
    print(f"{'persons':>7} {'variant':12} {'n':>5} {'model':>6} {'base':>6} {'ceil':>6} "
          f"{'m/b':>5} {'c/b':>5} {'s/fug':>6}")
    for (n, v), (na, m, b, c, sec) in groups.items():
        if na:
            m, b, c, sec = m / na, b / na, c / na, sec / na
            print(f"{n:7d} {v:12} {na:5d} {m:6.3f} {b:6.3f} {c:6.3f} "
                  f"{m / b if b else math.inf:5.2f} {c / b if b else math.inf:5.2f} {sec:6.3f}")


if __name__ == "__main__":
    main()
