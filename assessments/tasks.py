"""Background tasks of the assessments app. Each is safe to run again (the database worker
has no retries and leaves a killed task marked running): see ``issuing.run_batch``."""

from django_tasks import task


@task()
def issue_certificates(batch_id: int) -> dict:
    """Run one bulk issue of a cohort's certificates; returns its counts."""
    from .issuing import run_batch
    from .models import CertificateBatch

    batch = run_batch(CertificateBatch.objects.select_related("cohort__programme").get(pk=batch_id))
    return {
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
        "total": batch.total,
    }
