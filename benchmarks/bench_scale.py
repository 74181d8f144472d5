#!/usr/bin/env python3
"""The speed targets at scale, measured as a user meets them, with ratios against their floors.

Usage:

    python benchmarks/bench_scale.py [--sizes 10000,100000] [--repeat 5] [--keep DIR]

For the bundled corpus and for each size in --sizes (that many extra records written by
scripts/generate_corpus.py, kept in --keep DIR/SIZE for the next run when given), it reports:

1. Cold build against the floor of reading the data: `pcc-ideas --data-dir DIR search naloxone
   --json` with an empty cache, against `python -c` loading the same YAML files with PyYAML's
   CSafeLoader and doing nothing else; the two are run in turn and the median of the pairwise
   ratios is reported (target: at most 1.5 at +10,000).
2. The cold run's peak memory, from the kernel's accounting of the process (target: under
   600 MiB at +100,000).
3. Where a cold build's time goes, measured inside one process: parsing the YAML alone
   (the floor), reading, validating and counting the words (`build_corpus`), making the
   index's postings, writing the cache.
4. Every command warm, whole process, median of --repeat runs, with its peak memory (target:
   at most 0.3 s at +100,000), and inside one process: opening the cache (signature and
   checks), and how many record rows a warm search reads.
5. Start-up: warm `search naloxone --json` on the bundled corpus against `python -c "import
   typer"`, run in turn (target: at most 1.25), and what the imports of the warm run cost,
   from `python -X importtime`, by top-level package.

Output of commands goes to /dev/null (a pipe's plain output, not a terminal's). Nothing here is
a test: figures depend on the machine, and a shared one makes them noisy.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GENERATOR = HERE.parent / "scripts" / "generate_corpus.py"
MIB = 1024 * 1024

COMMANDS = {
    "search": ["search", "naloxone", "--json"],
    # A question of several ideas: its best hits are read for their topics, too.
    "question": [
        "search",
        "hospitals",
        "and",
        "police",
        "sharing",
        "data",
        "on",
        "violence",
        "--json",
    ],
    "show": ["show", "cs-11-middlesbrough-heroin-assisted-treatment"],
    "area": ["area", "Cleveland"],
    "theme": ["theme", "drugs"],
    "areas": ["areas"],
    "brief": ["brief", "--theme", "drugs"],
}
FLOOR = """
import os, sys, yaml
for top in sys.argv[1:]:
    for folder, _, names in os.walk(top):
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                with open(os.path.join(folder, name), "rb") as f:
                    yaml.load(f, Loader=yaml.CSafeLoader)
"""


# ---------------------------------------------------------------- whole processes


def clean_env(**extra: str) -> dict[str, str]:
    drop = ("PCC_IDEAS_DATA", "PCC_IDEAS_NO_CACHE", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def command() -> list[str]:
    script = Path(sys.executable).parent / "pcc-ideas"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pcc_ideas"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Whole-process seconds and peak resident memory (MiB) of one run."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return seconds, peak / MIB


def in_turn(a: Callable[[], float], b: Callable[[], float], runs: int) -> dict[str, float]:
    """A and B run alternately: the median of each, and the median of the pairwise ratios,
    which holds when a shared machine's speed drifts."""
    pairs = [(a(), b()) for _ in range(runs)]
    return {
        "a": statistics.median(x for x, _ in pairs),
        "b": statistics.median(y for _, y in pairs),
        "ratio": statistics.median(x / y for x, y in pairs),
    }


def cold_against_floor(dirs: list[Path], extra: list[str], runs: int) -> dict[str, float]:
    peaks: list[float] = []

    def cold() -> float:
        with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as xdg:
            seconds, peak = run(
                [*command(), *extra, *COMMANDS["search"]], clean_env(XDG_CACHE_HOME=xdg)
            )
        peaks.append(peak)
        return seconds

    def floor() -> float:
        return run([sys.executable, "-c", FLOOR, *map(str, dirs)], clean_env())[0]

    found = in_turn(cold, floor, runs)
    found["peak"] = max(peaks)
    return found


