"""The applicant's pages: their applications, the application form (with autosave and immediate
uploads), withdrawal, the status page and file downloads.

An applicant only ever reaches their own application: it is found by the cohort in the URL and
the signed-in person, never by an id. Whether it may still change is decided here, on the
server, at the moment of the request (R6): open cohort, ``opens_at <= now < closes_at``, and a
draft or submitted application. Anything else is refused and nothing changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aslp_site.core.uploads import check_upload, save_checked_upload

from .. import audit, permissions
from ..emails import language_for, send_application_message, zone_for
from ..forms.application import (
    ANSWER_FILE_KINDS,
    CV_KINDS,
    LETTER_KINDS,
    TEXT_FIELDS,
    ApplicationForm,
    count_words,
    question_field_name,
    question_slot,
)
from ..models import (
    Application,
    ApplicationFile,
    ApplicationQuestion,
    ApplicationStatus,
    Cohort,
    CohortStatus,
    FileKind,
    QuestionKind,
)
from ..permissions import signed_in
from ..templatetags.cohorts_tags import format_moment

EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
WITHDRAWABLE_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.WAITLISTED,
)


# -- Finding things ----------------------------------------------------------------------------


def _cohort_or_404(slug: str) -> Cohort:
    """A cohort people may apply to or read about (drafts are invisible)."""
    return get_object_or_404(
        Cohort.objects.select_related("programme")
        .prefetch_related("translations")
        .exclude(status=CohortStatus.DRAFT),
        slug=slug,
    )


def _own_application(user, cohort: Cohort) -> Application | None:
    return (
        Application.objects.filter(cohort=cohort, applicant=user)
        .select_related("economy", "applicant")
        .first()
    )


def _questions(cohort: Cohort) -> list[ApplicationQuestion]:
    return list(
        ApplicationQuestion.objects.filter(cohort=cohort)
        .prefetch_related("translations")
        .order_by("sort_order", "pk")
    )


def _current_files(application: Application | None) -> dict[str, ApplicationFile]:
    """The current file of each slot (``cv``, ``endorsement_letter``, ``question-<id>``)."""
    if application is None or application.pk is None:
        return {}
    found = {}
    for upload in application.files.filter(is_current=True).order_by("uploaded_at"):
        found[_slot_of(upload)] = upload
    return found


def _slot_of(upload: ApplicationFile) -> str:
    if upload.kind == FileKind.ANSWER:
        return f"question-{upload.question_id}"
    return upload.kind


def _stored_slots(application: Application) -> set[tuple[str, int | None]]:
    return set(
        application.files.filter(is_current=True).values_list("kind", "question_id").distinct()
    )


# -- May it change? ---------------------------------------------------------------------------


def _both_zones(moment, user, cohort: Cohort) -> str:
    """A moment in the reader's zone, followed by the cohort's when they differ."""
    reader = getattr(user, "time_zone", "") or cohort.time_zone
    if reader == cohort.time_zone:
        return format_moment(moment, cohort.time_zone)
    return _("%(reader)s, that is %(cohort)s") % {
        "reader": format_moment(moment, reader),
        "cohort": format_moment(moment, cohort.time_zone),
    }


def _refusal(cohort: Cohort, application: Application | None, user, now) -> tuple[int, str] | None:
    """(HTTP status, message) when the application may not change now, else None.

    403 once the window is over (or not yet open); 409 when the application's own status does
    not allow changes (it was withdrawn or decided).
    """
    title = cohort.translated("title")
    if not cohort.is_accepting_applications(now):
        if cohort.status == CohortStatus.OPEN and now < cohort.opens_at:
            message = _("Applications to %(cohort)s open on %(moment)s.") % {
                "cohort": title,
                "moment": _both_zones(cohort.opens_at, user, cohort),
            }
        else:
            message = _(
                "The deadline of %(cohort)s passed on %(moment)s. Applications can no longer be "
                "started or changed; nothing was saved."
            ) % {"cohort": title, "moment": _both_zones(cohort.closes_at, user, cohort)}
        return 403, message
    if application is not None and application.status not in EDITABLE_STATUSES:
        message = _(
            "Your application is “%(status)s” and can no longer be changed; nothing was saved."
        ) % {"status": application.get_status_display()}
        return 409, message
    return None


def _locked_application(cohort: Cohort, user) -> Application:
    """The person's application, created as a draft if needed, locked for this transaction."""
    application, _created = Application.objects.get_or_create(
        cohort=cohort,
        applicant=user,
        defaults={
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
        },
    )
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("cohort", "cohort__programme", "economy", "applicant")
        .get(pk=application.pk)
    )


