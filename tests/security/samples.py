"""The sample world of the permission matrix: the objects programme routes name in their URLs.

Cohort X (``SAMPLE_COHORT``) holds applicant A's submitted application from economy X
(``SAMPLE_ECONOMY``, with a CV), assigned to the reviewer; cohort Y exists for the organizer of Y.
Route rules name their sample path as a template (``/manage/{cohort}/applications/{application}/``);
:func:`fill_sample` builds what it needs and fills it in.
"""

from __future__ import annotations

from aslp_site.core.routes import SAMPLE_COHORT, SAMPLE_ECONOMY
from cohorts.models import (
    Application,
    ApplicationStatus,
    Cohort,
    FileKind,
    Nomination,
    ReviewAssignment,
    Role,
)
from tests.cohorts import factories

ECONOMY_Y = "THA"
COHORT_Y = "cohort-y"


def cohorts_world() -> tuple[Cohort, Cohort]:
    """Cohorts X and Y (created once per test)."""
    x = Cohort.objects.filter(slug=SAMPLE_COHORT).first() or factories.cohort(
        SAMPLE_COHORT, quotas={SAMPLE_ECONOMY: 2, ECONOMY_Y: 2}
    )
    y = Cohort.objects.filter(slug=COHORT_Y).first() or factories.cohort(
        COHORT_Y, quotas={SAMPLE_ECONOMY: 2, ECONOMY_Y: 2}
    )
    return x, y


def _with_role(email: str, role: str, cohort: str | None, economy: str | None):
    def make():
        x, y = cohorts_world()
        person = factories.user(email)
        scope = {"x": x, "y": y, None: None}[cohort]
        factories.grant(person, role, scope, economy)
        return person

    return make


def _participant():
    x, _y = cohorts_world()
    person = factories.user("participant@example.org")
    factories.application(
        x, person, economy_code=ECONOMY_Y, status=ApplicationStatus.CONFIRMED, with_files=True
    )
    return person


# Role name -> builder; merged into tests/security/conftest.py's ROLES.
PROGRAMME_ROLES = {
    "participant": _participant,
    "coordinator_x": _with_role("coordinator-x@example.org", Role.COORDINATOR, "x", SAMPLE_ECONOMY),
    "coordinator_y": _with_role("coordinator-y@example.org", Role.COORDINATOR, "x", ECONOMY_Y),
    "reviewer": _with_role("reviewer@example.org", Role.REVIEWER, "x", ECONOMY_Y),
    "organizer_x": _with_role("organizer-x@example.org", Role.ORGANIZER, "x", None),
    "organizer_y": _with_role("organizer-y@example.org", Role.ORGANIZER, "y", None),
    "certificate_staff": _with_role("certificates@example.org", Role.CERTIFICATE_STAFF, None, None),
}


def sample_application(personas) -> Application:
    x, _y = cohorts_world()
    owner = personas["applicant_a"]
    app = Application.objects.filter(cohort=x, applicant=owner).first()
    if app is None:
        app = factories.application(x, owner, economy_code=SAMPLE_ECONOMY, with_files=True)
    return app


ASSESSMENT_PLACEHOLDERS = ("{assignment}", "{submission}", "{subfile}", "{survey}", "{resource}")

TRAINING_PLACEHOLDERS = (
    "{activity}",
    "{session}",
    "{group}",
    "{participant}",
    "{report}",
    "{evidence}",
    "{announcement}",
    "{badge}",
    "{calendar}",
)


