"""The cohort dashboard's figures (organizers, certificate staff and economy coordinators).

Every figure is for one cohort, optionally limited to some economies (a coordinator's): then
nothing of another economy is counted, named or listed. Each comes from aggregate queries whose
number does not depend on the number of applications or participants.

**Funnel** (each stage counts applications of the cohort that are not drafts):

* *submitted*: every application that is not a draft (withdrawn ones included: they were sent);
* *endorsed*: the economy coordinator endorsed it;
* *reviewed*: at least one reviewer's score is in (``score_mean`` is set by ``cohorts.review``
  from the submitted reviews);
* *accepted*: a place was offered: offered, confirmed, offer declined or expired, or a
  participant who withdrew after confirming;
* *confirmed*: an active participant (confirmed place);
* *completed*: an active participant complete by ``assessments.completion`` (overrides count);
* *certified*: an active or former participant holding a valid completion certificate.

Each stage is broken down by economy (``Economy.localized_name``), gender, position and school
level, labelled in the reader's language.

**Who is behind**: active participants with something overdue, per stage: a required assignment
(meant for them) whose due moment has passed without accepted work; a required survey (meant for
them) that has closed without their answer; on the workshop, onsite attendance below the
cohort's completion rule once sessions have taken place. The reasons are completion's words.

**Attendance per session**: the workshop's sessions where attendance is taken that have started;
present or late over the active participants meant for the session (whole cohort or group).

**Survey response rates**: per survey that has opened, the active participants meant for it
(whole cohort, or the group of its activity) who answered, overall and per economy.

Percentages are whole numbers rounded half up (``trainings.attendance.Rate``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cohorts.models import (
    Application,
    ApplicationStatus,
    Cohort,
    Economy,
    EndorsementStatus,
    Gender,
    Position,
    SchoolLevel,
)
from trainings import attendance as attendance_rules
from trainings.models import (
    ATTENDED,
    ActivityKind,
    Attendance,
    Participant,
    StageKind,
)

from . import completion
from .models import (
    Assignment,
    Certificate,
    CertificateKind,
    CertificateStatus,
    Submission,
    SubmissionStatus,
    Survey,
    SurveyCompletion,
)

Rate = attendance_rules.Rate

# Funnel stages, in order.
SUBMITTED = "submitted"
ENDORSED = "endorsed"
REVIEWED = "reviewed"
ACCEPTED = "accepted"
CONFIRMED = "confirmed"
COMPLETED = "completed"
CERTIFIED = "certified"
STAGES = (SUBMITTED, ENDORSED, REVIEWED, ACCEPTED, CONFIRMED, COMPLETED, CERTIFIED)

# Statuses of an application that was offered a place (and kept or left it).
OFFERED = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.CONFIRMED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.OFFER_EXPIRED,
)

# Breakdowns: key, application field.
DIMENSIONS = (
    ("economy", "economy_id"),
    ("gender", "gender"),
    ("position", "position"),
    ("school_level", "school_level"),
)

STAGE_KINDS = (StageKind.PRE_TRAINING, StageKind.WORKSHOP, StageKind.POST_TRAINING)


def stage_labels() -> dict[str, str]:
    return {
        SUBMITTED: _("Applications submitted"),
        ENDORSED: _("Endorsed"),
        REVIEWED: _("Reviewed"),
        ACCEPTED: _("Offered a place"),
        CONFIRMED: _("Confirmed participants"),
        COMPLETED: _("Completed"),
        CERTIFIED: _("Certified"),
    }


def dimension_labels() -> dict[str, str]:
    return {
        "economy": _("Economy"),
        "gender": _("Gender"),
        "position": _("Position"),
        "school_level": _("School level"),
    }


# -- Scope --------------------------------------------------------------------------------------


@dataclass
class Scope:
    """The cohort, and the economies the figures are limited to (``None``: all of them)."""

    cohort: Cohort
    economies: list[Economy] | None = None

    @property
    def economy_ids(self) -> list[int] | None:
        return None if self.economies is None else [e.pk for e in self.economies]

    def limit(self, queryset, path: str):
        """``queryset`` limited to the scope's economies through ``path`` (an economy field)."""
        if self.economies is None:
            return queryset
        return queryset.filter(**{f"{path}__in": self.economy_ids})

    def active(self):
        found = Participant.objects.active().filter(cohort=self.cohort)
        return self.limit(found, "application__economy")


