"""Where the data is: the folders a corpus is read from, the YAML files in them, and what the
reading of them shares with the cache (`Progress`, `without_gc`).

Kept apart from the reading itself (`loading`): a run that finds a current cache lists the
files to check the cache against them, and reads none.
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path

from .errors import DataError, InvalidData, os_problem

SUFFIXES = (".yaml", ".yml")
ENV_VAR = "PCC_IDEAS_DATA"

# Told of a long task: what it is, how much is done, of how much.
Progress = Callable[[str, int, int], None]


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


def bundled_data_dir() -> Path:
    """The data shipped with the package (inside the wheel), or the checkout's `data/`."""
    here = Path(__file__).resolve().parent
    inside = here / "data"
    return inside if inside.is_dir() else here.parent.parent / "data"


def data_dirs(extra: Sequence[str | os.PathLike[str]] = (), use_env: bool = True) -> list[Path]:
    """The folders to read, in order: the bundled data, then `extra`, then $PCC_IDEAS_DATA.
    An empty path is refused (InvalidData), not read as the current folder."""
    if any(os.fspath(p) == "" for p in extra):
        error = DataError("(empty path)", 0, "a data folder must be named ('.' is this folder)")
        raise InvalidData([error])
    dirs = [bundled_data_dir(), *map(Path, extra)]
    if use_env and os.environ.get(ENV_VAR):
        dirs += [Path(p) for p in os.environ[ENV_VAR].split(os.pathsep) if p]
    return each_once(dirs)


def inner_roots(dirs: Sequence[Path]) -> list[frozenset[str]]:
    """For each folder, the real paths of the others inside it (a folder, or a file, given
    before or after it): read with them, and left out of it, they are read once."""
    real = [os.path.realpath(d) for d in dirs]
    return [frozenset(r for r in real if _inside(r, own)) for own in real]


def _inside(path: str, folder: str) -> bool:
    """Whether a real path is under a real folder (not the folder itself)."""
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def each_once(dirs: Sequence[Path]) -> list[Path]:
    """The folders, each once by where it really is: one given twice ("d" and "./d/", or in
    both $PCC_IDEAS_DATA and --data-dir), or inside one given before it, would have each of
    its records read twice, and said to be a duplicate of itself."""
    kept: list[Path] = []
    seen: list[str] = []
    for folder in dirs:
        real = os.path.realpath(folder)
        if not any(real == s or _inside(real, s) for s in seen):
            kept.append(folder)
            seen.append(real)
    return kept


def yaml_files(
    root: Path, errors: list[DataError] | None = None, skip: Collection[str] = ()
) -> list[Path]:
    """Every YAML file under root (or root itself when it is not a folder), in a stable order,
    leaving out hidden files and folders (`.git`, editors' lock files) and the folders and
    files whose real path is in `skip`. A root that cannot be found and a folder that cannot
    be read are errors (kept in `errors` when given)."""
    return sorted(map(Path, yaml_paths(root, errors, skip)))


def yaml_paths(
    root: Path, errors: list[DataError] | None = None, skip: Collection[str] = ()
) -> list[str]:
    """`yaml_files` as strings, in no set order: what checking the cache against the files
    needs, without making and sorting a Path for each."""
    problems = [] if errors is None else errors
    try:
        is_folder = stat.S_ISDIR(os.stat(root).st_mode)
    except OSError as e:
        problems.append(DataError(str(root), 0, os_problem(e)))
        return []
    if not is_folder:
        return [str(root)]

    def unreadable(e: OSError) -> None:
        where = str(e.filename or root)
        problems.append(DataError(where, 0, f"cannot read folder: {os_problem(e)}"))

    found = []
    real = os.path.realpath(root)  # a walk follows no link to a folder: its paths are real
    for folder, subfolders, names in os.walk(root, onerror=unreadable):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        names = [n for n in names if n.endswith(SUFFIXES) and n[0] != "."]
        if skip:  # what another data folder holds, read with it
            at = os.path.normpath(os.path.join(real, os.path.relpath(folder, root)))
            subfolders[:] = [d for d in subfolders if os.path.join(at, d) not in skip]
            names = [n for n in names if os.path.join(at, n) not in skip]
        found += [os.path.join(folder, n) for n in names]
    return found
