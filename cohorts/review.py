"""Review of applications: who may review what, assignment with balanced load, scoring.

Rules, in one place:

* A reviewer of a cohort is a person with a reviewer ``RoleGrant`` in it (active account). The
  ``economy`` of their reviewer grants is their home economy: they never review its applicants.
  Nobody reviews their own application, and a declared ``ConflictOfInterest`` excludes them from
  that application.
* Applications are open for review while they are submitted or wait-listed
  (:data:`REVIEW_OPEN`). Once organizers have accepted or rejected them (or later states),
  scores are read-only and no reviewer is added or removed.
* A reviewer's load in a cohort is the number of their assignments there, done or not, on
  applications that are not drafts or withdrawn.
* Removing a reviewer (organizers) removes their scores too; the application's figures are
  recomputed. A submitted review can only be removed while the application is open for review.
* Declaring a conflict removes the reviewer's assignment, scored or not (a conflicted score must
  not weigh on the selection), and gives the application to the eligible reviewer with the
  lowest load, if there is one.

Every change is written to the audit trail (``cohorts.review_assign``, ``cohorts.review_unassign``,
``cohorts.review_submit``, ``cohorts.conflict``).
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import (
    Application,
    ApplicationStatus,
    Cohort,
    ConflictOfInterest,
    ReviewAssignment,
    Role,
    RoleGrant,
    RubricCriterion,
    Score,
)

# Statuses in which an application is reviewed: reviewers are assigned and scores may change.
REVIEW_OPEN = (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED)
# Assignments on these applications do not count towards a reviewer's load.
NOT_COUNTED = (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)

TWO_PLACES = Decimal("0.01")


class ReviewError(Exception):
    """A review action refused, with a translated message for the person who tried it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


# -- Figures ----------------------------------------------------------------------------------


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def weighted_score(weights_and_scores) -> Decimal:
    """sum(weight x score) / sum(weights), to two decimals (half up)."""
    pairs = [(Decimal(w), Decimal(s)) for w, s in weights_and_scores]
    total_weight = sum((w for w, _s in pairs), Decimal(0))
    if total_weight <= 0:
        raise ValueError("weights must add up to more than zero")
    return round2(sum((w * s for w, s in pairs), Decimal(0)) / total_weight)


def review_figures(scores: list[Decimal]) -> tuple[int, Decimal | None, Decimal | None]:
    """(count, mean, spread) of submitted weighted scores; mean and spread are None without any."""
    if not scores:
        return 0, None, None
    mean = round2(sum(scores, Decimal(0)) / len(scores))
    spread = round2(max(scores) - min(scores))
    return len(scores), mean, spread


def recompute_application_scores(application: Application) -> Application:
    """Store the count, weighted mean and spread of the application's submitted reviews."""
    scores = list(
        ReviewAssignment.objects.filter(application=application, submitted_at__isnull=False)
        .exclude(weighted_score=None)
        .values_list("weighted_score", flat=True)
    )
    count, mean, spread = review_figures(scores)
    application.review_count, application.score_mean, application.score_spread = (
        count,
        mean,
        spread,
    )
    Application.objects.filter(pk=application.pk).update(
        review_count=count, score_mean=mean, score_spread=spread
    )
    return application


# -- Eligibility and load -----------------------------------------------------------------------


def _reviewer_grants(cohort_id: int) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(role=Role.REVIEWER, cohort_id=cohort_id)


def eligible_reviewers(application: Application) -> QuerySet:
    """People who may review ``application`` (assigned ones included), by user id.

    Reviewers of its cohort with an active account, minus the applicant, minus everyone whose
    reviewer grant names the applicant's economy, minus declared conflicts.
    """
    User = get_user_model()
    grants = _reviewer_grants(application.cohort_id)
    people = User.objects.filter(is_active=True, pk__in=grants.values("user_id"))
    if application.economy_id:
        people = people.exclude(
            pk__in=grants.filter(economy_id=application.economy_id).values("user_id")
        )
    conflicts = ConflictOfInterest.objects.filter(application=application)
    return (
        people.exclude(pk=application.applicant_id)
        .exclude(pk__in=conflicts.values("reviewer_id"))
        .order_by("pk")
    )


