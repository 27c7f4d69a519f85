"""Certificate staff's workspace in the Wagtail admin (``/admin/certificates/``).

* ``/admin/certificates/``: the cohorts the person may see, with their counts (valid, revoked,
  eligible participants not issued yet); also shown as a panel on the admin home page.
* ``/admin/certificates/<slug>/``: what would stop issuing (``issuing.problems``), who is
  eligible for which certificate, the bulk-issue form, the latest batch with a live progress bar
  (``.../batches/<id>/`` answers its state, polled every second while it runs), the cohort's
  certificates (filters, search, 50 a page) and the eligible participants without one.
* ``/admin/certificates/<slug>/<pk>/``: one certificate, its chain of re-issues, its PDF, and
  the re-issue (corrected details) and revoke forms.

**Who.** Every page: the cohort's organizers and certificate staff (``may_view_cohort``).
Every action (a POST, a PDF, the ZIP): certificate staff of the cohort and superusers
(``may_issue``); anyone else gets 404, organizers included. Wagtail's ``require_admin_access``
stands in front of all of it (anonymous people are sent to sign in).

**Batches.** A batch still "running" without progress for two minutes was interrupted (a killed
worker): it shows as such with a "Run again" button. Starting a new batch is always safe:
issuing skips whoever already has a certificate. A new batch is refused while one is under way.

**Queries.** A page's number of queries does not grow with the number of certificates or
participants: one ``completion.evaluate_cohort`` per page and plain lists of certificates.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from aslp_site.core.http import method_not_allowed
from cohorts import audit
from cohorts.models import Cohort

from . import completion, issuing, permissions
from .models import (
    CERTIFICATE_LANGUAGE_CHOICES,
    CERTIFICATE_LANGUAGE_NAMES,
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateDetails,
    CertificateKind,
    CertificateStatus,
)

NAMESPACE = "certificates_admin"
POST_ONLY = ("POST",)
PER_PAGE = 50


# -- Reads ----------------------------------------------------------------------------------------


def visible_cohorts(user) -> list[Cohort]:
    """The cohorts whose certificates the user may see (organizers and certificate staff)."""
    return [
        cohort
        for cohort in Cohort.objects.select_related("programme").order_by("-year", "title")
        if permissions.may_view_cohort(user, cohort)
    ]


def eligibility(cohort: Cohort) -> dict:
    """Each active participant's result and the certificate they are eligible for."""
    results = list(completion.evaluate_cohort(cohort).values())
    kinds = {result.participant.pk: issuing.eligible_kind(result) for result in results}
    return {"results": results, "kinds": kinds}


def holder_ids(cohort: Cohort) -> set[int]:
    """Participants of the cohort holding a current (valid or revoked) certificate."""
    return set(
        Certificate.objects.current()
        .filter(cohort=cohort, participant__isnull=False)
        .values_list("participant_id", flat=True)
    )


def cohort_rows(user, *, issuing_only: bool = False) -> list[dict]:
    """The index (and home panel) rows: each cohort with its counts."""
    cohorts = visible_cohorts(user)
    if issuing_only:
        cohorts = [cohort for cohort in cohorts if permissions.may_issue(user, cohort)]
    if not cohorts:
        return []
    counts = Counter()
    for row in (
        Certificate.objects.filter(cohort__in=cohorts)
        .values("cohort_id", "status")
        .annotate(number=Count("pk"))
    ):
        counts[(row["cohort_id"], row["status"])] = row["number"]
    holders: dict[int, set[int]] = {cohort.pk: set() for cohort in cohorts}
    for cohort_id, participant_id in (
        Certificate.objects.current()
        .filter(cohort__in=cohorts, participant__isnull=False)
        .values_list("cohort_id", "participant_id")
    ):
        holders[cohort_id].add(participant_id)
    rows = []
    for cohort in cohorts:
        kinds = eligibility(cohort)["kinds"]
        eligible = {pk for pk, kind in kinds.items() if kind}
        rows.append(
            {
                "cohort": cohort,
                "valid": counts[(cohort.pk, CertificateStatus.VALID)],
                "revoked": counts[(cohort.pk, CertificateStatus.REVOKED)],
                "eligible": len(eligible),
                "waiting": len(eligible - holders[cohort.pk]),
                "url": reverse(f"{NAMESPACE}:cohort", args=[cohort.slug]),
            }
        )
    return rows