def trainings_world(personas) -> dict:
    """Cohort X's training objects (see trainings/routes/rules.py), made on first use."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from trainings.models import (
        Activity,
        ActivityKind,
        Announcement,
        Audience,
        DisseminationEvidence,
        DisseminationKind,
        DisseminationReport,
        ParticipantGroup,
        Stage,
        StageKind,
    )

    x, _y = cohorts_world()
    participant = personas["participant"].participations.get(cohort=x)
    pre, _ = Stage.objects.get_or_create(cohort=x, kind=StageKind.PRE_TRAINING)
    workshop, _ = Stage.objects.get_or_create(cohort=x, kind=StageKind.WORKSHOP)
    start = timezone.now() + dt.timedelta(days=10)
    activity, _ = Activity.objects.get_or_create(
        stage=pre,
        kind=ActivityKind.ONLINE_MEETING,
        defaults={
            "title": "Kick-off meeting",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "online_url": "https://meet.example.org/kick-off",
        },
    )
    group, _ = ParticipantGroup.objects.get_or_create(cohort=x, name="Group A")
    if participant.group_id != group.pk:
        participant.group = group
        participant.save(update_fields=["group"])
    session, _ = Activity.objects.get_or_create(
        stage=workshop,
        kind=ActivityKind.LECTURE,
        defaults={
            "title": "Leading learning",
            "starts_at": start + dt.timedelta(days=30),
            "ends_at": start + dt.timedelta(days=30, hours=1),
            "room": "Hall 1",
        },
    )
    report = DisseminationReport.objects.filter(participant=participant).first()
    if report is None:
        report = DisseminationReport.objects.create(
            participant=participant,
            kind=DisseminationKind.TRAINING,
            held_on=dt.date(2026, 9, 1),
            audience="Teachers of my district",
            educators_reached=40,
            description="A workshop on peer observation.",
        )
    evidence = report.evidence.first()
    if evidence is None:
        evidence = DisseminationEvidence(
            report=report,
            original_name="photo.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )
        evidence.file.save("photo.pdf", ContentFile(b"%PDF-1.4"), save=False)
        evidence.save()
    announcement, _ = Announcement.objects.get_or_create(
        cohort=x,
        subject="Welcome",
        defaults={"audience": Audience.COHORT, "body": "Welcome to the programme."},
    )
    return {
        "activity": activity.pk,
        "session": session.pk,
        "group": group.pk,
        "participant": participant.pk,
        "report": report.pk,
        "evidence": evidence.pk,
        "announcement": announcement.pk,
        "badge": participant.badge_token,
        "calendar": participant.calendar_token,
    }


def assessments_world(personas) -> dict:
    """Cohort X's assignment (the participant persona's submission with one file), survey, and
    the published library resource made from that submission (the persona is its author, who
    agreed to it; the file is published)."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from assessments import library
    from assessments.models import (
        Assignment,
        ConsentState,
        Resource,
        ResourceAuthor,
        ResourceStatus,
        Submission,
        SubmissionFile,
        SubmissionVersion,
        Survey,
    )
    from trainings.models import Activity, ActivityKind, Stage, StageKind

    x, _y = cohorts_world()
    participant = personas["participant"].participations.get(cohort=x)
    pre, _ = Stage.objects.get_or_create(cohort=x, kind=StageKind.PRE_TRAINING)
    now = timezone.now()
    task, _ = Activity.objects.get_or_create(
        stage=pre,
        kind=ActivityKind.ASSIGNMENT,
        defaults={"title": "School profile", "due_at": now + dt.timedelta(days=7)},
    )
    assignment, _ = Assignment.objects.get_or_create(activity=task)
    submission, _ = Submission.objects.get_or_create(assignment=assignment, participant=participant)
    version = submission.versions.first()
    if version is None:
        version = SubmissionVersion.objects.create(
            submission=submission, number=1, submitted_at=now, digest="0" * 64
        )
        # What the application's own submit keeps beside each version.
        submission.version_count, submission.last_submitted_at = 1, now
        submission.save(update_fields=["version_count", "last_submitted_at"])
    subfile = version.files.first()
    if subfile is None:
        subfile = SubmissionFile(
            version=version,
            original_name="profile.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )
        subfile.file.save("profile.pdf", ContentFile(b"%PDF-1.4"), save=False)
        subfile.save()
    survey, _ = Survey.objects.get_or_create(
        cohort=x,
        title="Before the programme",
        defaults={"opens_at": now - dt.timedelta(days=1), "closes_at": now + dt.timedelta(days=9)},
    )
    resource = Resource.objects.filter(submission=submission).first()
    if resource is None:
        resource = Resource.objects.create(
            submission=submission,
            version=version,
            title="A school profile",
            summary="How one school describes itself.",
            body="Our school has 600 pupils.",
            status=ResourceStatus.PUBLISHED,
            published_at=now,
        )
        resource.files.set([subfile])
        ResourceAuthor.objects.create(
            resource=resource,
            participant=participant,
            credit_name="Sample Author",
            consent=ConsentState.GIVEN,
            consent_fingerprint=library.fingerprint(resource),
            consent_at=now,
        )
    return {
        "assignment": assignment.pk,
        "submission": submission.pk,
        "subfile": subfile.pk,
        "survey": survey.pk,
        "resource": resource.pk,
    }


CERTIFICATE_PLACEHOLDERS = ("{certificate}", "{batch}")


def certificates_world(personas) -> dict:
    """The participant persona's valid certificate of cohort X (``{certificate}``), with a
    stored one-page PDF, made on first use."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from assessments.models import BatchStatus, Certificate, CertificateBatch, CertificateKind

    x, _y = cohorts_world()
    participant = personas["participant"].participations.get(cohort=x)
    certificate = Certificate.objects.filter(participant=participant).first()
    if certificate is None:
        pdf = factories.MINIMAL_PDF
        certificate = Certificate(
            cohort=x,
            kind=CertificateKind.COMPLETION,
            participant=participant,
            serial=f"{x.reference_prefix}-000001",
            code="sample-verification-code-x",
            holder_name="Sample Participant",
            holder_name_latin="Sample Participant",
            holder_family_name="Participant",
            language="en",
            languages=["en"],
            issued_on=timezone.localdate(),
            sha256=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
        )
        certificate.pdf.save("sample-certificate.pdf", ContentFile(pdf), save=False)
        certificate.save()
    batch = CertificateBatch.objects.filter(cohort=x).first() or CertificateBatch.objects.create(
        cohort=x, status=BatchStatus.FINISHED
    )
    return {"certificate": certificate.pk, "batch": batch.pk}


ADMIN_PLACEHOLDERS = (
    "{programme}",
    "{cohort_pk}",
    "{question}",
    "{message_template}",
    "{role_grant}",
    "{stage}",
    "{venue}",
    "{speaker}",
    "{topic}",
    "{survey_section}",
    "{survey_question}",
    "{certificate_template}",
    "{economy}",
)


def admin_world(personas) -> dict:
    """The objects of cohort X that the Programme and certificate-template screens of the Wagtail
    admin edit (an application question, an e-mail template, the reviewer's role, a stage, the
    workshop venue, a survey section and question, the certificate template), the shared
    speaker and topic, and the sample economy, made on first use. Each has one Korean
    translation where it can be translated, so the edit forms show an inline row."""
    from assessments.models import (
        CertificateTemplate,
        ResourceTopic,
        SurveyQuestion,
        SurveySection,
    )
    from assessments.models import QuestionKind as SurveyQuestionKind
    from cohorts.models import ApplicationQuestion, MessageKind, MessageTemplate, QuestionKind
    from tests.assessments.certificate_world import make_template
    from trainings.models import Speaker, Stage, StageKind, Venue

    def translated(obj, **fields):
        relation = obj._meta.get_field("translations")  # saved at once, unlike obj.translations
        relation.related_model.objects.get_or_create(
            **{relation.field.name: obj}, language_code="ko", defaults=fields
        )
        return obj.pk

    x, _y = cohorts_world()
    question, _ = ApplicationQuestion.objects.get_or_create(
        cohort=x,
        label="How many teachers work at your school?",
        defaults={"kind": QuestionKind.SHORT_TEXT, "sort_order": 1},
    )
    template, _ = MessageTemplate.objects.get_or_create(
        cohort=x,
        kind=MessageKind.RECEIPT,
        language_code="en",
        defaults={"subject": "We received {reference}", "body": "Dear {name}, thank you."},
    )
    stage, _ = Stage.objects.get_or_create(cohort=x, kind=StageKind.PRE_TRAINING)
    venue, _ = Venue.objects.get_or_create(
        cohort=x, defaults={"name": "Busan campus", "address": "Busan, Republic of Korea"}
    )
    speaker, _ = Speaker.objects.get_or_create(
        name="Dr. Sample Speaker", defaults={"affiliation": "Busan University"}
    )
    topic, _ = ResourceTopic.objects.get_or_create(
        slug="school-leadership", defaults={"name": "School leadership"}
    )
    survey = assessments_world(personas)["survey"]
    section, _ = SurveySection.objects.get_or_create(survey_id=survey, title="Your school")
    survey_question, _ = SurveyQuestion.objects.get_or_create(
        section=section,
        text="How confident are you leading change?",
        defaults={
            "kind": SurveyQuestionKind.LIKERT,
            "scale_points": 5,
            "scale_labels": [{"value": 1, "label": "Low"}, {"value": 5, "label": "High"}],
        },
    )
    certificate_template = CertificateTemplate.objects.filter(cohort=x).first() or make_template(
        x,
        wording={
            "completion": {
                "en": ("Certificate of Completion", "{name} completed {programme}, {dates}.")
            }
        },
    )
    grant = personas["reviewer"].role_grants.get(cohort=x)
    return {
        "programme": translated(x.programme, title="APEC 학교 리더십 프로그램"),
        "cohort_pk": x.pk,
        "question": translated(question, label="학교에 교사가 몇 명 있습니까?"),
        "message_template": template.pk,
        "role_grant": grant.pk,
        "stage": translated(stage, title="온라인 사전 연수"),
        "venue": translated(venue, name="부산 캠퍼스"),
        "speaker": translated(speaker, affiliation="부산대학교"),
        "topic": translated(topic, name="학교 리더십"),
        "survey_section": translated(section, title="여러분의 학교"),
        "survey_question": translated(survey_question, text="변화를 이끌 자신이 있습니까?"),
        "certificate_template": certificate_template.pk,
        "economy": factories.economy(SAMPLE_ECONOMY).pk,
    }


def fill_sample(template: str, personas) -> str:
    x, _y = cohorts_world()
    training = {}
    if any(placeholder in template for placeholder in TRAINING_PLACEHOLDERS):
        training = trainings_world(personas)
    if any(placeholder in template for placeholder in ASSESSMENT_PLACEHOLDERS):
        training.update(assessments_world(personas))
    if any(placeholder in template for placeholder in CERTIFICATE_PLACEHOLDERS):
        training.update(certificates_world(personas))
    if any(placeholder in template for placeholder in ADMIN_PLACEHOLDERS):
        training.update(admin_world(personas))
    app = sample_application(personas)
    review, _created = ReviewAssignment.objects.get_or_create(
        application=app, reviewer=personas["reviewer"]
    )
    cv = app.files.get(kind=FileKind.CV, is_current=True)
    nomination = Nomination.objects.filter(cohort=x, email="nominee@example.org").first()
    if nomination is None:
        nomination = Nomination.objects.create(
            cohort=x,
            economy=factories.economy(SAMPLE_ECONOMY),
            email="nominee@example.org",
            name="Nominee",
        )
    return template.format(
        cohort=x.slug,
        application=app.pk,
        file=cv.pk,
        review=review.pk,
        token=nomination.token,
        nomination=nomination.token,
        **training,
    )


def sample_for(rule, personas) -> str:
    """The concrete path of a rule that names objects."""
    if rule.make_sample is not None:
        return rule.make_sample(personas)
    return fill_sample(rule.sample, personas)
