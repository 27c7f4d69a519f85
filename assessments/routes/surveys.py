"""Who may reach the survey pages (see aslp_site/core/routes.py)."""

from aslp_site.core.routes import Rule
from trainings.routes.rules import participant_route

ROUTES: dict[str, Rule] = {
    "my-programme/<slug:slug>/surveys/<int:pk>/": participant_route(
        "/my-programme/{cohort}/surveys/{survey}/"
    ),
}
