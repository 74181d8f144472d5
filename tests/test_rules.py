"""The content rules of the data guide: one failing fixture per rule, under
tests/fixtures/invalid/<rule name>/, each reported once at its file and the field's line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import FIXTURES

import pcc_ideas
from pcc_ideas import rules
from pcc_ideas.corpus import load
from pcc_ideas.loading import InvalidData

INVALID = FIXTURES / "invalid"
ALL_RULES = [*rules.RECORD_RULES, *rules.CORPUS_RULES]
# The rule (folder) -> the key on whose line the problem is reported, and words it names.
EXPECTED = {
    "scope-stated": ("id:", ("scope:", "no areas must state its scope")),
    "scope-fits-areas": ("scope:", ("scope 'local' needs exactly one area", "found 2")),
    "england-only-service": ("scope:", ("'NHS England'", "use england")),
    "place-fits-scope": ("scope:", ("scope 'national' covers England and Wales", "'England'")),
    "evidence-has-outcomes": ("evidence:", ("evidence 'evaluation' but no outcomes",)),
    "endnote-urls": ("sources:", ("sources[0].url", "endnote 14 of briefing-2021", "ons.gov.uk")),
    "citation-urls": ("sources:", ("sources[0].url", "www.example.org/not-an-endnote", "endnote")),
    "endnote-named": ("sources:", ("sources[0].ref", "'Case study 12, endnote 37'")),
    "web-addresses": ("sources:", ("sources[0].url", "'javascript:alert", "not a web address")),
}
CONTENT_RULE_FOLDERS = tuple(EXPECTED)


def folder_name(rule) -> str:
    return rule.__name__.replace("_", "-")


def line_of(path: Path, marker: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(marker))


@pytest.fixture(scope="module")
def corpus() -> pcc_ideas.Corpus:
    return pcc_ideas.load(use_env=False)


def test_every_rule_has_a_fixture():
    assert sorted(map(folder_name, ALL_RULES)) == sorted(EXPECTED)
    assert all((INVALID / name / "record.yaml").is_file() for name in EXPECTED)


@pytest.mark.parametrize("name", CONTENT_RULE_FOLDERS)
def test_each_rule_fails_its_fixture_at_the_fields_line(name):
    path = INVALID / name / "record.yaml"
    marker, phrases = EXPECTED[name]
    with pytest.raises(InvalidData) as caught:
        load(extra=[path.parent], use_env=False)
    (error,) = caught.value.errors
    assert Path(error.path).resolve() == path.resolve()
    assert error.line == line_of(path, marker)
    for phrase in phrases:
        assert phrase in error.message, error


def test_the_bundled_corpus_breaks_no_rule(corpus):
    assert rules.problems(corpus.records) == []


def test_a_record_without_areas_or_scope_is_not_national(corpus):
    record = dataclasses.replace(corpus.get("ex-good-behaviour-game"), scope=None)
    assert record.effective_scope == "unplaced"
    assert [p.field for p in rules.scope_stated(record)] == ["scope"]


def test_a_citation_without_its_endnotes_url_is_caught(corpus):
    vru = corpus.get("ex-violence-reduction-units")
    cited = [c for c in vru.sources if c.ref and "endnote" in c.ref]
    assert cited
    bare = dataclasses.replace(vru, sources=tuple(dataclasses.replace(c, url=None) for c in cited))
    found = list(rules.endnote_urls([*corpus.sources, bare]))
    assert [p.field for p in found] == [f"sources[{i}].url" for i in range(len(cited))]
