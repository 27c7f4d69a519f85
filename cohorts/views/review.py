"""Reviewers' pages: their queue, one application with the scoring form, a conflict declaration.

Every assignment is looked up through ``permissions.reviewer_assignment_or_404``: another
reviewer's assignment, or one in a cohort where the person no longer reviews, answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from .. import review as services
from ..forms.review import ConflictForm, ScoreForm
from ..models import (
    ApplicationFile,
    FileKind,
    Nomination,
    QuestionKind,
    ReviewAssignment,
)


@permissions.reviewer_required
def review_queue(request):
    """The reviewer's assignments by cohort: to do first, then done, with progress."""
    assignments = (
        permissions.reviewer_assignments(request.user)
        .select_related("application", "application__economy", "application__cohort__programme")
        .prefetch_related("application__economy__names", "application__cohort__translations")
        .order_by("application__family_name", "application__given_names", "pk")
    )
    cohorts = {
        cohort.pk: {"cohort": cohort, "todo": [], "done": [], "closed": []}
        for cohort in permissions.reviewer_cohorts(request.user)
        .select_related("programme")
        .prefetch_related("translations")
        .order_by("-opens_at", "pk")
    }
    for assignment in assignments:
        group = cohorts.get(assignment.application.cohort_id)
        if group is None:  # pragma: no cover - reviewer_assignments already limits cohorts
            continue
        if assignment.submitted_at:
            group["done"].append(assignment)
        elif services.can_score(assignment.application):
            group["todo"].append(assignment)
        else:
            group["closed"].append(assignment)
    groups = []
    for group in cohorts.values():
        group["todo"].sort(key=lambda a: (a.assigned_at, a.pk))
        group["total"] = len(group["todo"]) + len(group["done"]) + len(group["closed"])
        group["reviewed"] = len(group["done"])
        groups.append(group)
    return render(request, "cohorts/review/queue.html", {"groups": groups})


def _answer_rows(application, questions, files_by_question):
    """(question label, shown answer, file) for each extra question, in the form's order."""
    answers = application.answers if isinstance(application.answers, dict) else {}
    rows = []
    for question in questions:
        raw = answers.get(str(question.pk))
        shown = ""
        upload = None
        if question.kind == QuestionKind.FILE:
            upload = files_by_question.get(question.pk)
        elif question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            labels = dict(question.translated_choices())
            values = raw if isinstance(raw, list) else [raw]
            shown = ", ".join(str(labels.get(v, v)) for v in values if v not in (None, ""))
        elif question.kind == QuestionKind.YES_NO:
            if raw in (True, "yes", "true", "True", "1", 1):
                shown = _("Yes")
            elif raw in (False, "no", "false", "False", "0", 0):
                shown = _("No")
        elif raw not in (None, ""):
            shown = str(raw)
        rows.append({"label": question.translated("label"), "answer": shown, "file": upload})
    return rows


def _nomination(application):
    try:
        return application.nomination
    except Nomination.DoesNotExist:
        return None


@permissions.signed_in
def review_detail(request, pk):
    """One application to review: its content and files, the rubric form, then others' scores."""
    assignment = permissions.reviewer_assignment_or_404(request.user, pk)
    application = assignment.application
    cohort = application.cohort
    criteria = list(cohort.rubric.all())
    own_scores = dict(assignment.scores.values_list("criterion_id", "value"))
    editable = services.can_score(application)
    form = None
    if editable and criteria:
        if request.method == "POST":
            form = ScoreForm(criteria, request.POST, initial_scores=own_scores)
            if form.is_valid():
                try:
                    saved = services.submit_scores(
                        assignment,
                        form.scores(),
                        form.cleaned_data["comment"],
                        by=request.user,
                    )
                except services.ReviewError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request,
                        _("Your scores are saved. Your weighted score: %(score)s.")
                        % {"score": saved.weighted_score},
                    )
                    # To the top, where the message is (not the form's "#scores").
                    return redirect(
                        reverse("cohorts:review_detail", kwargs={"pk": assignment.pk}) + "#main"
                    )
        else:
            form = ScoreForm(
                criteria, initial={"comment": assignment.comment}, initial_scores=own_scores
            )
    elif request.method == "POST":
        messages.error(
            request,
            _("The organizers have decided on this application; scores can no longer change.")
            if not editable
            else _("This cohort has no rubric yet; the organizers must add one."),
        )
        return redirect("cohorts:review_detail", pk=assignment.pk)

    files = list(
        ApplicationFile.objects.filter(application=application, is_current=True)
        .select_related("question")
        .order_by("kind", "pk")
    )
    files_by_question = {f.question_id: f for f in files if f.question_id}
    questions = list(cohort.questions.prefetch_related("translations").order_by("sort_order", "pk"))
    others = []
    others_pending = 0
    if assignment.submitted_at:
        for other in (
            ReviewAssignment.objects.filter(application=application)
            .exclude(pk=assignment.pk)
            .select_related("reviewer")
            .prefetch_related("scores")
            .order_by("submitted_at", "pk")
        ):
            if other.submitted_at:
                values = {s.criterion_id: s.value for s in other.scores.all()}
                other.criterion_scores = [(c, values.get(c.pk)) for c in criteria]
                others.append(other)
            else:
                others_pending += 1
    own_rows = [(c, own_scores.get(c.pk)) for c in criteria]
    context = {
        "assignment": assignment,
        "application": application,
        "cohort": cohort,
        "criteria": criteria,
        "form": form,
        "editable": editable,
        "own_rows": own_rows,
        "cv_files": [f for f in files if f.kind == FileKind.CV],
        "letter_files": [f for f in files if f.kind == FileKind.ENDORSEMENT_LETTER],
        "answer_rows": _answer_rows(application, questions, files_by_question),
        "nomination": _nomination(application),
        "others": others,
        "others_pending": others_pending,
        "still_editable_by_applicant": application.is_editable,
    }
    return render(request, "cohorts/review/detail.html", context)


@permissions.signed_in
def review_conflict(request, pk):
    """Declare a conflict of interest: the application goes to another reviewer."""
    assignment = permissions.reviewer_assignment_or_404(request.user, pk)
    application = assignment.application
    open_for_review = services.can_score(application)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and open_for_review and form.is_valid():
        try:
            outcome = services.declare_conflict(
                assignment, form.cleaned_data["reason"], by=request.user
            )
        except services.ReviewError as exc:
            form.add_error(None, exc.message)
        else:
            if outcome.replacement is not None:
                messages.success(
                    request,
                    _(
                        "Your conflict of interest is recorded and the application has been "
                        "given to another reviewer."
                    ),
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Your conflict of interest is recorded. No other reviewer is available "
                        "yet; the organizers will assign one."
                    ),
                )
            return redirect("cohorts:review_queue")
    return render(
        request,
        "cohorts/review/conflict.html",
        {
            "assignment": assignment,
            "application": application,
            "form": form,
            "open_for_review": open_for_review,
        },
    )
