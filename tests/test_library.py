"""The library's face: names resolved as users type them, choices checked, and pages that
know when they are empty, why, and read only the records they show."""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Sequence
from pathlib import Path

import pytest

import pcc_ideas
from pcc_ideas import models, pages, results
from pcc_ideas.lookup import NotResolved
from pcc_ideas.models import Record
from pcc_ideas.options import Shown
from pcc_ideas.query import read_query
from pcc_ideas.values import Fields, Value, replaced


def test_search_takes_names_as_users_type_them(corpus):
    by_name = corpus.search("naloxone", types="case study", themes="drug harm", areas="Durham")
    by_id = corpus.search("naloxone", types=["case-study"], themes=["drugs"], areas=["Durham"])
    assert by_name and [h.record.id for h in by_name] == [h.record.id for h in by_id]


@pytest.mark.parametrize("filters", [{"areas": "Narnia"}, {"themes": "astrology"}])
def test_an_unknown_name_raises_with_suggestions(corpus, filters):
    with pytest.raises(NotResolved):
        corpus.search("naloxone", **filters)
    with pytest.raises(NotResolved) as raised:
        corpus.search("naloxone", areas="Clevelandshire")
    assert raised.value.query == "Clevelandshire" and "Cleveland" in raised.value.suggestions


def test_generic_words_are_dropped_before_typos_are_allowed_for(corpus):
    found = corpus.gazetteer.resolve("Warwickshre Police")
    assert found.item.name == "Warwickshire" and found.query == "Warwickshre Police"


@pytest.mark.parametrize("filters", [{"types": "anecdote"}, {"evidence": "hunch"}])
def test_an_unknown_choice_is_a_value_error_naming_the_choices(corpus, filters):
    with pytest.raises(ValueError, match="choose from"):
        corpus.search("naloxone", **filters)


def test_get_or_suggest(corpus):
    assert corpus.get_or_suggest("cs-11").id.startswith("cs-11-")
    with pytest.raises(NotResolved) as several:
        corpus.get_or_suggest("rec-2016")
    assert several.value.ambiguous and len(several.value.suggestions) > 1
    with pytest.raises(NotResolved) as typo:
        corpus.get_or_suggest("cs-11-middlesbrough-heroin-asisted-treatment")
    assert "cs-11-middlesbrough-heroin-assisted-treatment" in typo.value.suggestions


def test_a_page_emptied_by_a_filter_says_which_and_how_many_match_without_it(corpus):
    page = results.search_page(corpus, "heroin", corpus.filters(areas="Kent"), 10)
    assert page.is_empty and page.emptied
    assert [f.name for f in page.emptied.filters] == ["area"]
    # Those matching "heroin" itself: not those found only through what is near it.
    found = corpus.search("heroin")
    assert page.emptied.without == sum(h.strong for h in found) < len(found)
    assert "tagged Kent" in page.empty_message()


def test_an_area_page_counts_its_england_and_wales_records(corpus):
    # The England-wide liaison and diversion services rest on no stated evidence: with that
    # filter, Cleveland's page holds them although none of its own records qualifies.
    page = pages.area_page(corpus, "Cleveland", corpus.filters(evidence="none-stated"))
    assert not page.is_empty and page.national
    assert all(getattr(r, "evidence", None) == "none-stated" for r in page.national)


class Counting(Sequence[Record]):
    """Records that count how many distinct ones were read."""

    def __init__(self, records: Sequence[Record]):
        self._records, self.read = records, set()

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, i):  # type: ignore[override]
        self.read.add(i)
        return self._records[i]


@pytest.mark.parametrize(
    "build",
    [
        lambda c: pages.themes_page(c),
        lambda c: pages.areas_page(c),
        lambda c: pages.area_page(c, "Cambridgeshire"),
        lambda c: pages.theme_page(c, "women-and-girls"),
        lambda c: pages.record_page(c, c.get_or_suggest("cs-11")),
    ],
    ids=["themes", "areas", "area", "theme", "show"],
)
def test_pages_read_only_the_records_they_show(corpus, build):
    counting = Counting(corpus.records)
    fresh = dataclasses.replace(corpus, records=counting)
    fresh.__dict__["index"] = corpus.index  # the same index, already built
    # What ranking reads is the search's own business (tested with the index); here, the
    # pages' reads alone are counted.
    fresh.matching = corpus.matching  # type: ignore[method-assign]
    page = build(fresh)
    counting.read.clear()
    page = build(fresh)
    shown = {r.id for r in page_records(page)}
    read = {corpus.records[i].id for i in counting.read}
    assert read <= shown, sorted(read - shown)[:5]


def as_plain_dataclass(value):
    """The same value as an instance of a plain `@dataclass` (frozen if it is) of the same name
    and fields, whose methods `dataclass` generates."""
    cls = type(value)
    fields = dataclasses.fields(cls)
    plain = dataclasses.make_dataclass(
        cls.__name__,
        [
            (f.name, f.type, dataclasses.field(default=None, repr=f.repr, compare=f.compare))
            for f in fields
        ],
        frozen=cls.__dataclass_params__.frozen,
    )
    plain.__qualname__ = cls.__qualname__
    made = plain()
    for f in fields:
        v = getattr(value, f.name)
        if isinstance(v, Fields):
            v = as_plain_dataclass(v)
        elif isinstance(v, (tuple, list)) and v and isinstance(v[0], Fields):
            v = type(v)(as_plain_dataclass(x) for x in v)
        object.__setattr__(made, f.name, v)
    return made


