"""The record types of the corpus: the schema, written once.

Each record type is a frozen dataclass. Validation (in `loading`) reads the fields and their
annotations from here, so adding a field or a type is a change to this file only. The
annotations are objects, not strings (no `from __future__ import annotations`): every run
makes these classes, and a string annotation costs more to make a dataclass of. For the same
reason the types compare, hash and show themselves through the methods of `values.Value`.
"""

import dataclasses
import re
import typing
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from .values import Value, frozen, made

# Each fixed set of values with the words a reader is shown for each; a value without a
# label is shown as written. The kind of evidence a source gives for a piece of work's
# outcomes:
EVIDENCE_LABELS = {
    "evaluation": "an evaluation",
    "government-evaluation": "a government evaluation",
    "own-report": "the organisation's own report",
    "participant-reports": "reports from participants",
    "population-trend": "a trend in the population as a whole",
    "none-stated": "none stated in the source",
}
EVIDENCE_KINDS = tuple(EVIDENCE_LABELS)
# A kind that is one of another: asking for evaluations finds government evaluations too.
NARROWER_EVIDENCE = {"evaluation": ("government-evaluation",)}
# Where a record applies, each with its label. Only `national`, `england` and `wales` are
# practice across a country: `unplaced` is a scheme or kind of intervention the source names
# no place for, `past` a scheme that has ended.
SCOPE_LABELS = {
    "local": "one force area",
    "multi-area": "several force areas",
    "national": "England and Wales",
    "england": "England",
    "wales": "Wales",
    "unplaced": "no place given in the source",
    "past": "a past scheme",
    "international": "outside the UK",
}
SCOPES = tuple(SCOPE_LABELS)
# The countries whose areas a country-wide scope covers.
SCOPE_COUNTRIES = {
    "national": ("England", "Wales"),
    "england": ("England",),
    "wales": ("Wales",),
}
SOURCE_KIND_LABELS = {
    "briefing": "briefing",
    "news-article": "news article",
    "blog-post": "blog post",
    "guide": "guide",
    "report": "report",  # a user's: an annual report, an evaluation
}
GOVERNANCE_LABELS = {
    "pcc": "Police and Crime Commissioner",
    "pfcc": "Police, Fire and Crime Commissioner",
    "mayor": "Mayor",
    "other": "Other arrangements",
}
SOURCE_KINDS = tuple(SOURCE_KIND_LABELS)
GOVERNANCE = tuple(GOVERNANCE_LABELS)
CHANGE_STATUSES = ("announced, subject to legislation", "proposed", "under review")

# Fields whose strings must be one of a fixed set of values.
CHOICES: dict[str, tuple[str, ...]] = {
    "evidence": EVIDENCE_KINDS,
    "scope": SCOPES,
    "kind": SOURCE_KINDS,
    "governance": GOVERNANCE,
    "status": CHANGE_STATUSES,
}
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "evidence": EVIDENCE_LABELS,
    "scope": SCOPE_LABELS,
    "kind": SOURCE_KIND_LABELS,
    "governance": GOVERNANCE_LABELS,
}


def choice_label(field_name: str, value: str) -> str:
    """The words shown for a value of a fixed set (`governance`, `evidence`...)."""
    return CHOICE_LABELS.get(field_name, {}).get(value, value)


@frozen
class Citation(Value):
    """Where a record comes from: a source id, the place in it, and the endnote's URL."""

    source: str
    ref: str | None = None
    url: str | None = None


@frozen
class Endnote(Value):
    """An endnote of a source: its number, and the URL and title it gives."""

    number: int
    url: str | None = None
    title: str | None = None

    @property
    def text(self) -> str | None:
        """What the endnote says besides its address: a title or a reference, not a URL."""
        title = (self.title or "").strip()
        return title if title and not title.startswith(("http://", "https://")) else None


# A citation's ref naming an endnote: "Endnote 14", "Tackling violence, endnote 14".
ENDNOTE_REF = re.compile(r"\b(?:endnote|footnote) (\d+)\)?\s*\Z", re.IGNORECASE)