def batch_state(batch: CertificateBatch) -> dict:
    """What the progress bar shows, for the page, the fragment and the JSON alike."""
    interrupted = issuing.is_interrupted(batch)
    return {
        "id": batch.pk,
        "status": "interrupted" if interrupted else batch.status,
        "status_label": _("Interrupted") if interrupted else str(batch.get_status_display()),
        "active": batch.is_active and not interrupted,
        "interrupted": interrupted,
        "total": batch.total,
        "processed": batch.processed,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
        "percent": batch.percent,
        "text": _("%(processed)s of %(total)s")
        % {
            "processed": batch.processed,
            "total": batch.total,
        },
        "errors": [
            {"name": str(error.get("name", "")), "error": str(error.get("error", ""))}
            for error in batch.errors or []
        ],
    }


# -- Forms ----------------------------------------------------------------------------------------


class IssueForm(forms.Form):
    include_speakers = forms.BooleanField(
        label=gettext_lazy("Include speakers’ certificates of appreciation"), required=False
    )
    send_email = forms.BooleanField(
        label=gettext_lazy("E-mail participants their certificate"), required=False, initial=True
    )


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *CertificateStatus.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any kind")), *CertificateKind.choices],
    )
    q = forms.CharField(label=gettext_lazy("Name or serial number"), required=False, max_length=100)

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "").strip()