# -- Saving ------------------------------------------------------------------------------------


def _store_file(application: Application, kind: str, question_id, upload) -> ApplicationFile:
    """Keep an accepted upload (``upload.checked`` from the validator) under a generated name.

    The slot's previous file stays, marked not current. Call inside a transaction that holds
    the application's row lock.
    """
    ApplicationFile.objects.filter(
        application=application, kind=kind, question_id=question_id, is_current=True
    ).update(is_current=False)
    row = ApplicationFile(application=application, kind=kind, question_id=question_id)
    return save_checked_upload(row, upload, "upload")


def _apply_values(application: Application, values: dict, answers: dict) -> None:
    for name, value in values.items():
        setattr(application, name, value)
    if answers:
        merged = dict(application.answers or {})
        merged.update(answers)
        application.answers = merged


def _submit(application: Application, user, now, *, resubmission: bool) -> None:
    before = {"status": application.status, "submitted_at": application.submitted_at}
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    if not application.reference:
        application.reference = f"{application.cohort.reference_prefix}-{application.pk:05d}"
    application.save()
    files = list(
        application.files.filter(is_current=True)
        .select_related("question")
        .order_by("kind", "question__sort_order", "pk")
    )
    audit.record(
        application,
        "cohorts.submit",
        user,
        before=before,
        after={
            "status": application.status,
            "submitted_at": application.submitted_at,
            "reference": application.reference,
        },
        resubmission=resubmission,
        files=[{"name": f.original_name, "sha256": f.sha256, "size": f.size} for f in files],
    )
    _send_receipt(application, files, resubmission=resubmission)


def _send_receipt(application: Application, files, *, resubmission: bool) -> None:
    cohort = application.cohort
    language = language_for(application)
    reader_zone = zone_for(application)
    with translation.override(language):
        rows = []
        for upload in files:
            if upload.kind == FileKind.ANSWER and upload.question is not None:
                what = upload.question.translated("label", language)
            else:
                what = str(FileKind(upload.kind).label)
            rows.append(
                {
                    "what": what,
                    "name": upload.original_name,
                    "size": filesizeformat(upload.size),
                    "sha256": upload.sha256,
                }
            )
        context = {
            "submitted": format_moment(application.submitted_at, reader_zone),
            "submitted_cohort_zone": format_moment(application.submitted_at, cohort.time_zone),
            "files": rows,
            "resubmission": resubmission,
        }
    send_application_message("receipt", application, context=context)


# -- Page helpers ------------------------------------------------------------------------------


def _display_answer(question: ApplicationQuestion, value) -> str:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.YES_NO:
        return _("Yes") if value == "yes" else _("No")
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        labels = dict(question.translated_choices())
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) for v in values)
    return str(value)


def _answer_rows(application, questions, files) -> list[dict]:
    rows = []
    answers = application.answers if application else {}
    for question in questions:
        row = {"question": question, "label": question.translated("label")}
        if question.kind == QuestionKind.FILE:
            row["file"] = files.get(question_slot(question))
        else:
            row["text"] = _display_answer(question, (answers or {}).get(str(question.pk)))
        rows.append(row)
    return rows


def _login_url(request) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"


def _unsaved_text(form: ApplicationForm, application: Application | None) -> list[tuple]:
    """(label, typed text) of posted text that differs from what is stored (for refusals)."""
    rows = []
    for name in TEXT_FIELDS:
        field = form.fields[name]
        if name == "economy" or form.add_prefix(name) not in form.data:
            continue
        typed = form.data.get(form.add_prefix(name), "")
        stored = getattr(application, name, "") if application else ""
        if typed and str(typed).strip() and str(typed) != str(stored or ""):
            rows.append((field.label, typed))
    for question in form.questions:
        name = question_field_name(question)
        if question.kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
            typed = form.data.get(form.add_prefix(name), "")
            stored = (application.answers or {}).get(str(question.pk), "") if application else ""
            if typed and typed.strip() and typed != stored:
                rows.append((form.fields[name].label, typed))
    return rows


def _just_saved(request, cohort: Cohort) -> bool:
    """Whether the form was saved or submitted just before (the browser's copy can go)."""
    return request.session.pop("application_saved", None) == cohort.slug


