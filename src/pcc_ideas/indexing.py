"""Building the search index (`search.Index`) from records added one at a time.

A record's words are read once: each distinct word is folded, stemmed and given a number
when it is first met (`Vocabulary`), and a short text (a name, a place, a label), which
recurs across records, is read once for all. Each field's numbered words are kept in one
compact array for the whole corpus (`FieldWords`), so nothing is held per record but a few
numbers. BM25F weights depend on the average length of each field, known only once every
record is in: then each record's words are counted and weighted, and the postings are made
straight into their arrays (`Builder.index`).

The weights are those `search.field_counts` describes, summed over a record's fields in the
order `search.field_texts` gives them, so the index does not depend on how it was built.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
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
        records are taken from the last back, and, if `free`, their words let go of as they
        go, and those of the records after them: a run's words and postings are never all
        held at once (at +100,000 records, either is over 100 MiB), and its postings are made
        only once."""
        docs = range(self.size) if among is None else among
        found: dict[int, tuple[array[int], array[float]]] = {}  # by term number
        fields = [
            (f.numbers, f.ends, f.scales(a, docs))
            for f, a in zip(self.fields, averages, strict=True)
        ]
        saturated = K1 + 1
        for doc in reversed(docs):
            weighted: dict[int, float] = {}
            get = weighted.get
            for numbers, ends, scales in fields:
                begin = ends[doc - 1] if doc else 0
                if free and (doc % FREED_EVERY == 0 or doc == docs[-1]):
                    del numbers[ends[doc] :]
                if begin == ends[doc]:
                    continue
                scale = scales[doc - docs.start]
                for term, tf in Counter(numbers[begin : ends[doc]]).items():
                    weighted[term] = get(term, 0.0) + tf * scale
            at = start + doc
            for term, wtf in weighted.items():
                both = found.get(term)
                if both is None:
                    both = found[term] = array("I"), array("f")
                both[0].append(at)
                both[1].append(wtf * saturated / (wtf + K1))
        for numbers, ends, _ in fields if free and docs else ():
            del numbers[ends[docs[0] - 1] if docs[0] else 0 :]
        terms = self.terms
        for docs_of, weights in found.values():
            docs_of.reverse()
            weights.reverse()
        return {terms[number]: found[number] for number in sorted(found)}

    def let_go(self) -> None:
        """Let go of the words, once their postings are made."""
        for f in self.fields:
            del f.numbers[:]


# How often (in records) `Numbered.postings` lets go of the words it has used.
FREED_EVERY = 1000


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
