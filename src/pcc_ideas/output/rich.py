"""Pages for a terminal, drawn with Rich.

What a user copies is never broken: ids and URLs are printed on lines of their own with soft
wrapping, so Rich inserts no line break inside them and cuts nothing (the terminal wraps a
line longer than the window without breaking what is copied from it). Titles and prose wrap.
Text from data always goes into Rich as `Text`, never as markup, and only http(s) URLs
become links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.style import Style
from rich.table import Table
from rich.text import Text

from ..areas import places
from ..emptied import left_out
from ..models import RECORD_TYPES, Change, Record, choice_label, to_dict
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
from .data import JOIN, joined
from .plain import fields, item_text, kind, label

if TYPE_CHECKING:
    from ..pack import Reference
    from ..scoring import Contribution

URL = re.compile(r"\bhttps?://\S+", re.IGNORECASE)
URL_TRAILING = ".,;:!?'\""  # a sentence's punctuation after a URL
SNIPPET_WIDTH = 150

# One part of a page: a renderable, and whether it must be printed without wrapping.
Part = tuple[RenderableType, bool]


def wrapped(text: str | Text, style: str = "") -> Part:
    return (Text(text, style) if isinstance(text, str) else text), False


def unbroken(text: str | Text, style: str = "") -> Part:
    """A line holding an id or a URL: printed whole, its http(s) URLs made links."""
    out = Text(text, style) if isinstance(text, str) else text
    for start, end in url_spans(out.plain):
        out.stylize(Style(link=out.plain[start:end], underline=True), start, end)
    return out, True


def url_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where the http(s) URLs of a text are: without the punctuation of the sentence after
    one ("(…, https://x/604);"), keeping a closing bracket the URL opened."""
    for m in URL.finditer(text):
        end = m.end()
        while end > m.start() and (
            text[end - 1] in URL_TRAILING
            or text[end - 1] == ")"
            and text.count(")", m.start(), end) > text.count("(", m.start(), end)
        ):
            end -= 1
        yield m.start(), end


def with_url(lead: str, text: str, url: str | None, style: str = "") -> Iterator[Part]:
    """Text after a lead, wrapped (each URL it holds whole on a line of its own), then a URL
    whole on a line of its own under the text, unless the text holds it already."""
    if text:
        yield from around_urls(lead, Text(text, style))
    if url and url not in text:
        yield unbroken((" " * len(lead) if text else lead) + url, style)


def around_urls(lead: str, text: Text) -> Iterator[Part]:
    """Text after a lead, wrapped, but for each URL it holds (with what is stuck to it),
    printed whole on a line of its own: prose wraps, and an address is copied whole."""
    cuts = [i for m in URL.finditer(text.plain) for i in m.span()]
    pieces = [(p, bool(i % 2)) for i, p in enumerate(text.divide(cuts))]  # odd: a URL
    for n, (piece, is_url) in enumerate(p for p in pieces if p[0].plain.strip()):
        at = lead if n == 0 else " " * len(lead)
        start = len(piece.plain) - len(piece.plain.lstrip())
        piece = piece[start : len(piece.plain.rstrip())]
        yield unbroken(Text(at) + piece) if is_url else hanging(at, piece)


def blank() -> Part:
    return Text(""), False


class Hanging:
    """Text after a lead ("  ", " 3. "), its wrapped lines indented under the text, with no
    padding after them."""

    def __init__(self, lead: str, text: Text):
        self.lead, self.text = lead, text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = len(self.lead)
        for i, line in enumerate(self.text.wrap(console, max(options.max_width - indent, 20))):
            line.rstrip()
            yield Text.assemble((self.lead if i == 0 else " " * indent, "dim")) + line


def hanging(lead: str, text: Text) -> Part:
    return Hanging(lead, text), False