class ReissueForm(forms.Form):
    prefix = "reissue"
    language = forms.ChoiceField(
        label=gettext_lazy("Certificate language"), choices=CERTIFICATE_LANGUAGE_CHOICES
    )
    single_language = forms.BooleanField(
        label=gettext_lazy("One language only"),
        required=False,
        help_text=gettext_lazy("Only the certificate language, without the English text."),
    )
    native_name = forms.CharField(
        label=gettext_lazy("Name in native script"), required=False, max_length=200
    )
    latin_name = forms.CharField(label=gettext_lazy("Name in Latin letters"), max_length=200)
    send_email = forms.BooleanField(
        label=gettext_lazy("E-mail the new certificate to the participant"),
        required=False,
        initial=True,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the re-issue"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the old certificate, e.g. “Family name misspelt”."),
    )

    HOLDER_FIELDS = ("language", "single_language", "native_name", "latin_name", "send_email")

    def __init__(self, *args, with_holder: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_holder:
            for name in self.HOLDER_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned_data = super().clean()
        for name, value in cleaned_data.items():
            if isinstance(value, str):
                if "\x00" in value:
                    self.add_error(name, _("This text contains a character that is not allowed."))
                else:
                    cleaned_data[name] = value.strip()
        return cleaned_data


class RevokeForm(forms.Form):
    prefix = "revoke"
    reason = forms.CharField(
        label=gettext_lazy("Reason for the revocation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown on the public verification page."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that a revoked certificate cannot be made valid again")
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if "\x00" in reason:
            raise forms.ValidationError(_("This text contains a character that is not allowed."))
        return reason.strip()


# -- Helpers --------------------------------------------------------------------------------------


def _crumbs(*items) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse(f"{NAMESPACE}:index"), "label": _("Certificates")},
        *({"url": url, "label": label} for url, label in items),
    ]


def _page(request, template: str, context: dict, *, title: str, crumbs, status: int = 200):
    context = {
        **context,
        "page_title": title,
        "header_title": title,
        "header_icon": "doc-full-inverse",
        "breadcrumbs_items": crumbs,
    }
    return render(request, f"assessments/certificates/admin/{template}", context, status=status)


def _cohort_url(cohort: Cohort) -> str:
    return reverse(f"{NAMESPACE}:cohort", args=[cohort.slug])


def _certificate_url(certificate: Certificate) -> str:
    return reverse(f"{NAMESPACE}:certificate", args=[certificate.cohort.slug, certificate.pk])


def _languages(certificate: Certificate) -> str:
    codes = certificate.languages or [certificate.language]
    return " + ".join(CERTIFICATE_LANGUAGE_NAMES.get(code, code) for code in codes)


def _viewable(request, slug: str) -> Cohort:
    return permissions.staff_cohort_or_404(request.user, slug)


# -- Pages ----------------------------------------------------------------------------------------


@never_cache
def index(request):
    if refused := method_not_allowed(request):
        return refused
    rows = cohort_rows(request.user)
    if not rows:
        raise Http404
    return _page(
        request,
        "index.html",
        {"rows": rows},
        title=_("Certificates"),
        crumbs=_crumbs()[:1] + [{"url": "", "label": _("Certificates")}],
    )


def _filtered_certificates(cohort: Cohort, filters: ListFilterForm):
    certificates = Certificate.objects.filter(cohort=cohort).order_by("serial")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            certificates = certificates.filter(status=data["status"])
        if data["kind"]:
            certificates = certificates.filter(kind=data["kind"])
        if data["q"]:
            term = data["q"]
            certificates = certificates.filter(
                Q(serial__icontains=term)
                | Q(holder_name__icontains=term)
                | Q(holder_name_latin__icontains=term)
            )
    return certificates


def _cohort_page(request, cohort: Cohort, *, issue_form=None, status=200):
    user = request.user
    can_issue = permissions.may_issue(user, cohort)
    found = eligibility(cohort)
    kinds = found["kinds"]
    holders = holder_ids(cohort)
    waiting = [
        {"participant": result.participant, "kind": kinds[result.participant.pk]}
        for result in found["results"]
        if kinds[result.participant.pk] and result.participant.pk not in holders
    ]
    kind_labels = dict(CertificateKind.choices)
    for row in waiting:
        row["kind_label"] = kind_labels.get(row["kind"], row["kind"])
    status_counts = Counter(
        dict(
            Certificate.objects.filter(cohort=cohort)
            .values_list("status")
            .annotate(number=Count("pk"))
            .values_list("status", "number")
        )
    )
    filters = ListFilterForm(request.GET or None)
    paginator = Paginator(_filtered_certificates(cohort, filters), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    for certificate in page.object_list:
        certificate.cohort = cohort
        certificate.url = _certificate_url(certificate)
        certificate.languages_text = _languages(certificate)
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    batch = CertificateBatch.objects.filter(cohort=cohort).first()
    context = {
        "cohort": cohort,
        "can_issue": can_issue,
        "problems": issuing.problems(cohort, found["results"]),
        "eligible_completion": sum(1 for kind in kinds.values() if kind == "completion"),
        "eligible_attendance": sum(1 for kind in kinds.values() if kind == "attendance"),
        "not_eligible": sum(1 for kind in kinds.values() if not kind),
        "count_valid": status_counts[CertificateStatus.VALID],
        "count_revoked": status_counts[CertificateStatus.REVOKED],
        "count_superseded": status_counts[CertificateStatus.SUPERSEDED],
        "waiting": waiting,
        "issue_form": (issue_form or IssueForm()) if can_issue else None,
        "batch": batch,
        "state": batch_state(batch) if batch else None,
        "batch_url": (reverse(f"{NAMESPACE}:batch", args=[cohort.slug, batch.pk]) if batch else ""),
        "filters": filters,
        "page": page,
        "paginator": paginator,
        "query": urlencode(query),
        "completion_url": reverse("assessments:completion_list", kwargs={"slug": cohort.slug}),
    }
    title = _("Certificates of %(cohort)s") % {"cohort": cohort.title}
    return _page(
        request, "cohort.html", context, title=title, crumbs=_crumbs(("", title)), status=status
    )


@never_cache
def cohort_page(request, slug):
    cohort = _viewable(request, slug)
    if refused := method_not_allowed(request):
        return refused
    return _cohort_page(request, cohort)


@never_cache
def batch_progress(request, slug, batch_id):
    """The batch's state: JSON (``?format=json`` or ``Accept: application/json``), else the
    progress fragment of the cohort page (what the page's script swaps in)."""
    cohort = _viewable(request, slug)
    if refused := method_not_allowed(request):
        return refused
    batch = CertificateBatch.objects.filter(cohort=cohort, pk=batch_id).first()
    if batch is None:
        raise Http404
    state = batch_state(batch)
    wants_json = request.GET.get("format") == "json" or "application/json" in request.headers.get(
        "Accept", ""
    )
    if wants_json:
        return JsonResponse(state)
    context = {
        "cohort": cohort,
        "batch": batch,
        "state": state,
        "batch_url": request.path,
        "can_issue": permissions.may_issue(request.user, cohort),
    }
    return render(request, "assessments/certificates/admin/_batch.html", context)


# -- Actions on a cohort (certificate staff) --------------------------------------------------


@never_cache
def start_batch(request, slug):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request, POST_ONLY):
        return refused
    form = IssueForm(request.POST)
    if not form.is_valid():
        return _cohort_page(request, cohort, issue_form=form, status=400)
    running = [
        batch
        for batch in CertificateBatch.objects.filter(
            cohort=cohort, status__in=(BatchStatus.QUEUED, BatchStatus.RUNNING)
        )
        if not issuing.is_interrupted(batch)
    ]
    if running:
        messages.warning(
            request, _("Certificates are already being issued; wait for that to finish.")
        )
        return redirect(_cohort_url(cohort))
    batch = issuing.start_batch(
        cohort,
        by=request.user,
        include_speakers=form.cleaned_data["include_speakers"],
        send_email=form.cleaned_data["send_email"],
    )
    batch.refresh_from_db()
    if batch.status == BatchStatus.FINISHED:
        messages.success(
            request,
            _(
                "Certificates issued: %(issued)s new, %(skipped)s already had one, "
                "%(failed)s failed."
            )
            % {"issued": batch.issued, "skipped": batch.skipped, "failed": batch.failed},
        )
    else:
        messages.success(request, _("Issuing started; the progress is shown below."))
    return redirect(f"{_cohort_url(cohort)}#batch-heading")


@never_cache
def issue_one(request, slug, pk):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    participant = permissions.staff_participant_or_404(cohort, pk)
    if refused := method_not_allowed(request, POST_ONLY):
        return refused
    try:
        certificate = issuing.issue_participant(participant, by=request.user)
    except issuing.IssueRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Certificate %(serial)s issued to %(name)s.")
            % {"serial": certificate.serial, "name": certificate.holder_name},
        )
    return redirect(_cohort_url(cohort))


