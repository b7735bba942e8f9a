"""Identity documents and phones of synthetic persons (part of the generator)."""

from __future__ import annotations

import numpy as np

from netanalysis.synth import places as PL
from netanalysis.synth._util import (
    _FUG,
    _LT,
    _SECOND_SOURCE,
    _doc_numbers,
    _fmt_ids,
    _lookup,
    _phone_numbers,
    _width,
)

__all__ = []  # a part of netanalysis.synth.core._Builder


class _IdentifiersMixin:
    """Documents (passports, national ids, fraudulent ones) and phone numbers. Mixed into the generator."""

    # ------------------------------------------------------ documents/phones
    def _documents(self):
        rng, n = self.rng, self.n
        P = self.off[5]
        travels = rng.random(n) < 0.3
        travels[self.fug] = rng.random(self.F) < 0.85
        travels[np.concatenate([self.fam, self.asc, self.fac])] |= rng.random(
            len(self.fam) + len(self.asc) + len(self.fac)) < 0.4
        travels[P:] = False
        self.travels = travels
        has_pass = travels | (rng.random(n) < 0.3)
        has_pass[P:] = False
        has_nid = rng.random(n) < 0.6
        has_nid[P:] = False
        holders = [np.flatnonzero(has_pass), np.flatnonzero(has_nid)]
        kinds = [np.full(len(holders[0]), "passport", dtype=object),
                 np.full(len(holders[1]), "national_id", dtype=object)]
        status = [rng.choice(["valid", "lost", "stolen", "revoked"], len(holders[0]), p=[0.94, 0.025, 0.025, 0.01]),
                  rng.choice(["valid", "lost", "stolen"], len(holders[1]), p=[0.96, 0.02, 0.02])]
        # travellers travel on a valid passport
        status[0][travels[holders[0]]] = "valid"
        fp = travels[self.fug] & has_pass[self.fug]
        st_f = np.where(rng.random(self.F) < 0.4, "revoked", "valid")
        pos = np.searchsorted(holders[0], self.fug[fp])
        status[0][pos] = st_f[fp]
        country = [self.nat[holders[0]].copy(), self.nat[holders[1]].copy()]
        prov = [_lookup(country[0], lambda c: PL.AGENCIES.get(c, ["INTERPOL"])[-1]),
                _lookup(country[1], lambda c: PL.AGENCIES.get(c, ["INTERPOL"])[0])]
        name_on = [np.full(len(holders[0]), "", dtype=object), np.full(len(holders[1]), "", dtype=object)]
        # fraudulent documents supplied by document facilitators
        fh, fs, fc, fk, fn = [], [], [], [], []
        fraud_countries = np.array(["VE", "PE", "ES", "MX", "CO", "DO", "EC", "PT", "IT"])
        for blk in self.link_blocks:
            m = blk["t"] == _LT["documents"]
            for s, h in zip(blk["a"][m], blk["b"][m]):
                if self.cat[h] != _FUG:
                    continue
                c = str(fraud_countries[rng.integers(0, len(fraud_countries))])
                fh.append(h)
                fs.append(s)
                fc.append(c)
                fk.append("passport" if rng.random() < 0.75 else "national_id")
                g2 = self.given[self.fug[rng.integers(0, self.F)]]
                fn.append(f"{g2} {self.s1[self.bg[rng.integers(0, len(self.bg))]]}")
        nf = len(fh)
        holders.append(np.array(fh, np.int64))
        kinds.append(np.array(fk, dtype=object))
        status.append(np.full(nf, "fraudulent", dtype=object))
        country.append(np.array(fc, dtype=object))
        prov.append(np.array([PL.AGENCIES.get(self.nat[s], ["INTERPOL"])[0] for s in fs], dtype=object))
        name_on.append(np.array(fn, dtype=object))
        holder = np.concatenate(holders)
        kind = np.concatenate(kinds)
        stat = np.concatenate(status)
        cc = np.concatenate(country)
        cc = np.where(cc == "", "CO", cc)
        number = _doc_numbers(rng, kind, cc)
        # second source: some duplicates carry the same passport number
        own = np.full(n, -1, np.int64)
        pm = np.flatnonzero((kind == "passport") & (stat != "fraudulent"))
        own[holder[pm][::-1]] = pm[::-1]
        i = own[self.dup_orig]
        shared_pass = (i >= 0) & (rng.random(self.n_dup) < 0.35)
        self.dup_shared_pass = shared_pass
        i = i[shared_pass]
        nd = len(i)
        holder = np.concatenate([holder, self.dup[shared_pass]])
        kind = np.concatenate([kind, np.full(nd, "passport", dtype=object)])
        stat = np.concatenate([stat, stat[i]])
        cc = np.concatenate([cc, cc[i]])
        number = np.concatenate([number, number[i]])
        prov = np.concatenate(prov + [np.full(nd, _SECOND_SOURCE, dtype=object)])
        name_on = np.concatenate(name_on + [np.full(nd, "", dtype=object)])
        # ids in a random order so that categories are not grouped
        order = rng.permutation(len(holder))
        did = np.empty(len(holder), dtype=object)
        did[order] = _fmt_ids("D", np.arange(1, len(holder) + 1), _width(len(holder)))
        self.docs = dict(id=did, holder=holder, kind=kind, number=number, cc=cc, status=stat,
                         prov=prov, name_on=name_on, order=order)
        self.fraud_rows = [(did[len(holder) - nd - nf + i], self.pid[fh[i]], self.pid[fs[i]], fk[i], fc[i])
                           for i in range(nf)]
        # the document each person travels on
        travel_doc = np.full(n, -1, np.int64)
        pm = (kind == "passport") & (stat != "fraudulent") & (holder < P)
        travel_doc[holder[pm][::-1]] = np.flatnonzero(pm)[::-1]
        self.travel_doc = travel_doc
        fraud_doc = np.full(n, -1, np.int64)
        fm = (stat == "fraudulent") & (kind == "passport")
        fraud_doc[holder[fm]] = np.flatnonzero(fm)
        self.fraud_doc = fraud_doc

    def _phones(self):
        rng, n = self.rng, self.n
        P = self.off[5]
        k = rng.choice([0, 1, 2], n, p=[0.3, 0.6, 0.1])
        k[self.fug] = rng.integers(2, 4, self.F)
        k[self.fac] = rng.integers(1, 3, len(self.fac))
        k[P:] = 0
        user = np.repeat(np.arange(n), k)
        cc = self.nat[user]
        cc = _lookup(cc, lambda c: c if c in PL.MOBILE_PLANS else "CO")
        n_unknown = max(5, int(0.01 * n))
        ucc = self.comm_country[rng.integers(0, len(self.comm_country), n_unknown)]
        numbers = _phone_numbers(rng, np.concatenate([cc, ucc]))
        self.phone_user = user
        self.phone_number = numbers[:len(user)]
        self.unknown_numbers = numbers[len(user):]
        first = np.full(n, -1, np.int64)
        first[user[::-1]] = np.arange(len(user))[::-1]
        self.first_phone = first
        # duplicates sometimes share the original's number
        shared = (first[self.dup_orig] >= 0) & (rng.random(self.n_dup) < 0.25)
        self.dup_shared_phone = shared
        self.extra_phone_user = self.dup[shared]
        self.extra_phone_number = self.phone_number[first[self.dup_orig[shared]]]
