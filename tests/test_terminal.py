"""On a real terminal (a pseudo-terminal) at 80 and 140 columns: no id or URL on any page is
broken or cut, and long output goes through the pager only on a terminal."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")

ESCAPES = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-9;?]*[A-Za-z]")
PAGES = [
    ("search", "naloxone"),
    ("show", "cs-09-naloxone-west-midlands-durham"),
    ("theme", "drugs"),
    ("area", "Cleveland"),
    ("areas",),
    ("sources",),
    # The announcements' addresses are longer than 80 columns.
    ("brief", "--area", "Cumbria", "--theme", "women", "--short"),
]


def on_terminal(
    command: str, *args: str, columns: int, lines: int = 1000, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run the command with stdout and stderr on a pseudo-terminal; its exit code and what
    it printed, escape codes removed."""
    import pty

    master, slave = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PCC_IDEAS_DATA")}
    full_env.update({"COLUMNS": str(columns), "LINES": str(lines), "TERM": "xterm-256color"})
    full_env.update(env or {})
    proc = subprocess.Popen(
        [command, *args], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, env=full_env
    )
    os.close(slave)
    chunks = []
    try:
        while select.select([master], [], [], 60)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        proc.wait(timeout=60)
    return proc.returncode, ESCAPES.sub("", b"".join(chunks).decode("utf-8", "replace"))


URL = re.compile(r"https?://\S+")


def ids_and_urls(data: object) -> set[str]:
    """Every record id and http(s) URL in a command's JSON."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, str):
                found.add(value)
            elif isinstance(value, str):
                found.update(URL.findall(value))
            else:
                found |= ids_and_urls(value)
    elif isinstance(data, list):
        for value in data:
            found |= ids_and_urls(value)
    return found


@pytest.mark.parametrize("columns", [80, 140])
@pytest.mark.parametrize("args", PAGES, ids=lambda a: a[0])
def test_no_id_or_url_is_broken_or_cut(command, run, tmp_path, args, columns):
    shown = run(*args, "--json")
    assert shown.returncode == 0, shown.stderr
    wanted = ids_and_urls(json.loads(shown.stdout))
    code, text = on_terminal(command, *args, columns=columns, env={"XDG_CACHE_HOME": str(tmp_path)})
    assert code == 0, text
    lines = text.replace("\r", "").splitlines()
    # A piece of an id or URL shown without the whole of it is a broken or cut one.
    broken = [
        w
        for w in wanted
        if any(w[:24] in line for line in lines) and not any(w in line for line in lines)
    ]
    assert not broken, broken[:5]
    assert not wanted or any(w in text for w in wanted)


@pytest.fixture
def pager(tmp_path: Path) -> tuple[Path, Path]:
    """A pager that records that it ran and what it was given."""
    ran = tmp_path / "pager-ran"
    script = tmp_path / "pager.sh"
    script.write_text(f"#!/bin/sh\ncat > '{ran}'\n", encoding="utf-8")
    script.chmod(0o755)
    return script, ran


def test_long_output_is_paged_on_a_terminal(command, tmp_path, pager):
    script, ran = pager
    env = {"PAGER": str(script), "XDG_CACHE_HOME": str(tmp_path)}
    code, text = on_terminal(command, "theme", "drugs", columns=80, lines=20, env=env)
    assert code == 0 and ran.exists()
    assert "drugs" in ran.read_text(encoding="utf-8")


@pytest.mark.parametrize("pager_command", ['less "', "no-such-pager-here", "''"])
def test_a_pager_that_cannot_start_leaves_the_output_printed(command, tmp_path, pager_command):
    # A $PAGER with an unclosed quote ended the run with "No closing quotation", exit 2.
    env = {"PAGER": pager_command, "XDG_CACHE_HOME": str(tmp_path)}
    code, text = on_terminal(command, "theme", "drugs", columns=80, lines=20, env=env)
    assert code == 0 and "Reducing the harm caused by drugs" in text
    assert "quotation" not in text and "Traceback" not in text


def test_short_output_and_no_pager_are_not_paged(command, tmp_path, pager):
    script, ran = pager
    env = {"PAGER": str(script), "XDG_CACHE_HOME": str(tmp_path)}
    on_terminal(command, "theme", "drugs", "--no-pager", columns=80, lines=20, env=env)
    on_terminal(command, "brief", "--theme", "drugs", "--no-pager", columns=80, lines=20, env=env)
    on_terminal(command, "show", "cs-09", columns=200, lines=500, env=env)
    assert not ran.exists()


def test_output_in_a_pipe_is_never_paged(run, pager):
    script, ran = pager
    out = run("theme", "drugs", env={"PAGER": str(script), "LINES": "5"})
    assert out.returncode == 0 and out.stdout and not ran.exists()


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"NO_COLOR": "1"}])
def test_dumb_terminals_and_no_color_get_plain_lines(command, tmp_path, env):
    code, text = on_terminal(
        command, "search", "naloxone", columns=80, env={"XDG_CACHE_HOME": str(tmp_path), **env}
    )
    assert code == 0
    assert "\tcs-09-naloxone-west-midlands-durham\t" in text


def test_an_area_page_shows_its_records_before_the_announced_changes(command, tmp_path):
    # A user asked what has been done in the area: its records come first, and a line at
    # the top says the announcements (the same four in most areas) follow them.
    code, text = on_terminal(
        command,
        "area",
        "Cleveland",
        "--no-pager",
        columns=100,
        env={"XDG_CACHE_HOME": str(tmp_path)},
    )
    assert code == 0, text
    lines = [line.strip() for line in text.replace("\r", "").splitlines()]
    first_record = lines.index("cs-05-cleveland-cse-perpetrator-research · Case study · Cleveland")
    changes = lines.index("Announced changes to who holds the PCC functions (4)")
    assert (
        "announced changes to who holds the PCC functions: 4, after the records"
        in lines[:first_record]
    )
    assert first_record < changes
    assert lines[changes + 1] == "2025-11-13 · announced, subject to legislation"


@pytest.mark.parametrize("args", [("area", "Kent"), ("areas",)], ids=lambda a: a[0])
def test_the_announced_abolition_of_pccs_is_shown_with_date_status_and_address(
    command, tmp_path, args
):
    code, text = on_terminal(
        command, *args, "--no-pager", columns=80, env={"XDG_CACHE_HOME": str(tmp_path)}
    )
    assert code == 0, text
    lines = [line.strip() for line in text.replace("\r", "").splitlines()]
    assert any(line.endswith("2025-11-13 · announced, subject to legislation") for line in lines)
    assert any("May 2028" in line for line in lines)
    address = (
        "https://parallelparliament.co.uk/mp/sarah-jones/debate/2025-11-13/commons/"
        "commons-chamber/police-reform"
    )
    assert address in lines  # on a line of its own, whole
