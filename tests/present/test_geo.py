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



def test_geo_map_places_people_at_their_last_known_place(tmp_path):
    import pandas as pd

    from netanalysis.model.case import Case
    from netanalysis.present.maps import map_data

    persons = pd.DataFrame({"id": ["F1", "P2"], "name": ["Ana", HOSTILE],
                            "role": ["fugitive", "associate"], "_file": "persons.csv",
                            "_line": [2, 3]})
    travel = pd.DataFrame({"person_id": ["F1", "F1"], "depart": ["2024-01-02", "2024-02-01"],
                           "origin": ["BOG", "PTY"], "destination": ["PTY", "MAD"],
                           "_file": "travel.csv", "_line": [2, 3]})
    locations = pd.DataFrame({"person_id": ["P2"], "place": ["Cúcuta, CO"],
                              "kind": ["residence"], "start": [None], "end": [None],
                              "grading": ["B2"], "_file": "locations.csv", "_line": [2]})
    case = Case(tables={"persons": persons, "travel": travel, "locations": locations})
    data = map_data(case, geo=True)
    pos = {n["id"]: (n["x"] / 40, -n["y"] / 40) for n in data["nodes"]}
    assert data["info"]["physics"] is False and data["info"]["layout"].startswith("geographic")
    lon, lat = pos["place:PTY"]
    assert abs(lon + 79.4) < 0.1 and abs(lat - 9.07) < 0.1
    lon, lat = pos["F1"]  # last arrival: MAD
    assert abs(lon + 3.6) < 1 and abs(lat - 40.5) < 1
    lon, lat = pos["P2"]  # residence in Cúcuta
    assert abs(lon + 72.5) < 1 and abs(lat - 7.9) < 1


def test_geo_map_puts_a_country_place_at_its_capital_and_the_organization_near_it(tmp_path):
    from netanalysis.ingest.load import load_case
    from netanalysis.present.maps import map_data

    (tmp_path / "persons.csv").write_text(
        "id,name,role,provenance\nF1,Ana Ruiz,fugitive,report 1\n", encoding="utf-8")
    (tmp_path / "organizations.csv").write_text(
        "id,name,kind,country\nO1,Transportes Sur,company,PE\n", encoding="utf-8")
    (tmp_path / "links.csv").write_text(
        "from_id,to_id,type,grading,provenance\nF1,O1,member_of,B2,report 1\n",
        encoding="utf-8")
    data = map_data(load_case(tmp_path), geo=True)
    pos = {n["id"]: (n["x"] / 40, -n["y"] / 40) for n in data["nodes"]}
    lon, lat = pos["place:PE"]  # Lima, not the row of unplaced nodes below the map
    assert abs(lon + 77.0) < 0.5 and abs(lat + 12.0) < 0.5
    lon, lat = pos["O1"]  # next to its country
    assert abs(lon + 77.0) < 1 and abs(lat + 12.0) < 1
