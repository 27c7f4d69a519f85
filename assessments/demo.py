"""Demo data for assignments and surveys, on top of the trainings demo (``trainings.demo``).

``load(stdout)`` (called by ``manage.py load_demo`` after the trainings demo) makes sure that:

* the three demo cohorts have three assignments, each on an activity of kind assignment: "School
  situation analysis" (pre-training, individual, a text and a PDF; on the activity the trainings
  demo makes), "Change project plan" (pre-training, one per group) and "Change project report"
  (post-training, individual), with instructions and feedback criteria in English and Korean;
* every cohort has an anonymous pre-training survey and an anonymous post-training survey with
  the same competence self-assessment (two matrices, "Global competence" and "Digital literacy",
  four items each on a labelled 5-point scale) and a few other questions; the finished cohorts
  (ASLP 2024 and ASLP 2025) also have an identified satisfaction survey for the workshop;
* the finished cohorts have submissions in every state (submitted, revision requested, resubmitted
  as a second version, accepted with feedback and rubric scores, some late, some missing) with
  small PDFs stored privately like real uploads with their SHA-256, and answers from most
  participants (27 of 30 before, 25 of 30 after, 23 pairs in 2025; 21, 19 and 17 of 24 in
  2024) with seeded, mostly positive changes
  that differ by economy; responses, completions and pairing keys are stored as a real submit
  stores them (an anonymous response names nobody);
* the finished cohorts have completion rules with outcomes (two overrides by certificate staff
  in each) and a certificate template; ASLP 2024's certificates are issued (as a bulk issue
  without e-mails, speakers included), while ASLP 2025's are left for certificate staff to
  issue in the admin;
* ASLP 2026 (open call, stages in 2027) has the assignments and surveys ready, with no work and
  no answers.

Running it again creates nothing new: set-up rows are brought back to their demo values, and
submissions, responses and completions are only added where missing (a visitor's stay). Random
choices come from generators with fixed seeds.

The resource library (``load_library``) gets six topics named in English and Korean and, from
accepted "Change project report" submissions of ASLP 2025, two published resources (one written
in English with a Korean title and summary, one written in Korean with an English title and
summary; the reviews and the authors' consent recorded for the published content) and a third
still being prepared (content review passed, technical review and consent outstanding); from
ASLP 2024's, one published resource written in English.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation

from aslp_site.accounts.models import User
from cohorts.demo import CURRENT_SLUG, EARLIER_SLUG, PAST_SLUG, pdf_document, staff_email
from cohorts.models import Cohort
from trainings.demo import _activity, at
from trainings.models import Activity, ActivityKind, Participant, ParticipantGroup, StageKind

from .demo_certificates import issue_all, load_template
from .keys import pairing_key
from .models import (
    Assignment,
    AssignmentCriterion,
    AssignmentTranslation,
    ConsentState,
    Feedback,
    QuestionKind,
    Resource,
    ResourceStatus,
    ResourceTopic,
    ResourceTopicTranslation,
    ResourceTranslation,
    ReviewOutcome,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
    Survey,
    SurveyAnswer,
    SurveyCompletion,
    SurveyPurpose,
    SurveyQuestion,
    SurveyQuestionTranslation,
    SurveyResponse,
    SurveySection,
    SurveySectionTranslation,
    SurveyTranslation,
)
from .submissions import fingerprint
from .surveys import mix

K = ActivityKind
S = SubmissionStatus
Q = QuestionKind

# -- Assignments ----------------------------------------------------------------------------------

# The trainings demo's pre-training assignment activity, used for the school analysis.
SCHOOL_ACTIVITY = "Assignment: School situation analysis"


@dataclass(frozen=True)
class AssignmentSpec:
    key: str
    stage: str
    title: str  # the activity's title
    title_ko: str
    description: str
    description_ko: str
    instructions: str
    instructions_ko: str
    per_group: bool
    accepts_text: bool
    criteria: tuple[tuple[str, str, str, str], ...]  # title, 1 means, 3 means, 5 means
    # How the past cohort's owners are dealt out (counts, in this order; the rest accepted).
    plan: tuple[tuple[str, int], ...]
    late: tuple[int, ...]  # positions (in the dealt order) whose first version is late


ASSIGNMENTS = [
    AssignmentSpec(
        "school",
        StageKind.PRE_TRAINING,
        SCHOOL_ACTIVITY,
        "과제: 학교 상황 분석",
        "Two pages on your school's strengths, challenges and opportunities, to bring to the "
        "workshop.",
        "자기 학교의 강점, 과제, 기회를 두 쪽 이내로 분석해 제출합니다.",
        "Describe your school in two pages: its pupils, staff and community, what it does "
        "well, its main challenges and one opportunity for change. Write a short summary in "
        "the text box and upload the full profile as a PDF.",
        "학생, 교직원, 지역사회, 학교가 잘하는 것, 주요 과제, 변화의 기회 하나를 두 쪽으로 "
        "설명하십시오. 글 상자에 짧은 요약을 쓰고 전체 분석은 PDF로 올리십시오.",
        per_group=False,
        accepts_text=True,
        criteria=(
            (
                "Use of evidence",
                "Opinions only",
                "Some figures, not always explained",
                "Clear data that supports each point",
            ),
            (
                "Analysis of challenges",
                "Challenges only listed",
                "Causes discussed for some challenges",
                "Causes and effects analysed for each challenge",
            ),
            (
                "Clarity",
                "Hard to follow",
                "Mostly clear",
                "Clear, well organised and concise",
            ),
        ),
        plan=(("missing", 2), ("revision", 2), ("resubmitted", 2), ("submitted", 2)),
        late=(9, 16, 23),
    ),
    AssignmentSpec(
        "plan",
        StageKind.PRE_TRAINING,
        "Assignment: Change project plan",
        "과제: 변화 프로젝트 계획",
        "Each group drafts a plan for one shared change project and sends it once for all its "
        "members.",
        "모둠마다 공동 변화 프로젝트 하나의 계획을 세워 모둠을 대표해 한 번 제출합니다.",
        "With your group, choose one change that several of your schools need and plan it: "
        "the goal, the steps, who takes part, the time line and how you will know it worked. "
        "Any member may send the plan as a PDF for the whole group.",
        "모둠원과 함께 여러 학교에 필요한 변화 하나를 골라 목표, 단계, 참여자, 일정, 성과 "
        "확인 방법을 계획하십시오. 모둠원 누구나 모둠을 대표해 계획서를 PDF로 제출할 수 "
        "있습니다.",
        per_group=True,
        accepts_text=False,
        criteria=(
            (
                "Clear goal",
                "No measurable goal",
                "A goal that is partly measurable",
                "A clear, measurable goal",
            ),
            (
                "Feasible steps",
                "Steps missing",
                "Steps without a time line",
                "Realistic steps with a time line and roles",
            ),
        ),
        plan=(("resubmitted", 1),),
        late=(1,),
    ),
    AssignmentSpec(
        "report",
        StageKind.POST_TRAINING,
        "Assignment: Change project report",
        "과제: 변화 프로젝트 보고서",
        "A report on the change project you led at your school after the workshop.",
        "워크숍 이후 자기 학교에서 이끈 변화 프로젝트에 관한 보고서입니다.",
        "Report on the change project you led: what you did, who took part, what changed "
        "for teachers and pupils, and what you would do differently. Summarise it in the text "
        "box and upload the report (up to five pages) as a PDF.",
        "이끈 변화 프로젝트에 관해 무엇을 했는지, 누가 참여했는지, 교사와 학생에게 무엇이 "
        "달라졌는지, 다시 한다면 무엇을 다르게 할지 보고하십시오. 글 상자에 요약하고 "
        "보고서(다섯 쪽 이내)를 PDF로 올리십시오.",
        per_group=False,
        accepts_text=True,
        criteria=(
            (
                "Results",
                "No results described",
                "Results described without evidence",
                "Results shown with evidence",
            ),
            (
                "Reflection",
                "No reflection",
                "Some lessons drawn",
                "Thoughtful lessons for the next steps",
            ),
        ),
        plan=(("missing", 3), ("revision", 1), ("resubmitted", 1), ("submitted", 3)),
        late=(10, 20),
    ),
]
# Of the owners who are accepted, this many had to revise first (first ones in the dealt order).
REVISED_ACCEPTED = {"school": 6, "plan": 1, "report": 4}

CRITERIA_KO = {
    "Use of evidence": "근거 활용",
    "Analysis of challenges": "과제 분석",
    "Clarity": "명료성",
    "Clear goal": "명확한 목표",
    "Feasible steps": "실행 가능한 단계",
    "Results": "성과",
    "Reflection": "성찰",
}

REVISION_COMMENTS = [
    "Thank you. Please add figures (attendance, results or survey data) to support the "
    "challenges you describe, and say which one you will work on first.",
    "A good start. The goal is still broad: please make it measurable and add who is "
    "responsible for each step.",
    "Please explain the causes of the main challenge in more detail and shorten the "
    "description of the school.",
]
ACCEPT_COMMENTS = [
    "Accepted. A clear and well-supported analysis; we look forward to discussing it in Busan.",
    "Accepted, thank you. Your use of data is a good example for the group.",
    "Accepted. Well organised; think about how teachers will be involved from the start.",
]
SUMMARIES = [
    "Our school serves {pupils} pupils in a growing district. Teachers are committed but "
    "work alone; we want to build a culture of shared lesson planning.",
    "A rural school of {pupils} pupils with many new teachers. Reading results fell last "
    "year; the opportunity is a mentoring scheme for new staff.",
    "An urban school of {pupils} pupils. Attendance is good, but pupils use digital tools "
    "little in class; we want to support teachers in using them well.",
    "A school of {pupils} pupils with a strong parents' association. We want to use our "
    "assessment data better to choose what to improve first.",
]
REVISION_NOTE = "Second version: figures added and the first priority stated, as asked."


# -- Surveys --------------------------------------------------------------------------------------

LIKERT = [
    (1, "Strongly disagree", "전혀 그렇지 않다"),
    (2, "Disagree", "그렇지 않다"),
    (3, "Neither agree nor disagree", "보통이다"),
    (4, "Agree", "그렇다"),
    (5, "Strongly agree", "매우 그렇다"),
]
GLOBAL_ITEMS = [
    (
        "cultures",
        "I understand how schools work in other APEC economies.",
        "다른 APEC 경제체의 학교가 어떻게 운영되는지 이해한다.",
    ),
    (
        "issues",
        "I can explain global issues that matter for my pupils.",
        "학생에게 중요한 세계적 쟁점을 설명할 수 있다.",
    ),
    (
        "perspectives",
        "I consider other perspectives when I make decisions for my school.",
        "학교의 일을 결정할 때 다른 관점을 고려한다.",
    ),
    (
        "collaboration",
        "I can work with school leaders from other economies.",
        "다른 경제체의 학교 리더와 협력할 수 있다.",
    ),
]
DIGITAL_ITEMS = [
    (
        "tools",
        "I choose digital tools that suit my school's needs.",
        "우리 학교의 필요에 맞는 디지털 도구를 고른다.",
    ),
    (
        "data",
        "I use data to make decisions about teaching and learning.",
        "교수·학습에 관한 결정을 할 때 데이터를 활용한다.",
    ),
    (
        "safety",
        "I can lead policies for the safe and responsible use of technology.",
        "기술의 안전하고 책임 있는 사용에 관한 방침을 이끌 수 있다.",
    ),
    (
        "support",
        "I can support teachers in using technology in their lessons.",
        "교사가 수업에서 기술을 활용하도록 지원할 수 있다.",
    ),
]
OBSERVE_OPTIONS = [
    ("weekly", "Every week", "매주"),
    ("monthly", "Every month", "매달"),
    ("term", "Once a term", "학기에 한 번"),
    ("rarely", "Rarely", "거의 하지 않음"),
]
PRACTICE_OPTIONS = [
    ("plc", "Professional learning communities", "전문적 학습공동체"),
    ("lesson-study", "Lesson study", "수업 연구"),
    ("data", "Regular use of pupil data", "학생 자료의 정기적 활용"),
    ("mentoring", "Mentoring for new teachers", "신규 교사 멘토링"),
    ("parents", "Regular meetings with parents", "학부모와의 정기 모임"),
]
BEST_PART_OPTIONS = [
    ("keynote", "Keynote and lectures", "기조연설과 강의"),
    ("visits", "School visits", "학교 방문"),
    ("groups", "Group activities", "모둠 활동"),
    ("sharing", "Best-practice sharing", "우수 사례 나눔"),
]
KEEP_OPTIONS = [
    ("panel", "The panel discussion", "패널 토론"),
    ("visits", "The school visits", "학교 방문"),
    ("groups", "Working in mixed groups", "여러 경제체가 섞인 모둠 활동"),
    ("venue", "The venue and hotel", "연수 장소와 호텔"),
]


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    text_ko: str
    help_text: str = ""
    help_text_ko: str = ""
    required: bool = True
    competence_key: str = ""
    items: tuple = ()
    options: tuple = ()
    labels: tuple = ()


@dataclass(frozen=True)
class SectionSpec:
    title: str
    title_ko: str
    description: str
    description_ko: str
    questions: tuple[QuestionSpec, ...]


def _competence_sections() -> list[SectionSpec]:
    return [
        SectionSpec(
            "Global competence",
            "글로벌 역량",
            "How far do you agree with each statement today?",
            "오늘 현재 각 문장에 어느 정도 동의하십니까?",
            (
                QuestionSpec(
                    Q.MATRIX,
                    "Global competence",
                    "글로벌 역량",
                    competence_key="global",
                    items=tuple(GLOBAL_ITEMS),
                    labels=tuple(LIKERT),
                ),
            ),
        ),
        SectionSpec(
            "Digital literacy",
            "디지털 리터러시",
            "How far do you agree with each statement today?",
            "오늘 현재 각 문장에 어느 정도 동의하십니까?",
            (
                QuestionSpec(
                    Q.MATRIX,
                    "Digital literacy",
                    "디지털 리터러시",
                    competence_key="digital",
                    items=tuple(DIGITAL_ITEMS),
                    labels=tuple(LIKERT),
                ),
            ),
        ),
        SectionSpec(
            "Your leadership",
            "나의 리더십",
            "A few questions about your work as a school leader.",
            "학교 리더로서의 일에 관한 몇 가지 질문입니다.",
            (
                QuestionSpec(
                    Q.RATING,
                    "How confident are you in leading change at your school?",
                    "학교에서 변화를 이끄는 데 얼마나 자신이 있습니까?",
                    help_text="0 means not at all, 10 means completely.",
                    help_text_ko="0은 전혀 아니다, 10은 매우 그렇다를 뜻합니다.",
                    competence_key="confidence",
                ),
                QuestionSpec(
                    Q.SINGLE,
                    "How often do you observe lessons?",
                    "수업을 얼마나 자주 참관하십니까?",
                    options=tuple(OBSERVE_OPTIONS),
                ),
                QuestionSpec(
                    Q.MULTIPLE,
                    "Which of these practices does your school use?",
                    "학교에서 다음 중 어떤 활동을 하고 있습니까?",
                    help_text="Choose all that apply.",
                    help_text_ko="해당하는 것을 모두 고르십시오.",
                    options=tuple(PRACTICE_OPTIONS),
                ),
                QuestionSpec(
                    Q.SHORT_TEXT,
                    "In one sentence, what change do you want to lead?",
                    "이끌고 싶은 변화를 한 문장으로 적어 주십시오.",
                ),
                QuestionSpec(
                    Q.LONG_TEXT,
                    "What would help you most in leading it?",
                    "그 변화를 이끄는 데 무엇이 가장 도움이 되겠습니까?",
                    required=False,
                ),
            ),
        ),
    ]


def _satisfaction_sections() -> list[SectionSpec]:
    return [
        SectionSpec(
            "The workshop",
            "워크숍",
            "Tell us what you thought of the four days in Busan.",
            "부산에서의 나흘에 대한 생각을 알려 주십시오.",
            (
                QuestionSpec(
                    Q.RATING,
                    "Overall, how satisfied are you with the workshop?",
                    "워크숍에 전반적으로 얼마나 만족하십니까?",
                    help_text="0 means not at all, 10 means completely.",
                    help_text_ko="0은 전혀 아니다, 10은 매우 그렇다를 뜻합니다.",
                ),
                QuestionSpec(
                    Q.LIKERT,
                    "The workshop was useful for my work.",
                    "워크숍은 나의 업무에 유용했다.",
                    labels=tuple(LIKERT),
                ),
                QuestionSpec(
                    Q.SINGLE,
                    "Which part helped you most?",
                    "어떤 부분이 가장 도움이 되었습니까?",
                    options=tuple(BEST_PART_OPTIONS),
                ),
                QuestionSpec(
                    Q.MULTIPLE,
                    "What should we keep next year?",
                    "내년에도 유지해야 할 것은 무엇입니까?",
                    help_text="Choose all that apply.",
                    help_text_ko="해당하는 것을 모두 고르십시오.",
                    options=tuple(KEEP_OPTIONS),
                ),
                QuestionSpec(
                    Q.LONG_TEXT,
                    "Any other comments?",
                    "그 밖에 하실 말씀이 있으십니까?",
                    required=False,
                ),
            ),
        ),
    ]


@dataclass(frozen=True)
class SurveySpec:
    purpose: str
    stage: str
    activity: str  # title of the survey activity
    activity_ko: str
    activity_description: str
    activity_description_ko: str
    title: str
    title_ko: str
    introduction: str
    introduction_ko: str
    anonymous: bool
    finished_only: bool = False


SURVEYS = [
    SurveySpec(
        SurveyPurpose.PRE,
        StageKind.PRE_TRAINING,
        "Needs survey",  # made by the trainings demo
        "연수 요구 조사",
        "A short survey about your school and what you hope to learn.",
        "학교의 상황과 연수에 바라는 점을 묻는 짧은 설문입니다.",
        "Pre-training survey: where you start",
        "사전 설문: 출발점 점검",
        "Your answers are anonymous: nobody, organizers included, can see who answered what. "
        "You will answer the same questions after the programme so that we can see what "
        "changed.",
        "응답은 익명이며 운영진을 포함해 누구도 누가 어떻게 답했는지 알 수 없습니다. 연수가 "
        "끝난 뒤 같은 질문에 다시 답하여 무엇이 달라졌는지 확인합니다.",
        anonymous=True,
    ),
    SurveySpec(
        SurveyPurpose.POST,
        StageKind.POST_TRAINING,
        "Post-training survey",
        "사후 설문",
        "The same questions as before the programme, to see what changed.",
        "연수 전과 같은 질문으로 무엇이 달라졌는지 확인합니다.",
        "Post-training survey: where you are now",
        "사후 설문: 지금의 나",
        "Your answers are anonymous. These are the questions you answered before the "
        "programme; answer them as things are today.",
        "응답은 익명입니다. 연수 전에 답한 질문과 같으니 오늘의 상황에 맞게 답해 주십시오.",
        anonymous=True,
    ),
    SurveySpec(
        SurveyPurpose.SATISFACTION,
        StageKind.WORKSHOP,
        "Workshop satisfaction survey",
        "워크숍 만족도 조사",
        "Tell us what worked and what to improve.",
        "좋았던 점과 개선할 점을 알려 주십시오.",
        "Workshop satisfaction survey",
        "워크숍 만족도 조사",
        "Your name is kept with your answers so that we can follow up on your comments.",
        "의견에 후속 조치를 할 수 있도록 응답과 함께 이름이 기록됩니다.",
        anonymous=False,
        finished_only=True,
    ),
]

# -- Loading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    """What the demo adds to a cohort beyond the set-up."""

    slug: str
    finished: bool  # submissions, answers, library, completion, certificate template
    issued: bool  # certificates issued


# ASLP 2024 comes last so that a fresh database numbers the rows of 2025 and 2026 as before it
# existed (seeds depend on some of those numbers).
COHORTS = (
    Work(PAST_SLUG, finished=True, issued=False),
    Work(CURRENT_SLUG, finished=False, issued=False),
    Work(EARLIER_SLUG, finished=True, issued=True),
)


def load(stdout) -> None:
    """The demo cohorts' assignments, surveys and outcomes. Safe to run again."""
    slugs = [work.slug for work in COHORTS]
    cohorts = {c.slug: c for c in Cohort.objects.filter(slug__in=slugs)}
    if len(cohorts) < len(slugs):
        stdout.write("Assessments: the cohorts demo is missing; nothing loaded.\n")
        return
    with transaction.atomic():
        organizer = User.objects.filter(email=staff_email("organizer")).first()
        lines = []
        for work in COHORTS:
            cohort = cohorts[work.slug]
            assignments = load_assignments(cohort)
            surveys = load_surveys(cohort, with_satisfaction=work.finished)
            parts = []
            if work.finished:
                for spec, assignment in assignments:
                    load_submissions(spec, assignment, organizer)
                load_answers(cohort, surveys)
                parts.append(load_library(cohort, organizer))
                parts.append(load_completion(cohort))
                parts.append(load_template(cohort))
                if work.issued:
                    parts.append(issue_all(cohort))
            lines.append(", ".join([summary(cohort), *parts]))
    stdout.write("Assessments: " + "; ".join(lines) + ".\n")


