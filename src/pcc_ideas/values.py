"""`Value`: equality, hashing and a repr by field for the package's frozen dataclasses.

`dataclass` writes these methods for each class it makes, and compiles each on its own (before
Python 3.13): for the record types alone that was several milliseconds of every run. A frozen
dataclass here is declared `@dataclass(frozen=True, eq=False, repr=False)` and takes them from
`Value` instead, written once; it behaves as a plain `@dataclass(frozen=True)` would.
"""

import dataclasses
from typing import Any, ClassVar


class Value:
    """Equal to an instance of the same type whose compared fields are equal, hashed by
    those fields, shown as `Type(field=value, ...)`: what `@dataclass(frozen=True)` would
    generate."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def _compared(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in dataclasses.fields(self) if f.compare)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Value) and other.__class__ is self.__class__:
            return self._compared() == other._compared()
        return NotImplemented

    def __hash__(self) -> int:
        fields = dataclasses.fields(self)
        return hash(tuple(getattr(self, f.name) for f in fields if _hashed(f)))

    def __repr__(self) -> str:
        shown = (f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self) if f.repr)
        return f"{type(self).__qualname__}({', '.join(shown)})"


def _hashed(f: dataclasses.Field[Any]) -> bool:
    """Whether a field counts in the hash: as it counts in equality, unless it says."""
    return f.compare if f.hash is None else f.hash
