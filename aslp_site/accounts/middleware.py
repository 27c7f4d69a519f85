import zoneinfo

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone


class UserPreferencesMiddleware:
    """Show dates in the signed-in person's time zone (the language comes from the URL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


def is_staff_member(user) -> bool:
    """Anyone who can reach an admin (Django staff, superusers, Wagtail admin access) or who
    holds a programme role (organizer, reviewer, coordinator, certificate staff): they all see
    other people's personal data, so they all protect their account with a second factor."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return True
    # Imported here: the cohorts app's models must not load while the accounts app does.
    from cohorts.permissions import has_any_programme_role

    return has_any_programme_role(user)


def user_needs_mfa(user) -> bool:
    """Staff must protect their account with an authenticator app (REQUIRE_STAFF_MFA)."""
    if not getattr(settings, "REQUIRE_STAFF_MFA", True) or not is_staff_member(user):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFARequiredMiddleware:
    """Send staff without an authenticator app to the set-up page before anything else.

    Only the pages needed to set the app up, to confirm the password, and to leave stay
    reachable. People who are not staff are never redirected.
    """

    EXEMPT_URL_NAMES = frozenset(
        {
            "mfa_activate_totp",
            "mfa_index",
            "mfa_reauthenticate",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
            "account_logout",
            "account_reauthenticate",
            "account_email_verification_sent",
            "account_confirm_email",
            "javascript-catalog",
            "set_language",
        }
    )
    EXEMPT_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)

    def __init__(self, get_response):
        self.get_response = get_response

    def _exempt(self, request) -> bool:
        if request.path_info.startswith(self.EXEMPT_PREFIXES):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in self.EXEMPT_URL_NAMES

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user_needs_mfa(user)
            and not self._exempt(request)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