def id_line(indent: str, record_id: str, *about: str) -> Part:
    """An id, whole, then what it is: "cs-09-... · Case study · West Midlands"."""
    rest = joined(about)
    return unbroken(
        Text.assemble(indent, (record_id, "cyan"), (JOIN + rest if rest else "", "dim"))
    )


def entry(record: Record, indent: str = "  ", detail: str = "") -> Iterator[Part]:
    """A record in a list: its title (wrapped), then its id and where it applies."""
    yield hanging(indent, Text(record.title, "bold")) if indent else wrapped(record.title, "bold")
    yield id_line(indent, record.id, kind(record), places(record))
    yield from with_url(indent, detail, None, "dim")


def detail(record: Record) -> str:
    """A one-line detail: a figure's value, a case study's first outcome…"""
    data = to_dict(record)
    if record.type == "figure":
        return f"{data['value']}: {data['measure']}"
    for name in ("outcomes", "actions", "points", "examples"):
        if data.get(name):
            return str(data[name][0])
    return ""


def snippet(text: str, matched: Iterable[str], width: int = SNIPPET_WIDTH) -> Text:
    """About `width` characters of a text around its first matched word, cut between words
    (never inside a figure such as "more than 4,000"), matched words in bold."""
    stems = sorted({m for m in matched if m}, key=len, reverse=True)
    pattern = (
        re.compile(r"\b(" + "|".join(map(re.escape, stems)) + r")\w*", re.I) if stems else None
    )
    words = text.split()
    first = 0
    if pattern:
        at = next((i for i, w in enumerate(words) if pattern.search(w)), 0)
        first = max(0, at - 6)
    end, size = first, 0
    while end < len(words) and size + len(words[end]) <= width:
        size += len(words[end]) + 1
        end += 1
    end = figure_end(words, end)
    piece = ("…" if first else "") + " ".join(words[first:end]) + ("…" if end < len(words) else "")
    out = Text(piece)
    if pattern:
        out.highlight_regex(pattern, "bold yellow")
    return out


QUALIFIERS = frozenset("more less fewer than almost over nearly around about under up to".split())
UNITS = frozenset("per cent percent % million billion thousand times".split())
NUMBER = re.compile(r"[£$€]?\d")


def figure_end(words: list[str], end: int) -> int:
    """Where to end a piece of text cut before `end` so that no figure is split: a number
    with the words qualifying it ("more than 4,000") and its unit ("39 per cent")."""
    ahead = end
    while ahead < len(words) and ahead - end < 3 and words[ahead].casefold() in QUALIFIERS:
        ahead += 1
    if ahead < len(words) and NUMBER.match(words[ahead]):
        end = ahead + 1  # the number, and the words qualifying it
    while (
        end < len(words)
        and end > 0
        and NUMBER.match(words[end - 1])
        and (words[end].casefold().strip(".,;") in UNITS)
    ):
        end += 1
    return end


def search_parts(page: SearchPage) -> Iterator[Part]:
    for i, h in enumerate(page.hits, 1):
        yield hanging(f"{i:>2}. ", Text(h.record.title, "bold"))
        yield id_line("    ", h.record.id, kind(h.record), places(h.record))
        if h.record.type == "figure":  # the figure itself, which is what is looked for
            yield from with_url("    ", detail(h.record), None, "dim")
        if page.long:
            yield hanging("    ", snippet(h.record.summary, h.matched))
            for cited in h.record.sources:
                yield from with_url("    ", joined((cited.source, cited.ref)), cited.url, "dim")
        if page.explain:
            for c in h.explain:
                yield hanging("      ", Text(reason(c), "dim"))
            total = (
                f"= {h.score:.2f} points in all (how well it matches your words, not the evidence)"
            )
            yield hanging("      ", Text(total, "dim"))
        if page.long or page.explain:
            yield blank()


def reason(c: Contribution) -> str:
    """One line of explain: what a word of the query (or the query as a whole) matched, how,
    where, and for how many points."""
    from ..scoring import WHOLE_QUERY  # only a search's explain: other pages need no scoring

    if lead := WHOLE_QUERY.get(c.how):
        return f"{lead}: {c.matched} ({c.field}) +{c.points:.2f}"
    return f"{c.word} → {c.matched} ({c.how}, {c.field}) +{c.points:.2f}"


