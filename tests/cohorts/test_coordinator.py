"""Economy coordinators: their applicants only, endorsement, ranking, nominations and the
nominee's acceptance."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cohorts.models import (
    Application,
    ApplicationStatus,
    CohortStatus,
    EndorsementStatus,
    MessageTemplate,
    Nomination,
    Role,
)
from tests.cohorts import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cohort = factories.cohort("aslp-2026", quotas={"ROK": 3, "THA": 3})
    coordinator = factories.user("coord-rok@example.org", first_name="Ji-ho", last_name="Kim")
    grant = factories.grant(coordinator, Role.COORDINATOR, cohort, "ROK")
    rok = factories.application(
        cohort,
        economy_code="ROK",
        family_name="Lee",
        given_names="Min-seo",
        native_name="이민서",
        school_name="Hanbit Elementary School",
    )
    rok_draft = factories.application(
        cohort, economy_code="ROK", status=ApplicationStatus.DRAFT, family_name="Draftson"
    )
    tha = factories.application(cohort, economy_code="THA", family_name="Srisuk")
    return {
        "cohort": cohort,
        "coordinator": coordinator,
        "grant": grant,
        "rok": rok,
        "rok_draft": rok_draft,
        "tha": tha,
    }


def url(name: str, cohort, **extra) -> str:
    suffix = {
        "cohort": "",
        "rank": "rank/",
        "nominate": "nominate/",
    }
    if name == "application":
        return f"/coordinate/{cohort.slug}/{extra['pk']}/"
    return f"/coordinate/{cohort.slug}/{suffix[name]}"


def log_entries(instance, action: str):
    return ModelLogEntry.objects.filter(action=action, object_id=str(instance.pk)).order_by("pk")


# -- Seeing only one's economy -----------------------------------------------------------------


def test_coordinator_sees_only_their_economys_submitted_applicants(client, world):
    client.force_login(world["coordinator"])
    response = client.get(url("cohort", world["cohort"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Min-seo LEE" in html
    assert "이민서" in html
    assert "Hanbit Elementary School" in html
    assert "SRISUK" not in html  # another economy
    assert "DRAFTSON" not in html  # a draft
    assert response["Cache-Control"].count("no-store") == 1


def test_other_economies_and_drafts_answer_404(client, world):
    client.force_login(world["coordinator"])
    cohort = world["cohort"]
    assert client.get(url("application", cohort, pk=world["tha"].pk)).status_code == 404
    assert client.get(url("application", cohort, pk=world["rok_draft"].pk)).status_code == 404
    response = client.get(url("application", cohort, pk=world["rok"].pk))
    assert response.status_code == 200
    assert "Min-seo LEE" in response.content.decode()


def test_another_cohort_answers_404(client, world):
    other = factories.cohort("aslp-2027")
    client.force_login(world["coordinator"])
    assert client.get(url("cohort", other)).status_code == 404
    assert client.get(url("nominate", other)).status_code == 404


def test_home_lists_cohorts_with_counts_for_their_economies(client, world):
    cohort = world["cohort"]
    factories.application(cohort, economy_code="ROK", endorsement=EndorsementStatus.ENDORSED)
    factories.application(cohort, economy_code="ROK", status=ApplicationStatus.WITHDRAWN)
    factories.application(cohort, economy_code="THA", endorsement=EndorsementStatus.ENDORSED)
    client.force_login(world["coordinator"])
    response = client.get("/coordinate/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 1
    row = rows[0]
    assert row["cohort"] == cohort
    assert [e.code for e in row["economies"]] == ["ROK"]
    # ROK: two active submitted (one endorsed, one pending); the withdrawn one is not counted.
    assert (row["submitted"], row["endorsed"], row["declined"], row["pending"]) == (2, 1, 0, 1)


def test_people_without_the_role_get_403_and_a_removed_role_stops_at_once(client, world):
    stranger = factories.user()
    client.force_login(stranger)
    assert client.get("/coordinate/").status_code == 403

    client.force_login(world["coordinator"])
    assert client.get(url("cohort", world["cohort"])).status_code == 200
    world["grant"].delete()
    for path in (
        "/coordinate/",
        url("cohort", world["cohort"]),
        url("application", world["cohort"], pk=world["rok"].pk),
        url("nominate", world["cohort"]),
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(url("rank", world["cohort"]), {}).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(url("cohort", world["cohort"]))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/coordinate/{world['cohort'].slug}/"


def test_filter_by_endorsement(client, world):
    cohort = world["cohort"]
    factories.application(
        cohort, economy_code="ROK", family_name="Endorsedperson", endorsement="endorsed"
    )
    client.force_login(world["coordinator"])
    html = client.get(url("cohort", cohort), {"endorsement": "endorsed"}).content.decode()
    assert "ENDORSEDPERSON" in html
    assert "Min-seo LEE" not in html
    html = client.get(url("cohort", cohort), {"endorsement": "pending"}).content.decode()
    assert "ENDORSEDPERSON" not in html
    assert "Min-seo LEE" in html


# -- Endorsement ------------------------------------------------------------------------------


def test_endorse_then_decline_writes_fields_and_one_audit_entry_each(client, world):
    coordinator, app = world["coordinator"], world["rok"]
    client.force_login(coordinator)
    path = url("application", world["cohort"], pk=app.pk)

    response = client.post(path, {"decision": "endorsed", "comment": "A strong leader."})
    assert response.status_code == 302
    assert response["Location"] == url("cohort", world["cohort"])
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.ENDORSED
    assert app.endorsement_comment == "A strong leader."
    assert app.endorsed_by == coordinator
    assert app.endorsed_at is not None
    entries = list(log_entries(app, "cohorts.endorse"))
    assert len(entries) == 1
    assert entries[0].user_id == coordinator.pk
    assert entries[0].data["before"]["endorsement"] == "pending"
    assert entries[0].data["before"]["endorsement_comment"] == ""
    assert entries[0].data["after"]["endorsement"] == "endorsed"
    assert entries[0].data["after"]["endorsement_comment"] == "A strong leader."

    response = client.post(path, {"decision": "declined", "comment": "Not eligible this year."})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.DECLINED
    assert app.endorsement_comment == "Not eligible this year."
    entries = list(log_entries(app, "cohorts.endorse"))
    assert len(entries) == 2
    assert entries[1].data["before"]["endorsement"] == "endorsed"
    assert entries[1].data["after"]["endorsement"] == "declined"

    html = client.get(url("cohort", world["cohort"])).content.decode()
    assert "You declined to endorse Min-seo LEE." in html
    assert "Not endorsed" in html


def test_declining_without_a_comment_is_refused_and_keeps_the_input(client, world):
    app = world["rok"]
    client.force_login(world["coordinator"])
    response = client.post(
        url("application", world["cohort"], pk=app.pk), {"decision": "declined", "comment": "  "}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Explain in a comment why you do not endorse this applicant." in html
    assert re.search(r'<input[^>]*value="declined"[^>]*checked', html)
    assert 'aria-describedby="id_comment_helptext id_comment_error"' in html
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.PENDING
    assert not log_entries(app, "cohorts.endorse").exists()


def test_nul_bytes_in_the_comment_are_refused_cleanly(client, world):
    app = world["rok"]
    client.force_login(world["coordinator"])
    response = client.post(
        url("application", world["cohort"], pk=app.pk),
        {"decision": "endorsed", "comment": "bad\x00byte"},
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.PENDING


def test_endorsement_is_read_only_once_organizers_decide(client, world):
    app = world["rok"]
    app.status = ApplicationStatus.ACCEPTED
    app.save(update_fields=["status"])
    client.force_login(world["coordinator"])
    path = url("application", world["cohort"], pk=app.pk)
    html = client.get(path).content.decode()
    assert "The organizers have decided on this application" in html
    assert 'name="decision"' not in html
    response = client.post(path, {"decision": "declined", "comment": "Changed my mind."})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.PENDING
    assert not log_entries(app, "cohorts.endorse").exists()


def test_coordinator_cannot_endorse_another_economys_application(client, world):
    app = world["tha"]
    client.force_login(world["coordinator"])
    response = client.post(
        url("application", world["cohort"], pk=app.pk), {"decision": "endorsed", "comment": ""}
    )
    assert response.status_code == 404
    app.refresh_from_db()
    assert app.endorsement == EndorsementStatus.PENDING


def test_detail_shows_files_with_inline_view_for_pdfs(client, world):
    app = world["rok"]
    cv = factories.attach(app, "cv", name="my-cv.pdf")
    client.force_login(world["coordinator"])
    html = client.get(url("application", world["cohort"], pk=app.pk)).content.decode()
    assert f'href="/application-files/{cv.pk}/?inline=1"' in html
    assert f'href="/application-files/{cv.pk}/"' in html
    assert "Download my-cv.pdf" in html


# -- Ranking ----------------------------------------------------------------------------------


def test_ranking_is_saved_with_an_audit_entry(client, world):
    cohort = world["cohort"]
    first, second = world["rok"], factories.application(cohort, economy_code="ROK")
    client.force_login(world["coordinator"])
    response = client.post(url("rank", cohort), {f"rank_{first.pk}": "2", f"rank_{second.pk}": "1"})
    assert response.status_code == 302
    assert response["Location"] == url("cohort", cohort)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.coordinator_rank, second.coordinator_rank) == (2, 1)
    entries = list(log_entries(cohort, "cohorts.rank"))
    assert len(entries) == 1
    assert entries[0].data["before"] == {str(first.pk): None, str(second.pk): None}
    assert entries[0].data["after"] == {str(first.pk): 2, str(second.pk): 1}
    assert entries[0].data["economies"] == ["ROK"]

    # Rows not posted (hidden by a filter) keep their rank; clearing one is allowed.
    client.post(url("rank", cohort), {f"rank_{first.pk}": ""})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.coordinator_rank, second.coordinator_rank) == (None, 1)


def test_duplicate_ranks_are_refused_with_the_input_kept(client, world):
    cohort = world["cohort"]
    first, second = world["rok"], factories.application(cohort, economy_code="ROK")
    client.force_login(world["coordinator"])
    response = client.post(url("rank", cohort), {f"rank_{first.pk}": "1", f"rank_{second.pk}": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your ranking was not saved." in html
    assert "Rank 1 is given to more than one candidate" in html
    assert html.count("Another candidate also has rank 1.") >= 2
    assert re.search(rf'name="rank_{second.pk}"[^>]*value="1"', html)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.coordinator_rank, second.coordinator_rank) == (None, None)
    assert not log_entries(cohort, "cohorts.rank").exists()


def test_a_rank_beyond_the_number_of_candidates_is_refused(client, world):
    cohort = world["cohort"]
    client.force_login(world["coordinator"])
    response = client.post(url("rank", cohort), {f"rank_{world['rok'].pk}": "7"})
    assert response.status_code == 200
    assert "Give a whole number from 1 to 1, or leave it empty." in response.content.decode()


def test_ranking_another_economys_application_changes_nothing(client, world):
    cohort = world["cohort"]
    tha = world["tha"]
    client.force_login(world["coordinator"])
    response = client.post(
        url("rank", cohort), {f"rank_{tha.pk}": "1", f"rank_{world['rok_draft'].pk}": "1"}
    )
    assert response.status_code == 302
    tha.refresh_from_db()
    world["rok_draft"].refresh_from_db()
    assert tha.coordinator_rank is None
    assert world["rok_draft"].coordinator_rank is None
    assert not log_entries(cohort, "cohorts.rank").exists()


def test_rank_get_goes_back_to_the_cohort_page(client, world):
    client.force_login(world["coordinator"])
    response = client.get(url("rank", world["cohort"]))
    assert response.status_code == 302
    assert response["Location"] == url("cohort", world["cohort"])


# -- Query counts (P2) ------------------------------------------------------------------------


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_pages_make_the_same_number_of_queries_for_1_and_20_rows(client, world):
    cohort = world["cohort"]
    client.force_login(world["coordinator"])
    client.get("/coordinate/")  # warm caches (content types, site)
    few = [count_queries(client, p) for p in ("/coordinate/", url("cohort", cohort))]
    few.append(count_queries(client, url("nominate", cohort)))
    for n in range(20):
        factories.application(cohort, economy_code="ROK", native_name=f"이름{n}")
        Nomination.objects.create(
            cohort=cohort,
            economy=factories.economy("ROK"),
            email=f"nominee{n}@example.org",
            name=f"Nominee {n}",
            invited_by=world["coordinator"],
        )
    many = [count_queries(client, p) for p in ("/coordinate/", url("cohort", cohort))]
    many.append(count_queries(client, url("nominate", cohort)))
    assert many == few
    assert len(client.get(url("cohort", cohort)).context["rows"]) == 21


# -- Nominations ------------------------------------------------------------------------------


def nominate(client, cohort, **overrides):
    data = {
        "name": "Park Seo-yeon",
        "email": "seoyeon@example.org",
        "language": "ko",
        "economy": str(factories.economy("ROK").pk),
        "message": "I hope you will apply.",
        **overrides,
    }
    return client.post(url("nominate", cohort), data)


def test_nomination_email_in_the_invitations_language_with_a_korean_link(
    client, world, django_capture_on_commit_callbacks
):
    cohort = world["cohort"]
    MessageTemplate.objects.create(
        kind="nomination",
        language_code="ko",
        subject="{cohort} 지원 초대",
        body="{name}님, {economy} 코디네이터 {inviter}의 초대입니다. {link}\n{message}",
    )
    client.force_login(world["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = nominate(client, cohort)
    assert response.status_code == 302
    nomination = Nomination.objects.get(cohort=cohort)
    assert nomination.email == "seoyeon@example.org"
    assert nomination.economy.code == "ROK"
    assert nomination.language == "ko"
    assert nomination.invited_by == world["coordinator"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["seoyeon@example.org"]
    assert message.subject == "Cohort aslp-2026 지원 초대"
    link = f"{settings.WAGTAILADMIN_BASE_URL}/ko/nominations/{nomination.token}/"
    assert link in message.body
    assert "Park Seo-yeon님, 대한민국 코디네이터 Ji-ho Kim의 초대입니다." in message.body
    assert "I hope you will apply." in message.body
    entries = list(log_entries(nomination, "cohorts.nominate"))
    assert len(entries) == 1
    assert entries[0].user_id == world["coordinator"].pk
    assert entries[0].data["email"] == "seoyeon@example.org"


def test_nomination_built_in_english_email(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        nominate(client, world["cohort"], language="en", message="")
    nomination = Nomination.objects.get()
    message = mail.outbox[0]
    assert message.subject == "You are invited to apply to Cohort aslp-2026"
    assert f"{settings.WAGTAILADMIN_BASE_URL}/nominations/{nomination.token}/" in message.body
    assert "Ji-ho Kim, the coordinator for Republic of Korea, invites you" in message.body


def test_inviting_the_same_address_twice_is_refused_and_resend_works(
    client, world, django_capture_on_commit_callbacks
):
    cohort = world["cohort"]
    client.force_login(world["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        nominate(client, cohort)
    response = nominate(client, cohort, email="SeoYeon@Example.org", name="Someone else")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SeoYeon@Example.org was already invited to this cohort on" in html
    assert 'value="Someone else"' in html
    assert Nomination.objects.count() == 1

    nomination = Nomination.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("nominate", cohort), {"resend": str(nomination.pk)})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["seoyeon@example.org"]


def test_economy_must_be_one_the_coordinator_coordinates(client, world):
    client.force_login(world["coordinator"])
    response = nominate(client, world["cohort"], economy=str(factories.economy("THA").pk))
    assert response.status_code == 200
    assert "Choose one of the economies you coordinate." in response.content.decode()
    assert not Nomination.objects.exists()


def test_no_nomination_once_the_cohort_is_closed(client, world):
    cohort = world["cohort"]
    cohort.closes_at = timezone.now() - dt.timedelta(seconds=1)
    cohort.save(update_fields=["closes_at"])
    client.force_login(world["coordinator"])
    html = client.get(url("nominate", cohort)).content.decode()
    assert "This cohort is not accepting applications" in html
    assert 'name="email"' not in html
    response = nominate(client, cohort)
    assert response.status_code == 302
    assert not Nomination.objects.exists()
    assert mail.outbox == []


def test_past_nominations_show_their_state(client, world):
    cohort = world["cohort"]
    rok = factories.economy("ROK")
    invited = Nomination.objects.create(
        cohort=cohort, economy=rok, email="a@example.org", name="Invited Person"
    )
    Nomination.objects.create(
        cohort=cohort,
        economy=rok,
        email="b@example.org",
        name="Started Person",
        application=world["rok_draft"],
    )
    Nomination.objects.create(
        cohort=cohort,
        economy=rok,
        email="c@example.org",
        name="Done Person",
        application=world["rok"],
    )
    Nomination.objects.create(
        cohort=cohort,
        economy=factories.economy("THA"),
        email="d@example.org",
        name="Thai Person",
    )
    client.force_login(world["coordinator"])
    response = client.get(url("nominate", cohort))
    states = {n.name: n.state for n in response.context["nominations"]}
    assert states == {
        "Invited Person": "invited",
        "Started Person": "started",
        "Done Person": "submitted",
    }
    html = response.content.decode()
    assert "Thai Person" not in html
    assert "Application started" in html
    assert f'<input type="hidden" name="resend" value="{invited.pk}">' in html


# -- Accepting a nomination -------------------------------------------------------------------


@pytest.fixture
def nomination(world):
    return Nomination.objects.create(
        cohort=world["cohort"],
        economy=factories.economy("ROK"),
        email="nominee@example.org",
        name="Nominee",
        invited_by=world["coordinator"],
        language="ko",
    )


def test_accepting_links_a_new_draft_with_the_economy_and_the_inviter(client, world, nomination):
    nominee = factories.user("nominee@example.org")
    client.force_login(nominee)
    path = f"/nominations/{nomination.token}/"
    html = client.get(path).content.decode()
    assert "Republic of Korea" in html
    assert "Ji-ho Kim, coordinator for Republic of Korea" in html
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == f"/apply/{world['cohort'].slug}/"
    app = Application.objects.get(cohort=world["cohort"], applicant=nominee)
    assert app.status == ApplicationStatus.DRAFT
    assert app.economy.code == "ROK"
    assert app.nominated_by == world["coordinator"]
    nomination.refresh_from_db()
    assert nomination.application == app
    assert log_entries(app, "cohorts.nomination_accept").count() == 1
    # Again: nothing new, straight on to the application.
    assert client.post(path)["Location"] == f"/apply/{world['cohort'].slug}/"
    assert Application.objects.filter(applicant=nominee).count() == 1


def test_accepting_moves_an_existing_draft_to_the_invited_economy(client, world, nomination):
    nominee = factories.user()
    draft = factories.application(
        world["cohort"], nominee, economy_code="THA", status=ApplicationStatus.DRAFT
    )
    client.force_login(nominee)
    html = client.get(f"/nominations/{nomination.token}/").content.decode()
    assert "Your draft application is for Thailand." in html
    client.post(f"/nominations/{nomination.token}/")
    draft.refresh_from_db()
    assert draft.economy.code == "ROK"
    assert draft.nominated_by == world["coordinator"]
    assert draft.family_name  # nothing typed is lost


def test_a_used_invitation_is_refused_to_another_person(client, world, nomination):
    first = factories.user()
    client.force_login(first)
    client.post(f"/nominations/{nomination.token}/")
    second = factories.user()
    client.force_login(second)
    html = client.get(f"/nominations/{nomination.token}/").content.decode()
    assert "This invitation has already been used by another person." in html
    response = client.post(f"/nominations/{nomination.token}/", follow=True)
    assert "This invitation has already been used by another person." in response.content.decode()
    assert not Application.objects.filter(applicant=second).exists()
    nomination.refresh_from_db()
    assert nomination.application.applicant == first


def test_a_submitted_application_of_another_economy_is_explained(client, world, nomination):
    nominee = factories.user()
    own = factories.application(world["cohort"], nominee, economy_code="THA")
    client.force_login(nominee)
    response = client.post(f"/nominations/{nomination.token}/", follow=True)
    html = response.content.decode()
    assert (
        "You have already submitted an application to this cohort as a candidate from Thailand."
        in html
    )
    own.refresh_from_db()
    assert own.economy.code == "THA"
    assert own.nominated_by is None
    nomination.refresh_from_db()
    assert nomination.application is None


def test_accepting_is_refused_once_the_cohort_closed(client, world, nomination):
    cohort = world["cohort"]
    cohort.status = CohortStatus.CLOSED
    cohort.save(update_fields=["status"])
    nominee = factories.user()
    client.force_login(nominee)
    response = client.post(f"/nominations/{nomination.token}/", follow=True)
    assert "This cohort is not accepting applications any more" in response.content.decode()
    assert not Application.objects.filter(applicant=nominee).exists()


def test_unknown_token_is_404_and_anonymous_is_sent_to_sign_in(client, nomination):
    response = client.get(f"/ko/nominations/{nomination.token}/")
    assert response.status_code == 302
    assert response["Location"] == (f"/ko/accounts/login/?next=/ko/nominations/{nomination.token}/")
    client.force_login(factories.user())
    assert client.get("/nominations/not-a-real-token/").status_code == 404
    assert client.get("/nominations/bad%00token/").status_code == 404
