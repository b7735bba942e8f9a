"""The gazetteer (netanalysis.model.places) and places as validated, counted values."""

import pytest

from netanalysis.ingest.load import load_case
from netanalysis.model.graph import build_graph
from netanalysis.model.places import place_info, resolve_place


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture()
def case_dir(tmp_path):
    _write(tmp_path, "persons.csv", "id,name,role\nP1,Ana Ruiz,fugitive\nP2,Luis Mora,associate\n")
    _write(tmp_path, "travel.csv",
           "person_id,depart,origin,destination\n"
           "P1,2024-01-02,BOG,PTY\n"
           "P1,2024-02-02,PTY,QQX\n"
           "P1,2024-03-02,\"Cucuta, co\",MAD\n")
    _write(tmp_path, "locations.csv",
           "person_id,place,kind,grading\n"
           "P2,\"Panamá, PA\",residence,B2\n"
           "P2,\"Villa Inexistente, CO\",safe_house,C3\n"
           "P1,\"Madrid, XX\",sighting,\n")
    return tmp_path


def test_airports_and_towns_resolve_with_country_and_coordinates():
    p = resolve_place("pty")
    assert (p.key, p.country, p.kind) == ("PTY", "PA", "airport")
    assert 8.5 < p.lat < 9.5 and -80 < p.lon < -79
    t = resolve_place("San José de Cúcuta, co")  # an alternate name of Cúcuta
    assert (t.key, t.country, t.kind) == ("Cúcuta, CO", "CO", "town")
    assert resolve_place("Cucuta, CO") == t


def test_unknown_code_and_town_raise_bad_place():
    with pytest.raises(ValueError, match="bad place: 'QQX' is not a known IATA"):
        resolve_place("QQX")
    with pytest.raises(ValueError, match="not a known town of CO"):
        resolve_place("Villa Inexistente, CO")
    with pytest.raises(ValueError, match="not an ISO 3166-1"):
        resolve_place("Madrid, XX")
    assert place_info("QQX") is None


def test_unknown_places_are_counted_rejects_with_line_and_column(case_dir):
    case = load_case(case_dir)
    rej = case.rejects
    travel = rej[rej["file"] == "travel.csv"]
    assert travel[["line", "column", "value"]].values.tolist() == [[3, "destination", "QQX"]]
    assert travel["problem"].str.startswith("bad place").all()
    loc = rej[rej["file"] == "locations.csv"].sort_values("line")
    assert loc[["line", "column", "value"]].values.tolist() == [
        [3, "place", "Villa Inexistente, CO"], [4, "place", "Madrid, XX"]]
    for kind, taken, rejected in (("travel", 2, 1), ("locations", 1, 2)):
        c = case.counts[kind]
        assert (c["read"], c["taken"], c["rejected"]) == (3, taken, rejected)
    # the town written without accents is stored under its gazetteer name
    assert set(case.tables["travel"]["origin"]) == {"BOG", "Cúcuta, CO"}
    assert case.tables["locations"]["place"].tolist() == ["Panama City, PA"]


def test_places_are_graph_nodes_with_country_and_locations_are_ties(case_dir):
    G = build_graph(load_case(case_dir))
    node = G.nodes["place:PTY"]
    assert node["kind"] == "Place" and node["country"] == "PA"
    assert G.nodes["place:Cúcuta, CO"]["country"] == "CO"
    ties = [(u, v, d) for u, v, d in G.edges(data=True) if d["type"] == "located_at"]
    assert len(ties) == 1
    u, v, d = ties[0]
    assert (u, v, d["location_kind"], d["grading"]) == ("P2", "place:Panama City, PA",
                                                        "residence", "B2")
    assert d["confidence"] == pytest.approx(0.64)
    assert G.nodes[v]["country"] == "PA" and "lat" in G.nodes[v]


def test_organization_countries_are_place_nodes_with_coordinates(case_dir):
    from netanalysis.model.places import country_place

    _write(case_dir, "organizations.csv",
           "id,name,kind,country\nO1,Clan del Golfo,criminal_group,CO\nO2,Tierra SA,company,\n"
           "O3,Andes Ltda,company,COL\nO4,Nada,company,QQ\n")
    case = load_case(case_dir)
    # an unknown country is a counted reject naming file, line and column
    r = case.rejects
    bad = r[r["file"] == "organizations.csv"]
    assert bad[["line", "column", "value"]].values.tolist() == [[5, "country", "QQ"]]
    G = build_graph(case)
    ties = sorted((u, v, d.get("line")) for u, v, d in G.edges(data=True) if d["type"] == "based_in")
    assert ties == [("O1", "place:CO", 2), ("O3", "place:CO", 4)]  # alpha-3 read as CO
    node = G.nodes["place:CO"]
    bogota = resolve_place("Bogota, CO")
    assert node["kind"] == "Place" and node["country"] == "CO" and node["place_kind"] == "country"
    assert (node["lat"], node["lon"]) == (bogota.lat, bogota.lon)  # the capital
    assert country_place("co").name == "Colombia" and country_place("QQ") is None
    assert all("kind" in d for _, d in G.nodes(data=True))


def test_synthetic_places_are_known_under_their_own_names():
    from netanalysis.synth import places as PL

    for _, _, o, d, _, _ in PL.SURFACE_ROUTES:
        for p in (o, d):
            assert resolve_place(p).key == p
    for code, (cc, lat, lon) in PL.AIRPORTS.items():
        p = resolve_place(code)
        assert p.country == cc and abs(p.lat - lat) < 0.5 and abs(p.lon - lon) < 0.5


def test_a_later_process_reads_only_the_countries_it_needs_from_the_town_cache(
        tmp_path, monkeypatch):
    # before: every process parsed the whole GeoNames table (60 MB for towns of 1,000 people)
    # again, even to look up two small towns of one country
    from netanalysis.model import places as P
    from netanalysis.synth import places as PL
    names = ["Necoclí, CO", "Capurganá, CO", "Cúcuta, CO", "Madrid, ES", "Atlantis, XX",
             *[t for t in (getattr(PL, "TOWNS", None) or [])][:20]]

    def fresh():
        P._country_towns.cache_clear()
        P._gazetteer.cache_clear()

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh()
    first = [P.place_info(n) for n in names]
    assert first[0] is not None and first[0].key == "Necoclí, CO"
    folders = sorted(p.name for p in (tmp_path / "netanalysis").iterdir())
    assert len(folders) == 2 and all(f.endswith("-v1") for f in folders)

    def refuse(min_population):
        raise AssertionError("the whole table was read again")

    fresh()
    monkeypatch.setattr(P, "_gazetteer", refuse)
    assert [P.place_info(n) for n in names] == first
    monkeypatch.undo()
    fresh()


def test_an_unwritable_town_cache_falls_back_to_the_table(tmp_path, monkeypatch):
    from netanalysis.model import places as P
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    P._country_towns.cache_clear()
    try:
        assert P.place_info("Necoclí, CO").country == "CO"
    finally:
        P._country_towns.cache_clear()
