"""A cohort ready for certificates, shared by the certificate tests: a template with English,
Korean and Thai wording of completion and attendance (English only for appreciation), rules of
50% onsite attendance, and participants whose outcomes are known:

* Kim (Korea, ko): 3 of 4 sessions: complete;
* Somchai (Thailand, th; a Thai native name): 2 of 4: complete;
* Lee (Korea): 1 of 4: attended, not complete;
* Park (Korea): none: no certificate;
* a speaker of one session (appreciation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from assessments.certificates import samples
from assessments.models import (
    CertificateKind,
    CertificateSignatory,
    CertificateTemplate,
    CertificateWording,
    CompletionRules,
)
from tests.trainings import factories as f
from trainings.models import ActivityKind, Attendance, AttendanceStatus, Speaker

WORDING = {
    CertificateKind.COMPLETION: {
        "en": ("Certificate of Completion", "{name} completed {programme} ({cohort}), {dates}."),
        "ko": ("수료증", "{name} 님은 {programme}({cohort}) 과정을 {dates} 동안 이수하였습니다."),
        "th": ("ประกาศนียบัตร", "ขอรับรองว่า {name} ได้ผ่านการอบรมหลักสูตร {programme}"),
    },
    CertificateKind.ATTENDANCE: {
        "en": ("Certificate of Attendance", "{name} took part in {programme} ({cohort})."),
        "ko": ("참가 확인서", "{name} 님은 {programme}에 참가하였습니다."),
        "th": ("หนังสือรับรองการเข้าร่วม", "ขอรับรองว่า {name} ได้เข้าร่วม {programme}"),
    },
    CertificateKind.APPRECIATION: {
        "en": ("Certificate of Appreciation", "With thanks to {name}, speaker at {programme}."),
    },
}


def make_template(cohort, *, wording=WORDING) -> CertificateTemplate:
    template = CertificateTemplate.objects.create(
        cohort=cohort, issuer="Institute for Collaborative Education", hours=Decimal("40")
    )
    for kind, languages in wording.items():
        for language, (title, body) in languages.items():
            CertificateWording.objects.create(
                template=template, kind=kind, language_code=language, title=title, body=body
            )
    CertificateSignatory.objects.create(
        template=template, name="Dr. Seo-yeon Han", title="Director"
    )
    return template


def certificate_world(slug: str = "cohort-x", *, template: bool = True) -> dict:
    cohort = f.cohort(slug)
    start = timezone.now() - dt.timedelta(days=30)
    sessions = [
        f.activity(
            cohort,
            ActivityKind.LECTURE,
            title=f"Session {n}",
            starts_at=start + dt.timedelta(hours=3 * n),
        )
        for n in range(4)
    ]
    speaker = Speaker.objects.create(name="Maria Santos", native_name="")
    sessions[0].speakers.add(speaker)
    kim = f.participant(
        cohort, f"kim@{slug}.org", family_name="Kim", given_names="Minjun", native_name="김민준"
    )
    somchai = f.participant(
        cohort,
        f"somchai@{slug}.org",
        economy_code="THA",
        family_name="Kittisak",
        given_names="Nattapong",
        native_name="ณัฐพงศ์ กิตติศักดิ์",
    )
    lee = f.participant(cohort, f"lee@{slug}.org", family_name="Lee", given_names="Jiwoo")
    park = f.participant(cohort, f"park@{slug}.org", family_name="Park", given_names="Sora")
    present = AttendanceStatus.PRESENT
    for person, count in ((kim, 3), (somchai, 2), (lee, 1)):
        for session in sessions[:count]:
            Attendance.objects.create(activity=session, participant=person, status=present)
    CompletionRules.objects.create(cohort=cohort, min_attendance_percent=50)
    made = {
        "cohort": cohort,
        "kim": kim,
        "somchai": somchai,
        "lee": lee,
        "park": park,
        "speaker": speaker,
        "sessions": sessions,
    }
    if template:
        made["template"] = make_template(cohort)
    return made


SAMPLE_HOLDERS = samples.HOLDERS
