"""The cache of the parsed corpus and its search index (src/pcc_ideas/cache.py).

Each test has its own XDG_CACHE_HOME under tmp_path and a --data-dir of its own. Most tests
read a small base corpus (the bundled gazetteer, thesaurus, themes and sources, without
the other records) so that a rebuild takes milliseconds; the bit-flip test rebuilds hundreds
of times."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DROPPED_ENV, find_command, make_record, write_records, write_yaml
from hypothesis import given
from hypothesis import strategies as st

from pcc_ideas import cache, cache_format
from pcc_ideas.cache_format import block, block_of, checksum, place, unblock
from pcc_ideas.corpus import Corpus, build_corpus
from pcc_ideas.datafiles import bundled_data_dir
from pcc_ideas.errors import InvalidData
from pcc_ideas.models import from_dict, to_dict

QUERIES = ("cachealpha", "cachebeta", "naloxone", "drug deaths", "restorative justice", "rj")


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory the cache lives in (it need not exist yet)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "pcc-ideas"


@pytest.fixture(scope="session")
def small_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data without its case studies, figures and guidance: quick to build."""
    base = tmp_path_factory.mktemp("small-base")
    bundled = bundled_data_dir()
    for name in ("areas.yaml", "thesaurus.yaml"):
        shutil.copy(bundled / name, base / name)
    for folder in ("themes", "sources"):
        shutil.copytree(bundled / folder, base / folder)
    return base


@pytest.fixture
def small(small_base: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`load_cached` reads the small base instead of the bundled data."""
    monkeypatch.setattr(cache, "data_dirs", lambda extra: [small_base, *map(Path, extra)])
    return small_base


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return write_records(
        tmp_path / "data",
        [
            make_record("ex-cache-alpha", "Cachealpha project"),
            make_record("ex-cache-beta", "Cachebeta project", areas=["Durham"]),
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


@pytest.fixture
def rows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions of the record rows read from a cache file, in order."""
    read: list[int] = []
    real = cache.checked_record

    def counting(pos, *row, **seed):
        read.append(pos)
        return real(pos, *row, **seed)

    monkeypatch.setattr(cache, "checked_record", counting)
    return read


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("corpus-*") if not p.name.endswith(".tmp"))


def the_cache_file(root: Path) -> Path:
    files = cache_files(root)
    assert len(files) == 1, files
    return files[0]


def answers(corpus: Corpus) -> dict[str, Any]:
    """Everything a command can ask a corpus, read through the cache's every part."""
    fresh_index = corpus.index
    return {
        "records": list(corpus.records),
        "by_position": [corpus.records[i] for i in range(len(corpus.records))],
        "ids": list(corpus.ids),
        "gazetteer": corpus.gazetteer,
        "areas": list(corpus.gazetteer.areas),
        "thesaurus": corpus.thesaurus,
        "concepts": list(corpus.thesaurus.concepts),
        "stems": dict(corpus.thesaurus.stems),
        "thesaurus tables": [dict(table) for table in corpus.thesaurus.tables],
        "terms": sorted(fresh_index.postings),
        "postings": {t: tuple(map(list, fresh_index.postings[t])) for t in fresh_index.postings},
        "facets": {k: list(corpus.facet(k)) for k in sorted(fresh_index.facets)},
        "columns": {k: list(v) for k, v in fresh_index.columns.items()},
        "absent": [corpus.facet("area:Nowhere"), "zzyzx" in fresh_index.postings],
        "search": {
            q: [(h.record.id, round(h.score, 6)) for h in corpus.search(q)] for q in QUERIES
        },
    }


def sql(path: Path, statement: str, *args: Any) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute(statement, args)
    con.close()


# ---------------------------------------------------------------- reading what was written


def test_second_load_comes_from_the_cache(cache_root, user_dir, builds, monkeypatch):
    first = cache.load_cached([user_dir])
    assert len(builds) == 1
    assert the_cache_file(cache_root).read_bytes().startswith(b"SQLite format 3\0")
    monkeypatch.setattr(cache.Index, "build", lambda *a, **k: pytest.fail("index rebuilt"))
    second = cache.load_cached([user_dir])
    assert len(builds) == 1
    assert second == first, "a cached corpus equals the corpus read afresh"
    assert answers(second) == answers(first)


