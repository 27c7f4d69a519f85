"""Organizers' pages: their cohorts, a cohort's figures and quotas, the applications list with
filters and bulk decisions, one application in full with its decision, and the exports.

Every page is for the cohort's organizers only (``organizer_required`` plus the ``*_or_404``
helpers of ``cohorts.permissions``); another cohort's pages answer 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import ModelLogEntry

from .. import alumni, audit, exports, permissions
from ..forms.selection import (
    FILTER_FIELDS,
    ApplicationFilterForm,
    BulkDecisionForm,
    DecisionForm,
)
from ..models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Cohort,
    Economy,
    EndorsementStatus,
    QuestionKind,
    ReviewAssignment,
)
from ..permissions import organizer_required
from ..selection import ALLOWED_FROM, SelectionError, decide, decide_many

PAGE_SIZE = 50
# What the applications list shows and sorts by: the long texts (essay, answers, comments) stay
# in the database, which keeps the sort of a large cohort narrow.
LIST_COLUMNS = (
    "cohort_id",
    "applicant__email",
    "status",
    "reference",
    "family_name",
    "given_names",
    "native_name",
    "position",
    "school_level",
    "economy",
    "endorsement",
    "coordinator_rank",
    "review_count",
    "score_mean",
    "score_spread",
    "waitlist_position",
    "submitted_at",
)

# The statuses organizers follow, in workflow order (drafts are counted apart).
SHOWN_STATUSES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.OFFER_EXPIRED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
]


def _status_counts(prefix: str = "") -> dict:
    """``Count`` annotations, one per shown status, plus the non-draft total."""
    field = f"{prefix}pk" if prefix else "pk"
    status = f"{prefix}status"
    counts = {
        f"n_{value}": Count(field, filter=Q(**{status: value}), distinct=bool(prefix))
        for value in SHOWN_STATUSES
    }
    counts["n_total"] = Count(
        field, filter=~Q(**{status: ApplicationStatus.DRAFT}), distinct=bool(prefix)
    )
    return counts


def _status_rows(obj_or_dict) -> list[dict]:
    """[{value, label, count}] for the shown statuses, from annotations or an aggregate."""
    get = obj_or_dict.get if isinstance(obj_or_dict, dict) else obj_or_dict.__dict__.get
    return [
        {"value": value, "label": value.label, "count": get(f"n_{value}") or 0}
        for value in SHOWN_STATUSES
    ]


def _admin_edit_url(cohort: Cohort) -> str:
    """The admin's edit screen of the cohort, or the admin's dashboard if none is registered."""
    for name in ("wagtailsnippets_cohorts_cohort:edit", "cohorts_cohort:edit", "cohort:edit"):
        try:
            return reverse(name, args=[cohort.pk])
        except NoReverseMatch:
            continue
    return reverse("wagtailadmin_home")


def _base_applications(cohort: Cohort) -> QuerySet[Application]:
    return Application.objects.filter(cohort=cohort).exclude(status=ApplicationStatus.DRAFT)


def _list_query(params: QueryDict, *, keep_page: bool = True) -> str:
    """The list's filters (and page) from ``params``, re-encoded; anything else is dropped."""
    kept = []
    for name in FILTER_FIELDS:
        value = params.get(name, "")
        if value:
            kept.append((name, value))
    page = params.get("page", "")
    if keep_page and page.isascii() and page.isdigit():
        kept.append(("page", page))
    return urlencode(kept)


# -- Home and cohort overview -----------------------------------------------------------------


@organizer_required
@require_safe
def manage_home(request):
    cohorts = (
        permissions.organizer_cohorts(request.user)
        .select_related("programme")
        .prefetch_related("translations", "programme__translations")
        .annotate(**_status_counts("applications__"))
        .order_by("-year", "title")
    )
    rows = [{"cohort": cohort, "statuses": _status_rows(cohort)} for cohort in cohorts]
    return render(
        request,
        "cohorts/manage/home.html",
        {"rows": rows, "statuses": SHOWN_STATUSES},
    )


