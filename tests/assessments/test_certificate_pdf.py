"""The certificate PDF engine (assessments/certificates): every language, names in other scripts
(Tamil, CJK on English certificates), text that copies out exactly, language marks, the QR code,
reproducibility, metadata, size, and failing loudly."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
import sys
import unicodedata
import zlib
from pathlib import Path

import pytest
from PIL import Image

from assessments.certificates import (
    LANGUAGES,
    CertificateData,
    CertificateError,
    CertificateText,
    MissingGlyph,
    Signatory,
    UnsupportedLanguage,
    bilingual_languages,
    fonts,
    format_date,
    format_date_range,
    render_certificate,
)
from assessments.certificates.samples import (
    HOLDERS,
    PROGRAMME,
    TEXTS,
    sample_certificate,
    sample_logo,
    sample_signature,
)
from assessments.certificates.text import fit_line, make_runs, width_of, wrap

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdfinfo", "pdffonts"))
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdftoppm, pdfinfo, pdffonts) is not installed"
)

URL = sample_certificate().verification_url
MAX_SIZE = 80 * 1024


def png(width: int, height: int, colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def certificate(language="en", name="Jane Smith", latin="", **overrides) -> CertificateData:
    return sample_certificate(language, name, latin, **overrides)


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    )
    return result.stdout.decode("utf-8")


def lines_of(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def near(pixel, expected, tolerance=2) -> bool:
    return max(abs(a - b) for a, b in zip(pixel, expected, strict=True)) <= tolerance


def without_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_content(pdf: bytes) -> bytes:
    """The page's content stream, decoded (reportlab writes it ASCII85 + Flate)."""
    match = re.search(rb"/ASCII85Decode /FlateDecode \].*?stream\r?\n(.*?)~>", pdf, re.S)
    return zlib.decompress(base64.a85decode(b"<~" + match.group(1) + b"~>", adobe=True))


def fresh_process_sha256(language: str, name: str, latin: str) -> str:
    """The SHA-256 of ``sample_certificate(language, name, latin)`` rendered by a new process."""
    script = (
        "import hashlib, sys, django; django.setup()\n"
        "from assessments.certificates import render_certificate\n"
        "from assessments.certificates.samples import sample_certificate\n"
        "data = sample_certificate(*sys.argv[1:])\n"
        "print(hashlib.sha256(render_certificate(data)).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "-c", script, language, name, latin],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]


# Names from Singapore and Malaysia in Tamil script, with their Latin spelling; the certificate
# is in English or Malay (Tamil is no certificate language).
TAMIL_HOLDERS = [
    ("ms", "பிரியா இராமசாமி", "Priya Ramasamy"),
    ("en", "கவிதா சுப்பிரமணியம்", "Kavitha Subramaniam"),
    ("en", "ராஜேஷ் கிருஷ்ணன்", "Rajesh Krishnan"),
]


@needs_poppler
@pytest.mark.parametrize(("language", "name", "latin"), HOLDERS)
def test_names_and_programme_copy_out_exactly(tmp_path, language, name, latin):
    pdf = render_certificate(certificate(language, name, latin))
    text = pdftotext(pdf, tmp_path)
    lines = lines_of(text)

    nfc_name = unicodedata.normalize("NFC", name)
    assert nfc_name in lines  # the name on a line of its own, exactly as written (NFC)
    if latin:
        assert latin in lines
    # The programme title in English and in the holder's language (body text may wrap: only
    # whitespace is normalised).
    for lang in bilingual_languages(language):
        assert without_whitespace(PROGRAMME[lang]) in without_whitespace(text)
    # Nothing drawn from private-use code points, no decomposed accents left over.
    assert not re.search("[\ue000-\uf8ff]", text)
    assert unicodedata.normalize("NFC", text) == text
    assert "ASLP-2026-000123" in lines


@needs_poppler
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_single_and_bilingual_within_size(tmp_path, language):
    name = {h[0]: h[1] for h in HOLDERS}[language]
    bilingual = render_certificate(certificate(language, name))
    single = render_certificate(certificate(language, name, languages=(language,)))

    assert len(bilingual) <= MAX_SIZE
    assert len(single) <= MAX_SIZE
    single_text = without_whitespace(pdftotext(single, tmp_path))
    title = without_whitespace(TEXTS[language].title)
    assert title in single_text
    if language != "en":
        assert without_whitespace(TEXTS["en"].title) not in single_text


@needs_poppler
@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_qr_code_decodes_to_the_verification_url(tmp_path, language):
    import zxingcpp

    name = {h[0]: h[1] for h in HOLDERS}[language]
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(certificate(language, name)))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )

    # Only QR codes: zxing also "finds" a MaxiCode in the page's texture.
    results = zxingcpp.read_barcodes(
        Image.open(tmp_path / "page.png"), formats=zxingcpp.BarcodeFormat.QRCode
    )

    assert [result.text for result in results] == [URL]


