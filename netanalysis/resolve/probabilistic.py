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
  order, each as often; a hyphenated double surname gives the same tokens),
  ``surname_dropped`` (the longer name is the shorter one, in order, plus one last token: a
  dropped second surname),
  ``part_missing`` (the tokens of one name are another subset of the other's: a dropped
  middle name, a dropped first surname), ``close``
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

**Estimation.** EM [2]_ estimates m (and the share of matches ``lambda``) on the candidate
pairs of the bounded evidence blocks (shared document, phone, birth date with a name token,
contacts: :func:`netanalysis.resolve.blocking.candidate_pairs`), each distinct comparison
vector once with its count, so an iteration costs the number of distinct vectors, not of
pairs; the pairs of the name blocks are scored but not estimated on, since they were chosen
for agreeing names. u is measured on random pairs of records (birth dates on a million,
shared documents, phones and exact names counted over all pairs), because the non-matches
among candidates were chosen for agreeing on a key and would make agreement look common.
The prior odds are the share of matches among all pairs, ``lambda x evidence pairs /
(n (n - 1) / 2)``. A case with fewer than ``fs_min_pairs`` evidence pairs, or on which EM
does not converge, is scored with the stated :data:`PRIORS` instead, and the model says so;
a level EM never observes takes its prior m and u.

**Term frequency.** Agreeing on a common name says less than agreeing on a rare one. For the
``surname_dropped`` level, the records that are the shorter name plus one last token are
counted exactly (records whose first name minus its last token is that name, ``E``), and the
chance of the pair's value is ``E x C / (n (n - 1) / 2)``, C the records that some record
extends (the short forms, the only records that can be the shorter side of such a pair): a
name extended as often as the average short form weighs what the level weighs, a commoner
one less. (Counting ``E / n`` alone, the value's share among the matches was taken among
all records, and every such pair was under-stated by ``log2(n / 2C)`` bits, 2.3 on
``person_records``, where C is a tenth of the records: at 300,000 records the
second-surname-dropped recall went 0.925 -> 0.967 at seed 7, duplicate share 0.3, phone
and document rates 0.5 (ceiling of the evidence rule 0.982), and 0.929 -> 0.963 at seed 11,
0.5, 0.2 (ceiling 0.973), for 19 and 26 more false automatic merges, 56 -> 75 and
114 -> 140, about 4 % of the pairs gained, as merging from 0.95 allows (precision 0.9986 ->
0.9980 and 0.9973 -> 0.9967; merged pairs at 0.95-0.97 are planted 0.965 of the time, at
0.97-0.99 0.973, at 0.99-0.999 0.996 at seed 7).) For the ``exact`` and
``part_missing`` name levels, the chance that a random record carries the tokens of the
shorter name is estimated as the product of the token frequencies (at least
``1/n**2``; tokens taken as independent; for ``exact``, at least the share of the records
other than the pair's two that carry the same tokens, counted, since a name's tokens are not
independent: a Portuguese given name goes with a Portuguese surname), and this chance
replaces the level's u (when u
is measured on the case's random pairs; a case scored on the stated priors has no TF).
For ``exact``, the records counted are strangers only in part: the others carrying a name
are also the pair's own duplicates, and for a rare name they are little else (three records
of ``Quispe Mamani Ccori`` are most often one person written three times, not three
people). The count is therefore thinned by ``nf / (nf + own)``, ``nf`` the records that the
tokens' frequencies expect to carry the name and ``own`` twice the records per record that
are the same person with the same name, measured on the records whose names are rare by
their tokens (``nf < 0.01``: nobody else is expected to carry them, so every other record
with the name is a duplicate). A common name keeps its count (``nf`` far above ``own``); a
rare one weighs up to :data:`TF_MAX_BITS` more. Without it, exact names with nothing
else to decide them were under-confident by 1.3 (names of 8 records or more) to 3.6 bits
(two records) at 100,000 records (seed 11, duplicate share 0.5, phone and document rates
0.2): pairs given 0.80-0.90 were planted 0.95 of the time. In all cases
the weight is adjusted by ``log2(u_level / tf)`` (at most :data:`TF_MAX_BITS` either way), so
a ``García López`` pair weighs less than the level and a ``Quispe Mamani`` pair more. For the
``close`` and ``partial`` levels the chance is the same product over the shorter name's
tokens, each token that is not the same in both taken at the frequency of the commoner of
it and its counterpart, times ``c`` where the rarer is carried by one record alone (a
token with no counterpart counts 1); ``c`` is the share of records carrying a token no
other record has (how often a name is spelled once). Two names that are both carried by
several records (``Maria`` / ``Mario``, ``Gomes`` / ``Gómez``) are as likely at random as
the commoner, and a one-off spelling of a common name (``Silvz``) as that name's frequency
times the chance of a one-off spelling, not its own frequency of one record. Without it a
one-edit spelling of a common name with the same birth date merged at the level's average
weight: at 300,000 records (``person_records``, seed 7) 58 of the 102 false automatic
merges were ``close`` names with the same (or swapped) birth date and
nothing else; with it (and the counted frequency of ``exact`` names) 64 false merges are
left, precision 0.997 -> 0.998, at a cost in typo recall (0.970 -> 0.949, 0.978 of the pairs
the evidence rule can reach; the probabilities of such pairs from 0.8 to 0.95 are now
under-stated, planted 0.89-0.95 of the time). (Last
session's anchor, the geometric mean of ``tf`` over the candidate pairs of the level, sits
below the level's u measured on random pairs, and left common names under-confident: at
100,000 records, name subset + same birth date with ``log2 tf`` in (-10, -8], 95.8 % of
the pairs are matches where the model said 82 %; with ``u = tf``, 93 %.)

**Nationality among namesakes.** A shared nationality follows the name's culture: among
random pairs of records it is shared 0.13 of the time on ``person_records``, among
strangers whose names agree 0.25-0.50 (a Hispanic name goes with one of six countries, a
Lusophone one with two). Weighed against random pairs, a shared nationality added
``log2(m / 0.13)`` = 2.9 bits to every pair of agreeing names, where it says 0.9-2 bits
less. Where the names agree (``name`` at ``partial`` or above) the nationality levels are
weighed against ``u`` measured on strangers of the same names' culture: random pairs of
records with the same last name token and different first tokens (a surname in common,
another given name: almost never one person), ``u_nationality_named`` of the scoring
parameters (:func:`random_u` ``["nationality_named"]``). Elsewhere the random pairs' ``u``
stays.

**Match weight and probability.** ``weight = log2(lambda / (1 - lambda)) + sum log2(m / u)``
(plus the term-frequency term), ``probability = 2**weight / (1 + 2**weight)``.

**Decisions.** A pair merges automatically when

1. its match probability reaches ``fs_auto_merge_probability`` (0.95 by default: the
   probabilities are calibrated, so that is the share of such merges expected right at
   the margin, and far more above it),
