"""Export formats for the whole corpus: each is a function writing records to a stream.

CSV flattens lists: items are joined with " | " (a "|" inside an item is written "\\|", so a
cell splits back into its items), citations and endnotes are written as `source · ref · url`
(or `number · url · title`), so every row is one record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from .models import RECORD_TYPES, Record, to_dict

LIST_SEPARATOR = " | "


def write_json(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    json.dump(list(records), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> None:
    for r in records:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def flat(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(flat(v).replace("|", "\\|") for v in value)
    if isinstance(value, dict):
        return " · ".join(str(v) for v in value.values() if v not in (None, ""))
    return "" if value is None else str(value)


def write_csv(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    import csv

    columns: list[str] = []
    for r in records:
        columns += [k for k in r if k not in columns]
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for r in records:
        writer.writerow({k: flat(v) for k, v in r.items()})


def write_markdown(records: Sequence[dict[str, Any]], out: TextIO) -> None:
    out.write("# pcc-ideas corpus\n\n")
    for kind, spec in RECORD_TYPES.items():
        group = [r for r in records if r["type"] == kind]
        if not group:
            continue
        out.write(f"## {spec.plural}\n\n")
        for r in group:
            out.write(f"### {md(r['title'])}\n\n*{spec.label}* · `{r['id']}`")
            if r["areas"]:
                out.write(f" · {md(', '.join(r['areas']))}")
            out.write(f"\n\n{md(r['summary'])}\n\n")
            for name, value in r.items():
                if name in (
                    "id",
                    "type",
                    "title",
                    "summary",
                    "sources",
                    "themes",
                    "areas",
                    "scope",
                ):
                    continue
                if isinstance(value, list):
                    out.write(
                        f"**{name}**:\n\n" + "".join(f"- {md(flat(v))}\n" for v in value) + "\n"
                    )
                else:
                    out.write(f"**{name}**: {md(str(value))}\n\n")
            if r["themes"]:
                out.write(f"Themes: {', '.join(r['themes'])}\n\n")
            for c in r["sources"]:
                ref = f", {md(c['ref'])}" if c.get("ref") else ""
                url = f" {md(c['url'])}" if c.get("url") else ""
                out.write(f"> Source: {c['source']}{ref}{url}\n")
            out.write("\n")


def md(text: str) -> str:
    """Text from data made inert in Markdown: no HTML, no emphasis, no links."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


FORMATS: dict[str, Callable[[Sequence[dict[str, Any]], TextIO], None]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "markdown": write_markdown,
}


def export(records: Iterable[Record], fmt: str, out: TextIO) -> None:
    FORMATS[fmt]([to_dict(r) for r in records], out)
