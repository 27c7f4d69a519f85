"""The resource library's rules: from an accepted submission to a published resource.

1. An organizer **prepares** a resource from an accepted submission of an assignment that may
   be published: the accepted version's text and files, the authors (the participant, or the
   group's active members) with a credit name each, the economy and school level of the work.
2. Organizers edit what will be published; the **content review** and the **technical review**
   are each recorded (passed, or changes needed with a note) for the content they looked at.
3. The authors are **asked for consent**; each agrees (choosing the name to credit) or not, for
   the content shown to them.
4. An organizer **publishes** once both reviews passed and every author agreed, all for the
   current content (``fingerprint``); a later edit of the content makes them stale.
5. A published resource is **withdrawn** by an organizer (with a reason) or when an author takes
   back their consent; its content can be edited again only after that.

Every step is audited; the authors hear of the consent request and of the publication by
e-mail in their language. Views call these functions and nothing else changes a resource.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cohorts import audit
from trainings import emails
from trainings.models import Participant

from .models import (
    ConsentState,
    Resource,
    ResourceAuthor,
    ResourceStatus,
    ReviewOutcome,
    Submission,
    SubmissionStatus,
)
from .submissions import recipients

# Fields whose change makes the reviews and the consents stale.
CONTENT_FIELDS = ("kind", "language_code", "title", "summary", "body", "licence")
REVIEWS = ("content", "technical")


class LibraryRefused(Exception):
    """A step that cannot be taken now; the message says why (translated)."""


def _prefetched(instance, relation: str) -> bool:
    return relation in getattr(instance, "_prefetched_objects_cache", {})


def fingerprint(resource: Resource) -> str:
    """SHA-256 of what is published: the content fields and the chosen files' hashes.

    Reads prefetched ``files`` when a list view loaded them (no query then)."""
    if _prefetched(resource, "files"):
        files = sorted((item.pk, item.sha256) for item in resource.files.all())
    else:
        files = sorted(resource.files.values_list("pk", "sha256"))
    payload = {field: getattr(resource, field) for field in CONTENT_FIELDS}
    payload["files"] = [list(row) for row in files]
    encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


# -- Preparing ---------------------------------------------------------------------------------


def can_prepare(submission: Submission) -> bool:
    return (
        submission.assignment.can_be_published
        and submission.status == SubmissionStatus.ACCEPTED
        and not Resource.objects.filter(submission=submission).exists()
    )


def _credit(participant: Participant) -> str:
    application = participant.application
    name = " ".join(part for part in (application.given_names, application.family_name) if part)
    return name or participant.user.email


def prepare(submission: Submission, user) -> Resource:
    """Start a resource from the accepted version of ``submission`` (its text and files)."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("assignment__activity", "participant__application", "group")
            .get(pk=submission.pk)
        )
        if not submission.assignment.can_be_published:
            raise LibraryRefused(_("Work of this assignment is not meant for the library."))
        if submission.status != SubmissionStatus.ACCEPTED:
            raise LibraryRefused(_("Only accepted work can go to the library."))
        if Resource.objects.filter(submission=submission).exists():
            raise LibraryRefused(_("This work is already in the library's preparation."))
        accepted = (
            submission.feedback.filter(decision=SubmissionStatus.ACCEPTED)
            .select_related("version")
            .order_by("-created_at", "-pk")
            .first()
        )
        version = accepted.version if accepted else submission.versions.order_by("-number")[0]
        authors = recipients(submission)
        first = authors[0] if authors else None
        application = first.application if first else None
        text = version.text.strip()
        resource = Resource.objects.create(
            submission=submission,
            version=version,
            language_code=first.language if first else "en",
            title=submission.assignment.activity.title[:200],
            summary=(text[:297] + "…") if len(text) > 300 else text,
            body=text,
            school_level=getattr(application, "school_level", "") or "",
            economy_id=getattr(application, "economy_id", None),
            created_by=user,
        )
        resource.files.set(version.files.all())
        ResourceAuthor.objects.bulk_create(
            ResourceAuthor(
                resource=resource, participant=person, credit_name=_credit(person), sort_order=index
            )
            for index, person in enumerate(authors)
        )
        audit.record(resource, "assessments.resource_prepare", user, version=version.number)
    return resource


def content_editable(resource: Resource) -> bool:
    return resource.status != ResourceStatus.PUBLISHED


