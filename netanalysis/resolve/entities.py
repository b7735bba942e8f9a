"""Entity resolution: which person records describe the same person, and folding them into one.

Fugitives appear in several agencies' files under different spellings and aliases. This
module finds the records of one person (:func:`resolve_entities`) and folds them into one
node that keeps the provenance of every record (:func:`apply_merges`).

The stages live in their own modules: record features and birth date agreement in
:mod:`netanalysis.resolve.features`, candidate pairs in :mod:`netanalysis.resolve.blocking`,
folding records in :mod:`netanalysis.resolve.merge`; scoring pairs and clustering them are
here, with :func:`resolve_entities` running the stages in order.

Notes
-----
The rule, with the weights of ``schema/settings/resolve.yaml``:

1. Candidate pairs come from blocking keys that are themselves evidence
   (:mod:`netanalysis.resolve.blocking`): a shared document number, a shared phone number, the
   same full birth date plus a name token, or shared reported contacts. All pairs are never
   compared.
2. Each candidate pair is scored::

       score = name_weight x name similarity            (names.name_similarity, best over
                                                          names and aliases of both records)
             + birth date agreement                      (day > swapped day/month > month > year)
             + document_weight   if a document number is shared (same or unknown country)
             - document_conflict_weight  if both hold a passport (or national id) of the same
                                         country with different numbers
             + phone_weight      if a phone number is shared
             + contacts_weight x Jaccard(contacts)  with >= min_shared_contacts in common
             + rare_name_weight  if both carry the same full name (3+ tokens) and at most
                                 rare_name_max records of the case carry it
             - common_name_weight  if both names are carried by common_name_min records or more
             + nationality_weight / - nationality_conflict_weight
             - linked_weight     if a source reports a link between the two records

3. A pair merges when its score reaches ``threshold``, its names are compatible
   (``min_name_similarity``), it has corroborating evidence beyond the name (a shared
   document, phone, full birth date, contacts, or a birth month together with a rare full
   name), its birth dates do not conflict, its records do not state different sexes (an extra
   ``sex`` or ``gender`` column, when the case has one), and no analyst vetoed it. Exact names alone give ``name_weight`` (0.6), so a common full name is
   never enough; with a shared passport a compatible name is enough even without a birth
   date (0.6 x 0.8 + 0.8 >= 1).
4. Merged pairs form clusters (union-find, forced merges first, then by decreasing score); a
   union that would put two vetoed records in one cluster is refused. Each cluster keeps the
   record with the most information (filled fields, aliases, documents, phones), then the
   smallest id.

Decisions (:func:`netanalysis.resolve.decisions.load_decisions`) force or veto pairs.

References
----------
.. [1] Fellegi, I. P., Sunter, A. B. (1969). A theory for record linkage. *JASA* 64(328):
   1183-1210. doi:10.1080/01621459.1969.10501049
.. [2] Christen, P. (2012). *Data Matching*. Springer. doi:10.1007/978-3-642-31164-2
"""  # noqa: E501

from __future__ import annotations

import numpy as np
import pandas as pd

from netanalysis.errors import InputError, UnknownEntityError
from netanalysis.model.values import present
from netanalysis.progress import Progress
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.features import (BIRTH_CONFLICT, BIRTH_DAY, BIRTH_MONTH, BIRTH_SWAP,
                                          BIRTH_YEAR, MAX_COMPARED_NAMES, birth_agreement,
                                          birth_level, birth_levels, person_features)
from netanalysis.resolve.merge import apply_merges
from netanalysis.resolve.names import name_similarity
from netanalysis.settings import section_settings

__all__ = [
    "MAX_COMPARED_NAMES",
    "MERGE_COLUMNS",
    "resolve_entities",
    "apply_merges",
    "person_features",
    "birth_agreement",
    "section_settings",
]


#: Columns of the table :func:`resolve_entities` returns (the first four are the contract).
MERGE_COLUMNS = ["kept_id", "merged_id", "score", "reason", "via_id", "name_score", "evidence",
                 "decision"]


