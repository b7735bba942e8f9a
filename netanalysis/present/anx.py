"""i2 Analyst's Notebook charts (``.anx``), written with ``anxwritter``.

Analysts who work in i2 continue there: persons, organizations, phones and documents
become icons, every reported link becomes a chart link with its Admiralty grading in i2's
two grade fields (grade one = source reliability A-F, grade two = information credibility
1-6), and a source card (provenance, date, file and line); inferred ties come with a card
that gives their evidence. Scores, ranks, roles, notices and groups are entity attributes.
"""

from __future__ import annotations

from pathlib import Path

from netanalysis.errors import NetanalysisError
from netanalysis.model.grading import admiralty_equivalent
from netanalysis.model.graph import party_edges
from netanalysis.model.values import as_list, text

__all__ = ["case_chart", "write_anx", "RELIABILITY", "CREDIBILITY"]

#: i2 grade one: source reliability in the Admiralty code.
RELIABILITY = ["A - completely reliable", "B - usually reliable", "C - fairly reliable",
               "D - not usually reliable", "E - unreliable", "F - reliability cannot be judged"]
#: i2 grade two: credibility of the information.
CREDIBILITY = ["1 - confirmed", "2 - probably true", "3 - possibly true", "4 - doubtful",
               "5 - improbable", "6 - truth cannot be judged"]

_ICON_TYPES = {"Person": "Person", "Organization": "Organisation", "Phone": "Telephone",
               "Document": "Passport"}


def _anx():
    try:
        import anxwritter
    except ImportError:  # pragma: no cover - depends on the install
        raise NetanalysisError("i2 export needs the 'anxwritter' package: "
                               "pip install 'netanalysis[anx]'") from None
    return anxwritter


