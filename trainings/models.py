"""The training stages of a cohort: stages and their activities (online meetings, workshop
sessions, surveys, assignments, dissemination), the workshop venue and speakers, participants
and their groups, attendance, reminders, dissemination reports and announcements.

A *participant* is a confirmed application (``cohorts.Application`` with status confirmed); the
``Participant`` row is made when the offer is confirmed (``trainings.signals``) and carries what
the training stages add: the group, the badge's QR token and the calendar feed's token.
"""

from __future__ import annotations

import pathlib
import secrets
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from cohorts.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Economy,
    QuickChoiceLabelsMixin,
    TranslatedFieldsMixin,
    _language_choices,
    private_storage,
)


def _token() -> str:
    return secrets.token_urlsafe(24)


def _valid_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value}) from error


# -- Stages and activities --------------------------------------------------------------------


class StageKind(models.TextChoices):
    PRE_TRAINING = "pre_training", _("Online Pre-Training")
    WORKSHOP = "workshop", _("Onsite Training Workshop")
    POST_TRAINING = "post_training", _("Online Post-Training")


# The cohort's date fields of each stage (the cohort is the one place the dates are kept).
STAGE_DATE_FIELDS = {
    StageKind.PRE_TRAINING: ("pre_training_starts", "pre_training_ends"),
    StageKind.WORKSHOP: ("workshop_starts", "workshop_ends"),
    StageKind.POST_TRAINING: ("post_training_starts", "post_training_ends"),
}
STAGE_ORDER = [StageKind.PRE_TRAINING, StageKind.WORKSHOP, StageKind.POST_TRAINING]


class Stage(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    """One of a cohort's three stages. Its dates are the cohort's stage dates."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="stages", verbose_name=_("cohort")
    )
    kind = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Leave empty to use the stage's usual name."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["cohort", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind"], name="one_stage_of_each_kind"),
        ]

    def __str__(self):
        return f"{self.cohort}: {self.display_title}"

    @property
    def order(self) -> int:
        return STAGE_ORDER.index(self.kind)

    @property
    def display_title(self) -> str:
        """The title in the active language (the stage's usual name unless one is set)."""
        return self.translated("title") or self.get_kind_display()

    @property
    def starts_on(self):
        return getattr(self.cohort, STAGE_DATE_FIELDS[self.kind][0])

    @property
    def ends_on(self):
        return getattr(self.cohort, STAGE_DATE_FIELDS[self.kind][1])


class StageTranslation(models.Model):
    stage = ParentalKey(Stage, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("stage translation")
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "language_code"], name="unique_stage_translation"
            )
        ]

    def __str__(self):
        return f"{self.stage_id} ({self.language_code})"


class ActivityKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    ONLINE_MEETING = "online_meeting", _("Online meeting")
    ASSIGNMENT = "assignment", _("Assignment")
    OPENING_CEREMONY = "opening_ceremony", _("Opening ceremony")
    KEYNOTE = "keynote", _("Keynote speech")
    LECTURE = "lecture", _("In-depth lecture")
    PANEL = "panel", _("Panel discussion")
    BEST_PRACTICE = "best_practice", _("Best-practice sharing")
    GROUP_ACTIVITY = "group_activity", _("Group activity")
    FIELD_TRIP = "field_trip", _("Field trip")
    CLOSING_CEREMONY = "closing_ceremony", _("Closing ceremony")
    DISSEMINATION = "dissemination", _("Dissemination")


# Activities that happen at a time (with a start and an end) rather than by a due date.
TIMED_KINDS = {
    ActivityKind.ONLINE_MEETING,
    ActivityKind.OPENING_CEREMONY,
    ActivityKind.KEYNOTE,
    ActivityKind.LECTURE,
    ActivityKind.PANEL,
    ActivityKind.BEST_PRACTICE,
    ActivityKind.GROUP_ACTIVITY,
    ActivityKind.FIELD_TRIP,
    ActivityKind.CLOSING_CEREMONY,
}
# Activities done by a due date.
DUE_KINDS = {ActivityKind.SURVEY, ActivityKind.ASSIGNMENT, ActivityKind.DISSEMINATION}
# Sessions of the onsite workshop (the printed programme, badges' days, check-in).
WORKSHOP_SESSION_KINDS = TIMED_KINDS - {ActivityKind.ONLINE_MEETING}


