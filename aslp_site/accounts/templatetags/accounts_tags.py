from django import template

from ..middleware import user_needs_mfa

register = template.Library()


@register.simple_tag
def staff_mfa_required(user) -> bool:
    """True when this person is staff and must still set up an authenticator app."""
    return user_needs_mfa(user)
