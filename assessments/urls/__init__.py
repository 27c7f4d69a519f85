"""The assessments app's URLs (namespace ``assessments``, under the language prefix), one module
per area: assignments, surveys, survey results."""

from . import assignments, results, surveys

app_name = "assessments"

urlpatterns = [
    *assignments.urlpatterns,
    *surveys.urlpatterns,
    *results.urlpatterns,
]
