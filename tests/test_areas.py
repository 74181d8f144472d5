"""The gazetteer: every force area by its name, places and short forms (tests/area_places.yaml),
typos, and the fall-back to an area's region when it has no records of its own."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
import yaml
from conftest import TESTS

from pcc_ideas.corpus import Corpus
from pcc_ideas.lookup import NotResolved
from pcc_ideas.pages import area_page as area_view

PLACES_FILE = TESTS / "area_places.yaml"
REGIONS = {
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "Eastern",
    "South East",
    "South West",
    "London",
    "Wales",
    "Scotland",
    "Northern Ireland",
}


def load_places() -> list[dict]:
    if not PLACES_FILE.exists():
        return []
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8")) or []
    assert isinstance(data, list) and all({"place", "area"} <= set(p) for p in data)
    return data


PLACES = load_places()


def test_the_gazetteer_has_the_43_forces_and_the_two_national_ones(corpus):
    areas = corpus.gazetteer.areas
    assert sum(a.country in ("England", "Wales") for a in areas) == 43
    names = [a.name for a in areas]
    assert len(names) == len(set(names))
    assert {"Police Scotland", "Police Service of Northern Ireland"} <= set(names)
    assert all(a.region in REGIONS for a in areas)
    assert all(a.governance in ("pcc", "pfcc", "mayor", "other") and a.holder for a in areas)


def test_every_area_resolves_to_itself_by_its_name(corpus):
    for area in corpus.gazetteer.areas:
        found = corpus.gazetteer.resolve(area.name)
        assert found.item.name == area.name
        assert found.via == "name"
        for variant in (area.name.upper(), area.name.lower(), f"  {area.name}  "):
            assert corpus.gazetteer.resolve(variant).item.name == area.name, variant


def test_every_alias_resolves_to_its_area_or_is_shared(corpus):
    """An alias listed under one area only resolves to that area; a place that straddles two
    areas (listed under both) is reported as ambiguous, never silently given to one."""
    owners = Counter()
    from pcc_ideas.text import key

    for area in corpus.gazetteer.areas:
        owners.update({key(a) for a in area.aliases})
    for area in corpus.gazetteer.areas:
        for alias in area.aliases:
            if owners[key(alias)] > 1:
                with pytest.raises(NotResolved) as caught:
                    corpus.gazetteer.resolve(alias)
                assert caught.value.ambiguous and area.name in caught.value.suggestions
            else:
                assert corpus.gazetteer.resolve(alias).item.name == area.name, alias


@pytest.mark.skipif(not PLACES, reason="tests/area_places.yaml is not written yet")
@pytest.mark.parametrize("pair", PLACES, ids=[p["place"] for p in PLACES])
def test_each_listed_place_resolves(corpus, pair):
    found = corpus.gazetteer.resolve(pair["place"])
    assert found.item.name == pair["area"], (pair, found)


def test_the_places_file_names_real_areas(corpus):
    if not PLACES:
        pytest.skip("tests/area_places.yaml is not written yet")
    names = {a.name for a in corpus.gazetteer.areas}
    assert {p["area"] for p in PLACES} <= names


@pytest.mark.parametrize(
    "typed, name",
    [
        ("Warwickshre", "Warwickshire"),
        ("Dyfed Powys", "Dyfed-Powys"),
        ("devon & cornwall", "Devon and Cornwall"),
        ("Kent Police", "Kent"),
        ("Middlesbrough", "Cleveland"),
        ("Rugby", "Warwickshire"),
        ("Cardiff", "South Wales"),
        ("Strathclyde", "Police Scotland"),
        ("MOPAC", "Metropolitan Police"),
        ("Met", "Metropolitan Police"),
        ("London", "Metropolitan Police"),
    ],
)
def test_typos_short_forms_and_force_names_resolve(corpus, typed, name):
    assert corpus.gazetteer.resolve(typed).item.name == name


@pytest.mark.parametrize(
    "typed, name",
    [
        # A name held whole in a longer one is read before any typo: "North Cumbria" is two
        # edits from "Northumbria", but it holds "Cumbria".
        ("North Cumbria", "Cumbria"),
        ("Bristol north", "Avon and Somerset"),
        ("the Sussex coast", "Sussex"),
    ],
)
def test_a_name_held_in_a_longer_one_is_read_before_a_typo(corpus, typed, name):
    found = corpus.gazetteer.resolve(typed)
    assert (found.item.name, found.via) == (name, "partial")


def test_an_unknown_place_is_not_resolved_and_gets_suggestions(corpus):
    with pytest.raises(NotResolved) as caught:
        corpus.gazetteer.resolve("Atlantis")
    assert not caught.value.ambiguous
    assert caught.value.suggestions
    assert all(isinstance(s, str) and s for s in caught.value.suggestions)


def test_a_near_miss_suggests_the_right_area(corpus):
    try:
        found = corpus.gazetteer.resolve("Warwicksxxxe")
    except NotResolved as e:
        assert any("Warwickshire" in s for s in e.suggestions), e.suggestions
    else:
        assert found.item.name == "Warwickshire"


def test_short_words_are_not_corrected_into_other_areas(corpus):
    """ "Kant" is not Kent: typo tolerance needs five letters or more."""
    with pytest.raises(NotResolved):
        corpus.gazetteer.resolve("Kant")


def corpus_without(corpus: Corpus, area: str) -> Corpus:
    """The corpus with one area's tags removed from every record."""
    records = tuple(
        dataclasses.replace(r, areas=tuple(a for a in r.areas if a != area))
        if area in r.areas
        else r
        for r in corpus.records
    )
    return Corpus(records, corpus.gazetteer, corpus.thesaurus)


