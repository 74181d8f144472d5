"""Every page in every output mode: one test that fails when a page or a mode is added
without the other (in the spirit of pip-audit's `test_to_format_is_exhaustive`).

Rich output is drawn on a fixed-width console without colour; the assertions are on content
(titles, ids, URLs), never on Rich's own layout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import find_command
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from pcc_ideas import output, pages, results
from pcc_ideas.emptied import left_out
from pcc_ideas.output import plain
from pcc_ideas.output import rich as rich_output

BUILDERS: dict[type, Callable[[Any], Any]] = {
    pages.SearchPage: lambda c: results.search_page(c, "naloxone", (), 5),
    pages.RecordPage: lambda c: pages.record_page(c, c.get_or_suggest("cs-09")),
    pages.ThemePage: lambda c: pages.theme_page(c, "drugs", c.filters(types="case study")),
    pages.ThemesPage: pages.themes_page,
    pages.AreaPage: lambda c: pages.area_page(c, "Middlesbrough"),
    pages.AreasPage: pages.areas_page,
    pages.SourcesPage: pages.sources_page,
    pages.ExportPage: lambda c: pages.export_page(c, c.filters(types="figure")),
}


def test_every_page_has_a_plain_and_a_rich_form_and_a_test():
    page_types = set(pages.Page.__args__)  # type: ignore[attr-defined]
    assert set(plain.LINES) == page_types
    assert set(rich_output.PARTS) == page_types
    assert set(BUILDERS) == page_types


def shown_names(page: Any) -> list[str]:
    """What any form of the page must show: the ids of what it lists."""
    rows = page.rows()
    return [r.get("id") or r["name"] for r in rows][:20]


def render(page: Any, mode: str) -> str:
    out = io.StringIO()
    output.emit(page, mode, out, pager=False)
    return out.getvalue()


def read_back(mode: str, text: str) -> Any:
    if mode == "json":
        return json.loads(text)
    if mode == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if mode == "csv":
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    return text


@pytest.mark.parametrize("mode", output.MODES)
@pytest.mark.parametrize("page_type", list(BUILDERS), ids=lambda t: t.__name__)
def test_every_page_renders_in_every_mode(corpus, page_type, mode):
    page = BUILDERS[page_type](corpus)
    assert not page.is_empty
    text = render(page, mode)
    assert "\x1b" not in text, "no escape codes on a console that is not a terminal"
    read_back(mode, text)
    names = shown_names(page)
    assert names
    if mode == "markdown":
        names = [n for n in names if "_" not in n]  # escaped in Markdown
    for name in names:
        assert name in text, (name, mode)


def test_rich_output_at_80_columns_keeps_every_url_whole(corpus):
    page = pages.sources_page(corpus)
    text = render(page, "rich")
    urls = [n.url for s in page.sources for n in getattr(s, "endnotes", ()) if n.url]
    assert urls
    lines = text.splitlines()
    for url in urls:
        assert any(url in line for line in lines), url
    assert "…" not in text


def test_a_record_page_marks_only_http_links(corpus):
    record = corpus.get_or_suggest("cs-09")
    parts = list(rich_output.PARTS[pages.RecordPage](pages.record_page(corpus, record)))
    links = [
        span.style.link
        for renderable, _ in parts
        for span in getattr(renderable, "spans", [])
        if not isinstance(span.style, str) and span.style.link
    ]
    assert links and all(link.startswith(("http://", "https://")) for link in links)


def test_the_data_writer_neutralises_spreadsheet_formulas():
    from pcc_ideas.output.data import cell

    for hostile in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert cell(hostile).startswith("'"), hostile
    assert cell("39 per cent") == "39 per cent"


LINE = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")))


@settings(max_examples=300, deadline=None)
@example(["4.3%"])
@example(["1. item"])
@example(["2) item"])
@example(["- item"])
@example(["# heading"])
@example(["&copy; 2021"])
@example(["<b>bold</b>"])
@example(["[x](javascript:1)"])
@example(["~~~"])
@example(["    indented"])
@example(["a title", "==="])
@example(["a title", "-"])
@example(["- - -"])
@given(st.lists(LINE, min_size=1, max_size=4))
def test_markdown_shows_any_text_from_data_as_written(lines: list[str]):
    # Whatever a record says, a Markdown reader shows it as written, in one paragraph: no
    # heading, list, quote, rule, code, link, HTML or entity made of it, and no stray
    # backslash ("4.3%" once came out as "\4.3%", the escape of a digit being no escape).
    from pcc_ideas.output.markdown import md

    shown = "\n".join(line for line in (" ".join(x.split()) for x in lines) if line)
    assume(shown)
    tokens = MarkdownIt("commonmark").parse(md(shown))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    parts = tokens[1].children or []
    assert {t.type for t in parts} <= {"text", "softbreak"}
    assert "".join(t.content if t.type == "text" else "\n" for t in parts) == shown


def test_markdown_leaves_text_that_needs_no_escape_as_it_is():
    # What a user copies from the Markdown is the text, not backslashes before every dash.
    from pcc_ideas.output.markdown import md

    for text in ("4-month", "4.3%", "2020-21", "Police & Crime Commissioner", "up to 53,000"):
        assert md(text) == text


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def refuse(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(OSError):
        output.write_file("new", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs ulimit")
def test_a_write_that_fails_as_the_file_closes_leaves_no_temporary_file(tmp_path):
    # A file size limit (or a full disk) hit when the last of the data is written out, as
    # the temporary file closes: the old file stays, and so did a 1 kB temporary file.
    target = tmp_path / "figs.csv"
    target.write_text("old", encoding="utf-8")
    args = "export --type figure --area Cleveland --csv -o"
    out = subprocess.run(
        ["sh", "-c", f'ulimit -f 1; exec "$0" {args} "$1"', find_command(), str(target)],
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert out.returncode == 2 and out.stderr.startswith(f"pcc-ideas: cannot write {target}: ")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "figs.csv"]


def test_a_write_to_where_stdout_goes_is_written_into_it(tmp_path):
    # `-o /dev/stdout` with stdout redirected to a file: the file was replaced, and what
    # the shell wrote to it before and after was lost.
    report = tmp_path / "report.txt"
    script = '{ echo header; "$0" export --type figure --area Cleveland --csv -o /dev/stdout; '
    script += 'echo footer; } > "$1"'
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run(["sh", "-c", script, find_command(), str(report)], check=True, env=env)
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "header" and lines[-1] == "footer"
    assert lines[1].lstrip("\ufeff").startswith("value,measure") and len(lines) > 3


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_write_to_a_descriptor_the_shell_opened_is_written_into_it(tmp_path):
    # `-o /dev/fd/3 3>>log.txt`: the log was replaced, and what it held before was lost.
    log = tmp_path / "log.txt"
    log.write_text("LOGSTART\n", encoding="utf-8")
    script = '"$0" export --type figure --area Cleveland --csv -o /dev/fd/3 3>>"$1"'
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    subprocess.run(["sh", "-c", script, find_command(), str(log)], check=True, env=env)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "LOGSTART" and lines[1].lstrip("\ufeff").startswith("value,measure")


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "out.docx"
    target.write_bytes(b"old")
    output.write_file(b"PK\x03\x04new", target)
    assert target.read_bytes() == b"PK\x03\x04new"


def test_a_write_through_a_link_keeps_the_link_and_replaces_its_file(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    output.write_file("new", link)
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_write_to_what_is_not_a_file_goes_into_it_and_leaves_it_there(tmp_path):
    # `-o /dev/stdout`, or a named pipe: written to, never replaced by a file.
    import threading

    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    output.write_file("through the pipe", fifo)
    reader.join(5)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    if Path("/dev/full").exists():  # a full device: an error, and the device is still one
        with pytest.raises(OSError):
            output.write_file("x" * 100_000, Path("/dev/full"))
        assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_snippets_are_cut_between_words_and_keep_figures_whole():
    from pcc_ideas.output.rich import snippet

    text = (
        " ".join(["word"] * 40)
        + " naloxone was given to more than 4,000 people "
        + " ".join(["tail"] * 40)
    )
    shown = snippet(text, ["naloxone"], width=60).plain
    assert "naloxone" in shown
    inner = shown.strip("…").split()
    assert all(w in text.split() for w in inner), "no word is cut"
    assert not shown.rstrip("…").endswith(("than", "more")), shown


def test_markdown_on_a_terminal_shows_urls_as_written():
    out = io.StringIO()
    output.emit_markdown("See <https://example.org/News%20Articles/x.aspx>.", out, pager=False)
    assert "https://example.org/News%20Articles/x.aspx" in out.getvalue()


def test_what_is_left_out_is_counted_in_words_that_agree():
    assert left_out(1) == "1 more record is not shown (-n 0 shows them all)"
    assert left_out(3) == "3 more records are not shown (-n 0 shows them all)"


def test_a_list_item_that_wraps_stays_under_its_bullet(corpus):
    # At 60 columns, the actions of case study 11 wrap: each continued line is indented
    # under the text of its item, not back at the margin.
    from rich.console import Console

    console = Console(file=io.StringIO(), width=60, color_system=None)
    record = corpus.get_or_suggest("cs-11")
    rich_output.print_page(pages.record_page(corpus, record), console)
    lines = console.file.getvalue().splitlines()
    start = lines.index("actions:") + 1
    items = lines[start : lines.index("outcomes:")]
    assert len(items) > len(record.actions), "the items wrap at 60 columns"
    assert all(line.startswith(("  • ", "    ")) for line in items), items


def test_prose_holding_an_address_wraps_around_it_and_the_address_stays_whole(corpus):
    # The West Midlands note (the High Court's judgment, with its address) was printed as
    # one line of 480 characters, so that the address in it was not broken.
    from rich.console import Console

    console = Console(file=io.StringIO(), width=60, color_system=None)
    rich_output.print_page(pages.area_page(corpus, "West Midlands"), console)
    lines = console.file.getvalue().splitlines()
    url = "https://caselaw.nationalarchives.gov.uk/ewhc/admin/2024/604"
    (at,) = [i for i, line in enumerate(lines) if url in line]
    assert lines[at] == url + ");"  # whole, on a line of its own, with what is stuck to it
    assert lines[at - 1].endswith("(Admin),") and lines[at + 1].startswith("the appeal failed")
    assert all(len(line) <= 60 for line in lines[at - 3 : at] + lines[at + 1 : at + 4])


def test_a_reason_that_wraps_stays_under_its_hit(corpus):
    # At 80 columns a long reason ("shares words with the top results: … (title, names,
    # summary, body)") wrapped back to the margin, among the next hit's lines.
    from rich.console import Console

    console = Console(file=io.StringIO(), width=50, color_system=None)
    page = results.search_page(corpus, "women leaving prison", (), 2)
    page.explain = True
    rich_output.print_page(page, console)
    lines = [x for x in console.file.getvalue().splitlines() if x]
    reasons = [x for x in lines if not x.startswith((" 1. ", " 2. ", "    "))]
    assert not reasons, reasons  # every line is a hit's title, or indented under it
    why = [x for x in lines if x.startswith("      ")]
    assert len(why) > sum(len(h.explain) + 1 for h in page.hits)  # some wrap
    assert all(len(x) <= 50 for x in why)


def test_a_terminal_s_explain_says_each_reason_in_words_and_adds_up(corpus):
    # The parts that come from the query as a whole say so in plain words, not as the
    # labels a pipe or JSON gives them ("feedback", "topic"), and the points add up to a
    # total, which a terminal's hit line does not show.
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200, color_system=None)
    page = results.search_page(corpus, "hospitals and police sharing data on violence", (), 1)
    page.explain = True
    rich_output.print_page(page, console)
    lines = [x.strip() for x in console.file.getvalue().splitlines() if x.startswith("      ")]
    (hit,) = page.hits
    by_how = {c.how: c for c in hit.explain}
    for c, lead in (
        (by_how["topic"], "about the same subject as the whole question"),
        (by_how["feedback"], "shares words with the top results"),
    ):
        assert f"{lead}: {c.matched} ({c.field}) +{c.points:.2f}" in lines
    exact = next(c for c in hit.explain if c.how == "exact")
    assert f"{exact.word} → {exact.matched} (exact, {exact.field}) +{exact.points:.2f}" in lines
    # Points say how well a record matches the words, and the total says so: a journalist
    # must not quote them as the strength of its evidence.
    assert lines[-1] == (
        f"= {hit.score:.2f} points in all (how well it matches your words, not the evidence)"
    )
    assert len(lines) == len(hit.explain) + 1


def test_a_link_is_the_address_without_the_sentence_s_punctuation():
    text = "judgment ([2024] EWHC 604, https://example.org/604); see https://e.org/a_(b)."
    found = [text[a:b] for a, b in rich_output.url_spans(text)]
    assert found == ["https://example.org/604", "https://e.org/a_(b)"]


def test_plain_sources_keep_every_address_an_endnote_gives(corpus):
    # Endnote 19 of the briefing gives two reports; a pipe's line for it holds both.
    note = corpus.get("briefing-2021").endnote("endnote 19")
    urls = re.findall(r"https?://\S+", note.title)
    assert len(urls) == 2
    line = next(
        x
        for x in render(pages.sources_page(corpus), "plain").splitlines()
        if x.startswith("endnote\tbriefing-2021\t19\t")
    )
    assert all(u in line for u in urls)


def test_a_figure_in_a_terminal_search_list_shows_its_value(corpus):
    # A journalist searching for figures sees each one's value and measure in the list, not
    # only its title; other records keep their two lines.
    from rich.console import Console

    console = Console(file=io.StringIO(), width=300, color_system=None)  # no line wraps
    page = results.search_page(corpus, "Merseyside employees", (), 3)
    rich_output.print_page(page, console)
    lines = console.file.getvalue().splitlines()
    figures = [h.record for h in page.hits if h.record.type == "figure"]
    assert figures and len(figures) < len(page.hits)
    assert all(f"    {f.value}: {f.measure}" in lines for f in figures)
    assert len(lines) == 2 * len(page.hits) + len(figures)


def test_csv_counts_say_what_they_count():
    # A theme's counts by record type: a spreadsheet cell "3 · 2" would not say of what.
    from pcc_ideas.output.data import flat

    assert flat({"case-study": 3, "example": 2}) == "case-study: 3 · example: 2"
    # A citation keeps its compact form.
    assert flat({"source": "briefing-2021", "ref": "Case study 9", "url": None}) == (
        "briefing-2021 · Case study 9"
    )
