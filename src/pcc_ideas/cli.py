"""The `pcc-ideas` command: parses arguments, asks the library, hands the answer to `render`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from . import __version__
from .corpus import Corpus
from .formats import FORMATS
from .loading import InvalidData
from .lookup import NotResolved
from .models import EVIDENCE_KINDS

if TYPE_CHECKING:
    from .search import Hit

app = typer.Typer(
    help="Find what works in local policing and justice, and where it has been done.\n\n"
    "Example: pcc-ideas search naloxone",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Jsonl = Annotated[bool, typer.Option("--jsonl", help="Print one JSON object per line.")]


def evidence_option(what: str) -> Any:
    """`--evidence KIND`, worded for what it keeps."""
    return typer.Option("--evidence", metavar="KIND", help=f"{what}: {', '.join(EVIDENCE_KINDS)}.")


Evidence = Annotated[
    str | None,  # noqa: UP007
    evidence_option(
        "Only records whose outcomes rest on this kind of evidence (so only case "
        "studies and examples, the records that give one)"
    ),
]
BriefEvidence = Annotated[
    str | None,  # noqa: UP007
    evidence_option(
        "Only case studies and examples whose outcomes rest on this kind of "
        "evidence; figures and recommendations are kept"
    ),
]


class State:
    data_dirs: list[Path] = []
    use_cache: bool = True
    _corpus: Corpus | None = None

    @classmethod
    def corpus(cls) -> Corpus:
        if cls._corpus is None:
            from .cache import load_cached

            try:
                cls._corpus = load_cached(cls.data_dirs, cls.use_cache)
            except InvalidData as e:
                fail_data(e)
        return cls._corpus


def fail_data(e: InvalidData) -> NoReturn:
    for err in e.errors:
        print(f"{err.path}: {err.message}" if err.line == 0 else str(err), file=sys.stderr)
    print(f"pcc-ideas: {len(e.errors)} problem(s) in the data files", file=sys.stderr)
    raise typer.Exit(2)


def not_found(message: str, suggestions: Iterable[str] = ()) -> NoReturn:
    hints = list(suggestions)
    print(
        f"pcc-ideas: {message}" + (f"; did you mean: {', '.join(hints)}?" if hints else ""),
        file=sys.stderr,
    )
    raise typer.Exit(1)


def usage(message: str) -> NoReturn:
    print(f"pcc-ideas: {message}", file=sys.stderr)
    raise typer.Exit(2)


def emit(view: Any, json: bool = False, jsonl: bool = False) -> None:
    """Show a view: JSON, JSON lines, Rich on a terminal, or plain lines in a pipe."""
    out = sys.stdout
    if json:
        _dump(view.as_json(), out)
    elif jsonl:
        FORMATS["jsonl"](view.rows(), out)
    elif out.isatty():
        from rich.console import Console

        from .render import print_rich

        print_rich(view, Console(highlight=False, emoji=False, markup=False))
    else:
        from .render import plain

        for line in plain(view):
            out.write(line + "\n")


def _dump(obj: Any, out: Any) -> None:
    import json as json_module

    out.write(json_module.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def evidence_kind(value: str | None) -> str | None:
    """The evidence kind a user asked for, checked against the corpus's kinds."""
    if value is None:
        return None
    kind = value.strip().casefold()
    if kind not in EVIDENCE_KINDS:
        usage(f"unknown evidence kind {value!r}; choose from {', '.join(EVIDENCE_KINDS)}")
    return kind


def resolve(what: str, fn: Callable[[str], Any], name: str) -> Any:
    try:
        return fn(name)
    except NotResolved as e:
        kind = "is in more than one " + what if e.ambiguous else "is not a known " + what
        not_found(f"{name!r} {kind}", e.suggestions)


def version_callback(value: bool) -> None:
    if value:
        print(f"pcc-ideas {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    data_dir: Annotated[
        list[Path] | None,
        typer.Option(  # noqa: UP007
            "--data-dir",
            metavar="DIR",
            help="Add your own YAML records from DIR on top of the bundled corpus (repeatable).",
        ),
    ] = None,
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
    State.data_dirs = list(data_dir or [])
    State._corpus = None
    State.use_cache = not no_cache and not os.environ.get("PCC_IDEAS_NO_CACHE")