def warm_commands(extra: list[str], runs: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as xdg:
        env = clean_env(XDG_CACHE_HOME=xdg)
        run([*command(), *extra, *COMMANDS["search"]], env)  # the cold run that fills the cache
        found = {}
        for name, args in COMMANDS.items():
            times = [run([*command(), *extra, *args], env) for _ in range(runs)]
            found[name] = (statistics.median(t for t, _ in times), max(p for _, p in times))
    return found


def start_up(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as xdg:
        env = clean_env(XDG_CACHE_HOME=xdg)
        ours = [*command(), *COMMANDS["search"]]
        run(ours, env)
        return in_turn(
            lambda: run(ours, env)[0],
            lambda: run([sys.executable, "-c", "import typer"], env)[0],
            runs,
        )


def import_costs(runs: int) -> list[tuple[str, float]]:
    """Median self time of the warm run's imports, summed by top-level package, in ms."""
    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as xdg:
        env = clean_env(XDG_CACHE_HOME=xdg)
        cmd = [sys.executable, "-X", "importtime", "-m", "pcc_ideas", *COMMANDS["search"]]
        subprocess.run(cmd, env=env, capture_output=True, check=True)
        totals: list[Counter[str]] = []
        for _ in range(runs):
            err = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
            total: Counter[str] = Counter()
            for m in re.finditer(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", err):
                name = m.group(2)
                top = name if name.startswith("pcc_ideas") else name.split(".")[0]
                total[top] += int(m.group(1))
            totals.append(total)
    names = set().union(*totals)
    med = {n: statistics.median(t[n] for t in totals) / 1000 for n in names}
    return sorted(med.items(), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- inside one process


def worker(extra: list[str]) -> dict[str, Any]:
    """Where a cold build's and a warm start's time goes, phase by phase."""
    import yaml

    from pcc_ideas import cache
    from pcc_ideas.corpus import build_corpus, data_dirs
    from pcc_ideas.datafiles import yaml_files

    dirs = data_dirs(extra, use_env=False)
    out: dict[str, Any] = {}

    def clock(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        result = fn()
        out[name] = time.perf_counter() - t0
        return result

    files = [p for d in dirs for p in yaml_files(d)]

    def parse() -> None:
        for p in files:
            with open(p, "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)

    clock("yaml floor", parse)
    corpus = clock("read+validate", lambda: build_corpus(dirs))
    clock("index", lambda: corpus.index)
    with tempfile.TemporaryDirectory(prefix="pcc-bench-cache-") as xdg:
        os.environ["XDG_CACHE_HOME"] = xdg
        folder = cache.private_dir()
        assert folder is not None
        meta = clock("signature", lambda: cache.expected_meta(dirs))
        path = folder / cache.file_name(dirs)
        clock("cache write", lambda: cache.write(path, meta, corpus))
        out["cache MiB"] = path.stat().st_size / MIB
        read: list[int] = []
        real = cache.checked_record

        def counting(pos: int, *row: Any, **seed: Any) -> Any:
            read.append(pos)
            return real(pos, *row, **seed)

        cache.checked_record = counting  # type: ignore[assignment]
        warm = clock("cache open", lambda: cache.Cache(dirs, path, meta).load())
        hits = clock("warm search", lambda: warm.search("naloxone", limit=10))
        out["rows read"], out["hits"] = len(read), len(hits)
        clock("warm facet", lambda: len(warm.facet("area:Cleveland")))
        clock("warm ids", lambda: warm.positions)
    out["records"] = len(corpus.records)
    return out


def phases(folders: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", *folders]
    done = subprocess.run(cmd, capture_output=True, text=True, env=clean_env())
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


# ---------------------------------------------------------------- the report


def generated(n: int, keep: Path | None) -> tuple[Path, Callable[[], None]]:
    """A folder of n generated records, written unless --keep holds them already."""
    if keep:
        folder = keep / str(n)
        if not folder.exists():
            load_generator().generate(n, folder)
        return folder, lambda: None
    folder = Path(tempfile.mkdtemp(prefix="pcc-bench-data-"))
    load_generator().generate(n, folder)
    return folder, lambda: shutil.rmtree(folder, ignore_errors=True)


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_corpus", GENERATOR)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def report(name: str, extra: list[str], dirs: list[Path], runs: int) -> None:
    p = phases([str(d) for d in dirs[1:]])  # the first is the bundled data
    print(f"\n## {name}: {p['records']:,} records\n", flush=True)
    cold = cold_against_floor(dirs, extra, runs)
    print(
        f"cold `search --json` {cold['a']:.2f} s vs CSafeLoader floor {cold['b']:.2f} s: "
        f"ratio {cold['ratio']:.2f}x; cold peak memory {cold['peak']:.0f} MiB"
    )
    build = p["read+validate"] + p["index"] + p["cache write"]
    print(
        f"in one process: YAML floor {p['yaml floor']:.2f} s; read+validate+count "
        f"{p['read+validate']:.2f} s, postings {p['index']:.2f} s, "
        f"signature {p['signature']:.3f} s, "
        f"cache write {p['cache write']:.2f} s ({p['cache write'] / build:.0%} of the build; "
        f"file {p['cache MiB']:.0f} MiB); build/floor {build / p['yaml floor']:.2f}x"
    )
    print(
        f"warm, in one process: open the cache {p['cache open'] * 1000:.1f} ms, search "
        f"{p['warm search'] * 1000:.1f} ms reading {p['rows read']} record rows for "
        f"{p['hits']} hits, a facet {p['warm facet'] * 1000:.2f} ms, every id by position "
        f"{p['warm ids'] * 1000:.1f} ms"
    )
    print("\n| command | warm s | peak MiB |\n| --- | ---: | ---: |")
    for command_name, (seconds, peak) in warm_commands(extra, runs).items():
        print(f"| {command_name} | {seconds:.3f} | {peak:.0f} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="extra generated records")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--keep", type=Path, help="keep generated corpora here for next time")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.worker:
        print(json.dumps(worker(rest)))
        return 0
    from pcc_ideas.datafiles import bundled_data_dir

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, median of {args.repeat}")
    start = start_up(max(args.repeat, 10))
    print(
        f'\nstart-up: warm `search naloxone --json` {start["a"]:.3f} s vs `python -c "import '
        f'typer"` {start["b"]:.3f} s: ratio {start["ratio"]:.2f}x\nimports of that run, ms '
        "(self time by top-level package): "
        + ", ".join(f"{n} {ms:.1f}" for n, ms in import_costs(args.repeat)[:12])
    )
    report("bundled", [], [bundled_data_dir()], args.repeat)
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        folder, clean = generated(n, args.keep)
        try:
            report(
                f"+{n:,}", ["--data-dir", str(folder)], [bundled_data_dir(), folder], args.repeat
            )
        finally:
            clean()
    return 0


if __name__ == "__main__":
    sys.exit(main())
