"""Shared fixtures: the bundled corpus, the CLI in-process and as a real command, and
helpers to write records of one's own.

No test touches the user's cache or sees the user's own data: every test runs with
XDG_CACHE_HOME pointing into a temporary directory and without PCC_IDEAS_DATA, FORCE_COLOR,
NO_COLOR or PCC_IDEAS_NO_CACHE in its environment (tests that want them set them).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
DROPPED_ENV = ("PCC_IDEAS_DATA", "FORCE_COLOR", "NO_COLOR", "PCC_IDEAS_NO_CACHE", "CLICOLOR_FORCE")


def find_command() -> str:
    """The installed `pcc-ideas` command of the Python running the tests."""
    found = shutil.which("pcc-ideas", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"pcc-ideas is not installed next to {sys.executable}")
    return found


def make_record(record_id: str, title: str, **fields: Any) -> dict[str, Any]:
    """A valid `example` record shaped like a case study of the briefing."""
    record: dict[str, Any] = {
        "id": record_id,
        "type": "example",
        "title": title,
        "summary": f"A record written by the tests about {title}. It has every field an "
        "example may have, so that exports and views have something in each.",
        "themes": ["drugs"],
        "areas": ["Cleveland"],
        "places": ["Middlesbrough"],
        "organisations": ["Test Organisation"],
        "actions": ["Something was done", "Something else was done"],
        "outcomes": ["Attendance was running at 98%"],
        "evidence": "participant-reports",
        "sources": [{"source": "briefing-2021", "ref": "Case study 11"}],
    }
    record.update(fields)
    return record


def write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_records(folder: Path, records: Iterable[dict[str, Any]]) -> Path:
    """One file per record in folder, named by id; returns the folder."""
    for r in records:
        write_yaml(folder / f"{r['id']}.yaml", r)
    return folder


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Every test: a private cache directory and none of the user's settings."""
    for name in DROPPED_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


@pytest.fixture(scope="session")
def corpus():
    """The bundled corpus alone, validated (fails every test using it if the data is invalid)."""
    from pcc_ideas.corpus import load

    return load(use_env=False)


@pytest.fixture(scope="session")
def command() -> str:
    return find_command()


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess]:
    """Run the installed command in a subprocess: run("search", "naloxone", env={...}).

    stdout and stderr are pipes (so stdout is not a terminal), text is decoded as UTF-8, and
    the environment has a private XDG_CACHE_HOME and none of the variables in DROPPED_ENV
    unless `env` sets them. `python_module=True` runs `python -m pcc_ideas` instead.
    """
    exe = find_command()
    cache = tmp_path_factory.mktemp("subprocess-cache")

    def _run(
        *args: str,
        env: dict[str, str] | None = None,
        python_module: bool = False,
        timeout: float = 60,
        **kwargs: Any,
    ) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
        base["XDG_CACHE_HOME"] = str(cache)
        base.update(env or {})
        argv = [sys.executable, "-m", "pcc_ideas"] if python_module else [exe]
        return subprocess.run(
            [*argv, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=base,
            timeout=timeout,
            **kwargs,
        )

    return _run


@pytest.fixture
def cli():
    """Invoke the Typer app in-process: cli("search", "naloxone", "--json") -> Result.

    Result has exit_code, stdout and stderr (kept apart); an exception raises."""
    from typer.testing import CliRunner

    from pcc_ideas import cli as cli_module

    runner = CliRunner()

    def _invoke(*args: str, env: dict[str, str] | None = None):
        # The app keeps the loaded corpus on a class for the length of one process; start
        # each in-process invocation from nothing, as a fresh command would.
        state = getattr(cli_module, "State", None)
        if state is not None and hasattr(state, "_corpus"):
            state._corpus = None
        # catch_exceptions=False: a crash fails the test with its traceback instead of
        # passing for an exit code of 1.
        return runner.invoke(cli_module.app, list(args), env=env, catch_exceptions=False)

    return _invoke


@pytest.fixture(scope="session")
def big_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory of 1,200 generated records (12 files of 100), to make output large."""
    folder = tmp_path_factory.mktemp("big-data")
    for f in range(12):
        records = [
            make_record(f"ex-generated-{f:02d}-{i:03d}", f"Generated record {f}-{i}")
            for i in range(100)
        ]
        write_yaml(folder / f"generated-{f:02d}.yaml", records)
    return folder


def live_markdown(text: str) -> tuple[list[str], list[str]]:
    """The HTML and the link targets a CommonMark renderer would make live."""
    html, links = [], []

    def walk(tokens):
        for t in tokens:
            if t.type in ("html_inline", "html_block"):
                html.append(t.content)
            if t.type == "link_open":
                links.append(str(t.attrGet("href")))
            if t.type == "image":
                links.append(str(t.attrGet("src")))
            if t.children:
                walk(t.children)

    walk(MarkdownIt("commonmark").parse(text))
    return html, links
