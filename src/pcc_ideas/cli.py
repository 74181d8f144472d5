"""The `pcc-ideas` command: options in, a library call, `output.emit`, exceptions to exit codes.

Exit codes: 0 when there is something to show, 1 when nothing matched or a name did not
resolve, 2 for a usage error, invalid data or output that could not be written.

The annotations here are evaluated once, as the module is read (no `from __future__ import
annotations`): Typer reads every command's at each run, and would otherwise evaluate each
string again, which cost more than half the time it takes to build the commands. Only the
command that runs is built (see `Commands`), and it imports the module that builds its page
(`pages`, `brief`) when it runs, so that a search, the command run most, imports only its own
(`results`).
"""

import gc
import io
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from . import __version__, output
from .corpus import Corpus, data_dirs, each_named, validated
from .datafiles import yaml_files
from .errors import HelperStopped, InvalidData
from .lookup import MAX_NAMED, Match, NotResolved
from .models import RECORD_TYPES, Area, evidence_kind
from .options import (
    Areas,
    Csv,
    DataDirs,
    Evidence,
    Failed,
    Json,
    Jsonl,
    Limit,
    NoPager,
    Output,
    PerType,
    Run,
    Shown,
    Sources,
    Themes,
    Types,
    choices,
    complete_area,
    complete_id,
    complete_theme,
    nothing,
    say,
    single,
    usage,
)
from .output.data import write_json
from .results import search_page
from .text import tokens

F = TypeVar("F", bound=Callable[..., Any])
# The commands, by name in the order help lists them: each a Typer app of its own, made into a
# Click command only when it is looked up (see `Commands`).
COMMANDS: dict[str, typer.Typer] = {}


def command(name: str | None = None, **settings: Any) -> Callable[[F], F]:
    """Makes a function the command `name` (else its own name) of `app`, with these context
    settings (Click's)."""

    def register(function: F) -> F:
        one = typer.Typer(add_completion=False, rich_markup_mode=None)
        one.command(name, context_settings=settings or None)(function)
        COMMANDS[name or function.__name__.replace("_", "-")] = one
        return function

    return register


class Built(MutableMapping[str, Any]):
    """The commands by name, each made into a Click command (`typer.main.get_command`) when it
    is first looked up: a run builds only the command it runs (Typer would build all ten, which
    took about as long as a search); help and completion look each one up."""

    def __init__(self, apps: dict[str, typer.Typer]):
        self._commands: dict[str, Any] = dict(apps)  # an app until it is looked up

    def __getitem__(self, name: str) -> Any:
        found = self._commands[name]
        if isinstance(found, typer.Typer):
            found = self._commands[name] = typer.main.get_command(found)
        return found

    def __setitem__(self, name: str, command: Any) -> None:
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)


class Commands(TyperGroup):
    """Turns what the library raises into one line on stderr and an exit code; its commands
    are those of `COMMANDS`, built as they are looked up."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        given, self.commands = self.commands, Built(COMMANDS)
        self.commands.update(given)  # any made with `app.command`, built already

    def invoke(self, ctx: Any) -> Any:
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()
            return result
        except Failed as e:
            say(str(e))
            raise typer.Exit(e.code) from None
        except NotResolved as e:
            hint = e.hint
            if e.ambiguous and not hint and e.what == "police force area":
                hint = "; name one of them (`pcc-ideas areas` lists them)"
            say(f"{e}{hint}")
            raise typer.Exit(1) from None
        except ValueError as e:
            say(str(e))
            raise typer.Exit(2) from None
        except InvalidData as e:
            for err in e.errors:
                print(f"{err.path}: {err.message}" if err.line == 0 else err, file=sys.stderr)
            say(f"{len(e.errors)} problem(s) in the data files")
            raise typer.Exit(2) from None
        except HelperStopped as e:  # before a broken pipe: the helper's is no closed stdout
            say(f"{e}; nothing was written: run the command again")
            raise typer.Exit(2) from None
        except BrokenPipeError:
            quiet_stdout()
            raise typer.Exit(0) from None
        except OSError as e:
            say(f"cannot write the output: {e.strerror or e}")
            quiet_stdout()
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=Commands,
    help="Find what works in local policing and justice, and where it has been done.\n\n"
    "Example: pcc-ideas search naloxone",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def set_on(name: str) -> bool:
    """Whether an environment variable turns something on: set, and not to "0", "false",
    "no" or "off" (PCC_IDEAS_NO_CACHE=0 turned the cache off)."""
    return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no", "off")


def corpus_of(ctx: typer.Context, data_dir: list[str] | None = None) -> Corpus:
    """The run's corpus, with the folders given after the command added."""
    run: Run = ctx.obj
    run.add(data_dir or [])
    return run.corpus()


