"""The training stages' part of a person's data (the registry is ``cohorts.personal_data``).

Rules:

1. Exported: the person's participant rows (without their badge and calendar secrets), their
   attendance, dissemination reports with every evidence file, the announcements and reminders
   sent to them.
2. Erased: participants stay (attendance and reports count in the cohort's figures) with new
   badge and calendar secrets; attendance notes, the reports' texts and the organizers'
   comments on them are emptied; evidence files are deleted; announcement copies keep the
   pseudonymous address instead of the real one.
"""

from __future__ import annotations

from cohorts.personal_data import Erasure, Export, register

from .models import (
    AnnouncementDelivery,
    Attendance,
    DisseminationEvidence,
    DisseminationReport,
    Participant,
    ReminderDelivery,
    _token,
)


def _participants(user):
    return Participant.objects.filter(user=user).order_by("pk")


def exporter(export: Export) -> None:
    participants = list(_participants(export.user))
    export.add("participants", participants)
    export.add(
        "attendance",
        Attendance.objects.filter(participant__in=participants).order_by("pk"),
        skip=("recorded_by",),
    )
    export.add(
        "dissemination_reports",
        DisseminationReport.objects.filter(participant__in=participants).order_by("pk"),
        skip=("reviewed_by",),
    )
    evidence = list(
        DisseminationEvidence.objects.filter(report__participant__in=participants).order_by("pk")
    )
    for row, upload in zip(export.add("dissemination_evidence", evidence), evidence, strict=True):
        row["archive_path"] = export.add_file(
            "dissemination_evidence", upload, upload.file, upload.original_name
        )
    export.add(
        "announcements_received",
        AnnouncementDelivery.objects.filter(participant__in=participants).order_by("pk"),
    )
    export.add(
        "reminders_sent",
        ReminderDelivery.objects.filter(participant__in=participants).order_by("pk"),
    )


def eraser(erasure: Erasure) -> None:
    participants = _participants(erasure.user)
    for participant in participants:
        participant.badge_token = _token()
        participant.calendar_token = _token()
        participant.save(update_fields=["badge_token", "calendar_token"])
    Attendance.objects.filter(participant__in=participants).update(note="")
    evidence = DisseminationEvidence.objects.filter(report__participant__in=participants)
    for upload in evidence:
        erasure.delete_file(upload.file)
    evidence.delete()
    DisseminationReport.objects.filter(participant__in=participants).update(
        audience="", description="", organizer_comment=""
    )
    AnnouncementDelivery.objects.filter(participant__in=participants).update(email=erasure.email)


def names(user) -> set[str]:
    """Nothing beyond the application's names (cohorts) and the account's."""
    return set()


def register_trainings() -> None:
    register("trainings", exporter=exporter, eraser=eraser, names=names)
