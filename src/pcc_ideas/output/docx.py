"""Word: the briefing pack as a .docx a policy office can edit, written with python-docx.

Headings use Word's own styles (Title, Heading 1 and 2), so the navigation pane and a table of
contents work; the scope and the figures are bulleted lists; each reference number is an
internal hyperlink to a bookmark on its entry of the numbered reference list, and each entry
links back to the pack's first use of it; URLs are live external links. The core properties
carry the title, subject, keywords and the pack's date; the footer gives the corpus version;
the same pack built on the same date is the same bytes.
python-docx is imported only here, so the other formats do not load it. Text from data goes
into runs as text: Word never reads it as markup.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

if TYPE_CHECKING:
    from docx.document import Document as DocumentType
    from docx.text.paragraph import Paragraph

    from ..pack import Brief, Item, Reference, Section

LINK_COLOUR = "0A4D8C"
PROPERTY_CHARS = 255  # the most a document property holds (python-docx refuses more)


def brief_to_docx(brief: Brief) -> bytes:
    doc = Document()
    page_setup(doc)
    properties(doc, brief)
    writer = Writer(doc)
    doc.add_paragraph(brief.subject, "Title")
    doc.add_paragraph("Briefing summary" if brief.short else "Briefing pack", "Subtitle")
    for line in brief.scope:
        doc.add_paragraph(line, "List Bullet")
    for section in brief.sections:
        writer.section(section)
    doc.add_paragraph("References", "Heading 1")
    for ref in brief.references:
        writer.reference(ref)
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = brief.footer
    out = io.BytesIO()
    doc.save(out)
    return dated(out.getvalue(), brief.built_on)


def dated(package: bytes, day: str) -> bytes:
    """The package with every file dated `day` rather than now, so the same pack built on the
    same date (`SOURCE_DATE_EPOCH`) is the same bytes."""
    stamp = (*datetime.date.fromisoformat(day).timetuple()[:3], 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, stamp), src.read(info), zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def page_setup(doc: DocumentType) -> None:
    """A4 with 20 mm margins, a body font a little smaller than Word's default, and a
    "Reference" style for the entries of the reference list (hanging number, smaller)."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(20))
    doc.styles["Normal"].font.size = Pt(10.5)
    reference = doc.styles.add_style("Reference", WD_STYLE_TYPE.PARAGRAPH)
    reference.base_style = doc.styles["Normal"]
    reference.font.size = Pt(9)
    layout = reference.paragraph_format
    layout.left_indent, layout.first_line_indent = Mm(8), Mm(-8)
    layout.space_after = Pt(3)


def properties(doc: DocumentType, brief: Brief) -> None:
    day = datetime.datetime.fromisoformat(brief.built_on).replace(tzinfo=datetime.timezone.utc)
    core = doc.core_properties
    core.title = fitted(brief.title)
    core.subject = fitted(brief.subject)
    core.keywords = fitted("; ".join(brief.keywords))
    core.author = core.last_modified_by = "pcc-ideas"
    core.comments = fitted(brief.footer)
    core.created = core.modified = day
    core.revision = 1


class Writer:
    """Writes sections and references, keeping the bookmark ids and the first use of each
    reference number (the target of the link back from the reference list)."""

    def __init__(self, doc: DocumentType):
        self.doc = doc
        self.used: set[int] = set()
        self.bookmarks = 0

    def section(self, section: Section) -> None:
        self.doc.add_paragraph(section.heading, "Heading 1")
        if section.note:
            self.doc.add_paragraph().add_run(section.note).italic = True
        for item in section.items:
            if section.compact:
                self.line(item)
            else:
                self.entry(item)

    def line(self, item: Item) -> None:
        p = self.doc.add_paragraph(style="List Bullet")
        p.add_run(item.title).bold = True
        if item.text:
            p.add_run(f": {item.text}")
        p.add_run(" ")
        self.cite(p, item.refs)

    def entry(self, item: Item) -> None:
        self.doc.add_paragraph(item.title, "Heading 2")
        if item.kind:
            self.doc.add_paragraph().add_run(item.kind).italic = True
        if item.text:
            self.doc.add_paragraph(item.text)
        for d in item.details:
            p = self.doc.add_paragraph()
            p.add_run(f"{d.label}: ").bold = True
            if len(d.values) == 1:
                p.add_run(d.values[0])
            else:
                for value in d.values:
                    self.doc.add_paragraph(value, "List Bullet")
        p = self.doc.add_paragraph(f"{item.sources_label}: ")
        self.cite(p, item.refs)

    def cite(self, p: Paragraph, numbers: tuple[int, ...]) -> None:
        """[1, 2] with each number a link to its reference; a first use is bookmarked."""
        p.add_run("[")
        for i, n in enumerate(numbers):
            if i:
                p.add_run(", ")
            first = n not in self.used
            self.used.add(n)
            if first:
                self.bookmark_start(p, f"cite_{n}")
            hyperlink(p, str(n), anchor=f"ref_{n}")
            if first:
                self.bookmark_end(p)
        p.add_run("]")

    def reference(self, ref: Reference) -> None:
        p = self.doc.add_paragraph(style="Reference")
        self.bookmark_start(p, f"ref_{ref.number}")
        p.add_run(f"{ref.number}.\t")
        self.bookmark_end(p)
        if ref.by:
            p.add_run(ref.by)
        if ref.document_link:
            hyperlink(p, ref.title, url=ref.document_link, italic=True)
        else:
            p.add_run(ref.title).italic = True
        year = f" ({ref.year})" if ref.year else ""
        place = f", {ref.place}" if ref.place else ""
        p.add_run(f"{year}{place}{ref.stop}")
        if ref.link:
            p.add_run(" ")
            hyperlink(p, ref.link, url=ref.link)
        elif ref.url:
            p.add_run(f" {ref.url}")
        p.add_run(" ")
        hyperlink(p, "↩", anchor=f"cite_{ref.number}")

    def bookmark_start(self, p: Paragraph, name: str) -> None:
        self.bookmarks += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmarks))
        start.set(qn("w:name"), name)
        p._p.append(start)

    def bookmark_end(self, p: Paragraph) -> None:
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmarks))
        p._p.append(end)


def fitted(text: str) -> str:
    """A document property as Word keeps it: at most `PROPERTY_CHARS` characters, cut with
    an ellipsis (a pack on five themes has a longer title; the document itself has it whole)."""
    return text if len(text) <= PROPERTY_CHARS else text[: PROPERTY_CHARS - 1].rstrip() + "…"


def hyperlink(
    p: Paragraph, text: str, anchor: str | None = None, url: str | None = None, italic: bool = False
) -> None:
    """A link in a paragraph: to a bookmark of the document (`anchor`) or to a URL."""
    link = OxmlElement("w:hyperlink")
    if url is None:
        link.set(qn("w:anchor"), anchor or "")
    else:
        rid = p.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rid)
    run = p.add_run(text)
    run.font.color.rgb = RGBColor.from_string(LINK_COLOUR)
    run.font.underline = True
    run.italic = italic or None
    link.append(run._r)
    p._p.append(link)
