"""Building the search index (`search.Index`) from records added one at a time.

A record's words are read once: each distinct word is folded, stemmed and given a number
when it is first met (`Vocabulary`), and a short text (a name, a place, a label), which
recurs across records, is read once for all. Each field's numbered words are kept in one
compact array for the whole corpus (`FieldWords`), so nothing is held per record but a few
numbers. BM25F weights depend on the average length of each field, known only once every
record is in: then the words are counted and weighted in NumPy's arrays, a piece of records
at a time, and each term's postings made from them (`Numbered.postings`).

The weights are those `search.field_counts` describes, summed over a record's fields in the
order `search.field_texts` gives them, so the index does not depend on how it was built.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from .datafiles import Progress
from .models import TYPE_ORDER, Record
from .search import (
    FIELDS,
    K1,
    PHRASE_FIELDS,
    TEXT_FIELDS,
    Index,
    facets_of,
    record_texts,
    theme_postings,
)
from .text import STOPWORDS, stem, tokens

# Texts up to this long are read once for all records that hold them: names, places, labels.
SHORT_TEXT = 80


class Vocabulary:
    """Each distinct term (stemmed word, or pair of neighbouring words) numbered from 1, as it
    is first met; 0 stands for a stop word."""

    def __init__(self) -> None:
        self.terms: list[str] = [""]
        self._numbers: dict[str, int] = {}
        self._words = Words(self)  # each word as written -> its stem's number
        self._pairs = Pairs(self)  # (a, b) -> the number of "a b"
        self._short: dict[tuple[str, bool], tuple[list[int], int]] = {}

    def number(self, term: str) -> int:
        found = self._numbers.get(term)
        if found is None:
            found = self._numbers[term] = len(self.terms)
            self.terms.append(term)
        return found

    def text(self, text: str, phrases: bool) -> tuple[list[int], int]:
        """A text's terms' numbers (its words, then its pairs of neighbouring words if
        `phrases`) and how many words it has, stop words left out."""
        if len(text) > SHORT_TEXT:
            return self._read(text, phrases)
        found = self._short.get((text, phrases))
        if found is None:
            found = self._short[text, phrases] = self._read(text, phrases)
        return found

    def _read(self, text: str, phrases: bool) -> tuple[list[int], int]:
        numbers = list(filter(None, map(self._words.__getitem__, tokens(text))))
        size = len(numbers)
        if phrases and size > 1:
            numbers += map(self._pairs.__getitem__, zip(numbers, numbers[1:], strict=False))
        return numbers, size


class Words(dict[str, int]):
    """Folded words as written, each with its stem's number in a vocabulary (0: a stop
    word), stemmed when first asked for."""

    def __init__(self, vocabulary: Vocabulary):
        super().__init__(dict.fromkeys(STOPWORDS, 0))
        self.vocabulary = vocabulary

    def __missing__(self, word: str) -> int:
        found = self[word] = self.vocabulary.number(stem(word))
        return found


class Pairs(dict[tuple[int, int], int]):
    """Pairs of neighbouring words' numbers, each with the number of the pair ("a b"),
    numbered when first asked for."""

    def __init__(self, vocabulary: Vocabulary):
        super().__init__()
        self.vocabulary = vocabulary

    def __missing__(self, pair: tuple[int, int]) -> int:
        terms = self.vocabulary.terms
        found = self[pair] = self.vocabulary.number(terms[pair[0]] + " " + terms[pair[1]])
        return found


class FieldWords:
    """One index field's term numbers for every record, end to end, with where each record's
    end and how many words each has."""

    def __init__(self, name: str):
        self.name = name
        self.weight, self.b = FIELDS[name]
        self.numbers = array("I")
        self.ends = array("L")
        self.sizes = array("L")
        self.total = 0

    def add(self, numbers: list[int], size: int) -> None:
        self.numbers.extend(numbers)
        self.ends.append(len(self.numbers))
        self.sizes.append(size)
        self.total += size

    def scales(self, average: float, among: range) -> list[float]:
        """The BM25F scale for this field of each record `among` these: its weight, normalised
        by length."""
        weight, b, sizes = self.weight, self.b, self.sizes[among.start : among.stop]
        return [weight / (1 - b + b * size / average) for size in sizes]


Postings = dict[str, tuple["array[int]", "array[float]"]]


class Counted(NamedTuple):
    """What an index of a run of records holds besides its words' postings: how many
    records, how many words each field has in all, the facets and types by position (from
    0), and the themes' names. Small enough to send between processes."""

    size: int
    totals: tuple[int, ...]
    facets: dict[str, array[int]]
    kinds: array[int]
    theme_names: dict[str, tuple[str, ...]]


