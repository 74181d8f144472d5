"""Ranked search over every record: BM25F with field weights, a thesaurus, typo tolerance.

How a query is read (`Query`):
1. its words are stemmed as the records' words are (`text.words`); question and function
   words ("how can a PCC…", "what works to…") are not content, unless nothing else is left;
2. runs of words that are a term of a thesaurus concept ("stabbing", "A&E", "rehab") bring in
   the concept's other terms at `thesaurus.SYNONYM_WEIGHT`, and its broader and related
   concepts' terms at `thesaurus.LINKED_WEIGHT`;
3. a word not in the index is corrected to the index words within `text.max_edits` edits
   (same first letter), which count for less than exact words (`TYPO_WEIGHT`).
How a record is scored:
4. each query word (or concept run) adds its best BM25F weight over what it stands for: a
   word in a title or alias counts most, then names of organisations and places, then the
   summary, then the rest, and the titles and aliases of the record's themes least, so that
   "female offenders" reaches the case studies tagged with women and girls;
5. the sum is scaled by the share of query words the record matched, and lifted when it
   matched all of them;
6. each record type has a prior (`TYPE_PRIOR`): practice first, since users ask "what works,
   and where?"; source documents rank only when the query asks for a document;
7. ties go to the record type listed first in the schema, then to the id.
Every hit can say why it matched (`Hit.explain`), and whether it matched the user's own words
or only expansions (`Hit.strong`).
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .models import RECORD_TYPES, TYPE_ORDER, Record, to_dict
from .text import QUESTION_WORDS, STOPWORDS, max_edits, stem, terms, tokens, words
from .thesaurus import Expansion, Thesaurus

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
TYPO_WEIGHT = (1.0, 0.6, 0.4)  # by number of edits
ALL_WORDS_BONUS = 0.0
COVERAGE_POWER = 1.0
IDF_POWER = 1.0
PHRASE_WEIGHT = 0.6
# The fields whose pairs of neighbouring words are indexed, for phrases.
PHRASE_FIELDS = frozenset({"title", "names", "summary"})
GENERIC_WEIGHT = 0.3
THEME_WEIGHT = 0.5  # a word found only in the titles and aliases of a record's themes
THEME_PREFIX = "#"
THEME_FEEDBACK = 0.5
FEEDBACK_DEPTH = 5
FEEDBACK_THEMES = 3
# How many candidates are scored in full: at least SHORTLIST, and SHORTLIST_PER_RESULT per
# result asked for.
SHORTLIST = 200
SHORTLIST_PER_RESULT = 10
# How likely a record of each type is to be what a user wants when it matches as well as
# another: set from the graded judgements (the share of judged-useful records per type
# among those retrieved), rounded; source documents only when asked for.
TYPE_PRIOR = {
    "case-study": 1.2,
    "example": 1.15,
    "recommendation": 1.1,
    "theme": 0.9,
    "figure": 1.0,
    "resource": 0.85,
    "source": 0.3,
}
DOCUMENT_WORDS = frozenset(
    stem(w)
    for w in "article blog briefing document documents endnote endnotes guide paper "
    "publication report reports source sources".split()
)
MAX_QUERY_CHARS = 2000
MAX_QUERY_GROUPS = 32  # the words past these add nothing a person would notice


@dataclass(frozen=True)
class Contribution:
    """What one query word (or concept) added to a hit's score, and how it matched."""

    word: str  # the user's word(s)
    matched: str  # the index word(s) it matched
    how: str  # exact, stem, typo, thesaurus, broader, related, theme
    field: str  # the fields it was found in, best first
    points: float