def _render_apply(request, cohort, application, form, questions, now, *, status=200, **extra):
    refusal = _refusal(cohort, application, request.user, now)
    files = _current_files(application)
    file_rows = []
    for name, slot, _question_id in form.file_slots():
        file_rows.append({"field": form[name], "slot": slot, "current": files.get(slot)})
    essay = form["motivation"].value() or ""
    context = {
        "cohort": cohort,
        "application": application,
        "form": form,
        "editable": refusal is None,
        "refusal_message": refusal[1] if refusal else "",
        "not_open_yet": cohort.status == CohortStatus.OPEN and now < cohort.opens_at,
        "is_submitted": application is not None
        and application.status == ApplicationStatus.SUBMITTED,
        "file_rows": {row["slot"]: row for row in file_rows},
        "question_rows": [
            {
                "question": q,
                "field": form[question_field_name(q)],
                "slot": question_slot(q),
                "current": files.get(question_slot(q)),
            }
            for q in questions
        ],
        "answer_rows": _answer_rows(application, questions, files) if application else [],
        "files": files,
        "word_count": count_words(essay),
        "storage_key": f"aslp-application:{request.user.pk}:{cohort.slug}",
        "updated_at": application.updated_at.isoformat() if application else "",
        "login_url": _login_url(request),
        "clear_local": _just_saved(request, cohort),
        "now": now,
        **extra,
    }
    return render(request, "cohorts/apply/form.html", context, status=status)


# -- Views -------------------------------------------------------------------------------------


@signed_in
@require_GET
def my_applications(request):
    now = timezone.now()
    cohort_translations = Prefetch("cohort__translations")
    applications = list(
        Application.objects.filter(applicant=request.user)
        .select_related("cohort", "cohort__programme")
        .prefetch_related(cohort_translations)
        .order_by("-cohort__closes_at", "pk")
    )
    open_calls = list(
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=now, closes_at__gt=now)
        .exclude(applications__applicant=request.user)
        .select_related("programme")
        .prefetch_related("translations")
        .order_by("closes_at", "pk")
    )
    rows = []
    for application in applications:
        rows.append(
            {
                "application": application,
                "cohort": application.cohort,
                "editable": application.status in EDITABLE_STATUSES
                and application.cohort.is_accepting_applications(now),
            }
        )
    return render(
        request,
        "cohorts/apply/my_applications.html",
        {"rows": rows, "open_calls": open_calls, "now": now},
    )


@signed_in
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    now = timezone.now()
    cohort = _cohort_or_404(slug)
    application = _own_application(request.user, cohort)
    questions = _questions(cohort)
    if request.method != "POST":
        form = ApplicationForm(
            cohort=cohort, application=application, questions=questions, user=request.user
        )
        return _render_apply(request, cohort, application, form, questions, now)

    form = ApplicationForm(
        request.POST,
        request.FILES,
        cohort=cohort,
        application=application,
        questions=questions,
        user=request.user,
    )

    def refused(refusal, application):
        """The form again, with the reason and what was typed; nothing stored."""
        status, message = refusal
        messages.error(request, message)
        return _render_apply(
            request,
            cohort,
            application,
            form,
            questions,
            now,
            status=status,
            unsaved=_unsaved_text(form, application),
        )

    refusal = _refusal(cohort, application, request.user, now)
    if refusal is not None:
        return refused(refusal, application)

    action = request.POST.get("action")
    form.is_valid()
    submitted = False
    with transaction.atomic():
        application = _locked_application(cohort, request.user)
        refusal = _refusal(cohort, application, request.user, now)
        if refusal is None:
            for kind, question_id, upload in form.uploads():
                _store_file(application, kind, question_id, upload)
            was_submitted = application.status == ApplicationStatus.SUBMITTED
            if not was_submitted:
                values, answers = form.draft_values()
                _apply_values(application, values, answers)
                application.save()
            if action == "submit" or was_submitted:
                form.check_complete(_stored_slots(application))
                if not form.errors:
                    if was_submitted:
                        values, answers = form.draft_values()
                        _apply_values(application, values, answers)
                    _submit(application, request.user, now, resubmission=was_submitted)
                    submitted = True
    if refusal is not None:
        return refused(refusal, application)
    if submitted or not form.errors:
        request.session["application_saved"] = cohort.slug
    if submitted:
        messages.success(
            request,
            _(
                "Your application is submitted. Your reference is %(reference)s; a receipt is on "
                "its way to %(email)s."
            )
            % {"reference": application.reference, "email": request.user.email},
        )
        return redirect("cohorts:status", slug=cohort.slug)
    if not form.errors:
        messages.success(
            request,
            _("Draft saved at %(moment)s.")
            % {"moment": format_moment(application.updated_at, request.user.time_zone)},
        )
        return redirect("cohorts:apply", slug=cohort.slug)
    # Errors: show the form again with everything typed. A draft has kept what could be kept.
    if application.status == ApplicationStatus.SUBMITTED:
        notice = _(
            "Your changes were not saved: your submitted application stays as it was until the "
            "problems below are fixed. Files you chose were kept."
        )
    elif action == "submit":
        notice = _(
            "Your application is not submitted yet. What you typed was saved as a draft; fix the "
            "problems below and submit again."
        )
    else:
        notice = _("Your draft was saved, except the answers marked below.")
    return _render_apply(
        request,
        cohort,
        application,
        form,
        questions,
        now,
        notice=notice,
        unsaved_form=application.status == ApplicationStatus.SUBMITTED,
    )


