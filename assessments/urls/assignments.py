"""Assignments: the participant's page and file download, the organizers' review pages."""

from django.urls import path

from ..views import assignments

urlpatterns: list = [
    path(
        "my-programme/<slug:slug>/assignments/<int:pk>/",
        assignments.assignment,
        name="assignment",
    ),
    path("submission-files/<int:pk>/", assignments.submission_file, name="submission_file"),
    path(
        "manage/<slug:slug>/assignments/",
        assignments.manage_assignments,
        name="manage_assignments",
    ),
    path(
        "manage/<slug:slug>/assignments/<int:pk>/",
        assignments.manage_assignment,
        name="manage_assignment",
    ),
    path(
        "manage/<slug:slug>/submissions/<int:pk>/",
        assignments.manage_submission,
        name="manage_submission",
    ),
    path(
        "manage/<slug:slug>/assignments/<int:pk>/submissions.zip",
        assignments.assignment_zip,
        name="assignment_zip",
    ),
]
