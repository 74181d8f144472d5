"""The topics the bundled records' words share (`latent`): made from the records shipped,
read back as made, and placing words that keep company near each other."""

from __future__ import annotations

from pathlib import Path

from conftest import make_record

import pcc_ideas
from pcc_ideas import latent
from pcc_ideas.models import from_dict


def test_the_shipped_topics_were_made_from_the_bundled_records(corpus):
    shipped = (Path(pcc_ideas.__file__).parent / latent.FILE).read_bytes()
    assert latent.made_from_file(shipped) == latent.made_from(corpus.records), (
        "the bundled records have changed since their topics were made: "
        "run `python scripts/make_latent.py`"
    )


def test_words_that_keep_company_are_placed_near_each_other():
    # Two records on naloxone and overdoses, two on burglary and locks: each word's place is
    # nearer a word it shares records with than one it never meets.
    texts = [
        ("a", "Naloxone kits for overdoses", "Naloxone reverses opioid overdoses."),
        ("b", "Overdose training", "Training in naloxone after an overdose."),
        ("c", "Burglary and locks", "New locks cut burglary in homes."),
        ("d", "Target hardening", "Locks and lights against burglary."),
    ]
    records = [
        from_dict(make_record(f"ex-{name}", title, summary=summary))
        for name, title, summary in texts
    ]
    topics = latent.read(latent.made(records))

    def near(a: str, b: str) -> float:
        return latent.cosine(topics.of_words({a: 1.0}), topics.of_words({b: 1.0}))

    assert near("naloxon", "overdos") > near("naloxon", "burglari")
    assert near("lock", "burglari") > near("lock", "overdos")
    # A text is placed by the words it shares with the records; a word they lack has no place.
    assert topics.place("naloxon") is not None and topics.place("tasers") is None
    assert topics.of_words({"tasers": 1.0}) == [0.0] * latent.DIMENSIONS
    assert latent.cosine([0.0] * latent.DIMENSIONS, topics.of_words({"lock": 1.0})) == 0.0
