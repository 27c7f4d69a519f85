"""Demo data for the training stages, on top of the cohorts demo (``cohorts.demo``).

``load(stdout)`` (called by ``manage.py load_demo`` after the cohorts demo) makes sure that:

* the confirmed applicants of the three demo cohorts are participants
  (``trainings.signals.ensure_participants``);
* every cohort has its three stages with descriptions, the workshop venue (a fictional
  convention centre in Busan), six speakers with biographies, four participant groups balanced
  across economies, a kick-off online meeting on the first day of the pre-training, a survey and
  an assignment, the four-day workshop programme with every kind of session (opening ceremony,
  keynote, lectures, panel, best-practice sharing, group activities for each group, a field trip
  to schools, closing ceremony), a post-training meeting and the dissemination task. The workshop
  days are the first four days of the cohort's workshop stage (read from the cohort);
* the finished cohorts, ASLP 2024 and ASLP 2025, have attendance for every session (mostly
  present, some late, excused or absent) and dissemination reports (submitted, accepted and
  returned ones) with a small PDF as evidence, stored privately like a real upload;
* ASLP 2026 (open call, stages in 2027) has no attendance yet.

Every title and description is in English with a Korean translation. Running it again creates
nothing new: set-up rows are brought back to their demo values, groups already given to
participants stay, and attendance and reports are only added where missing (a visitor's changes
stay). Random choices come from generators with fixed seeds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from aslp_site.accounts.models import User
from cohorts.demo import CURRENT_SLUG, EARLIER_SLUG, PAST_SLUG, pdf_document, staff_email
from cohorts.models import Cohort

from .models import (
    TIMED_KINDS,
    Activity,
    ActivityKind,
    ActivityTranslation,
    Attendance,
    AttendanceStatus,
    DisseminationEvidence,
    DisseminationKind,
    DisseminationReport,
    Participant,
    ParticipantGroup,
    ReportStatus,
    Speaker,
    SpeakerTranslation,
    Stage,
    StageKind,
    StageTranslation,
    Venue,
    VenueTranslation,
)
from .signals import ensure_participants

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
WORKSHOP_DAYS = 4
K = ActivityKind


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SEOUL)


# -- Venue ----------------------------------------------------------------------------------------

VENUE = {
    "name": "Haeundae Bay Convention Centre",
    "address": "30 Marine City 1-ro, Haeundae-gu\nBusan 48120\nRepublic of Korea",
    "map_url": "https://www.openstreetmap.org/?mlat=35.1566&mlon=129.1452#map=17/35.1566/129.1452",
    "time_zone": "Asia/Seoul",
    "practical_information": (
        "From Gimhae International Airport, take the light rail to Sasang and metro line 2 to "
        "Dongbaek station (exit 1), then walk ten minutes along the bay; a taxi takes about 45 "
        "minutes. Participants stay at the hotel next to the centre; breakfast and lunch are "
        "served in the centre's restaurant on the ground floor. Please bring your badge, a "
        "laptop or tablet, comfortable shoes for the school visits and a light jacket for the "
        "air-conditioned halls."
    ),
}
VENUE_KO = {
    "name": "해운대 베이 컨벤션센터",
    "address": "대한민국 부산광역시 해운대구 마린시티1로 30 (우 48120)",
    "practical_information": (
        "김해국제공항에서 경전철로 사상역까지 간 뒤 지하철 2호선으로 동백역(1번 출구)에서 내려 "
        "해변을 따라 10분 걸으면 됩니다. 택시로는 약 45분 걸립니다. 참가자는 센터 옆 호텔에 "
        "묵으며, 아침과 점심은 센터 1층 식당에서 제공됩니다. 배지, 노트북이나 태블릿, 학교 "
        "방문 때 신을 편한 신발, 냉방이 된 강당에서 입을 얇은 겉옷을 챙겨 오십시오."
    ),
}

# -- Speakers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerSpec:
    key: str
    name: str
    native_name: str
    affiliation: str
    bio: str
    affiliation_ko: str
    bio_ko: str


SPEAKERS = [
    SpeakerSpec(
        "kang",
        "Prof. Min-jun Kang",
        "강민준",
        "Professor of Educational Leadership, Busan National University of Education",
        "Min-jun Kang taught in primary schools for twelve years before researching how "
        "principals build collaborative school cultures. He advises the Busan Metropolitan "
        "Office of Education on leadership training.",
        "부산교육대학교 교육리더십 교수",
        "초등학교에서 12년간 가르친 뒤, 교장이 협력적인 학교 문화를 만드는 방법을 연구하고 "
        "있습니다. 부산광역시교육청의 리더십 연수 자문을 맡고 있습니다.",
    ),
    SpeakerSpec(
        "whitfield",
        "Dr. Helen Whitfield",
        "",
        "Director, Southern Cross Centre for School Leadership",
        "Helen Whitfield leads a centre that prepares new principals in rural and remote "
        "Australia. Her work looks at instructional leadership and at coaching for school "
        "leaders.",
        "서던크로스 학교리더십센터 소장",
        "호주 농어촌과 외딴 지역의 신임 교장을 양성하는 센터를 이끌고 있습니다. 수업 "
        "리더십과 학교 리더 코칭을 연구합니다.",
    ),
    SpeakerSpec(
        "wibisono",
        "Dr. Arif Wibisono",
        "",
        "Senior Lecturer, Nusantara Teachers' College",
        "Arif Wibisono trains school supervisors across Indonesia and has written on "
        "data-informed school improvement in large school systems.",
        "누산타라 교육대학 수석 강사",
        "인도네시아 전역의 장학사를 양성하며, 대규모 교육 체제에서 데이터에 기반한 학교 "
        "개선에 관한 글을 써 왔습니다.",
    ),
    SpeakerSpec(
        "tan",
        "Ms. Catherine Tan",
        "陈凯琳",
        "Principal, Riverside Secondary School, Singapore",
        "Catherine Tan has led two secondary schools and mentors newly appointed principals. "
        "Her school is known for teacher-led professional learning communities.",
        "싱가포르 리버사이드 중등학교 교장",
        "두 중등학교를 이끌었고 신임 교장의 멘토로 활동합니다. 그의 학교는 교사가 이끄는 "
        "전문적 학습공동체로 알려져 있습니다.",
    ),
    SpeakerSpec(
        "seo",
        "Dr. Eun-ji Seo",
        "서은지",
        "Senior Researcher, Busan Education Research Institute",
        "Eun-ji Seo studies digital transformation in schools and evaluates leadership "
        "programmes for the Busan education office.",
        "부산교육연구원 선임연구위원",
        "학교의 디지털 전환을 연구하며 부산 교육청의 리더십 프로그램을 평가합니다.",
    ),
    SpeakerSpec(
        "santos",
        "Mr. Rafael Santos",
        "",
        "Schools Division Superintendent, Department of Education, Philippines",
        "Rafael Santos oversees more than two hundred public schools and has led a programme "
        "that pairs new principals with experienced mentors.",
        "필리핀 교육부 학교 교육지원청 교육장",
        "200곳이 넘는 공립학교를 총괄하며, 신임 교장과 경험 많은 멘토를 짝지어 주는 "
        "프로그램을 이끌었습니다.",
    ),
]

# -- Stages ---------------------------------------------------------------------------------------

STAGE_TEXTS = {
    StageKind.PRE_TRAINING: (
        "Online pre-training: knowing your school",
        "Weekly online meetings and short tasks. Participants analyse their own school's "
        "situation and choose the change they want to lead.",
        "온라인 사전 연수: 우리 학교 알기",
        "매주 온라인 모임과 짧은 과제가 있습니다. 참가자는 자기 학교의 상황을 분석하고 이끌고 "
        "싶은 변화를 정합니다.",
    ),
    StageKind.WORKSHOP: (
        "Onsite workshop in Busan",
        "Four days of keynotes, lectures, panels and group work, with a day of visits to Busan "
        "schools.",
        "부산 현지 워크숍",
        "기조연설, 강의, 패널 토론, 모둠 활동으로 이루어진 나흘간의 연수이며, 하루는 부산의 "
        "학교를 방문합니다.",
    ),
    StageKind.POST_TRAINING: (
        "Online post-training: leading change at home",
        "Participants lead their change project at their own school, share what they learned "
        "with other educators and report on it.",
        "온라인 사후 연수: 우리 학교에서 변화 이끌기",
        "참가자는 자기 학교에서 변화 프로젝트를 이끌고, 배운 것을 다른 교육자와 나누며 그 "
        "결과를 보고합니다.",
    ),
}

# -- Activities -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A workshop session on day ``day`` (0-3) from ``start`` to ``end`` (Seoul time)."""

    day: int
    start: tuple[int, int]
    end: tuple[int, int]
    kind: str
    title: str
    description: str
    title_ko: str
    description_ko: str
    room: str = "Grand Hall"
    speakers: tuple[str, ...] = ()
    per_group: bool = False
    required: bool = True


