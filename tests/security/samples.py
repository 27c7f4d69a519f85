"""The sample world of the permission matrix: the objects programme routes name in their URLs.

Cohort X (``SAMPLE_COHORT``) holds applicant A's submitted application from economy X
(``SAMPLE_ECONOMY``, with a CV), assigned to the reviewer; cohort Y exists for the organizer of Y.
Route rules name their sample path as a template (``/manage/{cohort}/applications/{application}/``);
:func:`fill_sample` builds what it needs and fills it in.
"""

from __future__ import annotations

from aslp_site.core.routes import SAMPLE_COHORT, SAMPLE_ECONOMY
from cohorts.models import (
    Application,
    ApplicationStatus,
    Cohort,
    FileKind,
    Nomination,
    ReviewAssignment,
    Role,
)
from tests.cohorts import factories

ECONOMY_Y = "THA"
COHORT_Y = "cohort-y"


def cohorts_world() -> tuple[Cohort, Cohort]:
    """Cohorts X and Y (created once per test)."""
    x = Cohort.objects.filter(slug=SAMPLE_COHORT).first() or factories.cohort(
        SAMPLE_COHORT, quotas={SAMPLE_ECONOMY: 2, ECONOMY_Y: 2}
    )
    y = Cohort.objects.filter(slug=COHORT_Y).first() or factories.cohort(
        COHORT_Y, quotas={SAMPLE_ECONOMY: 2, ECONOMY_Y: 2}
    )
    return x, y


def _with_role(email: str, role: str, cohort: str | None, economy: str | None):
    def make():
        x, y = cohorts_world()
        person = factories.user(email)
        scope = {"x": x, "y": y, None: None}[cohort]
        factories.grant(person, role, scope, economy)
        return person

    return make


def _participant():
    x, _y = cohorts_world()
    person = factories.user("participant@example.org")
    factories.application(
        x, person, economy_code=ECONOMY_Y, status=ApplicationStatus.CONFIRMED, with_files=True
    )
    return person


# Role name -> builder; merged into tests/security/conftest.py's ROLES.
PROGRAMME_ROLES = {
    "participant": _participant,
    "coordinator_x": _with_role("coordinator-x@example.org", Role.COORDINATOR, "x", SAMPLE_ECONOMY),
    "coordinator_y": _with_role("coordinator-y@example.org", Role.COORDINATOR, "x", ECONOMY_Y),
    "reviewer": _with_role("reviewer@example.org", Role.REVIEWER, "x", ECONOMY_Y),
    "organizer_x": _with_role("organizer-x@example.org", Role.ORGANIZER, "x", None),
    "organizer_y": _with_role("organizer-y@example.org", Role.ORGANIZER, "y", None),
    "certificate_staff": _with_role("certificates@example.org", Role.CERTIFICATE_STAFF, None, None),
}


def sample_application(personas) -> Application:
    x, _y = cohorts_world()
    owner = personas["applicant_a"]
    app = Application.objects.filter(cohort=x, applicant=owner).first()
    if app is None:
        app = factories.application(x, owner, economy_code=SAMPLE_ECONOMY, with_files=True)
    return app


def fill_sample(template: str, personas) -> str:
    x, _y = cohorts_world()
    app = sample_application(personas)
    review, _created = ReviewAssignment.objects.get_or_create(
        application=app, reviewer=personas["reviewer"]
    )
    cv = app.files.get(kind=FileKind.CV, is_current=True)
    nomination = Nomination.objects.filter(cohort=x, email="nominee@example.org").first()
    if nomination is None:
        nomination = Nomination.objects.create(
            cohort=x,
            economy=factories.economy(SAMPLE_ECONOMY),
            email="nominee@example.org",
            name="Nominee",
        )
    return template.format(
        cohort=x.slug,
        application=app.pk,
        file=cv.pk,
        review=review.pk,
        token=nomination.token,
        nomination=nomination.token,
    )


def sample_for(rule, personas) -> str:
    """The concrete path of a rule that names objects."""
    if rule.make_sample is not None:
        return rule.make_sample(personas)
    return fill_sample(rule.sample, personas)