def area_with_no_records(corpus: Corpus) -> tuple[Corpus, str]:
    """An area with no records of its own whose region has records elsewhere: one of the
    corpus as it is if there is one, else one made by untagging an area."""
    counts = Counter(a for r in corpus.records for a in r.areas)

    def busy_neighbours(area) -> bool:
        return any(
            counts[o.name] for o in corpus.gazetteer.in_region(area.region) if o.name != area.name
        )

    for area in corpus.gazetteer.areas:
        if not counts[area.name] and busy_neighbours(area):
            return corpus, area.name
    for area in corpus.gazetteer.areas:
        if counts[area.name] and busy_neighbours(area):
            return corpus_without(corpus, area.name), area.name
    raise AssertionError("no region has two areas with records")


def test_an_area_with_no_records_falls_back_to_its_region(corpus):
    corpus, name = area_with_no_records(corpus)
    view = area_view(corpus, name)
    assert view.area.name == name
    assert view.local == [] and view.shared == []
    assert view.nearby
    sizes = [len(records) for _, records in view.nearby]
    assert sizes == sorted(sizes, reverse=True)
    for other, records in view.nearby:
        assert other.region == view.area.region and other.name != name
        assert records and all(other.name in r.areas for r in records)
    data = view.as_json()
    assert data["records"] == []
    assert [n["area"] for n in data["nearby"]] == [a.name for a, _ in view.nearby]


def test_the_fallback_also_works_on_an_untagged_copy_of_a_busy_area(corpus):
    """Cleveland has records; without them it must point to the rest of the North East."""
    assert corpus.in_area("Cleveland")
    view = area_view(corpus_without(corpus, "Cleveland"), "Cleveland")
    assert not view.local and not view.shared
    north_east = {a.name for a in corpus.gazetteer.in_region("North East")} - {"Cleveland"}
    assert {a.name for a, _ in view.nearby} == {n for n in north_east if corpus.in_area(n)}


def test_an_area_with_records_has_no_fallback(corpus):
    view = area_view(corpus, "Middlesbrough")
    assert view.area.name == "Cleveland"
    assert view.local or view.shared
    assert view.nearby == []
    assert all(len(r.areas) == 1 for r in view.local)
    assert all(len(r.areas) > 1 and "Cleveland" in r.areas for r in view.shared)
    # The JSON has the same keys for every area, empty where there is nothing: a script
    # reading `nearby` or `national` from any area's page does not fail.
    data = view.as_json()
    assert data["nearby"] == []
    assert list(data) == list(area_view(corpus, "Dyfed-Powys").as_json())


def test_country_wide_practice_is_what_covers_the_areas_country(corpus):
    # Practice the source places across England and Wales (or England, or Wales) belongs on
    # an area's page without a tag; practice it places nowhere, or in the past, never does.
    from pcc_ideas.models import covers

    practice = corpus.of_type("case-study", "example")
    cleveland = corpus.gazetteer.resolve("Cleveland").item
    gwent = corpus.gazetteer.resolve("Gwent").item
    scotland = corpus.gazetteer.resolve("Glasgow").item
    on_cleveland = {r.id for r in practice if covers(r, cleveland)}
    on_gwent = {r.id for r in practice if covers(r, gwent)}
    assert "ex-nhse-liaison-and-diversion-services" in on_cleveland - on_gwent
    assert on_gwent <= on_cleveland
    assert not any(covers(r, scotland) for r in practice)
    for r in practice:
        if r.effective_scope in ("unplaced", "past", "international", "local", "multi-area"):
            assert not covers(r, cleveland) and not covers(r, gwent), r.id


def test_country_wide_practice_follows_an_areas_own_records(corpus):
    # NHS England's liaison and diversion services cover all of England: Cleveland's page
    # lists them after its own records, marked national; Gwent's (Wales) and Scotland's do not.
    from pcc_ideas.pages import area_page

    cleveland = area_page(corpus, "Cleveland")
    assert "ex-nhse-liaison-and-diversion-services" in {r.id for r in cleveland.national}
    assert all(r.type in ("case-study", "example") and not r.areas for r in cleveland.national)
    assert not set(map(id, cleveland.national)) & set(map(id, cleveland.local + cleveland.shared))
    assert "national" in cleveland.as_json()
    gwent = {r.id for r in area_page(corpus, "Gwent").national}
    assert "ex-nhse-liaison-and-diversion-services" not in gwent
    assert area_page(corpus, "Glasgow").national == []


