"""The gazetteer of police force areas, and the one way a name is resolved to an area.

Resolution goes in the tiers of `lookup.NameIndex` (name, alias, typo, partial); before the
typo tier, words such as "police" or "constabulary" are dropped, so `Kent Police` is Kent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from functools import cached_property

from .lookup import Match, NameIndex, NotResolved
from .models import Area, Record, choice_label
from .text import key
from .values import Fields, mutable

GENERIC = frozenset({"police", "constabulary", "force", "pcc", "opcc", "area", "the"})
# Other names people give the gazetteer's countries (`Area.country`), or the wholes they make.
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "cymru": ("Wales",),
    "great britain": ("England", "Wales", "Scotland"),
    "united kingdom": ("England", "Wales", "Scotland", "Northern Ireland"),
    "uk": ("England", "Wales", "Scotland", "Northern Ireland"),
}

# Other names people give the gazetteer's regions (`Area.region`): the ONS's "East of England"
# is the police's Eastern region, and "the" is often left out of Yorkshire and the Humber.
REGION_NAMES: dict[str, str] = {
    "east of england": "Eastern",
    "yorkshire and humber": "Yorkshire and the Humber",
}

__all__ = ["Gazetteer", "Match", "NotResolved", "explain", "places", "untagged"]


@mutable
class Gazetteer(Fields):
    """The areas in file order; plain data, so a cache can store it and two compare equal."""

    areas: Sequence[Area]

    def __post_init__(self) -> None:
        if isinstance(self.areas, list):  # as read from the files: kept as a tuple
            self.areas = tuple(self.areas)

    @cached_property
    def _index(self) -> NameIndex[Area]:
        return NameIndex(((a, [a.name], a.aliases) for a in self.areas), "police force area")

    def exact(self, name: str) -> Area | None:
        """The single area with this name or alias, no typo tolerance: for data files."""
        try:
            found = self._index.exact(name)
        except NotResolved:
            return None
        return found.item if found else None

    def resolve(self, name: str) -> Match[Area]:
        """The area a user means by `name`; raises NotResolved with suggestions. Words such
        as "police" are dropped before typos are allowed for ("Warwickshre Police")."""
        found = self._index.exact(name)
        if found is not None:
            return found
        # A region ("South West") is in several areas: name them. Before words such as "the"
        # are dropped, which made "Yorkshire and the Humber" the Humber (Humberside).
        region = [a.name for a in self.in_region_named(name)]
        if len(region) > 1:
            raise NotResolved(name, region, ambiguous=True, what=self._index.what, covers=True)
        stripped = " ".join(w for w in key(name).split() if w not in GENERIC)
        if stripped and stripped != key(name):
            try:
                return dataclasses.replace(self._index.resolve(stripped), query=name)
            except NotResolved:
                pass
        return self._index.resolve(name)

    def resolve_all(self, name: str, most: int | None = None) -> list[Match[Area]]:
        """The areas a name stands for where several may be meant (a filter, a pack): the one
        it resolves to, or every area of a region or country it names ("Wales"), if there are
        no more than `most` of them (a pack on all of England would be a pack on no place)."""
        try:
            return [self.resolve(name)]
        except NotResolved:
            region = self.in_region_named(name)
            if not region or (most is not None and len(region) > most):
                raise
            return [Match(a, name, "region", name) for a in region]

    def in_region_named(self, name: str) -> list[Area]:
        """The areas of the region ("South West") or countries ("England and Wales") a name
        is; none if it is neither."""
        wanted = key(REGION_NAMES.get(key(name), name))
        region = [a for a in self.areas if key(a.region) == wanted]
        if not region and (countries := self.countries(name)):
            region = [a for a in self.areas if a.country in countries]
        return region

    def countries(self, name: str) -> list[str]:
        """The countries a name is ("England", "England and Wales"), in gazetteer order;
        none if it is anything else."""
        known: dict[str, tuple[str, ...]] = dict(COUNTRY_NAMES)
        known.update((key(a.country), (a.country,)) for a in self.areas)
        named = [known.get(part) for part in key(name).split(" and ")]
        if not all(named):
            return []
        wanted = {c for names in named for c in names or ()}
        return [c for c in dict.fromkeys(a.country for a in self.areas) if c in wanted]

    def suggest(self, name: str) -> list[str]:
        return self._index.suggest(name)

    def in_region(self, region: str) -> list[Area]:
        return [a for a in self.areas if a.region == region]

    def wholes(self, most: int) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """The regions and countries a name can stand for, each with its names ("Wales",
        "Cymru") and its areas' names: not one named as an area is ("West Midlands"), nor
        one of more than `most` areas (England)."""
        areas_named = {key(a.name) for a in self.areas}
        inside: dict[str, list[str]] = {}
        for a in self.areas:
            for whole in dict.fromkeys((a.region, a.country)):
                inside.setdefault(whole, []).append(a.name)
        others = [(n, (c,)) for n, c in REGION_NAMES.items()] + list(COUNTRY_NAMES.items())
        return [
            ((whole, *(n for n, cs in others if cs == (whole,))), tuple(names))
            for whole, names in inside.items()
            if key(whole) not in areas_named and len(names) <= most
        ]


def explain(found: Match[Area]) -> str:
    """How a name was read: "Middlesbrough is in Cleveland"; empty for the area's own name."""
    if found.via == "name":
        return ""
    if found.via == "alias":
        return f"{found.matched} is in {found.item.name}"
    where = "" if found.matched == found.item.name else f" ({found.item.name})"
    return f"{found.query!r} read as {found.matched}{where}"


def untagged(area: Area) -> str:
    """What the area page says when no record is tagged with the area."""
    return (
        f"No records are tagged with {area.name}; here is what has been done elsewhere in "
        f"{area.region}."
    )


def places(record: Record) -> str:
    """Where a record applies: its areas, or its scope in words ("England and Wales")."""
    return ", ".join(record.areas) or choice_label("scope", record.effective_scope)
