"""Offline geographic drawings (netanalysis.present.geo) and the report's "Where next"."""

from html.parser import HTMLParser

from netanalysis.present.geo import geo_svg, world_rings

HOSTILE = '<script>alert(1)</script>"\'&'


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_outline_is_bundled_and_plausible():
    rings = world_rings()
    assert len(rings) > 200
    lons = [x for r in rings for x in r[0::2]]
    lats = [x for r in rings for x in r[1::2]]
    assert min(lons) >= -180 and max(lons) <= 180 and min(lats) >= -90 and max(lats) <= 90


def test_svg_escapes_labels_and_draws_markers_and_legs():
    svg = geo_svg([{"lat": 4.7, "lon": -74.1, "label": HOSTILE, "kind": "current"},
                   {"lat": 9.1, "lon": -79.4, "label": "PTY", "kind": "predicted",
                    "probability": 0.5},
                   {"lat": 8.9, "lon": -79.5, "label": "S1", "kind": "support"}],
                  [(4.7, -74.1, 9.1, -79.4)], title=HOSTILE)
    assert "<script" not in svg and HOSTILE not in svg
    p = _Tags()
    p.feed(svg)
    tags = [t for t, _ in p.tags]
    assert tags.count("line") == 1 and tags.count("path") == 1
    assert HOSTILE in "".join(p.text)  # shown literally
    for _, attrs in p.tags:
        assert "href" not in attrs and "src" not in attrs
    assert geo_svg([]) == ""

