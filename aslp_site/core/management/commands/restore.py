"""``manage.py restore --input DIR [--verify-only]``: restore a backup into an empty database
and empty storages, then run the drill (``aslp_site.core.backup``; docs/backup.md)."""

from django.core.management.base import BaseCommand, CommandError

from aslp_site.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup folder into an empty database and empty storages, then check that "
        "everything matches the backup (the restore drill)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="The backup folder.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Restore nothing: only compare the database and storages with the backup.",
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def _fail(self, message: str, problems: list[str]):
        for problem in problems:
            self.stderr.write(f"- {problem}")
        raise CommandError(message)

    def handle(self, *args, **options):
        folder, using = options["input"], options["database"]
        try:
            manifest = backup.read_manifest(folder)
            if not options["verify_only"]:
                restored = backup.restore_backup(folder, using=using)
                self.stdout.write(
                    f"Database restored: {restored.vendor}, {restored.tables} tables, "
                    f"{restored.rows} rows"
                )
                self.stdout.write(f"Files restored: {restored.files}, bytes: {restored.bytes}")
            report = backup.run_drill(manifest, using=using)
        except backup.RestoreRefused as exc:
            self._fail(f"{exc} Restore only into an empty database and storages.", exc.problems)
        except backup.BackupError as exc:
            self._fail(f"Restore failed: {exc}", exc.problems)
        self.stdout.write(f"Tables checked: {report.tables}, rows: {report.rows}")
        self.stdout.write(
            f"Files checked: {report.files}, bytes: {report.bytes}, "
            f"not in the backup: {report.extra_files}"
        )
        self.stdout.write(f"File references checked: {report.references}")
        self.stdout.write(f"Recorded hashes checked: {report.hashes}")
        self.stdout.write(f"Certificates found by their code: {report.certificates_found}")
        self.stdout.write(f"Certificates verified: {report.credentials}")
        if not report.ok:
            count = len(report.problems)
            self._fail(
                f"Drill failed: {count} difference{'' if count == 1 else 's'} from the backup.",
                report.problems,
            )
        self.stdout.write("Drill passed: everything matches the backup.")
