"""The trainings app's part of the route registry (``aslp_site.core.routes`` merges it), one
module per area as for the URLs. The rules' predicates are in ``trainings.routes.rules``."""

from . import attendance, dissemination, participant, workshop

ROUTES = {
    **participant.ROUTES,
    **workshop.ROUTES,
    **attendance.ROUTES,
    **dissemination.ROUTES,
}
