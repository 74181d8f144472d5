"""What a briefing pack draws on: the records chosen for its themes and areas, and its key
figures in the order a reader wants them (what changed first; dates and durations last).

Records are chosen by their positions (`Corpus.facet`) and read only when a section shows them,
at most `MOST_SHOWN` of one kind in a section, so a pack on a theme of 20,000 records reads a few
hundred."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from .corpus import Corpus, sort_by_type
from .models import Area, CaseStudy, Figure, Recommendation, Record, Resource, Theme
from .values import Value, frozen

MAX_AREA_RECOMMENDATIONS = 8
# Records of one kind a section shows, the first in the corpus: more than any pack on the
# bundled corpus holds, however many themes it covers.
MOST_SHOWN = 100
PRACTICE = ("case-study", "example")

# ---------------------------------------------------------------- choosing the records


@frozen
class Selection(Value):
    """The positions of the records a pack draws on, by where they were done."""

    local: dict[str, set[int]]  # per area chosen: tagged with it (the first chosen it has)
    regional: dict[str, set[int]]  # per region: tagged with another area of it
    rest: set[int]  # everything else on the themes (none for areas alone)
    by_type: bool  # each part is listed by type (on themes), else in corpus order

    @property
    def parts(self) -> list[set[int]]:
        return [*self.local.values(), *self.regional.values(), self.rest]


def select(corpus: Corpus, themes: Sequence[Theme], areas: Sequence[Area]) -> Selection:
    names = [a.name for a in areas]
    if themes:
        left = tagged(corpus, "theme", [t.id for t in themes]) - of_types(corpus, "theme", "source")
    else:
        left = set(range(len(corpus.records)))
    local = {}
    for name in names:
        local[name] = left & tagged(corpus, "area", [name])
        left -= local[name]
    regional = {}
    for region in regions_of(areas):
        others = [a.name for a in corpus.gazetteer.in_region(region) if a.name not in names]
        regional[region] = left & tagged(corpus, "area", others)
        left -= regional[region]
    return Selection(local, regional, left if themes else set(), bool(themes))


def tagged(corpus: Corpus, facet: str, values: Iterable[str]) -> set[int]:
    """The positions of the records with any of these values of a filter (`theme`, `area`)."""
    return {i for v in values for i in corpus.facet(f"{facet}:{v}")}


def of_types(corpus: Corpus, *types: str) -> set[int]:
    return tagged(corpus, "type", types)


def regions_of(areas: Sequence[Area]) -> list[str]:
    return list(dict.fromkeys(a.region for a in areas))


def shown(
    corpus: Corpus, chosen: Selection, parts: Sequence[set[int]], types: Sequence[str]
) -> tuple[list[Record], int]:
    """The records of these types in these parts of a selection, part after part, at most
    `MOST_SHOWN` (the first in the corpus), and how many there are in all."""
    wanted = [part & of_types(corpus, *types) for part in parts]
    total = sum(map(len, wanted))
    first = set(sorted(set().union(*wanted))[:MOST_SHOWN])
    records = []
    for part in wanted:
        found = corpus.at(part & first)
        records += sort_by_type(found) if chosen.by_type else found
    return records, total


def figures(records: Iterable[Record]) -> list[Figure]:
    return [r for r in records if isinstance(r, Figure)]


def recommendations(records: Iterable[Record]) -> list[Recommendation]:
    return [r for r in records if isinstance(r, Recommendation)]


def practice(records: Iterable[Record]) -> list[CaseStudy]:
    """The case studies and examples: what was done, where."""
    return [r for r in records if isinstance(r, CaseStudy)]


def resources(records: Iterable[Record]) -> list[Resource]:
    return [r for r in records if isinstance(r, Resource)]


def closest_recommendations(corpus: Corpus, work: Sequence[Record]) -> list[Recommendation]:
    """The recommendations closest to a body of work, at most MAX_AREA_RECOMMENDATIONS: first
    those citing the same place in a document (its case study), then those whose themes are
    most the themes of the work (each theme counting for the records on it, averaged over the
    recommendation's themes)."""
    weights = Counter(t for r in work for t in r.themes)
    cited = {(c.source, c.ref) for r in work for c in r.sources}

    def closeness(rec: Recommendation) -> tuple[bool, float]:
        tied = bool(cited & {(c.source, c.ref) for c in rec.sources})
        return tied, sum(weights[t] for t in rec.themes) / max(len(rec.themes), 1)

    ranked = sorted(recommendations(corpus.of_type("recommendation")), key=closeness, reverse=True)
    return [r for r in ranked if any(closeness(r))][:MAX_AREA_RECOMMENDATIONS]


# ---------------------------------------------------------------- key figures, outcomes first

DATE_OR_DURATION = re.compile(
    r"^(?:[A-Z][a-z]+ )?\d{4}(?:[-–]\d{2,4})?$"  # 2005, January 2023, 2015-2019
    r"|\b(?:years?|months?|weeks?|days?|hours?)\b",  # ten years, 4-month, 23 hours a day
    re.IGNORECASE,
)
# What a measure is, read from its head ("Reduction in ...", "Share of ...", "Number of ...").
CHANGE = re.compile(
    r"(?:\w+ ){0,2}?(?:reduction|fall|rise|increase|improvement|saving|return|decrease|drop|cut)"
    r"\b|how much (?:more|less)",
    re.IGNORECASE,
)
MONEY = re.compile(r"£|\bpounds?\b", re.IGNORECASE)
SHARE = re.compile(r"%|\bper ?cent\b|\bhalf\b|\bthirds?\b|\bquarters?\b", re.IGNORECASE)
SHARE_MEASURE = re.compile(r"(?:\w+ )?(?:share|proportion|rate)\b", re.IGNORECASE)
DATE_MEASURE = re.compile(r"year\b|when\b|time\b|length\b|period\b|how long", re.IGNORECASE)


def figure_rank(figure: Figure) -> int:
    """Where a figure goes among the key figures, from what its value and measure express:
    a change (what changed, by how much) first, then a cost, a share, a count, and dates and
    durations last."""
    value, measure = figure.value.strip(), figure.measure
    if DATE_OR_DURATION.search(value) or DATE_MEASURE.match(measure):
        return 4
    if CHANGE.match(measure):
        return 0
    if MONEY.search(value):
        return 1
    if SHARE.search(value) or SHARE_MEASURE.match(measure):
        return 2
    return 3


def key_figures(records: Iterable[Record]) -> list[Figure]:
    return sorted(figures(records), key=figure_rank)
