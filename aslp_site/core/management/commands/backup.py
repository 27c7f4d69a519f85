"""``manage.py backup --output DIR``: the database and both file storages in a new folder
(``aslp_site.core.backup``; docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from aslp_site.core import backup


class Command(BaseCommand):
    help = "Back up the database and the default and private file storages into a new folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="The backup folder to make (must not exist yet)."
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, **options):
        try:
            summary = backup.create_backup(options["output"], using=options["database"])
        except backup.BackupError as exc:
            for problem in exc.problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"Backup failed: {exc}") from exc
        per_storage = ", ".join(f"{a}: {n}" for a, n in summary.files_per_storage.items())
        self.stdout.write(f"Backup written to {summary.path}")
        self.stdout.write(f"Database: {summary.vendor}")
        self.stdout.write(f"Tables: {summary.tables}, rows: {summary.rows}")
        self.stdout.write(f"Files: {summary.files} ({per_storage}), bytes: {summary.bytes}")
        if summary.missing:
            self.stderr.write(
                "Warning: files that rows refer to but no storage holds (the restore drill "
                f"will report them): {len(summary.missing)}"
            )
            for name in summary.missing:
                self.stderr.write(f"- {name}")
