"""Person records of Hispanic and Lusophone people, duplicated with known variants.

The entity-resolution fixture of ``benchmarks/resolve_fs.py``: each person is written once,
and some of them again by other sources, each duplicate with one kind of variant
(:data:`RECORD_VARIANTS`): accents stripped, second surname dropped, surnames swapped or
hyphenated, a typo in a name, day and month of the birth date swapped, or the birth date
missing. Names come from the banks of :mod:`netanalysis.synth.names` (Zipf-skewed, so common
names such as ``José García`` are shared by many different people: the near misses).

Every record carries its person's phone and passport number independently with probability
``phone_rate`` and ``document_rate`` (so a duplicate shares one with its original only some of
the time) and its nationality with probability 0.8; ``truth`` says which records are one
person and the variant of each duplicate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from unidecode import unidecode

from netanalysis.synth.names import full_name, make_names

__all__ = ["RECORD_VARIANTS", "person_records"]

#: Variants of the duplicate records, one per duplicate.
RECORD_VARIANTS = ("accents_stripped", "second_surname_dropped", "surnames_swapped",
                   "surnames_hyphenated", "typo", "day_month_swapped", "birth_date_missing")


def person_records(n, *, seed=0, duplicate_share=0.3, phone_rate=0.5, document_rate=0.5,
                   lusophone_share=0.25):
    """Return about `n` person records with planted duplicates and the truth.

    Parameters
    ----------
    n : int
        Records to make (originals and duplicates together).
    seed : int
        Seed of the generator.
    duplicate_share : float
        Share of the records that are duplicates of another.
    phone_rate, document_rate : float
        Chance that a record carries its person's phone number, passport number.
    lusophone_share : float
        Share of Brazilian and Portuguese persons (the rest are Hispanic).

    Returns
    -------
    dict
        ``persons`` (``id``, ``name``, ``birth_date``, ``nationality``), ``documents``,
        ``phones`` (case format v1 columns) and ``truth`` (``id``, ``person``, ``variant``:
        ``original`` or one of :data:`RECORD_VARIANTS`).

    See Also
    --------
    netanalysis.synth.names.make_names : the name banks.

    Examples
    --------
    >>> r = person_records(200, seed=1)
    >>> len(r["persons"]) == len(r["truth"]), sorted(set(r["truth"]["variant"]))[:2]
    (True, ['accents_stripped', 'birth_date_missing'])
    >>> int((r["truth"]["variant"] != "original").sum())
    60
    """
    rng = np.random.default_rng(seed)
    n = int(n)
    n_dup = int(round(n * float(duplicate_share)))
    n_orig = n - n_dup
    luso = rng.random(n_orig) < float(lusophone_share)
    female = rng.random(n_orig) < 0.45
    given = np.empty(n_orig, dtype=object)
    s1 = np.empty(n_orig, dtype=object)
    s2 = np.empty(n_orig, dtype=object)
    for culture, mask in (("hispanic", ~luso), ("portuguese", luso)):
        g, a, b = make_names(rng, culture, female[mask])
        given[mask], s1[mask], s2[mask] = g, a, b
    nat = np.where(luso, np.where(rng.random(n_orig) < 0.8, "BR", "PT"),
                   rng.choice(["CO", "MX", "VE", "PE", "EC", "ES"], n_orig))
    days = rng.integers(0, 365 * 50, n_orig)
    birth = (pd.Timestamp("1955-01-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    birth = np.asarray(birth, dtype=object)
    birth[rng.random(n_orig) < 0.03] = None
    phone = np.array([f"+57{3000000000 + x}" for x in rng.permutation(n_orig)], dtype=object)
    passport = np.array([f"PA{x:08d}" for x in rng.permutation(10 ** 7)[:n_orig]], dtype=object)
    # duplicates: which original, which variant
    src = rng.integers(0, n_orig, n_dup)
    kinds = np.asarray(RECORD_VARIANTS, dtype=object)[rng.integers(0, len(RECORD_VARIANTS), n_dup)]
    names = list(full_name(given, s1, s2))
    rec_person = list(range(n_orig))
    rec_variant = ["original"] * n_orig
    rec_name = list(names)
    rec_birth = list(birth)
    for p, kind in zip(src.tolist(), kinds.tolist()):
        g, a, b, bd = given[p], s1[p], s2[p], birth[p]
        if kind == "second_surname_dropped" and not b:
            kind = "accents_stripped"
        if kind in ("surnames_swapped", "surnames_hyphenated") and not b:
            kind = "typo"
        if kind == "day_month_swapped" and not (bd and bd[8:10] != bd[5:7] and int(bd[8:10]) <= 12):
            kind = "birth_date_missing" if bd else "typo"
        name = names[p]
        if kind == "accents_stripped":
            name = unidecode(name)
        elif kind == "second_surname_dropped":
            name = f"{g} {a}"
        elif kind == "surnames_swapped":
            name = f"{g} {b} {a}"
        elif kind == "surnames_hyphenated":
            name = f"{g} {a}-{b}"
        elif kind == "typo":
            name = _typo(name, rng)
        elif kind == "day_month_swapped":
            bd = f"{bd[:4]}-{bd[8:10]}-{bd[5:7]}"
        elif kind == "birth_date_missing":
            bd = None
        rec_person.append(p)
        rec_variant.append(kind)
        rec_name.append(name)
        rec_birth.append(bd)
    total = len(rec_person)
    order = rng.permutation(total)            # duplicates do not follow their originals
    width = len(str(total))
    ids = np.array([f"R{x:0{width}d}" for x in range(total)], dtype=object)
    person = np.asarray(rec_person)[order]
    rec_nat = np.where(rng.random(total) < 0.8, nat[person], None)
    persons = pd.DataFrame({"id": ids, "name": np.asarray(rec_name, dtype=object)[order],
                            "birth_date": np.asarray(rec_birth, dtype=object)[order],
                            "nationality": [[x] if x else [] for x in rec_nat]})
    has_ph = rng.random(total) < float(phone_rate)
    has_doc = rng.random(total) < float(document_rate)
    phones = pd.DataFrame({"person_id": ids[has_ph], "number": phone[person[has_ph]]})
    documents = pd.DataFrame({"id": [f"D{x}" for x in range(int(has_doc.sum()))],
                              "holder_id": ids[has_doc], "kind": "passport",
                              "number": passport[person[has_doc]],
                              "issuing_country": nat[person[has_doc]]})
    truth = pd.DataFrame({"id": ids, "person": person,
                          "variant": np.asarray(rec_variant, dtype=object)[order]})
    return {"persons": persons, "documents": documents, "phones": phones, "truth": truth}


def _typo(name, rng):
    """One substitution, deletion or transposition in the longest token of `name`."""
    toks = name.split(" ")
    k = max(range(len(toks)), key=lambda x: len(toks[x]))
    t = toks[k]
    if len(t) < 4:
        return name
    pos = int(rng.integers(1, len(t) - 1))
    op = int(rng.integers(0, 3))
    if op == 0:
        t = t[:pos] + "aeiourlnst"[int(rng.integers(0, 10))] + t[pos + 1:]
    elif op == 1:
        t = t[:pos] + t[pos + 1:]
    else:
        t = t[:pos - 1] + t[pos] + t[pos - 1] + t[pos + 1:]
    toks[k] = t
    return " ".join(toks)
