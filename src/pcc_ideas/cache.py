"""A cache of the parsed, validated corpus and its search index, so a lookup starts fast.

This is the only module that knows how a corpus is stored. The cache is one SQLite database
per set of data folders, in $XDG_CACHE_HOME/pcc-ideas (else ~/.cache/pcc-ideas); `--no-cache`
or PCC_IDEAS_NO_CACHE=1 turn it off. It holds data only, never code:

- `meta`: the cache format, the package's version and modules, the Python version, the byte
  order and the signature of the data files (see `signature`). Any difference from the running
  program and the files as they are now, and the cache is not used.
- `records`: each record as JSON, by position, with its id, type and a checksum (CRC-32 of
  position, id, type and JSON), checked when the row is read. Rows are read one at a time as
  they are used, so a search reads only the records it shows.
- `blobs`: the rest, each with a checksum over its name and bytes: the corpus's other fields
  as JSON (`header`), the ids, the gazetteer's areas (read whole when first used) and their
  names alone (which every search reads a query through), and the
  mappings a search looks things up in (`PARTS`): the search index's postings, facets and
  columns, and the thesaurus's concepts and lookup tables, each with the sorted list of its
  keys. A mapping's values are kept in blocks of about `BLOCK` keys, a key in the block its
  CRC-32 gives (`block_of`), a large value in a row of its own (`ALONE`); the header says how
  many blocks each mapping has, so a block missing from a damaged file is noticed rather than
  its keys taken for "no such word". A search reads only the blocks of the terms and concepts
  it uses, and the records it shows.

Every checksum begins from a CRC-32 of the meta (`seed_of`): a row copied from another cache,
or from a cache of the files as they were, fails its check.

The cache directory must be a directory of this user that no one else can write to (it is
created 0700), and the file a regular file of this user that no one else can write to, looked
at without following links before it is opened read-only, holding our tables alone (SQLite
runs a view when it is read: `our_objects`); otherwise the cache is not used. A
new cache is written to a temporary file beside the old one and renamed over it, so a reader
never sees half a file. On any doubt (a checksum or a row that does not match, a file that is
not a database, of another format or stale) the cache is rebuilt from the files, even in the
middle of a command: what was already read had passed its checksums and equals the rebuild.

A cold run (no current cache) writes each record's row and then lets go of it, makes the index
of the words counted as the records were read (see `parallel`), and reads the corpus back from
the new file as a warm run would (`Cache.fresh`): the records and the index are never all held
at once.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import stat
import sys
import time
import typing
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .areas import Gazetteer
from .cache_format import (
    BLOCK,
    Damaged,
    Packed,
    block_count,
    block_of,
    checksum,
    data_fields,
    fields_of,
    from_json,
    lines,
    mapping_blobs,
    pack,
    place,
    rebuilt_fields,
    split_lines,
    to_json,
    unblock,
    unpack,
)
from .corpus import Corpus, build_corpus, data_dirs
from .datafiles import without_gc, yaml_paths
from .models import Area, Record, from_dict
from .search import Index
from .thesaurus import Concept, Tables, Thesaurus
from .values import Value, frozen

if typing.TYPE_CHECKING:
    from .query import Region

FORMAT = 7
# Pages of 8 KiB: a cold build inserts its rows a fifth faster than with SQLite's 4 KiB, and
# the file is smaller (measured at +10,000 records).
SCHEMA = """
PRAGMA page_size = 8192;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
    pos INTEGER PRIMARY KEY, id TEXT NOT NULL, type TEXT NOT NULL, data BLOB NOT NULL,
    crc INTEGER NOT NULL
);
CREATE TABLE blobs (name TEXT PRIMARY KEY, data BLOB NOT NULL, crc INTEGER NOT NULL);
"""
V = TypeVar("V")
T = TypeVar("T")


@frozen
class Part(Value):
    """A mapping kept in blocks of values (`kind/number`), with the sorted list of its keys
    (`keys/kind`): where a corpus (or the index made with it) holds it, how a value is written,
    and how it is read back."""

    of: Callable[[Corpus, Index], Mapping[str, Any]]
    write: Callable[[Any], bytes]
    read: Callable[[bytes], Any]


def thesaurus_part(of: Callable[[Thesaurus], Mapping[str, Any]], hint: Any) -> Part:
    """One of the thesaurus's mappings, its values kept as JSON of the type `hint`."""
    return Part(lambda corpus, _: of(corpus.thesaurus), to_json, lambda b: from_json(hint, b))


