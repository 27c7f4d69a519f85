"""The resource library's working pages: the organizers' list of a cohort's resources (and of
the accepted work that may go to the library), the preparation of a resource from a
submission, the resource page (content, classification, translations, reviews, authors,
publication), and the authors' consent page.

Permission first (organizers of the resource's cohort; for the consent page only the
resource's authors, everyone else gets 404), then the method check. Every change goes through
``assessments.library`` or ``assessments.library_edit``; a refused step shows its reason.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aslp_site.core.http import method_not_allowed
from trainings.models import Participant

from .. import library, library_edit, permissions, submissions
from ..forms_library import (
    ConsentForm,
    ContentForm,
    MetadataForm,
    ReviewForm,
    TranslationsForm,
    WithdrawForm,
)
from ..library_pages import resource_path
from ..models import (
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceStatus,
    ReviewOutcome,
    Submission,
    SubmissionStatus,
)

WITH_POST = ("GET", "HEAD", "POST")


def _resource_url(cohort, resource) -> str:
    return reverse("assessments:manage_resource", kwargs={"slug": cohort.slug, "pk": resource.pk})


def review_state(resource: Resource, which: str, current: str) -> str:
    """``passed``, ``changes``, ``stale`` (for an earlier content) or ``none``."""
    outcome = getattr(resource, f"{which}_review")
    if not outcome:
        return "none"
    if outcome == ReviewOutcome.CHANGES:
        return "changes"
    return "passed" if library.review_is_current(resource, which, current) else "stale"


def consent_state(author: ResourceAuthor, current: str) -> str:
    """``given`` (for this content), ``stale``, ``refused`` or ``asked`` (not answered)."""
    if author.consent == ConsentState.GIVEN:
        return "given" if library.consent_is_current(author, current) else "stale"
    return author.consent


# -- The list ---------------------------------------------------------------------------------


@permissions.organizer_required
def manage_resources(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    resources = list(
        Resource.objects.filter(submission__assignment__activity__stage__cohort=cohort)
        .select_related("submission")
        .prefetch_related(
            "files",
            "topics",
            Prefetch("authors", queryset=ResourceAuthor.objects.order_by("sort_order", "pk")),
        )
        .order_by("status", "-updated_at", "-pk")
    )
    for resource in resources:
        current = library.fingerprint(resource)
        resource.content_state = review_state(resource, "content", current)
        resource.technical_state = review_state(resource, "technical", current)
        authors = list(resource.authors.all())
        resource.author_names = [author.credit_name for author in authors]
        resource.n_consents = sum(1 for a in authors if consent_state(a, current) == "given")
        resource.n_authors = len(authors)
        resource.n_missing = len(library.missing(resource))
    candidates = list(
        Submission.objects.filter(
            assignment__activity__stage__cohort=cohort,
            assignment__can_be_published=True,
            status=SubmissionStatus.ACCEPTED,
            resource__isnull=True,
        )
        .select_related(
            "assignment__activity", "participant__application", "participant__user", "group"
        )
        .prefetch_related("assignment__activity__translations")
        .order_by("assignment__activity__due_at", "assignment_id", "pk")
    )
    for row in candidates:
        row.owner = submissions.owner_name(row)
    return render(
        request,
        "assessments/library/manage_list.html",
        {
            "cohort": cohort,
            "resources": resources,
            "candidates": candidates,
            "statuses": ResourceStatus,
        },
    )


@permissions.organizer_required
def prepare_resource(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    submission = permissions.organizer_submission_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request, ("POST",)):
        return refused
    try:
        resource = library.prepare(submission, request.user)
    except library.LibraryRefused as error:
        messages.error(request, str(error))
        return redirect(
            reverse("assessments:manage_submission", kwargs={"slug": cohort.slug, "pk": pk})
        )
    messages.success(
        request,
        _(
            "The resource is prepared from the accepted version. Check its content, review it "
            "and ask the authors for their consent."
        ),
    )
    return redirect(_resource_url(cohort, resource))


# -- The resource page ------------------------------------------------------------------------


def _organizer_resource_or_404(user, cohort, pk: int) -> Resource:
    permissions.organizer_cohort_or_404(user, cohort.slug)
    return get_object_or_404(
        Resource.objects.select_related(
            "submission__assignment__activity",
            "submission__participant__application",
            "submission__participant__user",
            "submission__group",
            "version",
            "economy",
            "content_reviewed_by",
            "technical_reviewed_by",
            "published_by",
        ),
        pk=pk,
        submission__assignment__activity__stage__cohort=cohort,
    )


def _forms(resource: Resource, data=None, action: str = "") -> dict:
    """Every section's form; the one of ``action`` is bound to ``data``."""

    def bound(name):
        return data if action == name else None

    return {
        "content_form": ContentForm(bound("content"), resource=resource),
        "metadata_form": MetadataForm(bound("metadata"), resource=resource),
        "translations_form": TranslationsForm(bound("translations"), resource=resource),
        "content_review_form": ReviewForm(bound("review_content"), prefix="content"),
        "technical_review_form": ReviewForm(bound("review_technical"), prefix="technical"),
        "withdraw_form": WithdrawForm(bound("withdraw")),
    }


