"""Visa invitation letters: what they say, the PDF, issuing and verifying them.

A confirmed participant downloads a letter on the programme's letterhead, addressed to the
consular officer who handles their visa. Visa letters are written in English whatever the
applicant's language (consulates expect English); only the name in native script is in another
script, when a font on the server can draw it.

**Issuing and reuse.** The PDF is reproducible: rendering the same letter (same code, same issue
date) with the same data gives the same bytes. When a participant downloads their letter again,
the latest letter is rendered once more; if its SHA-256 is the one recorded when it was issued,
nothing printed on it has changed and that same letter (same verification code) is returned.
Otherwise (a corrected passport name, new workshop dates or city, a new signatory...) a new letter
with a new verification code is issued; the verification page then shows older codes as replaced.

**Fonts.** Latin text uses reportlab's built-in Helvetica (nothing to embed). Text that Helvetica
cannot show (Vietnamese letters, Cyrillic, Thai...) is drawn with a TrueType font found on the
server that has every glyph of it (Noto Sans and Noto Sans Thai from Debian's ``fonts-noto-core``,
DejaVu Sans, Nanum Gothic from ``fonts-nanum`` for Hangul; more with the ``COHORTS_LETTER_FONTS``
setting, a list of ``(name, regular .ttf path, bold .ttf path)``). A value that no font can draw
is left out of the letter rather than drawn as empty boxes (e.g. a Chinese or Japanese name in
native script: Debian's ``fonts-noto-cjk`` are OpenType-CFF, which reportlab cannot embed);
:func:`letter_omissions` tells the participant which. Thai is drawn without shaping (reportlab
needs uharfbuzz for that), which places some stacked marks less finely than a word processor.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import audit
from .emails import absolute_url
from .models import Application, ApplicationStatus, InvitationLetter, Logistics, Position

# -- Verification codes -----------------------------------------------------------------------

# Crockford's base 32: no I, L, O or U, so a code read off paper is typed back without confusion.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 25  # 125 random bits
CODE_GROUP = 5
_TYPO_MAP = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    """A random code in groups of five, e.g. ``7KQ4M-2XD9T-...``."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return _grouped(raw)


