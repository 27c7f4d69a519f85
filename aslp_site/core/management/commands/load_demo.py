"""Build (or bring up to date) the demo site: content in every site language and demo accounts.

Each app that has something to show contributes a ``demo`` module with a ``load(stdout)``
function. Loaders run in the order below (later ones may use what earlier ones made) and must
be idempotent: running the command twice leaves the same data as running it once.
"""

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "cohorts.demo",
    "trainings.demo",
    "assessments.demo",
    "aslp_site.core.demo",
    "aslp_site.public.demo",
    "aslp_site.accounts.demo",
]


class Command(BaseCommand):
    help = "Load the demo content and accounts (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.load(self.stdout)
        # Saving pages queues search-index updates for the task worker; index the demo now so
        # that search works at once, with or without a worker running.
        call_command("wagtail_update_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo ready."))
