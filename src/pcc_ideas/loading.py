"""Reading the data folders: files into parts (records, areas, thesaurus), checked across
files (ids unique, every theme, source and area referred to exists).

Each file is read as `yamlfile` reads one (bounded, typed, never hanging). A folder that cannot
be read is an error, not skipped. Every problem is collected, not just the first, as a `DataError`
naming the file and line; the schema of each record comes from `models` through `schema`. Which
folders and files are read is `datafiles`'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .areas import Gazetteer
from .datafiles import Progress, data_dirs, inner_roots, yaml_files
from .errors import DataError, InvalidData
from .lookup import NameIndex, NotResolved
from .models import RECORD_TYPES, SCOPE_COUNTRIES, Area, Record
from .rules import data_errors
from .schema import (
    MAP,
    SEQ,
    FieldProblem,
    build,
    did_you_mean,
    kind_of,
    line_of,
    mapping_items,
    quoted,
    readable,
    text,
)
from .thesaurus import FILE_NAME as THESAURUS
from .thesaurus import Concept, Thesaurus
from .thesaurus import checked as checked_thesaurus
from .values import Fields, mutable, replaced
from .yamlfile import Unread, document

if TYPE_CHECKING:
    from .schema import Node

__all__ = ["DataError", "InvalidData", "Parts", "checked", "data_dirs", "read_files", "yaml_files"]

GAZETTEER = "areas.yaml"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
LINKS = ("id", "themes", "areas", "sources", "scope", "evidence", "outcomes", "place")
# (the keys that the checks across files and the content rules point at)


# ---------------------------------------------------------------- records and areas


class Located(NamedTuple):
    """A record as read, with where it came from."""

    record: Record
    path: str
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Unbuilt(NamedTuple):
    """What a record that did not build refers to, as far as it reads (see `references`), so
    that an unknown theme, source or area is said with the record's other problems; and its
    id and type, so that what refers to it is not said to refer to nothing."""

    path: str
    themes: tuple[str, ...]
    sources: tuple[str, ...]
    areas: tuple[str, ...]
    key_lines: dict[str, int]
    id: str = ""
    type: str = ""

    def line_of(self, key: str) -> int:
        return self.key_lines[key]


@mutable
class Parts(Fields):
    """What the data folders hold: records (with where each is), areas and thesaurus
    concepts (with where each is)."""

    located: list[Located] = field(default_factory=list)
    unbuilt: list[Unbuilt] = field(default_factory=list)  # records that did not build
    areas: list[Area] = field(default_factory=list)
    concepts: list[tuple[Concept, str, int]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)  # once checked across files
    thesaurus: Thesaurus = field(default_factory=Thesaurus)  # once checked

    @cached_property
    def gazetteer(self) -> Gazetteer:
        return Gazetteer(self.areas)


# Reads one file's document into the parts; problems go to the list of errors.
Reader = Callable[["Node | None", str, list[DataError], Parts], None]


def read_records(node: Node | None, path: str, errors: list[DataError], parts: Parts) -> None:
    """The records of one file (a mapping, or a list of mappings), each checked against its
    type's schema."""
    if node is not None and node.id == "sequence" and node.tag == SEQ:
        items = node.value
    elif node is not None and node.id == "mapping" and node.tag == MAP:
        items = [node]
    else:
        found = kind_of(node) if node is not None else "an empty document"
        message = f"expected a record (a mapping of keys) or a list of records, found {found}"
        errors.append(DataError(path, line_of(node) if node is not None else 1, message))
        return
    for item in items:
        if item.id != "mapping":
            errors.append(DataError(path, line_of(item), "each item must be a record (a mapping)"))
        elif isinstance(read := read_record(item, path, errors), Located):
            parts.located.append(read)
        elif read is not None:
            parts.unbuilt.append(read)


