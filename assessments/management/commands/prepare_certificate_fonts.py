"""Make the static font instances certificates are drawn with (``make setup`` runs it).

Builds the Regular and Bold instances of the variable Noto fonts (Thai, KR, JP, SC, TC) into
``settings.CERTIFICATE_FONT_DIR`` and checks that the Debian Noto Sans files are present. Safe to
run again: existing instances are kept unless ``--force``. The certificate engine builds a
missing instance on first use too; running this beforehand keeps that cost (about 15 s per CJK
face) out of requests and task workers.
"""

from django.core.management.base import BaseCommand, CommandError

from assessments.certificates import fonts


class Command(BaseCommand):
    help = "Build the static Regular/Bold instances of the certificate fonts (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Rebuild instances that already exist."
        )
        parser.add_argument(
            "--family",
            action="append",
            choices=sorted(fonts.FAMILIES),
            help="Only this family (repeatable); all by default.",
        )

    def handle(self, *args, **options):
        try:
            for key, weight, path, built in fonts.prepare_all(
                force=options["force"], families=options["family"]
            ):
                state = "built" if built else "present"
                if built or options["verbosity"] > 1:
                    self.stdout.write(f"{key} {weight}: {state} {path}")
        except fonts.FontUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"]:
            self.stdout.write(f"Certificate fonts ready in {fonts.font_dir()}.")
