"""The cache of the parsed corpus and its search index (src/pcc_ideas/cache.py).

Each test has its own XDG_CACHE_HOME under tmp_path and a --data-dir of its own."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from conftest import make_record, write_records, write_yaml

from pcc_ideas import cache
from pcc_ideas.areas import Gazetteer
from pcc_ideas.corpus import Corpus, data_dirs
from pcc_ideas.loading import InvalidData


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory the cache lives in (it need not exist yet)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "pcc-ideas"


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return write_records(
        tmp_path / "data",
        [
            make_record("ex-cache-alpha", "Cachealpha project"),
            make_record("ex-cache-beta", "Cachebeta project"),
        ],
    )


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the corpus builds of `cache.load_cached` (one entry per build)."""
    calls: list[int] = []
    real = cache.build_corpus

    def counting(dirs, progress=None):
        calls.append(1)
        return real(dirs, progress)

    monkeypatch.setattr(cache, "build_corpus", counting)
    return calls


def forbid_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(dirs, progress=None):
        raise AssertionError("the corpus was built again instead of read from the cache")

    monkeypatch.setattr(cache, "build_corpus", fail)


def corpus_files(root: Path) -> list[Path]:
    return sorted(root.glob("corpus-*"))


def ids(corpus: Corpus) -> set[str]:
    return {r.id for r in corpus.records}


def test_second_load_comes_from_the_cache(cache_root, user_dir, builds, monkeypatch):
    first = cache.load_cached([user_dir])
    assert len(builds) == 1
    assert len(corpus_files(cache_root)) == 1
    forbid_builds(monkeypatch)
    second = cache.load_cached([user_dir])
    assert list(second.records) == list(first.records)
    assert second.get("ex-cache-alpha") is not None
    assert len(second.gazetteer.areas) == len(first.gazetteer.areas)


def test_the_search_index_comes_from_the_cache(cache_root, user_dir, monkeypatch):
    first = cache.load_cached([user_dir])
    assert first.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert list(cache_root.glob("index-*")), "the index was saved"

    from pcc_ideas import search

    def no_index(*args, **kwargs):
        raise AssertionError("the index was rebuilt instead of read from the cache")

    monkeypatch.setattr(search.Index, "__init__", no_index)
    second = cache.load_cached([user_dir])
    assert second.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert second.search("cachebeta")[0].record.id == "ex-cache-beta"


def test_an_edited_file_is_seen(cache_root, user_dir, builds):
    cache.load_cached([user_dir]).search("cachealpha")
    path = user_dir / "ex-cache-alpha.yaml"
    # The same size, straight after the first load: only the modification time differs.
    text = path.read_text()
    path.write_text(text.replace("Cachealpha project", "Cachegamma project"))
    assert path.stat().st_size == len(text.encode())
    corpus = cache.load_cached([user_dir])
    assert corpus.get("ex-cache-alpha").title == "Cachegamma project"
    assert corpus.search("cachegamma")[0].record.id == "ex-cache-alpha"
    # The index is rebuilt too: the old word no longer finds the record.
    assert "ex-cache-alpha" not in {h.record.id for h in corpus.search("cachealpha")}
    assert len(builds) == 2


def test_an_added_file_is_seen(cache_root, user_dir):
    cache.load_cached([user_dir]).search("cachealpha")
    write_records(user_dir / "more", [make_record("ex-cache-new", "Cachenew project")])
    corpus = cache.load_cached([user_dir])
    assert corpus.get("ex-cache-new") is not None
    assert corpus.search("cachenew")[0].record.id == "ex-cache-new"


def test_a_deleted_file_is_seen(cache_root, user_dir):
    cache.load_cached([user_dir]).search("cachebeta")
    (user_dir / "ex-cache-beta.yaml").unlink()
    corpus = cache.load_cached([user_dir])
    assert corpus.get("ex-cache-beta") is None
    assert "ex-cache-beta" not in {h.record.id for h in corpus.search("cachebeta")}


def test_each_set_of_data_dirs_has_its_own_cache(cache_root, user_dir, tmp_path):
    other = write_records(tmp_path / "other", [make_record("ex-cache-other", "Other project")])
    a = cache.load_cached([user_dir])
    b = cache.load_cached([other])
    assert "ex-cache-alpha" in ids(a) and "ex-cache-alpha" not in ids(b)
    assert "ex-cache-other" in ids(b) and "ex-cache-other" not in ids(a)
    assert "ex-cache-alpha" in ids(cache.load_cached([user_dir]))


def test_invalid_data_is_never_cached(cache_root, tmp_path):
    folder = tmp_path / "bad"
    write_yaml(folder / "r.yaml", make_record("ex-cache-bad", "Bad", themes=["drugz"]))
    for _ in range(2):
        with pytest.raises(InvalidData):
            cache.load_cached([folder])
    write_yaml(folder / "r.yaml", make_record("ex-cache-bad", "Bad, fixed"))
    assert cache.load_cached([folder]).get("ex-cache-bad").title == "Bad, fixed"


