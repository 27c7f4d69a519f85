"""Accessibility of every public, applicant and participant page, checked by axe-core in Debian
chromium, in English and in Korean, on the demo site.

The pages are found by crawling: from a few start pages each visitor follows every link of ours
that stays in their part of the site, so a new page is checked as soon as something links to it.
Every page is checked against the WCAG 2.1 A and AA rules; a "serious" or "critical" violation
fails the test, and so does a Content-Security-Policy violation (our pages must work under the
enforced policy).

axe-core comes from npm (package.json, `npm ci`). Without it the test is skipped, unless
A11Y_REQUIRED=1 (CI sets it), when it fails.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from wagtail.models import Site

from assessments.models import Certificate
from tests.browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DEMO_PASSWORD = "aslp-demo-Leadership-2026"
FAILING_IMPACTS = {"serious", "critical"}
MAX_PAGES = 60  # per visitor and language: a bound in case some page links to endless variants
# Pages of one shape (the same path but for numbers, the /ko prefix and a news article's slug)
# share a template: one of each is checked per language (by the first visitor who reaches it), to
# keep the run short.
PER_SHAPE = 1

RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""

# Links never followed: other people's areas, actions, and files (downloads are not pages).
NOT_PAGES = re.compile(
    r"/(admin|django-admin|manage|coordinate|review)/"
    r"|/accounts/logout/|/i18n/setlang/"
    r"|\.(pdf|ics|zip|jwt|json|xlsx|csv|txt|xml|png|jpe?g|svg|docx?|odt)$"
    r"|/documents/|-files/|/dissemination-evidence/|/media/|/export/|/calendar/[^/]+\.ics"
)


def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("A11Y_REQUIRED") == "1":
            pytest.fail(f"{AXE} is missing: run `npm ci` (A11Y_REQUIRED=1)")
        pytest.skip("axe-core is not installed (npm ci); the accessibility check needs it")
    return AXE.read_text()


def shape(path: str) -> str:
    path = re.sub(r"^/ko(?=/)", "", path)
    path = re.sub(r"^/news/[^/]+/$", "/news/*/", path)
    return re.sub(r"\d+", "N", path)


def crawl(page, site_url, starts, allowed, problems, *, language, shapes, excluded=()):
    """Visit ``starts`` and every page they link to under the ``allowed`` path prefixes (and not
    under ``excluded``), at most PER_SHAPE of each shape counted in ``shapes`` (``starts`` are
    always visited: they show this visitor's own state); check each; add what fails to
    ``problems``. Returns the number of pages checked."""
    queue = list(starts)
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        key = urlsplit(path).path
        if key in seen or (path not in starts and shapes.get(shape(key), 0) >= PER_SHAPE):
            continue
        seen.add(key)
        shapes[shape(key)] = shapes.get(shape(key), 0) + 1
        try:
            response = page.goto(site_url + path)
        except Exception as error:  # a link that turned out to be a download
            if "Download is starting" in str(error):
                continue
            raise
        assert response is not None, path
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        where = f"[{language}] {path} -> {urlsplit(page.url).path}"
        if response.status >= 400:
            problems.append(f"{where}: HTTP {response.status}")
            continue
        for violation in page.evaluate(RUN_AXE):
            if violation["impact"] in FAILING_IMPACTS:
                problems.append(
                    f"{where}: {violation['impact']} {violation['id']} ({violation['help']}) "
                    f"at {violation['targets']}"
                )
        for blocked in page.evaluate("window.__cspViolations"):
            problems.append(f"{where}: Content-Security-Policy violation: {blocked}")
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urlsplit(urljoin(page.url, href))
            if target.netloc != urlsplit(site_url).netloc or NOT_PAGES.search(target.path):
                continue
            if target.path.startswith(allowed) and not target.path.startswith(excluded):
                link = target.path + (f"?{target.query}" if target.query else "")
                if target.path not in seen:
                    queue.append(link)
    return len(seen)


PUBLIC_STARTS = [
    "/",
    "/cohorts/",
    "/search/?q=leadership",
    "/verify/",
    "/letters/verify/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
# Somebody's own area: crawled signed in (the public crawl leaves it out).
PERSONAL = (
    "/my-programme/",
    "/accounts/",
    "/apply/",
    "/applications/",
    "/alumni/",
    "/nominations/",
)
PERSONAL_STARTS = ["/my-programme/", "/applications/", "/accounts/profile/"]
# Who is looked at, in which language: (e-mail, what they show).
VISITORS = {
    "en": [
        "dewi.lestari@ina.example.org",  # ASLP 2025 participant: reports, assignments, surveys
        "kanokwan.chaiyasit@tha.example.org",  # ASLP 2026 participant: the year ahead
        "applicant@aslp.example.org",  # has not applied yet
    ],
    "ko": [
        "youngho.kim@rok.example.org",  # ASLP 2024 participant with a certificate
        "hyewon.han@rok.example.org",  # ASLP 2025 participant, Korean
        "applicant-ko@aslp.example.org",  # a Korean draft application
    ],
}


def localized(path: str, language: str) -> str:
    return path if language == "en" else "/ko" + path


def test_every_public_and_personal_page_passes_axe(browser, live_server, settings):
    source = axe_source()
    settings.REQUIRE_STAFF_MFA = False
    started = time.monotonic()
    call_command("load_demo", stdout=io.StringIO())
    print(f"demo loaded in {time.monotonic() - started:.0f} s")
    address = urlsplit(live_server.url)
    Site.objects.filter(is_default_site=True).update(hostname=address.hostname, port=address.port)
    site_url = live_server.url
    certificate = Certificate.objects.order_by("pk").first()
    assert certificate is not None, "the demo issues certificates"

    problems: list[str] = []
    visited = 0
    korean_personal = tuple("/ko" + prefix for prefix in PERSONAL)
    # Each language crawls its own pages only (the language switcher links to the other one).
    public_area = {"en": ("/",), "ko": ("/ko/",)}
    public_excluded = {"en": (*PERSONAL, "/ko/"), "ko": korean_personal}
    personal_area = {"en": PERSONAL, "ko": korean_personal}
    for language, people in VISITORS.items():
        context = browser.new_context(locale="ko-KR" if language == "ko" else "en-GB")
        # Both scripts run in every page before its own (and, unlike a script tag, outside the
        # page's Content-Security-Policy).
        context.add_init_script(RECORD_CSP)
        context.add_init_script(source)
        page = context.new_page()
        shapes: dict[str, int] = {}  # pages checked per shape in this language
        public_starts = [*PUBLIC_STARTS, f"/verify/{certificate.code}/"]
        starts = [localized(path, language) for path in public_starts]
        started = time.monotonic()
        count = crawl(
            page,
            site_url,
            starts,
            public_area[language],
            problems,
            language=language,
            shapes=shapes,
            excluded=public_excluded[language],
        )
        visited += count
        print(f"[{language}] public: {count} pages in {time.monotonic() - started:.0f} s")
        for email in people:
            started = time.monotonic()
            sign_in(
                page,
                site_url,
                email,
                localized("/accounts/profile/", language),
                password=DEMO_PASSWORD,
            )
            starts = [localized(path, language) for path in PERSONAL_STARTS]
            count = crawl(
                page,
                site_url,
                starts,
                personal_area[language],
                problems,
                language=language,
                shapes=shapes,
            )
            visited += count
            print(f"[{language}] {email}: {count} pages in {time.monotonic() - started:.0f} s")
        context.close()

    assert visited > 60, f"only {visited} pages reached: the crawl lost its way"
    assert not problems, f"{len(problems)} problem(s) on {visited} pages:\n" + "\n".join(problems)