def _counted_assignments(cohort_id: int) -> Q:
    return Q(review_assignments__application__cohort_id=cohort_id) & ~Q(
        review_assignments__application__status__in=NOT_COUNTED
    )


def with_load(people: QuerySet, cohort_id: int) -> QuerySet:
    """Annotate ``load`` (assignments in the cohort) and ``reviewed`` (of them, scored)."""
    counted = _counted_assignments(cohort_id)
    return people.annotate(
        load=Count("review_assignments", filter=counted, distinct=True),
        reviewed=Count(
            "review_assignments",
            filter=counted & Q(review_assignments__submitted_at__isnull=False),
            distinct=True,
        ),
    )


def reviewers_to_add(application: Application) -> QuerySet:
    """Eligible reviewers not yet assigned to ``application``, lowest load first."""
    assigned = ReviewAssignment.objects.filter(application=application).values("reviewer_id")
    return with_load(
        eligible_reviewers(application).exclude(pk__in=assigned), application.cohort_id
    ).order_by("load", "pk")


def cohort_loads(cohort_id: int) -> dict[int, int]:
    """reviewer id -> number of counted assignments in the cohort (one query)."""
    rows = (
        ReviewAssignment.objects.filter(application__cohort_id=cohort_id)
        .exclude(application__status__in=NOT_COUNTED)
        .order_by()
        .values("reviewer_id")
        .annotate(n=Count("pk"))
    )
    return {row["reviewer_id"]: row["n"] for row in rows}


@dataclass
class _Pool:
    """The cohort's reviewers and what excludes them, read in a fixed number of queries."""

    home: dict[int, set[int]]  # reviewer id -> home economy ids
    conflicts: set[tuple[int, int]]  # (application id, reviewer id)

    def allows(self, application, reviewer_id: int) -> bool:
        homes = self.home.get(reviewer_id)
        return (
            homes is not None
            and reviewer_id != application.applicant_id
            and (application.economy_id is None or application.economy_id not in homes)
            and (application.pk, reviewer_id) not in self.conflicts
        )


def _pool(cohort_id: int, application_ids=None) -> _Pool:
    home: dict[int, set[int]] = {}
    grants = _reviewer_grants(cohort_id).filter(user__is_active=True)
    for user_id, economy_id in grants.values_list("user_id", "economy_id"):
        homes = home.setdefault(user_id, set())
        if economy_id:
            homes.add(economy_id)
    conflicts = ConflictOfInterest.objects.filter(application__cohort_id=cohort_id)
    if application_ids is not None:
        conflicts = conflicts.filter(application_id__in=application_ids)
    return _Pool(home=home, conflicts=set(conflicts.values_list("application_id", "reviewer_id")))


def _refusal(application: Application, reviewer, pool: _Pool, assigned: set[int]):
    """Why ``reviewer`` may not be given ``application``, or None."""
    name = str(reviewer)
    if application.status not in REVIEW_OPEN:
        return _("Reviewers can only be changed while the application awaits a decision.")
    if reviewer.pk not in pool.home or not reviewer.is_active:
        return _("%(name)s is not a reviewer in this cohort.") % {"name": name}
    if reviewer.pk == application.applicant_id:
        return _("%(name)s is the applicant and cannot review their own application.") % {
            "name": name
        }
    if application.economy_id and application.economy_id in pool.home[reviewer.pk]:
        return _(
            "%(name)s belongs to %(economy)s, the applicant's economy, and cannot review "
            "this application."
        ) % {"name": name, "economy": application.economy.localized_name()}
    if (application.pk, reviewer.pk) in pool.conflicts:
        return _("%(name)s has declared a conflict of interest with this application.") % {
            "name": name
        }
    if reviewer.pk in assigned:
        return _("%(name)s already reviews this application.") % {"name": name}
    return None


def _lock(application: Application) -> Application:
    """The application's row, locked until the end of the transaction (PostgreSQL)."""
    return (
        Application.objects.select_for_update(no_key=True, of=("self",))
        .select_related("economy", "cohort")
        .get(pk=application.pk)
    )


