"""One typed settings object: defaults, then a settings file, then environment, then arguments.

Default *values* live in ``netanalysis/schema/settings/*.yaml``, one file per section
(``rank``, ``resolve``, ``infer``, ``map``, ``neo4j``, ``ingest``), commented, so the weights
behind every score are data an analyst can read and override. The *types* live here, one frozen
dataclass per section and per nested mapping (:class:`RankSettings`, :class:`InferSettings`...).
The defaults files are checked against the dataclasses with the same strict reader as a user's
file, so a default that is missing, misspelt or of the wrong type fails the first load (and the
test suite), never a run. (The YAML is the single source of values rather than the dataclasses
because it is the documented file analysts copy; restating every value as a dataclass default
would put each one in two places again.)

A user's settings file (YAML, same shape) overrides the defaults; environment variables
``NETANALYSIS_<SECTION>__<KEY>`` (double underscore between levels) override that, then
``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``; explicit keyword
arguments override everything. Every layer is checked on its own, so an unknown section or key,
or a value of the wrong type, is an :class:`~netanalysis.errors.InputError` naming the key path,
where it came from (the file with line and column, the environment variable, or the keyword
argument) and the nearest valid spelling. YAML anchors and aliases are refused in settings
files, and their size and nesting are bounded.

Secrets (``neo4j.password``) are never included in ``repr`` or in :meth:`Settings.public`.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, Optional

import yaml

from netanalysis.errors import InputError
from netanalysis.model.vocab import INFERRED_LINK_TYPES

__all__ = [
    "Settings",
    "load_settings",
    "default_settings",
    "section_settings",
    "deep_merge",
    "Size",
    "PathText",
    "CountryCode",
    "CssColor",
    "CssLength",
    "RankSettings",
    "ResolveSettings",
    "InferSettings",
    "MapSettings",
    "Neo4jSettings",
    "IngestSettings",
    "SECTIONS",
    "MAX_SETTINGS_BYTES",
    "MAX_SETTINGS_DEPTH",
]

#: Largest settings file read, in bytes (the defaults total about 15 KB).
MAX_SETTINGS_BYTES = 1_000_000
#: Deepest nesting of mappings and lists accepted in a settings file.
MAX_SETTINGS_DEPTH = 16

_SECRET_KEYS = frozenset({"password", "token", "secret"})
_SIZE_RE = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
_PATH_BAD = re.compile(r"['\"`\x00-\x1f\x7f]")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


class Size(str):
    """A memory size such as ``2GB`` or ``512 MiB`` (checked, so it is safe to hand to DuckDB).

    Examples
    --------
    >>> Size.check("2GB")
    '2GB'
    >>> Size.check("1GB'; COPY x TO 'f'")
    Traceback (most recent call last):
    ...
    ValueError: not a size: use a number and a unit, e.g. 2GB or 512MiB

    See Also
    --------
    PathText : the check for folder names.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`Size`, or raise ValueError."""
        if not isinstance(value, str) or not _SIZE_RE.match(value):
            raise ValueError("not a size: use a number and a unit, e.g. 2GB or 512MiB")
        return cls(value)


class PathText(str):
    """A file system path: text without quotes, backquotes or control characters (newlines).

    Examples
    --------
    >>> PathText.check("/tmp/spill")
    '/tmp/spill'
    >>> PathText.check("/tmp'\\n")
    Traceback (most recent call last):
    ...
    ValueError: not a usable path: no quotes, backquotes, newlines or control characters

    See Also
    --------
    Size : the check for memory sizes.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`PathText`, or raise ValueError."""
        if not isinstance(value, str) or not value or _PATH_BAD.search(value) or len(value) > 4096:
            raise ValueError("not a usable path: no quotes, backquotes, newlines or control "
                             "characters")
        return cls(value)


class CountryCode(str):
    """An ISO 3166-1 alpha-2 country code, upper case (YAML 1.1 reads ``NO`` as false: kept).

    Examples
    --------
    >>> CountryCode.check("co"), CountryCode.check(False)
    ('CO', 'NO')

    See Also
    --------
    Size, PathText : the other checked text types.
    """

    @classmethod
    def check(cls, value):
        """Return `value` as an upper-case :class:`CountryCode`, or raise ValueError."""
        if value is False:  # the unquoted YAML 1.1 scalar NO (Norway)
            return cls("NO")
        if not isinstance(value, str) or not _COUNTRY_RE.match(value.upper()):
            raise ValueError("not a country code: use two letters (ISO 3166-1 alpha-2), e.g. CO")
        return cls(value.upper())


class CssColor(str):
    """A CSS colour: ``#rgb``/``#rrggbb(aa)``, a colour name, or ``rgb()``/``rgba()`` of numbers.

    Colours reach the HTML of maps and the report; anything else (``red; background:
    url(...)``) could fetch from the network or break the page, so it is refused.

    Examples
    --------
    >>> CssColor.check("#d62728"), CssColor.check("steelblue")
    ('#d62728', 'steelblue')

    See Also
    --------
    CssLength : the check for the map height.
    """

    _RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|rgba?\(\s*[0-9.,%\s]{1,60}\))$")

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`CssColor`, or raise ValueError."""
        if not isinstance(value, str) or not cls._RE.match(value):
            raise ValueError("not a CSS colour: use #rrggbb, a colour name or rgb(r, g, b)")
        return cls(value)


