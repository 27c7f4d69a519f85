"""Completion: the cohort's list, one participant (and the override), the rules, and the
participant's own outcome."""

from django.urls import path

from ..views import completion

urlpatterns = [
    path("manage/<slug:slug>/completion/", completion.completion_list, name="completion_list"),
    path(
        "manage/<slug:slug>/completion/rules/",
        completion.completion_rules,
        name="completion_rules",
    ),
    path(
        "manage/<slug:slug>/completion/export/",
        completion.completion_export,
        name="completion_export",
    ),
    path(
        "manage/<slug:slug>/completion/<int:pk>/",
        completion.completion_participant,
        name="completion_participant",
    ),
    path(
        "manage/<slug:slug>/completion/<int:pk>/override/",
        completion.completion_override,
        name="completion_override",
    ),
    path("my-programme/<slug:slug>/completion/", completion.my_completion, name="my_completion"),
]
