"""Significance of co-occurrence: how unlikely a pair's shared journeys, bookings, identifiers
or calls are by chance, and which pairs pass a false-discovery-rate control.

Notes
-----
**The null model.** Persons and *events* (a journey, a booking, a phone number, a document)
form a bipartite graph; an event with ``s`` persons gives each of them ``s - 1`` co-occurrences.
Person ``a``'s activity is ``S_a``, the number of co-occurrences it takes part in (its degree
in the weighted projection), and ``2W = sum_a S_a``. Under a configuration model of the
projection that keeps every person's ``S_a`` -- and so each person's number of events *and* the
sizes of the events it took part in -- the number of events ``a`` and ``b`` share is close to
Poisson with mean

    ``lambda_ab = S_a * S_b / (2W)``

(the marginal-likelihood filter of [2]_, with a Poisson for its binomial). When all events
have the same size ``s`` and ``N`` events carry ``L = N s`` incidences, ``lambda_ab`` is
``d_a d_b (s - 1) / (L - ...)`` ~ ``d_a d_b / N``, the mean of the hypergeometric backbone of
[1]_ (``d_a`` events of ``a``, ``d_b`` of ``b`` among ``N``). Unlike that backbone, the model
keeps event sizes: a person who travels on small flights has few fellow passengers, a small
``S_a``, and a shared journey with them is rarer by chance than one with a person on full
flights. That is how rarity and small craft enter: not as weights or gates, through the null.

Assumptions: events are placed independently given the activities (no seasonality, no
routes that only some persons can take); every shared event counts once, whatever its size
(the size enters through ``S``); the Poisson has a variance at least that of the true
Poisson-binomial count, so its upper tail is conservative.

**The family and its p-values.** Only pairs with at least one co-occurrence are computed (the
others number ``n^2 / 2``): the family tested is *the pairs with at least one co-occurrence*,
``m`` of them. Selecting on ``K >= 1`` changes the distribution of ``K``, so the p-value is
conditional on the selection,

    ``p = P(K >= k | K >= 1) = P(K >= k) / P(K >= 1)``

which is uniform or larger under the null for every pair of the family; the selection is
then no source of false discoveries, and Benjamini-Hochberg [3]_ at level ``q`` over the ``m``
pairs keeps the expected share of chance ties among those kept at or below ``q``. A
consequence: **one co-occurrence alone is never significant** (``p = 1``): a pair is singled out
only by co-occurring more often than its activity explains.

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
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["expected_cooccurrence", "cooccurrence_pvalue", "benjamini_hochberg", "surprise"]


def expected_cooccurrence(s_a, s_b, two_w):
    """Return ``lambda = S_a S_b / 2W``, the co-occurrences a pair has by chance.

    Parameters
    ----------
    s_a, s_b : array_like
        Activities of the two persons (co-occurrences each takes part in).
    two_w : float
        Sum of all activities.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> expected_cooccurrence([2, 10], [3, 10], 200.0).tolist()
    [0.03, 0.5]

    See Also
    --------
    cooccurrence_pvalue
    """
    s_a = np.asarray(s_a, dtype=float)
    s_b = np.asarray(s_b, dtype=float)
    return s_a * s_b / float(two_w) if two_w > 0 else np.zeros(np.broadcast(s_a, s_b).shape)


def cooccurrence_pvalue(k, lam):
    """Return ``P(K >= k | K >= 1)`` for ``K ~ Poisson(lam)`` (see the module notes).

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
    k = np.asarray(k, dtype=float)
    lam = np.maximum(np.asarray(lam, dtype=float), 1e-300)
    log_sel = np.log(-np.expm1(-lam))                 # log P(K >= 1)
    log_tail = stats.poisson.logsf(k - 1, lam)        # log P(K >= k)
    return np.where(k <= 1, 1.0, np.minimum(1.0, np.exp(log_tail - log_sel)))


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
