"""Assignments (submissions kept in every version, feedback, a resource library) and surveys
(a builder, identified or anonymous answers, results and the pre/post comparison).

An **assignment** is the assessment side of a trainings ``Activity`` of kind assignment: the
activity gives its stage, title, due moment and place in the participant's timeline; the
assignment adds instructions, the late policy, what may be sent and whether a group submits once.
A **submission** is one participant's (or one group's) work on an assignment; every send makes a
new **version** with its time, its files and their SHA-256 (R12); nothing is ever overwritten.

A **survey** is attached to a cohort's stage, with sections and questions whose texts are
translated per language. Answers of every language form one result set (choice answers store
the choice's key, never its label).

**Anonymity.** For an anonymous survey a ``Response`` has no link to a person. That the
participant has answered is recorded apart (``SurveyCompletion``), without a link to the
response; drafts are kept under a keyed hash of the person and the survey (``draft_key``), and
pre/post pairing uses another keyed hash (``pairing_key``), both made with a secret that is not
in the database (``assessments.keys``). The pairing key is never shown or exported.
"""

from __future__ import annotations

import pathlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable
from wagtail.search import index

from aslp_site.core.cache import mark_public_cacheable
from aslp_site.public.models import IntroPage
from cohorts.models import (
    Cohort,
    Economy,
    QuickChoiceLabelsMixin,
    SchoolLevel,
    TranslatedFieldsMixin,
    _language_choices,
    private_storage,
)
from trainings.models import Activity, ActivityKind, Participant, ParticipantGroup, Stage

# -- Assignments ------------------------------------------------------------------------------


class LatePolicy(models.TextChoices):
    ACCEPT_AND_FLAG = "accept", _("Accept late work and mark it late")
    REFUSE = "refuse", _("Refuse work after the due moment")


# What participants may upload (keys of aslp_site.core.uploads kinds).
FILE_KIND_CHOICES = [
    ("pdf", "PDF"),
    ("docx", "Word (DOCX)"),
    ("odt", "OpenDocument text (ODT)"),
    ("jpeg", "JPEG"),
    ("png", "PNG"),
]


def _default_file_kinds():
    return ["pdf", "docx", "odt"]


