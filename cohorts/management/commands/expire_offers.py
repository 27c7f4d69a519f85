"""Expire offers not answered by their deadline and offer the seats to the wait-list (for cron).

Safe to run as often as wanted (every few minutes, say): an offer expires once.
"""

from django.core.management.base import BaseCommand

from cohorts.selection import expire_offers


class Command(BaseCommand):
    help = (
        "Mark accepted applications whose offer deadline has passed as expired, give their "
        "seats back and offer them to each economy's next wait-listed applicant."
    )

    def handle(self, *args, **options):
        expired = expire_offers()
        self.stdout.write(f"{expired} offer(s) expired.")
