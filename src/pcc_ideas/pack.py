"""The briefing pack as data: what `brief.build_brief` makes and every writer of `output`
reads. A `Brief` has a title, the scope it covers, sections of items and a numbered reference
list; everything a writer needs to show is here, so each writer is a function of the `Brief`
alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import field

from .corpus import Corpus
from .models import Record
from .values import Value, frozen

SHORT_TITLE = 60  # characters: a longer title without a subtitle is cut for later mentions
SAFE_URL = re.compile(r"https?://[^\s<>\"'`\\]+\Z", re.IGNORECASE)


def safe_url(url: str | None) -> str | None:
    """The URL if it may become a link: http or https, no spaces, quotes or angle brackets."""
    return url if url and SAFE_URL.match(url) else None


@frozen
class Detail(Value):
    """One labelled part of an item: `Where`, `Outcomes`... One value or a list of them."""

    label: str
    values: tuple[str, ...]


@frozen
class Item(Value):
    """One claim of the pack (a figure, a recommendation, a case study) and its references."""

    title: str
    refs: tuple[int, ...]
    kind: str = ""
    text: str = ""
    details: tuple[Detail, ...] = ()
    record: str = ""  # the id of the record it comes from
    # The text is the first sentences of a longer one, and the references are the whole's:
    # the reader must not take each of them for a source of what is shown.
    shortened: bool = False

    @property
    def sources_label(self) -> str:
        label = "Source" if len(self.refs) == 1 else "Sources"
        return f"{label} of the full text" if self.shortened else label


@frozen
class Section(Value):
    """A heading and its items."""

    heading: str
    items: tuple[Item, ...]
    note: str = ""  # a line before the items: why there are none, how they were chosen
    compact: bool = False  # a list of one-line items (figures, a short pack) rather than entries


@frozen
class Reference(Value):
    """One numbered entry of the reference list."""

    number: int
    document: str  # the document's full title
    short_title: str  # the title a later mention of the same document uses
    first_mention: bool  # the first reference to this document in the list
    year: int | None = None
    place: str | None = None  # where in the document: a section, a case study, an endnote
    url: str | None = None  # the endnote's URL, as the source gives it
    document_url: str | None = None  # the document's own URL, where the corpus has one
    authors: str = ""  # who wrote it (else who published it), as the source names them

    @property
    def by(self) -> str:
        """Who wrote the document, before its title on its first mention ("Amal Ali, ...
        and Lucy Slade, "); later mentions, like a reference list's, leave it out."""
        return f"{self.authors}, " if self.authors and self.first_mention else ""

    @property
    def title(self) -> str:
        """The title this entry shows: in full on the document's first mention."""
        return self.document if self.first_mention else self.short_title

    @property
    def link(self) -> str | None:
        return safe_url(self.url)

    @property
    def stop(self) -> str:
        """The full stop after the title, year and place, unless they end with one already."""
        return "" if re.search(r"[.?!]\Z", self.place or self.title) else "."

    @property
    def document_link(self) -> str | None:
        return safe_url(self.document_url)


@frozen
class Brief(Value):
    """A whole briefing pack, as every writer reads it."""

    title: str
    scope: tuple[str, ...]
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    corpus_version: str
    built_on: str  # ISO date
    subject: str = ""  # what the pack is about, without "Briefing pack: "
    keywords: tuple[str, ...] = ()  # its themes and areas, for a document's properties
    short: bool = False
    hints: tuple[str, ...] = field(default=(), compare=False)  # for the user, not the reader

    @property
    def is_empty(self) -> bool:
        return not any(s.items for s in self.sections)

    @property
    def footer(self) -> str:
        return f"Corpus version: {self.corpus_version}. Built on {self.built_on}."


class ReferenceList:
    """Numbers citations in the order they are first used, one per (document, place, URL)."""

    def __init__(self, corpus: Corpus):
        self._corpus = corpus
        self._numbers: dict[tuple[str, str | None, str | None], int] = {}

    def cite(self, record: Record) -> tuple[int, ...]:
        numbers = []
        for c in record.sources:
            number = self._numbers.setdefault((c.source, c.ref, c.url), len(self._numbers) + 1)
            if number not in numbers:
                numbers.append(number)
        return tuple(numbers)

    def cite_document(self, title: str, url: str) -> tuple[int, ...]:
        """A document outside the corpus (an announcement), by its title and address."""
        return (self._numbers.setdefault((title, None, url), len(self._numbers) + 1),)

    def entries(self) -> tuple[Reference, ...]:
        seen: set[str] = set()
        sources = {s.id: s for s in self._corpus.sources}
        out = []
        for (source_id, place, url), number in self._numbers.items():
            source = sources.get(source_id)
            title = source.title if source else source_id
            place = source.place_cited(place) if source else place
            out.append(
                Reference(
                    number,
                    title,
                    short_title(title),
                    source_id not in seen,
                    source.year if source else None,
                    place,
                    url,
                    source.url if source else None,
                    and_list(source.authors or source.publishers) if source else "",
                )
            )
            seen.add(source_id)
        return tuple(out)


def and_list(words: Sequence[str], joining: str = "and") -> str:
    """ "Kent", "Kent and Sussex", "Kent, Surrey and Sussex" (or "Kent or Sussex")."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joining} {words[-1]}"


def short_title(title: str) -> str:
    """A title's main part: before its subtitle ("Public Safety, Public Trust" for "Public
    Safety, Public Trust. Innovative Ideas for ..."), or, for a long title with none, before
    the first "for", "in", "of"... after its fourth word; else the whole title."""
    main = re.split(r"(?<=\w)[.:?!] | [-–—] ", title, maxsplit=1)[0]
    if main != title and len(main.split()) >= 2:
        return main
    head = re.match(r"(\S+(?: \S+){3,}?) (?:for|in|on|of|with|and|by)\b", title)
    return head.group(1) if head and len(title) > SHORT_TITLE else title
