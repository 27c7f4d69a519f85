"""R5: organizers accepting at the same moment never exceed a quota or the cohort's seats.

The race tests start many threads, each with its own database connection, behind a barrier so
that their decisions hit PostgreSQL together. They need real row locks, so they run on
PostgreSQL only. The constraint tests run everywhere.
"""

import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import F, Sum

from cohorts.models import Application, ApplicationStatus, Cohort, EconomyQuota
from cohorts.selection import QuotaFull, decide

from . import factories as f

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the quota race needs PostgreSQL row locks"
)


def _race(applications, organizer) -> tuple[list[int], list[str], list[BaseException]]:
    """Accept every application at once, one thread each; (accepted ids, refusals, errors)."""
    barrier = threading.Barrier(len(applications))
    accepted: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def accept(application):
        try:
            barrier.wait(timeout=30)
            decide(application, "accepted", by=organizer)
            with lock:
                accepted.append(application.pk)
        except QuotaFull as refused:
            with lock:
                refusals.append(str(refused))
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(app,)) for app in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return accepted, refusals, errors


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_organizers_accepting_at_once_never_exceed_the_economy_quota():
    organizer = f.user()
    cohort = f.cohort(quotas={"ROK": 3}, total_seats=30)
    applications = [f.application(cohort, economy_code="ROK") for _ in range(20)]

    accepted, refusals, errors = _race(applications, organizer)

    assert errors == []
    assert len(accepted) == 3
    assert len(refusals) == 17
    assert set(refusals) == {
        "Republic of Korea's quota of 3 seats is full; wait-list the applicant or free a seat "
        "first."
    }
    assert EconomyQuota.objects.get(cohort=cohort).accepted_count == 3
    assert Cohort.objects.get(pk=cohort.pk).accepted_count == 3
    assert Application.objects.filter(cohort=cohort, status=ApplicationStatus.ACCEPTED).count() == 3
    assert set(
        Application.objects.filter(cohort=cohort, status=ApplicationStatus.ACCEPTED).values_list(
            "pk", flat=True
        )
    ) == set(accepted)


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_organizers_of_several_economies_never_exceed_the_cohort_seats():
    organizer = f.user()
    codes = ["ROK", "THA", "JPN", "USA"]
    cohort = f.cohort(quotas=dict.fromkeys(codes, 5), total_seats=4)
    applications = [f.application(cohort, economy_code=code) for code in codes for _ in range(4)]

    accepted, refusals, errors = _race(applications, organizer)

    assert errors == []
    assert len(accepted) == 4
    assert len(refusals) == 12
    assert all(
        refusal.startswith("All 4 seats of the cohort are taken")
        or "quota of 5 seats is full" in refusal
        for refusal in refusals
    )
    assert Cohort.objects.get(pk=cohort.pk).accepted_count == 4
    assert EconomyQuota.objects.filter(cohort=cohort).aggregate(total=Sum("accepted_count")) == {
        "total": 4
    }
    for quota in EconomyQuota.objects.filter(cohort=cohort):
        assert (
            quota.accepted_count
            == Application.objects.filter(
                cohort=cohort, economy=quota.economy, status=ApplicationStatus.ACCEPTED
            ).count()
        )


# -- The database's own guard (every database) ------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_quota_counter_beyond_its_seats():
    cohort = f.cohort(quotas={"ROK": 2})
    quota = EconomyQuota.objects.get(cohort=cohort)
    with pytest.raises(IntegrityError), transaction.atomic():
        EconomyQuota.objects.filter(pk=quota.pk).update(accepted_count=F("seats") + 1)
    quota.refresh_from_db()
    assert quota.accepted_count == 0


@pytest.mark.django_db
def test_the_database_refuses_a_cohort_counter_beyond_its_seats():
    cohort = f.cohort(total_seats=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=cohort.pk).update(accepted_count=6)
    cohort.refresh_from_db()
    assert cohort.accepted_count == 0