@app.command()
def search(
    query: Annotated[list[str], typer.Argument(help="Words to look for.")],
    type: Annotated[
        list[str] | None,
        typer.Option(  # noqa: UP007
            "--type", "-t", help="Only records of this type (repeatable)."
        ),
    ] = None,
    theme: Annotated[str | None, typer.Option(help="Only records on this theme.")] = None,  # noqa: UP007
    area: Annotated[str | None, typer.Option(help="Only records tagged with this area.")] = None,  # noqa: UP007
    source: Annotated[str | None, typer.Option(help="Only records citing this source.")] = None,  # noqa: UP007
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=0, help="How many results (0 for all).")
    ] = 10,
    evidence: Evidence = None,
    json: Json = False,
    jsonl: Jsonl = False,
) -> None:
    """Ranked search over every record.

    Example: pcc-ideas search heroin assisted treatment --area Cleveland
    """
    from .models import RECORD_TYPES
    from .views import SearchView

    for t in type or []:
        if t not in RECORD_TYPES:
            usage(f"unknown type {t!r}; choose from {', '.join(RECORD_TYPES)}")
    kind = evidence_kind(evidence)
    corpus = State.corpus()
    theme_id = resolve("theme", corpus.theme, theme).item.id if theme else None
    area_name = resolve("area", corpus.gazetteer.resolve, area).item.name if area else None
    source_id = resolve("source", corpus.source, source).item.id if source else None
    text = " ".join(query)

    def hits_with(evidence: str | None, most: int | None = None) -> list[Hit]:
        return corpus.search(
            text, type or (), theme_id, area_name, source_id, limit=most, evidence=evidence
        )

    hits = hits_with(kind)
    view = SearchView(text, hits[:limit] if limit else hits)
    if not hits:
        if json:
            print("[]")
        if kind and hits_with(None, 1):
            not_found(f"no records matching {text!r} rest on {kind} evidence")
        near = corpus.index.suggestions(text)
        not_found(f"no records match {text!r}", near)
    emit(view, json, jsonl)


@app.command()
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="The record's id.")],
    json: Json = False,
) -> None:
    """One record in full, with its citation.

    Example: pcc-ideas show cs-11-middlesbrough-heroin-assisted-treatment
    """
    from .lookup import NameIndex
    from .views import record_view

    corpus = State.corpus()
    record = corpus.get(record_id)
    if record is None:
        near = NameIndex((r.id, [r.id], ()) for r in corpus.records).suggest(record_id)
        not_found(f"no record has the id {record_id!r}", near)
    emit(record_view(corpus, record), json)


@app.command()
def theme(
    name: Annotated[str, typer.Argument(help="A theme's id, title or alias.")],
    evidence: Evidence = None,
    json: Json = False,
) -> None:
    """One theme with everything linked to it.

    Example: pcc-ideas theme drugs
    """
    from .views import theme_view

    kind = evidence_kind(evidence)
    corpus = State.corpus()
    view = resolve("theme", lambda n: theme_view(corpus, n, kind), name)
    if kind and not view.records:
        if json:
            emit(view, json)
        not_found(f"no records on the theme {view.theme.id!r} rest on {kind} evidence")
    emit(view, json)


@app.command()
def themes(json: Json = False, jsonl: Jsonl = False) -> None:
    """Every theme, with counts of what it holds.

    Example: pcc-ideas themes
    """
    from .views import themes_view

    emit(themes_view(State.corpus()), json, jsonl)


@app.command()
def area(
    name: Annotated[str, typer.Argument(help="A force area, county, city, town or short form.")],
    evidence: Evidence = None,
    json: Json = False,
) -> None:
    """One police force area and every record tagged with it.

    Example: pcc-ideas area Middlesbrough
    """
    from .views import area_view

    kind = evidence_kind(evidence)
    corpus = State.corpus()
    view = resolve("police force area", lambda n: area_view(corpus, n, kind), name)
    if kind and not (view.local or view.shared or view.nearby):
        if json:
            emit(view, json)
        not_found(f"no records for {view.area.name} rest on {kind} evidence")
    emit(view, json)


@app.command()
def areas(json: Json = False, jsonl: Jsonl = False) -> None:
    """Every police force area with its region and count of records.

    Example: pcc-ideas areas
    """
    from .views import areas_view

    emit(areas_view(State.corpus()), json, jsonl)


