#!/usr/bin/env python3
"""How loading, indexing and searching scale with the size of the corpus.

Usage:

    python benchmarks/bench_search.py [--sizes 1000,10000,100000] [--repeat 5] [--budget 30]

For the bundled corpus and for generated corpora of each size in --sizes (that many extra
case studies, written to a temporary folder by scripts/generate_corpus.py and read on top of
the bundled data), it prints a table of:

* load+validate: reading and checking every data file, without the cache (`pcc_ideas.load`);
* index: building the search index (`search.Index`);
* query: the median in-process time of one search over QUERIES for the ten best records (the
  command's default), and how many records a query matches on average;
* peak RSS: the peak resident memory of a fresh process that did all of the above
  (`resource.getrusage`);
* CLI cold / warm / warm MB: the whole-process time of `pcc-ideas [--data-dir DIR] search naloxone
  --json` with an empty cache (XDG_CACHE_HOME a fresh temporary folder), then again with the
  cache the first run wrote, and the warm run's peak resident memory.

Then start-up: `pcc-ideas search naloxone --json` on the bundled corpus with a warm cache
against `python -c "import typer, yaml, rapidfuzz"` (the floor any run of the command pays),
and the same search rendering its table on a pseudo-terminal against also importing Rich's
console and table, each pair run in turn with the median ratio.

Each in-process measurement is made in a fresh child process (this script run with --worker),
so that memory and lazily built state of one corpus do not leak into the next. Every figure is
a median: a measurement is repeated --repeat times, but one that has used up --budget seconds
stops early (after at least one run), so that the 100,000 size stays affordable. Queries are run
once untimed first (the first search imports the typo matcher and sorts the vocabulary; the
whole-process columns include that cost).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent / "scripts" / "generate_corpus.py"

QUERIES = (
    "naloxone",
    "drug checking",
    "heroin assisted treatment",
    "restorative justice",
    "nalaxone",
    "RJ",
    "women's centres",
    "young adults",
    "Cardiff Model",
    "drug deaths",
)
CLI_QUERY = ("search", "naloxone", "--json")


def timed(fn: Callable[[], Any], repeat: int, budget: float) -> tuple[float, Any]:
    """The median time of fn() over up to `repeat` runs (fewer once `budget` seconds are
    spent, at least one), and the last result."""
    times: list[float] = []
    result = None
    spent = 0.0
    while len(times) < repeat and (not times or spent < budget):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        spent += times[-1]
    return statistics.median(times), result


# ---------------------------------------------------------------- in a child process


def worker(data_dir: str | None, repeat: int, budget: float) -> dict[str, Any]:
    import pcc_ideas
    from pcc_ideas.search import Index

    extra = [data_dir] if data_dir else []

    def load() -> pcc_ideas.Corpus:
        return pcc_ideas.load(extra, use_env=False)

    load_s, corpus = timed(load, repeat, budget)

    def build() -> Index:
        return Index.build(corpus.records)

    def search(q: str) -> Callable[[], list[Any]]:
        return lambda: corpus.search(q, limit=10)  # the ten a page shows

    index_s, index = timed(build, repeat, budget)
    corpus.__dict__["index"] = index  # the one just built, not another
    matched = {q: len(corpus.search(q)) for q in QUERIES}  # also warms up
    per_query = [timed(search(q), repeat, budget / len(QUERIES))[0] for q in QUERIES]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":  # bytes there, kilobytes on Linux
        rss //= 1024
    return {
        "records": len(corpus.records),
        "load": load_s,
        "index": index_s,
        "query": statistics.median(per_query),
        "per_query": dict(zip(QUERIES, per_query, strict=True)),
        "matched": sum(matched.values()) / len(matched),
        "rss_mb": rss / 1024,
        "terms": len(index.postings),
    }


def run_worker(data_dir: Path | None, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--repeat",
        str(args.repeat),
        "--budget",
        str(args.budget),
    ]
    if data_dir:
        cmd += ["--data-dir", str(data_dir)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=clean_env()).stdout
    return json.loads(out.splitlines()[-1])


# ---------------------------------------------------------------- whole processes


def clean_env(**extra: str) -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE goes too: an installed package runs from compiled bytecode.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PCC_IDEAS_DATA", "PCC_IDEAS_NO_CACHE", "PYTHONDONTWRITEBYTECODE")
    }
    env.update(extra)
    return env


def cli_command() -> list[str]:
    script = Path(sys.executable).parent / "pcc-ideas"
    found = str(script) if script.exists() else shutil.which("pcc-ideas")
    return [found] if found else [sys.executable, "-m", "pcc_ideas"]


PEAK_KB: list[int] = []  # peak RSS of each whole process run, from the kernel's accounting


def run_once(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    PEAK_KB.append(usage.ru_maxrss)


def cli_times(data_dir: Path | None, args: argparse.Namespace) -> tuple[float, float, float]:
    """Median whole-process times of the search command, with an empty cache and a warm one,
    and the warm runs' peak memory in MB."""
    cmd = [*cli_command(), *(["--data-dir", str(data_dir)] if data_dir else []), *CLI_QUERY]
    caches: list[str] = []

    def cold() -> None:
        caches.append(tempfile.mkdtemp(prefix="pcc-bench-cache-"))
        run_once(cmd, clean_env(XDG_CACHE_HOME=caches[-1]))

    try:
        cold_s, _ = timed(cold, args.repeat, args.budget)
        warm_env = clean_env(XDG_CACHE_HOME=caches[-1])
        PEAK_KB.clear()
        warm_s, _ = timed(lambda: run_once(cmd, warm_env), args.repeat, args.budget)
        warm_mb = max(PEAK_KB) / 1024
    finally:
        for c in caches:
            shutil.rmtree(c, ignore_errors=True)
    return cold_s, warm_s, warm_mb