2. it has evidence beyond the name: a shared document, phone or contacts, the same full
   birth date or the same with day and month swapped, or a birth month with a rare full
   name. A name, however rare, never merges alone (namesakes, and relatives who share
   both surnames, are what the independence of the model cannot see); a shared
   nationality is not evidence of identity (it follows the name's culture). A missing
   birth date weighs nothing either way: neither evidence nor disagreement;
3. its names are compatible (``name`` above ``different``) and nothing blocks it
   (different sexes, conflicting birth dates).

Pairs from ``fs_review_probability`` up that do not merge go to the review list with why
(below the probability, or no evidence beyond the name) and what would decide them.

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
.. [4] Larsen, M. D., Rubin, D. B. (2001). Iterative automated record linkage using
   mixture models. *JASA* 96(453): 32-41. doi:10.1198/016214501750332956
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from netanalysis.resolve.blocking import block_pairs
from netanalysis.resolve.features import (BIRTH_CONFLICT, BIRTH_DAY, BIRTH_MONTH, BIRTH_SWAP,
                                          BIRTH_YEAR, birth_levels)
from rapidfuzz.distance import OSA

from netanalysis.resolve.names import name_tokens, phonetic_key, token_similarity

__all__ = ["COMPARISONS", "PRIORS", "REVIEW_COLUMNS", "TF_MAX_BITS", "comparison_vectors",
           "vector_counts", "estimate_parameters", "match_weights", "score_pairs",
           "explain_merges", "review_table", "name_block_keys", "random_u",
           "scoring_parameters", "classify_pairs", "merge_candidates", "model_summary",
           "tf_bins", "TF_BIN_STEPS", "JOINT_PRIOR_PAIRS", "conflict_review_rows", "attach_review"]

#: Levels of each comparison, from the strongest disagreement (level 0) up.
COMPARISONS = {
    "name": ("different", "partial", "close", "part_missing", "surname_dropped", "exact"),
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
    "name": {"m": (0.01, 0.04, 0.15, 0.05, 0.20, 0.55),
             "u": (0.80, 0.12, 0.05, 0.017, 0.003, 0.01)},
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

#: Largest term-frequency adjustment of a name weight, in bits either way (a name seen
#: once in a case is not evidence without limit).
TF_MAX_BITS = 6.0

#: Pseudo-matches that shrink each cell of the joint name x birth m towards the product of
#: the two margins (:func:`estimate_parameters`): a cell with few matches stays near
#: independence, one with thousands is what EM sees.
JOINT_PRIOR_PAIRS = 100.0

#: Term-frequency bins per bit when the matches among name-block pairs are counted
#: (:func:`tf_bins`, :func:`scoring_parameters`).
TF_BIN_STEPS = 4

# the weight in the words of an accepted pair's reason (classify_pairs)
_WEIGHT_WORDS = re.compile(r"\(weight (-?[0-9.]+) bits, Fellegi-Sunter\)")

_NAME_EXACT, _NAME_DROP, _NAME_SUBSET, _NAME_CLOSE, _NAME_PARTIAL = 5, 4, 3, 2, 1
# nationality weighed against namesakes where the names agree (scoring_parameters); a switch
# for the before/after measure of the benchmark
_NAT_GIVEN_NAME = True
# the same for the joint m of name and birth date and for the exact names' frequency among
# strangers (estimate_parameters, _name_chunk)
_JOINT_NAME_BIRTH = True
_THIN_EXACT_TF = True
_CHUNK = 1_000_000
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
        tokens, for every name level above ``different`` of records without aliases, and
        the ``exact``, ``surname_dropped`` and ``part_missing`` levels of records with
        aliases; NaN otherwise).

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
    ['surname_dropped', 'swap', 'missing']
    """
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)
    n_pairs = len(i)
    out = {}
    # names: best over the names of both records
    name_lvl, name_score, tf = _name_levels(feat, i, j, min_name_similarity)
    out["name"] = name_lvl
    # birth dates
    y, m, d = feat["y"], feat["m"], feat["d"]
    bl = birth_levels(y[i], m[i], d[i], y[j], m[j], d[j])
    out["birth"] = np.select([bl == BIRTH_CONFLICT, bl == BIRTH_YEAR, bl == BIRTH_MONTH,
                              bl == BIRTH_SWAP, bl == BIRTH_DAY], [0, 1, 2, 3, 4],
                             -1).astype(np.int8)
    # nationality
    code = _nationality_codes(feat)
    ca, cb = code[i], code[j]
    nl = np.where((ca == -1) | (cb == -1), -1, (ca == cb).astype(np.int8)).astype(np.int8)
    nat = feat["nat"]
    for k in np.flatnonzero(((ca == -2) | (cb == -2)) & (ca != -1) & (cb != -1)):
        nl[k] = 1 if nat[i[k]] & nat[j[k]] else 0      # several nationalities: sets
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
                             dtype=np.int8) if linked else np.full(n_pairs, -1, dtype=np.int8)
    df = pd.DataFrame(out)
    df["name_score"] = name_score
    df["tf"] = tf
    return df


def estimate_parameters(levels, *, counts=None, u_random=None, min_pairs=500, max_iter=2000,
                        tol=1e-5, priors=None, joint_name_birth=None):
    """Return m, u and lambda of a Fellegi-Sunter model, by EM on comparison vectors.

    Parameters
    ----------
    levels : DataFrame
        One int column per comparison of :data:`COMPARISONS` (``-1`` missing), as from
        :func:`comparison_vectors`, or distinct vectors (:func:`vector_counts`) with their
        number of pairs in `counts`; other columns are ignored.
    counts : array of int, optional
        How many pairs each row of `levels` stands for (default one each). Rows with the
        same vector are added up, so one pair per row and the distinct vectors with their
        counts give the same estimate, to the last bit: EM runs on the distinct vectors in
        sorted order either way (the Spark engine aggregates the counts on its executors).
    u_random : dict, optional
        ``{comparison: array of u per level}`` measured on random pairs: EM's starting u
        (otherwise the priors').
    min_pairs : int
        Fewer pairs than this: the stated priors are returned, not an estimate.
    max_iter, tol : int, float
        EM stops after `max_iter` iterations or when no parameter moves by more than `tol`.
        An iteration costs the number of distinct vectors (a few hundred), so the bound is
        generous: with few shared identifiers EM moves slowly (30,000 records, phone and
        passport on 10 % of them: 335 iterations; the former bound of 200 sent such a case
        to the stated priors, and recall from 0.8 to 0.34).
    priors : dict, optional
        Priors in the form of :data:`PRIORS` (default).
    joint_name_birth : bool, optional
        Estimate m of the name and the birth date jointly among matches (see Notes; the
        default); False keeps them independent, as every other comparison.

    Returns
    -------
    dict
        ``lambda``, ``m`` and ``u`` (``{comparison: numpy array per level}``), ``estimated``
        (bool), ``source`` (``"em"`` or why the priors were used), ``iterations``, ``pairs``
        and ``patterns`` (distinct comparison vectors), ``prior_levels`` (the
        ``comparison:level`` pairs EM could not estimate and took from the priors); with
        `joint_name_birth` and an estimate, ``m_name_birth`` (name level x birth level: the
        share of matches with both) and ``m_name_no_birth`` (the name levels of the
        matches whose birth date is missing on one side).

    See Also
    --------
    match_weights : weights and probabilities from these parameters.

    Notes
    -----
    EM on the mixture of matches and non-matches under conditional independence of the
    comparisons [2]_. Each distinct vector is handled once with its count; the missing
    level takes part in neither m nor u of its comparison. Probabilities are kept in
    ``[1e-6, 1 - 1e-6]``.

    **Name and birth date jointly among matches.** Among matches, how the name differs and
    how the birth date differs are not independent: a source that copies a record badly
    does so in one field or in several, and a record written from another document
    differs in one field where the rest is copied. Among non-matches the two are
    independent (a name says nothing of a stranger's birthday), so u stays a product. The
    model (a latent-class model with one interaction [4]_) keeps the mixture and every
    other comparison as they are and replaces ``m_name x m_birth`` by ``m_name_birth``, the
    share of matches with both levels, estimated by the same EM; a pair whose birth date is
    missing on one side takes ``m_name_no_birth``, the name levels among such matches (a
    record without a birth date is often one written in haste from a name alone; its
    absence still weighs nothing). Each cell is shrunk towards independence by
    :data:`JOINT_PRIOR_PAIRS` pseudo-matches, so a cell that holds few matches stays near
    ``m_name x m_birth``. On ``person_records`` (one variant per duplicate: a duplicate
    with a typo has its birth date right; 100,000 records, seed 11) EM puts an exact name
    at 0.80 of the matches whose birth date is missing against 0.57 of all matches
    (independence under-stated such pairs by 0.5 bits), a close name with the same birth
    date at 0.233 against ``0.237 x 0.914`` (0.1 bits).

    Examples
    --------
    >>> lv = pd.DataFrame({"name": [4, 0], "birth": [4, -1]})
    >>> p = estimate_parameters(lv)
    >>> p["estimated"], p["source"]
    (False, 'stated priors: 2 pair(s) to estimate from, fewer than 500')
    >>> round(float(p["m"]["name"][5] / p["u"]["name"][5]), 1)
    55.0

    The same 600 pairs, one per row or as two distinct vectors with their counts:

    >>> lv = pd.DataFrame({"name": [5] * 200 + [0] * 400, "birth": [4] * 200 + [0] * 400,
    ...                    "phone": [1] * 150 + [0] * 450})
    >>> a = estimate_parameters(lv)
    >>> vc = vector_counts(lv)
    >>> b = estimate_parameters(vc, counts=vc["pairs"])
    >>> a["pairs"], b["pairs"], a["patterns"], bool((a["m"]["phone"] == b["m"]["phone"]).all())
    (600, 600, 3, True)
    """
    priors = priors or PRIORS
    comps = [c for c in COMPARISONS if c in levels.columns]
    cnt = (np.ones(len(levels), dtype=np.int64) if counts is None
           else np.asarray(counts, dtype=np.int64))
    total = int(cnt.sum())
    base = {"m": {c: np.asarray(priors[c]["m"], float) for c in comps},
            "u": {c: np.asarray(priors[c]["u"], float) for c in comps},
            "lambda": float(priors["lambda"]), "pairs": total, "iterations": 0}
    if total < int(min_pairs):
        return {**base, "estimated": False, "patterns": 0, "prior_levels": [],
                "source": f"stated priors: {total:,} pair(s) to estimate from, fewer "
                          f"than {int(min_pairs):,}"}
    # the distinct vectors in sorted order with their counts: the same table (and the same
    # sums, in the same order) whether the pairs came one per row or already counted
    pat = levels[comps].astype(np.int64).assign(_count=cnt).groupby(comps, sort=True)[
        "_count"].sum().reset_index()
    pat = pat[pat["_count"] > 0]
    w = pat["_count"].to_numpy(float)
    L = {c: pat[c].to_numpy(np.int64) for c in comps}
    m = {c: base["m"][c].copy() for c in comps}
    u = {c: (np.asarray(u_random[c], float) if u_random and c in u_random else base["u"][c]).copy()
         for c in comps}
    lam = base["lambda"]
    if joint_name_birth is None:
        joint_name_birth = _JOINT_NAME_BIRTH
    joint = _joint_index(L) if joint_name_birth else None
    mj = None if joint is None else np.outer(m["name"], m["birth"]).ravel()
    mnb = None if joint is None else m["name"].copy()      # name | birth missing
    it, moved = 0, np.inf
    while it < int(max_iter):
        it += 1
        logbf = np.zeros(len(w))
        for c in comps:
            ok = L[c] >= 0
            logbf[ok] += np.log(m[c][L[c][ok]]) - np.log(u[c][L[c][ok]])
        if joint is not None:
            logbf += _joint_log_ratio(L, joint, m, mj, mnb, np.log)
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
        if joint is not None:
            nj, nnb = _joint_m(L, joint, pm, m)
            moved = max(moved, float(np.abs(nj - mj).max()), float(np.abs(nnb - mnb).max()))
            mj, mnb = nj, nnb
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
    out = {"m": m, "u": u, "lambda": lam, "estimated": True, "source": "em", "iterations": it,
           "pairs": int(w.sum()), "patterns": int(len(w)), "prior_levels": prior_levels}
    if joint is not None:
        if prior_levels:    # a level taken from the priors: its joint cells are independent
            mj, mnb = _joint_m(L, joint, pm, m)
        out["m_name_birth"] = mj.reshape(len(m["name"]), len(m["birth"]))
        out["m_name_no_birth"] = mnb
    return out


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
        the name weight is adjusted by ``tf_weight x log2(u_level / tf)`` per name level.
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
        if c == "nationality" and "u_nationality_named" in params and "name" in levels.columns:
            # names that agree: nationality against strangers of the same names' culture
            named = ok & (levels["name"].to_numpy(np.int64) >= _NAME_PARTIAL)
            r2 = np.log2(params["m"][c]) - np.log2(params["u_nationality_named"])
            w[ok & ~named] += ratio[lv[ok & ~named]]
            w[named] += r2[lv[named]]
            continue
        w[ok] += ratio[lv[ok]]
    if "m_name_birth" in params and {"name", "birth"} <= set(levels.columns):
        L = {c: levels[c].to_numpy(np.int64) for c in ("name", "birth")}
        w += _joint_log_ratio(L, _joint_index(L), params["m"],
                              np.asarray(params["m_name_birth"], float).ravel(),
                              np.asarray(params["m_name_no_birth"], float), np.log2)
    if tf is not None and tf_weight and "name" in levels.columns:
        tf = np.asarray(tf, float)
        lv = levels["name"].to_numpy(np.int64)
        for level in (_NAME_PARTIAL, _NAME_CLOSE, _NAME_SUBSET, _NAME_DROP, _NAME_EXACT):
            sel = (lv == level) & np.isfinite(tf)
            if sel.any() and len(params["u"]["name"]) > level:
                lu = np.log2(float(params["u"]["name"][level]))
                w[sel] += float(tf_weight) * np.clip(lu - np.log2(tf[sel]), -TF_MAX_BITS,
                                                     TF_MAX_BITS)
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
    explain : callable or None
        ``explain(i, j)`` returns the rule's comparison of a pair (its ``reason``,
        ``evidence``, ``name_score``), used to explain the merges in words. None leaves the
        accepted pairs unexplained (``name_score`` and ``evidence`` None, ``reason`` the
        probability alone): :func:`explain_merges` then explains only the merges written
        out, after clustering.
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
    >>> [(a["i"], a["j"], a["score"]) for a in res["accepted"]]
    [(0, 1, 0.9851)]
    >>> res["review"][["id_a", "id_b", "probability"]].values.tolist()
    [['P1', 'P3', 0.7432], ['P2', 'P3', 0.7432]]
    >>> res["review"]["what_would_decide"][0]
    'a document number for P1 and P3; or a phone number for P1 and P3; or a birth date for P3'
    >>> res["model"]["source"]
    'stated priors: 1 pair(s) to estimate from, fewer than 500'
    """
    pairs = _with_name_blocks(feat, pairs, int(cfg["max_block"])) if cfg["fs_name_blocks"] \
        else pairs
    if progress is not None:
        progress.say(f"resolution (Fellegi-Sunter): {len(pairs):,} candidate pairs compared")
    min_sim = float(cfg["min_name_similarity"])
    min_ct = int(cfg["min_shared_contacts"])
    lv = comparison_vectors(feat, pairs, min_name_similarity=min_sim, min_shared_contacts=min_ct)
    lv["evidence"] = pairs["_evidence"].to_numpy() if "_evidence" in pairs else True
    u_random = random_u(feat, seed=seed, min_name_similarity=min_sim, min_shared_contacts=min_ct)
    counts = vector_counts(lv)
    ev = counts[counts["evidence"]]
    params = estimate_parameters(ev, counts=ev["pairs"], u_random=u_random,
                                 min_pairs=int(cfg["fs_min_pairs"]))
    scoring = scoring_parameters(params, u_random, feat["n"], counts,
                                 tf_weight=float(cfg["fs_tf_weight"]))
    got = classify_pairs(feat, pairs, lv, scoring, cfg)
    accepted = merge_candidates(got["accepted"], explain)
    return {"accepted": accepted, "review": got["review"],
            "model": model_summary(params, scoring, counts, len(accepted), len(got["review"]),
                                   cfg)}


def vector_counts(levels):
    """Return the distinct comparison vectors of pairs and how many pairs carry each.

    Parameters
    ----------
    levels : DataFrame
        From :func:`comparison_vectors`, with a boolean column ``evidence`` (the pair came
        from an evidence block, not only a name block; default all True).

    Returns
    -------
    DataFrame
        One column per comparison present, ``evidence``, ``tf_known`` (the pair has a term
        frequency), ``tf_bin`` (:func:`tf_bins`) and ``pairs`` (the count), sorted by the vector. Its size is the number
        of distinct vectors, a few thousand whatever the number of pairs: the Spark engine
        builds the same table on its executors and brings only it to the driver.

    See Also
    --------
    estimate_parameters : EM on these counts.
    model_summary : the pair counts per level come from these counts.

    Examples
    --------
    >>> lv = pd.DataFrame({"name": [5, 5, 0], "birth": [4, 4, -1], "tf": [0.01, 0.02, np.nan]})
    >>> vector_counts(lv).values.tolist()
    [[0, -1, True, False, 1, 1], [5, 4, True, True, 1, 2]]
    """
    comps = [c for c in COMPARISONS if c in levels.columns]
    keys = levels[comps].astype(np.int64)
    keys["evidence"] = (levels["evidence"].to_numpy(bool) if "evidence" in levels
                        else np.ones(len(levels), dtype=bool))
    keys["tf_known"] = (np.isfinite(levels["tf"].to_numpy(float)) if "tf" in levels
                        else np.zeros(len(levels), dtype=bool))
    keys["tf_bin"] = tf_bins(levels["tf"].to_numpy(float) if "tf" in levels
                             else np.full(len(levels), np.nan), keys["evidence"].to_numpy(bool))
    by = comps + ["evidence", "tf_known", "tf_bin"]
    return keys.groupby(by, sort=True).size().reset_index(name="pairs").astype(
        {"pairs": np.int64})


def tf_bins(tf, evidence):
    """Return the term-frequency bin of each pair: ``round(log2 tf x TF_BIN_STEPS)`` for the
    pairs of the name blocks only (not `evidence`) whose ``tf`` is known, else 1.

    Parameters
    ----------
    tf : array of float
        The pairs' term frequencies (``tf`` of :func:`comparison_vectors`; NaN: none).
    evidence : array of bool
        The pair came from an evidence block.

    Returns
    -------
    numpy array of int64
        At most 0 (``tf <= 1``) where binned; 1 elsewhere. The matches among the name-block
        pairs are counted on these bins (:func:`scoring_parameters`), so EM's table of the
        evidence pairs is not split by them.

    See Also
    --------
    vector_counts : counts the vectors by these bins.
    scoring_parameters : counts the matches among name-block pairs on them.

    Examples
    --------
    >>> tf_bins(np.array([0.25, 0.001, np.nan, 0.5]), np.array([False, False, False, True])).tolist()
    [-8, -40, 1, 1]
    """
    tf = np.asarray(tf, float)
    ok = np.isfinite(tf) & (tf > 0) & ~np.asarray(evidence, dtype=bool)
    out = np.ones(len(tf), dtype=np.int64)
    out[ok] = np.minimum(np.rint(np.log2(tf[ok]) * TF_BIN_STEPS), 0).astype(np.int64)
    return out


def scoring_parameters(params, u_random, n, counts=None, *, tf_weight=1.0, max_iter=50, tol=1e-4):
    """Return the parameters pairs are scored with: m from EM, u from random pairs, lambda
    over all pairs.

    Parameters
    ----------
    params : dict
        From :func:`estimate_parameters`.
    u_random : dict or None
        From :func:`random_u`.
    n : int
        Number of records.
    counts : DataFrame, optional
        All the candidates' :func:`vector_counts`, name-block pairs (``evidence`` False)
        included: the matches among those are counted into ``lambda`` (see Notes). None
        counts only the matches among the evidence pairs EM was run on.
    tf_weight : float
        ``fs_tf_weight``: the term-frequency adjustment of the name-block pairs' probabilities
        in that count (from their ``tf_bin``).
    max_iter : int
        Most iterations of the count of matches among the name-block pairs.
    tol : float
        It stops when ``lambda`` moves by less than this share of itself.

    Returns
    -------
    dict
        `params` with ``u`` from `u_random` less the matches among random pairs (see
        Notes), ``u_observed`` (`u_random` as measured), ``lambda`` the share of matches
        among all pairs, ``lambda_candidates`` EM's and ``matches`` the estimated matching
        pairs (``evidence``: among the evidence pairs, ``name_blocks``: among the other
        candidates), ``u_nationality_named`` (`u_random`'s ``nationality_named``: the
        nationality weighed where the names agree, :func:`match_weights`); `params` itself
        when it holds the stated priors or `u_random` is None.

    See Also
    --------
    match_weights : scores with these.

    Notes
    -----
    EM on candidate pairs estimates m well (matches look alike however they were found) but
    its u and lambda describe the candidates, whose non-matches were chosen for agreeing on a
    blocking key; Bayes factors need u among all pairs, so the prior odds are the share of
    matches among all pairs. The stated priors (small cases) are used as they are.

    **Matches outside the evidence blocks.** EM counts ``lambda_candidates x candidates``
    matches among the evidence pairs, but a match with no shared document, phone, contacts
    or birth date (a missing birth date and no identifier on one side) is only in a name
    block: counting the evidence pairs alone put ``lambda`` at 0.84 of the share of planted
    pairs at 10,000 and at 100,000 records (``person_records``, seed 7), every probability
    under-stated by 0.25 bits. With `counts`, the matches among the name-block pairs are
    added as their expected number under the model itself, ``sum pairs x P(match |
    vector)`` with the prior odds of ``lambda``, which in turn is ``(matches among evidence
    pairs + that sum) / (n (n - 1) / 2)``: a fixed point (EM on ``lambda`` alone, m and u
    held), a few iterations on the distinct vectors, each name-block vector split by its
    term frequency to a quarter of a bit (:func:`tf_bins`), so that a common name counts
    as the pairs are scored. Pairs in no block at all are not counted (under 2 % of the
    planted pairs there).

    **A bound from the identifiers.** ``lambda`` is at most what the shared passports and
    phones say: the share of the pairs holding one on both sides that share it (counted
    over all pairs, not estimated) divided by m of sharing one, the larger of the two (a
    phone shared by strangers only raises it). Up to 200,000 records (``person_records``,
    seed 7 and 11) the count of matches stays under it (35,071 against 36,011 at 100,000
    records, seed 7; 36,294 planted) and nothing changes; at 1,000,000 the count reached
    3.4 times the planted pairs (1.23 million for 364,172, every prior odds 1.75 bits too
    high and the merges at 0.95-0.97 planted 0.896 of the time): the bound holds it to
    what the identifiers show, unless EM's m of a shared identifier fell with it.

    **Matches among the random pairs.** Random pairs are a mixture: a level is observed
    on them with probability ``lambda m + (1 - lambda) u``, so u itself is
    ``(u_observed - lambda m) / (1 - lambda)`` [3]_. For a level that is common among
    non-matches the difference is nothing; for the rare levels that decide (a shared
    passport or phone, the same birth date, the same full name) the matches are a large
    part of what random pairs show: at 30,000 records with 30 % duplicates, a shared
    passport among all pairs is almost only the duplicates themselves, and a third of the
    pairs sharing a birth date are matches. Left in, they make the decisive evidence look
    common and the model under-confident (``u`` of the same birth date 7.4e-5 where
    non-matches share one 5.5e-5 of the time, 0.4 bits lost on every such pair). The
    correction lowers u by at most ``2**TF_MAX_BITS`` (a level whose observations are all
    explained by matches keeps that bound, not zero); a level whose m EM could not estimate
    (``prior_levels``: never seen among the candidates) keeps u as observed; each
    comparison's u is renormalised to sum to one.

    Examples
    --------
    By hand: 500 matches among 10,000 x 9,999 / 2 pairs (lambda 1.0e-5); a shared phone is
    seen on 3e-5 of random pairs, and matches share one with m = 0.6, so 6e-6 of random
    pairs are matches sharing a phone and u is (3e-5 - 6e-6) / (1 - lambda) = 2.4e-5.

    >>> p = {"estimated": True, "lambda": 0.5, "pairs": 1000, "m": {"phone": np.array([.4, .6])},
    ...      "u": {"phone": np.array([.9, .1])}}
    >>> s = scoring_parameters(p, {"phone": [1 - 3e-5, 3e-5]}, 10_000)
    >>> round(s["lambda"] * 10_000 * 9_999 / 2), float(f"{s['u']['phone'][1]:.3g}")
    (500, 2.4e-05)
    """
    if not params["estimated"] or u_random is None:
        return params
    total = n * (n - 1) / 2
    in_evidence = float(params["lambda"] * params["pairs"])
    prior = set(params.get("prior_levels", []))     # m not estimated: nothing to take out

    def at(lam):
        u = {c: _u_without_matches(np.asarray(u_random[c], float), params["m"][c], lam,
                                   [f"{c}:{x}" not in prior for x in COMPARISONS[c]])
             for c in params["m"]}
        return {**params, "u": u, "lambda": lam}

    cap = _lambda_from_identifiers(params, u_random, prior)
    lam = float(np.clip(min(in_evidence / total, cap), 1e-12, 0.5))
    scoring, in_names = at(lam), 0.0
    other = None if counts is None else counts[~counts["evidence"].to_numpy(bool)]
    if other is not None and len(other):
        w = other["pairs"].to_numpy(float)
        b = (other["tf_bin"].to_numpy(np.int64) if "tf_bin" in other
             else np.ones(len(other), dtype=np.int64))
        tf = np.where(b <= 0, np.exp2(np.minimum(b, 0) / TF_BIN_STEPS), np.nan)
        for _ in range(int(max_iter)):
            in_names = float(w @ match_weights(other, scoring, tf=tf, tf_weight=tf_weight)[1])
            new = float(np.clip(min((in_evidence + in_names) / total, cap), 1e-12, 0.5))
            moved, lam = abs(new - lam), new
            scoring = at(lam)
            if moved < tol * lam:
                break
    named = u_random.get("nationality_named") if _NAT_GIVEN_NAME else None
    if named is not None:
        scoring["u_nationality_named"] = np.asarray(named, float)
    return {**scoring, "u_observed": {c: np.asarray(u_random[c], float) for c in params["m"]},
            "lambda_candidates": params["lambda"],
            "matches": {"evidence": round(in_evidence, 1), "name_blocks": round(in_names, 1),
                        "identifiers": (round(cap * total, 1) if np.isfinite(cap) else None),
                        "capped": bool(lam >= cap * (1 - 1e-9))}}


def classify_pairs(feat, pairs, levels, scoring, cfg, *, use_tf=None):
    """Return the pairs that merge and those that go to review, from their comparison levels.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    pairs : DataFrame
        ``i``, ``j`` of the pairs (any subset of the candidate pairs: each pair is decided
        on its own, so the pairs can be split in partitions).
    levels : DataFrame
        Their :func:`comparison_vectors`, row for row.
    scoring : dict
        From :func:`scoring_parameters`.
    cfg : Section or dict
        The ``resolve`` settings (``fs_auto_merge_probability``, ``fs_review_probability``,
        ``fs_tf_weight``, ``birth_conflict_blocks``).
    use_tf : bool, optional
        Apply the term-frequency adjustment. Default: where u was measured on the case's
        random pairs (`scoring` came from :func:`scoring_parameters` with an estimate; on
        the stated priors of a small case, token frequencies of a few records mean nothing).

    Returns
    -------
    dict
        ``accepted``: DataFrame ``i, j, score, reason`` (the match probability rounded to 4
        places and its wording) of the pairs that merge; ``review``: DataFrame of
        :data:`REVIEW_COLUMNS`, the pairs from ``fs_review_probability`` up that do not.

    See Also
    --------
    score_pairs : runs this on all the pairs at once.
    merge_candidates : the accepted pairs as clustering takes them.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[
    ...     {"id": "P1", "name": "Ana Ruiz", "birth_date": "1980-03-05"},
    ...     {"id": "P2", "name": "Ana Ruiz", "birth_date": "1980-03-05"},
    ...     {"id": "P3", "name": "Ana Ruiz"}],
    ...     phones=[{"number": "+5730011", "person_id": p} for p in ("P1", "P2")])
    >>> f = person_features(case)
    >>> pairs = pd.DataFrame({"i": [0, 0], "j": [1, 2], "doc": 0, "phone": [1, 0], "contacts": 0})
    >>> lv = comparison_vectors(f, pairs)
    >>> cfg = {"fs_auto_merge_probability": 0.99, "fs_review_probability": 0.5,
    ...        "fs_tf_weight": 1.0, "birth_conflict_blocks": True}
    >>> got = classify_pairs(f, pairs, lv, estimate_parameters(lv), cfg)
    >>> got["accepted"][["i", "j", "score"]].values.tolist()
    [[0.0, 1.0, 0.9995]]
    >>> got["review"][["id_a", "id_b", "probability"]].values.tolist()
    [['P1', 'P3', 0.7432]]
    """
    if use_tf is None:
        use_tf = "lambda_candidates" in scoring
    weight, prob = match_weights(levels, scoring,
                                 tf=levels["tf"].to_numpy() if use_tf else None,
                                 tf_weight=float(cfg["fs_tf_weight"]))
    i = pairs["i"].to_numpy(np.int64)
    j = pairs["j"].to_numpy(np.int64)
    lv = levels
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
    k = np.flatnonzero(accept)
    accepted = pd.DataFrame({
        "i": i[k], "j": j[k], "score": [round(float(p), 4) for p in prob[k]],
        "reason": [f"match probability {p:.4f} (weight {w:.1f} bits, Fellegi-Sunter); "
                   for p, w in zip(prob[k].tolist(), weight[k].tolist())]})
    rev = np.flatnonzero(~accept & (prob >= lo) & compatible & ~blocked)
    review = _review_rows(feat, lv, i, j, rev, prob, weight, scoring, corroborated, hi)
    return {"accepted": accepted, "review": review}


def merge_candidates(accepted, explain=None):
    """Return accepted pairs as the merge candidates clustering takes.

    Parameters
    ----------
    accepted : DataFrame
        ``i, j, score, reason`` (``accepted`` of :func:`classify_pairs`), in pair order.
    explain : callable, optional
        ``explain(i, j)`` returns the rule's comparison of a pair (``reason``, ``evidence``,
        ``name_score``); None leaves ``name_score`` and ``evidence`` None.

    Returns
    -------
    list of dict
        ``i, j, score, accept, decision, reason, name_score, evidence`` per pair
        (:func:`netanalysis.resolve.cluster.cluster_pairs` takes them).

    See Also
    --------
    score_pairs, classify_pairs

    Examples
    --------
    >>> acc = pd.DataFrame({"i": [0], "j": [1], "score": [0.999], "reason": ["p; "]})
    >>> merge_candidates(acc)[0]["reason"], merge_candidates(acc)[0]["evidence"]
    ('p; ', None)
    """
    out = []
    for i, j, score, reason in zip(accepted["i"].tolist(), accepted["j"].tolist(),
                                   accepted["score"].tolist(), accepted["reason"].tolist()):
        r = dict(explain(int(i), int(j))) if explain is not None else \
            {"name_score": None, "evidence": None}
        r.update({"i": int(i), "j": int(j), "score": float(score), "accept": True,
                  "decision": "auto", "reason": reason + str(r.get("reason", ""))})
        out.append(r)
    return out


def explain_merges(merges, feat, explain):
    """Return the merges with the rule's reasons added to their automatic rows.

    Parameters
    ----------
    merges : DataFrame
        :data:`~netanalysis.resolve.cluster.MERGE_COLUMNS` from clustering the pairs
        :func:`score_pairs` accepted with ``explain=None``: each ``auto`` row is the pair
        (``merged_id``, ``via_id``).
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    explain : callable
        ``explain(i, j)`` for record positions ``i < j``
        (:func:`netanalysis.resolve.compare.pair_comparer`).

    Returns
    -------
    DataFrame
        `merges` with ``reason`` (the probability, then the rule's reasons), ``name_score``
        and ``evidence`` of each ``auto`` row from `explain`; forced rows unchanged.

    See Also
    --------
    score_pairs : accepts the pairs.

    Notes
    -----
    Explaining after clustering costs one comparison per merged record instead of one per
    accepted pair (29,202 accepted pairs, 25,394 merges at 100,000 records), with the same
    words: each row's reason is its own pair's.

    Examples
    --------
    >>> m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P2"], "score": [0.99],
    ...                   "reason": ["match probability 0.9900; "], "via_id": ["P1"],
    ...                   "name_score": [None], "evidence": [None], "decision": ["auto"]})
    >>> feat = {"ids": ["P1", "P2"]}
    >>> out = explain_merges(m, feat, lambda i, j: {"reason": f"pair {i}-{j}",
    ...                                             "name_score": 1.0, "evidence": "phone"})
    >>> out[["reason", "name_score", "evidence"]].values.tolist()
    [['match probability 0.9900; pair 0-1', 1.0, 'phone']]
    """
    out = merges.copy()
    auto = np.flatnonzero((out["decision"] == "auto").to_numpy())
    if not len(auto):
        return out
    pos = {pid: k for k, pid in enumerate(feat["ids"])}
    reason = out["reason"].tolist()
    nscore = out["name_score"].astype(object).tolist()
    ev = out["evidence"].astype(object).tolist()
    merged, via = out["merged_id"].tolist(), out["via_id"].tolist()
    for k in auto.tolist():
        a, b = pos[merged[k]], pos[via[k]]
        r = explain(min(a, b), max(a, b))
        reason[k] = str(reason[k]) + str(r.get("reason", ""))
        nscore[k], ev[k] = r.get("name_score"), r.get("evidence")
    # columns rebuilt from lists, as clustering builds them (the same dtypes)
    out["reason"], out["name_score"], out["evidence"] = reason, nscore, ev
    return out


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
        keep = keep & np.array([tuple(sorted((a, b))) not in dec
                                for a, b in zip(review["id_a"], review["id_b"])], dtype=bool)
    out = review[keep].sort_values(["probability", "id_a", "id_b"], ascending=[False, True, True])
    if max_rows is not None:
        out = out.head(int(max_rows))
    return out.reset_index(drop=True)[REVIEW_COLUMNS]


def attach_review(merges, feat, cfg, *, forced=None, vetoes=None, review=None, model=None):
    """Return the merges with the review list (and the model) in their ``attrs``.

    Parameters
    ----------
    merges : DataFrame
        From :func:`netanalysis.resolve.cluster.cluster_pairs`; its ``attrs["refused"]``
        (unions refused for conflicting documents) is taken out and listed for review.
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    cfg : Section or dict
        The ``resolve`` settings (``fs_max_review``, ``min_name_similarity``,
        ``min_shared_contacts``).
    forced, vetoes : DataFrame, optional
        The analysts' decisions as record positions ``i``, ``j``: pairs they decided are
        settled and left out.
    review : DataFrame, optional
        The Fellegi-Sunter review candidates (``review`` of :func:`classify_pairs`); None
        under ``resolve.model: rules`` (the refused unions are then listed without a
        probability).
    model : dict, optional
        The model's parameters (:func:`model_summary`), put in ``attrs["model"]``.

    Returns
    -------
    DataFrame
        `merges` (the same rows), ``attrs["review"]`` the rows of :func:`review_table` as
        dicts when there is a review list (Fellegi-Sunter, or refused unions), and
        ``attrs["model"]`` when `model` is given; ``attrs["refused"]`` removed.

    See Also
    --------
    conflict_review_rows : the rows of the refused unions.
    review_table : leaves out the settled pairs.

    Examples
    --------
    >>> m = pd.DataFrame({"kept_id": ["P1"], "merged_id": ["P2"]})
    >>> m.attrs["refused"] = []
    >>> sorted(attach_review(m, {"ids": ["P1", "P2"]}, {"fs_max_review": 10}).attrs)
    []
    """
    out = merges
    refused = out.attrs.pop("refused", [])
    if review is None and not refused and model is None:
        return out
    ids = feat["ids"]
    decided = pd.DataFrame([{"id_a": ids[int(r.i)], "id_b": ids[int(r.j)]}
                            for d in (forced, vetoes) if d is not None and len(d)
                            for r in d.itertuples(index=False)], columns=["id_a", "id_b"])
    rows = conflict_review_rows(
        feat, refused, probabilities=review is not None,
        min_name_similarity=float(cfg["min_name_similarity"]) if refused else 0.75,
        min_shared_contacts=int(cfg["min_shared_contacts"]) if refused else 2)
    if review is not None and len(review):
        rows = pd.concat([rows, review], ignore_index=True) if len(rows) else review
    if review is not None or len(rows):
        out.attrs["review"] = review_table(rows, out, decided, max_rows=int(
            cfg["fs_max_review"])).to_dict("records")
    if model is not None:
        out.attrs["model"] = model
    return out


def conflict_review_rows(feat, refused, *, probabilities=True, min_name_similarity=0.75,
                         min_shared_contacts=2):
    """Return the review rows of the unions clustering refused for conflicting documents.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    refused : list of dict
        ``attrs["refused"]`` of :func:`netanalysis.resolve.cluster.cluster_pairs`
        (:data:`~netanalysis.resolve.cluster.REFUSED_COLUMNS`).
    probabilities : bool
        The pairs' scores are match probabilities (``resolve.model: fellegi_sunter``): they
        fill ``probability``, and ``match_weight`` is the weight their reason states (to 0.1
        bit, as :func:`classify_pairs` words it); else (the rules' scores) both are left
        empty and the score is stated in ``why_not_merged``.
    min_name_similarity, min_shared_contacts : float, int
        As for :func:`comparison_vectors` (the ``levels`` column).

    Returns
    -------
    DataFrame
        :data:`REVIEW_COLUMNS`, one row per refused pair, in the order given:
        ``why_not_merged`` names the two documents that conflict and who holds them,
        ``what_would_decide`` what settles it (a ``merge`` decision joins them, a ``veto``
        keeps them apart).

    See Also
    --------
    netanalysis.resolve.cluster.cluster_pairs : refuses the unions.
    review_table : the review list these rows join.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana Ruiz"},
    ...     {"id": "P2", "name": "Ana Ruiz"}, {"id": "P3", "name": "Ana Ruiz"}])
    >>> refused = [{"i": 1, "j": 2, "score": 0.99, "reason": "", "kind": "passport",
    ...             "country": "CO", "holder_a": 0, "number_a": "AA1", "holder_b": 2,
    ...             "number_b": "BB2"}]
    >>> r = conflict_review_rows(person_features(case), refused)
    >>> r[["id_a", "id_b", "probability"]].values.tolist()
    [['P2', 'P3', 0.99]]
    >>> r["why_not_merged"][0]
    'match probability 0.9900, but P2 and P3 would put passports AA1 (P1) and BB2 (P3) of CO in one person (through P1)'
    """
    if not refused:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    ids, names = feat["ids"], feat["names"]
    i = np.array([int(r["i"]) for r in refused], dtype=np.int64)
    j = np.array([int(r["j"]) for r in refused], dtype=np.int64)
    shared = {}
    for col, table, key in (("doc", feat["docs"], "key"), ("phone", feat["phones"], "key"),
                            ("contacts", feat.get("contacts"), "node")):
        if table is None or not len(table):
            shared[col] = np.zeros(len(i), np.int64)
            continue
        t = table[table["i"].isin(set(i.tolist()) | set(j.tolist()))]
        if key == "key":
            t = t[t[key].astype(str) != ""]
        keys = t.groupby("i")[key].apply(set).to_dict()
        shared[col] = np.array([len(keys.get(a, set()) & keys.get(b, set()))
                                for a, b in zip(i.tolist(), j.tolist())], dtype=np.int64)
    lv = comparison_vectors(feat, pd.DataFrame({"i": i, "j": j, **shared}),
                            min_name_similarity=min_name_similarity,
                            min_shared_contacts=min_shared_contacts)
    rows = []
    for k, r in enumerate(refused):
        a, b = int(r["i"]), int(r["j"])
        levels = "; ".join(f"{c}={COMPARISONS[c][x] if x >= 0 else 'missing'}"
                           for c, x in ((c, int(lv[c][k])) for c in COMPARISONS)
                           if c != "linked" or x >= 0)
        p = float(r["score"])
        kind = {"passport": "passports", "national_id": "national ids"}.get(r["kind"], r["kind"])
        xa, xb = ids[int(r["holder_a"])], ids[int(r["holder_b"])]
        through = sorted({int(r["holder_a"]), int(r["holder_b"])} - {a, b})
        why = (f"{'match probability' if probabilities else 'rule score'} "
               f"{p:.4f}, but {ids[a]} and {ids[b]} would put {kind} {r['number_a']} ({xa}) and "
               f"{r['number_b']} ({xb}) of {r['country']} in one person"
               + (f" (through {' and '.join(ids[x] for x in through)})" if through else ""))
        decide = (f"whether {xa} and {xb} are one person holding two {kind} of {r['country']} "
                  f"(a renewed or second document): a merge decision for {ids[a]} and "
                  f"{ids[b]} joins them, a veto keeps them apart")
        prob = round(p, 4) if probabilities else None
        w = _WEIGHT_WORDS.search(str(r.get("reason") or "")) if probabilities else None
        weight = float(w.group(1)) if w else None
        rows.append([ids[a], names[a][0] if names[a] else "", ids[b],
                     names[b][0] if names[b] else "", prob, weight, levels, why, decide])
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS)


def name_block_keys(feat):
    """Return the name-block keys of each record: pairs sharing a key are compared too.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).

    Returns
    -------
    DataFrame
        ``i`` (record position) and ``key`` (int64), one row per key of a record. Each
        record's first name gives its set of phonetic token keys (at least two) and, with
        three tokens or more, every subset lacking one token: a dropped second surname,
        swapped or hyphenated surnames and a typo in one token share a key.

    See Also
    --------
    score_pairs : adds the pairs of these blocks when ``fs_name_blocks`` is on.
    netanalysis.resolve.blocking.block_pairs : the pairs of the blocks.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana Gómez Ruiz"},
    ...     {"id": "P2", "name": "Ana Ruiz Gomez"}, {"id": "P3", "name": "Ana Gomes"}])
    >>> k = name_block_keys(person_features(case))
    >>> k.groupby("key")["i"].apply(list).map(sorted).sort_values().tolist()[-2:]
    [[0, 1], [0, 1, 2]]
    """
    T, lens, vocab = _token_table(feat, 8)[:3]
    phon = [phonetic_key(w) if len(w) > 1 else "" for w in vocab.tolist()]   # once a word
    pc, _ = pd.factorize(np.asarray(phon, dtype=object))
    pad = len(phon) + 1
    pc = np.where(np.asarray(phon, dtype=object) == "", pad, pc)
    # each record's set of phonetic keys: a sorted row of key ids, repeats and pads last
    P = np.sort(np.where(T >= 0, pc[np.maximum(T, 0)], pad), axis=1)
    P[:, 1:][P[:, 1:] == P[:, :-1]] = pad
    P = np.sort(P, axis=1)
    m = (P < pad).sum(1)
    rows, recs = [P[m >= 2]], [np.flatnonzero(m >= 2)]
    for d in range(P.shape[1]):      # with 3 keys or more, every set lacking one of them
        sel = np.flatnonzero((m >= 3) & (m > d))
        if len(sel):
            rows.append(np.concatenate([np.delete(P[sel], d, axis=1),
                                        np.full((len(sel), 1), pad)], axis=1))
            recs.append(sel)
    keys = _row_ids(np.concatenate(rows))
    return pd.DataFrame({"i": np.concatenate(recs).astype(np.int64),
                         "key": np.asarray(keys, dtype=np.int64)})


def random_u(feat, *, seed=0, min_name_similarity=0.75, min_shared_contacts=2, k=50_000,
             k_birth=1_000_000):
    """Return u per level among random pairs of records (None for fewer than 50 records).

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).
    seed : int
        Seed of the random pairs: the same seed gives the same draw, whichever engine asks.
    min_name_similarity, min_shared_contacts
        As for :func:`comparison_vectors`.
    k, k_birth : int
        Random pairs compared, and random pairs whose birth dates are compared.

    Returns
    -------
    dict or None
        ``{comparison: array of u per level}``, and ``nationality_named``: the nationality
        levels among strangers whose names agree (random pairs with the same last name
        token and different first tokens; absent with fewer than 50 such pairs).

    See Also
    --------
    scoring_parameters : scores with this u.

    Notes
    -----
    Birth dates on `k_birth` random pairs (vectorised); shared documents and phones and exact
    names counted over all pairs from the key counts; the rest on `k` random pairs. Counts
    are smoothed by half a pair. The cost is that of `k` pairs, whatever the number of
    records.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": f"P{k}", "name": f"Ana {k}"} for k in range(60)])
    >>> u = random_u(person_features(case), k=2_000, k_birth=2_000)
    >>> round(float(u["name"].sum()), 6), len(u["birth"])
    (1.0, 5)
    """
    min_sim, min_ct = min_name_similarity, min_shared_contacts
    n = feat["n"]
    if n < 50:
        return None
    rng = np.random.default_rng(seed)

    def sample(size):
        a = rng.integers(0, n, size)
        b = rng.integers(0, n, size)
        ok = a != b
        return np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])

    a, b = sample(k)
    p = pd.DataFrame({"i": a, "j": b})
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
        out[c] = np.bincount(x[x >= 0], minlength=len(names)).astype(float) + 0.5
    # birth dates on many more pairs
    a, b = sample(k_birth)
    y, m, d = feat["y"], feat["m"], feat["d"]
    bl = birth_levels(y[a], m[a], d[a], y[b], m[b], d[b])
    out["birth"] = np.array([(bl == BIRTH_CONFLICT).sum(), (bl == BIRTH_YEAR).sum(),
                             (bl == BIRTH_MONTH).sum(), (bl == BIRTH_SWAP).sum(),
                             (bl == BIRTH_DAY).sum()], dtype=float) + 0.5
    for c in out:
        out[c] = out[c] / out[c].sum()
    # shared document / phone among the pairs of records that both hold one: exact counts
    for c, table, shared in (("document", feat["docs"], 2), ("phone", feat["phones"], 1)):
        t = table[table["key"].astype(str) != ""][["i", "key"]].drop_duplicates()
        holders = t["i"].nunique()
        both = holders * (holders - 1) / 2
        if both > 0:
            cnt = t.groupby("key").size().to_numpy(float)
            u_sh = max(float((cnt * (cnt - 1) / 2).sum()), 0.5) / both
            rest = out[c].copy()
            rest[shared] = 0
            out[c] = rest / rest.sum() * (1 - u_sh)
            out[c][shared] = u_sh
    # exact names: share of pairs carrying the same (first) full name, over all pairs
    cnt = np.bincount(feat["name_key"]).astype(float)
    u_ex = max(float((cnt * (cnt - 1)).sum()), 1.0) / (n * (n - 1))
    # a dropped last token: pairs (a, b) with b's first name = a's plus one last token
    u_dr = max(float(_extension_counts(feat, 8).sum()), 0.5) / (n * (n - 1) / 2)
    rest = out["name"].copy()
    rest[[_NAME_EXACT, _NAME_DROP]] = 0
    out["name"] = rest / rest.sum() * (1 - u_ex - u_dr)
    out["name"][_NAME_EXACT] = u_ex
    out["name"][_NAME_DROP] = u_dr
    named = _nationality_among_namesakes(feat, rng, k)
    if named is not None:
        out["nationality_named"] = named
    return out


