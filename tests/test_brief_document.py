"""The brief as a document a PCC office can send: nothing in it speaks of the command line,
outcome figures lead, a short form, joint packs for several areas, a reference list that gives
a document's title in full once, and a Word file whose links all land."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import os
import re
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import make_record, write_records, write_yaml
from markdown_it import MarkdownIt

from pcc_ideas.brief import (
    BRIEF_FORMATS,
    SHORT_FIGURES,
    Brief,
    build_brief,
    format_for_path,
)
from pcc_ideas.brief_records import figure_rank
from pcc_ideas.corpus import load
from pcc_ideas.models import Figure
from pcc_ideas.pack import short_title

DAY = datetime.date(2024, 6, 1)
SCOPES = [
    (["drugs"], [], None),
    ([], ["Cleveland"], None),
    (["drugs"], ["Middlesbrough"], "evaluation"),
    ([], ["Kent", "Sussex"], None),
    (["victims", "young people"], ["Rugby", "Cardiff"], "participant-reports"),
]


def pack(corpus, themes=(), areas=(), evidence=None, short=False) -> Brief:
    return build_brief(
        corpus,
        [corpus.theme(t).item for t in themes],
        [corpus.gazetteer.resolve(a) for a in areas],
        evidence,
        DAY,
        short,
    )


def section(brief: Brief, heading: str):
    return next(s for s in brief.sections if s.heading == heading)


def docx_text(data: bytes) -> str:
    """Every piece of text of a .docx, body, footer and properties, read with python-docx."""
    import docx

    doc = docx.Document(io.BytesIO(data))
    runs = [t.text or "" for t in doc.element.body.iter() if t.tag.endswith("}t")]
    footer = [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join([*runs, *footer])


# ---------------------------------------------------------------- the document speaks to its reader


@pytest.mark.parametrize(("themes", "areas", "evidence"), SCOPES)
@pytest.mark.parametrize("short", [False, True], ids=["full", "short"])
def test_no_document_speaks_of_options(corpus, themes, areas, evidence, short):
    brief = pack(corpus, themes, areas, evidence, short)
    for fmt, write in BRIEF_FORMATS.items():
        out = write(brief)
        text = docx_text(out) if isinstance(out, bytes) else out
        assert not re.search(r"(?<![\w-])--[a-z]", text), fmt
        for hint in brief.hints:
            assert hint not in text, fmt


def test_hints_say_what_the_options_did(corpus):
    assert any("--theme" in h for h in pack(corpus, areas=["Cleveland"]).hints)
    assert pack(corpus, ["drugs"], ["Cleveland"]).hints == ()  # themes chose the records
    only = pack(corpus, ["drugs"], evidence="evaluation")
    assert any("--evidence evaluation" in h for h in only.hints)
    assert any("rest on an evaluation" in line for line in only.scope)
    typo = pack(corpus, areas=["Clevelnad"])
    assert any("Clevelnad" in h for h in typo.hints)
    assert not any("Clevelnad" in line for line in typo.scope)
    assert "Middlesbrough is in Cleveland." in pack(corpus, areas=["Middlesbrough"]).scope


# ---------------------------------------------------------------- key figures


def test_outcome_figures_lead_and_dates_and_durations_come_last(corpus):
    first = section(pack(corpus, ["drugs"]), "Key figures").items[0]
    assert re.match(r"(Reduction|Fall|Saving|Improvement|How much)", first.text)
    for theme in ("drugs", "violence", "trust in policing"):
        items = section(pack(corpus, [theme]), "Key figures").items
        ranks = [figure_rank(corpus.get(i.record)) for i in items]
        assert ranks == sorted(ranks), theme
        dated = [i for i, item in enumerate(items) if re.fullmatch(r"\d{4}|\d+-\w+", item.title)]
        changes = [i for i, item in enumerate(items) if item.text.startswith("Reduction")]
        assert all(d > c for d in dated for c in changes), theme


@pytest.mark.parametrize(
    ("value", "measure", "rank"),
    [
        ("39 per cent", "Fall in homicides over the decade", 0),
        ("14 times", "How much more likely people were to ...", 0),
        ("£19 billion", "Estimated total cost of illegal drugs", 1),
        ("Almost half", "Share of recent drug deaths involving an opiate", 2),
        ("98%", "Attendance rate at the programme", 2),
        ("4,393", "Registered deaths related to drug poisoning", 3),
        ("eighth", "Number of consecutive years in which deaths rose", 3),
        ("2005", "Year the unit was created", 4),
        ("4-month", "Length of the contract offered", 4),
        ("ten years", "Period over which violent crime has fallen", 4),
        ("about half", "Proportion of the rise in homicides", 2),
    ],
)
def test_figure_rank_reads_what_the_value_and_measure_express(value, measure, rank):
    figure = Figure("f", "figure", value, "s", value=value, measure=measure)
    assert figure_rank(figure) == rank


# ---------------------------------------------------------------- the short form


def test_short_pack_is_a_summary_of_the_full_one(corpus):
    full, short = pack(corpus, ["drugs"]), pack(corpus, ["drugs"], short=True)
    assert short.short and "summary" in short.title
    overview = section(short, "Overview").items[0].text
    whole = section(full, "Overview").items[0].text
    assert whole.startswith(overview) and len(overview) < len(whole)
    # The overview's references are those of the whole, not each a source of its first
    # sentences: the reader is told so, and only where it was shortened.
    assert section(short, "Overview").items[0].sources_label == "Sources of the full text"
    assert section(full, "Overview").items[0].sources_label == "Sources"
    assert "Sources of the full text: [" in BRIEF_FORMATS["markdown"](short)
    figures = section(short, "Key figures").items
    assert [i.record for i in figures] == [
        i.record for i in section(full, "Key figures").items[:SHORT_FIGURES]
    ]
    for heading in ("Ideas and recommendations for PCCs", "Case studies and examples"):
        lines, entries = section(short, heading), section(full, heading)
        assert lines.compact and [i.record for i in lines.items] == [
            i.record for i in entries.items
        ]
        assert all(not i.details for i in lines.items)
    case_studies = section(short, "Case studies and examples").items
    hat = next(i for i in case_studies if i.record.startswith("cs-11"))
    assert hat.text.startswith("Middlesbrough") and "%" in hat.text  # where, headline outcome
    cited = {n for s in short.sections for i in s.items for n in i.refs}
    assert cited == {r.number for r in short.references}
    markdown = BRIEF_FORMATS["markdown"]
    assert len(markdown(short)) * 2 < len(markdown(full))


# ---------------------------------------------------------------- joint packs


def test_several_areas_make_a_joint_pack(corpus):
    brief = pack(corpus, areas=["Kent", "Sussex"])
    assert brief.title == "Briefing pack: Kent and Sussex"
    headings = [s.heading for s in brief.sections]
    assert {"What has been done in Kent", "What has been done in Sussex"} <= set(headings)
    assert headings.count("Elsewhere in the South East region") == 1
    records = [i.record for s in brief.sections for i in s.items]
    # the items with no record are the announced changes to who holds the PCC functions
    # (Kent and Sussex share theirs, given once)
    changes = section(brief, "Announced changes to police governance").items
    assert records.count("") == len(changes) == len(corpus.gazetteer.resolve("Kent").item.changes)
    records = [r for r in records if r]
    assert len(records) == len(set(records))
    regional = section(brief, "Elsewhere in the South East region").items
    assert regional and not any(
        {"Kent", "Sussex"} & set(corpus.get(i.record).areas) for i in regional
    )
    two_regions = pack(corpus, ["drugs"], ["Cleveland", "Dyfed-Powys"])
    assert two_regions.title.endswith(", in Cleveland and Dyfed-Powys")
    assert {"Elsewhere in the North East region", "Elsewhere in Wales"} <= {
        s.heading for s in two_regions.sections
    }
    one = pack(corpus, areas=["Kent", "Kent Police"])
    assert one.title == "Briefing pack: Kent"


# ---------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("title", "short"),
    [
        (
            "Public Safety, Public Trust. Innovative Ideas for Police and Crime Commissioners",
            "Public Safety, Public Trust",
        ),
        (
            "A Guide to Taking a Public Health Approach for Police & Crime Commissioners "
            "and their Offices",
            "A Guide to Taking a Public Health Approach",
        ),
        (
            "Police Commissioners and the voluntary sector",
            "Police Commissioners and the voluntary sector",
        ),
    ],
)
def test_short_title(title, short):
    assert short_title(title) == short


@pytest.mark.parametrize(("themes", "areas", "evidence"), SCOPES)
def test_a_document_s_title_is_in_full_once_then_short(corpus, themes, areas, evidence):
    brief = pack(corpus, themes, areas, evidence)
    firsts = {}
    for ref in brief.references:
        firsts.setdefault(ref.document, ref.number)
        assert ref.first_mention == (firsts[ref.document] == ref.number)
        assert ref.title == (ref.document if ref.first_mention else ref.short_title)
    text = BRIEF_FORMATS["markdown"](brief)
    for ref in brief.references:
        if ref.first_mention and ref.short_title != ref.document:
            assert text.count(f"*{ref.document}*") == 1


@pytest.fixture
def sourced_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "sourced"
    write_yaml(
        folder / "doc-test.yaml",
        {
            "id": "doc-test",
            "type": "source",
            "kind": "guide",
            "title": "Testing Briefs: A Handbook for Offices",
            "summary": "A document the tests cite, with a URL of its own.",
            "year": 2020,
            "url": "https://example.org/handbook%20v2.pdf",
        },
    )
    sources = [
        {"source": "doc-test", "ref": "Section 1", "url": "https://example.org/a%20b.pdf"},
        {"source": "doc-test", "ref": "Section 2"},
    ]
    return write_records(folder, [make_record("ex-sourced", "A sourced project", sources=sources)])


def test_references_link_to_the_document_and_keep_urls_whole(sourced_dir):
    corpus = load([sourced_dir], use_env=False)
    brief = pack(corpus, ["drugs"])
    mine = [r for r in brief.references if r.document.startswith("Testing Briefs")]
    assert [r.title for r in mine] == ["Testing Briefs: A Handbook for Offices", "Testing Briefs"]
    markdown = BRIEF_FORMATS["markdown"](brief)
    linked = "[*Testing Briefs: A Handbook for Offices*](<https://example.org/handbook%20v2.pdf>)"
    assert linked in markdown
    rendered = MarkdownIt("commonmark").render(markdown)
    assert (
        '<a href="https://example.org/a%20b.pdf"><code>https://example.org/a%20b.pdf</code></a>'
        in rendered
    )
    html = BRIEF_FORMATS["html"](brief)
    assert '<a href="https://example.org/handbook%20v2.pdf"><cite>Testing Briefs' in html
    assert ">https://example.org/a%20b.pdf</a>" in html
    targets = docx_links(BRIEF_FORMATS["docx"](brief))[1]
    assert {"https://example.org/handbook%20v2.pdf", "https://example.org/a%20b.pdf"} <= targets


# ---------------------------------------------------------------- Word


def test_a_pack_with_a_long_title_is_written_as_word_with_its_title_whole(corpus):
    # A pack on five themes has a title of over 255 characters, the most a Word document
    # property holds: python-docx refused it, and no .docx was written.
    import docx

    themes = ["covid-recovery", "domestic-abuse", "trauma-and-aces", "trust-in-policing"]
    brief = pack(corpus, [*themes, "violence-exploitation"])
    assert len(brief.title) > 255
    doc = docx.Document(io.BytesIO(BRIEF_FORMATS["docx"](brief)))
    title = doc.core_properties.title
    assert len(title) == 255 and title.endswith("…") and brief.title.startswith(title[:-1])
    heading = doc.paragraphs[0].text  # the document's own title, whole
    assert len(heading) > 255 and brief.title.endswith(heading)


def docx_links(data: bytes) -> tuple[list[str], set[str], list[str]]:
    """The internal link anchors, the external link targets and the bookmark names."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document(io.BytesIO(data))
    body = doc.element.body
    anchors, external = [], set()
    for link in body.iter(qn("w:hyperlink")):
        if link.get(qn("w:anchor")):
            anchors.append(link.get(qn("w:anchor")))
        else:
            external.add(doc.part.rels[link.get(qn("r:id"))].target_ref)
    bookmarks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    return anchors, external, bookmarks


