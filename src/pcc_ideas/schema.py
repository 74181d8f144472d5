"""The generic validator: YAML nodes to the dataclasses of `models`, every problem collected.

A value is read straight from the node tree PyYAML's composer makes, so each problem carries
the line it is on, and nothing is built that the schema does not ask for. Each field's
converter is worked out once from its type annotation (`tuple[str, ...]`, `int | None`, a
nested dataclass...), so reading many records pays for it once.

Scalars keep their text as written: `value: 0.50` is "0.50", not "0.5". A scalar that YAML
types (a number, a date, true/false) must still be a well-formed one (`2020-02-30` is not a
date), and tags YAML does not define are refused. Whole numbers are bounded, texts have a length
limit, and text may not hold control, bidirectional or zero-width characters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
import types
import typing
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import DataError
from .models import CHOICES

if TYPE_CHECKING:
    from typing import Protocol

    class Node(Protocol):
        """A node of PyYAML's tree (a scalar, a sequence or a mapping), as read here."""

        id: str  # "scalar", "sequence" or "mapping"
        tag: str
        value: Any  # the text; a list of nodes; a list of (key, value) pairs of nodes
        start_mark: Any


TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG + t for t in ("str", "int", "float", "bool", "null"))
TIMESTAMP, BINARY, MAP, SEQ = (TAG + t for t in ("timestamp", "binary", "map", "seq"))
DECIMAL = re.compile(r"(0|-?[1-9][0-9]*)\Z")  # a whole number as a reader writes it
LEADING_ZERO = re.compile(r"[-+]?0[0-9]+\Z")

# Whole numbers: field name -> the range allowed; every other whole number is 0 to MAX_NUMBER.
MAX_NUMBER = 10**6
NUMBER_RANGES = {"year": (1000, 9999)}
# Lists: the most items any list may hold.
MAX_ITEMS = 1_000
# Texts: field name -> the most characters allowed; every other text may hold MAX_TEXT.
MAX_TEXT = 2_000
TEXT_LIMITS = {"summary": 10_000, "id": 100, "type": 40, "title": 500}
SHORT_TEXT = 40  # texts this short are interned: names and ids recur across records

CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 and C1 but tab and newline: terminal escapes
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # can reorder text as it is shown
# Can hide or split a word unseen; tag characters (U+E0000 to U+E007F) are invisible too.
ZERO_WIDTH = "\u200b-\u200d\u2060\ufeff\U000e0000-\U000e007f"
SURROGATE = "\ud800-\udfff"  # not text at all: cannot be printed or encoded
# Unicode's non-characters, never text (a Word document cannot hold U+FFFE or U+FFFF).
NONCHARACTER = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
# Shown as nothing, or as a blank, though they are not spaces: Unicode's other default
# ignorable characters (the soft hyphen, invisible operators, fillers) and the braille blank.
INVISIBLE = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2061-\u206f\u2800\u3164\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0080-\U000e0fff"
)
SEPARATOR = "\u2028\u2029"  # line and paragraph separators, written as escapes ("\u2028")
UNSAFE = re.compile(f"[{CONTROL}{BIDI}{ZERO_WIDTH}{INVISIBLE}{SEPARATOR}{SURROGATE}{NONCHARACTER}]")


def quoted(value: Any, limit: int = 60) -> str:
    """A value quoted for a message, cut short when long."""
    text = str(value)
    return repr(text if len(text) <= limit else text[:limit] + "…")


class FieldProblem(Exception):
    """A value that does not fit its field: (message, line) pairs, line 0 for the field's own."""

    def __init__(self, message: str = "", line: int = 0, problems: Sequence[tuple[str, int]] = ()):
        super().__init__(message)
        self.problems = list(problems) or [(message, line)]


def line_of(node: Any) -> int:
    return node.start_mark.line + 1


def kind_of(node: Node) -> str:
    """What a node holds, in YAML's words rather than Python's."""
    if node.id == "scalar":
        kinds = {
            STR: "a string",
            INT: "a number",
            FLOAT: "a decimal number",
            BOOL: "true/false",
            NULL: "an empty value",
            TIMESTAMP: "a date",
            BINARY: "binary data",
        }
        if node.tag in kinds:
            return kinds[node.tag]
    elif node.tag in (MAP, SEQ):
        return "a mapping" if node.id == "mapping" else "a list"
    return f"a value with the unknown tag {quoted(node.tag)}"


def is_null(node: Node) -> bool:
    return node.tag == NULL and node.id == "scalar"


# ---------------------------------------------------------------- building dataclasses


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
    written = [f for f in fields if f.metadata.get("written", True)]  # not set by the program
    return {f.name: _converter(hints[f.name], f.name) for f in written}, needed


