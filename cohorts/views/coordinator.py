"""Economy coordinators' pages, and the nominee's side of a nomination.

A coordinator sees the applicants of the economies they coordinate, and nothing else: every
lookup goes through ``cohorts.permissions`` (``coordinator_cohort_or_404``,
``coordinator_applications``, ``coordinator_application_or_404``), so another economy's
application, a draft or another cohort answers 404. They endorse or decline each applicant with a
comment, rank their candidates, and invite candidates by e-mail (a ``Nomination``); the nominee
accepts the invitation while signed in, which ties their application to the economy.
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import audit, permissions
from ..emails import absolute_url, send_message
from ..forms.coordinator import (
    EndorsementFilterForm,
    EndorsementForm,
    NominationForm,
    RankForm,
)
from ..models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Cohort,
    Economy,
    EconomyQuota,
    EndorsementStatus,
    FileKind,
    Nomination,
    QuestionKind,
)
from ..permissions import coordinator_required
from ..templatetags.cohorts_tags import format_moment

# A coordinator may endorse or change the endorsement while organizers have not decided.
ENDORSABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)
# Statuses that take no part in the ranking (a draft is never shown at all).
NOT_RANKED = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)


def _economies(user, cohort: Cohort) -> list[Economy]:
    """The economies the user coordinates in ``cohort``, once each, names prefetched."""
    unique = {economy.pk: economy for economy in permissions.coordinated_economies(user, cohort)}
    economies = sorted(unique.values(), key=lambda e: (e.sort_order, e.name))
    prefetch_related_objects(economies, "names")
    return economies


def _active(applications):
    return [a for a in applications if a.status not in NOT_RANKED]


# -- Home -------------------------------------------------------------------------------------


@coordinator_required
def coordinator_home(request):
    """The cohorts in which the person coordinates, with figures for their economies only."""
    user = request.user
    cohorts = list(
        permissions.coordinator_cohorts(user)
        .select_related("programme")
        .prefetch_related("translations", "programme__translations")
        .order_by("-opens_at", "pk")
    )
    economies_by_cohort = {
        cohort.pk: permissions.coordinated_economies(user, cohort) for cohort in cohorts
    }
    all_economies = {e.pk: e for group in economies_by_cohort.values() for e in group}
    prefetch_related_objects(list(all_economies.values()), "names")

    scope = Q(pk__in=[])
    for cohort in cohorts:
        ids = {e.pk for e in economies_by_cohort[cohort.pk]}
        if ids:
            scope |= Q(cohort_id=cohort.pk, economy_id__in=ids)
    active = ~Q(status=ApplicationStatus.WITHDRAWN)
    figures = {
        row["cohort_id"]: row
        for row in Application.objects.filter(scope)
        .exclude(status=ApplicationStatus.DRAFT)
        .values("cohort_id")
        .annotate(
            submitted=Count("pk", filter=active),
            endorsed=Count("pk", filter=active & Q(endorsement=EndorsementStatus.ENDORSED)),
            declined=Count("pk", filter=active & Q(endorsement=EndorsementStatus.DECLINED)),
            pending=Count("pk", filter=active & Q(endorsement=EndorsementStatus.PENDING)),
        )
        .order_by()
    }
    invited = dict(
        Nomination.objects.filter(scope)
        .values("cohort_id")
        .annotate(n=Count("pk"))
        .values_list("cohort_id", "n")
        .order_by()
    )
    now = timezone.now()
    rows = []
    for cohort in cohorts:
        counts = figures.get(cohort.pk, {})
        rows.append(
            {
                "cohort": cohort,
                "economies": sorted(
                    {e.pk: e for e in economies_by_cohort[cohort.pk]}.values(),
                    key=lambda e: (e.sort_order, e.name),
                ),
                "submitted": counts.get("submitted", 0),
                "endorsed": counts.get("endorsed", 0),
                "declined": counts.get("declined", 0),
                "pending": counts.get("pending", 0),
                "invited": invited.get(cohort.pk, 0),
                "accepting": cohort.is_accepting_applications(now),
            }
        )
    return render(request, "cohorts/coordinate/home.html", {"rows": rows})


# -- One cohort: the list and the ranking -----------------------------------------------------


def _cohort_applications(user, cohort: Cohort) -> list[Application]:
    """Every (non-draft) application of the user's economies in ``cohort``, in ranking order."""
    return list(
        permissions.coordinator_applications(user, cohort)
        .select_related("economy")
        .prefetch_related("economy__names")
        .order_by(F("coordinator_rank").asc(nulls_last=True), "family_name", "given_names", "pk")
    )


