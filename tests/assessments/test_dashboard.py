"""The cohort dashboard: every figure against hand-computed values on a known cohort, who is
behind and why, who may see it, the coordinator's view limited to their economy (pages and
exports), the exports' exact rows and their audit, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from assessments import insight
from assessments.models import (
    Assignment,
    Certificate,
    CertificateKind,
    CertificateStatus,
    Submission,
    SubmissionStatus,
    Survey,
    SurveyCompletion,
)
from cohorts.models import Application, ApplicationStatus, Cohort, EndorsementStatus, Role
from tests.assessments.certificate_world import certificate_world
from tests.cohorts import factories as cf
from tests.trainings import factories as f
from trainings.models import ActivityKind, Attendance, AttendanceStatus, StageKind

NOW = timezone.now()
ROK = "Republic of Korea"
THA = "Thailand"


def _set(participant_or_app, **values):
    application = getattr(participant_or_app, "application", participant_or_app)
    Application.objects.filter(pk=application.pk).update(**values)


def _assignment(cohort, title, stage_kind, *, due_in, per_group=False, required=True):
    activity = f.activity(
        cohort,
        ActivityKind.ASSIGNMENT,
        stage_kind=stage_kind,
        title=title,
        is_required=required,
        due_at=NOW + due_in,
    )
    return Assignment.objects.create(activity=activity, per_group=per_group)


def _survey(cohort, title, stage_kind, *, opens_in, closes_in, group=None, required=True):
    activity = f.activity(
        cohort,
        ActivityKind.SURVEY,
        stage_kind=stage_kind,
        title=title,
        is_required=required,
        group=group,
    )
    return Survey.objects.create(
        cohort=cohort,
        stage=activity.stage,
        activity=activity,
        title=title,
        opens_at=NOW + opens_in,
        closes_at=NOW + closes_in,
    )


def _answered(survey, *people):
    for person in people:
        SurveyCompletion.objects.create(
            survey=survey, participant=person, completed_on=timezone.localdate()
        )


_serials = iter(range(1, 10_000))


def _certificate(participant, kind=CertificateKind.COMPLETION, status=CertificateStatus.VALID):
    n = next(_serials)
    return Certificate.objects.create(
        cohort=participant.cohort,
        kind=kind,
        participant=participant,
        serial=f"T-{n:05d}",
        code=f"code-{n:05d}",
        holder_name=str(participant),
        language="en",
        status=status,
        issued_on=timezone.localdate(),
        pdf=f"certificates/t-{n}.pdf",
        sha256="0" * 64,
        size=1,
    )


def _applications(cohort):
    """The applications that are not participants' (see the world's docstring)."""
    app = cf.application
    return {
        "a1": app(
            cohort,
            economy_code="ROK",
            gender="male",
            position="lead_teacher",
            school_level="upper_secondary",
        ),  # fmt: skip
        "a2": app(
            cohort,
            economy_code="THA",
            status=ApplicationStatus.REJECTED,
            endorsement=EndorsementStatus.ENDORSED,
            score_mean=Decimal("2.5"),
        ),  # fmt: skip
        "a3": app(
            cohort,
            economy_code="THA",
            status=ApplicationStatus.ACCEPTED,
            gender="male",
            position="official",
            school_level="other",
            endorsement=EndorsementStatus.ENDORSED,
            score_mean=Decimal("4.0"),
        ),  # fmt: skip
        "a4": app(
            cohort,
            economy_code="ROK",
            status=ApplicationStatus.OFFER_DECLINED,
            endorsement=EndorsementStatus.ENDORSED,
            score_mean=Decimal("3.8"),
        ),  # fmt: skip
        "a5": app(cohort, economy_code="ROK", status=ApplicationStatus.DRAFT),
        "a6": app(cohort, economy_code="THA", status=ApplicationStatus.WITHDRAWN),
        "a7": app(cohort, economy_code=None),
    }


@pytest.fixture
def world():
    """Cohort X from ``certificate_world`` (rules: 50% onsite attendance; 4 past sessions):

    * Kim (ROK, male, principal, primary; endorsed, scored): 3 of 4 sessions (one late):
      complete; valid completion certificate; in group G;
    * Somchai/Kittisak (THA, female, vice-principal, lower secondary; endorsed, scored): 2 of
      4: complete; a revoked completion certificate only;
    * Lee (ROK, female, principal, primary; endorsed, scored): 1 of 4; a valid attendance
      certificate; in group G;
    * Park (ROK, gender not given, principal, primary; not endorsed, not scored): none;
    * applications: a1 ROK submitted (male, lead teacher, upper secondary), a2 THA rejected
      (endorsed, scored), a3 THA offered (male, official, other; endorsed, scored), a4 ROK
      offer declined (endorsed, scored), a5 ROK draft, a6 THA withdrawn, a7 without economy;
    * a future session; "School profile" (pre-training, due 5 days ago): Kim accepted,
      Somchai submitted, Lee revision requested, Park nothing; a required assignment not yet
      due and an optional one past due (both ignored); "Change project plan" (post-training,
      one per group, due 1 day ago): group G accepted;
    * surveys: "Pre survey" (pre-training, closed 2 days ago): Kim and Lee answered; "Group
      reflection" (workshop, group G, closed): Kim answered; "Open survey" (open): Park
      answered; "Later survey" (not open yet).
    """
    made = certificate_world(template=False)
    cohort = made["cohort"]
    kim, somchai, lee, park = made["kim"], made["somchai"], made["lee"], made["park"]
    group = f.group(cohort, "Group G")
    for person in (kim, lee):
        person.group = group
        person.save(update_fields=["group"])
    endorsed = EndorsementStatus.ENDORSED
    _set(kim, gender="male", endorsement=endorsed, score_mean=Decimal("4.2"))
    _set(
        somchai,
        position="vice_principal",
        school_level="lower_secondary",
        endorsement=endorsed,
        score_mean=Decimal("3.9"),
    )
    _set(lee, endorsement=endorsed, score_mean=Decimal("3.5"))
    _set(park, gender="")
    made.update(_applications(cohort))
    Attendance.objects.filter(participant=kim, activity=made["sessions"][2]).update(
        status=AttendanceStatus.LATE
    )
    f.activity(cohort, ActivityKind.LECTURE, title="Future session")
    profile = _assignment(
        cohort, "School profile", StageKind.PRE_TRAINING, due_in=-dt.timedelta(days=5)
    )
    _assignment(cohort, "Essay", StageKind.PRE_TRAINING, due_in=dt.timedelta(days=5))
    _assignment(
        cohort,
        "Reading notes",
        StageKind.PRE_TRAINING,
        due_in=-dt.timedelta(days=5),
        required=False,
    )
    plan = _assignment(
        cohort,
        "Change project plan",
        StageKind.POST_TRAINING,
        due_in=-dt.timedelta(days=1),
        per_group=True,
    )
    Submission.objects.create(assignment=profile, participant=kim, status=SubmissionStatus.ACCEPTED)
    Submission.objects.create(assignment=profile, participant=somchai)
    Submission.objects.create(
        assignment=profile, participant=lee, status=SubmissionStatus.REVISION_REQUESTED
    )
    Submission.objects.create(assignment=plan, group=group, status=SubmissionStatus.ACCEPTED)
    pre = _survey(
        cohort,
        "Pre survey",
        StageKind.PRE_TRAINING,
        opens_in=-dt.timedelta(days=10),
        closes_in=-dt.timedelta(days=2),
    )
    reflection = _survey(
        cohort,
        "Group reflection",
        StageKind.WORKSHOP,
        opens_in=-dt.timedelta(days=9),
        closes_in=-dt.timedelta(days=1),
        group=group,
    )
    open_survey = _survey(
        cohort,
        "Open survey",
        StageKind.POST_TRAINING,
        opens_in=-dt.timedelta(days=1),
        closes_in=dt.timedelta(days=5),
    )
    _survey(
        cohort,
        "Later survey",
        StageKind.POST_TRAINING,
        opens_in=dt.timedelta(days=10),
        closes_in=dt.timedelta(days=20),
    )
    _answered(pre, kim, lee)
    _answered(reflection, kim)
    _answered(open_survey, park)
    _certificate(kim)
    _certificate(somchai, status=CertificateStatus.REVOKED)
    _certificate(lee, kind=CertificateKind.ATTENDANCE)
    made.update(group=group, pre=pre, reflection=reflection, open_survey=open_survey)
    return made


@pytest.fixture
def people(world):
    cohort = world["cohort"]
    other = f.cohort("cohort-y")
    coordinator_a = cf.user("coord-rok@example.org")
    cf.grant(coordinator_a, Role.COORDINATOR, cohort, "ROK")
    coordinator_b = cf.user("coord-tha@example.org")
    cf.grant(coordinator_b, Role.COORDINATOR, cohort, "THA")
    coordinator_y = cf.user("coord-y@example.org")
    cf.grant(coordinator_y, Role.COORDINATOR, other, "ROK")
    certificates = cf.user("certs@example.org")
    cf.grant(certificates, Role.CERTIFICATE_STAFF, cohort)
    return {
        "organizer": f.organizer(cohort, "org-x@example.org"),
        "organizer_y": f.organizer(other, "org-y@example.org"),
        "certificates": certificates,
        "coordinator_a": coordinator_a,
        "coordinator_b": coordinator_b,
        "coordinator_y": coordinator_y,
        "participant": world["kim"].user,
    }


STAGE_LABELS = [
    "Applications submitted",
    "Endorsed",
    "Reviewed",
    "Offered a place",
    "Confirmed participants",
    "Completed",
    "Certified",
]


def _rows(breakdown):
    return [(row.label, row.counts) for row in breakdown.rows]


# -- Figures ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_funnel_and_its_breakdowns(world):
    board = insight.dashboard(world["cohort"])
    assert [label for _key, label in board.funnel.stages] == STAGE_LABELS
    assert board.funnel.totals == [10, 6, 6, 6, 4, 2, 1]
    economy, gender, position, level = board.funnel.breakdowns
    assert [b.title for b in board.funnel.breakdowns] == [
        "Economy",
        "Gender",
        "Position",
        "School level",
    ]
    assert _rows(economy) == [
        (ROK, [5, 3, 3, 4, 3, 1, 1]),
        (THA, [4, 3, 3, 2, 1, 1, 0]),
        ("No economy", [1, 0, 0, 0, 0, 0, 0]),
    ]
    assert _rows(gender) == [
        ("Female", [6, 4, 4, 3, 2, 1, 0]),
        ("Male", [3, 2, 2, 2, 1, 1, 1]),
        ("Not given", [1, 0, 0, 1, 1, 0, 0]),
    ]
    assert _rows(position) == [
        ("Principal", [7, 4, 4, 4, 3, 1, 1]),
        ("Vice-principal", [1, 1, 1, 1, 1, 1, 0]),
        ("Lead teacher", [1, 0, 0, 0, 0, 0, 0]),
        ("Education official", [1, 1, 1, 1, 0, 0, 0]),
    ]
    assert _rows(level) == [
        ("Primary / elementary", [7, 4, 4, 4, 3, 1, 1]),
        ("Lower secondary", [1, 1, 1, 1, 1, 1, 0]),
        ("Upper secondary", [1, 0, 0, 0, 0, 0, 0]),
        ("Other / several levels", [1, 1, 1, 1, 0, 0, 0]),
    ]


@pytest.mark.django_db
def test_labels_in_the_readers_language(world):
    with translation.override("ko"):
        board = insight.dashboard(world["cohort"])
        economy = board.funnel.breakdowns[0]
        assert [row.label for row in economy.rows][:2] == ["대한민국", "태국"]
        assert board.behind[0].people[0].economy == "태국"


@pytest.mark.django_db
def test_who_is_behind(world):
    board = insight.dashboard(world["cohort"])
    found = [
        (stage.label, [(str(p.participant), p.economy, p.reasons) for p in stage.people])
        for stage in board.behind
    ]
    assert found == [
        (
            "Online Pre-Training",
            [
                (
                    "Nattapong KITTISAK",
                    THA,
                    [
                        "Missing: pre-training assignment “School profile” (not accepted yet)",
                        "Survey not answered: “Pre survey”",
                    ],
                ),
                (
                    "Jiwoo LEE",
                    ROK,
                    ["Missing: pre-training assignment “School profile” (revision requested)"],
                ),
                (
                    "Sora PARK",
                    ROK,
                    [
                        "Missing: pre-training assignment “School profile” (not submitted)",
                        "Survey not answered: “Pre survey”",
                    ],
                ),
            ],
        ),
        (
            "Onsite Training Workshop",
            [
                (
                    "Jiwoo LEE",
                    ROK,
                    [
                        "Survey not answered: “Group reflection”",
                        "Attendance 25% of onsite sessions, 50% needed",
                    ],
                ),
                ("Sora PARK", ROK, ["Attendance 0% of onsite sessions, 50% needed"]),
            ],
        ),
        (
            "Online Post-Training",
            [
                (
                    "Nattapong KITTISAK",
                    THA,
                    ["Missing: post-training assignment “Change project plan” (not submitted)"],
                ),
                (
                    "Sora PARK",
                    ROK,
                    ["Missing: post-training assignment “Change project plan” (not submitted)"],
                ),
            ],
        ),
    ]


@pytest.mark.django_db
def test_attendance_per_session(world):
    board = insight.dashboard(world["cohort"])
    sessions = world["sessions"]
    found = [(r.session, r.meant, r.present, r.late, str(r.rate)) for r in board.sessions]
    assert found == [
        (sessions[0], 4, 3, 0, "75%"),
        (sessions[1], 4, 2, 0, "50%"),
        (sessions[2], 4, 0, 1, "25%"),
        (sessions[3], 4, 0, 0, "0%"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_survey_response_rates(world):
    board = insight.dashboard(world["cohort"])
    found = [
        (row.title, row.overall.attended, row.overall.total, str(row.overall))
        for row in board.surveys
    ]
    assert found == [
        ("Pre survey", 2, 4, "50%"),
        ("Group reflection", 1, 2, "50%"),
        ("Open survey", 1, 4, "25%"),
    ]
    assert [
        (name, [(r.attended, r.total, str(r)) for r in rates])
        for name, rates in board.survey_matrix
    ] == [
        (ROK, [(2, 3, "67%"), (1, 2, "50%"), (1, 3, "33%")]),
        (THA, [(0, 1, "0%"), (0, 0, "—"), (0, 1, "0%")]),
    ]


# -- The coordinator's figures ------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_figures_are_their_economy_only(world):
    rok = cf.economy("ROK")
    board = insight.dashboard(world["cohort"], [rok])
    assert board.funnel.totals == [5, 3, 3, 4, 3, 1, 1]
    economy, gender, _position, _level = board.funnel.breakdowns
    assert _rows(economy) == [(ROK, [5, 3, 3, 4, 3, 1, 1])]
    assert _rows(gender) == [
        ("Female", [2, 2, 2, 2, 1, 0, 0]),
        ("Male", [2, 1, 1, 1, 1, 1, 1]),
        ("Not given", [1, 0, 0, 1, 1, 0, 0]),
    ]
    names = {str(p.participant) for stage in board.behind for p in stage.people}
    assert names == {"Jiwoo LEE", "Sora PARK"}
    assert [(row.meant, row.present, row.late) for row in board.sessions] == [
        (3, 2, 0),
        (3, 1, 0),
        (3, 0, 1),
        (3, 0, 0),
    ]
    assert [(r.title, r.overall.attended, r.overall.total) for r in board.surveys] == [
        ("Pre survey", 2, 3),
        ("Group reflection", 1, 2),
        ("Open survey", 1, 3),
    ]
    assert [name for name, _rates in board.survey_matrix] == [ROK]


# -- Pages and who may see them -----------------------------------------------------------------


def _url(name, cohort, **kwargs):
    return reverse(f"assessments:{name}", kwargs={"slug": cohort.slug, **kwargs})


@pytest.mark.django_db
def test_who_sees_the_dashboard(client, world, people):
    cohort = world["cohort"]
    manage = _url("dashboard", cohort)
    coordinate = _url("coordinator_dashboard", cohort)
    manage_export = _url("dashboard_export", cohort, table="funnel")
    coordinate_export = _url("coordinator_dashboard_export", cohort, table="funnel")
    expected = {
        "organizer": (200, 200, 403, 403),
        "certificates": (200, 200, 403, 403),
        "organizer_y": (404, 404, 403, 403),
        "coordinator_a": (404, 404, 200, 200),
        "coordinator_b": (404, 404, 200, 200),
        "coordinator_y": (404, 404, 404, 404),
        "participant": (404, 404, 403, 403),
    }
    for who, statuses in expected.items():
        client.force_login(people[who])
        found = tuple(
            client.get(url).status_code
            for url in (manage, manage_export, coordinate, coordinate_export)
        )
        assert found == statuses, who
    client.logout()
    for url in (manage, manage_export, coordinate, coordinate_export):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={url}"


@pytest.mark.django_db
def test_posts_and_unknown_tables_are_refused(client, world, people):
    cohort = world["cohort"]
    client.force_login(people["organizer"])
    assert client.post(_url("dashboard", cohort)).status_code == 405
    assert client.get(_url("dashboard_export", cohort, table="nothing")).status_code == 404
    url = _url("dashboard_export", cohort, table="funnel")
    assert client.get(url, {"format": "pdf"}).status_code == 404
    client.force_login(people["coordinator_a"])
    assert client.post(_url("coordinator_dashboard", cohort)).status_code == 405
    assert ModelLogEntry.objects.filter(action="cohorts.export").count() == 0


@pytest.mark.django_db
def test_organizer_page(client, world, people):
    cohort = world["cohort"]
    client.force_login(people["organizer"])
    response = client.get(_url("dashboard", cohort))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    html = response.content.decode()
    for heading in ("Funnel", "Who is behind", "Attendance per session", "Survey response rates"):
        assert f">{heading}</h2>" in html
    assert html.count('data-chart="bar"') == 9
    for table in insight.TABLES:
        export = _url("dashboard_export", cohort, table=table)
        assert f'href="{export}?format=csv"' in html
        assert f'href="{export}?format=xlsx"' in html
    lee = world["lee"]
    link = _url("completion_participant", cohort, pk=lee.pk)
    assert f'<a href="{link}">Jiwoo LEE</a>' in html
    assert '<p id="behind-count">3 participants are behind in at least one stage.</p>' in html
    assert 'src="/static/js/insight.js"' in html
    # What changed for the participants: the cohort's pre/post comparison and the impact page.
    assert f'href="{_url("prepost", cohort)}"' in html
    assert 'href="/manage/impact/"' in html


@pytest.mark.django_db
def test_coordinator_page_shows_nothing_of_another_economy(client, world, people):
    cohort = world["cohort"]
    client.force_login(people["coordinator_a"])
    html = client.get(_url("coordinator_dashboard", cohort)).content.decode()
    assert ROK in html and "Jiwoo LEE" in html and "Sora PARK" in html
    for other in (THA, "Kittisak", "KITTISAK", "Nattapong", "No economy"):
        assert other not in html, other
    # Names are not links: coordinators do not open the completion pages (nor organizers' ones).
    assert "/completion/" not in html
    assert "/surveys/compare/" not in html and "/manage/impact/" not in html
    client.force_login(people["coordinator_b"])
    html = client.get(_url("coordinator_dashboard", cohort)).content.decode()
    assert "Nattapong KITTISAK" in html
    for other in (ROK, "LEE", "PARK", "Minjun"):
        assert other not in html, other


# -- Exports ------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.django_db
def test_exports_exact_rows_and_audit(client, world, people):
    cohort = world["cohort"]
    client.force_login(people["organizer"])

    def get(table, file_format="csv"):
        url = _url("dashboard_export", cohort, table=table)
        response = client.get(url, {"format": file_format})
        assert response.status_code == 200
        return response

    assert _csv(get("funnel")) == [["Stage", "Count"]] + [
        [label, str(n)] for label, n in zip(STAGE_LABELS, [10, 6, 6, 6, 4, 2, 1], strict=True)
    ]
    assert _csv(get("economy")) == [
        ["Economy", *STAGE_LABELS],
        [ROK, "5", "3", "3", "4", "3", "1", "1"],
        [THA, "4", "3", "3", "2", "1", "1", "0"],
        ["No economy", "1", "0", "0", "0", "0", "0", "0"],
    ]
    assert _csv(get("school-level"))[0] == ["School level", *STAGE_LABELS]
    assert _csv(get("behind")) == [
        ["Stage", "Family name", "Given names", "Economy", "Missing"],
        [
            "Online Pre-Training",
            "Kittisak",
            "Nattapong",
            THA,
            "Missing: pre-training assignment “School profile” (not accepted yet); "
            "Survey not answered: “Pre survey”",
        ],
        [
            "Online Pre-Training",
            "Lee",
            "Jiwoo",
            ROK,
            "Missing: pre-training assignment “School profile” (revision requested)",
        ],
        [
            "Online Pre-Training",
            "Park",
            "Sora",
            ROK,
            "Missing: pre-training assignment “School profile” (not submitted); "
            "Survey not answered: “Pre survey”",
        ],
        [
            "Onsite Training Workshop",
            "Lee",
            "Jiwoo",
            ROK,
            "Survey not answered: “Group reflection”; "
            "Attendance 25% of onsite sessions, 50% needed",
        ],
        [
            "Onsite Training Workshop",
            "Park",
            "Sora",
            ROK,
            "Attendance 0% of onsite sessions, 50% needed",
        ],
        [
            "Online Post-Training",
            "Kittisak",
            "Nattapong",
            THA,
            "Missing: post-training assignment “Change project plan” (not submitted)",
        ],
        [
            "Online Post-Training",
            "Park",
            "Sora",
            ROK,
            "Missing: post-training assignment “Change project plan” (not submitted)",
        ],
    ]
    sessions = world["sessions"]

    def label(session):
        start = timezone.localtime(session.starts_at, ZoneInfo("Asia/Seoul"))
        return f"{session.title} ({formats.date_format(start, 'SHORT_DATETIME_FORMAT')})"

    assert _csv(get("attendance")) == [
        ["Session", "Participants", "Present", "Late", "Attendance rate (%)"],
        [label(sessions[0]), "4", "3", "0", "75"],
        [label(sessions[1]), "4", "2", "0", "50"],
        [label(sessions[2]), "4", "0", "1", "25"],
        [label(sessions[3]), "4", "0", "0", "0"],
    ]
    assert _csv(get("surveys")) == [
        ["Survey", "Meant for", "Answered", "Response rate (%)"],
        ["Pre survey", "4", "2", "50"],
        ["Group reflection", "2", "1", "50"],
        ["Open survey", "4", "1", "25"],
    ]
    workbook = load_workbook(io.BytesIO(get("surveys-by-economy", "xlsx").content))
    sheet = workbook.active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Survey", "Economy", "Meant for", "Answered", "Response rate (%)"],
        ["Pre survey", ROK, "3", "2", "67"],
        ["Pre survey", THA, "1", "0", "0"],
        ["Group reflection", ROK, "2", "1", "50"],
        ["Group reflection", THA, "0", "0", None],
        ["Open survey", ROK, "3", "1", "33"],
        ["Open survey", THA, "1", "0", "0"],
    ]
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)
    entries = list(ModelLogEntry.objects.filter(action="cohorts.export").order_by("pk"))
    assert [(e.object_id, e.user_id) for e in entries] == [
        (str(cohort.pk), people["organizer"].pk)
    ] * 7
    found = [
        (e.data["what"], e.data["format"], e.data["rows"], e.data["economies"]) for e in entries
    ]
    assert found == [
        ("dashboard:funnel", "csv", 7, "all"),
        ("dashboard:economy", "csv", 3, "all"),
        ("dashboard:school-level", "csv", 4, "all"),
        ("dashboard:behind", "csv", 7, "all"),
        ("dashboard:attendance", "csv", 4, "all"),
        ("dashboard:surveys", "csv", 3, "all"),
        ("dashboard:surveys-by-economy", "xlsx", 6, "all"),
    ]  # fmt: skip


@pytest.mark.django_db
def test_coordinator_exports_hold_their_economy_only(client, world, people):
    cohort = world["cohort"]
    client.force_login(people["coordinator_a"])
    found = {}
    for table in insight.TABLES:
        url = _url("coordinator_dashboard_export", cohort, table=table)
        response = client.get(url, {"format": "csv"})
        assert response.status_code == 200, table
        found[table] = _csv(response)
        text = response.content.decode()
        for other in (THA, "Kittisak", "Nattapong", "No economy"):
            assert other not in text, (table, other)
    assert found["funnel"][1:] == [
        [label, str(n)] for label, n in zip(STAGE_LABELS, [5, 3, 3, 4, 3, 1, 1], strict=True)
    ]
    assert found["economy"][1:] == [[ROK, "5", "3", "3", "4", "3", "1", "1"]]
    assert [row[:3] for row in found["behind"][1:]] == [
        ["Online Pre-Training", "Lee", "Jiwoo"],
        ["Online Pre-Training", "Park", "Sora"],
        ["Onsite Training Workshop", "Lee", "Jiwoo"],
        ["Onsite Training Workshop", "Park", "Sora"],
        ["Online Post-Training", "Park", "Sora"],
    ]
    assert found["surveys-by-economy"][1:] == [
        ["Pre survey", ROK, "3", "2", "67"],
        ["Group reflection", ROK, "2", "1", "50"],
        ["Open survey", ROK, "3", "1", "33"],
    ]
    entry = ModelLogEntry.objects.filter(action="cohorts.export").order_by("pk").first()
    assert entry.user_id == people["coordinator_a"].pk
    assert entry.data["economies"] == ["ROK"]


# -- Queries ------------------------------------------------------------------------------------


def _grow(world, n):
    """``n`` more participants of each economy, each with attendance, work, an answer and a
    certificate, and ``n`` more applications of each economy."""
    cohort = world["cohort"]
    session = world["sessions"][0]
    profile = Assignment.objects.get(activity__title="School profile")
    for i in range(n):
        for code in ("ROK", "THA"):
            person = f.participant(
                cohort, f"grow{i}-{code}@example.org", economy_code=code, group=world["group"]
            )
            Attendance.objects.create(
                activity=session, participant=person, status=AttendanceStatus.PRESENT
            )
            Submission.objects.create(assignment=profile, participant=person)
            _answered(world["pre"], person)
            _certificate(person)
            cf.application(cohort, economy_code=code, gender="other")


def _queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_cohort(client, world, people):
    cohort = world["cohort"]
    rok = cf.economy("ROK")
    client.force_login(people["organizer"])
    page = _url("dashboard", cohort)
    export = _url("dashboard_export", cohort, table="behind")
    client.get(page)  # warm the caches shared by every page (site, menus)

    def measure():
        # A fresh cohort each time: nothing cached on it from an earlier call.
        return (
            _queries(lambda: insight.dashboard(Cohort.objects.get(pk=cohort.pk))),
            _queries(lambda: insight.dashboard(Cohort.objects.get(pk=cohort.pk), [rok])),
            _queries(lambda: client.get(page)),
            _queries(lambda: client.get(export)),
        )

    small = measure()
    _grow(world, 6)
    assert insight.dashboard(cohort).funnel.totals[4] == 16
    assert measure() == small
