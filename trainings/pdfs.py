"""The onsite workshop's printed documents: the programme (A4) and the participants' name badges.

Both are drawn with reportlab in the active language. Text goes through the font machinery of
``cohorts.letters``: Helvetica for what it can show, else a TrueType font found on the server
that has every glyph (Nanum Gothic for Hangul and Hanja, Noto Sans Thai, Noto Sans, DejaVu Sans).
A value that no font can draw is left out rather than printed as empty boxes.

**The badge's QR code** holds exactly the text ``ASLP-BADGE:<badge_token>``: the fixed prefix
:data:`BADGE_QR_PREFIX` followed by the participant's ``Participant.badge_token`` (URL-safe
base 64, at most 64 characters), nothing else (no address, no name: a lost badge reveals
nothing). The check-in screen reads it with :func:`badge_token_from_payload` and looks the
participant up by ``badge_token`` within the organizer's cohort. The code is drawn as a raster
image with one pixel per module (error correction level M, no quiet zone in the image; the badge
leaves white space around it) and is not interpolated, so it prints sharp.

The programme's data (:func:`workshop_sessions`, :func:`sessions_by_day`) is shared with the
public programme page: workshop sessions (``WORKSHOP_SESSION_KINDS`` in the workshop stage),
grouped by day in the venue's time zone (the cohort's zone when there is no venue yet).
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field

import segno
from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from wagtail.images import get_image_model

from cohorts.letters import BASE_FONT, BASE_FONT_BOLD, clean_text, fallback_fonts, font_runs, markup

from .models import (
    WORKSHOP_SESSION_KINDS,
    Activity,
    Participant,
    Speaker,
    StageKind,
    Venue,
)

BADGE_QR_PREFIX = "ASLP-BADGE:"

NAVY = colors.HexColor("#1f3c73")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#c9cfdb")
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm


# -- The badge's QR code ------------------------------------------------------------------------


def badge_payload(participant: Participant) -> str:
    """What the participant's badge QR code holds: ``ASLP-BADGE:<badge_token>``."""
    return f"{BADGE_QR_PREFIX}{participant.badge_token}"


def badge_token_from_payload(text: str) -> str | None:
    """The badge token in a scanned QR code's text, or ``None`` if it is not a badge's code."""
    text = (text or "").strip()
    if not text.startswith(BADGE_QR_PREFIX):
        return None
    token = text[len(BADGE_QR_PREFIX) :]
    if not token or len(token) > 64 or not all(ch.isalnum() or ch in "-_" for ch in token):
        return None
    return token


def badge_qr(participant: Participant) -> segno.QRCode:
    return segno.make(badge_payload(participant), error="m", micro=False)


def _qr_image(qr: segno.QRCode) -> ImageReader:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=1, border=0)
    buffer.seek(0)
    return ImageReader(buffer)


# -- The programme's data -----------------------------------------------------------------------


def workshop_venue(cohort) -> Venue | None:
    return Venue.objects.filter(cohort=cohort).prefetch_related("translations").first()


def programme_zone(cohort, venue: Venue | None) -> zoneinfo.ZoneInfo:
    """The zone the workshop's sessions are shown in: the venue's, else the cohort's."""
    name = venue.time_zone if venue is not None else cohort.time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def workshop_sessions(cohort, *, photo_filter: str | None = None) -> list[Activity]:
    """The workshop's sessions in time order, with translations, group and speakers prefetched
    (a fixed number of queries); with ``photo_filter``, the speakers' photos and that rendition
    of each as well."""
    speakers = Speaker.objects.prefetch_related("translations").order_by("name", "pk")
    if photo_filter:
        images = get_image_model().objects.prefetch_renditions(photo_filter)
        speakers = speakers.prefetch_related(Prefetch("photo", queryset=images))
    return list(
        Activity.objects.filter(
            stage__cohort=cohort,
            stage__kind=StageKind.WORKSHOP,
            kind__in=WORKSHOP_SESSION_KINDS,
            starts_at__isnull=False,
        )
        .select_related("group")
        .prefetch_related("translations", Prefetch("speakers", queryset=speakers))
        .order_by("starts_at", "ends_at", "group__sort_order", "pk")
    )


