"""Search ranking pinned on real queries. Each comment says why the order is right."""

from __future__ import annotations

import pytest
from conftest import make_record, write_yaml
from hypothesis import given
from hypothesis import strategies as st

import pcc_ideas
from pcc_ideas.query import AREA_NAME_WEIGHT
from pcc_ideas.search import TYPO_WEIGHT, Index
from pcc_ideas.text import THOUSANDS, WORD, fold, max_edits, stem, terms, tokens


@pytest.fixture(scope="module")
def corpus() -> pcc_ideas.Corpus:
    return pcc_ideas.load(use_env=False)


def top(corpus: pcc_ideas.Corpus, query: str, n: int = 3, **filters: str) -> list[str]:
    return [h.record.id for h in corpus.search(query, **filters)[:n]]


def test_a_record_about_the_query_comes_first(corpus):
    # Case study 11 *is* heroin-assisted treatment in Middlesbrough; the recommendation to
    # fund HAT and the figures about its results mention it; the case study answers "where".
    ranked = top(corpus, "heroin assisted treatment")
    assert ranked[0] == "cs-11-middlesbrough-heroin-assisted-treatment"
    assert "rec-2021-heroin-assisted-treatment" in ranked


def test_abbreviations_expand_both_ways(corpus):
    # RJ is "restorative justice": Restorative Gloucestershire (case study 6) is the practice
    # example, and the recommendation to commission RJ follows it.
    assert top(corpus, "RJ", 2) == top(corpus, "restorative justice", 2)
    assert top(corpus, "RJ", 1) == ["cs-06-restorative-gloucestershire"]
    # HAT finds what "heroin-assisted treatment" finds.
    assert top(corpus, "HAT", 1) == top(corpus, "heroin assisted treatment", 1)
    # IDVA is spelt out in case study 7 (Dyfed-Powys), which must lead.
    assert top(corpus, "IDVA", 1) == ["cs-07-dyfed-powys-idva"]


def test_typos_find_what_they_mean(corpus):
    # One substitution each; exact words are not in the index, so they are corrected.
    assert top(corpus, "nalaxone", 1) == top(corpus, "naloxone", 1)
    assert top(corpus, "Glousestershire", 1) == ["cs-06-restorative-gloucestershire"]
    assert any("restorative" in r for r in top(corpus, "restorative justis"))
    # "polcie" is one edit from "police" and one from "policies": a speller takes the word
    # the records use most, and the note says the word the hits matched.
    assert corpus.index.alternatives(stem("polcie"), "polcie") == [(stem("police"), TYPO_WEIGHT[1])]
    assert corpus.readings("polcie") == ["read 'polcie' as 'police'"]
    # The note spells the correction as near what was typed as the records allow: the
    # first record on commissions says "commissioned", but "commision" meant "commission".
    assert corpus.readings("youth commision") == ["read 'commision' as 'commission'"]
    # ...with the capital the records always give a name, and only then.
    assert corpus.readings("Middlesborough") == ["read 'Middlesborough' as 'Middlesbrough'"]
    assert corpus.readings("Nalaxone") == ["read 'Nalaxone' as 'naloxone'"]
    # A typo of a word only the thesaurus holds is read as its concept: "stabings" is one
    # edit from "stabbings" (knife crime), not a correction to a records' word ("stated").
    assert corpus.readings("stabings") == ["read 'stabings' as 'knife crime'"]
    assert "knife" in " ".join(
        h.record.title.casefold() for h in corpus.search("stabings", limit=3)
    )
    # A misspelling keeps its first letter: "vaping" is one edit from "raping", and no typo.
    assert corpus.readings("vaping") == ["no record mentions 'vaping'"]
    # ...and is one edit from a word written out, not an abbreviation ("Sikhs" from SIH,
    # heroin-assisted treatment), nor only from its stem ("Gayle" and "gaol", prison).
    for name in ("Sikhs", "Gayle"):
        assert corpus.readings(name) == [f"no record mentions {name!r}"]
    # Numbers and very long words are not misspellings: nothing is read into them.
    assert corpus.index.alternatives("43933", "43933") == []
    assert corpus.index.alternatives("x" * 40 + "naloxone", "x" * 40 + "naloxone") == []
    typos = [c for h in corpus.search("polcie", limit=3) for c in h.explain if c.how == "typo"]
    assert typos and all(stem(c.matched.lower()) == stem("police") for c in typos)


