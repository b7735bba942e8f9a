"""Places, carriers, agencies and number formats for synthetic cases.

Airports are real (IATA codes and approximate coordinates); carriers and route numbers look
like real ones, but the schedules are invented. Phone numbers follow each country's E.164
mobile plan and document numbers each issuing country's pattern, so that validators and
phone-number libraries accept them; the people they belong to are fictional.
"""

from __future__ import annotations

import math

__all__ = ["COUNTRY_WEIGHTS", "FUGITIVE_COUNTRY_WEIGHTS", "AIRPORTS", "ROUTES", "SURFACE_ROUTES",
           "AGENCIES", "FIU", "MOBILE_PLANS", "PASSPORT_PREFIX", "flight_minutes",
           "airports_of"]

#: Nationalities of the background population (weights).
COUNTRY_WEIGHTS = {"CO": 24, "MX": 12, "VE": 9, "PE": 6, "EC": 6, "BR": 8, "AR": 4, "DO": 5,
                   "JM": 2, "HT": 2, "PA": 2, "CR": 1, "CL": 2, "ES": 8, "IT": 4, "NL": 3,
                   "PT": 3, "FR": 2}
#: Nationalities of fugitives (weights).
FUGITIVE_COUNTRY_WEIGHTS = {"CO": 30, "MX": 15, "VE": 10, "PE": 5, "EC": 6, "BR": 6, "AR": 3,
                            "DO": 6, "JM": 3, "HT": 2, "ES": 5, "IT": 5, "NL": 3, "PT": 2,
                            "FR": 1}

#: IATA code -> (country, latitude, longitude).
AIRPORTS = {
    "BOG": ("CO", 4.70, -74.15), "MDE": ("CO", 6.16, -75.42), "CLO": ("CO", 3.54, -76.38),
    "CTG": ("CO", 10.44, -75.51), "BAQ": ("CO", 10.89, -74.78), "MEX": ("MX", 19.44, -99.07),
    "CUN": ("MX", 21.04, -86.87), "GDL": ("MX", 20.52, -103.31), "MTY": ("MX", 25.78, -100.11),
    "LIM": ("PE", -12.02, -77.11), "UIO": ("EC", -0.13, -78.36), "GYE": ("EC", -2.16, -79.88),
    "CCS": ("VE", 10.60, -66.99), "SDQ": ("DO", 18.43, -69.67), "PUJ": ("DO", 18.57, -68.36),
    "KIN": ("JM", 17.94, -76.79), "MBJ": ("JM", 18.50, -77.91), "PAP": ("HT", 18.58, -72.29),
    "PTY": ("PA", 9.07, -79.38), "SJO": ("CR", 9.99, -84.21), "GRU": ("BR", -23.43, -46.47),
    "GIG": ("BR", -22.81, -43.25), "EZE": ("AR", -34.82, -58.54), "SCL": ("CL", -33.39, -70.79),
    "MIA": ("US", 25.79, -80.29), "MAD": ("ES", 40.47, -3.57), "BCN": ("ES", 41.30, 2.08),
    "LIS": ("PT", 38.77, -9.13), "OPO": ("PT", 41.24, -8.68), "AMS": ("NL", 52.31, 4.76),
    "CDG": ("FR", 49.01, 2.55), "FCO": ("IT", 41.80, 12.25), "MXP": ("IT", 45.63, 8.72),
    "FRA": ("DE", 50.03, 8.57), "BRU": ("BE", 50.90, 4.48),
}

