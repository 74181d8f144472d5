"""Briefing packs: a cited document on one or more themes, an area, or both.

A pack is built as data first (`build_brief` returns a `Brief`: a title, the scope it was built
for, sections of items, and a numbered reference list), then written out by one of `FORMATS`
(Markdown, a self-contained HTML page, or JSON). Every item carries the numbers of the
references it rests on; references are numbered in the order the pack first uses them, one per
distinct (document, place, URL), so every number in the text points to an entry and every
entry is used.

What goes in:
- themes: an overview of each theme, the figures, recommendations, case studies and examples
  linked to any of them;
- an area: what has been done there, then elsewhere in its region (with themes, only what is
  on them, then what is on them elsewhere). An area alone takes its figures from the area and
  its region, and the recommendations closest to the work done there (or, when it has none,
  in its region): those citing the same case studies, then those nearest its themes;
- evidence: only case studies and examples whose outcomes rest on that kind of evidence;
  figures and recommendations record no evidence kind and are kept, as the scope says.
Text from data stays data: Markdown escapes it with `formats.md`, HTML with `html.escape`,
and only http(s) URLs become links.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import html
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import __version__
from .areas import explain
from .corpus import Corpus, sort_by_type
from .lookup import Match
from .models import (
    Area,
    CaseStudy,
    Figure,
    Recommendation,
    Record,
    Source,
    Theme,
    to_dict,
)
from .output.markdown import md
from .pages import with_evidence

MAX_AREA_RECOMMENDATIONS = 8
EVIDENCE_LABELS = {
    "evaluation": "an evaluation",
    "government-evaluation": "a government evaluation",
    "participant-reports": "reports from participants",
    "population-trend": "a trend in the population as a whole",
    "none-stated": "none stated in the source",
}
SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+\Z", re.IGNORECASE)


# ---------------------------------------------------------------- the pack as data


@dataclass(frozen=True)
class Detail:
    """One labelled part of an item: `Where`, `Outcomes`... One value or a list of them."""

    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One claim of the pack (a figure, a recommendation, a case study) and its references."""

    title: str
    refs: tuple[int, ...]
    kind: str = ""
    text: str = ""
    details: tuple[Detail, ...] = ()
    record: str = ""  # the id of the record it comes from


@dataclass(frozen=True)
class Section:
    heading: str
    items: tuple[Item, ...]
    note: str = ""  # a line before the items: why there are none, how they were chosen
    compact: bool = False  # a list of one-line items (figures) rather than entries


@dataclass(frozen=True)
class Reference:
    number: int
    document: str  # its title
    year: int | None = None
    place: str | None = None  # where in the document: a section, a case study, an endnote
    url: str | None = None


@dataclass(frozen=True)
class Brief:
    title: str
    scope: tuple[str, ...]
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    corpus_version: str
    built_on: str  # ISO date

    @property
    def is_empty(self) -> bool:
        return not any(s.items for s in self.sections)


class ReferenceList:
    """Numbers citations in the order they are first used, one per (document, place, URL)."""

    def __init__(self, corpus: Corpus):
        self._corpus = corpus
        self._numbers: dict[tuple[str, int | None, str | None, str | None], int] = {}

    def cite(self, record: Record) -> tuple[int, ...]:
        numbers = []
        for c in record.sources:
            key = (*self.document(c.source), c.ref, c.url)
            number = self._numbers.setdefault(key, len(self._numbers) + 1)
            if number not in numbers:
                numbers.append(number)
        return tuple(numbers)

    def document(self, source_id: str) -> tuple[str, int | None]:
        """A document's title and year (where known)."""
        found = self._corpus.get(source_id)
        if not isinstance(found, Source):
            return source_id, None
        return found.title, found.year

    def entries(self) -> tuple[Reference, ...]:
        return tuple(Reference(n, *key) for key, n in self._numbers.items())


# ---------------------------------------------------------------- choosing the records


@dataclass(frozen=True)
class Selection:
    """The records a pack draws on, by where they were done."""

    local: list[Record]  # tagged with the area
    regional: list[Record]  # tagged with another area of its region
    rest: list[Record]  # everything else on the themes (none for an area alone)


