"""The corpus: every record, the gazetteer and the thesaurus, checked as a whole.

`load()` is the library's entry point: `pcc_ideas.load().get("cs-11-...")`.
"""

from __future__ import annotations

import heapq
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from .areas import Gazetteer
from .datafiles import Progress, data_dirs, inner_roots, without_gc, yaml_files
from .errors import InvalidData
from .lookup import MAX_NAMED, Match, NameIndex, NotResolved, nearest
from .models import TYPE_ORDER, Record, Source, Theme, evidence_kind, evidence_kinds, record_type
from .thesaurus import Concept, Expansion, Thesaurus
from .values import Fields, Value, frozen, mutable

if TYPE_CHECKING:
    from .latent import Topics
    from .query import Group, Query, Region
    from .scoring import Hit
    from .search import Index

__all__ = [
    "Corpus",
    "Progress",
    "build_corpus",
    "data_dirs",
    "each_named",
    "load",
    "sort_by_type",
]

T = TypeVar("T")
# A corrected word is shown as spelt in the first of the records holding it, at most these.
SPELLING_RECORDS = 5

UNUSED = "no record mentions"  # how a reading names a word of the query no record uses


class Store(Protocol):
    """Where a corpus was kept (the cache): it gives back the records' ids, the areas'
    names and the search index without reading the records or the gazetteer."""

    def ids(self) -> Sequence[str]: ...
    def area_names(self) -> Sequence[str]: ...
    def regions(self) -> list[Region]: ...
    def index(self) -> Index: ...


class Counted(Protocol):
    """The words of a corpus's records, counted as they were read (see `parallel`)."""

    def index(self) -> Index: ...
    def index_writer(self) -> Callable[[], Index]: ...


