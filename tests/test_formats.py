"""Export formats: every format of `export` is exported and read back; CSV flattens
lists; Markdown never lets text from data become HTML or a link."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from conftest import live_markdown
from markdown_it import MarkdownIt

from pcc_ideas import output
from pcc_ideas.cli import EXPORT_FORMATS as FORMATS
from pcc_ideas.models import CaseStudy, Citation, Record, Source, to_dict
from pcc_ideas.pages import ExportPage


def export(records, fmt: str, out) -> None:
    output.emit(ExportPage(list(records)), fmt, out)


def read_json(text: str) -> list[dict]:
    data = json.loads(text)
    assert isinstance(data, list)
    return data


def read_jsonl(text: str) -> list[dict]:
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(isinstance(r, dict) for r in rows)
    return rows


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff"), "a byte order mark, so Excel reads UTF-8"
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert all(None not in row for row in rows), "a row has more cells than the header"
    return rows


def headings(text: str, tag: str) -> list[str]:
    """The text of each heading of one level, as a reader sees it (escapes undone)."""
    tokens = MarkdownIt("commonmark").parse(text)
    return [
        "".join(c.content for c in tokens[i + 1].children or [])
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == tag
    ]


def read_markdown(text: str) -> list[dict]:
    """One entry per record heading (`### title`), with the title as written."""
    return [{"title": t} for t in headings(text, "h3")]


# How each format is read back. A format added to FORMATS without a reader here fails below.
READERS: dict[str, Callable[[str], list[dict]]] = {
    "json": read_json,
    "jsonl": read_jsonl,
    "csv": read_csv,
    "markdown": read_markdown,
}


def exported(records, fmt: str) -> str:
    out = io.StringIO()
    export(records, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_exports_every_record(corpus, fmt):
    assert fmt in READERS, f"format {fmt!r} has no reader in tests/test_formats.py"
    rows = READERS[fmt](exported(corpus.records, fmt))
    assert len(rows) == len(corpus.records)
    if fmt != "markdown":
        assert [r["id"] for r in rows] == [r.id for r in corpus.records]
    else:
        assert all(r["title"] for r in rows)


def test_json_and_jsonl_hold_the_same_objects(corpus):
    as_json = read_json(exported(corpus.records, "json"))
    assert as_json == read_jsonl(exported(corpus.records, "jsonl"))


def test_json_objects_are_the_records_as_dicts(corpus):
    rows = read_json(exported(corpus.records, "json"))
    for record, row in zip(corpus.records, rows, strict=True):
        assert row == json.loads(json.dumps(to_dict(record)))
        assert {"id", "type", "title", "summary", "themes", "areas", "sources"} <= set(row)


# ---------------------------------------------------------------- CSV


def citation_cell(parts) -> str:
    return " · ".join(str(x) for x in parts if x not in (None, ""))


def test_csv_flattens_lists(corpus):
    """Lists are joined with " | "; a citation is `source · ref · url` (as formats documents)."""
    rows = {r["id"]: r for r in read_csv(exported(corpus.records, "csv"))}
    several = [r for r in corpus.records if len(r.themes) >= 2 and len(r.sources) >= 2]
    assert several, "the corpus has records with several themes and sources"
    for record in several:
        row = rows[record.id]
        assert row["themes"] == " | ".join(record.themes)
        assert row["areas"] == " | ".join(record.areas)
        assert row["sources"] == " | ".join(
            citation_cell((c.source, c.ref, c.url)) for c in record.sources
        )
    with_outcomes = [r for r in corpus.records if getattr(r, "outcomes", ())]
    assert with_outcomes
    for record in with_outcomes:
        assert rows[record.id]["outcomes"] == " | ".join(record.outcomes)


def test_csv_empty_lists_and_missing_values_are_empty_cells(corpus):
    rows = {r["id"]: r for r in read_csv(exported(corpus.records, "csv"))}
    national = next(r for r in corpus.records if not r.areas and r.type != "source")
    assert rows[national.id]["areas"] == ""
    theme = corpus.themes[0]
    assert rows[theme.id]["outcomes"] == ""


def test_csv_endnotes_are_flattened(corpus):
    sources = [s for s in corpus.sources if s.endnotes]
    assert sources
    rows = {r["id"]: r for r in read_csv(exported(sources, "csv"))}
    for s in sources:
        assert rows[s.id]["endnotes"] == " | ".join(
            citation_cell((n.number, n.url, n.title)).replace("|", "\\|") for n in s.endnotes
        )


def test_csv_list_cells_split_back_into_their_items():
    """A list item holding the separator itself must not turn into two items."""
    items = ("Evidence review | Centre for Justice Innovation", "A second outcome")
    (row,) = read_csv(exported([make(outcomes=items)], "csv"))
    assert len(row["outcomes"].split(" | ")) == len(items)


def make(title: str = "Plain title", summary: str = "A plain summary.", **fields) -> Record:
    base = dict(
        id="ex-format-test",
        type="example",
        title=title,
        summary=summary,
        themes=("drugs", "victims"),
        areas=("Cleveland",),
        sources=(Citation("briefing-2021", "Case study 11", "https://example.org/cs11"),),
    )
    base.update(fields)
    return CaseStudy(**base)


def test_csv_quotes_commas_quotes_and_newlines():
    title = 'Comma, "quote" and\na newline'
    record = make(title=title, outcomes=("one, two", 'three "3"'))
    (row,) = read_csv(exported([record], "csv"))
    assert row["title"] == title
    assert row["outcomes"] == 'one, two | three "3"'


def test_csv_columns_cover_every_type(corpus):
    """Rows of different types share one header: every key of every record is a column."""
    text = exported(corpus.records, "csv")
    header = set(next(csv.reader(io.StringIO(text.removeprefix("\ufeff")))))
    for record in corpus.records:
        assert set(to_dict(record)) <= header, record.id


# ---------------------------------------------------------------- Markdown


HOSTILE = {
    "title": "<script>alert(1)</script> [x](y)",
    "summary": "See [x](y), ![img](http://evil.example/i.png), <img src=x onerror=alert(1)> "
    "and **bold** or _italic_ and `code` and <https://evil.example>.",
}


def test_markdown_escapes_hostile_text_from_data():
    record = make(
        **HOSTILE,
        organisations=("<b>Org</b>", "[org](http://evil.example)"),
        outcomes=("[click](javascript:alert(1))",),
        year="<i>2020</i>",
        sources=(
            Citation("briefing-2021", "[ref](http://evil.example)", "https://example.org/cs11"),
        ),
    )
    text = exported([record], "markdown")
    html, links = live_markdown(text)
    assert html == []
    assert set(links) <= {"https://example.org/cs11"}, links
    rendered = MarkdownIt("commonmark").render(text)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    assert "[x](y)" in rendered  # shown as typed, not as a link


def test_markdown_keeps_a_hostile_url_inert():
    """A citation's URL comes from data too: it may not close the autolink and open HTML."""
    record = make(
        sources=(
            Citation(
                "briefing-2021", "Case study 11", "https://example.org/a><script>alert(2)</script>"
            ),
        )
    )
    html, links = live_markdown(exported([record], "markdown"))
    assert html == []
    assert all("<" not in link and ">" not in link for link in links)


