"""The programme impact page, its exports (a workbook, a table) and the impact report PDF.

These paths share the ``manage/<slug:slug>/`` shape of the cohorts app's organizer pages, so
they must be resolved before ``cohorts.urls`` (``assessments.urls`` included first)."""

from django.urls import path

from ..views import impact

urlpatterns = [
    path("manage/impact/", impact.impact_page, name="impact"),
    path("manage/impact/export/", impact.impact_export, name="impact_export"),
    path(
        "manage/impact/export/<slug:table>/",
        impact.impact_export_table,
        name="impact_export_table",
    ),
    path("manage/impact/report.pdf", impact.impact_report_pdf, name="impact_report"),
]