def summary(cohort: Cohort) -> str:
    assignments = Assignment.objects.filter(activity__stage__cohort=cohort).count()
    surveys = Survey.objects.filter(cohort=cohort).count()
    submissions = Submission.objects.filter(assignment__activity__stage__cohort=cohort).count()
    responses = SurveyResponse.objects.filter(survey__cohort=cohort).count()
    return (
        f"{cohort.title}: {assignments} assignments with {submissions} submissions, "
        f"{surveys} surveys with {responses} responses"
    )


def _stage(cohort: Cohort, kind: str):
    return cohort.stages.filter(kind=kind).first()


def _due(cohort: Cohort, spec: AssignmentSpec) -> dt.datetime | None:
    if spec.key == "school":
        day = cohort.pre_training_ends
    elif spec.key == "plan":
        day = cohort.pre_training_ends and cohort.pre_training_ends - dt.timedelta(days=10)
    else:
        day = cohort.post_training_ends and cohort.post_training_ends - dt.timedelta(days=14)
    return at(day, 23, 59) if day else None


def _due_activity(stage, kind, due, title, title_ko, description, description_ko):
    """A required activity done by a due moment (an assignment or a survey), without a time,
    room, link or attendance."""
    return _activity(
        stage,
        title,
        title_ko,
        description_ko,
        kind=kind,
        description=description,
        starts_at=None,
        ends_at=None,
        room="",
        online_url="",
        group=None,
        takes_attendance=False,
        is_required=True,
        due_at=due,
    )


