import pathlib
import secrets
import uuid
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from aslp_site.core.trigram import joined_text, trigram_index


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


# -- Programmes and cohorts -------------------------------------------------------------------


def _language_choices():
    return list(settings.LANGUAGES)


class TranslatedFieldsMixin:
    """Reads a field in the active language from ``translations`` rows, else the source value.

    Models using it have a ``translations`` related manager whose rows carry ``language_code``
    and the same field names. Prefetch ``translations`` in lists. The main fields are English
    unless ``source_language_field`` names a field holding their language.
    """

    source_language_field: str | None = None

    @property
    def source_language(self) -> str:
        field = self.source_language_field
        return getattr(self, field) if field else "en"

    def translated(self, field: str, language_code: str | None = None) -> str:
        language_code = (language_code or translation.get_language() or "en").split("-")[0]
        source = getattr(self, field)
        if language_code == self.source_language:
            return source
        for row in self.translations.all():
            if row.language_code == language_code:
                return getattr(row, field) or source
        return source


class Programme(TranslatedFieldsMixin, ClusterableModel):
    """A programme run year after year (e.g. the APEC School Leadership Program)."""

    title = models.CharField(_("title"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=20, help_text=_("Used in references, e.g. ASLP.")
    )
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(_("description"), blank=True)
    # The letterhead of invitation letters.
    organisation_name = models.CharField(_("organising institution"), max_length=200, blank=True)
    organisation_address = models.TextField(_("institution address"), blank=True)
    organisation_email = models.EmailField(_("institution e-mail"), blank=True)
    letter_signatory_name = models.CharField(_("letter signatory"), max_length=120, blank=True)
    letter_signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title"]

    def __str__(self):
        return self.title


class ProgrammeTranslation(models.Model):
    programme = ParentalKey(Programme, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme translation")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "language_code"], name="unique_programme_translation"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language_code})"


# Addresses under /manage/ that are not cohorts (assessments' programme-wide impact page).
RESERVED_COHORT_SLUGS = frozenset({"impact"})


class CohortStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Applications closed")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Cohort(TranslatedFieldsMixin, ClusterableModel):
    """One year's round of a programme: its call, seats, quotas, stages and people."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, help_text=_("In addresses, e.g. aslp-2026."))
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CohortStatus.choices, default=CohortStatus.DRAFT
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        help_text=_("Deadlines and session times are set and shown in this zone."),
    )
    opens_at = models.DateTimeField(_("applications open"))
    closes_at = models.DateTimeField(_("applications close"))
    total_seats = models.PositiveIntegerField(_("seats in total"))
    accepted_count = models.PositiveIntegerField(
        _("accepted"), default=0, editable=False, help_text=_("Offers made and not given back.")
    )
    languages = models.JSONField(
        _("languages offered"),
        default=list,
        blank=True,
        help_text=_("Language codes in which the cohort is run, e.g. en, ko."),
    )
    pre_training_starts = models.DateField(_("online pre-training starts"), null=True, blank=True)
    pre_training_ends = models.DateField(_("online pre-training ends"), null=True, blank=True)
    workshop_starts = models.DateField(_("onsite workshop starts"), null=True, blank=True)
    workshop_ends = models.DateField(_("onsite workshop ends"), null=True, blank=True)
    post_training_starts = models.DateField(_("online post-training starts"), null=True, blank=True)
    post_training_ends = models.DateField(_("online post-training ends"), null=True, blank=True)
    venue_city = models.CharField(_("workshop city"), max_length=120, blank=True)
    essay_word_limit = models.PositiveIntegerField(_("motivation essay word limit"), default=500)
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("reviewers per application"), default=2
    )
    offer_response_days = models.PositiveSmallIntegerField(
        _("days to answer an offer"),
        default=14,
        help_text=_("An accepted applicant who has not confirmed by then loses the place."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep unsuccessful applicants' files for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Files of applications that were not accepted are deleted this many days after "
            "applications close (manage.py apply_retention). Leave empty to keep them."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_count__lte=models.F("total_seats")),
                name="cohort_accepted_within_seats",
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="cohort_closes_after_opening",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        from aslp_site.accounts.models import time_zone_names

        errors = {}
        if self.slug in RESERVED_COHORT_SLUGS:
            errors["slug"] = _("This address is taken by a page of the site; choose another.")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("Applications must close after they open.")
        if self.time_zone and self.time_zone not in time_zone_names():
            errors["time_zone"] = _("Choose a time zone from the list.")
        unknown = [c for c in self.languages or [] if c not in dict(settings.LANGUAGES)]
        if unknown:
            errors["languages"] = _("Unknown language codes: %(codes)s") % {
                "codes": ", ".join(map(str, unknown))
            }
        if errors:
            raise ValidationError(errors)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_accepting_applications(self, now=None) -> bool:
        """Open status and inside the window: ``opens_at <= now < closes_at``."""
        now = now or timezone.now()
        return self.status == CohortStatus.OPEN and self.opens_at <= now < self.closes_at

    def deadline_passed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    @property
    def reference_prefix(self) -> str:
        return f"{self.programme.short_name.upper()}-{self.year}"


class CohortTranslation(models.Model):
    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("cohort translation")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "language_code"], name="unique_cohort_translation"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language_code})"


class EconomyQuota(models.Model):
    """Seats and reserve (wait-list) places of one economy in one cohort.

    ``accepted_count`` is moved only by ``cohorts.selection`` with a conditional update while the
    row is locked; the check constraint is the last line of defence (R5).
    """

    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="quotas")
    economy = models.ForeignKey(
        Economy, on_delete=models.PROTECT, related_name="quotas", verbose_name=_("economy")
    )
    seats = models.PositiveIntegerField(_("seats"))
    reserve_places = models.PositiveIntegerField(
        _("reserve places"), default=0, help_text=_("How many applicants may be wait-listed.")
    )
    accepted_count = models.PositiveIntegerField(_("accepted"), default=0, editable=False)

    class Meta:
        verbose_name = _("economy quota")
        verbose_name_plural = _("economy quotas")
        ordering = ["economy__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "economy"], name="unique_quota_per_economy"),
            models.CheckConstraint(
                condition=models.Q(accepted_count__lte=models.F("seats")),
                name="quota_accepted_within_seats",
            ),
        ]

    def __str__(self):
        return f"{self.economy} – {self.seats}"


# -- Scoped roles -----------------------------------------------------------------------------


class Role(models.TextChoices):
    ORGANIZER = "organizer", _("Organizer")
    REVIEWER = "reviewer", _("Reviewer")
    COORDINATOR = "coordinator", _("Economy coordinator")
    CERTIFICATE_STAFF = "certificate_staff", _("Certificate staff")


class RoleGrant(models.Model):
    """A programme role held by a person, scoped to a cohort and/or an economy.

    * organizer, reviewer: one cohort (required); a reviewer's ``economy`` is their own economy,
      whose applicants they never review;
    * coordinator: one economy (required), in one cohort or in every cohort (cohort empty);
    * certificate staff: one cohort, or every cohort (cohort empty).

    Checked from the database on every request (``cohorts.permissions``), so a removed grant
    stops working on the next request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_grants",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
        verbose_name=_("cohort"),
    )
    economy = models.ForeignKey(
        Economy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
        verbose_name=_("economy"),
        help_text=_(
            "Coordinators: the economy they coordinate. Reviewers: their own economy, whose "
            "applicants they will not review."
        ),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "cohort", "economy"],
                name="unique_role_grant",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = ", ".join(str(x) for x in (self.cohort, self.economy) if x) or _("all cohorts")
        return f"{self.user} – {self.get_role_display()} ({scope})"

    def clean(self):
        errors = {}
        if self.role in (Role.ORGANIZER, Role.REVIEWER) and not self.cohort_id:
            errors["cohort"] = _("Organizers and reviewers are given one cohort.")
        if self.role == Role.COORDINATOR and not self.economy_id:
            errors["economy"] = _("A coordinator is given the economy they coordinate.")
        if self.role in (Role.ORGANIZER, Role.CERTIFICATE_STAFF) and self.economy_id:
            errors["economy"] = _("This role is not tied to an economy.")
        if errors:
            raise ValidationError(errors)


# -- Extra questions --------------------------------------------------------------------------


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    FILE = "file", _("File (PDF, DOCX, ODT, JPEG or PNG)")


class ApplicationQuestion(TranslatedFieldsMixin, ClusterableModel):
    """A cohort-specific question on the application form, added by organizers without code.

    ``choices`` holds one choice a line (single and multiple choice); answers store the English
    choice text, and translations give the same number of lines in the same order.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="questions", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice a line."))
    required = models.BooleanField(_("required"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("application question")
        verbose_name_plural = _("application questions")
        ordering = ["cohort", "sort_order", "pk"]

    def __str__(self):
        return self.label

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def translated_choices(self, language_code: str | None = None) -> list[tuple[str, str]]:
        """(stored value, label in the language) pairs; the English line is the stored value."""
        source = self.choice_list()
        shown = [
            line.strip()
            for line in self.translated("choices", language_code).splitlines()
            if line.strip()
        ]
        if len(shown) != len(source):
            shown = source
        return list(zip(source, shown, strict=True))

    def clean(self):
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            if len(self.choice_list()) < 2:
                raise ValidationError({"choices": _("Give at least two choices, one a line.")})


class QuestionTranslation(models.Model):
    question = ParentalKey(
        ApplicationQuestion, on_delete=models.CASCADE, related_name="translations"
    )
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("Same choices, same order, one a line.")
    )

    class Meta:
        verbose_name = _("question translation")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language_code"], name="unique_question_translation"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.language_code})"


# -- Applications -----------------------------------------------------------------------------


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    WAITLISTED = "waitlisted", _("Wait-listed")
    ACCEPTED = "accepted", _("Offered a place")
    CONFIRMED = "confirmed", _("Confirmed")
    OFFER_DECLINED = "offer_declined", _("Declined the offer")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    REJECTED = "rejected", _("Not selected")


# Statuses that hold one of the economy's seats.
SEAT_HOLDING = (ApplicationStatus.ACCEPTED, ApplicationStatus.CONFIRMED)
# Statuses that organizers decide among (a submitted application and the decided ones).
DECIDABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.REJECTED,
)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class Position(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    VICE_PRINCIPAL = "vice_principal", _("Vice-principal")
    LEAD_TEACHER = "lead_teacher", _("Lead teacher")
    OFFICIAL = "official", _("Education official")
    OTHER = "other", _("Other")


class SchoolLevel(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary / elementary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    SPECIAL = "special", _("Special education")
    OTHER = "other", _("Other / several levels")


class EndorsementStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the coordinator")
    ENDORSED = "endorsed", _("Endorsed")
    DECLINED = "declined", _("Not endorsed")


class QuickChoiceLabelsMixin:
    """``get_<field>_display`` without re-translating every label of the field's choices.

    Django's version builds a dict of all choices on each call, and hashing the lazy labels
    translates each of them; lists that show several choice fields per row paid for that
    thousands of times per page. Here each field's value-to-label map is built once per
    process (the labels stay lazy, so they are still translated into the active language).
    Fields whose choices come from a callable are left to Django.
    """

    _choice_labels: dict = {}

    def _get_FIELD_display(self, field):  # noqa: N802 - Django's name
        if isinstance(field.choices, CallableChoiceIterator):
            return super()._get_FIELD_display(field)
        labels = self._choice_labels.get(field)
        if labels is None:
            labels = self._choice_labels[field] = {
                value: label for value, label in field.flatchoices
            }
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value: Django's way copes with it
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


# What the organizers' search box looks in (with the applicant's e-mail address), in the order a
# name is written on the list, so that "Ji-young Kim" finds Ji-young KIM.
APPLICATION_SEARCH_TEXT = joined_text(
    "given_names", "family_name", "native_name", "school_name", "reference"
)


class Application(QuickChoiceLabelsMixin, models.Model):
    """One person's application to one cohort, from first draft to the answer to an offer.

    Every field an applicant fills is blank-able so that a draft can hold anything typed; the
    submit form enforces what is required.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="applications", verbose_name=_("cohort")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True, null=True, blank=True)
    # Profile
    family_name = models.CharField(_("family name (as in passport)"), max_length=100, blank=True)
    given_names = models.CharField(_("given names (as in passport)"), max_length=150, blank=True)
    native_name = models.CharField(_("full name in native script"), max_length=200, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, blank=True)
    position_detail = models.CharField(_("job title"), max_length=200, blank=True)
    school_name = models.CharField(_("school or institution"), max_length=200, blank=True)
    school_level = models.CharField(
        _("school level"), max_length=20, choices=SchoolLevel.choices, blank=True
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience in education"), null=True, blank=True
    )
    economy = models.ForeignKey(
        Economy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("economy"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=_language_choices, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    motivation = models.TextField(_("motivation essay"), blank=True)
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)
    # Coordinator
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    endorsement = models.CharField(
        _("endorsement"),
        max_length=10,
        choices=EndorsementStatus.choices,
        default=EndorsementStatus.PENDING,
        db_index=True,
    )
    endorsement_comment = models.TextField(_("coordinator's comment"), blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsement by"),
    )
    endorsed_at = models.DateTimeField(_("endorsement date"), null=True, blank=True)
    coordinator_rank = models.PositiveSmallIntegerField(
        _("coordinator's rank"), null=True, blank=True
    )
    # Review (kept up to date by cohorts.review when a score is submitted)
    review_count = models.PositiveSmallIntegerField(_("reviews done"), default=0)
    score_mean = models.DecimalField(
        _("weighted mean score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    score_spread = models.DecimalField(
        _("score spread"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    # Decision and offer
    waitlist_position = models.PositiveIntegerField(_("wait-list position"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    offer_deadline = models.DateTimeField(_("answer the offer by"), null=True, blank=True)
    offer_answered_at = models.DateTimeField(_("offer answered"), null=True, blank=True)
    # Times
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["cohort", "family_name", "given_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"], name="one_application_per_cohort"
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "economy"]),
            trigram_index(APPLICATION_SEARCH_TEXT, "application_search_trgm"),
        ]

    def __str__(self):
        return self.display_name or str(self.applicant)

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name.upper()) if part)

    @property
    def is_editable(self) -> bool:
        """The applicant may still change it: a draft or a submission before the deadline."""
        return (
            self.status
            in (
                ApplicationStatus.DRAFT,
                ApplicationStatus.SUBMITTED,
            )
            and self.cohort.is_accepting_applications()
        )

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING


def private_upload_path(instance, filename: str) -> str:
    """A generated name: the uploaded name is never used on disk (R9)."""
    extension = pathlib.PurePath(filename).suffix.lower()
    return f"applications/{instance.application.cohort_id}/{uuid.uuid4().hex}{extension}"


def private_storage():
    return storages["private"]


class FileKind(models.TextChoices):
    CV = "cv", _("CV")
    ENDORSEMENT_LETTER = "endorsement_letter", _("Endorsement letter")
    ANSWER = "answer", _("Answer to a question")


class ApplicationFile(models.Model):
    """An uploaded file of an application, stored privately under a generated name.

    Replacing a file makes a new row and marks the old one ``replaced`` (kept until the deadline
    passes for the record, never served to reviewers).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="files", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FileKind.choices)
    question = models.ForeignKey(
        ApplicationQuestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    file = models.FileField(
        _("file"), upload_to=private_upload_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("application file")
        verbose_name_plural = _("application files")
        ordering = ["application", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "question"],
                condition=models.Q(is_current=True),
                name="one_current_file_per_slot",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return self.original_name


class Nomination(models.Model):
    """A coordinator's e-mail invitation to apply, pre-linking the application to the economy."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("cohort")
    )
    economy = models.ForeignKey(
        Economy, on_delete=models.PROTECT, related_name="+", verbose_name=_("economy")
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=200)
    message = models.TextField(_("personal message"), blank=True)
    language = models.CharField(
        _("language of the invitation"), max_length=10, choices=_language_choices, default="en"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    application = models.OneToOneField(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
        verbose_name=_("application"),
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "email"], name="one_nomination_per_email")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def save(self, *args, **kwargs):
        if not self.token:
            self.token = secrets.token_urlsafe(32)
        super().save(*args, **kwargs)


