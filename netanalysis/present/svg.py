"""Small inline SVG charts for the case report: histograms, timelines, support networks.

Every chart is a string of SVG markup built here, with every piece of text from the data
escaped (:func:`html.escape`), so the report embeds it as is and needs no plotting library
and no external asset.
"""

from __future__ import annotations

import math
from html import escape

import networkx as nx
import numpy as np

from netanalysis.model.dates import date_interval

__all__ = ["histogram_svg", "timeline_svg", "network_svg", "line_svg"]

_FONT = 'font-family="system-ui, sans-serif"'


def histogram_svg(values, *, bins=20, width=640, height=220, xlabel="score", color="#1f77b4"):
    """Return an SVG histogram of `values`.

    Parameters
    ----------
    values : iterable of float
        Missing values (None, NaN) are left out.
    bins : int
    width, height : int
        Size in pixels.
    xlabel : str
        Axis label (escaped).
    color : str
        CSS colour of the bars.

    Returns
    -------
    str
        An ``<svg>`` element, self-contained, every text escaped.

    See Also
    --------
    line_svg : several series against one axis.

    Examples
    --------
    >>> svg = histogram_svg([0.1, 0.2, 0.2, 0.9], bins=4)
    >>> svg.startswith("<svg") and svg.count("<rect") == 4 + 1
    True
    """
    vals = np.asarray([float(v) for v in values if v is not None and v == v], dtype=float)
    left, right, top, bottom = 44, 12, 12, 36
    w, h = width - left - right, height - top - bottom
    parts = [_open(width, height, f"Histogram of {xlabel}"),
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    if len(vals) == 0:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" {_FONT} '
                     'font-size="13" fill="#777">no values</text></svg>')
        return "".join(parts)
    lo, hi = float(vals.min()), float(vals.max())
    if hi <= lo:
        hi = lo + 1.0
    counts, edges = np.histogram(vals, bins=bins, range=(lo, hi))
    top_count = max(int(counts.max()), 1)
    bw = w / len(counts)
    for i, c in enumerate(counts):
        bh = h * c / top_count
        parts.append(f'<rect x="{left + i * bw + 1:.1f}" y="{top + h - bh:.1f}" '
                     f'width="{max(bw - 2, 1):.1f}" height="{bh:.1f}" fill="{color}">'
                     f"<title>{escape(f'{edges[i]:.3g} to {edges[i + 1]:.3g}: {int(c)}')}</title></rect>")
    parts.append(_axes(left, top, w, h))
    for frac in (0, 0.5, 1):
        x = left + frac * w
        parts.append(f'<text x="{x:.1f}" y="{top + h + 16}" text-anchor="middle" {_FONT} '
                     f'font-size="11">{escape(f"{lo + frac * (hi - lo):.3g}")}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" {_FONT} font-size="11">'
                 f"{top_count}</text>")
    parts.append(f'<text x="{left + w / 2}" y="{height - 4}" text-anchor="middle" {_FONT} '
                 f'font-size="12">{escape(xlabel)}</text></svg>')
    return "".join(parts)