@dataclass(frozen=True)
class Hit:
    record: Record
    score: float
    matched: tuple[str, ...]  # index terms that matched, for highlighting
    strong: bool = True  # matched the user's own words (or their exact synonyms)
    close: bool = True  # matched a topic word of the query as typed
    # Works out `explain` when it is asked for (most searches never ask).
    explainer: Callable[[], tuple[Contribution, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def explain(self) -> tuple[Contribution, ...]:
        """Which query words matched what, how, in which fields, and how much each added."""
        return self.explainer() if self.explainer else ()


# ---------------------------------------------------------------- reading records


def field_texts(record: Record, theme_names: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The record's text by index field; the type's label is part of the body."""
    out: dict[str, list[str]] = defaultdict(list)
    out["body"].append(RECORD_TYPES[record.type].label)
    for name, value in to_dict(record).items():
        if name not in NOT_INDEXED:
            out[FIELD_OF.get(name, "body")].extend(_strings(value))
    for theme in record.themes:
        out["themes"].extend(theme_names.get(theme, ()))
    return out


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "url":
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
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


# ---------------------------------------------------------------- reading queries


@dataclass
class Group:
    """One unit of a query: a content word, or a run of words that is a concept's term."""

    words: tuple[str, ...]  # the user's words as typed (folded)
    stems: tuple[str, ...]  # their stems, the ones that count
    expansions: tuple[Expansion, ...] = ()
    weight: float = 1.0  # less for a word that names no topic of the field


@dataclass
class Query:
    text: str
    groups: list[Group]
    wants_documents: bool

    @property
    def size(self) -> int:
        return sum(len(g.stems) for g in self.groups)


def read_query(
    text: str,
    thesaurus: Thesaurus | None = None,
    known: Callable[[str], bool] | None = None,
    topical: Callable[[str], bool] | None = None,
) -> Query:
    """A query's content words, grouped by the concept terms they form; a word the records
    never use (`known` says which they do) is read through the thesaurus terms holding it;
    a word that names no topic of the field (`topical` says which do: the words of the
    thesaurus, of theme names and of places) counts for `GENERIC_WEIGHT` of a topic word."""
    if len(text) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    toks = tokens(text)
    stems = [stem(t) for t in toks]
    spans = {s.start: s for s in (thesaurus.spans(stems) if thesaurus else [])}

    def content(i: int, minor: frozenset[str]) -> bool:
        return toks[i] not in STOPWORDS and toks[i] not in minor

    groups: list[Group] = []
    for minor in (QUESTION_WORDS, frozenset()):  # a query is never reduced to nothing
        groups, i = [], 0
        while i < len(toks):
            span = spans.get(i)
            end = span.end if span else i + 1
            kept = [j for j in range(i, end) if content(j, frozenset() if span else minor)]
            kept_stems = {stems[j]: toks[j] for j in kept}  # each stem once
            if kept_stems:
                expansions = span.expansions if span else ()
                if not span and thesaurus and known and not known(stems[i]):
                    expansions = thesaurus.containing(stems[i])
                generic = not span and topical is not None and not topical(stems[i])
                weight = GENERIC_WEIGHT if generic else 1.0
                groups.append(
                    Group(tuple(kept_stems.values()), tuple(kept_stems), expansions, weight)
                )
            i = end
        if groups:
            break
    merged: dict[tuple[str, ...], Group] = {}
    for g in groups:
        merged.setdefault(g.stems, g)
    groups = list(merged.values())[:MAX_QUERY_GROUPS]
    return Query(text, groups, bool(DOCUMENT_WORDS & set(stems)))


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

    def idf(self, term: str) -> float:
        n, df = self.size, len(self.postings[term][0])
        if term.startswith(THEME_PREFIX):
            df = sum(len(self.facets[self.theme_keys[i]]) for i in self.postings[term][0])
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) ** IDF_POWER

    @classmethod
    def build(
        cls,
        records: Sequence[Record],
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Index:
        """Index records; the index keeps their positions, not the records themselves."""
        themes = theme_names(records)
        per_doc: list[dict[str, tuple[Counter[str], int]]] = []
        totals: dict[str, int] = dict.fromkeys(FIELDS, 0)
        for done, record in enumerate(records):
            if progress and done % 1000 == 0:
                progress("Indexing records", done, len(records))
            fields = field_counts(field_texts(record, {}))
            for name, (_, size) in fields.items():
                totals[name] += size
            per_doc.append(fields)
        if progress:
            progress("Indexing records", len(records), len(records))
        average = {f: max(totals[f] / max(len(records), 1), 1.0) for f in FIELDS}
        docs: dict[str, array[int]] = {}
        weights: dict[str, array[float]] = {}
        for doc, fields in enumerate(per_doc):
            weighted: dict[str, float] = defaultdict(float)
            for name, (counts, size) in fields.items():
                weight, b = FIELDS[name]
                scale = weight / (1 - b + b * size / average[name])
                for term, tf in counts.items():
                    weighted[term] += tf * scale
            for term, wtf in weighted.items():
                if term not in docs:
                    docs[term], weights[term] = array("I"), array("f")
                docs[term].append(doc)
                weights[term].append(wtf * (K1 + 1) / (wtf + K1))
        facets: dict[str, array[int]] = defaultdict(lambda: array("I"))
        for doc, r in enumerate(records):
            for facet in facets_of(r):
                facets[facet].append(doc)
        kinds = array("B", (TYPE_ORDER.index(r.type) for r in records))
        postings = {t: (docs[t], weights[t]) for t in docs}
        postings.update(theme_postings(themes, sorted(k for k in facets if k.startswith("theme:"))))
        columns = {"type": kinds}
        return cls(postings, dict(facets), columns, len(records))

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
        self,
        query: Query,
        keep: Iterable[int] | None = None,
        limit: int | None = None,
        tiebreak: Sequence[str] | None = None,
    ) -> list[Ranked]:
        """The indexed records matching the query, best first (the first `limit`, or all),
        as positions with their score; `keep` limits them to those positions.

        Two passes: the query's own words and their synonyms are read from whole postings
        to find candidates; the best of those (`SHORTLIST` per result wanted) are then
        scored in full, each word looked up in that record's postings."""
        if not query.groups:
            return []
        scoring = Scoring(self, query)
        wanted = max(SHORTLIST, SHORTLIST_PER_RESULT * limit) if limit else None
        estimates = scoring.candidates(set(keep) if keep is not None else None, wanted)
        found: Iterable[int] = estimates
        if wanted:
            found = heapq.nlargest(wanted, estimates, key=estimates.__getitem__)
        scored = {d: scoring.score(d) for d in found}
        self._feedback(scored)
        kinds = self.columns["type"]

        def order(d: int) -> tuple[float, int, str]:
            return (-round(scored[d].score, 6), kinds[d], tiebreak[d] if tiebreak else "")

        ranked = heapq.nsmallest(limit, scored, key=order) if limit else sorted(scored, key=order)
        return [scored[d] for d in ranked]

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

    def _feedback(self, scored: dict[int, Ranked]) -> None:
        """Lift records on the themes of the best hits: a query's best answers say what it
        is about, and what else is on that subject is likely to be wanted too."""
        top = heapq.nlargest(FEEDBACK_DEPTH, scored, key=lambda d: scored[d].score)
        weight = sum(scored[d].score for d in top) or 1.0
        share: dict[str, float] = defaultdict(float)
        for key in self.theme_keys:
            for d in top:
                if holds(self.facets[key], d):
                    share[key] += scored[d].score / weight
        themes = heapq.nlargest(FEEDBACK_THEMES, share, key=share.__getitem__)
        for d, r in scored.items():
            lift = sum(share[k] for k in themes if holds(self.facets[k], d))
            r.score *= 1 + THEME_FEEDBACK * min(lift, 1.0)

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


Part = tuple[str, str, str, float]  # the user's word(s), the index word(s), how, value


class Scoring:
    """One query read against one index: who the candidates are, and each one's score."""

    def __init__(self, index: Index, query: Query):
        self.index, self.query = index, query
        self.alternatives = [[index.alternatives(s) for s in g.stems] for g in query.groups]
        self._idf: dict[str, float] = {}
        # Coverage counts each group by how telling its words are (their idf), so a record
        # matching the topic word outranks one matching only the generic words around it.
        self.importance = [self._importance(g, alts) for g, alts in self.groups]
        self.whole = sum(self.importance) or 1.0
        self.prior = [TYPE_PRIOR.get(t, 1.0) for t in TYPE_ORDER]
        if query.wants_documents:
            self.prior[TYPE_ORDER.index("source")] = 1.0
        self.phrases = pairs([s for g in query.groups for s in g.stems])
        self.all_generic = all(g.weight < 1 for g in query.groups)

    @property
    def groups(self) -> list[tuple[Group, list[list[tuple[str, float]]]]]:
        return list(zip(self.query.groups, self.alternatives, strict=True))

    def idf(self, term: str) -> float:
        found = self._idf.get(term)
        if found is None:
            found = self._idf[term] = self.index.idf(term) if term in self.index.postings else 0.0
        return found

    def _importance(self, group: Group, alts: list[list[tuple[str, float]]]) -> float:
        """How telling a group's words are: the sum of their idfs."""
        own = [max((self.idf(a) * w for a, w in stem_alts), default=0.0) for stem_alts in alts]
        if any(own):
            return sum(own) * group.weight
        # Words the records never use count as what they stand for.
        idfs = [min(self.idf(w) for w in e.words) * e.weight for e in group.expansions]
        return max(idfs, default=1.0) * len(group.stems) * group.weight

    # ------------------------------------------------------------ candidates

    def candidates(self, keep: set[int] | None, enough: int | None) -> dict[int, float]:
        """The records holding a query word or a synonym of one, with a first estimate of
        their score (word weights, scaled by coverage and the type's prior); those found
        only by their themes' names too, unless `enough` are found without them (theme
        words stand for every record on a theme, so they are many and weigh little)."""
        total: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        own = [self._terms(group, alts) for group, alts in self.groups]
        themed = [
            [(THEME_PREFIX + a, f * THEME_WEIGHT) for a, f in group_terms] for group_terms in own
        ]
        found_by = [set[int]() for _ in self.groups]  # each group's records so far
        for stage in (own, themed):
            for i, (group, _) in enumerate(self.groups):
                seen: set[int] = set()
                extra = self._expanded(group) if stage is own else []
                for term, factor in stage[i] + extra:
                    f = self.idf(term) * factor
                    for docs, weights in self.index.postings_of(term):
                        for d, w in zip(docs, weights, strict=True):
                            total[d] += f * w
                        seen.update(docs)
                for d in seen - found_by[i]:
                    covered[d] += self.importance[i]
                found_by[i] |= seen
            found = total if keep is None else total.keys() & keep
            if enough and len(found) >= enough:
                break
        kinds = self.index.columns["type"]
        return {
            d: v * covered[d] / self.whole * self.prior[kinds[d]]
            for d, v in total.items()
            if keep is None or d in keep
        }

    @staticmethod
    def _terms(group: Group, alts: list[list[tuple[str, float]]]) -> list[tuple[str, float]]:
        return [(alt, typo * group.weight) for stem_alts in alts for alt, typo in stem_alts]

    def _expanded(self, group: Group) -> list[tuple[str, float]]:
        """The index terms that find a group's expansions: a word, or a phrase's rarest pair."""
        return [
            (e.words[0] if len(e.words) == 1 else self._rarest(pairs(e.words)), e.weight)
            for e in group.expansions
        ]

    def _rarest(self, terms: list[str]) -> str:
        return min(terms, key=lambda t: len(self.index.postings.get(t, ((),))[0]))

    # ------------------------------------------------------------ one record

    def score(self, d: int) -> Ranked:
        """One record's score in full, with the parts that made it."""
        at = self.index.weight_at
        parts: list[Part] = []
        raw = covered = 0.0
        for (group, alts), importance in zip(self.groups, self.importance, strict=True):
            direct = [
                p
                for p in (
                    self._word(w, alts, group, d)
                    for w, alts in zip(group.words, alts, strict=False)
                )
                if p
            ]
            value = sum(p[3] for p in direct)
            # An expansion stands in only for words the record does not hold itself.
            own = [p for p in direct if p[2] != "theme"]
            expanded = self._expansion(group, d) if len(own) < len(group.stems) else None
            if expanded and expanded[3] > value:
                parts.append(expanded)
                raw += expanded[3]
                covered += importance
            elif direct:
                parts += direct
                raw += value
                covered += importance * len(direct) / len(group.stems)
        if raw:
            # The user's words standing together, as typed.
            raw += sum(at(p, d) * self.idf(p) * PHRASE_WEIGHT for p in self.phrases)
        share = min(covered / self.whole, 1.0)
        score = (
            raw
            * (1 + ALL_WORDS_BONUS * (share >= 0.999))
            * share**COVERAGE_POWER
            * self.prior[self.index.columns["type"][d]]
        )
        close = any(p[2] == "exact" for p in parts) and (
            self.all_generic or any(p[0] in self._topic_words for p in parts if p[2] == "exact")
        )
        return Ranked(d, score, raw, parts, close)

    def _word(self, word: str, alts: list[tuple[str, float]], group: Group, d: int) -> Part | None:
        """How one of the user's words matched a record: the best of its own form and its
        typo corrections, where the record holds them, else its themes' names; a record
        also tagged with a theme named by the word is worth at least what the theme says."""
        at = self.index.weight_at
        best: Part | None = None
        for alt, typo in alts:
            factor = typo * group.weight
            key = THEME_PREFIX + alt
            own = at(alt, d) * self.idf(alt) * factor
            themed = at(key, d) * self.idf(key) * factor * THEME_WEIGHT
            v = max(own, themed)
            if v and (best is None or v > best[3]):
                how = ("exact" if typo == 1.0 else "typo") if own else "theme"
                best = (word, alt, how, v)
        return best

    @cached_property
    def _topic_words(self) -> set[str]:
        return {w for g in self.query.groups if g.weight >= 1 for w in g.words}

    def _expansion(self, group: Group, d: int) -> Part | None:
        """The best of a group's expansions in one record: a term of several words counts
        where its words stand together (its pairs are in the record), for what its words
        are worth."""
        at = self.index.weight_at
        best: Part | None = None
        for e in group.expansions:
            if not all(at(p, d) for p in pairs(e.words)):
                continue
            values = [at(w, d) * self.idf(w) for w in e.words]
            if not all(values):
                continue
            v = sum(values) / len(values) * e.weight * len(group.stems)
            if best is None or v > best[3]:
                best = (" ".join(group.words), " ".join(e.words), e.how, v)
        return best


@dataclass
class Ranked:
    """A record's position in the index and its score, with the parts that made it."""

    position: int
    score: float
    raw: float  # the sum of the parts' values, before the coverage and type factors
    parts: list[Part] = field(default_factory=list)
    close: bool = True  # matched a topic word of the query exactly

    @property
    def strong(self) -> bool:
        """Matched the user's own words, misspelt or not, or their exact synonyms."""
        return any(p[2] in ("exact", "typo", "thesaurus") for p in self.parts)

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(w for p in self.parts for w in p[1].split())

    def hit(self, record: Record, theme_titles: Mapping[str, Sequence[str]]) -> Hit:
        return Hit(
            record,
            self.score,
            self.matched,
            self.strong,
            self.close,
            functools.partial(self.explain, record, theme_titles),
        )

    def explain(
        self, record: Record, theme_titles: Mapping[str, Sequence[str]]
    ) -> tuple[Contribution, ...]:
        """Which query words matched what, how, in which fields, and how much each added."""
        texts = field_texts(record, theme_titles)
        counts = {name: c for name, (c, _) in field_counts(texts).items()}
        scale = self.score / self.raw if self.raw else 0.0
        out = []
        for user, matched, how, value in self.parts:
            where = [f for f in FIELDS if all(w in counts.get(f, ()) for w in matched.split())]
            if how == "exact" and not any(user in tokens(t) for f in where for t in texts[f]):
                how = "stem"
            out.append(Contribution(user, matched, how, ", ".join(where), value * scale))
        return tuple(out)
