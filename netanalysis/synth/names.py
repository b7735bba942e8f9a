"""Name banks and name variants for synthetic persons (all names fictional combinations).

Names are drawn per naming culture: Hispanic names carry one or two given names and two
surnames (paternal then maternal, ``José Luis Muñoz Peña``); Portuguese names one or two given
names and one or two surnames, often with a particle (``João Carlos da Silva Santos``); Italian,
Dutch (with ``van``/``de`` particles), French/Haitian and Jamaican names a given name and a
surname. :func:`name_variant` writes the same name the way another agency would have recorded
it: accents dropped, surnames reordered, the second surname dropped, initials, upper case or a
transliteration, which is what entity resolution has to see through.
"""

from __future__ import annotations

import numpy as np
from unidecode import unidecode

__all__ = ["CULTURE_OF_COUNTRY", "CULTURES", "make_names", "full_name", "name_variant", "ALIASES",
           "ALIASES_F", "VARIANT_KINDS", "COMMON_HISPANIC_NAMES"]

#: Naming culture of each nationality used by the generator.
CULTURE_OF_COUNTRY = {
    "CO": "hispanic", "MX": "hispanic", "VE": "hispanic", "PE": "hispanic", "EC": "hispanic",
    "AR": "hispanic", "DO": "hispanic", "ES": "hispanic", "PA": "hispanic", "CR": "hispanic",
    "CL": "hispanic", "BR": "portuguese", "PT": "portuguese", "IT": "italian", "NL": "dutch",
    "FR": "french", "HT": "french", "JM": "english", "US": "english",
}

_HISP_M = ("José Luis Juan Carlos Jorge Andrés Luis Miguel Javier Alejandro Diego Fernando "
           "Ricardo Eduardo Sergio Manuel Antonio Francisco Rafael Héctor Óscar Julián "
           "Jhon Stiven Yeison Wilson Jhonatan Édgar Iván Mauricio Hernán Álvaro Rubén Raúl "
           "Gustavo Camilo Sebastián Mateo Santiago Nicolás Esteban Fabián Germán Jesús "
           "Ramón Ángel Pedro Pablo Víctor Arturo Gonzalo Wílmer Efraín Darío Joaquín").split()
_HISP_F = ("María Ana Carmen Luz Paola Andrea Carolina Diana Sandra Claudia Adriana Natalia "
           "Marcela Mónica Patricia Gloria Liliana Yesica Katherine Daniela Valentina Sofía "
           "Camila Juliana Ximena Leidy Yuliana Ángela Beatriz Lucía Elena Rosa Isabel Inés "
           "Verónica Alejandra Lorena Milena Yolanda Mercedes Pilar Rocío Johana Viviana").split()
_HISP_SUR = ("García Rodríguez Martínez López González Hernández Pérez Sánchez Ramírez Torres "
             "Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Jiménez Muñoz Peña "
             "Castillo Vargas Romero Herrera Medina Aguilar Castro Ruiz Álvarez Mendoza Moreno "
             "Suárez Rojas Guzmán Salazar Cárdenas Ríos Ospina Restrepo Londoño Zapata Quintero "
             "Arango Betancur Giraldo Cardona Valencia Escobar Ochoa Galeano Henao Marín "
             "Zuluaga Montoya Ibáñez Núñez Báez Ordóñez Muñiz Saldaña Cañas Orozco Velásquez "
             "Benítez Paredes Villalobos Carrasco Figueroa Fuentes Sandoval Espinosa Acosta "
             "Cabrera Bermúdez Arias Cortés Fajardo Mejía Osorio Pineda Quiñónez Rentería "
             "Chávez Delgado Domínguez Estrada Navarro Ponce Rosales Serrano Toledo Urrutia "
             "Vega Zambrano Lozano Calderón Santana Mora Campos Vázquez Soto Molina Tapia").split()