#: Scheduled air routes: (carrier, origin, destination, relative popularity). Each route is
#: flown in both directions, under two flight numbers.
ROUTES = [
    ("AV", "BOG", "MAD", 9), ("AV", "MDE", "MAD", 5), ("AV", "CLO", "MAD", 2),
    ("AV", "BOG", "BCN", 3), ("AV", "BOG", "MIA", 7), ("AV", "BOG", "MEX", 5),
    ("AV", "BOG", "LIM", 4), ("AV", "BOG", "UIO", 3), ("AV", "BOG", "CTG", 8),
    ("AV", "BOG", "MDE", 9), ("AV", "BOG", "CLO", 6), ("AV", "BOG", "SJO", 2),
    ("AV", "BOG", "GYE", 2), ("AV", "BOG", "SDQ", 2), ("AV", "BOG", "CUN", 3),
    ("IB", "MAD", "BOG", 6), ("IB", "MAD", "MEX", 6), ("IB", "MAD", "LIM", 4),
    ("IB", "MAD", "SDQ", 3), ("IB", "MAD", "GRU", 3), ("IB", "MAD", "EZE", 3),
    ("IB", "MAD", "CCS", 2), ("IB", "MAD", "UIO", 2), ("IB", "MAD", "BCN", 7),
    ("IB", "MAD", "LIS", 3), ("IB", "MAD", "CUN", 2), ("UX", "MAD", "MDE", 3),
    ("UX", "MAD", "BOG", 4), ("UX", "MAD", "LIM", 2), ("UX", "MAD", "PUJ", 3),
    ("UX", "MAD", "CCS", 2), ("UX", "MAD", "GYE", 2), ("UX", "MAD", "SDQ", 2),
    ("UX", "MAD", "PTY", 1), ("KL", "AMS", "BOG", 3), ("KL", "AMS", "CTG", 1),
    ("KL", "AMS", "LIM", 2), ("KL", "AMS", "MEX", 2), ("KL", "AMS", "PTY", 2),
    ("KL", "AMS", "GYE", 1), ("KL", "AMS", "MAD", 4), ("AF", "CDG", "BOG", 3),
    ("AF", "CDG", "MEX", 3), ("AF", "CDG", "LIM", 1), ("AF", "CDG", "PAP", 1),
    ("AF", "CDG", "GRU", 2), ("CM", "PTY", "BOG", 6), ("CM", "PTY", "MDE", 4),
    ("CM", "PTY", "SDQ", 3), ("CM", "PTY", "KIN", 2), ("CM", "PTY", "MEX", 3),
    ("CM", "PTY", "LIM", 3), ("CM", "PTY", "SJO", 3), ("CM", "PTY", "CCS", 2),
    ("CM", "PTY", "UIO", 2), ("CM", "PTY", "MIA", 3), ("CM", "PTY", "GRU", 2),
    ("CM", "PTY", "EZE", 1), ("CM", "PTY", "CUN", 2), ("CM", "PTY", "PAP", 1),
    ("LA", "LIM", "BOG", 3), ("LA", "LIM", "SCL", 4), ("LA", "LIM", "MIA", 2),
    ("LA", "GRU", "LIS", 2), ("LA", "GRU", "MAD", 2), ("LA", "GRU", "EZE", 4),
    ("LA", "SCL", "MAD", 1), ("AM", "MEX", "MAD", 4), ("AM", "MEX", "BOG", 3),
    ("AM", "MEX", "LIM", 2), ("AM", "MEX", "CUN", 8), ("AM", "MEX", "GDL", 8),
    ("AM", "MEX", "MTY", 6), ("AM", "MEX", "CDG", 1), ("AM", "MEX", "AMS", 1),
    ("TP", "LIS", "GRU", 4), ("TP", "LIS", "GIG", 3), ("TP", "LIS", "CCS", 1),
    ("TP", "LIS", "BOG", 1), ("TP", "LIS", "OPO", 3), ("TP", "LIS", "AMS", 2),
    ("AZ", "FCO", "EZE", 2), ("AZ", "FCO", "GRU", 1), ("AZ", "FCO", "MAD", 2),
    ("AZ", "MXP", "FCO", 3), ("LH", "FRA", "BOG", 2), ("LH", "FRA", "MEX", 2),
    ("LH", "FRA", "GRU", 2), ("SN", "BRU", "MAD", 2), ("SN", "BRU", "LIS", 1),
    ("AA", "MIA", "KIN", 3), ("AA", "MIA", "SDQ", 3), ("AA", "MIA", "PUJ", 2),
    ("AA", "MIA", "MBJ", 2), ("AA", "MIA", "PAP", 1), ("AA", "MIA", "MDE", 2),
    ("AA", "MIA", "CCS", 1), ("AR", "EZE", "MAD", 2), ("AR", "EZE", "FCO", 1),
    ("VY", "BCN", "AMS", 3), ("VY", "BCN", "FCO", 2), ("VY", "BCN", "CDG", 2),
    ("VY", "BCN", "LIS", 1), ("JJ", "GRU", "MIA", 2), ("JJ", "GRU", "GIG", 6),
]

#: Sea and land crossings: (mode, carrier, origin, destination, voyage prefix or "",
#: relative popularity). Land crossings have no journey number. Every town is in the GeoNames
#: gazetteer that validation checks places against, under its gazetteer name
#: (tests/model/test_places.py checks it).
SURFACE_ROUTES = [
    ("land", "", "Cúcuta, CO", "San Antonio del Táchira, VE", "", 6),
    ("land", "", "Ipiales, CO", "Tulcán, EC", "", 4),
    ("land", "", "Huaquillas, EC", "Tumbes, PE", "", 3),
    ("land", "Tracopa", "San José, CR", "David, PA", "", 2),
    ("land", "Expreso Bolivariano", "Maicao, CO", "Maracaibo, VE", "", 2),
    ("sea", "Ferries del Caribe", "Santo Domingo, DO", "San Juan, PR", "FDC", 3),
    ("sea", "Baleària", "Algeciras, ES", "Tangier, MA", "BAL", 3),
    ("sea", "FRS", "Tarifa, ES", "Tangier, MA", "FRS", 2),
    ("sea", "", "Necoclí, CO", "Capurganá, CO", "", 2),
    ("sea", "Ferry Xpress", "Colón, PA", "Cartagena, CO", "FX", 1),
]

