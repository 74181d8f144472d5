"""The corpus: every record, the gazetteer and the abbreviations, checked as a whole.

`load()` is the library's entry point: `pcc_ideas.load().get("cs-11-...")`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .areas import Gazetteer
from .loading import (
    ABBREVIATIONS,
    GAZETTEER,
    DataError,
    InvalidData,
    Located,
    bundled_data_dir,
    did_you_mean,
    read_abbreviations,
    read_areas,
    read_records,
    without_gc,
    yaml_files,
)
from .lookup import Match, NameIndex
from .models import TYPE_ORDER, Record, Source, Theme

if TYPE_CHECKING:
    from .search import Hit, Index

ENV_VAR = "PCC_IDEAS_DATA"


# Told of a long task: what it is, how much is done, of how much.
Progress = Callable[[str, int, int], None]


class Store(Protocol):
    """Where a corpus was kept (the cache): it gives back the records' ids and the search
    index without reading the records."""

    def ids(self) -> Sequence[str]: ...
    def index(self) -> Index: ...


@dataclass
class Corpus:
    """Every record, the gazetteer and the abbreviations. The fields that compare are the
    corpus's data: a cache keeps every one of them, whatever they are."""

    records: Sequence[Record]
    gazetteer: Gazetteer
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Where the ids and the index can be read from (see `cache`); else they are built.
    store: Store | None = field(default=None, compare=False, repr=False)
    # Told how a long build goes (a progress bar on a terminal).
    progress: Progress | None = field(default=None, compare=False, repr=False)

    @cached_property
    def index(self) -> Index:
        """The search index, built on first use (or read from the store)."""
        from .search import Index

        if self.store:
            return self.store.index()
        with without_gc():
            return Index.build(self.records, self.abbreviations, self.progress)

    def search(
        self,
        query: str,
        types: Sequence[str] = (),
        theme: str | None = None,
        area: str | None = None,
        source: str | None = None,
        limit: int | None = None,
        evidence: str | None = None,
    ) -> list[Hit]:
        """Records matching the query, best first (the first `limit`, or all), optionally only
        of some types, on a theme (id), in an area (gazetteer name), citing a source (id) or
        whose outcomes rest on a kind of evidence."""
        index = self.index
        wanted = [{f"type:{t}" for t in types}] if types else []
        for facet, value in (
            ("theme", theme),
            ("area", area),
            ("source", source),
            ("evidence", evidence),
        ):
            if value:
                wanted.append({f"{facet}:{value}"})
        keep: set[int] | None = None
        for any_of in wanted:  # each filter is one of its values; filters combine
            found = set().union(*(index.facet(v) for v in any_of))
            keep = found if keep is None else keep & found
        return index.search(query, self.records, keep, limit)

    @cached_property
    def ids(self) -> Sequence[str]:
        """Every record's id, in corpus order, without reading the records."""
        return self.store.ids() if self.store else [r.id for r in self.records]

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each record's position, by id."""
        return {record_id: i for i, record_id in enumerate(self.ids)}

    def facet(self, key: str) -> Sequence[int]:
        """The positions of the records with a filter value: `type:figure`, `theme:drugs`,
        `area:Cleveland`, `source:briefing-2021`, `evidence:evaluation`."""
        return self.index.facet(key)

    def get(self, record_id: str) -> Record | None:
        i = self.positions.get(record_id)
        return None if i is None else self.records[i]

    def of_type(self, *types: str) -> list[Record]:
        return [r for r in self.records if r.type in types]

    @cached_property
    def themes(self) -> list[Theme]:
        return [r for r in self.records if isinstance(r, Theme)]

    @cached_property
    def sources(self) -> list[Source]:
        return [r for r in self.records if isinstance(r, Source)]

    @cached_property
    def _theme_names(self) -> NameIndex[Theme]:
        return NameIndex((t, [t.id, t.title], t.aliases) for t in self.themes)

    @cached_property
    def _source_names(self) -> NameIndex[Source]:
        return NameIndex((s, [s.id, s.title], ()) for s in self.sources)

    def theme(self, name: str) -> Match[Theme]:
        """The theme a user means: id, title or alias, typos allowed; raises NotResolved."""
        return self._theme_names.resolve(name)

    def source(self, name: str) -> Match[Source]:
        return self._source_names.resolve(name)

    def with_theme(self, theme_id: str) -> list[Record]:
        return sort_by_type(r for r in self.records if theme_id in r.themes and r.type != "theme")

    def in_area(self, area_name: str) -> list[Record]:
        return sort_by_type(r for r in self.records if area_name in r.areas)

    def cited_in(self, source_id: str) -> list[Record]:
        return [r for r in self.records if any(c.source == source_id for c in r.sources)]

    def related(self, record: Record, limit: int = 8) -> list[Record]:
        """Other records sharing the most themes and areas with this one."""

        def shared(other: Record) -> int:
            return 2 * len(set(record.areas) & set(other.areas)) + len(
                set(record.themes) & set(other.themes)
            )

        others = [
            r for r in self.records if r.id != record.id and r.type not in ("theme", "source")
        ]
        ranked = sorted(others, key=lambda r: (-shared(r), TYPE_ORDER.index(r.type), r.id))
        return [r for r in ranked if shared(r) > 0][:limit]


