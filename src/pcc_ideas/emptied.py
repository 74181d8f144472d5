"""What a filter removed from an answer, said the same way by every command: "no records
matching 'reoffending' are tagged Norfolk; 56 match without --area"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from .corpus import Corpus, Filter
from .models import NARROWER_EVIDENCE, RECORD_TYPES
from .values import Value, frozen

EVERYTHING = "in the corpus"  # what an export is of, with no other filter


@frozen
class Emptied(Value):
    """What a filter removed: the filters that emptied a page, how many records the page
    would have without them, and the filters kept (those records pass them)."""

    filters: tuple[Filter, ...]
    without: int
    kept: tuple[Filter, ...] = ()
    # The records counted match only some of a query's words (none matches them all).
    partly: bool = False
    # The filters that emptied it keep no record at all, whatever was asked ("Essex").
    at_all: bool = False
    # For a search: how many records match at all without the filters, closely or not (those
    # counted in `without` match it closely: `results.close_matches`).
    in_all: int | None = None

    def message(self, scope: str) -> str:
        """ "no figures in the corpus tagged Kent are on the theme drugs; 3 match without
        --theme": what was asked for (`scope`), with the filters kept, then what emptied it
        (and, for a search, how many match closely and in all: "without --area, 7 match
        closely and 17 in all")."""
        subject, others = described(self.kept)
        asked = " ".join([scope, *others])
        phrase = " and ".join(filter_phrase(f) for f in self.filters)
        options = options_of(self.filters)
        match = "match some of its words" if self.partly else "match"
        if self.at_all and f"{subject} {asked}" != f"records {EVERYTHING}":
            head = f"no record at all is {phrase}, so no {subject} {asked} are"
        else:
            head = f"no {subject} {asked} are {phrase}"
        if self.in_all is None:
            return f"{head}; {self.without} {match} without {options}"
        more = f" and {self.in_all} in all" if self.in_all > self.without else ""
        return f"{head}; without {options}, {self.without} {match} closely{more}"


def left_out(hidden: int) -> str:
    records = "record is" if hidden == 1 else "records are"
    return f"{hidden} more {records} not shown (-n 0 shows them all)"


def described(filters: Sequence[Filter]) -> tuple[str, list[str]]:
    """What filters keep, as a note says it: the kind of record ("figures", else "records")
    and the other filters' phrases ("tagged Kent")."""
    types = [f for f in filters if f.name == "type"]
    subject = filter_phrase(types[0]) if types else "records"
    return subject, [filter_phrase(f) for f in filters if f.name != "type"]


def options_of(filters: Sequence[Filter]) -> str:
    """The options that gave these filters, as typed: "--type --area"."""
    return " ".join(dict.fromkeys(f"--{f.name}" for f in filters))


def filter_phrase(f: Filter) -> str:
    """How a filter reads after "records ... are": "tagged Kent or Sussex"."""
    # A kind of evidence asked for keeps its narrower kinds too: it is named alone.
    narrower = {n for v in f.values for n in NARROWER_EVIDENCE.get(v, ())}
    values = " or ".join(
        RECORD_TYPES[v].plural.lower() if f.name == "type" else v
        for v in f.values
        if f.name != "evidence" or v not in narrower
    )
    return {
        "type": f"{values}",
        "theme": f"on the theme {values}",
        "area": f"tagged {values}",
        "source": f"cited from {values}",
        "evidence": f"resting on {values} evidence",
    }[f.name]


def emptied(
    corpus: Corpus, filters: Sequence[Filter], count: Callable[[Sequence[Filter]], int]
) -> Emptied | None:
    """Which filters emptied an answer that `count` measures: the first filter whose removal
    brings records back, or all of them; None when the answer is empty without them too."""
    if not filters or not (total := count(())):
        return None
    gone = Emptied(tuple(filters), total)
    for f in filters:
        rest = [g for g in filters if g is not f]
        if n := count(rest):
            gone = Emptied((f,), n, tuple(rest))
            break
    return replace(gone, at_all=not corpus.kept(gone.filters))
