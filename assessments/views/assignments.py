"""Assignments: the participant's page (instructions, send, versions, feedback), the submitted
file download, and the organizers' list, assignment, submission and ZIP pages.

Participants reach only assignments meant for them and their own (or their group's) work;
organizers only their cohorts'. The permission check comes before the method check, so a
stranger's POST gets the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aslp_site.core.downloads import private_file_response, private_response
from aslp_site.core.http import method_not_allowed
from trainings.models import Participant, ParticipantGroup

from .. import library, permissions, submissions
from ..forms_assignments import FeedbackForm, SubmitForm
from ..models import (
    Assignment,
    Feedback,
    LatePolicy,
    Resource,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from . import library as library_views

WITH_POST = ("GET", "HEAD", "POST")


def _versions(submission):
    if submission is None:
        return []
    return list(
        SubmissionVersion.objects.filter(submission=submission)
        .select_related("submitted_by")
        .prefetch_related("files")
        .order_by("-number")
    )


def _feedback(submission, criteria=None):
    """The feedback given, newest first, each with its rubric scores as (criterion, score)."""
    if submission is None:
        return []
    history = list(
        Feedback.objects.filter(submission=submission)
        .select_related("version", "reviewer")
        .order_by("-created_at", "-pk")
    )
    if criteria is None:
        criteria = list(submission.assignment.criteria.all()) if history else []
    titles = {str(c.pk): c.title for c in criteria}
    for entry in history:
        entry.score_rows = [(titles.get(key, "?"), value) for key, value in entry.scores.items()]
    return history


# -- Participant -------------------------------------------------------------------------------


@permissions.participant_required
def assignment(request, slug, pk):
    participant = permissions.participant_or_404(request.user, slug)
    task = permissions.participant_assignment_or_404(participant, pk)
    if refused := method_not_allowed(request, WITH_POST):
        return refused
    cohort = participant.cohort
    submission = permissions.own_submission(participant, task)
    refusal = submissions.refusal(task, submission)
    form = None
    status = 200
    if refusal is None:
        if request.method == "POST":
            form = SubmitForm(request.POST, request.FILES, assignment=task)
            if form.is_valid():
                try:
                    version = submissions.submit(
                        participant,
                        task,
                        text=form.cleaned_data.get("text", ""),
                        uploads=form.cleaned_data.get("files") or [],
                        user=request.user,
                    )
                except submissions.SubmissionRefused as error:
                    form.add_error(None, str(error))
                except ValidationError as error:
                    form.add_error("files" if "files" in form.fields else None, error)
                else:
                    if version.is_late:
                        text = _(
                            "Version %(number)d is sent, after the due moment: it is marked "
                            "late. A receipt is on its way by e-mail."
                        )
                    else:
                        text = _("Version %(number)d is sent. A receipt is on its way by e-mail.")
                    messages.success(request, text % {"number": version.number})
                    return redirect(request.path)
            status = 400
        else:
            form = SubmitForm(assignment=task)
    elif request.method == "POST":
        status = 409
    if status == 409 or (status == 400 and form is not None and form.non_field_errors()):
        # the situation may have changed under the form (refusal at the moment of sending)
        submission = permissions.own_submission(participant, task)
        refusal = refusal or submissions.refusal(task, submission)
    return render(
        request,
        "assessments/assignments/participant.html",
        {
            "cohort": cohort,
            "participant": participant,
            "assignment": task,
            "activity": task.activity,
            "instructions": task.translated("instructions"),
            "submission": submission,
            "versions": _versions(submission),
            "feedback": _feedback(submission),
            "form": form,
            "refusal": refusal,
            "policies": LatePolicy,
            "statuses": SubmissionStatus,
            "is_past_due": submissions.is_late(task, timezone.now()),
            "library_credit": library_views.author_notice(participant, submission),
        },
        status=status,
    )


@permissions.participant_required
def submission_file(request, pk):
    """A submitted file, as an attachment, for its author (or group) and the organizers."""
    found = permissions.submission_file_or_404(request.user, pk)
    if refused := method_not_allowed(request):
        return refused
    return private_file_response(found, fallback="submission")


# -- Organizers -------------------------------------------------------------------------------


def _expected(cohort):
    """Active participants per group id (None: without a group), in one query."""
    counts = {}
    for row in (
        Participant.objects.active()
        .filter(cohort=cohort)
        .values("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[row["group_id"]] = row["n"]
    return counts


def _expected_for(task: Assignment, counts: dict) -> int:
    group_id = task.activity.group_id
    if task.per_group:
        if group_id is not None:
            return 1 if counts.get(group_id) else 0
        return sum(1 for key, n in counts.items() if key is not None and n)
    if group_id is not None:
        return counts.get(group_id, 0)
    return sum(counts.values())


SENT = Q(submissions__version_count__gt=0)


@permissions.organizer_required
def manage_assignments(request, slug):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    tasks = list(
        Assignment.objects.filter(activity__stage__cohort=cohort)
        .select_related("activity", "activity__stage", "activity__group")
        .prefetch_related("activity__translations")
        .annotate(
            n_submitted=Count("submissions", filter=SENT),
            n_late=Count("submissions", filter=SENT & Q(submissions__is_late=True)),
            n_accepted=Count(
                "submissions", filter=SENT & Q(submissions__status=SubmissionStatus.ACCEPTED)
            ),
            n_revision=Count(
                "submissions",
                filter=SENT & Q(submissions__status=SubmissionStatus.REVISION_REQUESTED),
            ),
        )
        .order_by("activity__due_at", "pk")
    )
    counts = _expected(cohort)
    for task in tasks:
        task.n_expected = _expected_for(task, counts)
        task.n_missing = max(task.n_expected - task.n_submitted, 0)
    return render(
        request,
        "assessments/assignments/manage_list.html",
        {"cohort": cohort, "assignments": tasks},
    )


@permissions.organizer_required
def manage_assignment(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    task = permissions.organizer_assignment_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    rows = list(
        Submission.objects.filter(assignment=task, version_count__gt=0)
        .select_related(
            "participant",
            "participant__application",
            "participant__application__economy",
            "participant__user",
            "group",
        )
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=SubmissionVersion.objects.prefetch_related("files").order_by("number"),
            )
        )
        .order_by("-last_submitted_at", "pk")
    )
    for row in rows:
        versions = list(row.versions.all())
        row.latest = versions[-1] if versions else None
        row.owner = submissions.owner_name(row)
    sent_ids = {row.group_id if task.per_group else row.participant_id for row in rows}
    group_id = task.activity.group_id
    if task.per_group:
        groups = ParticipantGroup.objects.filter(cohort=cohort).order_by("sort_order", "name")
        if group_id is not None:
            groups = groups.filter(pk=group_id)
        groups = groups.filter(
            pk__in=Participant.objects.active().filter(cohort=cohort).values("group_id")
        )
        missing = [g.name for g in groups if g.pk not in sent_ids]
    else:
        people = (
            Participant.objects.active()
            .filter(cohort=cohort)
            .select_related("application", "user")
            .order_by("application__family_name", "application__given_names", "pk")
        )
        if group_id is not None:
            people = people.filter(group_id=group_id)
        missing = [
            p.application.display_name or p.user.email for p in people if p.pk not in sent_ids
        ]
    return render(
        request,
        "assessments/assignments/manage_assignment.html",
        {
            "cohort": cohort,
            "assignment": task,
            "activity": task.activity,
            "rows": rows,
            "missing": missing,
        },
    )


@permissions.organizer_required
def manage_submission(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    submission = permissions.organizer_submission_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request, WITH_POST):
        return refused
    task = submission.assignment
    criteria = list(task.criteria.all())
    form = FeedbackForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                submissions.give_feedback(
                    submission,
                    form.cleaned_data["decision"],
                    form.cleaned_data["comment"],
                    request.user,
                    scores=form.scores(),
                )
            except submissions.SubmissionRefused as error:
                form.add_error(None, str(error))
            else:
                if form.cleaned_data["decision"] == SubmissionStatus.ACCEPTED:
                    text = _("The work is accepted; the participant is told by e-mail.")
                else:
                    text = _("A revision is requested; the participant is told by e-mail.")
                messages.success(request, text)
                return redirect(
                    reverse(
                        "assessments:manage_assignment", kwargs={"slug": cohort.slug, "pk": task.pk}
                    )
                )
        status = 400
    history = _feedback(submission, criteria)
    members = []
    if submission.group_id is not None:
        members = [
            p.application.display_name or p.user.email
            for p in Participant.objects.active()
            .filter(group_id=submission.group_id)
            .select_related("application", "user")
            .order_by("pk")
        ]
    return render(
        request,
        "assessments/assignments/manage_submission.html",
        {
            "cohort": cohort,
            "assignment": task,
            "activity": task.activity,
            "submission": submission,
            "owner": submissions.owner_name(submission),
            "members": members,
            "versions": _versions(submission),
            "feedback": history,
            "form": form if submission.version_count else None,
            "can_prepare": library.can_prepare(submission),
            "resource": Resource.objects.filter(submission=submission).first(),
        },
        status=status,
    )


@permissions.organizer_required
def assignment_zip(request, slug, pk):
    cohort = permissions.organizer_cohort_or_404(request.user, slug)
    task = permissions.organizer_assignment_or_404(request.user, cohort, pk)
    if refused := method_not_allowed(request):
        return refused
    archive = submissions.build_zip(task, request.user, all_versions=request.GET.get("all") == "1")
    return private_response(archive.file, archive.name, "application/zip")


__all__ = [
    "assignment",
    "assignment_zip",
    "manage_assignment",
    "manage_assignments",
    "manage_submission",
    "submission_file",
]