# -- Reviews and consent -----------------------------------------------------------------------


def review(resource: Resource, which: str, outcome: str, note: str, user) -> None:
    """Record the content or the technical review of the current content."""
    if which not in REVIEWS:
        raise ValueError(which)
    if outcome not in ReviewOutcome.values:
        raise LibraryRefused(_("Choose whether the review passed or changes are needed."))
    note = (note or "").strip()
    if outcome == ReviewOutcome.CHANGES and not note:
        raise LibraryRefused(_("Say what needs to change."))
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.status == ResourceStatus.PUBLISHED:
            raise LibraryRefused(
                _("The resource is published: withdraw it before reviewing again.")
            )
        before = {"outcome": getattr(resource, f"{which}_review")}
        setattr(resource, f"{which}_review", outcome)
        setattr(resource, f"{which}_review_note", note)
        setattr(resource, f"{which}_reviewed_by", user)
        setattr(resource, f"{which}_reviewed_at", timezone.now())
        setattr(resource, f"{which}_reviewed_fingerprint", fingerprint(resource))
        resource.save()
        audit.record(
            resource,
            "assessments.resource_review",
            user,
            before=before,
            after={"outcome": outcome, "note": note},
            review=which,
        )


def review_is_current(resource: Resource, which: str, current: str | None = None) -> bool:
    current = current or fingerprint(resource)
    return (
        getattr(resource, f"{which}_review") == ReviewOutcome.PASSED
        and getattr(resource, f"{which}_reviewed_fingerprint") == current
    )


def consent_is_current(author: ResourceAuthor, current: str) -> bool:
    return author.consent == ConsentState.GIVEN and author.consent_fingerprint == current


def ask_consent(resource: Resource, user) -> int:
    """E-mail every author whose consent for the current content is missing; how many."""
    current = fingerprint(resource)
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.status == ResourceStatus.PUBLISHED:
            raise LibraryRefused(_("The resource is already published."))
        waiting = [
            author
            for author in resource.authors.select_related(
                "participant__application", "participant__user", "participant__cohort"
            )
            if not consent_is_current(author, current)
        ]
        if not waiting:
            raise LibraryRefused(_("Every author has already agreed to this content."))
        resource.consent_requested_at = timezone.now()
        resource.save(update_fields=["consent_requested_at", "updated_at"])
        for author in waiting:
            if author.consent != ConsentState.ASKED:
                author.consent = ConsentState.ASKED
                author.save(update_fields=["consent"])
            emails.send_to_participant(
                author.participant,
                "resource_consent",
                {
                    "resource": resource,
                    "author": author,
                    "url": consent_url(resource, author.participant),
                },
            )
        audit.record(
            resource,
            "assessments.resource_consent_ask",
            user,
            authors=[author.credit_name for author in waiting],
        )
    return len(waiting)


def consent_url(resource: Resource, participant: Participant) -> str:
    """The author's consent page, in the author's language (absolute)."""
    from django.urls import reverse

    from cohorts.emails import absolute_url

    with translation.override(emails.participant_language(participant)):
        path = reverse(
            "assessments:resource_consent",
            kwargs={"slug": resource.cohort.slug, "pk": resource.pk},
        )
    return absolute_url(path)


def answer_consent(author: ResourceAuthor, agree: bool, credit_name: str, user) -> None:
    """An author agrees to the current content (with the name to credit) or does not.

    Taking consent back from a published resource withdraws it at once.
    """
    credit_name = " ".join((credit_name or "").split())[:200]
    if agree and not credit_name:
        raise LibraryRefused(_("Write the name the library should show."))
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=author.resource_id)
        author = ResourceAuthor.objects.select_for_update().get(pk=author.pk)
        before = {"consent": author.consent, "credit_name": author.credit_name}
        if agree and resource.status == ResourceStatus.PUBLISHED:
            # Agreeing again to what is already public changes only the credited name.
            if not consent_is_current(author, fingerprint(resource)):
                raise LibraryRefused(_("This content is not the one you agreed to."))
        author.consent = ConsentState.GIVEN if agree else ConsentState.REFUSED
        author.consent_fingerprint = fingerprint(resource) if agree else ""
        author.consent_at = timezone.now()
        if agree:
            author.credit_name = credit_name
        author.save()
        # Saving the resource re-indexes it for search (credit names are searched).
        resource.save(update_fields=["updated_at"])
        audit.record(
            resource,
            "assessments.resource_consent",
            user,
            before=before,
            after={"consent": author.consent, "credit_name": author.credit_name},
        )
        if not agree and resource.status == ResourceStatus.PUBLISHED:
            _withdraw(resource, user, _("An author took back their consent."))


