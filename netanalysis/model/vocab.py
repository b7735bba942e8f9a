"""The vocabulary of the case format and of the property graph, loaded from YAML once.

Everything that names a file, column, enumeration, node kind or relationship type reads it
from ``netanalysis/schema/case_v1.yaml`` through this module, so the schema, the validator,
the graph model, the Neo4j loader and the docs cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

__all__ = [
    "case_schema",
    "FILE_KINDS",
    "LOAD_ORDER",
    "NODE_KINDS",
    "LINK_TYPES",
    "DIRECTED_LINK_TYPES",
    "SUPPORT_TYPES",
    "INFERRED_LINK_TYPES",
    "STRUCTURAL_TYPES",
    "PARTY_KINDS",
    "ROLES",
    "NOTICES",
    "SERVICE_NAMES",
    "file_columns",
    "neo4j_rel_type",
]


@lru_cache(maxsize=None)
def case_schema():
    """Return the case format v1 schema as a dict (parsed once, then cached).

    Examples
    --------
    >>> case_schema()["files"]["persons"]["file"]
    'persons.csv'
    """
    text = resources.files("netanalysis.schema").joinpath("case_v1.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def file_columns(kind):
    """Return the column declarations of one file kind (``"persons"``, ``"links"``...).

    Parameters
    ----------
    kind : str

    Returns
    -------
    dict
        Column name -> declaration (``type``, ``required``, ``values``...), in file order.

    See Also
    --------
    case_schema : the whole declaration.

    Examples
    --------
    >>> file_columns("phones")["number"]["type"]
    'phone'
    """
    return case_schema()["files"][kind]["columns"]


_S = case_schema()
FILE_KINDS = tuple(_S["files"])
LOAD_ORDER = tuple(_S["load_order"])
NODE_KINDS = tuple(_S["node_kinds"])
LINK_TYPES = tuple(_S["files"]["links"]["columns"]["type"]["values"])
DIRECTED_LINK_TYPES = frozenset(_S["link_types"]["directed"])
SUPPORT_TYPES = tuple(_S["link_types"]["support"])
INFERRED_LINK_TYPES = tuple(_S["inferred_link_types"])
STRUCTURAL_TYPES = dict(_S["structural_types"])
PARTY_KINDS = ("Person", "Organization")
ROLES = tuple(_S["files"]["persons"]["columns"]["role"]["values"])
NOTICES = tuple(_S["files"]["persons"]["columns"]["notice"]["values"])
#: The words an analyst uses for each support type.
SERVICE_NAMES = {
    "documents": "documents",
    "transport": "transport",
    "lodging": "lodging",
    "financial": "money",
}
del _S


def neo4j_rel_type(link_type):
    """Return the Neo4j relationship type for a link or structural type.

    Only names from the fixed vocabulary are accepted, so no text from the data can ever
    become part of a Cypher query.

    Parameters
    ----------
    link_type : str
        A link type of ``links.csv``, an inferred type or a structural type.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        `link_type` is not in the vocabulary.

    See Also
    --------
    file_columns : the declared columns of each file.

    Examples
    --------
    >>> neo4j_rel_type("co_offender")
    'CO_OFFENDER'
    """
    known = set(LINK_TYPES) | set(INFERRED_LINK_TYPES) | set(STRUCTURAL_TYPES)
    if link_type not in known:
        raise ValueError(f"unknown relationship type {link_type!r}")
    return link_type.upper()