@pytest.mark.parametrize(("themes", "areas", "evidence"), SCOPES)
def test_word_document_has_headings_and_links_that_land(corpus, themes, areas, evidence):
    import docx

    brief = pack(corpus, themes, areas, evidence)
    data = BRIEF_FORMATS["docx"](brief)
    doc = docx.Document(io.BytesIO(data))
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    assert ("Title", brief.subject) in styled
    assert [t for s, t in styled if s == "Heading 1"] == [
        *(s.heading for s in brief.sections),
        "References",
    ]
    entries = [i.title for s in brief.sections if not s.compact for i in s.items]
    assert [t for s, t in styled if s == "Heading 2"] == entries
    anchors, external, bookmarks = docx_links(data)
    assert len(bookmarks) == len(set(bookmarks))
    assert set(anchors) <= set(bookmarks), "every internal link lands on a bookmark"
    numbers = {r.number for r in brief.references}
    assert {a for a in anchors if a.startswith("ref_")} == {f"ref_{n}" for n in numbers}
    assert {a for a in anchors if a.startswith("cite_")} == {f"cite_{n}" for n in numbers}
    assert external and all(re.match(r"https?://", url) for url in external)
    assert {r.link for r in brief.references if r.link} == external


def test_the_same_pack_on_the_same_date_is_the_same_word_file(corpus):
    first = BRIEF_FORMATS["docx"](pack(corpus, ["drugs"]))
    assert BRIEF_FORMATS["docx"](pack(corpus, ["drugs"])) == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {(2024, 6, 1)}


