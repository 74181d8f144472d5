"""HTML: the briefing pack as one self-contained page to email or print.

No scripts, no external files (a Content-Security-Policy says so), an inline print
stylesheet. Text from data is escaped with `html.escape`; only http(s) URLs that
`pack.safe_url` accepts become links. Each reference number links to its entry, and each
entry links back to where the pack first cites it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from ..pack import Brief, Item, Reference, Section

STYLE = """
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 46rem; padding: 2rem 1.25rem 3rem; color: #1b1b1b;
  background: #fff; font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; }
header { border-bottom: 3px solid #0a4d8c; margin-bottom: 1.5rem; }
.kicker { margin: 0; color: #0a4d8c; font-weight: 600; letter-spacing: .04em;
  text-transform: uppercase; font-size: .85rem; }
h1 { margin: .25rem 0 .75rem; font-size: 1.8rem; line-height: 1.2; }
h2 { margin: 2rem 0 .75rem; font-size: 1.35rem; border-bottom: 1px solid #c8c8c8;
  padding-bottom: .25rem; }
h3 { margin: 1.25rem 0 .25rem; font-size: 1.1rem; }
.scope { padding-left: 1.25rem; color: #333; }
.kind { margin: 0 0 .35rem; color: #4a4a4a; font-size: .9rem; }
.note { font-style: italic; color: #333; }
article { margin-bottom: 1.25rem; }
dl { margin: .5rem 0; display: grid; grid-template-columns: 10.5rem 1fr; gap: .2rem .75rem; }
dt { font-weight: 600; color: #333; }
dd { margin: 0; }
dd ul { margin: 0; padding-left: 1.1rem; }
.lines li { margin-bottom: .35rem; }
.refs { color: #4a4a4a; font-size: .9rem; }
a { color: #0a4d8c; }
a:focus { outline: 2px solid #0a4d8c; outline-offset: 2px; }
.references li { margin-bottom: .4rem; overflow-wrap: anywhere; }
.back { text-decoration: none; }
nav ul { padding-left: 1.25rem; margin: .25rem 0; }
footer { margin-top: 2.5rem; border-top: 1px solid #c8c8c8; padding-top: .75rem;
  color: #4a4a4a; font-size: .9rem; }
@media (max-width: 36rem) { dl { grid-template-columns: 1fr; } dt { margin-top: .35rem; } }
@media print {
  @page { margin: 16mm 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; color: #000; }
  nav, .back { display: none; }
  a { color: #000; text-decoration: none; }
  .references a { text-decoration: underline; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  article, .lines li, .references li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def escape(text: str) -> str:
    return html.escape(text, quote=True)


class Citations:
    """Writes reference numbers as links; the first use of each number is an anchor that its
    entry in the reference list links back to."""

    def __init__(self) -> None:
        self.used: set[int] = set()

    def links(self, numbers: tuple[int, ...]) -> str:
        out = []
        for n in numbers:
            anchor = "" if n in self.used else f' id="cite-{n}"'
            self.used.add(n)
            out.append(f'<a href="#ref-{n}"{anchor}>{n}</a>')
        return f'<span class="refs">[{", ".join(out)}]</span>'


def brief_to_html(brief: Brief) -> str:
    e = escape
    cites = Citations()
    contents = "".join(
        f'<li><a href="#section-{i}">{e(s.heading)}</a></li>'
        for i, s in enumerate(brief.sections, 1)
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f'<meta name="generator" content="pcc-ideas {e(__version__)}">',
        f'<meta name="keywords" content="{e(", ".join(brief.keywords))}">',
        f'<meta name="date" content="{e(brief.built_on)}">',
        f"<title>{e(brief.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f'<p class="kicker">{"Briefing summary" if brief.short else "Briefing pack"}</p>',
        f"<h1>{e(brief.subject)}</h1>",
        '<ul class="scope">' + "".join(f"<li>{e(s)}</li>" for s in brief.scope) + "</ul>",
        '<nav aria-label="Contents"><strong>Contents</strong><ul>'
        f'{contents}<li><a href="#references">References</a></li></ul></nav>',
        "</header>",
        "<main>",
    ]
    parts += [html_section(f"section-{i}", s, cites) for i, s in enumerate(brief.sections, 1)]
    parts += [
        '<section aria-labelledby="references">',
        '<h2 id="references">References</h2>',
        '<ol class="references">',
        *(html_reference(r) for r in brief.references),
        "</ol>",
        "</section>",
        "</main>",
        f"<footer><p>{e(brief.footer)}</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def html_section(section_id: str, section: Section, cites: Citations) -> str:
    e = escape
    out = [
        f'<section aria-labelledby="{section_id}">',
        f'<h2 id="{section_id}">{e(section.heading)}</h2>',
    ]
    if section.note:
        out.append(f'<p class="note">{e(section.note)}</p>')
    if section.compact and section.items:  # a section of a note alone has no empty list
        out.append(
            '<ul class="lines">' + "".join(html_line(i, cites) for i in section.items) + "</ul>"
        )
    else:
        out += [html_entry(item, cites) for item in section.items]
    out.append("</section>")
    return "\n".join(out)


def html_line(item: Item, cites: Citations) -> str:
    text = f": {escape(item.text)}" if item.text else ""
    return f"<li><strong>{escape(item.title)}</strong>{text} {cites.links(item.refs)}</li>"


def html_entry(item: Item, cites: Citations) -> str:
    e = escape
    out = ["<article>", f"<h3>{e(item.title)}</h3>"]
    if item.kind:
        out.append(f'<p class="kind">{e(item.kind)}</p>')
    if item.text:
        out.append(f"<p>{e(item.text)}</p>")
    if item.details:
        out.append("<dl>")
        for d in item.details:
            value = (
                e(d.values[0])
                if len(d.values) == 1
                else "<ul>" + "".join(f"<li>{e(v)}</li>" for v in d.values) + "</ul>"
            )
            out.append(f"<dt>{e(d.label)}</dt><dd>{value}</dd>")
        out.append("</dl>")
    out += [f'<p class="refs">{item.sources_label}: {cites.links(item.refs)}</p>', "</article>"]
    return "\n".join(out)


def html_reference(ref: Reference) -> str:
    e = escape
    title = f"<cite>{e(ref.title)}</cite>"
    if ref.document_link:
        title = f'<a href="{e(ref.document_link)}">{title}</a>'
    year = f" ({ref.year})" if ref.year else ""
    place = f", {e(ref.place)}" if ref.place else ""
    if ref.link:
        url = f' <a href="{e(ref.link)}">{e(ref.link)}</a>'
    else:
        url = f" {e(ref.url)}" if ref.url else ""
    back = f' <a class="back" href="#cite-{ref.number}" aria-label="Back to first use">↩</a>'
    return f'<li id="ref-{ref.number}">{e(ref.by)}{title}{year}{place}{ref.stop}{url}{back}</li>'