@never_cache
def download_zip(request, slug):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    # Written to a temporary file (kept in memory while small), not built in memory: a
    # cohort of a thousand certificates is tens of megabytes.
    archive = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    count = issuing.write_zip(cohort, archive)
    archive.seek(0)
    audit.record(
        cohort, "assessments.certificate_download", request.user, what="zip", certificates=count
    )
    response = FileResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{cohort.slug}-certificates.zip"'
    return response


# -- One certificate --------------------------------------------------------------------------


def _reissue_form(certificate: Certificate, data=None) -> ReissueForm:
    participant = certificate.participant
    if participant is None:
        return ReissueForm(data, with_holder=False)
    holder = issuing.holder_for(participant)
    initial = {
        "language": holder.language,
        "single_language": holder.single_language,
        "native_name": holder.native_name,
        "latin_name": holder.latin_name,
        "send_email": True,
    }
    return ReissueForm(data, initial=initial)


def _certificate_page(request, cohort, certificate, *, reissue=None, revoke=None, status=200):
    can_issue = permissions.may_issue(request.user, cohort)
    certificate.cohort = cohort
    replaced_by = Certificate.objects.filter(replaces=certificate).first()
    if can_issue and certificate.is_valid:
        reissue = reissue or _reissue_form(certificate)
        revoke = revoke or RevokeForm()
    else:
        reissue = revoke = None
    context = {
        "cohort": cohort,
        "certificate": certificate,
        "languages_text": _languages(certificate),
        "replaces_url": _certificate_url(certificate.replaces) if certificate.replaces else "",
        "replaced_by": replaced_by,
        "replaced_by_url": _certificate_url(replaced_by) if replaced_by else "",
        "can_issue": can_issue,
        "reissue_form": reissue,
        "revoke_form": revoke,
        "verification_url": issuing.verification_url(certificate),
    }
    return _page(
        request,
        "certificate.html",
        context,
        title=_("Certificate %(serial)s") % {"serial": certificate.serial},
        crumbs=_crumbs((_cohort_url(cohort), cohort.title), ("", certificate.serial)),
        status=status,
    )


