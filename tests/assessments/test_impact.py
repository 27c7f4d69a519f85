"""Programme impact across years: every figure against hand-computed values on a known world,
who may see it, the exports' exact rows and audit, the PDF report's text in English and
Korean (same data, same bytes), and a query count that does not grow with participants."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from aslp_site.core import exports
from assessments import impact
from assessments.impact_pdf import impact_report
from assessments.models import (
    Assignment,
    Certificate,
    CertificateStatus,
    CompletionRules,
    Resource,
    ResourceStatus,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
)
from cohorts.models import Role
from tests.assessments.test_prepost import _answer, _survey
from tests.cohorts import factories as cf
from tests.trainings import factories as f
from trainings.models import (
    ActivityKind,
    DisseminationKind,
    DisseminationReport,
    ReportStatus,
    StageKind,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()
_serials = iter(range(1, 10_000))


def _report(participant, educators, status=ReportStatus.ACCEPTED):
    return DisseminationReport.objects.create(
        participant=participant,
        kind=DisseminationKind.TRAINING,
        held_on=timezone.localdate(),
        audience="Teachers of my district",
        educators_reached=educators,
        description="A day on global competence.",
        status=status,
    )


def _certificate(participant, kind, status=CertificateStatus.VALID):
    n = next(_serials)
    return Certificate.objects.create(
        cohort=participant.cohort,
        participant=participant,
        kind=kind,
        serial=f"IMPACT-{n:05d}",
        code=f"impact-code-{n}",
        holder_name=f"Holder {n}",
        language="en",
        languages=["en"],
        status=status,
        issued_on=timezone.localdate(),
        pdf=f"certificates/impact-{n}.pdf",
        sha256="0" * 64,
        size=1,
    )


def _resource(participant, status):
    activity = f.activity(
        participant.cohort, ActivityKind.ASSIGNMENT, stage_kind=StageKind.POST_TRAINING
    )
    assignment = Assignment.objects.create(activity=activity)
    submission = Submission.objects.create(
        assignment=assignment, participant=participant, status=SubmissionStatus.ACCEPTED
    )
    version = SubmissionVersion.objects.create(
        submission=submission, number=1, text="Plan", submitted_at=NOW, digest="0" * 64
    )
    return Resource.objects.create(
        submission=submission,
        version=version,
        title="Reading circles",
        summary="Pupils read together.",
        status=status,
        published_at=NOW if status == ResourceStatus.PUBLISHED else None,
    )


def _people(cohort, economies):
    return [
        f.participant(cohort, economy_code=code, family_name=f"{code}{n}")
        for n, code in enumerate(economies)
    ]


@pytest.fixture
def world():
    """Programme ASLP: 2024 (ROK a1 a2, THA a3), 2025 (ROK b1, THA b2 b3, USA b4), 2026 (no
    participants yet); and another programme whose cohort must never be counted."""
    programme = cf.programme()
    c24 = f.cohort("aslp-2024", year=2024, programme=programme)
    c25 = f.cohort("aslp-2025", year=2025, programme=programme)
    c26 = f.cohort("aslp-2026", year=2026, programme=programme)
    a1, a2, a3 = _people(c24, ["ROK", "ROK", "THA"])
    b1, b2, b3, b4 = _people(c25, ["ROK", "THA", "THA", "USA"])
    # An applicant who never confirmed is no participant.
    cf.application(c25, economy_code="USA")
    # Completion: an accepted dissemination report.
    for cohort in (c24, c25):
        CompletionRules.objects.create(cohort=cohort, require_dissemination=True)
    _report(a1, 20)
    _report(a1, 5)
    _report(a2, 100, ReportStatus.SUBMITTED)
    _report(a3, 12)
    _report(b1, 50, ReportStatus.RETURNED)
    _report(b2, 30)
    _report(b4, 7)
    # Certificates: valid ones count, revoked and superseded do not.
    _certificate(a1, "completion")
    _certificate(a3, "completion")
    _certificate(a2, "attendance", CertificateStatus.REVOKED)
    _certificate(b2, "completion")
    _certificate(b4, "attendance")
    _certificate(b1, "completion", CertificateStatus.SUPERSEDED)
    _certificate(b1, "attendance")
    # Resources: published ones count.
    _resource(a1, ResourceStatus.PUBLISHED)
    _resource(a3, ResourceStatus.PUBLISHED)
    _resource(a2, ResourceStatus.PREPARING)
    _resource(b2, ResourceStatus.PUBLISHED)
    _resource(b3, ResourceStatus.WITHDRAWN)
    # Pre/post in 2024: lead p1 2->3 (+1), p2 3->5 (+2); global:i1 p1 4->2 (-2), p2 1->3 (+2);
    # p3 answered only before. 2025 has a pre survey only: nothing to compare.
    pre, pre_lead, pre_matrix = _survey(c24, "pre")
    post, post_lead, post_matrix = _survey(c24, "post")
    for pairing, lead, i1 in (("p1", 2, 4), ("p2", 3, 1), ("p3", 4, 4)):
        _answer(pre, pairing, "ROK", {(pre_lead, ""): lead, (pre_matrix, "i1"): i1})
    for pairing, lead, i1 in (("p1", 3, 2), ("p2", 5, 3)):
        _answer(post, pairing, "ROK", {(post_lead, ""): lead, (post_matrix, "i1"): i1})
    _survey(c25, "pre")
    # Another programme.
    other = cf.programme("other-programme", title="Other Programme")
    elsewhere = f.cohort("other-2025", year=2025, programme=other)
    (stranger,) = _people(elsewhere, ["ROK"])
    _report(stranger, 999)
    _certificate(stranger, "completion")
    return {
        "programme": programme,
        "other": other,
        "cohorts": (c24, c25, c26),
        "elsewhere": elsewhere,
        "a1": a1,
    }


EXPECTED_ROWS = {
    "participants": [
        ["Republic of Korea", 2, 1, 0, 3],
        ["Thailand", 1, 2, 0, 3],
        ["United States", 0, 1, 0, 1],
        ["Total", 3, 4, 0, 7],
    ],
    # 2/3 = 66.67% -> 67%; 2/4 = 50%
    "completion": [["2024", 3, 2, "67%"], ["2025", 4, 2, "50%"], ["2026", 0, 0, "–"]],
    # 3 items (lead, global:i1, global:i2), 4 pairs, (1 + 2 - 2 + 2) / 4 = +0.75
    "prepost": [["2024", 3, 4, "+0.75"], ["2025", 0, 0, "–"], ["2026", 0, 0, "–"]],
    # ROK 20 + 5 (a2's 100 is not accepted, b1's 50 returned); THA 12 and 30; USA 7
    "dissemination": [
        ["Republic of Korea", 25, 0, 0, 25],
        ["Thailand", 12, 30, 0, 42],
        ["United States", 0, 7, 0, 7],
        ["Total", 37, 37, 0, 74],
    ],
    "certificates": [["2024", 2, 0, 0, 2], ["2025", 1, 2, 0, 3], ["2026", 0, 0, 0, 0]],
    "resources": [["2024", 2], ["2025", 1], ["2026", 0]],
}


def test_every_figure_equals_the_hand_computed_value(world):
    figures = impact.figures(world["programme"])
    assert figures.years == ["2024", "2025", "2026"]
    c24 = world["cohorts"][0]
    change = figures.changes[c24.pk]
    assert (change.items, change.pairs, change.mean_change) == (3, 4, Fraction(3, 4))
    made = impact.tables(figures)
    assert list(made) == list(impact.TABLE_KEYS)
    assert {key: table.rows for key, table in made.items()} == EXPECTED_ROWS
    assert made["participants"].headers == ["Economy", "2024", "2025", "2026", "Total"]
    assert made["completion"].headers == ["Year", "Participants", "Complete", "Completion rate"]
    assert made["prepost"].headers == ["Year", "Competence items", "Pairs", "Mean change"]
    assert made["certificates"].headers == [
        "Year",
        "Completion",
        "Attendance",
        "Appreciation",
        "Total",
    ]
    # The charts: economies by year for the grids, one series per kind for certificates.
    assert made["participants"].chart_labels == ["ROK", "THA", "USA"]
    assert made["participants"].chart_values == [[2, 1, 0], [1, 2, 1], [0, 0, 0]]
    assert made["completion"].chart_values == [[66.7, 50.0, None]]
    assert made["certificates"].chart_values == [[2, 1, 0], [0, 2, 0], [0, 0, 0]]


def test_korean_tables_use_korean_names(world):
    with translation.override("ko"):
        made = impact.tables(impact.figures(world["programme"]))
    assert made["participants"].rows[0][0] == "대한민국"
    assert made["participants"].rows[-1][0] == "합계"
    assert made["certificates"].headers[:3] == ["연도", "수료", "참가"]


# -- Access ---------------------------------------------------------------------------------


def _urls():
    return [
        reverse("assessments:impact"),
        reverse("assessments:impact_export") + "?format=xlsx",
        reverse("assessments:impact_export_table", kwargs={"table": "completion"}) + "?format=csv",
        reverse("assessments:impact_report") + "?lang=en",
    ]


def test_organizer_of_a_cohort_of_the_programme_sees_everything(client, world):
    c24 = world["cohorts"][0]
    client.force_login(f.organizer(c24))
    statuses = [client.get(url).status_code for url in _urls()]
    assert statuses == [200, 200, 200, 200]
    page = client.get(reverse("assessments:impact"))
    assert page.context["programme"] == world["programme"]
    body = page.content.decode()
    assert 'id="impact-participants"' in body and 'data-chart="bar"' in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    # The page's chart draws the totals column of the economies, the rate of each year.
    assert '<td class="numeric" data-value="3">3</td>' in body
    assert 'data-value="66.7">67%</td>' in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]


@pytest.mark.parametrize("role", ["coordinator", "participant", "certificate_staff"])
def test_other_roles_are_refused(client, world, role):
    c24 = world["cohorts"][0]
    if role == "participant":
        person = world["a1"].user
    else:
        person = cf.user()
        code = "ROK" if role == "coordinator" else None
        grant_role = Role.COORDINATOR if role == "coordinator" else Role.CERTIFICATE_STAFF
        cf.grant(person, grant_role, c24, economy_code=code)
    client.force_login(person)
    assert [client.get(url).status_code for url in _urls()] == [403, 403, 403, 403]
    assert [client.post(url).status_code for url in _urls()] == [403, 403, 403, 403]


def test_anonymous_people_are_sent_to_sign_in(client, world):
    for url in _urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


def test_another_programme_answers_404_and_post_405(client, world):
    client.force_login(f.organizer(world["elsewhere"]))
    page = client.get(reverse("assessments:impact"))
    assert page.context["programme"] == world["other"]
    assert page.context["tables"][0].rows == [["Republic of Korea", 1, 1], ["Total", 1, 1]]
    chosen = f"?programme={world['programme'].pk}"
    assert client.get(reverse("assessments:impact") + chosen).status_code == 404
    assert client.get(reverse("assessments:impact_report") + chosen).status_code == 404
    assert client.post(reverse("assessments:impact")).status_code == 405


def test_superusers_choose_among_programmes(client, world, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin)
    page = client.get(reverse("assessments:impact"))
    # The first programme by title ("APEC School ..." before "Other Programme").
    assert page.context["programme"] == world["programme"]
    body = page.content.decode()
    assert '<label for="programme-choice">Programme</label>' in body
    assert (
        f'href="/manage/impact/export/?format=xlsx&amp;programme={world["programme"].pk}"' in body
    )
    other = client.get(reverse("assessments:impact"), {"programme": world["other"].pk})
    assert other.context["programme"] == world["other"]
    assert client.get(reverse("assessments:impact"), {"programme": "x"}).status_code == 404


# -- Exports --------------------------------------------------------------------------------


def _text_rows(rows):
    return [["" if v is None else str(v) for v in row] for row in rows]


def test_csv_of_each_table_has_the_exact_rows_and_is_audited(client, world):
    c24, c25, c26 = world["cohorts"]
    organizer = f.organizer(c24)
    client.force_login(organizer)
    for key, expected in EXPECTED_ROWS.items():
        url = reverse("assessments:impact_export_table", kwargs={"table": key})
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="aslp-impact-{key}-'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        # A signed change such as "+0.75" starts like a formula: CSV marks it as text (R10).
        assert rows[1:] == [[exports.neutralise(v) for v in row] for row in expected]
    assert rows[0] == ["Year", "Resources published"]
    entries = ModelLogEntry.objects.filter(action="cohorts.export").order_by("pk")
    assert entries.count() == 6
    last = entries.last()
    assert last.object_id == str(c26.pk)
    assert last.user_id == organizer.pk
    assert last.data["what"] == "impact-resources"
    assert last.data["format"] == "csv"
    assert last.data["rows"] == 3
    assert last.data["filters"] == {"programme": world["programme"].pk}
    url = reverse("assessments:impact_export_table", kwargs={"table": "secrets"})
    assert client.get(url, {"format": "csv"}).status_code == 404
    url = reverse("assessments:impact_export_table", kwargs={"table": "completion"})
    assert client.get(url, {"format": "json"}).status_code == 404


def test_the_workbook_has_one_sheet_of_text_cells_per_table(client, world):
    client.force_login(f.organizer(world["cohorts"][1]))
    response = client.get(reverse("assessments:impact_export"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == list(impact.TABLE_KEYS)
    for key, expected in EXPECTED_ROWS.items():
        sheet = workbook[key]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows[1:] == _text_rows(expected)
        assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)
    assert [list(r) for r in workbook["prepost"].iter_rows(values_only=True)][0] == [
        "Year",
        "Competence items",
        "Pairs",
        "Mean change",
    ]
    entry = ModelLogEntry.objects.get(action="cohorts.export")
    assert (entry.data["what"], entry.data["format"], entry.data["rows"]) == ("impact", "xlsx", 20)
    assert client.get(reverse("assessments:impact_export"), {"format": "csv"}).status_code == 404


def test_a_formula_like_economy_name_is_neutralised(world):
    table = impact.Table(key="t", title="T", headers=["Economy"], rows=[["=1+1"]])
    from assessments.views.impact import workbook_bytes

    sheet = load_workbook(io.BytesIO(workbook_bytes([table])))["t"]
    assert sheet["A2"].value == "=1+1"
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix


# -- The PDF report -------------------------------------------------------------------------

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def _pdf_text(data: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return re.sub(r"[ \t]+", " ", done.stdout.decode("utf-8"))


def _headings(language):
    with translation.override(language):
        return [
            _("Programme impact report"),
            _("Participants by economy and year"),
            _("Completion rate per year"),
            _("Pre/post competence change per year"),
            _("Educators reached through dissemination"),
            _("Certificates issued per year"),
            _("Resources published per year"),
        ]


@needs_pdftotext
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_report_has_every_heading_and_the_exact_numbers(client, world, language):
    client.force_login(f.organizer(world["cohorts"][0]))
    response = client.get(reverse("assessments:impact_report"), {"lang": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="aslp-impact-report-{language}-'
    )
    text = _pdf_text(response.content)
    for heading in _headings(language):
        assert heading in text
    assert "2024–2026" in text
    korean = language == "ko"
    lines = [line.strip() for line in text.splitlines()]
    assert ("대한민국 2 1 0 3" if korean else "Republic of Korea 2 1 0 3") in lines
    assert ("태국 12 30 0 42" if korean else "Thailand 12 30 0 42") in lines
    assert ("합계 37 37 0 74" if korean else "Total 37 37 0 74") in lines
    assert "2024 3 2 67%" in lines and "2025 4 2 50%" in lines
    assert "2024 3 4 +0.75" in lines
    assert "2025 1 2 0 3" in lines
    if korean:
        assert "연도 수료 참가 감사 합계" in lines
    entry = ModelLogEntry.objects.get(action="cohorts.export")
    assert (entry.data["what"], entry.data["format"]) == ("impact-report", f"pdf-{language}")


def test_the_same_figures_give_the_same_bytes(world):
    figures = impact.figures(world["programme"])
    first = impact_report(figures, "ko")
    assert first.startswith(b"%PDF-")
    assert impact_report(impact.figures(world["programme"]), "ko") == first
    assert impact_report(figures, "en") != first


def test_an_unknown_report_language_answers_404(client, world):
    client.force_login(f.organizer(world["cohorts"][0]))
    assert client.get(reverse("assessments:impact_report"), {"lang": "th"}).status_code == 404


# -- Queries --------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_participants(client, world):
    c24, c25, _c26 = world["cohorts"]
    client.force_login(f.organizer(c24))
    urls = _urls()

    def count():
        numbers = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            numbers.append(len(queries))
        return numbers

    before = count()
    for n, person in enumerate(_people(c25, ["JPN", "JPN", "THA", "ROK", "USA"] * 2)):
        _report(person, n + 1)
        _certificate(person, "attendance")
        if n % 3 == 0:
            _resource(person, ResourceStatus.PUBLISHED)
    assert count() == before


def test_the_korean_page_shows_korean_tables(client, world):
    client.force_login(f.organizer(world["cohorts"][0]))
    response = client.get("/ko/manage/impact/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<th scope="row">대한민국</th>' in body
    assert '<tfoot><tr><th scope="row">합계</th>' in body
    assert 'href="/ko/manage/impact/report.pdf?lang=ko" hreflang="ko"' in body