def load_assignments(cohort: Cohort) -> list[tuple[AssignmentSpec, Assignment]]:
    made = []
    for spec in ASSIGNMENTS:
        stage = _stage(cohort, spec.stage)
        due = _due(cohort, spec)
        if stage is None or due is None:
            continue
        activity = _due_activity(
            stage,
            K.ASSIGNMENT,
            due,
            spec.title,
            spec.title_ko,
            spec.description,
            spec.description_ko,
        )
        assignment, _created = Assignment.objects.update_or_create(
            activity=activity,
            defaults={
                "instructions": spec.instructions,
                "accepts_text": spec.accepts_text,
                "accepts_files": True,
                "file_kinds": ["pdf", "docx", "odt"],
                "max_file_mb": 10,
                "max_files": 3,
                "per_group": spec.per_group,
                "can_be_published": spec.key == "report",
            },
        )
        AssignmentTranslation.objects.update_or_create(
            assignment=assignment,
            language_code="ko",
            defaults={"instructions": spec.instructions_ko},
        )
        for order, (title, one, three, five) in enumerate(spec.criteria, start=1):
            AssignmentCriterion.objects.update_or_create(
                assignment=assignment,
                title=title,
                defaults={"level_1": one, "level_3": three, "level_5": five, "sort_order": order},
            )
        made.append((spec, assignment))
    return made


