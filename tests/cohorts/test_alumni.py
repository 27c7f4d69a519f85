"""One person across cohorts (cohorts.alumni): their timeline, the accounts that are probably
them, the organizer's "This person before" box and the opt-in alumni directory."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Certificate, CertificateKind, CertificateStatus
from cohorts import alumni, personal_data
from cohorts.models import AlumniProfile, ApplicationStatus, CohortStatus, Role
from tests.cohorts import factories as cf
from tests.trainings import factories as tf

_serials = itertools.count(1)


def finished(slug: str, year: int):
    return cf.cohort(
        slug,
        year=year,
        status=CohortStatus.FINISHED,
        opens_in=-dt.timedelta(days=400 * (2027 - year)),
        closes_in=-dt.timedelta(days=400 * (2027 - year) - 30),
    )


def certificate(participant, kind, status=CertificateStatus.VALID):
    n = next(_serials)
    return Certificate.objects.create(
        cohort=participant.cohort,
        kind=kind,
        participant=participant,
        serial=f"AL-{n:04d}",
        code=f"alumni-code-{n}",
        holder_name=f"Holder {n}",
        language="en",
        languages=["en"],
        status=status,
        issued_on=timezone.localdate(),
        pdf=f"certificates/test/{n}.pdf",
        sha256="0" * 64,
        size=1,
    )


def profile(user, **extra) -> AlumniProfile:
    values = {
        "listed": True,
        "school": "Hanbit Primary School",
        "position": "Principal",
        "about": "I lead a rural school.",
        **extra,
    }
    return AlumniProfile.objects.create(user=user, **values)


def confirmed(cohort, person, **extra):
    """A confirmed application of ``person`` (their participant row is made with it)."""
    return cf.application(cohort, person, status=ApplicationStatus.CONFIRMED, **extra)


@pytest.fixture
def world(db):
    earlier = finished("alumni-2024", 2024)
    past = finished("alumni-2025", 2025)
    current = tf.cohort("alumni-2026", year=2026)
    listed = tf.participant(
        earlier, "listed@example.org", family_name="Kim", given_names="Eunkyung"
    )
    profile(listed.user, contact_email="eunkyung@school.example.org")
    unlisted = tf.participant(
        past, "unlisted@example.org", economy_code="THA", family_name="Somchai", given_names="Anan"
    )
    profile(unlisted.user, listed=False, contact_email="anan@school.example.org")
    running = tf.participant(current, "running@example.org", family_name="Lee", given_names="Su")
    organizer = tf.organizer(current, "organizer@example.org")
    superuser = cf.user("root@example.org", is_superuser=True, is_staff=True)
    applicant = cf.user("applicant@example.org")
    cf.application(current, applicant)
    return {
        "earlier": earlier,
        "past": past,
        "current": current,
        "listed": listed.user,
        "unlisted": unlisted.user,
        "running": running.user,
        "organizer": organizer,
        "superuser": superuser,
        "applicant": applicant,
    }


def get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


# -- Timeline -------------------------------------------------------------------------------------


def history(person, world):
    cf.application(world["earlier"], person, status=ApplicationStatus.REJECTED)
    confirmed(world["past"], person)
    participant = person.participations.get(cohort=world["past"])
    certificate(participant, CertificateKind.COMPLETION)
    certificate(participant, CertificateKind.ATTENDANCE, status=CertificateStatus.REVOKED)
    cf.grant(person, Role.REVIEWER, world["current"])
    cf.grant(person, Role.COORDINATOR, world["current"], "ROK")
    cf.grant(person, Role.COORDINATOR, None, "ROK")  # every cohort: no year, not in the timeline


def rows(person):
    return [
        (
            row.year,
            row.status,
            row.selected,
            row.participant,
            row.completed,
            row.certificate_kinds,
            row.roles,
        )
        for row in alumni.timeline(person)
    ]


def test_the_timeline_puts_applications_participation_certificates_and_roles_by_year(world):
    person = cf.user("jaehyun@example.org")
    history(person, world)
    cf.application(world["current"], cf.user(), status=ApplicationStatus.SUBMITTED)  # another

    assert rows(person) == [
        (2024, "rejected", False, False, False, [], []),
        (2025, "confirmed", True, True, True, ["completion"], []),
        (2026, "", False, False, False, [], ["coordinator", "reviewer"]),
    ]
    assert alumni.timeline(person)[1].certificate_labels == ["Completion"]
    assert alumni.timeline(person)[2].role_labels == ["Economy coordinator", "Reviewer"]


def test_a_draft_is_not_in_the_timeline(world):
    person = cf.user()
    cf.application(world["current"], person, status=ApplicationStatus.DRAFT)
    assert alumni.timeline(person) == []


def test_the_timeline_takes_four_queries_whatever_the_history(world):
    short = cf.user()
    cf.application(world["earlier"], short, status=ApplicationStatus.REJECTED)
    long = cf.user()
    history(long, world)
    for person in (short, long):
        with CaptureQueriesContext(connection) as queries:
            alumni.timeline(person)
        assert len(queries) == 4


# -- Possible duplicates --------------------------------------------------------------------------


def test_the_same_name_without_accents_case_or_extra_spaces_in_the_same_economy(world):
    earlier = cf.application(
        world["earlier"], family_name="Núñez", given_names="José  María", economy_code="ROK"
    )
    cf.application(
        world["earlier"], family_name="Núñez", given_names="José María", economy_code="THA"
    )
    cf.application(world["earlier"], family_name="Nunez", given_names="Josefa", economy_code="ROK")
    cf.application(
        world["earlier"],
        family_name="Nunez",
        given_names="Jose Maria",
        status=ApplicationStatus.DRAFT,
    )
    later = cf.application(world["current"], family_name=" NUNEZ", given_names="jose maria ")

    found = alumni.possible_duplicates(later)

    assert [(d.application, d.same_name, d.same_phone) for d in found] == [(earlier, True, False)]


def test_the_same_phone_digits_whatever_the_name_or_economy(world):
    earlier = cf.application(
        world["past"], economy_code="THA", family_name="Park", phone="+82 (10) 1234-5678"
    )
    cf.application(world["past"], family_name="Choi", phone="+82 10 1234 5679")
    later = cf.application(world["current"], family_name="Kim", phone="+82-10-1234-5678")

    found = alumni.possible_duplicates(later)

    assert [(d.application, d.same_name, d.same_phone) for d in found] == [(earlier, False, True)]


def test_the_same_account_and_later_cohorts_are_not_duplicates(world):
    person = cf.user()
    cf.application(world["earlier"], person, family_name="Han", given_names="Mina")
    cf.application(world["current"], family_name="Han", given_names="Mina")  # later cohort
    application = cf.application(world["past"], person, family_name="Han", given_names="Mina")

    assert alumni.possible_duplicates(application) == []


def test_a_short_phone_number_matches_nothing(world):
    cf.application(world["past"], family_name="Park", phone="12-34")
    later = cf.application(world["current"], family_name="Kim", phone="1234")
    assert alumni.possible_duplicates(later) == []


def test_duplicates_take_one_query_whatever_the_number_of_candidates(world):
    later = cf.application(world["current"], family_name="Kang", phone="+82 10 9999 0000")
    counted = []
    for extra in (1, 20):
        for _ in range(extra):
            cf.application(world["past"], family_name="Kang", phone="+82 10 9999 0000")
        with CaptureQueriesContext(connection) as queries:
            found = alumni.possible_duplicates(later)
        counted.append((len(queries), len(found)))
    assert counted == [(1, 1), (1, 21)]


# -- The organizer's application page -------------------------------------------------------------


@pytest.fixture
def returning(world):
    """Kim applies to 2026 from a new account; her 2024 application came from her old one, and
    the new account applied to 2025 too."""
    old = cf.application(
        world["earlier"],
        family_name="Kim",
        given_names="Eun-kyung",
        status=ApplicationStatus.REJECTED,
    )
    person = cf.user("eunkyung.new@example.org")
    again = cf.application(world["past"], person, family_name="KIM", given_names="Eun-kyung")
    current = cf.application(world["current"], person, family_name="Kim", given_names="Eun-kyung")
    return {"old": old, "again": again, "current": current}


def manage_url(application):
    return reverse(
        "cohorts:manage_application",
        kwargs={"slug": application.cohort.slug, "pk": application.pk},
    )


def test_the_organizer_sees_this_person_before_with_links_to_the_cohorts_they_organize(
    client, world, returning
):
    cf.grant(world["organizer"], Role.ORGANIZER, world["earlier"])

    response = get(client, world["organizer"], manage_url(returning["current"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "This person before" in html
    assert "Applied again: this account's other cohorts" in html
    assert "Possibly the same person, from another account" in html
    assert f'<a href="{manage_url(returning["old"])}">Eun-kyung KIM</a>' in html
    assert "same name and economy" in html
    # 2025 is not theirs: its application is named, not linked.
    assert manage_url(returning["again"]) not in html
    assert "Cohort alumni-2025 (2025):" in html


def test_duplicates_of_cohorts_the_organizer_does_not_organize_are_plain_text(
    client, world, returning
):
    response = get(client, world["organizer"], manage_url(returning["current"]))

    html = response.content.decode()
    assert manage_url(returning["old"]) not in html
    assert "Eun-kyung KIM, Cohort alumni-2024 (2024): Not selected" in html


def test_a_superuser_gets_every_link(client, world, returning):
    response = get(client, world["superuser"], manage_url(returning["current"]))
    html = response.content.decode()
    assert f'<a href="{manage_url(returning["old"])}">Eun-kyung KIM</a>' in html
    assert f'<a href="{manage_url(returning["again"])}">Cohort alumni-2025</a>' in html


def test_nobody_before(client, world):
    application = cf.application(world["current"], family_name="Unique", given_names="Person")
    response = get(client, world["organizer"], manage_url(application))
    assert "No earlier application or role of this person is known." in response.content.decode()


def test_reviewers_and_coordinators_do_not_see_this_person_before(client, world, returning):
    reviewer = cf.user("reviewer@example.org")
    cf.grant(reviewer, Role.REVIEWER, world["current"], "THA")
    review = cf.assign(returning["current"], reviewer)
    coordinator = cf.user("coordinator@example.org")
    cf.grant(coordinator, Role.COORDINATOR, world["current"], "ROK")

    pages = [
        (reviewer, reverse("cohorts:review_detail", kwargs={"pk": review.pk})),
        (
            coordinator,
            reverse(
                "cohorts:coordinator_application",
                kwargs={"slug": "alumni-2026", "pk": returning["current"].pk},
            ),
        ),
    ]
    for person, url in pages:
        response = get(client, person, url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "This person before" not in html
        assert "alumni-2024" not in html
        assert manage_url(returning["old"]) not in html
        assert get(client, person, manage_url(returning["current"])).status_code == 403


# -- The directory --------------------------------------------------------------------------------


DIRECTORY = "/alumni/"
ME = "/alumni/me/"


def test_who_reaches_the_directory_and_the_profile_page(client, world):
    outcomes = {
        name: (get(client, person, DIRECTORY).status_code, get(client, person, ME).status_code)
        for name, person in (
            ("listed alumnus", world["listed"]),
            ("unlisted alumnus", world["unlisted"]),
            ("participant of a running cohort", world["running"]),
            ("organizer", world["organizer"]),
            ("superuser", world["superuser"]),
            ("applicant", world["applicant"]),
        )
    }
    assert outcomes == {
        "listed alumnus": (200, 200),
        "unlisted alumnus": (200, 200),
        "participant of a running cohort": (404, 404),
        "organizer": (200, 404),
        "superuser": (200, 404),
        "applicant": (404, 404),
    }
    client.logout()
    for url in (DIRECTORY, ME):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
        assert client.post(url).status_code in (302, 405)


def test_the_directory_lists_the_listed_alumni_only(client, world):
    response = get(client, world["organizer"], DIRECTORY)
    assert "no-store" in response["Cache-Control"]
    entries = response.context["entries"]
    assert [(e["name"], e["economy"], [c.year for c in e["cohorts"]]) for e in entries] == [
        ("Eunkyung KIM", "Republic of Korea", [2024])
    ]
    html = response.content.decode()
    assert "Hanbit Primary School" in html
    assert "I lead a rural school." in html
    assert '<a href="mailto:eunkyung@school.example.org">' in html
    assert "anan@school.example.org" not in html
    assert "SOMCHAI" not in html


def test_the_contact_address_is_shown_only_inside_the_directory(client, world):
    application = world["listed"].applications.get()
    pages = [
        (world["superuser"], manage_url(application)),
        (world["listed"], reverse("cohorts:my_applications")),
        (None, reverse("cohorts:cohort_detail", kwargs={"slug": "alumni-2024"})),
    ]
    for person, url in pages:
        response = get(client, person, url)
        assert response.status_code == 200
        assert "eunkyung@school.example.org" not in response.content.decode()
    assert "eunkyung@school.example.org" in get(client, world["listed"], DIRECTORY).content.decode()


def test_the_economy_names_follow_the_language(client, world):
    client.force_login(world["listed"])
    response = client.get("/ko/alumni/")
    assert [e["economy"] for e in response.context["entries"]] == ["대한민국"]


def test_filters_by_economy_year_and_search(client, world):
    second = tf.participant(
        world["past"],
        "second@example.org",
        economy_code="THA",
        family_name="Wong",
        given_names="Mali",
    )
    profile(second.user, school="Chiang Mai Secondary")

    def names(query):
        response = get(client, world["organizer"], f"{DIRECTORY}?{query}")
        assert response.status_code == 200
        return [e["name"] for e in response.context["entries"]]

    assert names("") == ["Eunkyung KIM", "Mali WONG"]
    assert names("economy=THA") == ["Mali WONG"]
    assert names("year=2024") == ["Eunkyung KIM"]
    assert names("year=2025&economy=ROK") == []
    assert names("q=chiang") == ["Mali WONG"]
    assert names("q=eunkyung") == ["Eunkyung KIM"]
    assert names("q=kim+hanbit") == ["Eunkyung KIM"]
    assert names("year=1900&economy=XXX") == ["Eunkyung KIM", "Mali WONG"]  # ignored


def test_twenty_five_a_page(client, world):
    for n in range(26):
        person = tf.participant(world["past"], family_name=f"Zed{n:02d}", given_names="A")
        profile(person.user)
    response = get(client, world["organizer"], DIRECTORY)
    assert len(response.context["entries"]) == 25
    assert response.context["page_obj"].paginator.count == 27
    second = get(client, world["organizer"], f"{DIRECTORY}?page=2").context["entries"]
    assert [e["name"] for e in second] == ["A ZED24", "A ZED25"]


def test_the_directory_takes_the_same_queries_for_one_and_many_alumni(client, world):
    client.force_login(world["organizer"])
    client.get(DIRECTORY)  # the first request of a session loads what every later one reuses
    counts = []
    for extra in (0, 12):
        for n in range(extra):
            person = tf.participant(
                world["past"], economy_code=("THA" if n % 2 else "ROK"), family_name=f"Y{n}"
            )
            confirmed(world["earlier"], person.user)
            profile(person.user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(DIRECTORY)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- The profile page -----------------------------------------------------------------------------


def test_opting_out_hides_the_profile_at_once(client, world):
    client.force_login(world["listed"])
    response = client.post(ME, {"school": "Hanbit Primary School", "position": "Principal"})
    assert response.status_code == 302
    assert response["Location"] == ME
    assert AlumniProfile.objects.get(user=world["listed"]).listed is False
    assert get(client, world["organizer"], DIRECTORY).context["entries"] == []


def test_opting_in_makes_a_profile(client, world):
    person = tf.participant(world["past"], "new@example.org", family_name="Ho", given_names="Bo")
    client.force_login(person.user)
    page = client.get(ME).content.decode()
    assert "You are not listed in the alumni directory." in page
    assert "the alumni of the programme and its organizers see your name" in page
    response = client.post(
        ME,
        {
            "listed": "on",
            "school": "Sunrise School",
            "position": "Vice-principal",
            "about": "Maths and leadership.",
            "contact_email": "bo@example.org",
        },
        follow=True,
    )
    assert "Your profile is saved and listed in the directory." in response.content.decode()
    saved = AlumniProfile.objects.get(user=person.user)
    assert (saved.listed, saved.school, saved.position, saved.about, saved.contact_email) == (
        True,
        "Sunrise School",
        "Vice-principal",
        "Maths and leadership.",
        "bo@example.org",
    )
    names = [e["name"] for e in get(client, world["organizer"], DIRECTORY).context["entries"]]
    assert names == ["Bo HO", "Eunkyung KIM"]


def test_errors_keep_what_was_typed(client, world):
    client.force_login(world["unlisted"])
    response = client.post(
        ME,
        {"listed": "on", "school": "Kept School", "about": "x" * 501, "contact_email": "not-mail"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "about": ["Ensure this value has at most 500 characters (it has 501)."],
        "contact_email": ["Enter a valid email address."],
    }
    html = response.content.decode()
    assert 'value="Kept School"' in html
    assert 'value="not-mail"' in html
    assert AlumniProfile.objects.get(user=world["unlisted"]).school == "Hanbit Primary School"


# -- Personal data --------------------------------------------------------------------------------


def test_erasure_deletes_the_profile_and_the_export_holds_it(world):
    person = world["listed"]
    with zipfile.ZipFile(personal_data.export_person(person)) as archive:
        rows = json.loads(archive.read("data.json"))["data"]["alumni_profile"]
    assert [(r["listed"], r["school"], r["contact_email"]) for r in rows] == [
        (True, "Hanbit Primary School", "eunkyung@school.example.org")
    ]
    personal_data.erase_person(person, world["superuser"], "Asked in writing.")
    assert not AlumniProfile.objects.filter(user=person).exists()
    assert AlumniProfile.objects.filter(user=world["unlisted"]).exists()
