"""FollowTheMoney entities out and in, so cases move to and from Aleph and OpenSanctions tools.

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
Reading goes the other way, and accepts entities from other tools: any ``LegalEntity``
that is not a Person is an organization, ``Directorship``, ``Ownership`` and
``Representation`` become ``associate`` links, unknown schemata are counted as skipped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from netanalysis.errors import InputError, NetanalysisError
from netanalysis.model.vocab import LINK_TYPES, file_columns
from netanalysis.outputs import atomic_path, write_csv

__all__ = ["case_to_ftm", "write_ftm", "read_ftm", "ftm_to_tables", "import_ftm"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
_ASSOCIATE_SCHEMATA = ("Associate", "Directorship", "Ownership", "Representation")


def _model():
    try:
        from followthemoney import model
    except ImportError:  # pragma: no cover - depends on the install
        raise NetanalysisError("FollowTheMoney support needs the 'followthemoney' package: "
                               "pip install 'netanalysis[ftm]'") from None
    return model


class _Builder:
    def __init__(self):
        self.model = _model()
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

    Returns
    -------
    entities : list of followthemoney EntityProxy
    problems : list of dict
        ``entity``, ``schema``, ``property``, ``value``, ``where`` (file:line) and
        ``problem`` for every value FollowTheMoney rejected.
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
        b.add(e, "alias", _list(r.get("aliases")))
        b.add(e, "birthDate", r.get("birth_date"))
        b.add(e, "nationality", _list(r.get("nationality")))
        role = _s(r.get("role")) or "unknown"
        kw = [f"role:{role}"]
        if _s(r.get("notice")):
            kw.append(f"notice:{r['notice']}")
        kw += [f"offence:{o}" for o in _list(r.get("offences"))]
        kw += [f"wanted_by:{c}" for c in _list(r.get("wanted_by"))]
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

    Returns
    -------
    dict
        ``files``, ``entities`` (count), ``schemata`` (count per schema) and ``problems``.
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


def read_ftm(path):
    """Read FollowTheMoney entities (JSON lines), each checked by the library.

    Raises
    ------
    InputError
        If a line is not JSON or not a FollowTheMoney entity (with the line number).
    """
    model = _model()
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

    Returns
    -------
    tables : dict of str to DataFrame
    skipped : dict of str to int
        Entities of schemata with no place in the case format, by schema.
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

    Returns
    -------
    dict
        ``entities`` read, ``files`` written with their row counts, ``skipped`` by schema.
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

def _hash_id(kind, text):
    import hashlib

    return f"na-{kind}-" + hashlib.sha1(str(text).encode("utf-8")).hexdigest()[:20]


def _s(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    v = str(v).strip()
    return v or None


def _list(v):
    if v is None or (isinstance(v, float) and v != v):
        return []
    if isinstance(v, str):
        return [x for x in v.split("|") if x.strip()]
    return [x for x in v if x is not None and str(x).strip()]


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
