"""Entity resolution: which person records describe the same person, and folding them into one.

Fugitives appear in several agencies' files under different spellings and aliases. This
module finds the records of one person (:func:`resolve_entities`) and folds them into one
node that keeps the provenance of every record (:func:`apply_merges`).

The stages live in their own modules, as splink splits them, and :func:`resolve_entities`
runs them in order: record features (:mod:`netanalysis.resolve.features`) -> candidate pairs
(:mod:`netanalysis.resolve.blocking`) -> scoring each pair with its reasons
(:mod:`netanalysis.resolve.compare`) -> grouping accepted pairs into persons, with the
analysts' forced merges and vetoes (:mod:`netanalysis.resolve.cluster`) -> folding records
(:mod:`netanalysis.resolve.merge`, applied by :func:`apply_merges`).

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
   union that would put two vetoed records in one cluster is refused, and so is one that
   would put two passports (or national ids) of one country with no number in common in
   one cluster, through a third record too (``document_conflict_blocks``; the pair goes to
   the review list, ``attrs["review"]``; a forced merge is never refused). Each cluster keeps the
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

import pandas as pd

from netanalysis.progress import Progress
from netanalysis.resolve.blocking import candidate_pairs
from netanalysis.resolve.cluster import MERGE_COLUMNS, cluster_pairs, decision_pairs
from netanalysis.resolve.compare import compare_pairs, pair_comparer
from netanalysis.resolve.features import MAX_COMPARED_NAMES, birth_agreement, person_features
from netanalysis.resolve.merge import apply_merges
from netanalysis.settings import section_settings

__all__ = [
    "MAX_COMPARED_NAMES",
    "MERGE_COLUMNS",
    "resolve_entities",
    "apply_merges",
    "person_features",
    "birth_agreement",
    "section_settings",
    "compare_pairs",
    "cluster_pairs",
]


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
        Under either model, the merges refused for conflicting documents are in
        ``attrs["review"]`` (under ``rules`` without a probability).

    Raises
    ------
    UnknownEntityError
        A decision names an id that is not a person of the case.
    InputError
        The decisions contradict each other through a third record: forced merges would put
        two records in one person that a veto keeps apart (``A=B``, ``B=C``, ``A!=C``). The
        message names the decisions line of the merge that cannot be applied and of the veto;
        nothing is dropped silently.

    See Also
    --------
    netanalysis.resolve.compare.compare_pairs : scores the candidate pairs.
    netanalysis.resolve.cluster.cluster_pairs : groups the accepted ones into persons.
    apply_merges : folds each person's records into one node.

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
        return _without_refused(cluster_pairs(case, {"ids": [], "n": 0}, pd.DataFrame()))
    feat = person_features(case, rare_name_max=int(cfg["rare_name_max"]))
    n = feat["n"]
    forced, vetoes = decision_pairs(feat, decisions)
    if n < 2 and not (len(forced) or len(vetoes)):
        return _without_refused(cluster_pairs(case, feat, pd.DataFrame()))
    pairs, stats = candidate_pairs(feat, max_block=int(cfg["max_block"]),
                                   max_contact_degree=int(cfg["max_contact_degree"]),
                                   min_shared_contacts=int(cfg["min_shared_contacts"]))
    progress.say(f"resolution: {n:,} person records, {len(pairs):,} candidate pairs "
                 f"({', '.join(f'{k} {v:,}' for k, v in stats.items())})")
    fs = None
    if cfg["model"] == "fellegi_sunter":   # probabilistic scoring: resolve/probabilistic.py
        from netanalysis.resolve.probabilistic import score_pairs
        # explained after clustering: only the merges written out (explain_merges below)
        fs = score_pairs(feat, pairs, cfg, explain=None, progress=progress)
        scored = fs["accepted"]
        progress.say(f"resolution: {len(scored):,} pairs accepted")
    else:
        scored = compare_pairs(feat, pairs, settings=cfg, progress=progress)   # the scorer
        progress.say(f"resolution: {int(scored['accept'].sum()):,} pairs accepted")
    if len(forced):  # the analysts' merges are scored too, for their reasons
        forced = compare_pairs(feat, forced, settings=cfg, prefilter=False)
    out = cluster_pairs(case, feat, scored, forced=forced, vetoes=vetoes,
                        document_conflicts=bool(cfg["document_conflict_blocks"]))
    refused = len(out.attrs.get("refused", []))
    if refused:
        progress.say(f"resolution: {refused:,} merges refused, they would put two passports "
                     "(national ids) of one country in one person (review.csv)")
    if fs is None and not refused:
        out.attrs.pop("refused", None)
        return out
    from netanalysis.resolve.probabilistic import attach_review, explain_merges
    if fs is not None:   # the review list and the model's parameters travel with the merges
        out = explain_merges(out, feat, pair_comparer(feat, cfg))
        return attach_review(out, feat, cfg, forced=forced, vetoes=vetoes, review=fs["review"],
                             model=fs["model"])
    return attach_review(out, feat, cfg, forced=forced, vetoes=vetoes)


def _without_refused(merges):
    """`merges` without the (empty) ``attrs["refused"]`` of clustering."""
    merges.attrs.pop("refused", None)
    return merges
