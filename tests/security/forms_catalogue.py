"""Every form of the product, for the hostile-input tests (quality item R8).

One :class:`FormEntry` per form-handling route of the route registry (aslp_site/core/routes.py):
a POST endpoint, or a GET search or filter form. An entry names

* the route (the registry key) and the path to use, as a template of the security harness's
  sample world (``/manage/{cohort}/applications/{application}/``, filled by samples.py);
* the persona to sign in as (tests/security/conftest.py ``ROLES``): one who may use the form;
* what the form may legitimately touch: ``may_change`` (model, column) pairs taken out of the
  protected columns, ``creates`` (models it may add rows to) and ``deletes`` (models it may
  remove rows from).

Everything else is protected: :data:`PROTECTED` lists the columns no form may change unless its
entry says so (status, owner, score, staff flags, serials, cohort, economy...), and every table
of :data:`WATCHED_APPS` must not gain rows unless the entry names it in ``creates``.

POST routes that are not here are listed, with the reason, in :data:`NOT_FORMS`;
tests/security/test_hostile_input.py fails on a POST route in neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

# -- Protected columns ---------------------------------------------------------------------------

# Model label -> columns that no form may change, on any row, unless its entry's ``may_change``
# says so. A row of one of these models that disappears counts as a change (``deletes``).
PROTECTED: dict[str, tuple[str, ...]] = {
    "accounts.User": (
        "email",
        "password",
        "is_staff",
        "is_superuser",
        "is_active",
        "date_joined",
    ),
    "account.EmailAddress": ("user", "email", "verified", "primary"),
    "mfa.Authenticator": ("user", "type"),
    "cohorts.RoleGrant": ("user", "role", "cohort", "economy"),
    "cohorts.Cohort": ("programme", "slug", "status", "accepted_count", "total_seats", "closes_at"),
    "cohorts.EconomyQuota": ("cohort", "economy", "seats", "reserve_places", "accepted_count"),
    "cohorts.Application": (
        "cohort",
        "applicant",
        "status",
        "reference",
        "economy",
        "nominated_by",
        "endorsement",
        "endorsed_by",
    ),
    "cohorts.ApplicationFile": ("application", "kind", "sha256", "is_current"),
    "cohorts.Nomination": ("cohort", "economy", "token", "invited_by", "application"),
    "cohorts.ReviewAssignment": ("application", "reviewer", "weighted_score", "submitted_at"),
    "cohorts.Score": ("review", "criterion", "value"),
    "trainings.Participant": (
        "application",
        "cohort",
        "user",
        "group",
        "badge_token",
        "calendar_token",
    ),
    "trainings.ParticipantGroup": ("cohort", "name"),
    "trainings.Attendance": ("activity", "participant", "status", "recorded_by"),
    "trainings.DisseminationReport": ("participant", "status", "reviewed_by"),
    "trainings.Announcement": ("cohort", "created_by", "sent_at"),
    "assessments.Submission": ("assignment", "participant", "status", "version_count"),
    "assessments.SubmissionVersion": ("submission", "number", "digest", "submitted_by"),
    "assessments.Feedback": ("submission", "reviewer", "decision"),
    "assessments.Resource": (
        "submission",
        "status",
        "content_review",
        "technical_review",
        "published_by",
    ),
    "assessments.ResourceAuthor": ("resource", "participant", "consent"),
    "assessments.CompletionRules": ("cohort", "min_attendance_percent", "updated_by"),
    "assessments.CompletionOverride": ("participant", "complete", "decided_by"),
    "assessments.SurveyResponse": ("survey", "participant"),
    "assessments.Certificate": (
        "cohort",
        "participant",
        "serial",
        "code",
        "status",
        "holder_name",
        "sha256",
    ),
    "assessments.SerialCounter": ("prefix", "last"),
    "assessments.CertificateDetails": ("participant", "latin_name"),
}

# Apps whose tables must not gain rows a form does not create into (auth's permissions and the
# CMS's own tables are left out: no programme form writes there).
WATCHED_APPS = ("accounts", "account", "mfa", "cohorts", "trainings", "assessments")
WATCHED_EXTRA = ("auth.Group",)


# ``page`` of an entry whose form is not on a page the harness can fetch (a step of a sign-in in
# progress, a JavaScript endpoint): only the declared ``fields`` and the extra ones are sent.
NO_PAGE = "-"

# -- Entries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormEntry:
    route: str  # the registry key (aslp_site/core/routes.py)
    role: str  # the persona to sign in as (anonymous for public forms)
    path: str = ""  # template filled by samples.fill_sample; default: the rule's sample
    method: str = "POST"  # GET for search and filter forms
    # Where the form is rendered, when it is not the path itself (a JavaScript endpoint that
    # posts the fields of a form on another page, say); the form whose action is ``form_action``
    # (default: the page) gives the field names.
    page: str = ""
    form_action: str = ""
    # Field names to fuzz beyond those found on the page (endpoints fed by JavaScript).
    fields: tuple[str, ...] = ()
    multipart: bool = False  # send multipart/form-data even without a file input on the page
    may_change: frozenset[tuple[str, str]] = frozenset()
    creates: frozenset[str] = frozenset()
    deletes: frozenset[str] = frozenset()
    # Puts the sample world in the state the form needs (an open offer, a survey with
    # questions); given the personas, called before the page is fetched.
    prepare: Callable[[Mapping[str, Any]], None] | None = None
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.route}"


def entry(route: str, role: str, **options) -> FormEntry:
    for key in ("may_change", "creates", "deletes"):
        if key in options:
            options[key] = frozenset(options[key])
    return FormEntry(route, role, **options)


def cols(model: str, *names: str) -> set[tuple[str, str]]:
    return {(model, name) for name in names}


# -- States some forms need ------------------------------------------------------------------------


def _open_offer(personas) -> None:
    """Applicant A's application in cohort X holds an offer that is still open."""
    from cohorts.models import ApplicationStatus

    from .samples import sample_application

    application = sample_application(personas)
    application.status = ApplicationStatus.ACCEPTED
    application.offer_deadline = timezone.now() + dt.timedelta(days=7)
    application.save()