@dataclass
class Slot:
    session: Activity
    starts: dt.datetime
    ends: dt.datetime | None

    @property
    def start_label(self) -> str:
        """``09:30`` in the programme's zone (``starts`` is already in it)."""
        return f"{self.starts:%H:%M}"

    @property
    def end_label(self) -> str:
        return f"{self.ends:%H:%M}" if self.ends else ""

    @property
    def time_range(self) -> str:
        return f"{self.start_label}–{self.end_label}" if self.ends else self.start_label


@dataclass
class ProgrammeDay:
    day: dt.date
    slots: list[Slot] = field(default_factory=list)

    @property
    def label(self) -> str:
        return day_label(self.day)


def day_label(day: dt.date) -> str:
    """``Monday, 14 December 2026`` in the active language's format."""
    return f"{formats.date_format(day, 'l')}, {formats.date_format(day, 'DATE_FORMAT')}"


def sessions_by_day(sessions, zone: zoneinfo.ZoneInfo) -> list[ProgrammeDay]:
    days: dict[dt.date, ProgrammeDay] = {}
    for session in sessions:
        starts = timezone.localtime(session.starts_at, zone)
        ends = timezone.localtime(session.ends_at, zone) if session.ends_at else None
        day = days.setdefault(starts.date(), ProgrammeDay(starts.date()))
        day.slots.append(Slot(session, starts, ends))
    return [days[key] for key in sorted(days)]


def workshop_dates(cohort) -> str:
    start, end = cohort.workshop_starts, cohort.workshop_ends
    if start and end:
        return _("%(start)s to %(end)s") % {
            "start": formats.date_format(start, "DATE_FORMAT"),
            "end": formats.date_format(end, "DATE_FORMAT"),
        }
    return formats.date_format(start or end, "DATE_FORMAT") if (start or end) else ""


def speaker_line(speaker: Speaker) -> str:
    name = clean_text(speaker.name)
    native = clean_text(speaker.native_name)
    if native and native != name:
        name = f"{name} ({native})"
    affiliation = clean_text(speaker.translated("affiliation"))
    return f"{name}, {affiliation}" if affiliation else name


# -- Drawing helpers ----------------------------------------------------------------------------


def _bold(name: str) -> str:
    if name == BASE_FONT:
        return BASE_FONT_BOLD
    return next((font.bold for font in fallback_fonts() if font.name == name), name)


def _text_width(text: str, size: float, bold: bool = False) -> float:
    runs = font_runs(text) or []
    return sum(
        pdfmetrics.stringWidth(chunk, _bold(name) if bold else name, size) for name, chunk in runs
    )


def _draw(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False):
    """One line at (x, y) with fonts that have its glyphs (nothing if none has them)."""
    for name, chunk in font_runs(text) or []:
        font = _bold(name) if bold else name
        canvas.setFont(font, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, font, size)


def _fitted(text: str, width: float, size: float, bold: bool = False, smallest: float = 6):
    """The largest font size from ``size`` down at which ``text`` fits in ``width``."""
    while size > smallest and _text_width(text, size, bold) > width:
        size -= 0.5
    return size


def _paragraph(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    shown = markup(clean_text(text))
    return Paragraph(f"<b>{shown}</b>" if bold and shown else shown, style)


def _programme_styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=BASE_FONT, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BASE_FONT_BOLD, fontSize=18, leading=23, textColor=NAVY
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=16, spaceAfter=6),
        "day": ParagraphStyle(
            "day",
            parent=body,
            fontName=BASE_FONT_BOLD,
            fontSize=12.5,
            leading=16,
            textColor=NAVY,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "kind": ParagraphStyle("kind", parent=body, fontSize=8, leading=10, textColor=GREY),
        "session": ParagraphStyle("session", parent=body, fontSize=10.5, leading=13.5),
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, textColor=GREY),
        "time": ParagraphStyle("time", parent=body, fontName=BASE_FONT_BOLD, fontSize=10),
    }