@frozen
class Record(Value):
    """The fields every record has."""

    id: str
    type: str
    title: str
    summary: str
    themes: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    sources: tuple[Citation, ...] = ()
    scope: str | None = None
    # "user" for a record from a folder of the user's own (--data-dir, PCC_IDEAS_DATA): set
    # when loading, never written in a data file.
    origin: str | None = field(default=None, metadata={"written": False})

    @property
    def effective_scope(self) -> str:
        """The stated scope; without one, `local` or `multi-area` by the areas, and
        `unplaced` for none (never `national`, which only the data can claim)."""
        if self.scope:
            return self.scope
        if not self.areas:
            return "unplaced"
        return "local" if len(self.areas) == 1 else "multi-area"


@frozen
class Theme(Record):
    """A theme of the field, which records are tagged with."""

    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # ids of themes a reader of this one should also see


@frozen
class CaseStudy(Record):
    """A numbered case study of the 2021 briefing, or any other named initiative (`example`)."""

    number: int | None = None
    places: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    evidence: str | None = None
    year: str | None = None


@frozen
class Recommendation(Record):
    """A recommendation for PCCs, and who made it."""

    number: int | None = None
    by: str | None = None
    actions: tuple[str, ...] = ()


@frozen
class Figure(Record):
    """A key figure: its value, what it measures, when and where."""

    value: str = ""
    measure: str = ""
    year: str | None = None
    place: str | None = None


@frozen
class Guidance(Record):
    """A principle, level, factor or piece of guidance of a public health approach."""

    number: int | None = None
    points: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@frozen
class Resource(Record):
    """Further reading: a document or service and where to find it."""

    category: str | None = None
    url: str | None = None
    publisher: str | None = None


@frozen
class Source(Record):
    """A source document of the corpus, and its endnotes."""

    kind: str | None = None
    publishers: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None
    licence: str | None = None
    url: str | None = None
    endnotes: tuple[Endnote, ...] = ()
    foreword_by: tuple[str, ...] = ()
    acknowledgements: tuple[str, ...] = ()  # organisations and people thanked, as written

    def endnote(self, ref: str | None) -> Endnote | None:
        """The endnote a citation's place names ("Case study 14, endnote 42"), if it has it."""
        m = ENDNOTE_REF.search(ref or "")
        return next((e for e in self.endnotes if m and e.number == int(m.group(1))), None)

    def place_cited(self, ref: str | None) -> str | None:
        """A citation's place, with what the endnote it names says where that is more than
        an address: "Case study 14, endnote 42: University of Birmingham ... Evaluation."."""
        note = self.endnote(ref)
        return f"{ref}: {note.text}" if note and note.text else ref


@frozen
class Change(Value):
    """An announced change to who holds an area's police and crime functions: when it was
    said, what, how firm it is, by whom, and the primary address where it was published."""

    date: str
    what: str
    status: str
    by: str
    url: str


@frozen
class Area(Value):
    """A police force area of the gazetteer."""

    name: str
    region: str
    country: str
    governance: str
    holder: str
    aliases: tuple[str, ...] = ()
    note: str | None = None
    changes: tuple[Change, ...] = ()


def covers(record: Record, area: Area) -> bool:
    """Whether a record is practice across the whole of this area's country (England and
    Wales, England only or Wales only), so that it belongs on the area's page without being
    tagged with it. An NHS England service never covers a Welsh area."""
    return area.country in SCOPE_COUNTRIES.get(record.effective_scope, ())


@frozen
class RecordType(Value):
    """A record type: its class, the fields it requires beyond the common ones, a label."""

    cls: type[Record]
    label: str
    plural: str
    required: tuple[str, ...] = ()
    may_be_bare: bool = False  # may have no themes and no sources (documents)


RECORD_TYPES: dict[str, RecordType] = {
    "theme": RecordType(Theme, "Theme", "Themes"),
    "case-study": RecordType(CaseStudy, "Case study", "Case studies", ("number",)),
    "example": RecordType(CaseStudy, "Example", "Examples"),
    "recommendation": RecordType(Recommendation, "Recommendation", "Recommendations"),
    "figure": RecordType(Figure, "Figure", "Figures", ("value", "measure")),
    "principle": RecordType(Guidance, "Principle", "Principles of a public health approach"),
    "prevention-level": RecordType(Guidance, "Prevention level", "Prevention levels"),
    "trauma-principle": RecordType(
        Guidance, "Trauma-informed principle", "Trauma-informed principles"
    ),
    "five-c": RecordType(Guidance, "5Cs", "The 5Cs of partnership"),
    "protective-factor": RecordType(Guidance, "Protective factor", "Protective factors"),
    "guidance": RecordType(Guidance, "Guidance", "Guidance"),
    "resource": RecordType(Resource, "Resource", "Further reading"),
    "source": RecordType(Source, "Source", "Sources", may_be_bare=True),
}