def resolve_entities(case, *, settings=None, decisions=None, progress=None):
    """Return the person records judged to be the same person, one row per merged record.

    Parameters
    ----------
    case : Case
        The case to resolve (not modified).
    settings : Settings or dict, optional
        Full settings or the ``resolve`` section (defaults: ``schema/settings/resolve.yaml``).
        With ``enabled: false`` nothing is merged (decisions included).
    decisions : DataFrame or str or Path, optional
        Analysts' decisions (:func:`netanalysis.resolve.decisions.load_decisions`): ``merge``
        forces a merge whatever the evidence, ``veto`` prevents one however strong.
    progress : Progress, optional

    Returns
    -------
    DataFrame
        :data:`MERGE_COLUMNS`: ``kept_id``, ``merged_id``, ``score``, ``reason`` (in words),
        ``via_id`` (the record the merged one matched directly; the kept one or another
        record of the cluster), ``name_score``, ``evidence`` (``;``-separated kinds) and
        ``decision`` (``auto`` or ``forced``). Sorted by ``kept_id``, ``merged_id``. With
        ``resolve.model: fellegi_sunter`` (:mod:`netanalysis.resolve.probabilistic`),
        ``attrs["review"]`` holds the review list (rows of ``REVIEW_COLUMNS``) and
        ``attrs["model"]`` the model's parameters; ``score`` is then the match probability.

    Raises
    ------
    UnknownEntityError
        A decision names an id that is not a person of the case.
    InputError
        The decisions contradict each other through a third record: forced merges would put
        two records in one person that a veto keeps apart (``A=B``, ``B=C``, ``A!=C``). The
        message names the decisions line of the merge that cannot be applied and of the veto;
        nothing is dropped silently.

    Notes
    -----
    See the module docstring for the rule. Time is linear in the records plus the candidate
    pairs; names are compared only for pairs whose other evidence can reach the threshold.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> c = Case(tables={
    ...     "persons": pd.DataFrame({"id": ["P1", "P2", "P3"],
    ...         "name": ["José Pérez Gómez", "JOSE PEREZ", "José Pérez Gómez"],
    ...         "birth_date": [None, None, "1975-01-02"], "_file": "persons.csv", "_line": [2, 3, 4]}),
    ...     "documents": pd.DataFrame({"id": ["D1", "D2"], "holder_id": ["P1", "P2"],
    ...         "kind": ["passport", "passport"], "number": ["AB123456", "AB123456"],
    ...         "issuing_country": ["CO", "CO"], "_file": "documents.csv", "_line": [2, 3]})})
    >>> m = resolve_entities(c)
    >>> m[["kept_id", "merged_id"]].values.tolist()
    [['P1', 'P2']]
    >>> m["reason"][0]
    'same passport AB123456 (CO); names match after removing accents, except a missing part; one record lacks gomez'
    """
    cfg = section_settings(settings, "resolve")
    progress = progress or Progress(quiet=True)
    if not cfg.enabled:
        progress.say("resolution: turned off (resolve.enabled is false)")
        return _empty_merges()
    feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
    n = feat["n"]
    dec = _decisions_frame(decisions)
    if n < 2 and not len(dec):
        return _empty_merges()
    pairs, stats = candidate_pairs(feat, max_block=int(cfg["max_block"]),
                                   max_contact_degree=int(cfg["max_contact_degree"]),
                                   min_shared_contacts=int(cfg["min_shared_contacts"]))
    progress.say(f"resolution: {n:,} person records, {len(pairs):,} candidate pairs "
                 f"({', '.join(f'{k} {v:,}' for k, v in stats.items())})")
    fs = None
    if cfg["model"] == "fellegi_sunter":   # probabilistic scoring: resolve/probabilistic.py
        from netanalysis.resolve.probabilistic import score_pairs
        fs = score_pairs(feat, pairs, cfg, explain=_Context(feat, cfg).compare, progress=progress)
        pairs = pairs.iloc[:0]             # nothing left for the rule's loop below
    pairs = _prefilter(pairs, feat, cfg)
    progress.say(f"resolution: {len(pairs):,} pairs compared in full")
    scored = []
    ctx = _Context(feat, cfg)
    ctx.prepare_contacts(set(pairs["i"].tolist()) | set(pairs["j"].tolist()))
    # the longest Python loop of resolution: a bar with counts, rate and time left
    with progress.bar("resolution: comparing pairs", total=len(pairs), unit="pairs") as bar:
        for k, (i, j) in enumerate(zip(pairs["i"].to_numpy(), pairs["j"].to_numpy()), 1):
            r = ctx.compare(int(i), int(j))
            if r["accept"]:
                scored.append(r)
            if k % 2000 == 0:
                bar.update(2000)
        bar.update(len(pairs) % 2000)
    scored = fs["accepted"] if fs is not None else scored
    progress.say(f"resolution: {len(scored):,} pairs accepted")
    pos = {pid: k for k, pid in enumerate(feat["ids"])}
    forced, vetoes, forced_at, veto_at = [], [], [], {}
    for rec in dec.to_dict("records"):
        for col in ("id_a", "id_b"):
            if rec[col] not in pos:
                raise UnknownEntityError(f"decision names {rec[col]!r}, which is not a person "
                                         "of this case", file=rec.get("_file"), line=rec.get("_line"))
        i, j = sorted((pos[rec["id_a"]], pos[rec["id_b"]]))
        if i == j:
            continue
        if rec["decision"] == "veto":
            vetoes.append((i, j))
            veto_at.setdefault((i, j), (rec.get("_file"), rec.get("_line")))
        else:
            r = ctx.compare(i, j)
            where = f"{rec.get('_file') or 'decisions'}:{rec.get('_line') or ''}".rstrip(":")
            note = f": {rec['note']}" if present(rec.get("note")) else ""
            r["reason"] = f"forced by analyst decision ({where}{note}); " + r["reason"]
            r["decision"] = "forced"
            forced.append(r)
            forced_at.append((rec.get("_file"), rec.get("_line")))
    _check_decisions(forced, forced_at, veto_at, feat["ids"])
    out = _clusters(feat, forced, scored, vetoes, case)
    if fs is not None:   # the review list and the model's parameters travel with the merges
        from netanalysis.resolve.probabilistic import review_table
        out.attrs["review"] = review_table(fs["review"], out, dec, max_rows=int(
            cfg["fs_max_review"])).to_dict("records")
        out.attrs["model"] = fs["model"]
    return out


