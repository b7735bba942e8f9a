"""The settings sections: one frozen dataclass per section and per nested mapping.

Values come from ``netanalysis/schema/settings/*.yaml`` (documented there); these classes give
their types, which :func:`netanalysis.settings.load_settings` checks every layer against.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import Literal, Optional

from netanalysis.model.vocab import INFERRED_LINK_TYPES
from netanalysis.settings.values import (
    CHECKED_TYPES,
    CountryCode,
    CssColor,
    CssLength,
    PathText,
    Size,
)

__all__ = [
    "Section",
    "RankSettings",
    "ResolveSettings",
    "InferSettings",
    "MapSettings",
    "MapInvestigation",
    "MovementsSettings",
    "Neo4jSettings",
    "IngestSettings",
    "DisruptSettings",
    "KeyPlayersSettings",
    "SparkSettings",
    "SECTIONS",
    "SECRET_KEYS",
    "mask_secrets",
    "suggest",
]

#: Keys whose values are never shown (``repr``, :meth:`Settings.public`).
SECRET_KEYS = frozenset({"password", "token", "secret"})


class Section:
    """Base of the section dataclasses: attribute access, plus read-only ``obj["key"]``.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> w = load_settings(env={}).rank.weights
    >>> w.danger == w["danger"], "danger" in w, sorted(dict(w))[:2]
    (True, True, ['brokerage', 'centrality'])

    See Also
    --------
    SECTIONS : the section dataclasses by name.
    """

    def __getitem__(self, key):
        names = [f.name for f in dataclasses.fields(self)]
        if key in names:
            return getattr(self, key)
        raise KeyError(f"{key!r}{suggest(key, names)}")

    def __contains__(self, key):
        return any(f.name == key for f in dataclasses.fields(self))

    def keys(self):
        """Return the field names, so ``dict(section)`` gives a shallow dict."""
        return [f.name for f in dataclasses.fields(self)]

    def to_dict(self):
        """Return the section as plain nested dicts and lists (a deep copy)."""
        return _plain(self)


# ---------------------------------------------------------------------------------------------
# The sections. Values: schema/settings/<section>.yaml (documented there). Types: here.

CentralityMeasure = Literal["degree", "weighted_degree", "betweenness", "pagerank", "eigenvector",
                            "closeness", "harmonic", "core_number", "constraint",
                            "effective_size"]
InferredType = Literal[tuple(INFERRED_LINK_TYPES)]
VisShape = Literal["dot", "square", "triangle", "triangleDown", "diamond", "star", "hexagon",
                   "ellipse", "circle", "box", "database", "text"]


@dataclass(frozen=True)
class RankWeights(Section):
    """``rank.weights``: the weight of each part of the target score."""

    danger: float
    support: float
    brokerage: float
    centrality: float


@dataclass(frozen=True)
class RankDanger(Section):
    """``rank.danger``: how dangerous a fugitive is (notice, offences, countries)."""

    notice: dict[str, float]
    offences_weight: float
    offence_severity: dict[str, float]
    offence_default: float
    countries_weight: float
    countries_cap: int = field(metadata={"min": 1})


@dataclass(frozen=True)
class RankSupport(Section):
    """``rank.support``: how far and how strongly support reaches fugitives."""

    hops: int = field(metadata={"min": 1})
    decay: float
    base_value: float


@dataclass(frozen=True)
class RankBrokerage(Section):
    """``rank.brokerage``: brokerage between groups."""

    groups_cap: int = field(metadata={"min": 1})
    max_two_paths: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class RankCentrality(Section):
    """``rank.centrality``: the measures scored and the tie strength attribute."""

    measures: list[CentralityMeasure]
    weight: str


@dataclass(frozen=True)
class RankBetweenness(Section):
    """``rank.betweenness``: exact up to ``exact_max_nodes``, else sampled.

    From ``sample_work // ties`` sources, at least ``sample_min`` and at most ``sample``
    (:func:`netanalysis.analyze.measures.sample_size`).
    """

    exact_max_nodes: int = field(metadata={"min": 0})
    sample: int = field(metadata={"min": 1})
    sample_min: int = field(default=64, metadata={"min": 1})
    sample_work: int = field(default=32_000_000, metadata={"min": 0})


@dataclass(frozen=True)
class RankCommunities(Section):
    """``rank.communities``: community detection."""

    method: Literal["leiden", "leidenalg", "louvain"]
    resolution: float
    n_iterations: int
    graph: Literal["support_circle", "all"]
    circle_resolution: float = field(metadata={"min": 0})
    circle_reference_ties: Optional[int] = field(metadata={"min": 1})
    circle_objective: Literal["surprise", "cpm", "modularity"] = "surprise"
    circle_density: float = field(default=0.25, metadata={"min": 0})
    circle_split_alpha: Optional[float] = field(default=0.05, metadata={"min": 0, "max": 1})


@dataclass(frozen=True)
class RankWhy(Section):
    """``rank.why``: what the ``why`` sentence mentions."""

    top_percent: float


@dataclass(frozen=True)
class RankSettings(Section):
    """Section ``rank`` (``schema/settings/rank.yaml``): ranking of targets and groups.

    Built by :func:`load_settings`, never by hand; the YAML file says what each key means.

    Parameters
    ----------
    weights, danger, support, brokerage, centrality, betweenness, communities, why : dataclass
        The nested mappings (:class:`RankWeights`, :class:`RankDanger`...).
    closeness_max_nodes : int
        Closeness and harmonic centrality are computed up to this many nodes.
    structural_holes_max_two_paths : float
        Burt's measures are computed while the sum of squared degrees stays below this.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> r = load_settings(env={}).rank
    >>> r.weights.danger, r.betweenness.sample, r.communities.method
    (4.0, 1024, 'leiden')

    See Also
    --------
    netanalysis.settings.load_settings : where the sections come from.
    """

    weights: RankWeights
    danger: RankDanger
    support: RankSupport
    brokerage: RankBrokerage
    centrality: RankCentrality
    betweenness: RankBetweenness
    closeness_max_nodes: int = field(metadata={"min": 0})
    structural_holes_max_two_paths: float = field(metadata={"min": 0})
    communities: RankCommunities
    why: RankWhy


@dataclass(frozen=True)
class ResolveSettings(Section):
    """Section ``resolve`` (``schema/settings/resolve.yaml``): entity resolution.

    Parameters
    ----------
    enabled, require_corroboration, birth_conflict_blocks, document_conflict_blocks : bool
        Switches of the rule (see the YAML file); ``document_conflict_blocks`` applies to
        both models (clustering, :mod:`netanalysis.resolve.cluster`).
    model : {"rules", "fellegi_sunter"}
        The hand-set weights below, or :mod:`netanalysis.resolve.probabilistic`.
    fs_auto_merge_probability, fs_review_probability, fs_tf_weight : float
        Fellegi-Sunter: merge and review probabilities, term-frequency adjustment.
    fs_min_pairs, fs_max_review : int
        Fellegi-Sunter: fewest pairs to estimate from, most rows in ``review.csv``.
    fs_name_blocks : bool
        Fellegi-Sunter: also compare pairs sharing two phonetic name tokens.
    threshold, min_name_similarity, *_weight : float
        The merge threshold and the weight of each piece of evidence.
    rare_name_max, common_name_min, min_shared_contacts, max_block, max_contact_degree : int
        Counts bounding the comparison.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).resolve.threshold
    1.0

    See Also
    --------
    InferSettings : the other section of :mod:`netanalysis.resolve`.
    """

    enabled: bool
    model: Literal["rules", "fellegi_sunter"]
    fs_auto_merge_probability: float = field(metadata={"min": 0, "max": 1})
    fs_review_probability: float = field(metadata={"min": 0, "max": 1})
    fs_min_pairs: int = field(metadata={"min": 0})
    fs_tf_weight: float = field(metadata={"min": 0})
    fs_name_blocks: bool
    fs_max_review: int = field(metadata={"min": 0})
    threshold: float
    name_weight: float
    min_name_similarity: float
    require_corroboration: bool
    birth_day_weight: float
    birth_swap_weight: float
    birth_month_weight: float
    birth_year_weight: float
    birth_conflict_blocks: bool
    document_weight: float
    document_conflict_weight: float
    document_conflict_blocks: bool
    phone_weight: float
    rare_name_weight: float
    rare_name_max: int = field(metadata={"min": 0})
    common_name_weight: float
    common_name_min: int = field(metadata={"min": 0})
    nationality_weight: float
    nationality_conflict_weight: float
    contacts_weight: float
    min_shared_contacts: int = field(metadata={"min": 0})
    linked_weight: float
    max_block: int = field(metadata={"min": 0})
    max_contact_degree: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class InferCoTravel(Section):
    """``infer.co_travel``: ties from shared journeys and bookings."""

    max_passengers: int = field(metadata={"min": 0})
    max_evidence_items: int = field(metadata={"min": 0})
    booking_collision_rate: float = field(metadata={"min": 0, "max": 1})
    size_cut: bool
    memory_limit: Optional[Size]
    temp_directory: Optional[PathText]


@dataclass(frozen=True)
class InferShared(Section):
    """``infer.shared_phone`` and ``infer.shared_document``: ties from a shared identifier."""

    max_users: int = field(metadata={"min": 1})
    collision_rate: float = field(metadata={"min": 0, "max": 1})


@dataclass(frozen=True)
class InferSettings(Section):
    """Section ``infer`` (``schema/settings/infer.yaml``): link inference.

    Parameters
    ----------
    enabled : bool
    max_confidence : float
        Every inferred tie's confidence stays below this (0..1).
    fdr : float
        False-discovery rate of the Benjamini-Hochberg control over each rule's pairs.
    seed : {"all", "wanted"}
        Test every pair, or only pairs with a person of interest (a ``wanted_by``).
    types : list of str
        The rules applied (:data:`netanalysis.model.vocab.INFERRED_LINK_TYPES`).
    co_travel, shared_phone, shared_document : dataclass
        The settings of each rule; ``co_travel.memory_limit`` is a :class:`Size` and
        ``co_travel.temp_directory`` a :class:`PathText`.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).infer.co_travel.memory_limit
    '2GB'

    See Also
    --------
    ResolveSettings : the other section of :mod:`netanalysis.resolve`.
    """

    enabled: bool
    max_confidence: float = field(metadata={"min": 0, "max": 1})
    fdr: float = field(metadata={"min": 0, "max": 1})
    seed: Literal["all", "wanted"]
    types: list[InferredType]
    co_travel: InferCoTravel
    shared_phone: InferShared
    shared_document: InferShared


@dataclass(frozen=True)
class MapInvestigation(Section):
    """``map.investigation``: how much of the case the investigation view (the default map) keeps.

    Parameters
    ----------
    fugitives, logistics_groups, top_targets : int
        Highest-ranked fugitives (with their supporters), logistics groups and targets kept.
    connect_hops : int
        Longest chain of ties added to connect a top target.
    inferred_per_fugitive : int
        Strongest inferred ties kept per fugitive.
    panel_fugitives : int
        Fugitives listed in the side panel.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).map.investigation.fugitives
    25

    See Also
    --------
    MapSettings : the section it belongs to.
    """

    fugitives: int = field(metadata={"min": 0})
    logistics_groups: int = field(metadata={"min": 0})
    top_targets: int = field(metadata={"min": 0})
    connect_hops: int = field(metadata={"min": 0})
    inferred_per_fugitive: int = field(metadata={"min": 0})
    panel_fugitives: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class MapSettings(Section):
    """Section ``map`` (``schema/settings/map.yaml``): network maps and the report.

    Parameters
    ----------
    max_physics_nodes, max_nodes, label_length, seed : int
        Limits of the drawing and the seed of its layout.
    low_confidence, min_size, max_size : float
    height : str
        CSS height of the map.
    role_colors, kind_colors, kind_shapes, edge_colors : dict of str
    group_palette : list of str
    investigation : MapInvestigation
        What the investigation view keeps.
    focus_hops : int
        Radius of a focus map, in ties.
    report_fugitives, report_targets : int
        Fugitives with a section of their own in the report, targets in its table.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).map.role_colors["fugitive"]
    '#d62728'

    See Also
    --------
    RankSettings : what the map's node sizes follow.
    """

    max_physics_nodes: int = field(metadata={"min": 0})
    max_nodes: int = field(metadata={"min": 1})
    low_confidence: float
    min_size: float
    max_size: float
    label_length: int = field(metadata={"min": 1})
    seed: int
    height: CssLength
    role_colors: dict[str, CssColor]
    kind_colors: dict[str, CssColor]
    kind_shapes: dict[str, VisShape]
    edge_colors: dict[str, CssColor]
    group_palette: list[CssColor]
    investigation: MapInvestigation
    focus_hops: int = field(metadata={"min": 0})
    report_fugitives: int = field(metadata={"min": 0})
    report_targets: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class Neo4jGds(Section):
    """``neo4j.gds``: Graph Data Science (betweenness follows ``rank.betweenness``)."""

    community: Literal["leiden", "louvain"]
    damping: float
    max_iterations: int = field(metadata={"min": 1})
    tolerance: float


@dataclass(frozen=True)
class Neo4jSettings(Section):
    """Section ``neo4j`` (``schema/settings/neo4j.yaml``): the server connection.

    Parameters
    ----------
    uri, user, database : str
    password : str or None
        Never shown by ``repr`` or :meth:`netanalysis.settings.Settings.public`.
    batch_size : int
        Rows per transaction of a push.
    gds : Neo4jGds
        Graph Data Science options (betweenness follows ``rank.betweenness``).

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> s = load_settings(env={"NEO4J_PASSWORD": "pw"}).neo4j
    >>> s.database, "pw" in repr(s)
    ('neo4j', False)

    See Also
    --------
    netanalysis.backends.neo4j.connection_settings : the connection values in effect.
    """

    uri: str
    user: str
    password: Optional[str] = field(repr=False)
    database: str
    batch_size: int = field(metadata={"min": 1})
    gds: Neo4jGds

    def __repr__(self):
        return f"Neo4jSettings({mask_secrets(self.to_dict())!r})"


@dataclass(frozen=True)
class IngestSettings(Section):
    """Section ``ingest`` (``schema/settings/ingest.yaml``): reading cases.

    Parameters
    ----------
    phone_region : CountryCode or None
        Country used to read phone numbers written without ``+``.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}, ingest={"phone_region": "co"}).ingest.phone_region
    'CO'

    See Also
    --------
    CountryCode : how the code is checked.
    """

    phone_region: Optional[CountryCode]


@dataclass(frozen=True)
class SparkSettings(Section):
    """Section ``spark`` (``schema/settings/spark.yaml``): the Spark engine.

    Parameters
    ----------
    master : str or None
        Spark master URL (``spark://...``, ``yarn``, ``sc://...``); None = ``local[N]``.
    hops : int
        Radius of the investigation graph around the persons of interest.
    driver_memory : str
        Driver JVM memory in local mode (``2g``).
    shuffle_partitions : int or None
        Spark shuffle partitions; None = two per core in local mode.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).spark.hops
    2

    See Also
    --------
    IngestSettings : the reading that the engine reproduces.
    """

    master: Optional[str]
    hops: int = field(metadata={"min": 0})
    driver_memory: str
    shuffle_partitions: Optional[int] = field(metadata={"min": 1})


@dataclass(frozen=True)
class MovementsSettings(Section):
    """Section ``movements`` (``schema/settings/movements.yaml``): where a fugitive goes next.

    The weights of the conditional logit are fitted on the case itself; these values shape the
    candidates and the fit (see :mod:`netanalysis.analyze.movements`).

    Parameters
    ----------
    top : int
        Places per fugitive in ``movements.csv``.
    train_on : {"fugitives", "everyone"}
        Whose legs train the model.
    max_train, min_train : int
        Legs sampled to fit; below `min_train` usable legs the fallback weights are used.
    l2 : float
        Ridge penalty of the fit, on standardised features.
    route_candidates, gravity_candidates : int
        Candidate destinations from the route network and the gravity prior.
    cotravel_max_group : int
        Journeys with more listed travellers do not make co-travellers.
    location_kinds : dict of str to float
        Weight of a place by the kind of location record.
    family_types, associate_types : list of str
        Link types that make someone family or a close associate.
    fallback_weights : dict of str to float
        The plain model used when a case has too little travel.
    fallback_coverage : float
        Share of moves to a candidate place assumed by the fallback.
    ranker : {"auto", "logit", "boosted"}
        The model: ``auto`` lets the held-out check choose between the conditional logit and
        a gradient-boosted ranker (LightGBM LambdaRank, optional extra ``boost``).
    min_boosted_train : int
        Fewer usable legs than this: the conditional logit only.
    call_window_days : float
        Calls with a supporter or associate this many days before a departure count as
        recent calls.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> load_settings(env={}).movements.train_on
    'fugitives'

    See Also
    --------
    InferSettings : the co-travel ties the model also reads.
    """

    top: int = field(metadata={"min": 1})
    train_on: Literal["fugitives", "everyone"]
    max_train: int = field(metadata={"min": 1})
    min_train: int = field(metadata={"min": 1})
    l2: float = field(metadata={"min": 0})
    route_candidates: int = field(metadata={"min": 0})
    gravity_candidates: int = field(metadata={"min": 0})
    cotravel_max_group: int = field(metadata={"min": 1})
    location_kinds: dict[str, float]
    family_types: list[str]
    associate_types: list[str]
    fallback_weights: dict[str, float]
    fallback_coverage: float = field(metadata={"min": 0})
    ranker: Literal["auto", "logit", "boosted"]
    min_boosted_train: int = field(metadata={"min": 1})
    call_window_days: float = field(metadata={"min": 0})


@dataclass(frozen=True)
class DisruptSettings(Section):
    """Section ``disrupt`` (``schema/settings/disrupt.yaml``): simulated arrests.

    Parameters
    ----------
    strategy : {"betweenness", "degree", "pagerank"}
        Whom to remove first.
    mode : {"sequential", "block"}
        Re-rank after each removal, or remove the top of the first ranking.
    steps : int
        How many removals.
    exact_max_nodes, sample : int
        Exact betweenness up to this many people; above, `sample` sources are sampled.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> d = load_settings(env={}).disrupt
    >>> d.steps, d.exact_max_nodes, d.sample
    (5, 3000, 128)

    See Also
    --------
    KeyPlayersSettings : the best set to remove at once.
    """

    strategy: Literal["betweenness", "degree", "pagerank"]
    mode: Literal["sequential", "block"]
    steps: int = field(metadata={"min": 0})
    exact_max_nodes: int = field(metadata={"min": 0})
    sample: int = field(metadata={"min": 1})


@dataclass(frozen=True)
class KeyPlayersSettings(Section):
    """Section ``keyplayers`` (``schema/settings/keyplayers.yaml``): key player search.

    Parameters
    ----------
    k : int
        Size of the set.
    restarts : int
        Random starts of the greedy search.
    max_iter : int
        Swap rounds per start, at most.
    all_candidates_max_nodes, candidates : int
        Every person is a candidate up to this many people; above, only the `candidates`
        highest-degree ones.

    Examples
    --------
    >>> from netanalysis.settings import load_settings
    >>> kp = load_settings(env={}).keyplayers
    >>> kp.k, kp.all_candidates_max_nodes, kp.candidates
    (5, 500, 200)

    See Also
    --------
    DisruptSettings : removals one at a time.
    """

    k: int = field(metadata={"min": 1})
    restarts: int = field(metadata={"min": 1})
    max_iter: int = field(metadata={"min": 1})
    all_candidates_max_nodes: int = field(metadata={"min": 0})
    candidates: int = field(metadata={"min": 1})


#: Section name -> dataclass.
SECTIONS = {"rank": RankSettings, "resolve": ResolveSettings, "infer": InferSettings,
            "map": MapSettings, "neo4j": Neo4jSettings, "ingest": IngestSettings,
            "movements": MovementsSettings,
            "disrupt": DisruptSettings, "keyplayers": KeyPlayersSettings, "spark": SparkSettings}


def suggest(word, options):
    """Return ``": did you mean X?"`` for the nearest of `options`, else the valid keys.

    Parameters
    ----------
    word : str
        What was written.
    options : iterable of str
        The valid spellings.

    Returns
    -------
    str

    Examples
    --------
    >>> suggest("wieghts", ["weights", "danger"])
    ': did you mean weights?'

    See Also
    --------
    mask_secrets : the other helper of the settings messages and views.
    """
    near = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f": did you mean {near[0]}?" if near else \
        f": valid keys are {', '.join(sorted(str(o) for o in options))}"


def mask_secrets(d):
    """Replace the values of secret keys (``password``...) by ``"***"``, in place, recursively.

    Parameters
    ----------
    d : dict

    Returns
    -------
    dict
        `d`.

    Examples
    --------
    >>> mask_secrets({"neo4j": {"user": "ana", "password": "pw"}})
    {'neo4j': {'user': 'ana', 'password': '***'}}

    See Also
    --------
    suggest : the other helper.
    """
    for k, v in d.items():
        if isinstance(v, dict):
            mask_secrets(v)
        elif k in SECRET_KEYS and v:
            d[k] = "***"
        elif k == "uri" and isinstance(v, str):
            from netanalysis.redact import redact_uri

            d[k] = redact_uri(v)  # bolt://user:password@host
    return d


def _plain(obj):
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, CHECKED_TYPES):
        return str(obj)
    return obj
