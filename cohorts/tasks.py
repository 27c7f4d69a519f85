"""Background tasks of the cohorts app. Each is safe to run twice (the database worker has no
retries and may leave a killed task to be re-run)."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_email(subject: str, body: str, to: list[str], reply_to: list[str] | None = None):
    """Send one rendered e-mail (rendering happens before, in the recipient's language)."""
    EmailMessage(subject=subject, body=body, to=to, reply_to=reply_to or None).send()
