"""Routes of dissemination reports and announcements (see ``trainings.routes.rules``)."""

from aslp_site.core.routes import Rule

from .rules import evidence_route, organizer_route, participant_route, report_owner_route

ROUTES: dict[str, Rule] = {
    "my-programme/<slug:slug>/dissemination/": participant_route(
        "/my-programme/{cohort}/dissemination/"
    ),
    "my-programme/<slug:slug>/dissemination/new/": participant_route(
        "/my-programme/{cohort}/dissemination/new/"
    ),
    "my-programme/<slug:slug>/dissemination/<int:pk>/": report_owner_route(
        "/my-programme/{cohort}/dissemination/{report}/"
    ),
    "dissemination-evidence/<int:pk>/": evidence_route("/dissemination-evidence/{evidence}/"),
    "manage/<slug:slug>/dissemination/": organizer_route("/manage/{cohort}/dissemination/"),
    "manage/<slug:slug>/dissemination/<int:pk>/": organizer_route(
        "/manage/{cohort}/dissemination/{report}/"
    ),
    "manage/<slug:slug>/announcements/": organizer_route("/manage/{cohort}/announcements/"),
    "manage/<slug:slug>/announcements/new/": organizer_route("/manage/{cohort}/announcements/new/"),
    "manage/<slug:slug>/announcements/<int:pk>/": organizer_route(
        "/manage/{cohort}/announcements/{announcement}/"
    ),
}
