"""Words: how text is split, normalised, stemmed and matched with typo tolerance.

The same `words` serve the index and the query, so a word is always reduced the same way:
folded to lower case without accents, then stemmed by the Snowball English stemmer
(`testing`, `tested` -> `test`; `policing`, `police` -> `polic`), with the irregular plurals
that Snowball leaves alone (`women` -> `woman`) mapped first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# A word is letters and digits; `A&E` and `L&D` stay one word.
WORD = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
# The same words in ASCII text without `&`, found twice as fast: each byte that is not a
# letter or digit made a space, and the text split on spaces.
SPACED = bytes(c if chr(c).isalnum() and c < 128 else 32 for c in range(256))
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
DIGIT_COMMA = re.compile(r"\d,\d")  # quicker to look for than THOUSANDS, and rarer
# Function words: never indexed, never content in a query.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does doing done down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own s same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up upon very was we
    were what when where which while who whom why will with would you your yours yourself""".split()
)
# Words that shape a question but carry no topic: "how can a PCC use…", "what works to…",
# "is there evidence on…". They are dropped from a query unless nothing else is left.
QUESTION_WORDS = frozenset(
    """anything best better can could does done example examples find get getting give good
    help helps idea ideas know let look looking make making many may might much need needs
    please show something tell thing things try use used using want way ways whether work
    worked working works""".split()
) | frozenset("d ll m re t ve".split())  # what is left of "I'd", "we'll", "I'm", "don't"...
# Words Snowball gets wrong for this field: irregular plurals it leaves alone, and words it
# conflates ("diversion" and "diversity" both become "divers"; "experiment" and
# "experience" both "experi"; "housing", a policy area, and "house" both "hous"; a word
# and a common one of another meaning: "secondment" and "second", "relatives" and
# "related", "dependency" and "depends").
EXCEPTIONS = {
    "women": "woman",
    "men": "man",
    "children": "child",
    "people": "person",
    "diversion": "divert",
    "diversions": "divert",
    "experiment": "experiment",
    "experiments": "experiment",
    "experimental": "experiment",
    "housing": "housing",
    "secondment": "secondment",
    "secondments": "secondment",
    "relative": "relative",
    "relatives": "relative",
    "dependence": "dependence",
    "dependency": "dependence",
    "dependencies": "dependence",
    "openness": "openness",
    "applicant": "applicant",
    "applicants": "applicant",
    "exclud": "exclus",
    "reduc": "reduct",
    "interven": "intervent",
    "violent": "violenc",
    "absent": "absenc",
    "deter": "deterr",
    "detain": "detent",
    # The verb's British spelling is the noun's word to a reader ("trauma-informed
    # practise"): both meet at the noun's stem, as an English word is never read as a typo.
    "practis": "practic",
}


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """A folded word's stem: `drugs` -> `drug`, `testing` -> `test`, `women` -> `woman`."""
    found = _stems.get(word)
    if found is None:
        found = _stems[word] = _corrected(word, _stemmer().stemWord(word))  # type: ignore[attr-defined]
    return found


def _corrected(word: str, stemmed: str) -> str:
    """Snowball's stem of a word, with this field's exceptions (`EXCEPTIONS`) applied."""
    found = EXCEPTIONS.get(word) or stemmed
    return EXCEPTIONS.get(found, found)  # "womens" -> "women" -> "woman"


def fold(text: str) -> str:
    """Lower case without accents: `Ysgol Gyfun Gŵyr` -> `ysgol gyfun gwyr`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The folded words of a text, in order, before stemming."""
    folded = fold(text)
    if "," in folded and DIGIT_COMMA.search(folded):
        folded = THOUSANDS.sub("", folded)
    if folded.isascii() and "&" not in folded:
        return folded.encode().translate(SPACED).decode().split()
    return WORD.findall(folded)


def words(text: str) -> list[str]:
    """The stemmed words of a text, in order, stop words kept (phrases need them)."""
    return [stem(w) for w in tokens(text)]


def terms(text: str) -> list[str]:
    """The stemmed words of a text that carry meaning: no stop words."""
    known = _stems.get
    return [known(w) or stem(w) for w in tokens(text) if w not in STOPWORDS]


# A word longer than this is no misspelling of a word (the field's longest are about 20
# letters): looking for its corrections would only cost time (a 2,000-letter word, 4 s).
LONGEST_TYPO = 30


def max_edits(word: str) -> int:
    """How many typos a word of this length may carry: none below 5 letters, one from 5,
    two from 9 (as Meilisearch does), so short words are never "corrected" into others; none
    in a number ("43933" is no typo of 4393) or a word longer than `LONGEST_TYPO`."""
    if len(word) < 5 or len(word) > LONGEST_TYPO or any(c.isdigit() for c in word):
        return 0
    return 1 if len(word) < 9 else 2


def respellings(word: str) -> set[str]:
    """The stems of the words one edit away from a folded word: a letter dropped, added or
    changed, or two letters swapped (Norvig's spelling corrector, on whole words, so a typo
    in an ending the stemmer would cut is still found)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    edits.discard(word)
    spelt = sorted(edits)
    stemmed = _stemmer().stemWords(spelt)  # type: ignore[attr-defined]
    return {_corrected(w, s) for w, s in zip(spelt, stemmed, strict=True)}


def key(name: str) -> str:
    """A name as a look-up key: case, accents, punctuation and `&`/`and` do not matter."""
    return " ".join(WORD.findall(fold(name).replace("&", " and ")))


# A word this many times in the English word list's corpus is a word, not a typo.
ENGLISH_FREQUENCY = 100
# A word this many times in it is an everyday word: typed in lower case it is meant as that
# word, not as a place ("sale", "bath", "beds", "rugby"). The list holds places' names too,
# lower case, less often ("leeds" 411 times, "liverpool" 179, "stoke" 828, "london" 1,088).
EVERYDAY_FREQUENCY = 2000


def is_english(word: str, frequency: int = ENGLISH_FREQUENCY) -> bool:
    """Whether a folded word is an English word in common use ("older", "speeding"), which
    a query means as typed: the records lacking it is no sign of a typo ("order",
    "spending"); with a higher `frequency`, whether it is an everyday word."""
    text, key = english_words(), b'"' + word.encode() + b'":'  # the quotes make it whole
    at = text.find(key)
    count = re.match(rb"\s*(\d+)", text[at + len(key) : at + len(key) + 32]) if at >= 0 else None
    return count is not None and int(count[1]) >= frequency


@cache
def english_words() -> bytes:
    """pyspellchecker's list of English words, each with how often it occurs, as the JSON
    text it is: read only when a query holds a word the records lack, in 0.05 s, and a word
    found in it by its quoted key (parsing all 160,000 entries took 0.2 s)."""
    import gzip
    from importlib.resources import files

    with gzip.open(str(files("spellchecker.resources") / "en.json.gz"), "rb") as f:
        return f.read()
