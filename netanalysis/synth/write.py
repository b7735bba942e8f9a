"""Writing a synthetic case and its ground truth (part of the generator)."""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pandas as pd

from netanalysis.errors import NetanalysisError
from netanalysis.synth import places as PL
from netanalysis.synth.dirty import corrupt_table
from netanalysis.synth._util import (
    _CHUNK,
    _DAY0,
    _DUP,
    _GRADINGS,
    _GRADING_W,
    _LINK_TYPES,
    _LT,
    _PNR_ALPHABET,
    _SECOND_SOURCE,
    _SSO,
    _SUPPORT,
    _WINDOW,
    _as_strs,
    _degrees,
    _lookup,
    _partial_dates,
    _quoted,
)

__all__ = []  # a part of netanalysis.synth.core._Builder


#: Files with at least this many rows are written by a forked child (Linux only).
FORK_MIN_ROWS = 200_000


def _write_lines(path, header, values, n):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(header + "\n")
        for i in range(0, n, _CHUNK):
            fh.write("\n".join(map(",".join, zip(*(v[i:i + _CHUNK] for v in values)))))
            fh.write("\n")


class _WriterMixin:
    """Writers of the seven case files and of ``truth/``. Mixed into the generator."""

    # -------------------------------------------------------------- writers
    def _write(self, kind, cols):
        """Write one file from a dict of equal-length columns (RFC 4180, minimal quoting).

        Lines are joined in Python rather than with the csv module: every value is already
        text, and only the columns that hold a comma, a quote or a line break are quoted, which
        writes the same bytes as ``csv.writer`` at more than twice its speed. On Linux, a large
        file is written by a forked child while this process goes on preparing the next one
        (one child at a time; :meth:`_join_writer` waits for it), so two cores share the work.
        """
        path = self.out / f"{kind}.csv"
        cols = {k: _as_strs(v) for k, v in cols.items()}
        if self.dirty > 0:
            cols, errs = corrupt_table(kind, cols, self.dirty, self.rng)
            self.errors.extend(errs)
        values = [_quoted(v) for v in cols.values()]
        n = len(values[0])
        self.rows[kind] = n
        header = ",".join(cols)
        self._join_writer()
        if n < FORK_MIN_ROWS or not hasattr(os, "fork") or not sys.platform.startswith("linux"):
            try:
                _write_lines(path, header, values, n)
            except OSError as exc:
                raise NetanalysisError(f"could not write {path}: {exc.strerror}") from None
            return
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: write the file, report failure through the pipe, never return
            code = 0
            try:
                os.close(rfd)
                _write_lines(path, header, values, n)
            except BaseException as exc:  # noqa: BLE001 (reported to the parent)
                text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                os.write(wfd, text.encode("utf-8", "replace")[:2000])
                code = 1
            finally:
                os._exit(code)
        os.close(wfd)
        self._writer = (pid, rfd, path)

    def _join_writer(self):
        """Wait for the forked writer, if any; raise if it failed."""
        w = getattr(self, "_writer", None)
        if w is None:
            return
        self._writer = None
        pid, rfd, path = w
        with os.fdopen(rfd, "rb") as fh:
            message = fh.read().decode("utf-8", "replace")
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise NetanalysisError(f"could not write {path}: {message or f'writer exited with status {status}'}")

    def _write_persons(self):
        order = np.argsort(self.sort_key, kind="stable")
        self.person_order = order
        bd = _partial_dates(self.birth, self.bprec)
        nat = np.where(self.nat2 != "", self.nat + "|" + self.nat2, self.nat)
        df = {
            "id": self.pid[order], "name": self.name[order], "aliases": self.aliases[order],
            "birth_date": bd[order], "nationality": nat[order], "role": self.role[order], "notice": self.notice[order],
            "wanted_by": self.wanted[order], "offences": self.offences[order],
            "sex": np.where(self.female, "F", "M")[order], "provenance": self.prov[order]}
        self._write("persons", df)

    def _write_organizations(self):
        df = {"id": self.org_id, "name": self.org_name, "kind": self.org_kind,
              "country": self.org_country}
        self._write("organizations", df)

    def _write_documents(self):
        d = self.docs
        order = d["order"]  # the row that got id number k + 1 is order[k]
        df = {"id": d["id"][order], "holder_id": self.pid[d["holder"][order]],
              "kind": d["kind"][order], "number": d["number"][order],
              "issuing_country": d["cc"][order], "status": d["status"][order],
              "provenance": d["prov"][order], "name_on_document": d["name_on"][order]}
        self._write("documents", df)

    def _all_links(self):
        rng = self.rng
        blocks = self.link_blocks
        a = np.concatenate([b["a"] for b in blocks])
        b = np.concatenate([b["b"] for b in blocks])
        t = np.concatenate([b["t"] for b in blocks])
        L = len(a)
        note = np.full(L, "", dtype=object)
        prov = np.full(L, None, dtype=object)
        i = 0
        for blk in blocks:
            k = len(blk["a"])
            if blk["note"] is not None:
                note[i:i + k] = blk["note"]
            if blk["prov"] is not None:
                prov[i:i + k] = blk["prov"]
            i += k
        # undirected duplicates and self-links out
        directed = np.isin(t, [_LT[s] for s in _SUPPORT])
        lo = np.where(directed, a, np.minimum(a, b))
        hi = np.where(directed, b, np.maximum(a, b))
        key = (lo * (self.n + len(self.org_id) + 1) + hi) * 16 + np.where(directed, t, 15)
        _, first = np.unique(key, return_index=True)
        keep = np.zeros(L, bool)
        keep[first] = True
        keep &= a != b
        # hidden companions must not be linked by any stated tie
        hidden = self.hidden_pairs
        if hidden:
            hk = np.array([min(x, y) * (self.n + 1) + max(x, y) for x, y in hidden])
            pk = np.minimum(a, b) * (self.n + 1) + np.maximum(a, b)
            keep &= ~np.isin(pk, hk)
        a, b, t, note, prov = a[keep], b[keep], t[keep], note[keep], prov[keep]
        # the second source repeats some ties of the persons it also knows
        da, db, dt = [], [], []
        want = dict(zip(self.dup_orig[self.dup_links].tolist(), self.dup[self.dup_links].tolist()))
        if want:
            ends = np.concatenate([a, b])
            other = np.concatenate([b, a])
            tt = np.concatenate([t, t])
            m = np.isin(ends, list(want))
            for e, o, ty in zip(ends[m][:len(want) * 3], other[m][:len(want) * 3], tt[m][:len(want) * 3]):
                if o < self.n and self.cat[o] in (_DUP, _SSO):
                    continue
                da.append(want[int(e)])
                db.append(int(o))
                dt.append(ty)
        k = len(da)
        a = np.concatenate([a, np.array(da, np.int64)])
        b = np.concatenate([b, np.array(db, np.int64)])
        t = np.concatenate([t, np.array(dt, np.int8)])
        note = np.concatenate([note, np.full(k, "", dtype=object)])
        prov = np.concatenate([prov, np.full(k, _SECOND_SOURCE, dtype=object)])
        self.stated_links = (a, b, t)
        # shuffle: row order reveals nothing
        perm = rng.permutation(len(a))
        return a[perm], b[perm], t[perm], note[perm], prov[perm]

    def _write_links(self):
        rng = self.rng
        a, b, t, note, prov = self._all_links()
        L = len(a)
        party_id = np.concatenate([self.pid, self.org_id])
        party_cc = np.concatenate([self.nat, self.org_country])
        party_cc = np.where(party_cc == "", "CO", party_cc)
        # provenance: an agency of the first party's country, or an international channel
        countries = sorted(PL.AGENCIES)
        cidx = {c: i for i, c in enumerate(countries)}
        table = np.empty((len(countries), 3), dtype=object)
        for c, i in cidx.items():
            lst = PL.AGENCIES[c]
            table[i] = [lst[j % len(lst)] for j in range(3)]
        ci = _lookup(party_cc, lambda c: cidx.get(c, cidx["*"])).astype(np.int64)[a]
        col = rng.choice(3, L, p=[0.7, 0.2, 0.1])
        pv = table[ci, col]
        intl = np.array(PL.AGENCIES["*"], dtype=object)
        g = rng.random(L) < 0.15
        pv[g] = intl[rng.integers(0, len(intl), g.sum())]
        fin = t == _LT["financial"]
        fiu = _lookup(party_cc, lambda c: PL.FIU.get(c, PL.FIU["*"]))
        pv[fin] = np.where(rng.random(fin.sum()) < 0.6, fiu[a[fin]], pv[fin])
        pv = np.where(np.equal(prov, None), pv, prov)
        gw = np.array(_GRADING_W, float)
        grading = np.array(_GRADINGS, dtype=object)[rng.choice(len(_GRADINGS), L, p=gw / gw.sum())]
        grading[pv == _SECOND_SOURCE] = np.array(["B2", "C3"], dtype=object)[rng.integers(0, 2, (pv == _SECOND_SOURCE).sum())]  # noqa: E501
        # dates
        start = np.datetime64("2008-01-01") + rng.integers(0, 6000, L).astype("timedelta64[D]")
        sprec = rng.choice(4, L, p=[0.55, 0.15, 0.15, 0.15]).astype(np.int8)
        has_end = (rng.random(L) < 0.25) & (sprec < 3)
        end = start + rng.integers(30, 2000, L).astype("timedelta64[D]")
        end = np.minimum(end, np.datetime64("2024-12-31"))
        start, end = self._tie_dates_fit_travel(a, b, t, start, end)
        eprec = np.where(has_end, sprec, 3).astype(np.int8)
        weight = np.ones(L, np.int64)
        comm = t == _LT["communication"]
        weight[comm] = np.minimum(rng.geometric(0.1, comm.sum()), 60)
        sup = np.isin(t, [_LT[s] for s in _SUPPORT])
        weight[sup] = rng.integers(1, 11, sup.sum())
        df = {
            "from_id": party_id[a], "to_id": party_id[b],
            "type": np.array(_LINK_TYPES, dtype=object)[t],
            "start": _partial_dates(start, sprec), "end": _partial_dates(end, eprec),
            "weight": weight, "grading": grading, "provenance": pv, "note": note}
        self._write("links", df)
        self._link_arrays = (a, b, t)

    def _tie_dates_fit_travel(self, a, b, t, start, end):
        """Dates of the ties that explain a fugitive's travel, consistent with its itinerary.

        A support tie to a fugitive, or a family, associate or co-offender tie of one, is why
        the fugitive goes where the other person lives: it starts at least 45 days before the
        fugitive's first leg (before any new residence a supporter set up for it too) and, when
        it has an end, ends after the fugitive's last leg. Other ties keep their dates.
        """
        lg = self.legs
        fug = np.zeros(len(self.pid) + len(self.org_id) + 1, bool)
        fug[self.fug] = True
        first = np.full(len(fug), _WINDOW, np.int64)
        last = np.full(len(fug), -1, np.int64)
        m = fug[lg["person"]]
        np.minimum.at(first, lg["person"][m], lg["day"][m])
        np.maximum.at(last, lg["person"][m], lg["day"][m])
        types = [_LT[x] for x in (*_SUPPORT, "family", "associate", "co_offender")]
        explains = np.isin(t, types)
        f = np.where(fug[b], b, a)  # the fugitive end (the receiver of support when both are)
        explains &= fug[f] & (last[f] >= 0)
        day0 = np.datetime64("2008-01-01")
        limit = _DAY0 + (first[f] - 45).astype("timedelta64[D]")
        late = explains & (start > limit)
        if late.any():
            span = (limit[late] - day0).astype(np.int64)
            start = start.copy()
            # a generator of its own, so that the draws of the files written after stay the same
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 20240305, 45]))
            start[late] = day0 + (rng.random(int(late.sum())) * span).astype(
                np.int64).astype("timedelta64[D]")
        after = _DAY0 + (last[f] + 30).astype("timedelta64[D]")
        early = explains & (end < after)
        end = np.where(early, np.minimum(after, np.datetime64("2024-12-31")), end)
        return start, end

    def _write_travel(self):
        lg = self.legs
        route, day = lg["route"], lg["day"]
        dep = (_DAY0 + day.astype("timedelta64[D]")).astype("datetime64[m]") + \
            self.r_dep[route].astype("timedelta64[m]")
        mode = self.r_mode[route]
        # no timetable at a land border: people cross when they arrive
        land = mode == "land"
        shift = self.rng.integers(-60, 60, len(dep)) * 5
        dep = np.where(land, dep + shift.astype("timedelta64[m]"), dep)
        arr = dep + self.r_dur[route].astype("timedelta64[m]")
        trip = lg["trip"]
        x = (trip.astype(np.int64) * 2654435761 + 12345 + self.seed * 7) % (32 ** 6)
        chars = [_PNR_ALPHABET[(x >> (5 * k)) & 31] for k in range(6)]
        pnr = chars[0].astype(object)
        for c in chars[1:]:
            pnr = pnr + c.astype(object)
        pnr = np.where(mode == "land", "", pnr)
        prov = np.where(mode == "air", "API/PNR", np.where(mode == "sea", "Ship manifest",
                                                             "Border control record"))
        doc = lg["doc"]
        order = np.lexsort((self.sort_key[lg["person"]], route, dep))
        df = {
            "person_id": self.pid[lg["person"]], "depart": np.datetime_as_string(dep, unit="m"),
            "origin": self.r_org[route], "destination": self.r_dst[route],
            "arrive": np.datetime_as_string(arr, unit="m"), "carrier": self.r_car[route],
            "flight": self.r_fl[route], "document_id": self.docs["id"][doc],
            "booking_ref": pnr, "mode": mode, "provenance": prov}
        df = {k: v[order] for k, v in df.items()}
        self._write("travel", df)

    def _write_locations(self):
        """Residences, safe houses and sightings.

        Residences (graded B2, from the residence register) of every traveller, fugitive,
        relative, associate and facilitator, at their home (``self.home``, where the
        fugitives' supporters live too); for some fugitives a safe house at a lodging
        supplier's home (C3, informant) and a sighting where a leg arrived (B2, police);
        with the itinerary setting ``p_follow``, the new residence (B2, residence register,
        dated 14 to 42 days before the leg) of each supporter whom a fugitive followed
        (``self.follow``); each residence of a supporter who moved ends the day the next one
        starts (the first one starting earlier than that), the latest has no end.
        """
        rng = self.rng
        it = self.itineraries
        lg = self.legs
        cols = ("person_id", "place", "kind", "start", "end", "grading", "provenance", "note")
        who = np.unique(np.concatenate([lg["person"], self.fug, self.fam, self.asc, self.fac]))
        who = who[np.argsort(self.sort_key[who], kind="stable")]
        n = len(who)
        start = np.datetime_as_string(
            _DAY0 - rng.integers(30, 2000, n).astype("timedelta64[D]"), unit="D")
        rows = {"person_id": self.pid[who], "place": self.home[who],
                "kind": np.full(n, "residence", dtype=object), "start": start,
                "end": np.full(n, "", dtype=object), "grading": np.full(n, "B2", dtype=object),
                "provenance": np.full(n, "Residence register", dtype=object),
                "note": np.full(n, "", dtype=object)}
        extra = {c: [] for c in cols}
        person, day, route = lg["person"], lg["day"], lg["route"]
        order = np.lexsort((day, person))
        ps = person[order]
        for f in self.fug[np.argsort(self.sort_key[self.fug], kind="stable")].tolist():
            idx = order[np.searchsorted(ps, f):np.searchsorted(ps, f, side="right")]
            lodging = [p for p, w in sorted(self.pull.get(f, {}).items(), key=lambda x: -x[1])
                       if w >= 3.0]
            if lodging and rng.random() < it["p_safe_house"]:
                d = int(day[idx[0]]) if len(idx) else 0
                _loc_row(extra, self.pid[f], lodging[0], "safe_house",
                         str(_DAY0 + np.timedelta64(max(d - 10, 0), "D")), "C3",
                         "Informant report", "flat rented by a supporter")
            if len(idx) > 1 and rng.random() < it["p_sighting"]:
                k = idx[int(rng.integers(0, len(idx) - 1))]
                _loc_row(extra, self.pid[f], self.r_dst[route[k]], "sighting",
                         str(_DAY0 + np.timedelta64(int(day[k]) + int(rng.integers(1, 4)), "D")),
                         "B2", "Police surveillance report", "")
        # supporters who moved ahead: each residence ends the day the next one starts
        moves = {}
        for q, _f, place, d, _leg in getattr(self, "follow", ()):
            moves.setdefault(int(q), []).append((int(d), place))
        row_of = {int(q): i for i, q in enumerate(who.tolist())} if moves else {}
        for q in sorted(moves, key=lambda x: self.sort_key[x]):
            seq = sorted(moves[q])
            i = row_of.get(q)
            first = _DAY0 + np.timedelta64(seq[0][0], "D")
            if i is not None:
                if np.datetime64(rows["start"][i]) >= first:
                    rows["start"][i] = str(first - np.timedelta64(30, "D"))
                rows["end"][i] = str(first)
            for j, (d, place) in enumerate(seq):
                _loc_row(extra, self.pid[q], place, "residence", str(_DAY0 + np.timedelta64(d, "D")),
                         "B2", "Residence register", "new address",
                         end=str(_DAY0 + np.timedelta64(seq[j + 1][0], "D")) if j + 1 < len(seq) else "")
        for c in cols:
            rows[c] = np.concatenate([rows[c], np.array(extra[c], dtype=object)])
        self._write("locations", rows)

    def _write_phones(self):
        user = np.concatenate([self.phone_user, self.extra_phone_user])
        num = np.concatenate([self.phone_number, self.extra_phone_number])
        order = np.argsort(self.sort_key[user], kind="stable")
        df = {"number": num[order], "person_id": self.pid[user[order]]}
        self._write("phones", df)

    def _write_calls(self):
        rng = self.rng
        a, b, t = self._link_arrays
        fp = self.first_phone
        pers = (a < self.n) & (b < self.n)
        aa, bb, tt = a[pers], b[pers], t[pers]
        both = (fp[aa] >= 0) & (fp[bb] >= 0)
        prob = np.select([tt == _LT["communication"], np.isin(tt, [_LT[s] for s in _SUPPORT]),
                          np.isin(tt, [_LT["family"], _LT["associate"], _LT["co_offender"]])],
                         [0.6, 0.9, 0.2], 0.0)
        sel = both & (rng.random(len(aa)) < prob)
        ca, cb = aa[sel], bb[sel]
        ncall = np.minimum(rng.geometric(0.25, len(ca)), 40)
        sup = np.isin(tt[sel], [_LT[s] for s in _SUPPORT])
        ncall[sup] += rng.integers(2, 12, sup.sum())
        x = np.repeat(ca, ncall)
        y = np.repeat(cb, ncall)
        # fugitives switch between their phones
        nph = np.bincount(self.phone_user, minlength=self.n)
        pick = (rng.random(len(x)) * nph[x]).astype(np.int64)
        xn = self.phone_number[fp[x] + pick]
        yn = self.phone_number[fp[y]]
        swap = rng.random(len(x)) < 0.5
        caller = np.where(swap, yn, xn)
        callee = np.where(swap, xn, yn)
        # numbers nobody is known to use: burners shared by fugitives and facilitators
        un = self.unknown_numbers
        k = max(len(self.fac), 10)
        who = np.concatenate([self.fug, self.fac])
        who = who[fp[who] >= 0]
        wa = who[rng.integers(0, len(who), 3 * k)]
        ub = un[rng.integers(0, min(len(un), max(3, self.C)), 3 * k)]
        # background noise
        nn = int(0.3 * self.n)
        r1 = rng.integers(0, len(self.phone_number), nn)
        r2 = rng.integers(0, len(self.phone_number), nn)
        ok = r1 != r2
        ru = un[rng.integers(0, len(un), max(5, nn // 20))]
        rb = self.phone_number[rng.integers(0, len(self.phone_number), len(ru))]
        caller = np.concatenate([caller, self.phone_number[fp[wa]], self.phone_number[r1[ok]], ru])
        callee = np.concatenate([callee, ub, self.phone_number[r2[ok]], rb])
        # hidden companions never call each other (their tie must be found from travel)
        if self.hidden_pairs:
            owner = {}
            for f, c in self.hidden_pairs:
                for x in (f, c):
                    if fp[x] >= 0:
                        for num in self.phone_number[fp[x]:fp[x] + nph[x]]:
                            owner[num] = x
            pairs = {(min(f, c), max(f, c)) for f, c in self.hidden_pairs}
            known = list(owner)  # hash lookups (np.isin on text compares every pair)
            cand = np.flatnonzero(pd.Series(caller).isin(known).to_numpy()
                                  & pd.Series(callee).isin(known).to_numpy())
            drop = [i for i in cand.tolist()
                    if (min(owner[caller[i]], owner[callee[i]]),
                        max(owner[caller[i]], owner[callee[i]])) in pairs]
            keep = np.ones(len(caller), bool)
            keep[drop] = False
            caller, callee = caller[keep], callee[keep]
        C = len(caller)
        start = (_DAY0.astype("datetime64[s]") + rng.integers(0, _WINDOW * 86400, C).astype("timedelta64[s]"))
        dur = np.minimum(rng.lognormal(np.log(90), 1.1, C).astype(np.int64) + 1, 7200)
        order = np.argsort(start, kind="stable")
        df = {"caller": caller[order], "callee": callee[order],
              "start": np.datetime_as_string(start[order], unit="s"), "duration_s": dur[order]}
        self._write("calls", df)

    # ---------------------------------------------------------------- truth
    def _write_truth(self):
        tdir = self.out / "truth"
        pid = self.pid
        dup = pd.DataFrame({
            "id_a": pid[self.dup_orig], "id_b": pid[self.dup], "kind": "planted_duplicate",
            "name_a": self.name[self.dup_orig], "name_b": self.name[self.dup],
            "variant": self.dup_kind, "birth_date": self.dup_birth,
            "shared_passport": self.dup_shared_pass, "shared_phone": self.dup_shared_phone})
        dup.to_csv(tdir / "duplicates.csv", index=False, lineterminator="\n")
        ia = np.array([r[0] for r in self.near_rows], np.int64)
        ib = np.array([r[1] for r in self.near_rows], np.int64)
        bd = _partial_dates(self.birth[np.concatenate([ia, ib])],
                            self.bprec[np.concatenate([ia, ib])])
        nm = pd.DataFrame({"id_a": pid[ia], "id_b": pid[ib],
                           "kind": [r[2] for r in self.near_rows], "name": self.name[ia],
                           "birth_a": bd[:len(ia)], "birth_b": bd[len(ia):]})
        nm.to_csv(tdir / "near_misses.csv", index=False, lineterminator="\n")
        co = pd.DataFrame(self.co_rows, columns=["id_a", "id_b", "kind", "shared_legs",
                                                 "shared_bookings", "stated_link"])
        co.to_csv(tdir / "co_travel.csv", index=False, lineterminator="\n")
        lc = sorted(getattr(self, "leg_chances", ()), key=lambda x: (self.sort_key[x[0]], x[1]))
        pd.DataFrame({
            "person_id": [pid[x[0]] for x in lc],
            "depart": [str(_DAY0 + np.timedelta64(int(x[1]), "D")) for x in lc],
            "origin": [x[2] for x in lc], "destination": [x[3] for x in lc],
            "chance": [round(float(x[4]), 6) for x in lc],
            "top3_chance": [round(float(x[5]), 6) for x in lc], "places": [x[6] for x in lc]},
            columns=["person_id", "depart", "origin", "destination", "chance", "top3_chance",
                     "places"]).to_csv(tdir / "itineraries.csv", index=False, lineterminator="\n")
        # facilitators
        broker_of = {}
        for f, oc in self.brokers:
            broker_of.setdefault(f, []).append(oc)
        a, b, t = self.stated_links
        deg = _degrees(a, b, self.n + len(self.org_id))
        rows = []
        for f in self.fac:
            f = int(f)
            d = sorted(self.direct[f], key=lambda x: self.sort_key[x])
            ind = sorted(self.indirect[f] - self.direct[f], key=lambda x: self.sort_key[x])
            served = d + ind
            rows.append((pid[f], self.role[f], int(self.cell_of_fac[f - self.fac[0]]),
                         "|".join(pid[x] for x in d), "|".join(pid[x] for x in ind), len(served),
                         len(served) >= 2, f in broker_of, "|".join(sorted(self.services[f])),
                         int(deg[f])))
        fac = pd.DataFrame(rows, columns=["id", "role", "cell", "fugitives_direct",
                                          "fugitives_indirect", "n_fugitives", "multi_fugitive",
                                          "broker", "services", "degree"])
        fac.to_csv(tdir / "facilitators.csv", index=False, lineterminator="\n")
        grows = []
        for c in range(self.C):
            for f in self.cell_facs[c]:
                grows.append((c, pid[f], "facilitator", "broker" if int(f) in broker_of else ""))
            for g in self.cell_fugs[c]:
                grows.append((c, pid[g], "fugitive", ""))
        for f, ocs in sorted(broker_of.items(), key=lambda kv: self.sort_key[kv[0]]):
            for oc in ocs:
                grows.append((oc, pid[f], "facilitator", "broker_from_cell_%d" % self.cell_of_fac[f - self.fac[0]]))
        pd.DataFrame(grows, columns=["cell", "id", "member", "note"]).to_csv(
            tdir / "groups.csv", index=False, lineterminator="\n")
        bgdeg = deg[self.bg]
        top = max(5, int(np.ceil(0.001 * self.P)))
        o = np.argsort(-bgdeg, kind="stable")[:top]
        pd.DataFrame({"id": pid[self.bg[o]], "degree": bgdeg[o], "supports_fugitive": False}).to_csv(
            tdir / "hubs.csv", index=False, lineterminator="\n")
        pd.DataFrame(self.fraud_rows, columns=["document_id", "holder_id", "supplier_id", "kind",
                                               "issuing_country"]).to_csv(
            tdir / "fraudulent_documents.csv", index=False, lineterminator="\n")
        pd.DataFrame(self.errors, columns=["file", "line", "column", "value", "problem"]).to_csv(
            tdir / "planted_errors.csv", index=False, lineterminator="\n")
        summary = {
            "seed": self.seed, "persons": self.n, "dirty": self.dirty,
            "rows": dict(self.rows),
            "fugitives": int(self.F), "facilitators": int(len(self.fac)), "cells": int(self.C),
            "multi_fugitive_facilitators": int(fac["multi_fugitive"].sum()),
            "brokers": int(fac["broker"].sum()), "criminal_groups": int(self.G),
            "companies": int(self.ncomp), "duplicates": int(len(dup)),
            "near_misses": int(len(nm)),
            "hidden_companions": int((co["kind"] == "hidden_companion").sum()),
            "planted_errors": len(self.errors),
        }
        (tdir / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n",
                                           encoding="utf-8")
        from netanalysis.synth.truth_doc import TRUTH_README
        (tdir / "README.md").write_text(TRUTH_README, encoding="utf-8")
        return dict(summary, out=str(self.out))


# ---------------------------------------------------------------- helpers


def _loc_row(rows, pid, place, kind, start, grading, provenance, note, end=""):
    for c, v in zip(("person_id", "place", "kind", "start", "end", "grading", "provenance", "note"),
                    (pid, place, kind, start, end, grading, provenance, note)):
        rows[c].append(v)
