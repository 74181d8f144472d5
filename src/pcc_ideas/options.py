"""What every command shares: the run's state, how a command ends, the options and their
completion, and how a page is to be shown.

The annotations here are objects, not strings (no `from __future__ import annotations`), as
in `cli`: Typer reads the completion functions' annotations at every run.
"""

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import field
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import output
from .cache import load_cached
from .corpus import Corpus
from .models import EVIDENCE_KINDS, RECORD_TYPES
from .values import Fields, mutable


class Run:
    """What one run of the command knows: the data folders and the corpus, read once."""

    def __init__(self, data_dirs: Sequence[str] = (), use_cache: bool = True):
        self.data_dirs, self.use_cache = list(data_dirs), use_cache
        self._corpus: Corpus | None = None

    def add(self, data_dirs: Sequence[str]) -> None:
        """More folders of the user's records (given after the command)."""
        if data_dirs:
            self.data_dirs += data_dirs
            self._corpus = None

    def corpus(self) -> Corpus:
        if self._corpus is None:
            self._corpus = load_cached(self.data_dirs, self.use_cache)
        return self._corpus


class Failed(Exception):
    """A run that ends with a message on stderr and an exit code."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def say(message: str) -> None:
    try:
        print(f"pcc-ideas: {message}", file=sys.stderr, flush=True)
    except OSError:  # stderr is full or gone: there is no one to tell, and the answer stands
        sys.stderr = open(os.devnull, "w", encoding="utf-8")


def usage(message: str) -> NoReturn:
    raise Failed(message, 2)


def nothing(message: str) -> NoReturn:
    raise Failed(message, 1)


# ---------------------------------------------------------------- completion


def _complete(names: Callable[[Corpus], list[str]]) -> Callable[[str], list[str]]:
    def complete(incomplete: str) -> list[str]:
        try:
            found = names(Run().corpus())
        except Exception:  # completion must never print a traceback into the shell
            return []
        return [n for n in found if n.casefold().startswith(incomplete.casefold())]

    return complete


complete_theme = _complete(lambda c: [t.id for t in c.themes])
complete_area = _complete(lambda c: [a.name for a in c.gazetteer.areas])
complete_id = _complete(lambda c: list(c.ids))
complete_source = _complete(lambda c: [s.id for s in c.sources])


def choices(values: Sequence[str]) -> Callable[[str], list[str]]:
    return lambda incomplete: [v for v in values if v.startswith(incomplete)]


# ---------------------------------------------------------------- shared options

Many = list[str] | None
# Kept as typed (a str), not a Path: Path("") is ".", and an empty path must be refused, not
# read as the current folder (`datafiles.data_dirs`).
DataDirs = Annotated[
    list[str] | None,
    typer.Option(
        "--data-dir",
        metavar="DIR",
        help="Add your own YAML records from DIR on top of the bundled corpus (repeatable).",
    ),
]
Types = Annotated[
    Many,
    typer.Option(
        "--type",
        "-t",
        metavar="TYPE",
        help='Only records of this type, by id or label: case-study, "case study"... '
        "(repeatable: any of them).",
        autocompletion=choices(list(RECORD_TYPES)),
    ),
]
Themes = Annotated[
    Many,
    typer.Option(
        "--theme",
        metavar="NAME",
        help="Only records on this theme (repeatable: any of them).",
        autocompletion=complete_theme,
    ),
]
Areas = Annotated[
    Many,
    typer.Option(
        "--area",
        metavar="NAME",
        help="Only records tagged with this police force area, county or town (repeatable).",
        autocompletion=complete_area,
    ),
]
Evidence = Annotated[
    Many,
    typer.Option(
        "--evidence",
        metavar="KIND",
        help="Only case studies and examples whose outcomes rest on this kind of evidence: "
        + ", ".join(EVIDENCE_KINDS)
        + ".",
        autocompletion=choices(EVIDENCE_KINDS),
    ),
]
Sources = Annotated[
    Many,
    typer.Option(
        "--source",
        metavar="NAME",
        help="Only records citing this source (repeatable).",
        autocompletion=complete_source,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Jsonl = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]
Csv = Annotated[bool, typer.Option("--csv", help="Print CSV.")]
NoPager = Annotated[bool, typer.Option("--no-pager", help="Never page long output.")]
Limit = Annotated[int, typer.Option("--limit", "-n", min=0, help="How many results (0 for all).")]
PER_TYPE_SHOWN = 50  # records of each type a page shows people unless told otherwise
PerType = Annotated[
    int | None,
    typer.Option(
        "--limit",
        "-n",
        min=0,
        help="At most this many records of each type (0 for all; on a terminal or in a pipe "
        f"{PER_TYPE_SHOWN} unless given, in JSON, JSON lines and CSV all).",
    ),
]


def output_path(value: str) -> Path:
    """A file to write to, as typed: an empty name is no file (a path would read it as the
    folder the command runs in, "."), nor is a folder."""
    if not value.strip():
        raise typer.BadParameter("give a file name, or - for stdout")
    path = Path(value)
    if path.is_dir():
        raise typer.BadParameter(f"{value} is a folder: give a file name, or - for stdout")
    return path


Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", parser=output_path, help="Write to FILE (- for stdout)."
    ),
]


@mutable
class Shown(Fields):
    """How a page is to be shown: the output options every command shares."""

    json: bool = False
    jsonl: bool = False
    csv: bool = False
    no_pager: bool = False
    modes: dict[str, bool] = field(init=False)

    def __post_init__(self) -> None:
        self.modes = {"json": self.json, "jsonl": self.jsonl, "csv": self.csv}

    def per_type(self, asked: int | None) -> int:
        """How many records of each type a page holds: as asked; else all for data, and
        `PER_TYPE_SHOWN` for people, so a theme of 20,000 records is not read to be shown."""
        if asked is not None:
            return asked
        return 0 if self.mode in self.modes else PER_TYPE_SHOWN

    @property
    def mode(self) -> str:
        chosen = [m for m, on in self.modes.items() if on]
        if len(chosen) > 1:
            usage(f"choose one of {', '.join('--' + m for m in chosen)}")
        return chosen[0] if chosen else output.human_mode(sys.stdout)


def single(option: str, values: Many) -> str | None:
    if values and len(values) > 1:
        usage(f"{option} takes one value; got {', '.join(map(repr, values))}")
    return values[0] if values else None
