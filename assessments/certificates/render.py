"""One certificate as a PDF: A4 landscape, drawn with reportlab from a ``CertificateData``.

Rules:

1. Everything printed comes from the data: titles and bodies per language (placeholders
   ``{name}``, ``{programme}``, ``{cohort}``, ``{dates}``, ``{hours}`` filled here when present;
   any other ``{word}`` is an error), the holder's name in native script and in Latin letters,
   signatories, logos, colours, serial number, issue date and the verification URL (as a QR
   code and as text).
2. Bilingual by default (English, then the holder's language); ``languages`` chooses others,
   e.g. one language only. ``{name}`` is the native name in the holder's language and the
   Latin name in the others (also in the holder's language when it is written in Latin letters
   and the native name is not, e.g. a Chinese name on an English or Malay certificate).
3. Same data, same bytes: the canvas is invariant, its creation date is the issue date, its
   initial font is an embedded face and nothing depends on time, place or process.
4. PDF title, author (the issuer), subject (the serial) and ``/Lang`` (the first language) are
   set; the lines of the other language (its title, body, issue date and the native name) are
   marked with their own ``/Lang``, and so are runs of a script in another language than
   their line's (a Tamil name on an English line: see ``text``). Fonts are embedded as subsets.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import re
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from . import fonts, images
from .dates import (
    PDF_LANGS,
    bilingual_languages,
    check_language,
    format_date,
    format_date_range,
    format_number,
)
from .text import chain_for, draw_runs, fit_line, normalize, wrap

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# A fixed QR mask pattern (the checkerboard): choosing the "best" of the eight costs about
# 6 ms, a third of a certificate, and every decoder reads every mask.
QR_MASK = 0
PLACEHOLDERS = ("name", "programme", "cohort", "dates", "hours")
TEXT_COLOUR = "#1b1b1b"
MUTED_COLOUR = "#555555"


class CertificateError(ValueError):
    """The certificate data cannot be rendered (missing text, unknown placeholder...)."""


@dataclass(frozen=True)
class CertificateText:
    """The wording of a certificate in one language.

    ``title`` (e.g. "Certificate of Completion") and ``body`` may contain the placeholders;
    ``issued_label`` (e.g. "Issued on") precedes the issue date when given.
    """

    title: str
    body: str
    issued_label: str = ""


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    signature_png: bytes | None = None


@dataclass(frozen=True)
class CertificateData:
    """Everything one certificate shows. Strings may be given per language (a mapping from
    language code to text, English used when the language is missing) or as one string.

    ``holder_name`` is in the holder's script; ``holder_name_latin`` in Latin letters (left
    empty when the same). ``languages`` defaults to ``bilingual_languages(holder_language)``.
    """

    serial: str
    verification_url: str
    issued_on: dt.date
    issuer: str
    holder_language: str
    holder_name: str
    texts: Mapping[str, CertificateText]
    holder_name_latin: str = ""
    languages: tuple[str, ...] = ()
    programme: str | Mapping[str, str] = ""
    cohort: str | Mapping[str, str] = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    hours: int | float | Decimal | None = None
    signatories: tuple[Signatory, ...] = ()
    logos: tuple[bytes, ...] = ()
    primary_colour: str = "#1f3a5f"
    secondary_colour: str = "#b08d3c"
    pdf_title: str = ""
    pdf_lang: str = ""

    def effective_languages(self) -> tuple[str, ...]:
        languages = self.languages or bilingual_languages(self.holder_language)
        for language in languages:
            check_language(language)
        return tuple(languages)


def _localized(value: str | Mapping[str, str], language: str) -> str:
    if isinstance(value, str):
        return value
    if language in value:
        return value[language]
    if "en" in value:
        return value["en"]
    return next(iter(value.values()), "")


# Languages written in Latin letters: their text names the holder in Latin letters when the
# native name is in another script (a Chinese name on an English certificate).
LATIN_SCRIPT_LANGUAGES = frozenset({"en", "id", "ms", "es", "vi"})


def _latin_only(name: str) -> bool:
    return all(
        not char.isalpha() or unicodedata.name(char, "").startswith("LATIN")
        for char in normalize(name)
    )


def placeholder_values(data: CertificateData, language: str) -> dict[str, str]:
    """What ``{name}``, ``{programme}``... stand for in ``language``."""
    native_fits = language == data.holder_language and not (
        language in LATIN_SCRIPT_LANGUAGES and not _latin_only(data.holder_name)
    )
    name = data.holder_name if native_fits or not data.holder_name_latin else data.holder_name_latin
    values = {
        "name": name,
        "programme": _localized(data.programme, language),
        "cohort": _localized(data.cohort, language),
        "dates": "",
        "hours": "",
    }
    if data.start_date:
        values["dates"] = format_date_range(data.start_date, data.end_date, language)
    if data.hours is not None:
        values["hours"] = format_number(data.hours, language)
    return values


def fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``{placeholder}`` by its value; an unknown placeholder raises
    ``CertificateError`` (no ``str.format``: templates are edited in the admin)."""

    def replace(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            raise CertificateError(f"unknown placeholder {{{key}}} in {template!r}")
        return values[key]

    return _PLACEHOLDER.sub(replace, template)


def _colour(value: str) -> HexColor:
    if not _COLOUR.match(value or ""):
        raise CertificateError(f"colour {value!r} is not #rrggbb")
    return HexColor(value)


def _draw_image(canvas: Canvas, png: bytes, cx: float, y: float, max_w: float, max_h: float):
    """Draw an image centred on ``cx`` with its bottom at ``y``, scaled to fit."""
    try:
        image = images.prepare(png, max_w, max_h)
    except images.ImageError as exc:
        raise CertificateError(str(exc)) from exc
    width, height = image.fit(max_w, max_h)
    images.draw(canvas, image, cx - width / 2, y, width, height)


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The verification URL as a vector QR code (error correction M, quiet zone of four
    modules), written as integer rectangles in module units: one per horizontal dark run."""
    qr = segno.make(url, error="m", micro=False, mask=QR_MASK)
    matrix = qr.matrix
    count = len(matrix) + 8
    module = size / count
    ops = [f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.4f} {y:.4f} cm"]
    rows = len(matrix)
    for row_index, row in enumerate(matrix):
        bottom = rows - 1 - row_index + 4
        start = None
        for col, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start + 4} {bottom} {col - start} 1 re")
                start = None
    ops.append("f Q")
    canvas._code.append("\n".join(ops))


def _fix_timestamp(canvas: Canvas, day: dt.date) -> None:
    """Date the document (CreationDate/ModDate) at midnight UTC of ``day``."""
    seconds = calendar.timegm(day.timetuple())
    stamp = canvas._doc._timeStamp
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


def render_certificate(data: CertificateData) -> bytes:
    """The certificate as PDF bytes. Raises ``CertificateError`` for incomplete data and
    ``text.MissingGlyph`` for a character no font covers."""
    languages = data.effective_languages()
    check_language(data.holder_language)
    for language in languages:
        if language not in data.texts:
            raise CertificateError(f"no certificate text in {language!r}")
    primary = _colour(data.primary_colour)
    secondary = _colour(data.secondary_colour)
    first = languages[0]
    values = {language: placeholder_values(data, language) for language in languages}
    titles = [fill(data.texts[lang].title, values[lang]) for lang in languages]
    bodies = [fill(data.texts[lang].body, values[lang]) for lang in languages]
    latin = normalize(data.holder_name_latin)
    native = normalize(data.holder_name)
    document_lang = data.pdf_lang or PDF_LANGS[first]

    def lang_of(language: str) -> str:
        """The tag marking a line in ``language`` ("" when it is the document's)."""
        tag = PDF_LANGS[language]
        return "" if tag == document_lang else tag

    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        invariant=1,
        initialFontName=fonts.font_name(chain_for(first)[0]),
        lang=document_lang,
    )
    _fix_timestamp(canvas, data.issued_on)
    canvas.setTitle(normalize(data.pdf_title or f"{titles[0]} – {latin or native}"))
    canvas.setAuthor(normalize(data.issuer))
    canvas.setSubject(data.serial)
    canvas.setCreator(normalize(data.issuer))

    # Frame.
    canvas.setStrokeColor(primary)
    canvas.setLineWidth(4)
    canvas.rect(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44)
    canvas.setStrokeColor(secondary)
    canvas.setLineWidth(1.2)
    canvas.rect(32, 32, PAGE_WIDTH - 64, PAGE_HEIGHT - 64)

    text, muted = HexColor(TEXT_COLOUR), HexColor(MUTED_COLOUR)
    centre = PAGE_WIDTH / 2
    text_width = PAGE_WIDTH - 200
    y = PAGE_HEIGHT - 58

    # Logos, in a centred row.
    if data.logos:
        slot = min(150.0, (PAGE_WIDTH - 160) / len(data.logos))
        left = centre - slot * len(data.logos) / 2
        for index, png in enumerate(data.logos):
            _draw_image(canvas, png, left + slot * (index + 0.5), y - 46, slot - 20, 46)
        y -= 62
    else:
        y -= 14

    # The central block, laid out first (items of: gap above, runs, colour, language tag) and
    # then drawn centred vertically between the logos and the footer.
    items: list[tuple[float, list, HexColor | None, str]] = []
    for index, (language, title) in enumerate(zip(languages, titles, strict=True)):
        size = 28 if index == 0 else 17
        runs = fit_line(title, language, size, text_width, "bold")
        items.append((size * 1.05 + (0 if index == 0 else 6), runs, primary, lang_of(language)))
    # The holder's name: native script, then Latin letters when different; a rule below.
    name_runs = fit_line(native, data.holder_language, 30, text_width, "bold")
    items.append((70, name_runs, text, lang_of(data.holder_language)))
    if latin and latin != native:
        items.append((22, fit_line(latin, "en", 15, text_width), muted, ""))
    items.append((9, [], None, ""))  # the rule
    # Bodies, each wrapped (at most four lines, smaller type when needed); the second
    # language smaller and muted.
    for index, (language, body) in enumerate(zip(languages, bodies, strict=True)):
        size = 12.5 if index == 0 else 10.5
        lines = wrap(body, language, size, text_width)
        while len(lines) > 4 and size > 7:
            size -= 0.5
            lines = wrap(body, language, size, text_width)
        for line_index, runs in enumerate(lines):
            gap = size * 1.45 + (10 if line_index == 0 else 0)
            items.append((gap, runs, text if index == 0 else muted, lang_of(language)))
    height = sum(item[0] for item in items)
    bottom_limit = 150
    y -= max(0.0, (y - bottom_limit - height) / 2)
    for gap, runs, colour, lang in items:
        y -= gap
        if colour is None:
            canvas.setStrokeColor(secondary)
            canvas.setLineWidth(0.8)
            canvas.line(centre - 170, y, centre + 170, y)
            continue
        canvas.setFillColor(colour)
        draw_runs(canvas, runs, centre, y, "center", lang)

    # Signatories along the bottom right.
    if data.signatories:
        area_left, area_right = 250.0, PAGE_WIDTH - 60
        slot = (area_right - area_left) / len(data.signatories)
        for index, person in enumerate(data.signatories):
            cx = area_left + slot * (index + 0.5)
            line_y = 92
            if person.signature_png:
                _draw_image(canvas, person.signature_png, cx, line_y + 3, slot - 30, 42)
            canvas.setStrokeColor(HexColor(MUTED_COLOUR))
            canvas.setLineWidth(0.6)
            canvas.line(cx - min(85, slot / 2 - 10), line_y, cx + min(85, slot / 2 - 10), line_y)
            canvas.setFillColor(HexColor(TEXT_COLOUR))
            name_runs = fit_line(person.name, data.holder_language, 10.5, slot - 20, "bold")
            draw_runs(canvas, name_runs, cx, line_y - 14, "center")
            canvas.setFillColor(HexColor(MUTED_COLOUR))
            title_runs = fit_line(person.title, data.holder_language, 8.5, slot - 20)
            draw_runs(canvas, title_runs, cx, line_y - 26, "center")

    # QR code, serial number, issue dates and the verification URL, bottom left.
    qr_size = 78
    _draw_qr(canvas, data.verification_url, 44, 44, qr_size)
    info_x = 44 + qr_size + 4
    canvas.setFillColor(HexColor(TEXT_COLOUR))
    draw_runs(canvas, fit_line(data.serial, "en", 10, 150, "bold"), info_x, 104, "left")
    line_y = 104
    canvas.setFillColor(HexColor(MUTED_COLOUR))
    for language in languages:
        line_y -= 11
        label = data.texts[language].issued_label
        issued = format_date(data.issued_on, language)
        line = f"{label} {issued}" if label else issued
        runs = fit_line(line, language, 8, 150)
        draw_runs(canvas, runs, info_x, line_y, "left", lang_of(language))
    draw_runs(canvas, fit_line(data.verification_url, "en", 6.5, 150), info_x, 50, "left")

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def warm_up(languages: tuple[str, ...] = ()) -> None:
    """Register the faces of ``languages`` now (e.g. before forking workers), so that the
    first certificate does not pay for it. Noto Sans and the small Tamil face (names from
    Singapore and Malaysia) are registered in any case."""
    for language in languages or ("en",):
        family = chain_for(check_language(language))[0]
        for weight in fonts.WEIGHTS:
            fonts.font_name(family, weight)
    for family in ("sans", "tamil"):
        for weight in fonts.WEIGHTS:
            fonts.font_name(family, weight)
