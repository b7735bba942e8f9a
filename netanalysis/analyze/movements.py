"""Movement anticipation: where a fugitive is likely to go next, and why.

For a person at a time ``t`` the candidates are the places already visited, the places tied to
the person's network (own locations, the residences, safe houses and travel of supporters,
family, associates and co-travellers) and a few plausible new places from the route network:
the destinations most travelled in the case from the current place and busy places near it
(a gravity prior). Each candidate ``c`` gets the features :data:`FEATURES`, every one of them
computed from what was known before ``t`` only:

================ ===============================================================================
feature          value for candidate c
================ ===============================================================================
visits           log(1 + times the person arrived at c; the first origin counts once)
recency          exp(-days since the person was last at c / 180)
base             own residence at c (its confidence), or the share of own legs leaving from c
own_transition   log(1 + own legs from the current place to c)
back             1 when c is where the last leg came from (a return)
lodging          sum of confidences of lodging suppliers whose places include c
support          the same for transport, documents and money suppliers
family           the same for family
associates       the same for associates and co-offenders
network_travel   log(1 + legs to c by anyone of the person's network)
cotravel         sum of log(1 + shared journeys) of co-travellers whose places include c
calls            recent calls: for each supporter, relative or associate with calls in the
                 ``movements.call_window_days`` before ``t``, the confidence of the tie x
                 log(1 + those calls), summed over those whose places include c
own_places       own safe houses, sightings, work places... at c (confidence x kind weight)
route            log(1 + legs from the current place to c in the whole case)
direct           1 when anyone in the case travelled between the current place and c
gravity          log(1 + arrivals at c in the whole case)
distance         log(1 + km from the current place / 100)
home_country     1 when c lies in a country of the person's nationality
new              1 when the person was never known to be at c
pull_share       c's pull (own arrivals plus p x the network's: lodging + support + family +
                 associates, or network_ties) as a share of the pull of every place one
                 journey away (0 for a place farther); the weight p and which of the two
                 measures of the network are picked by the held-out check of the fit
route_share      c's share of the journeys in the case from the current place
network_direct   lodging + support + family + associates, for a place one journey away only
new_direct       ``new``, for a place one journey away only
attraction       log(pull_share + m x route_share + 0.001): a place one journey away is
                 chosen for a reason (its pull) or the way travellers choose routes; the mixing
                 weight m is picked by the held-out check of the fit
network_ties     the number of supporters, relatives and associates with a place at c, each
                 once whatever the grading (the fit decides whether ``pull_share`` counts the
                 network this way or by confidence)
recent_lodging   where the lodging suppliers went lately: for each one, the place of their latest
                 leg (its destination) and of their dated location records (a move, a safe
                 house...), by tie confidence x record weight x exp(-days since / 90), summed
                 over the suppliers at c
recent_support   the same for transport, documents and money suppliers
recent_circle    the same for family and associates
recent_cotravel  the same for co-travellers, each by log(1 + shared journeys)
================ ===============================================================================

The ``recent_*`` features are the investigator's "who of the network moved lately, and
where": they point to places the fugitive never visited (a supporter who has just moved, a
companion who went ahead), where the other network features only know the network's
standing places. Undated records carry no recency and count only in ``lodging`` and the like.

"One journey away" (``direct``) means that someone in the case travelled between the current
place and c, in either direction, before ``t``.

A person's or neighbour's place is weighted by its record: the confidence of the grading
times the weight of its kind (``movements.location_kinds``). A link counts by the confidence
of its grading. A record at a town (``"Panama City, PA"``) counts at the case's travel place
nearest to it, when one is within :data:`TOWN_TO_TRAVEL_KM` (PTY): legs name airports,
records often name towns.

The weights are those of a conditional logit (McFadden 1974) fitted by maximum likelihood on
the case's own legs: every leg of every person that departs before ``as_of`` is an example,
its destination the choice among the candidates built from what was known at its departure.
A ridge penalty on standardised features keeps the fit stable. Each fit checks itself on
held-out legs: fitted on the earlier three quarters of its training legs, it is scored on the
latest quarter (``MovementModel.holdout``); that check picks the mixing weight of
``attraction`` and the weight of the network in ``pull_share`` (a grid of each), then all
legs are refitted. ``benchmarks/anticipate.py`` evaluates the whole
procedure on held-out last legs against history-only baselines. The probability of a place is the
conditional-logit share times the *coverage*, the fraction of training legs whose destination
was among the candidates, so the probabilities of a fugitive sum to the chance that the next
move goes to one of the listed candidates. With fewer than ``movements.min_train`` usable legs
the plain fallback weights of the settings are used instead (``method = "fallback"``).

Beside the logit, a gradient-boosted ranker (LightGBM LambdaRank, Burges 2010; optional extra
``boost``) is fitted on the same candidates and features when the case has at least
``movements.min_boosted_train`` usable legs. Its scores are only an order, so they are
calibrated into probabilities by one scale ``a`` (softmax of ``a`` x score, fitted by maximum
likelihood on the held-out quarter: a one-parameter conditional logit on the scores, Platt's
method for choice sets). The held-out check keeps the model with the lower held-out log loss
(``movements.ranker = "auto"``; ``"logit"`` or ``"boosted"`` force one); the chosen ranker is
then refitted on all legs with the same settings and keeps the scale. Its ``why`` comes from
the features' contributions to the score (TreeSHAP, Lundberg et al. 2020: against the average
candidate of its training legs), as the logit's comes from weight x feature (against the
average candidate of the fugitive).

Data without a date (undated links and locations) is treated as known at any time; dated data
counts from its date on, and ``as_of`` excludes everything dated on or after it.

References
----------
McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In
P. Zarembka (ed.), *Frontiers in Econometrics*, 105-142. Academic Press.

Burges, C. J. C. (2010). From RankNet to LambdaRank to LambdaMART: an overview. Microsoft
Research Technical Report MSR-TR-2010-82.

Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
regularized likelihood methods. *Advances in Large Margin Classifiers*, 61-74.

Lundberg, S. M. et al. (2020). From local explanations to global understanding with
explainable AI for trees. *Nature Machine Intelligence* 2, 56-67.
https://doi.org/10.1038/s42256-019-0138-2
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from netanalysis.errors import NetanalysisError, UnknownEntityError
from netanalysis.model.grading import grading_confidence
from netanalysis.model.graph import journey_key
from netanalysis.model.places import haversine_km, place_info
from netanalysis.model.vocab import SUPPORT_TYPES

__all__ = ["FEATURES", "MOVEMENT_COLUMNS", "MovementModel", "anticipate"]

#: The features of a candidate place, in the order of the weight vector.
FEATURES = ("visits", "recency", "base", "own_transition", "back", "lodging", "support",
            "family", "associates", "network_travel", "cotravel", "calls", "own_places", "route",
            "direct", "gravity", "distance", "home_country", "new", "pull_share",
            "route_share", "network_direct", "new_direct", "attraction", "network_ties",
            "recent_lodging", "recent_support", "recent_circle", "recent_cotravel")
#: The contract columns of ``movements.csv``, first in the DataFrame :func:`anticipate` returns.
MOVEMENT_COLUMNS = ["id", "rank", "place", "country", "probability", "why"]
_EXTRA_COLUMNS = ["name", "current_place", "as_of", "companions", "document", "facilitators",
                  "signals", "method"]
_F = {f: i for i, f in enumerate(FEATURES)}
_SUPPORT_ORDER = ("lodging", "transport", "documents", "financial")
#: Column of each feature in the matrix :meth:`MovementModel._state` fills.
_I_ASSOCIATES = _F['associates']
_I_BACK = _F['back']
_I_BASE = _F['base']
_I_CALLS = _F['calls']
_I_COTRAVEL = _F['cotravel']
_I_DIRECT = _F['direct']
_I_DISTANCE = _F['distance']
_I_FAMILY = _F['family']
_I_GRAVITY = _F['gravity']
_I_HOME_COUNTRY = _F['home_country']
_I_LODGING = _F['lodging']
_I_NETWORK_TIES = _F['network_ties']
_I_NETWORK_TRAVEL = _F['network_travel']
_I_NEW = _F['new']
_I_OWN_PLACES = _F['own_places']
_I_OWN_TRANSITION = _F['own_transition']
_I_RECENCY = _F['recency']
_I_ROUTE = _F['route']
_I_SUPPORT = _F['support']
_I_VISITS = _F['visits']
#: Mixing weights of the route share in ``attraction``, chosen by the fit.
_MIX_GRID = (0.05, 0.2, 1.0)
#: Weights of the network's places against the fugitive's own visits in ``pull_share``, chosen
#: by the fit (a graded tie counts by its confidence, a visit as one: their exchange rate is
#: the case's to tell).
_PULL_GRID = (1.0, 3.0, 10.0)
_ATTRACTION_FLOOR = 1e-3
#: Decay (days) of the network's recent places in the ``recent_*`` features (as 180 days in
#: ``recency``: a scale, not a weight; the fit weighs each feature).
_RECENT_DAYS = 90.0
#: The ``recent_*`` feature of each network category.
_RECENT_OF = {"lodging": "recent_lodging", "support": "recent_support",
              "family": "recent_circle", "associates": "recent_circle"}
#: The confidence of a grading, computed once per distinct grading.
_confidence = lru_cache(maxsize=None)(grading_confidence)


def anticipate(case, *, fugitive=None, top=None, as_of=None, settings=None):
    """Return, for each fugitive, the places where they are most likely to go next.

    Parameters
    ----------
    case : netanalysis.model.case.Case
        A loaded case.
    fugitive : str or list of str, optional
        Only these person ids (default: every fugitive with a known location or travel).
    top : int, optional
        Places per fugitive (default ``movements.top`` of the settings, 5).
    as_of : str, optional
        An ISO date: use only data dated before it, and predict the move after it. Default:
        everything, predicting the move after the last dated fact.
    settings : netanalysis.settings.Settings, optional
        Section ``movements``; the defaults otherwise.

    Returns
    -------
    DataFrame
        One row per fugitive and place, best first: :data:`MOVEMENT_COLUMNS` (``why`` names
        the signals that carried the prediction), then ``name``, ``current_place``, ``as_of``,
        ``companions`` (likely travel companions), ``document`` (the document likely used
        next), ``facilitators`` (whose services the move would need), ``signals`` (the
        features with their contributions) and ``method`` (``conditional_logit``,
        ``boosted_ranker`` or ``fallback``).

    Raises
    ------
    UnknownEntityError
        When `fugitive` names a person who is not in the case.
    NetanalysisError
        When `as_of` is not a date.

    See Also
    --------
    MovementModel : the fitted model, for repeated predictions (benchmarks).

    Examples
    --------
    >>> import pandas as pd
    >>> from netanalysis.model.case import Case
    >>> persons = pd.DataFrame({"id": ["F1", "S1"], "name": ["Ana", "Luis"],
    ...     "role": ["fugitive", "facilitator"], "nationality": [["CO"], ["PA"]],
    ...     "_file": "persons.csv", "_line": [2, 3]})
    >>> travel = pd.DataFrame({"person_id": ["F1"] * 4,
    ...     "depart": ["2024-01-02", "2024-01-20", "2024-03-01", "2024-03-15"],
    ...     "origin": ["BOG", "PTY", "BOG", "PTY"], "destination": ["PTY", "BOG", "PTY", "BOG"],
    ...     "_file": "travel.csv", "_line": [2, 3, 4, 5]})
    >>> links = pd.DataFrame({"from_id": ["S1"], "to_id": ["F1"], "type": ["lodging"],
    ...     "grading": ["B2"], "start": [None], "end": [None], "_file": "links.csv", "_line": [2]})
    >>> locations = pd.DataFrame({"person_id": ["S1"], "place": ["PTY"], "kind": ["residence"],
    ...     "start": [None], "end": [None], "grading": ["B2"], "_file": "locations.csv",
    ...     "_line": [2]})
    >>> case = Case(tables={"persons": persons, "travel": travel, "links": links,
    ...                     "locations": locations})
    >>> df = anticipate(case, top=2)
    >>> df.loc[0, ["id", "place", "country"]].tolist(), int(df.loc[0, "rank"])
    (['F1', 'PTY', 'PA'], 1)
    >>> df.loc[0, "why"].split("; ")[:2]
    ['back: came to BOG from there', 'visits: went there 2 times']
    """
    model = MovementModel(case, settings=settings)
    model.fit(as_of=as_of)
    return model.predict(fugitive=fugitive, top=top, as_of=as_of)


class MovementModel:
    """A conditional logit of next destinations, over one case's data.

    Building it indexes the case once (legs, places, network, co-travel); :meth:`fit` learns
    the weights from the legs before a date and :meth:`predict` ranks the places of fugitives.

    Parameters
    ----------
    case : netanalysis.model.case.Case
    settings : netanalysis.settings.Settings, optional

    Attributes
    ----------
    weights : dict of str to float
        The fitted weight of each feature (set by :meth:`fit`).
    coverage : float
        Share of training legs whose destination was among the candidates.
    n_train : int
        Training legs used by the fit.
    method : str
        ``"conditional_logit"``, ``"boosted_ranker"`` or ``"fallback"``.
    booster : lightgbm.Booster or None
        The gradient-boosted ranker when the held-out check chose it (``method`` is
        ``"boosted_ranker"``).
    temperature : float or None
        The scale that turns the ranker's scores into calibrated probabilities (fitted on the
        held-out legs).
    train_on : str
        Whose legs the fit used: ``"fugitives"`` or ``"everyone"``.
    mix : float
        The weight of the route share in the ``attraction`` feature, chosen by the held-out
        check.
    pull : float
        The weight of the network's places against the fugitive's own visits in
        ``pull_share``, chosen by the held-out check (1 for the fallback).
    ties : bool
        Whether ``pull_share`` counts the network's people (``network_ties``) rather than
        their confidence-weighted places, chosen by the held-out check.
    holdout : dict or None
        The held-out check of the last fit: the models fitted on the earlier three quarters of
        the training legs, scored on the latest quarter (``n`` legs): ``top1``, ``top3``,
        ``log_loss`` (mean negative log-likelihood per leg) of the ``method`` it chose, the
        ``mix``, ``pull`` and ``ties`` it chose and ``checks``, the scores of every model tried. None for the
        fallback.

    See Also
    --------
    anticipate

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> m = MovementModel(Case()).fit()
    >>> m.method, m.n_train
    ('fallback', 0)
    """

    def __init__(self, case, *, settings=None):
        from netanalysis.settings import load_settings

        if settings is None:
            settings = load_settings()
        self.s = settings.movements.to_dict()
        self.case = case
        self.weights = None
        self.coverage = None
        self.n_train = 0
        self.method = None
        self.train_on = None
        self.mix = 0.4
        self.pull = 1.0
        self.ties = False
        self.holdout = None
        self.booster = None
        self.temperature = None
        self._build()

    # ------------------------------------------------------------------ index
    def _build(self):
        t = self.case.tables
        s = self.s
        persons = t["persons"]
        pid = persons["id"].astype(str).tolist()
        # a person's row by binary search in the sorted ids: names and nationalities read
        # for the few persons a model explains, not held in a dict per person
        rows = _LastRow(pid)
        self.names = _LastValue(rows, persons["name"].array, None)
        self.roles = dict(zip(pid, _shared(persons["role"].to_numpy(dtype=object)).tolist()))
        nat = persons["nationality"] if "nationality" in persons else [None] * len(persons)
        nat = nat.tolist() if isinstance(nat, pd.Series) else nat
        # each person's nationalities as a set, made for the persons whose places are scored
        self.nationality = _LastValue(rows, nat, _nationality_set)
        # legs, sorted by person and time
        tr = t["travel"]
        # texts as object columns: the case's objects, not a str column that would give a
        # new object per cell when read back
        legs = pd.DataFrame({
            "person": _objects(_shared(tr["person_id"].astype(str).to_numpy(dtype=object))
                               if len(tr) else []),
            "t": _days(tr["depart"]) if len(tr) else [],
            "origin": _objects(tr["origin"].to_numpy() if len(tr) else []),
            "dest": _objects(tr["destination"].to_numpy() if len(tr) else []),
            "doc": _objects(tr["document_id"].to_numpy() if len(tr) and "document_id" in tr
                            else [None] * len(tr)),
            "line": tr["_line"].to_numpy() if len(tr) else [],
        })
        legs = legs[np.isfinite(legs["t"].to_numpy(float)) & legs["origin"].notna()
                    & legs["dest"].notna()]
        jkeys = _journey_keys(tr.loc[legs.index]) if len(legs) else []
        legs = legs.assign(jkey=jkeys).sort_values(["person", "t", "line"], kind="stable")
        legs = legs.reset_index(drop=True)
        self.leg_person = legs["person"].to_numpy(dtype=object)
        self.leg_t = legs["t"].to_numpy(float)
        self.leg_o = legs["origin"].to_numpy(dtype=object)
        self.leg_d = legs["dest"].to_numpy(dtype=object)
        self.leg_doc = legs["doc"].to_numpy(dtype=object)
        self.slices = {}
        if len(legs):
            p = self.leg_person
            starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
            ends = np.r_[starts[1:], len(p)]
            self.slices = {p[a]: (int(a), int(b)) for a, b in zip(starts, ends)}
        # route network: times of each (origin, destination), arrivals at each place
        pair = defaultdict(list)
        arrivals = defaultdict(list)
        for o, d, tt in zip(self.leg_o, self.leg_d, self.leg_t):
            pair[(o, d)].append(tt)
            arrivals[d].append(tt)
        self.pair_t = {k: np.sort(np.array(v)) for k, v in pair.items()}
        self.arrive_t = {k: np.sort(np.array(v)) for k, v in arrivals.items()}
        # arrivals before t at every place in one search: each arrival as an integer key
        # (place code, rank of its time among all leg times), sorted
        self._grav_places = list(self.arrive_t)
        self._grav_code = {d: i for i, d in enumerate(self._grav_places)}
        self._grav_times = _unique(self.leg_t)
        width = np.int64(len(self._grav_times) + 1)
        keys = [i * width + np.searchsorted(self._grav_times, self.arrive_t[d])
                for i, d in enumerate(self._grav_places)]
        self._grav_keys = np.concatenate(keys).astype(np.int64) if keys else np.zeros(0, np.int64)
        self._grav_base = np.arange(len(keys), dtype=np.int64) * width
        self._grav_off = np.r_[0, np.cumsum([len(k) for k in keys])[:-1]].astype(np.int64) \
            if keys else np.zeros(0, np.int64)
        self._grav_km = {}
        self.dests_from = defaultdict(set)
        self.dests_to = defaultdict(set)
        for o, d in pair:
            self.dests_from[o].add(d)
            self.dests_to[d].add(o)
        # locations per person: (place, kind, t0, weight, grading); loc_until: their ends, in
        # the same order (inf when open)
        kinds = s["location_kinds"]
        self.locs, self.loc_until = _Groups([], [[]] * 5), _Groups([], [[]], single=True)
        loc = t["locations"]
        if len(loc):
            t0 = _days(loc["start"])
            t1 = _days(loc["end"]) if "end" in loc.columns else np.full(len(loc), np.nan)
            places = loc["place"].tolist()
            served = _travel_place_of_towns(places, self.arrive_t, set(self.leg_o.tolist()))
            keep = [i for i, place in enumerate(places) if isinstance(place, str)]
            place = [served.get(places[i], places[i]) for i in keep]
            kind = [k if isinstance(k, str) else "other" for k in loc["kind"].to_numpy(object)[keep]]
            g = [x if isinstance(x, str) else "F6" for x in loc["grading"].to_numpy(object)[keep]]
            conf = {x: _confidence(x) for x in set(g)}
            w = [conf[x] * kinds.get(k, 0.5) for x, k in zip(g, kind)]
            t0, t1 = t0[keep], t1[keep]
            t0 = np.where(np.isfinite(t0), t0, -math.inf).tolist()
            t1 = np.where(np.isfinite(t1), t1, math.inf).tolist()
            pid = loc["person_id"].astype(str).to_numpy(object)[keep]
            self.locs = _Groups(pid, [place, kind, t0, w, g])
            self.loc_until = _Groups(pid, [t1], single=True)
        # network: who supports, is family or an associate of whom (person -> list)
        fam, assoc = set(s["family_types"]), set(s["associate_types"])
        # person -> [(other, category, confidence, t0, type, grading)]
        self.nbrs = _Groups([], [[]] * 6)
        links = t["links"]
        pairs = None
        if len(links):
            # only the tie types read here, in their order
            links = links[links["type"].isin([*SUPPORT_TYPES, *fam, *assoc]).to_numpy(bool)]
            # one object per person id (the str columns give a new one per cell)
            ab = _shared(np.concatenate([links["from_id"].astype(str).to_numpy(object),
                                         links["to_id"].astype(str).to_numpy(object)]))
            a, b = ab[:len(links)], ab[len(links):]
            typ = links["type"].to_numpy(object)
            g = np.array([x if isinstance(x, str) else "F6" for x in links["grading"].tolist()],
                         dtype=object)
            conf = {x: _confidence(x) for x in set(g.tolist())}
            tt = _days(links["start"])
            tt = np.where(np.isfinite(tt), tt, -math.inf)
            sup = links["type"].isin(list(SUPPORT_TYPES)).to_numpy(dtype=bool)
            is_fam = links["type"].isin(list(fam)).to_numpy(dtype=bool)
            cat = np.array(["associates", "family", "support", "lodging"], dtype=object)[
                np.where(sup, np.where(typ == "lodging", 3, 2), np.where(is_fam, 1, 0))]
            # a support tie is listed at its receiver (the supplier supports them); family and
            # associates at both ends, the `from` end first: each person's list in link order
            i_s, i_o = np.flatnonzero(sup), np.flatnonzero(~sup)
            rows = np.concatenate([i_s, i_o, i_o])
            key = np.concatenate([b[i_s], a[i_o], b[i_o]])
            other = np.concatenate([a[i_s], b[i_o], a[i_o]])
            seq = np.concatenate([2 * i_s, 2 * i_o, 2 * i_o + 1])
            gr = g[rows]
            confs = np.array([conf[x] for x in gr.tolist()], dtype=float)
            # each person's list made when read (a few persons' of a million are)
            self.nbrs = _Groups(key, [other, cat[rows], confs, tt[rows], typ[rows], gr], seq)
            pairs = (key, other)
        self.call_t = _call_times(t["phones"], t["calls"], pairs)
        # co-travel: people on the same journey (flight or voyage, same day)
        self.cotravel = _CoTravel()  # person -> [(other, t)]
        if len(legs):
            cap = int(s["cotravel_max_group"])
            g = legs[~legs["jkey"].str.startswith("journey:row")]
            # groups in the order of their first row, rows in their order (as a groupby)
            codes = pd.factorize(g["jkey"])[0]
            order = np.argsort(codes, kind="stable")
            codes = codes[order]
            self.cotravel = _CoTravel(codes, g["person"].to_numpy(dtype=object)[order],
                                      g["t"].to_numpy(float)[order], cap)
        d = t["documents"]
        # per document id (its last row) the fields the texts read; holders in id order
        self.docs = _LastRows([], [], [])
        self.held = _Groups([], [[]], single=True)
        if len(d):
            cols = [c for c in _DOC_FIELDS if c in d]
            ids = [str(x) for x in d["id"].tolist()]
            self.docs = _LastRows(ids, cols, [d[c].tolist() for c in cols])
            last = np.fromiter(self.docs.rows(), dtype=np.int64, count=len(self.docs))
            holder = d["holder_id"].to_numpy(dtype=object)[last]
            self.held = _Groups(np.array([str(x) for x in holder.tolist()], dtype=object),
                                [np.array(list(self.docs), dtype=object)], single=True)
        self._info = {}
        self._dist = {}
        self._examples = {}  # leg index -> (candidates, X): known before the leg, whatever as_of
        self._leg_t_list = self.leg_t.tolist()
        self._last_t = max([x for x in (np.nanmax(self.leg_t) if len(self.leg_t) else None,
                                        _max_t(loc["start"]) if len(loc) else None)
                            if x is not None and np.isfinite(x)], default=0.0)

    # ------------------------------------------------------------------ fit
    def fit(self, as_of=None):
        """Learn the weights from the legs departing before `as_of` (default: all legs).

        Parameters
        ----------
        as_of : str, optional
            ISO date; only legs departing before it train the model, each one predicted from
            what was known before its own departure.

        Returns
        -------
        MovementModel
            self, fitted.
        """
        s = self.s
        T = self._as_of_t(as_of)
        idx = np.flatnonzero(self.leg_t < T)
        self.train_on = "everyone"
        if s.get("train_on", "fugitives") == "fugitives":
            fug = np.array([self.roles.get(p) == "fugitive" for p in self.leg_person[idx]],
                           dtype=bool)
            if fug.sum() >= 2 * int(s["min_train"]):
                idx = idx[fug]
                self.train_on = "fugitives"
        max_train = int(s["max_train"])
        if len(idx) > max_train:  # the most recent legs resemble the next move best
            idx = idx[np.argsort(self.leg_t[idx], kind="stable")[-max_train:]]
        Xs, ys, ts = [], [], []
        n_ex = 0
        for i in idx:
            ex = self._examples.get(i)
            if ex is None:
                cands, X, _ = self._state(self.leg_person[i], self.leg_t[i])
                ex = self._examples[i] = (cands, X)
            cands, X = ex
            if not cands:
                continue
            n_ex += 1
            try:
                y = cands.index(self.leg_d[i])
            except ValueError:
                continue
            if len(cands) < 2:
                continue
            Xs.append(X)
            ys.append(y)
            ts.append(self.leg_t[i])
        self.n_train = len(ys)
        if self.n_train < int(s["min_train"]):
            fw = s["fallback_weights"]
            self.weights = {f: float(fw.get(f, 0.0)) for f in FEATURES}
            self.coverage = float(s["fallback_coverage"])
            self.method = "fallback"
            self.mix, self.pull, self.ties = 0.4, 1.0, False
            self.holdout = None
            self.booster = self.temperature = None
            return self
        # held-out check: fit on the earlier three quarters of the legs, score the latest
        # quarter; it picks the mixing weight of `attraction` and the ranker, then all legs
        # refit
        l2 = float(s["l2"])
        order = np.argsort(ts, kind="stable")
        cut = int(0.75 * len(order))
        fit_i, test_i = order[:cut], order[cut:]
        best = None

        def check(mix, pull, ties):
            for X in Xs:
                _attraction(X, mix, pull, ties)
            w, _, _ = _fit_logit([Xs[i] for i in fit_i], [ys[i] for i in fit_i], l2)
            return _scores([Xs[i] for i in test_i], [ys[i] for i in test_i], w)

        # the network's measure and weight in pull_share at the middle mix, then the mix
        for ties in (False, True):
            for pull in _PULL_GRID:
                c = check(_MIX_GRID[1], pull, ties)
                if best is None or c["log_loss"] < best[3]["log_loss"] - 1e-9:
                    best = (_MIX_GRID[1], pull, ties, c)
        for mix in _MIX_GRID:
            if mix != _MIX_GRID[1]:
                c = check(mix, best[1], best[2])
                if c["log_loss"] < best[3]["log_loss"] - 1e-9:
                    best = (mix, best[1], best[2], c)
        self.mix, self.pull, self.ties, logit_check = best
        for X in Xs:
            _attraction(X, self.mix, self.pull, self.ties)
        checks = {"conditional_logit": logit_check}
        self.booster, self.temperature = None, None
        boosted = None
        if s["ranker"] != "logit" and self.n_train >= int(s["min_boosted_train"]):
            lgb = _lightgbm(required=s["ranker"] == "boosted")
            if lgb is not None:
                bst = _fit_boosted(lgb, [Xs[i] for i in fit_i], [ys[i] for i in fit_i])
                flat = bst.predict(np.vstack([Xs[i] for i in test_i]), num_threads=1)
                su = np.split(flat, np.cumsum([len(Xs[i]) for i in test_i])[:-1])
                temp = _fit_temperature(su, [ys[i] for i in test_i])
                checks["boosted_ranker"] = _scores_u([temp * u for u in su],
                                                     [ys[i] for i in test_i])
                boosted = (lgb, temp)
        choice = min(checks, key=lambda k: (checks[k]["log_loss"], k != "conditional_logit"))
        if s["ranker"] == "boosted" and boosted is not None:
            choice = "boosted_ranker"
        self.holdout = {"mix": self.mix, "pull": self.pull, "ties": self.ties, "n": len(test_i), "method": choice,
                        **checks[choice], "checks": checks}
        w, _, _ = _fit_logit(Xs, ys, l2)
        self.weights = dict(zip(FEATURES, map(float, w)))
        if choice == "boosted_ranker":
            lgb, self.temperature = boosted
            self.booster = _fit_boosted(lgb, Xs, ys)
        self.coverage = (self.n_train + 1) / (n_ex + 2)
        self.method = choice
        return self

    # ------------------------------------------------------------------ predict
    def predict(self, *, fugitive=None, top=None, as_of=None):
        """Return the ranked places of fugitives (see :func:`anticipate`).

        Parameters
        ----------
        fugitive : str or list of str, optional
        top : int, optional
        as_of : str, optional
            As in :func:`anticipate`; the weights are those of the last :meth:`fit` (fitted
            with `as_of` first when the model has not been fitted).

        Returns
        -------
        DataFrame
        """
        if self.weights is None:
            self.fit(as_of=as_of)
        top = int(top if top is not None else self.s["top"])
        T = self._as_of_t(as_of)
        if fugitive is None:
            ids = [p for p, r in self.roles.items() if r == "fugitive"]
        else:
            ids = [fugitive] if isinstance(fugitive, str) else list(fugitive)
            missing = [p for p in ids if p not in self.roles]
            if missing:
                raise UnknownEntityError(f"no person with id {missing[0]!r} in the case")
        w = np.array([self.weights[f] for f in FEATURES])
        rows = []
        as_of_text = as_of or _day_text(T - 1)
        states = []
        for p in ids:
            cands, X, ev = self._state(p, T, explain=True)
            if cands:
                _attraction(X, self.mix, self.pull, self.ties)
                states.append((p, cands, X, ev))
        if self.booster is not None and states:
            # the scores of every candidate in one call (rows are scored independently)
            flat = self.temperature * self.booster.predict(
                np.vstack([X for _, _, X, _ in states]), num_threads=1)
            scores = np.split(flat, np.cumsum([len(X) for _, _, X, _ in states])[:-1])
        ranked = []  # per state: probabilities, the places listed (best first), contributions
        for i, (_p, cands, X, _ev) in enumerate(states):
            if self.booster is not None:
                u = scores[i]
                contrib = None  # filled below for the places listed only (TreeSHAP is slow)
            else:
                u = X @ w
                # what sets a place apart from the other candidates (from nothing when alone)
                contrib = (X - X.mean(axis=0)) * w if len(cands) > 1 else X * w
            e = np.exp(u - u.max())
            prob = self.coverage * e / e.sum()
            order = np.argsort(-prob, kind="stable")[:top]
            ranked.append((prob, order, contrib))
        if self.booster is not None and states:
            # the features' contributions to the score (TreeSHAP, on the logit scale), against
            # the average candidate the ranker was trained on: the places listed of every
            # state in one call (rows are explained independently)
            flat = self.temperature * self.booster.predict(
                np.vstack([X[o] for (_, _, X, _), (_, o, _) in zip(states, ranked)]),
                pred_contrib=True, num_threads=1)[:, :len(FEATURES)]
            at = 0
            for k, ((_, _, X, _), (prob, order, _)) in enumerate(zip(states, ranked)):
                contrib = np.zeros_like(X)
                contrib[order] = flat[at:at + len(order)]
                at += len(order)
                ranked[k] = (prob, order, contrib)
        for (p, cands, X, ev), (prob, order, contrib) in zip(states, ranked):
            extra = self._context(p, T, cands[order[0]])
            for k in order:
                _share_evidence(ev[k], X[k], ev["current"])
            for rank, k in enumerate(order, 1):
                c = cands[k]
                info = self._place(c)
                rows.append({
                    "id": p, "rank": rank, "place": c,
                    "country": info.country if info else None,
                    "probability": round(float(prob[k]), 4),
                    "why": _why(contrib[k], ev[k]),
                    "name": self.names.get(p), "current_place": ev["current"],
                    "as_of": as_of_text, **extra,
                    "signals": "; ".join(f"{FEATURES[j]}={contrib[k][j]:+.2f}"
                                         for j in np.argsort(-contrib[k])[:4]
                                         if contrib[k][j] > 0),
                    "method": self.method,
                })
        cols = MOVEMENT_COLUMNS + _EXTRA_COLUMNS
        return pd.DataFrame(rows, columns=cols)

    # ------------------------------------------------------------------ features
    def _place(self, c):
        if c not in self._info:
            self._info[c] = place_info(c)
        return self._info[c]

    def _known_legs(self, p, t):
        a, b = self.slices.get(p, (0, 0))
        return a, bisect_left(self._leg_t_list, t, a, b)

    def _km(self, a, b):
        key = (a, b)
        km = self._dist.get(key)
        if km is None:
            ia, ib = self._place(a), self._place(b)
            km = (haversine_km(ia.lat, ia.lon, ib.lat, ib.lon)
                  if ia is not None and ib is not None else math.nan)
            self._dist[key] = km
        return km

    def _gravity(self, cur, t, top):
        """The `top` places by log(1 + arrivals before `t`) - log(1 + km from `cur` / 100),
        best first (ties by name), without `cur` and places of unknown distance."""
        if top <= 0:
            return []
        km = self._grav_km.get(cur)
        if km is None:
            km = self._grav_km[cur] = np.array([self._km(cur, d) for d in self._grav_places],
                                               dtype=float)
        q = np.searchsorted(self._grav_times, t)  # times below t
        n = np.searchsorted(self._grav_keys, self._grav_base + q) - self._grav_off
        ok = (n > 0) & ~np.isnan(km)
        i = self._grav_code.get(cur)
        if i is not None:
            ok[i] = False
        sel = np.flatnonzero(ok)
        if len(sel) > top:
            # numpy's scores pick the few near the top; their exact scores (math) decide
            approx = np.log1p(n[sel]) - np.log1p(km[sel] / 100.0)
            kth = np.partition(approx, len(approx) - top)[len(approx) - top]
            sel = sel[approx >= kth - 1e-9]
        grav = [(math.log1p(int(n[j])) - math.log1p(float(km[j]) / 100.0), self._grav_places[j])
                for j in sel.tolist()]
        grav.sort(key=lambda x: (-x[0], x[1]))
        return [d for _, d in grav[:top]]

    def _places_of(self, q, t, travel=True):
        """Places of person `q` known before `t`: {place: weight} (locations, then travel).

        A location record that ended before `t` (a residence left, for one) no longer places
        the person there. Without `travel`, only the location records count, except for a
        person who has none (then the places of their travel stand in, at weight 0.3).
        """
        out = {}
        for (place, _kind, t0, w, _g), t1 in zip(self.locs.get(q, ()), self.loc_until.get(q, ())):
            if t0 < t and not t1 <= t:
                out[place] = max(out.get(place, 0.0), w)
        if travel or not out:
            a, k = self._known_legs(q, t)
            for d in self.leg_d[a:k]:
                out.setdefault(d, 0.3)
        return out

    def _recent_places(self, q, t):
        """Where person `q` went lately, known before `t`: {place: (day, weight, how)}.

        The destination of q's latest leg (weight 1) and every dated location record
        (confidence x kind weight); a place keeps its latest date.
        """
        out = {}
        a, k = self._known_legs(q, t)
        if k > a:
            out[self.leg_d[k - 1]] = (self.leg_t[k - 1], 1.0, "travel")
        for place, kind, t0, w, _g in self.locs.get(q, ()):
            if -math.inf < t0 < t and (place not in out or t0 > out[place][0]):
                out[place] = (t0, w, kind)
        return out

    def _current(self, p, t):
        """The last known place of `p` before `t` and the origin of the leg that led there."""
        a, k = self._known_legs(p, t)
        best_t, cur, prev = -math.inf, None, None
        if k > a:
            best_t, cur, prev = self.leg_t[k - 1], self.leg_d[k - 1], self.leg_o[k - 1]
        for place, kind, t0, _w, _g in self.locs.get(p, ()):
            if kind in ("sighting", "arrest", "residence", "safe_house") and best_t < t0 < t:
                best_t, cur, prev = t0, place, None
        if cur is None:
            res = [(w, place) for place, kind, t0, w, _g in self.locs.get(p, ())
                   if kind == "residence" and t0 < t]
            if res:
                cur = max(res)[1]
        return cur, prev

    def _state(self, p, t, explain=False):
        """Candidates, their feature matrix and (when `explain`) the evidence per candidate."""
        s = self.s
        cur, prev = self._current(p, t)
        a, k = self._known_legs(p, t)
        visits, last, leave = Counter(), {}, Counter()
        trans = Counter()
        for i in range(a, k):
            o, d, tt = self.leg_o[i], self.leg_d[i], self.leg_t[i]
            if i == a:
                visits[o] += 1  # where the known history starts
            visits[d] += 1
            last[o] = max(last.get(o, -math.inf), tt)
            last[d] = max(last.get(d, -math.inf), tt)
            leave[o] += 1
            if o == cur:
                trans[d] += 1
        n_own = k - a
        own_res, own_other, own_other_kinds = {}, {}, defaultdict(set)
        for place, kind, t0, w, _g in self.locs.get(p, ()):
            if t0 >= t:
                continue
            if kind == "residence":
                own_res[place] = max(own_res.get(place, 0.0), w)
            else:
                own_other[place] = own_other.get(place, 0.0) + w
                own_other_kinds[place].add(kind)
            if t0 > -math.inf:
                last[place] = max(last.get(place, -math.inf), t0)
        net = defaultdict(lambda: defaultdict(float))  # category -> place -> value
        net_ev = defaultdict(list)  # (category, place) -> evidence
        net_travel = Counter()
        ties = defaultdict(set)  # place -> the supporters, relatives, associates placed there
        called = {}  # neighbour -> (confidence of the strongest tie, type, recent calls)
        window = float(s["call_window_days"])
        # recent places of the network: feature -> person -> (confidence, type, grading)
        recent_by = defaultdict(dict)
        for q, cat, conf, t0, typ, g in self.nbrs.get(p, ()):
            if t0 >= t:
                continue
            for place, w in self._places_of(q, t, travel=False).items():
                net[cat][place] += conf * w
                ties[place].add(q)
                if explain:
                    net_ev[(cat, place)].append((conf * w, q, typ, g))
            r = recent_by[_RECENT_OF[cat]]
            if conf > r.get(q, (-1.0,))[0]:
                r[q] = (conf, typ, g)
            ct = self.call_t.get((p, q))
            if ct is not None and conf > called.get(q, (-1.0,))[0]:
                n = bisect_left(ct, t) - bisect_left(ct, t - window)
                if n:
                    called[q] = (conf, typ, n)
        calls = defaultdict(float)
        calls_ev = defaultdict(list)
        for q, (conf, typ, n) in called.items():
            for place, w in self._places_of(q, t, travel=False).items():
                calls[place] += conf * w * math.log1p(n)
                if explain:
                    calls_ev[place].append((n, q, typ))
        for q in {q for q, _c, _f, t0, _y, _g in self.nbrs.get(p, ()) if t0 < t}:
            qa, qk = self._known_legs(q, t)
            for d in self.leg_d[qa:qk]:
                net_travel[d] += 1
        shared = Counter(q for q, tt in self.cotravel.get(p, ()) if tt < t)
        for q, nshared in shared.items():
            recent_by["recent_cotravel"][q] = (math.log1p(nshared), "co-traveller",
                                               f"{nshared} shared leg{'s' if nshared > 1 else ''}")
        recent = defaultdict(lambda: defaultdict(float))  # feature -> place -> value
        recent_ev = defaultdict(list)  # (feature, place) -> (value, person, type, grading, day, how)
        for feat, people in recent_by.items():
            for q, (conf, typ, g) in people.items():
                for place, (tx, w, how) in self._recent_places(q, t).items():
                    v = conf * w * math.exp(-(t - tx) / _RECENT_DAYS)
                    recent[feat][place] += v
                    if explain:
                        recent_ev[(feat, place)].append((v, q, typ, g, tx, how))
        cot = defaultdict(float)
        cot_ev = defaultdict(list)
        for q, nshared in shared.items():
            wq = math.log1p(nshared)
            for place in self._places_of(q, t):
                cot[place] += wq
                if explain:
                    cot_ev[place].append((nshared, q))
        # route network from the current place
        route, linked = {}, set()
        if cur is not None:
            for d in self.dests_from.get(cur, ()):
                n = bisect_left(self.pair_t[(cur, d)], t)
                if n:
                    route[d] = n
            # a journey either way shows a connection (routes are mostly flown both ways)
            linked = set(route) | {o for o in self.dests_to.get(cur, ())
                                   if bisect_left(self.pair_t[(o, cur)], t)}
        cands = set(visits) | set(own_res) | set(own_other) | set(cot) | set(net_travel)
        for cat in net:
            cands |= set(net[cat])
        for feat in recent:
            cands |= set(recent[feat])
        ranked = [d for d, _ in sorted(route.items(), key=lambda x: (-x[1], x[0]))]
        ranked += sorted(c for c in linked - set(route) if isinstance(c, str))
        cands |= set(ranked[:int(s["route_candidates"])])
        cinfo = self._place(cur) if cur is not None else None
        if cinfo is not None:
            cands |= set(self._gravity(cur, t, int(s["gravity_candidates"])))
        cands.discard(cur)
        cands = sorted(c for c in cands if isinstance(c, str))
        if not cands:
            return [], np.zeros((0, len(FEATURES))), {"current": cur}
        X = np.zeros((len(cands), len(FEATURES)))
        nat = self.nationality.get(p, set())
        ev = {"current": cur}
        n_feat = len(FEATURES)
        for j, c in enumerate(cands):
            x = [0.0] * n_feat  # the row, filled as a list and stored once
            v = visits.get(c, 0)
            x[_I_VISITS] = math.log1p(v)
            if c in last:
                x[_I_RECENCY] = math.exp(-(t - last[c]) / 180.0)
            x[_I_BASE] = max(own_res.get(c, 0.0), leave.get(c, 0) / n_own if n_own >= 2 else 0.0)
            x[_I_OWN_TRANSITION] = math.log1p(trans.get(c, 0))
            x[_I_BACK] = 1.0 if (prev is not None and c == prev) else 0.0
            x[_I_LODGING] = net["lodging"].get(c, 0.0) if "lodging" in net else 0.0
            x[_I_SUPPORT] = net["support"].get(c, 0.0) if "support" in net else 0.0
            x[_I_FAMILY] = net["family"].get(c, 0.0) if "family" in net else 0.0
            x[_I_ASSOCIATES] = net["associates"].get(c, 0.0) if "associates" in net else 0.0
            x[_I_NETWORK_TRAVEL] = math.log1p(net_travel.get(c, 0))
            x[_I_COTRAVEL] = cot.get(c, 0.0)
            x[_I_CALLS] = calls.get(c, 0.0)
            x[_I_OWN_PLACES] = own_other.get(c, 0.0)
            x[_I_ROUTE] = math.log1p(route.get(c, 0))
            x[_I_DIRECT] = 1.0 if c in linked else 0.0
            arr = self.arrive_t.get(c)
            x[_I_GRAVITY] = math.log1p(bisect_left(arr, t)) if arr is not None else 0.0
            ci = self._place(c)
            if ci is not None and cinfo is not None:
                x[_I_DISTANCE] = math.log1p(self._km(cur, c) / 100.0)
            x[_I_HOME_COUNTRY] = 1.0 if (ci is not None and ci.country in nat) else 0.0
            x[_I_NEW] = 1.0 if (v == 0 and c not in own_res and c not in own_other) else 0.0
            x[_I_NETWORK_TIES] = len(ties[c]) if c in ties else 0.0
            for feat, vals in recent.items():
                x[_F[feat]] = vals.get(c, 0.0)
            X[j] = x
        if explain:
            def evidence(j):
                c = cands[j]
                e = self._evidence(c, visits.get(c, 0), last, own_res, own_other,
                                   own_other_kinds, trans, cur, prev, net_ev, net_travel,
                                   cot_ev, route, self._place(c), linked)
                if c in ties:
                    n = len(ties[c])
                    e["network_ties"] = (f"{n} of the network (supporters, relatives, "
                                         f"associates) {'has a place' if n == 1 else 'have places'}"
                                         " there")
                for feat in ("recent_lodging", "recent_support", "recent_circle",
                             "recent_cotravel"):
                    if recent_ev.get((feat, c)):
                        e[feat] = _recent_text(recent_ev[(feat, c)], feat, self._who)
                if calls_ev.get(c):
                    items = sorted(calls_ev[c], key=lambda x: (-x[0], x[1]))[:2]
                    e["calls"] = "; ".join(
                        f"{n} call{'s' if n > 1 else ''} with {self._who(q)} ({typ})"
                        for n, q, typ in items) + f" in the {window:g} days before, " + (
                        "who has a place there" if len(items) == 1 else "who have places there")
                return e

            # the texts of a candidate are written when asked for (the places listed only)
            ev = _Evidence(evidence, current=cur)
        _shares(X)
        return cands, X, ev

    def _evidence(self, c, v, last, own_res, own_other, own_other_kinds, trans, cur, prev,
                  net_ev, net_travel, cot_ev, route, ci, linked=()):
        e = {}
        if v:
            e["visits"] = f"went there {v} time{'s' if v > 1 else ''}"
            e["recency"] = f"last there {_day_text(last[c])}"
        if c in own_res:
            e["base"] = "own residence"
        elif v:
            e["base"] = "a base of past trips"
        if trans.get(c):
            e["own_transition"] = f"{trans[c]} own trip(s) {cur} -> {c}"
        if prev is not None and c == prev:
            e["back"] = f"came to {cur} from there"
        for cat in ("lodging", "support", "family", "associates"):
            items, seen = [], set()
            for it in sorted(net_ev.get((cat, c), ()), key=lambda x: (-x[0], x[1])):
                if it[1] not in seen:  # one person once, with their strongest tie
                    seen.add(it[1])
                    items.append(it)
            items = items[:2]
            if items:
                who = ", ".join(f"{self._who(q)} ({typ}, {g})" for _, q, typ, g in items)
                noun = {"lodging": "supporter", "support": "supporter", "family": "relative",
                        "associates": "associate"}[cat]
                e[cat] = (f"{noun} {who} has a place there" if len(items) == 1 else
                          f"{noun}s {who} have places there")
        if net_travel.get(c):
            e["network_travel"] = f"the network travelled there {net_travel[c]} time(s)"
        items = sorted(cot_ev.get(c, ()), key=lambda x: (-x[0], x[1]))[:2]
        if items:
            e["cotravel"] = ("co-traveller " if len(items) == 1 else "co-travellers ") + ", ".join(
                f"{self._who(q)} ({n} shared leg{'s' if n > 1 else ''})" for n, q in items) + \
                (" has a place there" if len(items) == 1 else " have places there")
        if c in own_other:
            kinds = sorted(own_other_kinds.get(c, ()))
            e["own_places"] = "own " + ("/".join(k.replace("_", " ") for k in kinds) or
                                        "location") + " there"
        if route.get(c):
            e["route"] = f"{route[c]} journeys {cur} -> {c} in the case"
            e["direct"] = f"a direct connection from {cur}"
        elif c in linked:
            e["direct"] = f"a connection: journeys {c} -> {cur} in the case"
        e["gravity"] = "busy destination" + (f" near {cur}" if cur else "")
        if cur is not None and ci is not None:
            cinfo = self._place(cur)
            if cinfo is not None:
                e["distance"] = f"{self._km(cur, c):.0f} km from {cur}"
        if ci is not None:
            e["home_country"] = f"in a country of nationality ({ci.country})"
        e["new"] = "a place not visited before"
        return e

    def _who(self, q):
        n = self.names.get(q)
        return f"{q} {n}" if isinstance(n, str) and n else q

    def _context(self, p, t, best):
        """Companions, the document likely used next and the facilitators of the move."""
        shared = Counter(q for q, tt in self.cotravel.get(p, ()) if tt < t)
        companions = "; ".join(f"{self._who(q)} ({n} shared leg{'s' if n > 1 else ''})"
                               for q, n in sorted(shared.items(), key=lambda x: (-x[1], x[0]))[:3])
        a, k = self._known_legs(p, t)
        used = [d for d in self.leg_doc[a:k] if isinstance(d, str) and d]
        doc = ""
        if used:
            d = used[-1]
            r = self.docs.get(d, {})
            doc = f"{d} ({_doc_text(r)}, used on the last leg with a document)"
        flagged = [d for d in self.held.get(p, ())
                   if self.docs[d].get("status") in ("stolen", "fraudulent", "lost", "revoked")
                   and (not used or d != used[-1])]
        if flagged:
            doc = "; ".join(filter(None, [doc] + [f"{d} ({_doc_text(self.docs[d])})"
                                                  for d in flagged[:2]]))
        if not doc and self.held.get(p):
            d = sorted(self.held[p])[0]
            doc = f"{d} ({_doc_text(self.docs[d])})"
        sup = []
        for q, cat, conf, t0, typ, g in self.nbrs.get(p, ()):
            if cat in ("lodging", "support") and t0 < t:
                there = best in self._places_of(q, t)
                sup.append((not there, _SUPPORT_ORDER.index(typ) if typ in _SUPPORT_ORDER else 9,
                            -conf, q, typ, g, there))
        sup.sort()
        seen, fac = set(), []
        for _, _, _, q, typ, g, there in sup:
            if (q, typ) in seen:
                continue
            seen.add((q, typ))
            fac.append(f"{self._who(q)} ({typ}, {g}{', at ' + best if there else ''})")
        return {"companions": companions, "document": doc, "facilitators": "; ".join(fac[:4])}

    def _as_of_t(self, as_of):
        if as_of is None:
            return self._last_t + 1.0
        t = _days(pd.Series([str(as_of)]))[0]
        if not np.isfinite(t):
            raise NetanalysisError(f"as_of must be an ISO date (YYYY-MM-DD), got {as_of!r}")
        return float(t)


# ---------------------------------------------------------------------- helpers

class _Evidence(dict):
    """Evidence texts per candidate index, built on first access (``"current"`` is stored)."""

    def __init__(self, build, **items):
        super().__init__(**items)
        self._build = build

    def __missing__(self, j):
        e = self[int(j)] = self._build(int(j))
        return e


#: A location record at a town counts at the travel place (airport, port, crossing) of the
#: case nearest to it when that place is at most this far (km): legs name airports, records
#: often name towns ("Panama City, PA" is PTY).
TOWN_TO_TRAVEL_KM = 60.0


class _LastRows:
    """The fields `cols` of the last row of each id, as a dict built when asked for.

    Iterates the ids in the order of their first row (as a dict of every id's fields built
    row by row would), without building those dicts for the ids nobody reads.
    """

    def __init__(self, ids, cols, values):
        self._last = dict(zip(ids, range(len(ids))))  # a repeated id keeps its last row
        self._cols, self._values = cols, values

    def get(self, key, default=None):
        k = self._last.get(key)
        return default if k is None else dict(zip(self._cols, (v[k] for v in self._values)))

    def __getitem__(self, key):
        if key not in self._last:
            raise KeyError(key)
        return self.get(key)

    def __iter__(self):
        return iter(self._last)

    def __len__(self):
        return len(self._last)

    def rows(self):
        """The last row of each id, in the order of the ids."""
        return self._last.values()


def _unique(x):
    """The sorted distinct values of the finite or integer array `x` (as ``np.unique``).

    By a sort: numpy's hashed ``unique`` took 20 times longer on a million random
    int64 pair keys.
    """
    x = np.sort(np.asarray(x))
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


class _LastRow:
    """The row of the last occurrence of each key (as ``dict(zip(keys, range(n)))`` gives),
    found by binary search in the keys sorted: a list of references, not a dict of rows."""

    def __init__(self, keys):
        keys = np.asarray(keys, dtype=object)
        order = np.argsort(keys, kind="stable") if len(keys) else np.zeros(0, dtype=np.int64)
        self._keys, self._rows = keys[order].tolist(), order

    def get(self, key):
        if not isinstance(key, str):
            return None
        i = bisect_right(self._keys, key) - 1  # the last of equal keys: the latest row
        if i < 0 or self._keys[i] != key:
            return None
        return int(self._rows[i])


class _LastValue:
    """``convert`` of the value of each key (its last one), made when asked for.

    `rows` is a :class:`_LastRow` of the keys; `values` is aligned with the keys (a list, an
    array or a pandas array, read one element at a time); `convert` None gives the value.
    """

    def __init__(self, rows, values, convert):
        self._rows, self._values, self._convert = rows, values, convert

    def get(self, key, default=None):
        k = self._rows.get(key)
        if k is None:
            return default
        v = self._values[k]
        return v if self._convert is None else self._convert(v)


def _nationality_set(v):
    return set(v) if isinstance(v, (list, tuple)) else set()



class _Groups:
    """``{key: [items with that key]}``, each list made when read.

    `keys` is aligned with the columns of `columns` (and `seq`); an item is the tuple of the
    columns' values at one row (the value of the only column with `single`), the items of a
    key in the order of `seq` (default: the rows' order). The columns are kept as arrays in
    key order, a key's list is made (and kept) on its first :meth:`get`: a movement model
    reads the lists of the few persons it scores and their network, not a million persons'.
    Values come back as :meth:`numpy.ndarray.tolist` gives them (Python floats, the objects
    of an object column), as a dict of lists built from the same columns holds them.
    """

    def __init__(self, keys, columns, seq=None, single=False):
        keys = np.asarray(keys, dtype=object)
        self._single = single
        self._made = {}
        if not len(keys):
            self._keys = []
            self._cols, self._bounds = [], np.zeros(1, dtype=np.int64)
            return
        codes, uniq = pd.factorize(keys)
        uniq = np.asarray(uniq, dtype=object)
        # rows by key (keys sorted, for a binary search), then by `seq` or row order
        rank = np.empty(len(uniq), dtype=np.int64)
        by_key = np.argsort(uniq, kind="stable")
        rank[by_key] = np.arange(len(uniq))
        r = rank[codes]
        order = (np.argsort(r, kind="stable") if seq is None
                 else np.lexsort((np.asarray(seq), r)))
        self._keys = uniq[by_key].tolist()  # a list: bisect searches it without numpy's overhead
        self._cols = [_column(c)[order] for c in columns]
        self._bounds = np.searchsorted(r[order], np.arange(len(uniq) + 1)).astype(np.int64)

    def get(self, key, default=None):
        made = self._made.get(key)
        if made is not None:
            return made
        if not isinstance(key, str):
            return default
        i = bisect_left(self._keys, key)
        if i >= len(self._keys) or self._keys[i] != key:
            return default
        lo, hi = int(self._bounds[i]), int(self._bounds[i + 1])
        parts = [c[lo:hi].tolist() for c in self._cols]
        made = self._made[key] = parts[0] if self._single else list(zip(*parts))
        return made

    def __getitem__(self, key):
        v = self.get(key)
        if v is None:
            raise KeyError(key)
        return v

    def __contains__(self, key):
        return self.get(key) is not None

    def __len__(self):
        return len(self._keys)


def _shared(values):
    """The object array `values` with each distinct text one object (missing cells as they are).

    A column of pandas' ``str`` dtype gives a new Python object for every cell it turns into
    objects: a million persons' ``"unknown"`` roles are a million strings.
    """
    values = np.asarray(values, dtype=object)
    if not len(values):
        return values
    codes, uniq = pd.factorize(values)
    out = np.asarray(uniq, dtype=object)[np.maximum(codes, 0)]
    missing = codes < 0
    if missing.any():
        out[missing] = values[missing]
    return out


def _objects(values):
    """`values` as a pandas object Series (kept as these objects, not converted to str)."""
    return pd.Series(_column(list(values)) if not isinstance(values, np.ndarray) else values,
                     dtype=object)


def _column(values):
    """`values` as an array: an ndarray as it is, a list as an object array of its objects."""
    if isinstance(values, np.ndarray):
        return values
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


class _CoTravel:
    """Each person's co-travellers, ``[(other, day)]``, made when read.

    `codes` are the journeys of the legs (sorted: a journey's legs together, journeys in the
    order of their first leg), `persons` and `days` aligned with them. For a person, every
    leg of theirs on a journey of 2 to `cap` legs, in that order, lists the other travellers
    of the journey in their order, each with the day of the person's leg: the list a loop
    over the journeys appending to every traveller's list gives.
    """

    def __init__(self, codes=None, persons=None, days=None, cap=0):
        self._made = {}
        self._rows = _Groups([], [[]], single=True)
        if codes is None or not len(codes):
            return
        codes = np.asarray(codes)
        bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
        size = np.diff(bounds)
        lo = np.repeat(bounds[:-1], size)  # each leg's journey: its first and past-last leg
        hi = np.repeat(bounds[1:], size)
        ok = (hi - lo >= 2) & (hi - lo <= cap)
        rows = np.flatnonzero(ok)
        self._persons, self._days, self._lo, self._hi = persons, days, lo, hi
        self._rows = _Groups(persons[rows], [rows], single=True)

    def get(self, key, default=None):
        made = self._made.get(key)
        if made is not None:
            return made
        rows = self._rows.get(key)
        if rows is None:
            return default
        out = []
        for r in rows:
            t = float(self._days[r])
            out += [(b, t) for b in self._persons[self._lo[r]:self._hi[r]].tolist() if b != key]
        self._made[key] = out
        return out


def _journey_keys(rows):
    """:func:`~netanalysis.model.graph.journey_key` of every travel row of `rows`, in order.

    The key is a function of the row's carrier, flight and departure (and of its line for a
    row without a flight number): it is computed once per distinct triple and given to every
    row with that triple, which on a large case is a few times fewer calls than rows.
    """
    cols = [c for c in ("carrier", "flight", "depart") if c in rows]
    lines = rows["_line"].tolist() if "_line" in rows else [None] * len(rows)
    if not cols:
        return [f"journey:row{x}" for x in lines]
    codes = np.zeros(len(rows), dtype=np.int64)
    for c in cols:  # one code per distinct triple (a column's missing values are one value)
        k, u = pd.factorize(rows[c], use_na_sentinel=True)
        codes = pd.factorize(codes * (len(u) + 1) + (k + 1))[0].astype(np.int64)
    _, first, inv = np.unique(codes, return_index=True, return_inverse=True)
    reps = rows.iloc[first][cols + (["_line"] if "_line" in rows else [])].to_dict("records")
    keys = [journey_key(r) for r in reps]
    out = np.asarray(keys, dtype=object)[inv.ravel()]
    own = np.array([k.startswith("journey:row") for k in keys], dtype=bool)[inv.ravel()]
    for i in np.flatnonzero(own).tolist():  # no flight number: the row is its own journey
        out[i] = f"journey:row{lines[i]}"
    return out.tolist()


def _travel_place_of_towns(places, arrivals, origins):
    """Map each town among `places` to the nearest travel place of the case within
    :data:`TOWN_TO_TRAVEL_KM` (places that legs leave from or arrive at); other places, and
    towns with no travel place that near, are not in the returned dict."""
    ends = [(k, place_info(k)) for k in sorted({*arrivals, *origins}, key=str)
            if isinstance(k, str)]
    ends = [(k, i) for k, i in ends if i is not None]
    out = {}
    for place in {p for p in places if isinstance(p, str)}:
        info = place_info(place)
        if info is None or info.kind != "town" or place in arrivals or place in origins:
            continue
        best = min(((haversine_km(info.lat, info.lon, i.lat, i.lon), k) for k, i in ends),
                   default=None)
        if best is not None and best[0] <= TOWN_TO_TRAVEL_KM:
            out[place] = best[1]
    return out


def _days(values):
    """ISO dates (partial allowed) -> float days since 1970-01-01 (NaN when missing)."""
    s = pd.Series(values, dtype=object).where(pd.notna(pd.Series(values, dtype=object)), None)
    dt = pd.to_datetime(s, format="ISO8601", errors="coerce")
    out = (dt - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return out.to_numpy(dtype=float, na_value=np.nan)


def _max_t(values):
    d = _days(values)
    d = d[np.isfinite(d)]
    return float(d.max()) if len(d) else None


def _day_text(t):
    t = float(t)
    day = math.floor(t) if math.isfinite(t) else None
    if day is not None and t - day < 1.0 - 1e-6 and -25567 <= day <= 2932896:
        # a day well inside 1900-01-01 .. 9999-12-31 (not at a hair below midnight, where
        # pandas' nanosecond rounding may give the next day): the date by integer arithmetic
        return (_EPOCH + timedelta(days=day)).isoformat()
    return (pd.Timestamp("1970-01-01") + pd.Timedelta(days=t)).strftime("%Y-%m-%d")


_EPOCH = date(1970, 1, 1)


#: The fields of a document row read by :func:`_doc_text` and the flagged-document check.
_DOC_FIELDS = ("kind", "issuing_country", "status")


def _doc_text(r):
    parts = [r.get("kind"), r.get("issuing_country"), r.get("status")]
    return " ".join(str(x) for x in parts if isinstance(x, str) and x) or "document"


def _why(contrib, ev):
    """Name the signals that carried a prediction: the largest positive contributions."""
    order = np.argsort(-contrib, kind="stable")
    top = contrib[order[0]] if len(order) else 0.0
    parts = []
    for j in order:
        c = contrib[j]
        if c <= 0 or c < 0.15 * top or len(parts) >= 4:
            break
        text = ev.get(FEATURES[j])
        if text:
            parts.append(f"{FEATURES[j].replace('_', ' ')}: {text}")
    return "; ".join(parts) or "route network prior"


def _call_times(phones, calls, nbrs):
    """Times of the calls between each person and their network: {(p, q): sorted days}.

    A call counts between the persons known to use its two numbers (``phones``), when one is
    a supporter, relative or associate of the other (`nbrs`: two aligned arrays, each
    person and one of the network listed for them; or None); both orders of the pair are
    keys.
    """
    if not len(calls) or not len(phones) or nbrs is None or not len(nbrs[0]):
        return {}
    users = pd.DataFrame({"number": phones["number"].astype(str),
                          "person": phones["person_id"].astype(str)}).drop_duplicates()
    c = pd.DataFrame({"a": calls["caller"].astype(str), "b": calls["callee"].astype(str),
                      "t": _days(calls["start"])})
    c = c[np.isfinite(c["t"].to_numpy(float))]
    c = c.merge(users.rename(columns={"number": "a", "person": "pa"}), on="a")
    c = c.merge(users.rename(columns={"number": "b", "person": "pb"}), on="b")
    c = c[c["pa"] != c["pb"]]
    if not len(c):
        return {}
    # persons as integer codes (those of `nbrs` first, in their order), a pair as one int64
    # key; calls kept for the pairs in `nbrs`. The callers' and callees' ids are coded by
    # their distinct values: no Python object per call
    na, nb = nbrs
    codes, names = pd.factorize(np.concatenate([np.asarray(na, dtype=object),
                                                np.asarray(nb, dtype=object)]))
    codes = codes.astype(np.int64)
    m = len(na)
    index = pd.Index(names)
    a, b = (_codes_in(c[col], index) for col in ("pa", "pb"))
    n = np.int64(len(names))
    allowed = _unique(codes[:m] * n + codes[m:2 * m])
    both = (a >= 0) & (b >= 0)  # a person outside `nbrs` makes no allowed pair
    a, b = a[both], b[both]
    key = np.concatenate([a * n + b, b * n + a])  # both orders of the pair
    t = np.tile(c["t"].to_numpy(float)[both], 2)
    at = np.searchsorted(allowed, key)  # membership by binary search in the sorted pairs
    keep = allowed[np.minimum(at, len(allowed) - 1)] == key
    key, t = key[keep], t[keep]
    if not len(key):
        return {}
    order = np.lexsort((t, key))
    key, t = key[order], t[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    first = key[starts]
    pa, pb = names[first // n].tolist(), names[first % n].tolist()
    return dict(zip(zip(pa, pb), np.split(t, starts[1:])))


def _codes_in(values, index):
    """The position in `index` of each of `values` (a Series), -1 where absent; each
    distinct value is looked up once."""
    codes, uniq = pd.factorize(values)
    at = index.get_indexer(np.asarray(uniq, dtype=object)).astype(np.int64)
    return np.where(codes >= 0, at[np.maximum(codes, 0)], -1).astype(np.int64)


def _recent_text(items, feat, who):
    """The why text of a ``recent_*`` feature: the people who went to the place lately."""
    best = {}
    for it in items:  # one person once, with their strongest entry
        if it[1] not in best or it[0] > best[it[1]][0]:
            best[it[1]] = it
    items = sorted(best.values(), key=lambda x: (-x[0], x[1]))[:2]
    noun = {"recent_lodging": "lodging supporter", "recent_support": "supporter",
            "recent_circle": "relative or associate", "recent_cotravel": "co-traveller"}[feat]
    parts = []
    for _v, q, typ, g, tx, how in items:
        verb = "travelled there on" if how == "travel" else f"has a {how.replace('_', ' ')} there since"
        tie = f"{typ}, {g}" if feat != "recent_cotravel" else g
        parts.append(f"{noun} {who(q)} ({tie}) {verb} {_day_text(tx)}")
    return "; ".join(parts)


def _share_evidence(e, x, cur):
    """Texts of the features that compare a place with the others one journey away."""
    if x[_F["route_share"]] > 0:
        e["route_share"] = f"{x[_F['route_share']]:.0%} of the journeys from {cur} go there"
    if x[_F["pull_share"]] > 0:
        e["pull_share"] = (f"{x[_F['pull_share']]:.0%} of the pull (own visits, the network's "
                           f"places) of the places one journey from {cur}")
    net = [e[k] for k in ("lodging", "support", "family", "associates") if k in e]
    if x[_F["network_direct"]] > 0 and net:
        e["network_direct"] = net[0] + f", one journey from {cur}"
    if x[_F["new_direct"]] > 0:
        e["new_direct"] = f"a place not visited before, one journey from {cur}"
    parts = [e[k] for k in ("pull_share", "route_share") if k in e]
    if parts:
        e["attraction"] = "; ".join(parts)


def _shares(X):
    """Fill the features that compare a candidate with the other places one journey away.

    ``route_share``: its share of the case's journeys from the current place;
    ``network_direct`` and ``new_direct``: the network's pull and ``new`` of direct
    destinations only (a place one journey away is reachable, a far one is not).
    ``pull_share`` and ``attraction`` depend on weights the fit picks: :func:`_attraction`.
    """
    if not len(X):
        return
    direct = X[:, _F["direct"]] > 0
    net = X[:, [_F["lodging"], _F["support"], _F["family"], _F["associates"]]].sum(axis=1)
    route = np.where(direct, np.expm1(X[:, _F["route"]]), 0.0)
    if route.sum() > 0:
        X[:, _F["route_share"]] = route / route.sum()
    X[:, _F["network_direct"]] = np.where(direct, net, 0.0)
    X[:, _F["new_direct"]] = np.where(direct, X[:, _F["new"]], 0.0)


def _attraction(X, mix, pull=1.0, ties=False):
    """Fill ``pull_share`` and ``attraction``: log(pull share + mix x route share).

    The pull of a place one journey away is the fugitive's own arrivals there plus `pull`
    times the network's (lodging, support, family, associates by confidence, or with `ties` the
    number of those people with a place there); ``pull_share`` is its share of
    the pull of every direct destination. ``attraction`` is the chance of a direct destination
    as a mixture: the fugitive goes where it has reasons to be (its pull) or takes a route the
    way travellers do (the route's share of the journeys from the current place); far places
    get the floor.
    """
    if not len(X):
        return
    direct = X[:, _F["direct"]] > 0
    visits = np.rint(np.expm1(X[:, _F["visits"]]))
    if ties:
        net = X[:, _F["network_ties"]]
    else:
        net = X[:, [_F["lodging"], _F["support"], _F["family"], _F["associates"]]].sum(axis=1)
    p = np.where(direct, visits + pull * net, 0.0)
    X[:, _F["pull_share"]] = p / p.sum() if p.sum() > 0 else 0.0
    X[:, _F["attraction"]] = np.log(X[:, _F["pull_share"]] + mix * X[:, _F["route_share"]]
                                    + _ATTRACTION_FLOOR)


def _scores(Xs, ys, w):
    """Top-1, top-3 and mean log loss of weights `w` on choice sets `Xs` with choices `ys`."""
    return _scores_u([X @ w for X in Xs], ys)


def _scores_u(us, ys):
    """Top-1, top-3 and mean log loss of utilities `us` (softmax) with choices `ys`."""
    top1 = top3 = loss = 0.0
    for u, y in zip(us, ys):
        rank = int(np.sum(u > u[y]))
        top1 += rank == 0
        top3 += rank < 3
        m = u.max()
        loss += m + math.log(np.exp(u - m).sum()) - u[y]
    n = max(len(ys), 1)
    return {"top1": float(top1 / n), "top3": float(top3 / n), "log_loss": float(loss / n)}


def _fit_logit(Xs, ys, l2):
    """Fit a conditional logit by penalised maximum likelihood; return (weights, n)."""
    from scipy.optimize import minimize

    X = np.vstack(Xs)
    sizes = np.array([len(x) for x in Xs])
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    chosen = starts + np.asarray(ys)
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd < 1e-9] = 1.0
    Z = (X - mu) / sd
    group = np.repeat(np.arange(len(Xs)), sizes)
    G = len(Xs)

    def f(w):
        u = Z @ w
        m = np.maximum.reduceat(u, starts)
        e = np.exp(u - m[group])
        den = np.add.reduceat(e, starts)
        nll = float(np.sum(np.log(den) + m) - u[chosen].sum())
        p = e / den[group]
        grad = Z.T @ p - Z[chosen].sum(axis=0)
        return nll / G + 0.5 * l2 * w @ w / G, grad / G + l2 * w / G

    with _one_blas_thread():
        res = minimize(f, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B",
                       options={"maxiter": 300, "ftol": 1e-9})
    return res.x / sd, G, float(res.fun)


def _one_blas_thread():
    """A context in which BLAS runs on one thread (when threadpoolctl is installed).

    The fit multiplies a tall matrix by a vector a few hundred times: threads gain nothing at
    that size and, on a loaded machine, spin for their share (several times the CPU time).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - a dependency, but the fit works without it
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


#: The boosted ranker: small trees, a fixed number of rounds (no early stopping, so that the
#: held-out legs stay held out), one thread and a fixed seed (the same fit every run).
_BOOST_PARAMS = {"objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 15,
                 "min_data_in_leaf": 20, "lambda_l2": 1.0, "lambdarank_truncation_level": 20,
                 "num_threads": 1, "deterministic": True, "force_row_wise": True, "seed": 0,
                 "verbose": -1}
_BOOST_ROUNDS = 150


def _lightgbm(required=False):
    """The lightgbm module, or None when it is not installed (an error when `required`)."""
    try:
        import lightgbm
    except ImportError:
        if required:
            raise NetanalysisError("movements.ranker 'boosted' needs lightgbm: "
                                   "pip install 'netanalysis[boost]'") from None
        return None
    return lightgbm


def _fit_boosted(lgb, Xs, ys):
    """Fit a LambdaRank booster on choice sets `Xs` (one query each) with choices `ys`."""
    sizes = np.array([len(x) for x in Xs])
    label = np.zeros(int(sizes.sum()))
    label[np.r_[0, np.cumsum(sizes)[:-1]] + np.asarray(ys)] = 1.0
    data = lgb.Dataset(np.vstack(Xs), label, group=sizes, feature_name=list(FEATURES),
                       params={"verbose": -1})
    return lgb.train(_BOOST_PARAMS, data, num_boost_round=_BOOST_ROUNDS)


def _fit_temperature(us, ys):
    """The scale `a` that makes softmax(a x score) most likely on choices `ys` (calibration).

    A ranker's scores are only an order; a one-parameter conditional logit on them, fitted on
    legs the ranker did not see, turns them into probabilities (Platt 1999, for choice sets).
    """
    from scipy.optimize import minimize_scalar

    def nll(a):
        return _scores_u([a * u for u in us], ys)["log_loss"]

    return float(minimize_scalar(nll, bounds=(1e-3, 50.0), method="bounded",
                                 options={"xatol": 1e-4}).x)
