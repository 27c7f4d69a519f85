"""Background tasks of the assessments app. Each is safe to run again (the database worker
has no retries and leaves a killed task marked running): see ``issuing.run_batch``."""

from django_tasks import task


@task()
def issue_certificates(batch_id: int, part: int = 0, parts: int | None = None) -> dict:
    """Run part ``part`` of ``parts`` of a bulk issue of a cohort's certificates (the whole
    batch when it has one part); returns the batch's counts as this part left them."""
    from .issuing import run_batch
    from .models import CertificateBatch

    batch = CertificateBatch.objects.select_related("cohort__programme", "started_by").get(
        pk=batch_id
    )
    batch = run_batch(batch, part=part, parts=parts)
    return {
        "part": part,
        "parts": batch.parts,
        "status": batch.status,
        "ended_batch": batch.ended_here,
        "issued": batch.issued,
        "skipped": batch.skipped,
        "failed": batch.failed,
        "total": batch.total,
    }
