"""A search's answer as a page (see `pages`): its hits, best first, or why there are none.

Apart from the other pages, so that a search, the command run most, imports none of them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import field, replace
from typing import TYPE_CHECKING, Any

from .corpus import Corpus, Filter
from .models import Area, Record, to_dict
from .text import key
from .values import Fields, mutable

if TYPE_CHECKING:
    from .emptied import Emptied
    from .scoring import Hit

NO_FILTERS: tuple[Filter, ...] = ()


def record_json(record: Record, **extra: Any) -> dict[str, Any]:
    return {**to_dict(record), **extra}


@mutable
class SearchPage(Fields):
    """The hits of a search."""

    query: str
    hits: list[Hit]
    filters: Sequence[Filter] = NO_FILTERS
    emptied: Emptied | None = None
    suggestions: list[str] = field(default_factory=list)
    long: bool = False
    explain: bool = False
    # How the query's words that no record uses were read (`Corpus.readings`).
    readings: list[str] = field(default_factory=list)
    # The force area the query names, when no record matched it ("Essex"; "York"), and how
    # many records are tagged with it (some, when the query was an everyday word: "sale").
    area: Area | None = None
    tagged: int = 0
    # How many records match the query closely without the filters, when those it kept
    # to do not (see `weak_message`).
    unfiltered: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.hits

    @property
    def weak(self) -> bool:
        """True when no hit matched the query's own words (or their exact synonyms)."""
        return bool(self.hits) and not any(h.strong for h in self.hits)

    @property
    def close(self) -> bool:
        """True when a hit shown matched a topic word of the query as typed, not only
        through a typo, the thesaurus or a theme's name."""
        return not self.hits or any(h.close for h in self.hits)

    def matched_only(self) -> str:
        """When some of the query's words are in no record, what the hits shown did match,
        so they are not taken for an answer on all of it: "the records shown match only
        'people'"."""
        from .corpus import UNUSED
        from .scoring import WHOLE_QUERY

        if not self.hits or not any(r.startswith(UNUSED) for r in self.readings):
            return ""
        said = {c.word for h in self.hits for c in h.explain if c.how not in WHOLE_QUERY}
        said -= {c.word for h in self.hits for c in h.explain if c.how == "phrase"}
        words = [repr(w) for w in sorted(said, key=self.query.casefold().find)]  # as typed
        listed = " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
        return f"the records shown match only {listed}" if words else ""

    def weak_message(self) -> str:
        """ "no close match for 'naloxone' among figures tagged Cleveland; nearest: …": the
        query, what the filters kept it to (the answer may be closer without them), and the
        best hits shown."""
        from .emptied import described, options_of

        within = ""
        if self.filters:
            subject, others = described(self.filters)
            within = f" among {' '.join([subject, ' and '.join(others)]).strip()}"
        if self.unfiltered:
            within += f" (without {options_of(self.filters)}, {self.unfiltered} match closely)"
        near = "; ".join(h.record.title for h in self.hits[:3])
        return f"no close match for {self.query!r}{within}; nearest: {near}"

    def empty_message(self) -> str:
        if self.emptied:
            return self.emptied.message(f"matching {self.query!r}")
        if self.area:  # a place the records have nothing on: its page still has something
            import shlex

            name, command = self.area.name, f"`pcc-ideas area {shlex.quote(self.query)}`"
            if self.tagged:  # typed as the everyday word, and read as it
                records = "record is" if self.tagged == 1 else "records are"
                return (
                    f"no records match {self.query!r}; if you meant the place, {self.tagged} "
                    f"{records} tagged {name}: {command} shows them"
                )
            where = "" if key(name) == key(self.query) else f" (in {name})"
            return (
                f"no records match {self.query!r}{where}: none is tagged {name} or names it; "
                f"{command} shows the practice that covers it"
            )
        hints = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        return f"no records match {self.query!r}{hints}"

    def rows(self) -> list[dict[str, Any]]:
        return [hit_json(h, self.explain) for h in self.hits]

    as_json = rows


def hit_json(hit: Hit, with_explain: bool = False) -> dict[str, Any]:
    out = record_json(hit.record, score=round(hit.score, 4))
    if with_explain:
        # Points to the places the score is given to, so that they add up to it as shown.
        out["explain"] = [{**to_dict(c), "points": round(c.points, 4)} for c in hit.explain]
    return out


def search_page(
    corpus: Corpus, query: str, filters: Sequence[Filter], limit: int | None
) -> SearchPage:
    hits = corpus.matching(query, filters, limit or None)
    if hits:
        shown = [h.record for h in hits]
        page = SearchPage(query, hits, filters, readings=corpus.readings(query, shown))
        if filters and page.weak:
            page.unfiltered = close_matches(corpus.matching(query))
        return page
    from .emptied import emptied  # only an empty answer says which filter emptied it

    @functools.cache  # each set of filters is searched once, whichever count asks
    def found(fs: tuple[Filter, ...]) -> list[Hit]:
        return corpus.matching(query, fs)

    def count(fs: Sequence[Filter], whole: bool = True) -> int:
        return close_matches(found(tuple(fs)), whole)

    gone = emptied(corpus, filters, count)
    if gone is None and (gone := emptied(corpus, filters, lambda fs: count(fs, False))):
        gone = replace(gone, partly=True)
    if gone:
        gone = replace(gone, in_all=len(found(gone.kept)))
        return SearchPage(query, [], filters, gone)
    area = corpus.gazetteer.exact(query)
    suggestions = [] if area else corpus.suggestions(query)
    tagged = len(corpus.facet(f"area:{area.name}")) if area else 0
    return SearchPage(query, [], filters, None, suggestions, area=area, tagged=tagged)


def close_matches(hits: Sequence[Hit], whole: bool = True) -> int:
    """How many hits match the query, as a filter's note counts them: those matching every
    word of it, if any does (a record matching one word of several, "youth" of "youth
    mentoring", is no record on what was asked), and matching the user's own words or their
    exact synonyms, not only what is near them (a record on opioids is not one on naloxone, nor
    one on the knife crime theme that never says knife, one on knife crime)."""
    return sum(1 for h in hits if h.strong and (h.whole or not whole))
