"""Organizers' announcements: the list, writing and sending one, and one announcement with the
log of its copies. Another cohort's pages answer 404."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aslp_site.core.http import method_not_allowed
from cohorts.models import Cohort

from .. import announcements, permissions
from ..forms_announcements import AnnouncementForm
from ..models import Announcement, AnnouncementDelivery, AnnouncementTranslation


@permissions.organizer_required
def announcement_list(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    rows = list(
        Announcement.objects.filter(cohort=cohort)
        .select_related("group", "economy", "created_by")
        .prefetch_related("economy__names")
        .annotate(n_copies=Count("deliveries"))
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "trainings/announcements/list.html",
        {"cohort": cohort, "announcements": rows},
    )


def _sent_message(count: int) -> str:
    return ngettext(
        "The announcement is sent: %(count)d copy.",
        "The announcement is sent: %(count)d copies.",
        count,
    ) % {"count": count}


REPEAT_WINDOW = dt.timedelta(minutes=10)


def _recent_twin(cohort, user, data) -> Announcement | None:
    """The same announcement by the same person, sent within the last few minutes."""
    return (
        Announcement.objects.filter(
            cohort=cohort,
            created_by=user,
            audience=data["audience"],
            group=data["group"],
            economy=data["economy"],
            subject=data["subject"].strip(),
            body=data["body"].strip(),
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-pk")
        .first()
    )


@permissions.organizer_required
def announcement_new(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    form = AnnouncementForm(request.POST or None, cohort=cohort)
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            people = announcements.recipients(
                cohort, data["audience"], group=data["group"], economy=data["economy"]
            )
            if request.POST.get("action") == "send":
                if not people.exists():
                    form.add_error(
                        None,
                        _("Nobody is in this audience: choose another one. Nothing was sent."),
                    )
                    status = 400
                else:
                    with transaction.atomic():
                        # One organizer's identical message sent moments ago is a repeated
                        # click or a resubmitted page: it is not sent again.
                        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()
                        repeated = _recent_twin(cohort, request.user, data)
                        if repeated is not None:
                            messages.info(
                                request,
                                _(
                                    "This announcement was already sent a moment ago; it was "
                                    "not sent again."
                                ),
                            )
                            return redirect(
                                "trainings:announcement", slug=cohort.slug, pk=repeated.pk
                            )
                        announcement = Announcement.objects.create(
                            cohort=cohort,
                            audience=data["audience"],
                            group=data["group"],
                            economy=data["economy"],
                            subject=data["subject"].strip(),
                            body=data["body"].strip(),
                            created_by=request.user,
                        )
                        AnnouncementTranslation.objects.bulk_create(
                            AnnouncementTranslation(
                                announcement=announcement,
                                language_code=code,
                                subject=subject,
                                body=body,
                            )
                            for code, (subject, body) in form.translations().items()
                        )
                        made = announcements.send(announcement, request.user)
                    messages.success(request, _sent_message(len(made)))
                    return redirect("trainings:announcement", slug=cohort.slug, pk=announcement.pk)
            else:
                preview = people.count()
        else:
            status = 400
    return render(
        request,
        "trainings/announcements/new.html",
        {"cohort": cohort, "form": form, "preview": preview},
        status=status,
    )


@permissions.organizer_required
def announcement_detail(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    announcement = permissions.organizer_announcement_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    if request.method == "POST":
        # Send to those of the audience who have no copy yet (joined since); never twice.
        made = announcements.send(announcement, request.user)
        if made:
            messages.success(request, _sent_message(len(made)))
        else:
            messages.info(
                request, _("Everyone in the audience already has a copy; nothing was sent.")
            )
        return redirect(request.path)
    announcement = (
        Announcement.objects.select_related("group", "economy", "created_by")
        .prefetch_related("translations", "economy__names")
        .get(pk=announcement.pk)
    )
    deliveries = list(
        AnnouncementDelivery.objects.filter(announcement=announcement)
        .select_related("participant", "participant__application", "participant__user")
        .order_by("sent_at", "participant__application__family_name", "pk")
    )
    reached = {d.participant_id for d in deliveries}
    waiting = announcements.announcement_recipients(announcement).exclude(pk__in=reached).count()
    return render(
        request,
        "trainings/announcements/detail.html",
        {
            "cohort": cohort,
            "announcement": announcement,
            "deliveries": deliveries,
            "translations": list(announcement.translations.all()),
            "waiting": waiting,
        },
    )


__all__ = ["announcement_detail", "announcement_list", "announcement_new"]