# -- Funnel -------------------------------------------------------------------------------------


@dataclass
class BreakdownRow:
    key: str
    label: str
    counts: list[int]


@dataclass
class Breakdown:
    key: str
    title: str
    rows: list[BreakdownRow]

    @property
    def table_name(self) -> str:
        """The name of its export (``school-level`` for ``school_level``)."""
        return self.key.replace("_", "-")


@dataclass
class Funnel:
    stages: list[tuple[str, str]]
    totals: list[int]
    breakdowns: list[Breakdown]

    @property
    def total_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, n) for (key, label), n in zip(self.stages, self.totals, strict=True)]


def _choice_labels(choices) -> dict[str, str]:
    return {key: str(label) for key, label in choices}


def _profile(row: dict, prefix: str = "") -> tuple:
    return tuple(row[f"{prefix}{name}"] for _key, name in DIMENSIONS)


def funnel(scope: Scope, results: dict[int, completion.Result], names: dict[int, str]) -> Funnel:
    """The funnel, its totals and its breakdowns (two queries on top of ``results``)."""
    counts: dict[str, Counter] = {stage: Counter() for stage in STAGES}
    applications = scope.limit(
        Application.objects.filter(cohort=scope.cohort).exclude(status=ApplicationStatus.DRAFT),
        "economy",
    )
    fields = [name for _key, name in DIMENSIONS]
    for row in (
        applications.order_by()
        .values(*fields)
        .annotate(
            submitted=Count("pk"),
            endorsed=Count("pk", filter=Q(endorsement=EndorsementStatus.ENDORSED)),
            reviewed=Count("pk", filter=Q(score_mean__isnull=False)),
            accepted=Count("pk", filter=Q(status__in=OFFERED) | Q(participant__isnull=False)),
            confirmed=Count("pk", filter=Q(status=ApplicationStatus.CONFIRMED)),
        )
    ):
        profile = _profile(row)
        for stage in (SUBMITTED, ENDORSED, REVIEWED, ACCEPTED, CONFIRMED):
            counts[stage][profile] += row[stage]
    for result in results.values():
        if result.complete:
            application = result.participant.application
            counts[COMPLETED][tuple(getattr(application, name) for name in fields)] += 1
    certificates = scope.limit(
        Certificate.objects.filter(
            cohort=scope.cohort,
            kind=CertificateKind.COMPLETION,
            status=CertificateStatus.VALID,
            participant__isnull=False,
        ),
        "participant__application__economy",
    )
    prefix = "participant__application__"
    for row in (
        certificates.order_by()
        .values(*[prefix + name for name in fields])
        .annotate(n=Count("participant", distinct=True))
    ):
        counts[CERTIFIED][_profile(row, prefix)] += row["n"]
    labels = stage_labels()
    stages = [(stage, labels[stage]) for stage in STAGES]
    totals = [sum(counts[stage].values()) for stage in STAGES]
    breakdowns = [
        _breakdown(key, position, counts, names) for position, (key, _name) in enumerate(DIMENSIONS)
    ]
    return Funnel(stages, totals, breakdowns)


def _breakdown(key: str, position: int, counts: dict[str, Counter], names) -> Breakdown:
    per_value: dict = defaultdict(lambda: [0] * len(STAGES))
    for index, stage in enumerate(STAGES):
        for profile, n in counts[stage].items():
            per_value[profile[position]][index] += n
    not_given = _("Not given")
    if key == "economy":
        ordered = sorted(
            per_value, key=lambda pk: (pk is None, names.get(pk, "") if pk else "", pk or 0)
        )
        rows = [
            BreakdownRow(str(pk or ""), names.get(pk, "") if pk else _("No economy"), per_value[pk])
            for pk in ordered
        ]
    else:
        choices = {"gender": Gender, "position": Position, "school_level": SchoolLevel}[key]
        labels = _choice_labels(choices.choices)
        ordered = [value for value in labels if value in per_value] + sorted(
            value for value in per_value if value not in labels and value
        )
        rows = [BreakdownRow(v, labels.get(v, v), per_value[v]) for v in ordered]
        if "" in per_value or None in per_value:
            blank = [a + b for a, b in zip(per_value[""], per_value[None], strict=True)]
            rows.append(BreakdownRow("", not_given, blank))
    return Breakdown(key, dimension_labels()[key], rows)