def timeline_svg(legs, *, width=760, lane_height=34, label_width=170, title="Travel timeline",
                 labels=None):
    """Return an SVG timeline of journeys: one lane per person, one mark per leg.

    Parameters
    ----------
    legs : iterable of dict
        Each with ``lane`` (the person's label), ``depart`` (ISO date, may be partial),
        ``origin``, ``destination`` and optionally ``highlight`` (drawn in red).
    labels : bool, optional
        Write ``origin→destination`` beside each mark; by default only when no lane has
        more than 8 legs (otherwise they overlap; every mark keeps its tooltip).

    Returns
    -------
    str
        An ``<svg>`` element, self-contained, every text escaped.

    See Also
    --------
    network_svg : the support network drawn beside it in the report.

    Examples
    --------
    >>> svg = timeline_svg([{"lane": "Ana", "depart": "2024-03-05", "origin": "BOG",
    ...                      "destination": "MAD"}])
    >>> "BOG" in svg and "<circle" in svg
    True
    """
    legs = [dict(x) for x in legs]
    for x in legs:
        x["_t"] = date_interval(x.get("depart"))[0]
    legs = [x for x in legs if x["_t"] is not None]
    lanes = list(dict.fromkeys(str(x["lane"]) for x in legs))
    if labels is None:
        per_lane = {}
        for x in legs:
            per_lane[str(x["lane"])] = per_lane.get(str(x["lane"]), 0) + 1
        labels = max(per_lane.values(), default=0) <= 8
    top, bottom, right = 14, 30, 24
    height = top + bottom + lane_height * max(len(lanes), 1)
    parts = [_open(width, height, title),
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    if not legs:
        parts.append(f'<text x="{width / 2}" y="{height / 2 + 4}" text-anchor="middle" {_FONT} '
                     'font-size="13" fill="#777">no journeys on record</text></svg>')
        return "".join(parts)
    t0 = min(x["_t"] for x in legs).timestamp()
    t1 = max(x["_t"] for x in legs).timestamp()
    if t1 <= t0:
        t0, t1 = t0 - 86400 * 15, t1 + 86400 * 15
    x0, w = label_width, width - label_width - right

    def xpos(t):
        return x0 + w * (t.timestamp() - t0) / (t1 - t0)

    for i, lane in enumerate(lanes):
        y = top + lane_height * i + lane_height / 2
        parts.append(f'<text x="{x0 - 8}" y="{y + 4:.1f}" text-anchor="end" {_FONT} '
                     f'font-size="12">{escape(_short(lane, 26))}</text>')
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="#ddd"/>')
    for k, x in enumerate(sorted(legs, key=lambda r: (r["_t"], str(r["lane"])))):
        i = lanes.index(str(x["lane"]))
        y = top + lane_height * i + lane_height / 2
        cx = xpos(x["_t"])
        color = "#d62728" if x.get("highlight") else "#1f77b4"
        label = f"{x.get('origin') or '?'}\u2192{x.get('destination') or '?'}"
        tip = f"{x['lane']}: {label} departing {x.get('depart')}"
        parts.append(f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="5" fill="{color}">'
                     f"<title>{escape(tip)}</title></circle>")
        if not labels:
            continue
        dy = -8 if k % 2 == 0 else 15
        parts.append(f'<text x="{cx:.1f}" y="{y + dy:.1f}" text-anchor="middle" {_FONT} '
                     f'font-size="10" fill="#333">{escape(_short(label, 24))}</text>')
    base = top + lane_height * len(lanes)
    parts.append(f'<line x1="{x0}" y1="{base}" x2="{x0 + w}" y2="{base}" stroke="#333"/>')
    from datetime import datetime, timezone
    for frac in (0, 0.25, 0.5, 0.75, 1):
        t = t0 + frac * (t1 - t0)
        d = datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%d")
        parts.append(f'<text x="{x0 + frac * w:.1f}" y="{base + 16}" text-anchor="middle" '
                     f'{_FONT} font-size="10">{d}</text>')
    parts.append("</svg>")
    return "".join(parts)


def network_svg(G, *, center=None, colors=None, width=420, height=300, seed=7, max_nodes=40):
    """Return a small SVG drawing of a graph (a fugitive's support network).

    Parameters
    ----------
    G : networkx graph
        Nodes may have ``name`` and ``role``; edges may have ``type`` or ``types`` and
        ``inferred``.
    center : node, optional
        Drawn larger, with a thick border.
    colors : dict, optional
        Role to CSS colour.

    Returns
    -------
    str
        An ``<svg>`` element, self-contained, every text escaped.

    See Also
    --------
    timeline_svg : the travel of the same people.

    Examples
    --------
    >>> G = nx.Graph([("a", "b")])
    >>> svg = network_svg(G, center="a")
    >>> svg.count("<circle"), svg.count("<line")
    (2, 1)
    """
    colors = colors or {}
    if G.number_of_nodes() > max_nodes:
        keep = sorted(G.nodes, key=lambda n: (n != center, -G.degree(n), str(n)))[:max_nodes]
        G = G.subgraph(keep)
    parts = [_open(width, height, "Support network"),
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    if G.number_of_nodes() == 0:
        parts.append("</svg>")
        return "".join(parts)
    U = nx.Graph(G) if G.is_directed() or G.is_multigraph() else G
    if U.number_of_nodes() == 1:
        pos = {n: np.array([0.0, 0.0]) for n in U}
    else:
        fixed = None
        init = None
        if center is not None and center in U:
            init = {n: np.array([math.cos(i), math.sin(i)]) for i, n in enumerate(U)}
            init[center] = np.array([0.0, 0.0])
            fixed = [center]
        pos = nx.spring_layout(U, seed=seed, pos=init, fixed=fixed, k=1.2 / math.sqrt(len(U)))
    xy = np.array([pos[n] for n in U])
    span = np.abs(xy).max() or 1.0
    pad = 40

    def p(n):
        x, y = pos[n] / span
        return pad + (x + 1) / 2 * (width - 2 * pad), pad * 0.6 + (y + 1) / 2 * (height - 1.6 * pad)

    for u, v, d in G.edges(data=True):
        (x1, y1), (x2, y2) = p(u), p(v)
        t = d.get("type") or "+".join(d.get("types") or d.get("services") or ())
        dash = ' stroke-dasharray="5,4"' if d.get("inferred") else ""
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                     f'stroke="#888" stroke-width="1.6"{dash}><title>{escape(str(t))}</title></line>')
    for n, d in G.nodes(data=True):
        x, y = p(n)
        r = 10 if n == center else 7
        color = colors.get(d.get("role"), "#9e9e9e")
        stroke = ' stroke="#000" stroke-width="2.5"' if n == center else ' stroke="#333"'
        name = d.get("name") or n
        role = d.get("role") or "unknown"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{color}"{stroke}>'
                     f"<title>{escape(f'{name} ({n}), {role}')}</title></circle>")
        parts.append(f'<text x="{x:.1f}" y="{y + r + 11:.1f}" text-anchor="middle" {_FONT} '
                     f'font-size="10">{escape(_short(str(name), 22))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_svg(series, *, width=640, height=260, xlabel="", ylabel="", colors=None):
    """Return an SVG line chart of several series (a disruption curve, for instance).

    Parameters
    ----------
    series : dict of str to list of (x, y)
        One line per label.

    Returns
    -------
    str
        An ``<svg>`` element, self-contained, every text escaped.

    See Also
    --------
    histogram_svg : the distribution of one value.

    Examples
    --------
    >>> svg = line_svg({"betweenness": [(0, 1.0), (1, 0.5)], "degree": [(0, 1.0), (1, 0.9)]})
    >>> svg.count("<polyline"), "betweenness" in svg
    (2, True)
    """
    colors = colors or ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    pts = [(float(x), float(y)) for line in series.values() for x, y in line]
    left, right, top, bottom = 48, 130, 12, 36
    w, h = width - left - right, height - top - bottom
    parts = [_open(width, height, f"{ylabel} by {xlabel}".strip()),
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>']
    if not pts:
        parts.append("</svg>")
        return "".join(parts)
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(0.0, min(p[1] for p in pts)), max(p[1] for p in pts)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)

    def sx(x):
        return left + w * (x - x0) / (x1 - x0)

    def sy(y):
        return top + h - h * (y - y0) / (y1 - y0)

    parts.append(_axes(left, top, w, h))
    for i, (label, line) in enumerate(series.items()):
        c = colors[i % len(colors)]
        coords = " ".join(f"{sx(float(x)):.1f},{sy(float(y)):.1f}" for x, y in line)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{c}" stroke-width="2"/>')
        for x, y in line:
            parts.append(f'<circle cx="{sx(float(x)):.1f}" cy="{sy(float(y)):.1f}" r="2.5" fill="{c}">'
                         f"<title>{escape(f'{label}: {x}, {y:.3g}')}</title></circle>")
        parts.append(f'<text x="{left + w + 8}" y="{top + 14 + 16 * i}" {_FONT} font-size="12" '
                     f'fill="{c}">{escape(_short(label, 20))}</text>')
    for v, anchor in ((x0, "start"), (x1, "end")):
        parts.append(f'<text x="{sx(v):.1f}" y="{top + h + 16}" text-anchor="{anchor}" {_FONT} '
                     f'font-size="11">{escape(f"{v:g}")}</text>')
    for v in (y0, y1):
        parts.append(f'<text x="{left - 6}" y="{sy(v) + 4:.1f}" text-anchor="end" {_FONT} '
                     f'font-size="11">{escape(f"{v:.3g}")}</text>')
    parts.append(f'<text x="{left + w / 2}" y="{height - 4}" text-anchor="middle" {_FONT} '
                 f'font-size="12">{escape(xlabel)}</text>')
    parts.append(f'<text x="12" y="{top + h / 2}" {_FONT} font-size="12" '
                 f'transform="rotate(-90 12 {top + h / 2})" text-anchor="middle">{escape(ylabel)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width, height, label):
    return (f'<svg width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">')


def _axes(left, top, w, h):
    return (f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#333"/>'
            f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + h}" stroke="#333"/>')


def _short(text, n):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"