class CssLength(str):
    """A CSS length such as ``820px``, ``90vh`` or ``100%``.

    Examples
    --------
    >>> CssLength.check("820px")
    '820px'

    See Also
    --------
    CssColor : the check for colours.
    """

    _RE = re.compile(r"^\d{1,5}(\.\d{1,3})?(px|%|vh|vw|em|rem)$")

    @classmethod
    def check(cls, value):
        """Return `value` as a :class:`CssLength`, or raise ValueError."""
        if not isinstance(value, str) or not cls._RE.match(value):
            raise ValueError("not a CSS length: use a number and px, %, vh, vw, em or rem")
        return cls(value)


_CHECKED = (Size, PathText, CountryCode, CssColor, CssLength)


class _Section:
    """Base of the section dataclasses: attribute access, plus read-only ``obj["key"]``."""

    def __getitem__(self, key):
        names = [f.name for f in dataclasses.fields(self)]
        if key in names:
            return getattr(self, key)
        raise KeyError(f"{key!r}{_suggest(key, names)}")

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
class RankWeights(_Section):
    """``rank.weights``: the weight of each part of the target score."""

    danger: float
    support: float
    brokerage: float
    centrality: float


@dataclass(frozen=True)
class RankDanger(_Section):
    """``rank.danger``: how dangerous a fugitive is (notice, offences, countries)."""

    notice: dict[str, float]
    offences_weight: float
    offence_severity: dict[str, float]
    offence_default: float
    countries_weight: float
    countries_cap: int = field(metadata={"min": 1})


@dataclass(frozen=True)
class RankSupport(_Section):
    """``rank.support``: how far and how strongly support reaches fugitives."""

    hops: int = field(metadata={"min": 1})
    decay: float
    base_value: float


@dataclass(frozen=True)
class RankBrokerage(_Section):
    """``rank.brokerage``: brokerage between groups."""

    groups_cap: int = field(metadata={"min": 1})
    max_two_paths: int = field(metadata={"min": 0})


@dataclass(frozen=True)
class RankCentrality(_Section):
    """``rank.centrality``: the measures scored and the tie strength attribute."""

    measures: list[CentralityMeasure]
    weight: str


@dataclass(frozen=True)
class RankBetweenness(_Section):
    """``rank.betweenness``: exact up to ``exact_max_nodes``, else sampled from ``sample``."""

    exact_max_nodes: int = field(metadata={"min": 0})
    sample: int = field(metadata={"min": 1})


@dataclass(frozen=True)
class RankCommunities(_Section):
    """``rank.communities``: community detection."""

    method: Literal["leiden", "leidenalg", "louvain"]
    resolution: float
    n_iterations: int


@dataclass(frozen=True)
class RankWhy(_Section):
    """``rank.why``: what the ``why`` sentence mentions."""

    top_percent: float


