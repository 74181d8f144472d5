#!/usr/bin/env python3
"""Check the corpus against the source texts it was drawn from (a maintainer's tool).

Usage:

    python scripts/check_provenance.py SOURCES_DIR

SOURCES_DIR holds the plain-text copies of the source documents. The project does not ship
them; a maintainer who has them points this script at their folder. Which file is which
document is found from the text itself (see DOCUMENTS below), not from the file names.

What is checked, each against the document a record cites (a record citing several documents
passes when any of them holds the text, except where noted):

* every figure's `value` appears in the text, exactly (curly and straight quotes, runs of
  whitespace and non-breaking spaces count as the same), and keeps the qualifier the text
  puts before it ("Nearly £17 billion", not "£17 billion"): a value found only after a
  qualifying word (QUALIFIERS) must start with it;
* a figure drawn from a sentence that carries an endnote marker (a superscript number in
  the text) cites that endnote ("..., endnote N") and so, by the next rule, its URL;
* every URL appears in the document, exactly: citation `url`s, resource `url`s and the
  `url`s of a source's endnotes (the URL of a citation must be in the document it cites);
* every endnote of a source matches the document's own list: for the 2021 briefing, the
  numbered "N. <url>" lines at its end (same number, same URL, title found in the line, and
  no endnote of the document missing); elsewhere, a numbered footnote line holding the same
  title or URL;
* a citation whose `ref` names an endnote or footnote ("Endnote 34", "..., endnote 34",
  "... (footnote 2)") gives that note's URL, where it gives one;
* every `organisations` and `places` entry of a case study or example appears in a cited
  document (ignoring case, as well as quotes and whitespace), and so does every `authors`,
  `foreword_by` and `acknowledgements` entry of a source in its own document;
* every `ref` that is not "Case study N", "Endnote N" or "Footnote N" appears as text in the
  cited document (ignoring case); "Case study N" must be a case study of the document.

It prints one line per problem, `record-id: field: message`, then a summary line, and exits
1 if there are problems, 0 otherwise (2 if the sources cannot be identified).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pcc_ideas
from pcc_ideas.models import CaseStudy, Figure, Resource, Source

# ---------------------------------------------------------------- which file is which


@dataclass(frozen=True)
class DocumentSpec:
    """How to recognise a source document's text: strings its opening must contain (case
    matters) and whether it must carry the numbered endnote list at its end."""

    opening: tuple[str, ...]
    endnote_list: bool = False


OPENING_CHARS = 1500  # how much of the start of a text the `opening` strings are looked for in

DOCUMENTS: dict[str, DocumentSpec] = {
    # The briefing exists twice (as a web text with its endnote list, and as extracted from
    # the PDF without it); the one with the endnote list is the one the corpus cites.
    "briefing-2021": DocumentSpec(("Public Safety, Public Trust",
                                   "Innovative Ideas for Police and Crime Commissioners in 2021"),
                                  endnote_list=True),
    "news-2021": DocumentSpec(("Innovative ideas for Police and Crime Commissioners",
                               "Work with offenders")),
    "blog-2016": DocumentSpec(("Police Commissioners and the voluntary sector",
                               "PCCs Generation 2.0", "Clinks")),
    "apcc-guide": DocumentSpec(("A Guide to Taking a Public Health Approach",
                                "Association of")),
}


# ---------------------------------------------------------------- normalising text

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
                        "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
                        **{c: None for c in SUPERSCRIPTS}})
SPACE = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")


def normal(text: str) -> str:
    """Text as compared: straight quotes, superscript note markers and Markdown emphasis
    and escapes dropped, every run of whitespace (non-breaking spaces too) a single space."""
    text = text.translate(QUOTES).replace("*", "")
    text = MARKDOWN_ESCAPE.sub(r"\1", text)
    return SPACE.sub(" ", text).strip()


def folded(text: str) -> str:
    return normal(text).casefold()


# ---------------------------------------------------------------- a document


URL_IN_LINE = re.compile(r"<([^<>\s]+)>|((?:https?://|www\.)\S+|[\w.-]+\.(?:org|uk|com|net)/\S*)")
NOTE_LINE = re.compile(r"^\s*(\d{1,3})\.\s+(.*\S)\s*$")


@dataclass
class Note:
    number: int
    text: str  # the note's line(s), as written
    urls: list[str]


@dataclass
class Document:
    source_id: str
    path: Path
    text: str
    normal: str = field(init=False)
    folded: str = field(init=False)
    endnotes: dict[int, Note] | None = field(init=False)  # the list at the end, if any
    footnotes: dict[int, list[Note]] = field(init=False)  # every numbered line, by number

    def __post_init__(self) -> None:
        self.normal = normal(self.text)
        self.folded = self.normal.casefold()
        self.endnotes = endnote_list(self.text)
        self.footnotes = numbered_lines(self.text)

    def has_exact(self, s: str) -> bool:
        return normal(s) in self.normal

    def has_folded(self, s: str) -> bool:
        return folded(s) in self.folded

    def has_url(self, url: str) -> bool:
        return url in self.text

    @cached_property
    def runs(self) -> set[tuple[str, ...]]:
        """Every run of COPIED_WORDS consecutive words in the document."""
        return set(word_runs(self.folded))

    def case_studies(self) -> set[int]:
        return {int(n) for n in re.findall(r"(?im)^\s*case study (\d+)\s*:", self.text)}


# Our own words: a record's prose may share names and short phrases with its source, but a run
# of this many words in a row is a copied sentence (a long proper name is about eight words).
COPIED_WORDS = 10
PROSE_FIELDS = ("summary", "actions", "outcomes", "points", "examples", "measure")


def word_runs(text: str) -> list[tuple[str, ...]]:
    words = re.findall(r"\w+", text)
    return [tuple(words[i:i + COPIED_WORDS]) for i in range(len(words) - COPIED_WORDS + 1)]


def urls_of(line: str) -> list[str]:
    found = []
    for bracketed, bare in URL_IN_LINE.findall(line):
        url = bracketed or bare
        if url and url not in found:
            found.append(url)
    return found


def numbered_lines(text: str) -> dict[int, list[Note]]:
    """Every "N. ..." line, with the next non-blank line when that is a bare URL (a footnote
    whose address is printed on the line below)."""
    lines = text.splitlines()
    notes: dict[int, list[Note]] = {}
    for i, line in enumerate(lines):
        m = NOTE_LINE.match(line)
        if not m:
            continue
        body = m.group(2)
        following = next((x.strip() for x in lines[i + 1:i + 4] if x.strip()), "")
        if re.fullmatch(r"<?(https?://|www\.)\S+>?", following):
            body += " " + following
        notes.setdefault(int(m.group(1)), []).append(Note(int(m.group(1)), body, urls_of(body)))
    return notes


def endnote_list(text: str) -> dict[int, Note] | None:
    """The endnote list closing a document: the last run of lines numbered 1, 2, 3... (blank
    lines between them allowed) whose lines give URLs or titles; None without one."""
    lines = text.splitlines()
    runs: list[dict[int, Note]] = []
    current: dict[int, Note] = {}
    for line in lines:
        if not line.strip():
            continue
        m = NOTE_LINE.match(line)
        if m and int(m.group(1)) == len(current) + 1:
            n = int(m.group(1))
            current[n] = Note(n, m.group(2), urls_of(m.group(2)))
            continue
        if len(current) >= 5:
            runs.append(current)
        current = {}
        if m and int(m.group(1)) == 1:
            current = {1: Note(1, m.group(2), urls_of(m.group(2)))}
    if len(current) >= 5:
        runs.append(current)
    # an endnote list is mostly addresses; numbered prose lists are not
    runs = [r for r in runs if sum(bool(n.urls) for n in r.values()) > len(r) / 2]
    return runs[-1] if runs else None


def looks_like(text: str, source_id: str, title: str) -> bool:
    """Whether a text is the document of this source: by the strings of DOCUMENTS, or for a
    source not listed there, by its title at the start of the text."""
    spec = DOCUMENTS.get(source_id)
    if spec is None:
        return folded(title)[:40] in folded(text[:OPENING_CHARS])
    head = " ".join(text[:OPENING_CHARS].split())
    return all(s in head for s in spec.opening) and (
        not spec.endnote_list or endnote_list(text) is not None)


def identify(folder: Path, source_ids: Iterable[str], titles: dict[str, str]) -> tuple[
        dict[str, Document], list[str]]:
    """The document of each source id; problems (none found, several found) as messages."""
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.lower() != "readme.md":
            try:
                texts[path] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
    found: dict[str, Document] = {}
    problems = []
    for sid in source_ids:
        matches = [p for p, t in texts.items() if looks_like(t, sid, titles[sid])]
        if len(matches) == 1:
            found[sid] = Document(sid, matches[0], texts[matches[0]])
        else:
            problems.append(f"{sid}: source: {len(matches)} files in {folder} look like this "
                            "document" + (f" ({', '.join(p.name for p in matches)})"
                                          if matches else ""))
    return found, problems


# ---------------------------------------------------------------- qualifiers and sentences

# Words that, put before a number, change what it claims: a value must keep them.
QUALIFIERS = ("nearly", "almost", "around", "about", "approximately", "roughly", "over",
              "more than", "less than", "fewer than", "under", "up to", "at least", "some",
              "an estimated", "estimated", "just over", "just under", "well over", "c.")
QUALIFIER_BEFORE = re.compile(r"\b(" + "|".join(re.escape(q) for q in
                              sorted(QUALIFIERS, key=len, reverse=True)) + r")\s*\Z", re.I)
SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPTS}]+")
SENTENCE_END = re.compile(f"(?<=[.!?{SUPERSCRIPTS}])\\s+(?=[A-Z('\"])")


def qualifiers_before(doc_normal: str, value: str) -> list[str | None]:
    """For each place the value appears in the text, the qualifier just before it (None
    where there is none). A match inside a longer number does not count."""
    wanted = normal(value)
    found: list[str | None] = []
    for m in re.finditer(re.escape(wanted), doc_normal):
        before = doc_normal[:m.start()]
        if before[-1:].isalnum() or doc_normal[m.end():m.end() + 1].isdigit():
            continue
        q = QUALIFIER_BEFORE.search(before[-20:])
        found.append(q.group(1) if q else None)
    return found


def note_numbers(marks: str) -> list[int]:
    return [int(run.translate(str.maketrans(SUPERSCRIPTS, "0123456789")))
            for run in SUPERSCRIPT_RUN.findall(marks)]


def sentence_notes(text: str, value: str) -> list[set[int]]:
    """For each sentence of the text holding the value, the endnote it carries: the first
    marker after the value, or else every marker of the sentence."""
    plain = SPACE.sub(" ", text.translate(str.maketrans({k: v for k, v in QUOTES.items()
                                                         if v is not None})))
    wanted = SPACE.sub(" ", value.translate(str.maketrans(
        {k: v for k, v in QUOTES.items() if v is not None}))).strip()
    pattern = re.compile(r"(?<![\w])" + re.escape(wanted) + r"(?![\d])")
    found = []
    for sentence in SENTENCE_END.split(plain):
        if pattern.search(SUPERSCRIPT_RUN.sub("", sentence)):
            m = re.search(r"(?<![\w])" + "".join(
                re.escape(ch) + f"[{SUPERSCRIPTS}]*" for ch in wanted), sentence)
            after = note_numbers(sentence[m.end():]) if m else []
            found.append(set(after[:1] or note_numbers(sentence)))
    return found


# ---------------------------------------------------------------- the checks


CASE_STUDY_REF = re.compile(r"case study (\d+)\Z", re.I)
NOTE_REF = re.compile(r"(?:endnote|footnote) (\d+)\Z", re.I)
NOTE_SUFFIX = re.compile(r"(?:,\s*|\s*\()\s*(endnote|footnote)\s+(\d+)\)?\s*\Z", re.I)


@dataclass
class Checker:
    docs: dict[str, Document]
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("values", "qualifiers", "endnote figures", "urls", "names", "refs", "prose"), 0))

    def report(self, record_id: str, where: str, message: str) -> None:
        self.problems.append(f"{record_id}: {where}: {message}")

    def cited_docs(self, record: pcc_ideas.models.Record) -> list[Document]:
        return list({c.source: self.docs[c.source] for c in record.sources
                     if c.source in self.docs}.values())

    def in_any(self, kind: str, record_id: str, where: str, wanted: str, docs: list[Document],
               test: Callable[[Document, str], bool], what: str) -> None:
        if not docs:
            return
        self.counts[kind] += 1
        if not any(test(d, wanted) for d in docs):
            names = ", ".join(d.source_id for d in docs)
            self.report(record_id, where, f"{what} {wanted!r} not found in {names}")

    # -- per record

    def record(self, r: pcc_ideas.models.Record) -> None:
        docs = self.cited_docs(r)
        for i, c in enumerate(r.sources):
            self.citation(r.id, i, c)
        if isinstance(r, Figure):
            self.figure_value(r, docs)
        if isinstance(r, CaseStudy):
            for key in ("organisations", "places"):
                for name in getattr(r, key):
                    self.in_any("names", r.id, key, name, docs, Document.has_folded, "name")
        if isinstance(r, Resource) and r.url:
            self.in_any("urls", r.id, "url", r.url, docs, Document.has_url, "URL")
        if isinstance(r, Source) and r.id in self.docs:
            self.endnotes(r, self.docs[r.id])
            for key in ("authors", "foreword_by", "acknowledgements"):
                for name in getattr(r, key):
                    self.in_any("names", r.id, key, name, [self.docs[r.id]],
                                Document.has_folded, "name")
        self.own_words(r, docs)

    def own_words(self, r: pcc_ideas.models.Record, docs: list[Document]) -> None:
        """Prose that repeats COPIED_WORDS words in a row of a cited document."""
        for key in PROSE_FIELDS:
            value = getattr(r, key, None)
            for text in [value] if isinstance(value, str) else value or ():
                self.counts["prose"] += 1
                for d in docs:
                    copied = next((run for run in word_runs(folded(text)) if run in d.runs), None)
                    if copied:
                        self.report(r.id, key, f"copies {' '.join(copied)!r}... from "
                                    f"{d.source_id}: say it in our own words")
                        break

    def figure_value(self, r: Figure, docs: list[Document]) -> None:
        for d in docs:
            self.counts["values"] += 1
            if d.has_exact(r.value):
                self.figure_qualifier(r, d)
                self.figure_endnote(r, d)
                continue
            hint = " (only ignoring case)" if d.has_folded(r.value) else ""
            self.report(r.id, "value", f"{r.value!r} not found in {d.source_id}{hint}")

    def figure_qualifier(self, r: Figure, d: Document) -> None:
        """A value the text only ever qualifies ("Nearly £17 billion") keeps its qualifier."""
        self.counts["qualifiers"] += 1
        found = qualifiers_before(d.normal, r.value)
        if found and None not in found:
            self.report(r.id, "value", f"{r.value!r} loses its qualifier: {d.source_id} says "
                        f"{found[0]!r} before it")

    def figure_endnote(self, r: Figure, d: Document) -> None:
        """A figure whose sentence carries an endnote cites that endnote."""
        if d.endnotes is None:
            return
        self.counts["endnote figures"] += 1
        sentences = sentence_notes(d.text, r.value)
        if not sentences or not all(sentences):  # no endnote, or a sentence without one
            return
        wanted = set().union(*sentences)
        cited = {int(m.group(2)) for c in r.sources if c.source == d.source_id and c.ref
                 for m in [NOTE_SUFFIX.search(c.ref) or re.search(r"()(\d+)\Z", "")] if m}
        cited |= {int(m.group(1)) for c in r.sources if c.source == d.source_id and c.ref
                  for m in [NOTE_REF.match(c.ref.strip())] if m}
        if not cited & wanted:
            notes = ", ".join(map(str, sorted(wanted)))
            self.report(r.id, "sources", f"its sentence in {d.source_id} carries endnote "
                        f"{notes}: cite it (\"..., endnote N\") with its URL")

    def citation(self, record_id: str, i: int, c: pcc_ideas.models.Citation) -> None:
        doc = self.docs.get(c.source)
        if doc is None:
            return
        where = f"sources[{i}]"
        if c.url:
            self.counts["urls"] += 1
            if not doc.has_url(c.url):
                self.report(record_id, f"{where}.url", f"{c.url!r} not found in {c.source}")
        if not c.ref:
            return
        self.counts["refs"] += 1
        ref = c.ref.strip()
        if m := CASE_STUDY_REF.match(ref):
            if int(m.group(1)) not in doc.case_studies():
                self.report(record_id, f"{where}.ref", f"{c.source} has no {ref!r}")
            return
        note = None
        if m := NOTE_REF.match(ref):
            note = int(m.group(1))
        else:
            if m := NOTE_SUFFIX.search(ref):
                note = int(m.group(2))
                ref = ref[:m.start()].strip()
            if not doc.has_folded(ref):
                self.report(record_id, f"{where}.ref", f"{ref!r} not found in {c.source}")
        if note is not None:
            self.note_ref(record_id, where, doc, note, c.url)

    def note_ref(self, record_id: str, where: str, doc: Document, number: int,
                 url: str | None) -> None:
        candidates = ([doc.endnotes[number]] if doc.endnotes and number in doc.endnotes
                      else doc.footnotes.get(number, []))
        if not candidates:
            self.report(record_id, f"{where}.ref", f"{doc.source_id} has no note {number}")
        elif url and not any(url in n.urls or url in n.text for n in candidates):
            self.report(record_id, f"{where}.url",
                        f"{url!r} is not the URL of {doc.source_id} note {number}")

    def endnotes(self, s: Source, doc: Document) -> None:
        seen = set()
        for note in s.endnotes:
            where = f"endnotes[{note.number}]"
            seen.add(note.number)
            if note.url:
                self.counts["urls"] += 1
                if not doc.has_url(note.url):
                    self.report(s.id, f"{where}.url", f"{note.url!r} not found in {s.id}")
            if doc.endnotes is not None:
                listed = doc.endnotes.get(note.number)
                if listed is None:
                    self.report(s.id, where, f"{s.id}'s endnote list has no number {note.number}")
                    continue
                if note.url and note.url not in listed.urls:
                    self.report(s.id, f"{where}.url", f"{note.url!r} is not endnote "
                                f"{note.number}'s URL ({', '.join(listed.urls) or 'none'})")
                if not note.url and listed.urls:
                    self.report(s.id, f"{where}.url",
                                f"missing; the document gives {', '.join(listed.urls)}")
                if note.title and folded(note.title) not in folded(_unbracket(listed.text)):
                    self.report(s.id, f"{where}.title", f"{note.title!r} does not match "
                                f"endnote {note.number}: {listed.text!r}")
            else:
                candidates = doc.footnotes.get(note.number, [])
                fits = [n for n in candidates
                        if (not note.url or note.url in n.urls or note.url in n.text)
                        and (not note.title or folded(note.title) in folded(_unbracket(n.text)))]
                if not fits:
                    self.report(s.id, where, f"no numbered note {note.number} in {s.id} "
                                "with this title and URL")
        if doc.endnotes is not None:
            for number in sorted(set(doc.endnotes) - seen):
                self.report(s.id, "endnotes", f"endnote {number} of the document is missing "
                            f"({doc.endnotes[number].text!r})")


def _unbracket(text: str) -> str:
    return re.sub(r"<([^<>\s]+)>", r"\1", text)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Check the corpus's figures, URLs, endnotes, names and references "
                    "against the source texts.")
    parser.add_argument("sources_dir", metavar="SOURCES_DIR", type=Path,
                        help="folder holding the plain-text source documents")
    args = parser.parse_args(argv)
    if not args.sources_dir.is_dir():
        parser.error(f"{args.sources_dir} is not a directory")

    corpus = pcc_ideas.load(use_env=False)
    titles = {s.id: s.title for s in corpus.sources}
    docs, problems = identify(args.sources_dir, titles, titles)
    for p in problems:
        print(p)
    if not docs:
        return 2
    checker = Checker(docs)
    for record in corpus.records:
        checker.record(record)
    for p in checker.problems:
        print(p)
    total = len(problems) + len(checker.problems)
    c = checker.counts
    print(f"checked {c['values']} values ({c['qualifiers']} for qualifiers, "
          f"{c['endnote figures']} for endnotes), {c['urls']} urls, {c['names']} names, "
          f"{c['refs']} refs, {c['prose']} passages of prose: {total} problems")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
