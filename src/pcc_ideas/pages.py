"""What each command answers, as data: built from the corpus here (a search's in `results`),
shown by `output`.

Pages read only the records they show (positions come from `Corpus.facet`). Each knows
when it is empty and, when its filters emptied it, which filter did and how many records
match without it, so that every command says so in the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Any

from .areas import explain, untagged
from .corpus import Corpus, Filter, sort_by_type
from .emptied import EVERYTHING, Emptied, emptied, filter_phrase, left_out
from .lookup import Match
from .models import (
    SCOPE_COUNTRIES,
    Area,
    Change,
    Record,
    Theme,
    choice_label,
    to_dict,
)
from .pack import short_title
from .results import SearchPage, record_json
from .values import Fields, Value, frozen, mutable


def with_evidence(records: Iterable[Record], evidence: str | None) -> list[Record]:
    """The records whose outcomes rest on this kind of evidence; all of them for None."""
    return [r for r in records if evidence is None or getattr(r, "evidence", None) == evidence]


@mutable
class RecordPage(Fields):
    """One record, with those related to it."""

    record: Record
    related: list[Record] = field(default_factory=list)
    cited: list[Record] = field(default_factory=list)  # for a source: the records citing it
    # Each citation's place, with what the endnote it names says (`Source.place_cited`).
    places: list[str | None] = field(default_factory=list)
    # Each source document's short title and year, by id, as a citation names it.
    documents: dict[str, str] = field(default_factory=dict)
    is_empty = False

    def citations(self) -> list[tuple[str, str, str | None, str | None]]:
        """Each citation: its source's id and document, its place as shown, and its URL."""
        places = self.places or [c.ref for c in self.record.sources]
        return [
            (c.source, self.documents.get(c.source, ""), place, c.url)
            for c, place in zip(self.record.sources, places, strict=True)
        ]

    def as_json(self) -> dict[str, Any]:
        return record_json(self.record)

    def rows(self) -> list[dict[str, Any]]:
        return [self.as_json()]


def read_as_theme(asked: str, theme: Theme) -> str:
    """How a name other than a theme's id or title was read: "read 'DV' as the theme
    domestic-abuse (Domestic abuse and violence against women and girls)"."""
    return f"read {asked!r} as the theme {theme.id} ({theme.title})"


@frozen
class RelatedTheme(Value):
    """A theme linked to another, how many records it holds, and its practice closest to
    the other theme (so `theme vawg` points to Merseyside's work on women and girls)."""

    theme: Theme
    size: int
    highlights: tuple[Record, ...] = ()


@mutable
class ThemePage(Fields):
    """A theme and the records on it."""

    theme: Theme
    records: list[Record]
    related: list[RelatedTheme] = field(default_factory=list)
    emptied: Emptied | None = None
    hidden: int = 0  # records left out by a limit
    asked: str = ""  # the name the theme was asked for by, when it is not its id or title

    @property
    def is_empty(self) -> bool:
        return not self.records

    @property
    def notes(self) -> list[str]:
        notes = [read_as_theme(self.asked, self.theme)] if self.asked else []
        if self.hidden:
            notes.append(left_out(self.hidden))
        if self.related:
            shown = "; ".join(f"{r.theme.id} ({r.size} records)" for r in self.related)
            notes.append(f"related themes: {shown}")
        return notes

    def empty_message(self) -> str:
        if self.emptied:
            return self.emptied.message(f"on the theme {self.theme.id}")
        return f"no records are on the theme {self.theme.id}"

    def as_json(self) -> dict[str, Any]:
        return record_json(
            self.theme,
            records=[record_json(r) for r in self.records],
            related_themes=[
                {
                    "id": r.theme.id,
                    "title": r.theme.title,
                    "records": r.size,
                    "highlights": [x.id for x in r.highlights],
                }
                for r in self.related
            ],
        )

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(r) for r in self.records]


@mutable
class ThemesPage(Fields):
    """Every theme, with counts of what it holds."""

    themes: list[Theme]
    counts: dict[str, Counter[str]]
    is_empty = False

    def rows(self) -> list[dict[str, Any]]:
        return [
            record_json(t, counts=dict(self.counts[t.id]), total=sum(self.counts[t.id].values()))
            for t in self.themes
        ]

    as_json = rows


