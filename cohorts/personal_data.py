"""A person's data: export everything held about them, erase it, and delete old files (R14).

Rules:

1. Each app contributes, for its own models, an **exporter** (adds the person's rows and files
   to an :class:`Export`), an **eraser** (removes or pseudonymises them through an
   :class:`Erasure`) and a **names** collector (the names and addresses to look for elsewhere).
   Apps register from their ``AppConfig.ready``; this module holds the account's (accounts and
   allauth) and the cohorts app's part.
2. An export is a ZIP: ``data.json`` with every field of every row the person owns, grouped by
   kind, and every file version they own under ``files/<kind>/``. Secrets (password hash,
   authenticator keys, tokens of other people) are never exported.
3. Erasure runs in one transaction: the apps' erasers from the last app to the first (whose
   rows point at the earlier ones'), then the account, then the audit entries (labels and data
   scrubbed of every name and address collected in rule 1), then queued e-mails to the person.
   Rows that aggregate figures are made of stay without identity: applications keep their
   status, economy, gender, position and school level; participants keep their attendance.
   Files are deleted from storage once the transaction has committed.
4. Issued certificates keep their serial number, status and dates with the names emptied, so
   they still verify ("name removed at the holder's request").
5. The account is deactivated with an unusable password and the address
   ``erased-<n>@invalid``, ``n`` being the :class:`~cohorts.models.ErasureRecord`'s number.
6. Retention: a cohort's ``retention_days`` after its call closed, the files of its applications
   that were not accepted or confirmed are deleted (``apply_retention``); running it again
   deletes nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable

from django.core.exceptions import SuspiciousFileOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import get_valid_filename

from . import audit
from .models import (
    SEAT_HOLDING,
    AlumniProfile,
    Application,
    ApplicationFile,
    Cohort,
    ErasureRecord,
    InvitationLetter,
    Logistics,
    Nomination,
    ReviewAssignment,
    RoleGrant,
)

# Audit actions of this module (shown in the admin's history like the others).

ERASED_TEXT = "[erased]"
# Shorter names are not looked for in other rows' texts (a lone initial would match too much).
MIN_NEEDLE = 2
SPOOL_BYTES = 8 * 1024 * 1024
# Fields never exported, by name, whatever the model (secrets, not data about the person).
SECRET_FIELDS = {"password", "badge_token", "calendar_token", "token", "draft_key"}


# -- Export ---------------------------------------------------------------------------------------


def plain_row(instance: models.Model, *, skip: Iterable[str] = ()) -> dict:
    """Every concrete field of a row, foreign keys by id, files by stored name."""
    row = {}
    for field in instance._meta.concrete_fields:
        if field.name in SECRET_FIELDS or field.name in skip:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        row[field.attname] = value
    return row


@dataclasses.dataclass
class Export:
    """What is gathered for one person: rows by kind, and the files to copy."""

    user: object
    data: dict[str, list[dict]] = dataclasses.field(default_factory=dict)
    files: list[tuple[str, object]] = dataclasses.field(default_factory=list)

    def add(self, kind: str, instances: Iterable[models.Model], **options) -> list[dict]:
        rows = self.data.setdefault(kind, [])
        added = [plain_row(instance, **options) for instance in instances]
        rows.extend(added)
        return added

    def add_file(self, kind: str, instance: models.Model, fieldfile, original_name: str = ""):
        """Copy a stored file into ``files/<kind>/<pk>-<name>`` (the row says where)."""
        if not fieldfile:
            return ""
        try:
            name = get_valid_filename(original_name or fieldfile.name.rsplit("/", 1)[-1])
        except SuspiciousFileOperation:  # nothing usable is left of the name
            name = "file"
        path = f"files/{kind}/{instance.pk}-{name}"
        self.files.append((path, fieldfile))
        return path


@dataclasses.dataclass
class Section:
    exporter: Callable[[Export], None]
    eraser: Callable[[Erasure], None]
    names: Callable[[object], Iterable[str]]


SECTIONS: dict[str, Section] = {}


def register(app_label: str, *, exporter, eraser, names) -> None:
    """Called from each app's ``AppConfig.ready`` (rule 1)."""
    SECTIONS[app_label] = Section(exporter, eraser, names)


