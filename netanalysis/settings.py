"""One settings object: defaults, then a settings file, then environment, then arguments.

Defaults live in ``netanalysis/schema/settings/*.yaml``, one file per section (``rank``,
``resolve``, ``infer``, ``map``, ``neo4j``...), so the weights behind every score are data an
analyst can read and override. A user's settings file (YAML, same shape) overrides them;
environment variables ``NETANALYSIS_<SECTION>__<KEY>`` (double underscore between levels)
override that, and explicit keyword arguments override everything.

Secrets (``neo4j.password``) are never included in ``repr`` or in :meth:`Settings.public`.
"""

from __future__ import annotations

import copy
import os
from importlib import resources
from pathlib import Path

import yaml

from netanalysis.errors import InputError

__all__ = ["Settings", "load_settings", "default_settings"]

_SECRET_KEYS = {"password", "token", "secret"}


class Settings(dict):
    """A nested dict of settings with attribute access by section (``s.rank["weights"]``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def section(self, name):
        """Return one section as a plain dict (empty when absent)."""
        return dict(self.get(name) or {})

    def public(self):
        """Return a copy with secrets replaced by ``"***"``, safe to print or log."""
        return _mask(copy.deepcopy(dict(self)))

    def __repr__(self):
        return f"Settings({self.public()!r})"


def default_settings():
    """Return the built-in defaults, merged from every ``schema/settings/*.yaml``."""
    out = {}
    folder = resources.files("netanalysis.schema").joinpath("settings")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text("utf-8")) or {}
            _merge(out, data)
    return out


def load_settings(path=None, env=None, **overrides):
    """Return the effective :class:`Settings`.

    Parameters
    ----------
    path : str or Path, optional
        A YAML settings file whose values override the defaults.
    env : mapping, optional
        Environment to read ``NETANALYSIS_*`` variables from (default ``os.environ``).
    **overrides
        Sections or values set explicitly: ``rank={"weights": {...}}``.

    Examples
    --------
    >>> s = load_settings(env={"NETANALYSIS_NEO4J__DATABASE": "cases"})
    >>> s.neo4j["database"]
    'cases'
    """
    data = default_settings()
    if path is not None:
        p = Path(path)
        try:
            user = yaml.safe_load(p.read_text("utf-8")) or {}
        except OSError as exc:
            raise InputError(f"cannot read settings file: {exc.strerror}", file=p) from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=p,
                             line=mark.line + 1 if mark else None,
                             column=mark.column + 1 if mark else None) from None
        if not isinstance(user, dict):
            raise InputError("a settings file must be a mapping of sections", file=p)
        _merge(data, user)
    env = os.environ if env is None else env
    for key, value in env.items():
        if not key.startswith("NETANALYSIS_") or "__" not in key:
            continue
        parts = key[len("NETANALYSIS_"):].lower().split("__")
        cur = data
        for part in parts[:-1]:
            cur = cur.setdefault(part, {})
        cur[parts[-1]] = yaml.safe_load(value) if value.strip() else value
    for k in ("uri", "user", "password", "database"):
        v = env.get(f"NEO4J_{k.upper()}")
        if v:
            data.setdefault("neo4j", {})[k] = v
    _merge(data, overrides)
    return Settings(data)


def _merge(dst, src):
    for k, v in src.items():
        if isinstance(v, dict) and isinstance(dst.get(k), dict):
            _merge(dst[k], v)
        else:
            dst[k] = copy.deepcopy(v)
    return dst


def _mask(d):
    for k, v in d.items():
        if isinstance(v, dict):
            _mask(v)
        elif k in _SECRET_KEYS and v:
            d[k] = "***"
        elif k == "uri" and isinstance(v, str):
            from netanalysis.redact import redact_uri
            d[k] = redact_uri(v)      # bolt://user:password@host
    return d