def select(corpus: Corpus, themes: Sequence[Theme], area: Area | None) -> Selection:
    on_themes = records_on_themes(corpus, themes) if themes else list(corpus.records)
    if area is None:
        return Selection([], [], on_themes)
    neighbours = {a.name for a in corpus.gazetteer.in_region(area.region) if a is not area}
    chosen = Selection([], [], [])
    for r in on_themes:
        if area.name in r.areas:
            chosen.local.append(r)
        elif neighbours & set(r.areas):
            chosen.regional.append(r)
        elif themes:
            chosen.rest.append(r)
    return chosen


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


# ---------------------------------------------------------------- items


def theme_item(theme: Theme, refs: ReferenceList) -> Item:
    return Item(theme.title, refs.cite(theme), text=theme.summary, record=theme.id)


def figure_item(figure: Figure, refs: ReferenceList) -> Item:
    where = figure.place or ", ".join(figure.areas)
    qualifiers = ", ".join(x for x in (figure.year, where) if x)
    text = figure.measure.rstrip(".") + (f" ({qualifiers})" if qualifiers else "")
    return Item(figure.value, refs.cite(figure), "Figure", text, record=figure.id)


def recommendation_item(rec: Recommendation, refs: ReferenceList) -> Item:
    details = [Detail("What to do", rec.actions)] if rec.actions else []
    if rec.by:
        details.append(Detail("Recommended by", (rec.by,)))
    return Item(rec.title, refs.cite(rec), text=rec.summary, details=tuple(details), record=rec.id)


def practice_item(record: CaseStudy, refs: ReferenceList) -> Item:
    kind = f"Case study {record.number}" if record.type == "case-study" else "Example"
    details = [
        Detail("Where", (where_text(record),)),
        Detail("What was done", record.actions or (record.summary,)),
        Detail("Outcomes", record.outcomes or ("None stated in the source.",)),
        Detail("Evidence", (EVIDENCE_LABELS.get(record.evidence or "", "not recorded"),)),
    ]
    if record.organisations:
        details.insert(1, Detail("Who", (", ".join(record.organisations),)))
    if record.year:
        details.insert(1, Detail("When", (record.year,)))
    return Item(record.title, refs.cite(record), kind, details=tuple(details), record=record.id)


def where_text(record: CaseStudy) -> str:
    """Where a piece of work was done: its places, then its force areas."""
    unnamed = [a for a in record.areas if a not in record.places]
    if record.places:
        return ", ".join(record.places) + (f" ({', '.join(unnamed)})" if unnamed else "")
    if record.areas:
        return ", ".join(record.areas)
    return {"national": "England and Wales", "international": "International"}.get(
        record.effective_scope, record.effective_scope
    )


# ---------------------------------------------------------------- sections


def practice_section(
    heading: str, records: Sequence[Record], evidence: str | None, refs: ReferenceList, empty: str
) -> Section:
    """Case studies and examples, limited by evidence; `empty` says why there are none."""
    work = practice(records)
    kept = practice(with_evidence(work, evidence))
    note = ""
    if not work:
        note = empty
    elif not kept:
        note = (
            f"None of the {len(work)} case studies and examples here rest on "
            f"{EVIDENCE_LABELS[evidence or '']}."
        )
    return Section(heading, tuple(practice_item(r, refs) for r in kept), note)


def area_sections(
    corpus: Corpus,
    area: Area,
    chosen: Selection,
    themes: Sequence[Theme],
    evidence: str | None,
    refs: ReferenceList,
) -> list[Section]:
    on_themes = f" {on_the(themes)}" if themes else ""
    region = region_phrase(area.region)
    has_neighbours = len(corpus.gazetteer.in_region(area.region)) > 1
    sections = [
        practice_section(
            f"What has been done in {area.name}",
            chosen.local,
            evidence,
            refs,
            f"No case studies or examples{on_themes} are tagged with {area.name}"
            + (f"; what has been done elsewhere in {region} follows." if has_neighbours else "."),
        ),
        practice_section(
            f"Elsewhere in {region}",
            chosen.regional,
            evidence,
            refs,
            f"No case studies or examples{on_themes} are tagged with the other police force "
            f"areas of {region}."
            if has_neighbours
            else f"{area.name} is the only police force area in {region}.",
        ),
    ]
    if themes:
        sections.append(
            practice_section(
                "Case studies and examples elsewhere",
                chosen.rest,
                evidence,
                refs,
                f"There are none elsewhere {on_the(themes)}.",
            )
        )
    return sections


