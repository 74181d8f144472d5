"""Reading and validating the YAML data files.

Every problem is collected, not just the first, as a `DataError` that names the file and line.
The record types and their fields come from `models`; nothing here knows a field by name
except the common ones that link records to each other (themes, areas, sources).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import gc
import os
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .models import CHOICES, RECORD_TYPES, Area, Record

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 5_000_000
MAP_TAG = "tag:yaml.org,2002:map"
GAZETTEER = "areas.yaml"
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
# C0 and C1 control characters other than tab and newline: terminal escape codes live here.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class DataError(typing.NamedTuple):
    """One problem in a data file; sorts by file, then line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InvalidData(Exception):
    """The data files have problems; `errors` lists every one."""

    def __init__(self, errors: list[DataError]):
        super().__init__(f"{len(errors)} problem(s) in the data files")
        self.errors = sorted(set(errors))


class Located(typing.NamedTuple):
    """A record as read, with where it came from."""

    record: Record
    path: str
    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@contextlib.contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects at once: records and
    index entries hold no cycles, and collecting as the heap grows makes loading 100,000
    records several times slower than the work itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# ---------------------------------------------------------------- finding files


def bundled_data_dir() -> Path:
    """The data shipped with the package (inside the wheel), or the checkout's `data/`."""
    here = Path(__file__).resolve().parent
    inside = here / "data"
    return inside if inside.is_dir() else here.parent.parent / "data"


def yaml_files(root: Path) -> list[Path]:
    """Every YAML file under root (or root itself), in a stable order."""
    if root.is_file():
        return [root]
    found = [
        Path(folder, name)
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith((".yaml", ".yml"))
    ]
    return sorted(found)


# ---------------------------------------------------------------- parsing one file


class _Parsed(typing.NamedTuple):
    data: Any
    node: yaml.Node | None


