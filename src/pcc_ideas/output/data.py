"""The one writer of data formats: JSON, JSON lines and CSV.

CSV flattens lists: items are joined with " | " (a "|" inside an item is written "\\|", so a
cell splits back into its items), citations and endnotes are written as `source · ref · url`
(or `number · url · title`), and counts as `case-study: 3 · example: 2`, so every row is one
record. A cell a spreadsheet would run as a
formula (one starting with = + - @, a tab or a carriage return) is written with a single
quote in front, as OWASP advises. Files begin with a byte order mark so Excel reads UTF-8.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from ..models import RECORD_TYPES, TYPE_ORDER

LIST_SEPARATOR = " | "
JOIN = " · "
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# A figures CSV: the columns a spreadsheet user asks for, and where each comes from; `origin`
# says "user" for a figure from a folder of the user's own, so it is not taken for a published one.
FIGURE_COLUMNS = (
    "value",
    "measure",
    "year",
    "place",
    "areas",
    "scope",
    "document",
    "ref",
    "url",
    "id",
    "origin",
)


def joined(parts: Iterable[object]) -> str:
    """Parts of one thing on one line: "briefing-2021 · Case study 9 · https://…"."""
    return JOIN.join(str(p) for p in parts if p not in (None, ""))


def write_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")


def flat(value: Any) -> str:
    if isinstance(value, list):
        return LIST_SEPARATOR.join(flat(v).replace("|", "\\|") for v in value)
    if isinstance(value, dict) and value and all(type(v) is int for v in value.values()):
        return joined(f"{k}: {v}" for k, v in value.items())  # counts say of what
    if isinstance(value, dict):
        return joined(value.values())
    return "" if value is None else str(value)


def cell(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs."""
    text = flat(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(rows: Sequence[dict[str, Any]], out: TextIO) -> None:
    import csv  # only here: most runs write no CSV

    if rows and all(r.get("type") == "figure" for r in rows):
        fields = set(record_columns())  # what a command adds to its records stays (`score`)
        rows = [figure_row(r) | {k: v for k, v in r.items() if k not in fields} for r in rows]
    columns: list[str] = []
    if rows and all(r.get("type") in RECORD_TYPES for r in rows):
        columns = record_columns()  # the same for every search and export, whatever it holds
    for r in rows:
        columns += [k for k in r if k not in columns]
    out.write(BOM)
    writer = csv.DictWriter(out, columns, lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: cell(v) for k, v in r.items()})


def record_columns() -> list[str]:
    """Every field of every record type, in the schema's order of types and fields."""
    names = (f.name for t in TYPE_ORDER for f in dataclasses.fields(RECORD_TYPES[t].cls))
    return list(dict.fromkeys(names))


def figure_row(record: dict[str, Any]) -> dict[str, Any]:
    """A figure as a spreadsheet row: what it is, where, and where it was published."""
    first = (record.get("sources") or [{}])[0]
    row = {
        "value": record.get("value"),
        "measure": record.get("measure"),
        "year": record.get("year"),
        "place": record.get("place"),
        "areas": record.get("areas"),
        "scope": record.get("scope"),
        "document": first.get("source"),
        "ref": first.get("ref"),
        "url": first.get("url"),
        "id": record["id"],
        "origin": record.get("origin"),
    }
    return {k: row[k] for k in FIGURE_COLUMNS}
