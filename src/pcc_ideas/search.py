"""Ranked search over every record: BM25F with field weights, abbreviations, typo tolerance.

How a query is scored, in order of what matters most:
1. each query word is looked up in the index; a word not in it is corrected to the words of
   the vocabulary within `text.max_edits` edits, which count for less than exact words;
2. each matching word adds its BM25F weight, where a word in a title or alias counts more
   than one in names of organisations and places, which counts more than the summary, which
   counts more than the rest (so a record *about* the query outranks one that mentions it);
3. records that match every query word, then those that hold the query as a phrase (in the
   title most, then the summary; checked for the best `PHRASE_WINDOW` records), are lifted
   above records matching only some of them;
4. case studies and examples, then recommendations and themes, get a small lift
   (`TYPE_BOOST`), since the question users bring is "what works, and where";
5. ties go to the record type listed first in the schema, then to the id.
Abbreviations and synonyms (`data/abbreviations.yaml`) are added at index time, both ways:
a record saying "restorative justice" is found by RJ and one saying RJ by the words.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import RECORD_TYPES, TYPE_ORDER, Record, to_dict
from .text import STOPWORDS, max_edits, terms, words

K1, B = 1.2, 0.75
FIELD_WEIGHTS = {"title": 5.0, "names": 2.5, "summary": 1.0, "body": 0.5}
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
    "value": "names",
    "summary": "summary",
}
NOT_INDEXED = frozenset({"id", "type", "themes", "scope", "number", "score"})
TYPO_WEIGHT = (1.0, 0.6, 0.4)  # by number of edits
ALL_WORDS_BONUS, TITLE_PHRASE_BONUS, PHRASE_BONUS = 1.0, 0.6, 0.3
PHRASE_WINDOW = 100  # the best records by word score that are checked for phrases
# "What works, and where?": practice first when the words fit it as well as anything else.
TYPE_BOOST = {
    "case-study": 1.15,
    "example": 1.1,
    "recommendation": 1.05,
    "theme": 1.05,
}


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    matched: tuple[str, ...]  # index terms that matched, for highlighting


def field_texts(record: Record) -> dict[str, list[str]]:
    """The record's text by index field; the type's label is part of the body."""
    out: dict[str, list[str]] = defaultdict(list)
    out["body"].append(RECORD_TYPES[record.type].label)
    for name, value in to_dict(record).items():
        if name not in NOT_INDEXED:
            out[FIELD_OF.get(name, "body")].extend(_strings(value))
    return out


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif value is not None:
        yield str(value)


def facets_of(record: Record) -> set[str]:
    """The filter values a record can be found by (see `Index.facet`)."""
    found = {f"type:{record.type}"}
    found.update(f"theme:{t}" for t in record.themes)
    found.update(f"area:{a}" for a in record.areas)
    found.update(f"source:{c.source}" for c in record.sources)
    if evidence := getattr(record, "evidence", None):
        found.add(f"evidence:{evidence}")
    return found


class Expander:
    """Adds the other side of each abbreviation or synonym found in a list of words."""

    def __init__(self, table: Mapping[str, Sequence[str]]):
        pairs: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for short, phrases in table.items():
            s = tuple(words(short))
            for meaning in phrases:
                p = tuple(words(meaning))
                if s and p and s != p:
                    pairs[s].update(w for w in p if w not in STOPWORDS)
                    pairs[p].update(w for w in s if w not in STOPWORDS)
        self._by_first: dict[str, list[tuple[tuple[str, ...], set[str]]]] = defaultdict(list)
        for words_, extra in pairs.items():
            self._by_first[words_[0]].append((words_, extra))

    def extra(self, ws: list[str]) -> list[str]:
        found: list[str] = []
        for i, w in enumerate(ws):
            for phrase, add in self._by_first.get(w, ()):
                if tuple(ws[i : i + len(phrase)]) == phrase:
                    found.extend(add)
        return found


class Index:
    """An inverted index over records; `search` ranks them for a query.

    It is made of plain parts that a cache can store and give back lazily, without pickle:
    - `postings`: each term's two compact arrays (record positions ascending, BM25F weights);
    - `facets`: each filter value's record positions (see `facet`);
    - `columns`: one value per record, by name (`boost`: the record type's lift);
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
        self.boost = columns["boost"]
        self._vocabulary: list[str] | None = None

    def idf(self, term: str) -> float:
        n, df = self.size, len(self.postings[term][0])
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    @classmethod
    def build(
        cls,
        records: Sequence[Record],
        abbreviations: Mapping[str, Sequence[str]] = {},
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Index:
        """Index records; the index keeps their positions, not the records themselves."""
        expander = Expander(abbreviations)
        per_doc: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = {f: [] for f in FIELD_WEIGHTS}
        for done, record in enumerate(records):
            if progress and done % 1000 == 0:
                progress("Indexing records", done, len(records))
            fields: dict[str, Counter[str]] = {}
            for name, texts in field_texts(record).items():
                ws = [w for t in texts for w in words(t)]
                counts = Counter(w for w in ws if w not in STOPWORDS)
                counts.update(expander.extra(ws))
                fields[name] = counts
                lengths[name].append(sum(counts.values()))
            per_doc.append(fields)
        if progress:
            progress("Indexing records", len(records), len(records))
        average = {f: max(sum(v) / max(len(v), 1), 1.0) for f, v in lengths.items()}
        docs: dict[str, array[int]] = {}
        weights: dict[str, array[float]] = {}
        for doc, fields in enumerate(per_doc):
            weighted: dict[str, float] = defaultdict(float)
            for name, counts in fields.items():
                norm = 1 - B + B * sum(counts.values()) / average[name]
                for term, tf in counts.items():
                    weighted[term] += FIELD_WEIGHTS[name] * tf / norm
            for term, wtf in weighted.items():
                if term not in docs:
                    docs[term], weights[term] = array("I"), array("f")
                docs[term].append(doc)
                weights[term].append(wtf * (K1 + 1) / (wtf + K1))
        facets: dict[str, array[int]] = defaultdict(lambda: array("I"))
        for doc, r in enumerate(records):
            for facet in facets_of(r):
                facets[facet].append(doc)
        boost = array("f", (TYPE_BOOST.get(r.type, 1.0) for r in records))
        postings = {t: (docs[t], weights[t]) for t in docs}
        return cls(postings, dict(facets), {"boost": boost}, len(records))

    def facet(self, key: str) -> array[int]:
        """The positions of the records with a filter value: `type:figure`, `theme:drugs`,
        `area:Cleveland`, `source:briefing-2021`, `evidence:evaluation`."""
        return self.facets.get(key, array("I"))

    @property
    def vocabulary(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = sorted(self.postings)
        return self._vocabulary

    def alternatives(self, term: str) -> list[tuple[str, float]]:
        """The index terms a query word stands for, with their weight: itself, or its
        corrections when it is not in the index."""
        if term in self.postings:
            return [(term, 1.0)]
        if not max_edits(term):
            return []
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        near = process.extract(
            term, self.vocabulary, scorer=OSA.distance, score_cutoff=max_edits(term), limit=5
        )
        return [(word, TYPO_WEIGHT[d]) for word, d, _ in near if word[:1] == term[:1]]

    def _term_scores(self, term: str, allowed: set[int] | None) -> dict[int, tuple[float, str]]:
        """Each record's best score for one query word, over the words it stands for."""
        best: dict[int, tuple[float, str]] = {}
        for word, weight in self.alternatives(term):
            idf = self.idf(word) * weight
            docs, weights = self.postings[word]
            for doc, w in zip(docs, weights, strict=True):
                if (allowed is None or doc in allowed) and idf * w > best.get(doc, (0.0,))[0]:
                    best[doc] = (idf * w, word)
        return best

    def search(
        self,
        query: str,
        records: Sequence[Record],
        keep: Iterable[int] | None = None,
        limit: int | None = None,
    ) -> list[Hit]:
        """The indexed records matching the query, best first: the first `limit` of them, or
        all; `keep` limits them to those positions."""
        qterms = list(dict.fromkeys(terms(query)))
        if not qterms:
            return []
        allowed = set(keep) if keep is not None else None
        per_term = [self._term_scores(t, allowed) for t in qterms]
        total: dict[int, float] = defaultdict(float)
        covered: dict[int, int] = defaultdict(int)
        for best in per_term:
            for doc, (value, _) in best.items():
                total[doc] += value
                covered[doc] += 1
        n = len(qterms)
        # The score before phrases: word scores, lifted when every word matched.
        score = {
            d: v * (1 + ALL_WORDS_BONUS * (covered[d] == n)) * self.boost[d] * covered[d] / n
            for d, v in total.items()
        }
        if n > 1:
            for d in heapq.nlargest(max(PHRASE_WINDOW, limit or 0), score, key=score.__getitem__):
                bonus = self._phrase_bonus(records[d], qterms)
                score[d] *= 1 + bonus / (1 + ALL_WORDS_BONUS * (covered[d] == n))

        def order(d: int) -> tuple[float, int, str]:
            return (-round(score[d], 6), TYPE_ORDER.index(records[d].type), records[d].id)

        ranked = heapq.nsmallest(limit, score, key=order) if limit else sorted(score, key=order)
        return [
            Hit(records[d], score[d], tuple(b[d][1] for b in per_term if d in b)) for d in ranked
        ]

    @staticmethod
    def _phrase_bonus(record: Record, qterms: list[str]) -> float:
        """A lift for a record holding the query words in order: most in its title, less in
        its summary."""
        phrase = " " + " ".join(qterms) + " "
        if phrase in " " + " ".join(terms(record.title)) + " ":
            return TITLE_PHRASE_BONUS
        return PHRASE_BONUS if phrase in " " + " ".join(terms(record.summary)) + " " else 0.0

    def suggestions(self, query: str, limit: int = 3) -> list[str]:
        """Vocabulary words nearest to the query's words, for "did you mean"."""
        from rapidfuzz import fuzz, process

        found: list[str] = []
        for term in terms(query)[:5]:
            for word, _, _ in process.extract(
                term, self.vocabulary, scorer=fuzz.ratio, limit=limit, score_cutoff=70
            ):
                if word not in found:
                    found.append(word)
        return found[:limit]