def _finished_cohort(personas) -> None:
    """The participant persona is an alumnus: cohort X is finished."""
    from cohorts.models import CohortStatus

    from .samples import cohorts_world

    personas["participant"]  # noqa: B018  (made on first use)
    x, _y = cohorts_world()
    x.status = CohortStatus.FINISHED
    x.save(update_fields=["status"])


def _survey_with_questions(personas) -> None:
    """Cohort X's sample survey gets one question of every kind."""
    from assessments.models import QuestionKind, Survey, SurveyQuestion, SurveySection

    from .samples import assessments_world

    survey = Survey.objects.get(pk=assessments_world(personas)["survey"])
    section, _ = SurveySection.objects.get_or_create(survey=survey, title="About you")
    if section.questions.exists():
        return
    scale = {
        "scale_points": 5,
        "scale_labels": [{"value": 1, "label": "Low"}, {"value": 5, "label": "High"}],
    }

    def keyed(*labels):
        return [{"key": label.lower(), "label": label} for label in labels]

    for order, (kind, extra) in enumerate(
        [
            (QuestionKind.LIKERT, scale),
            (QuestionKind.RATING, {}),
            (QuestionKind.SINGLE, {"options": keyed("One", "Two")}),
            (QuestionKind.MULTIPLE, {"options": keyed("Red", "Blue", "Green")}),
            (QuestionKind.SHORT_TEXT, {}),
            (QuestionKind.LONG_TEXT, {"required": False}),
            (QuestionKind.MATRIX, {**scale, "items": keyed("Plan", "Lead")}),
        ]
    ):
        SurveyQuestion.objects.create(
            section=section, kind=kind, text=f"Question {kind}", sort_order=order, **extra
        )


def _totp_for_applicant_a(personas) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(personas["applicant_a"], generate_totp_secret())


def _free_assignment_activity(personas) -> None:
    """Cohort X has a post-training stage (a stage to add activities to) with an assignment
    activity that has no assignment yet (the only kind the new assignment form offers)."""
    from trainings.models import Activity, ActivityKind, Stage, StageKind

    from .samples import cohorts_world

    x, _y = cohorts_world()
    stage, _ = Stage.objects.get_or_create(cohort=x, kind=StageKind.POST_TRAINING)
    Activity.objects.get_or_create(
        stage=stage,
        kind=ActivityKind.ASSIGNMENT,
        defaults={"title": "Action plan", "due_at": timezone.now() + dt.timedelta(days=60)},
    )