PARTS: dict[str, Part] = {
    "postings": Part(lambda _, index: index.postings, pack, lambda b: tuple(unpack(b))),
    "facets": Part(lambda _, index: index.facets, pack, lambda b: unpack(b)[0]),
    "columns": Part(lambda _, index: index.columns, pack, lambda b: unpack(b)[0]),
    "concepts": thesaurus_part(lambda t: t.tables.by_id, Concept),
    "stems": thesaurus_part(lambda t: t.stems, tuple[tuple[str, ...], ...]),
    "first-words": thesaurus_part(lambda t: t.tables.by_first, list[tuple[tuple[str, ...], str]]),
    "words": thesaurus_part(lambda t: t.tables.with_word, list[str]),
    "narrower": thesaurus_part(lambda t: t.tables.narrower, tuple[str, ...]),
    "related-by": thesaurus_part(lambda t: t.tables.related_by, tuple[str, ...]),
}
INDEX_PARTS = ("postings", "facets", "columns")
THESAURUS_PARTS = ("concepts", "stems", "first-words", "words", "narrower", "related-by")
MAPPED = 1 << 40  # bytes of the file mapped into memory: all of it (SQLite caps it)
# A temporary cache file untouched this many seconds is of a run that was killed as it wrote
# (a build of +100,000 records writes for about 10 s): the next cache written removes it.
ABANDONED = 3600


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pcc-ideas"


def load_cached(extra: Sequence[str | os.PathLike[str]] = (), use_cache: bool = True) -> Corpus:
    """The corpus as `corpus.load` gives it, from the cache when the cache is current."""
    dirs = data_dirs(extra)
    folder = private_dir() if use_cache else None
    try:
        meta = expected_meta(dirs) if folder else None
    except Exception:  # a folder that cannot be walked: the build says what is wrong
        meta = None
    if folder is None or meta is None:
        from .output.progress import terminal_progress  # only a cold build shows one

        return build_corpus(dirs, terminal_progress())
    return Cache(dirs, folder / file_name(dirs), meta).load()