# --------------------------------------------------------------------------------------------
class _Context:
    """Per-record lookups for pair comparison."""

    def __init__(self, feat, cfg):
        self.f = feat
        self.cfg = cfg
        self.docs = {}
        for r in feat["docs"].itertuples(index=False):
            if r.key:
                self.docs.setdefault(int(r.i), []).append((r.key, r.kind, r.country, r.number))
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
                "evidence": ";".join(ev), "accept": accept, "decision": "auto"}


def _check_decisions(forced, forced_at, veto_at, ids):
    """Raise InputError when forced merges join two vetoed records (through a third one).

    Forced merges are clustered before any scored pair, so only the decisions themselves can
    make a forced merge impossible; refusing it silently would leave the analyst believing
    two records were folded into one person.
    """
    if not forced or not veto_at:
        return
    parent = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x] = parent.get(parent[x], parent[x])
        return x

    members = {}
    for r, (file, line) in zip(forced, forced_at):
        ra, rb = find(r["i"]), find(r["j"])
        if ra == rb:
            continue
        ma, mb = members.get(ra, {ra}), members.get(rb, {rb})
        for x in ma:
            for y in mb:
                hit = veto_at.get((min(x, y), max(x, y)))
                if hit is not None:
                    vf, vl = hit
                    raise InputError(
                        f"decisions contradict each other: the merge of {ids[r['i']]} and "
                        f"{ids[r['j']]} would put {ids[x]} and {ids[y]} in one person (through "
                        f"the forced merges before it), which the veto at "
                        f"{vf or 'decisions'}:{vl} forbids; remove the merge or the veto",
                        file=file, line=line, column="decision")
        parent[rb] = ra
        members[ra] = ma | mb
        members.pop(rb, None)


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


