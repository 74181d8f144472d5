"""Content rules of the data guide (docs/data-guide.md) that a check can catch.

Each rule of RECORD_RULES looks at one built record, each of CORPUS_RULES at every record at
once; both yield `Problem`s naming the field they concern. `data_errors` runs them all and
places each problem at its file and line; `loading.checked`, after the other cross-file
checks, calls it once, so `validate` and every load enforce them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from .models import ENDNOTE_REF, SCOPE_COUNTRIES, CaseStudy, Endnote, Record, Source
from .schema import DataError

if TYPE_CHECKING:
    from .loading import Located


class Problem(NamedTuple):
    record_id: str
    field: str  # the key it concerns; `sources[2].url` for part of a list
    message: str


# Names of services that exist in England only: a record naming one is never Wales-wide.
ENGLAND_ONLY = re.compile(r"\bNHS ?England\b|\bNHSE\b")
URL = re.compile(r"https?://\S+")


def scope_stated(record: Record) -> Iterator[Problem]:
    """A record tagged with no area says where it applies: nothing defaults to national.
    Themes and sources are exempt: they are a taxonomy and documents, not practice or facts."""
    if not record.areas and not record.scope and record.type not in ("theme", "source"):
        yield Problem(
            record.id,
            "scope",
            "a record with no areas must state its scope "
            "(national, england, wales, unplaced, past or international)",
        )


def scope_fits_areas(record: Record) -> Iterator[Problem]:
    """`local` is one tagged area, `multi-area` two or more."""
    wanted = {"local": "exactly one area", "multi-area": "two or more areas"}
    fits = {"local": len(record.areas) == 1, "multi-area": len(record.areas) >= 2}
    if record.scope in wanted and not fits[record.scope]:
        yield Problem(
            record.id,
            "scope",
            f"scope {record.scope!r} needs {wanted[record.scope]}, found {len(record.areas)}",
        )


def england_only_service(record: Record) -> Iterator[Problem]:
    """An NHS England service covers England only, so it is never `national` or `wales`.
    Themes are exempt: a theme gathers records from everywhere."""
    if record.type == "theme" or "Wales" not in SCOPE_COUNTRIES.get(record.effective_scope, ()):
        return
    names = [record.title, record.summary, *getattr(record, "organisations", ())]
    hit = next((m.group() for n in names if (m := ENGLAND_ONLY.search(n))), None)
    if hit:
        yield Problem(
            record.id,
            "scope",
            f"names {hit!r}, which serves England only: "
            f"scope must not be {record.effective_scope!r} (use england)",
        )


# A `place` naming a country (or two), and the countries it covers.
COUNTRY_PLACES = {
    "England": ("England",),
    "Wales": ("Wales",),
    "England and Wales": ("England", "Wales"),
}


def place_fits_scope(record: Record) -> Iterator[Problem]:
    """A figure placed in England is `england`, in England and Wales `national`: a country-wide
    scope covers the countries its `place` names, no more and no fewer."""
    place = getattr(record, "place", None) or ""
    countries = COUNTRY_PLACES.get(place)
    covered = SCOPE_COUNTRIES.get(record.effective_scope)
    if countries and covered and covered != countries:
        yield Problem(
            record.id,
            "scope",
            f"scope {record.effective_scope!r} covers {' and '.join(covered)}, "
            f"but place is {place!r}",
        )


def evidence_has_outcomes(record: Record) -> Iterator[Problem]:
    """An evidence kind describes the evidence for outcomes: with none, it is `none-stated`."""
    if isinstance(record, CaseStudy) and record.evidence not in (None, "none-stated"):
        if not record.outcomes:
            yield Problem(
                record.id,
                "evidence",
                f"evidence {record.evidence!r} but no outcomes: "
                "give the outcomes it is evidence for, or use none-stated",
            )


# An address's scheme ("https:", "javascript:"), where it gives one: the sources also give
# addresses without ("www.reporthatenow.com/"), and a record keeps them as given.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def web_addresses(record: Record) -> Iterator[Problem]:
    """Every address a record gives is one a reader can open in a browser: on the web
    (http or https, where it names a scheme), with no space in it; a `javascript:`, `file:`
    or `data:` address is never one a source gives."""
    for field, url in _given(record):
        scheme = SCHEME.match(url)
        if (scheme and scheme.group().lower() not in ("http:", "https:")) or url.split() != [url]:
            yield Problem(record.id, field, f"{url!r} is not a web address (http or https)")


def _given(record: Record) -> Iterator[tuple[str, str]]:
    """Each address a record gives, with the field it is in."""
    if url := getattr(record, "url", None):
        yield "url", url
    for name in ("sources", "endnotes"):
        for i, part in enumerate(getattr(record, name, ())):
            if part.url:
                yield f"{name}[{i}].url", part.url


RECORD_RULES: tuple[Callable[[Record], Iterator[Problem]], ...] = (
    scope_stated,
    scope_fits_areas,
    england_only_service,
    place_fits_scope,
    evidence_has_outcomes,
    web_addresses,
)


def endnote_urls(records: Sequence[Record]) -> Iterator[Problem]:
    """A citation whose ref names an endnote of a source that lists its endnotes gives one
    of that endnote's URLs (its `url`, or another address its title gives), and the endnote
    exists."""
    notes = {
        r.id: {e.number: _addresses(e) for e in r.endnotes}
        for r in records
        if isinstance(r, Source) and r.endnotes
    }
    for r in records:
        for i, c in enumerate(r.sources):
            m = ENDNOTE_REF.search(c.ref or "")
            if not m or c.source not in notes:
                continue
            number = int(m.group(1))
            if number not in notes[c.source]:
                yield Problem(r.id, f"sources[{i}].ref", f"{c.source} has no endnote {number}")
            elif (urls := notes[c.source][number]) and c.url not in urls:
                found = f"{c.url!r}" if c.url else "none"
                yield Problem(
                    r.id,
                    f"sources[{i}].url",
                    f"endnote {number} of {c.source} gives {' or '.join(map(repr, urls))}, "
                    f"found {found}",
                )


def citation_urls(records: Sequence[Record]) -> Iterator[Problem]:
    """A citation of a source that lists its endnotes, naming none of them, gives as its URL
    one of those endnotes' addresses, or the document's own: any other address would pass, in
    a brief, for one the published document gives."""
    notes = _endnote_numbers(records)
    own = {r.id: r.url for r in records if isinstance(r, Source)}
    for r in records:
        for i, c in enumerate(r.sources):
            if c.url and c.source in notes and not ENDNOTE_REF.search(c.ref or ""):
                if c.url not in notes[c.source] and c.url != own[c.source]:
                    yield Problem(
                        r.id,
                        f"sources[{i}].url",
                        f"{c.url!r} is none of the addresses {c.source} gives "
                        "(its endnotes' or its own): cite the endnote it comes from",
                    )


def endnote_named(records: Sequence[Record]) -> Iterator[Problem]:
    """A citation that gives an endnote's address names that endnote in its ref ("Case study
    12, endnote 37"): a reader sees which of the document's notes the link is, and `show`
    and a brief give what the note says."""
    notes = _endnote_numbers(records)
    own = {r.id: r.url for r in records if isinstance(r, Source)}
    for r in records:
        for i, c in enumerate(r.sources):
            if not c.url or c.url == own.get(c.source) or ENDNOTE_REF.search(c.ref or ""):
                continue
            number = notes.get(c.source, {}).get(c.url)
            if number is not None:
                named = f"{c.ref}, endnote {number}" if c.ref else f"Endnote {number}"
                yield Problem(
                    r.id,
                    f"sources[{i}].ref",
                    f"the url is endnote {number}'s address in {c.source}: "
                    f"name it in the ref ({named!r})",
                )


def _endnote_numbers(records: Sequence[Record]) -> dict[str, dict[str, int]]:
    """For each source that lists its endnotes, by id: each address they give, with the
    number of the first endnote giving it."""
    return {
        r.id: {u: e.number for e in reversed(r.endnotes) for u in _addresses(e)}
        for r in records
        if isinstance(r, Source) and r.endnotes
    }


def _addresses(note: Endnote) -> list[str]:
    found = [note.url] if note.url else []
    return found + [u for u in URL.findall(note.title or "") if u not in found]


CORPUS_RULES: tuple[Callable[[Sequence[Record]], Iterator[Problem]], ...] = (
    endnote_urls,
    citation_urls,
    endnote_named,
)


def problems(records: Sequence[Record]) -> list[Problem]:
    """What every rule finds in these records."""
    found = [p for r in records for rule in RECORD_RULES for p in rule(r)]
    return found + [p for rule in CORPUS_RULES for p in rule(records)]


def data_errors(located: Iterable[Located]) -> list[DataError]:
    """Every rule's problems as data errors, at the line of the field each concerns. Rules
    read records as written, so an unknown area is one problem, not also a missing scope."""
    where = {item.record.id: item for item in located}
    records = [item.record for item in where.values()]
    errors = []
    for p in problems(records):
        item = where[p.record_id]
        key = p.field.split("[")[0].split(".")[0]
        errors.append(DataError(item.path, item.line_of(key), f"{p.field}: {p.message}"))
    return errors
