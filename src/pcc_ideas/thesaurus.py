"""The domain thesaurus: what people call the things the records describe.

A concept (after SKOS) has a preferred term (`label`), other terms people use for the same
thing (`alt`), abbreviations (`abbr`), and links to broader and related concepts. Search reads
a query's words for terms of concepts and adds the concept's other terms, weighted below the
user's own words (`SYNONYM_WEIGHT`), and its broader and related concepts' terms lower again
(`LINKED_WEIGHT`). `data/thesaurus.yaml` is the bundled thesaurus; a `thesaurus.yaml` in a
user's data folder adds concepts to it.

The annotations are objects, not strings (no `from __future__ import annotations`): a search
rebuilds the concepts it reads from the cache by their fields' types, and would otherwise
compile each string again.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from functools import cached_property
from typing import NamedTuple

from .errors import DataError
from .text import fold, respellings, terms, words
from .values import Fields, Value, frozen, mutable

SYNONYM_WEIGHT = 0.8
LINKED_WEIGHT = 0.35
PART_WEIGHT = 0.75
# The most terms a query word (or phrase) is read as: the concept's own first, then those it
# is linked to. The bundled thesaurus's most is 126 (prison); a user's thesaurus of concepts
# linked to hundreds of others, each of a thousand terms, took a one-word search 2.8 s.
MAX_EXPANSIONS = 250
# A misspelt term of a concept the records never use ("stabings") counts as a one-edit typo
# of the records' own words does (`search.TYPO_WEIGHT`).
RESPELT_WEIGHT = 0.8


@frozen
class Concept(Value):
    """A concept: its preferred term, its other terms and abbreviations, and the ids of its
    broader and related concepts."""

    id: str
    label: str
    alt: tuple[str, ...] = ()
    abbr: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.label, *self.alt, *self.abbr)


@frozen
class Expansion(Value):
    """A term added to a query: its stemmed words, its weight, how it relates, and why."""

    words: tuple[str, ...]
    weight: float
    how: str  # "thesaurus" (same concept), "broader" or "related"
    concept: str  # the id of the concept whose term the query used
    of: str = ""  # the id of the concept whose term this is, when another (broader, related)


@frozen
class Span(Value):
    """Query words (positions start..end in the token list) that are a concept's term."""

    start: int
    end: int
    expansions: tuple[Expansion, ...]
    concept: str = ""  # the id of the concept whose term they are


def term_words(term: str) -> tuple[str, ...]:
    return tuple(words(term))


class Tables(NamedTuple):
    """What a query is read through, each by the key a query has: the concepts by id, the
    terms' words with their concept's id by the term's first word (longest term first), the
    ids of the concepts with a term holding a word, those of the concepts narrower than each
    concept, and those of the concepts that name each as related (SKOS's `related` goes both
    ways). Built from the concepts (`tables_of`), or read from the cache as they are used."""

    by_id: Mapping[str, Concept]
    by_first: Mapping[str, Sequence[tuple[tuple[str, ...], str]]]
    with_word: Mapping[str, Sequence[str]]
    narrower: Mapping[str, tuple[str, ...]]
    related_by: Mapping[str, tuple[str, ...]]


def tables_of(
    concepts: Iterable[Concept], stems: Mapping[str, tuple[tuple[str, ...], ...]]
) -> Tables:
    """The lookup tables of these concepts, whose terms' words `stems` gives."""
    concepts = tuple(concepts)
    every = [(ws, c.id) for c in concepts for ws in stems[c.id] if ws]
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for ws, concept_id in sorted(every, key=lambda term: -len(term[0])):  # a stable sort
        by_first.setdefault(ws[0], []).append((ws, concept_id))
    with_word: dict[str, list[str]] = {}
    narrower: dict[str, tuple[str, ...]] = {}
    related_by: dict[str, tuple[str, ...]] = {}
    for c in concepts:
        for w in {w for term in c.terms for w in terms(term)}:  # stop words told by word
            with_word.setdefault(w, []).append(c.id)
        for b in c.broader:
            narrower[b] = (*narrower.get(b, ()), c.id)
        for r in c.related:
            related_by[r] = (*related_by.get(r, ()), c.id)
    return Tables({c.id: c for c in concepts}, by_first, with_word, narrower, related_by)


