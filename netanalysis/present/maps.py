"""Interactive network maps: one self-contained HTML file that opens with no network.

The map is drawn with vis-network, the JavaScript library pyvis wraps. :func:`network_map`
builds the nodes, ties and options with :class:`pyvis.network.Network`, then renders them
with netanalysis's own template (``present/templates/network.html``) in which the
vis-network script and stylesheet shipped inside pyvis are inlined. Unlike pyvis's own
templates, nothing is fetched from a CDN: the page has no external ``src`` or ``href`` and a
Content-Security-Policy that forbids any request.

Visual grammar
--------------
- colour: the person's role (fugitive, facilitator, associate, unknown; organizations
  brown), or the group found by community detection (``color_by="group"``); phones,
  documents, places and journeys have a colour of their kind;
- size: the target score of the analysis (else the number of ties);
- shape: the node kind (person dot, organization square, phone triangle, document diamond,
  place inverted triangle, journey star);
- ties: colour by type, arrows on directed types, inferred ties dashed, ties whose
  confidence is under ``map.low_confidence`` faint.

Safety
------
Names and every other value come from case files that may be hostile. They never become
HTML: the data travels as JSON in a ``<script type="application/json">`` block (with ``<``,
``>`` and ``&`` escaped), labels are drawn on the canvas, and tooltips are built by the
page's script with ``textContent``. vis-network's own ``title`` popups, which interpret
strings as HTML, are not used.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import numpy as np
from pyvis.network import Network

from netanalysis.errors import UnknownEntityError
from netanalysis.model.filtered import filter_case, filtered_graph
from netanalysis.model.values import present
from netanalysis.model.vocab import DIRECTED_LINK_TYPES, STRUCTURAL_TYPES, SUPPORT_TYPES
from netanalysis.outputs import atomic_write_text
from netanalysis.present._jinja import template_environment
from netanalysis.present.investigation import investigation_graph, investigation_layout
from netanalysis.present.notebook import HtmlPage
from netanalysis.progress import Progress
from netanalysis.settings import load_settings, section_settings

__all__ = ["network_map", "map_data", "select_nodes", "render_map_html", "json_for_html"]

#: Node attributes shown in tooltips, in this order, with their labels.
_NODE_FIELDS = [
    ("kind", "kind"), ("id", "id"), ("name", "name"), ("aliases", "aliases"), ("role", "role"),
    ("notice", "notice"), ("wanted_by", "wanted by"), ("offences", "offences"),
    ("nationality", "nationality"), ("birth_date", "born"), ("rank", "rank"),
    ("score", "score"), ("why", "why"), ("group", "group"), ("org_kind", "organization kind"),
    ("country", "country"), ("doc_kind", "document kind"), ("number", "number"),
    ("issuing_country", "issued by"), ("status", "status"), ("origin", "from"),
    ("destination", "to"), ("depart", "departs"), ("carrier", "carrier"), ("flight", "flight"),
    ("mode", "mode"), ("provenance", "provenance"), ("source", "source record"),
]
_EDGE_FIELDS = [
    ("type", "type"), ("inferred", "inferred"), ("grading", "grading"),
    ("confidence", "confidence"), ("provenance", "provenance"), ("start", "from"),
    ("end", "until"), ("weight", "weight"), ("evidence", "evidence"), ("count", "calls"),
    ("duration_s", "call seconds"), ("depart", "departs"), ("arrive", "arrives"),
    ("document_id", "document"), ("booking_ref", "booking"), ("line", "links.csv line"),
    ("ties", "ties"), ("reported", "reported ties"),
]


def network_map(case, path, *, analysis=None, graph=None, focus=None, hops=None, top=None,
                group=None, color_by="role", kinds=None, max_physics_nodes=None, max_nodes=None,
                title=None, whole=False, settings=None, progress=None, geo=False, filters=None):
    """Write an interactive, self-contained network map of `case` to `path`.

    Parameters
    ----------
    case : Case
        The case; its property graph is drawn unless `graph` is given.
    path : str or Path
        The HTML file to write.
    analysis : Analysis, optional
        Scores, ranks, ``why`` and groups shown on the map; needed for `top`, `group` and
        ``color_by="group"``.
    graph : networkx graph, optional
        The graph to draw instead of :func:`netanalysis.model.build_graph` of `case`.
    focus : str, optional
        Draw only this node's world: the nodes within `hops` ties of it.
    hops : int, optional
        Radius of a focus map (ties followed in either direction). Default from settings
        (``map.focus_hops``).
    top : int, optional
        Draw the `top` highest-ranked targets and the shortest paths that connect them.
    group : str, optional
        Draw the members of this group and the ties among them.
    color_by : {"role", "group"}
        What the colour of a node says.
    kinds : iterable of str, optional
        Node kinds to keep (``"Person"``, ``"Organization"``, ``"Phone"``...); all by default.
    max_physics_nodes : int, optional
        Above this many nodes, positions are computed in Python (igraph Fruchterman-Reingold
        on a grid) and physics is off, so the page opens at once and pans smoothly. Default
        from settings (``map.max_physics_nodes``).
    max_nodes : int, optional
        Above this many nodes, keep the highest-scoring, then best-connected, nodes.
    title : str, optional
        Heading of the page (default: the case folder name).
    whole : bool
        Draw the full property graph. By default a map with an `analysis` and no other
        selection (`focus`, `top`, `group`, `kinds`, `graph`) draws the investigation view
        (:func:`netanalysis.present.investigation.investigation_graph`) with a side panel
        of logistics groups and fugitives that focuses the map on click.
    settings : Settings, optional
        Effective settings (default :func:`netanalysis.settings.load_settings`).
    progress : Progress, optional
        Where to report steps.
    geo : bool
        Geographic layout: persons at their last known place, places at their coordinates
        (:func:`netanalysis.present.geo.geo_positions`), physics off.
    filters : dict, optional
        Keyword arguments of :func:`netanalysis.model.filter_edges`: draw what the analysis
        saw, the investigation view of the ties that pass them, or with a selection or
        `whole` :func:`netanalysis.model.filtered.filtered_graph` (unless `graph` is given).

    Returns
    -------
    HtmlPage
        A dict (displayed inline by notebooks, :mod:`netanalysis.present.notebook`) of what
        was drawn: ``path``, ``nodes``, ``edges``, ``kinds`` (nodes per kind),
        ``selection``, ``physics``, ``layout``, ``reduced`` (bool) and ``reductions`` (a
        list of sentences saying how the map was reduced), ``dropped_nodes``.

    Raises
    ------
    UnknownEntityError
        If `focus` is not a node or `group` is not a group of the analysis.
    ValueError
        If more than one of `focus`, `top`, `group` is given, or `top`, `group` or
        ``color_by="group"`` lack an `analysis`.

    See Also
    --------
    map_data : what is drawn, without writing it.
    render_map_html : the page of a map.
    netanalysis.present.report.write_report : the case report.

    Examples
    --------
    >>> import tempfile, os, pandas as pd
    >>> from netanalysis.model import Case
    >>> c = Case(tables={"persons": pd.DataFrame({"id": ["P1", "P2"], "name": ["Ana", "Luis"],
    ...     "role": ["fugitive", "facilitator"], "_file": "persons.csv", "_line": [2, 3]}),
    ...     "links": pd.DataFrame({"from_id": ["P2"], "to_id": ["P1"], "type": ["lodging"],
    ...     "grading": ["B2"], "weight": [1.0], "start": [None], "end": [None],
    ...     "provenance": ["DIJIN"], "note": [None], "_file": "links.csv", "_line": [2]})})
    >>> out = os.path.join(tempfile.mkdtemp(), "map.html")
    >>> info = network_map(c, out)
    >>> info["nodes"], info["edges"], info["physics"], info["reduced"]
    (2, 1, True, False)
    """
    progress = progress or Progress(quiet=True)
    s = section_settings(settings if settings is not None else load_settings(), "map")
    hops = s.focus_hops if hops is None else hops
    with progress.step("drawing the network map"):
        data = map_data(case, analysis=analysis, graph=graph, focus=focus, hops=hops, top=top,
                        group=group, color_by=color_by, kinds=kinds,
                        max_physics_nodes=max_physics_nodes, max_nodes=max_nodes, whole=whole,
                        settings=s, geo=geo, filters=filters)
        if title is None:
            title = _case_title(case)
            if data["info"]["selection"] == "investigation":
                title += ": investigation view"
            elif focus is not None:
                title += f": {focus} within {hops} ties"
            elif top is not None:
                title += f": top {top} targets"
            elif group is not None:
                title += f": group {group}"
        html = render_map_html(data, title=title, height=s.height)
        path = Path(path)
        atomic_write_text(path, html)  # temporary file and rename; a symlink is replaced
    info = dict(data["info"])
    info["path"] = str(path)
    for line in info["reductions"]:
        progress.say(f"map reduced: {line}")
    return HtmlPage(info, height=s.height)


def select_nodes(G, *, analysis=None, focus=None, hops=None, top=None, group=None, kinds=None):
    """Return the set of nodes of `G` a map shows, and the name of the selection.

    Parameters
    ----------
    G : networkx graph
        The graph drawn.
    analysis, focus, hops, top, group, kinds
        As :func:`network_map` takes them (at most one of `focus`, `top`, `group`; `hops`
        defaults to the built-in ``map.focus_hops``).

    Returns
    -------
    nodes : set
        The nodes kept.
    selection : str
        The kind of selection: ``"focus"``, ``"top"``, ``"group"``... or ``"all"``.

    See Also
    --------
    map_data : builds the map of these nodes.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> sorted(select_nodes(G, focus="a", hops=2)[0])
    ['a', 'b', 'c']
    """
    chosen = [x for x in (focus, top, group) if x is not None]
    if len(chosen) > 1:
        raise ValueError("give at most one of focus, top and group")
    if kinds is not None:
        keep = set(kinds)
        G = G.subgraph([n for n, k in G.nodes(data="kind") if k in keep])
    if focus is not None:
        if focus not in G:
            raise UnknownEntityError(f"no node {focus!r} in the case to focus on")
        if hops is None:
            hops = section_settings(None, "map").focus_hops
        if hops < 0:
            raise ValueError("hops must be 0 or more")
        U = G.to_undirected(as_view=True) if G.is_directed() else G
        return set(nx.single_source_shortest_path_length(U, focus, cutoff=hops)), "focus"
    if top is not None:
        if analysis is None:
            raise ValueError("a top-N map needs the analysis (the ranking)")
        if top < 1:
            raise ValueError("top must be 1 or more")
        ids = [i for i in analysis.targets["id"].astype(str) if i in G][: int(top)]
        U = G.to_undirected(as_view=True) if G.is_directed() else G
        nodes = set(ids)
        for i, a in enumerate(ids):
            paths = nx.single_source_shortest_path(U, a)
            for b in ids[i + 1:]:
                if b in paths:
                    nodes.update(paths[b])
        return nodes, "top"
    if group is not None:
        if analysis is None:
            raise ValueError("a group map needs the analysis (the groups)")
        g = analysis.groups
        members = set(g.loc[g["group"].astype(str) == str(group), "id"].astype(str))
        if not members:
            raise UnknownEntityError(f"no group {group!r} in the analysis")
        return {m for m in members if m in G}, "group"
    return set(G.nodes), "all"


def map_data(case, *, analysis=None, graph=None, focus=None, hops=None, top=None, group=None,
             color_by="role", kinds=None, max_physics_nodes=None, max_nodes=None, whole=False,
             settings=None, geo=False, filters=None):
    """Return the vis-network nodes, edges, options, legend and a summary of a map.

    This is :func:`network_map` without the writing (`filters` as there): a dict with ``nodes`` and ``edges``
    (lists of dicts ready for vis-network, each with an ``info`` list of ``[label, text]``
    pairs for its tooltip), ``options``, ``legend``, ``panel`` (the investigation view's
    side panel, else None) and ``info``.

    Parameters
    ----------
    case, analysis, graph, focus, hops, top, group, color_by, kinds, max_physics_nodes, \
