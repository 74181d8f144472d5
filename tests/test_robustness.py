"""Malformed and hostile data: each case is refused with one line naming the file (and the line
where there is one), exit 2; never a hang, a traceback or memory filled.

Every case is checked twice: through the library (`load` raises InvalidData with exactly one
error, at the right place) and through the installed command in a subprocess with a timeout
(`validate` exits 2 and prints that error as one inert line), so a regression to a hang fails
instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import make_record

from pcc_ideas.corpus import load
from pcc_ideas.errors import DataError, InvalidData

UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def record_text(key: str, raw: str, **fields: object) -> str:
    """A valid example record as YAML with `key` written last, exactly as `raw`."""
    record = make_record("ex-robust", "Robust record", **fields)
    record.pop(key, None)
    return yaml.safe_dump(record, sort_keys=False, allow_unicode=True) + f"{key}: {raw}\n"


def line_holding(path: Path, marker: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(marker))


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], tuple[Path, int]]  # writes into a folder: the path and line to name
    phrases: tuple[str, ...]


def field_case(name: str, key: str, raw: str, *phrases: str, **fields: object) -> Case:
    def make(folder: Path) -> tuple[Path, int]:
        path = folder / "record.yaml"
        path.write_text(record_text(key, raw, **fields), encoding="utf-8")
        return path, line_holding(path, f"{key}:")

    return Case(name, make, (f"{key}:", *phrases))


def file_case(name: str, make_file: Callable[[Path], None], line: int, *phrases: str) -> Case:
    def make(folder: Path) -> tuple[Path, int]:
        path = folder / "x.yaml"
        make_file(path)
        return path, line

    return Case(name, make, phrases)


def _source_year(year: str) -> Callable[[Path], tuple[Path, int]]:
    def make(folder: Path) -> tuple[Path, int]:
        path = folder / "source.yaml"
        path.write_text(
            "id: src-robust\ntype: source\ntitle: A source\nsummary: A source of the tests.\n"
            f"year: {year}\n",
            encoding="utf-8",
        )
        return path, 5

    return make


def _duplicate_key(folder: Path) -> tuple[Path, int]:
    path = folder / "record.yaml"
    text = yaml.safe_dump(make_record("ex-robust", "First title"), sort_keys=False)
    path.write_text(text + "title: Second title\n", encoding="utf-8")
    return path, len(path.read_text(encoding="utf-8").splitlines())


def _duplicate_nested_key(folder: Path) -> tuple[Path, int]:
    path = folder / "record.yaml"
    raw = "\n  - source: briefing-2021\n    ref: Case study 11\n    source: news-2021"
    path.write_text(record_text("sources", raw), encoding="utf-8")
    return path, len(path.read_text(encoding="utf-8").splitlines())


CASES = [
    # Typed scalars PyYAML would raise on, and values out of bounds.
    field_case("int-tag-on-words", "number", "!!int x", "'x' is not a valid int"),
    field_case("timestamp-tag-bad-date", "title", "!!timestamp 2020-99-99", "not a real date"),
    field_case("february-30", "year", "2020-02-30", "not a real date"),
    field_case("month-13", "year", "2020-13-01", "not a real date"),
    field_case("int-over-4300-digits", "number", "1" * 5000, "out of range"),
    field_case("hex-with-5000-digits", "number", "0x" + "f" * 5000, "out of range"),
    field_case("negative-number", "number", "-3", "out of range"),
    field_case("number-too-large", "number", "1000001", "out of range"),
    # Plain decimal digits: a sign YAML allows is not how a reader writes a number.
    field_case("number-with-plus", "number", "+5", "in plain decimal digits"),
    field_case("minus-zero", "number", "-0", "in plain decimal digits"),
    field_case("octal-number", "number", "010", "without its leading zero"),
    # Written as an escape, a line separator passes YAML's own check of raw characters.
    field_case("escaped-line-separator", "title", '"a\\u2028b"', "line or paragraph separator"),
    field_case("float-tag-on-words", "title", "!!float x", "'x' is not a valid float"),
    field_case("binary-garbage", "title", "!!binary '%%%'", "expected text, found binary data"),
    field_case("unknown-local-tag", "title", "!shout loud", "unknown tag '!shout'"),
    field_case(
        "python-tag",
        "title",
        "!!python/object/apply:os.system [echo pwned]",
        "unknown tag 'tag:yaml.org,2002:python/object/apply:os.system'",
    ),
    field_case("type-as-list", "type", "[example]", "expected text, found a list"),
    field_case("type-as-mapping", "type", "{kind: example}", "expected text, found a mapping"),
    field_case("list-of-5001", "places", "[" + "x, " * 5_000 + "x]", "5,001 items; the most"),
    field_case("title-of-a-megabyte", "title", "x" * 1_000_000, "1,000,000 characters long"),
    field_case("bidi-override", "title", '"Safe \\u202egnp.exe"', "bidirectional"),
    field_case("bidi-isolate", "summary", '"A \\u2067summary"', "bidirectional"),
    field_case("zero-width-space", "title", '"Zero\\u200bwidth"', "zero-width"),
    field_case("zero-width-in-a-list", "places", '["Middles\\ufeffbrough"]', "zero-width"),
    Case("lone-surrogate", field_case("", "title", '"\\ud800"').make, ("invalid unicode",)),
    Case("year-out-of-range", _source_year("99999"), ("year:", "out of range", "1000 to 9999")),
    Case("duplicate-key", _duplicate_key, ("duplicate key 'title'", "first on line 3")),
    Case("duplicate-nested-key", _duplicate_nested_key, ("sources:", "duplicate key 'source'")),
    # What the path names is not a regular file, or is one too large to read.
    file_case("fifo", os.mkfifo, 0, "not a regular file", "FIFO"),
    file_case("dev-zero", lambda p: p.symlink_to("/dev/zero"), 0, "character device"),
    file_case("sparse-8-gib", lambda p: os.truncate(_touch(p), 8 << 30), 1, "larger than"),
    file_case("symlink-loop", lambda p: p.symlink_to(p.name), 0, "symbolic links"),
    file_case(
        "invalid-utf8", lambda p: p.write_bytes(b"id: ex-x\ntitle: caf\xe9\n"), 2, "not UTF-8"
    ),
]


def _touch(path: Path) -> Path:
    path.touch()
    return path


def only_error(*dirs: Path) -> DataError:
    with pytest.raises(InvalidData) as caught:
        load(extra=list(dirs), use_env=False)
    errors = caught.value.errors
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


def refused(run: Callable[..., Any], *dirs: Path) -> list[str]:
    """The lines `validate` prints on stderr for these data folders, having checked that it
    exits 2 in time, without a traceback and with nothing unprintable. Run before the same
    data is read in this process, so a regression to a hang fails here, at the timeout."""
    args = [a for d in dirs for a in ("--data-dir", str(d))]
    out = run(*args, "validate", timeout=30)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert not UNPRINTABLE.search(out.stderr), repr(out.stderr)
    return out.stderr.splitlines()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_data_is_one_error_at_its_place_and_exit_2(case: Case, tmp_path: Path, run):
    path, line = case.make(tmp_path)
    printed = refused(run, tmp_path)
    error = only_error(tmp_path)
    assert Path(error.path) == path, error
    assert error.line == line, error
    for phrase in case.phrases:
        assert phrase.casefold() in error.message.casefold(), error
    assert str(error) in printed


def test_a_fifo_given_as_the_data_dir_is_refused_not_waited_on(tmp_path: Path, run):
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    printed = refused(run, fifo)
    error = only_error(fifo)
    assert (error.path, error.line) == (str(fifo), 0) and "FIFO" in error.message
    assert str(error) in printed


def test_a_data_dir_that_is_a_symlink_loop_is_an_error(tmp_path: Path, run):
    loop = tmp_path / "loop"
    loop.symlink_to(loop.name)
    printed = refused(run, loop)
    error = only_error(loop)
    assert error.path == str(loop) and "symbolic links" in error.message
    assert str(error) in printed


def test_a_data_dir_that_is_a_file_is_read_as_that_file(tmp_path: Path):
    path = tmp_path / "one.yaml"
    path.write_text(yaml.safe_dump(make_record("ex-one-file", "One file")), encoding="utf-8")
    assert load(extra=[path], use_env=False).get("ex-one-file") is not None


def test_an_empty_data_dir_path_is_an_error_not_the_current_folder(tmp_path, monkeypatch):
    (tmp_path / "junk.yaml").write_text("not: [a record", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidData) as caught:
        load(extra=[""], use_env=False)
    (error,) = caught.value.errors
    assert "must be named" in error.message and "junk" not in str(error)


def test_an_empty_data_dir_on_the_command_line_is_an_error_too(tmp_path, monkeypatch, cli):
    # The command line once made "" a Path, which is ".": the current folder was read.
    (tmp_path / "junk.yaml").write_text("not: [a record", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for args in (["--data-dir", "", "search", "knife"], ["validate", ""]):
        out = cli(*args)
        assert out.exit_code == 2 and "must be named" in out.stderr, args
        assert "junk" not in out.stderr


def test_an_unreadable_sub_folder_is_an_error_not_skipped(tmp_path: Path, monkeypatch):
    """Root reads every folder whatever its mode, so the refusal is simulated where the walk
    lists a folder; the test below checks a real unreadable folder when not run as root."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: object = "."):
        if Path(os.fsdecode(path)) == locked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    error = only_error(tmp_path)
    assert (error.path, error.line) == (str(locked), 0)
    assert "cannot read folder: permission denied" in error.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a folder of mode 000")
