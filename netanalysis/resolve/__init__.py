"""Entity resolution (one person is one node) and inferred links (ties no source stated).

- :func:`resolve_entities` finds the person records that describe the same person and
  :func:`apply_merges` folds them into one, keeping every record's provenance;
  :func:`load_decisions` reads the analysts' force/veto decisions it honours.
- :func:`infer_links` finds co-travel, shared phones and documents, and calls between persons.

Rules, thresholds and weights are documented in :mod:`netanalysis.resolve.entities`,
:mod:`netanalysis.resolve.infer` and the settings files ``schema/settings/resolve.yaml`` and
``schema/settings/infer.yaml``.
"""

from netanalysis.resolve.decisions import load_decisions
from netanalysis.resolve.entities import resolve_entities
from netanalysis.resolve.merge import apply_merges
from netanalysis.resolve.infer import infer_links
from netanalysis.resolve.names import name_similarity, name_tokens, normalize_name, phonetic_key

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
