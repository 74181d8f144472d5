"""What each command answers, as data: built from the corpus, shown by `render`.

Every view gives its JSON (`as_json`), and list-like views their rows (`rows`), so that
`--json`, `--jsonl`, plain text and Rich all show the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .corpus import Corpus, sort_by_type
from .lookup import Match
from .models import Area, CaseStudy, Record, Theme, to_dict
from .search import Hit

SCHEMA_VERSION = 1


def with_evidence(records: Iterable[Record], evidence: str | None) -> list[Record]:
    """The records whose outcomes rest on this kind of evidence (`models.EVIDENCE_KINDS`),
    all of them for None. Only case studies and examples record an evidence kind, so a
    filter keeps nothing else."""
    return [
        r
        for r in records
        if evidence is None or (isinstance(r, CaseStudy) and r.evidence == evidence)
    ]


def record_json(record: Record, **extra: Any) -> dict[str, Any]:
    return {**to_dict(record), **extra}


def area_json(area: Area) -> dict[str, Any]:
    return to_dict(area)


@dataclass
class SearchView:
    query: str
    hits: list[Hit]

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(h.record, score=round(h.score, 4)) for h in self.hits]

    as_json = rows


@dataclass
class RecordView:
    record: Record
    related: list[Record] = field(default_factory=list)
    cited: list[Record] = field(default_factory=list)  # for a source: the records citing it

    def as_json(self) -> dict[str, Any]:
        return record_json(self.record)


@dataclass
class ThemeView:
    theme: Theme
    records: list[Record]
    via: str = ""

    def as_json(self) -> dict[str, Any]:
        return record_json(self.theme, records=[record_json(r) for r in self.records])


@dataclass
class ThemesView:
    themes: list[Theme]
    counts: dict[str, Counter[str]]

    def rows(self) -> list[dict[str, Any]]:
        return [
            record_json(t, counts=dict(self.counts[t.id]), total=sum(self.counts[t.id].values()))
            for t in self.themes
        ]

    as_json = rows


@dataclass
class AreaView:
    found: Match[Area]
    local: list[Record]  # tagged with this area alone
    shared: list[Record]  # tagged with this area and others
    nearby: list[tuple[Area, list[Record]]]  # when it has none: its region, most records first
    # Case studies and examples for the whole of England and Wales (for areas there).
    national: list[Record] = field(default_factory=list)

    @property
    def area(self) -> Area:
        return self.found.item

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "area": {
                **area_json(self.area),
                "query": self.found.query,
                "resolved_via": self.found.via,
                "matched": self.found.matched,
            },
            "records": [record_json(r, coverage="local") for r in self.local]
            + [record_json(r, coverage="multi-area") for r in self.shared],
        }
        if self.national:
            data["national"] = [record_json(r, coverage="national") for r in self.national]
        if self.nearby:
            data["nearby"] = [
                {"area": a.name, "records": [record_json(r) for r in rs]} for a, rs in self.nearby
            ]
        return data


@dataclass
class AreasView:
    areas: list[Area]
    counts: Counter[str]

    def rows(self) -> list[dict[str, Any]]:
        return [{**area_json(a), "records": self.counts[a.name]} for a in self.areas]

    as_json = rows


@dataclass
class SourcesView:
    sources: list[Record]
    cited: Counter[str]

    def rows(self) -> list[dict[str, Any]]:
        return [record_json(s, cited_by=self.cited[s.id]) for s in self.sources]

    as_json = rows


# ---------------------------------------------------------------- building them


def theme_view(corpus: Corpus, name: str, evidence: str | None = None) -> ThemeView:
    found = corpus.theme(name)
    records = with_evidence(corpus.with_theme(found.item.id), evidence)
    return ThemeView(found.item, records, found.via)


def themes_view(corpus: Corpus) -> ThemesView:
    counts: dict[str, Counter[str]] = {t.id: Counter() for t in corpus.themes}
    for r in corpus.records:
        if r.type != "theme":
            for t in r.themes:
                counts.setdefault(t, Counter())[r.type] += 1
    return ThemesView(corpus.themes, counts)


def area_view(corpus: Corpus, name: str, evidence: str | None = None) -> AreaView:
    """An area's records; its region's instead when it has none at all. With `evidence`,
    only records whose outcomes rest on that kind of evidence."""
    found = corpus.gazetteer.resolve(name)
    area = found.item
    tagged = corpus.in_area(area.name)
    kept = with_evidence(tagged, evidence)
    local = [r for r in kept if len(r.areas) == 1]
    shared = [r for r in kept if len(r.areas) > 1]
    nearby: list[tuple[Area, list[Record]]] = []
    if not tagged:
        for other in corpus.gazetteer.in_region(area.region):
            records = (
                with_evidence(corpus.in_area(other.name), evidence) if other is not area else []
            )
            if records:
                nearby.append((other, records))
        nearby.sort(key=lambda pair: (-len(pair[1]), pair[0].name))
    national: list[Record] = []
    if area.country in ("England", "Wales"):
        practice = corpus.of_type("case-study", "example")
        national = with_evidence([r for r in practice if r.effective_scope == "national"], evidence)
    return AreaView(found, local, shared, nearby, sort_by_type(national))


def areas_view(corpus: Corpus) -> AreasView:
    counts: Counter[str] = Counter(a for r in corpus.records for a in r.areas)
    return AreasView(list(corpus.gazetteer.areas), counts)


def sources_view(corpus: Corpus) -> SourcesView:
    cited: Counter[str] = Counter(c.source for r in corpus.records for c in {*r.sources})
    return SourcesView(list(corpus.sources), cited)


def record_view(corpus: Corpus, record: Record) -> RecordView:
    cited = sort_by_type(corpus.cited_in(record.id)) if record.type == "source" else []
    return RecordView(record, corpus.related(record), cited)