def test_a_folder_of_mode_000_is_an_error(tmp_path: Path, run):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        printed = refused(run, tmp_path)
        error = only_error(tmp_path)
        assert error.path == str(locked) and "permission denied" in error.message
        assert str(error) in printed
    finally:
        locked.chmod(stat.S_IRWXU)


HOSTILE_NAMES = [
    "osc52-\x1b]52;c;aGVsbG8=\x07.yaml",  # would set the clipboard
    "title-\x1b]0;owned\x07.yaml",  # would set the window title
    "forged\nother.yaml:1: all good\n.yaml",  # would forge a line of its own
    "bidi-\u202egnp.yaml",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["osc52", "title", "newline", "bidi"])
def test_a_file_name_with_escapes_prints_as_one_inert_line(name: str, tmp_path: Path, run):
    (tmp_path / name).write_text("just a string\n", encoding="utf-8")
    printed = refused(run, tmp_path)
    error = only_error(tmp_path)
    assert "\n" not in str(error) and not UNPRINTABLE.search(str(error))
    assert str(error).endswith(
        ":1: expected a record (a mapping of keys) or a list of records, found a string"
    )
    assert str(error) in printed
    assert not any(line.startswith(("other.yaml", ".yaml")) for line in printed)


def test_a_file_name_that_is_not_utf8_prints_escaped(tmp_path: Path, run):
    name = os.fsencode(tmp_path) + b"/caf\xe9.yaml"
    with open(name, "w", encoding="utf-8") as f:
        f.write("just a string\n")
    printed = refused(run, tmp_path)
    error = only_error(tmp_path)
    assert "caf\\udce9.yaml" in error.path
    assert str(error) in printed