def recommendations_section(
    corpus: Corpus,
    chosen: Selection,
    themes: Sequence[Theme],
    area: Area | None,
    refs: ReferenceList,
) -> Section:
    heading = "Ideas and recommendations for PCCs"
    if themes or area is None:
        chosen_recs = recommendations([*chosen.local, *chosen.regional, *chosen.rest])
        return Section(heading, tuple(recommendation_item(r, refs) for r in chosen_recs))
    local = practice(chosen.local)
    where = f"in {area.name}" if local else f"elsewhere in {region_phrase(area.region)}"
    records = closest_recommendations(corpus, local or practice(chosen.regional))
    note = (
        f"The recommendations closest to the work done {where}: those drawn from the same "
        "case studies first, then those nearest its themes. Add --theme to choose the themes."
        if records
        else ""
    )
    return Section(heading, tuple(recommendation_item(r, refs) for r in records), note)


def scope_lines(
    corpus: Corpus,
    themes: Sequence[Theme],
    found: Match[Area] | None,
    chosen: Selection,
    evidence: str | None,
) -> tuple[str, ...]:
    lines = []
    if themes:
        label = "Theme" if len(themes) == 1 else "Themes"
        lines.append(f"{label}: " + "; ".join(t.title for t in themes) + ".")
    if found is not None:
        area = found.item
        lines.append(f"Police force area: {area.name} ({area.region}), {area.holder}.")
        if explained := explain(found):
            lines.append(explained[0].upper() + explained[1:] + ".")
        if not corpus.in_area(area.name):
            lines.append(
                f"No records are tagged with {area.name}, so this pack draws on what has been "
                f"done elsewhere in {region_phrase(area.region)}."
            )
        elif themes and not chosen.local:
            lines.append(f"No records {on_the(themes)} are tagged with {area.name}.")
    if evidence:
        lines.append(
            f"Evidence: only case studies and examples whose outcomes rest on "
            f"{EVIDENCE_LABELS[evidence]} (--evidence {evidence}); key figures and recommendations "
            "are not limited by evidence."
        )
    return tuple(lines)


def on_the(themes: Sequence[Theme]) -> str:
    return "on this theme" if len(themes) == 1 else "on these themes"


def region_phrase(region: str) -> str:
    """A region as a sentence names it: "the North East region", but "Wales"."""
    return region if region in ("Wales", "Scotland", "Northern Ireland") else f"the {region} region"


def pack_title(themes: Sequence[Theme], area: Area | None) -> str:
    about = "; ".join(t.title for t in themes)
    if about and area:
        return f"Briefing pack: {about}, in {area.name}"
    return f"Briefing pack: {about or (area.name if area else '')}"


def build_brief(
    corpus: Corpus,
    themes: Sequence[Theme] = (),
    area: Match[Area] | None = None,
    evidence: str | None = None,
    today: datetime.date | None = None,
) -> Brief:
    """A briefing pack for themes, an area (as resolved, for the scope line) or both."""
    if not themes and area is None:
        raise ValueError("a brief needs a theme or an area")
    themes = list({t.id: t for t in themes}.values())
    place = area.item if area else None
    chosen = select(corpus, themes, place)
    refs = ReferenceList(corpus)
    sections = [Section("Overview", tuple(theme_item(t, refs) for t in themes))]
    numbers = figures([*chosen.local, *chosen.regional, *chosen.rest])
    sections.append(
        Section("Key figures", tuple(figure_item(f, refs) for f in numbers), compact=True)
    )
    sections.append(recommendations_section(corpus, chosen, themes, place, refs))
    if place is None:
        sections.append(
            practice_section(
                "Case studies and examples", chosen.rest, evidence, refs, "There are none."
            )
        )
    else:
        sections += area_sections(corpus, place, chosen, themes, evidence, refs)
    return Brief(
        title=pack_title(themes, place),
        scope=scope_lines(corpus, themes, area, chosen, evidence),
        sections=tuple(s for s in sections if s.items or s.note),
        references=refs.entries(),
        corpus_version=corpus_version(corpus),
        built_on=(today or datetime.date.today()).isoformat(),
    )