def test_an_english_word_the_records_lack_is_not_read_as_a_typo(corpus):
    # "older" is one letter from "order", "defendants" a few from "depends": both are words
    # the user meant, so no record mentioning them is said, not a correction made; the
    # British spelling of the verb "practise" meets the noun "practice" by its stem.
    assert corpus.index.alternatives("older", "older") == []
    assert corpus.readings("older people") == ["no record mentions 'older'"]
    assert corpus.readings("defendants") == ["no record mentions 'defendants'"]
    assert stem("practise") == stem("practice") == stem("practising")
    assert top(corpus, "nalaxone", 1) == top(corpus, "naloxone", 1)


def test_a_verb_or_adjective_meets_its_noun_where_snowball_parts_them(corpus):
    # The records say "exclusion", users type "excluded": Snowball gives "exclud" and
    # "exclus", and the search found nothing, then read "exlcuded" as no word at all.
    for word, noun in [
        ("excluded", "exclusion"),
        ("reducing", "reduction"),
        ("intervene", "intervention"),
        ("violent", "violence"),
        ("absent", "absence"),
        ("deterrent", "deter"),
        ("detained", "detention"),
    ]:
        assert stem(word) == stem(noun)
    assert corpus.search("excluded", limit=1)
    assert corpus.readings("exlcuded") == ["read 'exlcuded' as 'exclusion'"]


def test_a_word_the_stemmer_would_cut_to_a_common_word_of_another_meaning_keeps_its_own():
    # Snowball cuts "secondment" to "second", "relatives" to the "relat" of "related", and
    # "dependency" to "depend": a search for them would find every record saying "second",
    # "related" or "it depends". Their plurals still meet them.
    for word, other in [
        ("secondment", "second"),
        ("relatives", "related"),
        ("dependency", "depends"),
    ]:
        assert stem(word) != stem(other)
    assert stem("secondments") == stem("secondment")
    assert stem("relatives") == stem("relative")
    assert stem("dependence") == stem("dependency") == stem("dependencies")


def test_a_typo_in_an_ending_the_stemmer_cuts_is_corrected(corpus):
    # "recruitmnet" stems to itself, many edits from "recruit" (the stem of "recruitment"):
    # only the word as typed, one swap from "recruitment", leads there.
    assert corpus.index.alternatives("recruitmnet", "recruitmnet") == [("recruit", TYPO_WEIGHT[1])]
    assert "cs-20-south-wales-positive-action" in top(corpus, "recruitmnet of officers", 3)


def test_a_misspelt_topic_word_weighs_as_much_in_the_query_as_spelt_right(corpus):
    # How sure a correction is weighs on each record's score, not on how much of the query
    # the word is: misspelling "recruitment" must not hand the query to "BAME" alone (the
    # race recommendation, which says nothing of recruitment, came first).
    query = "BAME recruitment into the police"
    misspelt = query.replace("recruitment", "recruitmnet")
    assert set(top(corpus, misspelt, 2)) == set(top(corpus, query, 2))


def test_short_words_are_not_corrected():
    # "art" is three letters: too short for a typo, so it must not become "part" or "arts".
    assert max_edits("art") == 0
    index = Index.build([])
    assert index.alternatives("art") == []


@given(st.text(st.sampled_from("aZ09 ,.-_&'\n\t\u00e9\u2013\u0301\u00df\u0130"), max_size=40))
def test_words_are_split_the_same_way_whichever_way_is_taken(text):
    # ASCII text without "&" is split by bytes, not by the pattern: it must give the same
    # words, or the index and the queries would read words differently.
    assert tokens(text) == WORD.findall(THOUSANDS.sub("", fold(text)))


def test_exact_words_outrank_corrected_ones(corpus):
    # "centre" is in the index; its neighbour "centres" is the same stem, and a typo'd form
    # scores lower than the word itself.
    exact = corpus.search("naloxone")[0].score
    typo = corpus.search("nalaxone")[0].score
    assert typo < exact