APPLICATION_DECISION = (
    cols("cohorts.Application", "status")
    | cols("cohorts.EconomyQuota", "accepted_count")
    | cols("cohorts.Cohort", "accepted_count")
)
EMAIL_CHANGES = cols("account.EmailAddress", "primary", "verified")
# What copying a cohort makes (trainings/copying.py, assessments/copying.py): set-up data only.
COHORT_COPY = {
    "cohorts.Cohort",
    "cohorts.CohortTranslation",
    "cohorts.EconomyQuota",
    "cohorts.ApplicationQuestion",
    "cohorts.QuestionTranslation",
    "cohorts.RubricCriterion",
    "cohorts.MessageTemplate",
    "cohorts.RoleGrant",
    "trainings.ParticipantGroup",
    "trainings.Venue",
    "trainings.VenueTranslation",
    "trainings.Stage",
    "trainings.StageTranslation",
    "trainings.Activity",
    "trainings.ActivityTranslation",
    "assessments.Assignment",
    "assessments.AssignmentTranslation",
    "assessments.AssignmentCriterion",
    "assessments.Survey",
    "assessments.SurveyTranslation",
    "assessments.SurveySection",
    "assessments.SurveySectionTranslation",
    "assessments.SurveyQuestion",
    "assessments.SurveyQuestionTranslation",
}

# -- The catalogue ---------------------------------------------------------------------------------

