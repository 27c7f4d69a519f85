"""Example certificate content in every language: for the template preview, the demo, the
tests and ``bench/certificates.py``. The wording is example text (the real wording of each
cohort's certificates is edited in the admin); the names are sample holders in each script.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from .render import CertificateData, CertificateText, Signatory

TEXTS = {
    "en": CertificateText(
        "Certificate of Completion",
        "This certifies that {name} has completed {programme} ({cohort}), {dates}, "
        "{hours} hours of training.",
        "Issued on",
    ),
    "ko": CertificateText(
        "수료증",
        "{name} 님은 {programme}({cohort}) 과정을 {dates} 동안 "
        "{hours}시간 이수하였음을 증명합니다.",
        "발급일",
    ),
    "ja": CertificateText(
        "修了証書",
        "{name}殿は、{programme}（{cohort}）を{dates}に修了したことを証します。研修時間：{hours}時間。",
        "発行日",
    ),
    "zh-hans": CertificateText(
        "结业证书",
        "兹证明{name}已于{dates}完成{programme}（{cohort}），共{hours}学时。",
        "颁发日期",
    ),
    "zh-hant": CertificateText(
        "結業證書",
        "茲證明{name}已於{dates}完成{programme}（{cohort}），共{hours}學時。",
        "頒發日期",
    ),
    "th": CertificateText(
        "ประกาศนียบัตร",
        "ขอรับรองว่า {name} ได้ผ่านการอบรมหลักสูตร {programme} ({cohort}) ระหว่างวันที่ {dates} "
        "รวม {hours} ชั่วโมง",
        "ออกให้ ณ วันที่",
    ),
    "vi": CertificateText(
        "Giấy chứng nhận hoàn thành",
        "Chứng nhận {name} đã hoàn thành {programme} ({cohort}), {dates}, {hours} giờ đào tạo.",
        "Ngày cấp",
    ),
    "id": CertificateText(
        "Sertifikat Kelulusan",
        "Dengan ini menyatakan bahwa {name} telah menyelesaikan {programme} ({cohort}), "
        "{dates}, {hours} jam pelatihan.",
        "Diterbitkan pada",
    ),
    "ms": CertificateText(
        "Sijil Tamat Latihan",
        "Dengan ini disahkan bahawa {name} telah menamatkan {programme} ({cohort}), {dates}, "
        "{hours} jam latihan.",
        "Dikeluarkan pada",
    ),
    "ru": CertificateText(
        "Свидетельство об окончании",
        "Настоящим удостоверяется, что {name} завершил(а) программу «{programme}» ({cohort}), "
        "{dates}, {hours} академических часов.",
        "Дата выдачи",
    ),
    "es": CertificateText(
        "Certificado de finalización",
        "Se certifica que {name} ha completado {programme} ({cohort}), {dates}, "
        "{hours} horas de formación.",
        "Expedido el",
    ),
}

PROGRAMME = {
    "en": "School Leadership for Digital Transformation",
    "ko": "디지털 전환을 위한 학교 리더십",
    "ja": "デジタル変革のための学校リーダーシップ",
    "zh-hans": "面向数字化转型的学校领导力",
    "zh-hant": "面向數位轉型的學校領導力",
    "th": "ภาวะผู้นำสถานศึกษาเพื่อการเปลี่ยนผ่านสู่ดิจิทัล",
    "vi": "Lãnh đạo nhà trường cho chuyển đổi số",
    "id": "Kepemimpinan Sekolah untuk Transformasi Digital",
    "ms": "Kepimpinan Sekolah untuk Transformasi Digital",
    "ru": "Школьное лидерство для цифровой трансформации",
    "es": "Liderazgo escolar para la transformación digital",
}

# (language, native name, Latin name): a name in each language's script.
HOLDERS = [
    ("en", "Jane Smith", ""),
    ("ko", "김민준", "Kim Minjun"),
    ("ja", "山田 花子", "Yamada Hanako"),
    ("zh-hans", "张伟", "Zhang Wei"),
    ("zh-hant", "陳美玲", "Chen Meiling"),
    ("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak"),
    # ุ under ฐ (the consonant loses its descender: a glyph with no character of its own),
    # ู and ิ with the tone mark ่ stacked above.
    ("th", "ปิ่นมณี ภู่ฐุติ", "Pinmanee Phuthuti"),
    # Given decomposed (NFD), as some keyboards type it.
    ("vi", unicodedata.normalize("NFD", "Nguyễn Thị Thủy"), "Nguyen Thi Thuy"),
    ("id", "Siti Nurhaliza", ""),
    ("ms", "Nur Aisyah binti Ahmad", ""),
    ("ru", "Анна Иванова", "Anna Ivanova"),
    ("es", "José Martínez Núñez", ""),
]


def sample_certificate(
    language: str = "en",
    name: str | None = None,
    latin: str | None = None,
    **overrides,
) -> CertificateData:
    """A complete certificate for a sample holder in ``language`` (the first of ``HOLDERS``
    in that language unless ``name`` is given); any field can be overridden."""
    if name is None:
        name, latin = next((n, lat) for lang, n, lat in HOLDERS if lang == language)
    values = dict(
        serial="ASLP-2026-000123",
        verification_url="https://aslp.example.org/verify/4f1c2b9e8d7a6b5c4d3e2f1a0b9c8d7e",
        issued_on=dt.date(2026, 3, 20),
        issuer="APEC School Leadership Program",
        holder_language=language,
        holder_name=name,
        holder_name_latin=latin or "",
        texts=TEXTS,
        programme=PROGRAMME,
        cohort="Cohort 2026-1",
        start_date=dt.date(2026, 3, 2),
        end_date=dt.date(2026, 3, 13),
        hours=40,
        signatories=(
            Signatory("Dr. Lee Jiyoung", "Programme Director"),
            Signatory("Prof. Somchai Boonmee", "Dean"),
        ),
    )
    values.update(overrides)
    return CertificateData(**values)


def sample_logo(text: str = "ASLP", colour: str = "#1f3a5f") -> bytes:
    """A PNG logo (600 x 300, transparent background): an emblem and a word."""
    from PIL import Image, ImageDraw, ImageFont

    from . import fonts

    image = Image.new("RGBA", (600, 300), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 280, 280), outline=colour, width=14)
    draw.ellipse((70, 70, 230, 230), fill=colour)
    draw.polygon([(150, 95), (205, 200), (95, 200)], fill="#ffffff")
    font = ImageFont.truetype(str(fonts.instance_path(fonts.FAMILIES["sans"], "bold")), 110)
    draw.text((300, 150), text, fill=colour, font=font, anchor="lm")
    return _png(image)


def sample_signature() -> bytes:
    """A PNG signature (500 x 160, transparent background): a few pen strokes."""
    import math

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (500, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = [
        (30 + t * 4.4, 90 - 45 * math.sin(t / 6.0) * math.exp(-t / 140) + (t % 17) * 0.8)
        for t in range(100)
    ]
    draw.line(points, fill="#10204a", width=5, joint="curve")
    draw.line([(60, 125), (300, 110), (470, 118)], fill="#10204a", width=3)
    return _png(image)


def _png(image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