def private_dir() -> Path | None:
    """The cache directory, made if need be: None unless it is a directory (not a link) of
    this user that no one else can write to."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return None
    return folder if stat.S_ISDIR(st.st_mode) and private(st) else None


def private(st: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return mine and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def file_name(dirs: Sequence[Path]) -> str:
    """One cache per set of data folders however they are spelled; the name only spreads
    them out, the signature decides."""
    resolved = "\0".join(os.path.realpath(d) for d in dirs)
    return f"corpus-{zlib.crc32(os.fsencode(resolved)):08x}.sqlite3"


# ---------------------------------------------------------------- what the cache is valid for


def expected_meta(dirs: Sequence[Path]) -> dict[str, str]:
    """What the `meta` table of a current cache holds, exactly."""
    here = os.path.dirname(os.path.abspath(__file__))
    modules = sorted(n for n in os.listdir(here) if n.endswith(".py"))
    return {
        "format": str(FORMAT),
        "package": "\n".join([__version__, *(describe(os.path.join(here, n)) for n in modules)]),
        "python": f"{sys.implementation.name} {sys.version}",
        "byteorder": sys.byteorder,
        "signature": signature(dirs),
    }


def signature(dirs: Sequence[Path]) -> str:
    """Every data folder and file the corpus is read from (see `describe`), by resolved path,
    so that one folder spelled two ways has one signature. Kept whole, not hashed."""
    lines = []
    for folder in dirs:
        root = os.path.realpath(folder)
        lines.append(describe(root))
        if not os.path.exists(folder):
            continue
        files = sorted(yaml_paths(folder))
        given = str(folder)
        for name in sorted({os.path.dirname(f) for f in files}):
            lines.append(describe(name, in_root(name, given, root)))
        lines += [describe(f, in_root(f, given, root)) for f in files]
    return "\n".join(lines)


def in_root(path: str, given: str, root: str) -> str:
    """`path`, found under the folder spelled `given`, written under its resolved `root`."""
    if path.startswith(given):
        return root + path[len(given) :]
    return os.path.realpath(path)


def describe(path: str, shown: str | None = None) -> str:
    """A file's or folder's identity: size, modification and change times (a copy that keeps
    the modification time cannot keep the change time), inode and device; for a symbolic
    link, also where it points and what it resolves to."""
    try:
        st = os.lstat(path)
    except OSError as e:
        return f"{shown or path}\tmissing {e.errno}"
    line = (
        f"{shown or path}\t{st.st_mode:o} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} "
        f"{st.st_ino} {st.st_dev}"
    )
    if stat.S_ISLNK(st.st_mode):
        line += f"\t-> {os.readlink(path)}\t" + describe(os.path.realpath(path))
    return line


# ---------------------------------------------------------------- reading and rebuilding


class Cache:
    """The cache file of one set of data folders: read when current, else built and written."""

    def __init__(self, dirs: Sequence[Path], path: Path, meta: dict[str, str]):
        self.dirs, self.path, self.meta = dirs, path, meta
        self.rebuilt: Corpus | None = None

    def load(self) -> Corpus:
        try:
            found = self.read()
        except Exception:  # anything amiss in the file: it is not trusted
            found = None
        return found or self.fresh()

    def read(self) -> Corpus | None:
        """The corpus from the cache file, if it is a current cache of ours; its records and
        index are read as they are used."""
        con = open_read_only(self.path)
        if con is None:
            return None
        if dict(con.execute("SELECT key, value FROM meta")) != self.meta:
            con.close()
            return None
        reader = Reader(con, self)
        header = json.loads(reader.blob("header"))
        reader.size, reader.blocks = header["size"], header["blocks"]
        data = rebuilt_fields(header["fields"])
        return Corpus(
            StoredRecords(reader), reader.gazetteer(), reader.thesaurus(), **data, store=reader
        )

    def fresh(self) -> Corpus:
        """The corpus built from the files and written to the cache, then read from it as a
        warm run would: each record is written as a row in turn, then let go of, and the index
        made once they all are, so the records are never held all at once beside the index
        (their words were counted as they were read). Built and kept in memory
        (`rebuild`) if the cache cannot be written or read back."""
        from .output.progress import terminal_progress  # only a cold build shows one

        progress = terminal_progress()
        with without_gc():
            corpus = build_corpus(self.dirs, progress)
            records, corpus.records = list(corpus.records), ()
            try:
                written = Indexed(drained(records), corpus.index_writer())
                write(self.path, self.meta, corpus, written)
            except (OSError, sqlite3.Error, ValueError, TypeError):
                return self.rebuild()  # a cache that cannot be written costs speed
        try:
            found = self.read()
        except Exception:  # anything amiss in the file: it is not trusted
            found = None
        return found or self.rebuild()

    def rebuild(self) -> Corpus:
        """The corpus built from the files (once per process), with its index, written to the
        cache for the next run."""
        if self.rebuilt is None:
            from .output.progress import terminal_progress  # only a cold build shows one

            corpus = build_corpus(self.dirs, terminal_progress())
            _ = corpus.index  # built now, to be written with the records
            with contextlib.suppress(OSError, sqlite3.Error, ValueError, TypeError):
                write(self.path, self.meta, corpus)  # a cache that cannot be written costs speed
            self.rebuilt = corpus
        return self.rebuilt


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """The database at path, opened read-only, if it is a regular file of this user that no
    one else can write to; it is looked at without following links, so a link, a FIFO or a
    device at the cache path is never opened."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or not private(st):
        return None
    uri = str(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    # immutable: the file is never changed in place (a new cache is renamed over it); mapped
    # into memory, a row is read without a system call for each page it is on.
    con = sqlite3.connect(f"file:{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    # Only our tables, made as we make them: SQLite runs a view when it is read, so a view
    # named `meta` (a recursive one never ends, deaf to Ctrl-C) is never read.
    if set(con.execute(OBJECTS)) != our_objects():
        con.close()
        return None
    con.execute(f"PRAGMA mmap_size = {MAPPED}")
    return con


OBJECTS = "SELECT type, name, tbl_name, sql FROM sqlite_master"


@functools.cache
def our_objects() -> set[tuple[str, ...]]:
    """The tables and indexes of a cache file as `write` makes them."""
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(SCHEMA)
        return set(con.execute(OBJECTS))
    finally:
        con.close()


class Reader:
    """An open cache file whose rows are checked as they are read. A row that fails its check
    turns the rest of the run over to a corpus rebuilt from the files (`Cache.rebuild`)."""

    def __init__(self, con: sqlite3.Connection, cache: Cache):
        self.con, self.cache = con, cache
        self.seed = seed_of(cache.meta)  # where its rows' checksums begin
        self.size = 0  # records, from the header
        self.blocks: dict[str, int] = {}  # how many blocks each mapping has, from the header
        self._keys: dict[str, list[str]] = {}
        self._blocks: dict[str, tuple[bytes, array[int]]] = {}

    def guarded(self, read: Callable[[], V], instead: Callable[[Corpus], V]) -> V:
        """What `read` gives from the cache; what `instead` gives from the rebuilt corpus if the
        cache fails a check (or has failed one before)."""
        if self.cache.rebuilt is None:
            try:
                return read()
            except Exception:  # anything amiss in the file: it is not trusted
                pass
        return instead(self.cache.rebuild())

    def blob(self, name: str) -> bytes:
        row = self.con.execute("SELECT data, crc FROM blobs WHERE name = ?", (name,)).fetchone()
        if row is None or checksum(name.encode(), row[0], self.seed) != row[1]:
            raise Damaged(name)
        return bytes(row[0])

    def ids(self) -> Sequence[str]:
        return self.guarded(lambda: split_lines(self.blob("ids")), lambda c: c.ids)

    def area_names(self) -> Sequence[str]:
        """The force areas' names, without reading the gazetteer."""
        return self.guarded(
            lambda: split_lines(self.blob("area-names")),
            lambda c: [a.name for a in c.gazetteer.areas],
        )

    def regions(self) -> list[Region]:
        """The regions and countries a query can name, without reading the gazetteer."""
        from .query import Region  # read by a search only

        return self.guarded(
            lambda: from_json(list[Region], self.blob("regions")), lambda c: c.regions
        )

    def index(self) -> Index:
        postings, facets, columns = (StoredMapping(self, kind) for kind in INDEX_PARTS)
        return Index(postings, facets, columns, self.size)

    def gazetteer(self) -> Gazetteer:
        """The gazetteer, its areas read when first used."""
        return Gazetteer(
            Deferred(
                lambda: self.guarded(
                    lambda: from_json(tuple[Area, ...], self.blob("gazetteer")),
                    lambda c: c.gazetteer.areas,
                )
            )
        )

    def thesaurus(self) -> Thesaurus:
        """The thesaurus, each of its concepts and each entry of its tables read when first
        used (a search reads those of its words); the concepts in order only when they are
        asked for together."""
        by_id, stems, by_first, with_word, narrower, related_by = (
            StoredMapping(self, kind) for kind in THESAURUS_PARTS
        )

        def concepts() -> list[Concept]:
            ids = self.guarded(
                lambda: split_lines(self.blob("concept-ids")),
                lambda c: [concept.id for concept in c.thesaurus.concepts],
            )
            return [by_id[i] for i in ids]

        return Thesaurus(
            Deferred(concepts),
            stems=stems,
            kept=Tables(by_id, by_first, with_word, narrower, related_by),
        )

    def record(self, pos: int) -> Record:
        return self.guarded(lambda: self._record(pos), lambda c: c.records[pos])

    def _record(self, pos: int) -> Record:
        row = self.con.execute(
            "SELECT id, type, data, crc FROM records WHERE pos = ?", (pos,)
        ).fetchone()
        if row is None:
            raise Damaged(f"record {pos}")
        return checked_record(pos, *row, seed=self.seed)

    def records(self) -> Iterator[Record]:
        """Every record in order, read in one pass; from the rebuilt corpus from the first
        one that fails its check."""
        done = 0
        if self.cache.rebuilt is None:
            try:
                rows = self.con.execute("SELECT pos, id, type, data, crc FROM records ORDER BY pos")
                for pos, *row in rows:
                    if pos != done or pos >= self.size:
                        raise Damaged(f"record {done}")
                    record = checked_record(pos, *row, seed=self.seed)
                    done += 1
                    yield record
                if done == self.size:
                    return
            except Exception:  # anything amiss in the file: it is not trusted
                pass
        yield from self.cache.rebuild().records[done:]

    def keys(self, kind: str) -> list[str]:
        """The sorted keys of one of the mappings, read once."""
        if kind not in self._keys:
            self._keys[kind] = self.guarded(
                lambda: split_lines(self.blob(f"keys/{kind}")),
                lambda c: sorted(PARTS[kind].of(c, c.index)),
            )
        return self._keys[kind]

    def value(self, kind: str, key: str) -> Any:
        """One value of one of the mappings kept in blocks (`PARTS`); KeyError when it has
        none."""
        part = PARTS[kind]

        def read() -> Any:
            name = f"{kind}/{block_of(key, self.blocks[kind])}"
            data, bounds = self._block(name)
            i = place(data, bounds, key)
            if i is None:
                return None
            start, end = bounds[i], bounds[i + 1]
            return part.read(data[start:end] if end > start else self.blob(f"{name}/{key}"))

        found = self.guarded(read, lambda c: part.of(c, c.index).get(key))
        if found is None:
            raise KeyError(key)
        return found

    def _block(self, name: str) -> tuple[bytes, array[int]]:
        """A block's bytes and where its values are in them (`unblock`), read once: every
        block the header counts is in the file, so a missing one is damage."""
        found = self._blocks.get(name)
        if found is None:
            data = self.blob(name)
            found = self._blocks[name] = data, unblock(data)
        return found


class Stored(Sequence[T]):
    """A sequence the cache reads as it is used, equal to any sequence of the same items (a
    corpus read afresh holds tuples)."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


class Deferred(Stored[T]):
    """A sequence read whole when it is first used (`load` gives it)."""

    def __init__(self, load: Callable[[], Sequence[T]]):
        self._load = load

    @cached_property
    def _items(self) -> Sequence[T]:
        return self._load()

    def __len__(self) -> int:
        return len(self._items)

    @typing.overload
    def __getitem__(self, i: int) -> T: ...
    @typing.overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        return self._items[i]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)


class StoredRecords(Stored[Record]):
    """The records of a cache: each read and checked when it is first used, and kept."""

    def __init__(self, reader: Reader):
        self._reader, self._size = reader, reader.size
        self._memo: dict[int, Record] = {}

    def __len__(self) -> int:
        return self._size

    @typing.overload
    def __getitem__(self, i: int) -> Record: ...
    @typing.overload
    def __getitem__(self, i: slice) -> list[Record]: ...
    def __getitem__(self, i: int | slice) -> Record | list[Record]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._size))]
        pos = i + self._size if i < 0 else i
        if not 0 <= pos < self._size:
            raise IndexError(i)
        found = self._memo.get(pos)
        if found is None:
            found = self._memo[pos] = self._reader.record(pos)
        return found

    def __iter__(self) -> Iterator[Record]:
        return self._reader.records()


MISSING = object()


class StoredMapping(Mapping[str, Any]):
    """One of the mappings kept in blocks (see `PARTS`): each value read, from its checked
    block, when it is first asked for, and kept."""

    def __init__(self, reader: Reader, kind: str):
        self._reader, self._kind = reader, kind
        self._memo: dict[str, Any] = {}
        self._keys: list[str] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a key, else `default`: a key asked for again is answered from
        memory, present or not. (A search asks for many keys, often absent, so this does not
        go through `__getitem__` and a KeyError for each.)"""
        found = self._memo.get(key, MISSING)
        if found is MISSING:
            try:
                found = self._reader.value(self._kind, key)
            except KeyError:
                found = None
            self._memo[key] = found
        return default if found is None else found

    def __getitem__(self, key: str) -> Any:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def _all_keys(self) -> list[str]:
        if self._keys is None:
            self._keys = self._reader.keys(self._kind)
        return self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._all_keys())

    def __len__(self) -> int:
        return len(self._all_keys())


def checked_record(
    pos: int, record_id: str, type_: str, data: bytes, crc: int, *, seed: int
) -> Record:
    if checksum(f"{pos}\t{record_id}\t{type_}".encode(), data, seed) != crc:
        raise Damaged(f"record {pos}")
    return from_dict(json.loads(data))


# ---------------------------------------------------------------- writing


def write(
    path: Path,
    meta: Mapping[str, str],
    corpus: Corpus,
    records: Indexed | None = None,
) -> None:
    """The corpus and its index written to a temporary file beside `path`, then renamed to
    it; nothing is left behind on failure. `records`, when given, are the corpus's records
    (which it no longer holds), written as they come and indexed as they are written."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    if records is None:
        records = Indexed(corpus.records, lambda: corpus.index)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(SCHEMA)
            con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            seed = seed_of(meta)
            con.executemany(
                "INSERT INTO records VALUES (?, ?, ?, ?, ?)", record_rows(records, seed)
            )
            con.executemany("INSERT INTO blobs VALUES (?, ?, ?)", blob_rows(corpus, records, seed))
            con.commit()
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    for old in path.parent.glob("*.pickle"):  # the caches of versions before this format
        with contextlib.suppress(OSError):
            old.unlink()
    for left in path.parent.glob(".corpus-*.tmp"):  # of a run killed as it wrote (SIGKILL)
        with contextlib.suppress(OSError):
            if time.time() - left.stat().st_mtime > ABANDONED:
                left.unlink()


class Indexed:
    """Records to write, and the index of them: each record's id is kept as it goes by (for
    the `ids` blob), and `index` is asked for once they have all gone by."""

    def __init__(self, records: Iterable[Record], index: Callable[[], Index]):
        self.records, self.index = records, index
        self.ids: list[str] = []

    def __iter__(self) -> Iterator[Record]:
        for record in self.records:
            self.ids.append(record.id)
            yield record


def drained(items: list[T]) -> Iterator[T]:
    """The items of a list in order, each let go of by the list as it is given: the list is
    left empty, and an item nothing else holds is freed once used."""
    items.reverse()
    while items:
        yield items.pop()


def seed_of(meta: Mapping[str, str]) -> int:
    """Where a cache's checksums begin: a CRC-32 of its meta (the program and the signature
    of the data files), so a row copied from another cache, or from a cache of the files as
    they were, fails its check."""
    return zlib.crc32(json.dumps(sorted(meta.items())).encode())


def record_rows(records: Iterable[Record], seed: int) -> Iterator[tuple[int, str, str, bytes, int]]:
    encode = json.JSONEncoder(
        default=fields_of, ensure_ascii=False, separators=(",", ":"), check_circular=False
    ).encode
    for pos, r in enumerate(records):
        raw = encode(r).encode()
        yield pos, r.id, r.type, raw, checksum(f"{pos}\t{r.id}\t{r.type}".encode(), raw, seed)


def blob_rows(corpus: Corpus, records: Indexed, seed: int) -> Iterator[tuple[str, bytes, int]]:
    """The blobs, one at a time: the index's are made only as they are written."""
    for name, data in named_blobs(corpus, records.ids, records.index()):
        yield name, data, checksum(name.encode(), data, seed)


def named_blobs(corpus: Corpus, ids: Sequence[str], index: Index) -> Iterator[tuple[str, bytes]]:
    fields = {name: getattr(corpus, name) for name in data_fields()}
    mappings = {kind: part.of(corpus, index) for kind, part in PARTS.items()}
    counts = {kind: block_count(len(mapping), BLOCK) for kind, mapping in mappings.items()}
    header = {"size": len(ids), "blocks": counts, "fields": fields}
    yield "header", json.dumps(header, default=fields_of, ensure_ascii=False).encode()
    yield "ids", lines(ids)
    yield "gazetteer", to_json(corpus.gazetteer.areas)
    yield "area-names", lines(a.name for a in corpus.gazetteer.areas)
    yield "regions", to_json(corpus.regions)
    yield "concept-ids", lines(c.id for c in corpus.thesaurus.concepts)
    for kind, mapping in mappings.items():
        if isinstance(mapping, Packed):  # written by the process that made it
            yield from mapping.rows
        else:
            yield from mapping_blobs(kind, mapping, PARTS[kind].write)
