"""The onsite workshop: the public programme page and its PDF, name badges, the organizers'
groups page and their overview of a cohort's training.

* The programme page and PDF are public once the cohort is past its draft status
  (``public_cohort_or_404``); they never show online meeting links. Anonymous responses are kept
  by the public page cache like the cohorts' public pages.
* A participant downloads their own badge; organizers download every active participant's badge
  (or one group's) and run the groups of their cohorts only (others answer 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from aslp_site.core.cache import mark_public_cacheable
from cohorts import audit

from .. import pdfs, permissions
from ..forms_workshop import AssignForm, BalanceForm, GroupNameForm
from ..groups import balance_cohort
from ..models import (
    STAGE_ORDER,
    WORKSHOP_SESSION_KINDS,
    Activity,
    Participant,
    ParticipantGroup,
    Stage,
    StageKind,
)
from ..permissions import organizer_required, participant_required

PHOTO_FILTER = "fill-160x160"


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(len(pdf))
    return response


def _workshop_stage(cohort) -> Stage | None:
    return (
        Stage.objects.filter(cohort=cohort, kind=StageKind.WORKSHOP)
        .prefetch_related("translations")
        .first()
    )


# -- Public -------------------------------------------------------------------------------------


@require_safe
def public_programme(request, slug):
    cohort = permissions.public_cohort_or_404(slug)
    venue = pdfs.workshop_venue(cohort)
    zone = pdfs.programme_zone(cohort, venue)
    days = pdfs.sessions_by_day(pdfs.workshop_sessions(cohort, photo_filter=PHOTO_FILTER), zone)
    response = render(
        request,
        "trainings/workshop/public_programme.html",
        {
            "cohort": cohort,
            "stage": _workshop_stage(cohort),
            "venue": venue,
            "zone": zone.key,
            "days": days,
            "session_count": sum(len(day.slots) for day in days),
            "workshop_dates": pdfs.workshop_dates(cohort),
            "photo_filter": PHOTO_FILTER,
        },
    )
    return mark_public_cacheable(response)


@require_safe
def public_programme_pdf(request, slug):
    cohort = permissions.public_cohort_or_404(slug)
    response = _pdf_response(pdfs.render_programme(cohort), pdfs.programme_filename(cohort))
    return mark_public_cacheable(response)


# -- Badges -------------------------------------------------------------------------------------


@participant_required
@require_safe
def my_badge(request, slug):
    participant = permissions.participant_or_404(request.user, slug)
    people = pdfs.badge_participants(participant.cohort).filter(pk=participant.pk)
    pdf = pdfs.render_badges(participant.cohort, people)
    return _pdf_response(pdf, pdfs.badges_filename(participant.cohort, participant=participant))


@organizer_required
@require_safe
def manage_badges(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    group = None
    if request.GET.get("group"):
        try:
            group_pk = int(request.GET["group"])
        except ValueError:
            raise Http404 from None
        group = permissions.organizer_group_or_404(request.user, cohort, group_pk)
    pdf = pdfs.render_badges(cohort, pdfs.badge_participants(cohort, group))
    return _pdf_response(pdf, pdfs.badges_filename(cohort, group))


# -- Groups -------------------------------------------------------------------------------------


def _group_page(request, cohort, *, forms=None, status=200):
    groups = list(
        ParticipantGroup.objects.filter(cohort=cohort).annotate(
            n_activities=Count("activities", distinct=True)
        )
    )
    participants = list(
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("application", "application__economy", "group")
        .prefetch_related("application__economy__names")
        .order_by("application__family_name", "application__given_names", "pk")
    )
    forms = forms or {}
    assign = forms.get("assign") or AssignForm(participants=participants, groups=groups)
    members: dict[int | None, list] = {group.pk: [] for group in groups}
    unassigned = []
    for participant in participants:
        members.get(participant.group_id, unassigned).append(participant)
    rows = []
    for group in groups:
        rename = forms.get(f"rename-{group.pk}") or GroupNameForm(
            cohort=cohort, group=group, initial={"name": group.name}, prefix=f"rename-{group.pk}"
        )
        rows.append({"group": group, "members": members[group.pk], "rename": rename})
    context = {
        "cohort": cohort,
        "rows": rows,
        "unassigned": unassigned,
        "participant_count": len(participants),
        "create_form": forms.get("create") or GroupNameForm(cohort=cohort, prefix="create"),
        "balance_form": forms.get("balance")
        or BalanceForm(initial={"count": len(groups) or 4}, prefix="balance"),
        "assign_form": assign,
        "assign_rows": assign.rows_with_fields(),
    }
    return render(request, "trainings/workshop/manage_groups.html", context, status=status)


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_groups(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if request.method != "POST":
        return _group_page(request, cohort)
    action = request.POST.get("action", "")
    here = reverse("trainings:manage_groups", kwargs={"slug": cohort.slug})
    if action == "create":
        form = GroupNameForm(request.POST, cohort=cohort, prefix="create")
        if not form.is_valid():
            return _group_page(request, cohort, forms={"create": form}, status=400)
        with transaction.atomic():
            last = ParticipantGroup.objects.filter(cohort=cohort).order_by("-sort_order").first()
            group = ParticipantGroup.objects.create(
                cohort=cohort,
                name=form.cleaned_data["name"],
                sort_order=(last.sort_order + 1) if last else 0,
            )
            audit.record(group, "trainings.group_change", request.user, after={"name": group.name})
        messages.success(request, _("Group “%(name)s” created.") % {"name": group.name})
        return redirect(here)
    if action in ("rename", "delete"):
        try:
            group_pk = int(request.POST.get("group", ""))
        except ValueError:
            raise Http404 from None
        group = permissions.organizer_group_or_404(request.user, cohort, group_pk)
        if action == "rename":
            prefix = f"rename-{group.pk}"
            form = GroupNameForm(request.POST, cohort=cohort, group=group, prefix=prefix)
            if not form.is_valid():
                return _group_page(request, cohort, forms={prefix: form}, status=400)
            before = group.name
            if form.cleaned_data["name"] != before:
                group.name = form.cleaned_data["name"]
                group.save(update_fields=["name"])
                audit.record(
                    group,
                    "trainings.group_change",
                    request.user,
                    before={"name": before},
                    after={"name": group.name},
                )
                messages.success(
                    request,
                    _("Group “%(old)s” renamed “%(new)s”.") % {"old": before, "new": group.name},
                )
            return redirect(here)
        if group.activities.exists():
            messages.error(
                request,
                _(
                    "Group “%(name)s” has sessions or activities of its own, so it cannot be "
                    "deleted. Move them to another group or to the whole cohort in the admin first."
                )
                % {"name": group.name},
            )
            return redirect(here)
        with transaction.atomic():
            members = list(group.members.values_list("pk", flat=True))
            audit.record(
                cohort,
                "trainings.group_change",
                request.user,
                before={"group": group.pk, "name": group.name, "members": members},
                after=None,
                deleted=group.name,
            )
            group.delete()
        if members:
            done = ngettext(
                "Group “%(name)s” deleted; its %(count)d member now has no group.",
                "Group “%(name)s” deleted; its %(count)d members now have no group.",
                len(members),
            ) % {"name": group.name, "count": len(members)}
        else:
            done = _("Group “%(name)s” deleted.") % {"name": group.name}
        messages.success(request, done)
        return redirect(here)
    if action == "assign":
        return _assign(request, cohort, here)
    if action == "balance":
        form = BalanceForm(request.POST, prefix="balance")
        if not form.is_valid():
            return _group_page(request, cohort, forms={"balance": form}, status=400)
        groups, moved = balance_cohort(cohort, form.cleaned_data["count"], request.user)
        messages.success(
            request,
            ngettext(
                "Participants spread across %(count)d group (%(moved)d moved).",
                "Participants spread across %(count)d groups (%(moved)d moved).",
                len(groups),
            )
            % {"count": len(groups), "moved": moved},
        )
        return redirect(here)
    messages.error(request, _("Nothing was changed: unknown action."))
    return redirect(here)


def _assign(request, cohort, here):
    groups = list(ParticipantGroup.objects.filter(cohort=cohort))
    participants = list(
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("application", "application__economy", "group")
        .prefetch_related("application__economy__names")
        .order_by("application__family_name", "application__given_names", "pk")
    )
    form = AssignForm(request.POST, participants=participants, groups=groups)
    if not form.is_valid():
        messages.error(request, _("Some choices were not valid groups; nothing was changed."))
        return _group_page(request, cohort, forms={"assign": form}, status=400)
    changes = form.changes()
    names = {group.pk: group.name for group in groups}
    with transaction.atomic():
        changed = []
        for participant, group_id in changes:
            before = participant.group_id
            participant.group_id = group_id
            changed.append(participant)
            audit.record(
                participant,
                "trainings.group_assign",
                request.user,
                before={"group": names.get(before) if before else None},
                after={"group": names.get(group_id) if group_id else None},
            )
        Participant.objects.bulk_update(changed, ["group"])
    if changes:
        messages.success(
            request,
            ngettext("%(count)d participant moved.", "%(count)d participants moved.", len(changes))
            % {"count": len(changes)},
        )
    else:
        messages.info(request, _("No group was changed."))
    return redirect(here)


# -- The organizers' overview -------------------------------------------------------------------


def _optional_url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@organizer_required
@require_safe
def manage_training(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    venue = pdfs.workshop_venue(cohort)
    workshop_zone = pdfs.programme_zone(cohort, venue).key
    activities = (
        Activity.objects.filter(stage__cohort=cohort)
        .select_related("group")
        .prefetch_related("translations")
        .annotate(n_speakers=Count("speakers", distinct=True))
        .order_by("starts_at", "due_at", "pk")
    )
    stages = {
        stage.kind: stage
        for stage in Stage.objects.filter(cohort=cohort).prefetch_related(
            "translations", Prefetch("activities", queryset=activities)
        )
    }
    stage_rows = []
    for kind in STAGE_ORDER:
        stage = stages.get(kind)
        rows = list(stage.activities.all()) if stage else []
        rows.sort(key=lambda a: (a.moment is None, a.moment or 0, a.pk))
        zone = workshop_zone if kind == StageKind.WORKSHOP else cohort.time_zone
        stage_rows.append(
            {
                "kind": kind,
                "stage": stage,
                "title": stage.display_title if stage else kind.label,
                "starts": stage.starts_on if stage else None,
                "ends": stage.ends_on if stage else None,
                "activities": rows,
                "zone": zone,
            }
        )
    participants = Participant.objects.active().filter(cohort=cohort)
    counts = participants.aggregate(
        total=Count("pk"), grouped=Count("pk", filter=Q(group__isnull=False))
    )
    session_count = sum(
        1
        for row in stage_rows
        if row["kind"] == StageKind.WORKSHOP
        for activity in row["activities"]
        if activity.kind in WORKSHOP_SESSION_KINDS
    )
    return render(
        request,
        "trainings/workshop/manage_training.html",
        {
            "cohort": cohort,
            "venue": venue,
            "workshop_zone": workshop_zone,
            "stage_rows": stage_rows,
            "participant_count": counts["total"],
            "grouped_count": counts["grouped"],
            "group_count": ParticipantGroup.objects.filter(cohort=cohort).count(),
            "session_count": session_count,
            "admin_url": _optional_url("wagtailadmin_home"),
        },
    )
