"""Dates in Korean pages are written the Korean way (aslp_site/formats/ko)."""

import datetime as dt

from django.utils import formats, translation


def test_korean_short_dates_use_the_dotted_korean_form():
    moment = dt.datetime(2025, 5, 20, 13, 59)
    with translation.override("ko"):
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "2025. 5. 20. 13:59"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "2025. 5. 20."
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "2025년 5월 20일"
    with translation.override("en"):
        assert formats.date_format(moment.date(), "DATE_FORMAT") == "May 20, 2025"