# -- Who is behind ------------------------------------------------------------------------------


@dataclass
class BehindPerson:
    participant: Participant
    economy: str
    reasons: list[str]


@dataclass
class BehindStage:
    kind: str
    label: str
    people: list[BehindPerson] = field(default_factory=list)


def _meant_for(activity, participant: Participant) -> bool:
    return activity.group_id is None or activity.group_id == participant.group_id


def behind(
    scope: Scope, results: dict[int, completion.Result], names: dict[int, str], now=None
) -> list[BehindStage]:
    """Per stage, the active participants with something overdue and what it is (5 queries)."""
    now = now or timezone.now()
    cohort = scope.cohort
    assignments = list(
        Assignment.objects.filter(
            activity__stage__cohort=cohort,
            activity__kind=ActivityKind.ASSIGNMENT,
            activity__is_required=True,
            activity__due_at__lt=now,
        )
        .select_related("activity", "activity__stage")
        .prefetch_related("activity__translations")
        .order_by("activity__due_at", "pk")
    )
    submissions = {
        (assignment_id, participant_id, group_id): status
        for assignment_id, participant_id, group_id, status in Submission.objects.filter(
            assignment__in=[a.pk for a in assignments]
        ).values_list("assignment_id", "participant_id", "group_id", "status")
    }
    surveys = list(
        Survey.objects.filter(
            cohort=cohort, activity__isnull=False, activity__is_required=True, closes_at__lte=now
        )
        .select_related("activity", "activity__stage")
        .prefetch_related("translations")
        .order_by("closes_at", "pk")
    )
    people = [r.participant for r in results.values()]
    answered = set(
        SurveyCompletion.objects.filter(
            survey__in=[s.pk for s in surveys], participant__in=[p.pk for p in people]
        ).values_list("survey_id", "participant_id")
    )
    labels = dict(StageKind.choices)
    stages = {kind: BehindStage(kind, str(labels[kind])) for kind in STAGE_KINDS}
    for result in results.values():
        participant = result.participant
        missing: dict[str, list[str]] = defaultdict(list)
        for assignment in assignments:
            if not _meant_for(assignment.activity, participant):
                continue
            if assignment.per_group:
                group = participant.group_id
                status = submissions.get((assignment.pk, None, group)) if group else None
            else:
                status = submissions.get((assignment.pk, participant.pk, None))
            if status != SubmissionStatus.ACCEPTED:
                state = completion._submission_state(status)
                missing[assignment.activity.stage.kind].append(
                    completion._assignment_reason(assignment, state)
                )
        for survey in surveys:
            if _meant_for(survey.activity, participant) and (
                (survey.pk, participant.pk) not in answered
            ):
                missing[survey.activity.stage.kind].append(
                    _("Survey not answered: “%(title)s”") % {"title": survey.translated("title")}
                )
        for check in result.checks:
            if check.key == completion.ATTENDANCE and not check.met and result.onsite_total:
                missing[StageKind.WORKSHOP].extend(check.reasons)
        economy_id = participant.application.economy_id
        for kind, reasons in missing.items():
            stages[kind].people.append(
                BehindPerson(participant, names.get(economy_id, "") if economy_id else "", reasons)
            )
    return [stages[kind] for kind in STAGE_KINDS]


# -- Attendance per session ---------------------------------------------------------------------


@dataclass
class SessionRow:
    session: object
    label: str
    meant: int
    present: int
    late: int

    @property
    def rate(self) -> Rate:
        return Rate(self.present + self.late, self.meant)


def _active_per_group(scope: Scope) -> tuple[int, dict]:
    per_group = dict(scope.active().values_list("group_id").annotate(n=Count("pk")).order_by())
    return sum(per_group.values()), per_group