#: Agencies reporting on people of each country (first is most frequent).
AGENCIES = {
    "CO": ["DIJIN Colombia", "Fiscalía General de la Nación", "Migración Colombia"],
    "MX": ["FGR México", "Guardia Nacional México"],
    "VE": ["CICPC Venezuela", "SAIME Venezuela"],
    "PE": ["Policía Nacional del Perú", "DIRANDRO Perú"],
    "EC": ["Policía Nacional del Ecuador"],
    "BR": ["Policia Federal Brasil"],
    "AR": ["Policía Federal Argentina"],
    "DO": ["DNCD República Dominicana"],
    "JM": ["Jamaica Constabulary Force"],
    "HT": ["Police Nationale d'Haïti"],
    "PA": ["Policía Nacional de Panamá"],
    "CR": ["OIJ Costa Rica"],
    "CL": ["PDI Chile"],
    "ES": ["Policía Nacional España", "Guardia Civil"],
    "IT": ["Polizia di Stato", "Guardia di Finanza", "Carabinieri ROS"],
    "NL": ["Politie Nederland"],
    "PT": ["Polícia Judiciária Portugal"],
    "FR": ["Police nationale France", "OFAST France"],
    "*": ["INTERPOL", "Europol SIENA", "AMERIPOL"],
}
#: Financial intelligence units, the usual source of `financial` links.
FIU = {"CO": "UIAF Colombia", "ES": "SEPBLAC España", "MX": "UIF México",
       "PE": "UIF Perú", "BR": "COAF Brasil", "IT": "UIF Italia", "NL": "FIU-Nederland",
       "*": "Egmont Group request"}

#: E.164 mobile plans: country -> (country code, [national prefixes], national digits).
#: Every prefix was checked with the ``phonenumbers`` library: any digits after it make a
#: valid mobile number of that country.
MOBILE_PLANS = {
    "CO": ("57", ["300", "301", "310", "311", "312", "313", "314", "315", "316", "317",
                  "318", "320", "321", "350"], 10),
    "MX": ("52", ["55", "33", "81", "998", "664"], 10),
    "VE": ("58", ["412", "414", "416", "424", "426"], 10),
    "PE": ("51", ["91", "94", "95", "96", "97", "98", "99"], 9),
    "EC": ("593", ["98", "99", "939"], 9),
    "BR": ("55", ["119", "219", "319", "419", "619"], 11),
    "AR": ("54", ["9112", "9113", "9114", "9115", "93514", "93515"], 11),
    "DO": ("1", ["809", "829", "849"], 10),
    "JM": ("1", ["8763", "8764", "8768"], 10),
    "HT": ("509", ["34", "36", "37", "38", "44", "46"], 8),
    "PA": ("507", ["61", "62", "63", "64", "65", "66", "67", "68", "69"], 8),
    "CR": ("506", ["83", "87", "88", "89"], 8),
    "CL": ("56", ["92", "94", "95", "98"], 9),
    "ES": ("34", ["6"], 9),
    "IT": ("39", ["320", "328", "333", "338", "347", "349", "366"], 10),
    "NL": ("31", ["61", "62", "63", "64", "65"], 9),
    "PT": ("351", ["91", "92", "93", "96"], 9),
    "FR": ("33", ["61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"], 9),
}
#: Passport numbers: country -> (letters, digits).
PASSPORT_PREFIX = {"CO": ("A", 8), "MX": ("G", 8), "VE": ("", 9), "PE": ("", 9), "EC": ("A", 7),
                   "BR": ("FZ", 6), "AR": ("AAF", 6), "DO": ("SD", 7), "JM": ("A", 7),
                   "HT": ("RD", 7), "PA": ("PA", 7), "CR": ("", 9), "CL": ("F", 8),
                   "ES": ("PA", 7), "IT": ("YA", 7), "NL": ("NX", 7), "PT": ("C", 6),
                   "FR": ("18", 7)}


def airports_of(country):
    """Return the IATA codes of the airports of `country`.

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-2 code.

    Returns
    -------
    list of str
        The codes in :data:`AIRPORTS` order; empty for a country without airports there.

    See Also
    --------
    flight_minutes : the time between two of them.

    Examples
    --------
    >>> airports_of("CO")
    ['BOG', 'MDE', 'CLO', 'CTG', 'BAQ']
    >>> airports_of("XX")
    []
    """
    return [code for code, (cc, _, _) in AIRPORTS.items() if cc == country]


def flight_minutes(origin, destination):
    """Return a plausible block time in minutes between two airports (great circle at 820 km/h).

    Parameters
    ----------
    origin, destination : str
        IATA codes of airports in :data:`AIRPORTS`.

    Returns
    -------
    int
        The great-circle time plus 35 minutes of taxi and climb, rounded to 5 minutes.

    See Also
    --------
    airports_of : the airports of a country.

    Examples
    --------
    >>> 9 * 60 < flight_minutes("BOG", "MAD") < 11 * 60
    True
    """
    _, la1, lo1 = AIRPORTS[origin]
    _, la2, lo2 = AIRPORTS[destination]
    p1, p2 = math.radians(la1), math.radians(la2)
    dl = math.radians(lo2 - lo1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    km = 6371.0 * math.acos(max(-1.0, min(1.0, c)))
    return int(round((km / 820.0 * 60 + 35) / 5.0) * 5)
