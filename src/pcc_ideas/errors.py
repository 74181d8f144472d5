"""What is wrong with the data files, as every part of the package reports it: one problem at
a line (`DataError`), all of them at once (`InvalidData`), their text made safe to print.

Kept apart from the reading and checking of files (`loading`, `schema`), so that a run that
only reads the cache imports none of them, and can still say what a data file got wrong.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable

NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def inert(text: str) -> str:
    """Text shown as one inert line: every character that is not printable (escape codes,
    newlines, bidi controls...) is written as its escape, `\\x1b`, `\\n`, `\\u202e`."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(c: str) -> str:
    code = ord(c)
    if c in NAMED_ESCAPES:
        return NAMED_ESCAPES[c]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def os_problem(e: OSError) -> str:
    """Why a file or folder could not be used, as a message: "no such file or directory"."""
    reason = e.strerror or type(e).__name__
    return reason[:1].lower() + reason[1:]


class DataError(typing.NamedTuple):
    """One problem in a data file; sorts by file, then line. Line 0: the file as a whole."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = inert(self.path) + (f":{self.line}" if self.line else "")
        return f"{where}: {inert(self.message)}"

    def made_inert(self) -> DataError:
        return DataError(inert(self.path), self.line, inert(self.message))


class InvalidData(Exception):
    """The data files have problems; `errors` lists every one, each safe to print as it is."""

    def __init__(self, errors: Iterable[DataError]):
        self.errors = sorted({e.made_inert() for e in errors})
        super().__init__(f"{len(self.errors)} problem(s) in the data files")


class HelperStopped(RuntimeError):
    """The process that read part of the data files on a second core stopped before it had
    done its part (killed, out of memory): the build failed, and nothing is written."""