def _pick_lowest(candidates, loads: Mapping[int, int], how_many: int) -> list[int]:
    """The ``how_many`` candidates with the lowest load, ties broken by the lower user id."""
    return heapq.nsmallest(how_many, candidates, key=lambda rid: (loads.get(rid, 0), rid))


# -- Automatic assignment -------------------------------------------------------------------------


@dataclass
class Shortfall:
    """An application left with fewer reviewers than the cohort asks for."""

    application: ApplicationRow
    needed: int
    assigned: int
    eligible: int  # eligible reviewers in the whole cohort for it

    @property
    def missing(self) -> int:
        return self.needed - self.assigned


@dataclass
class AssignmentReport:
    considered: int = 0  # applications open for review
    assigned: int = 0  # assignments made by this run
    applications_served: int = 0  # applications that got at least one reviewer in this run
    reviewer_count: int = 0
    shortfalls: list[Shortfall] = field(default_factory=list)
    loads: dict[int, int] = field(default_factory=dict)  # reviewer id -> load after the run

    @property
    def lowest_load(self) -> int | None:
        return min(self.loads.values()) if self.loads else None

    @property
    def highest_load(self) -> int | None:
        return max(self.loads.values()) if self.loads else None


def _interleaved(applications: list[Application]) -> list[Application]:
    """Applications taken one economy at a time in turn, so loads stay even as the run goes."""
    by_economy: dict[int | None, deque[Application]] = defaultdict(deque)
    for app in sorted(applications, key=lambda a: a.pk):
        by_economy[app.economy_id].append(app)
    queues = [by_economy[key] for key in sorted(by_economy, key=lambda k: (k is None, k or 0))]
    ordered = []
    while queues:
        for queue in queues:
            ordered.append(queue.popleft())
        queues = [queue for queue in queues if queue]
    return ordered


def _rebalance(
    new_by_reviewer: dict[int, list[int]],
    assigned: dict[int, set[int]],
    loads: dict[int, int],
    allows: Callable[[int, int], bool],
) -> None:
    """Move this run's assignments until no load can drop without raising another above it.

    A move takes one new assignment from reviewer r1 to an eligible reviewer r2 not already on
    that application; a chain of moves along a path shifts one unit of load from its start to
    its end and leaves the reviewers between unchanged. While a chain from a reviewer with load
    L reaches one with load L - 2 or less, shift it (the loads then differ by at most 1 wherever
    the eligibility rules allow that at all).
    """
    reviewers = sorted(loads)

    def find_path(source: int):
        parent: dict[int, tuple[int, int]] = {}
        queue = deque([source])
        seen = {source}
        goal = loads[source] - 2
        while queue:
            here = queue.popleft()
            for app_id in new_by_reviewer.get(here, ()):
                on_app = assigned[app_id]
                for there in reviewers:
                    if there in seen or there in on_app or not allows(app_id, there):
                        continue
                    seen.add(there)
                    parent[there] = (here, app_id)
                    if loads[there] <= goal:
                        return parent, there, seen
                    queue.append(there)
        return None, None, seen

    while True:
        if not loads:
            return
        lowest = min(loads.values())
        stuck: set[int] = set()
        moved = False
        for source in sorted(reviewers, key=lambda r: (-loads[r], r)):
            if loads[source] < lowest + 2:
                break
            if source in stuck or not new_by_reviewer.get(source):
                continue
            parent, target, seen = find_path(source)
            if target is None:
                # Whoever is reachable from here with a load no higher cannot do better.
                stuck |= {r for r in seen if loads[r] <= loads[source]}
                continue
            node = target
            while node != source:
                previous, app_id = parent[node]
                new_by_reviewer[previous].remove(app_id)
                new_by_reviewer.setdefault(node, []).append(app_id)
                assigned[app_id].discard(previous)
                assigned[app_id].add(node)
                node = previous
            loads[source] -= 1
            loads[target] += 1
            moved = True
            break
        if not moved:
            return


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """The few columns of an application that assignment needs (no model instances)."""

    pk: int
    economy_id: int | None
    applicant_id: int
    display_name: str
    reference: str

    def __str__(self):
        return self.display_name or self.reference or f"#{self.pk}"


