"""R14: the backup and restore drill. ``manage.py backup`` writes the database and both file
storages into a folder; ``manage.py restore`` (a separate process, with an empty database and
empty storages of its own) brings them back and checks everything against the manifest: row
counts, files, file references, recorded hashes, certificates and their credentials.

The PostgreSQL drill needs DATABASE_URL pointing at PostgreSQL (skipped otherwise); the SQLite
round trip runs without it (skipped on PostgreSQL runs).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from assessments import issuing
from assessments.models import Certificate
from cohorts.models import ApplicationFile, FileKind, private_storage
from tests.assessments.certificate_world import certificate_world
from tests.cohorts import factories as cf
from tests.trainings import factories as f

ROOT = Path(__file__).resolve().parents[2]
FILESYSTEM = "django.core.files.storage.FileSystemStorage"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs PostgreSQL and its client tools (pg_dump, pg_restore: postgresql-client)",
)


# -- Set-up ----------------------------------------------------------------------------------------


@pytest.fixture
def folders(tmp_path, settings, monkeypatch):
    """This test's own public and private storage folders, and a place for backups."""
    media, private = tmp_path / "media", tmp_path / "private"
    settings.MEDIA_ROOT = str(media)
    settings.PRIVATE_MEDIA_ROOT = str(private)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": FILESYSTEM},
        "private": {"BACKEND": FILESYSTEM, "OPTIONS": {"location": str(private), "base_url": None}},
    }
    # The models' private file fields keep the storage object made when their class was made
    # (a callable storage is called once): point it at this test's folder too, as
    # tests/cohorts/applying.py does.
    for model_field in (
        ApplicationFile._meta.get_field("file"),
        Certificate._meta.get_field("pdf"),
    ):
        assert model_field._storage_callable is private_storage
        held = model_field.storage
        if held is not storages["private"]:
            monkeypatch.setitem(held.__dict__, "base_location", str(private))
            monkeypatch.setitem(held.__dict__, "location", str(private))
    return {"media": media, "private": private, "root": tmp_path}


def build_world() -> dict:
    """Four real certificates (one revoked), an application with a CV, a public image and a
    public document."""
    world = certificate_world("drill")
    issued = [
        issuing.issue_participant(world[name], send_email=False)
        for name in ("kim", "somchai", "lee")
    ]
    issued.append(issuing.issue_speaker(world["cohort"], world["speaker"]))
    issuing.revoke(issued[2], by=f.organizer(world["cohort"]), reason="Issued by mistake.")
    cv = cf.attach(world["kim"].application, FileKind.CV)
    image = get_image_model().objects.create(title="Drill photo", file=get_test_image_file())
    document = get_document_model().objects.create(
        title="Drill handout", file=ContentFile(b"Programme handout\n", name="handout.txt")
    )
    for upload in (image, document):  # what Wagtail's upload forms record: SHA-1 and size
        upload.get_file_hash()
        upload.get_file_size()
    return {**world, "certificates": issued, "cv": cv, "image": image, "document": document}


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def database_figures() -> tuple[int, int]:
    """Tables of the installed models (as Django's introspection lists them) and their rows."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    rows = 0
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += cursor.fetchone()[0]
    return len(tables), rows


def manage(*args: str, database_url: str, media: Path, private: Path, **extra_env: str):
    """``manage.py`` in a new process with its own database and storage folders."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aslp_site.settings.test",
        "DATABASE_URL": database_url,
        "MEDIA_STORAGE": "filesystem",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(private),
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def backup(folders, name: str = "backup") -> tuple[Path, list[str]]:
    out = StringIO()
    target = folders["root"] / name
    call_command("backup", output=str(target), stdout=out)
    return target, lines(out.getvalue())


