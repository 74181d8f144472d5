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
        assert r.themes and (r.areas or r.scope), r.id


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


def test_gwent_lists_as_country_wide_practice_only_what_covers_wales(corpus):
    from pcc_ideas.models import covers
    from pcc_ideas.pages import area_page as area_view

    gwent = area_view(corpus, "Gwent")
    assert all(covers(r, gwent.area) for r in gwent.national)
    for r in gwent.national:
        assert r.effective_scope in ("national", "wales"), r.id
    # the two schemes the issue names as wrongly national, and the NHS England service
    for rid in (
        "ex-violence-reduction-units",
        "cs-16-leaders-unlocked-youth-commissions",
        "ex-good-behaviour-game",
        "ex-becoming-a-man-programme",
        "ex-nhse-liaison-and-diversion-services",
    ):
        assert not covers(corpus.get(rid), gwent.area), rid


@pytest.mark.parametrize("name", ["West Midlands", "Kent", "South Wales", "Cardiff"])
def test_the_2028_change_is_in_the_gazetteer(corpus, name):
    area = corpus.gazetteer.resolve(name).item
    abolition = [c for c in area.changes if "May 2028" in c.what]
    assert abolition, area.name
    first = abolition[0]
    assert first.date == "2025-11-13"
    assert first.status == "announced, subject to legislation"
    assert first.url.startswith("https://") and "police-reform" in first.url
    assert "Sarah Jones" in first.by
    assert [c.date for c in area.changes] == sorted(c.date for c in area.changes)


def test_every_area_of_england_and_wales_carries_the_announced_changes(corpus):
    for area in corpus.gazetteer.areas:
        dates = {c.date for c in area.changes}
        if area.country in ("Scotland", "Northern Ireland"):
            assert dates == set(), area.name
            continue
        assert {"2026-01-26", "2026-03-17"} <= dates, area.name  # White Paper, review
        has_commissioner = area.governance in ("pcc", "pfcc")
        assert ("2025-11-13" in dates) == has_commissioner, area.name
        assert all(c.url and c.by and c.status for c in area.changes)


def test_wales_has_its_own_route(corpus):
    cardiff = corpus.gazetteer.resolve("Cardiff").item
    kent = corpus.gazetteer.resolve("Kent").item
    wales_route = [c for c in cardiff.changes if c.date == "2025-12-02"]
    assert wales_route and "Welsh Government" in wales_route[0].what
    assert all("Welsh Government" not in c.what for c in kent.changes)


def test_west_midlands_note_no_longer_says_it_still_elects_a_pcc(corpus):
    note = corpus.gazetteer.exact("West Midlands").note
    assert "still elects" not in note
    assert "18 March 2024" in note and "2 May 2024" in note


def test_hampshire_goes_by_its_legal_name(corpus):
    for alias in ("Hampshire", "Hampshire and Isle of Wight", "Hampshire and the Isle of Wight"):
        assert corpus.gazetteer.resolve(alias).item.name == "Hampshire and the Isle of Wight"


@pytest.mark.parametrize("name", ["The Wallich", "Anawim", "EQUAL", "ICVA", "SAFE!"])
def test_organisations_thanked_in_the_briefing_are_findable(corpus, name):
    assert name in corpus.get("briefing-2021").acknowledgements
    # "EQUAL" shares its stem with "equality", which dozens of records hold: among them the
    # briefing is found when only documents are asked for.
    types = ["source"] if name == "EQUAL" else []
    hits = [h.record.id for h in corpus.search(name, types=types, limit=20)]
    assert "briefing-2021" in hits


def test_the_landscape_review_the_guide_signposts_has_a_record(corpus):
    hits = [h.record for h in corpus.search("Landscape Review 2021", limit=3)]
    assert hits and hits[0].type == "resource" and hits[0].title == "Landscape Review 2021"
    assert hits[0].effective_scope != "national"


def test_a_name_near_nothing_among_few_gets_them_all_as_suggestions(corpus):
    # The corpus has four sources: a name like none of them ("clinks", an organisation the
    # briefing thanks) is best answered with the four; among many themes, nothing is listed.
    from pcc_ideas.lookup import NotResolved

    with pytest.raises(NotResolved) as caught:
        corpus.source("clinks")
    assert sorted(caught.value.suggestions) == sorted(s.id for s in corpus.sources)
    with pytest.raises(NotResolved) as caught:
        corpus.theme("xylophone")
    assert caught.value.suggestions == []


def test_every_record_our_judged_query_sets_grade_exists(corpus):
    # The graded sets in benchmarks/ cite records by id, as users and citations do: a renamed
    # or deleted record would silently score as a miss.
    from pathlib import Path

    import yaml

    sets = sorted((Path(__file__).parent.parent / "benchmarks").glob("qrels-own*.yaml"))
    assert len(sets) >= 7
    ids = set(corpus.ids)
    for path in sets:
        queries = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = {i for q in queries for i in q["relevant"] if i not in ids}
        assert not missing, (path.name, missing)
        assert all(
            q["kind"] in {"natural", "paraphrase", "topic-place", "typo-abbrev", "keyword"}
            for q in queries
        )
