#!/usr/bin/env python3
"""Generate a large synthetic corpus of case studies, for benchmarks and load tests.

Usage:

    python scripts/generate_corpus.py N OUT_DIR [--seed S] [--per-file K]
    pcc-ideas --data-dir OUT_DIR validate

It writes N records drawn from the bundled corpus's case studies and examples: the bundled
records are cycled through, and each copy gets

* a unique id, `gen-000001-<the original id without its prefix>`;
* a unique title: the original, with its areas swapped, plus a made-up organisation and a year;
* other force areas from the gazetteer (the original's area names are replaced throughout its
  text, and its places by towns of the new areas);
* its summary sentences shuffled, one sentence borrowed from another record and one made of
  words drawn from the whole corpus (weighted by how often they occur there), a subset of its
  actions and outcomes in another order, and sometimes one more theme;
* a made-up organisation name ("Northbrook Recovery Trust"), so that the vocabulary keeps
  growing with the corpus, as a real one's does with its names.

So the vocabulary and the posting lists grow and spread like a real, growing corpus rather than
N identical copies. Copies are all of type `example`: `case-study` is reserved for the 20
numbered case studies of the 2021 briefing. Citations are kept as in the original, so every
record still points at a real source.

The output is deterministic: record i depends only on the seed and i (not on N), so a corpus of
1,000 is the first 1,000 records of a corpus of 10,000.

Files: records are written as YAML lists, PER_FILE (250) to a file, named
`generated-00001.yaml`, ... A file per record would mean 100,000 files for the largest
benchmark, which is slow to walk, to stat for the cache signature and to delete; 250 records
(about half a megabyte) keep each file far below the loader's 5 MB limit while 100,000 records
take only 400 files. Existing `generated-*.yaml` files in OUT_DIR are replaced.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import pcc_ideas
from pcc_ideas.models import CaseStudy, to_dict
from pcc_ideas.text import STOPWORDS

try:
    from yaml import CSafeDumper as Dumper
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeDumper as Dumper  # type: ignore[assignment]

SEED = 2021
PER_FILE = 250
FILE_PATTERN = "generated-{:05d}.yaml"

SYLLABLES = ("ash", "bel", "brook", "car", "dun", "el", "fen", "gar", "hal", "hol", "ing",
             "kel", "lan", "ley", "mar", "mer", "nor", "ock", "pen", "quin", "ros", "sel",
             "stan", "ter", "thorn", "ton", "val", "wick", "wel", "wor", "yar", "zen")
ORG_WORDS = ("Recovery", "Community", "Youth", "Women's", "Justice", "Family", "Outreach",
             "Pathways", "Restorative", "Housing", "Wellbeing", "Mentoring", "Advocacy")
ORG_KINDS = ("Trust", "Partnership", "Foundation", "CIC", "Project", "Network", "Alliance",
             "Collective", "Service")
GLUE = ("The scheme also drew on {}, {} and {}.",
        "Partners linked the work to {}, {} and {}.",
        "Local reviews mentioned {}, {} and {} as well.",
        "Staff training covered {}, {} and {}.")
NOT_TOWNS = re.compile(r"\b(police|constabulary|commissioner|force|service)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'‘“])")
WORD = re.compile(r"[A-Za-z][a-z]{3,}")


@dataclass(frozen=True)
class Material:
    """What records are made from: the bundled corpus, read once."""

    templates: tuple[CaseStudy, ...]
    areas: tuple[str, ...]
    towns: dict[str, tuple[str, ...]]
    theme_ids: tuple[str, ...]
    sentences: tuple[str, ...]
    words: tuple[str, ...]
    cumulative: tuple[int, ...]  # running totals of the words' counts, to draw by frequency

    @classmethod
    def from_corpus(cls, corpus: pcc_ideas.Corpus) -> Material:
        templates = tuple(r for r in corpus.records if isinstance(r, CaseStudy))
        towns = {a.name: tuple(x for x in a.aliases if not NOT_TOWNS.search(x)) or (a.name,)
                 for a in corpus.gazetteer.areas}
        counts: Counter[str] = Counter()
        sentences = []
        for r in corpus.records:
            texts = [r.summary, *getattr(r, "actions", ()), *getattr(r, "outcomes", ()),
                     *getattr(r, "points", ())]
            for t in texts:
                counts.update(w for w in WORD.findall(t.lower()) if w not in STOPWORDS)
            if r.type not in ("theme", "source"):
                sentences += [s for s in split_sentences(r.summary) if 30 < len(s) < 240]
        words = tuple(sorted(counts))
        return cls(templates, tuple(a.name for a in corpus.gazetteer.areas), towns,
                   tuple(t.id for t in corpus.themes), tuple(sentences), words,
                   tuple(itertools.accumulate(counts[w] for w in words)))

    def word(self, rng: random.Random) -> str:
        return self.words[bisect.bisect_right(self.cumulative, rng.randrange(self.cumulative[-1]))]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def made_up_name(rng: random.Random) -> str:
    stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
    return f"{stem.capitalize()} {rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)}"


def replacer(mapping: dict[str, str]):
    """A function replacing each whole-word occurrence of the mapping's keys, longest first."""
    keys = sorted((k for k in mapping if k), key=len, reverse=True)
    if not keys:
        return lambda s: s
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, keys)) + r")\b")
    return lambda s: pattern.sub(lambda m: mapping[m.group(0)], s)


