"""A build shared between two processes (`parallel`) gives what one process gives: the same
records in the same places, the same index weight for weight, the same problems."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import make_record, write_records, write_yaml

from pcc_ideas import parallel
from pcc_ideas.corpus import Corpus, build_corpus, data_dirs
from pcc_ideas.errors import InvalidData

pytestmark = pytest.mark.skipif(not parallel.can_share(), reason="no fork or a single core")


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """Every build is shared, however small or busy the machine, and this process reads at
    most the first half of the record files, so the helper reads the rest: the files each
    helper read."""
    helped: list[tuple[list[Any], parallel.Claims]] = []
    real_helper, real_front = parallel.Helper, parallel.Claims.front

    def helper(files: list[Any], claims: parallel.Claims, *args: Any) -> parallel.Helper:
        helped.append((files, claims))
        return real_helper(files, claims, *args)

    def front(claims: parallel.Claims) -> int | None:
        return None if claims.bounds[0] >= claims.count // 2 else real_front(claims)

    monkeypatch.setattr(parallel, "MIN_SHARED_BYTES", 0)
    monkeypatch.setattr(parallel, "a_core_is_free", lambda: True)
    monkeypatch.setattr(parallel, "Helper", helper)
    monkeypatch.setattr(parallel.Claims, "front", front)
    return ReadByHelpers(helped)


class ReadByHelpers(list):
    """The files each helper read (known once it has read them)."""

    def __init__(self, helped: list[tuple[list[Any], parallel.Claims]]):
        self.helped = helped

    def __getitem__(self, i: Any) -> Any:
        files, claims = self.helped[i]
        return [path for path, _ in files[claims.bounds[1] :]]

    def __len__(self) -> int:
        return len(self.helped)


def one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_SHARED_BYTES", 10**15)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """Records of many lengths (so each run's fields have their own averages), areas written
    as people write them, a theme and a source of the user's own."""
    folder = tmp_path / "data"
    for f in range(6):
        records = [
            make_record(
                f"ex-shared-{f}-{i}",
                f"Shared record {f} {i} on knife crime" + " and youth work" * (f * i % 5),
                summary="Knife crime fell. " * (1 + (f + i) % 7),
                areas=["cleveland", "Teesside"] if i % 2 else ["Durham"],
                themes=["drugs", "shared-theme"] if f == 5 else ["drugs"],
            )
            for i in range(8)
        ]
        write_yaml(folder / f"records-{f}.yaml", records)
    theme = {
        "id": "shared-theme",
        "type": "theme",
        "title": "Knife work",
        "summary": "Knives.",
        "themes": ["shared-theme"],
        "scope": "national",
        "sources": [{"source": "briefing-2021"}],
        "aliases": ["blades"],
    }
    write_records(folder, [theme])
    return folder


def everything(corpus: Corpus) -> dict[str, Any]:
    index = corpus.index
    return {
        "records": list(corpus.records),
        "postings": {t: (list(d), list(w)) for t, (d, w) in index.postings.items()},
        "facets": {k: list(v) for k, v in index.facets.items()},
        "columns": {k: list(v) for k, v in index.columns.items()},
        "size": index.size,
        "theme names": corpus.theme_names,
    }


def test_a_shared_build_equals_a_one_process_build(
    user_dir: Path, shared: list[list[Path]], monkeypatch: pytest.MonkeyPatch
):
    dirs = data_dirs([user_dir], use_env=False)
    both = everything(build_corpus(dirs))
    assert user_dir / "records-0.yaml" in shared[0]  # the helper read the user's files
    one_process(monkeypatch)
    alone = everything(build_corpus(dirs))
    assert len(shared) == 1
    assert both == alone
    assert any(d > 300 for d, _ in zip(*both["postings"]["knife"], strict=True))
    assert not multiprocessing.active_children()


def test_a_shared_cold_run_writes_the_cache_a_one_process_run_writes(
    user_dir: Path, shared: list[list[Path]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    # For a cache, the helper makes every posting and writes them as the cache keeps them,
    # while this process writes the records: the cache written must be the one a single
    # process writes, row for row, and read back the same.
    import sqlite3

    from pcc_ideas import cache

    def written(name: str) -> tuple[dict[str, Any], list[Any]]:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / name))
        corpus = cache.load_cached([user_dir])
        [path] = (tmp_path / name / "pcc-ideas").iterdir()
        con = sqlite3.connect(path)
        tables = ("meta", "records", "blobs")
        rows = [con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables]
        con.close()
        return everything(corpus), rows

    both = written("shared")
    assert len(shared) == 1 and shared[0]
    one_process(monkeypatch)
    alone = written("alone")
    assert len(shared) == 1
    assert both == alone
    assert sum(name.startswith("postings/") for name, *_ in both[1][2]) > 100
    assert not multiprocessing.active_children()


def test_an_error_in_a_file_the_other_process_reads_is_said_with_its_path_and_line(
    user_dir: Path, shared: list[list[Path]], cli
):
    bad = write_yaml(user_dir / "zz-bad.yaml", make_record("ex-bad", "Bad", evidence="guesswork"))
    result = cli("--data-dir", str(user_dir), "search", "knife", "--json")
    assert bad in shared[0]
    assert result.exit_code == 2
    line = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if "guesswork" in text)
    assert f"{bad}:{line}: evidence: 'guesswork' is not one of" in result.stderr
    assert not multiprocessing.active_children()


