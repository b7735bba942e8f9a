"""FollowTheMoney entities out, so cases move to Aleph and OpenSanctions tools.

Every entity is built and checked by the ``followthemoney`` library itself (the optional
extra ``ftm``): a value the FollowTheMoney type system does not accept (a phone number that
is not a number, a date that is not a date) is not silently dropped but listed in the
result's ``problems``.

Case format v1 to FollowTheMoney
--------------------------------
==================  ========================================================================
persons.csv         ``Person``: name, alias, birthDate, nationality, topics (``wanted`` for
                    fugitives), keywords ``role:``, ``notice:``, ``offence:``, ``wanted_by:``;
                    the phones a person uses are its ``phone`` values
organizations.csv   ``Organization``: name, country, keyword ``kind:``
links.csv           ``Family`` (family), ``Membership`` (member_of, to an organization),
                    ``Employment`` (employment, to an organization), ``Payment``
                    (financial), ``UnknownLink`` with ``role`` = the type (documents,
                    transport, lodging), ``Associate`` with ``relationship`` = the type (all
                    others); every one with startDate, endDate, publisher (the provenance),
                    description (the note) and summary ``grading:B2 weight:1 type:...``
documents.csv       ``Passport`` (passports) or ``Identification``: holder, number, country,
                    type, publisher, summary ``status:...``
calls.csv           ``Call``: callerNumber, receiverNumber, caller and receiver (the users of
                    the numbers, when known), date, duration
travel.csv          ``Trip``: involved, startDate, endDate, startLocation and endLocation
                    (``Address`` entities), keywords ``origin:``, ``destination:``,
                    ``carrier:``, ``flight:``, ``mode:``, ``document:``, ``booking:``
==================  ========================================================================

Inferred ties are not exported: FollowTheMoney exchanges what sources state.
Reading goes the other way: :mod:`netanalysis.ingest.ftm`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path


from netanalysis.ingest.ftm import ftm_model
from netanalysis.model.values import as_list
from netanalysis.outputs import atomic_path

__all__ = ["case_to_ftm", "write_ftm"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")


class _Builder:
    def __init__(self):
        self.model = ftm_model()
        self.entities = []
        self.problems = []
        self.where = {}

    def make(self, schema, eid, where):
        e = self.model.make_entity(schema)
        e.id = eid
        self.where[eid] = where
        self.entities.append(e)
        return e

    def add(self, e, prop, values):
        ptype = e.schema.properties[prop].type
        for v in values if isinstance(values, (list, tuple)) else [values]:
            if v is None or (isinstance(v, float) and v != v) or str(v).strip() == "":
                continue
            if ptype.clean(str(v), proxy=e) is None:
                self.problems.append({"entity": e.id, "schema": e.schema.name, "property": prop,
                                      "value": str(v), "where": self.where.get(e.id),
                                      "problem": f"not a valid {ptype.name}"})
                continue
            e.add(prop, str(v))


def case_to_ftm(case, analysis=None):
    """Return the FollowTheMoney entities of `case` and the values they could not hold.

    Parameters
    ----------
    case : Case
        The case (as prepared: merged, with inferred ties).
    analysis : Analysis, optional
        Accepted as every export takes it; not written (FollowTheMoney has no property for
        a rank or a score).

    Returns
    -------
    entities : list of followthemoney EntityProxy
    problems : list of dict
        ``entity``, ``schema``, ``property``, ``value``, ``where`` (file:line) and
        ``problem`` for every value FollowTheMoney rejected.

    See Also
    --------
    write_ftm : writes them, one JSON object a line.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> entities, problems = case_to_ftm(case)
    >>> [(e.schema.name, e.first("name")) for e in entities if e.schema.name == "Person"]
    [('Person', 'Ana'), ('Person', 'Luis')]
    >>> [e.schema.name for e in entities if e.schema.name != "Person"], problems
    (['UnknownLink'], [])
    """
    b = _Builder()
    t = case.tables
    ids = {}

    def fid(kind, cid):
        cid = str(cid)
        key = (kind, cid)
        if key not in ids:
            ids[key] = cid if _ID_RE.match(cid) and kind == "party" else _hash_id(kind, cid)
        return ids[key]

    phones_of = {}
    for r in t["phones"].to_dict("records"):
        phones_of.setdefault(str(r["person_id"]), []).append(r["number"])
    for r in t["persons"].to_dict("records"):
        e = b.make("Person", fid("party", r["id"]), f"{r.get('_file')}:{r.get('_line')}")
        b.add(e, "name", r["name"])
        b.add(e, "alias", as_list(r.get("aliases")))
        b.add(e, "birthDate", r.get("birth_date"))
        b.add(e, "nationality", as_list(r.get("nationality")))
        role = _s(r.get("role")) or "unknown"
        kw = [f"role:{role}"]
        if _s(r.get("notice")):
            kw.append(f"notice:{r['notice']}")
        kw += [f"offence:{o}" for o in as_list(r.get("offences"))]
        kw += [f"wanted_by:{c}" for c in as_list(r.get("wanted_by"))]
        b.add(e, "keywords", kw)
        if role == "fugitive":
            b.add(e, "topics", "wanted")
        b.add(e, "phone", phones_of.get(str(r["id"]), []))
    orgs = set()
    for r in t["organizations"].to_dict("records"):
        e = b.make("Organization", fid("party", r["id"]), f"{r.get('_file')}:{r.get('_line')}")
        orgs.add(str(r["id"]))
        b.add(e, "name", r["name"])
        b.add(e, "country", r.get("country"))
        if _s(r.get("kind")):
            b.add(e, "keywords", f"kind:{r['kind']}")
    for r in t["links"].to_dict("records"):
        a, z, typ = str(r["from_id"]), str(r["to_id"]), r["type"]
        where = f"{r.get('_file')}:{r.get('_line')}"
        eid = _hash_id("link", f"{a}|{z}|{typ}|{r.get('_line')}")
        if typ == "family":
            e = b.make("Family", eid, where)
            b.add(e, "person", fid("party", a)); b.add(e, "relative", fid("party", z))  # noqa: E702
            b.add(e, "relationship", "family")
        elif typ == "member_of" and z in orgs:
            e = b.make("Membership", eid, where)
            b.add(e, "member", fid("party", a)); b.add(e, "organization", fid("party", z))  # noqa: E702
        elif typ == "employment" and z in orgs:
            e = b.make("Employment", eid, where)
            b.add(e, "employee", fid("party", a)); b.add(e, "employer", fid("party", z))  # noqa: E702
        elif typ == "financial":
            e = b.make("Payment", eid, where)
            b.add(e, "payer", fid("party", a)); b.add(e, "beneficiary", fid("party", z))  # noqa: E702
        elif typ in ("documents", "transport", "lodging"):
            e = b.make("UnknownLink", eid, where)
            b.add(e, "subject", fid("party", a)); b.add(e, "object", fid("party", z))  # noqa: E702
            b.add(e, "role", typ)
        else:
            e = b.make("Associate", eid, where)
            b.add(e, "person", fid("party", a)); b.add(e, "associate", fid("party", z))  # noqa: E702
            b.add(e, "relationship", typ)
        b.add(e, "startDate", r.get("start"))
        b.add(e, "endDate", r.get("end"))
        b.add(e, "publisher", r.get("provenance"))
        b.add(e, "description", r.get("note"))
        w = r.get("weight")
        w = 1.0 if w is None or w != w else float(w)
        b.add(e, "summary", f"grading:{_s(r.get('grading')) or 'F6'} weight:{w:g} type:{typ}")
    for r in t["documents"].to_dict("records"):
        where = f"{r.get('_file')}:{r.get('_line')}"
        e = b.make("Passport" if r.get("kind") == "passport" else "Identification",
                   fid("doc", r["id"]), where)
        b.add(e, "holder", fid("party", r["holder_id"]))
        b.add(e, "number", r["number"])
        b.add(e, "country", r.get("issuing_country"))
        b.add(e, "type", _s(r.get("kind")) or "other")
        b.add(e, "publisher", r.get("provenance"))
        b.add(e, "summary", f"id:{r['id']}" + (f" status:{r['status']}" if _s(r.get("status")) else ""))
    user = {}
    for r in t["phones"].to_dict("records"):
        user.setdefault(str(r["number"]), str(r["person_id"]))
    for r in t["calls"].to_dict("records"):
        where = f"{r.get('_file')}:{r.get('_line')}"
        e = b.make("Call", _hash_id("call", f"{r['caller']}|{r['callee']}|{r['start']}|{r.get('_line')}"),
                   where)
        b.add(e, "callerNumber", r["caller"])
        b.add(e, "receiverNumber", r["callee"])
        if str(r["caller"]) in user:
            b.add(e, "caller", fid("party", user[str(r["caller"])]))
        if str(r["callee"]) in user:
            b.add(e, "receiver", fid("party", user[str(r["callee"])]))
        b.add(e, "date", r["start"])
        d = r.get("duration_s")
        if d is not None and d == d:
            b.add(e, "duration", f"{float(d):g}")
    places = {}
    for r in t["travel"].to_dict("records"):
        where = f"{r.get('_file')}:{r.get('_line')}"
        for p in (r["origin"], r["destination"]):
            if p not in places:
                a = b.make("Address", _hash_id("place", p), where)
                b.add(a, "full", p)
                places[p] = a.id
        e = b.make("Trip", _hash_id("trip", f"{r['person_id']}|{r['depart']}|{r.get('_line')}"), where)
        b.add(e, "involved", fid("party", r["person_id"]))
        b.add(e, "startDate", r["depart"])
        b.add(e, "endDate", r.get("arrive"))
        b.add(e, "startLocation", places[r["origin"]])
        b.add(e, "endLocation", places[r["destination"]])
        b.add(e, "name", f"{r['origin']} to {r['destination']}")
        b.add(e, "publisher", r.get("provenance"))
        kw = [f"origin:{r['origin']}", f"destination:{r['destination']}"]
        for k, col in (("carrier", "carrier"), ("flight", "flight"), ("mode", "mode"),
                       ("document", "document_id"), ("booking", "booking_ref")):
            if _s(r.get(col)):
                kw.append(f"{k}:{r[col]}")
        b.add(e, "keywords", kw)
    return b.entities, b.problems


def write_ftm(case, path, *, analysis=None):
    """Write `case` as FollowTheMoney entities, one JSON object a line.

    Parameters
    ----------
    case : Case
        The case (as prepared: merged, with inferred ties).
    path : str or Path
        The file to write (written whole or not at all).
    analysis : Analysis, optional
        As :func:`case_to_ftm` takes it.

    Returns
    -------
    dict
        ``files``, ``entities`` (count), ``schemata`` (count per schema) and ``problems``.

    See Also
    --------
    case_to_ftm : the entities written.
    netanalysis.present.exports.export_case : every export format.

    Examples
    --------
    >>> import tempfile, os
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> info = write_ftm(case, os.path.join(tempfile.mkdtemp(), "case.ftm.json"))
    >>> info["entities"], info["schemata"]
    (3, {'Person': 2, 'UnknownLink': 1})
    """
    entities, problems = case_to_ftm(case, analysis)
    path = Path(path)
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        for e in entities:
            fh.write(json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    schemata = {}
    for e in entities:
        schemata[e.schema.name] = schemata.get(e.schema.name, 0) + 1
    return {"files": [str(path)], "entities": len(entities), "schemata": schemata,
            "problems": problems}


# --- private helpers ---------------------------------------------------------------------

def _hash_id(kind, text):
    import hashlib

    return f"na-{kind}-" + hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:20]


def _s(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    v = str(v).strip()
    return v or None
