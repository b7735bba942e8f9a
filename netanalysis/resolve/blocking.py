"""Candidate pairs for entity resolution, from blocking keys that are themselves evidence.

Comparing all pairs of a million records is 5 x 10^11 comparisons; blocking compares only
records that share a key. Here every key is also a reason to merge, because resolution never
merges on name alone (:mod:`netanalysis.resolve.entities`):

- ``document``: the same document number (letters and digits only, upper case);
- ``phone``: the same phone number (digits and a leading ``+``);
- ``birth``: the same full birth date (or the same date with day and month swapped)
  together with one name token with the same :func:`~netanalysis.resolve.names.phonetic_key`;
  or, for a record whose birth date is known to the month only, the same month and the same
  rare full name (``rare_name_max`` records at most, three tokens at least);
- ``contacts``: reported links to the same party (a node's neighbours form a block), kept
  only for pairs with at least ``min_shared_contacts`` contacts in common and a name token in
  common.

A key shared by more than ``max_block`` records (a switchboard number, a hub's contacts, a very
common name on a common date) is skipped and counted: it would compare too many pairs to be
useful evidence.

Notes
-----
Keys are factorised to integers and pairs generated with one self-merge per key family, so
time and memory grow with the number of candidate pairs, ``sum(k^2)`` over blocks of size
``k <= max_block``, not with ``n^2``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from netanalysis.resolve.names import name_tokens, phonetic_key

__all__ = ["normalize_document", "phone_key", "block_pairs", "candidate_pairs", "blocking_keys"]

_NON_ALNUM = re.compile(r"[^A-Z0-9]")
_NON_DIGIT = re.compile(r"[^0-9]")


def normalize_document(number):
    """Return a document number upper-cased with letters and digits only.

    Parameters
    ----------
    number : str or None
        A document number as recorded; None and NaN give ``""``.

    Returns
    -------
    str

    See Also
    --------
    normalize_phone : the same for phone numbers.
    candidate_pairs : blocks on the normalised numbers.

    Examples
    --------
    >>> normalize_document(" co-1234.5678 ")
    'CO12345678'
    """
    if number is None or (isinstance(number, float) and number != number):
        return ""
    return _NON_ALNUM.sub("", str(number).upper())


def phone_key(number):
    """Return the matching key of a phone number: digits, with a leading ``+`` when it had one.

    Not an E.164 normalisation (no region is applied; that is
    :func:`netanalysis.ingest.validate.normalize_phone`): two records share a phone when
    their keys are equal.

    Parameters
    ----------
    number : object
        A phone number as written; missing gives ``""``.

    Returns
    -------
    str
        The key, ``""`` when there are no digits.

    See Also
    --------
    normalize_document : the matching key of a document number.

    Parameters
    ----------
    number : str or None
        A phone number as recorded; None and NaN give ``""``. A ``00`` prefix becomes ``+``.

    Returns
    -------
    str
        ``""`` when the text has no digit.

    See Also
    --------
    normalize_document : the same for document numbers.
    netanalysis.ingest.validate.normalize_phone : the E.164 form ingest gives phones.

    Examples
    --------
    >>> phone_key("+57 (300) 123-4567")
    '+573001234567'
    """
    if number is None or (isinstance(number, float) and number != number):
        return ""
    s = str(number).strip()
    digits = _NON_DIGIT.sub("", s)
    if not digits:
        return ""
    if s.startswith("+"):
        return "+" + digits
    if s.startswith("00"):
        return "+" + digits[2:]
    return digits


def block_pairs(index, keys, max_block):
    """Return the pairs of records that share a key, and how many blocks were too big.

    Parameters
    ----------
    index : array of int
        Record positions, one per key occurrence.
    keys : array
        The key of each occurrence (any hashable values; empty strings are ignored).
    max_block : int
        Blocks with more distinct records are skipped.

    Returns
    -------
    pairs : DataFrame
        ``i``, ``j`` (``i < j``) and ``n`` (how many keys the pair shares), sorted by ``i``
        then ``j``.
    skipped : int
        Number of blocks skipped for size.

    Notes
    -----
    Vectorised: the blocks of each size ``s`` give their ``s (s - 1) / 2`` pairs at once
    (one array per size), and the pairs are counted with one ``numpy.unique``; memory is
    the number of within-block pairs.

    See Also
    --------
    candidate_pairs : blocks each key family with this.

    Examples
    --------
    >>> p, skipped = block_pairs([0, 1, 2, 0, 1], ["a", "a", "a", "b", "b"], max_block=2)
    >>> p.values.tolist(), skipped
    ([[0, 1, 1]], 1)
    """
    idx = np.asarray(index, dtype=np.int64)
    k = np.asarray(keys, dtype=object)
    empty = pd.DataFrame({"i": pd.Series(dtype=np.int64), "j": pd.Series(dtype=np.int64),
                          "n": pd.Series(dtype=np.int64)})
    if not len(idx):
        return empty, 0
    codes, _ = pd.factorize(k)          # None and NaN give -1
    ok = (codes >= 0) & (k != "")
    idx, codes = idx[ok], codes[ok].astype(np.int64)
    if not len(idx):
        return empty, 0
    # one occurrence per (key, record), sorted by key then record
    width = int(idx.max()) + 1
    occ = np.unique(codes * width + idx)
    c, r = occ // width, occ % width
    sizes = np.bincount(c)
    skipped = int((sizes > max_block).sum())
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    keys_out = []
    for s_ in np.unique(sizes[(sizes >= 2) & (sizes <= max_block)]).tolist():
        blocks = np.flatnonzero(sizes == s_)
        members = r[starts[blocks][:, None] + np.arange(s_)]     # ascending in each block
        p, q = np.triu_indices(s_, 1)
        keys_out.append((members[:, p] * width + members[:, q]).ravel())
    if not keys_out:
        return empty, skipped
    pair, n = np.unique(np.concatenate(keys_out), return_counts=True)
    return pd.DataFrame({"i": pair // width, "j": pair % width, "n": n.astype(np.int64)}), skipped


def candidate_pairs(feat, *, max_block=50, max_contact_degree=50, min_shared_contacts=2):
    """Return candidate pairs of person records and the blocking evidence behind each.

    Parameters
    ----------
    feat : dict
        Record features from :func:`netanalysis.resolve.entities.person_features`: ``n``,
        ``names`` (list of name variants per record), ``birth`` (normalised birth dates),
        ``docs`` and ``phones`` (DataFrames with ``i`` and the normalised number),
        ``contacts`` (DataFrame ``i``, ``node``).
    max_block, max_contact_degree, min_shared_contacts : int
        See the module notes.

    Returns
    -------
    pairs : DataFrame
        ``i``, ``j``, ``doc``, ``phone``, ``birth`` (number of shared keys of each family),
        ``contacts`` (number of shared contacts).
    stats : dict
        Blocks skipped per family, and pairs per family.

    See Also
    --------
    block_pairs : the blocking of one key family.
    netanalysis.resolve.entities.person_features : makes `feat`.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.entities import person_features
    >>> case = case_from_records(
    ...     persons=[{"id": "P1", "name": "Ana Gómez", "birth_date": "1980-03-05"},
    ...              {"id": "P2", "name": "ANA GOMEZ", "birth_date": "1980-03-05"},
    ...              {"id": "P3", "name": "Luis Silva"}],
    ...     documents=[{"id": "D1", "holder_id": "P1", "number": "AB-123"},
    ...                {"id": "D2", "holder_id": "P2", "number": "ab123"}])
    >>> pairs, stats = candidate_pairs(person_features(case))
    >>> pairs[["i", "j", "doc", "phone"]].values.tolist(), stats["doc_pairs"]
    ([[0, 1, 1, 0]], 1)
    """
    stats = {}
    frames = []
    # documents and phones
    for fam, table, col in (("doc", feat["docs"], "key"), ("phone", feat["phones"], "key")):
        p, sk = block_pairs(table["i"].to_numpy(), table[col].to_numpy(), max_block)
        stats[f"{fam}_blocks_skipped"] = sk
        stats[f"{fam}_pairs"] = len(p)
        frames.append(p.rename(columns={"n": fam}))
    keys = blocking_keys(feat)
    bi, bk = keys["birth"]["i"].to_numpy(), keys["birth"]["key"].to_numpy()
    p, sk = block_pairs(bi, bk, max_block)
    stats["birth_blocks_skipped"] = sk
    stats["birth_pairs"] = len(p)
    frames.append(p.rename(columns={"n": "birth"}))
    # month blocks only pair records of which one knows the month but not the day, and only
    # when both carry the same rare full name (see entities: rare_name_weight)
    if len(keys["month"]):
        p, sk = block_pairs(keys["month"]["i"].to_numpy(), keys["month"]["key"].to_numpy(),
                            max_block)
        if len(p):
            i_, j_ = p["i"].to_numpy(), p["j"].to_numpy()
            nk = feat["name_key"]
            one_month = (feat["d"][i_] == 0) | (feat["d"][j_] == 0)
            p = p[one_month & (nk[i_] == nk[j_])]
        stats["month_blocks_skipped"] = sk
        stats["month_pairs"] = len(p)
        frames.append(p.rename(columns={"n": "birth"}))
    # shared contacts, filtered to pairs sharing a name token
    c = feat["contacts"]
    if len(c):
        p, sk = block_pairs(c["i"].to_numpy(), c["node"].to_numpy(), max_contact_degree)
        stats["contact_blocks_skipped"] = sk
        p = p[p["n"] >= min_shared_contacts]
        if len(p):
            toks = keys["token"].rename(columns={"key": "k"})
            a = p[["i", "j"]].merge(toks, on="i").merge(toks.rename(columns={"i": "j"}),
                                                        on=["j", "k"])
            ok = a[["i", "j"]].drop_duplicates()
            p = p.merge(ok, on=["i", "j"])
        stats["contact_pairs"] = len(p)
        frames.append(p.rename(columns={"n": "contacts"}))
    else:
        stats["contact_blocks_skipped"] = 0
        stats["contact_pairs"] = 0
    frames = [f for f in frames if len(f)]
    cols = ["doc", "phone", "birth", "contacts"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=np.int64) for c in ["i", "j"] + cols}), stats
    allp = pd.concat(frames, ignore_index=True)
    for col in cols:
        if col not in allp:
            allp[col] = 0
    allp[cols] = allp[cols].fillna(0).astype(np.int64)
    out = allp.groupby(["i", "j"], sort=True)[cols].max().reset_index()
    return out, stats


def blocking_keys(feat):
    """Return the name-based blocking keys of each record: the keys behind ``birth`` and
    month blocks, and the phonetic name tokens that contact blocks must share.

    Parameters
    ----------
    feat : dict
        Record features (:func:`netanalysis.resolve.features.person_features`).

    Returns
    -------
    dict of str to DataFrame
        ``birth`` (full birth date, or the date with day and month swapped, ``|`` a phonetic
        name token), ``month`` (birth month ``|`` token, records with a rare full name only)
        and ``token`` (the phonetic tokens), each with columns ``i`` and ``key``.

    See Also
    --------
    candidate_pairs : blocks on these keys and on documents, phones and contacts.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.resolve.features import person_features
    >>> case = case_from_records(persons=[{"id": "P1", "name": "Ana", "birth_date": "1980-03-05"}])
    >>> blocking_keys(person_features(case))["birth"]["key"].tolist()
    ['1980-03-05|an', '1980-05-03|an']
    """
    bi, bk = [], []
    mi, mk = [], []
    tok_i, tok_k = [], []
    tokens = feat.get("tokens")
    if tokens is None:   # features made without tokens
        tokens = [[name_tokens(nm) for nm in names] for names in feat["names"]]
    for i, (toks, bd) in enumerate(zip(tokens, feat["birth"])):
        keys = {phonetic_key(t) for tt in toks for t in tt if len(t) > 1}
        for k in keys:
            tok_i.append(i)
            tok_k.append(k)
        if isinstance(bd, str) and len(bd) >= 7:
            for k in keys:     # month blocks: for records whose date is known to the month only
                mi.append(i)
                mk.append(f"{bd[:7]}|{k}")
        if isinstance(bd, str) and len(bd) >= 10:
            days = [bd[:10]]
            if bd[5:7] != bd[8:10] and int(bd[8:10]) <= 12:
                days.append(f"{bd[:4]}-{bd[8:10]}-{bd[5:7]}")
            for day in days:
                for k in keys:
                    bi.append(i)
                    bk.append(f"{day}|{k}")
    mi_a = np.asarray(mi, dtype=np.int64)
    ok = feat["rare"][mi_a] if len(mi_a) else np.zeros(0, dtype=bool)

    def frame(i, k):
        return pd.DataFrame({"i": np.asarray(i, dtype=np.int64), "key": np.asarray(k, dtype=object)})

    return {"birth": frame(bi, bk), "month": frame(mi_a[ok], np.asarray(mk, dtype=object)[ok]),
            "token": frame(tok_i, tok_k)}