max_nodes, whole, settings, geo, filters
        As :func:`network_map` takes them.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``options``, ``legend``, ``panel``, ``info`` (what
        :func:`network_map` returns, less ``path``) and ``network`` (the pyvis network).

    See Also
    --------
    network_map : writes the page.
    render_map_html : renders this result as a page.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> d = map_data(case)
    >>> sorted(n["id"] for n in d["nodes"]), len(d["edges"]), d["info"]["physics"]
    (['F1', 'S1'], 1, True)
    """
    if color_by not in ("role", "group"):
        raise ValueError(f"color_by must be 'role' or 'group', not {color_by!r}")
    if color_by == "group" and analysis is None:
        raise ValueError("colouring by group needs the analysis (the groups)")
    s = section_settings(settings if settings is not None else load_settings(), "map")
    max_physics_nodes = int(s["max_physics_nodes"] if max_physics_nodes is None else max_physics_nodes)
    max_nodes = int(s["max_nodes"] if max_nodes is None else max_nodes)
    hops = s.focus_hops if hops is None else hops

    if graph is None and case is None:
        raise ValueError("give a case or a graph to draw")
    panel = None
    if (not whole and graph is None and analysis is not None
            and all(x is None for x in (focus, top, group, kinds))):
        G, panel = investigation_graph(filter_case(case, filters), analysis,
                                       settings=s.investigation.to_dict())
        graph = G
    G = graph if graph is not None else filtered_graph(case, filters)
    nodes, selection = select_nodes(G, analysis=analysis, focus=focus, hops=hops, top=top,
                                    group=group, kinds=kinds)
    facts = _analysis_facts(analysis)
    reductions = []
    dropped = 0
    if len(nodes) > max_nodes:
        deg = dict(G.degree(nodes))
        order = sorted(nodes, key=lambda n: (-(facts.get(n, {}).get("score") or 0.0),
                                             -deg.get(n, 0), str(n)))
        dropped = len(nodes) - max_nodes
        nodes = set(order[:max_nodes])
        reductions.append(f"{dropped:,} of {dropped + max_nodes:,} nodes left out "
                          f"(kept the {max_nodes:,} highest-scoring, then best-connected)")
    H = G if len(nodes) == G.number_of_nodes() else G.subgraph(nodes)
    if panel is not None:
        selection = "investigation"
        panel = {k: [{"label": e["label"], "nodes": [x for x in e["nodes"] if x in H]}
                     for e in v] for k, v in panel.items()}

    net = Network(height=s.height, width="100%", directed=True,
                  cdn_resources="in_line")
    groups_palette = {}
    palette = list(s["group_palette"])
    group_order = {}
    if analysis is not None and analysis.groups is not None:
        for gid in analysis.groups["group"]:
            group_order.setdefault(gid, len(group_order))
    scores = [f["score"] for n, f in facts.items() if n in H and f.get("score") is not None]
    lo, hi = (min(scores), max(scores)) if scores else (0.0, 0.0)
    deg = dict(H.degree())
    maxdeg = max(deg.values()) if deg else 0
    minsize, maxsize = float(s["min_size"]), float(s["max_size"])
    roles_seen, kinds_seen = Counter(), Counter()
    # pyvis's add_node/add_edge check membership in lists (quadratic): build the option
    # dicts with pyvis and append them directly.
    node_list, order = [], sorted(H.nodes, key=str)
    for n in order:
        d = H.nodes[n]
        kind = d.get("kind") or "Person"
        f = facts.get(n, {})
        role = d.get("role") or f.get("role") or ("unknown" if kind == "Person" else None)
        if kind == "Organization":
            role = "organization"
        grp = f.get("group")
        if color_by == "group" and kind in ("Person", "Organization"):
            if grp is None:
                color = s["role_colors"]["unknown"]
            else:
                color = palette[group_order.get(grp, 0) % len(palette)]
                groups_palette[grp] = color
        elif kind in ("Person", "Organization"):
            color = s["role_colors"].get(role, s["role_colors"]["unknown"])
        else:
            color = s["kind_colors"].get(kind, "#c0c0c0")
        if kind in ("Person", "Organization"):
            roles_seen[role] += 1
        kinds_seen[kind] += 1
        score = f.get("score")
        if score is not None and hi > lo:
            size = minsize + (maxsize - minsize) * (score - lo) / (hi - lo)
        elif kind in ("Person", "Organization") and maxdeg > 0:
            size = minsize + (maxsize - minsize) * 0.6 * math.sqrt(deg.get(n, 0) / maxdeg)
        else:
            size = minsize * (1.0 if kind in ("Person", "Organization") else 0.7)
        label = _label(n, d, s["label_length"])
        node = {
            "id": str(n), "label": label, "caption": _label(n, d, 200),
            "shape": s["kind_shapes"].get(kind, "dot"),
            "size": round(size, 2),
            "color": {"background": color, "border": "#333333" if kind == "Person" else color,
                      "highlight": {"background": color, "border": "#000000"}},
            "borderWidth": 3 if role == "fugitive" else 1,
            "kind": kind, "role": role, "group": None if grp is None else str(grp),
            "info": _node_info(n, d, f),
        }
        node_list.append(node)
    net.nodes = node_list
    net.node_ids = [x["id"] for x in node_list]
    net.node_map = {x["id"]: x for x in node_list}

    edge_list = []
    low = float(s["low_confidence"])
    types_seen = Counter()
    self_loops = 0
    for i, (u, v, d) in enumerate(H.edges(data=True)):
        if u == v:  # a tie of a party with itself (often left by a merge) is not drawn
            self_loops += 1
            continue
        etype = d.get("type") or _types_name(d.get("types") or d.get("services"))
        structural = etype in STRUCTURAL_TYPES
        inferred = bool(d.get("inferred", False))
        conf = d.get("confidence")
        conf = None if conf is None else float(conf)
        faint = conf is not None and conf < low
        color = s["edge_colors"].get("structural" if structural else etype,
                                     s["edge_colors"]["unknown"])
        directed = etype in DIRECTED_LINK_TYPES or etype in SUPPORT_TYPES or structural
        types_seen[etype] += 1
        edge_list.append({
            "id": f"e{i}", "from": str(u), "to": str(v),
            "arrows": "to" if directed else "",
            "dashes": inferred,
            "color": {"color": color, "opacity": 0.25 if faint else (0.5 if structural else 0.9)},
            "width": 0.6 if structural else round(1.0 + 2.5 * (conf if conf is not None else 0.3), 2),
            "type": etype, "inferred": inferred, "faint": faint,
            "info": _edge_info(d),
        })
    net.edges = edge_list

    n_nodes = len(node_list)
    physics = n_nodes <= max_physics_nodes and selection != "investigation"
    layout = "vis-network physics (Barnes-Hut)"
    if selection == "investigation" and not geo:
        pos = investigation_layout(H, seed=s.seed)
        for node in node_list:
            x, y = pos[node["id"]]
            node["x"], node["y"] = round(float(x) * 60.0, 1), round(float(y) * 60.0, 1)
            node["physics"] = False
        layout = "support networks apart (computed in Python)"
    elif not physics and not geo:
        pos = _python_layout(H, seed=s.seed)
        scale = 60.0 * math.sqrt(max(n_nodes, 1))
        for node in node_list:
            if node["kind"] not in ("Person", "Organization"):
                node["label"] = ""  # on a large map only parties are labelled

            x, y = pos[node["id"]]
            node["x"], node["y"] = round(float(x) * scale, 1), round(float(y) * scale, 1)
            node["physics"] = False
        layout = "computed in Python (igraph Fruchterman-Reingold, grid)"
        reductions.append(f"{n_nodes:,} nodes > {max_physics_nodes:,}: positions computed in "
                          "Python and physics turned off; ties drawn straight and hidden "
                          "while dragging or zooming; only persons and organizations "
                          "labelled (the others on hover)")
    if geo:
        from netanalysis.present.geo import geo_positions

        physics = False
        gpos = geo_positions(H, case, [x["id"] for x in node_list])
        for node in node_list:
            node["x"], node["y"] = (round(float(c), 1) for c in gpos[node["id"]])
            node["physics"] = False
        layout = "geographic (last known place; longitude, latitude)"
    options = {
        "physics": {"enabled": physics, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -8000, "springLength": 120,
                                  "springConstant": 0.03, "damping": 0.4},
                    "stabilization": {"enabled": physics, "iterations": 400, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False,
                        "hideEdgesOnDrag": not physics, "hideEdgesOnZoom": not physics,
                        "multiselect": True},
        "edges": {"smooth": {"enabled": physics, "type": "dynamic"},
                  "arrows": {"to": {"scaleFactor": 0.6}}},
        "nodes": {"font": {"size": 13, "face": "sans-serif", "strokeWidth": 3,
                           "strokeColor": "#ffffff"},
                  # on a large map, labels appear as one zooms in
                  "scaling": {"label": {"enabled": False, "drawThreshold": 5 if physics else 9}}},
        "layout": {"randomSeed": s.seed, "improvedLayout": physics and n_nodes < 150},
    }
    net.set_options(json.dumps(options))

    legend = {
        "colour": ([{"label": f"group {g}", "color": groups_palette[g]}
                    for g in sorted(groups_palette, key=lambda x: group_order.get(x, 0))]
                   if color_by == "group" else
                   [{"label": r, "color": s["role_colors"].get(r, s["role_colors"]["unknown"])}
                    for r in ("fugitive", "facilitator", "associate", "unknown", "organization")
                    if roles_seen.get(r)]),
        "kinds": [{"label": k, "shape": s["kind_shapes"].get(k, "dot"),
                   "color": s["kind_colors"].get(k, "#555555")} for k in sorted(kinds_seen)],
        "ties": [{"label": t, "color": s["edge_colors"].get(
                  "structural" if t in STRUCTURAL_TYPES else t, s["edge_colors"]["unknown"])}
                 for t in sorted(types_seen)],
    }
    info = {
        "nodes": n_nodes, "edges": len(edge_list), "kinds": dict(sorted(kinds_seen.items())),
        "selection": selection, "color_by": color_by, "physics": physics, "layout": layout,
        "reduced": bool(reductions), "reductions": reductions, "dropped_nodes": dropped,
        "self_loops": self_loops,
    }
    return {"nodes": net.nodes, "edges": net.edges, "options": options, "legend": legend,
            "panel": panel, "info": info, "network": net}


def json_for_html(obj):
    """Return `obj` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>``, ``&`` and the line separators U+2028/U+2029 are written as ``\\u`` escapes,
    so no value can close the script element or open a comment.

    Parameters
    ----------
    obj : object
        Data JSON can hold (dicts, lists, text, numbers; NumPy and pandas scalars too).

    Returns
    -------
    str
        The JSON text.

    See Also
    --------
    render_map_html : writes the map's data this way.

    Examples
    --------
    >>> json_for_html({"name": "</script><img src=x>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(obj, ensure_ascii=False, default=_json_default, allow_nan=False)
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return text


def render_map_html(data, *, title="network", height="820px"):
    """Return the self-contained HTML page of a map from :func:`map_data`'s result.

    The vis-network script and style are inlined (the page works offline) and the data is
    written with :func:`json_for_html`, so no text from the case runs as script.

    Parameters
    ----------
    data : dict
        From :func:`map_data`.
    title : str
        Heading and title of the page (escaped).
    height : str
        CSS height of the canvas.

    Returns
    -------
    str
        The HTML page.

    See Also
    --------
    network_map : writes this page to a file.

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(
    ...     persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}, {"id": "S1", "name": "Luis"}],
    ...     links=[{"from_id": "S1", "to_id": "F1", "type": "lodging", "grading": "B2"}])
    >>> html = render_map_html(map_data(case), title="Ana <b>")
    >>> "<title>Ana &lt;b&gt;" in html, "<script src=" in html
    (True, False)
    """
    env = template_environment()
    payload = {"nodes": data["nodes"], "edges": data["edges"], "options": data["options"],
               "panel": data.get("panel")}
    return env.get_template("network.html").render(
        title=title, height=height, legend=data["legend"], info=data["info"],
        panel=data.get("panel"),
        vis_js=_vis_asset("vis-network.min.js"), vis_css=_vis_asset("vis-network.css"),
        data_json=json_for_html(payload))


# --- private helpers ---------------------------------------------------------------------

def _vis_asset(name):
    text = resources.files("pyvis").joinpath("lib", "vis-9.1.2", name).read_text("utf-8")
    low = text.lower()
    if "</script" in low or "</style" in low:  # never let an asset end its own element
        raise RuntimeError(f"unexpected closing tag inside pyvis asset {name}")
    return jinja2.utils.markupsafe.Markup(text)


def _case_title(case):
    p = getattr(case, "path", None)
    return f"Network of {Path(p).name}" if p else "Network map"


def _analysis_facts(analysis):
    facts = {}
    if analysis is None:
        return facts
    t = analysis.targets
    if t is not None and len(t):
        cols = [c for c in ("rank", "id", "role", "score", "why") if c in t.columns]
        for rec in t[cols].to_dict("records"):
            f = facts.setdefault(str(rec["id"]), {})
            for k in ("rank", "role", "score", "why"):
                v = rec.get(k)
                if present(v):
                    f[k] = float(v) if k == "score" else (int(v) if k == "rank" else v)
    g = analysis.groups
    if g is not None and len(g):
        for gid, nid in zip(g["group"], g["id"].astype(str)):
            facts.setdefault(nid, {}).setdefault("group", gid)
    return facts


def _label(n, d, length):
    text = d.get("name")
    kind = d.get("kind")
    if not present(text):
        if kind == "Phone":
            text = d.get("number") or n
        elif kind == "Document":
            text = f"{d.get('doc_kind') or 'document'} {d.get('number') or ''}".strip()
        elif kind == "Journey":
            text = f"{d.get('origin', '?')}\u2192{d.get('destination', '?')} {str(d.get('depart', ''))[:10]}"
        else:
            text = n
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: max(1, length - 1)] + "\u2026"


_ANALYSIS_FACTS = ("rank", "score", "why", "group")


def _node_info(n, d, f):
    """Tooltip rows of a node: the analysis' facts `f` win over the data's attributes `d`.

    A data column named like a fact of the analysis (``rank``, ``score``, ``why``,
    ``group``) is shown under its own label ("rank (case data)"), never as the analysis'.
    """
    merged = {k: v for k, v in d.items() if k not in _ANALYSIS_FACTS}
    merged.update(f)
    merged["id"] = n
    out = []
    for key, label in _NODE_FIELDS:
        v = merged.get(key)
        if present(v):
            out.append([label, _text(v, key)])
    for key in _ANALYSIS_FACTS:
        if present(d.get(key)):
            out.append([f"{key} (case data)", _text(d[key])])
    return out


def _edge_info(d):
    out = []
    for key, label in _EDGE_FIELDS:
        v = d.get(key)
        if key == "inferred":
            if v:
                out.append([label, "yes: no source stated this tie"])
            continue
        if present(v):
            out.append([label, _text(v, key)])
    return out


def _text(v, key=None):
    if isinstance(v, (list, tuple, set)):
        return ", ".join(str(x) for x in v)
    if isinstance(v, (float, np.floating)):
        if key == "score":
            return f"{float(v):.4g}"
        return f"{float(v):.3g}" if not float(v).is_integer() else str(int(v))
    return str(v)


def _types_name(types):
    if isinstance(types, (list, tuple)) and len(types) == 1:
        return str(types[0])
    return "+".join(str(t) for t in types) if types else "unknown"


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if o != o else float(o)
    if isinstance(o, np.bool_):
        return bool(o)
    if isinstance(o, (set, tuple)):
        return list(o)
    return str(o)


def _disc(g, comp):
    """Lay out one component in a disc of radius sqrt(size): (members, coords, radius)."""
    k = len(comp)
    if k == 1:
        local = np.zeros((1, 2))
    elif k == 2:
        local = np.array([[-0.5, 0.0], [0.5, 0.0]])
    else:
        sub = g.subgraph(comp)
        local = np.asarray(sub.layout_fruchterman_reingold(grid=k > 250).coords, float)
        local -= local.mean(axis=0)
        m = np.sqrt((local ** 2).sum(axis=1)).max()
        local = local / m if m > 0 else local
    radius = math.sqrt(k)
    return comp, local * radius, radius


def _python_layout(H, *, seed):
    """Return ``{node id: (x, y)}``, roughly in [-1, 1], for a large map.

    Each connected component is laid out on its own with igraph's grid Fruchterman-Reingold
    (O(n) per iteration), scaled to a disc whose area follows its size, and the discs are
    packed in rows, largest first, so isolated nodes do not push the network into a corner.
    """
    import igraph

    ids = [str(n) for n in sorted(H.nodes, key=str)]
    if not ids:
        return {}
    index = {n: i for i, n in enumerate(ids)}
    pairs = {(min(index[str(u)], index[str(v)]), max(index[str(u)], index[str(v)]))
             for u, v in H.edges() if str(u) != str(v)}
    g = igraph.Graph(n=len(ids), edges=sorted(pairs))
    xy = np.zeros((len(ids), 2))
    # igraph draws its random start from the generator it is given: a private, seeded one
    # (igraph's own start positions converge several times faster than ours)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        comps = sorted(g.connected_components(), key=lambda c: (-len(c), c[0]))
        discs = [_disc(g, comp) for comp in comps]
    finally:
        igraph.set_random_number_generator(random)
    # shelf packing of the discs, largest first
    total = sum((2 * r + 1) ** 2 for *_, r in discs)
    width = max(math.sqrt(total) * 1.15, 2 * discs[0][2] + 1)
    x = y = row_h = 0.0
    for comp, local, r in discs:
        d = 2 * r + 1
        if x > 0 and x + d > width:
            x, y, row_h = 0.0, y + row_h, 0.0
        xy[comp] = local + np.array([x + d / 2, y + d / 2])
        x += d
        row_h = max(row_h, d)
    xy -= xy.mean(axis=0)
    m = np.abs(xy).max()
    if m > 0:
        xy /= m
    return {n: (xy[i, 0], xy[i, 1]) for n, i in index.items()}