@app.command()
def brief(
    theme: Annotated[
        list[str] | None,
        typer.Option(  # noqa: UP007
            "--theme", metavar="NAME", help="A theme the pack is about (repeatable)."
        ),
    ] = None,
    area: Annotated[
        list[str] | None,  # noqa: UP007
        typer.Option(
            metavar="NAME", help="A police force area, county, city, town (repeatable: joint pack)."
        ),
    ] = None,
    evidence: BriefEvidence = None,
    short: Annotated[bool, typer.Option("--short", help="A one-to-two-page summary.")] = False,
    format: Annotated[
        str | None,  # noqa: UP007
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="One of: markdown, html, json, docx."
        ),
    ] = None,
    output: Annotated[
        Path | None,  # noqa: UP007
        typer.Option(
            "--output", "-o", metavar="FILE", help="Write the pack to FILE (- for stdout)."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """A briefing pack with a numbered reference list, for themes, areas or both.

    Example: pcc-ideas brief --area Cleveland -o cleveland.docx
    """
    from .brief import BRIEF_FORMATS, build_brief, build_date, format_for_path

    from_path = format_for_path(output) if output and str(output) != "-" else None
    fmt = "json" if json else format or from_path or "markdown"
    if fmt not in BRIEF_FORMATS:
        usage(f"unknown format {fmt!r}; choose from {', '.join(BRIEF_FORMATS)}")
    if from_path and fmt != from_path:
        usage(f"--format {fmt} does not match the extension of {output}")
    if not theme and not area:
        usage("brief needs --theme NAME or --area NAME (or both)")
    kind = evidence_kind(evidence)
    corpus = State.corpus()
    themes = [resolve("theme", corpus.theme, name).item for name in theme or []]
    found = [resolve("police force area", corpus.gazetteer.resolve, a) for a in area or []]
    pack = build_brief(corpus, themes, found, kind, build_date(), short)
    for hint in pack.hints:
        print(f"pcc-ideas: {hint}", file=sys.stderr)
    if pack.is_empty:
        not_found(f"there is nothing to brief on for {pack.subject}")
    text = BRIEF_FORMATS[fmt](pack)
    if isinstance(text, bytes):
        if output is None or str(output) == "-":
            sys.stdout.buffer.write(text)
            return
        try:
            output.write_bytes(text)
        except OSError as e:
            usage(f"cannot write {output}: {e.strerror or e}")
        print(f"pcc-ideas: wrote {output}", file=sys.stderr)
        return
    if fmt == "markdown" and output is None and sys.stdout.isatty():
        from rich.console import Console
        from rich.markdown import Markdown

        # Text from data was escaped when the Markdown was written, so it stays inert here.
        Console(highlight=False, emoji=False).print(Markdown(text, hyperlinks=True))
        return
    write_out(text, output)


def write_out(text: str, output: Path | None) -> None:
    """Print text, or write it to a file (`-` is stdout) and say so on stderr."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        usage(f"cannot write {output}: {e.strerror or e}")
    print(f"pcc-ideas: wrote {output}", file=sys.stderr)


@app.command()
def sources(json: Json = False, jsonl: Jsonl = False) -> None:
    """The source documents and their endnotes.

    Example: pcc-ideas sources
    """
    from .views import sources_view

    emit(sources_view(State.corpus()), json, jsonl)


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "json",
    json: Json = False,
) -> None:
    """The whole corpus in one format.

    Example: pcc-ideas export --format csv > corpus.csv
    """
    from .formats import export as write

    fmt = "json" if json else format
    if fmt not in FORMATS:
        usage(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    write(State.corpus().records, fmt, sys.stdout)


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(  # noqa: UP007
            metavar="[PATH]...", help="Files or folders of records to check on top of the corpus."
        ),
    ] = None,
    json: Json = False,
) -> None:
    """Check data files and report every problem.

    Example: pcc-ideas validate my-records/
    """
    from .corpus import build_corpus, data_dirs

    try:
        corpus = build_corpus(data_dirs([*State.data_dirs, *(paths or [])]))
    except InvalidData as e:
        if json:
            _dump(
                [{"path": x.path, "line": x.line, "message": x.message} for x in e.errors],
                sys.stdout,
            )
        fail_data(e)
    counts = {t: len(corpus.of_type(t)) for t in dict.fromkeys(r.type for r in corpus.records)}
    if json:
        _dump({"records": len(corpus.records), "by_type": counts, "problems": []}, sys.stdout)
    else:
        print(
            f"ok: {len(corpus.records)} records, {len(corpus.gazetteer.areas)} areas, no problems"
        )


def run() -> None:
    """The console script: no traceback and no noise when a pipe closes early.

    The cyclic garbage collector is off for the life of this short process: the corpus holds
    no reference cycles, and collections that walk a large corpus would only add time.
    """
    import gc

    gc.disable()
    try:
        app()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()


def _quiet_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
