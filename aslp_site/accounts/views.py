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


def work_links(user) -> list[tuple[str, str]]:
    """Where the person's work is, by what they hold: their programme, their applications and
    each staff role's home (certificate staff who organize nothing find their issuing work
    here too). Each entry is (label, URL)."""
    # Imported here: the accounts app loads before the programme apps.
    from cohorts import alumni
    from cohorts import permissions as roles
    from cohorts.models import Application
    from trainings.models import Participant

    links = []
    if Participant.objects.active().filter(user=user).exists():
        links.append((_("My programme"), reverse("trainings:home")))
    if Application.objects.filter(applicant=user).exists():
        links.append((_("My applications"), reverse("cohorts:my_applications")))
    if alumni.is_alumnus(user):
        links.append((_("My alumni profile"), reverse("cohorts:alumni_me")))
    if alumni.may_see_directory(user):
        links.append((_("Alumni directory"), reverse("cohorts:alumni_directory")))
    if roles.is_organizer(user):
        links.append((_("Manage cohorts"), reverse("cohorts:manage_home")))
    if roles.is_reviewer(user):
        links.append((_("My review queue"), reverse("cohorts:review_queue")))
    if roles.is_coordinator(user):
        links.append((_("Endorse my economy's applicants"), reverse("cohorts:coordinator_home")))
    if roles.is_certificate_staff(user):
        links.append((_("Certificates"), reverse("certificates_admin:index")))
    return links


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
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "has_totp": has_totp, "work_links": work_links(request.user)},
    )