def _render_cohort(request, cohort: Cohort, *, rank_form: RankForm | None = None):
    user = request.user
    economies = _economies(user, cohort)
    applications = _cohort_applications(user, cohort)
    filter_form = EndorsementFilterForm(request.GET or request.POST or None)
    chosen = filter_form.cleaned_data["endorsement"] if filter_form.is_valid() else ""
    shown = [a for a in applications if not chosen or a.endorsement == chosen]
    active = _active(applications)
    if rank_form is None:
        rank_form = RankForm(active)
    rank_rows = rank_form.rows()
    rows = [{"application": a, "rank": rank_rows.get(a.pk)} for a in shown]
    counts = {
        "all": len(applications),
        **{
            value: sum(1 for a in applications if a.endorsement == value)
            for value in EndorsementStatus.values
        },
    }
    quotas = list(
        EconomyQuota.objects.filter(cohort=cohort, economy__in=[e.pk for e in economies])
        .select_related("economy")
        .order_by("economy__sort_order", "economy__name")
    )
    for quota in quotas:  # reuse the prefetched names
        quota.economy = next(e for e in economies if e.pk == quota.economy_id)
    context = {
        "cohort": cohort,
        "economies": economies,
        "several_economies": len(economies) > 1,
        "rows": rows,
        "counts": counts,
        "filter_form": filter_form,
        "chosen": chosen,
        "rank_form": rank_form,
        # Moving rows up and down renumbers every row, so it needs the whole list in view.
        "reorderable": not chosen and len(economies) == 1 and len(active) > 1,
        "quotas": quotas,
        "accepting": cohort.is_accepting_applications(),
    }
    return render(request, "cohorts/coordinate/cohort.html", context)


@coordinator_required
def coordinator_cohort(request, slug):
    cohort = permissions.coordinator_cohort_or_404(request.user, slug)
    return _render_cohort(request, cohort)


def _cohort_url(cohort: Cohort, chosen: str = "") -> str:
    url = reverse("cohorts:coordinator_cohort", kwargs={"slug": cohort.slug})
    return f"{url}?{urlencode({'endorsement': chosen})}" if chosen else url


@coordinator_required
def coordinator_rank(request, slug):
    """Save the coordinator's ranking of their candidates (POST from the cohort page)."""
    cohort = permissions.coordinator_cohort_or_404(request.user, slug)
    filter_form = EndorsementFilterForm(request.POST)
    chosen = filter_form.cleaned_data["endorsement"] if filter_form.is_valid() else ""
    if request.method != "POST":
        return HttpResponseRedirect(_cohort_url(cohort, chosen))
    codes = {e.pk: e.code for e in permissions.coordinated_economies(request.user, cohort)}
    with transaction.atomic():
        # Locked so that two coordinators of one economy cannot end with a shared rank.
        candidates = list(
            permissions.coordinator_applications(request.user, cohort)
            .exclude(status__in=NOT_RANKED)
            .select_for_update()
            .order_by("pk")
        )
        form = RankForm(candidates, request.POST)
        valid = form.is_valid()
        changed = []
        if valid:
            new_ranks = form.new_ranks()
            changed = [a for a in candidates if a.coordinator_rank != new_ranks[a.pk]]
        before = {str(a.pk): a.coordinator_rank for a in changed}
        for application in changed:
            application.coordinator_rank = new_ranks[application.pk]
        if changed:
            Application.objects.bulk_update(changed, ["coordinator_rank"])
            audit.record(
                cohort,
                "cohorts.rank",
                request.user,
                before=before,
                after={str(a.pk): a.coordinator_rank for a in changed},
                candidates={str(a.pk): a.display_name for a in changed},
                economies=sorted({codes[a.economy_id] for a in changed if a.economy_id}),
            )
    if not valid:
        return _render_cohort(request, cohort, rank_form=form)
    if changed:
        messages.success(
            request,
            ngettext(
                "Your ranking is saved (%(n)s candidate changed).",
                "Your ranking is saved (%(n)s candidates changed).",
                len(changed),
            )
            % {"n": len(changed)},
        )
    else:
        messages.info(request, _("Nothing changed in your ranking."))
    return HttpResponseRedirect(_cohort_url(cohort, chosen))