def read_record(node: Node, path: str, errors: list[DataError]) -> Located | Unbuilt | None:
    """A record as read, or, if it does not build, what it refers to (unless its type is
    unknown, which leaves its fields unknown too); problems go to errors."""
    line = line_of(node)
    type_node = next((v for k, v in node.value if k.value == "type"), None)
    if type_node is None:
        errors.append(DataError(path, line, "missing required field 'type'"))
        return None
    try:
        kind = text(type_node)
    except FieldProblem as e:
        errors.append(DataError(path, line_of(type_node), f"type: {e.problems[0][0]}"))
        return None
    spec = RECORD_TYPES.get(kind)
    if spec is None:
        message = f"unknown type {quoted(kind)}{did_you_mean(kind, RECORD_TYPES)}"
        errors.append(DataError(path, line_of(type_node), message))
        return None
    record, lines = build(spec.cls, node, path, errors, spec.required)
    # A record that did not build is checked as far as it reads, so that every problem of a
    # file is said in one run.
    checked = ("id", "themes", "sources", "areas")
    values = (
        {k: getattr(record, k) for k in checked}
        if record
        else {k: v for k, (v, _) in readable(spec.cls, node, checked).items()}
    )
    if "id" in values and not well_formed_id(values["id"], path, lines.get("id", line), errors):
        record = None
    for key in () if spec.may_be_bare else ("themes", "sources"):
        if key in values and not values[key]:
            errors.append(DataError(path, lines.get(key, line), f"{key} must not be empty"))
    if record is None:
        return references(path, kind, values, lines)
    # Only the lines the checks across files may point at: kept for every record, so small.
    return Located(record, path, line, {k: lines[k] for k in LINKS if k in lines})


def well_formed_id(value: str, path: str, line: int, errors: list[DataError]) -> bool:
    """Whether an id (a record's, a concept's) is kebab-case; if not, an error at its line."""
    if ID_PATTERN.match(value):
        return True
    message = f"id {quoted(value)} must be lower-case letters, digits and hyphens"
    errors.append(DataError(path, line, message))
    return False


def references(path: str, kind: str, values: dict[str, Any], lines: dict[str, int]) -> Unbuilt:
    """What a record that did not build refers to, from those of its values that read."""
    return Unbuilt(
        path,
        tuple(values.get("themes", ())),
        tuple(c.source for c in values.get("sources", ())),
        tuple(values.get("areas", ())),
        {k: lines[k] for k in ("themes", "sources", "areas") if k in lines},
        values.get("id", ""),
        kind,
    )


def _theme_named(name: str, theme_names: NameIndex[str]) -> str:
    """The id of the theme a name means, as a hint, if it means one."""
    try:
        return f" (did you mean {theme_names.resolve(name).item!r}?)"
    except NotResolved:
        return ""


def read_areas(node: Node | None, path: str, errors: list[DataError], parts: Parts) -> None:
    """The gazetteer: `{areas: [...]}`, each area a mapping."""
    for item in _list_of("areas", node, path, errors):
        area, _ = build(Area, item, path, errors)
        if area is not None:
            parts.areas.append(area)


def read_concepts(node: Node | None, path: str, errors: list[DataError], parts: Parts) -> None:
    """A thesaurus: `{concepts: [...]}`, each concept a mapping."""
    for item in _list_of("concepts", node, path, errors):
        concept, _ = build(Concept, item, path, errors)
        if concept is not None and well_formed_id(concept.id, path, line_of(item), errors):
            parts.concepts.append((concept, path, line_of(item)))


def _list_of(name: str, node: Node | None, path: str, errors: list[DataError]) -> list[Node]:
    """The items of a file that is a mapping holding one list, `{name: [...]}`."""
    found: list[Node] = []
    for key, line, items in _mapping(node, path, errors):
        if key != name:
            errors.append(DataError(path, line, f"expected only a list '{name}'"))
        elif items.id != "sequence" or items.tag != SEQ:  # a tag YAML does not define too
            errors.append(DataError(path, line, f"{name}: expected a list, found {kind_of(items)}"))
        else:
            found += items.value
    return found


