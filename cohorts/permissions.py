"""Who may do what in the cohorts app: every permission check of the app lives here.

Roles are ``RoleGrant`` rows read from the database on each request (results are memoized on
the request's user object only), so granting or removing a role takes effect on the next request.

Views never filter by hand: they call the ``*_or_404`` helpers or the queryset functions below,
which answer 404 for another person's or another cohort's object, so its existence is not
revealed.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from .models import (
    Application,
    ApplicationFile,
    ApplicationStatus,
    Cohort,
    Economy,
    ReviewAssignment,
    Role,
    RoleGrant,
)

_CACHE_ATTR = "_cohort_role_grants"


def _grants(user) -> list[RoleGrant]:
    """The user's grants, read once per request (the user object lives for one request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(RoleGrant.objects.filter(user=user).select_related("cohort", "economy"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user) -> None:
    """Drop the memoized grants (after changing them within one request or test)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# Superusers act as organizers and certificate staff of every cohort. They are not coordinators
# or reviewers: those roles belong to a person of an economy, and are given explicitly.
SUPERUSER_ROLES = frozenset({Role.ORGANIZER, Role.CERTIFICATE_STAFF})


def has_role(user, role: str, cohort: Cohort | None = None) -> bool:
    """Whether the user holds ``role`` (in ``cohort`` when given; all-cohort grants count)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and role in SUPERUSER_ROLES:
        return True
    for grant in _grants(user):
        if grant.role != role:
            continue
        if cohort is None or grant.cohort_id in (None, cohort.pk):
            return True
    return False


# -- View decorators ---------------------------------------------------------------------------


def _requires(predicate):
    """Anonymous people are sent to sign in; signed-in people without the role get 403.

    Every page behind it is personal: ``Cache-Control: no-store`` (R3).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return never_cache(wrapped)

    return decorator


def signed_in(view):
    """Any signed-in person (acting on their own data only); personal, so not cached."""
    return _requires(lambda user: True)(view)


def organizer_required(view):
    return _requires(lambda user: is_organizer(user))(view)


def coordinator_required(view):
    return _requires(lambda user: is_coordinator(user))(view)


def reviewer_required(view):
    return _requires(lambda user: is_reviewer(user))(view)


# -- Organizers -------------------------------------------------------------------------------


def organizer_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts the user organizes (every cohort for superusers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Cohort.objects.none()
    if user.is_superuser:
        return Cohort.objects.all()
    ids = [g.cohort_id for g in _grants(user) if g.role == Role.ORGANIZER]
    return Cohort.objects.filter(pk__in=ids)


def is_organizer(user, cohort: Cohort | None = None) -> bool:
    return has_role(user, Role.ORGANIZER, cohort)


def organizer_cohort_or_404(user, slug: str) -> Cohort:
    return get_object_or_404(organizer_cohorts(user).select_related("programme"), slug=slug)


def organizer_application_or_404(user, cohort: Cohort, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related(
            "applicant", "economy", "cohort"
        ),
        cohort=cohort,
        pk=pk,
    )


# -- Coordinators -----------------------------------------------------------------------------


def is_coordinator(user, cohort: Cohort | None = None) -> bool:
    return has_role(user, Role.COORDINATOR, cohort)


def coordinated_economies(user, cohort: Cohort) -> list[Economy]:
    """Economies the user coordinates in ``cohort`` (grants for one cohort or for all)."""
    return [
        g.economy
        for g in _grants(user)
        if g.role == Role.COORDINATOR and g.cohort_id in (None, cohort.pk)
    ]


def coordinator_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts in which the user coordinates some economy (open and past cohorts alike)."""
    grants = [g for g in _grants(user) if g.role == Role.COORDINATOR]
    if not grants:
        return Cohort.objects.none()
    if any(g.cohort_id is None for g in grants):
        return Cohort.objects.exclude(status="draft")
    return Cohort.objects.filter(pk__in=[g.cohort_id for g in grants])