def _certificate(cohort: Cohort, pk: int) -> Certificate:
    certificate = permissions.staff_certificate_or_404(cohort, pk)
    if certificate.replaces is not None:
        certificate.replaces.cohort = cohort
    return certificate


@never_cache
def certificate_page(request, slug, pk):
    cohort = _viewable(request, slug)
    certificate = _certificate(cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    return _certificate_page(request, cohort, certificate)


@never_cache
def certificate_pdf(request, slug, pk):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    certificate = _certificate(cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    data = issuing.pdf_bytes(certificate)
    issuing.record_download(certificate, request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.serial}.pdf"'
    return response


@never_cache
def reissue(request, slug, pk):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    certificate = _certificate(cohort, pk)
    if refused := method_not_allowed(request, POST_ONLY):
        return refused
    if not certificate.is_valid:
        raise Http404
    form = _reissue_form(certificate, request.POST)
    if not form.is_valid():
        return _certificate_page(request, cohort, certificate, reissue=form, status=400)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            if certificate.participant is not None:
                CertificateDetails.objects.update_or_create(
                    participant=certificate.participant,
                    defaults={
                        "language": data["language"],
                        "single_language": data["single_language"],
                        "native_name": data["native_name"],
                        "latin_name": data["latin_name"],
                    },
                )
            new = issuing.reissue(
                certificate,
                by=request.user,
                reason=data["reason"],
                send_email=data.get("send_email", False),
            )
    except issuing.IssueRefused as refusal:
        form.add_error(None, str(refusal))
        return _certificate_page(request, cohort, certificate, reissue=form, status=400)
    messages.success(
        request,
        _("Re-issued as %(serial)s; %(old)s is now superseded.")
        % {"serial": new.serial, "old": certificate.serial},
    )
    new.cohort = cohort
    return redirect(_certificate_url(new))


@never_cache
def revoke(request, slug, pk):
    cohort = permissions.issuing_cohort_or_404(request.user, slug)
    certificate = _certificate(cohort, pk)
    if refused := method_not_allowed(request, POST_ONLY):
        return refused
    if not certificate.is_valid:
        raise Http404
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _certificate_page(request, cohort, certificate, revoke=form, status=400)
    issuing.revoke(certificate, by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
    return redirect(_certificate_url(certificate))


urlpatterns = [
    path("", index, name="index"),
    path("<slug:slug>/", cohort_page, name="cohort"),
    path("<slug:slug>/issue/", start_batch, name="start_batch"),
    path("<slug:slug>/zip/", download_zip, name="zip"),
    path("<slug:slug>/batches/<int:batch_id>/", batch_progress, name="batch"),
    path("<slug:slug>/participants/<int:pk>/issue/", issue_one, name="issue_one"),
    path("<slug:slug>/<int:pk>/", certificate_page, name="certificate"),
    path("<slug:slug>/<int:pk>/pdf/", certificate_pdf, name="pdf"),
    path("<slug:slug>/<int:pk>/reissue/", reissue, name="reissue"),
    path("<slug:slug>/<int:pk>/revoke/", revoke, name="revoke"),
]


def admin_urls():
    """For the ``register_admin_urls`` hook: everything under ``/admin/certificates/``."""
    return [path("certificates/", include((urlpatterns, NAMESPACE), namespace=NAMESPACE))]
