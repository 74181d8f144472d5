"""The methods of every dataclass of the package, written once: `@frozen` and `@mutable` make
a class as `@dataclass(frozen=True)` and `@dataclass` would, and it takes equality, hashing,
a repr and `__init__` from `Value` (frozen) or `Fields` (mutable).

`dataclass` writes these methods for each class it makes, and compiles each on its own (before
Python 3.13): that was most of the time it took to import the record types, and a run makes
instances of few of them. The classes made here behave as generated ones would.
"""

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # read by type checkers only

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator


C = TypeVar("C", bound=type)


class Fields:
    """Equal to an instance of the same type whose compared fields are equal, shown as
    `Type(field=value, ...)`, and not hashable: what `@dataclass` would generate."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    __hash__: Any = None  # as a mutable dataclass's (`Value` is hashed)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        init = _INITS.get(type(self)) or _Init(type(self))
        _set(self, init.values(args, kwargs))
        if init.post_init:
            self.__post_init__()  # type: ignore[attr-defined]

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
    """A frozen dataclass's: as `Fields`, hashed by the fields it is compared by (unless
    a field says otherwise), and never assigned to, as `@dataclass(frozen=True)` would
    generate."""

    def __hash__(self) -> int:
        fields = dataclasses.fields(self)
        return hash(tuple(getattr(self, f.name) for f in fields if _hashed(f)))

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


F = TypeVar("F", bound=Fields)


def made(cls: type[F], fields: dict[str, Any]) -> F:
    """An instance with these field values (all of them, in field order), made as pickle
    would make it: without `__init__` or `__post_init__`, for values that were once made by
    them (read back from the cache, or copied)."""
    new: F = object.__new__(cls)
    _set(new, fields)
    return new


def _set(obj: Fields, fields: dict[str, Any]) -> None:
    # One attribute at a time, in field order, as a generated `__init__` sets them: the
    # instances of a class then share one table of keys (`__dict__.update` gives each
    # record a dict of its own, a fifth more memory for a corpus).
    for name, value in fields.items():
        object.__setattr__(obj, name, value)


def replaced(value: F, **changes: Any) -> F:
    """`dataclasses.replace(value, **changes)`, made as pickle would make it when the class
    has no `__post_init__` (records): its fields copied, not passed through `__init__` again,
    in a fifth of the time (a cold build copies every record of the user's)."""
    init = _INITS.get(type(value)) or _Init(type(value))
    if init.post_init or not init.known.issuperset(changes):
        return dataclasses.replace(value, **changes)  # type: ignore[type-var]
    return made(type(value), {n: changes.get(n, getattr(value, n)) for n in init.defaults})


def _hashed(f: dataclasses.Field[Any]) -> bool:
    return f.compare if f.hash is None else f.hash


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: C) -> C:
    """`@dataclass(frozen=True, eq=False, repr=False)`, for a subclass of `Value`."""
    assert issubclass(cls, Value), cls
    # `dataclass` refuses a non-frozen subclass of a frozen dataclass: the bases are thawed
    # while this one is made (without the methods a frozen one is given), then all of them
    # are said to be frozen.
    bases = [_params(b) for b in cls.__mro__[1:] if "__dataclass_fields__" in vars(b)]
    for params in bases:
        params.frozen = False
    try:
        mutable(cls)
    finally:
        for params in bases:
            params.frozen = True
    _params(cls).frozen = True
    return cls


@dataclass_transform(field_specifiers=(dataclasses.field,))
def mutable(cls: C) -> C:
    """`@dataclass(eq=False, repr=False)`, for a subclass of `Fields`."""
    assert issubclass(cls, Fields), cls
    dataclasses.dataclass(cls, init=False, eq=False, repr=False)
    _params(cls).init = True  # as `Fields.__init__` does it
    return cls


def _params(cls: type) -> Any:
    return cls.__dict__["__dataclass_params__"]


class _Init:
    """What the `__init__` that `dataclass` generates does, for one class: the fields it takes,
    in order, and what it gives those not passed (a default, or a call of a factory)."""

    def __init__(self, cls: type):
        fields = [f for f in dataclasses.fields(cls) if f.init or _has_default(f)]
        self.name = f"{cls.__qualname__}.__init__()"
        self.params = tuple(f.name for f in fields if f.init)
        self.known = frozenset(self.params)
        self.required = frozenset(f.name for f in fields if f.init and not _has_default(f))
        self.defaults = {f.name: f.default for f in fields}  # in field order
        self.factories: list[tuple[str, Any]] = [
            (f.name, f.default_factory) for f in fields if _has_factory(f)
        ]
        self.post_init = hasattr(cls, "__post_init__")
        _INITS[cls] = self

    def values(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Each field's value, in field order, as `__init__(*args, **kwargs)` sets them."""
        given = kwargs
        if args:
            if len(args) > len(self.params):
                raise TypeError(f"{self.name} takes {len(self.params) + 1} positional arguments")
            given = dict(zip(self.params, args, strict=False))
            if kwargs:
                if given.keys() & kwargs.keys():
                    raise TypeError(f"{self.name} got multiple values for an argument")
                given.update(kwargs)
        if not self.known.issuperset(given):
            raise TypeError(f"{self.name} got an unexpected argument: {set(given) - self.known}")
        if not self.required.issubset(given):
            raise TypeError(f"{self.name} is missing arguments: {self.required - set(given)}")
        found = {**self.defaults, **given}
        for name, factory in self.factories:
            if name not in given:
                found[name] = factory()
        return found


MISSING: Any = dataclasses.MISSING


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not MISSING or _has_factory(f)


def _has_factory(f: dataclasses.Field[Any]) -> bool:
    return f.default_factory is not MISSING


_INITS: dict[type, _Init] = {}
