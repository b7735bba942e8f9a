"""Travel with planted companions under chosen settings: journey sizes, shared journeys, travel
frequency, or no planted tie at all -- cases to calibrate co-travel inference on, so that its
defaults are not tuned on :func:`netanalysis.synth.synth_case`'s habits alone.

Notes
-----
``n_persons`` persons each take ``d`` journeys, ``d`` log-uniform in ``legs_per_person``; a
journey's popularity is log-uniform in ``journey_size`` and persons pick journeys in proportion
to it (the number of known passengers of a journey is then close to its popularity).
``n_companions`` pairs of distinct persons are planted: the second one joins ``k`` of the first
one's journeys, ``k`` uniform in ``shared_journeys`` (a person with fewer journeys shares all of
them). ``n_companions=0`` is the null case: every shared journey is chance. Persons of interest
(a ``wanted_by``) are the first person of each planted pair and as many others without a
companion (``n_wanted`` in all; in the null case, ``n_wanted`` persons chosen at random).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cotravel_case"]


def cotravel_case(n_persons=2000, *, journey_size=(3, 300), shared_journeys=(1, 5),
                  legs_per_person=(1, 50), n_companions=50, n_wanted=None, seed=0):
    """Return synthetic travel legs and the planted companion pairs.

    Parameters
    ----------
    n_persons : int
    journey_size : (int, int)
        Smallest and largest popularity of a journey (known passengers), log-uniform.
    shared_journeys : (int, int)
        Journeys a planted companion shares, uniform in the range.
    legs_per_person : (int, int)
        Journeys per person, log-uniform in the range.
    n_companions : int
        Planted pairs; 0 is the null case.
    n_wanted : int, optional
        Persons of interest (default ``max(2 * n_companions, 50)``).
    seed : int

    Returns
    -------
    travel : DataFrame
        ``person_id, carrier, flight, depart, origin, destination`` (one row a leg).
    persons : DataFrame
        ``id, name, wanted_by`` (``wanted_by`` a list, ``["XX"]`` for persons of interest).
    truth : DataFrame
        ``id_a, id_b, shared`` (``id_a < id_b``): the planted pairs and the journeys they share.

    Examples
    --------
    >>> tr, persons, truth = cotravel_case(200, n_companions=5, seed=1)
    >>> len(truth), sorted(tr.columns)[:3], int(persons["wanted_by"].map(len).sum())
    (5, ['carrier', 'depart', 'destination'], 50)
    >>> bool((truth["shared"] >= 1).all())
    True
    >>> cotravel_case(200, n_companions=0)[2].empty
    True

    See Also
    --------
    netanalysis.resolve.infer.co_travel_links
    """
    rng = np.random.default_rng(seed)
    lo_l, hi_l = legs_per_person
    d = np.exp(rng.uniform(np.log(lo_l), np.log(hi_l + 1), n_persons)).astype(np.int64)
    d = np.clip(d, lo_l, hi_l)
    lo_s, hi_s = journey_size
    total = int(d.sum())
    # journeys: popularity log-uniform; enough of them that the popularities sum to the legs
    pops = []
    while sum(pops) < total:
        pops.extend(np.exp(rng.uniform(np.log(lo_s), np.log(hi_s), 1000)).tolist())
    pop = np.array(pops)
    pop = pop[:int(np.searchsorted(np.cumsum(pop), total)) + 1]
    J = len(pop)
    person = np.repeat(np.arange(n_persons), d)
    journey = rng.choice(J, total, p=pop / pop.sum())
    pairs = []
    order = rng.permutation(n_persons)
    n_wanted = max(2 * n_companions, 50) if n_wanted is None else int(n_wanted)
    wanted = set(order[:2 * n_companions:2].tolist()) | set(
        order[2 * n_companions:2 * n_companions + max(0, n_wanted - n_companions)].tolist())
    if n_companions:
        people = order[:2 * n_companions].reshape(-1, 2)
        extra_p, extra_j = [], []
        for a, b in people:
            ja = np.unique(journey[person == a])
            k = min(int(rng.integers(shared_journeys[0], shared_journeys[1] + 1)), len(ja))
            shared = rng.choice(ja, k, replace=False)
            extra_p.append(np.full(k, b))
            extra_j.append(shared)
            pairs.append((a, b))
        person = np.concatenate([person] + extra_p)
        journey = np.concatenate([journey] + extra_j)
    legs = np.unique(person.astype(np.int64) * J + journey)
    person, journey = legs // J, legs % J
    # what the planted pairs really share (chance journeys included)
    truth = []
    for a, b in pairs:
        truth.append((a, b, len(np.intersect1d(journey[person == a], journey[person == b]))))
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(journey % 365, unit="D")
    pid = np.array([f"P{i:07d}" for i in range(n_persons)], dtype=object)
    travel = pd.DataFrame({
        "person_id": pid[person], "carrier": "XX",
        "flight": (journey // 365).astype(str).astype(object),
        "depart": day.strftime("%Y-%m-%d").to_numpy(dtype=object),
        "origin": "AAA", "destination": "BBB"})
    tdf = pd.DataFrame({"id_a": [pid[min(a, b)] for a, b, _ in truth],
                        "id_b": [pid[max(a, b)] for a, b, _ in truth],
                        "shared": [s for _, _, s in truth]}, columns=["id_a", "id_b", "shared"])
    persons = pd.DataFrame({"id": pid, "name": pid,
                            "wanted_by": [["XX"] if i in wanted else [] for i in range(n_persons)]})
    return travel, persons, tdf
