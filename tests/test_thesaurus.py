"""The thesaurus: one failing fixture per rule under tests/fixtures/thesaurus/<rule>/, read on
top of the bundled corpus as `--data-dir` would; and how a query uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

import pcc_ideas
from pcc_ideas.corpus import data_dirs, validated
from pcc_ideas.loading import InvalidData
from pcc_ideas.query import GENERIC_WEIGHT, read_query
from pcc_ideas.thesaurus import (
    LINKED_WEIGHT,
    MAX_EXPANSIONS,
    SYNONYM_WEIGHT,
    Concept,
    Thesaurus,
)

RULES = FIXTURES / "thesaurus"

# rule folder -> (the text on the line the error must name, words the message must hold)
CASES = {
    "unknown-key": ("prefLabel", "unknown key 'preflabel'"),
    "duplicate-id": ("id: fixture-twice", "duplicate concept id 'fixture-twice'"),
    "duplicate-term": ("id: fixture-two", "also a term of 'fixture-one'"),
    "unknown-link": ("id: fixture-narrow", "unknown concept 'fixture-nowhere'"),
    "cycle": ("id: fixture-egg", "broader than itself"),
    "self-link": ("id: fixture-self", "cannot be related to itself"),
    "bad-id": ("id: Fixture", "must be lower-case letters, digits and hyphens"),
    "stop-words-only": ("id: fixture-stop-words", "only stop words"),
    "not-a-list": ("concepts:", "concepts: expected a list, found a string"),
    # A tag YAML does not define on the list was not looked at, and the file passed.
    "list-with-a-tag": ("concepts:", "found a value with the unknown tag"),
}


def line_of(path: Path, marker: str) -> int:
    """The number of the last line holding marker: an error about a concept names the line
    its mapping starts on, and a duplicate is the second of the two."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(n for n, line in enumerate(lines, 1) if marker in line)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_has_a_failing_fixture(rule):
    marker, phrase = CASES[rule]
    path = RULES / rule / "thesaurus.yaml"
    with pytest.raises(InvalidData) as caught:
        pcc_ideas.load(extra=[path.parent], use_env=False)
    messages = [(Path(e.path).resolve(), e.line, e.message.lower()) for e in caught.value.errors]
    want = (path.resolve(), line_of(path, marker))
    assert any((p, line) == want and phrase.lower() in m for p, line, m in messages), messages


def test_a_concept_no_record_uses_is_refused_by_validate():
    # Loading accepts it (it can never match, so it harms no search); validate says so.
    path = RULES / "unmatched" / "thesaurus.yaml"
    pcc_ideas.load(extra=[path.parent], use_env=False)
    with pytest.raises(InvalidData) as caught:
        validated(data_dirs([path.parent], use_env=False))
    (error,) = caught.value.errors
    assert Path(error.path).resolve() == path.resolve() and error.line == 2
    assert "fixture-unused" in error.message


def test_a_concept_no_record_uses_linked_to_one_they_do_is_valid_and_read_through_it(tmp_path):
    # "parole" is in no record: as a concept related to probation, a search for it finds the
    # records on probation, at a linked concept's weight, and says that is what it did; the
    # fixture above, linked to nothing, could lead nowhere and is refused.
    (tmp_path / "thesaurus.yaml").write_text(
        "concepts:\n"
        "  - id: fixture-linked\n"
        "    label: zyxwv quxbar\n"
        "    alt: [qqzzxx]\n"
        "    related: [naloxone]\n",
        encoding="utf-8",
    )
    corpus = validated(data_dirs([tmp_path], use_env=False))
    hits = corpus.search("qqzzxx", limit=3)
    assert hits and all("naloxon" in h.matched and not h.strong for h in hits)
    assert corpus.readings("qqzzxx") == [
        "read 'qqzzxx' as 'zyxwv quxbar', which no record uses; searched instead for what is "
        "near it, not the same: 'naloxone'"
    ]


def test_the_bundled_thesaurus_is_valid_and_every_concept_is_used():
    corpus = validated(data_dirs(use_env=False))
    assert len(corpus.thesaurus.concepts) > 100


