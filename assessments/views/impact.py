"""The programme impact page, its exports and the impact report PDF (``assessments.impact``).

Rules: organizers of any cohort of a programme (superusers: every programme) see that
programme's impact; ``?programme=<pk>`` picks one when they organize cohorts of several
(default: the first by title), another programme answers 404. Every export (the workbook, a
table, the PDF) writes one ``cohorts.export`` audit entry on the programme's latest cohort.
"""

from __future__ import annotations

import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from aslp_site.core import exports
from aslp_site.core.http import method_not_allowed
from cohorts import audit
from cohorts.models import Programme
from cohorts.permissions import organizer_cohorts, organizer_required

from .. import impact
from ..impact_pdf import impact_report

REPORT_LANGUAGES = ("en", "ko")


def _programmes(user) -> list[Programme]:
    """The programmes of the cohorts the user organizes, by title."""
    return list(
        Programme.objects.filter(cohorts__in=organizer_cohorts(user))
        .distinct()
        .prefetch_related("translations")
        .order_by("title", "pk")
    )


def _programme_or_404(request) -> tuple[Programme, list[Programme]]:
    programmes = _programmes(request.user)
    if not programmes:
        raise Http404
    chosen = request.GET.get("programme")
    if not chosen:
        return programmes[0], programmes
    for programme in programmes:
        if str(programme.pk) == chosen:
            return programme, programmes
    raise Http404


def _audit(request, figures: impact.Impact, what: str, file_format: str, rows: int) -> None:
    latest = figures.cohorts[-1] if figures.cohorts else None
    if latest is None:
        return
    audit.record(
        latest,
        "cohorts.export",
        request.user,
        what=what,
        format=file_format,
        rows=rows,
        filters={"programme": figures.programme.pk},
    )


@organizer_required
def impact_page(request):
    programme, programmes = _programme_or_404(request)
    if refused := method_not_allowed(request):
        return refused
    figures = impact.figures(programme)
    context = {
        "programme": programme,
        "programmes": programmes,
        "figures": figures,
        "tables": list(impact.tables(figures).values()),
        "query": f"programme={programme.pk}" if len(programmes) > 1 else "",
        "report_languages": REPORT_LANGUAGES,
    }
    return render(request, "assessments/impact/page.html", context)


def _stem(programme: Programme) -> str:
    return f"{programme.slug}-impact"


@organizer_required
def impact_export(request):
    """Every table as one XLSX workbook, a sheet per table (``?format=xlsx``)."""
    programme, _programmes_ = _programme_or_404(request)
    if refused := method_not_allowed(request):
        return refused
    if request.GET.get("format", "xlsx") != "xlsx":
        raise Http404
    figures = impact.figures(programme)
    made = list(impact.tables(figures).values())
    body = workbook_bytes(made)
    _audit(request, figures, "impact", "xlsx", sum(len(table.rows) for table in made))
    response = HttpResponse(body, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(_stem(programme), "xlsx")
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def workbook_bytes(tables) -> bytes:
    """One sheet per table (named by its key), each written by
    ``aslp_site.core.exports.xlsx_bytes`` (text cells only, formulas neutralised) and copied
    cell by cell into one workbook."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        source = load_workbook(
            io.BytesIO(exports.xlsx_bytes(table.headers, table.rows, title=table.key))
        ).active
        sheet = workbook.create_sheet(source.title)
        for row in source.iter_rows():
            for cell in row:
                target = sheet.cell(row=cell.row, column=cell.column)
                target._value = "" if cell.value is None else str(cell.value)
                target.data_type = "s"
                target.quotePrefix = bool(cell.quotePrefix)
                if cell.row == 1:
                    target.font = bold
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@organizer_required
def impact_export_table(request, table):
    """One table as CSV or XLSX (``?format=``)."""
    programme, _programmes_ = _programme_or_404(request)
    if refused := method_not_allowed(request):
        return refused
    file_format = request.GET.get("format", "csv")
    if table not in impact.TABLE_KEYS or file_format not in exports.FORMATS:
        raise Http404
    figures = impact.figures(programme)
    chosen = impact.tables(figures)[table]
    _audit(request, figures, f"impact-{table}", file_format, len(chosen.rows))
    return exports.export_response(
        file_format,
        f"{_stem(programme)}-{table}",
        chosen.headers,
        chosen.rows,
        title=chosen.key,
    )


@organizer_required
def impact_report_pdf(request):
    """The impact report PDF in English or Korean (``?lang=``)."""
    programme, _programmes_ = _programme_or_404(request)
    if refused := method_not_allowed(request):
        return refused
    language = request.GET.get("lang", "en")
    if language not in REPORT_LANGUAGES:
        raise Http404
    figures = impact.figures(programme)
    body = impact_report(figures, language)
    _audit(request, figures, "impact-report", f"pdf-{language}", len(figures.cohorts))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, exports.export_filename(f"{_stem(programme)}-report-{language}", "pdf")
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "impact_export",
    "impact_export_table",
    "impact_page",
    "impact_report_pdf",
    "workbook_bytes",
]