def _nationality_among_namesakes(feat, rng, k):
    """u of the nationality levels among strangers whose names agree: random pairs of
    records with the same last name token (a surname) and different first tokens (given
    names), so that almost none is a match. None when fewer than 50 such pairs hold a
    nationality on both sides."""
    toks = _record_tokens(feat)
    last = [t[0][-1] if t and len(t[0]) >= 2 else "" for t in toks]
    first = [t[0][0] if t and len(t[0]) >= 2 else "" for t in toks]
    key, _ = pd.factorize(pd.Series(last, dtype=object))
    key = np.where(np.array(last, dtype=object) == "", -1, key)
    order = np.argsort(key, kind="stable")
    ks = key[order]
    ok = ks >= 0
    order, ks = order[ok], ks[ok]
    if not len(ks):
        return None
    starts = np.flatnonzero(np.r_[True, ks[1:] != ks[:-1]])
    sizes = np.diff(np.r_[starts, len(ks)])
    w = sizes * (sizes - 1.0)
    if w.sum() <= 0:
        return None
    g = rng.choice(len(sizes), size=int(k), p=w / w.sum())
    x = rng.integers(0, sizes[g])
    y = rng.integers(0, sizes[g] - 1)
    y = np.where(y >= x, y + 1, y)
    a, b = order[starts[g] + x], order[starts[g] + y]
    fa = np.array(first, dtype=object)
    nat = _nationality_codes(feat)      # one nationality each (several or none: left out)
    keep = (fa[a] != fa[b]) & (nat[a] >= 0) & (nat[b] >= 0)
    if keep.sum() < 50:
        return None
    shared = float((nat[a[keep]] == nat[b[keep]]).sum())
    u = np.array([keep.sum() - shared, shared]) + 0.5
    return u / u.sum()


