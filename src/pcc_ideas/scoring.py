"""How records are ranked for a query, and why each one matched.

1. Each query word (or concept run) adds its best BM25F weight over what it stands for: its own
   form, its typo corrections (`search.TYPO_WEIGHT`), its thesaurus expansions (only for words
   the record does not hold), and, at `THEME_WEIGHT`, the names of the record's themes;
2. the sum is scaled by the share of the query the record matched, each word counted by how
   telling it is (its idf), and a pair of the user's words standing together counts extra;
3. each record type has a prior (`TYPE_PRIOR`): practice first, since users ask "what works,
   and where?"; source documents rank only when the query asks for a document;
4. the themes of the best hits lift the other records on them (`THEME_FEEDBACK`), and so do
   the telling words of their titles and summaries (`WORD_FEEDBACK`: pseudo-relevance
   feedback, which finds what a query's best answers call the thing it asked about);
5. for a query of several ideas, the best hits are lifted by how near their topics are to the
   query's (`TOPIC_WEIGHT`, `latent`): a record about all of it together, in whatever words,
   over one that holds its words apart;
6. ties go to the record type listed first in the schema, then to the id.
Candidates come from whole postings; the best of them (`SHORTLIST`) are scored in full, one
record at a time, from the index alone; only the best hits' records are read, for feedback
(`FEEDBACK_DOCS` of them for their words, `TOPIC_POOL` for their topics). Every hit can say
why it matched (`Hit.explain`), and whether it matched the user's own words or only
expansions (`Hit.strong`, `Hit.close`), and whether it matched all of the query (`Hit.whole`).
"""

from __future__ import annotations

import functools
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from functools import cached_property
from typing import TYPE_CHECKING

from .models import TYPE_ORDER, Record
from .query import Group, Query
from .search import (
    FIELDS,
    THEME_PREFIX,
    Index,
    field_counts,
    field_texts,
    holds,
    pairs,
    record_texts,
)
from .text import STOPWORDS, WORD, fold, stem, terms, tokens
from .values import Fields, Value, frozen, mutable

if TYPE_CHECKING:
    from .latent import Topics

PHRASE_WEIGHT = 0.6
WHOLE = 0.999  # of a query's weight matched: all of it, but for rounding
# How the parts of a score that come from the query as a whole, not one of its words, match
# (by the best hits' words, or by the record's topics), and how explain says so on a terminal;
# their "word" is what they come from.
WHOLE_QUERY = {
    "feedback": "shares words with the top results",
    "topic": "about the same subject as the whole question",
}
TOP_RESULTS = "the top results"
WHOLE_QUESTION = "the whole question"
SAME_THING = frozenset({"thesaurus", "place"})  # expansions that name what the user's word does
THEME_WEIGHT = 0.5  # a word found only in the titles and aliases of a record's themes
THEME_FEEDBACK = 0.5
FEEDBACK_DEPTH = 5
FEEDBACK_THEMES = 3
# Pseudo-relevance feedback: the telling words of the best few hits' titles and summaries
# (`FEEDBACK_WORDS` of them, each weighted by how telling it is and how large a share of
# those hits' text it is) lift the records among the `FEEDBACK_POOL` best that hold them, by
# up to `WORD_FEEDBACK` of the best score.
WORD_FEEDBACK = 0.25
FEEDBACK_WORDS = 20
FEEDBACK_DOCS = 3
FEEDBACK_POOL = 60
FEEDBACK_FIELDS = ("title", "names", "summary")
# Topic feedback (`latent`): the `TOPIC_POOL` best hits of a query of at least `TOPIC_GROUPS`
# ideas are lifted by up to `TOPIC_WEIGHT` of their score, by how near their topics are to the
# query's; not for a query that names a place, whose answers are that place's own records
# (topics say what a record is about, not where: they would lift other areas' records on the
# subject as much).
TOPIC_WEIGHT = 1.0
TOPIC_POOL = 30
TOPIC_GROUPS = 2
# A word held by more than this share of the records is common: its postings are read to
# find candidates only when its query's telling words find too few (see `candidates`).
COMMON = 0.2
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


