"""FollowTheMoney entities in: a case folder from Aleph, OpenSanctions and their tools.

:func:`read_ftm` reads entities (JSON lines), each checked by the ``followthemoney``
library (the optional extra ``ftm``); :func:`ftm_to_tables` turns them into case format v1
tables and :func:`import_ftm` writes those as a case folder, to be read by
:func:`netanalysis.ingest.load_case` like any other. The mapping is the reverse of the export
(:mod:`netanalysis.present.ftm`); entities from other tools are accepted too: any
``LegalEntity`` that is not a Person is an organization, ``Directorship``, ``Ownership`` and
``Representation`` become ``associate`` links, unknown schemata are counted as skipped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from netanalysis.errors import InputError, NetanalysisError
from netanalysis.model.vocab import LINK_TYPES, file_columns
from netanalysis.outputs import write_csv

__all__ = ["ftm_model", "read_ftm", "ftm_to_tables", "import_ftm"]

_ASSOCIATE_SCHEMATA = ("Associate", "Directorship", "Ownership", "Representation")


def ftm_model():
    """Return the FollowTheMoney model, or say which package to install.

    Returns
    -------
    followthemoney.model.Model

    Raises
    ------
    NetanalysisError
        If ``followthemoney`` is not installed.

    See Also
    --------
    read_ftm : entities checked against it.

    Examples
    --------
    >>> import importlib.util, pytest
    >>> if importlib.util.find_spec("followthemoney") is None:  # the optional extra ``ftm``
    ...     pytest.skip("needs followthemoney")
    >>> ftm_model().get("Person").name
    'Person'
    """
    try:
        from followthemoney import model
    except ImportError:  # pragma: no cover - depends on the install
        raise NetanalysisError("FollowTheMoney support needs the 'followthemoney' package: "
                               "pip install 'netanalysis[ftm]'") from None
    return model


def read_ftm(path):
    """Read FollowTheMoney entities (JSON lines), each checked by the library.

    Parameters
    ----------
    path : str or Path
        A file of one entity (JSON object) per line; blank lines are ignored.

    Returns
    -------
    list of followthemoney.proxy.EntityProxy

    Raises
    ------
    InputError
        If a line is not JSON or not a FollowTheMoney entity (with the line number).

    See Also
    --------
    ftm_to_tables : the entities as case tables.
    import_ftm : read and write a case folder in one go.
    netanalysis.present.ftm.write_ftm : the way out.

    Examples
    --------
    >>> import importlib.util, pytest
    >>> if importlib.util.find_spec("followthemoney") is None:  # the optional extra ``ftm``
    ...     pytest.skip("needs followthemoney")
    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "e.jsonl")
    >>> with open(p, "w") as fh:
    ...     _ = fh.write('{"id": "P1", "schema": "Person", "properties": {"name": ["Ana"]}}\\n')
    >>> [(e.id, e.schema.name, e.first("name")) for e in read_ftm(p)]
    [('P1', 'Person', 'Ana')]
    """
    model = ftm_model()
    path = Path(path)
    try:
        fh = path.open("r", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    out = []
    with fh:
        for i, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                out.append(model.get_proxy(data, cleaned=False))
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", file=path, line=i) from None
            except Exception as exc:  # followthemoney raises InvalidData and friends
                raise InputError(f"not a FollowTheMoney entity: {exc}", file=path, line=i) from None
    return out


def ftm_to_tables(entities):
    """Return case format v1 tables (DataFrames without ``_file``/``_line``) and skips.

    Parameters
    ----------
    entities : iterable of followthemoney.proxy.EntityProxy
        As :func:`read_ftm` returns them.

    Returns
    -------
    tables : dict of str to DataFrame
    skipped : dict of str to int
        Entities of schemata with no place in the case format, by schema.

    See Also
    --------
    read_ftm : the entities.
    import_ftm : the tables written as a case folder.

    Examples
    --------
    >>> import importlib.util, pytest
    >>> if importlib.util.find_spec("followthemoney") is None:  # the optional extra ``ftm``
    ...     pytest.skip("needs followthemoney")
    >>> from followthemoney import model
    >>> p = model.make_entity("Person"); p.id = "P1"; p.add("name", "Ana")
    >>> v = model.make_entity("Vessel"); v.id = "V1"; v.add("name", "Sea Star")
    >>> tables, skipped = ftm_to_tables([p, v])
    >>> tables["persons"][["id", "name"]].values.tolist(), skipped
    ([['P1', 'Ana']], {'Vessel': 1})
    """
    rows = {k: [] for k in ("persons", "organizations", "links", "documents", "phones",
                            "calls", "travel")}
    skipped = {}
    by_id = {e.id: e for e in entities}
    addresses = {e.id: e.first("full") or e.caption for e in entities if e.schema.name == "Address"}
    for e in entities:
        s = e.schema
        if s.is_a("Person"):
            kw = _keywords(e)
            rows["persons"].append({
                "id": e.id, "name": e.first("name") or e.caption,
                "aliases": "|".join(e.get("alias")), "birth_date": e.first("birthDate"),
                "nationality": "|".join(c.upper() for c in e.get("nationality")),
                "role": kw.get("role", ["fugitive" if "wanted" in e.get("topics") else "unknown"])[0],
                "notice": (kw.get("notice") or [None])[0],
                "wanted_by": "|".join(kw.get("wanted_by", [])),
                "offences": "|".join(kw.get("offence", []))})
            for ph in e.get("phone"):
                rows["phones"].append({"number": ph, "person_id": e.id})
        elif s.is_a("LegalEntity"):
            kw = _keywords(e)
            kind = (kw.get("kind") or ["company" if s.is_a("Company") else "other"])[0]
            countries = e.get("country") or e.get("jurisdiction")
            rows["organizations"].append({"id": e.id, "name": e.first("name") or e.caption,
                                          "kind": kind,
                                          "country": countries[0].upper() if countries else None})
        elif s.name in ("Family", "Membership", "Employment", "Payment", "UnknownLink",
                        *_ASSOCIATE_SCHEMATA):
            a, z, typ = _link_ends(e)
            if a is None or z is None:
                skipped[s.name] = skipped.get(s.name, 0) + 1
                continue
            summ = _summary(e)
            rows["links"].append({
                "from_id": a, "to_id": z, "type": summ.get("type", typ),
                "start": e.first("startDate") or e.first("date"), "end": e.first("endDate"),
                "weight": summ.get("weight"), "grading": summ.get("grading"),
                "provenance": e.first("publisher"), "note": e.first("description")})
        elif s.is_a("Identification"):
            summ = _summary(e)
            kind = e.first("type") if e.first("type") in ("passport", "national_id", "visa",
                                                         "other") else (
                "passport" if s.name == "Passport" else "other")
            country = e.first("country")
            rows["documents"].append({"id": summ.get("id", e.id), "holder_id": e.first("holder"),
                                      "kind": kind, "number": e.first("number"),
                                      "issuing_country": country.upper() if country else None,
                                      "status": summ.get("status"),
                                      "provenance": e.first("publisher")})
        elif s.name == "Call":
            dur = e.first("duration")
            rows["calls"].append({"caller": e.first("callerNumber"),
                                  "callee": e.first("receiverNumber"),
                                  "start": e.first("date") or e.first("startDate"),
                                  "duration_s": dur})
        elif s.name == "Trip":
            kw = _keywords(e)
            for who in e.get("involved"):
                rows["travel"].append({
                    "person_id": who, "depart": e.first("startDate") or e.first("date"),
                    "origin": (kw.get("origin") or [addresses.get(e.first("startLocation"))])[0],
                    "destination": (kw.get("destination") or [addresses.get(e.first("endLocation"))])[0],
                    "arrive": e.first("endDate"),
                    "carrier": (kw.get("carrier") or [None])[0],
                    "flight": (kw.get("flight") or [None])[0],
                    "document_id": (kw.get("document") or [None])[0],
                    "booking_ref": (kw.get("booking") or [None])[0],
                    "mode": (kw.get("mode") or [None])[0],
                    "provenance": e.first("publisher")})
        elif s.name != "Address":
            skipped[s.name] = skipped.get(s.name, 0) + 1
    del by_id
    tables = {}
    for kind, recs in rows.items():
        cols = list(file_columns(kind))
        df = pd.DataFrame(recs, columns=cols) if recs else pd.DataFrame(columns=cols)
        tables[kind] = df
    return tables, skipped


def import_ftm(path, out):
    """Read FollowTheMoney entities from `path` and write them as a case folder `out`.

    The folder holds the case format v1 files that have rows; load it with
    :func:`netanalysis.ingest.load_case`, which validates every row as for any case.

    Parameters
    ----------
    path : str or Path
        FollowTheMoney entities, JSON lines.
    out : str or Path
        The case folder to write (created if needed).

    Returns
    -------
    dict
        ``entities`` read, ``files`` written with their row counts, ``skipped`` by schema,
        ``path`` of the folder.

    See Also
    --------
    read_ftm, ftm_to_tables : the two steps.

    Examples
    --------
    >>> import importlib.util, pytest
    >>> if importlib.util.find_spec("followthemoney") is None:  # the optional extra ``ftm``
    ...     pytest.skip("needs followthemoney")
    >>> import os, tempfile
    >>> d = tempfile.mkdtemp()
    >>> with open(os.path.join(d, "e.jsonl"), "w") as fh:
    ...     _ = fh.write('{"id": "P1", "schema": "Person", "properties": {"name": ["Ana"]}}\\n')
    >>> import_ftm(os.path.join(d, "e.jsonl"), os.path.join(d, "case"))["files"]
    {'persons.csv': 1}
    """
    entities = read_ftm(path)
    tables, skipped = ftm_to_tables(entities)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, df in tables.items():
        if kind != "persons" and not len(df):
            continue
        name = f"{kind}.csv"
        # atomic; not formula-quoted: these are case files, read back by ingest as they are
        write_csv(df, out / name, neutralise=False)
        files[name] = len(df)
    return {"entities": len(entities), "files": files, "skipped": skipped, "path": str(out)}


# --- private helpers ---------------------------------------------------------------------

def _keywords(e):
    out = {}
    for k in e.get("keywords"):
        name, sep, val = k.partition(":")
        if sep:
            out.setdefault(name, []).append(val)
    return out


def _summary(e):
    out = {}
    for text in e.get("summary"):
        for part in text.split():
            name, sep, val = part.partition(":")
            if sep:
                out[name] = val
    if out.get("type") not in LINK_TYPES:
        out.pop("type", None)
    return out


def _link_ends(e):
    n = e.schema.name
    if n == "Family":
        return e.first("person"), e.first("relative"), "family"
    if n == "Membership":
        return e.first("member"), e.first("organization"), "member_of"
    if n == "Employment":
        return e.first("employee"), e.first("employer"), "employment"
    if n == "Payment":
        return e.first("payer"), e.first("beneficiary"), "financial"
    if n == "UnknownLink":
        role = e.first("role")
        return e.first("subject"), e.first("object"), role if role in LINK_TYPES else "unknown"
    if n == "Associate":
        rel = e.first("relationship")
        return e.first("person"), e.first("associate"), rel if rel in LINK_TYPES else "associate"
    if n == "Directorship":
        return e.first("director"), e.first("organization"), "associate"
    if n == "Ownership":
        return e.first("owner"), e.first("asset"), "associate"
    if n == "Representation":
        return e.first("agent"), e.first("client"), "associate"
    return None, None, None
