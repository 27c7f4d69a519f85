"""Sessions, the public page cache and rate-limit counters on a real Redis (production's
CACHE_URL, SESSION_CACHE_URL and SESSION_STORE=cache), read back with redis-py.

Both cache aliases use Django's RedisCache on one Redis database of the tests' own, with
distinct key prefixes. Skipped when Redis at 127.0.0.1:6379 does not answer.
"""

from __future__ import annotations

import pickle

import pytest
import redis
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from wagtail.models import Page, Site

from aslp_site.accounts.models import User
from aslp_site.core.cache import VERSION_KEY
from aslp_site.public.models import HomePage
from tests.ops.redis_db import redis_url

CACHE_REDIS_URL = redis_url()
CACHE_PREFIX = "aslp-test-cache"
SESSION_PREFIX = "aslp-test-sessions"
PASSWORD = "Sturdy-Passphrase-42"
LOGIN = "/accounts/login/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(settings):
    """The Redis database behind both cache aliases, empty at the start and the end."""
    client = redis.Redis.from_url(CACHE_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {CACHE_REDIS_URL}: {exc}")
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIX,
        },
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": SESSION_PREFIX,
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_CACHE_ALIAS = "sessions"
    yield client
    client.flushdb()
    client.close()


def keys(client: redis.Redis, pattern: str) -> list[str]:
    return sorted(key.decode() for key in client.scan_iter(match=pattern))


def stored(client: redis.Redis, key: str):
    """A value as Django's RedisCache wrote it (integers plain, anything else pickled)."""
    raw = client.get(key)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return pickle.loads(raw)  # noqa: S301 - written by this test's own cache


def make_user(email: str) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


# -- Sessions -------------------------------------------------------------------------------------


def test_a_session_lives_in_redis_and_ends_when_its_key_is_deleted(client, store):
    user = make_user("reader@example.org")
    response = client.post(LOGIN, {"login": "reader@example.org", "password": PASSWORD})
    assert response.status_code == 302

    session_key = client.cookies["sessionid"].value
    redis_key = f"{SESSION_PREFIX}:1:django.contrib.sessions.cache{session_key}"
    assert keys(store, f"{SESSION_PREFIX}:*") == [redis_key]
    assert stored(store, redis_key)["_auth_user_id"] == str(user.pk)
    assert not Session.objects.exists()  # nothing in the database
    # The session TTL is the session's age.
    assert 0 < store.ttl(redis_key) <= 1209600

    profile = client.get("/accounts/profile/")
    assert profile.status_code == 200
    assert "reader@example.org" in profile.content.decode()
    assert "no-store" in profile["Cache-Control"]

    store.delete(redis_key)

    signed_out = client.get("/accounts/profile/")
    assert signed_out.status_code == 302
    assert signed_out["Location"] == f"{LOGIN}?next=/accounts/profile/"


def test_signing_out_removes_the_session_from_redis(client, store):
    make_user("leaver@example.org")
    client.post(LOGIN, {"login": "leaver@example.org", "password": PASSWORD})
    assert len(keys(store, f"{SESSION_PREFIX}:*")) == 1
    assert client.post("/accounts/logout/").status_code == 302
    assert keys(store, f"{SESSION_PREFIX}:*") == []


# -- The public page cache ------------------------------------------------------------------------


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Redis home", slug="redis-home", intro="<p>First</p>")
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost"}
    )
    return home


def page_keys(store: redis.Redis) -> list[str]:
    return keys(store, f"{CACHE_PREFIX}:1:public-page-cache:*:testserver:/")


def test_an_anonymous_page_is_stored_in_redis_and_publishing_empties_the_cache(client, store, home):
    first = client.get("/")
    assert (first.status_code, first["X-Public-Cache"]) == (200, "miss")
    version = stored(store, f"{CACHE_PREFIX}:1:{VERSION_KEY}")
    assert len(version) == 32
    (entry,) = page_keys(store)
    assert entry == f"{CACHE_PREFIX}:1:public-page-cache:{version}:testserver:/"
    assert 0 < store.ttl(entry) <= 600  # PUBLIC_PAGE_CACHE_SECONDS
    assert b"First" in stored(store, entry).content

    second = client.get("/")
    assert (second.status_code, second["X-Public-Cache"]) == (200, "hit")
    assert second.content == first.content

    home.intro = "<p>Second version</p>"
    home.save_revision().publish()

    new_version = stored(store, f"{CACHE_PREFIX}:1:{VERSION_KEY}")
    assert new_version != version and len(new_version) == 32
    third = client.get("/")
    assert (third.status_code, third["X-Public-Cache"]) == (200, "miss")
    assert b"Second version" in third.content and b"First" not in third.content
    new_entry = f"{CACHE_PREFIX}:1:public-page-cache:{new_version}:testserver:/"
    assert new_entry in page_keys(store)
    assert client.get("/")["X-Public-Cache"] == "hit"


# -- Rate limits ----------------------------------------------------------------------------------


def test_failed_logins_beyond_the_limit_get_429_with_the_counter_in_redis(client, store):
    for attempt in range(30):  # ACCOUNT_RATE_LIMITS["login"] = "30/m/ip"
        response = client.post(
            LOGIN, {"login": f"someone{attempt}@example.org", "password": "x" * 12}
        )
        assert response.status_code == 200
    blocked = client.post(LOGIN, {"login": "last@example.org", "password": "x" * 12})
    assert blocked.status_code == 429
    assert "<h1>Too many attempts</h1>" in blocked.content.decode()

    (counter,) = keys(store, f"{CACHE_PREFIX}:1:allauth:rl:allauth.account:login:*")
    assert counter.endswith(":ip:127.0.0.1")
    history = stored(store, counter)
    assert len(history) == 30  # one timestamp per allowed attempt, the refused one not kept
    assert 0 < store.ttl(counter) <= 60
    # The counter is kept in Redis, not in the client: a new client from the same address is
    # refused too, until the counter is gone.
    other = Client()
    assert other.post(LOGIN, {"login": "x@example.org", "password": "x" * 12}).status_code == 429
    store.delete(counter)
    assert other.post(LOGIN, {"login": "y@example.org", "password": "x" * 12}).status_code == 200