def test_plurals_and_irregular_forms_match(corpus):
    assert stem("drugs") == stem("drug") and stem("centres") == stem("centre")
    assert terms("women") == terms("woman")
    # "women's centre" and "womens centres" reach the same records.
    assert top(corpus, "women's centre") == top(corpus, "womens centres")


def test_words_snowball_conflates_but_the_field_keeps_apart_stay_apart():
    # Snowball gives "diversion" and "diversity" one stem, and "housing" that of "house";
    # in this field diversion is a way of dealing with offending, diversity one of race and
    # recruitment, housing a policy area (accommodation, tenancies), a house a building or a
    # chamber of Parliament.
    assert stem("diversion") != stem("diversity")
    assert stem("housing") != stem("house") and stem("houses") == stem("house")


def test_phrase_and_all_words_rank_above_partial(corpus):
    # Only case study 15 holds "strip search" as a phrase in its title; records with only
    # "search" (stop and search) must follow it.
    ranked = corpus.search("strip search")
    assert ranked[0].record.id == "cs-15-norfolk-strip-search-scrutiny"
    assert ranked[0].score > 1.5 * ranked[1].score


def test_filters_combine(corpus):
    hits = corpus.search("drug", types=["case-study"], areas="Cleveland")
    assert hits and all(
        h.record.type == "case-study" and "Cleveland" in h.record.areas for h in hits
    )
    themed = corpus.search("naloxone", themes="drugs", sources="briefing-2021")
    assert themed and all("drugs" in h.record.themes for h in themed)
    assert all(any(c.source == "briefing-2021" for c in h.record.sources) for h in themed)


def test_ties_are_broken_deterministically(corpus):
    assert [h.record.id for h in corpus.search("police")] == [
        h.record.id for h in corpus.search("police")
    ]
    scores = [h.score for h in corpus.search("police")]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["", "   ", "the of and", "*", "[", "中🚓", "a " * 900])
def test_odd_queries_do_not_crash(corpus, query):
    assert isinstance(corpus.search(query), list)


def test_an_over_long_query_is_refused_with_a_reason(corpus):
    with pytest.raises(ValueError, match="longer than"):
        corpus.search("a" * 5000)


def test_no_match_gives_suggestions(corpus):
    assert corpus.search("qqzzxxjjvvkk") == []
    assert "naloxone" in corpus.suggestions("naloxne zzzz")


# ---------------------------------------------------------------- how people ask
# Queries of every kind a user brings (a question, everyday words, a topic and a place, a
# typo or abbreviation, keywords), each pinned to what a reader of the records would want.


def test_question_words_do_not_change_the_answer(corpus):
    # "how can we use" carries no topic: the question ranks as the bare word does.
    assert top(corpus, "how can we use naloxone", 5) == top(corpus, "naloxone", 5)
    # Nor do the ends of contractions ("I'm" reads as "i" and "m").
    assert top(corpus, "I'm looking for what we'd do with naloxone", 5) == top(
        corpus, "naloxone", 5
    )
    assert corpus.readings("I'm looking for naloxone") == []


def test_a_question_reaches_the_practice_it_asks_about(corpus):
    # Operation Encompass is the scheme that tells schools when a pupil has seen domestic
    # abuse at home; the records say "school" and "domestic abuse", the user "teachers",
    # "pupil" and "violence at home".
    assert top(corpus, "telling teachers a pupil witnessed violence at home", 1) == [
        "ex-operation-encompass"
    ]


def test_everyday_words_reach_the_fields_vocabulary(corpus):
    # "Pill testing" is what the briefing calls drug checking: WEDINOS (case study 10).
    assert top(corpus, "pill testing", 1) == ["cs-10-wedinos-drug-checking"]
    # "Overdose reversal spray" is naloxone: the West Midlands and Durham case study leads.
    assert top(corpus, "overdose reversal spray", 1) == ["cs-09-naloxone-west-midlands-durham"]
    # Kids skipping school: the Bedfordshire school absenteeism pilot.
    assert top(corpus, "kids skipping school", 1) == ["ex-bedfordshire-school-absenteeism-pilot"]


