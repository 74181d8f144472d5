"""What a briefing pack draws on: the records chosen for its themes and areas, and its key
figures in the order a reader wants them (what changed first; dates and durations last)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .corpus import Corpus, sort_by_type
from .models import Area, CaseStudy, Figure, Recommendation, Record, Theme

MAX_AREA_RECOMMENDATIONS = 8

# ---------------------------------------------------------------- choosing the records


@dataclass(frozen=True)
class Selection:
    """The records a pack draws on, by where they were done."""

    local: dict[str, list[Record]]  # per area chosen: tagged with it (the first chosen it has)
    regional: dict[str, list[Record]]  # per region: tagged with another area of it
    rest: list[Record]  # everything else on the themes (none for areas alone)

    @property
    def everything(self) -> list[Record]:
        return [
            *(r for rs in self.local.values() for r in rs),
            *(r for rs in self.regional.values() for r in rs),
            *self.rest,
        ]


def select(corpus: Corpus, themes: Sequence[Theme], areas: Sequence[Area]) -> Selection:
    on_themes = records_on_themes(corpus, themes) if themes else list(corpus.records)
    names = [a.name for a in areas]
    chosen = Selection({n: [] for n in names}, {region: [] for region in regions_of(areas)}, [])
    if not areas:
        chosen.rest.extend(on_themes)
        return chosen
    neighbours = {
        region: {a.name for a in corpus.gazetteer.in_region(region)} - set(names)
        for region in chosen.regional
    }
    for r in on_themes:
        tagged = [n for n in names if n in r.areas]
        near = [g for g, ns in neighbours.items() if ns & set(r.areas)]
        if tagged:
            chosen.local[tagged[0]].append(r)
        elif near:
            chosen.regional[near[0]].append(r)
        elif themes:
            chosen.rest.append(r)
    return chosen


def regions_of(areas: Sequence[Area]) -> list[str]:
    return list(dict.fromkeys(a.region for a in areas))


def records_on_themes(corpus: Corpus, themes: Sequence[Theme]) -> list[Record]:
    ids = {t.id for t in themes}
    return sort_by_type(
        r for r in corpus.records if ids & set(r.themes) and r.type not in ("theme", "source")
    )


def figures(records: Iterable[Record]) -> list[Figure]:
    return [r for r in records if isinstance(r, Figure)]


def recommendations(records: Iterable[Record]) -> list[Recommendation]:
    return [r for r in records if isinstance(r, Recommendation)]


def practice(records: Iterable[Record]) -> list[CaseStudy]:
    """The case studies and examples: what was done, where."""
    return [r for r in records if isinstance(r, CaseStudy)]


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

    ranked = sorted(recommendations(corpus.records), key=closeness, reverse=True)
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
