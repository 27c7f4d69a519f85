"""Selection: organizers' decisions, seats and quotas, offers, the wait-list (R5).

Every change of a seat count happens here, inside a transaction, with the rows locked in one
fixed order so that concurrent decisions cannot deadlock or oversell:

1. the economy's ``EconomyQuota`` row,
2. the ``Cohort`` row,
3. the application row(s).

A seat is taken with a conditional update (``accepted_count < seats``) on both the quota and the
cohort; if either updates no row, the decision is refused with :class:`QuotaFull`. The check
constraints on both tables are the last line of defence.

Decision e-mails are queued with ``transaction.on_commit``, so a refused or rolled-back decision
sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import audit
from .emails import language_for, send_application_message
from .models import (
    Application,
    ApplicationStatus,
    Cohort,
    Economy,
    EconomyQuota,
    MessageKind,
)

ACCEPTED = ApplicationStatus.ACCEPTED
WAITLISTED = ApplicationStatus.WAITLISTED
REJECTED = ApplicationStatus.REJECTED

# decision -> the statuses it may be made from. A decision can be changed until the applicant
# confirms (confirmed, declined or expired offers are final here).
ALLOWED_FROM: dict[str, frozenset[str]] = {
    ACCEPTED: frozenset({ApplicationStatus.SUBMITTED, WAITLISTED, REJECTED}),
    WAITLISTED: frozenset({ApplicationStatus.SUBMITTED, ACCEPTED, REJECTED}),
    REJECTED: frozenset({ApplicationStatus.SUBMITTED, WAITLISTED, ACCEPTED}),
}
DECISIONS = frozenset(ALLOWED_FROM)

DECISION_MESSAGE_KIND = {
    ACCEPTED: MessageKind.ACCEPTED,
    WAITLISTED: MessageKind.WAITLISTED,
    REJECTED: MessageKind.REJECTED,
}


class SelectionError(Exception):
    """A decision that cannot be made; ``message`` (and ``str()``) is shown to the organizer."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)

    def __str__(self):
        return self.message


class QuotaFull(SelectionError):
    """No seat left in the economy's quota or in the cohort."""


# -- Locking ----------------------------------------------------------------------------------


class _Locked:
    """The rows of one selection step, locked in the fixed order (quota, cohort, application)."""

    def __init__(self, application_pk: int):
        # Which quota to lock is read first without a lock, then checked again once locked.
        unlocked = Application.objects.only("cohort_id", "economy_id").get(pk=application_pk)
        self.quota = None
        if unlocked.economy_id:
            self.quota = (
                EconomyQuota.objects.select_for_update()
                .filter(cohort_id=unlocked.cohort_id, economy_id=unlocked.economy_id)
                .first()
            )
        self.cohort = Cohort.objects.select_for_update().get(pk=unlocked.cohort_id)
        self.application = Application.objects.select_for_update().get(pk=application_pk)
        if self.application.economy_id != unlocked.economy_id:
            # The applicant changed their economy at this very moment: nothing is decided.
            raise SelectionError(
                _("The application changed while the decision was being made; try again.")
            )
        self._load_relations()

    def _load_relations(self):
        """Related rows for messages and e-mails (read after the locks, never locked)."""
        application = self.application
        application.cohort = self.cohort
        if application.economy_id:
            application.economy = Economy.objects.prefetch_related("names").get(
                pk=application.economy_id
            )
        if self.quota is not None:
            self.quota.economy = application.economy


def _economy_name(application: Application) -> str:
    return application.economy.localized_name() if application.economy_id else ""