def test_a_topic_and_a_place_put_the_local_practice_first(corpus):
    # Heroin-assisted treatment in Middlesbrough is the drug treatment done there.
    assert top(corpus, "drug treatment Middlesbrough", 1) == [
        "cs-11-middlesbrough-heroin-assisted-treatment"
    ]


def test_theme_names_find_the_records_tagged_with_them(corpus):
    # Case study 2 (Sussex Prisoners' Families) never says "covid" or "recovery", but it is
    # tagged with the Covid recovery theme, whose name is those words: it is found, below
    # the records that say them.
    hits = corpus.search("covid recovery")
    ids = [h.record.id for h in hits]
    assert "cs-02-sussex-prisoners-families" in ids[:10]
    assert ids.index("cs-02-sussex-prisoners-families") > ids.index("covid-recovery")
    hit = hits[ids.index("cs-02-sussex-prisoners-families")]
    # (feedback from the best hits may add to it, but the query's words matched the theme)
    assert {c.how for c in hit.explain if c.how != "feedback"} == {"theme"}


def test_everyday_words_for_people_reach_their_records(corpus):
    # "Female offenders" is what the records call women who offend: the women and girls
    # theme leads, and the women's centres follow.
    ranked = top(corpus, "female offenders", 3)
    assert ranked[0] == "women-and-girls"
    assert "ex-greater-manchester-womens-centres" in ranked


def test_explain_says_how_each_word_matched(corpus):
    # "stabbings" is a thesaurus term of knife crime; the knife crime report matches through
    # it, and the contributions add up to the score.
    hit = corpus.search("stabbings", limit=1)[0]
    assert hit.record.id == "res-youth-knife-crime-coram-2019"
    part, *rest = hit.explain
    assert (part.word, part.how) == ("stabbings", "thesaurus")
    # The words of the best hits (themselves included) add a little more, said as feedback.
    assert [c.how for c in rest] == ["feedback"] and rest[0].points < part.points
    assert "knife" in part.matched and part.field
    assert sum(c.points for c in hit.explain) == pytest.approx(hit.score, rel=1e-6)
    # A word stemmed to meet the record's form is a "stem" match, not an exact one.
    # Case study 9 says "trained" and "training", never "trains".
    hit = corpus.search("naloxone trains", limit=1)[0]
    assert hit.record.id == "cs-09-naloxone-west-midlands-durham"
    assert ("trains", "stem") in {(c.word, c.how) for c in hit.explain}
    # What it matched is shown as the record writes it, not as the index's stem ("train").
    (trains,) = [c for c in hit.explain if c.word == "trains"]
    assert trains.matched in ("trained", "training")
    # An exact match is the user's word, though the record writes another form first (the
    # hate crime recommendation's title says "victims"); words standing together are shown
    # as they stand, stop words and all ("stop search" was shown for "stop and search").
    hit = corpus.search("victim", limit=1)[0]
    assert "victims" in hit.record.title and hit.explain[0].matched == "victim"
    hit = corpus.search("stop and search scrutiny", limit=1)[0]
    phrase = [c.matched for c in hit.explain if c.how == "phrase"]
    assert "stop and search" in phrase


def test_no_close_match_is_said_only_when_no_hit_shown_matched_the_words_as_typed(corpus):
    # The records on homelessness lead "rough sleeping" through the thesaurus; one record
    # says "rough sleeping" itself, sixth: shown in ten hits, there is a close match, but not
    # in the first five.
    from pcc_ideas.results import search_page

    hits = corpus.search("rough sleeping", limit=10)
    assert [h.close for h in hits].index(True) == 5
    assert search_page(corpus, "rough sleeping", [], 10).close
    assert not search_page(corpus, "rough sleeping", [], 5).close


def test_weak_matches_are_told_apart(corpus):
    # A query the records answer in their own words is strong and close; one matched only
    # through a theme's name is neither.
    assert corpus.search("naloxone", limit=1)[0].strong
    assert corpus.search("naloxone", limit=1)[0].close
    misspelt = corpus.search("nalaxone", limit=1)[0]
    assert misspelt.strong and not misspelt.close


