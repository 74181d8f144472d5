"""How a query is read: its content words, grouped by the thesaurus terms they form.

1. Its words are stemmed as the records' words are (`text.words`); question and function
   words ("how can a PCC…", "what works to…") are not content, unless nothing else is left;
2. runs of words that are a term of a thesaurus concept ("stabbing", "A&E", "rehab") bring in
   the concept's other terms at `thesaurus.SYNONYM_WEIGHT`, and its broader and related
   concepts' terms at `thesaurus.LINKED_WEIGHT`; a word the records never use is read through
   the concept terms that hold it;
3. a place the records never name (a town, a county, a short form: "Teesside"), or name in
   very few of them (`RARE_PLACE`: "Liverpool" is in one university's name), stands for its
   police force area, which records name, at `PLACE_WEIGHT`;
4. a word that names no topic of the field counts for `GENERIC_WEIGHT` of one that does; a
   word the records never use, read through the terms of one concept ("frisked" in "stop and
   frisk"), names that concept's topic.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from .text import EVERYDAY_FREQUENCY as EVERYDAY
from .text import (
    QUESTION_WORDS,
    STOPWORDS,
    WORD,
    fold,
    is_english,
    max_edits,
    stem,
    terms,
    tokens,
)
from .thesaurus import Expansion, Span, Thesaurus
from .values import Fields, Value, frozen, mutable

GENERIC_WEIGHT = 0.3
PLACE_WEIGHT = 0.8
# A place in a query (a force area's name typed in full, "West Midlands", or a town read as
# its area) is one unit, weighed as where the user asks about, below what they ask: else its
# words, rare in the records, outweigh the topic, and the area's records on anything else
# come first.
AREA_NAME_WEIGHT = 0.7
# A place name held by no more than this share of the records is read as its force area too;
# one the records use more is an everyday word or a place they name themselves ("reading",
# "Cardiff"), and is matched as written.
RARE_PLACE = 0.01
DOCUMENT_WORDS = frozenset(
    stem(w)
    for w in "article blog briefing document documents endnote endnotes guide paper "
    "publication report reports source sources".split()
)
MAX_QUERY_CHARS = 2000
MAX_QUERY_GROUPS = 32  # the words past these add nothing a person would notice


# ---------------------------------------------------------------- reading queries


@mutable
class Group(Fields):
    """One unit of a query: a content word, or a run of words that is a concept's term."""

    words: tuple[str, ...]  # the user's words as typed (folded)
    stems: tuple[str, ...]  # their stems, the ones that count
    expansions: tuple[Expansion, ...] = ()
    weight: float = 1.0  # less for a word that names no topic of the field
    # Whether a word the records lack may be a typo of one they use: not if the thesaurus
    # holds it, which makes it a word of the field ("street triage" is not "street trials").
    typos: bool = True
    place: bool = False  # a place's name: one unit, however many words
    phrase: tuple[str, ...] = ()  # every word of a term as typed (folded), stop words too
    # Whether the words as typed match, or only what they stand for: a region's name stands
    # for its police force areas ("Wales"; records saying "England and Wales" are not Welsh).
    direct: bool = True


@frozen
class Region(Value):
    """A region or country a query can name: its names, and its police force areas'."""

    names: tuple[str, ...]
    areas: tuple[str, ...]


@mutable
class Query(Fields):
    """A query as read: its text, its groups of words, and whether it asks for a document."""

    text: str
    groups: list[Group]
    wants_documents: bool