class _NumberedCanvas(Canvas):
    """Reproducible output ("invariant"), dated now."""

    def __init__(self, *args, **kwargs):
        kwargs["invariant"] = 1
        super().__init__(*args, **kwargs)


def _footer(cohort, programme_title: str):
    def draw(canvas: Canvas, doc) -> None:
        canvas.saveState()
        canvas.setStrokeColor(LIGHT)
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN - 2 * mm, PAGE_WIDTH - MARGIN, MARGIN - 2 * mm)
        canvas.setFillColor(GREY)
        footer = " · ".join(
            part for part in (clean_text(cohort.translated("title")), programme_title) if part
        )
        _draw(canvas, MARGIN, MARGIN - 7 * mm, footer, 8)
        page = _("Page %(number)s") % {"number": doc.page}
        _draw(canvas, PAGE_WIDTH - MARGIN - _text_width(page, 8), MARGIN - 7 * mm, page, 8)
        canvas.restoreState()

    return draw


# -- The programme ------------------------------------------------------------------------------


def programme_filename(cohort) -> str:
    return f"{cohort.slug}-programme.pdf"


def render_programme(cohort) -> bytes:
    """The workshop programme as an A4 PDF in the active language."""
    from .models import Stage

    fallback_fonts()
    styles = _programme_styles()
    venue = workshop_venue(cohort)
    zone = programme_zone(cohort, venue)
    stage = (
        Stage.objects.filter(cohort=cohort, kind=StageKind.WORKSHOP)
        .prefetch_related("translations")
        .first()
    )
    stage_title = stage.display_title if stage else str(StageKind.WORKSHOP.label)
    cohort_title = clean_text(cohort.translated("title"))
    programme_title = clean_text(cohort.programme.translated("title"))
    days = sessions_by_day(workshop_sessions(cohort), zone)

    story: list = [
        _paragraph(_("Programme of the %(stage)s") % {"stage": stage_title}, styles["title"]),
        _paragraph(f"{cohort_title} · {programme_title}", styles["subtitle"]),
    ]
    facts = []
    dates = workshop_dates(cohort)
    if dates:
        facts.append((_("Dates"), dates))
    if venue is not None:
        place = ", ".join(
            part
            for part in (
                clean_text(venue.translated("name")),
                clean_text(venue.translated("address")),
            )
            if part
        )
        facts.append((_("Venue"), place))
        if venue.map_url:
            facts.append((_("Map"), venue.map_url))
    facts.append((_("Times"), _("All times are in the %(zone)s time zone.") % {"zone": zone.key}))
    table = Table(
        [
            [_paragraph(label, styles["small"]), _paragraph(value, styles["body"])]
            for label, value in facts
        ],
        colWidths=[28 * mm, PAGE_WIDTH - 2 * MARGIN - 28 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    if not days:
        story.append(_paragraph(_("The sessions have not been published yet."), styles["body"]))
    time_width = 26 * mm
    for day in days:
        rows = []
        for slot in day.slots:
            session = slot.session
            cell = [
                _paragraph(session.get_kind_display(), styles["kind"]),
                _paragraph(session.display_title, styles["session"], bold=True),
            ]
            details = []
            if session.room:
                details.append(_("Room: %(room)s") % {"room": clean_text(session.room)})
            if session.group_id:
                details.append(_("Group: %(group)s") % {"group": clean_text(session.group.name)})
            for line in details:
                cell.append(_paragraph(line, styles["small"]))
            for speaker in session.speakers.all():
                cell.append(_paragraph(speaker_line(speaker), styles["small"]))
            rows.append([_paragraph(slot.time_range, styles["time"]), cell])
        sessions = Table(
            rows, colWidths=[time_width, PAGE_WIDTH - 2 * MARGIN - time_width], hAlign="LEFT"
        )
        sessions.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, LIGHT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(KeepTogether([_paragraph(day.label, styles["day"]), sessions]))

    buffer = io.BytesIO()
    language = translation.get_language() or "en"
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"{cohort_title}: {stage_title}",
        author=clean_text(cohort.programme.organisation_name) or programme_title,
        subject=_("Workshop programme"),
        creator=programme_title,
        lang=language,
        invariant=1,
        displayDocTitle=1,
        initialFontName=BASE_FONT,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates(
        [PageTemplate(id="programme", frames=[frame], onPage=_footer(cohort, programme_title))]
    )
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


# -- Badges -------------------------------------------------------------------------------------

BADGE_WIDTH = 90 * mm
BADGE_HEIGHT = 60 * mm
BADGE_COLUMNS = 2
BADGE_ROWS = 4
BADGES_PER_PAGE = BADGE_COLUMNS * BADGE_ROWS
QR_SIZE = 22 * mm
CUT_MARK = 4 * mm


def badge_participants(cohort, group=None):
    """The cohort's active participants (of ``group``) in name order, ready for badges."""
    found = (
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("application", "application__economy", "group")
        .prefetch_related("application__economy__names")
        .order_by(
            "group__sort_order",
            "group__name",
            "application__family_name",
            "application__given_names",
            "pk",
        )
    )
    if group is not None:
        found = found.filter(group=group)
    return found


@dataclass(frozen=True)
class BadgeFacts:
    given_names: str
    family_name: str
    native_name: str
    economy: str
    group: str
    cohort: str
    payload: str


def badge_facts(participant: Participant, cohort_title: str) -> BadgeFacts:
    application = participant.application
    given = clean_text(application.given_names)
    family = clean_text(application.family_name).upper()
    if not (given or family):
        given = clean_text(application.display_name or str(participant.user))
    economy = application.economy.localized_name() if application.economy_id else ""
    return BadgeFacts(
        given_names=given,
        family_name=family,
        native_name=clean_text(application.native_name),
        economy=clean_text(economy),
        group=clean_text(participant.group.name) if participant.group_id else "",
        cohort=cohort_title,
        payload=badge_payload(participant),
    )


def _cut_marks(canvas: Canvas, left: float, bottom: float, columns: int, rows: int) -> None:
    """Short lines outside the grid where the cards' edges meet the page margin."""
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.3)
    right = left + columns * BADGE_WIDTH
    top = bottom + rows * BADGE_HEIGHT
    gap = 1.5 * mm
    for column in range(columns + 1):
        x = left + column * BADGE_WIDTH
        canvas.line(x, top + gap, x, top + gap + CUT_MARK)
        canvas.line(x, bottom - gap, x, bottom - gap - CUT_MARK)
    for row in range(rows + 1):
        y = bottom + row * BADGE_HEIGHT
        canvas.line(left - gap - CUT_MARK, y, left - gap, y)
        canvas.line(right + gap, y, right + gap + CUT_MARK, y)


def _badge(canvas: Canvas, x: float, y: float, facts: BadgeFacts, qr: segno.QRCode) -> None:
    pad = 5 * mm
    canvas.saveState()
    canvas.translate(x, y)
    # The card's outline (a light guide for cutting) and its band with the cohort's title.
    canvas.setStrokeColor(LIGHT)
    canvas.setLineWidth(0.4)
    canvas.rect(0, 0, BADGE_WIDTH, BADGE_HEIGHT, stroke=1, fill=0)
    band = 11 * mm
    canvas.setFillColor(NAVY)
    canvas.rect(0, BADGE_HEIGHT - band, BADGE_WIDTH, band, stroke=0, fill=1)
    canvas.setFillColor(colors.white)
    size = _fitted(facts.cohort, BADGE_WIDTH - 2 * pad, 11, bold=True)
    _draw(canvas, pad, BADGE_HEIGHT - band + 3.8 * mm, facts.cohort, size, bold=True)
    # The names, largest first; everything left of the QR code.
    width = BADGE_WIDTH - 2 * pad - QR_SIZE - 3 * mm
    canvas.setFillColor(colors.black)
    top = BADGE_HEIGHT - band - 8 * mm
    full_width = BADGE_WIDTH - 2 * pad
    if facts.given_names:
        size = _fitted(facts.given_names, full_width, 15)
        _draw(canvas, pad, top, facts.given_names, size)
        top -= 8 * mm
    if facts.family_name:
        size = _fitted(facts.family_name, full_width, 19, bold=True)
        _draw(canvas, pad, top, facts.family_name, size, bold=True)
        top -= 7.5 * mm
    if facts.native_name and font_runs(facts.native_name):
        size = _fitted(facts.native_name, width, 13)
        _draw(canvas, pad, top, facts.native_name, size)
        top -= 6.5 * mm
    canvas.setFillColor(GREY)
    if facts.economy:
        _draw(
            canvas, pad, max(top, pad + 6 * mm), facts.economy, _fitted(facts.economy, width, 10.5)
        )
    if facts.group:
        canvas.setFillColor(NAVY)
        _draw(canvas, pad, pad, facts.group, _fitted(facts.group, width, 11, bold=True), bold=True)
    canvas.drawImage(_qr_image(qr), BADGE_WIDTH - pad - QR_SIZE, pad - 1 * mm, QR_SIZE, QR_SIZE)
    canvas.restoreState()


def badges_filename(cohort, group=None, participant=None) -> str:
    if participant is not None:
        return f"{cohort.slug}-badge.pdf"
    if group is not None:
        return f"{cohort.slug}-badges-group-{group.pk}.pdf"
    return f"{cohort.slug}-badges.pdf"


def render_badges(cohort, participants) -> bytes:
    """Name badges, eight cards of 90 × 60 mm per A4 page with cut marks."""
    fallback_fonts()
    cohort_title = clean_text(cohort.translated("title"))
    people = list(participants)
    buffer = io.BytesIO()
    canvas = _NumberedCanvas(
        buffer, pagesize=A4, pageCompression=1, lang=translation.get_language() or "en"
    )
    canvas.setTitle(_("Name badges: %(cohort)s") % {"cohort": cohort_title})
    canvas.setAuthor(clean_text(cohort.programme.translated("title")))
    left = (PAGE_WIDTH - BADGE_COLUMNS * BADGE_WIDTH) / 2
    bottom = (PAGE_HEIGHT - BADGE_ROWS * BADGE_HEIGHT) / 2
    if not people:
        canvas.setFillColor(GREY)
        _draw(canvas, MARGIN, PAGE_HEIGHT - MARGIN, _("No participants to print badges for."), 11)
        canvas.showPage()
    for start in range(0, len(people), BADGES_PER_PAGE):
        page = people[start : start + BADGES_PER_PAGE]
        rows = (len(page) + BADGE_COLUMNS - 1) // BADGE_COLUMNS
        top = bottom + BADGE_ROWS * BADGE_HEIGHT
        _cut_marks(canvas, left, top - rows * BADGE_HEIGHT, BADGE_COLUMNS, rows)
        for index, participant in enumerate(page):
            row, column = divmod(index, BADGE_COLUMNS)
            x = left + column * BADGE_WIDTH
            y = top - (row + 1) * BADGE_HEIGHT
            _badge(canvas, x, y, badge_facts(participant, cohort_title), badge_qr(participant))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


__all__ = [
    "BADGE_QR_PREFIX",
    "badge_payload",
    "badge_token_from_payload",
    "badge_qr",
    "workshop_venue",
    "workshop_sessions",
    "programme_zone",
    "sessions_by_day",
    "render_programme",
    "render_badges",
    "badge_participants",
]
