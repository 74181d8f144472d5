"""Resolving a name a user typed to one thing (an area, a theme, a source), in visible tiers.

1. `name`: the thing's own name or id;  2. `alias`: one of its other names;
3. `partial`: every word typed is a word of the names of exactly one thing (so "Yorkshire",
   a word of three areas' names, is ambiguous rather than a typo for "Berkshire");
4. `typo`: a name or alias within a few edits, a swap of two letters counting as one
   (none for short words, see `text.max_edits`).
Case, accents, punctuation and `&`/`and` never matter. More than one thing at the same
tier is ambiguous; nothing found gives the nearest names as suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Generic, TypeVar

from .text import key, max_edits
from .values import Value, frozen

T = TypeVar("T")


@frozen
class Match(Value, Generic[T]):
    """What a query resolved to, the tier it resolved at and the name it matched."""

    item: T
    query: str
    via: str
    matched: str


MAX_NAMED = 8  # more suggestions than this are not worth reading in one line


class NotResolved(LookupError):
    """No single thing fits the query; `suggestions` are the nearest names. `what` names
    the kind of thing looked for ("theme", "police force area")."""

    def __init__(
        self,
        query: str,
        suggestions: Sequence[str],
        ambiguous: bool = False,
        what: str = "name",
        covers: bool = False,
    ):
        """`covers`: the query names a whole made of the suggestions (a region, a country)."""
        if not ambiguous:
            message = f"{query!r} is not a known {what}"
        elif covers:
            message = f"{query!r} covers {len(suggestions)} {what}s"
        else:
            message = f"{query!r} is in more than one {what}"
        super().__init__(message)
        self.query, self.suggestions, self.ambiguous = query, list(suggestions), ambiguous
        self.what = what

    @property
    def hint(self) -> str:
        """The names to suggest, as the end of a message ("; did you mean: A, B?"), unless
        there are too many to read (a country's police force areas)."""
        if not self.suggestions or len(self.suggestions) > MAX_NAMED:
            return ""
        return f"; did you mean: {', '.join(self.suggestions)}?"


class NameIndex(Generic[T]):
    def __init__(
        self, entries: Iterable[tuple[T, Sequence[str], Sequence[str]]], what: str = "name"
    ):
        """entries: (thing, its names, its aliases); the first name is the one shown. `what`
        names the things for messages."""
        self.what = what
        self._entries = [(item, list(names), list(aliases)) for item, names, aliases in entries]

    @cached_property
    def _tables(self) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
        names: dict[str, list[tuple[int, str]]] = {}
        aliases: dict[str, list[tuple[int, str]]] = {}
        for i, (_, own, other) in enumerate(self._entries):
            for table, labels in ((names, own), (aliases, other)):
                for label in labels:
                    hits = table.setdefault(key(label), [])
                    if all(j != i for j, _ in hits):
                        hits.append((i, label))
        return names, aliases

    @cached_property
    def _firsts(self) -> dict[str, list[int]]:
        """The things by the key of their first name (an id, where things have one)."""
        found: dict[str, list[int]] = {}
        for i, (_, own, _) in enumerate(self._entries):
            found.setdefault(key(own[0]), []).append(i)
        return found

    def label(self, i: int) -> str:
        return self._entries[i][1][0]

    def exact(self, query: str) -> Match[T] | None:
        """The thing with this name or alias, without typo tolerance; None if there is none.
        A thing's first name (its id) is its own: no other's title or alias hides it."""
        k = key(query)
        first = self._firsts.get(k, [])
        if len(first) == 1:
            return Match(self._entries[first[0]][0], query, "name", self.label(first[0]))
        for via, table in zip(("name", "alias"), self._tables, strict=False):
            hits = table.get(k, [])
            if len(hits) == 1:
                i, label = hits[0]
                return Match(self._entries[i][0], query, via, label)
            if len(hits) > 1:
                raise NotResolved(
                    query, [self.label(i) for i, _ in hits], ambiguous=True, what=self.what
                )
        return None

    def resolve(self, query: str) -> Match[T]:
        found = (
            self.exact(query) or self._partial(query) or self._within(query) or self._typo(query)
        )
        if found is None:
            raise NotResolved(query, self.suggest(query), what=self.what)
        return found

    def _all_keys(self) -> list[str]:
        names, aliases = self._tables
        return [*names, *aliases]

    def _hits(self, k: str) -> list[tuple[int, str]]:
        names, aliases = self._tables
        return names.get(k) or aliases.get(k, [])

    def _typo(self, query: str) -> Match[T] | None:
        k = key(query)
        if not max_edits(k) or "," in query:  # a list of names is no misspelt name
            return None
        near = nearest(k, self._all_keys(), limit=10, max_edits=max_edits(k))
        if not near:
            return None
        best = min(d for _, d in near)
        hits = {i: label for m, d in near if d == best for i, label in self._hits(m)}
        if len(hits) > 1:
            raise NotResolved(query, [self.label(i) for i in hits], ambiguous=True, what=self.what)
        ((i, label),) = hits.items()
        return Match(self._entries[i][0], query, "typo", label)

    def _partial(self, query: str) -> Match[T] | None:
        wanted = set(key(query).split())
        if not wanted:
            return None
        hits = {
            i: label
            for i, (_, own, other) in enumerate(self._entries)
            for label in [*own, *other]
            if wanted <= set(key(label).split())
        }
        if len(hits) == 1:
            ((i, label),) = hits.items()
            return Match(self._entries[i][0], query, "partial", label)
        if len(hits) > 1:
            raise NotResolved(
                query, sorted({self.label(i) for i in hits}), ambiguous=True, what=self.what
            )
        return None

    def _within(self, query: str) -> Match[T] | None:
        """The thing whose name or alias the query holds as whole words, the longest such
        name ("North Cumbria" holds Cumbria), before a typo could read it as another
        (Northumbria). Not in a list ("Cumbria, Atlantis"): a name held there is not meant
        alone."""
        if "," in query:
            return None
        words = key(query).split()
        hits: dict[int, str] = {}
        longest = 0
        for i, (_, own, other) in enumerate(self._entries):
            for label in [*own, *other]:
                held = key(label).split()
                if len(key(label)) >= MIN_HELD and _holds(words, held):
                    if len(held) > longest:
                        hits, longest = {}, len(held)
                    if len(held) == longest:
                        hits.setdefault(i, label)
        if len(hits) > 1:
            raise NotResolved(query, [self.label(i) for i in hits], ambiguous=True, what=self.what)
        return next(
            (Match(self._entries[i][0], query, "partial", m) for i, m in hits.items()), None
        )

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """The nearest names to a query that did not resolve, best first; when none is near
        and there are no more than `limit` things, every one of them (there are four
        sources: naming them all is the answer)."""
        found: dict[int, str] = {}
        for m, _ in nearest(key(query), self._all_keys(), limit=limit * 4):
            for i, label in self._hits(m):
                shown = self.label(i)
                found.setdefault(i, shown if key(label) == key(shown) else f"{label} ({shown})")
        if not found and len(self._entries) <= limit:
            return [self.label(i) for i in range(len(self._entries))]
        return list(found.values())[:limit]


MIN_HELD = 4  # a name this short ("Met") is not looked for inside a longer query


def _holds(words: list[str], held: list[str]) -> bool:
    """Whether `held` stands in `words` as a run of whole words."""
    n = len(held)
    return any(words[j : j + n] == held for j in range(len(words) - n + 1))


def nearest(
    query: str, choices: Sequence[str], limit: int = 5, max_edits: int | None = None
) -> list[tuple[str, float]]:
    """The choices nearest to a query, best first, with how near: with `max_edits`, those
    within that many edits (a swap of two letters counting as one) and their distance;
    otherwise those that look alike (similarity of at least 70 out of 100) and their score."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    if max_edits is not None:
        edits = process.extract(
            query, choices, scorer=OSA.distance, limit=limit, score_cutoff=max_edits
        )
        return [(choice, float(d)) for choice, d, _ in edits]
    alike = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=70)
    return [(choice, score) for choice, score, _ in alike]
