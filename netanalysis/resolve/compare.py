"""Comparison: the score of each candidate pair of person records and the reasons behind it.

The third stage of entity resolution (:mod:`netanalysis.resolve.entities`), after the record
features (:mod:`netanalysis.resolve.features`) and the candidate pairs
(:mod:`netanalysis.resolve.blocking`): :func:`compare_pairs` scores a batch of pairs with the
rule of the ``resolve`` settings and says, for each, whether it is accepted as a merge and why.
The pairs it accepts go to clustering (:mod:`netanalysis.resolve.cluster`).

Notes
-----
The score and the acceptance rule are described in :mod:`netanalysis.resolve.entities`.
A pair whose evidence other than names cannot reach ``threshold`` (a vectorised upper bound)
is not compared in full: names, the costly part, are compared only for pairs that can merge.
Nor is a pair whose names cannot reach ``min_name_similarity`` by an upper bound of
:func:`~netanalysis.resolve.names.name_similarity` from cached token scores (each token of
the shorter name at its best token of the other, one-to-one matching ignored): most pairs
of a full birth date plus one shared name token, whose count grows with the square of the
records per date, stop there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.progress import Progress
from netanalysis.resolve.features import (BIRTH_CONFLICT, BIRTH_DAY, BIRTH_MONTH, BIRTH_SWAP,
                                          BIRTH_YEAR, birth_level, birth_levels)
from netanalysis.resolve.names import name_similarity, token_similarity
from netanalysis.settings import section_settings

__all__ = ["SCORE_COLUMNS", "compare_pairs", "pair_comparer"]

#: Columns :func:`compare_pairs` adds to the pairs it is given.
SCORE_COLUMNS = ["score", "name_score", "reason", "evidence", "accept"]


def compare_pairs(feat, pairs, *, settings=None, progress=None, prefilter=True):
    """Return the candidate pairs with their score, the reasons in words and whether they merge.

    Parameters
    ----------
    feat : dict
        Record features from :func:`netanalysis.resolve.features.person_features`.
    pairs : DataFrame
        Pairs of record positions ``i`` < ``j`` (from
        :func:`netanalysis.resolve.blocking.candidate_pairs`, whose ``doc``, ``phone`` and
        ``contacts`` counts the prefilter reads); other columns are kept.
    settings : Settings or dict, optional
        Full settings or the ``resolve`` section (weights, ``threshold``,
        ``min_name_similarity``, ``require_corroboration``, ``birth_conflict_blocks``).
    progress : Progress, optional
        Reports the pairs compared, with a bar.
    prefilter : bool
        Skip the pairs whose evidence other than names cannot reach ``threshold`` (they could
        not be accepted). False compares every pair given (analysts' forced merges, whose
        reasons are wanted whatever the score); the counts columns are then not needed.

    Returns
    -------
    DataFrame
        The pairs compared, in their order, with :data:`SCORE_COLUMNS` added: ``score`` (the
        rule's sum of weights, rounded to 3 decimals), ``name_score`` (best name similarity,
        0 to 1), ``reason`` (``;``-separated sentences), ``evidence`` (``;``-separated kinds)
        and ``accept`` (bool: the pair merges unless a veto or clustering refuses it).

    See Also
    --------
    netanalysis.resolve.cluster.cluster_pairs : groups the accepted pairs into persons.
    netanalysis.resolve.entities.resolve_entities : runs every stage.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.blocking import candidate_pairs
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(
    ...     persons=[{"id": "P1", "name": "Ana Gómez", "birth_date": "1980-03-05"},
    ...              {"id": "P2", "name": "ANA GOMEZ", "birth_date": "1980-03-05"},
    ...              {"id": "P3", "name": "Luis Silva"}],
    ...     documents=[{"id": "D1", "holder_id": "P1", "number": "AB-123"},
    ...                {"id": "D2", "holder_id": "P2", "number": "ab123"}])
    >>> feat = person_features(case)
    >>> pairs, _ = candidate_pairs(feat)
    >>> scored = compare_pairs(feat, pairs)
    >>> scored[["i", "j", "score", "accept"]].values.tolist()
    [[0, 1, 1.9, True]]
    >>> scored["evidence"][0]
    'document;birth_date'
    """
    cfg = section_settings(settings, "resolve")
    progress = progress or Progress(quiet=True)
    if prefilter:
        pairs = _prefilter(pairs, feat, cfg)
        pairs = _name_prefilter(pairs, feat, cfg)
        progress.say(f"resolution: {len(pairs):,} pairs compared in full")
    ctx = _Context(feat, cfg)
    ctx.prepare_contacts(set(pairs["i"].tolist()) | set(pairs["j"].tolist()))
    cols = {c: [] for c in SCORE_COLUMNS}
    # the longest Python loop of resolution: a bar with counts, rate and time left
    with progress.bar("resolution: comparing pairs", total=len(pairs), unit="pairs") as bar:
        for k, (i, j) in enumerate(zip(pairs["i"].to_numpy(), pairs["j"].to_numpy()), 1):
            r = ctx.compare(int(i), int(j))
            for c in SCORE_COLUMNS:
                cols[c].append(r[c])
            if k % 2000 == 0:
                bar.update(2000)
        bar.update(len(pairs) % 2000)
    out = pairs.reset_index(drop=True).copy()
    for c in SCORE_COLUMNS:
        out[c] = pd.Series(cols[c], dtype=bool if c == "accept" else
                           "float64" if c in ("score", "name_score") else object)
    return out



def pair_comparer(feat, settings=None):
    """Return a function that compares one pair of records by the rule, with its reasons.

    Parameters
    ----------
    feat : dict
        Record features from :func:`netanalysis.resolve.features.person_features`.
    settings : Settings or dict, optional
        Full settings or the ``resolve`` section.

    Returns
    -------
    callable
        ``compare(i, j)`` for record positions ``i``, ``j``: a dict with the keys of
        :data:`SCORE_COLUMNS` (the rule's ``score``, ``name_score``, ``reason``,
        ``evidence``, ``accept``). Used by other scorers (Fellegi-Sunter) to explain their
        merges in the rule's words.

    See Also
    --------
    compare_pairs : the same comparison over a batch of pairs.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana Gómez", "birth_date": "1980-03-05"},
    ...                                   {"id": "P2", "name": "ANA GOMEZ", "birth_date": "1980-03-05"}])
    >>> r = pair_comparer(person_features(case))(0, 1)
    >>> r["name_score"], r["evidence"]
    (1.0, 'birth_date')
    """
    return _Context(feat, section_settings(settings, "resolve")).compare

# --------------------------------------------------------------------------------------------
class _Context:
    """Per-record lookups for pair comparison."""

    def __init__(self, feat, cfg):
        self.f = feat
        self.cfg = dict(cfg)   # a plain dict: a settings section's lookup walks its fields
        self.docs = {}
        d = feat["docs"]
        for i, key, kind, country, number in zip(d["i"].tolist(), d["key"].tolist(),
                                                 d["kind"].tolist(), d["country"].tolist(),
                                                 d["number"].tolist()):
            if key:
                self.docs.setdefault(int(i), []).append((key, kind, country, number))
        self.phones = {}
        for i, k in zip(feat["phones"]["i"].tolist(), feat["phones"]["key"].tolist()):
            if k:
                self.phones.setdefault(int(i), set()).add(k)
        self.contact_sets = None

    def prepare_contacts(self, needed):
        """Build the contact sets of the records in `needed` (all when None)."""
        c = self.f["contacts"]
        if needed is not None:
            c = c[c["i"].isin(np.asarray(list(needed), dtype=np.int64))]
        cs = {}
        for a, node in zip(c["i"].tolist(), c["node"].tolist()):
            cs.setdefault(a, set()).add(node)
        self.contact_sets = cs

    def _contacts(self, i):
        if self.contact_sets is None:
            self.prepare_contacts(None)
        if i not in self.contact_sets:
            c = self.f["contacts"]
            self.contact_sets[i] = set(c.loc[c["i"] == i, "node"].tolist())
        return self.contact_sets[i]

    def compare(self, i, j):
        f, cfg = self.f, self.cfg
        reasons, ev = [], []
        # names: best over every name variant of both records
        best = (0.0, "names do not match")
        for a in f["names"][i]:
            for b in f["names"][j]:
                r = name_similarity(a, b)
                if r[0] > best[0]:
                    best = r
                    if r[0] >= 1.0:
                        break
            if best[0] >= 1.0:
                break
        nscore = best[0]
        score = float(cfg["name_weight"]) * nscore
        corroborated = False
        # documents
        da, db = self.docs.get(i, []), self.docs.get(j, [])
        by_key = {}
        for kb, kindb, cb, _numb in db:
            by_key.setdefault(kb, []).append((kb, kindb, cb))
        shared = []
        for ka, kinda, ca, _numa in da:
            for kb, kindb, cb in by_key.get(ka, ()):
                if ka == kb and (ca == cb or not ca or not cb):
                    label = kinda or kindb or "document"
                    if label == "other":
                        label = "document"
                    txt = f"same {label.replace('_', ' ')} {ka}" + (f" ({ca or cb})" if (ca or cb) and
                                                                    not ka.startswith(ca or cb) else "")
                    if txt not in shared:
                        shared.append(txt)
        if shared:
            score += float(cfg["document_weight"])
            reasons += shared
            ev.append("document")
            corroborated = True
        conflict = []
        kc_b, kc_a = {}, {}
        for kx, kk, cx, _ in db:
            kc_b.setdefault((kk, cx), {})[kx] = None      # insertion-ordered set
        for kx, kk, cx, _ in da:
            kc_a.setdefault((kk, cx), set()).add(kx)
        disjoint = {g: not (kc_a[g] & kc_b[g].keys()) for g in kc_a if g in kc_b}
        for ka, kinda, ca, _numa in da:
            if kinda not in ("passport", "national_id") or not ca or conflict:
                continue
            same_b = kc_b.get((kinda, ca), {})
            if same_b and ka not in same_b and disjoint[(kinda, ca)]:
                conflict.append(f"different {kinda.replace('_', ' ')} numbers from {ca} "
                                f"({ka} / {next(iter(same_b))})")
        if conflict:
            score -= float(cfg["document_conflict_weight"])
            reasons.append(conflict[0])
            ev.append("document_conflict")
        # phones
        sp = sorted(self.phones.get(i, set()) & self.phones.get(j, set()))
        if sp:
            score += float(cfg["phone_weight"])
            reasons.append("same phone " + ", ".join(sp[:3]))
            ev.append("phone")
            corroborated = True
        reasons.append(best[1])
        for x in (i, j):
            if f["names_total"][x] > len(f["names"][x]):
                reasons.append(f"only the first {len(f['names'][x])} of the "
                               f"{f['names_total'][x]:,} names and aliases of {f['ids'][x]} "
                               "compared")
        # a rare full name: only these records carry it
        rare = bool(f["rare"][i] and f["name_key"][i] == f["name_key"][j])
        if rare:
            score += float(cfg["rare_name_weight"])
            reasons.append(f"rare full name (carried by {int(f['name_count'][i])} records of "
                           "the case)")
            ev.append("rare_name")
        # a common full name: agreeing on it says less (frequency-based matching [1]_)
        common = int(min(f["name_count"][i], f["name_count"][j]))
        if common >= int(cfg["common_name_min"]):
            score -= float(cfg["common_name_weight"])
            reasons.append(f"common name (carried by {common} records of the case)")
            ev.append("common_name")
        # birth dates
        lvl = birth_level(int(f["y"][i]), int(f["m"][i]), int(f["d"][i]),
                           int(f["y"][j]), int(f["m"][j]), int(f["d"][j]))
        ba, bb = f["birth"][i], f["birth"][j]
        blocked = False
        if lvl == BIRTH_DAY:
            score += float(cfg["birth_day_weight"])
            reasons.append(f"birth dates agree ({ba[:10]})")
            ev.append("birth_date")
            corroborated = True
        elif lvl == BIRTH_SWAP:
            score += float(cfg["birth_swap_weight"])
            reasons.append(f"birth dates agree with day and month swapped ({ba[:10]} / {bb[:10]})")
            ev.append("birth_date")
            corroborated = True
        elif lvl == BIRTH_MONTH:
            score += float(cfg["birth_month_weight"])
            reasons.append(f"birth dates agree to the month ({min(ba, bb, key=len)[:7]})")
            ev.append("birth_month")
            corroborated = corroborated or rare
        elif lvl == BIRTH_YEAR:
            score += float(cfg["birth_year_weight"])
            reasons.append(f"birth dates agree to the year ({ba[:4]})")
            ev.append("birth_year")
        elif lvl == BIRTH_CONFLICT:
            reasons.append(f"birth dates conflict ({ba} / {bb})")
            ev.append("birth_conflict")
            blocked = bool(cfg["birth_conflict_blocks"])
        # contacts
        deg = f["degree"]
        if deg[i] and deg[j]:
            ca, cb = self._contacts(i), self._contacts(j)
            common = len(ca & cb)
            if common >= int(cfg["min_shared_contacts"]):
                jac = common / len(ca | cb)
                score += float(cfg["contacts_weight"]) * jac
                reasons.append(f"{common} reported contacts in common ({common} of {len(ca | cb)})")
                ev.append("contacts")
                corroborated = True
        # nationality
        na, nb = f["nat"][i], f["nat"][j]
        if na and nb:
            if na & nb:
                score += float(cfg["nationality_weight"])
                reasons.append("same nationality (" + ", ".join(sorted(na & nb)) + ")")
            else:
                score -= float(cfg["nationality_conflict_weight"])
                reasons.append("no nationality in common (" + ", ".join(sorted(na)) + " / "
                               + ", ".join(sorted(nb)) + ")")
        sa, sb = f["sex"][i], f["sex"][j]
        if sa and sb and sa != sb:
            reasons.append(f"sex differs ({sa} / {sb})")
            ev.append("sex_conflict")
            blocked = True
        if (i, j) in f["linked"]:
            score -= float(cfg["linked_weight"])
            reasons.append("a source reports a link between the two records")
            ev.append("linked")
        score = round(score, 3)
        accept = (score >= float(cfg["threshold"]) and nscore >= float(cfg["min_name_similarity"])
                  and not blocked and (corroborated or not cfg["require_corroboration"]))
        return {"i": i, "j": j, "score": score, "name_score": nscore, "reason": "; ".join(reasons),
                "evidence": ";".join(ev), "accept": accept}


def _prefilter(pairs, feat, cfg):
    """Drop pairs whose evidence other than names cannot reach the threshold (vectorised)."""
    if not len(pairs):
        return pairs
    i = pairs["i"].to_numpy()
    j = pairs["j"].to_numpy()
    y, m, d = feat["y"], feat["m"], feat["d"]
    lvl = birth_levels(y[i], m[i], d[i], y[j], m[j], d[j])
    bw = np.select([lvl == BIRTH_DAY, lvl == BIRTH_SWAP, lvl == BIRTH_MONTH, lvl == BIRTH_YEAR],
                   [float(cfg["birth_day_weight"]), float(cfg["birth_swap_weight"]),
                    float(cfg["birth_month_weight"]), float(cfg["birth_year_weight"])], 0.0)
    ub = float(cfg["name_weight"]) + bw + float(cfg["nationality_weight"])
    ub = ub + np.where(pairs["doc"].to_numpy() > 0, float(cfg["document_weight"]), 0.0)
    ub = ub + np.where(pairs["phone"].to_numpy() > 0, float(cfg["phone_weight"]), 0.0)
    ub = ub + np.where(pairs["contacts"].to_numpy() > 0, float(cfg["contacts_weight"]), 0.0)
    rare = feat["rare"][i] & (feat["name_key"][i] == feat["name_key"][j])
    ub = ub + np.where(rare, float(cfg["rare_name_weight"]), 0.0)
    keep = ub >= float(cfg["threshold"]) - 1e-9
    if cfg["birth_conflict_blocks"]:
        keep &= lvl != BIRTH_CONFLICT
    return pairs[keep]


def _name_prefilter(pairs, feat, cfg):
    """Drop pairs whose names cannot reach ``min_name_similarity`` (an upper bound per pair).

    For each name of one record against each name of the other, the bound of
    :func:`~netanalysis.resolve.names.name_similarity` is the mean over the tokens of the
    shorter name of their best :func:`~netanalysis.resolve.names.token_similarity` against
    the longer name (the greedy one-to-one matching can only score less), less the cost of
    the tokens the longer name has beyond the shorter one (the fewest it can leave out),
    with the same caps (one-token names 0.7, initials only 0.6) where they surely apply.
    Such a pair could not be accepted, so dropping it changes no merge.
    """
    if not len(pairs):
        return pairs
    floor = float(cfg["min_name_similarity"])
    if floor <= 0:
        return pairs
    tokens = feat["tokens"]
    keep = np.zeros(len(pairs), dtype=bool)
    for k, (i, j) in enumerate(zip(pairs["i"].tolist(), pairs["j"].tolist())):
        keep[k] = _names_can_reach(tokens[i], tokens[j], floor)
    return pairs[keep]


def _names_can_reach(names_a, names_b, floor):
    """Whether some name pair of the two records may score `floor` or more (see above)."""
    for ta in names_a:
        for tb in names_b:
            if not ta or not tb:
                continue
            short, long_ = (tb, ta) if len(ta) > len(tb) else (ta, tb)
            ns, nl = len(short), len(long_)
            # the token sum this name pair needs (a margin below the floor; checked exactly
            # below): stop as soon as the tokens left, at 1 each, cannot make it up
            need = (floor - 0.001 + 0.04 * (nl - ns)) * ns
            total, solid, left = 0.0, False, ns
            in_long = set(long_)
            for x in short:
                left -= 1
                if x in in_long:
                    best = 1.0
                    solid = solid or len(x) > 1
                else:
                    best = 0.0
                    for y in long_:
                        s, kind = token_similarity(x, y)
                        if s > best:
                            best = s
                        if s > 0 and kind != "initial" and len(x) > 1:
                            solid = True
                total += best
                if total + left < need:
                    break
            else:
                left = -1
            if left >= 0:   # stopped early: this name pair cannot reach the floor
                continue
            total = total / ns - 0.04 * (nl - ns)
            if ns == 1:
                total = min(total, 0.7)
            if not solid:
                total = min(total, 0.6)
            if round(min(1.0, total) + 1e-9, 3) >= floor:
                return True
    return False
