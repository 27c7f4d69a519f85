"""Assignments', surveys', library and certificates' part of a person's data (the registry is
``cohorts.personal_data``).

Rules:

1. Exported: the person's own submissions with every version and file (and the versions they
   sent for their group), the feedback on them, their identified survey responses with the
   answers, which surveys they completed, their library credits, their certificate details and
   their certificates with each PDF. Anonymous survey responses name nobody, so they cannot be
   found or exported (nor erased).
2. Erased: the texts and files of their own submissions and the feedback comments on them;
   identified survey responses are detached from the participant (the answers stay for the
   results) with any free-text answer emptied; drafts deleted; library credits emptied and the
   search index updated; certificate details deleted.
3. Certificates keep serial, code, status and dates; the names, the credential (it names the
   holder) and the PDF go. :func:`holder_erased` tells the verification page so.
"""

from __future__ import annotations

from django.db.models import Q

from cohorts.personal_data import Erasure, Export, register

from . import keys
from .models import (
    Certificate,
    CertificateDetails,
    Feedback,
    ResourceAuthor,
    Submission,
    SubmissionFile,
    SubmissionVersion,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyDraft,
    SurveyResponse,
)


def holder_erased(certificate: Certificate) -> bool:
    """Whether the holder's name was removed at their request (rule 3): an issued certificate
    otherwise always prints a name."""
    return not certificate.holder_name


def _participants(user):
    from trainings.models import Participant

    return list(Participant.objects.filter(user=user).order_by("pk"))


def _export_files(export: Export, kind: str, rows: list[dict], uploads, attribute: str) -> None:
    for row, upload in zip(rows, uploads, strict=True):
        fieldfile = getattr(upload, attribute)
        row["archive_path"] = export.add_file(
            kind, upload, fieldfile, getattr(upload, "original_name", "")
        )


def exporter(export: Export) -> None:
    user = export.user
    participants = _participants(user)
    submissions = list(Submission.objects.filter(participant__in=participants).order_by("pk"))
    export.add("submissions", submissions)
    versions = list(
        SubmissionVersion.objects.filter(Q(submission__in=submissions) | Q(submitted_by=user))
        .distinct()
        .order_by("pk")
    )
    export.add("submission_versions", versions)
    files = list(SubmissionFile.objects.filter(version__in=[v.pk for v in versions]).order_by("pk"))
    _export_files(export, "submission_files", export.add("submission_files", files), files, "file")
    export.add(
        "feedback",
        Feedback.objects.filter(submission__in=submissions).order_by("pk"),
        skip=("reviewer",),
    )
    responses = list(SurveyResponse.objects.filter(participant__in=participants).order_by("pk"))
    export.add("survey_responses", responses)
    export.add(
        "survey_answers",
        SurveyAnswer.objects.filter(response__in=responses).order_by(
            "response", "question", "item"
        ),
    )
    export.add(
        "survey_completions",
        SurveyCompletion.objects.filter(participant__in=participants).order_by("pk"),
    )
    export.add(
        "survey_drafts",
        [draft for draft in _drafts(participants)],
    )
    export.add(
        "library_credits",
        ResourceAuthor.objects.filter(participant__in=participants).order_by("pk"),
    )
    export.add(
        "certificate_details",
        CertificateDetails.objects.filter(participant__in=participants).order_by("pk"),
    )
    certificates = list(Certificate.objects.filter(participant__in=participants).order_by("pk"))
    rows = export.add(
        "certificates", certificates, skip=("issued_by", "status_changed_by", "batch")
    )
    _export_files(export, "certificates", rows, certificates, "pdf")


def _drafts(participants) -> list[SurveyDraft]:
    if not participants:
        return []
    cohort_ids = {participant.cohort_id for participant in participants}
    wanted = set()
    for survey in Survey.objects.filter(cohort_id__in=cohort_ids):
        for participant in participants:
            if participant.cohort_id == survey.cohort_id:
                wanted.add((survey.pk, keys.draft_key(participant, survey)))
    found = SurveyDraft.objects.filter(
        survey_id__in={pk for pk, _key in wanted}, draft_key__in={key for _pk, key in wanted}
    ).order_by("pk")
    return [draft for draft in found if (draft.survey_id, draft.draft_key) in wanted]


def eraser(erasure: Erasure) -> None:
    participants = _participants(erasure.user)
    submissions = Submission.objects.filter(participant__in=participants)
    files = SubmissionFile.objects.filter(version__submission__in=submissions)
    for upload in files:
        erasure.delete_file(upload.file)
    files.delete()
    SubmissionVersion.objects.filter(submission__in=submissions).update(text="")
    Feedback.objects.filter(submission__in=submissions).update(comment="")
    responses = SurveyResponse.objects.filter(participant__in=participants)
    SurveyAnswer.objects.filter(response__in=responses).exclude(text="").update(text="")
    responses.update(participant=None)
    SurveyDraft.objects.filter(pk__in=[draft.pk for draft in _drafts(participants)]).delete()
    _erase_credits(participants)
    CertificateDetails.objects.filter(participant__in=participants).delete()
    for certificate in Certificate.objects.filter(participant__in=participants):
        erasure.delete_file(certificate.pdf)
        certificate.holder_name = ""
        certificate.holder_name_latin = ""
        certificate.holder_family_name = ""
        certificate.credential = ""
        certificate.pdf = ""
        certificate.save(
            update_fields=[
                "holder_name",
                "holder_name_latin",
                "holder_family_name",
                "credential",
                "pdf",
            ]
        )


def _erase_credits(participants) -> None:
    from wagtail.search import index

    credits = list(
        ResourceAuthor.objects.filter(participant__in=participants).select_related("resource")
    )
    ResourceAuthor.objects.filter(pk__in=[credit.pk for credit in credits]).update(credit_name="")
    for resource in {credit.resource for credit in credits}:
        index.insert_or_update_object(resource)


def names(user) -> set[str]:
    participants = _participants(user)
    found = set()
    for details in CertificateDetails.objects.filter(participant__in=participants):
        found.update((details.native_name, details.latin_name))
    for certificate in Certificate.objects.filter(participant__in=participants):
        found.update(
            (
                certificate.holder_name,
                certificate.holder_name_latin,
                certificate.holder_family_name,
            )
        )
    found.update(
        ResourceAuthor.objects.filter(participant__in=participants).values_list(
            "credit_name", flat=True
        )
    )
    return {name for name in found if name and name.strip()}


def register_assessments() -> None:
    register("assessments", exporter=exporter, eraser=eraser, names=names)