# -- One application: its content and the endorsement ----------------------------------------


def _answer_rows(application: Application, files: list[ApplicationFile]) -> list[dict]:
    """Each extra question of the cohort with the applicant's answer, in the form's order."""
    answers = application.answers if isinstance(application.answers, dict) else {}
    by_question = {f.question_id: f for f in files if f.kind == FileKind.ANSWER and f.question_id}
    rows = []
    for question in application.cohort.questions.prefetch_related("translations"):
        raw = answers.get(str(question.pk))
        row = {
            "question": question,
            "label": question.translated("label"),
            "text": "",
            "file": None,
        }
        if question.kind == QuestionKind.FILE:
            row["file"] = by_question.get(question.pk)
        elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            labels = dict(question.translated_choices())
            values = raw if isinstance(raw, list) else [raw]
            row["text"] = ", ".join(str(labels.get(v, v)) for v in values if v not in (None, ""))
        elif question.kind == QuestionKind.YES_NO:
            if raw in (True, "yes", "true", "1", 1):
                row["text"] = _("Yes")
            elif raw in (False, "no", "false", "0", 0):
                row["text"] = _("No")
        elif raw not in (None, ""):
            row["text"] = str(raw)
        rows.append(row)
    return rows


def _endorsement_state(application: Application) -> dict:
    return {
        "endorsement": application.endorsement,
        "endorsement_comment": application.endorsement_comment,
        "endorsed_by": application.endorsed_by,
        "endorsed_at": application.endorsed_at.isoformat() if application.endorsed_at else None,
    }


@coordinator_required
def coordinator_application(request, slug, pk):
    user = request.user
    cohort = permissions.coordinator_cohort_or_404(user, slug)
    application = permissions.coordinator_application_or_404(user, cohort, pk)
    application.cohort = cohort
    editable = application.status in ENDORSABLE
    form = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("The endorsement of this application can no longer change."))
            return redirect("cohorts:coordinator_application", slug=cohort.slug, pk=application.pk)
        form = EndorsementForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                locked = Application.objects.select_for_update().get(pk=application.pk)
                if locked.status not in ENDORSABLE:
                    transaction.set_rollback(True)
                    messages.error(
                        request,
                        _(
                            "The organizers decided on this application while you were writing; "
                            "the endorsement can no longer change."
                        ),
                    )
                    return redirect(
                        "cohorts:coordinator_application", slug=cohort.slug, pk=application.pk
                    )
                before = _endorsement_state(locked)
                locked.endorsement = form.cleaned_data["decision"]
                locked.endorsement_comment = form.cleaned_data["comment"]
                locked.endorsed_by = user
                locked.endorsed_at = timezone.now()
                locked.save(
                    update_fields=[
                        "endorsement",
                        "endorsement_comment",
                        "endorsed_by",
                        "endorsed_at",
                    ]
                )
                audit.record(
                    locked,
                    "cohorts.endorse",
                    user,
                    before=before,
                    after=_endorsement_state(locked),
                )
            if locked.endorsement == EndorsementStatus.ENDORSED:
                text = _("You endorsed %(name)s.")
            else:
                text = _("You declined to endorse %(name)s.")
            messages.success(request, text % {"name": locked.display_name})
            return redirect("cohorts:coordinator_cohort", slug=cohort.slug)
    elif editable:
        initial = {"comment": application.endorsement_comment}
        if application.endorsement != EndorsementStatus.PENDING:
            initial["decision"] = application.endorsement
        form = EndorsementForm(initial=initial)

    files = list(
        ApplicationFile.objects.filter(application=application, is_current=True)
        .select_related("question")
        .order_by("kind", "pk")
    )
    nomination = Nomination.objects.filter(application=application).first()
    context = {
        "cohort": cohort,
        "application": application,
        "economy_name": application.economy.localized_name() if application.economy else "",
        "form": form,
        "editable": editable,
        "cv_files": [f for f in files if f.kind == FileKind.CV],
        "letter_files": [f for f in files if f.kind == FileKind.ENDORSEMENT_LETTER],
        "answer_rows": _answer_rows(application, files),
        "nomination": nomination,
    }
    return render(request, "cohorts/coordinate/application.html", context)


# -- Nominations ------------------------------------------------------------------------------


