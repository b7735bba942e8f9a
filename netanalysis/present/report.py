"""The case report: one self-contained HTML page an analyst can hand to a colleague.

:func:`write_report` writes what was read, rejected and merged; the ranked targets with
their ``why`` and the distribution of scores; for each high-value fugitive, the support
network (an inline SVG drawing), the travel timeline, the last known movements and where
they are likely to go next (ranked places and an offline map); the
logistics groups and the services they provide; the ties that were inferred, with their
evidence. Charts are inline SVG (:mod:`netanalysis.present.svg`); the page loads nothing
from anywhere, and every piece of text from the data is escaped.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pandas as pd

from netanalysis.analyze.support import support_network
from netanalysis.errors import UnknownEntityError
from netanalysis.model.filtered import filter_case
from netanalysis.model.graph import co_travellers, itinerary, party_edges, party_graph, party_nodes
from netanalysis.model.values import as_list, present
from netanalysis.model.vocab import SERVICE_NAMES, SUPPORT_TYPES
from netanalysis.outputs import atomic_write_text
from netanalysis.present._jinja import template_environment
from netanalysis.present.geo import where_next_map
from netanalysis.present.notebook import HtmlPage
from netanalysis.present.svg import histogram_svg, network_svg, timeline_svg
from netanalysis.progress import Progress
from netanalysis.settings import load_settings, section_settings

__all__ = ["write_report", "report_html", "report_context", "analyst_sections"]


def write_report(case, analysis, path, *, title=None, fugitives=None, targets=None, settings=None,
                 progress=None, robustness=None, alerts=None, filters=None):
    """Write the case report of `case` and its `analysis` to `path` (one HTML file).

    Parameters
    ----------
    case : Case
        The case as analysed (with ``merges`` and ``inferred`` when resolution ran).
    analysis : Analysis
        From :func:`netanalysis.analyze.run_analysis`.
    path : str or Path
        The HTML file to write.
    title : str, optional
        Heading (default: the case folder name).
    fugitives : int, optional
        How many of the highest-ranked fugitives get a section of their own (default from
        settings, ``map.report_fugitives``).
    targets : int, optional
        How many ranked targets the table lists (default ``map.report_targets``).
    settings : Settings, optional
    progress : Progress, optional
    robustness : Robustness, optional
        From :func:`netanalysis.analyze.robustness.robustness`: adds the section "How robust
        is the ranking".
    alerts : DataFrame, optional
        Alerts of watch rules (``alerts.csv``, :mod:`netanalysis.watch`): the open ones are
        listed.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`: the support networks,
        services and inferred ties shown are those the analysis saw.

    Returns
    -------
    HtmlPage
        A dict (displayed inline by notebooks) of ``path`` and what the report holds:
        ``targets``, ``fugitives``, ``groups``, ``inferred``, ``rejects``, ``merges``.

    See Also
    --------
    report_context : the values shown.
    report_html : the page.
    netanalysis.present.maps.network_map : the network map.

    Examples
    --------
    >>> import tempfile, os
    >>> from netanalysis.analyze.run import run_analysis
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "P1", "name": "Ana", "role": "fugitive"}])
    >>> a = run_analysis(c)
    >>> info = write_report(c, a, os.path.join(tempfile.mkdtemp(), "report.html"))
    >>> info["targets"], info["fugitives"]
    (1, 1)
    """
    progress = progress or Progress(quiet=True)
    with progress.step("writing the case report"):
        ctx = report_context(case, analysis, title=title, fugitives=fugitives, targets=targets,
                             settings=settings, filters=filters)
        ctx.update(analyst_sections(robustness=robustness, alerts=alerts))
        html = report_html(ctx)
        path = Path(path)
        atomic_write_text(path, html)  # temporary file and rename; a symlink is replaced
    return HtmlPage({"path": str(path), "targets": len(ctx["targets"]),
                     "fugitives": len(ctx["fugitives"]), "groups": len(ctx["logistics"]),
                     "inferred": len(ctx["inferred"]), "rejects": ctx["n_rejects"],
                     "merges": len(ctx["merges"])}, height="900px")


def report_html(ctx):
    """Return the report page rendered from :func:`report_context`'s result.

    Parameters
    ----------
    ctx : dict
        From :func:`report_context`, optionally with :func:`analyst_sections`' values.

    Returns
    -------
    str
        The self-contained HTML page (text from the case is escaped).

    See Also
    --------
    write_report : writes this page to a file.

    Examples
    --------
    >>> from netanalysis.analyze.run import run_analysis
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "P1", "name": "Ana", "role": "fugitive"}])
    >>> html = report_html(report_context(c, run_analysis(c), title="Case <1>"))
    >>> "Case &lt;1&gt;" in html, "<script src=" in html
    (True, False)
    """
    return template_environment().get_template("report.html").render(**{**analyst_sections(), **ctx})


def report_context(case, analysis, *, title=None, fugitives=None, targets=None, settings=None,
                   filters=None):
    """Return the values the report template shows (plain Python data and SVG strings).

    Parameters
    ----------
    case, analysis, title, fugitives, targets, settings, filters
        As :func:`write_report` takes them.

    Returns
    -------
    dict
        ``title``, ``generated``, ``case_path``, ``sizes``, ``counts``, ``rejects``,
        ``merges``, ``targets``, ``fugitives`` (one section each), ``logistics``,
        ``inferred``, SVG charts (``score_svg``, ``travel_svg``), ``meta`` and their counts.

    See Also
    --------
    report_html : renders it.
    analyst_sections : the robustness and alerts sections.

    Examples
    --------
    >>> from netanalysis.analyze.run import run_analysis
    >>> from netanalysis.ingest import case_from_records
    >>> c = case_from_records(persons=[{"id": "P1", "name": "Ana", "role": "fugitive"}])
    >>> ctx = report_context(c, run_analysis(c))
    >>> ctx["title"], ctx["n_targets"], [t["id"] for t in ctx["targets"]]
    ('Case report', 1, ['P1'])
    """
    case = filter_case(case, filters)  # the ties the analysis saw
    ms = section_settings(settings if settings is not None else load_settings(), "map")
    colors = dict(ms.role_colors)
    fugitives = ms.report_fugitives if fugitives is None else fugitives
    targets = ms.report_targets if targets is None else targets
    nodes = party_nodes(case)
    names = dict(zip(nodes["id"].astype(str), nodes["name"].astype(str))) if len(nodes) else {}
    roles = dict(zip(nodes["id"].astype(str), nodes["role"])) if len(nodes) else {}
    edges = party_edges(case)
    t = analysis.targets if analysis.targets is not None else pd.DataFrame()

    counts = []
    for kind, c in (case.counts or {}).items():
        counts.append({"kind": kind, **{k: c.get(k) for k in ("file", "read", "taken", "rejected",
                                                              "encoding", "delimiter")}})
    rejects = _records(case.rejects, ["file", "line", "column", "value", "problem"], limit=500)
    merges = _records(case.merges, ["kept_id", "merged_id", "score", "reason"], limit=1000)
    for m in merges:
        m["kept_name"] = names.get(str(m["kept_id"]), "")
    review = (case.merges.attrs.get("review") or []) if case.merges is not None else []

    target_rows = _records(t, ["rank", "id", "name", "role", "score", "why"], limit=targets)
    scores = t["score"].tolist() if "score" in t else []
    score_svg = histogram_svg(scores, bins=min(20, max(5, len(scores) // 3)), xlabel="target score")

    fug_rows = t[t["role"] == "fugitive"].head(fugitives) if len(t) and "role" in t else t.head(0)
    fug_sections, all_legs = [], []
    for rec in fug_rows.to_dict("records"):
        fid = str(rec["id"])
        sec = {"id": fid, "name": rec.get("name") or names.get(fid, fid), "rank": rec.get("rank"),
               "score": rec.get("score"), "why": rec.get("why")}
        person = _person(case, fid)
        sec["facts"] = [(k, _fmt(person.get(c))) for k, c in
                        (("notice", "notice"), ("wanted by", "wanted_by"),
                         ("offences", "offences"), ("nationality", "nationality"),
                         ("aliases", "aliases"), ("born", "birth_date"))
                        if _fmt(person.get(c))]
        sup = _supporters(edges, fid, names, roles)
        sec["supporters"] = sup
        ego = _ego(edges, nodes, fid)
        sec["network_svg"] = network_svg(ego, center=fid, colors=colors)
        legs = itinerary(case, fid)
        leg_rows = _records(legs, ["depart", "arrive", "origin", "destination", "carrier", "flight",
                                   "document_id", "mode", "provenance"])
        sec["last_moves"] = list(reversed(leg_rows))[:5]
        sec["n_legs"] = len(leg_rows)
        sec["timeline_svg"] = timeline_svg(
            [{"lane": sec["name"], **r, "highlight": i == len(leg_rows) - 1}
             for i, r in enumerate(leg_rows)], title=f"Travel of {sec['name']}")
        mv = analysis.movements if getattr(analysis, "movements", None) is not None else None
        sec["where_next"] = _records(mv[mv["id"].astype(str) == fid] if mv is not None else None,
                                     ["rank", "place", "country", "probability", "why"])
        sec["where_next_svg"] = where_next_map(case, fid, mv)
        sec["co_travellers"], sec["one_off_travellers"] = _companions(case, fid, names)
        all_legs += [{"lane": sec["name"], **r} for r in leg_rows]
        fug_sections.append(sec)
    travel_svg = timeline_svg(all_legs, title="Travel of the high-value fugitives")

    logistics = []
    L = analysis.logistics if analysis.logistics is not None else pd.DataFrame()
    groups = analysis.groups if analysis.groups is not None else pd.DataFrame()
    for rec in L.to_dict("records"):
        gid = rec.get("group")
        members = groups[groups["group"].astype(str) == str(gid)] if len(groups) else groups
        services = rec.get("services")
        if not present(services):
            services = _group_services(edges, set(members["id"].astype(str)) if len(members) else set())
        logistics.append({
            "group": gid, "rank": rec.get("rank"), "score": rec.get("score"),
            "facilitators": _fmt(rec.get("facilitators")),
            "fugitives_supported": _fmt(rec.get("fugitives_supported")),
            "services": ", ".join(SERVICE_NAMES.get(x, x) for x in as_list(
                services.replace(",", "|") if isinstance(services, str) else services)),
            "why": rec.get("why"),
            "members": _records(members, ["id", "name", "role"], limit=60),
            "n_members": len(members),
        })

    inferred = _records(case.inferred, ["from_id", "to_id", "type", "evidence", "score"], limit=1000)
    for r in inferred:
        r["from_name"] = names.get(str(r["from_id"]), "")
        r["to_name"] = names.get(str(r["to_id"]), "")

    if title is None:
        title = f"Case report: {Path(case.path).name}" if case.path else "Case report"
    meta = {k: v for k, v in (analysis.meta or {}).items() if isinstance(v, (str, int, float))}
    return {
        "title": title,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "case_path": str(case.path) if case.path else "(in memory)",
        "sizes": {k: len(v) for k, v in case.tables.items()},
        "counts": counts, "rejects": rejects, "n_rejects": len(case.rejects),
        "merges": merges, "targets": target_rows, "n_targets": len(t), "score_svg": score_svg,
        "review": review[:200], "n_review": len(review),
        "fugitives": fug_sections, "travel_svg": travel_svg, "logistics": logistics,
        "inferred": inferred, "n_inferred": 0 if case.inferred is None else len(case.inferred),
        "modularity": analysis.modularity, "meta": meta, "colors": colors,
        "n_groups": int(groups["group"].nunique()) if len(groups) else 0,
    }


def analyst_sections(*, robustness=None, alerts=None, top=8):
    """Return the template values of the sections "How robust is the ranking" and "Open alerts".

    Parameters
    ----------
    robustness : Robustness, optional
        From :func:`netanalysis.analyze.robustness.robustness`.
    alerts : DataFrame, optional
        Alerts of watch rules (``alerts.csv``); the ``new`` and ``open`` ones are listed.
    top : int
        Targets in the robustness table and sentences.

    Returns
    -------
    dict
        ``robustness`` and ``alerts``: None when not given, else the rows the template shows.

    See Also
    --------
    report_context : the other values of the report.

    Examples
    --------
    >>> analyst_sections()
    {'robustness': None, 'alerts': None}
    >>> import pandas as pd
    >>> alerts = pd.DataFrame({"rule": ["companions", "old"], "time": ["2024-01-01", "2023-01-01"],
    ...     "persons": ["P1", "P2"], "why": ["new co-traveller", "x"], "evidence": ["T1", "T2"],
    ...     "status": ["new", "closed"], "hits": [1, 3]})
    >>> [a["rule"] for a in analyst_sections(alerts=alerts)["alerts"]]
    ['companions']
    """
    rob = None
    if robustness is not None:
        rows = []
        for rec in robustness.targets.head(top).to_dict("records"):
            worst = rec.get("worst_rank")
            rows.append({"id": rec["id"], "rank": int(rec["rank"]),
                         "worst": "" if not present(worst) else int(worst),
                         "without": _scenario_label(robustness, rec.get("worst_without")),
                         "stability": rec.get("stability")})
        rob = {"sentences": robustness.sentences(top=top) if len(rows) else [], "rows": rows,
               "scenarios": [{"label": x["label"], "dropped": x["dropped"]}
                             for x in robustness.scenarios]}
    open_alerts = None
    if alerts is not None:
        a = alerts[alerts["status"].isin(["new", "open"])] if len(alerts) else alerts
        open_alerts = _records(a, ["rule", "time", "persons", "why", "evidence", "status",
                                   "hits"], limit=200)
    return {"robustness": rob, "alerts": open_alerts}


# --- private helpers ---------------------------------------------------------------------

def _scenario_label(rob, key):
    if not present(key):
        return ""
    return next((s["label"] for s in rob.scenarios if s["key"] == key), str(key))


def _companions(case, fid, names):
    """Who travelled with `fid`: companions ranked by the strength of the inferred tie, and
    the one-off passengers (one shared journey, no inferred tie) kept apart."""
    ct = co_travellers(case, fid)
    if not len(ct):
        return [], []
    tr = case.tables["travel"]
    mine = tr[tr["person_id"] == fid]
    my_bookings = set(mine["booking_ref"].dropna().astype(str)) if "booking_ref" in tr else set()
    ties = {}
    inf = case.inferred
    if inf is not None and len(inf):
        co = inf[(inf["type"] == "co_travel") & ((inf["from_id"] == fid) | (inf["to_id"] == fid))]
        for r in co.to_dict("records"):
            other = str(r["to_id"] if str(r["from_id"]) == fid else r["from_id"])
            score = pd.to_numeric(pd.Series([r.get("score")]), errors="coerce").iloc[0]
            ties[other] = (float(score) if score == score else 0.0, r.get("evidence"))
    rows, one_off = [], []
    booked = {}  # each companion's booking references, from one pass over their rows
    if "booking_ref" in tr:
        pids = tr["person_id"].astype(str)
        theirs = tr.loc[pids.isin(set(ct["person_id"].astype(str))).to_numpy(), "booking_ref"]
        theirs = theirs.dropna()
        for pid, ref in zip(pids[theirs.index], theirs.astype(str)):
            booked.setdefault(pid, set()).add(ref)
    for pid, g in ct.groupby(ct["person_id"].astype(str), sort=False):
        bookings = booked.get(pid, set()) & my_bookings
        days = sorted(str(d)[:10] for d in g["depart"])
        rec = {"id": pid, "name": names.get(pid, ""), "journeys": len(g),
               "first": days[0], "last": days[-1], "bookings": len(bookings),
               "score": ties[pid][0] if pid in ties else None,
               "evidence": ties[pid][1] if pid in ties else None,
               "journey": g["journey"].iloc[0].removeprefix("journey:")}
        if pid in ties or len(g) >= 2 or bookings:
            rows.append(rec)
        else:
            one_off.append(rec)
    rows.sort(key=lambda r: (-(r["score"] if r["score"] is not None else -1.0), -r["journeys"],
                             -r["bookings"], r["id"]))
    one_off.sort(key=lambda r: (r["first"], r["id"]))
    return rows, one_off


def _ego(edges, nodes, fid):
    """The party graph (:func:`party_graph`) around `fid`, one hop, built from the ties among
    `fid` and its neighbours only (not from the whole case)."""
    e = edges[edges["source"] != edges["target"]]
    a, b = e["source"].astype(str), e["target"].astype(str)
    near = {fid} | set(b[a == fid]) | set(a[b == fid])
    if len(near) == 1 and not (nodes["id"].astype(str) == fid).any():
        return nx.Graph()  # not a party of the case
    sub = party_graph(e[(a.isin(near) & b.isin(near)).to_numpy()],
                      nodes[nodes["id"].astype(str).isin(near).to_numpy()])
    return nx.ego_graph(sub, fid, radius=1)


def _person(case, pid):
    p = case.tables["persons"]
    rows = p[p["id"].astype(str) == pid]
    return rows.iloc[0].to_dict() if len(rows) else {}


def _supporters(edges, fid, names, roles):
    """Who supplies `fid` directly (:func:`support_network`, one hop), and how graded."""
    try:
        s = support_network(edges, fid, hops=1)
    except UnknownEntityError:  # no tie at all
        return []
    return [{"id": r["supplier"], "name": names.get(str(r["supplier"]), ""),
             "role": roles.get(str(r["supplier"])) or "",
             "service": SERVICE_NAMES.get(r["service"], r["service"]),
             "grading": r["grading"] or "", "confidence": r["confidence"],
             "provenance": _fmt(r["provenance"]), "since": _fmt(r["start"]),
             "until": _fmt(r["end"])} for r in s.to_dict("records")]


def _group_services(edges, members):
    if not len(edges) or not members:
        return ()
    s = edges[edges["type"].isin(SUPPORT_TYPES) & edges["source"].astype(str).isin(members)]
    return tuple(sorted(set(s["type"])))


def _records(df, cols, limit=None):
    if df is None or not len(df):
        return []
    have = [c for c in cols if c in df.columns]
    d = df[have] if limit is None else df[have].head(limit)
    out = []
    for rec in d.to_dict("records"):
        out.append({c: _clean(rec.get(c)) for c in cols})
    return out


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) or None
    return v


def _fmt(v):
    v = _clean(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)
