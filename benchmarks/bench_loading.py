"""Cold build against its floor: `build_corpus` against PyYAML's C loader alone on the same files.

    python scripts/generate_corpus.py 10000 /tmp/gen10k
    python benchmarks/bench_loading.py /tmp/gen10k [--pairs 5]

The two are run in turn, in one process with the garbage collector off for both (as the command
runs), and the best of each is compared: the target is a ratio of at most 1.5.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable

import yaml

from pcc_ideas.corpus import build_corpus, data_dirs
from pcc_ideas.datafiles import yaml_files


def timed(fn: Callable[[], object], times: list[float]) -> None:
    """Run fn once, adding how long it took to times."""
    start = time.perf_counter()
    fn()
    times.append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "data_dir", help="a folder of extra records (see scripts/generate_corpus.py)"
    )
    parser.add_argument("--pairs", type=int, default=5, help="runs of each, in turn (default 5)")
    args = parser.parse_args()
    dirs = data_dirs([args.data_dir], use_env=False)
    files = [p for d in dirs for p in yaml_files(d)]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def floor() -> None:
        for path in files:
            yaml.load(path.read_bytes(), Loader=loader)

    floors: list[float] = []
    builds: list[float] = []
    gc.disable()
    for _ in range(args.pairs):
        timed(floor, floors)
        timed(lambda: build_corpus(dirs), builds)
    print(f"{len(files)} files, {len(build_corpus(dirs).records):,} records")
    print(
        f"C loader alone {min(floors):.2f} s, build_corpus {min(builds):.2f} s, "
        f"ratio {min(builds) / min(floors):.2f}"
    )


if __name__ == "__main__":
    main()