# -- Publishing --------------------------------------------------------------------------------


def missing(resource: Resource) -> list[str]:
    """What stops the publication of ``resource`` now, in words (empty: it can be published).

    Uses prefetched ``files``, ``topics`` and ``authors`` when present, so that a list of
    resources (``select_related("submission")`` + those prefetches) costs no query per row."""
    current = fingerprint(resource)
    reasons = []
    if resource.submission.status != SubmissionStatus.ACCEPTED:
        reasons.append(_("The submission is no longer accepted."))
    if not resource.summary.strip():
        reasons.append(_("The summary is empty."))
    has_files = (
        bool(resource.files.all()) if _prefetched(resource, "files") else resource.files.exists()
    )
    if not resource.body.strip() and not has_files:
        reasons.append(_("There is neither a text nor a file to publish."))
    has_topics = (
        bool(resource.topics.all()) if _prefetched(resource, "topics") else resource.topics.exists()
    )
    if not has_topics:
        reasons.append(_("No topic is chosen."))
    labels = {"content": _("The content review"), "technical": _("The technical review")}
    for which in REVIEWS:
        outcome = getattr(resource, f"{which}_review")
        if outcome == ReviewOutcome.CHANGES:
            reasons.append(_("%(review)s asks for changes.") % {"review": labels[which]})
        elif not review_is_current(resource, which, current):
            if outcome:
                reasons.append(
                    _("%(review)s was for an earlier content; review it again.")
                    % {"review": labels[which]}
                )
            else:
                reasons.append(_("%(review)s is not done.") % {"review": labels[which]})
    for author in resource.authors.all():
        if author.consent == ConsentState.REFUSED:
            reasons.append(
                _("%(name)s did not agree to publication.") % {"name": author.credit_name}
            )
        elif not consent_is_current(author, current):
            reasons.append(
                _("%(name)s has not agreed to this content yet.") % {"name": author.credit_name}
            )
    return reasons


def publish(resource: Resource, user, *, notify: bool = True) -> None:
    """Publish when nothing is missing; the authors are told by e-mail (unless ``notify`` is
    off, as for the demo data)."""
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.status == ResourceStatus.PUBLISHED:
            raise LibraryRefused(_("The resource is already published."))
        reasons = missing(resource)
        if reasons:
            raise LibraryRefused(" ".join(reasons))
        before = {"status": resource.status}
        resource.status = ResourceStatus.PUBLISHED
        resource.published_at = timezone.now()
        resource.published_by = user
        resource.withdrawn_at = None
        resource.withdrawal_reason = ""
        resource.save()
        audit.record(
            resource,
            "assessments.publish",
            user,
            before=before,
            after={"status": resource.status},
            fingerprint=fingerprint(resource),
        )
        if not notify:
            return
        for author in resource.authors.select_related(
            "participant__application", "participant__user", "participant__cohort"
        ):
            language = emails.participant_language(author.participant)
            emails.send_to_participant(
                author.participant,
                "resource_published",
                {"resource": resource, "author": author, "url": public_url(resource, language)},
            )


def withdraw(resource: Resource, user, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise LibraryRefused(_("Give the reason for the withdrawal."))
    with transaction.atomic():
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        if resource.status != ResourceStatus.PUBLISHED:
            raise LibraryRefused(_("Only a published resource can be withdrawn."))
        _withdraw(resource, user, reason)


def _withdraw(resource: Resource, user, reason: str) -> None:
    before = {"status": resource.status}
    resource.status = ResourceStatus.WITHDRAWN
    resource.withdrawn_at = timezone.now()
    resource.withdrawal_reason = reason
    resource.save()
    audit.record(
        resource,
        "assessments.unpublish",
        user,
        before=before,
        after={"status": resource.status},
        reason=reason,
    )


def public_url(resource: Resource, language_code: str | None = None) -> str:
    """The resource's page in the library (absolute), or '' while the site has no library."""
    from cohorts.emails import absolute_url

    from .library_pages import resource_path

    path = resource_path(resource, language_code)
    return absolute_url(path) if path else ""