def export_person(user):
    """The person's data as a ZIP in a temporary file, positioned at its start."""
    export = Export(user)
    for section in SECTIONS.values():
        section.exporter(export)
    document = {
        "exported_at": timezone.now(),
        "person": {"id": user.pk, "email": user.email},
        "data": export.data,
        "files": [path for path, _fieldfile in export.files],
    }
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - returned
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json",
            json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n",
        )
        for path, fieldfile in export.files:
            try:
                with fieldfile.storage.open(fieldfile.name, "rb") as source:
                    archive.writestr(path, source.read())
            except FileNotFoundError:
                continue
    target.seek(0)
    return target


def record_export(user) -> None:
    audit.record(user, "cohorts.personal_data_export", user)


# -- Erasure --------------------------------------------------------------------------------------


@dataclasses.dataclass
class Erasure:
    """One erasure in progress: the person, the pseudonym, what to look for, files to delete."""

    user: object
    number: int
    needles: set[str] = dataclasses.field(default_factory=set)
    doomed_files: list[tuple[object, str]] = dataclasses.field(default_factory=list)

    @property
    def email(self) -> str:
        return f"erased-{self.number}@invalid"

    def delete_file(self, fieldfile) -> None:
        """Forget a stored file; it is deleted from storage after the commit."""
        if fieldfile:
            self.doomed_files.append((fieldfile.storage, fieldfile.name))

    def pattern(self) -> re.Pattern | None:
        words = {n.strip() for n in self.needles if n and len(n.strip()) >= MIN_NEEDLE}
        words = sorted(words, key=len, reverse=True)
        if not words:
            return None
        alternatives = "|".join(re.escape(word) for word in words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def scrub(self, value):
        """``value`` with every name and address replaced (strings inside JSON too)."""
        pattern = self.pattern()
        return _scrub(value, pattern) if pattern else value


def _scrub(value, pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(ERASED_TEXT, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {_scrub(key, pattern): _scrub(item, pattern) for key, item in value.items()}
    return value


def _next_number() -> int:
    return (ErasureRecord.objects.aggregate(top=Max("number"))["top"] or 0) + 1


def erase_person(user, by, reason: str) -> ErasureRecord:
    """Erase the person's personal data everywhere (rules 3-5); returns the record."""
    with transaction.atomic():
        number = _next_number()
        record = ErasureRecord.objects.create(
            number=number, person=user, erased_by=by, reason=reason
        )
        erasure = Erasure(user, number)
        erasure.needles.update(account_names(user))
        for section in SECTIONS.values():
            erasure.needles.update(section.names(user))
        for section in reversed(list(SECTIONS.values())):
            section.eraser(erasure)
        erase_account(erasure)
        scrub_audit_entries(erasure)
        delete_queued_tasks(erasure)
        audit.record(record, "cohorts.erasure", by, after={"pseudonym": number})
        doomed = list(erasure.doomed_files)
        transaction.on_commit(lambda: _delete_files(doomed))
    return record


def _delete_files(files) -> None:
    for storage, name in files:
        if name and storage.exists(name):
            storage.delete(name)


def account_names(user) -> set[str]:
    from allauth.account.models import EmailAddress

    names = {user.email, user.first_name, user.last_name, user.get_full_name()}
    names.update(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    return names


def erase_account(erasure: Erasure) -> None:
    """The account: names emptied, the pseudonymous address, no password, no way to sign in."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session
    from wagtail.users.models import UserProfile

    user = erasure.user
    for profile in UserProfile.objects.filter(user=user):
        erasure.delete_file(profile.avatar)
        profile.delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    user.first_name = ""
    user.last_name = ""
    user.email = erasure.email
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _json_forms(needle: str) -> set[str]:
    """How a text may be stored inside JSON (escaped non-ASCII on some databases)."""
    return {needle, json.dumps(needle)[1:-1]}


def scrub_audit_entries(erasure: Erasure) -> int:
    """Wagtail log entries (every app's audit) naming the person: label and data scrubbed."""
    from wagtail.models import ModelLogEntry, PageLogEntry

    pattern = erasure.pattern()
    if pattern is None:
        return 0
    changed = 0
    for model in (ModelLogEntry, PageLogEntry):
        found = Q()
        for needle in erasure.needles:
            if len(needle.strip()) < MIN_NEEDLE:
                continue
            for form in _json_forms(needle.strip()):
                found |= Q(label__icontains=form) | Q(data_text__icontains=form)
        if not found:
            continue
        entries = model.objects.annotate(data_text=Cast("data", TextField())).filter(found)
        for entry in entries:
            label, data = _scrub(entry.label, pattern), _scrub(entry.data, pattern)
            if label != entry.label or data != entry.data:
                model.objects.filter(pk=entry.pk).update(label=label, data=data)
                changed += 1
    return changed


def delete_queued_tasks(erasure: Erasure) -> int:
    """Tasks (queued or done e-mails) whose arguments or result name the person, as a whole
    word in any case: rows of the database backend, and jobs of every RQ backend's queues
    (:func:`delete_rq_jobs`); the number deleted."""
    pattern = erasure.pattern()
    if pattern is None:
        return 0
    return _delete_task_rows(erasure, pattern) + delete_rq_jobs(pattern)


def _task_text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _delete_task_rows(erasure: Erasure, pattern: re.Pattern) -> int:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend keeps nothing in this database
        return 0
    found = Q()
    for needle in erasure.needles:
        if len(needle.strip()) >= MIN_NEEDLE:
            for form in _json_forms(needle.strip()):
                found |= Q(args_text__icontains=form) | Q(return_text__icontains=form)
    if not found:
        return 0
    candidates = DBTaskResult.objects.annotate(
        args_text=Cast("args_kwargs", TextField()), return_text=Cast("return_value", TextField())
    ).filter(found)
    # The database finds the text anywhere; keep the rows where it is a whole word.
    doomed = [
        row.pk
        for row in candidates.only("pk", "args_kwargs", "return_value")
        if pattern.search(_task_text([row.args_kwargs, row.return_value]))
    ]
    return DBTaskResult.objects.filter(pk__in=doomed).delete()[0]


def _rq_queues() -> list:
    """The RQ queues of every configured ``django_tasks_rq.RQBackend`` (none without one)."""
    try:
        import django_rq
        from django_tasks_rq import RQBackend
    except ImportError:
        return []
    from django_tasks import task_backends

    names = set()
    for backend in task_backends.all():
        if isinstance(backend, RQBackend):
            names.update(backend.queues)
    return [django_rq.get_queue(name) for name in sorted(names)]


def _rq_job_text(job) -> str:
    """A job's arguments as JSON (as the database backend stores them); arguments that no
    longer load are searched in their stored form."""
    from rq.exceptions import DeserializationError

    try:
        return _task_text({"args": list(job.args), "kwargs": dict(job.kwargs)})
    except DeserializationError:
        return bytes(job.data).decode("utf-8", errors="replace")


def delete_rq_jobs(pattern: re.Pattern) -> int:
    """Delete the jobs whose arguments match ``pattern`` (:meth:`Erasure.pattern`) from every
    registry of the RQ backends' queues: waiting, scheduled, deferred, finished, failed and
    cancelled, with their results. A job a worker is running is left alone (its worker still
    needs it); the number of jobs deleted.

    Redis is not part of the database transaction: the jobs are gone even if the erasure is
    rolled back afterwards. An unreachable Redis raises, so that the erasure is not recorded
    as complete while the person's e-mails still wait in the queue."""
    from rq.job import Job, JobStatus

    deleted = 0
    for queue in _rq_queues():
        registries = (
            queue.scheduled_job_registry,
            queue.deferred_job_registry,
            queue.finished_job_registry,
            queue.failed_job_registry,
            queue.canceled_job_registry,
        )
        job_ids = set(queue.get_job_ids())
        for registry in registries:
            job_ids.update(registry.get_job_ids())
        jobs = Job.fetch_many(
            sorted(job_ids), connection=queue.connection, serializer=queue.serializer
        )
        for job in jobs:
            if job is None:  # expired or deleted meanwhile
                continue
            if not pattern.search(_rq_job_text(job)):
                continue
            if job.get_status(refresh=True) == JobStatus.STARTED:
                continue
            job.delete(remove_from_queue=True)
            deleted += 1
    return deleted


# -- The cohorts app's part -----------------------------------------------------------------------


def _applications(user):
    return Application.objects.filter(applicant=user).order_by("pk")


def cohorts_names(user) -> set[str]:
    names = set()
    for application in _applications(user):
        names.update(
            (
                application.family_name,
                application.given_names,
                application.native_name,
                application.display_name,
                f"{application.given_names} {application.family_name}",
                f"{application.family_name} {application.given_names}",
            )
        )
        logistics = Logistics.objects.filter(application=application).first()
        if logistics is not None:
            names.add(logistics.passport_name_correction)
    names.update(
        Nomination.objects.filter(Q(application__applicant=user) | Q(email__iexact=user.email))
        .values_list("name", flat=True)
        .distinct()
    )
    return {name for name in names if name and name.strip()}


def cohorts_exporter(export: Export) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from wagtail.users.models import UserProfile

    user = export.user
    export.add("account", [user])
    export.add("email_addresses", EmailAddress.objects.filter(user=user).order_by("pk"))
    export.add(
        "authenticators",
        Authenticator.objects.filter(user=user).order_by("pk"),
        skip=("data",),
    )
    profiles = list(UserProfile.objects.filter(user=user).order_by("pk"))
    for row, profile in zip(export.add("admin_profile", profiles), profiles, strict=True):
        row["archive_path"] = export.add_file("admin_profile", profile, profile.avatar)
    export.add("roles", RoleGrant.objects.filter(user=user).order_by("pk"))
    applications = list(_applications(user))
    export.add("applications", applications)
    files = ApplicationFile.objects.filter(application__in=applications).order_by("pk")
    for row, upload in zip(export.add("application_files", files), files, strict=True):
        row["archive_path"] = export.add_file(
            "application_files", upload, upload.file, upload.original_name
        )
    export.add(
        "nominations",
        Nomination.objects.filter(Q(application__in=applications) | Q(email__iexact=user.email))
        .distinct()
        .order_by("pk"),
        skip=("invited_by",),
    )
    export.add("logistics", Logistics.objects.filter(application__in=applications).order_by("pk"))
    export.add(
        "invitation_letters",
        InvitationLetter.objects.filter(application__in=applications).order_by("pk"),
    )
    export.add(
        "reviews_of_my_applications",
        ReviewAssignment.objects.filter(
            application__in=applications, submitted_at__isnull=False
        ).order_by("pk"),
        skip=("reviewer", "assigned_by"),
    )
    export.add("alumni_profile", AlumniProfile.objects.filter(user=user))


# Application fields kept for the figures (rule 3); every other text is emptied.
APPLICATION_TEXTS = (
    "family_name",
    "given_names",
    "native_name",
    "position_detail",
    "school_name",
    "phone",
    "motivation",
    "endorsement_comment",
)


def cohorts_eraser(erasure: Erasure) -> None:
    user = erasure.user
    applications = _applications(user)
    for upload in ApplicationFile.objects.filter(application__applicant=user):
        erasure.delete_file(upload.file)
    ApplicationFile.objects.filter(application__applicant=user).delete()
    applications.update(answers={}, **{field: "" for field in APPLICATION_TEXTS})
    Logistics.objects.filter(application__applicant=user).update(
        passport_name_correction="",
        arrival_details="",
        departure_details="",
        dietary_needs="",
        accessibility_needs="",
    )
    ReviewAssignment.objects.filter(application__applicant=user).update(comment="")
    from .models import ConflictOfInterest

    ConflictOfInterest.objects.filter(application__applicant=user).update(reason="")
    Nomination.objects.filter(Q(application__applicant=user) | Q(email__iexact=user.email)).update(
        name="", message="", email=erasure.email
    )
    RoleGrant.objects.filter(user=user).delete()
    AlumniProfile.objects.filter(user=user).delete()


# -- Retention ------------------------------------------------------------------------------------


@dataclasses.dataclass
class RetentionResult:
    cohort: Cohort
    files: int
    applications: int


def retention_due(now: dt.datetime | None = None):
    """Cohorts with a retention period whose call closed that many days ago or more."""
    now = now or timezone.now()
    for cohort in Cohort.objects.filter(retention_days__isnull=False).order_by("closes_at", "pk"):
        if cohort.closes_at + dt.timedelta(days=cohort.retention_days) <= now:
            yield cohort


def apply_retention(now: dt.datetime | None = None, user=None) -> list[RetentionResult]:
    """Delete unsuccessful applicants' files of every cohort past its retention period (rule 6);
    one audit entry per cohort where something was deleted."""
    results = []
    for cohort in retention_due(now):
        files = list(
            ApplicationFile.objects.filter(application__cohort=cohort).exclude(
                application__status__in=SEAT_HOLDING
            )
        )
        if not files:
            results.append(RetentionResult(cohort, 0, 0))
            continue
        applications = len({upload.application_id for upload in files})
        with transaction.atomic():
            ApplicationFile.objects.filter(pk__in=[upload.pk for upload in files]).delete()
            audit.record(
                cohort,
                "cohorts.retention",
                user,
                files=len(files),
                applications=applications,
                retention_days=cohort.retention_days,
            )
            doomed = [(upload.file.storage, upload.file.name) for upload in files]
            transaction.on_commit(lambda doomed=doomed: _delete_files(doomed))
        results.append(RetentionResult(cohort, len(files), applications))
    return results


def register_cohorts() -> None:
    register("cohorts", exporter=cohorts_exporter, eraser=cohorts_eraser, names=cohorts_names)
