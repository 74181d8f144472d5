"""The counts that define a complete corpus, and the links between records."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import pcc_ideas


@pytest.fixture(scope="module")
def corpus() -> pcc_ideas.Corpus:
    return pcc_ideas.load(use_env=False)


def numbers(corpus, kind: str) -> list[int]:
    return sorted(getattr(r, "number", None) or 0 for r in corpus.of_type(kind))


def test_all_twenty_case_studies(corpus):
    assert numbers(corpus, "case-study") == list(range(1, 21))
    for r in corpus.of_type("case-study"):
        assert f"Case study {r.number}" in [c.ref for c in r.sources]
        assert r.themes and r.areas or r.scope == "national", r.id


def test_nine_recommendations_of_2016(corpus):
    recs = [
        r
        for r in corpus.of_type("recommendation")
        if any(c.source == "blog-2016" for c in r.sources) and r.number
    ]
    assert sorted(r.number for r in recs) == list(range(1, 10))


@pytest.mark.parametrize(
    "kind, count",
    [("principle", 8), ("prevention-level", 3), ("trauma-principle", 6), ("five-c", 5)],
)
def test_public_health_guidance_lists(corpus, kind, count):
    assert numbers(corpus, kind) == list(range(1, count + 1))


def test_fifty_eight_endnotes(corpus):
    briefing = corpus.get("briefing-2021")
    assert [e.number for e in briefing.endnotes] == list(range(1, 59))
    assert all(e.url or e.title for e in briefing.endnotes)


def test_every_figure_has_a_value_source_and_ref(corpus):
    figures = corpus.of_type("figure")
    assert len(figures) >= 20
    for f in figures:
        assert f.value and f.measure and f.sources and all(c.ref for c in f.sources), f.id
    values = {f.value for f in figures}
    assert {"4,393", "£2.50", "39 per cent"} <= values


def test_titles_are_unique(corpus):
    dupes = [t for t, n in Counter(r.title.casefold() for r in corpus.records).items() if n > 1]
    assert dupes == []


def test_themes_have_aliases_and_drugs_has_the_expected_ones(corpus):
    assert len(corpus.themes) >= 17
    assert all(t.aliases for t in corpus.themes)
    assert {corpus.theme(n).item.id for n in ("drugs", "drug harm", "substance misuse")} == {
        "drugs"
    }


def test_every_theme_has_records(corpus):
    assert [t.id for t in corpus.themes if not corpus.with_theme(t.id)] == []


def test_every_case_study_area_is_in_the_gazetteer(corpus):
    names = {a.name for a in corpus.gazetteer.areas}
    for r in corpus.of_type("case-study", "example"):
        assert set(r.areas) <= names


def test_urls_look_like_urls(corpus):
    for r in corpus.records:
        for c in r.sources:
            assert c.url is None or re.match(r"(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", c.url), (
                r.id,
                c.url,
            )


def test_every_place_named_in_a_case_study_finds_it_by_area(corpus):
    # "every case study of the corpus is found by `area` for each place it names"
    from pcc_ideas.lookup import NotResolved
    from pcc_ideas.pages import area_page as area_view

    for r in corpus.of_type("case-study"):
        for place in r.places:
            try:
                view = area_view(corpus, place)
            except NotResolved:
                continue  # an institution or a country such as "Wales", not a place in one area
            assert r in view.local + view.shared, (r.id, place)