def _states(spec: AssignmentSpec, count: int) -> list[str]:
    """The state of each owner, in the dealt order: the plan's counts, then accepted ones of
    which the first few revised once."""
    states = [state for state, number in spec.plan for _ in range(number)]
    states = states[:count]
    rest = count - len(states)
    revised = min(REVISED_ACCEPTED[spec.key], rest)
    return states + ["revised_accepted"] * revised + ["accepted"] * (rest - revised)


def load_submissions(spec: AssignmentSpec, assignment: Assignment, organizer) -> int:
    """Submissions of the finished cohort; an owner who already has one is left alone."""
    cohort = assignment.cohort
    if spec.per_group:
        owners = list(ParticipantGroup.objects.filter(cohort=cohort).order_by("sort_order", "pk"))
    else:
        owners = list(
            Participant.objects.active()
            .filter(cohort=cohort)
            .select_related("user", "application")
            .order_by("user__email")
        )
        random.Random(f"assessments|{spec.key}").shuffle(owners)
    field = "group" if spec.per_group else "participant"
    existing = set(
        Submission.objects.filter(assignment=assignment).values_list(f"{field}_id", flat=True)
    )
    made = 0
    for position, (owner, state) in enumerate(zip(owners, _states(spec, len(owners)), strict=True)):
        if state == "missing" or owner.pk in existing:
            continue
        _submission(spec, assignment, owner, state, position in spec.late, organizer)
        made += 1
    return made