@mutable
class Corpus(Fields):
    """Every record, the gazetteer and the thesaurus. The fields that compare are the
    corpus's data: a cache keeps every one of them, whatever they are."""

    records: Sequence[Record]
    gazetteer: Gazetteer
    thesaurus: Thesaurus = field(default_factory=Thesaurus)
    # Each theme's title and aliases, by id: what search finds a record by through its
    # themes; kept with the corpus so that a search reads no theme record to know them.
    theme_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The stems of the words that name topics of the field (see `topics`), kept likewise.
    topic_words: tuple[str, ...] = ()
    # A digest of the data files it was read from (see `files_digest`): the data's version,
    # kept so that a brief can name it without reading every record. Empty for a corpus made
    # in code.
    digest: str = ""
    # Where the ids and the index can be read from (see `cache`); else they are built.
    store: Store | None = field(default=None, compare=False, repr=False)
    # Told how a long build goes (a progress bar on a terminal).
    progress: Progress | None = field(default=None, compare=False, repr=False)
    # The records' words, counted as they were read: the index is made of them.
    counted: Counted | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.theme_names and not self.store:
            from .search import theme_names

            self.theme_names = theme_names(self.records)
        if not self.topic_words and not self.store:
            self.topic_words = tuple(sorted(self._topic_words()))

    @cached_property
    def index(self) -> Index:
        """The search index, built on first use (or read from the store)."""
        from .search import Index

        if self.store:
            return self.store.index()
        with without_gc():
            if self.counted:
                return self.counted.index()
            return Index.build(self.records, self.progress)

    def index_writer(self) -> Callable[[], Index]:
        """How a cache writer gets the index, once it has written the records: its postings
        may come already written as the cache keeps them, by the process that made them
        (`parallel.Runs.index_writer`), and cannot be searched."""
        if self.counted and not self.store and "index" not in self.__dict__:
            with without_gc():
                return self.counted.index_writer()
        return lambda: self.index

    def search(
        self,
        query: str,
        types: Names = (),
        themes: Names = (),
        areas: Names = (),
        sources: Names = (),
        limit: int | None = None,
        evidence: Names = (),
    ) -> list[Hit]:
        """Records matching the query, best first (the first `limit`, or all). Filters take
        names as users type them (a theme's alias, a town, a type's label such as "case
        study"); several values of one filter keep records with any of them, and filters
        combine. Raises NotResolved for a name that fits nothing, ValueError for an unknown
        type or evidence kind."""
        found = self.filters(types, themes, areas, sources, evidence)
        return self.matching(query, found, limit)

    def matching(
        self, query: str, filters: Sequence[Filter] = (), limit: int | None = None
    ) -> list[Hit]:
        """`search` with its filters already resolved."""
        from .scoring import rank

        ranked = rank(
            self.index,
            self._read(query),
            self.kept(filters),
            limit,
            self.ids,
            self.records.__getitem__,
            topics=bundled_topics,
        )
        return [r.hit(self.records[r.position], self.theme_names) for r in ranked]

    def _read(self, query: str) -> Query:
        """The query read against this corpus; the last one is kept, since a search page
        reads it to rank and again to say how its words were read."""
        from .query import read_query

        if query not in self._last_read:
            self._last_read.clear()
            self._last_read[query] = read_query(
                query,
                self.thesaurus,
                self.index.postings.__contains__,
                self.topics.__contains__,
                lambda: self.places,
                lambda s: len(self.index.postings[s][0]) / max(self.index.size, 1),
                lambda: self.area_names,
                lambda: self.regions,
            )
        return self._last_read[query]

    @cached_property
    def _last_read(self) -> dict[str, Query]:
        return {}

    def readings(self, query: str, shown: Sequence[Record] | None = None) -> list[str]:
        """How the query's words that no record uses were read, one note each: as the
        correction of a typo, as a thesaurus concept or a place, or not at all ("read 'DA' as
        'domestic abuse'", "no record mentions 'rural'"); a place read as its force area also
        says when none of the records `shown` is of that area, so national records are not
        taken for local ones."""
        from .text import fold

        index, notes = self.index, []
        for group in self._read(query).groups:
            place = any(e.how == "place" for e in group.expansions)
            if not place and self._held_as_typed(group):
                continue
            typed = as_typed(query, group.phrase or group.words)
            fixes = [
                next(iter(index.alternatives(s, w, group.typos)), ("", 0.0))[0]
                for s, w in zip(group.stems, group.words, strict=True)
            ]
            if all(fixes) and group.typos and not place:
                spelt = map(self._spelling, fixes, group.words)
                notes.append(f"read {typed!r} as {' '.join(spelt)!r}")
            elif not group.direct:  # a region or country, read as its areas
                areas = ", ".join(e.concept for e in group.expansions)
                note = f"read {typed!r} as its police force areas: {areas}"
                notes.append(note + self._elsewhere(group, shown))
            elif group.expansions:
                labels = list(dict.fromkeys(map(self._label, group.expansions)))
                read_as = " or ".join(map(repr, labels[:3]))
                near = self._nearest_instead(group)
                if [fold(label) for label in labels] == [fold(typed)]:  # an area by its name
                    elsewhere = self._elsewhere(group, shown)
                    if near:
                        notes.append(f"no record uses {typed!r}; {near}")
                    elif not all(s in index.postings for s in group.stems):
                        notes.append(f"{UNUSED} {typed!r}{elsewhere}")
                    elif elsewhere:  # a few records name it
                        notes.append(elsewhere.removeprefix("; "))
                else:
                    note = f"read {typed!r} as {read_as}" + self._elsewhere(group, shown)
                    notes.append(note + (f", which no record uses; {near}" if near else ""))
            else:
                notes.append(f"{UNUSED} {typed!r}")
        return notes

    def _held_as_typed(self, group: Group) -> bool:
        """Whether records use a query's word, or a thesaurus term's words together: each
        of them and each pair of neighbours ("overdose reversal spray" is none of the records'
        phrases, though they use "overdose": it is read as the concept it is a term of)."""
        if len(group.stems) == 1 or not group.expansions:
            return any(s in self.index.postings for s in group.stems)
        return self._used(group.stems)

    def _used(self, stems: Sequence[str]) -> bool:
        """Whether records use these words together: each of them and each pair."""
        from .search import pairs

        return all(s in self.index.postings for s in (*stems, *pairs(stems)))

    def _nearest_instead(self, group: Group) -> str:
        """When the records use none of a query's concept's terms, only those of concepts near
        it (broader, narrower, related), what its reading adds: what was looked for instead
        ("searched instead for what is near it, not the same: 'absence from school'")."""
        used = [e for e in group.expansions if self._used(e.words)]
        near = [e.of for e in used if e.of]
        if not near or len(near) < len(used) or self._used(group.stems):
            return ""
        labels = dict.fromkeys(self.thesaurus.concept(c).label for c in near)
        return (
            f"searched instead for what is near it, not the same: {' or '.join(map(repr, labels))}"
        )

    @staticmethod
    def _elsewhere(group: Group, shown: Sequence[Record] | None) -> str:
        """What to add to a place's reading when none of the records shown is of its area."""
        areas = {e.concept for e in group.expansions if e.how == "place"}
        if not areas or shown is None or any(areas & set(r.areas) for r in shown):
            return ""
        return f"; none of the records shown is tagged {' or '.join(sorted(areas))}"

    def _label(self, expansion: Expansion) -> str:
        """What an expansion of a query word stands for: its concept's label, or its area."""
        if expansion.how == "place":
            return expansion.concept
        return self.thesaurus.concept(expansion.concept).label

    def filters(
        self,
        types: Names = (),
        themes: Names = (),
        areas: Names = (),
        sources: Names = (),
        evidence: Names = (),
    ) -> list[Filter]:
        """The filters asked for, their names resolved (see `search`)."""
        # Each name stands for one value, but a region or country for each of its areas.
        asked: list[tuple[str, Names, Callable[[str], list[str]]]] = [
            ("type", types, lambda n: [record_type(n)]),
            ("theme", themes, lambda n: [self.theme(n).item.id]),
            ("area", areas, lambda n: [m.item.name for m in self.gazetteer.resolve_all(n)]),
            ("source", sources, lambda n: [self.source(n).item.id]),
            ("evidence", evidence, lambda n: evidence_kinds(evidence_kind(n))),
        ]
        return [
            Filter(
                name,
                tuple(
                    dict.fromkeys(n for v in values for ns in each_named(v, resolve) for n in ns)
                ),
            )
            for name, given, resolve in asked
            if (values := [given] if isinstance(given, str) else list(given or ()))
        ]

    def area_readings(self, areas: Names) -> list[str]:
        """How the names given as areas were read, where not as an area's own name nor a
        region's: "Liverpool is in Merseyside"."""
        from .areas import explain

        given = [areas] if isinstance(areas, str) else list(areas or ())
        found = [m for v in given for ms in each_named(v, self.gazetteer.resolve_all) for m in ms]
        return [note for m in found if m.via != "region" and (note := explain(m))]

    def kept(self, filters: Iterable[Filter]) -> set[int] | None:
        """The positions of the records every filter keeps; None when there is no filter."""
        keep: set[int] | None = None
        for f in filters:
            found = set().union(*(self.facet(k) for k in f.keys))
            keep = found if keep is None else keep & found
        return keep

    def suggestions(self, query: str, limit: int = 3) -> list[str]:
        """Words of the corpus nearest to the query's words, as the records spell them."""
        index = self.index
        return [self._spelling(term) for term in index.suggestions(query, limit)]

    def _spelling(self, term: str, typed: str = "") -> str:
        """An index word (a stem) as the records spell it: of its spellings in the first
        records holding it, the nearest to what was typed ("commision": "commission", not
        the first record's "commissioned"), else the first; with a capital where the records
        always give it one ("Middlesbrough", not "middlesbrough")."""
        from rapidfuzz.distance import Levenshtein

        from .search import field_texts
        from .text import WORD, fold, stem

        found = self.index.postings.get(term)
        if found is None:
            return term
        spellings: dict[str, str] = {}  # each spelling, folded, as the records write it
        for d in found[0][:SPELLING_RECORDS]:
            texts = field_texts(self.records[d], self.theme_names)
            for written in (w for ts in texts.values() for text in ts for w in WORD.findall(text)):
                word = fold(written)
                if stem(word) == term and spellings.get(word) != word:
                    spellings[word] = word if written == word else written
        nearest = min(spellings, key=lambda w: Levenshtein.distance(w, fold(typed)), default=None)
        return spellings[nearest] if nearest else term

    def _topic_words(self) -> set[str]:
        """The stems of the words that name topics of the field: the words of thesaurus
        labels, theme titles and places, and the one-word terms of concepts and themes (not
        the words of longer phrases: "going back to crime" makes "going" no topic)."""
        from .text import words

        names = [c.label for c in self.thesaurus.concepts]
        names += [t for c in self.thesaurus.concepts for t in (*c.alt, *c.abbr) if " " not in t]
        names += [ns[0] for ns in self.theme_names.values()]
        names += [n for ns in self.theme_names.values() for n in ns[1:] if " " not in n]
        names += [n for a in self.gazetteer.areas for n in (a.name, *a.aliases)]
        return {w for n in names for w in words(n)}

    @cached_property
    def area_names(self) -> Thesaurus:
        """The force areas' names alone, as a thesaurus: a concept per area (read from the
        cache without the gazetteer, which a search does not otherwise need)."""
        names = self.store.area_names() if self.store else [a.name for a in self.gazetteer.areas]
        return Thesaurus(tuple(Concept(name, name) for name in names))

    @cached_property
    def regions(self) -> list[Region]:
        """The regions and countries a query can name, each with its police force areas: not
        one named as an area is ("West Midlands"), nor one of more areas than a place asked
        about can be (England); from the store without reading the gazetteer."""
        from .query import Region

        if self.store:
            return self.store.regions()
        return [Region(names, areas) for names, areas in self.gazetteer.wholes(MAX_NAMED)]

    @cached_property
    def places(self) -> Thesaurus:
        """The gazetteer as a thesaurus for reading queries: a concept per force area, its
        name first, then the places and short forms people use for it."""
        return Thesaurus(tuple(Concept(a.name, a.name, a.aliases) for a in self.gazetteer.areas))

    @cached_property
    def topics(self) -> frozenset[str]:
        return frozenset(self.topic_words)

    @cached_property
    def ids(self) -> Sequence[str]:
        """Every record's id, in corpus order, without reading the records."""
        return self.store.ids() if self.store else [r.id for r in self.records]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each record's position, by id."""
        return {record_id: i for i, record_id in enumerate(self.ids)}

    def facet(self, key: str) -> Sequence[int]:
        """The positions of the records with a filter value: `type:figure`, `theme:drugs`,
        `area:Cleveland`, `source:briefing-2021`, `evidence:evaluation`."""
        return self.index.facet(key)

    def at(self, positions: Iterable[int]) -> list[Record]:
        """The records at these positions, in corpus order; only they are read."""
        return [self.records[i] for i in sorted(positions)]

    def position(self, record_id: str) -> int | None:
        """A record's position, by id: from `positions` once it is made, else by a scan of
        the ids, which costs a command that looks up one record less than making the table
        (1 ms against 27 at +100,000 records)."""
        if "positions" in self.__dict__:
            return self.positions.get(record_id)
        try:
            return self.ids.index(record_id)
        except ValueError:
            return None

    def get(self, record_id: str) -> Record | None:
        i = self.position(record_id)
        return None if i is None else self.records[i]

    def get_or_suggest(self, record_id: str) -> Record:
        """The record with this id, or the one record whose id starts with it (`cs-11`);
        raises NotResolved with the nearest ids."""
        found = self.get(record_id)
        if found is not None:
            return found
        record_id = record_id.strip().lower()  # ids are lower case: "CS-09" is cs-09
        # As a brief writes it, "Case study 9", or "cs9", "cs 9", "cs-9": cs-09.
        written = re.sub(r"^case[\s-]*study\b", "cs", record_id)
        written = re.sub(r"(?<=^[a-z][a-z])[\s-]*(?=\d)", "-", written)
        padded = re.sub(r"(?<=-)(\d)(?=-|$)", r"0\1", written)
        starting: list[str] = []
        for typed in (record_id, padded):  # a number typed is the whole number: cs-2 is no cs-20
            if typed and not starting:
                starting = [i for i in self.ids if whole_start(i, typed)]
        if not starting:
            starting = [i for i in self.ids if record_id and i.startswith(record_id)]
        if len(starting) == 1:
            return self.records[self.ids.index(starting[0])]
        if starting:
            raise NotResolved(record_id, starting[:5], ambiguous=True, what="record id")
        raise NotResolved(record_id, [i for i, _ in nearest(record_id, self.ids)], what="record id")

    def of_type(self, *types: str) -> list[Record]:
        return self.at(i for t in types for i in self.facet(f"type:{t}"))

    @cached_property
    def type_at(self) -> list[str]:
        """Each record's type, by position, from the index's column: no record is read."""
        return [TYPE_ORDER[k] for k in self.index.columns["type"]]

    @cached_property
    def themes(self) -> list[Theme]:
        return [r for r in self.of_type("theme") if isinstance(r, Theme)]

    @cached_property
    def sources(self) -> list[Source]:
        return [r for r in self.of_type("source") if isinstance(r, Source)]

    @cached_property
    def _theme_names(self) -> NameIndex[Theme]:
        return NameIndex(((t, [t.id, t.title], t.aliases) for t in self.themes), "theme")

    @cached_property
    def _source_names(self) -> NameIndex[Source]:
        return NameIndex(((s, [s.id, s.title], ()) for s in self.sources), "source")

    def theme(self, name: str) -> Match[Theme]:
        """The theme a user means: id, title or alias, typos allowed, or, for a term of the
        thesaurus ("DV"), the theme its concept's label names; raises NotResolved."""
        try:
            return self._theme_names.resolve(name)
        except NotResolved as e:
            label = None if e.ambiguous else self._concept_label(name)
            if not label:
                raise
        try:
            found = self._theme_names.resolve(label)
        except NotResolved:
            raise NotResolved(name, self._theme_names.suggest(name), what="theme") from None
        return Match(found.item, name, "thesaurus", label)

    def _concept_label(self, name: str) -> str | None:
        """The label of the thesaurus concept a name is a term of, as a whole."""
        from .text import stem, tokens

        stems = [stem(t) for t in tokens(name)]
        spans = self.thesaurus.spans(stems)
        if len(spans) == 1 and (spans[0].start, spans[0].end) == (0, len(stems)):
            return self.thesaurus.concept(spans[0].concept).label
        return None

    def source(self, name: str) -> Match[Source]:
        return self._source_names.resolve(name)

    def counts_by_type(self, key: str) -> Counter[str]:
        """How many records of each type have a filter value, without reading them."""
        return Counter(self.type_at[i] for i in self.facet(key))

    def with_theme(
        self, theme_id: str, keep: set[int] | None = None, per_type: int = 0
    ) -> list[Record]:
        """The records on a theme (not themes themselves), those in `keep` if given; with
        `per_type`, at most that many of each type (the first in the corpus), so a large
        corpus reads only what is shown."""
        found = {i for i in self.facet(f"theme:{theme_id}") if self.type_at[i] != "theme"}
        if keep is not None:
            found &= keep
        return sort_by_type(self.at(self.first_of_each_type(found, per_type)))

    def first_of_each_type(self, positions: Iterable[int], most: int) -> list[int]:
        """The first `most` of these positions of each type, in corpus order (all for 0)."""
        if not most:
            return sorted(positions)
        seen: Counter[str] = Counter()
        kept = []
        for i in sorted(positions):
            seen[self.type_at[i]] += 1
            if seen[self.type_at[i]] <= most:
                kept.append(i)
        return kept

    def in_area(self, area_name: str, keep: set[int] | None = None) -> list[Record]:
        found = set(self.facet(f"area:{area_name}"))
        return sort_by_type(self.at(found if keep is None else found & keep))

    def cited_in(self, source_id: str) -> list[Record]:
        return self.at(self.facet(f"source:{source_id}"))

    def related(self, record: Record, limit: int = 8) -> list[Record]:
        """Other records on the same themes or areas, the closest first: by the share of its
        themes and areas each shares (an area counts twice) and, as much again, by how close
        it is in content (a search for the words of this record's title among them, the
        closest counting 1); then by type and corpus order. Only the records returned are
        read."""
        from .query import read_query
        from .scoring import rank

        areas = [self.facet(f"area:{a}") for a in record.areas]
        themes = [self.facet(f"theme:{t}") for t in record.themes]
        shared = Counter(chain.from_iterable([*areas, *areas, *themes]))
        if (me := self.position(record.id)) is not None:
            del shared[me]
        kinds = self.index.columns["type"]  # each record's type, as its place in TYPE_ORDER
        left_out = {TYPE_ORDER.index("theme"), TYPE_ORDER.index("source")}
        by_count: dict[int, list[int]] = defaultdict(list)
        for i, n in shared.items():
            if kinds[i] not in left_out:
                by_count[n].append(i)
        kept = [i for n in by_count.values() for i in n]
        found = rank(self.index, read_query(record.title), kept, limit, shortlist=4 * limit)
        best = found[0].score if found else 1.0
        close = {r.position: r.score / best for r in found}
        most = max(by_count, default=1)

        def order(i: int) -> tuple[float, int, int]:
            return (-shared[i] / most - close.get(i, 0.0), kinds[i], i)

        # The best by the share alone, and the closest in content: the best of those lead.
        sharing: list[int] = []
        for n in sorted(by_count, reverse=True):
            tier = by_count[n]
            sharing += heapq.nsmallest(limit - len(sharing), tier, key=lambda i: (kinds[i], i))
            if len(sharing) == limit:
                break
        return [self.records[i] for i in heapq.nsmallest(limit, {*sharing, *close}, key=order)]