def test_good_records_in_a_file_or_folder_not_named_in_utf8_are_read_and_cached(
    tmp_path: Path, run
):
    # The digest of the data files and the cache's name hold the paths: they must take any
    # name the file system does, cold and warm.
    folder = os.fsencode(tmp_path) + b"/d\xff"
    os.mkdir(folder)
    for i, name in enumerate((b"/caf\xe9.yaml", b"/r.yaml")):
        with open(folder + name, "w", encoding="utf-8") as f:
            f.write(yaml.safe_dump([make_record(f"ex-odd-{i}", "Zanzibarian oddity")]))
    for _ in range(2):
        out = run("--data-dir", os.fsdecode(folder), "search", "zanzibarian", "--json", timeout=60)
        assert out.returncode == 0, out.stderr
        assert len(json.loads(out.stdout)) == 2


def test_hidden_files_and_folders_are_not_read(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "junk.yaml").write_text("not a record", encoding="utf-8")
    (tmp_path / ".#lock.yaml").symlink_to("user@host.1234")  # an editor's lock file
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(make_record("ex-visible", "Visible")), encoding="utf-8")
    assert load(extra=[tmp_path], use_env=False).get("ex-visible") is not None


def test_validate_json_with_a_name_that_is_not_utf8_is_valid_json(tmp_path: Path, run):
    with open(os.fsencode(tmp_path) + b"/caf\xe9.yaml", "w", encoding="utf-8") as f:
        f.write("just a string\n")
    out = run("--data-dir", str(tmp_path), "validate", "--json", timeout=30)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    (problem,) = json.loads(out.stdout)
    assert problem["path"].endswith("caf\\udce9.yaml") and problem["line"] == 1
