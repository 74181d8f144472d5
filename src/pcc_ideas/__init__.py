"""pcc-ideas: what works in local policing and justice, and where it has been done.

The library is usable without the command line:

    >>> import pcc_ideas
    >>> corpus = pcc_ideas.load()
    >>> [hit.record.id for hit in corpus.search("naloxone", types="case study", limit=1)]
    ['cs-09-naloxone-west-midlands-durham']
"""

__version__ = "0.1.0"

from .corpus import Corpus, load  # noqa: E402 (after the version, which the build reads)

__all__ = ["Corpus", "load", "__version__"]
