"""The Programme screens of the Wagtail admin: programmes, cohorts (with quotas, rubric and
translations), application questions and e-mail templates, each scoped to the cohorts a person
organizes, through the real admin URLs."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from aslp_site.accounts.models import User
from cohorts.models import (
    ApplicationQuestion,
    Cohort,
    CohortStatus,
    EconomyQuota,
    MessageTemplate,
    QuestionKind,
    Role,
    RubricCriterion,
    Score,
)
from tests.cohorts import factories

pytestmark = pytest.mark.django_db

COHORTS = "/admin/programme/cohorts/"
PROGRAMMES = "/admin/programme/programmes/"
QUESTIONS = "/admin/programme/questions/"
TEMPLATES = "/admin/programme/email-templates/"


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@example.org", password=factories.PASSWORD)


@pytest.fixture
def world():
    """Cohorts X and Y, one organizer each."""
    x = factories.cohort("cohort-x", title="Cohort X 2026", quotas={"ROK": (3, 2), "THA": (2, 1)})
    y = factories.cohort("cohort-y", title="Cohort Y 2026", quotas={"ROK": 2})
    organizer_x = factories.user("organizer-x@example.org")
    factories.grant(organizer_x, Role.ORGANIZER, x)
    organizer_y = factories.user("organizer-y@example.org")
    factories.grant(organizer_y, Role.ORGANIZER, y)
    return {"x": x, "y": y, "organizer_x": organizer_x, "organizer_y": organizer_y}


def audit_entries(instance, action):
    return list(
        ModelLogEntry.objects.filter(
            action=action,
            content_type__model=instance._meta.model_name,
            object_id=str(instance.pk),
        ).order_by("pk")
    )


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-id"] = row.pop("id", "")
        data[f"{prefix}-{i}-DELETE"] = "on" if row.pop("DELETE", False) else ""
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def new_cohort_data(**changes) -> dict:
    programme = factories.programme()
    data = {
        "programme": programme.pk,
        "title": "ASLP 2027",
        "slug": "aslp-2027",
        "year": 2027,
        "status": CohortStatus.DRAFT,
        "description": "Leading schools for the future.",
        "time_zone": "Asia/Seoul",
        "opens_at": "2027-03-01 09:00",
        "closes_at": "2027-04-30 17:00",
        "total_seats": 30,
        "languages": ["en", "ko"],
        "essay_word_limit": 600,
        "reviewers_per_application": 3,
        "offer_response_days": 10,
        "pre_training_starts": "2027-06-01",
        "pre_training_ends": "2027-06-30",
        "workshop_starts": "2027-07-05",
        "workshop_ends": "2027-07-16",
        "venue_city": "Busan",
        "post_training_starts": "",
        "post_training_ends": "",
        **formset(
            "quotas",
            [
                {"economy": factories.economy("ROK").pk, "seats": 4, "reserve_places": 2},
                {"economy": factories.economy("THA").pk, "seats": 2, "reserve_places": 1},
            ],
        ),
        **formset(
            "rubric",
            [
                {
                    "title": "Leadership",
                    "description": "Evidence of leading change.",
                    "weight": "2",
                    "level_1": "None",
                    "level_2": "Little",
                    "level_3": "Some",
                    "level_4": "Much",
                    "level_5": "Outstanding",
                    "sort_order": 1,
                },
                {
                    "title": "Motivation",
                    "description": "",
                    "weight": "1",
                    "level_1": "Unclear",
                    "level_2": "",
                    "level_3": "Clear",
                    "level_4": "",
                    "level_5": "Compelling",
                    "sort_order": 2,
                },
            ],
        ),
        **formset(
            "translations",
            [{"language_code": "ko", "title": "ASLP 2027 과정", "description": "미래 학교 리더"}],
        ),
    }
    data.update(changes)
    return data


def edit_cohort_data(cohort: Cohort, quotas=None, delete=(), **changes) -> dict:
    """POST data for the edit form: the stored values, quotas as {code: (seats, reserve)}."""
    cohort.refresh_from_db()
    zone = cohort.zone
    stored = {q.economy.code: q for q in cohort.quotas.select_related("economy")}
    quota_rows = []
    for code, quota in stored.items():
        seats, reserve = (quotas or {}).get(code, (quota.seats, quota.reserve_places))
        quota_rows.append(
            {
                "id": quota.pk,
                "economy": quota.economy_id,
                "seats": seats,
                "reserve_places": reserve,
                "DELETE": code in delete,
            }
        )
    for code, (seats, reserve) in (quotas or {}).items():
        if code not in stored:
            quota_rows.append(
                {"economy": factories.economy(code).pk, "seats": seats, "reserve_places": reserve}
            )
    criteria = list(cohort.rubric.all())
    rubric_rows = [
        {
            "id": c.pk,
            "title": c.title,
            "description": c.description,
            "weight": str(c.weight),
            **{f"level_{n}": getattr(c, f"level_{n}") for n in range(1, 6)},
            "sort_order": c.sort_order,
        }
        for c in criteria
    ]
    data = {
        "title": cohort.title,
        "year": cohort.year,
        "status": cohort.status,
        "description": cohort.description,
        "time_zone": cohort.time_zone,
        "opens_at": cohort.opens_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "closes_at": cohort.closes_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "total_seats": cohort.total_seats,
        "languages": cohort.languages,
        "essay_word_limit": cohort.essay_word_limit,
        "reviewers_per_application": cohort.reviewers_per_application,
        "offer_response_days": cohort.offer_response_days,
        "venue_city": cohort.venue_city,
        **formset("quotas", quota_rows, initial=len(stored)),
        **formset("rubric", rubric_rows, initial=len(criteria)),
        **formset("translations", [], initial=0),
    }
    data.update(changes)
    return data


def edit_url(base, obj):
    return f"{base}edit/{obj.pk}/"


# -- Superusers create cohorts -------------------------------------------------------------


def test_superuser_creates_a_cohort_with_quotas_rubric_and_translation(client, superuser):
    client.force_login(superuser)
    assert client.get(f"{COHORTS}new/").status_code == 200

    response = client.post(f"{COHORTS}new/", new_cohort_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(slug="aslp-2027")
    assert cohort.title == "ASLP 2027"
    assert cohort.languages == ["en", "ko"]
    assert cohort.total_seats == 30
    assert cohort.reviewers_per_application == 3
    # Typed in the cohort's zone (Seoul, UTC+9), stored as the right moment.
    assert cohort.opens_at == dt.datetime(2027, 3, 1, 0, 0, tzinfo=dt.UTC)
    assert cohort.closes_at == dt.datetime(2027, 4, 30, 8, 0, tzinfo=dt.UTC)
    assert cohort.workshop_starts == dt.date(2027, 7, 5)
    assert sorted(
        EconomyQuota.objects.filter(cohort=cohort).values_list(
            "economy__code", "seats", "reserve_places", "accepted_count"
        )
    ) == [("ROK", 4, 2, 0), ("THA", 2, 1, 0)]
    assert list(
        RubricCriterion.objects.filter(cohort=cohort).values_list(
            "title", "weight", "level_1", "level_5"
        )
    ) == [("Leadership", 2, "None", "Outstanding"), ("Motivation", 1, "Unclear", "Compelling")]
    assert cohort.translated("title", "ko") == "ASLP 2027 과정"
    [entry] = audit_entries(cohort, "cohorts.quota_change")
    assert entry.user == superuser
    assert entry.data["before"] == {"total_seats": None, "quotas": {"ROK": None, "THA": None}}
    assert entry.data["after"] == {
        "total_seats": 30,
        "quotas": {
            "ROK": {"seats": 4, "reserve_places": 2},
            "THA": {"seats": 2, "reserve_places": 1},
        },
    }


def test_cohort_form_refuses_bad_input_and_keeps_it(client, superuser):
    client.force_login(superuser)
    data = new_cohort_data(
        closes_at="2027-02-01 09:00",
        time_zone="Mars/Olympus",
        languages=["en", "xx"],
        **formset("translations", [{"language_code": "en", "title": "Same", "description": ""}]),
    )
    response = client.post(f"{COHORTS}new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Applications must close after they open." in html
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in html
    assert "Select a valid choice. xx is not one of the available choices." in html
    assert "English is written in the main fields above" in html
    assert 'value="Leading schools for the future."' in html or "Leading schools" in html
    assert not Cohort.objects.filter(slug="aslp-2027").exists()


def test_dates_are_shown_in_the_cohort_zone(client, superuser):
    cohort = factories.cohort("zoned", time_zone="Pacific/Kiritimati")  # UTC+14
    Cohort.objects.filter(pk=cohort.pk).update(
        opens_at=dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC),
        closes_at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC),
    )
    client.force_login(superuser)
    html = client.get(edit_url(COHORTS, cohort)).content.decode()
    assert 'value="2026-05-02 00:00"' in html
    assert "Date and time in the cohort&#x27;s time zone (Pacific/Kiritimati)." in html


def test_only_superusers_create_or_delete_cohorts_and_edit_programmes(client, world):
    client.force_login(world["organizer_x"])
    assert client.get(f"{COHORTS}new/").status_code == 302  # Wagtail's "no permission"
    assert client.post(f"{COHORTS}new/", new_cohort_data()).status_code == 302
    assert not Cohort.objects.filter(slug="aslp-2027").exists()
    assert client.get(f"{COHORTS}delete/{world['x'].pk}/").status_code == 404
    assert client.post(f"{COHORTS}delete/{world['x'].pk}/").status_code == 404
    assert Cohort.objects.filter(pk=world["x"].pk).exists()
    assert client.get(PROGRAMMES).status_code == 302
    programme = factories.programme()
    assert client.get(edit_url(PROGRAMMES, programme)).status_code in (302, 404)


def test_superuser_cannot_delete_a_cohort_with_applications(client, superuser, world):
    factories.application(world["x"])
    client.force_login(superuser)
    response = client.post(f"{COHORTS}delete/{world['x'].pk}/", follow=True)
    assert "This cohort has applications, so it cannot be deleted." in response.content.decode()
    assert Cohort.objects.filter(pk=world["x"].pk).exists()


def test_superuser_edits_a_programme_letterhead(client, superuser):
    programme = factories.programme()
    client.force_login(superuser)
    response = client.post(
        edit_url(PROGRAMMES, programme),
        {
            "title": programme.title,
            "short_name": "ASLP",
            "slug": programme.slug,
            "description": "",
            "organisation_name": "IACE",
            "organisation_address": "Busan",
            "organisation_email": "aslp@example.org",
            "letter_signatory_name": "Dr. Park",
            "letter_signatory_title": "Director",
            **formset(
                "translations",
                [{"language_code": "ko", "title": "APEC 학교 리더십 프로그램", "description": ""}],
            ),
        },
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.organisation_name == "IACE"
    assert programme.translated("title", "ko") == "APEC 학교 리더십 프로그램"


# -- Organizers see their own cohorts only ------------------------------------------------------


def test_organizer_lists_only_their_cohorts(client, world):
    client.force_login(world["organizer_x"])
    response = client.get(COHORTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cohort X 2026" in html
    assert "Cohort Y 2026" not in html


def test_organizer_edits_their_cohort_but_not_another(client, world):
    x, y = world["x"], world["y"]
    client.force_login(world["organizer_x"])
    html = client.get(edit_url(COHORTS, x)).content.decode()
    assert 'name="total_seats"' in html
    # The programme and the address are for superusers.
    assert 'name="programme"' not in html
    assert 'name="slug"' not in html
    assert client.get(edit_url(COHORTS, y)).status_code == 404
    assert client.post(edit_url(COHORTS, y), edit_cohort_data(y, title="Taken")).status_code == 404
    assert client.get(f"{COHORTS}history/{y.pk}/").status_code == 404
    assert client.get(f"{COHORTS}usage/{y.pk}/").status_code == 404
    y.refresh_from_db()
    assert y.title == "Cohort Y 2026"

    response = client.post(edit_url(COHORTS, x), edit_cohort_data(x, title="Cohort X (renamed)"))
    assert response.status_code == 302
    x.refresh_from_db()
    assert x.title == "Cohort X (renamed)"
    assert x.slug == "cohort-x"


# -- Seats and quotas --------------------------------------------------------------------------


def test_quota_change_is_audited_with_before_and_after(client, world):
    x = world["x"]
    client.force_login(world["organizer_x"])
    response = client.post(
        edit_url(COHORTS, x),
        edit_cohort_data(x, quotas={"ROK": (5, 2), "JPN": (1, 0)}, delete=("THA",), total_seats=28),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(x.quotas.values_list("economy__code", "seats", "reserve_places")) == [
        ("JPN", 1, 0),
        ("ROK", 5, 2),
    ]
    [entry] = audit_entries(x, "cohorts.quota_change")
    assert entry.user == world["organizer_x"]
    assert entry.data["before"] == {
        "total_seats": 30,
        "quotas": {
            "JPN": None,
            "ROK": {"seats": 3, "reserve_places": 2},
            "THA": {"seats": 2, "reserve_places": 1},
        },
    }
    assert entry.data["after"] == {
        "total_seats": 28,
        "quotas": {
            "JPN": {"seats": 1, "reserve_places": 0},
            "ROK": {"seats": 5, "reserve_places": 2},
            "THA": None,
        },
    }


def test_saving_without_seat_changes_writes_no_quota_entry(client, world):
    x = world["x"]
    client.force_login(world["organizer_x"])
    response = client.post(edit_url(COHORTS, x), edit_cohort_data(x, venue_city="Seoul"))
    assert response.status_code == 302
    assert audit_entries(x, "cohorts.quota_change") == []


def test_seats_cannot_go_below_places_offered(client, world):
    x = world["x"]
    EconomyQuota.objects.filter(cohort=x, economy__code="ROK").update(accepted_count=3)
    Cohort.objects.filter(pk=x.pk).update(accepted_count=4)
    EconomyQuota.objects.filter(cohort=x, economy__code="THA").update(accepted_count=1)
    client.force_login(world["organizer_x"])

    response = client.post(
        edit_url(COHORTS, x), edit_cohort_data(x, quotas={"ROK": (2, 2)}, total_seats=3)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "3 places have already been offered or confirmed, so there must be at least 3 seats."
        in html
    )
    assert (
        "4 places have already been offered or confirmed, so there must be at least 4 seats."
        in html
    )
    assert x.quotas.get(economy__code="ROK").seats == 3
    x.refresh_from_db()
    assert x.total_seats == 30
    assert audit_entries(x, "cohorts.quota_change") == []

    removed = client.post(edit_url(COHORTS, x), edit_cohort_data(x, delete=("THA",)))
    assert removed.status_code == 200
    assert (
        "The quota of Thailand cannot be removed: 1 applicant from it holds an offer or a "
        "confirmed place." in removed.content.decode()
    )
    assert x.quotas.filter(economy__code="THA").exists()


def test_saving_the_form_keeps_offers_made_meanwhile(client, world):
    """An offer made after the form read the rows must not be overwritten by the save."""
    x = world["x"]
    client.force_login(world["organizer_x"])
    data = edit_cohort_data(x, quotas={"ROK": (3, 4)})
    offers_made = []

    def offer_made_meanwhile(sender, instance, **kwargs):
        # What cohorts.selection does, committed while the organizer's request is running:
        # right after the edit view read the cohort and its quotas, before the save.
        if not offers_made:
            offers_made.append(instance)
            EconomyQuota.objects.filter(cohort=x, economy__code="ROK").update(accepted_count=2)
            Cohort.objects.filter(pk=x.pk).update(accepted_count=2)

    post_init.connect(offer_made_meanwhile, sender=EconomyQuota)
    try:
        response = client.post(edit_url(COHORTS, x), data)
    finally:
        post_init.disconnect(offer_made_meanwhile, sender=EconomyQuota)

    assert response.status_code == 302
    assert offers_made
    x.refresh_from_db()
    assert x.accepted_count == 2
    rok = x.quotas.get(economy__code="ROK")
    assert (rok.seats, rok.reserve_places, rok.accepted_count) == (3, 4, 2)


def test_scored_rubric_criterion_cannot_be_removed(client, world):
    x = world["x"]
    reviewer = factories.user()
    review = factories.assign(factories.application(x), reviewer)
    criterion = x.rubric.get(title="Motivation")
    Score.objects.create(review=review, criterion=criterion, value=4)
    client.force_login(world["organizer_x"])
    data = edit_cohort_data(x)
    index = next(i for i in range(2) if data[f"rubric-{i}-id"] == criterion.pk)
    data[f"rubric-{index}-DELETE"] = "on"

    response = client.post(edit_url(COHORTS, x), data)

    assert response.status_code == 200
    assert "The criterion “Motivation” already has reviewers&#x27; scores" in (
        response.content.decode()
    )
    assert x.rubric.filter(pk=criterion.pk).exists()


# -- Application questions ---------------------------------------------------------------------


def question_data(cohort, **changes):
    return {
        "cohort": cohort.pk,
        "kind": QuestionKind.SINGLE_CHOICE,
        "required": "on",
        "sort_order": 1,
        "label": "Which school level do you lead?",
        "help_text": "",
        "choices": "Primary\nSecondary",
        **formset(
            "translations",
            [
                {
                    "language_code": "ko",
                    "label": "어느 학교급을 이끄십니까?",
                    "help_text": "",
                    "choices": "초등\n중등",
                }
            ],
        ),
        **changes,
    }


def test_organizer_adds_a_question_to_their_cohort_only(client, world):
    x, y = world["x"], world["y"]
    client.force_login(world["organizer_x"])
    form_html = client.get(f"{QUESTIONS}new/").content.decode()
    assert "Cohort X 2026" in form_html
    assert "Cohort Y 2026" not in form_html

    response = client.post(f"{QUESTIONS}new/", question_data(x))
    assert response.status_code == 302
    question = ApplicationQuestion.objects.get(cohort=x)
    assert question.translated_choices("ko") == [("Primary", "초등"), ("Secondary", "중등")]

    refused = client.post(f"{QUESTIONS}new/", question_data(y, label="Sneaky"))
    assert refused.status_code == 200
    assert "Select a valid choice." in refused.content.decode()
    assert not ApplicationQuestion.objects.filter(cohort=y).exists()


def test_translated_choices_must_match_in_number(client, world):
    client.force_login(world["organizer_x"])
    data = question_data(world["x"])
    data["translations-0-choices"] = "초등\n중등\n고등"
    response = client.post(f"{QUESTIONS}new/", data)
    assert response.status_code == 200
    assert "Give 2 choices, as in English, in the same order." in response.content.decode()
    assert not ApplicationQuestion.objects.exists()


def test_organizer_sees_and_edits_only_their_questions(client, world):
    mine = ApplicationQuestion.objects.create(
        cohort=world["x"], kind=QuestionKind.SHORT_TEXT, label="Your school's motto"
    )
    theirs = ApplicationQuestion.objects.create(
        cohort=world["y"], kind=QuestionKind.SHORT_TEXT, label="Their secret question"
    )
    client.force_login(world["organizer_x"])
    listing = client.get(QUESTIONS).content.decode()
    assert "Your school&#x27;s motto" in listing
    assert "Their secret question" not in listing
    # The cohort filter offers only their cohort.
    assert "Cohort Y 2026" not in listing
    assert client.get(edit_url(QUESTIONS, theirs)).status_code == 404
    assert client.post(f"{QUESTIONS}delete/{theirs.pk}/").status_code == 404
    assert ApplicationQuestion.objects.filter(pk=theirs.pk).exists()
    assert client.get(edit_url(QUESTIONS, mine)).status_code == 200
    assert client.post(f"{QUESTIONS}delete/{mine.pk}/").status_code == 302
    assert not ApplicationQuestion.objects.filter(pk=mine.pk).exists()


def test_answered_question_cannot_be_deleted(client, world):
    question = ApplicationQuestion.objects.create(
        cohort=world["x"], kind=QuestionKind.SHORT_TEXT, label="Your school's motto"
    )
    factories.application(world["x"], answers={str(question.pk): "Learn together"})
    client.force_login(world["organizer_x"])
    response = client.post(f"{QUESTIONS}delete/{question.pk}/", follow=True)
    assert "Applicants have already answered this question, so it cannot be deleted." in (
        response.content.decode()
    )
    assert ApplicationQuestion.objects.filter(pk=question.pk).exists()


# -- E-mail templates --------------------------------------------------------------------------


def template_data(cohort, **changes):
    return {
        "kind": "accepted",
        "language_code": "ko",
        "cohort": cohort.pk if cohort else "",
        "subject": "{programme}: {name}님께 자리를 제안합니다",
        "body": "{name}님, {deadline_cohort_zone}까지 답해 주세요: {link}",
        **changes,
    }


def test_organizer_writes_templates_for_their_cohort_only(client, world):
    x, y = world["x"], world["y"]
    everyone = MessageTemplate.objects.create(
        kind="rejected", language_code="en", subject="Global subject", body="Hello {name}"
    )
    theirs = MessageTemplate.objects.create(
        kind="rejected", language_code="en", cohort=y, subject="Y subject", body="Hi"
    )
    client.force_login(world["organizer_x"])

    assert client.post(f"{TEMPLATES}new/", template_data(x)).status_code == 302
    mine = MessageTemplate.objects.get(cohort=x)
    assert mine.subject == "{programme}: {name}님께 자리를 제안합니다"

    for_all = client.post(f"{TEMPLATES}new/", template_data(None, kind="waitlisted"))
    assert for_all.status_code == 200
    assert "This field is required." in for_all.content.decode()
    assert client.post(f"{TEMPLATES}new/", template_data(y, kind="waitlisted")).status_code == 200
    assert MessageTemplate.objects.count() == 3

    listing = client.get(TEMPLATES).content.decode()
    assert "님께 자리를 제안합니다" in listing
    assert "Global subject" not in listing
    assert "Y subject" not in listing
    for other in (everyone, theirs):
        assert client.get(edit_url(TEMPLATES, other)).status_code == 404
        assert client.get(f"{TEMPLATES}inspect/{other.pk}/").status_code == 404
        assert client.post(f"{TEMPLATES}delete/{other.pk}/").status_code == 404
    assert MessageTemplate.objects.filter(pk__in=[everyone.pk, theirs.pk]).count() == 2


def test_superuser_writes_a_template_for_every_cohort(client, superuser):
    client.force_login(superuser)
    response = client.post(f"{TEMPLATES}new/", template_data(None))
    assert response.status_code == 302
    assert MessageTemplate.objects.get().cohort is None


def test_template_placeholders_and_duplicates(client, world):
    x = world["x"]
    client.force_login(world["organizer_x"])
    typo = client.post(f"{TEMPLATES}new/", template_data(x, body="Dear {nmae}, see {link}"))
    assert typo.status_code == 200
    assert "Unknown placeholder: {nmae}. Use only: {name}, {cohort}, {programme}" in (
        typo.content.decode()
    )
    assert client.post(f"{TEMPLATES}new/", template_data(x)).status_code == 302
    again = client.post(f"{TEMPLATES}new/", template_data(x))
    assert again.status_code == 200
    assert "There is already a template for this message in this language" in (
        again.content.decode()
    )
    assert MessageTemplate.objects.filter(cohort=x).count() == 1


def test_template_preview_fills_in_sample_values(client, world):
    x = world["x"]
    template = MessageTemplate.objects.create(
        kind="accepted",
        language_code="ko",
        cohort=x,
        subject="{cohort}: {name}",
        body="{economy} / {reference} / {link}",
    )
    client.force_login(world["organizer_x"])
    response = client.get(f"{TEMPLATES}inspect/{template.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cohort X 2026: Ji-woo KIM" in html
    assert "대한민국 / ASLP-" in html
    assert "/ko/apply/cohort-x/status/" in html


# -- Menu, listings ----------------------------------------------------------------------------


def test_organizer_menu_has_programme_screens_and_the_selection_link(client, world):
    client.force_login(world["organizer_x"])
    html = client.get("/admin/").content.decode()
    for label in ("Cohorts", "Application questions", "E-mail templates", "Roles"):
        assert f'"label": "{label}"' in html
    assert '"label": "Selection (front end)"' in html
    assert '"url": "/manage/"' in html
    assert '"label": "Programmes"' not in html
    assert '"label": "Economies"' not in html


def test_superuser_menu_has_programmes_and_economies(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/").content.decode()
    assert '"label": "Programmes"' in html
    assert '"label": "Economies"' in html


@pytest.mark.parametrize("path", [COHORTS, QUESTIONS, TEMPLATES, "/admin/programme/roles/"])
def test_listings_use_a_constant_number_of_queries(client, world, path):
    x = world["x"]
    client.force_login(world["organizer_x"])

    def count():
        client.get(path)  # warm per-request caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    ApplicationQuestion.objects.create(cohort=x, kind="short_text", label="Q0")
    MessageTemplate.objects.create(kind="accepted", language_code="en", cohort=x, subject="S")
    factories.grant(factories.user(), Role.REVIEWER, x, "THA")
    few = count()
    for n in range(1, 22):
        ApplicationQuestion.objects.create(cohort=x, kind="short_text", label=f"Q{n}")
        factories.grant(factories.user(), Role.REVIEWER, x, "THA")
        factories.grant(factories.user(), Role.COORDINATOR, x, "ROK")
    for kind in ("waitlisted", "rejected", "promoted", "offer_expired", "receipt"):
        for language in ("en", "ko"):
            MessageTemplate.objects.create(kind=kind, language_code=language, cohort=x, subject="S")
    for n in range(20):
        c = factories.cohort(f"extra-{n}", quotas={}, rubric=False)
        factories.grant(world["organizer_x"], Role.ORGANIZER, c)
    many = count()
    assert many == few


def test_listings_search(client, world, superuser):
    ApplicationQuestion.objects.create(cohort=world["x"], kind="short_text", label="Motto")
    ApplicationQuestion.objects.create(cohort=world["x"], kind="short_text", label="Budget")
    MessageTemplate.objects.create(kind="accepted", language_code="en", subject="Welcome aboard")
    factories.grant(factories.user("findme@example.org"), Role.REVIEWER, world["x"], "ROK")
    client.force_login(superuser)
    cohorts = client.get(COHORTS, {"q": "Cohort Y"}).content.decode()
    assert "Cohort Y 2026" in cohorts and "Cohort X 2026" not in cohorts
    questions = client.get(QUESTIONS, {"q": "mott"}).content.decode()
    assert "Motto" in questions and "Budget" not in questions
    assert "Welcome aboard" in client.get(TEMPLATES, {"q": "aboard"}).content.decode()
    roles = client.get("/admin/programme/roles/", {"q": "findme"}).content.decode()
    assert "findme@example.org" in roles
    assert "organizer-x@example.org" not in roles
