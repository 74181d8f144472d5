"""Reading the data files and counting their words on two cores, when there are many.

This process reads the special files (the gazetteer, the thesaurus), then starts a copy of
itself (fork) to help with the record files: this process reads, checks and counts the words
of the files from the front, one at a time, the helper does the same from the back, a block
of files at a time, until they meet (`Claims`), so each does as much as its share of a busy
machine allows. The helper sends back its records as read (and what those that did not build
refer to), its problems and its counts (a run of records per block, `indexing.Builder`). Once
every record is counted the fields' average lengths are known: they are sent to the helper
with this process's words. The helper makes the postings of its own runs, then of this
process's run in `CHUNKS`, from the back; this process checks the records across files and
the caller goes on. When the index is asked for (`Runs.index`), this process makes the
postings of the chunks from the front until the two meet, and receives the rest. A cold
run that writes a cache asks for it first (`Runs.index_writer`): this process makes its
chunks and sends them to the helper, which joins them to its own and makes them all into
rows as the cache keeps them (`cache_format.mapping_blobs`) while this process writes the
records, then sends the rows. Records keep their places, the problems are the same, and
the index is the one a single process builds (`indexing.joined`), and written the same.

One process does it all where there is no `fork` (or one core), when no core is free (the
machine is busy), for a small corpus, where starting the helper and sending the records
back costs more than it saves, and for a very large one, where two processes would hold
twice the memory. The helper
ignores Ctrl-C: this process stops it on any way out (`Helper.stop`), and it stops by itself
when this process is gone (its pipe closes).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import weakref
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .areas import Gazetteer
from .cache_format import Packed, mapping_blobs, pack
from .datafiles import Progress
from .errors import DataError, HelperStopped
from .indexing import Builder, Counted, Numbered, Postings, averages, joined, joined_postings
from .loading import (
    Located,
    Parts,
    Reader,
    Unbuilt,
    checked,
    files_and_readers,
    read_files,
    read_records,
    settled,
)
from .search import Index

# Below this many bytes of record files, one process reads them all; above the second, too:
# the helper holds about as much as this process, and the two together would pass the
# memory budget of a cold build, 600 MiB (146 MB of YAML, +100,000 records: 550 MiB each).
MIN_SHARED_BYTES = 4_000_000
MAX_SHARED_BYTES = 50_000_000
# This process's run of records is shared out in this many chunks for their postings: the
# two processes take them from either end as they have time, so whichever is held up (this
# one checking and writing the records, the helper making its own runs' postings, either by
# a busy machine) the other does more, and they finish a chunk apart.
CHUNKS = 16
# The helper sends the postings this many at a time.
BATCH = 1 << 20
# What the index is asked for (`Runs`): to search (the postings, made by both processes), or
# to write to a cache (made by the helper, written as the cache keeps them).
POSTINGS, PACKED = "postings", "packed"
# The helper sends the rows it writes this many at a time.
ROWS_BATCH = 256
# The helper claims the record files a block at a time, about this many blocks in all by size
# (each a run of the index).
BLOCKS = 16

Files = list[tuple[Path, Reader]]


def read_counted(dirs: Sequence[Path], progress: Progress | None = None) -> tuple[Parts, Runs]:
    """The parts of the corpus read from these folders (the first is the bundled data) and
    checked across files (`loading.checked`: raises InvalidData listing every problem), and
    their records' words counted, for the index. `progress` hears how the reading goes."""
    errors: list[DataError] = []
    files = files_and_readers(dirs, errors)
    special = [f for f in files if f[1] is not read_records]
    parts = Parts()
    read_files(special, parts, errors, progress, 0, len(files))  # records name the areas
    reading = Reading(parts, errors, Counting(parts.gazetteer), progress, len(files))
    records = files[len(special) :]
    sizes = [_size(path) for path, _ in records]
    if can_share() and MIN_SHARED_BYTES <= sum(sizes) <= MAX_SHARED_BYTES and a_core_is_free():
        runs = reading.shared(records, sizes)
    else:
        runs = reading.alone(records)
    try:
        return checked(parts, dirs, errors, progress, len(files)), runs
    except BaseException:
        if runs.helper:
            runs.helper.stop()
        raise