def test_the_cache_dir_is_private(cache_root, user_dir):
    cache.load_cached([user_dir])
    assert stat.S_IMODE(cache_root.stat().st_mode) == 0o700
    assert stat.S_IMODE(the_cache_file(cache_root).stat().st_mode) & 0o077 == 0


def test_a_warm_search_reads_only_the_records_it_returns(
    cache_root, tmp_path, rows_read, monkeypatch
):
    """Ranking works on positions; records are read for the hits alone."""
    many = tmp_path / "many"
    records = [make_record(f"ex-many-{i:05d}", f"Manyrecord number {i}") for i in range(1000)]
    write_yaml(many / "many.yaml", records)
    cache.load_cached([many])
    corpus = cache.load_cached([many])
    hits = corpus.search("manyrecord", limit=10)
    assert len(hits) == 10
    assert sorted(rows_read) == sorted(corpus.positions[h.record.id] for h in hits)


def test_a_warm_search_reads_only_the_thesaurus_entries_of_its_words(
    cache_root, small, user_dir, monkeypatch
):
    """The thesaurus is kept as tables by the keys a query has: a search reads the entries of
    its words and the concepts they lead to, never the whole thesaurus or the gazetteer."""
    cache.load_cached([user_dir])
    corpus = cache.load_cached([user_dir])
    values: list[tuple[str, str]] = []
    blobs: list[str] = []
    real_value, real_blob = cache.Reader.value, cache.Reader.blob

    def value(self, kind, key):
        values.append((kind, key))
        return real_value(self, kind, key)

    def blob(self, name):
        blobs.append(name)
        return real_blob(self, name)

    monkeypatch.setattr(cache.Reader, "value", value)
    monkeypatch.setattr(cache.Reader, "blob", blob)
    assert corpus.search("restorative justice")
    concepts = {key for kind, key in values if kind == "concepts"}
    assert "restorative-justice" in concepts
    assert not {"gazetteer", "concept-ids", "keys/concepts"} & set(blobs)
    assert len(concepts) < len(corpus.thesaurus.concepts) / 10


def test_ids_facets_and_get_read_no_other_record(cache_root, user_dir, rows_read):
    cache.load_cached([user_dir])
    corpus = cache.load_cached([user_dir])
    assert "ex-cache-alpha" in corpus.ids
    assert len(corpus.facet("area:Cleveland")) > 1
    assert len(corpus.facet("type:example")) >= 2
    assert rows_read == []
    record = corpus.get("ex-cache-beta")
    assert record is not None and record.areas == ("Durham",)
    assert rows_read == [corpus.positions["ex-cache-beta"]]
    assert corpus.get("ex-cache-beta") is record, "a record read once is kept"
    assert len(rows_read) == 1


# ---------------------------------------------------------------- noticing every edit


