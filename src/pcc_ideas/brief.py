"""Briefing packs: a cited document on one or more themes, one or more areas, or both.

A pack is built as data (`build_brief` returns a `pack.Brief`: a title, the scope it covers,
sections of items, and a numbered reference list); the writers in `output` (Markdown, a
self-contained HTML page, Word) and `brief_to_json` turn it into a document, each from the
`Brief` alone (`BRIEF_FORMATS`). Every item carries the numbers of the references it rests on;
references are numbered in the order the pack first uses them, one per distinct (document,
place, URL), so every number in the text points to an entry and every entry is used.

What goes in:
- themes: an overview of each theme, the figures (outcomes first, see `figure_rank`),
  recommendations, case studies and examples linked to any of them;
- areas: the announced changes to who holds their police and crime functions (dated, with
  their status and the address they were published at), what has been done in each and its
  own resources, then elsewhere in their regions, unless the pack covers all of one (with
  themes, only what is on them, then what is on them elsewhere). Areas alone take their
  figures from the areas and their regions, and the recommendations closest to the work done
  there (or, when there is none, in their regions): those citing the same case studies, then
  those nearest its themes;
- evidence: only case studies and examples whose outcomes rest on that kind of evidence;
  figures and recommendations record no evidence kind and are kept, as the scope says.
`short=True` makes a one-to-two-page summary: the overview's first sentences, the top key
figures, and the recommendations and the case studies one line each.

The document speaks to its reader: what the person running the command may want to know (how
the recommendations were chosen, the option that limited the evidence) goes in `Brief.hints`,
which no writer prints.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import importlib
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePath

from . import __version__
from .areas import explain
from .brief_records import (
    PRACTICE,
    Selection,
    closest_recommendations,
    key_figures,
    of_types,
    practice,
    recommendations,
    resources,
    select,
    shown,
    tagged,
)
from .corpus import Corpus
from .lookup import Match
from .models import (
    Area,
    CaseStudy,
    Change,
    Figure,
    Recommendation,
    Record,
    Resource,
    Theme,
    choice_label,
    evidence_kinds,
    to_dict,
)
from .pack import Brief, Detail, Item, ReferenceList, Section, and_list
from .values import Value, frozen

SHORT_FIGURES = 5
USER_MARK = "(added by the user, not from the published sources)"
SHORT_OVERVIEW = 200  # characters: the overview of a short pack stops at a sentence after this


# ---------------------------------------------------------------- items


def theme_item(theme: Theme, refs: ReferenceList, short: bool) -> Item:
    text = lead(theme.summary, SHORT_OVERVIEW) if short else theme.summary
    return Item(
        titled(theme, theme.title),
        refs.cite(theme),
        text=text,
        record=theme.id,
        shortened=short and text != " ".join(theme.summary.split()),
    )


def lead(text: str, limit: int) -> str:
    """The first sentences of a text, stopping at the first sentence end after `limit`."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z0-9£\"'(])", " ".join(text.split()))
    out = sentences[0]
    for s in sentences[1:]:
        if len(out) >= limit:
            break
        out += " " + s
    return out


def titled(record: Record, title: str) -> str:
    """An item's title, marked when the record is the user's: in every format and length of
    pack, the reader must know it is not from the published sources its references name."""
    return f"{title} {USER_MARK}" if record.origin == "user" else title


def figure_item(figure: Figure, refs: ReferenceList) -> Item:
    where = figure.place or ", ".join(figure.areas)
    qualifiers = ", ".join(x for x in (figure.year, where) if x)
    text = figure.measure.rstrip(".") + (f" ({qualifiers})" if qualifiers else "")
    return Item(titled(figure, figure.value), refs.cite(figure), "Figure", text, record=figure.id)


def recommendation_item(rec: Recommendation, refs: ReferenceList, short: bool) -> Item:
    if short:
        return Item(titled(rec, rec.title), refs.cite(rec), record=rec.id)
    details = [Detail("What to do", rec.actions)] if rec.actions else []
    if rec.by:
        details.append(Detail("Recommended by", (rec.by,)))
    title = titled(rec, rec.title)
    return Item(title, refs.cite(rec), text=rec.summary, details=tuple(details), record=rec.id)


