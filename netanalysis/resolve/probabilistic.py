"""Probabilistic entity resolution: a Fellegi-Sunter model estimated from the case itself.

The rule of :mod:`netanalysis.resolve.entities` adds hand-set weights; this module replaces
them, when ``resolve.model`` is ``fellegi_sunter``, by the log-likelihood ratios of a
Fellegi-Sunter model [1]_ whose m and u probabilities are estimated from the case by
expectation-maximisation [2]_. Candidate pairs, the explained reasons, the analysts'
decisions and the clustering stay those of :func:`netanalysis.resolve.resolve_entities`.

Notes
-----
**Comparison vector.** Each candidate pair gets one level per comparison
(:data:`COMPARISONS`; ``-1`` is "missing on one side" and weighs nothing):

- ``name``: best over the names and aliases of both records
  (:func:`netanalysis.resolve.names.name_similarity`, which handles accents, initials,
  spelling variants, swapped and dropped second surnames): ``exact`` (the same tokens, in any
  order; a hyphenated double surname gives the same tokens), ``part_missing`` (the tokens of
  one name are a subset of the other's: a dropped second surname or middle name), ``close``
  (similarity >= 0.9: typos, phonetic variants), ``partial`` (>= ``min_name_similarity``),
  ``different``;
- ``birth``: ``day``, ``swap`` (day and month swapped), ``month``, ``year`` (agree as far as
  both are known), ``conflict``;
- ``nationality``, ``phone``: ``shared`` / ``different`` (both known, nothing in common);
- ``document``: ``shared``, ``different`` (both hold documents, none shared), ``conflict``
  (a passport or national id of the same country with another number);
- ``contacts``: ``shared`` (>= ``min_shared_contacts`` reported contacts in common) /
  ``different``;
- ``linked``: ``linked`` when a source reports a tie between the two records (people do
  not usually report a tie to themselves); otherwise missing.

**Estimation.** u is first estimated on random pairs of records (``u_random``), and is the
starting point of EM; EM then estimates m, u and the share of matches ``lambda`` on the
candidate pairs of the bounded blocks (each distinct comparison vector once, with its count,
so an iteration costs the number of distinct vectors, not of pairs), assuming conditional
independence of the comparisons. The pairs are scored with the EM estimates: they are the
mixture of exactly the population that is scored. A comparison EM cannot estimate (a level
never observed, or a case with fewer than ``fs_min_pairs`` candidate pairs, or EM that does
not converge) falls back to the stated :data:`PRIORS`, and the model says so.

**Term frequency.** Agreeing on a common name says less than agreeing on a rare one. For the
``exact`` and ``part_missing`` name levels, the chance that a random record carries the
tokens of the shorter name is estimated as the product of the token frequencies (at least
``1/n``), and the weight is adjusted by ``log2(tf_mean / tf)``, where ``tf_mean`` is the
geometric mean over the pairs of that level: the level's EM weight holds on average, a
``García López`` pair weighs less and a ``Quispe Mamani`` pair more.

**Match weight and probability.** ``weight = log2(lambda / (1 - lambda)) + sum log2(m / u)``
(plus the term-frequency term), ``probability = 2**weight / (1 + 2**weight)``.

**Decisions.** A pair merges automatically when its probability reaches
``fs_auto_merge_probability``, its names are compatible, nothing blocks it (different sexes,
conflicting birth dates) and it has evidence beyond the name (a shared document, phone or
contacts, a full birth date, or a birth month with a rare full name): a name, however
rare, never merges alone. Pairs from ``fs_review_probability`` up that do not merge go to
the review list with what would decide them.

References
----------
.. [1] Fellegi, I. P., Sunter, A. B. (1969). A theory for record linkage. *JASA* 64(328):
   1183-1210. doi:10.1080/01621459.1969.10501049
.. [2] Winkler, W. E. (1988). Using the EM algorithm for weight computation in the
   Fellegi-Sunter model of record linkage. *Proc. Section on Survey Research Methods, ASA*,
   667-671.
.. [3] Enamorado, T., Fifield, B., Imai, K. (2019). Using a probabilistic model to assist
   merging of large-scale administrative records. *APSR* 113(2): 353-371.
   doi:10.1017/S0003055418000783
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from netanalysis.resolve.blocking import block_pairs
from netanalysis.resolve.features import (BIRTH_CONFLICT, BIRTH_DAY, BIRTH_MONTH, BIRTH_SWAP,
                                          BIRTH_YEAR, birth_levels)
from netanalysis.resolve.names import name_similarity, name_tokens, phonetic_key

__all__ = ["COMPARISONS", "PRIORS", "REVIEW_COLUMNS", "comparison_vectors",
           "estimate_parameters", "match_weights", "score_pairs", "review_table"]

#: Levels of each comparison, from the strongest disagreement (level 0) up.
COMPARISONS = {
    "name": ("different", "partial", "close", "part_missing", "exact"),
    "birth": ("conflict", "year", "month", "swap", "day"),
    "nationality": ("different", "shared"),
    "document": ("conflict", "different", "shared"),
    "phone": ("different", "shared"),
    "contacts": ("different", "shared"),
    "linked": ("linked",),
}

#: Stated priors, used where the case is too small to estimate from: ``m`` and ``u`` per
#: level (in the order of :data:`COMPARISONS`) and the share of matches among candidate
#: pairs. Set from the literature's usual orders of magnitude, not tuned on any generator.
PRIORS = {
    "lambda": 0.05,
    "name": {"m": (0.01, 0.04, 0.15, 0.25, 0.55), "u": (0.80, 0.12, 0.05, 0.02, 0.01)},
    "birth": {"m": (0.03, 0.05, 0.07, 0.05, 0.80), "u": (0.90, 0.05, 0.01, 0.005, 0.035)},
    "nationality": {"m": (0.05, 0.95), "u": (0.40, 0.60)},
    "document": {"m": (0.02, 0.38, 0.60), "u": (0.20, 0.79, 0.01)},
    "phone": {"m": (0.40, 0.60), "u": (0.98, 0.02)},
    "contacts": {"m": (0.60, 0.40), "u": (0.99, 0.01)},
    "linked": {"m": (1.0,), "u": (1.0,)},
}
# "linked" is only ever observed at one level: its weight comes from this ratio, stated here
# (a reported tie between two records is 4 times likelier for different persons).
_LINKED_RATIO = 0.25

#: Columns of the review list (``review.csv``).
REVIEW_COLUMNS = ["id_a", "name_a", "id_b", "name_b", "probability", "match_weight", "levels",
                  "why_not_merged", "what_would_decide"]

_NAME_EXACT, _NAME_SUBSET = 4, 3
_EPS = 1e-6


def comparison_vectors(feat, pairs, *, min_name_similarity=0.75, min_shared_contacts=2):
    """Return the comparison levels of candidate pairs, one int8 column per comparison.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    pairs : DataFrame
        ``i``, ``j`` and the blocking counts ``doc``, ``phone``, ``contacts``
        (:func:`netanalysis.resolve.blocking.candidate_pairs`).
    min_name_similarity : float
        Below this name similarity the names are ``different``.
    min_shared_contacts : int
        Contacts in common for the ``contacts`` comparison to be ``shared``.

    Returns
    -------
    DataFrame
        One column per comparison of :data:`COMPARISONS` (level index, ``-1`` missing), plus
        ``name_score`` (the similarity) and ``tf`` (the term frequency of the shorter name's
        tokens, for the ``exact`` and ``part_missing`` levels; NaN otherwise).

    See Also
    --------
    estimate_parameters : m and u from these vectors.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[
    ...     {"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
    ...     {"id": "P2", "name": "ANA GOMEZ", "birth_date": "1980-05-03"}])
    >>> pairs = pd.DataFrame({"i": [0], "j": [1], "doc": [0], "phone": [0], "contacts": [0]})
    >>> v = comparison_vectors(person_features(case), pairs)
    >>> [COMPARISONS[c][v[c][0]] if v[c][0] >= 0 else "missing" for c in ("name", "birth", "phone")]
    ['part_missing', 'swap', 'missing']
    """
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)
    n_pairs = len(i)
    out = {}
    # names: best over the names of both records
    names = feat["names"]
    name_lvl = np.zeros(n_pairs, dtype=np.int8)
    name_score = np.zeros(n_pairs, dtype=np.float64)
    tf = np.full(n_pairs, np.nan)
    freq = _token_frequencies(feat)
    floor = 1.0 / max(feat["n"], 1)
    for k in range(n_pairs):
        lvl, s, short = _name_level(names[i[k]], names[j[k]], min_name_similarity)
        name_lvl[k], name_score[k] = lvl, s
        if lvl >= _NAME_SUBSET:
            p = 1.0
            for t in short:
                p *= freq.get(t, floor)
            tf[k] = max(p, floor)
    out["name"] = name_lvl
    # birth dates
    y, m, d = feat["y"], feat["m"], feat["d"]
    bl = birth_levels(y[i], m[i], d[i], y[j], m[j], d[j])
    out["birth"] = np.select([bl == BIRTH_CONFLICT, bl == BIRTH_YEAR, bl == BIRTH_MONTH,
                              bl == BIRTH_SWAP, bl == BIRTH_DAY], [0, 1, 2, 3, 4],
                             -1).astype(np.int8)
    # nationality
    nat = feat["nat"]
    nl = np.full(n_pairs, -1, dtype=np.int8)
    for k in range(n_pairs):
        a, b = nat[i[k]], nat[j[k]]
        if a and b:
            nl[k] = 1 if a & b else 0
    out["nationality"] = nl
    # documents, phones, contacts: shared from the blocking counts, known from the records
    n = feat["n"]
    has_doc = _has(feat["docs"], n)
    has_ph = _has(feat["phones"], n)
    has_ct = feat["degree"] > 0
    doc_shared = _col(pairs, "doc") > 0
    both = has_doc[i] & has_doc[j]
    dl = np.where(doc_shared, 2, np.where(both, 1, -1)).astype(np.int8)
    dl[_doc_conflicts(feat, i, j, both & ~doc_shared)] = 0
    out["document"] = dl
    out["phone"] = np.where(_col(pairs, "phone") > 0, 1,
                            np.where(has_ph[i] & has_ph[j], 0, -1)).astype(np.int8)
    out["contacts"] = np.where(_col(pairs, "contacts") >= max(int(min_shared_contacts), 1), 1,
                               np.where(has_ct[i] & has_ct[j], 0, -1)).astype(np.int8)
    linked = feat["linked"]
    out["linked"] = np.array([0 if (int(a), int(b)) in linked else -1 for a, b in zip(i, j)],
                             dtype=np.int8)
    df = pd.DataFrame(out)
    df["name_score"] = name_score
    df["tf"] = tf
    return df


def estimate_parameters(levels, *, u_random=None, min_pairs=500, max_iter=200, tol=1e-5,
                        priors=None):
    """Return m, u and lambda of a Fellegi-Sunter model, by EM on comparison vectors.

    Parameters
    ----------
    levels : DataFrame
        One int column per comparison of :data:`COMPARISONS` (``-1`` missing), as from
        :func:`comparison_vectors`; other columns are ignored.
    u_random : dict, optional
        ``{comparison: array of u per level}`` measured on random pairs: EM's starting u
        (otherwise the priors').
    min_pairs : int
        Fewer pairs than this: the stated priors are returned, not an estimate.
    max_iter, tol : int, float
        EM stops after `max_iter` iterations or when no parameter moves by more than `tol`.
    priors : dict, optional
        Priors in the form of :data:`PRIORS` (default).

    Returns
    -------
    dict
        ``lambda``, ``m`` and ``u`` (``{comparison: numpy array per level}``), ``estimated``
        (bool), ``source`` (``"em"`` or why the priors were used), ``iterations``, ``pairs``
        and ``patterns`` (distinct comparison vectors), ``prior_levels`` (the
        ``comparison:level`` pairs EM could not estimate and took from the priors).

    See Also
    --------
    match_weights : weights and probabilities from these parameters.

    Notes
    -----
    EM on the mixture of matches and non-matches under conditional independence of the
    comparisons [2]_. Each distinct vector is handled once with its count; the missing
    level takes part in neither m nor u of its comparison. Probabilities are kept in
    ``[1e-6, 1 - 1e-6]``.

    Examples
    --------
    >>> lv = pd.DataFrame({"name": [4, 0], "birth": [4, -1]})
    >>> p = estimate_parameters(lv)
    >>> p["estimated"], p["source"]
    (False, 'stated priors: 2 candidate pairs, fewer than 500')
    >>> round(float(p["m"]["name"][4] / p["u"]["name"][4]), 1)
    55.0
    """
    priors = priors or PRIORS
    comps = [c for c in COMPARISONS if c in levels.columns]
    base = {"m": {c: np.asarray(priors[c]["m"], float) for c in comps},
            "u": {c: np.asarray(priors[c]["u"], float) for c in comps},
            "lambda": float(priors["lambda"]), "pairs": int(len(levels)), "iterations": 0}
    if len(levels) < int(min_pairs):
        return {**base, "estimated": False, "patterns": 0, "prior_levels": [],
                "source": f"stated priors: {len(levels):,} candidate pairs, fewer than "
                          f"{int(min_pairs):,}"}
    pat = levels[comps].value_counts().reset_index(name="_count")
    w = pat["_count"].to_numpy(float)
    L = {c: pat[c].to_numpy(np.int64) for c in comps}
    m = {c: base["m"][c].copy() for c in comps}
    u = {c: (np.asarray(u_random[c], float) if u_random and c in u_random else base["u"][c]).copy()
         for c in comps}
    lam = base["lambda"]
    it, moved = 0, np.inf
    for it in range(1, int(max_iter) + 1):
        logbf = np.zeros(len(w))
        for c in comps:
            ok = L[c] >= 0
            logbf[ok] += np.log(m[c][L[c][ok]]) - np.log(u[c][L[c][ok]])
        odds = np.log(lam) - np.log1p(-lam) + logbf
        p = 1.0 / (1.0 + np.exp(-np.clip(odds, -700, 700)))
        pm, pu = w * p, w * (1 - p)
        moved = 0.0
        new_lam = float(np.clip(pm.sum() / w.sum(), _EPS, 1 - _EPS))
        moved = max(moved, abs(new_lam - lam))
        lam = new_lam
        for c in comps:
            k = len(m[c])
            ok = L[c] >= 0
            if not ok.any():
                continue
            cm = np.bincount(L[c][ok], weights=pm[ok], minlength=k)
            cu = np.bincount(L[c][ok], weights=pu[ok], minlength=k)
            nm = np.clip(cm / max(cm.sum(), _EPS), _EPS, 1 - _EPS)
            nu = np.clip(cu / max(cu.sum(), _EPS), _EPS, 1 - _EPS)
            moved = max(moved, float(np.abs(nm - m[c]).max()), float(np.abs(nu - u[c]).max()))
            m[c], u[c] = nm, nu
        if moved < tol:
            break
    if moved >= tol or not (1e-5 < lam < 1 - 1e-5):
        why = (f"EM did not converge in {it} iterations" if moved >= tol
               else f"EM gave a degenerate share of matches ({lam:.2g})")
        return {**base, "estimated": False, "patterns": int(len(w)), "prior_levels": [],
                "source": "stated priors: " + why}
    # a level never observed among the pairs has no estimate: take the prior ratio for it
    prior_levels = []
    for c in comps:
        seen = np.bincount(L[c][L[c] >= 0], weights=w[L[c] >= 0], minlength=len(m[c]))
        for lv in np.flatnonzero(seen == 0):
            m[c][lv], u[c][lv] = base["m"][c][lv], base["u"][c][lv]
            prior_levels.append(f"{c}:{COMPARISONS[c][lv]}")
    return {"m": m, "u": u, "lambda": lam, "estimated": True, "source": "em", "iterations": it,
            "pairs": int(w.sum()), "patterns": int(len(w)), "prior_levels": prior_levels}


def match_weights(levels, params, *, tf=None, tf_weight=1.0):
    """Return the match weight (bits) and match probability of each comparison vector.

    Parameters
    ----------
    levels : DataFrame
        Comparison levels (:func:`comparison_vectors`).
    params : dict
        From :func:`estimate_parameters` (``m``, ``u``, ``lambda``).
    tf : array, optional
        Term frequency of the agreeing name tokens per pair (NaN where it does not apply);
        the name weight is adjusted by ``tf_weight x log2(tf_mean / tf)`` per name level.
    tf_weight : float
        0 turns the term-frequency adjustment off.

    Returns
    -------
    weight, probability : numpy.ndarray
        ``log2(lambda/(1-lambda)) + sum log2(m/u)`` (+ the term-frequency term), and
        ``2**weight / (1 + 2**weight)``.

    See Also
    --------
    estimate_parameters : the parameters.

    Examples
    --------
    By hand: prior odds 1/9, an exact name (m/u = 0.5/0.01) and a shared phone (0.6/0.02)
    give 1/9 x 50 x 30 = 166.7, a probability of 166.7/167.7 = 0.994.

    >>> params = {"lambda": 0.1, "m": {"name": np.array([0.5, 0.5]), "phone": np.array([0.4, 0.6])},
    ...           "u": {"name": np.array([0.99, 0.01]), "phone": np.array([0.98, 0.02])}}
    >>> w, p = match_weights(pd.DataFrame({"name": [1, 1], "phone": [1, -1]}), params)
    >>> [round(float(x), 3) for x in p]
    [0.994, 0.847]
    """
    lam = float(params["lambda"])
    w = np.full(len(levels), np.log2(lam) - np.log2(1 - lam))
    for c in COMPARISONS:
        if c not in levels.columns or c not in params["m"]:
            continue
        lv = levels[c].to_numpy(np.int64)
        ok = lv >= 0
        ratio = np.log2(params["m"][c]) - np.log2(params["u"][c])
        if c == "linked":
            ratio = np.array([np.log2(_LINKED_RATIO)])
        w[ok] += ratio[lv[ok]]
    if tf is not None and tf_weight and "name" in levels.columns:
        tf = np.asarray(tf, float)
        lv = levels["name"].to_numpy(np.int64)
        for level in (_NAME_SUBSET, _NAME_EXACT):
            sel = (lv == level) & np.isfinite(tf)
            if sel.any():
                lt = np.log2(tf[sel])
                w[sel] += float(tf_weight) * (lt.mean() - lt)
    prob = 1.0 / (1.0 + np.exp2(-np.clip(w, -1000, 1000)))
    return w, prob


def score_pairs(feat, pairs, cfg, *, explain, progress=None, seed=0):
    """Score candidate pairs with a Fellegi-Sunter model estimated from the case.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    pairs : DataFrame
        Candidate pairs (:func:`netanalysis.resolve.blocking.candidate_pairs`); pairs of
        records sharing two phonetic name tokens are added when ``fs_name_blocks`` is on, so
        that name-only pairs reach the review list (they never merge alone).
    cfg : Section or dict
        The ``resolve`` settings.
    explain : callable
        ``explain(i, j)`` returns the rule's comparison of a pair (its ``reason``,
        ``evidence``, ``name_score``), used to explain the merges in words.
    progress : Progress, optional
    seed : int
        Seed of the random pairs u is first measured on.

    Returns
    -------
    dict
        ``accepted`` (list of merge candidates for clustering, with ``score`` the match
        probability), ``review`` (DataFrame of :data:`REVIEW_COLUMNS` before clustering) and
        ``model`` (the parameters, in plain types, for ``summary.json``).

    See Also
    --------
    netanalysis.resolve.resolve_entities : runs this when ``resolve.model`` is
        ``fellegi_sunter``.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.blocking import candidate_pairs
    >>> from netanalysis.resolve.features import person_features
    >>> from netanalysis.settings import load_settings
    >>> case = case_from_records(persons=[
    ...     {"id": "P1", "name": "Ana Gómez Ruiz", "birth_date": "1980-03-05"},
    ...     {"id": "P2", "name": "ANA GOMEZ RUIZ", "birth_date": "1980-03-05"},
    ...     {"id": "P3", "name": "Ana Gómez Ruiz"}])
    >>> f = person_features(case)
    >>> cfg = load_settings(env={}).resolve
    >>> res = score_pairs(f, candidate_pairs(f)[0], cfg,
    ...                   explain=lambda i, j: {"reason": "", "evidence": "", "name_score": 1.0})
    >>> res["accepted"], res["review"][["id_a", "id_b", "probability"]].values.tolist()
    ([], [['P1', 'P2', 0.9851], ['P1', 'P3', 0.7432], ['P2', 'P3', 0.7432]])
    >>> res["review"]["what_would_decide"][1]
    'a document number for P1 and P3; or a phone number for P1 and P3; or a birth date for P3'
    >>> res["model"]["source"]
    'stated priors: 3 candidate pairs, fewer than 500'
    """
    pairs = _with_name_blocks(feat, pairs, int(cfg["max_block"])) if cfg["fs_name_blocks"] \
        else pairs
    if progress is not None:
        progress.say(f"resolution (Fellegi-Sunter): {len(pairs):,} candidate pairs compared")
    min_sim = float(cfg["min_name_similarity"])
    min_ct = int(cfg["min_shared_contacts"])
    lv = comparison_vectors(feat, pairs, min_name_similarity=min_sim, min_shared_contacts=min_ct)
    u_random = _random_u(feat, seed, min_sim, min_ct)
    params = estimate_parameters(lv, u_random=u_random, min_pairs=int(cfg["fs_min_pairs"]))
    weight, prob = match_weights(lv, params, tf=lv["tf"].to_numpy(),
                                 tf_weight=float(cfg["fs_tf_weight"]))
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)
    corroborated = ((lv["document"] == 2) | (lv["phone"] == 1) | (lv["contacts"] == 1)
                    | lv["birth"].isin([3, 4])
                    | ((lv["birth"] == 2) & feat["rare"][i] & (feat["name_key"][i] == feat["name_key"][j]))
                    ).to_numpy()
    sex = feat["sex"]
    blocked = np.array([bool(sex[a] and sex[b] and sex[a] != sex[b]) for a, b in zip(i, j)],
                       dtype=bool)
    if cfg["birth_conflict_blocks"]:
        blocked |= (lv["birth"] == 0).to_numpy()
    compatible = (lv["name"] >= 1).to_numpy()
    hi, lo = float(cfg["fs_auto_merge_probability"]), float(cfg["fs_review_probability"])
    accept = (prob >= hi) & compatible & corroborated & ~blocked
    accepted = []
    for k in np.flatnonzero(accept):
        r = dict(explain(int(i[k]), int(j[k])))
        r.update({"i": int(i[k]), "j": int(j[k]), "score": round(float(prob[k]), 4),
                  "accept": True, "decision": "auto",
                  "reason": f"match probability {prob[k]:.4f} (weight {weight[k]:.1f} bits, "
                            "Fellegi-Sunter); " + str(r.get("reason", ""))})
        accepted.append(r)
    rev = np.flatnonzero(~accept & (prob >= lo) & compatible & ~blocked)
    review = _review_rows(feat, lv, i, j, rev, prob, weight, params, corroborated, hi)
    return {"accepted": accepted, "review": review,
            "model": _model_dict(params, u_random, lv, len(accepted), len(review), cfg)}


def review_table(review, merges, decisions=None, *, max_rows=None):
    """Return the review list without the pairs already settled, most probable first.

    Parameters
    ----------
    review : DataFrame
        ``review`` of :func:`score_pairs`.
    merges : DataFrame
        The merges of the run (``kept_id``, ``merged_id``): a pair whose records ended up in
        one person (through a third record, or a forced decision) is settled.
    decisions : DataFrame, optional
        The analysts' decisions (``id_a``, ``id_b``): a pair they decided is settled.
    max_rows : int, optional
        Keep at most this many rows (the most probable).

    Returns
    -------
    DataFrame
        :data:`REVIEW_COLUMNS`, sorted by decreasing probability then ids.

    See Also
    --------
    score_pairs : makes `review`.

    Examples
    --------
    >>> rv = pd.DataFrame([["P1", "Ana", "P2", "Ana", 0.9, 3.2, "", "", ""],
    ...                    ["P1", "Ana", "P3", "Ana", 0.8, 2.0, "", "", ""]], columns=REVIEW_COLUMNS)
    >>> m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P3"]})
    >>> review_table(rv, m)["id_b"].tolist()
    ['P2']
    """
    if review is None or not len(review):
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    root = {}
    if merges is not None and len(merges):
        root = dict(zip(merges["merged_id"].astype(str), merges["kept_id"].astype(str)))
    r = review["id_a"].map(lambda x: root.get(x, x))
    s = review["id_b"].map(lambda x: root.get(x, x))
    keep = (r != s).to_numpy()
    if decisions is not None and len(decisions):
        dec = {tuple(sorted((str(a), str(b)))) for a, b in zip(decisions["id_a"], decisions["id_b"])}
        keep &= np.array([tuple(sorted((a, b))) not in dec
                          for a, b in zip(review["id_a"], review["id_b"])], dtype=bool)
    out = review[keep].sort_values(["probability", "id_a", "id_b"], ascending=[False, True, True])
    if max_rows is not None:
        out = out.head(int(max_rows))
    return out.reset_index(drop=True)[REVIEW_COLUMNS]


# --------------------------------------------------------------------------------------------
def _name_level(na, nb, min_sim):
    """Best name level over the name variants of two records: (level, similarity, tokens)."""
    best = (-1, 0.0, ())
    for a in na:
        ta = set(name_tokens(a))
        for b in nb:
            tb = set(name_tokens(b))
            if not ta or not tb:
                continue
            short = ta if len(ta) <= len(tb) else tb
            if ta == tb:
                cand = (_NAME_EXACT, 1.0, tuple(sorted(short)))
            else:
                s = float(name_similarity(a, b)[0])
                if len(short) >= 2 and short <= (ta | tb) and (ta <= tb or tb <= ta):
                    cand = (_NAME_SUBSET, s, tuple(sorted(short)))
                elif s >= 0.9:
                    cand = (2, s, ())
                elif s >= min_sim:
                    cand = (1, s, ())
                else:
                    cand = (0, s, ())
            if cand[:2] > best[:2]:
                best = cand
            if best[0] == _NAME_EXACT:
                return best
    if best[0] < 0:
        return 0, 0.0, ()
    return best


def _token_frequencies(feat):
    """Share of records whose first name carries each token."""
    counts = {}
    for v in feat["names"]:
        if v:
            for t in set(name_tokens(v[0])):
                counts[t] = counts.get(t, 0) + 1
    n = max(feat["n"], 1)
    return {t: c / n for t, c in counts.items()}


def _has(table, n):
    if not len(table):
        return np.zeros(n, dtype=bool)
    keyed = table[table["key"].astype(str) != ""]
    return np.bincount(keyed["i"].to_numpy(np.int64), minlength=n) > 0


def _col(pairs, name):
    return pairs[name].to_numpy(np.int64) if name in pairs else np.zeros(len(pairs), np.int64)


def _doc_conflicts(feat, i, j, mask):
    """Mask of pairs holding a passport or national id of one country with other numbers."""
    out = np.zeros(len(i), dtype=bool)
    docs = feat["docs"]
    if not mask.any() or not len(docs):
        return out
    g = docs[docs["kind"].isin(["passport", "national_id"]) & (docs["country"] != "")
             & (docs["key"] != "")][["i", "kind", "country"]].drop_duplicates()
    if not len(g):
        return out
    idx = np.flatnonzero(mask)
    p = pd.DataFrame({"k": idx, "i": i[idx], "j": j[idx]})
    hit = p.merge(g, on="i").merge(g.rename(columns={"i": "j"}), on=["j", "kind", "country"])
    out[hit["k"].unique()] = True
    return out


def _with_name_blocks(feat, pairs, max_block):
    """Add the pairs that share two phonetic name tokens (blocks of at most `max_block`)."""
    idx, keys = [], []
    for k, names in enumerate(feat["names"]):
        if not names:
            continue
        toks = sorted({phonetic_key(t) for t in name_tokens(names[0]) if len(t) > 1})
        for a, b in combinations(toks[:6], 2):
            idx.append(k)
            keys.append(f"{a}|{b}")
    extra, _ = block_pairs(idx, keys, max_block)
    if not len(extra):
        return pairs
    extra = extra[["i", "j"]]
    allp = pairs.merge(extra, on=["i", "j"], how="outer")
    for c in ("doc", "phone", "birth", "contacts"):
        if c in allp:
            allp[c] = allp[c].fillna(0).astype(np.int64)
    return allp.sort_values(["i", "j"]).reset_index(drop=True)


def _random_u(feat, seed, min_sim, min_ct, k=20_000):
    """u per level measured on `k` random pairs of records."""
    n = feat["n"]
    if n < 3:
        return None
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, k)
    b = rng.integers(0, n, k)
    ok = a != b
    a, b = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
    p = pd.DataFrame({"i": a, "j": b})
    # shared documents and phones among random pairs
    for col, table in (("doc", feat["docs"]), ("phone", feat["phones"])):
        t = table[table["key"].astype(str) != ""][["i", "key"]].drop_duplicates()
        hit = p.reset_index().merge(t, on="i").merge(t.rename(columns={"i": "j"}),
                                                       on=["j", "key"])
        p[col] = 0
        p.loc[hit["index"].unique(), col] = 1
    p["contacts"] = 0
    lv = comparison_vectors(feat, p, min_name_similarity=min_sim, min_shared_contacts=min_ct)
    out = {}
    for c, names in COMPARISONS.items():
        x = lv[c].to_numpy(np.int64)
        cnt = np.bincount(x[x >= 0], minlength=len(names)).astype(float) + 0.5   # smoothed
        out[c] = cnt / cnt.sum()
    return out


def _review_rows(feat, lv, i, j, rows, prob, weight, params, corroborated, hi):
    ids = feat["ids"]
    names = feat["names"]
    out = []
    gain = {c: float(np.max(np.log2(params["m"][c]) - np.log2(params["u"][c])))
            for c in ("birth", "document", "phone") if c in params["m"]}
    for k in rows:
        a, b = int(i[k]), int(j[k])
        lv_k = {c: int(lv[c].iat[k]) for c in COMPARISONS}
        levels = "; ".join(f"{c}={COMPARISONS[c][x] if x >= 0 else 'missing'}"
                           for c, x in lv_k.items() if c != "linked" or x >= 0)
        why = (f"probability {prob[k]:.3f} below {hi:g}" if prob[k] < hi else
               "no evidence beyond the name")
        if prob[k] < hi and not corroborated[k]:
            why += "; no evidence beyond the name"
        out.append([ids[a], names[a][0] if names[a] else "", ids[b],
                    names[b][0] if names[b] else "", round(float(prob[k]), 4),
                    round(float(weight[k]), 2), levels, why,
                    _what_would_decide(feat, a, b, lv_k, gain)])
    return pd.DataFrame(out, columns=REVIEW_COLUMNS)


def _what_would_decide(feat, a, b, lv, gain):
    """The missing facts that would settle a pair, strongest first, in words."""
    ids = feat["ids"]
    asks = []

    def lacking(has):
        who = [ids[x] for x in (a, b) if not has(x)]
        return " and ".join(who) if who else f"{ids[a]} and {ids[b]}"

    if lv["birth"] < 0:
        asks.append((gain.get("birth", 0), "a birth date for "
                     + lacking(lambda x: bool(feat["y"][x]))))
    elif lv["birth"] in (1, 2):
        asks.append((gain.get("birth", 0), "a full birth date for "
                     + lacking(lambda x: bool(feat["d"][x]))))
    doc_has = set(feat["docs"]["i"].tolist())
    ph_has = set(feat["phones"]["i"].tolist())
    if lv["document"] < 0:
        asks.append((gain.get("document", 0), "a document number for "
                     + lacking(lambda x: x in doc_has)))
    elif lv["document"] == 1:
        asks.append((gain.get("document", 0) / 2, "the passport numbers of both (their "
                     "documents differ but may be of different kinds)"))
    if lv["phone"] < 0:
        asks.append((gain.get("phone", 0), "a phone number for "
                     + lacking(lambda x: x in ph_has)))
    if not asks:
        return "an analyst's check: every field is known and the evidence is mixed"
    asks.sort(key=lambda t: -t[0])
    return "; or ".join(t for _, t in asks[:3])


def _model_dict(params, u_random, lv, n_accepted, n_review, cfg):
    comps = {}
    for c, names in COMPARISONS.items():
        if c not in params["m"]:
            continue
        comps[c] = {}
        for k, nm in enumerate(names):
            m, u = float(params["m"][c][k]), float(params["u"][c][k])
            w = float(np.log2(_LINKED_RATIO)) if c == "linked" else float(np.log2(m / u))
            comps[c][nm] = {"m": round(m, 6), "u": round(u, 6), "weight_bits": round(w, 3),
                            **({"u_random": round(float(u_random[c][k]), 6)} if u_random else {}),
                            "pairs": int((lv[c] == k).sum())}
    tf = lv["tf"].to_numpy()
    return {"model": "fellegi_sunter", "source": params["source"],
            "estimated": bool(params["estimated"]), "lambda": round(float(params["lambda"]), 6),
            "iterations": int(params["iterations"]), "pairs": int(len(lv)),
            "patterns": int(params.get("patterns", 0)),
            "prior_levels": list(params.get("prior_levels", [])),
            "auto_merge_probability": float(cfg["fs_auto_merge_probability"]),
            "review_probability": float(cfg["fs_review_probability"]),
            "tf_weight": float(cfg["fs_tf_weight"]),
            "tf_pairs": int(np.isfinite(tf).sum()), "comparisons": comps,
            "accepted_pairs": int(n_accepted), "review_pairs": int(n_review)}
