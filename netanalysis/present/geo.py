"""Offline geographic drawings: places, legs and predictions on a world outline, as inline SVG.

The outline is Natural Earth's admin-0 countries (public domain), simplified to a half-degree
grid by ``tools/make_world_outline.py`` and shipped in ``netanalysis/data/world_outline.json``.
Drawings use the equirectangular projection (x = longitude, y = latitude), cropped to the
places shown; nothing is fetched from anywhere and every label from the data is escaped.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from importlib import resources
from typing import NamedTuple

__all__ = ["world_rings", "geo_svg", "where_next_map", "geo_positions", "last_known_places",
           "STYLE"]

#: Fill colour of each kind of marker.
STYLE = {"past": "#6b7c93", "current": "#111111", "support": "#2b8a3e", "predicted": "#d9480f"}


@lru_cache(maxsize=1)
def world_rings():
    """Return the world outline: a list of rings, each a flat list ``[lon, lat, lon, lat...]``.

    Examples
    --------
    >>> len(world_rings()) > 100
    True
    """
    text = resources.files("netanalysis").joinpath("data", "world_outline.json").read_text("utf-8")
    return json.loads(text)["rings"]


def geo_svg(points, legs=(), *, width=640, height=340, title=None):
    """Return an inline SVG map of `points` and `legs` over the world outline.

    Parameters
    ----------
    points : list of dict
        ``lat``, ``lon``, ``label`` and ``kind`` (a key of :data:`STYLE`); a ``predicted``
        point may carry ``probability`` (its marker grows with it).
    legs : list of tuple
        ``(lat1, lon1, lat2, lon2)`` journeys, drawn as lines.
    width, height : int
        Size of the drawing in pixels.
    title : str, optional
        Accessible title of the drawing.

    Returns
    -------
    str
        An ``<svg>`` element (empty string when there is no point).

    See Also
    --------
    where_next_map : the map of one fugitive drawn with this.
    world_rings : the world outline drawn under the points.

    Examples
    --------
    >>> svg = geo_svg([{"lat": 4.7, "lon": -74.1, "label": "BOG <x>", "kind": "current"},
    ...                {"lat": 9.1, "lon": -79.4, "label": "PTY", "kind": "predicted",
    ...                 "probability": 0.6}], [(4.7, -74.1, 9.1, -79.4)])
    >>> svg.startswith("<svg") and "BOG &lt;x&gt;" in svg and "<x>" not in svg
    True
    """
    pts = [p for p in points if _num(p.get("lat")) and _num(p.get("lon"))]
    if not pts:
        return ""
    lats = [p["lat"] for p in pts] + [x for lg in legs for x in (lg[0], lg[2])]
    lons = [p["lon"] for p in pts] + [x for lg in legs for x in (lg[1], lg[3])]
    lo0, lo1, la0, la1 = min(lons), max(lons), min(lats), max(lats)
    # margin, a minimum extent and the aspect ratio of the drawing
    span_lo = max(lo1 - lo0, 16.0) * 1.25
    span_la = max(la1 - la0, 9.0) * 1.25
    aspect = width / height
    if span_lo / span_la < aspect:
        span_lo = span_la * aspect
    else:
        span_la = span_lo / aspect
    span_lo, span_la = min(span_lo, 360.0), min(span_la, 180.0)
    clo, cla = (lo0 + lo1) / 2, (la0 + la1) / 2
    x0, y1 = clo - span_lo / 2, cla + span_la / 2
    sx, sy = width / span_lo, height / span_la

    def xy(lat, lon):
        return (lon - x0) * sx, (y1 - lat) * sy

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="geo" width="{width}" '
           f'height="{height}" viewBox="0 0 {width} {height}" role="img">']
    if title:
        out.append(f"<title>{escape(str(title))}</title>")
    out.append(f'<rect width="{width}" height="{height}" fill="#eef4fb"/>')
    xmin, xmax, ymin, ymax = x0, x0 + span_lo, y1 - span_la, y1
    paths = []
    for ring in world_rings():
        rl, ra = ring[0::2], ring[1::2]
        if max(rl) < xmin or min(rl) > xmax or max(ra) < ymin or min(ra) > ymax:
            continue
        coords = " ".join(f"{(lon - x0) * sx:.1f},{(y1 - lat) * sy:.1f}"
                          for lon, lat in zip(rl, ra))
        paths.append(f"M{coords}Z")
    if paths:
        out.append(f'<path d="{" ".join(paths)}" fill="#f8f6f0" stroke="#b8b2a4" '
                   'stroke-width="0.6"/>')
    for la_a, lo_a, la_b, lo_b in legs:
        (xa, ya), (xb, yb) = xy(la_a, lo_a), xy(la_b, lo_b)
        out.append(f'<line x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" '
                   'stroke="#6b7c93" stroke-width="1.2" stroke-opacity="0.7"/>')
    order = {"past": 0, "support": 1, "predicted": 2, "current": 3}
    for p in sorted(pts, key=lambda p: order.get(p.get("kind"), 0)):
        x, y = xy(p["lat"], p["lon"])
        kind = p.get("kind", "past")
        r = 4.0
        if kind == "predicted":
            r = 4.0 + 10.0 * float(p.get("probability") or 0.0)
        label = escape(str(p.get("label", "")))
        fill = STYLE.get(kind, STYLE["past"])
        shape = (f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{fill}"/>'
                 if kind == "support" else
                 f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" '
                 f'fill-opacity="{0.75 if kind == "predicted" else 1}"/>')
        out.append(f"<g><title>{label}</title>{shape}"
                   f'<text x="{x + r + 2:.1f}" y="{y + 3:.1f}" font-size="10" '
                   f'fill="#222">{label}</text></g>')
    lx = 8
    for kind, text in (("current", "now"), ("past", "past legs"), ("support", "supporters"),
                       ("predicted", "predicted")):
        out.append(f'<circle cx="{lx + 4}" cy="{height - 10}" r="4" fill="{STYLE[kind]}"/>'
                   f'<text x="{lx + 11}" y="{height - 6}" font-size="10">{text}</text>')
        lx += 90
    out.append("</svg>")
    return "".join(out)


def where_next_map(case, fugitive, movements=None, *, width=640, height=340):
    """Return an SVG map of a fugitive's past legs, supporters' places and predicted places.

    Parameters
    ----------
    case : Case
    fugitive : str
        Person id.
    movements : DataFrame, optional
        Rows of :func:`netanalysis.analyze.movements.anticipate` (those of `fugitive` are
        drawn, the marker size growing with the probability).
    width, height : int
        Size of the drawing in pixels.

    Returns
    -------
    str
        An ``<svg>`` element, or an empty string when no place of the fugitive is known.

    See Also
    --------
    geo_svg

    Examples
    --------
    >>> from netanalysis.ingest import case_from_records
    >>> case = case_from_records(persons=[{"id": "F1", "name": "Ana", "role": "fugitive"}],
    ...     travel=[{"person_id": "F1", "depart": "2024-03-05", "origin": "BOG",
    ...              "destination": "PTY"}])
    >>> svg = where_next_map(case, "F1")
    >>> svg.startswith("<svg") and "PTY (last known)" in svg
    True
    >>> where_next_map(case, "nobody")
    ''
    """
    from netanalysis.model.graph import itinerary
    from netanalysis.model.places import place_info
    from netanalysis.model.vocab import SUPPORT_TYPES

    def info(place):
        return place_info(place) if isinstance(place, str) else None

    points, legs, seen = [], [], set()
    tr = itinerary(case, fugitive)
    for o, d in zip(tr["origin"], tr["destination"]):
        a, b = info(o), info(d)
        if a is not None and b is not None:
            legs.append((a.lat, a.lon, b.lat, b.lon))
        for key, pl in ((o, a), (d, b)):
            if pl is not None and key not in seen:
                seen.add(key)
                points.append({"lat": pl.lat, "lon": pl.lon, "label": key, "kind": "past"})
    if len(tr):
        last = info(tr["destination"].iloc[-1])
        if last is not None:
            points.append({"lat": last.lat, "lon": last.lon, "kind": "current",
                           "label": f"{tr['destination'].iloc[-1]} (last known)"})
    links = case.tables["links"]
    sup = links[links["type"].isin(SUPPORT_TYPES) & (links["to_id"].astype(str) == fugitive)]
    supporters = set(sup["from_id"].astype(str))
    loc = case.tables["locations"]
    for pid, place in zip(loc["person_id"].astype(str), loc["place"]):
        pl = info(place)
        if pl is not None and pid in supporters:
            points.append({"lat": pl.lat, "lon": pl.lon, "label": f"{place} ({pid})",
                           "kind": "support"})
    if movements is not None and len(movements):
        mine = movements[movements["id"].astype(str) == fugitive]
        for place, prob in zip(mine["place"], mine["probability"]):
            pl = info(place)
            if pl is not None:
                points.append({"lat": pl.lat, "lon": pl.lon, "kind": "predicted",
                               "label": f"{place} {float(prob):.0%}",
                               "probability": float(prob)})
    return geo_svg(points, legs, width=width, height=height,
                   title=f"Where next: {fugitive}")


def last_known_places(case):
    """Return ``{person id: place}``: the latest of arrival or location record, else residence.

    Parameters
    ----------
    case : Case
        A loaded case; its ``travel`` and ``locations`` tables are read.

    Returns
    -------
    dict
        Person id to a place text (IATA code or ``"Town, CC"``), for persons with one.

    See Also
    --------
    geo_positions : places nodes of a graph there.
    where_next_map : marks a fugitive's last known place.

    Examples
    --------
    >>> from netanalysis.model.case import Case
    >>> last_known_places(Case())
    {}
    """
    out = {}
    when = {}
    tr = case.tables["travel"]
    if len(tr):
        t = tr.sort_values(["depart", "_line"], kind="stable")
        for pid, dep, dest in zip(t["person_id"].astype(str), t["depart"], t["destination"]):
            if isinstance(dest, str):
                out[pid], when[pid] = dest, str(dep)
    loc = case.tables["locations"]
    if len(loc):
        for pid, place, kind, start in zip(loc["person_id"].astype(str), loc["place"],
                                           loc["kind"], loc["start"]):
            if not isinstance(place, str):
                continue
            start = start if isinstance(start, str) else ""
            if pid not in out or (start and start > when.get(pid, "")) or (
                    kind == "residence" and not when.get(pid)):
                out[pid], when[pid] = place, start
    return out


def geo_positions(G, case, nodes, *, scale=40.0):
    """Return ``{node: (x, y)}`` placing nodes of `G` on the map (x = longitude, y = -latitude).

    Persons sit at their last known place (:func:`last_known_places`), places at their
    coordinates (a country's place, ``place:CC``, at its capital), journeys halfway between
    their ends; other nodes (an organization next to its country) near the mean of their placed
    neighbours.
    People at one place are spread on a small circle around it. What cannot be placed goes
    on a row below the map.

    Parameters
    ----------
    G : networkx.Graph
        The graph drawn; nodes carry ``kind`` (and ``name``, ``origin``, ``destination``).
    case : Case
        The case the graph comes from (for last known places and countries).
    nodes : iterable
        The nodes to place.
    scale : float, default 40.0
        Drawing units per degree.

    Returns
    -------
    dict
        Node to ``(x, y)`` in drawing units.

    See Also
    --------
    last_known_places : where persons are placed.

    Examples
    --------
    >>> import networkx as nx
    >>> from netanalysis.model.case import Case
    >>> G = nx.Graph()
    >>> G.add_node("place:PTY", kind="Place", name="PTY")
    >>> x, y = geo_positions(G, Case(), ["place:PTY"])["place:PTY"]
    >>> round(x / 40), round(-y / 40)
    (-79, 9)
    """
    import math

    from netanalysis.model.places import place_info

    last = last_known_places(case)
    pos, at = {}, {}

    def put(n, place, info=None):
        if info is None:
            info = place_info(place) if isinstance(place, str) else None
        if info is None:
            return False
        k = at.setdefault(place, [0])
        i = k[0]
        k[0] += 1
        r = 0.0 if i == 0 else 0.35 * math.sqrt(i)
        a = i * 2.39996
        pos[n] = ((info.lon + r * math.cos(a)) * scale, (-info.lat + r * math.sin(a)) * scale)
        return True

    for n in nodes:
        d = G.nodes[n]
        kind = d.get("kind")
        if kind == "Place":
            if _num(d.get("lat")) and _num(d.get("lon")):
                # a country place (``place:CC``) carries its capital's coordinates
                put(n, str(n), _LatLon(float(d["lat"]), float(d["lon"])))
            else:
                put(n, d.get("name"))
        elif kind == "Journey":
            a, b = place_info(d.get("origin") or ""), place_info(d.get("destination") or "")
            if a is not None and b is not None:
                pos[n] = ((a.lon + b.lon) / 2 * scale, -(a.lat + b.lat) / 2 * scale)
        elif str(n) in last:
            put(n, last[str(n)])
    for _ in range(2):
        for n in nodes:
            if n in pos:
                continue
            nb = [pos[m] for m in (set(G.predecessors(n)) | set(G.successors(n))
                                   if G.is_directed() else G.neighbors(n)) if m in pos]
            if nb:
                pos[n] = (sum(x for x, _ in nb) / len(nb) + 6.0,
                          sum(y for _, y in nb) / len(nb) + 6.0)
    rest = [n for n in nodes if n not in pos]
    if pos:
        x0 = min(x for x, _ in pos.values())
        y0 = max(y for _, y in pos.values()) + 4 * scale
    else:
        x0, y0 = 0.0, 0.0
    for i, n in enumerate(sorted(rest, key=str)):
        pos[n] = (x0 + (i % 40) * 30.0, y0 + (i // 40) * 30.0)
    return pos


class _LatLon(NamedTuple):
    lat: float
    lon: float


def _num(v):
    return isinstance(v, (int, float)) and v == v