def test_dataclasses_behave_as_if_their_methods_were_generated(corpus):
    # The dataclasses take equality, hashing and repr from bases written once rather than
    # from methods generated for each (see `values`): they behave as if generated.
    hits = corpus.search("stabbing in Teesside", limit=3)
    assert hits and all(h.explain for h in hits)
    frozen = [
        *corpus.records,
        *corpus.gazetteer.areas,
        *corpus.thesaurus.concepts,
        *hits,
        *(c for h in hits for c in h.explain),
        *(s for s in corpus.thesaurus.spans(["knife", "crime"])),
        *corpus.filters(types="case study", areas="Teesside"),
        corpus.gazetteer.resolve("Teesside"),
    ]
    mutable = [
        corpus.gazetteer,
        read_query("knife crime in Teesside", corpus.thesaurus),
        results.search_page(corpus, "naloxone", (), 3),
        Shown(json=True),
    ]
    for value in [*frozen, *mutable]:
        plain = as_plain_dataclass(value)
        assert repr(value) == repr(plain)
        assert value == dataclasses.replace(value) and value != plain
        if isinstance(value, Value):
            assert hash(value) == hash(plain)
            with pytest.raises(dataclasses.FrozenInstanceError):
                value.id = "changed"  # type: ignore[misc]
        else:
            with pytest.raises(TypeError):
                hash(value)
    first, second = corpus.records[0], corpus.records[1]
    assert first != second and first != dataclasses.replace(first, title="Another title")
    assert models.Citation("a-source") == models.Citation("a-source")
    assert models.Citation("a-source") != models.Citation("a-source", ref="p. 1")
    assert models.Citation("1") != models.Endnote(1) and models.Citation("a") != ("a", None, None)
    assert len({models.Citation("a"), models.Citation("a"), models.Citation("b")}) == 2


def test_replaced_is_dataclasses_replace(corpus):
    # `replaced` copies a record's fields rather than calling `__init__` again: the copy must
    # be the one `dataclasses.replace` makes, field for field, and of the same shape in memory.
    for record in corpus.records:
        for changes in ({}, {"areas": ("Cleveland",)}, {"areas": (), "origin": "user"}):
            made, expected = replaced(record, **changes), dataclasses.replace(record, **changes)
            assert made == expected and repr(made) == repr(expected)
            assert list(vars(made)) == list(vars(expected))
    with pytest.raises(TypeError):
        replaced(corpus.records[0], colour="red")
    gazetteer = corpus.gazetteer  # has a `__post_init__` (a list made a tuple): `__init__` runs
    assert replaced(gazetteer, areas=[]).areas == ()


def test_related_records_are_those_closest_in_content_on_the_same_themes(corpus):
    def related(record_id: str) -> list[str]:
        record = corpus.get(record_id)
        assert record is not None
        return [r.id for r in corpus.related(record)]

    # A recommendation to equip officers with naloxone: where naloxone was handed out comes
    # before strategies that share more of its themes but say nothing of naloxone.
    assert {"cs-09-naloxone-west-midlands-durham", "fig-west-midlands-naloxone-trained-75"} <= set(
        related("rec-2021-naloxone")[:3]
    )
    # The return on drug treatment: the same figure for alcohol, from the same slides, first.
    assert related("fig-apcc-drug-treatment-return")[0] == "fig-apcc-alcohol-treatment-return"
    # Never the record itself, a theme or a source document.
    for record in corpus.records[:40]:
        found = corpus.related(record)
        assert record not in found
        assert not {r.type for r in found} & {"theme", "source"}


def test_every_dataclass_takes_its_methods_from_the_values_bases():
    package = Path(pcc_ideas.__file__).parent
    for path in sorted(package.rglob("*.py")):
        name = ".".join(("pcc_ideas", *path.relative_to(package).with_suffix("").parts))
        if name == "pcc_ideas.__main__":  # runs the command
            continue
        module = importlib.import_module(name.removesuffix(".__init__"))
        for cls in vars(module).values():
            if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__:
                base = Value if cls.__dataclass_params__.frozen else Fields
                assert issubclass(cls, base), cls
                assert "__eq__" not in vars(cls) and "__repr__" not in vars(cls), cls


def page_records(page) -> list[Record]:
    if isinstance(page, pages.ThemesPage):
        return list(page.themes)
    if isinstance(page, pages.AreasPage):
        return []
    if isinstance(page, pages.AreaPage):
        return [r for _, _, rs in page.sections() for r in rs]
    if isinstance(page, pages.ThemePage):
        return [
            page.theme,
            *page.records,
            *(x for r in page.related for x in (r.theme, *r.highlights)),
        ]
    return [page.record, *page.related, *page.cited]


def test_a_theme_s_id_is_its_own_whatever_a_user_theme_calls_itself(tmp_path: Path):
    # A user's theme titled "Drugs", with the alias "drugs", must not hide the bundled theme
    # whose id is drugs (`--theme drugs` said it was no known theme); two themes sharing an
    # alias are named as such, not taken for a thesaurus term.
    from conftest import write_records

    def theme(record_id: str, title: str, aliases: list[str]) -> dict[str, object]:
        return {
            "id": record_id,
            "type": "theme",
            "title": title,
            "summary": "A theme of the tests.",
            "aliases": aliases,
            "themes": [record_id],
            "sources": [{"source": "briefing-2021"}],
        }

    write_records(
        tmp_path,
        [
            theme("my-theme", "Drugs", ["drugs", "shared name"]),
            theme("their-theme", "Theirs", ["shared name"]),
        ],
    )
    corpus = pcc_ideas.load(extra=[tmp_path], use_env=False)
    assert corpus.theme("drugs").item.id == "drugs"
    assert corpus.theme("my-theme").item.id == "my-theme"
    with pytest.raises(NotResolved) as both:
        corpus.theme("shared name")
    assert both.value.ambiguous and {"my-theme", "their-theme"} <= set(both.value.suggestions)
