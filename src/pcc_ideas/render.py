"""Showing views to people: plain text for pipes, Rich tables and panels for terminals.

Plain text has one record per line, fields separated by tabs, and no escape codes. Rich is
imported only when a terminal asks for it. Text from data always goes into Rich as `Text`,
so `[bold]` in a title is shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .models import RECORD_TYPES, Record, to_dict
from .views import (
    AreasView,
    AreaView,
    RecordView,
    SearchView,
    SourcesView,
    ThemesView,
    ThemeView,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

GOVERNANCE = {
    "pcc": "Police and Crime Commissioner",
    "pfcc": "Police, Fire and Crime Commissioner",
    "mayor": "Mayor",
    "other": "Other arrangements",
}
SKIP_FIELDS = {"id", "type", "title", "summary", "sources", "score"}


def label(record_type: str) -> str:
    return RECORD_TYPES[record_type].label


def areas_text(record: Record) -> str:
    return ", ".join(record.areas) or (
        "England and Wales" if record.effective_scope == "national" else record.effective_scope
    )


def citation_lines(record: Record) -> list[str]:
    return [" · ".join(x for x in (c.source, c.ref, c.url) if x) for c in record.sources]


def tsv(*fields: object) -> str:
    """One line of tab-separated fields; tabs and newlines inside data become spaces."""
    return "\t".join(" ".join(str(f).split()) for f in fields)


def record_line(record: Record, *lead: str) -> str:
    return tsv(*lead, label(record.type), record.id, record.title, areas_text(record))


# ---------------------------------------------------------------- plain text


def plain(view: Any) -> Iterator[str]:
    """The lines of a view as plain text."""
    if isinstance(view, SearchView):
        for i, h in enumerate(view.hits, 1):
            yield record_line(h.record, str(i), f"{h.score:.3f}")
    elif isinstance(view, RecordView):
        yield from plain_record(view.record)
        if view.cited:
            yield ""
            yield f"Cited by {len(view.cited)} records:"
            yield from (record_line(r) for r in view.cited)
        if view.related:
            yield ""
            yield "Related:"
            yield from (record_line(r) for r in view.related)
    elif isinstance(view, ThemeView):
        yield from plain_record(view.theme)
        yield ""
        yield from (record_line(r) for r in view.records)
    elif isinstance(view, ThemesView):
        for t in view.themes:
            yield tsv(t.id, t.title, sum(view.counts[t.id].values()))
    elif isinstance(view, AreaView):
        yield from plain_area_header(view)
        for coverage, records in (("local", view.local), ("multi-area", view.shared)):
            yield from (record_line(r, coverage) for r in records)
        for area, records in view.nearby:
            yield from (record_line(r, f"nearby:{area.name}") for r in records)
        yield from (record_line(r, "national") for r in view.national)
    elif isinstance(view, AreasView):
        for a in view.areas:
            yield tsv(a.name, a.region, a.governance, view.counts[a.name])
    elif isinstance(view, SourcesView):
        for s in view.sources:
            yield tsv("source", s.id, s.title, getattr(s, "year", "") or "")
            for n in getattr(s, "endnotes", ()):
                yield tsv("endnote", s.id, n.number, n.url or n.title or "")
    else:  # pragma: no cover - a new view without a plain form
        raise TypeError(f"no plain form for {type(view).__name__}")


def plain_area_header(view: AreaView) -> Iterator[str]:
    a = view.area
    yield f"{a.name} ({a.region}): {a.holder}"
    if explained := _explain(view):
        yield explained
    if not view.local and not view.shared:
        yield f"No records are tagged with {a.name}; records elsewhere in {a.region}:"


def _explain(view: AreaView) -> str:
    from .areas import explain

    return explain(view.found)


def plain_record(record: Record) -> Iterator[str]:
    yield f"{record.title}"
    yield f"{label(record.type)} · {record.id} · {areas_text(record)}"
    yield ""
    yield record.summary
    for name, value in to_dict(record).items():
        if name in SKIP_FIELDS or value in ([], "", None):
            continue
        if isinstance(value, list):
            yield f"{name}:"
            yield from (f"  - {_flat(v)}" for v in value)
        else:
            yield f"{name}: {value}"
    yield "sources:"
    yield from (f"  - {line}" for line in citation_lines(record))


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return " · ".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)


# ---------------------------------------------------------------- Rich


def rich(view: Any) -> Iterable[RenderableType]:
    """The renderables of a view for a terminal."""
    from rich import box
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def table(*columns: str, title: str | None = None) -> Table:
        t = Table(
            box=box.SIMPLE_HEAD, title=title, title_justify="left", title_style="bold", expand=False
        )
        for c in columns:
            t.add_column(c, overflow="fold")
        return t

    def records_table(records: list[Record], title: str | None = None) -> Table:
        t = table("Type", "Title and id", "Areas", title=title)
        for r in records:
            t.add_row(Text(label(r.type), "cyan"), title_cell(r), Text(areas_text(r)))
        return t

    if isinstance(view, SearchView):
        t = table("#", "Type", "Title and id", "Areas", "Summary")
        for i, h in enumerate(view.hits, 1):
            t.add_row(
                str(i),
                Text(label(h.record.type), "cyan"),
                title_cell(h.record),
                Text(areas_text(h.record)),
                snippet(h.record.summary, h.matched),
            )
        yield t
    elif isinstance(view, RecordView):
        yield record_panel(view.record)
        if view.cited:
            yield records_table(view.cited, f"Cited by {len(view.cited)} records")
        if view.related:
            yield records_table(view.related, "Related")
    elif isinstance(view, ThemeView):
        yield Panel(
            Text(view.theme.summary),
            title=Text(view.theme.title, "bold"),
            subtitle=Text(f"theme · {view.theme.id}"),
            title_align="left",
        )
        by_type: dict[str, list[Record]] = {}
        for r in view.records:
            by_type.setdefault(r.type, []).append(r)
        for kind, records in by_type.items():
            t = table(
                "Title and id",
                "Areas",
                "Detail",
                title=f"{RECORD_TYPES[kind].plural} ({len(records)})",
            )
            for r in records:
                t.add_row(title_cell(r), Text(areas_text(r)), Text(detail(r)))
            yield t
    elif isinstance(view, ThemesView):
        t = table("Theme", "Id", "Records", "Of which")
        for th in view.themes:
            c = view.counts[th.id]
            t.add_row(
                Text(th.title, "bold"),
                Text(th.id, "dim"),
                str(sum(c.values())),
                Text(", ".join(f"{n} {label(k).lower()}" for k, n in c.most_common())),
            )
        yield t
    elif isinstance(view, AreaView):
        a = view.area
        head = Text.assemble((a.name, "bold"), f"  {a.region} · ", a.holder)
        if explained := _explain(view):
            head.append(f"\n{explained}", "italic")
        if a.note:
            head.append(f"\n{a.note}", "dim")
        yield Panel(head, title="Police force area", title_align="left")
        if view.local:
            yield records_table(view.local, f"In {a.name} ({len(view.local)})")
        if view.shared:
            yield records_table(
                view.shared, f"Across several areas including {a.name} ({len(view.shared)})"
            )
        if view.nearby:
            yield Text(
                f"No records are tagged with {a.name}; here is what has been done "
                f"elsewhere in {a.region}.",
                "yellow",
            )
            for other, records in view.nearby:
                yield records_table(records, f"{other.name} ({len(records)})")
        if view.national:
            yield records_table(view.national, f"Across England and Wales ({len(view.national)})")
    elif isinstance(view, AreasView):
        most = max(view.counts.values(), default=1) or 1
        t = table("Area", "Region", "PCC functions", "Records", "")
        for region in dict.fromkeys(a.region for a in view.areas):
            for a in (x for x in view.areas if x.region == region):
                n = view.counts[a.name]
                t.add_row(
                    Text(a.name, "bold"),
                    Text(a.region),
                    Text(GOVERNANCE[a.governance]),
                    str(n),
                    Text("█" * round(12 * n / most), "green"),
                )
        yield t
    elif isinstance(view, SourcesView):
        for s in view.sources:
            yield record_panel(s)
    else:  # pragma: no cover
        raise TypeError(f"no Rich form for {type(view).__name__}")


def title_cell(record: Record) -> Any:
    """A record's title in bold with its id beneath, dim: what `show` takes."""
    from rich.text import Text

    return Text.assemble((record.title, "bold"), "\n", (record.id, "dim"))