def _json_refusal(refusal) -> JsonResponse:
    status, message = refusal
    return JsonResponse(
        {"saved": False, "editable": False, "message": message},
        status=status,
    )


@signed_in
@require_POST
def autosave(request, slug):
    """Keep the typed text and choices of the form (not files); answers JSON."""
    now = timezone.now()
    cohort = _cohort_or_404(slug)
    application = _own_application(request.user, cohort)
    refusal = _refusal(cohort, application, request.user, now)
    if refusal is not None:
        return _json_refusal(refusal)
    if application is not None and application.status == ApplicationStatus.SUBMITTED:
        return JsonResponse(
            {
                "saved": False,
                "editable": True,
                "submitted": True,
                "message": _(
                    "Your application is submitted: press “Submit changes” to update it. What "
                    "you type is kept in this browser until then."
                ),
            },
            status=409,
        )
    questions = _questions(cohort)
    form = ApplicationForm(
        request.POST, cohort=cohort, application=application, questions=questions
    )
    form.is_valid()
    with transaction.atomic():
        application = _locked_application(cohort, request.user)
        refusal = _refusal(cohort, application, request.user, now)
        if refusal is None and application.status == ApplicationStatus.DRAFT:
            values, answers = form.draft_values()
            _apply_values(application, values, answers)
            application.save()
    if refusal is not None:
        return _json_refusal(refusal)
    if application.status != ApplicationStatus.DRAFT:
        return JsonResponse({"saved": False, "editable": True, "submitted": True}, status=409)
    errors = {name: [str(text) for text in texts] for name, texts in form.errors.items()}
    return JsonResponse(
        {
            "saved": True,
            "saved_at": application.updated_at.isoformat(),
            "updated_at": application.updated_at.isoformat(),
            "status": application.status,
            "errors": errors,
        }
    )


def _slot_kinds(cohort: Cohort, slot: str):
    """(file kind, question id, accepted kinds) of an upload slot, or None if unknown."""
    if slot == "cv":
        return FileKind.CV, None, CV_KINDS
    if slot == "endorsement_letter":
        return FileKind.ENDORSEMENT_LETTER, None, LETTER_KINDS
    prefix, _sep, number = slot.partition("-")
    if prefix == "question" and number.isdigit() and len(number) < 12:
        question = ApplicationQuestion.objects.filter(
            cohort=cohort, pk=int(number), kind=QuestionKind.FILE
        ).first()
        if question is not None:
            return FileKind.ANSWER, question.pk, ANSWER_FILE_KINDS
    return None


@signed_in
@require_POST
def upload_file(request, slug):
    """Keep one file at once (``slot`` and ``file``); answers JSON with its name and hash."""
    now = timezone.now()
    cohort = _cohort_or_404(slug)
    application = _own_application(request.user, cohort)
    refusal = _refusal(cohort, application, request.user, now)
    if refusal is not None:
        return JsonResponse({"error": refusal[1], "editable": False}, status=refusal[0])
    slot = request.POST.get("slot", "")
    found = _slot_kinds(cohort, slot)
    if found is None:
        return JsonResponse({"error": _("This form has no such file field.")}, status=400)
    kind, question_id, kinds = found
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("Choose a file to upload.")}, status=422)
    try:
        upload.checked = check_upload(upload, kinds)
    except ValidationError as error:
        return JsonResponse({"error": error.messages[0], "code": error.code}, status=422)
    with transaction.atomic():
        application = _locked_application(cohort, request.user)
        refusal = _refusal(cohort, application, request.user, now)
        if refusal is None:
            row = _store_file(application, kind, question_id, upload)
    if refusal is not None:
        return JsonResponse({"error": refusal[1], "editable": False}, status=refusal[0])
    return JsonResponse(
        {
            "slot": slot,
            "name": row.original_name,
            "size": row.size,
            "size_label": filesizeformat(row.size),
            "sha256": row.sha256,
            "uploaded_at": row.uploaded_at.isoformat(),
            "url": reverse("cohorts:download_file", kwargs={"pk": row.pk}),
            "updated_at": application.updated_at.isoformat(),
        }
    )


