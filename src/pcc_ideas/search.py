"""The search index: BM25F over every record, built once and kept as plain parts.

A record's text is read by field (`field_texts`): its title and aliases, names of
organisations and places, its summary, the rest; each field's words are stemmed
(`text.terms`) and counted with the pairs of neighbouring words (for phrases), and each word's
BM25F weight in each record is stored in its postings, so a word in a title counts more than
one in the body. The words of a record's themes' titles and aliases are kept as postings of
their own over the theme filters ("#word"), found when a record does not hold the word
itself. Facets (`type:`, `theme:`, `area:`, `source:`, `evidence:`, `scope:`) give the
positions behind every filter. How a query is read is `query`; how records are ranked for it
is `scoring`.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from .models import RECORD_TYPES, Record
from .text import STOPWORDS, is_english, max_edits, respellings, terms, words

K1 = 1.2
# Field weights and length normalisation (b) of BM25F.
FIELDS = {
    "title": (4.0, 0.5),
    "names": (2.0, 0.5),
    "summary": (1.0, 0.75),
    "body": (0.5, 0.75),
    "themes": (1.0, 0.3),
}
FIELD_OF = {
    "title": "title",
    "aliases": "title",
    "organisations": "names",
    "places": "names",
    "areas": "names",
    "publishers": "names",
    "authors": "names",
    "by": "names",
    "publisher": "names",
    "category": "names",
    "acknowledgements": "names",
    "foreword_by": "names",
    "value": "names",
    "summary": "summary",
}
NOT_INDEXED = frozenset(
    {"id", "type", "themes", "scope", "number", "score", "url", "related", "changes"}
)
TYPO_WEIGHT = (1.0, 0.8, 0.5)  # by number of edits
# The fields whose pairs of neighbouring words are indexed, for phrases: all but the themes'
# names, so that a synonym of several words ("stop and search") is found in a long body too.
PHRASE_FIELDS = frozenset({"title", "names", "summary", "body"})
THEME_PREFIX = "#"
# The index fields a record's texts fall in, in the order a record's fields come: the type's
# label (body) first, then title and summary, which every record has, then the rest.
TEXT_FIELDS = ("body", "title", "summary", "names", "themes")


# ---------------------------------------------------------------- reading records


def field_texts(record: Record, theme_names: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The record's text by index field (every field in TEXT_FIELDS, maybe empty); the
    type's label is part of the body."""
    out: dict[str, list[str]] = {name: [] for name in TEXT_FIELDS}
    for name, text in record_texts(record):
        out[name].append(text)
    for theme in record.themes:
        out["themes"].extend(theme_names.get(theme, ()))
    return out


def record_texts(record: Record) -> Iterator[tuple[str, str]]:
    """Each text of a record with the index field it belongs to, in the order of the
    record's fields, the type's label first (in the body). Empty values and addresses (`url`)
    are left out."""
    yield "body", RECORD_TYPES[record.type].label
    for name, field in _indexed(type(record)):
        value = getattr(record, name)
        if type(value) is str:
            yield field, value
        elif value is not None:
            for text in _strings(value):
                yield field, text


def _indexed(cls: type) -> tuple[tuple[str, str], ...]:
    """The fields of a record type that are indexed, each with its index field: not those
    in NOT_INDEXED, nor those the data does not write (`origin`, which says a record is the
    user's: its "user" is no word of the record's)."""
    found = _INDEXED.get(cls)
    if found is None:
        names = (
            f.name
            for f in dataclasses.fields(cls)
            if f.name not in NOT_INDEXED and f.metadata.get("written", True)
        )
        found = _INDEXED[cls] = tuple((name, FIELD_OF.get(name, "body")) for name in names)
    return found


_INDEXED: dict[type, tuple[tuple[str, str], ...]] = {}


def _strings(value: object) -> Iterator[str]:
    """The texts of a value: itself, its items, or a part's fields but its address."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for v in value:
            if type(v) is str:
                yield v
            else:
                yield from _strings(v)
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name != "url" and (v := getattr(value, f.name)) is not None:
                yield from _strings(v)
    elif value is not None:
        yield str(value)


def theme_names(records: Iterable[Record]) -> dict[str, tuple[str, ...]]:
    """Each theme's title and aliases, by id: what a record tagged with it is found by."""
    return {r.id: (r.title, *getattr(r, "aliases", ())) for r in records if r.type == "theme"}