_PORT_M = ("João José Carlos Paulo Pedro Lucas Marcos Rafael Thiago Bruno Rodrigo Gustavo "
           "Felipe Luís António Francisco Manuel Diogo Tiago Gonçalo Rui Vítor Sérgio André").split()
_PORT_F = ("Maria Ana Francisca Juliana Márcia Fernanda Patrícia Aline Camila Beatriz Inês "
           "Joana Rita Sónia Luíza Gabriela Letícia Conceição Raquel Cláudia").split()
_PORT_SUR = ("Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes Costa "
             "Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha "
             "Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso "
             "Gonçalves Araújo Magalhães Conceição Guimarães Brandão Simões Correia").split()
#: Particles that go with some Portuguese surnames (``da Silva``, ``dos Santos``).
_PORT_PART = {"Silva": "da ", "Costa": "da ", "Rocha": "da ", "Conceição": "da ",
              "Santos": "dos ", "Oliveira": "de ", "Souza": "de ", "Almeida": "de ",
              "Andrade": "de ", "Freitas": "de ", "Carvalho": "de "}
_IT_M = ("Giuseppe Giovanni Antonio Mario Luigi Francesco Salvatore Vincenzo Domenico Carmine "
         "Alessandro Marco Luca Andrea Pasquale Gennaro Raffaele Nicola Ciro").split()
_IT_F = ("Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Francesca Chiara "
         "Giulia Sara Paola").split()
_IT_SUR = ("Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno "
           "Gallo Conti De Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri "
           "Fontana Santoro Mariani Caruso Ferrara Cutolo Nicotera Piromalli Barbaro").split()
_NL_M = ("Jan Pieter Hendrik Johannes Willem Dirk Kees Bas Ruud Sander Thijs Daan Joost "
         "Mohamed Youssef Ricardo Gerrit Maarten").split()
_NL_F = "Anna Maria Sanne Lotte Femke Eva Inge Marieke Esther Fatima Noor Anouk".split()
_NL_SUR = ("de Vries|Jansen|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|"
           "Bos|Vos|Peters|Hendriks|van Dijk|Dekker|Brouwer|van der Linden|Kok|Jacobs|"
           "Taghi|El Amrani|Martina|Sedney|Leito").split("|")
_FR_M = ("Jean Pierre Jean-Baptiste Michel Jacques Louis Philippe Wilner Jean-Claude "
         "Frantz Stéphane Olivier Nicolas Thierry Emmanuel Réginald").split()
_FR_F = "Marie Nadège Mireille Sophie Claire Isabelle Nathalie Roseline Guerda Chantal".split()
_FR_SUR = ("Pierre Joseph Jean-Louis Charles Louis Baptiste Désir Étienne Moreau Lefèvre "
           "Dubois Laurent Bernard Petit Durand Lambert Fontaine Chevalier Augustin").split()
_EN_M = "Andre Marlon Devon Kevin Ricardo Omar Delroy Winston Christopher Damion".split()
_EN_F = "Shanice Keisha Tanya Sherika Natalie Simone Karen Monique".split()
_EN_SUR = ("Campbell Brown Williams Smith Johnson Clarke Thompson Reid Francis Morgan Grant "
           "Henry Bennett Gordon").split()

CULTURES = ("hispanic", "portuguese", "italian", "dutch", "french", "english")

#: Street names (aliases) men are known by.
ALIASES = ("El Flaco|Chucho|Pitufo|El Gordo|El Mono|El Paisa|Don Mario|El Viejo|Cachaco|"
           "El Negro|Tito|El Ingeniero|El Doctor|Chepe|Popeye|El Tigre|El Zarco|Gato|Macaco|"
           "El Señor|Pelusa|El Chino|Guacho|El Costeño|El Primo|Beto|Pacho|Toño|O Professor|"
           "Il Nano|Zio|De Kleine|Ti Blan|Dudus|Il Capo|El Boliche|El Calvo|Tomate|Pipe").split("|")