def test_the_best_hits_words_lift_records_on_the_same_subject(corpus):
    # "diamorphine" is in the heroin-assisted treatment records, but the figures of the
    # Middlesbrough programme say "heroin-assisted treatment" and "HAT", not "diamorphine".
    # Feedback from the best hits' words brings all four figures into the first eight,
    # ahead of a national figure on opiate deaths.
    hits = corpus.search("prescribed diamorphine", limit=8)
    ids = [h.record.id for h in hits]
    assert ids[0] == "rec-2021-heroin-assisted-treatment"
    programme = [i for i in ids if i.startswith("fig-middlesbrough-hat-")]
    assert len(programme) == 4
    assert ids.index(programme[-1]) < ids.index("fig-drug-deaths-opiates-almost-half")
    lifted = hits[ids.index(programme[-1])]
    (feedback,) = [c for c in lifted.explain if c.how == "feedback"]
    assert "heroin" in feedback.matched.lower() or "hat" in feedback.matched.lower()
    assert sum(c.points for c in lifted.explain) == pytest.approx(lifted.score, rel=1e-6)


def test_a_synonym_is_worth_no_more_than_the_users_own_words(corpus):
    # "Policing by consent" is a thesaurus concept whose terms include "legitimacy". The
    # South Wales Legitimacy Group has "legitimacy" in its title, a rarer word than "policing"
    # or "consent"; but a synonym stands in for the user's words and must not outweigh them:
    # the trust in policing theme, which says "policing" and "consent" themselves, leads.
    hits = corpus.search("policing by consent", limit=3)
    assert hits[0].record.id == "trust-in-policing"
    assert {c.how for c in hits[0].explain} >= {"exact"}
    legitimacy = next(h for h in hits if "legitimacy" in h.record.id)
    assert any(c.how == "thesaurus" for c in legitimacy.explain)


def test_a_town_the_records_never_name_stands_for_its_force_area(corpus):
    # No record says "Stockport", but the gazetteer puts it in Greater Manchester, whose
    # women's centres lead for "women in Stockport"; explain says the town was read as the
    # area's name.
    hit = corpus.search("women in Stockport", limit=1)[0]
    assert hit.record.id == "ex-greater-manchester-womens-centres"
    assert ("stockport", "Greater Manchester", "place") in {
        (c.word, c.matched, c.how) for c in hit.explain
    }
    # A place named in very few records stands for its area too: the only record saying
    # "Liverpool" names a university there, and the answer to "women in Liverpool" is
    # Merseyside's work on women's safety.
    hit = corpus.search("women in Liverpool", limit=1)[0]
    assert hit.record.areas == ("Merseyside",)
    assert ("liverpool", "Merseyside", "place") in {(c.word, c.matched, c.how) for c in hit.explain}
    # An area whose name holds a stop word is found by its words the records are indexed by:
    # A place's name, however many words, is one unit weighed below the topic, in its points
    # as in its share: the area's record on racial bias in justice decisions, which matches
    # only the place, comes after the records on drugs ("drugs" is a common word, the area's
    # name a rare one).
    for query in ("drugs in Weston-super-Mare", "knife crime in Weston-super-Mare"):
        first = corpus.search(query, limit=1)[0]
        assert not any(c.how == "place" for c in first.explain), query
    # the records on Devon and Cornwall are the first hits for Plymouth.
    tagged = len(corpus.facet("area:Devon and Cornwall"))
    hits = corpus.search("Plymouth", limit=tagged)
    assert tagged >= 3 and len(hits) == tagged
    assert all("Devon and Cornwall" in h.record.areas for h in hits)
    assert corpus.readings("women in Liverpool") == ["read 'Liverpool' as 'Merseyside'"]
    # A place name the records use as an everyday word is read as that word: "reading"
    # (a town in Thames Valley) brings in no Thames Valley record.
    hits = corpus.search("reading programmes in prison", limit=10)
    assert not any(c.how == "place" for h in hits for c in h.explain)
    assert not any("thames-valley" in h.record.id for h in hits)
    # A town is its name as written, not a word with the same stem: "settling" is not Settle
    # (North Yorkshire), nor "worth" Worthing (Sussex); the towns themselves still are.
    for word, town in [("settling", "Settle"), ("worth", "Worthing")]:
        assert not any("North Yorkshire" in r or "Sussex" in r for r in corpus.readings(word))
        assert corpus.readings(town)[0].startswith(f"read {town!r} as")
    # A town whose name is an English word is that town only when typed with a capital:
    # "sale of drugs" is about selling, "Sale" is in Greater Manchester; "stockport" is no
    # English word, and is Stockport however it is typed.
    assert corpus.readings("sale of drugs") == ["no record mentions 'sale'"]
    assert corpus.readings("knife crime in Sale") == ["read 'Sale' as 'Greater Manchester'"]
    assert corpus.readings("women in stockport") == ["read 'stockport' as 'Greater Manchester'"]