def show(page: Any, shown: Shown) -> None:
    """Emit a page; an empty page says why on stderr and exits 1 (JSON still prints)."""
    mode = shown.mode
    if page.is_empty:
        if mode == "json":
            output.emit(page, mode)
        nothing(page.empty_message())
    output.emit(page, mode, pager=not shown.no_pager)


def version_callback(value: bool) -> None:
    if value:
        print(f"pcc-ideas {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: DataDirs = None,
    no_cache: Annotated[
        bool,
        typer.Option("--no-cache", help="Read and index the data files afresh, without the cache."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Find what works in local policing and justice, and where it has been done.

    Example: pcc-ideas search naloxone
    """
    ctx.obj = Run(data_dir or [], not no_cache and not set_on("PCC_IDEAS_NO_CACHE"))


@command()
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(help="Words to look for.")],
    type: Types = None,
    theme: Themes = None,
    area: Areas = None,
    source: Sources = None,
    evidence: Evidence = None,
    limit: Limit = 10,
    long: Annotated[
        bool, typer.Option("--long", "-l", help="On a terminal, each hit with its summary.")
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Say why each hit matched.")] = False,
    json: Json = False,
    jsonl: Jsonl = False,
    csv: Csv = False,
    no_pager: NoPager = False,
    data_dir: DataDirs = None,
) -> None:
    """Ranked search over every record.

    Example: pcc-ideas search heroin assisted treatment --area Cleveland
    """
    text = " ".join(query)
    if not tokens(text):
        raise ValueError(f"the query {text!r} has no words to look for")
    corpus = corpus_of(ctx, data_dir)
    filters = corpus.filters(type, theme, area, source, single("--evidence", evidence))
    page = search_page(corpus, text, filters, limit)
    page.long, page.explain = long, explain
    show(page, Shown(json, jsonl, csv, no_pager))
    for note in [*corpus.area_readings(area), *page.readings, page.matched_only()]:
        if note:
            say(note)
    if page.weak or not (page.close or page.readings):
        (nothing if page.weak else say)(page.weak_message())


@command("show")
def show_record(
    ctx: typer.Context,
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="The record's id, or the start of it (cs-11).",
            autocompletion=complete_id,
        ),
    ],
    json: Json = False,
    no_pager: NoPager = False,
    data_dir: DataDirs = None,
) -> None:
    """One record in full, with its citation.

    Example: pcc-ideas show cs-11-middlesbrough-heroin-assisted-treatment
    """
    from .pages import record_page

    corpus = corpus_of(ctx, data_dir)
    show(record_page(corpus, corpus.get_or_suggest(record_id)), Shown(json, no_pager=no_pager))


@command()
def theme(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            help="A theme's id, title or alias (quotes not needed).", autocompletion=complete_theme
        ),
    ],
    type: Types = None,
    area: Areas = None,
    evidence: Evidence = None,
    limit: PerType = None,
    json: Json = False,
    jsonl: Jsonl = False,
    csv: Csv = False,
    no_pager: NoPager = False,
    data_dir: DataDirs = None,
) -> None:
    """One theme with everything linked to it, and its related themes.

    Example: pcc-ideas theme drugs
    """
    from .pages import theme_page

    corpus = corpus_of(ctx, data_dir)
    filters = corpus.filters(types=type, areas=area, evidence=single("--evidence", evidence))
    shown = Shown(json, jsonl, csv, no_pager)
    highlights = shown.mode in ("json", "rich")  # the outputs that show them
    page = theme_page(corpus, " ".join(name), filters, shown.per_type(limit), highlights)
    show(page, shown)
    for note in corpus.area_readings(area):
        say(note)


@command()
def area(
    ctx: typer.Context,
    name: Annotated[
        list[str],
        typer.Argument(
            help="A force area, county, city, town or short form (quotes not needed).",
            autocompletion=complete_area,
        ),
    ],
    type: Types = None,
    theme: Themes = None,
    evidence: Evidence = None,
    limit: PerType = None,
    json: Json = False,
    jsonl: Jsonl = False,
    csv: Csv = False,
    no_pager: NoPager = False,
    data_dir: DataDirs = None,
) -> None:
    """One police force area and every record tagged with it.

    Example: pcc-ideas area Middlesbrough
    """
    from .pages import area_page

    corpus = corpus_of(ctx, data_dir)
    filters = corpus.filters(types=type, themes=theme, evidence=single("--evidence", evidence))
    shown = Shown(json, jsonl, csv, no_pager)
    show(area_page(corpus, " ".join(name), filters, shown.per_type(limit)), shown)


def list_command(name: str, doc: str) -> None:
    """A command that lists one kind of thing, with every output option; its page is built by
    `pages.<name>_page`."""

    def listing(
        ctx: typer.Context,
        json: Json = False,
        jsonl: Jsonl = False,
        csv: Csv = False,
        no_pager: NoPager = False,
        data_dir: DataDirs = None,
    ) -> None:
        from . import pages

        build: Callable[[Corpus], Any] = getattr(pages, f"{name}_page")
        show(build(corpus_of(ctx, data_dir)), Shown(json, jsonl, csv, no_pager))

    listing.__doc__ = doc
    command(name)(listing)


list_command("themes", "Every theme, with counts of what it holds.\n\nExample: pcc-ideas themes")
list_command(
    "areas",
    "Every police force area with its region and count of records.\n\nExample: pcc-ideas areas",
)
list_command("sources", "The source documents and their endnotes.\n\nExample: pcc-ideas sources")

EXPORT_FORMATS = ("json", "jsonl", "csv", "markdown")
EXPORT_EXTENSIONS = {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".md": "markdown"}


@command()
def export(
    ctx: typer.Context,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=f"One of: {', '.join(EXPORT_FORMATS)} (else from -o, else json).",
            autocompletion=choices(EXPORT_FORMATS),
        ),
    ] = None,
    type: Types = None,
    theme: Themes = None,
    area: Areas = None,
    source: Sources = None,
    evidence: Evidence = None,
    out: Output = None,
    json: Json = False,
    jsonl: Jsonl = False,
    csv: Csv = False,
    data_dir: DataDirs = None,
) -> None:
    """The corpus, or the part the filters select, in one format.

    Example: pcc-ideas export --format csv --type figure -o figures.csv
    """
    to_file = out is not None and str(out) != "-"
    as_data = Shown(json, jsonl, csv)  # --csv is --format csv, as other commands take it
    flag = as_data.mode if any(as_data.modes.values()) else None
    if format and flag and format != flag:
        usage(f"--format {format} and --{flag} ask for two formats")
    fmt = file_format(
        "an export",
        format or flag,
        out if to_file else None,
        lambda path: EXPORT_EXTENSIONS.get(path.suffix.lower()),
        list(EXPORT_EXTENSIONS),
        "json",
    )
    if fmt not in EXPORT_FORMATS:
        usage(f"unknown format {fmt!r}; choose from {', '.join(EXPORT_FORMATS)}")
    from .pages import export_page

    corpus = corpus_of(ctx, data_dir)
    filters = corpus.filters(type, theme, area, source, single("--evidence", evidence))
    for note in corpus.area_readings(area):
        say(note)
    page = export_page(corpus, filters)
    if page.is_empty:
        nothing(page.empty_message())
    buffer = io.StringIO()
    output.emit(page, fmt, buffer)
    write_out(buffer.getvalue(), out)


@command(allow_extra_args=True)  # a subject typed without its option is told which it needs
def brief(
    ctx: typer.Context,
    theme: Themes = None,
    area: Areas = None,
    evidence: Evidence = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="markdown, html, json or docx (else from -o)."
        ),
    ] = None,
    short: Annotated[bool, typer.Option("--short", help="A one-to-two-page summary.")] = False,
    out: Output = None,
    json: Json = False,
    no_pager: NoPager = False,
    data_dir: DataDirs = None,
) -> None:
    """A briefing pack with a numbered reference list, for themes, areas or both.

    Example: pcc-ideas brief --area Cleveland -o cleveland.html
    """
    if ctx.args:
        usage(subject_without_option(corpus_of(ctx, data_dir), " ".join(ctx.args)))
    if not theme and not area:
        usage("brief needs --theme NAME or --area NAME (or both)")
    from . import brief as documents

    to_file = out is not None and str(out) != "-"
    if format and json and format != "json":
        usage(f"--format {format} and --json ask for two formats")
    fmt = file_format(
        "a brief",
        format or ("json" if json else None),
        out if to_file else None,
        documents.format_for_path,
        [f".{f}".replace(".markdown", ".md") for f in documents.BRIEF_FORMATS],
        "markdown",
    )
    if fmt not in documents.BRIEF_FORMATS:
        usage(f"unknown format {fmt!r}; choose from {', '.join(documents.BRIEF_FORMATS)}")
    if fmt == "docx" and not to_file and sys.stdout.isatty():
        usage("a Word brief needs -o FILE.docx (or a pipe)")
    corpus = corpus_of(ctx, data_dir)
    kind = evidence_kind(asked) if (asked := single("--evidence", evidence)) else None
    from .pages import read_as_theme

    matches = [m for n in theme or [] for m in each_named(n, corpus.theme)]
    for m in matches:
        if m.via != "name":  # which theme a pack is on, when not named by its id or title
            say(read_as_theme(m.query, m.item))
    chosen = [m.item for m in matches]

    def areas_named(name: str) -> list[Match[Area]]:
        return corpus.gazetteer.resolve_all(name, most=MAX_NAMED)

    places = [m for n in area or [] for ms in each_named(n, areas_named) for m in ms]
    pack = documents.build_brief(corpus, chosen, places, kind, documents.build_date(), short)
    for hint in pack.hints:
        say(hint)
    if pack.is_empty:
        nothing("there is nothing to brief on for these themes and areas")
    if fmt == "markdown" and not to_file and output.human_mode(sys.stdout) == "rich":
        output.emit_brief(pack, pager=not no_pager)
        return
    write_out(documents.BRIEF_FORMATS[fmt](pack), out)


def subject_without_option(corpus: Corpus, name: str) -> str:
    """What to say of a brief's subject typed without --theme or --area: the option it needs
    (--theme if it names a theme, else --area if it names an area, else either)."""
    import shlex

    def names(resolve: Callable[[str], object]) -> bool:
        try:
            resolve(name)
        except NotResolved:
            return False
        return True

    found = [
        o for o, f in (("--theme", corpus.theme), ("--area", corpus.gazetteer.resolve)) if names(f)
    ]
    tries = " or ".join(
        f"pcc-ideas brief {o} {shlex.quote(name)}" for o in found[:1] or ["--theme", "--area"]
    )
    return f"brief takes its subject as --theme NAME or --area NAME: try {tries}"


def file_format(
    what: str,
    asked: str | None,
    path: Path | None,
    of_path: Callable[[Path], str | None],
    extensions: list[str],
    default: str,
) -> str:
    """The format `what` (a brief, an export) is written in: as asked, else from the file's
    extension (`of_path`), else `default`; a clash between the two, or an extension no format
    has (`.pdf`, `.xlsx`: HTML in a `.pdf` opens as a broken PDF), is a usage error that names
    the `extensions` there are."""
    by_path = of_path(path) if path else None
    if asked and by_path and asked != by_path:
        usage(f"--format {asked} does not match the extension of {path}")
    if path and path.suffix and not by_path:
        *most, last = extensions
        kinds = f"{', '.join(most)} or {last}"
        usage(f"{what} cannot be written as {path.suffix!r}: name it {kinds}")
    return asked or by_path or default


def write_out(content: str | bytes, path: Path | None) -> None:
    """Write to stdout, or to a file (`-` is stdout) and say so on stderr."""
    if path is None or str(path) == "-":
        output.write_stdout(content)
        return
    if not path.parent.is_dir():
        usage(f"cannot write {path}: there is no folder {path.parent}")
    try:
        output.write_file(content, path)
    except OSError as e:
        usage(f"cannot write {path}: {e.strerror or e}")
    say(f"wrote {path}")


@command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,  # as typed: an empty one is refused (see `DataDirs`)
        typer.Argument(
            metavar="[PATH]...", help="Files or folders of records to check on top of the corpus."
        ),
    ] = None,
    json: Json = False,
    data_dir: DataDirs = None,
) -> None:
    """Check data files and report every problem.

    Example: pcc-ideas validate my-records/
    """
    run: Run = ctx.obj
    try:
        corpus = validated(data_dirs([*run.data_dirs, *(data_dir or []), *(paths or [])]))
    except InvalidData as e:
        if json:
            problems = [{"path": x.path, "line": x.line, "message": x.message} for x in e.errors]
            write_json(problems, sys.stdout)
        raise
    for path in paths or []:
        if not yaml_files(Path(path)):  # a folder with nothing to check: likely the wrong one
            say(f"no YAML files in {str(path)!r}: only the other records were checked")
    counts = Counter(r.type for r in corpus.records)
    if json:
        by_type = {t: counts[t] for t in RECORD_TYPES if counts[t]}
        write_json({"records": len(corpus.records), "by_type": by_type, "problems": []}, sys.stdout)
    else:
        areas = len(corpus.gazetteer.areas)
        print(f"ok: {len(corpus.records)} records, {areas} areas, no problems")


def run() -> None:
    """The console script: no traceback, and no noise when a pipe closes early.

    The cyclic garbage collector is off for the life of this short process: the corpus holds
    no reference cycles, and collections that walk a large corpus would only add time. (The
    console script turns it off before the imports, which it would otherwise slow too.) At
    the end, what the run made is frozen (`gc.freeze`), so that the collection Python still
    makes as it exits does not walk it all: memory the process holds is freed with it.
    """
    gc.disable()
    for name, mode in (("stdout", "w"), ("stderr", "w"), ("stdin", "r")):
        if getattr(sys, name) is None:  # closed by the caller (2>&-): heard by no one
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:  # stopped, or its terminal closed: end as if interrupted
            signal.signal(signum, _stopped)
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # a bug: one line, never a traceback
        say(f"internal error: {type(e).__name__}: {e}")
        sys.exit(2)
    finally:
        gc.freeze()


def _stopped(signum: int, frame: object) -> NoReturn:
    """A signal that stops the run unwinds it, so what it was writing is removed (a cache
    half written, a helper process) and the exit code says which signal (128 + its number)."""
    raise SystemExit(128 + signum)


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so flushing what is left at exit cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
