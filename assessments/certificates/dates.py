"""Languages of the certificates, and dates and numbers formatted in each with babel.

Rules:

- The supported languages are ``LANGUAGES`` (Django codes); ``BABEL_LOCALES`` maps each to its
  babel locale and ``PDF_LANGS`` to its BCP 47 tag (the PDF ``/Lang``).
- A certificate is bilingual by default: English plus the holder's language
  (``bilingual_languages``); English alone for an English-speaking holder.
- Dates use babel's "long" format of each language. Thai dates carry the Buddhist-era year
  (Gregorian + 543), as Thai official documents do; babel prints the Gregorian year, so the
  Thai pattern's year field is replaced by the Buddhist-era year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval
from babel.numbers import format_decimal

LANGUAGES = ("en", "ko", "ja", "zh-hans", "zh-hant", "th", "vi", "id", "ms", "ru", "es")
BABEL_LOCALES = {
    "en": "en",
    "ko": "ko",
    "ja": "ja",
    "zh-hans": "zh_Hans_CN",
    "zh-hant": "zh_Hant_TW",
    "th": "th",
    "vi": "vi",
    "id": "id",
    "ms": "ms",
    "ru": "ru",
    "es": "es",
}
PDF_LANGS = {
    "en": "en",
    "ko": "ko",
    "ja": "ja",
    "zh-hans": "zh-Hans",
    "zh-hant": "zh-Hant",
    "th": "th",
    "vi": "vi",
    "id": "id",
    "ms": "ms",
    "ru": "ru",
    "es": "es",
}
BUDDHIST_ERA_OFFSET = 543


class UnsupportedLanguage(ValueError):
    """A language the certificates are not made in."""


def check_language(language: str) -> str:
    if language not in BABEL_LOCALES:
        raise UnsupportedLanguage(
            f"certificates are not made in {language!r} (supported: {', '.join(LANGUAGES)})"
        )
    return language


def bilingual_languages(holder_language: str) -> tuple[str, ...]:
    """The default languages of a certificate: English first, then the holder's language."""
    check_language(holder_language)
    return ("en",) if holder_language == "en" else ("en", holder_language)


def babel_locale(language: str) -> Locale:
    return Locale.parse(BABEL_LOCALES[check_language(language)])


def _buddhist(text: str, value: dt.date) -> str:
    """Replace the Gregorian year in babel's Thai output by the Buddhist-era year, and the era
    name "ค.ศ." (Christian era) that babel's long format prints by "พ.ศ." (Buddhist era)."""
    text = text.replace("ค.ศ.", "พ.ศ.")
    return text.replace(str(value.year), str(value.year + BUDDHIST_ERA_OFFSET))


def format_date(value: dt.date, language: str) -> str:
    """A date in the language's long format (Thai: Buddhist-era year)."""
    text = babel_format_date(value, format="long", locale=babel_locale(language))
    return _buddhist(text, value) if language == "th" else text


def format_date_range(start: dt.date, end: dt.date | None, language: str) -> str:
    """ "3-7 March 2026" style interval in the language (one date when ``end`` is missing or
    equal). Thai: both years in the Buddhist era."""
    if end is None or end == start:
        return format_date(start, language)
    if end < start:
        raise ValueError("the end date comes before the start date")
    text = format_interval(start, end, skeleton="yMMMMd", locale=babel_locale(language))
    if language == "th":
        text = _buddhist(text, end)
        if start.year != end.year:
            text = _buddhist(text, start)
    return text


def format_number(value: int | float | Decimal, language: str) -> str:
    """A number (e.g. training hours) with the language's separators."""
    return format_decimal(value, locale=babel_locale(language))