def make_record(i: int, m: Material, seed: int = SEED) -> dict[str, Any]:
    """Generated record number i (from 0): a varied copy of a bundled case study or example."""
    rng = random.Random(f"{seed}:{i}")
    t = m.templates[i % len(m.templates)]
    # areas: as many as the original had (one when it had none, now and then), new ones
    k = len(t.areas) or (1 if rng.random() < 0.7 else 0)
    areas = rng.sample(m.areas, min(k, 4))
    swap = dict(zip(t.areas, areas, strict=False))  # a 5th or 6th area stays as it is
    places = [rng.choice(m.towns[a]) for a in areas]
    for p in t.places:  # an area's name stays one; a town becomes a town of a new area
        if p not in swap and areas:
            swap[p] = rng.choice(m.towns[rng.choice(areas)])
        places.append(swap.get(p, p))
    sub = replacer(swap)
    org = made_up_name(rng)
    year = str(rng.randrange(2010, 2026))

    sentences = [sub(s) for s in split_sentences(t.summary)]
    rng.shuffle(sentences)
    sentences.append(sub(rng.choice(m.sentences)))
    sentences.append(rng.choice(GLUE).format(m.word(rng), m.word(rng), m.word(rng)))
    actions = [sub(a) for a in t.actions]
    outcomes = [sub(o) for o in t.outcomes]
    rng.shuffle(actions)
    rng.shuffle(outcomes)
    themes = list(t.themes)
    if rng.random() < 0.4:
        extra = rng.choice(m.theme_ids)
        if extra not in themes:
            themes.append(extra)
    slug = re.sub(r"^(cs-\d+|ex)-", "", t.id)

    out: dict[str, Any] = {
        "id": f"gen-{i + 1:06d}-{slug}",
        "type": "example",
        "title": f"{sub(t.title)} ({org}, {year})",
        "summary": " ".join(sentences),
        "themes": themes,
        "areas": areas,
        # A record placed nowhere says so, as the data guide asks (as its original does).
        "scope": None if areas else t.effective_scope,
        "places": list(dict.fromkeys(places)),
        "organisations": [org, *(sub(o) for o in t.organisations)],
        "actions": actions[:max(1, len(actions) - rng.randrange(2))] if actions else [],
        "outcomes": outcomes[:max(1, len(outcomes) - rng.randrange(2))] if outcomes else [],
        "evidence": t.evidence or "none-stated",
        "year": year,
        "sources": to_dict(t.sources),
    }
    return {key: value for key, value in out.items() if value not in ([], None, "")}


def records(n: int, material: Material, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """The n generated records, with unique titles."""
    titles: set[str] = set()
    for i in range(n):
        rec = make_record(i, material, seed)
        if rec["title"] in titles:
            rec["title"] += f" #{i + 1}"
        titles.add(rec["title"])
        yield rec


def generate(n: int, out_dir: str | Path, seed: int = SEED, per_file: int = PER_FILE,
             corpus: pcc_ideas.Corpus | None = None) -> list[Path]:
    """Write n generated records to out_dir, per_file to a YAML file; the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("generated-*.yaml"):
        old.unlink()
    material = Material.from_corpus(corpus or pcc_ideas.load(use_env=False))
    paths: list[Path] = []
    batch: list[dict[str, Any]] = []
    for rec in records(n, material, seed):
        batch.append(rec)
        if len(batch) == per_file:
            paths.append(_write(out, len(paths) + 1, batch))
            batch = []
    if batch:
        paths.append(_write(out, len(paths) + 1, batch))
    return paths


def _write(out: Path, number: int, batch: Sequence[dict[str, Any]]) -> Path:
    path = out / FILE_PATTERN.format(number)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Generated by scripts/generate_corpus.py: synthetic records for benchmarks.\n")
        yaml.dump(list(batch), f, Dumper=Dumper, allow_unicode=True, sort_keys=False,
                  width=100, default_flow_style=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write N synthetic case studies (varied copies of the bundled ones) as "
                    "YAML files into OUT_DIR, for benchmarks.")
    parser.add_argument("n", metavar="N", type=int, help="how many records to generate")
    parser.add_argument("out_dir", metavar="OUT_DIR", type=Path, help="folder to write into")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--per-file", type=int, default=PER_FILE,
                        help=f"records per YAML file (default {PER_FILE})")
    args = parser.parse_args(argv)
    if args.n < 0 or args.per_file < 1:
        parser.error("N must be 0 or more and --per-file at least 1")
    paths = generate(args.n, args.out_dir, args.seed, args.per_file)
    print(f"wrote {args.n} records in {len(paths)} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