class Speaker(TranslatedFieldsMixin, ClusterableModel):
    """A speaker of workshop sessions, kept across cohorts."""

    name = models.CharField(_("name"), max_length=200)
    native_name = models.CharField(_("name in native script"), max_length=200, blank=True)
    affiliation = models.CharField(_("title and affiliation"), max_length=300, blank=True)
    bio = models.TextField(_("short biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SpeakerTranslation(models.Model):
    speaker = ParentalKey(Speaker, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    affiliation = models.CharField(_("title and affiliation"), max_length=300, blank=True)
    bio = models.TextField(_("short biography"), blank=True)

    class Meta:
        verbose_name = _("speaker translation")
        constraints = [
            models.UniqueConstraint(
                fields=["speaker", "language_code"], name="unique_speaker_translation"
            )
        ]

    def __str__(self):
        return f"{self.speaker_id} ({self.language_code})"


class Venue(TranslatedFieldsMixin, ClusterableModel):
    """Where a cohort's onsite workshop takes place; session times are in its zone."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="venue", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"))
    map_url = models.URLField(_("map link"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Seoul",
        validators=[_valid_zone],
        help_text=_("Workshop sessions are entered and shown in this zone."),
    )
    practical_information = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_("Getting there, accommodation, meals, what to bring."),
    )

    class Meta:
        verbose_name = _("workshop venue")
        verbose_name_plural = _("workshop venues")

    def __str__(self):
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class VenueTranslation(models.Model):
    venue = ParentalKey(Venue, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    practical_information = models.TextField(_("practical information"), blank=True)

    class Meta:
        verbose_name = _("venue translation")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "language_code"], name="unique_venue_translation"
            )
        ]

    def __str__(self):
        return f"{self.venue_id} ({self.language_code})"


class ParticipantGroup(models.Model):
    """A working group of a cohort's participants (group activities, per-group sessions)."""

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="participant_groups",
        verbose_name=_("cohort"),
    )
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("participant group")
        verbose_name_plural = _("participant groups")
        ordering = ["cohort", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="unique_group_name"),
        ]

    def __str__(self):
        return self.name


class Activity(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    """Something participants do in a stage: a meeting or session at a time, or a survey,
    assignment or dissemination task by a due date."""

    stage = models.ForeignKey(
        Stage, on_delete=models.CASCADE, related_name="activities", verbose_name=_("stage")
    )
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    room = models.CharField(_("room or place"), max_length=200, blank=True)
    online_url = models.URLField(
        _("online meeting link"),
        blank=True,
        help_text=_("Shown to participants only, never on the public programme."),
    )
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("group"),
        help_text=_("Leave empty for an activity of the whole cohort."),
    )
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="activities", verbose_name=_("speakers")
    )
    takes_attendance = models.BooleanField(
        _("attendance is taken"),
        default=True,
        help_text=_("Counts towards each participant's attendance rate."),
    )
    is_required = models.BooleanField(_("required"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["stage__kind", "starts_at", "due_at", "pk"]
        indexes = [models.Index(fields=["stage", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(starts_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="activity_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.kind in TIMED_KINDS:
            if not self.starts_at:
                errors["starts_at"] = _("A meeting or session needs a start.")
            if not self.ends_at:
                errors["ends_at"] = _("A meeting or session needs an end.")
        if self.kind in DUE_KINDS and not self.due_at:
            errors["due_at"] = _("A survey, assignment or dissemination task needs a due date.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.group_id and self.stage_id and self.group.cohort_id != self.stage.cohort_id:
            errors["group"] = _("This group belongs to another cohort.")
        if errors:
            raise ValidationError(errors)

    @property
    def cohort(self) -> Cohort:
        return self.stage.cohort

    @property
    def is_timed(self) -> bool:
        return self.kind in TIMED_KINDS

    @property
    def is_workshop_session(self) -> bool:
        return self.kind in WORKSHOP_SESSION_KINDS

    @property
    def moment(self):
        """When it happens or is due (for ordering and "what is next")."""
        return self.starts_at or self.due_at

    @property
    def display_title(self) -> str:
        return self.translated("title")

    @property
    def display_description(self) -> str:
        return self.translated("description")


class ActivityTranslation(models.Model):
    activity = ParentalKey(Activity, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("activity translation")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "language_code"], name="unique_activity_translation"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.language_code})"


# -- Participants -----------------------------------------------------------------------------


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        """Participants whose place is confirmed (not withdrawn since)."""
        return self.filter(application__status=ApplicationStatus.CONFIRMED)


class Participant(models.Model):
    """A person taking part in a cohort: made when their offer is confirmed."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="participant",
        verbose_name=_("application"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="participants", verbose_name=_("cohort")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("person"),
    )
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("group"),
    )
    # Printed as a QR code on the badge: identifies the participant at check-in.
    badge_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    # The secret in the address of the participant's calendar feed (can be renewed).
    calendar_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["cohort", "application__family_name", "application__given_names", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_participant_per_cohort"),
        ]

    def __str__(self):
        return self.application.display_name or str(self.user)

    @property
    def is_active(self) -> bool:
        return self.application.status == ApplicationStatus.CONFIRMED

    @property
    def language(self) -> str:
        return self.application.preferred_language or self.user.preferred_language or "en"

    @property
    def time_zone(self) -> str:
        return self.application.time_zone or self.user.time_zone or self.cohort.time_zone


# -- Attendance and reminders -----------------------------------------------------------------


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


# Statuses that count as attended in attendance rates.
ATTENDED = {AttendanceStatus.PRESENT, AttendanceStatus.LATE}


class Attendance(QuickChoiceLabelsMixin, models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("activity")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["activity", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant"], name="one_attendance_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.participant} – {self.activity}: {self.status}"


class ReminderDelivery(models.Model):
    """A reminder e-mail sent for an activity to a participant; one per window, ever."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    window = models.CharField(max_length=10)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "participant", "window"], name="one_reminder_per_window"
            ),
        ]

    def __str__(self):
        return f"{self.activity_id}/{self.participant_id}/{self.window}"


# -- Dissemination ----------------------------------------------------------------------------


class DisseminationKind(models.TextChoices):
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting")
    LESSON = "lesson", _("Lesson")
    PUBLICATION = "publication", _("Publication")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for changes")


class DisseminationReport(QuickChoiceLabelsMixin, models.Model):
    """What a participant shared at home after the workshop."""

    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="dissemination_reports",
        verbose_name=_("participant"),
    )
    kind = models.CharField(_("kind of activity"), max_length=20, choices=DisseminationKind.choices)
    held_on = models.DateField(_("date"))
    audience = models.CharField(
        _("audience"), max_length=300, help_text=_("Who took part, e.g. teachers of my district.")
    )
    educators_reached = models.PositiveIntegerField(
        _("educators reached"), validators=[MinValueValidator(0), MaxValueValidator(1_000_000)]
    )
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    organizer_comment = models.TextField(_("organizer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("dissemination report")
        verbose_name_plural = _("dissemination reports")
        ordering = ["participant", "-held_on", "-pk"]
        indexes = [models.Index(fields=["participant", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.held_on})"

    @property
    def is_editable(self) -> bool:
        """The participant may change it until it is accepted."""
        return self.status != ReportStatus.ACCEPTED


def evidence_upload_path(instance, filename: str) -> str:
    """A generated name: the uploaded name is never used on disk (R9)."""
    extension = pathlib.PurePath(filename).suffix.lower()
    cohort_id = instance.report.participant.cohort_id
    return f"dissemination/{cohort_id}/{uuid.uuid4().hex}{extension}"


class DisseminationEvidence(models.Model):
    report = models.ForeignKey(
        DisseminationReport,
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=_("report"),
    )
    file = models.FileField(
        _("file"), upload_to=evidence_upload_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


# -- Announcements ----------------------------------------------------------------------------


class Audience(models.TextChoices):
    COHORT = "cohort", _("All participants of the cohort")
    GROUP = "group", _("One group")
    ECONOMY = "economy", _("Participants of one economy")


class Announcement(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    """A message from organizers to a cohort's participants, a group or an economy's
    participants; each copy is sent in the recipient's language."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="announcements", verbose_name=_("cohort")
    )
    audience = models.CharField(_("send to"), max_length=10, choices=Audience.choices)
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("group"),
    )
    economy = models.ForeignKey(
        Economy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("economy"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["cohort", "-created_at", "-pk"]

    def __str__(self):
        return self.subject


class AnnouncementTranslation(models.Model):
    announcement = ParentalKey(Announcement, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))

    class Meta:
        verbose_name = _("announcement translation")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "language_code"],
                name="unique_announcement_translation",
            )
        ]

    def __str__(self):
        return f"{self.subject} ({self.language_code})"


class AnnouncementDelivery(models.Model):
    """One copy of an announcement: to whom, in which language, when."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="deliveries"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="announcements_received"
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=10)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement copy")
        verbose_name_plural = _("announcement copies")
        ordering = ["announcement", "participant"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "participant"], name="one_copy_per_participant"
            ),
        ]

    def __str__(self):
        return f"{self.announcement_id} → {self.email}"
