"""Generate a realistic synthetic case (case format v1) with planted ground truth.

:func:`synth_case` writes a complete, fictional case at any size from 100 to 1,000,000
persons: fugitives with notices and offences, their families, associates and criminal
groups, logistics cells of facilitators who supply documents, transport, lodging and money
(some serving several fugitives, a few brokers bridging cells, some support passing through
an intermediary), a large background population with realistic social ties and popular
hubs, flights and border crossings with hidden travel companions, identity documents (some
fraudulent), phones and calls, and a second source that repeats some people under name
variants. What was planted is written to ``OUT/truth/`` so that entity resolution, link
inference and the rankings can be measured against it.

Everything is vectorised with numpy and written in chunks, so a case of 1M persons takes
about a minute and a few GB of memory; the same seed writes byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from netanalysis.errors import NetanalysisError
from netanalysis.progress import Progress
from netanalysis.synth import names as N
from netanalysis.synth import places as PL
from netanalysis.synth.dirty import corrupt_table

__all__ = ["synth_case", "MIN_PERSONS", "MAX_PERSONS", "TRUTH_FILES"]

MIN_PERSONS = 100
MAX_PERSONS = 1_000_000
#: Files written under ``OUT/truth/``.
TRUTH_FILES = ("duplicates.csv", "near_misses.csv", "co_travel.csv", "facilitators.csv",
               "groups.csv", "hubs.csv", "fraudulent_documents.csv", "planted_errors.csv",
               "summary.json", "README.md")

# internal person categories
_FUG, _FAM, _ASC, _FAC, _BG, _DUP, _SSO = range(7)
_LINK_TYPES = ("family", "associate", "co_offender", "member_of", "communication", "financial",
               "documents", "transport", "lodging", "employment", "unknown")
_LT = {t: i for i, t in enumerate(_LINK_TYPES)}
_SUPPORT = ("documents", "transport", "lodging", "financial")
_OFFENCES = ("drug_trafficking", "money_laundering", "homicide", "kidnapping", "extortion",
             "arms_trafficking", "fraud", "human_trafficking", "migrant_smuggling",
             "criminal_association")
_OFFENCE_W = (30, 18, 10, 6, 8, 6, 6, 4, 5, 7)
_GRADINGS = ("A1", "A2", "B1", "B2", "B3", "C2", "C3", "C4", "D3", "D4", "E5", "F6", "")
_GRADING_W = (3, 5, 5, 25, 10, 8, 15, 4, 3, 2, 1, 9, 10)
_SECOND_SOURCE = "Guardia Civil"
_DAY0 = np.datetime64("2022-01-01")
_WINDOW = 1096  # days of travel and calls: 2022-01-01 .. 2024-12-31
_PNR_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"))
_CHUNK = 200_000
#: Most people one journey (flight or voyage on one day) carries in the data.
_CAPACITY = 300


def synth_case(out, *, persons=1000, seed=0, dirty=0.0, progress=None):
    """Write a synthetic case of `persons` person records into the folder `out`.

    Parameters
    ----------
    out : str or Path
        Output folder (created; existing case files in it are overwritten).
    persons : int
        Number of rows of ``persons.csv``, from 100 to 1,000,000. About 3.5 % of them are the
        second source's records (ids ``ES-...``): repeats of primary persons under name
        variants and a few people only that source knows.
    seed : int
        Seed of the random generator; the same seed writes byte-identical files.
    dirty : float
        Fraction of rows of each file to corrupt on purpose (missing required values, bad
        enumerations, bad dates, unknown references, self-links, duplicate ids), for ingest
        tests and benchmarks. Every corrupted row is listed in ``truth/planted_errors.csv``.
        0 (the default) writes a clean case that loads with no rejects.
    progress : netanalysis.progress.Progress, optional
        Where to report steps (default: silent).

    Returns
    -------
    dict
        Counts: rows per file, fugitives, facilitators, cells, planted duplicates, near misses,
        hidden companions, planted errors, and the output folder.

    Raises
    ------
    NetanalysisError
        If `persons` or `dirty` is out of range.

    Notes
    -----
    Sizes scale with `persons` (P primary persons): about 1.5 % fugitives (at least 4), each
    with 2-4 family members and 2-5 associates; one logistics cell of 3-6 facilitators per
    four fugitives (at least 2 cells); the rest is background population in communities of
    about 250 people, living in households (family ties) with social ties that are mostly
    local and partly drawn by a heavy-tailed popularity, so a few background people have many
    ties. About 30 % of the background travels. See ``truth/README.md`` of a generated case
    for what each truth file holds.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     s = synth_case(d, persons=200, seed=1)
    ...     s["rows"]["persons"]
    200
    """
    if not isinstance(persons, (int, np.integer)) or not MIN_PERSONS <= persons <= MAX_PERSONS:
        raise NetanalysisError(
            f"persons must be a whole number from {MIN_PERSONS:,} to {MAX_PERSONS:,}, got {persons!r}")
    if not 0.0 <= float(dirty) <= 0.5:
        raise NetanalysisError(f"dirty must be a fraction from 0 to 0.5, got {dirty!r}")
    progress = progress or Progress(quiet=True)
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    g = _Builder(int(persons), int(seed), float(dirty), out, progress)
    return g.run()


class _Builder:
    def __init__(self, n, seed, dirty, out, progress):
        self.n, self.seed, self.dirty, self.out, self.p = n, seed, dirty, out, progress
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 20240305]))
        self.rows = {}
        self.errors = []
        self.link_blocks = []

    # ------------------------------------------------------------------ run
    def run(self):
        with self.p.step(f"synth: planning {self.n:,} persons"):
            self._plan()
            self._names_and_attributes()
        with self.p.step("synth: organizations, network and background ties"):
            self._organizations()
            self._fugitive_network()
            self._logistics_cells()
            self._background_ties()
        with self.p.step("synth: second source, duplicates and near misses"):
            self._near_misses()
            self._second_source()
        with self.p.step("synth: documents and phones"):
            self._documents()
            self._phones()
        with self.p.step("synth: travel"):
            self._travel()
        with self.p.step("synth: writing persons, organizations, documents, links"):
            self._write_persons()
            self._write_organizations()
            self._write_documents()
            self._write_links()
        with self.p.step("synth: writing travel"):
            self._write_travel()
        with self.p.step("synth: writing phones and calls"):
            self._write_phones()
            self._write_calls()
        with self.p.step("synth: writing truth"):
            summary = self._write_truth()
        return summary

    # ------------------------------------------------------------------ plan
    def _plan(self):
        rng, n = self.rng, self.n
        n_dup = max(3, int(round(0.03 * n)))
        n_sso = max(2, int(round(0.005 * n)))
        P = n - n_dup - n_sso
        F = max(4, int(round(0.015 * P)))
        fam_per = rng.integers(2, 5, F)
        asc_per = rng.integers(2, 6, F)
        C = max(2, int(round(F / 4)))
        fac_per = rng.integers(3, 7, C)
        nfam, nasc, nfac = int(fam_per.sum()), int(asc_per.sum()), int(fac_per.sum())
        nbg = P - F - nfam - nasc - nfac
        if nbg < 0.4 * P:
            raise NetanalysisError("internal: too few background persons")  # cannot happen
        self.F, self.C, self.P, self.n_dup, self.n_sso = F, C, P, n_dup, n_sso
        sizes = [F, nfam, nasc, nfac, nbg, n_dup, n_sso]
        self.cat = np.repeat(np.arange(7, dtype=np.int8), sizes)
        off = np.concatenate([[0], np.cumsum(sizes)])
        self.off = off
        self.fug = np.arange(off[0], off[1])
        self.fam = np.arange(off[1], off[2])
        self.asc = np.arange(off[2], off[3])
        self.fac = np.arange(off[3], off[4])
        self.bg = np.arange(off[4], off[5])
        self.dup = np.arange(off[5], off[6])
        self.sso = np.arange(off[6], off[7])
        self.fam_of = np.repeat(self.fug, fam_per)        # fugitive of each family member
        self.asc_of = np.repeat(self.fug, asc_per)        # fugitive of each associate
        self.cell_of_fac = np.repeat(np.arange(C), fac_per)
        # ids: primary P0000001.. shuffled so that categories are interleaved
        prim_num = rng.permutation(P) + 1
        ss_num = rng.choice(np.arange(100_000, 100_000 + 4 * (n_dup + n_sso)), n_dup + n_sso,
                            replace=False)
        self.pid = np.concatenate([
            _fmt_ids("P", prim_num, _width(P)), _fmt_ids("ES-", ss_num, 6)]).astype(object)
        self.sort_key = np.concatenate([prim_num, ss_num + 10_000_000])

    # --------------------------------------------------------- names & attrs
    def _names_and_attributes(self):
        rng, n, P = self.rng, self.n, self.P
        countries = np.array(list(PL.COUNTRY_WEIGHTS))
        cw = np.array(list(PL.COUNTRY_WEIGHTS.values()), float)
        # communities of ~250 people, each in one country
        K = max(2, P // 250)
        self.comm_country = countries[rng.choice(len(countries), K, p=cw / cw.sum())]
        self.comm_country[0] = "CO"
        nat = np.empty(n, dtype=object)
        comm = np.empty(n, dtype=np.int64)
        # background: contiguous blocks of communities
        bg = self.bg
        comm[bg] = np.sort(rng.integers(0, K, len(bg)))
        self.comm_start = np.searchsorted(comm[bg], np.arange(K)) + bg[0]
        self.comm_end = np.searchsorted(comm[bg], np.arange(K), side="right") + bg[0]
        nat[bg] = self.comm_country[comm[bg]]
        foreign = rng.random(len(bg)) < 0.08
        nat[bg[foreign]] = countries[rng.choice(len(countries), foreign.sum(), p=cw / cw.sum())]
        # fugitives
        fc = np.array(list(PL.FUGITIVE_COUNTRY_WEIGHTS))
        fw = np.array(list(PL.FUGITIVE_COUNTRY_WEIGHTS.values()), float)
        nat[self.fug] = fc[rng.choice(len(fc), self.F, p=fw / fw.sum())]
        nat[self.fam] = nat[self.fam_of]
        nat[self.asc] = np.where(rng.random(len(self.asc)) < 0.8, nat[self.asc_of],
                                 countries[rng.choice(len(countries), len(self.asc), p=cw / cw.sum())])
        cell_country = fc[rng.choice(len(fc), self.C, p=fw / fw.sum())]
        self.cell_country = cell_country
        nat[self.fac] = np.where(rng.random(len(self.fac)) < 0.75, cell_country[self.cell_of_fac],
                                 countries[rng.choice(len(countries), len(self.fac), p=cw / cw.sum())])
        nat[self.sso] = np.where(rng.random(len(self.sso)) < 0.7, "ES",
                                 countries[rng.choice(len(countries), len(self.sso), p=cw / cw.sum())])
        # network persons live in a community of their country
        net = np.concatenate([self.fug, self.fam, self.asc, self.fac, self.sso])
        by_country = {c: np.flatnonzero(self.comm_country == c) for c in countries}
        pick = rng.random(len(net))
        for c in countries:
            m = nat[net] == c
            ks = by_country[c] if len(by_country[c]) else np.arange(K)
            comm[net[m]] = ks[(pick[m] * len(ks)).astype(int)]
        comm[self.fam] = comm[self.fam_of]
        self.comm = comm
        self.nat = nat
        # names by culture (duplicates get theirs later)
        female = rng.random(n) < 0.48
        female[self.fug] = rng.random(self.F) < 0.15
        female[self.fac] = rng.random(len(self.fac)) < 0.3
        self.female = female
        culture = _lookup(np.concatenate([nat[:self.off[5]], nat[self.sso]]),
                          N.CULTURE_OF_COUNTRY.get)
        idx_all = np.concatenate([np.arange(self.off[5]), self.sso])
        given = np.full(n, "", dtype=object)
        s1 = np.full(n, "", dtype=object)
        s2 = np.full(n, "", dtype=object)
        for c in N.CULTURES:
            m = idx_all[culture == c]
            if len(m):
                given[m], s1[m], s2[m] = N.make_names(rng, c, female[m])
        # family members carry the fugitive's surnames (siblings both, parent/child the first)
        fo = self.fam_of
        kind = rng.random(len(fo))
        s1[self.fam] = np.where(kind < 0.8, s1[fo], s1[self.fam])
        s2[self.fam] = np.where(kind < 0.4, s2[fo], s2[self.fam])
        # households in the background share a surname
        hh = self._households()
        head = hh[0]
        s1[hh[1]] = np.where(rng.random(len(hh[1])) < 0.85, s1[head], s1[hh[1]])
        self.given, self.s1, self.s2 = given, s1, s2
        self.name = N.full_name(given, s1, s2)
        # birth dates and precision (0 full, 1 year-month, 2 year, 3 unknown)
        birth = _DAY0 - (rng.integers(18 * 365, 80 * 365, n)).astype("timedelta64[D]")
        birth[self.fug] = _DAY0 - rng.integers(22 * 365, 62 * 365, self.F).astype("timedelta64[D]")
        prec = rng.choice(4, n, p=[0.8, 0.05, 0.07, 0.08]).astype(np.int8)
        prec[self.fug] = rng.choice(3, self.F, p=[0.8, 0.08, 0.12])
        self.birth, self.bprec = birth, prec
        # second nationality
        nat2 = np.full(n, "", dtype=object)
        dual = rng.random(n) < 0.04
        dual[self.fug] = rng.random(self.F) < 0.18
        dual[self.dup] = False
        nat[self.dup] = ""
        alt = {"CO": "ES", "VE": "IT", "AR": "IT", "BR": "PT", "PE": "ES", "EC": "ES", "DO": "ES",
               "MX": "ES", "JM": "GB", "HT": "FR", "ES": "CO", "IT": "AR", "NL": "MA", "PT": "BR",
               "FR": "HT", "PA": "CO", "CR": "NI", "CL": "ES"}
        idx = np.flatnonzero(dual)
        nat2[idx] = [alt[c] for c in nat[idx]]
        self.nat2 = nat2
        # roles
        role = np.full(n, "unknown", dtype=object)
        role[self.fug] = "fugitive"
        role[self.fam] = np.where(rng.random(len(self.fam)) < 0.6, "associate", "unknown")
        role[self.asc] = "associate"
        r = rng.random(len(self.fac))
        role[self.fac] = np.where(r < 0.75, "facilitator", np.where(r < 0.9, "associate", "unknown"))
        role[self.bg] = np.where(rng.random(len(self.bg)) < 0.12, "associate", "unknown")
        self.role = role
        # fugitive attributes
        F = self.F
        notice = np.full(n, "", dtype=object)
        notice[self.fug] = rng.choice(["red", "blue", "diffusion", "none"], F, p=[0.74, 0.12, 0.11, 0.03])
        self.notice = notice
        wanted = np.full(n, "", dtype=object)
        others = np.array(["ES", "IT", "US", "NL", "FR", "PE", "CO", "MX", "PT", "BR"])
        w1 = np.where(rng.random(F) < 0.7, nat[self.fug], others[rng.integers(0, len(others), F)])
        w2 = others[rng.integers(0, len(others), F)]
        two = (rng.random(F) < 0.2) & (w2 != w1)
        wanted[self.fug] = np.where(two, w1 + "|" + w2, w1)
        wanted[self.fug[notice[self.fug] == "none"]] = ""
        self.wanted = wanted
        off_arr = np.array(_OFFENCES, dtype=object)
        ow = np.array(_OFFENCE_W, float)
        offences = np.full(n, "", dtype=object)
        k = rng.choice([1, 2, 3], F, p=[0.45, 0.4, 0.15])
        # weighted sampling without replacement for all fugitives at once (Gumbel top-k)
        top = np.argsort(-(np.log(ow) + rng.gumbel(size=(F, len(ow)))), axis=1)[:, :3]
        for i, f in enumerate(self.fug):
            offences[f] = "|".join(sorted(off_arr[top[i, :k[i]]]))
        self.offences = offences
        aliases = np.full(n, "", dtype=object)
        al = np.array(N.ALIASES, dtype=object)
        has = rng.random(F) < 0.75
        a1 = al[rng.integers(0, len(al), F)]
        alt_name = given[self.fug[rng.permutation(F)]] + " " + s1[self.fug]
        aliases[self.fug] = np.where(has, np.where(rng.random(F) < 0.35, a1 + "|" + alt_name, a1),
                                     "")
        asc_has = rng.random(len(self.asc)) < 0.15
        aliases[self.asc[asc_has]] = al[rng.integers(0, len(al), asc_has.sum())]
        self.aliases = aliases
        prov = _lookup(nat, lambda c: PL.AGENCIES.get(c, ["INTERPOL"])[0])
        prov[self.fug] = np.where(rng.random(F) < 0.5, "INTERPOL", prov[self.fug])
        prov[self.sso] = _SECOND_SOURCE
        self.prov = prov

    def _households(self):
        """Return (head, member) index arrays of background households (sizes 1-5)."""
        rng, bg = self.rng, self.bg
        sizes = rng.choice([1, 2, 3, 4, 5], len(bg), p=[0.3, 0.25, 0.2, 0.15, 0.1])
        ends = np.cumsum(sizes)
        hid = np.searchsorted(ends, np.arange(len(bg)), side="right")
        head = bg[(ends - sizes)[hid]]
        m = (head != bg) & (self.comm[head] == self.comm[bg])  # never across communities
        self.hh = (head[m], bg[m])
        return self.hh

    # ------------------------------------------------------------ orgs/links
    def _organizations(self):
        rng, F = self.rng, self.F
        G = max(1, int(round(F / 6)))
        fug_group = rng.integers(0, G, F)
        fug_group[rng.random(F) < 0.2] = -1
        self.fug_group = fug_group
        ncomp = max(2, self.P // 400)
        self.G, self.ncomp = G, ncomp
        gname, gcountry = [], []
        for gi in range(G):
            members = self.fug[fug_group == gi]
            cc = self.nat[members[0]] if len(members) else "CO"
            sur = self.s1[members[0]] if len(members) else "Restrepo"
            gname.append(_group_name(rng, cc, sur, gi))
            gcountry.append(cc)
        comp_country = self.comm_country[rng.integers(0, len(self.comm_country), ncomp)]
        pat = ["Transportes {} S.A.S.", "Inversiones {} Ltda.", "Logística {} S.A. de C.V.",
               "{} Import Export B.V.", "Agencia de Viajes {}", "Inmobiliaria {} S.L.",
               "Cambios {} S.A.", "Comercializadora {} S.A.S.", "{} Trading Lda.",
               "Hotel {}", "Constructora {} S.A."]
        surn = self.s1[self.bg[:2000]]
        comp_names = [pat[rng.integers(0, len(pat))].format(surn[rng.integers(0, len(surn))])
                      for _ in range(ncomp)]
        self.org_name = np.array(gname + comp_names, dtype=object)
        self.org_kind = np.array(["criminal_group"] * G + ["company"] * ncomp, dtype=object)
        self.org_country = np.array(gcountry + list(comp_country), dtype=object)
        self.org_id = _fmt_ids("O", np.arange(1, G + ncomp + 1), _width(G + ncomp, 3)).astype(object)
        self.org_base = self.n  # party index of the first organization
        self.comp_base = self.n + G

    def _add(self, a, b, t, *, prov=None, grading=None, weight=None, note=None, dates=True):
        a = np.asarray(a, np.int64)
        b = np.asarray(b, np.int64)
        if np.isscalar(t) or isinstance(t, str):
            t = np.full(len(a), _LT[t], np.int8)
        self.link_blocks.append(dict(a=a, b=b, t=np.asarray(t, np.int8), prov=prov,
                                     grading=grading, weight=weight, note=note))

    def _fugitive_network(self):
        rng, F = self.rng, self.F
        fam, asc = self.fam, self.asc
        self._add(self.fam_of, fam, "family")
        # siblings/relatives know each other
        same = self.fam_of[1:] == self.fam_of[:-1]
        m = same & (rng.random(len(same)) < 0.5)
        self._add(fam[:-1][m], fam[1:][m], "family")
        t = np.where(rng.random(len(asc)) < 0.6, _LT["associate"], _LT["co_offender"])
        self._add(self.asc_of, asc, t)
        # associates of fugitives in the same group know the group's other fugitives
        grp = self.fug_group[self.asc_of - self.fug[0]]
        cross = (grp >= 0) & (rng.random(len(asc)) < 0.3)
        ca = asc[cross]
        cg = grp[cross]
        partner = np.array([rng.choice(self.fug[self.fug_group == g]) for g in cg], np.int64)
        ok = partner != self.asc_of[cross]
        self._add(ca[ok], partner[ok], "co_offender")
        # co-offenders among fugitives of one group
        for gi in range(self.G):
            members = self.fug[self.fug_group == gi]
            if len(members) > 1:
                a = members[:-1]
                b = members[1:]
                self._add(a, b, "co_offender")
        # membership of criminal groups
        inn = self.fug_group >= 0
        self._add(self.fug[inn], self.org_base + self.fug_group[inn], "member_of")
        am = (grp >= 0) & (rng.random(len(asc)) < 0.5)
        self._add(asc[am], self.org_base + grp[am], "member_of")
        # family and associates have a few ties into their community
        who = np.concatenate([fam, asc])
        k = rng.integers(1, 4, len(who))
        a = np.repeat(who, k)
        b = self._local(a)
        t = rng.choice([_LT["associate"], _LT["communication"], _LT["family"]], len(a), p=[0.5, 0.4, 0.1])
        self._add(a, b, t.astype(np.int8))

    def _local(self, a):
        """Return a background person of the community of each person in `a`."""
        rng = self.rng
        c = self.comm[a]
        s, e = self.comm_start[c], self.comm_end[c]
        empty = e <= s
        s = np.where(empty, self.bg[0], s)
        e = np.where(empty, self.bg[-1] + 1, e)
        return s + (rng.random(len(a)) * (e - s)).astype(np.int64)

    def _logistics_cells(self):
        rng, F, C = self.rng, self.F, self.C
        fac = self.fac
        cell_of_fug = np.empty(F, np.int64)
        cell_of_fug[rng.permutation(F)] = np.arange(F) % C
        self.cell_of_fug = cell_of_fug
        cell_fugs = [self.fug[cell_of_fug == c] for c in range(C)]
        cell_facs = [fac[self.cell_of_fac == c] for c in range(C)]
        direct = {int(f): set() for f in fac}
        indirect = {int(f): set() for f in fac}
        services = {int(f): set() for f in fac}
        A, B, T, NOTE = [], [], [], []
        notes = {"documents": ["supplied passport", "supplied national id card", "altered passport photo page", ""],
                 "transport": ["drove across the border", "arranged flights", "boat to the coast", ""],
                 "lodging": ["safe house", "rented flat under own name", "hotel rooms", ""],
                 "financial": ["cash deliveries", "money transfers", "paid rent", ""]}

        def support(a, b, t):
            A.append(a)
            B.append(b)
            T.append(_LT[t])
            NOTE.append(notes[t][rng.integers(0, 4)])

        brokers = set()
        n_brokers = max(1, C // 4)
        for c in range(C):
            fs, ff = cell_fugs[c], cell_facs[c]
            for j, f in enumerate(ff):
                spec = _SUPPORT[j % 4] if j < 4 else _SUPPORT[rng.integers(0, 4)]
                if j == 0 or rng.random() < 0.45:
                    k = len(fs) if j == 0 else int(rng.integers(2, len(fs) + 1))
                else:
                    k = 1
                served = rng.permutation(fs)[:k]
                for g in served:
                    support(int(f), int(g), spec)
                    direct[int(f)].add(int(g))
                    services[int(f)].add(spec)
                    if rng.random() < 0.2:
                        extra = _SUPPORT[rng.integers(0, 4)]
                        if extra != spec:
                            support(int(f), int(g), extra)
                            services[int(f)].add(extra)
                # cross-cell service
                if C > 1 and rng.random() < 0.1:
                    oc = (c + 1 + rng.integers(0, C - 1)) % C
                    g = int(rng.choice(cell_fugs[oc]))
                    support(int(f), g, spec)
                    direct[int(f)].add(g)
                # indirect support through a relative or associate of a served fugitive
                if j > 0 and rng.random() < 0.25:
                    others = [int(x) for x in fs if int(x) not in direct[int(f)]]
                    g = int(rng.choice(others)) if others else int(served[0])
                    circle = np.concatenate([self.fam[self.fam_of == g], self.asc[self.asc_of == g]])
                    if len(circle):
                        mid = int(rng.choice(circle))
                        support(int(f), mid, "financial" if rng.random() < 0.5 else spec)
                        support(mid, g, "lodging" if rng.random() < 0.6 else "transport")
                        indirect[int(f)].add(g)
                        services[int(f)].add(spec)
            # the cell's members know each other
            for x in range(len(ff)):
                for y in range(x + 1, len(ff)):
                    if rng.random() < 0.65:
                        A.append(int(ff[x]))
                        B.append(int(ff[y]))
                        T.append(_LT[rng.choice(["associate", "communication", "communication", "financial"])])
                        NOTE.append("")
        # brokers: a facilitator who also works with another cell and serves one of its fugitives
        if C > 1:
            for c in rng.choice(C, min(n_brokers, C), replace=False):
                f = int(cell_facs[c][0])
                oc = int((c + 1 + rng.integers(0, C - 1)) % C)
                for h in rng.permutation(cell_facs[oc])[:2]:
                    A.append(f)
                    B.append(int(h))
                    T.append(_LT["communication"])
                    NOTE.append("")
                g = int(rng.choice(cell_fugs[oc]))
                spec = sorted(services[f])[0] if services[f] else "transport"
                support(f, g, spec)
                direct[f].add(g)
                brokers.add((f, oc))
        self._add(np.array(A), np.array(B), np.array(T, np.int8),
                  note=np.array(NOTE, dtype=object))
        # facilitators also have lives: a few ties into their community and to front companies
        k = rng.integers(1, 4, len(fac))
        a = np.repeat(fac, k)
        b = self._local(a)
        t = rng.choice([_LT["associate"], _LT["communication"], _LT["family"]], len(a), p=[0.5, 0.3, 0.2])
        self._add(a, b, t.astype(np.int8))
        emp = fac[rng.random(len(fac)) < 0.4]
        self._add(emp, self.comp_base + rng.integers(0, self.ncomp, len(emp)), "employment")
        self.direct, self.indirect, self.services, self.brokers = direct, indirect, services, brokers
        self.cell_fugs, self.cell_facs = cell_fugs, cell_facs

    def _background_ties(self):
        rng, bg = self.rng, self.bg
        head, member = self.hh
        self._add(head, member, "family")
        # social ties: mostly local, partly drawn by popularity (heavy tailed)
        m = int(1.6 * len(bg))
        a = bg[rng.integers(0, len(bg), m)]
        glob = rng.random(m) < 0.25
        b = self._local(a)
        pop = rng.lognormal(0.0, 1.6, len(bg))
        b[glob] = bg[rng.choice(len(bg), glob.sum(), p=pop / pop.sum())]
        t = rng.choice([_LT["associate"], _LT["communication"], _LT["unknown"]], m, p=[0.55, 0.4, 0.05])
        keep = a != b
        self._add(a[keep], b[keep], t[keep].astype(np.int8))
        emp = bg[rng.random(len(bg)) < 0.15]
        self._add(emp, self.comp_base + rng.integers(0, self.ncomp, len(emp)), "employment")

    # ------------------------------------------------- resolution material
    def _near_misses(self):
        rng = self.rng
        hisp = self.bg[np.isin(self.nat[self.bg], ["CO", "MX", "VE", "PE", "EC", "ES", "DO", "AR"])]
        k = max(3, int(round(0.002 * self.n)))
        chosen = rng.choice(hisp, 2 * k, replace=False)
        pairs = chosen.reshape(k, 2)
        common = np.array(N.COMMON_HISPANIC_NAMES, dtype=object)
        rows = []
        for i, (x, y) in enumerate(pairs):
            full = common[i % len(common)]
            parts = full.split(" ")
            g, a1, a2 = " ".join(parts[:-2]), parts[-2], parts[-1]
            for p in (x, y):
                self.given[p], self.s1[p], self.s2[p] = g, a1, a2
                self.name[p] = full
                self.female[p] = g.split()[0] in ("María", "Ana", "Diana", "Luz")
                self.bprec[p] = 0
            gap = int(rng.integers(3 * 365, 25 * 365))
            self.birth[y] = self.birth[x] + np.timedelta64(gap if rng.random() < 0.5 else -gap, "D")
            rows.append((self.pid[x], self.pid[y], "same_common_name"))
        # a namesake of a fugitive: same name, different person, different birth date
        nf = max(1, self.F // 50)
        taken = set(chosen.tolist())
        for f in self.fug[:nf]:
            # rejection sampling: a background person of the fugitive's nationality
            tries = self.bg[rng.integers(0, len(self.bg), 200)]
            ok = [int(p) for p in tries if self.nat[p] == self.nat[f] and int(p) not in taken]
            if not ok:
                continue
            p = ok[0]
            taken.add(p)
            self.given[p], self.s1[p], self.s2[p] = self.given[f], self.s1[f], self.s2[f]
            self.name[p] = self.name[f]
            self.female[p] = self.female[f]
            self.bprec[p] = 0
            self.birth[p] = self.birth[f] + np.timedelta64(int(rng.integers(4, 30)) * 365, "D")
            rows.append((self.pid[f], self.pid[p], "fugitive_namesake"))
            chosen = np.append(chosen, p)
        self.near_excluded = chosen
        self.near_rows = rows

    def _second_source(self):
        """Repeat some persons under name variants (ES-... ids) and add a few of its own."""
        rng = self.rng
        nd = self.n_dup
        excluded = np.zeros(self.n, bool)
        excluded[self.near_excluded] = True
        pools = [(self.fug, 0.4), (self.fac, 0.25), (np.concatenate([self.fam, self.asc]), 0.08)]
        orig = []
        for pool, rate in pools:
            pool = pool[~excluded[pool]]
            k = min(len(pool), max(1, int(round(rate * len(pool)))), nd - len(orig))
            orig.extend(rng.choice(pool, k, replace=False).tolist())
        rest = self.bg[~excluded[self.bg]]
        orig.extend(rng.choice(rest, nd - len(orig), replace=False).tolist())
        orig = np.array(orig, np.int64)
        d = self.dup
        self.dup_orig = orig
        kinds = np.array(N.VARIANT_KINDS, dtype=object)[rng.integers(0, len(N.VARIANT_KINDS), nd)]
        names = []
        for o, kind in zip(orig, kinds):
            v = N.name_variant(self.given[o], self.s1[o], self.s2[o], kind)
            if v == self.name[o]:
                v = N.name_variant(self.given[o], self.s1[o], self.s2[o], "upper_case")
            names.append(v)
        self.name[d] = np.array(names, dtype=object)
        self.given[d], self.s1[d], self.s2[d] = self.given[orig], self.s1[orig], self.s2[orig]
        self.dup_kind = kinds
        self.female[d] = self.female[orig]
        self.birth[d] = self.birth[orig]
        bmode = rng.choice(4, nd, p=[0.55, 0.1, 0.15, 0.2])  # same, year-month, year, unknown
        self.bprec[d] = np.maximum(self.bprec[orig], bmode)
        self.dup_birth = np.array(["same", "year_month", "year", "unknown"], dtype=object)[bmode]
        self.nat[d] = np.where(rng.random(nd) < 0.8, self.nat[orig], "")
        self.nat2[d] = ""
        self.comm[d] = self.comm[orig]
        r = self.role[orig]
        self.role[d] = np.where((r == "fugitive") & (rng.random(nd) < 0.7), "fugitive",
                                np.where(rng.random(nd) < 0.5, r, "unknown"))
        isf = self.role[d] == "fugitive"
        self.notice[d] = np.where(isf, self.notice[orig], "")
        self.wanted[d] = np.where(isf, self.wanted[orig], "")
        self.offences[d] = np.where(isf & (rng.random(nd) < 0.7), self.offences[orig], "")
        self.aliases[d] = np.where(rng.random(nd) < 0.5, self.aliases[orig], "")
        self.prov[d] = _SECOND_SOURCE
        # the second source reports some of the same ties, under its own ids
        self.dup_links = rng.random(nd) < 0.5
        # persons only the second source knows: one tie to someone in their community
        self.comm[self.sso] = self.comm[rng.choice(self.bg, len(self.sso))]
        self._add(self.sso, self._local(self.sso),
                  rng.choice([_LT["associate"], _LT["communication"]], len(self.sso)).astype(np.int8),
                  prov=np.full(len(self.sso), _SECOND_SOURCE, dtype=object))
        # some of them share a primary person's common name but are someone else
        nm = max(1, len(self.sso) // 2)
        hisp = self.bg[np.isin(self.nat[self.bg], ["CO", "MX", "VE", "ES", "PE", "EC"])]
        hisp = hisp[~excluded[hisp] & ~np.isin(hisp, orig)]
        twins = rng.choice(hisp, nm, replace=False)
        for s, t in zip(self.sso[:nm], twins):
            self.given[s], self.s1[s], self.s2[s], self.name[s] = (
                self.given[t], self.s1[t], self.s2[t], self.name[t])
            self.female[s] = self.female[t]
            self.nat[s] = self.nat[t]
            self.birth[s] = self.birth[t] + np.timedelta64(int(rng.integers(5, 35)) * 365, "D")
            self.bprec[s] = 0
            self.bprec[t] = 0
            self.near_rows.append((self.pid[t], self.pid[s], "same_name_second_source"))

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
        air_routes = np.flatnonzero(self.r_mode == "air")
        co_rows = []
        self.hidden_pairs = []
        used_comp = set()
        bg_trav = self.bg[~np.isin(self.bg, self.near_excluded) & (self.travel_doc[self.bg] >= 0)]
        for f in fug_trav:
            nt = int(rng.integers(2, 5))
            routes = rng.choice(R, nt, p=r_pop / r_pop.sum())
            routes[0] = rng.choice(air_routes)  # the first trip is a flight: it leaves traces
            days = np.sort(rng.integers(0, _WINDOW - 40, nt))
            stays = rng.integers(3, 29, nt)
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
            for t_i in range(nt):
                r2 = np.array([routes[t_i], r_rev[routes[t_i]]])
                d2 = np.array([days[t_i], days[t_i] + stays[t_i]])
                trip = next_trip
                next_trip += 1
                who = [(f, trip)]
                if companion >= 0 and (t_i < 1 or rng.random() < 0.6):
                    if rng.random() < 0.5:
                        who.append((companion, trip))        # on the fugitive's booking
                    else:
                        who.append((companion, next_trip))   # own booking, same journeys
                        next_trip += 1
                if relative >= 0 and t_i == 0:
                    who.append((relative, trip))
                for person, tr in who:
                    leg_person.append(np.array([person, person]))
                    leg_route.append(r2)
                    leg_day.append(d2)
                    leg_trip.append(np.array([tr, tr]))
            if companion >= 0:
                co_rows.append((int(f), companion, "hidden_companion", False))
                self.hidden_pairs.append((int(f), companion))
            if relative >= 0:
                self.travels[relative] = True
                co_rows.append((int(f), relative, "family_companion", True))
        lp, lr, ld, lt = (np.concatenate(x) for x in (leg_person, leg_route, leg_day, leg_trip))
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

    # -------------------------------------------------------------- writers
    def _write(self, kind, cols):
        """Write one file from a dict of equal-length columns (RFC 4180, minimal quoting).

        Lines are joined in Python rather than with the csv module: every value is already
        text, and only the columns that hold a comma, a quote or a line break are quoted, which
        writes the same bytes as ``csv.writer`` at more than twice its speed.
        """
        path = self.out / f"{kind}.csv"
        cols = {k: _as_strs(v) for k, v in cols.items()}
        if self.dirty > 0:
            cols, errs = corrupt_table(kind, cols, self.dirty, self.rng)
            self.errors.extend(errs)
        values = [_quoted(v) for v in cols.values()]
        n = len(values[0])
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(cols) + "\n")
            for i in range(0, n, _CHUNK):
                fh.write("\n".join(map(",".join, zip(*(v[i:i + _CHUNK] for v in values)))))
                fh.write("\n")
        self.rows[kind] = n

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
        grading[pv == _SECOND_SOURCE] = np.array(["B2", "C3"], dtype=object)[rng.integers(0, 2, (pv == _SECOND_SOURCE).sum())]
        # dates
        start = np.datetime64("2008-01-01") + rng.integers(0, 6000, L).astype("timedelta64[D]")
        sprec = rng.choice(4, L, p=[0.55, 0.15, 0.15, 0.15]).astype(np.int8)
        has_end = (rng.random(L) < 0.25) & (sprec < 3)
        end = start + rng.integers(30, 2000, L).astype("timedelta64[D]")
        end = np.minimum(end, np.datetime64("2024-12-31"))
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
        nm = pd.DataFrame(self.near_rows, columns=["id_a", "id_b", "kind"])
        idx = {p: i for i, p in enumerate(pid)}
        nm["name"] = [self.name[idx[x]] for x in nm["id_a"]]
        bd = _partial_dates(self.birth, self.bprec)
        nm["birth_a"] = [bd[idx[x]] for x in nm["id_a"]]
        nm["birth_b"] = [bd[idx[x]] for x in nm["id_b"]]
        nm.to_csv(tdir / "near_misses.csv", index=False, lineterminator="\n")
        co = pd.DataFrame(self.co_rows, columns=["id_a", "id_b", "kind", "shared_legs",
                                                 "shared_bookings", "stated_link"])
        co.to_csv(tdir / "co_travel.csv", index=False, lineterminator="\n")
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
def _width(count, least=4):
    """Digits of zero-padded ids for `count` records (``P0001`` for hundreds)."""
    return max(least, len(str(int(count))))


def _fmt_ids(prefix, numbers, width):
    s = np.char.zfill(np.asarray(numbers).astype(str), width)
    return np.char.add(prefix, s)


def _partial_dates(days, prec):
    """Format datetime64[D] values at precision 0 (day), 1 (month), 2 (year), 3 (unknown).

    Formats each distinct (day, precision) once: a few thousand strings for millions of rows.
    """
    key = days.astype("datetime64[D]").astype(np.int64) * 4 + prec
    u, inv = np.unique(key, return_inverse=True)
    s = np.datetime_as_string((u // 4).astype("datetime64[D]"), unit="D")
    p = u % 4
    txt = np.select([p == 0, p == 1, p == 2], [s, s.astype("U7"), s.astype("U4")], "")
    return txt.astype(object)[inv]


def _lookup(values, fn):
    """Apply `fn` to each distinct value once and spread the results (an object array)."""
    values = np.asarray(values, dtype=object)
    if not len(values):
        return np.empty(0, dtype=object)
    inv, u = pd.factorize(values)  # hashing: no sort of text
    res = np.empty(len(u), dtype=object)
    res[:] = [fn(x) for x in u]
    return res[inv]


def _as_strs(v):
    """Return a column as a list of str."""
    if isinstance(v, list):
        return [x if isinstance(x, str) else str(x) for x in v]
    a = np.asarray(v)
    if a.dtype.kind in "biuf":
        return a.astype(str).tolist()
    return a.tolist()


def _quoted(col):
    """Quote the values of a column that need it (RFC 4180); others are left as they are."""
    probe = "\x00".join(col)
    if not any(ch in probe for ch in ',"\n\r'):
        return col
    return [('"' + x.replace('"', '""') + '"') if (',' in x or '"' in x or "\n" in x or "\r" in x)
            else x for x in col]


def _rank_within(labels):
    """Return, for each entry, how many earlier entries carry the same label (0, 1, 2...)."""
    inv, _ = pd.factorize(np.asarray(labels, dtype=object))
    order = np.argsort(inv, kind="stable")
    first = np.searchsorted(inv[order], inv[order])
    rank = np.empty(len(labels), np.int64)
    rank[order] = np.arange(len(labels)) - first
    return rank, inv


def _degrees(a, b, size):
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key = np.unique(lo * size + hi)
    lo, hi = key // size, key % size
    return np.bincount(lo, minlength=size) + np.bincount(hi, minlength=size)


def _bijection(rank, modulus, salt):
    """Map ranks 0..modulus-1 onto distinct pseudo-random values below `modulus`."""
    return (rank.astype(np.int64) * 7_919 + 12_345 * salt + 977) % modulus  # 7919: prime


_ES_LETTERS = np.array(list("TRWAGMYFPDXBNJZSQVHLCKE"))


def _doc_numbers(rng, kind, cc, salt=1):
    """Return unique document numbers in each issuing country's pattern."""
    n = len(kind)
    out = np.empty(n, dtype=object)
    group = np.asarray(kind, dtype=object) + ":" + np.asarray(cc, dtype=object)
    rank, inv = _rank_within(group)
    for gi, g in enumerate(pd.factorize(group)[1]):
        m = inv == gi
        k, c = g.split(":")
        if k == "passport":
            pre, digits = PL.PASSPORT_PREFIX.get(c, ("X", 8))
            num = 10 ** (digits - 1) + _bijection(rank[m], 9 * 10 ** (digits - 1), salt)
            out[m] = np.char.add(pre, num.astype(str))
        else:
            digits = {"CO": 10, "EC": 10, "BR": 11, "DO": 11, "HT": 10, "FR": 12, "MX": 13,
                      "NL": 9, "JM": 9}.get(c, 8)
            num = 10 ** (digits - 1) + _bijection(rank[m], 9 * 10 ** (digits - 1), salt + 3)
            s = num.astype(str)
            if c == "ES":
                s = np.char.add(s, _ES_LETTERS[num % 23])
            elif c == "VE":
                s = np.char.add("V-", s)
            elif c == "IT":
                s = np.char.add("CA", s)
            out[m] = s
    return out


