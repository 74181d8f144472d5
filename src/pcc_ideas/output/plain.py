"""Pages as plain text, for pipes and dumb terminals: no escape codes, no box drawing.

Lists are one record per line, fields separated by tabs, so `grep`, `cut` and `sort` work;
notes about a page (how a name was read) go to stderr, never between the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..areas import places
from ..models import RECORD_TYPES, Record, choice_label, to_dict
from ..pages import (
    AreaPage,
    AreasPage,
    ExportPage,
    RecordPage,
    SearchPage,
    SourcesPage,
    ThemePage,
    ThemesPage,
)
from .data import joined

# The fields a record page shows in its heading lines rather than as fields.
SKIP_FIELDS = frozenset({"id", "type", "title", "summary", "sources", "score"})


def label(record_type: str) -> str:
    return RECORD_TYPES[record_type].label


def kind(record: Record) -> str:
    """A record's type as shown, marked when it is one of the user's own records."""
    return label(record.type) + (" (your record)" if record.origin == "user" else "")


def tsv(*fields: object) -> str:
    """One line of tab-separated fields; tabs and newlines inside data become spaces."""
    return "\t".join(" ".join(str(f).split()) for f in fields)


def record_line(record: Record, *lead: object) -> str:
    return tsv(*lead, kind(record), record.id, record.title, places(record))


def fields(record: Record) -> Iterator[tuple[str, Any]]:
    """The fields a record page lists, with values; choices in words."""
    for name, value in to_dict(record).items():
        if name not in SKIP_FIELDS and value not in ([], "", None):
            yield name, choice_label(name, value) if isinstance(value, str) else value


def item_text(value: Any) -> str:
    return joined(value.values()) if isinstance(value, dict) else str(value)


def explain_lines(hit: Any) -> Iterator[str]:
    for c in hit.explain:
        yield tsv("", "why", c.word, c.matched, c.how, c.field, f"{c.points:.3f}")


def search_lines(page: SearchPage) -> Iterator[str]:
    for i, h in enumerate(page.hits, 1):
        yield record_line(h.record, i, f"{h.score:.3f}")
        if page.explain:
            yield from explain_lines(h)


def record_lines(page: RecordPage) -> Iterator[str]:
    r = page.record
    yield r.title
    yield joined((kind(r), r.id, places(r)))
    yield ""
    yield r.summary
    for name, value in fields(r):
        if isinstance(value, list):
            yield f"{name}:"
            yield from (f"  - {item_text(v)}" for v in value)
        else:
            yield f"{name}: {value}"
    yield "sources:"
    yield from (f"  - {joined(cited)}" for cited in page.citations())
    for heading, records in (
        (f"Cited by {len(page.cited)} records:", page.cited),
        ("Related:", page.related),
    ):
        if records:
            yield ""
            yield heading
            yield from (record_line(x) for x in records)


def theme_lines(page: ThemePage) -> Iterator[str]:
    yield from (record_line(r) for r in page.records)


def themes_lines(page: ThemesPage) -> Iterator[str]:
    for t in page.themes:
        yield tsv(t.id, t.title, sum(page.counts[t.id].values()))


def area_lines(page: AreaPage) -> Iterator[str]:
    for key, _, records in page.sections():
        yield from (record_line(r, key) for r in records)


def areas_lines(page: AreasPage) -> Iterator[str]:
    for a in page.areas:
        yield tsv(a.name, a.region, a.governance, page.counts[a.name])


def sources_lines(page: SourcesPage) -> Iterator[str]:
    for s in page.sources:
        yield tsv("source", s.id, s.title, getattr(s, "year", "") or "")
        for n in getattr(s, "endnotes", ()):
            shown = n.url or n.title or ""
            # The title too, when it says more than the address (a second URL, a reference).
            yield tsv(
                "endnote",
                s.id,
                n.number,
                shown,
                *([n.title] if n.title not in (None, shown) else []),
            )


def export_lines(page: ExportPage) -> Iterator[str]:
    yield from (record_line(r) for r in page.records)


LINES: dict[type, Callable[[Any], Iterator[str]]] = {
    SearchPage: search_lines,
    RecordPage: record_lines,
    ThemePage: theme_lines,
    ThemesPage: themes_lines,
    AreaPage: area_lines,
    AreasPage: areas_lines,
    SourcesPage: sources_lines,
    ExportPage: export_lines,
}


def lines(page: Any) -> Iterator[str]:
    """The lines of a page as plain text."""
    return LINES[type(page)](page)
