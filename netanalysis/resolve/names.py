"""Person names normalised and compared for Latin American and European naming.

The same person appears as ``José Luis PÉREZ GÓMEZ``, ``Perez Gomez, Jose Luis``,
``J. L. Pérez``, ``Jose Luis Perez`` (second surname dropped) or, across scripts,
``Mohammed``/``Muhammad``. This module turns a name into comparable tokens and scores two
names token by token, saying in words why they match.

Notes
-----
Normalisation (:func:`name_tokens`): accents and case are removed with ``unidecode``
(``Ñ`` becomes ``N``), punctuation becomes a separator (``J.L.`` gives the initials ``j``
and ``l``), particles that sources keep or drop at will (``de``, ``del``, ``la``, ``y``,
``van``, ``von``, ``bin``...) are removed unless they end the name, and the Arabic article is joined to the word it
belongs to (``Al-Hazmi`` and ``Alhazmi`` both give ``alhazmi``).

Comparison (:func:`name_similarity`) ignores token order (given names and the two Hispanic
surnames come in any order), accepts an initial for a full token, a phonetic variant
(:func:`phonetic_key`, a consonant skeleton with Spanish spelling rules: ``v``/``b``,
``z``/``s``/soft ``c``, silent ``h``, ``ll``/``y``, ``ph``/``f``, ``x``/``ks``) or a close
spelling (``rapidfuzz`` ratio), and costs a little for each token only one name has (a
dropped second surname or middle name). Tokens are matched greedily, best pair first, which
is exact for the short token lists of person names.

References
----------
.. [1] Christen, P. (2012). *Data Matching*. Springer. doi:10.1007/978-3-642-31164-2
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz
from unidecode import unidecode

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_NAME_TOKENS",
    "PARTICLES",
    "normalize_name",
    "name_tokens",
    "phonetic_key",
    "name_similarity",
    "token_similarity",
    "NameMatch",
    "clear_name_caches",
]

#: Particles removed before comparison: sources keep or drop them at will.
PARTICLES = frozenset({
    "de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "di", "du", "van",
    "von", "der", "den", "ter", "le", "bin", "ibn", "ben", "bint",
})
_ARTICLES = frozenset({"al", "el"})

#: Characters of a name read for comparison; the rest is ignored, and the reason says so.
MAX_NAME_CHARS = 200

#: Tokens of a name compared (the longest real names have about ten); the rest is ignored,
#: and the reason says so. Bounds a comparison at ``MAX_NAME_TOKENS**2`` token pairs.
MAX_NAME_TOKENS = 16

_SEP = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def normalize_name(text):
    """Return `text` lower-cased, without accents or punctuation, single-spaced.

    Examples
    --------
    >>> normalize_name("  José-Luis  PEÑA,  jr. ")
    'jose luis pena jr'
    >>> normalize_name(None)
    ''
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if not s.isascii():
        # unidecode transliterates character by character, without context: the same as
        # unidecode(s), with each distinct character looked up once (str.translate in C)
        s = s.translate(_TRANSLITERATION)
    s = s.lower().replace("'", "").replace("\u2019", "")
    return " ".join(_SEP.sub(" ", s).split())


class _Transliteration(dict):
    """``{code point: unidecode(character)}``, filled on first use of each character."""

    def __missing__(self, code):
        out = self[code] = unidecode(chr(code))
        return out


_TRANSLITERATION = _Transliteration()


@lru_cache(maxsize=200_000)
def name_tokens(text):
    """Return the comparable tokens of a name, as a tuple.

    Examples
    --------
    >>> name_tokens("María de los Ángeles Núñez y Gómez")
    ('maria', 'angeles', 'nunez', 'gomez')
    >>> name_tokens("J.L. Al-Hazmi")
    ('j', 'l', 'alhazmi')
    >>> name_tokens("Rosa De")
    ('rosa', 'de')
    >>> len(name_tokens("ana " * 1000)) == MAX_NAME_TOKENS
    True

    Only the first :data:`MAX_NAME_CHARS` characters and :data:`MAX_NAME_TOKENS` tokens are
    kept: a hostile name of thousands of tokens would otherwise make every comparison cost
    millions of token pairs. :func:`name_similarity` says in its reason when it compared a
    cut name.
    """
    if isinstance(text, str) and len(text) > MAX_NAME_CHARS:
        text = text[:MAX_NAME_CHARS]
    return _all_tokens(text)[:MAX_NAME_TOKENS]