# The order records are listed in when grouped by type: practice first, then the rest.
TYPE_ORDER = tuple(RECORD_TYPES)


def record_type(name: str) -> str:
    """The type a user means by an id or a label ("case study", "Case studies");
    raises ValueError naming the choices."""
    wanted = " ".join(name.replace("-", " ").split()).casefold()
    for kind, spec in RECORD_TYPES.items():
        if wanted in (kind.replace("-", " "), spec.label.casefold(), spec.plural.casefold()):
            return kind
    raise ValueError(f"unknown type {name!r}; choose from {', '.join(RECORD_TYPES)}")


def evidence_kind(name: str) -> str:
    """The evidence kind a user means, by its name or its words' stems ("evaluated" is
    evaluation); raises ValueError naming the choices."""
    wanted = "-".join(name.split()).casefold()
    if wanted in EVIDENCE_LABELS:
        return wanted
    from .text import stem, tokens

    by_stems = {tuple(map(stem, tokens(kind))): kind for kind in EVIDENCE_KINDS}
    found = by_stems.get(tuple(map(stem, tokens(name))))
    if found is None:
        raise ValueError(f"unknown evidence kind {name!r}; choose from {', '.join(EVIDENCE_KINDS)}")
    return found


def evidence_kinds(kind: str) -> list[str]:
    """The kinds of evidence a filter on one keeps: itself and those that are one of it."""
    return [kind, *NARROWER_EVIDENCE.get(kind, ())]


def to_dict(obj: Any) -> Any:
    """A record (or part of one) as plain JSON-ready data, in field order, without empty
    optional values except the common list fields, which are always present."""
    if hasattr(obj, "__dataclass_fields__"):
        out: dict[str, Any] = {}
        for name in obj.__dataclass_fields__:
            value = getattr(obj, name)
            if value is None or (value == () and name not in _ALWAYS):
                continue
            out[name] = to_dict(value)
        if isinstance(obj, Record):
            out["scope"] = obj.effective_scope
        return out
    if isinstance(obj, tuple):
        return [to_dict(v) for v in obj]
    return obj


_ALWAYS = {"themes", "areas", "sources"}


def from_dict(data: Mapping[str, Any]) -> Record:
    """The record that `data` describes, as `to_dict` (or the cache) wrote it: lists become
    tuples and nested objects their dataclasses; missing fields take their defaults. Nothing is
    validated: this is for data the package wrote itself, while files go through `loading`."""
    found: Record = _restore(RECORD_TYPES[data["type"]].cls, data)
    return found


def _restore(cls: type, data: Mapping[str, Any]) -> Any:
    """An instance of a frozen dataclass with these field values, made as pickle would make it:
    its fields set without calling `__init__`, since they are the values an instance had
    (records have no `__post_init__`). An unknown field is a TypeError, as for `__init__`."""
    defaults, nested = _SHAPES.get(cls) or _shape(cls)
    state = dict(defaults)
    for name, value in data.items():
        if name not in defaults:
            raise TypeError(f"{cls.__name__} has no field {name!r}")
        if type(value) is list:
            element = nested.get(name)
            value = tuple(_restore(element, v) for v in value) if element else tuple(value)
        state[name] = value
    return made(cls, state)


def _shape(cls: type) -> tuple[dict[str, Any], dict[str, type]]:
    """A dataclass's fields with their defaults (None for required ones, which data always
    gives), and those of its fields that hold tuples of dataclasses (`sources`: Citation)."""
    fields = dataclasses.fields(cls)
    defaults = {f.name: None if f.default is dataclasses.MISSING else f.default for f in fields}
    nested = {}
    for f in fields:  # the annotations are objects (see the top of this module)
        element = next(iter(typing.get_args(f.type)), None)
        if isinstance(element, type) and dataclasses.is_dataclass(element):
            nested[f.name] = element
    _SHAPES[cls] = defaults, nested
    return defaults, nested


_SHAPES: dict[type, tuple[dict[str, Any], dict[str, type]]] = {}