class Databases:
    """New, empty PostgreSQL databases on the test database's server, dropped at the end."""

    def __init__(self):
        import psycopg

        db = connection.settings_dict
        self.server = {
            "host": db["HOST"] or "127.0.0.1",
            "port": int(db["PORT"] or 5432),
            "user": db["USER"],
            "password": db["PASSWORD"] or None,
        }
        self.admin = psycopg.connect(dbname="postgres", autocommit=True, **self.server)
        self.names: list[str] = []

    def new(self) -> str:
        from psycopg import sql

        name = f"h_backup_restore_{secrets.token_hex(4)}"
        self.admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        s = self.server
        password = f":{quote(s['password'], safe='')}" if s["password"] else ""
        return f"postgres://{quote(s['user'], safe='')}{password}@{s['host']}:{s['port']}/{name}"

    def connect(self, name: str):
        import psycopg

        return psycopg.connect(dbname=name, autocommit=True, **self.server)

    def drop_all(self):
        from psycopg import sql

        for name in self.names:
            self.admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        self.admin.close()


@pytest.fixture
def databases():
    made = Databases()
    yield made
    made.drop_all()


def expected_drill(tables, rows, files: list[Path], hashes: int, certificates: int):
    return [
        f"Tables checked: {tables}, rows: {rows}",
        f"Files checked: {len(files)}, bytes: {sum(p.stat().st_size for p in files)}, "
        "not in the backup: 0",
        f"File references checked: {len(files)}",
        f"Recorded hashes checked: {hashes}",
        f"Certificates found by their code: {certificates}",
        f"Certificates verified: {certificates}",
        "Drill passed: everything matches the backup.",
    ]


def recorded_hashes() -> int:
    """Rows that record their file's hash: certificates and application files (SHA-256),
    Wagtail images and documents (SHA-1, when Wagtail set it)."""
    return (
        Certificate.objects.count()
        + ApplicationFile.objects.count()
        + get_image_model().objects.exclude(file_hash="").count()
        + get_document_model().objects.exclude(file_hash="").count()
    )