def test_a_force_area_named_in_full_is_where_the_topic_is_asked_about(corpus):
    # "West Midlands" is one place, not two rare words: before, its words outweighed the
    # topic, and the area's naloxone records led "domestic abuse West Midlands" though none
    # is on domestic abuse. Now the domestic abuse records lead, and where a record on the
    # topic is of the place (WEDINOS is in Dyfed-Powys), it leads the records of the place
    # on anything else (the Dyfed-Powys advisers on domestic violence).
    query = corpus._read("domestic abuse West Midlands")
    (place,) = [g for g in query.groups if g.place]
    assert place.words == ("west", "midlands") and place.weight == AREA_NAME_WEIGHT
    top3 = corpus.search("domestic abuse West Midlands", limit=3)
    assert all("domestic-abuse" in h.record.themes for h in top3)
    assert top(corpus, "what works on drugs in Dyfed-Powys", 1) == ["cs-10-wedinos-drug-checking"]
    # A place is never more telling than what is asked about there, and part of its name is
    # no place: "West" does not make West Midlands records answers about West Yorkshire.
    for h in corpus.search("women offenders West Yorkshire", limit=5):
        assert "West Yorkshire" in h.record.areas or "women-and-girls" in h.record.themes
    # A query that is only a place still finds that place's records.
    assert all("South Wales" in h.record.areas for h in corpus.search("South Wales", limit=5))


def test_a_word_no_record_uses_weighs_what_its_topic_does(corpus):
    # No record says "frisked"; the thesaurus reads it as stop and search. It is the topic of
    # the query, so it counts as much as "stop and search" would, and the stop and search
    # panels come before records that only mention young men.
    hits = corpus.search("frisked young men", limit=3)
    searched = [h for h in hits if "stop-search" in h.record.id]
    assert len(searched) >= 2
    assert all(("frisked", "thesaurus") in {(c.word, c.how) for c in h.explain} for h in searched)


def test_a_synonym_of_several_words_is_found_in_a_body(corpus):
    # "ASB" is read as "anti-social behaviour", which the guidance on Community Safety
    # Partnerships writes only in its body (a list of what partnerships tackle): the pairs of
    # a body's words are indexed too, so the phrase is found there.
    hits = corpus.search("ASB", limit=5)
    csp = next(h for h in hits if h.record.id == "guide-community-safety-partnerships")
    assert any(c.how == "thesaurus" and "body" in c.field for c in csp.explain)


def test_a_users_record_is_not_found_by_the_word_user(tmp_path):
    # A record from the user's own folder is marked as theirs when it is read (`origin`),
    # but that mark is no word of the record: "drug users" must not find every record of the
    # user's folder, only those that say "users".
    write_yaml(tmp_path / "mine.yaml", [make_record("ex-mine-plain", "A plain local scheme")])
    corpus = pcc_ideas.load([tmp_path], use_env=False)
    assert corpus.get("ex-mine-plain").origin == "user"
    assert "ex-mine-plain" not in [h.record.id for h in corpus.search("user")]
    assert "ex-mine-plain" in [h.record.id for h in corpus.search("plain local scheme")]