@mutable
class AreaPage(Fields):
    """A police force area and the records that cover it."""

    found: Match[Area]
    local: list[Record]  # tagged with this area alone
    shared: list[Record]  # tagged with this area and others
    nearby: list[tuple[Area, list[Record]]]  # when it has none: its region, most records first
    # Case studies and examples covering the area's whole country (England and Wales,
    # England or Wales).
    national: list[Record] = field(default_factory=list)
    emptied: Emptied | None = None
    hidden: int = 0  # records left out by a limit
    untagged: bool = False  # no record at all is tagged with the area
    filters: tuple[Filter, ...] = ()

    @property
    def area(self) -> Area:
        return self.found.item

    @property
    def is_empty(self) -> bool:
        return not (self.local or self.shared or self.national or self.nearby)

    @property
    def notes(self) -> list[str]:
        """How the name was read, the area's note (how it is policed and governed), the
        announced changes to who holds its police and crime functions (one line each), and
        what to do when nothing is tagged with it."""
        note = [f"note: {self.area.note}"] if self.area.note else []
        return [*self.reading, *note, *map(change_note, self.area.changes), *self.page_notes]

    @property
    def reading(self) -> list[str]:
        """How the name was read, unless it was the area's own name."""
        return [explain(self.found)] if self.found.via != "name" else []

    @property
    def page_notes(self) -> list[str]:
        """What to do when nothing is tagged with the area, and what a limit left out."""
        notes = [self.untagged_note()] if self.untagged else []
        if self.hidden:
            notes.append(left_out(self.hidden))
        return notes

    def untagged_note(self) -> str:
        """That no record is tagged with the area, and what its region holds instead."""
        a = self.area
        if self.nearby:
            return untagged(a)
        if self.filters:
            asked = " and ".join(filter_phrase(f) for f in self.filters)
            return f"No records are tagged with {a.name}; none elsewhere in {a.region} is {asked}."
        return f"No records are tagged with {a.name} or elsewhere in {a.region}."

    def empty_message(self) -> str:
        if self.emptied:
            return self.emptied.message(f"for {self.area.name}")
        return f"no records are tagged with {self.area.name} or its region"

    def sections(self) -> list[tuple[str, str, list[Record]]]:
        """(key, heading, records) in the order shown."""
        a = self.area
        out = [
            ("local", f"In {a.name}", self.local),
            ("multi-area", f"Across several areas including {a.name}", self.shared),
        ]
        out += [(f"nearby:{o.name}", f"Nearby: {o.name}", rs) for o, rs in self.nearby]
        # "Across England and Wales", or "Across England" for NHS England's services alone
        wide = dict.fromkeys(choice_label("scope", r.effective_scope) for r in self.national)
        out.append(("national", "Across " + " or ".join(wide), self.national))
        return [s for s in out if s[2]]

    def as_json(self) -> dict[str, Any]:
        return {
            "area": {
                **to_dict(self.area),
                "query": self.found.query,
                "resolved_via": self.found.via,
                "matched": self.found.matched,
            },
            "records": [record_json(r, coverage="local") for r in self.local]
            + [record_json(r, coverage="multi-area") for r in self.shared],
            # Always there, empty or not, so a script can read them from any area's page.
            "national": [record_json(r, coverage="national") for r in self.national],
            "nearby": [
                {"area": a.name, "records": [record_json(r) for r in rs]} for a, rs in self.nearby
            ],
        }

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(r, coverage=k) for k, _, rs in self.sections() for r in rs]


def change_note(change: Change) -> str:
    """An announced change on one line: when, how firm, what, on whose authority, and the
    address it was published at, last, so that it is copied whole."""
    return f"{change.date}, {change.status}: {change.what} Source: {change.by}, {change.url}"


@mutable
class AreasPage(Fields):
    """Every police force area, with its count of records."""

    areas: list[Area]
    counts: Counter[str]
    is_empty = False

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                **to_dict(a),
                "governance_label": choice_label("governance", a.governance),
                "records": self.counts[a.name],
            }
            for a in self.areas
        ]

    as_json = rows


@mutable
class SourcesPage(Fields):
    """The source documents, with how many records cite each."""

    sources: list[Record]
    cited: Counter[str]
    is_empty = False

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(s, cited_by=self.cited[s.id]) for s in self.sources]

    as_json = rows


@mutable
class ExportPage(Fields):
    """The records an export writes."""

    records: list[Record]
    emptied: Emptied | None = None

    @property
    def is_empty(self) -> bool:
        return not self.records

    def empty_message(self) -> str:
        return self.emptied.message(EVERYTHING) if self.emptied else "no records to export"

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(r) for r in self.records]

    as_json = rows


Page = (
    SearchPage
    | RecordPage
    | ThemePage
    | ThemesPage
    | AreaPage
    | AreasPage
    | SourcesPage
    | ExportPage
)

# ---------------------------------------------------------------- building them


def record_page(corpus: Corpus, record: Record) -> RecordPage:
    cited = sort_by_type(corpus.cited_in(record.id)) if record.type == "source" else []
    sources = {s.id: s for s in corpus.sources}
    places = [
        s.place_cited(c.ref) if (s := sources.get(c.source)) else c.ref for c in record.sources
    ]
    documents = {
        s.id: short_title(s.title) + (f" ({s.year})" if s.year else "") for s in sources.values()
    }
    return RecordPage(record, corpus.related(record), cited, places, documents)