class Assignment(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    activity = models.OneToOneField(
        Activity,
        on_delete=models.CASCADE,
        related_name="assignment",
        verbose_name=_("activity"),
        limit_choices_to={"kind": ActivityKind.ASSIGNMENT},
    )
    instructions = models.TextField(_("instructions"), blank=True)
    late_policy = models.CharField(
        _("late work"),
        max_length=10,
        choices=LatePolicy.choices,
        default=LatePolicy.ACCEPT_AND_FLAG,
    )
    accepts_text = models.BooleanField(_("a text may be written"), default=True)
    accepts_files = models.BooleanField(_("files may be uploaded"), default=True)
    file_kinds = models.JSONField(_("allowed file types"), default=_default_file_kinds, blank=True)
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    max_files = models.PositiveSmallIntegerField(
        _("files per version"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    per_group = models.BooleanField(
        _("one submission per group"),
        default=False,
        help_text=_("Any member of the group submits for all; everyone sees the same work."),
    )
    can_be_published = models.BooleanField(
        _("accepted work may go to the resource library"), default=False
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["activity__stage__cohort", "activity__due_at", "pk"]

    def __str__(self):
        return self.activity.title

    def clean(self):
        errors = {}
        if self.activity_id and self.activity.kind != ActivityKind.ASSIGNMENT:
            errors["activity"] = _("Choose an activity of the type assignment.")
        if not self.accepts_text and not self.accepts_files:
            errors["accepts_files"] = _("Allow a text, files or both.")
        unknown = set(self.file_kinds or []) - {key for key, _label in FILE_KIND_CHOICES}
        if unknown:
            errors["file_kinds"] = _("Unknown file types: %(kinds)s") % {
                "kinds": ", ".join(sorted(unknown))
            }
        if self.accepts_files and not self.file_kinds:
            errors["file_kinds"] = _("Choose at least one file type.")
        if errors:
            raise ValidationError(errors)

    @property
    def due_at(self):
        return self.activity.due_at

    @property
    def cohort(self) -> Cohort:
        return self.activity.stage.cohort

    @property
    def display_title(self) -> str:
        return self.activity.display_title


class AssignmentTranslation(models.Model):
    assignment = ParentalKey(Assignment, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    instructions = models.TextField(_("instructions"))

    class Meta:
        verbose_name = _("assignment translation")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "language_code"], name="unique_assignment_translation"
            )
        ]

    def __str__(self):
        return f"{self.assignment_id} ({self.language_code})"


class AssignmentCriterion(models.Model):
    """An optional rubric line for the organizers' feedback (1-5 with descriptors)."""

    assignment = ParentalKey(Assignment, on_delete=models.CASCADE, related_name="criteria")
    title = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    level_1 = models.CharField(_("1 means"), max_length=300, blank=True)
    level_3 = models.CharField(_("3 means"), max_length=300, blank=True)
    level_5 = models.CharField(_("5 means"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("feedback criterion")
        verbose_name_plural = _("feedback criteria")
        ordering = ["assignment", "sort_order", "pk"]

    def __str__(self):
        return self.title


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REVISION_REQUESTED = "revision", _("Revision requested")
    ACCEPTED = "accepted", _("Accepted")


class Submission(QuickChoiceLabelsMixin, models.Model):
    """One participant's work on an assignment, or one group's for a group assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("For an individual assignment."),
    )
    group = models.ForeignKey(
        ParticipantGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("For a group assignment."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.SUBMITTED,
    )
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    last_submitted_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["assignment", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_submission_per_participant",
            ),
            models.UniqueConstraint(
                fields=["assignment", "group"],
                condition=models.Q(group__isnull=False),
                name="one_submission_per_group",
            ),
            models.CheckConstraint(
                condition=models.Q(participant__isnull=True, group__isnull=False)
                | models.Q(participant__isnull=False, group__isnull=True),
                name="submission_has_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.assignment} – {self.participant or self.group}"


class SubmissionVersion(models.Model):
    """One send of a submission: kept for ever with its time, text and files (R12)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent"))
    is_late = models.BooleanField(_("late"), default=False)
    # SHA-256 of the text and of each file's hash, in order: the receipt's fingerprint.
    digest = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("submission version")
        verbose_name_plural = _("submission versions")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "number"], name="unique_submission_version"
            ),
        ]

    def __str__(self):
        return f"{self.submission_id} v{self.number}"


def submission_upload_path(instance, filename: str) -> str:
    """A generated name: the uploaded name is never used on disk (R9)."""
    extension = pathlib.PurePath(filename).suffix.lower()
    return f"submissions/{instance.version.submission.assignment_id}/{uuid.uuid4().hex}{extension}"


class SubmissionFile(models.Model):
    version = models.ForeignKey(SubmissionVersion, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(
        _("file"), upload_to=submission_upload_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("submitted file")
        verbose_name_plural = _("submitted files")
        ordering = ["version", "pk"]

    def __str__(self):
        return self.original_name


class Feedback(QuickChoiceLabelsMixin, models.Model):
    """An organizer's review of a version: a comment, a decision, optional rubric scores."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(
        SubmissionVersion, on_delete=models.CASCADE, related_name="feedback"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=[
            (SubmissionStatus.ACCEPTED, _("Accept")),
            (SubmissionStatus.REVISION_REQUESTED, _("Request a revision")),
        ],
    )
    comment = models.TextField(_("comment"))
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    created_at = models.DateTimeField(_("given"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["submission", "created_at", "pk"]

    def __str__(self):
        return f"{self.submission_id}: {self.decision}"


# -- Surveys ----------------------------------------------------------------------------------


class SurveyPurpose(models.TextChoices):
    PRE = "pre", _("Pre-training survey")
    POST = "post", _("Post-training survey")
    SATISFACTION = "satisfaction", _("Satisfaction survey")
    OTHER = "other", _("Other survey")


class Survey(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="surveys")
    stage = models.ForeignKey(
        Stage, on_delete=models.SET_NULL, null=True, blank=True, related_name="surveys"
    )
    activity = models.OneToOneField(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey",
        limit_choices_to={"kind": ActivityKind.SURVEY},
        help_text=_("The survey activity in the participants' timeline."),
    )
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=SurveyPurpose.choices, default=SurveyPurpose.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_(
            "Answers cannot be tied to a person, in the pages, the exports or the database. "
            "Cannot be changed once someone has answered."
        ),
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["cohort", "opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The survey must close after it opens.")
        if self.stage_id and self.cohort_id and self.stage.cohort_id != self.cohort_id:
            errors["stage"] = _("This stage belongs to another cohort.")
        if errors:
            raise ValidationError(errors)


class SurveyTranslation(models.Model):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("survey translation")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "language_code"], name="unique_survey_translation"
            )
        ]

    def __str__(self):
        return f"{self.survey_id} ({self.language_code})"


class SurveySection(TranslatedFieldsMixin, ClusterableModel):
    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey section")
        verbose_name_plural = _("survey sections")
        ordering = ["survey", "sort_order", "pk"]

    def __str__(self):
        return self.title


class SurveySectionTranslation(models.Model):
    section = ParentalKey(SurveySection, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("section translation")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "language_code"], name="unique_section_translation"
            )
        ]

    def __str__(self):
        return f"{self.section_id} ({self.language_code})"


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Likert scale with labelled points")
    RATING = "rating", _("Rating from 0 to 10")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    MATRIX = "matrix", _("Matrix (several items on one scale)")


# Kinds whose answers are numbers on a scale (means, distributions, pre/post changes).
SCALE_KINDS = {QuestionKind.LIKERT, QuestionKind.RATING, QuestionKind.MATRIX}


class SurveyQuestion(QuickChoiceLabelsMixin, TranslatedFieldsMixin, ClusterableModel):
    """A question. Likert and matrix questions use ``scale_points`` labelled points (their
    labels in ``scale_labels``, translated per language); choice questions use ``options``;
    matrix questions list their items in ``items``. A ``competence_key`` pairs this question
    (or each matrix item, as ``<key>:<item key>``) with the same one in another survey of the
    cohort for the pre/post comparison."""

    section = ParentalKey(SurveySection, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    scale_points = models.PositiveSmallIntegerField(
        _("points on the scale"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(11)],
        help_text=_("Likert and matrix questions: numbered from 1."),
    )
    # [{"value": 1, "label": "Strongly disagree"}, ...]
    scale_labels = models.JSONField(_("scale labels"), default=list, blank=True)
    # [{"key": "lesson-study", "label": "Lesson study"}, ...]
    options = models.JSONField(_("options"), default=list, blank=True)
    # [{"key": "global-1", "label": "I can explain ..."}, ...]
    items = models.JSONField(_("matrix items"), default=list, blank=True)
    competence_key = models.SlugField(
        _("competence key"),
        max_length=60,
        blank=True,
        help_text=_("The same key in the pre- and post-training surveys pairs the answers."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["section", "sort_order", "pk"]

    def __str__(self):
        return self.text


class SurveyQuestionTranslation(models.Model):
    """The question's texts in one language; labels keyed like the source (``value`` or
    ``key``) so that every language maps to the same stored answers."""

    question = ParentalKey(SurveyQuestion, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    scale_labels = models.JSONField(_("scale labels"), default=list, blank=True)
    options = models.JSONField(_("options"), default=list, blank=True)
    items = models.JSONField(_("matrix items"), default=list, blank=True)

    class Meta:
        verbose_name = _("question translation")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "language_code"], name="unique_survey_question_translation"
            )
        ]

    def __str__(self):
        return f"{self.question_id} ({self.language_code})"


class SurveyResponse(models.Model):
    """One finished set of answers. For an identified survey ``participant`` says whose; for
    an anonymous one it is empty and nothing else in the database names the person. Its key is
    random (as are its answers'), so the order of rows cannot be matched with the order in which
    people completed the survey (``SurveyCompletion``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Respondent's profile at answering time, for filters (kept for anonymous ones too).
    economy_code = models.CharField(max_length=10, blank=True)
    position = models.CharField(max_length=20, blank=True)
    school_level = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # Keyed hash pairing the pre- and post-training answers of one person (assessments.keys).
    pairing_key = models.CharField(max_length=64, blank=True, db_index=True)
    # Day only: an exact time could be matched with the completion record.
    submitted_on = models.DateField()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participant"],
                condition=models.Q(participant__isnull=False),
                name="one_identified_response_per_participant",
            ),
            models.UniqueConstraint(
                fields=["survey", "pairing_key"],
                condition=~models.Q(pairing_key=""),
                name="one_response_per_pairing_key",
            ),
        ]

    def __str__(self):
        return f"{self.survey_id}#{self.pk}"


class SurveyAnswer(models.Model):
    """One answer: ``number`` for scales and ratings, ``choices`` (keys) for choice questions,
    ``text`` for text questions; ``item`` is the matrix item's key. Random key, as for the
    response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    item = models.CharField(max_length=60, blank=True)
    number = models.SmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "item"], name="one_answer_per_question_item"
            ),
        ]

    def __str__(self):
        return f"{self.response_id}/{self.question_id}/{self.item}"


class SurveyCompletion(models.Model):
    """That a participant has answered a survey (each answers once), with no link to the
    response; the time is the day only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="completions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    completed_on = models.DateField()

    class Meta:
        verbose_name = _("survey completion")
        verbose_name_plural = _("survey completions")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "participant"], name="one_completion_per_participant"
            ),
        ]

    def __str__(self):
        return f"{self.survey_id}/{self.participant_id}"