def test_word_properties_and_footer(corpus):
    import docx

    brief = pack(corpus, ["drugs"], ["Cleveland"])
    doc = docx.Document(io.BytesIO(BRIEF_FORMATS["docx"](brief)))
    core = doc.core_properties
    assert core.title == brief.title and core.subject == brief.subject
    assert core.created.date() == DAY and "Cleveland" in core.keywords
    assert doc.sections[0].footer.paragraphs[0].text == brief.footer
    assert round(doc.sections[0].page_width.mm) == 210  # A4


HOSTILE = "<script>alert(1)</script> & <b>bold</b> [x](javascript:alert(1)) *star*"


def test_hostile_text_is_plain_text_in_word(tmp_path):
    folder = write_records(
        tmp_path / "hostile",
        [
            make_record(
                "ex-hostile",
                HOSTILE,
                outcomes=[HOSTILE],
                # a source with no endnotes, whose citations may give any web address
                sources=[{"source": "blog-2016", "ref": HOSTILE, "url": "https://example.org/"}],
            )
        ],
    )
    corpus = load([folder], use_env=False)
    # `validate` refuses a `javascript:` address; a record made in code is never validated,
    # and the document must keep it inert all the same.
    (i,) = [i for i, r in enumerate(corpus.records) if r.id == "ex-hostile"]
    record = corpus.records[i]
    cited = dataclasses.replace(record.sources[0], url="javascript:x()")
    corpus.records = [
        *corpus.records[:i],
        dataclasses.replace(record, sources=(cited,)),
        *corpus.records[i + 1 :],
    ]
    brief = pack(corpus, ["drugs"])
    data = BRIEF_FORMATS["docx"](brief)
    assert HOSTILE in docx_text(data)
    assert "javascript:x()" in docx_text(data)
    assert not any("javascript" in url for url in docx_links(data)[1])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "<script>" not in z.read("word/document.xml").decode("utf-8")


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("pack.md", "markdown"),
        ("pack.markdown", "markdown"),
        ("PACK.HTML", "html"),
        ("a/b/pack.htm", "html"),
        ("pack.json", "json"),
        ("pack.docx", "docx"),
        ("pack.txt", "markdown"),
        ("pack.pdf", None),
        ("pack", None),
        ("pack.pdf", None),
    ],
)
def test_format_for_path(path, fmt):
    assert format_for_path(path) == fmt
    assert format_for_path(Path(path)) == fmt