def theme_page(
    corpus: Corpus,
    name: str,
    filters: Sequence[Filter] = (),
    limit: int = 0,
    highlights: bool = True,
) -> ThemePage:
    """A theme's page; `highlights=False` leaves out the related themes' closest practice
    (a search each), for outputs that do not show it."""
    found = corpus.theme(name)
    theme = found.item
    records = corpus.with_theme(theme.id, corpus.kept(filters), limit)
    related = [
        related_theme(corpus, t, theme, 3 if highlights else 0)
        for t in corpus.themes
        if t.id in theme.related or theme.id in t.related
    ]
    gone = None
    if not records:
        gone = emptied(
            corpus, filters, lambda fs: len(corpus.with_theme(theme.id, corpus.kept(fs)))
        )
    on_theme = set(corpus.facet(f"theme:{theme.id}")) - set(corpus.facet("type:theme"))
    keep = corpus.kept(filters)
    hidden = len(on_theme if keep is None else on_theme & keep) - len(records)
    asked = found.query if found.via != "name" else ""
    return ThemePage(theme, records, related, gone, hidden, asked)


def related_theme(corpus: Corpus, other: Theme, to: Theme, most: int = 3) -> RelatedTheme:
    """A related theme with the case studies and examples on it that best match the title
    of the theme it is related to (its title alone: a query of every alias would cost a
    large corpus a second a theme)."""
    practice = Filter("type", ("case-study", "example"))
    on_other = Filter("theme", (other.id,))
    hits = corpus.matching(to.title, [on_other, practice], most * 3) if most else []
    new = [h.record for h in hits if to.id not in h.record.themes]  # not on the page already
    return RelatedTheme(other, theme_size(corpus, other.id), tuple(new[:most]))


def theme_size(corpus: Corpus, theme_id: str) -> int:
    """How many records are on a theme (themes aside), without reading them."""
    counts = corpus.counts_by_type(f"theme:{theme_id}")
    return sum(counts.values()) - counts["theme"]


def themes_page(corpus: Corpus) -> ThemesPage:
    counts = {t.id: corpus.counts_by_type(f"theme:{t.id}") for t in corpus.themes}
    for c in counts.values():
        c.pop("theme", None)
    return ThemesPage(corpus.themes, counts)


def area_page(
    corpus: Corpus, name: str, filters: Sequence[Filter] = (), limit: int = 0
) -> AreaPage:
    """An area's records, and those covering its whole country; its region's instead when
    nothing at all is tagged with it. With `limit`, at most that many of each type in each
    part (the first in the corpus): only the records shown are read."""
    found = corpus.gazetteer.resolve(name)
    area = found.item
    # Practice whose scope is the whole of this area's country (see `covers`).
    scopes = [s for s, countries in SCOPE_COUNTRIES.items() if area.country in countries]
    practice = {i for t in ("case-study", "example") for i in corpus.facet(f"type:{t}")}
    covering = practice.intersection(i for s in scopes for i in corpus.facet(f"scope:{s}"))
    tagged = set(corpus.facet(f"area:{area.name}"))

    def parts(fs: Sequence[Filter]) -> tuple[set[int], set[int]]:
        keep = corpus.kept(fs)
        return (tagged, covering) if keep is None else (tagged & keep, covering & keep)

    mine, national = parts(filters)
    others = (corpus.facet(f"area:{a.name}") for a in corpus.gazetteer.areas if a is not area)
    shared = set().union(*(mine.intersection(positions) for positions in others))
    groups = (mine - shared, shared, national)
    shown = [corpus.first_of_each_type(g, limit) for g in groups]
    nearby: list[tuple[Area, list[Record]]] = []
    if not tagged:
        keep = corpus.kept(filters)
        for other in corpus.gazetteer.in_region(area.region):
            if other is not area and (records := corpus.in_area(other.name, keep)):
                nearby.append((other, records))
        nearby.sort(key=lambda pair: (-len(pair[1]), pair[0].name))
    local, multi, country = (sort_by_type(corpus.at(s)) for s in shown)
    page = AreaPage(
        found, local, multi, nearby, country, untagged=not tagged, filters=tuple(filters)
    )
    if page.is_empty:
        page.emptied = emptied(corpus, filters, lambda fs: sum(map(len, parts(fs))))
    page.hidden = sum(len(g) - len(s) for g, s in zip(groups, shown, strict=True))
    return page


def areas_page(corpus: Corpus) -> AreasPage:
    areas = list(corpus.gazetteer.areas)
    return AreasPage(areas, Counter({a.name: len(corpus.facet(f"area:{a.name}")) for a in areas}))


def sources_page(corpus: Corpus) -> SourcesPage:
    sources = corpus.sources
    return SourcesPage(
        list(sources), Counter({s.id: len(corpus.facet(f"source:{s.id}")) for s in sources})
    )


def export_page(corpus: Corpus, filters: Sequence[Filter] = ()) -> ExportPage:
    keep = corpus.kept(filters)
    records = list(corpus.records) if keep is None else corpus.at(keep)
    gone = None
    if not records:
        gone = emptied(
            corpus, filters, lambda fs: len(corpus.kept(fs) or ()) if fs else len(corpus.records)
        )
    return ExportPage(records, gone)
