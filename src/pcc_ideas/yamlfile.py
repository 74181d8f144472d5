"""Reading one YAML file, bounded and typed: the document's node tree, or one clear error.

Only regular files are read, and at most MAX_FILE_BYTES of each: a FIFO, a device or a link to
one is refused before it is opened (and opened without blocking), so nothing can hang or fill
memory. YAML aliases are refused, and the tree is built by the safe loader without building
Python objects, so `schema` can check every value and name its line.
"""

from __future__ import annotations

import os
import re
import stat
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, os_problem
from .schema import MAP, SEQ, STR, line_of

if TYPE_CHECKING:
    from .schema import Node

MAX_FILE_BYTES = 5_000_000
# Line breaks YAML 1.1 reads as new lines where an editor, grep and this program's messages
# see none: every line number after one would be off by one.
ODD_BREAKS = ("\x85", "\u2028", "\u2029")


class Unread(Exception):
    """A file that cannot be read or parsed; `error` says why."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(message)
        self.error = DataError(str(path), line, message)


def file_bytes(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_FILE_BYTES of them, or Unread. What the path names
    is checked before it is opened, and again once open (O_NONBLOCK: a FIFO put in its place
    meanwhile opens at once instead of waiting for a writer)."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise Unread(path, 0, f"not a regular file ({file_kind(mode)})")
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise Unread(path, 0, f"not a regular file ({file_kind(st.st_mode)})")
            if st.st_size > MAX_FILE_BYTES:
                raise Unread(path, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes")
            raw = _read_at_most(fd, MAX_FILE_BYTES + 1, st.st_size)
        finally:
            os.close(fd)
    except OSError as e:
        raise Unread(path, 0, f"cannot read: {os_problem(e)}") from None
    if len(raw) > MAX_FILE_BYTES:  # grew after it was measured
        raise Unread(path, 1, f"file is larger than {MAX_FILE_BYTES:,} bytes")
    return raw


def _read_at_most(fd: int, limit: int, expected: int) -> bytes:
    chunks = []
    while limit > 0:
        chunk = os.read(fd, min(limit, max(expected + 1, 1 << 16)))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def file_kind(mode: int) -> str:
    return FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")


FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


def document(path: Path) -> Node | None:
    """A file's YAML document as a node tree (None when empty), or Unread."""
    import yaml

    raw = file_bytes(path)
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise Unread(path, line, f"not UTF-8 (byte 0x{raw[e.start]:02x})") from None
    for odd in ODD_BREAKS:  # YAML counts them as new lines; nothing else does
        if (at := source.find(odd)) >= 0:  # a search for each is 10 times quicker than a regex
            line = source[:at].count("\n") + 1
            message = f"line break U+{ord(odd):04X} is not allowed: use a plain new line"
            raise Unread(path, line, message)
    loader = _loader()(source)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        raise Unread(path, *_syntax_error(e, len(source.rstrip()))) from None
    except yaml.reader.ReaderError as e:  # a character YAML does not allow, e.g. ESC
        # Where the character is: libyaml gives its place in bytes, PyYAML in characters.
        at = source.find(chr(e.character))
        line = source[: at if at >= 0 else e.position].count("\n") + 1
        message = f"control character 0x{e.character:02x} is not allowed in YAML"
        raise Unread(path, line, message) from None
    except yaml.YAMLError as e:
        raise Unread(path, 1, "YAML error: " + " ".join(str(e).split())) from None
    except RecursionError:
        raise Unread(path, 1, "YAML is nested too deeply") from None
    finally:
        loader.dispose()
    # An alias (*name) makes the composer share a node; it needs a `*` in the text.
    if node is not None and "*" in source and _shares_nodes(node):
        raise Unread(path, _first_alias_line(source), "YAML aliases (*name) are not allowed")
    return node


def _syntax_error(e: Any, end: int) -> tuple[int, str]:
    """The line and message of a YAML syntax error: where it was found, but, for something
    left open to the end of the file (`end`: a quote, a bracket), where that thing starts."""
    started = e.context_mark and (e.problem_mark is None or e.problem_mark.index >= end)
    mark = e.context_mark if started else e.problem_mark or e.context_mark
    line = mark.line + 1 if mark else 1
    if started:
        what = re.sub(r"^while (scanning|parsing) ", "", str(e.context))
        return (
            line,
            f"YAML syntax error: {what} that starts here is not closed by the end of the file",
        )
    return line, f"YAML syntax error: {e.problem or e.context}"


@cache
def _loader() -> type:
    """PyYAML's fastest safe loader, resolving plain scalars' tags as it does (by their look)
    but without its path machinery, which nothing here uses: a tenth of the parsing time."""
    import yaml

    implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        def resolve(self, kind: type, value: str, implicit_flags: tuple[bool, bool]) -> str:
            if kind is scalar:
                if implicit_flags[0]:
                    for tag, pattern in implicit.get(value[:1], ()):
                        if pattern.match(value):
                            return tag
                return STR
            return SEQ if kind is sequence else MAP

        def descend_resolver(self, *args: Any) -> None:
            pass

        def ascend_resolver(self, *args: Any) -> None:
            pass

    return Loader


def _shares_nodes(root: Node) -> bool:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if node.id == "mapping":
            stack += [n for pair in node.value for n in pair]
        elif node.id == "sequence":
            stack += node.value
    return False


def _first_alias_line(source: str) -> int:
    import yaml

    for event in yaml.parse(source, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            return line_of(event)
    return 1