def _take_seat(locked: _Locked) -> None:
    """Count one more accepted applicant in the economy's quota and in the cohort, or refuse."""
    application, quota, cohort = locked.application, locked.quota, locked.cohort
    if not application.economy_id:
        raise SelectionError(
            _("The application names no economy, so it cannot be counted in a quota.")
        )
    if quota is None:
        raise SelectionError(
            _("No quota is set for %(economy)s in this cohort.")
            % {"economy": _economy_name(application)}
        )
    taken = EconomyQuota.objects.filter(pk=quota.pk, accepted_count__lt=F("seats")).update(
        accepted_count=F("accepted_count") + 1
    )
    if not taken:
        raise QuotaFull(
            ngettext(
                "%(economy)s's quota of %(seats)d seat is full; wait-list the applicant or free "
                "a seat first.",
                "%(economy)s's quota of %(seats)d seats is full; wait-list the applicant or free "
                "a seat first.",
                quota.seats,
            )
            % {"economy": _economy_name(application), "seats": quota.seats}
        )
    taken = Cohort.objects.filter(pk=cohort.pk, accepted_count__lt=F("total_seats")).update(
        accepted_count=F("accepted_count") + 1
    )
    if not taken:
        # The quota's increment is rolled back with the transaction.
        raise QuotaFull(
            ngettext(
                "All %(seats)d seat of the cohort is taken; wait-list the applicant or free a "
                "seat first.",
                "All %(seats)d seats of the cohort are taken; wait-list the applicant or free a "
                "seat first.",
                cohort.total_seats,
            )
            % {"seats": cohort.total_seats}
        )


def _save_decision(application: Application, status: str, by, now) -> None:
    """Store a decided status with who decided and when (position and deadline set before)."""
    application.status = status
    application.decided_at = now
    application.decided_by = by
    application.save(
        update_fields=[
            "status",
            "waitlist_position",
            "offer_deadline",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )


def _release_seat(locked: _Locked) -> None:
    """Give back the seat held by an accepted applicant (counters never go below zero)."""
    if locked.quota is not None:
        EconomyQuota.objects.filter(pk=locked.quota.pk, accepted_count__gt=0).update(
            accepted_count=F("accepted_count") - 1
        )
    Cohort.objects.filter(pk=locked.cohort.pk, accepted_count__gt=0).update(
        accepted_count=F("accepted_count") - 1
    )


def _counts(locked: _Locked) -> dict:
    """The seat counters after the change, for the audit entry."""
    cohort = Cohort.objects.only("accepted_count", "total_seats").get(pk=locked.cohort.pk)
    figures = {"cohort_seats": cohort.total_seats, "cohort_accepted": cohort.accepted_count}
    if locked.quota is not None:
        quota = EconomyQuota.objects.get(pk=locked.quota.pk)
        figures.update(
            economy=locked.application.economy.code if locked.application.economy_id else "",
            quota_seats=quota.seats,
            quota_accepted=quota.accepted_count,
            reserve_places=quota.reserve_places,
            waitlisted=Application.objects.filter(
                cohort_id=quota.cohort_id, economy_id=quota.economy_id, status=WAITLISTED
            ).count(),
        )
    return figures


def offer_deadline_for(cohort: Cohort, now: dt.datetime | None = None) -> dt.datetime:
    """The end (23:59:59) of the day ``offer_response_days`` from now, in the cohort's zone."""
    local = timezone.localtime(now or timezone.now(), cohort.zone)
    last_day = local.date() + dt.timedelta(days=cohort.offer_response_days)
    return dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=cohort.zone)


def _next_waitlist_position(application: Application) -> int:
    highest = Application.objects.filter(
        cohort_id=application.cohort_id, economy_id=application.economy_id, status=WAITLISTED
    ).aggregate(highest=Max("waitlist_position"))["highest"]
    return (highest or 0) + 1


def _offer_link(application: Application) -> str:
    with translation.override(language_for(application)):
        return reverse("cohorts:offer_answer", kwargs={"slug": application.cohort.slug})


def _send(kind: str, application: Application) -> None:
    offers = (MessageKind.ACCEPTED, MessageKind.PROMOTED)
    link = _offer_link(application) if kind in offers else None
    send_application_message(kind, application, link_path=link)


def _unchanged_message(application: Application, decision: str) -> str:
    values = {"name": application.display_name}
    if decision == ACCEPTED:
        return _("%(name)s has already been offered a place.") % values
    if decision == WAITLISTED:
        return _("%(name)s is already on the wait-list.") % values
    return _("%(name)s has already been marked as not selected.") % values


def _refusal_for_status(application: Application) -> str:
    values = {"name": application.display_name, "status": application.get_status_display()}
    if application.status == ApplicationStatus.CONFIRMED:
        return (
            _("%(name)s has confirmed their place; the decision can no longer be changed here.")
            % values
        )
    return _("No decision can be made on an application with the status “%(status)s”.") % values