FORM_OF_ACTION = {
    "content": "content_form",
    "metadata": "metadata_form",
    "translations": "translations_form",
    "review_content": "content_review_form",
    "review_technical": "technical_review_form",
    "withdraw": "withdraw_form",
}


def _apply(request, resource: Resource, action: str, form) -> str:
    """Run ``action`` with the valid ``form``; the success message. May raise LibraryRefused."""
    user = request.user
    if action == "content":
        data = form.cleaned_data
        changed = library_edit.save_content(
            resource=resource,
            values={field: data[field] for field in library_edit.CONTENT},
            files=data["files"],
            actor=user,
        )
        if not changed:
            return _("Nothing was changed.")
        return _(
            "The content is saved. Reviews and consents given for the earlier content must be "
            "given again."
        )
    if action == "metadata":
        data = form.cleaned_data
        changed = library_edit.save_metadata(
            resource=resource,
            topics=data["topics"],
            school_level=data["school_level"],
            economy=data["economy"],
            actor=user,
        )
        return _("The classification is saved.") if changed else _("Nothing was changed.")
    if action == "translations":
        changed = library_edit.save_translations(resource=resource, pairs=form.pairs(), actor=user)
        return _("The translations are saved.") if changed else _("Nothing was changed.")
    if action in ("review_content", "review_technical"):
        which = action.removeprefix("review_")
        library.review(
            resource, which, form.cleaned_data["outcome"], form.cleaned_data["note"], user
        )
        if which == "content":
            return _("The content review is recorded.")
        return _("The technical review is recorded.")
    if action == "withdraw":
        library.withdraw(resource, user, form.cleaned_data["reason"])
        return _("The resource is withdrawn from the library.")
    raise ValueError(action)


