"""Post-training dissemination: participants report what they shared at home, with evidence
files; organizers accept or return each report with a comment; reach totals (educators reached
by accepted reports) per participant, per economy and for the cohort.

Views call these functions and nothing else changes reports.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aslp_site.core.uploads import save_checked_upload
from cohorts import audit
from cohorts.models import Cohort

from . import emails
from .models import (
    DisseminationEvidence,
    DisseminationReport,
    Participant,
    ReportStatus,
)

# The participant's fields of a report (what they type).
REPORT_FIELDS = ("kind", "held_on", "audience", "educators_reached", "description")


class ReviewError(Exception):
    """A review that may not be made (a return without a comment, an unknown decision)."""


# -- When may a participant report? ----------------------------------------------------------


def local_today(participant: Participant) -> dt.date:
    """Today in the participant's time zone (a report dated today is never "in the future")."""
    try:
        zone = zoneinfo.ZoneInfo(participant.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(timezone=zone)


def reporting_opens_on(cohort: Cohort) -> dt.date | None:
    """The first day reports are taken: the workshop's first day (None: no date set, open)."""
    return cohort.workshop_starts


def reporting_refusal(participant: Participant, today: dt.date | None = None) -> str | None:
    """Why the participant may not report yet, or None."""
    today = today or local_today(participant)
    opens = reporting_opens_on(participant.cohort)
    if opens is not None and today < opens:
        return _(
            "Dissemination reports can be written from the first day of the workshop, "
            "%(date)s. Come back then to tell us what you shared at home."
        ) % {"date": date_format(opens, "DATE_FORMAT")}
    return None


# -- Saving ----------------------------------------------------------------------------------


def store_evidence(report: DisseminationReport, upload) -> DisseminationEvidence:
    """Keep an accepted upload (``upload.checked`` from ``check_upload``) under a generated name."""
    return save_checked_upload(DisseminationEvidence(report=report), upload, "evidence")


def _delete_evidence(rows) -> None:
    for row in rows:
        name = row.file.name
        storage = row.file.storage
        row.delete()
        if name:
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))


def save_report(
    participant: Participant,
    values: dict,
    uploads=(),
    *,
    report: DisseminationReport | None = None,
    remove=(),
) -> tuple[DisseminationReport, bool]:
    """Create or change a report with its evidence; (report, changed).

    A returned report goes back to "submitted" when it changes; an accepted one may not change.
    """
    with transaction.atomic():
        if report is None:
            report = DisseminationReport(participant=participant)
            changed = True
        else:
            report = DisseminationReport.objects.select_for_update().get(
                pk=report.pk, participant=participant
            )
            if not report.is_editable:
                raise ReviewError(_("This report is accepted and can no longer be changed."))
            changed = any(getattr(report, name) != values[name] for name in REPORT_FIELDS)
        for name in REPORT_FIELDS:
            setattr(report, name, values[name])
        removed = [row for row in remove if row.report_id == report.pk]
        changed = changed or bool(uploads) or bool(removed)
        if changed and report.status == ReportStatus.RETURNED:
            report.status = ReportStatus.SUBMITTED
        if changed:
            report.save()
        for upload in uploads:
            store_evidence(report, upload)
        _delete_evidence(removed)
    return report, changed


# -- Reviewing -------------------------------------------------------------------------------

DECISIONS = {"accept": ReportStatus.ACCEPTED, "return": ReportStatus.RETURNED}


def _participant_link(participant: Participant, report: DisseminationReport, language: str) -> str:
    try:
        with translation.override(language):
            path = reverse(
                "trainings:dissemination_report",
                kwargs={"slug": participant.cohort.slug, "pk": report.pk},
            )
    except NoReverseMatch:
        return ""
    return emails.absolute_url(path)


def review(report: DisseminationReport, decision: str, comment: str, user) -> DisseminationReport:
    """Accept or return a report (a comment is required to return it), audit it and e-mail the
    participant in their language."""
    status = DECISIONS.get(decision)
    if status is None:
        raise ReviewError(_("Choose whether to accept or return the report."))
    comment = (comment or "").strip()
    if status == ReportStatus.RETURNED and not comment:
        raise ReviewError(
            _("Write a comment to return the report: it tells the participant what to change.")
        )
    with transaction.atomic():
        report = (
            DisseminationReport.objects.select_for_update()
            .select_related("participant", "participant__cohort", "participant__application")
            .select_related("participant__user")
            .get(pk=report.pk)
        )
        before = {"status": report.status, "organizer_comment": report.organizer_comment}
        report.status = status
        report.organizer_comment = comment
        report.reviewed_by = user
        report.reviewed_at = timezone.now()
        report.save(
            update_fields=[
                "status",
                "organizer_comment",
                "reviewed_by",
                "reviewed_at",
                "updated_at",
            ]
        )
        audit.record(
            report,
            "trainings.report_review",
            user,
            before=before,
            after={"status": report.status, "organizer_comment": report.organizer_comment},
        )
        participant = report.participant
        language = emails.participant_language(participant)
        emails.send_to_participant(
            participant,
            "report_accepted" if status == ReportStatus.ACCEPTED else "report_returned",
            {
                "report": report,
                "name": participant.application.display_name or participant.user.email,
                "comment": comment,
                "link": _participant_link(participant, report, language),
            },
        )
    return report


# -- Totals ----------------------------------------------------------------------------------

ACCEPTED = Q(dissemination_reports__status=ReportStatus.ACCEPTED)


def participant_reach(participant: Participant) -> int:
    """Educators reached by the participant's accepted reports."""
    total = DisseminationReport.objects.filter(
        participant=participant, status=ReportStatus.ACCEPTED
    ).aggregate(total=Sum("educators_reached"))["total"]
    return total or 0


@dataclass
class Totals:
    participants: list  # Participant rows annotated with reached, n_reports, n_accepted
    economies: list  # [{"economy": Economy | None, "reached": int, "participants": int}]
    cohort: int
    by_status: list  # [{"value", "label", "count"}]
    reports: int


def cohort_totals(cohort: Cohort) -> Totals:
    """Reach per participant (every active participant, 0 when nothing accepted), per economy
    and for the cohort, and the reports counted by status: a fixed number of queries."""
    participants = list(
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("application", "application__economy", "user")
        .prefetch_related("application__economy__names")
        .annotate(
            reached=Sum("dissemination_reports__educators_reached", filter=ACCEPTED),
            n_reports=Count("dissemination_reports", distinct=True),
            n_accepted=Count("dissemination_reports", filter=ACCEPTED, distinct=True),
        )
    )
    economies: dict = {}
    for person in participants:
        person.reached = person.reached or 0
        economy = person.application.economy
        key = economy.pk if economy else None
        row = economies.setdefault(key, {"economy": economy, "reached": 0, "participants": 0})
        row["reached"] += person.reached
        row["participants"] += 1
    participants.sort(key=lambda p: (-p.reached, str(p)))
    economy_rows = sorted(
        economies.values(),
        key=lambda r: (-r["reached"], r["economy"].name if r["economy"] else "~"),
    )
    counts = dict(
        DisseminationReport.objects.filter(participant__cohort=cohort)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    by_status = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in ReportStatus.choices
    ]
    return Totals(
        participants=participants,
        economies=economy_rows,
        cohort=sum(p.reached for p in participants),
        by_status=by_status,
        reports=sum(counts.values()),
    )


__all__ = [
    "DECISIONS",
    "REPORT_FIELDS",
    "ReviewError",
    "Totals",
    "cohort_totals",
    "local_today",
    "participant_reach",
    "reporting_refusal",
    "review",
    "save_report",
    "store_evidence",
]