def session_rates(scope: Scope, now=None) -> list[SessionRow]:
    """The workshop's started sessions that take attendance, in time order (6 queries)."""
    cohort = scope.cohort
    sessions = attendance_rules.started(
        attendance_rules.attendance_sessions(cohort).filter(stage__kind=StageKind.WORKSHOP), now
    )
    if not sessions:
        return []
    total, per_group = _active_per_group(scope)
    counts: dict[int, Counter] = defaultdict(Counter)
    for activity_id, status, n in (
        Attendance.objects.filter(
            activity__in=[s.pk for s in sessions],
            participant__in=scope.active(),
            status__in=ATTENDED,
        )
        .filter(Q(activity__group__isnull=True) | Q(participant__group_id=F("activity__group_id")))
        .values_list("activity_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[activity_id][status] = n
    zone = attendance_rules.session_zone(cohort)
    rows = []
    for session in sessions:
        when = formats.date_format(
            timezone.localtime(session.starts_at, _zone(zone)), "SHORT_DATETIME_FORMAT"
        )
        meant = total if session.group_id is None else per_group.get(session.group_id, 0)
        rows.append(
            SessionRow(
                session,
                f"{session.display_title} ({when})",
                meant,
                counts[session.pk]["present"],
                counts[session.pk]["late"],
            )
        )
    return rows


def _zone(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


# -- Survey response rates ----------------------------------------------------------------------


@dataclass
class SurveyRow:
    survey: Survey
    title: str
    overall: Rate
    # economy id -> Rate
    per_economy: dict[int | None, Rate]


def survey_rates(scope: Scope, now=None) -> list[SurveyRow]:
    """Per survey that has opened: answered over meant for, overall and per economy (4 queries)."""
    now = now or timezone.now()
    surveys = list(
        Survey.objects.filter(cohort=scope.cohort, opens_at__lte=now)
        .select_related("activity")
        .prefetch_related("translations")
        .order_by("opens_at", "pk")
    )
    if not surveys:
        return []
    active = scope.active()
    meant: dict[tuple, int] = {
        (economy_id, group_id): n
        for economy_id, group_id, n in active.values_list("application__economy_id", "group_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    done: dict[tuple, int] = {
        (survey_id, economy_id): n
        for survey_id, economy_id, n in SurveyCompletion.objects.filter(
            survey__in=[s.pk for s in surveys], participant__in=active
        )
        .filter(
            Q(survey__activity__isnull=True)
            | Q(survey__activity__group__isnull=True)
            | Q(participant__group_id=F("survey__activity__group_id"))
        )
        .values_list("survey_id", "participant__application__economy_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    economies = sorted({economy_id for economy_id, _group in meant}, key=lambda pk: pk or 0)
    rows = []
    for survey in surveys:
        group = survey.activity.group_id if survey.activity_id else None
        per_economy = {}
        for economy_id in economies:
            for_economy = sum(
                n
                for (e, g), n in meant.items()
                if e == economy_id and (group is None or g == group)
            )
            per_economy[economy_id] = Rate(done.get((survey.pk, economy_id), 0), for_economy)
        overall = Rate(
            sum(rate.attended for rate in per_economy.values()),
            sum(rate.total for rate in per_economy.values()),
        )
        rows.append(SurveyRow(survey, survey.translated("title"), overall, per_economy))
    return rows


# -- The whole dashboard ------------------------------------------------------------------------


@dataclass
class Dashboard:
    scope: Scope
    funnel: Funnel
    behind: list[BehindStage]
    sessions: list[SessionRow]
    surveys: list[SurveyRow]
    # economy id -> localized name, of the economies in the figures
    economy_names: dict[int, str]

    @property
    def survey_economies(self) -> list[tuple[int | None, str]]:
        """The economies of the per-economy survey table, by name."""
        ids = {pk for row in self.surveys for pk in row.per_economy}
        return sorted(
            ((pk, self.economy_names.get(pk, "") if pk else _("No economy")) for pk in ids),
            key=lambda pair: (pair[0] is None, pair[1]),
        )

    @property
    def survey_matrix(self) -> list[tuple[str, list[Rate]]]:
        """Per economy (by name): its rate for each survey, in the order of ``surveys``."""
        return [
            (name, [row.per_economy[pk] for row in self.surveys])
            for pk, name in self.survey_economies
        ]


def _economy_names(scope: Scope) -> dict[int, str]:
    """Localized names of the economies with applications in the scope (2 queries)."""
    ids = (
        scope.limit(Application.objects.filter(cohort=scope.cohort), "economy")
        .exclude(economy__isnull=True)
        .values("economy_id")
    )
    return {
        economy.pk: economy.localized_name()
        for economy in Economy.objects.filter(pk__in=ids).prefetch_related("names")
    }


def dashboard(cohort: Cohort, economies: list[Economy] | None = None, now=None) -> Dashboard:
    """Every figure of the cohort (limited to ``economies`` when given), in a fixed number of
    queries whatever the number of applications and participants."""
    scope = Scope(cohort, economies)
    results = completion.evaluate_cohort(cohort, now)
    if economies is not None:
        allowed = set(scope.economy_ids)
        results = {
            pk: result
            for pk, result in results.items()
            if result.participant.application.economy_id in allowed
        }
    names = _economy_names(scope)
    return Dashboard(
        scope=scope,
        funnel=funnel(scope, results, names),
        behind=behind(scope, results, names, now),
        sessions=session_rates(scope, now),
        surveys=survey_rates(scope, now),
        economy_names=names,
    )


# -- Tables (the page's tables as rows, for the CSV and XLSX exports) ---------------------------

TABLES = (
    "funnel",
    "economy",
    "gender",
    "position",
    "school-level",
    "behind",
    "attendance",
    "surveys",
    "surveys-by-economy",
)


def _percent(rate: Rate) -> str:
    return "" if rate.percent is None else str(rate.percent)


def table(board: Dashboard, name: str) -> tuple[str, list[str], list[list]]:
    """``(title, headers, rows)`` of one table; ``KeyError`` for an unknown name."""
    if name == "funnel":
        rows = [[label, n] for _key, label, n in board.funnel.total_rows]
        return _("Funnel"), [_("Stage"), _("Count")], rows
    breakdowns = {b.table_name: b for b in board.funnel.breakdowns}
    if name in breakdowns:
        found = breakdowns[name]
        headers = [found.title] + [label for _key, label in board.funnel.stages]
        title = _("Funnel by %(dimension)s") % {"dimension": found.title.lower()}
        return title, headers, [[row.label, *row.counts] for row in found.rows]
    if name == "behind":
        headers = [_("Stage"), _("Family name"), _("Given names"), _("Economy"), _("Missing")]
        rows = [
            [
                stage.label,
                person.participant.application.family_name,
                person.participant.application.given_names,
                person.economy,
                "; ".join(person.reasons),
            ]
            for stage in board.behind
            for person in stage.people
        ]
        return _("Who is behind"), headers, rows
    if name == "attendance":
        headers = [
            _("Session"),
            _("Participants"),
            _("Present"),
            _("Late"),
            _("Attendance rate (%)"),
        ]
        rows = [
            [row.label, row.meant, row.present, row.late, _percent(row.rate)]
            for row in board.sessions
        ]
        return _("Attendance per session"), headers, rows
    if name == "surveys":
        headers = [_("Survey"), _("Meant for"), _("Answered"), _("Response rate (%)")]
        rows = [
            [row.title, row.overall.total, row.overall.attended, _percent(row.overall)]
            for row in board.surveys
        ]
        return _("Survey response rates"), headers, rows
    if name == "surveys-by-economy":
        headers = [_("Survey"), _("Economy"), _("Meant for"), _("Answered"), _("Response rate (%)")]
        rows = []
        for row in board.surveys:
            for economy_id, economy_name in board.survey_economies:
                rate = row.per_economy[economy_id]
                rows.append([row.title, economy_name, rate.total, rate.attended, _percent(rate)])
        return _("Survey response rates by economy"), headers, rows
    raise KeyError(name)
