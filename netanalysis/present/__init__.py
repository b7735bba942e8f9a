"""Present: offline network maps, the case report, and exports to the tools analysts use.

- :mod:`netanalysis.present.maps`: :func:`network_map`, self-contained interactive maps.
- :mod:`netanalysis.present.report`: :func:`write_report`, the one-page case report.
- :mod:`netanalysis.present.svg`: small inline SVG charts for the report.
- :mod:`netanalysis.present.exports`: GraphML, GEXF, node-link JSON, CSV tables (read back
  by :mod:`netanalysis.ingest.graphml`).
- :mod:`netanalysis.present.ftm`: FollowTheMoney entities out (in: :mod:`netanalysis.ingest.ftm`).
- :mod:`netanalysis.present.anx`: i2 Analyst's Notebook charts (``.anx``).
"""

from netanalysis.present.anx import write_anx
from netanalysis.present.exports import export_case, export_graph
from netanalysis.present.ftm import write_ftm
from netanalysis.present.maps import map_data, network_map, select_nodes
from netanalysis.present.report import write_report

__all__ = ["network_map", "map_data", "select_nodes", "write_report", "export_case",
           "export_graph", "write_ftm", "write_anx"]
