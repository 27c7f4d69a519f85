"""The demo's certificate template of a finished cohort (ASLP 2024 and ASLP 2025): wording of
the three kinds in the eleven certificate languages, two signatories with signature images, the
programme's logo and colours; and ASLP 2024's certificates, issued.

ASLP 2025's certificates are not issued by the demo: certificate staff issue them from the
admin (Certificates > ASLP 2025 > Issue certificates), or ``manage.py issue_certificates
--cohort aslp-2025``. ASLP 2024's are issued by ``issue_all`` as a bulk issue would issue them
(``assessments.issuing.run_batch``, speakers included, no e-mails), once: a cohort that has a
batch already is left alone. Loading again changes nothing that exists.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import ContentFile

from cohorts.models import Cohort

from .certificates import samples
from .models import (
    CertificateBatch,
    CertificateKind,
    CertificateSignatory,
    CertificateTemplate,
    CertificateWording,
)

ATTENDANCE = {
    "en": (
        "Certificate of Attendance",
        "This certifies that {name} took part in {programme} ({cohort}), {dates}.",
        "Issued on",
    ),
    "ko": (
        "참가 확인서",
        "{name} 님은 {dates} 동안 {programme}({cohort})에 참가하였음을 확인합니다.",
        "발급일",
    ),
    "ja": (
        "参加証明書",
        "{name}殿は、{dates}に{programme}（{cohort}）に参加したことを証します。",
        "発行日",
    ),
    "zh-hans": ("参加证明", "兹证明{name}于{dates}参加了{programme}（{cohort}）。", "颁发日期"),
    "zh-hant": ("參加證明", "茲證明{name}於{dates}參加了{programme}（{cohort}）。", "頒發日期"),
    "th": (
        "หนังสือรับรองการเข้าร่วม",
        "ขอรับรองว่า {name} ได้เข้าร่วมหลักสูตร {programme} ({cohort}) ระหว่างวันที่ {dates}",
        "ออกให้ ณ วันที่",
    ),
    "vi": (
        "Giấy chứng nhận tham dự",
        "Chứng nhận {name} đã tham dự {programme} ({cohort}), {dates}.",
        "Ngày cấp",
    ),
    "id": (
        "Sertifikat Keikutsertaan",
        "Dengan ini menyatakan bahwa {name} telah mengikuti {programme} ({cohort}), {dates}.",
        "Diterbitkan pada",
    ),
    "ms": (
        "Sijil Penyertaan",
        "Dengan ini disahkan bahawa {name} telah menyertai {programme} ({cohort}), {dates}.",
        "Dikeluarkan pada",
    ),
    "ru": (
        "Свидетельство об участии",
        "Настоящим удостоверяется, что {name} принял(а) участие в программе «{programme}» "
        "({cohort}), {dates}.",
        "Дата выдачи",
    ),
    "es": (
        "Certificado de asistencia",
        "Se certifica que {name} participó en {programme} ({cohort}), {dates}.",
        "Expedido el",
    ),
}

APPRECIATION = {
    "en": (
        "Certificate of Appreciation",
        "With sincere thanks to {name} for contributing as a speaker to {programme} "
        "({cohort}), {dates}.",
        "Issued on",
    ),
    "ko": (
        "감사장",
        "{name} 님께서 {programme}({cohort})에 강연자로 기여해 주신 데 깊이 감사드립니다. {dates}",
        "발급일",
    ),
    "ja": (
        "感謝状",
        "{name}様には、{programme}（{cohort}）において講師としてご尽力いただきましたことに"
        "深く感謝いたします。{dates}",
        "発行日",
    ),
    "zh-hans": (
        "感谢状",
        "衷心感谢{name}作为演讲嘉宾为{programme}（{cohort}）所作的贡献。{dates}",
        "颁发日期",
    ),
    "zh-hant": (
        "感謝狀",
        "衷心感謝{name}擔任講者，為{programme}（{cohort}）所作的貢獻。{dates}",
        "頒發日期",
    ),
    "th": (
        "ประกาศเกียรติคุณ",
        "ขอขอบคุณ {name} ที่ได้ร่วมเป็นวิทยากรในหลักสูตร {programme} ({cohort}) ระหว่างวันที่ {dates}",
        "ออกให้ ณ วันที่",
    ),
    "vi": (
        "Giấy ghi nhận đóng góp",
        "Trân trọng cảm ơn {name} đã đóng góp với vai trò diễn giả cho {programme} "
        "({cohort}), {dates}.",
        "Ngày cấp",
    ),
    "id": (
        "Piagam Penghargaan",
        "Dengan terima kasih kepada {name} atas kontribusinya sebagai narasumber dalam "
        "{programme} ({cohort}), {dates}.",
        "Diterbitkan pada",
    ),
    "ms": (
        "Sijil Penghargaan",
        "Setinggi-tinggi terima kasih kepada {name} atas sumbangan sebagai penceramah dalam "
        "{programme} ({cohort}), {dates}.",
        "Dikeluarkan pada",
    ),
    "ru": (
        "Благодарственное письмо",
        "Выражается благодарность: {name} — за выступление в программе «{programme}» "
        "({cohort}), {dates}.",
        "Дата выдачи",
    ),
    "es": (
        "Certificado de reconocimiento",
        "Con sincero agradecimiento a {name} por su contribución como ponente en {programme} "
        "({cohort}), {dates}.",
        "Expedido el",
    ),
}


def wordings() -> dict[str, dict[str, tuple[str, str, str]]]:
    """The demo wording: kind -> language -> (title, body, issue date label)."""
    completion = {
        language: (text.title, text.body, text.issued_label)
        for language, text in samples.TEXTS.items()
    }
    return {
        CertificateKind.COMPLETION: completion,
        CertificateKind.ATTENDANCE: ATTENDANCE,
        CertificateKind.APPRECIATION: APPRECIATION,
    }


def load_template(cohort: Cohort) -> str:
    """The cohort's certificate template, made once."""
    template = CertificateTemplate.objects.filter(cohort=cohort).first()
    if template is None:
        programme = cohort.programme
        template = CertificateTemplate.objects.create(
            cohort=cohort,
            issuer=programme.organisation_name or programme.title,
            hours=Decimal("60"),
            logo=ContentFile(samples.sample_logo(), name="logo.png"),
        )
        CertificateSignatory.objects.create(
            template=template,
            sort_order=0,
            name=programme.letter_signatory_name or "Dr. Seo-yeon Han",
            title=programme.letter_signatory_title or "Director",
            signature=ContentFile(samples.sample_signature(), name="signature.png"),
        )
        CertificateSignatory.objects.create(
            template=template,
            sort_order=1,
            name="Prof. Daniel Reyes",
            title="Chair, Programme Committee",
        )
        order = 0
        for kind, by_language in wordings().items():
            for language, (title, body, label) in by_language.items():
                CertificateWording.objects.create(
                    template=template,
                    sort_order=order,
                    kind=kind,
                    language_code=language,
                    title=title,
                    body=body,
                    issued_label=label,
                )
                order += 1
    count = template.wordings.count()
    return f"certificate template with {count} wordings"


def issue_all(cohort: Cohort) -> str:
    """Issue the cohort's certificates in one batch (without e-mails) unless it has a batch."""
    from . import issuing

    batches = CertificateBatch.objects.filter(cohort=cohort)
    if not batches.exists():
        batch = CertificateBatch.objects.create(
            cohort=cohort, include_speakers=True, send_email=False
        )
        issuing.run_batch(batch)
    issued = cohort.certificates.count()
    return f"{issued} certificates issued"