class SurveyDraft(models.Model):
    """Answers saved to continue later, under a keyed hash of the person and the survey
    (``assessments.keys.draft_key``): an anonymous survey's draft names nobody either."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    draft_key = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("survey draft")
        verbose_name_plural = _("survey drafts")
        constraints = [
            models.UniqueConstraint(fields=["survey", "draft_key"], name="one_draft_per_key"),
        ]

    def __str__(self):
        return f"{self.survey_id}/{self.draft_key[:8]}"


# -- Resource library -------------------------------------------------------------------------
#
# An accepted submission of an assignment marked ``can_be_published`` may become a **resource**
# of the public library. Organizers prepare what is published (title, summary, text, which files,
# topics, school level, economy, licence); a content review, a technical review and the consent
# of every author are each given for one exact content, identified by its fingerprint
# (``Resource.fingerprint``). Editing the content after that makes them stale, so what goes
# public is always what was reviewed and agreed to. The rules live in ``assessments.library``.


class ResourceTopic(TranslatedFieldsMixin, ClusterableModel):
    """A theme of the library (global competence, digital literacy...), named per language."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("resource topic")
        verbose_name_plural = _("resource topics")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ResourceTopicTranslation(models.Model):
    topic = ParentalKey(ResourceTopic, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("resource topic translation")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "language_code"], name="unique_resource_topic_translation"
            )
        ]

    def __str__(self):
        return f"{self.topic_id} ({self.language_code})"