def _mapping(
    node: Node | None, path: str, errors: list[DataError], line: int = 1
) -> list[tuple[str, int, Node]]:
    """The items of a mapping node (see `mapping_items`); an error for anything else."""
    if node is not None and node.id == "mapping" and node.tag == MAP:
        return mapping_items(node, path, errors)
    found = kind_of(node) if node is not None else "an empty document"
    errors.append(DataError(path, line, f"expected a mapping, found {found}"))
    return []


# Files that are not records, by name: their reader, and whether they are read in every data
# folder (True) or only in the bundled one (False; elsewhere the name holds records).
SPECIAL_FILES: dict[str, tuple[Reader, bool]] = {
    GAZETTEER: (read_areas, False),
    THESAURUS: (read_concepts, True),
}


# ---------------------------------------------------------------- reading the folders


def read_files(
    files: Sequence[tuple[Path, Reader]],
    parts: Parts,
    errors: list[DataError],
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> None:
    """Each file read into the parts by its reader, in order; problems go to errors.
    `progress` hears of each file, counted from `done` of `total`."""
    for path, reader in files:
        if progress:
            progress("Reading data files", done, total)
        done += 1
        try:
            node = document(path)
        except Unread as e:
            errors.append(e.error)
            continue
        reader(node, str(path), errors, parts)


def checked(
    parts: Parts,
    dirs: Sequence[Path],
    errors: list[DataError],
    progress: Progress | None = None,
    total: int = 0,
) -> Parts:
    """The parts read (with the problems found in each file), checked across files: the
    records settled (`settled`), the thesaurus checked; raises InvalidData listing every
    problem."""
    if progress:
        progress("Reading data files", total, total)
    paths = {i.path for i in parts.located}
    user_files = {p for p in paths if is_users(p, dirs[0])}
    yours = {i.record.id for i in parts.located if i.path in user_files}
    parts.records = check_links(parts.located, parts.gazetteer, errors, yours, parts.unbuilt)
    errors += data_errors(parts.located)
    parts.thesaurus = checked_thesaurus(parts.concepts, errors)
    if errors:
        raise InvalidData(errors)
    return parts


def is_users(path: str, bundled: Path) -> bool:
    """Whether a data file is one of the user's own: outside the bundled data folder."""
    return not Path(path).is_relative_to(bundled)


def files_and_readers(dirs: Sequence[Path], errors: list[DataError]) -> list[tuple[Path, Reader]]:
    """Every file to read with its reader: special files first (records refer to them)."""
    special: list[tuple[Path, Reader]] = []
    records: list[tuple[Path, Reader]] = []
    for i, (folder, inside) in enumerate(zip(dirs, inner_roots(dirs), strict=True)):
        here = {
            folder / name: reader
            for name, (reader, everywhere) in SPECIAL_FILES.items()
            if everywhere or i == 0
        }
        for path in yaml_files(folder, errors, inside):
            if path in here:
                special.append((path, here[path]))
            else:
                records.append((path, read_records))
    return special + records


def check_links(
    located: list[Located],
    gazetteer: Gazetteer,
    errors: list[DataError],
    yours: Collection[str] = (),
    unbuilt: Sequence[Unbuilt] = (),
) -> list[Record]:
    """Records whose ids are unique and whose themes, areas and sources exist, settled
    (`settled`: those with an id in `yours` are the user's); the references of records that
    did not build (`unbuilt`) are checked too. Problems go to errors."""
    first: dict[str, Located] = {}
    for item in located:
        seen = first.setdefault(item.record.id, item)
        if seen is not item:
            message = f"duplicate id {quoted(item.record.id)} (also in {seen.path}:{seen.line})"
            errors.append(DataError(item.path, item.line_of("id"), message))
    known: dict[str, set[str]] = {"theme": set(), "source": set()}
    for item in first.values():
        if item.record.type in known:
            known[item.record.type].add(item.record.id)
    for u in unbuilt:  # its own problems are said; what cites it is not wrong too
        if u.type in known and u.id:
            known[u.type].add(u.id)
    # A theme named by its title or an alias ("Young people and young adults"), as the
    # command line takes it: the message gives the id the data needs.
    theme_names = NameIndex(
        (i.record.id, [i.record.id, i.record.title], getattr(i.record, "aliases", ()))
        for i in first.values()
        if i.record.type == "theme"
    )
    area_names: dict[str, str | None] = {}  # as written -> gazetteer name, worked out once
    records = []
    refers: list[tuple[Located | Unbuilt, tuple[str, ...], tuple[str, ...], tuple[str, ...]]]
    refers = [(u, u.themes, u.sources, u.areas) for u in unbuilt]
    for item in first.values():
        r = item.record
        records.append(settled(r, r.id in yours, gazetteer, area_names))
        refers.append((item, r.themes, tuple(c.source for c in r.sources), r.areas))
    for where, themes, sources, areas in refers:
        gazetteer_names(areas, gazetteer, area_names)
        for key, message in _dangling(
            themes, sources, areas, known, area_names, gazetteer, theme_names
        ):
            errors.append(DataError(where.path, where.line_of(key), message))
    return records


def gazetteer_names(
    names: tuple[str, ...], gazetteer: Gazetteer, area_names: dict[str, str | None]
) -> tuple[str, ...]:
    """The gazetteer's names of the areas named, each once, unknown ones left out;
    `area_names` keeps what each name as written was found to be."""
    for name in names:
        if name not in area_names:
            area = gazetteer.exact(name)
            area_names[name] = area.name if area else None
    return tuple(dict.fromkeys(n for a in names if (n := area_names[a])))


def settled(
    record: Record, from_user: bool, gazetteer: Gazetteer, area_names: dict[str, str | None]
) -> Record:
    """A record as `checked` leaves it when the data has no problem: its areas by their
    gazetteer names, and marked as the user's when it comes from a folder of theirs."""
    areas = gazetteer_names(record.areas, gazetteer, area_names)
    if from_user:
        return replaced(record, areas=areas, origin="user")
    return replaced(record, areas=areas) if areas != record.areas else record


def _dangling(
    themes: Sequence[str],
    sources: Sequence[str],
    areas: Sequence[str],
    known: dict[str, set[str]],
    area_names: dict[str, str | None],
    gazetteer: Gazetteer,
    theme_names: NameIndex[str],
) -> Iterator[tuple[str, str]]:
    """Each reference of a record to a theme, source or area that does not exist: the key it
    is under and the message."""
    for theme in themes:
        if theme not in known["theme"]:
            hint = did_you_mean(theme, known["theme"]) or _theme_named(theme, theme_names)
            yield "themes", f"unknown theme {quoted(theme)}{hint}"
    for source in sources:
        if source not in known["source"]:
            hint = did_you_mean(source, known["source"])
            yield "sources", f"unknown source {quoted(source)}{hint}"
    for name in areas:
        if area_names[name] is None:
            yield "areas", f"unknown area {quoted(name)}{_area_hint(name, gazetteer)}"


def _area_hint(name: str, gazetteer: Gazetteer) -> str:
    """What an unknown area name may mean, as the command line would read it: one area, or
    the several it could be ("Yorkshire"), or the scope that says a whole country."""
    if countries := gazetteer.countries(name):
        scope = next((s for s, held in SCOPE_COUNTRIES.items() if list(held) == countries), None)
        if scope:
            return f" (a record on the whole of {' and '.join(countries)} gives scope: {scope})"
    try:
        return f" (did you mean {gazetteer.resolve(name).item.name!r}?)"
    except NotResolved as e:
        if e.ambiguous and e.suggestions:
            return f" (it could be {' or '.join(map(repr, e.suggestions[:5]))})"
    near = gazetteer.suggest(name)
    return f" (did you mean {near[0]!r}?)" if near else ""
