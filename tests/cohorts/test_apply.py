"""The applicant's journey on the server: the form, drafts, submission and receipt, editing until
the deadline, autosave, immediate uploads, withdrawal, the status page, downloads, and that each
person only ever reaches their own application."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from wagtail.models import ModelLogEntry

from cohorts.forms.application import count_words, is_latin_name
from cohorts.models import (
    Application,
    ApplicationFile,
    ApplicationQuestion,
    ApplicationStatus,
    CohortTranslation,
    EndorsementStatus,
    FileKind,
    QuestionTranslation,
)
from cohorts.templatetags.cohorts_tags import format_moment
from tests.cohorts import factories
from tests.cohorts.applying import (
    ESSAY,
    complete_form,
    pdf,
    private_dir_fixture,  # noqa: F401 (fixture)
    with_files,
)
from tests.cohorts.factories import MINIMAL_PDF, PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_dir")]

NOW = dt.datetime(2026, 5, 4, 3, 0, tzinfo=dt.UTC)  # 12:00 in Seoul, 22:00 the day before in Bogotá


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cohort(frozen):
    return factories.cohort("aslp-2026", title="ASLP 2026", year=2026)


@pytest.fixture
def person(client):
    someone = factories.user("minji@example.org", time_zone="America/Bogota")
    client.force_login(someone)
    return someone


def submit(client, cohort, data, *, prefix="", capture=None):
    url = f"{prefix}/apply/{cohort.slug}/"
    if capture is None:
        return client.post(url, {**data, "action": "submit"})
    with capture(execute=True):
        return client.post(url, {**data, "action": "submit"})


# -- Reaching the form ------------------------------------------------------------------------


def test_anonymous_people_sign_in_first_and_come_back_to_the_form(client, cohort):
    response = client.get("/apply/aslp-2026/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/apply/aslp-2026/",
    )
    response = client.get("/ko/apply/aslp-2026/")
    assert response["Location"] == "/ko/accounts/login/?next=/ko/apply/aslp-2026/"
    factories.user("late@example.org")
    response = client.post(
        "/ko/accounts/login/?next=/ko/apply/aslp-2026/",
        {"login": "late@example.org", "password": PASSWORD},
    )
    assert response["Location"] == "/ko/apply/aslp-2026/"
    assert client.get("/ko/apply/aslp-2026/").status_code == 200


def test_opening_the_form_creates_nothing_and_starts_from_the_profile(client, cohort):
    someone = factories.user(
        preferred_language="ko", time_zone="Asia/Seoul", first_name="Min-ji", last_name="Kim"
    )
    client.force_login(someone)
    doc = parse(client.get("/ko/apply/aslp-2026/"))
    assert Application.objects.count() == 0
    assert doc.select_one("#id_family_name")["value"] == "Kim"
    assert doc.select_one("#id_given_names")["value"] == "Min-ji"
    assert doc.select_one("#id_preferred_language option[selected]")["value"] == "ko"
    assert doc.select_one("#id_time_zone option[selected]")["value"] == "Asia/Seoul"
    form = doc.select_one("#application-form")
    assert (form["data-status"], form["data-updated-at"]) == ("new", "")
    assert form["data-autosave-url"] == "/ko/apply/aslp-2026/autosave/"
    buttons = [(b["name"], b["value"]) for b in form.select("button[type=submit]")]
    assert buttons == [("action", "save"), ("action", "submit")]


def test_a_draft_cohort_is_not_there(client, person, frozen):
    factories.cohort("hidden", status="draft")
    assert client.get("/apply/hidden/").status_code == 404
    assert client.post("/apply/hidden/autosave/", {"family_name": "X"}).status_code == 404
    assert Application.objects.count() == 0


def test_a_cohort_not_open_yet_says_when_it_opens(client, person, frozen):
    factories.cohort("soon", opens_in=dt.timedelta(days=3), closes_in=dt.timedelta(days=30))
    doc = parse(client.get("/apply/soon/"))
    assert doc.select_one("#application-form") is None
    notice = squash(doc.select_one("[data-state=closed]").get_text(" "))
    opens = format_moment(NOW + dt.timedelta(days=3), "America/Bogota")
    assert notice.startswith(f"Applications to Cohort soon open on {squash(opens)}, that is ")


# -- Drafts -------------------------------------------------------------------------------------


def test_save_keeps_every_valid_answer_and_reports_the_others(client, person, cohort):
    response = client.post(
        "/apply/aslp-2026/",
        {
            "action": "save",
            "family_name": "Kim",
            "years_experience": "eighteen",
            "phone": " +82 (0)2-1234 5678 ",
            "motivation": ESSAY,
            "gender": "nonsense",
        },
    )
    assert response.status_code == 200
    doc = parse(response)
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert (application.family_name, application.motivation) == ("Kim", ESSAY)
    assert application.phone == " +82 (0)2-1234 5678 "  # exactly as typed
    assert (application.years_experience, application.gender) == (None, "")
    summary = [squash(a.get_text()) for a in doc.select("#form-errors a")]
    assert summary == [
        "Gender: Select a valid choice. nonsense is not one of the available choices.",
        "Years of experience in education: Enter a whole number.",
    ]
    assert [a["href"] for a in doc.select("#form-errors a")] == [
        "#id_gender",
        "#id_years_experience",
    ]
    # What was typed is shown again, the refused value included.
    assert doc.select_one("#id_years_experience")["value"] == "eighteen"
    assert doc.select_one("#id_years_experience")["aria-describedby"] == (
        "id_years_experience_helptext id_years_experience_error"
    )
    assert doc.select_one("#id_motivation").get_text() == f"\n{ESSAY}"
    assert not mail.outbox


def test_a_successful_save_says_so_and_redirects(client, person, cohort):
    response = client.post("/apply/aslp-2026/", {"action": "save", "family_name": "Kim"})
    assert (response.status_code, response["Location"]) == (302, "/apply/aslp-2026/")
    doc = parse(client.get("/apply/aslp-2026/"))
    assert "Draft saved at" in doc.select_one(".messages").get_text()
    # The browser's copy can go: the server has it.
    assert doc.select_one("[data-application-clear-local]")["data-application-clear-local"] == (
        f"aslp-application:{person.pk}:aslp-2026"
    )


def test_a_failed_submit_keeps_everything_as_a_draft(client, person, cohort):
    data = complete_form(given_names="", motivation="")
    response = submit(client, cohort, {**data, "cv": pdf()})
    assert response.status_code == 200
    doc = parse(response)
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    assert (application.family_name, application.given_names) == ("Kim", "")
    assert application.reference is None
    assert [f.original_name for f in application.files.all()] == ["cv.pdf"]
    assert [squash(a.get_text()) for a in doc.select("#form-errors a")] == [
        "Given names (as in passport): Enter your given names as in your passport.",
        "Motivation essay: Write your motivation essay.",
        "Endorsement letter: Upload your endorsement letter (PDF).",
    ]
    assert doc.select_one("#form-errors h2").get_text() == "3 answers need attention"
    assert "Current file:" in doc.select_one("#current-cv").get_text()
    assert not mail.outbox


# -- Submission and receipt ---------------------------------------------------------------------


def test_submission_gives_a_reference_an_audit_entry_and_a_receipt(
    client, person, cohort, django_capture_on_commit_callbacks
):
    response = submit(
        client,
        cohort,
        with_files(complete_form()),
        capture=django_capture_on_commit_callbacks,
    )
    assert (response.status_code, response["Location"]) == (302, "/apply/aslp-2026/status/")
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference == f"ASLP-2026-{application.pk:05d}"
    assert application.submitted_at == NOW
    assert application.phone == "+82 (0)2-1234 5678"
    files = list(application.files.filter(is_current=True).order_by("kind"))
    digest = hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert [(f.kind, f.original_name, f.sha256, f.size) for f in files] == [
        (FileKind.CV, "cv.pdf", digest, len(MINIMAL_PDF)),
        (FileKind.ENDORSEMENT_LETTER, "letter.pdf", digest, len(MINIMAL_PDF)),
    ]
    entry = ModelLogEntry.objects.get(action="cohorts.submit", object_id=str(application.pk))
    assert entry.user_id == person.pk
    assert entry.data["after"]["reference"] == application.reference
    assert entry.data["before"]["status"] == "draft"
    assert [f["sha256"] for f in entry.data["files"]] == [digest, digest]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["minji@example.org"]
    assert message.subject == f"Application received: {application.reference} (ASLP 2026)"
    body = message.body
    # Submitted: in the applicant's zone (Bogotá) and the cohort's (Seoul).
    assert (
        "Submitted: May 3, 2026, 10 p.m. (America/Bogota) (that is May 4, 2026, noon "
        "(Asia/Seoul) in the programme's time zone)"
    ) in body
    deadline = cohort.closes_at
    assert (
        f"until the deadline: {format_moment(deadline, 'America/Bogota')} (that is "
        f"{format_moment(deadline, 'Asia/Seoul')} in the programme's time zone)"
    ) in body
    assert f"- CV: cv.pdf (303\xa0bytes)\n  SHA-256: {digest}" in body
    assert f"- Endorsement letter: letter.pdf (303\xa0bytes)\n  SHA-256: {digest}" in body
    assert f"Reference: {application.reference}" in body
    assert "http://testserver/apply/aslp-2026/status/" in body

    doc = parse(client.get("/apply/aslp-2026/status/"))
    page = doc.select_one(".status-page")
    assert (page["data-application-status"], page["data-reference"]) == (
        "submitted",
        application.reference,
    )
    assert page.get("data-application-clear-local") == f"aslp-application:{person.pk}:aslp-2026"
    assert [code.get_text() for code in doc.select(".file-table code.sha256")] == [digest, digest]


def test_the_receipt_is_in_korean_for_a_korean_speaker(
    client, person, cohort, django_capture_on_commit_callbacks
):
    CohortTranslation.objects.create(cohort=cohort, language_code="ko", title="2026 학교 리더 과정")
    data = with_files(complete_form(preferred_language="ko", time_zone="Asia/Seoul"))
    submit(client, cohort, data, prefix="/ko", capture=django_capture_on_commit_callbacks)
    application = Application.objects.get()
    (message,) = mail.outbox
    assert application.reference in message.subject
    assert "2026 학교 리더 과정" in message.subject
    with translation.override("ko"):
        submitted = format_moment(NOW, "Asia/Seoul")
    assert submitted.startswith("2026년 5월 4일")
    assert f"Submitted: {submitted}" in message.body or submitted in message.body
    assert "http://testserver/ko/apply/aslp-2026/status/" in message.body


def test_names_must_be_in_latin_letters_to_submit(client, person, cohort):
    response = submit(client, cohort, with_files(complete_form(family_name="김")))
    assert response.status_code == 200
    errors = parse(response).select_one("#id_family_name_error").get_text()
    assert errors == (
        "Use Latin letters only (A–Z, accents allowed), exactly as in the machine-readable "
        "part of your passport. Write your name in your own script in “Full name in native "
        "script”."
    )
    # Kept in the draft all the same.
    assert Application.objects.get().family_name == "김"
    assert [is_latin_name(n) for n in ("José-María", "O'Neil", "Nguyễn Văn", "김민지", "Ив")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_the_essay_word_limit_is_enforced_on_submit_not_on_save(client, person, frozen):
    short = factories.cohort("short", essay_word_limit=5)
    six = "one two three four five six"
    assert count_words(six) == 6
    response = submit(client, short, with_files(complete_form(motivation=six)))
    assert parse(response).select_one("#id_motivation_error").get_text() == (
        "The essay has 6 words; the limit is 5 words. Shorten it by 1."
    )
    assert Application.objects.get().motivation == six
    counter = parse(response).select_one("#essay-count")
    assert (counter["data-count"], counter["data-limit"], counter.get_text()) == (
        "6",
        "5",
        "6 of 5 words",
    )
    response = submit(client, short, complete_form(motivation="one two three four five"))
    assert response.status_code == 302
    assert Application.objects.get().status == ApplicationStatus.SUBMITTED


def test_extra_questions_in_the_readers_language(client, person, cohort):
    track = ApplicationQuestion.objects.create(
        cohort=cohort,
        kind="single_choice",
        label="Which track?",
        choices="Primary\nSecondary",
        required=True,
        sort_order=1,
    )
    QuestionTranslation.objects.create(
        question=track, language_code="ko", label="어느 과정입니까?", choices="초등\n중등"
    )
    topics = ApplicationQuestion.objects.create(
        cohort=cohort, kind="multiple_choice", label="Topics", choices="AI\nEquity\nWellbeing"
    )
    korea = ApplicationQuestion.objects.create(cohort=cohort, kind="yes_no", label="Been?")
    plan = ApplicationQuestion.objects.create(
        cohort=cohort, kind="long_text", label="Your plan", required=True
    )
    portfolio = ApplicationQuestion.objects.create(
        cohort=cohort, kind="file", label="Portfolio", required=True
    )
    doc = parse(client.get("/ko/apply/aslp-2026/"))
    legend = doc.select_one(f"#id_question_{track.pk}_group legend")
    assert squash(legend.get_text()).startswith("어느 과정입니까?")
    labels = [squash(label.get_text()) for label in doc.select(f"#id_question_{track.pk} label")]
    assert labels == ["초등", "중등"]
    assert doc.select_one(f"#id_question_{portfolio.pk}")["data-upload-slot"] == (
        f"question-{portfolio.pk}"
    )

    data = with_files(complete_form())
    response = submit(client, cohort, {**data, f"question_{topics.pk}": ["AI", "Equity"]})
    doc = parse(response)
    assert doc.select_one(f"#id_question_{track.pk}_error").get_text() == "Answer this question."
    assert doc.select_one(f"#id_question_{plan.pk}_error").get_text() == "Answer this question."
    assert doc.select_one(f"#id_question_{portfolio.pk}_error").get_text() == (
        "Upload a file to answer this question."
    )
    png = SimpleUploadedFile("plan.png", _png(), "image/png")
    response = submit(
        client,
        cohort,
        {
            **complete_form(),
            f"question_{track.pk}": "Secondary",
            f"question_{topics.pk}": ["AI", "Equity"],
            f"question_{korea.pk}": "no",
            f"question_{plan.pk}": "Share what I learn with ten schools.",
            f"question_{portfolio.pk}": png,
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.answers == {
        str(track.pk): "Secondary",
        str(topics.pk): ["AI", "Equity"],
        str(korea.pk): "no",
        str(plan.pk): "Share what I learn with ten schools.",
    }
    answer_file = application.files.get(kind=FileKind.ANSWER)
    assert (answer_file.question_id, answer_file.content_type) == (portfolio.pk, "image/png")


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_nominated_applicants_economy_is_fixed(client, person, cohort):
    coordinator = factories.user()
    application = Application.objects.create(
        cohort=cohort,
        applicant=person,
        economy=factories.economy("THA"),
        nominated_by=coordinator,
    )
    doc = parse(client.get("/apply/aslp-2026/"))
    assert doc.select_one("#id_economy") is None
    assert doc.select_one(".readonly-value[data-field=economy]").get_text() == "Thailand"
    client.post("/apply/aslp-2026/", complete_form(action="save"))
    application.refresh_from_db()
    assert application.economy.code == "THA"
    assert application.family_name == "Kim"


def test_economy_choices_are_the_cohorts_quota_economies_in_the_readers_language(
    client, person, cohort
):
    doc = parse(client.get("/ko/apply/aslp-2026/"))
    options = [o.get_text() for o in doc.select("#id_economy option")]
    assert options == ["—", "대한민국", "태국"]
    # An answer given before its economy's quota was removed stays chosen.
    factories.application(cohort, person, status=ApplicationStatus.DRAFT, economy_code="USA")
    doc = parse(client.get("/apply/aslp-2026/"))
    options = [o.get_text() for o in doc.select("#id_economy option")]
    assert options == ["—", "Republic of Korea", "Thailand", "United States"]
    assert doc.select_one("#id_economy option[selected]").get_text() == "United States"


# -- Editing after submission, and the deadline ---------------------------------------------


def test_changes_after_submission_need_a_new_submission_and_give_a_new_receipt(
    client, person, cohort, django_capture_on_commit_callbacks
):
    submit(client, cohort, with_files(complete_form()), capture=django_capture_on_commit_callbacks)
    application = Application.objects.get()
    reference = application.reference
    doc = parse(client.get("/apply/aslp-2026/"))
    buttons = [b.get_text() for b in doc.select("#application-form button")]
    assert buttons == ["Submit changes"]
    # An incomplete change is refused and the submitted version stays as it was.
    response = submit(client, cohort, complete_form(school_name="", motivation="Shorter."))
    assert response.status_code == 200
    application.refresh_from_db()
    assert (application.school_name, application.motivation) == (
        "Haeundae Elementary School",
        ESSAY,
    )
    assert parse(response).select_one("#application-form")["data-unsaved"] == "1"
    # A complete change is taken, with a new receipt.
    later = NOW + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        response = submit(
            client,
            cohort,
            complete_form(motivation="A new essay."),
            capture=django_capture_on_commit_callbacks,
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.reference, application.motivation) == (
        ApplicationStatus.SUBMITTED,
        reference,
        "A new essay.",
    )
    assert application.submitted_at == later
    assert [m.subject for m in mail.outbox] == [
        f"Application received: {reference} (ASLP 2026)",
        f"Updated application received: {reference} (ASLP 2026)",
    ]
    assert ModelLogEntry.objects.filter(action="cohorts.submit").count() == 2


def test_after_the_deadline_the_application_is_frozen(client, person, cohort):
    submit(client, cohort, with_files(complete_form()))
    application = Application.objects.get()
    files_before = list(ApplicationFile.objects.values_list("pk", "is_current"))
    updated = application.updated_at
    with time_machine.travel(cohort.closes_at + dt.timedelta(seconds=1), tick=False):
        response = client.post(
            "/apply/aslp-2026/",
            {**complete_form(motivation="Too late."), "action": "submit", "cv": pdf("new.pdf")},
        )
        assert response.status_code == 403
        doc = parse(response)
        closed = squash(doc.select_one("[data-state=closed]").get_text(" "))
        assert closed.startswith("The deadline of ASLP 2026 passed on ")
        assert closed.endswith("Nothing you sent was saved.")
        # What was typed is shown once, to be copied.
        assert "Too late." in [dd.get_text() for dd in doc.select(".unsaved-text dd")]
        assert doc.select_one("#application-form") is None
        assert doc.select_one(".application-summary") is not None

        response = client.post("/apply/aslp-2026/autosave/", {"motivation": "Too late."})
        assert response.status_code == 403
        assert response.json()["editable"] is False
        assert response.json()["saved"] is False
        response = client.post("/apply/aslp-2026/upload/", {"slot": "cv", "file": pdf("x.pdf")})
        assert (response.status_code, response.json()["editable"]) == (403, False)
        assert client.get("/apply/aslp-2026/").status_code == 200
    application.refresh_from_db()
    assert (application.motivation, application.updated_at) == (ESSAY, updated)
    assert list(ApplicationFile.objects.values_list("pk", "is_current")) == files_before


def test_a_decided_application_cannot_change(client, person, cohort):
    application = factories.application(
        cohort, person, status=ApplicationStatus.ACCEPTED, family_name="Kim"
    )
    response = client.post("/apply/aslp-2026/", complete_form(action="save", family_name="Lee"))
    assert response.status_code == 409
    assert "Your application is “Offered a place” and can no longer be changed" in (
        response.content.decode()
    )
    response = client.post("/apply/aslp-2026/autosave/", {"family_name": "Lee"})
    assert (response.status_code, response.json()["editable"]) == (409, False)
    application.refresh_from_db()
    assert application.family_name == "Kim"


# -- Autosave and immediate uploads ---------------------------------------------------------


def test_autosave_keeps_valid_fields_and_reports_the_others(client, person, cohort):
    response = client.post(
        "/apply/aslp-2026/autosave/",
        {"family_name": "Kim\x00", "given_names": "Min-ji", "years_experience": "61"},
    )
    assert response.status_code == 200
    body = response.json()
    application = Application.objects.get()
    assert body["saved"] is True
    assert body["saved_at"] == application.updated_at.isoformat()
    assert body["status"] == "draft"
    assert body["errors"] == {
        "family_name": ["Null characters are not allowed."],
        "years_experience": ["Ensure this value is less than or equal to 60."],
    }
    assert (application.family_name, application.given_names) == ("", "Min-ji")
    assert application.years_experience is None


def test_autosave_without_a_session_sends_to_sign_in(client, cohort):
    response = client.post("/apply/aslp-2026/autosave/", {"family_name": "Kim"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Application.objects.count() == 0


def test_autosave_of_a_submitted_application_waits_for_submit_changes(client, person, cohort):
    factories.application(cohort, person, family_name="Kim")
    response = client.post("/apply/aslp-2026/autosave/", {"family_name": "Lee"})
    assert response.status_code == 409
    assert response.json()["submitted"] is True
    assert Application.objects.get().family_name == "Kim"


def test_a_file_is_kept_as_soon_as_it_is_chosen_and_replacing_keeps_the_old_one(
    client, person, cohort
):
    response = client.post("/apply/aslp-2026/upload/", {"slot": "cv", "file": pdf("first.pdf")})
    assert response.status_code == 200
    first = ApplicationFile.objects.get()
    assert response.json() == {
        "slot": "cv",
        "name": "first.pdf",
        "size": len(MINIMAL_PDF),
        "size_label": "303\xa0bytes",
        "sha256": hashlib.sha256(MINIMAL_PDF).hexdigest(),
        "uploaded_at": first.uploaded_at.isoformat(),
        "url": f"/application-files/{first.pk}/",
        "updated_at": first.application.updated_at.isoformat(),
    }
    assert first.file.name.endswith(".pdf") and "first" not in first.file.name
    client.post("/apply/aslp-2026/upload/", {"slot": "cv", "file": pdf("second.pdf")})
    rows = list(
        ApplicationFile.objects.order_by("pk").values_list("original_name", "is_current", "kind")
    )
    assert rows == [("first.pdf", False, "cv"), ("second.pdf", True, "cv")]


def test_uploads_to_unknown_slots_or_without_a_file_are_refused(client, person, cohort):
    other = factories.cohort("other-cohort")
    foreign = ApplicationQuestion.objects.create(cohort=other, kind="file", label="Elsewhere")
    text = ApplicationQuestion.objects.create(cohort=cohort, kind="short_text", label="Text")
    for slot in ("photo", f"question-{foreign.pk}", f"question-{text.pk}", "question-x"):
        response = client.post("/apply/aslp-2026/upload/", {"slot": slot, "file": pdf()})
        assert (response.status_code, response.json()) == (
            400,
            {"error": "This form has no such file field."},
        ), slot
    response = client.post("/apply/aslp-2026/upload/", {"slot": "cv"})
    assert (response.status_code, response.json()) == (422, {"error": "Choose a file to upload."})
    response = client.post(
        "/apply/aslp-2026/upload/",
        {"slot": "endorsement_letter", "file": SimpleUploadedFile("letter.docx", b"PK")},
    )
    assert response.status_code == 422
    assert response.json()["error"] == (
        "Files of type .docx are not accepted here. Accepted kinds: PDF."
    )
    assert ApplicationFile.objects.count() == 0


# -- Each person sees only their own ----------------------------------------------------------


def test_nobody_reaches_anothers_application(client, person, cohort):
    submit(client, cohort, with_files(complete_form(family_name="Kimsecret")))
    mine = Application.objects.get()
    upload = mine.files.first()
    other = factories.user("other@example.org")
    client.force_login(other)
    page = client.get("/apply/aslp-2026/").content.decode()
    assert "Kimsecret" not in page
    assert client.get("/apply/aslp-2026/status/").status_code == 404
    assert client.get("/apply/aslp-2026/withdraw/").status_code == 404
    assert client.post("/apply/aslp-2026/withdraw/").status_code == 404
    assert client.get(f"/application-files/{upload.pk}/").status_code == 404
    assert client.get(f"/application-files/{upload.pk}/?inline=1").status_code == 404
    doc = parse(client.get("/applications/"))
    assert doc.select("table.my-applications tbody tr") == []
    # Their autosave makes their own draft and leaves the other one alone.
    client.post("/apply/aslp-2026/autosave/", {"family_name": "Other"})
    mine.refresh_from_db()
    assert mine.family_name == "Kimsecret"
    assert Application.objects.get(applicant=other).family_name == "Other"


def test_downloads_are_attachments_with_safe_headers(client, person, cohort):
    application = factories.application(cohort, person)
    upload = factories.attach(application, FileKind.CV, name='이력서 (최종) "v2".pdf')
    response = client.get(f"/application-files/{upload.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%EC%9D%B4%EB%A0%A5%EC%84%9C%20%28%EC%B5%9C%EC%A2%85%29%20"
        "%22v2%22.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    # An attachment carries the site's strict policy; only the inline view sandboxes itself.
    directives = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert {"default-src 'self'", "script-src 'self'", "object-src 'none'"} <= directives

    response = client.get(f"/application-files/{upload.pk}/?inline=1")
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"

    docx = factories.attach(application, FileKind.ENDORSEMENT_LETTER, name="letter.docx")
    ApplicationFile.objects.filter(pk=docx.pk).update(content_type="application/msword")
    response = client.get(f"/application-files/{docx.pk}/?inline=1")
    assert response["Content-Disposition"] == 'attachment; filename="letter.docx"'
    assert "sandbox" not in response["Content-Security-Policy"]  # the site's policy, as above

    client.logout()
    response = client.get(f"/application-files/{upload.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# -- Withdrawal and status ------------------------------------------------------------------


def test_withdrawing_a_submitted_application(client, person, cohort):
    application = factories.application(cohort, person)
    doc = parse(client.get("/apply/aslp-2026/withdraw/"))
    assert doc.select_one("main form button").get_text() == "Yes, withdraw my application"
    response = client.post("/apply/aslp-2026/withdraw/")
    assert response["Location"] == "/apply/aslp-2026/status/"
    application.refresh_from_db()
    assert (application.status, application.withdrawn_at) == (ApplicationStatus.WITHDRAWN, NOW)
    entry = ModelLogEntry.objects.get(action="cohorts.withdraw", object_id=str(application.pk))
    assert entry.data["before"]["status"] == "submitted"
    doc = parse(client.get("/apply/aslp-2026/status/"))
    assert doc.select_one(".status-page")["data-application-status"] == "withdrawn"


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ApplicationStatus.DRAFT, True),
        (ApplicationStatus.WAITLISTED, True),
        (ApplicationStatus.ACCEPTED, False),
        (ApplicationStatus.CONFIRMED, False),
        (ApplicationStatus.REJECTED, False),
        (ApplicationStatus.WITHDRAWN, False),
    ],
)
def test_which_applications_can_be_withdrawn(client, person, cohort, status, allowed):
    application = factories.application(cohort, person, status=status, waitlist_position=2)
    client.post("/apply/aslp-2026/withdraw/")
    application.refresh_from_db()
    if allowed:
        assert (application.status, application.waitlist_position) == ("withdrawn", None)
    else:
        assert application.status == status
        assert not ModelLogEntry.objects.filter(action="cohorts.withdraw").exists()
        message = parse(client.get("/apply/aslp-2026/status/")).select_one(".message--error")
        assert "cannot be withdrawn here" in message.get_text()


def test_the_status_page_explains_without_showing_reviews(client, person, cohort):
    application = factories.application(
        cohort,
        person,
        with_files=True,
        endorsement=EndorsementStatus.ENDORSED,
        endorsement_comment="Strong candidate; private note for organizers.",
        score_mean="4.25",
        review_count=2,
    )
    doc = parse(client.get("/apply/aslp-2026/status/"))
    text = squash(doc.get_text(" "))
    assert doc.select_one(".status-page")["data-endorsement"] == "endorsed"
    assert squash(doc.select_one("dd[data-endorsement]").get_text()) == "Endorsed"
    assert "private note" not in text
    assert "4.25" not in text
    assert application.reference in text
    assert [a["href"] for a in doc.select(".next-steps a")] == [
        "/apply/aslp-2026/",
        "/apply/aslp-2026/withdraw/",
    ]


def test_the_status_page_leads_to_the_offer_and_after_confirming_to_logistics(
    client, person, cohort
):
    application = factories.application(
        cohort,
        person,
        status=ApplicationStatus.ACCEPTED,
        offer_deadline=NOW + dt.timedelta(days=14),
    )
    doc = parse(client.get("/apply/aslp-2026/status/"))
    assert [a["href"] for a in doc.select(".next-steps a")] == ["/apply/aslp-2026/offer/"]
    assert "Answer the offer by" in doc.get_text()
    application.status = ApplicationStatus.CONFIRMED
    application.save()
    doc = parse(client.get("/apply/aslp-2026/status/"))
    assert [a["href"] for a in doc.select(".next-steps a")] == [
        "/apply/aslp-2026/logistics/",
        "/apply/aslp-2026/invitation-letter/",
    ]


# -- My applications ------------------------------------------------------------------------


def test_my_applications_lists_mine_and_the_calls_i_have_not_answered(client, person, cohort):
    other_call = factories.cohort("aslp-2027", title="ASLP 2027")
    factories.cohort("closed", closes_in=-dt.timedelta(days=1), opens_in=-dt.timedelta(days=9))
    factories.application(cohort, person)
    doc = parse(client.get("/applications/"))
    rows = [(tr["data-cohort"], tr["data-status"]) for tr in doc.select("tbody tr")]
    assert rows == [("aslp-2026", "submitted")]
    assert [li["data-cohort"] for li in doc.select(".call-list li")] == [other_call.slug]


def _many_applications(person, count):
    for n in range(count):
        call = factories.cohort(f"many-{count}-{n}")
        CohortTranslation.objects.create(cohort=call, language_code="ko", title=f"기수 {n}")
        factories.application(call, person)
        factories.cohort(f"open-{count}-{n}")


def test_my_applications_takes_the_same_queries_for_1_or_20(client, person, frozen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _many_applications(person, 1)
    client.get("/ko/applications/")  # first request of the test: site and locale caches fill
    with CaptureQueriesContext(connection) as one:
        assert client.get("/ko/applications/").status_code == 200
    _many_applications(person, 20)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get("/ko/applications/")
    assert len(parse(response).select("tbody tr")) == 21
    assert len(twenty) == len(one), "\n".join(q["sql"][:120] for q in twenty.captured_queries)


def test_timezone_of_the_profile_is_not_changed_by_the_form(client, person, cohort):
    submit(client, cohort, with_files(complete_form(time_zone="Etc/GMT+12")))
    person.refresh_from_db()
    assert person.time_zone == "America/Bogota"
    assert Application.objects.get().time_zone == "Etc/GMT+12"
    doc = parse(client.get("/apply/aslp-2026/"))
    assert doc.select_one("#id_time_zone option[selected]")["value"] == "Etc/GMT+12"
