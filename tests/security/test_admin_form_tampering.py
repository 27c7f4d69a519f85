"""Tampered or stale submissions of the admin model forms answer with the form and its errors,
never a server error, and change nothing (aslp_site/core/admin_forms.py). Each case is one the
hostile-input fuzz found: inline row ids that are missing, not numbers or another object's,
chooser values that are not ids, rows without an ORDER when the main form has errors, and a
TOTAL_FORMS far above any real form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.contrib.settings.views import get_setting_edit_handler
from wagtail.models import Page, get_page_models

from aslp_site.core.admin_forms import MAX_INLINE_ROWS, AdminModelForm, AdminPageForm
from assessments.models import CertificateSignatory, CertificateTemplate
from cohorts.models import Cohort, EconomyQuota, RoleGrant
from tests.assessments.certificate_world import make_template
from trainings.models import Speaker

from .samples import admin_world, cohorts_world, fill_sample
from .test_hostile_input import forms_on, signed_in_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_staff_mfa")]

UNKNOWN_ROW = "no longer matches a saved row"
NOT_A_CHOICE = "Select a valid choice"


def form_data(client, path: str) -> dict[str, list[str]]:
    """What the browser would send for the page's main form, as rendered."""
    response = client.get(path)
    assert response.status_code == 200
    forms = forms_on(response.content.decode(), "post", path, path)
    main = max(forms, key=lambda form: len(form.fields))
    return {
        name: list(fld.values)
        for name, fld in main.fields.items()
        if fld.kind != "submit" and "__prefix__" not in name
    }


def post(client, path: str, data: dict):
    response = client.post(path, data)
    assert response.status_code == 200, response.status_code  # the form again, not a redirect
    return response, response.content.decode()


@pytest.fixture
def staff(personas):
    admin_world(personas)
    return signed_in_client(personas["certificate_staff"])


@pytest.fixture
def template_path(personas):
    return fill_sample("/admin/certificate-templates/edit/{certificate_template}/", personas)


def template_of(path: str) -> CertificateTemplate:
    return CertificateTemplate.objects.get(pk=path.rstrip("/").rsplit("/", 1)[1])


def template_state(template: CertificateTemplate):
    return (
        list(template.wordings.values_list("pk", "title", "body").order_by("pk")),
        list(template.signatories.values_list("pk", "name", "title").order_by("pk")),
        CertificateTemplate.objects.values_list("issuer").get(pk=template.pk),
    )


# -- Inline row ids --------------------------------------------------------------------------------


def test_a_row_that_should_be_saved_but_has_no_id_is_refused(personas):
    client = signed_in_client(personas["superuser"])
    path = "/admin/programme/cohorts/new/"
    data = form_data(client, path)
    data.update({"rubric-INITIAL_FORMS": ["1"], "rubric-TOTAL_FORMS": ["1"]})
    cohorts = Cohort.objects.count()
    _response, html = post(client, path, data)
    assert UNKNOWN_ROW in html
    assert Cohort.objects.count() == cohorts


@pytest.mark.parametrize("row_id", ["abc", "1.5", None, "99999999999999999999"])
def test_a_wording_row_whose_id_is_not_one_of_the_template_rows_is_refused(
    staff, personas, template_path, row_id
):
    template = template_of(template_path)
    data = form_data(staff, template_path)
    assert data["wordings-INITIAL_FORMS"] == ["1"]
    if row_id is None:
        del data["wordings-0-id"]
    else:
        data["wordings-0-id"] = [row_id]
    data["wordings-0-title"] = ["Changed title"]
    before = template_state(template)
    _response, html = post(staff, template_path, data)
    assert UNKNOWN_ROW in html
    assert template_state(template) == before


def test_another_templates_wording_cannot_be_edited_through_this_one(
    staff, personas, template_path
):
    template = template_of(template_path)
    _x, y = cohorts_world()
    theirs = make_template(y, wording={"completion": {"en": ("Theirs", "{name}")}})
    their_wording = theirs.wordings.get()
    data = form_data(staff, template_path)
    data["wordings-0-id"] = [str(their_wording.pk)]
    data["wordings-0-title"] = ["Taken over"]
    before = template_state(template)
    _response, html = post(staff, template_path, data)
    assert UNKNOWN_ROW in html
    assert template_state(template) == before
    their_wording.refresh_from_db()
    assert (their_wording.template_id, their_wording.title) == (theirs.pk, "Theirs")