GROUP_ROOMS = ["Room 301", "Room 302", "Room 303", "Room 304"]

SESSIONS = [
    Session(
        0,
        (9, 30),
        (10, 30),
        K.OPENING_CEREMONY,
        "Opening ceremony",
        "Welcome by the institute's director and the Busan education office; introduction of "
        "the participants and the programme.",
        "개회식",
        "연구원장과 부산광역시교육청의 환영사, 참가자와 프로그램 소개가 있습니다.",
    ),
    Session(
        0,
        (10, 45),
        (12, 0),
        K.KEYNOTE,
        "Keynote: Leading schools for the future",
        "What school leaders across the APEC region need to lead learning in a changing world.",
        "기조연설: 미래 학교를 이끄는 리더십",
        "변화하는 세계에서 배움을 이끌기 위해 APEC 지역의 학교 리더에게 필요한 것을 다룹니다.",
        speakers=("kang",),
    ),
    Session(
        0,
        (13, 30),
        (15, 0),
        K.LECTURE,
        "Lecture: Instructional leadership in practice",
        "How principals observe lessons, give feedback and build a shared picture of good "
        "teaching.",
        "강의: 실천하는 수업 리더십",
        "교장이 수업을 관찰하고 피드백을 주며 좋은 수업에 대한 공동의 그림을 만드는 방법을 "
        "다룹니다.",
        speakers=("whitfield",),
    ),
    Session(
        0,
        (15, 30),
        (17, 0),
        K.GROUP_ACTIVITY,
        "Group activity: Our schools' challenges",
        "Each group compares the school analyses from the pre-training and picks shared "
        "challenges.",
        "모둠 활동: 우리 학교의 과제",
        "모둠별로 사전 연수의 학교 분석을 비교하고 공동의 과제를 고릅니다.",
        per_group=True,
    ),
    Session(
        1,
        (9, 30),
        (11, 0),
        K.LECTURE,
        "Lecture: Using data for school improvement",
        "Reading attainment, attendance and survey data to decide what to change first.",
        "강의: 학교 개선을 위한 데이터 활용",
        "학업 성취, 출결, 설문 자료를 읽고 무엇부터 바꿀지 정하는 방법을 다룹니다.",
        speakers=("wibisono",),
    ),
    Session(
        1,
        (11, 15),
        (12, 30),
        K.PANEL,
        "Panel discussion: Principals as lead learners",
        "Three school and system leaders discuss how they keep learning and help their "
        "teachers learn.",
        "패널 토론: 함께 배우는 리더로서의 교장",
        "학교와 교육 행정의 리더 세 사람이 스스로 배우고 교사의 배움을 돕는 방법을 이야기합니다.",
        speakers=("tan", "seo", "santos"),
    ),
    Session(
        1,
        (14, 0),
        (16, 0),
        K.BEST_PRACTICE,
        "Best-practice sharing: Change that worked",
        "Participants from each economy present a change they led and what made it work.",
        "우수 사례 나눔: 성공한 변화",
        "경제체별 참가자가 자신이 이끈 변화와 그 성공 요인을 발표합니다.",
        room="Grand Hall and Room 301",
    ),
    Session(
        1,
        (16, 15),
        (17, 30),
        K.GROUP_ACTIVITY,
        "Group activity: Planning our change projects",
        "Each participant drafts a change project and gets feedback from the group.",
        "모둠 활동: 변화 프로젝트 계획",
        "참가자마다 변화 프로젝트의 초안을 쓰고 모둠의 피드백을 받습니다.",
        per_group=True,
    ),
    Session(
        2,
        (8, 30),
        (16, 30),
        K.FIELD_TRIP,
        "Field trip: Visits to Busan schools",
        "Visits to a primary, a middle and a high school in Busan: lesson observation, talks "
        "with principals and teachers, lunch at a school.",
        "현장 방문: 부산 학교 탐방",
        "부산의 초등학교, 중학교, 고등학교를 방문해 수업을 참관하고 교장, 교사와 대화하며 "
        "학교에서 점심을 먹습니다.",
        room="Buses leave from the main entrance",
    ),
    Session(
        3,
        (9, 30),
        (11, 0),
        K.LECTURE,
        "Lecture: Leading digital transformation",
        "Choosing and introducing digital tools with teachers, and looking after their "
        "wellbeing on the way.",
        "강의: 디지털 전환 이끌기",
        "교사와 함께 디지털 도구를 고르고 도입하는 방법, 그 과정에서 교사의 안녕을 돌보는 "
        "방법을 다룹니다.",
        speakers=("seo",),
    ),
    Session(
        3,
        (11, 15),
        (12, 30),
        K.GROUP_ACTIVITY,
        "Group activity: Presenting our projects",
        "Each group presents its members' change projects to another group.",
        "모둠 활동: 프로젝트 발표",
        "모둠별로 구성원의 변화 프로젝트를 다른 모둠에게 발표합니다.",
        per_group=True,
    ),
    Session(
        3,
        (14, 0),
        (15, 30),
        K.CLOSING_CEREMONY,
        "Closing ceremony",
        "Reflections from each group, certificates of attendance and farewell.",
        "폐회식",
        "모둠별 소감 발표, 수료증 수여, 작별 인사가 있습니다.",
    ),
]