def readable(cls: type, node: Node, keys: Iterable[str]) -> dict[str, tuple[Any, int]]:
    """The values of these keys of a mapping node that read as fields of the dataclass `cls`,
    each with its line, ignoring what does not (`build` says what is wrong with it): what can
    still be checked of a record that did not build."""
    fields, wanted = _schema(cls)[0], set(keys)
    found: dict[str, tuple[Any, int]] = {}
    for key_node, value_node in node.value if node.id == "mapping" else ():
        key = key_node.value
        if key_node.id == "scalar" and key in wanted and key in fields and key not in found:
            with contextlib.suppress(FieldProblem):
                found[key] = fields[key](value_node), key_node.start_mark.line + 1
    return found


def build(
    cls: type, node: Node, path: str, errors: list[DataError], required: Iterable[str] = ()
) -> tuple[Any | None, dict[str, int]]:
    """An instance of the dataclass `cls` from a mapping node (or None), and the line of each
    key; problems go to errors."""
    if node.id != "mapping" or node.tag != MAP:
        errors.append(DataError(path, line_of(node), f"expected a mapping, found {kind_of(node)}"))
        return None, {}
    fields, needed = _schema(cls)
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    ok = True
    for key_node, value_node in node.value:
        key = key_node.value
        line = key_node.start_mark.line + 1
        if key_node.id != "scalar" or key in lines or key not in fields:
            errors.append(DataError(path, line, _key_problem(key_node, lines, fields)))
            ok = False
            continue
        lines[key] = line
        try:
            values[key] = fields[key](value_node)
        except FieldProblem as e:
            errors += [DataError(path, at or line, f"{key}: {msg}") for msg, at in e.problems]
            ok = False
    start = line_of(node)
    for name in (*needed, *required):
        if name not in lines:
            errors.append(DataError(path, start, f"missing required field {name!r}"))
            ok = False
        elif name in values and _is_empty(values[name]):
            errors.append(DataError(path, lines[name], f"{name} must not be empty"))
            ok = False
    return (cls(**values) if ok else None), lines


def _is_empty(value: Any) -> bool:
    return value is None or value == () or (isinstance(value, str) and not value.strip())


def _key_problem(key_node: Node, seen: dict[str, int], fields: dict[str, Any]) -> str:
    if key_node.id != "scalar":
        return f"a key must be text, found {kind_of(key_node)}"
    key = key_node.value
    if key in seen:
        return f"duplicate key {quoted(key)} (first on line {seen[key]})"
    return f"unknown key {quoted(key)}{did_you_mean(key, fields)}"


