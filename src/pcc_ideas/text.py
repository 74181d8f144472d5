"""Words: how text is split, normalised and matched with typo tolerance, for search and areas."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or s that the their this "
    "to was were which with".split()
)
IRREGULAR = {"women": "woman", "men": "man", "children": "child", "people": "person"}
# Words ending in s that are not plurals.
KEEP_S = ("ss", "us", "is", "ics")


def fold(text: str) -> str:
    """Lower case without accents: `Ysgol Gyfun Gŵyr` -> `ysgol gyfun gwyr`."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light plural stemmer: `drugs` -> `drug`, `centres` -> `centre`, `women` -> `woman`."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(KEEP_S):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The normalised words of a text, in order, stop words kept (phrases need them)."""
    return [stem(w) for w in WORD.findall(THOUSANDS.sub("", fold(text)))]


def terms(text: str) -> list[str]:
    """The words of a text that carry meaning: no stop words."""
    return [w for w in words(text) if w not in STOPWORDS]


def max_edits(word: str) -> int:
    """How many typos a word of this length may carry: none below 5 letters, one from 5,
    two from 9 (as Meilisearch does), so short words are never "corrected" into others."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def key(name: str) -> str:
    """A name as a look-up key: case, accents, punctuation and `&`/`and` do not matter."""
    return " ".join(WORD.findall(fold(name).replace("&", " and ")))
