"""Dissemination reports (participants and organizers) and announcements (organizers)."""

from django.urls import path

from ..views import announcements, dissemination

urlpatterns: list = [
    path(
        "my-programme/<slug:slug>/dissemination/",
        dissemination.participant_reports,
        name="dissemination",
    ),
    path(
        "my-programme/<slug:slug>/dissemination/new/",
        dissemination.new_report,
        name="dissemination_new",
    ),
    path(
        "my-programme/<slug:slug>/dissemination/<int:pk>/",
        dissemination.report_detail,
        name="dissemination_report",
    ),
    path(
        "dissemination-evidence/<int:pk>/",
        dissemination.evidence_download,
        name="evidence",
    ),
    path(
        "manage/<slug:slug>/dissemination/",
        dissemination.manage_reports,
        name="manage_dissemination",
    ),
    path(
        "manage/<slug:slug>/dissemination/<int:pk>/",
        dissemination.manage_report,
        name="manage_report",
    ),
    path(
        "manage/<slug:slug>/announcements/",
        announcements.announcement_list,
        name="announcements",
    ),
    path(
        "manage/<slug:slug>/announcements/new/",
        announcements.announcement_new,
        name="announcement_new",
    ),
    path(
        "manage/<slug:slug>/announcements/<int:pk>/",
        announcements.announcement_detail,
        name="announcement",
    ),
]
