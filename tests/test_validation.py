"""Validation: one failing fixture directory per rule under tests/fixtures/invalid/<rule>/.

Each is loaded on top of the bundled corpus, as `--data-dir` would, and must raise
InvalidData naming the file, the line and the problem. Lines are found in the fixture file
itself (the first line holding a marker), so the fixtures can be edited without renumbering.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, make_record, write_records, write_yaml
from test_rules import CONTENT_RULE_FOLDERS

from pcc_ideas.corpus import load
from pcc_ideas.errors import DataError, InvalidData
from pcc_ideas.yamlfile import MAX_FILE_BYTES

INVALID = FIXTURES / "invalid"
VALID = FIXTURES / "valid"
BUNDLED_CS11 = "cs-11-middlesbrough-heroin-assisted-treatment"


def line_of(path: Path, marker: bytes | str) -> int:
    """The 1-based number of the first line of path holding marker."""
    needle = marker.encode() if isinstance(marker, str) else marker
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{marker!r} is not in {path}")


def errors_of(*dirs: Path) -> list[DataError]:
    with pytest.raises(InvalidData) as caught:
        load(extra=list(dirs), use_env=False)
    errors = caught.value.errors
    assert errors, "InvalidData without errors"
    return errors


def same_file(shown: str, expected: Path) -> bool:
    return Path(shown).resolve() == expected.resolve()


@dataclass(frozen=True)
class Rule:
    folder: str  # under tests/fixtures/invalid/
    file: str  # the file the error must name
    line: int | str | bytes  # the line number, or a marker found on that line
    phrases: tuple[str, ...]  # each must be in the message (case-insensitive)


# fmt: off
RULES = [
    Rule("yaml-syntax", "record.yaml", "title: Fixture: treatment", ("yaml syntax error",)),
    Rule("not-utf8", "record.yaml", b"caf\xe9", ("not utf-8", "0xe9")),
    Rule("top-level-scalar", "record.yaml", "just a string", ("found a string",)),
    Rule("empty-file", "record.yaml", 1, ("empty",)),
    Rule("item-not-mapping", "records.yaml", "- just a string", ("each item must be a record",)),
    Rule("missing-title", "record.yaml", 1, ("missing required field 'title'",)),
    Rule("missing-type", "record.yaml", 1, ("missing required field 'type'",)),
    Rule("wrong-type-title", "record.yaml", "title:", ("title:", "expected text")),
    Rule("wrong-type-number", "record.yaml", "number:", ("number:", "expected a whole number")),
    # YAML 1.1 reads 011 as octal 9: the case study numbered 11 would be number 9.
    Rule("number-leading-zero", "record.yaml", "number:", ("number:", "without its leading zero")),
    Rule("citation-not-mapping", "record.yaml", "- briefing-2021",
         ("sources:", "expected a mapping")),
    Rule("unknown-type", "record.yaml", "type:",
         ("unknown type 'case-stdy'", "did you mean 'case-study'")),
    Rule("bad-id", "record.yaml", "id:", ("EX_Fixture_Record", "lower-case")),
    Rule("empty-themes", "record.yaml", "themes:", ("themes must not be empty",)),
    Rule(
        "duplicate-bundled-id",
        "record.yaml",
        "id:",
        ("duplicate id", BUNDLED_CS11, f"{BUNDLED_CS11}.yaml"),
    ),
    Rule(
        "dangling-theme",
        "record.yaml",
        "themes:",
        ("unknown theme 'drugz'", "did you mean 'drugs'"),
    ),
    Rule(
        "dangling-area",
        "record.yaml",
        "areas:",
        ("unknown area 'Clevland'", "did you mean 'Cleveland'"),
    ),
    Rule(
        "dangling-source",
        "record.yaml",
        "sources:",
        ("unknown source 'briefing-2012'", "did you mean 'briefing-2021'"),
    ),
    Rule(
        "bad-evidence",
        "record.yaml",
        "evidence:",
        ("evidence:", "'anecdotes' is not one of", "participant-reports"),
    ),
    Rule("alias-bomb", "record.yaml", "*a", ("alias",)),
    # A title holding a terminal escape code, written as a YAML escape ("\e[31m")...
    Rule("control-escape", "record.yaml", "title:", ("title:", "control character")),
    # ...and as a raw ESC byte in the file: still the title's line, still one clear message.
    Rule("control-raw", "record.yaml", b"\x1b", ("control character",)),
    # libyaml gives a character's place in bytes: after accented text, the line was later.
    Rule("control-after-accents", "record.yaml", b"\x1b", ("control character",)),
    # YAML reads NEL as a new line: every line number after one was off by one.
    Rule("odd-line-break", "record.yaml", "\x85".encode(), ("line break u+0085",)),
    # Characters that reorder or hide text, so a title or a link can say one thing and show
    # another: refused like control characters.
    Rule("bidi-control", "record.yaml", "title:", ("title:", "bidirectional control character")),
    # A Hangul filler and a braille blank show as blanks: a title of them showed nothing.
    Rule("invisible-character", "record.yaml", "title:", ("title:", "invisible character")),
    Rule("zero-width", "record.yaml", "title:", ("title:", "zero-width character")),
    Rule("tag-character", "record.yaml", "title:", ("title:", "zero-width character")),
    # Never text: a Word brief cannot hold U+FFFE, so validate must not pass it.
    Rule("noncharacter", "record.yaml", "title:", ("title:", "non-character")),
    # The second of two equal keys: YAML would silently keep one of them.
    Rule("duplicate-key", "record.yaml", "again", ("duplicate key 'title'", "first on line 3")),
    # A scalar YAML reads as a date must be a real one.
    Rule("bad-date", "record.yaml", "year:", ("year:", "'2020-02-30' is not a real date")),
    Rule("number-out-of-range", "record.yaml", "number:", ("number:", "out of range")),
    Rule("unknown-tag", "record.yaml", "title:", ("title:", "unknown tag '!shout'")),
    Rule("type-not-text", "record.yaml", "type:", ("type:", "expected text, found a list")),
    Rule("text-too-long", "record.yaml", "title:", ("title:", "the most allowed is 500")),
]
# fmt: on


@pytest.mark.parametrize("rule", RULES, ids=[r.folder for r in RULES])
def test_each_rule_is_reported_with_file_line_and_message(rule: Rule):
    folder = INVALID / rule.folder
    path = folder / rule.file
    line = rule.line if isinstance(rule.line, int) else line_of(path, rule.line)
    errors = errors_of(folder)
    assert len(errors) == 1, "\n".join(map(str, errors))
    (error,) = errors
    assert same_file(error.path, path), error
    assert error.line == line, error
    for phrase in rule.phrases:
        assert phrase.casefold() in error.message.casefold(), error
    assert "\n" not in error.message, "an error is one line"


def test_every_invalid_fixture_folder_has_a_rule():
    """A new fixture folder without an expectation here is a test nobody runs."""
    folders = {p.name for p in INVALID.iterdir() if p.is_dir()}
    covered = {r.folder for r in RULES} | {"unknown-key", "duplicate-id", "two-bad-files"}
    covered |= set(CONTENT_RULE_FOLDERS)  # the data guide's rules, tested in test_rules
    assert folders == covered


def test_unknown_key_suggests_the_right_one():
    folder = INVALID / "unknown-key"
    path = folder / "record.yaml"
    errors = errors_of(folder)
    unknown = [e for e in errors if "unknown key" in e.message]
    assert len(unknown) == 1, errors
    assert same_file(unknown[0].path, path)
    assert unknown[0].line == line_of(path, "tittle:")
    assert "'tittle'" in unknown[0].message
    assert "did you mean 'title'" in unknown[0].message
    # With `title` misspelt, the record has no title either: that is reported too, and nothing else.
    assert {e.message for e in errors} - {unknown[0].message} == {"missing required field 'title'"}


def test_duplicate_id_across_files_names_both_files():
    folder = INVALID / "duplicate-id"
    (error,) = errors_of(folder)
    assert same_file(error.path, folder / "b.yaml")
    assert error.line == line_of(folder / "b.yaml", "id:")
    assert "duplicate id 'ex-fixture-twice'" in error.message
    assert "a.yaml" in error.message


def test_every_problem_is_collected():
    folder = INVALID / "two-bad-files"
    errors = errors_of(folder)
    by_file = {Path(e.path).name: e for e in errors}
    assert set(by_file) == {"first.yaml", "second.yaml"}, errors
    assert "unknown theme 'drugz'" in by_file["first.yaml"].message
    assert by_file["first.yaml"].line == line_of(folder / "first.yaml", "themes:")
    assert "'anecdotes' is not one of" in by_file["second.yaml"].message
    assert by_file["second.yaml"].line == line_of(folder / "second.yaml", "evidence:")


def test_a_record_that_does_not_build_still_has_its_references_checked(tmp_path: Path):
    # A misspelt key stops the record building; its unknown theme, source and area are
    # said with it, so the user fixes them in one pass, not one run at a time.
    bad = make_record(
        "ex-broken",
        "Broken",
        themes=["drugs", "drugz"],
        areas=["Clevland"],
        sources=[{"source": "briefing-2012", "ref": "Case study 11"}],
        tittle="A misspelt key",
    )
    path = write_yaml(tmp_path / "broken.yaml", bad)
    found = {(e.line, e.message.split(" (")[0]) for e in errors_of(tmp_path)}
    assert found == {
        (line_of(path, "tittle:"), "unknown key 'tittle'"),
        (line_of(path, "themes:"), "unknown theme 'drugz'"),
        (line_of(path, "areas:"), "unknown area 'Clevland'"),
        (line_of(path, "sources:"), "unknown source 'briefing-2012'"),
    }


def test_problems_in_several_directories_are_all_collected():
    errors = errors_of(INVALID / "dangling-theme", INVALID / "bad-id", INVALID / "not-utf8")
    assert {Path(e.path).parent.name for e in errors} == {"dangling-theme", "bad-id", "not-utf8"}


def test_type_errors_name_yaml_kinds_not_python_types():
    """A user wrote a mapping: the message says so, in YAML's words, not Python's (`dict`)."""
    (error,) = errors_of(INVALID / "wrong-type-title")
    assert "mapping" in error.message
    assert "dict" not in error.message


def test_a_file_over_the_size_limit_is_refused_without_being_parsed(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as f:
        f.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    (error,) = errors_of(tmp_path)
    assert same_file(error.path, path)
    assert error.line == 1
    assert "larger than" in error.message


def test_a_missing_data_directory_is_an_error(tmp_path: Path):
    (error,) = errors_of(tmp_path / "nowhere")
    assert "nowhere" in error.path
    assert "no such" in error.message


def test_the_alias_bomb_is_refused_and_builds_nothing():
    """A billion laughs would take gigabytes if expanded; refusing it means never expanding it."""
    errors = errors_of(INVALID / "alias-bomb")
    assert all("alias" in e.message.casefold() for e in errors)


def test_a_valid_fixture_loads_and_is_found():
    corpus = load(extra=[VALID], use_env=False)
    record = corpus.get("ex-fixture-valid")
    assert record is not None
    assert record.type == "example"
    assert record.themes == ("drugs",)
    assert record.areas == ("Cleveland",)
    assert [c.source for c in record.sources] == ["briefing-2021"]
    assert corpus.search("quokkaville")[0].record.id == "ex-fixture-valid"
    assert record in corpus.in_area("Cleveland")
    assert record in corpus.with_theme("drugs")


def test_the_valid_fixture_adds_exactly_one_record(corpus):
    with_fixture = load(extra=[VALID], use_env=False)
    assert len(with_fixture.records) == len(corpus.records) + 1


def test_an_area_alias_in_data_is_stored_as_the_gazetteer_name(tmp_path: Path):
    write_yaml(
        tmp_path / "r.yaml", make_record("ex-alias-area", "Alias area", areas=["Middlesbrough"])
    )
    record = load(extra=[tmp_path], use_env=False).get("ex-alias-area")
    assert record is not None and record.areas == ("Cleveland",)


def test_a_list_of_records_in_one_file_loads(tmp_path: Path):
    write_yaml(tmp_path / "many.yaml", [make_record(f"ex-many-{i}", f"Many {i}") for i in range(3)])
    corpus = load(extra=[tmp_path], use_env=False)
    assert all(corpus.get(f"ex-many-{i}") for i in range(3))


def test_the_environment_variable_is_read_only_when_asked(tmp_path: Path, monkeypatch):
    write_yaml(tmp_path / "r.yaml", make_record("ex-from-env", "From the environment"))
    monkeypatch.setenv("PCC_IDEAS_DATA", str(tmp_path))
    assert load(use_env=True).get("ex-from-env") is not None
    assert load(use_env=False).get("ex-from-env") is None


def test_a_scalar_yaml_would_type_keeps_its_text_as_written(tmp_path: Path):
    """`value: 0.50` is the figure "0.50" (not 0.5), `year: 2019` the text "2019"."""
    (tmp_path / "r.yaml").write_text(
        "id: fig-as-written\ntype: figure\ntitle: As written\nsummary: A figure of the tests.\n"
        "themes: [drugs]\nsources: [{source: briefing-2021}]\nvalue: 0.50\nmeasure: a share\n"
        "year: 2019\nplace: 1_000\nscope: unplaced\n",
        encoding="utf-8",
    )
    record = load(extra=[tmp_path], use_env=False).get("fig-as-written")
    assert record is not None
    assert (record.value, record.year, record.place) == ("0.50", "2019", "1_000")


def test_an_error_prints_as_one_inert_line():
    error = DataError("a\x1b]52;c;eA==\x07\n.yaml", 3, "unknown key 'x\u202ey'")
    shown = str(error)
    assert shown == "a\\x1b]52;c;eA==\\x07\\n.yaml:3: unknown key 'x\\u202ey'"
    assert str(DataError("folder", 0, "cannot read")) == "folder: cannot read"


def test_invalid_data_keeps_its_errors_safe_to_print_however_they_are_printed():
    (error,) = InvalidData([DataError("x\n.yaml", 0, "bad\x1b[31m")]).errors
    assert (error.path, error.message) == ("x\\n.yaml", "bad\\x1b[31m")


def test_a_special_file_read_in_every_folder_is_read_from_the_users_too(tmp_path, monkeypatch):
    """How a file that is not records (a thesaurus, say) is plugged in: a name, a reader."""
    from pcc_ideas import loading

    seen = []

    def read_words(node, path, errors, parts):
        seen.append((Path(path).parent, [k.value for k, _ in node.value]))

    monkeypatch.setitem(loading.SPECIAL_FILES, "words.yaml", (read_words, True))
    (tmp_path / "words.yaml").write_text("naloxone: [overdose kit]\n", encoding="utf-8")
    load(extra=[tmp_path], use_env=False)
    assert (tmp_path, ["naloxone"]) in seen


def test_the_bundled_special_files_are_records_elsewhere(tmp_path: Path):
    """areas.yaml is the gazetteer only in the bundled data; in a user's folder it holds
    records like any other file."""
    write_yaml(tmp_path / "areas.yaml", make_record("ex-not-a-gazetteer", "Not a gazetteer"))
    assert load(extra=[tmp_path], use_env=False).get("ex-not-a-gazetteer") is not None


def test_the_special_files_have_duplicate_keys_refused_too(tmp_path: Path):
    from pcc_ideas.loading import Parts, read_concepts
    from pcc_ideas.yamlfile import document as parse

    path = tmp_path / "thesaurus.yaml"
    path.write_text(
        "concepts:\n  - id: rj\n    label: restorative justice\n    label: rugby jersey\n"
    )
    errors: list[DataError] = []
    parts = Parts()
    read_concepts(parse(path), str(path), errors, parts)
    assert [(e.line, e.message) for e in errors] == [(4, "duplicate key 'label' (first on line 3)")]
    assert parts.concepts == []


@pytest.mark.parametrize(
    "field, written", [("number", "~"), ("number", "null"), ("title", "'   '")]
)
def test_a_required_field_left_blank_is_empty(tmp_path: Path, field: str, written: str):
    record = make_record("cs-99-blank", "Blank", type="case-study", number=99)
    del record[field]
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(record) + f"{field}: {written}\n", encoding="utf-8")
    (error,) = errors_of(tmp_path)
    assert error.message == f"{field} must not be empty"
    assert error.line == line_of(path, f"{field}: {written}")


def test_building_reports_its_progress_file_by_file(tmp_path: Path):
    from pcc_ideas.corpus import build_corpus, data_dirs

    write_records(tmp_path, [make_record(f"ex-progress-{i}", f"Progress {i}") for i in range(3)])
    heard: list[tuple[str, int, int]] = []
    corpus = build_corpus(data_dirs([tmp_path], use_env=False), lambda *a: heard.append(a))
    total = heard[-1][2]
    assert heard[-1] == ("Reading data files", total, total)
    assert [done for _, done, _ in heard] == list(range(total + 1))
    assert corpus.get("ex-progress-2") is not None


@pytest.mark.parametrize(
    "given, wanted",
    [("Young people and young adults", "young-people"), ("knife crime", "violence-exploitation")],
)
def test_a_theme_given_by_its_title_or_alias_is_answered_with_its_id(tmp_path, given, wanted):
    # The command line takes a theme by title or alias; the data needs the id, and says which.
    write_yaml(tmp_path / "r.yaml", make_record("ex-by-title", "By title", themes=[given]))
    (error,) = errors_of(tmp_path)
    assert error.message == f"unknown theme {given!r} (did you mean {wanted!r}?)"


@pytest.mark.parametrize(
    "text, line, what",
    [
        ('id: ex-a\ntype: example\ntitle: "unclosed\nsummary: x\nthemes: [drugs]\n', 3, "quoted"),
        ("id: ex-a\ntype: example\nthemes: [drugs,\nsummary: x\n", 3, "flow sequence"),
    ],
)
def test_something_left_open_is_reported_where_it_starts(tmp_path, text, line, what):
    # PyYAML finds an unclosed quote or bracket at the end of the file; the user needs the
    # line where it was opened.
    (tmp_path / "open.yaml").write_text(text, encoding="utf-8")
    (error,) = errors_of(tmp_path)
    assert error.line == line and what in error.message and "not closed" in error.message


def test_a_record_that_does_not_build_still_has_its_id_and_lists_checked(tmp_path: Path):
    # A newcomer's first record: a misspelt key, an id with capitals and spaces, no themes.
    # All three are said at once, not one run at a time.
    bad = make_record("Bradford Mentoring", "Mentoring", themes=[], tittle="misspelt")
    path = write_yaml(tmp_path / "first.yaml", bad)
    found = {(e.line, e.message.split(" (")[0]) for e in errors_of(tmp_path)}
    assert found == {
        (line_of(path, "tittle:"), "unknown key 'tittle'"),
        (
            line_of(path, "id:"),
            "id 'Bradford Mentoring' must be lower-case letters, digits and hyphens",
        ),
        (line_of(path, "themes:"), "themes must not be empty"),
    }


def test_a_source_that_does_not_build_is_not_also_unknown_where_it_is_cited(tmp_path: Path):
    # The source's own problem is said; the record citing it is not wrong as well.
    write_yaml(
        tmp_path / "source.yaml",
        {
            "id": "our-report",
            "type": "source",
            "title": "Our report",
            "kind": "annual-report",
            "summary": "Our annual report.",
            "themes": [],
            "sources": [],
        },
    )
    cites = make_record("ex-cites-our-report", "Cites", sources=[{"source": "our-report"}])
    write_yaml(tmp_path / "record.yaml", cites)
    (error,) = errors_of(tmp_path)
    assert error.path.endswith("source.yaml") and "kind" in error.message


def test_an_area_name_that_could_be_several_says_which(tmp_path: Path):
    # "Yorkshire" is in four force areas' names: the hint gives them all, as the command
    # line does, not the first near spelling.
    write_yaml(tmp_path / "r.yaml", make_record("ex-yorkshire", "Yorkshire", areas=["Yorkshire"]))
    (error,) = errors_of(tmp_path)
    assert error.message.startswith("unknown area 'Yorkshire' (it could be ")
    assert all(
        repr(a) in error.message for a in ("North Yorkshire", "South Yorkshire", "West Yorkshire")
    )


def test_a_country_given_as_an_area_is_told_the_scope_that_says_it(tmp_path: Path):
    # A record on the whole of England names no force area: its scope says so.
    for areas, scope in [(["England"], "england"), (["England and Wales"], "national")]:
        write_yaml(tmp_path / "r.yaml", make_record("ex-country", "Country", areas=areas))
        (error,) = errors_of(tmp_path)
        assert error.message.endswith(f"gives scope: {scope})"), error.message