@dataclass(frozen=True)
class RankSettings(_Section):
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
    >>> r = load_settings(env={}).rank
    >>> r.weights.danger, r.betweenness.sample, r.communities.method
    (4.0, 64, 'leiden')

    See Also
    --------
    load_settings : where the sections come from.
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
class ResolveSettings(_Section):
    """Section ``resolve`` (``schema/settings/resolve.yaml``): entity resolution.

    Parameters
    ----------
    enabled, require_corroboration, birth_conflict_blocks : bool
        Switches of the rule (see the YAML file).
    threshold, min_name_similarity, *_weight : float
        The merge threshold and the weight of each piece of evidence.
    rare_name_max, common_name_min, min_shared_contacts, max_block, max_contact_degree : int
        Counts bounding the comparison.

    Examples
    --------
    >>> load_settings(env={}).resolve.threshold
    1.0

    See Also
    --------
    InferSettings : the other section of :mod:`netanalysis.resolve`.
    """

    enabled: bool
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
class InferCoTravel(_Section):
    """``infer.co_travel``: ties from shared journeys and bookings."""

    max_passengers: int = field(metadata={"min": 0})
    max_booking_size: int = field(metadata={"min": 0})
    min_shared_journeys: int = field(metadata={"min": 1})
    small_journey_passengers: int = field(metadata={"min": 0})
    min_score: float
    booking_weight: float
    max_evidence_items: int = field(metadata={"min": 0})
    memory_limit: Optional[Size]
    temp_directory: Optional[PathText]


@dataclass(frozen=True)
class InferShared(_Section):
    """``infer.shared_phone`` and ``infer.shared_document``: ties from a shared identifier."""

    max_users: int = field(metadata={"min": 2})


@dataclass(frozen=True)
class InferCalls(_Section):
    """``infer.calls``: ties from call records."""

    min_calls: int = field(metadata={"min": 1})
    count_weight: float
    duration_weight: float


@dataclass(frozen=True)
class InferSettings(_Section):
    """Section ``infer`` (``schema/settings/infer.yaml``): link inference.

    Parameters
    ----------
    enabled : bool
    max_confidence : float
        Every inferred tie's confidence stays below this (0..1).
    types : list of str
        The rules applied (:data:`netanalysis.model.vocab.INFERRED_LINK_TYPES`).
    co_travel, shared_phone, shared_document, calls : dataclass
        The settings of each rule; ``co_travel.memory_limit`` is a :class:`Size` and
        ``co_travel.temp_directory`` a :class:`PathText`.

    Examples
    --------
    >>> load_settings(env={}).infer.co_travel.memory_limit
    '2GB'

    See Also
    --------
    ResolveSettings : the other section of :mod:`netanalysis.resolve`.
    """

    enabled: bool
    max_confidence: float = field(metadata={"min": 0, "max": 1})
    types: list[InferredType]
    co_travel: InferCoTravel
    shared_phone: InferShared
    shared_document: InferShared
    calls: InferCalls


@dataclass(frozen=True)
class MapSettings(_Section):
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

    Examples
    --------
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


@dataclass(frozen=True)
class Neo4jGds(_Section):
    """``neo4j.gds``: Graph Data Science (betweenness follows ``rank.betweenness``)."""

    community: Literal["leiden", "louvain"]
    damping: float
    max_iterations: int = field(metadata={"min": 1})
    tolerance: float


