"""The typed property graph: vocabulary, grading, dates, the Case, and graph builders."""

from netanalysis.model.case import Case
from netanalysis.model.filters import check_filters
from netanalysis.model.grading import grading_confidence, parse_grading
from netanalysis.model.graph import (
    build_graph,
    co_travellers,
    filter_edges,
    itinerary,
    party_edges,
    party_graph,
    party_nodes,
    support_graph,
)

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