# -- Review -----------------------------------------------------------------------------------


class RubricCriterion(ClusterableModel):
    """A criterion of a cohort's review rubric: a weight and what each level 1-5 means."""

    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="rubric")
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what to look for"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    level_1 = models.CharField(_("1 means"), max_length=300, blank=True)
    level_2 = models.CharField(_("2 means"), max_length=300, blank=True)
    level_3 = models.CharField(_("3 means"), max_length=300, blank=True)
    level_4 = models.CharField(_("4 means"), max_length=300, blank=True)
    level_5 = models.CharField(_("5 means"), max_length=300, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["cohort", "sort_order", "pk"]

    def __str__(self):
        return self.title

    def levels(self) -> list[tuple[int, str]]:
        return [(n, getattr(self, f"level_{n}")) for n in range(1, 6)]


class ReviewAssignment(models.Model):
    """An application given to a reviewer; ``submitted_at`` is set once their scores are in."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("application")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("scored"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_review_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.application} – {self.reviewer}"


class Score(models.Model):
    review = models.ForeignKey(ReviewAssignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ConflictOfInterest(models.Model):
    """A reviewer must not review this application (declared by them or recorded by organizers)."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "application"], name="one_conflict_row")
        ]

    def __str__(self):
        return f"{self.reviewer} / {self.application}"


