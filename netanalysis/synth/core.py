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

from pathlib import Path

import numpy as np

from netanalysis.errors import NetanalysisError
from netanalysis.progress import Progress
from netanalysis.synth import names as N
from netanalysis.synth import places as PL
from netanalysis.synth._util import (
    _DAY0,
    _LT,
    _OFFENCES,
    _OFFENCE_W,
    _SECOND_SOURCE,
    _SUPPORT,
    _fmt_ids,
    _lookup,
    _width,
)
from netanalysis.synth.identifiers import _IdentifiersMixin
from netanalysis.synth.travel import _TravelMixin
from netanalysis.synth.write import _WriterMixin

__all__ = ["synth_case", "MIN_PERSONS", "MAX_PERSONS", "TRUTH_FILES", "ITINERARY_DEFAULTS"]


MIN_PERSONS = 100
MAX_PERSONS = 1_000_000
#: Files written under ``OUT/truth/``.
TRUTH_FILES = ("duplicates.csv", "near_misses.csv", "co_travel.csv", "itineraries.csv",
               "facilitators.csv",
               "groups.csv", "hubs.csv", "fraudulent_documents.csv", "planted_errors.csv",
               "summary.json", "README.md")


#: Defaults of the fugitives' itineraries (see :func:`synth_case`).
ITINERARY_DEFAULTS = {"moves": (4, 10), "p_base": 0.35, "p_new": 0.15, "support_pull": 0.8,
                      "p_sighting": 0.5, "p_safe_house": 0.4, "p_follow": 0.0}