def corpus_version(corpus: Corpus) -> str:
    """The package version and a digest of every record and area the corpus holds."""
    content = {
        "records": [to_dict(r) for r in corpus.records],
        "areas": [to_dict(a) for a in corpus.gazetteer.areas],
    }
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return f"pcc-ideas {__version__}, data {digest[:12]} ({len(corpus.records)} records)"


def build_date(environ: Mapping[str, str] = os.environ) -> datetime.date:
    """Today, or the date of $SOURCE_DATE_EPOCH (seconds since 1970, UTC) for a reproducible
    pack; a value that is not a whole number of seconds is ignored."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.date.today()


def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link: http or https, no spaces, quotes or angle brackets."""
    return url if url and SAFE_URL.match(url) else None


def refs_text(numbers: Sequence[int]) -> str:
    return "[" + ", ".join(map(str, numbers)) + "]"


def footer_text(brief: Brief) -> str:
    return f"Corpus version: {brief.corpus_version}. Built on {brief.built_on}."


# ---------------------------------------------------------------- Markdown


def to_markdown(brief: Brief) -> str:
    out = [f"# {inline(brief.title)}", ""]
    out += [f"- {inline(line)}" for line in brief.scope] + [""]
    for section in brief.sections:
        out += [f"## {inline(section.heading)}", ""]
        if section.note:
            out += [f"*{inline(section.note)}*", ""]
        if section.compact:
            out += [markdown_line(item) for item in section.items] + [""]
        else:
            for item in section.items:
                out += markdown_entry(item)
    out += ["## References", ""]
    out += [markdown_reference(r) for r in brief.references] + [""]
    out += ["---", "", inline(footer_text(brief)), ""]
    return "\n".join(out)


def inline(text: str) -> str:
    """Text from data as one line of inert Markdown."""
    return md(" ".join(text.split()))


def markdown_line(item: Item) -> str:
    return f"- **{inline(item.title)}**: {inline(item.text)} {refs_text(item.refs)}"


def markdown_entry(item: Item) -> list[str]:
    out = [f"### {inline(item.title)}", ""]
    if item.kind:
        out += [f"*{inline(item.kind)}*", ""]
    if item.text:
        out += [inline(item.text), ""]
    for d in item.details:
        if len(d.values) == 1:
            out.append(f"- **{inline(d.label)}:** {inline(d.values[0])}")
        else:
            out.append(f"- **{inline(d.label)}:**")
            out += [f"  - {inline(v)}" for v in d.values]
    if item.details:
        out.append("")
    return [*out, f"{sources_label(item)}: {refs_text(item.refs)}", ""]


def sources_label(item: Item) -> str:
    return "Source" if len(item.refs) == 1 else "Sources"


def markdown_reference(ref: Reference) -> str:
    year = f" ({ref.year})" if ref.year else ""
    place = f", {inline(ref.place)}" if ref.place else ""
    link = safe_url(ref.url)
    url = f" <{link}>" if link else (f" {inline(ref.url)}" if ref.url else "")
    return f"{ref.number}. *{inline(ref.document)}*{year}{place}.{url}"


# ---------------------------------------------------------------- HTML