def test_same_data_same_bytes():
    data = certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak")

    first = render_certificate(data)
    second = render_certificate(certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak"))

    assert first == second
    assert b"/CreationDate (D:20260320000000+00'00')" in first


def test_same_bytes_in_a_fresh_process():
    # Shaping alternates get their codes when the Thai face is registered, not in the order a
    # process happens to meet them: a worker that rendered other Thai names first agrees with
    # a fresh one. Other PDFs of the project register Debian's (older) Noto Sans Thai, whose
    # face name is the same: it must not take the place of the certificate's Thai face.
    from cohorts.letters import fallback_fonts

    fallback_fonts()
    render_certificate(certificate("th", "ญุ ฐู ปั้ญุ่", ""))
    data = certificate("th", "ปิ่นมณี ภู่ฐุติ", "Pinmanee Phuthuti")

    out = fresh_process_sha256("th", "ปิ่นมณี ภู่ฐุติ", "Pinmanee Phuthuti")

    assert out == hashlib.sha256(render_certificate(data)).hexdigest()


def test_tamil_same_bytes_in_a_fresh_process():
    # Tamil ligatures (க்ஷ, ஸ்ரீ, ழு) and vowel-sign variants have no character of their own
    # either: a worker that drew other Tamil names first agrees with a fresh one.
    render_certificate(certificate("en", "க்ஷமா ஸ்ரீ ழுகொ", ""))
    data = certificate("en", "ராஜேஷ் கிருஷ்ணன்", "Rajesh Krishnan")

    out = fresh_process_sha256("en", "ராஜேஷ் கிருஷ்ணன்", "Rajesh Krishnan")

    assert out == hashlib.sha256(render_certificate(data)).hexdigest()


def test_different_data_different_bytes():
    assert render_certificate(certificate()) != render_certificate(
        certificate(serial="ASLP-2026-000124")
    )


@needs_poppler
def test_metadata_title_author_and_language(tmp_path):
    path = tmp_path / "certificate.pdf"
    pdf = render_certificate(certificate("ko", "김민준", "Kim Minjun"))
    path.write_bytes(pdf)

    info = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True
    ).stdout.decode("utf-8")
    fields = dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in info.splitlines() if ":" in line)
    )

    assert fields["Title"] == "Certificate of Completion – Kim Minjun"
    assert fields["Author"] == "APEC School Leadership Program"
    assert fields["Subject"] == "ASLP-2026-000123"
    assert b"/Lang (en)" in pdf
    assert b"/Lang (ko)" in render_certificate(
        certificate("ko", "김민준", "Kim Minjun", languages=("ko",))
    )


def test_second_language_lines_are_marked_with_their_language():
    pdf = render_certificate(certificate("ko", "김민준", "Kim Minjun"))
    content = page_content(pdf)

    assert b"/Lang (en)" in pdf  # the document
    # The Korean title, name, body (one line) and issue date; no English line is marked.
    assert content.count(b"/Span <</Lang (ko)>> BDC") == 4
    assert b"/Lang (en)" not in content
    assert content.count(b"BDC") == content.count(b"EMC") == 4
    single = page_content(
        render_certificate(certificate("ko", "김민준", "Kim Minjun", languages=("ko",)))
    )
    assert b"BDC" not in single


def test_tamil_runs_are_marked_as_tamil_with_their_text():
    pdf = render_certificate(certificate("ms", "பிரியா இராமசாமி", "", languages=("en", "ms")))
    content = page_content(pdf)

    priya = "பிரியா".encode("utf-16-be").hex().upper()
    # In the name, the English body and the Malay body (no Latin name given): பிரியா is
    # shaped (ி takes another form after ப), இராமசாமி needs nothing but its language.
    assert content.count(f"/Span <</ActualText <FEFF{priya}> /Lang (ta)>> BDC".encode()) == 3
    assert content.count(b"/Span <</Lang (ta)>> BDC") == 3
    # The Malay title, name, body (two lines) and issue date.
    assert content.count(b"/Span <</Lang (ms)>> BDC") == 5
    assert content.count(b"BDC") == content.count(b"EMC") == 11