def _clusters(feat, forced, scored, vetoes, case):
    ids = feat["ids"]
    parent = {}
    members = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    veto_of = {}
    for a, b in vetoes:
        veto_of.setdefault(a, set()).add(b)
        veto_of.setdefault(b, set()).add(a)
    vetoed_pairs = set(vetoes)
    tree = []
    order = forced + sorted(scored, key=lambda r: (-r["score"], ids[r["i"]], ids[r["j"]]))
    for r in order:
        a, b = r["i"], r["j"]
        if (min(a, b), max(a, b)) in vetoed_pairs:
            continue
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        ma, mb = members.get(ra, {ra}), members.get(rb, {rb})
        if any(veto_of.get(x, set()) & mb for x in ma if x in veto_of):
            continue
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        parent[rb] = ra
        members[ra] = ma | mb
        members.pop(rb, None)
        tree.append(r)
    if not tree:
        return _empty_merges()
    info = _information(case, feat, sorted(x for mem in members.values() for x in mem))
    rows = []
    by_node = {}
    for r in tree:
        by_node.setdefault(r["i"], []).append(r)
        by_node.setdefault(r["j"], []).append(r)
    for _root, mem in members.items():
        kept = min(mem, key=lambda x: (-info(x), ids[x]))
        for x in sorted(mem, key=lambda x: ids[x]):
            if x == kept:
                continue
            edges = by_node[x]
            direct = [e for e in edges if kept in (e["i"], e["j"])]
            e = direct[0] if direct else max(edges, key=lambda e: e["score"])
            via = e["j"] if e["i"] == x else e["i"]
            rows.append({"kept_id": ids[kept], "merged_id": ids[x], "score": e["score"],
                         "reason": e["reason"], "via_id": ids[via], "name_score": e["name_score"],
                         "evidence": e["evidence"], "decision": e["decision"]})
    out = pd.DataFrame(rows, columns=MERGE_COLUMNS)
    return out.sort_values(["kept_id", "merged_id"]).reset_index(drop=True)


def _information(case, feat, needed):
    """Return how much each record in `needed` tells: filled fields, list items, documents,
    phones (a precise birth date counts a little more than a year)."""
    persons = case.tables["persons"]
    cols = [c for c in persons.columns if not c.startswith("_") and c != "id"]
    ndocs = np.bincount(feat["docs"]["i"].to_numpy(np.int64), minlength=feat["n"]) \
        if len(feat["docs"]) else np.zeros(feat["n"], dtype=np.int64)
    nph = np.bincount(feat["phones"]["i"].to_numpy(np.int64), minlength=feat["n"]) \
        if len(feat["phones"]) else np.zeros(feat["n"], dtype=np.int64)
    sub = persons.iloc[needed][cols].to_dict("records")
    scores = {}
    for x, rec in zip(needed, sub):
        filled = 0.0
        for c, v in rec.items():
            if isinstance(v, (list, tuple, np.ndarray)):
                filled += len(v)
            elif present(v):
                filled += 1 + (len(str(v)) / 100 if c == "birth_date" else 0)
        scores[x] = filled + int(ndocs[x]) + int(nph[x])
    return scores.__getitem__


def _decisions_frame(decisions):
    if decisions is None:
        return pd.DataFrame(columns=["id_a", "id_b", "decision", "note", "_file", "_line"])
    if isinstance(decisions, pd.DataFrame):
        return decisions
    from netanalysis.resolve.decisions import load_decisions
    return load_decisions(decisions)


def _empty_merges():
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("score", "name_score") else object)
                         for c in MERGE_COLUMNS})