def _member(owner):
    """The person who sends: the participant, or a group's first member."""
    if isinstance(owner, Participant):
        return owner
    return (
        Participant.objects.active()
        .filter(group=owner)
        .select_related("user", "application")
        .order_by("user__email")
        .first()
    )


def _submission(spec, assignment, owner, state, late, organizer) -> Submission:
    rng = random.Random(f"assessments|{spec.key}|{owner.pk}|{getattr(owner, 'name', '')}")
    sender = _member(owner)
    due = assignment.activity.due_at
    versions = 2 if state in {"resubmitted", "revised_accepted"} else 1
    # Work that is sent back is sent early enough for the second version to be on time too.
    early = 14 if state in {"revision", "resubmitted", "revised_accepted"} else 1
    first_at = (
        due + dt.timedelta(hours=rng.randint(2, 40))
        if late
        else due - dt.timedelta(days=rng.randint(early, early + 6), hours=rng.randint(0, 12))
    )
    owner_field = {"group": owner} if spec.per_group else {"participant": owner}
    submission = Submission.objects.create(assignment=assignment, **owner_field)
    criteria = list(assignment.criteria.all())
    moment = first_at
    for number in range(1, versions + 1):
        version = _version(spec, submission, number, sender, moment, due, rng)
        reviewed_at = moment + dt.timedelta(days=3, hours=rng.randint(0, 6))
        if number == 1 and state in {"revision", "resubmitted", "revised_accepted"}:
            _feedback(submission, version, organizer, S.REVISION_REQUESTED, reviewed_at, rng)
            moment = reviewed_at + dt.timedelta(days=rng.randint(3, 6))
        elif state in {"accepted", "revised_accepted"}:
            scores = {str(c.pk): rng.choice([3, 4, 4, 5, 5]) for c in criteria}
            _feedback(submission, version, organizer, S.ACCEPTED, reviewed_at, rng, scores)
    status = {
        "submitted": S.SUBMITTED,
        "resubmitted": S.SUBMITTED,
        "revision": S.REVISION_REQUESTED,
    }.get(state, S.ACCEPTED)
    sent = list(submission.versions.order_by("number"))
    Submission.objects.filter(pk=submission.pk).update(
        status=status,
        version_count=versions,
        last_submitted_at=sent[-1].submitted_at,
        # As assessments.submissions.submit: late only while no version was on time.
        is_late=all(version.is_late for version in sent),
        created_at=first_at,
    )
    return submission


def _version(spec, submission, number, sender, moment, due, rng) -> SubmissionVersion:
    participant = sender
    name = participant.application.display_name if participant else ""
    text = ""
    if spec.accepts_text:
        text = rng.choice(SUMMARIES).format(pupils=rng.randrange(180, 1400, 10))
        if number > 1:
            text = f"{text}\n\n{REVISION_NOTE}"
    owner = submission.group.name if submission.group_id else name
    content = pdf_document(
        spec.title.split(": ", 1)[-1],
        [
            f"Cohort: {submission.assignment.cohort.title}",
            f"By: {owner}",
            f"Version {number}, sent {moment:%Y-%m-%d}",
            "Summary, analysis and next steps (demo document).",
        ],
    )
    sha = hashlib.sha256(content).hexdigest()
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        text=text,
        submitted_by=participant.user if participant else None,
        submitted_at=moment,
        is_late=moment > due,
        digest=fingerprint(text, [sha]),
    )
    slug = spec.key if spec.key != "school" else "school-profile"
    stored = SubmissionFile(
        version=version,
        original_name=f"{slug}-v{number}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=sha,
    )
    stored.file.save(stored.original_name, ContentFile(content), save=False)
    stored.save()
    return version


def _feedback(submission, version, organizer, decision, moment, rng, scores=None) -> Feedback:
    comments = ACCEPT_COMMENTS if decision == S.ACCEPTED else REVISION_COMMENTS
    feedback = Feedback.objects.create(
        submission=submission,
        version=version,
        reviewer=organizer,
        decision=decision,
        comment=rng.choice(comments),
        scores=scores or {},
    )
    Feedback.objects.filter(pk=feedback.pk).update(created_at=moment)
    return feedback


# -- Surveys --------------------------------------------------------------------------------------


def _survey_dates(cohort: Cohort, spec: SurveySpec, activity: Activity):
    if spec.purpose == SurveyPurpose.PRE:
        opens = at(cohort.pre_training_starts, 9)
    elif spec.purpose == SurveyPurpose.POST:
        opens = at(cohort.post_training_ends - dt.timedelta(days=21), 9)
    else:
        opens = at(cohort.workshop_ends, 15, 30)
    return opens, activity.due_at


def _survey_due(cohort: Cohort, spec: SurveySpec) -> dt.datetime | None:
    if spec.purpose == SurveyPurpose.PRE:
        day = cohort.pre_training_starts and cohort.pre_training_starts + dt.timedelta(days=10)
    elif spec.purpose == SurveyPurpose.POST:
        day = cohort.post_training_ends
    else:
        day = cohort.workshop_ends and cohort.workshop_ends + dt.timedelta(days=7)
    return at(day, 23, 59) if day else None


def load_surveys(cohort: Cohort, *, with_satisfaction: bool) -> dict[str, Survey]:
    made = {}
    for spec in SURVEYS:
        if spec.finished_only and not with_satisfaction:
            continue
        stage = _stage(cohort, spec.stage)
        due = _survey_due(cohort, spec)
        if stage is None or due is None:
            continue
        activity = _due_activity(
            stage,
            K.SURVEY,
            due,
            spec.activity,
            spec.activity_ko,
            spec.activity_description,
            spec.activity_description_ko,
        )
        opens, closes = _survey_dates(cohort, spec, activity)
        survey = Survey.objects.filter(cohort=cohort, purpose=spec.purpose).order_by("pk").first()
        values = {
            "stage": stage,
            "activity": activity,
            "title": spec.title,
            "introduction": spec.introduction,
            "opens_at": opens,
            "closes_at": closes,
        }
        if survey is None:
            survey = Survey.objects.create(
                cohort=cohort, purpose=spec.purpose, is_anonymous=spec.anonymous, **values
            )
        else:
            for name, value in values.items():
                setattr(survey, name, value)
            if not survey.responses.exists():
                survey.is_anonymous = spec.anonymous
            survey.save()
        SurveyTranslation.objects.update_or_create(
            survey=survey,
            language_code="ko",
            defaults={"title": spec.title_ko, "introduction": spec.introduction_ko},
        )
        sections = (
            _satisfaction_sections()
            if spec.purpose == SurveyPurpose.SATISFACTION
            else _competence_sections()
        )
        for order, section_spec in enumerate(sections, start=1):
            _section(survey, order, section_spec)
        made[spec.purpose] = survey
    return made


