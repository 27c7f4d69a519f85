"""The printed workshop programme and the name badges: their text (extracted from the PDF,
TrueType runs decoded through their ToUnicode maps) and the badges' QR codes (decoded from the
embedded images and compared with the code of the expected text)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import segno
from django.urls import reverse
from django.utils import translation

from cohorts.letters import printable
from tests.cohorts.pdf_helpers import streams
from tests.trainings import factories as f
from trainings import pdfs
from trainings.models import ActivityKind, ActivityTranslation

pytestmark = pytest.mark.django_db

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_TOKEN = re.compile(rb"/([^\s/\[\]()<>]+)\s+[\d.]+\s+Tf|\((?:\\.|[^\\)])*\)\s*Tj", re.S)


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(uni.decode()).decode("utf-16-be")
    return mapping


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        ch = literal[i : i + 1]
        if ch == b"\\":
            octal = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            nxt = literal[i + 1 : i + 2]
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(nxt, nxt)
            i += 2
            continue
        out += ch
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    """Every string drawn, in drawing order: WinAnsi for the built-in fonts, the ToUnicode map
    of TrueType subsets."""
    objects = dict(_OBJECT.findall(pdf))
    decoded = {}
    for number, body in objects.items():
        found = streams(body)
        if found:
            decoded[number] = found[0][1]
    maps = {}
    for body in objects.values():
        name = re.search(rb"/Name /(\S+)", body)
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if name and to_unicode and b"/Font" in body:
            maps[name.group(1)] = _cmap(decoded[to_unicode.group(1)])
    pieces, font = [], None
    for data in decoded.values():
        if b"BT" not in data or b"/Length1" in data:
            continue
        for match in _TOKEN.finditer(data):
            if match.group(1):
                font = match.group(1)
                continue
            raw = _unescape(
                match.group(0)[match.group(0).index(b"(") + 1 : match.group(0).rindex(b")")]
            )
            if font in maps:
                pieces.append("".join(maps[font].get(byte, "?") for byte in raw))
            else:
                pieces.append(raw.decode("cp1252", "replace"))
    return " ".join(" ".join(pieces).split())


def qr_matrices(pdf: bytes) -> list[tuple[tuple[bool, ...], ...]]:
    """The QR codes drawn as images: one pixel per module, dark pixels as True."""
    found = []
    for header, data in streams(pdf):
        if b"/Subtype /Image" not in header:
            continue
        width = int(re.search(rb"/Width (\d+)", header).group(1))
        height = int(re.search(rb"/Height (\d+)", header).group(1))
        channels = 3 if b"/DeviceRGB" in header else 1
        row = width * channels
        found.append(
            tuple(
                tuple(data[y * row + x * channels] < 128 for x in range(width))
                for y in range(height)
            )
        )
    return found


def expected_matrix(text: str):
    return tuple(tuple(bool(cell) for cell in row) for row in segno.make(text, error="m").matrix)


@pytest.fixture
def workshop():
    cohort = f.cohort("aslp-2026", title="ASLP 2026")
    f.venue(cohort, time_zone="Asia/Seoul")
    group = f.group(cohort, "Group A")
    day = cohort.workshop_starts
    speaker = f.speaker(
        "Dr. Hana Lee", native_name="이하나", affiliation="Seoul National University"
    )
    opening = f.activity(
        cohort,
        ActivityKind.OPENING_CEREMONY,
        title="Opening ceremony",
        starts_at=dt.datetime.combine(day, dt.time(0, 30), tzinfo=dt.UTC),  # 09:30 in Seoul
        hours=1,
        room="Grand Hall",
    )
    ActivityTranslation.objects.create(activity=opening, language_code="ko", title="개회식")
    keynote = f.activity(
        cohort,
        ActivityKind.KEYNOTE,
        title="Leading learning",
        starts_at=dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC),  # 11:00 in Seoul
        hours=1.5,
        room="Hall 1",
    )
    keynote.speakers.add(speaker)
    f.activity(
        cohort,
        ActivityKind.GROUP_ACTIVITY,
        title="Group work",
        # 23:00 UTC the next day = 08:00 in Seoul on the day after
        starts_at=dt.datetime.combine(day, dt.time(23, 0), tzinfo=dt.UTC),
        group=group,
        room="Room 203",
    )
    return cohort, group


def test_the_programme_pdf_lists_each_day_with_its_sessions(client, workshop):
    cohort, _group = workshop
    response = client.get(reverse("trainings:public_programme_pdf", kwargs={"slug": cohort.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="aslp-2026-programme.pdf"'
    text = pdf_text(response.content)
    day = cohort.workshop_starts
    with translation.override("en"):
        first = pdfs.day_label(day)
        second = pdfs.day_label(day + dt.timedelta(days=1))
    assert "Programme of the Onsite Training Workshop" in text
    assert "BEXCO Convention Hall, 55 APEC-ro, Haeundae-gu, Busan" in text
    assert "All times are in the Asia/Seoul time zone." in text
    expected = (
        f"{first} 09:30–10:30 Opening ceremony Opening ceremony Room: Grand Hall "
        "11:00–12:30 Keynote speech Leading learning Room: Hall 1 "
        "Dr. Hana Lee (이하나), Seoul National University "
        f"{second} 08:00–09:30 Group activity Group work Room: Room 203 Group: Group A"
    )
    assert expected in text
    assert "Page 1" in text


def test_the_programme_pdf_is_drawn_in_korean_at_ko(client, workshop):
    cohort, _group = workshop
    if not printable("개회식"):
        pytest.skip("no TrueType font with Hangul on this machine")
    response = client.get(f"/ko/cohorts/{cohort.slug}/programme.pdf")

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "09:30–10:30" in text
    assert "개회식" in text
    assert b"/Lang (ko)" in response.content


def _named(cohort, given, family, native, economy_code, group=None):
    return f.participant(
        cohort,
        given_names=given,
        family_name=family,
        native_name=native,
        economy_code=economy_code,
        group=group,
    )


def test_badges_show_names_economy_group_and_a_qr_code_with_the_token(client, workshop):
    cohort, group = workshop
    kim = _named(cohort, "Min-ji", "Kim", "김민지", "ROK", group)
    somchai = _named(cohort, "Somchai", "Jaidee", "สมชาย ใจดี", "THA")
    yamada = _named(cohort, "Hanako", "Yamada", "山田花子", "JPN")
    organizer = f.organizer(cohort)
    client.force_login(organizer)

    response = client.get(reverse("trainings:manage_badges", kwargs={"slug": cohort.slug}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="aslp-2026-badges.pdf"'
    text = pdf_text(response.content)
    assert "ASLP 2026 Min-ji KIM" in text
    if printable("김민지"):
        assert "김민지" in text
    if printable("สมชาย ใจดี"):
        assert "สมชาย ใจดี" in text
    if printable("山田花子"):
        assert "山田花子" in text
    assert "Republic of Korea" in text and "Thailand" in text and "Japan" in text
    assert "Group A" in text
    assert "Somchai JAIDEE" in text
    matrices = qr_matrices(response.content)
    assert len(matrices) == 3
    for participant in (kim, somchai, yamada):
        payload = f"ASLP-BADGE:{participant.badge_token}"
        assert pdfs.badge_payload(participant) == payload
        assert pdfs.badge_token_from_payload(payload) == participant.badge_token
        assert expected_matrix(payload) in matrices


def test_badges_of_one_group(client, workshop):
    cohort, group = workshop
    _named(cohort, "Min-ji", "Kim", "김민지", "ROK", group)
    _named(cohort, "Somchai", "Jaidee", "", "THA")
    client.force_login(f.organizer(cohort))

    url = reverse("trainings:manage_badges", kwargs={"slug": cohort.slug})
    response = client.get(f"{url}?group={group.pk}")

    text = pdf_text(response.content)
    assert "Min-ji KIM" in text and "JAIDEE" not in text
    assert len(qr_matrices(response.content)) == 1
    other = f.group(f.cohort("other-cohort"), "Group A")
    assert client.get(f"{url}?group={other.pk}").status_code == 404
    assert client.get(f"{url}?group=x").status_code == 404


def test_nine_badges_take_two_pages(workshop):
    cohort, _group = workshop
    for index in range(9):
        _named(cohort, f"Person{index}", f"Family{index}", "", "ROK")
    pdf = pdfs.render_badges(cohort, pdfs.badge_participants(cohort))
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2
    assert len(qr_matrices(pdf)) == 9


def test_a_participant_downloads_their_own_badge_only(client, workshop):
    cohort, _group = workshop
    kim = _named(cohort, "Min-ji", "Kim", "김민지", "ROK")
    _named(cohort, "Somchai", "Jaidee", "", "THA")
    client.force_login(kim.user)

    response = client.get(reverse("trainings:my_badge", kwargs={"slug": cohort.slug}))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'inline; filename="aslp-2026-badge.pdf"'
    text = pdf_text(response.content)
    assert "Min-ji KIM" in text and "JAIDEE" not in text
    assert qr_matrices(response.content) == [expected_matrix(f"ASLP-BADGE:{kim.badge_token}")]
    other = f.cohort("other-cohort")
    assert client.get(reverse("trainings:my_badge", kwargs={"slug": other.slug})).status_code == 404


def test_badge_payloads_that_are_not_badges_are_refused():
    assert pdfs.badge_token_from_payload("https://example.org/") is None
    assert pdfs.badge_token_from_payload("ASLP-BADGE:") is None
    assert pdfs.badge_token_from_payload("ASLP-BADGE:a b") is None
    assert pdfs.badge_token_from_payload("ASLP-BADGE:" + "x" * 65) is None
    assert pdfs.badge_token_from_payload(" ASLP-BADGE:abc_-9 ") == "abc_-9"
