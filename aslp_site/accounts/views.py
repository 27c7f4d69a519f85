from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .models import User


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The signed-in person's own settings: name, language and time zone."""
    # A separate instance, so that a rejected form never changes request.user for this page.
    account = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Continue in the language just chosen: the message and the URL prefix follow it.
        with translation.override(user.preferred_language):
            messages.success(request, _("Your profile has been saved."))
            return redirect(reverse("accounts_profile"))
    has_totp = Authenticator.objects.filter(
        user=request.user, type=Authenticator.Type.TOTP
    ).exists()
    return render(request, "accounts/profile.html", {"form": form, "has_totp": has_totp})