def model_summary(params, scoring, counts, n_accepted, n_review, cfg):
    """Return the model's parameters and counts in plain types (``summary.json``).

    Parameters
    ----------
    params : dict
        From :func:`estimate_parameters`.
    scoring : dict
        From :func:`scoring_parameters`.
    counts : DataFrame
        :func:`vector_counts` of all the pairs compared.
    n_accepted, n_review : int
        Pairs accepted and listed for review.
    cfg : Section or dict
        The ``resolve`` settings.

    Returns
    -------
    dict
        ``model``, ``source``, ``lambda``, ``comparisons`` (m, u, weight and pairs per
        level) and the counts.

    See Also
    --------
    score_pairs : returns this as ``model``.

    Examples
    --------
    >>> lv = pd.DataFrame({"name": [5, 0], "birth": [4, -1]})
    >>> p = estimate_parameters(lv)
    >>> cfg = {"fs_auto_merge_probability": 0.99, "fs_review_probability": 0.5, "fs_tf_weight": 1}
    >>> s = model_summary(p, p, vector_counts(lv), 1, 0, cfg)
    >>> s["comparisons"]["name"]["exact"]["pairs"], s["pairs"], s["estimated"]
    (1, 2, False)
    """
    total = counts["pairs"].to_numpy(np.int64)
    comps = {}
    for c, names in COMPARISONS.items():
        if c not in scoring["m"]:
            continue
        comps[c] = {}
        for k, nm in enumerate(names):
            m, u = float(scoring["m"][c][k]), float(scoring["u"][c][k])
            w = float(np.log2(_LINKED_RATIO)) if c == "linked" else float(np.log2(m / u))
            comps[c][nm] = {"m": round(m, 6), "u": float(f"{u:.4g}"), "weight_bits": round(w, 3),
                            "u_candidates": round(float(params["u"][c][k]), 6),
                            "pairs": int(total[counts[c].to_numpy() == k].sum())}
    return {"model": "fellegi_sunter", "source": params["source"],
            "estimated": bool(params["estimated"]),
            "u_from": "random pairs" if scoring is not params else params["source"],
            "lambda": float(f"{scoring['lambda']:.4g}"),
            "lambda_candidates": round(float(params["lambda"]), 6),
            "matches": dict(scoring.get("matches") or {}),
            "iterations": int(params["iterations"]), "pairs": int(total.sum()),
            "patterns": int(params.get("patterns", 0)),
            "prior_levels": list(params.get("prior_levels", [])),
            "auto_merge_probability": float(cfg["fs_auto_merge_probability"]),
            "review_probability": float(cfg["fs_review_probability"]),
            "tf_weight": float(cfg["fs_tf_weight"]),
            "tf_pairs": int(total[counts["tf_known"].to_numpy(bool)].sum()),
            "comparisons": comps,
            "accepted_pairs": int(n_accepted), "review_pairs": int(n_review)}