def test_an_edit_of_the_same_size_and_times_is_seen(cache_root, small, user_dir, builds):
    """`touch -r`: the file is rewritten and its old modification time put back."""
    cache.load_cached([user_dir])
    path = user_dir / "ex-cache-alpha.yaml"
    before = path.stat()
    text = path.read_text()
    path.write_text(text.replace("Cachealpha", "Cachegamma"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    corpus = cache.load_cached([user_dir])
    assert corpus.get("ex-cache-alpha").title == "Cachegamma project"
    assert corpus.search("cachegamma")[0].record.id == "ex-cache-alpha"
    assert len(builds) == 2


def test_a_copy_that_keeps_times_is_seen(cache_root, small, user_dir, tmp_path, builds):
    """`cp -p NEW OLD` over the file: same size, same modification time, same inode."""
    cache.load_cached([user_dir])
    path = user_dir / "ex-cache-alpha.yaml"
    new = write_yaml(tmp_path / "new.yaml", make_record("ex-cache-alpha", "Cachegamma project"))
    os.utime(new, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    assert new.stat().st_size == path.stat().st_size
    shutil.copy2(new, path)
    assert cache.load_cached([user_dir]).get("ex-cache-alpha").title == "Cachegamma project"
    assert len(builds) == 2


def test_a_replaced_file_is_seen(cache_root, small, user_dir, builds):
    """rsync's way: a new file with the old times, renamed over the old one."""
    cache.load_cached([user_dir])
    path = user_dir / "ex-cache-alpha.yaml"
    tmp = user_dir / ".ex-cache-alpha.yaml.partial"
    tmp.write_text(path.read_text().replace("Cachealpha", "Cachegamma"))
    os.utime(tmp, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns))
    os.replace(tmp, path)
    assert cache.load_cached([user_dir]).get("ex-cache-alpha").title == "Cachegamma project"
    assert len(builds) == 2


def test_a_retargeted_symlink_is_seen(cache_root, small, tmp_path, builds):
    versions = tmp_path / "versions"
    one = write_yaml(versions / "one.yml", make_record("ex-cache-link", "Cachelinkone project"))
    two = write_yaml(versions / "two.yml", make_record("ex-cache-link", "Cachelinktwo project"))
    os.utime(two, ns=(one.stat().st_atime_ns, one.stat().st_mtime_ns))
    data = tmp_path / "linked"
    data.mkdir()
    link = data / "record.yaml"
    link.symlink_to(one)
    assert cache.load_cached([data]).get("ex-cache-link").title == "Cachelinkone project"
    retarget = data / "record.yaml.new"
    retarget.symlink_to(two)
    os.replace(retarget, link)
    assert cache.load_cached([data]).get("ex-cache-link").title == "Cachelinktwo project"
    assert len(builds) == 2


def test_added_and_deleted_files_are_seen(cache_root, small, user_dir, builds):
    cache.load_cached([user_dir])
    write_records(user_dir / "more", [make_record("ex-cache-new", "Cachenew project")])
    (user_dir / "ex-cache-beta.yaml").unlink()
    corpus = cache.load_cached([user_dir])
    assert corpus.search("cachenew")[0].record.id == "ex-cache-new"
    assert corpus.get("ex-cache-beta") is None
    assert "ex-cache-beta" not in {h.record.id for h in corpus.search("cachebeta")}
    assert len(builds) == 2


def test_one_folder_spelled_three_ways_has_one_cache(
    cache_root, small, user_dir, builds, monkeypatch
):
    monkeypatch.chdir(user_dir.parent)
    for spelling in (str(user_dir), user_dir.name, f"./{user_dir.name}/"):
        assert cache.load_cached([spelling]).get("ex-cache-alpha") is not None
    assert len(builds) == 1
    assert len(cache_files(cache_root)) == 1


def test_each_set_of_data_dirs_has_its_own_cache(cache_root, small, user_dir, tmp_path):
    other = write_records(tmp_path / "other", [make_record("ex-cache-other", "Other project")])
    a, b = cache.load_cached([user_dir]), cache.load_cached([other])
    assert a.get("ex-cache-alpha") and not a.get("ex-cache-other")
    assert b.get("ex-cache-other") and not b.get("ex-cache-alpha")
    assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(cache_files(cache_root)) == 2


def test_another_program_version_rebuilds(cache_root, small, user_dir, builds):
    cache.load_cached([user_dir])
    sql(the_cache_file(cache_root), "UPDATE meta SET value = value || '!' WHERE key = 'package'")
    assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(builds) == 2


def test_invalid_data_is_never_cached(cache_root, small, tmp_path):
    folder = tmp_path / "bad"
    write_yaml(folder / "r.yaml", make_record("ex-cache-bad", "Bad", themes=["drugz"]))
    for _ in range(2):
        with pytest.raises(InvalidData):
            cache.load_cached([folder])
    assert not cache_files(cache_root)
    write_yaml(folder / "r.yaml", make_record("ex-cache-bad", "Bad, fixed"))
    assert cache.load_cached([folder]).get("ex-cache-bad").title == "Bad, fixed"


# ---------------------------------------------------------------- damaged and planted files


def test_a_planted_pickle_runs_no_code(cache_root, small, user_dir, tmp_path, builds):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    cache.load_cached([user_dir])
    path = the_cache_file(cache_root)
    planted = pickle.dumps(Payload())
    path.write_bytes(planted)
    (cache_root / "corpus-00000000.pickle").write_bytes(planted)  # where old versions looked
    (cache_root / f"index-{path.stem.split('-')[1]}.pickle").write_bytes(planted)
    corpus = cache.load_cached([user_dir])
    assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert not marker.exists()
    assert len(builds) == 2
    assert the_cache_file(cache_root).read_bytes().startswith(b"SQLite format 3\0")
    assert not list(cache_root.glob("*.pickle")), "caches of the old format are removed"


def test_a_planted_database_is_read_only_if_it_holds_our_tables_alone(
    cache_root, small, user_dir, builds
):
    # SQLite runs a view when it is read: a view named `meta` that never ends (recursive)
    # made every run hang, deaf to Ctrl-C, and a trigger or a view of the other tables
    # could give any rows. A file with anything but the tables `write` makes is not read.
    cache.load_cached([user_dir])
    path = the_cache_file(cache_root)
    assert cache.open_read_only(path) is not None
    for planted in (
        "CREATE VIEW meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
        " SELECT 'format' AS key, count(*) AS value FROM c",
        "CREATE TABLE meta (key TEXT, value TEXT); CREATE VIEW records AS SELECT 1",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, extra)",
    ):
        path.unlink()
        con = sqlite3.connect(path)
        con.executescript(planted)
        con.close()
        path.chmod(0o600)
        assert cache.open_read_only(path) is None
        corpus = cache.load_cached([user_dir])
        assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert len(builds) == 4  # each planted file rebuilt, and replaced by a cache of ours
    assert cache.open_read_only(the_cache_file(cache_root)) is not None


def test_a_row_copied_from_a_cache_of_the_files_as_they_were_fails_its_check(
    cache_root, small, user_dir, builds
):
    # Each row's checksum covered its place and content alone: the row of a record as it
    # was, copied into the cache of the files as they are, passed, and was shown.
    records = user_dir / "ex-cache-alpha.yaml"
    cache.load_cached([user_dir])
    old = sqlite3.connect(the_cache_file(cache_root))
    old_rows = old.execute("SELECT pos, id, type, data, crc FROM records").fetchall()
    old_blob = old.execute("SELECT name, data, crc FROM blobs WHERE name = 'ids'").fetchone()
    old.close()
    records.write_text(records.read_text().replace("Cachealpha", "Cachegamma"))
    cache.load_cached([user_dir])
    path = the_cache_file(cache_root)
    con = sqlite3.connect(path)
    con.executemany("REPLACE INTO records VALUES (?, ?, ?, ?, ?)", old_rows)
    con.execute("REPLACE INTO blobs VALUES (?, ?, ?)", old_blob)
    con.commit()
    con.close()
    path.chmod(0o600)
    before = len(builds)
    corpus = cache.load_cached([user_dir])
    assert corpus.search("cachegamma")[0].record.title == "Cachegamma project"
    assert not corpus.search("cachealpha")
    assert len(builds) == before + 1  # the damage was seen, and the corpus rebuilt


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot a database at all\n" * 10)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _other_database(path: Path) -> None:
    path.unlink()
    sql(path, "CREATE TABLE meta (key TEXT, value TEXT)")


def _record_changed(path: Path) -> None:
    """A record's JSON edited in place, its checksum left as it was."""
    sql(path, "UPDATE records SET data = replace(data, 'Cachealpha', 'Cachegamma')")


def _records_swapped(path: Path) -> None:
    """Two rows' contents exchanged whole, checksums and all: each is at the wrong place."""
    con = sqlite3.connect(path)
    with con:
        rows = con.execute("SELECT pos, id, type, data, crc FROM records ORDER BY pos").fetchall()
        a, b = rows[-1], rows[-2]
        con.execute("DELETE FROM records WHERE pos IN (?, ?)", (a[0], b[0]))
        con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)", (a[0], *b[1:]))
        con.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)", (b[0], *a[1:]))
    con.close()