@lru_cache(maxsize=200_000)
def _all_tokens(text):
    """The tokens of `text` (at most :data:`MAX_NAME_CHARS` characters), uncapped."""
    out = []
    pending = ""
    toks = normalize_name(text).split()
    for k, tok in enumerate(toks):
        last = k == len(toks) - 1
        if tok in _ARTICLES and not last:
            pending += tok
            continue
        if tok in PARTICLES and not last:   # a trailing particle is a name ("Rosa De")
            continue
        out.append(pending + tok)
        pending = ""
    if pending:
        out.append(pending)
    return tuple(out)


@lru_cache(maxsize=4096)
def _cut_note(text):
    """Words saying how a name was cut for comparison, or ``""``."""
    if not isinstance(text, str):
        return ""
    if len(text) > MAX_NAME_CHARS:
        return (f"a name of {len(text):,} characters and {len(text.split()):,} tokens was "
                f"compared on its first {MAX_NAME_CHARS} characters and at most "
                f"{MAX_NAME_TOKENS} tokens")
    n = len(_all_tokens(text))
    if n > MAX_NAME_TOKENS:
        return f"a name of {n:,} tokens was compared on its first {MAX_NAME_TOKENS} tokens"
    return ""


_DIGRAPHS = [
    ("sch", "x"), ("sh", "x"), ("ch", "x"), ("ph", "f"), ("th", "t"), ("kh", "j"), ("gh", "g"),
    ("qu", "k"), ("ck", "k"), ("ll", "y"), ("ny", "n"), ("gue", "ge"), ("gui", "gi"),
]
_VOWELS = set("aeiou")


@lru_cache(maxsize=200_000)
def phonetic_key(token):
    """Return a consonant skeleton of one name token, tolerant of spelling variants.

    The first letter is kept; then Spanish and transliteration spelling rules are applied,
    each group of vowels becomes ``V`` (which vowel varies across transliterations, whether
    there is one does not), repeated letters and a final vowel are dropped.

    Examples
    --------
    >>> phonetic_key("mohammed") == phonetic_key("muhamad")
    True
    >>> phonetic_key("gonzalez") == phonetic_key("gonsales")
    True
    >>> phonetic_key("maaroufi") == phonetic_key("marufi")
    True
    >>> [phonetic_key(a) == phonetic_key(b) for a, b in [("ximena", "jimena"),
    ...     ("yovanny", "giovanni"), ("munyoz", "munoz"), ("yeison", "jason")]]
    [True, True, True, True]
    >>> phonetic_key("mohammed"), phonetic_key("tarek") == phonetic_key("takek")
    ('mVmVd', False)
    """
    if len(token) > 1 and token[0] in "xi" and token[1] in _VOWELS:
        token = "j" + token[1:]          # Ximena/Jimena, Iolanda/Yolanda
    s = token.replace("x", "ks")
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    chars = []
    for i, ch in enumerate(s):
        nxt = s[i + 1] if i + 1 < len(s) else ""
        if ch == "c":
            ch = "s" if nxt in ("e", "i", "y") else "k"
        elif ch == "g" and nxt in ("e", "i"):
            ch = "j"
        elif ch in "zq":
            ch = "s" if ch == "z" else "k"
        elif ch == "v":
            ch = "b"
        elif ch == "w":
            ch = "u"
        elif ch == "y":
            ch = "j" if nxt in _VOWELS else "i"   # Yesica/Jessica, Yovanny/Giovanni
        elif ch == "h":
            continue
        chars.append(ch)
    if not chars:
        return token
    out = [chars[0]]
    for ch in chars[1:]:
        if ch in _VOWELS:
            ch = "V"                  # a vowel group counts, not which vowel it is
        if ch == out[-1]:
            continue
        out.append(ch)
    if len(out) > 1 and out[-1] == "V":
        out.pop()                     # final vowels vary (Giovanni / Yovanny)
    return "".join(out)