def read_query(
    text: str,
    thesaurus: Thesaurus | None = None,
    known: Callable[[str], bool] | None = None,
    topical: Callable[[str], bool] | None = None,
    places: Callable[[], Thesaurus] | None = None,
    share: Callable[[str], float] | None = None,
    areas: Callable[[], Thesaurus] | None = None,
    regions: Callable[[], Sequence[Region]] | None = None,
) -> Query:
    """A query's content words, grouped by the concept terms they form; a word the records
    never use (`known` says which they do) is read through the thesaurus terms holding it;
    a place name (`places` gives one concept per force area: its name and aliases) the records
    never use, or rarely (`share` says what share of them holds a word), stands for its
    area's name; a force area's name (`areas` gives one concept per area, its name alone)
    is one unit, weighed at `AREA_NAME_WEIGHT`, and so is a region's or a country's
    (`regions`), which stands for its areas; a word that names no topic of the field
    (`topical` says which do: the words of the thesaurus, of theme names and of places)
    counts for `GENERIC_WEIGHT` of a topic word."""
    if len(text) > MAX_QUERY_CHARS:
        raise ValueError(f"the query is longer than {MAX_QUERY_CHARS:,} characters")
    toks = tokens(text)
    stems = [stem(t) for t in toks]
    spans = {s.start: s for s in (thesaurus.spans(stems) if thesaurus else [])}
    found: list[Span] = []  # places: towns read as their areas, areas' own names, regions
    if places and known:
        common = (lambda s: known(s) and share(s) > RARE_PLACE) if share else known
        indexed = [s for t, s in zip(toks, stems, strict=True) if t not in STOPWORDS]
        capitalised = {fold(w) for w in WORD.findall(text) if w[:1].isupper()}
        found += _places_read_as_areas(places, toks, stems, indexed, common, capitalised)
    found += areas().spans(stems) if areas else []
    regional = _regions_read_as_areas(regions(), toks) if regions else []
    named = set()  # where a place starts
    for place in sorted(found + regional, key=lambda p: p.start - p.end):  # longest first
        if not any(s.start < place.end and place.start < s.end for s in spans.values()):
            spans[place.start] = place
            named.add(place.start)
    wholes = {r.start for r in regional if spans.get(r.start) is r}

    @functools.cache  # a word typed many times is read once (a user's thesaurus may be large)
    def read_through(typed: str, stemmed: str) -> tuple[Expansion, ...]:
        """What a word the records never use is read as: the thesaurus terms holding it, or
        those of the concept it is a misspelling of."""
        assert thesaurus and known
        expansions = thesaurus.containing(stemmed)
        if not expansions and max_edits(typed) and not is_english(typed):
            expansions = thesaurus.respelt(typed, known)
        return expansions

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
                    expansions = read_through(toks[i], stems[i])
                generic = not span and not _names_a_topic(stems[i], expansions, topical)
                weight = GENERIC_WEIGHT if generic else AREA_NAME_WEIGHT if i in named else 1.0
                words = tuple(kept_stems.values())
                typos = span is None and not expansions
                phrase = tuple(toks[i:end])
                groups.append(
                    Group(
                        words,
                        tuple(kept_stems),
                        expansions,
                        weight,
                        typos,
                        i in named,
                        phrase,
                        i not in wholes,
                    )
                )
            i = end
        if groups:
            break
    merged: dict[tuple[str, ...], Group] = {}
    for g in groups:
        merged.setdefault(g.stems, g)
    groups = list(merged.values())[:MAX_QUERY_GROUPS]
    return Query(text, groups, bool(DOCUMENT_WORDS & set(stems)))


def _names_a_topic(
    stem: str, expansions: tuple[Expansion, ...], topical: Callable[[str], bool] | None
) -> bool:
    """Whether a word names a topic of the field: `topical` says so, or the thesaurus reads
    it (a word the records never use) through the terms of one concept alone."""
    return topical is None or topical(stem) or len({e.concept for e in expansions}) == 1


def _regions_read_as_areas(regions: Sequence[Region], toks: list[str]) -> list[Span]:
    """The regions and countries a query names as they are written ("North East", "Wales",
    "Cymru"), each standing for its police force areas' names, at `PLACE_WEIGHT`; never a
    one-word name that is an everyday English word, capital or not ("Eastern European")."""
    found = []
    for region in regions:
        for name in region.names:
            typed = tokens(name)
            starts = [
                i for i in range(len(toks) - len(typed) + 1) if toks[i : i + len(typed)] == typed
            ]
            if not typed or not starts or _everyday(typed, set()):
                continue  # the list of English words is read only for a name the query holds
            places = tuple(
                Expansion(tuple(terms(area)), PLACE_WEIGHT, "place", area) for area in region.areas
            )
            found += [Span(i, i + len(typed), places, region.names[0]) for i in starts]
    return found


def _everyday(typed: list[str], capitalised: set[str]) -> bool:
    """Whether a place's name, as typed, is one everyday English word in lower case, meant as
    that word ("sale of drugs", "eastern europe")."""
    return len(typed) == 1 and typed[0] not in capitalised and is_english(typed[0], EVERYDAY)


def _places_read_as_areas(
    places: Callable[[], Thesaurus],
    toks: list[str],
    stems: list[str],
    indexed: list[str],
    common: Callable[[str], bool],
    capitalised: set[str],
) -> list[Span]:
    """The place names in a query, typed as the gazetteer writes them (`toks`: "settling"
    has the stem of Settle, but is no town), that hold a word the records do not use
    commonly, each standing for the name of its force area (the first term of its concept);
    a place the records name often ("London", "Reading") is matched as written, so an
    everyday word is never read as a town, nor is a one-word place that is an everyday
    English word unless it was typed with a capital (`capitalised`: "Sale" is in Greater
    Manchester, but "sale of drugs" is about selling; "leeds" is Leeds). The places (15 ms
    to make) are read only when one of the query's `indexed` stems (all but its stop words,
    which no record is indexed by) is not common."""
    if all(common(s) for s in indexed):
        return []
    found = []
    gazetteer = places()
    for span in gazetteer.spans(stems):
        if all(common(w) for w in stems[span.start : span.end]):
            continue
        area = gazetteer.concept(span.concept)
        typed = toks[span.start : span.end]
        if not any(tokens(name) == typed for name in area.terms):
            continue
        if _everyday(typed, capitalised):
            continue
        # The area's name as the records are indexed by it: no stop words ("Devon and Cornwall")
        expansion = Expansion(tuple(terms(area.terms[0])), PLACE_WEIGHT, "place", area.id)
        found.append(Span(span.start, span.end, (expansion,), span.concept))
    return found