def record_parts(page: RecordPage) -> Iterator[Part]:
    r = page.record
    yield wrapped(r.title, "bold")
    yield id_line("", r.id, kind(r), places(r))
    yield blank()
    yield wrapped(r.summary)
    yield blank()
    for name, value in fields(r):
        shown = name.replace("_", " ")
        if isinstance(value, list):
            yield wrapped(f"{shown}:", "bold cyan")
            for v in value:
                yield from with_url("  • ", item_text(v), None)
        else:
            yield from field_lines(Text.assemble((f"{shown}: ", "bold cyan"), str(value)))
    yield wrapped("cited from:", "bold cyan")
    for source, document, place, url in page.citations():
        yield from with_url("  • ", joined((source, document, place)), url)
    for heading, records in (
        (f"Cited by {len(page.cited)} records", page.cited),
        ("Related", page.related),
    ):
        if records:
            yield blank()
            yield wrapped(heading, "bold")
            for x in records:
                yield from entry(x)


def field_lines(text: Text) -> Iterator[Part]:
    """A field's line, wrapped, each URL it holds whole on a line of its own."""
    yield from around_urls("", text) if URL.search(text.plain) else [wrapped(text)]


def theme_parts(page: ThemePage) -> Iterator[Part]:
    t = page.theme
    yield wrapped(t.title, "bold")
    yield id_line("", t.id, "theme")
    yield blank()
    yield wrapped(t.summary)
    if page.related:
        yield blank()
        yield wrapped("Related themes", "bold")
        for related in page.related:
            t = related.theme
            yield id_line("  ", t.id, t.title, f"{related.size} records")
            for r in related.highlights:
                yield from entry(r, indent="      ")
    by_type: dict[str, list[Record]] = {}
    for r in page.records:
        by_type.setdefault(r.type, []).append(r)
    for record_type, records in by_type.items():
        yield blank()
        yield wrapped(f"{RECORD_TYPES[record_type].plural} ({len(records)})", "bold")
        for r in records:
            yield from entry(r, detail=detail(r))
    if page.hidden:
        yield blank()
        yield wrapped(left_out(page.hidden), "italic yellow")


def themes_parts(page: ThemesPage) -> Iterator[Part]:
    for t in page.themes:
        c = page.counts[t.id]
        yield wrapped(Text.assemble((t.title, "bold"), JOIN, f"{sum(c.values())} records"))
        of_which = ", ".join(f"{label(k).lower()} {n}" for k, n in c.most_common())
        yield id_line("  ", t.id, of_which)


def area_parts(page: AreaPage) -> Iterator[Part]:
    """The area, what has been done there, then the announced changes to who holds its PCC
    functions in full (a line at the top says they follow): the records are what a user
    asked for, and the changes are the same four in most areas."""
    a = page.area
    yield wrapped(Text.assemble((a.name, "bold"), JOIN, joined((a.region, a.holder))))
    for name, value in to_dict(a).items():
        if name not in ("name", "region", "holder", "aliases") and isinstance(value, str):
            yield from field_lines(Text(f"{name}: {choice_label(name, value)}", "dim"))
    changes = "changes to who holds the PCC functions"
    if a.changes:
        yield from field_lines(
            Text(f"announced {changes}: {len(a.changes)}, after the records", "dim")
        )
    for note in page.reading:
        yield wrapped(note, "italic yellow")
    for note in page.page_notes:
        yield wrapped(note, "italic yellow")
    for _, section, records in page.sections():
        yield blank()
        yield wrapped(f"{section} ({len(records)})", "bold")
        for r in records:
            yield from entry(r)
    if a.changes:
        yield blank()
        yield wrapped(f"Announced {changes} ({len(a.changes)})", "bold")
        for change in a.changes:
            yield from change_parts("  ", change)