class ResourceKind(models.TextChoices):
    BEST_PRACTICE = "practice", _("Best practice")
    LEARNING_MATERIAL = "material", _("Learning material")


class ResourceLicence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_NC = "cc-by-nc-4.0", _("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)")
    ALL_RIGHTS = "all-rights", _("All rights reserved by the author")


class ResourceStatus(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReviewOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    CHANGES = "changes", _("Changes needed")


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ResourceStatus.PUBLISHED)


class Resource(QuickChoiceLabelsMixin, TranslatedFieldsMixin, index.Indexed, ClusterableModel):
    """A submission's work as published (or to be published) in the public resource library.

    Its title and summary are written in ``language_code`` (``translated`` falls back to them)."""

    source_language_field = "language_code"

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="resource", verbose_name=_("submission")
    )
    version = models.ForeignKey(
        SubmissionVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published version"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=ResourceKind.choices, default=ResourceKind.BEST_PRACTICE
    )
    language_code = models.CharField(
        _("written in"), max_length=10, choices=_language_choices, default="en"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("Two or three sentences for the library list.")
    )
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The text that is published, taken from the submission; remove personal details."
        ),
    )
    files = models.ManyToManyField(
        SubmissionFile, blank=True, related_name="resources", verbose_name=_("published files")
    )
    topics = models.ManyToManyField(
        ResourceTopic, blank=True, related_name="resources", verbose_name=_("topics")
    )
    school_level = models.CharField(
        _("school level"), max_length=20, choices=SchoolLevel.choices, blank=True
    )
    economy = models.ForeignKey(
        Economy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("economy"),
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=ResourceLicence.choices, default=ResourceLicence.CC_BY
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ResourceStatus.choices,
        default=ResourceStatus.PREPARING,
        db_index=True,
    )
    # The two reviews: each holds the fingerprint of the content it looked at.
    content_review = models.CharField(
        _("content review"), max_length=10, choices=ReviewOutcome.choices, blank=True
    )
    content_review_note = models.TextField(_("content review note"), blank=True)
    content_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_reviewed_at = models.DateTimeField(null=True, blank=True)
    content_reviewed_fingerprint = models.CharField(max_length=64, blank=True)
    technical_review = models.CharField(
        _("technical review"), max_length=10, choices=ReviewOutcome.choices, blank=True
    )
    technical_review_note = models.TextField(_("technical review note"), blank=True)
    technical_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    technical_reviewed_at = models.DateTimeField(null=True, blank=True)
    technical_reviewed_fingerprint = models.CharField(max_length=64, blank=True)
    consent_requested_at = models.DateTimeField(_("consent asked"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    # The library's search (assessments.library_pages): the text as written, the translated
    # titles and summaries, and the names the authors are credited under. Indexed when the
    # resource is saved (publishing saves it).
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields(
            "translations", [index.SearchField("title"), index.SearchField("summary")]
        ),
        index.RelatedFields("authors", [index.SearchField("credit_name")]),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "-published_at"], name="resource_listing")]

    def __str__(self):
        return self.title

    @property
    def cohort(self) -> Cohort:
        return self.submission.assignment.activity.stage.cohort

    def shown_language(self, language_code: str | None = None) -> str:
        """The language ``translated`` gives the title in (for the lang attribute)."""
        from django.utils import translation

        language_code = (language_code or translation.get_language() or "en").split("-")[0]
        if language_code != self.language_code and any(
            row.language_code == language_code for row in self.translations.all()
        ):
            return language_code
        return self.language_code