# -- Decisions, offers, logistics ---------------------------------------------------------------


class MessageKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt of a submitted application")
    ACCEPTED = "accepted", _("Offer of a place")
    WAITLISTED = "waitlisted", _("Placed on the wait-list")
    REJECTED = "rejected", _("Not selected")
    PROMOTED = "promoted", _("Offer to a wait-listed applicant")
    OFFER_EXPIRED = "offer_expired", _("Offer expired")
    NOMINATION = "nomination", _("Invitation to apply (nomination)")


class MessageTemplate(models.Model):
    """The subject and body of an e-mail in one language, edited by organizers.

    Placeholders in braces are filled in: {name}, {cohort}, {programme}, {reference},
    {deadline}, {deadline_cohort_zone}, {link}. A cohort's own template wins over a programme-wide
    one (cohort empty); without any, the built-in translated text is sent.
    """

    kind = models.CharField(_("message"), max_length=20, choices=MessageKind.choices)
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="message_templates",
        verbose_name=_("cohort"),
        help_text=_("Leave empty to use the template for every cohort."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        ordering = ["kind", "language_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "language_code", "cohort"],
                name="one_template_per_kind_language_cohort",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.language_code})"


class Logistics(models.Model):
    """Travel details given by a confirmed participant."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="logistics"
    )
    passport_name_confirmed = models.BooleanField(
        _("my name above is exactly as in my passport"), default=False
    )
    passport_name_correction = models.CharField(
        _("name as in passport, if different"), max_length=250, blank=True
    )
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    arrival_details = models.CharField(_("arrival flight or train"), max_length=120, blank=True)
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    departure_details = models.CharField(_("departure flight or train"), max_length=120, blank=True)
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    needs_visa_letter = models.BooleanField(_("I need a visa invitation letter"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("logistics")
        verbose_name_plural = _("logistics")

    def __str__(self):
        return str(self.application)


class InvitationLetter(models.Model):
    """A visa invitation letter issued to a confirmed participant, verifiable by its code."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="invitation_letters"
    )
    code = models.CharField(_("verification code"), max_length=40, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")
        ordering = ["-issued_at"]

    def __str__(self):
        return f"{self.application} ({self.issued_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = secrets.token_urlsafe(16)  # 128 bits
        super().save(*args, **kwargs)


# -- Personal data ------------------------------------------------------------------------------


class ErasureRecord(models.Model):
    """That a person's personal data were erased (``cohorts.personal_data``): when, by whom and
    why, and the pseudonym number their account now carries. Never the person's name."""

    number = models.PositiveIntegerField(_("pseudonym number"), unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pseudonymous account"),
    )
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.TextField(
        _("reason"),
        max_length=2000,
        help_text=_("Why the data were erased; do not write the person's name here."),
    )

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at", "-pk"]

    def __str__(self):
        return f"erased-{self.number}"


# -- Alumni ---------------------------------------------------------------------------------------


class AlumniProfile(models.Model):
    """What an alumnus chooses to show in the alumni directory (``cohorts.alumni``).

    Nothing is shown until ``listed`` is ticked; unticking it hides the profile at once. The
    contact address is shown only inside the directory, to the people who may see it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="alumni_profile",
        verbose_name=_("person"),
    )
    listed = models.BooleanField(_("show me in the alumni directory"), default=False)
    school = models.CharField(_("school or institution"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    about = models.TextField(_("about me"), max_length=500, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("alumni profile")
        verbose_name_plural = _("alumni profiles")

    def __str__(self):
        return str(self.user)