def facets_of(record: Record) -> set[str]:
    """The filter values a record can be found by (see `Index.facet`), and its scope."""
    found = {f"type:{record.type}", f"scope:{record.effective_scope}"}
    found.update(f"theme:{t}" for t in record.themes)
    found.update(f"area:{a}" for a in record.areas)
    found.update(f"source:{c.source}" for c in record.sources)
    if evidence := getattr(record, "evidence", None):
        found.add(f"evidence:{evidence}")
    return found


def field_counts(texts: Mapping[str, list[str]]) -> dict[str, tuple[Counter[str], int]]:
    """Each field's words and pairs of neighbouring words ("knife crime") counted, with its
    length in words; stop words are left out, so "children and young people" holds
    "child young"."""
    out = {}
    for name, ts in texts.items():
        found: list[str] = []
        together: list[str] = []
        for t in ts:
            ws = terms(t)
            found += ws
            if name in PHRASE_FIELDS:
                together += [a + " " + b for a, b in zip(ws, ws[1:], strict=False)]
        counts = Counter(found)
        counts.update(together)
        out[name] = (counts, len(found))
    return out


def theme_postings(
    names: Mapping[str, Sequence[str]], keys: Sequence[str]
) -> dict[str, tuple[array[int], array[float]]]:
    """The words of theme names, as postings of their own ("#word"): the "positions" are
    the themes' places in `keys` (`theme:<id>` filters), so a record is found by the words
    of its themes' titles and aliases without holding them itself."""
    counted = {
        i: field_counts({"themes": list(names.get(key.removeprefix("theme:"), ()))})["themes"]
        for i, key in enumerate(keys)
    }
    average = max(sum(size for _, size in counted.values()) / max(len(counted), 1), 1.0)
    weight, b = FIELDS["themes"]
    out: dict[str, tuple[array[int], array[float]]] = {}
    for i, (counts, size) in counted.items():
        scale = weight / (1 - b + b * size / average)
        for term, tf in counts.items():
            if " " in term:
                continue
            themes, weights = out.setdefault(THEME_PREFIX + term, (array("I"), array("f")))
            themes.append(i)
            weights.append(tf * scale * (K1 + 1) / (tf * scale + K1))
    return out


def holds(positions: Sequence[int], d: int) -> bool:
    """Whether sorted positions hold d."""
    i = bisect.bisect_left(positions, d)
    return i < len(positions) and positions[i] == d


def pairs(ws: Sequence[str]) -> list[str]:
    """A phrase's pairs of neighbouring words, as the index holds them."""
    return [" ".join(p) for p in zip(ws, ws[1:], strict=False)]


# ---------------------------------------------------------------- the index


