"""The training demo (trainings.demo) on top of the cohorts demo: complete, consistent with the
cohorts' stage dates, bilingual, and the same after a second run."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.db import transaction
from django.utils import translation

from cohorts import demo as cohorts_demo
from cohorts.models import Application, ApplicationStatus, Cohort
from trainings import demo
from trainings.models import (
    DUE_KINDS,
    TIMED_KINDS,
    WORKSHOP_SESSION_KINDS,
    Activity,
    ActivityKind,
    ActivityTranslation,
    Attendance,
    AttendanceStatus,
    DisseminationEvidence,
    DisseminationReport,
    Participant,
    ParticipantGroup,
    ReportStatus,
    Speaker,
    SpeakerTranslation,
    Stage,
    StageTranslation,
    Venue,
    VenueTranslation,
)

# The demo is built once per module (a module-scoped fixture): keep the module's tests on
# one xdist worker so that only one of them builds it (make test uses --dist loadgroup).
pytestmark = pytest.mark.xdist_group("trainings-demo")

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
MODELS = [
    Stage,
    StageTranslation,
    Activity,
    ActivityTranslation,
    Speaker,
    SpeakerTranslation,
    Venue,
    VenueTranslation,
    ParticipantGroup,
    Participant,
    Attendance,
    DisseminationReport,
    DisseminationEvidence,
]


def load() -> str:
    out = io.StringIO()
    demo.load(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _demo_database(django_db_setup, django_db_blocker):
    """The cohorts and trainings demos, loaded once for this module and rolled back after its
    last test."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cohorts_demo.load(io.StringIO())
            output = load()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def output(_demo_database, db) -> str:
    return _demo_database


