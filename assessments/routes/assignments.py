"""Routes of assignments (see ``trainings.routes.rules``)."""

from aslp_site.core.routes import Rule
from trainings.routes.rules import organizer_route, participant_route, submission_route

ROUTES: dict[str, Rule] = {
    "my-programme/<slug:slug>/assignments/<int:pk>/": participant_route(
        "/my-programme/{cohort}/assignments/{assignment}/"
    ),
    "submission-files/<int:pk>/": submission_route("/submission-files/{subfile}/"),
    "manage/<slug:slug>/assignments/": organizer_route("/manage/{cohort}/assignments/"),
    "manage/<slug:slug>/assignments/<int:pk>/": organizer_route(
        "/manage/{cohort}/assignments/{assignment}/"
    ),
    "manage/<slug:slug>/submissions/<int:pk>/": organizer_route(
        "/manage/{cohort}/submissions/{submission}/"
    ),
    "manage/<slug:slug>/assignments/<int:pk>/submissions.zip": organizer_route(
        "/manage/{cohort}/assignments/{assignment}/submissions.zip"
    ),
}
