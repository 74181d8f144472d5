"""Every command has help text that leads with an example, and is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from pcc_ideas.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_are_the_ones_the_contract_names():
    assert set(COMMANDS) >= {
        "search",
        "theme",
        "themes",
        "area",
        "areas",
        "show",
        "sources",
        "export",
        "validate",
    }


def test_every_command_has_help_with_an_example():
    for args in ([], *([name] for name in COMMANDS)):
        result = CliRunner().invoke(app, [*args, "--help"])
        assert result.exit_code == 0, args
        assert re.search(r"^\s*Example: pcc-ideas \S", result.output, re.M), args


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_the_readme(name):
    assert re.search(rf"`(pcc-ideas )?{name}\b", README), f"README does not document {name}"


def test_the_package_docstring_example_runs():
    import doctest

    import pcc_ideas

    result = doctest.testmod(pcc_ideas, verbose=False)
    assert result.attempted and not result.failed


def test_the_readme_python_examples_run():
    import doctest

    blocks = re.findall(r"```pycon\n(.*?)```", README, re.S)
    assert blocks, "the README has Python examples"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"README[{i}]", "README.md", 0))
    assert runner.summarize(verbose=False).failed == 0


def test_the_readme_example_of_your_own_records_is_valid_and_cites_your_own_report(tmp_path, cli):
    # Users copy it: it must validate, and its record must cite the user's own document, so
    # that a brief does not name a published briefing as the source of a user's claim.
    (block,) = re.findall(r"`my-records/cs-local-project.yaml`.*?```yaml\n(.*?)```", README, re.S)
    folder = tmp_path / "my-records"
    folder.mkdir()
    (folder / "cs-local-project.yaml").write_text(block, encoding="utf-8")
    assert cli("validate", str(folder)).exit_code == 0
    pack = cli("--data-dir", str(folder), "brief", "--area", "Cleveland").stdout
    assert re.search(
        r"^\d+\. Our charity, \*Our annual report 2024\* \(2024\), Section 2\.$", pack, re.M
    )