def _phone_numbers(rng, cc):
    """Return distinct E.164 mobile numbers, one per entry of `cc` (country codes).

    The last digits are a bijection of the person's rank within the country, so numbers never
    repeat whatever national prefix was drawn.
    """
    n = len(cc)
    out = np.empty(n, dtype=object)
    rank, inv = _rank_within(np.asarray(cc, dtype=object))
    for ci, c in enumerate(pd.factorize(np.asarray(cc, dtype=object))[1]):
        m = inv == ci
        k = int(m.sum())
        code, prefixes, length = PL.MOBILE_PLANS[c]
        pre = np.array(prefixes)[rng.integers(0, len(prefixes), k)]
        rest = length - np.char.str_len(pre)
        width = int(rest.min())
        salt = 31 * ord(c[0]) + ord(c[1])
        suffix = np.char.zfill(_bijection(rank[m], 10 ** width, salt).astype(str), width)
        filler = np.array(["", "5", "25", "125"])[rest - width]
        out[m] = np.char.add(np.char.add(np.char.add("+" + code, pre), filler), suffix).astype(object)
    return out


def _group_name(rng, cc, surname, i):
    pats = {
        "IT": ["'Ndrina {s}", "Clan {s}", "Cosca {s}"],
        "NL": ["Mocro netwerk {s}", "Groep {s}"],
        "BR": ["Comando {c}", "Família {s}"],
        "PT": ["Rede {s}"],
        "MX": ["Cártel de {c}", "Los {s}", "Cártel {s}"],
        "JM": ["{s} Crew", "{s} Posse"],
        "HT": ["Gang {s}", "Baz {s}"],
        "FR": ["Réseau {s}"],
    }.get(cc, ["Clan {s}", "Los {p}", "La Oficina de {c}", "Banda {s}", "Los {p} de {c}"])
    plural = ["Halcones", "Pachenca", "Costeños", "Paisas", "Rastrojos del Sur", "Caparros",
              "Pelusos", "Lobos", "Choneros", "Tiguerones", "Mexicles", "Gatos", "Zorros"]
    cities = {"CO": ["Urabá", "Envigado", "Tumaco", "Buenaventura", "Cúcuta"],
              "MX": ["Sinaloa", "Tijuana", "Juárez", "Colima"], "BR": ["da Capital", "Norte"],
              "VE": ["Tocorón", "Aragua"], "EC": ["Guayaquil", "Manabí"], "PE": ["Callao", "VRAEM"]}.get(cc, ["la Costa", "Puerto"])
    pat = pats[rng.integers(0, len(pats))]
    return pat.format(s=surname, p=plural[(i + rng.integers(0, len(plural))) % len(plural)],
                      c=cities[rng.integers(0, len(cities))])
