"""Rendering, compared exactly on a fixed-width, colourless console (as Rich's own tests do).

The record is made up, with Rich markup in its title: it must be shown as typed.
"""

from __future__ import annotations

import io

from rich.console import Console

from pcc_ideas.models import CaseStudy, Citation
from pcc_ideas.render import plain, print_rich
from pcc_ideas.search import Hit
from pcc_ideas.views import RecordView, SearchView

RECORD = CaseStudy(
    id="cs-99-test",
    type="case-study",
    title="[bold]Test[/bold] scheme",
    summary="A made-up scheme in Rugby.",
    themes=("drugs",),
    areas=("Warwickshire",),
    sources=(Citation("briefing-2021", "Case study 99", "https://example.org/x"),),
    number=99,
    places=("Rugby",),
    evidence="none-stated",
)


def render(view: object) -> str:
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None, markup=False, highlight=False)
    print_rich(view, console)
    return out.getvalue()


def test_record_panel() -> None:
    assert (
        render(RecordView(RECORD))
        == "╭─ [bold]Test[/bold] scheme ───────────────────────────────────────────────────╮\n│ A made-up scheme in Rugby.                                                   │\n│                                                                              │\n│ themes      • drugs                                                          │\n│ areas       • Warwickshire                                                   │\n│ number      99                                                               │\n│ places      • Rugby                                                          │\n│ evidence    none-stated                                                      │\n│ scope       local                                                            │\n│ cited from  • briefing-2021 · Case study 99 · https://example.org/x          │\n│                                                                              │\n╰────────────────────────── Case study · cs-99-test ───────────────────────────╯\n"
    )


def test_search_table() -> None:
    view = SearchView("scheme", [Hit(RECORD, 1.5, ("scheme",))])
    assert (
        render(view)
        == "                                                                                \n  #   Type         Title and id           Areas          Summary                \n ────────────────────────────────────────────────────────────────────────────── \n  1   Case study   [bold]Test[/bold]      Warwickshire   A made-up scheme in    \n                   scheme                                Rugby.                 \n                   cs-99-test                                                   \n                                                                                \n"
    )


def test_plain_search_line_is_tab_separated_and_literal() -> None:
    view = SearchView("scheme", [Hit(RECORD, 1.5, ("scheme",))])
    assert list(plain(view)) == [
        "1\t1.500\tCase study\tcs-99-test\t[bold]Test[/bold] scheme\tWarwickshire"
    ]
