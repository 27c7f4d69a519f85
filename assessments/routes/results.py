"""Routes of the survey results (organizers of the cohort in the URL; others 404/403)."""

from aslp_site.core.routes import Rule
from trainings.routes.rules import organizer_route

ROUTES: dict[str, Rule] = {
    "manage/<slug:slug>/surveys/": organizer_route("/manage/{cohort}/surveys/"),
    "manage/<slug:slug>/surveys/compare/": organizer_route("/manage/{cohort}/surveys/compare/"),
    "manage/<slug:slug>/surveys/<int:pk>/results/": organizer_route(
        "/manage/{cohort}/surveys/{survey}/results/"
    ),
    "manage/<slug:slug>/surveys/<int:pk>/export/": organizer_route(
        "/manage/{cohort}/surveys/{survey}/export/"
    ),
}
