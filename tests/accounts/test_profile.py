import datetime as dt

import pytest
from django.utils import translation

from aslp_site.accounts.models import User

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_profile_needs_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_page_labels_its_fields_and_links_the_security_settings(client, make_user):
    client.force_login(make_user("reader@example.org"))
    response = client.get("/accounts/profile/")
    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1
    html = response.content.decode()
    assert "<h1>My profile</h1>" in html
    for field_id in ("id_first_name", "id_last_name", "id_preferred_language", "id_time_zone"):
        assert f'<label for="{field_id}">' in html
    assert '<optgroup label="Asia">' in html
    assert '<option value="Asia/Seoul">Seoul</option>' in html
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert 'href="/accounts/2fa/"' in html


def test_saving_korean_redirects_to_the_korean_profile(client, make_user):
    user = make_user("switcher@example.org")
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {
            "first_name": "Ji-woo",
            "last_name": "Park",
            "preferred_language": "ko",
            "time_zone": "Asia/Seoul",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/accounts/profile/"
    user.refresh_from_db()
    assert (user.first_name, user.preferred_language, user.time_zone) == (
        "Ji-woo",
        "ko",
        "Asia/Seoul",
    )
    page = client.get(response["Location"])
    html = page.content.decode()
    assert '<html lang="ko"' in html
    with translation.override("ko"):
        saved = translation.gettext("Your profile has been saved.")
        heading = translation.gettext("My profile")
    assert saved in html
    assert f"<h1>{heading}</h1>" in html


def test_invalid_time_zone_is_refused_and_nothing_changes(client, make_user):
    user = make_user("careful@example.org", time_zone="Europe/Madrid")
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {"preferred_language": "en", "time_zone": "Nowhere/Atlantis"},
    )
    assert response.status_code == 200
    assert 'id="id_time_zone_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.time_zone == "Europe/Madrid"


def test_the_time_zone_changes_how_dates_are_shown(client, make_user):
    user = make_user("traveller@example.org")
    client.force_login(user)
    moment = dt.datetime(2026, 1, 2, 21, 0, tzinfo=dt.UTC)
    User.objects.filter(pk=user.pk).update(last_login=moment)

    in_utc = client.get("/accounts/profile/").content.decode()
    assert '<time datetime="2026-01-02T21:00:00+00:00">Jan. 2, 2026, 9 p.m.</time>' in in_utc

    User.objects.filter(pk=user.pk).update(time_zone="Asia/Seoul")
    in_seoul = client.get("/accounts/profile/").content.decode()
    assert '<time datetime="2026-01-03T06:00:00+09:00">Jan. 3, 2026, 6 a.m.</time>' in in_seoul


def test_an_older_zone_alias_stays_selected(client, make_user):
    client.force_login(make_user("old@example.org", time_zone="US/Eastern"))
    html = client.get("/accounts/profile/").content.decode()
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in html


def test_login_continues_in_the_preferred_language(client, make_user):
    make_user("korean@example.org", preferred_language="ko")
    response = client.post(
        "/accounts/login/", {"login": "korean@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ko/accounts/profile/"

    make_user("english@example.org", preferred_language="en")
    client.logout()
    response = client.post(
        "/ko/accounts/login/", {"login": "english@example.org", "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/profile/"


def _work(client, user) -> list[str]:
    import re

    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    section = (
        html.split('<ul class="account-work">')[1].split("</ul>")[0]
        if "account-work" in html
        else ""
    )
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)


def test_the_profile_lists_where_each_persons_work_is(client, make_user, settings):
    settings.REQUIRE_STAFF_MFA = False  # staff would first be sent to set up an app
    from cohorts.models import Role
    from tests.trainings import factories as f

    cohort = f.cohort("cohort-w")
    assert _work(client, make_user("reader@example.org")) == []
    participant = f.participant(cohort, "kim@example.org")
    assert _work(client, participant.user) == [
        ("/my-programme/", "My programme"),
        ("/applications/", "My applications"),
    ]
    staff = make_user("certs@example.org")
    f.grant(staff, Role.CERTIFICATE_STAFF, cohort)
    assert _work(client, staff) == [("/admin/certificates/", "Certificates")]
    organizer = make_user("organizer@example.org")
    f.grant(organizer, Role.ORGANIZER, cohort)
    assert _work(client, organizer) == [
        ("/alumni/", "Alumni directory"),
        ("/manage/", "Manage cohorts"),
    ]
