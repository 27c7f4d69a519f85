"""The site on S3-compatible object storage (MEDIA_STORAGE=s3), against a local moto server.

The pytest process keeps its local folders; the site runs in a separate process started with
MEDIA_STORAGE=s3 (``manage.py runserver`` on the PostgreSQL test database) and is driven over
HTTP, as a browser would. The buckets are then inspected with boto3:

* a CV uploaded through the application form lands in the private bucket under a generated
  name, with no public grant; an unsigned GET of it is refused; the storage's own URL is signed
  for 60 seconds; the site serves it only to its owner, as a private attachment;
* a Wagtail image and its rendition land in the public bucket and are readable unsigned;
* ``/health/`` reports the storage, and fails when the object store is gone.

What moto proves and what it does not: moto refuses an unsigned GET of an object unless the
object's ACL or the bucket's policy lets anyone read it (as S3 does). It does not check request
signatures or their expiry, nor enforce the "block public access" settings: for those the tests
assert the settings and recompute the signature of the URL.

Needs PostgreSQL (the site process shares the test database) and moto[server]; skipped
otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from tests import processes
from tests.ops import s3
from tests.processes import test_database_url, wait_for_other_sessions

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(s3.moto_server_path() is None, reason="moto[server] is not installed"),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: the site process shares the test database",
    ),
]

requests = pytest.importorskip("requests")
BeautifulSoup = pytest.importorskip("bs4").BeautifulSoup

PUBLIC_GRANTEES = (
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
)


# -- The site in its own process -----------------------------------------------------------------


def _database_url() -> str:
    return test_database_url()


def site_env(endpoint_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **s3.site_env(endpoint_url),
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.test",
        "DATABASE_URL": _database_url(),
        "SESSION_STORE": "db",
        "REQUIRE_STAFF_MFA": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


class Site:
    """``manage.py runserver`` with MEDIA_STORAGE=s3, on a free port."""

    def __init__(self, endpoint_url: str, log: Path, **extra_env: str):
        self.endpoint_url = endpoint_url
        self.extra_env = extra_env
        self.port = s3.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Site:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
                cwd=ROOT,
                env=site_env(self.endpoint_url, **self.extra_env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                if requests.get(f"{self.url}/health/live/", timeout=2).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the site did not start: " + self.log.read_text()
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def shell(self, code: str) -> str:
        """What ``code`` prints when run by ``manage.py shell`` in the site's configuration."""
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env=site_env(self.endpoint_url, **self.extra_env),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()


def _sessions_gone(since) -> None:
    """Wait until the site's database sessions have ended (so the test database can be
    flushed and dropped)."""
    wait_for_other_sessions(since)


@pytest.fixture(scope="module")
def moto():
    with s3.MotoServer() as server:
        s3.make_buckets(server.url)
        yield server