def _section(survey: Survey, order: int, spec: SectionSpec) -> SurveySection:
    section, _created = SurveySection.objects.update_or_create(
        survey=survey,
        sort_order=order,
        defaults={"title": spec.title, "description": spec.description},
    )
    SurveySectionTranslation.objects.update_or_create(
        section=section,
        language_code="ko",
        defaults={"title": spec.title_ko, "description": spec.description_ko},
    )
    for number, question in enumerate(spec.questions, start=1):
        labels = [{"value": v, "label": en} for v, en, _ko in question.labels]
        options = [{"key": k, "label": en} for k, en, _ko in question.options]
        items = [{"key": k, "label": en} for k, en, _ko in question.items]
        row, _created = SurveyQuestion.objects.update_or_create(
            section=section,
            sort_order=number,
            defaults={
                "kind": question.kind,
                "text": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "scale_points": 5,
                "scale_labels": labels,
                "options": options,
                "items": items,
                "competence_key": question.competence_key,
            },
        )
        SurveyQuestionTranslation.objects.update_or_create(
            question=row,
            language_code="ko",
            defaults={
                "text": question.text_ko,
                "help_text": question.help_text_ko,
                "scale_labels": [{"value": v, "label": ko} for v, _en, ko in question.labels],
                "options": [{"key": k, "label": ko} for k, _en, ko in question.options],
                "items": [{"key": k, "label": ko} for k, _en, ko in question.items],
            },
        )
    return section


def _gain(economy: str) -> float:
    """The economy's average change on the scale (seeded: from 0.3 to 1.3 points)."""
    return random.Random(f"assessments|gain|{economy}").uniform(0.3, 1.3)


def _starting_points(participant: Participant) -> dict[str, int]:
    """A participant's pre-training self-assessment, the same whichever survey is loaded."""
    rng = random.Random(f"assessments|start|{participant.user.email}")
    keys = [f"global:{k}" for k, *_ in GLOBAL_ITEMS] + [f"digital:{k}" for k, *_ in DIGITAL_ITEMS]
    values = {key: rng.choice([2, 2, 3, 3, 3, 4]) for key in keys}
    values["confidence"] = rng.randint(3, 7)
    return values


def _values(participant: Participant, purpose: str) -> dict[str, int]:
    start = _starting_points(participant)
    if purpose == SurveyPurpose.PRE:
        return start
    economy = participant.application.economy.code if participant.application.economy_id else ""
    gain = _gain(economy)
    rng = random.Random(f"assessments|post|{participant.user.email}")
    values = {}
    for key, value in start.items():
        if key == "confidence":
            values[key] = min(10, max(0, round(value + 2 * gain + rng.uniform(-1.5, 1.5))))
        else:
            values[key] = min(5, max(1, round(value + gain + rng.uniform(-0.8, 0.7))))
    return values


CHANGES = [
    "Teachers observe each other's lessons every month.",
    "Every teacher uses pupil data to plan lessons.",
    "New teachers have a mentor in their first year.",
    "Our school uses digital tools safely and well in every class.",
    "Parents take part in planning the school year.",
]
NEEDS = [
    "Time with my teachers to plan together, and examples from other schools.",
    "Support from my district office and a network of other principals.",
    "Training for teachers on using data.",
    "",
]
COMMENTS = [
    "The school visits were the highlight; thank you for the excellent organisation.",
    "More time for group work would help.",
    "I would like the lecture slides in Korean as well.",
    "",
]


def _answers(question: SurveyQuestion, values: dict[str, int], rng: random.Random):
    """The rows of one question's answer: (item, number, choices, text)."""
    key = question.competence_key
    if question.kind == Q.MATRIX:
        return [(item["key"], values[f"{key}:{item['key']}"], [], "") for item in question.items]
    if question.kind == Q.RATING:
        number = values[key] if key else rng.choice([6, 7, 8, 8, 9, 9, 10])
        return [("", number, [], "")]
    if question.kind == Q.LIKERT:
        return [("", rng.choice([3, 4, 4, 5, 5]), [], "")]
    keys = [option["key"] for option in question.options]
    if question.kind == Q.SINGLE:
        return [("", None, [rng.choice(keys)], "")]
    if question.kind == Q.MULTIPLE:
        chosen = set(rng.sample(keys, rng.randint(1, 3)))
        return [("", None, [key for key in keys if key in chosen], "")]
    if question.kind == Q.SHORT_TEXT:
        return [("", None, [], rng.choice(CHANGES))]
    pool = COMMENTS if question.section.survey.purpose == SurveyPurpose.SATISFACTION else NEEDS
    text = rng.choice(pool)
    return [("", None, [], text)] if text else []


def _respondents(participants: list[Participant], purpose: str) -> list[Participant]:
    """Who answers: with 30 participants, 27 before, 25 after (23 of them also before) and 26
    for the satisfaction survey."""
    order = list(participants)
    if purpose == SurveyPurpose.SATISFACTION:
        random.Random("assessments|satisfaction").shuffle(order)
        return order[: max(0, len(order) - 4)]
    random.Random("assessments|prepost").shuffle(order)
    if purpose == SurveyPurpose.PRE:
        return order[: max(0, len(order) - 3)]
    return order[4 : max(4, len(order) - 1)]