IMPORTS = "import typer, yaml, rapidfuzz"
TERMINAL_IMPORTS = "import typer, yaml, rapidfuzz, rich.console, rich.table"


def on_terminal(cmd: list[str]) -> list[str]:
    """The command run on a pseudo-terminal (util-linux `script`), so it renders as for a user."""
    return ["script", "-qec", shlex.join(cmd), "/dev/null"]


def paired(
    a: list[str], b: list[str], env: dict[str, str], runs: int
) -> tuple[float, float, float]:
    """Medians of A's and B's whole-process times, run in turn (A B A B ...), and the median
    of the pairwise ratios A/B, which holds when the machine's speed drifts."""

    def clock(cmd: list[str]) -> float:
        t0 = time.perf_counter()
        run_once(cmd, env)
        return time.perf_counter() - t0

    clock(a), clock(b)  # warm-up
    pairs = [(clock(a), clock(b)) for _ in range(runs)]
    return (
        statistics.median(x for x, _ in pairs),
        statistics.median(y for _, y in pairs),
        statistics.median(x / y for x, y in pairs),
    )


def baseline(args: argparse.Namespace) -> list[tuple[str, str, tuple[float, float, float]]]:
    """The command against the import cost of its dependencies: piped (--json) and, where
    `script` is available, on a terminal."""
    cache = tempfile.mkdtemp(prefix="pcc-bench-cache-")
    runs = max(args.repeat, 10)
    try:
        env = clean_env(XDG_CACHE_HOME=cache)
        found = [
            (
                "pcc-ideas search naloxone --json",
                f'python -c "{IMPORTS}"',
                paired([*cli_command(), *CLI_QUERY], [sys.executable, "-c", IMPORTS], env, runs),
            )
        ]
        if shutil.which("script"):
            found.append(
                (
                    "pcc-ideas search naloxone (terminal)",
                    f'python -c "{TERMINAL_IMPORTS}"',
                    paired(
                        on_terminal([*cli_command(), "search", "naloxone"]),
                        on_terminal([sys.executable, "-c", TERMINAL_IMPORTS]),
                        env,
                        runs,
                    ),
                )
            )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return found


# ---------------------------------------------------------------- the table


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_corpus", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


COLUMNS = (
    "corpus",
    "records",
    "files",
    "terms",
    "gen s",
    "load+validate s",
    "index s",
    "query ms",
    "matched",
    "peak RSS MB",
    "CLI cold s",
    "CLI warm s",
    "warm MB",
)


def row(
    name: str, files: int, gen: float | None, w: dict[str, Any], cli: tuple[float, float, float]
) -> list[str]:
    cold, warm, warm_mb = cli
    return [
        name,
        f"{w['records']:,}",
        f"{files:,}",
        f"{w['terms']:,}",
        "-" if gen is None else f"{gen:.2f}",
        f"{w['load']:.3f}",
        f"{w['index']:.3f}",
        f"{w['query'] * 1000:.2f}",
        f"{w['matched']:.1f}",
        f"{w['rss_mb']:.0f}",
        f"{cold:.2f}",
        f"{warm:.2f}",
        f"{warm_mb:.0f}",
    ]


def print_row(cells: list[str], widths: list[int]) -> None:
    print(
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ),
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time loading, indexing and searching the bundled corpus and generated "
        "corpora of growing size; print a table of medians."
    )
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated numbers of extra generated case studies "
        "(default 1000,10000,100000; 100000 takes several minutes)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="runs per measurement, of which the median is reported (default 5)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds after which a measurement stops repeating (default 30)",
    )
    parser.add_argument(
        "--per-query", action="store_true", help="also print the median time of each query"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.worker:
        print(json.dumps(worker(args.data_dir, args.repeat, args.budget)))
        return 0
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes must be comma-separated whole numbers")

    print(
        f"python {sys.version.split()[0]}, repeat {args.repeat}, budget {args.budget:g} s; "
        f"queries: {'; '.join(QUERIES)}"
    )
    print(f"CLI: pcc-ideas [--data-dir DIR] {' '.join(CLI_QUERY)}\n", flush=True)
    widths = [max(len(c), 10) for c in COLUMNS]
    widths[0] = 16
    print_row(list(COLUMNS), widths)
    per_query: dict[str, dict[str, float]] = {}

    w = run_worker(None, args)
    print_row(row("bundled", 0, None, w, cli_times(None, args)), widths)
    per_query["bundled"] = w["per_query"]
    generator = load_generator()
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="pcc-bench-data-") as tmp:
            t0 = time.perf_counter()
            files = generator.generate(n, tmp)
            gen = time.perf_counter() - t0
            w = run_worker(Path(tmp), args)
            cli = cli_times(Path(tmp), args)
        print_row(row(f"+{n:,} generated", len(files), gen, w, cli), widths)
        per_query[f"+{n:,}"] = w["per_query"]

    if args.per_query:
        print("\nmedian ms per query")
        names = list(per_query)
        print("  ".join([f"{'query':28}", *(f"{n:>12}" for n in names)]))
        for q in QUERIES:
            print("  ".join([f"{q:28}", *(f"{per_query[n][q] * 1000:12.2f}" for n in names)]))

    print(
        f"\nstart-up, bundled corpus, warm cache, whole process, median of "
        f"{max(args.repeat, 10)} runs in turn (target: at most 1.3x):"
    )
    for ours, floor, (a, b, ratio) in baseline(args):
        print(f"  {ours:40} {a:.3f} s  vs  {floor:64} {b:.3f} s  ratio {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
