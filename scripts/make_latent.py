#!/usr/bin/env python3
"""Work out the topics of the bundled records' words and write them into the package
(`src/pcc_ideas/latent.bin`, see `pcc_ideas.latent`). Run it after adding or changing a
bundled record; a test fails until you do:

    .venv/bin/python scripts/make_latent.py
"""

from __future__ import annotations

from pathlib import Path

from pcc_ideas import latent
from pcc_ideas.corpus import build_corpus, data_dirs


def main() -> None:
    corpus = build_corpus(data_dirs([], use_env=False))
    target = Path(latent.__file__).with_name(latent.FILE)
    target.write_bytes(latent.made(corpus.records))
    print(f"{target}: the topics of {len(corpus.records)} records")


if __name__ == "__main__":
    main()