def load_answers(cohort: Cohort, surveys: dict[str, Survey]) -> int:
    participants = list(
        Participant.objects.active()
        .filter(cohort=cohort)
        .select_related("user", "application__economy")
        .order_by("user__email")
    )
    made = 0
    for purpose, survey in surveys.items():
        questions = list(
            SurveyQuestion.objects.filter(section__survey=survey)
            .select_related("section__survey")
            .order_by("section__sort_order", "sort_order")
        )
        done = set(survey.completions.values_list("participant_id", flat=True))
        day = (survey.opens_at + (survey.closes_at - survey.opens_at) / 3).date()
        for index, participant in enumerate(_respondents(participants, purpose)):
            if participant.pk in done:
                continue
            rng = random.Random(f"assessments|answers|{purpose}|{participant.user.email}")
            values = _values(participant, purpose)
            answered = day + dt.timedelta(days=index % 5)
            application = participant.application
            response = SurveyResponse.objects.create(
                survey=survey,
                participant=None if survey.is_anonymous else participant,
                economy_code=application.economy.code if application.economy_id else "",
                position=application.position,
                school_level=application.school_level,
                language=participant.language,
                pairing_key=pairing_key(participant),
                submitted_on=answered,
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    question=question,
                    item=item,
                    number=number,
                    choices=choices,
                    text=text,
                )
                for question in questions
                for item, number, choices, text in _answers(question, values, rng)
            )
            SurveyCompletion.objects.create(
                survey=survey, participant=participant, completed_on=answered
            )
            made += 1
        if survey.is_anonymous:
            mix(survey)  # as a real submit leaves them: in random order
    return made


# -- Resource library -----------------------------------------------------------------------------

TOPICS = [
    ("global-competence", "Global competence", "세계시민 역량"),
    ("digital-literacy", "Digital literacy", "디지털 리터러시"),
    ("school-leadership", "School leadership and change", "학교 리더십과 변화"),
    ("professional-learning", "Collaborative professional learning", "협력적 전문성 개발"),
    ("curriculum", "Curriculum and teaching", "교육과정과 수업"),
    ("inclusion", "Inclusion and equity", "포용과 형평성"),
]


@dataclass(frozen=True)
class ResourceSpec:
    key: str
    language: str
    kind: str
    title: str
    summary: str
    body: str
    other_language: str
    other_title: str
    other_summary: str
    topics: tuple[str, ...]
    published: bool


RESOURCES = [
    ResourceSpec(
        key="lesson-study",
        language="en",
        kind="practice",
        title="Lesson study circles that keep going after the workshop",
        summary=(
            "Three teachers per circle plan one lesson together, watch it taught and rework it. "
            "How a primary school made the cycle part of its timetable within one term."
        ),
        body=(
            "Why we started\nAfter the onsite workshop our leadership team wanted a way of "
            "learning from each other that did not depend on outside trainers.\n\n"
            "What we did\nTeachers formed circles of three across grades. Each circle chose one "
            "lesson a month, planned it together, observed it being taught and met for forty "
            "minutes to rework it. The timetable gave every circle one shared free period a "
            "week.\n\nWhat changed\nBy the end of the term every teacher had taken part in "
            "at least two cycles, and circles began to share their revised lessons on the staff "
            "drive.\n\nWhat we would do differently\nStart with volunteers, and agree on one "
            "question for the observation before the lesson."
        ),
        other_language="ko",
        other_title="연수 후에도 이어지는 수업 연구 모임",
        other_summary=(
            "교사 세 명이 한 모임이 되어 수업을 함께 계획하고, 참관하고, 다시 다듬습니다. "
            "한 초등학교가 한 학기 만에 이 순환을 시간표에 넣은 과정입니다."
        ),
        topics=("professional-learning", "school-leadership"),
        published=True,
    ),
    ResourceSpec(
        key="digital-citizens",
        language="ko",
        kind="practice",
        title="학생이 만드는 디지털 시민성 캠페인",
        summary=(
            "중학생들이 온라인 예절과 정보 판별을 주제로 캠페인을 기획하고 지역 초등학교에서 "
            "직접 수업했습니다. 교사는 질문과 자료만 제공했습니다."
        ),
        body=(
            "시작한 이유\n학생들이 가짜 뉴스와 온라인 괴롭힘을 가장 큰 고민으로 꼽았습니다.\n\n"
            "진행 과정\n학생들은 여섯 모둠으로 나뉘어 주제를 정하고, 자료를 조사하고, "
            "초등학생을 위한 40분 수업을 만들었습니다. 교사들은 매주 한 번 모둠별로 질문을 "
            "던지며 도왔습니다.\n\n결과\n네 개 초등학교에서 열두 번의 수업이 열렸고, 참여한 "
            "학생들은 설명하면서 더 많이 배웠다고 말했습니다.\n\n다음 단계\n내년에는 "
            "학부모 대상 발표회를 더할 계획입니다."
        ),
        other_language="en",
        other_title="A digital citizenship campaign made by students",
        other_summary=(
            "Lower-secondary students planned a campaign on online manners and checking "
            "information, and taught it themselves in nearby primary schools. Teachers only "
            "provided questions and materials."
        ),
        topics=("digital-literacy", "global-competence"),
        published=True,
    ),
    ResourceSpec(
        key="inclusive-timetable",
        language="en",
        kind="material",
        title="A timetable that makes room for co-teaching",
        summary="A one-page guide to finding shared planning time for inclusive classes.",
        body=(
            "A short guide for school leaders: how we mapped free periods, paired special "
            "education and subject teachers and protected one shared planning hour a week."
        ),
        other_language="ko",
        other_title="협력 수업을 위한 시간표 만들기",
        other_summary="통합 학급의 공동 수업 계획 시간을 찾는 한 쪽짜리 안내서입니다.",
        topics=("inclusion", "school-leadership"),
        published=False,
    ),
]


EARLIER_RESOURCES = [
    ResourceSpec(
        key="mentoring-circle",
        language="en",
        kind="practice",
        title="A mentoring circle that new teachers run themselves",
        summary=(
            "New teachers meet every fortnight to bring one problem from their classes; an "
            "experienced colleague only keeps time. How a secondary school kept its new "
            "teachers through their first year."
        ),
        body=(
            "Why we started\nHalf of the teachers who joined our school in the last three "
            "years left within two years. In the exit talks they said they had felt alone.\n\n"
            "What we did\nAfter the workshop in Busan we set up a circle of the school's new "
            "teachers. They meet every second week for forty-five minutes; each meeting starts "
            "from one problem a member brings, and the group suggests what to try before the "
            "next meeting. An experienced teacher keeps time and says little.\n\n"
            "What changed\nAll eleven new teachers stayed for a second year, and three of them "
            "now lead the circle for the next group.\n\n"
            "What we would do differently\nGive the circle a fixed room and a place on the "
            "timetable from the first week."
        ),
        other_language="ko",
        other_title="신규 교사가 직접 운영하는 멘토링 모임",
        other_summary=(
            "신규 교사들이 2주마다 모여 수업에서 겪은 문제 하나씩을 나누고, 경력 교사는 시간만 "
            "지킵니다. 한 중등학교가 신규 교사들과 첫해를 함께 넘긴 과정입니다."
        ),
        topics=("professional-learning", "school-leadership"),
        published=True,
    ),
]
# The resources made from each finished cohort's accepted reports.
RESOURCES_BY_COHORT = {PAST_SLUG: RESOURCES, EARLIER_SLUG: EARLIER_RESOURCES}