# -- PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restore_and_the_drill_on_postgresql(folders, databases):
    world = build_world()
    tables, rows = database_figures()
    media_files = files_under(folders["media"])
    private_files = files_under(folders["private"])
    all_files = media_files + private_files
    assert len(media_files) == 2  # the image and the document
    assert len(private_files) == 5  # four certificate PDFs and the CV
    hashes = recorded_hashes()
    assert hashes == 7  # four certificates, the CV, the image and the document

    started = time.monotonic()
    target, printed = backup(folders)
    assert printed == [
        f"Backup written to {target}",
        "Database: postgresql",
        f"Tables: {tables}, rows: {rows}",
        f"Files: 7 (default: 2, private: 5), bytes: {sum(p.stat().st_size for p in all_files)}",
    ]
    assert sorted(p.name for p in target.iterdir()) == ["database.dump", "manifest.json", "media"]
    assert not [p for p in folders["root"].iterdir() if p.name.startswith(".backup")]
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "postgresql"
    assert manifest["missing_files"] == []
    assert manifest["tables"]["assessments_certificate"] == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
        latest = dict(cursor.fetchall())
    assert manifest["migrations"] == latest
    revoked = world["certificates"][2]
    assert manifest["certificates"][str(revoked.pk)]["status"] == "revoked"
    pdf = world["certificates"][0]
    entry = next(e for e in manifest["files"] if e["name"] == pdf.pdf.name)
    assert entry == {
        "storage": "private",
        "name": pdf.pdf.name,
        "size": pdf.size,
        "sha256": pdf.sha256,
    }

    # Restore into a new, empty database and empty folders, in another process.
    name = databases.new()
    url = databases.url(name)
    media, private = folders["root"] / "restored-media", folders["root"] / "restored-private"
    done = manage("restore", "--input", str(target), database_url=url, media=media, private=private)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout) == [
        f"Database restored: postgresql, {tables} tables, {rows} rows",
        f"Files restored: 7, bytes: {sum(p.stat().st_size for p in all_files)}",
        *expected_drill(tables, rows, all_files, hashes, 4),
    ]
    print(f"backup + restore + drill of the data set: {elapsed:.1f} s")
    for original in all_files:
        base = folders["media"] if original in media_files else folders["private"]
        twin = (media if original in media_files else private) / original.relative_to(base)
        assert twin.read_bytes() == original.read_bytes()

    # Restoring over it is refused, and changes nothing.
    again = manage(
        "restore", "--input", str(target), database_url=url, media=media, private=private
    )
    assert again.returncode == 1
    assert "Refusing to restore: the target is not empty." in again.stderr
    assert "- The default storage has files" in again.stderr
    assert "- The private storage has files" in again.stderr
    # ... also with empty storages: the database alone is not empty.
    empty_media, empty_private = folders["root"] / "empty-media", folders["root"] / "empty-private"
    refused = manage(
        "restore",
        "--input",
        str(target),
        database_url=url,
        media=empty_media,
        private=empty_private,
    )
    assert refused.returncode == 1
    assert lines(refused.stderr)[0].startswith(f"- The database has {tables + 1} tables (")
    assert "storage has files" not in refused.stderr
    assert not empty_media.exists() and not empty_private.exists()

    def verify_only():
        return manage(
            "restore",
            "--input",
            str(target),
            "--verify-only",
            database_url=url,
            media=media,
            private=private,
        )

    verified = verify_only()
    assert verified.returncode == 0, verified.stderr
    assert lines(verified.stdout) == expected_drill(tables, rows, all_files, hashes, 4)

    # A certificate PDF removed from the restored storage: named, then put back.
    removed = private / pdf.pdf.name
    kept = removed.read_bytes()
    removed.unlink()
    missing = verify_only()
    assert missing.returncode == 1
    assert lines(missing.stderr) == [
        f"- File private:{pdf.pdf.name} is missing from the storage.",
        f"- assessments.Certificate {pdf.pk}: pdf refers to a missing file private:{pdf.pdf.name}.",
        "CommandError: Drill failed: 2 differences from the backup.",
    ]
    removed.write_bytes(kept)

    # The CV and the image changed in the restored storages (one bit each): the files, and the
    # hashes their rows record (our SHA-256 of the CV, Wagtail's SHA-1 of the image).
    cv, image = world["cv"], world["image"]
    originals = {}
    for path in (private / cv.file.name, media / image.file.name):
        originals[path] = path.read_bytes()
        flipped_bit = bytearray(originals[path])
        flipped_bit[20] ^= 0x01
        path.write_bytes(bytes(flipped_bit))
    tampered = verify_only()
    assert tampered.returncode == 1
    assert sorted(lines(tampered.stderr)[:-1]) == sorted(
        [
            f"- File private:{cv.file.name} does not match its SHA-256.",
            f"- File default:{image.file.name} does not match its SHA-256.",
            f"- cohorts.ApplicationFile {cv.pk}: the recorded sha256 does not match "
            f"private:{cv.file.name}.",
            f"- wagtailimages.Image {image.pk}: the recorded file_hash does not match "
            f"default:{image.file.name}.",
        ]
    )
    assert (
        lines(tampered.stderr)[-1] == "CommandError: Drill failed: 4 differences from the backup."
    )
    for path, data in originals.items():
        path.write_bytes(data)

    # A certificate's status and another's credential changed in the restored database.
    valid, speaker = world["certificates"][1], world["certificates"][3]
    head, body, signature = speaker.credential.split(".")
    flipped = signature[:10] + ("B" if signature[10] == "A" else "A") + signature[11:]
    with databases.connect(name) as restored:
        restored.execute(
            "UPDATE assessments_certificate SET status = 'revoked' WHERE id = %s", [valid.pk]
        )
        restored.execute(
            "UPDATE assessments_certificate SET credential = %s WHERE id = %s",
            [f"{head}.{body}.{flipped}", speaker.pk],
        )
    changed_rows = verify_only()
    assert changed_rows.returncode == 1
    assert lines(changed_rows.stderr) == [
        f"- Certificate {valid.serial} is revoked, in the backup valid.",
        f"- Certificate {speaker.serial}: the credential does not verify (The signature does "
        "not match: the credential was changed or not signed by us.).",
        "CommandError: Drill failed: 2 differences from the backup.",
    ]
    assert "Certificates verified: 3" in changed_rows.stdout
    with databases.connect(name) as restored:
        restored.execute(
            "UPDATE assessments_certificate SET status = 'valid' WHERE id = %s", [valid.pk]
        )
        restored.execute(
            "UPDATE assessments_certificate SET credential = %s WHERE id = %s",
            [speaker.credential, speaker.pk],
        )
    assert verify_only().returncode == 0

    # A row deleted in the restored database.
    with databases.connect(name) as restored:
        deleted = restored.execute(
            "DELETE FROM trainings_attendance WHERE id = (SELECT min(id) FROM trainings_attendance)"
        ).rowcount
    assert deleted == 1
    attendance = manifest["tables"]["trainings_attendance"]
    short = verify_only()
    assert short.returncode == 1
    assert lines(short.stderr) == [
        f"- Table trainings_attendance has {attendance - 1} rows, the backup {attendance}.",
        "CommandError: Drill failed: 1 difference from the backup.",
    ]
    assert f"Tables checked: {tables}, rows: {rows - 1}" in short.stdout


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_changed_file_in_the_backup_stops_the_restore(folders, databases):
    world = build_world()
    target, _printed = backup(folders)
    cv = world["cv"]
    copy = target / "media" / "private" / cv.file.name
    data = bytearray(copy.read_bytes())
    data[20] ^= 0x01  # the same size, one bit changed
    copy.write_bytes(bytes(data))

    name = databases.new()
    media, private = folders["root"] / "restored-media", folders["root"] / "restored-private"
    done = manage(
        "restore",
        "--input",
        str(target),
        database_url=databases.url(name),
        media=media,
        private=private,
    )
    assert done.returncode == 1
    assert lines(done.stderr) == [
        f"- Backup copy of private:{cv.file.name} does not match its SHA-256.",
        "CommandError: Restore failed: The backup folder does not match its manifest.",
    ]
    assert done.stdout == ""
    # Nothing was restored: no table, no file.
    with databases.connect(name) as restored:
        assert (
            restored.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
            == 0
        )
    assert not media.exists() and not private.exists()


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rows_written_during_the_backup_do_not_split_it(folders, databases):
    """Another client inserts rows all through the backup: the counts in the manifest and the
    dump come from the same snapshot, so the restored database matches the manifest exactly."""
    import psycopg

    cf.attach(cf.application(cf.cohort("busy")), FileKind.CV)
    db = connection.settings_dict
    writer_settings = {**databases.server, "dbname": db["NAME"], "autocommit": True}
    stop = threading.Event()
    written = []

    def write():
        with psycopg.connect(**writer_settings) as writer:
            while not stop.is_set():
                n = len(written)
                writer.execute(
                    "INSERT INTO taggit_tag (name, slug) VALUES (%s, %s)",
                    [f"busy {n}", f"busy-{n}"],
                )
                written.append(n)
                time.sleep(0.002)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        before = len(written)
        target, _printed = backup(folders)
        after = len(written)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert after - before > 20, "no row was written while the backup ran"
    tags = json.loads((target / "manifest.json").read_text())["tables"]["taggit_tag"]
    assert before <= tags <= after + 1  # the last insert may be counted before it is noted

    name = databases.new()
    media, private = folders["root"] / "restored-media", folders["root"] / "restored-private"
    done = manage(
        "restore",
        "--input",
        str(target),
        database_url=databases.url(name),
        media=media,
        private=private,
    )
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout)[-1] == "Drill passed: everything matches the backup."
    with databases.connect(name) as restored:
        assert restored.execute("SELECT count(*) FROM taggit_tag").fetchone()[0] == tags


@pytest.mark.postgres
@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_into_object_storage_and_back(folders, databases):
    """The same commands on S3 buckets (a local moto server): restored object names and bytes,
    and a backup made from the buckets equal to the first one."""
    from tests.ops import s3

    if s3.moto_server_path() is None:
        pytest.skip("needs moto[server]")
    world = build_world()
    tables, rows = database_figures()
    all_files = files_under(folders["media"]) + files_under(folders["private"])
    target, _printed = backup(folders)
    first = json.loads((target / "manifest.json").read_text())
    name = databases.new()
    unused = folders["root"] / "unused"
    with s3.MotoServer() as server:
        s3.make_buckets(server.url)
        env = s3.site_env(server.url)
        done = manage(
            "restore",
            "--input",
            str(target),
            database_url=databases.url(name),
            media=unused,
            private=unused,
            **env,
        )
        assert done.returncode == 0, done.stderr
        assert lines(done.stdout)[1:] == [
            f"Files restored: 7, bytes: {sum(p.stat().st_size for p in all_files)}",
            *expected_drill(tables, rows, all_files, recorded_hashes(), 4),
        ]
        client = s3.client(server.url)
        for bucket, alias in ((s3.PUBLIC_BUCKET, "default"), (s3.PRIVATE_BUCKET, "private")):
            listed = client.list_objects_v2(Bucket=bucket)["Contents"]
            assert sorted(o["Key"] for o in listed) == sorted(
                e["name"] for e in first["files"] if e["storage"] == alias
            )
        pdf = world["certificates"][0]
        stored = client.get_object(Bucket=s3.PRIVATE_BUCKET, Key=pdf.pdf.name)["Body"].read()
        assert stored == (folders["private"] / pdf.pdf.name).read_bytes()

        again = manage(
            "backup",
            "--output",
            str(folders["root"] / "from-s3"),
            database_url=databases.url(name),
            media=unused,
            private=unused,
            **env,
        )
        assert again.returncode == 0, again.stderr
    second = json.loads((folders["root"] / "from-s3" / "manifest.json").read_text())
    for key in ("files", "tables", "migrations", "certificates", "missing_files"):
        assert second[key] == first[key], key
    assert not unused.exists()


# -- Both databases --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_never_overwrites_a_folder(folders):
    existing = folders["root"] / "taken"
    existing.mkdir()
    (existing / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="exists already: give the name of a new folder"):
        call_command("backup", output=str(existing))
    assert [p.name for p in existing.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in folders["root"].iterdir()) == ["taken"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_names_the_files_its_rows_miss(folders):
    if ON_POSTGRES and not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump (postgresql-client)")
    kept = cf.attach(cf.application(cf.cohort("gaps")), FileKind.CV)
    lost = cf.attach(kept.application, FileKind.ENDORSEMENT_LETTER, content=b"%PDF-1.4 lost")
    storages["private"].delete(lost.file.name)
    out, err = StringIO(), StringIO()
    target = folders["root"] / "backup"
    call_command("backup", output=str(target), stdout=out, stderr=err)
    assert lines(out.getvalue())[-1] == f"Files: 1 (default: 0, private: 1), bytes: {kept.size}"
    assert lines(err.getvalue()) == [
        "Warning: files that rows refer to but no storage holds (the restore drill will report "
        "them): 1",
        f"- private:{lost.file.name}",
    ]
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["missing_files"] == [{"storage": "private", "name": lost.file.name}]
    assert [entry["name"] for entry in manifest["files"]] == [kept.file.name]


# -- SQLite ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_round_trip(folders):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs without DATABASE_URL")
    build_world()
    tables, rows = database_figures()
    all_files = files_under(folders["media"]) + files_under(folders["private"])
    hashes = recorded_hashes()
    target, printed = backup(folders)
    assert printed[1:] == [
        "Database: sqlite",
        f"Tables: {tables}, rows: {rows}",
        f"Files: 7 (default: 2, private: 5), bytes: {sum(p.stat().st_size for p in all_files)}",
    ]
    assert (target / "database.sqlite3").is_file()

    database = folders["root"] / "restored.sqlite3"
    media, private = folders["root"] / "restored-media", folders["root"] / "restored-private"
    url = f"sqlite:///{database}"
    done = manage("restore", "--input", str(target), database_url=url, media=media, private=private)
    assert done.returncode == 0, done.stderr
    assert lines(done.stdout) == [
        f"Database restored: sqlite, {tables} tables, {rows} rows",
        f"Files restored: 7, bytes: {sum(p.stat().st_size for p in all_files)}",
        *expected_drill(tables, rows, all_files, hashes, 4),
    ]
    size = database.stat().st_size
    again = manage(
        "restore", "--input", str(target), database_url=url, media=media, private=private
    )
    assert again.returncode == 1
    assert f"- The database file {database} exists and is not empty." in again.stderr
    assert database.stat().st_size == size
