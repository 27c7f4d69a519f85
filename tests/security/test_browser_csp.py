"""The enforced Content-Security-Policy in a real browser: the Wagtail admin still works under
the admins' allowance (its inline scripts run), and no page reports a violation.

Public and participant pages are checked for violations by tests/a11y/test_axe.py.
"""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cohorts.models import Economy, EconomyName
from tests.browser import sign_in
from tests.security.conftest import verified_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_wagtail_editors_work_under_the_enforced_policy(page, site_url, settings):
    settings.REQUIRE_STAFF_MFA = False
    verified_user("root@example.org", is_staff=True, is_superuser=True)
    economy = Economy.objects.create(code="TST", name="Testland", sort_order=99)
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, site_url, "root@example.org", "/admin/")
    assert violations(page) == []

    # A snippet with an InlinePanel: adding a row is Wagtail's own script at work.
    page.goto(f"{site_url}/admin/snippets/cohorts/economy/edit/{economy.pk}/")
    page.get_by_role("button", name="Add translated name").click()
    page.locator("select[name='names-0-language_code']").select_option("ko")
    page.locator("input[name='names-0-name']").fill("시험 이름")
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(f"{site_url}/admin/snippets/cohorts/economy/")
    assert EconomyName.objects.get(economy=economy, language_code="ko").name == "시험 이름"
    assert violations(page) == []

    # The page editor: the tabs, the rich-text editor and the status side panel.
    root = Page.objects.get(depth=2)
    page.goto(f"{site_url}/admin/pages/{root.pk}/edit/")
    page.get_by_role("button", name="Save draft").wait_for()
    page.get_by_role("tab", name="Promote").click()
    page.locator("input[name='slug']").wait_for()
    assert violations(page) == []
