"""Who may reach the participant's certificate pages (see aslp_site/core/routes.py): a
participant of the cohort in the URL sees their own certificate page; the PDF route also needs
the certificate to be theirs (``{certificate}``: the sample participant's certificate in
tests/security/samples.py). Anyone else answers 404."""

from aslp_site.core.routes import Rule, role
from trainings.routes.rules import participant_route, takes_part_in_sample_cohort

from .completion import overrides_sample_completion, sees_sample_completion

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


# -- The certificate staff's workspace in the Wagtail admin (assessments/admin_certificate_views) --


def sees_some_certificates(user) -> bool:
    from cohorts.permissions import is_certificate_staff, is_organizer

    return is_organizer(user) or is_certificate_staff(user)


def _workspace(sample: str) -> Rule:
    return role(
        "organizer or certificate staff of the cohort in the URL (organizers look only); "
        "other cohorts answer 404",
        sees_sample_completion,
        sample=sample,
    )


def _issuing(sample: str) -> Rule:
    return role(
        "certificate staff of the cohort in the URL; organizers and others answer 404",
        overrides_sample_completion,
        sample=sample,
    )


_ADMIN = "admin/certificates/"
ROUTES.update(
    {
        _ADMIN: role(
            "organizers and certificate staff (each sees the cohorts they may)",
            sees_some_certificates,
            sample="/admin/certificates/",
        ),
        f"{_ADMIN}<slug:slug>/": _workspace("/admin/certificates/{cohort}/"),
        f"{_ADMIN}<slug:slug>/batches/<int:batch_id>/": _workspace(
            "/admin/certificates/{cohort}/batches/{batch}/"
        ),
        f"{_ADMIN}<slug:slug>/<int:pk>/": _workspace("/admin/certificates/{cohort}/{certificate}/"),
        f"{_ADMIN}<slug:slug>/issue/": _issuing("/admin/certificates/{cohort}/issue/"),
        f"{_ADMIN}<slug:slug>/zip/": _issuing("/admin/certificates/{cohort}/zip/"),
        f"{_ADMIN}<slug:slug>/participants/<int:pk>/issue/": _issuing(
            "/admin/certificates/{cohort}/participants/{participant}/issue/"
        ),
        f"{_ADMIN}<slug:slug>/<int:pk>/pdf/": _issuing(
            "/admin/certificates/{cohort}/{certificate}/pdf/"
        ),
        f"{_ADMIN}<slug:slug>/<int:pk>/reissue/": _issuing(
            "/admin/certificates/{cohort}/{certificate}/reissue/"
        ),
        f"{_ADMIN}<slug:slug>/<int:pk>/revoke/": _issuing(
            "/admin/certificates/{cohort}/{certificate}/revoke/"
        ),
    }
)
