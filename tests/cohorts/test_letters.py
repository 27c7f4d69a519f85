"""The visa invitation letter: what it says, the PDF itself, reuse and verification states."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cohorts import letters
from cohorts.models import ApplicationStatus, InvitationLetter, Logistics

from . import factories
from .pdf_helpers import pdf_text

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 in Seoul


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def make_participant(*, logistics=True, **extra):
    cohort = factories.cohort(
        "aslp-2026",
        title="ASLP 2026",
        workshop_starts=dt.date(2026, 7, 14),
        workshop_ends=dt.date(2026, 7, 18),
        venue_city="Busan",
        pre_training_starts=dt.date(2026, 6, 1),
        pre_training_ends=dt.date(2026, 6, 30),
    )
    programme = cohort.programme
    programme.organisation_email = "aslp@example.org"
    programme.organisation_address = "12 Centum-ro\nBusan 48058\nRepublic of Korea"
    programme.save()
    values = {
        "family_name": "Kim",
        "given_names": "Min-ji",
        "position": "vice_principal",
        "school_name": "Haeundae Elementary School",
        "offer_answered_at": NOW,
        **extra,
    }
    application = factories.application(
        cohort, status=ApplicationStatus.CONFIRMED, economy_code="ROK", **values
    )
    if logistics:
        Logistics.objects.create(application=application, passport_name_confirmed=True)
    return application


def test_codes_are_grouped_and_forgiving_when_typed():
    code = letters.new_code()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}", code)
    assert letters.new_code() != code
    assert letters.normalize_code(code.lower().replace("-", " ")) == code
    assert letters.normalize_code("oooo1 iiiil 22222 33333 44444") == (
        "00001-11111-22222-33333-44444"
    )
    assert letters.normalize_code("ABCDE") is None
    assert letters.normalize_code("UUUUU-UUUUU-UUUUU-UUUUU-UUUUU") is None  # no U in the alphabet
    assert letters.normalize_code("\x00" * 25) is None
    assert letters.normalize_code("A" * 500) is None


def test_the_pdf_says_who_is_invited_where_and_when():
    application = make_participant()
    letter, pdf, created = letters.issue_letter(application, by=application.applicant)

    assert created is True
    assert pdf.startswith(b"%PDF-1.4")
    assert letter.sha256 == hashlib.sha256(pdf).hexdigest()
    text = pdf_text(pdf)
    assert "KIM MIN-JI" in text
    assert "Vice-principal, Haeundae Elementary School, Republic of Korea" in text
    assert "Onsite Training Workshop of ASLP 2026" in text
    assert "to be held in Busan from 14 July 2026 to 18 July 2026" in text
    assert "online pre-training from 1 June 2026 to 30 June 2026" in text
    assert "confirmed their participation on 2 March 2026" in text
    assert f"Verification code: {letter.code}" in text
    assert "Date of issue: 2 March 2026" in text
    assert f"Reference: {application.reference}" in text
    assert "Institute for APEC Collaborative Education" in text
    assert "12 Centum-ro" in text and "aslp@example.org" in text
    assert "Dr. Min-ji Park" in text and "Director" in text
    assert "To whom it may concern" in text
    # The QR code links to the verification page with the code filled in.
    assert f"/URI (http://testserver/letters/verify/?code={letter.code})".encode() in pdf
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4 portrait
    assert pdf.count(b"/Type /Page\n") == 1  # one page


def test_pdf_metadata_and_reproducible_bytes():
    application = make_participant()
    letter, pdf, _created = letters.issue_letter(application, by=application.applicant)

    assert b"/Title (Invitation letter for KIM MIN-JI)" in pdf
    assert b"/Author (Institute for APEC Collaborative Education)" in pdf
    assert b"/Subject (Visa invitation letter: Onsite Training Workshop of ASLP 2026)" in pdf
    assert b"/Lang (en)" in pdf
    assert b"/CreationDate (D:20260302010000+00'00')" in pdf
    assert letters.render_invitation_letter(letter) == pdf


def test_downloading_again_reuses_the_letter_until_what_it_says_changes():
    application = make_participant()
    first, pdf, created = letters.issue_letter(application, by=application.applicant)
    again, same_pdf, created_again = letters.issue_letter(application, by=application.applicant)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and same_pdf == pdf

    application.logistics.passport_name_confirmed = False
    application.logistics.passport_name_correction = "Kim Minji"
    application.logistics.save()
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        second, second_pdf, created_second = letters.issue_letter(
            application, by=application.applicant
        )

    assert created_second is True
    assert second.code != first.code
    assert "KIM MINJI" in pdf_text(second_pdf)
    assert "KIM MIN-JI" not in pdf_text(second_pdf)
    assert InvitationLetter.objects.filter(application=application).count() == 2
    entries = ModelLogEntry.objects.filter(action="cohorts.letter", object_id=str(application.pk))
    assert entries.count() == 2
    assert entries.order_by("-timestamp").first().data["replaces"] == first.code


def test_a_cyrillic_native_name_is_drawn_with_an_embedded_font():
    application = make_participant(native_name="Ким Минджи")
    if not letters.printable("Ким Минджи"):
        pytest.skip("no TrueType font with Cyrillic on this machine")
    _letter, pdf, _created = letters.issue_letter(application, by=application.applicant)

    assert b"/FontFile2" in pdf  # the TrueType subset is embedded
    assert letters.letter_omissions(letters.letter_facts(application)) == []


def test_a_name_no_font_can_draw_is_left_out_rather_than_drawn_as_boxes():
    application = make_participant(native_name="김민지")
    korean_covered = letters.printable("김민지")
    facts = letters.letter_facts(application)
    _letter, pdf, _created = letters.issue_letter(application, by=application.applicant)

    if korean_covered:
        pytest.skip("this machine has a TrueType font with Hangul")
    assert letters.letter_omissions(facts) == ["your name in native script"]
    assert letters.markup("김민지") == ""
    assert b"/FontFile2" not in pdf  # nothing else needed a TrueType font
    assert "Name in native script" not in pdf_text(pdf)


def test_font_runs_use_helvetica_for_latin_text():
    assert letters.font_runs("Kim Min-ji, Zürich") == [("Helvetica", "Kim Min-ji, Zürich")]
    assert letters.font_runs("") == []
    vietnamese = "Trường THPT Chu Văn An"
    runs = letters.font_runs(vietnamese)
    if runs is not None:  # a TrueType font with Vietnamese letters is installed
        assert [chunk for _font, chunk in runs] == [vietnamese]
        assert runs[0][0] != "Helvetica"


def test_text_is_normalized_before_drawing():
    decomposed = "Nguye\u0302\u0303n\x07 \u200b Van"
    assert letters.clean_text(decomposed) == "Nguyễn Van"


def test_what_blocks_a_letter():
    application = make_participant(logistics=False)
    assert letters.letter_problems(application) == [
        "Check your name as it appears in your passport in the travel details form first: "
        "the letter must show it exactly."
    ]
    cohort = application.cohort
    cohort.venue_city = ""
    cohort.save()
    Logistics.objects.create(application=application, passport_name_correction="KIM MINJI")
    application.refresh_from_db()
    assert letters.letter_problems(application) == [
        "The organizers have not yet set the workshop's dates and city. The letter can be "
        "issued as soon as they have."
    ]


def test_verification_states():
    application = make_participant()
    first, _pdf, _created = letters.issue_letter(application, by=application.applicant)

    result = letters.verify(first.code.lower())
    assert result.state == letters.LetterState.VALID
    assert result.facts.holder_name == "KIM MIN-JI"
    assert result.issued_on == dt.date(2026, 3, 2)

    application.logistics.passport_name_confirmed = False
    application.logistics.passport_name_correction = "KIM MINJI"
    application.logistics.save()
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        second, _pdf, _created = letters.issue_letter(application, by=application.applicant)
    result = letters.verify(first.code)
    assert result.state == letters.LetterState.REPLACED
    assert result.replaced_on == dt.date(2026, 3, 5)
    assert letters.verify(second.code).state == letters.LetterState.VALID

    application.status = ApplicationStatus.WITHDRAWN
    application.save()
    assert letters.verify(second.code).state == letters.LetterState.WITHDRAWN

    assert letters.verify("00000-00000-00000-00000-00000").state == letters.LetterState.UNKNOWN
    assert letters.verify("not a code").state == letters.LetterState.UNKNOWN


def test_issue_date_is_the_cohorts_local_date():
    application = make_participant()
    # 2026-03-02 23:30 UTC is already 3 March in Seoul.
    with time_machine.travel(dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        letter, pdf, _created = letters.issue_letter(application, by=application.applicant)
    assert timezone.localtime(letter.issued_at, dt.UTC).date() == dt.date(2026, 3, 2)
    assert "Date of issue: 3 March 2026" in pdf_text(pdf)