@dataclass
class Plan:
    """What the demo adds to one cohort and what it finds there."""

    cohort: Cohort
    with_attendance: bool
    counts: Counter = field(default_factory=Counter)


# The demo cohorts and whether they have attendance and reports (the finished ones). ASLP 2024
# comes last so that a fresh database numbers the rows of 2025 and 2026 as before it existed.
COHORTS = ((PAST_SLUG, True), (CURRENT_SLUG, False), (EARLIER_SLUG, True))


def load(stdout) -> None:
    """The demo cohorts' training stages. Safe to run again."""
    slugs = [slug for slug, _with_attendance in COHORTS]
    cohorts = {c.slug: c for c in Cohort.objects.filter(slug__in=slugs)}
    if len(cohorts) < len(slugs):
        stdout.write("Trainings: the cohorts demo is missing; nothing loaded.\n")
        return
    with transaction.atomic():
        organizer = User.objects.filter(email=staff_email("organizer")).first()
        speakers = load_speakers()
        lines = []
        for slug, with_attendance in COHORTS:
            plan = Plan(cohorts[slug], with_attendance)
            load_cohort(plan, speakers, organizer)
            lines.append(summary(plan))
    stdout.write(f"Trainings: {len(speakers)} speakers; " + "; ".join(lines) + ".\n")