def coordinator_cohort_or_404(user, slug: str) -> Cohort:
    return get_object_or_404(coordinator_cohorts(user).select_related("programme"), slug=slug)


def coordinator_applications(user, cohort: Cohort) -> QuerySet[Application]:
    """Submitted (not draft) applications of the user's economies in ``cohort``; nothing else."""
    economies = coordinated_economies(user, cohort)
    if not economies:
        return Application.objects.none()
    return Application.objects.filter(cohort=cohort, economy__in=economies).exclude(
        status=ApplicationStatus.DRAFT
    )


def coordinator_application_or_404(user, cohort: Cohort, pk: int) -> Application:
    return get_object_or_404(
        coordinator_applications(user, cohort).select_related("applicant", "economy"), pk=pk
    )


# -- Reviewers --------------------------------------------------------------------------------


def is_reviewer(user, cohort: Cohort | None = None) -> bool:
    return has_role(user, Role.REVIEWER, cohort)


def reviewer_home_economy_ids(user, cohort: Cohort) -> set[int]:
    """The economies a reviewer belongs to in ``cohort`` (never reviewed by them)."""
    return {
        g.economy_id
        for g in _grants(user)
        if g.role == Role.REVIEWER and g.cohort_id == cohort.pk and g.economy_id
    }


def reviewer_assignments(user) -> QuerySet[ReviewAssignment]:
    """The user's own review assignments, in cohorts where they still hold the reviewer role."""
    cohort_ids = [g.cohort_id for g in _grants(user) if g.role == Role.REVIEWER]
    if not cohort_ids:
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(
        reviewer=user, application__cohort_id__in=cohort_ids
    ).exclude(application__status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))


def reviewer_assignment_or_404(user, pk: int) -> ReviewAssignment:
    return get_object_or_404(
        reviewer_assignments(user).select_related(
            "application", "application__cohort", "application__economy"
        ),
        pk=pk,
    )


# -- Certificate staff ------------------------------------------------------------------------


def is_certificate_staff(user, cohort: Cohort | None = None) -> bool:
    return has_role(user, Role.CERTIFICATE_STAFF, cohort)


# -- Any programme role -----------------------------------------------------------------------


def has_any_programme_role(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or _grants(user)))


# -- Applicants and files ---------------------------------------------------------------------


def own_application_or_404(user, cohort: Cohort) -> Application:
    return get_object_or_404(
        Application.objects.select_related("cohort", "cohort__programme", "economy"),
        cohort=cohort,
        applicant=user,
    )


def can_view_application(user, application: Application) -> bool:
    """The applicant, the cohort's organizers, its assigned reviewers, its economy's coordinator."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if application.applicant_id == user.pk:
        return True
    if application.status == ApplicationStatus.DRAFT:
        return False
    cohort = application.cohort
    if is_organizer(user, cohort):
        return True
    if application.economy_id and any(
        e.pk == application.economy_id for e in coordinated_economies(user, cohort)
    ):
        return True
    return reviewer_assignments(user).filter(application=application).exists()


def application_file_or_404(user, pk: int) -> ApplicationFile:
    """A file of an application the user may see; anything else is 404.

    Reviewers, coordinators and organizers see current files only; the applicant sees their own.
    """
    try:
        upload = ApplicationFile.objects.select_related("application", "application__cohort").get(
            pk=pk
        )
    except ApplicationFile.DoesNotExist:
        raise Http404 from None
    application = upload.application
    if application.applicant_id == getattr(user, "pk", None) and user.is_active:
        return upload
    if not upload.is_current or not can_view_application(user, application):
        raise Http404
    return upload


# -- Reviewers' cohorts (appended by the review helper) -----------------------------------------


def reviewer_cohorts(user) -> QuerySet[Cohort]:
    """Cohorts in which the user holds the reviewer role (from this request's grants)."""
    ids = [g.cohort_id for g in _grants(user) if g.role == Role.REVIEWER and g.cohort_id]
    if not ids:
        return Cohort.objects.none()
    return Cohort.objects.filter(pk__in=ids)
