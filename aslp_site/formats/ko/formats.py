"""Korean short dates as Koreans write them (2025. 5. 20.), not Django's "2025-5-20"."""

from django.conf.locale.ko.formats import *  # noqa: F403

SHORT_DATE_FORMAT = "Y. n. j."
SHORT_DATETIME_FORMAT = "Y. n. j. H:i"
