"""Watch rule files: read, checked before any rule runs, errors naming file, line and key.

A rule file (YAML) names watchlists and rules::

    watchlists:
      hawks:
        persons:
          - {name: "Luis López Castillo", birth_date: "1979"}
        documents: [FZ152917]
    rules:
      - name: bad documents
        type: flagged_document_journey
        statuses: [stolen, fraudulent]
      - name: around P0166
        type: support_network_journey
        fugitives: [P0166]
        hops: 1
      - {name: companions, type: new_co_traveller, fugitives: all}
      - {name: supporter goes there, type: supporter_at_last_seen, fugitives: all}
      - {name: groups meet, type: logistics_groups_tie}
      - {name: hawks, type: watchlist, watchlist: hawks, min_score: 0.85}

Every key is checked against :data:`RULE_TYPES` (its parameters, their types and defaults)
before the case is read.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from netanalysis.errors import InputError

__all__ = ["RULE_TYPES", "load_rules"]

_FUGITIVES = ("fugitives", "ids or 'all'", "all")
#: Rule types: ``{type: {parameter: (kind, description, default)}}``.
RULE_TYPES = {
    "flagged_document_journey": {
        "statuses": ("list", "document statuses that raise an alert", ["stolen", "fraudulent"]),
    },
    "support_network_journey": {
        "fugitives": _FUGITIVES, "hops": ("int", "ties from the support network", 1),
        "since": ("str", "only journeys departing on or after this date", None),
    },
    "new_co_traveller": {
        "fugitives": _FUGITIVES,
        "min_journeys": ("int", "shared journeys before a companion is raised", 1),
    },
    "supporter_at_last_seen": {"fugitives": _FUGITIVES},
    "logistics_groups_tie": {},
    "watchlist": {
        "watchlist": ("str", "name of a watchlist of this file", None),
        "min_score": ("float", "least name similarity of a fuzzy person match", 0.85),
    },
}
_COMMON = {"name", "type", "description"}


def load_rules(path):
    """Return ``{"rules": [...], "watchlists": {...}}`` from a rule file, checked.

    Each rule is a dict with ``name``, ``type`` and every parameter of its type (defaults
    filled in).

    Parameters
    ----------
    path : str or Path
        The YAML rule file.

    Returns
    -------
    dict
        ``rules``: the checked rule dicts; ``watchlists``: name to its ``persons`` and
        ``documents``; ``file``: the path read, as text.

    Raises
    ------
    InputError
        If the file is missing or not YAML, or a rule or watchlist is invalid; the message
        names the file, the line and the key.

    See Also
    --------
    netanalysis.watch.alerts.evaluate_rules : runs the rules.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "watch.yaml")
    >>> _ = Path(p).write_text("rules:\\n  - {name: docs, type: flagged_document_journey}\\n")
    >>> load_rules(p)["rules"][0]["statuses"]
    ['stolen', 'fraudulent']
    >>> _ = Path(p).write_text("rules:\\n  - name: x\\n    type: nope\\n")
    >>> try:
    ...     load_rules(p)
    ... except InputError as e:
    ...     print(e.line, e.column)
    3 type
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the rule file: {exc.strerror}", file=path) from None
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=path,
                         line=None if mark is None else mark.line + 1) from None
    if root is None:
        raise InputError("the rule file is empty: it needs a 'rules' list", file=path, line=1)

    def err(node, key, message):
        raise InputError(message, file=path, line=node.start_mark.line + 1, column=key)

    if not isinstance(root, yaml.MappingNode):
        err(root, None, "the rule file must be a mapping with 'rules' (and 'watchlists')")
    top = _pairs(root)
    for k, (kn, _) in top.items():
        if k not in ("rules", "watchlists"):
            err(kn, k, f"unknown key {k!r}: expected 'rules' and 'watchlists'")
    watchlists = {}
    if "watchlists" in top:
        kn, vn = top["watchlists"]
        if not isinstance(vn, yaml.MappingNode):
            err(vn, "watchlists", "'watchlists' must map names to {persons, documents}")
        for name, (_wk, wv) in _pairs(vn).items():
            watchlists[name] = _watchlist(wv, name, err)
    if "rules" not in top:
        err(root, "rules", "the rule file needs a 'rules' list")
    kn, rules_node = top["rules"]
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        err(rules_node, "rules", "'rules' must be a non-empty list of rules")
    rules, names = [], set()
    for rn in rules_node.value:
        if not isinstance(rn, yaml.MappingNode):
            err(rn, "rules", "each rule must be a mapping with 'name' and 'type'")
        r = _pairs(rn)
        for req in ("name", "type"):
            if req not in r:
                err(rn, req, f"a rule needs '{req}'")
        name = _scalar(r["name"][1], "name", err)
        if name in names:
            err(r["name"][1], "name", f"two rules are named {name!r}")
        names.add(name)
        typ = _scalar(r["type"][1], "type", err)
        if typ not in RULE_TYPES:
            err(r["type"][1], "type", f"unknown rule type {typ!r}: expected one of "
                                      + ", ".join(RULE_TYPES))
        spec = RULE_TYPES[typ]
        rule = {"name": name, "type": typ, "line": rn.start_mark.line + 1}
        for k, (kn2, vn2) in r.items():
            if k in _COMMON:
                continue
            if k not in spec:
                allowed = ", ".join(spec) or "none"
                err(kn2, k, f"rule {name!r} ({typ}) has no parameter {k!r} (parameters: {allowed})")
            rule[k] = _typed(vn2, k, spec[k][0], err)
        for k, (_kind, _desc, default) in spec.items():
            rule.setdefault(k, default)
        if typ == "watchlist":
            if rule["watchlist"] is None:
                err(rn, "watchlist", f"rule {name!r} needs 'watchlist', the name of a watchlist")
            if rule["watchlist"] not in watchlists:
                err(r["watchlist"][1], "watchlist",
                    f"no watchlist {rule['watchlist']!r} in this file")
        if "hops" in rule and rule["hops"] < 0:
            err(r["hops"][1], "hops", "hops must be 0 or more")
        if "min_score" in rule and not 0 < rule["min_score"] <= 1:
            err(r["min_score"][1], "min_score", "min_score must be in (0, 1]")
        rules.append(rule)
    return {"rules": rules, "watchlists": watchlists, "file": str(path)}


