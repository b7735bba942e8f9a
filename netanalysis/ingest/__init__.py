"""Ingest: case folders and agency exports in, a validated :class:`~netanalysis.model.Case` out.

- :mod:`netanalysis.ingest.read`: bytes to cells (encodings, delimiters, quoting, line numbers).
- :mod:`netanalysis.ingest.validate`: cells to typed values, driven by ``schema/case_v1.yaml``.
- :mod:`netanalysis.ingest.load`: :func:`load_case`, references, duplicates, counts.
- :mod:`netanalysis.ingest.mapping`: declarative mapping files for CSV, Excel and JSON exports.
- :mod:`netanalysis.ingest.records`: :func:`case_from_records`, a case from Python rows.
- :mod:`netanalysis.ingest.rejects`: ``rejects.csv`` and the summary printed on stderr.
- :mod:`netanalysis.ingest.ftm`: FollowTheMoney entities in (:func:`~netanalysis.ingest.ftm.import_ftm`).
- :mod:`netanalysis.ingest.graphml`: GraphML, GEXF, JSON and CSV graphs in
  (:func:`~netanalysis.ingest.graphml.import_graph`).
"""

from netanalysis.ingest.load import COUNT_KEYS, IngestCountError, load_case, load_mapped, validate_table
from netanalysis.ingest.mapping import Mapping, read_mapping
from netanalysis.ingest.records import case_from_records
from netanalysis.ingest.rejects import counts_table, rejects_summary, write_rejects

__all__ = [
    "load_case",
    "load_mapped",
    "case_from_records",
    "read_mapping",
    "Mapping",
    "validate_table",
    "write_rejects",
    "rejects_summary",
    "counts_table",
    "COUNT_KEYS",
    "IngestCountError",
]
