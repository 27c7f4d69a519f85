from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class Economy(ClusterableModel):
    """A participating region: an APEC member economy or an invited guest.

    APEC's official short names differ from country names ("Chinese Taipei", "Hong Kong, China"),
    so economies are data, not a country list. ``name`` is the official English name; names in
    other languages live in ``EconomyName`` rows.
    """

    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short code, e.g. ROK, CT, USA.")
    )
    name = models.CharField(_("official English name"), max_length=100, unique=True)
    iso_country = models.CharField(
        _("ISO 3166 country code"),
        max_length=2,
        blank=True,
        help_text=_("Two letters, used for flags; leave empty where none applies."),
    )
    is_apec_member = models.BooleanField(_("APEC member economy"), default=True)
    has_participated = models.BooleanField(_("has taken part in the programme"), default=False)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("economy")
        verbose_name_plural = _("economies")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def localized_name(self, language_code: str | None = None) -> str:
        """The name in the given (or active) language, falling back to the English name.

        Uses prefetched ``names`` when present, so lists can prefetch once.
        """
        language_code = (language_code or translation.get_language() or "en").split("-")[0]
        if language_code == "en":
            return self.name
        for row in self.names.all():
            if row.language_code == language_code:
                return row.name
        return self.name

    @property
    def flag(self) -> str:
        """The regional-indicator flag emoji for the ISO country code, if any."""
        if len(self.iso_country) != 2 or not self.iso_country.isalpha():
            return ""
        return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in self.iso_country.upper())


class EconomyName(models.Model):
    economy = ParentalKey(Economy, on_delete=models.CASCADE, related_name="names")
    language_code = models.CharField(_("language"), max_length=10)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("economy name")
        verbose_name_plural = _("economy names")
        constraints = [
            models.UniqueConstraint(
                fields=["economy", "language_code"], name="unique_economy_name_per_language"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.language_code})"