CATALOGUE: tuple[FormEntry, ...] = (
    # allauth: sign-up, sign-in and recovery (public)
    entry(
        "accounts/signup/",
        "anonymous",
        path="/accounts/signup/",
        creates={"accounts.User", "account.EmailAddress"},
    ),
    entry("accounts/login/", "anonymous", path="/accounts/login/"),
    entry("accounts/password/reset/", "anonymous", path="/accounts/password/reset/"),
    entry(
        "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        "anonymous",
        path="/accounts/password/reset/key/1-set-password/",
        page=NO_PAGE,
        fields=("password1", "password2"),
        note="an unknown key: the view must refuse whatever is posted",
    ),
    entry(
        "accounts/^confirm-email/(?P<key>[-:\\w]+)/$",
        "anonymous",
        path="/accounts/confirm-email/unknown-key/",
        page=NO_PAGE,
        note="an unknown key shows no form; the POST must still be refused cleanly",
    ),
    entry(
        "accounts/login/code/confirm/",
        "anonymous",
        path="/accounts/login/code/confirm/",
        page=NO_PAGE,
        fields=("code",),
        note="a step of a sign-in in progress; without one it sends people to the login",
    ),
    entry(
        "accounts/2fa/authenticate/",
        "anonymous",
        path="/accounts/2fa/authenticate/",
        page=NO_PAGE,
        fields=("code",),
    ),
    entry(
        "i18n/setlang/",
        "anonymous",
        path="/i18n/setlang/",
        page=NO_PAGE,
        fields=("language", "next"),
        note="Django's view; the site's language switcher is made of links",
    ),
    entry(
        "_util/login/",
        "anonymous",
        path="/_util/login/",
        page=NO_PAGE,
        fields=("username", "password", "next"),
    ),
    # allauth: the signed-in person's own account
    entry(
        "accounts/password/change/",
        "applicant_a",
        path="/accounts/password/change/",
        may_change=cols("accounts.User", "password"),
    ),
    entry(
        "accounts/password/set/",
        "applicant_a",
        path="/accounts/password/set/",
        page=NO_PAGE,
        fields=("password1", "password2"),
        may_change=cols("accounts.User", "password"),
    ),
    entry(
        "accounts/email/",
        "applicant_a",
        path="/accounts/email/",
        may_change=EMAIL_CHANGES,
        creates={"account.EmailAddress"},
        deletes={"account.EmailAddress"},
        note="add, make primary, re-send, remove: only the person's own addresses",
    ),
    entry("accounts/reauthenticate/", "applicant_a", path="/accounts/reauthenticate/"),
    entry(
        "accounts/2fa/reauthenticate/",
        "applicant_a",
        path="/accounts/2fa/reauthenticate/",
        prepare=_totp_for_applicant_a,
    ),
    entry(
        "accounts/2fa/totp/activate/",
        "applicant_a",
        path="/accounts/2fa/totp/activate/",
        creates={"mfa.Authenticator"},
    ),
    entry(
        "accounts/2fa/totp/deactivate/",
        "applicant_a",
        path="/accounts/2fa/totp/deactivate/",
        prepare=_totp_for_applicant_a,
        deletes={"mfa.Authenticator"},
    ),
    entry(
        "accounts/2fa/recovery-codes/generate/",
        "applicant_a",
        path="/accounts/2fa/recovery-codes/generate/",
        creates={"mfa.Authenticator"},
    ),
    # The project's account pages
    entry("accounts/profile/", "applicant_a", path="/accounts/profile/"),
    entry("accounts/my-data/", "participant", path="/accounts/my-data/"),
    # Public search and lookups (GET forms)
    entry("search/", "anonymous", path="/search/", method="GET", fields=("q", "page")),
    entry("letters/verify/", "anonymous", path="/letters/verify/", method="GET", fields=("code",)),
    entry("verify/", "anonymous", path="/verify/"),
    # Applying: the application form (draft save and submit, with and without files)
    entry(
        "apply/<slug:slug>/",
        "applicant_b",
        multipart=True,
        creates={"cohorts.Application", "cohorts.ApplicationFile"},
        note="applicant B has no application yet: the form creates the draft",
    ),
    entry(
        "apply/<slug:slug>/autosave/",
        "applicant_b",
        page="/apply/{cohort}/",
        form_action="/apply/{cohort}/",
        creates={"cohorts.Application"},
    ),
    entry(
        "apply/<slug:slug>/upload/",
        "applicant_b",
        page="/apply/{cohort}/",
        form_action="/apply/{cohort}/",
        fields=("slot", "file", "question"),
        multipart=True,
        may_change=cols("cohorts.ApplicationFile", "is_current"),
        creates={"cohorts.Application", "cohorts.ApplicationFile"},
    ),
    entry(
        "apply/<slug:slug>/withdraw/",
        "applicant_a",
        may_change=cols("cohorts.Application", "status"),
    ),
    entry(
        "apply/<slug:slug>/offer/",
        "applicant_a",
        prepare=_open_offer,
        may_change=APPLICATION_DECISION,
        creates={"trainings.Participant"},
    ),
    entry("apply/<slug:slug>/logistics/", "participant", creates={"cohorts.Logistics"}),
    entry(
        "apply/<slug:slug>/invitation-letter/",
        "participant",
        page=NO_PAGE,
        fields=("download", "language"),
        creates={"cohorts.InvitationLetter"},
        note="a download button; the letter is made on the first download",
    ),
    entry(
        "nominations/<str:token>/",
        "applicant_b",
        may_change=cols("cohorts.Nomination", "application"),
        creates={"cohorts.Application"},
    ),
    # Economy coordinators: endorse, rank, nominate
    entry(
        "coordinate/<slug:slug>/<int:pk>/",
        "coordinator_x",
        may_change=cols("cohorts.Application", "endorsement", "endorsed_by"),
    ),
    entry("coordinate/<slug:slug>/rank/", "coordinator_x", page="/coordinate/{cohort}/"),
    entry(
        "coordinate/<slug:slug>/", "coordinator_x", method="GET", fields=("economy", "endorsement")
    ),
    entry("coordinate/<slug:slug>/nominate/", "coordinator_x", creates={"cohorts.Nomination"}),
    # Reviewers
    entry(
        "review/<int:pk>/",
        "reviewer",
        may_change=cols("cohorts.ReviewAssignment", "weighted_score", "submitted_at")
        | cols("cohorts.Score", "value"),
        creates={"cohorts.Score"},
    ),
    entry(
        "review/<int:pk>/conflict/",
        "reviewer",
        creates={"cohorts.ConflictOfInterest"},
        deletes={"cohorts.ReviewAssignment", "cohorts.Score"},
    ),
    # Organizers: decisions, reviewers, list filters
    entry(
        "manage/<slug:slug>/applications/",
        "organizer_x",
        may_change=APPLICATION_DECISION,
        creates={"trainings.Participant"},
    ),
    entry(
        "manage/<slug:slug>/applications/",
        "organizer_x",
        method="GET",
        fields=("status", "economy", "q", "sort", "page", "endorsement", "reviewed"),
    ),
    entry(
        "manage/<slug:slug>/applications/<int:pk>/",
        "organizer_x",
        may_change=APPLICATION_DECISION,
        creates={"trainings.Participant"},
    ),
    entry(
        "manage/<slug:slug>/applications/<int:pk>/reviewers/",
        "organizer_x",
        creates={"cohorts.ReviewAssignment"},
        deletes={"cohorts.ReviewAssignment", "cohorts.Score"},
    ),
    entry(
        "manage/<slug:slug>/assign-reviewers/",
        "organizer_x",
        creates={"cohorts.ReviewAssignment"},
    ),
    # Alumni
    entry(
        "alumni/me/",
        "participant",
        path="/alumni/me/",
        prepare=_finished_cohort,
        creates={"cohorts.AlumniProfile"},
    ),
    entry("alumni/", "organizer_x", path="/alumni/", method="GET", fields=("economy", "q")),
    # Personal data (superuser)
    entry(
        "admin/personal-data/<int:pk>/erase/",
        "superuser",
        may_change=cols("accounts.User", "email", "password", "is_active"),
        creates={"cohorts.ErasureRecord"},
        deletes={"account.EmailAddress"},
        note="erases the person made for the matrix, never the one signed in",
    ),
    # Trainings: calendar, groups, attendance, dissemination, announcements
    entry(
        "my-programme/<slug:slug>/calendar/",
        "participant",
        may_change=cols("trainings.Participant", "calendar_token"),
    ),
    entry(
        "manage/<slug:slug>/groups/",
        "organizer_x",
        may_change=cols("trainings.Participant", "group")
        | cols("trainings.ParticipantGroup", "name"),
        creates={"trainings.ParticipantGroup"},
        deletes={"trainings.ParticipantGroup"},
    ),
    entry(
        "manage/<slug:slug>/attendance/<int:pk>/",
        "organizer_x",
        may_change=cols("trainings.Attendance", "status", "recorded_by"),
        creates={"trainings.Attendance"},
    ),
    entry(
        "manage/<slug:slug>/attendance/<int:pk>/scan/",
        "organizer_x",
        page="/manage/{cohort}/attendance/{session}/",
        form_action="/manage/{cohort}/attendance/{session}/scan/",
        fields=("code", "badge", "token"),
        may_change=cols("trainings.Attendance", "status", "recorded_by"),
        creates={"trainings.Attendance"},
    ),
    entry(
        "manage/<slug:slug>/attendance/<int:pk>/",
        "organizer_x",
        method="GET",
        note="the search and sort forms of the check-in page",
    ),
    entry(
        "my-programme/<slug:slug>/dissemination/new/",
        "participant",
        multipart=True,
        creates={"trainings.DisseminationReport", "trainings.DisseminationEvidence"},
    ),
    entry(
        "my-programme/<slug:slug>/dissemination/<int:pk>/",
        "participant",
        multipart=True,
        creates={"trainings.DisseminationEvidence"},
        deletes={"trainings.DisseminationEvidence"},
    ),
    entry(
        "manage/<slug:slug>/dissemination/<int:pk>/",
        "organizer_x",
        may_change=cols("trainings.DisseminationReport", "status", "reviewed_by"),
    ),
    entry(
        "manage/<slug:slug>/dissemination/",
        "organizer_x",
        path="/manage/{cohort}/dissemination/",
        method="GET",
        fields=("status", "kind", "economy", "q"),
    ),
    entry(
        "manage/<slug:slug>/announcements/new/",
        "organizer_x",
        may_change=cols("trainings.Announcement", "sent_at"),
        creates={
            "trainings.Announcement",
            "trainings.AnnouncementTranslation",
            "trainings.AnnouncementDelivery",
        },
    ),
    entry(
        "manage/<slug:slug>/announcements/<int:pk>/",
        "organizer_x",
        may_change=cols("trainings.Announcement", "sent_at"),
        creates={"trainings.AnnouncementTranslation", "trainings.AnnouncementDelivery"},
        deletes={"trainings.Announcement", "trainings.AnnouncementTranslation"},
    ),
    # Assessments: assignment submission and review feedback
    entry(
        "my-programme/<slug:slug>/assignments/<int:pk>/",
        "participant",
        multipart=True,
        may_change=cols("assessments.Submission", "status", "version_count"),
        creates={"assessments.SubmissionVersion", "assessments.SubmissionFile"},
    ),
    entry(
        "manage/<slug:slug>/submissions/<int:pk>/",
        "organizer_x",
        may_change=cols("assessments.Submission", "status"),
        creates={"assessments.Feedback"},
    ),
    # Surveys
    entry(
        "my-programme/<slug:slug>/surveys/<int:pk>/",
        "participant",
        prepare=_survey_with_questions,
        creates={
            "assessments.SurveyResponse",
            "assessments.SurveyAnswer",
            "assessments.SurveyCompletion",
            "assessments.SurveyDraft",
        },
        deletes={"assessments.SurveyDraft"},
    ),
    # Library: submission to resource, reviews, consent
    entry(
        "manage/<slug:slug>/submissions/<int:pk>/resource/",
        "organizer_x",
        page=NO_PAGE,
        note="a button; the sample submission is already in the library, so it is refused",
        creates={"assessments.Resource", "assessments.ResourceAuthor"},
    ),
    entry(
        "manage/<slug:slug>/resources/<int:pk>/",
        "organizer_x",
        may_change=cols(
            "assessments.Resource", "status", "content_review", "technical_review", "published_by"
        )
        | cols("assessments.ResourceAuthor", "consent"),
        creates={"assessments.ResourceTranslation", "assessments.ResourceAuthor"},
        deletes={"assessments.ResourceTranslation", "assessments.ResourceAuthor"},
    ),
    entry(
        "my-programme/<slug:slug>/resources/<int:pk>/consent/",
        "participant",
        path="/my-programme/{cohort}/resources/{resource}/consent/",
        may_change=cols("assessments.ResourceAuthor", "consent"),
    ),
    # Completion
    entry(
        "manage/<slug:slug>/completion/rules/",
        "organizer_x",
        may_change=cols("assessments.CompletionRules", "min_attendance_percent", "updated_by"),
        creates={"assessments.CompletionRules"},
    ),
    entry(
        "manage/<slug:slug>/completion/<int:pk>/override/",
        "certificate_staff",
        page="/manage/{cohort}/completion/{participant}/",
        may_change=cols("assessments.CompletionOverride", "complete", "decided_by"),
        creates={"assessments.CompletionOverride"},
        deletes={"assessments.CompletionOverride"},
    ),
    entry(
        "manage/<slug:slug>/completion/",
        "organizer_x",
        path="/manage/{cohort}/completion/",
        method="GET",
        fields=("status", "economy", "group", "q"),
    ),
    # Certificates: the participant's details; the certificate staff's admin forms
    entry(
        "my-programme/<slug:slug>/certificate/",
        "participant",
        may_change=cols("assessments.CertificateDetails", "latin_name"),
        creates={"assessments.CertificateDetails"},
    ),
    entry(
        "admin/certificates/<slug:slug>/",
        "certificate_staff",
        path="/admin/certificates/{cohort}/",
        method="GET",
        fields=("q", "status", "kind", "economy"),
    ),
    entry(
        "admin/certificates/<slug:slug>/issue/",
        "certificate_staff",
        page="/admin/certificates/{cohort}/",
        creates={"assessments.CertificateBatch"},
    ),
    entry(
        "admin/certificates/<slug:slug>/participants/<int:pk>/issue/",
        "certificate_staff",
        path="/admin/certificates/{cohort}/participants/{participant}/issue/",
        page=NO_PAGE,
        note="a button; the participant persona already holds a certificate",
        may_change=cols("assessments.SerialCounter", "last"),
        creates={"assessments.Certificate", "assessments.SerialCounter"},
    ),
    entry(
        "admin/certificates/<slug:slug>/<int:pk>/reissue/",
        "certificate_staff",
        page="/admin/certificates/{cohort}/{certificate}/",
        may_change=cols("assessments.Certificate", "status")
        | cols("assessments.SerialCounter", "last"),
        creates={"assessments.Certificate", "assessments.SerialCounter"},
    ),
    entry(
        "admin/certificates/<slug:slug>/<int:pk>/revoke/",
        "certificate_staff",
        page="/admin/certificates/{cohort}/{certificate}/",
        may_change=cols("assessments.Certificate", "status"),
    ),
    entry(
        "admin/certificate-templates/new/",
        "certificate_staff",
        path="/admin/certificate-templates/new/",
        creates={
            "assessments.CertificateTemplate",
            "assessments.CertificateWording",
            "assessments.CertificateSignatory",
        },
    ),
    entry(
        "admin/certificate-templates/edit/<int:pk>/",
        "certificate_staff",
        path="/admin/certificate-templates/edit/{certificate_template}/",
        creates={"assessments.CertificateWording", "assessments.CertificateSignatory"},
        deletes={"assessments.CertificateWording", "assessments.CertificateSignatory"},
    ),
    # The Programme screens of the Wagtail admin: organizers of cohort X where the permission
    # policies let organizers in (cohorts/trainings/assessments admin policies), superusers for
    # programmes, new cohorts and economies. Edit forms carry inline rows (translations, quotas,
    # rubric, sections...), which they may add and remove.
    entry(
        "admin/programme/programmes/new/",
        "superuser",
        path="/admin/programme/programmes/new/",
        creates={"cohorts.Programme", "cohorts.ProgrammeTranslation"},
    ),
    entry(
        "admin/programme/programmes/edit/<int:pk>/",
        "superuser",
        path="/admin/programme/programmes/edit/{programme}/",
        creates={"cohorts.ProgrammeTranslation"},
        deletes={"cohorts.ProgrammeTranslation"},
    ),
    entry(
        "admin/programme/cohorts/new/",
        "superuser",
        path="/admin/programme/cohorts/new/",
        creates={
            "cohorts.Cohort",
            "cohorts.CohortTranslation",
            "cohorts.EconomyQuota",
            "cohorts.RubricCriterion",
        },
    ),
    entry(
        "admin/programme/cohorts/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/cohorts/edit/{cohort_pk}/",
        may_change=cols("cohorts.Cohort", "status", "total_seats", "closes_at")
        | cols("cohorts.EconomyQuota", "economy", "seats", "reserve_places"),
        creates={"cohorts.CohortTranslation", "cohorts.EconomyQuota", "cohorts.RubricCriterion"},
        deletes={"cohorts.CohortTranslation", "cohorts.EconomyQuota", "cohorts.RubricCriterion"},
        note="programme and slug are for superusers; places offered never change here",
    ),
    entry(
        "admin/programme/cohorts/copy/<int:pk>/",
        "organizer_x",
        path="/admin/programme/cohorts/copy/{cohort_pk}/",
        creates=COHORT_COPY,
        note="the copier becomes organizer of the copy (a new role grant)",
    ),
    entry(
        "admin/programme/questions/new/",
        "organizer_x",
        path="/admin/programme/questions/new/",
        creates={"cohorts.ApplicationQuestion", "cohorts.QuestionTranslation"},
    ),
    entry(
        "admin/programme/questions/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/questions/edit/{question}/",
        creates={"cohorts.QuestionTranslation"},
        deletes={"cohorts.QuestionTranslation"},
    ),
    entry(
        "admin/programme/email-templates/new/",
        "organizer_x",
        path="/admin/programme/email-templates/new/",
        creates={"cohorts.MessageTemplate"},
    ),
    entry(
        "admin/programme/email-templates/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/email-templates/edit/{message_template}/",
    ),
    entry(
        "admin/programme/roles/new/",
        "organizer_x",
        path="/admin/programme/roles/new/",
        creates={"cohorts.RoleGrant"},
    ),
    entry(
        "admin/programme/roles/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/roles/edit/{role_grant}/",
        may_change=cols("cohorts.RoleGrant", "user", "role", "cohort", "economy"),
        note="the reviewer's role in cohort X; the form is there to change who holds what",
    ),
    entry(
        "admin/programme/stages/new/",
        "organizer_x",
        path="/admin/programme/stages/new/",
        creates={"trainings.Stage", "trainings.StageTranslation"},
    ),
    entry(
        "admin/programme/stages/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/stages/edit/{stage}/",
        creates={"trainings.StageTranslation"},
        deletes={"trainings.StageTranslation"},
    ),
    entry(
        "admin/programme/activities/new/",
        "organizer_x",
        path="/admin/programme/activities/new/",
        prepare=_free_assignment_activity,
        creates={"trainings.Activity", "trainings.ActivityTranslation"},
    ),
    entry(
        "admin/programme/activities/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/activities/edit/{activity}/",
        creates={"trainings.ActivityTranslation"},
        deletes={"trainings.ActivityTranslation"},
    ),
    entry(
        "admin/programme/venues/new/",
        "organizer_x",
        path="/admin/programme/venues/new/",
        creates={"trainings.Venue", "trainings.VenueTranslation"},
    ),
    entry(
        "admin/programme/venues/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/venues/edit/{venue}/",
        creates={"trainings.VenueTranslation"},
        deletes={"trainings.VenueTranslation"},
    ),
    entry(
        "admin/programme/speakers/new/",
        "organizer_x",
        path="/admin/programme/speakers/new/",
        creates={"trainings.Speaker", "trainings.SpeakerTranslation"},
    ),
    entry(
        "admin/programme/speakers/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/speakers/edit/{speaker}/",
        creates={"trainings.SpeakerTranslation"},
        deletes={"trainings.SpeakerTranslation"},
    ),
    entry(
        "admin/programme/assignments/new/",
        "organizer_x",
        path="/admin/programme/assignments/new/",
        prepare=_free_assignment_activity,
        creates={
            "assessments.Assignment",
            "assessments.AssignmentTranslation",
            "assessments.AssignmentCriterion",
        },
    ),
    entry(
        "admin/programme/assignments/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/assignments/edit/{assignment}/",
        prepare=_free_assignment_activity,
        creates={"assessments.AssignmentTranslation", "assessments.AssignmentCriterion"},
        deletes={"assessments.AssignmentTranslation", "assessments.AssignmentCriterion"},
        note="the participant persona's submission stays with the assignment",
    ),
    entry(
        "admin/programme/resource-topics/new/",
        "organizer_x",
        path="/admin/programme/resource-topics/new/",
        creates={"assessments.ResourceTopic", "assessments.ResourceTopicTranslation"},
    ),
    entry(
        "admin/programme/resource-topics/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/resource-topics/edit/{topic}/",
        creates={"assessments.ResourceTopicTranslation"},
        deletes={"assessments.ResourceTopicTranslation"},
    ),
    entry(
        "admin/programme/surveys/new/",
        "organizer_x",
        path="/admin/programme/surveys/new/",
        creates={
            "assessments.Survey",
            "assessments.SurveyTranslation",
            "assessments.SurveySection",
        },
    ),
    entry(
        "admin/programme/surveys/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/surveys/edit/{survey}/",
        prepare=_survey_with_questions,
        creates={"assessments.SurveyTranslation", "assessments.SurveySection"},
        deletes={
            "assessments.SurveyTranslation",
            "assessments.SurveySection",
            "assessments.SurveySectionTranslation",
            "assessments.SurveyQuestion",
            "assessments.SurveyQuestionTranslation",
            "assessments.SurveyAnswer",
        },
        note="removing a section removes its questions (and any answers to them)",
    ),
    entry(
        "admin/programme/survey-sections/new/",
        "organizer_x",
        path="/admin/programme/survey-sections/new/",
        prepare=_survey_with_questions,
        creates={"assessments.SurveySection", "assessments.SurveySectionTranslation"},
    ),
    entry(
        "admin/programme/survey-sections/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/survey-sections/edit/{survey_section}/",
        creates={"assessments.SurveySectionTranslation"},
        deletes={"assessments.SurveySectionTranslation"},
    ),
    entry(
        "admin/programme/survey-questions/new/",
        "organizer_x",
        path="/admin/programme/survey-questions/new/",
        prepare=_survey_with_questions,
        creates={"assessments.SurveyQuestion", "assessments.SurveyQuestionTranslation"},
    ),
    entry(
        "admin/programme/survey-questions/edit/<int:pk>/",
        "organizer_x",
        path="/admin/programme/survey-questions/edit/{survey_question}/",
        creates={"assessments.SurveyQuestionTranslation"},
        deletes={"assessments.SurveyQuestionTranslation"},
    ),
    # Economies: Wagtail's snippet views with the project's form (EconomyForm); superusers.
    entry(
        "admin/snippets/cohorts/economy/add/",
        "superuser",
        path="/admin/snippets/cohorts/economy/add/",
        creates={"cohorts.Economy", "cohorts.EconomyName"},
    ),
    entry(
        "admin/snippets/cohorts/economy/edit/<int:pk>/",
        "superuser",
        path="/admin/snippets/cohorts/economy/edit/{economy}/",
        creates={"cohorts.EconomyName"},
        deletes={"cohorts.EconomyName"},
    ),
)