class Reading:
    """The record files read into the parts, their problems into the errors, and their
    records counted, by this process `alone` or `shared` with a helper."""

    def __init__(
        self,
        parts: Parts,
        errors: list[DataError],
        counting: Counting,
        progress: Progress | None,
        total: int,
    ):
        self.parts, self.errors, self.counting = parts, errors, counting
        self.progress, self.total = progress, total

    def alone(self, files: Files) -> Runs:
        read_files(
            files, self.parts, self.errors, self.progress, self.total - len(files), self.total
        )
        self.counting.add(self.parts.located)
        builder = self.counting.builder
        return Runs([builder.counted()], builder.words())

    def shared(self, files: Files, sizes: list[int]) -> Runs:
        claims, chunks = Claims(sizes), Claims([1] * CHUNKS)
        helper = Helper(files, claims, chunks, self.parts.gazetteer)
        located = self.parts.located
        try:
            while (i := claims.front()) is not None:
                before, done = len(located), self.total - len(files) + claims.taken()
                read_files([files[i]], self.parts, self.errors, self.progress, done, self.total)
                self.counting.add(located[before:])
            their_located, their_unbuilt, their_errors, their_runs = helper.receive()
            located += their_located
            self.parts.unbuilt += their_unbuilt
            self.errors += their_errors
            builder = self.counting.builder
            counted, words = [builder.counted(), *their_runs], builder.words()
            helper.send((averages(counted), words))
            return Runs(counted, words, helper)
        except BaseException:
            helper.stop()
            raise


def can_share() -> bool:
    """Whether a helper can start: a second core, and `fork` (a copy of this process,
    started at once) on a system where it is safe (not macOS)."""
    forks = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    return forks and _cores() > 1


def a_core_is_free() -> bool:
    """Whether the machine has a core to spare: fewer other processes running than cores.
    On a busy machine the helper only takes time from this process: measured on two cores
    with two other processes running, a shared build took longer than one process's.
    Linux says how many are running now; elsewhere the load of the last minute stands in,
    though it counts what ran up to a minute ago (the command run before this one)."""
    try:
        return running_now() - 1 < _cores()
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average: assume the machine is not busy
        return True
    return load < _cores() - 0.5


def running_now() -> int:
    """How many processes are running or ready to run now, this one among them (the fourth
    field of /proc/loadavg is "running/all")."""
    with open("/proc/loadavg", encoding="ascii") as f:
        return int(f.read().split()[3].split("/")[0])


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:  # the reading says what is wrong with it
        return 0


class Counting:
    """Records' words counted into a builder, each record's areas as the checks across files
    will leave them (`loading.settled`; whether a record is the user's is no word of it)."""

    def __init__(self, gazetteer: Gazetteer):
        self.builder = Builder()
        self.gazetteer = gazetteer
        self.area_names: dict[str, str | None] = {}

    def add(self, located: Iterable[Located]) -> None:
        for item in located:
            self.builder.add(settled(item.record, False, self.gazetteer, self.area_names))


class Claims:
    """The record files left to read, `[front, back)`, shared by the two processes: this
    one takes them from the front, the helper from the back (given their sizes)."""

    def __init__(self, sizes: list[int]):
        context = multiprocessing.get_context("fork")
        self.sizes, self.count = sizes, len(sizes)
        self.bounds = context.RawArray("l", [0, self.count])
        self.lock = context.Lock()

    def front(self) -> int | None:
        """The next file from the front, if any is left."""
        with self.lock:
            front, back = self.bounds
            if front >= back:
                return None
            self.bounds[0] = front + 1
            return front

    def back(self) -> range | None:
        """The last files left, about a `BLOCKS`th of all by size (one at least), if any is
        left."""
        block = sum(self.sizes) / BLOCKS
        with self.lock:
            front, back = self.bounds
            if front >= back:
                return None
            start, taken = back - 1, self.sizes[back - 1]
            while start > front and taken + self.sizes[start - 1] <= block:
                start -= 1
                taken += self.sizes[start]
            self.bounds[1] = start
            return range(start, back)

    def taken(self) -> int:
        return self.bounds[0] + self.count - self.bounds[1]