@organizer_required
@require_safe
def manage_cohort(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    applications = Application.objects.filter(cohort=cohort)
    totals = applications.aggregate(
        **_status_counts(),
        n_drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        n_endorsed=Count(
            "pk",
            filter=Q(endorsement=EndorsementStatus.ENDORSED) & ~Q(status=ApplicationStatus.DRAFT),
        ),
    )
    by_economy = {
        row["economy_id"]: row
        for row in applications.exclude(status=ApplicationStatus.DRAFT)
        .values("economy_id")
        .annotate(
            submitted=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=ApplicationStatus.ACCEPTED)),
            confirmed=Count("pk", filter=Q(status=ApplicationStatus.CONFIRMED)),
            waitlisted=Count("pk", filter=Q(status=ApplicationStatus.WAITLISTED)),
            endorsed=Count("pk", filter=Q(endorsement=EndorsementStatus.ENDORSED)),
            total=Count("pk"),
        )
        .order_by()
    }
    quotas = list(cohort.quotas.select_related("economy").prefetch_related("economy__names"))
    empty = {"submitted": 0, "accepted": 0, "confirmed": 0, "waitlisted": 0, "endorsed": 0}
    quota_rows = []
    for quota in quotas:
        figures = by_economy.pop(quota.economy_id, None) or {**empty, "total": 0}
        quota_rows.append({"economy": quota.economy, "quota": quota, **figures})
    # Applicants of economies without a quota (they cannot be accepted until one is set).
    unquoted_ids = [pk for pk in by_economy if pk is not None]
    unquoted = Economy.objects.filter(pk__in=unquoted_ids).prefetch_related("names")
    for economy in unquoted:
        quota_rows.append({"economy": economy, "quota": None, **by_economy[economy.pk]})
    without_economy = by_economy.get(None)

    reviews = ReviewAssignment.objects.filter(application__cohort=cohort).aggregate(
        assigned=Count("pk"), done=Count("pk", filter=Q(submitted_at__isnull=False))
    )
    context = {
        "cohort": cohort,
        "statuses": _status_rows(totals),
        "totals": totals,
        "quota_rows": quota_rows,
        "without_economy": without_economy,
        "quota_totals": {
            "seats": sum(q.seats for q in quotas),
            "reserve": sum(q.reserve_places for q in quotas),
        },
        "reviews": reviews,
        "admin_url": _admin_edit_url(cohort),
        "seats_free": max(cohort.total_seats - cohort.accepted_count, 0),
    }
    return render(request, "cohorts/manage/cohort.html", context)


