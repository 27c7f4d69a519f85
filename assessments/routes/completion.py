"""Who may reach the completion pages (see aslp_site/core/routes.py): the cohort's organizers
and certificate staff see the list and each participant; only certificate staff override; only
organizers change the rules; a participant sees their own outcome."""

from aslp_site.core.routes import SAMPLE_COHORT, Rule, organizer_route, role
from trainings.routes.rules import participant_route


def _sample_cohort():
    from cohorts.models import Cohort

    return Cohort.objects.filter(slug=SAMPLE_COHORT).first()


def sees_sample_completion(user) -> bool:
    from assessments import permissions

    cohort = _sample_cohort()
    return cohort is not None and permissions.may_view_cohort(user, cohort)


def overrides_sample_completion(user) -> bool:
    from assessments import permissions

    cohort = _sample_cohort()
    return cohort is not None and permissions.may_override(user, cohort)


def _staff_route(sample: str) -> Rule:
    return role(
        "organizer or certificate staff of the cohort in the URL; other cohorts answer 404",
        sees_sample_completion,
        sample=sample,
    )


ROUTES: dict[str, Rule] = {
    "manage/<slug:slug>/completion/": _staff_route("/manage/{cohort}/completion/"),
    "manage/<slug:slug>/completion/rules/": organizer_route("/manage/{cohort}/completion/rules/"),
    "manage/<slug:slug>/completion/export/": _staff_route("/manage/{cohort}/completion/export/"),
    "manage/<slug:slug>/completion/<int:pk>/": _staff_route(
        "/manage/{cohort}/completion/{participant}/"
    ),
    "manage/<slug:slug>/completion/<int:pk>/override/": role(
        "certificate staff of the cohort in the URL (organizers alone may not); others 404",
        overrides_sample_completion,
        sample="/manage/{cohort}/completion/{participant}/override/",
    ),
    "my-programme/<slug:slug>/completion/": participant_route("/my-programme/{cohort}/completion/"),
}