def test_validate_lists_the_problems_of_both_processes_as_one_process_does(
    user_dir: Path, shared: list[list[Path]], monkeypatch: pytest.MonkeyPatch
):
    write_yaml(user_dir / "aa-bad.yaml", make_record("ex-bad-1", "Bad", areas=["Atlantis"]))
    write_yaml(user_dir / "zz-bad.yaml", [make_record("ex-bad-2", "Bad", themes=["nothing"])])
    write_yaml(user_dir / "zz-twice.yaml", make_record("ex-shared-0-0", "Twice"))
    # A record that does not build: what it refers to is checked all the same.
    broken = make_record("ex-bad-3", "Broken", themes=["nowhere"], tittle="misspelt")
    write_yaml(user_dir / "zz-broken.yaml", broken)
    dirs = data_dirs([user_dir], use_env=False)
    with pytest.raises(InvalidData) as both:
        build_corpus(dirs)
    assert {user_dir / "zz-bad.yaml", user_dir / "zz-broken.yaml"} <= set(shared[0])
    assert any("unknown theme 'nowhere'" in e.message for e in both.value.errors)
    one_process(monkeypatch)
    with pytest.raises(InvalidData) as alone:
        build_corpus(dirs)
    assert both.value.errors == alone.value.errors
    assert {Path(e.path).name for e in both.value.errors} == {
        "aa-bad.yaml",
        "zz-bad.yaml",
        "zz-broken.yaml",
        "zz-twice.yaml",
    }
    assert not multiprocessing.active_children()


REAL_ROWS = parallel.rows


def interrupted(*args: Any, **kwargs: Any) -> Any:
    raise KeyboardInterrupt


def interrupted_rows(helper: Any) -> Any:
    """The helper's rows, the first written, then Ctrl-C while the rest are still coming."""
    rows = REAL_ROWS(helper)
    try:
        yield next(rows)
        raise KeyboardInterrupt
    finally:
        rows.close()


@pytest.mark.parametrize("where", ["checked", "joined", "rows"])
def test_ctrl_c_stops_the_other_process_and_leaves_no_cache(
    user_dir: Path,
    shared: list[list[Path]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    where: str,
):
    """Ctrl-C while the records are checked (the other process at work), while the index is
    joined as the cache is written, or while the rows the helper writes are written, some
    still coming: no process is left, no cache file half written."""
    from pcc_ideas import cache

    monkeypatch.setattr(parallel, where, interrupted_rows if where == "rows" else interrupted)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(KeyboardInterrupt):
        cache.load_cached([user_dir])
    assert shared
    assert not multiprocessing.active_children()
    assert not os.listdir(tmp_path / "xdg" / "pcc-ideas")


@pytest.mark.parametrize("dies", ["after sending its records", "at once"])
def test_a_helper_that_dies_fails_the_build_never_a_quiet_success(
    user_dir: Path,
    shared: list[list[Path]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    dies: str,
    cli: Any,
):
    """A helper killed (out of memory, `kill -9`) as this process sends it something was a
    broken pipe, which a run takes for a closed stdout: exit 0, no answer, no message. It is
    one line and exit 2, with no process left and no cache written."""

    def killed(pipe: Any, ours: Any, *args: Any) -> None:
        ours.close()
        if dies == "after sending its records":
            pipe.send(([], [], [], []))
        os._exit(9)

    monkeypatch.setattr(parallel, "_help", killed)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    out = cli("--data-dir", str(user_dir), "search", "knife", "--json")
    assert out.exit_code == 2 and out.stdout == ""
    assert out.stderr.startswith("pcc-ideas: the process reading part of the data files")
    assert len(out.stderr.splitlines()) == 1
    assert not multiprocessing.active_children()
    assert not os.listdir(tmp_path / "xdg" / "pcc-ideas")


def test_a_core_is_free_when_fewer_other_processes_run_than_there_are_cores(monkeypatch):
    # What runs now, not the last minute's load, which still counts the command run just
    # before this one: two builds in a row would have the second run alone.
    cores = parallel._cores()
    monkeypatch.setattr(os, "getloadavg", lambda: (float(cores), 0.0, 0.0))
    monkeypatch.setattr(parallel, "running_now", lambda: cores)  # this one and cores - 1
    assert parallel.a_core_is_free()
    monkeypatch.setattr(parallel, "running_now", lambda: cores + 1)
    assert not parallel.a_core_is_free()


def test_without_a_count_of_what_runs_now_the_last_minutes_load_stands_in(monkeypatch):
    def unknown() -> int:
        raise OSError("no /proc")

    monkeypatch.setattr(parallel, "running_now", unknown)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    assert parallel.a_core_is_free()
    monkeypatch.setattr(os, "getloadavg", lambda: (float(parallel._cores()), 0.0, 0.0))
    assert not parallel.a_core_is_free()


def test_what_runs_now_counts_this_process():
    if not Path("/proc/loadavg").exists():
        pytest.skip("no /proc/loadavg")
    assert parallel.running_now() >= 1