def _garbage(path: Path, sig: str) -> None:
    path.write_bytes(b"\x00\xffnot a pickle at all\n" * 10)


def _truncated(path: Path, sig: str) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _empty(path: Path, sig: str) -> None:
    path.write_bytes(b"")


def _other_shape(path: Path, sig: str) -> None:
    path.write_bytes(pickle.dumps({"format": 99, "records": []}))


def _other_signature(path: Path, sig: str) -> None:
    path.write_bytes(pickle.dumps(("0" * 64, Corpus((), Gazetteer(())))))


def _right_signature_wrong_object(path: Path, sig: str) -> None:
    path.write_bytes(pickle.dumps((sig, ["not", "a", "corpus"])))


def _json_instead(path: Path, sig: str) -> None:
    path.write_text(json.dumps({"sig": sig}))


SPOILERS = [
    _garbage,
    _truncated,
    _empty,
    _other_shape,
    _other_signature,
    _right_signature_wrong_object,
    _json_instead,
]


@pytest.mark.parametrize("spoil", SPOILERS, ids=[s.__name__.strip("_") for s in SPOILERS])
def test_a_bad_cache_file_is_ignored_and_rebuilt(cache_root, user_dir, builds, spoil):
    first = cache.load_cached([user_dir])
    first.search("cachealpha")
    sig = cache.signature(data_dirs([user_dir]))
    for path in [*corpus_files(cache_root), *cache_root.glob("index-*")]:
        spoil(path, sig)
    again = cache.load_cached([user_dir])
    assert again.records == first.records
    assert again.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert len(builds) == 2
    # ...and the rebuilt cache is good again: the next load does not build.
    cache.load_cached([user_dir])
    assert len(builds) == 2


def test_an_unusable_cache_directory_is_no_crash(tmp_path, user_dir, monkeypatch):
    """XDG_CACHE_HOME under a regular file: the cache can be neither read nor written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    for _ in range(2):
        corpus = cache.load_cached([user_dir])
        assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert blocker.read_text() == "not a directory"


def test_an_unusable_cache_directory_is_no_crash_for_the_command(tmp_path, user_dir, run):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = run(
        "--data-dir",
        str(user_dir),
        "search",
        "cachealpha",
        env={"XDG_CACHE_HOME": str(blocker / "cache")},
    )
    assert out.returncode == 0, out.stderr
    assert "ex-cache-alpha" in out.stdout
    assert out.stderr == ""


def test_a_full_disk_leaves_no_temporary_file(cache_root, user_dir, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.pickle, "dump", disk_full)
    corpus = cache.load_cached([user_dir])
    assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert not list(cache_root.glob("*.tmp"))
    assert not corpus_files(cache_root)


def test_use_cache_false_never_writes(cache_root, user_dir):
    corpus = cache.load_cached([user_dir], use_cache=False)
    assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert not cache_root.exists()


@pytest.mark.parametrize("how", ["env", "option"])
def test_the_command_can_run_without_the_cache(cache_root, user_dir, cli, how):
    args = ["--data-dir", str(user_dir), "search", "cachealpha"]
    if how == "env":
        out = cli(*args, env={"PCC_IDEAS_NO_CACHE": "1"})
    else:
        out = cli("--no-cache", *args)
    assert out.exit_code == 0, out.stderr
    assert "ex-cache-alpha" in out.stdout
    assert not cache_root.exists()


def test_the_command_uses_the_cache_by_default(cache_root, user_dir, cli):
    assert cli("--data-dir", str(user_dir), "search", "cachealpha").exit_code == 0
    assert corpus_files(cache_root)


def test_no_temporary_files_are_left(cache_root, user_dir, tmp_path):
    for _ in range(3):
        cache.load_cached([user_dir]).search("cachealpha")
    write_records(user_dir, [make_record("ex-cache-third", "Third")])
    cache.load_cached([user_dir]).search("third")
    assert corpus_files(cache_root)
    assert not list(cache_root.glob("*.tmp"))
    assert not [p for p in cache_root.iterdir() if not p.name.endswith(".pickle")]


def test_the_cache_lives_under_xdg_cache_home(cache_root):
    assert cache.cache_dir() == cache_root


def test_a_cached_corpus_answers_like_a_fresh_one(cache_root, user_dir):
    fresh = cache.load_cached([user_dir], use_cache=False)
    cache.load_cached([user_dir]).search("x")
    cached = cache.load_cached([user_dir])
    for query in ("naloxone", "restorative justice", "cachealpha", "stop and search"):
        assert [(h.record.id, round(h.score, 6)) for h in cached.search(query)] == [
            (h.record.id, round(h.score, 6)) for h in fresh.search(query)
        ]
    assert os.listdir(cache_root)