def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, imported only when a file must be parsed (a run
    served from the cache parses nothing)."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(path: Path, errors: list[DataError]) -> _Parsed | None:
    """The file's YAML document and its node tree (for line numbers), or None with errors."""
    yaml, loader_class = _yaml()
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        errors.append(DataError(shown, 0, f"cannot read: {e.strerror}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        errors.append(DataError(shown, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        errors.append(DataError(shown, line, f"not UTF-8 (byte 0x{raw[e.start]:02x})"))
        return None
    try:
        if "*" in text and (line := _first_alias_line(text)):
            errors.append(DataError(shown, line, "YAML aliases (*name) are not allowed"))
            return None
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else 1
        errors.append(DataError(shown, line, f"YAML syntax error: {e.problem or e.context}"))
        return None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow, e.g. ESC
        line = text[: e.position].count("\n") + 1
        errors.append(
            DataError(shown, line, f"control character 0x{e.character:02x} is not allowed in YAML")
        )
        return None
    except yaml.YAMLError as e:
        errors.append(DataError(shown, 1, "YAML error: " + " ".join(str(e).split())))
        return None
    return _Parsed(data, node)


def _first_alias_line(text: str) -> int:
    yaml, loader_class = _yaml()
    for event in yaml.parse(text, Loader=loader_class):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line + 1 if event.start_mark else 1
    return 0


def _key_lines(node: yaml.Node) -> dict[str, int]:
    if not hasattr(node, "value") or not isinstance(node.value, list) or node.tag != MAP_TAG:
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def record_mappings(path: Path, errors: list[DataError]) -> Iterator[tuple[dict, yaml.Node]]:
    """Each record mapping in a file (a mapping, or a list of mappings), with its node."""
    parsed = parse_yaml(path, errors)
    if parsed is None:
        return
    data, node = parsed
    if isinstance(data, dict) and node is not None:
        yield data, node
    elif isinstance(data, list) and node is not None and isinstance(node.value, list):
        for item, item_node in zip(data, node.value, strict=False):
            if isinstance(item, dict):
                yield item, item_node
            else:
                errors.append(
                    DataError(str(path), _line(item_node), "each item must be a record (a mapping)")
                )
    else:
        errors.append(
            DataError(
                str(path),
                _line(node),
                f"expected a record (a mapping of keys) or a list of records, found {_kind(data)}",
            )
        )


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    kinds = {
        str: "a string",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        bool: "true/false",
    }
    return kinds.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- building typed objects


class FieldProblem(Exception):
    pass


@cache
def _schema(cls: type) -> tuple[dict[str, Callable[[Any], Any]], tuple[str, ...]]:
    """A dataclass's fields with their converters, and the fields it cannot do without."""
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    needed = tuple(
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    return {f.name: _coercer(hints[f.name], f.name) for f in fields}, needed


def build(
    cls: type,
    data: dict,
    key_lines: dict[str, int],
    line: int,
    path: str,
    errors: list[DataError],
    required: Iterable[str] = (),
) -> Any | None:
    """An instance of the dataclass `cls` from a mapping, or None; problems go to errors."""
    fields, needed = _schema(cls)
    values: dict[str, Any] = {}
    ok = True
    for key, value in data.items():
        where = key_lines.get(str(key), line)
        if key not in fields:
            errors.append(DataError(path, where, f"unknown key {key!r}{did_you_mean(key, fields)}"))
            ok = False
            continue
        try:
            values[key] = fields[key](value)
        except FieldProblem as e:
            errors.append(DataError(path, where, f"{key}: {e}"))
            ok = False
    for name in [*needed, *required]:
        if name not in data and name not in values:
            errors.append(DataError(path, line, f"missing required field {name!r}"))
            ok = False
        elif name in values and values[name] in ("", ()):
            errors.append(DataError(path, key_lines.get(name, line), f"{name} must not be empty"))
            ok = False
    return cls(**values) if ok else None


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    hit = process.extractOne(
        str(word), list(choices), scorer=OSA.distance, score_cutoff=max(2, len(str(word)) // 3)
    )
    return f" (did you mean {hit[0]!r}?)" if hit else ""


@cache
def _coercer(hint: Any, key: str) -> Callable[[Any], Any]:
    """A function that checks and converts a YAML value for a field of type `hint`.
    Worked out once per field type, so loading many records pays for it once."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        convert = _coercer(inner, key)
        return lambda value: None if value is None else convert(value)
    if origin is tuple:
        item = _coercer(args[0], key)

        def as_tuple(value: Any) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise FieldProblem(f"expected a list, found {_kind(value)}")
            return tuple(map(item, value))

        return as_tuple
    if hint is int:
        return _whole_number
    if hint is str:
        return lambda value: _text(value, key)
    if dataclasses.is_dataclass(hint):
        return lambda value: _nested(typing.cast(type, hint), value)
    raise TypeError(f"unsupported field type {hint}")  # a schema bug, not a data error


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldProblem(f"expected a whole number, found {_kind(value)}")
    return value


def _nested(cls: type, value: Any) -> Any:
    if not isinstance(value, dict):
        raise FieldProblem(f"expected a mapping, found {_kind(value)}")
    inner_errors: list[DataError] = []
    built = build(cls, value, {}, 0, "", inner_errors)
    if built is None:
        raise FieldProblem("; ".join(e.message for e in inner_errors))
    return built


def _text(value: Any, key: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, datetime.date)):
        raise FieldProblem(f"expected text, found {_kind(value)}")
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if CONTROL.search(text):
        raise FieldProblem("contains a control character (terminal escape codes are not allowed)")
    allowed = CHOICES.get(key)
    if allowed and text not in allowed:
        raise FieldProblem(f"{text!r} is not one of {', '.join(allowed)}")
    return text


# ---------------------------------------------------------------- records and areas


def read_records(path: Path, errors: list[DataError]) -> list[Located]:
    """The records of one file, each checked against its type's schema."""
    found = []
    for data, node in record_mappings(path, errors):
        key_lines = _key_lines(node)
        line = _line(node)
        kind = data.get("type")
        if kind not in RECORD_TYPES:
            msg = (
                "missing required field 'type'"
                if kind is None
                else f"unknown type {kind!r}{did_you_mean(kind, RECORD_TYPES)}"
            )
            errors.append(DataError(str(path), key_lines.get("type", line), msg))
            continue
        spec = RECORD_TYPES[kind]
        record = build(spec.cls, data, key_lines, line, str(path), errors, spec.required)
        if record is None:
            continue
        if not ID_PATTERN.match(record.id):
            errors.append(
                DataError(
                    str(path),
                    key_lines.get("id", line),
                    f"id {record.id!r} must be lower-case letters, digits and hyphens",
                )
            )
            continue
        if not spec.may_be_bare:
            for key in ("themes", "sources"):
                if not getattr(record, key):
                    errors.append(
                        DataError(str(path), key_lines.get(key, line), f"{key} must not be empty")
                    )
        found.append(Located(record, str(path), line, key_lines))
    return found


def read_areas(path: Path, errors: list[DataError]) -> list[Area]:
    parsed = parse_yaml(path, errors)
    if parsed is None:
        return []
    data, node = parsed
    if not (isinstance(data, dict) and isinstance(data.get("areas"), list)):
        errors.append(DataError(str(path), _line(node), "expected a mapping with a list 'areas'"))
        return []
    items = _child(node, "areas")
    areas = []
    for item, item_node in zip(data["areas"], items.value if items else [], strict=False):
        if not isinstance(item, dict):
            errors.append(DataError(str(path), _line(item_node), "each area must be a mapping"))
            continue
        area = build(Area, item, _key_lines(item_node), _line(item_node), str(path), errors)
        if area is not None:
            areas.append(area)
    return areas


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if node is not None and node.tag == MAP_TAG:
        for k, v in node.value:
            if k.value == key:
                return v
    return None
