"""Issue a cohort's certificates from the terminal, with progress, like the admin's bulk issue.

    python manage.py issue_certificates --cohort aslp-2025 [--speakers] [--no-email]

Safe to stop (Ctrl-C, kill) and run again: who already has a current certificate is skipped,
and serial numbers are never given twice (``assessments.issuing``).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from assessments import issuing
from assessments.certificates import warm_up
from assessments.models import BatchStatus, CertificateBatch
from cohorts import audit
from cohorts.models import Cohort


class Command(BaseCommand):
    help = "Issue the certificates of a cohort's eligible participants (and speakers)."

    def add_arguments(self, parser):
        parser.add_argument("--cohort", required=True, help="the cohort's slug, e.g. aslp-2025")
        parser.add_argument(
            "--speakers",
            action="store_true",
            help="also certificates of appreciation for the speakers of the cohort's sessions",
        )
        parser.add_argument(
            "--no-email", action="store_true", help="do not e-mail the participants"
        )

    def handle(self, *args, **options):
        try:
            cohort = Cohort.objects.select_related("programme").get(slug=options["cohort"])
        except Cohort.DoesNotExist as exc:
            raise CommandError(f"No cohort with the slug {options['cohort']!r}.") from exc
        problems = issuing.problems(cohort)
        for problem in problems:
            self.stderr.write(f"warning: {problem}")
        batch = CertificateBatch.objects.create(
            cohort=cohort,
            include_speakers=options["speakers"],
            send_email=not options["no_email"],
        )
        audit.record(
            cohort, "assessments.certificate_batch", None, batch=batch.pk, source="command"
        )
        warm_up(("en", "ko"))
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        state = {"last": 0.0, "line": ""}

        def progress(current: CertificateBatch) -> None:
            now = time.monotonic()
            finished = current.processed == current.total
            if not finished and now - state["last"] < (0.2 if interactive else 2.0):
                return
            line = (
                f"{current.processed}/{current.total} ({current.percent}%) "
                f"issued {current.issued}, already had one {current.skipped}, "
                f"failed {current.failed}"
            )
            if line == state["line"]:
                return
            state["last"], state["line"] = now, line
            if interactive:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        batch = issuing.run_batch(batch, progress=progress)
        if interactive:
            self.stdout.write("")
        for error in batch.errors:
            self.stderr.write(
                f"not issued: {error['name']}: {error['error']}".replace(": : ", ": ")
            )
        self.stdout.write(
            f"{cohort.slug}: {batch.issued} issued, {batch.skipped} already had one, "
            f"{batch.failed} failed, {batch.total} eligible."
        )
        if batch.status == BatchStatus.FAILED or batch.failed:
            raise CommandError(f"{batch.failed or 'No'} certificates could not be issued.")
