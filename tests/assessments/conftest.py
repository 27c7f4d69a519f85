import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _programme_staff_without_mfa(settings):
    """Organizers reach their pages without an authenticator app here (tested elsewhere)."""
    settings.REQUIRE_STAFF_MFA = False


@pytest.fixture(autouse=True)
def _default_language():
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)
