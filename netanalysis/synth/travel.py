"""Journeys of synthetic persons: flights, sea voyages and land crossings (part of the generator)."""

from __future__ import annotations

import numpy as np

from netanalysis.synth import places as PL
from netanalysis.synth._util import (
    _CAPACITY,
    _LT,
    _SUPPORT,
    _WINDOW,
    _rank_within,
)

# link-type codes of the support types, lodging first
_SUPPORT_CODES = tuple(_LT[t] for t in ("lodging", *[t for t in _SUPPORT if t != "lodging"]))

__all__ = []  # a part of netanalysis.synth.core._Builder


class _TravelMixin:
    """Routes, trips and the legs of each journey. Mixed into the generator."""

    # --------------------------------------------------------------- travel
    def _travel(self):
        """Trips of travellers: outbound on a scheduled journey, return some days later.

        Every route is flown daily; a journey is (route, day). Outbound legs of background
        travellers concentrate on scheduled busy departures (lognormal popularity, capped),
        returns fall on the day the stay ends, and no journey carries more than
        :data:`_CAPACITY` people in the data (trips beyond it are dropped). Fugitives travel on
        ordinary days, with their hidden companion and sometimes a relative on the same legs.
        """
        rng = self.rng
        self._routes()
        R = len(self.r_org)
        r_rev = np.arange(R) ^ 1
        r_pop = self.r_pop
        r_cc = self.r_cc
        travellers = np.flatnonzero(self.travels)
        travellers = travellers[~np.isin(travellers, self.fug)]  # fugitives follow _itinerary
        ntrip = 1 + np.minimum(rng.geometric(0.55, len(travellers)) - 1, 4)
        trip_person = np.repeat(travellers, ntrip)
        T = len(trip_person)
        # scheduled busy departures: (route, day) with a popularity
        M = max(40, T // 30)
        s_route = rng.choice(R, M, p=r_pop / r_pop.sum())
        s_day = rng.integers(0, _WINDOW - 40, M)
        w = rng.lognormal(0.0, 1.0, M)
        p = w / w.sum()
        cap = max(0.8 * _CAPACITY / max(T, 1), 1.0001 / M)
        for _ in range(6):
            p = np.minimum(p, cap)
            p = p / p.sum()
        out = rng.choice(M, T, p=p)
        home = np.where(rng.random(T) < 0.7, self.nat[trip_person], "")
        for c in np.unique(r_cc):
            m = np.flatnonzero(home == c)
            cand = np.flatnonzero(r_cc[s_route] == c)
            if len(m) and len(cand):
                pc = p[cand] / p[cand].sum()
                cap_c = max(0.5 * _CAPACITY / len(m), 1.0001 / len(cand))
                for _ in range(6):
                    pc = np.minimum(pc, cap_c)
                    pc = pc / pc.sum()
                out[m] = cand[rng.choice(len(cand), len(m), p=pc)]
        o_route, o_day = s_route[out], s_day[out]
        stay = np.clip(rng.lognormal(np.log(14), 1.0, T).astype(np.int64), 2, 365)
        back = rng.random(T) < 0.65  # the others go on elsewhere, or their return is not in the data
        b_day = o_day + stay
        back &= b_day < _WINDOW
        leg_person = [trip_person, trip_person[back]]
        leg_route = [o_route, r_rev[o_route[back]]]
        leg_day = [o_day, b_day[back]]
        leg_trip = [np.arange(T), np.arange(T)[back]]
        # sold out: no journey carries more than _CAPACITY of these travellers
        lp, lr, ld, lt = (np.concatenate(x) for x in (leg_person, leg_route, leg_day, leg_trip))
        jkey = lr * 10_000 + ld
        shuffle = rng.permutation(len(jkey))
        rank = np.empty(len(jkey), np.int64)
        rank[shuffle] = _rank_within(jkey[shuffle])[0]
        dropped = np.unique(lt[rank >= _CAPACITY])
        ok = ~np.isin(lt, dropped)
        leg_person, leg_route, leg_day, leg_trip = [lp[ok]], [lr[ok]], [ld[ok]], [lt[ok]]
        next_trip = T
        # fugitives: ordinary days; hidden companions and relatives share their legs
        fug_trav = self.fug[self.travels[self.fug]]
        co_rows = []
        self.hidden_pairs = []
        used_comp = set()
        bg_trav = self.bg[~np.isin(self.bg, self.near_excluded) & (self.travel_doc[self.bg] >= 0)]
        plan = self._itinerary_plan()
        c_span = {}  # companion -> (first, last day on the fugitive's legs)
        for f in fug_trav:
            routes, days = self._itinerary(int(f), plan)
            nt = len(routes)
            companion = -1
            if rng.random() < 0.6 or len(used_comp) < 3:
                while True:
                    c = int(bg_trav[rng.integers(0, len(bg_trav))])
                    if c not in used_comp:
                        break
                used_comp.add(c)
                companion = c
            relative = -1
            fam = self.fam[self.fam_of == f]
            fam = fam[self.travel_doc[fam] >= 0]
            if len(fam) and rng.random() < 0.3:
                relative = int(rng.choice(fam))
            # the companion starts out with the fugitive and boards only where it is: when it
            # stays behind, it waits there until the fugitive passes through again, so its
            # legs chain (each leaves from where its previous one arrived)
            c_at = self.r_org[routes[0]] if nt else None
            c_days = []
            for t_i in range(nt):
                r2 = np.array([routes[t_i]])
                d2 = np.array([days[t_i]])
                trip = next_trip
                next_trip += 1
                who = [(f, trip)]
                # (the same draws whether or not it is there: the fugitives' legs do not change)
                if companion >= 0 and (t_i < 2 or rng.random() < 0.6):
                    own = rng.random() >= 0.5
                    if self.r_org[routes[t_i]] == c_at:
                        if own:
                            who.append((companion, next_trip))   # own booking, same journeys
                            next_trip += 1
                        else:
                            who.append((companion, trip))        # on the fugitive's booking
                        c_at = self.r_dst[routes[t_i]]
                        c_days.append(int(days[t_i]))
                if relative >= 0 and t_i < 2:
                    who.append((relative, trip))
                for person, tr in who:
                    leg_person.append(np.array([person]))
                    leg_route.append(r2)
                    leg_day.append(d2)
                    leg_trip.append(np.array([tr]))
            if companion >= 0:
                if c_days:  # its own trips do not overlap the time it travels with the fugitive
                    c_span[companion] = (min(c_days), max(c_days))
                co_rows.append((int(f), companion, "hidden_companion", False))
                self.hidden_pairs.append((int(f), companion))
            if relative >= 0:
                self.travels[relative] = True
                co_rows.append((int(f), relative, "family_companion", True))
        lp, lr, ld, lt = (np.concatenate(x) for x in (leg_person, leg_route, leg_day, leg_trip))
        if c_span:  # a companion's own trips (trip ids below T) that overlap its shared travel
            cs = np.array(sorted(c_span), np.int64)
            lo_hi = np.array([c_span[c] for c in cs.tolist()], np.int64).reshape(-1, 2)
            j = np.searchsorted(cs, lp)
            j = np.minimum(j, len(cs) - 1)
            own = np.flatnonzero((cs[j] == lp) & (lt < T))
            t_lo = np.full(T, np.iinfo(np.int64).max)
            t_hi = np.full(T, -1)
            np.minimum.at(t_lo, lt[own], ld[own])
            np.maximum.at(t_hi, lt[own], ld[own])
            tr = lt[own]
            # a trip clashes when its days (out .. back) overlap the shared span, give or take 3
            bad = (t_lo[tr] <= lo_hi[j[own], 1] + 3) & (t_hi[tr] >= lo_hi[j[own], 0] - 3)
            keep = ~np.isin(lt, np.unique(tr[bad])) | (lt >= T)
            lp, lr, ld, lt = lp[keep], lr[keep], ld[keep], lt[keep]
        # one row per person and journey: the planted legs (added last) win
        key = lp.astype(np.int64) * (R * 10_000) + lr * 10_000 + ld
        _, last = np.unique(key[::-1], return_index=True)
        keep = np.sort(len(key) - 1 - last)
        lp, lr, ld, lt = lp[keep], lr[keep], ld[keep], lt[keep]
        lj = np.where(self.r_fl[lr] != "", lr * 10_000 + ld, -1 - np.arange(len(lr)))
        # what the companions really share, measured on the final rows
        order = np.argsort(lp, kind="stable")
        lps = lp[order]

        def legs_of(x):
            idx = order[np.searchsorted(lps, x):np.searchsorted(lps, x, side="right")]
            return set(lj[idx].tolist()), set(lt[idx].tolist())

        self.co_rows = []
        for a, b, kind, stated in co_rows:
            (ja, ta), (jb, tb) = legs_of(a), legs_of(b)
            self.co_rows.append((self.pid[a], self.pid[b], kind, len(ja & jb), len(ta & tb), stated))
        doc = self.travel_doc[lp]
        fraud = self.fraud_doc[lp]
        use_fraud = (fraud >= 0) & (rng.random(len(lp)) < 0.5)
        doc = np.where(use_fraud, fraud, doc)
        self.legs = dict(person=lp, route=lr, day=ld, trip=lt, doc=doc)
        self.n_trips = next_trip

    def _itinerary_plan(self):
        """Homes of everyone, and per fugitive the places its network pulls it to.

        Every person lives near an airport of their nationality (``self.home``). A fugitive's
        base is its home; its lodging suppliers live, with probability
        ``itineraries["support_pull"]``, at a place one flight from that base (other
        suppliers, family and associates keep their homes). Sets ``self.home`` and
        ``self.pull`` (fugitive -> {place: weight}) used by :meth:`_itinerary` and by the
        writer of ``locations.csv``.
        """
        rng = self.rng
        it = self.itineraries
        n_all = len(self.nat)
        home = np.empty(n_all, dtype=object)
        nat = np.where(self.nat == "", "CO", self.nat)
        for cc in np.unique(nat):
            m = np.flatnonzero(nat == cc)
            aps = PL.airports_of(cc) or ["BOG"]
            w = 1.0 / (1.0 + np.arange(len(aps)))
            home[m] = np.array(aps, dtype=object)[rng.choice(len(aps), len(m), p=w / w.sum())]
        self.from_place = {}
        for r in range(len(self.r_org)):
            self.from_place.setdefault(self.r_org[r], []).append(r)
        suppliers = {}
        fugset = set(int(x) for x in self.fug)
        for blk in self.link_blocks:
            for a, b, t in zip(blk["a"].tolist(), blk["b"].tolist(), blk["t"].tolist()):
                if b in fugset and t in _SUPPORT_CODES:
                    suppliers.setdefault(b, []).append((a, t))
        pull = {}
        moved = set()
        for f in self.fug.tolist():
            base = home[f]
            out = self.from_place.get(base, [])
            w = {}
            for a, t in suppliers.get(f, ()):
                if t == _SUPPORT_CODES[0] and out and a not in moved and rng.random() < it["support_pull"]:
                    pop = self.r_pop[out]
                    home[a] = self.r_dst[out[rng.choice(len(out), p=pop / pop.sum())]]
                    moved.add(a)
                weight = 3.0 if t == _SUPPORT_CODES[0] else 1.0
                w[home[a]] = w.get(home[a], 0.0) + weight
            for q in self.fam[self.fam_of == f].tolist():
                w[home[q]] = w.get(home[q], 0.0) + 1.0
            for q in self.asc[self.asc_of == f].tolist():
                w[home[q]] = w.get(home[q], 0.0) + 0.5
            w.pop(base, None)
            pull[f] = w
        self.home, self.pull = home, pull
        self.follow = []  # (supporter, fugitive, place, day of the new residence, day of the leg)
        self._moves_of = {}  # supporter -> days of its new residences
        # per fugitive leg: (fugitive, day, origin, destination, its chance, top-3 chance, places)
        self.leg_chances = []
        return {"suppliers": suppliers}

    def _itinerary(self, f, plan):
        """Chained legs of fugitive `f`: (route indices, days).

        Each move leaves from where the previous one arrived. From a place away from base the
        fugitive goes back to base with probability ``p_base``; otherwise, with probability
        ``p_new``, takes a popular route to anywhere, else goes where it was before or where
        its network pulls it (supporters' places three times a relative's), among the places
        one journey away. Stays last 3 to 40 days.

        The network moves first with ``p_follow``: a move drawn with ``p_new`` goes instead, with
        that probability, to a place one journey away that the fugitive never visited, where
        one of its supporters (a lodging supplier when it has one, else a transport, document
        or money supplier, drawn at random) set up a new residence 14 to 42 days before the
        leg (not its old home); the move is listed in ``self.follow`` and its residence is written to
        ``locations.csv``, the previous one ending that day. A supporter moves at most once in
        ten weeks, so it has one address at a time. With ``p_follow`` 0 no random number is
        drawn for it, so the legs are those of a generator without the setting.

        Each leg's chances under this rule (:meth:`_chances`) go to ``self.leg_chances``
        (written to ``truth/itineraries.csv``).
        """
        rng = self.rng
        it = self.itineraries
        lo, hi = it["moves"]
        p_follow = float(it.get("p_follow", 0.0))
        sup = plan["suppliers"].get(f, ()) if p_follow > 0 else ()
        followed = ([a for a, t in sup if t == _SUPPORT_CODES[0]]
                    or [a for a, t in sup if t != _SUPPORT_CODES[0]])
        base = self.home[f]
        cur = base
        day = int(rng.integers(0, 240))
        visits = {base: 1.0}
        routes, days = [], []
        for _ in range(int(rng.integers(lo, hi + 1))):
            out = self.from_place.get(cur)
            if not out:
                break
            dst = [self.r_dst[r] for r in out]
            parts = self._chances(f, out, dst, cur, base, visits, followed, day, p_follow)
            ahead = -1  # the supporter who moved ahead, on a follow move
            if cur != base and base in dst and rng.random() < it["p_base"]:
                r = out[dst.index(base)]
            else:
                pull = self.pull.get(f, {})
                w = np.array([pull.get(d, 0.0) + visits.get(d, 0.0) for d in dst])
                if rng.random() < it["p_new"] or w.sum() == 0:
                    w = self.r_pop[out]
                    # a supporter moves at most once in ten weeks (one address at a time)
                    free = [a for a in followed
                            if all(abs(x - day) > 70 for x in self._moves_of.get(a, ()))]
                    if free and rng.random() < p_follow:
                        q = int(free[rng.integers(0, len(free))])
                        new = [j for j, d in enumerate(dst) if d not in visits and d != self.home[q]]
                        if new:
                            w = np.zeros(len(out))
                            w[new] = self.r_pop[out][new]
                            ahead = q
                r = out[rng.choice(len(out), p=w / w.sum())]
            day += int(rng.integers(3, 41))
            if day >= _WINDOW:
                break
            if ahead >= 0:
                d_new = day - int(rng.integers(14, 43))
                self.follow.append((ahead, f, self.r_dst[r], d_new, day))
                self._moves_of.setdefault(ahead, []).append(d_new)
            routes.append(r)
            days.append(day)
            # what the data show: a follow move leaves the supporter's new residence there
            # weeks before; without one, the follow share is out and the rest renormalised
            if ahead >= 0 or not sum(parts[1].values()):
                chance = {self.r_dst[r]: 1.0}
            else:
                tot = sum(parts[1].values())
                chance = {d: x / tot for d, x in parts[1].items()}
            top = sorted(chance.values(), reverse=True)
            self.leg_chances.append((f, day, cur, self.r_dst[r], chance.get(self.r_dst[r], 0.0),
                                     sum(top[:3]), sum(1 for x in top if x > 0)))
            cur = self.r_dst[r]
            visits[cur] = visits.get(cur, 0.0) + 1.0
        if not routes:  # at least one flight: it leaves traces
            out = [r for r in self.from_place.get(base, []) if self.r_mode[r] == "air"]
            routes, days = [out[0] if out else 0], [int(rng.integers(0, _WINDOW - 40))]
        return np.array(routes, np.int64), np.array(days, np.int64)

    def _chances(self, f, out, dst, cur, base, visits, followed, day, p_follow):
        """The chance of each place as the next destination under the rule of :meth:`_itinerary`.

        The exact mixture the draws of :meth:`_itinerary` make (no random number is drawn
        here): back to base with ``p_base`` when away and a route leads there; else, with
        ``p_new`` (1 when neither history nor network weighs any place one journey away), a
        popular route, of which the ``p_follow`` share goes to the places not visited yet
        near a supporter who may move (each such supporter equally likely; a supporter with
        no such place leaves its share to the popular routes); else the places by history and
        network pull. Returns ``(follow, rest)``: ``{place: chance}`` of the follow moves (a
        supporter's new residence shows them in the data) and of the other moves.
        """
        it = self.itineraries
        pop = self.r_pop[out]
        follow, rest = {}, {}

        def spread(mass, idx, weight, into=rest):
            tot = float(sum(weight[j] for j in idx))
            if mass <= 0 or tot <= 0:
                return
            for j in idx:
                into[dst[j]] = into.get(dst[j], 0.0) + mass * float(weight[j]) / tot

        pb = float(it["p_base"]) if (cur != base and base in dst) else 0.0
        if pb:
            rest[base] = pb
        pull = self.pull.get(f, {})
        w = np.array([pull.get(d, 0.0) + visits.get(d, 0.0) for d in dst])
        pn = float(it["p_new"]) if w.sum() > 0 else 1.0
        allj = range(len(dst))
        free = [a for a in followed if all(abs(x - day) > 70 for x in self._moves_of.get(a, ()))]
        pf = p_follow if free else 0.0
        for q in free:
            new = [j for j, d in enumerate(dst) if d not in visits and d != self.home[q]]
            if new:
                spread((1 - pb) * pn * pf / len(free), new, pop, into=follow)
            else:
                spread((1 - pb) * pn * pf / len(free), allj, pop)
        spread((1 - pb) * pn * (1 - pf), allj, pop)
        spread((1 - pb) * (1 - pn), allj, w)
        return follow, rest

    def _routes(self):
        """Directed routes (each route and its reverse at consecutive indices)."""
        rng = self.rng
        r_org, r_dst, r_car, r_fl, r_mode, r_pop, r_dur = [], [], [], [], [], [], []
        used = {}
        for car, o, d, pop in PL.ROUTES:
            base = used.setdefault(car, list(rng.choice(np.arange(6, 990, 2), 60, replace=False)))
            num = int(base.pop())
            dur = PL.flight_minutes(o, d)
            for (x, y, fn) in ((o, d, num), (d, o, num + 1)):
                r_org.append(x)
                r_dst.append(y)
                r_car.append(car)
                r_fl.append(f"{car}{fn}")
                r_mode.append("air")
                r_pop.append(pop)
                r_dur.append(dur)
        for j, (mode, car, o, d, pfx, pop) in enumerate(PL.SURFACE_ROUTES):
            dur = {"land": int(rng.integers(3, 25)) * 10, "sea": int(rng.integers(6, 90)) * 10}[mode]
            for (x, y, fn) in ((o, d, 100 + 2 * j), (d, o, 101 + 2 * j)):
                r_org.append(x)
                r_dst.append(y)
                r_car.append(car)
                r_fl.append(f"{pfx}{fn}" if pfx else "")
                r_mode.append(mode)
                r_pop.append(pop)
                r_dur.append(dur)
        R = len(r_org)
        self.r_org, self.r_dst = np.array(r_org, dtype=object), np.array(r_dst, dtype=object)
        self.r_car, self.r_fl = np.array(r_car, dtype=object), np.array(r_fl, dtype=object)
        self.r_mode = np.array(r_mode, dtype=object)
        self.r_dur = np.array(r_dur, np.int64)
        self.r_dep = rng.integers(6 * 12, 23 * 12, R) * 5
        self.r_pop = np.array(r_pop, float)
        self.r_cc = np.array([PL.AIRPORTS[o][0] if o in PL.AIRPORTS else o[-2:] for o in r_org],
                             dtype=object)