# -- Decisions --------------------------------------------------------------------------------


def decide(application: Application, decision: str, *, by) -> Application:
    """Accept, wait-list or reject one application, atomically; returns the updated application.

    Raises :class:`QuotaFull` when the economy's quota or the cohort's seats are taken, and
    :class:`SelectionError` for any other refusal (nothing is changed then).
    """
    if decision not in DECISIONS:
        raise SelectionError(_("Choose accept, wait-list or reject."))
    with transaction.atomic():
        locked = _Locked(application.pk)
        current = locked.application
        before = current.status
        if before == decision:
            raise SelectionError(_unchanged_message(current, decision))
        if before not in ALLOWED_FROM[decision]:
            raise SelectionError(_refusal_for_status(current))
        before_values = {
            "status": before,
            "waitlist_position": current.waitlist_position,
            "offer_deadline": current.offer_deadline,
        }

        if decision == ACCEPTED:
            _take_seat(locked)
            current.waitlist_position = None
            current.offer_deadline = offer_deadline_for(locked.cohort)
        elif decision == WAITLISTED:
            _check_reserve(locked)
            if before == ACCEPTED:
                _release_seat(locked)
            current.waitlist_position = _next_waitlist_position(current)
            current.offer_deadline = None
        else:
            if before == ACCEPTED:
                _release_seat(locked)
            current.waitlist_position = None
            current.offer_deadline = None

        _save_decision(current, decision, by, timezone.now())
        audit.record(
            current,
            "cohorts.decision",
            by,
            before=before_values,
            after={
                "status": current.status,
                "waitlist_position": current.waitlist_position,
                "offer_deadline": current.offer_deadline,
            },
            seats=_counts(locked),
        )
        _send(DECISION_MESSAGE_KIND[decision], current)
    _copy_back(current, application)
    return current


def _check_reserve(locked: _Locked) -> None:
    application, quota = locked.application, locked.quota
    if not application.economy_id:
        raise SelectionError(
            _("The application names no economy, so it cannot be put on a wait-list.")
        )
    if quota is None:
        raise SelectionError(
            _("No quota is set for %(economy)s in this cohort.")
            % {"economy": _economy_name(application)}
        )
    waiting = Application.objects.filter(
        cohort_id=quota.cohort_id, economy_id=quota.economy_id, status=WAITLISTED
    ).count()
    if waiting >= quota.reserve_places:
        raise QuotaFull(
            ngettext(
                "%(economy)s's wait-list of %(places)d reserve place is full; reject the "
                "applicant or raise the reserve places first.",
                "%(economy)s's wait-list of %(places)d reserve places is full; reject the "
                "applicant or raise the reserve places first.",
                quota.reserve_places,
            )
            % {"economy": _economy_name(application), "places": quota.reserve_places}
        )


def _copy_back(source: Application, target: Application) -> None:
    """Let the caller's instance show the new state too."""
    if target is source:
        return
    for field in (
        "status",
        "waitlist_position",
        "offer_deadline",
        "offer_answered_at",
        "decided_at",
        "decided_by_id",
        "updated_at",
    ):
        setattr(target, field, getattr(source, field))


def decide_many(
    applications: Iterable[Application], decision: str, *, by
) -> tuple[list[Application], list[tuple[Application, str]]]:
    """Decide each application in its own transaction, in the order given.

    One refusal does not undo the others. Returns (decided, [(refused, reason), ...]).
    """
    done: list[Application] = []
    refused: list[tuple[Application, str]] = []
    for application in applications:
        try:
            done.append(decide(application, decision, by=by))
        except SelectionError as error:
            refused.append((application, error.message))
        except Application.DoesNotExist:
            refused.append((application, _("The application no longer exists.")))
    return done, refused


# -- Offers -----------------------------------------------------------------------------------


