"""Markdown: the corpus (or part of it) as one document, and the briefing pack's writer.

Text from data is made inert with `md` (no HTML, no emphasis, no links, no fences); only
http(s) URLs that `pack.safe_url` accepts become links, written whole (`link`), so a `%20`
stays one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from ..models import RECORD_TYPES, choice_label
from .data import flat, joined
from .plain import SKIP_FIELDS

if TYPE_CHECKING:
    from ..pack import Brief, Item, Reference

# Shown in a record's heading lines rather than as a field.
HEADED = SKIP_FIELDS | {"themes", "areas", "scope", "origin"}
SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!]|&(?=#?\w+;))")  # & where it would start an entity
LEADING_SPACE = re.compile(r"(?m)^[ \t]+")  # four spaces would start a code block
# What makes a line a list item ("- ", "+ ", "3. ", "3) ") or the underline of a heading or
# a rule ("===", "---"): its punctuation is escaped, and only there ("4-month" stays as it is).
LIST_ITEM = re.compile(r"(?m)^(\d*)([-+.)])(?=[ \t]|$)")
UNDERLINE = re.compile(r"(?m)^([=-])(?=[=-]*[ \t]*$)")
SAFE_URL = re.compile(r"https?://[^\s<>`\\]+\Z", re.IGNORECASE)


def md(text: str) -> str:
    """Text from data made inert in Markdown: no HTML, entities, emphasis, links, code or
    fences, and no line that starts a heading, list, quote, numbered item or code block.
    Only punctuation is escaped (`\\.` is a full stop; `\\4` would show its backslash)."""
    escaped = SPECIAL.sub(r"\\\1", LEADING_SPACE.sub("", text))
    return UNDERLINE.sub(r"\\\1", LIST_ITEM.sub(r"\1\\\2", escaped))


def write_markdown(rows: Sequence[dict[str, Any]], out: TextIO) -> None:
    """Records grouped by type under headings; rows that are not records (areas) as a
    list."""
    out.write("# pcc-ideas corpus\n\n")
    records = [r for r in rows if r.get("type") in RECORD_TYPES and "id" in r]
    others = [r for r in rows if r not in records]
    out.writelines(f"- {md(joined(flat(v) for v in r.values()))}\n" for r in others)
    for kind, spec in RECORD_TYPES.items():
        group = [r for r in records if r["type"] == kind]
        if group:
            out.write(f"## {spec.plural}\n\n")
            for r in group:
                out.write(record_markdown(r, spec.label))


def record_markdown(r: dict[str, Any], label: str) -> str:
    mine = " (your record)" if r.get("origin") == "user" else ""
    out = [f"### {md(r['title'])}\n\n*{label}{mine}* · `{r['id']}`"]
    if r["areas"]:
        out.append(f" · {md(', '.join(r['areas']))}")
    out.append(f"\n\n{md(r['summary'])}\n\n")
    for name, value in r.items():
        if name in HEADED:
            continue
        shown = name.replace("_", " ").capitalize()
        if isinstance(value, list):
            out.append(f"**{shown}:**\n\n" + "".join(f"- {md(flat(v))}\n" for v in value) + "\n")
        else:
            out.append(f"**{shown}:** {md(choice_label(name, str(value)))}\n\n")
    if r["themes"]:
        out.append(f"**Themes:** {', '.join(r['themes'])}\n\n")
    if r["sources"]:
        out.append("**Sources:**\n\n")  # a list: each citation a line of its own when rendered
    for c in r["sources"]:
        ref = f", {md(c['ref'])}" if c.get("ref") else ""
        url = f" <{c['url']}>" if SAFE_URL.match(c.get("url") or "") else ""
        out.append(f"- {md(c['source'])}{ref}{url}\n")
    return "".join(out) + "\n"


# ---------------------------------------------------------------- the briefing pack


def inline(text: str) -> str:
    """Text from data as one line of inert Markdown."""
    return md(" ".join(text.split()))


def brief_to_markdown(brief: Brief) -> str:
    references = [brief_reference(r) for r in brief.references] + [""]
    return "\n".join(brief_body(brief) + references + brief_footer(brief))


def brief_body(brief: Brief) -> list[str]:
    """A brief's lines of Markdown up to its reference list's heading."""
    out = [f"# {inline(brief.title)}", ""]
    out += [f"- {inline(line)}" for line in brief.scope] + [""]
    for section in brief.sections:
        out += [f"## {inline(section.heading)}", ""]
        if section.note:
            out += [f"*{inline(section.note)}*", ""]
        if section.compact and section.items:
            out += [brief_line(item, refs_text(item.refs)) for item in section.items] + [""]
        else:
            for item in section.items:
                out += brief_entry(item, refs_text(item.refs))
    return out + ["## References", ""]


def brief_footer(brief: Brief) -> list[str]:
    return ["---", "", inline(brief.footer), ""]


def refs_text(numbers: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, numbers)) + "]"


def brief_line(item: Item, refs: str) -> str:
    text = f": {inline(item.text)}" if item.text else ""
    return f"- **{inline(item.title)}**{text} {refs}"


def brief_entry(item: Item, refs: str) -> list[str]:
    out = [f"### {inline(item.title)}", ""]
    if item.kind:
        out += [f"*{inline(item.kind)}*", ""]
    if item.text:
        out += [inline(item.text), ""]
    for d in item.details:
        if len(d.values) == 1:
            out.append(f"- **{inline(d.label)}:** {inline(d.values[0])}")
        else:
            out.append(f"- **{inline(d.label)}:**")
            out += [f"  - {inline(v)}" for v in d.values]
    if item.details:
        out.append("")
    return [*out, f"{item.sources_label}: {refs}", ""]


def link(url: str) -> str:
    """A URL as a link whose text is the URL as written, in a code span so that nothing in it
    needs escaping: an autolink (<url>) would show its text decoded by many renderers, a
    `%20` as a space, so a copied link would break. A safe URL has no backtick or space."""
    return f"[`{url}`](<{url}>)"


def brief_reference(ref: Reference) -> str:
    title = f"*{inline(ref.title)}*"
    if ref.document_link:
        title = f"[{title}](<{ref.document_link}>)"
    year = f" ({ref.year})" if ref.year else ""
    place = f", {inline(ref.place)}" if ref.place else ""
    url = f" {link(ref.link)}" if ref.link else (f" {inline(ref.url)}" if ref.url else "")
    by = f"{inline(ref.authors)}, " if ref.by else ""
    return f"{ref.number}. {by}{title}{year}{place}{ref.stop}{url}"
