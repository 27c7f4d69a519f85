"""A page at the top of the site cannot take an address the programme's own pages use."""

import pytest
from django.utils import translation
from wagtail.models import Page

from aslp_site.core.routes import reserved_top_level_slugs
from aslp_site.public.models import ContentPage
from tests.cohorts.factories import user

pytestmark = pytest.mark.django_db


def test_the_reserved_slugs_are_the_first_segments_of_the_projects_urls():
    reserved = reserved_top_level_slugs()
    assert {"cohorts", "apply", "manage", "my-programme", "calendar", "admin", "search"} <= reserved
    assert "programme" not in reserved  # the public "Programme stages" page lives there


def _form(slug: str, parent):
    form_class = ContentPage.get_edit_handler().get_form_class()
    editor = user(is_superuser=True, is_staff=True)
    data = {"title": "A page", "slug": slug, "body-count": "0"}
    return form_class(data, instance=ContentPage(), parent_page=parent, for_user=editor)


def test_a_top_level_page_cannot_take_a_reserved_slug():
    home = Page.objects.get(depth=2)
    form = _form("my-programme", home)
    with translation.override("en"):  # the editor's language
        assert not form.is_valid()
    assert form.errors["slug"] == [
        "The address /my-programme/ is used by another part of the site. Choose another slug."
    ]
    assert "slug" not in _form("our-programme", home).errors
    with translation.override("ko"):
        assert _form("apply", home).errors["slug"] == [
            "/apply/ 주소는 사이트의 다른 기능에서 사용하고 있습니다. 다른 슬러그를 선택하세요."
        ]


def test_deeper_pages_may_use_those_words():
    home = Page.objects.get(depth=2)
    child = home.add_child(instance=ContentPage(title="About", slug="about-us"))
    assert "slug" not in _form("manage", child).errors
