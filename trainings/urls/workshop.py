"""The onsite workshop's URLs: the public programme and its PDF, badges, groups and the
organizers' overview of a cohort's training."""

from django.urls import path

from ..views import workshop

urlpatterns: list = [
    path("cohorts/<slug:slug>/programme/", workshop.public_programme, name="public_programme"),
    path(
        "cohorts/<slug:slug>/programme.pdf",
        workshop.public_programme_pdf,
        name="public_programme_pdf",
    ),
    path("my-programme/<slug:slug>/badge.pdf", workshop.my_badge, name="my_badge"),
    path("manage/<slug:slug>/training/", workshop.manage_training, name="manage_training"),
    path("manage/<slug:slug>/groups/", workshop.manage_groups, name="manage_groups"),
    path("manage/<slug:slug>/badges.pdf", workshop.manage_badges, name="manage_badges"),
]