Names = str | Sequence[str] | None


@frozen
class Filter(Value):
    """One filter of a query: its name (`type`, `theme`, `area`, `source`, `evidence`) and
    the resolved values it keeps any of."""

    name: str
    values: tuple[str, ...]

    @property
    def keys(self) -> list[str]:
        return [f"{self.name}:{v}" for v in self.values]


def sort_by_type(records: Iterable[Record]) -> list[Record]:
    """Case studies first, then the other types in schema order; by number, then title."""
    return sorted(
        records,
        key=lambda r: (
            TYPE_ORDER.index(r.type) if r.type != "case-study" else -1,
            getattr(r, "number", None) or 0,
            r.title.casefold(),
        ),
    )


# ---------------------------------------------------------------- loading


def load(extra: Sequence[str | os.PathLike[str]] = (), use_env: bool = True) -> Corpus:
    """The bundled corpus with the user's records on top.

    Raises InvalidData listing every problem in the data files.
    """
    return build_corpus(data_dirs(extra, use_env))


def validated(dirs: Sequence[Path]) -> Corpus:
    """The corpus read from these folders, checked as `build_corpus` checks it and, beyond
    that, with every thesaurus concept used by some record; raises InvalidData."""
    from .thesaurus import vocabulary_errors

    corpus = build_corpus(dirs)
    errors = vocabulary_errors(corpus.thesaurus, corpus.index.postings)
    if errors:
        raise InvalidData(errors)
    return corpus


