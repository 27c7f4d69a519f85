"""Erasure of a person's data in the Wagtail admin (``/admin/personal-data/``), superusers only.

Rules:

1. Only superusers; anyone else with admin access gets 404 (Wagtail's ``require_admin_access``
   sends the anonymous to sign in first).
2. The page lists nobody until a full e-mail address is searched (any of a person's addresses,
   case ignored): no browsing of people.
3. Erasing asks for a confirmation with the reason (required, without the person's name); it
   runs ``cohorts.personal_data.erase_person`` (audited) and says which pseudonym the account
   now carries. One's own account and an already erased one cannot be erased here.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from aslp_site.core.http import method_not_allowed

from . import personal_data
from .models import Application, ErasureRecord

NAMESPACE = "personal_data_admin"


class SearchForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        help_text=gettext_lazy("The person's full address: nobody is listed otherwise."),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example the date and channel of the request. Do not write the person's name."
        ),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the erasure."))
        return reason


def _superuser_or_404(request) -> None:
    if not request.user.is_superuser:
        raise Http404


def _find(email: str):
    from allauth.account.models import EmailAddress

    from aslp_site.accounts.models import User

    found = set(User.objects.filter(email__iexact=email).values_list("pk", flat=True))
    found.update(EmailAddress.objects.filter(email__iexact=email).values_list("user", flat=True))
    return list(User.objects.filter(pk__in=found).order_by("pk"))


def _erased_ids(people) -> set[int]:
    return set(ErasureRecord.objects.filter(person__in=people).values_list("person_id", flat=True))


def _page(request, template: str, context: dict, *, title: str, status: int = 200):
    crumbs = [
        {"url": reverse("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse(f"{NAMESPACE}:index"), "label": _("Personal data")},
    ]
    context = {
        **context,
        "page_title": title,
        "header_title": title,
        "header_icon": "user",
        "breadcrumbs_items": crumbs,
    }
    return render(request, f"cohorts/admin/personal_data/{template}", context, status=status)


@never_cache
def index(request):
    _superuser_or_404(request)
    if refused := method_not_allowed(request):
        return refused
    form = SearchForm(request.GET or None)
    people = _find(form.cleaned_data["email"]) if form.is_valid() else []
    erased = _erased_ids(people)
    rows = [
        {
            "person": person,
            "applications": Application.objects.filter(applicant=person).count(),
            "erased": person.pk in erased,
            "url": reverse(f"{NAMESPACE}:erase", args=[person.pk]),
        }
        for person in people
    ]
    return _page(
        request,
        "index.html",
        {"form": form, "rows": rows, "searched": form.is_valid()},
        title=_("Personal data"),
    )


@never_cache
def erase(request, pk: int):
    from aslp_site.accounts.models import User

    _superuser_or_404(request)
    if refused := method_not_allowed(request, ("GET", "HEAD", "POST")):
        return refused
    person = User.objects.filter(pk=pk).first()
    if person is None or person.pk == request.user.pk or _erased_ids([person]):
        raise Http404
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = personal_data.erase_person(person, request.user, form.cleaned_data["reason"])
        messages.success(
            request,
            _("The person's data were erased; the account is now %(email)s.")
            % {"email": record.person.email},
        )
        return redirect(reverse(f"{NAMESPACE}:index"))
    return _page(
        request,
        "erase.html",
        {"form": form, "person": person},
        title=_("Erase a person's data"),
    )


urlpatterns = [
    path("", index, name="index"),
    path("<int:pk>/erase/", erase, name="erase"),
]


def admin_urls():
    """For the ``register_admin_urls`` hook: everything under ``/admin/personal-data/``."""
    return [path("personal-data/", include((urlpatterns, NAMESPACE), namespace=NAMESPACE))]