@permissions.organizer_required
def manage_resource(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    resource = _organizer_resource_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request, WITH_POST):
        return refused
    status = 200
    refusal = ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = _forms(resource, request.POST if action else None, action)
    if request.method == "POST":
        try:
            if action == "publish":
                library.publish(resource, request.user)
                messages.success(request, _("The resource is published in the library."))
                return redirect(_resource_url(cohort, resource))
            if action == "ask_consent":
                count = library.ask_consent(resource, request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d author was asked for consent by e-mail.",
                        "%(count)d authors were asked for consent by e-mail.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(_resource_url(cohort, resource))
            if action not in FORM_OF_ACTION:
                refusal = _("This action is not known; nothing was changed.")
                status = 400
            else:
                form = forms[FORM_OF_ACTION[action]]
                if form.is_valid():
                    messages.success(request, _apply(request, resource, action, form))
                    return redirect(_resource_url(cohort, resource))
                status = 400
        except library.LibraryRefused as error:
            refusal = str(error)
            status = 409
        if status == 409:
            # the resource may have changed under the page (published, withdrawn...)
            resource = _organizer_resource_or_404(request.user, cohort, pk)
    return render(
        request,
        "assessments/library/manage_resource.html",
        _resource_context(cohort, resource, forms, action, refusal),
        status=status,
    )


def _resource_context(cohort, resource: Resource, forms: dict, action: str, refusal: str) -> dict:
    current = library.fingerprint(resource)
    authors = list(
        resource.authors.select_related("participant__application", "participant__user").order_by(
            "sort_order", "pk"
        )
    )
    for author in authors:
        author.state = consent_state(author, current)
    reviews = [
        {
            "which": which,
            "heading": _("Content review") if which == "content" else _("Technical review"),
            "state": review_state(resource, which, current),
            "outcome": getattr(resource, f"get_{which}_review_display")(),
            "note": getattr(resource, f"{which}_review_note"),
            "by": getattr(resource, f"{which}_reviewed_by"),
            "at": getattr(resource, f"{which}_reviewed_at"),
            "form": forms[f"{which}_review_form"],
            "action": f"review_{which}",
        }
        for which in library.REVIEWS
    ]
    published = resource.status == ResourceStatus.PUBLISHED
    return {
        "cohort": cohort,
        "resource": resource,
        "submission": resource.submission,
        "owner": submissions.owner_name(resource.submission),
        "missing": library.missing(resource),
        "is_published": published,
        "content_editable": library.content_editable(resource),
        "public_url": resource_path(resource) if published else "",
        "chosen_files": list(resource.files.order_by("pk")),
        "authors": authors,
        "reviews": reviews,
        "action": action,
        "refusal": refusal,
        "statuses": ResourceStatus,
        **forms,
    }


# -- The author's consent ---------------------------------------------------------------------


def _author_or_404(participant: Participant, pk: int) -> ResourceAuthor:
    return get_object_or_404(
        ResourceAuthor.objects.select_related(
            "resource", "resource__economy", "resource__submission"
        ),
        resource_id=pk,
        participant=participant,
        resource__submission__assignment__activity__stage__cohort_id=participant.cohort_id,
    )


@permissions.participant_required
def resource_consent(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    author = _author_or_404(participant, pk)
    if refused := method_not_allowed(request, WITH_POST):
        return refused
    resource = author.resource
    form = ConsentForm(request.POST or None, initial={"credit_name": author.credit_name})
    status = 200
    refusal = ""
    if request.method == "POST":
        if form.is_valid():
            was_published = resource.status == ResourceStatus.PUBLISHED
            try:
                library.answer_consent(
                    author, form.agrees, form.cleaned_data["credit_name"], request.user
                )
            except library.LibraryRefused as error:
                refusal = str(error)
                status = 409
            else:
                if form.agrees:
                    text = _("Thank you: your consent is recorded.")
                elif was_published:
                    text = _(
                        "Your consent is taken back: the resource is withdrawn from the library."
                    )
                else:
                    text = _("Your answer is recorded: the resource will not be published.")
                messages.success(request, text)
                return redirect(request.path)
        else:
            status = 400
        author = _author_or_404(participant, pk)
        resource = author.resource
    current = library.fingerprint(resource)
    published = resource.status == ResourceStatus.PUBLISHED
    return render(
        request,
        "assessments/library/consent.html",
        {
            "cohort": participant.cohort,
            "participant": participant,
            "author": author,
            "state": consent_state(author, current),
            "resource": resource,
            "files": list(resource.files.order_by("pk")),
            "co_authors": list(resource.authors.exclude(pk=author.pk).order_by("sort_order", "pk")),
            "is_published": published,
            "public_url": resource_path(resource) if published else "",
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )


def author_notice(participant: Participant, submission: Submission | None) -> dict | None:
    """For the participant's assignment page: their credit on the submission's resource."""
    if submission is None:
        return None
    author = (
        ResourceAuthor.objects.filter(resource__submission=submission, participant=participant)
        .select_related("resource")
        .first()
    )
    if author is None:
        return None
    resource = author.resource
    if resource.status == ResourceStatus.PREPARING and resource.consent_requested_at is None:
        return None  # the organizers are still preparing it: nothing is asked of the author yet
    if resource.status == ResourceStatus.PUBLISHED:
        state = "published"
    else:
        state = consent_state(author, library.fingerprint(resource))
    return {
        "state": state,
        "resource": resource,
        "url": reverse(
            "assessments:resource_consent",
            kwargs={"slug": participant.cohort.slug, "pk": resource.pk},
        ),
    }


__all__ = [
    "author_notice",
    "manage_resource",
    "manage_resources",
    "prepare_resource",
    "resource_consent",
]
