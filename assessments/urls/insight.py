"""The cohort dashboard: the organizers' and certificate staff's page, the economy
coordinators' page, and each table's export."""

from django.urls import path

from ..views import insight

urlpatterns = [
    path("manage/<slug:slug>/dashboard/", insight.dashboard, name="dashboard"),
    path(
        "manage/<slug:slug>/dashboard/export/<slug:table>/",
        insight.dashboard_export,
        name="dashboard_export",
    ),
    path(
        "coordinate/<slug:slug>/dashboard/",
        insight.coordinator_dashboard,
        name="coordinator_dashboard",
    ),
    path(
        "coordinate/<slug:slug>/dashboard/export/<slug:table>/",
        insight.coordinator_dashboard_export,
        name="coordinator_dashboard_export",
    ),
]
