"""Routes of the attendance pages: all for the organizers of the cohort in the URL."""

from aslp_site.core.routes import Rule

from .rules import organizer_route

ROUTES: dict[str, Rule] = {
    "manage/<slug:slug>/attendance/": organizer_route("/manage/{cohort}/attendance/"),
    "manage/<slug:slug>/attendance/<int:pk>/": organizer_route(
        "/manage/{cohort}/attendance/{session}/"
    ),
    "manage/<slug:slug>/attendance/<int:pk>/scan/": organizer_route(
        "/manage/{cohort}/attendance/{session}/scan/"
    ),
    "manage/<slug:slug>/attendance/participants/<int:pk>/": organizer_route(
        "/manage/{cohort}/attendance/participants/{participant}/"
    ),
}
