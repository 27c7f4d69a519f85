"""Who may reach the cohort dashboard (see aslp_site/core/routes.py): the cohort's organizers
and certificate staff see every economy; economy coordinators see their economies only."""

from aslp_site.core.routes import Rule, coordinator_route, role

from .completion import sees_sample_completion


def _staff_route(sample: str) -> Rule:
    return role(
        "organizer or certificate staff of the cohort in the URL; other cohorts answer 404",
        sees_sample_completion,
        sample=sample,
    )


ROUTES: dict[str, Rule] = {
    "manage/<slug:slug>/dashboard/": _staff_route("/manage/{cohort}/dashboard/"),
    "manage/<slug:slug>/dashboard/export/<slug:table>/": _staff_route(
        "/manage/{cohort}/dashboard/export/funnel/"
    ),
    "coordinate/<slug:slug>/dashboard/": coordinator_route("/coordinate/{cohort}/dashboard/"),
    "coordinate/<slug:slug>/dashboard/export/<slug:table>/": coordinator_route(
        "/coordinate/{cohort}/dashboard/export/funnel/"
    ),
}
