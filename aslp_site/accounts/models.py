import functools
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from aslp_site.core.trigram import trigram_index

TIME_ZONE_REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic Ocean"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific Ocean"),
}


@functools.cache
def time_zone_names() -> frozenset[str]:
    """Every IANA zone name this Python knows (aliases included)."""
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def time_zone_choices():
    """Zones for a select: UTC first, then one group per region, places sorted by name."""
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in TIME_ZONE_REGIONS}
    for name in sorted(time_zone_names()):
        region, _sep, place = name.partition("/")
        if region in groups and place:
            groups[region].append((name, place.replace("_", " ").replace("/", " / ")))
    return [("UTC", _("UTC (Coordinated Universal Time)"))] + [
        (TIME_ZONE_REGIONS[region], zones) for region, zones in groups.items()
    ]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account: signs in with an e-mail address, no user name."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Pages and e-mails are shown in this language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        help_text=_("Dates and deadlines are shown in this time zone."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        # Organizers search applications by a part of the applicant's address.
        indexes = [trigram_index(F("email"), "user_email_trgm")]

    def __str__(self):
        return self.get_full_name() or self.email