def answer_offer(application: Application, *, accept: bool, by) -> Application:
    """The applicant confirms (-> confirmed) or declines (-> declined, seat given back and
    offered to the economy's next wait-listed applicant). Only before the offer's deadline."""
    if by is None or by.pk != application.applicant_id:
        raise SelectionError(_("Only the applicant can answer this offer."))
    now = timezone.now()
    with transaction.atomic():
        locked = _Locked(application.pk)
        current = locked.application
        if current.status != ACCEPTED:
            if current.status == ApplicationStatus.OFFER_EXPIRED:
                raise SelectionError(_("This offer has expired; it can no longer be answered."))
            raise SelectionError(_("There is no open offer to answer."))
        if current.offer_deadline is not None and now > current.offer_deadline:
            raise SelectionError(
                _("The deadline to answer this offer has passed; it can no longer be answered.")
            )
        before = {"status": current.status}
        current.status = ApplicationStatus.CONFIRMED if accept else ApplicationStatus.OFFER_DECLINED
        current.offer_answered_at = now
        current.save(update_fields=["status", "offer_answered_at", "updated_at"])
        if not accept:
            _release_seat(locked)
        audit.record(
            current,
            "cohorts.offer_answer",
            by,
            before=before,
            after={"status": current.status},
            seats=_counts(locked),
        )
        if not accept and current.economy_id:
            promote_next(locked.cohort, current.economy)
    _copy_back(current, application)
    return current


def promote_next(cohort: Cohort, economy, *, by=None, now=None) -> Application | None:
    """Offer the freed seat to the economy's first wait-listed applicant, if any and if a seat
    is free; returns that application (now accepted) or None.

    ``now`` (default: the current time) starts the new offer's time to answer."""
    with transaction.atomic():
        # The quota row is locked first (same order as every other step), then the candidates.
        quota = (
            EconomyQuota.objects.select_for_update()
            .filter(cohort_id=cohort.pk, economy_id=economy.pk)
            .first()
        )
        if quota is None:
            return None
        candidates = (
            Application.objects.filter(
                cohort_id=cohort.pk, economy_id=economy.pk, status=WAITLISTED
            )
            .order_by(F("waitlist_position").asc(nulls_last=True), "decided_at", "pk")
            .values_list("pk", flat=True)
        )
        for pk in candidates:
            try:
                with transaction.atomic():
                    return _promote(pk, by, now or timezone.now())
            except QuotaFull:
                return None
            except _NotWaiting:
                continue
    return None


class _NotWaiting(Exception):
    pass


def _promote(pk: int, by, now: dt.datetime) -> Application:
    locked = _Locked(pk)
    current = locked.application
    if current.status != WAITLISTED:
        raise _NotWaiting
    before = {"status": current.status, "waitlist_position": current.waitlist_position}
    _take_seat(locked)
    current.waitlist_position = None
    current.offer_deadline = offer_deadline_for(locked.cohort, now)
    _save_decision(current, ACCEPTED, by, now)
    audit.record(
        current,
        "cohorts.promote",
        by,
        before=before,
        after={"status": current.status, "offer_deadline": current.offer_deadline},
        seats=_counts(locked),
    )
    _send(MessageKind.PROMOTED, current)
    return current


def expire_offers(now: dt.datetime | None = None) -> int:
    """Offers not answered by their deadline expire: seat given back, next wait-listed applicant
    promoted. Returns how many expired now; running it again changes nothing."""
    now = now or timezone.now()
    expired = 0
    due = Application.objects.filter(status=ACCEPTED, offer_deadline__lt=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            locked = _Locked(pk)
            current = locked.application
            if current.status != ACCEPTED or not current.offer_deadline:
                continue
            if current.offer_deadline >= now:
                continue
            current.status = ApplicationStatus.OFFER_EXPIRED
            current.save(update_fields=["status", "updated_at"])
            _release_seat(locked)
            audit.record(
                current,
                "cohorts.offer_expire",
                None,
                before={"status": ACCEPTED, "offer_deadline": current.offer_deadline},
                after={"status": current.status},
                seats=_counts(locked),
            )
            _send(MessageKind.OFFER_EXPIRED, current)
            if current.economy_id:
                promote_next(locked.cohort, current.economy, now=now)
            expired += 1
    return expired


__all__ = [
    "DECISIONS",
    "QuotaFull",
    "SelectionError",
    "answer_offer",
    "decide",
    "decide_many",
    "expire_offers",
    "offer_deadline_for",
    "promote_next",
]