def test_a_user_thesaurus_adds_concepts(tmp_path):
    (tmp_path / "thesaurus.yaml").write_text(
        "concepts:\n  - id: fixture-overdose-kit\n    label: naloxone\n    alt: [zorbex kit]\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidData):  # naloxone is already a bundled term: a clash
        pcc_ideas.load(extra=[tmp_path], use_env=False)
    (tmp_path / "thesaurus.yaml").write_text(
        "concepts:\n  - id: fixture-overdose-kit\n    label: zorbex kit\n    related: []\n"
        "    alt: [overdose reversal kit of fixtures]\n",
        encoding="utf-8",
    )
    corpus = pcc_ideas.load(extra=[tmp_path], use_env=False)
    assert any(c.id == "fixture-overdose-kit" for c in corpus.thesaurus.concepts)


def test_expansions_weigh_less_than_the_users_words_and_links_less_again():
    thesaurus = Thesaurus(
        (
            Concept("knife-crime", "knife crime", alt=("stabbing",), broader=("violence",)),
            Concept("violence", "serious violence"),
        )
    )
    (group,) = read_query("stabbing", thesaurus).groups
    weights = {" ".join(e.words): (e.weight, e.how) for e in group.expansions}
    assert weights["knife crime"] == (SYNONYM_WEIGHT, "thesaurus")
    assert weights["serious violenc"] == (LINKED_WEIGHT, "broader")
    assert 0 < LINKED_WEIGHT < SYNONYM_WEIGHT < 1
    # Downwards too: a query for the broader concept finds its kinds, as SKOS's narrower.
    (group,) = read_query("serious violence", thesaurus).groups
    weights = {" ".join(e.words): (e.weight, e.how) for e in group.expansions}
    assert weights["stab"] == (LINKED_WEIGHT, "narrower")


def test_a_related_concept_is_related_both_ways():
    # SKOS's related is symmetric: "rehabilitation" names "reoffending" as related, so a
    # query for reoffending reaches records on rehabilitation too (Wonder+ in Norfolk says
    # "Rehabilitation", never "reoffending"), at the weight of a link.
    thesaurus = Thesaurus(
        (
            Concept("reoffending", "reoffending"),
            Concept("rehabilitation", "rehabilitation", related=("reoffending",)),
        )
    )
    for query, other in (("reoffending", "rehabilit"), ("rehabilitation", "reoffend")):
        (group,) = read_query(query, thesaurus).groups
        weights = {" ".join(e.words): (e.weight, e.how) for e in group.expansions}
        assert weights == {other: (LINKED_WEIGHT, "related")}


def test_an_expansion_keeps_a_word_whose_stem_is_a_stop_word():
    # "underlying" stems to "under", a stop word; stop words are told by the word, so the
    # expansion is the whole term, not the far looser "needs" alone.
    thesaurus = Thesaurus((Concept("root-causes", "root causes", alt=("underlying needs",)),))
    (group,) = read_query("root causes", thesaurus).groups
    assert [e.words for e in group.expansions] == [("under", "need")]


def test_a_word_is_read_as_a_bounded_number_of_terms_its_own_concept_s_first():
    # A user's thesaurus may pass every rule and still link a concept to hundreds of others
    # of a thousand terms each: one word of it took a search 2.8 s and 235 MB.
    spokes = tuple(
        Concept(f"spoke-{i}", f"spoke{i}", alt=tuple(f"spoke{i} term{j}" for j in range(20)))
        for i in range(100)
    )
    hub = Concept("hub", "hubword", alt=("hub synonym",), related=tuple(c.id for c in spokes))
    thesaurus = Thesaurus((hub, *spokes))
    (group,) = read_query("hubword", thesaurus).groups
    assert len(group.expansions) == MAX_EXPANSIONS < 100 * 21
    assert (
        group.expansions[0].words == ("hub", "synonym") and group.expansions[0].how == "thesaurus"
    )
    (group,) = read_query("term7", thesaurus, known=lambda w: False).groups  # in 100 concepts
    assert len(group.expansions) <= MAX_EXPANSIONS


def test_a_word_typed_many_times_is_read_through_the_thesaurus_once(monkeypatch):
    # Each copy of a word was read again: with a large user thesaurus, a query of one word
    # typed 100 times took 19 s.
    thesaurus = Thesaurus((Concept("naloxone", "naloxone", alt=("overdose antidote",)),))
    calls: list[str] = []
    real = Thesaurus.containing
    monkeypatch.setattr(
        Thesaurus, "containing", lambda self, word: calls.append(word) or real(self, word)
    )
    query = read_query("antidote " * 100, thesaurus, known=lambda w: w == "naloxon")
    assert [g.words for g in query.groups] == [("antidote",)] and calls == ["antidot"]


def test_question_words_are_not_content_but_a_query_is_never_empty():
    assert [g.words for g in read_query("how can we use naloxone").groups] == [("naloxone",)]
    assert [g.words for g in read_query("what works").groups] == [("works",)]


def test_a_word_read_through_one_topic_names_it_and_one_in_unrelated_concepts_is_not_read():
    # None of "frisked", "psychiatric" or "house" is a word the records use. "frisked" is
    # found only in a term of one concept ("stop and frisk"), so it names that topic and
    # counts in full. "psychiatric" is in terms of two concepts linked as related: one topic,
    # read through both. "house" is in terms of two unrelated concepts ("House of Commons",
    # "safe house"): nothing says which the user meant, so it is read through neither (it was
    # read as a refuge in "the burglar who broke into their house"), and counts as a word
    # that names no topic, like "men".
    thesaurus = Thesaurus(
        (
            Concept("stop-and-search", "stop and search", alt=("stop and frisk",)),
            Concept("parliament", "Parliament", alt=("House of Commons",)),
            Concept("refuges", "refuges", alt=("safe house",)),
            Concept("mental-health", "mental health", alt=("psychiatric problems",)),
            Concept(
                "mental-health-services",
                "mental health services",
                alt=("psychiatric care",),
                related=("mental-health",),
            ),
            Concept("youth-diversion", "youth diversion", alt=("youth triage",)),
            Concept("mental-health-crisis", "mental health crisis", alt=("street triage",)),
        )
    )
    used = {"stop", "search", "men", "safe", "refug", "parliament", "common", "mental"}
    topics = {"stop", "search", "parliament", "refug", "mental"}.__contains__
    frisked, men = read_query("frisked men", thesaurus, used.__contains__, topics).groups
    assert frisked.weight == 1.0
    assert {e.concept for e in frisked.expansions} == {"stop-and-search"}
    assert men.weight == GENERIC_WEIGHT
    (psychiatric,) = read_query("psychiatric", thesaurus, used.__contains__, topics).groups
    assert {e.concept for e in psychiatric.expansions} == {
        "mental-health",
        "mental-health-services",
    }
    (house,) = read_query("house", thesaurus, used.__contains__, topics).groups
    assert house.expansions == ()
    assert house.weight == GENERIC_WEIGHT
    # Unrelated concepts whose terms all end in the word name kinds of the same thing:
    # "triage" is read through youth triage and street triage.
    (triage,) = read_query("triage", thesaurus, used.__contains__, topics).groups
    assert {e.concept for e in triage.expansions} == {"youth-diversion", "mental-health-crisis"}
