"""The command contract (PRODUCT.md), checked twice: in-process through Typer's CliRunner, and
through the installed `pcc-ideas` command in a subprocess whose stdout is a pipe."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from conftest import DROPPED_ENV, FIXTURES, make_record, write_records, write_yaml

import pcc_ideas
from pcc_ideas import cli as cli_module
from pcc_ideas.cli import EXPORT_FORMATS as FORMATS
from pcc_ideas.datafiles import bundled_data_dir
from pcc_ideas.models import RECORD_TYPES

CS11 = "cs-11-middlesbrough-heroin-assisted-treatment"
RECORD_KEYS = {"id", "type", "title", "summary", "themes", "areas", "sources"}
HOSTILE_TITLE = "[bold red]Zanzibarquux[/bold red] [link=https://example.org]here[/link]"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture(params=["in-process", "subprocess"])
def pcc(request, cli, run):
    """Run pcc-ideas either way; both must keep the contract."""

    def _pcc(*args: str, env: dict[str, str] | None = None) -> Outcome:
        if request.param == "in-process":
            r = cli(*args, env=env)
            return Outcome(r.exit_code, r.stdout, r.stderr)
        p = run(*args, env=env)
        return Outcome(p.returncode, p.stdout, p.stderr)

    return _pcc


def no_traceback(text: str) -> bool:
    return "Traceback" not in text


def assert_record_shape(record: dict) -> None:
    assert RECORD_KEYS <= set(record), sorted(record)
    assert isinstance(record["id"], str) and record["id"]
    assert isinstance(record["title"], str) and record["title"]
    assert isinstance(record["summary"], str) and record["summary"]
    for key in ("themes", "areas", "sources"):
        assert isinstance(record[key], list), key
    assert all(isinstance(t, str) for t in record["themes"])
    assert all(isinstance(a, str) for a in record["areas"])
    for citation in record["sources"]:
        assert isinstance(citation, dict) and isinstance(citation["source"], str)
        assert set(citation) <= {"source", "ref", "url"}


# ---------------------------------------------------------------- search


def test_search_json_is_an_array_of_records_best_first(pcc):
    out = pcc("search", "naloxone", "--json")
    assert out.code == 0, out.stderr
    hits = out.json()
    assert isinstance(hits, list) and 1 <= len(hits) <= 10
    for hit in hits:
        assert_record_shape(hit)
        assert isinstance(hit["score"], (int, float))
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert "naloxone" in (hits[0]["title"] + hits[0]["summary"]).casefold()


def test_search_says_how_words_no_record_uses_were_read(pcc):
    # An abbreviation, a typo and a town are read as what they stand for, and stderr says
    # so; a word no record uses and nothing stands for is named, so a list of hits that
    # matched only the other words is not taken for an answer about it.
    for query, note in [
        ("DA", "read 'DA' as 'domestic abuse'"),
        ("nalaxone", "read 'nalaxone' as 'naloxone'"),
        ("women in Stockport", "read 'Stockport' as 'Greater Manchester'"),
        ("rural crime", "no record mentions 'rural'"),
        # A force area named by its own name, which no record uses: not "read as" itself.
        (
            "county lines Cumbria",
            "no record mentions 'Cumbria'; none of the records shown is tagged Cumbria",
        ),
        # No record says "triage", but thesaurus terms do ("street triage"): a word of the
        # field, not a typo of "trials", which the records do use.
        ("triage", "read 'triage' as 'youth diversion' or 'mental health crisis'"),
        # A term of the thesaurus that no record uses as a phrase, though they use some of its
        # words ("overdose"): read as its concept, quoted as typed, stop words and all; its
        # concept's records answer it, so it is not called "no close match".
        ("overdose reversal spray", "read 'overdose reversal spray' as 'naloxone'"),
        ("kicking the habit", "read 'kicking the habit' as 'drug treatment'"),
        # A town alone is answered by its force area's records: a match, not "no close match".
        ("Newport", "read 'Newport' as 'Gwent'"),
        # A word found only before the end of longer thesaurus phrases is not read through
        # them: "towns" is no town hall meeting.
        ("drugs in market towns", "no record mentions 'towns'"),
        # A town is quoted as typed, hyphens and all, so it can be copied back.
        ("knife crime in Weston-super-Mare", "read 'Weston-super-Mare' as 'Avon and Somerset'"),
        # A few records name West Yorkshire (the county lines case study works there), so
        # the note does not say that none does; none of the hits is of the area, and it
        # says so.
        ("domestic abuse West Yorkshire", "none of the records shown is tagged West Yorkshire"),
        # West Yorkshire has no record on domestic abuse: the hits are national, and the
        # note says so rather than let them pass for Leeds's.
        (
            "domestic abuse in Leeds",
            "read 'Leeds' as 'West Yorkshire'; none of the records shown is tagged West Yorkshire",
        ),
    ]:
        out = pcc("search", query, "--json")
        assert out.code == 0 and out.json(), query
        first, *rest = out.stderr.splitlines()
        assert first == f"pcc-ideas: {note}", query
        # A word no record mentions: what the hits did match is said after it (see below).
        assert [r.startswith("pcc-ideas: the records shown match only ") for r in rest] == (
            [True] if "no record mentions" in note else []
        ), query
    # The user's own words need no note.
    assert pcc("search", "naloxone", "--json").stderr == ""


def test_a_search_with_words_no_record_mentions_says_what_the_hits_matched(pcc):
    # "fraud older people": no record mentions fraud or older, and the hits, people leaving
    # prison, matched "people" alone; said so, they are not taken for an answer on fraud.
    out = pcc("search", "--json", "--explain", "-n", "5", "--", "Fraud", "older", "people")
    assert out.code == 0
    said = {
        c["word"] for h in out.json() for c in h["explain"] if c["how"] not in ("feedback", "topic")
    }
    assert said == {"people"}
    assert out.stderr.splitlines() == [
        "pcc-ideas: no record mentions 'Fraud'",
        "pcc-ideas: no record mentions 'older'",
        "pcc-ideas: the records shown match only 'people'",
    ]
    # Several words, in the order typed, none of them the one no record mentions.
    out = pcc("search", "--json", "youth", "zzqx", "mentoring")
    assert out.stderr.splitlines()[-1] == (
        "pcc-ideas: the records shown match only 'youth' and 'mentoring'"
    )


def test_a_concept_no_record_uses_is_searched_for_through_those_near_it_and_said_so(pcc):
    # No record is on exclusion from school: it is a concept of its own, not a synonym of
    # absence from school, which records are on. It is looked for through that related
    # concept, and the note says so rather than read exclusion as absence.
    near = "searched instead for what is near it, not the same: 'absence from school'"
    out = pcc("search", "expelled", "--json")
    first, second = out.stderr.splitlines()
    assert (
        first == f"pcc-ideas: read 'expelled' as 'school exclusion', which no record uses; {near}"
    )
    assert all("absen" in (h["title"] + h["summary"]).casefold() for h in out.json()[:2])
    # Nothing matched the word itself or a synonym: no close match, exit 1.
    assert second.startswith("pcc-ideas: no close match for 'expelled'; nearest: ")
    assert out.code == 1
    # Typed as the concept's own term, its words are read too: "school" is in records.
    out = pcc("search", "school exclusion", "--json")
    assert out.code == 0 and out.json()
    assert out.stderr == f"pcc-ideas: no record uses 'school exclusion'; {near}\n"


def test_search_limit(pcc):
    out = pcc("search", "drugs", "-n", "3", "--json")
    assert out.code == 0 and len(out.json()) == 3


def test_search_jsonl_is_one_object_per_line(cli):
    out = cli("search", "naloxone", "--jsonl")
    lines = out.stdout.splitlines()
    assert out.exit_code == 0 and lines
    assert [json.loads(line)["id"] for line in lines] == [
        h["id"] for h in json.loads(cli("search", "naloxone", "--json").stdout)
    ]


def test_search_filters(cli):
    by_area = json.loads(cli("search", "treatment", "--area", "Middlesbrough", "--json").stdout)
    assert by_area and all("Cleveland" in r["areas"] for r in by_area)
    by_type = json.loads(cli("search", "drugs", "--type", "figure", "--json").stdout)
    assert by_type and all(r["type"] == "figure" for r in by_type)
    by_theme = json.loads(cli("search", "police", "--theme", "drug harm", "--json").stdout)
    assert by_theme and all("drugs" in r["themes"] for r in by_theme)
    by_source = json.loads(cli("search", "drugs", "--source", "briefing-2021", "--json").stdout)
    assert by_source and all(
        any(c["source"] == "briefing-2021" for c in r["sources"]) for r in by_source
    )


def test_search_with_an_unknown_type_is_a_usage_error(cli):
    out = cli("search", "drugs", "--type", "nonsense")
    assert out.exit_code == 2 and "nonsense" in out.stderr


def test_a_search_that_matches_nothing_suggests_words_as_the_records_write_them(pcc):
    # The nearest index words are stems ("incid"): the suggestion is a word to type again,
    # with a capital only where the records always write one (the Sequential Intercept Model).
    out = pcc("search", "ieuenctid")
    assert out.code == 1
    assert (
        out.stderr
        == "pcc-ideas: no records match 'ieuenctid'; did you mean: incidents, Sequential?\n"
    )


def test_search_with_no_match_exits_1_and_json_prints_an_empty_array(pcc):
    out = pcc("search", "qqqzzzxxyy", "--json")
    assert out.code == 1
    assert json.loads(out.stdout) == []
    assert out.stderr.strip() and no_traceback(out.stderr)
    plain = pcc("search", "qqqzzzxxyy")
    assert plain.code == 1 and plain.stdout == ""


def test_search_with_no_query_is_a_usage_error(pcc):
    out = pcc("search")
    assert out.code == 2
    assert out.stderr.strip() and "Traceback" not in out.stderr
    # A query with no word in it asks for nothing: a usage error, not "nothing matched".
    for query in ("", "  ", "?!"):
        out = pcc("search", query)
        assert out.code == 2, query
        assert out.stderr == f"pcc-ideas: the query {query!r} has no words to look for\n"


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "the",
        "[bold]x[/bold]",
        "\\",
        "*",
        "a&b&c",
        "x" * 3000,
        "ﬁ ŵ 🙂",
        "--",
        "drugs " * 200,
    ],
)
def test_any_query_string_is_answered_without_a_crash(cli, query):
    for command in ("search", "area", "theme", "show"):
        out = cli(command, "--", query) if query.startswith("-") else cli(command, query)
        assert out.exit_code in (0, 1) or (
            out.exit_code == 2
            and command == "search"
            and ("longer than" in out.stderr or "no words to look for" in out.stderr)
        ), (command, query, out.stderr)
        if out.exit_code:
            assert out.stderr.strip()


# ---------------------------------------------------------------- show


def test_show_json(pcc):
    out = pcc("show", CS11, "--json")
    assert out.code == 0, out.stderr
    record = out.json()
    assert_record_shape(record)
    assert record["id"] == CS11
    assert record["type"] == "case-study"
    first = record["sources"][0]
    assert {"source": "briefing-2021", "ref": "Case study 11"}.items() <= first.items()


def test_show_plain_has_the_citation(run):
    out = run("show", CS11)
    assert out.returncode == 0
    assert "Case study 11" in out.stdout and "briefing-2021" in out.stdout


def test_show_takes_a_unique_start_of_an_id(pcc):
    out = pcc("show", "cs-11", "--json")
    assert out.code == 0 and out.json()["id"] == CS11


def test_show_reads_an_id_as_people_write_it(pcc):
    # Ids are lower case, and case studies are numbered with two digits; "CS-09" and
    # "cs-9" are case study 9, and so is "Case study 9", as the briefing and a brief write it.
    for given in ("CS-09", "cs-9", "Cs-9-naloxone", "Case study 9", "cs9", "cs 9"):
        out = pcc("show", given, "--json")
        assert out.code == 0 and out.json()["id"] == "cs-09-naloxone-west-midlands-durham"


def test_show_reads_a_case_study_number_whole(pcc):
    # "cs-2" is case study 2, never the start of cs-20: a bid writer citing case study 2
    # must not get case study 20 without a word.
    for given, wanted in (("cs-2", "cs-02-"), ("cs-1", "cs-01-"), ("cs-20", "cs-20-")):
        out = pcc("show", given, "--json")
        assert out.code == 0 and out.json()["id"].startswith(wanted), given


def test_show_with_the_start_of_several_ids_lists_them(pcc):
    out = pcc("show", "rec-2016")
    assert out.code == 1 and out.stdout == ""
    assert "rec-2016-5-multiple-complex-needs" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_show_unknown_id_suggests(pcc):
    out = pcc("show", CS11.replace("heroin", "hreoin"))
    assert out.code == 1
    assert out.stdout == ""
    assert "did you mean" in out.stderr.casefold()
    assert CS11 in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- themes


def test_theme_aliases_land_on_the_same_theme(pcc):
    pages = [pcc("theme", name, "--json") for name in ("drugs", "drug harm", "substance")]
    assert all(p.code == 0 for p in pages), [p.stderr for p in pages]
    ids = {p.json()["id"] for p in pages}
    assert ids == {"drugs"}
    assert len({json.dumps(p.json()["records"], sort_keys=True) for p in pages}) == 1


def test_theme_json_has_its_records(pcc):
    theme = pcc("theme", "drugs", "--json").json()
    assert_record_shape(theme)
    assert theme["type"] == "theme"
    assert len(theme["records"]) >= 5
    for record in theme["records"]:
        assert_record_shape(record)
        assert "drugs" in record["themes"]
    assert CS11 in {r["id"] for r in theme["records"]}


def test_theme_unknown_exits_1(pcc):
    out = pcc("theme", "basket weaving")
    assert out.code == 1 and out.stderr.strip() and no_traceback(out.stderr)


def test_themes_json(pcc):
    out = pcc("themes", "--json")
    assert out.code == 0
    themes = out.json()
    assert len(themes) >= 7
    assert all(t["type"] == "theme" for t in themes)
    assert {"drugs", "victims", "reoffending"} <= {t["id"] for t in themes}
    assert len({t["id"] for t in themes}) == len(themes)


# ---------------------------------------------------------------- areas


def test_area_json_shape(pcc):
    out = pcc("area", "Cleveland", "--json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert set(data) >= {"area", "records"}
    area = data["area"]
    assert area["name"] == "Cleveland"
    assert area["region"] == "North East"
    assert {"country", "governance", "holder"} <= set(area)
    assert data["records"]
    for record in data["records"]:
        assert_record_shape(record)
        assert "Cleveland" in record["areas"]
    assert CS11 in {r["id"] for r in data["records"]}


def test_area_town_resolves_to_its_force(pcc):
    out = pcc("area", "Middlesbrough", "--json")
    assert out.code == 0
    assert out.json()["area"]["name"] == "Cleveland"


def test_area_unknown_exits_1_with_suggestions(pcc):
    out = pcc("area", "Atlantis")
    assert out.code == 1
    assert out.stdout == ""
    assert "did you mean" in out.stderr.casefold()
    assert "Atlantis" in out.stderr


def test_area_with_no_records_points_to_its_region(cli):
    rows = json.loads(cli("areas", "--json").stdout)
    counts = {r["name"]: r["records"] for r in rows}
    regions = {r["name"]: r["region"] for r in rows}
    empty = [
        n
        for n, c in counts.items()
        if c == 0 and any(counts[o] for o in counts if regions[o] == regions[n] and o != n)
    ]
    if not empty:
        pytest.skip("every area with neighbours has records (see test_areas for the library)")
    data = json.loads(cli("area", empty[0], "--json").stdout)
    assert data["records"] == []
    assert data["nearby"] and all(regions[n["area"]] == regions[empty[0]] for n in data["nearby"])
    plain = cli("area", empty[0])
    assert f"No records are tagged with {empty[0]}" in plain.stderr
    assert all("\t" in line for line in plain.stdout.splitlines())


def test_an_untagged_area_filtered_to_nothing_nearby_says_so(cli):
    # Cumbria has no records, and nothing in the North West is on drugs: the page shows only
    # national practice, and says why there is no local or nearby record.
    nearby = json.loads(cli("area", "Cumbria", "--json").stdout)["nearby"]
    assert nearby and not any("drugs" in r["themes"] for n in nearby for r in n["records"])
    out = cli("area", "Cumbria", "--theme", "drugs")
    assert out.exit_code == 0 and out.stdout
    assert (
        "No records are tagged with Cumbria; none elsewhere in North West is on the theme drugs."
        in out.stderr
    )


def test_areas_json(pcc):
    out = pcc("areas", "--json")
    assert out.code == 0
    rows = out.json()
    assert len(rows) >= 45
    assert sum(r["country"] in ("England", "Wales") for r in rows) == 43
    names = {r["name"] for r in rows}
    assert {"Police Scotland", "Police Service of Northern Ireland"} <= names
    assert all(isinstance(r["records"], int) and r["records"] >= 0 for r in rows)
    assert all(r["region"] for r in rows)


def test_sources_json(pcc):
    out = pcc("sources", "--json")
    assert out.code == 0
    rows = out.json()
    assert len(rows) >= 4
    assert all(r["type"] == "source" for r in rows)
    assert {"briefing-2021", "news-2021", "blog-2016", "apcc-guide"} <= {r["id"] for r in rows}


# ---------------------------------------------------------------- export


def parse_export(fmt: str, text: str) -> list[str]:
    """The record ids (or, for markdown, headings) in an export."""
    if fmt == "json":
        return [r["id"] for r in json.loads(text)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in text.splitlines()]
    if fmt == "csv":
        assert text.startswith("\ufeff"), "a CSV starts with a byte order mark, for Excel"
        return [row["id"] for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))]
    if fmt == "markdown":
        return [line for line in text.splitlines() if line.startswith("### ")]
    raise AssertionError(f"no test knows how to read the {fmt!r} format")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_every_format_has_every_record(pcc, fmt):
    whole = pcc("export", "--format", "json")
    assert whole.code == 0
    records = whole.json()
    assert len(records) >= 100
    assert all(r["type"] in RECORD_TYPES for r in records)
    out = pcc("export", "--format", fmt)
    assert out.code == 0, out.stderr
    found = parse_export(fmt, out.stdout)
    assert len(found) == len(records)
    if fmt != "markdown":
        assert found == [r["id"] for r in records]
    else:
        assert out.stdout.startswith("# ")


def test_export_unknown_format_is_a_usage_error(pcc):
    out = pcc("export", "--format", "xml")
    assert out.code == 2 and "xml" in out.stderr and out.stdout == ""


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("out.csv", "csv"), ("out.jsonl", "jsonl"), ("OUT.MD", "markdown"), ("out.json", "json")],
)
def test_export_format_follows_the_output_file(cli, tmp_path, name, fmt):
    # A user who names the file figures.csv wants CSV: before, they got JSON in it.
    out = cli("export", "--type", "figure", "-o", str(tmp_path / name))
    assert out.exit_code == 0, out.stderr
    asked = cli("export", "--type", "figure", "--format", fmt)
    assert (tmp_path / name).read_text(encoding="utf-8-sig") == asked.stdout.lstrip("\ufeff")


@pytest.mark.parametrize(
    "args", [("--format", "csv", "-o", "out.json"), ("-o", "out.xlsx"), ("--json", "-o", "a.csv")]
)
def test_export_format_that_clashes_with_or_lacks_the_extension_is_a_usage_error(
    cli, tmp_path, args
):
    *options, name = args
    out = cli("export", *options, str(tmp_path / name))
    assert out.exit_code == 2 and out.stdout == ""
    assert ("does not match" in out.stderr) or ("cannot be written as '.xlsx'" in out.stderr)
    assert not (tmp_path / name).exists()


def test_export_json_ids_are_unique(cli):
    ids = [r["id"] for r in json.loads(cli("export", "--format", "json").stdout)]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- user data


@pytest.fixture
def two_data_dirs(tmp_path: Path) -> tuple[Path, Path]:
    one = write_records(tmp_path / "one", [make_record("ex-user-one", "Xylophonic outreach")])
    two = write_records(tmp_path / "two", [make_record("ex-user-two", "Quetzalcoatl mentoring")])
    return one, two


def test_data_dir_adds_records(pcc, two_data_dirs):
    one, two = two_data_dirs
    out = pcc("--data-dir", str(one), "--data-dir", str(two), "search", "xylophonic", "--json")
    assert out.code == 0, out.stderr
    assert out.json()[0]["id"] == "ex-user-one"
    out = pcc("--data-dir", str(one), "--data-dir", str(two), "search", "quetzalcoatl", "--json")
    assert out.json()[0]["id"] == "ex-user-two"


def test_data_env_variable_adds_records_from_each_directory(pcc, two_data_dirs):
    env = {"PCC_IDEAS_DATA": os.pathsep.join(map(str, two_data_dirs))}
    for query, expected in (("xylophonic", "ex-user-one"), ("quetzalcoatl", "ex-user-two")):
        out = pcc("search", query, "--json", env=env)
        assert out.code == 0, out.stderr
        assert out.json()[0]["id"] == expected


def test_user_records_do_not_leak_into_the_next_run(cli, two_data_dirs):
    one, _ = two_data_dirs
    assert cli("--data-dir", str(one), "show", "ex-user-one").exit_code == 0
    assert cli("show", "ex-user-one").exit_code == 1


def test_the_app_can_be_invoked_twice_in_one_process(two_data_dirs):
    """Library users and test suites call `app` more than once: each call reads its own
    --data-dir, not the corpus the first call loaded."""
    from typer.testing import CliRunner

    from pcc_ideas.cli import app

    one, _ = two_data_dirs
    runner = CliRunner()
    first = runner.invoke(app, ["show", CS11, "--json"], catch_exceptions=False)
    assert first.exit_code == 0
    second = runner.invoke(
        app, ["--data-dir", str(one), "show", "ex-user-one", "--json"], catch_exceptions=False
    )
    assert second.exit_code == 0, second.stderr


def test_a_data_dir_that_does_not_exist_exits_2(pcc, tmp_path: Path):
    missing = tmp_path / "no-such-dir"
    out = pcc("--data-dir", str(missing), "search", "drugs")
    assert out.code == 2
    assert str(missing) in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_bad_data_exits_2_naming_file_and_line(pcc):
    folder = FIXTURES / "invalid" / "dangling-theme"
    path = folder / "record.yaml"
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "themes:" in text)
    out = pcc("--data-dir", str(folder), "search", "drugs")
    assert out.code == 2
    assert f"{path}:{line}: unknown theme 'drugz'" in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_every_problem_reaches_stderr_one_line_each(pcc):
    folder = FIXTURES / "invalid" / "two-bad-files"
    out = pcc("--data-dir", str(folder), "themes")
    assert out.code == 2
    lines = out.stderr.strip().splitlines()
    assert any(re.match(rf"{re.escape(str(folder / 'first.yaml'))}:\d+: ", x) for x in lines)
    assert any(re.match(rf"{re.escape(str(folder / 'second.yaml'))}:\d+: ", x) for x in lines)


def test_validate(pcc):
    ok = pcc("validate", str(FIXTURES / "valid"))
    assert ok.code == 0, ok.stderr
    bad = pcc("validate", str(FIXTURES / "invalid" / "two-bad-files"))
    assert bad.code == 2
    assert "first.yaml" in bad.stderr and "second.yaml" in bad.stderr


def test_validate_says_when_a_folder_given_holds_no_yaml(pcc, tmp_path):
    # "ok" alone would read as if the folder's records had been checked and passed.
    (tmp_path / "notes.txt").write_text("not a record", encoding="utf-8")
    out = pcc("validate", str(tmp_path))
    assert out.code == 0 and out.stdout.startswith("ok:")
    assert "no YAML files in" in out.stderr and str(tmp_path) in out.stderr


def test_validate_json_lists_the_problems(cli):
    out = cli("validate", str(FIXTURES / "invalid" / "two-bad-files"), "--json")
    assert out.exit_code == 2
    problems = json.loads(out.stdout)
    assert {Path(p["path"]).name for p in problems} == {"first.yaml", "second.yaml"}
    assert all(isinstance(p["line"], int) and p["line"] > 0 for p in problems)


# ---------------------------------------------------------------- output for pipes and terminals


def test_piped_lists_are_tab_separated_lines_without_escape_codes(run):
    hits = json.loads(run("search", "drugs", "-n", "5", "--json").stdout)
    out = run("search", "drugs", "-n", "5")
    assert out.returncode == 0
    assert "\x1b" not in out.stdout
    lines = out.stdout.splitlines()
    assert len(lines) == len(hits)
    assert all(line.count("\t") == lines[0].count("\t") >= 3 for line in lines)
    for line, hit in zip(lines, hits, strict=True):
        assert hit["id"] in line.split("\t")
    for command, key in (("themes", "id"), ("areas", "name")):
        rows = json.loads(run(command, "--json").stdout)
        out = run(command)
        assert "\x1b" not in out.stdout and not re.search("[─│┃━┏┗╭╰]", out.stdout)
        lines = out.stdout.splitlines()
        assert len(lines) == len(rows)
        assert all("\t" in line for line in lines)
        assert [line.split("\t")[0] for line in lines] == [r[key] for r in rows]


def test_piped_output_is_plain_even_where_the_terminal_would_colour(run):
    out = run("area", "Cleveland", env={"TERM": "xterm-256color", "COLUMNS": "120"})
    assert out.returncode == 0 and "\x1b" not in out.stdout


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    return write_records(
        tmp_path / "hostile",
        [
            make_record(
                "ex-hostile-markup",
                HOSTILE_TITLE,
                summary="Rich markup [bold]in a summary[/bold] and [red]colour[/red] stay as "
                "typed.",
            )
        ],
    )


def test_rich_markup_in_data_is_printed_literally(pcc, hostile_dir):
    out = pcc("--data-dir", str(hostile_dir), "search", "zanzibarquux")
    assert out.code == 0, out.stderr
    assert HOSTILE_TITLE in out.stdout
    shown = pcc("--data-dir", str(hostile_dir), "show", "ex-hostile-markup")
    assert HOSTILE_TITLE in shown.stdout and "[bold]in a summary[/bold]" in shown.stdout


def run_on_terminal(command: str, *args: str, env: dict[str, str]) -> str:
    """Run the command with stdout on a pseudo-terminal; return what it printed."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "PCC_IDEAS_DATA")
    }
    full_env.update(
        {"COLUMNS": "250", "LINES": "50", "TERM": "xterm-256color", "PAGER": "cat", **env}
    )
    proc = subprocess.Popen(
        [command, *args],
        stdout=slave,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=full_env,
    )
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                proc.kill()
                raise AssertionError("no output from the terminal run in 30 s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        proc.wait(timeout=30)
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_rich_markup_in_data_is_literal_on_a_terminal(command, hostile_dir, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    shown = run_on_terminal(
        command, "--data-dir", str(hostile_dir), "search", "zanzibarquux", env=env
    )
    assert "\x1b[" in shown, "a terminal gets Rich output"
    text = re.sub(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\", "", shown)
    assert "[bold red]Zanzibarquux[/bold red]" in text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_brief_is_rendered_on_a_terminal_with_data_kept_literal(command, hostile_dir, tmp_path):
    # On a terminal the pack's Markdown is rendered (no "#" headings or "**" left), and text
    # from data, escaped when the Markdown was written, shows as typed.
    shown = run_on_terminal(
        command,
        "--data-dir",
        str(hostile_dir),
        "brief",
        "--theme",
        "drugs",
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\]8;[^\x1b]*\x1b\\", "", shown)
    assert "Briefing pack" in text and "Key figures" in text
    assert "## Key figures" not in text and "**4,393**" not in text
    assert "[bold red]Zanzibarquux[/bold red]" in text


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_no_color_is_respected_on_a_terminal(command, tmp_path):
    shown = run_on_terminal(
        command,
        "search",
        "naloxone",
        env={"NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    params = re.findall(r"\x1b\[([0-9;]*)m", shown)
    colours = [
        p for p in params for n in p.split(";") if n and (30 <= int(n) <= 49 or 90 <= int(n) <= 107)
    ]
    assert not colours, colours[:5]
    assert "naloxone" in shown.casefold()


def without_tabs(data):
    """The same data with tabs and newlines in its strings made spaces."""
    if isinstance(data, str):
        return " ".join(data.split())
    if isinstance(data, list):
        return [without_tabs(x) for x in data]
    if isinstance(data, dict):
        return {k: without_tabs(v) for k, v in data.items()}
    return data


def tabbed_dirs(tmp_path: Path, records: list[dict]) -> tuple[Path, Path]:
    """The records as written, and a control copy with no tabs or newlines in them."""
    return (
        write_records(tmp_path / "tabs", records),
        write_records(tmp_path / "clean", without_tabs(records)),
    )


def test_tabs_and_newlines_in_data_do_not_break_one_record_per_line(cli, tmp_path):
    """Either refused as invalid data, or shown on one line with the same number of fields."""
    tabs, clean = tabbed_dirs(
        tmp_path, [make_record("ex-tab-title", "Vorpalblade\tcolumn\nand a second line")]
    )
    control = cli("--data-dir", str(clean), "search", "vorpalblade")
    assert control.exit_code == 0, control.stderr
    out = cli("--data-dir", str(tabs), "search", "vorpalblade")
    if out.exit_code == 2:  # refused as invalid data: also keeps the contract
        assert "ex-tab-title" in out.stderr
        return
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].count("\t") == control.stdout.splitlines()[0].count("\t")


@pytest.mark.parametrize("command", ["themes", "sources"])
def test_tabs_and_newlines_in_data_do_not_break_the_other_lists(cli, tmp_path, command):
    """`themes` and `sources` are lists too: a user's theme or source with a tab or a newline
    in its title (or an endnote's) is still one line with the usual number of fields."""
    tabs, clean = tabbed_dirs(
        tmp_path,
        [
            {
                "id": "snark-theme",
                "type": "theme",
                "title": "Snark\thunt\nsecond line",
                "summary": "A theme made by the tests.",
                "themes": ["snark-theme"],
                "sources": [{"source": "briefing-2021"}],
                "aliases": ["snark"],
            },
            {
                "id": "snark-source",
                "type": "source",
                "title": "Snark\tsource\nsecond line",
                "summary": "A source made by the tests.",
                "themes": [],
                "sources": [],
                "year": 2020,
                "endnotes": [{"number": 1, "title": "An endnote\twith a tab\nand a newline"}],
            },
        ],
    )
    control = cli("--data-dir", str(clean), command)
    assert control.exit_code == 0, control.stderr
    out = cli("--data-dir", str(tabs), command)
    if out.exit_code == 2:  # refused as invalid data: also keeps the contract
        assert "snark" in out.stderr
        return
    assert out.exit_code == 0, out.stderr
    lines, expected = out.stdout.splitlines(), control.stdout.splitlines()
    assert len(lines) == len(expected), lines[-3:]
    assert [x.count("\t") for x in lines] == [x.count("\t") for x in expected]


def test_a_pipe_closed_early_is_quiet(command, big_data_dir, tmp_path):
    """`pcc-ideas export --format jsonl | head -c 64K`: output far beyond a pipe's buffer."""
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    proc = subprocess.Popen(
        [command, "--data-dir", str(big_data_dir), "export", "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    head = proc.stdout.read(64 * 1024 + 1)
    assert len(head) == 64 * 1024 + 1, "the export is larger than 64 KiB"
    json.loads(head.split(b"\n", 1)[0])
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err
    assert "BrokenPipe" not in err
    assert "Exception ignored" not in err
    assert err == ""


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell")
def test_a_shell_pipe_into_head_is_quiet(command, big_data_dir, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    proc = subprocess.run(
        [
            "sh",
            "-c",
            '"$0" --data-dir "$1" export --format jsonl | head -1',
            command,
            str(big_data_dir),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 1
    assert json.loads(proc.stdout)["id"]
    assert proc.stderr == ""


# ---------------------------------------------------------------- version and help


def test_python_m_version(run):
    out = run("--version", python_module=True)
    assert out.returncode == 0, out.stderr
    assert pcc_ideas.__version__ in out.stdout


def test_command_version(pcc):
    out = pcc("--version")
    assert out.code == 0 and pcc_ideas.__version__ in out.stdout


def test_no_arguments_shows_help(pcc):
    out = pcc()
    assert "Usage" in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_an_unknown_command_is_a_usage_error(pcc):
    out = pcc("frobnicate")
    assert out.code == 2 and "Traceback" not in out.stderr


def test_the_written_data_is_read_as_written(tmp_path, cli):
    """A user's own record comes back from `show --json` with the values it was written with."""
    record = make_record("ex-roundtrip", "Round trip", year="2019-20", areas=["Kent", "Sussex"])
    write_yaml(tmp_path / "r" / "r.yaml", record)
    out = cli("--data-dir", str(tmp_path / "r"), "show", "ex-roundtrip", "--json")
    shown = json.loads(out.stdout)
    for key, value in record.items():
        assert shown[key] == value, key
    assert shown["scope"] == "multi-area"


# ---------------------------------------------------------------- issue: what users tried


def test_dash_h_is_help(cli):
    out = cli("search", "-h")
    assert out.exit_code == 0 and "Example: pcc-ideas search" in out.stdout


def test_a_folder_given_twice_is_read_once(cli, tmp_path, monkeypatch):
    # "--data-dir d --data-dir ./d/", or the bundled folder again: every record was read
    # twice and said to be a duplicate of itself (4,644 lines for the bundled data).
    write_yaml(tmp_path / "d" / "mine.yaml", make_record("ex-given-twice", "Zyxwv twice"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PCC_IDEAS_DATA", str(tmp_path / "d"))
    out = cli("--data-dir", "d", "--data-dir", "./d/", "validate")
    assert out.exit_code == 0 and out.stdout.startswith("ok: ") and out.stderr == ""
    assert [h["id"] for h in json.loads(cli("search", "zyxwv", "--json").stdout)] == [
        "ex-given-twice"
    ]
    bundled = cli("--data-dir", str(bundled_data_dir()), "validate")
    assert bundled.exit_code == 0 and bundled.stderr == ""
    # A folder inside another, given first or after it, or a file and its folder.
    write_yaml(tmp_path / "d" / "sub" / "inner.yaml", make_record("ex-inner", "Zyxwv inner"))
    for given in (["d/sub", "d"], ["d", "d/sub"], ["d/sub/inner.yaml", "d/"]):
        out = cli(*[a for g in given for a in ("--data-dir", g)], "validate")
        assert out.exit_code == 0 and out.stderr == "", (given, out.stderr)


def test_data_dir_is_accepted_after_the_command(cli, two_data_dirs):
    first, _ = two_data_dirs
    out = cli("search", "--json", "--data-dir", str(first), "-n", "0", "xylophonic")
    before = cli("--data-dir", str(first), "search", "--json", "-n", "0", "xylophonic")
    assert out.exit_code == before.exit_code == 0
    assert json.loads(out.stdout) == json.loads(before.stdout)


# How a hit matched the user's own words, a typo of them, their exact synonym or their place:
# the records a filter's note counts as matching (see `close_matches`).
CLOSE = {"exact", "stem", "typo", "thesaurus", "place"}


def closely(hits: list[dict]) -> list[dict]:
    return [h for h in hits if any(c["how"] in CLOSE for c in h["explain"])]


def test_a_filter_that_empties_the_answer_says_which_and_how_many_match_without_it(cli):
    found = json.loads(cli("search", "heroin", "-n", "0", "--json", "--explain").stdout)
    without = closely(found)
    out = cli("search", "heroin", "--area", "Kent")
    assert out.exit_code == 1 and out.stdout == ""
    assert "Kent" in out.stderr and "--area" in out.stderr
    # Records found only through what is near the word (opioids, drug treatment), or through
    # a theme's name, are hits, but not records on heroin: a journalist would quote the count,
    # so it is of those matching closely, with how many match in all.
    assert 0 < len(without) < len(found)
    assert out.stderr.endswith(
        f"; without --area, {len(without)} match closely and {len(found)} in all\n"
    )
    assert "did you mean" not in out.stderr
    assert "at all" not in out.stderr  # Kent has records, on other things


def test_a_filter_that_keeps_no_record_at_all_says_so(cli):
    # No record is tagged Essex: "no records matching 'naloxone' are tagged Essex" read as if
    # Essex had records, on other things. An export of the area alone needs no more words.
    assert cli("export", "--area", "Kent").exit_code == 0
    for command in (["search", "naloxone"], ["theme", "drugs"], ["export", "-t", "figure"]):
        out = cli(*command, "--area", "Essex")
        assert out.exit_code == 1 and out.stdout == ""
        assert out.stderr.startswith("pcc-ideas: no record at all is tagged Essex, so no "), command
    out = cli("export", "--area", "Essex")
    assert out.stderr.startswith("pcc-ideas: no records in the corpus are tagged Essex; ")


def test_a_filtered_search_with_no_close_match_says_what_it_was_kept_to(cli):
    # Cleveland's records say heroin and opioids, never naloxone: the hits shown are only
    # near it, and the note says they are the nearest among Cleveland's records, and how
    # many records match closely without the filter.
    found = json.loads(cli("search", "naloxone", "-n", "0", "--json", "--explain").stdout)
    out = cli("search", "naloxone", "--area", "Cleveland", "--type", "figure", "-n", "1")
    assert out.exit_code == 1 and out.stdout.count("\n") == 1
    title = out.stdout.split("\t")[4]
    assert out.stderr == (
        "pcc-ideas: no close match for 'naloxone' among figures tagged Cleveland "
        f"(without --type --area, {len(closely(found))} match closely); nearest: {title}\n"
    )


def test_an_area_given_by_a_town_or_misspelt_is_said_as_read(cli):
    # "--area Liverpool" kept Merseyside's records, and nothing said Liverpool was read so.
    for command in (["search", "heroin"], ["export"], ["theme", "drugs"]):
        out = cli(*command, "--area", "Middlesbrough")
        assert "pcc-ideas: Middlesbrough is in Cleveland\n" in out.stderr
        out = cli(*command, "--area", "Clevland")
        assert "pcc-ideas: 'Clevland' read as Cleveland\n" in out.stderr
        for named in ("Cleveland", "North East"):  # an area's or a region's own name
            assert " read as " not in cli(*command, "--area", named).stderr
            assert " is in " not in cli(*command, "--area", named).stderr


def test_an_emptied_search_counts_the_records_that_match_all_of_it(cli):
    # "youth mentoring" in Swindon: "138 match without --area" counted every record that
    # says youth. A record counts when it matched each word (itself or what it stands for);
    # when none matches them all, the count says it is of records matching some.
    def words_matched(hit: dict) -> set[str]:
        return {
            w
            for c in hit["explain"]
            if c["how"] not in ("feedback", "topic")
            for w in c["word"].split()
        }

    hits = json.loads(cli("search", "youth mentoring", "-n", "0", "--json", "--explain").stdout)
    whole = [h for h in closely(hits) if words_matched(h) == {"youth", "mentoring"}]
    assert 0 < len(whole) < len(hits)
    out = cli("search", "youth mentoring", "--area", "Swindon")
    assert out.exit_code == 1
    assert f"; without --area, {len(whole)} match closely and {len(hits)} in all\n" in out.stderr
    some = json.loads(cli("search", "zzqx naloxone", "-n", "0", "--json", "--explain").stdout)
    out = cli("search", "zzqx naloxone", "--area", "Kent")
    assert out.stderr.endswith(
        f"; without --area, {len(closely(some))} match some of its words closely and "
        f"{len(some)} in all\n"
    )


def test_a_place_no_record_is_on_is_said_to_be_one_with_where_to_look(cli):
    # "Essex" matched nothing, and the nearest word was "sussex": a force area (or a town
    # in one) that no record is tagged with or names is said to be one, with the area page
    # that lists the practice across its country.
    for query, note in [
        ("Essex", "'Essex': none is tagged Essex or names it; `pcc-ideas area Essex`"),
        (
            "Isle of Wight",
            "'Isle of Wight' (in Hampshire and the Isle of Wight): none is tagged Hampshire and "
            "the Isle of Wight or names it; `pcc-ideas area 'Isle of Wight'`",
        ),
    ]:
        out = cli("search", query)
        assert out.exit_code == 1 and out.stdout == ""
        assert (
            out.stderr == f"pcc-ideas: no records match {note} shows the practice that covers it\n"
        )
    assert "did you mean" in cli("search", "Atlantis").stderr


def test_a_town_typed_in_lower_case_is_read_as_its_area_unless_an_everyday_word(cli):
    # Plain-words users type "leeds": it is read as West Yorkshire, whose records exist.
    # "sale" is an everyday word, read as one; the empty answer must not say Greater
    # Manchester has no records, when it has.
    out = cli("search", "leeds", "--json")
    assert out.exit_code == 0
    assert all("West Yorkshire" in hit["areas"] for hit in json.loads(out.stdout))
    assert "read 'leeds' as 'West Yorkshire'" in out.stderr
    tagged = cli("export", "--area", "Greater Manchester", "--format", "json").stdout
    manchester = json.loads(tagged)
    out = cli("search", "sale")
    assert out.exit_code == 1 and out.stdout == ""
    assert out.stderr == (
        f"pcc-ideas: no records match 'sale'; if you meant the place, {len(manchester)} "
        f"record{'s are' if len(manchester) > 1 else ' is'} tagged Greater Manchester: "
        "`pcc-ideas area sale` shows them\n"
    )


def test_the_filters_kept_are_named_with_the_one_that_empties_the_answer(cli):
    # Avon and Somerset has records but no figures: the message blames --type for figures
    # of the area, not for figures in the whole corpus (which has dozens).
    area = json.loads(cli("export", "--area", "Avon and Somerset", "--format", "json").stdout)
    out = cli("export", "--type", "figure", "--area", "Avon and Somerset", "--format", "csv")
    assert out.exit_code == 1 and out.stdout == ""
    assert out.stderr.strip() == (
        "pcc-ideas: no records in the corpus tagged Avon and Somerset are figures; "
        f"{len(area)} match without --type"
    )
    # With the type kept, the records counted are figures, and the message says so.
    args = ("search", "women", "--type", "figure", "-n", "0", "--json", "--explain")
    figures = json.loads(cli(*args).stdout)
    out = cli("search", "women", "--type", "figure", "--area", "Avon and Somerset")
    assert out.stderr.strip() == (
        "pcc-ideas: no figures matching 'women' are tagged Avon and Somerset; "
        f"without --area, {len(closely(figures))} match closely and {len(figures)} in all"
    )


def test_repeated_filters_keep_any_of_their_values(cli):
    def ids(*args: str) -> set[str]:
        return {
            r["id"]
            for r in json.loads(cli("search", "support", "-n", "0", "--json", *args).stdout or "[]")
        }

    women, drugs = ids("--theme", "women-and-girls"), ids("--theme", "drugs")
    assert women and drugs
    assert ids("--theme", "women-and-girls", "--theme", "drugs") == women | drugs
    kent, sussex = ids("--area", "Kent"), ids("--area", "Sussex")
    assert ids("--area", "Kent", "--area", "Sussex") == kent | sussex
    # A list written with commas is read as the option repeated; an unknown name in it is
    # still an error, not dropped (a name held in a longer one is read alone only outside
    # a list).
    assert ids("--area", "Kent, Sussex") == kent | sussex
    out = cli("search", "support", "--area", "Kent, Atlantis")
    assert out.exit_code == 1 and "'Atlantis' is not a known police force area" in out.stderr


@pytest.mark.parametrize(
    "command", [["search", "drugs"], ["theme", "drugs"], ["area", "Kent"], ["export"]]
)
def test_a_second_value_for_a_single_valued_option_is_a_usage_error(cli, command):
    out = cli(*command, "--evidence", "evaluation", "--evidence", "none-stated")
    assert out.exit_code == 2 and "--evidence" in out.stderr


def test_type_labels_are_accepted_where_ids_are(cli):
    by_label = cli("search", "drugs", "-t", "case study", "--json")
    by_id = cli("search", "drugs", "-t", "case-study", "--json")
    assert by_label.exit_code == 0 and by_label.stdout == by_id.stdout
    assert {r["type"] for r in json.loads(by_label.stdout)} == {"case-study"}


def test_filters_are_the_same_on_theme_and_area(cli):
    kent = json.loads(cli("area", "Kent", "--theme", "violence", "--json").stdout)
    assert kent["records"] and all("violence-exploitation" in r["themes"] for r in kent["records"])
    figures = json.loads(cli("theme", "drugs", "--type", "figure", "--json").stdout)
    assert figures["records"] and {r["type"] for r in figures["records"]} == {"figure"}


def test_area_with_evidence_counts_its_england_and_wales_records(cli):
    # Cleveland has nothing of its own resting on "none-stated"; the England-wide liaison
    # and diversion services do, and they are the answer.
    out = cli("area", "Cleveland", "--evidence", "none-stated", "--json")
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["national"] and all(r["evidence"] == "none-stated" for r in data["national"])
    # Nothing on the page rests on an evaluation: exit 1, saying what the filter removed.
    out = cli("area", "Cleveland", "--evidence", "evaluation")
    assert out.exit_code == 1 and "without --evidence" in out.stderr


def test_areas_jsonl_into_head_exits_0(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    proc = subprocess.run(
        ["bash", "-c", 'set -o pipefail; "$0" areas --jsonl | head -1', command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert json.loads(proc.stdout)["name"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_writing_to_a_full_device_is_one_line_and_exit_2(command, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [command, "export"], stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60
        )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_notes_nobody_can_hear_never_reach_stdout_nor_change_the_answer(command, tmp_path):
    # `2>&-` or a full stderr: the notes ("read 'Leeds' as ...") are lost, the JSON on
    # stdout stays JSON, and the answer's exit code stands.
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    args = [command, "search", "Leeds", "--json"]
    closed = subprocess.run(
        args,
        capture_output=False,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        timeout=60,
        preexec_fn=lambda: os.close(2),
    )
    assert closed.returncode == 0 and json.loads(closed.stdout)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=full, text=True, env=env)
    assert proc.returncode == 0 and json.loads(proc.stdout) == json.loads(closed.stdout)


def test_output_file_is_replaced_only_when_written_whole(cli, tmp_path):
    target = tmp_path / "figures.csv"
    out = cli("export", "--format", "csv", "--type", "figure", "-o", str(target))
    assert out.exit_code == 0 and out.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows and {"value", "measure", "year", "place", "document", "url"} <= set(rows[0])
    assert [p.name for p in tmp_path.iterdir()] == ["figures.csv"]
    missing = tmp_path / "no-such-folder" / "x.json"
    out = cli("export", "-o", str(missing))
    assert out.exit_code == 2 and len(out.stderr.strip().splitlines()) == 1


def test_export_takes_the_filters(cli):
    records = json.loads(cli("export", "--theme", "drugs", "--area", "Cleveland").stdout)
    assert records and all("drugs" in r["themes"] and "Cleveland" in r["areas"] for r in records)
    # --source too, as search takes it.
    cited = json.loads(cli("export", "--source", "apcc-guide", "--type", "figure").stdout)
    assert cited and all(any(c["source"] == "apcc-guide" for c in r["sources"]) for r in cited)


def test_export_takes_the_output_options_every_list_command_takes(cli):
    # `export --csv` is `export --format csv`, as `search --csv` is CSV; two formats clash.
    assert (
        cli("export", "--csv", "-t", "figure").stdout
        == cli("export", "--format", "csv", "-t", "figure").stdout
    )
    assert cli("export", "--jsonl").stdout == cli("export", "--format", "jsonl").stdout
    assert cli("export", "--format", "json", "--csv").exit_code == 2
    # A brief too: --json with --format html wrote HTML, and said nothing.
    clash = cli("brief", "--theme", "drugs", "--json", "--format", "html")
    assert clash.exit_code == 2 and clash.stdout == ""
    assert clash.stderr == "pcc-ideas: --format html and --json ask for two formats\n"
    assert cli("brief", "--theme", "drugs", "--json", "--format", "json").exit_code == 0


def test_search_csv(cli):
    out = cli("search", "naloxone", "--csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout.removeprefix("\ufeff"))))
    assert out.exit_code == 0 and rows[0]["id"].startswith("cs-09")


def test_a_search_of_figures_as_csv_keeps_its_scores(cli):
    # The figures sheet has the columns a spreadsheet user asks for; a search adds its score
    # to them as it does to every record's columns, in rank order.
    out = cli("search", "naloxone", "--csv", "-t", "figure").stdout.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and list(rows[0])[:2] == ["value", "measure"] and list(rows[0])[-1] == "score"
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    export = cli("export", "--format", "csv", "--type", "figure").stdout.removeprefix("\ufeff")
    assert "score" not in next(csv.reader(io.StringIO(export)))


def test_every_search_csv_has_the_same_columns(cli):
    # A charity's analyst appends the sheets of several searches: the columns must not move
    # or come and go with the types of record a search happens to find.
    headers = {
        tuple(
            next(csv.reader(io.StringIO(cli("search", q, "--csv").stdout.removeprefix("\ufeff"))))
        )
        for q in ("drugs", "women's centres", "naloxone", "Wales")
    }
    assert len(headers) == 1
    (header,) = headers
    assert header[:4] == ("id", "type", "title", "summary") and header[-1] == "score"
    export = cli("export", "--format", "csv").stdout.removeprefix("\ufeff")
    assert tuple(next(csv.reader(io.StringIO(export)))) == header[:-1]


def test_search_explain_gives_each_hit_its_reasons(cli):
    hits = json.loads(cli("search", "naloxone", "--explain", "--json").stdout)
    assert hits and all(isinstance(h["explain"], list) for h in hits)
    # Points are given to the places the score is (they had fifteen digits), and add up to it.
    hits = json.loads(cli("search", "stop and search scrutiny", "--explain", "--json").stdout)
    for hit in hits:
        points = [c["points"] for c in hit["explain"]]
        assert all(p == round(p, 4) for p in points)
        assert sum(points) == pytest.approx(hit["score"], abs=1e-3)


def test_a_related_theme_is_shown_on_the_theme_page(cli):
    data = json.loads(cli("theme", "vawg", "--json").stdout)
    related = {t["id"]: t for t in data["related_themes"]}
    # Merseyside's VAWG work is listed on the page, or pointed to from its related theme.
    shown = {r["id"] for r in data["records"]} | set(related["women-and-girls"]["highlights"])
    assert "ex-merseyside-safer-streets-vawg" in shown
    other = json.loads(cli("theme", "women-and-girls", "--json").stdout)
    assert data["id"] in {t["id"] for t in other["related_themes"]}


def test_piped_theme_and_area_are_one_record_per_line(run):
    for args in (["theme", "drugs"], ["area", "Middlesbrough"]):
        out = run(*args)
        assert out.returncode == 0
        assert all(line.count("\t") >= 3 for line in out.stdout.splitlines()), args


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("pcc-ideas theme dru", "drugs"),
        ("pcc-ideas search x --area Clev", "Cleveland"),
        ("pcc-ideas show cs-11", CS11),
        ("pcc-ideas search x --evidence eval", "evaluation"),
        ("pcc-ideas search x -t fig", "figure"),
    ],
)
def test_values_complete(run, words, expected):
    out = run(
        env={
            "_PCC_IDEAS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
    )
    assert out.returncode == 0 and expected in out.stdout.split()


# ---------------------------------------------------------------- the brief command's side


@pytest.fixture
def fake_brief(monkeypatch):
    """The brief module's interface, faked: what the command does with it is tested here."""
    from types import SimpleNamespace

    import pcc_ideas.brief as brief_module

    calls: list[tuple] = []

    def build_brief(corpus, themes, areas, evidence, today, short):
        calls.append(
            (tuple(t.id for t in themes), tuple(a.item.name for a in areas), evidence, short)
        )
        return SimpleNamespace(hints=("choose themes with --theme",), is_empty=False)

    formats = {
        "markdown": lambda b: "# Brief\n",
        "html": lambda b: "<html></html>\n",
        "json": lambda b: "{}\n",
        "docx": lambda b: b"PK\x03\x04",
    }
    extensions = {".md": "markdown", ".html": "html", ".json": "json", ".docx": "docx"}
    monkeypatch.setattr(brief_module, "build_brief", build_brief, raising=False)
    monkeypatch.setattr(brief_module, "BRIEF_FORMATS", formats, raising=False)
    monkeypatch.setattr(
        brief_module, "format_for_path", lambda p: extensions.get(Path(p).suffix), raising=False
    )
    return calls


def test_brief_format_follows_the_output_file(cli, fake_brief, tmp_path):
    out = cli("brief", "--area", "Kent", "--area", "Sussex", "-o", str(tmp_path / "b.docx"))
    assert out.exit_code == 0, out.stderr
    assert (tmp_path / "b.docx").read_bytes() == b"PK\x03\x04"
    assert fake_brief == [((), ("Kent", "Sussex"), None, False)]
    assert "pcc-ideas: choose themes with --theme" in out.stderr  # hints never in the document


def test_brief_format_that_clashes_with_the_extension_is_a_usage_error(cli, fake_brief, tmp_path):
    out = cli("brief", "--theme", "drugs", "--format", "html", "-o", str(tmp_path / "b.md"))
    assert out.exit_code == 2 and "--format" in out.stderr
    assert not (tmp_path / "b.md").exists()


def test_brief_short_and_evidence_reach_the_builder(cli, fake_brief):
    out = cli("brief", "--theme", "drug harm", "--evidence", "evaluation", "--short")
    assert out.exit_code == 0 and out.stdout == "# Brief\n"
    assert fake_brief == [(("drugs",), (), "evaluation", True)]


def test_theme_and_area_limit_each_type_and_say_what_is_left_out(cli):
    whole = json.loads(cli("theme", "drugs", "--json").stdout)["records"]
    out = cli("theme", "drugs", "-n", "1")
    lines = out.stdout.splitlines()
    assert out.exit_code == 0
    assert len(lines) == len({r["type"] for r in whole})
    assert f"{len(whole) - len(lines)} more records are not shown" in out.stderr


# ---------------------------------------------------------------- governance after May 2028


@pytest.mark.parametrize("name", ["Kent", "West Midlands", "Cardiff"])
def test_area_shows_the_announced_abolition_of_pccs_with_date_and_source(cli, name):
    # Plain output (a pipe) gives each announced change as a note before the records, on
    # stderr so that stdout stays one record per line; JSON has the changes as data.
    plain = cli("area", name)
    assert plain.exit_code == 0, plain.stderr
    notes = [n for n in plain.stderr.splitlines() if "2025-11-13" in n]
    assert len(notes) == 1
    assert "2025-11-13, announced, subject to legislation:" in notes[0]
    assert "May 2028" in notes[0]
    assert notes[0].endswith(
        "https://parallelparliament.co.uk/mp/sarah-jones/debate/2025-11-13/commons/"
        "commons-chamber/police-reform"
    )
    assert all(line.count("\t") >= 3 for line in plain.stdout.splitlines())
    changes = json.loads(cli("area", name, "--json").stdout)["area"]["changes"]
    first = next(c for c in changes if c["date"] == "2025-11-13")
    assert first["status"] == "announced, subject to legislation"
    assert "May 2028" in first["what"] and first["url"].startswith("https://")


def test_an_area_s_note_reaches_a_pipe(cli):
    # A journalist piping `area "West Midlands"` missed the High Court's quashing of the
    # transfer to the mayor: the note was shown on a terminal and in JSON only.
    note = json.loads(cli("area", "West Midlands", "--json").stdout)["area"]["note"]
    out = cli("area", "West Midlands")
    assert f"pcc-ideas: note: {note}\n" in out.stderr and "[2024] EWHC 604" in note
    assert "note:" not in cli("area", "Kent").stderr  # an area with no note says none


def test_records_a_user_adds_are_marked_as_theirs(cli, tmp_path):
    # A record from --data-dir says so: in JSON, in plain lines and in a brief; a published
    # record does not, and no data file can claim an origin for itself.
    write_yaml(tmp_path / "mine.yaml", make_record("ex-users-own-work", "Zyxwv mentoring"))
    out = cli("--data-dir", str(tmp_path), "search", "zyxwv", "--json")
    assert [r.get("origin") for r in json.loads(out.stdout)] == ["user"]
    plain = cli("--data-dir", str(tmp_path), "search", "zyxwv")
    assert "(your record)" in plain.stdout
    # The Markdown export says so by the record's type, not as a raw field.
    exported = cli("--data-dir", str(tmp_path), "export", "--format", "markdown")
    assert "*Example (your record)* · `ex-users-own-work`" in exported.stdout
    assert "**origin**" not in exported.stdout
    published = json.loads(cli("search", "naloxone", "--json").stdout)
    assert all("origin" not in r for r in published)
    pack = cli("--data-dir", str(tmp_path), "brief", "--area", "Cleveland")
    assert "Zyxwv mentoring (added by the user, not from the published sources)" in pack.stdout
    # A short pack, and a user's figure (always one line), say so too: a claim of the user's
    # must not pass for one of the briefing its references name.
    figure = {
        **make_record("fig-users-own", "Zyxwv figure"),
        "type": "figure",
        "value": "120",
        "measure": "Young people mentored",
    }
    for key in ("actions", "outcomes", "evidence", "organisations", "places"):
        figure.pop(key)
    write_yaml(tmp_path / "figure.yaml", figure)
    short = cli("--data-dir", str(tmp_path), "brief", "--area", "Cleveland", "--short")
    assert short.exit_code == 0, short.stderr
    assert "Zyxwv mentoring (added by the user, not from the published sources)" in short.stdout
    assert "**120 (added by the user, not from the published sources)**" in short.stdout
    # The figures sheet too, where a user's figure sat among published ones unmarked.
    sheet = cli("--data-dir", str(tmp_path), "export", "--type", "figure", "--format", "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(sheet.stdout.removeprefix("\ufeff")))}
    assert rows["fig-users-own"]["origin"] == "user"
    assert rows["fig-drug-treatment-cut-crime-third"]["origin"] == ""
    write_yaml(tmp_path / "claim.yaml", {**make_record("ex-claims", "Claims"), "origin": "x"})
    assert cli("--data-dir", str(tmp_path), "validate").exit_code == 2


# ---------------------------------------------------------------- start-up

# Print, at exit, every module the run imported.
IMPORTED = (
    "import atexit, sys\n"
    "atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr))\n"
    "from pcc_ideas.cli import run\n"
    "sys.argv = ['pcc-ideas', *sys.argv[1:]]\n"
    "run()\n"
)


def imported(*args: str, env: dict[str, str]) -> set[str]:
    """The modules a run of pcc-ideas imports, in a fresh process."""
    proc = subprocess.run(
        [sys.executable, "-c", IMPORTED, *args], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stderr.split())


def test_a_warm_search_imports_only_what_it_uses(tmp_path):
    # A run that finds a current cache imports none of what reads and checks the data files,
    # of the pages only a search's, and of the writers only its output's.
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    cold = imported("search", "naloxone", "--json", env=env)
    assert {"pcc_ideas.loading", "numpy"} <= cold
    warm = imported("search", "naloxone", "--json", env=env)
    reading = {"yaml", "numpy", "pcc_ideas.loading", "pcc_ideas.schema", "pcc_ideas.yamlfile"}
    assert not warm & (reading | {"pcc_ideas.rules", "pcc_ideas.indexing"})
    writers = {f"pcc_ideas.output.{name}" for name in ("plain", "rich", "markdown", "html")}
    assert not warm & (writers | {"csv", "rich"})
    assert not warm & {"pcc_ideas.pages", "pcc_ideas.emptied", "pcc_ideas.brief"}
    piped = imported("search", "naloxone", env=env)
    assert "pcc_ideas.output.plain" in piped
    assert not piped & {"pcc_ideas.output.rich", "rich"}


def test_a_warm_search_reads_no_yaml_and_corrects_no_typo(tmp_path):
    # Neither the YAML reader, nor Rich, nor the typo matcher (rapidfuzz, for words the index
    # lacks) is imported by a warm search whose words the records use.
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    imported("search", "naloxone", "--json", env=env)  # the cold run, which fills the cache
    warm = imported("search", "naloxone", "--json", env=env)
    assert not warm & {"yaml", "rich", "rapidfuzz"}


# Run the console script's function, and print at exit whether the garbage collector is on
# and how many objects are frozen.
COLLECTOR = (
    "import atexit, gc, sys\n"
    "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count(), file=sys.stderr))\n"
    "sys.argv = ['pcc-ideas', *sys.argv[1:]]\n"
    "from pcc_ideas.__main__ import main\n"
    "main()\n"
)


def test_the_console_script_runs_without_collections_and_freezes_what_it_made(tmp_path):
    # The collector is off from the first import, and the run's objects are frozen as it
    # ends, so that the collection Python makes at exit does not walk them.
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    for args in (["search", "naloxone", "--json"], ["search", "zzzzqqq"]):
        proc = subprocess.run(
            [sys.executable, "-c", COLLECTOR, *args], env=env, capture_output=True, text=True
        )
        enabled, frozen = proc.stderr.split()[-2:]
        assert enabled == "False" and int(frozen) > 0, proc.stderr


def test_a_run_builds_only_the_command_it_runs(cli, monkeypatch):
    # Typer would turn every command into a Click command at each start; the app builds the
    # one that runs, and help the others.
    built = []
    real = typer.main.get_command

    def counting(app):
        built.append(app)
        return real(app)

    monkeypatch.setattr(typer.main, "get_command", counting)
    assert cli("search", "naloxone", "--json").exit_code == 0
    others = [app for name, app in cli_module.COMMANDS.items() if name != "search"]
    assert cli_module.COMMANDS["search"] in built and not any(app in built for app in others)
    listed = cli("--help").stdout
    assert all(f"  {name} " in listed for name in cli_module.COMMANDS)
    assert all(app in built for app in others)


def test_show_gives_the_text_of_an_endnote_a_record_cites(cli):
    # The evaluation behind case study 14 is endnote 42 of the briefing; show cites it in
    # full, and names the document by its title and year, not only its id, so whoever
    # copies the citation copies what it refers to.
    out = cli("show", "cs-14")
    assert out.exit_code == 0
    assert (
        "briefing-2021 · Public Safety, Public Trust (2021) · Case study 14, endnote 42: "
        "University of Birmingham, Centre for Crime, Justice and Policing (2020) New Chance: "
        "Process and Impact Evaluation."
    ) in out.stdout


def test_a_theme_is_found_by_a_thesaurus_term_for_it(pcc):
    # Search reads "DV" as domestic abuse; so does theme: the term's concept is labelled
    # "domestic abuse", which names the theme.
    for given in ("DV", "stabbings"):
        out = pcc("theme", given, "--json")
        assert out.code == 0, given
    assert pcc("theme", "DV", "--json").json()["id"] == "domestic-abuse"
    assert pcc("theme", "xylophone").code == 1
    # Stderr says which theme a name other than its id or title opened; its id, none.
    read = "read 'DV' as the theme domestic-abuse (Domestic abuse and violence against women"
    assert read in pcc("theme", "DV").stderr
    assert "read" not in pcc("theme", "domestic-abuse").stderr
    # A brief says which theme it is on, too.
    assert read in pcc("brief", "--theme", "DV", "--short").stderr


def test_theme_and_area_take_a_name_of_several_words_without_quotes(pcc):
    # As search does: people type `area Avon and Somerset`, not `area "Avon and Somerset"`.
    assert pcc("area", "Avon", "and", "Somerset", "--json").json()["area"]["name"] == (
        "Avon and Somerset"
    )
    assert pcc("theme", "violence", "against", "women", "--json").json()["id"] == "domestic-abuse"


def test_a_brief_reads_a_list_of_areas_and_names_every_place_asked_for(cli):
    # "Kent, Sussex" is two areas (it was once read as a typo of West Sussex); Leeds and
    # Bradford are both in West Yorkshire, and the pack says where each of them lies.
    both = cli("brief", "--area", "Kent, Sussex", "--short")
    assert both.exit_code == 0 and "# Briefing pack: Kent and Sussex (summary)" in both.stdout
    towns = cli("brief", "--area", "Leeds, Bradford", "--short")
    assert "- Leeds is in West Yorkshire." in towns.stdout
    assert "- Bradford is in West Yorkshire." in towns.stdout
    assert towns.stdout.count("- Police force area: West Yorkshire") == 1
