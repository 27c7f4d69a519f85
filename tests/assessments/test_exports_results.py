"""The survey exports: one row per response, nothing that names a person for anonymous
surveys, formulas neutralised, valid CSV and XLSX files, audited."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from assessments import keys
from assessments.models import SurveyCompletion
from tests.assessments.test_results import build_world
from tests.trainings import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return f.cohort("aslp-x")


@pytest.fixture
def people(cohort):
    made = [
        f.participant(cohort, f"respondent{index}@example.org", economy_code=code)
        for index, code in enumerate(["ROK", "ROK", "THA", "THA"])
    ]
    return made


def _get(client, cohort, survey, file_format):
    url = reverse("assessments:survey_export", kwargs={"slug": cohort.slug, "pk": survey.pk})
    response = client.get(url, {"format": file_format})
    assert response.status_code == 200
    return response


def _all_text(content: bytes, file_format: str) -> str:
    """The file's bytes as text; for XLSX also every member of the zip, uncompressed."""
    if file_format == "csv":
        return content.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_anonymous_survey_export_names_nobody(client, cohort, people, file_format):
    survey, qs = build_world(cohort, anonymous=True, people=people)
    for person in people:
        SurveyCompletion.objects.create(
            survey=survey, participant=person, completed_on=timezone.localdate()
        )
    client.force_login(f.organizer(cohort))
    response = _get(client, cohort, survey, file_format)
    content = response.content
    text = _all_text(content, file_format)
    for person in people:
        application = person.application
        secrets = [
            person.user.email,
            application.family_name,
            application.given_names,
            keys.pairing_key(person),
            person.badge_token,
        ]
        for secret in secrets:
            assert secret and secret.encode() not in content
            assert secret not in text
    assert "Participant" not in text

    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    # No answering day in any cell (the XLSX's own metadata has its creation time).
    assert timezone.localdate().isoformat() not in " ".join(" ".join(row) for row in rows)
    header = rows[0]
    assert header[:5] == ["Response", "Economy code", "Position", "School level", "Language"]
    assert "Q2. How confident are you? – Coaching [a]" in header
    assert "Q3. Preferred format (keys)" in header and "Q3. Preferred format (labels)" in header
    assert len(rows) == 5  # header + 4 responses
    assert [row[0] for row in rows[1:]] == ["1", "2", "3", "4"]
    keys_column = header.index("Q3. Preferred format (keys)")
    assert sorted(row[keys_column] for row in rows[1:]) == ["x", "x", "x", "y"]
    labels_column = header.index("Q4. Topics you used (labels)")
    assert "Lesson study; Mentoring" in [row[labels_column] for row in rows[1:]]
    entry = ModelLogEntry.objects.get(action="assessments.results_export")
    assert entry.data["format"] == file_format and entry.data["rows"] == 4


def test_formulas_are_neutralised_in_csv_and_xlsx(client, cohort):
    survey, _qs = build_world(cohort, anonymous=True)
    client.force_login(f.organizer(cohort))
    text_header = "Q5. What would you change?"

    content = _get(client, cohort, survey, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    column = rows[0].index(text_header)
    assert "'=1+2" in [row[column] for row in rows[1:]]

    sheet = load_workbook(io.BytesIO(_get(client, cohort, survey, "xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index(text_header) + 1
    cells = [sheet.cell(row=n, column=column) for n in range(2, sheet.max_row + 1)]
    (formula,) = [cell for cell in cells if cell.value == "=1+2"]
    assert formula.data_type == "s" and formula.quotePrefix


def test_an_identified_survey_export_names_the_participant(client, cohort, people):
    survey, _qs = build_world(cohort, anonymous=False, people=people)
    client.force_login(f.organizer(cohort))
    content = _get(client, cohort, survey, "csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["Response", "Participant", "Answered on"]
    assert sorted(row[1] for row in rows[1:]) == sorted(str(person) for person in people)
    assert keys.pairing_key(people[0]) not in content  # never the pairing key


def test_an_unknown_format_answers_404(client, cohort):
    survey, _qs = build_world(cohort)
    client.force_login(f.organizer(cohort))
    url = reverse("assessments:survey_export", kwargs={"slug": cohort.slug, "pk": survey.pk})
    assert client.get(url, {"format": "pdf"}).status_code == 404
    assert not ModelLogEntry.objects.filter(action="assessments.results_export").exists()


def test_an_identified_export_takes_a_constant_number_of_queries(client, cohort, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.assessments.test_results import FOUR, respond

    survey, qs = build_world(cohort, anonymous=False, people=people)
    client.force_login(f.organizer(cohort))
    _get(client, cohort, survey, "csv")
    with CaptureQueriesContext(connection) as one:
        _get(client, cohort, survey, "xlsx")
    for index in range(4):
        person = f.participant(cohort)
        profile, answers = FOUR[index]
        respond(
            survey,
            qs,
            answers=answers,
            pairing_key=keys.pairing_key(person),
            participant=person,
            **profile,
        )
    with CaptureQueriesContext(connection) as more:
        response = _get(client, cohort, survey, "xlsx")
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 1 + 4 + 4
    assert len(one) == len(more)


def test_anonymous_export_withholds_the_profile_of_small_groups(cohort):
    """Three respondents share ROK / principal / primary and are shown; the lone THA respondent
    (and any group under three) has economy, position, level and language withheld."""
    from assessments.exports_results import response_table
    from tests.assessments.test_results import build_questions, make_survey, respond

    survey = make_survey(cohort, anonymous=True)
    qs = build_questions(survey)
    profiles = [
        ("ROK", "principal", "primary"),
        ("ROK", "principal", "primary"),
        ("ROK", "principal", "primary"),
        ("ROK", "lead_teacher", "primary"),
        ("THA", "principal", "primary"),
    ]
    for index, (economy, position, level) in enumerate(profiles):
        respond(
            survey,
            qs,
            economy=economy,
            position=position,
            level=level,
            answers={"likert": 4},
            pairing_key=f"key-{index}",
        )
    headers, rows = response_table(survey, "en")
    assert headers[:5] == ["Response", "Economy code", "Position", "School level", "Language"]
    assert sorted(tuple(row[1:5]) for row in rows) == sorted(
        [
            ("ROK", "Principal", "Primary / elementary", "en"),
            ("ROK", "Principal", "Primary / elementary", "en"),
            ("ROK", "Principal", "Primary / elementary", "en"),
            ("ROK", "withheld", "withheld", "en"),
            ("withheld", "withheld", "withheld", "en"),
        ]
    )
    # An identified survey shows every profile as it is.
    survey.is_anonymous = False
    survey.save(update_fields=["is_anonymous"])
    headers, rows = response_table(survey, "en")
    column = headers.index("Position")
    assert sorted(row[column] for row in rows) == ["Lead teacher", *["Principal"] * 4]
