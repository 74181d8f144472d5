"""The one way a page reaches the user: `emit(page, mode)`.

Modes: `json`, `jsonl`, `csv` and `markdown` (data, see `data` and `markdown`), `plain`
(pipes and dumb terminals, see `plain`) and `rich` (terminals, see `rich`). On a terminal,
output longer than the window goes through the user's pager (`$PAGER`, else `less -FRX`).
Each mode's writer is imported only when the mode is used: a run shows one page in one mode,
and importing the others (Rich above all) would only add to its start-up time.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import data

if TYPE_CHECKING:
    from ..pack import Brief

DATA_MODES: dict[str, Callable[[Any, TextIO], None]] = {
    "json": lambda page, out: data.write_json(page.as_json(), out),
    "jsonl": lambda page, out: data.write_jsonl(page.rows(), out),
    "csv": lambda page, out: data.write_csv(page.rows(), out),
    "markdown": lambda page, out: _markdown(page.rows(), out),
}
MODES = (*DATA_MODES, "plain", "rich")
DEFAULT_PAGER = "less -FRX"


def _markdown(rows: Any, out: TextIO) -> None:
    from .markdown import write_markdown

    write_markdown(rows, out)


def human_mode(stream: TextIO) -> str:
    """`rich` on a terminal that can show it, else `plain` (a pipe, TERM=dumb, NO_COLOR)."""
    if not stream.isatty() or os.environ.get("TERM") == "dumb" or "NO_COLOR" in os.environ:
        return "plain"
    return "rich"


def emit(page: Any, mode: str, out: TextIO | None = None, pager: bool = True) -> None:
    """Write a page in a mode. Notes about the page (how a name was read) go to stderr in
    plain mode, where they would break one record per line."""
    out = out or sys.stdout
    if mode in DATA_MODES:
        DATA_MODES[mode](page, out)
    elif mode == "plain":
        _plain(page, out)
    elif mode == "rich":
        _rich(page, out, pager)
    else:
        raise ValueError(f"unknown output mode {mode!r}; choose from {', '.join(MODES)}")


def _plain(page: Any, out: TextIO) -> None:
    from .plain import lines

    for note in getattr(page, "notes", ()):
        print(f"pcc-ideas: {note}", file=sys.stderr)
    for line in lines(page):
        out.write(line + "\n")


def console(file: TextIO, width: int | None = None, color: bool = True) -> Any:
    """A Console that never reads data as markup or emoji."""
    from rich.console import Console

    return Console(
        file=file,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=color or None,
        no_color=not color,
        color_system="auto" if color else None,
    )


def _rich(page: Any, out: TextIO, pager: bool) -> None:
    from .rich import print_page

    paged(lambda c: print_page(page, c), out, pager)


def emit_markdown(text: str, out: TextIO | None = None, pager: bool = True) -> None:
    """Markdown drawn for a terminal, links kept. Text from data was escaped when the
    Markdown was written, so it stays inert here."""
    paged(lambda c: c.print(_drawn(text)), out or sys.stdout, pager)


def emit_brief(brief: Brief, out: TextIO | None = None, pager: bool = True) -> None:
    """A brief drawn for a terminal from its Markdown, but for the reference list: each URL
    there is drawn whole on a line of its own (Rich would fold one wider than the window
    into pieces, and a URL copied in pieces is broken)."""
    from .markdown import brief_body, brief_footer
    from .rich import print_parts, reference_parts

    def draw(console: Any) -> None:
        console.print(_drawn("\n".join(brief_body(brief))))
        print_parts(reference_parts(brief.references), console)
        console.print()
        console.print(_drawn("\n".join(brief_footer(brief))))

    paged(draw, out or sys.stdout, pager)


def _drawn(text: str) -> Any:
    from rich.markdown import Markdown

    document = Markdown(text, hyperlinks=True)
    literal_autolinks(document.parsed)
    return document


def literal_autolinks(tokens: Any) -> None:
    """Show each autolink's URL as written (`%20` stays `%20`), not decoded for reading, so
    that a URL copied from the terminal works."""
    for token in tokens:
        children = token.children or []
        for opening, text in zip(children, children[1:], strict=False):
            if opening.type == "link_open" and opening.markup == "autolink":
                text.content = str(opening.attrGet("href"))


def paged(draw: Callable[[Any], None], out: TextIO, pager: bool) -> None:
    """Draw on a terminal, through the pager when it is longer than the window."""
    if not pager:
        draw(console(out, color=out.isatty()))
        return
    size = shutil.get_terminal_size()
    buffer = io.StringIO()
    draw(console(buffer, width=size.columns))
    text = buffer.getvalue()
    if text.count("\n") < size.lines or not page_through(text):
        out.write(text)


def page_through(text: str) -> bool:
    """Show text in the user's pager; False if it could not be started (a command not
    found, or a $PAGER that cannot be read as one: `less "`), and the text is printed."""
    import shlex  # only a run that pages needs it

    try:
        command = shlex.split(os.environ.get("PAGER") or DEFAULT_PAGER)
        subprocess.run(command, input=text, text=True, check=False)
    except (OSError, ValueError, IndexError):  # IndexError: an empty command ("''")
        return False
    return True


def write_stdout(content: str | bytes) -> None:
    if isinstance(content, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(content)


def write_file(content: str | bytes, path: Path) -> None:
    """Write a file whole or not at all: through a temporary file in the same folder,
    renamed into place, so a failure leaves an old file as it was. The file gets the
    permissions of the file it replaces, or those any new file of the user's gets (the
    temporary file alone would be private to the user). A link is written through (the file
    it points to is replaced, the link kept), and what is not a file (`/dev/stdout`, a pipe,
    a device) is written to as it is. Raises OSError."""
    import tempfile

    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        found = os.stat(path)
    except OSError:  # nothing there yet, or a link to nothing: a new file
        found = None
    if found and (stream := _standard_stream(found)):  # /dev/stdout, where stdout goes
        stream.flush()
        stream.buffer.write(data)
        stream.flush()
        return
    if found and (fd := _descriptor(path)) is not None:  # /dev/fd/3, opened by the shell
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return
    if found and not stat.S_ISREG(found.st_mode):
        with open(path, "wb") as out:
            out.write(data)
        return
    path = Path(os.path.realpath(path))
    f = tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False)
    temp = Path(f.name)
    try:
        with f:  # closing writes what is left: it may fail too (a full disk, a size limit)
            f.write(data)
        os.chmod(temp, _mode_for(path))
        os.replace(temp, path)
    except BaseException:  # a full disk, or the run stopped
        temp.unlink(missing_ok=True)
        raise


def _standard_stream(found: os.stat_result) -> TextIO | None:
    """stdout or stderr, if it is the file found (`-o /dev/stdout`, or the file stdout is
    redirected to): written into as a stream, never replaced, or what was written to it
    before, and after, is lost."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            if os.path.samestat(found, os.fstat(stream.fileno())):
                return stream
    return None


def _descriptor(path: Path) -> int | None:
    """The open file descriptor of this process a path names (`/dev/fd/3`, `/proc/self/fd/3`),
    if it does: written into, like stdout, never replaced."""
    match = re.fullmatch(r"/(?:dev/fd|proc/self/fd)/(\d+)", os.path.normpath(path))
    if match is None:
        return None
    try:
        os.fstat(int(match[1]))
    except (OSError, ValueError, OverflowError):
        return None
    return int(match[1])


def _mode_for(path: Path) -> int:
    """The permissions a file written at `path` should have: the old file's, else what the
    user's umask gives a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