class Runs:
    """The counted words of the records in runs: the index is made of them when asked for
    (`index`), from their postings: those of the first run, of `words`, made here, but for the
    chunks of it the helper takes, if there is one; those of the other runs by the helper.
    For a cache (`index_writer`), the helper joins this process's chunks to its own and
    writes them all as the cache keeps them, while this process writes the records."""

    def __init__(self, counted: list[Counted], words: Numbered, helper: Helper | None = None):
        self.counted, self.words, self.helper = counted, words, helper

    def index(self) -> Index:
        fields = averages(self.counted)
        if not self.helper:
            return joined(self.counted, [self.words.postings(fields)])
        try:
            self.helper.send((POSTINGS, None))
            postings = self._chunks_postings()
            return joined(self.counted, [postings, received_postings(self.helper.pipe)])
        finally:
            self.helper.stop()

    def index_writer(self) -> Callable[[], Index]:
        """How a cache writer gets the index: made when asked for, by this process alone;
        with a helper, the postings of this process's chunks are made now and sent to it,
        and it joins them to its own and writes them all as the cache keeps them while this
        process writes the records: the index's postings are `Packed`, received when the
        writer comes to them."""
        helper = self.helper
        if not helper:
            return self.index
        try:  # sent once the two processes meet: a large message would wait on the helper
            postings = self._chunks_postings()
            helper.send((PACKED, self.counted[0]))
            helper.sending(lambda pipe: send_postings(pipe, postings))
            index = joined(self.counted, [])
        except BaseException:
            helper.stop()
            raise

        def received() -> tuple[int, Iterator[tuple[str, bytes]]]:
            try:
                count: int = helper.receive()
            except BaseException:
                helper.stop()
                raise
            return count, rows(helper)

        index.postings = Packed(received)
        return lambda: index

    def _chunks_postings(self) -> Postings:
        """The postings of the chunks of the first run this process takes, from the front,
        until it meets the helper; the words are let go of after (the helper has a copy)."""
        assert self.helper
        fields = averages(self.counted)
        postings: Postings = {}
        while (i := self.helper.chunks.front()) is not None:
            among = chunk(i, self.words.size)
            joined_postings([self.words.postings(fields, among=among, free=False)], postings)
        self.words.let_go()
        return postings


