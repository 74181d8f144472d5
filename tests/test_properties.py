"""One definition of valid: whatever `validate` accepts, every command and every output renders.

Hypothesis makes records from the schema itself (each type of `models.RECORD_TYPES` and the
fields of its dataclass, within the limits `schema` sets): text with markup characters, quotes,
`|`, formula and fence openers, letters of any script and long words; lists; numbers in range.
They are written as YAML into a data folder of their own and go through `validate` and then
every command and output format, which must exit 0 or 1 (never 2 for data `validate` passed)
without an exception.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pcc_ideas.datafiles import bundled_data_dir
from pcc_ideas.models import CHOICES, RECORD_TYPES, Citation, Endnote
from pcc_ideas.schema import MAX_NUMBER, MAX_TEXT, NUMBER_RANGES, TEXT_LIMITS, UNSAFE

BUNDLED_THEMES = sorted(p.stem for p in (bundled_data_dir() / "themes").glob("*.yaml"))
BUNDLED_SOURCES = ["apcc-guide", "blog-2016", "briefing-2021", "news-2021"]
SOURCES_WITHOUT_ENDNOTES = ["blog-2016", "news-2021"]
AREAS = ["Cleveland", "Middlesbrough", "Dyfed-Powys", "Metropolitan Police", "Police Scotland"]

# Strings that have broken an output somewhere: markup, formulas, fences, links, escapes.
AWKWARD = [
    "[bold]markup[/bold]",
    "[link=https://example.org]x[/link]",
    "=SUM(A1:A2)",
    "+44",
    "-1",
    "@cmd",
    "~~~",
    "```",
    "|",
    "a | b",
    "| --- |",
    '"quoted"',
    "'single'",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "**bold** _it_",
    "# heading",
    "\\",
    "Ysgol Gyfun Gŵyr",
    "中文",
    "🙂",
    "ﬁ",
    "x" * 150,
    "&amp;",
    "{0} %s",
    "$(true)",
    "4,393",
    "£2.50",
    "line\nbreak",
    "tab\there",
    "\u00a0",
    "- item",
    "1.",
    "null",
    "yes",
    "2020-02-30",
]
WORD = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(
        alphabet=st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=24
    ),
)


def text_for(name: str) -> st.SearchStrategy[str]:
    limit = TEXT_LIMITS.get(name, MAX_TEXT)
    return (
        st.lists(WORD, min_size=1, max_size=8)
        .map(lambda ws: " ".join(ws)[:limit])
        .filter(str.strip)
        .filter(lambda t: not UNSAFE.search(t))  # letters that pass for blanks are refused
    )


# A web address with any of the texts above in it (`web-addresses` refuses other schemes and
# spaces): the outputs must keep it inert all the same.
ADDRESS = text_for("url").map(lambda t: "https://example.org/" + "".join(t.split()))


def strategy_for(hint: Any, name: str) -> st.SearchStrategy[Any]:
    """Values for a field, from its type annotation, as `schema` reads them."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if name in CHOICES:
        return st.sampled_from(CHOICES[name])
    if args and type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return st.one_of(st.none(), strategy_for(inner, name))
    if origin is tuple:
        return st.lists(strategy_for(args[0], name), max_size=3)
    if hint is int:
        low, high = NUMBER_RANGES.get(name, (0, MAX_NUMBER))
        return st.integers(low, high)
    if hint is str:
        return ADDRESS if name == "url" else text_for(name)
    if hint is Citation:
        # Any address is valid only for a source that lists no endnotes (`citation-urls`).
        return st.one_of(
            st.fixed_dictionaries(
                {"source": st.sampled_from(SOURCES_WITHOUT_ENDNOTES)},
                optional={"ref": text_for("ref"), "url": ADDRESS},
            ),
            st.fixed_dictionaries(
                {"source": st.sampled_from(BUNDLED_SOURCES)}, optional={"ref": text_for("ref")}
            ),
        )
    if hint is Endnote:
        return st.fixed_dictionaries(
            {"number": st.integers(0, MAX_NUMBER)},
            optional={"url": ADDRESS, "title": text_for("title")},
        )
    raise TypeError(f"no strategy for {hint}")