def case_chart(case, analysis=None):
    """Return an ``anxwritter.ANXChart`` of `case` and a count of what it holds.

    Returns
    -------
    chart : anxwritter.ANXChart
    counts : dict
        ``entities`` and ``links``.

    Parameters
    ----------
    case : Case
        The case: persons, organizations and their ties become icons and links.
    analysis : Analysis, optional
        When given, each party's rank, score and group are added to its attributes and the
        reasons of its rank to its description.

    See Also
    --------
    write_anx : writes the chart to a file.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> chart, counts = case_chart(case)
    >>> type(chart).__name__, counts
    ('ANXChart', {'entities': 2, 'links': 1})
    """
    ax = _anx()
    chart = ax.ANXChart()
    chart.grades_one = ax.GradeCollection(items=list(RELIABILITY), default=RELIABILITY[-1])
    chart.grades_two = ax.GradeCollection(items=list(CREDIBILITY), default=CREDIBILITY[-1])
    facts = {}
    if analysis is not None and analysis.targets is not None and len(analysis.targets):
        for r in analysis.targets.to_dict("records"):
            facts[str(r["id"])] = {"rank": int(r["rank"]), "score": float(r["score"]),
                                   "why": str(r.get("why") or "")}
    if analysis is not None and analysis.groups is not None:
        for gid, nid in zip(analysis.groups["group"], analysis.groups["id"].astype(str)):
            facts.setdefault(nid, {})["group"] = str(gid)
    t = case.tables
    ids = set()
    n_entities = n_links = 0

    def icon(eid, kind, label, attrs, card, description=None):
        nonlocal n_entities
        chart.add_icon(id=str(eid), type=_ICON_TYPES[kind], label=str(label),
                       description=description, attributes=attrs,
                       cards=[ax.Card(**card)] if card else [])
        ids.add(str(eid))
        n_entities += 1

    for r in t["persons"].to_dict("records"):
        pid = str(r["id"])
        f = facts.get(pid, {})
        attrs = {"id": pid, "role": _text(r.get("role")) or "unknown"}
        for k in ("notice", "birth_date"):
            if _text(r.get(k)):
                attrs[k] = str(r[k])
        for k in ("aliases", "nationality", "wanted_by", "offences"):
            v = as_list(r.get(k))
            if v:
                attrs[k] = ", ".join(v)
        if "rank" in f:
            attrs["rank"], attrs["score"] = f["rank"], f["score"]
        if "group" in f:
            attrs["group"] = f["group"]
        icon(pid, "Person", r["name"], attrs,
             {"summary": f"{r.get('_file')} line {r.get('_line')}",
              "source_ref": f"{r.get('_file')}:{r.get('_line')}", "source_type": "case file"},
             description=f.get("why") or None)
    for r in t["organizations"].to_dict("records"):
        oid = str(r["id"])
        f = facts.get(oid, {})
        attrs = {"id": oid, "role": "organization"}
        if _text(r.get("kind")):
            attrs["kind"] = str(r["kind"])
        if _text(r.get("country")):
            attrs["country"] = str(r["country"])
        if "rank" in f:
            attrs["rank"], attrs["score"] = f["rank"], f["score"]
        if "group" in f:
            attrs["group"] = f["group"]
        icon(oid, "Organization", r["name"], attrs,
             {"summary": f"{r.get('_file')} line {r.get('_line')}",
              "source_ref": f"{r.get('_file')}:{r.get('_line')}", "source_type": "case file"})
    for r in t["phones"].to_dict("records"):
        ph = f"phone:{r['number']}"
        if ph not in ids:
            icon(ph, "Phone", r["number"], {"id": ph}, None)
        chart.add_link(from_id=str(r["person_id"]), to_id=ph, type="uses", label="uses")
        n_links += 1
    for r in t["documents"].to_dict("records"):
        did = f"doc:{r['id']}"
        attrs = {"id": did}
        for k in ("kind", "number", "issuing_country", "status"):
            if _text(r.get(k)):
                attrs[k] = str(r[k])
        icon(did, "Document", f"{r.get('kind') or 'document'} {r['number']}", attrs,
             {"summary": f"{r.get('_file')} line {r.get('_line')}",
              "source_ref": f"{r.get('_file')}:{r.get('_line')}",
              "source_type": _text(r.get("provenance")) or "case file"})
        chart.add_link(from_id=str(r["holder_id"]), to_id=did, type="holds", label="holds")
        n_links += 1

    edges = party_edges(case)
    for i, r in enumerate(edges.to_dict("records")):
        a, z = str(r["source"]), str(r["target"])
        if a not in ids or z not in ids:
            continue
        kw = {"from_id": a, "to_id": z, "type": str(r["type"]), "label": str(r["type"]),
              "link_id": f"L{i}"}
        if r["directed"]:
            kw["arrow"] = "->"
        if r["inferred"]:
            card = {"summary": f"inferred by netanalysis ({r['type']})",
                    "description": _text(r.get("evidence")) or "", "source_type": "inferred",
                    "source_ref": "netanalysis"}
            kw["description"] = _text(r.get("evidence"))
        else:
            g = admiralty_equivalent(r["grading"])
            kw["grade_one"] = RELIABILITY["ABCDEF".index(g[0])]
            kw["grade_two"] = CREDIBILITY[int(g[1]) - 1]
            card = {"summary": f"{r['type']} reported by {_text(r.get('provenance')) or 'unknown source'}",
                    "source_ref": f"links.csv:{r['line']}",
                    "source_type": _text(r.get("provenance")) or "unknown",
                    "grade_one": kw["grade_one"], "grade_two": kw["grade_two"]}
            if _text(r.get("evidence")):
                card["description"] = str(r["evidence"])
            date = _date(r.get("start"))
            if date:
                kw["date"] = card["date"] = date
        kw["cards"] = [ax.Card(**card)]
        kw["attributes"] = {"confidence": float(r["confidence"]),
                            "weight": float(r["weight"]),
                            "grading": str(r["grading"]) if r["grading"] else "inferred"}
        chart.add_link(**kw)
        n_links += 1
    return chart, {"entities": n_entities, "links": n_links}


def write_anx(case, path, *, analysis=None):
    """Write `case` as an i2 Analyst's Notebook chart to `path` (``.anx``).

    Returns
    -------
    dict
        ``files``, ``entities`` and ``links``.

    Parameters
    ----------
    case : Case
        The case to chart.
    path : str or Path
        Destination file; its folder is created if needed.
    analysis : Analysis, optional
        As for :func:`case_chart`.

    Raises
    ------
    NetanalysisError
        The chart does not validate.

    See Also
    --------
    case_chart : builds the chart written.

    Examples
    --------
    >>> import tempfile
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}])
    >>> out = write_anx(case, Path(tempfile.mkdtemp()) / "case.anx")
    >>> out["entities"], out["links"], Path(out["files"][0]).is_file()
    (1, 0, True)
    """
    ax = _anx()
    chart, counts = case_chart(case, analysis)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        written = chart.to_anx(str(path))
    except ax.ANXValidationError as exc:
        raise NetanalysisError(f"the i2 chart did not validate: {exc}") from None
    return {"files": [str(written)], **counts}


def _date(v):
    """Return the ``YYYY-MM-DD`` i2 wants for a (partial) ISO date, or None."""
    v = _text(v)
    if not v:
        return None
    if len(v) == 4:
        return f"{v}-01-01"
    if len(v) == 7:
        return f"{v}-01"
    return v[:10]


def _text(v):
    return text(v) or None