def _posting_removed(path: Path) -> None:
    """A word's postings gone: a damaged file, not a word the corpus lacks."""
    con = sqlite3.connect(path)
    [header] = con.execute("SELECT data FROM blobs WHERE name = 'header'").fetchone()
    con.close()
    number = block_of("cachealpha", json.loads(header)["blocks"]["postings"])
    sql(path, f"DELETE FROM blobs WHERE name = 'postings/{number}'")


def _block_short_of_a_key(path: Path) -> None:
    """A block whose checksum holds, yet with one key fewer than values: a key must never be
    read at another's value."""
    con = sqlite3.connect(path)
    with con:
        name, data = con.execute(
            "SELECT name, data FROM blobs WHERE name LIKE 'postings/%' AND length(data) > 100"
        ).fetchone()
        data = data[: data.rindex(b"\n")]
        con.execute(
            "UPDATE blobs SET data = ?, crc = ? WHERE name = ?",
            (data, checksum(name.encode(), data), name),
        )
    con.close()


def _record_removed(path: Path) -> None:
    sql(path, "DELETE FROM records WHERE id = 'ex-cache-alpha'")


SPOILERS = [
    _garbage,
    _truncated,
    _empty,
    _other_database,
    _record_changed,
    _records_swapped,
    _posting_removed,
    _block_short_of_a_key,
    _record_removed,
]