STYLE = """
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 46rem; padding: 2rem 1.25rem 3rem; color: #1b1b1b;
  background: #fff; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; }
header { border-bottom: 3px solid #0a4d8c; margin-bottom: 1.5rem; }
.kicker { margin: 0; color: #0a4d8c; font-weight: 600; letter-spacing: .04em;
  text-transform: uppercase; font-size: .85rem; }
h1 { margin: .25rem 0 .75rem; font-size: 1.8rem; line-height: 1.2; }
h2 { margin: 2rem 0 .75rem; font-size: 1.35rem; border-bottom: 1px solid #c8c8c8;
  padding-bottom: .25rem; }
h3 { margin: 1.25rem 0 .25rem; font-size: 1.1rem; }
.scope { padding-left: 1.25rem; color: #333; }
.kind { margin: 0 0 .35rem; color: #4a4a4a; font-size: .9rem; }
.note { font-style: italic; color: #333; }
article { margin-bottom: 1.25rem; }
dl { margin: .5rem 0; display: grid; grid-template-columns: 10.5rem 1fr; gap: .2rem .75rem; }
dt { font-weight: 600; color: #333; }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.1rem; }
.figures li { margin-bottom: .35rem; }
.refs { color: #4a4a4a; font-size: .9rem; }
a { color: #0a4d8c; }
a:focus { outline: 2px solid #0a4d8c; outline-offset: 2px; }
.references li { margin-bottom: .4rem; overflow-wrap: anywhere; }
nav ul { padding-left: 1.25rem; margin: .25rem 0; }
footer { margin-top: 2.5rem; border-top: 1px solid #c8c8c8; padding-top: .75rem;
  color: #4a4a4a; font-size: .9rem; }
@media (max-width: 36rem) { dl { grid-template-columns: 1fr; } dt { margin-top: .35rem; } }
@media print {
  @page { margin: 16mm 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  nav { display: none; }
  a { color: #000; text-decoration: none; }
  .references a { text-decoration: underline; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  article, .figures li, .references li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def to_html(brief: Brief) -> str:
    e = escape
    contents = "".join(
        f'<li><a href="#section-{i}">{e(s.heading)}</a></li>'
        for i, s in enumerate(brief.sections, 1)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f'<meta name="generator" content="pcc-ideas {e(__version__)}">',
        f"<title>{e(brief.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        '<p class="kicker">Briefing pack</p>',
        f"<h1>{e(brief.title.removeprefix('Briefing pack: '))}</h1>",
        '<ul class="scope">' + "".join(f"<li>{e(s)}</li>" for s in brief.scope) + "</ul>",
        '<nav aria-label="Contents"><strong>Contents</strong><ul>'
        f'{contents}<li><a href="#references">References</a></li></ul></nav>',
        "</header>",
        "<main>",
    ]
    parts += [html_section(f"section-{i}", s) for i, s in enumerate(brief.sections, 1)]
    parts += [
        '<section aria-labelledby="references">',
        '<h2 id="references">References</h2>',
        '<ol class="references">',
        *(html_reference(r) for r in brief.references),
        "</ol>",
        "</section>",
        "</main>",
        f"<footer><p>{e(footer_text(brief))}</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def html_refs(numbers: Sequence[int]) -> str:
    links = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers)
    return f'<span class="refs">[{links}]</span>'


def html_section(section_id: str, section: Section) -> str:
    e = escape
    out = [
        f'<section aria-labelledby="{section_id}">',
        f'<h2 id="{section_id}">{e(section.heading)}</h2>',
    ]
    if section.note:
        out.append(f'<p class="note">{e(section.note)}</p>')
    if section.compact:
        out.append(
            '<ul class="figures">'
            + "".join(
                f"<li><strong>{e(i.title)}</strong>: {e(i.text)} {html_refs(i.refs)}</li>"
                for i in section.items
            )
            + "</ul>"
        )
    else:
        out += [html_entry(item) for item in section.items]
    out.append("</section>")
    return "\n".join(out)


def html_entry(item: Item) -> str:
    e = escape
    out = ["<article>", f"<h3>{e(item.title)}</h3>"]
    if item.kind:
        out.append(f'<p class="kind">{e(item.kind)}</p>')
    if item.text:
        out.append(f"<p>{e(item.text)}</p>")
    if item.details:
        out.append("<dl>")
        for d in item.details:
            value = (
                e(d.values[0])
                if len(d.values) == 1
                else "<ul>" + "".join(f"<li>{e(v)}</li>" for v in d.values) + "</ul>"
            )
            out.append(f"<dt>{e(d.label)}</dt><dd>{value}</dd>")
        out.append("</dl>")
    out += [f'<p class="refs">{sources_label(item)}: {html_refs(item.refs)}</p>', "</article>"]
    return "\n".join(out)


def html_reference(ref: Reference) -> str:
    e = escape
    year = f" ({ref.year})" if ref.year else ""
    place = f", {e(ref.place)}" if ref.place else ""
    link = safe_url(ref.url)
    if link:
        url = f' <a href="{e(link)}">{e(link)}</a>'
    else:
        url = f" {e(ref.url)}" if ref.url else ""
    return f'<li id="ref-{ref.number}"><cite>{e(ref.document)}</cite>{year}{place}.{url}</li>'


# ---------------------------------------------------------------- JSON and the formats


def to_json(brief: Brief) -> str:
    return json.dumps(dataclasses.asdict(brief), ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, Callable[[Brief], str]] = {
    "markdown": to_markdown,
    "html": to_html,
    "json": to_json,
}