#: Street names (aliases) women are known by.
ALIASES_F = ("La Mona|La Flaca|La Reina|La Güera|La Patrona|La Negra|La Gata|Nené|La Doctora|"
             "La Señora|La Paisa|La Costeña|Madrina|La Tía|A Loira|La Chinita").split("|")

#: Very common full names, given to pairs of different people as near misses.
COMMON_HISPANIC_NAMES = (
    "José Luis García Pérez", "María Fernanda Rodríguez Gómez", "Juan Carlos Martínez López",
    "Luis Miguel González Hernández", "Ana María Sánchez Ramírez", "Jorge Andrés Torres Díaz",
    "Carlos Alberto Gómez Rodríguez", "Diana Marcela López Muñoz", "Jhon Jairo Pérez Castro",
    "Luz Marina Martínez Vargas", "Miguel Ángel Hernández Cruz", "José Antonio Ruiz Moreno",
)

_BANKS = {
    "hispanic": (_HISP_M, _HISP_F, _HISP_SUR),
    "portuguese": (_PORT_M, _PORT_F, _PORT_SUR),
    "italian": (_IT_M, _IT_F, _IT_SUR),
    "dutch": (_NL_M, _NL_F, _NL_SUR),
    "french": (_FR_M, _FR_F, _FR_SUR),
    "english": (_EN_M, _EN_F, _EN_SUR),
}


def _zipf_pick(rng, bank, n, a=1.1):
    """Pick `n` items of `bank` with a Zipf-like skew: the first names of a bank are common."""
    w = 1.0 / np.arange(1, len(bank) + 1) ** a
    idx = rng.choice(len(bank), size=n, p=w / w.sum())
    return np.asarray(bank, dtype=object)[idx]


def make_names(rng, culture, female):
    """Return full names (an object array) for people of one naming culture.

    Parameters
    ----------
    rng : numpy.random.Generator
    culture : str
        One of :data:`CULTURES`.
    female : numpy.ndarray of bool
        One entry per person.

    Returns
    -------
    given, surname1, surname2 : numpy.ndarray of object
        The parts of each name; ``surname2`` is ``""`` where the culture has none.

    See Also
    --------
    full_name : joins the parts.
    name_variant : another source's spelling of a name.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> g, s1, s2 = make_names(rng, "hispanic", np.array([False, True]))
    >>> len(g), all(s2 != "")
    (2, True)
    """
    n = len(female)
    males, females, surnames = _BANKS[culture]
    given = np.where(female, _zipf_pick(rng, females, n), _zipf_pick(rng, males, n))
    s1 = _zipf_pick(rng, surnames, n, a=0.8)
    s2 = np.full(n, "", dtype=object)
    if culture == "hispanic":
        second = rng.random(n) < 0.45
        g2 = np.where(female, _zipf_pick(rng, females, n), _zipf_pick(rng, males, n))
        given = np.where(second & (g2 != given), given + " " + g2, given)
        s2 = _zipf_pick(rng, surnames, n, a=0.8)
    elif culture == "portuguese":
        second = rng.random(n) < 0.35
        g2 = np.where(female, _zipf_pick(rng, females, n), _zipf_pick(rng, males, n))
        given = np.where(second & (g2 != given), given + " " + g2, given)
        part = np.array([_PORT_PART.get(x, "") for x in s1], dtype=object)
        has2 = rng.random(n) < 0.6
        s1 = np.where(has2 & (rng.random(n) < 0.5), part + s1, s1)
        s2 = np.where(has2, _zipf_pick(rng, surnames, n, a=0.8), "")
    elif culture == "italian":
        second = rng.random(n) < 0.1
        g2 = np.where(female, _zipf_pick(rng, females, n), _zipf_pick(rng, males, n))
        given = np.where(second & (g2 != given), given + " " + g2, given)
    return given, s1, s2


