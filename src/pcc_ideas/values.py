"""Equality, hashing and a repr by field, for every dataclass of the package: `Fields`, and
for a frozen one `Value`.

`dataclass` writes these methods for each class it makes, and compiles each on its own (before
Python 3.13): for the record types alone that was several milliseconds of every run. A
dataclass here is declared with `eq=False, repr=False` and takes them from these bases instead,
written once: it behaves as a plain `@dataclass` (or `@dataclass(frozen=True)`) would.
"""

import dataclasses
from typing import Any, ClassVar


class Fields:
    """Equal to an instance of the same type whose compared fields are equal, shown as
    `Type(field=value, ...)`, and not hashable: what `@dataclass` would generate."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    __hash__: Any = None  # as a mutable dataclass's (`Value` is hashed)

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Fields) and other.__class__ is self.__class__:
            return self._compared() == other._compared()
        return NotImplemented

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
        return f"{type(self).__qualname__}({', '.join(shown)})"


class Value(Fields):
    """A frozen dataclass's: as `Fields`, and hashed by the fields it is compared by (unless
    a field says otherwise), as `@dataclass(frozen=True)` would generate."""

    def __hash__(self) -> int:
        fields = dataclasses.fields(self)
        return hash(tuple(getattr(self, f.name) for f in fields if _hashed(f)))


def _hashed(f: dataclasses.Field[Any]) -> bool:
    return f.compare if f.hash is None else f.hash
