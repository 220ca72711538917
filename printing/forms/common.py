"""What forms 02–05 and the receipt share: page setup, the opening block, filled wording."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from printing.fonts import FontFamily, Fonts, default_fonts
from printing.formpage import GEOMETRY, DocInfo, Geometry, build_pdf, form_caption, form_header
from printing.forms.registry import FormKind, FormTemplate, form_for
from printing.layout import fitted_line, para, style
from printing.model import AgencyHeader
from printing.text import markup, to_vn

BODY_PT = 13.0


class Page:
    """A4 portrait geometry and the serif family of one rendering, with the form's styles."""

    def __init__(self, fonts: Fonts | None) -> None:
        self.family: FontFamily = (fonts or default_fonts()).serif
        self.geo: Geometry = replace(GEOMETRY["a4"], font_scale=self.family.scale)

    def body(self, *, align: int = TA_JUSTIFY, indent: float = 0.0) -> ParagraphStyle:
        """Return the body style of the forms' sentences."""
        base = style(self.family, self.geo.pt(BODY_PT), align=align, leading=1.35,
                     space_after=self.geo.sp(3))
        return ParagraphStyle(f"{base.name}-{indent}", parent=base, leftIndent=indent)

    def small(self, *, bold: bool = False, align: int = TA_LEFT) -> ParagraphStyle:
        """Return the style of table cells."""
        return style(self.family, self.geo.pt(11.5), bold=bold, align=align, leading=1.25)


def resolve(kind: FormKind, received_at: datetime, template: FormTemplate | None) -> FormTemplate:
    """Return template, or the one in force on the dossier's received day; check its kind."""
    chosen = template or form_for(kind, to_vn(received_at).date())
    if chosen.kind is not kind:
        raise ValueError(f"template of {chosen.kind} given for a {kind} form")
    return chosen


def fill(text: str, **values: str) -> str:
    """Return paragraph markup of wording with each `{name}` slot replaced by its bold value."""
    return markup(text).format(**{k: f"<b>{markup(v)}</b>" for k, v in values.items()})


_KEEP_UPPER = frozenset({"UBND", "HĐND", "TN&TKQ"})
_ADMIN_WORDS = frozenset({"phường", "xã", "thị", "trấn", "quận", "huyện", "thành", "phố",
                          "tỉnh", "đặc", "khu", "bộ", "phận", "tiếp", "nhận", "và", "trả",
                          "kết", "quả", "một", "cửa"})


def in_sentence(name: str) -> str:
    """Return a capitalised agency name for a sentence: 'UBND PHƯỜNG THỤY KHUÊ' → 'UBND phường Thụy Khuê'."""
    if name != name.upper():
        return name  # already in mixed case: the caller's spelling wins
    words = []
    for word in name.split():
        if word in _KEEP_UPPER:
            words.append(word)
        elif word.lower() in _ADMIN_WORDS:
            words.append(word.lower())
        else:
            words.append(word.capitalize())
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def field(label: str, value: str, paragraph_style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    """Return 'Label: value', the value bold if asked."""
    shown = f"<b>{markup(value)}</b>" if bold else markup(value)
    return Paragraph(f"{markup(label)}: {shown}", paragraph_style)


def numbered(lines: Sequence[str], page: Page) -> list[Flowable]:
    """Return '1. …', '2. …' paragraphs with a hanging indent."""
    base = page.body(indent=page.geo.sp(30))
    hanging = ParagraphStyle(f"{base.name}-hang", parent=base, firstLineIndent=-page.geo.sp(14))
    return [Paragraph(f"{n}. {markup(line)}", hanging) for n, line in enumerate(lines, start=1)]


def number_line(document_number: str) -> str:
    """Return 'Số: …' for letter-type forms; dots to fill in by hand when the number is empty."""
    return f"Số: {document_number}" if document_number.strip() else "Số: ……/……"


def opening(template: FormTemplate, header: AgencyHeader, dated: datetime, page: Page, *,
            document_number: str | None = None) -> list[Flowable]:
    """Return caption, header block and title; document_number given = a letter-type form."""
    geo = page.geo
    numbered_line = None if document_number is None else number_line(document_number)
    caption = [form_caption(template.caption, geo, page.family)] if template.caption else []
    return [
        *caption,
        form_header(header, dated, geo, page.family, number_line=numbered_line),
        Spacer(1, geo.sp(16)),
        fitted_line(template.title, page.family, geo.pt(15), geo.width, space_after=geo.sp(10)),
    ]


def grid(rows: list[list[Flowable]], widths: Sequence[float], page: Page) -> Table:
    """Return a bordered table, its first row a header repeated on every page."""
    table = Table(rows, colWidths=list(widths), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), page.geo.sp(0.6), "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), page.geo.sp(2)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), page.geo.sp(3)),
        ("LEFTPADDING", (0, 0), (-1, -1), page.geo.sp(4)),
        ("RIGHTPADDING", (0, 0), (-1, -1), page.geo.sp(4)),
    ]))
    return table


def render_copies(template: FormTemplate, story: Callable[[], list[Flowable]], page: Page,
                  info: DocInfo) -> bytes:
    """Return the PDF with one copy per label of the template, each labelled at its top."""
    labels: Sequence[str | None] = template.copies or (None,)
    label_style = style(page.family, page.geo.pt(10), bold=True, italic=True, align=TA_RIGHT)
    copies = [([para(label, label_style)] if label else []) + story() for label in labels]
    return build_pdf(copies, page.geo, page.family, info)
