from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in)
def activate_preferences_on_login(sender, request, user, **kwargs):
    """Messages shown right after sign-in use the language chosen in the profile."""
    if user.preferred_language:
        translation.activate(user.preferred_language)
