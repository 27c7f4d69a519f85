import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import translate_url
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """The code if it is one of the interface languages, else None."""
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else None


def valid_time_zone(name: str | None) -> str | None:
    """The IANA zone name if Python knows it, else None."""
    if name and name in zoneinfo.available_timezones():
        return name
    return None


class AccountAdapter(DefaultAccountAdapter):
    """allauth adapter: mails in the recipient's language, preferences taken from sign-up."""

    def _language_of(self, user) -> str:
        return supported_language(getattr(user, "preferred_language", None)) or (
            translation.get_language() or settings.LANGUAGE_CODE
        )

    def send_mail(self, template_prefix, email, context):
        user = context.get("user")
        with translation.override(self._language_of(user) if user else translation.get_language()):
            super().send_mail(template_prefix, email, context)

    def send_confirmation_mail(self, request, emailconfirmation, signup):
        # Build the link under the recipient's language prefix as well as the text.
        user = emailconfirmation.email_address.user
        with translation.override(self._language_of(user)):
            super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_password_reset_mail(self, user, email, context):
        language = self._language_of(user)
        url = context.get("password_reset_url")
        if url:
            context = {**context, "password_reset_url": translate_url(url, language)}
        with translation.override(language):
            return super().send_password_reset_mail(user, email, context)

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        with translation.override(self._language_of(user)):
            super().send_notification_mail(template_prefix, user, context=context, email=email)

    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language and time zone chosen on the sign-up form."""
        data = getattr(form, "cleaned_data", {}) or {}
        user.preferred_language = (
            supported_language(data.get("preferred_language"))
            or supported_language(translation.get_language())
            or settings.LANGUAGE_CODE
        )
        user.time_zone = valid_time_zone(data.get("time_zone")) or "UTC"
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        """After sign-in, continue in the person's preferred language."""
        url = super().get_login_redirect_url(request)
        return translate_url(url, self._language_of(request.user))

    def get_signup_redirect_url(self, request):
        url = super().get_signup_redirect_url(request)
        if request.user.is_authenticated:
            return translate_url(url, self._language_of(request.user))
        return url