def change_item(change: Change, refs: ReferenceList, areas: Sequence[str], short: bool) -> Item:
    """An announced change to who holds the police and crime functions: when, how firm,
    what (the areas it applies to, when not all of a joint pack's), cited by its address."""
    text = lead(change.what, SHORT_OVERVIEW) if short else change.what
    details = (Detail("Areas", (and_list(list(areas)),)),) if areas else ()
    return Item(
        f"{long_date(change.date)}: {change.status}",
        refs.cite_document(change.by, change.url),
        text=text,
        details=() if short else details,
    )


def long_date(iso: str) -> str:
    """ "2025-11-13" as "13 November 2025"; anything else as written."""
    try:
        day = datetime.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def practice_item(record: CaseStudy, refs: ReferenceList, short: bool) -> Item:
    kind = f"Case study {record.number}" if record.type == "case-study" else "Example"
    title = titled(record, record.title)
    if short:
        line = where_text(record) + (f": {headline(record)}" if record.outcomes else "")
        return Item(title, refs.cite(record), kind, line, record=record.id)
    details = [
        Detail("Where", (where_text(record),)),
        Detail("What was done", record.actions or (record.summary,)),
        Detail("Outcomes", record.outcomes or ("None stated in the source.",)),
        Detail("Evidence", (choice_label("evidence", record.evidence or "not recorded"),)),
    ]
    if record.organisations:
        details.insert(1, Detail("Who", (", ".join(record.organisations),)))
    if record.year:
        details.insert(1, Detail("When", (record.year,)))
    return Item(title, refs.cite(record), kind, details=tuple(details), record=record.id)


def resource_item(resource: Resource, refs: ReferenceList, short: bool) -> Item:
    """Further reading: what it is, who published it, where to find it."""
    title = titled(resource, resource.title)
    if short:
        return Item(title, refs.cite(resource), "Resource", record=resource.id)
    details = [
        Detail(label, (value,))
        for label, value in [("Published by", resource.publisher), ("Address", resource.url)]
        if value
    ]
    return Item(
        title, refs.cite(resource), "Resource", resource.summary, tuple(details), resource.id
    )


def headline(record: CaseStudy) -> str:
    """The outcome a one-line summary gives: the first sentence of the first outcome with a
    number, else of the first."""
    outcome = next((o for o in record.outcomes if re.search(r"\d", o)), record.outcomes[0])
    return lead(outcome, 0)


def where_text(record: CaseStudy) -> str:
    """Where a piece of work was done: its places, then its force areas: "Middlesbrough
    (Cleveland)"; of several places, all the areas, so that none seems to hold the others."""
    unnamed = [a for a in record.areas if a not in record.places]
    if record.places and unnamed and len(record.places) > 1:
        return ", ".join(record.places) + f" (force areas: {', '.join(record.areas)})"
    if record.places:
        return ", ".join(record.places) + (f" ({', '.join(unnamed)})" if unnamed else "")
    if record.areas:
        return ", ".join(record.areas)
    return sentence_case(choice_label("scope", record.effective_scope))


def sentence_case(text: str) -> str:
    """A label as the start of a line: "No place given in the source"."""
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- sections


@frozen
class Plan(Value):
    """What a pack is for: its themes, its areas as resolved, the evidence kept, its length."""

    themes: Sequence[Theme]
    found: Sequence[Match[Area]]  # every name asked for, as read: two may be in one area
    evidence: str | None
    short: bool

    @property
    def areas(self) -> list[Area]:
        return list({m.item.name: m.item for m in self.found}.values())

    @property
    def on_themes(self) -> str:
        if not self.themes:
            return ""
        return " on this theme" if len(self.themes) == 1 else " on these themes"


@frozen
class Drawn(Value):
    """What a pack's sections are made from: the corpus, the pack's plan, the records chosen
    (by position) and the reference list its items are numbered in."""

    corpus: Corpus
    plan: Plan
    chosen: Selection
    refs: ReferenceList


