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

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .corpus import Corpus, build_corpus, data_dirs
from .loading import yaml_files

if TYPE_CHECKING:
    from .search import Index

FORMAT = 1


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pcc-ideas"


def signature(dirs: Sequence[Path]) -> str:
    """A digest of everything the corpus is built from."""
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{sys.version_info[:2]}".encode())
    for folder in dirs:
        h.update(f"\0dir {folder.resolve()}".encode())
        for path in yaml_files(folder) if folder.exists() else []:
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"\0{path}|{st.st_size}|{st.st_mtime_ns}".encode())
    return h.hexdigest()


class Store:
    """One pickled object in the cache, valid only for one signature."""

    def __init__(self, path: Path, sig: str):
        self.path, self.sig = path, sig

    def load(self) -> Any | None:
        try:
            with open(self.path, "rb") as f:
                sig, obj = pickle.load(f)
        except Exception:  # a missing, truncated, corrupt or foreign cache is not trusted
            return None
        return obj if sig == self.sig else None

    def save(self, obj: Any) -> None:
        try:
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
        return build_corpus(dirs)
    sig = signature(dirs)
    name = hashlib.sha256("\0".join(str(d.resolve()) for d in dirs).encode()).hexdigest()[:16]
    store = Store(cache_dir() / f"corpus-{name}.pickle", sig)
    corpus = store.load()
    if not isinstance(corpus, Corpus):
        corpus = build_corpus(dirs)
        store.save(corpus)
    corpus.index_store = IndexStore(cache_dir() / f"index-{name}.pickle", sig)
    return corpus