class Builder:
    """The index of the records added so far (`add`): made by `index`, or, for one run of
    records among others, by `joined` from each run's `counted` and `postings`."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        # The fields that hold a record's own words, in the order their weights are summed.
        self.fields = [FieldWords(name) for name in TEXT_FIELDS if name != "themes"]
        self.facets: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        self.kinds = array("B")
        self.theme_names: dict[str, tuple[str, ...]] = {}
        self.size = 0

    def add(self, record: Record) -> None:
        """Index one more record, at the next position."""
        found: dict[str, tuple[list[int], int]] = {f.name: ([], 0) for f in self.fields}
        text = self.vocabulary.text
        for name, value in record_texts(record):
            numbers, size = found[name]
            more, words = text(value, name in PHRASE_FIELDS)
            numbers += more
            found[name] = numbers, size + words
        for f in self.fields:
            f.add(*found[f.name])
        for facet in facets_of(record):
            self.facets[facet].append(self.size)
        self.kinds.append(KIND[record.type])
        if record.type == "theme":
            self.theme_names[record.id] = (record.title, *getattr(record, "aliases", ()))
        self.size += 1

    def counted(self) -> Counted:
        totals = tuple(f.total for f in self.fields)
        return Counted(self.size, totals, dict(self.facets), self.kinds, self.theme_names)

    def index(self) -> Index:
        """The index of the records added; no more can be added."""
        counted = [self.counted()]
        return joined(counted, [self.words().postings(averages(counted))])

    def words(self) -> Numbered:
        """The records' words, for their postings; no more records can be added."""
        terms = self.vocabulary.terms
        self.vocabulary = Vocabulary()  # the look-ups from words to numbers are done with
        return Numbered(terms, self.fields, self.size)


class Numbered(NamedTuple):
    """A run of records' words: each field's term numbers (`FieldWords`) and the terms they
    stand for, all that the run's postings are made of; small enough to send between
    processes."""

    terms: list[str]
    fields: list[FieldWords]
    size: int

    def postings(
        self,
        averages: Sequence[float],
        start: int = 0,
        among: range | None = None,
        free: bool = True,
    ) -> Postings:
        """Each term's postings: the records holding it (those of the run in `among`, all by
        default), numbered from `start`, and its BM25F weight in each, its count in each
        field scaled (by the fields' `averages` lengths) and summed, then saturated. The
        records are taken a `PIECE` at a time from the last back, and, if `free`, their words
        let go of as they go, and those of the records after them: a run's words and postings
        are never all held at once (at +100,000 records, either is over 100 MiB), and its
        postings are made only once."""
        docs = range(self.size) if among is None else among
        found: dict[int, tuple[array[int], array[float]]] = {}  # by term number
        for first in reversed(range(docs.start, docs.stop, PIECE)):
            piece = range(first, min(first + PIECE, docs.stop))
            numbers, bounds, records, weights = self._piece(piece, averages, start)
            for term, a, b in zip(numbers, bounds, bounds[1:], strict=False):
                both = found.get(term)
                if both is None:
                    both = found[term] = array("I"), array("f")
                both[0].frombytes(records[a:b])
                both[1].frombytes(weights[a:b])
            if free:
                self.let_go(first)
        for docs_of, weights_of in found.values():  # made from the last record back
            docs_of.reverse()
            weights_of.reverse()
        return {self.terms[number]: found[number] for number in sorted(found)}

    def _piece(
        self, docs: range, averages: Sequence[float], start: int
    ) -> tuple[list[int], list[int], memoryview, memoryview]:
        """The postings of a few records, by term number and from the last record back: the
        terms, where each one's postings begin (in bytes, and where the last one ends), and
        the records' positions (numbered from `start`) and weights, as bytes of arrays "I"
        and "f". Each field's counts are scaled and added in the fields' order, as a record
        at a time would add them."""
        import numpy as np  # only a cold build makes postings: 0.1 s to import

        n = len(docs)
        keys, parts = [], []
        for f, average in zip(self.fields, averages, strict=True):
            ends = np.array(f.ends[docs.start : docs.stop], dtype=np.int64)
            begin = f.ends[docs.start - 1] if docs.start else 0
            sizes = np.array(f.sizes[docs.start : docs.stop], dtype=np.float64)
            scales = f.weight / (1 - f.b + f.b * sizes / average)
            numbers = np.array(f.numbers[begin : ends[-1]], dtype=np.int64)
            back = np.repeat(np.arange(n - 1, -1, -1, dtype=np.int64), np.diff(ends, prepend=begin))
            key, count = np.unique(numbers * n + back, return_counts=True)
            keys.append(key)
            parts.append(count * scales[n - 1 - key % n])
        key = np.concatenate(keys)
        order = np.argsort(key, kind="stable")  # each key's fields stay in order
        key, part = key[order], np.concatenate(parts)[order]
        firsts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        weighted = np.add.reduceat(part, firsts) if len(firsts) else part
        key = key[firsts]
        term = key // n
        records = (start + docs.stop - 1 - key % n).astype(np.uint32)
        weights = (weighted * (K1 + 1) / (weighted + K1)).astype(np.float32)
        begins = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
        bounds = [*(4 * begins).tolist(), 4 * len(key)]
        return (
            term[begins].tolist(),
            bounds,
            memoryview(records.tobytes()),
            memoryview(weights.tobytes()),
        )

    def let_go(self, first: int = 0) -> None:
        """Let go of the words of the records from `first` on, once their postings are
        made."""
        for f in self.fields:
            del f.numbers[f.ends[first - 1] if first else 0 :]


