"""Who may reach the participant's pages (see aslp_site/core/routes.py)."""

from dataclasses import replace

from aslp_site.core.routes import PUBLIC, Rule, signed_in

from .rules import participant_route

ROUTES: dict[str, Rule] = {
    # Any signed-in person: lists their own participations (none is a page of its own).
    "my-programme/": signed_in("/my-programme/"),
    "my-programme/<slug:slug>/": participant_route("/my-programme/{cohort}/"),
    "my-programme/<slug:slug>/activities/<int:pk>/": participant_route(
        "/my-programme/{cohort}/activities/{activity}/"
    ),
    "my-programme/<slug:slug>/activities/<int:pk>/calendar.ics": participant_route(
        "/my-programme/{cohort}/activities/{activity}/calendar.ics"
    ),
    "my-programme/<slug:slug>/calendar/": participant_route("/my-programme/{cohort}/calendar/"),
    "calendar/<str:token>.ics": replace(
        PUBLIC,
        note=(
            "reached by the secret token in its address only (calendar apps cannot sign in); "
            "an unknown, renewed or withdrawn participant's token answers 404"
        ),
    ),
}
