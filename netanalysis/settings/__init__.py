"""One typed settings object: defaults, then a settings file, then environment, then arguments.

Default *values* live in ``netanalysis/schema/settings/*.yaml``, one file per section
(``rank``, ``resolve``, ``infer``, ``map``, ``neo4j``, ``ingest``), commented, so the weights
behind every score are data an analyst can read and override. The *types* live in
:mod:`netanalysis.settings.sections`, one frozen dataclass per section and per nested mapping
(:class:`RankSettings`, :class:`InferSettings`...), with the checked text values of
:mod:`netanalysis.settings.values` (sizes, paths, CSS colours).
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
import types
import typing
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml

from netanalysis.errors import InputError
from netanalysis.settings.sections import (
    SECTIONS,
    IngestSettings,
    InferSettings,
    MapSettings,
    Neo4jSettings,
    RankSettings,
    ResolveSettings,
    Section,
    mask_secrets,
    suggest,
)
from netanalysis.settings.values import (
    CHECKED_TYPES,
    CountryCode,
    CssColor,
    CssLength,
    PathText,
    Size,
)

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
    ['disrupt', 'infer', 'ingest', 'keyplayers', 'map', 'movements', 'neo4j', 'rank', 'resolve', 'spark']

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
                                 f"{suggest(name, SECTIONS)}") from None

    def __setattr__(self, name, value):
        raise AttributeError("settings are read-only: use load_settings(**overrides)")

    def __getitem__(self, name):
        if name not in self._sections:
            raise KeyError(f"{name!r}{suggest(name, SECTIONS)}")
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
            raise InputError(f"unknown settings section {name!r}{suggest(name, SECTIONS)}")
        return self._sections[name].to_dict()

    def to_dict(self):
        """Return every section as plain dicts, secrets included (do not print it)."""
        return {k: v.to_dict() for k, v in self._sections.items()}

    def public(self):
        """Return a plain dict copy with secrets replaced by ``"***"``, safe to print or log."""
        return mask_secrets(self.to_dict())

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
    {'exact_max_nodes': 3000, 'sample': 1024, 'sample_min': 64, 'sample_work': 32000000}

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
        raise InputError(f"unknown settings section {name!r}{suggest(name, SECTIONS)}")
    if settings is None:
        return _defaults()[1][name]
    if isinstance(settings, cls):
        return settings
    if isinstance(settings, Settings):
        return getattr(settings, name)
    if isinstance(settings, Section):
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
                         f"{suggest(parts[0], SECTIONS)}", **loc)
    typ = SECTIONS[parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        typ = _unoptional(typ)
        if dataclasses.is_dataclass(typ):
            hints = _hints(typ)
            if part not in hints:
                where, loc = src.locate(parts[:i + 1], True)
                raise InputError(f"unknown key {_dotted(parts[:i + 1])}{where}"
                                 f"{suggest(part, hints)}", **loc)
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
    return typ is str or (isinstance(typ, type) and issubclass(typ, CHECKED_TYPES))


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
            raise InputError(f"unknown settings section {name}{where}{suggest(name, SECTIONS)}",
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
            raise InputError(f"unknown key {_dotted(p)}{where}{suggest(key, hints)}", **loc)
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
    if isinstance(typ, type) and issubclass(typ, CHECKED_TYPES):
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
    if isinstance(typ, type) and issubclass(typ, CHECKED_TYPES):
        return typ.check(value)
    if typ is float:
        return float(value)
    return value