class Index:
    """An inverted index over records; `search` ranks them for a query.

    It is made of plain parts that a cache can store and give back lazily, without pickle:
    - `postings`: each term's two compact arrays (record positions ascending, BM25F weights);
    - `facets`: each filter value's record positions (see `facet`);
    - `columns`: one value per record, by name (`type`: the record type's place in the schema);
    - `size`: the number of records.
    Only `get`, `in` and iteration (for the typo vocabulary) are used on the mappings.
    """

    def __init__(
        self,
        postings: Mapping[str, tuple[array[int], array[float]]],
        facets: Mapping[str, array[int]],
        columns: Mapping[str, array[Any]],
        size: int,
    ):
        self.postings, self.facets, self.columns, self.size = postings, facets, columns, size
        self._vocabulary: list[str] | None = None
        self._theme_keys: list[str] | None = None
        # Corrections worked out, by word: ranking and the note on how a query was read
        # both ask for those of a word the index lacks.
        self._corrections: dict[tuple[str, str], list[tuple[str, float]]] = {}

    def idf(self, term: str) -> float:
        n, df = self.size, len(self.postings[term][0])
        if term.startswith(THEME_PREFIX):
            df = sum(len(self.facets[self.theme_keys[i]]) for i in self.postings[term][0])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @classmethod
    def build(
        cls,
        records: Sequence[Record],
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Index:
        """Index records; the index keeps their positions, not the records themselves."""
        from .indexing import build

        return build(records, progress, len(records))

    def facet(self, key: str) -> array[int]:
        """The positions of the records with a filter value: `type:figure`, `theme:drugs`,
        `area:Cleveland`, `source:briefing-2021`, `evidence:evaluation`."""
        return self.facets.get(key, array("I"))

    @property
    def vocabulary(self) -> list[str]:
        """The index's words (not its pairs of words), for typos and suggestions."""
        if self._vocabulary is None:
            self._vocabulary = sorted(
                t for t in self.postings if " " not in t and not t.startswith(THEME_PREFIX)
            )
        return self._vocabulary

    def alternatives(
        self, term: str, typed: str = "", typos: bool = True
    ) -> list[tuple[str, float]]:
        """The index terms a query word stands for, with their weight: itself, or, if it may
        be a typo (`typos`), its correction when it is not in the index: of the index words a
        few edits from its stem, and the stems of the one-edit respellings of the word as
        `typed` (a typo in an ending the stemmer cuts off: "recruitmnet" stems to itself,
        "recruitment" to "recruit"), the nearest, and of those the one most records use."""
        if term in self.postings:
            return [(term, 1.0)]
        if not typos or not max_edits(term):
            return []
        found = self._corrections.get((term, typed))
        if found is None:
            found = self._corrections[term, typed] = self._corrected(term, typed)
        return found

    def _corrected(self, term: str, typed: str) -> list[tuple[str, float]]:
        """The correction of a word the index lacks (see `alternatives`): none for an English
        word in common use, which the user meant as typed ("older" is not "order")."""
        if is_english(typed or term):
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        near = process.extract(
            term, self.vocabulary, scorer=OSA.distance, score_cutoff=max_edits(term), limit=5
        )
        found = {word: TYPO_WEIGHT[d] for word, d, _ in near}
        for word in respellings(typed) if max_edits(typed) else ():
            if word in self.postings and " " not in word and word not in found:
                found[word] = TYPO_WEIGHT[1]
        kept = {word: weight for word, weight in found.items() if word[:1] == term[:1]}
        if not kept:
            return []
        # As a speller does: the nearest words, and of those the one the records use most.
        nearest = max(kept.values())
        best = max((w for w in kept if kept[w] == nearest), key=lambda w: len(self.postings[w][0]))
        return [(best, nearest)]

    def postings_of(self, term: str) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
        """A term's postings as (positions, weights); a theme word's, one part per theme."""
        found = self.postings.get(term)
        if found is None:
            return
        if not term.startswith(THEME_PREFIX):
            yield found
            return
        for t, w in zip(*found, strict=True):
            positions = self.facets[self.theme_keys[t]]
            yield positions, [w] * len(positions)

    def weight_at(self, term: str, d: int) -> float:
        """The BM25F weight of a term in one record (0 if it does not hold it)."""
        found = self.postings.get(term)
        if found is None:
            return 0.0
        docs, weights = found
        if term.startswith(THEME_PREFIX):  # "positions" are themes
            keys = self.theme_keys
            return max(
                (w for t, w in zip(docs, weights, strict=True) if holds(self.facets[keys[t]], d)),
                default=0.0,
            )
        i = bisect.bisect_left(docs, d)
        return weights[i] if i < len(docs) and docs[i] == d else 0.0

    @property
    def theme_keys(self) -> list[str]:
        if self._theme_keys is None:
            self._theme_keys = sorted(k for k in self.facets if k.startswith("theme:"))
        return self._theme_keys

    def suggestions(self, query: str, limit: int = 3) -> list[str]:
        """Vocabulary words nearest to the query's words, for "did you mean"."""
        from rapidfuzz import fuzz, process

        found: list[str] = []
        for term in [w for w in words(query) if w not in STOPWORDS][:5]:
            for word, _, _ in process.extract(
                term, self.vocabulary, scorer=fuzz.ratio, limit=limit, score_cutoff=70
            ):
                if word not in found:
                    found.append(word)
        return found[:limit]
