"""Who may reach the participant's pages (see aslp_site/core/routes.py)."""

from dataclasses import replace

from aslp_site.core.routes import PUBLIC, Rule, signed_in

from .rules import participant_route

ROUTES: dict[str, Rule] = {
    # Any signed-in person: lists their own participations (none is a page of its own).
    "programme/": signed_in("/programme/"),
    "programme/<slug:slug>/": participant_route("/programme/{cohort}/"),
    "programme/<slug:slug>/activities/<int:pk>/": participant_route(
        "/programme/{cohort}/activities/{activity}/"
    ),
    "programme/<slug:slug>/activities/<int:pk>/calendar.ics": participant_route(
        "/programme/{cohort}/activities/{activity}/calendar.ics"
    ),
    "programme/<slug:slug>/calendar/": participant_route("/programme/{cohort}/calendar/"),
    "calendar/<str:token>.ics": replace(
        PUBLIC,
        note=(
            "reached by the secret token in its address only (calendar apps cannot sign in); "
            "an unknown, renewed or withdrawn participant's token answers 404"
        ),
    ),
}
