"""The certificate templates in the Wagtail admin ("Certificates" menu), with a PDF preview.

* Who: the cohort's organizers and its certificate staff (superusers too), through
  ``permissions.may_edit_certificate_template``; another cohort's template answers 404, through
  the listing and through a typed URL alike, and the cohort field offers only the person's
  cohorts that have no template yet. Only superusers delete a template.
* What: issuer, hours, bilingual or not, two colours (``#rrggbb``), two logos, the wording of
  each kind of certificate in each language (title, text, issue date label) and the
  signatories. Titles and texts may use only ``{name}``, ``{programme}``, ``{cohort}``,
  ``{dates}`` and ``{hours}``; anything else between braces is refused, naming it.
* Preview: from the edit screen, a kind and a language give the PDF of the saved template with a
  sample holder (``issuing.preview_pdf``), shown inline. What cannot be rendered (a missing
  wording, a character no certificate font has...) is said in words, never a server error.
* Audit: every save writes ``assessments.certificate_template`` with the fields changed.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from aslp_site.core.admin_forms import AdminModelForm
from cohorts import audit
from cohorts.admin_policies import CohortScopedPolicy
from cohorts.admin_views import ScopedCreateView, ScopedEditView, ScopedViewSet, permitted
from cohorts.models import Cohort, Role

from . import permissions
from .models import (
    CERTIFICATE_LANGUAGE_CHOICES,
    CertificateKind,
    CertificateTemplate,
)

# Other screens of the "Certificates" menu (the issuing workspace) register on this hook.
CERTIFICATES_MENU_HOOK = "register_certificates_menu_item"
PLACEHOLDERS = ("name", "programme", "cohort", "dates", "hours")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
CHECKED_FIELDS = ("title", "body", "issued_label")
_MEMO = "_certificate_template_cohort_ids"


# -- Who ------------------------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def editable_cohort_ids(user) -> frozenset[int]:
    """Ids of the cohorts whose template the user may edit (memoized on the request's user)."""
    if not _active(user):
        return frozenset()
    found = getattr(user, _MEMO, None)
    if found is None:
        found = frozenset(
            cohort.pk
            for cohort in Cohort.objects.only("pk")
            if permissions.may_edit_certificate_template(user, cohort)
        )
        setattr(user, _MEMO, found)
    return found


class CertificateTemplatePolicy(CohortScopedPolicy):
    """Organizers and certificate staff of a cohort add, change and view its template;
    superusers may also delete one."""

    organizer_actions = frozenset({"add", "change", "view"})

    def user_has_permission(self, user, action):
        if not _active(user):
            return False
        if user.is_superuser:
            return True
        return action in self.organizer_actions and bool(editable_cohort_ids(user))

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return user.is_superuser or instance.cohort_id in editable_cohort_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        objects = self.model._default_manager.all()
        if not any(self.user_has_permission(user, action) for action in actions):
            return objects.none()
        if user.is_superuser:
            return objects
        return objects.filter(cohort_id__in=editable_cohort_ids(user))

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not any(action in self.organizer_actions for action in actions):
            return users.filter(is_superuser=True)
        roles = (Role.ORGANIZER, Role.CERTIFICATE_STAFF)
        return users.filter(Q(is_superuser=True) | Q(role_grants__role__in=roles)).distinct()

    def users_with_any_permission_for_instance(self, actions, instance):
        roles = (Role.ORGANIZER, Role.CERTIFICATE_STAFF)
        in_cohort = Q(role_grants__cohort_id=instance.cohort_id) | Q(
            role_grants__cohort__isnull=True
        )
        return (
            self.users_with_any_permission(actions)
            .filter(Q(is_superuser=True) | (Q(role_grants__role__in=roles) & in_cohort))
            .distinct()
        )


template_policy = CertificateTemplatePolicy(CertificateTemplate)
_registered = False


def register_policies() -> None:
    global _registered
    if _registered:
        return
    register_permission_policy(CertificateTemplate, template_policy, exact_class=True)
    _registered = True


register_policies()


# -- The form -------------------------------------------------------------------------------------


def unknown_placeholders(text: str) -> list[str]:
    """The names between braces in ``text`` that are not placeholders, in order, once each."""
    found: list[str] = []
    for name in PLACEHOLDER.findall(text or ""):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def placeholder_error(names: list[str]) -> str:
    return gettext(
        "Unknown placeholder: %(wrong)s. Use only {name}, {programme}, {cohort}, {dates} "
        "and {hours}."
    ) % {"wrong": ", ".join("{" + name + "}" for name in names)}


class CertificateTemplateForm(AdminModelForm):
    """The cohort among the person's own that have no template yet; known placeholders only."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taken = CertificateTemplate.objects.exclude(pk=self.instance.pk).values("cohort_id")
        self.fields["cohort"].queryset = Cohort.objects.filter(
            pk__in=editable_cohort_ids(self.for_user)
        ).exclude(pk__in=taken)

    def clean(self):
        cleaned_data = super().clean()
        formset = self.formsets.get("wordings")
        for form in formset.forms if formset is not None else []:
            if not form.is_valid() or (formset.can_delete and form.cleaned_data.get("DELETE")):
                continue
            for name in CHECKED_FIELDS:
                wrong = unknown_placeholders(form.cleaned_data.get(name, ""))
                if wrong:
                    form.add_error(name, placeholder_error(wrong))
        return cleaned_data


# -- Views ----------------------------------------------------------------------------------------


def _changed(form) -> list[str]:
    """The fields changed, and the inline relations (wordings, signatories) with a row added,
    changed or deleted."""
    changed = list(form.changed_data)
    for relation, formset in getattr(form, "formsets", {}).items():
        for row in formset.forms:
            fields = set(row.changed_data) - {"ORDER"}
            if fields:
                changed.append(relation)
                break
    return changed


class TemplateCreateView(ScopedCreateView):
    def save_instance(self):
        instance = super().save_instance()
        audit.record(
            instance,
            "assessments.certificate_template",
            self.request.user,
            cohort=instance.cohort,
            created=True,
            changed=_changed(self.form),
        )
        return instance


class TemplateEditView(ScopedEditView):
    def save_instance(self):
        instance = super().save_instance()
        audit.record(
            instance,
            "assessments.certificate_template",
            self.request.user,
            cohort=instance.cohort,
            changed=_changed(self.form),
        )
        return instance

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(
            Button(
                _("Preview"),
                url=reverse(f"{CertificateTemplateViewSet.name}:preview", args=[self.object.pk]),
                icon_name="view",
                priority=30,
            )
        )
        return buttons


class PreviewForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of certificate"), choices=CertificateKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=CERTIFICATE_LANGUAGE_CHOICES)


def preview_problem(template: CertificateTemplate, kind: str, language: str) -> str | None:
    """Why the preview cannot be made, before trying (a wording that is missing)."""
    needed = [language] if not template.bilingual or language == "en" else ["en", language]
    labels = dict(CertificateKind.choices)
    names = dict(CERTIFICATE_LANGUAGE_CHOICES)
    for code in needed:
        if template.wording(kind, code) is None:
            return gettext(
                "There is no wording for the %(kind)s certificate in %(language)s yet. Add it "
                "under “Wordings” and save the template first."
            ) % {"kind": str(labels[kind]).lower(), "language": names[code]}
    return None


def render_error(error: Exception) -> str:
    """The reason a preview failed, in words for the person (never a server error)."""
    from .certificates.fonts import FontUnavailable
    from .certificates.images import ImageError
    from .certificates.text import MissingGlyph

    if isinstance(error, MissingGlyph):
        return gettext(
            "No certificate font has the character “%(char)s” (U+%(code)s) used in “%(text)s”. "
            "Change the text."
        ) % {"char": error.char, "code": f"{ord(error.char):04X}", "text": error.text}
    if isinstance(error, ImageError):
        return gettext("An image of the template cannot be used: %(error)s") % {"error": error}
    if isinstance(error, FontUnavailable):
        return gettext(
            "The certificate fonts are not installed on the server yet "
            "(manage.py prepare_certificate_fonts)."
        )
    return gettext("The preview could not be made: %(error)s") % {"error": error}


class TemplatePreviewView(WagtailAdminTemplateMixin, TemplateView):
    """GET: the kind and language form; with both chosen, the PDF inline."""

    template_name = "assessments/certificates/admin/template_preview.html"
    header_icon = "view"

    def dispatch(self, request, pk):
        templates = permitted(CertificateTemplate, request.user, ["change", "view"])
        self.object = get_object_or_404(
            templates.select_related("cohort").prefetch_related("wordings"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Preview of the certificates of %(cohort)s") % {"cohort": self.object.cohort}

    def get_breadcrumbs_items(self):
        name = CertificateTemplateViewSet.name
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{name}:index"), "label": _("Certificate templates")},
            {"url": reverse(f"{name}:edit", args=[self.object.pk]), "label": self.object},
            {"url": "", "label": _("Preview")},
        ]

    def get(self, request, pk):
        form = PreviewForm(request.GET if "kind" in request.GET else None)
        if form.is_bound and form.is_valid():
            kind, language = form.cleaned_data["kind"], form.cleaned_data["language"]
            pdf, problem = self._render(kind, language)
            if pdf is not None:
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'inline; filename="preview-{self.object.cohort.slug}-{kind}-{language}.pdf"'
                )
                response["Cache-Control"] = "no-store"
                return response
            messages.error(request, problem)
        return self.render_to_response(self.get_context_data(form=form, object=self.object))

    def _render(self, kind: str, language: str) -> tuple[bytes | None, str]:
        from . import issuing
        from .certificates.dates import UnsupportedLanguage
        from .certificates.fonts import FontUnavailable
        from .certificates.images import ImageError
        from .certificates.render import CertificateError
        from .certificates.text import MissingGlyph

        problem = preview_problem(self.object, kind, language)
        if problem:
            return None, problem
        try:
            return issuing.preview_pdf(self.object, kind, language), ""
        except issuing.IssueRefused as error:
            # A character missing from the fonts is reported about the text that has it.
            if isinstance(error.__cause__, MissingGlyph):
                return None, render_error(error.__cause__)
            return None, str(error)
        except (
            CertificateError,
            MissingGlyph,
            ImageError,
            FontUnavailable,
            UnsupportedLanguage,
        ) as error:
            return None, render_error(error)


class CertificateTemplateViewSet(ScopedViewSet):
    model = CertificateTemplate
    name = "admin_certificate_templates"
    url_prefix = "certificate-templates"
    icon = "doc-full-inverse"
    menu_label = _("Templates")
    menu_order = 20
    add_view_class = TemplateCreateView
    edit_view_class = TemplateEditView
    list_display = [
        Column("cohort", label=_("Cohort"), accessor="cohort"),
        "issuer",
        "bilingual",
        "updated_at",
    ]
    search_fields = ["issuer", "cohort__title"]
    ordering = ["-cohort__year", "cohort__title"]
    list_select_related = ("cohort",)

    edit_handler = ObjectList(
        [
            FieldPanel("cohort"),
            FieldRowPanel([FieldPanel("issuer"), FieldPanel("hours")]),
            FieldPanel("bilingual"),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("primary_colour"), FieldPanel("secondary_colour")],
                        help_text=_("Colours as #rrggbb, e.g. #1f3a5f."),
                    ),
                    FieldRowPanel([FieldPanel("logo"), FieldPanel("second_logo")]),
                ],
                heading=_("Look"),
            ),
            InlinePanel(
                "wordings",
                heading=_("Wordings"),
                label=_("Wording"),
                help_text=_(
                    "The title and text of each kind of certificate in each language. Titles "
                    "and texts may use {name}, {programme}, {cohort}, {dates} and {hours}. "
                    "Bilingual certificates also need the English wording."
                ),
                panels=[
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("language_code")]),
                    FieldPanel("title"),
                    FieldPanel("body"),
                    FieldPanel("issued_label"),
                ],
            ),
            InlinePanel(
                "signatories",
                heading=_("Signatories"),
                label=_("Signatory"),
                panels=[
                    FieldRowPanel([FieldPanel("name"), FieldPanel("title")]),
                    FieldPanel("signature"),
                ],
            ),
        ],
        base_form_class=CertificateTemplateForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("preview/<int:pk>/", TemplatePreviewView.as_view(), name="preview"),
        ]


class CertificatesViewSetGroup(ViewSetGroup):
    """The "Certificates" menu: the issuing workspace (registered on the submenu hook by
    ``assessments.hooks_certificates``) and the templates."""

    menu_label = _("Certificates")
    menu_name = "certificates"
    menu_icon = "doc-full-inverse"
    menu_order = 270
    submenu_hook = CERTIFICATES_MENU_HOOK
    items = (CertificateTemplateViewSet,)