def summary(plan: Plan) -> str:
    cohort = plan.cohort
    activities = Activity.objects.filter(stage__cohort=cohort)
    sessions = activities.filter(kind__in=TIMED_KINDS - {K.ONLINE_MEETING})
    days = {timezone_date(a.starts_at) for a in sessions}
    text = (
        f"{cohort.title}: {Participant.objects.active().filter(cohort=cohort).count()} "
        f"participants in {cohort.participant_groups.count()} groups, "
        f"{activities.count()} activities ({sessions.count()} workshop sessions over "
        f"{len(days)} days)"
    )
    attendance = Attendance.objects.filter(activity__stage__cohort=cohort).count()
    reports = DisseminationReport.objects.filter(participant__cohort=cohort).count()
    if attendance or reports:
        text += f", {attendance} attendance records, {reports} dissemination reports"
    return text


def timezone_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SEOUL).date()


def load_speakers() -> dict[str, Speaker]:
    made = {}
    for spec in SPEAKERS:
        speaker = Speaker.objects.filter(name=spec.name).order_by("pk").first()
        values = {
            "native_name": spec.native_name,
            "affiliation": spec.affiliation,
            "bio": spec.bio,
        }
        if speaker is None:
            speaker = Speaker.objects.create(name=spec.name, **values)
        else:
            _update(speaker, values)
        SpeakerTranslation.objects.update_or_create(
            speaker=speaker,
            language_code="ko",
            defaults={"affiliation": spec.affiliation_ko, "bio": spec.bio_ko},
        )
        made[spec.key] = speaker
    return made


def _update(instance, values: dict) -> None:
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, values[name])
    if changed:
        instance.save(update_fields=changed)