def test_common_words_are_read_for_candidates_only_when_the_telling_ones_find_too_few(
    corpus, monkeypatch
):
    # "police" is in more than a fifth of the records; "naloxone", in 7, finds enough
    # candidates for a shortlist of 5, so the postings of "police" are read only to score
    # those. The answer is the one reading every posting gives; a shortlist longer than the
    # records "naloxone" finds reads "police" for candidates too.
    from pcc_ideas import scoring

    police = stem("police")
    assert len(corpus.index.postings[police][0]) > scoring.COMMON * len(corpus.ids)
    read: list[str] = []
    real = Index.postings_of

    def postings_of(self, term):
        read.append(term)
        return real(self, term)

    monkeypatch.setattr(Index, "postings_of", postings_of)
    monkeypatch.setattr(scoring, "SHORTLIST", 5)
    monkeypatch.setattr(scoring, "SHORTLIST_PER_RESULT", 1)
    staged = [h.record.id for h in corpus.search("naloxone police", limit=3)]
    assert police not in read
    monkeypatch.setattr(scoring, "COMMON", 1.0)
    assert [h.record.id for h in corpus.search("naloxone police", limit=3)] == staged
    read.clear()
    monkeypatch.setattr(scoring, "COMMON", 0.2)
    monkeypatch.setattr(scoring, "SHORTLIST", 100)
    corpus.search("naloxone police", limit=3)
    assert police in read


def test_a_region_or_country_stands_for_its_police_force_areas(corpus):
    # "in Wales" asks for the Welsh areas' work: Gwent's stop and search panel leads, found
    # through Gwent, while the word "Wales" itself ("England and Wales") earns nothing.
    hits = corpus.search("stop and search scrutiny in Wales", limit=10)
    assert hits[0].record.areas == ("Gwent",)
    assert ("wales", "Gwent", "place") in {(c.word, c.matched, c.how) for c in hits[0].explain}
    assert not any(c.matched in ("wales", "wale") for h in hits for c in h.explain)
    assert corpus.readings("domestic abuse services Wales")[0] == (
        "read 'Wales' as its police force areas: Dyfed-Powys, Gwent, North Wales, South Wales"
    )
    # A region's name is read whole, before a town it ends with ("Humber" is Humberside's).
    assert corpus.readings("youth violence in Yorkshire and the Humber")[0].startswith(
        "read 'Yorkshire and the Humber' as its police force areas: Humberside,"
    )
    # An everyday word never names a region, capital or not ("Eastern European"), and a
    # country of 39 areas is no place a search can be about: both are read as words.
    for query in ("eastern european gangs", "Eastern European gangs"):
        assert not any("police force areas" in r for r in corpus.readings(query)), query
    assert not any("police force areas" in r for r in corpus.readings("knife crime in England"))


def test_a_record_about_the_whole_query_outranks_one_holding_its_words_apart(corpus):
    # "hospitals and police sharing data on violence" is the Cardiff Model: emergency
    # departments share anonymised assault data with the police. The Thames Valley needs
    # assessment holds "police", "data" and "violence" too, but is about a unit's analysis of
    # them; the Cardiff Model's topics (`latent`) are the query's, and put it first.
    hits = corpus.search("hospitals and police sharing data on violence", limit=2)
    assert hits[0].record.id == "ex-cardiff-model"
    (topic,) = [c for c in hits[0].explain if c.how == "topic"]
    assert topic.word == "the whole question" and topic.matched and topic.points > 0
    # Two of the query's words standing together in the record are a part of their own.
    assert ("sharing data", "phrase", "body") in {(c.word, c.how, c.field) for c in hits[0].explain}
    assert sum(c.points for c in hits[0].explain) == pytest.approx(hits[0].score, rel=1e-6)
    # A query of one idea has nothing to hold together: its own words decide. Nor has one
    # that names a place topics: they say what a record is about, not where, and would lift
    # other areas' records on the subject as much as the place's own.
    assert "topic" not in {c.how for c in corpus.search("naloxone", limit=1)[0].explain}
    local = corpus.search("youth violence prevention in Thames Valley", limit=1)[0]
    assert "Thames Valley" in local.record.areas
    assert "topic" not in {c.how for c in local.explain}
