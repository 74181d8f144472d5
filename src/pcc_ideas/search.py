"""Ranked search over every record: BM25F with field weights, abbreviations, typo tolerance.

How a query is scored, in order of what matters most:
1. each query word is looked up in the index; a word not in it is corrected to the words of
   the vocabulary within `text.max_edits` edits, which count for less than exact words;
2. each matching word adds its BM25F weight, where a word in a title or alias counts more
   than one in names of organisations and places, which counts more than the summary, which
   counts more than the rest (so a record *about* the query outranks one that mentions it);
3. records that match every query word, then those that hold the query as a phrase (in the
   title most), are lifted above records matching only some of them;
4. case studies and examples, then recommendations and themes, get a small lift
   (`TYPE_BOOST`), since the question users bring is "what works, and where";
5. ties go to the record type listed first in the schema, then to the id.
Abbreviations and synonyms (`data/abbreviations.yaml`) are added at index time, both ways:
a record saying "restorative justice" is found by RJ and one saying RJ by the words.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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
    """An inverted index over records; `search` ranks them for a query."""

    def __init__(self, records: Sequence[Record], abbreviations: Mapping[str, Sequence[str]] = {}):
        """Index records; the index keeps their positions, not the records themselves."""
        expander = Expander(abbreviations)
        per_doc: list[dict[str, Counter[str]]] = []
        lengths: dict[str, list[int]] = {f: [] for f in FIELD_WEIGHTS}
        for record in records:
            fields: dict[str, Counter[str]] = {}
            for name, texts in field_texts(record).items():
                ws = [w for t in texts for w in words(t)]
                counts = Counter(w for w in ws if w not in STOPWORDS)
                counts.update(expander.extra(ws))
                fields[name] = counts
                lengths[name].append(sum(counts.values()))
            per_doc.append(fields)
        average = {f: max(sum(v) / max(len(v), 1), 1.0) for f, v in lengths.items()}
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for doc, fields in enumerate(per_doc):
            weighted: dict[str, float] = defaultdict(float)
            for name, counts in fields.items():
                size = sum(counts.values())
                norm = 1 - B + B * size / average[name]
                for term, tf in counts.items():
                    weighted[term] += FIELD_WEIGHTS[name] * tf / norm
            for term, wtf in weighted.items():
                postings[term][doc] = wtf * (K1 + 1) / (wtf + K1)
        n = len(records)
        self.idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()
        }
        self.postings = dict(postings)
        self._vocabulary: list[str] | None = None

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

    def search(
        self, query: str, records: Sequence[Record], keep: Iterable[int] | None = None
    ) -> list[Hit]:
        """The indexed records matching the query, best first; `keep` limits them to those
        positions."""
        qterms = list(dict.fromkeys(terms(query)))
        if not qterms:
            return []
        allowed = set(keep) if keep is not None else None
        scores: dict[int, float] = defaultdict(float)
        covered: dict[int, int] = defaultdict(int)
        matched: dict[int, list[str]] = defaultdict(list)
        for term in qterms:
            best: dict[int, tuple[float, str]] = {}
            for word, weight in self.alternatives(term):
                idf = self.idf[word] * weight
                for doc, part in self.postings[word].items():
                    if allowed is not None and doc not in allowed:
                        continue
                    if idf * part > best.get(doc, (0.0, ""))[0]:
                        best[doc] = (idf * part, word)
            for doc, (value, word) in best.items():
                scores[doc] += value
                covered[doc] += 1
                matched[doc].append(word)
        ranked = sorted(scores, key=lambda d: -scores[d])
        final = {}
        for rank, doc in enumerate(ranked):
            bonus = ALL_WORDS_BONUS * (covered[doc] == len(qterms))
            if len(qterms) > 1 and rank < PHRASE_WINDOW:
                bonus += self._phrase_bonus(records[doc], qterms)
            boost = TYPE_BOOST.get(records[doc].type, 1.0)
            final[doc] = scores[doc] * (1 + bonus) * boost * (covered[doc] / len(qterms))
        order = sorted(
            final,
            key=lambda d: (-round(final[d], 6), TYPE_ORDER.index(records[d].type), records[d].id),
        )
        return [Hit(records[d], final[d], tuple(matched[d])) for d in order]

    @staticmethod
    def _phrase_bonus(record: Record, qterms: list[str]) -> float:
        phrase = " " + " ".join(qterms) + " "
        if phrase in " " + " ".join(terms(record.title)) + " ":
            return TITLE_PHRASE_BONUS
        body = " ".join(t for texts in field_texts(record).values() for t in texts)
        return PHRASE_BONUS if phrase in " " + " ".join(terms(body)) + " " else 0.0

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
