"""A confirmed place makes the person a participant (``Participant``), once."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from cohorts.models import Application, ApplicationStatus


def ensure_participant(application: Application):
    """The participant of a confirmed application (made on first call; safe to repeat)."""
    from .models import Participant

    participant, _created = Participant.objects.get_or_create(
        application=application,
        defaults={"cohort_id": application.cohort_id, "user_id": application.applicant_id},
    )
    return participant


def ensure_participants(cohort) -> int:
    """Participants for every confirmed application of ``cohort``; how many were made."""
    from .models import Participant

    confirmed = Application.objects.filter(
        cohort=cohort, status=ApplicationStatus.CONFIRMED, participant__isnull=True
    )
    made = Participant.objects.bulk_create(
        Participant(application=app, cohort_id=app.cohort_id, user_id=app.applicant_id)
        for app in confirmed
    )
    return len(made)


@receiver(post_save, sender=Application, dispatch_uid="trainings_participant_on_confirm")
def participant_on_confirm(sender, instance: Application, raw=False, **kwargs):
    if raw or instance.status != ApplicationStatus.CONFIRMED:
        return
    ensure_participant(instance)