def load_cohort(plan: Plan, speakers: dict[str, Speaker], organizer) -> None:
    cohort = plan.cohort
    ensure_participants(cohort)
    stages = load_stages(cohort)
    load_venue(cohort)
    groups = load_groups(cohort)
    activities = load_activities(cohort, stages, groups, speakers)
    if plan.with_attendance:
        load_attendance(cohort, activities, organizer)
        load_reports(cohort, organizer)


def load_stages(cohort: Cohort) -> dict[str, Stage]:
    stages = {}
    for kind, (title, description, title_ko, description_ko) in STAGE_TEXTS.items():
        stage, _created = Stage.objects.get_or_create(cohort=cohort, kind=kind)
        _update(stage, {"title": title, "description": description})
        StageTranslation.objects.update_or_create(
            stage=stage,
            language_code="ko",
            defaults={"title": title_ko, "description": description_ko},
        )
        stages[kind] = stage
    return stages


def load_venue(cohort: Cohort) -> Venue:
    venue, _created = Venue.objects.update_or_create(cohort=cohort, defaults=VENUE)
    VenueTranslation.objects.update_or_create(venue=venue, language_code="ko", defaults=VENUE_KO)
    return venue


GROUP_NAMES = ["Group A", "Group B", "Group C", "Group D"]


def load_groups(cohort: Cohort) -> list[ParticipantGroup]:
    """Four groups; participants without one are dealt out economy by economy (round robin
    over the participants ordered by economy), so every group gets a mix of economies."""
    groups = [
        ParticipantGroup.objects.get_or_create(
            cohort=cohort, name=name, defaults={"sort_order": index + 1}
        )[0]
        for index, name in enumerate(GROUP_NAMES)
    ]
    waiting = sorted(
        Participant.objects.active()
        .filter(cohort=cohort, group__isnull=True)
        .select_related("application__economy"),
        key=lambda p: (
            p.application.economy.code if p.application.economy_id else "",
            p.application.family_name,
            p.application.given_names,
            p.application_id,
        ),
    )
    sizes = Counter(
        Participant.objects.filter(cohort=cohort, group__in=groups).values_list(
            "group_id", flat=True
        )
    )
    for participant in waiting:
        # The smallest group, the first in order among equals: round robin when all start empty.
        group = min(groups, key=lambda g: (sizes[g.pk], g.sort_order))
        participant.group = group
        participant.save(update_fields=["group"])
        sizes[group.pk] += 1
    return groups


def _activity(stage: Stage, title: str, title_ko: str, description_ko: str, **values) -> Activity:
    speakers = values.pop("speakers", [])
    activity = Activity.objects.filter(stage=stage, title=title).order_by("pk").first()
    if activity is None:
        activity = Activity(stage=stage, title=title)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    ActivityTranslation.objects.update_or_create(
        activity=activity,
        language_code="ko",
        defaults={"title": title_ko, "description": description_ko},
    )
    activity.speakers.set(speakers)
    return activity