def build_corpus(dirs: Sequence[Path], progress: Progress | None = None) -> Corpus:
    """The corpus read from these folders (the first is the bundled data); raises
    InvalidData listing every problem. `progress` hears how the reading goes. The records'
    words are counted as they are read, on two cores for a large corpus (see `parallel`), and
    the index is made of the counts when first used."""
    from .parallel import read_counted  # the YAML files' reader: a run from the cache needs none

    with without_gc():
        parts, counted = read_counted(dirs, progress)
        return Corpus(
            tuple(parts.records),
            parts.gazetteer,
            parts.thesaurus,
            digest=files_digest(dirs),
            progress=progress,
            counted=counted,
        )


def files_digest(dirs: Sequence[Path]) -> str:
    """A SHA-256 digest of each data file's name in its folder, size and checksum (CRC-32,
    cheap beside parsing the file), folder after folder: the same wherever the files are."""
    import hashlib
    import zlib

    lines = []
    for i, (folder, inside) in enumerate(zip(dirs, inner_roots(dirs), strict=True)):
        for path in yaml_files(folder, skip=inside):
            try:
                data = path.read_bytes()
            except OSError:  # read a moment ago: gone since, and the digest says so
                data = b""
            name = path.relative_to(folder).as_posix()
            lines.append(f"{i}\t{name}\t{len(data)}\t{zlib.crc32(data):08x}\n")
    return hashlib.sha256(os.fsencode("".join(lines))).hexdigest()


