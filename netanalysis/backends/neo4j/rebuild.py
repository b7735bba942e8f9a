"""A case rebuilt from a graph pulled from Neo4j (or built by :func:`build_graph`).

:func:`netanalysis.backends.neo4j.pull_graph` returns the typed property graph of a case as
it lies in the database; the analyses that read case tables (movement anticipation, the
itineraries) need those tables back. :func:`case_from_graph` writes them from the graph's
nodes and ties, in the order of the files the case was pushed from (each node and tie keeps
its file line), and loads them through the ordinary validation
(:func:`netanalysis.ingest.case_from_records`).
"""

from __future__ import annotations

from netanalysis.ingest import case_from_records
from netanalysis.model.graph import EXTRA_PREFIX
from netanalysis.model.vocab import LINK_TYPES, file_columns

__all__ = ["case_from_graph"]


def case_from_graph(G, *, strict=True):
    """Return the case whose tables the graph `G` holds.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph pulled with :func:`netanalysis.backends.neo4j.pull_graph` (or made by
        :func:`netanalysis.model.graph.build_graph`).
    strict : bool
        As in :func:`netanalysis.ingest.case_from_records`: raise on a rejected row (default)
        or keep the rejects in ``case.rejects``.

    Returns
    -------
    Case
        Tables ``persons``, ``organizations``, ``links`` (the stated ties; inferred ones are
        left out, the pipeline infers them again), ``travel``, ``locations``, ``documents``
        and ``phones``, each in the order of the file it came from; columns beyond the
        schema come back under their own names.

    Notes
    -----
    Calls are not rebuilt: the graph keeps one ``called`` tie per pair of numbers (their
    count, first and last time), not the calls themselves, so analyses of call times (the
    ``calls`` feature of movement anticipation) see none in a rebuilt case. Nor is the
    ``note`` of a link: the graph's party ties do not carry it.

    See Also
    --------
    netanalysis.backends.neo4j.pull_graph : the graph from the database.
    netanalysis.model.graph.build_graph : the graph of a case, the inverse of this.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.model.graph import build_graph
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive", "nationality": ["CO"]},
    ...              {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}],
    ...     travel=[{"person_id": "F1", "depart": "2024-01-02T10:00", "origin": "BOG",
    ...              "destination": "PTY", "carrier": "CM", "flight": "101"}],
    ...     locations=[{"person_id": "S1", "place": "PTY", "kind": "residence"}])
    >>> back = case_from_graph(build_graph(case))
    >>> back.tables["persons"][["id", "nationality"]].values.tolist()
    [['F1', ['CO']], ['S1', []]]
    >>> back.tables["travel"][["person_id", "origin", "destination", "flight"]].values.tolist()
    [['F1', 'BOG', 'PTY', '101']]
    >>> back.tables["locations"][["person_id", "place", "kind", "grading"]].values.tolist()
    [['S1', 'PTY', 'residence', 'F6']]
    """
    rows = {k: [] for k in ("persons", "organizations", "links", "travel", "locations",
                            "documents", "phones")}
    for n, d in G.nodes(data=True):
        kind = d.get("kind")
        if kind == "Person":
            rows["persons"].append((_source_line(d), _record("persons", n, d)))
        elif kind == "Organization":
            rows["organizations"].append((_source_line(d), _record(
                "organizations", n, d, rename={"org_kind": "kind"})))
        elif kind == "Document":
            holder = [u for u, _, e in G.in_edges(n, data=True) if e.get("type") == "holds"]
            line = min((e.get("line") or 0 for _, _, e in G.in_edges(n, data=True)
                        if e.get("type") == "holds"), default=0)
            rec = _record("documents", d.get("id"), d, rename={"doc_kind": "kind"})
            if holder and not rec.get("holder_id"):
                rec["holder_id"] = holder[0]
            rows["documents"].append((line, rec))
    for u, v, d in G.edges(data=True):
        typ = d.get("type")
        line = d.get("line") or 0
        if typ in LINK_TYPES and G.nodes[u].get("kind") in ("Person", "Organization"):
            if d.get("inferred"):
                continue
            rec = {"from_id": u, "to_id": v}
            rec.update({k: d[k] for k in file_columns("links") if k in d and k not in rec})
            rec.update(_extras(d))
            rows["links"].append((line, rec))
        elif typ == "travelled":
            j = G.nodes[v]
            rec = {"person_id": u, "origin": j.get("origin"), "destination": j.get("destination")}
            rec.update({k: j[k] for k in ("carrier", "flight", "mode") if j.get(k) is not None})
            rec.update({k: d[k] for k in file_columns("travel") if k in d and k not in rec})
            rec.update(_extras(d))
            rows["travel"].append((line, rec))
        elif typ == "located_at":
            rec = {"person_id": u, "place": G.nodes[v].get("name"),
                   "kind": d.get("location_kind"), "grading": d.get("grading")}
            rec.update({k: d[k] for k in ("start", "end", "provenance", "note") if k in d})
            rows["locations"].append((line, rec))
        elif typ == "uses":
            rows["phones"].append((line, {"number": G.nodes[v].get("number"),
                                          "person_id": u}))
    tables = {k: [r for _, r in sorted(v, key=lambda x: x[0])] for k, v in rows.items() if v}
    tables.setdefault("persons", [])
    return case_from_records(strict=strict, **tables)


def _source_line(d):
    """The file line kept in a party node's ``source`` (``persons.csv:12``), 0 when none."""
    tail = str(d.get("source") or "").rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0


def _record(kind, nid, d, rename=None):
    """The row of file `kind` held by node attributes `d` (schema columns and extras)."""
    rename = rename or {}
    rec = {"id": nid}
    cols = set(file_columns(kind))
    for k, v in d.items():
        if k == "kind":  # the node kind (Person, Document...), not the file's column
            continue
        k = rename.get(k, k)
        if k in cols and k != "id":
            rec[k] = list(v) if isinstance(v, tuple) else v
    rec.update(_extras(d))
    return rec


def _extras(d):
    """Columns beyond the schema, kept on nodes and ties as ``extra_<column>``."""
    return {k[len(EXTRA_PREFIX):]: v for k, v in d.items() if k.startswith(EXTRA_PREFIX)}
