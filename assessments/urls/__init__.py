"""The assessments app's URLs (namespace ``assessments``, under the language prefix), one module
per area: assignments, surveys, survey results, the resource library (organizers and
authors) and its public part."""

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

app_name = "assessments"

urlpatterns = [
    *impact.urlpatterns,
    *assignments.urlpatterns,
    *surveys.urlpatterns,
    *results.urlpatterns,
    *library.urlpatterns,
    *library_public.urlpatterns,
    *completion.urlpatterns,
    *insight.urlpatterns,
    *certificates.urlpatterns,
    *verify.urlpatterns,
]
