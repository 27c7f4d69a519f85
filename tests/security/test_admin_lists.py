"""Every list of the project's admin screens links each row to its edit page, for the people who
edit it (Wagtail links only a first column named by a string; cohorts/admin_views.py's
ScopedIndexView makes the others link too)."""

from __future__ import annotations

import pytest

from .forms_catalogue import CATALOGUE
from .samples import fill_sample
from .test_hostile_input import signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_staff_mfa")]

EDIT_SCREENS = [
    entry
    for entry in CATALOGUE
    if entry.route.startswith("admin/") and entry.route.endswith("/edit/<int:pk>/")
]


@pytest.mark.parametrize("entry", EDIT_SCREENS, ids=lambda entry: entry.route)
def test_the_list_links_each_row_to_its_edit_page(entry, personas):
    if entry.prepare is not None:
        entry.prepare(personas)
    edit_path = fill_sample(entry.path, personas)
    list_path = edit_path.split("edit/")[0]
    client = signed_in_client(personas[entry.role])
    response = client.get(list_path)
    assert response.status_code == 200
    assert f'href="{edit_path}"' in response.content.decode(), (list_path, edit_path)


def test_every_programme_list_is_checked():
    lists = {entry.route.split("edit/")[0] for entry in EDIT_SCREENS}
    assert len(lists) >= 14
