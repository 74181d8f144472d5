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
    expected = "\n".join(
        [
            "╭─ [bold]Test[/bold] scheme ───────────────────────────────────────────────────╮",
            "│ A made-up scheme in Rugby.                                                   │",
            "│                                                                              │",
            "│ themes      • drugs                                                          │",
            "│ areas       • Warwickshire                                                   │",
            "│ number      99                                                               │",
            "│ places      • Rugby                                                          │",
            "│ evidence    none-stated                                                      │",
            "│ scope       local                                                            │",
            "│ cited from  • briefing-2021 · Case study 99 · https://example.org/x          │",
            "│                                                                              │",
            "╰────────────────────────── Case study · cs-99-test ───────────────────────────╯",
            "",
        ]
    )
    assert render(RecordView(RECORD)) == expected


def test_search_table() -> None:
    view = SearchView("scheme", [Hit(RECORD, 1.5, ("scheme",))])
    expected = "\n".join(
        [
            "                                                                                ",
            "  #   Type         Title and id           Areas          Summary                ",
            " ────────────────────────────────────────────────────────────────────────────── ",
            "  1   Case study   [bold]Test[/bold]      Warwickshire   A made-up scheme in    ",
            "                   scheme                                Rugby.                 ",
            "                   cs-99-test                                                   ",
            "                                                                                ",
            "",
        ]
    )
    assert render(view) == expected


def test_plain_search_line_is_tab_separated_and_literal() -> None:
    view = SearchView("scheme", [Hit(RECORD, 1.5, ("scheme",))])
    assert list(plain(view)) == [
        "1\t1.500\tCase study\tcs-99-test\t[bold]Test[/bold] scheme\tWarwickshire"
    ]