def mapping_items(node: Node, path: str, errors: list[DataError]) -> list[tuple[str, int, Node]]:
    """A mapping node's keys (checked as text, once each), their lines and their values."""
    seen: dict[str, int] = {}
    items = []
    for key_node, value_node in node.value:
        line = line_of(key_node)
        try:
            key = text(key_node)
        except FieldProblem as e:
            errors.append(DataError(path, line, f"key: {e.problems[0][0]}"))
            continue
        if key in seen:
            message = f"duplicate key {quoted(key)} (first on line {seen[key]})"
            errors.append(DataError(path, line, message))
            continue
        seen[key] = line
        items.append((key, line, value_node))
    return items


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    word = str(word)[:100]
    hit = process.extractOne(
        word, list(choices), scorer=OSA.distance, score_cutoff=max(2, len(word) // 3)
    )
    return f" (did you mean {hit[0]!r}?)" if hit else ""


# ---------------------------------------------------------------- converters, one per field type


@cache
def _converter(hint: Any, key: str) -> Callable[[Any], Any]:
    """A function that checks a YAML node for a field of type `hint` and returns its value."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        convert = _converter(inner, key)
        return lambda node: None if is_null(node) else convert(node)
    if origin is tuple:
        return _tuple_of(_converter(args[0], key))
    if hint is int:
        return _whole_number(*NUMBER_RANGES.get(key, (0, MAX_NUMBER)))
    if hint is str:
        return _text(TEXT_LIMITS.get(key, MAX_TEXT), CHOICES.get(key))
    if dataclasses.is_dataclass(hint):
        return _nested(typing.cast(type, hint))
    raise TypeError(f"unsupported field type {hint}")  # a schema bug, not a data error


def _tuple_of(item: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def as_tuple(node: Node) -> tuple[Any, ...]:
        if node.id != "sequence" or node.tag != SEQ:
            raise FieldProblem(f"expected a list, found {kind_of(node)}")
        if len(node.value) > MAX_ITEMS:
            raise FieldProblem(f"has {len(node.value):,} items; the most allowed is {MAX_ITEMS:,}")
        try:
            return tuple(map(item, node.value))
        except FieldProblem:
            pass
        problems: list[tuple[str, int]] = []  # again, item by item, to report every one
        for child in node.value:
            try:
                item(child)
            except FieldProblem as e:
                problems += [(msg, at or line_of(child)) for msg, at in e.problems]
        raise FieldProblem(problems=problems)

    return as_tuple


def _whole_number(low: int, high: int) -> Callable[[Any], int]:
    def whole_number(node: Node) -> int:
        # YAML 1.1 reads "010" as octal 8 and "1:30" as 90, and "09" as text: a number of
        # the data is written in plain decimal digits, which a reader reads as it is.
        if node.id == "scalar" and LEADING_ZERO.match(node.value):
            raise FieldProblem(f"write {quoted(node.value)} without its leading zero")
        if node.id != "scalar" or node.tag != INT:
            raise FieldProblem(f"expected a whole number, found {kind_of(node)}")
        if len(node.value) > 40:  # before Python reads it: a 5,000-digit number costs time
            raise FieldProblem(f"{quoted(node.value)} is out of range ({low} to {high})")
        number = scalar_value(node)
        if not DECIMAL.match(node.value):
            raise FieldProblem(f"write {quoted(node.value)} in plain decimal digits")
        if not low <= number <= high:
            raise FieldProblem(f"{number} is out of range ({low} to {high})")
        return int(number)

    return whole_number


def _text(limit: int, choices: tuple[str, ...] | None) -> Callable[[Any], str]:
    def checked_text(node: Node) -> str:
        if node.tag == STR and node.id == "scalar":  # the common case, checked here at once
            value: str = node.value
            refuse_unsafe(value)
        else:
            value = text(node)
        if len(value) > limit:
            raise FieldProblem(f"is {len(value):,} characters long; the most allowed is {limit:,}")
        if choices and value not in choices:
            raise FieldProblem(f"{quoted(value)} is not one of {', '.join(choices)}")
        # The same theme id, area name or choice in 100,000 records is kept once.
        return sys.intern(value) if len(value) <= SHORT_TEXT else value

    return checked_text


def _nested(cls: type) -> Callable[[Any], Any]:
    def nested(node: Node) -> Any:
        inner: list[DataError] = []
        built, _ = build(cls, node, "", inner)
        if built is None:
            raise FieldProblem(problems=[(e.message, e.line) for e in inner])
        return built

    return nested


def text(node: Node) -> str:
    """A scalar's text as written; FieldProblem for anything else, for a malformed typed
    scalar, and for text holding a character that could hide or disguise what it says."""
    if node.id != "scalar":
        raise FieldProblem(f"expected text, found {kind_of(node)}")
    value: str = node.value
    if node.tag != STR:
        _check_typed_scalar(node)
    refuse_unsafe(value)
    return value


def refuse_unsafe(value: str) -> None:
    """FieldProblem if a text holds a character `UNSAFE` finds (plain printable ASCII, most
    text, is passed over without the search)."""
    if not (value.isascii() and value.isprintable()) and UNSAFE.search(value):
        raise FieldProblem(f"contains {unsafe_kind(value)}")


def unsafe_kind(value: str) -> str:
    """What the first character UNSAFE finds in value is, in words."""
    kinds = {
        CONTROL: "a control character (terminal escape codes are not allowed)",
        BIDI: "a bidirectional control character (it can disguise text)",
        ZERO_WIDTH: "a zero-width character (it can hide text)",
        INVISIBLE: "an invisible character (it can hide text, or pass for a space)",
        SEPARATOR: "a Unicode line or paragraph separator (write a plain new line)",
        SURROGATE: "a lone surrogate (not a character)",
        NONCHARACTER: "a non-character (never text: documents cannot hold it)",
    }
    found = UNSAFE.search(value)
    char = found.group() if found else ""
    return next(kind for chars, kind in kinds.items() if re.match(f"[{chars}]", char))


def _check_typed_scalar(node: Node) -> None:
    """A scalar YAML typed, kept as text where text is asked for, must be well-formed."""
    tag = node.tag
    pattern = _implicit_patterns().get(tag)
    if pattern is None or tag == NULL:
        raise FieldProblem(f"expected text, found {kind_of(node)}")
    if not pattern.match(node.value):
        raise FieldProblem(f"{quoted(node.value)} is not a valid {tag.removeprefix(TAG)}")
    if tag == TIMESTAMP:
        scalar_value(node)


@cache
def _implicit_patterns() -> dict[str, re.Pattern[str]]:
    """The pattern of each tag YAML gives a plain scalar by its look (int, float, bool...)."""
    import yaml

    return {
        tag: pattern
        for resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.values()
        for tag, pattern in resolvers
    }


def scalar_value(node: Node) -> Any:
    """A typed scalar's value as PyYAML's safe loader makes it; FieldProblem if it cannot."""
    import yaml

    construct = yaml.constructor.SafeConstructor.yaml_constructors.get(node.tag)
    if construct is None or node.id != "scalar":
        raise FieldProblem(f"unexpected {kind_of(node)}")
    try:
        return construct(_constructor(), node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError):
        if node.tag == TIMESTAMP:
            problem = "is not a real date (put it in quotes if it is text)"
        else:
            problem = f"is not a valid {node.tag.removeprefix(TAG)}"
        raise FieldProblem(f"{quoted(node.value)} {problem}") from None


@cache
def _constructor() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()
