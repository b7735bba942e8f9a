"""Significance of co-occurrence: how unlikely a pair's shared journeys, bookings, identifiers
or calls are by chance, and which pairs pass a false-discovery-rate control.

Notes
-----
**Events: a bipartite null.** Persons and *events* (a journey, a call) form a bipartite graph:
person ``a`` is on ``d_a`` events, event ``e`` holds ``s_e`` persons, ``L = sum_a d_a``
incidences, and ``S_a = sum_{e ni a} (s_e - 1)`` is the number of co-occurrences ``a`` takes
part in. Under a null that keeps ``a``'s events (their number and sizes) and places ``b``'s
``d_b`` incidences at random among the ``L`` seats, ``b`` is on a given event ``e`` of ``a``
with probability about ``(s_e - 1) d_b / L``: the events they share are Poisson-binomial with
mean ``S_a d_b / L``, and a Poisson of that mean bounds its upper tail (its variance is
larger). Conditioning on ``b``'s events instead gives ``S_b d_a / L``; the larger is taken,

    ``lambda_ab = max(S_a d_b, S_b d_a) / L``

so the p-value is valid whichever person's events are held fixed. For events of one size
``s`` it is ``d_a d_b (s - 1) / L = d_a d_b / N`` (``N`` events), the mean of the hypergeometric
backbone of [1]_. Rarity and small craft enter through ``S``: a person on small flights has few
fellow passengers, and sharing a journey with them is rarer by chance than with a person on
full flights. The projection's configuration model ``S_a S_b / 2W`` ([2]_, the previous version
of this module) holds *both* activities fixed; but an activity encodes the sizes of a person's
events -- the only two persons on two-seat craft have the smallest ``S`` and must share -- so
that null under-states chance co-occurrence on small events once single co-occurrences count.

Assumptions: events are placed independently given the persons' numbers of events and the
events' sizes (no seasonality, no routes only some persons take); every shared event counts
once.

**Which journeys were shared: a size-aware tail.** The count ``K`` ignores which events a
pair shares: two persons on the same two 4-passenger flights are far less likely by chance
than on two 200-passenger ones. Holding ``a``'s events fixed, ``b`` is on event ``e`` with
chance at most ``pi_e = (s_e - 1) d_b / L`` (events independent, as above), and the pair's
statistic is the product of the chances of the events it shares, ``X = prod_{e shared} pi_e
= exp(ls) (d_b / L)^k`` with ``ls = sum_{e shared} ln(s_e - 1)`` (a column of the pair
table). Small ``X`` is evidence (it orders pairs as the likelihood ratio of "shares its
events whatever their size" against chance does). Its tail is bounded from the margins:
``b`` shares a set ``T`` of ``a``'s events with chance at most ``prod_{e in T} pi_e``; the
``j``-sets with product ``<= x`` number at most ``C(d_a, j)``, and none exists when
``(f_a d_b / L)^j > x`` (``f_a``: the fewest fellow passengers on one of ``a``'s events);
so for every ``k*``

    ``P(X <= x) <= sum_{j < k*} t_j(x) + P(K >= k*)``,
    ``t_j(x) = min(C(d_a, j) x, P(K >= j))`` (0 where no ``j``-set reaches ``x``),

and the p-value is the smallest of these bounds over ``k* = 1 .. min(d_a, d_b) + 1``
(``P(K > min(d_a, d_b)) = 0``), each a valid bound, so their minimum is one too. The same
with ``b``'s events held fixed; the larger is the p-value (:func:`shared_size_pvalue`).

*What the person's sizes tighten (session 18).* ``C(d_a, j)`` counts every ``j``-set of
``a``'s events as if each could reach ``x``; a frequent traveller on big flights who shares
two small ones has few such sets. Each person carries a *size histogram* (its events per
half-octave of fellow passengers, :func:`size_histogram`, ``h0 .. h19`` in the persons
table, computed by both engines); a ``j``-set whose bins' lower edges already give a chance
above ``x`` cannot reach it, and the others count ``min(x, c^j x their bins' upper edges)``
(``A_j``, exact counts of the sets per sum of bins, for ``j <= HISTOGRAM_TERMS``). ``P(K >=
j)`` is bounded by valid bounds only: the union over ``j``-sets (Maclaurin's ``C(d, j)
(lambda / d)^j``, or the histogram's upper edges), and the binomial tail ``Bin(d, lambda /
d)`` where ``j >= lambda + 1`` (Hoeffding 1956: there it bounds every Poisson-binomial of that
mean, and Anderson-Samuels puts it below the Poisson tail). The Poisson tail of the previous
version was below the true tail where ``j < lambda + 1`` (one event of chance ``lambda``:
``P(K >= 1) = lambda > 1 - exp(-lambda)``). Measured on ``synth.cotravel``'s null case
(``benchmarks/cotravel.py``, Notes) the histogram halves the p-values of the pairs near the
Benjamini-Hochberg threshold; what keeps ``#{p <= t}`` at a third to a half of ``t m`` there
is the discreteness of the test (two persons on small flights share 0, 1 or 2 of them) and
the larger of the two directions, not the bound. It is never much above the
count test's (``k* = k + 1`` gives at most that p-value plus the ``t_j`` of ``j <= k``, which
vanish unless ``x`` is large) and far below it when the shared events are smaller than the
persons' usual ones. The selection of the family below depends on the margins only, so BH
stays valid with these p-values.

**p-values and the family.** The p-value is the unconditional tail ``p = P(K >= k)``. The
family is *every pair that could be tested*: ``n (n - 1) / 2`` pairs of the ``n`` persons with
an activity, or ``seeds x (n - 1)`` when only pairs of persons of interest are tested. Pairs
never computed (they share nothing, or their ``p`` exceeds the level ``q``) have p-values that
can never pass, so Benjamini-Hochberg [3]_ over the family gives the same answer as if they
had been enumerated. The tests are discrete, and most can never pass: a pair can share at most
``min(d_a, d_b)`` events, so its smallest attainable p-value is
``p*_ab = P(K >= min(d_a, d_b))``. Following Tarone [4]_ and Gilbert [5]_, the family is cut to the pairs with
``p*_ab <= q / K`` for the smallest ``K`` such that at most ``K`` pairs qualify, and BH at ``q``
runs over those (``p*`` depends on the margins only, which the null keeps fixed, so the cut
does not depend on the counts and the FDR stays at ``q``). The pairs of the family are counted,
not enumerated (:func:`count_testable`); :func:`cooccurrence_family` returns the level and the
cuts as small tables, so an engine can drop the pairs outside the family before they leave
it. With ``size_cut`` the family also holds the pairs whose size-aware p-value could reach
``tau`` (a floor from the margins: ``(f max(d_a, d_b) / L)^min(d_a, d_b)``, ``f`` the larger
of the persons' fewest fellow passengers), still a cut on the margins only.

**Pairs that cannot be kept.** A pair sharing one event has a p-value of at least
:func:`one_shared_floor` under both tests; with ``R`` an upper bound of the rejections
(:func:`bh_rejections` over the p-values of the other pairs and these floors), a pair whose
floor exceeds ``q R / m`` is never rejected and leaving it out changes no other outcome, so
engines need not return the many pairs that share one event only.

**Identifiers and bookings: the joint-act null.** A phone number, a document or a booking
reference held by two persons is not an event persons fall into at random: it is a joint act
(or the same person twice). The configuration null, which keeps each value's number of
holders, reproduces who shares at all by construction, so one shared value is never
significant under it -- the wrong answer for a number two persons hold. Under the *joint-act*
null the holders of a value chose it independently, and two unrelated records carry the same
value with a small *collision rate* ``c`` (recycled numbers, clerical error; a setting per
type). The rate of one value is estimated from its own holders (a Gamma prior of shape 1 and
mean ``c``, updated by the ``u - 2`` holders other than the pair among the ``U - 2`` other
records of that kind):

    ``r_v = (u_v - 1) / (1 / c + U - 2)``,  ``lambda_ab = d_a d_b max_v r_v``

over the values ``v`` the pair shares, ``d`` the values each person holds, and ``p =
P(K >= k)`` for ``k`` shared values. A number held by two persons has ``r ~ c``: in a case of a
few thousand persons it is a tie; each further holder adds one to ``u - 1`` (a switchboard or
hotel number used by many is weak evidence for each pair), and at national size (``U`` of
the order of ``1 / c``) chance collisions are common and one shared value no longer
suffices. Co-travel combines both: journeys under the configuration null, bookings under the
joint-act null, and the pair's p-value is the weighted Bonferroni combination
``min(1, p_journeys / 0.9, p_bookings / 0.1)``, valid whatever their dependence.

Every rule forms its own family (per inferred type).

References
----------
.. [1] Neal, Z. (2014). The backbone of bipartite projections: Inferring relationships from
   co-authorship, co-sponsorship, co-attendance and other co-behaviors. *Social Networks* 39:
   84-97. doi:10.1016/j.socnet.2014.06.001
.. [2] Dianati, N. (2016). Unwinding the hairball graph: pruning algorithms for weighted
   complex networks. *Physical Review E* 93: 012304. doi:10.1103/PhysRevE.93.012304
.. [3] Benjamini, Y., Hochberg, Y. (1995). Controlling the false discovery rate: a practical
   and powerful approach to multiple testing. *JRSS B* 57(1): 289-300.
   doi:10.1111/j.2517-6161.1995.tb02031.x
.. [4] Tarone, R. E. (1990). A modified Bonferroni method for discrete data. *Biometrics*
   46(2): 515-522. doi:10.2307/2531456
.. [5] Gilbert, P. B. (2005). A modified false discovery rate multiple-comparisons procedure
   for discrete data, applied to human immunodeficiency virus genetics. *JRSS C* 54(1):
   143-158. doi:10.1111/j.1467-9876.2005.00475.x
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special

__all__ = ["expected_cooccurrence", "cooccurrence_pvalue", "poisson_tail",
           "shared_size_pvalue", "count_testable", "cooccurrence_family", "CooccurrenceFamily",
           "cooccurrence_pvalues", "one_shared_floor", "bh_rejections", "tarone_level",
           "collision_rate", "cooccurrence_tests", "identifier_tests", "identifier_pvalues",
           "benjamini_hochberg", "surprise", "JOURNEY_WEIGHT", "SIZE_BINS",
           "HISTOGRAM_COLUMNS", "HISTOGRAM_TERMS", "size_histogram"]

#: Weight of the journeys in co-travel's weighted Bonferroni combination with bookings.
JOURNEY_WEIGHT = 0.9

#: Bins of a person's size histogram: an event of ``n`` persons is in bin
#: ``min(floor(log2((n - 1)^2)), SIZE_BINS - 1)`` (half-octaves of its fellow persons ``n - 1``;
#: the last bin, from 2^9.5 = 724 fellow persons, is open).
SIZE_BINS = 20

#: The person columns of the size histogram, ``h0`` .. ``h19``: events in each bin.
HISTOGRAM_COLUMNS = [f"h{i}" for i in range(SIZE_BINS)]

#: Sizes ``j`` of the sets of shared events whose count the histogram sharpens (the margins'
#: ``C(d, j)`` above it).
HISTOGRAM_TERMS = 4


def expected_cooccurrence(s_a, s_b, d_a, d_b, n_inc):
    """Return ``lambda = max(S_a d_b, S_b d_a) / L``, the events a pair shares by chance.

    Parameters
    ----------
    s_a, s_b : array_like
        Activities of the two persons (co-occurrences each takes part in).
    d_a, d_b : array_like
        Events of each.
    n_inc : float
        ``L``, all incidences (person-event rows) of the events computed.

    Returns
    -------
    ndarray

    Examples
    --------
    A on three journeys of 2 (``S = 3``), B on two of 10 (``S = 18``), 1,000 incidences:

    >>> expected_cooccurrence([3], [18], [3], [2], 1000.0).tolist()
    [0.054]

    See Also
    --------
    cooccurrence_tests
    """
    s_a, s_b = np.asarray(s_a, dtype=float), np.asarray(s_b, dtype=float)
    d_a, d_b = np.asarray(d_a, dtype=float), np.asarray(d_b, dtype=float)
    if n_inc <= 0:
        return np.zeros(np.broadcast(s_a, s_b).shape)
    return np.maximum(s_a * d_b, s_b * d_a) / float(n_inc)


def cooccurrence_pvalue(k, lam):
    """Return ``P(K >= k | K >= 1)`` for ``K ~ Poisson(lam)``: the p-value of the previous
    model (family: the pairs that co-occur at least once), kept for comparison in
    ``benchmarks/cotravel.py``; :func:`poisson_tail` is the p-value used now.

    Parameters
    ----------
    k : array_like of int
        Observed co-occurrences (>= 1).
    lam : array_like of float
        Expected co-occurrences by chance (> 0).

    Returns
    -------
    ndarray
        Conditional p-values in (0, 1]; 1 where ``k <= 1``.

    Examples
    --------
    >>> import math
    >>> p = cooccurrence_pvalue([1, 2, 3], [0.01, 0.01, 0.01])
    >>> p[0]
    np.float64(1.0)
    >>> round(float(p[1]), 6) == round((1 - math.exp(-0.01) * 1.01) / (1 - math.exp(-0.01)), 6)
    True

    See Also
    --------
    benjamini_hochberg
    """
    from scipy import stats  # here: the Spark engine's workers import this module without it

    k = np.asarray(k, dtype=float)
    lam = np.maximum(np.asarray(lam, dtype=float), 1e-300)
    log_sel = np.log(-np.expm1(-lam))                 # log P(K >= 1)
    log_tail = stats.poisson.logsf(k - 1, lam)        # log P(K >= k)
    return np.where(k <= 1, 1.0, np.minimum(1.0, np.exp(log_tail - log_sel)))


def poisson_tail(k, lam):
    """Return ``P(K >= k)`` for ``K ~ Poisson(lam)``: the p-value of ``k`` co-occurrences.

    Parameters
    ----------
    k : array_like of int
        Observed co-occurrences; 1 is returned where ``k <= 0``.
    lam : array_like of float
        Expected co-occurrences by chance (>= 0).

    Returns
    -------
    ndarray
        p-values in [0, 1].

    Examples
    --------
    >>> import math
    >>> p = poisson_tail([0, 1, 2], [0.01, 0.01, 0.01])
    >>> p[0], round(float(p[1]), 9) == round(1 - math.exp(-0.01), 9)
    (np.float64(1.0), True)
    >>> round(float(p[2]), 9) == round(1 - math.exp(-0.01) * 1.01, 9)
    True

    See Also
    --------
    cooccurrence_tests
    """
    k = np.asarray(k, dtype=float)
    lam = np.maximum(np.asarray(lam, dtype=float), 0.0)
    return np.where(k <= 0, 1.0, special.gammainc(np.maximum(k, 1.0), lam))


def shared_size_pvalue(k, ls, s_a, s_b, d_a, d_b, n_inc, f_a=None, f_b=None, max_terms=64,
                       h_a=None, h_b=None, tail="union"):
    """Return the size-aware p-value of ``k`` shared events whose sizes ``s_e`` give
    ``ls = sum ln(s_e - 1)`` (see the module notes for the bound and its derivation).

    For each direction (``a``'s events held fixed, then ``b``'s), with ``c = d_other / L``,
    ``x = exp(ls) c^k`` and ``lambda = S_own c``, it is

        ``min over k* of [sum_{j < k*} t_j + P_j(k*)]``,  ``t_j = min(A_j, P_j(j))``,

    with ``k*`` from 1 to ``min(d_a, d_b) + 1`` (at most ``max(max_terms, k) + 1``: a smaller
    set of valid bounds) and the larger of the two directions returned. ``P_j(j)`` bounds
    ``P(K >= j)`` (0 for ``j > min(d_a, d_b)``): the smallest of the union bound ``C(d, j)
    (lambda / d)^j``, the binomial tail of ``Bin(d, lambda / d)`` where ``j >= lambda + 1``
    (Hoeffding's comparison) and, with the own histogram, ``c^j`` times the sum over the
    ``j``-sets of the upper edges of their bins. ``A_j`` bounds ``P(X <= x, K = j)``: without
    histograms ``C(d_own, j) x`` (0 where ``(f_own c)^j > x``); with them, for ``j <=
    HISTOGRAM_TERMS``, the ``j``-sets whose bins' lower edges give a chance ``<= x`` each
    counted at ``min(x, c^j x their upper edges)``. ``tail="poisson"`` is the bound before
    the histograms (``P_j`` the Poisson tail of mean ``lambda``, margins only), kept for
    comparison in ``benchmarks/cotravel.py``.

    Parameters
    ----------
    k : array_like of int
        Events shared.
    ls : array_like of float
        ``sum ln(s_e - 1)`` over the events shared (``s_e`` persons on event ``e``).
    s_a, s_b : array_like
        Activities ``S`` (co-occurrences each person takes part in).
    d_a, d_b : array_like
        Events of each person.
    n_inc : float
        ``L``, all incidences of the events computed.
    f_a, f_b : array_like, optional
        Fewest fellow persons (``s_e - 1``) on one of each person's events; 1 when not given.
    max_terms : int
        Most ``j`` summed.
    h_a, h_b : array_like, optional
        Size histograms of the two persons (:func:`size_histogram`: one row of
        :data:`SIZE_BINS` counts per pair, or one for all); margins only when not given.
    tail : {"union", "poisson"}
        The bounds of ``P(K >= j)`` above, or the Poisson tail of the previous version.

    Returns
    -------
    ndarray
        p-values in [0, 1]; 1 where ``k <= 0``.

    Examples
    --------
    A and B each on 10 events, ``L = 10,000``; 8 of A's events hold 200 persons and 2 hold
    4 (``S_a = 8 x 199 + 2 x 3``), B's alike. Sharing the two small ones: ``x = 3^2 c^2`` with
    ``c = 10 / 10,000``; no single event reaches ``x`` (``3 c > x``: ``t_1 = 0``). With the
    margins and the Poisson tail (the previous bound) it is the best over ``k*`` of
    ``sum_{j < k*} min(C(10, j) x, P(K >= j)) + P(K >= k*)``; the count test gives ``P(K >=
    2)`` with ``lambda = S c = 1.598``, 50 times more:

    >>> import math
    >>> from scipy import stats
    >>> S, c = 8 * 199 + 2 * 3, 10 / 10_000
    >>> p = shared_size_pvalue([2], [2 * math.log(3)], [S], [S], [10], [10], 10_000,
    ...                        f_a=[3], f_b=[3], tail="poisson")
    >>> lam, x = S * c, 9 * c ** 2
    >>> P = lambda j: stats.poisson.sf(j - 1, lam) if j <= 10 else 0.0     # P(K >= j)
    >>> t = {j: 0.0 if j == 1 else min(math.comb(10, j) * x, P(j)) for j in range(1, 11)}
    >>> hand = min(sum(t[j] for j in range(1, ks)) + P(ks) for ks in range(1, 12))
    >>> bool(abs(p[0] - hand) < 1e-9), f"{hand:.4f}", f"{float(poisson_tail(2, lam)):.3f}"
    (True, '0.0089', '0.474')

    With the histograms (3 fellow passengers: bin 3, lower edge ``2^1.5``; 199: bin 15) the
    only pair of events whose chance can be ``<= x`` is the two small ones (``A_2 = x``,
    where the margins count ``C(10, 2) x``); the tails tighten too:

    >>> h = size_histogram([0] * 10, [4, 4] + [200] * 8, [0])[HISTOGRAM_COLUMNS].to_numpy()
    >>> q = shared_size_pvalue([2], [2 * math.log(3)], [S], [S], [10], [10], 10_000,
    ...                        f_a=[3], f_b=[3], h_a=h, h_b=h)
    >>> f"{q[0]:.4f}", bool(q[0] < p[0])
    ('0.0045', True)

    Sharing two of the big ones is no stronger than the count (``x`` is large):

    >>> p = shared_size_pvalue([2], [2 * math.log(199)], [S], [S], [10], [10], 10_000, [3], [3])
    >>> bool(p[0] >= poisson_tail(2, lam) - 1e-12)
    True

    See Also
    --------
    poisson_tail : the count test.
    cooccurrence_tests : where it is used.
    """
    k = np.asarray(k, dtype=float)
    ls = np.round(np.asarray(ls, dtype=float), 9)    # the same sum whatever its order
    s_a, s_b = np.asarray(s_a, dtype=float), np.asarray(s_b, dtype=float)
    d_a, d_b = np.asarray(d_a, dtype=float), np.asarray(d_b, dtype=float)
    one = np.ones(np.broadcast(k, d_a).shape)
    f_a = one if f_a is None else np.maximum(np.asarray(f_a, dtype=float), 1.0)
    f_b = one if f_b is None else np.maximum(np.asarray(f_b, dtype=float), 1.0)
    out = np.ones(np.broadcast(k, ls, s_a, s_b, d_a, d_b).shape)
    if n_inc <= 0 or not out.size:
        return out
    k, ls, s_a, s_b, d_a, d_b, f_a, f_b = np.broadcast_arrays(k, ls, s_a, s_b, d_a, d_b, f_a, f_b)
    hists = h_a is not None and h_b is not None and tail != "poisson"
    if hists:
        h_a = np.broadcast_to(np.asarray(h_a, dtype=np.int64), out.shape + (SIZE_BINS,))
        h_b = np.broadcast_to(np.asarray(h_b, dtype=np.int64), out.shape + (SIZE_BINS,))
    k, ls, s_a, s_b, d_a, d_b, f_a, f_b = (np.ravel(v) for v in (k, ls, s_a, s_b, d_a, d_b,
                                                                 f_a, f_b))
    flat = out.reshape(-1)
    if hists:    # the histogram's terms, each person's subset counts computed once
        ha = _histogram_terms(h_a.reshape(-1, SIZE_BINS), k, ls, d_b, n_inc)
        hb = _histogram_terms(h_b.reshape(-1, SIZE_BINS), k, ls, d_a, n_inc)
    for lo in range(0, flat.size, 20_000):          # in chunks: terms x pairs stays small
        sl = slice(lo, lo + 20_000)
        pa = _size_bound(k[sl], ls[sl], s_a[sl], d_a[sl], d_b[sl], f_a[sl], n_inc, max_terms,
                         (ha[0][sl], ha[1][sl]) if hists else None, tail)
        pb = _size_bound(k[sl], ls[sl], s_b[sl], d_b[sl], d_a[sl], f_b[sl], n_inc, max_terms,
                         (hb[0][sl], hb[1][sl]) if hists else None, tail)
        flat[sl] = np.maximum(pa, pb)
    k = k.reshape(out.shape)
    return np.where(k <= 0, 1.0, np.clip(out, 0.0, 1.0))


def size_histogram(pid, n, persons_pid):
    """Return every person's size histogram: how many of its events fall in each bin of
    :data:`SIZE_BINS` (an event of ``n`` persons in bin ``min(floor(log2((n - 1)^2)),
    SIZE_BINS - 1)``, the bin the engines compute in SQL).

    Parameters
    ----------
    pid : array_like
        The person of each incidence (one row a person on an event of 2 or more persons).
    n : array_like of int
        Persons on that event.
    persons_pid : array_like
        The persons, in the order of the rows returned.

    Returns
    -------
    DataFrame
        ``pid`` and :data:`HISTOGRAM_COLUMNS`.

    Examples
    --------
    Events of 2, 3, 4 and 200 persons (1, 2, 3 and 199 fellow persons: bins 0, 2, 3, 15):

    >>> h = size_histogram([7, 7, 7, 7], [2, 3, 4, 200], [7])
    >>> [c for c in HISTOGRAM_COLUMNS if h[c][0]]
    ['h0', 'h2', 'h3', 'h15']

    See Also
    --------
    shared_size_pvalue : where the histogram is used.
    """
    pid = np.asarray(pid)
    g = np.asarray(n, dtype=np.int64) - 1
    b = np.minimum(np.floor(np.log2(np.maximum(g * g, 1).astype(float)) + 1e-9),
                   SIZE_BINS - 1).astype(np.int64)
    idx = pd.Index(persons_pid).get_indexer(pid)
    ok = idx >= 0
    h = np.zeros((len(persons_pid), SIZE_BINS), dtype=np.int64)
    np.add.at(h, (idx[ok], b[ok]), 1)
    return pd.concat([pd.DataFrame({"pid": np.asarray(persons_pid)}),
                      pd.DataFrame(h, columns=HISTOGRAM_COLUMNS)], axis=1)


def count_testable(s, d, cut, seeds=None):
    """Count the pairs ``a != b`` with ``s_a s_b <= cut(min(d_a, d_b))``.

    With ``s`` the activities, ``d`` the events of each person and ``cut(m) = 2W lambda*(m)``
    (``lambda*(m)`` the largest rate at which ``m`` co-occurrences reach a level ``tau``),
    these are the pairs whose smallest attainable p-value is at most ``tau``.

    Parameters
    ----------
    s, d : array_like
        Activity (> 0) and number of events (>= 1) of every person that can be tested.
    cut : callable
        ``cut(m)`` for an integer ``m``: the largest product ``s_a s_b`` that qualifies.
    seeds : array_like of bool, optional
        Persons of interest: then only pairs with at least one of them are counted (pairs of two
        persons of interest count twice, an over-count that keeps the control valid).

    Returns
    -------
    int

    Examples
    --------
    Four persons; a pair qualifies when ``s_a s_b <= 6``:

    >>> count_testable([1, 2, 3, 4], [1, 1, 1, 1], lambda m: 6.0)
    4
    >>> count_testable([1, 2, 3, 4], [1, 1, 1, 1], lambda m: 6.0, seeds=[False, False, False, True])
    1

    See Also
    --------
    tarone_level
    """
    return _PairCounter(s, d, seeds).count(cut)


def tarone_level(count, q, m_max):
    """Return ``(tau, m)``: the Tarone-Gilbert level and the size of the family cut to it.

    ``K`` is (within 2 %) the smallest integer with ``count(q / K) <= K``; the tests kept are
    those whose smallest attainable p-value is at most ``tau = q / K``, ``m = count(tau)`` of
    them. Any ``K`` with ``count(q / K) <= K`` keeps the control valid (``m`` tests of level
    ``q / K`` at most); the search stops within 2 % of the smallest to save counts.

    Parameters
    ----------
    count : callable
        ``count(tau)``: the number of tests whose smallest attainable p-value is <= tau
        (non-increasing as tau falls).
    q : float
        False discovery rate.
    m_max : int
        Size of the whole family (an upper bound of ``count``).

    Returns
    -------
    (float, int)

    Examples
    --------
    Ten tests with smallest attainable p-values 1e-4 and 90 that can never pass:

    >>> tau, m = tarone_level(lambda tau: 10 if tau >= 1e-4 else 0, 0.05, 100)
    >>> m, 0.05 / 10 / 1.02 <= tau <= 0.05 / 10
    (10, True)

    See Also
    --------
    count_testable, benjamini_hochberg
    """
    lo, hi = 1, max(1, int(m_max))
    if count(q / lo) <= lo:
        return q / lo, int(count(q / lo))
    while hi > lo * 1.02 + 1:        # count(q / lo) > lo, count(q / hi) <= hi
        mid = max(lo + 1, min(hi - 1, int(round(math.sqrt(lo * hi)))))
        if count(q / mid) <= mid:
            hi = mid
        else:
            lo = mid
    return q / hi, int(count(q / hi))


def collision_rate(u, rate, records):
    """Return ``r = (u - 1) / (1 / rate + records - 2)``: how often an unrelated record lands
    on a value held by ``u`` persons, under the joint-act null (see the module notes).

    Parameters
    ----------
    u : array_like of int
        Holders of the value (>= 2).
    rate : float
        Prior collision rate of two unrelated records (> 0).
    records : int
        Records (person-value pairs) of that kind in the case.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> collision_rate([2, 3], 1e-8, 2).tolist()
    [1e-08, 2e-08]

    See Also
    --------
    identifier_tests
    """
    u = np.asarray(u, dtype=float)
    if float(rate) <= 0:
        return np.zeros(u.shape)
    return (u - 1.0) / (1.0 / float(rate) + max(float(records) - 2.0, 0.0))


def cooccurrence_tests(pairs, persons, *, fdr, seeds=None, booking_rate=None, sizes=True,
                       size_cut=False):
    """Test pairs of co-occurring persons under the configuration null (see the module notes).

    This is the significance step shared by every engine: the pair aggregation (SQL in DuckDB,
    or Spark) produces `pairs` and `persons`; identical tables give identical results.

    Parameters
    ----------
    pairs : DataFrame
        One row per pair: ``a``, ``b`` (person codes, ``a < b``), ``k`` (shared events). It must
        hold every pair that can be kept: those of the family (:func:`cooccurrence_family`)
        with ``k >= 2``, and those with ``k = 1`` whose ``lambda <= 2 fdr`` and whose
        :func:`one_shared_floor` is at most ``q R / m`` (:func:`bh_rejections`); more rows
        change nothing. With bookings: ``kb`` (shared bookings) and ``ub`` (most
        holders of a booking they share). Other columns are kept.
    persons : DataFrame
        Every person with an activity: ``pid``, ``s`` (activity), ``d`` (events); with
        bookings also ``nb`` (bookings held).
    fdr : float
        Level ``q`` of the false-discovery-rate control.
    seeds : array_like, optional
        Codes of the persons of interest: the family is then the pairs with one of them.
    booking_rate : float, optional
        Collision rate of booking references; bookings are tested when given and `pairs` has
        ``kb``.
    sizes : bool
        Where `pairs` has ``ls`` (``sum ln(s_e - 1)`` over the events shared) and `persons`
        ``f`` (fewest fellow persons on one of its events), the size-aware p-value
        :func:`shared_size_pvalue` for the pairs of the family cut (the others, which can
        never be kept, keep the count's); False (or without ``ls``): the count's Poisson tail.
    size_cut : bool
        Also test the pairs the size-aware test could reach ``tau`` with although the count
        cannot (:func:`cooccurrence_family`); False: the family of the count's cut (today's).

    Returns
    -------
    DataFrame
        `pairs` with ``lam`` (expected journeys by chance), ``p`` and ``keep``.

    Examples
    --------
    A and B share three journeys of two passengers; 400 others fly once, four a flight
    (``S = 3`` for A and B, 3 for the others; ``L = 406``, ``lambda = 3 x 3 / 406``):

    >>> import pandas as pd
    >>> persons = pd.DataFrame({"pid": range(402), "s": 3.0, "d": [3, 3] + [1] * 400})
    >>> pairs = pd.DataFrame({"a": [0], "b": [1], "k": [3]})
    >>> r = cooccurrence_tests(pairs, persons, fdr=0.05)
    >>> round(float(r["lam"][0]), 6), bool(r["keep"][0])
    (0.022167, True)

    See Also
    --------
    identifier_tests, count_testable
    """
    fdr = _check_fdr(fdr)
    out = pairs.copy()
    if not len(out):
        return out.assign(lam=np.zeros(0), p=np.ones(0), keep=np.zeros(0, dtype=bool))
    level = cooccurrence_family(persons, fdr=fdr, seeds=seeds,
                                booking_rate=booking_rate if "kb" in out else None,
                                size_cut=size_cut)
    out = cooccurrence_pvalues(out, persons, level, sizes=sizes)
    t = out["testable"].to_numpy(bool)
    keep = np.zeros(len(out), dtype=bool)
    keep[t] = benjamini_hochberg(out["p"].to_numpy(float)[t], max(level.m, int(t.sum())), fdr)
    return out.drop(columns="testable").assign(keep=keep)


class CooccurrenceFamily(NamedTuple):
    """The family of a co-occurrence test, from the persons' margins alone
    (:func:`cooccurrence_family`): what :func:`cooccurrence_pvalues` needs besides a pair's
    own persons, so that pairs can be tested in batches (on Spark's executors) and only those
    that can pass brought together for Benjamini-Hochberg, and the cuts an engine joins to its
    pair table (SQL, Spark) so that pairs outside the family are never returned.

    Examples
    --------
    >>> CooccurrenceFamily(tau=0.005, m=10, n_inc=406.0).booking_rate is None
    True

    See Also
    --------
    cooccurrence_family, cooccurrence_pvalues
    """

    #: Tarone-Gilbert level: a pair is tested when its smallest attainable p-value is <= tau.
    tau: float
    #: Tests of the family cut to ``tau`` (Benjamini-Hochberg's ``m``).
    m: int
    #: ``L``, all incidences of the events computed.
    n_inc: float
    #: Weight of the journeys in the Bonferroni combination with bookings (1 without).
    weight: float = 1.0
    #: Collision rate of a booking of two holders; None without bookings.
    r2: float | None = None
    #: DataFrame ``d, cut, ycut``, one row per number of journeys held (None: no journeys).
    journeys: pd.DataFrame | None = None
    #: DataFrame ``nb, cut`` of the bookings' cut; None: bookings are not tested.
    bookings: pd.DataFrame | None = None
    #: Collision rate of booking references; None: bookings are not tested.
    booking_rate: float | None = None
    #: Bookings held, all persons together (the records of the joint-act null).
    booking_records: float = 0.0
    #: Whether the family holds the pairs only the size-aware test could pass (``ycut``).
    size_cut: bool = False


def cooccurrence_pvalues(pairs, persons, family, *, sizes=True):
    """Return each pair's p-value and whether it is in `family`.

    The per-pair half of :func:`cooccurrence_tests`: a pair's result depends only on its own
    row, its two persons' margins and `family`, so `pairs` may be any batch of the pair table
    and `persons` any table holding at least the batch's persons.

    Parameters
    ----------
    pairs : DataFrame
        As for :func:`cooccurrence_tests`: ``a``, ``b``, ``k``; ``kb``, ``ub`` with bookings;
        ``ls`` for the size-aware p-value.
    persons : DataFrame
        ``pid``, ``s``, ``d`` (``nb`` with bookings, ``f`` for sizes and the size cut) of every
        person `pairs` names, at least.
    family : CooccurrenceFamily
        From :func:`cooccurrence_family` on every person.
    sizes : bool
        As for :func:`cooccurrence_tests`.

    Returns
    -------
    DataFrame
        `pairs` with ``lam``, ``p`` and ``testable`` (in the family: only these go to
        Benjamini-Hochberg, with ``m = max(family.m, testable pairs)``).

    Raises
    ------
    InputError
        A pair names a person missing from `persons`.

    Examples
    --------
    >>> import pandas as pd
    >>> persons = pd.DataFrame({"pid": range(402), "s": 3.0, "d": [3, 3] + [1] * 400})
    >>> fam = cooccurrence_family(persons, fdr=0.05)
    >>> r = cooccurrence_pvalues(pd.DataFrame({"a": [0, 2], "b": [1, 3], "k": [3, 1]}),
    ...                          persons.iloc[:4], fam)
    >>> r["testable"].tolist(), f"{r['p'][0]:.2g}"
    ([True, False], '1.8e-06')

    See Also
    --------
    cooccurrence_family, cooccurrence_tests, benjamini_hochberg
    """
    s = persons["s"].to_numpy(float)
    d = persons["d"].to_numpy(np.int64)
    n_inc, tau, wj = float(family.n_inc), float(family.tau), float(family.weight)
    n = len(persons)
    idx = pd.Index(persons["pid"])
    out = pairs.copy()
    if not len(out) or n_inc <= 0:
        return out.assign(lam=np.zeros(len(out)), p=np.ones(len(out)),
                          testable=np.zeros(len(out), dtype=bool))
    ia, ib = idx.get_indexer(out["a"]), idx.get_indexer(out["b"])
    if (ia < 0).any() or (ib < 0).any():
        from netanalysis.errors import InputError
        raise InputError("cooccurrence_tests: a pair names a person missing from `persons`")
    sa, sb = s[ia], s[ib]
    lam = expected_cooccurrence(sa, sb, d[ia], d[ib], n_inc)
    p = poisson_tail(out["k"].to_numpy(float), lam)
    dmin = np.minimum(d[ia], d[ib])
    bookings = family.bookings is not None and "kb" in out and "nb" in persons
    if bookings:
        nb = persons["nb"].to_numpy(float)
        r2 = float(family.r2)
        kb = out["kb"].fillna(0).to_numpy(float)
        ub = np.maximum(out["ub"].fillna(2).to_numpy(float), 2.0)
        lam_b = nb[ia] * nb[ib] * collision_rate(ub, family.booking_rate, family.booking_records)
        p_b = poisson_tail(kb, lam_b)
    x = s * d
    ok = (x[ia] * x[ib] <= (n_inc * special.gammaincinv(np.maximum(dmin, 1), min(wj * tau, 1.0)))
          ** 2 * (1 + 1e-12)) & (dmin > 0)
    if family.size_cut and family.journeys is not None:
        y = _fewest(persons) * d
        ycut = pd.Series(family.journeys["ycut"].to_numpy(float),
                         index=family.journeys["d"].to_numpy())
        at = ycut.reindex(np.maximum(dmin, 1)).to_numpy(float)
        ok |= (dmin > 0) & (np.maximum(y[ia], y[ib]) <= at)
    if bookings:
        nba, nbb = nb[ia], nb[ib]
        nmin = np.maximum(np.minimum(nba, nbb), 1)
        ok |= (nba > 0) & (nbb > 0) & (
            nba * nbb * r2 <= special.gammaincinv(nmin, min((1 - wj) * tau, 1.0)) * (1 + 1e-12))
    sel = np.flatnonzero(ok)
    if sizes and "ls" in out and len(sel):   # which journeys were shared (module notes);
        # computed for the family only: the other pairs can never be kept
        f = persons["f"].to_numpy(float) if "f" in persons else np.ones(n)
        fa, fb = f[ia[sel]], f[ib[sel]]
        legacy = isinstance(sizes, str) and sizes == "margins"
        ha = hb = None
        if not legacy and all(c in persons for c in HISTOGRAM_COLUMNS):
            h = persons[HISTOGRAM_COLUMNS].to_numpy(np.int64)
            ha, hb = h[ia[sel]], h[ib[sel]]
        p[sel] = shared_size_pvalue(out["k"].to_numpy(float)[sel],
                                    out["ls"].fillna(0).to_numpy(float)[sel], sa[sel], sb[sel],
                                    d[ia[sel]], d[ib[sel]], n_inc, fa, fb, h_a=ha, h_b=hb,
                                    tail="poisson" if legacy else "union")
    if bookings:
        p = np.minimum(1.0, np.minimum(p / wj, p_b / (1.0 - wj)))
    return out.assign(lam=lam, p=p, testable=ok)


def cooccurrence_family(persons, *, fdr, seeds=None, booking_rate=None, size_cut=False):
    """Return the family :func:`cooccurrence_tests` tests, from the persons' margins alone.

    The Tarone-Gilbert level ``tau`` and the size ``m`` of the family cut to it (module notes),
    and the cuts that decide which pairs belong to it, as small tables an engine can join to
    its pair table (SQL, Spark) before any pair is returned: a pair ``(a, b)`` is tested when
    ``x_a x_b <= journeys.cut`` at ``d = min(d_a, d_b) >= 1`` (``x = s d``), or, with bookings,
    when both hold bookings and ``nb_a nb_b r2 <= bookings.cut`` at ``nb = min(nb_a, nb_b)``.
    Pairs outside the family are never kept, and leaving them out of `pairs` changes nothing.

    With `size_cut`, the family also holds the pairs whose *size-aware* p-value could reach
    ``tau``: sharing ``k <= min(d_a, d_b)`` events, each of at least ``f = max(f_a, f_b)``
    fellow persons, the statistic of :func:`shared_size_pvalue` is at least ``(f d_other /
    L)^k`` and its p-value at least ``min(P(K >= min(d_a, d_b)), (f max(d_a, d_b) /
    L)^min(d_a, d_b))``; the pairs with ``max(y_a, y_b) <= L (w tau)^(1 / min(d_a, d_b))``
    (``y = f d``, a superset of those whose second term reaches ``tau``; ``journeys.ycut``)
    join the family, and are counted (exactly) in ``m``. Frequent travellers on big journeys
    whose smallest journeys are small are then tested. The cut uses the margins only, so
    Benjamini-Hochberg over the family stays valid.

    Parameters
    ----------
    persons : DataFrame
        As for :func:`cooccurrence_tests`: ``pid``, ``s``, ``d`` (and ``nb`` with bookings).
    fdr : float
        Level ``q``.
    seeds : array_like, optional
        Codes of the persons of interest.
    booking_rate : float, optional
        Collision rate of booking references; bookings count where some person holds one.
    size_cut : bool
        Add the pairs the size-aware test could pass (above; needs ``f`` in `persons`, 1
        without); False: the count's cut alone (``ycut`` is then -1).

    Returns
    -------
    CooccurrenceFamily
        ``tau``, ``m``, ``n_inc`` (``L``), ``weight`` (of the journeys in the Bonferroni
        combination: 1 without bookings), ``r2`` (collision rate of a booking of two holders,
        or None), ``journeys`` (DataFrame ``d, cut, ycut``, one row per number of journeys
        held), ``bookings`` (DataFrame ``nb, cut``, or None), the booking rate and records
        of the null, and `size_cut`; :func:`cooccurrence_pvalues` tests any batch of pairs
        with it.

    Examples
    --------
    A and B on three journeys of two passengers, 400 others on one journey of four:

    >>> import pandas as pd
    >>> persons = pd.DataFrame({"pid": range(402), "s": 3.0, "d": [3, 3] + [1] * 400})
    >>> fam = cooccurrence_family(persons, fdr=0.05)
    >>> fam.m, fam.n_inc, fam.journeys["d"].tolist()
    (1, 406.0, [1, 3])
    >>> x = 3.0 * 3
    >>> bool(x * x <= fam.journeys["cut"].iloc[1]), bool(3.0 * 3.0 > fam.journeys["cut"].iloc[0])
    (True, True)

    See Also
    --------
    cooccurrence_tests, tarone_level, one_shared_floor
    """
    fdr = _check_fdr(fdr)
    s = persons["s"].to_numpy(float)
    d = persons["d"].to_numpy(np.int64)
    n_inc = float(d[s > 0].sum())
    n = len(persons)
    idx = pd.Index(persons["pid"])
    seed_mask = None if seeds is None else idx.isin(list(seeds))
    m_all = n * (n - 1) // 2 if seed_mask is None else int(seed_mask.sum()) * max(n - 1, 0)
    wj, r2, nb = 1.0, None, None
    bookings = (booking_rate is not None and "nb" in persons
                and bool((persons["nb"] > 0).any()))
    if bookings:
        wj = JOURNEY_WEIGHT
        nb = persons["nb"].to_numpy(float)
        r2 = float(collision_rate(2, booking_rate, nb.sum()))
    x = s * d      # max(s_a d_b, s_b d_a) <= c implies x_a x_b <= c^2: a conservative count
    cut_j = lambda tau: lambda m: (n_inc * special.gammaincinv(m, min(wj * tau, 1.0))) ** 2  # noqa: E731
    act = np.flatnonzero(s > 0)
    act = act[np.argsort(x[act], kind="stable")]     # sorted once: each count is then linear
    xs, ds = x[act], d[act]
    ss = None if seed_mask is None else seed_mask[act]

    counter = _PairCounter(xs, ds, ss)      # the per-size slices built once for every count
    y = _fewest(persons) * d
    ycounter = _MaxCounter(y[act], ds, ss) if size_cut else None
    ycut = lambda tau: lambda m: n_inc * min(wj * tau, 1.0) ** (1.0 / m) * (1 + 1e-12)  # noqa: E731

    def count(tau):
        c = counter.count(cut_j(tau))
        if ycounter is not None:      # the size-aware pairs (an over-count of the union)
            c += ycounter.count(ycut(tau))
        if bookings:   # pairs whose bookings alone could pass (an over-count of the union)
            has = nb > 0
            c += count_testable(np.maximum(nb[has], 1), nb[has].astype(np.int64),
                                lambda m: special.gammaincinv(m, min((1 - wj) * tau, 1.0)) / r2,
                                None if seed_mask is None else seed_mask[has])
        return min(c, m_all)

    if s.sum() > 0:
        tau, m_r = tarone_level(count, fdr, m_all)
    else:
        tau, m_r = fdr, 0
    dj = np.unique(d[d > 0])
    journeys = pd.DataFrame({"d": dj.astype(np.int64), "cut": (
        n_inc * special.gammaincinv(dj.astype(float), min(wj * tau, 1.0))) ** 2 * (1 + 1e-12),
        "ycut": [ycut(tau)(int(m)) if size_cut else -1.0 for m in dj]})
    books = None
    if bookings:
        nbv = np.unique(nb[nb > 0])
        books = pd.DataFrame({"nb": nbv.astype(np.int64), "cut": special.gammaincinv(
            nbv, min((1 - wj) * tau, 1.0)) * (1 + 1e-12)})
    return CooccurrenceFamily(
        tau=float(tau), m=int(m_r), n_inc=n_inc, weight=wj, r2=r2, journeys=journeys,
        bookings=books, booking_rate=float(booking_rate) if bookings else None,
        booking_records=float(nb.sum()) if bookings else 0.0, size_cut=bool(size_cut))


def one_shared_floor(lam, d_a, d_b, n, n_inc):
    """Return a floor of the p-value of a pair that shares exactly one event of `n` persons:
    ``min(lambda / (1 + lambda), max(d_a, d_b) (n - 1) / L)``, below both the count test's
    ``1 - exp(-lambda)`` and the size-aware :func:`shared_size_pvalue`: in each direction its
    ``k* = 1`` bound is ``min(1, lambda_own)`` and every other one holds ``t_1 >= min(1,
    lambda_own, x)`` (the shared event is a 1-set reaching ``x = (n - 1) d_other / L``, and
    ``lambda_own >= x``), so the larger direction is at least ``min(1, (n - 1) max(d_a, d_b)
    / L)``.

    An engine uses it to leave out, before they reach the significance step, the many pairs
    sharing one event that cannot pass Benjamini-Hochberg (see :func:`bh_rejections`).

    Parameters
    ----------
    lam : array_like
        ``lambda = max(S_a d_b, S_b d_a) / L`` (:func:`expected_cooccurrence`).
    d_a, d_b : array_like
        Events of each person.
    n : array_like
        Persons on the shared event.
    n_inc : float
        ``L``.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> lam = expected_cooccurrence([60.0], [40.0], [3], [2], 1000.0)
    >>> floor = one_shared_floor(lam, [3], [2], [21], 1000.0)
    >>> round(float(floor[0]), 4), bool(floor[0] <= poisson_tail([1], lam)[0])
    (0.06, True)

    See Also
    --------
    bh_rejections, shared_size_pvalue
    """
    lam = np.asarray(lam, dtype=float)
    d_a, d_b = np.asarray(d_a, dtype=float), np.asarray(d_b, dtype=float)
    n = np.asarray(n, dtype=float)
    return np.minimum(lam / (1.0 + lam), np.maximum(d_a, d_b) * (n - 1.0) / float(n_inc))


def bh_rejections(p, m, q, counts=None):
    """Return how many tests Benjamini-Hochberg rejects at level `q` in a family of `m`:
    ``max {r : #{p_i <= q r / m} >= r}`` (0 if none).

    Given floors of some p-values instead of the p-values themselves it returns an upper bound
    ``R`` of the rejections; a test whose floor exceeds ``q R / m`` is then never rejected, and
    leaving it out changes no other test's outcome (the rejections below rank ``R`` are the
    same, and no rank above it can pass).

    Parameters
    ----------
    p : array_like
        p-values (or floors of them).
    m : int
        Family size.
    q : float
        Level.
    counts : array_like of int, optional
        How many tests share each value of `p` (a histogram); 1 each when not given.

    Returns
    -------
    int

    Examples
    --------
    >>> bh_rejections([0.001, 0.02, 0.03, 0.5], 4, 0.05)
    3
    >>> bh_rejections([0.001, 0.02], 100, 0.05, counts=[1, 200])
    201

    See Also
    --------
    benjamini_hochberg, one_shared_floor
    """
    p = np.asarray(p, dtype=float)
    c = np.ones(len(p), dtype=np.int64) if counts is None else np.asarray(counts, dtype=np.int64)
    if not len(p) or m <= 0:
        return 0
    order = np.argsort(p, kind="stable")
    p, c = p[order], np.cumsum(c[order])
    ok = p <= q * c / float(m)
    return int(c[ok].max()) if ok.any() else 0


def identifier_tests(pairs, persons, *, fdr, rate, seeds=None):
    """Test pairs sharing identifiers (phones, documents) under the joint-act null.

    Parameters
    ----------
    pairs : DataFrame
        ``a``, ``b`` (``a < b``), ``k`` (values shared), ``u`` (most holders of a value they
        share); other columns are kept.
    persons : DataFrame
        Every holder of a value of that kind: ``pid`` and ``d`` (values held).
    fdr : float
    rate : float
        Collision rate ``c`` of two unrelated records (see the module notes).
    seeds : array_like, optional
        Codes of the persons of interest: the family is then the pairs with one of them.

    Returns
    -------
    DataFrame
        `pairs` with ``lam``, ``p`` and ``keep``.

    Examples
    --------
    2,000 holders of one number each; A and B share theirs. ``r = 1 / (1e8 + 1998)``,
    ``p = 1 - exp(-r)`` ~ 1e-8 below ``0.05 / 1,999,000``; a number of 40 holders is not:

    >>> import pandas as pd
    >>> persons = pd.DataFrame({"pid": range(2000), "d": 1})
    >>> pairs = pd.DataFrame({"a": [0, 2], "b": [1, 3], "k": [1, 1], "u": [2, 40]})
    >>> r = identifier_tests(pairs, persons, fdr=0.05, rate=1e-8)
    >>> r["keep"].tolist(), [f"{x:.2g}" for x in r["p"]]
    ([True, False], ['1e-08', '3.9e-07'])

    See Also
    --------
    collision_rate, cooccurrence_tests
    """
    fdr = _check_fdr(fdr)
    d = persons["d"].to_numpy(float)
    idx = pd.Index(persons["pid"])
    n = len(persons)
    out = pairs.copy()
    if not len(out):
        return out.assign(lam=[], p=[], keep=np.zeros(0, dtype=bool))
    out = identifier_pvalues(out, persons, rate=rate, records=float(d.sum()))
    p = out["p"].to_numpy(float)
    if seeds is None:
        m = n * (n - 1) // 2
    else:
        m = int(idx.isin(list(seeds)).sum()) * max(n - 1, 0)
    return out.assign(keep=benjamini_hochberg(p, max(m, len(out)), fdr))


def identifier_pvalues(pairs, persons, *, rate, records):
    """Return each pair's p-value under the joint-act null: the per-pair half of
    :func:`identifier_tests`, for any batch of pairs (`records` counted over every holder).

    Parameters
    ----------
    pairs : DataFrame
        ``a``, ``b``, ``k``, ``u`` as for :func:`identifier_tests`.
    persons : DataFrame
        ``pid`` and ``d`` of every person `pairs` names, at least.
    rate : float
        Collision rate ``c`` of two unrelated records.
    records : float
        Records (person-value pairs) of that kind in the whole case: ``sum d`` over every
        holder.

    Returns
    -------
    DataFrame
        `pairs` with ``lam`` and ``p``.

    Raises
    ------
    InputError
        A pair names a person missing from `persons`.

    Examples
    --------
    The pairs of :func:`identifier_tests`' example, with only their persons at hand:

    >>> import pandas as pd
    >>> persons = pd.DataFrame({"pid": range(4), "d": 1})
    >>> pairs = pd.DataFrame({"a": [0, 2], "b": [1, 3], "k": [1, 1], "u": [2, 40]})
    >>> r = identifier_pvalues(pairs, persons, rate=1e-8, records=2000)
    >>> [f"{x:.2g}" for x in r["p"]]
    ['1e-08', '3.9e-07']

    See Also
    --------
    identifier_tests, collision_rate
    """
    d = persons["d"].to_numpy(float)
    idx = pd.Index(persons["pid"])
    out = pairs.copy()
    if not len(out):
        return out.assign(lam=np.zeros(0), p=np.ones(0))
    ia, ib = idx.get_indexer(out["a"]), idx.get_indexer(out["b"])
    if (ia < 0).any() or (ib < 0).any():
        from netanalysis.errors import InputError
        raise InputError("identifier_tests: a pair names a person missing from `persons`")
    lam = d[ia] * d[ib] * collision_rate(np.maximum(out["u"].to_numpy(float), 2.0), rate,
                                         float(records))
    p = poisson_tail(out["k"].to_numpy(float), lam)
    return out.assign(lam=lam, p=p)


def benjamini_hochberg(p, m, q):
    """Return which p-values pass Benjamini-Hochberg at level `q` in a family of `m` tests.

    Parameters
    ----------
    p : array_like
        The p-values computed; the ``m - len(p)`` tests not given have p-value 1.
    m : int
        Size of the family (>= len(p)).
    q : float
        False discovery rate, in (0, 1).

    Returns
    -------
    ndarray of bool

    Examples
    --------
    >>> benjamini_hochberg([0.001, 0.02, 0.03, 0.5], 4, 0.05).tolist()
    [True, True, True, False]
    >>> benjamini_hochberg([0.0001, 0.02, 0.03, 0.5], 100, 0.05).tolist()
    [True, False, False, False]

    See Also
    --------
    cooccurrence_pvalue
    """
    p = np.asarray(p, dtype=float)
    keep = np.zeros(len(p), dtype=bool)
    if not len(p) or m <= 0:
        return keep
    m = max(int(m), len(p))
    order = np.argsort(p, kind="stable")
    ok = p[order] <= q * np.arange(1, len(p) + 1) / m
    if ok.any():
        keep[order[:np.flatnonzero(ok)[-1] + 1]] = True
    return keep


def surprise(p):
    """Return ``-log10 p``, the score of an inferred tie (0 for p = 1, capped at 300).

    Parameters
    ----------
    p : array_like of float
        p-values in [0, 1]; values below 1e-300 count as 1e-300.

    Returns
    -------
    numpy.ndarray of float
        Rounded to 4 decimals.

    Examples
    --------
    >>> surprise([1.0, 0.001]).tolist()
    [0.0, 3.0]

    See Also
    --------
    cooccurrence_pvalue
    """
    p = np.clip(np.asarray(p, dtype=float), 1e-300, 1.0)
    return np.round(-np.log10(p), 4) + 0.0


def _check_fdr(fdr):
    fdr = float(fdr)
    if not 0 < fdr < 1:
        from netanalysis.errors import InputError
        raise InputError(f"infer.fdr must be a rate between 0 and 1, not {fdr}")
    return fdr


class _PairCounter:
    """:func:`count_testable` for many cuts over the same persons: the persons sorted by
    activity and sliced by number of events once, so each count is a few searches."""

    def __init__(self, s, d, seeds=None):
        s = np.asarray(s, dtype=float)
        d = np.asarray(d, dtype=np.int64)
        order = np.argsort(s, kind="stable")
        s, d = s[order], d[order]
        sd = None if seeds is None else np.asarray(seeds, dtype=bool)[order]
        self.seeded = sd is not None
        self.levels = []
        # slices by number of events, from the most: d >= m grows as m falls
        for m in np.unique(d)[::-1]:
            ge, eq = d >= m, d == m
            if sd is None:
                self.levels.append((int(m), s[ge], s[eq], None, None))
            else:
                self.levels.append((int(m), s[ge], s[eq], s[eq & sd], s[(d > m) & sd]))

    def count(self, cut):
        total = 0.0
        for m, s_ge, s_eq, a_eq, a_gt in self.levels:
            c = float(cut(m)) * (1 + 1e-12)
            if c <= 0:
                continue
            if not self.seeded:
                self_ = float((s_eq * s_eq <= c).sum())
                x = np.searchsorted(s_ge, c / s_eq, side="right").sum() - self_
                w = np.searchsorted(s_eq, c / s_eq, side="right").sum() - self_
                total += x - w / 2.0
            else:
                total += np.searchsorted(s_ge, c / a_eq, side="right").sum() \
                    - float((a_eq * a_eq <= c).sum())
                total += np.searchsorted(s_eq, c / a_gt, side="right").sum()
        return int(round(total))


def _fewest(persons):
    """``f`` of every person (fewest fellow persons on one of its events), at least 1."""
    if "f" not in persons:
        return np.ones(len(persons))
    return np.maximum(persons["f"].to_numpy(float), 1.0)


class _MaxCounter:
    """Counts the pairs with ``max(y_a, y_b) <= cut(min(d_a, d_b))`` (seeded: with a person
    of interest, each pair once), for many cuts over the same persons."""

    def __init__(self, y, d, seeds=None):
        y = np.asarray(y, dtype=float)
        d = np.asarray(d, dtype=np.int64)
        sd = None if seeds is None else np.asarray(seeds, dtype=bool)
        self.levels = []
        for m in np.unique(d)[::-1]:
            ge, gt = d >= m, d > m
            if sd is None:
                self.levels.append((int(m), np.sort(y[ge]), np.sort(y[gt]), None, None))
            else:   # the others: pairs with a person of interest = all - none of them
                self.levels.append((int(m), np.sort(y[ge]), np.sort(y[gt]),
                                    np.sort(y[ge & ~sd]), np.sort(y[gt & ~sd])))

    def count(self, cut):
        pairs = lambda v: v * (v - 1) // 2     # noqa: E731
        total = 0
        for m, y_ge, y_gt, o_ge, o_gt in self.levels:
            c = float(cut(m))
            n_ge = int(np.searchsorted(y_ge, c, side="right"))
            n_gt = int(np.searchsorted(y_gt, c, side="right"))
            total += pairs(n_ge) - pairs(n_gt)
            if o_ge is not None:
                total -= pairs(int(np.searchsorted(o_ge, c, side="right"))) \
                    - pairs(int(np.searchsorted(o_gt, c, side="right")))
        return int(total)


def _size_bound(k, ls, s_own, d_own, d_other, f_own, n_inc, max_terms, h_own=None,
                tail="union"):
    """One direction of :func:`shared_size_pvalue` (the own person's events held fixed)."""
    n = len(k)
    if not n:
        return np.ones(0)
    log_c = np.log(np.maximum(d_other, 1.0) / float(n_inc))
    log_x = ls + k * log_c
    lam = s_own * np.exp(log_c)
    dmin = np.minimum(d_own, d_other)
    top = int(min(max(dmin.max(), 1), max(max_terms, k.max() + 1)))   # k* = k + 1 always in
    j = np.arange(1, top + 2, dtype=float)[None, :]            # j = 1 .. top + 1
    log_comb = (special.gammaln(d_own[:, None] + 1) - special.gammaln(j + 1)
                - special.gammaln(np.maximum(d_own[:, None] - j, 0) + 1))
    if tail == "poisson":      # the bound before session 18 (benchmarks compare with it)
        ptail = special.gammainc(j, lam[:, None])
    else:                      # P(K >= j): union, binomial where Hoeffding's comparison holds
        ptail = _count_tail(j, lam, d_own, log_comb, k)
    ptail = np.where(j > dmin[:, None], 0.0, ptail)              # K <= min(d_a, d_b)
    reach = j * (np.log(f_own)[:, None] + log_c[:, None]) <= log_x[:, None] + 1e-9
    a_j = np.exp(np.minimum(log_comb + log_x[:, None], 0.0))    # C(d, j) x
    a_j = np.where(reach & (j <= d_own[:, None]), a_j, 0.0)
    if h_own is not None and tail != "poisson":      # the terms j <= HISTOGRAM_TERMS
        a_h, e_h = h_own
        n_t = min(a_h.shape[1], a_j.shape[1])
        a_j[:, :n_t] = np.minimum(a_j[:, :n_t], a_h[:, :n_t])
        e_j = np.where(j[:, :n_t] > dmin[:, None], 0.0, e_h[:, :n_t])
        ptail[:, :n_t] = np.minimum(ptail[:, :n_t], e_j)
    t = np.minimum(a_j, ptail)
    # bound(k*) = sum_{j < k*} t_j + P(K >= k*), k* = 1 .. top + 1
    before = np.concatenate([np.zeros((n, 1)), np.cumsum(t[:, :-1], axis=1)], axis=1)
    # each pair's own k* <= min(d_a, d_b, max(max_terms, k)) + 1: not the batch's largest, so
    # a pair's p-value does not depend on the other pairs tested with it
    own = np.minimum(np.maximum(dmin, 1), np.maximum(max_terms, k + 1))
    return np.min(np.where(j <= own[:, None] + 1, before + ptail, np.inf), axis=1)


def _count_tail(j, lam, d_own, log_comb, k):
    """Valid bounds of ``P(K >= j)`` for ``K`` the events of the own person the other joins
    (independent, chances ``pi_e`` summing to at most ``lam``): the union bound over the
    ``j``-sets, at most ``C(d, j) (lam / d)^j`` (Maclaurin's inequality), and where ``j >=
    lam + 1`` the binomial tail of ``Bin(d, lam / d)``, which bounds every Poisson-binomial
    of that mean there (Hoeffding 1956), computed for ``j <= k + 2`` (where the bound's
    best ``k*`` lies); 1 at most."""
    d = np.maximum(d_own, 1.0)[:, None]
    rate = lam[:, None] / d
    with np.errstate(divide="ignore"):
        union = np.exp(np.minimum(log_comb + j * np.log(np.maximum(rate, 1e-300)), 0.0))
    ok = (j >= lam[:, None] + 1.0) & (rate <= 1.0) & (j <= d) & (union > 1e-300) \
        & (j <= k[:, None] + 2)
    binom = np.ones(union.shape)
    jj, dd, rr = np.broadcast_arrays(j, d, rate)
    binom[ok] = special.betainc(jj[ok], dd[ok] - jj[ok] + 1.0, rr[ok])
    return np.minimum(np.minimum(union, 1.0), binom)


def _histogram_terms(h_own, k, ls, d_other, n_inc):
    """The terms of the size-aware bound the own person's size histogram sharpens, for ``j =
    1 .. HISTOGRAM_TERMS`` (one row a pair, one column a ``j``): ``A_j`` (the ``j``-sets of its
    events whose chance can be at most ``x``, each counted at ``min(x, the upper bound of its
    chance)``) and the union bound ``e_j`` of ``P(K >= j)`` from the bins' upper edges (1
    where the last, open bin holds an event). Each distinct histogram's subset counts are
    computed once, in blocks."""
    n, n_terms = len(k), HISTOGRAM_TERMS
    a_out, e_out = np.ones((n, n_terms)), np.ones((n, n_terms))
    if not n:
        return a_out, e_out
    log_c = np.log(np.maximum(d_other, 1.0) / float(n_inc))
    log_x = ls + k * log_c
    uniq, inv = _unique_rows(np.asarray(h_own, dtype=np.int64))
    open_bin = uniq[:, -1] > 0
    half = 0.5 * math.log(2.0)
    block = 4_000
    for lo in range(0, len(uniq), block):
        rows = np.flatnonzero((inv >= lo) & (inv < lo + block))
        if not len(rows):
            continue
        cnt, up = _subset_tables(uniq[lo:lo + block], n_terms)   # (P, J + 1, W + 1)
        w_top = cnt.shape[2] - 1
        at = inv[rows] - lo
        ob = open_bin[inv[rows]]
        lx, lc = log_x[rows], log_c[rows]
        x = np.exp(lx)
        for jj in range(1, n_terms + 1):
            # a j-set whose bins sum to w has chance >= c^j 2^(w / 2), < c^j 2^((w + j) / 2)
            room = (lx - jj * lc) / half                      # 2 log2(x / c^j)
            wm = np.clip(np.floor(room + 1e-6), -1, w_top).astype(np.int64)
            wu = np.where(ob, -1, np.clip(np.floor(room - jj + 1e-6), -1, w_top)).astype(np.int64)
            wu = np.minimum(wu, wm)
            n_max = np.where(wm >= 0, cnt[at, jj, np.maximum(wm, 0)], 0.0)
            n_up = np.where(wu >= 0, cnt[at, jj, np.maximum(wu, 0)], 0.0)
            s_up = np.where(wu >= 0, up[at, jj, np.maximum(wu, 0)], 0.0)
            cj = np.exp(jj * lc)
            a_out[rows, jj - 1] = np.minimum((cj * s_up + x * (n_max - n_up)) * (1 + 1e-9), 1.0)
            e = cj * up[at, jj, w_top] * (1 + 1e-9)
            e_out[rows, jj - 1] = np.where(ob, 1.0, np.minimum(e, 1.0))
    return a_out, e_out


def _unique_rows(h):
    """``np.unique(h, axis=0, return_inverse=True)`` (in another order), by a 1-d key first (a
    row's dot product with fixed random odd multipliers, modulo 2^64); every row is checked
    against its key's row, and the exact search runs if any differs."""
    mult = np.random.default_rng(18).integers(1, 2 ** 63, h.shape[1], dtype=np.uint64) \
        | np.uint64(1)
    with np.errstate(over="ignore"):
        key = (h.astype(np.uint64) * mult[None, :]).sum(axis=1, dtype=np.uint64)
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    uniq = h[first]
    if not np.array_equal(uniq[inv], h):
        uniq, inv = np.unique(h, axis=0, return_inverse=True)
    return uniq, np.asarray(inv).reshape(-1)


def _subset_tables(h, n_terms):
    """For each row of `h` (the events of a person per size bin), ``cnt[j, w]``: how many
    ``j``-sets of its events have bins summing to at most ``w``, and ``up[j, w]`` the sum of
    ``2^((w' + j) / 2)`` over them (``w'`` the set's sum: the upper edge of its chance over
    ``c^j``), ``j <= n_terms``, ``w`` up to ``(SIZE_BINS - 1) n_terms``."""
    n_p, n_bins = h.shape
    w_top = (n_bins - 1) * n_terms
    out = np.zeros((n_p, n_terms + 1, w_top + 1))
    out[:, 0, 0] = 1.0
    for i in range(n_bins):
        rows = np.flatnonzero(h[:, i] > 0)      # only the persons with events in the bin
        if not len(rows):
            continue
        hi = h[rows, i].astype(float)
        old = out[rows]
        new = old.copy()
        for t in range(1, min(n_terms, int(hi.max())) + 1):
            c = special.comb(hi, t)
            sh = i * t
            if sh > w_top:
                break
            new[:, t:, sh:] += c[:, None, None] * old[:, :n_terms + 1 - t, :w_top + 1 - sh]
        out[rows] = new
    w = np.arange(w_top + 1, dtype=float)[None, None, :]
    jj = np.arange(n_terms + 1, dtype=float)[None, :, None]
    return np.cumsum(out, axis=2), np.cumsum(out * 2.0 ** ((w + jj) / 2.0), axis=2)
