"""Watch rules run on every load of a case, and the alerts they raise.

How the guarantees hold
-----------------------
Every run evaluates every rule over the **whole** case as it is now, then compares the
result with the state kept from earlier runs (``STATE/state.json``). So:

- a rule added after the data was loaded runs over the past data on its first run;
- re-running on the same data raises nothing new (same fingerprints, same evidence);
- adding rows raises only the alerts they cause, and an incremental run gives exactly the
  alerts (fingerprints, persons, evidence) a full re-run from an empty state gives;
- each alert has a **fingerprint**: a hash of the rule and what the alert is about (a
  document, a fugitive and a companion, two tied persons...), never of the row order. All
  the hits about the same thing are **grouped** in one alert (``hits`` counts them);
- a **dismissed** alert (``status`` set to ``dismissed`` in ``alerts.csv``, or
  ``--dismiss FINGERPRINT``) stays dismissed while its evidence is the same; when the
  evidence changes it comes back as ``new`` (``why`` says so);
- after entity resolution merges records, old alerts about a merged id are **mapped onto the
  kept person** (their fingerprints recomputed), keeping their status.

``alerts.csv`` columns: :data:`ALERT_COLUMNS`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pandas as pd

from netanalysis.errors import InputError
from netanalysis.model.graph import co_travellers, journey_key, party_edges
from netanalysis.model.vocab import SUPPORT_TYPES
from netanalysis.outputs import write_csv
from netanalysis.resolve.names import name_similarity, name_tokens

__all__ = ["watch", "evaluate_rules", "ALERT_COLUMNS", "fingerprint"]

#: Columns of ``alerts.csv``.
ALERT_COLUMNS = ["rule", "time", "persons", "evidence", "why", "fingerprint", "status", "hits",
                 "raised", "changed"]
_STATUSES = ("new", "open", "dismissed")


def fingerprint(rule_name, rule_type, key):
    """Return the stable fingerprint of an alert: 16 hex digits.

    Parameters
    ----------
    rule_name : str
        The rule's ``name``.
    rule_type : str
        The rule's ``type``.
    key : sequence
        What the alert is about (document ids, person ids...); items are compared as text.

    Returns
    -------
    str
        The first 16 hex digits of the SHA-256 of the three, as JSON.

    See Also
    --------
    evaluate_rules : gives every alert its fingerprint.

    Examples
    --------
    >>> fingerprint("docs", "flagged_document_journey", ["D1"])
    '69b5d84b38a3ea13'
    """
    text = json.dumps([rule_name, rule_type, [str(k) for k in key]], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def evaluate_rules(case, rules, *, analysis=None, settings=None):
    """Return the alerts every rule raises on `case` now: a list of dicts, grouped.

    Parameters
    ----------
    case : Case
        The prepared case (resolved, with inferred ties).
    rules : dict
        From :func:`netanalysis.watch.load_rules`.
    analysis : Analysis, optional
        Needed by ``logistics_groups_tie`` (computed when absent and that rule is used).
    settings : Settings, optional
        The settings the analysis is computed with when `analysis` is absent (default: the
        defaults and the environment).

    Returns
    -------
    list of dict
        ``rule``, ``type``, ``key``, ``fingerprint``, ``persons``, ``time``, ``evidence``
        (list of texts), ``why``, ``hits``.

    See Also
    --------
    watch : runs this and keeps the alerts' state between runs.
    fingerprint : the ``fingerprint`` of each alert.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from netanalysis.ingest import case_from_records
    >>> from netanalysis.watch.rules import load_rules
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     documents=[{"id": "D1", "holder_id": "S1", "kind": "passport", "number": "X123",
    ...                 "status": "stolen"}],
    ...     travel=[{"person_id": "F1", "depart": "2024-03-05", "origin": "BOG",
    ...              "destination": "MAD", "document_id": "D1"}])
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "watch.yaml"
    >>> _ = p.write_text("rules:\\n  - {name: docs, type: flagged_document_journey}\\n")
    >>> [alert] = evaluate_rules(case, load_rules(p))
    >>> alert["persons"], alert["why"]
    (['F1', 'S1'], 'stolen passport X123 (held by S1 (Luis)) used on 1 journey')
    """
    ctx = _Context(case, analysis, settings)
    out = []
    for rule in rules["rules"]:
        fn = _RULES[rule["type"]]
        groups = defaultdict(lambda: {"persons": set(), "evidence": set(), "times": [], "why": None})
        for key, persons, time, evidence, why in fn(ctx, rule, rules):
            g = groups[tuple(str(k) for k in key)]
            g["persons"] |= {str(p) for p in persons}
            g["evidence"].add(evidence)
            if time:
                g["times"].append(str(time))
            g["why"] = why  # a sentence, or a function of the number of hits
        for key, g in groups.items():
            ev = sorted(g["evidence"])
            why = g["why"]
            out.append({"rule": rule["name"], "type": rule["type"], "key": list(key),
                        "fingerprint": fingerprint(rule["name"], rule["type"], key),
                        "persons": sorted(g["persons"]), "time": max(g["times"]) if g["times"] else "",
                        "evidence": ev, "why": why(len(ev)) if callable(why) else why,
                        "hits": len(ev)})
    out.sort(key=lambda a: (a["rule"], a["fingerprint"]))
    return out


def watch(case, rules, state, *, analysis=None, dismiss=(), now=None, progress=None, settings=None):
    """Run the watch rules on `case`, update the state folder and write ``alerts.csv``.

    Parameters
    ----------
    case : Case
        The prepared case.
    rules : dict
        From :func:`netanalysis.watch.load_rules`.
    state : str or Path
        Folder of ``state.json`` and ``alerts.csv`` (created if needed).
    analysis : Analysis, optional
        See :func:`evaluate_rules`.
    dismiss : iterable of str
        Fingerprints to dismiss (as if set to ``dismissed`` in ``alerts.csv``).
    now : str, optional
        Time stamp of this run (ISO; default: now, UTC).
    progress : Progress, optional
    settings : Settings, optional
        See :func:`evaluate_rules`.

    Returns
    -------
    DataFrame
        The alerts (:data:`ALERT_COLUMNS`), as written to ``STATE/alerts.csv``.

    See Also
    --------
    evaluate_rules : the alerts of one run, without state.
    fingerprint : how an alert is recognised from run to run.

    Examples
    --------
    See ``tests/watch/test_watch.py``; from the command line::

        netanalysis watch examples/case --rules watch.yaml --state watch-state
    """
    state = Path(state)
    try:
        state.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the state folder: {exc.strerror}", file=state) from None
    now = now or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = _load_state(state)
    _apply_csv_edits(state, old)
    for fp in dismiss:
        if fp not in old:
            raise InputError(f"no alert with fingerprint {fp!r} to dismiss", file=state / "state.json")
        old[fp]["status"] = "dismissed"
    old = _remap_merges(old, case.merges)
    if progress is not None:
        progress.say(f"watch: {len(rules['rules'])} rules")
    current = evaluate_rules(case, rules, analysis=analysis, settings=settings)
    new_state, rows = dict(old), []
    for a in current:
        ev_hash = _hash(a["evidence"])
        prev = old.get(a["fingerprint"])
        why, changed = a["why"], False
        if prev is None:
            status, raised = "new", now
        else:
            raised = prev.get("raised", now)
            changed = prev.get("evidence_hash") != ev_hash
            if prev["status"] == "dismissed":
                status = "new" if changed else "dismissed"
                if changed:
                    why += " (evidence changed since it was dismissed)"
            else:
                status = "open"
        new_state[a["fingerprint"]] = {
            "rule": a["rule"], "type": a["type"], "key": a["key"], "persons": a["persons"],
            "status": status, "evidence_hash": ev_hash, "raised": raised,
            "last_run": now}
        rows.append({"rule": a["rule"], "time": a["time"], "persons": "|".join(a["persons"]),
                     "evidence": "; ".join(a["evidence"]), "why": why,
                     "fingerprint": a["fingerprint"], "status": status, "hits": a["hits"],
                     "raised": raised, "changed": "yes" if changed else ""})
    df = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    _write_state(state, new_state)
    _write_alerts(df, state / "alerts.csv")
    if progress is not None:
        counts = df["status"].value_counts().to_dict() if len(df) else {}
        progress.say("watch: " + ", ".join(f"{counts.get(s, 0)} {s}" for s in _STATUSES))
    return df


# --- rules -------------------------------------------------------------------------------

class _Context:
    """What the rules share, computed once per run."""

    def __init__(self, case, analysis, settings=None):
        self.case = case
        self._analysis = analysis
        self._settings = settings
        t = case.tables
        p = t["persons"]
        self.names = dict(zip(p["id"].astype(str), p["name"].astype(str)))
        self.roles = dict(zip(p["id"].astype(str), p["role"].fillna("unknown").astype(str)))
        self.edges = party_edges(case)
        rep = self.edges[~self.edges["inferred"].astype(bool)]
        self.reported = rep[rep["source"] != rep["target"]]
        sup = self.reported[self.reported["type"].isin(SUPPORT_TYPES)]
        self.suppliers = defaultdict(dict)
        for a, b, typ in zip(sup["source"], sup["target"], sup["type"]):
            self.suppliers[b].setdefault(a, set()).add(typ)
        tr = t["travel"].copy()
        tr["person_id"] = tr["person_id"].astype(str)
        tr["journey"] = [journey_key(r) for r in tr.to_dict("records")] if len(tr) else []
        self.travel = tr

    @property
    def analysis(self):
        if self._analysis is None:
            from netanalysis.analyze import run_analysis

            self._analysis = run_analysis(self.case, settings=self._settings)
        return self._analysis

    def fugitives(self, rule):
        if rule.get("fugitives", "all") == "all":
            return sorted(k for k, r in self.roles.items() if r == "fugitive")
        return [f for f in rule["fugitives"] if f in self.names]

    def leg(self, r):
        flight = str(r["journey"]).removeprefix("journey:").split("|")[0]
        if flight.startswith("row"):
            flight = r.get("mode") or "journey"
        # no person id in the evidence: a merge must not make it look changed
        return (f"travel.csv line {r['_line']}: {flight} {r['origin']}\u2192"
                f"{r['destination']} {str(r['depart'])[:10]}")

    def who(self, pid):
        return f"{pid} ({self.names.get(pid, '?')})"


def _flagged_document_journey(ctx, rule, rules):
    docs = ctx.case.tables["documents"]
    if not len(docs) or not len(ctx.travel):
        return
    flagged = docs[docs["status"].isin(rule["statuses"])]
    info = {str(r["id"]): r for r in flagged.to_dict("records")}
    tr = ctx.travel[ctx.travel["document_id"].astype(str).isin(info)]
    for r in tr.to_dict("records"):
        d = info[str(r["document_id"])]
        kind = str(d.get("kind") or "document").replace("_", " ")

        def why(n, d=d, kind=kind):
            return (f"{d['status']} {kind} {d.get('number') or d['id']} (held by "
                    f"{ctx.who(str(d['holder_id']))}) used on {n} journey{'s' if n != 1 else ''}")
        yield ((d["id"],), {r["person_id"], str(d["holder_id"])}, r["depart"], ctx.leg(r), why)


def _support_network_journey(ctx, rule, rules):
    U = nx.Graph()
    U.add_edges_from(zip(ctx.reported["source"], ctx.reported["target"]))
    since = rule.get("since")
    for f in ctx.fugitives(rule):
        network = {f} | set(ctx.suppliers.get(f, {}))
        near = {}
        for n in network:
            near[n] = 0
        frontier = set(network)
        for h in range(1, int(rule["hops"]) + 1):
            nxt = set()
            for u in frontier:
                if u in U:
                    nxt |= {v for v in U[u] if v not in near}
            for v in nxt:
                near[v] = h
            frontier = nxt
        tr = ctx.travel[ctx.travel["person_id"].isin(near)]
        if since:
            tr = tr[tr["depart"].astype(str) >= str(since)]
        for r in tr.to_dict("records"):
            pid = r["person_id"]
            h = near[pid]
            if pid == f:
                rel = f"fugitive {ctx.who(f)}"
            elif h == 0:
                services = ", ".join(sorted(ctx.suppliers[f][pid]))
                rel = f"{ctx.who(pid)}, who supplies {services} to fugitive {f}"
            else:
                rel = f"{ctx.who(pid)}, {h} tie{'s' if h != 1 else ''} from the support network of {f}"

            def why(n, rel=rel):
                return f"{rel}: {n} journey{'s' if n != 1 else ''}"
            yield ((f, pid), {f, pid}, r["depart"], ctx.leg(r), why)


def _new_co_traveller(ctx, rule, rules):
    for f in ctx.fugitives(rule):
        ct = co_travellers(ctx.case, f)
        if not len(ct):
            continue
        counts = ct["person_id"].astype(str).value_counts()
        for r in ct.to_dict("records"):
            pid = str(r["person_id"])
            if counts[pid] < int(rule["min_journeys"]):
                continue

            def why(n, pid=pid, f=f):
                return (f"{ctx.who(pid)} shared {n} journey{'s' if n != 1 else ''} with fugitive "
                        f"{ctx.who(f)}")
            ev = f"{str(r['journey']).removeprefix('journey:')} ({str(r['depart'])[:10]})"
            yield ((f, pid), {f, pid}, r["depart"], ev, why)


def _supporter_at_last_seen(ctx, rule, rules):
    loc = ctx.case.tables.get("locations")
    for f in ctx.fugitives(rule):
        seen = []  # (date, place, source)
        mine = ctx.travel[ctx.travel["person_id"] == f]
        for r in mine.to_dict("records"):
            seen.append((str(r.get("arrive") or r["depart"]), str(r["destination"]),
                         f"travel.csv line {r['_line']}"))
        if loc is not None and len(loc):
            ml = loc[(loc["person_id"].astype(str) == f) & loc["start"].notna()]
            for r in ml.to_dict("records"):
                seen.append((str(r["start"]), str(r["place"]), f"locations.csv line {r['_line']}"))
        if not seen:
            continue
        day, place, src = max(seen)
        sup = set(ctx.suppliers.get(f, {}))
        tr = ctx.travel[ctx.travel["person_id"].isin(sup)
                        & (ctx.travel["destination"].astype(str) == place)
                        & (ctx.travel["depart"].astype(str).str[:10] >= day[:10])]
        for r in tr.to_dict("records"):
            pid = r["person_id"]

            def why(n, pid=pid, f=f, place=place, day=day, src=src):
                return (f"{ctx.who(pid)}, who supplies {', '.join(sorted(ctx.suppliers[f][pid]))} "
                        f"to fugitive {f}, travelled to {place}, where {f} was last seen on "
                        f"{day[:10]} ({src}): {n} journey{'s' if n != 1 else ''}")
            yield ((f, pid, place), {f, pid}, r["depart"], ctx.leg(r), why)


def _logistics_groups_tie(ctx, rule, rules):
    lg = ctx.analysis.logistics
    if lg is None or not len(lg):
        return
    member = defaultdict(set)
    for rec in lg.to_dict("records"):
        for col in ("facilitator_ids", "fugitive_ids"):
            v = rec.get(col)
            for pid in (v if isinstance(v, (list, tuple, set)) else str(v or "").split("|")):
                if pid:
                    member[str(pid)].add(rec["group"])
    rep = ctx.reported
    for r in rep.to_dict("records"):
        a, b = str(r["source"]), str(r["target"])
        ga, gb = member.get(a, set()), member.get(b, set())
        if not ga or not gb or ga & gb:
            continue
        lo, hi = sorted((a, b))
        why = (f"{ctx.who(a)} (logistics group {', '.join(str(g) for g in sorted(ga))}) and "
               f"{ctx.who(b)} (logistics group {', '.join(str(g) for g in sorted(gb))}) are tied")
        ev = f"links.csv line {r['line']}: {r['type']} ({r['provenance'] or 'no source'}, {r['grading']})"
        yield ((lo, hi), {a, b}, r["start"] if isinstance(r["start"], str) else "", ev, why)


def _watchlist(ctx, rule, rules):
    wl = rules["watchlists"][rule["watchlist"]]
    persons = ctx.case.tables["persons"]
    by_token = defaultdict(set)
    recs = persons.to_dict("records")
    for i, r in enumerate(recs):
        for tok in name_tokens(r["name"]):
            by_token[tok].add(i)
    for entry in wl["persons"]:
        label = entry["name"]
        cands = set()
        for tok in name_tokens(label):
            cands |= by_token.get(tok, set())
        for i in sorted(cands):
            r = recs[i]
            m = name_similarity(label, r["name"])
            if m.score < rule["min_score"]:
                continue
            born = str(entry.get("birth_date") or "")
            theirs = str(r.get("birth_date") or "")
            if born and theirs and not (theirs.startswith(born) or born.startswith(theirs)):
                continue
            how = "exact name" if m.score >= 1.0 and label.strip() == str(r["name"]).strip() \
                else f"fuzzy name match {m.score:.2f}: {m.reason}"
            if born and theirs:
                how += f"; born {theirs} agrees with {born}"
            why = f"{ctx.who(str(r['id']))} matches watchlist {rule['watchlist']!r} entry {label!r} ({how})"
            yield ((rule["watchlist"], "person", label, r["id"]), {r["id"]}, "",
                   f"persons.csv line {r['_line']}", why)
    docs = ctx.case.tables["documents"]
    if wl["documents"] and len(docs):
        wanted = {_norm_doc(d): d for d in wl["documents"]}
        for r in docs.to_dict("records"):
            hit = wanted.get(_norm_doc(r.get("number")))
            if hit is None:
                continue
            why = (f"document {r.get('number')} ({r.get('kind') or 'document'}) held by "
                   f"{ctx.who(str(r['holder_id']))} is on watchlist {rule['watchlist']!r}"
                   + ("" if str(r.get("number")) == hit else f" as {hit!r}"))
            yield ((rule["watchlist"], "document", _norm_doc(hit)), {str(r["holder_id"])}, "",
                   f"documents.csv line {r['_line']}", why)
            used = ctx.travel[ctx.travel["document_id"].astype(str) == str(r["id"])]
            for t in used.to_dict("records"):
                yield ((rule["watchlist"], "document", _norm_doc(hit)),
                       {str(r["holder_id"]), t["person_id"]}, t["depart"], ctx.leg(t), why)


_RULES = {
    "flagged_document_journey": _flagged_document_journey,
    "support_network_journey": _support_network_journey,
    "new_co_traveller": _new_co_traveller,
    "supporter_at_last_seen": _supporter_at_last_seen,
    "logistics_groups_tie": _logistics_groups_tie,
    "watchlist": _watchlist,
}


# --- state -------------------------------------------------------------------------------

def _norm_doc(v):
    return "".join(ch for ch in str(v or "").upper() if ch.isalnum())


def _hash(evidence):
    return hashlib.sha256("\n".join(evidence).encode("utf-8")).hexdigest()[:16]


def _load_state(state):
    p = state / "state.json"
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the watch state: {exc}", file=p) from None
    return dict(data.get("alerts", {}))


def _apply_csv_edits(state, old):
    """Statuses the analyst set in ``alerts.csv`` (dismissed, or open again) go into the state."""
    p = state / "alerts.csv"
    if not p.exists():
        return
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    if "fingerprint" not in df or "status" not in df:
        raise InputError("alerts.csv lacks the columns fingerprint and status", file=p, line=1)
    for i, (fp, st) in enumerate(zip(df["fingerprint"], df["status"].str.strip().str.lower())):
        if st not in _STATUSES:
            raise InputError(f"unknown status {st!r}: use new, open or dismissed", file=p,
                             line=i + 2, column="status")
        if fp in old:
            if st == "dismissed":
                old[fp]["status"] = "dismissed"
            elif old[fp]["status"] == "dismissed":
                old[fp]["status"] = "open"


def _remap_merges(old, merges):
    if merges is None or not len(merges):
        return old
    to = dict(zip(merges["merged_id"].astype(str), merges["kept_id"].astype(str)))
    out = {}
    for fp, a in old.items():
        key = [to.get(str(k), str(k)) for k in a["key"]]
        if a["type"] in ("logistics_groups_tie",):
            key = sorted(key)
        nfp = fingerprint(a["rule"], a["type"], key)
        b = dict(a, key=key, persons=sorted({to.get(p, p) for p in a["persons"]}))
        if nfp != fp:
            b["merged_from"] = fp
        if nfp in out:  # two old alerts now about the same person: dismissed only if both were
            prev = out[nfp]
            if prev["status"] != "dismissed" or b["status"] != "dismissed":
                b["status"] = "open" if "dismissed" in (prev["status"], b["status"]) else b["status"]
            b["raised"] = min(prev.get("raised", ""), b.get("raised", "")) or b.get("raised")
        out[nfp] = b
    return out


def _write_state(state, alerts):
    p = state / "state.json"
    tmp = state / "state.json.tmp"
    tmp.write_text(json.dumps({"version": 1, "alerts": alerts}, indent=1, ensure_ascii=False,
                              sort_keys=True), "utf-8")
    os.replace(tmp, p)


def _write_alerts(df, path):
    df = pd.DataFrame(columns=ALERT_COLUMNS) if df is None else df
    extra = [c for c in df.columns if c not in ALERT_COLUMNS]
    # formula-safe cells, written to a temporary file and renamed
    write_csv(df.reindex(columns=ALERT_COLUMNS + extra), path)