def auto_assign(cohort: Cohort, *, by) -> AssignmentReport:
    """Give every application open for review ``cohort.reviewers_per_application`` reviewers.

    Reviewers are picked among the eligible ones with the lowest load in the cohort (ties: the
    lower user id), then this run's picks are rebalanced (see :func:`_rebalance`). Existing
    assignments are kept; running it again adds nothing. One transaction, a fixed number of
    queries whatever the number of applications; one audit entry per application served.
    """
    needed = cohort.reviewers_per_application
    report = AssignmentReport()
    with transaction.atomic():
        # Lock the cohort's reviewable applications (in id order): two runs, or a run and a
        # manual change, cannot interleave.
        applications = [
            ApplicationRow(
                pk=pk,
                economy_id=economy_id,
                applicant_id=applicant_id,
                display_name=" ".join(p for p in (given, family.upper()) if p),
                reference=reference or "",
            )
            for pk, economy_id, applicant_id, given, family, reference in (
                Application.objects.select_for_update(no_key=True)
                .filter(cohort=cohort, status__in=REVIEW_OPEN)
                .order_by("pk")
                .values_list(
                    "pk", "economy_id", "applicant_id", "given_names", "family_name", "reference"
                )
            )
        ]
        report.considered = len(applications)
        pool = _pool(cohort.pk)
        report.reviewer_count = len(pool.home)
        reviewer_ids = sorted(pool.home)
        current = set(reviewer_ids)  # assignments of former reviewers do not count towards N
        assigned: dict[int, set[int]] = {app.pk: set() for app in applications}
        for app_id, reviewer_id in ReviewAssignment.objects.filter(
            application__cohort=cohort, application__status__in=REVIEW_OPEN
        ).values_list("application_id", "reviewer_id"):
            assigned.setdefault(app_id, set()).add(reviewer_id)
        existing = {app_id: sorted(ids) for app_id, ids in assigned.items() if ids}
        all_loads = cohort_loads(cohort.pk)
        loads = {rid: all_loads.get(rid, 0) for rid in reviewer_ids}
        apps_by_id = {app.pk: app for app in applications}

        # Reviewers outside each economy, computed once; the per-application checks left are
        # the applicant, conflicts and who is already on it.
        outside: dict[int | None, list[int]] = {}

        def eligible_for(app: ApplicationRow) -> list[int]:
            if app.economy_id not in outside:
                outside[app.economy_id] = [
                    rid for rid in reviewer_ids if app.economy_id not in pool.home[rid]
                ]
            return [
                rid
                for rid in outside[app.economy_id]
                if rid != app.applicant_id and (app.pk, rid) not in pool.conflicts
            ]

        def allows(app_id: int, reviewer_id: int) -> bool:
            return pool.allows(apps_by_id[app_id], reviewer_id)

        new_by_reviewer: dict[int, list[int]] = defaultdict(list)
        for app in _interleaved(applications):
            on_app = assigned[app.pk]
            missing = needed - len(on_app & current)
            if missing <= 0:
                continue
            candidates = [rid for rid in eligible_for(app) if rid not in on_app]
            for rid in _pick_lowest(candidates, loads, missing):
                on_app.add(rid)
                loads[rid] += 1
                new_by_reviewer[rid].append(app.pk)
        _rebalance(new_by_reviewer, assigned, loads, allows)

        served: dict[int, list[int]] = defaultdict(list)
        for rid in reviewer_ids:
            for app_id in new_by_reviewer.get(rid, ()):
                served[app_id].append(rid)
        ReviewAssignment.objects.bulk_create(
            [
                ReviewAssignment(application_id=app_id, reviewer_id=rid)
                for app_id in sorted(served)
                for rid in served[app_id]
            ],
            batch_size=1000,
        )
        report.assigned = sum(len(rids) for rids in served.values())
        report.applications_served = len(served)
        report.loads = loads

        for app in applications:
            have = len(assigned[app.pk] & current)
            if have < needed:
                report.shortfalls.append(
                    Shortfall(
                        application=app,
                        needed=needed,
                        assigned=have,
                        eligible=len(eligible_for(app)),
                    )
                )

        if served:
            names = {
                person.pk: str(person)
                for person in get_user_model()
                .objects.filter(pk__in=reviewer_ids)
                .only("pk", "email", "first_name", "last_name")
            }
            audit.record_many(
                Application,
                (
                    (
                        app_id,
                        str(apps_by_id[app_id]),
                        {
                            "automatic": True,
                            "added": [{"id": r, "text": names[r]} for r in sorted(rids)],
                            "before": {"reviewers": existing.get(app_id, [])},
                            "after": {"reviewers": sorted(assigned[app_id])},
                        },
                    )
                    for app_id, rids in sorted(served.items())
                ),
                "cohorts.review_assign",
                by,
            )
    return report


