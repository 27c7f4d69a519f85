"""Survey results, exports and the pre/post comparison (organizers)."""

from django.urls import path

from ..views import results

urlpatterns: list = [
    path("manage/<slug:slug>/surveys/", results.manage_surveys, name="manage_surveys"),
    path("manage/<slug:slug>/surveys/compare/", results.compare, name="prepost"),
    path(
        "manage/<slug:slug>/surveys/<int:pk>/results/",
        results.survey_results,
        name="survey_results",
    ),
    path(
        "manage/<slug:slug>/surveys/<int:pk>/export/",
        results.survey_export,
        name="survey_export",
    ),
]