def each_named(value: str, resolve: Callable[[str], T]) -> list[T]:
    """A name given to an option, resolved; a list written with commas ("Cumbria,
    Lancashire") as each of its names, as if the option were repeated, unless one of them is
    unknown and the whole is a name ("Public Safety, Public Trust")."""
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) < 2:
        return [resolve(value)]
    try:
        return [resolve(p) for p in parts]
    except NotResolved as unknown:
        try:
            return [resolve(value)]
        except NotResolved:
            raise unknown from None


def as_typed(query: str, words: Sequence[str]) -> str:
    """Folded words of a query as the user typed them, with what stood between them
    ("Weston-super-Mare", not "weston super mare")."""
    from .text import WORD, fold

    found = list(WORD.finditer(query))
    folded = [fold(m.group()) for m in found]
    for i in range(len(found) - len(words) + 1):
        if folded[i : i + len(words)] == list(words):
            return query[found[i].start() : found[i + len(words) - 1].end()]
    return " ".join(words)


def whole_start(record_id: str, typed: str) -> bool:
    """Whether an id starts with what was typed, a number typed ending a part of the id:
    "cs-2" starts cs-2-..., not cs-20-..."""
    if typed[-1].isdigit():
        return record_id == typed or record_id.startswith(typed + "-")
    return record_id.startswith(typed)


def bundled_topics() -> Topics:
    """The topics of the bundled records' words (`latent`), read when a search needs them."""
    from .latent import bundled

    return bundled()