def _grouped(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def normalize_code(typed: str) -> str | None:
    """The code in its stored form, from what someone typed (case, spaces, dashes, O/0 and I/1
    mix-ups forgiven); ``None`` when it cannot be a code at all."""
    if not typed or len(typed) > 80:
        return None
    compact = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n").translate(_TYPO_MAP)
    if len(compact) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return None
    return _grouped(compact)


def verification_page_url() -> str:
    """The absolute address of the public verification page (English, unprefixed)."""
    with translation.override("en"):
        return absolute_url(reverse("cohorts:verify_letter"))


def verification_url(code: str) -> str:
    """The verification page's address with ``code`` filled in (what the QR code holds)."""
    return f"{verification_page_url()}?{urlencode({'code': code})}"


# -- What a letter says -----------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def english_date(day: dt.date | None) -> str:
    """``14 July 2026`` whatever the active language (the letter is in English)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}" if day else ""


def clean_text(value: str) -> str:
    """NFC-normalized (NFD Vietnamese draws wrongly), control and format characters removed,
    runs of white space made one space."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return " ".join(value.split())


def _logistics(application: Application) -> Logistics | None:
    try:
        return application.logistics
    except Logistics.DoesNotExist:
        return None


def document_name_parts(application: Application) -> tuple[str, str]:
    """(FAMILY NAME, GIVEN NAMES) from the application, in capitals as on travel documents."""
    return clean_text(application.family_name).upper(), clean_text(application.given_names).upper()


def passport_name(application: Application) -> str:
    """The holder's name as in their passport: the correction they typed in the logistics form,
    else the family and given names of the application, in capitals."""
    logistics = _logistics(application)
    if logistics is not None and logistics.passport_name_correction.strip():
        return clean_text(logistics.passport_name_correction).upper()
    return " ".join(part for part in document_name_parts(application) if part)


@dataclass(frozen=True)
class LetterFacts:
    """Everything printed on a letter, in English (also shown by the verification page)."""

    holder_name: str
    family_name: str  # empty when the holder typed a corrected passport name
    given_names: str
    native_name: str
    position: str
    school: str
    economy: str
    programme: str
    organisation_name: str
    organisation_address: str
    organisation_email: str
    signatory_name: str
    signatory_title: str
    short_name: str
    cohort: str
    city: str
    workshop_starts: dt.date | None
    workshop_ends: dt.date | None
    pre_training_starts: dt.date | None
    pre_training_ends: dt.date | None
    post_training_starts: dt.date | None
    post_training_ends: dt.date | None
    reference: str
    confirmed_on: dt.date | None

    @property
    def workshop_dates(self) -> str:
        return f"{english_date(self.workshop_starts)} – {english_date(self.workshop_ends)}"


def letter_facts(application: Application) -> LetterFacts:
    cohort = application.cohort
    programme = cohort.programme
    logistics = _logistics(application)
    corrected = bool(logistics and logistics.passport_name_correction.strip())
    family, given = document_name_parts(application)
    with translation.override("en"):
        position = clean_text(application.position_detail) or (
            str(Position(application.position).label) if application.position else ""
        )
    confirmed_on = (
        timezone.localtime(application.offer_answered_at, cohort.zone).date()
        if application.offer_answered_at
        else None
    )
    return LetterFacts(
        holder_name=passport_name(application),
        family_name="" if corrected else family,
        given_names="" if corrected else given,
        native_name=clean_text(application.native_name),
        position=position,
        school=clean_text(application.school_name),
        economy=application.economy.name if application.economy_id else "",
        programme=clean_text(programme.title),
        organisation_name=clean_text(programme.organisation_name) or clean_text(programme.title),
        organisation_address=(programme.organisation_address or "").strip(),
        organisation_email=programme.organisation_email,
        signatory_name=clean_text(programme.letter_signatory_name),
        signatory_title=clean_text(programme.letter_signatory_title),
        short_name=clean_text(programme.short_name),
        cohort=clean_text(cohort.title),
        city=clean_text(cohort.venue_city),
        workshop_starts=cohort.workshop_starts,
        workshop_ends=cohort.workshop_ends,
        pre_training_starts=cohort.pre_training_starts,
        pre_training_ends=cohort.pre_training_ends,
        post_training_starts=cohort.post_training_starts,
        post_training_ends=cohort.post_training_ends,
        reference=application.reference or "",
        confirmed_on=confirmed_on,
    )


def letter_problems(application: Application) -> list[str]:
    """Why no letter can be issued yet (empty when one can), as messages for the participant."""
    problems = []
    if application.status != ApplicationStatus.CONFIRMED:
        problems.append(_("Invitation letters are issued to confirmed participants only."))
    cohort = application.cohort
    if not (cohort.workshop_starts and cohort.workshop_ends and cohort.venue_city.strip()):
        problems.append(
            _(
                "The organizers have not yet set the workshop's dates and city. The letter can "
                "be issued as soon as they have."
            )
        )
    logistics = _logistics(application)
    if logistics is None or not (
        logistics.passport_name_confirmed or logistics.passport_name_correction.strip()
    ):
        problems.append(
            _(
                "Check your name as it appears in your passport in the travel details form "
                "first: the letter must show it exactly."
            )
        )
    if not passport_name(application):
        problems.append(_("Your application has no name to print on the letter."))
    return problems


# -- Fonts ------------------------------------------------------------------------------------

BASE_FONT = "Helvetica"
BASE_FONT_BOLD = "Helvetica-Bold"
_NOTO = Path("/usr/share/fonts/truetype/noto")
_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
_NANUM = Path("/usr/share/fonts/truetype/nanum")
# (name, regular file, bold file): tried in this order, for text Helvetica cannot show.
FONT_CANDIDATES = (
    ("LetterNotoSans", _NOTO / "NotoSans-Regular.ttf", _NOTO / "NotoSans-Bold.ttf"),
    ("LetterNotoSansThai", _NOTO / "NotoSansThai-Regular.ttf", _NOTO / "NotoSansThai-Bold.ttf"),
    ("LetterDejaVuSans", _DEJAVU / "DejaVuSans.ttf", _DEJAVU / "DejaVuSans-Bold.ttf"),
    # Hangul (Debian's fonts-nanum: TrueType outlines, so reportlab can embed them)
    ("LetterNanumGothic", _NANUM / "NanumGothic.ttf", _NANUM / "NanumGothicBold.ttf"),
)


@dataclass(frozen=True)
class _Font:
    name: str
    bold: str
    chars: frozenset[int]

    def covers(self, text: str) -> bool:
        return all(ord(ch) in self.chars for ch in text if not ch.isspace())


_font_lock = threading.Lock()


@functools.cache
def fallback_fonts() -> tuple[_Font, ...]:
    """The TrueType fonts available here, registered with reportlab once per process."""
    candidates = [*getattr(settings, "COHORTS_LETTER_FONTS", ()), *FONT_CANDIDATES]
    found = []
    with _font_lock:
        for name, regular, bold in candidates:
            regular, bold = Path(regular), Path(bold) if bold else None
            if not regular.is_file():
                continue
            try:
                face = TTFont(name, str(regular))
            except (TTFError, OSError):
                continue  # e.g. OpenType-CFF outlines, which reportlab cannot embed
            pdfmetrics.registerFont(face)
            bold_name = name
            if bold is not None and bold.is_file():
                try:
                    pdfmetrics.registerFont(TTFont(f"{name}-Bold", str(bold)))
                    bold_name = f"{name}-Bold"
                except (TTFError, OSError):
                    pass
            pdfmetrics.registerFontFamily(
                name, normal=name, bold=bold_name, italic=name, boldItalic=bold_name
            )
            found.append(_Font(name, bold_name, frozenset(face.face.charToGlyph)))
    return tuple(found)


def _base_covers(text: str) -> bool:
    """Helvetica (WinAnsi encoding) has a glyph for every character of ``text``."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def font_runs(text: str) -> list[tuple[str, str]] | None:
    """``text`` split into (font name, chunk) runs that the fonts can draw; ``None`` if some
    character has no glyph in any font (the caller leaves the text out)."""
    if not text:
        return []
    if _base_covers(text):
        return [(BASE_FONT, text)]
    fonts = fallback_fonts()
    for font in fonts:
        if font.covers(text):
            return [(font.name, text)]
    # Mixed scripts (e.g. a Thai font without Latin letters): one run per font.
    runs: list[tuple[str, str]] = []
    for ch in text:
        if ch.isspace() and runs:
            runs[-1] = (runs[-1][0], runs[-1][1] + ch)
            continue
        if _base_covers(ch):
            name = BASE_FONT
        else:
            name = next((f.name for f in fonts if ord(ch) in f.chars), None)
            if name is None:
                return None
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
    return runs


def printable(text: str) -> bool:
    return font_runs(text) is not None


def markup(text: str) -> str:
    """Paragraph markup drawing ``text`` with fonts that have its glyphs ('' if none can)."""
    runs = font_runs(text)
    if not runs:
        return ""
    return "".join(
        escape(chunk) if name == BASE_FONT else f'<font face="{name}">{escape(chunk)}</font>'
        for name, chunk in runs
    )


OPTIONAL_FIELDS = (
    ("native_name", _("your name in native script")),
    ("position", _("your position")),
    ("school", _("your school or institution")),
)


def letter_omissions(facts: LetterFacts) -> list[str]:
    """Labels of the values left out of the letter because no font here can draw them."""
    return [
        str(label)
        for field, label in OPTIONAL_FIELDS
        if getattr(facts, field) and not printable(getattr(facts, field))
    ]


# -- The PDF ----------------------------------------------------------------------------------

NAVY = colors.HexColor("#1f3c73")
ACCENT = colors.HexColor("#c8102e")
GREY = colors.HexColor("#555555")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
LETTERHEAD_HEIGHT = 36 * mm
FOOTER_HEIGHT = 13 * mm


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=BASE_FONT, fontSize=10, leading=13.5, spaceAfter=6)
    return {
        "body": body,
        "meta": ParagraphStyle("meta", parent=body, alignment=TA_RIGHT, spaceAfter=0),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BASE_FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=NAVY,
            spaceBefore=4,
            spaceAfter=10,
        ),
        "label": ParagraphStyle("label", parent=body, textColor=GREY, fontSize=9.5, spaceAfter=0),
        "value": ParagraphStyle("value", parent=body, spaceAfter=0),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=GREY),
    }


class _QRCode(Flowable):
    """A QR code drawn as vector squares (sharp at any zoom), linking to ``url``."""

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url = url
        self.size = size
        self.qr = segno.make(url, error="m")

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        canvas = self.canv
        matrix = self.qr.matrix
        border = 2
        count = len(matrix) + 2 * border
        module = self.size / count
        canvas.saveState()
        canvas.setFillColor(colors.black)
        path = canvas.beginPath()
        for row_index, row in enumerate(matrix):
            y = self.size - (row_index + border + 1) * module
            column = 0
            while column < len(row):
                if row[column]:
                    start = column
                    while column < len(row) and row[column]:
                        column += 1
                    path.rect((start + border) * module, y, (column - start) * module, module)
                else:
                    column += 1
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.linkURL(self.url, (0, 0, self.size, self.size), relative=1)
        canvas.restoreState()


def _emblem(canvas: Canvas, x: float, y: float, radius: float, initials: str) -> None:
    """A simple vector emblem: two rings and the programme's short name."""
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1.6)
    canvas.circle(x, y, radius)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(0.8)
    canvas.circle(x, y, radius - 2.6)
    canvas.setFillColor(NAVY)
    initials = initials[:5] if _base_covers(initials) else ""
    size = 11 if len(initials) <= 4 else 9
    canvas.setFont(BASE_FONT_BOLD, size)
    canvas.drawCentredString(x, y - size * 0.35, initials)
    canvas.restoreState()


