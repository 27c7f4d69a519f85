"""The assessments app's part of the route registry (``aslp_site.core.routes`` merges it), one
module per area as for the URLs. Rule builders: ``trainings.routes.rules``."""

from . import (
    assignments,
    certificates,
    completion,
    impact,
    insight,
    library,
    library_public,
    results,
    surveys,
    verify,
)

ROUTES = {
    **assignments.ROUTES,
    **surveys.ROUTES,
    **results.ROUTES,
    **library.ROUTES,
    **library_public.ROUTES,
    **completion.ROUTES,
    **impact.ROUTES,
    **insight.ROUTES,
    **certificates.ROUTES,
    **verify.ROUTES,
}
