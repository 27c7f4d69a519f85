"""Who may reach the participant's certificate pages (see aslp_site/core/routes.py): a
participant of the cohort in the URL sees their own certificate page; the PDF route also needs
the certificate to be theirs (``{certificate}``: the sample participant's certificate in
tests/security/samples.py). Anyone else answers 404."""

from aslp_site.core.routes import Rule, role
from trainings.routes.rules import participant_route, takes_part_in_sample_cohort

ROUTES: dict[str, Rule] = {
    "my-programme/<slug:slug>/certificate/": participant_route(
        "/my-programme/{cohort}/certificate/"
    ),
    "my-programme/<slug:slug>/certificate/<int:pk>/pdf/": role(
        "the participant holding the certificate, in the cohort of the URL; others answer 404",
        takes_part_in_sample_cohort,
        sample="/my-programme/{cohort}/certificate/{certificate}/pdf/",
    ),
}
