"""A signed-in person downloads everything held about them (R14).

Rules:

1. ``GET`` explains what the download contains; ``POST`` (the form's button, CSRF-protected)
   builds it: a ZIP with ``data.json`` and the person's files, named with today's date, sent as
   an attachment and never cached.
2. Each download writes one audit entry (``cohorts.personal_data_export``).
3. Only one's own data: the view takes no identifier, so nobody can ask for another person's.
4. The download needs the password confirmed within the last 5 minutes (allauth's
   re-authentication; signing in does not count): a session left open on a shared computer must
   not hand over everything at one click. allauth then resumes the suspended POST: the ZIP is sent.
"""

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def my_data(request):
    # Imported here: the accounts app loads before the programme apps.
    from cohorts import personal_data

    if request.method == "POST":
        archive = personal_data.export_person(request.user)
        personal_data.record_export(request.user)
        name = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
        response = FileResponse(
            archive, as_attachment=True, filename=name, content_type="application/zip"
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(request, "accounts/my_data.html")