def full_name(given, s1, s2):
    """Join name parts into full names (vectorised).

    Parameters
    ----------
    given, s1, s2 : numpy.ndarray of object
        Given names, first surnames and second surnames (``""`` where there is none), as
        :func:`make_names` returns them.

    Returns
    -------
    numpy.ndarray of object
        ``given s1 s2``, or ``given s1`` where `s2` is empty.

    See Also
    --------
    make_names : draws the parts.

    Examples
    --------
    >>> full_name(np.array(["Ana", "Luis"], dtype=object), np.array(["Gómez", "Silva"], dtype=object),
    ...           np.array(["Ruiz", ""], dtype=object)).tolist()
    ['Ana Gómez Ruiz', 'Luis Silva']
    """
    out = given + " " + s1
    return np.where(s2 != "", out + " " + s2, out)


#: The ways :func:`name_variant` rewrites a name.
VARIANT_KINDS = ("accents_dropped", "surnames_reordered", "second_surname_dropped",
                 "initials", "upper_case", "transliteration", "surname_first")

_TRANSLIT = {"Jhon": "John", "Yesica": "Jessica", "Stiven": "Steven", "Yeison": "Jason",
             "Jhonatan": "Jonathan", "Katherine": "Katerine", "Wílmer": "Wilmer",
             "João": "Joao", "Luíza": "Luisa", "Muñoz": "Munyoz", "Peña": "Penya",
             "Ibáñez": "Ibanyez", "Núñez": "Nunyez", "Ordóñez": "Ordonyez", "Cañas": "Canyas",
             "Gonçalves": "Goncalves", "Conceição": "Conceicao", "Guimarães": "Guimaraes",
             "Ximena": "Jimena", "Yuliana": "Juliana", "Yolanda": "Iolanda",
             "Giovanni": "Yovanny", "Quiñónez": "Quinones", "Velásquez": "Velazquez",
             "Vázquez": "Vasquez", "Jiménez": "Gimenez", "Báez": "Baes"}


def name_variant(given, s1, s2, kind):
    """Return the name written as another source would record it.

    Parameters
    ----------
    given, s1, s2 : str
        Given names, first and second surname (``s2`` may be ``""``).
    kind : str
        One of :data:`VARIANT_KINDS`.

    Returns
    -------
    str
        The full name rewritten the way `kind` says.

    See Also
    --------
    full_name : the name as the case itself records it.

    Examples
    --------
    >>> name_variant("José Luis", "Muñoz", "Peña", "accents_dropped")
    'Jose Luis Munoz Pena'
    >>> name_variant("José Luis", "Muñoz", "Peña", "initials")
    'J. L. Muñoz Peña'
    >>> name_variant("José Luis", "Muñoz", "Peña", "surname_first")
    'MUÑOZ PEÑA, José Luis'
    >>> name_variant("José Luis", "Muñoz", "Peña", "surnames_reordered")
    'José Luis Peña Muñoz'
    """
    sur = f"{s1} {s2}".strip()
    if kind == "accents_dropped":
        return unidecode(f"{given} {sur}")
    if kind == "surnames_reordered":
        return f"{given} {s2} {s1}" if s2 else f"{s1} {given}"
    if kind == "second_surname_dropped":
        return f"{given} {s1}" if s2 else unidecode(f"{given} {s1}")
    if kind == "initials":
        initials = " ".join(p[0] + "." for p in given.replace("-", " ").split())
        return f"{initials} {sur}"
    if kind == "upper_case":
        return f"{given} {sur}".upper()
    if kind == "transliteration":
        words = [_TRANSLIT.get(w, w) for w in f"{given} {sur}".split()]
        out = " ".join(words)
        return out if out != f"{given} {sur}" else unidecode(out).replace("ll", "y", 1)
    if kind == "surname_first":
        return f"{sur.upper()}, {given}"
    raise ValueError(f"unknown name variant kind {kind!r}")