# --------------------------------------------------------------------------------------------
def _name_levels(feat, i, j, min_sim, width=8):
    """Name levels, similarities and term frequencies of pairs ``(i[k], j[k])``, vectorised.

    Records with one name are compared on token-id arrays: exact tokens by broadcasting, the
    other tokens through :func:`~netanalysis.resolve.names.token_similarity` once per distinct
    token pair, each token of the shorter name taking its best counterpart (Monge-Elkan
    matching; name_similarity's greedy one-to-one matching differs only when two tokens of
    one name compete for the same token of the other). Records with aliases go through
    :func:`_name_level`, best over every name.
    """
    n_pairs = len(i)
    lvl = np.zeros(n_pairs, dtype=np.int8)
    sim = np.zeros(n_pairs)
    tf = np.full(n_pairs, np.nan)
    if not n_pairs:
        return lvl, sim, tf
    T, lens, vocab, freq, many = _token_table(feat, width)
    ext = _extension_counts(feat, width)
    floor = 1.0 / max(feat["n"], 1) ** 2
    simple = ~(many[i] | many[j]) & (lens[i] > 0) & (lens[j] > 0)
    # token ids with the copy of each token (a repeated surname counts twice): identical
    # tokens are matched one to one, the c-th copy in one name with the c-th in the other
    Tc = _copy_coded(feat, width)
    simple_idx = np.flatnonzero(simple)
    si, sj = i[simple_idx], j[simple_idx]
    swap = lens[si] > lens[sj]
    sa, sb = np.where(swap, sj, si), np.where(swap, si, sj)     # sa: the shorter name
    # each distinct (shorter name, longer name) once: every output is a function of the two
    # token rows (half the pairs at 100,000 records are repeats of a name pair)
    nid = _name_ids(feat, width)
    codes, uniq = pd.factorize(nid[sa] * (int(nid.max()) + 1) + nid[sb])
    rep = np.empty(len(uniq), dtype=np.int64)
    rep[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)        # first pair of each
    ra, rb = sa[rep], sb[rep]
    u_lvl = np.zeros(len(rep), dtype=np.int8)
    u_sim = np.zeros(len(rep))
    u_tf = np.full(len(rep), np.nan)
    long_len = lens[rb]
    # by the length of the longer name (arrays as wide as it), in chunks of pairs (the
    # token arrays take about 200 bytes a pair)
    for w in np.unique(long_len).tolist():
        grp = np.flatnonzero(long_len == w)
        for g in np.array_split(grp, max(1, -(-len(grp) // _CHUNK))):
            if not len(g):
                continue
            _name_chunk(feat, g, ra[g], rb[g], T[:, :w], Tc[:, :w], lens, vocab, freq, ext,
                        floor, min_sim, u_lvl, u_sim, u_tf)
    lvl[simple_idx], sim[simple_idx], tf[simple_idx] = u_lvl[codes], u_sim[codes], u_tf[codes]
    toks = None
    tok_freq = None
    for q in np.flatnonzero(~simple):
        if toks is None:
            toks = _record_tokens(feat)
            tok_freq = dict(zip(vocab.tolist(), freq.tolist()))
        lq, sq, short = _name_level(toks[i[q]], toks[j[q]], min_sim)
        lvl[q], sim[q] = lq, sq
        if lq == _NAME_DROP:
            tf[q] = max(float(_drop_tf(feat, _extension_count(feat, short, width),
                                           _extension_counts(feat, width))),
                        floor)
        elif lq >= _NAME_SUBSET:
            p = 1.0
            for t in short:
                p *= tok_freq.get(t, 1.0 / max(feat["n"], 1))
            tf[q] = max(p, floor)
    return lvl, sim, tf


def _name_chunk(feat, k, a, b, T, Tc, lens, vocab, freq, ext, floor, min_sim, lvl, sim, tf):
    """:func:`_name_levels` of the pairs at positions `k`, records `a` (shorter name), `b`."""
    A, B = T[a], T[b]
    Ac, Bc = Tc[a], Tc[b]
    la, lb = lens[a], lens[b]
    va, vb = A >= 0, B >= 0
    eq = (Ac[:, :, None] == Bc[:, None, :]) & va[:, :, None]
    ex_a, ex_b = eq.any(2), eq.any(1)
    n_ex = ex_a.sum(1)
    all_b = (ex_b | ~vb).all(1)
    exact = (n_ex == la) & all_b
    subset = (n_ex == la) & ~all_b & (la >= 2)
    # the longer name is the shorter one, in order, plus one last token
    drop = subset & (lb == la + 1) & ((A == B) | ~va).all(1)
    # the other tokens: best counterpart among the other tokens of the longer name
    open_ = (va & ~ex_a)[:, :, None] & (vb & ~ex_b)[:, None, :]
    r, x, y = np.nonzero(open_)
    best = np.zeros(A.shape)
    # per token of the shorter name: the frequency of the commoner of it and its best
    # counterpart, times the one-off rate where one of them is carried by one record alone
    # (a typo's own spelling says nothing of how common the name is)
    fuzzy_f = np.zeros(A.shape)
    real_fuzzy = np.zeros(len(k), dtype=bool)
    if len(r):
        ta, tb = A[r, x], B[r, y]
        code = ta.astype(np.int64) * len(vocab) + tb
        uniq, inv = np.unique(code, return_inverse=True)
        scores = np.empty(len(uniq))
        real = np.empty(len(uniq), dtype=bool)
        words, nv = _vocab_list(feat), len(vocab)
        for q, c in enumerate(uniq.tolist()):
            wa = words[c // nv]
            s1, kind = _fs_token_score(wa, words[c % nv])
            scores[q] = s1
            real[q] = kind is not None and kind != "initial" and len(wa) > 1
        np.maximum.at(best, (r, x), scores[inv])
        np.logical_or.at(real_fuzzy, r, real[inv] & (scores[inv] > 0))
        top = (scores[inv] == best[r, x]) & (scores[inv] > 0)
        fx, fy = freq[ta[top]], freq[tb[top]]
        once = np.minimum(fx, fy) * max(feat["n"], 1) < 1.5
        np.maximum.at(fuzzy_f, (r[top], x[top]),
                      np.maximum(fx, fy) * np.where(once, _one_off_rate(feat), 1.0))
    matched = n_ex + (best > 0).sum(1)
    total = (n_ex + best.sum(1)) / la - 0.04 * (lb - np.minimum(matched, lb))
    long_tok = np.zeros(A.shape, dtype=bool)
    long_tok[va] = _vocab_long(feat)[A[va]]
    real_any = (ex_a & long_tok).any(1) | real_fuzzy
    total = np.where(la == 1, np.minimum(total, 0.7), total)
    total = np.where(real_any, total, np.minimum(total, 0.6))
    total = np.where(matched > 0, np.round(np.clip(total, 0, 1), 3), 0.0)
    lv = np.where(exact, _NAME_EXACT, np.where(drop, _NAME_DROP, np.where(
        subset, _NAME_SUBSET, np.where(total >= 0.9, 2, np.where(total >= min_sim, 1, 0)))))
    total = np.where(exact, 1.0, total)
    lvl[k], sim[k] = lv, total
    fa = np.where(va, freq[np.where(va, A, 0)], 1.0).prod(1)
    # a dropped surname: the chance that a random pair is a short form and one of the
    # records extending this name by one token (_drop_tf)
    fa = np.where(lv == _NAME_DROP, _drop_tf(feat, ext[a], ext), fa)
    # a close spelling: the tokens agreeing exactly, and each other token at the frequency
    # of the commoner of it and its counterpart (a token with none counts 1)
    fc = np.where(ex_a, freq[np.where(va, A, 0)], np.where(best > 0, fuzzy_f, 1.0)).prod(1)
    fa = np.where(lv <= _NAME_CLOSE, fc, fa)
    # the same tokens: at least the share of the records other than the pair's two that
    # carry them, counted (the tokens of a name are not independent: a Portuguese given
    # name goes with a Portuguese surname, and their product under-states how common
    # "João Silva" is)
    # ...; of those others, the records of strangers: the share nf / (nf + own) of them,
    # nf the records the tokens' frequencies expect to carry the name, own the pair's own
    # duplicates expected among them (_own_duplicates)
    nf = fa * feat["n"]
    own = 2.0 * _own_duplicates(feat) if _THIN_EXACT_TF else 0.0
    counted = np.maximum(fa, (feat["name_count"][a] - 2) / max(feat["n"] - 2, 1))
    fa = np.where(lv == _NAME_EXACT, counted * nf / np.maximum(nf + own, 1e-300), fa)
    tf[k] = np.where(lv >= _NAME_PARTIAL, np.maximum(fa, floor), np.nan)


def _own_duplicates(feat):
    """Other records of one person with the same full name, per record: the mean of (records
    with the name - 1) over the records whose name is rare by its tokens (product of the
    token frequencies under 0.01 records), where nobody else is expected to carry it."""
    if "_fs_own_dups" not in feat:
        T, _, _, freq, _ = _token_table(feat, 8)
        prod = np.where(T >= 0, freq[np.maximum(T, 0)], 1.0).prod(1) * feat["n"]
        rare = prod < 0.01
        feat["_fs_own_dups"] = (float(np.mean(feat["name_count"][rare] - 1)) if rare.any()
                                else 0.0)
    return feat["_fs_own_dups"]


def _one_off_rate(feat, width=8):
    """Share of records whose first name carries a token no other record has: how often a
    name is spelled once (a typo, a rare variant), the chance that a record is a one-off
    spelling of a name (the term frequency of a ``close`` or ``partial`` pair, see
    :func:`_name_levels`)."""
    if "_fs_one_off" not in feat:
        T, lens, vocab, freq, _ = _token_table(feat, width)
        once = np.zeros(len(vocab) + 1, dtype=bool)
        once[:len(vocab)] = freq * max(feat["n"], 1) < 1.5
        feat["_fs_one_off"] = float(once[np.where(T >= 0, T, len(vocab))].any(1).mean()) \
            if len(T) else 0.0
    return feat["_fs_one_off"]


def _lambda_from_identifiers(params, u_random, prior):
    """The most the share of matches among all pairs can be by the shared identifiers: the
    share of pairs holding a passport (a phone) on both sides that share one, counted over
    all pairs, divided by m of sharing one, the larger of the two (strangers sharing one
    only make it larger); infinite where neither was estimated."""
    out = []
    for c, level in (("document", "shared"), ("phone", "shared")):
        k = COMPARISONS[c].index(level)
        if c in params["m"] and c in u_random and f"{c}:{level}" not in prior:
            out.append(float(u_random[c][k]) / max(float(params["m"][c][k]), _EPS))
    return max(out) if out else np.inf


def _joint_index(L):
    """Positions of the name x birth cells of each vector: ``(both, name_only)`` masks and
    the flat cell index, or None when either comparison is absent."""
    if "name" not in L or "birth" not in L:
        return None
    nb = len(COMPARISONS["birth"])
    both = (L["name"] >= 0) & (L["birth"] >= 0)
    name_only = (L["name"] >= 0) & (L["birth"] < 0)
    return both, name_only, np.where(both, L["name"] * nb + L["birth"], 0)


def _joint_log_ratio(L, joint, m, mj, mnb, log):
    """What the joint m of name and birth adds to the independent sum of log m (in the
    base of `log`): ``log mj - log m_name - log m_birth`` where both are known,
    ``log mnb - log m_name`` where the birth date is missing."""
    out = np.zeros(len(L["name"]))
    if joint is None:
        return out
    both, name_only, cell = joint
    nm, bm = np.asarray(m["name"], float), np.asarray(m["birth"], float)
    n, b = L["name"], L["birth"]
    out[both] = log(mj[cell[both]]) - log(nm[n[both]]) - log(bm[b[both]])
    out[name_only] = log(mnb[n[name_only]]) - log(nm[n[name_only]])
    return out


def _joint_m(L, joint, pm, m):
    """M-step of the joint m: cell shares among the expected matches `pm`, each shrunk
    towards the product of the margins `m` by :data:`JOINT_PRIOR_PAIRS` pseudo-matches."""
    both, name_only, cell = joint
    nm, bm = np.asarray(m["name"], float), np.asarray(m["birth"], float)
    indep = np.outer(nm, bm).ravel()
    cj = np.bincount(cell[both], weights=pm[both], minlength=len(indep))
    mj = (cj + JOINT_PRIOR_PAIRS * indep) / (cj.sum() + JOINT_PRIOR_PAIRS)
    cn = np.bincount(L["name"][name_only], weights=pm[name_only], minlength=len(nm))
    mnb = (cn + JOINT_PRIOR_PAIRS * nm) / (cn.sum() + JOINT_PRIOR_PAIRS)
    return np.clip(mj, _EPS, 1.0), np.clip(mnb, _EPS, 1.0)


def _u_without_matches(u_obs, m, lam, estimated):
    """u of one comparison from random pairs that hold matches at rate `lam` (see
    :func:`scoring_parameters`): ``(u_obs - lam m) / (1 - lam)`` at the levels whose m EM
    `estimated` (the others keep u as observed), each lowered by at most
    ``2**TF_MAX_BITS``, renormalised."""
    u_obs = np.asarray(u_obs, float)
    m = np.asarray(m, float)
    if len(m) != len(u_obs) or len(u_obs) < 2:     # "linked": one level, no ratio to fix
        return u_obs
    ok = np.asarray(estimated, dtype=bool)[:len(u_obs)]
    u = np.where(ok, np.maximum(u_obs - lam * m, u_obs * 2.0 ** -TF_MAX_BITS) / (1 - lam),
                 u_obs)
    return u / u.sum()


def _name_ids(feat, width):
    """One id per record: the same id for the same first-name token row."""
    if "_fs_name_ids" not in feat:
        feat["_fs_name_ids"] = _row_ids(_token_table(feat, width)[0])
    return feat["_fs_name_ids"]


def _copy_coded(feat, width):
    """The token table with each cell's copy number: ``token x width + copy`` (-1 padded).

    ``copy`` is how many earlier cells of the row hold the same token, so the two copies of
    a repeated surname get different codes and match one to one.
    """
    if "_fs_copies" not in feat:
        T = _token_table(feat, width)[0]
        w = T.shape[1]
        before = np.tril(np.ones((w, w), dtype=bool), -1)          # before[x, y]: y < x
        rank = ((T[:, :, None] == T[:, None, :]) & before).sum(2)
        feat["_fs_copies"] = np.where(T >= 0, T * w + rank, -1)
    return feat["_fs_copies"]


def _token_table(feat, width):
    """Token ids of each record's first name (-1 padded), lengths, vocabulary, frequencies."""
    if "_fs_table" not in feat:
        names = feat["names"]
        first = [t[0][:width] if t else () for t in _record_tokens(feat)]
        flat = [t for ts in first for t in ts]
        codes, vocab = pd.factorize(pd.Series(flat, dtype=object))
        lens = np.array([len(ts) for ts in first], dtype=np.int64)
        T = np.full((len(first), width), -1, dtype=np.int64)
        rows = np.repeat(np.arange(len(first)), lens)
        cols = np.concatenate([np.arange(x) for x in lens]) if len(lens) else np.zeros(0, int)
        T[rows, cols] = codes
        # a token counted once per record
        per_rec = pd.DataFrame({"r": rows, "c": codes}).drop_duplicates()
        freq = np.bincount(per_rec["c"].to_numpy(), minlength=len(vocab)) / max(feat["n"], 1)
        many = np.array([len(v) > 1 for v in names], dtype=bool)
        feat["_fs_table"] = (T, lens, np.asarray(vocab, dtype=str), freq, many)
    return feat["_fs_table"]


def _extension_counts(feat, width):
    """Per record: how many records' first names are its first name plus one last token."""
    if "_fs_ext" not in feat:
        T, lens = _token_table(feat, width)[:2]
        # the first name of each record of 3+ tokens without its last token, as a row
        long_ = np.flatnonzero(lens >= 3)
        P = T[long_].copy()
        P[np.arange(len(long_)), lens[long_] - 1] = -1
        ids = _row_ids(np.concatenate([T, P]))
        cnt = np.bincount(ids[len(T):], minlength=int(ids.max()) + 1)
        feat["_fs_ext"] = cnt[ids[:len(T)]].astype(np.int64)
        feat["_fs_ext_prefixes"] = P
    return feat["_fs_ext"]


def _drop_tf(feat, ext, ext_all):
    """Term frequency of a ``surname_dropped`` pair whose shorter name `ext` records extend
    (`ext_all`: :func:`_extension_counts` of every record).

    ``ext x C / (n (n - 1) / 2)``, C the records some record extends (the short forms): the
    chance that a random pair is one of those and one of this name's extensions. The value's
    share among the matches at this level is taken among the short forms, the only records
    that can be the shorter side, not among all records (``ext / n`` alone, the chance that a
    random record extends the name, took it as ``1 / n`` and under-stated every such pair by
    ``log2(n / 2C)``, 2.3 bits on ``person_records``, where C is a tenth of the records);
    the adjustment ``log2(u / tf)`` is then 0 for a name extended as often as the average
    short form, and the level's weight what EM and the random pairs say of the average.
    """
    n = max(int(feat["n"]), 2)
    if "_fs_short_forms" not in feat:
        feat["_fs_short_forms"] = int((np.asarray(ext_all) > 0).sum())
    c = max(feat["_fs_short_forms"], 1)
    return np.asarray(ext, float) * c / (n * (n - 1) / 2)


def _extension_count(feat, short, width):
    """:func:`_extension_counts` for a token tuple (names of records with aliases)."""
    _extension_counts(feat, width)
    if "_fs_ext_words" not in feat:     # {prefix token codes: records}, built on first use
        ext = {}
        for row in feat["_fs_ext_prefixes"].tolist():
            key = tuple(c for c in row if c >= 0)
            ext[key] = ext.get(key, 0) + 1
        feat["_fs_ext_words"] = ext
    code = {w: c for c, w in enumerate(_vocab_list(feat))}
    key = tuple(code.get(t, -1) for t in short)
    return max(feat["_fs_ext_words"].get(key, 0), 1)


def _row_ids(M):
    """One id per row of an int array, equal for equal rows (a hash, checked exactly)."""
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                     0x27D4EB2F165667C5, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9,
                     0xD6E8FEB86659FD93, 0xA0761D6478BD642F], dtype=np.uint64)
    w = M.shape[1]
    h = np.zeros(len(M), dtype=np.uint64)
    for c in range(w):    # wraps around 2**64: a polynomial hash of the row
        h = h * mult[c % len(mult)] + (M[:, c].astype(np.uint64) + np.uint64(c + 1))
    ids, _ = pd.factorize(h)
    rep = np.empty(int(ids.max()) + 1 if len(ids) else 0, dtype=np.int64)
    rep[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    if len(ids) and not (M[rep[ids]] == M).all():     # a collision: sort the rows instead
        ids = np.unique(M, axis=0, return_inverse=True)[1].ravel()
    return np.asarray(ids, dtype=np.int64)


def _vocab_list(feat):
    if "_fs_words" not in feat:
        feat["_fs_words"] = feat["_fs_table"][2].tolist()
    return feat["_fs_words"]


def _vocab_long(feat):
    if "_fs_long" not in feat:
        feat["_fs_long"] = np.array([len(w) > 1 for w in _vocab_list(feat)], dtype=bool)
    return feat["_fs_long"]


def _nationality_codes(feat):
    """One code per record: its nationality, -1 none, -2 several."""
    nat = feat["nat"]
    single = [next(iter(x)) if len(x) == 1 else "" for x in nat]
    codes, _ = pd.factorize(pd.Series(single, dtype=object))
    codes = codes.astype(np.int64)
    counts = np.array([len(x) for x in nat])
    codes[counts == 0] = -1
    codes[counts > 1] = -2
    return codes


def _name_level(na, nb, min_sim):
    """Best name level over the token tuples of two records: (level, similarity, tokens).

    The similarity is :func:`netanalysis.resolve.names.name_similarity`'s score (greedy
    token matching, best pair first; exact tokens first, then
    :func:`~netanalysis.resolve.names.token_similarity`), without building its reason.
    Tokens are compared as multisets: a repeated surname (``Rodríguez Rodríguez``) counts
    twice, so one of its copies with a typo is a close spelling of the other copy.
    """
    best = (0, 0.0, ())
    for ta in na:
        for tb in nb:
            if not ta or not tb:
                continue
            ca, cb = Counter(ta), Counter(tb)
            if ca == cb:
                return _NAME_EXACT, 1.0, tuple(sorted(ca))
            short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
            cs, cl = (ca, cb) if short is ta else (cb, ca)
            if len(cs) >= 2 and not (cs - cl):
                dropped = len(long_) == len(short) + 1 and tuple(long_[:-1]) == tuple(short)
                cand = (_NAME_DROP if dropped else _NAME_SUBSET, _similarity(short, long_),
                        tuple(short) if dropped else tuple(sorted(cs)))
            else:
                sim = _similarity(short, long_)
                cand = (2 if sim >= 0.9 else 1 if sim >= min_sim else 0, sim, ())
            if cand[:2] > best[:2]:
                best = cand
    return best


#: Token score of a one-edit spelling (:func:`_fs_token_score`): a name whose other tokens
#: agree is ``close`` with it.
ONE_EDIT_SCORE = 0.9

#: Shortest token a one-edit spelling is taken for (``Ruiz``/``Rulz``; not ``Gil``/``Gal``).
ONE_EDIT_MIN_CHARS = 4

#: Longest: from 7 letters ``fuzz.ratio`` scores one edit 0.81 of a match or more, enough for
#: a two-token name to be ``close``; those keep name_similarity's score.
ONE_EDIT_MAX_CHARS = 6


def _fs_token_score(x, y):
    """:func:`~netanalysis.resolve.names.token_similarity`, with a token one edit from the
    other (Damerau's optimal string alignment distance 1: a letter changed, dropped, added
    or two neighbours transposed) scoring at least :data:`ONE_EDIT_SCORE` when both have
    :data:`ONE_EDIT_MIN_CHARS` to :data:`ONE_EDIT_MAX_CHARS` letters.

    ``fuzz.ratio`` counts a transposition or a changed letter as two edits of the length of
    both tokens: ``ruiz``/``ruzi`` is 75, under the cut of 80, and a five- or six-letter
    token scores 0.76-0.79, so one typo in a short surname made a two-token name ``partial`` or
    ``different`` (at 100,000 records, 119 of the 176 typo pairs missed were below the
    review or the auto-merge probability, 81 below review).
    """
    sc, kind = token_similarity(x, y)
    if sc < ONE_EDIT_SCORE and ONE_EDIT_MIN_CHARS <= min(len(x), len(y)) \
            and max(len(x), len(y)) <= ONE_EDIT_MAX_CHARS and OSA.distance(x, y, score_cutoff=1) <= 1:
        return ONE_EDIT_SCORE, kind or "typo"
    return sc, kind


def _similarity(short, long_, extra_token_cost=0.04):
    """name_similarity's score of two token tuples (`short` no longer than `long_`).

    Identical tokens are matched one to one first (a token twice in one name matches at
    most twice), the rest greedily by :func:`~netanalysis.resolve.names.token_similarity`.
    """
    left = Counter(long_)
    rest_s = []
    real = False
    for t in short:
        if left[t] > 0:
            left[t] -= 1
            real = real or len(t) > 1
        else:
            rest_s.append(t)
    rest_l = []
    for t in reversed(long_):          # the unmatched copies, in the order of `long_`
        if left[t] > 0:
            left[t] -= 1
            rest_l.append(t)
    rest_l.reverse()
    total = float(len(short) - len(rest_s))
    n_matched = len(short) - len(rest_s)
    if rest_s and rest_l:
        cands = []
        for a, x in enumerate(rest_s):
            for b, y in enumerate(rest_l):
                sc, kind = _fs_token_score(x, y)
                if sc > 0:
                    cands.append((-sc, a, b, kind, x))
        cands.sort()
        ua, ub = set(), set()
        for sc, a, b, kind, x in cands:
            if a in ua or b in ub:
                continue
            ua.add(a)
            ub.add(b)
            total -= sc
            n_matched += 1
            real = real or (kind != "initial" and len(x) > 1)
    if not n_matched:
        return 0.0
    total = total / len(short) - extra_token_cost * (len(long_) - n_matched)
    if len(short) == 1:
        total = min(total, 0.7)
    if not real:
        total = min(total, 0.6)
    return round(max(0.0, min(1.0, total)), 3)


def _record_tokens(feat):
    """Token tuples of every name of every record (computed once per feature dict)."""
    if "_fs_tokens" not in feat:
        feat["_fs_tokens"] = feat["tokens"] if "tokens" in feat else [
            [name_tokens(v) for v in names] for names in feat["names"]]
    return feat["_fs_tokens"]


def _token_frequencies(feat):
    """Share of records whose first name carries each token."""
    counts = {}
    for v in _record_tokens(feat):
        if v:
            for t in set(v[0]):
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
    """Add the pairs of the name blocks (:func:`name_block_keys`) not among `pairs`, with
    ``_evidence`` False, in pair order; blocks of more than `max_block` records (very
    common names) are skipped."""
    keys = name_block_keys(feat)
    extra, _ = block_pairs(keys["i"].to_numpy(), keys["key"].to_numpy(), max_block)
    if not len(extra):
        return pairs
    # the pairs of the name blocks not among the evidence pairs, as integer keys i x n + j
    n = max(int(feat["n"]), 1)
    have = pairs["i"].to_numpy(np.int64) * n + pairs["j"].to_numpy(np.int64)
    got = extra["i"].to_numpy(np.int64) * n + extra["j"].to_numpy(np.int64)
    new = got[~np.isin(got, have)]
    allp = pd.concat([pairs.assign(_evidence=True),
                      pd.DataFrame({"i": new // n, "j": new % n, "_evidence": False})],
                     ignore_index=True)
    for c in ("doc", "phone", "birth", "contacts"):
        if c in allp:
            allp[c] = allp[c].fillna(0).astype(np.int64)
    order = np.argsort(np.concatenate([have, new]), kind="stable")
    return allp.iloc[order].reset_index(drop=True)


def _review_rows(feat, lv, i, j, rows, prob, weight, params, corroborated, hi):
    ids = feat["ids"]
    names = feat["names"]
    feat["_fs_has_doc"] = set(feat["docs"]["i"].tolist())
    feat["_fs_has_phone"] = set(feat["phones"]["i"].tolist())
    out = []
    gain = {c: float(np.max(np.log2(params["m"][c]) - np.log2(params["u"][c])))
            for c in ("birth", "document", "phone") if c in params["m"]}
    cols = {c: lv[c].to_numpy() for c in COMPARISONS}
    for k in rows:
        a, b = int(i[k]), int(j[k])
        lv_k = {c: int(x[k]) for c, x in cols.items()}
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
    if lv["document"] < 0:
        asks.append((gain.get("document", 0), "a document number for "
                     + lacking(lambda x: x in feat["_fs_has_doc"])))
    elif lv["document"] == 1:
        asks.append((gain.get("document", 0) / 2, "the passport numbers of both (their "
                     "documents differ but may be of different kinds)"))
    if lv["phone"] < 0:
        asks.append((gain.get("phone", 0), "a phone number for "
                     + lacking(lambda x: x in feat["_fs_has_phone"])))
    if not asks:
        return "an analyst's check: every field is known and the evidence is mixed"
    asks.sort(key=lambda t: -t[0])
    return "; or ".join(t for _, t in asks[:3])