def applications_lacking_reviewers(cohort: Cohort) -> int:
    """How many applications open for review have fewer (current) reviewers than asked for."""
    current = _reviewer_grants(cohort.pk).filter(user__is_active=True).values("user_id")
    return (
        Application.objects.filter(cohort=cohort, status__in=REVIEW_OPEN)
        .annotate(reviewer_count=Count("reviews", filter=Q(reviews__reviewer_id__in=current)))
        .filter(reviewer_count__lt=cohort.reviewers_per_application)
        .count()
    )


# -- Manual assignment --------------------------------------------------------------------------


def assign(application: Application, reviewer, *, by) -> ReviewAssignment:
    """Give ``application`` to ``reviewer`` (organizers); ReviewError says why not, if refused."""
    try:
        with transaction.atomic():
            application = _lock(application)
            pool = _pool(application.cohort_id, [application.pk])
            assigned = set(
                ReviewAssignment.objects.filter(application=application).values_list(
                    "reviewer_id", flat=True
                )
            )
            refusal = _refusal(application, reviewer, pool, assigned)
            if refusal:
                raise ReviewError(refusal)
            assignment = ReviewAssignment.objects.create(
                application=application, reviewer=reviewer, assigned_by=by
            )
            audit.record(
                application,
                "cohorts.review_assign",
                by,
                automatic=False,
                added=[reviewer],
                before={"reviewers": sorted(assigned)},
                after={"reviewers": sorted(assigned | {reviewer.pk})},
            )
    except IntegrityError:
        # Another organizer gave it to the same person a moment ago.
        raise ReviewError(
            _("%(name)s already reviews this application.") % {"name": str(reviewer)}
        ) from None
    return assignment


def unassign(assignment: ReviewAssignment, *, by) -> None:
    """Take an application away from a reviewer (organizers); their scores go with it.

    A submitted review can be removed only while the application is open for review; the
    application's count, mean and spread are recomputed.
    """
    with transaction.atomic():
        application = _lock(assignment.application)
        try:
            assignment = ReviewAssignment.objects.select_related("reviewer").get(pk=assignment.pk)
        except ReviewAssignment.DoesNotExist:
            raise ReviewError(_("This reviewer was already removed.")) from None
        if application.status not in REVIEW_OPEN:
            raise ReviewError(
                _("Reviewers can only be changed while the application awaits a decision.")
            )
        before = _assignment_state(assignment)
        assignment.delete()
        recompute_application_scores(application)
        audit.record(
            application,
            "cohorts.review_unassign",
            by,
            removed=assignment.reviewer,
            before=before,
            after={"review_count": application.review_count, "score_mean": application.score_mean},
        )


def _assignment_state(assignment: ReviewAssignment) -> dict:
    return {
        "reviewer": assignment.reviewer,
        "submitted_at": assignment.submitted_at.isoformat() if assignment.submitted_at else None,
        "weighted_score": assignment.weighted_score,
        "comment": assignment.comment,
    }


# -- Scoring ------------------------------------------------------------------------------------


def can_score(application: Application) -> bool:
    return application.status in REVIEW_OPEN


