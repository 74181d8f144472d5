"""The cache's bytes: how what it keeps is written and read back, and checked.

Records, and the values of the gazetteer and the thesaurus, are JSON, rebuilt as the types
their fields declare (`rebuilt`); arrays are packed with their type codes (`pack`, `unpack`);
key lists are lines; values kept together are blocks (`block`); every row and blob carries a
CRC-32 over its name and its bytes (`checksum`). Nothing here is pickle: reading a cache
builds data, never code. Only `cache` uses this module.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from itertools import accumulate
from typing import Any

from .corpus import Corpus


class Damaged(Exception):
    """A part of the cache is missing or does not match its checksum."""


def checksum(name: bytes, data: bytes, seed: int = 0) -> int:
    """A row's CRC-32 of its name (or place) and data, begun from its cache's `seed`."""
    return zlib.crc32(data, zlib.crc32(name, seed))


def unpack(data: bytes) -> list[array[Any]]:
    """The arrays `pack` wrote."""
    arrays, at, view = [], 0, memoryview(data)
    while at < len(data):
        found = array(chr(data[at]))
        n = int.from_bytes(data[at + 1 : at + 5], "little")
        end = at + 5 + n * found.itemsize
        found.frombytes(view[at + 5 : end])
        if len(found) != n:
            raise Damaged("a short array")
        arrays.append(found)
        at = end
    return arrays


# The corpus's fields kept apart from the header, so that a run reads only what it uses of
# them: the records one a row, the gazetteer whole when first used, the thesaurus's tables a
# block of values at a time (see `cache`).
KEPT_APART = ("records", "gazetteer", "thesaurus")


def rebuilt_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The corpus's header fields from their JSON, each rebuilt as the type it is declared."""
    hints = type_hints(Corpus)
    return {name: rebuilt(hints[name], data[name]) for name in data_fields()}


def data_fields() -> list[str]:
    """The corpus's fields kept whole in the header: those that are data (compared, so
    stored), but for those kept apart."""
    return [f.name for f in dataclasses.fields(Corpus) if f.compare and f.name not in KEPT_APART]


def to_json(value: Any) -> bytes:
    """A value of plain data and dataclasses as compact JSON (see `fields_of`)."""
    return json.dumps(
        value, default=fields_of, ensure_ascii=False, separators=(",", ":"), check_circular=False
    ).encode()


def from_json(hint: Any, data: bytes) -> Any:
    """The value of type `hint` that `to_json` wrote."""
    return rebuilt(hint, json.loads(data))


def rebuilt(hint: Any, data: Any) -> Any:
    """The value of type `hint` that plain JSON `data` describes: dataclasses by their fields'
    types, sequences as tuples (lists as lists), fixed-length tuples item by item, mappings as
    dicts, `X | None` as X or None."""
    return builder(hint)(data)


@functools.cache
def builder(hint: Any) -> Callable[[Any], Any]:
    """How `rebuilt` makes a value of type `hint`, worked out once per type (a warm run
    rebuilds thousands of values, of a dozen types)."""
    if hint in PLAIN:
        return as_is
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        fields = {name: builder(h) for name, h in type_hints(hint).items()}
        return nullable(lambda data: hint(**{k: fields[k](v) for k, v in data.items()}))
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return builder(options[0]) if len(options) == 1 else as_is
    if origin is tuple and args and args[-1] is not Ellipsis:  # a pair, a triple...
        items = [builder(a) for a in args]
        return nullable(lambda data: tuple(b(v) for b, v in zip(items, data, strict=True)))
    if origin in (list, tuple, Sequence):
        element = args[0] if args else Any
        kind = list if origin is list else tuple
        if element in PLAIN:
            return nullable(kind)
        item = builder(element)
        return nullable(lambda data: kind(item(v) for v in data))
    if origin in (dict, Mapping):
        value = builder(args[1])
        return nullable(lambda data: {k: value(v) for k, v in data.items()})
    return as_is


def as_is(data: Any) -> Any:
    return data


