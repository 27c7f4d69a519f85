"""The trainings app's URLs (namespace ``trainings``, under the language prefix), one module per
area: the participant's programme, the workshop, attendance, dissemination and announcements."""

from . import attendance, dissemination, participant, workshop

app_name = "trainings"

urlpatterns = [
    *participant.urlpatterns,
    *workshop.urlpatterns,
    *attendance.urlpatterns,
    *dissemination.urlpatterns,
]
