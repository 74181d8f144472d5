"""Markdown: the corpus (or part of it) as one document. Text from data is made inert."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TextIO

from ..models import RECORD_TYPES
from .data import flat, joined
from .plain import SKIP_FIELDS

# Shown in a record's heading lines rather than as a field.
HEADED = SKIP_FIELDS | {"themes", "areas", "scope"}
SPECIAL = set("\\`*_[]<>#|~!")
SAFE_URL = re.compile(r"https?://[^\s<>`\\]+\Z", re.IGNORECASE)


def md(text: str) -> str:
    """Text from data made inert in Markdown: no HTML, emphasis, links, code or fences, and
    no line that starts a heading, list, quote or numbered item."""
    escaped = "".join("\\" + ch if ch in SPECIAL else ch for ch in text)
    return re.sub(r"(?m)^(\s*)([-+=]|\d+[.)])", r"\1\\\2", escaped)


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
    out = [f"### {md(r['title'])}\n\n*{label}* · `{r['id']}`"]
    if r["areas"]:
        out.append(f" · {md(', '.join(r['areas']))}")
    out.append(f"\n\n{md(r['summary'])}\n\n")
    for name, value in r.items():
        if name in HEADED:
            continue
        if isinstance(value, list):
            out.append(f"**{name}**:\n\n" + "".join(f"- {md(flat(v))}\n" for v in value) + "\n")
        else:
            out.append(f"**{name}**: {md(str(value))}\n\n")
    if r["themes"]:
        out.append(f"Themes: {', '.join(r['themes'])}\n\n")
    for c in r["sources"]:
        ref = f", {md(c['ref'])}" if c.get("ref") else ""
        url = f" <{c['url']}>" if SAFE_URL.match(c.get("url") or "") else ""
        out.append(f"> Source: {md(c['source'])}{ref}{url}\n")
    return "".join(out) + "\n"