@signed_in
@require_http_methods(["GET", "POST"])
def withdraw(request, slug):
    cohort = _cohort_or_404(slug)
    application = permissions.own_application_or_404(request.user, cohort)
    if request.method == "POST":
        now = timezone.now()
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("cohort", "cohort__programme")
                .get(pk=application.pk)
            )
            allowed = application.status in WITHDRAWABLE_STATUSES
            if allowed:
                before = {
                    "status": application.status,
                    "waitlist_position": application.waitlist_position,
                }
                application.status = ApplicationStatus.WITHDRAWN
                application.withdrawn_at = now
                application.waitlist_position = None
                application.save(
                    update_fields=["status", "withdrawn_at", "waitlist_position", "updated_at"]
                )
                audit.record(
                    application,
                    "cohorts.withdraw",
                    request.user,
                    before=before,
                    after={"status": application.status, "withdrawn_at": now},
                )
        if allowed:
            messages.success(
                request,
                _("You have withdrawn your application to %(cohort)s.")
                % {"cohort": cohort.translated("title")},
            )
        else:
            messages.error(
                request,
                _(
                    "An application that is “%(status)s” cannot be withdrawn here. Write to the "
                    "organizers if your plans have changed."
                )
                % {"status": application.get_status_display()},
            )
        return redirect("cohorts:status", slug=cohort.slug)
    return render(
        request,
        "cohorts/apply/withdraw.html",
        {
            "cohort": cohort,
            "application": application,
            "allowed": application.status in WITHDRAWABLE_STATUSES,
        },
    )


@signed_in
@require_GET
def status(request, slug):
    now = timezone.now()
    cohort = _cohort_or_404(slug)
    application = permissions.own_application_or_404(request.user, cohort)
    all_files = list(
        application.files.select_related("question")
        .prefetch_related("question__translations")
        .order_by("kind", "question_id", "-uploaded_at")
    )
    current = [f for f in all_files if f.is_current]
    replaced = [f for f in all_files if not f.is_current]
    for upload in all_files:
        upload.label = (
            upload.question.translated("label")
            if upload.kind == FileKind.ANSWER and upload.question
            else FileKind(upload.kind).label
        )
    accepting = cohort.is_accepting_applications(now)
    offer_open = (
        application.status == ApplicationStatus.ACCEPTED
        and application.offer_deadline is not None
        and now < application.offer_deadline
    )
    return render(
        request,
        "cohorts/apply/status.html",
        {
            "cohort": cohort,
            "application": application,
            "current_files": current,
            "replaced_files": replaced,
            "editable": application.status in EDITABLE_STATUSES and accepting,
            "withdrawable": application.status in WITHDRAWABLE_STATUSES,
            "offer_open": offer_open,
            "storage_key": f"aslp-application:{request.user.pk}:{cohort.slug}",
            "clear_local": _just_saved(request, cohort),
            "now": now,
        },
    )


@signed_in
def download_file(request, pk):
    """A file of an application, for those who may see it; never from a public URL (R9).

    The permission check comes before the method check, so that a stranger's POST gets the same
    404 as their GET and learns nothing about the file.
    """
    upload = permissions.application_file_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    try:
        handle = upload.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = request.GET.get("inline") == "1" and upload.content_type == "application/pdf"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=upload.original_name,
        content_type=upload.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline:
        # Shown in the browser's PDF viewer, with scripts and forms of the file switched off;
        # pages of this site may frame it (reviewers read PDFs next to the scoring form).
        response["Content-Security-Policy"] = "sandbox"
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


__all__ = [
    "apply",
    "autosave",
    "download_file",
    "my_applications",
    "status",
    "upload_file",
    "withdraw",
]