@frozen
class Contribution(Value):
    """What one query word (or concept) added to a hit's score, and how it matched."""

    word: str  # the user's word(s)
    matched: str  # the record's word(s) it matched, as the record writes them
    how: str  # exact, stem, typo, thesaurus, broader, narrower, related, place, theme,
    # feedback
    field: str  # the fields it was found in, best first
    points: float


@frozen
class Hit(Value):
    """A record that matched a query, its score, and how it matched."""

    record: Record
    score: float
    matched: tuple[str, ...]  # index terms that matched, for highlighting
    strong: bool = True  # matched the user's own words (or their exact synonyms)
    close: bool = True  # matched a topic word of the query as typed
    whole: bool = True  # matched every word of the query, or what it stands for
    # Works out `explain` when it is asked for (most searches never ask).
    explainer: Callable[[], tuple[Contribution, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    @cached_property
    def explain(self) -> tuple[Contribution, ...]:
        """Which query words matched what, how, in which fields, and how much each added."""
        return self.explainer() if self.explainer else ()


def rank(
    index: Index,
    query: Query,
    keep: Iterable[int] | None = None,
    limit: int | None = None,
    tiebreak: Sequence[str] | None = None,
    record_of: Callable[[int], Record] | None = None,
    shortlist: int | None = None,
    topics: Callable[[], Topics] | None = None,
) -> list[Ranked]:
    """The indexed records matching the query, best first (the first `limit`, or all),
    as positions with their score; `keep` limits them to those positions; `record_of` reads
    the record at a position, for word feedback and, with `topics`, topic feedback.

    Two passes: the query's own words and their synonyms are read from whole postings
    to find candidates; the best of those (`shortlist`, else `SHORTLIST` per result
    wanted) are then scored in full, each word looked up in that record's postings."""
    if not query.groups:
        return []
    scoring = Scoring(index, query)
    wanted = shortlist or (max(SHORTLIST, SHORTLIST_PER_RESULT * limit) if limit else None)
    estimates = scoring.candidates(set(keep) if keep is not None else None, wanted)
    found: Iterable[int] = estimates
    if wanted:
        found = heapq.nlargest(wanted, estimates, key=estimates.__getitem__)
    scored = {d: scoring.score(d) for d in found}
    feedback(index, scored)
    if record_of:
        asked = {s for g in query.groups for s in g.stems}
        word_feedback(index, scored, lambda d: feedback_words(record_of(d)), asked)
        if topics and len(query.groups) >= TOPIC_GROUPS and not any(g.place for g in query.groups):
            topic_feedback(scored, scoring.weighted_words(), topics(), record_of)
    kinds = index.columns["type"]

    def order(d: int) -> tuple[float, int, str]:
        return (-round(scored[d].score, 6), kinds[d], tiebreak[d] if tiebreak else "")

    ranked = heapq.nsmallest(limit, scored, key=order) if limit else sorted(scored, key=order)
    return [scored[d] for d in ranked]


def feedback(index: Index, scored: dict[int, Ranked]) -> None:
    """Lift records on the themes of the best hits: a query's best answers say what it
    is about, and what else is on that subject is likely to be wanted too."""
    top = heapq.nlargest(FEEDBACK_DEPTH, scored, key=lambda d: scored[d].score)
    weight = sum(scored[d].score for d in top) or 1.0
    share: dict[str, float] = defaultdict(float)
    for key in index.theme_keys:
        for d in top:
            if holds(index.facets[key], d):
                share[key] += scored[d].score / weight
    themes = heapq.nlargest(FEEDBACK_THEMES, share, key=share.__getitem__)
    for d, r in scored.items():
        lift = sum(share[k] for k in themes if holds(index.facets[k], d))
        r.score *= 1 + THEME_FEEDBACK * min(lift, 1.0)


def word_feedback(
    index: Index,
    scored: dict[int, Ranked],
    words_of: Callable[[int], Mapping[str, float]],
    asked: set[str],
) -> None:
    """Lift the records that share the telling words of the best hits: records on the same
    subject often call it by words the query did not use (the best answer to "overdose
    reversal spray" says naloxone; what else says naloxone is wanted too)."""
    pool = heapq.nlargest(FEEDBACK_POOL, scored, key=lambda d: scored[d].score)
    top = pool[:FEEDBACK_DOCS]
    total = sum(scored[d].score for d in top)
    if not total:
        return
    telling: dict[str, float] = defaultdict(float)
    for d in top:
        found = {w: n for w, n in words_of(d).items() if w not in asked and w in index.postings}
        size = sum(found.values()) or 1.0
        for w, n in found.items():
            telling[w] += scored[d].score / total * n / size * index.idf(w)
    chosen = heapq.nlargest(FEEDBACK_WORDS, telling.items(), key=lambda wv: wv[1])
    idfs = {w: index.idf(w) for w, _ in chosen}
    held = {d: [(w, index.weight_at(w, d) * idfs[w] * v) for w, v in chosen] for d in pool}
    most = max(sum(v for _, v in ws) for ws in held.values())
    if not most:
        return
    scale = WORD_FEEDBACK * scored[pool[0]].score / most
    for d in pool:
        parts = sorted((wv for wv in held[d] if wv[1]), key=lambda wv: -wv[1])
        if parts:
            scored[d].add(
                TOP_RESULTS,
                " ".join([w for w, _ in parts if not w.isdigit()][:3]),  # no "11" of 11.5%
                "feedback",
                scale * sum(v for _, v in parts),
            )


def topic_feedback(
    scored: dict[int, Ranked],
    asked: Mapping[str, float],
    topics: Topics,
    record_of: Callable[[int], Record],
) -> None:
    """Lift the best hits by how near each record's topics are to the query's (`latent`):
    a query of several ideas is best answered by a record about them together, in
    whatever words it says so, not by one that holds most of its words apart."""
    from .latent import cosine

    place = topics.of_words(asked)
    for d in heapq.nlargest(TOPIC_POOL, scored, key=lambda d: scored[d].score):
        near = cosine(place, topics.of_words(topics.weights(record_of(d))))
        if near > 0:
            r = scored[d]
            r.add(WHOLE_QUESTION, "", "topic", r.score * TOPIC_WEIGHT * near)
            r.toward = functools.partial(_nearest_words, topics, place)


def _nearest_words(topics: Topics, place: Sequence[float], record: Record) -> str:
    """The three words of a record that bring its topics nearest the query's, for explain."""
    return " ".join(topics.nearest(topics.weights(record), place, 3))


def feedback_words(record: Record) -> dict[str, float]:
    """A record's words that say what it is about, for word feedback: those of its title,
    names and summary, each counted by its field's weight."""
    found: dict[str, float] = defaultdict(float)
    for name, text in record_texts(record):
        if name in FEEDBACK_FIELDS:
            for w in terms(text):
                found[w] += FIELDS[name][0]
    return found


Part = tuple[str, str, str, float]  # the user's word(s), the index word(s), how, value


class Scoring:
    """One query read against one index: who the candidates are, and each one's score."""

    def __init__(self, index: Index, query: Query):
        self.index, self.query = index, query
        self.alternatives = [
            [index.alternatives(s, w, g.typos) for s, w in zip(g.stems, g.words, strict=True)]
            for g in query.groups
        ]
        self._idf: dict[str, float] = {}
        # Coverage counts each group by how telling its words are (their idf), so a record
        # matching the topic word outranks one matching only the generic words around it;
        # each group's points are scaled as its importance was capped.
        self.importance, self.scale = self._importances()
        self.whole = sum(self.importance) or 1.0
        self.prior = [TYPE_PRIOR.get(t, 1.0) for t in TYPE_ORDER]
        if query.wants_documents:
            self.prior[TYPE_ORDER.index("source")] = 1.0
        # The user's words standing together: each pair of neighbouring stems, as typed.
        self.phrases = list(
            zip(
                pairs([s for g in query.groups for s in g.stems]),
                pairs([w for g in query.groups for w in g.words]),
                strict=True,
            )
        )
        self.all_generic = all(g.weight < 1 for g in query.groups)

    def weighted_words(self) -> dict[str, float]:
        """The query's words and what they stand for, each weighed as it counts, for its
        topics."""
        found: dict[str, float] = defaultdict(float)
        for group, alts in self.groups:
            for stem_alts in alts if group.direct else ():
                for alt, typo in stem_alts:
                    found[alt] += group.weight * typo
            for e in group.expansions:
                for w in e.words:
                    found[w] += group.weight * e.weight / len(e.words)
        return found

    @property
    def groups(self) -> list[tuple[Group, list[list[tuple[str, float]]]]]:
        return list(zip(self.query.groups, self.alternatives, strict=True))

    def idf(self, term: str) -> float:
        found = self._idf.get(term)
        if found is None:
            found = self._idf[term] = self.index.idf(term) if term in self.index.postings else 0.0
        return found

    def _importances(self) -> tuple[list[float], list[float]]:
        """How telling each group is (`_importance`), and by how much its points are scaled:
        a place is never more telling than what is asked about there (a place few records
        name has a high idf, and its records on anything else would outrank the topic:
        "women in West Yorkshire"), and its points in a record are scaled as its share is,
        so they do not outweigh the topic either ("drugs in Weston-super-Mare")."""
        found = [self._importance(g, alts) for g, alts in self.groups]
        asked = [v for (g, _), v in zip(self.groups, found, strict=True) if not g.place]
        capped = [
            min(v, max(asked)) if g.place and asked else v
            for (g, _), v in zip(self.groups, found, strict=True)
        ]
        return capped, [c / v if v else 1.0 for c, v in zip(capped, found, strict=True)]

    def _importance(self, group: Group, alts: list[list[tuple[str, float]]]) -> float:
        """How telling a group's words are: the sum of their idfs. A misspelt word counts as
        the word it is most surely read as, in full: how sure the reading is weighs on each
        record's score, not on how much of the query the word is ("BAME recruitmnet": a
        record on recruitment covers the query; one on BAME alone does not)."""
        own = [
            max(((w, self.idf(a)) for a, w in stem_alts), default=(0, 0.0))[1] for stem_alts in alts
        ]
        if any(own) and group.direct:
            # A place's name is one unit: as telling as its rarest word ("West Yorkshire"
            # would otherwise count twice, and outweigh what the user asked about there).
            return (max(own) if group.place else sum(own)) * group.weight
        # Words the records never use count as what they stand for: in full for a synonym
        # (the user meant the thing wholly; how sure the reading is weighs on each record's
        # score, not on how much of the query the word is), less for a broader or related term.
        idfs = [
            min(self.idf(w) for w in e.words) * (1.0 if e.how in SAME_THING else e.weight)
            for e in group.expansions
        ]
        return max(idfs, default=1.0) * (1 if group.place else len(group.stems)) * group.weight

    # ------------------------------------------------------------ candidates

    def candidates(self, keep: set[int] | None, enough: int | None) -> dict[int, float]:
        """The records holding a query word or a synonym of one, with a first estimate of
        their score (word weights, scaled by coverage and the type's prior): first those of
        the telling words, then, unless `enough` are found, of the common ones (held by more
        than `COMMON` of the records), then of the words of the records' themes' names (they
        stand for every record on a theme). Words that many records hold weigh little, and
        their postings are long: a search of a large corpus reads them only to score the
        best candidates (`score`)."""
        total: dict[int, float] = defaultdict(float)
        covered: dict[int, float] = defaultdict(float)
        own = [self._terms(group, alts) for group, alts in self.groups]
        themed = [
            [(THEME_PREFIX + a, f * THEME_WEIGHT) for a, f in group_terms] for group_terms in own
        ]
        common = COMMON * self.index.size
        words = [ts + self._expanded(g) for ts, (g, _) in zip(own, self.groups, strict=True)]
        telling = [[t for t in ts if self._count(t[0]) <= common] for ts in words]
        everyday = [[t for t in ts if self._count(t[0]) > common] for ts in words]
        found_by = [set[int]() for _ in self.groups]  # each group's records so far
        for stage in (telling, everyday, themed):
            for i in range(len(self.groups)):
                seen: set[int] = set()
                for term, factor in stage[i]:
                    f = self.idf(term) * factor * self.scale[i]
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
        """The index terms of a group's own words, with their weights: none when only what
        the words stand for counts (a region: its areas)."""
        if not group.direct:
            return []
        return [(alt, typo * group.weight) for stem_alts in alts for alt, typo in stem_alts]

    def _expanded(self, group: Group) -> list[tuple[str, float]]:
        """The index terms that find a group's expansions: a word, or a phrase's rarest pair."""
        return [
            (e.words[0] if len(e.words) == 1 else self._rarest(pairs(e.words)), e.weight)
            for e in group.expansions
        ]

    def _rarest(self, terms: list[str]) -> str:
        return min(terms, key=self._count)

    def _count(self, term: str) -> int:
        """How many records hold an index term."""
        return len(self.index.postings.get(term, ((),))[0])

    # ------------------------------------------------------------ one record

    def score(self, d: int) -> Ranked:
        """One record's score in full, with the parts that made it."""
        at = self.index.weight_at
        parts: list[Part] = []
        raw = covered = 0.0
        for (group, alts), importance, scale in zip(
            self.groups, self.importance, self.scale, strict=True
        ):
            own_words = zip(group.words, alts, strict=False) if group.direct else ()
            direct = [p for w, a in own_words if (p := self._word(w, a, group, d))]
            if group.place and len(direct) < len(group.stems):
                direct = []  # part of a place's name ("West" of West Yorkshire) is no place
            if scale != 1.0:
                direct = [(w, m, how, v * scale) for w, m, how, v in direct]
            value = sum(p[3] for p in direct)
            # An expansion stands in only for words the record does not hold itself.
            own = [p for p in direct if p[2] != "theme"]
            expanded = self._expansion(group, d) if len(own) < len(group.stems) else None
            if expanded and scale != 1.0:
                expanded = (*expanded[:3], expanded[3] * scale)
            if expanded and expanded[3] > value:
                parts.append(expanded)
                raw += expanded[3]
                covered += importance
            elif direct:
                parts += direct
                raw += value
                covered += importance * len(direct) / len(group.stems)
        if raw:
            for pair, typed in self.phrases:
                if value := at(pair, d) * self.idf(pair) * PHRASE_WEIGHT:
                    parts.append((typed, pair, "phrase", value))
                    raw += value
        share = min(covered / self.whole, 1.0)
        score = raw * share * self.prior[self.index.columns["type"][d]]
        close = any(p[2] == "exact" for p in parts) and (
            self.all_generic or any(p[0] in self._topic_words for p in parts if p[2] == "exact")
        )
        return Ranked(d, score, raw, parts, close, share >= WHOLE)

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
        are worth, but no more than the user's own words would be (a rare synonym of a
        common phrase must not outrank the phrase)."""
        at = self.index.weight_at
        # Never worth more than the user's own words would be in the same place, when the
        # records use them.
        own_idfs = [self.idf(st) for st in group.stems]
        cap = sum(own_idfs) if all(own_idfs) else None
        best: Part | None = None
        for e in group.expansions:
            if not all(at(p, d) for p in pairs(e.words)):
                continue
            weights = [at(w, d) for w in e.words]
            values = [wt * self.idf(w) for wt, w in zip(weights, e.words, strict=True)]
            if not all(values):
                continue
            # What the group's words stand for, once for each of them; a place's name is
            # one unit however many words it has ("Weston-super-Mare").
            v = sum(values) / len(values) * e.weight * (1 if group.place else len(group.stems))
            if cap is not None:
                v = min(v, sum(weights) / len(weights) * e.weight * cap)
            if best is None or v > best[3]:
                best = (" ".join(group.words), " ".join(e.words), e.how, v)
        return best


@mutable
class Ranked(Fields):
    """A record's position in the index and its score, with the parts that made it."""

    position: int
    score: float
    raw: float  # the sum of the parts' values, before the coverage and type factors
    parts: list[Part] = field(default_factory=list)
    close: bool = True  # matched a topic word of the query exactly
    whole: bool = True  # matched every group of the query (see `Hit.whole`)
    # The words of the record that bring its topics nearest the query's, worked out only
    # when explain asks (see `topic_feedback`).
    toward: Callable[[Record], str] | None = None

    def add(self, word: str, matched: str, how: str, points: float) -> None:
        """Add points to the final score, as a part worth them once scaled (see `explain`)."""
        value = points * self.raw / self.score if self.score else points
        self.parts.append((word, matched, how, value))
        self.raw += value
        self.score += points

    @property
    def strong(self) -> bool:
        """Matched the user's own words, misspelt or not, their exact synonyms, or the force
        area of a town they named ("Newport" is Gwent)."""
        return any(p[2] in ("exact", "typo", "thesaurus", "place") for p in self.parts)

    @property
    def matched(self) -> tuple[str, ...]:
        return tuple(w for p in self.parts if p[2] not in WHOLE_QUERY for w in p[1].split())

    def hit(self, record: Record, theme_titles: Mapping[str, Sequence[str]]) -> Hit:
        return Hit(
            record,
            self.score,
            self.matched,
            self.strong,
            self.close,
            self.whole,
            functools.partial(self.explain, record, theme_titles),
        )

    def explain(
        self, record: Record, theme_titles: Mapping[str, Sequence[str]]
    ) -> tuple[Contribution, ...]:
        """Which query words matched what, how, in which fields, and how much each added."""
        texts = field_texts(record, theme_titles)
        counts = {name: c for name, (c, _) in field_counts(texts).items()}
        written = Written(texts)
        scale = self.score / self.raw if self.raw else 0.0
        out = []
        for user, matched, how, value in self.parts:
            if how == "topic" and self.toward:
                matched = self.toward(record)
            held = all if how not in WHOLE_QUERY else any
            keys = [matched] if how == "phrase" else matched.split()  # a phrase: its pair
            where = [f for f in FIELDS if held(w in counts.get(f, ()) for w in keys)]
            if how == "exact" and not any(user in tokens(t) for f in where for t in texts[f]):
                how = "stem"
            words = matched.split()
            if how == "exact":  # the record holds the word as the user typed it
                shown = user
            elif how not in WHOLE_QUERY and (run := written.run(words)):
                shown = run
            else:
                shown = " ".join(written.run([w]) or w for w in words)
            out.append(Contribution(user, shown, how, ", ".join(where), value * scale))
        return tuple(out)


class Written:
    """A record's texts as it writes them, each word read once with where it stands and its
    stem (stop words left out), fields in order of weight, title first: so that explain shows
    the record's words, not the index's stems."""

    def __init__(self, texts: Mapping[str, Sequence[str]]):
        self.texts = [
            (
                text,
                [
                    (m.start(), m.end(), stem(w))
                    for m in WORD.finditer(text)
                    if (w := fold(m.group())) not in STOPWORDS
                ],
            )
            for name in FIELDS
            for text in texts.get(name, ())
        ]

    def run(self, stems: Sequence[str]) -> str | None:
        """Stems that stand together in the record, as it first writes them, stop words and
        punctuation included ("Stop & Search" for "stop search", "Dyfed-Powys"; "policing"
        for "polic"). None if they stand together nowhere."""
        n = len(stems)
        for text, words in self.texts:
            for i in range(len(words) - n + 1):
                if all(words[i + k][2] == s for k, s in enumerate(stems)):
                    return text[words[i][0] : words[i + n - 1][1]]
        return None