def chunk(i: int, size: int) -> range:
    """The records of the `i`th of the `CHUNKS` of a run of `size`."""
    return range(i * size // CHUNKS, (i + 1) * size // CHUNKS)


def send_postings(pipe: Connection, postings: Postings) -> None:
    """Postings sent as their terms and lengths, then every posting's record position and
    weight end to end in batches, each sent as it is (pickling would copy them all); each
    term's arrays are let go of once in a batch."""
    terms = list(postings)
    pipe.send((terms, array("L", [len(postings[t][0]) for t in terms])))
    docs, weights = array("I"), array("f")
    for term in terms:
        more_docs, more_weights = postings.pop(term)
        docs.extend(more_docs)
        weights.extend(more_weights)
        if len(docs) >= BATCH or term is terms[-1]:
            pipe.send_bytes(docs)
            pipe.send_bytes(weights)
            docs, weights = array("I"), array("f")


def rows(helper: Helper) -> Iterator[tuple[str, bytes]]:
    """The rows `send_rows` sends, batch by batch as they come; the helper is stopped once
    they have all come (or the writer stops reading them)."""
    try:
        while batch := helper.receive():
            yield from batch
    finally:
        helper.stop()


def send_rows(pipe: Connection, count: int, made: Iterator[tuple[str, bytes]]) -> None:
    """How many keys a mapping has, then its rows in batches; an empty batch ends them. The
    rows are all made first, while the other process writes its records: a pipe holds a
    few kB, so rows sent as made would wait for it to read each batch, and be made only
    as fast as it writes them (measured at +10,000 records: 0.2 s against 0.03 s)."""
    ready = list(made)
    pipe.send(count)
    for start in range(0, len(ready), ROWS_BATCH):
        pipe.send(ready[start : start + ROWS_BATCH])
    pipe.send([])


def received_postings(pipe: Connection) -> Postings:
    """The postings `send_postings` sent, received straight into their arrays."""
    try:
        found = pipe.recv()
        if isinstance(found, str):  # the helper failed, and says why
            raise HelperStopped(found)
        terms, lengths = found
        total = sum(lengths)
        docs, weights = array("I", [0]) * total, array("f", [0.0]) * total
        done = 0
        while done < total:
            got = pipe.recv_bytes_into(docs, done * docs.itemsize) // docs.itemsize
            pipe.recv_bytes_into(weights, done * weights.itemsize)
            done += got
    except (EOFError, OSError):
        raise HelperStopped(STOPPED) from None
    return unflat(terms, lengths, docs, weights)


def unflat(
    terms: list[str], lengths: array[int], docs: array[int], weights: array[float]
) -> Postings:
    """Each term's postings, cut from the end of the arrays holding them all end to end,
    which shrink as they are cut: the postings are never all held twice."""
    pieces = []
    for term, length in zip(reversed(terms), reversed(lengths), strict=True):
        start = len(docs) - length
        pieces.append((term, (docs[start:], weights[start:])))
        del docs[start:], weights[start:]
    return dict(reversed(pieces))


class Helper:
    """The helper process (see the module's notes): `receive` gives what it sends, `send`
    sends it a message, `stop` ends it; `chunks` are this process's run's, shared with it."""

    def __init__(self, files: Files, claims: Claims, chunks: Claims, gazetteer: Gazetteer):
        self.chunks = chunks
        context = multiprocessing.get_context("fork")
        self.pipe, theirs = context.Pipe()
        sys.stdout.flush()  # else the copy of this process writes what is waiting too
        sys.stderr.flush()
        self.process = context.Process(
            target=_help, args=(theirs, self.pipe, files, claims, chunks, gazetteer), daemon=True
        )
        self.process.start()
        theirs.close()
        self.stop = weakref.finalize(self, _stop, self.process, self.pipe)

    def receive(self) -> Any:
        try:
            found = self.pipe.recv()
        except (EOFError, OSError):
            found = None
        if found is None or isinstance(found, str):
            self.stop()
            raise HelperStopped(found or STOPPED)
        return found

    def send(self, message: Any) -> None:
        self.sending(lambda pipe: pipe.send(message))

    def sending(self, send: Callable[[Connection], None]) -> None:
        """`send` to the helper; if it has gone, that is an error of the build, never a
        closed stdout (a broken pipe ends a run quietly, exit 0)."""
        try:
            send(self.pipe)
        except OSError:
            self.stop()
            raise HelperStopped(STOPPED) from None


STOPPED = "the process reading part of the data files stopped"


def _help(
    pipe: Connection,
    ours: Connection,
    files: Files,
    claims: Claims,
    chunks: Claims,
    gazetteer: Gazetteer,
) -> None:
    """The helper's work: blocks of files from the back read, checked and counted (each
    block a run); once it is sent the averages and the words of the first run, this
    process's, the postings of every other run, then of the first run's chunks from the
    back until this process, making them from the front, meets it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process that started it stops it
    ours.close()
    try:
        located: list[list[Located]] = []
        unbuilt: list[Unbuilt] = []
        errors: list[DataError] = []
        counted: list[Counted] = []
        words: list[Numbered] = []
        while (block := claims.back()) is not None:
            parts, counting = Parts(), Counting(gazetteer)
            read_files([files[i] for i in block], parts, errors)
            counting.add(parts.located)
            located.insert(0, parts.located)
            unbuilt += parts.unbuilt
            counted.insert(0, counting.builder.counted())
            words.insert(0, counting.builder.words())
        pipe.send(([i for run in located for i in run], unbuilt, errors, counted))
        located.clear()
        fields, first = pipe.recv()
        theirs: Postings = {}
        start = first.size
        for run in words:  # each run's joined as soon as made: they are many
            joined_postings([run.postings(fields, start)], into=theirs)
            start += run.size
        taken = []  # the first run's chunks, from the last
        while (block := chunks.back()) is not None:
            taken += [first.postings(fields, among=chunk(i, first.size)) for i in reversed(block)]
        wanted, first_counted = pipe.recv()  # what the index is for: to search, or to write
        postings = joined_postings([*reversed(taken), theirs])
        if wanted == PACKED:  # with the other process's chunks, written as a cache keeps them
            index = joined([first_counted, *counted], [received_postings(pipe), postings])
            send_rows(pipe, len(index.postings), mapping_blobs("postings", index.postings, pack))
        else:
            send_postings(pipe, postings)
    except (EOFError, OSError):  # the process that started it is gone
        pass
    except Exception as e:  # a bug: said by the process that started this one, if there
        with contextlib.suppress(OSError):
            pipe.send(f"the process reading part of the data files failed: {type(e).__name__}: {e}")


def _stop(process: multiprocessing.process.BaseProcess, pipe: Connection) -> None:
    pipe.close()
    if process.exitcode is None:
        process.terminate()
    process.join()
