"""Who may reach the programme impact pages (see aslp_site/core/routes.py): organizers of some
cohort (superusers: every programme) see the programme of the cohorts they organize; another
programme answers 404."""

from aslp_site.core.routes import Rule, organizes_some_cohort, role


def _organizer_route(sample: str) -> Rule:
    return role(
        "organizer of some cohort of the programme (superusers: every programme); "
        "other programmes answer 404",
        organizes_some_cohort,
        sample=sample,
    )


ROUTES: dict[str, Rule] = {
    "manage/impact/": _organizer_route("/manage/impact/"),
    "manage/impact/export/": _organizer_route("/manage/impact/export/"),
    "manage/impact/export/<slug:table>/": _organizer_route("/manage/impact/export/participants/"),
    "manage/impact/report.pdf": _organizer_route("/manage/impact/report.pdf"),
}