def send_invitation(nomination: Nomination) -> None:
    """The "nomination" e-mail, in the invitation's language, with a link in that language."""
    cohort = nomination.cohort
    language = nomination.language
    with translation.override(language):
        path = reverse("cohorts:nomination_accept", kwargs={"token": nomination.token})
        closes = format_moment(cohort.closes_at, cohort.time_zone)
        values = {
            "name": nomination.name,
            "cohort": cohort.translated("title", language),
            "programme": cohort.programme.translated("title", language),
            "reference": "",
            "economy": nomination.economy.localized_name(language),
            "deadline": closes,
            "deadline_cohort_zone": closes,
            "link": absolute_url(path),
            "inviter": str(nomination.invited_by) if nomination.invited_by else "",
            "message": nomination.message,
        }
    send_message(
        "nomination",
        to=nomination.email,
        language=language,
        cohort=cohort,
        values=values,
        context={"nomination": nomination},
    )


def _nomination_state(nomination: Nomination) -> str:
    application = nomination.application
    if application is None:
        return "invited"
    if application.status == ApplicationStatus.DRAFT:
        return "started"
    return "submitted"


def _resend(request, cohort: Cohort, nominations: list[Nomination]):
    wanted = request.POST.get("resend", "")
    nomination = next((n for n in nominations if str(n.pk) == wanted), None)
    if nomination is None:
        raise Http404
    if _nomination_state(nomination) == "submitted":
        messages.error(
            request,
            _("%(name)s has already submitted an application; there is nothing to resend.")
            % {"name": nomination.name},
        )
    else:
        with transaction.atomic():
            send_invitation(nomination)
            audit.record(
                nomination,
                "cohorts.nominate",
                request.user,
                resent=True,
                email=nomination.email,
                economy=nomination.economy.code,
            )
        messages.success(
            request,
            _("The invitation was sent again to %(email)s.") % {"email": nomination.email},
        )
    return redirect("cohorts:coordinator_nominate", slug=cohort.slug)


@coordinator_required
def coordinator_nominate(request, slug):
    user = request.user
    cohort = permissions.coordinator_cohort_or_404(user, slug)
    economies = _economies(user, cohort)
    economy_ids = [e.pk for e in economies]
    accepting = cohort.is_accepting_applications()
    nominations = list(
        Nomination.objects.filter(cohort=cohort, economy_id__in=economy_ids)
        .select_related("application", "invited_by")
        .order_by("-created_at", "-pk")
    )
    by_id = {e.pk: e for e in economies}
    for nomination in nominations:
        nomination.economy = by_id[nomination.economy_id]
        nomination.state = _nomination_state(nomination)

    form = None
    if request.method == "POST" and not accepting:
        messages.error(
            request,
            _("This cohort is not accepting applications, so no invitation can be sent."),
        )
        return redirect("cohorts:coordinator_nominate", slug=cohort.slug)
    if accepting:
        choices = Economy.objects.filter(pk__in=economy_ids).prefetch_related("names")
        if request.method == "POST" and "resend" in request.POST:
            return _resend(request, cohort, nominations)
        if request.method == "POST":
            form = NominationForm(request.POST, cohort=cohort, economies=choices)
            if form.is_valid():
                nomination = form.save(commit=False)
                nomination.cohort = cohort
                nomination.invited_by = user
                try:
                    with transaction.atomic():
                        nomination.save()
                        audit.record(
                            nomination,
                            "cohorts.nominate",
                            user,
                            email=nomination.email,
                            name=nomination.name,
                            economy=nomination.economy.code,
                            language=nomination.language,
                        )
                        send_invitation(nomination)
                except IntegrityError:
                    form.add_error(
                        "email",
                        _("%(email)s was already invited to this cohort.")
                        % {"email": nomination.email},
                    )
                else:
                    messages.success(
                        request,
                        _("The invitation to %(name)s was sent to %(email)s.")
                        % {"name": nomination.name, "email": nomination.email},
                    )
                    return redirect("cohorts:coordinator_nominate", slug=cohort.slug)
        else:
            language = translation.get_language() or "en"
            form = NominationForm(
                cohort=cohort, economies=choices, initial={"language": language.split("-")[0]}
            )
    context = {
        "cohort": cohort,
        "economies": economies,
        "form": form,
        "accepting": accepting,
        "nominations": nominations,
    }
    return render(request, "cohorts/coordinate/nominate.html", context)


