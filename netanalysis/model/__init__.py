"""The typed property graph: vocabulary, grading, dates, the Case, and graph builders."""

import importlib

#: Where each name of the package lives: imported on first use (PEP 562), so that importing
#: one module of the package (a Spark worker unpickling ``model.values``) does not import the
#: graph builders (networkx).
_HOME = {
    "Case": "netanalysis.model.case",
    "check_filters": "netanalysis.model.filters",
    "grading_confidence": "netanalysis.model.grading",
    "parse_grading": "netanalysis.model.grading",
    **{name: "netanalysis.model.graph" for name in (
        "build_graph", "co_travellers", "filter_edges", "itinerary", "party_edges",
        "party_graph", "party_nodes", "support_graph")},
}

__all__ = [
    "Case",
    "check_filters",
    "grading_confidence",
    "parse_grading",
    "build_graph",
    "co_travellers",
    "filter_edges",
    "itinerary",
    "party_edges",
    "party_graph",
    "party_nodes",
    "support_graph",
]


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