def change_parts(lead: str, change: Change, first: str = "") -> Iterator[Part]:
    """An announced change: its date and status, what changes, on whose authority, and the
    address it was published at on a line of its own, whole."""
    yield hanging(first or lead, Text.assemble((change.date, "bold"), JOIN, change.status))
    yield hanging(lead, Text(change.what))
    yield hanging(lead, Text(change.by, "dim"))
    yield unbroken(Text.assemble(lead, (change.url, "dim")))


def number_ranges(numbers: Iterable[int]) -> str:
    """Numbers as runs: "1–4", "3, 4", "1–3, 5"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def areas_parts(page: AreasPage) -> Iterator[Part]:
    """A compact table of the areas; the announced changes, numbered in the table, follow
    it in full, so that their addresses are never wrapped or cut by a column."""
    numbers: dict[Change, int] = {}
    for a in page.areas:
        for c in a.changes:
            numbers.setdefault(c, len(numbers) + 1)
    t = Table(box=None, header_style="bold", pad_edge=False)
    t.add_column("Area", no_wrap=True)
    t.add_column("Records", justify="right", no_wrap=True)
    t.add_column("PCC functions")
    if numbers:
        t.add_column("Changes", no_wrap=True)
    for region in dict.fromkeys(a.region for a in page.areas):
        t.add_row(Text(region, "bold italic"))
        for a in (x for x in page.areas if x.region == region):
            n = page.counts[a.name]
            t.add_row(
                Text("  " + a.name, "bold"),
                Text(str(n), "green" if n else "dim"),
                Text(choice_label("governance", a.governance)),
                Text(number_ranges(numbers[c] for c in a.changes)),
            )
    yield t, False
    if numbers:
        yield blank()
        yield wrapped("Announced changes to who holds the PCC functions", "bold")
        for change, number in numbers.items():
            yield from change_parts("    ", change, f"{number:>2}. ")


def sources_parts(page: SourcesPage) -> Iterator[Part]:
    for s in page.sources:
        yield wrapped(s.title, "bold")
        yield id_line("", s.id, f"cited by {page.cited[s.id]} records")
        for name, value in fields(s):
            if name != "endnotes" and not isinstance(value, list):
                yield from field_lines(Text(f"{name}: {value}", "dim"))
        for n in getattr(s, "endnotes", ()):
            title = n.title if n.title and n.title != n.url else ""
            yield from with_url(f"  {n.number}. ", title, n.url)
        yield blank()


def export_parts(page: ExportPage) -> Iterator[Part]:
    for r in page.records:
        yield from entry(r, indent="")


PARTS: dict[type, Callable[[Any], Iterator[Part]]] = {
    SearchPage: search_parts,
    RecordPage: record_parts,
    ThemePage: theme_parts,
    ThemesPage: themes_parts,
    AreaPage: area_parts,
    AreasPage: areas_parts,
    SourcesPage: sources_parts,
    ExportPage: export_parts,
}


def print_page(page: Any, console: Console) -> None:
    print_parts(PARTS[type(page)](page), console)


def print_parts(parts: Iterable[Part], console: Console) -> None:
    for renderable, soft in parts:
        console.print(renderable, soft_wrap=soft)


def reference_parts(references: Iterable[Reference]) -> Iterator[Part]:
    """A brief's reference list: each entry's title, year and place wrapped after its
    number, then its URL whole on a line of its own."""
    for r in references:
        title = Text(r.title, Style(italic=True, link=r.document_link))
        year = f" ({r.year})" if r.year else ""
        place = f", {r.place}" if r.place else ""
        yield hanging(f"{r.number:>3}. ", Text.assemble(r.by, title, year, place, r.stop))
        if r.url:
            yield unbroken("     " + r.url)


__all__ = ["print_page", "print_parts", "reference_parts", "snippet", "joined"]