def practice_section(drawn: Drawn, heading: str, part: set[int], empty: str) -> Section:
    """Case studies and examples, limited by evidence; `empty` says why there are none."""
    plan = drawn.plan
    work = practice_in(drawn.corpus, part)
    kept = work
    if plan.evidence:  # a government evaluation is an evaluation
        kept = work & tagged(drawn.corpus, "evidence", evidence_kinds(plan.evidence))
    records, total = shown(drawn.corpus, drawn.chosen, [kept], PRACTICE)
    note = ""
    if not work:
        note = empty
    elif not kept:
        which = (
            "The one case study or example here does not rest"
            if len(work) == 1
            else f"None of the {len(work)} case studies and examples here rest"
        )
        note = f"{which} on {choice_label('evidence', plan.evidence or '')}."
    elif len(records) < total:
        note = first_of(len(records), total, "case studies and examples")
    items = tuple(practice_item(r, drawn.refs, plan.short) for r in practice(records))
    return Section(heading, items, note, compact=plan.short)


def resources_section(drawn: Drawn, area: Area) -> Section:
    """The resources tagged with an area (its violence reduction network's publications);
    none, and the section is left out."""
    found, total = shown(drawn.corpus, drawn.chosen, [drawn.chosen.local[area.name]], ("resource",))
    items = tuple(resource_item(r, drawn.refs, drawn.plan.short) for r in resources(found))
    note = first_of(len(items), total, "resources") if len(items) < total else ""
    return Section(f"Resources for {area.name}", items, note, drawn.plan.short)


def first_of(count: int, total: int, what: str) -> str:
    """The note of a section that shows only the first of its records."""
    return f"The first {count} in the corpus of the {total:,} {what} here."


def area_sections(drawn: Drawn) -> list[Section]:
    corpus, plan, chosen = drawn.corpus, drawn.plan, drawn.chosen
    sections = []
    said = set()  # regions with no practice, said with an area that has none either
    for area in plan.areas:
        others = others_in_region(corpus, plan, area.region)
        phrase = region_phrase(area.region)
        empty = f"No case studies or examples{plan.on_themes} are tagged with {area.name}"
        if others and not practice_in(corpus, chosen.regional.get(area.region, set())):
            if not practice_in(corpus, chosen.local[area.name]):
                said.add(area.region)
            empty += f" or the other police force areas of {phrase}"
            empty += "; what has been done elsewhere follows" if plan.themes else ""
        elif others:
            empty += f"; what has been done elsewhere in {phrase} follows"
        sections.append(
            practice_section(
                drawn, f"What has been done in {area.name}", chosen.local[area.name], empty + "."
            )
        )
        sections.append(resources_section(drawn, area))
    for region, part in chosen.regional.items():
        if not others_in_region(corpus, plan, region) or region in said:  # all of it, or said
            continue
        phrase = region_phrase(region)
        empty = (
            f"No case studies or examples{plan.on_themes} are tagged with the other police "
            f"force areas of {phrase}."
        )
        sections.append(practice_section(drawn, f"Elsewhere in {phrase}", part, empty))
    if plan.themes:
        sections.append(
            practice_section(
                drawn,
                "Case studies and examples elsewhere",
                chosen.rest,
                f"There are none elsewhere{plan.on_themes}.",
            )
        )
    return sections


def changes_section(plan: Plan, refs: ReferenceList) -> Section:
    """The announced changes to who holds the areas' police and crime functions, each once,
    in date order, with the areas it applies to when a joint pack's areas differ."""
    holders: dict[Change, list[str]] = {}
    for area in plan.areas:
        for change in area.changes:
            holders.setdefault(change, []).append(area.name)
    every = len(plan.areas)
    items = tuple(
        change_item(c, refs, names if len(names) < every else (), plan.short)
        for c, names in sorted(holders.items(), key=lambda pair: pair[0].date)
    )
    return Section("Announced changes to police governance", items, compact=plan.short)


def practice_in(corpus: Corpus, part: set[int]) -> set[int]:
    """The case studies and examples among some records."""
    return part & of_types(corpus, *PRACTICE)


def others_in_region(corpus: Corpus, plan: Plan, region: str) -> list[Area]:
    return [a for a in corpus.gazetteer.in_region(region) if a not in plan.areas]


