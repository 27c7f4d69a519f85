"""The public page cache: anonymous visitors get cached pages; nothing personal is ever shared."""

import pytest
from django.test import Client
from wagtail.models import Page, Site

from aslp_site.accounts.models import User
from aslp_site.public.models import HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Cache home", slug="cache-home", intro="<p>First</p>")
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost"}
    )
    return home


def test_anonymous_page_is_served_from_the_cache_on_the_second_request(client, home):
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert first["X-Public-Cache"] == "miss"
    assert second["X-Public-Cache"] == "hit"
    assert b"First" in second.content
    # Security headers are added outside the cache, so cached answers carry them too.
    assert second["X-Content-Type-Options"] == "nosniff"
    assert second["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_publishing_a_change_is_visible_at_once(client, home):
    assert client.get("/")["X-Public-Cache"] == "miss"
    assert client.get("/")["X-Public-Cache"] == "hit"
    home.intro = "<p>Second version</p>"
    home.save_revision().publish()
    response = client.get("/")
    assert response["X-Public-Cache"] == "miss"
    assert b"Second version" in response.content
    assert b"First" not in response.content


def test_unpublishing_removes_the_page_from_the_cache(client, home):
    child = home.add_child(instance=HomePage(title="Short-lived", slug="short-lived"))
    assert client.get("/short-lived/").status_code == 200
    assert client.get("/short-lived/")["X-Public-Cache"] == "hit"
    child.unpublish()
    assert client.get("/short-lived/").status_code == 404


def test_signed_in_people_are_never_served_or_stored_in_the_cache(client, home):
    client.get("/")  # warm the cache anonymously
    user = User.objects.create_user(email="reader@example.org", password="a-long-password-1")
    client.force_login(user)
    response = client.get("/")
    assert "X-Public-Cache" not in response
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_session_cookie_bypasses_the_cache(home):
    anonymous = Client()
    anonymous.get("/")
    with_session = Client()
    with_session.cookies["sessionid"] = "anything"
    assert "X-Public-Cache" not in with_session.get("/")


def test_unknown_query_parameters_bypass_the_cache(client, home):
    client.get("/?utm_source=x")
    assert "X-Public-Cache" not in client.get("/?utm_source=x")
    assert client.get("/?page=2")["X-Public-Cache"] == "miss"


def test_error_pages_are_not_cached(client, home):
    assert client.get("/no-such-page/").status_code == 404
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "X-Public-Cache" not in response


def test_views_not_marked_public_are_not_cached(client, home):
    client.get("/accounts/login/")
    response = client.get("/accounts/login/")
    assert "X-Public-Cache" not in response


def test_cache_can_be_switched_off(client, home, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert "X-Public-Cache" not in client.get("/")
