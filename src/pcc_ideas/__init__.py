"""pcc-ideas: what works in local policing and justice, and where it has been done.

The library is usable without the command line:

    >>> import pcc_ideas
    >>> corpus = pcc_ideas.load()
    >>> [hit.record.id for hit in corpus.search("naloxone", types="case study", limit=1)]
    ['cs-09-naloxone-west-midlands-durham']
"""

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .corpus import Corpus, load

__all__ = ["Corpus", "load", "__version__"]


def __getattr__(name: str) -> Any:
    """`Corpus` and `load`, imported when first asked for: the command line imports the package
    before it turns the garbage collector off (see `__main__`)."""
    if name in ("Corpus", "load"):
        from . import corpus

        return getattr(corpus, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