class ResourceTranslation(models.Model):
    """The title and summary of a resource in another language (the text stays as written)."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="translations")
    language_code = models.CharField(_("language"), max_length=10, choices=_language_choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)

    class Meta:
        verbose_name = _("resource translation")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "language_code"], name="unique_resource_translation"
            )
        ]

    def __str__(self):
        return f"{self.resource_id} ({self.language_code})"


class ConsentState(models.TextChoices):
    ASKED = "asked", _("Not answered yet")
    GIVEN = "given", _("Agreed")
    REFUSED = "refused", _("Did not agree")


class ResourceAuthor(QuickChoiceLabelsMixin, models.Model):
    """A person credited for a resource; their consent is asked for one exact content."""

    resource = ParentalKey(Resource, on_delete=models.CASCADE, related_name="authors")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="resource_credits"
    )
    credit_name = models.CharField(
        _("name to credit"), max_length=200, help_text=_("As it appears in the library.")
    )
    consent = models.CharField(
        _("consent"), max_length=10, choices=ConsentState.choices, default=ConsentState.ASKED
    )
    consent_fingerprint = models.CharField(max_length=64, blank=True)
    consent_at = models.DateTimeField(_("answered"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("resource author")
        verbose_name_plural = _("resource authors")
        ordering = ["resource", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "participant"], name="one_credit_per_author"
            )
        ]

    def __str__(self):
        return self.credit_name


# -- The public resource library page ----------------------------------------------------------
#
# One Wagtail page per locale (at /resources/ on the demo site) lists the published resources
# and shows each on a routed sub-page (``<pk>/``). The queries live in
# ``assessments.library_pages``; the page only routes and renders. Resources are not pages:
# their text stays as written, their title and summary are translated by ``ResourceTranslation``.


class ResourceLibraryPage(RoutablePageMixin, IntroPage):
    """The public library: published resources, searched and filtered, and one page each."""

    template = "assessments/library/library_page.html"
    parent_page_types = ["public.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("resource library page")

    def serve(self, request, *args, **kwargs):
        # Routed views bypass PublicPage.serve; they show published content only.
        return mark_public_cacheable(super().serve(request, *args, **kwargs))

    @property
    def language_code(self) -> str:
        return self.locale.language_code

    @path("")
    def index(self, request):
        from . import library_pages

        context = library_pages.library_context(request.GET, language=self.language_code, page=self)
        return self.render(request, context_overrides=context)

    @path("<int:pk>/", name="resource")
    def resource(self, request, pk):
        from . import library_pages

        resource = library_pages.published_resource(pk)
        if resource is None:
            raise Http404
        context = library_pages.resource_context(resource, page=self, request=request)
        return self.render(
            request,
            template="assessments/library/resource_detail.html",
            context_overrides=context,
        )

    def get_sitemap_urls(self, request=None):
        """The page itself, then each published resource."""
        from . import library_pages

        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if not base:
            return urls
        for pk, changed in library_pages.sitemap_entries():
            urls.append(
                {"location": base + self.reverse_subpage("resource", args=[pk]), "lastmod": changed}
            )
        return urls


# -- Completion --------------------------------------------------------------------------------
#
# What a participant must have done to complete the programme, per cohort (each rule optional),
# and certificate staff's overrides of the outcome. The rules and their evaluation live in
# ``assessments.completion``.


class CompletionRules(models.Model):
    """A cohort's completion rules; a rule left empty or unticked is not checked."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="completion_rules", verbose_name=_("cohort")
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "Share of the onsite workshop's sessions (where attendance is taken) that must be "
            "attended, present or late. Leave empty for no attendance rule."
        ),
    )
    require_assignments = models.BooleanField(
        _("required assignments accepted"),
        default=False,
        help_text=_(
            "Every required assignment's work (a group's for a group assignment) accepted."
        ),
    )
    require_surveys = models.BooleanField(
        _("required surveys answered"),
        default=False,
        help_text=_("Every survey whose activity is required answered."),
    )
    require_dissemination = models.BooleanField(
        _("dissemination report accepted"),
        default=False,
        help_text=_("At least one dissemination report accepted by the organizers."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("completion rules")
        verbose_name_plural = _("completion rules")

    def __str__(self):
        return str(self.cohort)

    @property
    def has_any(self) -> bool:
        return bool(
            self.min_attendance_percent
            or self.require_assignments
            or self.require_surveys
            or self.require_dissemination
        )


class CompletionOverride(models.Model):
    """Certificate staff's decision that a participant has or has not completed, whatever the
    rules say, with the written reason. Removing it goes back to the rules."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="completion_override",
        verbose_name=_("participant"),
    )
    complete = models.BooleanField(_("completed"))
    reason = models.TextField(_("reason"), max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("completion override")
        verbose_name_plural = _("completion overrides")

    def __str__(self):
        return f"{self.participant_id}: {'complete' if self.complete else 'not complete'}"


# -- Certificates --------------------------------------------------------------------------------
#
# A cohort's certificate template (wording per kind and language, signatories, logos, colours),
# each participant's details as printed (language, names), the certificates issued (serial,
# verification code, status, the stored PDF) and the bulk-issue batches. The rules live in
# ``assessments.issuing``; the PDF engine in ``assessments.certificates``.

CERTIFICATE_LANGUAGE_NAMES = {
    "en": "English",
    "ko": "한국어",
    "ja": "日本語",
    "zh-hans": "简体中文",
    "zh-hant": "繁體中文",
    "th": "ไทย",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
    "ru": "Русский",
    "es": "Español",
}
CERTIFICATE_LANGUAGE_CHOICES = list(CERTIFICATE_LANGUAGE_NAMES.items())
_hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, e.g. #1f3a5f."))


CERTIFICATE_IMAGE_MAX_SIZE = 2 * 1024 * 1024
_IMAGE_HELP = _("PNG or JPEG, at most 2 MB; a transparent PNG prints best.")


def certificate_image_path(instance, filename: str) -> str:
    """A generated name under the cohort's folder: the uploaded name is never used (R9)."""
    template = getattr(instance, "template", instance)
    extension = pathlib.PurePath(filename).suffix.lower()
    return f"certificate-images/{template.cohort_id}/{uuid.uuid4().hex}{extension}"


def validate_certificate_image(value) -> None:
    """A new logo or signature must be a real PNG or JPEG of at most 2 MB (the shared upload
    checks: name, size, magic bytes, decodable image)."""
    from aslp_site.core.uploads import IMAGES, check_upload

    if getattr(value, "_committed", True):
        return
    check_upload(value.file, IMAGES, max_size=CERTIFICATE_IMAGE_MAX_SIZE)


def _certificate_image_field(label, help_text=_IMAGE_HELP):
    """A logo or signature: a checked PNG or JPEG in private storage (a signature is only ever
    printed on certificates, never given a public address)."""
    return models.FileField(
        label,
        upload_to=certificate_image_path,
        storage=private_storage,
        max_length=200,
        blank=True,
        validators=[validate_certificate_image],
        help_text=help_text,
    )


class CertificateKind(models.TextChoices):
    COMPLETION = "completion", pgettext_lazy("certificate kind", "Completion")
    ATTENDANCE = "attendance", pgettext_lazy("certificate kind", "Attendance")
    APPRECIATION = "appreciation", pgettext_lazy("certificate kind", "Appreciation")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a re-issue")


class CertificateTemplate(ClusterableModel):
    """How a cohort's certificates look and read. One per cohort."""

    cohort = models.OneToOneField(
        Cohort,
        on_delete=models.CASCADE,
        related_name="certificate_template",
        verbose_name=_("cohort"),
    )
    issuer = models.CharField(
        _("issuer"),
        max_length=200,
        help_text=_("The issuing institution, e.g. the programme's full name; the PDF's author."),
    )
    hours = models.DecimalField(
        _("training hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Printed where the wording has {hours}."),
    )
    bilingual = models.BooleanField(
        _("bilingual"),
        default=True,
        help_text=_(
            "English plus the holder's language. Untick for certificates in the holder's "
            "language only; a participant may also ask for one language."
        ),
    )
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1f3a5f", validators=[_hex_colour]
    )
    secondary_colour = models.CharField(
        _("accent colour"), max_length=7, default="#b08d3c", validators=[_hex_colour]
    )
    logo = _certificate_image_field(_("logo"))
    second_logo = _certificate_image_field(_("second logo"), help_text="")
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["-cohort__year", "cohort__title"]

    def __str__(self):
        return str(self.cohort)

    def wording(self, kind: str, language: str):
        for row in self.wordings.all():
            if row.kind == kind and row.language_code == language:
                return row
        return None


class CertificateWording(Orderable):
    """The title and text of one kind of certificate in one language."""

    template = ParentalKey(CertificateTemplate, on_delete=models.CASCADE, related_name="wordings")
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    language_code = models.CharField(
        _("language"), max_length=10, choices=CERTIFICATE_LANGUAGE_CHOICES
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        max_length=1000,
        help_text=_(
            "May use {name}, {programme}, {cohort}, {dates} and {hours}; they are filled in "
            "the certificate's language."
        ),
    )
    issued_label = models.CharField(
        _("issue date label"), max_length=60, blank=True, help_text=_('E.g. "Issued on".')
    )

    class Meta(Orderable.Meta):
        verbose_name = _("certificate wording")
        verbose_name_plural = _("certificate wordings")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "kind", "language_code"], name="one_wording_per_kind_language"
            )
        ]

    def __str__(self):
        return f"{self.kind} ({self.language_code})"


