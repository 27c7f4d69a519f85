"""Organizers' pages: cohorts, overview, the applications list with bulk decisions, one
application with its decision, and who may see them."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aslp_site.accounts.models import User
from cohorts.forms.selection import ApplicationFilterForm
from cohorts.models import (
    Application,
    ApplicationQuestion,
    ApplicationStatus,
    EconomyQuota,
    EndorsementStatus,
    FileKind,
    Logistics,
    QuestionKind,
    Role,
    Score,
)
from cohorts.selection import decide

from . import factories as f

pytestmark = pytest.mark.django_db

S = ApplicationStatus


@pytest.fixture
def cohort():
    return f.cohort("aslp-2026", quotas={"ROK": 2, "THA": (1, 2)}, title="ASLP 2026")


@pytest.fixture
def organizer(cohort):
    person = f.user("olga@example.org", first_name="Olga", last_name="Organizer")
    f.grant(person, Role.ORGANIZER, cohort)
    return person


@pytest.fixture
def other_cohort():
    return f.cohort("aslp-2027", quotas={"ROK": 2}, title="ASLP 2027")


@pytest.fixture
def other_organizer(other_cohort):
    person = f.user("yuki@example.org")
    f.grant(person, Role.ORGANIZER, other_cohort)
    return person


def url(name, **kwargs):
    return reverse(f"cohorts:{name}", kwargs=kwargs)


def texts(client, response):
    """The messages shown on the page the response redirects to."""
    assert response.status_code == 302
    shown = client.get(response["Location"])
    return [str(m) for m in get_messages(shown.wsgi_request)]


def visible(html: str) -> str:
    """The page's text with tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- Who may see the pages ----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, cohort):
    for path in (
        url("manage_home"),
        url("manage_cohort", slug=cohort.slug),
        url("manage_applications", slug=cohort.slug),
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert client.post(path).status_code == 302


def test_people_without_the_role_are_refused(client, cohort):
    app = f.application(cohort)
    coordinator = f.user()
    f.grant(coordinator, Role.COORDINATOR, cohort, "ROK")
    client.force_login(coordinator)
    assert client.get(url("manage_home")).status_code == 403
    assert client.get(url("manage_cohort", slug=cohort.slug)).status_code == 403
    assert client.post(url("manage_application", slug=cohort.slug, pk=app.pk)).status_code == 403


def test_another_cohorts_organizer_gets_404_everywhere(
    client, cohort, organizer, other_cohort, other_organizer
):
    app = f.application(cohort, economy_code="ROK")
    client.force_login(other_organizer)
    for path in (
        url("manage_cohort", slug=cohort.slug),
        url("manage_applications", slug=cohort.slug),
        url("manage_application", slug=cohort.slug, pk=app.pk),
        url("manage_export", slug=cohort.slug, what="applications"),
        # Their own cohort's address with an application of the other cohort.
        url("manage_application", slug=other_cohort.slug, pk=app.pk),
    ):
        assert client.get(path).status_code == 404, path
    response = client.post(
        url("manage_application", slug=cohort.slug, pk=app.pk), {"decision": "accepted"}
    )
    assert response.status_code == 404
    response = client.post(
        url("manage_applications", slug=cohort.slug),
        {"decision": "accepted", "applications": [app.pk]},
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED
    # Posting the other cohort's application to their own list decides nothing either.
    response = client.post(
        url("manage_applications", slug=other_cohort.slug),
        {"decision": "accepted", "applications": [app.pk]},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED
    assert texts(client, response) == [
        "One of the ticked applications is not in this cohort's list."
    ]


def test_drafts_are_not_shown_to_organizers(client, cohort, organizer):
    draft = f.application(cohort, status=S.DRAFT, family_name="Drafty")
    client.force_login(organizer)
    assert client.get(url("manage_application", slug=cohort.slug, pk=draft.pk)).status_code == 404
    response = client.get(url("manage_applications", slug=cohort.slug))
    assert "DRAFTY" not in response.content.decode()


def test_a_removed_role_stops_working_on_the_next_request(client, cohort, organizer):
    client.force_login(organizer)
    assert client.get(url("manage_cohort", slug=cohort.slug)).status_code == 200
    organizer.role_grants.all().delete()
    assert client.get(url("manage_cohort", slug=cohort.slug)).status_code == 403


# -- Home and overview --------------------------------------------------------------------------


def test_home_lists_only_the_organizers_cohorts_with_counts(
    client, cohort, organizer, other_cohort
):
    f.application(cohort, economy_code="ROK")
    f.application(cohort, economy_code="THA", status=S.WAITLISTED)
    f.application(cohort, economy_code="THA", status=S.DRAFT)
    client.force_login(organizer)
    response = client.get(url("manage_home"))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert "ASLP 2026" in html
    assert "ASLP 2027" not in html
    rows = response.context["rows"]
    assert len(rows) == 1
    counts = {s["value"]: s["count"] for s in rows[0]["statuses"]}
    assert counts[S.SUBMITTED] == 1
    assert counts[S.WAITLISTED] == 1
    assert rows[0]["cohort"].n_total == 2


def test_home_without_cohorts(client):
    admin = f.user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(url("manage_home"))
    assert response.status_code == 200
    assert "You do not organize any cohort yet." in response.content.decode()


def test_cohort_overview_shows_the_quota_table(client, cohort, organizer):
    accepted = f.application(cohort, economy_code="THA")
    decide(accepted, "accepted", by=organizer)
    f.application(cohort, economy_code="THA", endorsement=EndorsementStatus.ENDORSED)
    f.application(cohort, economy_code="ROK", status=S.CONFIRMED)
    EconomyQuota.objects.filter(cohort=cohort, economy__code="ROK").update(accepted_count=1)
    f.application(cohort, economy_code="USA")  # no quota for this economy
    client.force_login(organizer)
    response = client.get(url("manage_cohort", slug=cohort.slug))
    assert response.status_code == 200
    rows = {row["economy"].code: row for row in response.context["quota_rows"]}
    assert rows["THA"]["quota"].seats == 1
    assert rows["THA"]["quota"].accepted_count == 1
    assert rows["THA"]["submitted"] == 1
    assert rows["THA"]["endorsed"] == 1
    assert rows["THA"]["total"] == 2
    assert rows["ROK"]["confirmed"] == 1
    assert rows["USA"]["quota"] is None
    page = visible(response.content.decode())
    assert "No quota set: these applicants cannot be accepted or wait-listed" in page
    assert "1 of 30 taken, 29 free" in page
    assert url("manage_assign_reviewers", slug=cohort.slug) in response.content.decode()
    assert url("manage_applications", slug=cohort.slug) in response.content.decode()


# -- The applications list ----------------------------------------------------------------------


def _list(client, cohort, **params):
    return client.get(url("manage_applications", slug=cohort.slug), params)


def _names(response):
    return [a.family_name for a in response.context["page_obj"].object_list]


def test_list_filters_keep_their_values(client, cohort, organizer):
    f.application(cohort, economy_code="ROK", family_name="Kim", school_name="Busan High")
    thai = f.application(
        cohort,
        economy_code="THA",
        family_name="Jaidee",
        given_names="Somchai",
        native_name="สมชาย ใจดี",
        endorsement=EndorsementStatus.ENDORSED,
    )
    f.application(cohort, economy_code="THA", family_name="Srisuk")
    Application.objects.filter(pk=thai.pk).update(score_mean=Decimal("4.25"))
    client.force_login(organizer)

    assert sorted(_names(_list(client, cohort))) == ["Jaidee", "Kim", "Srisuk"]
    assert sorted(_names(_list(client, cohort, economy="THA"))) == ["Jaidee", "Srisuk"]
    assert _names(_list(client, cohort, endorsement="endorsed")) == ["Jaidee"]
    assert _names(_list(client, cohort, q="ใจดี")) == ["Jaidee"]
    assert _names(_list(client, cohort, q="busan")) == ["Kim"]
    assert _names(_list(client, cohort, score_min="4", score_max="4.5")) == ["Jaidee"]
    assert _names(_list(client, cohort, status="waitlisted")) == []

    response = _list(client, cohort, economy="THA", q="jai", sort="-name")
    html = response.content.decode()
    assert '<option value="THA" selected>Thailand</option>' in html
    assert 'name="q" value="jai"' in html
    assert '<option value="-name" selected>' in html
    assert '<label for="id_economy">Economy:</label>' in html


def test_search_finds_names_as_written_addresses_and_references_in_this_cohort_only(
    client, cohort, organizer, other_cohort
):
    kim = f.application(
        cohort,
        f.user("jiyoung.k@busan.example.kr"),
        family_name="Kim",
        given_names="Ji-young",
        school_name="Haeundae 100% Girls' Middle School",
    )
    f.application(cohort, f.user("kim_s@example.org"), family_name="Srisuk", given_names="Anan")
    f.application(other_cohort, f.user("jiyoung.p@busan.example.kr"), family_name="Park")
    client.force_login(organizer)

    # The name as the list writes it (given names, then family name), in any case.
    assert _names(_list(client, cohort, q="ji-young KIM")) == ["Kim"]
    # A part of the address: the other cohort's applicant with a like address is not listed.
    assert _names(_list(client, cohort, q="@BUSAN.example")) == ["Kim"]
    assert _names(_list(client, cohort, q=kim.reference.lower())) == ["Kim"]
    # LIKE's wildcards are plain characters: "_" is not "any character", "%" not "anything".
    assert _names(_list(client, cohort, q="kim_s")) == ["Srisuk"]
    assert _names(_list(client, cohort, q="100%")) == ["Kim"]
    assert _names(_list(client, cohort, q="1%0")) == []
    assert sorted(_names(_list(client, cohort, q="kim"))) == ["Kim", "Srisuk"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_the_search_can_use_its_trigram_indexes(cohort):
    """The list's search expressions match the indexes' (a change to one side alone would
    leave PostgreSQL reading the whole table): with sequential and plain index scans off, the
    plans use them (on a table this small PostgreSQL would rightly read it all)."""
    f.application(cohort, family_name="Tanaka")
    form = ApplicationFilterForm({"q": "tanaka"}, cohort=cohort)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        plan = form.filter(Application.objects.all()).explain()
        email_plan = User.objects.filter(email__icontains="tanaka").explain()
    assert "application_search_trgm" in plan
    assert "user_email_trgm" in email_plan


def test_list_reports_bad_filters_and_applies_the_others(client, cohort, organizer):
    f.application(cohort, economy_code="ROK", family_name="Kim", score_mean=Decimal("4.5"))
    f.application(cohort, economy_code="THA", family_name="Jaidee", score_mean=Decimal("4.5"))
    f.application(cohort, economy_code="THA", family_name="Srisuk", score_mean=Decimal("3"))
    client.force_login(organizer)
    # The lower end applies; the upper end, below it, is reported and left out.
    response = _list(client, cohort, economy="THA", score_min="4", score_max="2")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The upper end of the score range is below the lower end." in html
    assert 'aria-invalid="true"' in html
    assert _names(response) == ["Jaidee"]
    response = _list(client, cohort, score_min="abc\x00", economy="NOPE")
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Jaidee", "Kim", "Srisuk"]


def test_list_sorting(client, cohort, organizer):
    apps = {
        name: f.application(cohort, economy_code=code, family_name=name)
        for name, code in (("Ahn", "ROK"), ("Boon", "THA"), ("Cho", "ROK"))
    }
    Application.objects.filter(pk=apps["Ahn"].pk).update(score_mean=Decimal("2.5"))
    Application.objects.filter(pk=apps["Boon"].pk).update(score_mean=Decimal("4.5"))
    Application.objects.filter(pk=apps["Cho"].pk).update(coordinator_rank=1)
    Application.objects.filter(pk=apps["Ahn"].pk).update(coordinator_rank=2)
    client.force_login(organizer)
    assert _names(_list(client, cohort, sort="name")) == ["Ahn", "Boon", "Cho"]
    assert _names(_list(client, cohort, sort="-name")) == ["Cho", "Boon", "Ahn"]
    assert _names(_list(client, cohort, sort="score")) == ["Boon", "Ahn", "Cho"]
    assert _names(_list(client, cohort, sort="rank")) == ["Cho", "Ahn", "Boon"]


def test_list_paginates_by_fifty(client, cohort, organizer):
    for n in range(51):
        f.application(cohort, economy_code="ROK", family_name=f"Name{n:02d}")
    client.force_login(organizer)
    response = _list(client, cohort, economy="ROK")
    assert len(response.context["page_obj"].object_list) == 50
    assert "Showing 1 to 50 of 51 applications" in visible(response.content.decode())
    assert "?economy=ROK&amp;page=2" in response.content.decode()
    response = _list(client, cohort, economy="ROK", page="2")
    assert _names(response) == ["Name50"]


def _row_texts(response) -> list[str]:
    body = response.content.decode()
    return [visible(row) for row in re.findall(r"<tbody>.*?</tbody>", body, re.S)]


def test_list_shows_labels_in_the_readers_language(client, cohort, organizer):
    f.application(cohort, economy_code="ROK", family_name="Ahn", position="vice_principal")
    f.application(
        cohort, economy_code="THA", family_name="Boon", endorsement=EndorsementStatus.ENDORSED
    )
    client.force_login(organizer)
    (english,) = _row_texts(_list(client, cohort))
    assert "Vice-principal Primary / elementary Submitted Waiting for the coordinator" in english
    assert "Principal Primary / elementary Submitted Endorsed" in english
    korean_url = "/ko" + url("manage_applications", slug=cohort.slug)
    (korean,) = _row_texts(client.get(korean_url))
    assert "교감 초등학교 제출 완료 경제체 담당자 검토 대기" in korean
    assert "교장 초등학교 제출 완료 추천" in korean


def test_choice_labels_of_unknown_and_empty_values():
    app = Application(position="not-a-choice", school_level="", status=S.WAITLISTED)
    assert app.get_position_display() == "not-a-choice"
    assert app.get_school_level_display() == ""
    assert app.get_status_display() == "Wait-listed"
    # The labels follow the active language on every call, not the one of the first call.
    with translation.override("ko"):
        assert app.get_status_display() == "대기자 명단 등록"
    assert app.get_status_display() == "Wait-listed"
    app.years_experience = None
    app.preferred_language = "ko"
    assert app.get_preferred_language_display() == "한국어"


def _count_list_queries(client, cohort):
    with CaptureQueriesContext(connection) as queries:
        response = _list(client, cohort, sort="score")
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(client, cohort, organizer):
    f.application(cohort, economy_code="ROK")
    client.force_login(organizer)
    _list(client, cohort)  # warm the caches of the site's layout
    one = _count_list_queries(client, cohort)
    for n in range(49):
        f.application(cohort, economy_code=("ROK", "THA", "USA")[n % 3], native_name="名前")
    fifty = _count_list_queries(client, cohort)
    assert fifty == one


# -- Bulk decisions -----------------------------------------------------------------------------


def test_bulk_accept_reports_each_refusal_and_keeps_the_filters(
    client, cohort, organizer, django_capture_on_commit_callbacks
):
    first = f.application(cohort, economy_code="THA", family_name="Boonma", given_names="Anan")
    second = f.application(cohort, economy_code="THA", family_name="Jaidee", given_names="Somchai")
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("manage_applications", slug=cohort.slug),
            {
                "decision": "accepted",
                "applications": [first.pk, second.pk],
                "back": "economy=THA&sort=score&page=1&evil=https://example.com",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/manage/aslp-2026/applications/?economy=THA&sort=score&page=1"
    assert texts(client, response) == [
        "1 applicant accepted; the offer e-mail is on its way.",
        "Not accepted: Somchai JAIDEE — Thailand's quota of 1 seat is full; wait-list the "
        "applicant or free a seat first.",
    ]
    assert Application.objects.get(pk=first.pk).status == S.ACCEPTED
    assert Application.objects.get(pk=second.pk).status == S.SUBMITTED
    assert len(mail.outbox) == 1
    # The list shows the statuses.
    response = _list(client, cohort, economy="THA")
    assert [a.status for a in response.context["page_obj"].object_list] == [S.ACCEPTED, S.SUBMITTED]


def test_bulk_wait_list_and_reject(client, cohort, organizer):
    apps = [f.application(cohort, economy_code="ROK") for _ in range(3)]
    client.force_login(organizer)
    response = client.post(
        url("manage_applications", slug=cohort.slug),
        {"decision": "waitlisted", "applications": [apps[1].pk, apps[0].pk]},
    )
    assert texts(client, response) == ["2 applicants wait-listed; the e-mails are on their way."]
    # The order posted (the list's order) gives the wait-list positions.
    assert Application.objects.get(pk=apps[1].pk).waitlist_position == 1
    assert Application.objects.get(pk=apps[0].pk).waitlist_position == 2
    response = client.post(
        url("manage_applications", slug=cohort.slug),
        {"decision": "rejected", "applications": [apps[2].pk]},
    )
    assert texts(client, response) == [
        "1 applicant marked as not selected; the e-mail is on its way."
    ]


def test_bulk_without_ticks_or_with_a_bad_decision(client, cohort, organizer):
    app = f.application(cohort)
    client.force_login(organizer)
    response = client.post(url("manage_applications", slug=cohort.slug), {"decision": "accepted"})
    assert response.status_code == 302
    assert texts(client, response) == ["Tick at least one application first."]
    response = client.post(
        url("manage_applications", slug=cohort.slug),
        {"decision": "confirmed", "applications": [app.pk, "x\x00", "²"]},
    )
    assert response.status_code == 302
    assert texts(client, response) == [
        "Choose accept, wait-list or reject.",
        "One of the ticked applications is not in this cohort's list.",
    ]
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED


# -- One application ----------------------------------------------------------------------------


def test_application_page_shows_everything(client, cohort, organizer):
    question = ApplicationQuestion.objects.create(
        cohort=cohort,
        kind=QuestionKind.SINGLE_CHOICE,
        label="Have you led a school project abroad?",
        choices="Never\nOnce\nSeveral times",
    )
    app = f.application(
        cohort,
        f.user("minji@example.org"),
        economy_code="ROK",
        family_name="Kim",
        given_names="Min-ji",
        native_name="김민지",
        phone="+82 10-1234-5678",
        endorsement=EndorsementStatus.ENDORSED,
        endorsement_comment="A remarkable principal.",
        coordinator_rank=1,
        answers={str(question.pk): "Once"},
        with_files=True,
    )
    reviewer = f.user("rita@example.org", first_name="Rita", last_name="Reviewer")
    review = f.assign(app, reviewer)
    criteria = list(cohort.rubric.all())
    Score.objects.create(review=review, criterion=criteria[0], value=4)
    Score.objects.create(review=review, criterion=criteria[1], value=5)
    review.weighted_score = Decimal("4.33")
    review.comment = "Clear vision."
    review.submitted_at = timezone.now()
    review.save()
    Application.objects.filter(pk=app.pk).update(
        score_mean=Decimal("4.33"), score_spread=Decimal("0"), review_count=1
    )
    client.force_login(organizer)
    decide(app, "waitlisted", by=organizer)

    response = client.get(url("manage_application", slug=cohort.slug, pk=app.pk))
    assert response.status_code == 200
    html = response.content.decode()
    page = visible(html)
    assert "Min-ji KIM" in page
    assert "김민지" in page
    assert "+82 10-1234-5678" in page
    assert "Have you led a school project abroad? Once" in page
    assert "A remarkable principal." in page
    assert "Clear vision." in page
    assert "Rita Reviewer" in page
    assert "Leadership experience (weight 2)" in page
    assert "Weighted mean score: 4.33" in page
    cv = app.files.get(kind=FileKind.CV)
    assert url("download_file", pk=cv.pk) in html
    assert url("manage_application_reviewers", slug=cohort.slug, pk=app.pk) in html
    # History: the decision, by whom, from which status to which.
    assert "Selection decision made" in page
    assert "Submitted → Wait-listed" in page
    assert "Olga Organizer" in page
    # The decisions possible from the wait-list.
    assert 'name="decision" value="accepted"' in html
    assert 'name="decision" value="rejected"' in html
    assert 'name="decision" value="waitlisted"' not in html


def test_deciding_on_the_application_page(
    client, cohort, organizer, django_capture_on_commit_callbacks
):
    holder = f.application(cohort, economy_code="THA")
    decide(holder, "accepted", by=organizer)
    app = f.application(cohort, economy_code="THA", family_name="Jaidee", given_names="Somchai")
    client.force_login(organizer)
    here = url("manage_application", slug=cohort.slug, pk=app.pk)

    response = client.post(here, {"decision": "accepted"})
    assert response.status_code == 302
    assert response["Location"] == here
    assert texts(client, response) == [
        "Thailand's quota of 1 seat is full; wait-list the applicant or free a seat first."
    ]
    assert Application.objects.get(pk=app.pk).status == S.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(here, {"decision": "waitlisted"})
    assert texts(client, response) == [
        "Somchai JAIDEE wait-listed (position 1); the e-mail is on its way."
    ]
    assert Application.objects.get(pk=app.pk).status == S.WAITLISTED
    assert mail.outbox[-1].subject == "You are on the wait-list for ASLP 2026"

    response = client.post(here, {"decision": "nonsense"})
    assert texts(client, response) == ["Choose accept, wait-list or reject."]


def test_confirmed_application_shows_logistics_and_no_decision(client, cohort, organizer):
    app = f.application(cohort, economy_code="ROK", status=S.CONFIRMED)
    Logistics.objects.create(
        application=app,
        passport_name_confirmed=True,
        arrival_at=timezone.now() + dt.timedelta(days=60),
        arrival_details="KE 123",
        dietary_needs="Vegetarian",
        needs_visa_letter=True,
    )
    client.force_login(organizer)
    response = client.get(url("manage_application", slug=cohort.slug, pk=app.pk))
    page = visible(response.content.decode())
    assert "KE 123" in page
    assert "Vegetarian" in page
    assert "The applicant has confirmed their place" in page
    assert 'name="decision"' not in response.content.decode()