def test_a_region_is_answered_with_its_areas(corpus):
    # Pages say "elsewhere in South West": a user who types the region is told its areas,
    # not that it is unknown. A region that is also an area's name stays the area.
    with pytest.raises(NotResolved) as caught:
        corpus.gazetteer.resolve("south west")
    assert caught.value.ambiguous
    assert caught.value.suggestions == [
        a.name for a in corpus.gazetteer.areas if a.region == "South West"
    ]
    assert corpus.gazetteer.resolve("West Midlands").item.name == "West Midlands"


def test_a_region_is_found_by_the_other_names_people_give_it(corpus):
    # The ONS calls the police's Eastern region "East of England"; "Yorkshire and Humber" is
    # Yorkshire and the Humber without its "the". Both were unknown: the first suggested
    # Hampshire, the second read as Humberside alone. A search reads them as their areas.
    gazetteer = corpus.gazetteer
    for name, region in [
        ("East of England", "Eastern"),
        ("Yorkshire and Humber", "Yorkshire and the Humber"),
    ]:
        areas = [a.name for a in gazetteer.in_region(region)]
        assert [a.name for a in gazetteer.in_region_named(name)] == areas
        with pytest.raises(NotResolved) as caught:
            gazetteer.resolve(name)
        assert caught.value.ambiguous and caught.value.suggestions == areas
        readings = corpus.readings(f"youth violence in the {name}")
        assert readings == [f"read {name!r} as its police force areas: {', '.join(areas)}"]


def test_a_region_or_country_as_a_filter_stands_for_all_its_areas(corpus, run):
    # A Welsh office asks for what was done in Wales: --area Wales keeps the records of the
    # four Welsh force areas (it was refused as "in more than one police force area"); a name
    # that is an area and a region ("West Midlands") stays the area.
    welsh = {a.name for a in corpus.gazetteer.areas if a.country == "Wales"}
    (wales,) = corpus.filters(areas=["Wales"])
    assert set(wales.values) == welsh
    hits = corpus.search("domestic abuse", areas=["Wales"])
    assert hits and all(set(h.record.areas) & welsh for h in hits)
    (midlands,) = corpus.filters(areas=["West Midlands"])
    assert midlands.values == ("West Midlands",)
    pack = run("brief", "--area", "Wales")
    assert pack.returncode == 0
    assert "pcc-ideas: Wales is Dyfed-Powys, Gwent, North Wales and South Wales.\n" in pack.stderr
    assert all(f"Police force area: {name} (Wales)" in pack.stdout for name in welsh)
    # A pack on every area of England would be a pack on no place: a theme pack is that.
    whole = run("brief", "--area", "England")
    assert whole.returncode == 1 and "'England' covers 39 police force areas" in whole.stderr


def test_a_country_is_answered_with_how_many_areas_it_covers(corpus, run):
    # "England" is no police force area, and before, its suggestions were towns whose names
    # end like it (Fenland, Leyland). A country, or two ("England and Wales", the scope of
    # national records), stands for its areas, too many to list on one line.
    gazetteer = corpus.gazetteer
    english = [a.name for a in gazetteer.areas if a.country == "England"]
    for name, areas in [
        ("england", english),
        ("England & Wales", [a.name for a in gazetteer.areas if a.country in ("England", "Wales")]),
    ]:
        with pytest.raises(NotResolved) as caught:
            gazetteer.resolve(name)
        assert caught.value.ambiguous and caught.value.suggestions == areas
    assert gazetteer.countries("Wales and England") == ["England", "Wales"]
    # Other names of the countries, and of the wholes they make, are read as those countries.
    assert gazetteer.countries("Cymru") == ["Wales"]
    assert gazetteer.countries("UK") == ["England", "Wales", "Scotland", "Northern Ireland"]
    assert gazetteer.countries("Great Britain") == ["England", "Wales", "Scotland"]
    # A region or a country of a few areas is said to cover them, and they are named.
    with pytest.raises(NotResolved) as caught:
        gazetteer.resolve("Cymru")
    assert str(caught.value) == "'Cymru' covers 4 police force areas"
    assert caught.value.hint == "; did you mean: Dyfed-Powys, Gwent, North Wales, South Wales?"
    # A word of many areas' names is no whole they make up: "and" does not "cover" them.
    with pytest.raises(NotResolved) as caught:
        gazetteer.resolve("and")
    assert "covers" not in str(caught.value) and len(caught.value.suggestions) > 8
    assert gazetteer.countries("England and Narnia") == []
    result = run("area", "England")
    assert result.returncode == 1
    assert result.stderr == (
        f"pcc-ideas: 'England' covers {len(english)} police force areas; name one of them "
        "(`pcc-ideas areas` lists them)\n"
    )


def test_a_region_is_every_area_of_it_even_with_a_word_an_alias_holds(corpus):
    # "Yorkshire and the Humber" without its "the" held the alias Humber: a filter and a
    # pack on it were on Humberside alone, and said no county lines record was tagged there.
    yorkshire = {a.name for a in corpus.gazetteer.in_region("Yorkshire and the Humber")}
    found = corpus.gazetteer.resolve_all("Yorkshire and the Humber", most=8)
    assert len(yorkshire) == 4 and {m.item.name for m in found} == yorkshire