def load_topics() -> dict[str, ResourceTopic]:
    topics = {}
    for order, (slug, name, name_ko) in enumerate(TOPICS, 1):
        topic, _ = ResourceTopic.objects.update_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
        ResourceTopicTranslation.objects.update_or_create(
            topic=topic, language_code="ko", defaults={"name": name_ko}
        )
        topics[slug] = topic
    return topics


def _library_authors(cohort: Cohort, spec: ResourceSpec, taken: set[int]) -> Submission | None:
    """An accepted report whose author writes in the resource's language, if there is one."""
    accepted = list(
        Submission.objects.filter(
            assignment__activity__stage__cohort=cohort,
            assignment__can_be_published=True,
            status=S.ACCEPTED,
            participant__isnull=False,
        )
        .exclude(pk__in=taken)
        .select_related("participant__application", "participant__user")
        .order_by("participant__user__email")
    )
    for submission in accepted:
        if submission.participant.language == spec.language:
            return submission
    return accepted[0] if accepted else None


def load_library(cohort: Cohort, organizer) -> str:
    """The topics and the demo resources (only where the demo has none yet)."""
    from . import library

    topics = load_topics()
    existing = Resource.objects.filter(submission__assignment__activity__stage__cohort=cohort)
    if existing.exists():
        published = existing.filter(status=ResourceStatus.PUBLISHED).count()
        return f"resource library: {published} published"
    taken: set[int] = set()
    for spec in RESOURCES_BY_COHORT.get(cohort.slug, []):
        submission = _library_authors(cohort, spec, taken)
        if submission is None:
            continue
        taken.add(submission.pk)
        resource = library.prepare(submission, organizer)
        application = submission.participant.application
        resource.language_code = spec.language
        resource.kind = spec.kind
        resource.title, resource.summary, resource.body = spec.title, spec.summary, spec.body
        resource.economy = application.economy
        resource.school_level = application.school_level or ""
        resource.save()
        resource.topics.set([topics[key] for key in spec.topics])
        ResourceTranslation.objects.create(
            resource=resource,
            language_code=spec.other_language,
            title=spec.other_title,
            summary=spec.other_summary,
        )
        library.review(resource, "content", ReviewOutcome.PASSED, "Clear and useful.", organizer)
        if not spec.published:
            continue
        library.review(
            resource, "technical", ReviewOutcome.PASSED, "PDF checked; no personal data.", organizer
        )
        current = library.fingerprint(resource)
        resource.authors.update(
            consent=ConsentState.GIVEN, consent_fingerprint=current, consent_at=resource.created_at
        )
        library.publish(resource, organizer, notify=False)
    published = existing.filter(status=ResourceStatus.PUBLISHED).count()
    return f"resource library: {published} published"


# -- Completion (appended by the completion helper) ---------------------------------------------

# The demo overrides by certificate staff: (decision, reason). The first marks complete an
# attending participant who does not meet the rules; the second marks not complete one who
# meets them or, when nobody does (the demo's group plans are mostly not accepted), marks
# complete another attending participant who does not.
MAKE_UP_REASON = (
    "Missed workshop sessions for a documented family emergency; the missed sessions were made "
    "up with the organizers the following week."
)
WITHHELD_REASON = (
    "The dissemination report was found to copy another participant's report; completion "
    "withheld until a new report is accepted."
)
ON_PAPER_REASON = (
    "The group's change project plan was presented and accepted on paper at the workshop; "
    "the upload was never made."
)


def load_completion(cohort: Cohort) -> str:
    """A finished cohort's completion rules (80% onsite attendance, required assignments accepted,
    required surveys answered; the dissemination rule is left off, as a programme may choose)
    and, when the certificate staff
    account exists, two overrides by it (see ``MAKE_UP_REASON`` and the next). Overrides are
    only made while the cohort has none: run again, nothing changes."""
    from . import completion
    from .models import CompletionOverride, CompletionRules

    CompletionRules.objects.update_or_create(
        cohort=cohort,
        defaults={
            "min_attendance_percent": 80,
            "require_assignments": True,
            "require_surveys": True,
            "require_dissemination": False,
        },
    )
    staff = User.objects.filter(email=staff_email("certificates")).first()
    has_overrides = CompletionOverride.objects.filter(participant__cohort=cohort).exists()
    if staff is not None and not has_overrides:
        # Reasons name assignments by their title in the active language: build them in
        # English, the language they are matched in below, whatever language the caller has on
        # (a test after a Korean page, a shell).
        with translation.override("en"):
            results = list(completion.evaluate_cohort(cohort).values())

        def only_unmet(result, key: str, item: str = "") -> bool:
            unmet = [check for check in result.checks if not check.met]
            return (
                len(unmet) == 1
                and unmet[0].key == key
                and all(item in reason for reason in unmet[0].reasons)
            )

        # Overrides that fit the person: the group plan accepted on paper, a make-up session
        # for missed attendance, a report withheld although the rules are met.
        plan = [r for r in results if r.attended and only_unmet(r, "assignments", "plan")]
        make_up = [r for r in results if r.attended and only_unmet(r, "attendance")]
        meeting = [r for r in results if r.rules_complete]
        if plan:
            completion.set_override(plan[0].participant, True, ON_PAPER_REASON, staff)
        if make_up:
            completion.set_override(make_up[0].participant, True, MAKE_UP_REASON, staff)
        if meeting:
            completion.set_override(meeting[0].participant, False, WITHHELD_REASON, staff)
    results = completion.evaluate_cohort(cohort).values()
    complete = sum(1 for r in results if r.complete)
    overridden = sum(1 for r in results if r.overridden)
    return f"completion: {complete} of {len(results)} complete, {overridden} overridden"