# -- POST routes that are not forms to fuzz, with the reason ---------------------------------------

NOT_FORMS: dict[str, str] = {
    "accounts/logout/": "ends the caller's own session; takes no input",
    "application-files/<int:pk>/": "a file download; answers 405 to POST (it names POST only "
    "to say so)",
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": (
        "Wagtail's page password form; the site uses no page view restriction with a password"
    ),
    "documents/authenticate_with_password/<int:restriction_id>/": (
        "Wagtail's document password form; the site uses no collection password"
    ),
}

# The project's admin viewsets (create, edit and copy are in the catalogue above).
ADMIN_VIEWSETS = (
    "programme/programmes",
    "programme/cohorts",
    "programme/questions",
    "programme/email-templates",
    "programme/roles",
    "programme/stages",
    "programme/activities",
    "programme/venues",
    "programme/speakers",
    "programme/assignments",
    "programme/resource-topics",
    "programme/surveys",
    "programme/survey-sections",
    "programme/survey-questions",
    "certificate-templates",
)
NOT_FORMS.update(
    {
        f"admin/{viewset}/delete/<int:pk>/": (
            "a delete confirmation: posts no field but the CSRF token and Wagtail's checked "
            "'next' address"
        )
        for viewset in ADMIN_VIEWSETS
    }
)
# Their other views answer GET only, so the coverage test does not ask for them: listings and
# their "results", history, usage, the e-mail template preview (inspect) and the certificate
# template preview. The listings' search and filters and the preview's kind and language are
# GET forms that are not fuzzed here.

# Whole trees left out, with the reason: the third-party admins (their views, validation and
# permission checks are Django's and Wagtail's).
NOT_FORM_TREES: dict[str, str] = {
    "django-admin/": "the Django admin: superusers only, Django's own forms",
    "admin/": "the Wagtail admin's own views (pages, images, documents, users, groups, "
    "snippets, settings): Wagtail's forms",
}
