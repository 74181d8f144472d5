"""A cache of the parsed, validated corpus and its search index, so a lookup starts fast.

It is only a copy: each run compares the cache's signature (the path, size and modification
time of every data file, the package version and the cache format) with the files as they are,
and rebuilds on any difference. A cache that cannot be read, is corrupt or is of another format
is ignored and rebuilt; one that cannot be written is skipped. Files are written to a temporary
name and renamed, so two runs at once never leave half a cache. It lives in
$XDG_CACHE_HOME/pcc-ideas (else ~/.cache/pcc-ideas); `--no-cache` or PCC_IDEAS_NO_CACHE=1
turn it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .corpus import Corpus, Progress, build_corpus, data_dirs
from .loading import without_gc, yaml_files

if TYPE_CHECKING:
    from .search import Index

FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pcc-ideas"


def signature(dirs: Sequence[Path]) -> str:
    """Everything the corpus is built from: each data file's path, size and modification
    time, the package version and the cache format. Kept whole (not hashed), so a cache is
    trusted only for exactly these files."""
    parts = [f"{FORMAT}|{__version__}|{sys.version_info[:2]}"]
    for folder in dirs:
        parts.append(f"dir {folder.resolve()}")
        for path in yaml_files(folder) if folder.exists() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            parts.append(f"{path}|{st.st_size}|{st.st_mtime_ns}")
    return "\n".join(parts)


class Store:
    """One pickled object in the cache, valid only for one signature."""

    def __init__(self, path: Path, sig: str):
        self.path, self.sig = path, sig

    def load(self) -> Any | None:
        try:
            with open(self.path, "rb") as f, without_gc():
                sig, obj = pickle.load(f)
        except Exception:  # a missing, truncated, corrupt or foreign cache is not trusted
            return None
        return obj if sig == self.sig else None

    def save(self, obj: Any) -> None:
        try:
            import tempfile

            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    pickle.dump((self.sig, obj), f, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass  # an unwritable cache only costs speed


class IndexStore(Store):
    def load(self) -> Index | None:
        from .search import Index

        found = super().load()
        return found if isinstance(found, Index) else None


def load_cached(extra: Sequence[str | os.PathLike[str]] = (), use_cache: bool = True) -> Corpus:
    """The corpus as `corpus.load` gives it, from the cache when the cache is current."""
    dirs = data_dirs(extra)
    if not use_cache:
        return build_corpus(dirs, terminal_progress())
    sig = signature(dirs)
    # One cache per set of data folders; the name only spreads them out, the signature decides.
    name = f"{zlib.crc32(chr(0).join(str(d.resolve()) for d in dirs).encode()):08x}"
    store = Store(cache_dir() / f"corpus-{name}.pickle", sig)
    corpus = store.load()
    if not isinstance(corpus, Corpus):
        corpus = build_corpus(dirs, terminal_progress())
        store.save(corpus)
    corpus.index_store = IndexStore(cache_dir() / f"index-{name}.pickle", sig)
    return corpus


def terminal_progress() -> Progress | None:
    """A progress bar on stderr for a first, slow build, when stderr is a terminal; none
    otherwise, so nothing extra reaches a log or a pipe. Small corpora finish before it shows."""
    if not sys.stderr.isatty():
        return None
    bars: dict[str, Any] = {}

    def report(stage: str, done: int, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress as Bar

        if stage not in bars:
            bars[stage] = Bar(console=Console(stderr=True), transient=True)
            bars[stage].add_task(stage, total=total)
            bars[stage].start()
        bars[stage].update(0, completed=done)
        if done >= total:
            bars[stage].stop()

    return report
