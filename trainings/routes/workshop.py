"""Registry entries of the onsite workshop's URLs (trainings/urls/workshop.py)."""

from aslp_site.core.routes import PUBLIC, Rule

from .rules import organizer_route, participant_route

ROUTES: dict[str, Rule] = {
    # Public once the cohort is past its draft status (drafts answer 404); no meeting links.
    "cohorts/<slug:slug>/programme/": PUBLIC,
    "cohorts/<slug:slug>/programme.pdf": PUBLIC,
    "my-programme/<slug:slug>/badge.pdf": participant_route("/my-programme/{cohort}/badge.pdf"),
    "manage/<slug:slug>/training/": organizer_route("/manage/{cohort}/training/"),
    "manage/<slug:slug>/groups/": organizer_route("/manage/{cohort}/groups/"),
    "manage/<slug:slug>/badges.pdf": organizer_route("/manage/{cohort}/badges.pdf"),
}
