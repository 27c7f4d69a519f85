"""The impact report PDF of a programme (``impact_report(impact, language)``).

Rules:

* A4 portrait: a title page (report title, programme, years, what the figures are), then one
  section per figure of ``assessments.impact``: its title, a note on what it counts, a chart
  drawn with reportlab graphics (bar chart, or line chart for the completion rate) and the
  figure's table, the same table as on the page and in the exports.
* Every text is translatable and rendered under ``translation.override(language)``; text goes
  through the font machinery of ``cohorts.letters`` (Helvetica where it can, else a TrueType
  font with the glyphs, e.g. Nanum Gothic for Hangul), so Korean reports embed a Hangul font.
* The same figures give the same bytes: the canvas is invariant (fixed dates and ids) and
  nothing time-dependent is printed.
"""

from __future__ import annotations

import io
import math

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from cohorts.letters import BASE_FONT, BASE_FONT_BOLD, fallback_fonts, font_runs, markup

from .impact import Impact, tables

__all__ = ["impact_report"]

NAVY = colors.HexColor("#1f3c73")
GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#e8edf5")
# Series colours, told apart in grey print too.
PALETTE = [
    colors.HexColor(code)
    for code in ("#1f3c73", "#c8102e", "#6b8e23", "#e0a100", "#5b5b5b", "#2a9d8f", "#8e44ad")
]
MARGIN = 18 * mm
CHART_WIDTH = A4[0] - 2 * MARGIN
CHART_HEIGHT = 62 * mm


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=BASE_FONT, fontSize=9.5, leading=12.5)
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BASE_FONT_BOLD, fontSize=24, leading=30, textColor=NAVY
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=14, leading=19, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BASE_FONT_BOLD,
            fontSize=13,
            leading=17,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=4,
        ),
        "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=body, fontName=BASE_FONT_BOLD, fontSize=8.5),
    }


def _bold_markup(text: str) -> str:
    """Like ``markup`` but bold: fallback fonts are registered as families with a bold face."""
    return f"<b>{markup(text)}</b>"


def _font_for(texts) -> str:
    """One font that draws every one of ``texts`` (chart labels are single-font strings)."""
    joined = "".join(str(text) for text in texts)
    runs = font_runs(joined)
    if runs and len({name for name, _chunk in runs}) == 1:
        return runs[0][0]
    for font in fallback_fonts():
        if font.covers(joined):
            return font.name
    return BASE_FONT


def _legend(series: list[str], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.fontName = _font_for(series)
    legend.fontSize = 7.5
    legend.columnMaximum = 10
    legend.colorNamePairs = [
        (PALETTE[index % len(PALETTE)], name) for index, name in enumerate(series)
    ]
    return legend


def _chart(table) -> Drawing | None:
    """A bar chart (or a line chart) of the table's chart values; ``None`` when empty."""
    if not table.chart_labels or not any(any(values) for values in table.chart_values):
        # Nothing but zeros (or no years): the table says it all.
        return None
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    legend_width = 38 * mm if len(table.chart_series) > 1 else 0
    chart = HorizontalLineChart() if table.chart_kind == "line" else VerticalBarChart()
    chart.x, chart.y = 12 * mm, 10 * mm
    chart.width = CHART_WIDTH - chart.x - legend_width - 4 * mm
    chart.height = CHART_HEIGHT - chart.y - 4 * mm
    chart.data = [tuple(values) for values in table.chart_values]
    chart.categoryAxis.categoryNames = list(table.chart_labels)
    chart.categoryAxis.labels.fontName = _font_for(table.chart_labels)
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = BASE_FONT
    chart.valueAxis.labels.fontSize = 7.5
    numbers = [value for values in table.chart_values for value in values if value is not None]
    chart.valueAxis.valueMin = min(0, *numbers)
    if all(isinstance(value, int) for value in numbers):
        # Counts: whole steps only.
        chart.valueAxis.valueStep = max(1, math.ceil(max(numbers) / 5))
    if table.chart_kind == "line":
        chart.valueAxis.valueMax = 100
        chart.valueAxis.valueStep = 20
        chart.lines[0].strokeColor = PALETTE[0]
        chart.lines[0].strokeWidth = 1.5
        chart.lines[0].symbol = makeMarker("FilledCircle")
        chart.lines[0].symbol.fillColor = PALETTE[0]
        chart.joinedLines = 1
    else:
        chart.barSpacing = 1
        chart.groupSpacing = 6
        for index in range(len(table.chart_series)):
            chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
            chart.bars[index].strokeColor = None
    drawing.add(chart)
    if legend_width:
        drawing.add(_legend(table.chart_series, CHART_WIDTH, CHART_HEIGHT - 6 * mm))
    return drawing


def _table(table, styles) -> Table:
    def cell(value, style):
        return Paragraph(markup(str(value)), style)

    data = [[Paragraph(_bold_markup(str(text)), styles["head"]) for text in table.headers]]
    data += [[cell(value, styles["cell"]) for value in row] for row in table.rows]
    first = 48 * mm if len(table.headers) > 2 else 40 * mm
    rest = (CHART_WIDTH - first) / max(len(table.headers) - 1, 1)
    widths = [first] + [min(rest, 30 * mm)] * (len(table.headers) - 1)
    flowable = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if table.total_rows:
        commands.append(("LINEABOVE", (0, -table.total_rows), (-1, -1), 0.6, NAVY))
    flowable.setStyle(TableStyle(commands))
    return flowable


def _footer(programme_title: str):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFillColor(GREY)
        text = _("%(programme)s · impact report · page %(page)s") % {
            "programme": programme_title,
            "page": doc.page,
        }
        x = MARGIN
        for name, chunk in font_runs(text) or []:
            canvas.setFont(name, 7.5)
            canvas.drawString(x, 10 * mm, chunk)
            x += canvas.stringWidth(chunk, name, 7.5)
        canvas.restoreState()

    return draw


def _years(impact: Impact) -> str:
    first, last = impact.first_year, impact.last_year
    if first is None:
        return _("No cohorts yet")
    return str(first) if first == last else f"{first}–{last}"


def impact_report(impact: Impact, language: str) -> bytes:
    """The report in ``language`` as PDF bytes (the same figures give the same bytes)."""
    with translation.override(language):
        styles = _styles()
        programme_title = impact.programme.translated("title", language)
        made = tables(impact)
        story = [
            Spacer(1, 50 * mm),
            Paragraph(_bold_markup(_("Programme impact report")), styles["title"]),
            Spacer(1, 6 * mm),
            Paragraph(markup(programme_title), styles["subtitle"]),
            Paragraph(markup(_years(impact)), styles["subtitle"]),
            Spacer(1, 10 * mm),
            Paragraph(
                markup(
                    _(
                        "Figures of every cohort of the programme, one column or row per year: "
                        "participants, completion, pre/post competence change, educators "
                        "reached, certificates and published resources."
                    )
                ),
                styles["body"],
            ),
            PageBreak(),
        ]
        for table in made.values():
            section = [Paragraph(_bold_markup(table.title), styles["heading"])]
            if table.note:
                section.append(Paragraph(markup(table.note), styles["note"]))
            section.append(Spacer(1, 3 * mm))
            drawing = _chart(table)
            if drawing is not None:
                section += [drawing, Spacer(1, 3 * mm)]
            section += [_table(table, styles), Spacer(1, 8 * mm)]
            story.append(KeepTogether(section))
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{_('Programme impact report')} · {programme_title}",
            author=impact.programme.organisation_name,
            lang=language,
            invariant=1,
            initialFontName=BASE_FONT,
        )
        footer = _footer(programme_title)
        document.build(story, onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue()
