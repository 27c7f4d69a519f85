import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_page_opens_in_a_real_browser(page, site_url):
    page.goto(f"{site_url}/search/?q=nothing")
    assert page.locator("h1").inner_text() == "Search"
    assert page.locator("#q").input_value() == "nothing"
