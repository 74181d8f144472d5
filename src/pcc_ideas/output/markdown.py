"""Markdown: the shared escaper for text from data, and the briefing pack's writer.

Text from data is made inert with `md` (no HTML, no emphasis, no links); only http(s) URLs
that `pack.safe_url` accepts become links, written whole (`link`), so a `%20` stays one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..pack import Brief, Item, Reference


def md(text: str) -> str:
    """Text from data made inert in Markdown: no HTML, no emphasis, no links."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def inline(text: str) -> str:
    """Text from data as one line of inert Markdown."""
    return md(" ".join(text.split()))


def brief_to_markdown(brief: Brief) -> str:
    out = [f"# {inline(brief.title)}", ""]
    out += [f"- {inline(line)}" for line in brief.scope] + [""]
    for section in brief.sections:
        out += [f"## {inline(section.heading)}", ""]
        if section.note:
            out += [f"*{inline(section.note)}*", ""]
        if section.compact:
            out += [brief_line(item, refs_text(item.refs)) for item in section.items] + [""]
        else:
            for item in section.items:
                out += brief_entry(item, refs_text(item.refs))
    out += ["## References", ""]
    out += [brief_reference(r) for r in brief.references] + [""]
    out += ["---", "", inline(brief.footer), ""]
    return "\n".join(out)


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
    return f"{ref.number}. {title}{year}{place}{ref.stop}{url}"