# -- Applications list ------------------------------------------------------------------------


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_applications(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if request.method == "POST":
        return _bulk_decide(request, cohort)

    form = ApplicationFilterForm(request.GET, cohort=cohort)
    applications = form.filter(
        _base_applications(cohort)
        .select_related("economy", "applicant")
        .only(*LIST_COLUMNS)
        .prefetch_related("economy__names")
    )
    paginator = Paginator(applications, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filters = _list_query(request.GET, keep_page=False)
    context = {
        "cohort": cohort,
        "form": form,
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filters": filters,
        "back": _list_query(request.GET),
        "decision_form": BulkDecisionForm(cohort=cohort),
    }
    return render(request, "cohorts/manage/applications.html", context)


_BULK_DONE = {
    ApplicationStatus.ACCEPTED: lambda n: ngettext(
        "%(count)d applicant accepted; the offer e-mail is on its way.",
        "%(count)d applicants accepted; the offer e-mails are on their way.",
        n,
    ),
    ApplicationStatus.WAITLISTED: lambda n: ngettext(
        "%(count)d applicant wait-listed; the e-mail is on its way.",
        "%(count)d applicants wait-listed; the e-mails are on their way.",
        n,
    ),
    ApplicationStatus.REJECTED: lambda n: ngettext(
        "%(count)d applicant marked as not selected; the e-mail is on its way.",
        "%(count)d applicants marked as not selected; the e-mails are on their way.",
        n,
    ),
}

_NOT_DONE = {
    ApplicationStatus.ACCEPTED: lambda: _("Not accepted: %(name)s — %(reason)s"),
    ApplicationStatus.WAITLISTED: lambda: _("Not wait-listed: %(name)s — %(reason)s"),
    ApplicationStatus.REJECTED: lambda: _("Not marked as not selected: %(name)s — %(reason)s"),
}


def _bulk_decide(request, cohort: Cohort):
    form = BulkDecisionForm(request.POST, cohort=cohort)
    back = _list_query(QueryDict(request.POST.get("back", "")[:2000]))
    target = reverse("cohorts:manage_applications", kwargs={"slug": cohort.slug})
    if back:
        target = f"{target}?{back}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(target)
    decision = form.cleaned_data["decision"]
    done, refused = decide_many(form.chosen(), decision, by=request.user)
    if done:
        messages.success(request, _BULK_DONE[decision](len(done)) % {"count": len(done)})
    for application, reason in refused:
        messages.error(
            request,
            _NOT_DONE[decision]() % {"name": application.display_name, "reason": reason},
        )
    return HttpResponseRedirect(target)


# -- One application --------------------------------------------------------------------------


_DONE_ONE = {
    ApplicationStatus.ACCEPTED: lambda: _("%(name)s accepted; the offer e-mail is on its way."),
    ApplicationStatus.WAITLISTED: lambda: _(
        "%(name)s wait-listed (position %(position)s); the e-mail is on its way."
    ),
    ApplicationStatus.REJECTED: lambda: _(
        "%(name)s marked as not selected; the e-mail is on its way."
    ),
}


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_application(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    application = permissions.organizer_application_or_404(request.user, cohort, pk)
    here = reverse("cohorts:manage_application", kwargs={"slug": cohort.slug, "pk": application.pk})

    if request.method == "POST":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose accept, wait-list or reject."))
            return redirect(here)
        decision = form.cleaned_data["decision"]
        try:
            decided = decide(application, decision, by=request.user)
        except SelectionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _DONE_ONE[decision]()
                % {"name": decided.display_name, "position": decided.waitlist_position},
            )
        return redirect(here)

    context = _application_context(application)
    context.update(alumni.person_before(request.user, application))
    return render(request, "cohorts/manage/application.html", context)


def _answer_text(question, value) -> str:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.YES_NO:
        if value in (True, "yes", "true", "True", "1"):
            return _("Yes")
        if value in (False, "no", "false", "False", "0"):
            return _("No")
    labels = dict(question.translated_choices())
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    return str(labels.get(value, value))


def _application_context(application: Application) -> dict:
    cohort = application.cohort
    files = list(
        ApplicationFile.objects.filter(application=application, is_current=True).order_by(
            "kind", "pk"
        )
    )
    questions = list(cohort.questions.prefetch_related("translations"))
    answers = []
    for question in questions:
        answers.append(
            {
                "question": question,
                "text": _answer_text(question, (application.answers or {}).get(str(question.pk))),
                "files": [f for f in files if f.question_id == question.pk],
            }
        )
    criteria = list(cohort.rubric.all())
    reviews = []
    for review in (
        ReviewAssignment.objects.filter(application=application)
        .select_related("reviewer")
        .prefetch_related("scores")
        .order_by("assigned_at", "pk")
    ):
        by_criterion = {score.criterion_id: score.value for score in review.scores.all()}
        reviews.append(
            {
                "review": review,
                "scores": [(criterion, by_criterion.get(criterion.pk)) for criterion in criteria],
            }
        )
    history = []
    for entry in ModelLogEntry.objects.for_instance(application).select_related("user"):
        data = entry.data or {}
        history.append(
            {
                "entry": entry,
                "before": _status_label((data.get("before") or {}).get("status")),
                "after": _status_label((data.get("after") or {}).get("status")),
            }
        )
    quota = None
    waitlisted = 0
    if application.economy_id:
        quota = cohort.quotas.filter(economy_id=application.economy_id).first()
        waitlisted = Application.objects.filter(
            cohort=cohort, economy_id=application.economy_id, status=ApplicationStatus.WAITLISTED
        ).count()
    try:
        logistics = application.logistics
    except Application.logistics.RelatedObjectDoesNotExist:
        logistics = None
    return {
        "cohort": cohort,
        "application": application,
        "files": [f for f in files if f.question_id is None],
        "answers": answers,
        "criteria": criteria,
        "reviews": reviews,
        "history": history,
        "quota": quota,
        "waitlisted": waitlisted,
        "logistics": logistics,
        "decisions": [
            (value, label)
            for value, label in DecisionForm.base_fields["decision"].choices
            if application.status in ALLOWED_FROM[value]
        ],
    }


def _status_label(value) -> str:
    if not value:
        return ""
    try:
        return ApplicationStatus(value).label
    except ValueError:
        return str(value)


# -- Exports ----------------------------------------------------------------------------------


EXPORTS = ("applications", "reviews")


@organizer_required
@require_safe
def manage_export(request, slug, what):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if what not in EXPORTS:
        raise Http404
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS:
        raise Http404
    form = ApplicationFilterForm(request.GET, cohort=cohort)
    applications = form.filter(_base_applications(cohort))
    if what == "applications":
        headers, rows = exports.application_table(cohort, applications)
    else:
        headers, rows = exports.review_table(cohort, applications)
    # The filters as understood (valid values only), for the audit entry.
    filters = {
        name: value.code if isinstance(value, Economy) else str(value)
        for name, value in form.values().items()
        if value not in (None, "")
    }
    audit.record(
        cohort,
        "cohorts.export",
        request.user,
        what=what,
        format=file_format,
        rows=len(rows),
        filters=filters,
    )
    return exports.download(cohort, what, file_format, headers, rows)