class CertificateSignatory(Orderable):
    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=160, help_text=_("E.g. Programme Director."))
    # A signature is kept in private storage: it is only ever printed on certificates.
    signature = _certificate_image_field(_("signature image"))

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return self.name


class CertificateDetails(models.Model):
    """How a participant's certificate is to be written, when it differs from the application:
    the language, one language only, and the names as printed (a corrected name)."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.CASCADE,
        related_name="certificate_details",
        verbose_name=_("participant"),
    )
    language = models.CharField(
        _("certificate language"), max_length=10, choices=CERTIFICATE_LANGUAGE_CHOICES
    )
    single_language = models.BooleanField(
        _("one language only"),
        default=False,
        help_text=_("Only the certificate language, without the English text."),
    )
    native_name = models.CharField(_("name in native script"), max_length=200, blank=True)
    latin_name = models.CharField(_("name in Latin letters"), max_length=200)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("certificate details")
        verbose_name_plural = _("certificate details")

    def __str__(self):
        return self.latin_name


class SerialCounter(models.Model):
    """The last serial number used under a prefix (e.g. ``ASLP-2026``); taken under a row lock,
    so a number is never given twice, even when a batch is killed and run again."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    FAILED = "failed", _("Stopped by an error")


class CertificateBatch(models.Model):
    """One bulk issue of a cohort's certificates, with its progress."""

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="certificate_batches",
        verbose_name=_("cohort"),
    )
    include_speakers = models.BooleanField(
        _("certificates of appreciation for speakers"), default=False
    )
    send_email = models.BooleanField(_("e-mail participants"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("to consider"), default=0)
    processed = models.PositiveIntegerField(_("considered"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    failed = models.PositiveIntegerField(_("could not be issued"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    # Run as ``parts`` tasks (each its share of ``targets``, the holders fixed by the first part
    # to start: [kind of holder "p" or "s", id, certificate kind]); finished when all are done.
    parts = models.PositiveSmallIntegerField(_("parts"), default=1)
    parts_done = models.PositiveSmallIntegerField(_("parts done"), default=0)
    targets = models.JSONField(null=True, blank=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.cohort} #{self.pk}"

    @property
    def percent(self) -> int:
        return (
            int(self.processed * 100 / self.total)
            if self.total
            else (100 if self.status == BatchStatus.FINISHED else 0)
        )

    @property
    def is_active(self) -> bool:
        return self.status in (BatchStatus.QUEUED, BatchStatus.RUNNING)


def certificate_upload_path(instance, filename: str) -> str:
    return f"certificates/{instance.cohort_id}/{instance.code}.pdf"


class CertificateQuerySet(models.QuerySet):
    def current(self):
        """Certificates that are not superseded: valid or revoked. A holder has at most one
        (a revoked one stays current: nothing is issued over it)."""
        return self.exclude(status=CertificateStatus.SUPERSEDED)


class Certificate(QuickChoiceLabelsMixin, models.Model):
    """An issued certificate. What it printed is kept here (names, language, serial), so it still
    verifies when the participant's data later change; a correction is a re-issue."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CertificateKind.choices)
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("participant"),
    )
    speaker = models.ForeignKey(
        "trainings.Speaker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("speaker"),
    )
    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    # At least 128 bits from ``secrets``: the key of the public verification page.
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    holder_name = models.CharField(_("name as printed"), max_length=200)
    holder_name_latin = models.CharField(_("name in Latin letters"), max_length=200, blank=True)
    holder_family_name = models.CharField(_("family name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=CERTIFICATE_LANGUAGE_CHOICES)
    languages = models.JSONField(_("languages printed"), default=list)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    issued_on = models.DateField(_("issue date"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True, max_length=2000)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    pdf = models.FileField(
        _("PDF"), upload_to=certificate_upload_path, storage=private_storage, max_length=200
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    # The Open Badges 3.0 credential, signed when issued (``assessments.badges``).
    credential = models.TextField(_("Open Badges credential"), blank=True)
    batch = models.ForeignKey(
        CertificateBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["cohort", "serial"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=models.Q(status="valid", participant__isnull=False),
                name="one_valid_certificate_per_participant",
            ),
            models.UniqueConstraint(
                fields=["cohort", "speaker"],
                condition=models.Q(status="valid", speaker__isnull=False),
                name="one_valid_certificate_per_speaker_and_cohort",
            ),
        ]

    def __str__(self):
        return self.serial

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID
