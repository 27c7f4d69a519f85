"""Backup and restore of the database and of both file storages, and the restore drill (R14).

A backup is a folder:

* ``database.dump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite,
  made with sqlite3's backup API);
* ``media/<alias>/<name>``: every file of the ``default`` and ``private`` storages;
* ``manifest.json``: the format, when it was made, the database vendor and the dump's SHA-256,
  the latest applied migration per app, the row count of every table, every file (storage,
  name, size, SHA-256) and the status of every certificate.

Rules:

1. Files are read and written only through Django's Storage API (``listdir``, ``open``,
   ``save``), never through a storage's folder, so the same code works on local folders and on
   S3 buckets. The backup folder itself is a local folder.
2. PostgreSQL: the counts, migrations and certificate statuses are read in one REPEATABLE READ
   transaction whose snapshot ``pg_dump --snapshot`` shares, so the dump and the manifest agree
   exactly. The files are copied after that snapshot: a file saved meanwhile is only an extra
   file, while a row saved meanwhile is not in the dump at all.
3. The backup is written under a temporary name next to the target and renamed at the end, so
   a failed or interrupted backup never looks complete (a failed one is removed).
4. A restore goes only into an empty database and empty storages, and only from a backup whose
   every file matches the manifest (checked before anything is written).
5. The drill (after a restore, or alone) lists every difference it finds: row counts, files
   (presence, size, SHA-256), file references of every row, hashes recorded in rows, and that
   every certificate is found by its code with the same status and its credential verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage, storages
from django.db import connections, models, transaction

FORMAT = "aslp-backup"
FORMAT_VERSION = 1
STORAGE_ALIASES = ("default", "private")
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA = "media"
CHUNK = 1024 * 1024
SPOOL_MAX = 8 * 1024 * 1024  # larger files go through a temporary file while restoring
PROBLEM_EXAMPLES = 5


class BackupError(Exception):
    """A backup or restore that cannot go on; ``problems`` lists the details."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class RestoreRefused(BackupError):
    """The target database or a storage is not empty."""


# -- Tables, files and digests ---------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Every installed model with its own table (proxy and unmanaged models left out)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.managed
    ]


def model_tables() -> list[str]:
    return sorted({model._meta.db_table for model in backed_up_models()})


def storage_files(storage) -> Iterator[str]:
    """Every file name of a storage, walking its folders with ``listdir``."""
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            if folder == "":
                return  # a local storage whose folder was never made holds no file
            raise
        for name in files:
            yield f"{folder}/{name}" if folder else name
        folders.extend(f"{folder}/{sub}" if folder else sub for sub in subfolders)


def checked_name(name: str) -> PurePosixPath:
    """A storage name as a relative path that stays inside the backup's media folder."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"Unsafe file name in a storage or manifest: {name!r}")
    if "\\" in name or "\x00" in name:
        raise BackupError(f"Unsafe file name in a storage or manifest: {name!r}")
    return path


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str
    sha1: str  # what Wagtail records for images and documents (``file_hash``)


def copy_stream(source, target=None) -> Digest:
    """Read ``source`` to its end (writing it to ``target`` if given) and digest it."""
    sha256 = hashlib.sha256()
    sha1 = hashlib.sha1(usedforsecurity=False)
    size = 0
    while chunk := source.read(CHUNK):
        sha256.update(chunk)
        sha1.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return Digest(size, sha256.hexdigest(), sha1.hexdigest())


def file_digest(path: Path) -> Digest:
    with open(path, "rb") as handle:
        return copy_stream(handle)


def storage_alias(model_field: models.FileField) -> str:
    """Which of the backed-up storages a file field uses."""
    storage = model_field.storage
    factory = getattr(model_field, "_storage_callable", None)
    if factory is not None:
        storage = factory()
    if storage is default_storage:
        return "default"
    for alias in STORAGE_ALIASES:
        if storages[alias] is storage:
            return alias
    raise BackupError(
        f"{model_field.model._meta.label}.{model_field.name} uses a storage that is neither "
        f"of {', '.join(STORAGE_ALIASES)}: it would not be backed up."
    )


# -- Reading the database's state ------------------------------------------------------------------


def _read_state(cursor, quote: Callable[[str], str]) -> dict:
    """Row counts, latest migrations and certificate statuses, through a DB-API cursor (the
    snapshot transaction's, or the SQLite copy's)."""
    counts = {}
    for table in model_tables():
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (model tables)
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, applied, id")
    applied = cursor.fetchall()
    latest = {app: name for app, name in applied}
    certificate = apps.get_model("assessments", "Certificate")
    meta = certificate._meta
    columns = ", ".join(
        quote(meta.get_field(name).column) for name in ("id", "serial", "status", "credential")
    )
    cursor.execute(f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY 1")  # noqa: S608
    certificates = {
        str(pk): {"serial": serial, "status": status, "credential": bool(credential)}
        for pk, serial, status, credential in cursor.fetchall()
    }
    references = set()
    for model, fields in _file_models():
        for model_field in fields:
            alias, column = storage_alias(model_field), quote(model_field.column)
            cursor.execute(
                f"SELECT {column} FROM {quote(model._meta.db_table)} WHERE {column} <> ''"  # noqa: S608
            )
            references.update((alias, name) for (name,) in cursor.fetchall())
    return {
        "tables": counts,
        "migrations": latest,
        "migrations_applied": len(applied),
        "certificates": certificates,
        "references": references,
    }


# -- PostgreSQL tools ------------------------------------------------------------------------------


def _pg_command(program: str, settings_dict: dict, *arguments: str) -> tuple[list[str], dict]:
    """A PostgreSQL client command for the connection's settings; the password (and TLS
    options) go in the environment, never on the command line."""
    from django.db.backends.postgresql.client import DatabaseClient

    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} not found: install the PostgreSQL client tools (the server's major "
            "version or newer)."
        )
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    command = [executable]
    if settings_dict.get("HOST"):
        command += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        command += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        command += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("NAME"):
        command += ["--dbname", str(settings_dict["NAME"])]
    command += ["--no-password", *arguments]
    return command, {**os.environ, **(env or {})}


def _run(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(
            f"{name} failed (exit {done.returncode}).",
            [line for line in done.stderr.splitlines() if line.strip()][-20:],
        )


def _dump_postgresql(connection, work: Path) -> dict:
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction (it opens its own snapshot).")
    connection.ensure_connection()
    target = work / POSTGRES_DUMP
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = _read_state(cursor, connection.ops.quote_name)
            # pg_dump reads the very snapshot the counts were taken from while it is open.
            command, env = _pg_command(
                "pg_dump",
                connection.settings_dict,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
            )
            _run(command, env)
    return state


def _dump_sqlite(connection, work: Path) -> dict:
    connection.ensure_connection()
    target_path = work / SQLITE_COPY
    target = sqlite3.connect(target_path)
    try:
        with connection.wrap_database_errors:
            connection.connection.backup(target)
        # The counts come from the copy, so they describe exactly what was copied.
        state = _read_state(target.cursor(), connection.ops.quote_name)
    finally:
        target.close()
    return state


# -- Backup ----------------------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: Path
    vendor: str
    tables: int
    rows: int
    files: int
    bytes: int
    files_per_storage: dict[str, int]
    missing: list[str]  # files that rows refer to but no storage had


def _copy_storages(media_root: Path) -> list[dict]:
    entries = []
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        for name in sorted(storage_files(storage)):
            destination = media_root / alias / Path(*checked_name(name).parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, open(destination, "xb") as target:
                digest = copy_stream(source, target)
            entries.append(
                {"storage": alias, "name": name, "size": digest.size, "sha256": digest.sha256}
            )
    return entries


def create_backup(output: Path | str, *, using: str = "default") -> BackupSummary:
    """Write a complete backup folder at ``output`` (which must not exist yet)."""
    output = Path(output).absolute()
    if output.exists():
        raise BackupError(f"{output} exists already: give the name of a new folder.")
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.incomplete-", dir=output.parent))
    try:
        connection = connections[using]
        if connection.vendor == "postgresql":
            state, dump = _dump_postgresql(connection, work), POSTGRES_DUMP
        elif connection.vendor == "sqlite":
            state, dump = _dump_sqlite(connection, work), SQLITE_COPY
        else:
            raise BackupError(f"Unsupported database: {connection.vendor}.")
        dump_digest = file_digest(work / dump)
        references = state.pop("references")
        files = _copy_storages(work / MEDIA)
        copied = {(entry["storage"], entry["name"]) for entry in files}
        missing = sorted(references - copied)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "django": django.get_version(),
            "database": {
                "vendor": connection.vendor,
                "file": dump,
                "size": dump_digest.size,
                "sha256": dump_digest.sha256,
            },
            **state,
            "files": files,
            # Already missing when the backup was made (or deleted while it ran).
            "missing_files": [{"storage": alias, "name": name} for alias, name in missing],
        }
        with open(work / MANIFEST, "x", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(work, output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    per_storage = {alias: 0 for alias in STORAGE_ALIASES}
    for entry in files:
        per_storage[entry["storage"]] += 1
    return BackupSummary(
        path=output,
        vendor=connection.vendor,
        tables=len(state["tables"]),
        rows=sum(state["tables"].values()),
        files=len(files),
        bytes=sum(entry["size"] for entry in files),
        files_per_storage=per_storage,
        missing=[f"{alias}:{name}" for alias, name in missing],
    )


# -- Restore ---------------------------------------------------------------------------------------


def read_manifest(folder: Path | str) -> dict:
    path = Path(folder) / MANIFEST
    try:
        with open(path, encoding="utf-8") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        raise BackupError(f"{path} not found: this is not a complete backup folder.") from None
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: unknown backup format {manifest.get('format')!r} "
            f"version {manifest.get('version')!r}."
        )
    for entry in manifest["files"]:
        if entry["storage"] not in STORAGE_ALIASES:
            raise BackupError(f"{path}: unknown storage {entry['storage']!r}.")
        checked_name(entry["name"])
    return manifest


def backup_problems(folder: Path, manifest: dict) -> list[str]:
    """What in the backup folder differs from its manifest (read before anything is restored)."""
    problems = []
    database = manifest["database"]
    dump = folder / database["file"]
    if not dump.is_file():
        problems.append(f"The database file {database['file']} is missing.")
    else:
        digest = file_digest(dump)
        if (digest.size, digest.sha256) != (database["size"], database["sha256"]):
            problems.append(f"The database file {database['file']} does not match its SHA-256.")
    for entry in manifest["files"]:
        label = f"{entry['storage']}:{entry['name']}"
        path = folder / MEDIA / entry["storage"] / Path(*checked_name(entry["name"]).parts)
        if not path.is_file():
            problems.append(f"Backup copy of {label} is missing.")
            continue
        digest = file_digest(path)
        if digest.size != entry["size"]:
            problems.append(
                f"Backup copy of {label} has {digest.size} bytes, the manifest {entry['size']}."
            )
        elif digest.sha256 != entry["sha256"]:
            problems.append(f"Backup copy of {label} does not match its SHA-256.")
    return problems


def _is_memory_sqlite(name) -> bool:
    text = str(name)
    return text == ":memory:" or "mode=memory" in text or text.startswith("file:memorydb")


def target_problems(using: str = "default") -> list[str]:
    """Why the target is not empty (nothing is ever restored over existing data)."""
    connection = connections[using]
    problems = []
    if connection.vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        if _is_memory_sqlite(name):
            problems.append("The database is an in-memory SQLite database.")
        elif Path(name).exists() and Path(name).stat().st_size > 0:
            problems.append(f"The database file {name} exists and is not empty.")
    if not problems:
        tables = sorted(connection.introspection.table_names())
        if tables:
            examples = ", ".join(tables[:PROBLEM_EXAMPLES])
            more = ", ..." if len(tables) > PROBLEM_EXAMPLES else ""
            problems.append(f"The database has {len(tables)} tables ({examples}{more}).")
    for alias in STORAGE_ALIASES:
        first = next(storage_files(storages[alias]), None)
        if first is not None:
            problems.append(f"The {alias} storage has files (for example {first}).")
    return problems


def _restore_postgresql(connection, folder: Path, manifest: dict) -> None:
    connection.close()
    command, env = _pg_command(
        "pg_restore",
        connection.settings_dict,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(folder / manifest["database"]["file"]),
    )
    _run(command, env)


def _restore_sqlite(connection, folder: Path, manifest: dict) -> None:
    name = Path(connection.settings_dict["NAME"])
    connection.close()
    if name.exists() and name.stat().st_size > 0:
        raise RestoreRefused(f"The database file {name} is not empty.")
    copy = (folder / manifest["database"]["file"]).absolute()
    source = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_file(folder: Path, entry: dict) -> None:
    alias, name = entry["storage"], entry["name"]
    path = folder / MEDIA / alias / Path(*checked_name(name).parts)
    with open(path, "rb") as source, tempfile.SpooledTemporaryFile(SPOOL_MAX) as buffer:
        digest = copy_stream(source, buffer)
        if (digest.size, digest.sha256) != (entry["size"], entry["sha256"]):
            raise BackupError(f"Backup copy of {alias}:{name} does not match its SHA-256.")
        buffer.seek(0)
        content = File(buffer, name=PurePosixPath(name).name)
        content.size = digest.size
        saved = storages[alias].save(name, content)
    if saved != name:
        raise BackupError(f"{alias}:{name} was stored as {saved}: the storage renamed it.")


@dataclass
class RestoreSummary:
    vendor: str
    tables: int
    rows: int
    files: int
    bytes: int


def restore_backup(folder: Path | str, *, using: str = "default") -> RestoreSummary:
    """Restore a backup folder into the empty database and storages of this site."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    connection = connections[using]
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The backup holds a {vendor} database; this site uses {connection.vendor}."
        )
    if refused := target_problems(using):
        raise RestoreRefused("Refusing to restore: the target is not empty.", refused)
    if damaged := backup_problems(folder, manifest):
        raise BackupError("The backup folder does not match its manifest.", damaged)
    if vendor == "postgresql":
        _restore_postgresql(connection, folder, manifest)
    else:
        _restore_sqlite(connection, folder, manifest)
    for entry in manifest["files"]:
        _restore_file(folder, entry)
    return RestoreSummary(
        vendor=vendor,
        tables=len(manifest["tables"]),
        rows=sum(manifest["tables"].values()),
        files=len(manifest["files"]),
        bytes=sum(entry["size"] for entry in manifest["files"]),
    )


# -- The drill -------------------------------------------------------------------------------------


@dataclass
class DrillReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    bytes: int = 0
    extra_files: int = 0
    references: int = 0
    hashes: int = 0
    certificates_found: int = 0
    credentials: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _file_models() -> Iterator[tuple[type[models.Model], list[models.FileField]]]:
    for model in backed_up_models():
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, models.FileField)]
        if fields:
            yield model, fields


class _Digests:
    """Digests of stored files, each read once."""

    def __init__(self):
        self._known: dict[tuple[str, str], Digest] = {}

    def __call__(self, alias: str, name: str) -> Digest:
        key = (alias, name)
        if key not in self._known:
            with storages[alias].open(name, "rb") as handle:
                self._known[key] = copy_stream(handle)
        return self._known[key]


def _check_tables(connection, manifest: dict, report: DrillReport) -> None:
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    expected = manifest["tables"]
    with connection.cursor() as cursor:
        for table in sorted(set(model_tables()) | set(expected)):
            if table not in existing:
                report.problems.append(f"Table {table} is missing.")
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (model tables)
            count = cursor.fetchone()[0]
            report.tables += 1
            report.rows += count
            if table not in expected:
                report.problems.append(f"Table {table} ({count} rows) is not in the backup.")
            elif count != expected[table]:
                report.problems.append(
                    f"Table {table} has {count} rows, the backup {expected[table]}."
                )
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, applied, id")
        latest = {app: name for app, name in cursor.fetchall()}
    if latest != manifest["migrations"]:
        for app in sorted(set(latest) | set(manifest["migrations"])):
            if latest.get(app) != manifest["migrations"].get(app):
                report.problems.append(
                    f"Migrations of {app}: the database is at {latest.get(app)}, "
                    f"the backup at {manifest['migrations'].get(app)}."
                )


def _check_files(manifest: dict, listings, digests: _Digests, report: DrillReport) -> None:
    listed = {alias: set() for alias in STORAGE_ALIASES}
    for entry in manifest["files"]:
        alias, name = entry["storage"], entry["name"]
        listed[alias].add(name)
        report.files += 1
        if name not in listings[alias]:
            report.problems.append(f"File {alias}:{name} is missing from the storage.")
            continue
        digest = digests(alias, name)
        report.bytes += digest.size
        if digest.size != entry["size"]:
            report.problems.append(
                f"File {alias}:{name} has {digest.size} bytes, the backup {entry['size']}."
            )
        elif digest.sha256 != entry["sha256"]:
            report.problems.append(f"File {alias}:{name} does not match its SHA-256.")
    report.extra_files = sum(len(listings[alias] - listed[alias]) for alias in STORAGE_ALIASES)


def _check_references(listings, report: DrillReport) -> None:
    for model, fields in _file_models():
        aliases = [storage_alias(f) for f in fields]
        rows = model._base_manager.order_by("pk").values_list("pk", *(f.attname for f in fields))
        for pk, *names in rows.iterator():
            for model_field, alias, name in zip(fields, aliases, names, strict=True):
                if not name:
                    continue
                report.references += 1
                if name not in listings[alias]:
                    report.problems.append(
                        f"{model._meta.label} {pk}: {model_field.name} refers to a missing "
                        f"file {alias}:{name}."
                    )


# Recorded hash and size fields next to a file: ours (SHA-256) and Wagtail's (SHA-1).
HASH_FIELDS = {"sha256": "sha256", "file_hash": "sha1"}
SIZE_FIELDS = ("size", "file_size")


def _check_recorded_hashes(listings, digests: _Digests, report: DrillReport) -> None:
    for model, fields in _file_models():
        if len(fields) != 1:
            continue
        names = {f.name for f in model._meta.local_concrete_fields}
        hash_fields = [name for name in HASH_FIELDS if name in names]
        size_fields = [name for name in SIZE_FIELDS if name in names]
        if not hash_fields:
            continue
        file_field = fields[0]
        alias = storage_alias(file_field)
        rows = model._base_manager.order_by("pk").values_list(
            "pk", file_field.attname, *hash_fields, *size_fields
        )
        for pk, name, *recorded in rows.iterator():
            hashes = dict(zip(hash_fields, recorded[: len(hash_fields)], strict=True))
            sizes = dict(zip(size_fields, recorded[len(hash_fields) :], strict=True))
            if not name or not any(hashes.values()) or name not in listings[alias]:
                continue  # no file or no hash recorded; a missing file is reported already
            report.hashes += 1
            digest = digests(alias, name)
            label = f"{model._meta.label} {pk}"
            for field_name, value in hashes.items():
                if value and value != getattr(digest, HASH_FIELDS[field_name]):
                    report.problems.append(
                        f"{label}: the recorded {field_name} does not match {alias}:{name}."
                    )
            for field_name, value in sizes.items():
                if value is not None and value != digest.size:
                    report.problems.append(
                        f"{label}: the recorded {field_name} {value} differs from the "
                        f"{digest.size} bytes of {alias}:{name}."
                    )


def _check_certificates(manifest: dict, report: DrillReport) -> None:
    from assessments import badges, issuing
    from assessments.models import Certificate, CertificateStatus

    recorded = manifest.get("certificates", {})
    seen = set()
    for certificate in Certificate.objects.select_related("cohort").order_by("pk").iterator():
        seen.add(str(certificate.pk))
        label = f"Certificate {certificate.serial}"
        found = issuing.find_by_code(certificate.code)
        expected = recorded.get(str(certificate.pk))
        if found is None or found.pk != certificate.pk:
            report.problems.append(f"{label} is not found by its verification code.")
        elif expected is not None and found.status != expected["status"]:
            report.problems.append(
                f"{label} is {found.status}, in the backup {expected['status']}."
            )
        else:
            report.certificates_found += 1
        if not certificate.credential:
            continue
        outcome = badges.check(certificate)
        if not outcome.signature_ok:
            reason = outcome.verification.reason if outcome.verification else ""
            report.problems.append(f"{label}: the credential does not verify ({reason}).")
        elif not outcome.matches:
            report.problems.append(f"{label}: the credential describes another certificate.")
        elif outcome.listed_revoked != (certificate.status != CertificateStatus.VALID):
            report.problems.append(
                f"{label}: the revocation list disagrees with its status {certificate.status}."
            )
        else:
            report.credentials += 1
    for pk in sorted(set(recorded) - seen, key=int):
        report.problems.append(f"Certificate {recorded[pk]['serial']} of the backup is missing.")


def run_drill(manifest: dict, *, using: str = "default") -> DrillReport:
    """Compare this site's database and storages with a backup's manifest."""
    connection = connections[using]
    report = DrillReport()
    _check_tables(connection, manifest, report)
    listings = {alias: set(storage_files(storages[alias])) for alias in STORAGE_ALIASES}
    digests = _Digests()
    _check_files(manifest, listings, digests, report)
    _check_references(listings, report)
    _check_recorded_hashes(listings, digests, report)
    _check_certificates(manifest, report)
    return report