def synth_case(out, *, persons=1000, seed=0, dirty=0.0, progress=None, itineraries=None,
               p_follow=None):
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
    itineraries : dict, optional
        How fugitives move (defaults :data:`ITINERARY_DEFAULTS`): ``moves`` (min, max legs),
        ``p_base`` (chance a move away from base goes back to it), ``p_new`` (chance a move
        takes a popular route instead of following history and network), ``support_pull``
        (chance a lodging supplier lives one flight from the fugitive's base), ``p_sighting``
        and ``p_safe_house`` (chance a fugitive has a sighting / a safe house in
        ``locations.csv``), ``p_follow`` (chance a move drawn with ``p_new`` goes instead where
        one of the fugitive's supporters, lodging first, set up a new residence 14 to 42 days
        before the leg: the network moves first; that residence is a dated row of
        ``locations.csv``; 0, the default, writes the same files as before the setting existed).
        The supporter's previous residence gets that day as its end.
    p_follow : float, optional
        The itinerary setting ``p_follow`` (0 to 1), a keyword of its own for the command line
        (``netanalysis synth --p-follow``); it wins over ``itineraries["p_follow"]``.

    Returns
    -------
    dict
        Counts: rows per file, fugitives, facilitators, cells, planted duplicates, near misses,
        hidden companions, planted errors, and the output folder.

    Raises
    ------
    NetanalysisError
        If `persons` or `dirty` is out of range.

    See Also
    --------
    netanalysis.synth.dirty.corrupt_table : the bad rows of a dirty case.
    netanalysis.ingest.load_case : reads the case written.

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
    it = dict(ITINERARY_DEFAULTS)
    for k, v in (itineraries or {}).items():
        if k not in it:
            raise NetanalysisError(f"unknown itinerary setting {k!r}: use one of {', '.join(it)}")
        it[k] = v
    if p_follow is not None:
        it["p_follow"] = p_follow
    lo, hi = it["moves"]
    if not 1 <= int(lo) <= int(hi) or not all(0.0 <= float(it[k]) <= 1.0 for k in it if k != "moves"):
        raise NetanalysisError("itineraries: moves must be (min, max) with 1 <= min <= max and "
                               "the probabilities within 0..1")
    progress = progress or Progress(quiet=True)
    out = Path(out)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    g = _Builder(int(persons), int(seed), float(dirty), out, progress)
    g.itineraries = it
    return g.run()


class _Builder(_IdentifiersMixin, _TravelMixin, _WriterMixin):
    def __init__(self, n, seed, dirty, out, progress):
        self.n, self.seed, self.dirty, self.out, self.p = n, seed, dirty, out, progress
        self.rng = np.random.default_rng(np.random.SeedSequence([seed, 20240305]))
        self.rows = {}
        self.errors = []
        self.link_blocks = []

    # ------------------------------------------------------------------ run
    def run(self):
        try:
            return self._run()
        finally:
            try:
                self._join_writer()
            except NetanalysisError:
                pass  # an error is already on its way up, or was raised above

    def _run(self):
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
            self._write_locations()
        with self.p.step("synth: writing phones and calls"):
            self._write_phones()
            self._write_calls()
        with self.p.step("synth: writing truth"):
            self._join_writer()
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
        culture_of = np.full(n, "", dtype=object)
        culture_of[idx_all] = culture
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
        same = (rng.random(len(hh[1])) < 0.85) & (culture_of[head] == culture_of[hh[1]])
        s1[hh[1]] = np.where(same, s1[head], s1[hh[1]])
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
        alf = np.array(N.ALIASES_F, dtype=object)
        a1 = np.where(female[self.fug], alf[rng.integers(0, len(alf), F)],
                      al[rng.integers(0, len(al), F)])
        # another name: a given name of someone of the same sex and culture, another surname
        donor = rng.choice(self.bg, F)
        ok = (female[donor] == female[self.fug]) & (culture_of[donor] == culture_of[self.fug])
        alt_name = np.where(ok, given[donor] + " " + s1[rng.choice(self.bg, F)], "")
        has2 = has & ok & (rng.random(F) < 0.35)
        aliases[self.fug] = np.where(has2, a1 + "|" + alt_name, np.where(has, a1, ""))
        asc_has = rng.random(len(self.asc)) < 0.15
        k = int(asc_has.sum())
        aliases[self.asc[asc_has]] = np.where(female[self.asc[asc_has]],
                                              alf[rng.integers(0, len(alf), k)],
                                              al[rng.integers(0, len(al), k)])
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
        rng, _F = self.rng, self.F
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
            rows.append((int(x), int(y), "same_common_name"))
        # a namesake of a fugitive: same name, different person, different birth date
        nf = max(1, self.F // 50)
        taken = set(chosen.tolist())
        made = 0
        for attempt, f in enumerate(np.concatenate([self.fug, self.fug[:nf]])):
            if made == nf:
                break
            # rejection sampling: a background person of the fugitive's nationality (on a
            # second pass over the fugitives, of any nationality)
            tries = self.bg[rng.integers(0, len(self.bg), 200)]
            ok = [int(p) for p in tries if int(p) not in taken
                  and (attempt >= self.F or self.nat[p] == self.nat[f])]
            if not ok:
                continue
            made += 1
            p = ok[0]
            taken.add(p)
            self.given[p], self.s1[p], self.s2[p] = self.given[f], self.s1[f], self.s2[f]
            self.name[p] = self.name[f]
            self.female[p] = self.female[f]
            self.bprec[p] = 0
            self.birth[p] = self.birth[f] + np.timedelta64(int(rng.integers(4, 30)) * 365, "D")
            rows.append((int(f), int(p), "fugitive_namesake"))
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
            self.near_rows.append((int(t), int(s), "same_name_second_source"))



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
              "VE": ["Tocorón", "Aragua"], "EC": ["Guayaquil", "Manabí"], "PE": ["Callao", "VRAEM"]}.get(cc, ["la Costa", "Puerto"])  # noqa: E501
    pat = pats[rng.integers(0, len(pats))]
    return pat.format(s=surname, p=plural[(i + rng.integers(0, len(plural))) % len(plural)],
                      c=cities[rng.integers(0, len(cities))])
