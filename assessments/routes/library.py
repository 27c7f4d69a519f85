"""Routes of the resource library's working pages (see ``trainings.routes.rules``).

``{resource}`` is the sample world's published resource of cohort X, made from the participant
persona's submission, with that persona as its author (tests/security/samples.py)."""

from aslp_site.core.routes import Rule
from trainings.routes.rules import organizer_route, participant_route

ROUTES: dict[str, Rule] = {
    "manage/<slug:slug>/resources/": organizer_route("/manage/{cohort}/resources/"),
    "manage/<slug:slug>/submissions/<int:pk>/resource/": organizer_route(
        "/manage/{cohort}/submissions/{submission}/resource/"
    ),
    "manage/<slug:slug>/resources/<int:pk>/": organizer_route(
        "/manage/{cohort}/resources/{resource}/"
    ),
    "my-programme/<slug:slug>/resources/<int:pk>/consent/": participant_route(
        "/my-programme/{cohort}/resources/{resource}/consent/"
    ),
}
