"""Entity resolution (one person is one node) and inferred links (ties no source stated).

- :func:`resolve_entities` finds the person records that describe the same person and
  :func:`apply_merges` folds them into one, keeping every record's provenance;
  :func:`load_decisions` reads the analysts' force/veto decisions it honours.
- :func:`infer_links` finds co-travel, shared phones and documents, and calls between persons.

Rules, thresholds and weights are documented in :mod:`netanalysis.resolve.entities`,
:mod:`netanalysis.resolve.infer` and the settings files ``schema/settings/resolve.yaml`` and
``schema/settings/infer.yaml``.
"""

import importlib

#: Where each name of the package lives: imported on first use (PEP 562), so that importing
#: one module of the package (a Spark worker unpickling ``resolve.blocking``) does not import
#: them all (DuckDB, the resolution models).
_HOME = {
    "load_decisions": "netanalysis.resolve.decisions",
    "resolve_entities": "netanalysis.resolve.entities",
    "apply_merges": "netanalysis.resolve.merge",
    "infer_links": "netanalysis.resolve.infer",
    "name_similarity": "netanalysis.resolve.names",
    "name_tokens": "netanalysis.resolve.names",
    "normalize_name": "netanalysis.resolve.names",
    "phonetic_key": "netanalysis.resolve.names",
}

__all__ = [
    "resolve_entities",
    "apply_merges",
    "load_decisions",
    "infer_links",
    "name_similarity",
    "name_tokens",
    "normalize_name",
    "phonetic_key",
]


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