def load_activities(cohort, stages, groups, speakers) -> list[Activity]:
    made = []
    pre, workshop, post = (
        stages[StageKind.PRE_TRAINING],
        stages[StageKind.WORKSHOP],
        stages[StageKind.POST_TRAINING],
    )
    online = "https://meet.example.org/aslp-" + cohort.slug.rsplit("-", 1)[-1]
    defaults = {"room": "", "online_url": "", "group": None, "due_at": None}
    timed = {**defaults, "takes_attendance": True, "is_required": True}
    due = {
        **defaults,
        "starts_at": None,
        "ends_at": None,
        "takes_attendance": False,
        "is_required": True,
    }
    if cohort.pre_training_starts:
        kick_off = cohort.pre_training_starts
        made.append(
            _activity(
                pre,
                "Kick-off meeting",
                "사전 연수 시작 모임",
                "참가자와 운영진이 서로 인사하고 세 단계의 일정과 과제를 안내받습니다.",
                kind=K.ONLINE_MEETING,
                description=(
                    "Participants and organizers meet online; the three stages, their dates "
                    "and tasks are introduced."
                ),
                starts_at=at(kick_off, 19),
                ends_at=at(kick_off, 20, 30),
                **{**timed, "online_url": f"{online}-kick-off"},
            )
        )
        made.append(
            _activity(
                pre,
                "Needs survey",
                "연수 요구 조사",
                "학교의 상황과 연수에 바라는 점을 묻는 짧은 설문입니다.",
                kind=K.SURVEY,
                description="A short survey about your school and what you hope to learn.",
                **{**due, "due_at": at(kick_off + dt.timedelta(days=10), 23, 59)},
            )
        )
    if cohort.pre_training_ends:
        made.append(
            _activity(
                pre,
                "Assignment: School situation analysis",
                "과제: 학교 상황 분석",
                "자기 학교의 강점, 과제, 기회를 두 쪽 이내로 분석해 제출합니다.",
                kind=K.ASSIGNMENT,
                description=(
                    "Two pages on your school's strengths, challenges and opportunities, to "
                    "bring to the workshop."
                ),
                **{**due, "due_at": at(cohort.pre_training_ends, 23, 59)},
            )
        )
    if cohort.workshop_starts:
        for session in SESSIONS:
            day = cohort.workshop_starts + dt.timedelta(days=session.day)
            values = {
                **timed,
                "kind": session.kind,
                "description": session.description,
                "starts_at": at(day, *session.start),
                "ends_at": at(day, *session.end),
                "room": session.room,
                "is_required": session.required,
                "speakers": [speakers[key] for key in session.speakers],
            }
            if not session.per_group:
                made.append(
                    _activity(
                        workshop,
                        session.title,
                        session.title_ko,
                        session.description_ko,
                        **values,
                    )
                )
                continue
            for group, room in zip(groups, GROUP_ROOMS, strict=True):
                letter = group.name.rsplit(" ", 1)[-1]
                made.append(
                    _activity(
                        workshop,
                        f"{session.title} ({group.name})",
                        f"{session.title_ko} ({letter} 모둠)",
                        session.description_ko,
                        **{**values, "group": group, "room": room},
                    )
                )
    if cohort.post_training_starts:
        check_in = cohort.post_training_starts + dt.timedelta(days=28)
        made.append(
            _activity(
                post,
                "Post-training meeting: How are the projects going?",
                "사후 연수 모임: 프로젝트는 어떻게 되어 가나요?",
                "참가자가 변화 프로젝트의 진행 상황을 나누고 서로 조언합니다.",
                kind=K.ONLINE_MEETING,
                description="Participants share how their change projects are going and advise "
                "each other.",
                starts_at=at(check_in, 19),
                ends_at=at(check_in, 20, 30),
                **{**timed, "online_url": f"{online}-post"},
            )
        )
    if cohort.post_training_ends:
        made.append(
            _activity(
                post,
                "Dissemination: share what you learned",
                "확산 활동: 배운 것 나누기",
                "학교나 지역의 교육자에게 연수에서 배운 것을 나누고 그 활동을 보고합니다.",
                kind=K.DISSEMINATION,
                description=(
                    "Share what you learned with educators at your school or in your district "
                    "and report each activity with evidence."
                ),
                **{**due, "due_at": at(cohort.post_training_ends, 23, 59)},
            )
        )
    return made


# -- Attendance and reports (the finished cohorts) ---------------------------------------------