def _draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, bold=False) -> None:
    """One line at (x, y) with fonts that have its glyphs; nothing if no font has them."""
    runs = font_runs(text) or []
    for name, chunk in runs:
        font = name
        if bold:
            font = BASE_FONT_BOLD if name == BASE_FONT else _bold_of(name)
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, font, size)


def _bold_of(name: str) -> str:
    return next((f.bold for f in fallback_fonts() if f.name == name), name)


class _LetterCanvas(Canvas):
    """Reproducible output: invariant mode, dated with the letter's issue date."""

    issued_at: dt.datetime

    def __init__(self, *args, **kwargs):
        kwargs["invariant"] = 1
        super().__init__(*args, **kwargs)
        stamp = self.issued_at.astimezone(dt.UTC)
        self._doc.setDateFormatter(
            lambda *_parts: "D:{:%Y%m%d%H%M%S}+00'00'".format(stamp)  # noqa: UP032
        )


def _canvas_class(issued_at: dt.datetime) -> type[_LetterCanvas]:
    return type("LetterCanvas", (_LetterCanvas,), {"issued_at": issued_at})


def _page_decorations(facts: LetterFacts, code: str):
    def draw(canvas: Canvas, doc) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - MARGIN
        _emblem(canvas, MARGIN + 11 * mm, top - 11 * mm, 11 * mm, facts.short_name.upper())
        text_x = MARGIN + 27 * mm
        _draw_text(canvas, text_x, top - 5 * mm, facts.organisation_name, 13, bold=True)
        canvas.setFillColor(GREY)
        y = top - 10.5 * mm
        address = facts.organisation_address.splitlines()
        lines = [line.strip() for line in address if line.strip()][:3]
        if facts.organisation_email:
            lines.append(facts.organisation_email)
        for line in lines:
            _draw_text(canvas, text_x, y, clean_text(line), 9)
            y -= 4.2 * mm
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(1.4)
        rule_y = PAGE_HEIGHT - MARGIN - LETTERHEAD_HEIGHT + 6 * mm
        canvas.line(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN, rule_y - 1.6 * mm, PAGE_WIDTH - MARGIN, rule_y - 1.6 * mm)
        # Footer
        canvas.setStrokeColor(GREY)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 9 * mm, PAGE_WIDTH - MARGIN, MARGIN + 9 * mm)
        canvas.setFillColor(GREY)
        _draw_text(
            canvas,
            MARGIN,
            MARGIN + 4.5 * mm,
            f"{facts.programme} · {facts.organisation_name}",
            8,
        )
        canvas.setFont(BASE_FONT, 8)
        canvas.drawString(
            MARGIN,
            MARGIN,
            f"Verification code {code} · {verification_page_url()}",
        )
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def _details_table(facts: LetterFacts, styles) -> Table:
    rows = [("Name as in passport", facts.holder_name)]
    if facts.family_name or facts.given_names:
        rows += [("Family name", facts.family_name), ("Given names", facts.given_names)]
    rows += [
        ("Name in native script", facts.native_name),
        ("Position", facts.position),
        ("School or institution", facts.school),
        ("Economy", facts.economy),
        ("Workshop", f"Onsite Training Workshop, {facts.cohort}"),
        ("Place and dates", f"{facts.city}, {facts.workshop_dates}"),
    ]
    data = [
        [Paragraph(escape(label), styles["label"]), Paragraph(markup(value), styles["value"])]
        for label, value in rows
        if value and printable(value)
    ]
    table = Table(data, colWidths=[45 * mm, PAGE_WIDTH - 2 * MARGIN - 45 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9cfdb")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _story(facts: LetterFacts, letter: InvitationLetter, issued_on: dt.date) -> list:
    styles = _styles()
    body = styles["body"]
    name = f"<b>{markup(facts.holder_name)}</b>"
    organisation = markup(facts.organisation_name)
    roles = [markup(v) for v in (facts.position, facts.school, facts.economy) if printable(v)]
    described = f"{name} ({', '.join(r for r in roles if r)})" if any(roles) else name
    city = markup(facts.city)
    cohort = markup(facts.cohort)
    programme = markup(facts.programme)
    start, end = english_date(facts.workshop_starts), english_date(facts.workshop_ends)
    story = [
        Paragraph(f"Date of issue: {english_date(issued_on)}", styles["meta"]),
        Paragraph(f"Reference: {escape(facts.reference)}", styles["meta"]),
        Paragraph(f"Verification code: {letter.code}", styles["meta"]),
        Spacer(1, 4 * mm),
        Paragraph("To the consular officer concerned / To whom it may concern", body),
        Paragraph(f"Invitation letter: Onsite Training Workshop of {cohort}", styles["title"]),
        Paragraph(
            f"On behalf of {organisation}, I am pleased to invite {described} to attend the "
            f"Onsite Training Workshop of {cohort}, part of the {programme}, to be held in "
            f"{city} from {start} to {end}.",
            body,
        ),
    ]
    stages = []
    if facts.pre_training_starts and facts.pre_training_ends:
        stages.append(
            f"online pre-training from {english_date(facts.pre_training_starts)} to "
            f"{english_date(facts.pre_training_ends)}"
        )
    if facts.post_training_starts and facts.post_training_ends:
        stages.append(
            f"online post-training from {english_date(facts.post_training_starts)} to "
            f"{english_date(facts.post_training_ends)}"
        )
    selected = f"{name} was selected through the programme's open call"
    if facts.confirmed_on:
        selected += f" and confirmed their participation on {english_date(facts.confirmed_on)}"
    selected += "."
    if stages:
        selected += " Besides the onsite workshop, the programme comprises " + (
            " and ".join(stages) + "."
        )
    story.append(Paragraph(selected, body))
    story.append(
        Paragraph(
            f"The training sessions, materials and activities of the workshop are provided by "
            f"{organisation}. We would be grateful if you could grant {name} the visa needed to "
            f"take part in the workshop. This letter is issued for the visa application only.",
            body,
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(_details_table(facts, styles))
    story.append(Spacer(1, 4 * mm))
    signature = [Paragraph("Yours faithfully,", body), Spacer(1, 10 * mm)]
    if facts.signatory_name:
        signature.append(Paragraph(f"<b>{markup(facts.signatory_name)}</b>", styles["value"]))
    if facts.signatory_title:
        signature.append(Paragraph(markup(facts.signatory_title), styles["value"]))
    signature.append(Paragraph(organisation, styles["value"]))
    url = verification_url(letter.code)
    verify_text = Paragraph(
        f"To confirm that this letter is genuine, scan this code or visit "
        f'<link href="{escape(url)}" color="#1f3c73">{escape(verification_page_url())}</link> '
        f"and enter the verification code:<br/><b>{letter.code}</b>",
        styles["small"],
    )
    signature_width = 75 * mm
    closing = Table(
        [[signature, _QRCode(url, 26 * mm), verify_text]],
        colWidths=[signature_width, 29 * mm, PAGE_WIDTH - 2 * MARGIN - signature_width - 29 * mm],
        hAlign="LEFT",
    )
    closing.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (0, 0), "TOP"),
                ("VALIGN", (1, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(KeepTogether([closing]))
    return story


def render_invitation_letter(letter: InvitationLetter) -> bytes:
    """The letter as PDF bytes: A4 portrait on the programme's letterhead, reproducible."""
    application = letter.application
    facts = letter_facts(application)
    issued_at = letter.issued_at or timezone.now()
    issued_on = timezone.localtime(issued_at, application.cohort.zone).date()
    buffer = io.BytesIO()
    fallback_fonts()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + LETTERHEAD_HEIGHT,
        bottomMargin=MARGIN + FOOTER_HEIGHT,
        title=f"Invitation letter for {facts.holder_name}",
        author=facts.organisation_name,
        subject=f"Visa invitation letter: Onsite Training Workshop of {facts.cohort}",
        creator=facts.programme,
        keywords=[facts.reference, letter.code],
        lang="en",
        invariant=1,
        displayDocTitle=1,
        initialFontName=BASE_FONT,
    )
    frame = Frame(
        doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", showBoundary=0
    )
    doc.addPageTemplates(
        [PageTemplate(id="letter", frames=[frame], onPage=_page_decorations(facts, letter.code))]
    )
    doc.build(_story(facts, letter, issued_on), canvasmaker=_canvas_class(issued_at))
    return buffer.getvalue()


# -- Issuing ----------------------------------------------------------------------------------


def issue_letter(application: Application, *, by) -> tuple[InvitationLetter, bytes, bool]:
    """The participant's current letter: (letter, PDF bytes, whether it was newly issued).

    The latest letter is reused when rendering it again gives the bytes recorded at issue (so
    nothing printed on it changed); otherwise a new letter with a new code is issued and audited.
    """
    with transaction.atomic():
        # One issue at a time per application (double clicks make one letter).
        Application.objects.select_for_update().filter(pk=application.pk).first()
        latest = application.invitation_letters.order_by("-issued_at", "-pk").first()
        if latest is not None and latest.sha256:
            latest.application = application
            pdf = render_invitation_letter(latest)
            if hashlib.sha256(pdf).hexdigest() == latest.sha256:
                return latest, pdf, False
        letter = InvitationLetter(application=application, code=new_code())
        letter.save()
        pdf = render_invitation_letter(letter)
        letter.sha256 = hashlib.sha256(pdf).hexdigest()
        letter.save(update_fields=["sha256"])
        facts = letter_facts(application)
        audit.record(
            application,
            "cohorts.letter",
            by,
            after={
                "letter": letter.pk,
                "code": letter.code,
                "sha256": letter.sha256,
                "holder_name": facts.holder_name,
                "workshop": f"{facts.city}, {facts.workshop_dates}",
            },
            replaces=latest.code if latest is not None else None,
        )
    return letter, pdf, True


# -- Verifying --------------------------------------------------------------------------------


class LetterState:
    VALID = "valid"
    REPLACED = "replaced"  # a newer letter was issued to the same person
    WITHDRAWN = "withdrawn"  # the holder no longer has a confirmed place
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verification:
    state: str
    letter: InvitationLetter | None = None
    facts: LetterFacts | None = None
    issued_on: dt.date | None = None
    replaced_on: dt.date | None = None


def verify(typed_code: str) -> Verification:
    """What the public verification page says about a typed code (unknown and malformed codes
    get the same answer)."""
    code = normalize_code(typed_code)
    letter = (
        InvitationLetter.objects.select_related(
            "application",
            "application__cohort",
            "application__cohort__programme",
            "application__economy",
            "application__logistics",
        )
        .filter(code=code)
        .first()
        if code is not None
        else None
    )
    if letter is None:
        return Verification(LetterState.UNKNOWN)
    application = letter.application
    zone = application.cohort.zone
    facts = letter_facts(application)
    issued_on = timezone.localtime(letter.issued_at, zone).date()
    if application.status != ApplicationStatus.CONFIRMED:
        return Verification(LetterState.WITHDRAWN, letter, facts, issued_on)
    newest = (
        InvitationLetter.objects.filter(application_id=application.pk)
        .order_by("-issued_at", "-pk")
        .only("pk", "issued_at")
        .first()
    )
    if newest is not None and newest.pk != letter.pk:
        replaced_on = timezone.localtime(newest.issued_at, zone).date()
        return Verification(LetterState.REPLACED, letter, facts, issued_on, replaced_on)
    return Verification(LetterState.VALID, letter, facts, issued_on)