@dataclass(frozen=True)
class Neo4jSettings(_Section):
    """Section ``neo4j`` (``schema/settings/neo4j.yaml``): the server connection.

    Parameters
    ----------
    uri, user, database : str
    password : str or None
        Never shown by ``repr`` or :meth:`Settings.public`.
    batch_size : int
        Rows per transaction of a push.
    gds : Neo4jGds
        Graph Data Science options (betweenness follows ``rank.betweenness``).

    Examples
    --------
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
        return f"Neo4jSettings({_mask(self.to_dict())!r})"


@dataclass(frozen=True)
class IngestSettings(_Section):
    """Section ``ingest`` (``schema/settings/ingest.yaml``): reading cases.

    Parameters
    ----------
    phone_region : CountryCode or None
        Country used to read phone numbers written without ``+``.

    Examples
    --------
    >>> load_settings(env={}, ingest={"phone_region": "co"}).ingest.phone_region
    'CO'

    See Also
    --------
    CountryCode : how the code is checked.
    """

    phone_region: Optional[CountryCode]


#: Section name -> dataclass.
SECTIONS = {"rank": RankSettings, "resolve": ResolveSettings, "infer": InferSettings,
            "map": MapSettings, "neo4j": Neo4jSettings, "ingest": IngestSettings}


# ---------------------------------------------------------------------------------------------
# The settings object.

class Settings:
    """The effective settings: one typed section per attribute (``s.rank.weights.danger``).

    ``s["rank"]`` and :meth:`section` give a section as a plain dict (a copy), for code that
    still reads dicts; :meth:`public` gives everything with secrets masked.

    Parameters
    ----------
    sections : mapping
        Section name -> section dataclass, as :func:`load_settings` builds them.

    Examples
    --------
    >>> s = load_settings(env={})
    >>> s.rank.betweenness.exact_max_nodes, s.section("map")["seed"]
    (3000, 7)
    >>> sorted(s)
    ['infer', 'ingest', 'map', 'neo4j', 'rank', 'resolve']

    See Also
    --------
    load_settings : how a Settings is made.
    """

    __slots__ = ("_sections",)

    def __init__(self, sections):
        object.__setattr__(self, "_sections", dict(sections))

    def __getattr__(self, name):
        try:
            return object.__getattribute__(self, "_sections")[name]
        except KeyError:
            raise AttributeError(f"no settings section {name!r}"
                                 f"{_suggest(name, SECTIONS)}") from None

    def __setattr__(self, name, value):
        raise AttributeError("settings are read-only: use load_settings(**overrides)")

    def __getitem__(self, name):
        if name not in self._sections:
            raise KeyError(f"{name!r}{_suggest(name, SECTIONS)}")
        return self._sections[name].to_dict()

    def __iter__(self):
        return iter(self._sections)

    def __len__(self):
        return len(self._sections)

    def __contains__(self, name):
        return name in self._sections

    def keys(self):
        """Return the section names."""
        return list(self._sections)

    def section(self, name):
        """Return one section as a plain dict (a deep copy); unknown names are an error."""
        if name not in self._sections:
            raise InputError(f"unknown settings section {name!r}{_suggest(name, SECTIONS)}")
        return self._sections[name].to_dict()

    def to_dict(self):
        """Return every section as plain dicts, secrets included (do not print it)."""
        return {k: v.to_dict() for k, v in self._sections.items()}

    def public(self):
        """Return a plain dict copy with secrets replaced by ``"***"``, safe to print or log."""
        return _mask(self.to_dict())

    def __eq__(self, other):
        return isinstance(other, Settings) and self._sections == other._sections

    __hash__ = None

    def __repr__(self):
        return f"Settings({self.public()!r})"


# ---------------------------------------------------------------------------------------------
# Loading.

def default_settings():
    """Return the built-in defaults as plain nested dicts (``schema/settings/*.yaml``).

    Returns
    -------
    dict
        Section name -> mapping, exactly as the defaults files state them.

    Examples
    --------
    >>> default_settings()["rank"]["betweenness"]
    {'exact_max_nodes': 3000, 'sample': 64}

    See Also
    --------
    load_settings : the checked, typed settings.
    """
    return copy.deepcopy(_defaults()[0])


@lru_cache(maxsize=1)
def _defaults():
    """Read and check the defaults files once: (raw dict, typed sections)."""
    out = {}
    folder = resources.files("netanalysis.schema").joinpath("settings")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        label = f"netanalysis/schema/settings/{entry.name}"
        data, marks = _parse(entry.read_text("utf-8"), label)
        src = _FileSource(label, marks)
        _check_layer(data, src)
        for name in data:
            if name in out:
                raise InputError(f"section {name} is defined twice in the defaults", file=label)
        out.update(data)
    missing = sorted(set(SECTIONS) - set(out))
    if missing:
        raise InputError(f"no defaults for settings sections: {', '.join(missing)}")
    typed = {name: _build(cls, out[name], (name,)) for name, cls in SECTIONS.items()}
    return out, typed


def load_settings(path=None, env=None, **overrides):
    """Return the effective, checked :class:`Settings`.

    Parameters
    ----------
    path : str or Path, optional
        A YAML settings file whose values override the defaults (no anchors or aliases, at
        most :data:`MAX_SETTINGS_BYTES` bytes and :data:`MAX_SETTINGS_DEPTH` levels).
    env : mapping, optional
        Environment to read ``NETANALYSIS_<SECTION>__<KEY>`` and ``NEO4J_*`` variables from
        (default ``os.environ``).
    **overrides
        Sections set explicitly, as mappings of some of their keys:
        ``rank={"weights": {"danger": 2.0}}``.

    Returns
    -------
    Settings
        Defaults < file < environment < `overrides`, every value checked against its type.

    Raises
    ------
    InputError
        The file cannot be read or parsed, or a section, key or value is not valid; the message
        names the key path, where it came from and the nearest valid spelling.

    Examples
    --------
    >>> s = load_settings(env={"NETANALYSIS_NEO4J__DATABASE": "cases"})
    >>> s.neo4j.database
    'cases'
    >>> from netanalysis.errors import InputError
    >>> try:
    ...     load_settings(env={"NETANALYSIS_RANK__WIEGHTS__DANGER": "9"})
    ... except InputError as exc:
    ...     print(exc)  # doctest: +NORMALIZE_WHITESPACE
    unknown key rank.wieghts (environment variable NETANALYSIS_RANK__WIEGHTS__DANGER):
    did you mean weights?

    See Also
    --------
    default_settings : the defaults as plain dicts.
    section_settings : one section, from a Settings or a partial dict.
    """
    data = default_settings()
    if path is not None:
        p = Path(path)
        text = _read_file(p)
        user, marks = _parse(text, str(p))
        if user is None:
            user = {}
        src = _FileSource(str(p), marks)
        _check_layer(user, src)
        deep_merge(data, user)
    env = os.environ if env is None else env
    for key in sorted(env):
        if not key.startswith("NETANALYSIS_") or "__" not in key:
            continue
        # variable names are upper case: match keys such as kind_colors.Phone case-insensitively
        parts = _match_case(key[len("NETANALYSIS_"):].lower().split("__"), data)
        src = _EnvSource(key)
        value = _env_value(parts, env[key], src)
        nested = value
        for part in reversed(parts[1:]):
            nested = {part: nested}
        layer = {parts[0]: nested}
        _check_layer(layer, src)
        deep_merge(data, layer)
    for k in ("uri", "user", "password", "database"):
        v = env.get(f"NEO4J_{k.upper()}")
        if v:
            deep_merge(data, {"neo4j": {k: v}})
    if overrides:
        _check_layer(overrides, _KwargSource())
        deep_merge(data, overrides)
    return Settings({name: _build(cls, data[name], (name,)) for name, cls in SECTIONS.items()})


def section_settings(settings, name):
    """Return one typed section: defaults overridden by `settings`.

    Parameters
    ----------
    settings : Settings, dict or None
        None (defaults), a :class:`Settings`, the section's dataclass itself, a dict of
        sections (``{"resolve": {...}}``) or a dict of some of the section's own keys
        (``{"threshold": 1.2}``). Dicts are checked as keyword arguments are.
    name : str
        The section (``"rank"``, ``"resolve"``, ``"infer"``...).

    Returns
    -------
    dataclass
        The section's dataclass (:class:`RankSettings`...).

    Examples
    --------
    >>> section_settings({"threshold": 1.2}, "resolve").threshold
    1.2
    >>> section_settings(None, "infer").co_travel.memory_limit
    '2GB'

    See Also
    --------
    load_settings : the whole settings.
    """
    cls = SECTIONS.get(name)
    if cls is None:
        raise InputError(f"unknown settings section {name!r}{_suggest(name, SECTIONS)}")
    if settings is None:
        return _defaults()[1][name]
    if isinstance(settings, cls):
        return settings
    if isinstance(settings, Settings):
        return getattr(settings, name)
    if isinstance(settings, _Section):
        raise InputError(f"expected the {name} settings, got {type(settings).__name__}")
    if not isinstance(settings, dict):
        raise InputError(f"settings must be a Settings or a dict, not {type(settings).__name__}")
    given = settings.get(name) if name in settings else settings
    if not isinstance(given, dict):
        raise InputError(f"settings {name} must be a mapping, not {type(given).__name__}")
    src = _KwargSource(f"settings given for section {name}")
    _check_mapping(cls, given, (name,), src)
    return _build(cls, deep_merge(default_settings()[name], given), (name,))


def deep_merge(dst, src):
    """Merge mapping `src` into `dst` in place (nested mappings merged, the rest replaced).

    Parameters
    ----------
    dst, src : dict

    Returns
    -------
    dict
        `dst`.

    Examples
    --------
    >>> deep_merge({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}, "b": [4]})
    {'a': {'x': 1, 'y': 3}, 'b': [4]}

    See Also
    --------
    load_settings : merges its layers with this.
    """
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            deep_merge(dst[k], v)
        else:
            dst[k] = copy.deepcopy(v)
    return dst


# ---------------------------------------------------------------------------------------------
# Sources: where a value came from, for messages.

class _FileSource:
    def __init__(self, file, marks):
        self.file, self.marks = file, marks

    def locate(self, path, key=False):
        mark = self.marks.get((tuple(path), "key" if key else "value"))
        if mark is None:
            mark = self.marks.get((tuple(path), "key"))
        line, col = mark if mark else (None, None)
        return "", {"file": self.file, "line": line, "column": col}


class _EnvSource:
    def __init__(self, name):
        self.name = name

    def locate(self, path, key=False):
        return f" (environment variable {self.name})", {}


class _KwargSource:
    def __init__(self, label=None):
        self.label = label

    def locate(self, path, key=False):
        return f" ({self.label or f'keyword argument {path[0]}='})", {}


def _fail(src, path, message, key=False):
    where, loc = src.locate(path, key)
    raise InputError(f"{_dotted(path)}: {message}{where}", **loc)


def _dotted(path):
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _suggest(word, options):
    near = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f": did you mean {near[0]}?" if near else \
        f": valid keys are {', '.join(sorted(str(o) for o in options))}"


# ---------------------------------------------------------------------------------------------
# Reading YAML: no anchors or aliases, bounded size and depth, a mark for every key.

def _read_file(p):
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read settings file: {exc.strerror}", file=p) from None
    if not p.is_file():
        raise InputError("cannot read settings file: not a regular file", file=p)
    if size > MAX_SETTINGS_BYTES:
        raise InputError(f"settings file too large: {size} bytes, more than "
                         f"{MAX_SETTINGS_BYTES}", file=p)
    try:
        raw = p.read_bytes()[:MAX_SETTINGS_BYTES + 1]
    except OSError as exc:
        raise InputError(f"cannot read settings file: {exc.strerror}", file=p) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"settings file is not UTF-8 (byte {exc.start + 1})", file=p) from None


def _parse(text, file, mapping=True):
    """Return (data, marks) of YAML `text`; marks map (path, "key"/"value") to (line, column)."""
    if len(text) > MAX_SETTINGS_BYTES:
        raise InputError(f"settings too large: more than {MAX_SETTINGS_BYTES} characters",
                         file=file)
    try:
        loader = yaml.SafeLoader(text)
        try:
            depth = 0
            while loader.check_event():
                ev = loader.get_event()
                mark = ev.start_mark
                if isinstance(ev, yaml.AliasEvent) or getattr(ev, "anchor", None) is not None:
                    raise InputError("YAML anchors and aliases are not allowed in settings",
                                     file=file, line=mark.line + 1, column=mark.column + 1)
                if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                    depth += 1
                    if depth > MAX_SETTINGS_DEPTH:
                        raise InputError(f"settings nested more than {MAX_SETTINGS_DEPTH} "
                                         "levels deep", file=file, line=mark.line + 1,
                                         column=mark.column + 1)
                elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                    depth -= 1
                elif isinstance(ev, yaml.DocumentStartEvent) and ev.explicit and \
                        getattr(ev, "tags", None):
                    raise InputError("YAML tag directives are not allowed in settings",
                                     file=file, line=mark.line + 1, column=mark.column + 1)
        finally:
            loader.dispose()
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            marks = {}
            data = None if node is None else _construct(loader, node, (), marks, file)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=file,
                         line=mark.line + 1 if mark else None,
                         column=mark.column + 1 if mark else None) from None
    except RecursionError:  # pragma: no cover - depth is bounded above
        raise InputError("settings nested too deeply", file=file) from None
    if mapping and data is not None and not isinstance(data, dict):
        raise InputError("a settings file must be a mapping of sections", file=file,
                         line=node.start_mark.line + 1, column=node.start_mark.column + 1)
    return data, marks


def _construct(loader, node, path, marks, file):
    if isinstance(node, yaml.MappingNode):
        out = {}
        for knode, vnode in node.value:
            if not isinstance(knode, yaml.ScalarNode):
                raise InputError("a settings key must be a plain name", file=file,
                                 line=knode.start_mark.line + 1,
                                 column=knode.start_mark.column + 1)
            key = loader.construct_object(knode, deep=True)
            if not isinstance(key, str):
                key = str(knode.value)
            p = path + (key,)
            if key in out:
                raise InputError(f"{_dotted(p)} is given twice", file=file,
                                 line=knode.start_mark.line + 1,
                                 column=knode.start_mark.column + 1)
            marks[(p, "key")] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            marks[(p, "value")] = (vnode.start_mark.line + 1, vnode.start_mark.column + 1)
            out[key] = _construct(loader, vnode, p, marks, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            p = path + (i,)
            marks[(p, "value")] = (item.start_mark.line + 1, item.start_mark.column + 1)
            out.append(_construct(loader, item, p, marks, file))
        return out
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError):
        raise InputError(f"{_dotted(path)}: not a valid value", file=file,
                         line=node.start_mark.line + 1,
                         column=node.start_mark.column + 1) from None


def _env_value(parts, raw, src):
    """Parse an environment value as YAML, except where the key holds text."""
    typ = _type_at(parts, src)
    if _accepts_text(typ):
        return raw
    if not raw.strip():
        return None
    try:
        value, _ = _parse(raw, src.name, mapping=False)
    except InputError as exc:
        raise InputError(f"{_dotted(parts)}: {exc.message} (environment variable {src.name})"
                         ) from None
    return value


def _match_case(parts, data):
    out, cur = [], data
    for part in parts:
        if isinstance(cur, dict) and part not in cur:
            part = next((k for k in cur if isinstance(k, str) and k.lower() == part), part)
        out.append(part)
        cur = cur.get(part) if isinstance(cur, dict) else None
    return tuple(out)


def _type_at(parts, src):
    """The declared type of key path `parts` (an unknown section or key is an error)."""
    if parts[0] not in SECTIONS:
        where, loc = src.locate(parts[:1], True)
        raise InputError(f"unknown settings section {parts[0]}{where}"
                         f"{_suggest(parts[0], SECTIONS)}", **loc)
    typ = SECTIONS[parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        typ = _unoptional(typ)
        if dataclasses.is_dataclass(typ):
            hints = _hints(typ)
            if part not in hints:
                where, loc = src.locate(parts[:i + 1], True)
                raise InputError(f"unknown key {_dotted(parts[:i + 1])}{where}"
                                 f"{_suggest(part, hints)}", **loc)
            typ = hints[part]
        elif typing.get_origin(typ) is dict:
            typ = typing.get_args(typ)[1]
        else:
            where, loc = src.locate(parts[:i + 1], True)
            raise InputError(f"{_dotted(parts[:i])} has no keys (it is not a mapping){where}",
                             **loc)
    return typ


def _accepts_text(typ):
    typ = _unoptional(typ)
    return typ is str or (isinstance(typ, type) and issubclass(typ, _CHECKED))


# ---------------------------------------------------------------------------------------------
# Checking a layer against the types, and building the dataclasses.

@lru_cache(maxsize=None)
def _hints(cls):
    return typing.get_type_hints(cls)


def _unoptional(typ):
    if typing.get_origin(typ) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(typ) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return typ


def _check_layer(data, src):
    if not isinstance(data, dict):
        where, loc = src.locate((), False)
        raise InputError(f"settings must be a mapping of sections{where}", **loc)
    for name, value in data.items():
        if name not in SECTIONS:
            where, loc = src.locate((name,), True)
            raise InputError(f"unknown settings section {name}{where}{_suggest(name, SECTIONS)}",
                             **loc)
        if not isinstance(value, dict):
            _fail(src, (name,), f"a section must be a mapping of keys, not {_kind(value)}")
        _check_mapping(SECTIONS[name], value, (name,), src)


def _check_mapping(cls, data, path, src):
    hints = _hints(cls)
    limits = {f.name: f.metadata for f in dataclasses.fields(cls)}
    for key, value in data.items():
        p = path + (key,)
        if key not in hints:
            where, loc = src.locate(p, True)
            raise InputError(f"unknown key {_dotted(p)}{where}{_suggest(key, hints)}", **loc)
        _check_value(hints[key], value, p, src, limits.get(key, {}))


def _check_value(typ, value, path, src, limits=None):
    origin = typing.get_origin(typ)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(typ)
        if value is None and type(None) in args:
            return
        return _check_value(_unoptional(typ), value, path, src, limits)
    if dataclasses.is_dataclass(typ):
        if not isinstance(value, dict):
            _fail(src, path, f"expected a mapping of keys, got {_kind(value)}")
        return _check_mapping(typ, value, path, src)
    if origin is dict:
        if not isinstance(value, dict):
            _fail(src, path, f"expected a mapping, got {_kind(value)}")
        ktyp, vtyp = typing.get_args(typ)
        for k, v in value.items():
            _check_value(vtyp, v, path + (k,), src)
        return
    if origin is list:
        if not isinstance(value, list):
            _fail(src, path, f"expected a list, got {_kind(value)}")
        (ityp,) = typing.get_args(typ)
        for i, v in enumerate(value):
            _check_value(ityp, v, path + (i,), src)
        return
    if origin is Literal:
        allowed = typing.get_args(typ)
        if value not in allowed or not isinstance(value, str):
            near = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
            _fail(src, path, f"unknown value {_kind(value)}: use one of {', '.join(allowed)}"
                  + (f" (did you mean {near[0]}?)" if near else ""))
        return
    if isinstance(typ, type) and issubclass(typ, _CHECKED):
        try:
            typ.check(value)
        except ValueError as exc:
            _fail(src, path, f"{exc}, got {_kind(value)}")
        return
    if typ is bool:
        if not isinstance(value, bool):
            _fail(src, path, f"expected true or false, got {_kind(value)}")
        return
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            _fail(src, path, f"expected a whole number, got {_kind(value)}")
        _check_limits(value, path, src, limits)
        return
    if typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _fail(src, path, f"expected a number, got {_kind(value)}")
        if value != value or value in (float("inf"), float("-inf")):
            _fail(src, path, f"expected a finite number, got {value!r}")
        _check_limits(value, path, src, limits)
        return
    if typ is str:
        if not isinstance(value, str):
            _fail(src, path, f"expected text, got {_kind(value)}")
        return
    raise TypeError(f"settings type {typ!r} of {_dotted(path)} is not supported")  # our bug


def _check_limits(value, path, src, limits):
    limits = limits or {}
    if "min" in limits and value < limits["min"]:
        _fail(src, path, f"must be at least {limits['min']}, got {value!r}")
    if "max" in limits and value > limits["max"]:
        _fail(src, path, f"must be at most {limits['max']}, got {value!r}")


def _kind(value):
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{shown!r} (text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _build(cls, data, path):
    """Build dataclass `cls` from checked, complete `data`."""
    hints = _hints(cls)
    missing = [k for k in hints if k not in data]
    if missing:  # the defaults files lack a key the dataclass declares: our bug
        raise InputError(f"settings {_dotted(path)} lack {', '.join(missing)} "
                         "(netanalysis/schema/settings)")
    return cls(**{k: _convert(hints[k], data[k], path + (k,)) for k in hints})


def _convert(typ, value, path):
    if value is None:
        return None
    typ = _unoptional(typ)
    origin = typing.get_origin(typ)
    if dataclasses.is_dataclass(typ):
        return _build(typ, value, path)
    if origin is dict:
        vtyp = typing.get_args(typ)[1]
        return {str(k): _convert(vtyp, v, path + (k,)) for k, v in value.items()}
    if origin is list:
        ityp = typing.get_args(typ)[0]
        return [_convert(ityp, v, path + (i,)) for i, v in enumerate(value)]
    if isinstance(typ, type) and issubclass(typ, _CHECKED):
        return typ.check(value)
    if typ is float:
        return float(value)
    return value


def _plain(obj):
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, _CHECKED):
        return str(obj)
    return obj


def _mask(d):
    for k, v in d.items():
        if isinstance(v, dict):
            _mask(v)
        elif k in _SECRET_KEYS and v:
            d[k] = "***"
    return d