@pytest.mark.parametrize("spoil", SPOILERS, ids=[s.__name__.strip("_") for s in SPOILERS])
def test_a_damaged_cache_gives_right_answers_and_is_replaced(
    cache_root, small, user_dir, builds, spoil
):
    expected = answers(cache.load_cached([user_dir]))
    spoil(the_cache_file(cache_root))
    assert answers(cache.load_cached([user_dir])) == expected
    assert len(builds) == 2
    # ...and the rebuilt cache is good again: the next load does not build.
    assert answers(cache.load_cached([user_dir])) == expected
    assert len(builds) == 2


def test_random_bit_flips_never_give_a_wrong_answer(cache_root, small, user_dir, builds):
    expected = answers(cache.load_cached([user_dir]))
    path = the_cache_file(cache_root)
    good = path.read_bytes()
    rng = random.Random(13)
    replaced = 0
    for _ in range(200):
        damaged = bytearray(good)
        bit = rng.randrange(len(damaged) * 8)
        damaged[bit // 8] ^= 1 << (bit % 8)
        path.write_bytes(bytes(damaged))
        seen = len(builds)
        assert answers(cache.load_cached([user_dir])) == expected, f"bit {bit}"
        if len(builds) > seen:
            replaced += 1
            assert path.read_bytes() != bytes(damaged), "a damaged cache is replaced"
        seen = len(builds)
        assert answers(cache.load_cached([user_dir])) == expected, f"bit {bit}, again"
        assert len(builds) == seen, "whatever is at the cache path now is read without a build"
    assert replaced > 100, "most flips are noticed"


@pytest.mark.parametrize("target", ["good cache", "/dev/zero"])
def test_a_symlink_at_the_cache_path_is_not_followed(
    cache_root, small, user_dir, tmp_path, builds, target
):
    cache.load_cached([user_dir])
    path = the_cache_file(cache_root)
    elsewhere = tmp_path / "elsewhere.sqlite3"
    shutil.copy(path, elsewhere)
    path.unlink()
    path.symlink_to(elsewhere if target == "good cache" else target)
    assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(builds) == 2
    assert not path.is_symlink()


def test_a_fifo_at_the_cache_path_never_blocks(tmp_path, small_base, user_dir):
    """Run as the command, with a timeout: a regression fails instead of hanging."""
    xdg = tmp_path / "xdg"
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["XDG_CACHE_HOME"] = str(xdg)
    argv = [find_command(), "--data-dir", str(user_dir), "search", "cachealpha", "--json"]
    assert subprocess.run(argv, env=env, capture_output=True, timeout=60).returncode == 0
    path = the_cache_file(xdg / "pcc-ideas")
    path.unlink()
    os.mkfifo(path)
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert '"ex-cache-alpha"' in out.stdout
    assert stat.S_ISREG(os.lstat(path).st_mode), "the FIFO is replaced by a cache"


def owner_is_someone_else(monkeypatch: pytest.MonkeyPatch) -> None:
    uid = os.getuid()
    monkeypatch.setattr(cache.os, "getuid", lambda: uid + 1)


def others_may_write(root: Path) -> None:
    root.chmod(0o777)


@pytest.mark.parametrize("how", ["other owner", "dir writable by others"])
def test_a_cache_dir_others_could_write_is_not_used(
    cache_root, small, user_dir, builds, monkeypatch, how
):
    cache.load_cached([user_dir])
    before = {p: p.read_bytes() for p in cache_files(cache_root)}
    if how == "other owner":
        owner_is_someone_else(monkeypatch)
    else:
        others_may_write(cache_root)
    for _ in range(2):
        assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(builds) == 3, "built every time"
    assert {p: p.read_bytes() for p in cache_files(cache_root)} == before, "and never written"


def test_a_cache_file_others_could_write_is_not_read_but_replaced(
    cache_root, small, user_dir, builds
):
    cache.load_cached([user_dir])
    the_cache_file(cache_root).chmod(0o664)
    assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(builds) == 2
    assert stat.S_IMODE(the_cache_file(cache_root).stat().st_mode) == 0o600
    assert cache.load_cached([user_dir]).get("ex-cache-alpha")
    assert len(builds) == 2


def test_a_shared_cache_dir_is_never_written(cache_root, small, user_dir, builds):
    cache_root.mkdir(parents=True, mode=0o700)
    others_may_write(cache_root)
    cache.load_cached([user_dir])
    assert not list(cache_root.iterdir())


# ---------------------------------------------------------------- writing


def test_concurrent_builds_all_answer_and_leave_one_good_cache(tmp_path, user_dir):
    xdg = tmp_path / "xdg"
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["XDG_CACHE_HOME"] = str(xdg)
    argv = [find_command(), "--data-dir", str(user_dir), "search", "cachealpha", "--json"]
    runs = [
        subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    for p in runs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert yaml.safe_load(out)[0]["id"] == "ex-cache-alpha"
    root = xdg / "pcc-ideas"
    assert [p.name for p in root.iterdir()] == [the_cache_file(root).name], "no temporary files"
    code = (
        "import sys; from pcc_ideas import cache; "
        "cache.build_corpus = lambda *a: sys.exit('built again'); "
        f"print(cache.load_cached([{str(user_dir)!r}]).get('ex-cache-alpha').id)"
    )
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert warm.stdout.strip() == "ex-cache-alpha", warm.stderr


def test_a_full_disk_leaves_no_temporary_file(cache_root, small, user_dir, monkeypatch):
    def disk_full(corpus, seed):
        raise OSError(28, "No space left on device")
        yield

    monkeypatch.setattr(cache, "record_rows", disk_full)
    corpus = cache.load_cached([user_dir])
    assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert not list(cache_root.iterdir())


def test_an_unusable_cache_directory_is_no_crash(tmp_path, small, user_dir, monkeypatch):
    """XDG_CACHE_HOME under a regular file: the cache can be neither read nor written."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    for _ in range(2):
        assert cache.load_cached([user_dir]).search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert blocker.read_text() == "not a directory"


def test_use_cache_false_never_writes(cache_root, small, user_dir):
    corpus = cache.load_cached([user_dir], use_cache=False)
    assert corpus.search("cachealpha")[0].record.id == "ex-cache-alpha"
    assert not cache_root.exists()


@pytest.mark.parametrize("how", ["env", "option"])
def test_the_command_can_run_without_the_cache(cache_root, user_dir, cli, how):
    args = ["--data-dir", str(user_dir), "search", "cachealpha"]
    out = cli(*args, env={"PCC_IDEAS_NO_CACHE": "1"}) if how == "env" else cli("--no-cache", *args)
    assert out.exit_code == 0, out.stderr
    assert "ex-cache-alpha" in out.stdout
    assert not cache_root.exists()


@pytest.mark.parametrize("setting", [None, "0", "false", "no", "off", ""])
def test_the_command_uses_the_cache_by_default(cache_root, user_dir, cli, setting):
    # PCC_IDEAS_NO_CACHE=0 turned the cache off too.
    env = {} if setting is None else {"PCC_IDEAS_NO_CACHE": setting}
    assert cli("--data-dir", str(user_dir), "search", "cachealpha", env=env).exit_code == 0
    assert cache_files(cache_root)


def test_the_cache_lives_under_xdg_cache_home(cache_root):
    assert cache.cache_dir() == cache_root


def test_a_cached_corpus_answers_like_a_fresh_one(cache_root, user_dir):
    """The whole bundled corpus, through every part of the cache."""
    fresh = build_corpus(cache.data_dirs([user_dir]))
    cache.load_cached([user_dir])
    assert answers(cache.load_cached([user_dir])) == answers(fresh)


def test_a_key_is_found_in_its_block_as_a_whole_line_only():
    # Keys are looked up in a block's lines of keys without splitting them: a key inside
    # another ("polic" in "apolice", "polici") is never taken for it.
    keys = ["apolice", "polici", "polic", "é", "x"]
    values = [k.upper().encode() for k in keys]
    data = block(keys, values)
    bounds = unblock(data)
    for i, key in enumerate(keys):
        at = place(data, bounds, key)
        assert at == i and data[bounds[at] : bounds[at + 1]] == values[i]
    assert place(data, bounds, "poli") is None
    assert place(data, bounds, "olice") is None
    assert unblock(block([], [])).tolist() == [5]
    with pytest.raises(cache.Damaged):
        unblock(data[: data.rindex(b"\n")])


@given(
    st.dictionaries(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
            min_size=1,
            max_size=12,
        ),
        st.binary(min_size=1, max_size=40),
        max_size=20,
    )
)
def test_every_key_of_a_block_gives_its_own_value_and_no_other_key_is_found(kept):
    keys = sorted(kept)
    data = block(keys, [kept[k] for k in keys])
    bounds = unblock(data)
    for key in keys:
        i = place(data, bounds, key)
        assert i is not None and data[bounds[i] : bounds[i + 1]] == kept[key]
    for key in {k[1:] for k in keys} | {k + "x" for k in keys}:
        assert (place(data, bounds, key) is not None) == (key in kept)


def test_large_values_are_read_from_rows_of_their_own(cache_root, user_dir, builds, monkeypatch):
    # A value of ALONE bytes or more is kept in a row of its own, beside its block: read
    # back the same, and its row missing is damage, not a word the corpus lacks.
    monkeypatch.setattr(cache_format, "ALONE", 200)
    fresh = answers(build_corpus(cache.data_dirs([user_dir])))
    cache.load_cached([user_dir])
    assert answers(cache.load_cached([user_dir])) == fresh
    path = the_cache_file(cache_root)
    con = sqlite3.connect(path)
    alone = [n for (n,) in con.execute("SELECT name FROM blobs") if n.count("/") == 2]
    con.close()
    assert sum(n.startswith("postings/") for n in alone) > 10
    sql(path, "DELETE FROM blobs WHERE name = ?", alone[0])
    assert answers(cache.load_cached([user_dir])) == fresh
    assert len(builds) == 2


def test_from_dict_rebuilds_every_bundled_record_from_its_json(corpus):
    for record in corpus.records:
        again = from_dict(json.loads(json.dumps(to_dict(record))))
        assert type(again) is type(record)
        assert to_dict(again) == to_dict(record)
    with pytest.raises(TypeError):
        from_dict({**to_dict(corpus.records[0]), "score": 1.0})


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_a_run_stopped_as_it_writes_the_cache_leaves_no_file(
    signame: str, command: str, big_data_dir: Path, tmp_path: Path
):
    # `kill`, or the terminal closed, while a cold build writes its temporary file: the run
    # unwinds as Ctrl-C does, removes the file and exits 128 + the signal's number.
    import signal

    signum = getattr(signal, signame, None)
    if signum is None:
        pytest.skip(f"no {signame} here")
    env = {k: v for k, v in os.environ.items() if k != "PCC_IDEAS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    folder = tmp_path / "pcc-ideas"
    proc = subprocess.Popen(
        [command, "--data-dir", str(big_data_dir), "search", "generated"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if folder.is_dir() and any(p.suffix == ".tmp" for p in folder.iterdir()):
            proc.send_signal(signum)
            break
        time.sleep(0.002)
    else:
        proc.kill()
        pytest.skip("the build ended before its temporary file was seen")
    assert proc.wait(60) == 128 + signum
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_the_next_write(tmp_path: Path):
    # SIGKILL cannot be caught: the file it left is removed once it is old, never one that
    # another run may be writing now.
    corpus = build_corpus([bundled_data_dir()])
    folder = tmp_path / "cache"
    folder.mkdir()
    old, recent = folder / ".corpus-1.sqlite3.abc.tmp", folder / ".corpus-2.sqlite3.def.tmp"
    for left in (old, recent):
        left.write_bytes(b"half a cache")
    hours_ago = time.time() - 2 * cache.ABANDONED
    os.utime(old, (hours_ago, hours_ago))
    cache.write(folder / "corpus-3.sqlite3", {"format": "test"}, corpus)
    assert not old.exists() and recent.exists()