def test_every_format_writes_the_pack(corpus):
    brief = pack(corpus, ["drugs"])
    outputs = {fmt: write(brief) for fmt, write in BRIEF_FORMATS.items()}
    assert outputs["docx"][:2] == b"PK"
    assert json.loads(outputs["json"])["title"] == brief.title
    assert "hints" not in json.loads(outputs["json"])
    for fmt in ("markdown", "html"):
        assert brief.subject in outputs[fmt] and brief.footer in outputs[fmt]


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(("name", "start"), [("r.html", b"<!DOCTYPE html>"), ("r.docx", b"PK")])
def test_the_format_follows_the_output_file_s_extension(run, tmp_path, name, start):
    target = tmp_path / name
    out = run("brief", "--theme", "drugs", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert target.read_bytes().startswith(start)


def test_a_format_that_contradicts_the_extension_is_a_usage_error(run, tmp_path):
    out = run("brief", "--theme", "drugs", "--format", "html", "-o", str(tmp_path / "r.md"))
    assert out.returncode == 2 and "html" in out.stderr and not (tmp_path / "r.md").exists()


def test_an_extension_no_format_has_is_a_usage_error(run, tmp_path):
    # A pack written as "drugs.pdf" would be Markdown that no PDF reader opens.
    out = run("brief", "--theme", "drugs", "-o", str(tmp_path / "drugs.pdf"))
    assert out.returncode == 2 and "'.pdf'" in out.stderr and ".docx" in out.stderr
    assert not (tmp_path / "drugs.pdf").exists()
    # Nor does --format make one: HTML in "drugs.pdf" is a PDF no reader opens either.
    out = run("brief", "--theme", "drugs", "--format", "html", "-o", str(tmp_path / "drugs.pdf"))
    assert out.returncode == 2 and "'.pdf'" in out.stderr
    assert not (tmp_path / "drugs.pdf").exists()


def test_an_output_file_gets_the_permissions_of_any_new_file_or_of_the_one_it_replaces(
    run, tmp_path
):
    # Written through a private temporary file, the pack must still be readable by whoever
    # the user's umask lets read new files (colleagues on a shared drive).
    target = tmp_path / "drugs.md"
    umask = os.umask(0o022)
    try:
        assert run("brief", "--theme", "drugs", "-o", str(target)).returncode == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o644
        target.chmod(0o640)
        assert run("brief", "--theme", "drugs", "-o", str(target)).returncode == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        os.umask(umask)


def test_hints_go_to_stderr_and_the_joint_pack_to_stdout(run):
    out = run("brief", "--area", "Kent", "--area", "Sussex", "--short")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("# Briefing pack: Kent and Sussex")
    assert "--theme" in out.stderr and "--theme" not in out.stdout