def test_markdown_headings_give_each_record_once(corpus):
    text = exported(corpus.records, "markdown")
    h3 = headings(text, "h3")
    assert sorted(h3) == sorted(r.title for r in corpus.records)
    assert len(headings(text, "h2")) == len({r.type for r in corpus.records})


def shown_text(text: str) -> str:
    """What a reader of the rendered Markdown sees, escapes undone, one line per block."""
    return "\n".join(
        "".join(c.content for c in t.children or [])
        for t in MarkdownIt("commonmark").parse(text)
        if t.type == "inline"
    )


def test_markdown_shows_citations(corpus):
    record = next(r for r in corpus.records if r.type == "case-study" and r.sources[-1].url)
    shown = shown_text(exported([record], "markdown"))
    for c in record.sources:
        assert c.source in shown
        assert c.url is None or c.url in shown
        assert c.ref is None or c.ref in shown


def test_markdown_gives_each_citation_a_line_and_fields_by_their_names(corpus):
    # Consecutive "> Source:" lines ran together into one paragraph when rendered; raw field
    # names ("evidence: none-stated") read as code, not as a document.
    record = corpus.get("cs-10-wedinos-drug-checking")
    text = exported([record], "markdown")
    html = MarkdownIt("commonmark").render(text)
    for c in record.sources:
        assert f"<li>{c.source}, {c.ref}" in html
    assert "**Evidence:** none stated in the source" in text
    assert "**evidence**" not in text


def test_markdown_of_a_source_lists_its_endnotes(corpus):
    source = next(s for s in corpus.sources if isinstance(s, Source) and s.endnotes)
    text = exported([source], "markdown")
    assert "**Endnotes:**" in text
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(items) >= len(source.endnotes)


def test_a_figures_export_has_the_columns_a_spreadsheet_user_wants(corpus):
    figures = [r for r in corpus.records if r.type == "figure"]
    rows = read_csv(exported(figures, "csv"))
    assert list(rows[0]) == [
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
    ]
    assert len(rows) == len(figures)
    by_id = {r["id"]: r for r in rows}
    for f in figures:
        assert by_id[f.id]["value"].lstrip("'") == f.value
        assert by_id[f.id]["document"] == f.sources[0].source


def test_csv_cells_a_spreadsheet_would_run_are_quoted_as_text():
    rows = read_csv(exported([make(title='=HYPERLINK("http://x")', summary="+1 and -2")], "csv"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["summary"] == "'+1 and -2"


def test_markdown_fences_in_data_do_not_open_code_blocks():
    text = exported([make(title="```python", summary="~~~\nimport os\n~~~")], "markdown")
    html = MarkdownIt("commonmark").render(text)
    assert "<pre" not in html and "<code>python" not in html