# --- private helpers ---------------------------------------------------------------------

def _pairs(node):
    out = {}
    for kn, vn in node.value:
        out[str(kn.value)] = (kn, vn)
    return out


def _scalar(node, key, err):
    if not isinstance(node, yaml.ScalarNode) or str(node.value).strip() == "":
        err(node, key, f"'{key}' must be a non-empty text")
    return str(node.value)


def _typed(node, key, kind, err):
    value = yaml.safe_load(yaml.serialize(node))
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            err(node, key, f"'{key}' must be a whole number, not {value!r}")
    elif kind == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            err(node, key, f"'{key}' must be a number, not {value!r}")
        value = float(value)
    elif kind == "list":
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            err(node, key, f"'{key}' must be a list of texts")
    elif kind == "ids or 'all'":
        if value == "all":
            return "all"
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(x, (str, int)) for x in value):
            err(node, key, f"'{key}' must be 'all' or a list of ids")
        value = [str(x) for x in value]
    elif kind == "str":
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            err(node, key, f"'{key}' must be a text")
        value = str(value)
    return value


def _watchlist(node, name, err):
    if not isinstance(node, yaml.MappingNode):
        err(node, name, f"watchlist {name!r} must be a mapping with 'persons' and/or 'documents'")
    out = {"persons": [], "documents": []}
    for k, (kn, vn) in _pairs(node).items():
        if k not in out:
            err(kn, k, f"watchlist {name!r} has no key {k!r} (keys: persons, documents)")
        if not isinstance(vn, yaml.SequenceNode):
            err(vn, k, f"'{k}' of watchlist {name!r} must be a list")
        for item in vn.value:
            v = yaml.safe_load(yaml.serialize(item))
            if k == "documents":
                if not isinstance(v, (str, int)) or str(v).strip() == "":
                    err(item, k, f"a document of watchlist {name!r} must be a number (text)")
                out[k].append(str(v))
            else:
                if isinstance(v, str):
                    v = {"name": v}
                if not isinstance(v, dict) or not str(v.get("name") or "").strip():
                    err(item, "name", f"a person of watchlist {name!r} needs a 'name'")
                bad = set(v) - {"name", "birth_date", "id", "note"}
                if bad:
                    err(item, sorted(bad)[0], f"a person of watchlist {name!r} has no key "
                                              f"{sorted(bad)[0]!r} (keys: name, birth_date, id, note)")
                out[k].append({kk: str(vv) for kk, vv in v.items() if vv is not None})
    return out