LINKS = {
    "themes": st.lists(st.sampled_from(BUNDLED_THEMES), min_size=1, max_size=3, unique=True),
    "areas": st.lists(st.sampled_from(AREAS), max_size=3, unique=True),
    "sources": st.lists(strategy_for(Citation, "sources"), min_size=1, max_size=2),
}


@st.composite
def record(draw: st.DrawFn, number: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(RECORD_TYPES)))
    spec = RECORD_TYPES[kind]
    hints = typing.get_type_hints(spec.cls)
    out: dict[str, Any] = {"id": f"zz-prop-{number}", "type": kind}
    for f in dataclasses.fields(spec.cls):
        if f.name in out or not f.metadata.get("written", True):  # set by loading, not data
            continue
        required = f.default is dataclasses.MISSING or f.name in spec.required
        if not required and f.name not in LINKS and not draw(st.booleans()):
            continue
        hint = hints[f.name]
        if required:  # a value, not None
            hint = next((a for a in typing.get_args(hint) if a is not type(None)), hint)
        value = draw(LINKS[f.name] if f.name in LINKS else strategy_for(hint, f.name))
        if value is not None and value != [] or f.name in LINKS:
            out[f.name] = value
    return conform(out)


def conform(record: dict[str, Any]) -> dict[str, Any]:
    """A record that keeps the data guide's content rules (rules.py): its scope fits its
    areas, and an evidence kind other than none-stated comes with outcomes."""
    areas = record.get("areas") or []
    if not areas:
        record["scope"] = "unplaced"
    elif record.get("scope") not in (None, "local" if len(areas) == 1 else "multi-area"):
        del record["scope"]
    if record.get("evidence", "none-stated") != "none-stated" and not record.get("outcomes"):
        record["evidence"] = "none-stated"
    return record


RECORDS = st.integers(1, 4).flatmap(lambda n: st.tuples(*(record(i) for i in range(n))))


def commands(records: tuple[dict[str, Any], ...]) -> list[list[str]]:
    """Every command and output over these records."""
    first = records[0]
    query = next((w for w in first["title"].split() if w.isalnum()), first["id"])
    theme = first["id"] if first["type"] == "theme" else first["themes"][0]
    area = (first.get("areas") or ["Cleveland"])[0]
    found = [
        ["search", query],
        ["search", query, "--json"],
        ["search", query, "--jsonl"],
        ["search", query, "--theme", theme, "--area", area],
        ["theme", theme],
        ["theme", theme, "--json"],
        ["area", area],
        ["area", area, "--json"],
        ["themes"],
        ["areas"],
        ["sources"],
        ["brief", "--theme", theme, "--area", area],
        ["brief", "--theme", theme, "--format", "html"],
        ["brief", "--theme", theme, "--json"],
    ]
    for r in records:
        found += [["show", r["id"]], ["show", r["id"], "--json"]]
    return found + [["export", "--format", f] for f in ("json", "jsonl", "csv", "markdown")]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=RECORDS)
def test_what_validate_accepts_every_command_renders(cli, records):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "records.yaml")
        path.write_text(yaml.safe_dump(list(records), allow_unicode=True), encoding="utf-8")
        checked = cli("--data-dir", folder, "validate")
        assert checked.exit_code == 0, checked.stderr
        for args in commands(records):
            result = cli("--data-dir", folder, *args)
            must_show = args[0] in ("show", "export", "themes", "areas", "sources")
            assert result.exit_code in ((0,) if must_show else (0, 1)), (args, result.stderr)
            assert "Traceback" not in result.stderr
        exported = json.loads(cli("--data-dir", folder, "export", "--format", "json").stdout)
        assert {r["id"] for r in records} <= {r["id"] for r in exported}
