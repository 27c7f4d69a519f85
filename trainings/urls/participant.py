"""The participant's pages: their programme, activities, calendar files and calendar feed."""

from django.urls import path

from ..views import participant

urlpatterns = [
    path("my-programme/", participant.home, name="home"),
    path("my-programme/<slug:slug>/", participant.programme, name="programme"),
    path("my-programme/<slug:slug>/activities/<int:pk>/", participant.activity, name="activity"),
    path(
        "my-programme/<slug:slug>/activities/<int:pk>/calendar.ics",
        participant.activity_ics,
        name="activity_ics",
    ),
    path("my-programme/<slug:slug>/calendar/", participant.calendar, name="calendar"),
    path("calendar/<str:token>.ics", participant.calendar_feed, name="calendar_feed"),
]