# -- Chooser values --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999"])
def test_a_chooser_value_that_is_not_an_id_is_a_field_error(personas, value):
    admin_world(personas)
    client = signed_in_client(personas["organizer_x"])

    path = "/admin/programme/speakers/new/"
    data = form_data(client, path)
    data.update({"name": ["Dr. New Speaker"], "photo": [value]})
    speakers = Speaker.objects.count()
    _response, html = post(client, path, data)
    assert NOT_A_CHOICE in html
    assert Speaker.objects.count() == speakers

    path = fill_sample("/admin/programme/roles/edit/{role_grant}/", personas)
    grant = RoleGrant.objects.get(pk=path.rstrip("/").rsplit("/", 1)[1])
    data = form_data(client, path)
    data["economy"] = [value]
    _response, html = post(client, path, data)
    assert NOT_A_CHOICE in html
    assert RoleGrant.objects.get(pk=grant.pk).economy_id == grant.economy_id

    path = fill_sample("/admin/programme/cohorts/edit/{cohort_pk}/", personas)
    data = form_data(client, path)
    quota = EconomyQuota.objects.get(pk=data["quotas-0-id"][0])
    data["quotas-0-economy"] = [value]
    _response, html = post(client, path, data)
    assert NOT_A_CHOICE in html
    assert EconomyQuota.objects.get(pk=quota.pk).economy_id == quota.economy_id


# -- Rows without an ORDER, shown again ---------------------------------------------------------


def test_a_deleted_row_with_a_broken_order_is_shown_again_with_the_forms_errors(
    staff, template_path
):
    template = template_of(template_path)
    data = form_data(staff, template_path)
    data.update({"signatories-0-ORDER": ["x"], "signatories-0-DELETE": ["1"], "issuer": [""]})
    before = template_state(template)
    _response, html = post(staff, template_path, data)
    assert "This field is required." in html
    assert template_state(template) == before


def test_an_untouched_extra_row_is_shown_again_with_the_forms_errors(staff, template_path):
    template = template_of(template_path)
    data = form_data(staff, template_path)
    data.update({"wordings-TOTAL_FORMS": ["2"], "issuer": [""]})
    before = template_state(template)
    _response, html = post(staff, template_path, data)
    assert "This field is required." in html
    assert template_state(template) == before


# -- Row count -----------------------------------------------------------------------------------


def test_a_huge_total_forms_builds_at_most_the_cap_and_is_refused(personas):
    client = signed_in_client(personas["superuser"])
    path = "/admin/programme/cohorts/new/"
    data = form_data(client, path)
    data["rubric-TOTAL_FORMS"] = ["999999"]
    cohorts = Cohort.objects.count()
    response, html = post(client, path, data)
    assert len(response.context["form"].formsets["rubric"].forms) == MAX_INLINE_ROWS
    assert f"Please submit at most {MAX_INLINE_ROWS} forms." in html
    assert Cohort.objects.count() == cohorts


# -- Untampered submissions still save ----------------------------------------------------------


def test_the_template_form_as_rendered_saves_and_a_row_can_be_deleted(staff, template_path):
    template = template_of(template_path)
    CertificateSignatory.objects.create(template=template, name="Second Signer", title="Dean")
    data = form_data(staff, template_path)
    assert data["signatories-INITIAL_FORMS"] == ["2"]
    data["signatories-1-DELETE"] = ["1"]
    data["wordings-0-title"] = ["Certificate of Completion (revised)"]
    response = staff.post(template_path, data)
    form = response.context["form"] if response.status_code == 200 else None
    assert response.status_code == 302, (
        form.errors,
        {name: (fs.errors, fs.non_form_errors()) for name, fs in form.formsets.items()},
    )
    assert list(template.signatories.values_list("name", flat=True)) == ["Dr. Seo-yeon Han"]
    assert template.wordings.get().title == "Certificate of Completion (revised)"


# -- Every admin form of the project is built on the hardened bases ------------------------------


def own(model) -> bool:
    return model._meta.app_label in {"cohorts", "trainings", "assessments", "public", "accounts"}


def test_every_admin_model_form_of_the_project_uses_the_hardened_base():
    reverse("wagtailadmin_home")  # loads the admin's URLs, which registers the viewsets
    form_classes = {}
    for viewset in viewsets.viewsets:
        # Wagtail's own viewsets (its user screens for our user model) keep Wagtail's forms.
        ours = not type(viewset).__module__.startswith("wagtail.")
        if ours and isinstance(viewset, ModelViewSet) and own(viewset.model):
            form_classes[viewset.name] = viewset.get_form_class()
            form_classes[viewset.name + " (edit)"] = viewset.get_form_class(for_update=True)
    for model in get_page_models():
        if model is not Page and own(model):
            form_classes[model.__name__] = model.get_edit_handler().get_form_class()
    for model in settings_registry:
        form_classes[model.__name__] = get_setting_edit_handler(model).get_form_class()
    assert len(form_classes) > 20
    weak = {
        name: form
        for name, form in form_classes.items()
        if not issubclass(form, (AdminModelForm, AdminPageForm))
    }
    assert weak == {}
    # And their inline rows.
    for name, form in form_classes.items():
        for relation, formset in form.formsets.items():
            assert formset.absolute_max == MAX_INLINE_ROWS, (name, relation)
            assert issubclass(formset.form, WagtailAdminModelForm)
            assert issubclass(formset.form, AdminModelForm), (name, relation)