def sort_by_type(records: Iterable[Record]) -> list[Record]:
    """Case studies first, then the other types in schema order; by number, then title."""
    return sorted(
        records,
        key=lambda r: (
            TYPE_ORDER.index(r.type) if r.type != "case-study" else -1,
            getattr(r, "number", None) or 0,
            r.title.casefold(),
        ),
    )


# ---------------------------------------------------------------- loading


def data_dirs(extra: Sequence[str | os.PathLike[str]] = (), use_env: bool = True) -> list[Path]:
    """The directories to read, in order: the bundled data, then `extra`, then $PCC_IDEAS_DATA."""
    dirs = [bundled_data_dir(), *map(Path, extra)]
    if use_env and os.environ.get(ENV_VAR):
        dirs += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
    return dirs


def load(extra: Sequence[str | os.PathLike[str]] = (), use_env: bool = True) -> Corpus:
    """The bundled corpus with the user's records on top.

    Raises InvalidData listing every problem in the data files.
    """
    return build_corpus(data_dirs(extra, use_env))


def build_corpus(dirs: Sequence[Path], progress: Progress | None = None) -> Corpus:
    """The corpus read from these folders (the first is the bundled data); raises
    InvalidData listing every problem. `progress` hears how the reading goes."""
    with without_gc():
        return _build_corpus(dirs, progress)


def _build_corpus(dirs: Sequence[Path], progress: Progress | None = None) -> Corpus:
    errors: list[DataError] = []
    base = dirs[0]
    gazetteer = Gazetteer(read_areas(base / GAZETTEER, errors))
    abbreviations = read_abbreviations(base / ABBREVIATIONS, errors)
    special = {base / GAZETTEER, base / ABBREVIATIONS}
    located: list[Located] = []
    for folder in dirs:
        if not folder.exists():
            errors.append(DataError(str(folder), 0, "no such file or directory"))
    paths = [p for d in dirs if d.exists() for p in yaml_files(d) if p not in special]
    for done, path in enumerate(paths):
        if progress:
            progress("Reading data files", done, len(paths))
        located += read_records(path, errors)
    if progress:
        progress("Reading data files", len(paths), len(paths))
    records = check_links(located, gazetteer, errors)
    if errors:
        raise InvalidData(errors)
    return Corpus(tuple(records), gazetteer, abbreviations, progress=progress)


def check_links(
    located: list[Located], gazetteer: Gazetteer, errors: list[DataError]
) -> list[Record]:
    """Records whose ids are unique and whose themes, areas and sources exist; areas are
    rewritten to their gazetteer names. Problems go to errors."""
    first: dict[str, Located] = {}
    for item in located:
        seen = first.setdefault(item.record.id, item)
        if seen is not item:
            errors.append(
                DataError(
                    item.path,
                    item.line_of("id"),
                    f"duplicate id {item.record.id!r} (also in {seen.path}:{seen.line})",
                )
            )
    kinds: dict[str, set[str]] = {"theme": set(), "source": set()}
    for item in first.values():
        if item.record.type in kinds:
            kinds[item.record.type].add(item.record.id)
    records = []
    for item in first.values():
        r = item.record
        problems = [
            f"unknown theme {t!r}{did_you_mean(t, kinds['theme'])}"
            for t in r.themes
            if t not in kinds["theme"]
        ]
        problems += [
            f"unknown source {c.source!r}{did_you_mean(c.source, kinds['source'])}"
            for c in r.sources
            if c.source not in kinds["source"]
        ]
        areas = []
        for name in r.areas:
            area = gazetteer.exact(name)
            if area is None:
                near = gazetteer.suggest(name)
                problems.append(
                    f"unknown area {name!r}" + (f" (did you mean {near[0]!r}?)" if near else "")
                )
            elif area.name not in areas:
                areas.append(area.name)
        for message in problems:
            key = message.split()[1]  # theme / source / area
            errors.append(
                DataError(
                    item.path,
                    item.line_of({"theme": "themes", "source": "sources", "area": "areas"}[key]),
                    message,
                )
            )
        records.append(dataclasses.replace(r, areas=tuple(areas)) if tuple(areas) != r.areas else r)
    return records