def _acceptance_problem(nomination: Nomination, own: Application | None, user) -> str:
    """Why this person cannot accept this invitation now ('' when they can)."""
    cohort = nomination.cohort
    linked = nomination.application
    if linked is not None and linked.applicant_id != user.pk:
        return _(
            "This invitation has already been used by another person. If you were invited too, "
            "ask the coordinator for an invitation of your own."
        )
    if linked is not None:
        return ""  # already theirs: they may carry on
    if not cohort.is_accepting_applications():
        return _("This cohort is not accepting applications any more, so the invitation expired.")
    if own is not None and own.status != ApplicationStatus.DRAFT:
        if own.economy_id != nomination.economy_id:
            return _(
                "You have already submitted an application to this cohort as a candidate from "
                "%(own)s. The invitation is for %(invited)s, and an application belongs to one "
                "economy only. If you should apply for %(invited)s, contact the coordinator who "
                "invited you."
            ) % {
                "own": own.economy.localized_name() if own.economy else _("no economy"),
                "invited": nomination.economy.localized_name(),
            }
        if own.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED):
            return _("The organizers have already decided on your application to this cohort.")
    if own is not None:
        other = Nomination.objects.filter(application=own).exclude(pk=nomination.pk).first()
        if other is not None:
            return _(
                "Your application to this cohort is already linked to another invitation (for "
                "%(economy)s)."
            ) % {"economy": other.economy.localized_name()}
    return ""


def _link(nomination: Nomination, user) -> Application | str:
    """Tie the user's application to the nomination; the application, or why it cannot be."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cohort", "economy", "invited_by")
            .get(pk=nomination.pk)
        )
        nomination.application = (
            Application.objects.filter(pk=nomination.application_id).first()
            if nomination.application_id
            else None
        )
        cohort = nomination.cohort
        own = (
            Application.objects.select_for_update(of=("self",))
            .filter(cohort=cohort, applicant=user)
            .select_related("economy")
            .first()
        )
        problem = _acceptance_problem(nomination, own, user)
        if problem:
            return problem
        if nomination.application is not None:
            return nomination.application
        before = (
            {"economy": own.economy, "nominated_by": own.nominated_by} if own is not None else {}
        )
        if own is None:
            own = Application.objects.create(
                cohort=cohort,
                applicant=user,
                status=ApplicationStatus.DRAFT,
                economy=nomination.economy,
                nominated_by=nomination.invited_by,
                preferred_language=user.preferred_language or nomination.language,
                time_zone=user.time_zone,
            )
        else:
            own.economy = nomination.economy
            own.nominated_by = nomination.invited_by
            own.save(update_fields=["economy", "nominated_by", "updated_at"])
        nomination.application = own
        nomination.save(update_fields=["application"])
        audit.record(
            own,
            "cohorts.nomination_accept",
            user,
            before=before,
            after={"economy": own.economy, "nominated_by": own.nominated_by},
            nomination=nomination.pk,
        )
        return own


@permissions.signed_in
def nomination_accept(request, token):
    if "\x00" in token or len(token) > 64:
        raise Http404
    nomination = get_object_or_404(
        Nomination.objects.select_related(
            "cohort", "cohort__programme", "economy", "invited_by", "application"
        ),
        token=token,
    )
    user = request.user
    cohort = nomination.cohort
    if request.method == "POST":
        result = _link(nomination, user)
        if isinstance(result, Application):
            messages.success(
                request,
                _(
                    "Your application is linked to the invitation for %(economy)s. "
                    "Fill it in and submit it before the deadline."
                )
                % {"economy": nomination.economy.localized_name()},
            )
            return redirect("cohorts:apply", slug=cohort.slug)
        messages.error(request, result)
        return redirect("cohorts:nomination_accept", token=nomination.token)

    own = (
        Application.objects.filter(cohort=cohort, applicant=user).select_related("economy").first()
    )
    problem = _acceptance_problem(nomination, own, user)
    context = {
        "nomination": nomination,
        "cohort": cohort,
        "economy_name": nomination.economy.localized_name(),
        "problem": problem,
        "already_linked": nomination.application is not None
        and nomination.application.applicant_id == user.pk,
        "own": own,
        "economy_changes": bool(
            own is not None
            and own.status == ApplicationStatus.DRAFT
            and own.economy_id
            and own.economy_id != nomination.economy_id
        ),
        "other_address": nomination.email.lower() != user.email.lower(),
    }
    return render(request, "cohorts/coordinate/nomination_accept.html", context)