@pytest.fixture
def past(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2025")


@pytest.fixture
def current(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2026")


@pytest.fixture
def earlier(output) -> Cohort:
    return Cohort.objects.get(slug="aslp-2024")


# The finished cohorts: slug, participants, group sizes, dissemination reports.
FINISHED = [("aslp-2025", 30, [7, 7, 8, 8], 22), ("aslp-2024", 24, [6, 6, 6, 6], 16)]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def local_day(moment):
    return moment.astimezone(SEOUL).date()


def test_summary(output):
    assert output == (
        "Trainings: 6 speakers; ASLP 2025: 30 participants in 4 groups, 26 activities (21 "
        "workshop sessions over 4 days), 420 attendance records, 22 dissemination reports; "
        "ASLP 2026: 13 participants in 4 groups, 26 activities (21 workshop sessions over 4 "
        "days); ASLP 2024: 24 participants in 4 groups, 26 activities (21 workshop sessions "
        "over 4 days), 336 attendance records, 16 dissemination reports.\n"
    )


def test_every_confirmed_application_is_a_participant(past, current, earlier):
    for cohort in (past, current, earlier):
        confirmed = Application.objects.filter(cohort=cohort, status=ApplicationStatus.CONFIRMED)
        assert Participant.objects.filter(cohort=cohort).count() == confirmed.count()
    assert Participant.objects.filter(cohort=past).count() == 30
    assert Participant.objects.filter(cohort=earlier).count() == 24


@pytest.mark.parametrize("slug", ["aslp-2024", "aslp-2025", "aslp-2026"])
def test_stages_venue_and_workshop_follow_the_cohort(output, slug):
    cohort = Cohort.objects.get(slug=slug)
    stages = {stage.kind: stage for stage in Stage.objects.filter(cohort=cohort)}
    assert set(stages) == {"pre_training", "workshop", "post_training"}
    assert all(stage.description for stage in stages.values())
    sessions = Activity.objects.filter(stage__cohort=cohort, kind__in=WORKSHOP_SESSION_KINDS)
    assert {a.stage.kind for a in sessions} == {"workshop"}
    days = sorted({local_day(a.starts_at) for a in sessions})
    assert days == [cohort.workshop_starts + dt.timedelta(days=n) for n in range(4)]
    assert days[-1] <= cohort.workshop_ends
    assert {a.kind for a in sessions} == set(WORKSHOP_SESSION_KINDS)
    assert sessions.filter(kind=ActivityKind.LECTURE).count() == 3
    # A group activity for each of the four groups, three times.
    groups = list(ParticipantGroup.objects.filter(cohort=cohort))
    assert [g.name for g in groups] == ["Group A", "Group B", "Group C", "Group D"]
    group_sessions = sessions.filter(kind=ActivityKind.GROUP_ACTIVITY)
    assert group_sessions.count() == 12
    assert {a.group for a in group_sessions} == set(groups)
    kick_off = Activity.objects.get(
        stage__cohort=cohort, kind=ActivityKind.ONLINE_MEETING, title="Kick-off meeting"
    )
    assert local_day(kick_off.starts_at) == cohort.pre_training_starts
    assert kick_off.online_url.startswith("https://")
    for activity in Activity.objects.filter(stage__cohort=cohort):
        activity.full_clean()
        if activity.kind in DUE_KINDS:
            assert activity.due_at and not activity.starts_at
        if activity.kind in TIMED_KINDS:
            assert activity.starts_at < activity.ends_at
    venue = Venue.objects.get(cohort=cohort)
    assert (venue.name, venue.time_zone) == ("Haeundae Bay Convention Centre", "Asia/Seoul")
    assert "Busan" in venue.address and venue.map_url and venue.practical_information
    speakers = Speaker.objects.filter(activities__stage__cohort=cohort).distinct()
    assert speakers.count() == 6


def test_the_open_call_keeps_its_stages_in_2027_without_attendance(current):
    assert current.status == "open"
    assert current.workshop_starts.year >= 2027
    assert not Attendance.objects.filter(activity__stage__cohort=current).exists()
    assert not DisseminationReport.objects.filter(participant__cohort=current).exists()
    members = Participant.objects.filter(cohort=current)
    assert not members.filter(group__isnull=True).exists()


@pytest.mark.parametrize(("slug", "people", "sizes", "report_count"), FINISHED)
def test_groups_are_balanced_across_economies(output, slug, people, sizes, report_count):
    past = Cohort.objects.get(slug=slug)
    found = sorted(
        Participant.objects.filter(cohort=past, group__name=name).count()
        for name in ("Group A", "Group B", "Group C", "Group D")
    )
    assert found == sizes
    for group in ParticipantGroup.objects.filter(cohort=past):
        economies = set(
            group.members.values_list("application__economy__code", flat=True).distinct()
        )
        assert len(economies) >= 6, group.name


@pytest.mark.parametrize(("slug", "people", "sizes", "report_count"), FINISHED)
def test_attendance_for_every_session_of_the_finished_cohorts(
    output, slug, people, sizes, report_count
):
    past = Cohort.objects.get(slug=slug)
    participants = Participant.objects.filter(cohort=past)
    attended = Activity.objects.filter(
        stage__cohort=past, takes_attendance=True, kind__in=TIMED_KINDS
    )
    whole = attended.filter(group__isnull=True).count()
    per_group = attended.filter(group__isnull=False).count()
    assert (whole, per_group) == (11, 12)  # 2 online meetings, 9 sessions; 3 x 4 group ones
    expected = whole * people + 3 * people  # every group has its three sessions
    records = Attendance.objects.filter(activity__stage__cohort=past)
    assert records.count() == expected
    for activity in attended.filter(group__isnull=False):
        assert set(records.filter(activity=activity).values_list("participant", flat=True)) == set(
            participants.filter(group=activity.group).values_list("pk", flat=True)
        )
    statuses = {status: records.filter(status=status).count() for status in AttendanceStatus}
    assert statuses[AttendanceStatus.PRESENT] > 0.8 * expected
    assert all(statuses[s] > 0 for s in AttendanceStatus)


@pytest.mark.parametrize(("slug", "people", "sizes", "report_count"), FINISHED)
def test_dissemination_reports_with_pdf_evidence(output, slug, people, sizes, report_count):
    past = Cohort.objects.get(slug=slug)
    reports = DisseminationReport.objects.filter(participant__cohort=past)
    assert reports.count() == report_count
    assert reports.filter(status=ReportStatus.ACCEPTED).exclude(educators_reached=0).exists()
    assert {r.status for r in reports} == set(ReportStatus)
    for report in reports.filter(status__in=[ReportStatus.ACCEPTED, ReportStatus.RETURNED]):
        assert report.reviewed_by.email == "organizer@aslp.example.org"
        assert report.organizer_comment
    for report in reports:
        assert past.post_training_starts <= report.held_on <= past.post_training_ends
        assert report.educators_reached > 0
        assert local_day(report.created_at) == report.held_on + dt.timedelta(days=2)
        evidence = report.evidence.get()
        assert evidence.file.name.startswith(f"dissemination/{past.pk}/")
        assert not evidence.file.name.endswith(evidence.original_name)
        with evidence.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert evidence.size == len(content)


def test_titles_in_english_and_korean(past):
    keynote = Activity.objects.get(stage__cohort=past, kind=ActivityKind.KEYNOTE)
    with translation.override("en"):
        assert keynote.display_title == "Keynote: Leading schools for the future"
    with translation.override("ko"):
        assert keynote.display_title == "기조연설: 미래 학교를 이끄는 리더십"
        workshop = Stage.objects.get(cohort=past, kind="workshop")
        assert workshop.display_title == "부산 현지 워크숍"
    for activity in Activity.objects.filter(stage__cohort=past).prefetch_related("translations"):
        assert activity.translated("title", "ko") != activity.title
        assert activity.translated("description", "ko") != activity.description
    for stage in Stage.objects.filter(cohort=past):
        assert stage.translated("description", "ko") != stage.description
    for speaker in Speaker.objects.all():
        assert speaker.translated("bio", "ko") != speaker.bio
    venue = Venue.objects.get(cohort=past)
    assert venue.translated("name", "ko") == "해운대 베이 컨벤션센터"


def test_loading_again_creates_nothing(output, past):
    before = counts()
    first_attendance = Attendance.objects.filter(activity__stage__cohort=past).order_by("pk")
    snapshot = list(first_attendance.values_list("pk", "status"))
    again = load()
    assert counts() == before
    assert list(first_attendance.values_list("pk", "status")) == snapshot
    assert again == output


def test_load_demo_runs_the_trainings_demo_after_the_cohorts_demo():
    from aslp_site.core.management.commands.load_demo import DEMO_MODULES

    assert DEMO_MODULES.index("trainings.demo") == DEMO_MODULES.index("cohorts.demo") + 1