# How many records' postings `Numbered.postings` makes at once: the arrays it uses for them
# take about 40 bytes a word (10 MiB for 1,024 generated records), on top of the postings;
# at +100,000 records, pieces of 4,096 took a cold build past its memory budget, 600 MiB.
PIECE = 1024


KIND = {name: i for i, name in enumerate(TYPE_ORDER)}


def averages(parts: Sequence[Counted]) -> list[float]:
    """The average length of each field over the records of every part."""
    count = max(sum(p.size for p in parts), 1)
    return [max(sum(total) / count, 1.0) for total in zip(*(p.totals for p in parts), strict=True)]


def joined(parts: Sequence[Counted], postings: Sequence[Postings]) -> Index:
    """The index of runs of records one after the other, from each run's counts and
    postings (numbered from where the run starts): the same as one run of them all."""
    index = joined_postings(postings)
    facets: dict[str, array[int]] = {}
    kinds = array("B")
    theme_names: dict[str, tuple[str, ...]] = {}
    for part in parts:
        start = len(kinds)
        for key, positions in part.facets.items():
            moved = array("I", [p + start for p in positions]) if start else positions
            facets.setdefault(key, array("I")).extend(moved)
        kinds.extend(part.kinds)
        theme_names.update(part.theme_names)
    theme_keys = sorted(k for k in facets if k.startswith("theme:"))
    index.update(theme_postings(theme_names, theme_keys))
    return Index(index, facets, {"type": kinds}, len(kinds))


def joined_postings(runs: Iterable[Postings], into: Postings | None = None) -> Postings:
    """The postings of runs of records one after the other, each term's joined in order
    (after those already `into` a mapping, if given)."""
    joined: Postings = {} if into is None else into
    for run in runs:
        for term, (docs, weights) in run.items():
            found = joined.get(term)
            if found is None:
                joined[term] = docs, weights
            else:
                found[0].extend(docs)
                found[1].extend(weights)
    return joined


def build(records: Iterable[Record], progress: Progress | None = None, count: int = 0) -> Index:
    """The index of these records (`count` of them, for `progress`)."""
    builder = Builder()
    for done, record in enumerate(records):
        if progress and done % 1000 == 0:
            progress("Indexing records", done, count)
        builder.add(record)
    if progress:
        progress("Indexing records", builder.size, count)
    return builder.index()
