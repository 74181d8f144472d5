"""What a record is about as a whole, in the topics the bundled records' words share.

Words that keep company in the briefings (naloxone, overdose, opioids; integrated care
boards, NHS, health partners) stand for a few topics together. A truncated singular value
decomposition of the bundled records' weighted words (latent semantic analysis) places each
word among `DIMENSIONS` topics; a text's place is the sum of its words' places, each weighed as
the index weighs it (BM25F, times its idf). How near a record's place is to a query's (their
cosine) says how far the record is about what the query asks as a whole, in whatever words
it says it: "hospitals and police sharing data on violence" is nearest the Cardiff Model (A&E
data shared with the police), not a unit's needs assessment that also holds "police", "data"
and "violence".

The topics are worked out from the bundled records by `scripts/make_latent.py` (with numpy,
`made`) and kept in the package (`latent.bin`: a line of JSON, the words and the fields'
average lengths, then each word's place as 32-bit floats); a search reads them without numpy.
A user's records are placed by the words they share with the bundled ones; a word only they
use has no place.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import sys
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import cache

from .models import Record
from .search import FIELDS, K1, TEXT_FIELDS, record_texts
from .text import terms

DIMENSIONS = 30
FILE = "latent.bin"


class Topics:
    """Each known word's place among the topics (its idf folded in: `DIMENSIONS` values a
    word, in the order of `words`), and the fields' average lengths the weights were worked
    out with."""

    def __init__(self, words: Sequence[str], values: Sequence[float], averages: dict[str, float]):
        self.numbers = {w: i * DIMENSIONS for i, w in enumerate(words)}
        self.values, self.averages = values, averages

    def place(self, word: str) -> Sequence[float] | None:
        """A word's place, if the bundled records use it."""
        at = self.numbers.get(word)
        return None if at is None else self.values[at : at + DIMENSIONS]

    def of_words(self, weights: Mapping[str, float]) -> list[float]:
        """The place of a text whose words have these weights: the sum of their places."""
        found = [0.0] * DIMENSIONS
        for word, weight in weights.items():
            place = self.place(word)
            if place is not None:
                found = [a + weight * b for a, b in zip(found, place, strict=True)]
        return found

    def weights(self, record: Record) -> dict[str, float]:
        """A record's words, weighed as the topics were worked out."""
        return record_weights(record, self.averages)

    def nearest(self, weights: Mapping[str, float], place: Sequence[float], n: int) -> list[str]:
        """The n words of a text (with these weights) that bring it nearest a place."""
        toward = {
            w: v * sum(a * b for a, b in zip(at, place, strict=True))
            for w, v in weights.items()
            if (at := self.place(w)) is not None
        }
        shown = (w for w in toward if toward[w] > 0 and not w.isdigit())  # no "11" of 11.5%
        return heapq.nlargest(n, shown, key=toward.__getitem__)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """How near two places are: 1 for the same direction, 0 for none in common."""
    norms = math.sqrt(sum(x * x for x in a) * sum(x * x for x in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norms if norms else 0.0


def record_weights(record: Record, averages: Mapping[str, float]) -> dict[str, float]:
    """Each word of a record weighed as the index weighs it: BM25F over its fields, with
    these average field lengths (a record's own themes' names are not its words)."""
    summed: dict[str, float] = {}
    for name, words in field_words(record).items():
        weight, b = FIELDS[name]
        scale = weight / (1 - b + b * len(words) / averages[name])
        for word, tf in Counter(words).items():
            summed[word] = summed.get(word, 0.0) + tf * scale
    return {w: v * (K1 + 1) / (v + K1) for w, v in summed.items()}


def field_words(record: Record) -> dict[str, list[str]]:
    """A record's words (stemmed, no stop words) by the index fields that hold its own text."""
    found: dict[str, list[str]] = {name: [] for name in TEXT_FIELDS if name != "themes"}
    for name, text in record_texts(record):
        found[name] += terms(text)
    return found


@cache
def bundled() -> Topics:
    """The topics shipped with the package."""
    with open(os.path.join(os.path.dirname(__file__), FILE), "rb") as file:
        return read(file.read())


def read(data: bytes) -> Topics:
    """Topics as `made` writes them."""
    head, _, body = data.partition(b"\n")
    about = json.loads(head)
    values = array("f")
    values.frombytes(body)
    if sys.byteorder == "big":
        values.byteswap()
    return Topics(about["words"], values, about["averages"])


# ---------------------------------------------------------------- making them (numpy)


def made(records: Sequence[Record]) -> bytes:
    """The topics of these records, as `latent.bin` keeps them."""
    import numpy as np

    averages, weighed = _weighed(records)
    words = sorted({w for ws in weighed for w in ws})
    column = {w: i for i, w in enumerate(words)}
    matrix = np.zeros((len(records), len(words)))
    for row, ws in enumerate(weighed):
        for w, v in ws.items():
            matrix[row, column[w]] = v
    held = np.count_nonzero(matrix, axis=0)
    idf = np.log(1 + (len(records) - held + 0.5) / (held + 0.5))
    _, _, topics = np.linalg.svd(matrix * idf, full_matrices=False)
    topics = topics[:DIMENSIONS]
    if len(topics) < DIMENSIONS:  # fewer records than topics: the rest are empty
        topics = np.vstack([topics, np.zeros((DIMENSIONS - len(topics), len(words)))])
    # A singular vector's sign is arbitrary: fix it so that the same data gives the same file.
    topics *= np.sign(topics[np.arange(DIMENSIONS), np.abs(topics).argmax(axis=1)])[:, None]
    places = (topics * idf).T.astype("<f4")
    about = {"words": words, "averages": averages, "made_from": _digest(averages, weighed)}
    return json.dumps(about, separators=(",", ":")).encode() + b"\n" + places.tobytes()


def made_from(records: Sequence[Record]) -> str:
    """A digest of the records' words and weights: what the topics depend on, so that a
    test can tell when the bundled records have changed since they were made."""
    return _digest(*_weighed(records))


def _digest(averages: Mapping[str, float], weighed: Sequence[Mapping[str, float]]) -> str:
    import hashlib

    rounded = [sorted((w, round(v, 4)) for w, v in ws.items()) for ws in weighed]
    text = json.dumps([sorted(averages.items()), rounded], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def made_from_file(data: bytes) -> str:
    """The digest of the records a topics file was made from."""
    return str(json.loads(data.partition(b"\n")[0])["made_from"])


def _weighed(records: Sequence[Record]) -> tuple[dict[str, float], list[dict[str, float]]]:
    """The fields' average lengths over the records, and each record's weighted words."""
    totals: dict[str, int] = {}
    for record in records:
        for name, words in field_words(record).items():
            totals[name] = totals.get(name, 0) + len(words)
    averages = {name: max(total / max(len(records), 1), 1.0) for name, total in totals.items()}
    return averages, [record_weights(r, averages) for r in records]