class NameMatch(tuple):
    """The result of :func:`name_similarity`: ``(score, reason)`` with named fields.

    See Also
    --------
    name_similarity : returns one.

    Examples
    --------
    >>> m = NameMatch(0.88, "close spelling tarek/takek")
    >>> m.score, m.reason, m == (0.88, "close spelling tarek/takek")
    (0.88, 'close spelling tarek/takek', True)
    """

    __slots__ = ()

    def __new__(cls, score, reason):
        return super().__new__(cls, (score, reason))

    @property
    def score(self):
        """Similarity in [0, 1]."""
        return self[0]

    @property
    def reason(self):
        """Why the names match, in words."""
        return self[1]


def name_similarity(a, b, *, initial_score=0.8, variant_score=0.92, min_ratio=80,
                    extra_token_cost=0.04):
    """Return how similar two person names are, in [0, 1], and why, as a :class:`NameMatch`.

    Parameters
    ----------
    a, b : str
        Full names as recorded.
    initial_score : float
        Score of an initial matching a full token (``J.`` / ``José``).
    variant_score : float
        Score of two tokens with the same :func:`phonetic_key`.
    min_ratio : float
        Least ``rapidfuzz.fuzz.ratio`` (0-100) for two tokens to count as a close spelling;
        they score ``0.95 x ratio / 100``.
    extra_token_cost : float
        Deducted for each token only the longer name has (dropped surname).

    Returns
    -------
    NameMatch
        ``(score, reason)``: the score rounded to 3 decimals and the reason in words.

    See Also
    --------
    name_tokens : the tokens compared.
    phonetic_key : the key of spelling variants.

    Notes
    -----
    The score is the mean token score over the shorter name, minus the cost of extra
    tokens; a single-token name scores at most 0.7 and names that share only initials at
    most 0.6, because they identify nobody.

    Examples
    --------
    >>> name_similarity("José Luis Pérez Gómez", "PEREZ GOMEZ, Jose Luis")
    (1.0, 'names match after removing accents; in a different order')
    >>> name_similarity("José Luis Pérez Gómez", "J. L. Pérez")
    (0.827, 'initials J. L. match Jose Luis; one record lacks gomez')
    >>> name_similarity("Tarek Maaroufi", "Takek Maaroufi")
    (0.88, 'close spelling tarek/takek')
    >>> name_similarity("Ana Torres", "Luis Ramos").score
    0.0
    """
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return NameMatch(0.0, "a name is empty")
    # Both names have at most MAX_NAME_TOKENS tokens (name_tokens): few token pairs.
    swapped = len(ta) > len(tb)
    short, long_ = (tb, ta) if swapped else (ta, tb)
    cands = []
    for i, x in enumerate(short):
        for j, y in enumerate(long_):
            s, kind = _token_score(x, y, initial_score, variant_score, min_ratio)
            if s > 0:
                cands.append((s, i, j, kind))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_i, used_j, matches = set(), set(), []
    for s, i, j, kind in cands:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        matches.append((i, j, s, kind))
    notes = [n for n in dict.fromkeys((_cut_note(a), _cut_note(b))) if n]
    if not matches:
        return NameMatch(0.0, "; ".join(["names do not match"] + notes))
    total = sum(m[2] for m in matches) / len(short)
    extra = [long_[j] for j in range(len(long_)) if j not in used_j]
    total -= extra_token_cost * len(extra)
    if len(short) == 1:
        total = min(total, 0.7)
    if not any(m[3] != "initial" and len(short[m[0]]) > 1 for m in matches):
        total = min(total, 0.6)
    total = round(max(0.0, min(1.0, total)), 3)
    reason = _describe(a, b, short, long_, matches, extra, swapped)
    return NameMatch(total, "; ".join([reason] + notes))