@pytest.fixture(scope="module")
def site(moto, django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        since = processes.now()
        running = Site(moto.url, tmp_path_factory.mktemp("s3-site") / "runserver.log").start()
        try:
            yield running
        finally:
            running.stop()
            _sessions_gone(since)


@pytest.fixture
def bucket(moto):
    return s3.client(moto.url)


# -- Signing in and posting forms over HTTP ---------------------------------------------------


def _csrf(html: str) -> str:
    found = BeautifulSoup(html, "html.parser").select_one("input[name=csrfmiddlewaretoken]")
    assert found is not None, "no CSRF token on the page"
    return found["value"]


def signed_in(site: Site, email: str) -> requests.Session:
    from tests.cohorts.factories import PASSWORD

    browser = requests.Session()
    page = browser.get(f"{site.url}/accounts/login/", timeout=30)
    response = browser.post(
        f"{site.url}/accounts/login/",
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text
    return browser


def unsigned_get(url: str) -> requests.Response:
    return requests.get(url, timeout=30)


# -- A CV through the application form -----------------------------------------------------------


@pytest.fixture
def applied(site):
    """An applicant who submitted the real form with a CV and a letter, through the site."""
    from cohorts.models import Application, ApplicationStatus, FileKind
    from tests.cohorts import factories
    from tests.cohorts.applying import complete_form
    from tests.cohorts.factories import MINIMAL_PDF

    cohort = factories.cohort("s3-call")
    owner = factories.user("owner@s3.example.org")
    browser = signed_in(site, owner.email)
    form_url = f"{site.url}/apply/{cohort.slug}/"
    page = browser.get(form_url, timeout=30)
    assert page.status_code == 200
    cv = MINIMAL_PDF.replace(b"%%EOF", b"% owner's CV\n%%EOF")
    response = browser.post(
        form_url,
        data={**complete_form(), "action": "submit", "csrfmiddlewaretoken": _csrf(page.text)},
        files={
            "cv": ("My CV.pdf", cv, "application/pdf"),
            "endorsement_letter": ("letter.pdf", MINIMAL_PDF, "application/pdf"),
        },
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    application = Application.objects.get(applicant=owner)
    assert application.status == ApplicationStatus.SUBMITTED
    upload = application.files.get(kind=FileKind.CV, is_current=True)
    return {"cohort": cohort, "owner": browser, "upload": upload, "bytes": cv}


def test_a_cv_is_kept_in_the_private_bucket_under_a_generated_name(applied, bucket):
    upload, cohort = applied["upload"], applied["cohort"]
    key = upload.file.name
    assert re.fullmatch(rf"applications/{cohort.pk}/[0-9a-f]{{32}}\.pdf", key)
    assert upload.original_name == "My CV.pdf"

    stored = bucket.get_object(Bucket=s3.PRIVATE_BUCKET, Key=key)
    assert stored["Body"].read() == applied["bytes"]
    assert stored["ContentType"] == "application/pdf"
    assert stored["CacheControl"] == "private, no-store"
    # Nothing of the application is in the public bucket.
    assert bucket.list_objects_v2(Bucket=s3.PUBLIC_BUCKET, Prefix="applications/")["KeyCount"] == 0
    with pytest.raises(bucket.exceptions.ClientError) as missing:
        bucket.head_object(Bucket=s3.PUBLIC_BUCKET, Key=key)
    assert missing.value.response["Error"]["Code"] == "404"

    # The object's ACL is the owner's alone; the bucket has no policy and blocks public access.
    grants = bucket.get_object_acl(Bucket=s3.PRIVATE_BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"
    assert not [g for g in grants if g["Grantee"].get("URI") in PUBLIC_GRANTEES]
    with pytest.raises(bucket.exceptions.ClientError) as no_policy:
        bucket.get_bucket_policy(Bucket=s3.PRIVATE_BUCKET)
    assert no_policy.value.response["Error"]["Code"] == "NoSuchBucketPolicy"
    blocked = bucket.get_public_access_block(Bucket=s3.PRIVATE_BUCKET)
    assert blocked["PublicAccessBlockConfiguration"] == s3.BLOCK_ALL_PUBLIC_ACCESS


def test_the_private_object_refuses_unsigned_reads_and_its_url_is_signed_for_a_minute(
    applied, site, moto, bucket
):
    import time_machine

    key = applied["upload"].file.name
    # The object's address, and below the storage's url() without its query string (the same).
    direct = f"{moto.url}/{s3.PRIVATE_BUCKET}/{key}"
    refused = unsigned_get(direct)
    assert refused.status_code == 403
    assert refused.content != applied["bytes"]

    # The storage's own url(), as the site makes it.
    signed = site.shell(
        "from cohorts.models import ApplicationFile; "
        f"print(ApplicationFile.objects.get(pk={applied['upload'].pk}).file.url)"
    )
    parts = urllib.parse.urlsplit(signed)
    assert urllib.parse.urlunsplit(parts._replace(query="")) == direct
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert set(query) == {
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    }
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Expires"] == "60"
    assert query["X-Amz-Credential"].startswith(f"{s3.ACCESS_KEY_ID}/")
    signed_at = dt.datetime.strptime(query["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - signed_at) < dt.timedelta(minutes=2)
    # A real signature for 60 seconds by the site's key (moto does not check signatures, so
    # recompute it: the same request signed at the same moment gives the same URL).
    with time_machine.travel(signed_at, tick=False):
        expected = bucket.generate_presigned_url(
            "get_object", Params={"Bucket": s3.PRIVATE_BUCKET, "Key": key}, ExpiresIn=60
        )
    assert signed == expected
    assert unsigned_get(signed).content == applied["bytes"]


def test_the_site_serves_the_cv_only_to_its_owner(applied, site, moto):
    from tests.cohorts import factories

    upload = applied["upload"]
    path = f"/application-files/{upload.pk}/"

    anonymous = requests.get(f"{site.url}{path}", allow_redirects=False, timeout=30)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == f"/accounts/login/?next={path}"

    factories.user("other@s3.example.org")
    other = signed_in(site, "other@s3.example.org")
    assert other.get(f"{site.url}{path}", allow_redirects=False, timeout=30).status_code == 404

    owner = applied["owner"]
    response = owner.get(f"{site.url}{path}", allow_redirects=False, timeout=30)
    assert response.status_code == 200
    assert response.content == applied["bytes"]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="My CV.pdf"'
    assert response.headers["Content-Length"] == str(len(applied["bytes"]))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control

    # The owner's pages link to the site's view, never to the bucket.
    slug = applied["cohort"].slug
    host = urllib.parse.urlsplit(moto.url).netloc
    generated = Path(upload.file.name).stem
    for page in (f"/apply/{slug}/", f"/apply/{slug}/status/", "/applications/"):
        html = owner.get(f"{site.url}{page}", timeout=30).text
        assert 'href="' + path + '"' in html or page == "/applications/", page
        for secret in (host, s3.PRIVATE_BUCKET, s3.PUBLIC_BUCKET, upload.file.name, generated):
            assert secret not in html, (page, secret)


# -- Public files ------------------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (20, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_wagtail_image_and_its_rendition_are_public(site, moto, bucket):
    from wagtail.images import get_image_model

    from tests.cohorts import factories

    factories.user("editor@s3.example.org", is_staff=True, is_superuser=True)
    editor = signed_in(site, "editor@s3.example.org")
    form = editor.get(f"{site.url}/admin/images/add/", timeout=30)
    assert form.status_code == 200
    fields = {
        tag["name"]: tag.get("value", "")
        for tag in BeautifulSoup(form.text, "html.parser").select("form input[name]")
        if tag.get("type") not in ("file", "submit", "checkbox")
    }
    picture = _png()
    response = editor.post(
        f"{site.url}/admin/images/add/",
        data={**fields, "title": "Workshop hall"},
        files={"file": ("hall.png", picture, "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:2000]
    image = get_image_model().objects.get(title="Workshop hall")
    assert re.fullmatch(r"original_images/hall(_\w+)?\.png", image.file.name)
    original = bucket.get_object(Bucket=s3.PUBLIC_BUCKET, Key=image.file.name)
    assert original["Body"].read() == picture
    assert original["CacheControl"] == "public, max-age=86400"
    with pytest.raises(bucket.exceptions.ClientError):
        bucket.head_object(Bucket=s3.PRIVATE_BUCKET, Key=image.file.name)

    # The edit page makes a rendition and shows it from the public bucket, unsigned.
    page = editor.get(f"{site.url}/admin/images/{image.pk}/", timeout=60)
    assert page.status_code == 200
    rendition = image.renditions.get(filter_spec="max-800x600")
    assert rendition.file.name.startswith("images/hall")
    url = f"{moto.url}/{s3.PUBLIC_BUCKET}/{rendition.file.name}"
    assert f'src="{url}"' in page.text
    answer = unsigned_get(url)
    assert answer.status_code == 200
    assert (
        answer.content
        == bucket.get_object(Bucket=s3.PUBLIC_BUCKET, Key=rendition.file.name)["Body"].read()
    )
    assert answer.content[:8] == b"\x89PNG\r\n\x1a\n"
    original_url = f"{moto.url}/{s3.PUBLIC_BUCKET}/{image.file.name}"
    assert unsigned_get(original_url).content == picture


# -- Health ------------------------------------------------------------------------------------


def test_health_reports_the_object_store_and_fails_without_it(django_db_blocker, tmp_path):
    with s3.MotoServer() as store:
        s3.make_buckets(store.url)
        since = processes.now()
        with django_db_blocker.unblock():
            running = Site(store.url, tmp_path / "runserver.log").start()
        try:
            healthy = requests.get(f"{running.url}/health/", timeout=60)
            assert healthy.status_code == 200
            assert healthy.json()["checks"]["storage"] == {
                "ok": True,
                "ms": healthy.json()["checks"]["storage"]["ms"],
                "default": "S3Storage",
                "private": "S3Storage",
            }
            store.stop()
            failed = requests.get(f"{running.url}/health/", timeout=120)
            assert failed.status_code == 503
            data = failed.json()
            assert data["status"] == "fail"
            assert data["checks"]["storage"] == {"ok": False, "ms": data["checks"]["storage"]["ms"]}
            assert {name: check["ok"] for name, check in data["checks"].items()} == {
                "database": True,
                "cache": True,
                "tasks": True,
                "storage": False,
            }
            assert "127.0.0.1:" not in failed.text
            assert failed.headers["Cache-Control"] == "no-store"
        finally:
            running.stop()
            _sessions_gone(since)


def test_health_fails_when_a_bucket_is_missing(moto, tmp_path):
    misconfigured = Site(moto.url, tmp_path / "unused.log", S3_PRIVATE_BUCKET="aslp-no-such-bucket")
    answer = misconfigured.shell(
        "from django.test import Client; "
        "response = Client().get('/health/'); "
        "print(response.status_code, response.json()['checks']['storage']['ok'])"
    )
    assert answer.splitlines()[-1] == "503 False"