def recommendations_section(drawn: Drawn) -> tuple[Section, list[str]]:
    """The recommendations, and hints on how they were chosen."""
    corpus, plan, chosen, refs = drawn.corpus, drawn.plan, drawn.chosen, drawn.refs
    heading = "Ideas and recommendations for PCCs"
    if plan.themes or not plan.areas:
        found, total = shown(corpus, chosen, chosen.parts, ("recommendation",))
        items = tuple(recommendation_item(r, refs, plan.short) for r in recommendations(found))
        note = first_of(len(found), total, "recommendations") if len(found) < total else ""
        return Section(heading, items, note, compact=plan.short), []
    local = practice(shown(corpus, chosen, list(chosen.local.values()), PRACTICE)[0])
    regional = practice(shown(corpus, chosen, list(chosen.regional.values()), PRACTICE)[0])
    where = (
        f"in {and_list([a.name for a in plan.areas])}"
        if local
        else f"elsewhere in {and_list([region_phrase(g) for g in chosen.regional])}"
    )
    records = closest_recommendations(corpus, local or regional)
    if not records:
        return Section(heading, ()), []
    note = (
        f"The recommendations closest to the work done {where}: those drawn from the same "
        "case studies first, then those nearest its themes."
    )
    items = tuple(recommendation_item(r, refs, plan.short) for r in records)
    return Section(heading, items, note, compact=plan.short), [
        "The recommendations are those closest to the work done there; "
        "add --theme NAME to choose them by theme."
    ]


def scope_lines(corpus: Corpus, plan: Plan, chosen: Selection) -> tuple[str, ...]:
    lines = []
    if plan.themes:
        label = "Theme" if len(plan.themes) == 1 else "Themes"
        lines.append(f"{label}: " + "; ".join(t.title for t in plan.themes) + ".")
    for area in plan.areas:
        lines.append(f"Police force area: {area.name} ({area.region}), {area.holder}.")
        lines += [
            sentence(explain(m))
            for m in plan.found
            if m.item.name == area.name and m.via == "alias"
        ]
        if not corpus.facet(f"area:{area.name}"):
            lines.append(
                f"No records are tagged with {area.name}, so this pack draws on what has been "
                f"done elsewhere in {region_phrase(area.region)}."
            )
        elif plan.themes and not chosen.local[area.name]:
            lines.append(f"No records{plan.on_themes} are tagged with {area.name}.")
    if plan.evidence:
        lines.append(
            f"Evidence: only case studies and examples whose outcomes rest on "
            f"{choice_label('evidence', plan.evidence)}; key figures and recommendations are "
            "not limited by evidence."
        )
    if plan.short:
        lines.append(
            "A summary: the top key figures, and each recommendation and case study in a line."
        )
    return tuple(lines)


def hints_for(plan: Plan, figures_cut: tuple[int, int]) -> list[str]:
    """Notes for the person running the command: how a name was read, the options used."""
    hints = [sentence(explain(m)) for m in plan.found if m.via not in ("name", "alias", "region")]
    regions: dict[str, list[str]] = {}
    for m in plan.found:
        if m.via == "region":
            regions.setdefault(m.query, []).append(m.item.name)
    hints += [f"{name} is {and_list(areas)}." for name, areas in regions.items()]
    if plan.evidence:
        hints.append(
            f"--evidence {plan.evidence}: only case studies and examples whose outcomes rest on "
            f"{choice_label('evidence', plan.evidence)}."
        )
    shown, total = figures_cut
    if shown < total:
        hints.append(f"--short: the top {shown} of {total} key figures; leave it out for all.")
    return hints


def sentence(text: str) -> str:
    return sentence_case(text) + "."


def elsewhere(plan: Plan, figures: Sequence[Record]) -> str:
    """The note of an area pack's key figures when none of them is of its areas: they come
    from elsewhere in its regions (and, with themes, from anywhere, or are national), or
    there are none."""
    names = [a.name for a in plan.areas]
    if not names or any(set(names) & set(f.areas) for f in figures):
        return ""
    regions = and_list([region_phrase(r) for r in dict.fromkeys(a.region for a in plan.areas)])
    if not figures and plan.themes:
        return f"There are no figures{plan.on_themes}."
    if not figures:
        return f"There are no figures for {and_list(names)}, nor elsewhere in {regions}."
    where = "national or from other areas" if plan.themes else f"from elsewhere in {regions}"
    return f"No figure is tagged {and_list(names, 'or')}; these are {where}."


def region_phrase(region: str) -> str:
    """A region as a sentence names it: "the North East region", but "Wales"."""
    return region if region in ("Wales", "Scotland", "Northern Ireland") else f"the {region} region"


