"""The certificate PDF engine: data in, reproducible PDF bytes out. No models, no views.

    from assessments.certificates import CertificateData, CertificateText, render_certificate

    pdf = render_certificate(CertificateData(
        serial="ASLP-2026-000123",
        verification_url="https://example.org/verify/<code>",
        issued_on=date(2026, 3, 20),
        issuer="APEC School Leadership Program",          # PDF author
        holder_language="th",
        holder_name="ณัฐพงศ์ กิตติศักดิ์",
        holder_name_latin="Nattapong Kittisak",
        texts={"en": CertificateText("Certificate of Completion",
                                     "{name} completed {programme} ({dates}, {hours} hours).",
                                     "Issued on"),
               "th": CertificateText("ประกาศนียบัตร", "...", "ออกให้ ณ วันที่")},
        programme={"en": "...", "th": "..."},              # or one string
        cohort="Cohort 2026-1", start_date=..., end_date=..., hours=40,
        signatories=(Signatory("Dr. ...", "Programme Director", signature_png=b"..."),),
        logos=(png_bytes,), primary_colour="#1f3a5f", secondary_colour="#b08d3c",
    ))

- ``languages`` defaults to ``bilingual_languages(holder_language)`` (English, then the holder's
  language); pass ``languages=("th",)`` for a single-language certificate.
- Placeholders ``{name}``, ``{programme}``, ``{cohort}``, ``{dates}``, ``{hours}`` are filled per
  language (dates and numbers by babel; Thai years in the Buddhist era). Text already filled by
  the caller is printed as it is.
- Errors: ``CertificateError`` (incomplete data, unknown placeholder, bad colour),
  ``MissingGlyph`` (a character no font covers: never an empty box), ``UnsupportedLanguage``,
  ``FontUnavailable`` (a font package is not installed).
- Same data, same bytes. About 15 ms a certificate on one core once the fonts are loaded;
  call ``warm_up(languages)`` in a worker before a batch.

Modules: ``fonts`` (sources, static instances, registration), ``text`` (runs by coverage,
shaping, wrapping), ``dates`` (languages, babel formatting), ``render`` (layout).
"""

from .dates import (
    LANGUAGES,
    UnsupportedLanguage,
    bilingual_languages,
    format_date,
    format_date_range,
    format_number,
)
from .fonts import FontUnavailable
from .render import (
    CertificateData,
    CertificateError,
    CertificateText,
    Signatory,
    render_certificate,
    warm_up,
)
from .text import MissingGlyph

__all__ = [
    "LANGUAGES",
    "CertificateData",
    "CertificateError",
    "CertificateText",
    "FontUnavailable",
    "MissingGlyph",
    "Signatory",
    "UnsupportedLanguage",
    "bilingual_languages",
    "format_date",
    "format_date_range",
    "format_number",
    "render_certificate",
    "warm_up",
]
