"""Briefing packs: what a pack holds for a theme, an area, both, and an area with no records of
its own; that every reference number resolves and every reference is used; that --evidence
narrows what it should; and that hostile text in data stays text in Markdown and in HTML."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import live_markdown, make_record, write_records
from markdown_it import MarkdownIt

import pcc_ideas
from pcc_ideas import cache
from pcc_ideas.brief import (
    BRIEF_FORMATS,
    Brief,
    build_brief,
    build_date,
)
from pcc_ideas.brief_records import MOST_SHOWN
from pcc_ideas.corpus import load
from pcc_ideas.models import EVIDENCE_KINDS, EVIDENCE_LABELS, CaseStudy
from pcc_ideas.output.html import brief_to_html as to_html
from pcc_ideas.output.markdown import brief_to_markdown as to_markdown

DAY = datetime.date(2024, 6, 1)
EPOCH = {"SOURCE_DATE_EPOCH": "1717200000"}  # 2024-06-01 UTC
CS11 = "Heroin-Assisted Treatment (HAT) in Middlesbrough, Cleveland"
CS05 = "Cleveland PCC research into child sexual exploitation (CSE) perpetrators"
CS09 = "Naloxone for opiate overdoses in West Midlands and Durham Police custody"
CS10 = "WEDINOS anonymous drug checking in Wales"
# The audit retitled Checkpoint: the source calls it "an alternative to prosecution".
CS12 = "Checkpoint: an alternative to prosecution, Durham Constabulary"


def pack(corpus, themes=(), area=None, evidence=None, short=False) -> Brief:
    areas = [area] if isinstance(area, str) else area or []
    return build_brief(
        corpus,
        [corpus.theme(t).item for t in themes],
        [corpus.gazetteer.resolve(a) for a in areas],
        evidence,
        DAY,
        short,
    )


def section(brief: Brief, heading: str):
    found = [s for s in brief.sections if s.heading == heading]
    assert len(found) == 1, [s.heading for s in brief.sections]
    return found[0]


def titles(brief: Brief, heading: str) -> list[str]:
    return [i.title for i in section(brief, heading).items]


def headings(brief: Brief) -> list[str]:
    return [s.heading for s in brief.sections]


# ---------------------------------------------------------------- what a pack holds


def test_theme_brief_from_the_command_line(cli):
    out = cli("brief", "--theme", "drugs", env=EPOCH)
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "# Briefing pack: Reducing the harm caused by drugs"
    assert "- Theme: Reducing the harm caused by drugs." in lines
    for heading in (
        "Overview",
        "Key figures",
        "Ideas and recommendations for PCCs",
        "Case studies and examples",
        "References",
    ):
        assert f"## {heading}" in lines
    assert any(line.startswith("- **4,393**:") for line in lines)
    assert f"### {CS11}" in lines
    assert lines[-1].startswith(f"Corpus version: pcc-ideas {pcc_ideas.__version__}, data ")
    assert lines[-1].endswith("Built on 2024-06-01.")


def test_theme_brief_holds_the_themes_figures_recommendations_and_practice(corpus):
    brief = pack(corpus, ["drugs"])
    assert brief.title == "Briefing pack: Reducing the harm caused by drugs"
    on_theme = corpus.with_theme("drugs")
    assert {i.record for i in section(brief, "Key figures").items} == {
        r.id for r in on_theme if r.type == "figure"
    }
    assert {i.record for i in section(brief, "Ideas and recommendations for PCCs").items} == {
        r.id for r in on_theme if r.type == "recommendation"
    }
    assert {i.record for i in section(brief, "Case studies and examples").items} == {
        r.id for r in on_theme if r.type in ("case-study", "example")
    }


def test_a_case_study_says_what_was_done_where_its_outcomes_and_evidence(corpus):
    brief = pack(corpus, ["drugs"])
    item = next(i for i in section(brief, "Case studies and examples").items if i.title == CS11)
    details = {d.label: d.values for d in item.details}
    assert item.kind == "Case study 11"
    assert details["Where"] == ("Middlesbrough, Cleveland",)
    # the audit made the outcome say what the source says: participants reported it
    assert (
        "Participants reported their use of illegal opioids down by almost 98%"
        in (details["Outcomes"])
    )
    assert details["Evidence"] == (EVIDENCE_LABELS["participant-reports"],)
    assert any("Middlesbrough" in v for v in details["What was done"])


def test_area_brief_gives_the_area_then_its_region(corpus, cli):
    brief = pack(corpus, area="Cleveland")
    assert brief.title == "Briefing pack: Cleveland"
    assert brief.scope[0].startswith("Police force area: Cleveland (North East)")
    assert headings(brief)[-2:] == [
        "What has been done in Cleveland",
        "Elsewhere in the North East region",
    ]
    assert set(titles(brief, "What has been done in Cleveland")) == {CS05, CS11}
    assert {CS09, CS12} <= set(titles(brief, "Elsewhere in the North East region"))
    assert "Overview" not in headings(brief)
    figures = section(brief, "Key figures").items
    assert figures and all(
        {"Cleveland", "Durham", "Northumbria"} & set(corpus.get(i.record).areas) for i in figures
    )
    recommendations = section(brief, "Ideas and recommendations for PCCs")
    assert recommendations.items and "closest to the work done in Cleveland" in recommendations.note
    # the recommendation drawn from the Middlesbrough case study is among them
    assert "Explore Heroin-Assisted Treatment (HAT)" in [i.title for i in recommendations.items]


def test_an_area_brief_lists_the_area_s_own_resources(corpus):
    # Lancashire's only records are its violence reduction network's publications: a pack
    # on it must name them, each with its source, not only practice from elsewhere.
    brief = pack(corpus, ["violence"], "Lancashire")
    own = section(brief, "Resources for Lancashire").items
    wanted = {
        r.id
        for r in corpus.of_type("resource")
        if "Lancashire" in r.areas and "violence-exploitation" in r.themes
    }
    assert wanted and {i.record for i in own} == wanted
    assert all(i.kind == "Resource" and i.refs for i in own)
    # An area with no resources has no such section.
    assert not [h for h in headings(pack(corpus, area="Cleveland")) if h.startswith("Resources")]


def test_a_pack_on_a_whole_region_has_nothing_elsewhere_in_it(corpus):
    # Every area of the North West chosen: there is no "elsewhere" in the region to show.
    brief = pack(corpus, area=[a.name for a in corpus.gazetteer.in_region("North West")])
    assert not [h for h in headings(brief) if h.startswith("Elsewhere")]
    assert "What has been done in Merseyside" in headings(brief)


def test_area_brief_as_html_written_to_a_file(tmp_path, run):
    target = tmp_path / "cleveland.html"
    out = run("brief", "--area", "Cleveland", "--format", "html", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    assert out.stderr.splitlines()[-1] == f"pcc-ideas: wrote {target}"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<h1>Cleveland</h1>" in text


def test_theme_and_area_brief_splits_the_theme_s_practice_by_place(corpus):
    brief = pack(corpus, ["drugs"], "Middlesbrough")
    assert brief.title == "Briefing pack: Reducing the harm caused by drugs, in Cleveland"
    assert "Middlesbrough is in Cleveland." in brief.scope
    local = titles(brief, "What has been done in Cleveland")
    regional = titles(brief, "Elsewhere in the North East region")
    elsewhere = titles(brief, "Case studies and examples elsewhere")
    assert local == [CS11]  # the CSE research in Cleveland is not on drugs
    assert CS09 in regional and CS12 not in regional
    assert CS10 in elsewhere
    shown = local + regional + elsewhere
    assert len(shown) == len(set(shown))
    assert set(shown) == {
        r.title for r in corpus.with_theme("drugs") if r.type in ("case-study", "example")
    }
    assert "Overview" in headings(brief)


def test_a_large_theme_lists_the_first_of_its_practice_and_reads_only_what_it_shows(
    corpus, big_data_dir, monkeypatch
):
    cache.load_cached([big_data_dir])  # written: the next load reads rows as they are used
    large = cache.load_cached([big_data_dir])
    read: list[int] = []
    real = cache.checked_record
    monkeypatch.setattr(
        cache,
        "checked_record",
        lambda pos, *row, **seed: read.append(pos) or real(pos, *row, **seed),
    )
    brief = pack(large, ["drugs"])
    practice = section(brief, "Case studies and examples")
    total = len(titles(pack(corpus, ["drugs"]), "Case studies and examples")) + 1200
    assert len(practice.items) == MOST_SHOWN
    assert practice.note == (
        f"The first {MOST_SHOWN} in the corpus of the {total:,} case studies and examples here."
    )
    assert CS11 in [i.title for i in practice.items]  # the bundled records come first
    assert len(read) < 2 * MOST_SHOWN


def test_area_with_no_records_says_so_and_falls_back_to_its_region(corpus, cli):
    assert corpus.in_area("Cambridgeshire") == []
    brief = pack(corpus, area="Cambridgeshire")
    assert any("No records are tagged with Cambridgeshire" in line for line in brief.scope)
    own = section(brief, "What has been done in Cambridgeshire")
    assert own.items == () and "elsewhere in the Eastern region" in own.note
    regional = section(brief, "Elsewhere in the Eastern region").items
    eastern = {a.name for a in corpus.gazetteer.in_region("Eastern")}
    assert regional and all(eastern & set(corpus.get(i.record).areas) for i in regional)
    text = cli("brief", "--area", "Cambridgeshire").stdout
    assert "No records are tagged with Cambridgeshire" in text
    assert "*No case studies or examples are tagged with Cambridgeshire" in text


def test_an_area_with_no_practice_in_its_region_either_says_so_once(corpus, cli):
    # Swindon's pack on young people had a section for Wiltshire and one for the South
    # West region, each holding only a note that it had none, before what has been done
    # elsewhere: one note says both.
    brief = pack(corpus, ["young-people"], "Swindon")
    own = section(brief, "What has been done in Wiltshire")
    assert own.items == () and own.note == (
        "No case studies or examples on this theme are tagged with Wiltshire or the other "
        "police force areas of the South West region; what has been done elsewhere follows."
    )
    assert not [h for h in headings(brief) if h.startswith("Elsewhere in")]
    assert titles(brief, "Case studies and examples elsewhere")
    # With practice in the region, its section stays, and the area's note points to it.
    brief = pack(corpus, area="Wiltshire")
    assert (
        "elsewhere in the South West region follows"
        in section(brief, "What has been done in Wiltshire").note
    )
    assert titles(brief, "Elsewhere in the South West region")
    short = cli("brief", "--area", "Swindon", "--theme", "young people", "--short").stdout
    assert "\n\n\n" not in short  # no empty section's blank lines


def test_an_area_with_nothing_anywhere_near_exits_1(cli):
    out = cli("brief", "--area", "PSNI")
    assert out.exit_code == 1 and out.stdout == ""
    assert "nothing to brief on" in out.stderr


def test_several_themes_and_repeats(corpus):
    two = pack(corpus, ["drugs", "victims"])
    assert [i.record for i in section(two, "Overview").items] == ["drugs", "victims"]
    same = pack(corpus, ["drugs", "drug harm"])
    assert [i.record for i in section(same, "Overview").items] == ["drugs"]


# ---------------------------------------------------------------- references


def markdown_numbers(text: str) -> tuple[list[int], list[int]]:
    """The reference numbers used in the body, in order, and the numbers of the entries."""
    body, _, references = text.partition("\n## References\n")
    used = [int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for n in group.split(", ")]
    entries = [int(n) for n in re.findall(r"^(\d+)\. ", references, re.M)]
    return used, entries


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        for name, value in attrs:
            if name == "href":
                self.hrefs.append(value or "")
            if name == "id":
                self.ids.append(value or "")


def html_numbers(text: str) -> tuple[list[int], list[int]]:
    parser = Links()
    parser.feed(text)
    used = [int(h.removeprefix("#ref-")) for h in parser.hrefs if h.startswith("#ref-")]
    entries = [int(i.removeprefix("ref-")) for i in parser.ids if i.startswith("ref-")]
    return used, entries


SCOPES = [
    (["drugs"], None),
    ([], "Cleveland"),
    (["drugs"], "Cleveland"),
    ([], "Cambridgeshire"),
    (["victims", "young people"], "Rugby"),
]


@pytest.mark.parametrize(("themes", "area"), SCOPES)
@pytest.mark.parametrize("numbers", [markdown_numbers, html_numbers], ids=["markdown", "html"])
def test_every_reference_number_resolves_and_every_entry_is_used(corpus, themes, area, numbers):
    brief = pack(corpus, themes, area)
    text = (to_markdown if numbers is markdown_numbers else to_html)(brief)
    used, entries = numbers(text)
    assert entries == list(range(1, len(brief.references) + 1))
    assert set(used) == set(entries)
    first_use = list(dict.fromkeys(used))
    assert first_use == sorted(first_use), "references are numbered in order of first use"


@pytest.mark.parametrize(("themes", "area"), SCOPES)
def test_each_item_cites_its_record_s_sources(corpus, themes, area):
    brief = pack(corpus, themes, area)
    refs = {r.number: r for r in brief.references}
    items = [i for s in brief.sections for i in s.items]
    assert items and all(i.refs for i in items)
    changes = {c for a in brief_areas(corpus, area) for c in a.changes}
    for item in items:
        cited = [(refs[n].document, refs[n].place, refs[n].url) for n in item.refs]
        if not item.record:  # an announced change to who holds the PCC functions
            assert [(c.by, None, c.url) for c in changes if c.what == item.text] == cited
            continue
        record = corpus.get(item.record)
        expected = [(corpus.get(c.source).title, place(corpus, c), c.url) for c in record.sources]
        assert cited == list(dict.fromkeys(expected)), item.record


def place(corpus, c) -> str | None:
    """Where a citation points, with the text of the endnote it names, if it has any."""
    note = corpus.get(c.source).endnote(c.ref)
    return f"{c.ref}: {note.text}" if note and note.text else c.ref


def brief_areas(corpus, area):
    return [corpus.gazetteer.resolve(area).item] if area else []


def test_an_area_brief_gives_the_announced_abolition_of_pccs_with_its_source(corpus):
    brief = pack(corpus, area="Kent")
    changes = section(brief, "Announced changes to police governance").items
    first = changes[0]
    assert first.title == "13 November 2025: announced, subject to legislation"
    assert "abolished at the end of the current term of office in May 2028" in first.text
    (ref,) = [r for r in brief.references if r.number in first.refs]
    assert ref.url and ref.url.startswith("https://parallelparliament.co.uk/")
    assert ref.document.startswith("Policing Minister Sarah Jones")
    text = to_markdown(brief)
    assert "### 13 November 2025: announced, subject to legislation" in text
    # a joint pack of an English and a Welsh area says which area a change is for
    joint = pack(corpus, area=["Kent", "Gwent"])
    areas = {
        i.text: dict((d.label, d.values) for d in i.details)
        for i in section(joint, "Announced changes to police governance").items
    }
    assert {a.get("Areas") for a in areas.values()} == {None, ("Kent",), ("Gwent",)}
    assert "Announced changes to police governance" not in headings(pack(corpus, ["drugs"]))


def test_a_reference_gives_document_place_and_url(corpus):
    text = to_markdown(pack(corpus, area="Cleveland"))
    references = text.partition("\n## References\n")[2]
    # the document's authors and full title on its first mention, its short title after it
    authors = "Amal Ali, Peter Keeling, Duncan Lugton and Lucy Slade, "
    first = re.findall(
        rf"^\d+\. (?:{authors})?\*(Public Safety, Public Trust[^*]*)\*", references, re.M
    )
    assert len(first) > 1 and first[0].startswith("Public Safety, Public Trust. Innovative")
    assert set(first[1:]) == {"Public Safety, Public Trust"}
    assert len(re.findall(rf"^\d+\. {authors}\*Public Safety", references, re.M)) == 1
    # a document with no authors named by its publishers
    assert re.search(
        r"^\d+\. Association of Police and Crime Commissioners and Public Health & Police "
        r"Collaborative, \*A Guide",
        to_markdown(pack(corpus, ["drugs"])),
        re.M,
    )
    assert re.search(
        r"^\d+\. (?:[^*]+, )?\*Public Safety, Public Trust[^*]*\* \(2021\), "
        r"Case study 11, endnote 34\. "
        r"\[`https://www\.cleveland\.pcc\.police\.uk/.+`\]\(<https://www\.cleveland\.pcc\.police\.uk/[^>]+>\)$",
        text,
        re.M,
    )


# ---------------------------------------------------------------- evidence


def test_brief_evidence_limits_case_studies_and_says_so(corpus):
    full = pack(corpus, ["reoffending"])
    only = pack(corpus, ["reoffending"], evidence="evaluation")
    assert any("Evidence: only case studies and examples" in line for line in only.scope)
    kept = section(only, "Case studies and examples").items
    assert kept and len(kept) < len(section(full, "Case studies and examples").items)
    for item in kept:
        record = corpus.get(item.record)
        assert isinstance(record, CaseStudy) and record.evidence == "evaluation"
    for heading in ("Key figures", "Ideas and recommendations for PCCs"):
        assert section(only, heading).items == section(full, heading).items  # not filtered


def test_brief_evidence_with_no_match_says_so_in_the_section(corpus):
    brief = pack(corpus, area="Cleveland", evidence="government-evaluation")
    own = section(brief, "What has been done in Cleveland")
    assert (
        own.items == ()
        and "None of the 2 case studies and examples here rest on a government evaluation"
        in own.note
    )
    # Dorset has one: the note speaks of it in the singular, not of "the 1 case studies".
    dorset = section(
        pack(corpus, area="Dorset", evidence="evaluation"), "What has been done in Dorset"
    )
    assert dorset.note == "The one case study or example here does not rest on an evaluation."


def test_every_evidence_kind_has_a_label_and_the_brief_uses_it(corpus):
    assert all(EVIDENCE_LABELS.get(k) not in (None, "", k) for k in EVIDENCE_KINDS)
    # `own-report` came with the audit, which made Norfolk's strip-search scrutiny one
    brief = pack(corpus, area="Norfolk")
    item = next(
        i
        for i in section(brief, "What has been done in Norfolk").items
        if i.record == "cs-15-norfolk-strip-search-scrutiny"
    )
    assert {d.label: d.values for d in item.details}["Evidence"] == (EVIDENCE_LABELS["own-report"],)


def test_search_theme_and_area_evidence_keep_only_records_with_that_evidence(cli):
    hits = json.loads(
        cli("search", "drugs", "--evidence", "evaluation", "-n", "0", "--json").stdout
    )
    assert hits and all(h.get("evidence") == "evaluation" for h in hits)
    theme = json.loads(cli("theme", "drugs", "--evidence", "participant-reports", "--json").stdout)
    assert theme["records"] and all(
        r["evidence"] == "participant-reports" for r in theme["records"]
    )
    # the audit made Norfolk's case study, nearby for Cambridgeshire, `own-report`
    area = json.loads(cli("area", "Cambridgeshire", "--evidence", "own-report", "--json").stdout)
    nearby = [r for group in area["nearby"] for r in group["records"]]
    assert area["records"] == [] and nearby
    assert all(r["evidence"] == "own-report" for r in nearby)


def test_an_evaluation_includes_a_government_evaluation_but_not_the_other_way(cli):
    # A journalist asking what is evaluated means the Home Office's evaluation of the VRUs too.
    def evidence(kind: str) -> set[str]:
        out = cli("export", "--evidence", kind, "--format", "json").stdout
        return {r["evidence"] for r in json.loads(out)}

    assert evidence("evaluated") == {"evaluation", "government-evaluation"}
    assert evidence("government-evaluation") == {"government-evaluation"}
    # An answer emptied by it names the kind asked for, which holds the narrower one.
    out = cli("search", "heroin", "--evidence", "evaluation")
    assert "resting on evaluation evidence;" in out.stderr
    brief = pack(load(), ["violence"], evidence="evaluation")
    practice = titles(brief, "Case studies and examples")
    assert "Violence Reduction Units (VRUs) set up by 18 police forces" in practice


def test_evidence_that_matches_nothing_exits_1(cli):
    out = cli("search", "naloxone", "--evidence", "government-evaluation", "--json")
    assert out.exit_code == 1 and json.loads(out.stdout) == [] and "evidence" in out.stderr
    # The audit made the Violence Reduction Units `unplaced` (18 forces, not all of England
    # and Wales), so no country-wide record rests on a government evaluation any more.
    out = cli("area", "Cleveland", "--evidence", "government-evaluation", "--json")
    assert out.exit_code == 1 and "evidence" in out.stderr
    # Cleveland's own practice is a case study with no evidence stated; its country-wide
    # example (England only) counts.
    out = cli("area", "Cleveland", "--type", "example", "--evidence", "none-stated", "--json")
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["records"] == [] and data["national"]
    assert {r["evidence"] for r in data["national"]} == {"none-stated"}


@pytest.mark.parametrize(
    "command",
    [["search", "drugs"], ["theme", "drugs"], ["area", "Kent"], ["brief", "--theme", "drugs"]],
)
def test_an_unknown_evidence_kind_is_a_usage_error(cli, command):
    out = cli(*command, "--evidence", "anecdote")
    assert out.exit_code == 2 and "anecdote" in out.stderr and "evaluation" in out.stderr


def test_an_evidence_kind_is_read_by_its_words_stems():
    # People write "evaluated" or "participant report"; the kinds are "evaluation" and
    # "participant-reports".
    from pcc_ideas.models import evidence_kind

    assert evidence_kind("evaluated") == "evaluation"
    assert evidence_kind("Participant report") == "participant-reports"
    assert evidence_kind("government evaluated") == "government-evaluation"


# ---------------------------------------------------------------- formats and the command


@pytest.mark.parametrize("fmt", sorted(set(BRIEF_FORMATS) - {"docx"}))
def test_every_format_choice_is_handled(cli, fmt):
    out = cli("brief", "--theme", "drugs", "--format", fmt)
    assert out.exit_code == 0, out.stderr
    assert "Reducing the harm caused by drugs" in out.stdout
    assert fmt in cli("brief", "--help").stdout


def test_json_format_is_the_pack_as_data(cli):
    data = json.loads(cli("brief", "--area", "Cleveland", "--json").stdout)
    assert data["title"] == "Briefing pack: Cleveland"
    numbers = {n for s in data["sections"] for i in s["items"] for n in i["refs"]}
    assert numbers == {r["number"] for r in data["references"]}


def test_an_unknown_format_is_a_usage_error(cli):
    out = cli("brief", "--theme", "drugs", "--format", "pdf")
    assert out.exit_code == 2 and "pdf" in out.stderr


def test_brief_needs_a_theme_or_an_area(cli):
    out = cli("brief")
    assert out.exit_code == 2 and "--theme" in out.stderr and out.stdout == ""


def test_unknown_theme_or_area_exits_1_with_suggestions(cli):
    out = cli("brief", "--theme", "drgus-and-stuff-nonsense")
    assert out.exit_code == 1 and "theme" in out.stderr
    out = cli("brief", "--area", "Clevelnad")  # a typo still resolves
    assert out.exit_code == 0
    out = cli("brief", "--area", "Atlantis")
    assert out.exit_code == 1 and "Atlantis" in out.stderr


def test_an_unwritable_output_file_is_a_one_line_error(cli, tmp_path):
    target = tmp_path / "no" / "such" / "dir.md"
    out = cli("brief", "--theme", "drugs", "-o", str(target))
    assert out.exit_code == 2
    # The folder is named, as the user may not see which part of the path is missing.
    assert out.stderr == f"pcc-ideas: cannot write {target}: there is no folder {target.parent}\n"
    assert out.stdout == ""


def test_a_subject_typed_without_its_option_is_told_which_it_needs(cli):
    # "brief drugs" said "Got unexpected extra argument(s) (drugs)": the user is told the
    # command to type, with the option for what the name is (a theme, else an area).
    for args, tries in [
        (["drugs"], "pcc-ideas brief --theme drugs"),
        (["Middlesbrough"], "pcc-ideas brief --area Middlesbrough"),
        (["women", "and", "girls"], "pcc-ideas brief --theme 'women and girls'"),
        (["Atlantis"], "pcc-ideas brief --theme Atlantis or pcc-ideas brief --area Atlantis"),
    ]:
        out = cli("brief", *args)
        assert out.exit_code == 2 and out.stdout == ""
        assert out.stderr == (
            f"pcc-ideas: brief takes its subject as --theme NAME or --area NAME: try {tries}\n"
        )


def test_an_output_name_that_is_no_file_is_a_usage_error(cli, tmp_path):
    # An empty name read as a path is the folder the command runs in: "cannot write ." told
    # the user nothing they typed. Neither it nor a folder is a file to write; nothing is.
    for name, says in (("", "give a file name"), (str(tmp_path), "is a folder")):
        for command in (["brief", "--theme", "drugs"], ["export", "--format", "json"]):
            out = cli(*command, "-o", name)
            assert out.exit_code == 2, (command, name)
            assert "--output" in out.stderr and says in out.stderr, out.stderr
            assert out.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_the_footer_gives_the_corpus_version_and_the_date(corpus, tmp_path):
    brief = pack(corpus, ["drugs"])
    assert brief.built_on == "2024-06-01"
    assert brief.corpus_version.startswith(f"pcc-ideas {pcc_ideas.__version__}, data ")
    assert pack(corpus, ["victims"]).corpus_version == brief.corpus_version
    extra = write_records(tmp_path / "mine", [make_record("ex-mine", "My own project")])
    assert pack(load([extra], use_env=False), ["drugs"]).corpus_version != brief.corpus_version


def test_build_date_reads_source_date_epoch():
    assert build_date(EPOCH) == DAY
    assert build_date({"SOURCE_DATE_EPOCH": "soon"}) == datetime.date.today()
    assert build_date({}) == datetime.date.today()


# ---------------------------------------------------------------- HTML and hostile data


def test_html_is_one_self_contained_accessible_page(corpus):
    text = to_html(pack(corpus, ["drugs"], "Cleveland"))
    parser = Links()
    parser.feed(text)
    assert re.search(r'<html lang="en-GB">', text)
    assert parser.tags.count("h1") == 1 and "main" in parser.tags and "title" in parser.tags
    assert not {"script", "link", "img", "iframe", "object", "embed"} & set(parser.tags)
    assert not any(name in ("src", "srcset") or name.startswith("on") for name, _ in parser.attrs)
    assert "@media print" in text and "@import" not in text and "url(" not in text
    internal = [h for h in parser.hrefs if h.startswith("#")]
    assert all(h[1:] in parser.ids for h in internal), "every link inside the page lands"
    assert all(h.startswith(("#", "https://", "http://")) for h in parser.hrefs)
    # A section with a note and no items (West Yorkshire has no figures) has no empty list.
    bare = to_html(pack(corpus, area="Bradford"))
    assert "There are no figures for West Yorkshire" in bare
    assert '<ul class="lines"></ul>' not in bare


HOSTILE_TITLE = "<script>alert(1)</script> [x](javascript:alert(1))"
HOSTILE_SUMMARY = (
    "See [x](javascript:alert(1)) and <img src=x onerror=alert(1)> and "
    "<https://evil.example> and ![i](http://evil.example/i.png)."
)


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    record = make_record(
        "ex-hostile",
        HOSTILE_TITLE,
        summary=HOSTILE_SUMMARY,
        actions=[HOSTILE_SUMMARY],
        outcomes=["[click](javascript:alert(2))"],
        organisations=["<b>Org</b>"],
        # Cited from a source that lists no endnotes, whose citations may give any web
        # address (`citation-urls`; `web-addresses` refuses `javascript:`): the outputs must
        # keep these inert all the same.
        sources=[
            {
                "source": "blog-2016",
                "ref": "<script>alert(3)</script>",
                "url": 'https://example.org/"onmouseover="alert(4)',
            },
            {
                "source": "blog-2016",
                "ref": "Case study 11",
                "url": "https://example.org/a><script>alert(5)</script>",
            },
        ],
    )
    return write_records(tmp_path / "hostile", [record])


def test_hostile_data_stays_text_in_markdown(cli, hostile_dir):
    out = cli("--data-dir", str(hostile_dir), "brief", "--theme", "drugs", "--area", "Cleveland")
    assert out.exit_code == 0, out.stderr
    html, links = live_markdown(out.stdout)
    assert html == []
    assert all(
        link.startswith("https://") and "<" not in link and "javascript" not in link
        for link in links
    ), links
    rendered = MarkdownIt("commonmark").render(out.stdout)
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "[x](javascript:alert(1))" in rendered  # shown as typed
    used, entries = markdown_numbers(out.stdout)
    assert set(used) == set(entries)


def test_hostile_data_stays_text_in_html(cli, hostile_dir):
    out = cli("--data-dir", str(hostile_dir), "brief", "--theme", "drugs", "--format", "html")
    assert out.exit_code == 0, out.stderr
    parser = Links()
    parser.feed(out.stdout)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" not in parser.tags
    assert not any(name.startswith("on") for name, _ in parser.attrs)
    assert all(h.startswith(("#", "https://", "http://")) for h in parser.hrefs), parser.hrefs
    assert not any("javascript" in h or "<" in h for h in parser.hrefs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.stdout
    assert "alert(4)" in out.stdout  # the URL is shown, as text


def test_a_reference_to_an_endnote_that_is_a_reference_gives_its_text(corpus):
    # Case study 14 cites endnote 42 of the briefing, which is the evaluation of New Chance
    # (a reference, with no address): the reference list gives it, not just its number.
    source = corpus.get("briefing-2021")
    note = source.endnote("Case study 14, endnote 42")
    assert note and note.text and not note.url
    places = [r.place or "" for r in pack(corpus, area="West Midlands").references]
    assert f"Case study 14, endnote 42: {note.text}" in places
    # An endnote that is only an address adds nothing: its URL is given already.
    places = [r.place for r in pack(corpus, themes=["women-and-girls"]).references]
    assert "Breaking the cycle of re-offending, endnote 40" in places


def test_key_figures_from_elsewhere_say_so(corpus):
    # Avon and Somerset has records but no figure: the ones shown are from Devon and Cornwall
    # and others in the South West, and the section says so before anyone quotes them.
    figures = section(pack(corpus, area="Avon and Somerset"), "Key figures")
    assert figures.items
    assert all("Avon and Somerset" not in corpus.get(i.record).areas for i in figures.items)
    assert figures.note == (
        "No figure is tagged Avon and Somerset; these are from elsewhere in the South West region."
    )
    # Of two areas, neither has a figure: "or", not "and".
    assert section(
        pack(corpus, area=["Avon and Somerset", "Gloucestershire"]), "Key figures"
    ).note == (
        "No figure is tagged Avon and Somerset or Gloucestershire; these are from elsewhere in the "
        "South West region."
    )
    # An area with figures of its own has no such note.
    assert not section(pack(corpus, area="Cleveland"), "Key figures").note
    # Nor its region: the section says there are none rather than vanish.
    none = section(pack(corpus, area="Bradford"), "Key figures")
    assert none.items == () and none.note == (
        "There are no figures for West Yorkshire, nor elsewhere in the Yorkshire and the Humber "
        "region."
    )


def test_where_several_places_lie_names_every_area_so_none_seems_to_hold_the_others(corpus):
    # St Giles works in London and in five force areas named as places: "(Metropolitan
    # Police)" after the list once read as if all of them were the Met's.
    from pcc_ideas.brief import where_text

    st_giles = corpus.get("cs-04-st-giles-trust-sos-project")
    assert where_text(st_giles) == (
        "London, Kent, West Midlands, Merseyside, West Yorkshire, South Wales (force areas: "
        "Metropolitan Police, Kent, West Midlands, Merseyside, West Yorkshire, South Wales)"
    )
    # One place keeps its area after it.
    assert where_text(corpus.get("cs-11-middlesbrough-heroin-assisted-treatment")) == (
        "Middlesbrough, Cleveland"
    )
