"""The index as built equals BM25F worked out plainly from `field_counts`, weight for weight."""

from __future__ import annotations

from collections import defaultdict

from pcc_ideas import indexing
from pcc_ideas.indexing import Builder, averages, joined
from pcc_ideas.models import CaseStudy, Citation, Endnote, Source
from pcc_ideas.search import FIELDS, K1, Index, facets_of, field_counts, field_texts


def plain_postings(records) -> dict[str, list[tuple[int, float]]]:
    """Each term's (position, weight) pairs, the textbook way: every record's fields counted,
    the average length of each field, then each term's count scaled and summed by field in
    the order `field_texts` gives them, and saturated."""
    counted = [field_counts(field_texts(r, {})) for r in records]
    totals: dict[str, int] = defaultdict(int)
    for fields in counted:
        for name, (_, size) in fields.items():
            totals[name] += size
    average = {f: max(totals[f] / max(len(records), 1), 1.0) for f in FIELDS}
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for doc, fields in enumerate(counted):
        weighted: dict[str, float] = defaultdict(float)
        for name, (counts, size) in fields.items():
            weight, b = FIELDS[name]
            scale = weight / (1 - b + b * size / average[name])
            for term, tf in counts.items():
                weighted[term] += tf * scale
        for term, wtf in weighted.items():
            out[term].append((doc, wtf * (K1 + 1) / (wtf + K1)))
    return out


def as_built(index: Index) -> dict[str, list[tuple[int, float]]]:
    return {
        t: list(zip(docs, weights, strict=True))
        for t, (docs, weights) in index.postings.items()
        if not t.startswith("#")
    }


def rounded(postings: dict[str, list[tuple[int, float]]]) -> dict[str, list[tuple[int, float]]]:
    """As an index keeps them: single precision."""
    from array import array

    return {t: [(d, array("f", [w])[0]) for d, w in ps] for t, ps in postings.items()}


def test_the_bundled_corpus_is_indexed_as_bm25f_says(corpus):
    records = list(corpus.records)
    assert as_built(Index.build(records)) == rounded(plain_postings(records))


def test_words_let_go_of_as_they_are_used_give_the_same_postings(corpus, monkeypatch):
    # Postings are made a PIECE of records at a time from the last back, and the words used
    # are let go of after each piece, so the words and the postings are never all held at
    # once; a term's postings from several pieces are joined in record order.
    monkeypatch.setattr(indexing, "PIECE", 7)
    records = list(corpus.records)
    builder = Builder()
    for r in records:
        builder.add(r)
    counted, words = [builder.counted()], builder.words()
    index = joined(counted, [words.postings(averages(counted))])
    assert as_built(index) == rounded(plain_postings(records))
    assert all(len(f.numbers) == 0 for f in words.fields)


def test_chunks_made_from_both_ends_give_the_postings_of_the_whole_run(corpus):
    # Two processes share a run's postings in chunks (`parallel.CHUNKS`): one takes them from
    # the front, keeping the words, the other from the back, letting go of the words it has
    # used and those after them. Wherever they meet, the postings joined in order are the
    # run's, and the one from the back has let go of every word from the meeting point on.
    records = list(corpus.records)
    counted = [plain_builder(records).counted()]
    whole = plain_builder(records).words().postings(averages(counted))
    size, chunks = len(records), 16
    bounds = [range(i * size // chunks, (i + 1) * size // chunks) for i in range(chunks)]
    for meeting in (0, 5, chunks):
        words = plain_builder(records).words()
        front = [words.postings(averages(counted), among=r, free=False) for r in bounds[:meeting]]
        back = [words.postings(averages(counted), among=r) for r in reversed(bounds[meeting:])]
        made = indexing.joined_postings([*front, *reversed(back)])
        assert as_postings(made) == as_postings(whole), meeting
        kept = bounds[meeting].start if meeting < chunks else size
        for f in words.fields:
            assert len(f.numbers) == (f.ends[kept - 1] if kept else 0), meeting


def plain_builder(records: list) -> Builder:
    builder = Builder()
    for r in records:
        builder.add(r)
    return builder


def as_postings(postings: dict) -> dict:
    return {t: (list(d), [round(w, 5) for w in ws]) for t, (d, ws) in postings.items()}


def test_every_kind_of_value_is_indexed_but_addresses():
    records = [
        CaseStudy(
            id="a",
            type="example",
            title="Knife crime, knife crime",
            summary="Knife arches in 1,000 schools; 12,3456 A&E visits",
            areas=("Cleveland",),
            sources=(Citation("src", "Endnote 3", "https://example.org/knife"),),
            organisations=("Knife Crime Trust",),
            actions=("Knife", "crime"),
            year="2020",
        ),
        Source(
            id="src",
            type="source",
            title="A briefing",
            summary="Café crème, ﬁnancial",
            year=2021,
            endnotes=(Endnote(3, "https://example.org/x", "Knife crime figures"),),
            url="https://example.org/briefing",
        ),
    ]
    built = as_built(Index.build(records))
    assert built == rounded(plain_postings(records))
    assert not any("http" in t or "example" in t for t in built)
    assert {"2021", "3", "1000", "a&e", "cafe", "knife crime"} <= set(built)


def test_facets_and_types_are_kept_by_position(corpus):
    records = list(corpus.records)
    index = Index.build(records)
    for doc in (0, len(records) // 2, len(records) - 1):
        assert all(doc in index.facet(f) for f in facets_of(records[doc]))
    assert len(index.columns["type"]) == index.size == len(records)