def submit_scores(
    assignment: ReviewAssignment, scores: Mapping[int, int], comment: str, *, by
) -> ReviewAssignment:
    """Save a reviewer's scores (every criterion, 1 to 5) and comment; revisable until decided.

    Sets the weighted score (two decimals, half up) and recomputes the application's count,
    weighted mean and spread.
    """
    comment = (comment or "").strip()
    if "\x00" in comment:
        raise ReviewError(_("The comment contains characters that cannot be saved."))
    with transaction.atomic():
        application = _lock(assignment.application)
        try:
            assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
        except ReviewAssignment.DoesNotExist:
            raise ReviewError(_("This review is no longer assigned to you.")) from None
        if not can_score(application):
            raise ReviewError(
                _("The organizers have decided on this application; scores can no longer change.")
            )
        criteria = list(RubricCriterion.objects.filter(cohort_id=application.cohort_id))
        if not criteria:
            raise ReviewError(_("This cohort has no rubric yet; the organizers must add one."))
        values: dict[int, int] = {}
        for criterion in criteria:
            value = scores.get(criterion.pk)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                raise ReviewError(
                    _("Give “%(criterion)s” a score from 1 to 5.") % {"criterion": criterion.title}
                )
            values[criterion.pk] = value
        unknown = set(scores) - set(values)
        if unknown:
            raise ReviewError(_("Some scores are for criteria that are not in this rubric."))

        before = _assignment_state(assignment)
        before["scores"] = dict(assignment.scores.values_list("criterion_id", "value"))
        assignment.scores.all().delete()
        Score.objects.bulk_create(
            [Score(review=assignment, criterion=c, value=values[c.pk]) for c in criteria]
        )
        assignment.weighted_score = weighted_score((c.weight, values[c.pk]) for c in criteria)
        assignment.comment = comment
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["weighted_score", "comment", "submitted_at"])
        recompute_application_scores(application)
        after = _assignment_state(assignment)
        after["scores"] = values
        audit.record(
            application,
            "cohorts.review_submit",
            by,
            review=assignment.pk,
            revised=before["submitted_at"] is not None,
            before=before,
            after=after,
            score_mean=application.score_mean,
            score_spread=application.score_spread,
        )
    assignment.application = application
    return assignment


# -- Conflicts of interest ------------------------------------------------------------------------


@dataclass
class ConflictOutcome:
    conflict: ConflictOfInterest
    replacement: object | None  # the user now reviewing instead, if one was found
    removed_scores: bool  # the reviewer had already scored; those scores no longer count


def declare_conflict(assignment: ReviewAssignment, reason: str, *, by) -> ConflictOutcome:
    """Record a reviewer's conflict, take the application from them and find a replacement."""
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ReviewError(_("The reason contains characters that cannot be saved."))
    with transaction.atomic():
        application = _lock(assignment.application)
        try:
            assignment = ReviewAssignment.objects.select_related("reviewer").get(pk=assignment.pk)
        except ReviewAssignment.DoesNotExist:
            raise ReviewError(_("This review is no longer assigned to you.")) from None
        if application.status not in REVIEW_OPEN:
            raise ReviewError(
                _(
                    "The organizers have decided on this application. Write to them to record "
                    "a conflict of interest."
                )
            )
        reviewer = assignment.reviewer
        conflict, _created = ConflictOfInterest.objects.update_or_create(
            reviewer=reviewer, application=application, defaults={"reason": reason[:300]}
        )
        before = _assignment_state(assignment)
        removed_scores = assignment.submitted_at is not None
        assignment.delete()
        if removed_scores:
            recompute_application_scores(application)

        replacement = None
        current = _reviewer_grants(application.cohort_id).values("user_id")
        if (
            ReviewAssignment.objects.filter(
                application=application, reviewer_id__in=current
            ).count()
            < application.cohort.reviewers_per_application
        ):
            replacement = reviewers_to_add(application).first()
        if replacement is not None:
            ReviewAssignment.objects.create(
                application=application, reviewer=replacement, assigned_by=None
            )
            audit.record(
                application,
                "cohorts.review_assign",
                by,
                automatic=True,
                added=[replacement],
                replaces=reviewer,
            )
        audit.record(
            application,
            "cohorts.conflict",
            by,
            reviewer=reviewer,
            reason=reason[:300],
            replacement=replacement,
            before=before,
            after={"assigned": False, "replacement": replacement},
        )
    return ConflictOutcome(
        conflict=conflict, replacement=replacement, removed_scores=removed_scores
    )
