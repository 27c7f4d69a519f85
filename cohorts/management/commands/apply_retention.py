"""Delete unsuccessful applicants' files once each cohort's retention period is over (for cron).

Safe to run as often as wanted: files once deleted are gone, so a second run deletes nothing.
"""

from django.core.management.base import BaseCommand

from cohorts.personal_data import apply_retention


class Command(BaseCommand):
    help = (
        "Delete the files of applications not accepted or confirmed, in cohorts whose call "
        "closed more than their retention period ago."
    )

    def handle(self, *args, **options):
        results = apply_retention()
        if not results:
            self.stdout.write("No cohort has a retention period that is over.")
        for result in results:
            self.stdout.write(
                f"{result.cohort.slug}: {result.files} file(s) of {result.applications} "
                "application(s) deleted."
            )
