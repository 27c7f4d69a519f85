"""The alumni directory and an alumnus's own directory profile.

Rules:

* ``/alumni/me/``: alumni only (a confirmed participant of a finished cohort); anyone else
  signed in gets 404, the anonymous are sent to sign in. The profile is unlisted until its owner
  ticks "listed"; unticking hides it from the directory on the next page view.
* ``/alumni/``: alumni and staff (organizers of some cohort, superusers); anyone else signed in
  gets 404. 25 profiles a page, in a fixed number of queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .. import alumni
from ..forms.alumni import AlumniProfileForm, DirectoryFilterForm
from ..models import AlumniProfile, Economy

PAGE_SIZE = 25


def _signed_in_or_login(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def my_profile(request):
    if response := _signed_in_or_login(request):
        return response
    if not alumni.is_alumnus(request.user):
        raise Http404
    profile = AlumniProfile.objects.filter(user=request.user).first()
    form = AlumniProfileForm(
        request.POST if request.method == "POST" else None,
        instance=profile or AlumniProfile(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved.listed:
            messages.success(request, _("Your profile is saved and listed in the directory."))
        else:
            messages.success(request, _("Your profile is saved; it is not in the directory."))
        return redirect("cohorts:alumni_me")
    return render(request, "cohorts/alumni/me.html", {"form": form, "profile": profile})


def _sort_name():
    latest = (
        alumni.alumni_participations()
        .filter(user_id=OuterRef("user_id"))
        .order_by("-cohort__year", "-pk")
        .values("application__family_name")[:1]
    )
    return Subquery(latest)


def _entry(profile: AlumniProfile) -> dict:
    """What the directory shows of one profile (the prefetched participations only)."""
    participations = profile.user.alumni_participations
    latest = participations[0].application if participations else None
    return {
        "profile": profile,
        "name": latest.display_name if latest else "",
        "native_name": latest.native_name if latest else "",
        "economy": latest.economy.localized_name() if latest and latest.economy else "",
        "cohorts": [p.cohort for p in participations],
    }


@never_cache
@require_safe
def directory(request):
    if response := _signed_in_or_login(request):
        return response
    if not alumni.may_see_directory(request.user):
        raise Http404
    alumni_economies = alumni.alumni_participations().values("application__economy_id")
    economies = Economy.objects.filter(pk__in=alumni_economies).prefetch_related("names")
    years = (
        alumni.alumni_participations()
        .order_by("-cohort__year")
        .values_list("cohort__year", flat=True)
        .distinct()
    )
    form = DirectoryFilterForm(
        request.GET,
        economies=[(e.code, e.localized_name()) for e in economies],
        years=list(years),
    )
    wanted = form.values()
    profiles = alumni.filter_profiles(alumni.listed_profiles(), **wanted)
    profiles = profiles.annotate(sort_name=_sort_name()).order_by("sort_name", "pk")
    paginator = Paginator(profiles, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filters = urlencode({key: value for key, value in wanted.items() if value})
    context = {
        "form": form,
        "page_obj": page,
        "entries": [_entry(profile) for profile in page.object_list],
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filters": filters,
        "is_alumnus": alumni.is_alumnus(request.user),
    }
    return render(request, "cohorts/alumni/directory.html", context)