def nullable(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`build`, except that None stays None."""
    return lambda data: None if data is None else build(data)


PLAIN = (str, int, float, bool, Any)


def type_hints(cls: type) -> dict[str, Any]:
    """The class's fields' types, worked out once per class."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


_HINTS: dict[type, dict[str, Any]] = {}


def lines(items: Iterable[str]) -> bytes:
    items = list(items)
    if any("\n" in item for item in items):
        raise ValueError("a key holds a newline")
    return "\n".join(items).encode()


def split_lines(data: bytes) -> list[str]:
    """The strings `lines` wrote."""
    return data.decode().split("\n") if data else []


# Keys to a block: a cold build at +10,000 records writes 4,500 rows of postings rather than
# 71,000, in an eighth of the time (0.19 -> 0.023 s), and a warm search reads 16 keys' values
# for each it wants (64 cost the bundled corpus's search a tenth more). A value of `ALONE`
# bytes or more has a row of its own, so a search reads a few KiB for a rare word, not a
# common word's postings beside it (at +100,000 records, 2,400 terms of 333,000 have 83 of
# the 117 MB).
BLOCK = 16
ALONE = 1 << 14


def mapping_blobs(
    kind: str, mapping: Mapping[str, Any], write: Callable[[Any], bytes]
) -> Iterator[tuple[str, bytes]]:
    """A mapping as the cache keeps it: the sorted list of its keys (`keys/kind`), then its
    values (each `write`n) in `block_count` blocks (`kind/number`), a key in the block its
    CRC-32 gives (`block_of`), a value of `ALONE` bytes or more in a row of its own
    (`kind/number/key`, its length 0 in the block)."""
    count = block_count(len(mapping), BLOCK)
    keys = sorted(mapping)
    yield f"keys/{kind}", lines(keys)
    held: list[list[str]] = [[] for _ in range(count)]
    for key in keys:
        held[block_of(key, count)].append(key)
    for number, block_keys in enumerate(held):
        values = [write(mapping[k]) for k in block_keys]
        for i, (key, value) in enumerate(zip(block_keys, values, strict=True)):
            if len(value) >= ALONE:
                yield f"{kind}/{number}/{key}", value
                values[i] = b""
        yield f"{kind}/{number}", block(block_keys, values)


class Packed(Mapping[str, Any]):
    """A mapping another process wrote as the cache keeps it (`mapping_blobs`): how many
    keys it has, received when first asked for, and its rows, received as they are read.
    Nothing is looked up in it: it is only written, once."""

    def __init__(self, received: Callable[[], tuple[int, Iterator[tuple[str, bytes]]]]):
        self._received = received

    @cached_property
    def _got(self) -> tuple[int, Iterator[tuple[str, bytes]]]:
        return self._received()

    @property
    def rows(self) -> Iterator[tuple[str, bytes]]:
        """Its rows, as they come: they can be read once."""
        return self._got[1]

    def __len__(self) -> int:
        return self._got[0]

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())


def block_count(keys: int, per_block: int) -> int:
    """How many blocks the values of this many keys are kept in, `per_block` to a block."""
    return max(1, -(-keys // per_block))


def block_of(key: str, blocks: int) -> int:
    """The block a key's value is kept in: its CRC-32 (the same in every process, unlike
    `hash`), modulo the number of blocks."""
    return zlib.crc32(key.encode()) % blocks


def block(keys: Sequence[str], values: Sequence[bytes]) -> bytes:
    """Values kept together: their lengths (`pack`), then the values end to end, then their
    keys as lines."""
    return pack(array("I", map(len, values))) + b"".join(values) + lines(keys)


def unblock(data: bytes) -> array[int]:
    """Where each value of a `block` is in its bytes: the `i`th from `bounds[i]` to
    `bounds[i + 1]`; the keys start at `bounds[-1]` (`place` finds one). Nothing is made a
    key: a search reads a hundred blocks for a few keys of each."""
    [sizes] = unpack(data[: 5 + 4 * int.from_bytes(data[1:5], "little")])
    if sizes.typecode != "I":
        raise Damaged("a block without its values' lengths")
    bounds = array("L", accumulate(sizes, initial=5 + 4 * len(sizes)))
    keys = data.count(b"\n", bounds[-1]) + 1 if len(data) > bounds[-1] else 0
    if keys != len(sizes):
        raise Damaged("a block whose keys and values differ in number")
    return bounds


def place(data: bytes, bounds: array[int], key: str) -> int | None:
    """A key's place among a block's keys (its value's number), if it has it: found in the
    lines of keys as a whole line."""
    wanted, first = key.encode(), bounds[-1]
    at = data.find(wanted, first)
    while at >= 0:
        end = at + len(wanted)
        if (at == first or data[at - 1] == NEWLINE) and (end == len(data) or data[end] == NEWLINE):
            return data.count(b"\n", first, at)
        at = data.find(wanted, at + 1)
    return None


NEWLINE = ord("\n")


def pack(value: array[Any] | Sequence[array[Any]]) -> bytes:
    """An array, or a sequence of arrays, as bytes: for each, its type code, its length (4
    bytes) and its items in this machine's byte order (the cache records it)."""
    parts: list[bytes] = []
    for a in [value] if isinstance(value, array) else value:
        parts += (TYPE_CODES[a.typecode], len(a).to_bytes(4, "little"), a.tobytes())
    return b"".join(parts)


TYPE_CODES = {code: code.encode() for code in "bBuhHiIlLqQfd"}


def fields_of(obj: Any) -> dict[str, Any]:
    """A dataclass's fields by name, for `json.dumps`, leaving out those at their default
    (what is read back takes the defaults again); anything else cannot be stored."""
    cls = type(obj)
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"cannot store a {cls.__name__} in the cache")
        defaults = _DEFAULTS[cls] = {f.name: f.default for f in dataclasses.fields(cls)}
    return {
        name: value
        for name, default in defaults.items()
        if (value := getattr(obj, name)) is not default and value != default
    }


_DEFAULTS: dict[type, dict[str, Any]] = {}