def test_thai_runs_carry_a_language_only_outside_thai_lines():
    thai = certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak")
    content = page_content(render_certificate(thai))

    assert content.count(b"/Span <</Lang (th)>> BDC") == 5  # title, name, body (2), date
    assert not re.search(rb"/ActualText <[0-9A-F]+> /Lang", content)
    # Without a Latin name, the English body names the holder in Thai.
    no_latin = page_content(render_certificate(certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "")))
    assert len(re.findall(rb"/ActualText <[0-9A-F]+> /Lang \(th\)>> BDC", no_latin)) == 2


@needs_poppler
def test_fonts_are_embedded_subsets(tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(certificate("ja", "山田 花子", "Yamada Hanako")))

    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    rows = out.stdout.splitlines()[2:]

    assert rows
    for row in rows:
        columns = row.split()
        assert re.match(r"^[A-Z]{6}\+", columns[0]), row  # subset prefix
        assert columns[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, ToUnicode
    assert not any("Helvetica" in row for row in rows)


def test_a_character_no_font_covers_raises():
    data = certificate("en", "Jane \U00010900 Smith")  # PHOENICIAN LETTER ALF

    with pytest.raises(MissingGlyph) as excinfo:
        render_certificate(data)

    assert excinfo.value.char == "\U00010900"
    assert "U+10900 PHOENICIAN LETTER ALF" in str(excinfo.value)


@pytest.mark.parametrize("language", ["en", "ms", "ko", "th"])
def test_a_script_we_do_not_cover_raises(language):
    # Georgian: Debian ships a Noto face for it, but the certificates do not use it.
    with pytest.raises(MissingGlyph) as excinfo:
        render_certificate(certificate(language, "ნინო", "Nino"))

    assert excinfo.value.char == "ნ"
    assert excinfo.value.language == language
    assert str(excinfo.value) == (
        f"no certificate font covers U+10DC GEORGIAN LETTER NAR in 'ნინო' ({language})"
    )


@needs_poppler
@pytest.mark.parametrize(("language", "name", "latin"), TAMIL_HOLDERS)
def test_tamil_names_copy_out_exactly(tmp_path, language, name, latin):
    data = certificate(
        language, name, latin, languages=("en", "ms") if language == "ms" else ("en",)
    )

    pdf = render_certificate(data)
    text = pdftotext(pdf, tmp_path)
    lines = lines_of(text)

    assert name in lines
    assert latin in lines
    assert not re.search("[\ue000-\uf8ff]", text)
    # Malay and English are written in Latin letters: their text names the holder in them.
    if language == "ms":
        assert f"Dengan ini disahkan bahawa {latin} telah menamatkan" in " ".join(lines)
    assert f"This certifies that {latin} has completed" in " ".join(lines)
    assert len(pdf) <= MAX_SIZE
    fonts_out = subprocess.run(
        ["pdffonts", str(tmp_path / "certificate.pdf")], check=True, capture_output=True, text=True
    ).stdout
    assert "CertNotoSansTamil-bold" in fonts_out  # the name (the text uses the Latin one)


@pytest.mark.parametrize(
    ("text", "glyphs"),
    [
        # The vowel sign ொ is drawn in two parts around its consonant: ெ before, ா after.
        ("கொ", "\u0bc6\u0b95\u0bbe"),
        # ே is drawn before ஜ.
        ("ஜே", "\u0bc7\u0b9c"),
    ],
)
def test_tamil_vowel_signs_are_reordered(text, glyphs):
    (run,) = make_runs(text, "en", 30)

    assert run.shaped
    assert run.glyphs == glyphs
    assert run.text == text
    assert run.font == "CertNotoSansTamil-regular"
    assert run.lang == "ta"


@pytest.mark.parametrize("text", ["ழு", "க்ஷ", "ஸ்ரீ", "ஷ்"])
def test_tamil_ligatures_are_one_glyph(text):
    # One glyph with no character of its own (a private-use code in the font's subset); the
    # text copied out comes from the run's /ActualText.
    (run,) = make_runs(text, "en", 30)

    assert len(run.glyphs) == 1
    assert "\ue000" <= run.glyphs <= "\uf8ff"
    assert run.text == text


@needs_poppler
@pytest.mark.parametrize(
    ("name", "latin", "face"),
    [
        ("陈伟玲", "Tan Wei Ling", "CertNotoSansSC-bold"),  # Singapore, simplified
        ("山田はなこ", "Yamada Hanako", "CertNotoSansJP-bold"),  # kana: the Japanese face
        ("김민준", "Kim Minjun", "CertNotoSansKR-bold"),
    ],
)
def test_cjk_names_on_an_english_certificate(tmp_path, name, latin, face):
    pdf = render_certificate(certificate("en", name, latin))
    lines = lines_of(pdftotext(pdf, tmp_path))

    assert name in lines
    assert latin in lines
    assert f"This certifies that {latin} has completed" in " ".join(lines)
    # One face for the whole name: the Korean face also has 玲 but not 陈 or 伟, and a name
    # must not mix the glyph styles of two faces.
    assert [run.font for run in fit_line(name, "en", 30, 700, "bold")] == [face]


@needs_poppler
def test_babel_spaces_and_fullwidth_tilde_are_drawn(tmp_path):
    # babel's Japanese range has a fullwidth tilde, its English and Russian ones thin and narrow
    # no-break spaces that the CJK faces lack: another face draws them, nothing is dropped.
    assert "\u2009" in format_date_range(dt.date(2026, 3, 2), dt.date(2026, 3, 13), "en")
    assert "～" in format_date_range(dt.date(2026, 3, 2), dt.date(2026, 3, 13), "ja")
    pdf = render_certificate(certificate("ja", "山田 花子", "Yamada Hanako"))

    text = pdftotext(pdf, tmp_path)

    assert "2026年3月2日～13日" in without_whitespace(text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_logos_and_signatures_within_size(language):
    signature = sample_signature()
    data = certificate(
        language,
        *next((n, lat) for lang, n, lat in HOLDERS if lang == language),
        logos=(sample_logo(), sample_logo("APEC", "#b08d3c")),
        signatories=(
            Signatory("Dr. Lee Jiyoung", "Programme Director", signature),
            Signatory("Trần Văn An", "Giám đốc", signature),
            Signatory("Prof. Ana López", "Dean"),
        ),
        primary_colour="#7a1f1f",
        secondary_colour="#2e6b3a",
    )

    pdf = render_certificate(data)

    assert pdf.startswith(b"%PDF-")
    assert len(pdf) <= MAX_SIZE
    assert pdf == render_certificate(data)


@needs_poppler
def test_logo_pixels_and_transparency(tmp_path):
    # One 400 x 200 logo, left half transparent, right half red: drawn 92 x 46 pt, centred at
    # the top (x 421, 81 pt from the top edge).
    image = Image.new("RGBA", (400, 200), (255, 0, 0, 255))
    image.paste((0, 0, 255, 0), (0, 0, 200, 200))
    logo = io.BytesIO()
    image.save(logo, format="PNG")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(certificate(logos=(logo.getvalue(),))))
    subprocess.run(
        ["pdftoppm", "-r", "72", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )

    page = Image.open(tmp_path / "page.png").convert("RGB")

    # Within 2 of each channel: scaling the logo down to 200 dpi rounds a little.
    assert near(page.getpixel((444, 81)), (255, 0, 0))
    assert near(page.getpixel((398, 81)), (255, 255, 255))


def test_not_an_image_raises():
    with pytest.raises(CertificateError, match="not a readable image"):
        render_certificate(certificate(logos=(b"not a png",)))


def test_unknown_placeholder_missing_text_and_bad_colour_raise():
    texts = {**TEXTS, "en": CertificateText("Certificate", "Hello {nme}")}
    with pytest.raises(CertificateError, match=r"unknown placeholder \{nme\}"):
        render_certificate(certificate(texts=texts))
    with pytest.raises(CertificateError, match="no certificate text in 'th'"):
        render_certificate(certificate("th", "สมชาย", texts={"en": TEXTS["en"]}))
    with pytest.raises(CertificateError, match="colour 'red' is not #rrggbb"):
        render_certificate(certificate(primary_colour="red"))
    with pytest.raises(MissingGlyph):
        render_certificate(certificate("th", "สมชาย \ue001"))
    with pytest.raises(UnsupportedLanguage):
        render_certificate(certificate("fr", "Jean Dupont"))


def test_placeholders_filled_per_language():
    from assessments.certificates.render import placeholder_values

    values = placeholder_values(certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak"), "th")
    english = placeholder_values(certificate("th", "ณัฐพงศ์ กิตติศักดิ์", "Nattapong Kittisak"), "en")

    assert values == {
        "name": "ณัฐพงศ์ กิตติศักดิ์",
        "programme": PROGRAMME["th"],
        "cohort": "Cohort 2026-1",
        "dates": "2–13 มีนาคม 2569",
        "hours": "40",
    }
    assert english["name"] == "Nattapong Kittisak"
    assert english["dates"] == "Mar 2\u2009–\u200913, 2026"


def test_dates_thai_buddhist_era_and_bilingual_default():
    assert format_date(dt.date(2026, 3, 20), "th") == "20 มีนาคม พ.ศ. 2569"
    assert format_date(dt.date(2026, 3, 20), "en") == "March 20, 2026"
    assert format_date(dt.date(2026, 3, 20), "ko") == "2026년 3월 20일"
    assert format_date(dt.date(2026, 3, 20), "ru") == "20 марта 2026\u202fг."
    assert (
        format_date_range(dt.date(2025, 12, 29), dt.date(2026, 1, 2), "th")
        == "29 ธันวาคม 2568\u2009–\u20092 มกราคม 2569"
    )
    assert bilingual_languages("th") == ("en", "th")
    assert bilingual_languages("en") == ("en",)


def test_missing_instance_is_built_atomically(tmp_path, settings):
    settings.CERTIFICATE_FONT_DIR = tmp_path / "fonts"
    family = fonts.FAMILIES["thai"]

    path, built = fonts.build_instance(family, "bold")
    again, built_again = fonts.build_instance(family, "bold")

    assert (built, built_again) == (True, False)
    assert again == path
    assert path.parent == tmp_path / "fonts"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    from fontTools.ttLib import TTFont

    static = TTFont(path)
    assert "fvar" not in static
    assert static["OS/2"].usWeightClass == 700
    # Built again on another day, the instance is the same file (no new "modified" date).
    import time_machine

    first = path.read_bytes()
    with time_machine.travel(dt.datetime(2031, 1, 1, tzinfo=dt.UTC)):
        rebuilt, _built = fonts.build_instance(family, "bold", force=True)
    assert rebuilt.read_bytes() == first


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "ภาวะผู้นำสถานศึกษาเพื่อการเปลี่ยนผ่านสู่ดิจิทัล" * 4),  # no space at all
        ("th", "ขอรับรองว่า\u200bได้ผ่านการอบรม\u200bหลักสูตรภาวะผู้นำ\u200bสถานศึกษา" * 3),
        ("ja", "デジタル変革のための学校リーダーシップ（研修）を修了したことを証します。" * 3),
        ("en", "School Leadership for Digital Transformation " * 6),
    ],
)
def test_wrapped_lines_fit_and_keep_the_text(language, text):
    lines = wrap(text, language, 12, 300)

    assert len(lines) > 1
    assert all(width_of(line) <= 301 for line in lines)  # atoms are measured one by one
    drawn = "".join(run.text for line in lines for run in line)
    assert drawn.replace(" ", "") == text.replace("\u200b", "").replace(" ", "")
    if language == "ja":
        assert not any(line[0].text[0] in "、。）」ー" for line in lines)


def test_line_ends_and_tabs_in_a_name_become_spaces():
    runs = fit_line("Jane\tMary\r\nSmith", "en", 30, 700)

    assert "".join(run.text for run in runs) == "Jane Mary Smith"


def test_latin_script_text_names_a_holder_of_another_script_in_latin_letters():
    from assessments.certificates.render import placeholder_values

    chinese_on_english = sample_certificate("en", name="陈伟玲", latin="Wei Ling Tan")
    assert placeholder_values(chinese_on_english, "en")["name"] == "Wei Ling Tan"
    vietnamese = sample_certificate("vi", name="Nguyễn Thị Thủy", latin="Nguyen Thi Thuy")
    assert placeholder_values(vietnamese, "vi")["name"] == "Nguyễn Thị Thủy"
    assert placeholder_values(vietnamese, "en")["name"] == "Nguyen Thi Thuy"
    korean = sample_certificate("ko", name="김민준", latin="Kim Minjun")
    assert placeholder_values(korean, "ko")["name"] == "김민준"
    assert placeholder_values(korean, "en")["name"] == "Kim Minjun"
