"""Attendance: the organizers' overview, the check-in screen of a session, badge scans and one
participant's attendance."""

from django.urls import path

from ..views import attendance

urlpatterns: list = [
    path("manage/<slug:slug>/attendance/", attendance.attendance_home, name="attendance"),
    path("manage/<slug:slug>/attendance/<int:pk>/", attendance.checkin, name="checkin"),
    path(
        "manage/<slug:slug>/attendance/<int:pk>/scan/",
        attendance.checkin_scan,
        name="checkin_scan",
    ),
    path(
        "manage/<slug:slug>/attendance/participants/<int:pk>/",
        attendance.attendance_participant,
        name="attendance_participant",
    ),
]