@mutable
class Thesaurus(Fields):
    """Concepts, and what a query's words expand to through them."""

    concepts: Sequence[Concept] = ()
    # Where each concept was read (path, line), by id, for messages about it.
    origins: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False)
    # Each concept's terms as stemmed words, by id: worked out once, kept by the cache, so a
    # query does not stem thousands of terms to read itself.
    stems: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    # Its lookup tables as the cache kept them, read as they are used; else they are built
    # from the concepts when first used.
    kept: Tables | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.kept and not self.stems:
            self.stems = {c.id: tuple(term_words(t) for t in c.terms) for c in self.concepts}

    @cached_property
    def tables(self) -> Tables:
        return self.kept or tables_of(self.concepts, self.stems)

    @cached_property
    def _content_terms(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        return {}

    def _content(self, concept: Concept) -> tuple[tuple[str, ...], ...]:
        """A concept's terms as the stems of their words that carry meaning (no stop words,
        told by the word, not its stem: "underlying" keeps "under"), worked out when needed."""
        found = self._content_terms.get(concept.id)
        if found is None:
            found = tuple(tuple(terms(t)) for t in concept.terms)
            self._content_terms[concept.id] = found
        return found

    def concept(self, concept_id: str) -> Concept:
        return self.tables.by_id[concept_id]

    def containing(self, word: str) -> tuple[Expansion, ...]:
        """For a word the records never use: the terms of the concepts with a term that
        holds it ("frisked" is in "stop and frisk"), read as what the user meant, a little
        below a whole term (`PART_WEIGHT`). A word in the terms of unrelated concepts is read
        through them only where it names the same kind of thing in each, as the last word of
        every term holding it ("triage": youth triage, street triage); else it says nothing
        of which the user meant ("house": safe house, front of house testing). Nor is a word
        found only before the end of longer terms ("town" of "town hall meeting", "station"
        of "police station cells"): alone, it is seldom what the term means."""
        holding = self.tables.with_word.get(word, ())
        terms = [t for c in holding for t in self._content(self.concept(c)) if word in t]
        last = all(t[-1] == word for t in terms)  # of every term holding it
        inside_long = not any(t[-1] == word for t in terms) and any(len(t) > 2 for t in terms)
        if not last and (inside_long or not self._one_topic(holding)):
            return ()
        found: dict[tuple[str, ...], Expansion] = {}
        for concept_id in holding:
            if len(found) >= MAX_EXPANSIONS:
                break
            for e in self.expansions(self.concept(concept_id), ()):
                if e.how == "thesaurus" and word not in e.words:
                    found.setdefault(
                        e.words, Expansion(e.words, e.weight * PART_WEIGHT, e.how, e.concept)
                    )
        return tuple(found.values())[:MAX_EXPANSIONS]

    def respelt(self, typed: str, known: Callable[[str], bool]) -> tuple[Expansion, ...]:
        """For a word as typed that neither the records nor the thesaurus use: the terms of
        the concept it is one edit from a one-word term of that the records do not use
        either (`known` says which they do: those are corrected as the records spell them),
        ("stabings": "stabbings", a term of knife crime), at `RESPELT_WEIGHT`; none if it is
        that near terms of several."""
        by_first = self.tables.by_first
        near = {  # as a speller does, a misspelling keeps its first letter ("vaping" no "raping")
            c
            for s in respellings(typed)
            if s[:1] == typed[:1] and not known(s)
            for ws, c in by_first.get(s, ())
            if ws == (s,)
        }
        near = {c for c in near if self._spelt_near(self.concept(c), typed)}
        if len(near) != 1:
            return ()
        concept = self.concept(near.pop())
        return tuple(
            Expansion(e.words, e.weight * RESPELT_WEIGHT, e.how, e.concept)
            for e in self.expansions(concept, ())
        )

    @staticmethod
    def _spelt_near(concept: Concept, typed: str) -> bool:
        """Whether a concept has a word, written out (not an abbreviation: "Sikhs" is not
        SIH), of 5 letters or more, one edit from the word as typed: stems make far words
        near ("Gayle" and "gaol")."""
        from rapidfuzz.distance import OSA

        return any(
            len(term) >= 5 and " " not in term and OSA.distance(fold(term), typed) <= 1
            for term in (concept.label, *concept.alt)
        )

    def _one_topic(self, concept_ids: Sequence[str]) -> bool:
        """Whether concepts are one topic: linked to each other, broader or related, either
        way (psychiatric care, mental health crisis and mental health)."""
        left = set(concept_ids)
        reached = [left.pop()] if left else []
        while reached:
            near = left & self.linked(self.concept(reached.pop()))
            left -= near
            reached += near
        return not left

    def spans(self, query_words: Sequence[str]) -> list[Span]:
        """The concept terms in a query's stemmed words, longest first, not overlapping."""
        found: list[Span] = []
        i = 0
        while i < len(query_words):
            for ws, concept_id in self.tables.by_first.get(query_words[i], ()):
                if tuple(query_words[i : i + len(ws)]) == ws:
                    concept = self.concept(concept_id)
                    found.append(Span(i, i + len(ws), self.expansions(concept, ws), concept_id))
                    i += len(ws)
                    break
            else:
                i += 1
        return found

    def expansions(self, concept: Concept, used: tuple[str, ...]) -> tuple[Expansion, ...]:
        """The terms a concept's term stands for: its other terms, then its broader and
        related concepts' terms, each once, weighted by how close they are."""
        out: dict[tuple[str, ...], Expansion] = {}

        def add(of: Concept, weight: float, how: str) -> None:
            linked = "" if of is concept else of.id
            for ws in self._content(of):
                if ws and ws != used and ws not in out:
                    out[ws] = Expansion(ws, weight, how, concept.id, linked)

        add(concept, SYNONYM_WEIGHT, "thesaurus")
        by_id = self.tables.by_id
        for how, ids in self._links(concept):
            for other in ids:
                if other in by_id and len(out) < MAX_EXPANSIONS:
                    add(by_id[other], LINKED_WEIGHT, how)
        return tuple(out.values())[:MAX_EXPANSIONS]

    def linked(self, concept: Concept) -> set[str]:
        """The ids of the concepts a concept is linked to, however (see `_links`)."""
        return {i for _, ids in self._links(concept) for i in ids}

    def _links(self, concept: Concept) -> tuple[tuple[str, Sequence[str]], ...]:
        """The ids of the concepts a concept is linked to, by how: its broader ones, those
        that name it as broader (narrower), and related ones, either way (as SKOS's)."""
        t = self.tables
        return (
            ("broader", concept.broader),
            ("narrower", t.narrower.get(concept.id, ())),
            ("related", (*concept.related, *t.related_by.get(concept.id, ()))),
        )


def problems(concepts: Sequence[Concept]) -> list[tuple[Concept, str, str]]:
    """What is wrong with a set of concepts, as (concept, field, message): duplicate ids and
    terms, links to concepts that do not exist, and cycles through `broader`."""
    found: list[tuple[Concept, str, str]] = []
    ids: dict[str, Concept] = {}
    owner: dict[tuple[str, ...], Concept] = {}
    for c in concepts:
        if c.id in ids:
            found.append((c, "id", f"duplicate concept id {c.id!r}"))
        ids.setdefault(c.id, c)
        for term in c.terms:
            ws = term_words(term)
            if not ws:
                found.append((c, "label", f"term {term!r} has no words"))
                continue
            if not terms(term):  # "the", "and the": no record is indexed by them
                found.append((c, "alt", f"term {term!r} is only stop words: it can match nothing"))
                continue
            first = owner.setdefault(ws, c)
            if first is not c:
                found.append((c, "alt", f"term {term!r} is also a term of {first.id!r}"))
    for c in concepts:
        for name in ("broader", "related"):
            for other in getattr(c, name):
                if other not in ids:
                    found.append((c, name, f"unknown concept {other!r}"))
                elif other == c.id:
                    relation = "broader than" if name == "broader" else "related to"
                    found.append((c, name, f"{c.id!r} cannot be {relation} itself"))
    found += [(c, "broader", message) for c, message in _cycles(ids)]
    return found


def _cycles(ids: dict[str, Concept]) -> list[tuple[Concept, str]]:
    """A concept that is, through `broader` links, broader than itself."""
    found = []
    for c in ids.values():
        seen: set[str] = set()
        todo = [b for b in c.broader if b in ids and b != c.id]
        while todo:
            current = todo.pop()
            if current == c.id:
                found.append((c, f"{c.id!r} is broader than itself through its broader links"))
                break
            if current not in seen:
                seen.add(current)
                todo += [b for b in ids[current].broader if b in ids]
    return found


def unmatched(thesaurus: Thesaurus, vocabulary: Iterable[str]) -> list[Concept]:
    """The concepts none of whose terms has all its words in the corpus, nor those of any
    concept linked to them (broader, narrower or related): they can never lead a query to a
    record. One linked to a used concept leads to that concept's records ("parole", which no
    record names, to those on probation)."""
    known = set(vocabulary)
    concepts = thesaurus.concepts
    used = {c.id for c in concepts if any(all(w in known for w in terms(t)) for t in c.terms)}
    return [c for c in concepts if c.id not in used and not thesaurus.linked(c) & used]


# ---------------------------------------------------------------- reading and checking

FILE_NAME = "thesaurus.yaml"


def checked(located: list[tuple[Concept, str, int]], errors: list[DataError]) -> Thesaurus:
    """The thesaurus of these concepts; what is wrong with them goes to errors."""
    where = {id(c): (path, line) for c, path, line in located}
    for concept, _, message in problems([c for c, _, _ in located]):
        errors.append(DataError(*where[id(concept)], message))
    origins = {c.id: (path, line) for c, path, line in reversed(located)}
    return Thesaurus(tuple(c for c, _, _ in located), origins)


def vocabulary_errors(thesaurus: Thesaurus, vocabulary: Iterable[str]) -> list[DataError]:
    """A concept none of whose terms occurs in the records, as an error at its line."""
    return [
        DataError(
            *thesaurus.origins.get(c.id, ("thesaurus", 0)),
            f"no record uses any term of {c.id!r}, nor of a concept linked to it",
        )
        for c in unmatched(thesaurus, vocabulary)
    ]