def pack_subject(themes: Sequence[Theme], areas: Sequence[Area]) -> str:
    about = "; ".join(t.title for t in themes)
    places = and_list([a.name for a in areas]) if areas else ""
    return f"{about}, in {places}" if about and places else about or places


def build_brief(
    corpus: Corpus,
    themes: Sequence[Theme],
    areas: Sequence[Match[Area]],
    evidence: str | None,
    today: datetime.date,
    short: bool = False,
) -> Brief:
    """A briefing pack for themes, areas (as resolved, for the scope line) or both; several
    areas make a joint pack."""
    if not themes and not areas:
        raise ValueError("a brief needs a theme or an area")
    plan = Plan(
        list({t.id: t for t in themes}.values()),
        list(areas),
        evidence,
        short,
    )
    chosen = select(corpus, plan.themes, plan.areas)
    refs = ReferenceList(corpus)
    drawn = Drawn(corpus, plan, chosen, refs)
    sections = [Section("Overview", tuple(theme_item(t, refs, short) for t in plan.themes))]
    if plan.areas:
        sections.append(changes_section(plan, refs))
    found, total = shown(corpus, chosen, chosen.parts, ("figure",))
    numbers = key_figures(found)
    listed = numbers[:SHORT_FIGURES] if short else numbers
    note = first_of(len(numbers), total, "figures") if len(numbers) < total else ""
    note = " ".join(filter(None, [elsewhere(plan, found), note]))
    sections.append(
        Section("Key figures", tuple(figure_item(f, refs) for f in listed), note, compact=True)
    )
    recs, hints = recommendations_section(drawn)
    sections.append(recs)
    if plan.areas:
        sections += area_sections(drawn)
    else:
        sections.append(
            practice_section(drawn, "Case studies and examples", chosen.rest, "There are none.")
        )
    subject = pack_subject(plan.themes, plan.areas)
    return Brief(
        title=f"Briefing pack: {subject}" + (" (summary)" if short else ""),
        scope=scope_lines(corpus, plan, chosen),
        sections=tuple(s for s in sections if s.items or s.note),
        references=refs.entries(),
        corpus_version=corpus_version(corpus),
        built_on=today.isoformat(),
        subject=subject,
        keywords=(*(t.title for t in plan.themes), *(a.name for a in plan.areas)),
        short=short,
        hints=(*hints, *hints_for(plan, (len(listed), len(numbers)))),
    )


def corpus_version(corpus: Corpus) -> str:
    """The package version and the digest of the data files the corpus was read from (of
    every record and area it holds, for a corpus made in code)."""
    digest = corpus.digest or content_digest(corpus)
    return f"pcc-ideas {__version__}, data {digest[:12]} ({len(corpus.records)} records)"


def content_digest(corpus: Corpus) -> str:
    content = {
        "records": [to_dict(r) for r in corpus.records],
        "areas": [to_dict(a) for a in corpus.gazetteer.areas],
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


# ---------------------------------------------------------------- the formats


def brief_to_json(brief: Brief) -> str:
    """The pack as data: everything a document shows (not the hints for the user)."""
    data = dataclasses.asdict(brief)
    del data["hints"]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def writer(module: str, function: str) -> Callable[[Brief], str | bytes]:
    """A writer of `output`, imported when first used (Word needs python-docx)."""

    def write(brief: Brief) -> str | bytes:
        found: Callable[[Brief], str | bytes] = getattr(
            importlib.import_module(f".output.{module}", __package__), function
        )
        return found(brief)

    return write


BRIEF_FORMATS: dict[str, Callable[[Brief], str | bytes]] = {
    "markdown": writer("markdown", "brief_to_markdown"),
    "html": writer("html", "brief_to_html"),
    "json": brief_to_json,
    "docx": writer("docx", "brief_to_docx"),
}
EXTENSIONS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "markdown",
    ".html": "html",
    ".htm": "html",
}


def format_for_path(path: str | os.PathLike[str]) -> str | None:
    """The format a file's extension asks for (`.md`, `.html`, `.json`, `.docx`...), or None."""
    suffix = PurePath(path).suffix.lower()
    return EXTENSIONS.get(suffix) or (suffix[1:] if suffix[1:] in BRIEF_FORMATS else None)