def detail(record: Record) -> str:
    """A one-line detail for a table: a figure's value, a case study's first outcome…"""
    data = to_dict(record)
    if record.type == "figure":
        return f"{data['value']}: {data['measure']}"
    for name in ("outcomes", "actions", "points", "examples"):
        if data.get(name):
            return str(data[name][0])
    if data.get("evidence"):
        return f"evidence: {data['evidence']}"
    return ""


def snippet(text: str, matched: Iterable[str], width: int = 160) -> Any:
    """The start of a text, or the part around its first match, with matched words in bold."""
    from rich.text import Text

    stems = sorted({m for m in matched if m}, key=len, reverse=True)
    pattern = (
        re.compile(r"\b(" + "|".join(map(re.escape, stems)) + r")\w*", re.I) if stems else None
    )
    start = 0
    if pattern and (m := pattern.search(text)) and m.start() > width // 2:
        start = text.rfind(" ", 0, m.start() - width // 4) + 1
    piece = (
        ("…" if start else "")
        + text[start : start + width]
        + ("…" if len(text) > start + width else "")
    )
    out = Text(piece)
    if pattern:
        out.highlight_regex(pattern, "bold yellow")
    return out


def record_panel(record: Record) -> Any:
    from rich.console import Group
    from rich.panel import Panel
    from rich.style import Style
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    for name, value in to_dict(record).items():
        if name in SKIP_FIELDS or value in ([], "", None):
            continue
        if name == "endnotes":
            value = [f"{e['number']}. {e.get('url') or e.get('title')}" for e in value]
        shown = (
            Text("\n".join(f"• {_flat(v)}" for v in value))
            if isinstance(value, list)
            else Text(str(value))
        )
        grid.add_row(name.replace("_", " "), shown)
    cites = Text()
    for c in record.sources:
        cites.append("• " + " · ".join(x for x in (c.source, c.ref) if x))
        if c.url:
            cites.append(" · ")
            cites.append(c.url, Style(link=c.url, underline=True))
        cites.append("\n")
    if cites:
        grid.add_row("cited from", cites)
    body = Group(Text(record.summary), Text(""), grid)
    return Panel(
        body,
        title=Text(record.title, "bold"),
        subtitle=Text(f"{label(record.type)} · {record.id}"),
        title_align="left",
    )


def print_rich(view: Any, console: Console) -> None:
    for part in rich(view):
        console.print(part)


__all__ = ["plain", "rich", "print_rich"]