def attendance_status(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.86:
        return AttendanceStatus.PRESENT, ""
    if roll < 0.93:
        return AttendanceStatus.LATE, rng.choice(["Flight delayed", "Traffic", ""])
    if roll < 0.97:
        return AttendanceStatus.EXCUSED, rng.choice(["Unwell", "Meeting at home school"])
    return AttendanceStatus.ABSENT, ""


def load_attendance(cohort: Cohort, activities: list[Activity], organizer) -> int:
    """A record for every participant of every session taking attendance (the group's members
    for a group's session); existing records are left as they are."""
    participants = list(
        Participant.objects.active().filter(cohort=cohort).select_related("user").order_by("pk")
    )
    existing = set(
        Attendance.objects.filter(activity__stage__cohort=cohort).values_list(
            "activity_id", "participant_id"
        )
    )
    rows = []
    for activity in activities:
        if not (activity.takes_attendance and activity.kind in TIMED_KINDS):
            continue
        for participant in participants:
            if activity.group_id and participant.group_id != activity.group_id:
                continue
            if (activity.pk, participant.pk) in existing:
                continue
            rng = random.Random(f"attendance|{activity.title}|{participant.user.email}")
            status, note = attendance_status(rng)
            late = rng.randint(5, 25) if status == AttendanceStatus.LATE else 0
            rows.append(
                Attendance(
                    activity=activity,
                    participant=participant,
                    status=status,
                    note=note,
                    recorded_by=organizer,
                    recorded_at=activity.starts_at + dt.timedelta(minutes=late),
                )
            )
    Attendance.objects.bulk_create(rows)
    return len(rows)


REPORT_TEXTS = [
    (
        DisseminationKind.TRAINING,
        "Teachers of my school",
        "A two-hour training on lesson observation and feedback, based on the workshop's "
        "lecture on instructional leadership.",
        "우리 학교 교사",
        "워크숍의 수업 리더십 강의를 바탕으로 수업 관찰과 피드백에 관한 두 시간 연수를 열었습니다.",
    ),
    (
        DisseminationKind.MEETING,
        "Principals of my district",
        "A presentation at the district principals' meeting on the Busan school visits and "
        "what our schools could try.",
        "우리 지역 교장",
        "지역 교장 회의에서 부산 학교 방문과 우리 학교들이 시도해 볼 만한 것을 발표했습니다.",
    ),
    (
        DisseminationKind.LESSON,
        "Teachers and parents",
        "An open lesson followed by a discussion of the professional learning community we "
        "started after the workshop.",
        "교사와 학부모",
        "공개 수업을 한 뒤 워크숍 이후 시작한 전문적 학습공동체에 관해 이야기를 나눴습니다.",
    ),
    (
        DisseminationKind.PUBLICATION,
        "Readers of the regional education newsletter",
        "An article on using school data to choose improvement priorities.",
        "지역 교육 소식지 독자",
        "학교 데이터를 활용해 개선 우선순위를 정하는 방법에 관한 글을 실었습니다.",
    ),
]
RETURN_COMMENT = "Thank you. Please add the number of teachers who took part and an agenda."
ACCEPT_COMMENT = "Accepted, thank you for sharing."


def load_reports(cohort: Cohort, organizer) -> int:
    """Reports of two participants in three (accepted, submitted, returned), each with a PDF;
    a participant who already has a report is left alone."""
    if not cohort.post_training_starts:
        return 0
    participants = (
        Participant.objects.active()
        .filter(cohort=cohort, dissemination_reports__isnull=True)
        .select_related("user", "application")
        .order_by("pk")
    )
    made = 0
    for participant in participants:
        email = participant.user.email
        rng = random.Random(f"reports|{email}")
        if rng.random() < 0.34:
            continue
        korean = participant.language == "ko"
        for number in range(rng.choice([1, 1, 2])):
            kind, audience, text, audience_ko, text_ko = rng.choice(REPORT_TEXTS)
            held_on = cohort.post_training_starts + dt.timedelta(days=rng.randint(7, 60))
            status = rng.choices(
                [ReportStatus.ACCEPTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED],
                weights=[6, 3, 1],
            )[0]
            reviewed = status != ReportStatus.SUBMITTED
            report = DisseminationReport.objects.create(
                participant=participant,
                kind=kind,
                held_on=held_on,
                audience=audience_ko if korean else audience,
                educators_reached=rng.randint(8, 120),
                description=text_ko if korean else text,
                status=status,
                organizer_comment=(
                    ACCEPT_COMMENT if status == ReportStatus.ACCEPTED else RETURN_COMMENT
                )
                if reviewed
                else "",
                reviewed_by=organizer if reviewed else None,
                reviewed_at=at(held_on + dt.timedelta(days=5), 10) if reviewed else None,
            )
            evidence = attach_evidence(report, participant, number + 1, audience, text)
            # Submitted two days after the activity (not on the day the demo is loaded).
            submitted = at(held_on + dt.timedelta(days=2), 20)
            DisseminationReport.objects.filter(pk=report.pk).update(
                created_at=submitted, updated_at=report.reviewed_at or submitted
            )
            DisseminationEvidence.objects.filter(pk=evidence.pk).update(uploaded_at=submitted)
            made += 1
    return made


def attach_evidence(report, participant, number: int, audience: str, text: str):
    name = participant.application.display_name or participant.user.email
    content = pdf_document(
        f"Dissemination evidence {number}",
        [
            f"Participant: {name}",
            f"Date: {report.held_on:%Y-%m-%d}",
            f"Audience: {audience}",
            f"Educators reached: {report.educators_reached}",
            text[:90],
        ],
    )
    evidence = DisseminationEvidence(
        report=report,
        original_name=f"evidence-{number}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    evidence.file.save(evidence.original_name, ContentFile(content), save=False)
    evidence.save()
    return evidence