@lru_cache(maxsize=1_000_000)
def token_similarity(x, y):
    """Return how similar two name tokens are, with the defaults of :func:`name_similarity`.

    Parameters
    ----------
    x, y : str
        Tokens as :func:`name_tokens` gives them.

    Returns
    -------
    tuple
        ``(score, kind)``: 1.0 ``"same"``, 0.8 ``"initial"``, 0.92 ``"variant"`` (same
        :func:`phonetic_key`), ``0.95 x ratio`` ``"typo"``, or ``(0.0, None)``. Cached: the
        tokens of a case are few, their pairs repeat.

    See Also
    --------
    name_similarity : compares whole names token by token.

    Examples
    --------
    >>> token_similarity("gomez", "gomes"), token_similarity("j", "jose")
    ((0.92, 'variant'), (0.8, 'initial'))
    """
    return _token_score(x, y, 0.8, 0.92, 80)


def _token_score(x, y, initial_score, variant_score, min_ratio):
    if x == y:
        return 1.0, "same"
    if len(x) == 1 or len(y) == 1:
        return (initial_score, "initial") if x[0] == y[0] else (0.0, None)
    if phonetic_key(x) == phonetic_key(y) and fuzz.ratio(x, y) >= 65:   # not rossi/russo
        return variant_score, "variant"
    r = fuzz.ratio(x, y, score_cutoff=min_ratio)
    if r:
        return round(0.95 * r / 100.0, 3), "typo"
    return 0.0, None


def _describe(a, b, short, long_, matches, extra, swapped):
    kinds = {m[3] for m in matches}
    parts = []
    matched = sorted(matches)
    if kinds == {"same"}:
        if str(a).strip() == str(b).strip():
            parts.append("names identical")
        elif normalize_name(a) == normalize_name(b):
            parts.append("names match after removing accents and case")
        else:
            parts.append("names match after removing accents" if not extra else
                         "names match after removing accents, except a missing part")
    inits = [(short[i], long_[j]) for i, j, s, k in matched if k == "initial"]
    if inits:
        ini = [(x, y) if len(x) == 1 else (y, x) for x, y in inits]
        parts.append("initials " + " ".join(x.upper() + "." for x, _ in ini) + " match "
                     + " ".join(y.capitalize() for _, y in ini))
    var = [(short[i], long_[j]) for i, j, s, k in matched if k == "variant"]
    if var:
        parts.append("spelling variants " + ", ".join(f"{x}/{y}" for x, y in var))
    typ = [(short[i], long_[j]) for i, j, s, k in matched if k == "typo"]
    if typ:
        parts.append("close spelling " + ", ".join(f"{x}/{y}" for x, y in typ))
    unmatched = [short[i] for i in range(len(short)) if i not in {m[0] for m in matches}]
    if unmatched:
        parts.append("no match for " + ", ".join(unmatched))
    if extra:
        parts.append("one record lacks " + ", ".join(extra))
    order = [m[1] for m in matched]
    if order != sorted(order) and not inits:
        parts.append("in a different order")
    return "; ".join(parts) if parts else "names match"


def clear_name_caches():
    """Empty the caches of the name functions (normalised forms, tokens, token similarity).

    Resolution fills them with up to 200,000 names each and a million token pairs, which
    nothing after it reads again; the pipeline empties them once the case is resolved so
    that their memory serves the later stages. The functions stay correct: a call after
    this computes its value again.

    Returns
    -------
    int
        The entries removed, over all the caches.

    See Also
    --------
    normalize_name, name_tokens, phonetic_key, token_similarity : the cached functions.

    Examples
    --------
    >>> _ = normalize_name("José")
    >>> clear_name_caches() >= 1
    True
    >>> normalize_name.cache_info().currsize
    0
    """
    n = 0
    for fn in (normalize_name, name_tokens, _all_tokens, _cut_note, phonetic_key,
               token_similarity):
        n += fn.cache_info().currsize
        fn.cache_clear()
    return n
