"""The cohort dashboard (``assessments.insight``): the organizers' and certificate staff's page
with every economy, the economy coordinators' page limited to the economies they coordinate,
and each table's CSV/XLSX export (audited as ``cohorts.export``, with the economies it covers).

Who may: the dashboard through ``permissions.staff_cohort_or_404`` (the cohort's organizers and
certificate staff; others 404); the coordinator's page through
``cohorts.permissions.coordinator_cohort_or_404`` (coordinators of some economy in the cohort;
others 403 or 404) and only their economies' figures, people and names, in exports too.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from aslp_site.core import exports
from aslp_site.core.http import method_not_allowed
from cohorts import audit
from cohorts.permissions import (
    coordinated_economies,
    coordinator_cohort_or_404,
    coordinator_required,
    signed_in,
)

from .. import insight, permissions


def _page(request, cohort, economies, *, coordinator: bool):
    board = insight.dashboard(cohort, economies)
    export_name = "coordinator_dashboard_export" if coordinator else "dashboard_export"
    context = {
        "cohort": cohort,
        "board": board,
        "economies": economies,
        "coordinator": coordinator,
        "export_name": f"assessments:{export_name}",
        "behind_count": len({p.participant.pk for s in board.behind for p in s.people}),
    }
    return render(request, "assessments/insight/dashboard.html", context)


def _export(request, cohort, economies, table: str):
    file_format = request.GET.get("format", "csv")
    if file_format not in exports.FORMATS or table not in insight.TABLES:
        raise Http404
    board = insight.dashboard(cohort, economies)
    title, headers, rows = insight.table(board, table)
    audit.record(
        cohort,
        "cohorts.export",
        request.user,
        what=f"dashboard:{table}",
        format=file_format,
        rows=len(rows),
        economies=sorted(e.code for e in economies) if economies is not None else "all",
    )
    return exports.export_response(
        file_format, f"{cohort.slug}-dashboard-{table}", headers, rows, title=title
    )


def _coordinator_scope(request, slug):
    cohort = coordinator_cohort_or_404(request.user, slug)
    economies = [e for e in coordinated_economies(request.user, cohort) if e is not None]
    if not economies:
        raise Http404
    return cohort, economies


@signed_in
def dashboard(request, slug):
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    return _page(request, cohort, None, coordinator=False)


@signed_in
def dashboard_export(request, slug, table):
    """One table of the dashboard as CSV or XLSX (``?format=``)."""
    cohort = permissions.staff_cohort_or_404(request.user, slug)
    if refused := method_not_allowed(request):
        return refused
    return _export(request, cohort, None, table)


@coordinator_required
def coordinator_dashboard(request, slug):
    cohort, economies = _coordinator_scope(request, slug)
    if refused := method_not_allowed(request):
        return refused
    return _page(request, cohort, economies, coordinator=True)


@coordinator_required
def coordinator_dashboard_export(request, slug, table):
    cohort, economies = _coordinator_scope(request, slug)
    if refused := method_not_allowed(request):
        return refused
    return _export(request, cohort, economies, table)
