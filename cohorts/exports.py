"""The organizers' exports of a cohort: applications and reviews, as CSV or XLSX (R10).

The tables are built here (headers in the organizer's language, one row per application or
review, times in the cohort's zone); writing the files safely is ``aslp_site.core.exports``.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aslp_site.core.exports import FORMATS, export_response

from .models import Application, Cohort, QuestionKind, ReviewAssignment

__all__ = ["FORMATS", "application_table", "download", "review_table"]


def _moment(value, cohort: Cohort) -> str:
    if value is None:
        return ""
    return timezone.localtime(value, cohort.zone).strftime("%Y-%m-%d %H:%M")


def _decimal(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _answer(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def application_table(
    cohort: Cohort, applications: QuerySet[Application]
) -> tuple[list[str], list[list]]:
    """Every column of the applications (in the list's filter and order)."""
    zone = cohort.time_zone
    questions = [q for q in cohort.questions.all() if q.kind != QuestionKind.FILE]
    headers = [
        _("Reference"),
        _("Family name (as in passport)"),
        _("Given names (as in passport)"),
        _("Name in native script"),
        _("E-mail"),
        _("Gender"),
        _("Position"),
        _("Job title"),
        _("School or institution"),
        _("School level"),
        _("Years of experience"),
        _("Economy code"),
        _("Economy"),
        _("Phone number"),
        _("Preferred language"),
        _("Time zone"),
        _("Status"),
        _("Endorsement"),
        _("Coordinator's comment"),
        _("Coordinator's rank"),
        _("Reviews done"),
        _("Mean score"),
        _("Score spread"),
        _("Wait-list position"),
        _("Offer deadline (%(zone)s)") % {"zone": zone},
        _("Submitted (%(zone)s)") % {"zone": zone},
        _("Decided (%(zone)s)") % {"zone": zone},
        _("Motivation essay"),
        *[question.label for question in questions],
    ]
    rows = []
    for app in applications.select_related("economy", "applicant").prefetch_related(
        "economy__names"
    ):
        answers = app.answers or {}
        rows.append(
            [
                app.reference,
                app.family_name,
                app.given_names,
                app.native_name,
                app.applicant.email,
                app.get_gender_display(),
                app.get_position_display(),
                app.position_detail,
                app.school_name,
                app.get_school_level_display(),
                app.years_experience,
                app.economy.code if app.economy_id else "",
                app.economy.localized_name() if app.economy_id else "",
                app.phone,
                app.get_preferred_language_display(),
                app.time_zone,
                app.get_status_display(),
                app.get_endorsement_display(),
                app.endorsement_comment,
                app.coordinator_rank,
                app.review_count,
                _decimal(app.score_mean),
                _decimal(app.score_spread),
                app.waitlist_position,
                _moment(app.offer_deadline, cohort),
                _moment(app.submitted_at, cohort),
                _moment(app.decided_at, cohort),
                app.motivation,
                *[_answer(answers.get(str(question.pk))) for question in questions],
            ]
        )
    return headers, rows


def review_table(
    cohort: Cohort, applications: QuerySet[Application]
) -> tuple[list[str], list[list]]:
    """One row per reviewer of each application (in the list's filter and order)."""
    zone = cohort.time_zone
    criteria = list(cohort.rubric.all())
    headers = [
        _("Application reference"),
        _("Applicant"),
        _("Economy"),
        _("Reviewer"),
        _("Reviewer's e-mail"),
        *[
            _("%(criterion)s (weight %(weight)s)")
            % {"criterion": criterion.title, "weight": criterion.weight.normalize()}
            for criterion in criteria
        ],
        _("Weighted score"),
        _("Comment"),
        _("Assigned (%(zone)s)") % {"zone": zone},
        _("Scored (%(zone)s)") % {"zone": zone},
    ]
    ordered = list(
        applications.select_related("economy")
        .prefetch_related("economy__names")
        .only("pk", "reference", "family_name", "given_names", "economy")
    )
    by_application: dict[int, list[ReviewAssignment]] = {}
    for review in (
        ReviewAssignment.objects.filter(application__in=applications.order_by().values("pk"))
        .select_related("reviewer")
        .prefetch_related("scores")
        .order_by("assigned_at", "pk")
    ):
        by_application.setdefault(review.application_id, []).append(review)
    rows = []
    for app in ordered:
        for review in by_application.get(app.pk, []):
            scores = {score.criterion_id: score.value for score in review.scores.all()}
            rows.append(
                [
                    app.reference,
                    app.display_name,
                    app.economy.localized_name() if app.economy_id else "",
                    review.reviewer.get_full_name(),
                    review.reviewer.email,
                    *[scores.get(criterion.pk) for criterion in criteria],
                    _decimal(review.weighted_score),
                    review.comment,
                    _moment(review.assigned_at, cohort),
                    _moment(review.submitted_at, cohort),
                ]
            )
    return headers, rows


def download(cohort: Cohort, what: str, file_format: str, headers, rows):
    """The file, named ``<cohort slug>-<what>-<date>.<format>``."""
    return export_response(
        file_format, f"{cohort.slug}-{what}", headers, rows, title=f"{cohort.slug} {what}"
    )
